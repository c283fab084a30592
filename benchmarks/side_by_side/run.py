"""Two versions of evocompose side by side, in one run, on the same cases.

Used to show that a change of structure left behaviour as it was: the same
problems are solved by a baseline checkout (``--baseline``, e.g. a
``git worktree`` of the commit before the change) and by this checkout,
case by case and alternating which goes first, each case in a fresh
process (``PYTHONPATH`` points at the tree), through the public API only
(``evo.solve``, ``evo.handpick``, ``evo.improve``, ``mdgplib.read``), which
both versions share.

Cases:

* **composer**: Stevns n = 250, seeds 0-2, ``solver`` cpsat and auto, budgets
  1, 5 and 10 s (2 workers): objective and gap;
* **deterministic**: the same with ``deterministic=True`` (3 units; CP-SAT's
  deterministic time, a fixed number of search iterations), cpsat, search and
  auto, seeds 0-2: the compositions must be identical when the change kept
  behaviour;
* **mdgp**: MDGPLIB ``--quick`` (the first ss and ds instance of RanReal and
  Geo at n = 120 and 240), budgets 0.75 s and 5 s (the reference budgets x
  0.25), ``solver="search"``: gap to the best-known value;
* **handpicked**: Stevns seeds 0 and 1 (n = 250): one 3 s ``auto`` solve, the
  four hand-picking strategies (their objective, deterministic) and each
  improved with ``max_changes=8`` in 5 s (``—`` where no feasible
  composition lies within 8 changes).

Usage::

    git worktree add /tmp/base <commit>
    .venv/bin/python benchmarks/side_by_side/run.py --baseline /tmp/base [--label "before redesign"]

Prints a table and writes the section ``## Side by side`` of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))  # benchmarks/: results_md
from results_md import write_section  # noqa: E402

SECTION = "## Side by side"

CHILD = r"""
import json, sys
import evocompose as evo
from evocompose.datasets import mdgplib

case = json.loads(sys.argv[1])
kind = case["kind"]
out = {}
if kind == "composer":
    p = evo.datasets.stevns(seed=case["seed"], n=250)
    r = evo.solve(p, solver=case["solver"], time_limit=case["budget"], seed=0, workers=2)
    ok = r.composition is not None and evo.check(p, r.composition) == []
    out = {"objective": r.objective, "gap": r.gap, "feasible": ok}
elif kind == "deterministic":
    p = evo.datasets.stevns(seed=case["seed"], n=250)
    r = evo.solve(
        p, solver=case["solver"], time_limit=3, seed=0, workers=2, deterministic=True
    )
    out = {"objective": r.objective, "gap": r.gap}
elif kind == "mdgp":
    p = mdgplib.read(case["path"])
    r = evo.solve(p, solver="search", time_limit=case["budget"], seed=0, workers=2)
    bks = mdgplib.load_bks(case["bks"])[p.name]
    out = {"objective": r.objective, "gap": 100 * (bks - r.objective) / bks}
elif kind == "handpicked":
    p = evo.datasets.stevns(seed=case["seed"], n=250)
    hand = evo.handpick(p, strategy=case["strategy"], seed=0)
    out = {"objective": evo.improve(p, hand, max_changes=0).objective_before}
elif kind == "handpicked-improve":
    p = evo.datasets.stevns(seed=case["seed"], n=250)
    hand = evo.handpick(p, strategy=case["strategy"], seed=0)
    imp = evo.improve(p, hand, max_changes=8, time_limit=5, seed=0, workers=2)
    out = {"objective": imp.objective_after}
elif kind == "handpicked-solve":
    p = evo.datasets.stevns(seed=case["seed"], n=250)
    r = evo.solve(p, time_limit=3, seed=0, workers=2)
    out = {"objective": r.objective, "gap": r.gap}
