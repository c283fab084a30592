"""Reading ties and network plans; building problems with load_problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
from conftest import to_toml

import evocompose as evo
from evocompose.constraints import MaxPer, MeetingRule, Quota
from evocompose.errors import NetworkSpecError, TieError
from evocompose.io import (
    NetworkPlan,
    load_problem,
    plan_to_dict,
    read_candidates,
    read_networks,
    read_ties,
)

STEVNS_TOML = Path(evo.__file__).parent / "datasets" / "data" / "stevns_networks.toml"


# ---------------------------------------------------------------- ties
def test_read_ties(files: dict[str, Path]) -> None:
    pool = read_candidates(files["candidates"])
    g = read_ties(files["ties"], pool)
    assert set(g.nodes) == set(pool.ids)
    assert g["p2"]["p1"] == {"strength": 2.0, "kind": "work"}
    assert g["p3"]["p4"] == {"strength": 1.0, "kind": "board"}


def test_ties_without_strength_column_and_header_only(tmp_path: Path) -> None:
    g = read_ties(pd.DataFrame({"A": ["x"], " b ": ["y"]}))
    assert list(g.edges(data=True)) == [("x", "y", {})]
    path = tmp_path / "t.csv"
    path.write_text("a,b,strength\n")
    assert read_ties(path).number_of_edges() == 0
    assert read_ties(None).number_of_nodes() == 0


def test_ties_semicolon_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a;b;strength\nx;y;0,5\n")
    assert read_ties(path)["x"]["y"]["strength"] == 0.5


def test_ties_unknown_id_only_checked_with_pool() -> None:
    df = pd.DataFrame({"a": ["x"], "b": ["zz"]})
    assert read_ties(df).has_edge("x", "zz")
    pool = evo.datasets.tiny().pool
    with pytest.raises(TieError, match="'x'"):
        read_ties(df, pool)


# ---------------------------------------------------------------- networks
def test_read_stevns_plan() -> None:
    plan = read_networks(STEVNS_TOML)
    assert [n.name for n in plan.networks] == ["vision", "food", "outdoor", "industry"]
    assert plan.attributes == ("gender", "age_band")
    assert plan.conflicts[0] == ("s0008", "s0009")
    vision = plan.networks[0]
    group = next(q for q in vision.quotas if q.label == "food_chain")
    assert group == Quota(
        "sector", ("agriculture", "food_restaurants", "retail"), min=1, label="food_chain"
    )
    assert vision.meeting == MeetingRule(quorum=1.0)
    assert vision.synergy_of("knowledge_services", "public_administration") == 0.5
    assert plan.source == "stevns_networks.toml"


def test_share_members_star_and_text_source() -> None:
    text = to_toml(
        {
            "global": {"share_members": [["a", "*"]]},
            "network": [{"name": n, "min_size": 1, "max_size": 2} for n in ("a", "b", "c")],
        }
    )
    plan = read_networks(text)
    assert plan.share_members == (("a", "b"), ("a", "c"))


def test_max_per_and_its_older_spelling() -> None:
    doc: dict[str, Any] = {
        "network": [
            {"name": "a", "max_per": {"organisation": 1, "area": 3}},
            {"name": "b", "max_per_organisation": 2},
        ]
    }
    a, b = read_networks(to_toml(doc)).networks
    assert a.max_per == (MaxPer("organisation", 1), MaxPer("area", 3))
    assert b.max_per == (MaxPer("organisation", 2),) and b.max_per_organisation == 2
    written = plan_to_dict(read_networks(doc))["network"]
    assert [n["max_per"] for n in written] == [{"organisation": 1, "area": 3}, {"organisation": 2}]


def test_plan_dict_round_trip() -> None:
    plan = read_networks(STEVNS_TOML)
    again = read_networks(plan_to_dict(plan))
    assert again == plan
    assert read_networks(plan) is plan


def test_weights_and_network_overrides() -> None:
    doc: dict[str, Any] = {
        "weights": {"sector": 2, "mode": "lexicographic", "attribute_weights": {"gender": 3}},
        "network": [{"name": "a", "weights": {"relevance": 5.0}}],
    }
    plan = read_networks(doc)
    assert plan.weights.sector == 2.0 and plan.weights.mode == "lexicographic"
    assert plan.weights.attribute_factor("gender") == 3.0
    assert plan.networks[0].weights == {"relevance": 5.0}


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        ({"network": []}, "network"),
        ({"network": [{"theme": "x"}]}, "network[1].name"),
        ({"network": [{"name": "a", "synergy": {"farm": 1}}]}, 'network[1].synergy."farm"'),
        ({"network": [{"name": "a", "bridge": {"mode": "tie"}}]}, "network[1].bridge.mode"),
        ({"network": [{"name": "a", "meeting": {"quorum": 0}}]}, "network[1].meeting.quorum"),
        ({"network": [{"name": "a", "skill": [{"min": 1}]}]}, "network[1].skill[1].skill"),
        ({"network": [{"name": "a"}], "global": {"assign_all": "maybe"}}, "global.assign_all"),
        ({"network": [{"name": "a"}], "global": {"conflicts": [["x"]]}}, "global.conflicts[1]"),
        ({"network": [{"name": "a"}], "weights": {"order": ["sector", "fun"]}}, "weights.order[2]"),
    ],
)
def test_plan_errors_name_the_toml_path(doc: dict[str, Any], path: str) -> None:
    with pytest.raises(NetworkSpecError) as info:
        read_networks(doc)
    assert info.value.column == path


def test_missing_networks_file(tmp_path: Path) -> None:
    with pytest.raises(NetworkSpecError, match="not found"):
        read_networks(tmp_path / "nope.toml")


# ---------------------------------------------------------------- load_problem
def test_load_problem_from_files(files: dict[str, Path]) -> None:
    p = load_problem(files["candidates"], files["ties"], files["networks"], name="demo")
    assert p.name == "demo"
    assert p.network_names == ("a", "b")
    assert p.attributes == ("gender",)
    assert p.ties.number_of_edges() == 2
    assert p.relevance("p3", "a") == 0.4  # the column wins over themes
    assert p.relevance("p6", "a") == 1.0  # themes match the tags


def test_load_problem_from_objects(files: dict[str, Path], plan: dict[str, Any]) -> None:
    from_files = load_problem(files["candidates"], files["ties"], files["networks"])
    frame = read_candidates(files["candidates"]).to_frame()
    ties = pd.read_csv(files["ties"], dtype=str, keep_default_na=False)
    before = frame.copy(deep=True)
    p = load_problem(candidates=frame, ties=ties, networks=plan)
    pd.testing.assert_frame_equal(frame, before)
    assert p.pool == from_files.pool
    assert p == from_files
    graph = nx.Graph(from_files.ties)
    assert load_problem(from_files.pool, graph, read_networks(plan)) == from_files
    assert isinstance(read_networks(plan), NetworkPlan)
    specs = read_networks(plan).networks
    assert load_problem(frame, None, specs).network_names == ("a", "b")


def test_load_problem_needs_networks(files: dict[str, Path]) -> None:
    with pytest.raises(NetworkSpecError, match="networks="):
        load_problem(files["candidates"])


def test_load_problem_graph_with_unknown_node(files: dict[str, Path], plan: dict[str, Any]) -> None:
    with pytest.raises(TieError, match="'zz'"):
        load_problem(files["candidates"], nx.Graph([("p1", "zz")]), plan)
