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
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from evocompose.errors import EvocomposeError, shown
from evocompose.fields import parse_flag
from evocompose.limits import MAX_CELL_CHARS

__all__ = [
    "Table",
    "cell_text",
    "decode_text",
    "neutralise",
    "parse_bool",
    "parse_number",
    "read_table",
    "unneutralise",
]

#: What a source of a table can be.
TableSource = str | Path | pd.DataFrame

_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Control characters that are not text (everything below U+0020 but tab, line feed and
#: carriage return): no spreadsheet holds them, an .xlsx file cannot store them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: A formula tag in a worksheet's XML (``<f>``, ``<f t="shared" .../>``, ``<x:f>``).
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
#: The byte-order marks evocompose recognises, longest first.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def neutralise(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a leading ``'``; plain numbers such as ``-0.5`` are left alone. Text
    that already starts with quotes before such a character gets one more,
    so that :func:`unneutralise` (which every reader applies) gives back
    exactly the original text.

    Examples
    --------
    >>> neutralise("=cmd|' /C calc'!A0"), neutralise("-0.5"), neutralise("Farm A")
    ("'=cmd|' /C calc'!A0", '-0.5', 'Farm A')
    >>> unneutralise(neutralise("'=x")) == "'=x"
    True
    """
    rest = text.lstrip("'")
    if rest.startswith(_FORMULA_START) and not _NUMBER_RE.match(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'`` before a formula character.

    Examples
    --------
    >>> unneutralise("'=SUM(A1)"), unneutralise("'quoted'"), unneutralise("x")
    ('=SUM(A1)', "'quoted'", 'x')
    """
    if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START):
        return text[1:]
    return text


