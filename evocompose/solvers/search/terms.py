"""The objective terms in the local search, one implementation per term name.

:data:`TERMS` maps every term name of :mod:`evocompose.vocabulary` to a
factory that builds, for a compiled problem, the object that evaluates the
term from a :class:`~evocompose.solvers.search.state.SearchState`'s counts
(or ``None`` when the term's weight is zero in every network). Each object
gives:

* ``contrib(state, i, g)`` — for a *separable* term, the weighted value
  between person ``i`` and the other members of ``g`` (the change is
  ``+contrib`` when ``i`` joins and ``-contrib`` when ``i`` leaves);
* ``delta(state, i, g, add)`` — the exact change of a term that is not
  separable (cohesion, spread);
* ``scores(state, g, idx)`` — the gain of adding each of ``idx`` to ``g``,
  vectorised (exact, except cohesion's effect on the newcomer's neighbours);
* ``pair(compiled, g, idx, o)`` — the term's weighted value of each pair
  ``(idx[k], o)`` inside ``g`` (zero for terms that are not pairwise).

The sum over terms is the weighted objective of
:func:`evocompose.objective.evaluate`; ``tests/test_search_terms.py``
checks every term against it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .state import Compiled, SearchState

__all__ = ["TERMS", "SearchTerm"]


class SearchTerm:
    """One objective term over the search state (see the module docstring).

    Attributes
    ----------
    name : str
        The term's name in the vocabulary.
    separable : bool
        Whether the change when ``i`` joins or leaves is ``±contrib``.
    weight : numpy.ndarray
        The term's weight per network.
    """

    name = ""
    separable = True

    def __init__(self, weight: np.ndarray) -> None:
        self.weight = weight

    def contrib(self, st: SearchState, i: int, g: int) -> float:
        """Weighted value between ``i`` and the rest of ``g`` (separable terms)."""
        raise NotImplementedError(f"{self.name} is not separable")

    def delta(self, st: SearchState, i: int, g: int, add: bool) -> float:
        """Exact change of the weighted term when ``i`` joins (``add``) or leaves ``g``."""
        c = self.contrib(st, i, g)
        return c if add else -c

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        """Gain of adding each of ``idx`` (non-members) to ``g``."""
        raise NotImplementedError

    def pair(self, compiled: Compiled, g: int, idx: np.ndarray, o: int) -> np.ndarray | None:
        """Weighted value of each pair ``(idx[k], o)`` inside ``g`` (``None``: no pair part)."""
        return None


def _weights(compiled: Compiled, get: Callable[..., float]) -> np.ndarray:
    problem = compiled.problem
    return np.array([float(get(problem.network_weights(n))) for n in compiled.names])


class _Diversity(SearchTerm):
    """Mismatched member pairs on categorical attributes, ``C(s,2) - sum_v C(c_v,2)``."""

    def __init__(self, name: str, attrs: list[int], weight: np.ndarray) -> None:
        super().__init__(weight)  # (G, len(attrs))
        self.name = name
        self.attrs = attrs

    def contrib(self, st: SearchState, i: int, g: int) -> float:
        s = int(st.size[g])
        codes = st.compiled.codes
        v = 0.0
        for k, a in enumerate(self.attrs):
            w = self.weight[g, k]
            if w:
                v += w * (s - int(st.value_count[a][g, codes[a][i]]))
        return v

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        s = int(st.size[g])
        codes = st.compiled.codes
        v = np.zeros(idx.size)
        for k, a in enumerate(self.attrs):
            w = self.weight[g, k]
            if w:
                v += w * (s - st.value_count[a][g, codes[a][idx]])
        return v

    def pair(self, compiled: Compiled, g: int, idx: np.ndarray, o: int) -> np.ndarray:
        v = np.zeros(idx.size)
        for k, a in enumerate(self.attrs):
            w = self.weight[g, k]
            if w:
                codes = compiled.codes[a]
                v += w * (codes[idx] != codes[o])
        return v


def _one_attribute(name: str) -> Callable[[Compiled], SearchTerm | None]:
    def build(compiled: Compiled) -> SearchTerm | None:
        w = _weights(compiled, lambda ws: ws.term_weight(name))
        index = compiled.attr_names.index(name)
        return _Diversity(name, [index], w[:, None]) if np.any(w) else None

    return build


def _declared_attributes(compiled: Compiled) -> SearchTerm | None:
    problem = compiled.problem
    attrs = [compiled.attr_names.index(a) for a in problem.attributes]
    if not attrs:
        return None
    w = np.array(
        [
            [
                problem.network_weights(n).attributes
                * problem.network_weights(n).attribute_factor(a)
                for a in problem.attributes
            ]
            for n in compiled.names
        ]
    )
    return _Diversity("attributes", attrs, w) if np.any(w) else None


class _Skills(SearchTerm):
    """Member pairs where exactly one holds a skill, over all skills."""

    name = "skills"

    def contrib(self, st: SearchState, i: int, g: int) -> float:
        w = self.weight[g]
        if not w:
            return 0.0
        s = int(st.size[g])
        c = st.skill_count[g]
        return float(w * (c.sum() + st.compiled.holds[i] @ (s - 2 * c)))

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        w = self.weight[g]
        if not w:
            return np.zeros(idx.size)
        s = int(st.size[g])
        c = st.skill_count[g]
        return np.asarray(w * (c.sum() + st.compiled.holds[idx] @ (s - 2 * c)), dtype=float)

    def pair(self, compiled: Compiled, g: int, idx: np.ndarray, o: int) -> np.ndarray:
        h = compiled.holds
        return np.asarray(self.weight[g] * np.abs(h[idx] - h[o]).sum(axis=1), dtype=float)


def _skills(compiled: Compiled) -> SearchTerm | None:
    w = _weights(compiled, lambda ws: ws.skills)
    return _Skills(w) if compiled.n_skills and np.any(w) else None


class _NewCrossSectorTies(SearchTerm):
    """Member pairs from different sectors who do not know each other yet."""

    name = "new_cross_sector_ties"

    def contrib(self, st: SearchState, i: int, g: int) -> float:
        w = self.weight[g]
        if not w:
            return 0.0
        s = int(st.size[g])
        sec = st.compiled.sector[i]
        return float(
            w
            * (
                (s - int(st.value_count[st.compiled.sector_attr][g, sec]))
                - int(st.known_other_sector[i, g])
            )
        )

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        s = int(st.size[g])
        sec = st.compiled.sector[idx]
        other = s - st.value_count[st.compiled.sector_attr][g, sec]
        return np.asarray(self.weight[g] * (other - st.known_other_sector[idx, g]), dtype=float)

    def pair(self, compiled: Compiled, g: int, idx: np.ndarray, o: int) -> np.ndarray:
        sec = compiled.sector
        known = compiled.neighbour_list[o]
        tied = np.isin(idx, known) if known else np.zeros(idx.size, dtype=bool)
        return np.asarray(self.weight[g] * ((sec[idx] != sec[o]) & ~tied), dtype=float)


def _new_cross_sector_ties(compiled: Compiled) -> SearchTerm | None:
    w = _weights(compiled, lambda ws: ws.new_cross_sector_ties)
    return _NewCrossSectorTies(w) if np.any(w) else None


class _Synergy(SearchTerm):
    """Sector x sector complementarity summed over member pairs."""

    name = "synergy"

    def __init__(self, weight: np.ndarray, table: np.ndarray) -> None:
        super().__init__(weight)
        self.table = table  # (G, sectors, sectors)

    def contrib(self, st: SearchState, i: int, g: int) -> float:
        w = self.weight[g]
        if not w:
            return 0.0
        sec = st.compiled.sector[i]
        row = self.table[g, sec]
        value = float(row @ st.value_count[st.compiled.sector_attr][g])
        if st.member[i, g]:
            value -= row[sec]
        return float(w * value)

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        sec = st.compiled.sector[idx]
        return np.asarray(
            self.weight[g] * (self.table[g][sec] @ st.value_count[st.compiled.sector_attr][g]),
            dtype=float,
        )

    def pair(self, compiled: Compiled, g: int, idx: np.ndarray, o: int) -> np.ndarray:
        sec = compiled.sector
        return np.asarray(self.weight[g] * self.table[g][sec[idx], sec[o]], dtype=float)


def _synergy(compiled: Compiled) -> SearchTerm | None:
    w = _weights(compiled, lambda ws: ws.synergy)
    names = compiled.sector_names
    table = np.zeros((compiled.G, len(names), len(names)))
    for g, spec in enumerate(compiled.problem.networks):
        for sa, a in enumerate(names):
            for sb, b in enumerate(names):
                table[g, sa, sb] = spec.synergy_of(a, b)
    return _Synergy(w, table) if np.any(table != 0) and np.any(w) else None


class _Relevance(SearchTerm):
    """The members' relevance to the network."""

    name = "relevance"

    def contrib(self, st: SearchState, i: int, g: int) -> float:
        return float(self.weight[g] * st.compiled.relevance[i, g])

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        return np.asarray(self.weight[g] * st.compiled.relevance[idx, g], dtype=float)


