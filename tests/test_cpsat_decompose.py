"""Network-by-network start (solvers/cpsat/decompose.py), the auto path using it,
and the redundant LP cuts of the CP-SAT objective."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import evocompose as evo
from evocompose.check import check
from evocompose.composition import Composition
from evocompose.objective import evaluate, weighted_total
from evocompose.result import SolveStatus
from evocompose.solve import solve
from evocompose.solvers.contract import SolveOptions
from evocompose.solvers.cpsat import solve_cpsat
from evocompose.solvers.cpsat.decompose import (
    block_subproblem,
    improve_by_network,
    solve_sequential,
)


def test_block_subproblem_drops_people_used_up_elsewhere() -> None:
    p = evo.datasets.stevns(seed=0, n=120)
    names = p.network_names
    other = names[1]
    eligible = [c.id for c in p.pool if p.eligible(c.id, other) and p.eligible(c.id, names[2])]
    members = {other: tuple(eligible[:3])}
    sub = block_subproblem(p, (names[2],), members)
    assert sub.network_names == (names[2],)
    assert not sub.required and not sub.assign_all
    for cid in eligible[:3]:
        # default capacity 1: used up by the other network
        assert p.capacity(cid) > 1 or not sub.eligible(cid, names[2])


def test_sequential_start_is_feasible_and_polish_never_worsens() -> None:
    p = evo.datasets.stevns(seed=1, n=120)
    comp = solve_sequential(p, time_limit=4.0, seed=0, workers=2, deterministic=True)
    assert comp is not None
    assert check(p, comp) == []
    before = weighted_total(p, evaluate(p, comp))
    better = improve_by_network(p, comp, time_limit=2.0, seed=0, workers=2, deterministic=True)
    assert check(p, better) == []
    assert weighted_total(p, evaluate(p, better)) >= before - 1e-9


def test_auto_decomposed_path_reports_a_bound_and_a_feasible_composition() -> None:
    p = evo.datasets.stevns(seed=0, n=200)  # above auto's SMALL_MODEL
    # deterministic budget: under machine load a 4 s wall-clock budget can leave
    # CP-SAT's phase without any bound, which would make this test flaky
    r = solve(p, time_limit=2.0, seed=0, workers=2, deterministic=True)
    assert r.solver.startswith("auto (decomposed")
    assert r.composition is not None and check(p, r.composition) == []
    assert r.bound is not None and r.objective is not None
    assert r.objective <= r.bound + 1e-6
    assert r.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)


def test_cuts_leave_the_optimum_unchanged() -> None:
    """Both models (with and without the redundant cuts) prove the same optimum."""
    p = evo.datasets.stevns(seed=2, n=80)
    a = solve_cpsat(p, SolveOptions(time_limit=30, seed=0, workers=2), cuts=True)
    b = solve_cpsat(p, SolveOptions(time_limit=30, seed=0, workers=2), cuts=False)
    assert a.status is SolveStatus.OPTIMAL and b.status is SolveStatus.OPTIMAL
    assert a.objective is not None and b.objective is not None
    assert abs(a.objective - b.objective) < 1e-6


def test_cuts_keep_hinted_solutions_feasible() -> None:
    """A complete hint (every auxiliary variable) exists for any feasible composition."""
    p = evo.datasets.stevns(seed=0, n=120)
    start = solve_sequential(p, time_limit=1.5, seed=0, workers=2, deterministic=True)
    assert start is not None
    r = solve_cpsat(
        p, SolveOptions(time_limit=1.0, seed=0, workers=2, hint=start, deterministic=True)
    )
    assert r.objective is not None
    assert r.objective >= weighted_total(p, evaluate(p, start)) - 1e-6
    assert isinstance(r.composition, Composition)


def test_auto_decomposed_is_deterministic() -> None:
    p = evo.datasets.stevns(seed=1, n=200)
    runs = [solve(p, time_limit=0.5, seed=3, workers=2, deterministic=True) for _ in range(2)]
    assert runs[0].solver.startswith("auto (decomposed")
    assert runs[0].composition is not None
    assert runs[0].composition == runs[1].composition


@pytest.mark.parametrize("workers", [2, 1])
def test_auto_decomposed_leaves_the_exact_steps_their_time(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The one-network steps and the full model get the budget; the search runs beside them.

    Stevns at 10 s: each one-network step needs about a second to reach its
    good outcome and CP-SAT's bound tightens with its time on the full
    model; with 30 % of the budget for the search first, the gaps went from
    0.8 / 0.8-0.9 / 0.4-0.6 % to 1.0-1.6 / 1.1-1.2 / 0.7-0.8 %. With two
    workers the search runs in a thread beside the steps (one worker, the
    whole phase); with one it runs first, briefly.
    """
    import evocompose.solvers.auto as auto

    calls: dict[str, SolveOptions | float] = {}

    def spy(name: str, fn: Callable[..., Any], key: str | None) -> None:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            calls.setdefault(name, args[1] if key is None else kwargs[key])
            return fn(*args, **kwargs)

        monkeypatch.setattr(auto, name, wrapped)

    spy("solve_search", auto.solve_search, None)
    spy("solve_sequential", auto.solve_sequential, "time_limit")
    spy("solve_cpsat", auto.solve_cpsat, None)
    p = evo.datasets.stevns(seed=0, n=200)
    limit = 2.0
    r = solve(p, time_limit=limit, seed=0, workers=workers, deterministic=True)
    assert r.solver.startswith("auto (decomposed")
    assert r.composition is not None and check(p, r.composition) == []
    search, start, full = calls["solve_search"], calls["solve_sequential"], calls["solve_cpsat"]
    assert isinstance(search, SolveOptions) and isinstance(full, SolveOptions)
    assert isinstance(start, float) and start >= 0.4 * limit
    assert full.time_limit >= 0.45 * limit and full.workers == workers
    if workers == 1:
        assert search.time_limit <= 0.05 * limit
    else:
        assert search.workers == 1 and search.time_limit <= limit - full.time_limit + 1e-9
