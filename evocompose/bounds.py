"""Closed-form upper bounds on the objective: facts about a problem, computed without a solver.

:func:`closed_form_bound` bounds every objective term from above, network by
network, by relaxing the rules that couple members (which people sit
together) while keeping the counts that cannot be escaped: the size bounds,
who is eligible where, and, when everyone must be placed exactly once, how
many people share each value. Each term has one bound function in
:data:`TERM_BOUNDS`, keyed by the term names of :mod:`evocompose.vocabulary`;
their sum is a proven upper bound on the weighted objective of every
composition that keeps the rules (lexicographic weights excepted: there is
no bound on a weighted sum then).

Per term (``s`` a network's largest possible size: ``max_size``, or fewer
when fewer people are eligible; ``c_v`` the members with value ``v``):

``sector``, ``actor_type``, ``area``, ``attributes``
    Mismatched pairs are ``C(s, 2) - sum_v C(c_v, 2)``. *Per network*, the
    values are spread as evenly as the eligible people allow. *Across
    networks*, when everyone is placed exactly once, the ``N_v`` people with
    value ``v`` must go somewhere: spread as evenly as the sizes allow, they
    still form at least ``sum_g C(c_gv, 2)`` same-value pairs (the even
    spread minimises this convex sum). The smaller of the two bounds counts.
``skills``
    ``c_k (s - c_k)`` per skill, at most with ``c_k`` as close to ``s/2`` as
    the holders allow (and, when everyone is placed once, the holders spread
    so as to maximise the concave sum).
``new_cross_sector_ties``
    At most the sector bound (new ties are sector mismatches).
``cohesion``
    At most the members who have enough acquaintances at all.
``relevance``
    The ``s`` most relevant eligible candidates of each network.
``synergy``, ``dissimilarity``
    Each member's ``s - 1`` best partners (pairs counted from both sides,
    halved), over the ``s`` members with the best such sums.
``spread``
    Everyone who could be placed, up to the seats available.

Examples
--------
>>> import evocompose as evo
>>> b = closed_form_bound(evo.datasets.tiny())
>>> b.total >= evo.solve(evo.datasets.tiny(), time_limit=5).objective
True
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from math import comb

import numpy as np

from evocompose.data import Problem
from evocompose.vocabulary import TERM_NAMES
from evocompose.weights import Weights

__all__ = ["TERM_BOUNDS", "ClosedFormBound", "closed_form_bound", "known_closed_form_bound"]

#: Largest pool for which the dissimilarity and synergy bounds look at each
#: candidate's best partners (``n²`` work); larger pools use the largest value.
PARTNER_LIMIT = 4_000


@dataclass(frozen=True)
class ClosedFormBound:
    """A proven upper bound on the weighted objective, term by term.

    Attributes
    ----------
    total : float or None
        Upper bound on the weighted objective (``None`` for lexicographic
        weights, which have no weighted sum to bound).
    terms : mapping of str to float
        Upper bound on each weighted term, summed over the networks.
    coupled : tuple of str
        Terms bounded across networks (everyone placed exactly once), not
        only network by network.
    """

    total: float | None
    terms: Mapping[str, float] = field(default_factory=dict)
    coupled: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """How the bound was obtained, in plain words (for ``Result.bound_source``)."""
        how = "closed form: the best each network could reach on each term"
        if self.coupled:
            how += "; values spread as evenly as the sizes allow (everyone placed once)"
        return how

    def describe(self) -> str:
        """The bound and its terms, one per line."""
        if self.total is None:
            return "No closed-form bound (lexicographic weights)."
        lines = [f"Closed-form upper bound {self.total:,.2f} ({self.source})"]
        lines += [f"  {t:<24} {v:>12,.2f}" for t, v in self.terms.items() if v]
        return "\n".join(lines)


@dataclass
class _Context:
    """What the term bounds share: sizes, eligibility, weights per network."""

    problem: Problem
    eligible: np.ndarray  # (n, G) bool
    hi: np.ndarray  # (G,) largest possible size
    lo: np.ndarray  # (G,) smallest size
    weights: list[Weights]
    partition: bool  # everyone placed exactly once


def _weights(ctx: _Context, get: Callable[[Weights], float]) -> np.ndarray:
    return np.array([float(get(w)) for w in ctx.weights])


def _even_penalty(total: int, caps: list[int]) -> int:
    """Fewest same-value pairs ``sum C(c_v, 2)`` with ``sum c_v = total`` and ``c_v <= caps[v]``.

    Greedy by marginal cost (the current count): optimal for this convex,
    separable sum.
    """
    if total <= 0:
        return 0
    counts = [0] * len(caps)
    heap = [(0, v) for v, cap in enumerate(caps) if cap > 0]
    heapq.heapify(heap)
    pen = 0
    for _ in range(total):
        if not heap:
            break
        c, v = heapq.heappop(heap)
        pen += c
        counts[v] = c + 1
        if counts[v] < caps[v]:
            heapq.heappush(heap, (counts[v], v))
    return pen


def _spread_penalty(total: int, caps: np.ndarray, w: np.ndarray) -> float:
    """Least ``sum_g w_g C(c_g, 2)`` with ``sum_g c_g = total``, ``0 <= c_g <= caps[g]`` (``w >= 0``)."""
    if total <= 0:
        return 0.0
    if np.all(w == w[0]) and np.all(caps >= caps.max()):
        q, r = divmod(total, len(caps))
        return float(w[0]) * (r * comb(q + 1, 2) + (len(caps) - r) * comb(q, 2))
    counts = np.zeros(len(caps), dtype=np.int64)
    heap = [(0.0, g) for g in range(len(caps)) if caps[g] > 0]
    heapq.heapify(heap)
    pen = 0.0
    for _ in range(total):
        if not heap:
            break
        cost, g = heapq.heappop(heap)
        pen += cost
        counts[g] += 1
        if counts[g] < caps[g]:
            heapq.heappush(heap, (float(w[g]) * counts[g], g))
    return pen


def _attribute_bound(ctx: _Context, field_name: str, w: np.ndarray) -> tuple[float, bool]:
    """Bound on ``sum_g w_g * mismatched pairs on field`` (and whether it is the coupled one)."""
    problem = ctx.problem
    codes, values = problem.pool.codes(field_name)
    V = max(1, len(values))
    G = len(problem.networks)
    # eligible people per (network, value)
    per_value = np.zeros((G, V), dtype=np.int64)
    for v in range(V):
        per_value[:, v] = ctx.eligible[codes == v].sum(axis=0)
    pos = np.maximum(w, 0.0)
    row = 0.0
    cache: dict[tuple[int, tuple[int, ...]], int] = {}
    pairs = 0.0
    for g in range(G):
        if pos[g] == 0:
            continue
        s = int(ctx.hi[g])
        caps = tuple(int(x) for x in per_value[g])
        key = (s, caps)
        if key not in cache:
            cache[key] = _even_penalty(s, list(caps))
        row += pos[g] * (comb(s, 2) - cache[key])
        pairs += pos[g] * comb(s, 2)
    if not ctx.partition or not np.any(pos):
        return row, False
    # across networks: every value's people are spread over the networks
    sizes_fixed = bool(np.all(ctx.lo == ctx.hi))
    if not sizes_fixed:
        pairs = _max_pairs(ctx, pos)
    col_pen = 0.0
    totals = np.bincount(codes, minlength=V)
    for v in range(V):
        caps = np.minimum(per_value[:, v], ctx.hi)
        col_pen += _spread_penalty(int(totals[v]), caps, pos)
    col = pairs - col_pen
    return (col, True) if col < row else (row, False)


def _max_pairs(ctx: _Context, w: np.ndarray) -> float:
    """Most weighted pairs ``sum w_g C(s_g, 2)`` over sizes with ``sum s_g = n``, ``lo <= s <= hi``."""
    n = len(ctx.problem.pool)
    G = len(ctx.hi)
    if G * (n + 1) > 2_000_000:
        return float(sum(w[g] * comb(int(ctx.hi[g]), 2) for g in range(G)))
    neg = -np.inf
    best = np.full(n + 1, neg)
    best[0] = 0.0
    for g in range(G):
        nxt = np.full(n + 1, neg)
        for s in range(int(ctx.lo[g]), int(ctx.hi[g]) + 1):
            gain = w[g] * comb(s, 2)
            cand = np.full(n + 1, neg)
            cand[s:] = best[: n + 1 - s] + gain
            np.maximum(nxt, cand, out=nxt)
        best = nxt
    return float(best[n]) if np.isfinite(best[n]) else float(np.max(best))


def _diversity(name: str) -> Callable[[_Context], tuple[float, bool]]:
    def bound(ctx: _Context) -> tuple[float, bool]:
        return _attribute_bound(ctx, name, _weights(ctx, lambda w: w.term_weight(name)))

    return bound


def _attributes(ctx: _Context) -> tuple[float, bool]:
    total, coupled = 0.0, False
    for a in ctx.problem.attributes:
        factors = np.array([w.attributes * w.attribute_factor(a) for w in ctx.weights])
        value, c = _attribute_bound(ctx, a, factors)
        total += value
        coupled = coupled or c
    return total, coupled


def _skills(ctx: _Context) -> tuple[float, bool]:
    problem = ctx.problem
    w = np.maximum(_weights(ctx, lambda x: x.skills), 0.0)
    if not np.any(w):
        return 0.0, False
    skills = problem.pool.skills
    holds = np.zeros((len(problem.pool), len(skills)), dtype=bool)
    index = {s: k for k, s in enumerate(skills)}
    for i, person in enumerate(problem.pool.candidates):
        for skill in person.skills:
            holds[i, index[skill]] = True
    per = ctx.eligible.T.astype(np.int64) @ holds.astype(np.int64)  # (G, K) eligible holders
    row = 0.0
    for g in range(len(ctx.hi)):
        if not w[g]:
            continue
        s = int(ctx.hi[g])
        c = np.minimum(per[g], s // 2)
        row += w[g] * float(np.sum(c * (s - c)))
    if not ctx.partition:
        return row, False
    col = 0.0
    for k in range(len(skills)):
        # concave: hand out holders one by one where they add most
        total = int(holds[:, k].sum())
        counts = np.zeros(len(ctx.hi), dtype=np.int64)
        caps = np.minimum(per[:, k], ctx.hi)
        heap = [(-(w[g] * (int(ctx.hi[g]) - 1)), g) for g in range(len(ctx.hi)) if caps[g] > 0]
        heapq.heapify(heap)
        for _ in range(total):
            if not heap:
                break
            gain, g = heapq.heappop(heap)
            col -= gain
            counts[g] += 1
            if counts[g] < caps[g]:
                heapq.heappush(heap, (-(w[g] * (int(ctx.hi[g]) - 2 * counts[g] - 1)), g))
    return (col, True) if col < row else (row, False)


def _new_cross_sector_ties(ctx: _Context) -> tuple[float, bool]:
    return _attribute_bound(ctx, "sector", _weights(ctx, lambda w: w.new_cross_sector_ties))


def _cohesion(ctx: _Context) -> tuple[float, bool]:
    problem = ctx.problem
    ties = problem.ties
    degree = np.array([ties.degree(cid) for cid in problem.pool.ids], dtype=np.int64)
    total = 0.0
    for g, wt in enumerate(ctx.weights):
        w, t = wt.cohesion, wt.cohesion_target
        if w > 0:
            able = int((ctx.eligible[:, g] & (degree >= t)).sum())
            total += w * min(int(ctx.hi[g]), able)
        elif w < 0 and t == 0:
            total += w * int(ctx.lo[g])  # every member counts: at least the minimum size
    return total, False


def _relevance(ctx: _Context) -> tuple[float, bool]:
    rel = ctx.problem.relevance_table()
    total = 0.0
    for g, wt in enumerate(ctx.weights):
        w = wt.relevance
        if not w:
            continue
        values = np.sort(rel[ctx.eligible[:, g], g])
        if w > 0:
            total += w * float(values[::-1][: int(ctx.hi[g])].sum())
        else:
            total += w * float(values[: int(ctx.lo[g])].sum())
    return total, False


def _best_partner_sums(matrix: np.ndarray, s: int) -> float:
    """Half the sum, over the ``s`` best rows, of each row's ``s - 1`` largest entries."""
    k = min(s - 1, matrix.shape[1] - 1)
    if k <= 0 or s <= 1:
        return 0.0
    part = -np.partition(-matrix, k - 1, axis=1)[:, :k] if k < matrix.shape[1] else matrix
    sums = np.sort(part.sum(axis=1))[::-1][:s]
    return float(sums.sum()) / 2.0


