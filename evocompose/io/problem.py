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
from evocompose.errors import CandidateError, EvocomposeError, NetworkSpecError, TieError
from evocompose.io._table import cell_text
from evocompose.io.dissimilarity import read_dissimilarity_with_source
from evocompose.io.networks import NetworkPlan, problem_to_dict, read_networks
from evocompose.io.tables import read_candidates, read_ties

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


def load_problem(
    candidates: str | Path | pd.DataFrame | Pool,
    ties: str | Path | pd.DataFrame | nx.Graph | None = None,
    networks: str | Path | Mapping[str, Any] | NetworkPlan | Sequence[NetworkSpec] | None = None,
    *,
    sheet: str | None = None,
    name: str = "",
    dissimilarity: str | Path | pd.DataFrame | np.ndarray | None = None,
    dissimilarity_sheet: str | None = None,
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

    Returns
    -------
    Problem

    Raises
    ------
    CandidateError, TieError, NetworkSpecError, ProblemError
        The message names the file (the network plan for cross-checks such as
        an unknown sector in a quota, the dissimilarity file for the matrix),
        the place and the value.

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
    else:
        pool = read_candidates(candidates, sheet=sheet, attributes=plan.attributes)
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
        graph = read_ties(ties, pool)
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


def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    numeric: Sequence[str] = (),
    sheets: Mapping[str, pd.DataFrame] | None = None,
) -> Path:
    """Write a table as CSV (UTF-8 with BOM, comma separated) or XLSX, by suffix.

    Cells are written as text (so ids such as ``007`` survive), except the
    columns in ``numeric`` which become numbers in XLSX. Text starting with
    ``=`` is stored as text, never as a formula.

    Parameters
    ----------
    frame : DataFrame
    path : str or Path
        ``.csv`` or ``.xlsx``.
    numeric : sequence of str
        Columns written as numbers in XLSX.
    sheets : mapping of str to DataFrame, optional
        Further sheets of an XLSX workbook, by name, written as text after
        the ``data`` sheet (e.g. the ``audit`` of a composition). Only for
        ``.xlsx``.

    Returns
    -------
    Path
    """
    path = Path(path)
    header = [str(c) for c in frame.columns]
    rows = [[cell_text(v) for v in rec] for rec in frame.itertuples(index=False, name=None)]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import Workbook  # deferred: openpyxl loads only when a workbook is written
        from openpyxl.cell import WriteOnlyCell  # deferred: as above

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("data")
        ws.append(header)
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
        wb.save(path)
    elif suffix == ".csv":
        if sheets:
            raise EvocomposeError(
                "a CSV file holds one table; write .xlsx for several sheets", file=path.name
            )
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        raise EvocomposeError(f"cannot write {path.suffix!r}; use .csv or .xlsx", file=path.name)
    return path


def _pseudonymised(pool: Pool) -> pd.DataFrame:
    frame = pool.to_frame()
    orgs: dict[str, str] = {}
    frame["name"] = [f"person-{k + 1}" for k in range(len(frame))]
    frame["organisation"] = [
        orgs.setdefault(o, f"org-{len(orgs) + 1}") if o else "" for o in frame["organisation"]
    ]
    return frame


def write_problem(
    problem: Problem,
    folder: str | Path,
    *,
    excel: bool = False,
    pseudonymise: bool = False,
) -> dict[str, Path]:
    """Write a problem as ``candidates.csv`` (or ``.xlsx``), ``ties.csv``, ``networks.json``.

    When the problem has a dissimilarity matrix it is written too, as
    ``dissimilarity.csv`` (square layout: the ids in the first column and in
    the header row, numbers in pool order at full precision).
    :func:`load_problem` reads the files back to an equal problem.

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
        per-organisation rule keeps its meaning). Ids are kept, because the
        ties, pins and the dissimilarity matrix refer to them; choose
        non-identifying ids when sharing.

    Returns
    -------
    dict
        ``{"candidates": path, "ties": path, "networks": path}``, plus
        ``"dissimilarity": path`` when the problem has a matrix.

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
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    frame = _pseudonymised(problem.pool) if pseudonymise else problem.pool.to_frame()
    numeric = ["capacity", *(c for c in frame.columns if str(c).startswith("relevance:"))]
    cand = write_table(
        frame, out / ("candidates.xlsx" if excel else "candidates.csv"), numeric=numeric
    )
    edges = list(problem.ties.edges(data=True))
    cols = ["a", "b"]
    for _, _, d in edges:
        for k in d:
            if k not in cols:
                cols.append(str(k))
    if any("strength" in d for _, _, d in edges):
        cols = ["a", "b", "strength", *(c for c in cols[2:] if c != "strength")]
    rows = [[a, b, *(d.get(c) for c in cols[2:])] for a, b, d in edges]
    ties = write_table(pd.DataFrame(rows, columns=cols, dtype=object), out / "ties.csv")
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
    return write_table(frame, path)
