"""Side-by-side tuning runs of the CP-SAT composer on the Stevns case.

Each run solves ``stevns(seed, n=250)`` once per (seed, time limit, backend,
parameter set) and appends one JSON line (objective, bound, gap, status) to
a results file; ``table`` prints the averages as a Markdown table, one row
per (label, parameter set, backend, time limit), with one column per seed.

The code under test is whatever ``evocompose`` the interpreter imports, so a
"before" snapshot can be measured side by side with the working tree (the
commands behind the table in the report)::

    cp -r evocompose /tmp/evo_before/           # snapshot, before the change
    PYTHONPATH=/tmp/evo_before .venv/bin/python benchmarks/composer/tune.py run \
        --label before                          # run twice
    .venv/bin/python benchmarks/composer/tune.py run --label after   # twice
    .venv/bin/python benchmarks/composer/tune.py table --labels before after
    # parameter sets, CP-SAT alone and auto, 10 s:
    .venv/bin/python benchmarks/composer/tune.py run --label after --backends cpsat \
        --times 10 --repeat 2 --out benchmarks/composer/tune_params.jsonl \
        --params max_lp,max_lp+quick_restart,max_lp+quick_restart_no_lp,max_lp+core,portfolio,symmetry4
    .venv/bin/python benchmarks/composer/tune.py table --out benchmarks/composer/tune_params.jsonl

Parameter sets (``--params``) replace the subsolver choice made by
``evocompose.solvers.cpsat.solve._parameters`` (``default`` keeps it).
The machine is shared: repeat runs (``--repeat``) and compare averages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import evocompose
import evocompose.solvers.cpsat.solve as cpsat_solve
from evocompose.datasets.stevns_generator import stevns
from evocompose.solve import solve

RESULTS = Path(__file__).resolve().parent / "tune_results.jsonl"

Tweak = Callable[[Any, int], None]


def _subsolvers(*names: str) -> Tweak:
    def tweak(p: Any, workers: int) -> None:
        p.subsolvers.clear()
        p.extra_subsolvers.clear()
        p.subsolvers.extend(names)

    return tweak


def _portfolio(p: Any, workers: int) -> None:
    p.subsolvers.clear()
    p.extra_subsolvers.clear()


def _symmetry(p: Any, workers: int) -> None:
    p.symmetry_level = 4


def _no_lin2(p: Any, workers: int) -> None:
    p.linearization_level = 1


PARAMS: dict[str, Tweak | None] = {
    "default": None,
    "max_lp": _subsolvers("max_lp"),
    "max_lp+quick_restart": _subsolvers("max_lp", "quick_restart"),
    "max_lp+quick_restart_no_lp": _subsolvers("max_lp", "quick_restart_no_lp"),
    "max_lp+core": _subsolvers("max_lp", "core"),
    "max_lp+default_lp": _subsolvers("max_lp", "default_lp"),
    "max_lp+lns": _subsolvers("max_lp", "graph_var_lns"),
    "portfolio": _portfolio,
    "symmetry4": _symmetry,
    "lin1": _no_lin2,
}


def _patch(name: str) -> None:
    """Wrap ``_parameters`` of the CP-SAT backend with the tweak ``name``."""
    tweak = PARAMS[name]
    if tweak is None:
        return
    original = cpsat_solve._parameters

    def patched(
        solver: Any,
        time_limit: float,
        seed: int,
        workers: int,
        log: bool,
        num_variables: int = 0,
        deterministic: bool = False,
    ) -> None:
        original(solver, time_limit, seed, workers, log, num_variables, deterministic)
        tweak(solver.parameters, workers)

    cpsat_solve._parameters = patched  # type: ignore[assignment]


def run(args: argparse.Namespace) -> None:
    """Solve every combination and append the results to ``args.out``."""
    _patch(args.params)
    out = Path(args.out)
    for _ in range(args.repeat):
        for seed in args.seeds:
            problem = stevns(seed=seed, n=250)
            for backend in args.backends:
                for limit in args.times:
                    t0 = time.perf_counter()
                    r = solve(
                        problem, time_limit=limit, workers=args.workers, seed=seed, solver=backend
                    )
                    row = {
                        "label": args.label,
                        "params": args.params,
                        "backend": backend,
                        "seed": seed,
                        "time": limit,
                        "workers": args.workers,
                        "status": str(r.status),
                        "objective": r.objective,
                        "bound": r.bound,
                        "gap": r.gap,
                        "wall": time.perf_counter() - t0,
                        "code": str(Path(evocompose.__file__).parent),
                    }
                    print(json.dumps(row), flush=True)
                    with out.open("a", encoding="utf-8") as fh:
                        fh.write(json.dumps(row) + "\n")


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v:.2%}" if pct else f"{v:,.1f}"


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def table(args: argparse.Namespace) -> None:
    """Print the Markdown table of the averages in ``args.out``."""
    rows = [json.loads(line) for line in Path(args.out).read_text().splitlines() if line.strip()]
    if args.labels:
        rows = [r for r in rows if r["label"] in args.labels]
    seeds = sorted({r["seed"] for r in rows})
    keys: list[tuple[str, str, str, float]] = []
    for r in rows:
        k = (r["label"], r["params"], r["backend"], r["time"])
        if k not in keys:
            keys.append(k)
    keys.sort(key=lambda k: (k[2], k[3], k[0], k[1]))
    head = ["label", "params", "backend", "time (s)"]
    head += [f"seed {s} obj / bound / gap" for s in seeds]
    head += ["mean obj", "mean bound", "mean gap", "runs"]
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join(["---"] * 4 + ["---:"] * (len(head) - 4)) + " |")
    for k in keys:
        sel = [r for r in rows if (r["label"], r["params"], r["backend"], r["time"]) == k]
        cells = [k[0], k[1], k[2], f"{k[3]:g}"]
        for s in seeds:
            rs = [r for r in sel if r["seed"] == s]
            if not rs:
                cells.append("—")
                continue
            obj = _mean([r["objective"] for r in rs if r["objective"] is not None])
            bnd = _mean([r["bound"] for r in rs if r["bound"] is not None])
            gap = _mean([r["gap"] for r in rs if r["gap"] is not None])
            cells.append(f"{_fmt(obj)} / {_fmt(bnd)} / {_fmt(gap, True)}")
        cells.append(_fmt(_mean([r["objective"] for r in sel if r["objective"] is not None])))
        cells.append(_fmt(_mean([r["bound"] for r in sel if r["bound"] is not None])))
        cells.append(_fmt(_mean([r["gap"] for r in sel if r["gap"] is not None]), True))
        cells.append(str(len(sel)))
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    """Command line: ``run`` or ``table``."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="solve and append results")
    r.add_argument("--label", required=True, help="e.g. before / after")
    r.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    r.add_argument("--times", type=float, nargs="+", default=[10.0, 30.0])
    r.add_argument("--backends", nargs="+", default=["cpsat", "auto"])
    r.add_argument("--params", default="default", help="comma-separated: " + ", ".join(PARAMS))
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--repeat", type=int, default=1)
    r.add_argument("--out", default=str(RESULTS))
    t = sub.add_parser("table", help="print the Markdown table")
    t.add_argument("--labels", nargs="*", default=None)
    t.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()
    if args.cmd == "run":
        for name in args.params.split(","):
            one = argparse.Namespace(**{**vars(args), "params": name})
            run(one)
            cpsat_solve._parameters = _ORIGINAL  # type: ignore[assignment]
    else:
        table(args)


_ORIGINAL = cpsat_solve._parameters

if __name__ == "__main__":
    main()
