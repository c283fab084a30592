"""The checker against an independently written all-rules predicate (``_oracle.py``).

Random problems use every rule kind of the vocabulary. Three kinds of
composition are judged by both: any people at all; a feasible one (found by
sampling eligible people within the size bounds); and a feasible one with one
change (a person added, removed or moved, or another meeting slot), which
lands just beside the rules' bounds. Checker and oracle must agree on exactly
which rules each network breaks, and so on ``check(problem, c) == []``.

Problems and compositions are built from one drawn seed with
:class:`random.Random` (fast, and every draw is a valid problem), so
hypothesis spends its time on many examples rather than on rejected ones.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import networkx as nx
from _oracle import broken, capacity_of, relevance_of
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from evocompose import (
    BridgeRule,
    Candidate,
    Composition,
    MeetingRule,
    NetworkSpec,
    Pool,
    Problem,
    Quota,
    SkillRequirement,
)
from evocompose.check import check
from evocompose.errors import EvocomposeError
from evocompose.vocabulary import RULE_NAMES

SLOTS = ("mon-morning", "tue-evening", "thu-morning")
SECTORS = ("s1", "s2", "s3")
SHARES = (0.25, 0.34, 0.5, 0.67, 0.75, 1.0)


def _maybe(rng: random.Random, value: Any, chance: float = 0.5) -> Any:
    return value if rng.random() < chance else None


def random_problem(rng: random.Random) -> Problem:
    """A valid random problem stating every kind of rule (some of them in each draw)."""
    n = rng.randint(3, 7)
    n_net = rng.randint(1, 3)
    names = [f"n{g}" for g in range(n_net)]
    cands = [
        Candidate(
            id=f"c{i}",
            name=f"C{i}",
            organisation=rng.choice(["o1", "o2", "o3"]),
            sector=rng.choice(SECTORS),
            actor_type=rng.choice(["private", "public", "civil"]),
            skills=tuple(k for k in ("k1", "k2") if rng.random() < 0.4),
            themes=tuple(t for t in ("food", "sea") if rng.random() < 0.3),
            relevance={g: rng.choice([0.0, 0.25, 0.5, 1.0]) for g in names if rng.random() < 0.6},
            availability=tuple(s for s in SLOTS if rng.random() < 0.6),
            capacity=rng.choice([None, None, None, 0, 1, 2]),
            area=rng.choice(["", "north", "south"]),
            external=rng.random() < 0.3,
            attributes={"gender": rng.choice(["k", "m", ""])},
        )
        for i in range(n)
    ]
    ids = [c.id for c in cands]
    default_capacity = rng.choice([1, 1, 2])
    share = [p for p in itertools.combinations(names, 2) if rng.random() < 0.5]
    pool = Pool(tuple(cands))
    bare = Problem(
        pool, tuple(NetworkSpec(g, max_size=n) for g in names), default_capacity=default_capacity
    )
    excluded = [c for c in ids if rng.random() < 0.1]
    free = [c for c in ids if c not in excluded and capacity_of(bare, c) > 0]
    rng.shuffle(free)
    nets = []
    for g in names:
        tags = tuple(t for t in ("food", "sea") if rng.random() < 0.4)
        min_relevance = rng.choice([None, None, 0.25, 0.5, 1.0])
        spec0 = NetworkSpec(g, max_size=n, tags=tags, min_relevance=min_relevance)
        eligible = [
            c
            for c in ids
            if c not in excluded
            and capacity_of(bare, c) > 0
            and (min_relevance is None or relevance_of(bare, c, spec0) >= min_relevance)
        ]
        hi = rng.randint(1, min(5, n))
        lo = rng.randint(0, min(hi, len(eligible), 3))
        include = [free.pop()] if free and rng.random() < 0.3 else []
        if include and include[0] not in eligible:
            include = []
        exclude = [c for c in ids if c not in include and rng.random() < 0.1]
        quotas = []
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            who = rng.choice(cands)
            field = rng.choice(
                ["sector", "actor_type", "external", "area", "organisation", "gender"]
            )
            values = (
                ("private", "civil")
                if field == "actor_type"
                else ("true" if who.external else "false",)
                if field == "external"
                else (str(who.attributes["gender"]) if field == "gender" else getattr(who, field),)
            )
            if rng.random() < 0.5:
                q_lo, q_hi, unit = (
                    _maybe(rng, rng.randint(0, hi)),
                    _maybe(rng, rng.randint(0, 3)),
                    "count",
                )
            else:
                q_lo, q_hi, unit = (
                    _maybe(rng, rng.choice(SHARES)),
                    _maybe(rng, rng.choice(SHARES)),
                    "share",
                )
            if q_lo is None and q_hi is None:
                continue
            if q_lo is not None and q_hi is not None and q_lo > q_hi:
                q_lo, q_hi = q_hi, q_lo
            quotas.append(Quota(field, values, min=q_lo, max=q_hi, unit=unit))
        max_per = {
            f: k
            for f, k in (
                ("organisation", rng.choice([None, 1, 2])),
                ("gender", rng.choice([None, None, 1, 2])),
                ("area", rng.choice([None, None, 2])),
            )
            if k is not None
        }
        skills = tuple(
            SkillRequirement(k, rng.randint(0, min(hi, holders, 2)))
            for k in ("k1", "k2")
            if rng.random() < 0.2 and (holders := sum(k in c.skills for c in cands))
        )
        meeting = None
        if rng.random() < 0.5:
            offered = sorted({s for c in cands for s in c.availability})
            allowed = tuple(s for s in offered if rng.random() < 0.4)
            meeting = MeetingRule(rng.choice(SHARES), slots=allowed)
        bridge = None
        if n_net > 1 and rng.random() < 0.25:
            bridge = BridgeRule(rng.randint(0, 2), rng.choice(["share", "share_or_tie"]))
        spec_kw: dict[str, Any] = dict(
            min_size=lo,
            max_size=hi,
            tags=tags,
            min_relevance=min_relevance,
            quotas=tuple(quotas),
            skills=skills,
            meeting=meeting,
            max_per=max_per,
            include=tuple(include),
            exclude=tuple(exclude),
            min_known=rng.choice([0] * 7 + [1, 2]),
            bridge=bridge,
        )
        nets.append(NetworkSpec(g, **spec_kw))
    pairs = list(itertools.combinations(ids, 2))
    chosen = rng.sample(pairs, min(len(pairs), rng.randint(0, 3)))
    k = rng.randint(0, len(chosen))
    pinned = {x for s in nets for x in s.include}
    # a conflict of two people pinned into one network, or a must-pair partner
    # pinned out, is refused by Problem; keep pairs of unpinned people only
    chosen = [(a, b) for a, b in chosen if a not in pinned and b not in pinned]
    not_excluded = [c for c in ids if c not in excluded]
    return Problem(
        pool,
        tuple(nets),
        nx.Graph(rng.sample(pairs, min(len(pairs), rng.randint(0, 8)))),
        conflicts=chosen[:k],
        must_pairs=chosen[k:],
        share_members=share,
        default_capacity=default_capacity,
        attributes=("gender",),
        required=rng.sample(not_excluded, min(len(not_excluded), rng.choice([0, 0, 0, 1, 2]))),
        excluded=excluded,
        assign_all=rng.random() < 0.07,
    )


def _near(rng: random.Random, p: Problem) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Eligible people within the size bounds, pins included, a slot where one is needed."""
    members: dict[str, list[str]] = {}
    slots: dict[str, str] = {}
    for spec in p.networks:
        ok = [
            c
            for c in p.pool.ids
            if capacity_of(p, c) > 0
            and c not in spec.exclude
            and c not in p.excluded
            and (spec.min_relevance is None or relevance_of(p, c, spec) >= spec.min_relevance)
            and c not in spec.include
        ]
        size = rng.randint(spec.min_size, spec.max_size)
        extra = max(0, min(len(ok), size - len(spec.include)))
        members[spec.name] = list(spec.include) + rng.sample(ok, extra)
        if spec.meeting is not None:
            slots[spec.name] = rng.choice(spec.meeting.slots or SLOTS)
    return members, slots


