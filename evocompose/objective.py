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
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from itertools import combinations
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from evocompose.data import Problem
    from evocompose.result import Composition

__all__ = ["TERMS", "Weights", "breakdown", "evaluate", "weighted_total"]

#: Every objective term, in the default lexicographic order.
TERMS: tuple[str, ...] = (
    "sector",
    "actor_type",
    "area",
    "attributes",
    "skills",
    "new_cross_sector_ties",
    "cohesion",
    "relevance",
    "synergy",
    "spread",
    "dissimilarity",
)


@dataclass(frozen=True)
class Weights:
    """Objective weights.

    Defaults make diversity over sector and actor type the main goal, with
    relevance strong enough that a network does not trade a relevant member
    for a marginally more diverse one, and the remaining terms as tie-breakers.

    Parameters
    ----------
    sector, actor_type, area : float
        Weight per mismatched member pair on that attribute.
    attributes : float
        Weight per mismatched member pair on the declared attributes.
    attribute_weights : mapping of str to float
        Relative factor per declared attribute inside the ``attributes`` term
        (default 1.0 each): the term is ``sum_a factor_a * mismatches_a``.
    skills : float
        Weight per (skill, member pair) where exactly one of the two holds it.
    new_cross_sector_ties : float
        Weight per member pair from different sectors not yet acquainted.
    cohesion : float
        Weight per member knowing at least ``cohesion_target`` others inside.
    cohesion_target : int
        See ``cohesion``.
    relevance : float
        Weight per unit of member relevance (relevance is in [0, 1]).
    synergy : float
        Multiplier of the networks' synergy tables.
    spread : float
        Weight per distinct person placed.
    dissimilarity : float
        Multiplier of the problem's dissimilarity matrix.
    mode : {"weighted", "lexicographic"}
        ``weighted`` maximises the weighted sum. ``lexicographic`` maximises
        the terms one after another in ``order`` (terms with weight 0 are
        skipped), each stage keeping the previous optima.
    order : tuple of str
        Term order for the lexicographic mode.
    """

    sector: float = 1.0
    actor_type: float = 1.0
    area: float = 0.5
    attributes: float = 0.5
    attribute_weights: Mapping[str, float] = field(default_factory=dict)
    skills: float = 0.1
    new_cross_sector_ties: float = 0.5
    cohesion: float = 1.0
    cohesion_target: int = 1
    relevance: float = 10.0
    synergy: float = 1.0
    spread: float = 1.0
    dissimilarity: float = 1.0
    mode: Literal["weighted", "lexicographic"] = "weighted"
    order: tuple[str, ...] = TERMS

    def __hash__(self) -> int:
        return hash(
            tuple(getattr(self, f.name) for f in fields(self) if f.name != "attribute_weights")
        )

    def term_weight(self, term: str) -> float:
        """Weight of one term (``attributes`` uses the default attribute weight)."""
        if term not in TERMS:
            raise KeyError(term)
        return float(getattr(self, term))

    def attribute_factor(self, attribute: str) -> float:
        """Relative factor of one declared attribute inside the ``attributes`` term."""
        return float(self.attribute_weights.get(attribute, 1.0))

    def merged(self, overrides: Mapping[str, float]) -> Weights:
        """A copy with some weights replaced (used for per-network overrides)."""
        from dataclasses import replace

        return replace(self, **dict(overrides))  # type: ignore[arg-type]


def _mismatched_pairs(values: list[str]) -> int:
    s = len(values)
    return s * (s - 1) // 2 - sum(c * (c - 1) // 2 for c in Counter(values).values())


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
    ties = problem.ties
    out: dict[str, dict[str, float]] = {}
    placed: set[str] = set()
    for spec in problem.networks:
        members = list(composition.members.get(spec.name, ()))
        placed.update(members)
        people = [pool[m] for m in members]
        terms: dict[str, float] = dict.fromkeys(TERMS, 0.0)
        terms["sector"] = float(_mismatched_pairs([c.sector for c in people]))
        terms["actor_type"] = float(_mismatched_pairs([c.actor_type for c in people]))
        terms["area"] = float(_mismatched_pairs([c.area for c in people]))
        w = problem.network_weights(spec.name)
        terms["attributes"] = float(
            sum(
                w.attribute_factor(a) * _mismatched_pairs([c.attribute(a) for c in people])
                for a in problem.attributes
            )
        )
        s = len(people)
        skill_counts = Counter(k for c in people for k in c.skills)
        terms["skills"] = float(sum(k * (s - k) for k in skill_counts.values()))
        new_cross = 0
        synergy = 0.0
        for a, b in combinations(people, 2):
            if a.sector != b.sector and not ties.has_edge(a.id, b.id):
                new_cross += 1
            synergy += spec.synergy_of(a.sector, b.sector)
        terms["new_cross_sector_ties"] = float(new_cross)
        terms["synergy"] = synergy
        member_set = set(members)
        terms["cohesion"] = float(
            sum(
                1
                for m in members
                if sum(1 for nb in ties.neighbors(m) if nb in member_set) >= w.cohesion_target
            )
        )
        terms["relevance"] = float(sum(problem.relevance(m, spec.name) for m in members))
        if problem.dissimilarity is not None:
            idx = [pool.index(m) for m in members]
            d = problem.dissimilarity
            terms["dissimilarity"] = float(sum(d[i, j] for i, j in combinations(idx, 2)))
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
