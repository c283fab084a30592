"""Memetic tabu search for the Maximally Diverse Grouping Problem (numba core).

Problem: ``n`` elements with a symmetric non-negative distance matrix ``D`` and ``m``
groups with size bounds ``lb[g] <= |group g| <= ub[g]``. Every element is assigned to
exactly one group; the objective, to be maximised, is the sum of ``D[i, j]`` over the
unordered pairs that share a group.

Algorithm (after Lai & Hao 2016, Yang et al. 2022 and Gallego et al. 2013):

* a group-major sum matrix ``S[g, i] = sum_{j in g} D[i, j]`` is maintained
  incrementally, ``O(n)`` per move;
* a compiled tabu search (:mod:`._mdgp_kernels`, numba) evaluates, at every
  iteration, the complete swap neighbourhood
  (``delta(i, j) = S[h, i] - S[g, i] + S[g, j] - S[h, j] - 2 D[i, j]``, pruned with a
  per-group-pair upper bound) and the one-move neighbourhood, and applies the best
  admissible move; an element may not re-enter the group it left for a randomised
  tenure unless the move improves on the best value (aspiration);
* a population of tabu-search optima is improved member by member (an iterated
  tabu search per member, after Yang et al. 2022's dynamic population): each
  member in turn yields a child, by light random perturbation or, with some
  probability, by group-based crossover with another member (child groups copied
  greedily from alternating parents, then repaired); the child's tabu-search
  optimum replaces the member when it is better and not a duplicate. The
  population starts large (many basins explored at once) and shrinks linearly
  over the budget, dropping its worst members, so that the end of the run
  concentrates on the best few; with ``workers > 1``, that many members are
  improved at once in threads (the kernel releases the GIL);
* for groups of different sizes, starting solutions use a size profile with the
  most within-group pairs and perturbation moves keep that number.

numba is imported lazily: ``import evocompose`` does not load it, and this module is
only imported by the rest of the package inside functions. The kernels are compiled
on first use and cached on disk (``cache=True``; ``NUMBA_CACHE_DIR`` relocates the
cache).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from evocompose.solvers.stopping import requested as stop_requested

__all__ = ["MDGPResult", "mdgp_value", "solve_mdgp"]

_PARAMS: dict[str, float] = {
    "tt_sqrt": 0.8,  # tabu tenure base: tt_sqrt * sqrt(n) iterations (at least 3)
    "stall_frac": 20.0,  # a tabu search ends after stall_frac * n idle iterations
    "pop_start": 16,  # population size at the start of the run
    "pop_end": 2,  # population size at the end of the budget
    "strength_frac": 0.03,  # perturbation: number of random changes, fraction of n
    "xover_prob": 0.3,  # probability that a member's child comes from crossover
    "move_prob": 0.8,  # share of one-moves among the perturbation changes (ds)
    "keep_pairs": 1,  # perturbation moves keep the number of within-group pairs
}


@dataclass(frozen=True)
class MDGPResult:
    """Result of :func:`solve_mdgp`.

    Attributes
    ----------
    assignment : numpy.ndarray
        Integer array of length ``n``: the group of every element.
    value : float
        Objective value, recomputed exactly from ``D`` and ``assignment``.
    iterations : int
        Number of local-search moves performed.
    runtime : float
        Wall-clock seconds spent.
    history : list of tuple of (float, float)
        ``(seconds, best value)`` each time the best solution improved.
    """

    assignment: np.ndarray
    value: float
    iterations: int
    runtime: float
    history: list[tuple[float, float]] = field(default_factory=list)


def mdgp_value(D: np.ndarray, assignment: np.ndarray) -> float:
    """Sum of ``D[i, j]`` over unordered pairs ``{i, j}`` in the same group.

    Parameters
    ----------
    D : numpy.ndarray
        Symmetric ``n x n`` distance matrix with zero diagonal.
    assignment : numpy.ndarray
        Group index of every element (length ``n``).

    Returns
    -------
    float
        The objective value.
    """
    D = np.asarray(D, dtype=np.float64)
    a = np.asarray(assignment)
    total = 0.0
    for g in np.unique(a):
        idx = np.flatnonzero(a == g)
        total += float(D[np.ix_(idx, idx)].sum())
    return total / 2.0


class _Time:
    """Deadline, iteration budget and best-value bookkeeping shared by the phases."""

    def __init__(
        self,
        start: float,
        time_limit: float,
        max_iterations: int | None,
        progress: Callable[[float, float], None] | None,
    ) -> None:
        self.start = start
        self.deadline = start + time_limit
        self.max_iterations = max_iterations
        self.progress = progress
        self.iterations = 0
        self.best_value = -np.inf
        self.best_assignment: np.ndarray | None = None
        self.history: list[tuple[float, float]] = []
        self.lock = threading.Lock()  # tabu searches in worker threads report here

    def out(self) -> bool:
        if self.max_iterations is not None and self.iterations >= self.max_iterations:
            return True
        return self.time_up()

    def time_up(self) -> bool:
        return time.perf_counter() >= self.deadline or stop_requested()

    def fraction_used(self) -> float:
        """Share of the budget used: iterations when capped by them, else time."""
        if self.max_iterations is not None:
            return min(1.0, self.iterations / max(1, self.max_iterations))
        span = self.deadline - self.start
        return min(1.0, (time.perf_counter() - self.start) / span) if span > 0 else 1.0

    def offer(self, value: float, assignment: np.ndarray) -> None:
        with self.lock:
            if value > self.best_value + 1e-9:
                self.best_value = value
                self.best_assignment = assignment.copy()
                t = time.perf_counter() - self.start
                self.history.append((t, value))
                if self.progress is not None:
                    self.progress(t, value)


def _max_pair_profile(
    low: np.ndarray, high: np.ndarray, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Group sizes in ``[low, high]`` summing to ``n`` with the most within-group pairs.

    Dynamic programming over the groups (taken in random order); ties between optimal
    size profiles are broken at random.
    """
    m = low.size
    order = rng.permutation(m)
    neg = np.iinfo(np.int64).min // 4
    best = np.full((m + 1, n + 1), neg, dtype=np.int64)
    best[0, 0] = 0
    for k, g in enumerate(order):
        prev = best[k]
        cur = best[k + 1]
        for size in range(int(low[g]), min(int(high[g]), n) + 1):
            cand = np.full(n + 1, neg, dtype=np.int64)
            cand[size:] = prev[: n + 1 - size] + size * (size - 1) // 2
            np.maximum(cur, cand, out=cur)
    sizes = np.zeros(m, dtype=np.int64)
    t = n
    for k in range(m, 0, -1):
        g = order[k - 1]
        opts = [
            size
            for size in range(int(low[g]), min(int(high[g]), t) + 1)
            if best[k - 1, t - size] > neg
            and best[k - 1, t - size] + size * (size - 1) // 2 == best[k, t]
        ]
        size = int(opts[int(rng.integers(len(opts)))])
        sizes[g] = size
        t -= size
    return sizes


