"""Independent verification of a composition against every hard rule.

:func:`check` is the yardstick that every solver result, every hand-picked
proposal and every test is measured against. It is written directly from the
rules in :mod:`evocompose.data` and :mod:`evocompose.constraints`, plainly and
on purpose without sharing code with :mod:`evocompose.solvers`.

Rules checked (the ``rule`` of a :class:`Violation`):

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
``organisation``
    At most ``max_per_organisation`` members from one organisation.
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

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import pandas as pd

from evocompose.errors import EvocomposeError

if TYPE_CHECKING:
    from evocompose.data import NetworkSpec, Problem
    from evocompose.result import Composition

__all__ = [
    "RULES",
    "InfeasibleCompositionError",
    "Violation",
    "assert_feasible",
    "check",
    "check_report",
]

#: Every rule name :func:`check` can report, in report order.
RULES: tuple[str, ...] = (
    "unknown_network",
    "unknown_person",
    "size",
    "eligibility",
    "excluded",
    "include",
    "quota",
    "organisation",
    "skill",
    "meeting",
    "conflict",
    "must_pair",
    "cohesion",
    "bridge",
    "capacity",
    "sharing",
    "required",
    "assign_all",
)


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
        lines.append("fix these or use evocompose.check.check_report() to see them all")
        super().__init__("\n".join(lines))


def _ids(people: object) -> str:
    return ", ".join(repr(p) for p in people)  # type: ignore[attr-defined]


def _values_label(values: tuple[str, ...], label: str) -> str:
    return label or "{" + ", ".join(values) + "}"


def _check_network(
    problem: Problem, spec: NetworkSpec, members: list[str], composition: Composition
) -> list[Violation]:
    """Every per-network rule for one network; ``members`` are known ids."""
    out: list[Violation] = []
    name = spec.name
    pool = problem.pool
    size = len(members)
    member_set = set(members)

    # size
    if size < spec.min_size or size > spec.max_size:
        bound = f">= {spec.min_size}" if size < spec.min_size else f"<= {spec.max_size}"
        out.append(
            Violation(
                "size",
                name,
                (),
                f"network {name!r} has {size} members, needs {bound} "
                f"(size {spec.min_size}-{spec.max_size})",
                {"size": size, "min_size": spec.min_size, "max_size": spec.max_size},
            )
        )

    # eligibility and exclusions, one violation per member
    global_excluded = set(problem.excluded)
    network_excluded = set(spec.exclude)
    for m in members:
        cap = problem.capacity(m)
        if cap == 0:
            out.append(
                Violation(
                    "eligibility",
                    name,
                    (m,),
                    f"network {name!r} has member {m!r} whose capacity is 0",
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
                        f"network {name!r} has member {m!r} with relevance {rel:g}, "
                        f"needs >= {spec.min_relevance:g}",
                        {"relevance": rel, "min_relevance": spec.min_relevance},
                    )
                )
        if m in network_excluded or m in global_excluded:
            scope = "network" if m in network_excluded else "global"
            why = "pinned out of this network" if scope == "network" else "excluded everywhere"
            out.append(
                Violation(
                    "excluded",
                    name,
                    (m,),
                    f"network {name!r} has member {m!r} who is {why}",
                    {"scope": scope},
                )
            )

    # pins in
    for x in spec.include:
        if x not in member_set:
            out.append(
                Violation(
                    "include",
                    name,
                    (x,),
                    f"network {name!r} is missing {x!r}, who is pinned into it",
                    {},
                )
            )

    # quotas
    for q in spec.quotas:
        values = set(q.values)
        counted = tuple(m for m in members if pool[m].attribute(q.field) in values)
        count = len(counted)
        lo, hi = q.count_bounds(size)
        if count < lo or count > hi:
            what = f"{q.field} in {_values_label(q.values, q.label)}"
            need = f">= {lo}" if count < lo else f"<= {hi}"
            if q.unit == "share":
                share = q.min if count < lo else q.max
                need += f" ({float(share or 0):.0%} of {size})"
            out.append(
                Violation(
                    "quota",
                    name,
                    counted,
                    f"network {name!r} has {count} members with {what}, needs {need}",
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

    # organisations
    if spec.max_per_organisation is not None:
        by_org: dict[str, list[str]] = {}
        for m in members:
            by_org.setdefault(pool[m].organisation, []).append(m)
        for org, people in by_org.items():
            if len(people) > spec.max_per_organisation:
                out.append(
                    Violation(
                        "organisation",
                        name,
                        tuple(people),
                        f"network {name!r} has {len(people)} members from organisation "
                        f"{org!r}, allows <= {spec.max_per_organisation}",
                        {
                            "organisation": org,
                            "count": len(people),
                            "max": spec.max_per_organisation,
                        },
                    )
                )

    # skills
    for s in spec.skills:
        holders = tuple(m for m in members if s.skill in pool[m].skills)
        if len(holders) < s.min:
            out.append(
                Violation(
                    "skill",
                    name,
                    holders,
                    f"network {name!r} has {len(holders)} holder(s) of skill {s.skill!r}, "
                    f"needs >= {s.min}",
                    {"skill": s.skill, "count": len(holders), "min": s.min},
                )
            )

    # meeting
    rule = spec.meeting
    if rule is not None and size > 0:
        slot = composition.slots.get(name)
        if slot is None:
            out.append(
                Violation(
                    "meeting",
                    name,
                    (),
                    f"network {name!r} has a meeting rule but no meeting slot was chosen",
                    {"slot": None},
                )
            )
        else:
            if rule.slots and slot not in rule.slots:
                out.append(
                    Violation(
                        "meeting",
                        name,
                        (),
                        f"network {name!r} meets in {slot!r}, which is not one of its "
                        f"allowed slots ({', '.join(rule.slots)})",
                        {"slot": slot, "allowed": rule.slots},
                    )
                )
            busy = tuple(m for m in members if slot not in pool[m].availability)
            available = size - len(busy)
            required = rule.required_available(size)
            if available < required:
                out.append(
                    Violation(
                        "meeting",
                        name,
                        busy,
                        f"network {name!r} has {available} of {size} members free in "
                        f"{slot!r}, needs >= {required} (quorum {rule.quorum:.0%})",
                        {
                            "slot": slot,
                            "available": available,
                            "required": required,
                            "size": size,
                            "quorum": rule.quorum,
                        },
                    )
                )

    # conflicts and must-pairs
    for a, b in problem.conflicts:
        if a in member_set and b in member_set:
            out.append(
                Violation(
                    "conflict",
                    name,
                    (a, b),
                    f"network {name!r} has both {a!r} and {b!r}, who must not meet",
                    {},
                )
            )
    for a, b in problem.must_pairs:
        if (a in member_set) != (b in member_set):
            present, missing = (a, b) if a in member_set else (b, a)
            out.append(
                Violation(
                    "must_pair",
                    name,
                    (a, b),
                    f"network {name!r} has {present!r} without their must-pair partner {missing!r}",
                    {"present": present, "missing": missing},
                )
            )

    # cohesion
    if spec.min_known > 0:
        ties = problem.ties
        for m in members:
            known = sum(1 for nb in ties.neighbors(m) if nb in member_set and nb != m)
            if known < spec.min_known:
                out.append(
                    Violation(
                        "cohesion",
                        name,
                        (m,),
                        f"network {name!r} has member {m!r} who knows {known} other "
                        f"member(s), needs >= {spec.min_known}",
                        {"known": known, "min_known": spec.min_known},
                    )
                )
    return out


def _check_bridge(
    problem: Problem, spec: NetworkSpec, members: Mapping[str, list[str]]
) -> list[Violation]:
    bridge = spec.bridge
    assert bridge is not None
    name = spec.name
    reach = set(members[name])
    if bridge.mode == "share_or_tie":
        ties = problem.ties
        for m in members[name]:
            reach.update(ties.neighbors(m))
    how = "shared with" if bridge.mode == "share" else "shared with or tied to"
    out: list[Violation] = []
    for other in problem.network_names:
        if other == name or not members[other]:
            continue
        bridged = tuple(m for m in members[other] if m in reach)
        if len(bridged) < bridge.min:
            out.append(
                Violation(
                    "bridge",
                    name,
                    bridged,
                    f"network {name!r} reaches {len(bridged)} member(s) of {other!r} "
                    f"({how} it), needs >= {bridge.min}",
                    {"other": other, "count": len(bridged), "min": bridge.min, "mode": bridge.mode},
                )
            )
    return out


def check(problem: Problem, composition: Composition) -> list[Violation]:
    """Every hard rule ``composition`` breaks in ``problem``.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    list of Violation
        Empty when the composition is feasible. Ordered by: unknown networks
        and people, then per network (in the problem's order) size,
        eligibility, excluded, include, quota, organisation, skill, meeting,
        conflict, must_pair, cohesion, bridge, then capacity, sharing,
        required and assign_all. See the module docstring for each rule.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> check(p, evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]}))
    []
    >>> [v.message for v in check(p, evo.Composition({"a": ["p1", "p2", "p3", "p4"]}))]
    ["network 'a' has 4 members, needs <= 3 (size 2-3)", "network 'b' has 0 members, needs >= 2 (size 2-3)"]
    """
    pool = problem.pool
    known_networks = set(problem.network_names)
    out: list[Violation] = []

    # unknown networks (in members or slots) and unknown people
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
        ids = composition.members.get(n, ())
        known: list[str] = []
        for cid in ids:
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

    for spec in problem.networks:
        out += _check_network(problem, spec, members[spec.name], composition)
        if spec.bridge is not None:
            out += _check_bridge(problem, spec, members)

    # capacity and sharing, over the networks each person sits in
    seats: dict[str, list[str]] = {}
    for n in problem.network_names:
        for cid in members[n]:
            seats.setdefault(cid, []).append(n)
    shared: dict[tuple[str, str], list[str]] = {}
    for cid, nets in seats.items():
        cap = problem.capacity(cid)
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
        for a, b in combinations(nets, 2):
            if not problem.may_share(a, b):
                shared.setdefault((a, b), []).append(cid)
    order = {n: i for i, n in enumerate(problem.network_names)}
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

    # required and assign_all
    for cid in problem.required:
        if cid not in seats:
            out.append(
                Violation(
                    "required",
                    None,
                    (cid,),
                    f"{cid!r} is required but not placed in any network",
                    {},
                )
            )
    if problem.assign_all:
        left = tuple(cid for cid in pool.ids if cid not in seats)
        if left:
            out.append(
                Violation(
                    "assign_all",
                    None,
                    left,
                    f"{len(left)} of {len(pool)} candidates are not placed, "
                    "but everyone must be placed",
                    {"unplaced": len(left), "pool": len(pool)},
                )
            )
    return out


def check_report(problem: Problem, composition: Composition) -> pd.DataFrame:
    """The violations as a table, one row per violation.

    Parameters
    ----------
    problem : Problem
    composition : Composition

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
        for v in check(problem, composition)
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
      [size] network 'a' has 1 members, needs >= 2 (size 2-3)
    fix these or use evocompose.check.check_report() to see them all
    """
    violations = check(problem, composition)
    if violations:
        raise InfeasibleCompositionError(violations)
