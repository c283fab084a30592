"""The ``auto`` backend: local search for a fast, good start, then CP-SAT for the rest.

Local search finds a good feasible composition within a second or two on
pools where CP-SAT alone may need most of its budget to find the first one;
CP-SAT then starts from it (as a solution hint), improves it where it can and
proves a bound, so the result carries an honest gap.

* Pure grouping problems (MDGP) and problems with a dissimilarity matrix too
  large for the CP-SAT pair model go to local search alone.
* Small models (at most ``SMALL_MODEL`` candidate-network pairs) go to CP-SAT
  alone, which usually proves optimality on them quickly.
* Otherwise a quarter of the budget (at least 1 s, at most 30 s) goes to local
  search and the rest to CP-SAT with the search result as hint. The better
  composition is returned, with CP-SAT's bound (a bound on the problem, valid
  whichever backend found the composition). OPTIMAL only when CP-SAT proved it.
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
    """Local search, then CP-SAT from its result (see the module docstring).

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
    if _model_size(problem) <= SMALL_MODEL:
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
    name = f"auto (search + {exact.solver})"
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
    take_exact = exact.composition is not None and (
        first.objective is None
        or (exact.objective is not None and exact.objective >= first.objective)
    )
    best = exact if take_exact else first
    if best.composition is None:
        status = SolveStatus.UNKNOWN
    else:
        status = exact.status if take_exact else SolveStatus.FEASIBLE
    return Result.scored(
        problem,
        status,
        best.composition,
        bound=exact.bound,
        runtime=runtime,
        seed=seed,
        workers=workers,
        solver=name,
        history=history,
        stats=stats,
    )
