"""What a diagnosis of an impossible problem holds: :class:`Diagnosis`.

:func:`evocompose.diagnose` computes it (and :func:`evocompose.solve`
attaches it to an INFEASIBLE result as ``result.diagnosis``). This module
holds only the data and its plain-language rendering:

* :class:`RuleRef` — one stated rule of a problem: a rule name of
  :mod:`evocompose.vocabulary` with its network and which item (the second
  quota of *food*, the pin of one person, a conflict pair, ...);
* :class:`Conflict` — one rule of a minimal conflicting set, with what it
  demands and the numbers behind it;
* :class:`Relaxation` — the smallest change to one of those rules that makes
  the whole problem feasible, verified by solving;
* :class:`Diagnosis` — the conflict, the counting facts, the relaxations.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from html import escape
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from evocompose.language import Text, check_language, number, pick, text

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem

__all__ = ["Conflict", "Diagnosis", "Relaxation", "RuleRef"]


@dataclass(frozen=True)
class RuleRef:
    """One stated rule of a problem.

    Attributes
    ----------
    rule : str
        A rule name of :mod:`evocompose.vocabulary`.
    network : str or None
        The network that states it (``None`` for rules across networks).
    item : hashable, optional
        Which one: the index of a quota or skill requirement in the
        network's list, the field of a ``max_per`` rule, a person's id (a
        pin, a required person), a pair of ids (a conflict, a must-pair), a
        pair of network names (``sharing``), the other network of a bridge.
    part : {"min", "max"} or None
        The bound of a size or quota rule.

    Examples
    --------
    >>> RuleRef("quota", "food", 0, "min").label
    'quota[food][0][min]'
    """

    rule: str
    network: str | None = None
    item: Hashable = None
    part: str | None = None

    @property
    def label(self) -> str:
        """A stable text id, ``rule[network][item][part]`` (parts left out when empty)."""
        out = self.rule
        if self.network is not None:
            out += f"[{self.network}]"
        if self.item is not None:
            item = "|".join(self.item) if isinstance(self.item, tuple) else str(self.item)
            out += f"[{item}]"
        if self.part is not None:
            out += f"[{self.part}]"
        return out


@dataclass(frozen=True)
class Conflict:
    """One rule of a conflicting set.

    Attributes
    ----------
    ref : RuleRef
    says : Text
        What the rule demands, with its numbers, e.g. "Fødevarer og Jordbrug
        needs at least 12 members from agriculture".
    detail : mapping
        The numbers (bound, supply counts, ...).
    """

    ref: RuleRef
    says: Text
    detail: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "says", MappingProxyType(dict(self.says)))
        object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))

    def __hash__(self) -> int:
        return hash(self.ref)

    @property
    def rule(self) -> str:
        """The rule's name."""
        return self.ref.rule

    @property
    def network(self) -> str | None:
        """The network stating it."""
        return self.ref.network


@dataclass(frozen=True)
class Relaxation:
    """The smallest change to one rule that makes the whole problem feasible.

    Attributes
    ----------
    ref : RuleRef
        The rule changed.
    change : Text
        The change in plain words, e.g. "lower the minimum of agriculture
        members of Fødevarer og Jordbrug from 12 to 9".
    before, after : object
        The rule's value before and after (``None`` after: the rule is
        dropped).
    enough : bool
        ``False`` when no change to this rule alone makes the problem
        feasible (then ``after`` is the largest change tried).
    smallest : bool
        Every smaller change was proven infeasible (``False`` when a solve
        in between ran out of time: the change found works, a smaller one
        might too).
    status : str
        Status of the verifying solve of the relaxed problem.
    objective : float or None
        The objective that solve reached.
    problem : Problem or None
        The relaxed problem (to solve further or to save).
    composition : Composition or None
        The composition that verified it.
    """

    ref: RuleRef
    change: Text
    before: Any
    after: Any
    enough: bool
    smallest: bool = True
    status: str = ""
    objective: float | None = None
    problem: Problem | None = field(default=None, compare=False, repr=False)
    composition: Composition | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "change", MappingProxyType(dict(self.change)))

    def __hash__(self) -> int:
        return hash((self.ref, repr(self.after)))

    def describe(self, language: str = "en") -> str:
        """One sentence: the change and what it reaches."""
        lang = check_language(language)
        what = pick(self.change, lang)
        if not self.enough:
            return what + (" — not enough on its own" if lang == "en" else " — ikke nok i sig selv")
        if self.objective is None:
            tail = " (verified)" if lang == "en" else " (efterprøvet)"
        else:
            value = number(self.objective, lang)
            tail = (
                f" (verified: objective {value})"
                if lang == "en"
                else f" (efterprøvet: målværdi {value})"
            )
        if not self.smallest:
            tail += (
                "; a smaller change was not ruled out in the time given"
                if lang == "en"
                else "; en mindre ændring blev ikke udelukket i den givne tid"
            )
        return what + tail


