"""Mutation score of the yardstick, per file, from a finished ``mutmut run``.

Run from the repository root after ``mutmut run`` (``make mutate`` does both):

    python benchmarks/mutation/report.py [--write] [--survivors]

Reads ``mutants/**/*.py.meta`` (mutmut's results), prints one row per mutated
file (mutants, killed, survived, no test reached it, timeouts, score) and,
with ``--survivors``, the name of every surviving mutant (``mutmut show NAME``
prints its diff). ``--write`` replaces the section ``## Mutation testing`` of
``benchmarks/RESULTS.md``. The score counts killed and timed-out mutants over
all mutants that were run (a stopped run leaves some "not run"); a mutant no
selected test reaches counts as surviving.

Why each survivor is harmless (or what test it calls for) is written by hand in
``docs/reliability.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing as mp
import platform
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: results_md
from results_md import write_section

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "mutants"

#: mutmut's exit codes, as its ``stats.status_by_exit_code`` reads them.
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
    37: "type check",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    -11: "segfault",
    -9: "segfault",
    None: "not checked",
}


def load() -> dict[str, dict[str, str]]:
    """``{source file: {mutant name: status}}`` for every file mutmut mutated."""
    out: dict[str, dict[str, str]] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        source = str(meta.relative_to(MUTANTS))[: -len(".meta")]
        out[source] = {k: STATUS.get(v, "suspicious") for k, v in data["exit_code_by_key"].items()}
    return out


def table(results: dict[str, dict[str, str]]) -> tuple[list[str], list[str]]:
    """Markdown table lines and the surviving mutants' names."""
    lines = [
        "| file | mutants | not run | killed | survived | no test | timeout | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    survivors: list[str] = []
    total: Counter[str] = Counter()
    for source, by_name in results.items():
        c = Counter(by_name.values())
        total.update(c)
        survivors += [n for n, s in by_name.items() if s in ("survived", "no tests")]
        lines.append(_row(source, c))
    lines.append(_row("**all**", total))
    return lines, survivors


def _row(label: str, c: Counter[str]) -> str:
    n = sum(c.values())
    run = n - c["not checked"]
    dead = c["killed"] + c["timeout"]
    score = f"{100 * dead / run:.1f} %" if run else "-"
    return (
        f"| {label} | {n} | {c['not checked']} | {c['killed']} | {c['survived']} "
        f"| {c['no tests']} | {c['timeout']} | {score} |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    ap.add_argument("--survivors", action="store_true", help="list every surviving mutant")
    args = ap.parse_args(argv)
    results = load()
    if not results:
        print("no mutmut results under mutants/: run `make mutate` (or `mutmut run`) first")
        return 1
    lines, survivors = table(results)
    print("\n".join(lines))
    if args.survivors:
        print("\nsurviving mutants (`mutmut show NAME` prints the change):")
        print("\n".join(f"  {n}" for n in survivors))
    if args.write:
        text = "\n".join(
            [
                "## Mutation testing",
                "",
                "Mutants of the checker, the objective, the metrics and the data validation "
                "against the tests marked `yardstick` (`tests/conftest.py`); why each survivor "
                "is harmless is in `docs/reliability.md`.",
                "",
                f"Date: {datetime.date.today().isoformat()}. Machine: {platform.machine()}, "
                f"{mp.cpu_count()} cores (shared with other jobs), Python "
                f"{platform.python_version()}. Command: `make mutate` "
                "(`mutmut run --max-children 2`, then `python benchmarks/mutation/report.py --write`).",
                "",
                *lines,
            ]
        )
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
