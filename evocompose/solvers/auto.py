"""The ``auto`` backend: a portfolio of the compiled search and CP-SAT that is never worse than its parts.

The compiled local search (:func:`~evocompose.solvers.search.backend.solve_search`)
finds a first composition in milliseconds and a good one within a second or
two; CP-SAT then starts from it (as a solution hint), improves it where it
can and proves a bound. The budget is planned from the size of the CP-SAT
model (its candidate-network pairs):

* Pure grouping problems (MDGP) and problems with a dissimilarity matrix too
  large for the CP-SAT pair model go to the search alone.
* Small models (at most ``SMALL_MODEL`` pairs) go to CP-SAT alone, which
  usually proves optimality on them quickly.
* Weighted problems with several networks and at most ``DECOMPOSE_MODEL``
  pairs (Stevns) take the network-by-network path: the compiled search
  briefly, then each network solved alone (by CP-SAT and, with two workers
  or more, the compiled search side by side) and re-optimised, then CP-SAT
  on the full model from the best composition, and beside it (two workers
  or more) on the compositions a few member changes away from it (see
  :func:`_solve_decomposed`).
* Otherwise the search runs first. It stops early when it reaches the
  closed-form bound (:func:`evocompose.bounds.closed_form_bound`: the
  composition is then provably optimal, and CP-SAT has nothing to add) or,
  when CP-SAT is to follow, once it has stopped improving (no gain during
  the last ``PATIENCE`` of its run). CP-SAT gets what is left, at least
  ``CPSAT_SHARE`` of the budget, on models of at most ``CPSAT_MODEL`` pairs;
  larger models take longer to build and presolve than it would have, and
  on them (and on partitions whose closed-form bound the search reaches)
  the search keeps the whole budget, so ``auto`` is then exactly the search.

The better composition is returned with the tightest proven bound: CP-SAT's
(a bound on the problem, valid whichever stage found the composition) or
the closed-form one; ``Result.bound_source`` says which. OPTIMAL only when
CP-SAT proved it. With ``deterministic=True`` both stages count their
budgets in deterministic units (search iterations, CP-SAT deterministic
time), planned the same way, so the result does not depend on the
machine's load.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from evocompose.bounds import closed_form_bound, known_closed_form_bound
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
from evocompose.solvers.search.backend import ITERATIONS_PER_SECOND, solve_search
from evocompose.solvers.search.engine import load_kernels
from evocompose.solvers.search.mdgp_backend import BACKEND as MDGP
from evocompose.solvers.stopping import requested as stop_requested

__all__ = ["BACKEND", "AutoBackend", "plan", "solve_auto"]


#: At most this many (candidate, network) pairs: CP-SAT alone.
SMALL_MODEL = 200
#: Up to this many pairs, weighted problems with several networks also solve
#: each network alone with CP-SAT (network by network, see below).
DECOMPOSE_MODEL = 2_000
#: The network-by-network phase (start, then re-optimisation of one or two
#: networks at a time) takes ``FULL_AFTER`` of the budget, at most
#: ``PHASE_PER_NETWORK`` seconds per network ...
FULL_AFTER = 0.5
PHASE_PER_NETWORK = 2.5
#: ... of which this share is the start.
START_SHARE = 0.9
#: On the network-by-network path with two workers or more, each
#: one-network step runs the compiled search in a thread of its own beside
#: CP-SAT (one worker) on the same network, at this lower priority (a nice
#: value added to the thread's), so that on a loaded machine CP-SAT keeps
#: its core and the search takes what is left.
SEARCH_NICENESS = 10
#: On that path the compiled search first runs on the whole problem with
#: this share of the budget: a first composition at once (on Stevns within
#: 0.1 s) and a guard when the steps stall; the rest goes to the steps and
#: to CP-SAT, which need their time (see :func:`_solve_decomposed`).
DECOMPOSED_SEARCH_SHARE = 0.03
#: On that path's last phase with two workers or more, one worker searches
#: the compositions at most this many member changes away from the best one
#: so far (local branching, the full objective, every network at once)
#: while the others run CP-SAT on the full model for the bound; 0 gives all
#: the workers to the full model (see :func:`_final_phase`).
NEIGHBOURHOOD_CHANGES = 8
#: Above this many pairs CP-SAT is not run (the search keeps the budget).
CPSAT_MODEL = 6_000
#: Share of the budget CP-SAT gets at least, when it runs.
CPSAT_SHARE = 0.5
#: The search hands over to CP-SAT when its best value has not improved
#: during this share of its run so far.
PATIENCE = 0.25
#: Seconds CP-SAT needs at least after the search: with less it builds no model of the
#: problems that reach it (100,000 candidates or 2,000,000 ties at 1 s: the model did
#: not fit, and building it pushed the run 0.5 s past its limit).
CPSAT_MIN_SECONDS = 0.3


def _model_size(problem: Problem) -> int:
    return int(problem.eligibility_table().sum())


def _search_only(problem: Problem) -> bool:
    """Pure grouping problems, and problems CP-SAT cannot take (a large matrix), go to search."""
    return not MDGP.unsupported(problem) or bool(CPSAT.unsupported(problem))


def _objective(problem: Problem, comp: Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _decomposes(problem: Problem, size: int) -> bool:
    return (
        len(problem.networks) > 1
        and size <= DECOMPOSE_MODEL
        and problem.weights.mode != "lexicographic"
        and not problem.assign_all
    )


def plan(problem: Problem) -> str:
    """Which way ``auto`` takes for ``problem``, in plain words.

    Examples
    --------
    >>> import evocompose as evo
    >>> plan(evo.datasets.tiny())
    'cpsat: a small model (12 candidate-network pairs), which CP-SAT solves alone'
    """
    if not MDGP.unsupported(problem):
        return "search: a pure grouping problem, for the compiled MDGP engine"
    if CPSAT.unsupported(problem):
        return "search: CP-SAT cannot take it (" + "; ".join(CPSAT.unsupported(problem)) + ")"
    size = _model_size(problem)
    if size <= SMALL_MODEL:
        return f"cpsat: a small model ({size} candidate-network pairs), which CP-SAT solves alone"
    if _decomposes(problem, size):
        return (
            "network by network + cpsat: the search briefly, then each network solved "
            "alone by CP-SAT and the search side by side, then CP-SAT on the full model "
            "from the best composition (with two workers or more, one of them on the "
            f"compositions at most {NEIGHBOURHOOD_CHANGES} member changes away from it) "
            f"({size:,} candidate-network pairs)"
        )
    if size > CPSAT_MODEL:
        return (
            f"search: {size:,} candidate-network pairs, more than CP-SAT builds and improves "
            f"within a budget (it runs up to {CPSAT_MODEL:,})"
        )
    return (
        f"search + cpsat: the search first, then CP-SAT from its best composition "
        f"({size:,} candidate-network pairs)"
    )


def solve_auto(problem: Problem, options: SolveOptions | None = None) -> Result:
    """The search, then CP-SAT from its best composition (see the module docstring).

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
    if size <= SMALL_MODEL:  # CP-SAT alone; it reports the tighter of its and the closed-form bound
        return solve_cpsat(problem, opts)
    # loading the kernels (about half a second once per process) counts in the time limit
    loading = load_kernels()
    if loading and not opts.deterministic:
        opts = opts.replace(time_limit=max(0.05, opts.time_limit - loading))
    start = time.perf_counter()
    if _decomposes(problem, size):
        return _solve_decomposed(problem, opts)
    time_limit = opts.time_limit
    with_cpsat = size <= CPSAT_MODEL
    search_limit = time_limit * (1.0 - CPSAT_SHARE) if with_cpsat else time_limit
    first = solve_search(
        problem,
        opts.replace(time_limit=search_limit),
        patience=PATIENCE if with_cpsat else None,
    )
    reached = first.gap is not None and first.gap <= 1e-12
    if first.status is SolveStatus.INFEASIBLE or not with_cpsat or reached or stop_requested():
        why = plan(problem)
        if reached:
            why = "search: it reached the closed-form bound, so CP-SAT had nothing to add"
        elif stop_requested():
            why = "search: stopped on request before CP-SAT"
        late = not opts.deterministic and time.perf_counter() - start >= time_limit
        return _relabel(problem, first, "auto (search)", why, late=late)
    if opts.deterministic:
        used = (first.stats.iterations or 0) / ITERATIONS_PER_SECOND
        remaining = max(CPSAT_SHARE * time_limit, time_limit - used)
    else:
        remaining = time_limit - (time.perf_counter() - start)
        if remaining < CPSAT_MIN_SECONDS:
            why = (
                f"search: its first composition came {time_limit - remaining:.1f} s into "
                f"the {time_limit:.1f} s, too late for CP-SAT to build its model"
            )
            return _relabel(problem, first, "auto (search)", why, late=True)
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
        PhaseStats("search", str(first.status), first.objective, first.bound, first.runtime),
        PhaseStats("cpsat", str(exact.status), exact.objective, exact.bound, exact.runtime),
    )
    return _finish(
        problem,
        exact,
        first,
        opts,
        name=f"auto (search + {exact.solver})",
        runtime=runtime,
        history=history,
        stats=SolveStats(
            path="search + cpsat",
            start=first.stats.start,
            first_solution_seconds=first.stats.first_solution_seconds,
            iterations=first.stats.iterations,
            phases=phases,
            details={
                "plan": plan(problem),
                "search": dict(first.stats.details),
                "cpsat": dict(exact.stats.details),
            },
        ),
    )


