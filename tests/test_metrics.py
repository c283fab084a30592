"""Metrics against numbers computed by hand (each expected value says how)."""

from __future__ import annotations

import doctest
import importlib
import math
from fractions import Fraction
from types import ModuleType
from typing import Any

import networkx as nx
import pandas as pd
import pytest

import evocompose as evo
import evocompose.metrics
import evocompose.metrics.coverage
import evocompose.metrics.diversity
import evocompose.metrics.ties
from evocompose import Candidate, Composition, MeetingRule, NetworkSpec, Pool, Problem
from evocompose import SkillRequirement as Skill
from evocompose.metrics import (
    SCORECARD,
    availability_table,
    blau,
    bridges_table,
    composition_counts,
    diversity_table,
    ei_index,
    evenness,
    mean_pairwise_distance,
    pairwise_diversity,
    person_distance,
    pool_integration,
    rao_stirling,
    relevance_table,
    scorecard,
    sector_distance,
    sector_tie_matrix,
    shannon,
    skill_coverage,
    skill_requirements,
    tie_table,
)

# evocompose.check is also the name of the function the package exports
check_module = importlib.import_module("evocompose.check")

# --------------------------------------------------------------------- fixtures
# tiny(): p1 agriculture, p2 food, p3 food, p4 tourism, p5 agriculture, p6 tourism.
TIES = [("p1", "p2"), ("p2", "p3"), ("p3", "p4"), ("p1", "p5"), ("p4", "p5")]


@pytest.fixture
def tied() -> Problem:
    """tiny() with five ties instead of two."""
    p = evo.datasets.tiny()
    return Problem(p.pool, p.networks, nx.Graph(TIES), name="tied")


@pytest.fixture
def attr_problem() -> Problem:
    """Three people with a declared attribute, skills, relevance and availability.

    x1: s1 private A {m, n} f  rel .9  tue-evening, thu-morning
    x2: s1 public  A {m}    m  rel .5  thu-morning
    x3: s2 private B {}     f  rel .1  mon-morning
    x4: s3 civil   C {k}    m  (network b only)
    """
    rows: list[dict[str, Any]] = [
        dict(id="x1", sector="s1", actor_type="private", area="A", skills=("m", "n"),
             attributes={"gender": "f"}, relevance={"a": 0.9},
             availability=("tue-evening", "thu-morning")),
        dict(id="x2", sector="s1", actor_type="public", area="A", skills=("m",),
             attributes={"gender": "m"}, relevance={"a": 0.5}, availability=("thu-morning",)),
        dict(id="x3", sector="s2", actor_type="private", area="B", skills=(),
             attributes={"gender": "f"}, relevance={"a": 0.1}, availability=("mon-morning",)),
        dict(id="x4", sector="s3", actor_type="civil", area="C", skills=("k",),
             attributes={"gender": "m"}, relevance={"a": 0.0}, availability=()),
    ]  # fmt: skip
    pool = Pool(tuple(Candidate(name=r["id"], organisation=r["id"], **r) for r in rows))
    a = NetworkSpec(
        "a",
        min_size=1,
        max_size=3,
        min_relevance=0.05,
        skills=(Skill("m", 2), Skill("n", 1)),
        meeting=MeetingRule(quorum=0.5),
    )
    b = NetworkSpec("b", min_size=0, max_size=3)
    return Problem(pool, (a, b), attributes=("gender",))


def attr_comp() -> Composition:
    return Composition({"a": ["x1", "x2", "x3"], "b": ["x4"]}, {"a": "mon-morning"})


# --------------------------------------------------------------------- indices
def test_blau_shannon_evenness_by_hand() -> None:
    # counts 2, 1, 1 -> p = .5, .25, .25
    assert blau([2, 1, 1]) == pytest.approx(1 - (0.25 + 0.0625 + 0.0625))
    # H = -(.5 ln .5 + 2 * .25 ln .25) = .5 ln 2 + ln 2 = 1.5 ln 2
    assert shannon({"a": 2, "b": 1, "c": 1}) == pytest.approx(1.5 * math.log(2))
    assert evenness([2, 1, 1]) == pytest.approx(1.5 * math.log(2) / math.log(3))
    assert evenness([2, 1, 1], categories=4) == pytest.approx(1.5 * math.log(2) / math.log(4))
    assert evenness([1, 1, 1, 1]) == pytest.approx(1.0)
    # zeros are ignored
    assert blau([2, 0, 1, 1]) == blau([2, 1, 1])
    assert evenness([0, 3]) != evenness([0, 3])  # nan: one category present


