"""Objective terms, their weights, and the reference evaluation of a composition.

The objective is a weighted sum (or a lexicographic order) of terms, each
summed over the networks of a composition:

``sector``, ``actor_type``, ``area``, ``attributes``
    Attribute diversity: the number of member pairs whose values differ.
    For a network of size ``s`` with ``c_v`` members of value ``v`` this is
    ``C(s, 2) - sum_v C(c_v, 2)``; an empty value counts as a value of its own.
``skills``
    Skill diversity: over every skill in the pool, the number of member pairs
    where exactly one holds it, ``sum_k c_k * (s - c_k)``.
``new_cross_sector_ties``
    Member pairs from different sectors who are not yet acquainted.
``cohesion``
    Members who already know at least ``cohesion_target`` others inside the
    network (a bonus; the hard version is ``NetworkSpec.min_known``).
``relevance``
    Sum of the members' relevance to the network's theme.
``synergy``
    Sum over member pairs of the network's sector x sector complementarity.
``spread``
    Number of distinct people placed: with capacity above one, this prefers
    spreading places over many people.
``dissimilarity``
    Sum over member pairs of a user-supplied dissimilarity matrix.

:func:`evaluate` is the reference implementation used for reporting and for
comparing hand-picked and optimised compositions. It is written directly from
the definitions above, independently of any solver model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from itertools import combinations
from typing import TYPE_CHECKING

from evocompose.vocabulary import TERM_NAMES
from evocompose.weights import Weights

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Candidate, NetworkSpec, Problem

__all__ = ["TERMS", "TERM_VALUES", "Weights", "breakdown", "evaluate", "weighted_total"]

#: Every objective term, in the default lexicographic order (the names of
#: :data:`evocompose.vocabulary.TERMS`).
TERMS: tuple[str, ...] = TERM_NAMES


def _mismatched_pairs(values: list[str]) -> int:
    s = len(values)
    return s * (s - 1) // 2 - sum(c * (c - 1) // 2 for c in Counter(values).values())


#: The raw value of one per-network term: ``(problem, spec, members, weights)``
#: where ``members`` are the network's candidates and ``weights`` the network's.
TermValue = Callable[["Problem", "NetworkSpec", "list[Candidate]", Weights], float]


def _attribute_pairs(field: str) -> TermValue:
    def value(problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights) -> float:
        return float(_mismatched_pairs([c.attribute(field) for c in people]))

    return value


def _attributes(problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights) -> float:
    return float(
        sum(
            w.attribute_factor(a) * _mismatched_pairs([c.attribute(a) for c in people])
            for a in problem.attributes
        )
    )


def _skills(problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights) -> float:
    s = len(people)
    counts = Counter(k for c in people for k in c.skills)
    return float(sum(k * (s - k) for k in counts.values()))


def _new_cross_sector_ties(
    problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights
) -> float:
    ties = problem.ties
    return float(
        sum(
            1
            for a, b in combinations(people, 2)
            if a.sector != b.sector and not ties.has_edge(a.id, b.id)
        )
    )


def _cohesion(problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights) -> float:
    ties = problem.ties
    inside = {c.id for c in people}
    return float(
        sum(
            1
            for c in people
            if sum(1 for nb in ties.neighbors(c.id) if nb in inside) >= w.cohesion_target
        )
    )


def _relevance(problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights) -> float:
    return float(sum(problem.relevance(c.id, spec.name) for c in people))


def _synergy(problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights) -> float:
    return float(sum(spec.synergy_of(a.sector, b.sector) for a, b in combinations(people, 2)))


def _dissimilarity(
    problem: Problem, spec: NetworkSpec, people: list[Candidate], w: Weights
) -> float:
    d = problem.dissimilarity
    if d is None:
        return 0.0
    idx = [problem.pool.index(c.id) for c in people]
    return float(sum(d[i, j] for i, j in combinations(idx, 2)))


#: Reference value of every per-network term, by name (``spread`` is global:
#: the number of distinct people placed, computed in :func:`evaluate`).
TERM_VALUES: dict[str, TermValue | None] = {
    "sector": _attribute_pairs("sector"),
    "actor_type": _attribute_pairs("actor_type"),
    "area": _attribute_pairs("area"),
    "attributes": _attributes,
    "skills": _skills,
    "new_cross_sector_ties": _new_cross_sector_ties,
    "cohesion": _cohesion,
    "relevance": _relevance,
    "synergy": _synergy,
    "spread": None,
    "dissimilarity": _dissimilarity,
}


def evaluate(problem: Problem, composition: Composition) -> dict[str, dict[str, float]]:
    """Raw (unweighted) value of every objective term, per network.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    dict
        ``{network: {term: value}}``; the pseudo-network ``"*"`` holds
        ``spread`` (distinct people placed), which is not per network.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ("p1", "p2")})
    >>> evaluate(p, comp)["a"]["sector"]
    1.0
    """
    pool = problem.pool
    out: dict[str, dict[str, float]] = {}
    placed: set[str] = set()
    for spec in problem.networks:
        members = list(composition.members.get(spec.name, ()))
        placed.update(members)
        people = [pool[m] for m in members]
        w = problem.network_weights(spec.name)
        terms: dict[str, float] = dict.fromkeys(TERMS, 0.0)
        for name, value in TERM_VALUES.items():
            if value is not None:
                terms[name] = value(problem, spec, people, w)
        out[spec.name] = terms
    out["*"] = {"spread": float(len(placed))}
    return out


def weighted_total(problem: Problem, values: Mapping[str, Mapping[str, float]]) -> float:
    """Weighted objective from :func:`evaluate`'s per-network values.

    Per-network weight overrides apply to their network; ``spread`` uses the
    problem's global weight.
    """
    total = 0.0
    for spec in problem.networks:
        w = problem.network_weights(spec.name)
        for term, value in values.get(spec.name, {}).items():
            if term == "spread":
                continue
            total += w.term_weight(term) * value
    total += problem.weights.spread * values.get("*", {}).get("spread", 0.0)
    return total


def breakdown(
    problem: Problem, composition: Composition
) -> tuple[float, dict[str, float], dict[str, float]]:
    """Weighted objective and its terms summed over networks.

    Returns
    -------
    total : float
        The weighted objective (:func:`weighted_total` of :func:`evaluate`).
    raw : dict
        Each term's raw value summed over networks.
    weighted : dict
        Each term's contribution (raw value times its, possibly per-network, weight).
    """
    values = evaluate(problem, composition)
    raw: dict[str, float] = dict.fromkeys(TERMS, 0.0)
    weighted: dict[str, float] = dict.fromkeys(TERMS, 0.0)
    for spec in problem.networks:
        w = problem.network_weights(spec.name)
        for term, v in values[spec.name].items():
            if term == "spread":
                continue
            raw[term] += v
            weighted[term] += w.term_weight(term) * v
    raw["spread"] = values["*"]["spread"]
    weighted["spread"] = problem.weights.spread * raw["spread"]
    return weighted_total(problem, values), raw, weighted
