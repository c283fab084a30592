"""A generated corpus of damaged input files, and the harness that feeds them to the readers.

Used by ``tests/test_fuzz_sample.py`` (a small fixed sample, in ``make test``)
and ``benchmarks/fuzz/run.py`` (the whole corpus, ``make fuzz``, with a
watchdog against hangs). Every case is a file of bytes derived from the valid
test files (``conftest.py``) and one reader call that must either accept it
or refuse it with an :class:`~evocompose.EvocomposeError`:

byteflip
    1 to 8 random bytes replaced.
splice
    random bytes inserted or deleted, lines duplicated or dropped.
truncate
    the file cut at a random byte.
encoding
    re-encoded (Latin-1, Windows-1252, UTF-16 with and without a mark,
    UTF-32, Mac line ends), NUL bytes, a UTF-16 file cut mid-character.
xlsx
    damaged workbooks: flipped and cut zip data, missing or garbage members,
    an unsupported compression method, an XML bomb, an external entity, a
    formula without a saved value, a sheet claiming a million rows.
nesting
    deeply nested TOML and JSON.
huge-cell
    cells of 32,768 characters to a megabyte, long ids and header names,
    ten thousand columns, a quote that is never closed.
numbers
    numbers at and beyond every limit in every numeric place (capacities,
    relevances, strengths, dissimilarities, sizes, counts, weights, synergy,
    shares): 1e308, 1e400, 2**63, 5,000 digits, nan, inf, 1_000, ...
structure
    empty cells, only a BOM, only line ends, a header alone, mixed
    separators.
json
    compositions and plans with wrong JSON types.

An accepted input is followed through: the problem is written back
(``write_problem``, pseudonymised, CSV and XLSX) and read again to an equal
problem, and solved with CP-SAT (``numbers`` cases with every backend); the
composition must pass ``check``.
"""

from __future__ import annotations

import io
import json
import random
import re
import tempfile
import time
import traceback
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from conftest import CANDIDATES_CSV, PLAN, TIES_CSV, to_toml

FAMILIES = (
    "byteflip",
    "splice",
    "truncate",
    "encoding",
    "xlsx",
    "nesting",
    "huge-cell",
    "numbers",
    "structure",
    "json",
)

#: Which reader a file goes to, by its role.
KINDS = ("candidates", "ties", "networks", "dissimilarity", "composition")


@dataclass(frozen=True)
class Case:
    """One damaged file and the reader it is fed to."""

    id: str
    family: str
    kind: str  # one of KINDS
    name: str  # file name (its suffix picks the format)
    data: bytes
    backends: tuple[str, ...] = ("cpsat",)  # solvers run when the input is accepted


@dataclass
class Outcome:
    """What a case did.

    ``status`` is ``accepted`` (read, written back, solved), ``refused`` (an
    EvocomposeError with a specific message), ``unexpected`` (an
    EvocomposeError raised by the readers' last-resort boundary), ``foreign``
    (any other exception), ``bad-message`` (an EvocomposeError whose message
    breaks the message rules), ``roundtrip`` (written back, it read as a
    different problem), ``solver`` (a backend failed on an accepted input)
    or ``hang`` (the watchdog killed it).
    """

    id: str
    family: str
    kind: str
    status: str
    detail: str = ""
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- the valid files
def _square(ids: list[str]) -> str:
    num = {i: int(i[1:]) for i in ids}
    rows = [",".join(["id", *ids])]
    for i in ids:
        rows.append(
            ",".join([i, *("" if i == j else repr(abs(num[i] - num[j]) / 10) for j in ids)])
        )
    return "\n".join(rows) + "\n"


def _long(ids: list[str]) -> str:
    rows = ["a,b,d"]
    for k, i in enumerate(ids):
        rows += [f"{i},{j},{abs(k - m) / 10!r}" for m, j in enumerate(ids) if m > k]
    return "\n".join(rows) + "\n"


IDS = [f"p{k}" for k in range(1, 7)]
COMPOSITION_CSV = "network,candidate_id,slot\na,p1,tue-evening\na,p2,tue-evening\nb,p4,\nb,p5,\n"
COMPOSITION_JSON = json.dumps(
    {"members": {"a": ["p1", "p2"], "b": ["p4", "p5"]}, "slots": {"a": "tue-evening", "b": None}}
)