def _looks_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for text without a byte-order mark whose ASCII bytes alternate with NULs."""
    head = data[:2048]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode_text(data: bytes, file: str | None, error: type[EvocomposeError], what: str) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), UTF-16 or UTF-32.

    UTF-16 and UTF-32 are recognised by their byte-order mark (Excel's
    "Unicode text" and Windows Notepad's "Unicode" write one); UTF-16
    without a mark by its NUL bytes. Anything else must be UTF-8: the error
    names the row of the first byte that is not, and says how to save the
    file. Text holding NUL characters is refused (it is binary, or a
    damaged file).

    Parameters
    ----------
    data : bytes
    file : str or None
        For messages.
    error : type of EvocomposeError
    what : str
        How to save the file right, e.g. ``"CSV UTF-8 (comma delimited)"``.
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    body = data
    if encoding is not None:
        body = data[len(next(b for b, e in _BOMS if e == encoding)) :]
    else:
        encoding = _looks_utf16(data)
    if encoding is None:
        encoding = "utf-8"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise error(
                f"the file looks like {encoding.upper()} text but is damaged at byte "
                f"{exc.start + len(data) - len(body):,} (it may be cut short); save it again as "
                f"{what} and read it again",
                file=file,
            ) from None
        row = body[: exc.start].count(b"\n") + 1
        raise error(
            "the file is not UTF-8 text (older Excel versions save 'CSV' as Latin-1/"
            f"Windows-1252, which this looks like); save it as {what} and read it again",
            file=file,
            row=row,
            value=body[exc.start : exc.end + 8].decode("latin-1", errors="replace"),
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise error(
            "the file holds NUL characters, so it is not a text file (a workbook renamed to "
            f".csv, or a damaged file); save it again as {what}",
            file=file,
            row=text.count("\n", 0, nul) + 1,
        )
    return text


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
        v = int(value)
        if v.bit_length() > 3000:  # str() refuses ints beyond 4,300 digits; no cell needs them
            return shown(v)
        return str(v)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def parse_bool(text: str) -> bool | None:
    """Parse a yes/no cell; ``None`` when the text is not a recognised boolean.

    Accepts ``true/false``, ``yes/no``, ``ja/nej``, ``sand/falsk`` (Danish
    Excel's TRUE/FALSE), ``1/0``, ``x``/empty, in any case (see
    :func:`evocompose.fields.parse_flag`).

    Examples
    --------
    >>> parse_bool("Ja"), parse_bool(""), parse_bool("FALSK"), parse_bool("maybe")
    (True, False, False, None)
    """
    if not text.strip():
        return False
    return parse_flag(text)


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
        name = unneutralise(raw.strip())
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
    _check_lengths(header_row, header, file, error, header=True)
    columns = _normalise_columns(header, file, error, keep_case)
    rows: list[tuple[int, dict[str, str]]] = []
    for rownum, rec in records:
        _check_lengths(rownum, rec, file, error)
        cells = [unneutralise(c.strip()) for c in rec]
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


def _letter(position: int) -> str:
    """Spreadsheet column letter of a 1-based column position (1 -> A, 27 -> AA)."""
    out = ""
    while position > 0:
        position, rest = divmod(position - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _check_lengths(
    row: int,
    cells: Sequence[str],
    file: str | None,
    error: type[EvocomposeError],
    header: bool = False,
) -> None:
    """Refuse a cell longer than :data:`~evocompose.limits.MAX_CELL_CHARS` or holding a control character."""
    if not cells:
        return
    what = "column name" if header else "cell"
    if _CONTROL.search("".join(cells)):
        j = next(k for k, c in enumerate(cells) if _CONTROL.search(c))
        ch = _CONTROL.search(cells[j]).group()  # type: ignore[union-attr]
        raise error(
            f"the {what} {_letter(j + 1)}{row} holds the control character U+{ord(ch):04X}, "
            "which is not text (the file may be damaged, or the cell was pasted from another "
            "program); delete the character",
            file=file,
            row=row,
            column=f"column {j + 1}",
            value=cells[j],
        )
    if max(map(len, cells)) <= MAX_CELL_CHARS:
        return
    j = next(k for k, c in enumerate(cells) if len(c) > MAX_CELL_CHARS)
    raise error(
        f"the {what} {_letter(j + 1)}{row} holds {len(cells[j]):,} characters, more than the "
        f"{MAX_CELL_CHARS:,} a cell may hold (Excel's own limit); look for a quote that is "
        "never closed (it swallows the rest of the file) or shorten the cell",
        file=file,
        row=row,
        column=f"column {j + 1}",
        value=cells[j],
    )


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
    text = decode_text(data, file, error, "'CSV UTF-8 (comma delimited)'")
    if not text.strip():
        raise error(
            "the file is empty; it needs a header row with the column names and one row per record",
            file=file,
        )
    sep = _sniff_separator(text)
    # The csv module's own field limit (128 KiB) is above MAX_CELL_CHARS: _build names the
    # cell. Rows are numbered by the reader's line count, so quoted line breaks count as
    # Excel counts them (one row per record).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    numbered: list[tuple[int, list[str]]] = []
    try:
        for rec in reader:
            numbered.append((len(numbered) + 1, rec))
    except csv.Error as exc:
        row = len(numbered) + 1
        reason = str(exc)
        if "field larger than field limit" in reason:
            raise error(
                f"a cell of this row holds more than the {MAX_CELL_CHARS:,} characters a cell "
                "may hold (Excel's own limit); look for a quote that is never closed (it "
                "swallows the rest of the file) or shorten the cell",
                file=file,
                row=row,
            ) from None
        raise error(
            f"the file is not valid CSV ({shown(reason, 80)[1:-1]}); check the quotes on this "
            "row (a cell with the separator or a line break in it must be in double quotes, "
            'and a quote inside it is written twice: "")',
            file=file,
            row=row,
        ) from None
    start = next((i for i, (_, r) in enumerate(numbered) if any(c.strip() for c in r)), None)
    if start is None:
        raise error(
            "the file has no header row (every cell is empty); put the column names in the "
            "first row and one row per record below it",
            file=file,
        )
    header_row, header = numbered[start]
    return _build(header, numbered[start + 1 :], file, error, keep_case, header_row, allow_empty)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_xml_path(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member of a worksheet, from the workbook's sheet list and relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rid = next(
        (
            el.get(f"{{{_REL_NS}}}id")
            for el in book.iter(f"{{{_MAIN_NS}}}sheet")
            if el.get("name") == sheet_name
        ),
        None,
    )
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(
        (
            el.get("Target")
            for el in rels.iter(f"{{{_PKG_REL_NS}}}Relationship")
            if el.get("Id") == rid
        ),
        None,
    )
    if rid is None or target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _has_formula_tag(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether a worksheet's XML holds a formula at all (a fast scan of the bytes)."""
    tail = b""
    with archive.open(member) as fh:
        while chunk := fh.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formula_without_value(path: Path, sheet_name: str) -> tuple[str, str] | None:
    """``(cell, formula)`` of the first formula cell with no saved value, else ``None``.

    Excel saves each formula's last computed value next to it; files written
    by other programs (or by Python) often do not, and every reader, openpyxl
    included, then sees an empty cell. Only sheets that hold formulas are
    parsed a second time.
    """
    with zipfile.ZipFile(path) as archive:
        member = _sheet_xml_path(archive, sheet_name)
        if member is None or not _has_formula_tag(archive, member):
            return None
        cell_tag, f_tag, v_tag = (f"{{{_MAIN_NS}}}{t}" for t in ("c", "f", "v"))
        inline = f"{{{_MAIN_NS}}}is"
        with archive.open(member) as fh:
            for _, el in ElementTree.iterparse(fh):
                if el.tag != cell_tag:
                    continue
                f = el.find(f_tag)
                if f is not None and el.find(v_tag) is None and el.find(inline) is None:
                    return el.get("r") or "?", "=" + (f.text or "")
                el.clear()
    return None