def _solve_decomposed(problem: Problem, opts: SolveOptions) -> Result:
    """The compiled search briefly, the network-by-network start and polish, then CP-SAT on the full model.

    One network alone is small enough for CP-SAT or the compiled search to
    solve well within a second; on Stevns-sized problems (a few hundred
    candidates, a few networks) a composition built network by network is
    better than either on the full model in the same time, and CP-SAT's
    bound needs the time of the full model. The plan:

    1. the compiled search on the whole problem for
       ``DECOMPOSED_SEARCH_SHARE`` of the budget: a first composition at
       once, and the fallback when the steps find nothing;
    2. for ``FULL_AFTER`` of the rest (at most ``PHASE_PER_NETWORK`` seconds
       per network), each network is solved alone, in turn (``START_SHARE``
       of that phase), then re-optimised one or two at a time. With two
       workers or more every step runs CP-SAT (one worker) and the compiled
       search (one thread, at the lower priority ``SEARCH_NICENESS``) on the
       same network side by side and keeps the better; with one worker,
       CP-SAT alone;
    3. CP-SAT on the full model takes the rest from the best composition so
       far as hint; with two workers or more, one of them searches the
       compositions at most ``NEIGHBOURHOOD_CHANGES`` member changes away
       from it beside the full model (see :func:`_final_phase`).

    The best composition found by any stage is returned. When the steps
    find nothing, the compiled search is asked again with the fallback
    budget.

    Why both in each step: neither is reliable alone. On Stevns seed 0 the
    Outdoor step at 1.1 s reached 474.9-481.1 with CP-SAT (seeds 0-3; its
    bound 488) and 480.9-481.2 with the search; on seed 1 the Industry step
    (optimum 480.2) 466.0-479.5 or nothing with CP-SAT and 477.8 every time
    with the search. The better of the two per step gave starts of
    1,683.3-1,685.8 (seed 0) and 1,692.0-1,696.4 (seed 1) where CP-SAT
    alone gave 1,669.2-1,684.8 and 1,690.9-1,696.3. At 10 s with two
    workers, solver seeds 0-4 on datasets 0-2, side by side with the plan
    before (the search beside the CP-SAT steps for the whole phase): gaps
    of 0.69-0.83 / 0.86-1.09 / 0.47-0.67 % against 0.99-1.52 / 0.87-1.22 /
    0.47-0.69 %; 2 runs of 15 above 1 % (seed 1: 1.004 and 1.09 %)
    against 5 of 14, mean 0.77 against 0.91 %. Re-optimising pairs of
    networks or giving the steps 60 % of the budget did not help there (the
    start decides, and CP-SAT's bound needs its 5 s).
    """
    start = time.perf_counter()
    fn = opts.on_progress
    phases: list[PhaseStats] = []
    history: tuple[tuple[float, float, float | None], ...] = ()
    seed, workers, deterministic = opts.seed, opts.workers, opts.deterministic
    time_limit = opts.time_limit

    def record(key: str, comp: Composition) -> None:
        nonlocal history
        seconds = time.perf_counter() - start
        value = _objective(problem, comp)
        phases.append(PhaseStats(key, "FEASIBLE", value, None, seconds))
        history = (*history, (seconds, value, None))
        if fn is not None:
            fn(Progress(seconds, value, None, f"auto {key}"))

    def searching(p: Progress) -> None:  # the search's improvements, as they come
        if fn is not None:
            fn(Progress(p.seconds, p.objective, None, "auto search"))

    progress = searching if fn is not None else None
    # the compiled search first, briefly: a first composition at once (on
    # Stevns within 0.1 s), and a guard when the exact steps stall
    searched = solve_search(
        problem,
        opts.replace(time_limit=DECOMPOSED_SEARCH_SHARE * time_limit, progress=progress),
    )
    if searched.status is SolveStatus.INFEASIBLE:
        return _relabel(problem, searched, "auto (search)", "CP-SAT proved it infeasible")
    if searched.composition is not None:
        record("search", searched.composition)
        if stop_requested():
            return _relabel(problem, searched, "auto (search)", "search: stopped on request")
    if deterministic:
        time_limit = (1.0 - DECOMPOSED_SEARCH_SHARE) * time_limit
    else:
        time_limit = max(0.1, time_limit - (time.perf_counter() - start))
    phase = min(FULL_AFTER * time_limit, PHASE_PER_NETWORK * len(problem.networks))
    # with two workers or more, each step runs CP-SAT and the search side by side
    step = _step_both if workers >= 2 else None
    rest_start = time.perf_counter()
    hint = opts.hint
    first = solve_sequential(
        problem,
        time_limit=START_SHARE * phase,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        solve_block=step,
    )
    if first is None and hint is not None and not check(problem, hint):
        first = hint
    if deterministic:
        polish = (1.0 - START_SHARE) * phase
    else:
        polish = max(0.05, phase - (time.perf_counter() - rest_start))
    if first is not None:
        record("start", first)
        first = improve_by_network(
            problem,
            first,
            time_limit=polish,
            seed=seed,
            workers=1,
            deterministic=deterministic,
            solve_block=step,
        )
        record("polished", first)
    if first is None:
        # no start (a step found nothing, or a coupling rule broke): the
        # compiled search's composition, or else the search again with at
        # least a second and a third of the budget: on a loaded machine a
        # Stevns-sized pool may need it (seen before the compiled core:
        # Stevns at 5-6 s returned UNKNOWN under a load of six processes on
        # two cores), so small budgets may be exceeded by up to a second
        # rather than return no composition
        start_kind = "search"
        if searched.composition is None and not stop_requested():
            searched = solve_search(
                problem,
                opts.replace(
                    time_limit=max(1.0, polish, opts.time_limit / 3), progress=None, hint=None
                ),
            )
            if searched.status is SolveStatus.INFEASIBLE:
                return _relabel(problem, searched, "auto (search)", "CP-SAT proved it infeasible")
            if searched.composition is not None:
                record("search", searched.composition)
        first = searched.composition
    else:
        start_kind = "sequential"
    # the better of the search's and the network-by-network composition
    if searched.composition is not None and (
        first is None or _objective(problem, searched.composition) > _objective(problem, first)
    ):
        first = searched.composition
        start_kind = "search" if start_kind == "search" else "search (better than sequential)"
    if deterministic:
        remaining = time_limit - phase
    else:
        remaining = max(0.05, opts.time_limit - (time.perf_counter() - start))
    if stop_requested():
        remaining = 0.05  # stopped: CP-SAT gives up at once and the start is kept
    offset = time.perf_counter() - start
    exact, nearby = _final_phase(
        problem, opts.replace(time_limit=remaining, hint=first if first is not None else hint)
    )
    runtime = time.perf_counter() - start
    if nearby is not None and nearby.composition is not None:
        phases.append(
            PhaseStats("nearby", str(nearby.status), nearby.objective, None, nearby.runtime)
        )
        if first is None or _objective(problem, nearby.composition) > _objective(problem, first):
            first, start_kind = nearby.composition, f"{start_kind} + nearby"
    history += tuple((offset + t, obj, bound) for t, obj, bound in exact.history)
    phases.append(
        PhaseStats("cpsat", str(exact.status), exact.objective, exact.bound, exact.runtime)
    )
    closed = closed_form_bound(problem)
    start_result = Result.scored(
        problem,
        SolveStatus.FEASIBLE if first is not None else SolveStatus.UNKNOWN,
        first,
        bound=closed.total,
        bound_source=closed.source,
    )
    return _finish(
        problem,
        exact,
        start_result,
        opts,
        name=f"auto (decomposed + {exact.solver})",
        runtime=runtime,
        history=history,
        stats=SolveStats(
            path="decomposed + cpsat",
            start=start_kind,
            first_solution_seconds=searched.stats.first_solution_seconds,
            iterations=searched.stats.iterations,
            phases=tuple(phases),
            details={
                "plan": plan(problem),
                "search": dict(searched.stats.details),
                "cpsat": dict(exact.stats.details),
            },
        ),
    )