def _xlsx(frame: pd.DataFrame) -> bytes:
    """A workbook of the frame, byte for byte the same on every run (no timestamps)."""
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name="data")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb">\d{4}-\d\d-\d\dT[\d:.]+Z<", b">2000-01-01T00:00:00Z<", data)
            dst.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def _csv_frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def bases() -> dict[str, tuple[str, str, bytes]]:
    """The valid files: label -> (kind, file name, bytes)."""
    plan_json = json.dumps(PLAN, indent=2)
    return {
        "candidates.csv": ("candidates", "candidates.csv", CANDIDATES_CSV.encode()),
        "candidates.xlsx": ("candidates", "candidates.xlsx", _xlsx(_csv_frame(CANDIDATES_CSV))),
        "ties.csv": ("ties", "ties.csv", TIES_CSV.encode()),
        "networks.toml": ("networks", "networks.toml", to_toml(PLAN).encode()),
        "networks.json": ("networks", "networks.json", plan_json.encode()),
        "dissimilarity.csv": ("dissimilarity", "dissimilarity.csv", _square(IDS).encode()),
        "dissimilarity-long.csv": ("dissimilarity", "dissimilarity.csv", _long(IDS).encode()),
        "dissimilarity.xlsx": (
            "dissimilarity",
            "dissimilarity.xlsx",
            _xlsx(_csv_frame(_square(IDS))),
        ),
        "composition.csv": ("composition", "composition.csv", COMPOSITION_CSV.encode()),
        "composition.json": ("composition", "composition.json", COMPOSITION_JSON.encode()),
        "composition.xlsx": (
            "composition",
            "composition.xlsx",
            _xlsx(_csv_frame(COMPOSITION_CSV)),
        ),
    }


# ---------------------------------------------------------------- generators
Gen = Iterator[Case]


def _text_bases() -> list[tuple[str, tuple[str, str, bytes]]]:
    return [(k, v) for k, v in bases().items() if not k.endswith(".xlsx")]


def _byteflips(rng: random.Random, n: int) -> Gen:
    items = list(bases().items())
    for k in range(n):
        label, (kind, name, data) = items[k % len(items)]
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        yield Case(f"byteflip-{k}-{label}", "byteflip", kind, name, bytes(buf))


def _splices(rng: random.Random, n: int) -> Gen:
    items = _text_bases()
    for k in range(n):
        label, (kind, name, data) = items[k % len(items)]
        buf = bytearray(data)
        op = k % 4
        if op == 0:  # insert random bytes
            pos = rng.randrange(len(buf) + 1)
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 1:  # delete a run
            pos = rng.randrange(len(buf))
            del buf[pos : pos + rng.randint(1, 24)]
        else:  # duplicate or drop a line
            lines = bytes(buf).split(b"\n")
            i = rng.randrange(len(lines))
            if op == 2:
                lines.insert(i, lines[i])
            else:
                lines.pop(i)
            buf = bytearray(b"\n".join(lines))
        yield Case(f"splice-{k}-{label}", "splice", kind, name, bytes(buf))


def _truncations(rng: random.Random, n: int) -> Gen:
    items = list(bases().items())
    for k in range(n):
        label, (kind, name, data) = items[k % len(items)]
        yield Case(
            f"truncate-{k}-{label}", "truncate", kind, name, data[: rng.randrange(len(data))]
        )


def _encodings() -> Gen:
    danish = CANDIDATES_CSV.replace("Ann", "Åse Rødvig").replace("Farm A", "Gård Æblehave")
    texts = {
        "candidates.csv": ("candidates", "candidates.csv", danish),
        "ties.csv": ("ties", "ties.csv", TIES_CSV),
        "networks.toml": ("networks", "networks.toml", to_toml(PLAN).replace("Food", "Fødevarer")),
        "dissimilarity.csv": ("dissimilarity", "dissimilarity.csv", _square(IDS)),
        "composition.csv": ("composition", "composition.csv", COMPOSITION_CSV),
        "composition.json": ("composition", "composition.json", COMPOSITION_JSON),
    }
    encoders: dict[str, Callable[[str], bytes]] = {
        "latin1": lambda t: t.encode("latin-1", errors="replace"),
        "cp1252": lambda t: t.encode("cp1252", errors="replace"),
        "utf16-bom": lambda t: t.encode("utf-16"),
        "utf16le-nobom": lambda t: t.encode("utf-16-le"),
        "utf16be-nobom": lambda t: t.encode("utf-16-be"),
        "utf16be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
        "utf32": lambda t: t.encode("utf-32"),
        "utf8-bom": lambda t: t.encode("utf-8-sig"),
        "mac-lines": lambda t: t.replace("\n", "\r").encode(),
        "crlf": lambda t: t.replace("\n", "\r\n").encode(),
        "utf16-cut": lambda t: t.encode("utf-16")[:-1],
        "utf16-lone-surrogate": lambda t: t.encode("utf-16") + b"\x00\xd8",
        "nul-bytes": lambda t: t.encode().replace(b",", b",\x00", 2),
        "nul-all": lambda t: b"\x00" * len(t),
        "utf8-overlong": lambda t: t.encode() + b"\xc0\xaf",
        "bom-then-latin1": lambda t: b"\xef\xbb\xbf" + t.encode("latin-1", errors="replace"),
    }
    for label, (kind, name, text) in texts.items():
        for enc, fn in encoders.items():
            yield Case(f"encoding-{enc}-{label}", "encoding", kind, name, fn(text))


