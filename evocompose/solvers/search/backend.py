"""Local-search backend for large pools: :func:`solve_search`.

Flow:

1. **Fast path.** A pure Maximally Diverse Grouping Problem (everyone placed
   once, only size rules, only the dissimilarity term) goes straight to
   :func:`evocompose.solvers.search.mdgp.solve_mdgp`.
2. **Feasible start.** The ``hint`` when it passes :func:`evocompose.check.check`;
   otherwise a min-conflicts repair from the pins
   (:class:`~evocompose.solvers.search.moves.Repair`, 3/4 of the start budget);
   otherwise CP-SAT (:func:`evocompose.solve`) on a *reduced pool* — everyone
   pinned, required or must-paired plus the most relevant eligible candidates
   of each network, the rest excluded — which is a restriction of the problem,
   so its solutions are feasible for the full problem; then, if that fails,
   CP-SAT on the full problem with the remaining start budget.
3. **Search.** Simulated annealing in cycles (iterated local search): each
   iteration picks a network and a neighbourhood (replace, swap, move, add,
   remove; see :mod:`evocompose.solvers.search.moves`), scores all candidates
   from the incremental counts, evaluates the best few exactly and keeps every
   hard rule; each cycle restarts from the best composition with a short
   random perturbation. After a cycle without real improvement (< 0.05%), and at least every
   second cycle, a CP-SAT LNS
   step (:mod:`evocompose.solvers.search.lns`: two networks freed, the rest
   pinned, reduced pool) is tried first, for problems of at most
   ``LNS_MAX_CELLS`` candidates x networks. Deterministic for a seed when
   ``max_iterations`` ends the run (LNS is off then, as CP-SAT under a time
   limit is not).
4. **Result.** The best composition is re-checked with
   :func:`evocompose.check.check` and its objective recomputed with
   :func:`evocompose.objective.evaluate`; status ``FEASIBLE`` (local search
   proves nothing), bound ``None``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

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
from .lns import lns_step
from .moves import Move, Neighbourhood, Repair, apply, try_move
from .rules import RULES
from .state import Compiled, SearchState
from .terms import TERMS

__all__ = ["BACKEND", "SearchBackend", "solve_search"]

SOLVER_NAME = "search"
#: Iterations granted per second of time limit in deterministic mode (about
#: what the search does per second on a loaded 2-core machine).
ITERATIONS_PER_SECOND = 300
#: In deterministic mode the wall clock only stops runaway runs.
DETERMINISTIC_WALL_FACTOR = 20.0
#: Largest ``candidates x networks`` for which the CP-SAT LNS step is used.
LNS_MAX_CELLS = 50_000


def _result(
    problem: Problem,
    status: SolveStatus,
    comp: Composition | None,
    start: float,
    opts: SolveOptions,
    history: list[tuple[float, float, float | None]],
    stats: dict[str, Any],
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
        runtime=time.perf_counter() - start,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver=SOLVER_NAME,
        history=tuple(history),
        stats=typed,
    )


# ------------------------------------------------------------------ feasible start
def _reduced_problem(problem: Problem, compiled: Compiled, factor: int) -> Problem | None:
    """The problem with all but the most relevant eligible candidates excluded."""
    if problem.assign_all:
        return None
    keep = np.zeros(compiled.n, dtype=bool)
    keep |= compiled.required | compiled.pinned_in.any(axis=1)
    for g in range(compiled.G):
        idx = compiled.allowed_idx[g]
        m = min(idx.size, factor * int(compiled.max_size[g]) + 10)
        order = np.argsort(-compiled.relevance[idx, g], kind="stable")
        keep[idx[order[:m]]] = True
    for i in np.flatnonzero(keep):
        for j in compiled.must_unit[int(i)]:
            keep[j] = True
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
    t0 = time.perf_counter()
    reduced = _reduced_problem(problem, compiled, factor=4)
    if reduced is not None and budget > 0.5:
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


def _state_from(compiled: Compiled, comp: Composition) -> SearchState:
    pool = compiled.problem.pool
    members = [[pool.index(c) for c in comp.members.get(name, ())] for name in compiled.names]
    return SearchState(compiled, members)


# ------------------------------------------------------------------ search
def _search(
    state: SearchState,
    rng: np.random.Generator,
    deadline: float,
    max_iterations: int | None,
    on_best: Callable[[SearchState], None],
    stats: dict[str, Any],
    lns: Callable[[SearchState], Composition | None] | None = None,
) -> list[list[int]]:
    """Annealing in cycles from ``state``; returns the best assignment found.

    At each cycle boundary the search restarts from the best composition with
    a small random kick; after a cycle without real improvement (and at least every second cycle) it first tries
    ``lns`` (a CP-SAT large-neighbourhood step) on the best composition.
    """
    compiled = state.compiled
    nb = Neighbourhood(state, rng)
    best_obj = state.objective
    best = state.assignment()
    G = compiled.G
    kinds = ["replace", "swap", "move", "add", "remove"]
    probs = np.array([0.55, 0.2 if G > 1 else 0.0, 0.1 if G > 1 else 0.0, 0.075, 0.075])
    if compiled.problem.assign_all:
        probs[0] = probs[3] = probs[4] = 0.0
        probs[1], probs[2] = 0.7, 0.3
    if probs.sum() == 0:
        return best
    probs = probs / probs.sum()
    cycle = 2000
    t0 = -1.0
    samples: list[float] = []
    it = 0
    accepted = 0
    stale = 0
    last_best = best_obj
    lns_tries = lns_wins = since_lns = 0
    while True:
        if max_iterations is not None and it >= max_iterations:
            break
        if (it & 15) == 0 and (time.perf_counter() >= deadline or stop_requested()):
            break
        phase = it % cycle
        if phase == 0 and it > 0:
            # a cycle that gained less than 0.05% counts as stale
            stale = stale + 1 if best_obj <= last_best + 5e-4 * abs(last_best) + 1e-9 else 0
            last_best = best_obj
            state = SearchState(compiled, best)
            nb.state = state
            since_lns += 1
            if lns is not None and (stale >= 1 or since_lns >= 2):
                since_lns = 0
                lns_tries += 1
                comp = lns(state)
                if comp is not None:
                    lns_wins += 1
                    state = _state_from(compiled, comp)
                    nb.state = state
                    if state.objective > best_obj + 1e-9:
                        best_obj = state.objective
                        best = state.assignment()
                        on_best(state)
                    stale = 0
                    last_best = best_obj
            # restart the cycle from the best composition, perturbed
            for _ in range(3 + int(rng.integers(5))):
                g = int(rng.integers(G))
                h = int(rng.integers(G))
                kick = nb.replace(g) if not compiled.problem.assign_all else nb.swap(g, h)
                if kick is not None:
                    apply(state, kick[1])
        it += 1
        g = int(rng.integers(G))
        kind = kinds[int(rng.choice(len(kinds), p=probs))]
        prop: tuple[float, Move] | None
        if kind == "replace":
            prop = nb.replace(g)
        elif kind == "swap":
            h = int(rng.integers(G - 1))
            prop = nb.swap(g, h + (h >= g))
        elif kind == "move":
            prop = nb.move(g)
        elif kind == "add":
            prop = nb.add(g)
        else:
            prop = nb.remove(g)
        if prop is None:
            continue
        d, changes = prop
        if t0 < 0:
            if d < 0:
                samples.append(-d)
            if len(samples) >= 20 or it >= 200:
                t0 = float(np.median(samples)) if samples else 1.0
            temp = 0.0
        else:
            temp = t0 * 0.5 ** (12.0 * phase / cycle)
        if d >= 0 or (temp > 0 and rng.random() < math.exp(d / temp)):
            real = try_move(state, changes)
            if real is None:  # cannot happen: evaluated on the same state
                continue
            accepted += 1
            if state.objective > best_obj + 1e-9:
                best_obj = state.objective
                best = state.assignment()
                on_best(state)
    stats["iterations"] = it
    stats["accepted"] = accepted
    stats["lns_steps"] = lns_tries
    stats["lns_improvements"] = lns_wins
    return best


def solve_search(
    problem: Problem,
    options: SolveOptions | None = None,
    *,
    max_iterations: int | None = None,
    start_time_limit: float | None = None,
) -> Result:
    """Compose the networks of ``problem`` by local search, honouring every hard rule.

    Parameters
    ----------
    problem : Problem
    options : SolveOptions, optional
        ``time_limit`` is wall-clock seconds, the feasible start included.
        With ``max_iterations`` reached before the time limit (and a hint or
        a deterministic start) the result is reproducible for a ``seed``.
        ``workers`` are the CP-SAT start's threads, and for a pure MDGP
        problem the tabu searches run at once; the composer's local search
        itself is sequential. ``hint`` is used when it passes
        :func:`evocompose.check`. ``deterministic=True`` counts the budget in
        iterations (:data:`ITERATIONS_PER_SECOND` per second of time limit,
        with a wall-clock safety cap of :data:`DETERMINISTIC_WALL_FACTOR`
        times the limit). ``log`` is unused.
    max_iterations : int, optional
        Stop the local search after this many iterations.
    start_time_limit : float, optional
        Budget for the feasible start, repair then CP-SAT (default: 60% of
        the time limit).

    Notes
    -----
    The search maximises the weighted sum of the terms; with
    ``Weights(mode="lexicographic")`` that sum is used as a proxy (see
    ``stats.details["note"]``).

    Returns
    -------
    Result
        ``FEASIBLE`` with the best composition (``bound`` is ``None``);
        ``INFEASIBLE`` only when CP-SAT proved it; ``UNKNOWN`` when no feasible
        start was found in time.

    Raises
    ------
    SolverError
        When the problem uses a rule or term the search does not implement.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> r = solve_search(p, SolveOptions(time_limit=2), max_iterations=200)
    >>> r.status.value, evo.check(p, r.composition)
    ('FEASIBLE', [])
    """
    opts = options if options is not None else SolveOptions()
    require_support(BACKEND, problem)
    if not mdgp_backend.BACKEND.unsupported(problem):
        return mdgp_backend.solve_pure_mdgp(problem, opts, max_iterations=max_iterations)
    start = time.perf_counter()
    time_limit = opts.time_limit
    if opts.deterministic:
        if max_iterations is None:
            max_iterations = max(1, int(ITERATIONS_PER_SECOND * time_limit))
        time_limit *= DETERMINISTIC_WALL_FACTOR
    fn = opts.on_progress
    seed = opts.seed
    stats: dict[str, Any] = {}
    if problem.weights.mode == "lexicographic":
        stats["note"] = "lexicographic weights are optimised as their weighted sum"
    compiled = Compiled(problem)
    stats["compile_seconds"] = time.perf_counter() - start
    history: list[tuple[float, float, float | None]] = []
    comp: Composition | None = None
    hint = opts.hint
    if hint is not None and not check(problem, hint):
        comp = hint
        stats["start"] = "hint"
    budget = 0.0
    if comp is None:
        budget = 0.6 * time_limit if start_time_limit is None else start_time_limit
        budget = min(budget, time_limit - (time.perf_counter() - start))
        t_rep = time.perf_counter()
        rep_state = SearchState(compiled)
        repaired = Repair(rep_state, np.random.default_rng(seed)).run(t_rep + 0.75 * budget)
        stats["repair_seconds"] = time.perf_counter() - t_rep
        if repaired:
            candidate = rep_state.composition()
            if not check(problem, candidate):
                comp = candidate
                stats["start"] = "repair"
            else:
                stats["repair_check_failed"] = True
        budget -= time.perf_counter() - t_rep
    if comp is None:
        comp, infeasible = _cpsat_start(problem, compiled, budget, opts, stats)
        if infeasible:
            stats["start"] = "cpsat proved infeasible"
            return _result(problem, SolveStatus.INFEASIBLE, None, start, opts, history, stats)
    if comp is None:
        stats["start"] = "none"
        return _result(problem, SolveStatus.UNKNOWN, None, start, opts, history, stats)
    state = _state_from(compiled, comp)
    first = time.perf_counter() - start
    stats["first_feasible_seconds"] = first
    stats["start_objective"] = state.objective
    history.append((first, state.objective, None))
    if fn is not None:
        fn(Progress(first, state.objective, None, "search"))

    def on_best(st: SearchState) -> None:
        t = time.perf_counter() - start
        history.append((t, st.objective, None))
        if fn is not None:
            fn(Progress(t, st.objective, None, "search"))

    rng = np.random.default_rng(seed)
    lns_rng = np.random.default_rng(seed + 1)
    deadline = start + time_limit

    lns_on = [True]

    def lns(st: SearchState) -> Composition | None:
        left = deadline - time.perf_counter()
        if left < 3.0 or not lns_on[0]:
            return None
        limit = min(5.0, left / 3)
        t = time.perf_counter()
        out = lns_step(st, lns_rng, opts.replace(time_limit=limit, hint=None))
        if time.perf_counter() - t > limit + 1.0:  # model building too slow here: stop using it
            lns_on[0] = False
            stats["lns_disabled"] = "overran its time limit"
        return out

    # CP-SAT model building grows with n x G; beyond this the LNS step costs
    # more than it gains; and CP-SAT must be able to take the problem at all
    use_lns = (
        max_iterations is None
        and not problem.assign_all
        and compiled.n * compiled.G <= LNS_MAX_CELLS
        and not CPSAT.unsupported(problem)
    )
    best = _search(
        state, rng, deadline, max_iterations, on_best, stats, lns=lns if use_lns else None
    )
    final = SearchState(compiled, best).composition()
    violations = check(problem, final)
    if violations:  # a bug in the incremental checks: fall back to the verified start
        stats["check_failed"] = [v.message for v in violations[:5]]
        final = comp
    return _result(problem, SolveStatus.FEASIBLE, final, start, opts, history, stats)


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
