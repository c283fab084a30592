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
from evocompose.data import Problem
from evocompose.objective import TERMS
from evocompose.result import Composition, Result, SolveStatus
from evocompose.solvers.search.lns import lns_step
from evocompose.solvers.search.moves import Move, Neighbourhood, Repair, apply, try_move
from evocompose.solvers.search.state import Compiled, SearchState

__all__ = ["is_pure_mdgp", "solve_search"]

SOLVER_NAME = "search"
#: Iterations granted per second of time limit in deterministic mode (about
#: what the search does per second on a loaded 2-core machine).
ITERATIONS_PER_SECOND = 300
#: The same for the pure MDGP engine.
MDGP_ITERATIONS_PER_SECOND = 1000
#: In deterministic mode the wall clock only stops runaway runs.
DETERMINISTIC_WALL_FACTOR = 20.0
#: Largest ``candidates x networks`` for which the CP-SAT LNS step is used.
LNS_MAX_CELLS = 50_000
ProgressArg = Callable[[Any], None] | bool | None


def _progress_fn(progress: ProgressArg) -> Callable[[float, float], None] | None:
    if progress is None or progress is False:
        return None
    from evocompose.solvers.cpsat.solve import Progress

    if progress is True:

        def show(seconds: float, objective: float) -> None:
            print(f"[search] {seconds:7.2f} s  objective {objective:,.3f}", flush=True)

        return show
    fn = progress

    def call(seconds: float, objective: float) -> None:
        fn(Progress(seconds, objective, None))

    return call


def is_pure_mdgp(problem: Problem) -> bool:
    """Whether ``problem`` is a pure MDGP: partition under size bounds, dissimilarity only.

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    bool
    """
    if not problem.assign_all or problem.dissimilarity is None:
        return False
    if problem.conflicts or problem.must_pairs or problem.excluded:
        return False
    if any(problem.capacity(c.id) != 1 for c in problem.pool):
        return False
    if problem.share_members and len(problem.networks) > 1:
        return False
    w0 = problem.network_weights(problem.networks[0].name).dissimilarity
    if w0 <= 0:
        return False
    for spec in problem.networks:
        if (
            spec.quotas
            or spec.skills
            or spec.meeting is not None
            or spec.max_per_organisation is not None
            or spec.include
            or spec.exclude
            or spec.min_relevance is not None
            or spec.min_known
            or spec.bridge is not None
        ):
            return False
        w = problem.network_weights(spec.name)
        if w.dissimilarity != w0:
            return False
        if any(w.term_weight(t) for t in TERMS if t not in ("dissimilarity", "spread")):
            return False
    return True


def _result(
    problem: Problem,
    status: SolveStatus,
    comp: Composition | None,
    start: float,
    seed: int,
    workers: int,
    history: list[tuple[float, float, float | None]],
    stats: dict[str, Any],
) -> Result:
    return Result.scored(
        problem,
        status,
        comp,
        runtime=time.perf_counter() - start,
        seed=seed,
        workers=workers,
        solver=SOLVER_NAME,
        history=tuple(history),
        stats=stats,
    )


# ------------------------------------------------------------------ MDGP fast path
def _solve_pure_mdgp(
    problem: Problem,
    start: float,
    time_limit: float,
    seed: int,
    workers: int,
    fn: Callable[[float, float], None] | None,
    hint: Composition | None,
    max_iterations: int | None,
) -> Result:
    from evocompose.solvers.search.mdgp import solve_mdgp

    assert problem.dissimilarity is not None
    pool = problem.pool
    names = problem.network_names
    w = problem.network_weights(names[0]).dissimilarity
    offset = problem.weights.spread * len(pool)
    lb = [s.min_size for s in problem.networks]
    ub = [s.max_size for s in problem.networks]
    initial = None
    if hint is not None and not check(problem, hint):
        initial = np.zeros(len(pool), dtype=np.int64)
        for g, name in enumerate(names):
            for cid in hint.members.get(name, ()):
                initial[pool.index(cid)] = g
    history: list[tuple[float, float, float | None]] = []

    def on_improve(seconds: float, value: float) -> None:
        t = time.perf_counter() - start
        history.append((t, w * value + offset, None))
        if fn is not None:
            fn(t, w * value + offset)

    remaining = max(0.01, time_limit - (time.perf_counter() - start))
    res = solve_mdgp(
        problem.dissimilarity,
        lb,
        ub,
        time_limit=remaining,
        seed=seed,
        initial=initial,
        progress=on_improve,
        max_iterations=max_iterations,
        workers=workers,
    )
    members: dict[str, list[str]] = {name: [] for name in names}
    for i, g in enumerate(res.assignment):
        members[names[int(g)]].append(pool.ids[i])
    comp = Composition(members)
    stats = {"path": "mdgp", "iterations": res.iterations, "mdgp_value": res.value}
    return _result(problem, SolveStatus.FEASIBLE, comp, start, seed, workers, history, stats)