#: Beyond this many rules of one kind in a conflict, the paragraph names the
#: first few and counts the rest.
GROUP = 4


def _grouped(conflict: tuple[Conflict, ...], language: str) -> list[str]:
    """What each rule says; many rules of one kind (pins, exclusions) are counted, not listed."""
    kinds: dict[tuple[str, str | None], list[Conflict]] = {}
    for c in conflict:
        kinds.setdefault((c.rule, c.network), []).append(c)
    out: list[str] = []
    for (rule, _), items in kinds.items():
        if len(items) <= GROUP:
            out += [pick(c.says, language) for c in items]
            continue
        out += [pick(c.says, language) for c in items[: GROUP - 1]]
        more = len(items) - (GROUP - 1)
        out.append(
            f"and {more} more {rule} rules like these"
            if language == "en"
            else f"og {more} flere {rule}-regler af samme slags"
        )
    return out


def _sentence(words: str) -> str:
    """``words`` with a capital first letter and a full stop."""
    words = words.strip()
    if not words:
        return words
    return words[0].upper() + words[1:] + ("" if words.endswith(".") else ".")


_GLUE: dict[str, dict[str, str]] = {
    "feasible": text(
        "The rules can all be kept: a composition exists (the solve ran out of time before "
        "finding one; give it more time, or start from diagnosis.composition).",
        "Reglerne kan alle overholdes: der findes en sammensætning (løsningen løb tør for tid, "
        "før den fandt en; giv den mere tid, eller start fra diagnosis.composition).",
    ),
    "unknown": text(
        "Within {seconds} s it could not be decided whether the rules can all be kept.",
        "Inden for {seconds} s kunne det ikke afgøres, om alle regler kan overholdes.",
    ),
    "impossible": text(
        "The networks cannot be composed: {n} rule(s) conflict.",
        "Netværkene kan ikke sammensættes: {n} regel/regler er i konflikt.",
    ),
    "impossible_plain": text(
        "The networks cannot be composed.", "Netværkene kan ikke sammensættes."
    ),
    "impossible_one": text(
        "The networks cannot be composed: one rule cannot be kept.",
        "Netværkene kan ikke sammensættes: én regel kan ikke overholdes.",
    ),
    "minimal": text(
        "Each of them is needed for the conflict: drop any one and the rest can be kept together.",
        "Hver af dem er nødvendig for konflikten: fjernes én, kan resten overholdes sammen.",
    ),
    "not_minimal": text(
        "(This set may hold more rules than needed: the time ran out before it was shrunk further.)",
        "(Mængden kan rumme flere regler end nødvendigt: tiden slap op, før den blev gjort mindre.)",
    ),
    "relax": text(
        "Smallest changes that make the problem feasible, each verified by composing:",
        "Mindste ændringer, der gør opgaven mulig, hver efterprøvet ved at sammensætte:",
    ),
    "no_relax": text(
        "No single change to these rules makes the whole problem feasible: "
        "another conflict remains; relax two of them, or diagnose again after one change.",
        "Ingen enkelt ændring af disse regler gør hele opgaven mulig: "
        "en anden konflikt står tilbage; løsn to af dem, eller diagnosticér igen efter én ændring.",
    ),
}


