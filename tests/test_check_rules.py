"""Every branch of every rule of the checker, with hand-made compositions.

Each test builds the smallest problem that exercises one branch and compares
the *whole* violation (rule, network, people, message, detail) with what is
written here by hand: a checker that reports the wrong people, the wrong
numbers or the wrong words fails as surely as one that reports nothing.
Empty networks and both directions of every pair rule are included; so is
the composition that is just inside each bound (no violation).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import networkx as nx
import pandas as pd
import pytest

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
from evocompose.check import RULES, Violation, check, check_report


def cand(cid: str, **kw: Any) -> Candidate:
    base: dict[str, Any] = dict(
        name=f"Person {cid}",
        organisation=f"Org {cid}",
        sector="food",
        actor_type="private",
        availability=("tue-evening", "thu-morning"),
    )
    base.update(kw)
    return Candidate(id=cid, **base)


def people(n: int, **kw: Any) -> list[Candidate]:
    return [cand(f"p{i}", **kw) for i in range(1, n + 1)]


def make(
    nets: list[NetworkSpec], cands: list[Candidate] | None = None, ties: Any = (), **kw: Any
) -> Problem:
    pool = Pool(tuple(cands or people(6)))
    # a network takes at most the whole pool (Problem refuses a larger max_size)
    fitted = [
        dataclasses.replace(s, max_size=min(s.max_size, len(pool))) if s.max_size > len(pool) else s
        for s in nets
    ]
    return Problem(pool, tuple(fitted), nx.Graph(list(ties)), **kw)


def net(name: str = "a", lo: int = 0, hi: int = 6, **kw: Any) -> NetworkSpec:
    return NetworkSpec(name, min_size=lo, max_size=hi, **kw)


def comp(slots: dict[str, str] | None = None, **members: list[str]) -> Composition:
    return Composition(members, slots)


# --------------------------------------------------------------------- shape
def test_unknown_network_in_members_and_slots_is_reported_once() -> None:
    p = make([net()])
    assert check(p, comp({"zzz": "tue-evening"}, a=["p1"], zzz=["p2", "p3"])) == [
        Violation(
            "unknown_network",
            "zzz",
            ("p2", "p3"),
            "the composition names network 'zzz', which the problem does not have (networks: a)",
            {"members": 2},
        )
    ]


def test_unknown_network_in_slots_only() -> None:
    p = make([net(), net("b")])
    assert check(p, comp({"zzz": "tue-evening", "a": "tue-evening"}, a=["p1"])) == [
        Violation(
            "unknown_network",
            "zzz",
            (),
            "the composition names network 'zzz', which the problem does not have (networks: a, b)",
            {"members": 0},
        )
    ]


def test_unknown_person_is_ignored_by_every_other_rule() -> None:
    # the ghost would break size (3 > 2), max_per and must_pair if it were counted
    p = make(
        [net(hi=2, max_per={"organisation": 1})],
        must_pairs=[("p1", "p2")],
    )
    assert check(p, comp(a=["p1", "p2", "ghost"])) == [
        Violation(
            "unknown_person",
            "a",
            ("ghost",),
            "network 'a' lists 'ghost', who is not in the candidate pool",
            {},
        )
    ]


def test_unknown_people_are_reported_per_network() -> None:
    p = make([net(), net("b")], default_capacity=2, share_members=[("a", "b")])
    found = check(p, comp(a=["ghost", "p1"], b=["ghost"]))
    assert [(v.rule, v.network, v.people) for v in found] == [
        ("unknown_person", "a", ("ghost",)),
        ("unknown_person", "b", ("ghost",)),
    ]


# ---------------------------------------------------------------------- size
@pytest.mark.parametrize(("size", "ok"), [(1, False), (2, True), (3, True), (4, False)])
def test_size_bounds_are_inclusive(size: int, ok: bool) -> None:
    p = make([net(lo=2, hi=3)])
    found = check(p, comp(a=[f"p{i}" for i in range(1, size + 1)]))
    assert (found == []) is ok


def test_size_messages_say_which_bound() -> None:
    p = make([net(lo=2, hi=3)])
    assert check(p, comp(a=["p1"])) == [
        Violation(
            "size",
            "a",
            (),
            "network 'a' has 1 members, needs >= 2 (size 2-3)",
            {"size": 1, "min_size": 2, "max_size": 3},
        )
    ]
    assert check(p, comp(a=["p1", "p2", "p3", "p4"])) == [
        Violation(
            "size",
            "a",
            (),
            "network 'a' has 4 members, needs <= 3 (size 2-3)",
            {"size": 4, "min_size": 2, "max_size": 3},
        )
    ]


def test_a_network_missing_from_the_composition_has_size_zero() -> None:
    p = make([net(lo=0, hi=2), net("b", lo=1, hi=2)])
    assert check(p, comp(a=["p1"])) == [
        Violation(
            "size",
            "b",
            (),
            "network 'b' has 0 members, needs >= 1 (size 1-2)",
            {"size": 0, "min_size": 1, "max_size": 2},
        )
    ]


# --------------------------------------------------------------- eligibility
def test_relevance_below_the_minimum_and_at_it() -> None:
    cands = people(4)
    cands[0] = cand("p1", relevance={"a": 0.5})
    cands[1] = cand("p2", relevance={"a": 0.49})
    cands[2] = cand("p3", themes=("food",))  # no explicit relevance: the theme tag gives 1
    cands[3] = cand("p4", themes=("sea",))  # no matching tag: relevance 0
    p = make([net(min_relevance=0.5, tags=("food",))], cands)
    assert check(p, comp(a=["p1", "p3"])) == []
    assert check(p, comp(a=["p1", "p2", "p4"])) == [
        Violation(
            "eligibility",
            "a",
            ("p2",),
            "network 'a' has member 'p2' with relevance 0.49, needs >= 0.5",
            {"relevance": 0.49, "min_relevance": 0.5},
        ),
        Violation(
            "eligibility",
            "a",
            ("p4",),
            "network 'a' has member 'p4' with relevance 0, needs >= 0.5",
            {"relevance": 0.0, "min_relevance": 0.5},
        ),
    ]


def test_without_min_relevance_any_relevance_is_eligible() -> None:
    cands = [cand(f"p{i}", relevance={"a": 0.0}) for i in range(1, 4)]
    assert check(make([net()], cands), comp(a=["p1", "p2"])) == []


def test_capacity_zero_is_an_eligibility_violation_in_each_network() -> None:
    cands = people(4)
    cands[0] = cand("p1", capacity=0)
    p = make([net(), net("b")], cands, share_members=[("a", "b")])
    expected = [
        Violation(
            "eligibility",
            n,
            ("p1",),
            f"network {n!r} has member 'p1' whose capacity is 0",
            {"capacity": 0},
        )
        for n in ("a", "b")
    ]
    assert check(p, comp(a=["p1"], b=["p1"])) == expected


def test_default_capacity_zero_makes_everyone_ineligible() -> None:
    cands = people(3)
    cands[1] = cand("p2", capacity=1)
    p = make([net()], cands, default_capacity=0)
    found = check(p, comp(a=["p1", "p2"]))
    assert [(v.rule, v.people) for v in found] == [("eligibility", ("p1",))]


def test_capacity_zero_and_low_relevance_are_two_violations() -> None:
    cands = people(3)
    cands[0] = cand("p1", capacity=0, relevance={"a": 0.1})
    p = make([net(min_relevance=0.5)], [*cands[:1], *people(3, relevance={"a": 1.0})[1:]])
    assert [v.detail for v in check(p, comp(a=["p1", "p2"]))] == [
        {"capacity": 0},
        {"relevance": 0.1, "min_relevance": 0.5},
    ]


# ------------------------------------------------------------------ excluded
def test_excluded_here_everywhere_and_both() -> None:
    p = make([net(exclude=("p1", "p3")), net("b")], excluded=("p2", "p3"))
    assert check(p, comp(a=["p1", "p2", "p3", "p4"])) == [
        Violation(
            "excluded",
            "a",
            ("p1",),
            "network 'a' has member 'p1' who is pinned out of this network",
            {"scope": "network"},
        ),
        Violation(
            "excluded",
            "a",
            ("p2",),
            "network 'a' has member 'p2' who is excluded everywhere",
            {"scope": "global"},
        ),
        # pinned out here and excluded everywhere: the network's own pin is named
        Violation(
            "excluded",
            "a",
            ("p3",),
            "network 'a' has member 'p3' who is pinned out of this network",
            {"scope": "network"},
        ),
    ]
    # a pin out of network a does not keep p1 out of network b
    assert check(p, comp(a=["p4"], b=["p1"])) == []


# ------------------------------------------------------------------- include
def test_include_lists_each_missing_pin() -> None:
    p = make([net(include=("p1", "p2", "p3"))])
    assert check(p, comp(a=["p2", "p4"])) == [
        Violation("include", "a", (x,), f"network 'a' is missing {x!r}, who is pinned into it", {})
        for x in ("p1", "p3")
    ]
    assert check(p, comp(a=["p1", "p2", "p3"])) == []


# --------------------------------------------------------------------- quota
def _sectors(*sectors: str) -> list[Candidate]:
    return [cand(f"p{i}", sector=s) for i, s in enumerate(sectors, start=1)]


def test_quota_count_min_and_max_messages() -> None:
    cands = _sectors("agri", "agri", "agri", "food", "food", "food")
    q = Quota("sector", ("agri",), min=1, max=2)
    p = make([net(quotas=(q,))], cands)
    assert check(p, comp(a=["p1", "p4"])) == []
    assert check(p, comp(a=["p1", "p2", "p4"])) == []
    assert check(p, comp(a=["p4", "p5"])) == [
        Violation(
            "quota",
            "a",
            (),
            "network 'a' has 0 members with sector in {agri}, needs >= 1",
            {
                "field": "sector",
                "values": ("agri",),
                "count": 0,
                "min": 1,
                "max": 2,
                "size": 2,
                "unit": "count",
            },
        )
    ]
    assert check(p, comp(a=["p1", "p2", "p3", "p4"])) == [
        Violation(
            "quota",
            "a",
            ("p1", "p2", "p3"),
            "network 'a' has 3 members with sector in {agri}, needs <= 2",
            {
                "field": "sector",
                "values": ("agri",),
                "count": 3,
                "min": 1,
                "max": 2,
                "size": 4,
                "unit": "count",
            },
        )
    ]


def test_quota_share_messages_name_the_share_and_use_the_label() -> None:
    cands = _sectors("agri", "agri", "agri", "food", "food", "fish")
    lo = Quota("sector", ("agri", "fish"), min=0.5, unit="share", label="primary")
    hi = Quota("sector", ("agri",), max=0.25, unit="share")
    p = make([net(quotas=(lo, hi))], cands)
    assert check(p, comp(a=["p1", "p4", "p5", "p6"])) == []
    found = check(p, comp(a=["p1", "p2", "p4", "p5", "p6"]))
    assert found == [
        Violation(
            "quota",
            "a",
            ("p1", "p2"),
            "network 'a' has 2 members with sector in {agri}, needs <= 1 (25% of 5)",
            {
                "field": "sector",
                "values": ("agri",),
                "count": 2,
                "min": 0,
                "max": 1,
                "size": 5,
                "unit": "share",
            },
        )
    ]
    found = check(p, comp(a=["p4", "p5", "p6"]))
    assert found == [
        Violation(
            "quota",
            "a",
            ("p6",),
            "network 'a' has 1 members with sector in primary, needs >= 2 (50% of 3)",
            {
                "field": "sector",
                "values": ("agri", "fish"),
                "count": 1,
                "min": 2,
                "max": 3,
                "size": 3,
                "unit": "share",
            },
        )
    ]


def test_quota_on_an_empty_network() -> None:
    # a count minimum is broken by an empty network even when min_size is 0 ...
    count = Quota("sector", ("food",), min=1)
    p = make([net(quotas=(count,))])
    assert check(p, comp(a=[])) == [
        Violation(
            "quota",
            "a",
            (),
            "network 'a' has 0 members with sector in {food}, needs >= 1",
            {
                "field": "sector",
                "values": ("food",),
                "count": 0,
                "min": 1,
                "max": 0,
                "size": 0,
                "unit": "count",
            },
        )
    ]
    # ... also when the network is missing from the composition altogether
    assert [v.rule for v in check(p, comp())] == ["quota"]
    # a share of nothing is nothing: an empty network keeps every share quota
    share = Quota("sector", ("food",), min=0.5, max=0.5, unit="share")
    assert check(make([net(quotas=(share,))]), comp(a=[])) == []


@pytest.mark.parametrize(
    ("field", "values", "kw", "inside", "outside"),
    [
        ("external", ("true",), {"external": True}, 2, 1),
        ("area", ("north",), {"area": "north"}, 2, 1),
        ("organisation", ("Big",), {"organisation": "Big"}, 2, 1),
        ("actor_type", ("public",), {"actor_type": "public"}, 2, 1),
        ("gender", ("k",), {"attributes": {"gender": "k"}}, 2, 1),
    ],
)
def test_quota_counts_any_countable_field(
    field: str, values: tuple[str, ...], kw: dict[str, Any], inside: int, outside: int
) -> None:
    cands = [cand("p1", **kw), cand("p2", **kw), cand("p3", attributes={"gender": "m"})]
    p = make(
        [net(quotas=(Quota(field, values, min=inside),))],
        cands,
        attributes=("gender",),
    )
    assert check(p, comp(a=["p1", "p2", "p3"])) == []
    v = check(p, comp(a=["p1", "p3"]))
    assert [(x.rule, x.people, x.detail["count"]) for x in v] == [("quota", ("p1",), outside)]


# ------------------------------------------------------------------- max_per
def test_max_per_reports_each_value_over_the_limit() -> None:
    cands = [
        cand("p1", area="north"),
        cand("p2", area="north"),
        cand("p3", area="south"),
        cand("p4", area="south"),
        cand("p5", area="east"),
    ]
    p = make([net(max_per={"area": 1})], cands)
    assert check(p, comp(a=["p1", "p3", "p5"])) == []
    assert check(p, comp(a=["p1", "p2", "p3", "p4", "p5"])) == [
        Violation(
            "max_per",
            "a",
            ("p1", "p2"),
            "network 'a' has 2 members with area 'north', allows <= 1",
            {"field": "area", "value": "north", "count": 2, "max": 1},
        ),
        Violation(
            "max_per",
            "a",
            ("p3", "p4"),
            "network 'a' has 2 members with area 'south', allows <= 1",
            {"field": "area", "value": "south", "count": 2, "max": 1},
        ),
    ]


def test_max_per_exactly_the_limit_is_kept() -> None:
    cands = [cand(f"p{i}", attributes={"gender": "k"}) for i in range(1, 5)]
    p = make([net(max_per={"gender": 3})], cands, attributes=("gender",))
    assert check(p, comp(a=["p1", "p2", "p3"])) == []
    v = check(p, comp(a=["p1", "p2", "p3", "p4"]))
    assert [(x.people, x.detail) for x in v] == [
        (("p1", "p2", "p3", "p4"), {"field": "gender", "value": "k", "count": 4, "max": 3})
    ]


# --------------------------------------------------------------------- skill
def test_skill_counts_holders() -> None:
    cands = people(4)
    cands[0] = cand("p1", skills=("export", "law"))
    cands[1] = cand("p2", skills=("export",))
    need = (SkillRequirement("export", 2), SkillRequirement("law", 1))
    p = make([net(skills=need)], cands)
    assert check(p, comp(a=["p1", "p2"])) == []
    assert check(p, comp(a=["p2", "p3"])) == [
        Violation(
            "skill",
            "a",
            ("p2",),
            "network 'a' has 1 holder(s) of skill 'export', needs >= 2",
            {"skill": "export", "count": 1, "min": 2},
        ),
        Violation(
            "skill",
            "a",
            (),
            "network 'a' has 0 holder(s) of skill 'law', needs >= 1",
            {"skill": "law", "count": 0, "min": 1},
        ),
    ]


def test_skill_on_an_empty_network() -> None:
    cands = people(3)
    cands[0] = cand("p1", skills=("export",))
    p = make([net(skills=(SkillRequirement("export", 1),))], cands)
    assert check(p, comp(a=[])) == [
        Violation(
            "skill",
            "a",
            (),
            "network 'a' has 0 holder(s) of skill 'export', needs >= 1",
            {"skill": "export", "count": 0, "min": 1},
        )
    ]
    # a requirement of zero holders is always kept
    p0 = make([net(skills=(SkillRequirement("export", 0),))], cands)
    assert check(p0, comp(a=[])) == []


# ------------------------------------------------------------------- meeting
def _meeting_problem(rule: MeetingRule) -> Problem:
    cands = people(4)
    cands[2] = cand("p3", availability=("mon-morning",))
    cands[3] = cand("p4", availability=("mon-morning",))
    return make([net(meeting=rule)], cands)


def test_meeting_is_waived_for_an_empty_network_only() -> None:
    p = _meeting_problem(MeetingRule(1.0, slots=("tue-evening",)))
    assert check(p, comp(a=[])) == []
    assert check(p, comp()) == []
    assert check(p, comp(a=["p1"])) == [
        Violation(
            "meeting",
            "a",
            (),
            "network 'a' has a meeting rule but no meeting slot was chosen",
            {"slot": None},
        )
    ]
    # a slot given as None is no slot either
    assert [v.detail for v in check(p, Composition({"a": ["p1"]}, {"a": None}))] == [{"slot": None}]


def test_meeting_slot_outside_the_allowed_ones() -> None:
    p = _meeting_problem(MeetingRule(0.5, slots=("tue-evening", "wed-evening")))
    assert check(p, comp({"a": "tue-evening"}, a=["p1", "p2"])) == []
    assert check(p, comp({"a": "thu-morning"}, a=["p1", "p2"])) == [
        Violation(
            "meeting",
            "a",
            (),
            "network 'a' meets in 'thu-morning', which is not one of its allowed slots "
            "(tue-evening, wed-evening)",
            {"slot": "thu-morning", "allowed": ("tue-evening", "wed-evening")},
        )
    ]


def test_meeting_without_allowed_slots_takes_any_slot() -> None:
    p = _meeting_problem(MeetingRule(1.0))
    assert check(p, comp({"a": "mon-morning"}, a=["p3", "p4"])) == []
    assert check(p, comp({"a": "thu-morning"}, a=["p1", "p2"])) == []


def test_meeting_quorum_counts_free_members() -> None:
    p = _meeting_problem(MeetingRule(0.75))
    # 3 of 4 free meets ceil(0.75 * 4) = 3
    assert check(p, comp({"a": "mon-morning"}, a=["p1", "p3", "p4"])) == [
        Violation(
            "meeting",
            "a",
            ("p1",),
            "network 'a' has 2 of 3 members free in 'mon-morning', needs >= 3 (quorum 75%)",
            {"slot": "mon-morning", "available": 2, "required": 3, "size": 3, "quorum": 0.75},
        )
    ]
    p = _meeting_problem(MeetingRule(0.5))
    assert check(p, comp({"a": "mon-morning"}, a=["p1", "p2", "p3", "p4"])) == []
    found = check(p, comp({"a": "mon-morning"}, a=["p1", "p2", "p3"]))
    assert [(v.people, v.detail["available"], v.detail["required"]) for v in found] == [
        (("p1", "p2"), 1, 2)
    ]


def test_meeting_slot_not_allowed_and_short_of_quorum_are_two_violations() -> None:
    p = _meeting_problem(MeetingRule(1.0, slots=("tue-evening",)))
    found = check(p, comp({"a": "mon-morning"}, a=["p1", "p3"]))
    assert [(v.rule, v.people, v.detail["slot"]) for v in found] == [
        ("meeting", (), "mon-morning"),
        ("meeting", ("p1",), "mon-morning"),
    ]


# -------------------------------------------------------------------- conflict
@pytest.mark.parametrize("pair", [("p1", "p2"), ("p2", "p1")])
def test_conflict_in_either_order(pair: tuple[str, str]) -> None:
    p = make([net(), net("b")], conflicts=[pair])
    a, b = pair
    assert check(p, comp(a=["p1", "p2", "p3"])) == [
        Violation("conflict", "a", pair, f"network 'a' has both {a!r} and {b!r}, who must not meet")
    ]
    # apart, or one of them alone, is fine
    assert check(p, comp(a=["p1", "p3"], b=["p2"])) == []
    assert check(p, comp(a=["p2"])) == []


def test_conflicts_are_reported_per_network() -> None:
    p = make(
        [net(), net("b")],
        conflicts=[("p1", "p2")],
        default_capacity=2,
        share_members=[("a", "b")],
    )
    found = check(p, comp(a=["p1", "p2"], b=["p1", "p2"]))
    assert [(v.rule, v.network, v.people) for v in found] == [
        ("conflict", "a", ("p1", "p2")),
        ("conflict", "b", ("p1", "p2")),
    ]


# ------------------------------------------------------------------- must_pair
def test_must_pair_in_both_directions() -> None:
    p = make([net(), net("b")], must_pairs=[("p1", "p2")])
    assert check(p, comp(a=["p1", "p3"])) == [
        Violation(
            "must_pair",
            "a",
            ("p1", "p2"),
            "network 'a' has 'p1' without their must-pair partner 'p2'",
            {"present": "p1", "missing": "p2"},
        )
    ]
    assert check(p, comp(a=["p2", "p3"])) == [
        Violation(
            "must_pair",
            "a",
            ("p1", "p2"),
            "network 'a' has 'p2' without their must-pair partner 'p1'",
            {"present": "p2", "missing": "p1"},
        )
    ]
    # split over two networks breaks it in both
    found = check(p, comp(a=["p1"], b=["p2"]))
    assert [(v.network, v.detail) for v in found] == [
        ("a", {"present": "p1", "missing": "p2"}),
        ("b", {"present": "p2", "missing": "p1"}),
    ]
    # together, or neither, keeps it
    assert check(p, comp(a=["p1", "p2"], b=["p3"])) == []
    assert check(p, comp(a=["p3"], b=["p4"])) == []


# -------------------------------------------------------------------- cohesion
def test_cohesion_counts_only_ties_inside_the_network() -> None:
    # p3 knows p5 and p6, who are not in network a: that is no cohesion in a
    p = make(
        [net(min_known=1), net("b")],
        ties=[("p1", "p2"), ("p3", "p5"), ("p3", "p6")],
    )
    assert check(p, comp(a=["p1", "p2", "p3"], b=["p5", "p6"])) == [
        Violation(
            "cohesion",
            "a",
            ("p3",),
            "network 'a' has member 'p3' who knows 0 other member(s), needs >= 1",
            {"known": 0, "min_known": 1},
        )
    ]
    assert check(p, comp(a=["p1", "p2"], b=["p3", "p5", "p6"])) == []


def test_cohesion_with_two_known() -> None:
    p = make(
        [net(min_known=2)],
        ties=[("p1", "p2"), ("p1", "p3"), ("p2", "p3"), ("p3", "p4")],
    )
    assert check(p, comp(a=["p1", "p2", "p3"])) == []
    found = check(p, comp(a=["p1", "p2", "p3", "p4"]))
    assert [(v.people, v.detail) for v in found] == [(("p4",), {"known": 1, "min_known": 2})]
    # without a cohesion rule nobody needs to know anyone
    assert check(make([net()]), comp(a=["p1", "p4"])) == []


def test_cohesion_empty_network_is_kept() -> None:
    assert check(make([net(min_known=1)]), comp(a=[])) == []


# ---------------------------------------------------------------------- bridge
def _bridge_problem(mode: str, k: int = 1) -> Problem:
    a = net(bridge=BridgeRule(k, mode))  # type: ignore[arg-type]
    return make(
        [a, net("b"), net("c")],
        ties=[("p2", "p4"), ("p5", "p6")],
        default_capacity=2,
        share_members=[("a", "b"), ("a", "c"), ("b", "c")],
    )


def test_bridge_share_or_tie_reports_an_unreached_network() -> None:
    p = _bridge_problem("share_or_tie")
    # b shares p1 with a; c's members p5, p6 know each other but nobody in a
    assert check(p, comp(a=["p1", "p2"], b=["p1", "p3"], c=["p5", "p6"])) == [
        Violation(
            "bridge",
            "a",
            (),
            "network 'a' reaches 0 member(s) of 'c' (shared with or tied to it), needs >= 1",
            {"other": "c", "count": 0, "min": 1, "mode": "share_or_tie"},
        )
    ]
    # p4 in c knows p2 in a: reached through the tie
    assert check(p, comp(a=["p1", "p2"], b=["p1", "p3"], c=["p4", "p5"])) == []


def test_bridge_share_does_not_count_ties() -> None:
    p = _bridge_problem("share")
    assert check(p, comp(a=["p1", "p2"], b=["p1", "p3"], c=["p4", "p5"])) == [
        Violation(
            "bridge",
            "a",
            (),
            "network 'a' reaches 0 member(s) of 'c' (shared with it), needs >= 1",
            {"other": "c", "count": 0, "min": 1, "mode": "share"},
        )
    ]


def test_bridge_counts_each_reached_member() -> None:
    p = _bridge_problem("share_or_tie", k=2)
    found = check(p, comp(a=["p1", "p2"], b=["p1", "p4"], c=["p2", "p4"]))
    # b: p1 shared, p4 tied to p2 -> 2; c: p2 shared, p4 tied -> 2
    assert found == []
    found = check(p, comp(a=["p1", "p2"], b=["p1", "p3"], c=["p4", "p5"]))
    assert [(v.people, v.detail["other"], v.detail["count"]) for v in found] == [
        (("p1",), "b", 1),
        (("p4",), "c", 1),
    ]


def test_bridge_ignores_empty_networks_and_itself() -> None:
    p = _bridge_problem("share")
    assert check(p, comp(a=["p1"], b=["p1"], c=[])) == []
    assert check(p, comp(a=["p1"], b=["p1"])) == []


# -------------------------------------------------------------------- capacity
def test_capacity_counts_seats_against_each_persons_capacity() -> None:
    cands = people(4)
    cands[1] = cand("p2", capacity=2)
    p = make(
        [net(), net("b"), net("c")],
        cands,
        share_members=[("a", "b"), ("a", "c"), ("b", "c")],
    )
    assert check(p, comp(a=["p2"], b=["p2"], c=["p1"])) == []
    assert check(p, comp(a=["p1", "p2"], b=["p1", "p2"], c=["p2"])) == [
        Violation(
            "capacity",
            None,
            ("p1",),
            "'p1' sits in 2 networks (a, b), capacity is 1",
            {"networks": ("a", "b"), "count": 2, "capacity": 1},
        ),
        Violation(
            "capacity",
            None,
            ("p2",),
            "'p2' sits in 3 networks (a, b, c), capacity is 2",
            {"networks": ("a", "b", "c"), "count": 3, "capacity": 2},
        ),
    ]


def test_default_capacity_applies_to_people_without_their_own() -> None:
    p = make([net(), net("b")], default_capacity=2, share_members=[("a", "b")])
    assert check(p, comp(a=["p1"], b=["p1"])) == []


# --------------------------------------------------------------------- sharing
def test_sharing_names_each_network_pair_once() -> None:
    p = make(
        [net(), net("b"), net("c")],
        default_capacity=3,
        share_members=[("b", "a")],
    )
    assert check(p, comp(a=["p1", "p2"], b=["p1", "p2"])) == []
    assert check(p, comp(a=["p1", "p2"], b=["p2"], c=["p2", "p1"])) == [
        Violation(
            "sharing",
            None,
            ("p1", "p2"),
            "networks 'a' and 'c' share 2 member(s) ('p1', 'p2') but may not share members",
            {"networks": ("a", "c"), "count": 2},
        ),
        Violation(
            "sharing",
            None,
            ("p2",),
            "networks 'b' and 'c' share 1 member(s) ('p2') but may not share members",
            {"networks": ("b", "c"), "count": 1},
        ),
    ]


def test_sharing_pairs_follow_the_problems_network_order() -> None:
    p = make([net("z"), net("m"), net("a")], default_capacity=3)
    found = check(p, comp(z=["p1"], m=["p1"], a=["p1"]))
    assert [v.detail["networks"] for v in found] == [("z", "m"), ("z", "a"), ("m", "a")]


# -------------------------------------------------------------- required, all
def test_required_is_reported_per_person() -> None:
    p = make([net()], required=("p1", "p4", "p5"))
    assert check(p, comp(a=["p1"])) == [
        Violation("required", None, (x,), f"{x!r} is required but not placed in any network")
        for x in ("p4", "p5")
    ]
    assert check(p, comp(a=["p1", "p4", "p5"])) == []


def test_assign_all_lists_everyone_left_out() -> None:
    p = make([net(), net("b")], people(4), assign_all=True)
    assert check(p, comp(a=["p1", "p3"], b=["p4", "p2"])) == []
    assert check(p, comp(a=["p3"])) == [
        Violation(
            "assign_all",
            None,
            ("p1", "p2", "p4"),
            "3 of 4 candidates are not placed, but everyone must be placed",
            {"unplaced": 3, "pool": 4},
        )
    ]
    # without assign_all nobody needs a place
    assert check(make([net()], people(4)), comp(a=["p3"])) == []


# --------------------------------------------------------------------- order
def test_report_order_network_rules_then_global_rules() -> None:
    cands = people(6)
    cands[0] = cand("p1", capacity=0)
    a = net(
        lo=0,
        hi=3,
        exclude=("p2",),
        include=("p6",),
        quotas=(Quota("sector", ("food",), max=1),),
        max_per={"sector": 2},
        min_known=1,
    )
    p = make(
        [a, net("b", lo=3)],
        cands,
        conflicts=[("p3", "p4")],
        must_pairs=[("p4", "p5")],
        required=("p6",),
        share_members=[],
    )
    found = check(p, comp(a=["p1", "p2", "p3", "p4"], b=["ghost"]))
    assert [(v.rule, v.network) for v in found] == [
        ("unknown_person", "b"),
        ("size", "a"),
        ("eligibility", "a"),
        ("excluded", "a"),
        ("include", "a"),
        ("quota", "a"),
        ("max_per", "a"),
        ("conflict", "a"),
        ("must_pair", "a"),
        ("cohesion", "a"),
        ("cohesion", "a"),
        ("cohesion", "a"),
        ("cohesion", "a"),
        ("size", "b"),
        ("required", None),
    ]
    assert all(v.rule in RULES for v in found)
    report = check_report(p, comp(a=["p1", "p2", "p3", "p4"], b=["ghost"]))
    assert report["rule"].tolist() == [v.rule for v in found]
    assert pd.isna(report["network"].tolist()[-1])  # a global rule names no network
    assert report.loc[0, "people"] == "ghost"
    assert report["message"].tolist() == [v.message for v in found]


# ------------------------------------------------------ messages of the report
def test_many_violations_are_cut_to_ten_in_the_error() -> None:
    from evocompose.check import InfeasibleCompositionError

    p = make([net()], people(6), required=tuple(f"p{i}" for i in range(1, 7)))
    found = check(p, comp(a=[]))
    assert len(found) == 6
    err = InfeasibleCompositionError(found * 2)  # twelve
    lines = str(err).splitlines()
    assert lines[0] == "the composition breaks 12 hard rule(s):"
    assert lines[1:11] == [f"  [required] {v.message}" for v in (found * 2)[:10]]
    assert lines[11] == "  ... and 2 more"
    assert len(InfeasibleCompositionError(found[:1] * 10).violations) == 10
    assert "more" not in str(InfeasibleCompositionError(found[:1] * 10))


def test_quota_without_label_lists_its_values() -> None:
    cands = _sectors("agri", "fish", "food")
    q = Quota("sector", ("agri", "fish"), min=2)
    v = check(make([net(quotas=(q,))], cands), comp(a=["p1", "p3"]))
    assert [x.message for x in v] == [
        "network 'a' has 1 members with sector in {agri, fish}, needs >= 2"
    ]


def test_unsatisfiable_share_quota_names_the_bound_it_breaks() -> None:
    # min = max = 50 % of 3 members: at least 2 and at most 1, so 2 breaks the maximum
    cands = _sectors("agri", "agri", "food")
    q = Quota("sector", ("agri",), min=0.5, max=0.5, unit="share")
    v = check(make([net(quotas=(q,))], cands), comp(a=["p1", "p2", "p3"]))
    assert [x.message for x in v] == [
        "network 'a' has 2 members with sector in {agri}, needs <= 1 (50% of 3)"
    ]


def test_share_quota_names_the_maximum_it_breaks_when_the_count_equals_the_minimum() -> None:
    # min 40 % and max 50 % of 3: at least ceil(1.2) = 2 and at most floor(1.5) = 1;
    # 2 members meet the minimum exactly and break the maximum, whose share is named
    cands = _sectors("agri", "agri", "food")
    q = Quota("sector", ("agri",), min=0.4, max=0.5, unit="share")
    v = check(make([net(quotas=(q,))], cands), comp(a=["p1", "p2", "p3"]))
    assert [x.message for x in v] == [
        "network 'a' has 2 members with sector in {agri}, needs <= 1 (50% of 3)"
    ]


def _same_org() -> list[Candidate]:
    return [cand("p1", organisation="Acme"), cand("p2", organisation="Acme"), cand("p3")]


def test_quota_on_a_personal_field_hides_its_values_unless_asked() -> None:
    q = Quota("organisation", ("Acme",), min=2)
    p = make([net(quotas=(q,))], _same_org())
    hidden = "network 'a' has 0 members with organisation in the listed values, needs >= 2"
    assert [v.message for v in check(p, comp(a=["p3"]))] == [hidden]
    shown = "network 'a' has 0 members with organisation in {Acme}, needs >= 2"
    assert [v.message for v in check(p, comp(a=["p3"]), show_names=True)] == [shown]
    # a label names the values without naming them, so it is shown either way
    labelled = Quota("organisation", ("Acme",), min=2, label="the big firm")
    p = make([net(quotas=(labelled,))], _same_org())
    said = "network 'a' has 0 members with organisation in the big firm, needs >= 2"
    assert [v.message for v in check(p, comp(a=["p3"]))] == [said]
    assert [v.message for v in check(p, comp(a=["p3"]), show_names=True)] == [said]


def test_max_per_on_a_personal_field_names_people_not_the_value_unless_asked() -> None:
    p = make([net(max_per={"organisation": 1})], _same_org())
    found = check(p, comp(a=["p1", "p2", "p3"]))
    assert [v.message for v in found] == [
        "network 'a' has 2 members sharing one organisation ('p1', 'p2'), allows <= 1"
    ]
    assert found[0].detail == {"field": "organisation", "value": "Acme", "count": 2, "max": 1}
    assert [v.message for v in check(p, comp(a=["p1", "p2", "p3"]), show_names=True)] == [
        "network 'a' has 2 members with organisation 'Acme', allows <= 1"
    ]


def test_check_report_hides_personal_values_unless_asked() -> None:
    p = make([net(max_per={"organisation": 1})], _same_org())
    hidden = "network 'a' has 2 members sharing one organisation ('p1', 'p2'), allows <= 1"
    shown = "network 'a' has 2 members with organisation 'Acme', allows <= 1"
    assert check_report(p, comp(a=["p1", "p2"]))["message"].tolist() == [hidden]
    assert check_report(p, comp(a=["p1", "p2"]), show_names=True)["message"].tolist() == [shown]


def test_sharing_sorts_pairs_by_both_networks() -> None:
    # (a, d) comes before (b, c): the first network decides, then the second
    p = make([net(), net("b"), net("c"), net("d")], default_capacity=3)
    found = check(p, comp(a=["p1"], b=["p2"], c=["p2"], d=["p1"]))
    assert [v.detail["networks"] for v in found] == [("a", "d"), ("b", "c")]


def test_check_report_names_the_network() -> None:
    p = make([net(lo=2)])
    report = check_report(p, comp(a=["p1"]))
    assert report.to_dict("records") == [
        {
            "rule": "size",
            "network": "a",
            "people": "",
            "message": "network 'a' has 1 members, needs >= 2 (size 2-6)",
        }
    ]
