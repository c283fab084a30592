"""Objective terms of the CP-SAT model, one implementation per term name.

Every term of :mod:`evocompose.vocabulary` is built as a float linear form
over model variables (:class:`Lin`) by the function :data:`TERMS` holds
under its name, weighted per network with
:meth:`evocompose.Problem.network_weights`, so that for every integer
solution the form equals ``weighted_total(evaluate(...))`` term by term.

Encodings (``s`` = size, ``c_v`` = members with value ``v``):

* attribute diversity ``C(s,2) - sum_v C(c_v,2)``: ``C(s,2)`` is a constant when
  ``min_size = max_size`` and otherwise ``sum_k C(k,2) w_k`` over a one-hot
  ``w`` of the size; each ``C(c_v,2)`` is ``sum_k (k-1) z[v,k]`` over the
  ordered incremental booleans ``z[v,k] = [c_v >= k]``. The LP relaxation of
  the convex part is exact, which gives CP-SAT a strong bound.
* skills ``c_k (s - c_k) = C(s,2) - C(c_k,2) - C(s-c_k,2)``: a binary attribute
  (holders / non-holders) with the same encoding.
* new cross-sector ties: sector mismatches minus one ``p[ij,g] >= x_i + x_j - 1``
  per *tie edge* between different sectors (only tie edges get pair variables).
* cohesion bonus: ``b[i,g] <= x[i,g]``, ``t * b[i,g] <= sum_{j in N(i)} x[j,g]``;
  with ``m.cuts`` also ``t * b[i,g] <= sum_{j in N(i)} (x_i AND x_j)`` over pair
  booleans shared with the new-cross-sector-ties term, so that the LP pays
  that term's penalty for the acquaintances it counts.
* relevance: ``sum rel[i,g] x[i,g]``.
* synergy: ``sum_{u<v} syn[u,v] c_u c_v + sum_u syn[u,u] C(c_u,2)``; each
  product is linearised exactly over the one-hot encoding of one sector count
  (see :func:`synergy_sum`), whose LP relaxation is the convex hull of each
  product (McCormick products left the synergy bound ~80 % above the best
  value on Stevns; this one is within ~10 %). With ``m.cuts`` the partner
  count's diversity penalty is also charged per branch (see :func:`_pair_cut`):
  the LP bound of Stevns (n=250) drops from 1,721 to 1,709 (1,706 with the
  cohesion cut).
* spread: ``u[i] <= sum_g x[i,g]``.
* dissimilarity: pair variables ``y[ij,g]`` (n² per network: see
  :data:`MAX_DISSIMILARITY_N`).

The pair/indicator variables (``p``, ``b``, ``u``, ``y`` and the synergy
``w``) are constrained on both sides, so that they are exact in *every*
solution, not only at the optimum: the solver's objective of any intermediate solution then equals the
reference evaluation (within the rounding bound below), whatever the signs of
the weights.

Scaling: CP-SAT needs integer coefficients. Each variable's total float
coefficient is multiplied by :data:`SCALE` (1000) and rounded. The error of
the scaled objective, divided by ``SCALE``, is at most
``sum_var |coef*SCALE - round(coef*SCALE)| * ub(var) / SCALE`` (at most
``0.5/SCALE`` per unit of variable range); it is zero when every weight and
relevance/synergy/dissimilarity value is a multiple of ``1/SCALE``.
:func:`scaled_expr` returns this bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from evocompose.errors import SolverError
from evocompose.vocabulary import TERM_NAMES

from .model import CpsatModel, IntVar, comb2

if TYPE_CHECKING:
    from evocompose.weights import Weights

__all__ = [
    "MAX_DISSIMILARITY_N",
    "SCALE",
    "TERMS",
    "Lin",
    "build_terms",
    "network_term",
    "scaled_expr",
    "total_form",
]

#: Objective coefficients are multiplied by this and rounded to integers.
SCALE = 1000
#: Largest pool for the pairwise dissimilarity term (n² pair variables per network).
MAX_DISSIMILARITY_N = 150


@dataclass
class Lin:
    """A float linear form ``constant + sum coef * var`` keyed by variable index."""

    terms: dict[int, tuple[IntVar, float]] = field(default_factory=dict)
    constant: float = 0.0

    def add(self, var: IntVar, coef: float) -> None:
        """Add ``coef * var``."""
        if coef == 0:
            return
        k = var.index
        old = self.terms.get(k)
        self.terms[k] = (var, coef + (old[1] if old else 0.0))

    def add_lin(self, other: Lin, factor: float = 1.0) -> None:
        """Add ``factor * other``."""
        if factor == 0:
            return
        for var, coef in other.terms.values():
            self.add(var, factor * coef)
        self.constant += factor * other.constant

    def is_zero(self) -> bool:
        """Whether the form is identically zero."""
        return self.constant == 0 and all(c == 0 for _, c in self.terms.values())


def _max_abs(var: IntVar) -> int:
    """Largest absolute value in a variable's domain (the proto's repeated field
    does not support negative indexing)."""
    dom = list(var.proto.domain)
    return max(abs(dom[0]), abs(dom[-1])) if dom else 1


def scaled_expr(lin: Lin, scale: int = SCALE) -> tuple[cp_model.LinearExpr, float]:
    """Integer CP-SAT expression ``round(scale * lin)`` and its error bound (in objective units).

    Variables are sorted by index, so the expression is built deterministically.
    """
    variables: list[IntVar] = []
    coefs: list[int] = []
    err = 0.0
    for k in sorted(lin.terms):
        var, coef = lin.terms[k]
        c = round(coef * scale)
        ub = _max_abs(var)
        err += abs(coef * scale - c) * ub
        if c:
            variables.append(var)
            coefs.append(c)
    const = round(lin.constant * scale)
    err += abs(lin.constant * scale - const)
    return cp_model.LinearExpr.weighted_sum(variables, coefs) + const, err / scale


# ------------------------------------------------------------------ pieces
def _comb2_size(m: CpsatModel, g: int) -> Lin:
    """``C(size_g, 2)`` as a linear form."""
    lo, hi = m.size_bounds[g]
    out = Lin()
    if lo == hi:
        out.constant = float(comb2(lo))
    else:
        for k, w in m.size_onehot(g):
            out.add(w, float(comb2(k)))
    return out


def _comb2_count(m: CpsatModel, g: int, key: str, indices: list[int]) -> Lin:
    """``C(c, 2)`` of a group count, via the incremental encoding."""
    enc = m.count_encoding(g, key, indices)
    out = Lin()
    for k, z in enumerate(enc.z):
        out.add(z, float(k))  # z[k] stands for count >= k+1, contributing k
    return out


def _groups(m: CpsatModel, g: int, attr: str) -> list[tuple[str, list[int]]]:
    """Eligible candidates of network ``g`` grouped by ``attr`` value, values sorted."""
    pool = m.problem.pool
    groups: dict[str, list[int]] = {}
    for i in m.eligible[g]:
        groups.setdefault(pool.candidates[i].attribute(attr), []).append(i)
    return [(v, groups[v]) for v in sorted(groups)]


def mismatches(m: CpsatModel, g: int, attr: str) -> Lin:
    """Mismatched member pairs on a categorical attribute: ``C(s,2) - sum_v C(c_v,2)``."""
    out = _comb2_size(m, g)
    for value, idx in _groups(m, g, attr):
        out.add_lin(_comb2_count(m, g, f"{attr}={value}", idx), -1.0)
    return out


def skill_pairs(m: CpsatModel, g: int) -> Lin:
    """``sum_k c_k (s - c_k)`` over the pool's skills (sorted)."""
    pool = m.problem.pool
    out = Lin()
    size2 = _comb2_size(m, g)
    for skill in pool.skills:
        m.check_time()  # two scans of the eligible per skill: a second on 100,000 candidates
        holders = [i for i in m.eligible[g] if skill in pool.candidates[i].skills]
        others = [i for i in m.eligible[g] if skill not in pool.candidates[i].skills]
        if not holders:
            continue
        out.add_lin(size2)
        out.add_lin(_comb2_count(m, g, f"skill:{skill}=1", holders), -1.0)
        out.add_lin(_comb2_count(m, g, f"skill:{skill}=0", others), -1.0)
    return out


