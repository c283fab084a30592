"""Fuzz the readers: the whole generated corpus of damaged files (``make fuzz``).

Generates the corpus of ``tests/fuzzing.py`` (at least 1,000 files: byte flips,
splices, truncation, encodings, damaged XLSX, deep nesting, huge cells, huge
numbers, broken structure, wrong JSON types) and feeds each file to its reader
in a child process with a watchdog: a case that gives no answer within
``--timeout`` seconds is a hang, the child is killed and replaced. An accepted
input is written back, read again to an equal problem and solved (``numbers``
cases by CP-SAT, the local search and ``auto``; the others by CP-SAT), and the
composition must pass ``check``.

Prints a table per family and writes the section ``## Fuzzing the readers`` of
``docs/reliability.md``. Exits with status 1 when any case raised a foreign
exception, hung, was refused only by the readers' last-resort boundary, broke a
message rule, did not read back equal, or failed in a solver.

With ``--baseline ../main`` the same corpus also runs, in the same invocation,
against the ``evocompose`` package of another checkout (the code before a
change), and both tables are written side by side: the corpus shows what it
catches.

Usage::

    .venv/bin/python benchmarks/fuzz/run.py                        # the whole corpus, writes the docs
    .venv/bin/python benchmarks/fuzz/run.py --baseline ../main     # ... and the same files before
    .venv/bin/python benchmarks/fuzz/run.py --limit 100            # a quick look, writes nothing
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))  # results_md
sys.path.insert(0, str(ROOT / "tests"))  # fuzzing (and the valid files of conftest)
import fuzzing  # noqa: E402
from results_md import write_section  # noqa: E402

RELIABILITY = ROOT / "docs" / "reliability.md"
SECTION = "## Fuzzing the readers"
BAD = ("foreign", "hang", "unexpected", "bad-message", "roundtrip", "solver")
STATUSES = ("accepted", "refused", *BAD)
INTRO = """# Reliability

