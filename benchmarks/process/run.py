"""The steering group's process on Stevns: declines, renewal rounds, diagnosis time.

1. **Declines.** From one composition of Stevns, ``k`` random memberships
   decline (k = 1, 2, 5; ``--seeds`` random draws each). :func:`evocompose.recompose`
   repairs them; a full re-solve (:func:`evocompose.solve` on the problem with
   the decliners excluded from their networks, same budget) is the reference.
   Reported: memberships changed beyond the forced ones (recompose, and the
   re-solve's changes against the previous composition), the objective of
   both and the gap, and time.
2. **Renewal.** Three rounds: round 1 composed by ``solve``; rounds 2 and 3
   by :func:`evocompose.renew` (keep half, repeat weight 2, decay 0.5) and, side
   by side, from scratch (``solve`` with the round as seed). Reported per
   round: repeat pairs (pairs who sat together in an earlier round), members
   continuing from the last round, objective.
3. **Diagnosis.** :func:`evocompose.diagnose` on the Stevns cases of
   :func:`evocompose.datasets.impossible`: time, conflict size, relaxations.

Prints the tables and writes the section ``## Process: declines, renewal,
diagnosis`` of ``benchmarks/RESULTS.md``.

Usage::

    .venv/bin/python benchmarks/process/run.py --seeds 20 --time-limit 10
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import random
import sys
import time
from pathlib import Path

import pandas as pd

import evocompose as evo
from evocompose.datasets.impossible import impossible
from evocompose.objective import evaluate, weighted_total
from evocompose.recompose import _pinned_problem

SECTION = "## Process: declines, renewal, diagnosis"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section  # noqa: E402


def markdown(frame: pd.DataFrame, index: bool = False) -> str:
    """A pipe table (no extra dependency)."""
    data = frame.reset_index() if index else frame
    head = [str(c) for c in data.columns]
    rows = [
        [f"{v:,.3f}" if isinstance(v, float) else str(v) for v in rec]
        for rec in data.itertuples(index=False)
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _objective(problem: evo.Problem, comp: evo.Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _changed(old: evo.Composition, new: evo.Composition, forced: set[tuple[str, str]]) -> int:
    total = 0
    for n in set(old.members) | set(new.members):
        a, b = set(old.members.get(n, ())), set(new.members.get(n, ()))
        total += len(b - a) + sum(1 for c in a - b if (c, n) not in forced)
    return total


def _pairs(comp: evo.Composition) -> set[tuple[str, str]]:
    return {
        (a, b) for ids in comp.members.values() for a, b in itertools.combinations(sorted(ids), 2)
    }


def declines(problem: evo.Problem, base: evo.Composition, seeds: int, limit: float) -> pd.DataFrame:
    rows = []
    members = sorted((c, n) for n, ids in base.members.items() for c in ids)
    for k in (1, 2, 5):
        for seed in range(seeds):
            declined = random.Random(1000 * k + seed).sample(members, k)
            start = time.perf_counter()
            r = evo.recompose(problem, base, declined=declined, time_limit=limit, seed=seed)
            took = time.perf_counter() - start
            pinned = _pinned_problem(problem, declined, set())
            full = evo.solve(pinned, time_limit=limit, seed=seed)
            forced = set(declined)
            rows.append(
                {
                    "declines": k,
                    "seed": seed,
                    "changed": r.repair.changed if r.repair else None,
                    "proven": r.repair.fewest_proven if r.repair else None,
                    "objective": r.objective,
                    "resolve_objective": full.objective,
                    "resolve_changed": _changed(base, full.composition, forced)
                    if full.composition
                    else None,
                    "seconds": took,
                }
            )
            print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def renewal(problem: evo.Problem, limit: float) -> pd.DataFrame:
    first = evo.solve(problem, time_limit=3 * limit, seed=0).composition
    assert first is not None
    rows = [
        {
            "round": 1,
            "way": "both",
            "repeat pairs": 0,
            "continuing": "-",
            "objective": _objective(problem, first),
        }
    ]
    history = [first]
    scratch = [first]
    for rnd in (2, 3):
        r = evo.renew(problem, history, repeat_weight=2.0, decay=0.5, keep=0.5, time_limit=limit)
        s = evo.solve(problem, time_limit=limit, seed=rnd - 1).composition
        for way, comp, past in (("renew", r.composition, history), ("from scratch", s, scratch)):
            if comp is None:  # nothing found in the budget (a loaded machine)
                rows.append(
                    {
                        "round": rnd,
                        "way": way,
                        "repeat pairs": None,
                        "continuing": "-",
                        "objective": None,
                    }
                )
                continue
            earlier = set().union(*(_pairs(c) for c in past))
            last = past[-1]
            kept = sum(
                len(set(comp.members[n]) & set(last.members[n])) for n in problem.network_names
            )
            size = sum(len(last.members[n]) for n in problem.network_names)
            rows.append(
                {
                    "round": rnd,
                    "way": way,
                    "repeat pairs": len(_pairs(comp) & earlier),
                    "continuing": f"{kept}/{size}",
                    "objective": _objective(problem, comp),
                }
            )
            print(rows[-1], flush=True)
        history.append(r.composition if r.composition is not None else history[-1])
        scratch.append(s if s is not None else scratch[-1])
    return pd.DataFrame(rows)


def diagnosis(limit: float) -> pd.DataFrame:
    rows = []
    for case in impossible(small=False):
        start = time.perf_counter()
        d = evo.diagnose(case.problem, time_limit=limit)
        rows.append(
            {
                "case": case.name,
                "seconds": time.perf_counter() - start,
                "rules": len(d.conflict),
                "found by": d.source,
                "minimal": d.minimal,
                "relaxations": sum(r.enough for r in d.relaxations),
                "names the cause": set(case.rules) <= set(d.rules),
            }
        )
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--diagnose-limit", type=float, default=30.0)
    parser.add_argument(
        "--base-time", type=float, default=30.0, help="seconds for the composition that declines"
    )
    args = parser.parse_args()
    problem = evo.datasets.stevns(seed=0)
    base_result = evo.solve(problem, time_limit=args.base_time, seed=0)
    base = base_result.composition
    assert base is not None
    print(f"base composition: objective {base_result.objective}", flush=True)
    dec = declines(problem, base, args.seeds, args.time_limit)
    ren = renewal(problem, args.time_limit)
    dia = diagnosis(args.diagnose_limit)
    summary = (
        dec.assign(gap=lambda f: (f["resolve_objective"] - f["objective"]) / f["resolve_objective"])
        .groupby("declines")
        .agg(
            runs=("seed", "count"),
            changed_mean=("changed", "mean"),
            changed_max=("changed", "max"),
            proven=("proven", "mean"),
            resolve_changed_mean=("resolve_changed", "mean"),
            objective_mean=("objective", "mean"),
            resolve_objective_mean=("resolve_objective", "mean"),
            gap_mean=("gap", "mean"),
            seconds_mean=("seconds", "mean"),
        )
        .round(3)
    )
    command = (
        f"python benchmarks/process/run.py --seeds {args.seeds} --time-limit {args.time_limit:g} "
        f"--diagnose-limit {args.diagnose_limit:g} --base-time {args.base_time:g}"
    )
    text = "\n".join(
        [
            SECTION,
            "",
            f"{dt.date.today()} on {platform.machine()} ({os.cpu_count()} cores, shared), "
            f"Python {platform.python_version()}; command `{command}`.",
            "",
            f"Declines on Stevns (n=250), from a composition of objective "
            f"{base_result.objective:,.1f} ({args.base_time:g} s): memberships changed beyond "
            "the forced ones by "
            "`recompose`, against a full re-solve with the decliners excluded (same budget); "
            "gap = (re-solve objective - recompose objective) / re-solve objective.",
            "",
            markdown(summary, index=True),
            "",
            "Renewal, three rounds (keep 0.5, repeat weight 2, decay 0.5) against composing "
            "each round from scratch:",
            "",
            markdown(ren.round(1)),
            "",
            "Diagnosis of the Stevns cases of `datasets.impossible()` "
            f"(`diagnose(time_limit={args.diagnose_limit:g})`):",
            "",
            markdown(dia.round(1)),
        ]
    )
    print(text)
    write_section(text)


if __name__ == "__main__":
    main()