def _zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for n, d in members.items():
            z.writestr(zipfile.ZipInfo(n, (1980, 1, 1, 0, 0, 0)), d, compress_type=method)
    return buf.getvalue()


def _sheet(members: dict[str, bytes]) -> str:
    return next(n for n in members if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _xlsx_cases(rng: random.Random, n_random: int) -> Gen:
    xl = {k: v for k, v in bases().items() if k.endswith(".xlsx")}
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    for label, (kind, name, data) in xl.items():
        members = _zip_members(data)
        sheet = _sheet(members)
        variants: dict[str, bytes] = {}
        for m in members:
            variants[f"drop-{m}"] = _zip({k: v for k, v in members.items() if k != m})
            variants[f"garbage-{m}"] = _zip({**members, m: b"<not xml" + bytes(range(256))})
        variants["empty-sheet-xml"] = _zip({**members, sheet: b""})
        variants["bomb"] = _zip({**members, sheet: bomb})
        variants["xxe"] = _zip({**members, sheet: xxe})
        deep = b"<a>" * 100_000 + b"</a>" * 100_000
        variants["deep-xml"] = _zip({**members, sheet: deep})
        text = members[sheet].decode()
        variants["million-rows"] = _zip(
            {**members, sheet: text.replace('<row r="2"', '<row r="1048576"', 1).encode()}
        )
        variants["wide-dimension"] = _zip(
            {
                **members,
                sheet: text.replace(
                    "<dimension ref=", '<dimension ref="A1:XFD1048576" x=', 1
                ).encode(),
            }
        )
        variants["formula-no-value"] = _zip(
            {
                **members,
                sheet: text.replace(
                    '<c r="B2" t="inlineStr">',
                    '<c r="B2"><f>1+1</f></c><c r="Z99" t="inlineStr">',
                    1,
                )
                .replace('<c r="B2" t="s">', '<c r="B2"><f>1+1</f></c><c r="Z99" t="s">', 1)
                .encode(),
            }
        )
        variants["formula-with-value"] = _zip(
            {
                **members,
                sheet: text.replace(
                    '<c r="B2" t="s">',
                    '<c r="B2" t="str"><f>"x"</f><v>x</v></c><c r="Z99" t="s">',
                    1,
                ).encode(),
            }
        )
        stored = bytearray(_zip(members, zipfile.ZIP_STORED))
        for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
            start = 0
            while (pos := stored.find(sig, start)) >= 0:
                stored[pos + off : pos + off + 2] = (99).to_bytes(2, "little")
                start = pos + 4
        variants["unsupported-compression"] = bytes(stored)
        variants["not-a-zip"] = b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(200))
        variants["csv-named-xlsx"] = CANDIDATES_CSV.encode()
        variants["empty-file"] = b""
        for k in range(n_random):
            buf = bytearray(data)
            lo = 30  # keep the first local header readable now and then
            for _ in range(rng.randint(1, 12)):
                buf[rng.randrange(lo, len(buf))] = rng.randrange(256)
            variants[f"flip-{k}"] = bytes(buf)
            variants[f"cut-{k}"] = data[: rng.randrange(len(data))]
        for v, blob in variants.items():
            yield Case(f"xlsx-{v}-{label}", "xlsx", kind, name, blob)