@dataclass(frozen=True)
class Diagnosis:
    """Why a problem has no composition, and what to change.

    Attributes
    ----------
    feasible : bool or None
        ``False``: proven impossible (by counting or by CP-SAT); ``True``: a
        composition exists after all (the solve ran out of time);
        ``None``: undecided within the time given.
    conflict : tuple of Conflict
        A set of rules that cannot all hold together, with what each demands.
    facts : tuple of Text
        The counting arguments behind the conflict ("no slot has more than 9
        of them free (most: tue-evening)").
    relaxations : tuple of Relaxation
        Per rule of the conflict, the smallest change that makes the whole
        problem feasible, each verified by a solve.
    minimal : bool
        The conflict is proven minimal: dropping any one of its rules lets
        the others hold together.
    source : str
        How the conflict was found: ``"counting"``, ``"cpsat"`` or both.
    seconds : float
        Time spent diagnosing.
    language : {"en", "da"}
        The language of ``str(diagnosis)``.
    composition : Composition or None
        With ``feasible=True``, the composition that proves it.
    """

    feasible: bool | None
    conflict: tuple[Conflict, ...] = ()
    facts: tuple[Text, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()
    minimal: bool = False
    source: str = ""
    seconds: float = 0.0
    language: str = "en"
    composition: Composition | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        check_language(self.language)
        object.__setattr__(self, "conflict", tuple(self.conflict))
        object.__setattr__(self, "facts", tuple(MappingProxyType(dict(f)) for f in self.facts))
        object.__setattr__(self, "relaxations", tuple(self.relaxations))

    def __hash__(self) -> int:
        return hash((self.feasible, self.conflict, self.relaxations))

    @property
    def rules(self) -> tuple[str, ...]:
        """The names of the conflicting rules, in order."""
        return tuple(c.rule for c in self.conflict)

    def in_language(self, language: str) -> Diagnosis:
        """The same diagnosis, rendered in ``language`` (``"en"`` or ``"da"``)."""
        return replace(self, language=check_language(language))

    def text(self, language: str | None = None) -> str:
        """The diagnosis as a paragraph a steering group can read."""
        lang = check_language(language or self.language)
        g = {k: pick(v, lang) for k, v in _GLUE.items()}
        if self.feasible is True:
            return g["feasible"]
        if self.feasible is None and not self.conflict:
            return g["unknown"].format(seconds=number(self.seconds, lang, 1))
        parts: list[str] = []
        if not self.conflict:
            parts.append(g["impossible_plain"])
            parts += [_sentence(pick(f, lang)) for f in self.facts]
            return " ".join(parts)
        if len(self.conflict) == 1:
            parts.append(g["impossible_one"])
        else:
            parts.append(g["impossible"].format(n=len(self.conflict)))
        parts.append(_sentence("; ".join(_grouped(self.conflict, lang))))
        parts += [_sentence(pick(f, lang)) for f in self.facts]
        if len(self.conflict) > 1:
            parts.append(g["minimal"] if self.minimal else g["not_minimal"])
        good = [r for r in self.relaxations if r.enough]
        short = [r for r in self.relaxations if not r.enough]
        if good:
            parts.append(g["relax"])
            parts += [f"({i}) {r.describe(lang)}." for i, r in enumerate(good, 1)]
            if short:
                alone = ("Not enough on its own: " if lang == "en" else "Ikke nok alene: ") + (
                    "; ".join(pick(r.change, lang) for r in short)
                )
                parts.append(_sentence(alone))
        elif self.relaxations:
            parts.append(g["no_relax"])
        return " ".join(parts)

    def __str__(self) -> str:
        return self.text()

    def to_frame(self, language: str | None = None) -> pd.DataFrame:
        """One row per conflicting rule, with its relaxation.

        Columns ``rule, network, item, says, change, enough, objective``.
        """
        lang = check_language(language or self.language)
        relax = {r.ref: r for r in self.relaxations}
        rows = []
        for c in self.conflict:
            r = relax.get(c.ref)
            rows.append(
                {
                    "rule": c.rule,
                    "network": c.network,
                    "item": c.ref.item
                    if not isinstance(c.ref.item, tuple)
                    else "|".join(c.ref.item),
                    "says": pick(c.says, lang),
                    "change": pick(r.change, lang) if r is not None else None,
                    "enough": r.enough if r is not None else None,
                    "objective": r.objective if r is not None else None,
                }
            )
        columns = ["rule", "network", "item", "says", "change", "enough", "objective"]
        return pd.DataFrame(rows, columns=columns)

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        return f"<p>{escape(self.text())}</p>" + frame.to_html(index=False, na_rep="")
