"""Scale benchmark: local search vs CP-SAT on large Stevns-like pools.

Builds pools of 500 to 5,000 candidates with :func:`evocompose.datasets.stevns`
and replicates its four network specs ``k`` times (names suffixed ``_<r>``,
rules kept, each candidate's relevance copied to the replicas; every vision
replica may share members with every non-vision network, as in Stevns). Each
(solver, instance) runs in a fresh subprocess; we report time to the first
feasible composition, the best objective at 10/30/60 s, and peak memory as
``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of that subprocess (peak
resident set size, instance generation included).

Usage::

    .venv/bin/python benchmarks/scale/run.py --quick
    .venv/bin/python benchmarks/scale/run.py            # full grid, writes RESULTS.md
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import multiprocessing as mp
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

GRID = [(500, 4), (500, 8), (1000, 4), (1000, 20), (2000, 20), (2000, 40), (5000, 40)]
QUICK = [(500, 4), (1000, 8)]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section  # noqa: E402


def scaled_stevns(seed: int, n: int, networks: int) -> Any:
    """Stevns pool of ``n`` with its four network specs replicated to ``networks`` networks."""
    from evocompose.data import Pool
    from evocompose.datasets import stevns

    base = stevns(seed=seed, n=n)
    k = max(1, networks // len(base.networks))
    if k == 1:
        return base
    specs = []
    names: dict[str, list[str]] = {}
    for r in range(k):
        for spec in base.networks:
            name = f"{spec.name}_{r}"
            names.setdefault(spec.name, []).append(name)
            specs.append(
                dataclasses.replace(spec, name=name, include=spec.include if r == 0 else ())
            )
    people = []
    for c in base.pool:
        rel = dict(c.relevance)
        for spec in base.networks:
            v = base.relevance(c.id, spec.name)
            for name in names[spec.name]:
                rel[name] = v
        people.append(dataclasses.replace(c, relevance=rel))
    share = [
        (v, o)
        for v in names.get("vision", [])
        for base_name, reps in names.items()
        if base_name != "vision"
        for o in reps
    ]
    return base.replace(
        pool=Pool(tuple(people), source=base.pool.source),
        networks=tuple(specs),
        share_members=tuple(share),
    )


def _at(history: list[tuple[float, float]], t: float) -> float | None:
    best = None
    for s, v in history:
        if s <= t:
            best = v
    return best


def _child(solver: str, n: int, networks: int, seed: int, limit: float, q: Any) -> None:
    t0 = time.perf_counter()
    problem = scaled_stevns(seed, n, networks)
    gen = time.perf_counter() - t0
    hist: list[tuple[float, float]] = []

    def rec(p: Any) -> None:
        hist.append((p.seconds, p.objective))

    from evocompose.check import check
    from evocompose.solve import solve

    workers = 1 if solver == "search" else 2  # the search's own loop is sequential
    r = solve(problem, solver=solver, time_limit=limit, seed=seed, workers=workers, progress=rec)
    ok = r.composition is not None and not check(problem, r.composition)
    q.put(
        {
            "solver": solver,
            "n": n,
            "networks": len(problem.networks),
            "generate_s": gen,
            "status": str(r.status),
            "feasible": ok,
            "first_s": hist[0][0] if hist else None,
            "history": hist,
            "final": r.objective,
            "runtime": r.runtime,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "start": r.stats.start,
            "iterations": r.stats.iterations,
        }
    )


def run_one(solver: str, n: int, networks: int, seed: int, limit: float) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(solver, n, networks, seed, limit, q))
    p.start()
    try:
        out = q.get(timeout=limit * 3 + 300)
    except Exception:
        out = {"solver": solver, "n": n, "networks": networks, "status": "CRASH", "feasible": False}
    p.join(timeout=30)
    return out


def fmt(v: float | None, spec: str = ",.1f") -> str:
    return "—" if v is None else format(v, spec)


def table(rows: list[dict[str, Any]], checkpoints: list[float]) -> str:
    head = (
        "| n | networks | solver | first feasible (s) | "
        + " | ".join(f"obj @ {c:g} s" for c in checkpoints)
        + " | final status | peak RSS (MB) |"
    )
    sep = "|" + "---|" * (6 + len(checkpoints))
    lines = [head, sep]
    for r in rows:
        hist = [tuple(h) for h in r.get("history", [])]
        cells = [fmt(_at(hist, c)) for c in checkpoints]  # type: ignore[arg-type]
        lines.append(
            f"| {r['n']} | {r['networks']} | {r['solver']} | {fmt(r.get('first_s'), '.1f')} | "
            + " | ".join(cells)
            + f" | {r.get('status')}{'' if r.get('feasible') or r.get('status') != 'FEASIBLE' else ' (check failed)'} | {fmt(r.get('maxrss_mb'), ',.0f')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="two small instances, 10 s each")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=float, default=None, help="seconds per run")
    ap.add_argument("--solvers", default="search,cpsat")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    grid = QUICK if args.quick else GRID
    limit = args.limit or (10.0 if args.quick else 60.0)
    checkpoints = [c for c in (10.0, 30.0, 60.0) if c <= limit]
    rows = []
    for n, g in grid:
        for solver in args.solvers.split(","):
            r = run_one(solver, n, g, args.seed, limit)
            print(json.dumps({k: v for k, v in r.items() if k != "history"}), flush=True)
            rows.append(r)
    cmd = "python benchmarks/scale/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = "\n".join(
        [
            "## Scale",
            "",
            f"Date: {datetime.date.today().isoformat()}. Machine: {platform.machine()}, "
            f"{mp.cpu_count()} cores (shared with other jobs), Python {platform.python_version()}. "
            f"Command: `{cmd.strip()}` (seed {args.seed}, {limit:g} s per run, CP-SAT with 2 workers, "
            "search single-threaded).",
            "",
            "Instances: `stevns(seed, n)` with its four network specs replicated to the given number "
            "of networks (rules kept, vision replicas may share members with every other network). "
            "Peak memory is `resource.getrusage(RUSAGE_SELF).ru_maxrss` of a fresh subprocess per run "
            "(instance generation included). Objectives are the best found by that time "
            "(`—`: none yet).",
            "",
            table(rows, checkpoints),
        ]
    )
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
