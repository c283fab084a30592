"""Hand-picked versus evocompose: the four simulated hand-picking strategies against the solver.

For each instance (the Stevns example and generated pools ``stevns(seed=k, n=...)``):

1. compose with :func:`evocompose.solve` in a fixed budget (``--time-limit``,
   ``--workers``);
2. simulate each hand-picking strategy (:func:`evocompose.handpicked.handpick`);
3. if :mod:`evocompose.improve` exists, improve each hand-picked proposal with
   ``improve(problem, handpicked, max_changes=3)``;
4. score everything with :func:`evocompose.compare.compare`.

It prints, and writes into ``benchmarks/RESULTS.md`` (section
``## Hand-picked vs evocompose``, replaced on each run; the rest of the file
is kept), one table per strategy: the yardsticks averaged over the instances
for hand-picked, evocompose and improved, and the mean per-instance ratios
against hand-picked.

Usage::

    .venv/bin/python benchmarks/handpicked/run.py --quick   # 2 pools, 3 s
    .venv/bin/python benchmarks/handpicked/run.py           # 6 pools, 10 s
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

import evocompose as evo
from evocompose.compare import compare
from evocompose.datasets.stevns_generator import stevns
from evocompose.handpicked import STRATEGIES, handpick
from evocompose.solve import solve

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Hand-picked vs evocompose"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import RESULTS, write_section  # noqa: E402

#: Yardstick rows of the tables (scorecard name -> display name).
ROWS: dict[str, str] = {
    "violations": "rule violations",
    "blau_sector_mean": "Blau sector",
    "blau_actor_type_mean": "Blau actor type",
    "mean_pairwise_distance": "mean pairwise diversity",
    "new_cross_sector_ties": "new cross-sector ties",
    "ei_index_mean": "E-I index",
    "relevance_mean": "relevance mean",
    "objective": "objective",
    "percentile: objective": "objective percentile (null)",
}
FULL_POOLS = ((1, 100), (2, 250), (3, 400), (4, 600), (5, 800), (6, 1000))
QUICK_POOLS = ((1, 100), (2, 400))
#: Change budgets tried by improve(), smallest first.
CHANGE_STEPS = (3, 6, 10, 15, 25)


def load_instances(pools: tuple[tuple[int, int], ...]) -> list[tuple[str, evo.Problem]]:
    """The Stevns example (from ``examples/stevns`` when present) and generated pools."""
    out: list[tuple[str, evo.Problem]] = []
    ex = ROOT / "examples" / "stevns"
    files = {k: sorted(ex.glob(f"*{k}*")) for k in ("candidates", "ties", "networks")}
    if all(files.values()):
        from evocompose.io import load_problem

        problem = load_problem(
            candidates=files["candidates"][0], ties=files["ties"][0], networks=files["networks"][0]
        )
        out.append(("examples/stevns", problem))
    else:
        out.append(("stevns(seed=0, n=250)", stevns(seed=0, n=250)))
    for seed, n in pools:
        out.append((f"stevns(seed={seed}, n={n})", stevns(seed=seed, n=n)))
    return out


def improver() -> Any | None:
    """``evocompose.improve.improve`` when that module exists."""
    try:
        mod = importlib.import_module("evocompose.improve")
    except ImportError:
        return None
    return getattr(mod, "improve", None)


def run(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame]:
    pools = QUICK_POOLS if args.quick else FULL_POOLS
    improve = improver()
    long_rows: list[dict[str, Any]] = []
    inst_rows: list[dict[str, Any]] = []
    for name, problem in load_instances(pools):
        t0 = time.perf_counter()
        result = solve(problem, time_limit=args.time_limit, seed=0, workers=args.workers)
        solve_s = time.perf_counter() - t0
        inst = {
            "instance": name,
            "candidates": len(problem.pool),
            "status": str(result.status),
            "objective": result.objective,
            "gap": result.gap,
            "solve_s": round(solve_s, 1),
        }
        comps: dict[str, evo.Composition | evo.Result] = {}
        if result.composition is not None:
            comps["evocompose"] = result
        for strategy in STRATEGIES:
            hand = handpick(problem, strategy, seed=0)
            comps[f"hand:{strategy}"] = hand
            if improve is not None:
                # k = 3 first; a proposal that breaks many rules may need more changes
                # before every rule holds, so try larger k and record the first that works.
                for k in CHANGE_STEPS:
                    try:
                        better = improve(problem, hand, max_changes=k, workers=args.workers)
                    except Exception as exc:  # a benchmark reports, it does not stop
                        print(f"  improve({strategy}) failed on {name}: {exc}", file=sys.stderr)
                        break
                    if better.composition is not None:
                        inst[f"k:{strategy}"] = k
                        comps[f"improved:{strategy}"] = better.composition
                        break
                else:
                    inst[f"k:{strategy}"] = f">{CHANGE_STEPS[-1]}"
        card = compare(
            problem, comps, null_samples=args.null_samples, seed=0, null_rows=["objective"]
        )
        for label in card.labels:
            for row in ROWS:
                if row in card.frame.index:
                    long_rows.append(
                        {
                            "instance": name,
                            "label": label,
                            "row": row,
                            "value": card.frame.loc[row, label],
                        }
                    )
        inst_rows.append(inst)
        viol = card.frame.loc["violations"].to_dict()
        print(
            f"{name}: {result.status} objective {result.objective} in {solve_s:.1f} s; "
            + ", ".join(f"{lab} {viol[lab]:.0f} viol." for lab in card.labels),
            flush=True,
        )
    return pd.DataFrame(long_rows), pd.DataFrame(inst_rows)


def tables(long: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One table per strategy: mean value per yardstick and mean per-instance ratio vs hand-picked."""
    wide = long.pivot_table(
        index=["instance", "row"], columns="label", values="value", aggfunc="first"
    )
    out: dict[str, pd.DataFrame] = {}
    for strategy in STRATEGIES:
        hand = f"hand:{strategy}"
        cols = {"hand-picked": hand, "evocompose": "evocompose", "improved": f"improved:{strategy}"}
        cols = {k: v for k, v in cols.items() if v in wide.columns}
        table: dict[str, dict[str, float]] = {}
        # Compare on the same instances only: those where every column has a value.
        paired = wide.xs("objective", level="row")[list(cols.values())].dropna().index
        table["instances"] = dict.fromkeys(cols, float(len(paired)))
        for row, display in ROWS.items():
            if row not in wide.index.get_level_values("row"):
                continue
            sub = wide.xs(row, level="row").loc[paired]
            entry = {k: float(sub[v].mean()) for k, v in cols.items()}
            for k in ("evocompose", "improved"):
                if k in cols and not row.startswith("percentile"):
                    base = sub[hand].replace(0.0, math.nan)
                    ratio = (sub[cols[k]] / base).dropna()
                    entry[f"{k} / hand"] = float(ratio.mean()) if len(ratio) else math.nan
            table[display] = entry
        out[strategy] = pd.DataFrame(table).T
    return out


