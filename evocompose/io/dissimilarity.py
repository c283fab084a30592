"""Reader for the pairwise dissimilarity matrix (square table or list of pairs).

The matrix is an optional, extra pairwise diversity term of the objective
(see ``docs/objective.md``). Two layouts are accepted, recognised from the
header row (see ``docs/formats.md``):

square
    The first column holds the candidate ids, the header row holds the same
    ids (in any order). Every cell off the diagonal is a number; the
    diagonal may be empty.
long
    Columns ``a``, ``b`` and ``d`` (or ``dissimilarity``), one row per
    unordered pair of candidates.

Both give a DataFrame indexed by candidate id with the same ids as columns,
which :class:`~evocompose.Problem` accepts as ``dissimilarity=``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evocompose.errors import ProblemError, shown
from evocompose.io._boundary import boundary
from evocompose.io._table import Table, cell_text, parse_number, read_table
from evocompose.limits import MAX_ID_CHARS, MAX_NUMBER

__all__ = ["read_dissimilarity", "read_dissimilarity_with_source"]

_LONG_VALUE = ("d", "dissimilarity")
_LONG_NAMES = frozenset({"a", "b", *_LONG_VALUE})
#: Keep the case of every column name: in the square layout they are ids.
_KEEP_CASE = ("",)


def _letter(position: int) -> str:
    """Spreadsheet column letter of a 1-based column position (1 -> A, 27 -> AA)."""
    out = ""
    while position > 0:
        position, rest = divmod(position - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _number(text: str) -> float | None:
    """A finite number within ``±MAX_NUMBER`` (decimal comma accepted), or ``None``."""
    v = parse_number(text)
    return v if v is not None and math.isfinite(v) and abs(v) <= MAX_NUMBER else None


def _long_id(cid: str, file: str | None, row: int, column: str) -> None:
    if len(cid) > MAX_ID_CHARS:
        raise ProblemError(
            f"the id has {len(cid):,} characters; ids may have at most {MAX_ID_CHARS}",
            file=file,
            row=row,
            column=column,
            value=cid,
        )


def _is_default_index(index: pd.Index) -> bool:
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _is_long(columns: Sequence[str]) -> bool:
    """Long layout: columns ``a``, ``b`` and ``d``/``dissimilarity``, starting with one of them."""
    low = [c.lower() for c in columns]
    return (
        bool(low)
        and low[0] in _LONG_NAMES
        and "a" in low
        and "b" in low
        and any(v in low for v in _LONG_VALUE)
    )


def _index_holds_ids(frame: pd.DataFrame) -> bool:
    """Whether a square DataFrame keeps its ids in the index (as ``Problem`` accepts it)."""
    index = {cell_text(i) for i in frame.index}
    columns = {c if isinstance(c, str) else cell_text(c) for c in frame.columns}
    return index == columns or not _is_default_index(frame.index)


def _read(source: str | Path | pd.DataFrame, sheet: str | None) -> tuple[Table, str, bool]:
    """The table, the label of its id column for messages, and whether it came from a file."""
    if not isinstance(source, pd.DataFrame):
        table = read_table(source, ProblemError, sheet=sheet, keep_case=_KEEP_CASE)
        first = table.columns[0]
        return table, ("A" if first == "unnamed_1" else first), True
    header = [c if isinstance(c, str) else cell_text(c) for c in source.columns]
    if len(header) and _is_long(header):
        return read_table(source, ProblemError, keep_case=_KEEP_CASE), "", False
    if len(header) and _index_holds_ids(source):
        # A new frame with the index as its first column; the caller's frame is not touched.
        name = source.index.name if isinstance(source.index.name, str) else ""
        frame = source.copy()
        frame.insert(0, name, [cell_text(i) for i in source.index], allow_duplicates=True)
        frame.index = pd.RangeIndex(len(frame))
        table = read_table(frame, ProblemError, keep_case=_KEEP_CASE)
        return table, (name or "index"), False
    table = read_table(source, ProblemError, keep_case=_KEEP_CASE)
    return table, table.columns[0], False


def _plain_row(texts: list[str], diag: int) -> np.ndarray | None:
    """The row's numbers when every cell is a plain finite decimal-point number, else ``None``.

    A fast path for large matrices (numpy parses the whole row at once); any
    row it declines (decimal commas, empty or bad cells, ``1_000``) goes
    through the cell-by-cell parser, which gives the same numbers or the
    error. ``diag`` is the position of the diagonal cell (``-1``: none); as
    there, an empty or non-numeric diagonal cell counts as 0.
    """
    if diag >= 0:
        value = _number(texts[diag])
        texts = [*texts[:diag], repr(0.0 if value is None else value), *texts[diag + 1 :]]
    if "_" in "".join(texts):
        return None  # numpy reads 1_000 as 1000, the cell parser does not
    try:
        values = np.array(texts, dtype=float)
    except ValueError:
        return None
    ok = bool(np.isfinite(values).all()) and (not len(values) or np.abs(values).max() <= MAX_NUMBER)
    return values if ok else None


def _frame(matrix: np.ndarray, order: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(matrix, index=pd.Index(order), columns=pd.Index(order), dtype=float)


def _read_square(
    table: Table, id_label: str, from_file: bool, ids: Sequence[str] | None
) -> pd.DataFrame:
    file = table.file
    id_col = table.columns[0]
    header = list(table.columns[1:])
    pool = set(ids) if ids is not None else None

    def cell(row: int, position: int) -> str:
        """`` (cell D4)`` for files, so Excel users find the cell; empty for DataFrames."""
        return f" (cell {_letter(position)}{row})" if from_file else ""

    if not header:
        raise ProblemError(
            "the dissimilarity matrix has only one column; put the candidate ids in the first "
            "column and again in the header row (or use the columns a, b, d, one row per pair)",
            file=file,
            row=1,
            column=id_label,
            value=id_label,
        )
    col_pos: dict[str, int] = {}  # header id -> 1-based column position
    for j, cid in enumerate(header):
        if cid == f"unnamed_{j + 2}":
            raise ProblemError(
                f"empty header cell{cell(1, j + 2)}; write the candidate id of this column in the "
                "header row",
                file=file,
                row=1,
                column=_letter(j + 2) if from_file else f"column {j + 2}",
                value="",
            )
        if pool is not None and cid not in pool:
            raise ProblemError(
                "this id in the header row is not in the candidate table; fix the id or delete "
                "the column",
                file=file,
                row=1,
                column=cid,
                value=cid,
            )
        _long_id(cid, file, 1, cid)
        col_pos[cid] = j + 2

    row_of: dict[str, int] = {}
    cells_of: dict[str, dict[str, str]] = {}
    for row, cells in table:
        rid = cells[id_col]
        if not rid:
            raise ProblemError(
                "empty candidate id in the first column; write the id of this row's candidate",
                file=file,
                row=row,
                column=id_label,
                value=rid,
            )
        if rid in row_of:
            raise ProblemError(
                f"this id has two rows (first on row {row_of[rid]}); keep one row per candidate",
                file=file,
                row=row,
                column=id_label,
                value=rid,
            )
        if pool is not None and rid not in pool:
            raise ProblemError(
                "this id in the first column is not in the candidate table; fix the id or delete "
                "the row",
                file=file,
                row=row,
                column=id_label,
                value=rid,
            )
        _long_id(rid, file, row, id_label)
        row_of[rid] = row
        cells_of[rid] = cells

    for cid in header:
        if cid not in row_of:
            raise ProblemError(
                "this id has a column but no row; add a row for it (id in the first column) or "
                "delete the column",
                file=file,
                row=1,
                column=cid,
                value=cid,
            )
    for rid, row in row_of.items():
        if rid not in col_pos:
            raise ProblemError(
                "this id has a row but no column; add a column for it (id in the header row) or "
                "delete the row",
                file=file,
                row=row,
                column=id_label,
                value=rid,
            )
    if ids is not None:
        for pid in ids:
            if pid not in row_of:
                raise ProblemError(
                    "this candidate is in the candidate table but not in the dissimilarity "
                    "matrix; add a row (id in the first column) and a column (id in the header "
                    "row) for it",
                    file=file,
                    column=id_label,
                    value=pid,
                )

    order = list(ids) if ids is not None else list(row_of)
    pos = {cid: k for k, cid in enumerate(order)}
    matrix = np.zeros((len(order), len(order)), dtype=float)
    targets = np.array([pos[cid] for cid in header], dtype=np.int64)
    hpos = {cid: k for k, cid in enumerate(header)}
    for rid, cells in cells_of.items():
        i = pos[rid]
        row = row_of[rid]
        fast = _plain_row([cells[cid] for cid in header], hpos.get(rid, -1))
        if fast is not None:
            matrix[i, targets] = fast
            continue
        for cid in header:
            text = cells[cid]
            if cid == rid:
                # the diagonal is not used; keep a number (so files round-trip), else 0
                v = _number(text)
                matrix[i, i] = 0.0 if v is None else v
                continue
            if text == "":
                raise ProblemError(
                    f"empty cell{cell(row, col_pos[cid])}; write the dissimilarity of {shown(rid)} "
                    f"and {shown(cid)} (every cell off the diagonal needs a number)",
                    file=file,
                    row=row,
                    column=cid,
                    value=text,
                )
            v = _number(text)
            if v is None:
                raise ProblemError(
                    f"not a finite number within ±{MAX_NUMBER:g}{cell(row, col_pos[cid])}; write "
                    f"the dissimilarity of {shown(rid)} and {shown(cid)} as a number such as 0.5 "
                    "(or 0,5)",
                    file=file,
                    row=row,
                    column=cid,
                    value=text,
                )
            matrix[i, pos[cid]] = v

    # the same tolerance as Problem's own check, so whatever it holds reads back
    bad = ~np.isclose(matrix, matrix.T)
    if bad.any():
        # report the first offending cell in the order the user reads the file
        for rid in row_of:
            for cid in header:
                if cid != rid and bad[pos[rid], pos[cid]]:
                    r2 = row_of[cid]
                    mirror = cells_of[cid][rid]
                    raise ProblemError(
                        f"the matrix is not symmetric: row {row_of[rid]}, column {shown(cid)}"
                        f"{cell(row_of[rid], col_pos[cid])} holds {shown(cells_of[rid][cid])} but row "
                        f"{r2}, column {shown(rid)}{cell(r2, col_pos[rid])} holds {shown(mirror)}; the "
                        f"dissimilarity of {shown(rid)} and {shown(cid)} must be the same both ways, so make "
                        "the two cells equal",
                        file=file,
                        row=row_of[rid],
                        column=cid,
                        value=cells_of[rid][cid],
                    )
    return _frame(matrix, order)


def _long_columns(table: Table) -> dict[str, str]:
    """Map ``a``, ``b``, ``d`` to the table's own column names."""
    found: dict[str, str] = {}
    for c in table.columns:
        low = c.lower()
        if low not in _LONG_NAMES:
            continue
        key = "d" if low in _LONG_VALUE else low
        if key in found:
            raise ProblemError(
                f"the columns {shown(found[key])} and {shown(c)} mean the same; keep one (a pair list has "
                "the columns a, b and d or dissimilarity)",
                file=table.file,
                row=1,
                column=c,
                value=c,
            )
        found[key] = c
    return found