def test_one_value_present_of_several_possible() -> None:
    # one value present: H = 0 (a positive zero), so evenness against 2 possible values is 0 / ln 2
    assert math.copysign(1.0, shannon([5])) == 1.0
    assert evenness([3, 0], categories=2) == 0.0
    assert math.isnan(evenness([0, 0], categories=2))  # nothing counted: undefined


def test_indices_of_fractional_counts() -> None:
    # shares that sum to less than 1 are still normalised: .25, .25 -> p = .5, .5
    assert blau([0.25, 0.25]) == pytest.approx(0.5)
    # any real numbers, exact fractions included
    assert blau({"a": Fraction(1, 3), "b": Fraction(1, 3)}) == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"^counts must be finite numbers >= 0$"):
        blau([1, math.inf])


@pytest.mark.parametrize("fn", [blau, shannon, evenness])
def test_indices_edge_cases(fn: Any) -> None:
    assert math.isnan(fn([]))
    assert math.isnan(fn([0, 0]))
    with pytest.raises(ValueError):
        fn([1, -1])


def test_single_category() -> None:
    assert blau([5]) == 0.0
    assert shannon([5]) == 0.0
    assert math.isnan(evenness([5]))


def test_rao_stirling_by_hand() -> None:
    labels = ["agriculture", "food", "tourism"]
    d = pd.DataFrame([[0, 0.2, 1], [0.2, 0, 1], [1, 1, 0]], index=labels, columns=labels)
    counts = {"agriculture": 1, "food": 1, "tourism": 2}
    # p = .25, .25, .5; ordered pairs: 2 * (.2 * .25 * .25 + 1 * .25 * .5 + 1 * .25 * .5)
    assert rao_stirling(counts, d) == pytest.approx(2 * (0.2 / 16 + 0.125 + 0.125))
    assert rao_stirling(counts) == pytest.approx(blau(counts))
    assert rao_stirling(counts, sector_distance(labels)) == pytest.approx(blau(counts))
    assert math.isnan(rao_stirling({"food": 0}))
    with pytest.raises(ValueError, match="unknown"):
        rao_stirling({"unknown": 1}, d)


def test_rao_stirling_ignores_zero_counts_and_needs_both_axes() -> None:
    labels = ["food", "tourism"]
    d = pd.DataFrame([[0, 0.5], [0.5, 0]], index=labels, columns=labels)
    # a value counted 0 needs no row: p = .5, .5 -> 2 * (.5 * .5 * .5)
    assert rao_stirling({"food": 1, "tourism": 1, "fishing": 0}, d) == pytest.approx(0.25)
    # a value labelling the rows but not the columns is still missing
    rows_only = pd.DataFrame([[0, 1], [1, 0], [1, 1]], index=[*labels, "fishing"], columns=labels)
    with pytest.raises(ValueError, match="no row/column for 'fishing'"):
        rao_stirling({"food": 1, "fishing": 1}, rows_only)
    with pytest.raises(ValueError, match=r"^counts must be >= 0$"):
        rao_stirling({"food": 2, "tourism": -1})


def test_sector_distance_whole_frame() -> None:
    labels = ["food", "tourism", "fishing"]
    expected = pd.DataFrame(
        [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]], index=labels, columns=labels
    )
    # repeated sectors are listed once, in first-seen order
    got = sector_distance(["food", "tourism", "food", "fishing"])
    pd.testing.assert_frame_equal(got, expected)


