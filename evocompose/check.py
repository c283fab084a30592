"""Independent verification of a composition against every hard rule.

:func:`check` is the yardstick that every solver result, every hand-picked
proposal and every test is measured against. It is written directly from the
rules in :mod:`evocompose.data` and :mod:`evocompose.constraints`, plainly and
on purpose without sharing code with :mod:`evocompose.solvers`: it shares
only the rule *names* of :mod:`evocompose.vocabulary`. :data:`CHECKERS`
holds one checker per rule name.

Rules checked (the ``rule`` of a :class:`Violation`); the first two are
checks of the composition's shape (:data:`~evocompose.vocabulary.STRUCTURE_NAMES`):

``unknown_network``
    The composition names a network (in ``members`` or ``slots``) that the
    problem does not have.
``unknown_person``
    A network lists an id that is not in the pool. Unknown people are reported
    once per network and then ignored by every other rule.
``size``
    ``min_size <= size <= max_size`` for every network of the problem; a
    network missing from the composition has size 0.
``capacity``
    A person sits in at most ``problem.capacity(id)`` networks. People with
    capacity 0 are reported under ``eligibility`` instead (once per network).
``sharing``
    Two networks that share a person must be allowed to
    (``problem.may_share``); one violation per network pair, listing the
    shared people.
``eligibility``
    A member's relevance is at least the network's ``min_relevance`` (when
    set), and nobody with capacity 0 is a member.
``excluded``
    No member is pinned out of the network (``spec.exclude``) or excluded
    everywhere (``problem.excluded``).
``include``
    Everyone pinned into the network is a member.
``required``
    Everyone in ``problem.required`` is placed in some network.
``assign_all``
    With ``problem.assign_all``, everyone in the pool is placed (one violation
    listing the people left out).
``quota``
    The number of members whose ``candidate.attribute(field)`` is one of the
    quota's values lies within ``quota.count_bounds(size)`` (share bounds are
    exact: ``count >= ceil(min * size)`` and ``count <= floor(max * size)``).
``max_per``
    For every ``MaxPer(field, k)`` of the network, at most ``k`` members
    share one value of ``field`` (e.g. one organisation).

Messages never quote a value of a personal field (``organisation``, see
:data:`evocompose.fields.PERSONAL_FIELDS`) unless ``show_names=True``: they
name the members by id instead.
``skill``
    At least ``min`` members hold the skill.
``meeting``
    A non-empty network with a meeting rule has a slot
    (``composition.slots[name]``), the slot is one of ``meeting.slots`` when
    that list is non-empty, and at least ``meeting.required_available(size)``
    members have the slot in their availability.
``conflict``
    The two people of a conflict pair never sit in the same network.
``must_pair``
    In every network, both people of a must-pair or neither.
``cohesion``
    With ``min_known > 0``, every member has at least ``min_known`` tie
    neighbours among the other members.
``bridge``
    With a bridge rule on network *g*, every other non-empty network *h* has at
    least ``bridge.min`` members that are also in *g* (mode ``share``) or are
    in *g* or tied to a member of *g* (mode ``share_or_tie``).

Count rules (``size``, ``quota``, ``skill``) are checked on empty networks
too: an empty network with ``min_size = 0`` still breaks a count quota with
``min >= 1`` or a skill requirement. Only the meeting rule is waived for an
empty network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from evocompose.errors import EvocomposeError
from evocompose.fields import PERSONAL_FIELDS
from evocompose.vocabulary import RULE_NAMES, STRUCTURE_NAMES, rule

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import NetworkSpec, Problem

__all__ = [
    "CHECKERS",
    "RULES",
    "InfeasibleCompositionError",
    "Violation",
    "assert_feasible",
    "check",
    "check_report",
]

#: Every rule name :func:`check` can report, in report order (the shape checks,
#: then :data:`evocompose.vocabulary.RULE_NAMES`).
RULES: tuple[str, ...] = (*STRUCTURE_NAMES, *RULE_NAMES)


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    rule : str
        One of :data:`RULES`.
    network : str or None
        The network concerned; ``None`` for rules about people across networks
        (``capacity``, ``sharing``, ``required``, ``assign_all``).
    people : tuple of str
        The candidate ids involved (e.g. the members counted by a quota, the
        two people of a conflict).
    message : str
        A readable sentence with the numbers involved.
    detail : dict
        The numbers, e.g. ``{"count": 2, "min": 3, "max": 10, "size": 10}``.
    """

    rule: str
    network: str | None
    people: tuple[str, ...]
    message: str
    detail: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def __str__(self) -> str:
        return self.message


