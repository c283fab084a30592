"""CP-SAT against brute force on random tiny problems.

Every composition (and every meeting slot) of a tiny random problem is
enumerated; feasibility is decided by a predicate written here from the rules
(and cross-checked with :func:`evocompose.check.check`), the objective by
:func:`evocompose.objective.evaluate` and :func:`~evocompose.objective.weighted_total`.
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from evocompose import (
    BridgeRule,
    Candidate,
    Composition,
    MeetingRule,
    NetworkSpec,
    Pool,
    Problem,
    ProblemError,
    Quota,
    SkillRequirement,
    SolveStatus,
    Weights,
)
from evocompose.errors import EvocomposeError
from evocompose.objective import evaluate, weighted_total
from evocompose.solve import solve

check_mod = pytest.importorskip("evocompose.check")

SLOTS = ("mon-morning", "tue-evening")
W = st.sampled_from([0.0, 0.5, 1.0, 2.0])


@st.composite
def problems(draw: Any) -> Problem:
    n_net = draw(st.integers(1, 3))
    n = draw(st.integers(2, 5 if n_net == 3 else 7))
    cands = []
    for i in range(n):
        cands.append(
            Candidate(
                id=f"p{i}",
                name=f"P{i}",
                organisation=draw(st.sampled_from(["o1", "o2", "o3"])),
                sector=draw(st.sampled_from(["s1", "s2", "s3"])),
                actor_type=draw(st.sampled_from(["private", "public", "civil"])),
                skills=tuple(sorted(draw(st.sets(st.sampled_from(["k1", "k2"]))))),
                availability=tuple(s for s in SLOTS if draw(st.booleans())),
                capacity=draw(st.sampled_from([None, 1, 2])),
                area=draw(st.sampled_from(["", "north", "south"])),
                relevance={
                    f"n{g}": draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for g in range(n_net)
                },
            )
        )
    pool = Pool(tuple(cands))
    sectors = pool.sectors
    nets = []
    for g in range(n_net):
        lo = draw(st.integers(0, 2))
        hi = draw(st.integers(max(lo, 1), 3))
        quotas = []
        if draw(st.booleans()):
            unit = draw(st.sampled_from(["count", "share"]))
            field = draw(st.sampled_from(["sector", "actor_type"]))
            values = (sectors[0],) if field == "sector" else ("private",)
            if unit == "count":
                lo_q, hi_q = draw(st.sampled_from([None, 1])), draw(st.sampled_from([None, 1, 2]))
            else:
                lo_q = draw(st.sampled_from([None, 0.34, 0.5]))
                hi_q = draw(st.sampled_from([None, 0.67]))
            if lo_q is not None or hi_q is not None:
                quotas.append(Quota(field, values, min=lo_q, max=hi_q, unit=unit))
        skills = (
            (SkillRequirement("k1", 1),)
            if draw(st.booleans()) and any("k1" in c.skills for c in cands)
            else ()
        )
        meeting = None
        if draw(st.booleans()):
            meeting = MeetingRule(
                draw(st.sampled_from([1.0, 0.5, 0.67])),
                slots=draw(st.sampled_from([(), ("tue-evening",)])),
            )
        synergy = {}
        if draw(st.booleans()):
            a, b = draw(st.sampled_from(sectors)), draw(st.sampled_from(sectors))
            synergy[(a, b)] = draw(st.sampled_from([0.5, 1.0, -0.5]))
        nets.append(
            _spec(
                f"n{g}",
                min_size=lo,
                max_size=hi,
                quotas=tuple(quotas),
                skills=skills,
                meeting=meeting,
                max_per={
                    f: k
                    for f, k in (
                        ("organisation", draw(st.sampled_from([None, 1, 2]))),
                        ("area", draw(st.sampled_from([None, None, 1]))),
                    )
                    if k is not None
                },
                min_relevance=draw(st.sampled_from([None, 0.25])),
                include=(f"p{draw(st.integers(0, n - 1))}",)
                if draw(st.integers(0, 4)) == 0
                else (),
                min_known=1 if draw(st.integers(0, 5)) == 0 else 0,
                synergy=synergy,
                bridge=BridgeRule(1, draw(st.sampled_from(["share", "share_or_tie"])))
                if n_net > 1 and draw(st.integers(0, 4)) == 0
                else None,
            )
        )
    ids = [c.id for c in cands]
    pairs = list(itertools.combinations(ids, 2))
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))
    k = draw(st.integers(0, len(chosen)))
    ties = nx.Graph(draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True)))
    names = [s.name for s in nets]
    share = [p for p in itertools.combinations(names, 2) if draw(st.booleans())]
    weights = Weights(
        sector=draw(W),
        actor_type=draw(W),
        area=draw(W),
        skills=draw(st.sampled_from([0.0, 0.1])),
        new_cross_sector_ties=draw(W),
        cohesion=draw(W),
        cohesion_target=draw(st.integers(0, 2)),
        relevance=draw(W),
        synergy=draw(W),
        spread=draw(st.sampled_from([0.0, 1.0, -0.5])),
    )
    try:
        return Problem(
            pool,
            tuple(nets),
            ties,
            conflicts=chosen[:k],
            must_pairs=chosen[k:],
            share_members=share,
            required=[ids[0]] if draw(st.booleans()) else [],
            weights=weights,
        )
    except (ProblemError, EvocomposeError):
        assume(False)
        raise


def _spec(*args: Any, **kwargs: Any) -> NetworkSpec:
    try:
        return NetworkSpec(*args, **kwargs)
    except EvocomposeError:
        assume(False)
        raise


def _net_ok(p: Problem, spec: NetworkSpec, mem: tuple[str, ...]) -> bool:
    """Rules of one network (independent of the others)."""
    pool, s = p.pool, len(mem)
    people = [pool[m] for m in mem]
    ms = set(mem)
    if not spec.min_size <= s <= spec.max_size or not set(spec.include) <= ms:
        return False
    for q in spec.quotas:
        lo, hi = q.count_bounds(s)
        if not lo <= sum(c.attribute(q.field) in q.values for c in people) <= hi:
            return False
    for r in spec.skills:
        if sum(r.skill in c.skills for c in people) < r.min:
            return False
    for limit in spec.max_per:
        values = [c.attribute(limit.field) for c in people]
        if any(values.count(v) > limit.max for v in values):
            return False
    if spec.meeting is not None and s > 0:
        slots = spec.meeting.slots or pool.slots
        need = spec.meeting.required_available(s)
        if not any(sum(t in c.availability for c in people) >= need for t in slots):
            return False
    for a, b in p.conflicts:
        if a in ms and b in ms:
            return False
    for a, b in p.must_pairs:
        if (a in ms) != (b in ms):
            return False
    if spec.min_known:
        for m in mem:
            if sum(1 for nb in p.ties.neighbors(m) if nb in ms) < spec.min_known:
                return False
    return True


def _global_ok(p: Problem, comp: dict[str, tuple[str, ...]]) -> bool:
    names = p.network_names
    for c in p.pool.ids:
        nets = [g for g in names if c in comp[g]]
        if len(nets) > p.capacity(c):
            return False
        if any(not p.may_share(a, b) for a, b in itertools.combinations(nets, 2)):
            return False
    placed = set().union(*comp.values())
    if any(r not in placed for r in p.required):
        return False
    for spec in p.networks:
        if spec.bridge is None:
            continue
        reach = set(comp[spec.name])
        if spec.bridge.mode == "share_or_tie":
            for m in comp[spec.name]:
                reach.update(p.ties.neighbors(m))
        for h in names:
            if h != spec.name and comp[h] and sum(m in reach for m in comp[h]) < spec.bridge.min:
                return False
    return True


def brute_force(p: Problem) -> float | None:
    """Best weighted objective over every feasible composition, ``None`` if none."""
    options = []
    for spec in p.networks:
        elig = [c for c in p.pool.ids if p.eligible(c, spec.name)]
        opts = []
        for k in range(spec.min_size, min(spec.max_size, len(elig)) + 1):
            for mem in itertools.combinations(elig, k):
                if _net_ok(p, spec, mem):
                    vals = evaluate(p, Composition({spec.name: mem}))
                    value = weighted_total(p, vals) - p.weights.spread * len(mem)
                    opts.append((mem, value))
        options.append(opts)
    best: float | None = None
    names = p.network_names
    for combo in itertools.product(*options):
        comp = {g: mem for g, (mem, _) in zip(names, combo, strict=True)}
        if not _global_ok(p, comp):
            continue
        total = sum(v for _, v in combo) + p.weights.spread * len(set().union(*comp.values()))
        if best is None or total > best + 1e-9:
            best = total
    return best


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(problems())
def test_cpsat_matches_brute_force(problem: Problem) -> None:
    best = brute_force(problem)
    event("infeasible" if best is None else "feasible")
    r = solve(problem, time_limit=10, workers=1)
    if best is None:
        assert r.status is SolveStatus.INFEASIBLE
        assert r.composition is None
        return
    assert r.status is SolveStatus.OPTIMAL
    assert r.composition is not None
    assert check_mod.check(problem, r.composition) == []
    assert r.objective == pytest.approx(best, abs=1e-6)
    assert r.objective == pytest.approx(r.stats.solver_objective, abs=1e-6)
    assert r.bound == pytest.approx(best, abs=1e-6)
    # the objective recomputed from the composition is also the reference value
    assert weighted_total(problem, evaluate(problem, r.composition)) == pytest.approx(
        best, abs=1e-6
    )


SYN = st.sampled_from([-1.0, -0.5, 0.0, 0.3, 0.5, 1.0, 2.0])


@st.composite
def synergy_problems(draw: Any) -> Problem:
    """Few rules, rich synergy tables (every sector pair, same-sector too), larger sizes."""
    n_net = draw(st.integers(1, 2))
    n = draw(st.integers(3, 8 if n_net == 1 else 6))
    n_sec = draw(st.integers(2, 4))
    sectors = [f"s{k}" for k in range(n_sec)]
    cands = [
        Candidate(
            id=f"p{i}",
            name=f"P{i}",
            organisation=f"o{i}",
            sector=draw(st.sampled_from(sectors)),
            actor_type=draw(st.sampled_from(["private", "public"])),
            skills=tuple(sorted(draw(st.sets(st.sampled_from(["k1", "k2"]))))),
            capacity=draw(st.sampled_from([None, 1])),
            relevance={f"n{g}": draw(st.sampled_from([0.0, 0.5, 1.0])) for g in range(n_net)},
        )
        for i in range(n)
    ]
    pool = Pool(tuple(cands))
    present = pool.sectors
    nets = []
    for g in range(n_net):
        hi = draw(st.integers(2, 6 if n_net == 1 else 4))
        lo = draw(st.integers(0, hi))
        pairs = [(a, b) for a in present for b in present if a <= b]
        table = {p: draw(SYN) for p in pairs if draw(st.integers(0, 3)) > 0}
        quotas: tuple[Quota, ...] = ()
        if draw(st.booleans()):
            quotas = (Quota("sector", (present[0],), max=draw(st.integers(0, 2))),)
        nets.append(_spec(f"n{g}", min_size=lo, max_size=hi, synergy=table, quotas=quotas))
    weights = Weights(
        sector=draw(st.sampled_from([0.0, 0.5])),
        actor_type=0.0,
        area=0.0,
        skills=draw(st.sampled_from([0.0, 0.1, 1.0])),
        new_cross_sector_ties=0.0,
        cohesion=0.0,
        relevance=draw(st.sampled_from([0.0, 1.0])),
        synergy=draw(st.sampled_from([1.0, 2.0, -1.0])),
        spread=draw(st.sampled_from([0.0, 0.5])),
    )
    try:
        return Problem(pool, tuple(nets), nx.Graph(), weights=weights)
    except (ProblemError, EvocomposeError):
        assume(False)
        raise


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(synergy_problems())
def test_cpsat_synergy_matches_brute_force(problem: Problem) -> None:
    """Synergy (products of sector counts, any sign) and skills against brute force."""
    best = brute_force(problem)
    if best is None:
        return
    r = solve(problem, time_limit=10, workers=1)
    assert r.status is SolveStatus.OPTIMAL
    assert r.composition is not None
    assert r.objective == pytest.approx(best, abs=1e-6)
    assert r.objective == pytest.approx(r.stats.solver_objective, abs=1e-6)
    assert r.bound == pytest.approx(best, abs=1e-6)
    # a (completed) hint of the optimum changes nothing
    again = solve(problem, time_limit=10, workers=1, solver="cpsat", hint=r.composition)
    assert again.status is SolveStatus.OPTIMAL
    assert again.objective == pytest.approx(best, abs=1e-6)


def test_synergy_star_exact_on_every_count() -> None:
    """Every (c_u, c_v, c_w) split of a star u-v, u-w: solver objective equals the reference."""
    cands = [
        Candidate(id=f"p{i}", name=f"P{i}", organisation=f"o{i}", sector=s, actor_type="private")
        for i, s in enumerate("uuuuvvvwww")
    ]
    table = {("u", "v"): 1.0, ("u", "w"): -0.5, ("v", "w"): 0.3, ("u", "u"): 0.5, ("w", "w"): -1.0}
    pool = Pool(tuple(cands))
    weights = Weights(
        sector=0.0,
        actor_type=0.0,
        area=0.0,
        skills=0.0,
        new_cross_sector_ties=0.0,
        cohesion=0.0,
        relevance=0.0,
        synergy=1.0,
        spread=0.0,
    )
    for cu in range(5):
        for cv in range(4):
            for cw in range(4):
                size = cu + cv + cw
                if not 1 <= size <= 8:
                    continue
                inc = tuple(
                    [f"p{i}" for i in range(cu)]
                    + [f"p{4 + i}" for i in range(cv)]
                    + [f"p{7 + i}" for i in range(cw)]
                )
                spec = NetworkSpec("n0", min_size=size, max_size=8, synergy=table, include=inc)
                spec_exact = NetworkSpec(
                    "n0", min_size=size, max_size=size, synergy=table, include=inc
                )
                for s in (spec, spec_exact):
                    p = Problem(pool, (s,), nx.Graph(), weights=weights)
                    expected = cu * cv * 1.0 - 0.5 * cu * cw + 0.3 * cv * cw
                    expected += 0.5 * cu * (cu - 1) / 2 - cw * (cw - 1) / 2
                    comp = Composition({"n0": inc})
                    assert weighted_total(p, evaluate(p, comp)) == pytest.approx(expected)
                    r = solve(p, time_limit=10, workers=1)
                    assert r.objective == pytest.approx(r.stats.solver_objective, abs=1e-6)
                    if s is spec_exact:
                        assert r.status is SolveStatus.OPTIMAL
                        assert r.objective == pytest.approx(expected, abs=1e-6)
                        assert r.stats.solver_objective == pytest.approx(expected, abs=1e-6)
                        assert r.bound == pytest.approx(expected, abs=1e-6)
