"""Readers for the candidate table and the acquaintance (ties) edge list."""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from pathlib import Path

import networkx as nx
import pandas as pd

from evocompose.data import Candidate, Pool
from evocompose.errors import CandidateError, TieError, listing, shown
from evocompose.fields import (
    ACTOR_TYPES,
    DAYS,
    KNOWN_COLUMNS,
    RELEVANCE_PREFIX,
    REQUIRED_COLUMNS,
    SLOT_RE,
    TIMES,
)
from evocompose.io._boundary import boundary
from evocompose.io._table import Table, parse_bool, parse_number, read_table
from evocompose.limits import MAX_COUNT, MAX_ID_CHARS, MAX_NUMBER

__all__ = ["read_candidates", "read_ties", "unknown_relevance_networks"]


def _long_id(cid: str) -> str | None:
    """The complaint about an id longer than :data:`~evocompose.limits.MAX_ID_CHARS`, if it is."""
    if len(cid) <= MAX_ID_CHARS:
        return None
    return (
        f"the id has {len(cid):,} characters; ids may have at most {MAX_ID_CHARS}, so use a "
        "shorter id (a number or a short code)"
    )


def unknown_relevance_networks(
    columns: Sequence[str], networks: Sequence[str]
) -> tuple[str, str] | None:
    """The first ``relevance:<network>`` column naming no network, and the fix, or ``None``.

    Examples
    --------
    >>> unknown_relevance_networks(["id", "relevance:Food"], ["food", "vision"])
    ('relevance:Food', "there is no network 'Food' (networks: food, vision; names are case-sensitive); rename the column to relevance:food, or delete it")
    """
    for col in columns:
        if not col.startswith(RELEVANCE_PREFIX):
            continue
        net = col[len(RELEVANCE_PREFIX) :].strip()
        if net in networks:
            continue
        close = [n for n in networks if n.lower() == net.lower()]
        close = close or difflib.get_close_matches(net, list(networks), n=1, cutoff=0.6)
        fix = (
            f"rename the column to relevance:{close[0]}"
            if close
            else ("rename the column to relevance:<network name>")
        )
        return col, (
            f"there is no network {shown(net, 60)} (networks: {listing(networks)}; names are "
            f"case-sensitive); {fix}, or delete it"
        )
    return None


def _tags(text: str) -> tuple[str, ...]:
    return tuple(sorted({t.strip().lower() for t in text.split(";") if t.strip()}))


def _missing_columns(
    table: Table, needed: Sequence[str], error: type[CandidateError | TieError]
) -> None:
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise error(
            f"required column missing (found: {listing(table.columns)}); add a column named "
            f"{shown(missing[0])} (names are not case-sensitive)",
            file=table.file,
            row=1,
            column=missing[0],
            value=missing[0],
        )


