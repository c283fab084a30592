"""Benchmark of the CP-SAT composer on the synthetic Stevns case.

(a) Stevns n=250, 4 networks, 2 workers: objective, bound and gap of a solve
    with ``time_limit`` = 1, 5, 10, 30 and 60 s, one separate run per budget,
    backend and seed (cpsat and auto side by side; ``auto`` plans its phases
    from the budget, so a 10 s run is not the first 10 s of a 60 s run).
(b) 1,000 candidates x 12 networks (the four Stevns specs replicated three
    times with suffixed names, sharing allowed as in Stevns within each copy):
    time to first feasible and gap at 30 s.

Usage::

    .venv/bin/python benchmarks/composer/run.py [--quick] [--seeds 0,1,2]

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


def fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:.2%}" if pct else f"{v:,.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="(a) up to 10 s, (b) 10 s")
    ap.add_argument("--seeds", default="0,1,2", help="Stevns seeds for (a); (b) uses the first")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--solvers", default="cpsat,auto", help="backends side by side (default %(default)s)"
    )
    args = ap.parse_args()
    solvers = args.solvers.split(",")
    times = [1, 5, 10] if args.quick else [1, 5, 10, 30, 60]
    out: list[str] = []
    seeds = [int(x) for x in args.seeds.split(",")]
    out.append(
        f"(a) Stevns n=250 (`stevns(seed)`; seed 0 is `examples/stevns`), 4 networks, "
        f"{args.workers} workers; one separate `solve(time_limit=T)` per budget T, backend "
        "and seed. Gap = (bound - objective) / |bound|; runtime is the wall-clock time of "
        "the call."
    )
    out.append("")
    out.append("| backend | seed | T (s) | objective | bound | gap | runtime (s) |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    solver_names = []
    gaps: dict[tuple[str, int], list[float | None]] = {}
    for seed in seeds:
        p = stevns(seed=seed, n=250)
        for backend in solvers:
            for t in times:
                r = solve(p, time_limit=t, workers=args.workers, seed=seed, solver=backend)
                solver_names.append(r.solver)
                gaps.setdefault((backend, t), []).append(r.gap)
                out.append(
                    f"| {backend} | {seed} | {t} | {fmt(r.objective)} | {fmt(r.bound)} "
                    f"| {fmt(r.gap, True)} | {r.runtime:.1f} |"
                )
                print(out[-1], flush=True)
    out += [
        "",
        f"Summary over seeds {args.seeds}: worst and mean gap per budget "
        "(target: gap ≤ 1% within 10 s).",
        "",
        "| backend | T (s) | worst gap | mean gap |",
        "| --- | ---: | ---: | ---: |",
    ]
    for (backend, t), gs in gaps.items():
        known = [g for g in gs if g is not None]
        worst = None if len(known) < len(gs) else max(known)
        mean = sum(known) / len(known) if known and len(known) == len(gs) else None
        out.append(f"| {backend} | {t} | {fmt(worst, True)} | {fmt(mean, True)} |")
    out.append("")

    limit_b = 10 if args.quick else 30
    big = replicated(seeds[0], 1000, 3)
    out += [
        f"(b) {len(big.pool):,} candidates × {len(big.networks)} networks (Stevns specs ×3), "
        f"{args.workers} workers, {limit_b} s per backend.",
        "",
        "| backend | status | first feasible (s) | objective | bound | gap |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for backend in solvers:
        rb = solve(big, time_limit=limit_b, workers=args.workers, seed=seeds[0], solver=backend)
        first = rb.history[0][0] if rb.history else None
        out.append(
            f"| {backend} | {rb.status} | {fmt(first)} | {fmt(rb.objective)} | {fmt(rb.bound)} "
            f"| {fmt(rb.gap, True)} |"
        )
        print(out[-1], flush=True)
    out.append("")

    cmd = "python benchmarks/composer/run.py" + (" --quick" if args.quick else "")
    if args.seeds != "0,1,2":
        cmd += f" --seeds {args.seeds}"
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