def _final_phase(problem: Problem, opts: SolveOptions) -> tuple[Result, Result | None]:
    """CP-SAT on the full model from ``opts.hint``; beside it, with two workers or more, local branching.

    The full model gets all workers but one and gives the bound. The last
    worker solves the same model restricted to compositions at most
    ``NEIGHBOURHOOD_CHANGES`` member changes away from the hint (local
    branching, one worker, without the redundant cuts): a neighbourhood
    that spans every network at once, where the steps before re-optimise
    one network at a time. Its bound holds only for the neighbourhood and is
    not used. Returns the full model's result and the neighbourhood's
    (``None`` when it did not run).

    Why: on Stevns the full model's bound is as tight from one worker
    (dataset 1: 1,710.8 in 4.7 s against 1,711.0 with two), while its
    composition rarely improves on a good hint in the last 5 s; the
    improvements the composition still needs move people between networks,
    e.g. a member of Industry into Vision, one of Vision out and Industry
    refilled (eight changes, 1,693.5 to 1,695.1-1,697.2), which the
    one-network steps cannot see.
    """
    hint = opts.hint
    if opts.workers < 2 or NEIGHBOURHOOD_CHANGES <= 0 or hint is None:
        return solve_cpsat(problem, opts), None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evocompose-nearby") as pool:
        future = pool.submit(
            solve_cpsat,
            problem,
            opts.replace(workers=1, progress=None),
            base=hint,
            max_changes=NEIGHBOURHOOD_CHANGES,
            cuts=False,
        )
        exact = solve_cpsat(problem, opts.replace(workers=opts.workers - 1))
        nearby = future.result()
    return exact, nearby