# --------------------------------------------------------------------- diversity frames
def test_composition_counts_tiny() -> None:
    p = evo.datasets.tiny()
    comp = Composition({"a": ["p1", "p3", "p4"], "b": ["p2", "p5"]})
    t = composition_counts(p, comp, "sector")
    assert t.index.tolist() == ["a", "b", "(all)"]
    assert t.columns.tolist() == ["agriculture", "food", "tourism"]
    assert t.to_numpy().tolist() == [[1, 1, 1], [1, 1, 0], [2, 2, 1]]
    assert composition_counts(p, comp, "external").loc["(all)", "false"] == 5
    with pytest.raises(ValueError, match="unknown field"):
        composition_counts(p, comp, "shoe_size")


def test_composition_counts_whole_frame() -> None:
    """Labels included: the index is named ``network``, the columns by the field."""
    p = evo.datasets.tiny()
    comp = Composition({"a": ["p1", "p3", "p4"], "b": ["p2", "p5"]})
    expected = pd.DataFrame(
        [[1, 1, 1], [1, 1, 0], [2, 2, 1]],
        index=pd.Index(["a", "b", "(all)"], name="network"),
        columns=pd.Index(["agriculture", "food", "tourism"], name="sector"),
        dtype="int64",
    )
    pd.testing.assert_frame_equal(composition_counts(p, comp, "sector"), expected)


def test_diversity_table_without_fields_and_with_an_unknown_one() -> None:
    p = evo.datasets.tiny()
    comp = Composition({"a": ["p1", "p2"], "b": ["p4", "p5"]})
    t = diversity_table(p, comp, fields=[])
    assert t.empty
    assert t.columns.tolist() == [
        "network",
        "field",
        "size",
        "categories",
        "blau",
        "shannon",
        "evenness",
    ]
    with pytest.raises(ValueError, match="unknown field 'shoe_size'"):
        diversity_table(p, comp, fields=["sector", "shoe_size"])


def test_unknown_field_message_lists_the_fields_and_columns() -> None:
    builtin = "organisation, sector, actor_type, area, external"
    with pytest.raises(ValueError) as e:
        composition_counts(evo.datasets.tiny(), Composition({}), "shoe")
    assert str(e.value) == (
        f"unknown field 'shoe'; use one of {builtin} or a candidate column (none)"
    )
    x = Candidate("x", "X", "O", "food", "private", attributes={"gender": "f", "age": "old"})
    pool = Pool((x,))
    p = Problem(pool, (NetworkSpec("a", min_size=0, max_size=1),))
    with pytest.raises(ValueError) as e:
        composition_counts(p, Composition({}), "shoe")
    assert str(e.value).endswith(f"use one of {builtin} or a candidate column (gender, age)")


def test_diversity_table_tiny() -> None:
    p = evo.datasets.tiny()
    comp = Composition({"a": ["p1", "p2", "p5"], "b": ["p4", "p6"]})
    t = diversity_table(p, comp).set_index(["network", "field"])
    # a: agriculture, food, agriculture -> 2/3, 1/3
    h = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    row = t.loc[("a", "sector")]
    assert row["blau"] == pytest.approx(4 / 9)
    assert row["shannon"] == pytest.approx(h)
    assert row["evenness"] == pytest.approx(h / math.log(2))
    assert row["categories"] == 2
    # b: tourism, tourism -> one category
    row = t.loc[("b", "sector")]
    assert row["blau"] == 0.0 and math.isnan(row["evenness"])
    # (all): 5 people, sectors agri 2, food 1, tourism 2 -> 1 - (4 + 1 + 4) / 25
    assert t.loc[("(all)", "sector"), "blau"] == pytest.approx(16 / 25)
    assert sorted(set(t.index.get_level_values("field"))) == ["actor_type", "area", "sector"]


