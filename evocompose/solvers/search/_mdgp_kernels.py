"""Numba-compiled inner loops of the MDGP search (imported lazily by ``mdgp.py``).

The kernels work on an element-major sum matrix ``S[i, g] = sum_{j in g} D[i, j]``
(``n x m``, float64). Swapping ``i`` (group ``g``) with ``j`` (group ``h``) changes the
objective by ``S[i, h] - S[i, g] + S[j, g] - S[j, h] - 2 D[i, j]`` and moving ``i`` to
``h`` by ``S[i, h] - S[i, g]``; after a move, ``S`` is updated in ``O(n)``.

Random numbers come from numba's own generator (seeded by :func:`seed_rng`), so a
run is reproducible for a given seed and sequence of kernel calls.
"""

# numba's nopython mode supports only the legacy ``np.random`` functions.
# ruff: noqa: NPY002

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["group_sums", "seed_rng", "tabu_chunk"]

_NEG = -1.0e300


@njit(cache=True)  # type: ignore[misc]
def seed_rng(seed: int) -> None:
    """Seed numba's internal random generator (used by the kernels)."""
    np.random.seed(seed)


@njit(cache=True)  # type: ignore[misc]
def _shift(D: np.ndarray, S: np.ndarray, e: int, src: int, dst: int) -> None:
    """Update ``S`` for element ``e`` leaving group ``src`` for group ``dst``."""
    De = D[e]
    for k in range(D.shape[0]):
        S[k, src] -= De[k]
        S[k, dst] += De[k]


@njit(cache=True)  # type: ignore[misc]
def _group_max(
    TT: np.ndarray, mem: np.ndarray, cnt: np.ndarray, W: np.ndarray, WA: np.ndarray, x: int, y: int
) -> None:
    """``W[x, y]``: the largest ``TT[x, j]`` over the members ``j`` of group ``y`` (``WA``: j)."""
    w = _NEG
    wa = -1
    for k in range(cnt[y]):
        v = TT[x, mem[y, k]]
        if v > w:
            w = v
            wa = mem[y, k]
    W[x, y] = w
    WA[x, y] = wa


@njit(cache=True)  # type: ignore[misc]
def _refresh(
    S: np.ndarray,
    a: np.ndarray,
    own: np.ndarray,
    free_idx: np.ndarray,
    mem: np.ndarray,
    cnt: np.ndarray,
    TT: np.ndarray,
    W: np.ndarray,
    WA: np.ndarray,
    g: int,
    h: int,
) -> None:
    """Bring ``own``, ``TT`` and ``W`` up to date after a move between ``g`` and ``h``.

    Only the columns ``g`` and ``h`` of ``S`` changed, so ``own[j] = S[j, a[j]]``
    changed only for members of ``g`` and ``h`` (their ``TT`` column is recomputed);
    every other element's ``TT`` changed in rows ``g`` and ``h`` only. Likewise
    only the rows and columns ``g`` and ``h`` of ``W`` can change.
    """
    m = S.shape[1]
    for p in range(free_idx.size):
        j = free_idx[p]
        aj = a[j]
        if aj == g or aj == h:  # noqa: SIM109 (plain comparisons in numba)
            oj = S[j, aj]
            own[j] = oj
            for x in range(m):
                TT[x, j] = S[j, x] - oj
        else:
            oj = own[j]
            TT[g, j] = S[j, g] - oj
            TT[h, j] = S[j, h] - oj
    for y in range(m):
        _group_max(TT, mem, cnt, W, WA, g, y)
        _group_max(TT, mem, cnt, W, WA, h, y)
        _group_max(TT, mem, cnt, W, WA, y, g)
        _group_max(TT, mem, cnt, W, WA, y, h)


