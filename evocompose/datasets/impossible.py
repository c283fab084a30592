"""A corpus of deliberately impossible problems, each with a different cause.

Every case of :func:`impossible` is a problem that validates (each rule is
well formed on its own) but has no composition, with the names of the rules
its cause lies in. Most are the Stevns example with one rule tightened; the
rest are small problems for causes Stevns does not show. The tests of
:func:`evocompose.diagnose` check that each diagnosis names these rules and
that each relaxation it proposes is feasible;
``benchmarks/process/diagnose.py`` times them.

Values that depend on the generated pool (a rare sector, a slot few people
share) are read from the pool, so the cases stay impossible when the
generator changes.

Examples
--------
>>> cases = impossible()
>>> len(cases) >= 15, len({c.name for c in cases}) == len(cases)
(True, True)
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from evocompose.constraints import BridgeRule, MaxPer, MeetingRule, Quota, SkillRequirement
from evocompose.data import Candidate, NetworkSpec, Pool, Problem

__all__ = ["ImpossibleCase", "impossible"]


@dataclass(frozen=True)
class ImpossibleCase:
    """One impossible problem.

    Attributes
    ----------
    name : str
        A short key.
    cause : str
        What was made impossible, in plain words.
    problem : Problem
    rules : tuple of str
        Rule names of :mod:`evocompose.vocabulary` that the cause lies in:
        a diagnosis must name each of them.
    """

    name: str
    cause: str
    problem: Problem
    rules: tuple[str, ...]


def _spec(problem: Problem, network: str, **changes: Any) -> Problem:
    return problem.replace(
        networks=tuple(
            dataclasses.replace(s, **changes) if s.name == network else s for s in problem.networks
        )
    )


def _eligible(problem: Problem, network: str) -> list[Candidate]:
    return [c for c in problem.pool if problem.eligible(c.id, network)]


def _stevns_cases(base: Problem) -> list[ImpossibleCase]:
    food = base.network("food")
    eligible = _eligible(base, "food")
    out: list[ImpossibleCase] = []

    def add(name: str, cause: str, problem: Problem, *rules: str) -> None:
        out.append(ImpossibleCase(name, cause, problem, rules))

    # a quota needing more people of a sector than are eligible
    sectors = Counter(c.sector for c in eligible)
    rare, few = min(sectors.items(), key=lambda kv: (kv[1], kv[0]))
    add(
        "quota_supply",
        f"food needs {few + 1} members from {rare}; only {few} are eligible",
        _spec(base, "food", quotas=(*food.quotas, Quota("sector", (rare,), min=few + 1))),
        "quota",
    )
    # a quota needing more people free in one slot than there are
    slot = "tue-evening"
    meeting = MeetingRule(1.0, (slot,))
    best: tuple[int, str, int] | None = None
    for sector, total in sorted(sectors.items()):
        free = sum(1 for c in eligible if c.sector == sector and slot in c.availability)
        if total > free and free + 1 <= food.max_size and free >= 1:
            best = (free, sector, total)
            break
    assert best is not None
    free, sector, _ = best
    add(
        "quota_one_slot",
        f"food meets at {slot} with everyone free and needs {free + 1} from {sector}; "
        f"only {free} of them are free then",
        _spec(
            base,
            "food",
            meeting=meeting,
            quotas=(*food.quotas, Quota("sector", (sector,), min=free + 1)),
        ),
        "quota",
        "meeting",
    )
    # quota minimums of disjoint groups adding up to more than the size
    add(
        "sum_of_minimums",
        "food needs 12 farmers, 2 restaurants and 1 public or knowledge member, at most 14",
        _spec(
            base,
            "food",
            quotas=tuple(
                dataclasses.replace(q, min=12) if q.values == ("agriculture",) else q
                for q in food.quotas
            ),
        ),
        "quota",
        "size",
    )
    # too few people free in the one allowed slot
    slots = Counter(s for c in eligible for s in c.availability)
    quiet, n_quiet = min(slots.items(), key=lambda kv: (kv[1], kv[0]))
    add(
        "meeting_slot",
        f"food must meet at {quiet} with everyone free; only {n_quiet} eligible are free then",
        _spec(
            base,
            "food",
            meeting=MeetingRule(1.0, (quiet,)),
            min_size=min(food.max_size, n_quiet + 1),
        ),
        "size",
        "meeting",
    )
    # one member per sector, fewer sectors than seats
    add(
        "max_per_sector",
        f"food takes one member per sector; its eligible candidates come from {len(sectors)} "
        f"sectors but it needs {food.min_size} members and 2 farmers",
        _spec(base, "food", max_per=(*food.max_per, MaxPer("sector", 1))),
        "max_per",
    )
    # a skill fewer eligible people hold than needed
    skills = Counter(s for c in eligible for s in c.skills)
    pool_skills = Counter(s for c in base.pool for s in c.skills)
    skill = min(
        (s for s in skills if pool_skills[s] > skills[s] + 1 and skills[s] + 1 <= food.max_size),
        key=lambda s: (skills[s], s),
    )
    add(
        "skill_supply",
        f"food needs {skills[skill] + 1} holders of {skill}; {skills[skill]} eligible hold it",
        _spec(base, "food", skills=(*food.skills, SkillRequirement(skill, skills[skill] + 1))),
        "skill",
    )
    # pins against a quota maximum
    by_org: dict[str, str] = {}
    for c in eligible:
        if c.external:
            by_org.setdefault(c.organisation, c.id)
    external = sorted(by_org.values())[:3]
    assert len(external) == 3
    add(
        "pins_quota",
        "three external experts pinned into food, which takes at most two",
        _spec(base, "food", include=tuple(external)),
        "include",
        "quota",
    )
    # two pins without a common slot, everyone must be free
    pair = next(
        (a.id, b.id)
        for i, a in enumerate(eligible)
        for b in eligible[i + 1 :]
        if a.availability
        and b.availability
        and not set(a.availability) & set(b.availability)
        and not {a.id, b.id} & {x for p in base.conflicts for x in p}
        and not {a.id, b.id} & {x for p in base.must_pairs for x in p}
        and a.organisation != b.organisation
    )
    add(
        "pins_meeting",
        "two people pinned into food share no free slot, and food meets with everyone free",
        _spec(base, "food", include=pair, meeting=MeetingRule(1.0)),
        "include",
        "meeting",
    )
    # two pins from one organisation, one allowed
    orgs: dict[str, list[str]] = {}
    for c in eligible:
        orgs.setdefault(c.organisation, []).append(c.id)
    same = next(ids[:2] for _, ids in sorted(orgs.items()) if len(ids) >= 2)
    add(
        "pins_max_per",
        "two people of one organisation pinned into food, which takes one per organisation",
        _spec(base, "food", include=tuple(same)),
        "include",
        "max_per",
    )
    # a relevance threshold leaving too few of a quota's group
    chosen: tuple[str, int, Quota, float] | None = None
    for spec in base.networks:
        for k, q in enumerate(spec.quotas):
            need = q.count_bounds(spec.min_size)[0]
            group = sorted(
                (
                    base.relevance(c.id, spec.name)
                    for c in base.pool
                    if c.attribute(q.field) in q.values
                ),
                reverse=True,
            )
            if need < 1 or len(group) < need:
                continue
            threshold = round(group[need - 1] + 0.001, 3)
            left = sum(1 for c in base.pool if base.relevance(c.id, spec.name) >= threshold)
            if left >= 2 * spec.max_size:
                chosen = (spec.name, k, q, threshold)
                break
        if chosen is not None:
            break
    assert chosen is not None
    net, _, q, threshold = chosen
    add(
        "eligibility",
        f"{net}'s minimum relevance {threshold} leaves too few members {q.describe()}",
        _spec(base, net, min_relevance=threshold),
        "eligibility",
        "quota",
    )
    # exclusions leaving a count quota's group one short (the smallest such group)
    smallest: tuple[int, str, str, Quota, list[str]] | None = None
    for spec in base.networks:
        chosen_eligible = _eligible(base, spec.name)
        for q in spec.quotas:
            if q.min is None or q.unit != "count":
                continue
            counted = [c.id for c in chosen_eligible if c.attribute(q.field) in q.values]
            key = (len(counted), spec.name, q.describe())
            if len(counted) >= q.min and (smallest is None or key < smallest[:3]):
                smallest = (len(counted), spec.name, q.describe(), q, counted)
    assert smallest is not None
    _, net, what, q, counted = smallest
    keep = int(q.min or 0) - 1
    add(
        "excluded",
        f"all but {keep} of the {len(counted)} eligible members of {net} counted by "
        f"'{what}' are excluded from every network",
        base.replace(excluded=tuple(counted[keep:])),
        "excluded",
        "quota",
    )
    # a bridge that needs shared members where sharing is not allowed
    add(
        "bridge_sharing",
        "outdoor must share a member with each other network, but may share with vision only",
        _spec(base, "outdoor", bridge=BridgeRule(1, "share")),
        "bridge",
    )
    # two share quotas adding up to more than everyone
    vision = base.network("vision")
    add(
        "shares_over_100",
        "vision needs at least 80% women and at least 30% men",
        _spec(
            base,
            "vision",
            quotas=tuple(
                dataclasses.replace(q, min=0.8) if q.field == "gender" and q.values == ("k",) else q
                for q in vision.quotas
            ),
        ),
        "quota",
    )
    return out


def _person(i: int, **kw: Any) -> Candidate:
    base: dict[str, Any] = {
        "id": f"p{i}",
        "name": f"Person {i}",
        "organisation": f"Org {i}",
        "sector": ("agriculture", "food", "tourism")[i % 3],
        "actor_type": ("private", "public", "civil", "knowledge")[i % 4],
        "availability": ("tue-evening",),
    }
    base.update(kw)
    return Candidate(**base)


def _small_cases() -> list[ImpossibleCase]:
    out: list[ImpossibleCase] = []
    four = Pool(tuple(_person(i) for i in range(1, 5)))
    one = (NetworkSpec("a", theme="Network A", min_size=3, max_size=3),)
    out.append(
        ImpossibleCase(
            "conflict",
            "any three of four people include a conflict pair",
            Problem(four, one, conflicts=(("p1", "p2"), ("p3", "p4"))),
            ("conflict", "size"),
        )
    )
    out.append(
        ImpossibleCase(
            "must_pair",
            "p1 and p2 must sit together, but p2 clashes with everyone else",
            Problem(
                four,
                one,
                conflicts=(("p2", "p3"), ("p2", "p4")),
                must_pairs=(("p1", "p2"),),
            ),
            ("must_pair",),
        )
    )
    six = Pool(tuple(_person(i) for i in range(1, 7)))
    path = nx.path_graph([f"p{i}" for i in range(1, 7)])
    out.append(
        ImpossibleCase(
            "cohesion",
            "every member must know two others, but the acquaintances form a chain",
            Problem(
                six,
                (NetworkSpec("a", theme="Network A", min_size=3, max_size=4, min_known=2),),
                ties=path,
            ),
            ("cohesion",),
        )
    )
    five = Pool(tuple(_person(i) for i in range(1, 6)))
    two = (
        NetworkSpec("a", theme="Network A", min_size=3, max_size=3),
        NetworkSpec("b", theme="Network B", min_size=3, max_size=3),
    )
    out.append(
        ImpossibleCase(
            "capacity",
            "two networks of three from five people who each join one",
            Problem(five, two),
            ("capacity", "size"),
        )
    )
    out.append(
        ImpossibleCase(
            "sharing",
            "five people could join two networks each, but the networks may not share",
            Problem(five, two, default_capacity=2),
            ("sharing", "size"),
        )
    )
    rel = Pool(
        tuple(
            _person(i, relevance={"a": 0.2 if i == 1 else 0.9, "b": 0.1 if i == 1 else 0.9})
            for i in range(1, 7)
        )
    )
    out.append(
        ImpossibleCase(
            "required",
            "p1 is required but below the minimum relevance of every network",
            Problem(
                rel,
                (
                    NetworkSpec("a", theme="Network A", min_size=2, max_size=3, min_relevance=0.5),
                    NetworkSpec("b", theme="Network B", min_size=2, max_size=3, min_relevance=0.5),
                ),
                required=("p1",),
            ),
            ("required",),
        )
    )
    seven = Pool(tuple(_person(i) for i in range(1, 8)))
    out.append(
        ImpossibleCase(
            "assign_all",
            "everyone of seven must be placed in two networks of at most three",
            Problem(
                seven,
                (
                    NetworkSpec("a", theme="Network A", min_size=2, max_size=3),
                    NetworkSpec("b", theme="Network B", min_size=2, max_size=3),
                ),
                assign_all=True,
            ),
            ("assign_all",),
        )
    )
    return out


def impossible(
    stevns: Callable[[], Problem] | None = None, *, small: bool = True
) -> list[ImpossibleCase]:
    """The corpus: Stevns-based cases, then small ones (see the module docstring).

    Parameters
    ----------
    stevns : callable, optional
        Builds the base problem (default ``evocompose.datasets.stevns(seed=0)``).
    small : bool
        Include the small problems.
    """
    if stevns is None:
        # deferred: as in datasets/__init__, so that ``python -m`` of the generator loads it once
        from evocompose.datasets.stevns_generator import stevns as make  # deferred: as above

        base = make(seed=0)
    else:
        base = stevns()
    cases = _stevns_cases(base)
    if small:
        cases += _small_cases()
    return cases
