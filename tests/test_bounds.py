"""Closed-form bounds: never below the optimum (brute force), tight where they should be."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_cpsat_bruteforce import brute_force, problems, synergy_problems

import evocompose as evo
from evocompose import Candidate, Composition, NetworkSpec, Pool, Problem, Weights
from evocompose.bounds import TERM_BOUNDS, closed_form_bound
from evocompose.check import check
from evocompose.errors import EvocomposeError
from evocompose.objective import evaluate, weighted_total
from evocompose.vocabulary import TERM_NAMES

SLOW = [HealthCheck.too_slow, HealthCheck.filter_too_much]


def test_every_term_has_a_bound() -> None:
    assert sorted(TERM_BOUNDS) == sorted(TERM_NAMES)


@settings(max_examples=120, deadline=None, suppress_health_check=SLOW)
@given(problems())
def test_bound_is_never_below_the_optimum(problem: Problem) -> None:
    best = brute_force(problem)
    assume(best is not None)
    bound = closed_form_bound(problem)
    assert bound.total is not None
    assert bound.total >= best - 1e-6, (bound.terms, best)


@settings(max_examples=120, deadline=None, suppress_health_check=SLOW)
@given(synergy_problems())
def test_synergy_and_skill_bounds_are_never_below_the_optimum(problem: Problem) -> None:
    best = brute_force(problem)
    assume(best is not None)
    bound = closed_form_bound(problem)
    assert bound.total is not None and bound.total >= best - 1e-6, (bound.terms, best)


WEIGHT = st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0])


@st.composite
def partitions(draw: Any) -> Problem:
    """Tiny partitions (everyone placed once), any weights, sizes fixed or ranged."""
    n_net = draw(st.integers(2, 3))
    n = draw(st.integers(n_net, 7 if n_net == 3 else 8))
    cands = tuple(
        Candidate(
            id=f"p{i}",
            name=f"P{i}",
            organisation=f"o{i}",
            sector=draw(st.sampled_from(["s1", "s2", "s3"])),
            actor_type=draw(st.sampled_from(["private", "public"])),
            area=draw(st.sampled_from(["", "north", "south"])),
            skills=tuple(sorted(draw(st.sets(st.sampled_from(["k1", "k2"]))))),
            relevance={f"n{g}": draw(st.sampled_from([0.0, 0.5, 1.0])) for g in range(n_net)},
            attributes={"gender": draw(st.sampled_from(["k", "m"]))},
        )
        for i in range(n)
    )
    nets = []
    for g in range(n_net):
        lo = draw(st.integers(0, 3))
        hi = draw(st.integers(max(lo, 1), 5))
        syn = {("s1", "s2"): draw(st.sampled_from([-1.0, 0.5, 1.0]))} if draw(st.booleans()) else {}
        nets.append(NetworkSpec(f"n{g}", min_size=lo, max_size=hi, synergy=syn))
    d = None
    if draw(st.booleans()):
        rng = np.random.default_rng(draw(st.integers(0, 100)))
        d = rng.random((n, n)) - (0.3 if draw(st.booleans()) else 0.0)
        d = (d + d.T) / 2
        np.fill_diagonal(d, 0.0)
    weights = Weights(
        sector=draw(WEIGHT),
        actor_type=draw(WEIGHT),
        area=draw(WEIGHT),
        attributes=draw(WEIGHT),
        skills=draw(WEIGHT),
        new_cross_sector_ties=draw(WEIGHT),
        cohesion=draw(WEIGHT),
        cohesion_target=draw(st.integers(0, 1)),
        relevance=draw(WEIGHT),
        synergy=draw(WEIGHT),
        spread=draw(WEIGHT),
        dissimilarity=draw(WEIGHT),
    )
    ties = nx.Graph([("p0", "p1"), ("p1", "p2")] if draw(st.booleans()) else [])
    try:
        return Problem(
            Pool(cands),
            tuple(nets),
            ties,
            attributes=("gender",),
            assign_all=True,
            weights=weights,
            dissimilarity=d,
        )
    except EvocomposeError:
        assume(False)
        raise


def _partition_optimum(problem: Problem) -> float | None:
    names = problem.network_names
    ids = problem.pool.ids
    sizes = [(s.min_size, s.max_size) for s in problem.networks]
    best: float | None = None
    for assignment in itertools.product(range(len(names)), repeat=len(ids)):
        # a size out of range is broken whatever else holds: skip it before building the
        # composition (check() below, which rejects it too, stays the judge of the rest)
        if any(not lo <= assignment.count(g) <= hi for g, (lo, hi) in enumerate(sizes)):
            continue
        members: dict[str, list[str]] = {name: [] for name in names}
        for cid, g in zip(ids, assignment, strict=True):
            members[names[g]].append(cid)
        comp = Composition(members)
        if check(problem, comp):
            continue
        value = weighted_total(problem, evaluate(problem, comp))
        if best is None or value > best:
            best = value
    return best


@settings(max_examples=80, deadline=None, suppress_health_check=SLOW)
@given(partitions())
def test_partition_bounds_are_never_below_the_optimum(problem: Problem) -> None:
    """Everyone placed once: the bounds that spread each value over the networks."""
    best = _partition_optimum(problem)
    assume(best is not None)
    bound = closed_form_bound(problem)
    assert bound.total is not None and bound.total >= best - 1e-6, (bound.terms, best)


def test_even_spread_bound_of_a_partition() -> None:
    """Teams of 10: per attribute, C(10,2) per team minus each value spread as evenly as possible."""
    problem = evo.datasets.partition(600)
    G = len(problem.networks)
    want = 0
    for field in ("sector", "actor_type", "area"):
        counts = np.unique([c.attribute(field) for c in problem.pool], return_counts=True)[1]
        penalty = 0
        for total in counts:
            q, r = divmod(int(total), G)
            penalty += r * (q + 1) * q // 2 + (G - r) * q * (q - 1) // 2
        want += G * 45 - penalty
    bound = closed_form_bound(problem)
    assert bound.total == want
    assert set(bound.coupled) <= {"sector", "actor_type", "area"} and bound.coupled
    assert "spread as evenly" in bound.source


def test_lexicographic_weights_have_no_closed_form_bound() -> None:
    p = evo.datasets.tiny()
    p = p.replace(weights=Weights(mode="lexicographic"))
    assert closed_form_bound(p).total is None
    r = evo.solve(p, solver="search", time_limit=2)
    assert r.bound is None and r.composition is not None


def test_cpsat_reports_the_tighter_bound_and_its_source() -> None:
    """On a partition CP-SAT's LP bound is C(10,2) per attribute; the closed form is tighter."""
    problem = evo.datasets.partition(60)
    r = evo.solve(problem, solver="cpsat", time_limit=3, workers=2)
    closed = closed_form_bound(problem).total
    assert r.composition is not None and closed is not None
    if r.status is not evo.SolveStatus.OPTIMAL:
        assert r.bound == pytest.approx(min(closed, r.stats.proven_bound))
        assert r.bound_source == (
            "cpsat" if r.bound != closed else closed_form_bound(problem).source
        )
    assert r.bound is not None and r.bound <= closed + 1e-9
