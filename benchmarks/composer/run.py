"""Benchmark of the CP-SAT composer on the synthetic Stevns case.

(a) Stevns n=250, 4 networks, 2 workers: objective, bound and gap at 1, 5, 10,
    30 and 60 s, sampled from ONE run with a progress callback (the best
    objective/bound known at each time; the bound is also sampled from the
    callback, i.e. at improving solutions, plus the final bound at the end).
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
import re
import sys
from pathlib import Path

import evocompose as evo
from evocompose.datasets.stevns_generator import stevns
from evocompose.solve import solve
from evocompose.solvers.cpsat import Progress

RESULTS = Path(__file__).resolve().parents[1] / "RESULTS.md"
SECTION = "## Composer (CP-SAT)"


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


def sample(history: list[Progress], final: tuple[float, float | None, float | None], at: float):
    """Best objective and bound known at time ``at``."""
    obj = bound = None
    for p in history:
        if p.seconds <= at:
            obj, bound = p.objective, p.bound
    if final[0] <= at:
        obj, bound = final[1], final[2]
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
    args = ap.parse_args()
    times = [1, 5, 10] if args.quick else [1, 5, 10, 30, 60]
    out: list[str] = []

    p = stevns(seed=args.seed, n=250)
    hist: list[Progress] = []
    r = solve(p, time_limit=times[-1], workers=args.workers, seed=args.seed, progress=hist.append)
    final = (r.runtime, r.objective, r.bound)
    st = r.stats
    out.append(
        f"(a) Stevns n=250, {len(p.networks)} networks, {args.workers} workers, seed {args.seed}; "
        f"model {st['num_variables']:,} variables, {st['num_constraints']:,} constraints "
        f"({st['num_x']} x-variables), build {st['build_seconds']:.2f} s; one run of {times[-1]} s, "
        f"objective/bound sampled from the progress callback. Final status {r.status}."
    )
    out.append("")
    out.append("| time (s) | objective | bound | gap |")
    out.append("| ---: | ---: | ---: | ---: |")
    for t in times:
        obj, bound = sample(hist, final, t)
        gap = None if obj is None or bound is None else (bound - obj) / max(1.0, abs(bound))
        out.append(f"| {t} | {fmt(obj)} | {fmt(bound)} | {fmt(gap, True)} |")
    out.append("")
    print("\n".join(out), flush=True)

    limit_b = 10 if args.quick else 30
    big = replicated(args.seed, 1000, 3)
    hist_b: list[Progress] = []
    rb = solve(
        big, time_limit=limit_b, workers=args.workers, seed=args.seed, progress=hist_b.append
    )
    first = hist_b[0].seconds if hist_b else None
    stb = rb.stats
    lines_b = [
        f"(b) {len(big.pool):,} candidates × {len(big.networks)} networks (Stevns specs ×3), "
        f"{args.workers} workers, {limit_b} s; model {stb['num_variables']:,} variables, "
        f"{stb['num_constraints']:,} constraints, build {stb['build_seconds']:.2f} s.",
        "",
        "| status | first feasible (s) | objective | bound | gap |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| {rb.status} | {fmt(first)} | {fmt(rb.objective)} | {fmt(rb.bound)} | {fmt(rb.gap, True)} |",
        "",
    ]
    print("\n".join(lines_b), flush=True)
    out += lines_b

    cmd = "python benchmarks/composer/run.py" + (" --quick" if args.quick else "")
    if args.seed:
        cmd += f" --seed {args.seed}"
    header = [
        SECTION,
        "",
        f"Date: {dt.date.today().isoformat()}; machine: {platform.platform()}, "
        f"{os.cpu_count()} CPUs (shared, timings noisy); Python {platform.python_version()}; "
        f"{r.solver}.",
        "",
        f"Command: `{cmd}`",
        "",
    ]
    write_section("\n".join(header + out))


def write_section(text: str) -> None:
    """Replace (or append) our section of RESULTS.md, leaving the others alone."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    new = text.rstrip() + "\n\n"
    old = pattern.sub(lambda _: new, old) if pattern.search(old) else old.rstrip() + "\n\n" + new
    RESULTS.write_text(old, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