def _read_xlsx(
    path: Path,
    file: str,
    sheet: str | None,
    error: type[EvocomposeError],
    keep_case: Sequence[str],
    allow_empty: bool,
) -> Table:
    import openpyxl  # deferred: openpyxl loads only when a workbook is read

    def damaged(
        exc: BaseException, where: str = "the file as an Excel workbook"
    ) -> EvocomposeError:
        return error(
            f"cannot read {where} ({type(exc).__name__}: it is damaged or not really an .xlsx "
            "file); open it in Excel, save it as .xlsx (or as CSV UTF-8) and read it again",
            file=file,
        )

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise error("file not found; check the path", file=str(path)) from None
    except Exception as exc:  # zipfile, zlib, XML parsers and openpyxl raise many kinds
        raise damaged(exc) from None
    try:
        names = list(wb.sheetnames)
        if sheet is None:
            if not names:
                raise error("the workbook has no sheets", file=file)
            sheet_name = names[0]
        elif sheet not in names:
            raise error(
                f"the workbook has no sheet named {shown(sheet)}; its sheets are: "
                f"{', '.join(shown(n, 40) for n in names[:20])}",
                file=file,
                column="sheet",
                value=sheet,
            )
        else:
            sheet_name = sheet
        try:
            ws = wb[sheet_name]
            # Trust the cells, not the sheet's stated dimensions (a damaged or odd file may
            # claim a million rows by 16,384 columns).
            ws.reset_dimensions()  # type: ignore[union-attr]
            raw = [
                (i + 1, [cell_text(v) for v in row])
                for i, row in enumerate(ws.iter_rows(values_only=True))
            ]
        except EvocomposeError:
            raise
        except Exception as exc:  # openpyxl raises many kinds on corrupt sheets
            raise damaged(exc, f"sheet {shown(sheet_name, 40)}") from None
    finally:
        wb.close()
    label = f"{file} [sheet {sheet_name}]"
    try:
        missing = _formula_without_value(path, sheet_name)
    except Exception as exc:  # the workbook read, so this is unlikely; still refuse cleanly
        raise damaged(exc, f"sheet {shown(sheet_name, 40)}") from None
    if missing is not None:
        cell, formula = missing
        raise error(
            f"cell {cell} holds a formula without a saved value, which reads as an empty cell; "
            "open the file in Excel (it computes the value) and save it again, or replace the "
            "formula by its value",
            file=label,
            column=cell,
            value=formula,
        )
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
