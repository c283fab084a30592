"""Time limits on inputs too large to model in the budget: the answer comes in time, and says why.

The full table (sizes x budgets x backends) is ``benchmarks/scale``; these
tests pin the mechanisms: CP-SAT abandons a model it cannot build within
80 % of the budget, and the fingerprint of millions of ties is computed
without a sort of lists per tie.
"""

from __future__ import annotations

import dataclasses
import time

import networkx as nx
import numpy as np
import pytest

import evocompose as evo
from evocompose.result import Result
from evocompose.solvers import register, unregister
from evocompose.solvers.contract import Backend, SolveOptions
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES

# wall-clock assertions: under `make pytest` (two xdist workers) these run alone (conftest.py)
pytestmark = pytest.mark.serial


@pytest.fixture(scope="module")
def many_ties() -> evo.Problem:
    base = evo.datasets.stevns(seed=0, n=1000)
    ids = list(base.pool.ids)
    rng = np.random.default_rng(1)
    pairs = {tuple(sorted(p)) for p in rng.integers(0, len(ids), size=(160_000, 2)).tolist()}
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((ids[a], ids[b]) for a, b in pairs if a != b)
    return base.replace(ties=graph)


def test_cpsat_gives_up_building_a_model_that_does_not_fit(many_ties: evo.Problem) -> None:
    assert many_ties.ties.number_of_edges() > 130_000
    started = time.perf_counter()
    r = evo.solve(many_ties, time_limit=0.5, solver="cpsat", diagnose=False)
    seconds = time.perf_counter() - started
    assert r.composition is None and r.status is evo.SolveStatus.UNKNOWN
    assert "did not fit" in r.stats.details["not_built"]
    assert "solver='search'" in r.stats.details["not_built"]
    assert seconds < 0.5 * 1.1 + 1.5  # the fingerprint of 160k ties included


def test_a_model_that_fits_is_built_and_solved() -> None:
    small = evo.datasets.stevns(seed=0)
    r = evo.solve(small, time_limit=5, solver="cpsat", diagnose=False)
    assert r.composition is not None and "not_built" not in r.stats.details
    assert evo.check(small, r.composition) == []


class _SlowUnknown(Backend):
    """A backend that uses its whole time limit and finds nothing (as on a huge pool)."""

    name = "slow-unknown"

    def rules(self) -> frozenset[str]:
        return frozenset(RULE_NAMES)

    def terms(self) -> frozenset[str]:
        return frozenset(TERM_NAMES)

    def solve(self, problem: evo.Problem, options: SolveOptions) -> Result:
        time.sleep(options.time_limit)
        return Result.scored(problem, evo.SolveStatus.UNKNOWN, None, solver=self.name)


def test_after_unknown_solve_keeps_its_time_limit() -> None:
    """No feasibility check beyond the limit (it used to add up to min(5, time_limit) s)."""
    register("slow-unknown", _SlowUnknown())
    try:
        p = evo.datasets.tiny()
        started = time.perf_counter()
        r = evo.solve(p, time_limit=1.0, solver="slow-unknown")
        seconds = time.perf_counter() - started
    finally:
        unregister("slow-unknown")
    assert r.status is evo.SolveStatus.UNKNOWN and r.composition is None
    assert r.diagnosis is None
    assert seconds < 1.0 * 1.1 + 0.5
    why = r.why_no_composition()
    assert why is not None and "within the time limit" in why and "--time-limit" in why
    assert why in r.summary()


def test_an_impossible_problem_is_still_proven_by_counting_after_unknown() -> None:
    """The counting arguments take milliseconds on small problems: they run even with no time left."""
    p = evo.datasets.tiny()
    spec = p.network("a")
    quota = evo.Quota("sector", ("agriculture",), min=3)
    bad = p.replace(networks=(dataclasses.replace(spec, quotas=(quota,)), p.network("b")))
    register("slow-unknown", _SlowUnknown())
    try:
        r = evo.solve(bad, time_limit=0.5, solver="slow-unknown")
    finally:
        unregister("slow-unknown")
    assert r.status is evo.SolveStatus.INFEASIBLE
    assert r.diagnosis is not None and "quota" in r.diagnosis.rules


def test_the_search_returns_its_start_when_the_limit_has_passed() -> None:
    """No threads set up and no closed-form bound once the time is up (seconds on 100k people)."""
    from evocompose.solvers.search.engine import Engine, load_kernels
    from evocompose.solvers.search.state import Compiled

    load_kernels()
    c = Compiled(evo.datasets.stevns(seed=0))
    engine = Engine(c, seed=0, workers=2)
    S = engine.construct()
    engine.repair(S, deadline=0.0)  # the first chunk runs even after the deadline
    assert engine.repair_steps > 0 or engine.violation(S) == 0
    out = engine.search(S, deadline=time.perf_counter() - 1.0)
    assert out.iterations == 0 and out.value == S.objective


def test_100000_candidates_get_a_checked_composition_within_the_limit() -> None:
    """The size test: 100,000 candidates, the four Stevns networks, every rule of the example.

    Before issue 15 this ran for more than 300 s at ``time_limit=10``
    (validation and model building grew as n²). The tolerance itself
    (limit + 10 % + 1 s, at every budget) is measured in
    ``benchmarks/time_limits``; here a loaded CI machine gets a generous
    margin, which still catches any step that grows faster than the input.
    """
    base = evo.datasets.stevns(seed=0, n=5000)
    people = list(base.pool)
    for k in range(1, 20):
        people += [dataclasses.replace(c, id=f"{c.id}-{k}") for c in base.pool]
    problem = base.replace(pool=evo.Pool(tuple(people)))
    assert len(problem.pool) == 100_000
    limit = 3.0
    started = time.perf_counter()
    r = evo.solve(problem, time_limit=limit, solver="search")
    seconds = time.perf_counter() - started
    assert r.composition is not None and evo.check(problem, r.composition) == []
    assert seconds < 2 * limit + 2, seconds


def test_cpsat_sums_over_members_check_the_clock() -> None:
    """Each sum over a network's members and each count encoding checks the deadline first.

    On 100,000 candidates one such sum takes tens of milliseconds and a
    model makes hundreds; without the check a 10 s solve took 17.9 s.
    """
    from ortools.sat.python import cp_model

    from evocompose.solvers.cpsat.model import BuildOutOfTime, CpsatModel

    m = CpsatModel(evo.datasets.tiny(), cp_model.CpModel(), deadline=time.perf_counter() - 1.0)
    with pytest.raises(BuildOutOfTime):
        m.members_sum(0, [0, 1])
    with pytest.raises(BuildOutOfTime):
        m.count_encoding(0, "sector=food", [0, 1])
    m.deadline = None  # a model without a deadline is never abandoned
    m.members_sum(0, [0, 1])
