"""Partition benchmark: people into teams of ten, as diverse as possible, search and auto.

Instances: :func:`evocompose.datasets.partition` (a skewed mix of ten
sectors, four actor types, six areas; teams of exactly ten; everyone placed
once; diversity on sector, actor type and area, weight 1 each) for
n = 120, 300, 600, 2,000 and 10,000. Each (solver, n, budget) runs in a
fresh subprocess that first loads the compiled kernels (a one-time cost per
process, reported separately), then builds the problem and solves it; we
report the objective, the bound (closed form: each value spread as evenly
as the team sizes allow, or CP-SAT's when tighter), the gap, the time to the
first composition, and the peak memory of the subprocess
(``ru_maxrss``: Python, numba, the problem and the search together).

With ``--baseline PATH`` the script also measures, in the same run, the
search's iterations per second of another checkout (e.g. the commit before
the compiled core) side by side with this one: both get the same problem and
this checkout's first composition as a hint, so the rate is the search's own
(on the partitions of n = 600 and 2,000 and on Stevns, seed 0, n = 250).

Usage::

    .venv/bin/python benchmarks/partition/run.py --quick
    .venv/bin/python benchmarks/partition/run.py --baseline /path/to/old/checkout
    .venv/bin/python benchmarks/partition/run.py --sizes 120,300,600,2000 \
        --budgets 1,2,5 --long 10000:30 --stevns 0,1,2 --baseline /path/to/old/checkout
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing as mp
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SECTION = "## Partition"
SIZES = (120, 300, 600, 2000, 10000)
BUDGETS = (1.0, 2.0, 5.0, 10.0)
LONG: dict[int, tuple[float, ...]] = {10000: (30.0,)}
QUICK_SIZES = (120, 600)
QUICK_BUDGETS = (1.0, 2.0)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section  # noqa: E402


def _child(solver: str, n: int, limit: float, seed: int, workers: int, q: Any) -> None:
    from evocompose.solvers.search.engine import load_kernels

    t0 = time.perf_counter()
    load = load_kernels()
    load_s = time.perf_counter() - t0
    from evocompose.check import check
    from evocompose.datasets import partition, stevns
    from evocompose.solve import solve

    t0 = time.perf_counter()
    problem = partition(n, seed=seed) if n else stevns(seed=seed)  # n = 0: Stevns
    build_s = time.perf_counter() - t0
    r = solve(problem, solver=solver, time_limit=limit, seed=seed, workers=workers)
    ok = r.composition is not None and not check(problem, r.composition)
    q.put(
        {
            "solver": solver,
            "n": n,
            "limit": limit,
            "status": str(r.status),
            "feasible": ok,
            "objective": r.objective,
            "bound": r.bound,
            "bound_source": r.bound_source,
            "gap": r.gap,
            "first_s": r.stats.first_solution_seconds,
            "runtime": r.runtime,
            "iterations": r.stats.iterations,
            "kernel_load_s": load if load else load_s,
            "build_s": build_s,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "path": r.stats.path,
        }
    )


def run_one(solver: str, n: int, limit: float, seed: int, workers: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(solver, n, limit, seed, workers, q))
    p.start()
    try:
        out: dict[str, Any] = q.get(timeout=limit * 5 + 600)
    except Exception:
        out = {"solver": solver, "n": n, "limit": limit, "status": "CRASH", "feasible": False}
    p.join(timeout=60)
    return out


_RATE = r"""
import json, sys, time
sys.path.insert(0, {root!r})
import evocompose as evo
from evocompose.solve import solve
if {n} == 0:
    problem = evo.datasets.stevns(seed={seed})
elif hasattr(evo.datasets, "partition"):
    problem = evo.datasets.partition({n}, seed={seed})
else:
    sys.path.insert(0, {here!r})
    from run import _partition_for_baseline
    problem = _partition_for_baseline({n}, {seed})
hint = evo.read_composition({hint!r}, problem) if {hint!r} else None
solve(problem, solver="search", time_limit=1.0, seed={seed}, workers=1, hint=hint)  # warm up
r = solve(problem, solver="search", time_limit={limit}, seed={seed}, workers=1, hint=hint)
searching = r.runtime - (r.stats.first_solution_seconds or 0.0)
print(json.dumps({{"iterations": r.stats.iterations, "seconds": searching,
                   "objective": r.objective, "start": r.stats.start}}))