def _step_both(problem: Problem, opts: SolveOptions) -> Result:
    """One network-by-network step: CP-SAT (one worker) and the compiled search (beside it) on the same block; the better."""
    if SEARCH.unsupported(problem):
        return solve_cpsat(problem, opts.replace(workers=1), cuts=False)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evocompose-step") as pool:
        future = pool.submit(_search_behind, problem, opts.replace(workers=1, progress=None))
        exact = solve_cpsat(problem, opts.replace(workers=1), cuts=False)
        searched = future.result()
    if exact.status is SolveStatus.INFEASIBLE or searched.composition is None:
        return exact
    if exact.composition is None or searched.objective > exact.objective:  # type: ignore[operator]
        return searched
    return exact


def _search_behind(problem: Problem, opts: SolveOptions) -> Result:
    """The compiled search at a lower priority (``SEARCH_NICENESS``, where the OS lets a thread have one)."""
    if SEARCH_NICENESS and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):  # not allowed here: the same priority as CP-SAT
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), SEARCH_NICENESS)
    return solve_search(problem, opts)


def _relabel(
    problem: Problem, result: Result, name: str, why: str, *, late: bool = False
) -> Result:
    """``result`` as ``auto``'s, with the closed-form bound when it is tighter than its own.

    ``late``: the time limit has run out, so the closed-form bound is not
    computed (about a second on 100,000 candidates) unless already known.
    """
    bound, source = result.bound, result.bound_source
    closed = None
    if result.composition is not None:
        closed = known_closed_form_bound(problem) if late else closed_form_bound(problem)
    if (
        closed is not None
        and closed.total is not None
        and result.objective is not None
        and closed.total >= result.objective - 1e-6
        and (bound is None or closed.total < bound)
    ):
        bound, source = closed.total, closed.source
    details = {"plan": why, **dict(result.stats.details)}
    stats = dataclasses.replace(result.stats, details=details)
    return Result.scored(
        problem,
        result.status,
        result.composition,
        bound=bound,
        bound_source=source,
        runtime=result.runtime,
        seed=result.seed,
        workers=result.workers,
        deterministic=result.deterministic,
        solver=name,
        history=result.history,
        stats=stats,
    )


