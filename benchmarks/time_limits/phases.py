"""Where the time goes before a large problem's first composition: the work outside the solvers' kernels.

For each instance of ``run.py`` (built once per checkout, in a subprocess)
the seconds of the steps that are plain Python and grow with the input:

* ``fingerprint``: :func:`evocompose.problem_fingerprint` (the audit's digest);
* ``search arrays``: the compiled search's :class:`Compiled` problem;
* ``closed-form bound``: :func:`evocompose.bounds.closed_form_bound`;
* ``counting``: the counting arguments of the diagnosis
  (:func:`evocompose.diagnose.counting_findings`);
* ``reduced problem``: ``problem.replace(excluded=...)`` with all but 1 %
  of the candidates excluded (the search's CP-SAT start);
* ``construction + repair``: the search's first composition from its
  arrays (compiled kernels, not plain Python, but the step that grows
  with the pool before anything is found).

The CP-SAT model of that reduced problem is not timed: before adaaa0a its
variables alone took 430 s on 100,000 candidates (each pair scanned the
tuple of excluded ids), which would hold the table up for minutes.

With ``--baseline PATH`` the same steps run on another checkout in the
same run (same interpreter and packages, ``PYTHONPATH`` pointing at it), so
the ratios are measured side by side. The compiled kernels are loaded
before anything is timed. A step a checkout lacks is shown as ``—``.

Usage::

    .venv/bin/python benchmarks/time_limits/phases.py --instances pool-100k,ties-2M
    .venv/bin/python benchmarks/time_limits/phases.py --baseline /tmp/evo_prev
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

ROOT = Path(__file__).resolve().parents[2]
STEPS = (
    "fingerprint",
    "search arrays",
    "closed-form bound",
    "counting",
    "reduced problem",
    "construction + repair",
)

CHILD = r"""
import dataclasses, importlib.util, json, sys, time
import numpy as np
spec = importlib.util.spec_from_file_location("tl", sys.argv[1])
tl = importlib.util.module_from_spec(spec); spec.loader.exec_module(tl)
from evocompose.solvers.search.engine import load_kernels
load_kernels()
problem = tl.build(sys.argv[2])
out = {}

def timed(name, fn):
    try:
        t = time.perf_counter(); value = fn(); out[name] = time.perf_counter() - t
        return value
    except Exception as exc:  # a step this checkout lacks or fails on
        out[name] = None
        out[name + " error"] = f"{type(exc).__name__}: {str(exc)[:80]}"

from evocompose.audit import problem_fingerprint
timed("fingerprint", lambda: problem_fingerprint(problem))
from evocompose.solvers.search.state import Compiled
timed("search arrays", lambda: Compiled(problem))
from evocompose.bounds import closed_form_bound
timed("closed-form bound", lambda: closed_form_bound(problem))
from evocompose.diagnose import counting_findings
timed("counting", lambda: counting_findings(problem))
ids = problem.pool.ids
keep = set(ids[:: 100]) | set(problem.required)
for spec in problem.networks:
    keep |= set(spec.include)
for pair in problem.must_pairs:
    if keep & set(pair):
        keep |= set(pair)
drop = tuple(i for i in ids if i not in keep)
timed("reduced problem", lambda: problem.replace(excluded=drop))
from evocompose.solvers.search.engine import Engine
engine = Engine(Compiled(problem), seed=0)

def first_composition():
    S = engine.construct()
    left = engine.repair(S, time.perf_counter() + 60.0)
    out["violations left"] = int(left)

timed("construction + repair", first_composition)
print(json.dumps(out))
"""


def measure(checkout: Path, instance: str) -> dict[str, float | None]:
    """The steps' seconds on ``instance`` with the package of ``checkout``."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(ROOT / "benchmarks" / "time_limits" / "run.py"),
            instance,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=checkout,
        timeout=3600,
    )
    if run.returncode != 0:
        return {"error": run.stderr.strip().splitlines()[-1] if run.stderr else "failed"}  # type: ignore[dict-item]
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", default="pool-100k,ties-2M")
    ap.add_argument("--baseline", default=None, help="another checkout, measured in the same run")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    checkouts = [("this", ROOT)]
    if args.baseline:
        checkouts.insert(0, ("baseline", Path(args.baseline).resolve()))
    rows = []
    for instance in args.instances.split(","):
        got = {label: measure(path, instance) for label, path in checkouts}
        print(instance, json.dumps(got), flush=True)
        for step in STEPS:
            cells = [got[label].get(step) for label, _ in checkouts]
            ratio = ""
            if len(cells) == 2 and cells[0] and cells[1]:
                ratio = f"{cells[0] / cells[1]:.1f}×"
            shown = ["—" if c is None else f"{c:.2f}" for c in cells]
            rows.append(f"| {instance} | {step} | " + " | ".join(shown) + f" | {ratio} |")
    labels = [label for label, _ in checkouts]
    head = "| instance | step | " + " | ".join(f"{x} (s)" for x in labels) + " | faster |"
    command = " ".join(["python", "benchmarks/time_limits/phases.py", *sys.argv[1:]])
    text = "\n".join(
        [
            "## Large inputs: the steps outside the solvers",
            "",
            f"{dt.date.today()} on {platform.machine()} ({os.cpu_count()} cores, shared; load "
            f"{os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}; command "
            f"`{command}`"
            + (f"; baseline: the checkout at `{args.baseline}`" if args.baseline else "")
            + ".",
            "",
            "Seconds of the plain-Python steps that grow with the input (see the script's "
            "docstring). Since 7a4f6a1 the fingerprint is not made inside `solve` at all: the "
            "audit makes it when first read, once per problem object.",
            "",
            head,
            "|---|---|" + "---:|" * (len(labels) + 1),
            *rows,
        ]
    )
    print(text)
    if not args.no_write:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from results_md import write_section

        write_section(text, ROOT / "docs" / "reliability.md")


if __name__ == "__main__":
    main()