def known_cross_sector_pairs(m: CpsatModel, g: int) -> Lin:
    """Tie edges between different sectors with both ends in ``g`` (``p = x_i AND x_j``)."""
    pool = m.problem.pool
    out = Lin()
    for i in m.eligible[g]:
        for j in m.neighbours[i]:
            if j <= i or (j, g) not in m.x:
                continue
            if pool.candidates[i].sector == pool.candidates[j].sector:
                continue
            out.add(m.pair(i, j, g), 1.0)
    return out


def cohesion_bonus(m: CpsatModel, g: int, target: int) -> Lin:
    """Members knowing at least ``target`` others inside network ``g``."""
    pool = m.problem.pool
    name = m.problem.networks[g].name
    out = Lin()
    for i in m.eligible[g]:
        if target <= 0:
            out.add(m.x[i, g], 1.0)
            continue
        nbs = [j for j in m.neighbours[i] if (j, g) in m.x]
        if len(nbs) < target:
            continue
        b = m.model.new_bool_var(f"b[{name}][{pool.candidates[i].id}]")
        m.model.add_implication(b, m.x[i, g])
        known = m.members_sum(g, nbs)
        m.model.add(known >= target).only_enforce_if(b)
        # exact in every solution: b = x_i AND known >= target
        m.model.add(known <= target - 1).only_enforce_if([m.x[i, g], ~b])
        if m.cuts:
            # valid cut over the pair booleans x_i AND x_j (shared with the
            # new-cross-sector-ties term, whose penalty the LP then pays)
            pairs = [m.pair(i, j, g) for j in nbs]
            m.model.add(cp_model.LinearExpr.sum(pairs) >= target * b).with_name(
                f"cohesion_cut[{name}][{pool.candidates[i].id}]"
            )
        out.add(b, 1.0)
    return out


