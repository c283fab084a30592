"""Records of the steering group's process that a :class:`~evocompose.Result` carries.

* :class:`Repair` (``result.repair``) — what :func:`evocompose.recompose`
  changed after declines, each :class:`MembershipChange` with its reason;
* :class:`Renewal` (``result.renewal``) — how a round of
  :func:`evocompose.renew` relates to the earlier ones: repeat pairs,
  continuity, newcomers.

Only data and plain-language rendering live here; the workflows are layer-6
modules (``recompose.py``, ``renew.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import pandas as pd

from evocompose.language import Text, check_language, number, pick

__all__ = ["MembershipChange", "Renewal", "Repair"]


@dataclass(frozen=True)
class MembershipChange:
    """One change of a repair.

    Attributes
    ----------
    kind : {"in", "out", "slot"}
        A person joins or leaves a network, or a network meets in another slot.
    network : str
    person : str or None
        The person (``None`` for a slot change).
    forced : bool
        A decline or unavailability forced it (not counted as a change the
        repair chose).
    reason : Text
        Why, in plain words (and in each language).
    replaces : str or None
        For ``"in"``: whose place the person takes, when paired with a leaver.
    rules : tuple of str
        Names of the rules this change keeps (an arrival filling a quota,
        a skill, the meeting quorum, ...).
    before, after : str or None
        For ``"slot"``: the old and the new slot.
    """

    kind: Literal["in", "out", "slot"]
    network: str
    person: str | None
    forced: bool
    reason: Text
    replaces: str | None = None
    rules: tuple[str, ...] = ()
    before: str | None = None
    after: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", MappingProxyType(dict(self.reason)))
        object.__setattr__(self, "rules", tuple(self.rules))

    def __hash__(self) -> int:
        return hash((self.kind, self.network, self.person, self.before, self.after))


@dataclass(frozen=True)
class Repair:
    """What :func:`evocompose.recompose` changed, and why.

    Attributes
    ----------
    changes : tuple of MembershipChange
        Forced departures first, then each arrival, departure and slot change
        the repair chose, network by network.
    forced : int
        Memberships the declines and unavailabilities ended.
    changed : int
        Memberships changed beyond the forced ones (arrivals plus departures
        nobody forced), plus slot changes.
    fewest_proven : bool
        CP-SAT proved that no repair keeping every rule changes fewer.
    released : tuple of (str, str)
        Accepted (person, network) memberships the repair had to release
        because no repair keeps every accepted person in place (empty when
        it could); the fewest such, when ``released_proven``.
    released_proven : bool
    language : {"en", "da"}
    """

    changes: tuple[MembershipChange, ...]
    forced: int
    changed: int
    fewest_proven: bool
    released: tuple[tuple[str, str], ...] = ()
    released_proven: bool = True
    language: str = "en"

    def __post_init__(self) -> None:
        check_language(self.language)
        object.__setattr__(self, "changes", tuple(self.changes))
        object.__setattr__(self, "released", tuple(tuple(p) for p in self.released))

    def text(self, language: str | None = None) -> str:
        """The repair in plain words, one line per change."""
        lang = check_language(language or self.language)
        lines: list[str] = []
        if self.released:
            who = ", ".join(f"{p} ({n})" for p, n in self.released)
            if lang == "en":
                fewest = "the fewest" if self.released_proven else "as few as found"
                lines.append(
                    f"No repair keeps every accepted person in place; {fewest} to release: {who}."
                )
            else:
                fewest = "færrest mulige" if self.released_proven else "så få som fundet"
                lines.append(
                    f"Ingen løsning holder alle, der har sagt ja, på plads; {fewest} at frigive: {who}."
                )
        proven = (
            ("proven fewest" if lang == "en" else "bevist færrest")
            if self.fewest_proven
            else ("fewest found" if lang == "en" else "færrest fundet")
        )
        if lang == "en":
            lines.append(
                f"{self.forced} membership(s) ended by declines; {self.changed} further "
                f"change(s) ({proven}):"
            )
        else:
            lines.append(
                f"{self.forced} medlemskab(er) afsluttet af afbud; {self.changed} yderligere "
                f"ændring(er) ({proven}):"
            )
        for c in self.changes:
            sign = {"in": "+", "out": "-", "slot": "~"}[c.kind]
            who = c.person if c.person is not None else f"{c.before} -> {c.after}"
            lines.append(f"  {sign} {c.network}: {who} — {pick(c.reason, lang)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def to_frame(self, language: str | None = None) -> pd.DataFrame:
        """One row per change: ``kind, network, person, forced, replaces, rules, reason``."""
        lang = check_language(language or self.language)
        rows = [
            {
                "kind": c.kind,
                "network": c.network,
                "person": c.person,
                "forced": c.forced,
                "replaces": c.replaces,
                "rules": ", ".join(c.rules),
                "reason": pick(c.reason, lang),
            }
            for c in self.changes
        ]
        columns = ["kind", "network", "person", "forced", "replaces", "rules", "reason"]
        return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Renewal:
    """How a renewed round relates to the earlier rounds.

    Attributes
    ----------
    round : int
        This round's number (earlier rounds + 1).
    repeat_pairs : int
        Member pairs (in any network) who sat together in an earlier round.
    repeat_by_age : mapping of int to int
        Repeat pairs by how many rounds ago they last sat together (1 = the
        last round).
    repeat_cost : float
        Their cost: per pair and earlier round shared, ``repeat_weight x
        decay^(age - 1)``.
    continuity : mapping of str to (int, int)
        Per network: members continuing from the last round, and the
        network's size in the last round.
    keep : mapping of str to int
        Per network, how many members had to continue.
    turn_cost : float
        The cost of seating people by the rounds they already served
        (``turn_weight`` per membership and earlier round served).
    newcomers : int
        People placed who sat in no earlier round.
    renewal_objective : float
        The composition's objective minus ``repeat_cost`` and ``turn_cost``:
        what the renewal maximised.
    bound : float or None
        A bound CP-SAT proved on ``renewal_objective``.
    repeat_weight, decay, turn_weight : float
        The parameters.
    """

    round: int
    repeat_pairs: int
    repeat_by_age: Mapping[int, int]
    repeat_cost: float
    continuity: Mapping[str, tuple[int, int]]
    keep: Mapping[str, int]
    turn_cost: float
    newcomers: int
    renewal_objective: float
    bound: float | None = None
    repeat_weight: float = 0.0
    decay: float = 1.0
    turn_weight: float = 0.0
    language: str = "en"
    extra: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_language(self.language)
        for name in ("repeat_by_age", "continuity", "keep", "extra"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def __hash__(self) -> int:
        return hash((self.round, self.repeat_pairs, self.renewal_objective))

    def text(self, language: str | None = None) -> str:
        """The round in plain words."""
        lang = check_language(language or self.language)
        ages = ", ".join(
            f"{k} {'round(s) ago' if lang == 'en' else 'runde(r) siden'}: {v}"
            for k, v in sorted(self.repeat_by_age.items())
        )
        cont = ", ".join(f"{n} {a}/{b}" for n, (a, b) in self.continuity.items())
        if lang == "en":
            lines = [
                f"Round {self.round}: {self.repeat_pairs} pair(s) sit together again"
                + (f" ({ages})" if ages else "")
                + f", cost {number(self.repeat_cost, lang)}",
                f"  continuing members per network (of last round's): {cont}",
                f"  newcomers: {self.newcomers}; turn cost {number(self.turn_cost, lang)}",
                f"  renewal objective {number(self.renewal_objective, lang)}"
                + (f", bound {number(self.bound, lang)}" if self.bound is not None else ""),
            ]
        else:
            lines = [
                f"Runde {self.round}: {self.repeat_pairs} par sidder sammen igen"
                + (f" ({ages})" if ages else "")
                + f", omkostning {number(self.repeat_cost, lang)}",
                f"  fortsættende medlemmer pr. netværk (af sidste rundes): {cont}",
                f"  nye: {self.newcomers}; omkostning for gentagne perioder "
                f"{number(self.turn_cost, lang)}",
                f"  fornyelsens målværdi {number(self.renewal_objective, lang)}"
                + (f", grænse {number(self.bound, lang)}" if self.bound is not None else ""),
            ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def to_frame(self) -> pd.DataFrame:
        """One row per network: ``network, continuing, last_size, keep``."""
        rows = [
            {"network": n, "continuing": a, "last_size": b, "keep": self.keep.get(n)}
            for n, (a, b) in self.continuity.items()
        ]
        return pd.DataFrame(rows, columns=["network", "continuing", "last_size", "keep"])
