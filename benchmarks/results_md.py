"""Shared by the benchmark scripts: replace one section of ``benchmarks/RESULTS.md``.

Each script owns one ``## ...`` section; :func:`write_section` replaces that
section (up to the next ``## `` heading) or appends it, leaving the others
untouched.
"""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(text: str, path: Path = RESULTS) -> None:
    """Replace (or append) the section whose heading is the first line of ``text``."""
    heading = text.splitlines()[0].rstrip()
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(heading)}[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
    section = text.rstrip("\n") + "\n\n"
    if pattern.search(old):
        new = pattern.sub(lambda _m: section, old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