@njit(cache=True)  # type: ignore[misc]
def tabu_chunk(
    D: np.ndarray,
    a: np.ndarray,
    S: np.ndarray,
    size: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    free_idx: np.ndarray,
    tabu: np.ndarray,
    best_a: np.ndarray,
    fs: np.ndarray,
    ist: np.ndarray,
    max_stall: int,
    iter_cap: int,
    tt_base: int,
    tt_rand: int,
    has_moves: bool,
    dmin: float,
) -> tuple[int, int]:
    """Run at most ``iter_cap`` tabu-search iterations (resumable).

    Every iteration applies the best admissible swap or one-move (a move is
    admissible when no element returns to a group it left less than a tenure ago, or
    when it improves on the best value of this search: aspiration); the tenure is
    ``tt_base + U[0, tt_rand)`` iterations. Ties are broken uniformly at random.

    Parameters
    ----------
    D : numpy.ndarray
        ``n x n`` float64 distance matrix, zero diagonal.
    a, S, size : numpy.ndarray
        Current assignment, sum matrix and group sizes (updated in place).
    lb, ub : numpy.ndarray
        Group size bounds.
    free_idx : numpy.ndarray
        Indices of the elements that may move.
    tabu : numpy.ndarray
        ``n x m``: until which iteration element ``i`` may not enter group ``g``
        (updated in place).
    best_a : numpy.ndarray
        Best assignment of this search (updated in place).
    fs : numpy.ndarray
        ``[current value, best value]`` (updated in place).
    ist : numpy.ndarray
        ``[iteration counter, iterations without improvement]`` (updated in place).
    max_stall : int
        The search ends after this many iterations without improving ``fs[1]``.
    iter_cap : int
        Maximum number of iterations of this call.
    tt_base, tt_rand : int
        Tabu tenure: ``tt_base + randint(tt_rand)`` (``tt_rand <= 0``: no random part).
    has_moves : bool
        Whether one-moves are possible at all (some ``lb < ub``).
    dmin : float
        ``min(0, smallest off-diagonal distance)``, for the pruning bound.

    Returns
    -------
    tuple of (int, int)
        ``(status, iterations done)``; status 0: stalled (search finished), 1:
        ``iter_cap`` reached, 2: no admissible move exists.
    """
    n = D.shape[0]
    m = S.shape[1]
    nf = free_idx.size
    own = np.empty(n)
    for k in range(n):
        own[k] = S[k, a[k]]
    # Member lists of the free elements, per group.
    cap = 0
    for g in range(m):
        cap = max(cap, ub[g])
    mem = np.empty((m, cap), dtype=np.int64)
    cnt = np.zeros(m, dtype=np.int64)
    slot = np.empty(n, dtype=np.int64)
    for p in range(nf):
        i = free_idx[p]
        g = a[i]
        mem[g, cnt[g]] = i
        slot[i] = cnt[g]
        cnt[g] += 1
    TT = np.zeros((m, n))  # TT[g, j] = S[j, g] - S[j, a[j]] (free j)
    W = np.empty((m, m))  # W[g, h] = max over free j in h of TT[g, j]
    WA = np.empty((m, m), dtype=np.int64)  # ... and the j attaining it
    for p in range(nf):
        j = free_idx[p]
        oj = own[j]
        for g in range(m):
            TT[g, j] = S[j, g] - oj
    for h in range(m):
        for g in range(m):
            _group_max(TT, mem, cnt, W, WA, g, h)
    f = fs[0]
    best_f = fs[1]
    it = ist[0]
    stall = ist[1]
    done = 0
    status = 1
    while done < iter_cap:
        if stall >= max_stall:
            status = 0
            break
        it += 1
        done += 1
        thr = best_f - f + 1e-9  # a tabu move is allowed when its delta exceeds this
        bd = _NEG
        bi = -1
        bj = -1
        bmove = False
        nties = 0
        if has_moves:
            for g in range(m):
                if size[g] <= lb[g]:
                    continue
                for h in range(m):
                    if h == g or size[h] >= ub[h] or W[h, g] < bd:
                        continue
                    for k in range(cnt[g]):
                        i = mem[g, k]
                        d = TT[h, i]
                        if d < bd:
                            continue
                        if tabu[i, h] > it and d <= thr:
                            continue
                        if d > bd:
                            bd = d
                            bi = i
                            bj = h
                            bmove = True
                            nties = 1
                        else:
                            nties += 1
                            if np.random.randint(nties) == 0:
                                bi = i
                                bj = h
                                bmove = True
        # Probe: for every group pair, the pair of elements with the largest bounds
        # gives a good first value of ``bd``, so that the full scan prunes more.
        for g in range(m):
            for h in range(g + 1, m):
                i = WA[h, g]
                j = WA[g, h]
                if i < 0 or j < 0:
                    continue
                d = TT[h, i] + TT[g, j] - 2.0 * D[i, j]
                if d > bd and ((tabu[i, h] <= it and tabu[j, g] <= it) or d > thr):
                    bd = d
                    bi = i
                    bj = j
                    bmove = False
                    nties = 1
        for g in range(m):
            for h in range(g + 1, m):
                ch = cnt[h]
                if ch == 0:
                    continue
                wgh = W[g, h] - 2.0 * dmin
                if W[h, g] + wgh < bd:
                    continue  # no swap between g and h can reach bd
                mh = mem[h]
                TTg = TT[g]
                for ki in range(cnt[g]):
                    i = mem[g, ki]
                    c = TT[h, i]
                    if c + wgh < bd:
                        continue
                    Di = D[i]
                    xm = _NEG
                    for k in range(ch):
                        j = mh[k]
                        x = TTg[j] - 2.0 * Di[j]
                        if x > xm:
                            xm = x
                    if c + xm < bd:
                        continue
                    ti = tabu[i, h] > it
                    for k in range(ch):
                        j = mh[k]
                        d = c + TTg[j] - 2.0 * Di[j]
                        if d < bd:
                            continue
                        if (ti or tabu[j, g] > it) and d <= thr:
                            continue
                        if d > bd:
                            bd = d
                            bi = i
                            bj = j
                            bmove = False
                            nties = 1
                        else:
                            nties += 1
                            if np.random.randint(nties) == 0:
                                bi = i
                                bj = j
                                bmove = False
        if bi < 0:
            active = False
            for k in range(n):
                for g in range(m):
                    if tabu[k, g] > it:
                        active = True
                        tabu[k, g] = 0
            if not active:
                status = 2
                break
            stall += 1
            continue
        if bmove:
            g = a[bi]
            size[g] -= 1
            size[bj] += 1
            # member lists: remove bi from g, append to bj
            last = mem[g, cnt[g] - 1]
            mem[g, slot[bi]] = last
            slot[last] = slot[bi]
            cnt[g] -= 1
            mem[bj, cnt[bj]] = bi
            slot[bi] = cnt[bj]
            cnt[bj] += 1
            _shift(D, S, bi, g, bj)
            a[bi] = bj
            _refresh(S, a, own, free_idx, mem, cnt, TT, W, WA, g, bj)
            tabu[bi, g] = it + tt_base + (np.random.randint(tt_rand) if tt_rand > 0 else 0)
        else:
            g = a[bi]
            h = a[bj]
            mem[g, slot[bi]] = bj
            mem[h, slot[bj]] = bi
            si = slot[bi]
            slot[bi] = slot[bj]
            slot[bj] = si
            _shift(D, S, bi, g, h)
            _shift(D, S, bj, h, g)
            a[bi] = h
            a[bj] = g
            _refresh(S, a, own, free_idx, mem, cnt, TT, W, WA, g, h)
            tabu[bi, g] = it + tt_base + (np.random.randint(tt_rand) if tt_rand > 0 else 0)
            tabu[bj, h] = it + tt_base + (np.random.randint(tt_rand) if tt_rand > 0 else 0)
        f += bd
        if f > best_f + 1e-9:
            best_f = f
            best_a[:] = a
            stall = 0
        else:
            stall += 1
    fs[0] = f
    fs[1] = best_f
    ist[0] = it
    ist[1] = stall
    return status, done


@njit(cache=True)  # type: ignore[misc]
def group_sums(D: np.ndarray, a: np.ndarray, m: int) -> np.ndarray:
    """Element-major sum matrix ``S[i, g] = sum of D[i, j] over j with a[j] == g``."""
    n = D.shape[0]
    S = np.zeros((n, m))
    for i in range(n):
        Di = D[i]
        Si = S[i]
        for j in range(n):
            Si[a[j]] += Di[j]
    return S