# ------------------------------------------------------------------ feasible start
def _reduced_problem(problem: Problem, cp: Compiled, factor: int) -> Problem | None:
    """The problem with all but the most relevant eligible candidates excluded."""
    if problem.assign_all:
        return None
    keep = np.zeros(cp.n, dtype=bool)
    keep |= cp.required | cp.include.any(axis=1)
    for g in range(cp.G):
        idx = cp.eligible_idx[g]
        m = min(idx.size, factor * int(cp.max_size[g]) + 10)
        order = np.argsort(-cp.R[idx, g], kind="stable")
        keep[idx[order[:m]]] = True
    for i in np.flatnonzero(keep):
        for j in cp.unit[int(i)]:
            keep[j] = True
    if keep.sum() >= 0.8 * cp.n:
        return None
    drop = [cp.ids[i] for i in np.flatnonzero(~keep)]
    try:
        return problem.replace(excluded=tuple(sorted(set(problem.excluded) | set(drop))))
    except Exception:
        return None


def _cpsat_start(
    problem: Problem, cp: Compiled, budget: float, seed: int, workers: int, stats: dict[str, Any]
) -> tuple[Composition | None, bool]:
    """A feasible composition from CP-SAT; the flag says CP-SAT proved infeasibility."""
    from evocompose.solve import solve

    t0 = time.perf_counter()
    reduced = _reduced_problem(problem, cp, factor=4)
    if reduced is not None and budget > 0.5:
        r = solve(
            reduced, solver="cpsat", time_limit=max(0.5, 0.6 * budget), seed=seed, workers=workers
        )
        stats["start_reduced_pool"] = int(len(reduced.pool) - len(reduced.excluded))
        stats["start_reduced_status"] = str(r.status)
        if r.composition is not None and not check(problem, r.composition):
            stats["start"] = "cpsat-reduced"
            return r.composition, False
    left = budget - (time.perf_counter() - t0)
    if left <= 0.2:
        return None, False
    r = solve(problem, solver="cpsat", time_limit=left, seed=seed, workers=workers)
    stats["start_full_status"] = str(r.status)
    if r.status is SolveStatus.INFEASIBLE:
        return None, True
    if r.composition is not None and not check(problem, r.composition):
        stats["start"] = "cpsat"
        return r.composition, False
    return None, False


def _state_from(cp: Compiled, comp: Composition) -> SearchState:
    pool = cp.problem.pool
    members = [[pool.index(c) for c in comp.members.get(name, ())] for name in cp.names]
    return SearchState(cp, members)


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
    cp = state.cp
    nb = Neighbourhood(state, rng)
    best_obj = state.obj
    best = state.assignment()
    G = cp.G
    kinds = ["replace", "swap", "move", "add", "remove"]
    probs = np.array([0.55, 0.2 if G > 1 else 0.0, 0.1 if G > 1 else 0.0, 0.075, 0.075])
    if cp.problem.assign_all:
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
        if (it & 15) == 0 and time.perf_counter() >= deadline:
            break
        phase = it % cycle
        if phase == 0 and it > 0:
            # a cycle that gained less than 0.05% counts as stale
            stale = stale + 1 if best_obj <= last_best + 5e-4 * abs(last_best) + 1e-9 else 0
            last_best = best_obj
            state = SearchState(cp, best)
            nb.state = state
            since_lns += 1
            if lns is not None and (stale >= 1 or since_lns >= 2):
                since_lns = 0
                lns_tries += 1
                comp = lns(state)
                if comp is not None:
                    lns_wins += 1
                    state = _state_from(cp, comp)
                    nb.state = state
                    if state.obj > best_obj + 1e-9:
                        best_obj = state.obj
                        best = state.assignment()
                        on_best(state)
                    stale = 0
                    last_best = best_obj
            # restart the cycle from the best composition, perturbed
            for _ in range(3 + int(rng.integers(5))):
                g = int(rng.integers(G))
                h = int(rng.integers(G))
                kick = nb.replace(g) if not cp.problem.assign_all else nb.swap(g, h)
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
            if state.obj > best_obj + 1e-9:
                best_obj = state.obj
                best = state.assignment()
                on_best(state)
    stats["iterations"] = it
    stats["accepted"] = accepted
    stats["lns_steps"] = lns_tries
    stats["lns_improvements"] = lns_wins
    return best


