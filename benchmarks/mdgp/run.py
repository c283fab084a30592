"""Run the MDGP search engine on MDGPLIB and record gaps to the best-known values.

Examples
--------
Full protocol (RanReal and Geo, n = 120, 240, 480, budgets 3/20/120 s, one instance
at a time with two search threads, i.e. the reference 2 cores)::

    .venv/bin/python benchmarks/mdgp/run.py

``--jobs 2 --workers 1`` runs two instances at once, single-threaded (half the
wall-clock time, half the search per instance).

Quick smoke run (2 instances per set and size, budgets scaled by 0.25)::

    .venv/bin/python benchmarks/mdgp/run.py --quick

The tables are printed and written to the ``## MDGPLIB`` section of
``benchmarks/RESULTS.md`` (other sections are left untouched). Solutions better than
the best-known value are saved to ``benchmarks/mdgp/new_bks/<instance>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import re
import shlex
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from evocompose.datasets.mdgplib import (  # noqa: E402
    default_benchmark_dir,
    load_bks,
    parse_mdgplib,
)
from evocompose.solvers.search.mdgp import solve_mdgp  # noqa: E402

BUDGETS = {120: 3.0, 240: 20.0, 480: 120.0, 960: 600.0}
SECTION = "## MDGPLIB"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section  # noqa: E402

TIE_PCT = 1e-5  # |gap| below this (in %) is a tie with the published 6-decimal value


def _instances(bench: Path, sets: list[str], sizes: list[int], quick: bool) -> list[Path]:
    out: list[Path] = []
    for s in sets:
        for n in sizes:
            files = sorted((bench / "instances" / s).glob(f"{s}_n{n:03d}_*.txt"))
            if quick:
                ss = [f for f in files if "_ss_" in f.name][:1]
                ds = [f for f in files if "_ds_" in f.name][:1]
                files = ss + ds
            out.extend(files)
    return out


def _run_one(path: str, budget: float, seed: int, workers: int) -> dict[str, Any]:
    inst = parse_mdgplib(path)
    res = solve_mdgp(inst.D, inst.lb, inst.ub, time_limit=budget, seed=seed, workers=workers)
    size = np.bincount(res.assignment, minlength=inst.m)
    feasible = bool(np.all(size >= inst.lb) and np.all(size <= inst.ub))
    return {
        "name": inst.name,
        "n": inst.n,
        "value": res.value,
        "runtime": res.runtime,
        "iterations": res.iterations,
        "feasible": feasible,
        "assignment": res.assignment.tolist(),
    }


def _table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| instance | value | bks | gap % | time s | iterations |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        gap = "n/a" if r["gap"] is None else f"{r['gap']:.4f}"
        bks = "n/a" if r["bks"] is None else f"{r['bks']:.3f}"
        lines.append(
            f"| {r['name']} | {r['value']:.3f} | {bks} | {gap} | {r['runtime']:.1f} "
            f"| {r['iterations']} |"
        )
    return lines


def _summary(rows: list[dict[str, Any]], budgets: dict[int, float]) -> list[str]:
    lines = [
        "| set | n | budget s | instances | mean gap % | worst gap % | better than bks |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["name"].split("_")[0], r["n"]), []).append(r)
    for (s, n), rs in sorted(groups.items()):
        gaps = [r["gap"] for r in rs if r["gap"] is not None]
        mean = f"{np.mean(gaps):.4f}" if gaps else "n/a"
        worst = f"{np.max(gaps):.4f}" if gaps else "n/a"
        better = sum(1 for g in gaps if g < -TIE_PCT)
        lines.append(f"| {s} | {n} | {budgets[n]:g} | {len(rs)} | {mean} | {worst} | {better} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sets", default="RanReal,Geo", help="comma-separated sets")
    ap.add_argument("--sizes", default="120,240,480", help="comma-separated n values")
    ap.add_argument("--quick", action="store_true", help="1 ss + 1 ds instance per set and size")
    ap.add_argument("--budget-scale", type=float, default=None, help="multiply the budgets")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="instances run in parallel processes")
    ap.add_argument("--workers", type=int, default=2, help="search threads per instance")
    ap.add_argument("--bench-dir", type=Path, default=None)
    ap.add_argument("--results", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    ap.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = ap.parse_args(argv)

    bench = args.bench_dir or default_benchmark_dir()
    if not bench.is_dir():
        print(f"benchmark directory not found: {bench}", file=sys.stderr)
        return 2
    scale = args.budget_scale if args.budget_scale is not None else (0.25 if args.quick else 1.0)
    sets = [s for s in args.sets.split(",") if s]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    budgets = {n: BUDGETS[n] * scale for n in sizes}
    bks = load_bks(bench / "bks.csv")
    files = _instances(bench, sets, sizes, args.quick)
    if not files:
        print("no instances selected", file=sys.stderr)
        return 2

    # Load (or compile) the numba kernels once, outside the timed runs.
    _warm = np.random.default_rng(0).random((12, 12))
    solve_mdgp(_warm + _warm.T, [2, 2, 2], [6, 6, 6], time_limit=1.0, max_iterations=50)
    load_start = os.getloadavg()

    rows: list[dict[str, Any]] = []
    jobs = [
        (str(f), budgets[int(f.name.split("_")[1][1:])], args.seed, args.workers) for f in files
    ]

    def record(r: dict[str, Any]) -> None:
        b = bks.get(r["name"])
        r["bks"] = b
        r["gap"] = None if b is None else 100.0 * (b - r["value"]) / b
        rows.append(r)
        gap = "n/a" if r["gap"] is None else f"{r['gap']:.4f}%"
        flag = "" if r["feasible"] else "  INFEASIBLE"
        print(
            f"{r['name']:<22} value={r['value']:.3f} bks={b} gap={gap} "
            f"time={r['runtime']:.1f}s it={r['iterations']}{flag}",
            flush=True,
        )
        if r["gap"] is not None and r["gap"] < -TIE_PCT and r["feasible"]:
            out = HERE / "new_bks"
            out.mkdir(exist_ok=True)
            target = out / f"{r['name']}.txt"
            old = re.search(r" value (\S+) ", target.read_text()) if target.exists() else None
            if old is not None and float(old.group(1)) >= r["value"]:
                return  # a better (or equal) solution is already stored
            target.write_text(
                f"# {r['name']} value {r['value']:.6f} (bks {b:.6f}), seed {args.seed}\n"
                + "\n".join(str(g) for g in r["assignment"])
                + "\n",
                encoding="utf-8",
            )

    if args.jobs <= 1:
        for j in jobs:
            record(_run_one(*j))
    else:
        jobs.sort(key=lambda j: -j[1])  # longest budgets first balances the workers
        with ProcessPoolExecutor(max_workers=args.jobs) as ex:
            for r in ex.map(_run_one, *zip(*jobs, strict=True)):
                record(r)

    load_end = os.getloadavg()
    rows.sort(key=lambda r: (r["name"].split("_")[0], r["n"], r["name"]))
    summary = _summary(rows, budgets)
    print("\n".join(summary))

    if not args.no_write:
        cmd = " ".join(shlex.quote(a) for a in [".venv/bin/python", "benchmarks/mdgp/run.py"])
        extra = " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
        budget_note = ", ".join(f"n={n}: {b:g} s" for n, b in budgets.items())
        body = "\n".join(
            [
                f"Date: {_dt.datetime.now().isoformat(timespec='seconds')}  ",
                f"Machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
                f"{os.cpu_count()} CPUs ({args.workers} search thread(s) per instance, "
                f"{args.jobs} instance(s) at a time)  ",
                f"Command: `{cmd}{(' ' + extra) if extra else ''}`  ",
                f"Budgets per instance: {budget_note}"
                + (" (reduced: --quick/--budget-scale)" if scale != 1.0 else " (reference)")
                + f"; one run per instance, seed {args.seed}.  ",
                "Load average (1/5/15 min) at start: "
                + " / ".join(f"{x:.2f}" for x in load_start)
                + ", at end: "
                + " / ".join(f"{x:.2f}" for x in load_end)
                + " (2 CPUs shared with other work).  ",
                "Gap % = 100 (bks - value) / bks; negative = better than the best-known value "
                "(assignment saved in `benchmarks/mdgp/new_bks/`).",
                "",
                *summary,
                "",
                "<details><summary>Per instance</summary>",
                "",
                *_table(rows),
                "",
                "</details>",
            ]
        )
        args.results.parent.mkdir(parents=True, exist_ok=True)
        write_section(f"{SECTION}\n\n{body}", args.results)
        print(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
