"""Benchmark of the CP-SAT composer on the synthetic Stevns case.

(a) Stevns n=250, 4 networks, 2 workers: objective, bound and gap at 1, 5, 10,
    30 and 60 s, sampled from ONE run per backend (cpsat and auto side by side)
    from the result's history (the bound is recorded at improving solutions,
    plus the final bound at the end).
(b) 1,000 candidates x 12 networks (the four Stevns specs replicated three
    times with suffixed names, sharing allowed as in Stevns within each copy):
    time to first feasible and gap at 30 s.

Usage::

    .venv/bin/python benchmarks/composer/run.py [--quick] [--seed 0]

Writes the section ``## Composer (CP-SAT)`` of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import sys
from pathlib import Path

import evocompose as evo
from evocompose.datasets.stevns_generator import stevns
from evocompose.solve import solve

SECTION = "## Composer (CP-SAT)"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section  # noqa: E402


def replicated(seed: int, n: int, copies: int) -> evo.Problem:
    """Stevns with its network specs replicated ``copies`` times (suffix ``_k``)."""
    base = stevns(seed=seed, n=n)
    names = base.network_names
    cands = []
    for c in base.pool.candidates:
        rel = dict(c.relevance)
        for name in names:
            r = base.relevance(c.id, name)
            for k in range(copies):
                rel[f"{name}_{k}"] = r
        cands.append(dataclasses.replace(c, relevance=rel))
    specs = []
    for k in range(copies):
        for spec in base.networks:
            specs.append(
                dataclasses.replace(
                    spec,
                    name=f"{spec.name}_{k}",
                    include=spec.include if k == 0 else (),
                    exclude=spec.exclude,
                )
            )
    share = [(f"{a}_{k}", f"{b}_{k}") for k in range(copies) for a, b in base.share_members]
    return base.replace(pool=evo.Pool(tuple(cands)), networks=tuple(specs), share_members=share)


def sample(
    history: tuple[tuple[float, float, float | None], ...], at: float
) -> tuple[float | None, float | None]:
    """Best objective and latest bound known at time ``at`` (from ``Result.history``)."""
    obj: float | None = None
    bound: float | None = None
    for seconds, o, b in history:
        if seconds <= at:
            obj = o if obj is None else max(obj, o)
            bound = b if b is not None else bound
    return obj, bound


def fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:.2%}" if pct else f"{v:,.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="(a) up to 10 s, (b) 10 s")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--solvers", default="cpsat,auto", help="backends side by side (default %(default)s)"
    )
    args = ap.parse_args()
    solvers = args.solvers.split(",")
    times = [1, 5, 10] if args.quick else [1, 5, 10, 30, 60]
    out: list[str] = []

    p = stevns(seed=args.seed, n=250)
    out.append(
        f"(a) Stevns n=250, {len(p.networks)} networks, {args.workers} workers, seed {args.seed}; "
        f"one run of {times[-1]} s per backend, best objective and latest bound known at each "
        "time read from `Result.history` (the bound is recorded at improving solutions; the "
        "last row is the final result)."
    )
    out.append("")
    out.append("| backend | time (s) | objective | bound | gap |")
    out.append("| --- | ---: | ---: | ---: | ---: |")
    solver_names = []
    for backend in solvers:
        r = solve(p, time_limit=times[-1], workers=args.workers, seed=args.seed, solver=backend)
        solver_names.append(r.solver)
        for t in times:
            obj, bound = sample(r.history, t)
            if t == times[-1]:
                obj, bound = r.objective, r.bound
            gap = None if obj is None or bound is None else (bound - obj) / max(1.0, abs(bound))
            out.append(f"| {backend} | {t} | {fmt(obj)} | {fmt(bound)} | {fmt(gap, True)} |")
        print("\n".join(out), flush=True)
    out.append("")

    limit_b = 10 if args.quick else 30
    big = replicated(args.seed, 1000, 3)
    out += [
        f"(b) {len(big.pool):,} candidates × {len(big.networks)} networks (Stevns specs ×3), "
        f"{args.workers} workers, {limit_b} s per backend.",
        "",
        "| backend | status | first feasible (s) | objective | bound | gap |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for backend in solvers:
        rb = solve(big, time_limit=limit_b, workers=args.workers, seed=args.seed, solver=backend)
        first = rb.history[0][0] if rb.history else None
        out.append(
            f"| {backend} | {rb.status} | {fmt(first)} | {fmt(rb.objective)} | {fmt(rb.bound)} "
            f"| {fmt(rb.gap, True)} |"
        )
        print(out[-1], flush=True)
    out.append("")

    cmd = "python benchmarks/composer/run.py" + (" --quick" if args.quick else "")
    if args.seed:
        cmd += f" --seed {args.seed}"
    header = [
        SECTION,
        "",
        f"Date: {dt.date.today().isoformat()}; machine: {platform.platform()}, "
        f"{os.cpu_count()} CPUs (shared, timings noisy); Python {platform.python_version()}; "
        f"{'; '.join(sorted(set(solver_names)))}.",
        "",
        f"Command: `{cmd}`",
        "",
    ]
    write_section("\n".join(header + out))


if __name__ == "__main__":
    sys.exit(main())
