"""Are time limits kept at every size? ``solve`` wall time against its budget, large inputs included.

Instances (each built inside its own subprocess, so that memory is that
run's alone and one failure cannot spoil the others):

* ``stevns``: the bundled example (250 candidates, 4 networks);
* ``scale-5000x40``: Stevns-like pool of 5,000 with 40 networks (as in
  ``benchmarks/scale``);
* ``pool-100k``: 100,000 candidates, the four Stevns networks;
* ``ties-2M``: 5,000 candidates with 2,000,000 random acquaintance ties;
* ``matrix-5000``: 5,000 candidates with a Euclidean dissimilarity matrix.

For every instance, budget and backend: the seconds ``solve`` took (the
problem's construction excluded), the overshoot against the target
``budget * 1.1 + 1`` s, the status, whether a composition came back and
passes the independent check, and the peak resident memory of the process.

Writes the section ``## Time limits`` of ``docs/reliability.md``.

Usage::

    .venv/bin/python benchmarks/time_limits/run.py                    # the full table
    .venv/bin/python benchmarks/time_limits/run.py --instances stevns,ties-2M --budgets 2,10
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "scale"))
from results_md import write_section  # noqa: E402

INSTANCES = ("stevns", "scale-5000x40", "pool-100k", "ties-2M", "matrix-5000")
BUDGETS = (1.0, 2.0, 5.0, 10.0)
SOLVERS = ("auto", "search", "cpsat")


def build(name: str) -> Any:
    """The instance ``name`` (see the module docstring)."""
    import networkx as nx
    import numpy as np

    import evocompose as evo

    if name == "stevns":
        return evo.datasets.stevns(seed=0)
    if name == "scale-5000x40":
        from run import scaled_stevns  # benchmarks/scale/run.py

        return scaled_stevns(0, 5000, 40)
    if name == "pool-100k":
        # a Stevns pool of 5,000 (the generator's largest) and 19 copies with new ids, ties
        # copied too; the original keeps its ids, so pins and conflicts still name it
        base = evo.datasets.stevns(seed=0, n=5000)
        people = list(base.pool)
        graph = base.ties.copy()
        for k in range(1, 20):
            people += [
                dataclasses.replace(c, id=f"{c.id}-{k}", name=f"{c.name} {k}") for c in base.pool
            ]
            graph.add_edges_from(
                (f"{a}-{k}", f"{b}-{k}", d) for a, b, d in base.ties.edges(data=True)
            )
        graph.add_nodes_from(c.id for c in people)
        return base.replace(pool=evo.Pool(tuple(people)), ties=graph)
    if name == "ties-2M":
        base = evo.datasets.stevns(seed=0, n=5000)
        ids = list(base.pool.ids)
        rng = np.random.default_rng(0)
        raw = rng.integers(0, len(ids), size=(2_300_000, 2))
        raw = raw[raw[:, 0] != raw[:, 1]]
        raw.sort(axis=1)
        pairs = np.unique(raw, axis=0)[:2_000_000]
        graph = nx.Graph()
        graph.add_nodes_from(ids)
        graph.add_edges_from((ids[a], ids[b]) for a, b in pairs.tolist())
        return base.replace(ties=graph)
    if name == "matrix-5000":
        base = evo.datasets.stevns(seed=0, n=5000)
        rng = np.random.default_rng(0)
        points = rng.random((5000, 2))
        diff = points[:, None, :] - points[None, :, :]
        matrix = np.sqrt((diff**2).sum(-1))
        weights = dataclasses.replace(base.weights, dissimilarity=1.0)
        return base.replace(dissimilarity=matrix, weights=weights)
    raise ValueError(name)


def one(name: str, solver: str, budget: float, out: Any) -> None:
    """Build, solve once, report (in a subprocess)."""
    import evocompose as evo

    row: dict[str, Any] = {"instance": name, "solver": solver, "budget s": budget}
    try:
        started = time.perf_counter()
        problem = build(name)
        row["build s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        r = evo.solve(problem, time_limit=budget, solver=solver)  # as users call it
        seconds = time.perf_counter() - started
        row["solve s"] = round(seconds, 2)
        row["over target s"] = round(max(0.0, seconds - (1.1 * budget + 1.0)), 2)
        row["status"] = r.status.value
        row["composition"] = r.composition is not None
        row["passes check"] = (
            evo.check(problem, r.composition) == [] if r.composition is not None else None
        )
        why = r.stats.details.get("not_built") if r.stats.details else None
        row["note"] = why or ""
    except Exception as exc:  # reported in its row, never stops the table
        row["status"] = f"error: {type(exc).__name__}: {str(exc)[:120]}"
    row["peak GB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2)
    out.put(row)


def run(name: str, solver: str, budget: float) -> dict[str, Any]:
    queue: Any = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=one, args=(name, solver, budget, queue))
    proc.start()
    proc.join(timeout=budget * 3 + 600)
    if proc.is_alive():
        proc.kill()
        return {"instance": name, "solver": solver, "budget s": budget, "status": "hung"}
    try:
        return dict(queue.get(timeout=5))
    except Exception:
        return {
            "instance": name,
            "solver": solver,
            "budget s": budget,
            "status": f"crashed (exit {proc.exitcode})",
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", default=",".join(INSTANCES))
    ap.add_argument("--budgets", default=",".join(f"{b:g}" for b in BUDGETS))
    ap.add_argument("--solvers", default=",".join(SOLVERS))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rows = []
    for name in args.instances.split(","):
        for budget in (float(b) for b in args.budgets.split(",")):
            for solver in args.solvers.split(","):
                row = run(name, solver, budget)
                print(json.dumps(row), flush=True)
                rows.append(row)
    head = [
        "instance",
        "solver",
        "budget s",
        "build s",
        "solve s",
        "over target s",
        "status",
        "composition",
        "passes check",
        "peak GB",
        "note",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r.get(h, "")) for h in head) + " |" for r in rows]
    refused = sum(1 for r in rows if str(r.get("status", "")).startswith("error: SolverError"))
    kept = sum(1 for r in rows if r.get("over target s") == 0.0)
    with_comp = sum(1 for r in rows if r.get("composition"))
    bad = sum(1 for r in rows if r.get("passes check") is False)
    load = os.getloadavg()[0]
    command = " ".join(["python", "benchmarks/time_limits/run.py", *sys.argv[1:]])
    text = "\n".join(
        [
            "## Time limits",
            "",
            f"{dt.date.today()} on {platform.machine()} ({os.cpu_count()} cores, shared; load "
            f"{load:.1f} at the end), Python {platform.python_version()}; command `{command}`.",
            "",
            f"Target: `solve` returns within `budget * 1.1 + 1` s. **{kept} of "
            f"{len(rows) - refused}** runs kept it ({refused} more were refused at once with a "
            "`SolverError` that says why: CP-SAT's pair model does not take a dissimilarity "
            f"matrix of 5,000); {with_comp} returned a composition, and {bad} returned one that "
            "breaks a rule. `build s` is the time to construct the problem (not counted); "
            "`note` says why CP-SAT gave up building its model where it did.",
            "",
            *lines,
        ]
    )
    print(text)
    if not args.no_write:
        write_section(text, ROOT / "docs" / "reliability.md")


if __name__ == "__main__":
    main()