def _synergy(ctx: _Context) -> tuple[float, bool]:
    problem = ctx.problem
    sectors = [c.sector for c in problem.pool.candidates]
    total = 0.0
    for g, spec in enumerate(problem.networks):
        w = ctx.weights[g].synergy
        if not w or not spec.synergy:
            continue
        idx = np.flatnonzero(ctx.eligible[:, g])
        names = sorted({sectors[i] for i in idx})
        table = np.array([[w * spec.synergy_of(a, b) for b in names] for a in names])
        code = {s: k for k, s in enumerate(names)}
        counts = np.bincount([code[sectors[i]] for i in idx], minlength=len(names))
        best = -np.inf
        for s in range(int(ctx.lo[g]), int(ctx.hi[g]) + 1):
            best = max(best, _synergy_at(table, counts, s))
            if np.all(table >= 0):  # grows with s: the largest size is the bound
                best = _synergy_at(table, counts, int(ctx.hi[g]))
                break
        total += max(best, 0.0) if int(ctx.lo[g]) == 0 else best
    return total, False


def _synergy_at(table: np.ndarray, counts: np.ndarray, s: int) -> float:
    """Synergy bound of a network of ``s`` from sector counts (each member's best partners)."""
    if s <= 1:
        return 0.0
    best_rows = []
    for u in range(len(counts)):
        if counts[u] == 0:
            continue
        avail = counts.copy()
        avail[u] -= 1
        order = np.argsort(-table[u])
        left, value = s - 1, 0.0
        for v in order:
            take = min(left, int(avail[v]))
            value += take * table[u, v]
            left -= take
            if left == 0:
                break
        best_rows += [value] * int(counts[u])
    best_rows.sort(reverse=True)
    return float(sum(best_rows[:s])) / 2.0


