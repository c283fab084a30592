"""Local-search backend: :func:`solve_search`, on the compiled search core.

Flow:

1. **Fast path.** A pure Maximally Diverse Grouping Problem (everyone placed
   once, only size rules, only the dissimilarity term) goes straight to
   :func:`evocompose.solvers.search.mdgp.solve_mdgp`.
2. **First composition.** The ``hint`` when it passes
   :func:`evocompose.check.check`; otherwise the compiled greedy
   construction (:meth:`~.engine.Engine.construct`, milliseconds; a sample
   of candidates per seat on large pools), repaired by compiled
   min-conflicts steps (:meth:`~.engine.Engine.repair`) when a rule is
   still broken: for ``REPAIR_SHARE`` of the budget, longer while it still
   closes in, and for the first composition even past the limit by
   ``FIRST_GRACE_SHARE`` of it plus ``FIRST_GRACE_SECONDS`` (within the
   tolerance ``solve`` promises); otherwise CP-SAT on a *reduced pool* (everyone
   pinned, required or must-paired plus the most relevant eligible
   candidates of each network: a restriction of the problem, so its
   solutions are feasible for the full problem), then on the full problem.
3. **Search.** Annealing cycles in ``workers`` threads at once
   (:meth:`~.engine.Engine.search`): random one-moves, swaps, replacements,
   additions and removals, estimated from the counts, applied only when
   every hard rule still holds; each cycle restarts from the best
   composition, perturbed. After a cycle without improvement a CP-SAT LNS
   step (:mod:`evocompose.solvers.search.lns`: two networks freed, the rest
   pinned, reduced pool) is tried for problems of at most
   ``LNS_MAX_CELLS`` candidates x networks. The search stops early when the
   closed-form bound (:func:`evocompose.bounds.closed_form_bound`) is
   reached. Deterministic for a seed and a number of workers when
   ``max_iterations`` ends the run (LNS is off then, as CP-SAT under a time
   limit is not).
4. **Result.** The best composition is re-checked with
   :func:`evocompose.check.check` and its objective recomputed with
   :func:`evocompose.objective.evaluate`; status ``FEASIBLE`` (local search
   proves nothing), bound the closed-form one.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from evocompose.bounds import closed_form_bound
from evocompose.check import check
from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.errors import EvocomposeError
from evocompose.result import Progress, Result, SolveStats, SolveStatus
from evocompose.solvers.contract import Backend, SolveOptions, require_support
from evocompose.solvers.cpsat.solve import BACKEND as CPSAT
from evocompose.solvers.cpsat.solve import solve_cpsat
from evocompose.solvers.stopping import requested as stop_requested

from . import mdgp_backend
from .engine import Engine, load_kernels
from .lns import lns_step
from .rules import RULES
from .state import Compiled, State
from .terms import TERMS

__all__ = ["BACKEND", "ITERATIONS_PER_SECOND", "SearchBackend", "solve_search"]

SOLVER_NAME = "search"
#: Iterations granted per second of time limit in deterministic mode (about
#: what one search thread does per second on a loaded 2-core machine for a
#: Stevns-sized problem; large partitions run several times faster).
ITERATIONS_PER_SECOND = 200_000
#: Repair steps granted per second of time limit in deterministic mode.
REPAIR_STEPS_PER_SECOND = 2_000
#: In deterministic mode the wall clock only stops runaway runs.
DETERMINISTIC_WALL_FACTOR = 20.0
#: Largest ``candidates x networks`` for which the CP-SAT LNS step is used.
LNS_MAX_CELLS = 50_000
#: Share of the time limit the repair may take before CP-SAT is asked for a start.
REPAIR_SHARE = 0.5
#: A repair still closing in on the first composition (a new lowest violation every few
#: chunks) goes on past its share, and past the time limit by this share of the limit plus
#: :data:`FIRST_GRACE_SECONDS`: within the tolerance ``solve`` promises (10 % + 1 s), and
#: better than no composition at all (5,000 candidates x 40 networks at 1 s: 297 broken
#: rules after the construction, none after about 600 repair steps, a tenth of a second).
FIRST_GRACE_SHARE = 0.05
#: See :data:`FIRST_GRACE_SHARE`.
FIRST_GRACE_SECONDS = 0.5


def _result(
    problem: Problem,
    status: SolveStatus,
    comp: Composition | None,
    start: float,
    opts: SolveOptions,
    history: list[tuple[float, float, float | None]],
    stats: dict[str, Any],
    bound: float | None,
    bound_source: str | None,
) -> Result:
    typed = SolveStats(
        path="search",
        start=stats.pop("start", None),
        build_seconds=stats.pop("compile_seconds", None),
        first_solution_seconds=stats.pop("first_feasible_seconds", None),
        iterations=stats.pop("iterations", None),
        details=stats,
    )
    return Result.scored(
        problem,
        status,
        comp,
        bound=bound,
        bound_source=bound_source,
        runtime=time.perf_counter() - start,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver=SOLVER_NAME,
        history=tuple(history),
        stats=typed,
    )


# ------------------------------------------------------------------ CP-SAT start
def _reduced_problem(problem: Problem, compiled: Compiled, factor: int) -> Problem | None:
    """The problem with all but the most relevant eligible candidates excluded."""
    if problem.assign_all:
        return None
    keep = compiled.req_listed | compiled.pinned.any(axis=1)
    rel = problem.relevance_table()
    for g in range(compiled.G):
        idx = np.flatnonzero(compiled.allowed[:, g])
        m = min(idx.size, factor * int(compiled.max_size[g]) + 10)
        order = np.argsort(-rel[idx, g], kind="stable")
        keep[idx[order[:m]]] = True
    for i in np.flatnonzero(keep):
        keep[compiled.unit_members(int(i))] = True
    if keep.sum() >= 0.8 * compiled.n:
        return None
    drop = [compiled.ids[i] for i in np.flatnonzero(~keep)]
    try:
        return problem.replace(excluded=tuple(sorted(set(problem.excluded) | set(drop))))
    except EvocomposeError:  # e.g. a must-pair partner dropped: no reduced start
        return None


def _cpsat_start(
    problem: Problem, compiled: Compiled, budget: float, opts: SolveOptions, stats: dict[str, Any]
) -> tuple[Composition | None, bool]:
    """A feasible composition from CP-SAT; the flag says CP-SAT proved infeasibility.

    Nothing when CP-SAT cannot take the problem (a dissimilarity matrix
    beyond its pair model): the search then reports that it found no start.
    """
    if CPSAT.unsupported(problem):
        stats["start_cpsat"] = "not used: " + "; ".join(CPSAT.unsupported(problem))
        return None, False
    if budget <= 0.2:
        stats["start_cpsat"] = "not used: no time left"
        return None, False
    t0 = time.perf_counter()
    reduced = _reduced_problem(problem, compiled, factor=4) if budget > 0.5 else None
    if reduced is not None:
        r = solve_cpsat(reduced, opts.replace(time_limit=max(0.5, 0.6 * budget), hint=None))
        stats["start_reduced_pool"] = int(len(reduced.pool) - len(reduced.excluded))
        stats["start_reduced_status"] = str(r.status)
        if r.composition is not None and not check(problem, r.composition):
            stats["start"] = "cpsat-reduced"
            return r.composition, False
    left = budget - (time.perf_counter() - t0)
    if left <= 0.2:
        return None, False
    r = solve_cpsat(problem, opts.replace(time_limit=left, hint=None))
    stats["start_full_status"] = str(r.status)
    if r.status is SolveStatus.INFEASIBLE:
        return None, True
    if r.composition is not None and not check(problem, r.composition):
        stats["start"] = "cpsat"
        return r.composition, False
    return None, False


def first_composition(
    problem: Problem,
    compiled: Compiled,
    engine: Engine,
    opts: SolveOptions,
    start: float,
    time_limit: float,
    stats: dict[str, Any],
    *,
    repair_steps: int | None = None,
    cpsat_budget: float | None = None,
) -> tuple[State | None, bool]:
    """The search's first composition: hint, construction (+ repair), or CP-SAT.

    Returns the state (``None`` when none was found) and whether CP-SAT
    proved the problem infeasible.
    """
    hint = opts.hint
    if hint is not None and not check(problem, hint):
        stats["start"] = "hint"
        return compiled.state_of(hint), False
    t = time.perf_counter()
    S = engine.construct()
    stats["construct_seconds"] = time.perf_counter() - t
    left = engine.violation(S)
    stats["construct_violation"] = left
    if left == 0:
        stats["start"] = "construction"
        return S, False
    t = time.perf_counter()
    now = time.perf_counter()
    # at least half of what is left: a construction that came late (a huge pool, a loaded
    # machine) is still repaired, which takes milliseconds, rather than handed to CP-SAT
    deadline = max(start + REPAIR_SHARE * time_limit, now + 0.5 * (start + time_limit - now))
    # past that (and past the limit by the grace), only while it still closes in: CP-SAT
    # needs seconds for a start, and after the limit there is none
    grace = FIRST_GRACE_SHARE * time_limit + FIRST_GRACE_SECONDS
    left = engine.repair(
        S, deadline, max_steps=repair_steps, while_improving=start + time_limit + grace
    )
    stats["repair_seconds"] = time.perf_counter() - t
    stats["repair_steps"] = engine.repair_steps
    if left == 0 and engine.feasible(S):
        stats["start"] = "construction + repair"
        return S, False
    stats["repair_violation_left"] = left
    if stop_requested():
        return None, False
    budget = time_limit - (time.perf_counter() - start) if cpsat_budget is None else cpsat_budget
    comp, infeasible = _cpsat_start(problem, compiled, 0.8 * budget, opts, stats)
    if comp is None:
        return None, infeasible
    return compiled.state_of(comp), False


def solve_search(
    problem: Problem,
    options: SolveOptions | None = None,
    *,
    max_iterations: int | None = None,
    patience: float | None = None,
) -> Result:
    """Compose the networks of ``problem`` by local search, honouring every hard rule.

    Parameters
    ----------
    problem : Problem
    options : SolveOptions, optional
        ``time_limit`` is wall-clock seconds, the first composition included.
        ``workers`` search threads run at once (and CP-SAT, when it is asked
        for a start, gets as many). ``hint`` is used when it passes
        :func:`evocompose.check`. ``deterministic=True`` counts the budget in
        iterations (:data:`ITERATIONS_PER_SECOND` per second of time limit,
        with a wall-clock safety cap of :data:`DETERMINISTIC_WALL_FACTOR`
        times the limit), so that a seed and a number of workers give the
        same composition on any machine. ``log`` is unused.
    max_iterations : int, optional
        Stop the search after this many iterations over all threads (the
        result is then reproducible for a seed and a number of workers).
    patience : float, optional
        Stop early when the best value has not improved during this share of
        the search so far (``auto`` hands the rest of its budget to CP-SAT).

    Notes
    -----
    The search maximises the weighted sum of the terms; with
    ``Weights(mode="lexicographic")`` that sum is used as a proxy (see
    ``stats.details["note"]``).

    Returns
    -------
    Result
        ``FEASIBLE`` with the best composition and the closed-form bound;
        ``INFEASIBLE`` only when CP-SAT proved it; ``UNKNOWN`` when no
        composition keeping every rule was found in time.

    Raises
    ------
    SolverError
        When the problem uses a rule or term the search does not implement.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> r = solve_search(p, SolveOptions(time_limit=2), max_iterations=2000)
    >>> r.status.value, evo.check(p, r.composition)
    ('FEASIBLE', [])
    """
    opts = options if options is not None else SolveOptions()
    require_support(BACKEND, problem)
    if not mdgp_backend.BACKEND.unsupported(problem):
        return mdgp_backend.solve_pure_mdgp(problem, opts, max_iterations=max_iterations)
    start = time.perf_counter()
    # loading the compiled kernels (about half a second once per process; minutes the very
    # first time after installation, which `make` does at install) counts in the time limit
    loading = load_kernels()
    time_limit = opts.time_limit if opts.deterministic else max(0.05, opts.time_limit - loading)
    start = time.perf_counter()
    repair_steps = None
    if opts.deterministic:
        if max_iterations is None:
            max_iterations = max(1, int(ITERATIONS_PER_SECOND * time_limit))
        repair_steps = max(100, int(REPAIR_STEPS_PER_SECOND * time_limit))
        time_limit *= DETERMINISTIC_WALL_FACTOR
    fn = opts.on_progress
    stats: dict[str, Any] = {}
    if loading:
        stats["kernel_load_seconds"] = loading
    if problem.weights.mode == "lexicographic":
        stats["note"] = "lexicographic weights are optimised as their weighted sum"
    compiled = Compiled(problem)
    stats["compile_seconds"] = time.perf_counter() - start
    engine = Engine(compiled, seed=opts.seed, workers=opts.workers)
    history: list[tuple[float, float, float | None]] = []
    S, infeasible = first_composition(
        problem,
        compiled,
        engine,
        opts,
        start,
        time_limit,
        stats,
        repair_steps=repair_steps,
        # deterministic: CP-SAT's share in its own units, not what the wall clock left
        cpsat_budget=opts.time_limit * (1.0 - REPAIR_SHARE) if opts.deterministic else None,
    )
    if infeasible:
        stats["start"] = "cpsat proved infeasible"
        return _result(
            problem, SolveStatus.INFEASIBLE, None, start, opts, history, stats, None, None
        )
    if S is None:
        stats.setdefault("start", "none")
        return _result(problem, SolveStatus.UNKNOWN, None, start, opts, history, stats, None, None)
    first = time.perf_counter() - start
    stats["first_feasible_seconds"] = first
    # after the first composition: it waits for nothing; and not at all when the first
    # composition came at the time limit (a second on 100,000 candidates)
    late = (
        max_iterations is None
        and not opts.deterministic
        and time.perf_counter() >= start + time_limit
    )
    bound = None if late else closed_form_bound(problem)
    total = None if bound is None else bound.total
    if bound is None:
        stats["bound"] = "not computed: the first composition came at the time limit"
    first_comp = compiled.composition_of(S)
    stats["start_objective"] = S.objective
    history.append((first, S.objective, total))
    if fn is not None:
        fn(Progress(first, S.objective, total, "search"))

    def on_best(value: float, ml: np.ndarray, size: np.ndarray) -> None:
        t = time.perf_counter() - start
        history.append((t, value, total))
        if fn is not None:
            fn(Progress(t, value, total, "search"))

    lns_rng = np.random.default_rng(opts.seed + 1)
    deadline = start + time_limit
    lns_on = [True]
    lns_counts = [0, 0]

    def lns(ml: np.ndarray, size: np.ndarray, value: float) -> tuple[np.ndarray, np.ndarray] | None:
        left = deadline - time.perf_counter()
        if left < 3.0 or not lns_on[0] or stop_requested():
            return None
        limit = min(5.0, left / 3)
        t = time.perf_counter()
        lns_counts[0] += 1
        comp = lns_step(compiled, compiled.lists(ml, size), lns_rng, opts.replace(time_limit=limit))
        if time.perf_counter() - t > limit + 1.0:  # model building too slow here: stop using it
            lns_on[0] = False
            stats["lns_disabled"] = "overran its time limit"
        if comp is None:
            return None
        lns_counts[1] += 1
        return compiled.members_of(comp)

    # CP-SAT model building grows with n x G; beyond this the LNS step costs
    # more than it gains; and CP-SAT must be able to take the problem at all
    use_lns = (
        max_iterations is None
        and not problem.assign_all
        and compiled.n * compiled.G <= LNS_MAX_CELLS
        and not CPSAT.unsupported(problem)
    )
    out = engine.search(
        S,
        deadline=deadline,
        max_iterations=max_iterations,
        target=total,
        patience=patience,
        on_best=on_best,
        between=lns if use_lns else None,
    )
    stats["iterations"] = out.iterations
    stats["accepted"] = out.accepted
    stats["cycles"] = out.cycles
    stats["search_seconds"] = time.perf_counter() - start - first
    stats["iterations_per_second"] = out.iterations / max(stats["search_seconds"], 1e-9)
    stats["lns_steps"], stats["lns_improvements"] = lns_counts
    stats.update({f"search_{k}": v for k, v in out.details.items()})
    final: Composition | None = compiled.composition(out.ml, out.size)
    assert final is not None
    violations = check(problem, final)
    if violations:  # a bug in the compiled checks: fall back to the first composition
        stats["check_failed"] = [v.message for v in violations[:5]]
        final = first_comp if not check(problem, first_comp) else None
    return _result(
        problem,
        SolveStatus.FEASIBLE if final is not None else SolveStatus.UNKNOWN,
        final,
        start,
        opts,
        history,
        stats,
        total,
        None if bound is None else bound.source,
    )


class SearchBackend(Backend):
    """Local search over the whole problem: every rule and term, any size."""

    name = "search"

    def rules(self) -> frozenset[str]:
        """The rules of :data:`~evocompose.solvers.search.rules.RULES`."""
        return frozenset(RULES)

    def terms(self) -> frozenset[str]:
        """The terms of :data:`~evocompose.solvers.search.terms.TERMS`."""
        return frozenset(TERMS)

    def solve(self, problem: Problem, options: SolveOptions) -> Result:
        """See :func:`solve_search`."""
        return solve_search(problem, options)


#: The local-search backend.
BACKEND = SearchBackend()
