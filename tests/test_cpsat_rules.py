"""Each hard rule of the CP-SAT model binds on a tiny problem, and an impossible variant is INFEASIBLE."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest

import evocompose as evo
from evocompose import (
    BridgeRule,
    Candidate,
    MeetingRule,
    NetworkSpec,
    Pool,
    Problem,
    Quota,
    SkillRequirement,
    SolveStatus,
    Weights,
)
from evocompose.check import check
from evocompose.result import Result
from evocompose.solve import solve
from evocompose.solvers.cpsat import build_model

SECTORS = ["agri", "food", "food", "tour", "agri", "tour", "food", "agri"]
ACTORS = ["private", "private", "public", "civil", "knowledge", "private", "civil", "public"]


def make(n: int = 8, nets: tuple[NetworkSpec, ...] | None = None, **kw: Any) -> Problem:
    """A small pool ``p0..p{n-1}`` with varied sectors, actor types, skills and slots."""
    avail = kw.pop("avail", None)
    cands = []
    for i in range(n):
        cands.append(
            Candidate(
                id=f"p{i}",
                name=f"P{i}",
                organisation=kw.get("orgs", [f"o{i}"] * n)[i] if "orgs" in kw else f"o{i}",
                sector=SECTORS[i % len(SECTORS)],
                actor_type=ACTORS[i % len(ACTORS)],
                skills=("x",) if i % 3 == 0 else (),
                availability=avail[i] if avail else ("mon-morning", "tue-evening"),
                capacity=kw.get("caps", {}).get(f"p{i}"),
            )
        )
    kw.pop("orgs", None)
    kw.pop("caps", None)
    if nets is None:
        nets = (NetworkSpec("a", min_size=2, max_size=3),)
    kw.setdefault("weights", Weights(relevance=0.0))
    return Problem(Pool(tuple(cands)), nets, **kw)


def run(problem: Problem) -> Result:
    r = solve(problem, time_limit=5, workers=1)
    if r.status.has_solution:
        assert r.composition is not None
        assert check(problem, r.composition) == []
        assert r.objective == pytest.approx(r.stats.solver_objective, abs=1e-6)
    return r


def members(r: Result, net: str) -> set[str]:
    assert r.composition is not None
    return set(r.composition.members[net])


def test_size_bounds_bind() -> None:
    r = run(make(nets=(NetworkSpec("a", min_size=2, max_size=3),)))
    assert r.status is SolveStatus.OPTIMAL
    assert len(members(r, "a")) == 3  # diversity pushes to max_size


def test_capacity_and_sharing() -> None:
    nets = (NetworkSpec("a", min_size=4, max_size=4), NetworkSpec("b", min_size=4, max_size=4))
    p = make(n=6, nets=nets, share_members=[("a", "b")], default_capacity=2)
    r = run(p)
    assert r.status is SolveStatus.OPTIMAL
    assert members(r, "a") & members(r, "b")  # 8 places for 6 people: some share
    assert (
        run(make(n=6, nets=nets, default_capacity=2)).status is SolveStatus.INFEASIBLE
    )  # no sharing
    assert run(make(n=6, nets=nets, share_members=[("a", "b")])).status is SolveStatus.INFEASIBLE


def test_capacity_per_person() -> None:
    nets = (NetworkSpec("a", min_size=3, max_size=3), NetworkSpec("b", min_size=3, max_size=3))
    p = make(n=4, nets=nets, share_members=[("a", "b")], caps={f"p{i}": 2 for i in range(4)})
    r = run(p)
    assert r.status is SolveStatus.OPTIMAL


def test_required_and_assign_all() -> None:
    nets = (NetworkSpec("a", min_size=1, max_size=2),)
    r = run(make(n=5, nets=nets, required=["p3"]))
    assert "p3" in members(r, "a")
    assert run(make(n=5, nets=nets, assign_all=True)).status is SolveStatus.INFEASIBLE
    r = run(make(n=2, nets=nets, assign_all=True))
    assert members(r, "a") == {"p0", "p1"}


def test_pins_include_exclude() -> None:
    nets = (NetworkSpec("a", min_size=2, max_size=2, include=("p1",), exclude=("p3",)),)
    r = run(make(n=4, nets=nets, weights=Weights(relevance=0.0, spread=0.0)))
    assert "p1" in members(r, "a") and "p3" not in members(r, "a")


def test_quota_count_and_share() -> None:
    q = Quota("sector", ("food",), min=2)
    r = run(make(nets=(NetworkSpec("a", min_size=3, max_size=3, quotas=(q,)),)))
    assert sum(1 for m in members(r, "a") if SECTORS[int(m[1:])] == "food") >= 2
    q = Quota("sector", ("agri",), max=0.25, unit="share")  # 4 members -> at most 1 agri
    r = run(make(nets=(NetworkSpec("a", min_size=4, max_size=4, quotas=(q,)),)))
    assert sum(1 for m in members(r, "a") if SECTORS[int(m[1:])] == "agri") <= 1
    qs = (
        Quota("sector", ("food",), min=0.6, unit="share"),
        Quota("sector", ("food",), max=0.4, unit="share"),
    )
    p = make(nets=(NetworkSpec("a", min_size=2, max_size=4, quotas=qs),))
    assert run(p).status is SolveStatus.INFEASIBLE


def test_share_quota_exact_arithmetic() -> None:
    # 1/3 of 3 members is exactly 1: a share bound must not be rounded away
    q = Quota("actor_type", ("public",), min=1 / 3, max=1 / 3, unit="share")
    r = run(make(nets=(NetworkSpec("a", min_size=3, max_size=3, quotas=(q,)),)))
    assert sum(1 for m in members(r, "a") if ACTORS[int(m[1:])] == "public") == 1


def test_skill_requirement() -> None:
    nets = (NetworkSpec("a", min_size=2, max_size=3, skills=(SkillRequirement("x", 3),)),)
    r = run(make(nets=nets))
    assert {m for m in members(r, "a") if int(m[1:]) % 3 == 0} == {"p0", "p3", "p6"}
    nets = (NetworkSpec("a", min_size=2, max_size=2, skills=(SkillRequirement("x", 2),)),)
    p = make(nets=nets, excluded=["p0", "p3"])
    assert run(p).status is SolveStatus.INFEASIBLE


def test_max_per_organisation() -> None:
    orgs = ["o1", "o1", "o1", "o2", "o2", "o2"]
    nets = (NetworkSpec("a", min_size=2, max_size=4, max_per={"organisation": 1}),)
    r = run(make(n=6, nets=nets, orgs=orgs))
    assert len(members(r, "a")) == 2
    nets = (NetworkSpec("a", min_size=3, max_size=4, max_per={"organisation": 1}),)
    assert run(make(n=6, nets=nets, orgs=orgs)).status is SolveStatus.INFEASIBLE


def test_max_per_any_field_and_named_constraints() -> None:
    # per area: at most 2 of each area; three areas of two people, at most one per organisation
    orgs = ["o1", "o2", "o3", "o1", "o2", "o3"]
    p = make(n=6, nets=(NetworkSpec("a", min_size=4, max_size=6),), orgs=orgs)
    areas = ["n", "n", "n", "s", "s", "s"]
    pool = evo.Pool(
        tuple(
            evo.Candidate(**{**c.__dict__, "area": areas[k]})
            for k, c in enumerate(p.pool.candidates)
        )
    )
    spec = NetworkSpec("a", min_size=3, max_size=6, max_per={"area": 2, "organisation": 1})
    q = p.replace(pool=pool, networks=(spec,))
    r = run(q)
    got = members(r, "a")
    assert len(got) == 3 and evo.check(q, r.composition) == []  # type: ignore[arg-type]
    spec4 = NetworkSpec("a", min_size=4, max_size=6, max_per={"area": 2})
    r4 = run(q.replace(networks=(spec4,)))
    assert len(members(r4, "a")) == 4
    assert evo.check(q.replace(networks=(spec4,)), r4.composition) == []  # type: ignore[arg-type]
    names = [c.name for c in build_model(q).model.proto.constraints if c.name.startswith("max_per")]
    assert "max_per[a][area=n <= 2]" in names and "max_per[a][organisation=o1 <= 1]" in names


def test_meeting_full_quorum_and_partial() -> None:
    avail = [
        ("mon-morning",),
        ("mon-morning",),
        ("tue-evening",),
        ("tue-evening",),
        ("tue-evening",),
        ("mon-morning",),
    ]
    nets = (NetworkSpec("a", min_size=3, max_size=4, meeting=MeetingRule(1.0)),)
    r = run(make(n=6, nets=nets, avail=avail))
    assert r.composition is not None and r.composition.slots["a"] in ("mon-morning", "tue-evening")
    assert len(members(r, "a")) == 3
    nets = (NetworkSpec("a", min_size=4, max_size=4, meeting=MeetingRule(0.75)),)
    r = run(make(n=6, nets=nets, avail=avail))
    assert r.status is SolveStatus.OPTIMAL
    nets = (NetworkSpec("a", min_size=4, max_size=4, meeting=MeetingRule(1.0)),)
    assert run(make(n=6, nets=nets, avail=avail)).status is SolveStatus.INFEASIBLE
    nets = (
        NetworkSpec("a", min_size=3, max_size=3, meeting=MeetingRule(1.0, slots=("mon-morning",))),
    )
    r = run(make(n=6, nets=nets, avail=avail))
    assert members(r, "a") == {"p0", "p1", "p5"}


def test_conflicts_and_must_pairs() -> None:
    nets = (NetworkSpec("a", min_size=2, max_size=2, include=("p0",)),)
    r = run(make(n=3, nets=nets, conflicts=[("p0", "p1")]))
    assert members(r, "a") == {"p0", "p2"}
    nets = (NetworkSpec("a", min_size=2, max_size=3, include=("p0",)),)
    r = run(
        make(n=4, nets=nets, must_pairs=[("p0", "p1")], weights=Weights(relevance=0.0, spread=0.0))
    )
    assert "p1" in members(r, "a")
    nets = (NetworkSpec("a", min_size=3, max_size=3),)
    p = make(n=3, nets=nets, conflicts=[("p0", "p1")])
    assert run(p).status is SolveStatus.INFEASIBLE


def test_cohesion_min_known() -> None:
    ties = nx.Graph([("p0", "p1"), ("p1", "p2"), ("p4", "p5")])
    nets = (NetworkSpec("a", min_size=3, max_size=3, min_known=1),)
    r = run(make(n=6, nets=nets, ties=ties))
    assert members(r, "a") == {"p0", "p1", "p2"}
    nets = (NetworkSpec("a", min_size=3, max_size=3, min_known=2),)
    assert run(make(n=6, nets=nets, ties=ties)).status is SolveStatus.INFEASIBLE


@pytest.mark.parametrize("mode", ["share", "share_or_tie"])
def test_bridge(mode: str) -> None:
    ties = nx.Graph([("p0", "p5")])
    nets = (
        NetworkSpec("a", min_size=2, max_size=2, include=("p0",), bridge=BridgeRule(1, mode)),  # type: ignore[arg-type]
        NetworkSpec("b", min_size=2, max_size=2, exclude=("p0",)),
    )
    p = make(n=6, nets=nets, ties=ties, share_members=[("a", "b")], default_capacity=2)
    r = run(p)
    a, b = members(r, "a"), members(r, "b")
    if mode == "share":
        assert a & b
    else:
        assert (a & b) or "p5" in b
    p2 = make(n=6, nets=nets, ties=ties)  # no sharing allowed
    st = run(p2).status
    assert st is (SolveStatus.INFEASIBLE if mode == "share" else SolveStatus.OPTIMAL)


def test_synergy_centres_cover_every_pair_once() -> None:
    """Each synergy pair is linearised once, around the end with most pairs."""
    from evocompose.solvers.cpsat.terms import _synergy_centres

    pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("d", "e")]
    star = _synergy_centres(pairs)
    assert star["a"] == ["b", "c", "d"]
    covered = sorted(tuple(sorted((c, o))) for c, others in star.items() for o in others)
    assert covered == sorted(pairs)


def test_synergy_model_has_no_products() -> None:
    """Synergy is linear (one-hot hull formulation), no multiplication constraints."""
    from evocompose.solvers.cpsat.rules import build_model
    from evocompose.solvers.cpsat.terms import build_terms

    spec = NetworkSpec(
        "n", min_size=2, max_size=6, synergy={("agri", "food"): 1.0, ("food", "tour"): 0.5}
    )
    m = build_model(make(nets=(spec,)))
    build_terms(m, terms=("synergy",))
    text = str(m.model.proto)
    assert "linear" in text
    assert "int_prod" not in text


def test_hint_is_completed_when_feasible() -> None:
    """A feasible composition hints every variable; a broken one only the members."""
    from evocompose import Composition
    from evocompose.solvers.cpsat.rules import build_model
    from evocompose.solvers.cpsat.terms import build_terms

    spec = NetworkSpec("a", min_size=2, max_size=3, synergy={("agri", "food"): 1.0})
    problem = make(nets=(spec,), weights=Weights(relevance=0.0, cohesion=1.0))
    m = build_model(problem)
    build_terms(m)
    m.add_hint(Composition({"a": ("p0", "p1")}))
    assert len(m.model.proto.solution_hint.vars) == len(m.model.proto.variables)

    m = build_model(problem)
    build_terms(m)
    m.add_hint(Composition({"a": ("p0", "p1", "p2", "p3")}))  # too large: not completed
    assert len(m.model.proto.solution_hint.vars) == len(m.x)


def test_meeting_without_any_slot_leaves_the_network_empty() -> None:
    """Nobody offers a slot: an empty network keeps the meeting rule (as ``check`` says)."""
    import networkx as nx

    from evocompose import Candidate, MeetingRule, NetworkSpec, Pool, Problem, SolveStatus
    from evocompose.check import check
    from evocompose.solve import solve

    cands = tuple(
        Candidate(id=f"p{i}", name=f"P{i}", organisation="o", sector="s", actor_type="private")
        for i in range(2)
    )
    net = NetworkSpec("n0", min_size=0, max_size=1, meeting=MeetingRule(1.0))
    p = Problem(Pool(cands), (net,), nx.Graph())
    r = solve(p, solver="cpsat", time_limit=5, workers=1)
    assert r.status is SolveStatus.OPTIMAL and r.composition is not None
    assert r.composition.size("n0") == 0 and check(p, r.composition) == []
