"""Side by side: ``auto`` on Stevns with and without the neighbourhood search in its last phase.

On the network-by-network path with two workers, ``auto``'s last phase
runs CP-SAT on the full model (for the bound) and, beside it, the same
model limited to compositions at most ``NEIGHBOURHOOD_CHANGES`` member
changes from the start (see ``evocompose.solvers.auto._final_phase``).
This script solves Stevns datasets with ``time_limit`` seconds and two
workers, once with that neighbourhood and once with all the workers on the
full model (``NEIGHBOURHOOD_CHANGES = 0``), alternating the two for each
solver seed, each run in a fresh process (no warm caches, no shared
state), and reports objective, bound and gap per run and per dataset.
Every composition is checked with :func:`evocompose.check.check`.

Usage::

    .venv/bin/python benchmarks/composer/neighbourhood.py [--datasets 0,1,2]
        [--seeds 0-4] [--budget 10] [--no-write]

Writes the section ``## Composer: the neighbourhood beside the full model``
of ``benchmarks/RESULTS.md``.
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

SECTION = "## Composer: the neighbourhood beside the full model"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section  # noqa: E402

#: One run, in a fresh interpreter: prints one JSON line.
RUN = """
import json, sys, time
import evocompose.solvers.auto as auto
from evocompose.check import check
from evocompose.datasets import stevns
from evocompose.solve import solve
dataset, seed, changes, budget = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
auto.NEIGHBOURHOOD_CHANGES = changes
problem = stevns(seed=dataset)
start = time.perf_counter()
r = solve(problem, time_limit=budget, seed=seed, workers=2, diagnose=False)
seconds = time.perf_counter() - start
broken = len(check(problem, r.composition)) if r.composition is not None else None
print(json.dumps({"objective": r.objective, "bound": r.bound, "gap": r.gap,
                  "seconds": seconds, "broken": broken, "start": r.stats.start}))
"""


def seeds(text: str) -> list[int]:
    """``"0-4"`` or ``"0,2,5"`` as a list of ints."""
    if "-" in text:
        lo, hi = text.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(s) for s in text.split(",")]


def one(dataset: int, seed: int, changes: int, budget: float) -> dict[str, float | int | str]:
    out = subprocess.run(
        [sys.executable, "-c", RUN, str(dataset), str(seed), str(changes), str(budget)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    row: dict[str, float | int | str] = json.loads(out.strip().splitlines()[-1])
    return row


def pct(v: float | int | str | None) -> str:
    return "—" if v is None else f"{100 * float(v):.2f} %"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="0,1,2")
    ap.add_argument("--seeds", default="0-4", help="solver seeds, e.g. 0-4 or 0,3")
    ap.add_argument("--budget", type=float, default=10.0)
    ap.add_argument("--changes", type=int, default=8, help="the neighbourhood's size")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = []
    for d in seeds(args.datasets):
        for k in seeds(args.seeds):
            pair = {}
            for changes in (args.changes, 0):
                r = one(d, k, changes, args.budget)
                if r["broken"]:
                    raise SystemExit(
                        f"dataset {d} seed {k}: a composition breaks {r['broken']} rules"
                    )
                pair[changes] = r
                print(f"dataset {d} seed {k} changes {changes}: {json.dumps(r)}", flush=True)
            rows.append((d, k, pair))
    lines = [
        SECTION,
        "",
        f'Stevns (250 candidates, 4 networks), `solver="auto"`, `time_limit={args.budget:g}`, '
        f"two workers; each run in a fresh process, the two variants alternating per seed. "
        f"*With*: one worker searches the compositions at most {args.changes} member changes "
        "from the start beside the full model (one worker); *without*: both workers on the "
        "full model. Gap = (bound − objective) / bound.",
        "",
        "| dataset | seed | with: objective | bound | gap | without: objective | bound | gap |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for d, k, pair in rows:
        a, b = pair[args.changes], pair[0]
        lines.append(
            f"| {d} | {k} | {float(a['objective']):,.1f} | {float(a['bound']):,.1f} | "
            f"{pct(a['gap'])} | {float(b['objective']):,.1f} | {float(b['bound']):,.1f} | "
            f"{pct(b['gap'])} |"
        )
    lines += ["", "| dataset | runs | with: gap (worst) | mean | without: gap (worst) | mean |"]
    lines.append("|---|---|---|---|---|---|")
    for d in seeds(args.datasets):
        mine = [pair for dd, _, pair in rows if dd == d]
        gw = [float(p[args.changes]["gap"]) for p in mine]
        go = [float(p[0]["gap"]) for p in mine]
        lines.append(
            f"| {d} | {len(mine)} | {pct(max(gw))} | {pct(sum(gw) / len(gw))} | "
            f"{pct(max(go))} | {pct(sum(go) / len(go))} |"
        )
    over = sum(float(p[args.changes]["gap"]) > 0.01 for _, _, p in rows)
    over0 = sum(float(p[0]["gap"]) > 0.01 for _, _, p in rows)
    better = sum(float(p[args.changes]["objective"]) > float(p[0]["objective"]) for _, _, p in rows)
    worse = sum(float(p[args.changes]["objective"]) < float(p[0]["objective"]) for _, _, p in rows)
    lines += [
        "",
        f"Runs above a 1 % gap: {over} with, {over0} without, of {len(rows)} each. "
        f"The composition was better with the neighbourhood in {better} runs and worse in "
        f"{worse}.",
        "",
        f"Date: {dt.date.today().isoformat()}; machine: {platform.platform()}, "
        f"{os.cpu_count()} CPUs (shared, timings noisy); Python {platform.python_version()}.",
        "",
        "Command: `python benchmarks/composer/neighbourhood.py "
        f"--datasets {args.datasets} --seeds {args.seeds} --budget {args.budget:g}`",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(text)


if __name__ == "__main__":
    main()
