"""Reading the candidate table: CSV variants, XLSX, DataFrames, parsing rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import CANDIDATES_CSV

from evocompose.errors import CandidateError
from evocompose.io import read_candidates


def test_reads_the_valid_table(files: dict[str, Path]) -> None:
    pool = read_candidates(files["candidates"])
    assert pool.ids == ("p1", "p2", "p3", "p4", "p5", "p6")
    assert pool.source == "candidates.csv"
    p3 = pool["p3"]
    assert p3.actor_type == "public"
    assert p3.availability == ("tue-evening", "thu-morning")  # week order
    assert p3.capacity == 2
    assert p3.external is True
    assert p3.relevance == {"a": 0.4}
    assert p3.attributes == {"gender": "k"}
    assert pool["p4"].capacity is None
    assert pool["p6"].themes == ("food", "outdoor")
    assert [c.external for c in pool] == [False, False, True, False, True, False]


def test_bom_semicolon_decimal_comma_and_case_insensitive_columns(tmp_path: Path) -> None:
    text = (
        " ID ;Name;ORGANISATION;Sector;Actor_Type;Skills;Availability;Capacity;Relevance:Food;Extern\n"
        '007;Åse;Gård;Agriculture;PRIVATE;" Export ; MARKETING";"Tue-Evening;thu-morning";2.0;0,75;Ja\n'
    )
    path = tmp_path / "danish.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    pool = read_candidates(path)
    c = pool["007"]
    assert c.name == "Åse" and c.organisation == "Gård"
    assert c.sector == "Agriculture"  # sectors keep their case
    assert c.actor_type == "private"
    assert c.skills == ("export", "marketing")
    assert c.availability == ("tue-evening", "thu-morning")
    assert c.capacity == 2
    assert c.relevance == {"Food": 0.75}  # the network part keeps its case
    assert c.attributes == {"extern": "Ja"}  # unknown columns are kept as text


def test_ids_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("id,name,organisation,sector,actor_type\n007,A,x,s,civil\n1e3,B,y,s,civil\n")
    assert read_candidates(path).ids == ("007", "1e3")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("YES", True),
        ("ja", True),
        ("1", True),
        ("x", True),
        ("X", True),
        ("false", False),
        ("No", False),
        ("nej", False),
        ("0", False),
        ("", False),
    ],
)
def test_booleans(text: str, expected: bool) -> None:
    df = pd.DataFrame(
        {
            "id": ["a"],
            "name": ["n"],
            "organisation": ["o"],
            "sector": ["s"],
            "actor_type": ["civil"],
            "external": [text],
        }
    )
    assert read_candidates(df)["a"].external is expected


def test_dataframe_is_never_modified() -> None:
    df = pd.DataFrame(
        {
            "ID ": ["p1", "p2"],
            "name": ["Ann", "Bo"],
            "organisation": ["x", "y"],
            "sector": [" farm ", "food"],
            "actor_type": ["Private", "public"],
            "capacity": [2.0, float("nan")],
            "external": [True, False],
            "relevance:a": [0.5, None],
        }
    )
    before = df.copy(deep=True)
    pool = read_candidates(df)
    pd.testing.assert_frame_equal(df, before)
    assert pool["p1"].capacity == 2 and pool["p2"].capacity is None
    assert pool["p1"].sector == "farm"
    assert pool["p1"].external is True
    assert pool["p2"].relevance == {}


def test_xlsx_default_and_named_sheet(tmp_path: Path, files: dict[str, Path]) -> None:
    frame = read_candidates(files["candidates"]).to_frame()
    path = tmp_path / "pool.xlsx"
    with pd.ExcelWriter(path) as w:
        frame.head(2).to_excel(w, sheet_name="first", index=False)
        frame.to_excel(w, sheet_name="all", index=False)
    assert len(read_candidates(path)) == 2
    pool = read_candidates(path, sheet="all")
    assert pool == read_candidates(files["candidates"])
    assert pool.source == "pool.xlsx [sheet all]"


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    lines = CANDIDATES_CSV.splitlines()
    lines.insert(2, ",,,,,,,,,,,")  # an empty spreadsheet row (row 3)
    lines[4] = lines[4].replace("p3,", "p1,")  # now row 5
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CandidateError, match="row 5") as info:
        read_candidates(path)
    assert info.value.row == 5


def test_attributes_argument(files: dict[str, Path]) -> None:
    assert (
        read_candidates(files["candidates"], attributes=["gender"])["p1"].attribute("gender") == "k"
    )
    with pytest.raises(CandidateError, match="'age'"):
        read_candidates(files["candidates"], attributes=["age"])


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0", "xlsx"),
        ("broken.xlsx", b"not a zip", "Excel workbook"),
        ("missing.csv", None, "not found"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes | None, match: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CandidateError, match=match):
        read_candidates(path)


def test_sheet_given_for_csv(files: dict[str, Path]) -> None:
    with pytest.raises(CandidateError, match="not an Excel"):
        read_candidates(files["candidates"], sheet="x")


def test_not_a_table() -> None:
    with pytest.raises(CandidateError, match="DataFrame"):
        read_candidates(42)  # type: ignore[arg-type]
