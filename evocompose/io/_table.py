"""Reading tables (CSV, XLSX, DataFrame) into plain text cells, and parsing cells.

Every reader in :mod:`evocompose.io` goes through :func:`read_table`, which
turns any supported source into a :class:`Table` of stripped text cells with
the 1-based spreadsheet row of each record. No pandas or openpyxl exception
escapes from here: they become the caller's :class:`EvocomposeError`
subclass with the file name and a sentence on how to fix the input.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evocompose.errors import EvocomposeError

__all__ = ["Table", "cell_text", "parse_bool", "parse_number", "read_table"]

#: What a source of a table can be.
TableSource = str | Path | pd.DataFrame

_TRUE = frozenset({"true", "yes", "ja", "1", "x"})
_FALSE = frozenset({"false", "no", "nej", "0", ""})
_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Table:
    """A table of stripped text cells.

    Attributes
    ----------
    file : str or None
        The file name for messages (``None`` for a DataFrame).
    columns : tuple of str
        Normalised column names (stripped; lowercased unless the caller asked
        to keep the case of some columns).
    rows : tuple of (int, dict)
        ``(spreadsheet_row, {column: text})`` per record; the header is row 1.
    """

    file: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def cell_text(value: Any) -> str:
    """Text of one cell as read from a DataFrame or an Excel sheet.

    Empty cells (``None``, ``NaN``, ``pd.NA``) become ``""``; booleans become
    ``"true"``/``"false"``; whole floats lose their ``.0`` (Excel stores every
    number as a float, so an id typed as ``7`` reads back as ``"7"``).

    Examples
    --------
    >>> cell_text(None), cell_text(2.0), cell_text(0.5), cell_text(True)
    ('', '2', '0.5', 'true')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        f = float(value)
        if math.isnan(f):
            return ""
        if math.isfinite(f) and f == int(f) and abs(f) < 1e15:
            return str(int(f))
        return repr(f)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def parse_bool(text: str) -> bool | None:
    """Parse a yes/no cell; ``None`` when the text is not a recognised boolean.

    Accepts ``true/false``, ``yes/no``, ``ja/nej``, ``1/0``, ``x``/empty, in
    any case.

    Examples
    --------
    >>> parse_bool("Ja"), parse_bool(""), parse_bool("maybe")
    (True, False, None)
    """
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return None


def parse_number(text: str) -> float | None:
    """Parse a number, accepting a decimal comma (``0,5``); ``None`` when not a number.

    Examples
    --------
    >>> parse_number("0,5"), parse_number("2"), parse_number("high")
    (0.5, 2.0, None)
    """
    t = text.strip()
    if not _NUMBER_RE.match(t):
        return None
    return float(t.replace(",", "."))


def _label(source: str | Path) -> str:
    return Path(source).name


def _normalise_columns(
    header: Sequence[str], file: str | None, error: type[EvocomposeError], keep_case: Sequence[str]
) -> tuple[str, ...]:
    cols: list[str] = []
    seen: dict[str, int] = {}
    for j, raw in enumerate(header):
        name = raw.strip()
        low = name.lower()
        prefix = next((p for p in keep_case if low.startswith(p)), None)
        name = prefix + name[len(prefix) :].strip() if prefix is not None else low
        if name == "":
            name = f"unnamed_{j + 1}"
        if name in seen:
            raise error(
                f"the column name appears twice (columns {seen[name] + 1} and {j + 1}; names are "
                "compared without case and surrounding spaces); rename or delete one",
                file=file,
                row=1,
                column=name,
                value=raw,
            )
        seen[name] = j
        cols.append(name)
    return tuple(cols)


def _build(
    header: Sequence[str],
    records: Sequence[tuple[int, Sequence[str]]],
    file: str | None,
    error: type[EvocomposeError],
    keep_case: Sequence[str],
    header_row: int,
    allow_empty: bool = False,
) -> Table:
    # drop trailing unnamed, empty columns (spreadsheets often carry a few)
    header = list(header)
    while (
        header
        and header[-1].strip() == ""
        and all(len(r) < len(header) or r[len(header) - 1].strip() == "" for _, r in records)
    ):
        header.pop()
    if not header:
        raise error(
            "the table has no header row; put the column names in the first row",
            file=file,
            row=header_row,
        )
    columns = _normalise_columns(header, file, error, keep_case)
    rows: list[tuple[int, dict[str, str]]] = []
    for rownum, rec in records:
        cells = [c.strip() for c in rec]
        if all(c == "" for c in cells):
            continue
        if len(cells) > len(columns):
            extra = [c for c in cells[len(columns) :] if c != ""]
            if extra:
                raise error(
                    f"the row has {len(cells)} cells but the header has {len(columns)} columns; "
                    "remove the extra cells or add a column name (check the separator too)",
                    file=file,
                    row=rownum,
                    column=f"column {len(columns) + 1}",
                    value=extra[0],
                )
        cells = cells[: len(columns)] + [""] * (len(columns) - len(cells))
        rows.append((rownum, dict(zip(columns, cells, strict=True))))
    if not rows and not allow_empty:
        raise error(
            "the table has a header but no data rows; add one row per record below the header",
            file=file,
            row=header_row,
        )
    return Table(file, columns, tuple(rows))