def test_person_and_mean_pairwise_distance(attr_problem: Problem) -> None:
    # x1-x2: actor, gender -> 2; skills {m,n} vs {m}: 1 - 1/2 -> 2.5
    assert person_distance(attr_problem, "x1", "x2") == pytest.approx(2.5)
    # x1-x3: sector, area -> 2; skills vs {}: 1 -> 3
    assert person_distance(attr_problem, "x1", "x3") == pytest.approx(3.0)
    # x2-x3: sector, actor, area, gender -> 4; skills 1 -> 5
    assert person_distance(attr_problem, "x2", "x3") == pytest.approx(5.0)
    assert mean_pairwise_distance(attr_problem, ["x1", "x2", "x3"]) == pytest.approx(10.5 / 3)
    assert math.isnan(mean_pairwise_distance(attr_problem, ["x1"]))
    # two members make one pair: its distance
    assert mean_pairwise_distance(attr_problem, ["x1", "x3"]) == pytest.approx(3.0)


def test_pairwise_diversity(attr_problem: Problem) -> None:
    t = pairwise_diversity(attr_problem, attr_comp()).set_index("network")
    a = t.loc["a"]
    assert a["pairs"] == 3
    assert a["mean_distance"] == pytest.approx(3.5)
    for f in ("sector", "actor_type", "area", "gender"):
        assert a[f"mismatch_{f}"] == pytest.approx(2 / 3)  # each field differs in 2 of 3 pairs
    assert a["skill_jaccard"] == pytest.approx((0.5 + 1 + 1) / 3)
    assert math.isnan(t.loc["b", "mean_distance"])  # one member
    assert t.loc["(all)", "pairs"] == 3 and t.loc["(all)", "size"] == 4
    assert (t.loc["a", "size"], t.loc["b", "size"]) == (3, 1)
    assert "mean_dissimilarity" not in t.columns


def test_pairwise_diversity_field_without_mismatch(attr_problem: Problem) -> None:
    # x1-x2: same sector and area, actor type and gender differ; skills {m, n} vs {m}: 1/2
    t = pairwise_diversity(attr_problem, Composition({"a": ["x1", "x2"], "b": []}))
    a = t.set_index("network").loc["a"]
    assert (a["mismatch_sector"], a["mismatch_area"]) == (0.0, 0.0)
    assert (a["mismatch_actor_type"], a["mismatch_gender"]) == (1.0, 1.0)
    assert a["skill_jaccard"] == 0.5 and a["mean_distance"] == 2.5


def test_pairwise_diversity_dissimilarity() -> None:
    p = evo.datasets.tiny()
    d = [[abs(i - j) for j in range(6)] for i in range(6)]
    p = p.replace(dissimilarity=d)
    t = pairwise_diversity(p, Composition({"a": ["p1", "p2", "p4"]})).set_index("network")
    # |0-1| + |0-3| + |1-3| = 6 over 3 pairs
    assert t.loc["a", "mean_dissimilarity"] == pytest.approx(2.0)


# --------------------------------------------------------------------- coverage
def test_skill_coverage(attr_problem: Problem) -> None:
    t = skill_coverage(attr_problem, attr_comp()).set_index("network")
    # a: m held by x1, x2 (>= 2), n by x1 (>= 1) -> both met; skills {m, n} of pool {k, m, n}
    assert t.loc["a", "requirements"] == 2 and t.loc["a", "requirements_met"] == 2
    assert t.loc["a", "distinct_skills"] == 2
    assert t.loc["a", "pool_share"] == pytest.approx(2 / 3)
    assert t.loc["(all)", "distinct_skills"] == 3 and t.loc["(all)", "pool_share"] == 1.0
    r = skill_requirements(attr_problem, Composition({"a": ["x1", "x3"]}))
    assert r.values.tolist() == [["a", "m", 2, 1, False], ["a", "n", 1, 1, True]]


def test_relevance_table(attr_problem: Problem) -> None:
    t = relevance_table(attr_problem, attr_comp()).set_index("network")
    assert t.loc["a", "relevance_mean"] == pytest.approx((0.9 + 0.5 + 0.1) / 3)
    assert t.loc["a", "relevance_min"] == pytest.approx(0.1)
    assert t.loc["a", "relevance_max"] == pytest.approx(0.9)
    assert t.loc["a", "below_min"] == 0
    # b: x4's relevance to b comes from themes (none) -> 0.0; (all) over 4 memberships
    assert t.loc["(all)", "relevance_mean"] == pytest.approx(1.5 / 4)
    assert t.loc["(all)", "relevance_min"] == 0.0


