"""CP-SAT against brute force on random tiny problems.

Every composition (and every meeting slot) of a tiny random problem is
enumerated. The oracle that decides feasibility and scores compositions is
``_oracle.py``: small code of its own, written from the rules and the
objective's definitions, that calls none of the package's helpers
(``eligible``, ``count_bounds``, ``evaluate``, ``check``, ...). The solver's
answer must be OPTIMAL with the oracle's optimum as objective and bound, pass
:func:`evocompose.check.check`, and be feasible and optimal for the oracle too.

The random problems use every rule kind, declared attributes with
``attribute_weights``, relevance, ``cohesion_target`` up to 3 and sometimes a
dissimilarity matrix; most draws are feasible (see the hypothesis statistics
with ``--hypothesis-show-statistics``).
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import numpy as np
import pytest
from _oracle import global_broken, network_broken, network_score, score, slot_choices
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
    Quota,
    SkillRequirement,
    SolveStatus,
    Weights,
)
from evocompose.check import check
from evocompose.errors import EvocomposeError
from evocompose.objective import evaluate, weighted_total
from evocompose.solve import solve

SLOTS = ("mon-morning", "tue-evening")
W = st.sampled_from([0.0, 0.5, 1.0, 2.0])


def _often(draw: Any, chance: int = 3) -> bool:
    """True in ``chance`` of ``chance + 1`` draws."""
    return bool(draw(st.integers(0, chance)))


def _seldom(draw: Any, chance: int = 3) -> bool:
    """True in 1 of ``chance + 1`` draws."""
    return draw(st.integers(0, chance)) == 0


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
                organisation=draw(st.sampled_from(["o1", "o2", "o3", "o4"])),
                sector=draw(st.sampled_from(["s1", "s2", "s3"])),
                actor_type=draw(st.sampled_from(["private", "public", "civil"])),
                skills=tuple(sorted(draw(st.sets(st.sampled_from(["k1", "k2"]))))),
                themes=("food",) if _seldom(draw) else (),
                # most people are free in tue-evening, so that meeting rules seldom fail alone
                availability=tuple(
                    s
                    for s in SLOTS
                    if (_often(draw) if s == "tue-evening" else draw(st.booleans()))
                ),
                capacity=draw(st.sampled_from([None, None, 1, 2])),
                area=draw(st.sampled_from(["", "north", "south"])),
                external=_seldom(draw),
                relevance={
                    f"n{g}": draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))
                    for g in range(n_net)
                    if _often(draw)
                },
                attributes={
                    "gender": draw(st.sampled_from(["k", "m", ""])),
                    "age": draw(st.sampled_from(["young", "old"])),
                },
            )
        )
    pool = Pool(tuple(cands))
    sectors = pool.sectors
    ids = [c.id for c in cands]
    nets = []
    for g in range(n_net):
        lo = draw(st.sampled_from([0, 0, 1, 1, 2]))
        hi = draw(st.integers(max(lo, 1), 3))
        quotas = []
        if _seldom(draw, 3):
            unit = draw(st.sampled_from(["count", "share"]))
            field, values = draw(
                st.sampled_from(
                    [
                        ("sector", (sectors[0],)),
                        ("actor_type", ("private",)),
                        ("gender", ("k",)),
                        ("external", ("false",)),
                    ]
                )
            )
            if unit == "count":
                lo_q = draw(st.sampled_from([None, None, 1]))
                hi_q = draw(st.sampled_from([None, 1, 2]))
            else:
                lo_q = draw(st.sampled_from([None, 0.34, 0.5]))
                hi_q = draw(st.sampled_from([None, 0.67]))
            if lo_q is not None or hi_q is not None:
                quotas.append(Quota(field, values, min=lo_q, max=hi_q, unit=unit))
        skills = (
            (SkillRequirement("k1", 1),)
            if _seldom(draw, 2) and sum("k1" in c.skills for c in cands) >= 2
            else ()
        )
        meeting = None
        if _seldom(draw, 2):
            meeting = MeetingRule(
                draw(st.sampled_from([1.0, 0.5, 0.67])),
                slots=draw(st.sampled_from([(), ("tue-evening",)])),
            )
        synergy = {}
        if draw(st.booleans()):
            a, b = draw(st.sampled_from(sectors)), draw(st.sampled_from(sectors))
            synergy[(a, b)] = draw(st.sampled_from([0.5, 1.0, -0.5]))
        max_per = {
            f: k
            for f, k in (
                ("organisation", draw(st.sampled_from([None, None, 1, 2]))),
                ("area", draw(st.sampled_from([None, None, None, 1]))),
                ("age", draw(st.sampled_from([None, None, None, 2]))),
            )
            if k is not None
        }
        include = (draw(st.sampled_from(ids)),) if _seldom(draw, 4) else ()
        exclude = tuple(x for x in (draw(st.sampled_from(ids)),) if x not in include)
        nets.append(
            _spec(
                f"n{g}",
                min_size=lo,
                max_size=hi,
                tags=("food",),
                quotas=tuple(quotas),
                skills=skills,
                meeting=meeting,
                max_per=max_per,
                min_relevance=draw(st.sampled_from([None, None, 0.25])),
                include=include,
                exclude=exclude if _seldom(draw, 5) else (),
                min_known=1 if _seldom(draw, 15) else 0,
                synergy=synergy,
                bridge=BridgeRule(1, draw(st.sampled_from(["share", "share_or_tie"])))
                if n_net > 1 and _seldom(draw, 5)
                else None,
                weights={"relevance": 3.0} if _seldom(draw, 5) else {},
            )
        )
    pairs = list(itertools.combinations(ids, 2))
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True))
    k = len(chosen) - (1 if chosen and _seldom(draw) else 0)  # a must-pair in a quarter
    ties = nx.Graph(draw(st.lists(st.sampled_from(pairs), max_size=8, unique=True)))
    names = [s.name for s in nets]
    share = [p for p in itertools.combinations(names, 2) if draw(st.booleans())]
    weights = Weights(
        sector=draw(W),
        actor_type=draw(W),
        area=draw(W),
        attributes=draw(W),
        attribute_weights={
            "gender": draw(st.sampled_from([0.5, 1.0, 3.0])),
            "age": draw(st.sampled_from([0.0, 1.0, 2.0])),
        },
        skills=draw(st.sampled_from([0.0, 0.1])),
        new_cross_sector_ties=draw(W),
        cohesion=draw(W),
        cohesion_target=draw(st.integers(0, 3)),
        relevance=draw(W),
        synergy=draw(W),
        spread=draw(st.sampled_from([0.0, 1.0, -0.5])),
        dissimilarity=draw(st.sampled_from([0.5, 1.0])),
    )
    dissimilarity = None
    if _seldom(draw, 4):
        d = np.array(
            draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=n * n, max_size=n * n)),
            dtype=float,
        ).reshape(n, n)
        dissimilarity = np.triu(d, 1) + np.triu(d, 1).T
    not_excluded = ids[1:]
    try:
        return Problem(
            pool,
            tuple(nets),
            ties,
            conflicts=chosen[:k],
            must_pairs=chosen[k:],
            share_members=share,
            attributes=("gender", "age"),
            required=[ids[0]] if _seldom(draw) else [],
            excluded=[not_excluded[-1]] if not_excluded and _seldom(draw, 7) else [],
            assign_all=n <= sum(s.max_size for s in nets) and _seldom(draw, 9),
            weights=weights,
            dissimilarity=dissimilarity,
        )
    except EvocomposeError:
        assume(False)
        raise


def _spec(*args: Any, **kwargs: Any) -> NetworkSpec:
    try:
        return NetworkSpec(*args, **kwargs)
    except EvocomposeError:
        assume(False)
        raise


def network_options(p: Problem, spec: NetworkSpec) -> list[tuple[tuple[str, ...], float]]:
    """Every member set that keeps the network's own rules in some slot, with its score."""
    opts = []
    ids = p.pool.ids
    for k in range(spec.min_size, spec.max_size + 1):
        for mem in itertools.combinations(ids, k):
            if any(not network_broken(p, spec, mem, t) for t in slot_choices(p, spec)):
                opts.append((mem, network_score(p, spec, mem)))
    return opts