def _sniff_separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _read_csv(
    path: Path, file: str, error: type[EvocomposeError], keep_case: Sequence[str], allow_empty: bool
) -> Table:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("file not found; check the path", file=str(path)) from None
    except OSError as exc:
        raise error(
            f"cannot read the file ({exc.strerror}); check the path", file=str(path)
        ) from None
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, file, None, error, keep_case, allow_empty)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise error(
            "the file is not UTF-8 text (it looks like Latin-1/Windows-1252, as older Excel "
            "versions save 'CSV'); save it as 'CSV UTF-8 (comma delimited)' and read it again",
            file=file,
            row=row,
            value=data[exc.start : exc.end + 8].decode("latin-1", errors="replace"),
        ) from None
    if not text.strip():
        raise error(
            "the file is empty; it needs a header row with the column names and one row per record",
            file=file,
        )
    sep = _sniff_separator(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error as exc:
        raise error(
            f"the file is not valid CSV ({exc}); check the quotes in the file", file=file
        ) from None
    numbered = [(i + 1, r) for i, r in enumerate(records)]
    start = next(i for i, (_, r) in enumerate(numbered) if any(c.strip() for c in r))
    header_row, header = numbered[start]
    return _build(header, numbered[start + 1 :], file, error, keep_case, header_row, allow_empty)


def _read_xlsx(
    path: Path,
    file: str,
    sheet: str | None,
    error: type[EvocomposeError],
    keep_case: Sequence[str],
    allow_empty: bool,
) -> Table:
    import openpyxl  # deferred: openpyxl loads only when a workbook is read
    from openpyxl.utils.exceptions import InvalidFileException  # deferred: as above

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise error("file not found; check the path", file=str(path)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise error(
            f"cannot read the file as an Excel workbook ({type(exc).__name__}); "
            "save it from Excel as .xlsx (or as CSV UTF-8) and read it again",
            file=file,
        ) from None
    try:
        names = list(wb.sheetnames)
        if sheet is None:
            if not names:
                raise error("the workbook has no sheets", file=file)
            ws = wb[names[0]]
            sheet_name = names[0]
        else:
            if sheet not in names:
                raise error(
                    f"the workbook has no sheet named {sheet!r}; its sheets are: "
                    f"{', '.join(repr(n) for n in names)}",
                    file=file,
                    column="sheet",
                    value=sheet,
                )
            ws = wb[sheet]
            sheet_name = sheet
        try:
            raw = [
                (i + 1, [cell_text(v) for v in row])
                for i, row in enumerate(ws.iter_rows(values_only=True))
            ]
        except Exception as exc:  # openpyxl raises many kinds on corrupt sheets
            raise error(
                f"cannot read sheet {sheet_name!r} ({type(exc).__name__}); "
                "open and save the workbook in Excel and read it again",
                file=file,
            ) from None
    finally:
        wb.close()
    label = f"{file} [sheet {sheet_name}]"
    start = next((i for i, (_, r) in enumerate(raw) if any(c for c in r)), None)
    if start is None:
        raise error(
            "the sheet is empty; it needs a header row with the column names and one row per record",
            file=label,
        )
    header_row, header = raw[start]
    return _build(header, raw[start + 1 :], label, error, keep_case, header_row, allow_empty)


def _read_frame(
    frame: pd.DataFrame, error: type[EvocomposeError], keep_case: Sequence[str], allow_empty: bool
) -> Table:
    if len(frame.columns) == 0:
        raise error(
            "the DataFrame has no columns; it needs the required columns and one row per record"
        )
    header = [cell_text(c) if not isinstance(c, str) else c for c in frame.columns]
    # Read cell by cell without touching the caller's frame.
    columns = [frame.iloc[:, j].tolist() for j in range(frame.shape[1])]
    records = [(i + 2, [cell_text(col[i]) for col in columns]) for i in range(frame.shape[0])]
    return _build(header, records, None, error, keep_case, 1, allow_empty)


def read_table(
    source: TableSource,
    error: type[EvocomposeError],
    *,
    sheet: str | None = None,
    keep_case: Sequence[str] = (),
    allow_empty: bool = False,
) -> Table:
    """Read a CSV or XLSX file, or a DataFrame, as a :class:`Table` of text.

    Parameters
    ----------
    source : str, Path or DataFrame
        CSV (UTF-8 with or without BOM; ``,``, ``;`` or tab separated, sniffed
        from the header line) or XLSX (by suffix or content). A DataFrame is
        never modified.
    error : type of EvocomposeError
        The class raised for any problem.
    sheet : str, optional
        XLSX sheet by name; default the first sheet.
    keep_case : sequence of str
        Lowercase column-name prefixes whose remainder keeps its case (e.g.
        ``"relevance:"``, so that ``Relevance:Food`` becomes ``relevance:Food``).
    allow_empty : bool
        Accept a header without data rows (otherwise an error).

    Returns
    -------
    Table
    """
    if isinstance(source, pd.DataFrame):
        return _read_frame(source, error, keep_case, allow_empty)
    if not isinstance(source, str | Path):
        raise error(
            f"expected a file path or a pandas DataFrame, got {type(source).__name__}",
            value=type(source).__name__,
        )
    path = Path(source)
    file = _label(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise error(
            "old-style .xls workbooks are not supported; save the file as .xlsx or as CSV UTF-8",
            file=file,
        )
    if path.is_dir():
        raise error("expected a file but the path is a folder", file=str(path))
    if suffix in _EXCEL_SUFFIXES:
        return _read_xlsx(path, file, sheet, error, keep_case, allow_empty)
    if sheet is not None:
        raise error(
            "a sheet was given but the file is not an Excel workbook (.xlsx)",
            file=file,
            column="sheet",
            value=sheet,
        )
    return _read_csv(path, file, error, keep_case, allow_empty)
