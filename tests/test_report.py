"""evo.report: the steering group's workbook and HTML page, in Danish and English."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import evocompose as evo
from evocompose import metrics
from evocompose.report import LANGUAGES, RULE_TEXT, TEXT, YARDSTICK_TEXT, number, percent, report
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES


@pytest.fixture(scope="module")
def tiny() -> evo.Problem:
    return evo.datasets.tiny()


def cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_every_label_exists_in_every_language() -> None:
    for table in (TEXT, RULE_TEXT, YARDSTICK_TEXT):
        for key, entry in table.items():
            assert set(entry) == set(LANGUAGES), key
    assert set(RULE_TEXT) == set(RULE_NAMES)
    for row in metrics.SCORECARD:
        assert row in YARDSTICK_TEXT
    for term in TERM_NAMES:
        assert f"objective: {term}" in YARDSTICK_TEXT


def test_numbers_in_each_language() -> None:
    assert number(1661.44, "da") == "1.661,4" and number(1661.44, "en") == "1,661.4"
    assert percent(0.023, "da") == "2,3 %" and percent(0.023, "en") == "2.3%"


@pytest.mark.parametrize("language", ["da", "en"])
def test_result_report_in_both_languages(tiny: evo.Problem, tmp_path: Path, language: str) -> None:
    result = evo.solve(tiny, time_limit=5)
    assert result.composition is not None
    hand = evo.Composition({"a": ["p1", "p2"], "b": ["p3", "p4"]})
    out = report(
        tiny,
        result,
        tmp_path / "rapport.xlsx",
        language=language,
        compare_with={"hand": hand},
        null_samples=10,
    )
    assert out.workbook.name == "rapport.xlsx" and out.html.name == "rapport.html"
    sheets = cells(out.workbook)
    summary, rules, comparison, plots = (
        TEXT[k][language] for k in ("summary", "rules", "comparison", "plots")
    )
    assert list(sheets) == [summary, "Network A", "Network B", rules, comparison, plots]
    words = dict(sheets[summary])
    assert words[TEXT["status"][language]] == TEXT["status_OPTIMAL"][language]
    assert TEXT["all_rules_hold"][language].format(n=3) == words[TEXT["rules_kept"][language]]
    for name in ("a", "b"):
        note, header, *rows = sheets[f"Network {name.upper()}"]
        size = len(result.composition.members[name])
        assert note[0] == f"{size} {TEXT['members'][language]}"
        assert header[0] == TEXT["id"][language] and TEXT["relevance"][language] in header
        assert [row[0] for row in rows] == list(result.composition.members[name])
    labels = [row[0] for row in sheets[comparison][1:]]
    assert YARDSTICK_TEXT["blau_sector_mean"][language] in labels
    page = out.html.read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in page
    assert "Network A" in page and "Network B" in page
    assert page.count("<svg") == 3  # two networks and the scorecard
    assert "<link" not in page and " src=" not in page and "<script" not in page  # no assets
    assert not list(tmp_path.glob("*.part"))


def test_pseudonymised_report_has_no_names(tiny: evo.Problem, tmp_path: Path) -> None:
    comp = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]})
    out = report(tiny, comp, tmp_path / "x", pseudonymise=True, plots=False)
    text = out.html.read_text(encoding="utf-8")
    everything = str(cells(out.workbook)) + text
    for c in tiny.pool:
        assert c.name not in everything and c.organisation not in everything
    assert TEXT["pseudonymised"]["da"] in text
    named = report(tiny, comp, tmp_path / "y", plots=False)
    assert "Person 1" in named.html.read_text(encoding="utf-8")


def test_broken_rules_are_reported_with_their_numbers(tiny: evo.Problem, tmp_path: Path) -> None:
    comp = evo.Composition({"a": ["p1"], "b": ["p2", "p4"]})  # a has 1 member, needs 2
    out = report(tiny, comp, tmp_path / "broken", language="en", plots=False)
    sheets = cells(out.workbook)
    words = dict(sheets["Summary"])
    assert words["Status"] == TEXT["given"]["en"]
    assert words["Rules kept"] == "1 of 3 rules are broken"  # size of a and b, capacity
    broken = [row for row in sheets["Rules"][1:] if row[2] == "broken"]
    assert broken == [("number of members", "Network A", "broken", broken[0][3])]
    assert "has 1 members, needs >= 2" in str(broken[0][3])


def test_no_composition_or_language_is_an_error(tiny: evo.Problem, tmp_path: Path) -> None:
    infeasible = tiny.replace(
        networks=(
            evo.NetworkSpec("a", min_size=4, max_size=4),
            evo.NetworkSpec("b", min_size=4, max_size=4),
        )
    )
    r = evo.solve(infeasible, time_limit=5)
    with pytest.raises(evo.EvocomposeError, match="no composition to report"):
        report(infeasible, r, tmp_path / "none")
    comp = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]})
    with pytest.raises(evo.EvocomposeError, match="unknown language"):
        report(tiny, comp, tmp_path / "x", language="de")


def test_stevns_report_sheet_titles_fit_excel(tmp_path: Path) -> None:
    p = evo.datasets.stevns(seed=0, n=120)
    hand = evo.handpick(p, "snowball")
    out = report(p, hand, tmp_path / "stevns", plots=False)
    names = list(cells(out.workbook))
    assert all(len(n) <= 31 for n in names)
    assert "Fødevarer og Jordbrug" in names
    assert "Fødevarer og Jordbrug" in out.html.read_text(encoding="utf-8")
