"""Tests of the MDGPLIB reader and the MDGP search engine (numba kernel, threads)."""

from __future__ import annotations

import time
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evocompose.datasets.mdgplib import (
    MDGPInstance,
    default_benchmark_dir,
    load_bks,
    parse_mdgplib,
)
from evocompose.solvers.search.mdgp import MDGPResult, mdgp_value, solve_mdgp

BENCH = default_benchmark_dir()
HAS_SHARED = (BENCH / "instances").is_dir()
needs_shared = pytest.mark.skipif(not HAS_SHARED, reason=f"benchmark folder absent: {BENCH}")


def _instance(name: str) -> MDGPInstance:
    return parse_mdgplib(BENCH / "instances" / name.split("_")[0] / f"{name}.txt")


def exact_optimum(D: np.ndarray, lb: np.ndarray, ub: np.ndarray) -> float:
    """Exact optimum by dynamic programming over subsets (n <= 14)."""
    n = D.shape[0]
    full = (1 << n) - 1
    masks = np.arange(1 << n, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(n)) & 1
    w = np.zeros(1 << n)
    for i, j in combinations(range(n), 2):
        w += D[i, j] * (bits[:, i] & bits[:, j])
    pop = bits.sum(axis=1)
    best = np.full(1 << n, -np.inf)
    best[0] = 0.0
    for g in range(lb.size):
        new = np.full(1 << n, -np.inf)
        reach = masks[np.isfinite(best)]
        for s in masks[(pop >= lb[g]) & (pop <= ub[g])]:
            src = reach[(reach & s) == 0]
            dst = src | s
            new[dst] = np.maximum(new[dst], best[src] + w[s])
        best = new
    return float(best[full])


def _feasible(res: MDGPResult, lb: np.ndarray, ub: np.ndarray) -> bool:
    size = np.bincount(res.assignment, minlength=lb.size)
    return bool(np.all(size >= lb) and np.all(size <= ub))


# --------------------------------------------------------------------------- reader


@needs_shared
def test_reader_follows_format() -> None:
    path = BENCH / "instances" / "RanReal" / "RanReal_n030_ds_01.txt"
    inst = parse_mdgplib(path)
    lines = path.read_text().splitlines()
    head = lines[0].split()
    assert (inst.n, inst.m, inst.kind) == (30, 5, "ds")
    assert len(lines) == 1 + inst.n * (inst.n - 1) // 2
    bounds = [int(x) for x in head[3:]]
    assert inst.lb.tolist() == bounds[0::2]
    assert inst.ub.tolist() == bounds[1::2]
    assert np.all(inst.lb <= inst.ub) and inst.lb.sum() <= inst.n <= inst.ub.sum()
    assert np.array_equal(inst.D, inst.D.T)
    assert np.all(np.diag(inst.D) == 0)
    i, j, d = lines[1].split()
    assert inst.D[int(i), int(j)] == float(d)
    i, j, d = lines[-1].split()
    assert (int(i), int(j)) == (28, 29) and inst.D[29, 28] == float(d)


@needs_shared
def test_reader_ss_and_bks() -> None:
    inst = _instance("Geo_n120_ss_01")
    assert inst.kind == "ss" and np.all(inst.lb == 12) and np.all(inst.ub == 12)
    bks = load_bks(BENCH / "bks.csv")
    assert bks["RanReal_n120_ds_01"] == pytest.approx(50549.134952)
    assert "RanReal_n010_ss_01" not in bks


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.txt"
    p.write_text(text)
    return p


GOOD = "3 1 ds 1 3 \n0 1 1.5\n0 2 2\n1 2 3.25\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("3 1 xx 1 3 \n0 1 1\n0 2 2\n1 2 3\n", 1),
        ("3 2 ds 1 3 \n0 1 1\n0 2 2\n1 2 3\n", 1),
        ("3 1 ds 4 5 \n0 1 1\n0 2 2\n1 2 3\n", 1),
        ("3 1 ds 1 3 \n0 1 1\n1 2 3\n0 2 2\n", 3),
        ("3 1 ds 1 3 \n0 1 1\n0 2 2\n", 4),
        ("3 1 ds 1 3 \n0 1 1\n0 2 -2\n1 2 3\n", 3),
        ("3 1 ds 1 3 \n0 1 1\n0 2 abc\n1 2 3\n", 3),
        ("3 1 ds 1 3 \n0 1 1\n0 2 2\n1 2 3\n1 2 3\n", 5),
    ],
)
def test_reader_rejects_malformed(tmp_path: Path, text: str, line: int) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(ValueError, match=rf"bad\.txt:{line}:"):
        parse_mdgplib(p)


