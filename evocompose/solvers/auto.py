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

from evocompose.check import check
from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.objective import evaluate, weighted_total
from evocompose.result import PhaseStats, Progress, Result, SolveStats, SolveStatus
from evocompose.solvers.contract import Backend, SolveOptions, require_support
from evocompose.solvers.cpsat.decompose import improve_by_network, solve_sequential
from evocompose.solvers.cpsat.solve import BACKEND as CPSAT
from evocompose.solvers.cpsat.solve import solve_cpsat
from evocompose.solvers.search.backend import BACKEND as SEARCH
from evocompose.solvers.search.backend import solve_search
from evocompose.solvers.search.mdgp_backend import BACKEND as MDGP

__all__ = ["BACKEND", "AutoBackend", "solve_auto"]


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
    """Pure grouping problems, and problems CP-SAT cannot take (a large matrix), go to search."""
    return not MDGP.unsupported(problem) or bool(CPSAT.unsupported(problem))


def _objective(problem: Problem, comp: Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def solve_auto(problem: Problem, options: SolveOptions | None = None) -> Result:
    """A fast start, then CP-SAT on the full model from it (see the module docstring).

    With ``deterministic=True`` both stages count their budgets in
    deterministic units (iterations, CP-SAT deterministic time), split as
    in the timed mode, so the result does not depend on the machine's load.

    Raises
    ------
    SolverError
        When the problem uses a rule or term neither CP-SAT nor the search implements.
    """
    opts = options if options is not None else SolveOptions()
    require_support(BACKEND, problem)
    start = time.perf_counter()
    if _search_only(problem):
        return solve_search(problem, opts)
    size = _model_size(problem)
    if size <= SMALL_MODEL:
        return solve_cpsat(problem, opts)
    if (
        len(problem.networks) > 1
        and size <= DECOMPOSE_MODEL
        and problem.weights.mode != "lexicographic"
    ):
        return _solve_decomposed(problem, opts)
    time_limit = opts.time_limit
    search_budget = min(30.0, max(1.0, 0.25 * time_limit))
    first = solve_search(problem, opts.replace(time_limit=min(search_budget, 0.5 * time_limit)))
    if first.status is SolveStatus.INFEASIBLE:
        return first
    if opts.deterministic:
        remaining = time_limit - min(search_budget, 0.5 * time_limit)
    else:
        remaining = max(0.05, time_limit - (time.perf_counter() - start))
    exact = solve_cpsat(
        problem,
        opts.replace(
            time_limit=remaining,
            hint=first.composition if first.composition is not None else opts.hint,
        ),
    )
    runtime = time.perf_counter() - start
    offset = first.runtime
    history = tuple(first.history) + tuple(
        (offset + t, obj, bound) for t, obj, bound in exact.history
    )
    phases = (
        PhaseStats("search", str(first.status), first.objective, None, first.runtime),
        PhaseStats("cpsat", str(exact.status), exact.objective, exact.bound, exact.runtime),
    )
    return _finish(
        problem,
        exact,
        first.composition,
        opts,
        name=f"auto (search + {exact.solver})",
        runtime=runtime,
        history=history,
        stats=SolveStats(
            path="search + cpsat",
            start="search",
            iterations=first.stats.iterations,
            phases=phases,
            details={"search": dict(first.stats.details), "cpsat": dict(exact.stats.details)},
        ),
    )


def _solve_decomposed(problem: Problem, opts: SolveOptions) -> Result:
    """Network-by-network start and polish, then CP-SAT on the full model (module docstring)."""
    start = time.perf_counter()
    fn = opts.on_progress
    phases: list[PhaseStats] = []
    history: tuple[tuple[float, float, float | None], ...] = ()
    time_limit = opts.time_limit
    seed, workers, deterministic = opts.seed, opts.workers, opts.deterministic

    def record(key: str, comp: Composition) -> None:
        nonlocal history
        seconds = time.perf_counter() - start
        value = _objective(problem, comp)
        phases.append(PhaseStats(key, "FEASIBLE", value, None, seconds))
        history = (*history, (seconds, value, None))
        if fn is not None:
            fn(Progress(seconds, value, None, f"auto {key}"))

    phase = min(FULL_AFTER * time_limit, PHASE_PER_NETWORK * len(problem.networks))
    first = solve_sequential(
        problem,
        time_limit=START_SHARE * phase,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
    )
    hint = opts.hint
    if first is None and hint is not None and not check(problem, hint):
        first = hint
    if deterministic:
        polish = (1.0 - START_SHARE) * phase
    else:
        polish = max(0.05, phase - (time.perf_counter() - start))
    if first is None:
        # no start (a step found nothing, or a coupling rule broke): local
        # search always returns a feasible composition when it finds one
        start_kind = "search"
        first = solve_search(
            problem,
            # at least a second, and a third of the budget: with less, local
            # search on a Stevns-sized pool on a loaded machine often finds
            # nothing (seen: Stevns at 5-6 s returned UNKNOWN under a load of
            # six processes on two cores), so small budgets may be exceeded
            # by up to a second rather than return no composition
            opts.replace(time_limit=max(1.0, polish, time_limit / 3), progress=None, hint=None),
        ).composition
    else:
        start_kind = "sequential"
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
        problem, opts.replace(time_limit=remaining, hint=first if first is not None else hint)
    )
    runtime = time.perf_counter() - start
    history += tuple((offset + t, obj, bound) for t, obj, bound in exact.history)
    phases.append(
        PhaseStats("cpsat", str(exact.status), exact.objective, exact.bound, exact.runtime)
    )
    return _finish(
        problem,
        exact,
        first,
        opts,
        name=f"auto (decomposed + {exact.solver})",
        runtime=runtime,
        history=history,
        stats=SolveStats(
            path="decomposed + cpsat",
            start=start_kind,
            phases=tuple(phases),
            details={"cpsat": dict(exact.stats.details)},
        ),
    )


