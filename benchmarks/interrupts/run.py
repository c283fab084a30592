"""Interrupt ``evocompose solve`` for real, many times, and check what it leaves behind.

Each run starts ``evocompose solve`` on the bundled Stevns files with a
120 s limit, waits until it says it is composing, waits a further delay,
then sends SIGINT (Ctrl-C) or SIGTERM. Reported per run: the backend, the
signal, the delay, the seconds from the signal to the process's exit, the
exit status, whether the output file exists, reads back, passes the
independent check and has its audit beside it, and whether a traceback or a
temporary ``.part`` file was left.

Writes the section ``## Interrupts`` of ``docs/reliability.md``.

Usage::

    .venv/bin/python benchmarks/interrupts/run.py --runs 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import evocompose as evo

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "stevns"
RELIABILITY = ROOT / "docs" / "reliability.md"
sys.path.insert(0, str(ROOT / "benchmarks"))
from results_md import write_section  # noqa: E402

INPUTS = [
    "--candidates",
    str(EXAMPLE / "candidates.xlsx"),
    "--ties",
    str(EXAMPLE / "ties.csv"),
    "--networks",
    str(EXAMPLE / "networks.toml"),
]


def one(
    solver: str, sig: signal.Signals, delay: float, folder: Path, start_at: str
) -> dict[str, object]:
    """One interrupted run: ``delay`` seconds after the line starting with ``start_at``."""
    out = folder / f"run-{solver}-{sig.name}-{delay:g}.csv"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evocompose.cli",
            "solve",
            *INPUTS,
            "--time-limit",
            "120",
            "--solver",
            solver,
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(start_at):
            break
    time.sleep(delay)
    sent = time.perf_counter()
    proc.send_signal(sig)
    rest, err = proc.communicate(timeout=120)
    seconds = time.perf_counter() - sent
    problem = evo.datasets.stevns(seed=0)
    passes = audit = False
    if out.exists():
        passes = evo.check(problem, evo.read_composition(out, problem)) == []
        audit = evo.io.audit_path(out).exists()
    return {
        "solver": solver,
        "signal": sig.name,
        "delay s": delay,
        "exit s": round(seconds, 2),
        "status": proc.returncode,
        "written": out.exists(),
        "passes check": passes,
        "audit": audit,
        "says so": "Interrupted by" in rest,
        "none found yet": "before any composition was found" in rest,
        "traceback": "Traceback" in err,
        "leftovers": len(list(folder.glob(".*.part"))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--after",
        default="Composing",
        help="count the delay from the output line starting with this (default: the solve's "
        "start; 'First composition' counts from the first composition)",
    )
    args = parser.parse_args()
    plan = itertools.cycle(
        itertools.product(
            ("cpsat", "search", "auto"), (signal.SIGINT, signal.SIGTERM), (1.0, 3.0, 6.0)
        )
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for _, (solver, sig, delay) in zip(range(args.runs), plan, strict=False):
            row = one(solver, sig, delay, Path(tmp), args.after)
            print(row, flush=True)
            rows.append(row)
    head = list(rows[0])
    table = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    table += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows]
    good = sum(
        1
        for r in rows
        if r["written"]
        and r["passes check"]
        and r["audit"]
        and not r["traceback"]
        and r["status"] == (130 if r["signal"] == "SIGINT" else 143)
    )
    early = sum(
        1
        for r in rows
        if r["none found yet"]
        and not r["written"]
        and not r["traceback"]
        and r["status"] == (130 if r["signal"] == "SIGINT" else 143)
    )
    exits = sorted(float(r["exit s"]) for r in rows)  # type: ignore[arg-type]
    load = os.getloadavg()[0]
    text = "\n".join(
        [
            "## Interrupts",
            "",
            f"{dt.date.today()} on {platform.machine()} ({os.cpu_count()} cores, shared; "
            f"load {load:.1f}), Python {platform.python_version()}; command "
            f"`python benchmarks/interrupts/run.py {' '.join(sys.argv[1:])}`.",
            "",
            f"`evocompose solve` (Stevns, 120 s limit) interrupted {len(rows)} times, the delay "
            f"shown after its output line starting with {args.after!r}. **"
            f"{good} of {len(rows)}** wrote the best composition found (it passes the "
            "independent check, its audit is beside it), said so and exited with 130 (Ctrl-C) "
            f"or 143 (SIGTERM), with no traceback; **{early}** were stopped before the backend "
            "had found any composition, said so, wrote nothing and exited with the same codes "
            f"({len(rows) - good - early} did neither). Seconds from the signal to the exit "
            f"(composition and audit written): median {exits[len(exits) // 2]:.2f}, "
            f"most {exits[-1]:.2f}.",
            "",
            *table,
        ]
    )
    print(text)
    write_section(text, RELIABILITY)


if __name__ == "__main__":
    main()