def _nesting() -> Gen:
    for depth in (33, 200, 1_000, 100_000):
        arr = "[" * depth + "]" * depth
        yield Case(
            f"nesting-toml-array-{depth}",
            "nesting",
            "networks",
            "networks.toml",
            (to_toml(PLAN) + f"\n[weights]\nsector = {arr}\n").encode(),
        )
        tables = "{a = " * depth + "1" + "}" * depth
        yield Case(
            f"nesting-toml-inline-{depth}",
            "nesting",
            "networks",
            "networks.toml",
            f"[global]\nname = {tables}\n".encode(),
        )
        yield Case(
            f"nesting-json-plan-{depth}",
            "nesting",
            "networks",
            "networks.json",
            json.dumps({**PLAN, "sector_groups": {"g": "@"}}).replace('"@"', arr).encode(),
        )
        yield Case(
            f"nesting-json-composition-{depth}",
            "nesting",
            "composition",
            "composition.json",
            ('{"members": {"a": ' + "[" * depth + "]" * depth + "}}").encode(),
        )
        obj = '{"x": ' * depth + "1" + "}" * depth
        yield Case(
            f"nesting-json-object-{depth}",
            "nesting",
            "composition",
            "composition.json",
            ('{"members": {"a": ["p1"]}, "slots": ' + obj + "}").encode(),
        )
    yield Case(
        "nesting-toml-tables",
        "nesting",
        "networks",
        "networks.toml",
        ("[" + ".".join(f"t{i}" for i in range(2_000)) + "]\nx = 1\n").encode(),
    )


def _huge_cells() -> Gen:
    header, *rows = CANDIDATES_CSV.splitlines()
    for size in (201, 32_767, 32_768, 100_000, 200_000, 1_000_000):
        big = "x" * size
        for col in ("id", "name", "sector", "area", "themes", "skills"):
            cells = rows[0].split(",")
            j = header.split(",").index(col) if col in header.split(",") else 1
            cells[j] = big
            text = "\n".join([header, ",".join(cells), *rows[1:]]) + "\n"
            yield Case(
                f"huge-{col}-{size}", "huge-cell", "candidates", "candidates.csv", text.encode()
            )
        yield Case(
            f"huge-header-{size}",
            "huge-cell",
            "candidates",
            "candidates.csv",
            ("\n".join([header + "," + big, *rows]) + "\n").encode(),
        )
        yield Case(
            f"huge-tie-id-{size}",
            "huge-cell",
            "ties",
            "ties.csv",
            TIES_CSV.replace("p3,p4", f"p3,{big}").encode(),
        )
        yield Case(
            f"huge-dissimilarity-id-{size}",
            "huge-cell",
            "dissimilarity",
            "dissimilarity.csv",
            _long(IDS).replace("p1,p2,", f"{big},p2,", 1).encode(),
        )
        yield Case(
            f"huge-composition-id-{size}",
            "huge-cell",
            "composition",
            "composition.csv",
            COMPOSITION_CSV.replace("a,p2", f"a,{big}").encode(),
        )
        yield Case(
            f"huge-json-id-{size}",
            "huge-cell",
            "composition",
            "composition.json",
            COMPOSITION_JSON.replace('"p2"', json.dumps(big)).encode(),
        )
        yield Case(
            f"huge-toml-theme-{size}",
            "huge-cell",
            "networks",
            "networks.toml",
            to_toml(PLAN).replace('"Food"', json.dumps(big)).encode(),
        )
    wide = ",".join(f"c{j}" for j in range(10_000))
    yield Case(
        "huge-10000-columns",
        "huge-cell",
        "candidates",
        "candidates.csv",
        "\n".join([header + "," + wide, *(r + "," * 10_000 for r in rows)]).encode(),
    )
    yield Case(
        "huge-unclosed-quote",
        "huge-cell",
        "candidates",
        "candidates.csv",
        CANDIDATES_CSV.replace("p2,Bo", 'p2,"Bo').encode() + b"x" * 200_000,
    )
    yield Case(
        "huge-unclosed-quote-short",
        "huge-cell",
        "candidates",
        "candidates.csv",
        CANDIDATES_CSV.replace("p2,Bo", 'p2,"Bo').encode(),
    )
    yield Case(
        "huge-many-rows",
        "huge-cell",
        "ties",
        "ties.csv",
        ("a,b\n" + "p1,p2\n" * 200_000).encode(),
    )