def _finish(
    problem: Problem,
    exact: Result,
    first: Result,
    opts: SolveOptions,
    *,
    name: str,
    runtime: float,
    history: tuple[tuple[float, float, float | None], ...],
    stats: SolveStats,
) -> Result:
    """The better of the search's and CP-SAT's composition, with the tightest proven bound.

    CP-SAT's status stands when its composition is kept (ties go to CP-SAT);
    the search's alone is FEASIBLE. CP-SAT's proven bound holds even when it
    found no composition of its own (``exact.stats.proven_bound``); the
    closed-form bound holds always. The smaller of the two is reported (a
    "bound" below the composition's value would not be one: it is ignored).
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
    if (
        first.composition is not None
        and first.objective is not None
        and (exact.objective is None or first.objective > exact.objective)
    ):
        best, status = first.composition, SolveStatus.FEASIBLE
    if best is None:
        status = SolveStatus.UNKNOWN
    value = _objective(problem, best) if best is not None else None
    candidates = [
        (exact.stats.proven_bound, "cpsat (full model)"),
        (first.bound, first.bound_source),
    ]
    bound, source = None, None
    for b, src in candidates:
        if b is None or (value is not None and b < value - 1e-6):
            continue
        if bound is None or b < bound:
            bound, source = b, src
    final_stats = SolveStats(
        path=stats.path,
        start=stats.start,
        build_seconds=exact.stats.build_seconds,
        first_solution_seconds=stats.first_solution_seconds,
        iterations=stats.iterations,
        branches=exact.stats.branches,
        conflicts=exact.stats.conflicts,
        num_variables=exact.stats.num_variables,
        num_constraints=exact.stats.num_constraints,
        proven_bound=exact.stats.proven_bound,
        phases=stats.phases,
        details=stats.details,
    )
    return Result.scored(
        problem,
        status,
        best,
        bound=bound,
        bound_source=source,
        runtime=runtime,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver=name,
        history=history,
        stats=final_stats,
    )


class AutoBackend(Backend):
    """The compiled search, then CP-SAT from its best composition (see :mod:`evocompose.solvers.auto`).

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