def brute_force(p: Problem) -> float | None:
    """Best weighted objective over every feasible composition (the oracle's), ``None`` if none."""
    options = [network_options(p, spec) for spec in p.networks]
    best: float | None = None
    names = p.network_names
    for combo in itertools.product(*options):
        comp = {g: mem for g, (mem, _) in zip(names, combo, strict=True)}
        if global_broken(p, comp):
            continue
        total = sum(v for _, v in combo) + p.weights.spread * len(set().union(*comp.values()))
        if best is None or total > best + 1e-9:
            best = total
    return best


def assert_optimal(problem: Problem, best: float, r: Any) -> None:
    """An OPTIMAL result with the oracle's optimum, feasible for the checker and the oracle."""
    assert r.status is SolveStatus.OPTIMAL
    assert r.composition is not None
    assert check(problem, r.composition) == []
    comp = r.composition
    assert not network_broken_anywhere(problem, comp)
    assert r.objective == pytest.approx(best, abs=1e-6)
    assert r.objective == pytest.approx(r.stats.solver_objective, abs=1e-6)
    assert r.bound == pytest.approx(best, abs=1e-6)
    # the objective of the composition, by the oracle and by the reference evaluation
    assert score(problem, comp.members) == pytest.approx(best, abs=1e-6)
    assert weighted_total(problem, evaluate(problem, comp)) == pytest.approx(best, abs=1e-6)


def network_broken_anywhere(p: Problem, comp: Composition) -> bool:
    own = any(
        network_broken(p, s, comp.members.get(s.name, ()), comp.slots.get(s.name))
        for s in p.networks
    )
    return own or bool(global_broken(p, comp.members))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(problems())
def test_cpsat_matches_brute_force(problem: Problem) -> None:
    best = brute_force(problem)
    event("infeasible" if best is None else "feasible")
    if problem.dissimilarity is not None:
        event("dissimilarity")
    # no diagnosis of the infeasible draws (half of this test's time; tests/test_diagnose.py)
    r = solve(problem, time_limit=10, workers=1, solver="cpsat", diagnose=False)
    if best is None:
        assert r.status is SolveStatus.INFEASIBLE
        assert r.composition is None
        return
    assert_optimal(problem, best, r)


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
    except EvocomposeError:
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
    event("infeasible" if best is None else "feasible")
    r = solve(problem, time_limit=10, workers=1, diagnose=False)
    if best is None:
        assert r.status is SolveStatus.INFEASIBLE and r.composition is None
        return
    assert_optimal(problem, best, r)
    # a (completed) hint of the optimum changes nothing
    again = solve(problem, time_limit=10, workers=1, solver="cpsat", hint=r.composition)
    assert_optimal(problem, best, again)


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
                    assert score(p, comp.members) == pytest.approx(expected)
                    assert weighted_total(p, evaluate(p, comp)) == pytest.approx(expected)
                    # the exact size has one composition; the open one is brute-forced
                    best = expected if s is spec_exact else brute_force(p)
                    assert best is not None
                    assert_optimal(p, best, solve(p, time_limit=10, workers=1, solver="cpsat"))
