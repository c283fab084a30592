"""Input that was once silently misread is now read right, or refused (issue 15).

The refusals themselves (with file, place and value) are in ``test_errors_corpus.py``;
here: what is now *read*, and read the same way as the plain UTF-8 / English input.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import CANDIDATES_CSV, PLAN, TIES_CSV, to_toml

import evocompose as evo
from evocompose.io import load_problem, read_candidates, read_networks, write_table


@pytest.fixture
def reference(files: dict[str, Path]) -> evo.Problem:
    return load_problem(files["candidates"], files["ties"], files["networks"])


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-16"),  # Excel's "Unicode text", Notepad's "Unicode"
        lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
        lambda t: t.encode("utf-16-le"),  # no byte-order mark
        lambda t: t.encode("utf-16-be"),
        lambda t: t.encode("utf-32"),
        lambda t: t.encode("utf-8-sig"),
    ],
    ids=["utf16", "utf16be-bom", "utf16le", "utf16be", "utf32", "utf8-bom"],
)
def test_unicode_files_read_like_utf8(
    files: dict[str, Path], reference: evo.Problem, encode: Any
) -> None:
    text = CANDIDATES_CSV.replace("Ann", "Åse Rødvig")
    files["candidates"].write_bytes(encode(text))
    files["networks"].write_bytes(encode(to_toml(PLAN)))
    got = load_problem(files["candidates"], files["ties"], files["networks"])
    assert got.pool["p1"].name == "Åse Rødvig"
    assert got.replace(pool=reference.pool) == reference


def test_utf16_tab_separated_as_excel_saves_unicode_text(files: dict[str, Path]) -> None:
    files["candidates"].write_bytes(
        CANDIDATES_CSV.replace(",", "\t").replace("\n", "\r\n").encode("utf-16")
    )
    pool = read_candidates(files["candidates"])
    assert pool["p3"].capacity == 2 and pool["p1"].relevance == {"a": 0.9}


@pytest.mark.parametrize(
    ("word", "flag"),
    [
        ("SAND", True),
        ("FALSK", False),
        ("Sand", True),
        ("falsk", False),
        ("JA", True),
        ("Nej", False),
        ("x", True),
        ("", False),
        ("TRUE", True),
        ("0", False),
    ],
)
def test_yes_no_words_in_the_external_column(files: dict[str, Path], word: str, flag: bool) -> None:
    files["candidates"].write_text(CANDIDATES_CSV.replace(",2,ja,", f",2,{word},"))
    assert read_candidates(files["candidates"])["p3"].external is flag


def test_danish_excel_booleans_from_a_workbook(files: dict[str, Path], tmp_path: Path) -> None:
    frame = pd.read_csv(files["candidates"], dtype=str, keep_default_na=False)
    frame["external"] = ["FALSK", "SAND", "SAND", "", "falsk", "sand"]
    path = write_table(frame, tmp_path / "c.xlsx")
    assert [c.external for c in read_candidates(path)] == [False, True, True, False, False, True]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["ja"], ("true",)),
        (["nej"], ("false",)),
        (["SAND"], ("true",)),
        (["falsk"], ("false",)),
        (["yes", "no"], ("true", "false")),
        (["True"], ("true",)),
    ],
)
def test_yes_no_words_in_an_external_quota(values: list[str], expected: tuple[str, ...]) -> None:
    plan = {
        "network": [{"name": "a", "quota": [{"field": "external", "values": values, "max": 1}]}]
    }
    assert read_networks(plan).networks[0].quotas[0].values == expected
    assert evo.Quota("external", tuple(values), max=1).values == expected


@pytest.mark.parametrize(("word", "flag"), [("ja", True), ("nej", False), ("SAND", True)])
def test_yes_no_words_for_plan_switches(word: str, flag: bool) -> None:
    plan = {"global": {"assign_all": word}, "network": [{"name": "a"}]}
    assert read_networks(plan).assign_all is flag
    assert read_networks({**plan, "global": {"assign_all": flag}}).assign_all is flag


def test_external_quota_counts_the_same_with_danish_words(files: dict[str, Path]) -> None:
    def solve_with(word: str) -> float:
        doc: dict[str, Any] = {
            **PLAN,
            "network": [
                {
                    **PLAN["network"][0],
                    "quota": [{"field": "external", "values": [word], "min": 2}],
                },
                PLAN["network"][1],
            ],
        }
        problem = load_problem(files["candidates"], files["ties"], doc)
        result = evo.solve(problem, solver="cpsat", time_limit=5, workers=1)
        assert result.composition is not None
        assert sum(problem.pool[c].external for c in result.composition.members["a"]) >= 2
        return float(result.objective or 0.0)

    assert solve_with("ja") == solve_with("true") == solve_with("SAND")


def test_relevance_columns_must_name_a_network(files: dict[str, Path]) -> None:
    text = CANDIDATES_CSV.replace("relevance:a", "relevance:fødevarer")
    files["candidates"].write_text(text)
    # on its own the table is fine (the networks are not known yet) ...
    pool = read_candidates(files["candidates"])
    assert pool["p1"].relevance == {"fødevarer": 0.9}
    # ... with the plan it is an error, whether read from the file or given as a Pool
    for source in (files["candidates"], pool):
        with pytest.raises(evo.CandidateError, match=r"no network 'fødevarer' \(networks: a, b"):
            load_problem(source, files["ties"], files["networks"])
    with pytest.raises(evo.CandidateError, match="networks: food"):
        read_candidates(files["candidates"], networks=["food"])


def test_formula_with_a_saved_value_reads_its_value(files: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    write_table(read_candidates(files["candidates"]).to_frame(), path)
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/"))
    xml = members[sheet].decode()
    start = xml.index('<c r="D3"')
    end = xml.index("</c>", start) + len("</c>")
    # what Excel saves: the formula and, next to it, its computed value
    members[sheet] = (
        xml[:start]
        + '<c r="D3" t="str"><f>LOWER("FOOD_RESTAURANTS")</f><v>food_restaurants</v></c>'
        + xml[end:]
    ).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    assert read_candidates(path)["p2"].sector == "food_restaurants"


def test_excel_dimensions_are_not_trusted(files: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    write_table(read_candidates(files["candidates"]).to_frame(), path)
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/"))
    xml = members[sheet].decode()
    xml = xml.replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>', 1)
    members[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    assert len(read_candidates(path)) == 6


def test_ties_and_plan_files_are_unchanged_by_reading(files: dict[str, Path]) -> None:
    before = {k: p.read_bytes() for k, p in files.items()}
    load_problem(files["candidates"], files["ties"], files["networks"])
    assert {k: p.read_bytes() for k, p in files.items()} == before
    assert TIES_CSV.encode() == before["ties"]
