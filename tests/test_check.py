"""Tests of the independent rule checker: one tiny problem per rule, plus properties."""

from __future__ import annotations

import doctest
import importlib
import itertools
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose import (
    BridgeRule,
    Candidate,
    Composition,
    MeetingRule,
    NetworkSpec,
    Pool,
    Problem,
    Quota,
    SkillRequirement,
)
from evocompose.check import (
    InfeasibleCompositionError,
    Violation,
    assert_feasible,
    check,
    check_report,
)
from evocompose.errors import EvocomposeError

# evocompose.check is also the name of the function the package exports
check_module = importlib.import_module("evocompose.check")


def cand(cid: str, **kw: Any) -> Candidate:
    base: dict[str, Any] = dict(
        name=f"Person {cid}",
        organisation=f"Org {cid}",
        sector="food",
        actor_type="private",
        availability=("tue-evening", "thu-morning"),
    )
    base.update(kw)
    return Candidate(id=cid, **base)


def people(n: int, **kw: Any) -> list[Candidate]:
    return [cand(f"p{i}", **kw) for i in range(1, n + 1)]


def make(
    nets: list[NetworkSpec], cands: list[Candidate] | None = None, ties: Any = (), **kw: Any
) -> Problem:
    return Problem(Pool(tuple(cands or people(6))), tuple(nets), nx.Graph(list(ties)), **kw)


def only(problem: Problem, comp: Composition) -> Violation:
    """The single violation of ``comp`` (fails when there are zero or several)."""
    found = check(problem, comp)
    assert len(found) == 1, [v.message for v in found]
    return found[0]


A = NetworkSpec("a", min_size=2, max_size=3)


# ------------------------------------------------------------------ one rule each
def test_feasible_rich_problem_gives_no_violation() -> None:
    cands = [
        cand("p1", sector="agriculture", skills=("marketing",), relevance={"a": 0.9}),
        cand("p2", sector="food", relevance={"a": 0.8}, availability=("tue-evening",)),
        cand("p3", sector="tourism", relevance={"a": 0.7}, availability=("mon-morning",)),
        cand("p4", sector="agriculture", relevance={"a": 0.6}),
        cand("p5", sector="food"),
        cand("p6", sector="tourism"),
    ]
    a = NetworkSpec(
        "a",
        min_size=3,
        max_size=4,
        min_relevance=0.5,
        quotas=(Quota("sector", ("agriculture",), min=0.25, max=0.5, unit="share"),),
        skills=(SkillRequirement("marketing", 1),),
        meeting=MeetingRule(quorum=0.75, slots=("tue-evening",)),
        max_per={"organisation": 1},
        include=("p1",),
        exclude=("p5",),
        min_known=1,
        bridge=BridgeRule(1, "share_or_tie"),
    )
    b = NetworkSpec("b", min_size=2, max_size=2)
    problem = make(
        [a, b],
        cands,
        ties=[("p1", "p2"), ("p2", "p3"), ("p3", "p4"), ("p4", "p5")],
        conflicts=[("p1", "p6")],
        must_pairs=[("p5", "p6")],
        required=("p5",),
    )
    comp = Composition({"a": ["p1", "p2", "p3", "p4"], "b": ["p5", "p6"]}, {"a": "tue-evening"})
    assert check(problem, comp) == []
    assert_feasible(problem, comp)
    report = check_report(problem, comp)
    assert report.empty
    assert report.columns.tolist() == ["rule", "network", "people", "message"]


def test_unknown_network() -> None:
    problem = make([A])
    v = only(problem, Composition({"a": ["p1", "p2"], "zzz": ["p3"]}))
    assert (v.rule, v.network, v.people) == ("unknown_network", "zzz", ("p3",))
    assert v.detail == {"members": 1}


def test_unknown_network_in_slots_only() -> None:
    problem = make([A])
    v = only(problem, Composition({"a": ["p1", "p2"]}, {"zzz": "tue-evening"}))
    assert (v.rule, v.network, v.people) == ("unknown_network", "zzz", ())


def test_unknown_person_is_reported_and_then_ignored() -> None:
    problem = make([A])
    v = only(problem, Composition({"a": ["p1", "p2", "ghost"]}))
    assert (v.rule, v.network, v.people) == ("unknown_person", "a", ("ghost",))


def test_size_too_small() -> None:
    problem = make([A])
    v = only(problem, Composition({"a": ["p1"]}))
    assert (v.rule, v.network, v.people) == ("size", "a", ())
    assert v.detail == {"size": 1, "min_size": 2, "max_size": 3}
    assert v.message == "network 'a' has 1 members, needs >= 2 (size 2-3)"


