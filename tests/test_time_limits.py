"""Time limits on inputs too large to model in the budget: the answer comes in time, and says why.

The full table (sizes x budgets x backends) is ``benchmarks/scale``; these
tests pin the mechanisms: CP-SAT abandons a model it cannot build within
80 % of the budget, and the fingerprint of millions of ties is computed
without a sort of lists per tie.
"""

from __future__ import annotations

import time

import networkx as nx
import numpy as np
import pytest

import evocompose as evo


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