"""


def _partition_for_baseline(n: int, seed: int) -> Any:
    """The same instance for a checkout that has no ``datasets.partition`` (built from its parts)."""
    import numpy as np

    import evocompose as evo
    from evocompose.vocabulary import TERM_NAMES

    sectors = {
        "business_services": 0.30,
        "construction": 0.18,
        "retail": 0.12,
        "manufacturing": 0.10,
        "agriculture": 0.08,
        "tourism": 0.07,
        "food_restaurants": 0.06,
        "transport": 0.04,
        "education": 0.03,
        "culture": 0.02,
    }
    actors = {"private": 0.55, "public": 0.20, "knowledge": 0.10, "civil": 0.15}
    areas = ("Store Heddinge", "Hårlev", "Rødvig", "Strøby", "Klippinge", "Lille Heddinge")
    rng = np.random.default_rng(seed)
    sec = rng.choice(list(sectors), size=n, p=list(sectors.values()))
    act = rng.choice(list(actors), size=n, p=list(actors.values()))
    area = rng.choice(areas, size=n)
    people = tuple(
        evo.Candidate(
            id=f"p{i + 1:05d}",
            name=f"Person {i + 1}",
            organisation=f"Organisation {i + 1}",
            sector=str(sec[i]),
            actor_type=str(act[i]),
            area=str(area[i]),
        )
        for i in range(n)
    )
    teams = n // 10
    width = len(str(teams))
    nets = tuple(
        evo.NetworkSpec(f"team{g + 1:0{width}d}", theme=f"Team {g + 1}", min_size=10, max_size=10)
        for g in range(teams)
    )
    w = {t: 0.0 for t in TERM_NAMES}
    w.update(sector=1.0, actor_type=1.0, area=1.0)
    return evo.Problem(evo.Pool(people), nets, assign_all=True, weights=evo.Weights(**w))


def iteration_rate(root: Path, n: int, limit: float, seed: int, hint: str | None) -> dict[str, Any]:
    """Iterations per second of the search of the checkout at ``root`` (a fresh interpreter)."""
    code = _RATE.format(
        root=str(root),
        n=n,
        seed=seed,
        hint=hint or "",
        limit=limit,
        here=str(Path(__file__).parent),
    )
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=900
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def fmt(v: float | None, spec: str = ",.1f") -> str:
    return "—" if v is None else format(v, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="n = 120 and 600, budgets 1 and 2 s")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--solvers", default="search,auto")
    ap.add_argument("--baseline", type=Path, default=None, help="checkout to compare the rate with")
    ap.add_argument("--sizes", default=None, help="pool sizes, e.g. 120,300,600")
    ap.add_argument("--budgets", default=None, help="budgets in seconds, e.g. 1,2,5")
    ap.add_argument(
        "--long", default=None, help="extra runs N:SECONDS, e.g. 10000:30 (default: 10000:30)"
    )
    ap.add_argument(
        "--stevns", default=None, help="also Stevns (n = 250) with these seeds, e.g. 0,1,2"
    )
    ap.add_argument("--stevns-budget", type=float, default=10.0)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    sizes: tuple[int, ...] = QUICK_SIZES if args.quick else SIZES
    budgets: tuple[float, ...] = QUICK_BUDGETS if args.quick else BUDGETS
    long: dict[int, tuple[float, ...]] = {} if args.quick else dict(LONG)
    if args.sizes:
        sizes = tuple(int(x) for x in args.sizes.split(","))
    if args.budgets:
        budgets = tuple(float(x) for x in args.budgets.split(","))
    if args.long is not None:
        long = {}
        for item in filter(None, args.long.split(",")):
            n_text, seconds = item.split(":")
            long.setdefault(int(n_text), ())
            long[int(n_text)] += (float(seconds),)
    rows: list[dict[str, Any]] = []
    for n in (*sizes, *(k for k in long if k not in sizes)):
        for limit in (*(budgets if n in sizes else ()), *long.get(n, ())):
            for solver in args.solvers.split(","):
                r = run_one(solver, n, limit, args.seed, args.workers)
                print(json.dumps(r), flush=True)
                rows.append(r)

    lines = [
        "| n | teams | budget (s) | solver | objective | bound | % of bound | first composition (s) "
        "| iterations | peak RSS (MB) | path |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        share = (
            None
            if r.get("objective") is None or not r.get("bound")
            else 100.0 * r["objective"] / r["bound"]
        )
        lines.append(
            f"| {r['n']:,} | {r['n'] // 10:,} | {r['limit']:g} | {r['solver']} | "
            f"{fmt(r.get('objective'))} | {fmt(r.get('bound'))} | {fmt(share, '.2f')} | "
            f"{fmt(r.get('first_s'), '.3f')} | {fmt(r.get('iterations'), ',.0f')} | "
            f"{fmt(r.get('maxrss_mb'), ',.0f')} | {r.get('path') or r.get('status')} |"
        )
    stevns_lines: list[str] = []
    if args.stevns:
        stevns_lines += [
            "",
            f"Stevns (`evocompose.datasets.stevns(seed)`, n = 250, four networks, every rule "
            f"kind of the example), {args.stevns_budget:g} s, {args.workers} workers, one fresh "
            "subprocess per run; gap = (bound - objective) / bound:",
            "",
            "| seed | solver | objective | bound | gap | bound from | first composition (s) "
            "| path |",
            "|---:|---|---:|---:|---:|---|---:|---|",
        ]
        for seed in (int(x) for x in args.stevns.split(",")):
            for solver in args.solvers.split(","):
                r = run_one(solver, 0, args.stevns_budget, seed, args.workers)
                print(json.dumps(r), flush=True)
                gap = r.get("gap")
                stevns_lines.append(
                    f"| {seed} | {solver} | {fmt(r.get('objective'))} | {fmt(r.get('bound'))} "
                    f"| {fmt(None if gap is None else 100 * gap, '.2f')} % "
                    f"| {(r.get('bound_source') or '—').split(':')[0]} "
                    f"| {fmt(r.get('first_s'), '.3f')} | {r.get('path') or r.get('status')} |"
                )
    loads = [r["kernel_load_s"] for r in rows if r.get("kernel_load_s")]
    builds = {r["n"]: r["build_s"] for r in rows if r.get("build_s") is not None}

    rate_lines: list[str] = []
    if args.baseline is not None:
        here = Path(__file__).resolve().parents[2]
        rate_lines += [
            "",
            f"Search iterations per second, this checkout against `{args.baseline}` "
            "(same problem, one thread, a fresh interpreter each, both from the same "
            "first composition as a hint; seconds after the first composition):",
            "",
            "| n | budget (s) | checkout | iterations | seconds | iterations/s | objective |",
            "|---:|---:|---|---:|---:|---:|---:|",
        ]
        import evocompose as evo
        from evocompose.datasets import partition

        for n in (600, 2000, 0):  # 0: Stevns (seed 0, n = 250)
            problem = partition(n, seed=args.seed) if n else evo.datasets.stevns(seed=args.seed)
            first = evo.solve(problem, solver="search", time_limit=0.2, seed=args.seed)
            assert first.composition is not None
            hint = f"/tmp/partition_hint_{n}.csv"
            first.composition.to_frame(problem)[["network", "candidate_id"]].to_csv(
                hint, index=False
            )
            for label, root in (("baseline", args.baseline.resolve()), ("this", here)):
                m = iteration_rate(root, n, 5.0, args.seed, hint)
                rate = (
                    m["iterations"] / m["seconds"]
                    if m.get("iterations") and m.get("seconds")
                    else None
                )
                print(label, n, m, flush=True)
                rate_lines.append(
                    f"| {f'{n:,}' if n else 'Stevns (250)'} | 5 | {label} | {fmt(m.get('iterations'), ',.0f')} | "
                    f"{fmt(m.get('seconds'), '.2f')} | {fmt(rate, ',.0f')} | "
                    f"{fmt(m.get('objective'))} |"
                )

    cmd = "python benchmarks/partition/run.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    text = "\n".join(
        [
            SECTION,
            "",
            f"Date: {datetime.date.today().isoformat()}. Machine: {platform.machine()}, "
            f"{mp.cpu_count()} cores (shared with other jobs; load average at the end "
            f"{os.getloadavg()[0]:.1f}), Python {platform.python_version()}. "
            f"Command: `{cmd.strip()}` (seed {args.seed}, {args.workers} workers).",
            "",
            "Instances: `evocompose.datasets.partition(n, seed)`: n people into teams of exactly "
            "ten, everyone placed once, diversity on sector (ten sectors, skewed: 30 % down to "
            "2 %), actor type (four) and area (six), weight 1 each. The bound is the tightest "
            "proven one (closed form: each value spread as evenly as the team sizes allow; "
            "CP-SAT's where tighter); `% of bound` = objective / bound. First composition: "
            "seconds from the call of `solve` to the first composition (kernels loaded). "
            "Each run is a fresh subprocess; loading the compiled kernels took "
            f"{fmt(min(loads) if loads else None, '.2f')}–{fmt(max(loads) if loads else None, '.2f')} "
            "s once per process (not counted in the budget); building the problem "
            + ", ".join(f"{fmt(v, '.2f')} s at n = {k:,}" for k, v in sorted(builds.items()))
            + ". Peak memory is `ru_maxrss` of the subprocess (numba and LLVM included, "
            "about 250 MB of it).",
            "",
            *lines,
            *stevns_lines,
            *rate_lines,
        ]
    )
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
