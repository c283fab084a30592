"""The ``auto`` backend: local search for a fast, good start, then CP-SAT for the rest.

Local search finds a good feasible composition within a second or two on
pools where CP-SAT alone may need most of its budget to find the first one;
CP-SAT then starts from it (as a solution hint), improves it where it can and
proves a bound, so the result carries an honest gap.

* Pure grouping problems (MDGP) and problems with a dissimilarity matrix too
  large for the CP-SAT pair model go to local search alone.
* Small models (at most ``SMALL_MODEL`` candidate-network pairs) go to CP-SAT
  alone, which usually proves optimality on them quickly.
* Weighted problems with several networks and at most ``DECOMPOSE_MODEL``
  pairs start network by network
  (:mod:`evocompose.solvers.cpsat.decompose`): each network solved alone,
  in turn, then re-optimised one or two networks at a time, for half the
  budget (at most ``PHASE_PER_NETWORK`` seconds per network); CP-SAT on the
  full model takes the rest, from that composition as hint. One network alone is small enough
  for CP-SAT to solve well in about a second, where on the full model its
  first solutions vary a lot from run to run; the full model proves the
  bound.
* Otherwise a quarter of the budget (at least 1 s, at most 30 s) goes to local
  search and the rest to CP-SAT with the search result as hint.

The better composition is returned, with CP-SAT's bound (a bound on the
problem, valid whichever stage found the composition). OPTIMAL only when
CP-SAT proved it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from evocompose.data import Problem
from evocompose.result import Composition, Result, SolveStatus

__all__ = ["solve_auto"]


#: Below this many (candidate, network) pairs CP-SAT alone is the better tool.
SMALL_MODEL = 200
#: Up to this many pairs, several networks start network by network.
DECOMPOSE_MODEL = 2_000
#: The network-by-network phase (start, then re-optimisation of one or two
#: networks at a time) takes ``FULL_AFTER`` of the budget, at most
#: ``PHASE_PER_NETWORK`` seconds per network (one network alone converges in
#: a second or two; longer budgets go to the full model) ...
FULL_AFTER = 0.5
PHASE_PER_NETWORK = 2.5
#: ... of which this share is the start.
START_SHARE = 0.9


def _model_size(problem: Problem) -> int:
    return sum(
        1 for spec in problem.networks for c in problem.pool if problem.eligible(c.id, spec.name)
    )


def _search_only(problem: Problem) -> bool:
    from evocompose.solvers.cpsat import MAX_DISSIMILARITY_N
    from evocompose.solvers.search.backend import is_pure_mdgp

    if is_pure_mdgp(problem):
        return True
    return problem.dissimilarity is not None and len(problem.pool) > MAX_DISSIMILARITY_N


def solve_auto(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    progress: Callable[[Any], None] | bool | None = None,
    hint: Composition | None = None,
    log: bool = False,
    deterministic: bool = False,
) -> Result:
    """A fast start, then CP-SAT on the full model from it (see the module docstring).

    With ``deterministic=True`` both stages count their budgets in
    deterministic units (iterations, CP-SAT deterministic time), split as
    in the timed mode, so the result does not depend on the machine's load.
    """
    from evocompose.solvers.cpsat import solve_cpsat
    from evocompose.solvers.search.backend import solve_search

    start = time.perf_counter()
    if _search_only(problem):
        return solve_search(
            problem,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            progress=progress,
            hint=hint,
            deterministic=deterministic,
        )
    size = _model_size(problem)
    if size <= SMALL_MODEL:
        return solve_cpsat(
            problem,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            progress=progress,
            hint=hint,
            log=log,
            deterministic=deterministic,
        )
    if (
        len(problem.networks) > 1
        and size <= DECOMPOSE_MODEL
        and problem.weights.mode != "lexicographic"
    ):
        return _solve_decomposed(
            problem,
            time_limit=time_limit,
            seed=seed,
            workers=workers,
            progress=progress,
            hint=hint,
            log=log,
            deterministic=deterministic,
        )
    search_budget = min(30.0, max(1.0, 0.25 * time_limit))
    first = solve_search(
        problem,
        time_limit=min(search_budget, 0.5 * time_limit),
        seed=seed,
        workers=workers,
        progress=progress,
        hint=hint,
        deterministic=deterministic,
    )
    if first.status is SolveStatus.INFEASIBLE:
        return first
    if deterministic:
        remaining = time_limit - min(search_budget, 0.5 * time_limit)
    else:
        remaining = max(0.05, time_limit - (time.perf_counter() - start))
    exact = solve_cpsat(
        problem,
        time_limit=remaining,
        seed=seed,
        workers=workers,
        progress=progress,
        hint=first.composition if first.composition is not None else hint,
        log=log,
        deterministic=deterministic,
    )
    runtime = time.perf_counter() - start
    offset = first.runtime
    history = tuple(first.history) + tuple(
        (offset + t, obj, bound) for t, obj, bound in exact.history
    )
    stats = {"search": dict(first.stats), "cpsat": dict(exact.stats)}
    return _finish(
        problem,
        exact,
        first.composition,
        name=f"auto (search + {exact.solver})",
        runtime=runtime,
        seed=seed,
        workers=workers,
        history=history,
        stats=stats,
    )


def _solve_decomposed(
    problem: Problem,
    *,
    time_limit: float,
    seed: int,
    workers: int,
    progress: Callable[[Any], None] | bool | None,
    hint: Composition | None,
    log: bool,
    deterministic: bool,
) -> Result:
    """Network-by-network start and polish, then CP-SAT on the full model (module docstring)."""
    from evocompose.check import check
    from evocompose.objective import evaluate, weighted_total
    from evocompose.solvers.cpsat import solve_cpsat
    from evocompose.solvers.cpsat.decompose import improve_by_network, solve_sequential
    from evocompose.solvers.cpsat.solve import Progress, _progress_fn

    start = time.perf_counter()
    fn = _progress_fn(progress)
    stats: dict[str, Any] = {}
    history: tuple[tuple[float, float, float | None], ...] = ()

    def record(key: str, comp: Composition) -> None:
        nonlocal history
        seconds = time.perf_counter() - start
        value = weighted_total(problem, evaluate(problem, comp))
        stats[f"{key}_objective"] = value
        stats[f"{key}_seconds"] = seconds
        history = (*history, (seconds, value, None))
        if fn is not None:
            fn(Progress(seconds, value, None))

    phase = min(FULL_AFTER * time_limit, PHASE_PER_NETWORK * len(problem.networks))
    first = solve_sequential(
        problem,
        time_limit=START_SHARE * phase,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
    )
    if first is None and hint is not None and not check(problem, hint):
        first = hint
    if deterministic:
        polish = (1.0 - START_SHARE) * phase
    else:
        polish = max(0.05, phase - (time.perf_counter() - start))
    if first is None:
        # no start (a step found nothing, or a coupling rule broke): local
        # search always returns a feasible composition when it finds one
        from evocompose.solvers.search.backend import solve_search

        stats["start"] = "search"
        first = solve_search(
            problem,
            # at least a second: with less, local search on a Stevns-sized
            # pool usually finds nothing, so budgets under ~2 s may be
            # exceeded by up to a second rather than return no composition
            time_limit=max(1.0, polish),
            seed=seed,
            workers=workers,
            deterministic=deterministic,
        ).composition
    else:
        stats["start"] = "sequential"
        record("start", first)
        first = improve_by_network(
            problem,
            first,
            time_limit=polish,
            seed=seed,
            workers=1,
            deterministic=deterministic,
        )
    if first is not None:
        record("polished", first)
    if deterministic:
        remaining = time_limit - phase
    else:
        remaining = max(0.05, time_limit - (time.perf_counter() - start))
    offset = time.perf_counter() - start
    exact = solve_cpsat(
        problem,
        time_limit=remaining,
        seed=seed,
        workers=workers,
        progress=progress,
        hint=first if first is not None else hint,
        log=log,
        deterministic=deterministic,
    )
    runtime = time.perf_counter() - start
    history += tuple((offset + t, obj, bound) for t, obj, bound in exact.history)
    stats["cpsat"] = dict(exact.stats)
    return _finish(
        problem,
        exact,
        first,
        name=f"auto (decomposed + {exact.solver})",
        runtime=runtime,
        seed=seed,
        workers=workers,
        history=history,
        stats=stats,
    )


def _finish(
    problem: Problem,
    exact: Result,
    start: Composition | None,
    *,
    name: str,
    runtime: float,
    seed: int,
    workers: int,
    history: tuple[tuple[float, float, float | None], ...],
    stats: dict[str, Any],
) -> Result:
    """The better of the start and CP-SAT's composition, with CP-SAT's bound and status.

    CP-SAT's status stands when its composition is kept (ties go to CP-SAT);
    the start alone is FEASIBLE. When CP-SAT found nothing of its own its
    result carries no bound, but the bound it proved still holds: it is used
    unless it is not a real one (below the start's objective).
    """
    from evocompose.objective import evaluate, weighted_total

    if exact.status in (SolveStatus.INFEASIBLE, SolveStatus.MODEL_INVALID):
        return Result.scored(
            problem,
            exact.status,
            None,
            runtime=runtime,
            seed=seed,
            workers=workers,
            solver=name,
            stats=stats,
        )
    best, status = exact.composition, exact.status
    if start is not None:
        start_value = weighted_total(problem, evaluate(problem, start))
        if exact.objective is None or start_value > exact.objective:
            best, status = start, SolveStatus.FEASIBLE
    if best is None:
        status = SolveStatus.UNKNOWN
    bound = exact.bound
    if bound is None and best is not None and "best_bound" in exact.stats:
        raw = float(exact.stats["best_bound"])
        if raw >= weighted_total(problem, evaluate(problem, best)) - 1e-6:
            bound = raw
    return Result.scored(
        problem,
        status,
        best,
        bound=bound,
        runtime=runtime,
        seed=seed,
        workers=workers,
        solver=name,
        history=history,
        stats=stats,
    )
