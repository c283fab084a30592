"""The data model built in Python (no files): validation, replace, equality, summary."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pytest

import evocompose as evo
from evocompose import Candidate, NetworkSpec, Pool, Problem, ProblemError
from evocompose.constraints import BridgeRule, MaxPer, MeetingRule, Quota, SkillRequirement
from evocompose.errors import EvocomposeError, NetworkSpecError


def person(cid: str, sector: str = "food", actor: str = "private", **kw: Any) -> Candidate:
    return Candidate(
        id=cid, name=f"N{cid}", organisation=f"O{cid}", sector=sector, actor_type=actor, **kw
    )


@pytest.fixture
def pool() -> Pool:
    return Pool(
        (
            person("a", "farm", themes=("food",), relevance={"x": 0.2}, skills=("sales", "export")),
            person("b", "food", "public", themes=("food",), capacity=2),
            person(
                "c",
                "tour",
                "civil",
                themes=("outdoor",),
                availability=("thu-morning", "mon-evening"),
            ),
            person("d", "tour", "knowledge", capacity=0, attributes={"gender": "k"}),
        )
    )


def make(pool: Pool, **kw: Any) -> Problem:
    nets = kw.pop("networks", (NetworkSpec("x", tags=("food",), min_size=1, max_size=3),))
    return Problem(pool, nets, **kw)


def test_candidate_normalises_tags(pool: Pool) -> None:
    assert pool["a"].skills == ("export", "sales")
    assert pool["c"].availability == ("mon-evening", "thu-morning")
    assert person("z", skills=("b", "a", "b")).skills == ("a", "b")


def test_relevance_precedence_and_eligibility(pool: Pool) -> None:
    p = make(
        pool,
        networks=(NetworkSpec("x", tags=("food",), min_size=1, max_size=3, min_relevance=0.5),),
    )
    assert p.relevance("a", "x") == 0.2  # the column wins over matching themes
    assert p.relevance("b", "x") == 1.0  # themes share a tag
    assert p.relevance("c", "x") == 0.0
    assert not p.eligible("a", "x")  # below min_relevance
    assert p.eligible("b", "x")
    assert not p.eligible("d", "x")  # capacity 0
    assert p.capacity("b") == 2 and p.capacity("a") == 1


def test_exclusions_make_ineligible(pool: Pool) -> None:
    p = make(
        pool, networks=(NetworkSpec("x", min_size=1, max_size=3, exclude=("b",)),), excluded=("c",)
    )
    assert not p.eligible("b", "x") and not p.eligible("c", "x") and p.eligible("a", "x")
    assert p.eligible("b", "x", ignore_pins=True)


@pytest.mark.parametrize(
    ("kwargs", "column", "value"),
    [
        ({"networks": ()}, None, None),
        ({"networks": (NetworkSpec("x"), NetworkSpec("x"))}, "name", "x"),
        ({"attributes": ("sector",)}, "attributes", "sector"),
        ({"attributes": ("age",)}, "attributes", "age"),
        ({"ties": nx.Graph([("a", "zz")])}, "ties", "zz"),
        ({"conflicts": (("a", "zz"),)}, "conflicts", "zz"),
        ({"conflicts": (("a", "b"),), "must_pairs": (("b", "a"),)}, "conflicts", ["a", "b"]),
        ({"share_members": (("x", "y"),)}, "share_members", "y"),
        ({"required": ("a",), "excluded": ("a",)}, "required", ["a"]),
        ({"sector_groups": {"g": ("fishing",)}}, "sector_groups", "fishing"),
        ({"dissimilarity": np.ones((3, 3))}, "dissimilarity", (3, 3)),
        ({"default_capacity": -1}, "default_capacity", -1),
        (
            {"networks": (NetworkSpec("x", quotas=(Quota("sector", ("fishing",), min=1),)),)},
            "quota.values",
            "fishing",
        ),
        (
            {"networks": (NetworkSpec("x", skills=(SkillRequirement("welding"),)),)},
            "skill",
            "welding",
        ),
        ({"networks": (NetworkSpec("x", min_size=4, max_size=5),)}, "min_size", 4),
        ({"networks": (NetworkSpec("x", include=("d",)),)}, "include", "d"),
        (
            {"networks": (NetworkSpec("x", meeting=MeetingRule(1.0, ("sun-evening",))),)},
            "meeting.slots",
            "sun-evening",
        ),
    ],
)
def test_problem_validation(
    pool: Pool, kwargs: dict[str, Any], column: str | None, value: Any
) -> None:
    with pytest.raises(ProblemError) as info:
        make(pool, **kwargs)
    assert info.value.column == column
    if value is not None:
        assert info.value.value == value
        assert repr(value) in str(info.value)


@pytest.mark.parametrize(
    ("build", "column", "network"),
    [
        (lambda: NetworkSpec("x", min_size=3, max_size=2), "min_size", "x"),
        (lambda: NetworkSpec("a b"), "name", "a b"),
        (lambda: NetworkSpec("x", min_relevance=1.5), "min_relevance", "x"),
        (lambda: NetworkSpec("x", include=("a",), exclude=("a",)), "include", "x"),
        (
            lambda: NetworkSpec("x", max_size=3, quotas=(Quota("sector", ("f",), min=4),)),
            "quota",
            "x",
        ),
        (lambda: NetworkSpec("x", max_per={"area": 0}), "max_per.area", "x"),
        (lambda: NetworkSpec("x", max_per={"area": 1, "sector": 2, **{"area": 1}}), None, None),
        # each rule validates itself, before any network sees it
        (lambda: Quota("sector", ("food",), min=0.5, max=0.2, unit="share"), "quota", None),
        (lambda: Quota("sector", ("food",), max=1.5, unit="share"), "quota", None),
        (lambda: Quota("sector", ("food",), min=1.5), "quota", None),
        (lambda: Quota("sector", ()), "quota", None),
        (lambda: MeetingRule(0.0), "meeting.quorum", None),
        (lambda: MeetingRule(1.0, ("someday",)), "meeting.slots", None),
        (lambda: SkillRequirement("export", -1), "skill", None),
        (lambda: BridgeRule(min=-1), "bridge", None),
        (lambda: MaxPer("organisation", 0), "max_per.organisation", None),
    ],
)
def test_rule_and_spec_validation(
    build: Callable[[], object], column: str | None, network: str | None
) -> None:
    if column is None:  # a valid spec (a dict cannot name a field twice)
        build()
        return
    with pytest.raises(NetworkSpecError) as info:
        build()
    assert info.value.column == column
    assert info.value.network == network
    assert isinstance(info.value, EvocomposeError)


def test_pool_validation() -> None:
    with pytest.raises(ProblemError, match="duplicate"):
        Pool((person("a"), person("a")))
    with pytest.raises(ProblemError, match="actor type"):
        Pool((person("a", actor="firm"),))
    with pytest.raises(ProblemError, match="empty"):
        Pool((person(""),))


def test_replace_revalidates(pool: Pool) -> None:
    p = make(pool)
    q = p.replace(default_capacity=2)
    assert q.default_capacity == 2 and p.default_capacity == 1
    assert q != p
    with pytest.raises(ProblemError):
        p.replace(conflicts=(("a", "nobody"),))


def test_equality(pool: Pool) -> None:
    ties = nx.Graph([("a", "b")])
    p = make(pool, ties=ties)
    assert p == make(pool, ties=nx.Graph([("b", "a")]))
    assert p != make(pool)
    assert p != make(pool, ties=nx.Graph([("a", "b", {"strength": 2.0})]))
    d = np.zeros((4, 4))
    assert make(pool, dissimilarity=d) == make(pool, dissimilarity=d.copy())
    assert make(pool, dissimilarity=d) != p
    assert p != "problem"


def test_frozen(pool: Pool) -> None:
    p = make(pool)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        pool["a"].sector = "x"  # type: ignore[misc]
    with pytest.raises(nx.NetworkXError):
        p.ties.add_edge("a", "c")
    ties = nx.Graph([("a", "b")])
    q = make(pool, ties=ties)
    ties.add_edge("a", "c")  # the problem holds its own copy
    assert not q.ties.has_edge("a", "c")


def test_summary(pool: Pool) -> None:
    p = make(
        pool,
        name="demo",
        networks=(
            NetworkSpec("x", theme="Food net", tags=("food",), min_size=1, max_size=3),
            NetworkSpec("y", min_size=1, max_size=2),
        ),
        share_members=(("x", "y"),),
        conflicts=(("a", "c"),),
    )
    text = p.summary()
    for needle in (
        "demo",
        "4 candidates",
        "2 networks",
        "tour",
        "Food net",
        "x~y",
        "1 conflict",
        "size 1-3",
    ):
        assert needle in text, needle
    assert "Nb" not in text  # names are personal data: never in summaries
    assert str(p) == text
    assert "networks=['x', 'y']" in repr(p)


def test_tiny_dataset() -> None:
    p = evo.datasets.tiny()
    assert p.network_names == ("a", "b") and len(p.pool) == 6


def test_dissimilarity_dataframe_is_aligned_by_id() -> None:
    import numpy as np
    import pandas as pd

    import evocompose as evo

    p = evo.datasets.tiny()
    ids = list(p.pool.ids)
    rng = np.random.default_rng(0)
    m = rng.random((6, 6))
    m = m + m.T
    np.fill_diagonal(m, 0.0)
    frame = pd.DataFrame(m, index=ids, columns=ids)
    shuffled = frame.loc[ids[::-1], ids[::-1]]
    before = shuffled.copy()
    q = p.replace(dissimilarity=shuffled)
    assert q.dissimilarity is not None
    assert np.array_equal(q.dissimilarity, m)
    pd.testing.assert_frame_equal(shuffled, before)
    with pytest.raises(evo.ProblemError, match="p6"):
        p.replace(dissimilarity=frame.drop(index="p6"))


def test_rules_describe_themselves_in_full() -> None:
    assert Quota("sector", ("agriculture", "food"), min=2).describe() == (
        "sector in {agriculture, food} >= 2"
    )
    share = Quota("sector", ("food",), min=0.25, max=0.5, unit="share")
    assert share.describe() == "sector in {food} >= 25% and <= 50%"
    assert Quota("area", ("v1",), max=3, label="the village").describe() == (
        "area in the village <= 3"
    )
    assert MaxPer("organisation", 1).describe() == "at most 1 member(s) per organisation"
    assert SkillRequirement("export", 2).describe() == "at least 2 holder(s) of skill 'export'"
    assert MeetingRule(0.75, ("mon-morning", "tue-evening")).describe() == (
        "one common slot among mon-morning, tue-evening with 75% of members free"
    )
    assert MeetingRule().describe() == "one common slot with 100% of members free"
    assert BridgeRule(2, "share").describe() == (
        ">= 2 member(s) of every other network shared with this one"
    )
    assert BridgeRule(1, "share_or_tie").describe() == (
        ">= 1 member(s) of every other network shared with or tied to this one"
    )


@pytest.mark.parametrize(
    ("make_rule", "message"),
    [
        (
            lambda: MeetingRule(1.5),
            "column 'meeting.quorum', value 1.5: meeting quorum must be in (0, 1]",
        ),
        (
            lambda: MeetingRule(0.0),
            "column 'meeting.quorum', value 0.0: meeting quorum must be in (0, 1]",
        ),
        (
            lambda: MeetingRule(0.5, ("tuesday",)),
            "column 'meeting.slots', value 'tuesday': malformed slot; write <day>-<time> such as "
            "tue-evening",
        ),
        (
            lambda: BridgeRule(1, "tie"),
            "column 'bridge', value (1, 'tie'): bridge needs a whole number min from 0 to "
            "1,000,000 and mode 'share' or 'share_or_tie'",
        ),
        (
            lambda: MaxPer("area", 0),
            "column 'max_per.area', value 0: at most k members per value needs a whole number k "
            "from 1 to 1,000,000",
        ),
        (lambda: MaxPer("", 1), "column 'max_per': a max_per rule needs a field"),
        (lambda: MaxPer(5, 1), "column 'max_per': a max_per rule needs a field"),  # type: ignore[arg-type]
    ],
)
def test_rule_errors_in_full(make_rule: Callable[[], object], message: str) -> None:
    with pytest.raises(NetworkSpecError) as e:
        make_rule()
    assert str(e.value) == message


def test_a_bad_quota_bound_is_quoted_in_its_description() -> None:
    # a number is formatted as usual; text is quoted and cut to 40 characters
    with pytest.raises(NetworkSpecError) as e:
        Quota("sector", ("a",), min=-1)
    assert "quota 'sector in {a} >= -1': a count" in str(e.value)
    with pytest.raises(NetworkSpecError) as e:
        Quota("sector", ("a",), min="x" * 60)  # type: ignore[arg-type]
    assert f"quota 'sector in {{a}} >= '{'x' * 35}…' (60 characters)': a count" in str(e.value)


def test_a_bridge_of_zero_members_is_allowed() -> None:
    assert BridgeRule(0).describe() == (
        ">= 0 member(s) of every other network shared with or tied to this one"
    )


def test_whole_numbers_given_as_floats_become_ints() -> None:
    limit, bridge = MaxPer("area", 2.0), BridgeRule(1.0)  # type: ignore[arg-type]
    assert (limit.max, bridge.min) == (2, 1)
    assert type(limit.max) is int and type(bridge.min) is int


def test_meeting_slots_are_kept_as_a_tuple() -> None:
    rule = MeetingRule(0.5, ["mon-morning", "tue-evening"])  # type: ignore[arg-type]
    assert rule.slots == ("mon-morning", "tue-evening")
    assert hash(rule) == hash(MeetingRule(0.5, ("mon-morning", "tue-evening")))


def test_unknown_slots_sort_after_the_week_by_name() -> None:
    from evocompose.fields import slot_key

    slots = ["zz-top", "sun-evening", "aa-first", "mon-morning"]
    assert sorted(slots, key=slot_key) == ["mon-morning", "sun-evening", "aa-first", "zz-top"]


def test_pool_columns_and_codes_agree_with_each_candidate() -> None:
    pool = evo.datasets.stevns(seed=0).pool
    for name in ("sector", "actor_type", "area", "external", "organisation"):
        column = pool.column(name)
        assert column == tuple(c.attribute(name) for c in pool)
        codes, values = pool.codes(name)
        assert tuple(values[k] for k in codes.tolist()) == column
        assert list(values) == list(dict.fromkeys(column))  # first-seen order
        assert not codes.flags.writeable
        assert pool.codes(name)[0] is codes  # kept
    # an extra attribute some candidates lack (read as ""), and an empty pool
    people = [
        dataclasses.replace(c, attributes={"gender": "fm"[k % 2]} if k % 3 else {})
        for k, c in enumerate(pool)
    ]
    mixed = Pool(tuple(people))
    assert mixed.column("gender") == tuple(c.attribute("gender") for c in people)
    codes, values = mixed.codes("gender")
    assert values == ("", "m", "f") and codes[:4].tolist() == [0, 1, 2, 0]
    empty = Pool(())
    assert empty.column("sector") == () and empty.codes("gender")[0].size == 0


def test_a_problem_made_from_another_shares_its_frozen_ties() -> None:
    p = evo.datasets.stevns(seed=0)
    q = p.replace(default_capacity=2)
    assert q.ties is p.ties and nx.is_frozen(q.ties)
    more = dataclasses.replace(p.pool.candidates[0], id="newcomer")
    r = p.replace(pool=evo.Pool((*p.pool.candidates, more)))
    assert r.ties is not p.ties and "newcomer" in r.ties
    assert set(r.ties.edges) == set(p.ties.edges)