def _read_long(table: Table, ids: Sequence[str] | None) -> pd.DataFrame:
    file = table.file
    col = _long_columns(table)
    pool = set(ids) if ids is not None else None
    seen: dict[str, int] = {}  # id -> order of first appearance
    given: dict[frozenset[str], tuple[float, int]] = {}
    for row, cells in table:
        for key in ("a", "b"):
            x = cells[col[key]]
            if not x:
                raise ProblemError(
                    "empty candidate id; every row names two people (a and b) and their "
                    "dissimilarity (d)",
                    file=file,
                    row=row,
                    column=col[key],
                    value=x,
                )
            if pool is not None and x not in pool:
                raise ProblemError(
                    "this id is not in the candidate table; fix the id or remove the row",
                    file=file,
                    row=row,
                    column=col[key],
                    value=x,
                )
            _long_id(x, file, row, col[key])
            seen.setdefault(x, len(seen))
        a, b = cells[col["a"]], cells[col["b"]]
        if a == b:
            raise ProblemError(
                "a and b are the same person; the diagonal is not used, so remove the row",
                file=file,
                row=row,
                column=col["b"],
                value=b,
            )
        text = cells[col["d"]]
        v = _number(text)
        if v is None:
            raise ProblemError(
                f"the dissimilarity of {shown(a)} and {shown(b)} must be a finite number within "
                f"±{MAX_NUMBER:g} such as 0.5 (or 0,5)",
                file=file,
                row=row,
                column=col["d"],
                value=text,
            )
        key2 = frozenset((a, b))
        if key2 in given:
            first, first_row = given[key2]
            if first != v:
                raise ProblemError(
                    f"the pair {shown(a)}-{shown(b)} is listed twice with different values (first on row "
                    f"{first_row}, in either order, with {shown(first)}); keep one row per pair (or "
                    "make the values equal)",
                    file=file,
                    row=row,
                    column=col["d"],
                    value=text,
                )
            continue
        given[key2] = (v, row)

    if ids is not None:
        for pid in ids:
            if pid not in seen:
                raise ProblemError(
                    "this candidate is in the candidate table but in no pair of the "
                    "dissimilarity list; add its pairs (one row per pair, columns a, b, d)",
                    file=file,
                    column=col["a"],
                    value=pid,
                )
    order = list(ids) if ids is not None else list(seen)
    matrix = np.zeros((len(order), len(order)), dtype=float)
    for i, x in enumerate(order):
        for j in range(i + 1, len(order)):
            y = order[j]
            found = given.get(frozenset((x, y)))
            if found is None:
                raise ProblemError(
                    f"no row gives the dissimilarity of {shown(x)} and {shown(y)}; every pair of "
                    f"candidates needs one row (in either order), so add a row with a = {x}, "
                    f"b = {y} and {col['d']} = their dissimilarity",
                    file=file,
                    column=col["d"],
                    value=(x, y),
                )
            matrix[i, j] = matrix[j, i] = found[0]
    return _frame(matrix, order)


