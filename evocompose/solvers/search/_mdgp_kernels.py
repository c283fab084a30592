"""Numba-compiled inner loops of the MDGP search (imported lazily by ``mdgp.py``).

The kernels work on a group-major sum matrix ``S[g, i] = sum_{j in g} D[i, j]``
(``m x n``, float64). Swapping ``i`` (group ``g``) with ``j`` (group ``h``) changes the
objective by ``S[h, i] - S[g, i] + S[g, j] - S[h, j] - 2 D[i, j]`` and moving ``i`` to
``h`` by ``S[h, i] - S[g, i]``; after a move, ``S`` is updated in ``O(n)`` (two
contiguous rows per element moved).

The kernels release the GIL (``nogil=True``), so several tabu searches can run in
parallel threads on their own arrays. numba's random generator is per thread; every
call of :func:`tabu_chunk` seeds it, so a run is reproducible whichever thread runs it.
"""

# numba's nopython mode supports only the legacy ``np.random`` functions.
# ruff: noqa: NPY002

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["group_sums", "tabu_chunk"]

_NEG = -1.0e300


@njit(cache=True, nogil=True)  # type: ignore[misc]
def _shift(D: np.ndarray, S: np.ndarray, e: int, src: int, dst: int) -> None:
    """Update ``S`` for element ``e`` leaving group ``src`` for group ``dst``."""
    De = D[e]
    Ss = S[src]
    Sd = S[dst]
    for k in range(De.size):
        Ss[k] -= De[k]
        Sd[k] += De[k]


@njit(cache=True, nogil=True)  # type: ignore[misc]
def _fill(
    S: np.ndarray,
    own: np.ndarray,
    memf: np.ndarray,
    off: np.ndarray,
    cnt: np.ndarray,
    T: np.ndarray,
    W: np.ndarray,
    WK: np.ndarray,
    x: int,
    y: int,
) -> None:
    """Recompute block ``y`` of row ``x`` of ``T`` and its maximum ``W[x, y]``.

    ``T[x, off[y] + k]`` is the gain ``S[x, j] - S[a[j], j]`` of moving the ``k``-th
    member ``j`` of group ``y`` to group ``x``; ``WK[x, y]`` is the slot ``k`` of the
    largest one (the first in member order on ties; ``-1`` for an empty group).
    """
    base = off[y]
    Sx = S[x]
    Tx = T[x]
    w = _NEG
    wk = -1
    for k in range(cnt[y]):
        j = memf[base + k]
        v = Sx[j] - own[j]
        Tx[base + k] = v
        if v > w:
            w = v
            wk = k
    W[x, y] = w
    WK[x, y] = wk


@njit(cache=True, nogil=True)  # type: ignore[misc]
def _refresh(
    S: np.ndarray,
    own: np.ndarray,
    memf: np.ndarray,
    off: np.ndarray,
    cnt: np.ndarray,
    T: np.ndarray,
    W: np.ndarray,
    WK: np.ndarray,
    g: int,
    h: int,
) -> None:
    """Bring ``own``, ``T`` and ``W`` up to date after a move between ``g`` and ``h``.

    Only the rows ``g`` and ``h`` of ``S`` changed, so ``own[j] = S[a[j], j]`` changed
    only for the members of ``g`` and ``h``, and ``T`` only in its rows ``g`` and
    ``h`` and in the blocks of groups ``g`` and ``h``.
    """
    m = S.shape[0]
    for y in (g, h):
        base = off[y]
        Sy = S[y]
        for k in range(cnt[y]):
            j = memf[base + k]
            own[j] = Sy[j]
    for x in range(m):
        if x == g or x == h:  # noqa: SIM109 (plain comparisons in numba)
            for y in range(m):
                _fill(S, own, memf, off, cnt, T, W, WK, x, y)
        else:
            _fill(S, own, memf, off, cnt, T, W, WK, x, g)
            _fill(S, own, memf, off, cnt, T, W, WK, x, h)


@njit(cache=True, nogil=True)  # type: ignore[misc]
def _tie(d: float, bd: float, nties: int) -> tuple[bool, int]:
    """Whether a move of delta ``d >= bd`` becomes the chosen one, and the new tie count.

    A strictly better move always wins; among moves with the same delta each of
    the ``nties`` seen so far is kept with equal probability (reservoir sampling).
    """
    if d > bd:
        return True, 1
    nties += 1
    return np.random.randint(nties) == 0, nties