#: Numbers placed in every numeric place of the inputs.
NUMBERS = (
    "0",
    "-0",
    "1",
    "0.5",
    "0,5",
    "-1",
    "1e-400",
    "999999",
    "1000000",
    "1000001",
    "1e6",
    "1.0000001e6",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "1e15",
    "1e300",
    "1e308",
    "1.8e308",
    "1e400",
    "-1e400",
    "9" * 400,
    "9" * 5000,
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1_000",
    "0x10",
    "١٢",
    "1,000.5",
    "½",
    "²",
    "  7  ",
    "",
)

#: TOML values for numeric keys (some are not numbers at all).
TOML_NUMBERS = (
    "0",
    "-1",
    "1",
    "0.5",
    "1e6",
    "999999",
    "1000000",
    "1000001",
    "1e300",
    "1.8e308",
    "inf",
    "-inf",
    "nan",
    "9223372036854775807",
    "9223372036854775808",
    "9" * 400,
    "9" * 5000,
    "1_000",
    "0x7fffffffffffffff",
    "true",
    '"3"',
    '"ja"',
    "[1]",
    "{x = 1}",
)


def _numbers() -> Gen:
    every = ("cpsat", "search", "auto")
    header, *rows = CANDIDATES_CSV.splitlines()
    cols = header.split(",")
    for k, num in enumerate(NUMBERS):
        cell = f'"{num}"' if "," in num else num
        for col in ("capacity", "relevance:a"):
            cells = rows[2].split(",")
            cells[cols.index(col)] = cell
            text = "\n".join([header, *rows[:2], ",".join(cells), *rows[3:]]) + "\n"
            yield Case(
                f"numbers-{col}-{k}",
                "numbers",
                "candidates",
                "candidates.csv",
                text.encode(),
                every,
            )
        yield Case(
            f"numbers-strength-{k}",
            "numbers",
            "ties",
            "ties.csv",
            TIES_CSV.replace(",2,work", f",{cell},work").encode(),
            every,
        )
        yield Case(
            f"numbers-dissimilarity-square-{k}",
            "numbers",
            "dissimilarity",
            "dissimilarity.csv",
            _square(IDS)
            .replace("p1,,0.1,", f"p1,,{cell},")
            .replace("p2,0.1,", f"p2,{cell},")
            .encode(),
            every,
        )
        yield Case(
            f"numbers-dissimilarity-long-{k}",
            "numbers",
            "dissimilarity",
            "dissimilarity.csv",
            _long(IDS).replace("p1,p2,0.1", f"p1,p2,{cell}").encode(),
            every,
        )
    places: dict[str, Callable[[str], str]] = {
        "max_size": lambda v: to_toml(PLAN).replace('"max_size" = 3', f'"max_size" = {v}', 1),
        "min_size": lambda v: to_toml(PLAN).replace('"min_size" = 2', f'"min_size" = {v}', 1),
        "default_capacity": lambda v: to_toml(PLAN).replace(
            '"default_capacity" = 1', f'"default_capacity" = {v}'
        ),
        "weight": lambda v: to_toml(PLAN) + f"\n[weights]\ndissimilarity = {v}\n",
        "cohesion_target": lambda v: to_toml(PLAN) + f"\n[weights]\ncohesion_target = {v}\n",
        "attribute_weight": lambda v: (
            to_toml(PLAN) + f"\n[weights]\nattribute_weights = {{gender = {v}}}\n"
        ),
        "network_weight": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"weights" = {{relevance = {v}}}', 1
        ),
        "quota_count": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3',
            f'"max_size" = 3\n"quota" = [{{field = "sector", values = ["retail"], max = {v}}}]',
            1,
        ),
        "quota_share": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3',
            '"max_size" = 3\n"quota" = [{field = "external", values = ["ja"], '
            f'max = {v}, unit = "share"}}]',
            1,
        ),
        "skill_min": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"skill" = [{{skill = "marketing", min = {v}}}]', 1
        ),
        "max_per": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"max_per" = {{area = {v}}}', 1
        ),
        "min_known": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"min_known" = {v}', 1
        ),
        "synergy": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"synergy" = {{"agriculture|retail" = {v}}}', 1
        ),
        "quorum": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"meeting" = {{quorum = {v}}}', 1
        ),
        "bridge": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"bridge" = {{min = {v}}}', 1
        ),
        "min_relevance": lambda v: to_toml(PLAN).replace(
            '"max_size" = 3', f'"max_size" = 3\n"min_relevance" = {v}', 1
        ),
    }
    for place, make in places.items():
        for k, v in enumerate(TOML_NUMBERS):
            yield Case(
                f"numbers-toml-{place}-{k}",
                "numbers",
                "networks",
                "networks.toml",
                make(v).encode(),
                every,
            )
    for k, v in enumerate(("1e300", "1.8e308", "9" * 5000, "NaN", "-Infinity", "1e6", "-1e6")):
        plan = json.dumps({**PLAN, "weights": {"sector": "@"}}).replace('"@"', v)
        yield Case(
            f"numbers-json-weight-{k}", "numbers", "networks", "networks.json", plan.encode(), every
        )


