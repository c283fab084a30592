"""A table-driven corpus of malformed inputs.

Every case asserts the error class (a subclass of EvocomposeError) and that
the message names the file (where a file is involved), the row (where rows
apply), the column (or TOML path) and the offending value.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import CANDIDATES_CSV, PLAN, to_toml

import evocompose as evo
import evocompose.io as eio
from evocompose.errors import (
    CandidateError,
    CompositionError,
    EvocomposeError,
    NetworkSpecError,
    ProblemError,
    TieError,
)

Action = Callable[[], object]
Prepare = Callable[[dict[str, Path]], Action]


@dataclass(frozen=True)
class Case:
    id: str
    prepare: Prepare
    error: type[EvocomposeError]
    needles: tuple[str, ...]


def _load(f: dict[str, Path]) -> Action:
    return lambda: eio.load_problem(f["candidates"], f["ties"], f["networks"])


def edit(which: str, old: str, new: str) -> Prepare:
    """Replace text in one of the valid files, then load the problem."""

    def prepare(f: dict[str, Path]) -> Action:
        text = f[which].read_text(encoding="utf-8")
        assert old in text, old
        f[which].write_text(text.replace(old, new, 1), encoding="utf-8")
        return _load(f)

    return prepare


def write(which: str, text: str | bytes) -> Prepare:
    """Replace a whole file, then load the problem."""

    def prepare(f: dict[str, Path]) -> Action:
        if isinstance(text, bytes):
            f[which].write_bytes(text)
        else:
            f[which].write_text(text, encoding="utf-8")
        return _load(f)

    return prepare


def plan(change: Callable[[dict[str, Any]], None]) -> Prepare:
    """Change a copy of the valid plan, write it as TOML, then load the problem."""

    def prepare(f: dict[str, Path]) -> Action:
        doc = copy.deepcopy(PLAN)
        change(doc)
        f["networks"].write_text(to_toml(doc), encoding="utf-8")
        return _load(f)

    return prepare


def net(i: int, **kw: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["network"][i].update(kw)


def glob(**kw: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["global"].update(kw)


def both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        for c in changes:
            c(d)

    return change


def composition(text: str) -> Prepare:
    """Read a composition file against the valid problem."""

    def prepare(f: dict[str, Path]) -> Action:
        problem = _load(f)()
        path = f["candidates"].with_name("composition.csv")
        path.write_text(text, encoding="utf-8")
        return lambda: eio.read_composition(path, problem)

    return prepare


IDS = [f"p{k}" for k in range(1, 7)]


def _square(ids: list[str] = IDS) -> str:
    """A valid square dissimilarity matrix: d(pi, pj) = |i - j| / 10, blank diagonal."""
    num = {i: int(i[1:]) for i in ids}
    rows = [",".join(["id", *ids])]
    for i in ids:
        cells = ["" if i == j else repr(abs(num[i] - num[j]) / 10) for j in ids]
        rows.append(",".join([i, *cells]))
    return "\n".join(rows) + "\n"


def _long(ids: list[str] = IDS) -> str:
    """The same matrix as a list of pairs a, b, d."""
    rows = ["a,b,d"]
    for k, i in enumerate(ids):
        rows += [f"{i},{j},{abs(k - m) / 10!r}" for m, j in enumerate(ids) if m > k]
    return "\n".join(rows) + "\n"


def dissimilarity(text: str) -> Prepare:
    """Write a dissimilarity file next to the valid files, then load the problem with it."""

    def prepare(f: dict[str, Path]) -> Action:
        path = f["candidates"].with_name("dissimilarity.csv")
        path.write_text(text, encoding="utf-8")
        return lambda: eio.load_problem(
            f["candidates"], f["ties"], f["networks"], dissimilarity=path
        )

    return prepare


def missing_sheet(f: dict[str, Path]) -> Action:
    path = f["candidates"].with_suffix(".xlsx")
    frame = eio.read_candidates(f["candidates"]).to_frame()
    with pd.ExcelWriter(path) as w:
        frame.to_excel(w, sheet_name="pool", index=False)
        frame.to_excel(w, sheet_name="old", index=False)
    return lambda: eio.read_candidates(path, sheet="Pool2")


def nan_id_frame(f: dict[str, Path]) -> Action:
    frame = eio.read_candidates(f["candidates"]).to_frame()
    frame["id"] = frame["id"].astype(object)
    frame.loc[2, "id"] = np.nan
    return lambda: eio.read_candidates(frame)


def composition_json(text: str) -> Prepare:
    """Read a JSON composition file against the valid problem."""

    def prepare(f: dict[str, Path]) -> Action:
        problem = _load(f)()
        path = f["candidates"].with_name("composition.json")
        path.write_text(text, encoding="utf-8")
        return lambda: eio.read_composition(path, problem)

    return prepare


def workbook(mangle: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Prepare:
    """Write the valid candidates as a workbook, change its zip members, then load it."""

    def prepare(f: dict[str, Path]) -> Action:
        path = f["candidates"].with_suffix(".xlsx")
        eio.write_table(eio.read_candidates(f["candidates"]).to_frame(), path)
        with zipfile.ZipFile(path) as z:
            members = {n: z.read(n) for n in z.namelist()}
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in mangle(members).items():
                z.writestr(n, data)
        return lambda: eio.load_problem(path, f["ties"], f["networks"])

    return prepare


def _sheet_xml(members: dict[str, bytes]) -> str:
    return next(n for n in members if n.startswith("xl/worksheets/"))


def formula_without_value(members: dict[str, bytes]) -> dict[str, bytes]:
    sheet = _sheet_xml(members)
    xml = members[sheet].decode()
    cell = re.search(r'<c r="D3"[^>]*>.*?</c>', xml)
    assert cell is not None
    xml = xml.replace(cell.group(), '<c r="D3"><f>LOWER("FOOD")</f></c>', 1)
    return {**members, sheet: xml.encode()}


def garbage_sheet(members: dict[str, bytes]) -> dict[str, bytes]:
    return {**members, _sheet_xml(members): b"<worksheet><sheetData><row"}


def unsupported_compression(f: dict[str, Path]) -> Action:
    path = f["candidates"].with_suffix(".xlsx")
    eio.write_table(eio.read_candidates(f["candidates"]).to_frame(), path)
    data = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            data[pos + off : pos + off + 2] = (99).to_bytes(2, "little")
            pos += 4
    path.write_bytes(bytes(data))
    return lambda: eio.read_candidates(path)


def write_into_missing_folder(f: dict[str, Path]) -> Action:
    problem = _load(f)()
    target = f["candidates"].parent / "no-such-folder" / "composition.csv"
    return lambda: eio.write_composition(evo.Composition({"a": ["p1", "p2"]}), target, problem)


HEADER = CANDIDATES_CSV.splitlines()[0]
LATIN1 = CANDIDATES_CSV.replace("Ann", "Åse Rødvig").encode("latin-1")


def _semicolon(text: str) -> str:
    """The table as Danish Excel saves it: ';'-separated, decimal comma."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue().replace("0.4", "0,4")


