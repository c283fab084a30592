"""Tests of the side-by-side scorecard and its null model."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import evocompose as evo
from evocompose.compare import Scorecard, compare, null_compositions
from evocompose.objective import evaluate, weighted_total

GOOD = evo.Composition({"a": ["p1", "p4", "p5"], "b": ["p2", "p3", "p6"]})
SHORT = evo.Composition({"a": ["p1"], "b": ["p3", "p4"]})  # network a below min_size 2


@pytest.fixture(scope="module")
def tiny() -> evo.Problem:
    return evo.datasets.tiny()


@pytest.fixture(scope="module")
def card(tiny: evo.Problem) -> Scorecard:
    return compare(tiny, {"good": GOOD, "short": SHORT}, null_samples=50, seed=1)


def test_violations_counted(card: Scorecard) -> None:
    frame = card.frame
    assert frame.loc["violations", "good"] == 0
    assert frame.loc["violations", "short"] == 1
    assert frame.loc["violations: size", "short"] == 1
    assert [v.rule for v in card.violations["short"]] == ["size"]
    assert card.violations["good"] == []


def test_objective_matches_reference(tiny: evo.Problem, card: Scorecard) -> None:
    for label, comp in (("good", GOOD), ("short", SHORT)):
        expected = weighted_total(tiny, evaluate(tiny, comp))
        assert card.frame.loc["objective", label] == pytest.approx(expected)
        terms = [r for r in card.frame.index if r.startswith("objective: ")]
        assert card.frame.loc[terms, label].sum() == pytest.approx(expected)


def test_known_objective_terms(card: Scorecard) -> None:
    # a = agriculture, tourism, agriculture -> 2 mismatched sector pairs;
    # b = food, food, tourism -> 2; sector weight 1.
    assert card.frame.loc["objective: sector", "good"] == 4
    # placed people: 6 vs 3, spread weight 1
    assert card.frame.loc["objective: spread", "good"] == 6
    assert card.frame.loc["objective: spread", "short"] == 3


def test_percentiles_in_range(card: Scorecard) -> None:
    rows = [r for r in card.frame.index if r.startswith("percentile: ")]
    assert "percentile: objective" in rows
    values = card.frame.loc[rows].to_numpy().ravel()
    assert all(0 <= v <= 100 for v in values if not math.isnan(v))
    # The short composition places 3 people; every null sample places >= 4.
    assert (
        card.frame.loc["percentile: objective", "short"]
        < card.frame.loc["percentile: objective", "good"]
    )
    assert len(card.null) == 50


def test_null_model_respects_sizes_capacity_sharing(tiny: evo.Problem) -> None:
    p = tiny.replace(default_capacity=2, share_members=(("a", "b"),))
    samples = null_compositions(p, 40, seed=7)
    assert samples == null_compositions(p, 40, seed=7)
    assert samples != null_compositions(p, 40, seed=8)
    shared = 0
    for comp in samples:
        for spec in p.networks:
            assert spec.min_size <= comp.size(spec.name) <= spec.max_size
        shared += len(set(comp.members["a"]) & set(comp.members["b"]))
    assert shared > 0  # sharing is allowed here and happens at random
    for comp in null_compositions(tiny, 40, seed=7):
        assert not set(comp.members["a"]) & set(comp.members["b"])  # capacity 1, no sharing


def test_null_model_keeps_pins(tiny: evo.Problem) -> None:
    p = tiny.replace(
        networks=(evo.NetworkSpec("a", min_size=2, max_size=3, include=("p6",)), tiny.network("b"))
    )
    assert all("p6" in c.members["a"] for c in null_compositions(p, 20))


def test_ratios(card: Scorecard) -> None:
    r = card.ratios("good")
    assert (r["good"].dropna() == 1).all()
    assert r.loc["objective: spread", "short"] == pytest.approx(0.5)
    assert math.isnan(r.loc["violations", "short"])  # baseline 0
    assert not any(str(i).startswith("percentile") for i in r.index)
    with pytest.raises(KeyError):
        card.ratios("nope")


def test_text_html_excel(card: Scorecard, tmp_path: Path) -> None:
    text = str(card)
    assert "good" in text and "short" in text and "[size]" in text
    page = card._repr_html_()
    assert "<table" in page and "font-weight:bold" in page and "size" in page
    assert card.best()["violations"] == "good"
    out = card.to_excel(tmp_path / "card.xlsx")
    back = pd.read_excel(out, sheet_name=None, index_col=0)
    assert set(back) == {"scorecard", "violations", "null_model"}
    assert back["scorecard"].loc["violations", "short"] == 1


def test_accepts_results(tiny: evo.Problem) -> None:
    res = evo.Result(evo.SolveStatus.FEASIBLE, GOOD)
    card = compare(tiny, {"solved": res}, null_samples=0)
    assert card.frame.loc["violations", "solved"] == 0
    assert not any(str(i).startswith("percentile") for i in card.frame.index)
    with pytest.raises(ValueError):
        compare(tiny, {"none": evo.Result(evo.SolveStatus.INFEASIBLE, None)})


def test_a_proposal_without_slots_is_judged_at_its_best_slots() -> None:
    from evocompose.compare import with_best_slots

    p = evo.datasets.stevns(seed=0, n=120)
    hand = evo.handpick(p, "snowball")
    bare = evo.Composition(hand.members)  # members only, as in a hand-made file
    assert any(v.rule == "meeting" and "no meeting slot" in v.message for v in evo.check(p, bare))
    filled, networks = with_best_slots(p, bare)
    assert set(networks) == {s.name for s in p.networks if s.meeting is not None}
    assert not [v for v in evo.check(p, filled) if "no meeting slot" in v.message]
    card = evo.compare(p, {"hand": bare}, null_samples=0)
    assert card.filled_slots == {"hand": networks}
    assert "no meeting slot given" in str(card)
    assert card.frame.loc["violations", "hand"] == len(evo.check(p, filled))
    same, none = with_best_slots(p, filled)
    assert same is filled and none == ()