def test_size_too_large_and_missing_network() -> None:
    problem = make([A, NetworkSpec("b", min_size=1, max_size=2)])
    found = check(problem, Composition({"a": ["p1", "p2", "p3", "p4"]}))
    assert [(v.rule, v.network, v.detail["size"]) for v in found] == [
        ("size", "a", 4),
        ("size", "b", 0),
    ]


def test_capacity() -> None:
    b = NetworkSpec("b", min_size=1, max_size=3)
    problem = make([A, b], share_members=[("a", "b")])
    v = only(problem, Composition({"a": ["p1", "p2"], "b": ["p1"]}))
    assert (v.rule, v.network, v.people) == ("capacity", None, ("p1",))
    assert v.detail == {"networks": ("a", "b"), "count": 2, "capacity": 1}


def test_sharing() -> None:
    b = NetworkSpec("b", min_size=1, max_size=3)
    problem = make([A, b], default_capacity=2)
    v = only(problem, Composition({"a": ["p1", "p2", "p3"], "b": ["p3", "p1"]}))
    assert (v.rule, v.network, v.people) == ("sharing", None, ("p1", "p3"))
    assert v.detail == {"networks": ("a", "b"), "count": 2}


def test_eligibility_relevance() -> None:
    cands = people(6, relevance={"a": 1.0})
    cands[2] = cand("p3", relevance={"a": 0.2})
    problem = make([NetworkSpec("a", min_size=2, max_size=3, min_relevance=0.5)], cands)
    v = only(problem, Composition({"a": ["p1", "p2", "p3"]}))
    assert (v.rule, v.network, v.people) == ("eligibility", "a", ("p3",))
    assert v.detail == {"relevance": 0.2, "min_relevance": 0.5}
    assert "relevance 0.2" in v.message and ">= 0.5" in v.message


def test_eligibility_capacity_zero_is_not_also_a_capacity_violation() -> None:
    cands = people(6)
    cands[3] = cand("p4", capacity=0)
    problem = make([A], cands)
    v = only(problem, Composition({"a": ["p1", "p4"]}))
    assert (v.rule, v.network, v.people, v.detail) == ("eligibility", "a", ("p4",), {"capacity": 0})


def test_excluded_by_network_pin() -> None:
    problem = make([NetworkSpec("a", min_size=2, max_size=3, exclude=("p3",))])
    v = only(problem, Composition({"a": ["p1", "p3"]}))
    assert (v.rule, v.network, v.people, v.detail) == (
        "excluded",
        "a",
        ("p3",),
        {"scope": "network"},
    )


def test_excluded_everywhere() -> None:
    problem = make([A], excluded=("p4",))
    v = only(problem, Composition({"a": ["p1", "p4"]}))
    assert (v.rule, v.network, v.people, v.detail) == (
        "excluded",
        "a",
        ("p4",),
        {"scope": "global"},
    )


def test_include() -> None:
    problem = make([NetworkSpec("a", min_size=2, max_size=3, include=("p1",))])
    v = only(problem, Composition({"a": ["p2", "p3"]}))
    assert (v.rule, v.network, v.people) == ("include", "a", ("p1",))


def test_required() -> None:
    problem = make([A], required=("p5",))
    v = only(problem, Composition({"a": ["p1", "p2"]}))
    assert (v.rule, v.network, v.people) == ("required", None, ("p5",))


def test_assign_all() -> None:
    problem = make([NetworkSpec("a", min_size=0, max_size=6)], assign_all=True)
    v = only(problem, Composition({"a": ["p1", "p2", "p3", "p4"]}))
    assert (v.rule, v.network, v.people) == ("assign_all", None, ("p5", "p6"))
    assert v.detail == {"unplaced": 2, "pool": 6}


def test_quota_count() -> None:
    cands = [cand(f"p{i}", sector="agriculture" if i <= 3 else "food") for i in range(1, 7)]
    spec = NetworkSpec(
        "a", min_size=2, max_size=6, quotas=(Quota("sector", ("agriculture",), min=3),)
    )
    problem = make([spec], cands)
    v = only(problem, Composition({"a": ["p1", "p2", "p4", "p5"]}))
    assert (v.rule, v.network, v.people) == ("quota", "a", ("p1", "p2"))
    assert v.detail["count"] == 2 and v.detail["min"] == 3 and v.detail["max"] == 4
    assert v.message == "network 'a' has 2 members with sector in {agriculture}, needs >= 3"