SEMICOLON = _semicolon(CANDIDATES_CSV).replace(";0.9\n", ";1,5\n")
BAD_TOML = '[global]\ndefault_capacity = 1\n\n[[network]]\nname = "a"\nmin_size = \nmax_size = 3\n'

CASES: list[Case] = [
    # ---------------------------------------------------------------- candidates
    Case(
        "missing-column",
        edit("candidates", "sector,", "sectr,"),
        CandidateError,
        ("candidates.csv", "row 1", "'sector'"),
    ),
    Case(
        "duplicate-id",
        edit("candidates", "p3,Cy", "p1,Cy"),
        CandidateError,
        ("candidates.csv", "row 4", "'id'", "'p1'", "row 2"),
    ),
    Case(
        "empty-id",
        edit("candidates", "p3,Cy", ",Cy"),
        CandidateError,
        ("candidates.csv", "row 4", "'id'", "value ''"),
    ),
    Case("nan-id-dataframe", nan_id_frame, CandidateError, ("row 4", "'id'", "value ''")),
    Case(
        "bad-boolean",
        edit("candidates", ",2,ja,", ",2,maybe,"),
        CandidateError,
        ("candidates.csv", "row 4", "'external'", "'maybe'"),
    ),
    Case(
        "negative-capacity",
        edit("candidates", ",2,ja,", ",-1,ja,"),
        CandidateError,
        ("candidates.csv", "row 4", "'capacity'", "'-1'"),
    ),
    Case(
        "fractional-capacity",
        edit("candidates", ",2,ja,", ",1.5,ja,"),
        CandidateError,
        ("candidates.csv", "row 4", "'capacity'", "'1.5'"),
    ),
    Case(
        "text-capacity",
        edit("candidates", ",2,ja,", ",two,ja,"),
        CandidateError,
        ("candidates.csv", "row 4", "'capacity'", "'two'"),
    ),
    Case(
        "unknown-actor-type",
        edit("candidates", "sport,civil", "sport,company"),
        CandidateError,
        ("candidates.csv", "row 6", "'actor_type'", "'company'", "private"),
    ),
    Case(
        "relevance-above-1",
        edit("candidates", ",0.9\n", ",1.5\n"),
        CandidateError,
        ("candidates.csv", "row 2", "'relevance:a'", "'1.5'"),
    ),
    Case(
        "relevance-negative",
        edit("candidates", ",0.4\n", ",-0.1\n"),
        CandidateError,
        ("candidates.csv", "row 4", "'relevance:a'", "'-0.1'"),
    ),
    Case(
        "relevance-non-numeric",
        edit("candidates", ",0.9\n", ",high\n"),
        CandidateError,
        ("candidates.csv", "row 2", "'relevance:a'", "'high'"),
    ),
    Case(
        "relevance-decimal-comma-semicolon-file",
        write("candidates", SEMICOLON),
        CandidateError,
        ("candidates.csv", "row 2", "'relevance:a'", "'1,5'"),
    ),
    Case(
        "malformed-slot",
        edit("candidates", "thu-morning,,0", "thursday-morning,,0"),
        CandidateError,
        ("candidates.csv", "row 5", "'availability'", "'thursday-morning'"),
    ),
    Case(
        "empty-sector",
        edit("candidates", "Shop,retail", "Shop,"),
        CandidateError,
        ("candidates.csv", "row 7", "'sector'", "value ''"),
    ),
    Case(
        "extra-cells",
        edit("candidates", ",0.9\n", ",0.9,oops\n"),
        CandidateError,
        ("candidates.csv", "row 2", "'oops'", "column 13"),
    ),
    Case(
        "duplicate-column",
        edit("candidates", ",gender,", ",Sector ,"),
        CandidateError,
        ("candidates.csv", "row 1", "'sector'", "'Sector '"),
    ),
    Case("empty-file", write("candidates", ""), CandidateError, ("candidates.csv", "empty")),
    Case(
        "header-only",
        write("candidates", HEADER + "\n"),
        CandidateError,
        ("candidates.csv", "row 1", "no data rows"),
    ),
    Case(
        "missing-sheet",
        missing_sheet,
        CandidateError,
        ("candidates.xlsx", "'sheet'", "'Pool2'", "'pool'", "'old'"),
    ),
    Case(
        "wrong-encoding-latin1",
        write("candidates", LATIN1),
        CandidateError,
        ("candidates.csv", "row 2", "UTF-8", "Å"),
    ),
    Case(
        "declared-attribute-missing",
        plan(glob(attributes=["gender", "age_band"])),
        CandidateError,
        ("candidates.csv", "row 1", "'age_band'"),
    ),
    # ---------------------------------------------------------------- ties
    Case(
        "tie-unknown-id",
        edit("ties", "p3,p4", "p3,p99"),
        TieError,
        ("ties.csv", "row 3", "'b'", "'p99'"),
    ),
    Case(
        "self-tie", edit("ties", "p3,p4", "p3,p3"), TieError, ("ties.csv", "row 3", "'b'", "'p3'")
    ),
    Case(
        "duplicate-tie-reversed",
        edit("ties", "board\n", "board\np2,p1,1,work\n"),
        TieError,
        ("ties.csv", "row 4", "'b'", "'p1'", "row 2"),
    ),
    Case(
        "tie-empty-id",
        edit("ties", "p3,p4", ",p4"),
        TieError,
        ("ties.csv", "row 3", "'a'", "value ''"),
    ),
    Case(
        "bad-strength",
        edit("ties", ",2,work", ",strong,work"),
        TieError,
        ("ties.csv", "row 2", "'strength'", "'strong'"),
    ),
    Case(
        "zero-strength",
        edit("ties", ",2,work", ",0,work"),
        TieError,
        ("ties.csv", "row 2", "'strength'", "'0'"),
    ),
    Case(
        "ties-missing-column", edit("ties", "a,b,", "a,bb,"), TieError, ("ties.csv", "row 1", "'b'")
    ),
    # ---------------------------------------------------------------- dissimilarity
    Case(
        "dissimilarity-non-numeric",
        dissimilarity(_square().replace("p3,0.2,0.1,,0.1", "p3,0.2,far,,0.1")),
        ProblemError,
        ("dissimilarity.csv", "row 4", "'p2'", "'far'", "cell C4"),
    ),
    Case(
        "dissimilarity-decimal-comma-semicolon-not-a-number",
        dissimilarity(_square().replace(",", ";").replace(".", ",").replace("p6;0,5", "p6;-")),
        ProblemError,
        ("dissimilarity.csv", "row 7", "'p1'", "'-'"),
    ),
    Case(
        "dissimilarity-asymmetric",
        dissimilarity(_square().replace("p4,0.3,0.2,0.1", "p4,0.3,0.25,0.1")),
        ProblemError,
        ("dissimilarity.csv", "row 3", "'p4'", "'0.2'", "row 5", "'0.25'", "symmetric"),
    ),
    Case(
        "dissimilarity-unknown-id",
        dissimilarity(_square([*IDS[:5], "p9"])),
        ProblemError,
        ("dissimilarity.csv", "row 1", "'p9'", "candidate table"),
    ),
    Case(
        "dissimilarity-unknown-id-long",
        dissimilarity(_long().replace("p2,p6,", "p2,p66,")),
        ProblemError,
        ("dissimilarity.csv", "row 10", "'b'", "'p66'", "candidate table"),
    ),
    Case(
        "dissimilarity-missing-id",
        dissimilarity(_square(IDS[:5])),
        ProblemError,
        ("dissimilarity.csv", "'id'", "'p6'", "add a row"),
    ),
    Case(
        "dissimilarity-duplicate-pair",
        dissimilarity(_long() + "p2,p1,0.7\n"),
        ProblemError,
        ("dissimilarity.csv", "row 17", "'d'", "'0.7'", "row 2", "'p2'-'p1'"),
    ),
    Case(
        "dissimilarity-missing-pair",
        dissimilarity(_long().replace("p3,p5,0.2\n", "")),
        ProblemError,
        ("dissimilarity.csv", "'d'", "'p3'", "'p5'", "no row"),
    ),
    Case(
        "dissimilarity-empty-file",
        dissimilarity(""),
        ProblemError,
        ("dissimilarity.csv", "empty"),
    ),
    # ---------------------------------------------------------------- network plan
    Case(
        "unknown-sector-in-quota",
        plan(net(0, quota=[{"field": "sector", "values": ["fishing"], "min": 1}])),
        ProblemError,
        ("networks.toml", "network[1].quota.values", "'fishing'", "agriculture"),
    ),
    Case(
        "unknown-actor-type-in-quota",
        plan(net(0, quota=[{"field": "actor_type", "values": ["company"], "min": 1}])),
        NetworkSpecError,
        ("networks.toml", "network[1].quota[1].values[1]", "'company'"),
    ),
    Case(
        "unknown-sector-group",
        plan(
            both(
                lambda d: d.update(sector_groups={"food": ["agriculture"]}),
                net(0, quota=[{"field": "sector", "group": "nope", "min": 1}]),
            )
        ),
        NetworkSpecError,
        ("networks.toml", "network[1].quota[1].group", "'nope'", "food"),
    ),
    Case(
        "sector-group-unknown-sector",
        plan(lambda d: d.update(sector_groups={"food": ["agriculture", "fishing"]})),
        ProblemError,
        ("networks.toml", "sector_groups", "'fishing'"),
    ),
    Case(
        "quota-min-above-max",
        plan(net(0, quota=[{"field": "sector", "values": ["agriculture"], "min": 3, "max": 1}])),
        NetworkSpecError,
        ("networks.toml", "network[1].quota[1].min", "value 3"),
    ),
    Case(
        "quota-share-above-1",
        plan(
            net(1, quota=[{"field": "external", "values": ["true"], "max": 1.5, "unit": "share"}])
        ),
        NetworkSpecError,
        ("networks.toml", "network[2].quota[1].max", "1.5"),
    ),
    Case(
        "quota-bad-unit",
        plan(net(0, quota=[{"field": "sector", "values": ["retail"], "min": 1, "unit": "pct"}])),
        NetworkSpecError,
        ("networks.toml", "network[1].quota[1].unit", "'pct'"),
    ),
    Case(
        "max-per-unknown-field",
        plan(net(0, max_per={"organisation": 1, "colour": 2})),
        ProblemError,
        ("networks.toml", "network[1].max_per.colour", "'colour'", "organisation", "gender"),
    ),
    Case(
        "max-per-zero",
        plan(net(1, max_per={"area": 0})),
        NetworkSpecError,
        ("networks.toml", "network[2].max_per.area", "value 0", "from 1"),
    ),
    Case(
        "max-per-not-a-number",
        plan(net(0, max_per={"area": "three"})),
        NetworkSpecError,
        ("networks.toml", "network[1].max_per.area", "'three'"),
    ),
    Case(
        "max-per-not-a-table",
        plan(net(0, max_per=2)),
        NetworkSpecError,
        ("networks.toml", "network[1].max_per", "value 2", "table"),
    ),
    Case(
        "max-per-organisation-twice",
        plan(net(0, max_per={"organisation": 1}, max_per_organisation=2)),
        NetworkSpecError,
        ("networks.toml", "network[1].max_per.organisation", "older spelling"),
    ),
    Case(
        "min-size-above-max-size",
        plan(net(1, min_size=4, max_size=3)),
        NetworkSpecError,
        ("networks.toml", "network[2].min_size", "value 4"),
    ),
    Case(
        "include-and-exclude-same-id",
        plan(net(0, include=["p1"], exclude=["p1"])),
        NetworkSpecError,
        ("networks.toml", "network[1].include", "'p1'"),
    ),
    Case(
        "required-and-excluded",
        plan(glob(required=["p1"], excluded=["p1"])),
        NetworkSpecError,
        ("networks.toml", "global.excluded[1]", "'p1'"),
    ),
    Case(
        "pinned-into-networks-that-may-not-share",
        plan(both(net(0, include=["p3"]), net(1, include=["p3"]))),
        ProblemError,
        ("networks.toml", "include", "'p3'", "share_members"),
    ),
    Case(
        "pinned-beyond-capacity",
        plan(
            both(glob(share_members=[["a", "b"]]), net(0, include=["p1"]), net(1, include=["p1"]))
        ),
        ProblemError,
        ("networks.toml", "include", "'p1'", "capacity is 1"),
    ),
    Case(
        "pinned-below-min-relevance",
        plan(net(0, min_relevance=0.5, include=["p3"])),
        ProblemError,
        ("networks.toml", "network[1].include", "'p3'", "0.4"),
    ),
    Case(
        "pinned-unknown-id",
        plan(net(0, include=["p99"])),
        ProblemError,
        ("networks.toml", "network[1].include", "'p99'"),
    ),
    Case(
        "unknown-network-key",
        plan(net(0, max_sizee=3)),
        NetworkSpecError,
        ("networks.toml", "network[1].max_sizee", "'max_sizee'", "max_size"),
    ),
    Case(
        "unknown-global-key",
        plan(glob(default_capacty=1)),
        NetworkSpecError,
        ("networks.toml", "global.default_capacty", "default_capacity"),
    ),
    Case(
        "unknown-top-level-table",
        plan(lambda d: d.update(globals={"x": 1})),
        NetworkSpecError,
        ("networks.toml", "globals", "'globals'", "sector_groups"),
    ),
    Case(
        "toml-syntax-error",
        write("networks", BAD_TOML),
        NetworkSpecError,
        ("networks.toml", "row 6", "line 6", "'min_size ='"),
    ),
    Case(
        "unknown-network-in-share-members",
        plan(glob(share_members=[["a", "c"]])),
        NetworkSpecError,
        ("networks.toml", "global.share_members[1]", "'c'", "a, b"),
    ),
    Case(
        "conflict-unknown-id",
        plan(glob(conflicts=[["p1", "p99"]])),
        ProblemError,
        ("networks.toml", "global.conflicts", "'p99'"),
    ),
    Case(
        "conflict-is-must-pair",
        plan(glob(conflicts=[["p1", "p2"]], must_pairs=[["p2", "p1"]])),
        NetworkSpecError,
        ("networks.toml", "global.must_pairs[1]", "p1", "p2"),
    ),
    Case(
        "minimum-size-pool-cannot-fill",
        plan(net(0, min_relevance=0.5, min_size=5, max_size=6)),
        ProblemError,
        ("networks.toml", "network[1].min_size", "value 5", "only 3"),
    ),
    Case(
        "skill-pool-cannot-meet",
        plan(net(0, skill=[{"skill": "welding", "min": 1}])),
        ProblemError,
        ("networks.toml", "network[1].skill", "'welding'"),
    ),
    Case(
        "wrong-type",
        plan(net(0, min_size="two")),
        NetworkSpecError,
        ("networks.toml", "network[1].min_size", "'two'"),
    ),
    Case(
        "unknown-weight",
        plan(lambda d: d.update(weights={"diversity": 1.0})),
        NetworkSpecError,
        ("networks.toml", "weights.diversity", "'diversity'", "sector"),
    ),
    Case(
        "malformed-meeting-slot",
        plan(net(0, meeting={"slots": ["monday"]})),
        NetworkSpecError,
        ("networks.toml", "network[1].meeting.slots", "'monday'"),
    ),
    Case(
        "bad-network-name",
        plan(net(0, name="food net")),
        NetworkSpecError,
        ("networks.toml", "network[1].name", "'food net'"),
    ),
    Case(
        "duplicate-network-name",
        plan(net(1, name="a")),
        NetworkSpecError,
        ("networks.toml", "network[2].name", "'a'"),
    ),
    # ---------------------------------------------------------------- compositions
    Case(
        "composition-unknown-network",
        composition("network,candidate_id\na,p1\nz,p2\n"),
        CompositionError,
        ("composition.csv", "row 3", "'network'", "'z'"),
    ),
    Case(
        "composition-unknown-person",
        composition("network,candidate_id\na,p1\na,p99\n"),
        CompositionError,
        ("composition.csv", "row 3", "'candidate_id'", "'p99'"),
    ),
    Case(
        "composition-duplicate-membership",
        composition("network,candidate_id\na,p1\nb,p2\na,p1\n"),
        CompositionError,
        ("composition.csv", "row 4", "'candidate_id'", "'p1'", "row 2"),
    ),
    Case(
        "composition-two-slots",
        composition("network,candidate_id,slot\na,p1,tue-evening\na,p2,thu-morning\n"),
        CompositionError,
        ("composition.csv", "row 3", "'slot'", "'thu-morning'"),
    ),
    Case(
        "composition-malformed-slot",
        composition("network,candidate_id,slot\na,p1,tuesday\n"),
        CompositionError,
        ("composition.csv", "row 2", "'slot'", "'tuesday'"),
    ),
    Case(
        "composition-missing-column",
        composition("network,person\na,p1\n"),
        CompositionError,
        ("composition.csv", "row 1", "'candidate_id'"),
    ),
    # ---------------------------------------------------------------- issue 15: foreign
    # exceptions, limits, misreadings (each once raised a foreign exception or misread)
    Case(
        "csv-of-empty-cells",
        write("candidates", ",,,\n"),
        CandidateError,
        ("candidates.csv", "no header row"),
    ),
    Case(
        "csv-unclosed-quote",
        edit("candidates", "p2,Bo", 'p2,"Bo'),
        CandidateError,
        ("candidates.csv", "row 3", "quote"),
    ),
    Case(
        "csv-nul-bytes",
        write("candidates", CANDIDATES_CSV.encode().replace(b"Cafe B", b"Ca\x00fe B")),
        CandidateError,
        ("candidates.csv", "row 3", "NUL"),
    ),
    Case(
        "csv-control-character",
        edit("candidates", "Cafe B", "Cafe\x01B"),
        CandidateError,
        ("candidates.csv", "row 3", "C3", "U+0001", "column 3"),
    ),
    Case(
        "utf16-cut-mid-character",
        write("candidates", CANDIDATES_CSV.encode("utf-16")[:-1]),
        CandidateError,
        ("candidates.csv", "UTF-16", "damaged"),
    ),
    Case(
        "id-longer-than-200-characters",
        edit("candidates", "p3,Cy", "p" + "3" * 200 + ",Cy"),
        CandidateError,
        ("candidates.csv", "row 4", "'id'", "201 characters", "at most 200"),
    ),
    Case(
        "cell-longer-than-32767-characters",
        edit("candidates", "Cafe B", "C" * 40_000),
        CandidateError,
        ("candidates.csv", "row 3", "C3", "40,000 characters", "32,767", "(40,000 characters)"),
    ),
    Case(
        "capacity-beyond-the-limit",
        edit("candidates", ",2,ja,", ",1e300,ja,"),
        CandidateError,
        ("candidates.csv", "row 4", "'capacity'", "'1e300'", "1,000,000"),
    ),
    Case(
        "capacity-of-5000-digits",
        edit("candidates", ",2,ja,", "," + "9" * 5000 + ",ja,"),
        CandidateError,
        ("candidates.csv", "row 4", "'capacity'", "(5,000 characters)"),
    ),
    Case(
        "strength-beyond-the-limit",
        edit("ties", ",2,work", ",1e300,work"),
        TieError,
        ("ties.csv", "row 2", "'strength'", "'1e300'", "1e+06"),
    ),
    Case(
        "relevance-column-names-no-network",
        edit("candidates", "relevance:a", "relevance:fødevarer"),
        CandidateError,
        ("candidates.csv", "row 1", "'relevance:fødevarer'", "networks: a, b", "delete it"),
    ),
    Case(
        "relevance-column-case-differs",
        edit("candidates", "relevance:a", "relevance:A"),
        CandidateError,
        ("candidates.csv", "row 1", "'relevance:A'", "rename the column to relevance:a"),
    ),
    Case(
        "xlsx-formula-without-saved-value",
        workbook(formula_without_value),
        CandidateError,
        ("candidates.xlsx [sheet data]", "column 'D3'", "'=LOWER(\"FOOD\")'", "saved value"),
    ),
    Case(
        "xlsx-damaged-sheet",
        workbook(garbage_sheet),
        CandidateError,
        ("candidates.xlsx", "damaged", "save it as .xlsx"),
    ),
    Case(
        "xlsx-unsupported-compression",
        unsupported_compression,
        CandidateError,
        ("candidates.xlsx", "NotImplementedError", "damaged"),
    ),
    Case(
        "toml-nested-too-deeply",
        write("networks", "[global]\nname = " + "[" * 5_000 + "]" * 5_000 + "\n"),
        NetworkSpecError,
        ("networks.toml", "too deeply", "32"),
    ),
    Case(
        "toml-integer-of-5000-digits",
        write(
            "networks",
            to_toml(PLAN).replace('"default_capacity" = 1', '"default_capacity" = ' + "9" * 5000),
        ),
        NetworkSpecError,
        ("networks.toml", "thousands of digits"),
    ),
    Case(
        "weight-of-400-digits",
        plan(lambda d: d.update(weights={"sector": int("9" * 400)})),
        NetworkSpecError,
        ("networks.toml", "weights.sector", "400 digits", "1e+06"),
    ),
    Case(
        "weight-1e300",
        plan(lambda d: d.update(weights={"relevance": 1e300})),
        NetworkSpecError,
        ("networks.toml", "weights.relevance", "1e+300", "1e+06"),
    ),
    Case(
        "max-size-beyond-the-count-limit",
        plan(net(0, max_size=10**12)),
        NetworkSpecError,
        ("networks.toml", "network[1].max_size", "1000000000000", "1,000,000"),
    ),
    Case(
        "max-size-above-the-pool",
        plan(net(0, max_size=7)),
        ProblemError,
        ("networks.toml", "network[1].max_size", "value 7", "6 candidates", "at most 6"),
    ),
    Case(
        "synergy-1e300",
        plan(net(0, synergy={"agriculture|retail": 1e300})),
        NetworkSpecError,
        ("networks.toml", 'network[1].synergy."agriculture|retail"', "1e+300"),
    ),
    Case(
        "objective-beyond-what-solvers-count",
        plan(
            both(
                net(0, synergy={"agriculture|retail": 1e6}),
                lambda d: d.update(weights={"synergy": 1e6}),
            )
        ),
        ProblemError,
        ("networks.toml", "weights.synergy", "could reach 3e+12", "'synergy'"),
    ),
    Case(
        "external-quota-value-not-yes-or-no",
        plan(net(1, quota=[{"field": "external", "values": ["maybe"], "max": 1}])),
        NetworkSpecError,
        ("networks.toml", "network[2].quota[1].values[1]", "'maybe'", "ja", "falsk"),
    ),
    Case(
        "assign-all-not-yes-or-no",
        plan(glob(assign_all="perhaps")),
        NetworkSpecError,
        ("networks.toml", "global.assign_all", "'perhaps'", "nej"),
    ),
    Case(
        "dissimilarity-1e308",
        dissimilarity(_square().replace("p3,0.2,0.1,,0.1", "p3,0.2,1e308,,0.1")),
        ProblemError,
        ("dissimilarity.csv", "row 4", "'p2'", "'1e308'", "cell C4", "1e+06"),
    ),
    Case(
        "composition-json-slot-not-a-slot",
        composition_json('{"members": {"a": ["p1", "p2"]}, "slots": {"a": 5}}'),
        CompositionError,
        ("composition.json", "slots.a", "value 5", "tue-evening"),
    ),
    Case(
        "composition-json-slot-of-unknown-network",
        composition_json('{"members": {"a": ["p1"]}, "slots": {"z": "tue-evening"}}'),
        CompositionError,
        ("composition.json", "'slots'", "'z'", "a, b"),
    ),
    Case(
        "composition-json-id-not-text",
        composition_json('{"members": {"a": ["p1", 7]}}'),
        CompositionError,
        ("composition.json", "members.a[2]", "value 7"),
    ),
    Case(
        "composition-json-nested-too-deeply",
        composition_json('{"members": {"a": ' + "[" * 50_000 + "]" * 50_000 + "}}"),
        CompositionError,
        ("composition.json", "too deeply"),
    ),
    Case(
        "write-into-a-missing-folder",
        write_into_missing_folder,
        CompositionError,
        ("composition.csv", "cannot write", "folder exists"),
    ),
]


def test_corpus_is_large_and_ids_unique() -> None:
    assert len(CASES) >= 35
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input(case: Case, files: dict[str, Path]) -> None:
    action = case.prepare(files)
    with pytest.raises(EvocomposeError) as info:
        action()
    err = info.value
    assert type(err) is case.error, f"{type(err).__name__}: {err}"
    message = str(err)
    for needle in case.needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    # no raw pandas/openpyxl exception chained behind ours
    assert err.__cause__ is None
    assert err.__suppress_context__ or err.__context__ is None
