"""Hard rules that a network specification can carry, one small dataclass each.

Size bounds, relevance threshold, per-organisation limit and pins are plain
fields of :class:`evocompose.NetworkSpec`; the rules here carry more
structure. Every rule has a ``describe()`` used in summaries, checker
messages and solver constraint names.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

__all__ = [
    "QUOTA_FIELDS",
    "BridgeRule",
    "MeetingRule",
    "Quota",
    "SkillRequirement",
]

#: Fields a quota can count besides declared attributes.
QUOTA_FIELDS = ("sector", "actor_type", "area", "external")


def as_fraction(x: float | int | Fraction) -> Fraction:
    """Exact fraction of a share given as a decimal (``0.3`` becomes ``3/10``)."""
    if isinstance(x, Fraction):
        return x
    return Fraction(str(x)).limit_denominator(10_000)


@dataclass(frozen=True)
class Quota:
    """How many members of a network may or must have one of some values.

    Parameters
    ----------
    field : str
        ``sector``, ``actor_type``, ``area``, ``external`` or a declared attribute.
    values : tuple of str
        The values counted. For ``external`` this is ``("true",)`` (or
        ``("false",)`` to count local members).
    min, max : int or float, optional
        Bounds on the count (``unit="count"``, integers) or on the share of
        the network's size (``unit="share"``, numbers in [0, 1]).
    unit : {"count", "share"}
    label : str, optional
        A readable name for the counted values, e.g. the sector group's name.
    """

    field: str
    values: tuple[str, ...]
    min: float | None = None
    max: float | None = None
    unit: Literal["count", "share"] = "count"
    label: str = ""

    def describe(self) -> str:
        """One-line description, e.g. ``sector in {agriculture} >= 2``."""
        what = self.label or "{" + ", ".join(self.values) + "}"
        bounds = []
        fmt = (lambda v: f"{float(v):.0%}") if self.unit == "share" else (lambda v: f"{v:g}")
        if self.min is not None:
            bounds.append(f">= {fmt(self.min)}")
        if self.max is not None:
            bounds.append(f"<= {fmt(self.max)}")
        return f"{self.field} in {what} {' and '.join(bounds)}".strip()

    def count_bounds(self, size: int) -> tuple[int, int]:
        """Integer bounds on the count for a network of ``size`` members.

        A share bound ``min = p`` means ``count >= p * size`` exactly
        (rational arithmetic), so the smallest admissible count is
        ``ceil(p * size)``; ``max = q`` gives ``floor(q * size)``.
        """
        lo, hi = 0, size
        if self.unit == "share":
            if self.min is not None:
                f = as_fraction(self.min) * size
                lo = -((-f.numerator) // f.denominator)
            if self.max is not None:
                f = as_fraction(self.max) * size
                hi = f.numerator // f.denominator
        else:
            if self.min is not None:
                lo = int(self.min)
            if self.max is not None:
                hi = int(self.max)
        return lo, hi


@dataclass(frozen=True)
class SkillRequirement:
    """At least ``min`` members of the network hold ``skill``."""

    skill: str
    min: int = 1

    def describe(self) -> str:
        """One-line description."""
        return f"at least {self.min} holder(s) of skill {self.skill!r}"


@dataclass(frozen=True)
class MeetingRule:
    """The network meets in one slot; a ``quorum`` share of members must be free then.

    Parameters
    ----------
    quorum : float
        Share in (0, 1]; 1.0 means every member is available in the slot.
        The rule is ``available >= quorum * size`` in exact arithmetic.
    slots : tuple of str
        Slots the network may use; empty means any slot somebody offers.
    """

    quorum: float = 1.0
    slots: tuple[str, ...] = ()

    def describe(self) -> str:
        """One-line description."""
        where = f" among {', '.join(self.slots)}" if self.slots else ""
        return f"one common slot{where} with {self.quorum:.0%} of members free"

    def required_available(self, size: int) -> int:
        """Smallest number of members free in the slot for a network of ``size``."""
        f = as_fraction(self.quorum) * size
        return -((-f.numerator) // f.denominator)


@dataclass(frozen=True)
class BridgeRule:
    """This network must reach at least ``min`` members of every other network.

    Parameters
    ----------
    min : int
        Members of each other network that must be bridged.
    mode : {"share", "share_or_tie"}
        ``share``: the member sits in both networks. ``share_or_tie``: the
        member sits in both or already knows (has a tie to) a member of this
        network.
    """

    min: int = 1
    mode: Literal["share", "share_or_tie"] = "share_or_tie"

    def describe(self) -> str:
        """One-line description."""
        how = "shared with" if self.mode == "share" else "shared with or tied to"
        return f">= {self.min} member(s) of every other network {how} this one"