print(json.dumps(out))
"""


def cases(bench: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for seed in (0, 1, 2):
        for solver in ("cpsat", "auto"):
            for budget in (1.0, 5.0, 10.0):
                out.append({"kind": "composer", "seed": seed, "solver": solver, "budget": budget})
    for seed in (0, 1, 2):
        for solver in ("cpsat", "search", "auto"):
            out.append({"kind": "deterministic", "seed": seed, "solver": solver})
    for s in ("RanReal", "Geo"):
        for n, budget in ((120, 0.75), (240, 5.0)):
            files = sorted((bench / "instances" / s).glob(f"{s}_n{n:03d}_*.txt"))
            for kind in ("_ss_", "_ds_"):
                path = next(f for f in files if kind in f.name)
                out.append(
                    {
                        "kind": "mdgp",
                        "path": str(path),
                        "bks": str(bench / "bks.csv"),
                        "budget": budget,
                    }
                )
    strategies = ("snowball", "prominent", "stereotype", "random")
    for seed in (0, 1):
        out.append({"kind": "handpicked-solve", "seed": seed})
        for strategy in strategies:
            out.append({"kind": "handpicked", "seed": seed, "strategy": strategy})
            out.append({"kind": "handpicked-improve", "seed": seed, "strategy": strategy})
    return out


def run_case(tree: Path, case: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(case)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def label(case: dict[str, Any]) -> str:
    kind = case["kind"]
    if kind == "composer":
        return f"composer seed {case['seed']} {case['solver']} {case['budget']:g} s"
    if kind == "deterministic":
        return f"deterministic seed {case['seed']} {case['solver']} 3 units"
    if kind == "mdgp":
        return f"mdgp {Path(case['path']).stem} {case['budget']:g} s"
    if kind == "handpicked":
        return f"handpicked seed {case['seed']} {case['strategy']}"
    if kind == "handpicked-improve":
        return f"handpicked seed {case['seed']} {case['strategy']} + improve(8) 5 s"
    return f"handpicked seed {case['seed']} auto 3 s"


def fmt(x: Any, digits: int = 2) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    return f"{x:,.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--baseline", type=Path, required=True, help="checkout of the older version")
    ap.add_argument("--label", default="baseline", help="name of the baseline in the table")
    ap.add_argument(
        "--bench-dir", type=Path, default=REPO.parent / "shared" / "benchmarks" / "mdgp"
    )
    ap.add_argument("--only", default="", help="comma-separated kinds to run (default all)")
    ap.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = ap.parse_args(argv)
    trees = {"base": args.baseline.resolve(), "new": REPO}
    todo = cases(args.bench_dir)
    if args.only:
        kinds = set(args.only.split(","))
        todo = [c for c in todo if c["kind"] in kinds or c["kind"].split("-")[0] in kinds]
    rows = []
    for k, case in enumerate(todo):
        order = ("base", "new") if k % 2 == 0 else ("new", "base")
        got = {who: run_case(trees[who], case) for who in order}
        rows.append((case, got["base"], got["new"]))
        b, n = got["base"], got["new"]
        print(
            f"{label(case):<58} {args.label}: {fmt(b.get('objective'))} "
            f"new: {fmt(n.get('objective'))}  {b.get('error', '')}{n.get('error', '')}",
            flush=True,
        )
    lines = [
        SECTION,
        "",
        f"Date: {dt.date.today().isoformat()}. Machine: {platform.node()} "
        f"({os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}). "
        f"Command: `.venv/bin/python benchmarks/side_by_side/run.py --baseline <checkout> "
        f'--label "{args.label}"`. Baseline: {args.label} ({trees["base"].name}); new: this '
        "checkout. Each case ran in a fresh process per version, alternating which went first; "
        "wall-clock budgets, so small differences are timing noise.",
        "",
        f"| case | objective ({args.label}) | objective (new) | new / {args.label} | "
        f"gap % ({args.label}) | gap % (new) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    ratios: dict[str, list[float]] = {}
    for case, b, n in rows:
        ob, on = b.get("objective"), n.get("objective")
        ratio = on / ob if ob and on else None
        if ratio is not None:
            ratios.setdefault(case["kind"].split("-")[0], []).append(ratio)
        gb, gn = b.get("gap"), n.get("gap")
        scale = 1.0 if case["kind"] == "mdgp" else 100.0
        lines.append(
            f"| {label(case)} | {fmt(ob)} | {fmt(on)} | {fmt(ratio, 4)} | "
            f"{fmt(None if gb is None else gb * scale, 3)} | "
            f"{fmt(None if gn is None else gn * scale, 3)} |"
        )
    lines += ["", "| cases | runs | mean new / baseline | min | max |", "|---|---:|---:|---:|---:|"]
    for kind, rs in ratios.items():
        lines.append(
            f"| {kind} | {len(rs)} | {sum(rs) / len(rs):.4f} | {min(rs):.4f} | {max(rs):.4f} |"
        )
    text = "\n".join(lines)
    print("\n" + text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