def _one_change(
    rng: random.Random, p: Problem, members: dict[str, list[str]], slots: dict[str, str]
) -> None:
    spec = rng.choice(p.networks)
    mine = members[spec.name]
    others = [c for c in p.pool.ids if c not in mine]
    move = rng.choice(["add", "remove", "swap", "slot"])
    if move in ("remove", "swap") and mine:
        mine.remove(rng.choice(mine))
    if move in ("add", "swap") and others:
        mine.append(rng.choice(others))
    if move == "slot" and spec.meeting is not None:
        slots[spec.name] = rng.choice(SLOTS)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Problem, Composition, str]:
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["any", "feasible", "one change"]))
    while True:
        try:
            p = random_problem(rng)
            break
        except EvocomposeError:
            continue  # e.g. a quota naming a value that excluded people alone have
    ids = list(p.pool.ids)
    if kind == "any":
        members = {s.name: rng.sample(ids, rng.randint(0, len(ids))) for s in p.networks}
        slots = {s.name: rng.choice(SLOTS) for s in p.networks if rng.random() < 0.8}
    else:
        # hill-climb on the number of broken rules, from eligible people within the bounds
        starts = [_near(rng, p) for _ in range(20)]
        members, slots = min(starts, key=lambda ms: len(broken(p, *ms)))
        worst = len(broken(p, members, slots))
        for _ in range(150):
            if not worst:
                break
            trial = {n: list(m) for n, m in members.items()}
            trial_slots = dict(slots)
            _one_change(rng, p, trial, trial_slots)
            now = len(broken(p, trial, trial_slots))
            if now <= worst:
                members, slots, worst = trial, trial_slots, now
        if kind == "one change":
            _one_change(rng, p, members, slots)
    if p.networks and rng.random() < 0.1:
        members.pop(p.networks[0].name, None)  # a network left out of the composition
    return p, Composition(members, slots), kind


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases())
def test_check_agrees_with_the_oracle_rule_by_rule(
    case: tuple[Problem, Composition, str],
) -> None:
    problem, comp, kind = case
    found = check(problem, comp)
    expected = broken(problem, comp.members, comp.slots)
    event(f"{kind}: {'feasible' if not expected else 'infeasible'}")
    for rule, _ in expected:
        event(f"breaks {rule}")
    assert {(v.rule, v.network) for v in found} == expected
    assert (found == []) is (not expected)
    assert all(v.rule in RULE_NAMES for v in found)