@njit(cache=True, nogil=True)  # type: ignore[misc]
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
    seed: int,
) -> tuple[int, int]:
    """Run at most ``iter_cap`` tabu-search iterations (resumable).

    Every iteration applies the best admissible swap or one-move (a move is
    admissible when no element returns to a group it left less than a tenure ago, or
    when it improves on the best value of this search: aspiration); the tenure is
    ``tt_base + U[0, tt_rand)`` iterations. Ties are broken uniformly at random.

    The scan starts with, for every group pair, the swap of the two elements with
    the largest move gains (a good first best value); it then prunes every group
    pair, and every element of a pair, whose upper bound (move gains without the
    ``-2 D[i, j]`` term, which is at most ``-2 dmin``) cannot beat the best so far.
    The move gains and their per-group maxima are kept up to date incrementally.

    Parameters
    ----------
    D : numpy.ndarray
        ``n x n`` float64 distance matrix, zero diagonal.
    a, S, size : numpy.ndarray
        Current assignment, group-major sum matrix (``m x n``) and group sizes
        (updated in place).
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
    seed : int
        Seed of this thread's random generator for this call.

    Returns
    -------
    tuple of (int, int)
        ``(status, iterations done)``; status 0: stalled (search finished), 1:
        ``iter_cap`` reached, 2: no admissible move exists.
    """
    np.random.seed(seed)
    n = D.shape[0]
    m = S.shape[0]
    nf = free_idx.size
    own = np.empty(n)
    for k in range(n):
        own[k] = S[a[k], k]
    # Member lists of the free elements: group y holds slots off[y] .. off[y+1]-1.
    off = np.empty(m + 1, dtype=np.int64)
    off[0] = 0
    for g in range(m):
        off[g + 1] = off[g] + min(ub[g], nf)
    memf = np.empty(off[m], dtype=np.int64)
    cnt = np.zeros(m, dtype=np.int64)
    slot = np.empty(n, dtype=np.int64)
    for p in range(nf):
        i = free_idx[p]
        g = a[i]
        memf[off[g] + cnt[g]] = i
        slot[i] = cnt[g]
        cnt[g] += 1
    T = np.empty((m, off[m]))  # move gains, member-major (see _fill)
    W = np.empty((m, m))  # W[x, y]: largest gain of a member of y moving to x
    WK = np.empty((m, m), dtype=np.int64)  # ... and its slot
    for x in range(m):
        for y in range(m):
            _fill(S, own, memf, off, cnt, T, W, WK, x, y)
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
        # Probe: for every group pair, the swap of the elements with the largest
        # gains gives a good first value of ``bd``, so that the scans prune more.
        for g in range(m):
            for h in range(g + 1, m):
                ki = WK[h, g]
                kj = WK[g, h]
                if ki < 0 or kj < 0:
                    continue
                i = memf[off[g] + ki]
                j = memf[off[h] + kj]
                d = W[h, g] + W[g, h] - 2.0 * D[i, j]
                if d > bd and ((tabu[i, h] <= it and tabu[j, g] <= it) or d > thr):
                    bd = d
                    bi = i
                    bj = j
                    nties = 1
        if has_moves:
            for g in range(m):
                if size[g] <= lb[g]:
                    continue
                bg = off[g]
                for h in range(m):
                    if h == g or size[h] >= ub[h] or W[h, g] < bd:
                        continue
                    Th = T[h]
                    for k in range(cnt[g]):
                        d = Th[bg + k]
                        if d < bd:
                            continue
                        i = memf[bg + k]
                        if tabu[i, h] > it and d <= thr:
                            continue
                        take, nties = _tie(d, bd, nties)
                        if take:
                            bd = d
                            bi = i
                            bj = h
                            bmove = True
        for g in range(m):
            bg = off[g]
            Tg = T[g]
            for h in range(g + 1, m):
                ch = cnt[h]
                if ch == 0:
                    continue
                wgh = W[g, h] - 2.0 * dmin
                if W[h, g] + wgh < bd:
                    continue  # no swap between g and h can reach bd
                bh = off[h]
                Th = T[h]
                for ki in range(cnt[g]):
                    c = Th[bg + ki]
                    if c + wgh < bd:
                        continue
                    i = memf[bg + ki]
                    Di = D[i]
                    xm = _NEG
                    for k in range(ch):
                        x = Tg[bh + k] - 2.0 * Di[memf[bh + k]]
                        if x > xm:
                            xm = x
                    if c + xm < bd:
                        continue
                    ti = tabu[i, h] > it
                    for k in range(ch):
                        j = memf[bh + k]
                        d = c + Tg[bh + k] - 2.0 * Di[j]
                        if d < bd:
                            continue
                        if (ti or tabu[j, g] > it) and d <= thr:
                            continue
                        take, nties = _tie(d, bd, nties)
                        if take:
                            bd = d
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
            last = memf[off[g] + cnt[g] - 1]
            memf[off[g] + slot[bi]] = last
            slot[last] = slot[bi]
            cnt[g] -= 1
            memf[off[bj] + cnt[bj]] = bi
            slot[bi] = cnt[bj]
            cnt[bj] += 1
            _shift(D, S, bi, g, bj)
            a[bi] = bj
            _refresh(S, own, memf, off, cnt, T, W, WK, g, bj)
            tabu[bi, g] = it + tt_base + (np.random.randint(tt_rand) if tt_rand > 0 else 0)
        else:
            g = a[bi]
            h = a[bj]
            memf[off[g] + slot[bi]] = bj
            memf[off[h] + slot[bj]] = bi
            si = slot[bi]
            slot[bi] = slot[bj]
            slot[bj] = si
            _shift(D, S, bi, g, h)
            _shift(D, S, bj, h, g)
            a[bi] = h
            a[bj] = g
            _refresh(S, own, memf, off, cnt, T, W, WK, g, h)
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


@njit(cache=True, nogil=True)  # type: ignore[misc]
def group_sums(D: np.ndarray, a: np.ndarray, m: int) -> np.ndarray:
    """Group-major sum matrix ``S[g, i] = sum of D[i, j] over j with a[j] == g``."""
    n = D.shape[0]
    S = np.zeros((m, n))
    for j in range(n):
        Dj = D[j]
        Sg = S[a[j]]
        for i in range(n):
            Sg[i] += Dj[i]
    return S