def test_reader_accepts_minimal(tmp_path: Path) -> None:
    inst = parse_mdgplib(_write(tmp_path, GOOD))
    assert inst.D[2, 1] == 3.25 and inst.D[0, 2] == 2.0 and inst.name == "bad"


def test_default_benchmark_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EVOCOMPOSE_MDGPLIB", str(tmp_path))
    assert default_benchmark_dir() == tmp_path


# --------------------------------------------------------------------------- exact optimum


def _small_names() -> list[str]:
    names = [
        f"{s}_n010_{k}_{i:02d}"
        for s in ("RanReal", "Geo", "RanInt")
        for k in ("ss", "ds")
        for i in range(1, 11)
    ]
    names += [
        f"{s}_n012_{k}_{i:02d}"
        for s in ("RanReal", "Geo", "RanInt")
        for k in ("ss", "ds")
        for i in (1, 2)
    ]
    return names


@needs_shared
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("name", _small_names())
def test_matches_exact_optimum(name: str, workers: int) -> None:
    inst = _instance(name)
    opt = exact_optimum(inst.D, inst.lb, inst.ub)
    res = solve_mdgp(
        inst.D, inst.lb, inst.ub, time_limit=5.0, seed=1, max_iterations=1500, workers=workers
    )
    assert _feasible(res, inst.lb, inst.ub)
    assert res.value == pytest.approx(mdgp_value(inst.D, res.assignment))
    assert res.value == pytest.approx(opt, rel=1e-9, abs=1e-6)


# --------------------------------------------------------------------------- constraints


def _random_D(rng: np.random.Generator, n: int) -> np.ndarray:
    D = rng.random((n, n)) * 100
    D = np.triu(D, 1)
    return D + D.T


@pytest.mark.parametrize("workers", [1, 2])
def test_fixed_and_bounds_respected(workers: int) -> None:
    rng = np.random.default_rng(3)
    n = 40
    D = _random_D(rng, n)
    lb = np.array([5, 8, 6, 10])
    ub = np.array([9, 12, 11, 14])
    fixed = np.full(n, -1)
    fixed[:6] = [0, 0, 1, 2, 3, 3]
    res = solve_mdgp(
        D, lb, ub, time_limit=5.0, seed=0, fixed=fixed, max_iterations=2000, workers=workers
    )
    assert _feasible(res, lb, ub)
    assert np.array_equal(res.assignment[:6], fixed[:6])
    assert res.value == pytest.approx(mdgp_value(D, res.assignment))
    assert res.history and res.history[-1][1] == pytest.approx(res.value)