def test_availability_table(attr_problem: Problem) -> None:
    t = availability_table(attr_problem, attr_comp()).set_index("network")
    a = t.loc["a"]
    # mon-morning: x3 only; thu-morning: x1, x2 (best); tue-evening: x1
    assert a["slot"] == "mon-morning" and a["free_in_slot"] == 1
    assert a["share_in_slot"] == pytest.approx(1 / 3)
    assert a["best_slot"] == "thu-morning" and a["free_in_best"] == 2
    assert a["share_in_best"] == pytest.approx(2 / 3)
    assert a["required"] == 2  # ceil(0.5 * 3)
    b = t.loc["b"]
    assert pd.isna(b["best_slot"]) and b["free_in_best"] == 0 and math.isnan(b["required"])


def test_relevance_below_the_minimum_and_requirement_totals(attr_problem: Problem) -> None:
    a = NetworkSpec("a", min_size=1, max_size=3, min_relevance=0.1, skills=(Skill("m", 2),))
    p = attr_problem.replace(networks=(a, attr_problem.networks[1]))
    comp = Composition({"a": ["x1", "x3", "x4"], "b": ["x2"]})
    t = relevance_table(p, comp)
    # a: x1 .9, x3 .1 (at the minimum: not below), x4 0 (below) -> 1; b has no minimum -> 0
    assert t.columns.tolist()[:2] == ["network", "size"]
    assert t[["network", "size", "below_min"]].values.tolist() == [
        ["a", 3, 1],
        ["b", 1, 0],
        ["(all)", 4, 1],
    ]
    # one requirement (m >= 2): only x1 holds m in a -> not met; b has none
    c = skill_coverage(p, comp).set_index("network")
    assert (c.loc["(all)", "requirements"], c.loc["(all)", "requirements_met"]) == (1, 0)


def test_skill_coverage_whole_frame(attr_problem: Problem) -> None:
    b = NetworkSpec("b", min_size=0, max_size=3, skills=(Skill("k", 1),))
    p = attr_problem.replace(networks=(attr_problem.networks[0], b))
    # a: m (x1, x2) >= 2 and n (x1) >= 1 met, skills {m, n}; b: k (x4) >= 1 met, skills {k};
    # the pool holds {k, m, n}
    expected = pd.DataFrame(
        {
            "network": ["a", "b", "(all)"],
            "size": [3, 1, 4],
            "requirements": [2, 1, 3],
            "requirements_met": [2, 1, 3],
            "distinct_skills": [2, 1, 3],
            "pool_share": [2 / 3, 1 / 3, 1.0],
        }
    )
    pd.testing.assert_frame_equal(skill_coverage(p, attr_comp()), expected)


def test_skill_coverage_of_a_pool_without_skills() -> None:
    pool = Pool((Candidate("x", "X", "O", "food", "private"),))
    p = Problem(pool, (NetworkSpec("a", min_size=0, max_size=1),))
    t = skill_coverage(p, Composition({"a": ["x"]}))
    assert t["distinct_skills"].tolist() == [0, 0]
    assert t["pool_share"].isna().all()  # a share of no skills at all is undefined


def test_availability_best_slot_only_among_the_allowed_slots(attr_problem: Problem) -> None:
    """With meeting slots listed, the best slot is the best of those, not of the whole week."""
    spec = NetworkSpec("a", min_size=1, max_size=3, meeting=MeetingRule(0.5, ("mon-morning",)))
    p = attr_problem.replace(networks=(spec, attr_problem.networks[1]))
    t = availability_table(p, Composition({"a": ["x1", "x2", "x3"], "b": []}))
    # thu-morning has 2 of 3 free but is not allowed; mon-morning (x3 only) is the best allowed
    assert t.columns.tolist() == [
        "network",
        "size",
        "slot",
        "free_in_slot",
        "share_in_slot",
        "best_slot",
        "free_in_best",
        "share_in_best",
        "required",
    ]
    row = t.set_index("network").loc["a"]
    assert (row["size"], row["best_slot"], row["free_in_best"]) == (3, "mon-morning", 1)
    assert row["share_in_best"] == pytest.approx(1 / 3)
    # b is empty: no slot, shares undefined (not a division by zero)
    b = t.set_index("network").loc["b"]
    assert b["size"] == 0 and b["free_in_slot"] == 0
    assert math.isnan(b["share_in_slot"]) and math.isnan(b["share_in_best"])