def _structure() -> Gen:
    header = CANDIDATES_CSV.splitlines()[0]
    texts = {
        "empty-cells": ",,,\n",
        "empty-cells-many": ",,,\n,,,\n;;;\n",
        "only-bom": "\ufeff",
        "only-newlines": "\n\n\n\r\n",
        "only-spaces": "   \n \t \n",
        "header-only": header + "\n",
        "header-twice": header + "\n" + header + "\n",
        "semicolon-and-comma": CANDIDATES_CSV.replace(",", ";", 5),
        "tabs": CANDIDATES_CSV.replace(",", "\t"),
        "quote-in-cell": CANDIDATES_CSV.replace("Cafe B", 'Cafe "B"'),
        "quoted-newline": CANDIDATES_CSV.replace("Cafe B", '"Cafe\nB"'),
        "stray-quote": CANDIDATES_CSV.replace("Cafe B", 'Ca"fe B'),
        "formula-cells": CANDIDATES_CSV.replace("Ann", "=cmd|' /C calc'!A0").replace(
            "Farm A", "@SUM(1+1)"
        ),
        "escaped-formula": CANDIDATES_CSV.replace("Ann", "'=1+1"),
        "control-chars": CANDIDATES_CSV.replace("Ann", "A\x01n\x1bn").replace("Bo", "B\x7fo"),
        "bidi-and-zero-width": CANDIDATES_CSV.replace("Ann", "A\u202enn\u200b"),
        "no-trailing-newline": CANDIDATES_CSV.rstrip("\n"),
        "blank-lines-between": CANDIDATES_CSV.replace("\np3", "\n\n\np3"),
        "duplicate-header-cells": header + "," + header + "\n",
        "only-commas-header": ",,,,,\np1,x,y,z,private\n",
    }
    for k, text in texts.items():
        yield Case(
            f"structure-candidates-{k}", "structure", "candidates", "candidates.csv", text.encode()
        )
    for k, text in {
        "ties-empty-cells": ",,\n,,\n",
        "ties-header-only": "a,b\n",
        "ties-self": "a,b\np1,p1\n",
        "ties-one-column": "a\np1\n",
    }.items():
        yield Case(f"structure-{k}", "structure", "ties", "ties.csv", text.encode())
    for k, text in {
        "empty-toml": "",
        "toml-only-comment": "# nothing\n",
        "toml-binary": "\x00\x01\x02",
        "toml-bad-unicode-escape": '[global]\nname = "\\uD800"\n',
        "toml-duplicate-key": '[global]\nname = "a"\nname = "b"\n',
    }.items():
        yield Case(f"structure-{k}", "structure", "networks", "networks.toml", text.encode())


def _json_types() -> Gen:
    docs: dict[str, object] = {
        "list-doc": [1, 2],
        "string-doc": "members",
        "members-list": {"members": ["p1"]},
        "members-numbers": {"members": {"a": [1, 2]}},
        "members-null": {"members": {"a": None}},
        "members-nested": {"members": {"a": [["p1"]]}},
        "members-empty-id": {"members": {"a": [""]}},
        "members-duplicate": {"members": {"a": ["p1", "p1"]}},
        "members-unknown": {"members": {"zz": ["p1"]}},
        "members-empty-network": {"members": {"": ["p1"]}},
        "slots-number": {"members": {"a": ["p1"]}, "slots": {"a": 5}},
        "slots-list": {"members": {"a": ["p1"]}, "slots": ["a"]},
        "slots-bad": {"members": {"a": ["p1"]}, "slots": {"a": "tuesday"}},
        "slots-upper": {"members": {"a": ["p1", "p2"]}, "slots": {"a": "TUE-EVENING"}},
        "slots-unknown-network": {"members": {"a": ["p1"]}, "slots": {"zz": "tue-evening"}},
        "slots-dict": {"members": {"a": ["p1"]}, "slots": {"a": {"x": 1}}},
    }
    for k, doc in docs.items():
        yield Case(
            f"json-composition-{k}",
            "json",
            "composition",
            "composition.json",
            json.dumps(doc).encode(),
        )
    plans: dict[str, object] = {
        "plan-list": [PLAN],
        "plan-network-string": {"network": "a"},
        "plan-network-numbers": {"network": [1, 2]},
        "plan-global-list": {**PLAN, "global": [1]},
        "plan-weights-string": {**PLAN, "weights": {"sector": "high"}},
        "plan-weights-bool": {**PLAN, "weights": {"sector": True}},
        "plan-tags-number": {"network": [{"name": "a", "tags": 5}]},
        "plan-assign-all-ja": {**PLAN, "global": {**PLAN["global"], "assign_all": "nej"}},
        "plan-name-number": {"network": [{"name": 5}]},
        "plan-null": {"network": None},
        "plan-key-number": {"network": [{"name": "a", "max_per": {"1": 1}}]},
    }
    for k, doc in plans.items():
        yield Case(f"json-{k}", "json", "networks", "networks.json", json.dumps(doc).encode())