@boundary(ProblemError)
def read_dissimilarity(
    source: str | Path | pd.DataFrame,
    ids: Sequence[str] | None = None,
    *,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read and validate a pairwise dissimilarity matrix (see ``docs/formats.md``).

    The layout is recognised from the header row. A header whose first
    column is ``a``, ``b``, ``d`` or ``dissimilarity`` and that has the
    columns ``a``, ``b`` and ``d`` (or ``dissimilarity``), in any case, is a
    list of pairs; any other table is a square matrix.

    Parameters
    ----------
    source : str, Path or DataFrame
        A CSV file (UTF-8 with or without BOM; comma, semicolon or tab
        separated; a decimal comma such as ``0,5`` is accepted), an XLSX
        workbook, or a DataFrame (never modified). A square DataFrame may keep
        the ids in its index (as :class:`~evocompose.Problem` accepts it) or in
        its first column.
    ids : sequence of str, optional
        The candidate ids of the pool (e.g. ``pool.ids``). When given, ids
        not in the pool and pool ids missing from the matrix are errors, and
        the result is in this order; otherwise it is in the order of the file.
    sheet : str, optional
        The XLSX sheet to read; default the first sheet.

    Returns
    -------
    DataFrame
        Float dissimilarities, indexed by candidate id with the same ids as
        columns. The diagonal is the number in the file, or 0 where empty.

    Raises
    ------
    ProblemError
        For any malformed input: a cell that is empty or not a finite number,
        an asymmetric pair of cells (they must agree up to ``numpy.isclose``,
        the check ``Problem`` makes), an id without its row or column, an
        unknown or missing id, a pair missing or given twice with different
        values. The message names the file,
        the spreadsheet row (header = row 1), the column and the value, and
        says how to fix it. Negative values are allowed here; the problem
        decides whether it accepts them.

    Examples
    --------
    >>> import pandas as pd
    >>> square = pd.DataFrame({"id": ["p1", "p2"], "p1": ["", "0,5"], "p2": [0.5, None]})
    >>> read_dissimilarity(square)
         p1   p2
    p1  0.0  0.5
    p2  0.5  0.0
    >>> pairs = pd.DataFrame({"a": ["p1", "p1", "p2"], "b": ["p2", "p3", "p3"], "d": [1, 2, 3]})
    >>> read_dissimilarity(pairs, ids=["p3", "p2", "p1"]).loc["p3"].tolist()
    [0.0, 3.0, 2.0]
    """
    return read_dissimilarity_with_source(source, ids, sheet=sheet)[0]


@boundary(ProblemError)
def read_dissimilarity_with_source(
    source: str | Path | pd.DataFrame, ids: Sequence[str] | None = None, *, sheet: str | None = None
) -> tuple[pd.DataFrame, str | None]:
    """:func:`read_dissimilarity`, and the file label its errors use.

    Returns
    -------
    tuple of (DataFrame, str or None)
        The matrix, and the file (with ``[sheet ...]`` for a workbook) as the
        reader's own errors name it; ``None`` for a DataFrame.
    """
    table, id_label, from_file = _read(source, sheet)
    if _is_long(table.columns):
        frame = _read_long(table, ids)
    else:
        frame = _read_square(table, id_label, from_file, ids)
    return frame, (table.file if from_file else None)