def test_availability_shares_of_an_empty_network_with_a_slot(attr_problem: Problem) -> None:
    t = availability_table(attr_problem, Composition({"a": [], "b": []}, {"a": "mon-morning"}))
    a = t.set_index("network").loc["a"]
    assert (a["size"], a["slot"], a["free_in_slot"], a["free_in_best"]) == (0, "mon-morning", 0, 0)
    assert math.isnan(a["share_in_slot"]) and math.isnan(a["share_in_best"])


def test_tables_without_rows_keep_their_columns() -> None:
    """No skill rule, or a single network (no pair): an empty table, but with its columns."""
    p = evo.datasets.tiny()
    comp = Composition({"a": ["p1", "p2"], "b": ["p4", "p5"]})
    r = skill_requirements(p, comp)
    assert r.empty and r.columns.tolist() == ["network", "skill", "min", "holders", "met"]
    one = p.replace(networks=p.networks[:1])
    b = bridges_table(one, Composition({"a": ["p1", "p2"]}))
    assert b.empty and b.columns.tolist() == ["network_a", "network_b", "shared", "ties_across"]


# --------------------------------------------------------------------- ties
def test_ei_index_against_definition(tied: Problem) -> None:
    g = tied.ties
    for members in ({"p1", "p2", "p3"}, {"p4", "p5", "p6"}, {"p6"}, {"p1", "p4"}, set(g)):
        e = sum(1 for u, v in g.edges if (u in members) != (v in members))
        i = sum(1 for u, v in g.edges if u in members and v in members)
        expected = (e - i) / (e + i) if e + i else math.nan
        got = ei_index(g, members)
        assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)
    # by hand: {p1, p2, p3}: I = p1-p2, p2-p3; E = p3-p4, p1-p5 -> 0
    assert ei_index(g, {"p1", "p2", "p3"}) == 0.0
    # the whole pool has no outside: -1
    assert ei_index(g, set(g)) == -1.0


def test_ei_index_skips_members_without_ties_and_goes_on() -> None:
    """Members that are not in the graph count for nothing; the others still count.

    Fifty tie-less members make it all but certain that one is met before a or b
    (a set's order is the hash's), so stopping at the first would be noticed.
    """
    g = nx.Graph([("a", "b"), ("a", "c")])
    members = {"a", "b"} | {f"z{i}" for i in range(50)}
    assert ei_index(g, members) == 0.0  # I = a-b, E = a-c: (1 - 1) / 2
    assert math.isnan(ei_index(g, {"z1", "z2"}))  # no tie at all


def test_tie_table_by_hand(tied: Problem) -> None:
    comp = Composition({"a": ["p1", "p2", "p3"], "b": ["p4", "p5", "p6"]})
    t = tie_table(tied, comp).set_index("network")
    a, b, total = t.loc["a"], t.loc["b"], t.loc["(all)"]
    # a: pairs 3, ties p1-p2, p2-p3; new p1-p3 (agriculture-food, cross); E = p3-p4, p1-p5
    assert (a["possible_pairs"], a["tie_pairs"], a["new_pairs"], a["new_cross_sector"]) == (
        3,
        2,
        1,
        1,
    )
    assert a["density"] == pytest.approx(2 / 3)
    assert (a["external_ties"], a["ei_index"], a["isolates"]) == (2, 0.0, 0)
    # b: tie p4-p5; new p4-p6 (tourism-tourism), p5-p6 (cross); E = p3-p4, p1-p5; p6 isolated
    assert (b["tie_pairs"], b["new_pairs"], b["new_cross_sector"]) == (1, 2, 1)
    assert b["ei_index"] == pytest.approx((2 - 1) / 3)
    assert b["isolates"] == 1
    # (all): sums; density 3/6; E-I (4 - 3) / 7
    assert (total["possible_pairs"], total["tie_pairs"], total["isolates"]) == (6, 3, 1)
    assert total["density"] == pytest.approx(0.5)
    assert total["ei_index"] == pytest.approx(1 / 7)