def _share_problem(n_pool: int, quota: Quota) -> Problem:
    cands = [
        cand(f"q{i:02d}", sector="agriculture" if i < n_pool // 2 else "food")
        for i in range(n_pool)
    ]
    spec = NetworkSpec("a", min_size=1, max_size=n_pool, quotas=(quota,))
    return make([spec], cands)


@pytest.mark.parametrize(
    ("share", "size", "count", "ok"),
    [
        # min share: count >= share * size exactly; 0.3 * 10 = 3 (not 3.0000000000000004 -> 4)
        (0.3, 10, 3, True),
        (0.3, 10, 2, False),
        # 1/3 * 9 = 3 exactly
        (1 / 3, 9, 3, True),
        (1 / 3, 9, 2, False),
        # 0.3 * 7 = 2.1 -> at least 3
        (0.3, 7, 3, True),
        (0.3, 7, 2, False),
    ],
)
def test_quota_min_share_rounding(share: float, size: int, count: int, ok: bool) -> None:
    problem = _share_problem(20, Quota("sector", ("agriculture",), min=share, unit="share"))
    agri = [f"q{i:02d}" for i in range(count)]
    food = [f"q{i:02d}" for i in range(10, 10 + size - count)]
    found = check(problem, Composition({"a": agri + food}))
    assert (found == []) is ok
    if not ok:
        assert found[0].rule == "quota" and found[0].detail["count"] == count


@pytest.mark.parametrize(
    ("share", "size", "count", "ok"),
    [
        (0.3, 10, 3, True),  # count <= floor(0.3 * 10) = 3
        (0.3, 10, 4, False),
        (1 / 3, 9, 3, True),
        (1 / 3, 9, 4, False),
        (0.3, 7, 2, True),  # floor(2.1) = 2
        (0.3, 7, 3, False),
    ],
)
def test_quota_max_share_rounding(share: float, size: int, count: int, ok: bool) -> None:
    problem = _share_problem(20, Quota("sector", ("agriculture",), max=share, unit="share"))
    agri = [f"q{i:02d}" for i in range(count)]
    food = [f"q{i:02d}" for i in range(10, 10 + size - count)]
    found = check(problem, Composition({"a": agri + food}))
    assert (found == []) is ok


def test_max_per_organisation() -> None:
    cands = people(6)
    cands[1] = cand("p2", organisation="Org p1")
    problem = make([NetworkSpec("a", min_size=2, max_size=3, max_per={"organisation": 1})], cands)
    v = only(problem, Composition({"a": ["p1", "p2", "p3"]}))
    assert (v.rule, v.network, v.people) == ("max_per", "a", ("p1", "p2"))
    assert v.detail == {"field": "organisation", "value": "Org p1", "count": 2, "max": 1}


def test_max_per_any_field_each_limit_on_its_own() -> None:
    cands = [cand(f"p{k}", area="north" if k <= 3 else "south") for k in range(1, 7)]
    cands[1] = cand("p2", organisation="Org p1", area="north")
    spec = NetworkSpec("a", min_size=2, max_size=5, max_per={"organisation": 1, "area": 2})
    problem = make([spec], cands)
    assert check(problem, Composition({"a": ["p1", "p3", "p4", "p5"]})) == []
    found = check(problem, Composition({"a": ["p1", "p2", "p3", "p4"]}))
    assert sorted((x.rule, x.detail["field"], x.people) for x in found) == [
        ("max_per", "area", ("p1", "p2", "p3")),
        ("max_per", "organisation", ("p1", "p2")),
    ]
    # an empty value counts as a value of its own
    blank = [cand(f"p{k}", area="") for k in range(1, 4)]
    problem = make([NetworkSpec("a", min_size=1, max_size=3, max_per={"area": 1})], blank)
    assert [x.detail["value"] for x in check(problem, Composition({"a": ["p1", "p2"]}))] == [""]


def test_skill() -> None:
    cands = people(6)
    cands[0] = cand("p1", skills=("marketing",))
    cands[5] = cand("p6", skills=("marketing",))
    spec = NetworkSpec("a", min_size=2, max_size=3, skills=(SkillRequirement("marketing", 2),))
    problem = make([spec], cands)
    v = only(problem, Composition({"a": ["p1", "p2", "p3"]}))
    assert (v.rule, v.network, v.people) == ("skill", "a", ("p1",))
    assert v.detail == {"skill": "marketing", "count": 1, "min": 2}


def test_meeting_without_slot() -> None:
    problem = make([NetworkSpec("a", min_size=0, max_size=3, meeting=MeetingRule())])
    v = only(problem, Composition({"a": ["p1", "p2"]}))
    assert (v.rule, v.network, v.people, v.detail) == ("meeting", "a", (), {"slot": None})
    # an empty network needs no slot
    assert check(problem, Composition({"a": []})) == []


def test_meeting_slot_not_allowed() -> None:
    spec = NetworkSpec("a", min_size=2, max_size=3, meeting=MeetingRule(slots=("tue-evening",)))
    problem = make([spec])
    v = only(problem, Composition({"a": ["p1", "p2"]}, {"a": "thu-morning"}))
    assert (v.rule, v.network, v.detail["slot"]) == ("meeting", "a", "thu-morning")


def test_meeting_quorum() -> None:
    cands = people(6)
    cands[2] = cand("p3", availability=("mon-morning",))
    cands[3] = cand("p4", availability=("mon-morning",))
    spec = NetworkSpec("a", min_size=2, max_size=4, meeting=MeetingRule(quorum=0.75))
    problem = make([spec], cands)
    # 4 members, 2 free on tue-evening, need ceil(0.75 * 4) = 3
    v = only(problem, Composition({"a": ["p1", "p2", "p3", "p4"]}, {"a": "tue-evening"}))
    assert (v.rule, v.network, v.people) == ("meeting", "a", ("p3", "p4"))
    assert v.detail["available"] == 2 and v.detail["required"] == 3
    # 4 members with 3 free (p1, p2, p5) meets ceil(0.75 * 4) = 3
    assert check(problem, Composition({"a": ["p1", "p2", "p5", "p3"]}, {"a": "tue-evening"})) == []


def test_conflict() -> None:
    problem = make([A], conflicts=[("p1", "p2")])
    v = only(problem, Composition({"a": ["p1", "p2", "p3"]}))
    assert (v.rule, v.network, v.people) == ("conflict", "a", ("p1", "p2"))


def test_must_pair() -> None:
    problem = make([A], must_pairs=[("p1", "p2")])
    v = only(problem, Composition({"a": ["p1", "p3"]}))
    assert (v.rule, v.network, v.people) == ("must_pair", "a", ("p1", "p2"))
    assert v.detail == {"present": "p1", "missing": "p2"}


def test_cohesion() -> None:
    problem = make([NetworkSpec("a", min_size=2, max_size=3, min_known=1)], ties=[("p1", "p2")])
    v = only(problem, Composition({"a": ["p1", "p2", "p3"]}))
    assert (v.rule, v.network, v.people) == ("cohesion", "a", ("p3",))
    assert v.detail == {"known": 0, "min_known": 1}


def test_bridge_share() -> None:
    a = NetworkSpec("a", min_size=2, max_size=3, bridge=BridgeRule(1, "share"))
    b = NetworkSpec("b", min_size=2, max_size=3)
    c = NetworkSpec("c", min_size=2, max_size=3)
    problem = make(
        [a, b, c],
        ties=[("p2", "p4")],
        default_capacity=2,
        share_members=[("a", "b"), ("a", "c")],
    )
    comp = Composition({"a": ["p1", "p2"], "b": ["p1", "p3"], "c": ["p4", "p5"]})
    v = only(problem, comp)
    assert (v.rule, v.network, v.people) == ("bridge", "a", ())
    assert v.detail == {"other": "c", "count": 0, "min": 1, "mode": "share"}
    # with share_or_tie, p4 knows p2 (a member of a): bridged
    a2 = NetworkSpec("a", min_size=2, max_size=3, bridge=BridgeRule(1, "share_or_tie"))
    assert check(problem.replace(networks=(a2, b, c)), comp) == []


def test_bridge_ignores_empty_networks() -> None:
    a = NetworkSpec("a", min_size=2, max_size=3, bridge=BridgeRule(1, "share"))
    b = NetworkSpec("b", min_size=0, max_size=3)
    problem = make([a, b])
    assert check(problem, Composition({"a": ["p1", "p2"]})) == []


# ------------------------------------------------------------------ report and errors
def test_check_report_and_assert_feasible() -> None:
    problem = make([A], conflicts=[("p1", "p2")])
    comp = Composition({"a": ["p1", "p2", "p3", "p4"]})
    report = check_report(problem, comp)
    assert isinstance(report, pd.DataFrame)
    assert report["rule"].tolist() == ["size", "conflict"]
    assert report["people"].tolist() == ["", "p1;p2"]
    with pytest.raises(InfeasibleCompositionError) as info:
        assert_feasible(problem, comp)
    assert isinstance(info.value, EvocomposeError)
    assert len(info.value.violations) == 2
    assert "[conflict]" in str(info.value)
    # the hint works when typed as written
    hint = str(info.value).splitlines()[-1]
    call = hint[hint.index("evocompose.check_report") :]
    assert call == "evocompose.check_report(problem, composition)"
    import evocompose

    listed = eval(call, {"evocompose": evocompose, "problem": problem, "composition": comp})
    assert listed["rule"].tolist() == ["size", "conflict"]


def test_violation_is_frozen_and_hashable() -> None:
    v = Violation("size", "a", (), "m", {"size": 1})
    assert hash(v) == hash(Violation("size", "a", (), "m", {"size": 2}))
    assert str(v) == "m"
    with pytest.raises(AttributeError):
        v.rule = "x"  # type: ignore[misc]


def test_tiny_problem() -> None:
    problem = evo.datasets.tiny()
    assert check(problem, Composition({"a": ["p1", "p3", "p4"], "b": ["p2", "p5", "p6"]})) == []


def test_doctests() -> None:
    result = doctest.testmod(check_module)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------ properties
NICE_SHARES = sorted({k / d for d in range(1, 11) for k in range(d + 1)})


def brute_size(problem: Problem, comp: Composition) -> set[str]:
    return {
        s.name
        for s in problem.networks
        if not (s.min_size <= len(comp.members.get(s.name, ())) <= s.max_size)
    }


def brute_conflicts(problem: Problem, comp: Composition) -> set[tuple[str, tuple[str, str]]]:
    out = set()
    for net, ids in comp.members.items():
        for a, b in problem.conflicts:
            if a in ids and b in ids:
                out.add((net, (a, b)))
    return out


def brute_quota(problem: Problem, comp: Composition) -> set[str]:
    """Networks breaking their (single) share quota, with float arithmetic and a tolerance."""
    out = set()
    for s in problem.networks:
        ids = comp.members.get(s.name, ())
        for q in s.quotas:
            count = sum(1 for i in ids if problem.pool[i].sector in q.values)
            size = len(ids)
            if q.min is not None and count < q.min * size - 1e-9:
                out.add(s.name)
            if q.max is not None and count > q.max * size + 1e-9:
                out.add(s.name)
    return out


@st.composite
def problems_and_compositions(draw: st.DrawFn) -> tuple[Problem, Composition]:
    n = draw(st.integers(3, 10))
    sectors = draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=n, max_size=n))
    cands = [cand(f"c{i}", sector=s) for i, s in enumerate(sectors)]
    ids = [c.id for c in cands]
    n_nets = draw(st.integers(1, 3))
    nets = []
    for k in range(n_nets):
        lo = draw(st.integers(0, n))
        hi = draw(st.integers(lo, n))
        qmin = draw(st.none() | st.sampled_from(NICE_SHARES))
        qmax = draw(st.none() | st.sampled_from(NICE_SHARES))
        if qmin is not None and qmax is not None and qmin > qmax:
            qmin, qmax = qmax, qmin
        quotas: tuple[Quota, ...] = ()
        if qmin is not None or qmax is not None:
            value = draw(st.sampled_from(sorted(set(sectors))))
            quotas = (Quota("sector", (value,), min=qmin, max=qmax, unit="share"),)
        nets.append(NetworkSpec(f"n{k}", min_size=lo, max_size=hi, quotas=quotas))
    all_pairs = list(itertools.combinations(ids, 2))
    conflicts = draw(st.lists(st.sampled_from(all_pairs), max_size=3, unique=True))
    problem = make(nets, cands, conflicts=conflicts, default_capacity=3)
    members = {s.name: draw(st.lists(st.sampled_from(ids), unique=True, max_size=n)) for s in nets}
    return problem, Composition(members)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_and_compositions())
def test_check_agrees_with_brute_force(case: tuple[Problem, Composition]) -> None:
    problem, comp = case
    found = check(problem, comp)
    assert {v.network for v in found if v.rule == "size"} == brute_size(problem, comp)
    assert {(v.network, v.people) for v in found if v.rule == "conflict"} == brute_conflicts(
        problem, comp
    )
    assert {v.network for v in found if v.rule == "quota"} == brute_quota(problem, comp)
    assert all(v.rule in check_module.RULES for v in found)
