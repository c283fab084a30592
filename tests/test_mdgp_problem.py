"""MDGPLIB instances as Problems, and the search backend's MDGP fast path."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from evocompose.check import check
from evocompose.composition import Composition
from evocompose.datasets.mdgplib import default_benchmark_dir, parse_mdgplib, read
from evocompose.objective import evaluate, weighted_total
from evocompose.solvers.contract import SolveOptions
from evocompose.solvers.search.backend import solve_search
from evocompose.solvers.search.mdgp import solve_mdgp
from evocompose.solvers.search.mdgp_backend import BACKEND as MDGP

SHARED = default_benchmark_dir() / "instances"
N10 = SHARED / "RanReal" / "RanReal_n010_ds_01.txt"

# CI sets EVOCOMPOSE_REQUIRE_SHARED=1, and conftest.py then stops the run when it is absent
pytestmark = pytest.mark.skipif(not N10.exists(), reason=f"MDGPLIB instances absent: {SHARED}")


def _brute_force(D: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> float:
    n, m = D.shape[0], lb.size
    best = -np.inf
    for a in itertools.product(range(m), repeat=n):
        sizes = np.bincount(a, minlength=m)
        if np.any(sizes < lb) or np.any(sizes > ub):
            continue
        arr = np.array(a)
        same = arr[:, None] == arr[None, :]
        best = max(best, float(np.triu(D * same, 1).sum()))
    return best


def test_reader_builds_a_pure_mdgp() -> None:
    inst = parse_mdgplib(N10)
    p = read(N10)
    assert p.pool.ids == tuple(str(i) for i in range(inst.n))
    assert p.network_names == tuple(f"g{g}" for g in range(inst.m))
    assert [s.min_size for s in p.networks] == list(inst.lb)
    assert [s.max_size for s in p.networks] == list(inst.ub)
    assert p.assign_all and p.default_capacity == 1
    assert p.pool["3"].name == "element 3" and p.pool["3"].organisation == "element 3"
    assert MDGP.unsupported(p) == []


def test_objective_equals_mdgp_value_and_optimum() -> None:
    inst = parse_mdgplib(N10)
    p = read(N10)
    ref = solve_mdgp(inst.D, inst.lb, inst.ub, time_limit=60.0, seed=3, max_iterations=2000)
    r = solve_search(p, SolveOptions(time_limit=60.0, seed=3), max_iterations=2000)
    assert r.stats.path == "mdgp"
    assert r.composition is not None and check(p, r.composition) == []
    assert r.objective == pytest.approx(ref.value)
    assert r.objective == pytest.approx(_brute_force(inst.D, inst.lb, inst.ub))
    # the reference objective of the MDGP assignment is its MDGP value
    comp = Composition(
        {f"g{g}": [str(i) for i in np.flatnonzero(ref.assignment == g)] for g in range(inst.m)}
    )
    assert weighted_total(p, evaluate(p, comp)) == pytest.approx(ref.value)
