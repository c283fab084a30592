"""The HTML report and the documentation site open in a real browser (headless Chromium).

Debian's ``chromium`` package is installed by ``.ci/run``, which also sets
``EVOCOMPOSE_REQUIRE_BROWSER=1`` so that CI fails, instead of skipping, when
it is missing. Each page is loaded twice: once to dump the DOM as the
browser built it (every network title and every plot must be there) while
the browser's log is read for console errors and failed loads, and once for
a screenshot (kept under ``out/screenshots``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import notebook_run
import pytest

import evocompose as evo

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "out" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("EVOCOMPOSE_REQUIRE_BROWSER") == "1":
        pytest.fail(
            "EVOCOMPOSE_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install chromium)"
        )
    pytest.skip("no chromium on PATH: install Debian's chromium to run the browser tests")


def _load(page: Path, tmp_path: Path, shot: str) -> tuple[str, str]:
    """The DOM after loading ``page``, and the browser's log; writes a screenshot."""
    browser = _browser()
    url = page.resolve().as_uri()
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [browser, *FLAGS, *profile, "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    SHOTS.mkdir(parents=True, exist_ok=True)
    png = SHOTS / shot
    snap = subprocess.run(
        [browser, *FLAGS, *profile, f"--screenshot={png}", "--window-size=1280,2400", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert snap.returncode == 0 and png.stat().st_size > 10_000, snap.stderr[-2000:]
    return dom.stdout, dom.stderr + snap.stderr


def _console_errors(log: str) -> list[str]:
    bad = re.compile(r"CONSOLE.*(Uncaught|Error|error)|Failed to load resource|net::ERR_")
    return [line for line in log.splitlines() if bad.search(line)]


def test_html_report_in_a_browser(tmp_path: Path) -> None:
    problem = evo.datasets.stevns(seed=0, n=120)
    ours = evo.handpick(problem, "random", seed=1)
    hand = evo.handpick(problem, "snowball")
    files = evo.report(
        problem, ours, tmp_path / "rapport", compare_with={"styregruppen": hand}, null_samples=20
    )
    dom, log = _load(files.html, tmp_path, "report_da.png")
    assert _console_errors(log) == []
    for spec in problem.networks:
        assert spec.theme in dom
    assert dom.count("<svg") == len(problem.networks) + 1  # one per network and the comparison
    assert "Sammenligning" in dom and "Regler" in dom


def test_docs_site_index_in_a_browser(tmp_path: Path) -> None:
    site = ROOT / "out" / "site"
    if not (site / "index.html").exists():  # make test builds the site before pytest
        if not notebook_run.EXECUTED.is_file():  # the site shows the executed notebook
            subprocess.run(
                [sys.executable, str(ROOT / "tests" / "notebook_run.py")],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        subprocess.run(
            [str(Path(sys.executable).with_name("mkdocs")), "build", "--site-dir", str(site)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    dom, log = _load(site / "index.html", tmp_path, "docs_index.png")
    assert _console_errors(log) == []
    assert "evocompose" in dom and "Getting started" in dom
    for page in ("formats", "objective", "solvers", "architecture", "reference/api"):
        assert (site / page / "index.html").exists(), page
