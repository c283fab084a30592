"""Reading the pairwise dissimilarity matrix, and its round trip through write/load_problem."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import evocompose as evo
from evocompose.cli import _load, _parser, main
from evocompose.errors import EvocomposeError, ProblemError
from evocompose.io import load_problem, read_dissimilarity, write_problem

IDS = ["p1", "p2", "p3"]
#: d(p1, p2) = 1.5, d(p1, p3) = 2.25, d(p2, p3) = -3 (negative values are the problem's call).
EXPECTED = pd.DataFrame(
    [[0.0, 1.5, 2.25], [1.5, 0.0, -3.0], [2.25, -3.0, 0.0]], index=IDS, columns=IDS
)


def _write(tmp_path: Path, text: str | bytes, name: str = "d.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- layouts from CSV
def test_square_csv_blank_corner_and_any_column_order(tmp_path: Path) -> None:
    path = _write(tmp_path, ",p3,p1,p2\np1,2.25,,1.5\np2,-3,1.5,0\np3,0,2.25,-3\n")
    got = read_dissimilarity(path)
    pd.testing.assert_frame_equal(got, EXPECTED)


def test_square_csv_in_pool_order_when_ids_are_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,p1,p2,p3\np1,0,1.5,2.25\np2,1.5,0,-3\np3,2.25,-3,0\n")
    got = read_dissimilarity(path, ["p3", "p1", "p2"])
    assert list(got.index) == list(got.columns) == ["p3", "p1", "p2"]
    pd.testing.assert_frame_equal(got.loc[IDS, IDS], EXPECTED)


def test_square_diagonal_number_is_kept_and_ids_keep_their_case(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,A,a\nA,7,1\na,1,\n")
    got = read_dissimilarity(path)
    assert list(got.columns) == ["A", "a"]
    assert got.loc["A", "A"] == 7.0 and got.loc["a", "a"] == 0.0


def test_long_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, "a,b,d\np1,p2,1.5\np3,p1,2.25\np2,p3,-3\np2,p1,1.5\n")
    got = read_dissimilarity(path, IDS)  # a repeated pair with the same value is fine
    pd.testing.assert_frame_equal(got, EXPECTED)


def test_long_csv_dissimilarity_column_and_case(tmp_path: Path) -> None:
    path = _write(tmp_path, "B,A,Dissimilarity,note\np2,p1,1.5,x\np1,p3,2.25,\np3,p2,-3,\n")
    pd.testing.assert_frame_equal(read_dissimilarity(path), EXPECTED)


def test_semicolon_decimal_comma_with_bom(tmp_path: Path) -> None:
    text = ";p1;p2;p3\r\np1;;1,5;2,25\r\np2;1,5;;-3\r\np3;2,25;-3;\r\n"
    path = _write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    pd.testing.assert_frame_equal(read_dissimilarity(path, IDS), EXPECTED)
    long = _write(tmp_path, "a;b;d\np1;p2;1,5\np1;p3;2,25\np2;p3;-3\n", "long.csv")
    pd.testing.assert_frame_equal(read_dissimilarity(long, IDS), EXPECTED)


# ---------------------------------------------------------------- XLSX
def test_xlsx_sheet_by_name(tmp_path: Path) -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "notes"
    first.append(["not the matrix"])
    ws = wb.create_sheet("matrix")
    ws.append([None, "p1", "p2", "p3"])
    ws.append(["p1", None, 1.5, 2.25])
    ws.append(["p2", "1,5", 0, -3])  # a number typed as text with a decimal comma
    ws.append(["p3", 2.25, -3, None])
    pairs = wb.create_sheet("pairs")
    pairs.append(["a", "b", "d"])
    for row in (["p1", "p2", 1.5], ["p1", "p3", 2.25], ["p2", "p3", -3]):
        pairs.append(row)
    path = tmp_path / "d.xlsx"
    wb.save(path)
    pd.testing.assert_frame_equal(read_dissimilarity(path, IDS, sheet="matrix"), EXPECTED)
    pd.testing.assert_frame_equal(read_dissimilarity(path, IDS, sheet="pairs"), EXPECTED)


def test_xlsx_errors_name_the_sheet_and_cell(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "m"
    ws.append(["id", "p1", "p2"])
    ws.append(["p1", None, "far"])
    ws.append(["p2", 1, None])
    path = tmp_path / "d.xlsx"
    wb.save(path)
    with pytest.raises(ProblemError) as info:
        read_dissimilarity(path, sheet="m")
    message = str(info.value)
    for needle in ("d.xlsx [sheet m]", "row 2", "'p2'", "'far'", "cell C2"):
        assert needle in message
    with pytest.raises(ProblemError, match="no sheet named 'x'"):
        read_dissimilarity(path, sheet="x")


# ---------------------------------------------------------------- DataFrames
@pytest.mark.parametrize(
    "frame",
    [
        EXPECTED.copy(),  # indexed by id, as Problem accepts it
        EXPECTED.astype(object).where(EXPECTED != 0, None),  # blank diagonal
        EXPECTED.rename_axis("id").reset_index(),  # ids in the first column
        pd.DataFrame({"a": ["p1", "p1", "p2"], "b": ["p2", "p3", "p3"], "d": [1.5, 2.25, -3]}),
    ],
    ids=["index", "blank-diagonal", "id-column", "long"],
)
def test_dataframe_is_read_and_left_unchanged(frame: pd.DataFrame) -> None:
    before = frame.copy(deep=True)
    got = read_dissimilarity(frame, IDS)
    pd.testing.assert_frame_equal(got, EXPECTED)
    pd.testing.assert_frame_equal(frame, before)
    assert got is not frame


def test_dataframe_from_numpy_has_integer_ids() -> None:
    got = read_dissimilarity(pd.DataFrame(np.array([[0.0, 2.0], [2.0, 0.0]])))
    assert list(got.index) == ["0", "1"]


def test_dataframe_errors_name_row_and_column() -> None:
    frame = EXPECTED.copy()
    frame.loc["p3", "p2"] = -3.5
    with pytest.raises(ProblemError) as info:
        read_dissimilarity(frame)
    assert "not symmetric" in str(info.value)
    assert info.value.row == 3 and info.value.column == "p3" and info.value.value == "-3"
    assert frame.loc["p3", "p2"] == -3.5


# ---------------------------------------------------------------- more errors
@pytest.mark.parametrize(
    ("text", "ids", "needles"),
    [
        ("a,b,d\np1,p1,0\n", None, ("row 2", "'b'", "'p1'", "same person")),
        ("a,b,d,dissimilarity\np1,p2,1,1\n", None, ("row 1", "'dissimilarity'", "same")),
        ("a,b,d\np1,,1\n", None, ("row 2", "'b'", "value ''")),
        ("a,b,d\np1,p9,1\n", IDS, ("row 2", "'b'", "'p9'", "candidate table")),
        ("a,b,d\np1,p2,1\np1,p3,2\n", IDS, ("'p2'", "'p3'", "no row")),
        ("a,b,d\np1,p2,1\n", IDS, ("'a'", "'p3'", "no pair")),
        ("id,p1,p2\np1,,1\np1,1,\n", None, ("row 3", "'id'", "'p1'", "row 2")),
        ("id,p1,p2\n,,1\np2,1,\n", None, ("row 2", "'id'", "value ''")),
        ("id,p1,p2,p3\np1,,1,1\np2,1,,1\n", None, ("row 1", "'p3'", "no row")),
        ("id,p1,p2\np1,,1\np2,1,\np9,1,1\n", IDS, ("row 4", "'id'", "'p9'", "candidate table")),
        ("id\np1\n", None, ("row 1", "one column")),
        ("id,p1,p2\np1,,1,3\np2,1,\n", None, ("row 2", "'3'", "extra")),
    ],
)
def test_reader_errors(
    tmp_path: Path, text: str, ids: list[str] | None, needles: tuple[str, ...]
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ProblemError) as info:
        read_dissimilarity(path, ids)
    message = str(info.value)
    assert "d.csv" in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    assert info.value.__cause__ is None


def test_not_a_path_or_frame() -> None:
    with pytest.raises(ProblemError, match="expected a file path"):
        read_dissimilarity(np.zeros((2, 2)))  # type: ignore[arg-type]


def test_asymmetry_below_the_tolerance_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,p1,p2\np1,,100000\np2,100000.0001,\n")
    got = read_dissimilarity(path)
    assert got.loc["p1", "p2"] == 1e5 and got.loc["p2", "p1"] == 100000.0001
    # Problem accepts what numpy.isclose accepts, so the reader must too (round trip)
    loose = _write(tmp_path, "id,p1,p2\np1,,1\np2,1.000001,\n", "loose.csv")
    assert read_dissimilarity(loose).loc["p2", "p1"] == 1.000001
    with pytest.raises(ProblemError, match="symmetric"):
        read_dissimilarity(_write(tmp_path, "id,p1,p2\np1,,1\np2,1.001,\n", "far.csv"))


# ---------------------------------------------------------------- load_problem / write_problem
def _tiny_with(matrix: np.ndarray) -> evo.Problem:
    return evo.datasets.tiny().replace(dissimilarity=matrix)


def _matrix(n: int = 6) -> np.ndarray:
    rng = np.random.default_rng(3)
    m = rng.normal(size=(n, n)) / 3
    return m + m.T


@pytest.mark.parametrize(("excel", "pseudonymise"), [(False, False), (True, True)])
def test_write_problem_round_trip(tmp_path: Path, excel: bool, pseudonymise: bool) -> None:
    problem = _tiny_with(_matrix())
    files = write_problem(problem, tmp_path, excel=excel, pseudonymise=pseudonymise)
    assert files["dissimilarity"] == tmp_path / "dissimilarity.csv"
    again = load_problem(
        files["candidates"], files["ties"], files["networks"], dissimilarity=files["dissimilarity"]
    )
    assert again.dissimilarity is not None and problem.dissimilarity is not None
    assert np.array_equal(again.dissimilarity, problem.dissimilarity)
    if not pseudonymise:
        assert again == problem
    text = files["dissimilarity"].read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "id,p1,p2,p3,p4,p5,p6"
    assert "Person" not in text and "Org" not in text  # ids and numbers only


def test_write_problem_without_matrix_writes_no_file(tmp_path: Path) -> None:
    files = write_problem(evo.datasets.tiny(), tmp_path)
    assert "dissimilarity" not in files
    assert not (tmp_path / "dissimilarity.csv").exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, width=64), min_size=21, max_size=21),
    st.permutations(["p1", "p2", "p3", "p4", "p5", "p6"]),
)
def test_round_trip_property(values: list[float], order: list[str]) -> None:
    m = np.zeros((6, 6))
    m[np.triu_indices(6)] = values  # upper triangle with the diagonal, mirrored below
    m = np.triu(m) + np.triu(m, 1).T
    base = evo.datasets.tiny()
    pool = evo.Pool(tuple(base.pool[i] for i in order))  # any pool order
    problem = base.replace(pool=pool, dissimilarity=m)
    with tempfile.TemporaryDirectory() as d:
        files = write_problem(problem, d)
        again = load_problem(
            files["candidates"],
            files["ties"],
            files["networks"],
            dissimilarity=files["dissimilarity"],
        )
    assert again == problem


def test_load_problem_takes_frame_and_array(files: dict[str, Path]) -> None:
    m = _matrix()
    ids = ["p1", "p2", "p3", "p4", "p5", "p6"]
    frame = pd.DataFrame(m, index=ids, columns=ids).iloc[::-1, ::-1]
    before = frame.copy()
    a = load_problem(files["candidates"], files["ties"], files["networks"], dissimilarity=frame)
    b = load_problem(files["candidates"], files["ties"], files["networks"], dissimilarity=m)
    assert a.dissimilarity is not None and np.array_equal(a.dissimilarity, m)
    assert a == b
    pd.testing.assert_frame_equal(frame, before)


def test_load_problem_errors_name_the_matrix_file(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = files["candidates"].with_name("matrix.csv")
    path.write_text("id,p1,p2\np1,,1\np2,1,\n", encoding="utf-8")
    with pytest.raises(ProblemError) as info:
        load_problem(files["candidates"], files["ties"], files["networks"], dissimilarity=path)
    assert info.value.file == "matrix.csv" and info.value.value == "p3"

    # an error raised by Problem itself (not by the reader) still names the file
    import evocompose.io.dissimilarity as iod

    bad = pd.DataFrame(np.full((6, 6), np.nan), index=[f"p{k}" for k in range(1, 7)])
    bad.columns = bad.index
    monkeypatch.setattr(iod, "_read_square", lambda *a, **k: bad)
    with pytest.raises(ProblemError) as info:
        load_problem(files["candidates"], files["ties"], files["networks"], dissimilarity=path)
    assert info.value.file == "matrix.csv" and info.value.column == "dissimilarity"
    assert "NaN" in str(info.value)


def test_load_problem_array_error_does_not_blame_the_plan(files: dict[str, Path]) -> None:
    with pytest.raises(ProblemError) as info:
        load_problem(
            files["candidates"], files["ties"], files["networks"], dissimilarity=np.zeros((2, 2))
        )
    assert info.value.file is None and info.value.column == "dissimilarity"


# ---------------------------------------------------------------- CLI
def test_cli_option_reaches_the_problem(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = np.round(_matrix(), 10)  # openpyxl writes 16 significant digits, as Excel does
    ids = [f"p{k}" for k in range(1, 7)]
    wb = Workbook()
    ws = wb.create_sheet("dist")
    ws.append(["id", *ids])
    for i, row in zip(ids, m.tolist(), strict=True):
        ws.append([i, *row])
    xlsx = tmp_path / "matrix.xlsx"
    wb.save(xlsx)
    inputs = ["--candidates", str(files["candidates"]), "--ties", str(files["ties"])]
    inputs += ["--networks", str(files["networks"])]
    opts = ["--dissimilarity", str(xlsx), "--dissimilarity-sheet", "dist"]

    problem = _load(_parser().parse_args(["summary", *inputs, *opts]))
    assert problem.dissimilarity is not None and np.array_equal(problem.dissimilarity, m)
    assert main(["summary", *inputs, *opts]) == 0
    assert "pairwise dissimilarity matrix" in capsys.readouterr().out
    assert main(["summary", *inputs]) == 0
    assert "pairwise dissimilarity matrix" not in capsys.readouterr().out

    bad = _write(tmp_path, "id,p1\np1,\n", "bad.csv")
    assert main(["summary", *inputs, "--dissimilarity", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.csv" in err and "'p2'" in err


def test_errors_are_evocompose_errors(tmp_path: Path) -> None:
    with pytest.raises(EvocomposeError, match="not found"):
        read_dissimilarity(tmp_path / "missing.csv")


def test_whole_row_and_cell_parsers_agree(tmp_path: Path) -> None:
    # Plain rows take numpy's fast path; a decimal comma sends a row to the cell
    # parser. Both must give the same numbers, and 1_000 is rejected by both.
    rng = np.random.default_rng(1)
    m = rng.random((8, 8)) * 100
    m = (m + m.T) / 2
    ids = [f"q{k}" for k in range(8)]
    head = "id," + ",".join(ids) + "\n"
    plain = head + "".join(
        f"{ids[i]}," + ",".join(repr(float(x)) for x in m[i]) + "\n" for i in range(8)
    )
    comma = plain.replace(",", ";").replace(".", ",")
    a = read_dissimilarity(_write(tmp_path, plain, "plain.csv"))
    b = read_dissimilarity(_write(tmp_path, comma, "comma.csv"))
    pd.testing.assert_frame_equal(a, b)
    assert np.array_equal(a.to_numpy()[~np.eye(8, dtype=bool)], m[~np.eye(8, dtype=bool)])
    bad = plain.replace(repr(float(m[2, 3])), "1_000", 1)
    with pytest.raises(ProblemError, match="1_000"):
        read_dissimilarity(_write(tmp_path, bad, "bad.csv"))