class InfeasibleCompositionError(EvocomposeError):
    """A composition breaks hard rules; ``violations`` lists them.

    Parameters
    ----------
    violations : list of Violation
    """

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = list(violations)
        shown = self.violations[:10]
        lines = [f"the composition breaks {len(self.violations)} hard rule(s):"]
        lines += [f"  [{v.rule}] {v.message}" for v in shown]
        if len(self.violations) > len(shown):
            lines.append(f"  ... and {len(self.violations) - len(shown)} more")
        lines.append(
            "fix these, or list them all with evocompose.check_report(problem, composition)"
        )
        super().__init__("\n".join(lines))


def _ids(people: object) -> str:
    return ", ".join(repr(p) for p in people)  # type: ignore[attr-defined]


def _net(spec: NetworkSpec) -> str:
    """A network as messages name it: its title and key, or ``network 'key'`` without a title."""
    if spec.theme and spec.theme != spec.name:
        return f"{spec.theme} ({spec.name})"
    return f"network {spec.name!r}"


def _values_label(values: tuple[str, ...], label: str) -> str:
    return label or "{" + ", ".join(values) + "}"


@dataclass(frozen=True)
class _Seen:
    """What every checker reads: the problem, the composition and who sits where.

    ``members`` holds, per network of the problem, the members that are in
    the pool (unknown ids are reported once and then ignored); ``seats`` the
    networks each placed person sits in.
    """

    problem: Problem
    composition: Composition
    members: Mapping[str, list[str]]
    seats: Mapping[str, list[str]]
    show_names: bool = False

    def hides(self, fld: str) -> bool:
        """Whether messages leave out the values of this field (personal data, not asked for)."""
        return fld in PERSONAL_FIELDS and not self.show_names


NetworkChecker = Callable[[_Seen, "NetworkSpec"], list[Violation]]
GlobalChecker = Callable[[_Seen], list[Violation]]


