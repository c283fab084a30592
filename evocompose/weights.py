"""Objective weights: how much each term of the vocabulary counts.

The terms themselves are named in :mod:`evocompose.vocabulary` and defined in
``docs/objective.md``; their reference values are computed by
:func:`evocompose.objective.evaluate`.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

from evocompose.errors import ProblemError
from evocompose.limits import MAX_COUNT, MAX_NUMBER, real_number, whole_number
from evocompose.vocabulary import TERM_NAMES

__all__ = ["MAX_WEIGHT", "WEIGHT_FIELDS", "Weights"]

#: Largest absolute weight (and attribute factor) accepted (:data:`evocompose.limits.MAX_NUMBER`).
#: Larger ones make the scaled integer objective of CP-SAT overflow; no sensible objective
#: needs them. The problem further bounds the whole objective
#: (:data:`evocompose.limits.MAX_OBJECTIVE`).
MAX_WEIGHT = MAX_NUMBER


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

    Raises
    ------
    ProblemError
        A weight that is not a finite number within ``±MAX_WEIGHT``, an
        unknown mode or term, or a negative ``cohesion_target``.

    Examples
    --------
    >>> Weights(relevance=5).term_weight("relevance")
    5.0
    >>> Weights(relevance=float("nan"))
    Traceback (most recent call last):
    ...
    evocompose.errors.ProblemError: column 'weights.relevance', value nan: a weight must be a finite number between -1e+06 and 1e+06
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
    order: tuple[str, ...] = TERM_NAMES

    def __post_init__(self) -> None:
        for name in TERM_NAMES:
            _check_weight(getattr(self, name), f"weights.{name}")
        aw = dict(self.attribute_weights)
        for k, v in aw.items():
            _check_weight(v, f"weights.attribute_weights.{k}")
        object.__setattr__(self, "attribute_weights", aw)
        object.__setattr__(self, "order", tuple(self.order))
        if self.mode not in ("weighted", "lexicographic"):
            raise ProblemError(
                "mode must be 'weighted' or 'lexicographic'", column="weights.mode", value=self.mode
            )
        for t in self.order:
            if t not in TERM_NAMES:
                raise ProblemError(
                    f"unknown term in the order; use {', '.join(TERM_NAMES)}",
                    column="weights.order",
                    value=t,
                )
        target = self.cohesion_target
        if (
            not isinstance(target, numbers.Integral)
            or not whole_number(target, MAX_COUNT)
            or target < 0
        ):
            raise ProblemError(
                f"cohesion_target must be a whole number from 0 to {MAX_COUNT:,}",
                column="weights.cohesion_target",
                value=target,
            )

    def __hash__(self) -> int:
        return hash(
            tuple(getattr(self, f.name) for f in fields(self) if f.name != "attribute_weights")
        )

    def term_weight(self, term: str) -> float:
        """Weight of one term (``attributes`` uses the default attribute weight)."""
        if term not in TERM_NAMES:
            raise KeyError(term)
        return float(getattr(self, term))

    def attribute_factor(self, attribute: str) -> float:
        """Relative factor of one declared attribute inside the ``attributes`` term."""
        return float(self.attribute_weights.get(attribute, 1.0))

    def merged(self, overrides: Mapping[str, float]) -> Weights:
        """A copy with some weights replaced (used for per-network overrides)."""
        return dataclasses.replace(self, **dict(overrides))  # type: ignore[arg-type]


#: Names of every field of :class:`Weights` (the keys of the TOML ``[weights]`` table).
WEIGHT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Weights))


def _check_weight(value: object, where: str) -> None:
    if not real_number(value, MAX_WEIGHT):
        raise ProblemError(
            f"a weight must be a finite number between {-MAX_WEIGHT:g} and {MAX_WEIGHT:g}",
            column=where,
            value=value,
        )