def _relevance(compiled: Compiled) -> SearchTerm | None:
    w = _weights(compiled, lambda ws: ws.relevance)
    return _Relevance(w) if np.any(w) else None


class _Dissimilarity(SearchTerm):
    """The user's dissimilarity summed over member pairs (through ``state.dsum``)."""

    name = "dissimilarity"

    def contrib(self, st: SearchState, i: int, g: int) -> float:
        D = st.compiled.D
        if st.dsum is None or D is None or not self.weight[g]:
            return 0.0
        value = float(st.dsum[i, g])
        if st.member[i, g]:
            value -= float(D[i, i])
        return float(self.weight[g] * value)

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        if st.dsum is None:
            return np.zeros(idx.size)
        return np.asarray(self.weight[g] * st.dsum[idx, g], dtype=float)

    def pair(self, compiled: Compiled, g: int, idx: np.ndarray, o: int) -> np.ndarray:
        D = compiled.D
        if D is None:
            return np.zeros(idx.size)
        return np.asarray(self.weight[g] * D[idx, o], dtype=float)


def _dissimilarity(compiled: Compiled) -> SearchTerm | None:
    w = _weights(compiled, lambda ws: ws.dissimilarity)
    return _Dissimilarity(w) if compiled.D is not None and np.any(w) else None