def relevance_sum(m: CpsatModel, g: int) -> Lin:
    """``sum_i rel[i, g] x[i, g]``."""
    problem = m.problem
    name = problem.networks[g].name
    out = Lin()
    for i in m.eligible[g]:
        out.add(m.x[i, g], problem.relevance(problem.pool.candidates[i].id, name))
    return out


def _onehot(m: CpsatModel, g: int, key: str, indices: list[int]) -> list[cp_model.LinearExprT]:
    """One-hot indicators ``e[k] = [count == k]``, ``k = 0..U``, of a group count.

    Linear expressions over the incremental booleans of
    :meth:`~evocompose.solvers.cpsat.model.CpsatModel.count_encoding`
    (``e[k] = z[k] - z[k+1]`` with ``z[0] = 1``, ``z[U+1] = 0``), so no new
    variables: in every integer solution exactly one ``e[k]`` is 1.
    """
    enc = m.count_encoding(g, key, indices)
    if enc.upper <= 0:
        return [1]
    if enc.upper == 1:
        c = m.members_sum(g, enc.members)
        return [1 - c, c]
    z = enc.z
    return [1 - z[0], *(z[k - 1] - z[k] for k in range(1, enc.upper)), z[-1]]


def _synergy_centres(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Assign each sector pair to one of its ends (a greedy vertex cover).

    The end in most uncovered pairs becomes a centre (ties: sector name), so
    that one one-hot encoding serves as many products as possible.
    """
    left = list(pairs)
    star: dict[str, list[str]] = {}
    while left:
        degree: dict[str, int] = {}
        for a, b in left:
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
        centre = min(degree, key=lambda s: (-degree[s], s))
        star[centre] = sorted(b if a == centre else a for a, b in left if centre in (a, b))
        left = [p for p in left if centre not in p]
    return star


def synergy_sum(m: CpsatModel, g: int) -> Lin:
    """Sum of sector synergies over member pairs.

    Same-sector entries ``syn[u,u] C(c_u,2)`` use the incremental encoding.
    A product ``c_u c_v`` of two different sectors is linearised exactly
    through the one-hot ``e[u,k] = [c_u == k]`` of one end (the *centre*,
    chosen by :func:`_synergy_centres`): ``w[k] = c_v e[u,k]`` with
    ``sum_k w[k] = c_v``, ``0 <= w[k] <= min(U_v, S - k) e[u,k]`` and
    ``c_u c_v = sum_k k w[k]`` (``S`` the maximum size). This is the
    disjunctive (convex-hull) formulation of the product over the points
    ``c_u + c_v <= S``, so its LP relaxation is tight for each pair, unlike
    McCormick products. For a centre with several partners the valid cut
    ``sum_v w[v,k] <= (S - k) e[u,k]`` (the partners and ``u`` share the
    ``S`` seats) ties the products of one star together. In every integer
    solution the ``w`` are determined, so the form is exact whatever the sign.
    """
    spec = m.problem.networks[g]
    name = spec.name
    groups = dict(_groups(m, g, "sector"))
    top = m.size_bounds[g][1]
    out = Lin()
    values: dict[tuple[str, str], float] = {}
    for (a, b), value in sorted(spec.synergy.items()):
        if value == 0 or a not in groups or b not in groups:
            continue
        if a == b:
            out.add_lin(_comb2_count(m, g, f"sector={a}", groups[a]), value)
        else:
            values[a, b] = value
    for centre, partners in _synergy_centres(sorted(values)).items():
        e = _onehot(m, g, f"sector={centre}", groups[centre])
        per_k: list[list[IntVar]] = [[] for _ in e]
        for other in partners:
            value = values[min(centre, other), max(centre, other)]
            members = [i for i in groups[other] if (i, g) in m.x]
            upper = min(top, len(members))
            if upper <= 0 or len(e) <= 1:
                continue
            ws: list[IntVar] = []
            branches: list[tuple[IntVar, cp_model.LinearExprT, int]] = []
            for k, ek in enumerate(e):
                cap = min(upper, top - k)
                if cap <= 0:
                    continue
                w = m.model.new_int_var(0, cap, f"syn[{name}][{centre}={k}][{other}]")
                m.model.add(w <= cap * ek).with_name(f"synergy[{name}][{centre}={k}][{other}]")
                ws.append(w)
                per_k[k].append(w)
                branches.append((w, ek, cap))
                out.add(w, value * k)
            m.model.add(cp_model.LinearExpr.sum(ws) == m.members_sum(g, members)).with_name(
                f"synergy[{name}][{centre}|{other}]"
            )
            if m.cuts:
                _pair_cut(m, g, f"sector={other}", branches, f"{name}][{centre}|{other}")
        for k, ws_k in enumerate(per_k):
            if len(ws_k) > 1:
                m.model.add(cp_model.LinearExpr.sum(ws_k) <= (top - k) * e[k]).with_name(
                    f"synergy[{name}][{centre}={k}][seats]"
                )
    return out


def _pair_cut(
    m: CpsatModel,
    g: int,
    key: str,
    branches: list[tuple[IntVar, cp_model.LinearExprT, int]],
    label: str,
) -> None:
    """``C(c_v, 2) >= sum_k t_k`` with ``t_k`` the perspective of ``C(., 2)`` in branch ``k``.

    ``branches`` are the disjunctive copies ``(w_k, e_k, cap_k)`` of a
    partner count ``c_v = sum_k w_k`` of a synergy product (``w_k = c_v`` in
    the branch ``e_k = 1``, else 0). ``C(c, 2) = max_j (j c - C(j+1, 2))``
    over integers, so ``t_k >= j w_k - C(j+1, 2) e_k`` (``j = 1..cap_k - 1``),
    ``t_k >= 0`` gives ``t_k >= C(c_v, 2)`` in the chosen branch and
    ``t_k >= 0`` in the others: the constraint holds for every integer
    solution (``t`` can take exactly those values) but forces the LP to pay
    the diversity penalty of ``c_v`` branch by branch, not only at its
    average, which is what made the synergy bound loose. Added only when
    the count encoding of ``c_v`` exists (a diversity term uses it).
    """
    enc = m.existing_count_encoding(g, key)
    if enc is None or not enc.z:
        return
    ts: list[IntVar] = []
    for k, (w, ek, cap) in enumerate(branches):
        if cap < 2:
            continue
        t = m.model.new_int_var(0, comb2(cap), f"synpen[{label}][{k}]")
        for j in range(1, cap):
            m.model.add(t >= cp_model.LinearExpr.weighted_sum([w, ek], [j, -comb2(j + 1)]))
        ts.append(t)
    if ts:
        c2 = cp_model.LinearExpr.weighted_sum(enc.z, list(range(len(enc.z))))
        m.model.add(c2 >= cp_model.LinearExpr.sum(ts)).with_name(f"synergy_cut[{label}]")


def dissimilarity_sum(m: CpsatModel, g: int) -> Lin:
    """Sum of the dissimilarity matrix over member pairs (pair variables; n²!)."""
    d = m.problem.dissimilarity
    assert d is not None
    name = m.problem.networks[g].name
    out = Lin()
    elig = m.eligible[g]
    for a, i in enumerate(elig):
        for j in elig[a + 1 :]:
            v = float(d[i, j])
            if v == 0:
                continue
            xi, xj = m.x[i, g], m.x[j, g]
            y = m.model.new_bool_var(f"y[{name}][{i}|{j}]")
            m.model.add_implication(y, xi)
            m.model.add_implication(y, xj)
            m.model.add_bool_or([~xi, ~xj, y])
            out.add(y, v)
    return out


def spread_count(m: CpsatModel) -> Lin:
    """Distinct people placed: ``u[i] = OR_g x[i, g]``."""
    problem = m.problem
    out = Lin()
    n_net = len(problem.networks)
    for i, cid in enumerate(problem.pool.ids):
        xs = [m.x[i, g] for g in range(n_net) if (i, g) in m.x]
        if not xs:
            continue
        if len(xs) == 1:
            out.add(xs[0], 1.0)
            continue
        u = m.model.new_bool_var(f"u[{cid}]")
        m.model.add_bool_or([*xs, ~u])
        for x in xs:
            m.model.add_implication(x, u)
        out.add(u, 1.0)
    return out


# ------------------------------------------------------------------ registry
def _diversity(attr: str) -> Callable[[CpsatModel, int, Weights], Lin]:
    def form(m: CpsatModel, g: int, w: Weights) -> Lin:
        return mismatches(m, g, attr)

    return form


def _attributes(m: CpsatModel, g: int, w: Weights) -> Lin:
    raw = Lin()
    for a in m.problem.attributes:
        raw.add_lin(mismatches(m, g, a), w.attribute_factor(a))
    return raw


def _new_cross_sector_ties(m: CpsatModel, g: int, w: Weights) -> Lin:
    raw = mismatches(m, g, "sector")
    raw.add_lin(known_cross_sector_pairs(m, g), -1.0)
    return raw


def _dissimilarity(m: CpsatModel, g: int, w: Weights) -> Lin:
    n = len(m.problem.pool)
    if n > MAX_DISSIMILARITY_N:
        raise SolverError(
            f"the dissimilarity term needs n² pair variables; the pool has "
            f"{n} candidates, more than the CP-SAT limit of "
            f"{MAX_DISSIMILARITY_N}; use solver='search' or set the "
            "dissimilarity weight to 0",
            column="dissimilarity",
            value=n,
        )
    return dissimilarity_sum(m, g)


#: The raw linear form of each term of :mod:`evocompose.vocabulary` in network
#: ``g`` (``spread`` is global: :func:`spread_count`, built by :func:`build_terms`).
TERMS: dict[str, Callable[[CpsatModel, int, Weights], Lin] | None] = {
    "sector": _diversity("sector"),
    "actor_type": _diversity("actor_type"),
    "area": _diversity("area"),
    "attributes": _attributes,
    "skills": lambda m, g, w: skill_pairs(m, g),
    "new_cross_sector_ties": _new_cross_sector_ties,
    "cohesion": lambda m, g, w: cohesion_bonus(m, g, w.cohesion_target),
    "relevance": lambda m, g, w: relevance_sum(m, g),
    "synergy": lambda m, g, w: synergy_sum(m, g),
    "spread": None,
    "dissimilarity": _dissimilarity,
}


# ------------------------------------------------------------------ assembly
def build_terms(m: CpsatModel, *, terms: tuple[str, ...] = TERM_NAMES) -> dict[str, Lin]:
    """Weighted linear form of every objective term with a non-zero weight somewhere.

    Parameters
    ----------
    m : CpsatModel
    terms : tuple of str
        Terms to build (default all).

    Returns
    -------
    dict of str to Lin
        ``term -> sum_g weight_g(term) * raw_g(term)`` (``spread`` uses the
        global weight), so that the sum of the forms equals
        :func:`evocompose.objective.weighted_total` for every solution.

    Raises
    ------
    SolverError
        When the dissimilarity term is present and the pool is larger than
        :data:`MAX_DISSIMILARITY_N`.
    """
    problem = m.problem
    out: dict[str, Lin] = {}
    for term in terms:
        total = Lin()
        if term == "spread":
            wt = problem.weights.spread
            if wt:
                total.add_lin(spread_count(m), wt)
        elif term == "dissimilarity" and problem.dissimilarity is None:
            pass
        else:
            for g in range(len(problem.networks)):
                raw = network_term(m, g, term)
                if raw is not None:
                    total.add_lin(raw)
        if not total.is_zero() or total.terms:
            out[term] = total
    return out


def network_term(m: CpsatModel, g: int, term: str) -> Lin | None:
    """Weighted linear form of one per-network term of network ``g``.

    Parameters
    ----------
    m : CpsatModel
    g : int
        Network index.
    term : str
        Any term of :data:`evocompose.vocabulary.TERM_NAMES` except ``spread``.

    Returns
    -------
    Lin or None
        ``weight_g(term) * raw_g(term)``, or ``None`` when the weight is zero
        (or the term is ``dissimilarity`` without a matrix).

    Raises
    ------
    SolverError
        When the dissimilarity term is present and the pool is larger than
        :data:`MAX_DISSIMILARITY_N`.
    """
    problem = m.problem
    w = problem.network_weights(problem.networks[g].name)
    wt = w.term_weight(term)
    if wt == 0 or (term == "dissimilarity" and problem.dissimilarity is None):
        return None
    form = TERMS[term]
    if form is None:
        raise SolverError(f"{term!r} is not a per-network term", value=term)
    out = Lin()
    out.add_lin(form(m, g, w), wt)
    return out


def total_form(forms: dict[str, Lin]) -> Lin:
    """Sum of the term forms."""
    out = Lin()
    for term in sorted(forms, key=TERM_NAMES.index):
        out.add_lin(forms[term])
    return out