How evocompose is tested beyond its unit tests, and what the figures were when
last measured. Each section is written by the script it names.
"""


def table(outcomes: list[fuzzing.Outcome]) -> list[str]:
    rows = [
        "| family | files | " + " | ".join(STATUSES) + " | slowest s | mean s |",
        "|---|" + "---|" * (len(STATUSES) + 3),
    ]
    groups = [*fuzzing.FAMILIES, "all"]
    for fam in groups:
        sel = [o for o in outcomes if fam == "all" or o.family == fam]
        if not sel:
            continue
        counts = Counter(o.status for o in sel)
        walls = [float(o.extra.get("wall", o.seconds)) for o in sel]
        name = f"**{fam}**" if fam == "all" else fam
        rows.append(
            f"| {name} | {len(sel):,} | "
            + " | ".join(f"{counts.get(s, 0):,}" for s in STATUSES)
            + f" | {max(walls):.2f} | {sum(walls) / len(walls):.3f} |"
        )
    return rows


def _commit(root: Path) -> str:
    """Short commit of a checkout, or '' when it is not a git worktree."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--scale", type=int, default=1, help="multiply the random families")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a hang")
    parser.add_argument("--limit", type=int, default=0, help="run only this many (no docs)")
    parser.add_argument(
        "--baseline",
        default=None,
        metavar="CHECKOUT",
        help="also run the corpus against the evocompose package of this checkout (e.g. ../main)",
    )
    args = parser.parse_args()

    cases = fuzzing.corpus(seed=args.seed, scale=args.scale)
    if args.limit:
        cases = fuzzing.sample(cases, max(1, args.limit // len(fuzzing.FAMILIES)), seed=1)
    print(f"{len(cases):,} damaged files; watchdog {args.timeout:g} s per file", flush=True)
    start = time.perf_counter()
    done = [0]

    def report(o: fuzzing.Outcome) -> None:
        done[0] += 1
        if o.status in BAD:
            print(f"  {o.status:<12} {o.id}: {o.detail[:400]}", flush=True)
        if done[0] % 100 == 0:
            print(f"  ... {done[0]:,} of {len(cases):,}", flush=True)

    outcomes = fuzzing.run_isolated(cases, timeout=args.timeout, on_outcome=report)
    elapsed = time.perf_counter() - start
    counts = Counter(o.status for o in outcomes)
    peak = max((int(o.extra.get("peak_kib", 0)) for o in outcomes), default=0)
    rows = table(outcomes)
    print("\n".join(rows))
    print(f"{elapsed:.0f} s; worker peak memory {peak / 1024:,.0f} MiB")

    base_rows: list[str] = []
    base_counts: Counter[str] = Counter()
    base_label = ""
    if args.baseline:
        root = Path(args.baseline).resolve()
        commit = _commit(root)
        base_label = f"`{args.baseline}` ({commit})" if commit else f"`{args.baseline}`"
        print(f"\nthe same files against {base_label}", flush=True)
        quiet = [0]

        def count(o: fuzzing.Outcome) -> None:
            quiet[0] += 1
            if quiet[0] % 200 == 0:
                print(f"  ... {quiet[0]:,} of {len(cases):,}", flush=True)

        before = fuzzing.run_isolated(
            cases, timeout=args.timeout, on_outcome=count, package_root=str(root)
        )
        used = {str(o.extra.get("package", "")) for o in before} - {""}
        assert all(u.startswith(str(root)) for u in used), f"baseline ran {used}"
        base_counts = Counter(o.status for o in before)
        base_rows = table(before)
        kinds = Counter(
            o.detail.split(":", 1)[0] for o in before if o.status == "foreign"
        ).most_common()
        print("\n".join(base_rows))
        print("foreign exception types:", ", ".join(f"{k} {n}" for k, n in kinds))
        base_rows += [
            "",
            "Foreign exception types before: " + ", ".join(f"`{k}` {n}" for k, n in kinds) + "."
            if kinds
            else "",
        ]

    if not args.limit:
        bad = sum(counts.get(s, 0) for s in BAD)
        text = [
            SECTION,
            "",
            f"* Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            f"* Machine: {platform.machine()}, {os.cpu_count()} logical CPUs (shared with other "
            f"jobs), {platform.system()} {platform.release()}, Python {platform.python_version()}",
            f"* Command: `.venv/bin/python benchmarks/fuzz/run.py` (`make fuzz`; seed {args.seed},"
            f" scale {args.scale}, watchdog {args.timeout:g} s per file)",
            f"* Corpus: {len(outcomes):,} damaged files generated by `tests/fuzzing.py` from the "
            "valid test files (candidates, ties, plan as TOML and JSON, dissimilarity square "
            "and pairs, compositions as CSV, JSON and XLSX); a fixed sample of 4 per family "
            "runs in `make test` (`tests/test_fuzz_sample.py`).",
            f"* Result: **{counts.get('foreign', 0)} foreign exceptions, {counts.get('hang', 0)} "
            f"hangs**, {bad} failures in all; {counts.get('refused', 0):,} files refused with a "
            f"specific message, {counts.get('accepted', 0):,} read, written back and read again "
            "to an equal problem, and solved (the composition passing `check`).",
            f"* Time: {elapsed:.0f} s in all; worker peak memory {peak / 1024:,.0f} MiB "
            "(resident set size of the child process running the readers).",
            "",
            "Columns: *accepted* = read, round trip equal, solved; *refused* = an "
            "`EvocomposeError` with a specific message (file, place, value, fix; at most 4,000 "
            "characters, no raw control characters); *unexpected* = refused only by the "
            "readers' last-resort boundary (`evocompose/io/_boundary.py`); *foreign* = any "
            "other exception; *bad-message*, *roundtrip*, *solver* = a message, a write-back or "
            "a backend that broke its rule; *hang* = no answer within the watchdog. The "
            "slowest and mean columns are wall seconds per file, follow-through included.",
            "",
            *rows,
            "",
        ]
        if base_rows:
            text += [
                f"The same files against {base_label}, the code before issue 15, in the same "
                f"run: **{base_counts.get('foreign', 0)} foreign exceptions, "
                f"{base_counts.get('hang', 0)} hangs**, "
                f"{sum(base_counts.get(s, 0) for s in BAD)} failures in all:",
                "",
                *base_rows,
                "",
            ]
        if not RELIABILITY.exists():
            RELIABILITY.write_text(INTRO, encoding="utf-8")
        write_section("\n".join(text), RELIABILITY)
        print(f"wrote {RELIABILITY.relative_to(ROOT)}")
    return 1 if any(counts.get(s, 0) for s in BAD) else 0


if __name__ == "__main__":
    sys.exit(main())