def test_tie_table_columns_in_order(tied: Problem) -> None:
    t = tie_table(tied, Composition({"a": ["p1", "p2"], "b": ["p4"]}))
    assert t.columns.tolist() == [
        "network",
        "size",
        "possible_pairs",
        "tie_pairs",
        "density",
        "new_pairs",
        "new_cross_sector",
        "external_ties",
        "ei_index",
        "isolates",
    ]
    # a: p1-p2 tied (agriculture-food); b: p4 alone; (all): the sums
    assert t["tie_pairs"].tolist() == [1, 0, 1] and t["possible_pairs"].tolist() == [1, 0, 1]


def test_tie_table_small_networks(tied: Problem) -> None:
    t = tie_table(tied, Composition({"a": ["p6"]})).set_index("network")
    assert math.isnan(t.loc["a", "density"])
    assert math.isnan(t.loc["a", "ei_index"])  # p6 has no tie at all
    assert t.loc["a", "isolates"] == 1
    assert t.loc["b", "size"] == 0 and t.loc["b", "isolates"] == 0


def test_bridges_table(tied: Problem) -> None:
    comp = Composition({"a": ["p1", "p2", "p3"], "b": ["p3", "p4", "p5"]})
    # shared: p3. Ties with one end in a = {p1, p2, p3} and the other in b = {p3, p4, p5}:
    # p2-p3, p3-p4, p1-p5 (p1-p2 has no end in b, p4-p5 none in a) -> 3
    assert bridges_table(tied, comp).values.tolist() == [["a", "b", 1, 3]]


def test_sector_tie_matrix_and_pool_integration(tied: Problem) -> None:
    before = sector_tie_matrix(tied)
    # p1-p2 agri-food, p2-p3 food-food, p3-p4 food-tourism, p1-p5 agri-agri, p4-p5 tourism-agri
    assert before.to_numpy().tolist() == [[1, 1, 1], [1, 1, 1], [1, 1, 0]]
    comp = Composition({"a": ["p1", "p2", "p3"], "b": ["p4", "p5", "p6"]})
    after = sector_tie_matrix(tied, comp)
    # adds p1-p3 agri-food, p4-p6 tourism-tourism, p5-p6 agri-tourism
    assert after.to_numpy().tolist() == [[1, 2, 2], [2, 1, 1], [2, 1, 1]]
    t = pool_integration(tied, comp)
    assert t.loc["before"].tolist() == [5, 3, 3, 3, 2, pytest.approx(5 / 6)]
    assert t.loc["after"].tolist() == [8, 5, 3, 3, 1, 1.0]


def test_pool_integration_whole_frame(tied: Problem) -> None:
    comp = Composition({"a": ["p1", "p2", "p3"], "b": ["p4", "p5", "p6"]})
    columns = [
        "acquainted_pairs",
        "cross_sector_pairs",
        "sector_pairs_linked",
        "sector_pairs",
        "components",
        "largest_component",
    ]
    # before: 5 ties, 3 cross, all 3 sector pairs linked, 3 sectors -> 3 pairs; p6 alone -> 2
    # components, the largest 5 of 6; after: + p1-p3, p4-p6, p5-p6 -> 8, one component
    expected = pd.DataFrame(
        [[5, 3, 3, 3, 2, 5 / 6], [8, 5, 3, 3, 1, 1.0]], index=["before", "after"], columns=columns
    )
    pd.testing.assert_frame_equal(pool_integration(tied, comp), expected)


def test_pool_integration_of_an_empty_pool() -> None:
    p = Problem(Pool(()), (NetworkSpec("a", min_size=0, max_size=0),))
    t = pool_integration(p, Composition({"a": []}))
    assert t.loc["after", ["acquainted_pairs", "sector_pairs", "components"]].tolist() == [0, 0, 0]
    assert math.isnan(t.loc["before", "largest_component"])  # no share of nobody


