"""Writers and round trips: problem -> files -> problem, composition -> files -> composition."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose.data import DAYS, TIMES
from evocompose.errors import CompositionError
from evocompose.io import (
    composition_to_json,
    load_problem,
    problem_to_dict,
    read_candidates,
    read_composition,
    read_networks,
    write_composition,
    write_problem,
    write_table,
)


@pytest.fixture
def problem(files: dict[str, Path]) -> evo.Problem:
    return load_problem(files["candidates"], files["ties"], files["networks"], name="demo")


@pytest.mark.parametrize("excel", [False, True], ids=["csv", "xlsx"])
def test_problem_round_trip(problem: evo.Problem, tmp_path: Path, excel: bool) -> None:
    written = write_problem(problem, tmp_path / "out", excel=excel)
    assert written["candidates"].suffix == (".xlsx" if excel else ".csv")
    again = load_problem(written["candidates"], written["ties"], written["networks"])
    assert again == problem
    assert again.name == "demo"


def test_problem_round_trip_rich_rules(problem: evo.Problem, tmp_path: Path) -> None:
    from evocompose.constraints import BridgeRule, MeetingRule, Quota, SkillRequirement

    a, b = problem.networks
    a = evo.NetworkSpec(
        "a",
        theme="Fødevarer",
        tags=("food",),
        min_size=2,
        max_size=3,
        min_relevance=0.3,
        max_per={"organisation": 1},
        quotas=(
            Quota("actor_type", ("private",), max=0.7, unit="share"),
            Quota("sector", ("agriculture", "retail"), min=1, label="food_chain"),
        ),
        skills=(SkillRequirement("marketing", 1),),
        meeting=MeetingRule(0.5, ("tue-evening",)),
        include=("p1",),
        exclude=("p4",),
        synergy={("retail", "agriculture"): 0.5},
        bridge=BridgeRule(1, "share"),
        weights={"relevance": 2.0},
    )
    rich = problem.replace(
        networks=(a, b),
        share_members=(("a", "b"),),
        conflicts=(("p2", "p6"),),
        must_pairs=(("p1", "p3"),),
        sector_groups={"food_chain": ("agriculture", "retail")},
        required=("p5",),
        excluded=("p4",),
        weights=evo.Weights(sector=2.0, mode="lexicographic", attribute_weights={"gender": 0.5}),
    )
    json.dumps(problem_to_dict(rich))  # JSON-serialisable
    written = write_problem(rich, tmp_path)
    assert load_problem(written["candidates"], written["ties"], written["networks"]) == rich


def test_write_problem_pseudonymise(problem: evo.Problem, tmp_path: Path) -> None:
    written = write_problem(problem, tmp_path, pseudonymise=True)
    text = "".join(p.read_text(encoding="utf-8-sig") for p in written.values())
    for c in problem.pool:
        assert c.name not in text
        assert c.organisation not in text
    again = load_problem(written["candidates"], written["ties"], written["networks"])
    assert [c.name for c in again.pool] == [f"person-{k}" for k in range(1, 7)]
    assert again.pool["p1"].sector == problem.pool["p1"].sector


def test_stevns_round_trip(tmp_path: Path) -> None:
    p = evo.datasets.stevns(n=120)
    written = write_problem(p, tmp_path)
    assert load_problem(written["candidates"], written["ties"], written["networks"]) == p


def test_a_problem_with_a_network_dropped_round_trips(tmp_path: Path) -> None:
    """Candidates keep their relevance to a dropped network; the files do not, and load."""
    p = evo.datasets.stevns(n=120)
    kept = tuple(s for s in p.networks if s.name != "vision")
    smaller = p.replace(
        networks=kept, share_members=tuple(x for x in p.share_members if "vision" not in x)
    )
    assert any("vision" in c.relevance for c in smaller.pool)
    written = write_problem(smaller, tmp_path)
    header = pd.read_csv(written["candidates"], nrows=0).columns
    assert "relevance:vision" not in header
    assert any(str(c).startswith("relevance:") for c in header)
    back = load_problem(written["candidates"], written["ties"], written["networks"])
    assert back.network_names == smaller.network_names
    for c in smaller.pool:
        for n in smaller.network_names:
            assert back.relevance(c.id, n) == smaller.relevance(c.id, n)
    assert back.pool[smaller.pool.ids[0]].relevance.keys() <= set(smaller.network_names)


COMPOSITIONS = [
    evo.Composition(
        {"a": ["p1", "p2"], "b": ["p3", "p4", "p5"]}, {"a": "tue-evening", "b": "thu-morning"}
    ),
    evo.Composition({"a": ["p1", "p2"], "b": ["p1", "p3"]}),
    evo.Composition({"a": ["p1"], "b": []}, {"a": "mon-morning", "b": "fri-evening"}),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json"])
@pytest.mark.parametrize("index", range(len(COMPOSITIONS)))
def test_composition_round_trip(
    problem: evo.Problem, tmp_path: Path, suffix: str, index: int
) -> None:
    comp = COMPOSITIONS[index]
    path = write_composition(comp, tmp_path / f"comp{suffix}", problem)
    assert read_composition(path, problem) == comp
    assert read_composition(path) == comp


def test_composition_json_text_and_pseudonymise(problem: evo.Problem, tmp_path: Path) -> None:
    comp = COMPOSITIONS[0]
    text = composition_to_json(comp, problem, pseudonymise=True)
    assert read_composition(text) == comp
    doc = json.loads(text)
    assert "name" not in doc["rows"][0] and doc["rows"][0]["sector"]
    for suffix in (".csv", ".xlsx"):
        path = write_composition(comp, tmp_path / f"p{suffix}", problem, pseudonymise=True)
        frame = pd.read_excel(path) if suffix == ".xlsx" else pd.read_csv(path)
        assert "name" not in frame.columns and "organisation" not in frame.columns
    named = write_composition(comp, tmp_path / "named.csv", problem)
    assert "Ann" in named.read_text(encoding="utf-8-sig")


def test_composition_bad_suffix(tmp_path: Path) -> None:
    with pytest.raises(CompositionError, match="txt"):
        write_composition(COMPOSITIONS[0], tmp_path / "c.txt")


def test_composition_json_with_unknown_person(problem: evo.Problem) -> None:
    text = composition_to_json(evo.Composition({"a": ["p1", "zz"]}))
    with pytest.raises(CompositionError, match="'zz'"):
        read_composition(text, problem)


def test_plan_from_problem_dict(problem: evo.Problem) -> None:
    plan = read_networks(problem_to_dict(problem))
    assert plan.networks == problem.networks and plan.attributes == problem.attributes


# ---------------------------------------------------------------- property
SLOTS = [f"{d}-{t}" for d in DAYS for t in TIMES]
_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
    min_size=0,
    max_size=12,
).filter(lambda s: s == s.strip())
_tag = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=8)


@st.composite
def pool_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 6))
    ids = draw(
        st.lists(
            st.text(alphabet="0123456789abcXYZ-_", min_size=1, max_size=5),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    rows = []
    for cid in ids:
        rows.append(
            {
                "id": cid,
                "name": draw(_text),
                "organisation": draw(_text),
                "sector": draw(_text.filter(bool)),
                "actor_type": draw(st.sampled_from(evo.ACTOR_TYPES)),
                "skills": ";".join(draw(st.lists(_tag, max_size=3))),
                "availability": ";".join(draw(st.lists(st.sampled_from(SLOTS), max_size=3))),
                "capacity": draw(st.one_of(st.none(), st.integers(0, 3))),
                "external": draw(st.booleans()),
                "relevance:a": draw(
                    st.one_of(st.none(), st.floats(0, 1).map(lambda x: round(x, 6)))
                ),
                "gender": draw(_text),
            }
        )
    frame = pd.DataFrame(rows)
    frame["capacity"] = frame["capacity"].astype("Int64")
    return frame


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=pool_frames())
def test_any_valid_pool_round_trips_through_csv_and_xlsx(frame: pd.DataFrame) -> None:
    before = frame.copy(deep=True)
    pool = read_candidates(frame)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is never modified
    assert read_candidates(pool.to_frame()) == pool
    with tempfile.TemporaryDirectory() as d:
        for suffix in (".csv", ".xlsx"):
            path = write_table(
                pool.to_frame(), Path(d) / f"pool{suffix}", numeric=["capacity", "relevance:a"]
            )
            assert read_candidates(path) == pool