class _Cohesion(SearchTerm):
    """Members who already know at least ``cohesion_target`` others inside."""

    name = "cohesion"
    separable = False

    def __init__(self, weight: np.ndarray, target: np.ndarray) -> None:
        super().__init__(weight)
        self.target = target

    def delta(self, st: SearchState, i: int, g: int, add: bool) -> float:
        w = self.weight[g]
        if not w:
            return 0.0
        t = int(self.target[g])
        known = st.known_inside[:, g]
        own = 1 if known[i] >= t else 0
        d = 0
        nb = st.compiled.neighbours[i]
        if t >= 1 and nb.size:
            hit = t - 1 if add else t
            d = int(np.count_nonzero(st.member[nb, g] & (known[nb] == hit)))
        return float(w * (own + d)) if add else -float(w * (own + d))

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        return np.asarray(self.weight[g] * (st.known_inside[idx, g] >= self.target[g]), dtype=float)


def _cohesion(compiled: Compiled) -> SearchTerm | None:
    w = _weights(compiled, lambda ws: ws.cohesion)
    target = np.array(
        [compiled.problem.network_weights(n).cohesion_target for n in compiled.names],
        dtype=np.int64,
    )
    return _Cohesion(w, target) if np.any(w) else None


class _Spread(SearchTerm):
    """Distinct people placed (one global weight)."""

    name = "spread"
    separable = False

    def delta(self, st: SearchState, i: int, g: int, add: bool) -> float:
        w = float(self.weight[0])
        if add and st.seats[i] == 0:
            return w
        if not add and st.seats[i] == 1:
            return -w
        return 0.0

    def scores(self, st: SearchState, g: int, idx: np.ndarray) -> np.ndarray:
        return np.asarray(float(self.weight[0]) * (st.seats[idx] == 0), dtype=float)


def _spread(compiled: Compiled) -> SearchTerm | None:
    w = float(compiled.problem.weights.spread)
    return _Spread(np.full(compiled.G, w)) if w else None


#: One factory per term name of :mod:`evocompose.vocabulary`.
TERMS: dict[str, Callable[[Compiled], SearchTerm | None]] = {
    "sector": _one_attribute("sector"),
    "actor_type": _one_attribute("actor_type"),
    "area": _one_attribute("area"),
    "attributes": _declared_attributes,
    "skills": _skills,
    "new_cross_sector_ties": _new_cross_sector_ties,
    "cohesion": _cohesion,
    "relevance": _relevance,
    "synergy": _synergy,
    "spread": _spread,
    "dissimilarity": _dissimilarity,
}
