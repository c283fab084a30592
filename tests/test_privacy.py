"""Personal data: no formula injection in exports, pseudonymised exports keep only what is
needed, and check / compare / the CLI name no organisation unless asked (docs/privacy.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose import Candidate, Composition, NetworkSpec, Pool, Problem
from evocompose.cli import main
from evocompose.io import load_problem, read_composition, write_composition, write_problem
from evocompose.io._table import neutralise, unneutralise

INJECTION = "=cmd|' /C calc'!A0"


def _problem() -> Problem:
    cands = (
        Candidate("p1", INJECTION, "Mærsk A/S", "agriculture", "private", area="+45 1234"),
        Candidate("p2", "@SUM(1)", "Mærsk A/S", "food", "public", area="-Nord"),
        Candidate("p3", "Cy", "Kommune", "food", "civil", attributes={}),
        Candidate("p4", "Di", "Uni", "tourism", "knowledge"),
    )
    extra = {"p1": ("borgmester", "a@x.dk", "k"), "p2": ("chef", "b@x.dk", "m")}
    cands = tuple(
        Candidate(
            c.id,
            c.name,
            c.organisation,
            c.sector,
            c.actor_type,
            area=c.area,
            attributes={
                "role": extra.get(c.id, ("", "", ""))[0],
                "email": extra.get(c.id, ("", "", ""))[1],
                "gender": extra.get(c.id, ("", "", "k"))[2],
            },
        )
        for c in cands
    )
    graph = evo.read_ties(
        pd.DataFrame({"a": ["p1"], "b": ["p2"], "strength": [2], "kind": ["=married"]})
    )
    spec = NetworkSpec("a", "Fødevarer", min_size=1, max_size=3, max_per={"organisation": 1})
    return Problem(Pool(cands), (spec,), ties=graph, attributes=("gender",))


def _csv_cells(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _no_formula(cells: list[str]) -> None:
    for cell in cells:
        if cell.startswith(DANGEROUS):
            assert evo.io._table._NUMBER_RE.match(cell), f"formula-like cell {cell!r}"


# ---------------------------------------------------------------- CSV injection
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["=", "+", "-", "@", "'", "a", "1", ".", " ", "\t"])))
def test_neutralise_round_trips_and_never_starts_a_formula(text: str) -> None:
    out = neutralise(text)
    assert unneutralise(out) == text
    if out.startswith(DANGEROUS):
        assert evo.io._table._NUMBER_RE.match(out)


@pytest.mark.parametrize("pseudonymise", [False, True])
def test_problem_csv_exports_are_neutralised_and_read_back(
    tmp_path: Path, pseudonymise: bool
) -> None:
    problem = _problem()
    files = write_problem(problem, tmp_path, pseudonymise=pseudonymise, keep=("kind",))
    for key in ("candidates", "ties"):
        _no_formula(_csv_cells(files[key]))
    if not pseudonymise:
        assert "'" + INJECTION in _csv_cells(files["candidates"])
        assert load_problem(files["candidates"], files["ties"], files["networks"]) == problem
    again = load_problem(files["candidates"], files["ties"], files["networks"])
    assert again.pool["p1"].area == "+45 1234" and again.pool["p2"].area == "-Nord"
    assert again.ties["p1"]["p2"]["kind"] == "=married"


@pytest.mark.parametrize("pseudonymise", [False, True])
def test_composition_csv_exports_are_neutralised(tmp_path: Path, pseudonymise: bool) -> None:
    problem = _problem()
    comp = Composition({"a": ["p1", "p3"]})
    path = write_composition(comp, tmp_path / "c.csv", problem, pseudonymise=pseudonymise)
    _no_formula(_csv_cells(path))
    assert read_composition(path, problem) == comp


def test_xlsx_exports_hold_text_never_formulas(tmp_path: Path) -> None:
    problem = _problem()
    files = write_problem(problem, tmp_path, excel=True)
    path = write_composition(Composition({"a": ["p1", "p3"]}), tmp_path / "c.xlsx", problem)
    card = evo.compare(problem, {INJECTION: Composition({"a": ["p1", "p3"]})}, null_samples=0)
    book = card.to_excel(tmp_path / "card.xlsx")
    for workbook in (files["candidates"], path, book):
        wb = openpyxl.load_workbook(workbook)
        kinds = {c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row}
        assert "f" not in kinds, workbook
    assert load_problem(files["candidates"], files["ties"], files["networks"]) == problem


# ---------------------------------------------------------------- pseudonymised exports
def test_pseudonymised_problem_keeps_only_what_reproduces_it(tmp_path: Path) -> None:
    problem = _problem()
    files = write_problem(problem, tmp_path, pseudonymise=True)
    cands = pd.read_csv(files["candidates"], dtype=str, keep_default_na=False)
    assert "role" not in cands.columns and "email" not in cands.columns
    assert "gender" in cands.columns  # a declared attribute: needed
    assert list(cands["name"]) == ["person-1", "person-2", "person-3", "person-4"]
    assert list(cands["organisation"]) == ["org-1", "org-1", "org-2", "org-3"]
    ties = pd.read_csv(files["ties"], dtype=str)
    assert list(ties.columns) == ["a", "b", "strength"]  # the free-text kind is left out
    text = "".join(p.read_text(encoding="utf-8-sig") for p in files.values())
    for secret in ("borgmester", "a@x.dk", "Mærsk", "Kommune", "married", INJECTION):
        assert secret not in text
    again = load_problem(files["candidates"], files["ties"], files["networks"])
    assert again.network_names == problem.network_names and len(again.pool) == 4
    # the organisation limit keeps its meaning on the pseudonyms
    assert evo.check(again, Composition({"a": ["p1", "p2"]}))[0].rule == "max_per"


def test_pseudonymised_export_keeps_columns_the_user_names(tmp_path: Path) -> None:
    files = write_problem(_problem(), tmp_path, pseudonymise=True, keep=("role", "kind"))
    cands = pd.read_csv(files["candidates"], dtype=str, keep_default_na=False)
    assert "role" in cands.columns and "email" not in cands.columns
    assert "kind" in pd.read_csv(files["ties"], dtype=str).columns


@pytest.mark.parametrize(("keep", "needle"), [("name", "personal data"), ("phone", "neither")])
def test_keep_refuses_personal_and_unknown_columns(tmp_path: Path, keep: str, needle: str) -> None:
    with pytest.raises(evo.ProblemError, match=needle):
        write_problem(_problem(), tmp_path, pseudonymise=True, keep=(keep,))


def test_pseudonymised_composition_has_no_names(tmp_path: Path) -> None:
    problem = _problem()
    comp = Composition({"a": ["p1", "p3"]})
    for suffix in (".csv", ".json"):
        path = write_composition(comp, tmp_path / f"c{suffix}", problem, pseudonymise=True)
        text = path.read_text(encoding="utf-8-sig")
        assert "Mærsk" not in text and "cmd" not in text and "Kommune" not in text
    doc = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert all("name" not in row and "organisation" not in row for row in doc["rows"])


# ---------------------------------------------------------------- names in messages
def test_check_names_no_organisation_unless_asked() -> None:
    problem = _problem()
    comp = Composition({"a": ["p1", "p2"]})
    (v,) = evo.check(problem, comp)
    assert v.rule == "max_per" and "Mærsk" not in v.message
    assert v.message == (
        "Fødevarer (a) has 2 members sharing one organisation ('p1', 'p2'), allows <= 1"
    )
    assert v.detail["value"] == "Mærsk A/S"  # for programs
    (named,) = evo.check(problem, comp, show_names=True)
    assert "'Mærsk A/S'" in named.message
    assert "Mærsk" not in evo.check_report(problem, comp).to_string()


def test_quota_on_organisation_names_no_organisation_unless_asked() -> None:
    problem = _problem()
    quota = evo.Quota("organisation", ("Mærsk A/S",), min=2)
    spec = NetworkSpec("a", min_size=1, max_size=3, quotas=(quota,))
    p = problem.replace(networks=(spec,))
    (v,) = evo.check(p, Composition({"a": ["p3"]}))
    assert "Mærsk" not in v.message and "the listed values" in v.message
    assert "Mærsk" in evo.check(p, Composition({"a": ["p3"]}), show_names=True)[0].message


def test_compare_names_no_organisation_unless_asked(tmp_path: Path) -> None:
    problem = _problem()
    card = evo.compare(problem, {"hand": Composition({"a": ["p1", "p2"]})}, null_samples=0)
    for text in (str(card), card._repr_html_(), card.violation_frame().to_string()):
        assert "Mærsk" not in text
    named = evo.compare(
        problem, {"hand": Composition({"a": ["p1", "p2"]})}, null_samples=0, show_names=True
    )
    assert "Mærsk" in str(named)


def test_cli_check_names_no_organisation_unless_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = write_problem(_problem(), tmp_path / "p")
    comp = write_composition(Composition({"a": ["p1", "p2"]}), tmp_path / "hand.csv")
    args = [
        "check",
        "--candidates",
        str(files["candidates"]),
        "--ties",
        str(files["ties"]),
        "--networks",
        str(files["networks"]),
        "--composition",
        str(comp),
    ]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "max_per" in out and "Mærsk" not in out and "'p1', 'p2'" in out
    assert main([*args, "--show-names"]) == 1
    assert "Mærsk A/S" in capsys.readouterr().out


def test_report_workbook_holds_text_never_formulas(tmp_path: Path) -> None:
    from evocompose.report import report

    problem = _problem()
    out = report(problem, Composition({"a": ["p1", "p3"]}), tmp_path / "r", plots=False)
    wb = openpyxl.load_workbook(out.workbook)
    kinds = {c.data_type for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "f" not in kinds and INJECTION in values