# --------------------------------------------------------------------- scorecard
def test_sector_tie_matrix_whole_frame(tied: Problem) -> None:
    """Labels included: rows and columns are both named ``sector``."""
    sectors = pd.Index(["agriculture", "food", "tourism"], name="sector")
    expected = pd.DataFrame(
        [[1, 1, 1], [1, 1, 1], [1, 1, 0]], index=sectors, columns=sectors, dtype="int64"
    )
    pd.testing.assert_frame_equal(sector_tie_matrix(tied), expected)


def test_scorecard_by_hand(tied: Problem) -> None:
    comp = Composition({"a": ["p1", "p2", "p3"], "b": ["p4", "p5", "p6"]})
    s = scorecard(tied, comp, name="x")
    assert s.name == "x" and s.index.tolist() == list(SCORECARD)
    # a sectors agri, food, food -> 1 - 5/9; b tourism, agri, tourism -> 4/9
    assert s["blau_sector_mean"] == pytest.approx(4 / 9)
    # a actor types all private? p1 private, p2 private, p3 public -> 4/9;
    # b p4 civil, p5 knowledge, p6 private -> 2/3
    assert s["blau_actor_type_mean"] == pytest.approx((4 / 9 + 2 / 3) / 2)
    assert s["new_cross_sector_ties"] == 2.0  # p1-p3 and p5-p6
    assert s["ei_index_mean"] == pytest.approx((0 + 1 / 3) / 2)
    assert s["isolates"] == 1.0
    assert s["violations"] == 0.0
    assert s["people_placed"] == 6.0 and s["networks"] == 2.0
    assert s["relevance_mean"] == 0.0  # tiny has no themes or relevance
    expected = pairwise_diversity(tied, comp).set_index("network").loc["(all)", "mean_distance"]
    assert s["mean_pairwise_distance"] == pytest.approx(expected)


def test_scorecard_means_include_one_member_networks() -> None:
    """A network of one has Blau 0 and counts in the mean; an empty one does not count."""
    p = evo.datasets.tiny()
    # a: agriculture, food, tourism -> 1 - 3/9 = 2/3; b: p2 alone -> 0
    s = scorecard(p, Composition({"a": ["p1", "p3", "p4"], "b": ["p2"]}))
    assert s["blau_sector_mean"] == pytest.approx((2 / 3 + 0) / 2)
    assert s["networks"] == 2.0
    s = scorecard(p, Composition({"a": ["p1", "p3", "p4"], "b": []}))
    assert s["blau_sector_mean"] == pytest.approx(2 / 3)
    assert s["networks"] == 1.0


def test_scorecard_counts_violations() -> None:
    p = evo.datasets.tiny()
    s = scorecard(p, Composition({"a": ["p1"]}))
    assert s["violations"] == 2.0  # a too small, b empty
    assert math.isnan(s["mean_pairwise_distance"])


def test_unknown_people_and_networks_are_ignored() -> None:
    p = evo.datasets.tiny()
    comp = Composition({"a": ["p1", "ghost"], "zzz": ["p2"]})
    assert tie_table(p, comp).set_index("network").loc["a", "size"] == 1
    assert scorecard(p, comp)["people_placed"] == 1.0


# --------------------------------------------------------------------- doctests
@pytest.mark.parametrize(
    "module",
    [
        evocompose.metrics,
        evocompose.metrics.diversity,
        evocompose.metrics.ties,
        evocompose.metrics.coverage,
        check_module,
    ],
    ids=lambda m: m.__name__,
)
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_metrics_do_not_import_solvers() -> None:
    import pathlib

    root = pathlib.Path(evocompose.metrics.__file__).parent
    for path in [*root.glob("*.py"), pathlib.Path(check_module.__file__)]:
        text = path.read_text(encoding="utf-8")
        for bad in (
            "from evocompose.solvers",
            "import evocompose.solvers",
            "evocompose import solvers",
        ):
            assert bad not in text, (path, bad)
