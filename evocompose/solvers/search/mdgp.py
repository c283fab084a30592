"""Memetic tabu search for the Maximally Diverse Grouping Problem (pure numpy).

Problem: ``n`` elements with a symmetric non-negative distance matrix ``D`` and ``m``
groups with size bounds ``lb[g] <= |group g| <= ub[g]``. Every element is assigned to
exactly one group; the objective, to be maximised, is the sum of ``D[i, j]`` over the
unordered pairs that share a group.

Algorithm (after Lai & Hao 2016, Yang et al. 2022 and Gallego et al. 2013):

* a member-by-group sum matrix ``S[g, i] = sum_{j in g} D[i, j]`` (stored group-major)
  is maintained incrementally, ``O(n)`` per move;
* a tabu search evaluates, at every iteration, the complete swap neighbourhood
  (``delta(i, j) = S[h, i] - S[g, i] + S[g, j] - S[h, j] - 2 D[i, j]``) as one
  vectorised ``n x n`` array and the complete one-move neighbourhood as an ``m x n``
  array, and applies the best admissible move; moved elements become tabu for a
  randomised tenure;
* a small population of tabu-search optima evolves through a group-based crossover
  (child groups copied greedily from alternating parents, then repaired) and random
  swap perturbations of the incumbent; the pool keeps the best distinct solutions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["MDGPResult", "mdgp_value", "solve_mdgp"]

_BIG = np.float32(1.0e30)
_NEG_CUTOFF = -1.0e29
_PARAMS: dict[str, float] = {
    "tt_frac": 0.035,
    "stall_frac": 0.5,
    "pop": 6,
    "strength_frac": 0.05,
    "xover_every": 2,
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

    def out(self) -> bool:
        if self.max_iterations is not None and self.iterations >= self.max_iterations:
            return True
        return time.perf_counter() >= self.deadline

    def offer(self, value: float, assignment: np.ndarray) -> None:
        if value > self.best_value + 1e-9:
            self.best_value = value
            self.best_assignment = assignment.copy()
            t = time.perf_counter() - self.start
            self.history.append((t, value))
            if self.progress is not None:
                self.progress(t, value)


class _Engine:
    """Search state: distance matrices, bounds and the move operators."""

    def __init__(
        self,
        D: np.ndarray,
        lb: np.ndarray,
        ub: np.ndarray,
        fixed: np.ndarray,
        rng: np.random.Generator,
        clock: _Time,
    ) -> None:
        self.D = D
        self.n = D.shape[0]
        self.m = lb.shape[0]
        self.lb = lb
        self.ub = ub
        self.fixed = fixed
        self.free = fixed < 0
        self.free_idx = np.flatnonzero(self.free)
        self.rng = rng
        self.clock = clock
        n = self.n
        self.D2f = (2.0 * D).astype(np.float32)
        self.ar = np.arange(n)
        self.X = np.empty((n, n), dtype=np.float32)
        self.buf = np.empty((n, n), dtype=np.float32)
        self.has_moves = bool(np.any(lb < ub))
        self.stuck = False
        self.fixed_pen = np.where(self.free, np.float32(0.0), _BIG).astype(np.float32)
        # Tabu tenure parameters (element based).
        self.tt_base = max(3, round(n * _PARAMS["tt_frac"]))
        self.tt_rand = max(2, self.tt_base // 2)

    # ------------------------------------------------------------------ basics
    def sums(self, a: np.ndarray) -> np.ndarray:
        """Group-major sum matrix ``ST[g, i] = sum of D[i, j] over j in group g``."""
        onehot = np.zeros((self.m, self.n), dtype=np.float64)
        onehot[a, self.ar] = 1.0
        return onehot @ self.D

    def value(self, a: np.ndarray, ST: np.ndarray) -> float:
        return float(ST[a, self.ar].sum()) / 2.0

    def random_assignment(self, greedy_sizes: bool = False) -> np.ndarray:
        """Random feasible assignment that honours ``fixed``.

        With ``greedy_sizes`` the group sizes maximise the number of within-group pairs
        (spare elements go to the largest groups that still have room, ties broken at
        random); otherwise spare elements are spread uniformly at random.
        """
        n, m = self.n, self.m
        a = self.fixed.copy()
        cnt = np.bincount(a[a >= 0], minlength=m)
        target = np.maximum(self.lb, cnt)
        rest = n - int(target.sum())
        if greedy_sizes:
            # Fill groups to their upper bound, largest upper bound first.
            order = np.lexsort(np.stack([self.rng.random(m), -self.ub.astype(np.float64)]))
            for g in order:
                add = min(rest, int(self.ub[g] - target[g]))
                target[g] += add
                rest -= add
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
    def apply_move(self, a: np.ndarray, ST: np.ndarray, i: int, h: int) -> None:
        g = int(a[i])
        row = self.D[i]
        ST[g] -= row
        ST[h] += row
        a[i] = h

    def apply_swap(self, a: np.ndarray, ST: np.ndarray, i: int, j: int) -> None:
        g = int(a[i])
        h = int(a[j])
        d = self.D[j] - self.D[i]
        ST[g] += d
        ST[h] -= d
        a[i] = h
        a[j] = g

    def tabu_search(
        self, a: np.ndarray, ST: np.ndarray, f: float, max_stall: int
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """Tabu search from ``a``; returns the best solution found (a copy)."""
        n = self.n
        ar = self.ar
        D = self.D
        X = self.X
        buf = self.buf
        D2f = self.D2f
        rng = self.rng
        clock = self.clock
        lb, ub = self.lb, self.ub
        has_moves = self.has_moves
        tabu_until = np.zeros(n, dtype=np.int64)
        size = np.bincount(a, minlength=self.m)
        best_a = a.copy()
        best_f = f
        stall = 0
        it = 0
        tt_base, tt_rand = self.tt_base, self.tt_rand
        while stall < max_stall and not clock.out():
            it += 1
            clock.iterations += 1
            own = ST[a, ar]
            pen = np.where(tabu_until > it, _BIG, np.float32(0.0)) + self.fixed_pen
            Sp = (ST - own).astype(np.float32)
            Sp -= pen
            Sp[a, ar] = -_BIG
            np.take(Sp, a, axis=0, out=X)
            np.add(X, X.T, out=buf)
            np.subtract(buf, D2f, out=buf)
            k = int(buf.argmax())
            sv = float(buf.flat[k])
            mv_val = _NEG_CUTOFF
            if has_moves:
                Mv = Sp
                Mv[size >= ub] = -_BIG
                Mv[:, size[a] <= lb[a]] = -_BIG
                km = int(Mv.argmax())
                mv_val = float(Mv.flat[km])
            if sv < _NEG_CUTOFF and mv_val < _NEG_CUTOFF:
                if not np.any(tabu_until > it):
                    # No admissible move exists at all.
                    self.stuck = True
                    break
                tabu_until[:] = 0
                stall += 1
                continue
            if mv_val > sv:
                h, i = divmod(km, n)
                g = int(a[i])
                delta = float(ST[h, i] - ST[g, i])
                self.apply_move(a, ST, i, h)
                size[g] -= 1
                size[h] += 1
                tabu_until[i] = it + tt_base + int(rng.integers(tt_rand))
            else:
                i, j = divmod(k, n)
                g = int(a[i])
                h = int(a[j])
                delta = float(ST[h, i] - ST[g, i] + ST[g, j] - ST[h, j] - 2.0 * D[i, j])
                self.apply_swap(a, ST, i, j)
                tabu_until[i] = it + tt_base + int(rng.integers(tt_rand))
                tabu_until[j] = it + tt_base + int(rng.integers(tt_rand))
            f += delta
            if f > best_f + 1e-9:
                best_f = f
                best_a[:] = a
                stall = 0
                clock.offer(best_f, best_a)
            else:
                stall += 1
        ST_best = self.sums(best_a)
        return best_a, ST_best, self.value(best_a, ST_best)

    def descent(self, a: np.ndarray) -> tuple[np.ndarray, float]:
        """Best-improvement descent (float64, no tabu) on one-moves and swaps."""
        n = self.n
        ar = self.ar
        D2 = 2.0 * self.D
        ST = self.sums(a)
        size = np.bincount(a, minlength=self.m)
        pen = np.where(self.free, 0.0, 1.0e30)
        while not self.clock.out():
            own = ST[a, ar]
            Sp = ST - own - pen
            Sp[a, ar] = -1.0e30
            X = Sp[a]
            delta = X + X.T - D2
            k = int(delta.argmax())
            sv = float(delta.flat[k])
            mv = -1.0
            km = 0
            if self.has_moves:
                Sp[size >= self.ub] = -1.0e30
                Sp[:, size[a] <= self.lb[a]] = -1.0e30
                km = int(Sp.argmax())
                mv = float(Sp.flat[km])
            if max(sv, mv) <= 1e-9:
                break
            self.clock.iterations += 1
            if mv > sv:
                h, i = divmod(km, n)
                size[a[i]] -= 1
                size[h] += 1
                self.apply_move(a, ST, i, h)
            else:
                i, j = divmod(k, n)
                self.apply_swap(a, ST, i, j)
        return a, self.value(a, ST)

    def perturb(self, a: np.ndarray, strength: int) -> np.ndarray:
        """Apply ``strength`` random swaps between free elements of different groups."""
        a = a.copy()
        free = self.free_idx
        if free.size < 2:
            return a
        for _ in range(strength):
            for _attempt in range(20):
                i, j = (int(x) for x in free[self.rng.integers(free.size, size=2)])
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
    D: np.ndarray, lb: Sequence[int], ub: Sequence[int], fixed: np.ndarray | None
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


def solve_mdgp(
    D: np.ndarray,
    lb: Sequence[int],
    ub: Sequence[int],
    *,
    time_limit: float,
    seed: int = 0,
    initial: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    progress: Callable[[float, float], None] | None = None,
    max_iterations: int | None = None,
) -> MDGPResult:
    """Maximise within-group diversity under group size bounds.

    Parameters
    ----------
    D : numpy.ndarray
        Symmetric non-negative ``n x n`` distance matrix (the diagonal is ignored).
    lb, ub : sequence of int
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

    Returns
    -------
    MDGPResult
        Best assignment found, its exact value and run statistics.

    Raises
    ------
    ValueError
        If the data are inconsistent, the bounds are infeasible, or ``initial`` is not
        a feasible assignment.
    """
    start = time.perf_counter()
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
    pop_size = int(_PARAMS["pop"])
    strength = max(2, int(_PARAMS["strength_frac"] * n))
    xover_every = int(_PARAMS["xover_every"])

    pool: list[tuple[float, np.ndarray]] = []

    def improve(a: np.ndarray) -> tuple[float, np.ndarray]:
        ST = eng.sums(a)
        best_a, _, best_f = eng.tabu_search(a.copy(), ST, eng.value(a, ST), stall)
        return best_f, best_a

    def insert(f: float, a: np.ndarray) -> None:
        for pf, pa in pool:
            if abs(pf - f) < 1e-6 and np.array_equal(pa, a):
                return
        if len(pool) < pop_size:
            pool.append((f, a))
        else:
            worst = min(range(len(pool)), key=lambda k: pool[k][0])
            if f > pool[worst][0]:
                pool[worst] = (f, a)

    insert(*improve(first))
    k = 0
    while len(pool) < pop_size and not clock.out():
        k += 1
        insert(*improve(eng.random_assignment(greedy_sizes=k % 2 == 1)))
    gen = 0
    while not clock.out() and not eng.stuck:
        gen += 1
        if len(pool) >= 2 and xover_every > 0 and gen % xover_every == 0:
            ia, ib = rng.choice(len(pool), size=2, replace=False)
            child = eng.crossover(pool[int(ia)][1], pool[int(ib)][1])
        else:
            best_k = max(range(len(pool)), key=lambda k: pool[k][0])
            child = eng.perturb(pool[best_k][1], strength)
        insert(*improve(child))

    assert clock.best_assignment is not None
    # Final polish: the tabu search may stop next to an improving non-admissible move.
    polish_clock = _Time(time.perf_counter(), 1.0e9, None, None)
    eng.clock = polish_clock
    best, best_f = eng.descent(clock.best_assignment.copy())
    clock.iterations += polish_clock.iterations
    clock.offer(best_f, best)
    return MDGPResult(
        assignment=best.copy(),
        value=mdgp_value(Dm, best),
        iterations=clock.iterations,
        runtime=time.perf_counter() - start,
        history=list(clock.history),
    )
