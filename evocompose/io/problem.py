"""Loading a whole problem from files or objects, and writing it back."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from evocompose.data import NetworkSpec, Pool, Problem
from evocompose.errors import (
    DEFAULT_MAX_ERRORS,
    CandidateError,
    EvocomposeError,
    NetworkSpecError,
    ProblemError,
    TieError,
    listing,
    shown,
)
from evocompose.fields import BUILTIN_FIELDS, PERSONAL_FIELDS, RELEVANCE_PREFIX
from evocompose.io._atomic import atomic_path
from evocompose.io._boundary import boundary
from evocompose.io._table import cell_text, neutralise
from evocompose.io.dissimilarity import read_dissimilarity_with_source
from evocompose.io.networks import NetworkPlan, problem_to_dict, read_networks
from evocompose.io.tables import read_candidates, read_ties, unknown_relevance_networks

__all__ = ["load_problem", "write_problem", "write_table"]

#: Problem-error columns and their place in the TOML plan.
_GLOBAL_COLUMNS = frozenset(
    {
        "conflicts",
        "must_pairs",
        "share_members",
        "required",
        "excluded",
        "attributes",
        "default_capacity",
    }
)


def _place(exc: EvocomposeError, plan: NetworkPlan) -> str | None:
    """TOML path of a ProblemError raised while building the problem."""
    col = exc.column
    names = [n.name for n in plan.networks]
    if exc.network in names:
        base = f"network[{names.index(exc.network) + 1}]"
        return f"{base}.{col}" if col else base
    if col in _GLOBAL_COLUMNS:
        return f"global.{col}"
    if col == "sector_groups":
        return "sector_groups"
    if col == "include":
        return "network.include"
    return col


@boundary(ProblemError, source=None)
def load_problem(
    candidates: str | Path | pd.DataFrame | Pool,
    ties: str | Path | pd.DataFrame | nx.Graph | None = None,
    networks: str | Path | Mapping[str, Any] | NetworkPlan | Sequence[NetworkSpec] | None = None,
    *,
    sheet: str | None = None,
    name: str = "",
    dissimilarity: str | Path | pd.DataFrame | np.ndarray | None = None,
    dissimilarity_sheet: str | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
) -> Problem:
    """Read the candidates, the ties and the network plan and build the validated problem.

    Parameters
    ----------
    candidates : str, Path, DataFrame or Pool
        See :func:`read_candidates`.
    ties : str, Path, DataFrame, networkx.Graph or None
        See :func:`read_ties`; ids are checked against the pool.
    networks : str, Path, Mapping, NetworkPlan or sequence of NetworkSpec
        See :func:`read_networks`. Required.
    sheet : str, optional
        Sheet of an XLSX candidate workbook.
    name : str
        Problem name; default the plan's ``[global] name``.
    dissimilarity : str, Path, DataFrame or ndarray, optional
        The pairwise dissimilarity matrix. A file or a DataFrame is read with
        :func:`read_dissimilarity` against the pool's ids (square or pair
        layout); an array is taken as it is, in pool order.
    dissimilarity_sheet : str, optional
        Sheet of an XLSX dissimilarity workbook.
    max_errors : int
        How many problems of one candidate or tie file are listed in full
        (every row is checked and all problems are raised in one error).

    Returns
    -------
    Problem

    Raises
    ------
    CandidateError, TieError, NetworkSpecError, ProblemError
        The message names the file (the network plan for cross-checks such as
        an unknown sector in a quota, the dissimilarity file for the matrix),
        the place and the value. A ``relevance:<network>`` column that names
        no network of the plan is an error (a typo would otherwise leave the
        network's members at relevance 0).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a1", "a2"], "name": ["A", "B"], "organisation": ["x", "y"],
    ...                    "sector": ["food", "farm"], "actor_type": ["private", "public"]})
    >>> p = load_problem(df, pd.DataFrame({"a": ["a1"], "b": ["a2"]}),
    ...                  {"network": [{"name": "n", "min_size": 1, "max_size": 2}]})
    >>> p.ties.number_of_edges()
    1
    """
    if networks is None:
        raise NetworkSpecError(
            "load_problem needs networks= (a TOML file, a dict or a NetworkPlan)"
        )
    if (
        isinstance(networks, Sequence)
        and not isinstance(networks, str)
        and all(isinstance(n, NetworkSpec) for n in networks)
    ):
        plan = NetworkPlan(networks=tuple(networks))
    else:
        plan = read_networks(networks)  # type: ignore[arg-type]
    names = [n.name for n in plan.networks]
    if isinstance(candidates, Pool):
        pool = candidates
        missing = [a for a in plan.attributes if a not in pool.extra_columns]
        if missing:
            raise CandidateError(
                "the network plan declares this attribute but the candidates have no such column",
                file=pool.source,
                column=missing[0],
                value=missing[0],
            )
        keys = sorted({k for c in pool for k in c.relevance})
        unknown = unknown_relevance_networks([RELEVANCE_PREFIX + k for k in keys], names)
        if unknown is not None:
            raise CandidateError(unknown[1], file=pool.source, column=unknown[0], value=unknown[0])
    else:
        pool = read_candidates(
            candidates,
            sheet=sheet,
            attributes=plan.attributes,
            networks=names,
            max_errors=max_errors,
        )
    if isinstance(ties, nx.Graph):
        graph = ties
        for node in graph.nodes:
            if str(node) not in pool:
                raise TieError(
                    "a tie names a person who is not in the candidate table",
                    column="ties",
                    value=node,
                )
    else:
        graph = read_ties(ties, pool, max_errors=max_errors)
    kwargs = plan.problem_kwargs()
    if name:
        kwargs["name"] = name
    matrix: pd.DataFrame | np.ndarray | None = None
    matrix_file: str | None = None  # as the reader's own errors name it
    if isinstance(dissimilarity, str | Path | pd.DataFrame):
        matrix, matrix_file = read_dissimilarity_with_source(
            dissimilarity, pool.ids, sheet=dissimilarity_sheet
        )
    else:
        matrix = dissimilarity
    if matrix is not None:
        kwargs["dissimilarity"] = matrix
    try:
        return Problem(pool=pool, ties=graph, **kwargs)
    except EvocomposeError as exc:
        if exc.file is None and exc.column == "dissimilarity":
            if matrix_file is None:
                raise
            raise exc.located(file=matrix_file) from None
        if exc.file is not None or (plan.source is None and pool.source is None):
            raise
        file = plan.source if plan.source is not None else pool.source
        column = _place(exc, plan) if plan.source is not None else exc.column
        raise exc.located(file=file, column=column) from None


@boundary(EvocomposeError, writing=True, source=1)
def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    numeric: Sequence[str] = (),
    sheets: Mapping[str, pd.DataFrame] | None = None,
    csv_dialect: str = "excel",
) -> Path:
    """Write a table as CSV (UTF-8 with BOM) or XLSX, by suffix.

    Cells are written as text (so ids such as ``007`` survive), except the
    columns in ``numeric`` which become numbers in XLSX. No cell can run as
    a formula (CSV injection): in XLSX text is stored as text; in CSV a cell
    starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'`` (plain numbers such as ``-0.5`` are left alone), which
    every evocompose reader removes again.

    Parameters
    ----------
    frame : DataFrame
        Not modified.
    path : str or Path
        ``.csv`` or ``.xlsx``.
    numeric : sequence of str
        Columns written as numbers in XLSX.
    sheets : mapping of str to DataFrame, optional
        Further sheets of an XLSX workbook, by name, written as text after
        the ``data`` sheet (e.g. the ``audit`` of a composition). Only for
        ``.xlsx``.
    csv_dialect : {"excel", "excel-da"}
        How a CSV file is written: ``"excel"`` with commas and decimal
        points (English-language Excel, most tools); ``"excel-da"`` with
        semicolons and decimal commas in the ``numeric`` columns, as Danish
        (and most continental) Excel opens a CSV file by double-click. Both
        are read back by every evocompose reader.

    Returns
    -------
    Path

    Raises
    ------
    EvocomposeError
        An unsupported suffix, or a file that cannot be written (the folder
        is missing, no permission, the file is open in Excel).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_table(pd.DataFrame({"name": ["=1+1", "-0.5"]}), pathlib.Path(d) / "t.csv")
    ...     path.read_text(encoding="utf-8-sig").splitlines()
    ['name', "'=1+1", '-0.5']
    >>> with tempfile.TemporaryDirectory() as d:
    ...     frame = pd.DataFrame({"id": ["a"], "relevance": [0.25]})
    ...     path = write_table(frame, pathlib.Path(d) / "t.csv", numeric=["relevance"],
    ...                        csv_dialect="excel-da")
    ...     path.read_text(encoding="utf-8-sig").splitlines()
    ['id;relevance', 'a;0,25']
    """
    return _write_table(frame, path, numeric=numeric, sheets=sheets, csv_dialect=csv_dialect)


#: The CSV dialects :func:`write_table` writes: separator and decimal mark.
CSV_DIALECTS: dict[str, tuple[str, str]] = {"excel": (",", "."), "excel-da": (";", ",")}


def csv_dialect_of(name: object) -> tuple[str, str]:
    """The separator and decimal mark of a CSV dialect name, or a clear error.

    Examples
    --------
    >>> csv_dialect_of("excel-da")
    (';', ',')
    """
    if not isinstance(name, str) or name not in CSV_DIALECTS:
        raise EvocomposeError(
            f"unknown CSV dialect; use one of {listing(CSV_DIALECTS, quote=True)} "
            "(excel-da: semicolons and decimal commas, for Danish Excel)",
            column="csv_dialect",
            value=name,
        )
    return CSV_DIALECTS[name]


def _write_table(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    numeric: Sequence[str] = (),
    sheets: Mapping[str, pd.DataFrame] | None = None,
    csv_dialect: str = "excel",
) -> Path:
    """:func:`write_table` without its boundary (callers translate errors to their own class)."""
    separator, decimal = csv_dialect_of(csv_dialect)
    path = Path(path)
    header = [str(c) for c in frame.columns]
    rows = [[cell_text(v) for v in rec] for rec in frame.itertuples(index=False, name=None)]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import Workbook  # deferred: openpyxl loads only when a workbook is written
        from openpyxl.cell import WriteOnlyCell  # deferred: as above

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("data")
        head = []
        for text in header:
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"
            head.append(cell)
        ws.append(head)
        num = {j for j, c in enumerate(header) if c in numeric}
        for rec in rows:
            cells = []
            for j, text in enumerate(rec):
                value: Any = text
                if j in num and text != "":
                    value = float(text)
                    if value.is_integer():
                        value = int(value)
                cell = WriteOnlyCell(ws, value=value if value != "" else None)
                if isinstance(value, str):
                    cell.data_type = "s"
                cells.append(cell)
            ws.append(cells)
        for name, extra in (sheets or {}).items():
            sheet = wb.create_sheet(name)
            sheet.append([str(c) for c in extra.columns])
            for values in extra.itertuples(index=False, name=None):
                line = []
                for v in values:
                    cell = WriteOnlyCell(sheet, value=cell_text(v) or None)
                    cell.data_type = "s"
                    line.append(cell)
                sheet.append(line)
        with atomic_path(path) as tmp:
            wb.save(tmp)
    elif suffix == ".csv":
        if sheets:
            raise EvocomposeError(
                "a CSV file holds one table; write .xlsx for several sheets", file=path.name
            )
        if decimal != ".":
            num = {j for j, c in enumerate(header) if c in numeric}
            rows = [
                [c.replace(".", decimal) if j in num else c for j, c in enumerate(rec)]
                for rec in rows
            ]
        with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=separator)
            writer.writerow([neutralise(h) for h in header])
            writer.writerows([neutralise(c) for c in rec] for rec in rows)
    else:
        raise EvocomposeError(
            f"cannot write {shown(path.suffix, 20)}; use .csv or .xlsx", file=path.name
        )
    return path


#: Columns of the candidate table a pseudonymised export keeps: every built-in field but
#: the personal ones (which it replaces), relevance columns and declared attributes.
_KEPT_FIELDS = tuple(f for f in BUILTIN_FIELDS if f not in PERSONAL_FIELDS)
#: Tie columns a pseudonymised export keeps (besides ``a`` and ``b``).
_KEPT_TIE_COLUMNS = ("strength",)


def _pseudonymised(problem: Problem, keep: Sequence[str]) -> pd.DataFrame:
    """The pool with names and organisations replaced and every column not needed dropped."""
    frame = problem.pool.to_frame()
    orgs: dict[str, str] = {}
    frame["name"] = [f"person-{k + 1}" for k in range(len(frame))]
    frame["organisation"] = [
        orgs.setdefault(o, f"org-{len(orgs) + 1}") if o else "" for o in frame["organisation"]
    ]
    needed = {
        "id",
        *PERSONAL_FIELDS,
        *_KEPT_FIELDS,
        *problem.attributes,
        *(c for c in frame.columns if str(c).startswith(RELEVANCE_PREFIX)),
    }
    return frame[[c for c in frame.columns if c in needed or c in keep]]


def _check_keep(problem: Problem, keep: Sequence[str]) -> tuple[str, ...]:
    if isinstance(keep, str):
        keep = (keep,)
    known = set(problem.pool.extra_columns) | {
        k for _, _, d in problem.ties.edges(data=True) for k in d
    }
    for col in keep:
        if col in PERSONAL_FIELDS:
            raise ProblemError(
                f"{col!r} is personal data and is always replaced in a pseudonymised export; "
                "write the problem without pseudonymise=True to keep it",
                column="keep",
                value=col,
            )
        if col not in known:
            raise ProblemError(
                "keep names a column that is neither an extra candidate column nor a tie "
                f"column (extra columns: {listing(problem.pool.extra_columns) or 'none'})",
                column="keep",
                value=col,
            )
    return tuple(keep)


@boundary(ProblemError, writing=True, source=1)
def write_problem(
    problem: Problem,
    folder: str | Path,
    *,
    excel: bool = False,
    pseudonymise: bool = False,
    keep: Sequence[str] = (),
) -> dict[str, Path]:
    """Write a problem as ``candidates.csv`` (or ``.xlsx``), ``ties.csv``, ``networks.json``.

    When the problem has a dissimilarity matrix it is written too, as
    ``dissimilarity.csv`` (square layout: the ids in the first column and in
    the header row, numbers in pool order at full precision).
    :func:`load_problem` reads the files back to an equal problem, except
    that relevance to a network the problem does not have (kept by
    candidates after a network was dropped with ``Problem.replace``) is not
    written: it takes no part in the problem.

    Parameters
    ----------
    problem : Problem
    folder : str or Path
        Created if needed; existing files of these names are replaced.
    excel : bool
        Write the candidates as ``candidates.xlsx`` instead of CSV.
    pseudonymise : bool
        The GDPR option for sharing a problem: names become ``person-<k>``
        and organisations ``org-<k>`` (consistently, so the
        per-organisation rule keeps its meaning), and every column not
        needed to reproduce the problem is left out: extra candidate columns
        that are not declared attributes (an ``email``, a ``role``) and tie
        columns other than ``a``, ``b`` and ``strength`` (a ``kind``, a
        note). Ids are kept, because the ties, pins and the dissimilarity
        matrix refer to them; choose non-identifying ids when sharing.
    keep : sequence of str
        With ``pseudonymise``, extra candidate or tie columns to keep
        anyway (you name them, so you decide they may be shared).

    Returns
    -------
    dict
        ``{"candidates": path, "ties": path, "networks": path}``, plus
        ``"dissimilarity": path`` when the problem has a matrix.

    Raises
    ------
    ProblemError
        ``keep`` names an unknown or personal column, or a file cannot be
        written.

    Examples
    --------
    >>> import tempfile, numpy as np, evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> p = p.replace(dissimilarity=np.add.outer(np.arange(6.0), np.arange(6.0)) / 7)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     files = write_problem(p, d)
    ...     sorted(files)
    ...     load_problem(
    ...         files["candidates"], files["ties"], files["networks"],
    ...         dissimilarity=files["dissimilarity"],
    ...     ) == p
    ['candidates', 'dissimilarity', 'networks', 'ties']
    True
    """
    kept = _check_keep(problem, keep) if pseudonymise else ()
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    frame = _pseudonymised(problem, kept) if pseudonymise else problem.pool.to_frame()
    # relevance to a network the problem does not have (one dropped with
    # ``Problem.replace``) takes no part in it, and the reader rightly rejects
    # a column naming no network: leave it out
    stale = [
        c
        for c in frame.columns
        if str(c).startswith(RELEVANCE_PREFIX)
        and str(c)[len(RELEVANCE_PREFIX) :] not in problem.network_names
    ]
    frame = frame.drop(columns=stale)
    numeric = ["capacity", *(c for c in frame.columns if str(c).startswith(RELEVANCE_PREFIX))]
    cand = _write_table(
        frame, out / ("candidates.xlsx" if excel else "candidates.csv"), numeric=numeric
    )
    edges = list(problem.ties.edges(data=True))
    cols = ["a", "b"]
    for _, _, d in edges:
        for k in d:
            if k not in cols and (not pseudonymise or k in _KEPT_TIE_COLUMNS or k in kept):
                cols.append(str(k))
    if "strength" in cols:
        cols = ["a", "b", "strength", *(c for c in cols[2:] if c != "strength")]
    rows = [[a, b, *(d.get(c) for c in cols[2:])] for a, b, d in edges]
    ties = _write_table(pd.DataFrame(rows, columns=cols, dtype=object), out / "ties.csv")
    nets = out / "networks.json"
    nets.write_text(
        json.dumps(problem_to_dict(problem), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    files = {"candidates": cand, "ties": ties, "networks": nets}
    if problem.dissimilarity is not None:
        files["dissimilarity"] = _write_dissimilarity(
            problem.pool.ids, problem.dissimilarity, out / "dissimilarity.csv"
        )
    return files


def _write_dissimilarity(ids: Sequence[str], matrix: np.ndarray, path: Path) -> Path:
    """The matrix in the square layout; ``write_table`` keeps every float exact (``repr``)."""
    frame = pd.DataFrame(matrix, columns=pd.Index(list(ids)), dtype=float)
    # the corner cell names the id column, unless a candidate is called "id"
    frame.insert(0, "" if "id" in ids else "id", ids, allow_duplicates=True)
    return _write_table(frame, path)
