"""Reading and writing compositions (CSV, XLSX, JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from evocompose.audit import Audit
from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.errors import CompositionError, EvocomposeError, listing, shown
from evocompose.fields import PERSONAL_FIELDS, SLOT_RE
from evocompose.io._boundary import boundary
from evocompose.io._table import decode_text, read_table
from evocompose.io.networks import loads_json
from evocompose.io.problem import _write_table
from evocompose.limits import MAX_ID_CHARS

__all__ = [
    "audit_path",
    "composition_to_json",
    "read_audit",
    "read_composition",
    "write_composition",
]

_JSON_FORMAT = "evocompose.composition"


def _frame(composition: Composition, problem: Problem | None, pseudonymise: bool) -> pd.DataFrame:
    frame = composition.to_frame(problem, pseudonymise=pseudonymise)
    if pseudonymise:
        frame = frame.drop(columns=[c for c in PERSONAL_FIELDS if c in frame.columns])
    empty = [n for n, ids in composition.members.items() if not ids]
    if empty:
        # an empty network is kept as one row with an empty candidate_id
        extra = pd.DataFrame(
            {
                "network": empty,
                "candidate_id": [""] * len(empty),
                "slot": [composition.slots.get(n) for n in empty],
            }
        )
        frame = pd.concat([frame, extra], ignore_index=True) if len(frame) else extra
    return frame


@boundary(CompositionError, writing=True, source=None)
def composition_to_json(
    composition: Composition,
    problem: Problem | None = None,
    *,
    pseudonymise: bool = False,
    audit: Audit | None = None,
) -> str:
    """A composition as JSON text: ``{"members": {network: [ids]}, "slots": {network: slot}}``.

    With a problem, a ``"rows"`` list adds one record per membership with the
    member's sector, actor type, area, relevance and (unless
    ``pseudonymise``) name and organisation. With an audit, an ``"audit"``
    block records where the composition came from (see
    :class:`~evocompose.audit.Audit`).

    Examples
    --------
    >>> from evocompose import Composition
    >>> text = composition_to_json(Composition({"a": ["p2", "p1"]}, {"a": "tue-evening"}))
    >>> read_composition(text) == Composition({"a": ["p1", "p2"]}, {"a": "tue-evening"})
    True
    """
    doc: dict[str, Any] = {
        "format": _JSON_FORMAT,
        "version": 1,
        "members": {n: list(ids) for n, ids in composition.members.items()},
        "slots": dict(composition.slots),
    }
    if problem is not None:
        frame = composition.to_frame(problem, pseudonymise=pseudonymise)
        if pseudonymise:
            frame = frame.drop(columns=[c for c in PERSONAL_FIELDS if c in frame.columns])
        doc["rows"] = json.loads(frame.to_json(orient="records", force_ascii=False))
    if audit is not None:
        doc["audit"] = audit.to_dict()
    return json.dumps(doc, indent=2, ensure_ascii=False)


def audit_path(path: str | Path) -> Path:
    """Where the audit of a CSV composition is written: ``name.audit.json`` beside it."""
    path = Path(path)
    return path.with_name(path.stem + ".audit.json")


@boundary(CompositionError, writing=True, source=1)
def write_composition(
    composition: Composition,
    path: str | Path,
    problem: Problem | None = None,
    pseudonymise: bool = False,
    audit: Audit | None = None,
) -> Path:
    """Write a composition as CSV, XLSX or JSON, chosen by the file suffix.

    Parameters
    ----------
    composition : Composition
    path : str or Path
        ``.csv``, ``.xlsx`` or ``.json``.
    problem : Problem, optional
        Adds the members' name, organisation, sector, actor type, area,
        external flag and relevance (see :meth:`Composition.to_frame`).
    pseudonymise : bool
        The GDPR option: leave out names and organisations (only ids and
        non-identifying fields are written).
    audit : Audit, optional
        Where the composition came from (``result.audit``), written beside
        it: an ``audit`` sheet in XLSX, an ``"audit"`` block in JSON, and
        ``<name>.audit.json`` beside a CSV file (see :func:`audit_path`).
        Read it back with :func:`read_audit`.

    Returns
    -------
    Path

    Notes
    -----
    CSV cells that a spreadsheet would run as a formula (starting with
    ``=``, ``+``, ``-``, ``@``) are written with a leading ``'``; the
    readers remove it again (see :func:`evocompose.io.write_table`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from evocompose import Composition
    >>> c = Composition({"a": ["p1", "p2"]})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     read_composition(write_composition(c, pathlib.Path(d) / "c.csv")) == c
    True
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(
            composition_to_json(composition, problem, pseudonymise=pseudonymise, audit=audit),
            encoding="utf-8",
        )
        return path
    if suffix not in (".csv", ".xlsx"):
        raise CompositionError(
            f"cannot write {shown(path.suffix, 20)}; use .csv, .xlsx or .json", file=path.name
        )
    frame = _frame(composition, problem, pseudonymise)
    if suffix == ".xlsx":
        sheets = {"audit": audit.to_frame()} if audit is not None else None
        return _write_table(frame, path, numeric=("relevance",), sheets=sheets)
    _write_table(frame, path, numeric=("relevance",))
    if audit is not None:
        audit_path(path).write_text(audit.to_json(), encoding="utf-8")
    return path


def read_audit(path: str | Path) -> Audit:
    """The audit written beside a composition by :func:`write_composition`.

    Parameters
    ----------
    path : str or Path
        The composition file: ``.json`` (its ``"audit"`` block), ``.xlsx``
        (its ``audit`` sheet) or ``.csv`` (``<name>.audit.json`` beside it);
        or an ``.audit.json`` file itself.

    Raises
    ------
    EvocomposeError
        The file or its audit is missing or malformed (the message names it).

    Examples
    --------
    >>> import tempfile, pathlib, evocompose as evo
    >>> r = evo.solve(evo.datasets.tiny(), time_limit=5)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_composition(r.composition, pathlib.Path(d) / "c.csv", audit=r.audit)
    ...     read_audit(out) == r.audit
    True
    """
    path = Path(path)
    name = path.name
    if path.suffix.lower() == ".xlsx":
        table = read_table(path, EvocomposeError, sheet="audit", allow_empty=True)
        frame = pd.DataFrame(
            [(cells.get("field", ""), cells.get("value", "")) for _, cells in table],
            columns=["field", "value"],
        )
        return Audit.from_frame(frame, source=f"{name} [sheet audit]")
    if path.suffix.lower() == ".csv":
        path = audit_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvocomposeError(
            "no audit file; write the composition with write_composition(..., audit=result.audit)",
            file=str(path),
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvocomposeError(
            f"invalid JSON: {exc.msg}; the audit is written by evocompose, do not edit it",
            file=path.name,
            row=exc.lineno,
        ) from None
    if isinstance(doc, dict) and "members" in doc:
        if "audit" not in doc:
            raise EvocomposeError(
                "the composition file has no audit block; write it with "
                "write_composition(..., audit=result.audit)",
                file=path.name,
                column="audit",
            )
        return Audit.from_dict(doc["audit"], source=path.name)
    return Audit.from_dict(doc, source=path.name)


def _from_json(text: str, file: str | None) -> tuple[dict[str, list[str]], dict[str, str | None]]:
    doc = loads_json(text, file, CompositionError, "composition")
    if not isinstance(doc, dict) or not isinstance(doc.get("members"), dict):
        raise CompositionError(
            'expected a JSON object with "members": {network: [ids]}', file=file, column="members"
        )
    members: dict[str, list[str]] = {}
    for net, ids in doc["members"].items():
        where = f"members.{shown(net, 60)[1:-1]}"
        if not net or len(net) > MAX_ID_CHARS:
            raise CompositionError(
                f"a network name must have 1 to {MAX_ID_CHARS} characters",
                file=file,
                column="members",
                value=net,
            )
        if not isinstance(ids, list):
            raise CompositionError(
                'members of a network must be a list of candidate ids, e.g. ["p1", "p2"]',
                file=file,
                column=where,
                value=ids,
            )
        seen: set[str] = set()
        for k, cid in enumerate(ids):
            if not isinstance(cid, str) or not cid.strip() or len(cid) > MAX_ID_CHARS:
                raise CompositionError(
                    f"a candidate id must be a text of 1 to {MAX_ID_CHARS} characters",
                    file=file,
                    column=f"{where}[{k + 1}]",
                    value=cid,
                )
            if cid in seen:
                raise CompositionError(
                    "this person is listed twice in the network; keep one",
                    file=file,
                    column=f"{where}[{k + 1}]",
                    value=cid,
                )
            seen.add(cid)
        members[net] = list(ids)
    slots_doc = doc.get("slots", {})
    if not isinstance(slots_doc, dict):
        raise CompositionError(
            "slots must be an object {network: slot}", file=file, column="slots", value=slots_doc
        )
    slots: dict[str, str | None] = {}
    for net, slot in slots_doc.items():
        where = f"slots.{shown(net, 60)[1:-1]}"
        if slot is None:
            slots[net] = None
            continue
        if not isinstance(slot, str) or not SLOT_RE.match(slot.strip().lower()):
            raise CompositionError(
                'malformed slot; write <day>-<time> such as "tue-evening", or null for a '
                "network without a slot",
                file=file,
                column=where,
                value=slot,
            )
        slots[net] = slot.strip().lower()
    return members, slots


@boundary(CompositionError)
def read_composition(
    source: str | Path | pd.DataFrame,
    problem: Problem | None = None,
    *,
    sheet: str | None = None,
) -> Composition:
    """Read a composition: a table ``network, candidate_id`` (+ optional ``slot``) or JSON.

    Parameters
    ----------
    source : str, Path or DataFrame
        CSV, XLSX or ``.json`` file (as written by :func:`write_composition`),
        JSON text (a ``str`` starting with ``{``), or a DataFrame. Other
        columns are ignored. A row with an empty ``candidate_id`` declares a
        network without members.
    problem : Problem, optional
        When given, every network and person must exist in it.
    sheet : str, optional
        XLSX sheet; default the first.

    Returns
    -------
    Composition

    Raises
    ------
    CompositionError
        Missing columns, empty network names, a person listed twice in the
        same network, different slots on rows of one network, a malformed
        slot, and (with a problem) unknown networks or people; the message
        names the file, row, column and value.
    """
    if isinstance(source, str) and source.lstrip().startswith("{"):
        members, slots = _from_json(source, None)
        return _check(Composition(members, slots), problem, None)
    if isinstance(source, str | Path) and Path(source).suffix.lower() == ".json":
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CompositionError("file not found; check the path", file=str(path)) from None
        except OSError as exc:
            raise CompositionError(
                f"cannot read the file ({exc.strerror or type(exc).__name__}); check the path",
                file=path.name,
            ) from None
        text = decode_text(data, path.name, CompositionError, "UTF-8 text")
        members, slots = _from_json(text, path.name)
        return _check(Composition(members, slots), problem, path.name)
    table = read_table(source, CompositionError, sheet=sheet)
    for col in ("network", "candidate_id"):
        if col not in table.columns:
            raise CompositionError(
                f"required column missing (found: {listing(table.columns)}); "
                "a composition has the columns network, candidate_id and optionally slot",
                file=table.file,
                row=1,
                column=col,
                value=col,
            )
    names = problem.network_names if problem is not None else None
    members_rows: dict[str, dict[str, int]] = {}
    slots_rows: dict[str, tuple[str, int]] = {}
    for row, cells in table:
        net, cid, slot = cells["network"], cells["candidate_id"], cells.get("slot", "")
        if not net:
            raise CompositionError(
                "empty network name; every row names a network",
                file=table.file,
                row=row,
                column="network",
                value=net,
            )
        if names is not None and net not in names:
            raise CompositionError(
                f"unknown network; the problem's networks are: {listing(names)}",
                file=table.file,
                row=row,
                column="network",
                value=net,
            )
        if len(net) > MAX_ID_CHARS:
            raise CompositionError(
                f"a network name may have at most {MAX_ID_CHARS} characters",
                file=table.file,
                row=row,
                column="network",
                value=net,
            )
        mem = members_rows.setdefault(net, {})
        if cid and len(cid) > MAX_ID_CHARS:
            raise CompositionError(
                f"the id has {len(cid):,} characters; ids have at most {MAX_ID_CHARS}",
                file=table.file,
                row=row,
                column="candidate_id",
                value=cid,
            )
        if cid:
            if problem is not None and cid not in problem.pool:
                raise CompositionError(
                    "this person is not in the candidate table; fix the id or remove the row",
                    file=table.file,
                    row=row,
                    column="candidate_id",
                    value=cid,
                )
            if cid in mem:
                raise CompositionError(
                    f"duplicate membership: this person is already in network {shown(net)} on "
                    f"row {mem[cid]}; keep one row",
                    file=table.file,
                    row=row,
                    column="candidate_id",
                    value=cid,
                )
            mem[cid] = row
        if slot:
            slot_l = slot.lower()
            if not SLOT_RE.match(slot_l):
                raise CompositionError(
                    "malformed slot; write <day>-<time> such as tue-evening",
                    file=table.file,
                    row=row,
                    column="slot",
                    value=slot,
                )
            if net in slots_rows and slots_rows[net][0] != slot_l:
                raise CompositionError(
                    f"network {shown(net)} has slot {slots_rows[net][0]!r} on row "
                    f"{slots_rows[net][1]}; a network meets in one slot, so use the same slot on "
                    "all its rows",
                    file=table.file,
                    row=row,
                    column="slot",
                    value=slot,
                )
            slots_rows[net] = (slot_l, row)
    return Composition(
        {n: list(m) for n, m in members_rows.items()}, {n: s for n, (s, _) in slots_rows.items()}
    )


def _check(composition: Composition, problem: Problem | None, file: str | None) -> Composition:
    if problem is None:
        return composition
    for net, ids in composition.members.items():
        if net not in problem.network_names:
            raise CompositionError(
                f"unknown network; the problem's networks are: {listing(problem.network_names)}",
                file=file,
                column="members",
                value=net,
            )
        for cid in ids:
            if cid not in problem.pool:
                raise CompositionError(
                    "this person is not in the candidate table",
                    file=file,
                    column=f"members.{net}",
                    value=cid,
                )
    for net in composition.slots:
        if net not in problem.network_names:
            raise CompositionError(
                "a slot is given for an unknown network; the problem's networks are: "
                f"{listing(problem.network_names)}",
                file=file,
                column="slots",
                value=net,
            )
    return composition