@boundary(CandidateError)
def read_candidates(
    source: str | Path | pd.DataFrame,
    *,
    sheet: str | None = None,
    attributes: Sequence[str] = (),
    networks: Sequence[str] | None = None,
) -> Pool:
    """Read and validate the candidate table (see ``docs/formats.md``).

    Parameters
    ----------
    source : str, Path or DataFrame
        A CSV file (UTF-8 with or without BOM, comma or semicolon separated;
        with semicolons a decimal comma such as ``0,5`` is accepted), an XLSX
        workbook, or a DataFrame (never modified).
    sheet : str, optional
        The XLSX sheet to read; default the first sheet.
    attributes : sequence of str
        Extra columns that must be present (the diversity attributes the
        network plan declares).
    networks : sequence of str, optional
        The names of the plan's networks: a ``relevance:<network>`` column
        naming none of them is an error (otherwise its values would be
        silently unused and members would get relevance 0).

    Returns
    -------
    Pool

    Raises
    ------
    CandidateError
        For any malformed input; the message names the file, the spreadsheet
        row (header = row 1), the column and the value, and says how to fix it.
        Ids have at most 200 characters, cells at most 32,767 and capacities
        at most 1,000,000 (see ``docs/formats.md``, *Limits*).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["007"], "name": ["Ann"], "organisation": ["Farm"],
    ...                    "sector": ["agriculture"], "actor_type": ["Private"],
    ...                    "skills": ["Export; marketing"]})
    >>> pool = read_candidates(df)
    >>> pool["007"].actor_type, pool["007"].skills
    ('private', ('export', 'marketing'))
    """
    table = read_table(source, CandidateError, sheet=sheet, keep_case=(RELEVANCE_PREFIX,))
    _missing_columns(table, REQUIRED_COLUMNS, CandidateError)
    for a in attributes:
        if a not in table.columns:
            extra = [c for c in table.columns if c not in KNOWN_COLUMNS]
            raise CandidateError(
                "the network plan declares this attribute but the candidate table has no such "
                f"column (extra columns: {listing(extra) or 'none'}); add the column or remove "
                "it from 'attributes'",
                file=table.file,
                row=1,
                column=a,
                value=a,
            )
    relevance_cols = {
        c: c[len(RELEVANCE_PREFIX) :].strip()
        for c in table.columns
        if c.startswith(RELEVANCE_PREFIX)
    }
    for col, net in relevance_cols.items():
        if not net:
            raise CandidateError(
                "a relevance column must name its network, e.g. 'relevance:food'",
                file=table.file,
                row=1,
                column=col,
                value=col,
            )
    if networks is not None:
        unknown = unknown_relevance_networks(list(relevance_cols), networks)
        if unknown is not None:
            raise CandidateError(
                unknown[1], file=table.file, row=1, column=unknown[0], value=unknown[0]
            )
    extra_cols = [c for c in table.columns if c not in KNOWN_COLUMNS and c not in relevance_cols]
    seen: dict[str, int] = {}
    out: list[Candidate] = []
    for row, cells in table:

        def err(
            message: str, column: str, row: int = row, cells: dict[str, str] = cells
        ) -> CandidateError:
            return CandidateError(
                message, file=table.file, row=row, column=column, value=cells[column]
            )

        cid = cells["id"]
        if not cid:
            raise err("empty candidate id; give every candidate a unique, non-empty id", "id")
        too_long = _long_id(cid)
        if too_long:
            raise err(too_long, "id")
        if cid in seen:
            raise err(
                f"duplicate candidate id (first on row {seen[cid]}); ids must be unique", "id"
            )
        seen[cid] = row
        if not cells["sector"]:
            raise err(
                "empty sector; give every candidate a sector tag such as 'agriculture'", "sector"
            )
        actor = cells["actor_type"].lower()
        if actor not in ACTOR_TYPES:
            raise err(f"unknown actor type; use one of {', '.join(ACTOR_TYPES)}", "actor_type")
        slots = _tags(cells.get("availability", ""))
        for s in slots:
            if not SLOT_RE.match(s):
                raise CandidateError(
                    "malformed availability slot; write <day>-<time> separated by ';', with day in "
                    f"{' '.join(DAYS)} and time in {' '.join(TIMES)}, e.g. 'tue-evening;thu-morning'",
                    file=table.file,
                    row=row,
                    column="availability",
                    value=s,
                )
        relevance: dict[str, float] = {}
        for col, net in relevance_cols.items():
            text = cells[col]
            if text == "":
                continue
            v = parse_number(text)
            if v is None or not math.isfinite(v) or not 0.0 <= v <= 1.0:
                raise err("relevance must be a number from 0 to 1 (e.g. 0.5 or 0,5) or empty", col)
            relevance[net] = v
        capacity: int | None = None
        if cells.get("capacity", ""):
            v = parse_number(cells["capacity"])
            if v is None or not math.isfinite(v) or not 0 <= v <= MAX_COUNT or v != int(v):
                raise err(
                    f"capacity must be a whole number from 0 to {MAX_COUNT:,} (networks the "
                    "person can join), or empty for the default",
                    "capacity",
                )
            capacity = int(v)
        external = parse_bool(cells.get("external", ""))
        if external is None:
            raise err(
                "external must be yes/no: true/false, yes/no, ja/nej, sand/falsk, 1/0, x or empty",
                "external",
            )
        out.append(
            Candidate(
                id=cid,
                name=cells["name"],
                organisation=cells["organisation"],
                sector=cells["sector"],
                actor_type=actor,
                skills=_tags(cells.get("skills", "")),
                themes=_tags(cells.get("themes", "")),
                relevance=relevance,
                availability=slots,
                capacity=capacity,
                area=cells.get("area", ""),
                external=external,
                attributes={c: cells[c] for c in extra_cols},
            )
        )
    return Pool(tuple(out), source=table.file)