def solve_search(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    progress: ProgressArg = None,
    hint: Composition | None = None,
    log: bool = False,
    max_iterations: int | None = None,
    start_time_limit: float | None = None,
    deterministic: bool = False,
) -> Result:
    """Compose the networks of ``problem`` by local search, honouring every hard rule.

    Parameters
    ----------
    problem : Problem
    time_limit : float
        Wall-clock seconds, the feasible start included.
    seed : int
        Random seed; with ``max_iterations`` reached before the time limit
        (and a hint or a deterministic start) the result is reproducible.
    workers : int
        Threads for the CP-SAT start; for a pure diversity (MDGP) problem, tabu
        searches run at once (:func:`~evocompose.solvers.search.mdgp.solve_mdgp`).
        The composer's local search itself is sequential.
    progress : callable or bool, optional
        Called with a :class:`~evocompose.solvers.cpsat.Progress`
        ``(seconds, objective, None)`` at each improvement; ``True`` prints.
    hint : Composition, optional
        A starting composition; used when it passes :func:`evocompose.check.check`.
    log : bool
        Accepted for compatibility with the backend interface; unused.
    max_iterations : int, optional
        Stop the local search after this many iterations.
    start_time_limit : float, optional
        Budget for the feasible start, repair then CP-SAT (default: 60% of ``time_limit``).
    deterministic : bool
        Count the budget in iterations instead of seconds
        (:data:`ITERATIONS_PER_SECOND` per second of ``time_limit``, with a
        wall-clock safety cap of :data:`DETERMINISTIC_WALL_FACTOR` times
        ``time_limit``), so that the same seed gives the same composition
        whatever the machine's load.

    Notes
    -----
    The search maximises the weighted sum of the terms; with
    ``Weights(mode="lexicographic")`` that sum is used as a proxy (see
    ``stats["note"]``).

    Returns
    -------
    Result
        ``FEASIBLE`` with the best composition (``bound`` is ``None``);
        ``INFEASIBLE`` only when CP-SAT proved it; ``UNKNOWN`` when no feasible
        start was found in time.

    Examples
    --------
    >>> import evocompose as evo
    >>> r = solve_search(evo.datasets.tiny(), time_limit=2, max_iterations=200)
    >>> r.status.value, r.composition.is_feasible(evo.datasets.tiny())
    ('FEASIBLE', True)
    """
    start = time.perf_counter()
    if deterministic:
        rate = MDGP_ITERATIONS_PER_SECOND if is_pure_mdgp(problem) else ITERATIONS_PER_SECOND
        if max_iterations is None:
            max_iterations = max(1, int(rate * time_limit))
        time_limit *= DETERMINISTIC_WALL_FACTOR
    fn = _progress_fn(progress)
    if is_pure_mdgp(problem):
        return _solve_pure_mdgp(problem, start, time_limit, seed, workers, fn, hint, max_iterations)
    stats: dict[str, Any] = {"path": "search"}
    if problem.weights.mode == "lexicographic":
        stats["note"] = "lexicographic weights are optimised as their weighted sum"
    cp = Compiled(problem)
    stats["compile_seconds"] = time.perf_counter() - start
    history: list[tuple[float, float, float | None]] = []
    comp: Composition | None = None
    if hint is not None and not check(problem, hint):
        comp = hint
        stats["start"] = "hint"
    if comp is None:
        budget = 0.6 * time_limit if start_time_limit is None else start_time_limit
        budget = min(budget, time_limit - (time.perf_counter() - start))
        t_rep = time.perf_counter()
        rep_state = SearchState(cp)
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
        comp, infeasible = _cpsat_start(problem, cp, budget, seed, workers, stats)
        if infeasible:
            stats["start"] = "cpsat proved infeasible"
            return _result(
                problem, SolveStatus.INFEASIBLE, None, start, seed, workers, history, stats
            )
    if comp is None:
        stats["start"] = "none"
        return _result(problem, SolveStatus.UNKNOWN, None, start, seed, workers, history, stats)
    state = _state_from(cp, comp)
    first = time.perf_counter() - start
    stats["first_feasible_seconds"] = first
    stats["start_objective"] = state.obj
    history.append((first, state.obj, None))
    if fn is not None:
        fn(first, state.obj)

    def on_best(st: SearchState) -> None:
        t = time.perf_counter() - start
        history.append((t, st.obj, None))
        if fn is not None:
            fn(t, st.obj)

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
        out = lns_step(st, lns_rng, time_limit=limit, seed=seed, workers=workers)
        if time.perf_counter() - t > limit + 1.0:  # model building too slow here: stop using it
            lns_on[0] = False
            stats["lns_disabled"] = "overran its time limit"
        return out

    # CP-SAT model building grows with n x G; beyond this the LNS step costs more than it gains
    use_lns = max_iterations is None and not problem.assign_all and cp.n * cp.G <= LNS_MAX_CELLS
    best = _search(
        state, rng, deadline, max_iterations, on_best, stats, lns=lns if use_lns else None
    )
    final = SearchState(cp, best).composition()
    violations = check(problem, final)
    if violations:  # a bug in the incremental checks: fall back to the verified start
        stats["check_failed"] = [v.message for v in violations[:5]]
        final = comp
    return _result(problem, SolveStatus.FEASIBLE, final, start, seed, workers, history, stats)
