"""Hard rules that a network specification can carry, one small dataclass each.

Size bounds, relevance threshold and pins are plain fields of
:class:`evocompose.NetworkSpec`; the rules here carry more structure. Each
validates itself when built (raising :class:`~evocompose.NetworkSpecError`
with the field concerned), and has a ``describe()`` used in summaries,
checker messages and solver constraint names. Cross-references to the pool
(does a quota's sector exist?) are checked once, by :class:`~evocompose.Problem`.

The rule *names* (``quota``, ``max_per``, ...) are declared in
:mod:`evocompose.vocabulary`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from evocompose.errors import NetworkSpecError, shown
from evocompose.fields import SLOT_RE, parse_flag
from evocompose.limits import MAX_COUNT, real_number, whole_number

__all__ = [
    "BridgeRule",
    "MaxPer",
    "MeetingRule",
    "Quota",
    "SkillRequirement",
    "as_fraction",
]


def as_fraction(x: float | int | Fraction) -> Fraction:
    """Exact fraction of a share given as a decimal (``0.3`` becomes ``3/10``)."""
    if isinstance(x, Fraction):
        return x
    return Fraction(str(x)).limit_denominator(10_000)


def _whole(value: object) -> bool:
    """A whole number (``3`` or ``3.0``, not a bool) within ``±MAX_COUNT``."""
    return whole_number(value, MAX_COUNT)


def _number(value: object) -> bool:
    """A finite number within [-1, 1] at most (shares and quorums are in [0, 1])."""
    return real_number(value, 1.0)


@dataclass(frozen=True)
class Quota:
    """How many members of a network may or must have one of some values.

    Parameters
    ----------
    field : str
        A countable built-in field (``sector``, ``actor_type``, ``area``,
        ``external``, ``organisation``) or a declared attribute.
    values : tuple of str
        The values counted. For ``external`` this is ``("true",)`` (or
        ``("false",)`` to count local members).
    min, max : int or float, optional
        Bounds on the count (``unit="count"``, whole numbers) or on the share
        of the network's size (``unit="share"``, numbers in [0, 1]).
    unit : {"count", "share"}
    label : str, optional
        A readable name for the counted values, e.g. the sector group's name.

    Examples
    --------
    >>> Quota("sector", ("agriculture",), min=2).describe()
    'sector in {agriculture} >= 2'
    >>> Quota("sector", ("agriculture",), min=3, max=2)
    Traceback (most recent call last):
    ...
    evocompose.errors.NetworkSpecError: column 'quota', value (3, 2): quota 'sector in {agriculture} >= 3 and <= 2': min > max
    """

    field: str
    values: tuple[str, ...]
    min: float | None = None
    max: float | None = None
    unit: Literal["count", "share"] = "count"
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))
        if not isinstance(self.field, str) or not self.field:
            raise NetworkSpecError("a quota needs a field to count", column="quota.field")
        if self.field == "external":
            # yes/no words in any of the accepted spellings count as 'true' / 'false'
            flags = [
                parse_flag(v) if isinstance(v, str) and v.strip() else None for v in self.values
            ]
            words = tuple(
                v if f is None else ("true" if f else "false")
                for v, f in zip(self.values, flags, strict=True)
            )
            object.__setattr__(self, "values", words)
        if self.unit not in ("count", "share"):
            raise NetworkSpecError(
                "quota unit must be 'count' or 'share'", column="quota.unit", value=self.unit
            )
        if not self.values:
            raise NetworkSpecError(
                f"quota on {self.field!r} counts no values", column="quota", value=self.values
            )
        if self.min is None and self.max is None:
            raise NetworkSpecError(
                f"quota on {self.field!r} has neither min nor max",
                column="quota",
                value=self.values,
            )
        for bound in (self.min, self.max):
            if bound is None:
                continue
            if self.unit == "share" and not (_number(bound) and 0 <= bound <= 1):
                raise NetworkSpecError(
                    f"quota '{self.describe()}': a share must be in [0, 1]",
                    column="quota",
                    value=bound,
                )
            if self.unit == "count" and not (_whole(bound) and bound >= 0):
                raise NetworkSpecError(
                    f"quota '{self.describe()}': a count must be a whole number from 0 to "
                    f"{MAX_COUNT:,}",
                    column="quota",
                    value=bound,
                )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise NetworkSpecError(
                f"quota '{self.describe()}': min > max", column="quota", value=(self.min, self.max)
            )

    def describe(self) -> str:
        """One-line description, e.g. ``sector in {agriculture} >= 2``."""
        what = self.label or "{" + ", ".join(self.values) + "}"
        bounds = []

        def fmt(v: float) -> str:
            if not real_number(v, 1e15):  # a bad bound being reported: quote it, cut
                return shown(v, 40)
            return f"{float(v):.0%}" if self.unit == "share" else f"{v:g}"

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
class MaxPer:
    """At most ``max`` members of a network share one value of ``field``.

    ``MaxPer("organisation", 1)`` allows one member per organisation;
    ``MaxPer("area", 3)`` at most three from any one area. Empty values
    count as a value of their own.

    Parameters
    ----------
    field : str
        A countable built-in field or a declared attribute.
    max : int
        Members allowed per value, at least 1.

    Examples
    --------
    >>> MaxPer("area", 3).describe()
    'at most 3 member(s) per area'
    >>> MaxPer("area", 0)
    Traceback (most recent call last):
    ...
    evocompose.errors.NetworkSpecError: column 'max_per.area', value 0: at most k members per value needs a whole number k from 1 to 1,000,000
    """

    field: str
    max: int

    def __post_init__(self) -> None:
        if not isinstance(self.field, str) or not self.field:
            raise NetworkSpecError("a max_per rule needs a field", column="max_per")
        if not _whole(self.max) or self.max < 1:
            raise NetworkSpecError(
                f"at most k members per value needs a whole number k from 1 to {MAX_COUNT:,}",
                column=f"max_per.{self.field}",
                value=self.max,
            )
        object.__setattr__(self, "max", int(self.max))

    def describe(self) -> str:
        """One-line description."""
        return f"at most {self.max} member(s) per {self.field}"


@dataclass(frozen=True)
class SkillRequirement:
    """At least ``min`` members of the network hold ``skill``.

    Examples
    --------
    >>> SkillRequirement("export", 2).describe()
    "at least 2 holder(s) of skill 'export'"
    """

    skill: str
    min: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.skill, str) or not self.skill:
            raise NetworkSpecError("a skill requirement needs a skill", column="skill")
        if not _whole(self.min) or self.min < 0:
            raise NetworkSpecError(
                f"skill requirement '{self.describe()}' needs a whole number min from 0 to "
                f"{MAX_COUNT:,}",
                column="skill",
                value=self.min,
            )
        object.__setattr__(self, "min", int(self.min))

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

    Examples
    --------
    >>> MeetingRule(0.75).required_available(10)
    8
    """

    quorum: float = 1.0
    slots: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", tuple(self.slots))
        if not _number(self.quorum) or not 0 < self.quorum <= 1:
            raise NetworkSpecError(
                "meeting quorum must be in (0, 1]", column="meeting.quorum", value=self.quorum
            )
        for slot in self.slots:
            if not isinstance(slot, str) or not SLOT_RE.match(slot):
                raise NetworkSpecError(
                    "malformed slot; write <day>-<time> such as tue-evening",
                    column="meeting.slots",
                    value=slot,
                )

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

    def __post_init__(self) -> None:
        if not _whole(self.min) or self.min < 0 or self.mode not in ("share", "share_or_tie"):
            raise NetworkSpecError(
                f"bridge needs a whole number min from 0 to {MAX_COUNT:,} and mode 'share' or "
                "'share_or_tie'",
                column="bridge",
                value=(self.min, self.mode),
            )
        object.__setattr__(self, "min", int(self.min))

    def describe(self) -> str:
        """One-line description."""
        how = "shared with" if self.mode == "share" else "shared with or tied to"
        return f">= {self.min} member(s) of every other network {how} this one"