def _spread(ctx: _Context) -> tuple[float, bool]:
    problem = ctx.problem
    w = problem.weights.spread
    if not w:
        return 0.0, False
    if w > 0:
        placeable = int(ctx.eligible.any(axis=1).sum())
        return w * min(placeable, int(ctx.hi.sum())), False
    least = len(problem.pool) if problem.assign_all else len(set(problem.required))
    return w * least, False


def _dissimilarity(ctx: _Context) -> tuple[float, bool]:
    problem = ctx.problem
    D = problem.dissimilarity
    if D is None:
        return 0.0, False
    total = 0.0
    n = D.shape[0]
    dmax = float(np.max(D[~np.eye(n, dtype=bool)])) if n > 1 else 0.0
    for g, wt in enumerate(ctx.weights):
        w = wt.dissimilarity
        if not w:
            continue
        s = int(ctx.hi[g])
        if w < 0:  # w times the least the matrix can sum to
            dmin = float(np.min(D[~np.eye(n, dtype=bool)])) if n > 1 else 0.0
            size = int(ctx.lo[g]) if dmin >= 0 else s
            total += w * comb(size, 2) * dmin
            continue
        if n > PARTNER_LIMIT or float(D.min()) < 0:
            total += w * comb(s, 2) * max(dmax, 0.0)
            continue
        idx = np.flatnonzero(ctx.eligible[:, g])
        sub = np.array(D[np.ix_(idx, idx)], dtype=float)
        np.fill_diagonal(sub, -np.inf)
        total += w * _best_partner_sums(sub, s)
    return total, False