def corpus(seed: int = 0, scale: int = 1) -> list[Case]:
    """The whole corpus (deterministic for a seed); ``scale`` multiplies the random families."""
    rng = random.Random(seed)
    cases = [
        *_byteflips(rng, 220 * scale),
        *_splices(rng, 80 * scale),
        *_truncations(rng, 80 * scale),
        *_encodings(),
        *_xlsx_cases(rng, 8 * scale),
        *_nesting(),
        *_huge_cells(),
        *_numbers(),
        *_structure(),
        *_json_types(),
    ]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


def sample(cases: list[Case], per_family: int, seed: int = 0) -> list[Case]:
    """A fixed sample: ``per_family`` cases of each family (chosen with ``seed``)."""
    rng = random.Random(seed)
    out: list[Case] = []
    for fam in FAMILIES:
        members = [c for c in cases if c.family == fam]
        out += rng.sample(members, min(per_family, len(members)))
    return out


# ---------------------------------------------------------------- the harness
def _message_problem(message: str) -> str | None:
    """What is wrong with an error message, if anything (length, raw control characters)."""
    try:
        from evocompose.limits import MAX_MESSAGE_CHARS
    except ImportError:  # an older evocompose (the baseline of benchmarks/fuzz/run.py)
        MAX_MESSAGE_CHARS = 4000

    if len(message) > MAX_MESSAGE_CHARS:
        return f"message of {len(message):,} characters"
    bad = [ch for ch in message if unicodedata.category(ch) == "Cc" and ch not in "\n"]
    if bad:
        return f"raw control character {bad[0]!r} in the message"
    return None


def _write_valid(folder: Path) -> dict[str, Path]:
    out = {}
    for label, (kind, name, data) in bases().items():
        if label in ("candidates.csv", "ties.csv", "networks.toml"):
            path = folder / name
            path.write_bytes(data)
            out[kind] = path
    return out


def _follow_through(problem: Any, backends: tuple[str, ...], folder: Path) -> str | None:
    """Write the problem back and read it again, then solve; the first failure, if any."""
    import evocompose as evo
    from evocompose.io import load_problem, write_problem

    for excel in (False, True):
        out = folder / f"roundtrip-{int(excel)}"
        files = write_problem(problem, out, excel=excel)
        again = load_problem(
            files["candidates"],
            files["ties"],
            files["networks"],
            dissimilarity=files.get("dissimilarity"),
        )
        if again != problem:
            return f"roundtrip (excel={excel}): the problem read back differs"
        write_problem(problem, folder / f"pseudo-{int(excel)}", excel=excel, pseudonymise=True)
    for backend in backends:
        try:
            result = evo.solve(problem, time_limit=0.5, seed=0, workers=1, solver=backend)
        except evo.EvocomposeError as exc:
            if getattr(exc, "unexpected", False):
                return f"solver {backend}: unexpected error: {exc}"
            continue  # a clear refusal (e.g. an infeasible rule the backend reports)
        if result.composition is not None and evo.check(problem, result.composition):
            return f"solver {backend}: the composition breaks a rule"
    return None


def _plain(comp: Any) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """A composition's members and its slots (a network without a slot may be left out)."""
    return dict(comp.members), {n: s for n, s in comp.slots.items() if s is not None}


