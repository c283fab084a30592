"""Many solves: a Stevns sweep on three executors, and selection lotteries.

Writes three sections of ``benchmarks/RESULTS.md``:

* ``## Many solves: Stevns sweep on executors`` — the same 20-point sweep
  (``weights.relevance`` × ``network.food.max_size``) run one point at a time
  (``ThreadPoolExecutor(1)``), on 2 processes (``ProcessPoolExecutor(2)``)
  and on a local Dask cluster (2 worker processes, 1 thread each), with the
  wall-time ratios; every point with ``deterministic=True`` so the three
  runs solve exactly the same problems the same way.
* ``## Lottery: Stevns`` — maximin lotteries at tolerance 1, 2 and 5 %
  from one shared best composition: lowest probability, Gini and people
  with a chance, for the lottery and for the single best composition.
* ``## Lottery: pool of 500`` — the same on ``stevns(n=500)``.

Usage::

    .venv/bin/python benchmarks/many/run.py                 # everything
    .venv/bin/python benchmarks/many/run.py sweep --point-time 3
    .venv/bin/python benchmarks/many/run.py lottery --time 60
    .venv/bin/python benchmarks/many/run.py scale --time 120
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section

import evocompose as evo


def _machine() -> str:
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} logical CPUs (shared with other jobs: "
        f"timings are noisy), {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}, OR-Tools {version('ortools')}, evocompose {evo.__version__}"
    )


def _head(title: str, command: str) -> list[str]:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"## {title}",
        "",
        f"* Date: {now}",
        f"* Machine: {_machine()}",
        f"* Command: `{command}`",
    ]


def run_sweep(point_time: float) -> str:
    p = evo.datasets.stevns()
    vary = {
        "weights.relevance": [2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0],
        "network.food.max_size": [12, 14],
    }
    runs: list[tuple[str, float, Any]] = []

    def timed(label: str, executor: Any) -> None:
        t = time.perf_counter()
        df = evo.sweep(
            p, vary, time_limit=point_time, executor=executor, deterministic=True, progress=False
        )
        runs.append((label, time.perf_counter() - t, df))
        print(f"{label}: {runs[-1][1]:.1f} s", flush=True)

    with ThreadPoolExecutor(1) as pool:
        timed("serial (1 thread)", pool)
    with ProcessPoolExecutor(2) as pool:
        timed("2 processes", pool)
    try:
        import distributed

        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            timed("Dask LocalCluster (2 workers)", client.get_executor())
    except ImportError:
        print("dask is not installed: pip install 'evocompose[dask]'")
    serial = runs[0][1]
    base = runs[0][2]
    lines = _head(
        "Many solves: Stevns sweep on executors",
        f".venv/bin/python benchmarks/many/run.py sweep --point-time {point_time:g}",
    )
    lines += [
        f"* Sweep: `evo.sweep(stevns(), {{'weights.relevance': 2..20 step 2, "
        f"'network.food.max_size': [12, 14]}}, time_limit={point_time:g}, deterministic=True)` "
        "(20 points, 1 CP-SAT/auto thread each).",
        "* Same compositions: whether each run returned exactly the compositions of the serial run "
        "(deterministic time makes them reproducible; a mismatch would point at the executor).",
        "",
        "| executor | wall time (s) | serial / this | points solved | same compositions |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for label, seconds, df in runs:
        solved = int((df["status"] != "ERROR").sum())
        same = all(
            (a is None and b is None)
            or (a is not None and b is not None and a.composition == b.composition)
            for a, b in zip(base["result"], df["result"], strict=True)
        )
        lines.append(
            f"| {label} | {seconds:.1f} | {serial / seconds:.2f} | {solved} | {'yes' if same else 'no'} |"
        )
    objs = base[
        ["weights.relevance", "network.food.max_size", "objective", "term:relevance", "term:sector"]
    ]
    lines += [
        "",
        "Points (serial run):",
        "",
        "| relevance weight | food max size | objective | relevance | sector pairs |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in objs.itertuples(index=False):
        lines.append(f"| {r[0]:g} | {r[1]} | {r[2]:,.1f} | {r[3]:.2f} | {r[4]:.0f} |")
    return "\n".join(lines) + "\n"


def _lottery_rows(
    p: evo.Problem, best: evo.Result, tolerances: list[float], seconds: float
) -> list[str]:
    rows = []
    for tol in tolerances:
        t = time.perf_counter()
        lot = evo.lottery(p, tolerance=tol, time_limit=seconds, best=best, progress=False)
        wall = time.perf_counter() - t
        f = lot.figures()
        lo, bc = f["lottery"], f["best composition"]
        upper = "proven" if lot.proven else (f"≤ {lot.upper:.1%}" if lot.upper is not None else "–")
        rows.append(
            f"| {tol:.0%} | {len(lot.suitable)} | {len(lot.undecided)} | {len(lot.unsuitable)} | "
            f"{len(lot.compositions)} | {lo['minimum']:.1%} | {upper} | {lo['gini']:.3f} | "
            f"{bc['gini']:.3f} | {lo['nonzero']:.0f} | {bc['nonzero']:.0f} | {wall:.1f} |"
        )
        print(rows[-1], flush=True)
        for comp in lot.compositions:
            assert evo.check(p, comp) == []
    return rows


_TABLE = [
    "| tolerance | suitable | undecided | not suitable | compositions | lowest chance | best possible | Gini (lottery) | Gini (best alone) | with a chance (lottery) | with a chance (best alone) | runtime (s) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
]


def run_lottery(seconds: float, best_seconds: float) -> str:
    p = evo.datasets.stevns()
    best = evo.solve(p, time_limit=best_seconds, workers=2)
    lines = _head(
        "Lottery: Stevns", f".venv/bin/python benchmarks/many/run.py lottery --time {seconds:g}"
    )
    lines += [
        f"* Best composition: `solve(stevns(), time_limit={best_seconds:g}, workers=2)`: objective "
        f"{best.objective:,.1f}, bound {best.bound:,.1f} ({best.status}); every lottery starts "
        f"from it (`best=`) with `time_limit={seconds:g}`, maximin.",
        "* Suitable: placed by some composition within the tolerance; undecided: neither placed nor "
        "proven out in the time; Gini and 'with a chance' are over the suitable people, for the "
        "lottery and for the single best composition alone (probability 1 for its members, 0 for "
        "the others). 'best possible': the proven upper bound on the lowest chance.",
        "",
        *_TABLE,
    ]
    lines += _lottery_rows(p, best, [0.01, 0.02, 0.05], seconds)
    return "\n".join(lines) + "\n"


def run_scale(seconds: float, best_seconds: float) -> str:
    p = evo.datasets.stevns(seed=3, n=500)
    best = evo.solve(p, time_limit=best_seconds, workers=2)
    lines = _head(
        "Lottery: pool of 500", f".venv/bin/python benchmarks/many/run.py scale --time {seconds:g}"
    )
    lines += [
        f"* `stevns(seed=3, n=500)`, the four Stevns networks; best composition from "
        f"`solve(time_limit={best_seconds:g}, workers=2)`: objective {best.objective:,.1f} "
        f"({best.status}); lottery maximin, tolerance 5 %, `time_limit={seconds:g}`.",
        "* For comparison (issue #13): sortition-algorithms selects *one* panel of 75 from 500 "
        "in 42–148 s with Gurobi; here a composition is four networks with overlapping membership.",
        "",
        *_TABLE,
    ]
    lines += _lottery_rows(p, best, [0.05], seconds)
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("what", nargs="?", default="all", choices=["all", "sweep", "lottery", "scale"])
    ap.add_argument("--point-time", type=float, default=3.0)
    ap.add_argument("--time", type=float, default=60.0)
    ap.add_argument("--best-time", type=float, default=30.0)
    args = ap.parse_args()
    if args.what in ("all", "sweep"):
        write_section(run_sweep(args.point_time))
    if args.what in ("all", "lottery"):
        write_section(run_lottery(args.time, args.best_time))
    if args.what in ("all", "scale"):
        write_section(
            run_scale(max(args.time, 120.0) if args.what == "all" else args.time, args.best_time)
        )


if __name__ == "__main__":
    main()
