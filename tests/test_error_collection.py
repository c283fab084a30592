"""Readers report every problem of a file at once; compositions are written the way users hold them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose.cli import main
from evocompose.errors import (
    CandidateError,
    CompositionError,
    ErrorCollector,
    EvocomposeError,
    TieError,
)
from evocompose.io import read_candidates, read_composition, read_ties, write_composition
from evocompose.io.problem import write_table
from evocompose.limits import MAX_MESSAGE_CHARS

HEAD = "id,name,organisation,sector,actor_type,capacity,availability\n"
GOOD = "p{k},N{k},O{k},farm,private,1,tue-evening\n"

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "stevns"
INPUTS = [
    "--candidates",
    str(EXAMPLE / "candidates.xlsx"),
    "--ties",
    str(EXAMPLE / "ties.csv"),
    "--networks",
    str(EXAMPLE / "networks.toml"),
]


def _pool_file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "pool.csv"
    path.write_text(HEAD + "".join(rows), encoding="utf-8")
    return path


def test_three_mistakes_come_back_in_one_error(tmp_path: Path) -> None:
    rows = [GOOD.format(k=k) for k in range(1, 8)]
    rows[1] = "p2,N2,O2,,private,1,tue-evening\n"  # row 3: empty sector
    rows[3] = "p4,N4,O4,farm,company,1,tue-evening\n"  # row 5: unknown actor type
    rows[4] = "p5,N5,O5,farm,private,-2,someday\n"  # row 6: capacity and slot
    with pytest.raises(CandidateError) as info:
        read_candidates(_pool_file(tmp_path, rows))
    err = info.value
    assert err.count == 4
    assert [(e.row, e.column) for e in err.errors] == [
        (3, "sector"),
        (5, "actor_type"),
        (6, "availability"),
        (6, "capacity"),
    ]
    text = str(err)
    assert text.startswith("file pool.csv: 4 problems; fix them all")
    for line in ("row 3, column 'sector'", "row 5, column 'actor_type', value 'company'"):
        assert line in text
    assert "value '-2'" in text and "value 'someday'" in text
    # the combined error points at the first problem, like a single one would
    assert (err.file, err.row, err.column) == ("pool.csv", 3, "sector")


def test_one_mistake_reads_as_before(tmp_path: Path) -> None:
    rows = [GOOD.format(k=1), "p2,N2,O2,farm,company,1,\n"]
    with pytest.raises(CandidateError) as info:
        read_candidates(_pool_file(tmp_path, rows))
    assert str(info.value).startswith("file pool.csv, row 3, column 'actor_type'")
    assert info.value.count == 1 and info.value.errors == (info.value,)


def test_max_errors_lists_the_first_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [f"p{k},N,O,,private,1,\n" for k in range(1, 31)]  # 30 empty sectors
    with pytest.raises(CandidateError) as info:
        read_candidates(_pool_file(tmp_path, rows), max_errors=5)
    err = info.value
    assert err.count == 30 and len(err.errors) == 5
    assert "… and 25 more" in str(err) and "--max-errors" in str(err)
    assert [e.row for e in err.errors] == [2, 3, 4, 5, 6]


def test_many_long_values_keep_the_message_readable(tmp_path: Path) -> None:
    rows = [f"{'x' * 190}{k:03d},N,O,farm,{'y' * 150},1,\n" for k in range(200)]
    with pytest.raises(CandidateError) as info:
        read_candidates(_pool_file(tmp_path, rows), max_errors=200)
    text = str(info.value)
    assert len(text) <= MAX_MESSAGE_CHARS
    assert "200 problems" in text and "more (raise max_errors" in text
    assert len(info.value.errors) == 200  # all kept for a program, fewer shown


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "5"])
def test_max_errors_must_be_a_positive_whole_number(bad: object) -> None:
    with pytest.raises(EvocomposeError, match="max_errors"):
        ErrorCollector(CandidateError, "f.csv", bad)  # type: ignore[arg-type]


def test_duplicate_ids_are_each_reported_once(tmp_path: Path) -> None:
    rows = [GOOD.format(k=1), GOOD.format(k=1), GOOD.format(k=1), GOOD.format(k=2)]
    with pytest.raises(CandidateError) as info:
        read_candidates(_pool_file(tmp_path, rows))
    assert [e.row for e in info.value.errors] == [3, 4]
    assert all("first on row 2" in e.message for e in info.value.errors)


def test_tie_file_mistakes_together(tmp_path: Path) -> None:
    pool = read_candidates(_pool_file(tmp_path, [GOOD.format(k=k) for k in range(1, 5)]))
    path = tmp_path / "ties.csv"
    path.write_text("a,b,strength\np1,p2,1\np1,p1,1\np2,p1,2\np3,zz,1\np3,p4,-1\np4,,1\n")
    with pytest.raises(TieError) as info:
        read_ties(path, pool)
    assert [(e.row, e.column) for e in info.value.errors] == [
        (3, "b"),  # self-tie
        (4, "b"),  # pair again, other order
        (5, "b"),  # unknown id
        (6, "strength"),
        (7, "b"),  # empty id
    ]


def test_composition_file_mistakes_together(tmp_path: Path) -> None:
    problem = evo.datasets.stevns(seed=0)
    first = problem.pool.ids[0]
    path = tmp_path / "forslag.csv"
    path.write_text(
        "network,candidate_id,slot\n"
        f"vision,{first},tue-evening\n"
        "nowhere,x,\n"
        f"vision,{first},tue-evening\n"
        "vision,nobody,mon-morning\n"
        ",y,\n"
    )
    with pytest.raises(CompositionError) as info:
        read_composition(path, problem)
    assert [(e.row, e.column) for e in info.value.errors] == [
        (3, "network"),
        (4, "candidate_id"),
        (5, "candidate_id"),
        (5, "slot"),
        (6, "network"),
    ]


@settings(max_examples=40, deadline=None)
@given(bad=st.sets(st.integers(min_value=0, max_value=39), max_size=40))
def test_every_bad_row_is_counted(tmp_path_factory: pytest.TempPathFactory, bad: set[int]) -> None:
    frame = pd.DataFrame(
        {
            "id": [f"p{k}" for k in range(40)],
            "name": "N",
            "organisation": "O",
            "sector": ["" if k in bad else "farm" for k in range(40)],
            "actor_type": "public",
        }
    )
    if not bad:
        assert len(read_candidates(frame)) == 40
        return
    with pytest.raises(CandidateError) as info:
        read_candidates(frame, max_errors=3)
    assert info.value.count == len(bad)
    assert [e.row for e in info.value.errors] == [k + 2 for k in sorted(bad)[:3]]


def test_cli_shows_every_problem_and_obeys_max_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f"p{k},N,O,,private,1,\n" for k in range(1, 6)]
    pool = _pool_file(tmp_path, rows)
    plan = tmp_path / "networks.toml"
    plan.write_text('[[network]]\nname = "a"\nmin_size = 1\nmax_size = 2\n')
    args = ["summary", "--candidates", str(pool), "--networks", str(plan)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "5 problems" in err and all(f"row {r}," in err for r in range(2, 7))
    assert main([*args, "--max-errors", "2"]) == 2
    err = capsys.readouterr().err
    assert "row 3," in err and "row 4," not in err and "… and 3 more" in err


def test_missing_columns_are_named_together(tmp_path: Path) -> None:
    path = tmp_path / "pool.csv"
    path.write_text("id,name,organisation\np1,A,x\n")
    with pytest.raises(CandidateError, match="2 required columns missing: 'sector', 'actor_type'"):
        read_candidates(path)


# -- compositions written the way users hold them --------------------------------------------


def test_danish_excel_csv_has_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    problem = evo.datasets.stevns(seed=0)
    comp = evo.handpick(problem, "snowball", seed=0)
    path = write_composition(comp, tmp_path / "forslag.csv", problem, csv_dialect="excel-da")
    text = path.read_text(encoding="utf-8-sig")
    assert "," not in text.splitlines()[0]
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:4] == ["network", "title", "candidate_id", "slot"]
    rel = header.index("relevance")
    values = [row[rel] for row in rows]
    assert all("." not in v for v in values) and any("," in v for v in values)
    # it reads back to the same composition, and its relevance to the same numbers
    assert read_composition(path, problem) == comp
    frame = pd.read_csv(path, sep=";", decimal=",", dtype={"candidate_id": str})
    expected = comp.to_frame(problem)
    assert frame["relevance"].tolist() == pytest.approx(expected["relevance"].tolist())


def test_the_written_composition_holds_titles_skills_and_declared_attributes(
    tmp_path: Path,
) -> None:
    problem = evo.datasets.stevns(seed=0)
    comp = evo.handpick(problem, "snowball", seed=0)
    frame = comp.to_frame(problem)
    assert {"title", "skills", *problem.attributes} <= set(frame.columns)
    spec = problem.networks[0]
    assert set(frame.loc[frame["network"] == spec.name, "title"]) == {spec.theme}
    row = frame.iloc[0]
    person = problem.pool[row["candidate_id"]]
    assert row["skills"] == "; ".join(person.skills)
    for attribute in problem.attributes:
        assert row[attribute] == person.attribute(attribute)
    xlsx = write_composition(comp, tmp_path / "c.xlsx", problem)
    assert read_composition(xlsx, problem) == comp


def test_an_unknown_dialect_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    comp = evo.Composition({"a": ["p1"]})
    with pytest.raises(EvocomposeError, match="excel-da"):
        write_composition(comp, tmp_path / "c.csv", csv_dialect="danish")
    assert not (tmp_path / "c.csv").exists()
    with pytest.raises(EvocomposeError, match="csv_dialect"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv", csv_dialect="tsv")


def test_cli_writes_danish_csv(tmp_path: Path) -> None:
    out = tmp_path / "forslag.csv"
    args = ["solve", *INPUTS, "--time-limit", "4", "--quiet", "--out", str(out)]
    assert main([*args, "--csv-dialect", "excel-da"]) == 0
    head = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("network;title;candidate_id;slot;")
    problem = evo.datasets.stevns(seed=0)
    assert evo.check(problem, read_composition(out, problem)) == []