def run_case(case: Case) -> Outcome:
    """Feed one case to its reader (in this process) and classify what happens."""
    import evocompose as evo
    from evocompose.io import load_problem, read_composition, write_composition

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        valid = _write_valid(folder)
        path = folder / "case" / case.name
        path.parent.mkdir()
        path.write_bytes(case.data)
        status, detail = "accepted", ""
        try:
            if case.kind == "composition":
                problem = load_problem(valid["candidates"], valid["ties"], valid["networks"])
                comp = read_composition(path, problem)
                evo.check(problem, comp)
                for suffix in (".csv", ".json", ".xlsx"):
                    back = read_composition(
                        write_composition(comp, folder / f"c{suffix}", problem), problem
                    )
                    if _plain(back) != _plain(comp):
                        status, detail = "roundtrip", f"composition via {suffix} differs"
            else:
                files = {**valid, case.kind: path}
                problem = load_problem(
                    files["candidates"],
                    files["ties"],
                    files["networks"],
                    dissimilarity=files.get("dissimilarity"),
                )
                failure = _follow_through(problem, case.backends, folder)
                if failure is not None:
                    status = "roundtrip" if failure.startswith("roundtrip") else "solver"
                    detail = failure
        except evo.EvocomposeError as exc:
            message = str(exc)
            problem_text = _message_problem(message)
            if getattr(exc, "unexpected", False):
                status, detail = "unexpected", message
            elif problem_text is not None:
                status, detail = "bad-message", f"{problem_text}: {message[:300]!r}"
            else:
                status, detail = "refused", message
        except Exception as exc:  # what the suite exists to find
            tb = traceback.format_exception(exc)
            kind = type(exc)
            name = kind.__qualname__
            if kind.__module__ != "builtins":
                name = f"{kind.__module__}.{name}"
            status, detail = "foreign", f"{name}: {str(exc)[:200]}\n{''.join(tb[-3:])}"
    return Outcome(case.id, case.family, case.kind, status, detail, time.perf_counter() - start)


def _worker(conn: Any, memory_bytes: int | None, package_root: str | None) -> None:
    """Child process: run the cases it is sent, send back outcomes."""
    import sys

    if package_root is not None:  # read with another checkout's evocompose
        sys.path.insert(0, package_root)

    if memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    while True:
        case = conn.recv()
        if case is None:
            return
        try:
            outcome = run_case(case)
            import evocompose

            outcome.extra["package"] = str(Path(evocompose.__file__).parent)
        except BaseException as exc:  # the harness itself must survive anything
            outcome = Outcome(case.id, case.family, case.kind, "foreign", f"harness: {exc!r}")
        import resource

        outcome.extra["peak_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        conn.send(outcome)


def run_isolated(
    cases: list[Case],
    *,
    timeout: float = 30.0,
    memory_bytes: int | None = 6 << 30,
    on_outcome: Callable[[Outcome], None] | None = None,
    package_root: str | None = None,
) -> list[Outcome]:
    """Run cases in a child process with a watchdog: a case over ``timeout`` seconds is a hang.

    A hung or crashed child is killed and replaced, and the run goes on. The child's
    address space is limited to ``memory_bytes`` (a runaway allocation then raises
    ``MemoryError`` instead of exhausting the machine). ``package_root`` runs the
    cases against the ``evocompose`` package of another checkout (e.g. ``../main``).
    """
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    outcomes: list[Outcome] = []

    def start() -> tuple[Any, Any]:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, memory_bytes, package_root), daemon=True)
        proc.start()
        return proc, parent

    proc, conn = start()
    for case in cases:
        t0 = time.perf_counter()
        conn.send(case)
        if conn.poll(timeout):
            try:
                outcome = conn.recv()
            except EOFError:
                outcome = Outcome(case.id, case.family, case.kind, "foreign", "the worker died")
                proc.join(1)
                proc, conn = start()
        else:
            outcome = Outcome(
                case.id, case.family, case.kind, "hang", f"no answer within {timeout:g} s"
            )
            proc.kill()
            proc.join(5)
            proc, conn = start()
        if not proc.is_alive():
            outcome = (
                outcome
                if outcome.status != "accepted"
                else Outcome(case.id, case.family, case.kind, "foreign", "the worker died")
            )
            proc, conn = start()
        outcome.extra["wall"] = time.perf_counter() - t0
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    conn.send(None)
    proc.join(5)
    return outcomes