# ----------------------------------------------------------- per-network rules
def _size(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    name = spec.name
    size = len(seen.members[name])
    if spec.min_size <= size <= spec.max_size:
        return []
    bound = f">= {spec.min_size}" if size < spec.min_size else f"<= {spec.max_size}"
    return [
        Violation(
            "size",
            name,
            (),
            f"{_net(spec)} has {size} members, needs {bound} "
            f"(size {spec.min_size}-{spec.max_size})",
            {"size": size, "min_size": spec.min_size, "max_size": spec.max_size},
        )
    ]


def _eligibility(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    problem, name = seen.problem, spec.name
    out: list[Violation] = []
    for m in seen.members[name]:
        if problem.capacity(m) == 0:
            out.append(
                Violation(
                    "eligibility",
                    name,
                    (m,),
                    f"{_net(spec)} has member {m!r} whose capacity is 0",
                    {"capacity": 0},
                )
            )
        if spec.min_relevance is not None:
            rel = problem.relevance(m, name)
            if rel < spec.min_relevance:
                out.append(
                    Violation(
                        "eligibility",
                        name,
                        (m,),
                        f"{_net(spec)} has member {m!r} with relevance {rel:g}, "
                        f"needs >= {spec.min_relevance:g}",
                        {"relevance": rel, "min_relevance": spec.min_relevance},
                    )
                )
    return out


def _excluded(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    name = spec.name
    everywhere = set(seen.problem.excluded)
    here = set(spec.exclude)
    out: list[Violation] = []
    for m in seen.members[name]:
        if m in here or m in everywhere:
            scope = "network" if m in here else "global"
            why = "pinned out of this network" if scope == "network" else "excluded everywhere"
            out.append(
                Violation(
                    "excluded",
                    name,
                    (m,),
                    f"{_net(spec)} has member {m!r} who is {why}",
                    {"scope": scope},
                )
            )
    return out


def _include(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    name = spec.name
    inside = set(seen.members[name])
    return [
        Violation(
            "include",
            name,
            (x,),
            f"{_net(spec)} is missing {x!r}, who is pinned into it",
            {},
        )
        for x in spec.include
        if x not in inside
    ]


def _quota(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    pool, name = seen.problem.pool, spec.name
    members = seen.members[name]
    size = len(members)
    out: list[Violation] = []
    for q in spec.quotas:
        values = set(q.values)
        counted = tuple(m for m in members if pool[m].attribute(q.field) in values)
        count = len(counted)
        lo, hi = q.count_bounds(size)
        if lo <= count <= hi:
            continue
        shown_values = q.label or ("the listed values" if seen.hides(q.field) else "")
        what = f"{q.field} in {shown_values or _values_label(q.values, q.label)}"
        need = f">= {lo}" if count < lo else f"<= {hi}"
        if q.unit == "share":
            share = q.min if count < lo else q.max
            need += f" ({float(share or 0):.0%} of {size})"
        out.append(
            Violation(
                "quota",
                name,
                counted,
                f"{_net(spec)} has {count} members with {what}, needs {need}",
                {
                    "field": q.field,
                    "values": q.values,
                    "count": count,
                    "min": lo,
                    "max": hi,
                    "size": size,
                    "unit": q.unit,
                },
            )
        )
    return out


def _max_per(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    pool, name = seen.problem.pool, spec.name
    out: list[Violation] = []
    for limit in spec.max_per:
        by_value: dict[str, list[str]] = {}
        for m in seen.members[name]:
            by_value.setdefault(pool[m].attribute(limit.field), []).append(m)
        for value, people in by_value.items():
            if len(people) > limit.max:
                which = (
                    f"sharing one {limit.field} ({_ids(people)})"
                    if seen.hides(limit.field)
                    else f"with {limit.field} {value!r}"
                )
                out.append(
                    Violation(
                        "max_per",
                        name,
                        tuple(people),
                        f"{_net(spec)} has {len(people)} members {which}, allows <= {limit.max}",
                        {
                            "field": limit.field,
                            "value": value,
                            "count": len(people),
                            "max": limit.max,
                        },
                    )
                )
    return out


def _skill(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    pool, name = seen.problem.pool, spec.name
    out: list[Violation] = []
    for s in spec.skills:
        holders = tuple(m for m in seen.members[name] if s.skill in pool[m].skills)
        if len(holders) < s.min:
            out.append(
                Violation(
                    "skill",
                    name,
                    holders,
                    f"{_net(spec)} has {len(holders)} holder(s) of skill {s.skill!r}, "
                    f"needs >= {s.min}",
                    {"skill": s.skill, "count": len(holders), "min": s.min},
                )
            )
    return out


def _meeting(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    pool, name = seen.problem.pool, spec.name
    members = seen.members[name]
    size = len(members)
    meeting = spec.meeting
    if meeting is None or size == 0:
        return []
    slot = seen.composition.slots.get(name)
    if slot is None:
        return [
            Violation(
                "meeting",
                name,
                (),
                f"{_net(spec)} has a meeting rule but no meeting slot was chosen",
                {"slot": None},
            )
        ]
    out: list[Violation] = []
    if meeting.slots and slot not in meeting.slots:
        out.append(
            Violation(
                "meeting",
                name,
                (),
                f"{_net(spec)} meets in {slot!r}, which is not one of its "
                f"allowed slots ({', '.join(meeting.slots)})",
                {"slot": slot, "allowed": meeting.slots},
            )
        )
    busy = tuple(m for m in members if slot not in pool[m].availability)
    available = size - len(busy)
    required = meeting.required_available(size)
    if available < required:
        out.append(
            Violation(
                "meeting",
                name,
                busy,
                f"{_net(spec)} has {available} of {size} members free in "
                f"{slot!r}, needs >= {required} (quorum {meeting.quorum:.0%})",
                {
                    "slot": slot,
                    "available": available,
                    "required": required,
                    "size": size,
                    "quorum": meeting.quorum,
                },
            )
        )
    return out


def _conflict(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    name = spec.name
    inside = set(seen.members[name])
    return [
        Violation(
            "conflict",
            name,
            (a, b),
            f"{_net(spec)} has both {a!r} and {b!r}, who must not meet",
        )
        for a, b in seen.problem.conflicts
        if a in inside and b in inside
    ]


def _must_pair(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    name = spec.name
    inside = set(seen.members[name])
    out: list[Violation] = []
    for a, b in seen.problem.must_pairs:
        if (a in inside) != (b in inside):
            present, missing = (a, b) if a in inside else (b, a)
            out.append(
                Violation(
                    "must_pair",
                    name,
                    (a, b),
                    f"{_net(spec)} has {present!r} without their must-pair partner {missing!r}",
                    {"present": present, "missing": missing},
                )
            )
    return out


def _cohesion(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    name = spec.name
    if spec.min_known <= 0:
        return []
    ties = seen.problem.ties
    members = seen.members[name]
    inside = set(members)
    out: list[Violation] = []
    for m in members:
        known = sum(1 for nb in ties.neighbors(m) if nb in inside and nb != m)
        if known < spec.min_known:
            out.append(
                Violation(
                    "cohesion",
                    name,
                    (m,),
                    f"{_net(spec)} has member {m!r} who knows {known} other "
                    f"member(s), needs >= {spec.min_known}",
                    {"known": known, "min_known": spec.min_known},
                )
            )
    return out


def _bridge(seen: _Seen, spec: NetworkSpec) -> list[Violation]:
    bridge = spec.bridge
    if bridge is None:
        return []
    name = spec.name
    members = seen.members
    reach = set(members[name])
    if bridge.mode == "share_or_tie":
        ties = seen.problem.ties
        for m in members[name]:
            reach.update(ties.neighbors(m))
    how = "shared with" if bridge.mode == "share" else "shared with or tied to"
    out: list[Violation] = []
    for other in seen.problem.network_names:
        if other == name or not members[other]:
            continue
        bridged = tuple(m for m in members[other] if m in reach)
        if len(bridged) < bridge.min:
            out.append(
                Violation(
                    "bridge",
                    name,
                    bridged,
                    f"{_net(spec)} reaches {len(bridged)} member(s) of {other!r} "
                    f"({how} it), needs >= {bridge.min}",
                    {"other": other, "count": len(bridged), "min": bridge.min, "mode": bridge.mode},
                )
            )
    return out


# ------------------------------------------------------------ global rules
def _capacity(seen: _Seen) -> list[Violation]:
    out: list[Violation] = []
    for cid, nets in seen.seats.items():
        cap = seen.problem.capacity(cid)
        if cap > 0 and len(nets) > cap:
            out.append(
                Violation(
                    "capacity",
                    None,
                    (cid,),
                    f"{cid!r} sits in {len(nets)} networks ({', '.join(nets)}), capacity is {cap}",
                    {"networks": tuple(nets), "count": len(nets), "capacity": cap},
                )
            )
    return out


def _sharing(seen: _Seen) -> list[Violation]:
    problem = seen.problem
    shared: dict[tuple[str, str], list[str]] = {}
    for cid, nets in seen.seats.items():
        for a, b in combinations(nets, 2):
            if not problem.may_share(a, b):
                shared.setdefault((a, b), []).append(cid)
    order = {n: i for i, n in enumerate(problem.network_names)}
    out: list[Violation] = []
    for (a, b), people in sorted(shared.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        out.append(
            Violation(
                "sharing",
                None,
                tuple(sorted(people)),
                f"networks {a!r} and {b!r} share {len(people)} member(s) ({_ids(sorted(people))}) "
                "but may not share members",
                {"networks": (a, b), "count": len(people)},
            )
        )
    return out


def _required(seen: _Seen) -> list[Violation]:
    return [
        Violation("required", None, (cid,), f"{cid!r} is required but not placed in any network")
        for cid in seen.problem.required
        if cid not in seen.seats
    ]


def _assign_all(seen: _Seen) -> list[Violation]:
    problem = seen.problem
    if not problem.assign_all:
        return []
    left = tuple(cid for cid in problem.pool.ids if cid not in seen.seats)
    if not left:
        return []
    return [
        Violation(
            "assign_all",
            None,
            left,
            f"{len(left)} of {len(problem.pool)} candidates are not placed, "
            "but everyone must be placed",
            {"unplaced": len(left), "pool": len(problem.pool)},
        )
    ]


#: One checker per rule name of :mod:`evocompose.vocabulary`. A per-network
#: checker takes ``(seen, spec)``, a global one ``(seen)``.
CHECKERS: dict[str, NetworkChecker | GlobalChecker] = {
    "size": _size,
    "eligibility": _eligibility,
    "excluded": _excluded,
    "include": _include,
    "quota": _quota,
    "max_per": _max_per,
    "skill": _skill,
    "meeting": _meeting,
    "conflict": _conflict,
    "must_pair": _must_pair,
    "cohesion": _cohesion,
    "bridge": _bridge,
    "capacity": _capacity,
    "sharing": _sharing,
    "required": _required,
    "assign_all": _assign_all,
}
_NETWORK_CHECKERS: tuple[NetworkChecker, ...] = tuple(
    cast(NetworkChecker, CHECKERS[n]) for n in RULE_NAMES if rule(n).scope == "network"
)
_GLOBAL_CHECKERS: tuple[GlobalChecker, ...] = tuple(
    cast(GlobalChecker, CHECKERS[n]) for n in RULE_NAMES if rule(n).scope == "global"
)


def check(
    problem: Problem, composition: Composition, *, show_names: bool = False
) -> list[Violation]:
    """Every hard rule ``composition`` breaks in ``problem``.

    Parameters
    ----------
    problem : Problem
    composition : Composition
    show_names : bool
        Quote values of personal fields (organisations) in the messages. By
        default a ``max_per`` or quota message on ``organisation`` names the
        members (by id) but not their organisation; ``Violation.detail``
        always holds the value, for programs.

    Returns
    -------
    list of Violation
        Empty when the composition is feasible. Ordered by: unknown networks
        and people, then per network (in the problem's order) the
        per-network rules in the vocabulary's order (size, eligibility,
        excluded, include, quota, max_per, skill, meeting, conflict,
        must_pair, cohesion, bridge), then capacity, sharing, required and
        assign_all. See the module docstring for each rule.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> check(p, evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]}))
    []
    >>> [v.message for v in check(p, evo.Composition({"a": ["p1", "p2", "p3", "p4"]}))]
    ['Network A (a) has 4 members, needs <= 3 (size 2-3)', 'Network B (b) has 0 members, needs >= 2 (size 2-3)']
    """
    pool = problem.pool
    known_networks = set(problem.network_names)
    out: list[Violation] = []

    # the composition's shape: unknown networks (in members or slots) and unknown people
    unknown_nets = [n for n in composition.members if n not in known_networks]
    unknown_nets += [
        n for n in composition.slots if n not in known_networks and n not in composition.members
    ]
    for n in unknown_nets:
        ids = tuple(composition.members.get(n, ()))
        out.append(
            Violation(
                "unknown_network",
                n,
                ids,
                f"the composition names network {n!r}, which the problem does not have "
                f"(networks: {', '.join(problem.network_names)})",
                {"members": len(ids)},
            )
        )
    members: dict[str, list[str]] = {}
    for n in problem.network_names:
        known: list[str] = []
        for cid in composition.members.get(n, ()):
            if cid in pool:
                known.append(cid)
            else:
                out.append(
                    Violation(
                        "unknown_person",
                        n,
                        (cid,),
                        f"network {n!r} lists {cid!r}, who is not in the candidate pool",
                        {},
                    )
                )
        members[n] = known
    seats: dict[str, list[str]] = {}
    for n in problem.network_names:
        for cid in members[n]:
            seats.setdefault(cid, []).append(n)
    seen = _Seen(problem, composition, members, seats, show_names)
    for spec in problem.networks:
        for network_rule in _NETWORK_CHECKERS:
            out += network_rule(seen, spec)
    for global_rule in _GLOBAL_CHECKERS:
        out += global_rule(seen)
    return out


def check_report(
    problem: Problem, composition: Composition, *, show_names: bool = False
) -> pd.DataFrame:
    """The violations as a table, one row per violation.

    Parameters
    ----------
    problem : Problem
    composition : Composition
    show_names : bool
        Quote organisations in the messages (see :func:`check`).

    Returns
    -------
    pandas.DataFrame
        Columns ``rule, network, people, message``; ``people`` is the ids
        joined with ``;`` (as in the input format). Empty (with these
        columns) when the composition is feasible.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> report = check_report(p, evo.Composition({"a": ["p1", "p2"], "b": ["p2", "p3"]}))
    >>> report[["rule", "people"]].to_dict("records")
    [{'rule': 'capacity', 'people': 'p2'}, {'rule': 'sharing', 'people': 'p2'}]
    >>> report.loc[0, "message"]
    "'p2' sits in 2 networks (a, b), capacity is 1"
    """
    rows = [
        {
            "rule": v.rule,
            "network": v.network,
            "people": ";".join(v.people),
            "message": v.message,
        }
        for v in check(problem, composition, show_names=show_names)
    ]
    return pd.DataFrame(rows, columns=["rule", "network", "people", "message"])


def assert_feasible(problem: Problem, composition: Composition) -> None:
    """Raise :class:`InfeasibleCompositionError` unless ``composition`` is feasible.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> assert_feasible(p, evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]}))
    >>> try:
    ...     assert_feasible(p, evo.Composition({"a": ["p1"], "b": ["p2", "p4"]}))
    ... except InfeasibleCompositionError as err:
    ...     print(err)
    the composition breaks 1 hard rule(s):
      [size] Network A (a) has 1 members, needs >= 2 (size 2-3)
    fix these, or list them all with evocompose.check_report(problem, composition)
    """
    violations = check(problem, composition)
    if violations:
        raise InfeasibleCompositionError(violations)