class _Engine:
    """Search state: distance matrix, bounds and the move operators."""

    def __init__(
        self,
        D: np.ndarray,
        lb: np.ndarray,
        ub: np.ndarray,
        fixed: np.ndarray,
        rng: np.random.Generator,
        clock: _Time,
    ) -> None:
        from evocompose.solvers.search import _mdgp_kernels  # deferred: loads numba

        self.K = _mdgp_kernels
        self.D = D
        self.n = D.shape[0]
        self.m = lb.shape[0]
        self.lb = lb
        self.ub = ub
        self.fixed = fixed
        self.free = fixed < 0
        self.free_idx = np.flatnonzero(self.free).astype(np.int64)
        self.rng = rng
        self.clock = clock
        n = self.n
        self.ar = np.arange(n)
        self.has_moves = bool(np.any(lb < ub))
        off = D[~np.eye(n, dtype=bool)]
        self.dmin = min(0.0, float(off.min())) if off.size else 0.0
        self.stuck = False
        self.cancelled = False  # set when the run ends early: running searches stop
        # Tabu tenure parameters (element based).
        # Tuned on RanReal: about 9 at n = 120 and 12 at n = 240 work best; tenures
        # growing linearly with n (17 at n = 240) lose most of the gain.
        self.tt_base = max(3, round(_PARAMS["tt_sqrt"] * np.sqrt(n)))
        self.tt_rand = max(2, self.tt_base // 2)
        # Iterations per kernel call: about 1e7 pair evaluations (a few ms); the
        # deadline is checked between calls.
        nf = max(2, self.free_idx.size)
        self.chunk = max(10, int(1.0e7 / (nf * nf / 2.0)))

    # ------------------------------------------------------------------ basics
    def sums(self, a: np.ndarray) -> np.ndarray:
        """Group-major sum matrix ``S[g, i] = sum of D[i, j] over j in group g``."""
        res: np.ndarray = self.K.group_sums(self.D, np.ascontiguousarray(a, dtype=np.int64), self.m)
        return res

    def value(self, a: np.ndarray, S: np.ndarray) -> float:
        return float(S[a, self.ar].sum()) / 2.0

    def random_assignment(self, greedy_sizes: bool = False) -> np.ndarray:
        """Random feasible assignment that honours ``fixed``.

        With ``greedy_sizes`` the group sizes maximise the number of within-group pairs
        (ties broken at random); otherwise spare elements are spread uniformly at
        random.
        """
        n, m = self.n, self.m
        a = self.fixed.copy()
        cnt = np.bincount(a[a >= 0], minlength=m)
        target = np.maximum(self.lb, cnt)
        rest = n - int(target.sum())
        if greedy_sizes:
            # A size profile with the most within-group pairs (random among ties).
            target = _max_pair_profile(target, self.ub, n, self.rng)
            rest = 0
        while rest > 0:
            room = np.flatnonzero(target < self.ub)
            g = int(self.rng.choice(room))
            target[g] += 1
            rest -= 1
        slots = np.repeat(np.arange(m), target - cnt)
        free = self.free_idx
        a[free] = slots[self.rng.permutation(free.size)]
        return a

    # -------------------------------------------------------------- operators
    def tabu_search(
        self,
        a: np.ndarray,
        max_stall: int,
        seed: int,
        *,
        cap: int | None = None,
        report: Callable[[float, np.ndarray], None] | None = None,
        tt_base: int | None = None,
        tt_rand: int | None = None,
    ) -> tuple[np.ndarray, float, int]:
        """Tabu search from ``a`` (compiled kernel, releases the GIL).

        Safe to run in several threads at once: it only reads the engine's data and
        reports through ``report``.

        Parameters
        ----------
        a : numpy.ndarray
            Starting assignment (not modified).
        max_stall : int
            Iterations without improvement after which the search ends.
        seed : int
            Seed of the kernel's random tie-breaking and tenures.
        cap : int, optional
            Maximum number of iterations (default: until stalled or out of time).
        report : callable, optional
            ``report(value, assignment)`` whenever the search's best improves.
        tt_base, tt_rand : int, optional
            Tabu tenure (default: the engine's). With ``tt_base = tt_rand = 0`` and
            ``max_stall = 1`` this is a best-improvement descent that stops at a local
            optimum for one-moves and swaps.

        Returns
        -------
        tuple of (numpy.ndarray, float, int)
            The best assignment (a copy), its value and the iterations done.
        """
        a = np.ascontiguousarray(a, dtype=np.int64).copy()
        S = self.sums(a)
        f = self.value(a, S)
        size = np.bincount(a, minlength=self.m).astype(np.int64)
        tabu = np.zeros((self.n, self.m), dtype=np.int64)
        best_a = a.copy()
        fs = np.array([f, f])
        ist = np.zeros(2, dtype=np.int64)
        tb = self.tt_base if tt_base is None else tt_base
        tr = self.tt_rand if tt_rand is None else tt_rand
        reported = f
        done_total = 0
        call = 0
        while True:
            chunk = self.chunk if cap is None else min(self.chunk, cap - done_total)
            if chunk <= 0:
                break
            status, done = self.K.tabu_chunk(
                self.D, a, S, size, self.lb, self.ub, self.free_idx, tabu, best_a,
                fs, ist, max_stall, chunk, tb, tr, self.has_moves, self.dmin,
                (seed + call) % 2**32,
            )  # fmt: skip
            call += 1
            done_total += int(done)
            if report is not None and fs[1] > reported + 1e-9:
                reported = float(fs[1])
                report(reported, best_a)
            if status == 2:
                self.stuck = True
            if status != 1 or self.clock.time_up() or self.cancelled:
                break
        return best_a, self.value(best_a, self.sums(best_a)), done_total

    def descent(self, a: np.ndarray, seed: int) -> tuple[np.ndarray, float, int]:
        """Best-improvement descent (no tabu) on one-moves and swaps."""
        return self.tabu_search(a, 1, seed, tt_base=0, tt_rand=0)

    def perturb(self, a: np.ndarray, strength: int, move_prob: float = 0.5) -> np.ndarray:
        """Apply ``strength`` random changes to free elements.

        Each change is, with probability ``move_prob`` when group sizes can vary, a
        random one-move that keeps the size bounds and does not reduce the number of
        within-group pairs (this lets the search change which groups are large),
        otherwise a swap of two elements in different groups.
        """
        a = a.copy()
        free = self.free_idx
        if free.size < 2:
            return a
        size = np.bincount(a, minlength=self.m)
        rng = self.rng
        for _ in range(strength):
            if self.has_moves and rng.random() < move_prob:
                room = np.flatnonzero(size < self.ub)
                src_ok = (size > self.lb)[a[free]]
                cand = free[src_ok]
                if room.size and cand.size:
                    i = int(cand[rng.integers(cand.size)])
                    # Keep (at least) the number of within-group pairs.
                    keep = size[room] >= size[a[i]] - 1 if _PARAMS["keep_pairs"] else True
                    dst = room[(room != a[i]) & keep]
                    if dst.size:
                        h = int(dst[rng.integers(dst.size)])
                        size[a[i]] -= 1
                        size[h] += 1
                        a[i] = h
                        continue
            for _attempt in range(20):
                i, j = (int(x) for x in free[rng.integers(free.size, size=2)])
                if a[i] != a[j]:
                    a[i], a[j] = a[j], a[i]
                    break
        return a

    def crossover(self, pa: np.ndarray, pb: np.ndarray) -> np.ndarray:
        """Group-based crossover with greedy repair of the size bounds."""
        n, m = self.n, self.m
        D = self.D
        child = self.fixed.copy()
        assigned = child >= 0
        used = np.zeros(m, dtype=bool)
        parents = (pa, pb)
        turn = int(self.rng.integers(2))
        for _ in range(m):
            p = parents[turn]
            turn ^= 1
            best_g, best_score = -1, -np.inf
            for g in np.flatnonzero(~used):
                idx = np.flatnonzero((p == g) & ~assigned)
                if idx.size == 0:
                    score = 0.0
                else:
                    score = float(D[np.ix_(idx, idx)].sum()) / max(1, idx.size)
                if score > best_score:
                    best_g, best_score = int(g), score
            used[best_g] = True
            idx = np.flatnonzero((p == best_g) & ~assigned)
            room = int(self.ub[best_g]) - int(np.count_nonzero(child == best_g))
            if idx.size > room:
                idx = self.rng.choice(idx, size=max(room, 0), replace=False)
            child[idx] = best_g
            assigned[idx] = True
        size = np.bincount(child[assigned], minlength=m)
        # Unassigned elements: greedy insertion, deficient groups first.
        rest = np.flatnonzero(~assigned)
        self.rng.shuffle(rest)
        onehot = np.zeros((m, n), dtype=np.float64)
        onehot[child[assigned], np.flatnonzero(assigned)] = 1.0
        ST = onehot @ D
        need = int(np.maximum(self.lb - size, 0).sum())
        for i in rest:
            left = int(np.count_nonzero(~assigned))
            ok = size < self.lb if need >= left else size < self.ub
            cand = np.flatnonzero(ok)
            h = int(cand[np.argmax(ST[cand, i])])
            if size[h] < self.lb[h]:
                need -= 1
            child[i] = h
            assigned[i] = True
            size[h] += 1
            ST[h] += D[i]
        # Groups still below their lower bound take the best element of a group
        # that can spare one.
        movable = self.free.copy()
        while np.any(size < self.lb):
            dst = int(np.flatnonzero(size < self.lb)[0])
            donor = (size > self.lb)[child] & movable & (child != dst)
            cand = np.flatnonzero(donor)
            gain = ST[dst, cand] - ST[child[cand], cand]
            e = int(cand[np.argmax(gain)])
            src = int(child[e])
            ST[src] -= D[e]
            ST[dst] += D[e]
            size[src] -= 1
            size[dst] += 1
            child[e] = dst
            movable[e] = False
        return child


def _check_inputs(
    D: np.ndarray,
    lb: Sequence[int] | np.ndarray,
    ub: Sequence[int] | np.ndarray,
    fixed: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    Dm = np.ascontiguousarray(np.asarray(D, dtype=np.float64))
    if Dm.ndim != 2 or Dm.shape[0] != Dm.shape[1]:
        raise ValueError(f"D must be a square matrix, got shape {Dm.shape}")
    n = Dm.shape[0]
    lbv = np.asarray(lb, dtype=np.int64).ravel()
    ubv = np.asarray(ub, dtype=np.int64).ravel()
    if lbv.shape != ubv.shape or lbv.size == 0:
        raise ValueError("lb and ub must be non-empty sequences of the same length")
    if np.any(lbv < 0) or np.any(lbv > ubv):
        raise ValueError("every group needs 0 <= lb <= ub")
    if not int(lbv.sum()) <= n <= int(ubv.sum()):
        raise ValueError(f"infeasible bounds: sum(lb)={lbv.sum()}, n={n}, sum(ub)={ubv.sum()}")
    if not np.all(np.isfinite(Dm)):
        raise ValueError("D must be finite")
    if not np.allclose(Dm, Dm.T):
        raise ValueError("D must be symmetric")
    Dm = Dm.copy()
    np.fill_diagonal(Dm, 0.0)
    m = lbv.size
    if fixed is None:
        fx = np.full(n, -1, dtype=np.int64)
    else:
        fx = np.asarray(fixed, dtype=np.int64).ravel()
        if fx.shape != (n,):
            raise ValueError(f"fixed must have length {n}")
        if np.any(fx < -1) or np.any(fx >= m):
            raise ValueError("fixed entries must be -1 or a group index")
        cnt = np.bincount(fx[fx >= 0], minlength=m)
        if np.any(cnt > ubv):
            raise ValueError("fixed assignment exceeds a group's upper bound")
        if int(np.maximum(lbv, cnt).sum()) > n:
            raise ValueError("fixed assignment leaves too few elements for the lower bounds")
    return Dm, lbv, ubv, fx


def _is_feasible(a: np.ndarray, lb: np.ndarray, ub: np.ndarray, fixed: np.ndarray) -> bool:
    m = lb.size
    if a.ndim != 1 or a.size != fixed.size or np.any(a < 0) or np.any(a >= m):
        return False
    size = np.bincount(a, minlength=m)
    if np.any(size < lb) or np.any(size > ub):
        return False
    mask = fixed >= 0
    return bool(np.all(a[mask] == fixed[mask]))


@dataclass
class _Member:
    """A population member: a tabu-search optimum and its value."""

    value: float
    assignment: np.ndarray


@dataclass
class _Job:
    """A tabu search started from ``start``; its result goes to ``target``."""

    start: np.ndarray
    seed: int
    cap: int | None
    target: _Member | None  # None: a new member of the initial population
    reports: list[tuple[float, np.ndarray]] = field(default_factory=list)
    result: tuple[np.ndarray, float, int] | None = None


def _population_search(
    eng: _Engine,
    clock: _Time,
    rng: np.random.Generator,
    first: np.ndarray,
    stall: int,
    strength: int,
    workers: int,
) -> None:
    """Member-wise iterated tabu search on a population that shrinks over the budget.

    Each job takes a member (round robin), makes a child by perturbation or
    crossover and runs a tabu search from it; the result replaces the member when
    it is better and not a duplicate. With ``workers > 1`` that many jobs run at
    once in threads (the kernel releases the GIL). Under a wall-clock budget a new
    job starts as soon as a thread is free; under an iteration budget
    (``clock.max_iterations``) jobs run in rounds, each job with a fixed share of
    the remaining iterations, and their results and reports are applied in
    submission order, so the run is reproducible for a given seed and ``workers``.

    The best solution is tracked by ``clock``, so this function returns nothing.
    """
    p0 = max(1, int(_PARAMS["pop_start"]))
    p1 = max(1, min(p0, int(_PARAMS["pop_end"])))
    xover_prob = float(_PARAMS["xover_prob"])
    move_prob = float(_PARAMS["move_prob"])
    rounds = clock.max_iterations is not None
    pool: list[_Member] = []
    pending: list[tuple[_Job, Future[None] | None]] = []
    launched_initial = 0
    k = 0

    def next_job(slot: int, slots: int) -> _Job | None:
        nonlocal launched_initial, k
        cap = None
        if rounds:
            assert clock.max_iterations is not None
            left = clock.max_iterations - clock.iterations
            cap = left // slots + (1 if slot < left % slots else 0)
            if cap <= 0:
                return None
        seed = int(rng.integers(2**31))
        if launched_initial < p0:
            start = first if launched_initial == 0 else eng.random_assignment(greedy_sizes=True)
            launched_initial += 1
            return _Job(start, seed, cap, None)
        if not pool:
            return None  # the initial members are still being improved
        target = max(p1, round(p0 - (p0 - p1) * clock.fraction_used()))
        while len(pool) > target:
            pool.remove(min(pool, key=lambda mb: mb.value))
        busy = {id(job.target) for job, _ in pending}
        order = [(k + q) % len(pool) for q in range(len(pool))]
        pick = next((q for q in order if id(pool[q]) not in busy), order[0])
        k = pick + 1
        member = pool[pick]
        if len(pool) >= 2 and rng.random() < xover_prob:
            other = int(rng.integers(len(pool) - 1))
            other += other >= pick
            child = eng.crossover(member.assignment, pool[other].assignment)
        else:
            child = eng.perturb(member.assignment, strength, move_prob)
        return _Job(child, seed, cap, member)

    def run(job: _Job) -> None:
        def keep(value: float, assignment: np.ndarray) -> None:
            job.reports.append((value, assignment.copy()))

        report = keep if rounds and workers > 1 else clock.offer
        job.result = eng.tabu_search(job.start, stall, job.seed, cap=job.cap, report=report)

    def finish(job: _Job) -> None:
        assert job.result is not None
        a, f, done = job.result
        clock.iterations += done
        for value, assignment in job.reports:
            clock.offer(value, assignment)
        if any(abs(mb.value - f) < 1e-6 for mb in pool):
            return
        if job.target is None:
            pool.append(_Member(f, a))
            return
        target = job.target if any(mb is job.target for mb in pool) else None
        if target is None and pool:  # dropped meanwhile: compete with the worst member
            target = min(pool, key=lambda mb: mb.value)
        if target is not None and f > target.value + 1e-9:
            target.value, target.assignment = f, a

    ex = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        while True:
            slots = workers - len(pending)
            for slot in range(slots):
                if clock.out() or eng.stuck:
                    break
                job = next_job(slot, slots)
                if job is None:
                    break
                pending.append((job, ex.submit(run, job) if ex is not None else None))
                if ex is None:
                    run(job)
            if not pending:
                break
            futures = [fut for _, fut in pending if fut is not None]
            if futures:
                wait(futures, return_when=ALL_COMPLETED if rounds else FIRST_COMPLETED)
            still: list[tuple[_Job, Future[None] | None]] = []
            for job, fut in pending:
                if fut is None or fut.done():
                    if fut is not None:
                        fut.result()  # re-raise a worker's exception
                    finish(job)
                else:
                    still.append((job, fut))
            pending = still
    finally:
        if ex is not None:
            # On an exception (a failing progress hook, Ctrl-C) the other threads'
            # searches stop within one kernel call instead of running to the deadline.
            eng.cancelled = True
            ex.shutdown(wait=True)
            eng.cancelled = False


def solve_mdgp(
    D: np.ndarray,
    lb: Sequence[int] | np.ndarray,
    ub: Sequence[int] | np.ndarray,
    *,
    time_limit: float,
    seed: int = 0,
    initial: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    progress: Callable[[float, float], None] | None = None,
    max_iterations: int | None = None,
    workers: int = 1,
) -> MDGPResult:
    """Maximise within-group diversity under group size bounds.

    Parameters
    ----------
    D : numpy.ndarray
        Symmetric non-negative ``n x n`` distance matrix (the diagonal is ignored).
    lb, ub : sequence of int or numpy.ndarray
        Inclusive lower and upper size bound of each of the ``m`` groups.
    time_limit : float
        Wall-clock budget in seconds.
    seed : int, optional
        Seed of the random generator. With ``max_iterations`` set (and reached before
        the time limit) the run is fully deterministic.
    initial : numpy.ndarray, optional
        Feasible starting assignment (group of every element); it seeds the population.
    fixed : numpy.ndarray, optional
        Integer array of length ``n``; ``-1`` marks a free element, any other value is
        the group the element must stay in.
    progress : callable, optional
        ``progress(seconds, best_value)`` is called whenever the best value improves.
    max_iterations : int, optional
        Stop after this many local-search moves.
    workers : int, optional
        Tabu searches run at once in threads (the compiled kernel releases the
        GIL); ``workers=2`` on two cores does about twice the search in the same
        wall-clock time. With ``max_iterations`` the run is reproducible for a
        given seed and number of workers.

    Returns
    -------
    MDGPResult
        Best assignment found, its exact value and run statistics.

    Raises
    ------
    ValueError
        If the data are inconsistent, the bounds are infeasible, ``initial`` is not
        a feasible assignment, or ``workers < 1``.
    """
    start = time.perf_counter()
    if int(workers) < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    Dm, lbv, ubv, fx = _check_inputs(D, lb, ub, fixed)
    n, m = Dm.shape[0], lbv.size
    rng = np.random.default_rng(seed)
    clock = _Time(start, float(time_limit), max_iterations, progress)
    eng = _Engine(Dm, lbv, ubv, fx, rng, clock)

    init_a: np.ndarray | None = None
    if initial is not None:
        init_a = np.asarray(initial, dtype=np.int64).ravel().copy()
        if not _is_feasible(init_a, lbv, ubv, fx):
            raise ValueError("initial is not a feasible assignment (bounds or fixed violated)")

    if n == 0 or m == 1 or eng.free_idx.size == 0:
        a0 = init_a if init_a is not None else eng.random_assignment()
        if m == 1:
            a0 = np.zeros(n, dtype=np.int64)
        val = mdgp_value(Dm, a0)
        return MDGPResult(a0, val, 0, time.perf_counter() - start, [(0.0, val)])

    first = init_a if init_a is not None else eng.random_assignment(greedy_sizes=True)
    clock.offer(eng.value(first, eng.sums(first)), first)

    # Parameters scaled to the instance size.
    stall = max(100, int(_PARAMS["stall_frac"] * n))
    strength = max(2, int(_PARAMS["strength_frac"] * n))
    _population_search(eng, clock, rng, first, stall, strength, int(workers))

    assert clock.best_assignment is not None
    # Final polish: the tabu search may stop next to an improving non-admissible move.
    polish_clock = _Time(time.perf_counter(), 1.0e9, None, None)
    eng.clock = polish_clock
    best, best_f, done = eng.descent(clock.best_assignment.copy(), int(rng.integers(2**31)))
    clock.iterations += done
    clock.offer(best_f, best)
    return MDGPResult(
        assignment=best.copy(),
        value=mdgp_value(Dm, best),
        iterations=clock.iterations,
        runtime=time.perf_counter() - start,
        history=list(clock.history),
    )
