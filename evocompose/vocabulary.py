"""The one vocabulary: the name of every hard rule and every objective term.

Everything that enumerates rules or terms — the checker, the reference
evaluation, each solver backend, summaries, diagnoses, explanations — uses
these names and no others. Each name is declared here exactly once, with a
plain-language description; the implementations live elsewhere and are keyed
by these names:

================  ===========================================================
who               where the implementation per name lives
================  ===========================================================
activation        :data:`evocompose.data.RULE_ACTIVATION`
checker           :data:`evocompose.check.CHECKERS`
reference value   :data:`evocompose.objective.TERM_VALUES`
CP-SAT            :data:`evocompose.solvers.cpsat.rules.RULES` and
                  :data:`evocompose.solvers.cpsat.terms.TERMS`
local search      :data:`evocompose.solvers.search.rules.RULES` and
                  :data:`evocompose.solvers.search.terms.TERMS`
================  ===========================================================

A test (``tests/test_vocabulary.py``) fails when a name lacks an
implementation in any of them, and a backend handed a problem that uses a
rule or term it does not implement raises :class:`~evocompose.SolverError`
naming it (see :mod:`evocompose.solvers.contract`).

Examples
--------
>>> from evocompose.vocabulary import RULE_NAMES, rule
>>> "quota" in RULE_NAMES
True
>>> rule("max_per").scope
'network'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "RULES",
    "RULE_NAMES",
    "STRUCTURE_NAMES",
    "TERMS",
    "TERM_NAMES",
    "RuleName",
    "TermName",
    "rule",
    "term",
]


@dataclass(frozen=True)
class RuleName:
    """A hard rule, by name.

    Attributes
    ----------
    name : str
        The identifier used everywhere (violations, constraint names, errors).
    scope : {"network", "global"}
        ``network``: the rule is stated per network (a quota of *food*);
        ``global``: it is about people across networks (capacity).
    summary : str
        What the rule demands, in plain words.
    where : str
        Where the user states it (TOML key or Python field).
    """

    name: str
    scope: Literal["network", "global"]
    summary: str
    where: str


@dataclass(frozen=True)
class TermName:
    """An objective term, by name.

    Attributes
    ----------
    name : str
        The identifier used everywhere (weights, results, scorecards).
    scope : {"network", "global"}
        ``network``: summed over networks (each may override the weight);
        ``global``: one value for the whole composition.
    summary : str
        What the raw value counts, in plain words.
    """

    name: str
    scope: Literal["network", "global"]
    summary: str


#: Every hard rule, in report order (per network first, then across networks).
RULES: tuple[RuleName, ...] = (
    RuleName(
        "size", "network", "the network has between min_size and max_size members", "min_size"
    ),
    RuleName(
        "eligibility",
        "network",
        "members have at least the network's minimum relevance, and capacity for one network",
        "min_relevance, capacity",
    ),
    RuleName(
        "excluded",
        "network",
        "nobody pinned out of the network, or excluded everywhere, is a member",
        "exclude, excluded",
    ),
    RuleName("include", "network", "everyone pinned into the network is a member", "include"),
    RuleName(
        "quota",
        "network",
        "the number (or share) of members with given values of a field lies within bounds",
        "quota",
    ),
    RuleName(
        "max_per",
        "network",
        "at most k members share one value of a field (e.g. one organisation)",
        "max_per",
    ),
    RuleName("skill", "network", "at least k members hold a skill", "skill"),
    RuleName(
        "meeting",
        "network",
        "the network meets in one allowed slot in which a quorum of its members is free",
        "meeting",
    ),
    RuleName(
        "conflict", "network", "the two people of a conflict pair never sit together", "conflicts"
    ),
    RuleName(
        "must_pair",
        "network",
        "both people of a must-pair sit in a network, or neither",
        "must_pairs",
    ),
    RuleName(
        "cohesion",
        "network",
        "every member already knows at least min_known other members",
        "min_known",
    ),
    RuleName(
        "bridge",
        "network",
        "the network shares (or is tied to) at least k members of every other network",
        "bridge",
    ),
    RuleName(
        "capacity",
        "global",
        "a person sits in no more networks than their capacity",
        "capacity, default_capacity",
    ),
    RuleName(
        "sharing",
        "global",
        "two networks have members in common only when they may share members",
        "share_members",
    ),
    RuleName("required", "global", "everyone required is placed in some network", "required"),
    RuleName("assign_all", "global", "everyone in the pool is placed", "assign_all"),
)

#: Names of :data:`RULES`, in report order.
RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)

#: Checks of a composition's shape that are not rules of a problem (reported
#: by :func:`evocompose.check` only: a solver never produces them).
STRUCTURE_NAMES: tuple[str, ...] = ("unknown_network", "unknown_person")

#: Every objective term, in the default lexicographic order.
TERMS: tuple[TermName, ...] = (
    TermName("sector", "network", "member pairs from different sectors"),
    TermName("actor_type", "network", "member pairs of different actor types"),
    TermName("area", "network", "member pairs from different areas"),
    TermName(
        "attributes", "network", "member pairs that differ on each declared attribute, weighted"
    ),
    TermName("skills", "network", "member pairs where exactly one holds a skill, over all skills"),
    TermName(
        "new_cross_sector_ties",
        "network",
        "member pairs from different sectors who do not know each other yet",
    ),
    TermName(
        "cohesion", "network", "members who already know at least cohesion_target others inside"
    ),
    TermName("relevance", "network", "the members' relevance to the network's theme"),
    TermName("synergy", "network", "the sector x sector complementarity of member pairs"),
    TermName("spread", "global", "distinct people placed"),
    TermName("dissimilarity", "network", "the user's pairwise dissimilarity over member pairs"),
)

#: Names of :data:`TERMS`, in the default lexicographic order.
TERM_NAMES: tuple[str, ...] = tuple(t.name for t in TERMS)

_RULE_INDEX = {r.name: r for r in RULES}
_TERM_INDEX = {t.name: t for t in TERMS}


def rule(name: str) -> RuleName:
    """The rule called ``name``; ``KeyError`` for an unknown name."""
    return _RULE_INDEX[name]


def term(name: str) -> TermName:
    """The term called ``name``; ``KeyError`` for an unknown name."""
    return _TERM_INDEX[name]