def test_deterministic_with_max_iterations_and_initial() -> None:
    rng = np.random.default_rng(5)
    D = _random_D(rng, 30)
    lb, ub = [10, 10, 10], [10, 10, 10]
    init = np.repeat(np.arange(3), 10)
    seen: list[tuple[float, float]] = []
    r1 = solve_mdgp(D, lb, ub, time_limit=30.0, seed=7, initial=init, max_iterations=800)
    r2 = solve_mdgp(
        D,
        lb,
        ub,
        time_limit=30.0,
        seed=7,
        initial=init,
        max_iterations=800,
        progress=lambda t, v: seen.append((t, v)),
    )
    assert np.array_equal(r1.assignment, r2.assignment) and r1.value == r2.value
    assert r1.iterations <= 800 + 200  # the final polish may add a few moves
    assert seen and seen[-1][1] == pytest.approx(r2.value)
    assert r1.value >= mdgp_value(D, init)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_population_phase_is_deterministic_under_an_iteration_budget(workers: int) -> None:
    # Enough iterations for the population to form, shrink and recombine: the
    # shrinking schedule must follow the iteration count, not the clock, and with
    # threads the rounds must apply their results in a fixed order.
    rng = np.random.default_rng(11)
    D = _random_D(rng, 40)
    lb, ub = [6, 6, 6, 6, 6], [10, 10, 10, 10, 10]
    histories: list[list[float]] = [[], []]

    def run(k: int) -> MDGPResult:
        def hook(t: float, v: float) -> None:
            histories[k].append(v)

        return solve_mdgp(
            D,
            lb,
            ub,
            time_limit=60.0,
            seed=3,
            max_iterations=60_000,
            workers=workers,
            progress=hook,
        )

    runs = [run(0), run(1)]
    assert np.array_equal(runs[0].assignment, runs[1].assignment)
    assert runs[0].value == runs[1].value
    assert histories[0] == histories[1] and histories[0][-1] == pytest.approx(runs[0].value)
    assert 60_000 <= runs[0].iterations <= 60_000 + 500  # the final polish adds a few
    assert _feasible(runs[0], np.array(lb), np.array(ub))


@pytest.mark.usefixtures("warm_mdgp_kernels")
def test_threads_under_a_wall_clock_budget() -> None:
    # Jobs start as threads free up; every report reaches the progress hook in
    # increasing order and the result is the best reported.
    rng = np.random.default_rng(4)
    n = 80
    D = _random_D(rng, n)
    lb, ub = [10] * 4 + [5] * 4, [12] * 4 + [10] * 4
    seen: list[float] = []
    res = solve_mdgp(
        D, lb, ub, time_limit=1.0, seed=0, workers=2, progress=lambda t, v: seen.append(v)
    )
    assert _feasible(res, np.array(lb), np.array(ub))
    assert res.value == pytest.approx(mdgp_value(D, res.assignment))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(res.value)
    # a 1 s budget: the threads stop within a kernel call of it (generous margin for a
    # loaded 2-core machine; the kernels are compiled by the fixture, not on this clock)
    assert res.runtime < 5.0


def test_budget_fraction_follows_iterations_when_capped() -> None:
    from evocompose.solvers.search.mdgp import _Time

    clock = _Time(0.0, 1.0e9, 1000, None)
    clock.iterations = 250
    assert clock.fraction_used() == pytest.approx(0.25)
    clock.iterations = 5000
    assert clock.fraction_used() == 1.0
    timed = _Time(0.0, 1.0e9, None, None)
    assert 0.0 <= timed.fraction_used() < 1.0


@pytest.mark.usefixtures("warm_mdgp_kernels")
def test_a_failing_progress_hook_stops_every_thread() -> None:
    rng = np.random.default_rng(6)
    D = _random_D(rng, 120)
    calls = 0

    def hook(t: float, v: float) -> None:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise RuntimeError("stop here")

    start = time.perf_counter()
    with pytest.raises(RuntimeError, match="stop here"):
        solve_mdgp(D, [12] * 10, [12] * 10, time_limit=60.0, seed=0, workers=2, progress=hook)
    assert time.perf_counter() - start < 20.0  # not the 60 s budget


def test_invalid_inputs() -> None:
    D = _random_D(np.random.default_rng(0), 6)
    with pytest.raises(ValueError):
        solve_mdgp(D, [4, 4], [4, 4], time_limit=1.0)  # sum(lb) > n
    with pytest.raises(ValueError):
        solve_mdgp(D, [3, 3], [3, 3], time_limit=1.0, initial=np.zeros(6, dtype=int))
    with pytest.raises(ValueError):
        solve_mdgp(D, [3, 3], [3, 3], time_limit=1.0, fixed=np.array([0, 0, 0, 0, -1, -1]))
    with pytest.raises(ValueError, match="workers"):
        solve_mdgp(D, [3, 3], [3, 3], time_limit=1.0, workers=0)


# --------------------------------------------------------------------------- property


