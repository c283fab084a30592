"""Every backend on many random tiny problems against brute force (``make properties``).

Runs ``tests/test_backend_properties.py`` with
``EVOCOMPOSE_PROPERTY_EXAMPLES=N`` (default 200 per backend: ``search``,
``auto``, ``cpsat``) and Hypothesis' statistics, and writes the section
``## Random problems across backends`` of ``docs/reliability.md``: problems
run per backend, how many were feasible (brute force found a composition),
the statuses returned, failures (a rule broken, a misreported objective, a
false INFEASIBLE or OPTIMAL, a bound below the optimum, nothing found where
a composition exists) and the time taken.

Usage::

    .venv/bin/python benchmarks/properties/run.py            # 200 per backend
    .venv/bin/python benchmarks/properties/run.py --examples 50 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("search", "auto", "cpsat")
_PASSING = re.compile(r"(\d+) passing, (\d+) failing, and (\d+) invalid")
_EVENT = re.compile(r"^\s*\*\s*([\d.]+)%,\s*(.+?)\s*$")


def _sections(output: str) -> dict[str, str]:
    """Hypothesis' statistics block of each test, by backend."""
    out: dict[str, str] = {}
    for backend in BACKENDS:
        name = f"test_{backend}_keeps_every_promise"
        at = output.find(name + ":")
        if at < 0:
            continue
        nxt = output.find("test_backend_properties.py::", at + len(name))
        out[backend] = output[at : nxt if nxt > 0 else len(output)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=200, help="problems per backend")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    env = dict(os.environ, EVOCOMPOSE_PROPERTY_EXAMPLES=str(args.examples))
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            "tests/test_backend_properties.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    output = run.stdout + run.stderr
    rows = []
    total = failing_total = 0
    for backend, block in _sections(output).items():
        passing = failing = 0
        with_events = 0  # problems of the phases that report events (replays do not)
        counts: dict[str, float] = {}  # problems per event, over Hypothesis' phases
        for phase in block.split("  - during ")[1:]:
            found = _PASSING.search(phase)
            if found is None:
                continue
            n = int(found.group(1)) + int(found.group(2))
            tried = n + int(found.group(3))  # Hypothesis' shares count rejected draws too
            passing += int(found.group(1))
            failing += int(found.group(2))
            if "Events:" in phase:
                with_events += n
            for line in phase.splitlines():
                event = _EVENT.match(line)
                if event is not None:
                    counts[event.group(2)] = (
                        counts.get(event.group(2), 0.0) + float(event.group(1)) * tried / 100
                    )
        events = {name: 100 * k / max(1, with_events) for name, k in counts.items()}
        feasible = events.get("feasible", 0.0)
        statuses = ", ".join(
            f"{name.split(': ', 1)[1]} {share:.0f} %"
            for name, share in sorted(events.items())
            if name.startswith(f"{backend}: ")
        )
        total += passing + failing
        failing_total += failing
        rows.append(
            f"| {backend} | {passing + failing} | {feasible:.0f} % | {statuses} | {failing} |"
        )
    verdict = "passed" if run.returncode == 0 else f"FAILED (pytest exit {run.returncode})"
    command = " ".join(["python", "benchmarks/properties/run.py", *sys.argv[1:]])
    text = "\n".join(
        [
            "## Random problems across backends",
            "",
            f"{dt.date.today()} on {platform.machine()} ({os.cpu_count()} cores, shared; load "
            f"{os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}; command "
            f"`{command}` (`make properties`), {seconds / 60:.1f} min; the suite {verdict}.",
            "",
            f"**{total}** random problems with every rule kind (at most seven people, "
            "`tests/test_cpsat_bruteforce.py`'s generator), each solved by one backend and "
            "judged against brute force: the composition passes `check` and the oracle, its "
            "objective is the reference one, a composition comes back whenever one exists, "
            "INFEASIBLE only when brute force finds none, OPTIMAL only with a gap of exactly 0 "
            f"and the optimum, no bound below the optimum. Failures: **{failing_total}**. "
            "Feasible share and statuses are over the problems Hypothesis generated (its events; "
            "the few it replays from its example database report none).",
            "",
            "| backend | problems | feasible | statuses returned | failures |",
            "|---|---:|---:|---|---:|",
            *rows,
        ]
    )
    print(text)
    if run.returncode != 0:
        print(output[-4000:], file=sys.stderr)
    if not args.no_write:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from results_md import write_section

        write_section(text, ROOT / "docs" / "reliability.md")
    sys.exit(0 if run.returncode == 0 else 1)


if __name__ == "__main__":
    main()