def fmt(v: object) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "–"
        if v.is_integer():
            return f"{v:,.0f}"
        return f"{v:,.3f}" if abs(v) < 100 else f"{v:,.0f}"
    return str(v)


def markdown(frame: pd.DataFrame, index_name: str = "") -> str:
    cols = [index_name, *map(str, frame.columns)]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in frame.iterrows():
        lines.append("| " + " | ".join([str(idx), *(fmt(v) for v in row.tolist())]) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return (
        f"{cpu}, {os.cpu_count()} logical CPUs (shared with other jobs), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"OR-Tools {version('ortools')}, evocompose {evo.__version__}"
    )


def section(
    args: argparse.Namespace, tabs: dict[str, pd.DataFrame], inst: pd.DataFrame, cmd: str
) -> str:
    improve = improver() is not None
    parts = [
        SECTION,
        "",
        f"* Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"* Machine: {machine()}",
        f"* Command: `{cmd}`",
        f"* Budget: `solve(time_limit={args.time_limit}, workers={args.workers}, seed=0)` per instance; "
        f"hand-picking `handpick(problem, strategy, seed=0)`; "
        + (
            "improved = `improve(problem, handpicked, max_changes=k)` with the smallest k in "
            f"{CHANGE_STEPS} for which a composition keeping every rule exists "
            "(column `k:<strategy>` in the instance table)."
            if improve
            else "`evocompose.improve` was not available, so there is no improved column."
        ),
        f"* Objective percentile: against {args.null_samples} random size-respecting compositions "
        "(`evocompose.compare.null_compositions`).",
        "* Values are means over the instances where every column has a composition (the solver "
        "may find none in the budget; `instances` counts them); `x / hand` is the mean over those "
        "instances of the per-instance ratio to the hand-picked value (instances where the "
        "hand-picked value is 0 are left out of the ratio).",
        "",
        "Instances:",
        "",
        markdown(inst.set_index("instance"), "instance"),
        "",
    ]
    for strategy, table in tabs.items():
        parts += [f"### Hand-picked by `{strategy}`", "", markdown(table, "yardstick"), ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 generated pools and a 3 s budget")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per solve")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--null-samples", type=int, default=200)
    parser.add_argument(
        "--no-write", action="store_true", help="print only, leave RESULTS.md alone"
    )
    args = parser.parse_args(argv)
    if args.time_limit is None:
        args.time_limit = 3.0 if args.quick else 10.0
    cmd = " ".join(
        [
            ".venv/bin/python",
            "benchmarks/handpicked/run.py",
            *(argv if argv is not None else sys.argv[1:]),
        ]
    )
    long, inst = run(args)
    tabs = tables(long)
    text = section(args, tabs, inst, cmd)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"wrote section {SECTION!r} in {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