def _finish(
    problem: Problem,
    exact: Result,
    start: Composition | None,
    opts: SolveOptions,
    *,
    name: str,
    runtime: float,
    history: tuple[tuple[float, float, float | None], ...],
    stats: SolveStats,
) -> Result:
    """The better of the start and CP-SAT's composition, with CP-SAT's bound and status.

    CP-SAT's status stands when its composition is kept (ties go to CP-SAT);
    the start alone is FEASIBLE. When CP-SAT found nothing of its own its
    result carries no bound, but the bound it proved still holds
    (``exact.stats.proven_bound``): it is used unless it is not a real one
    (below the start's objective).
    """
    if exact.status in (SolveStatus.INFEASIBLE, SolveStatus.MODEL_INVALID):
        return Result.scored(
            problem,
            exact.status,
            None,
            runtime=runtime,
            seed=opts.seed,
            workers=opts.workers,
            deterministic=opts.deterministic,
            solver=name,
            stats=stats,
        )
    best, status = exact.composition, exact.status
    if start is not None:
        start_value = _objective(problem, start)
        if exact.objective is None or start_value > exact.objective:
            best, status = start, SolveStatus.FEASIBLE
    if best is None:
        status = SolveStatus.UNKNOWN
    bound = exact.bound
    proven = exact.stats.proven_bound
    if (
        bound is None
        and best is not None
        and proven is not None
        and proven >= _objective(problem, best) - 1e-6
    ):
        bound = proven
    final_stats = SolveStats(
        path=stats.path,
        start=stats.start,
        build_seconds=exact.stats.build_seconds,
        iterations=stats.iterations,
        branches=exact.stats.branches,
        conflicts=exact.stats.conflicts,
        num_variables=exact.stats.num_variables,
        num_constraints=exact.stats.num_constraints,
        proven_bound=proven,
        phases=stats.phases,
        details=stats.details,
    )
    return Result.scored(
        problem,
        status,
        best,
        bound=bound,
        bound_source="cpsat (full model)",
        runtime=runtime,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver=name,
        history=history,
        stats=final_stats,
    )


class AutoBackend(Backend):
    """A fast start (network by network, or local search), then CP-SAT from it.

    It implements what both CP-SAT and the search implement; it sends pure
    grouping problems and large dissimilarity matrices to the search alone.
    """

    name = "auto"

    def rules(self) -> frozenset[str]:
        """Rules both CP-SAT and the search implement."""
        return CPSAT.rules() & SEARCH.rules()

    def terms(self) -> frozenset[str]:
        """Terms both CP-SAT and the search implement."""
        return CPSAT.terms() & SEARCH.terms()

    def solve(self, problem: Problem, options: SolveOptions) -> Result:
        """See :func:`solve_auto`."""
        return solve_auto(problem, options)


#: The ``auto`` backend.
BACKEND = AutoBackend()