def _is_local_optimum(
    D: np.ndarray, a: np.ndarray, lb: np.ndarray, ub: np.ndarray, fixed: np.ndarray
) -> bool:
    n, m = D.shape[0], lb.size
    S = np.zeros((n, m))
    for g in range(m):
        S[:, g] = D[:, a == g].sum(axis=1)
    size = np.bincount(a, minlength=m)
    free = fixed < 0
    for i in np.flatnonzero(free):
        g = a[i]
        for h in range(m):
            if h != g and size[g] > lb[g] and size[h] < ub[h] and S[i, h] - S[i, g] > 1e-7:
                return False
        for j in np.flatnonzero(free):
            h = a[j]
            if h != g:
                delta = S[i, h] - S[i, g] + S[j, g] - S[j, h] - 2 * D[i, j]
                if delta > 1e-7:
                    return False
    return True


@st.composite
def _problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    n = draw(st.integers(2, 14))
    m = draw(st.integers(1, min(4, n)))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    D = _random_D(rng, n)
    if draw(st.booleans()):
        D = np.round(D)  # ties
    sizes = rng.multinomial(n - m, np.ones(m) / m) + 1
    lb = np.array([draw(st.integers(0, int(s))) for s in sizes])
    ub = np.array([int(s) + draw(st.integers(0, 3)) for s in sizes])
    fixed = np.full(n, -1)
    if draw(st.booleans()):
        order = rng.permutation(n)
        k = draw(st.integers(0, n // 2))
        groups = np.repeat(np.arange(m), sizes)
        fixed[order[:k]] = groups[order[:k]]
    return D, lb, ub, fixed, seed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problems())
def test_property_random_small(
    prob: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int],
) -> None:
    D, lb, ub, fixed, seed = prob
    res = solve_mdgp(D, lb, ub, time_limit=5.0, seed=seed % 1000, fixed=fixed, max_iterations=300)
    a = res.assignment
    assert a.shape == (D.shape[0],)
    assert _feasible(res, lb, ub)
    mask = fixed >= 0
    assert np.array_equal(a[mask], fixed[mask])
    assert res.value == pytest.approx(mdgp_value(D, a), abs=1e-6)
    # The result is a local optimum for one-moves and swaps of free elements ...
    assert _is_local_optimum(D, a, lb, ub, fixed)
    # ... and, when no element is fixed, at least as good as the exact optimum allows.
    if D.shape[0] <= 10 and not mask.any():
        assert res.value <= exact_optimum(D, lb, ub) + 1e-6


# --------------------------------------------------------------------------- internals


def test_import_evocompose_does_not_import_numba() -> None:
    import subprocess
    import sys

    code = "import sys, evocompose; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_max_pair_profile_is_optimal() -> None:
    from itertools import product

    from evocompose.solvers.search.mdgp import _max_pair_profile

    rng = np.random.default_rng(0)
    for _ in range(20):
        m = int(rng.integers(1, 5))
        low = rng.integers(0, 4, size=m)
        high = low + rng.integers(0, 4, size=m)
        n = int(rng.integers(low.sum(), high.sum() + 1))
        sizes = _max_pair_profile(low, high, n, rng)
        assert sizes.sum() == n and np.all(sizes >= low) and np.all(sizes <= high)
        best = max(
            sum(s * (s - 1) // 2 for s in c)
            for c in product(*(range(lo, hi + 1) for lo, hi in zip(low, high, strict=True)))
            if sum(c) == n
        )
        assert int((sizes * (sizes - 1) // 2).sum()) == best


def test_descent_reaches_local_optimum_with_moves() -> None:
    rng = np.random.default_rng(11)
    n = 60
    D = _random_D(rng, n)
    lb = np.array([10, 12, 8, 5])
    ub = np.array([20, 18, 19, 16])
    fixed = np.full(n, -1)
    fixed[::7] = rng.integers(0, 4, size=fixed[::7].size)
    res = solve_mdgp(D, lb, ub, time_limit=5.0, seed=2, fixed=fixed, max_iterations=3000)
    assert _feasible(res, lb, ub)
    assert _is_local_optimum(D, res.assignment, lb, ub, fixed)