@boundary(TieError)
def read_ties(source: str | Path | pd.DataFrame | None, pool: Pool | None = None) -> nx.Graph:
    """Read the acquaintance edge list (see ``docs/formats.md``).

    Parameters
    ----------
    source : str, Path, DataFrame or None
        CSV/XLSX file or DataFrame with columns ``a, b`` and optionally
        ``strength`` (number > 0, default 1.0) and ``kind`` (text). Any other
        column is kept as a text edge attribute. ``None`` gives an empty graph.
    pool : Pool, optional
        When given, every id must be a candidate of the pool, and every
        candidate becomes a node.

    Returns
    -------
    networkx.Graph
        Nodes are candidate ids. When the table has a ``strength`` column
        every edge has a float ``strength``; ``kind`` is set where given.

    Raises
    ------
    TieError
        Missing columns, empty ids, self-ties, repeated pairs (in either
        order), a strength that is not a number > 0, unknown ids.

    Examples
    --------
    >>> import pandas as pd
    >>> g = read_ties(pd.DataFrame({"a": ["p1"], "b": ["p2"], "strength": ["2,5"]}))
    >>> g["p1"]["p2"]["strength"]
    2.5
    """
    graph = nx.Graph()
    if pool is not None:
        graph.add_nodes_from(pool.ids)
    if source is None:
        return graph
    table = read_table(source, TieError, allow_empty=True)
    _missing_columns(table, ("a", "b"), TieError)
    has_strength = "strength" in table.columns
    others = [c for c in table.columns if c not in ("a", "b", "strength")]
    seen: dict[frozenset[str], int] = {}
    for row, cells in table:
        for col in ("a", "b"):
            x = cells[col]
            if not x:
                raise TieError(
                    "empty candidate id; every tie names two people",
                    file=table.file,
                    row=row,
                    column=col,
                    value=x,
                )
            if pool is not None and x not in pool:
                raise TieError(
                    "this id is not in the candidate table; fix the id or remove the row",
                    file=table.file,
                    row=row,
                    column=col,
                    value=x,
                )
            too_long = _long_id(x)
            if too_long:
                raise TieError(too_long, file=table.file, row=row, column=col, value=x)
        a, b = cells["a"], cells["b"]
        if a == b:
            raise TieError(
                "a person cannot be tied to themself; remove the row",
                file=table.file,
                row=row,
                column="b",
                value=b,
            )
        key = frozenset((a, b))
        if key in seen:
            raise TieError(
                f"the pair {shown(a)}-{shown(b)} is listed twice (first on row {seen[key]}, in "
                "either order); "
                "keep one row per pair",
                file=table.file,
                row=row,
                column="b",
                value=b,
            )
        seen[key] = row
        data: dict[str, object] = {}
        if has_strength:
            text = cells["strength"]
            s = 1.0 if text == "" else parse_number(text)
            if s is None or not math.isfinite(s) or not 0 < s <= MAX_NUMBER:
                raise TieError(
                    f"strength must be a number > 0 and at most {MAX_NUMBER:g} (or empty for 1.0)",
                    file=table.file,
                    row=row,
                    column="strength",
                    value=text,
                )
            data["strength"] = s
        for c in others:
            if cells[c]:
                data[c] = cells[c]
        graph.add_edge(a, b, **data)
    return graph