#: One upper bound per term name of :mod:`evocompose.vocabulary`: ``(weighted bound,
#: whether it couples the networks)``.
TERM_BOUNDS: dict[str, Callable[[_Context], tuple[float, bool]]] = {
    "sector": _diversity("sector"),
    "actor_type": _diversity("actor_type"),
    "area": _diversity("area"),
    "attributes": _attributes,
    "skills": _skills,
    "new_cross_sector_ties": _new_cross_sector_ties,
    "cohesion": _cohesion,
    "relevance": _relevance,
    "synergy": _synergy,
    "spread": _spread,
    "dissimilarity": _dissimilarity,
}


def closed_form_bound(problem: Problem) -> ClosedFormBound:
    """A proven upper bound on the weighted objective of ``problem`` (see the module docstring).

    Parameters
    ----------
    problem : Problem

    Returns
    -------
    ClosedFormBound
        ``total`` is ``None`` with lexicographic weights. Computed once per
        problem object (:meth:`~evocompose.Problem.derived`).
    """
    bound: ClosedFormBound = problem.derived(_KEY, lambda: _closed_form(problem))
    return bound


def known_closed_form_bound(problem: Problem) -> ClosedFormBound | None:
    """:func:`closed_form_bound` when it was already computed for ``problem``, else ``None``.

    For callers out of time, which take the bound only when it costs nothing.
    """
    known: ClosedFormBound | None = problem.derived_if_known(_KEY)
    return known


_KEY = "bounds.closed_form"


def _closed_form(problem: Problem) -> ClosedFormBound:
    if problem.weights.mode == "lexicographic":
        return ClosedFormBound(None)
    eligible = problem.eligibility_table()
    hi = np.minimum(
        np.array([s.max_size for s in problem.networks], dtype=np.int64), eligible.sum(axis=0)
    )
    lo = np.minimum(np.array([s.min_size for s in problem.networks], dtype=np.int64), hi)
    partition = problem.assign_all and bool(np.all(problem.capacities() == 1))
    ctx = _Context(
        problem,
        eligible,
        hi,
        lo,
        [problem.network_weights(n) for n in problem.network_names],
        partition,
    )
    terms: dict[str, float] = {}
    coupled: list[str] = []
    active = set(problem.active_terms())
    for name in TERM_NAMES:
        if name not in active:
            continue
        value, across = TERM_BOUNDS[name](ctx)
        terms[name] = float(value)
        if across:
            coupled.append(name)
    return ClosedFormBound(float(sum(terms.values())), terms, tuple(coupled))
