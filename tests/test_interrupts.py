"""Ctrl-C and SIGTERM: every backend stops within a second and keeps its best composition.

In-process tests ask for the stop with :func:`stopping.request` or send the
signal from inside the run (a progress callback), never from a timer: a
signal that arrived after the run would hit pytest itself. The command line
is interrupted for real, in a subprocess.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import evocompose as evo
from evocompose import cli
from evocompose.datasets.mdgplib import MDGPInstance, problem_from_instance
from evocompose.result import Progress
from evocompose.solvers import stopping

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "stevns"
INPUTS = [
    "--candidates",
    str(EXAMPLE / "candidates.xlsx"),
    "--ties",
    str(EXAMPLE / "ties.csv"),
    "--networks",
    str(EXAMPLE / "networks.toml"),
]
#: Seconds a stopped solve may take beyond the moment of the stop (the issue's one second,
#: plus room for a loaded 2-core machine; measured figures are in docs/reliability.md).
GRACE = 2.5

# the stops are timed against the wall clock: under `make pytest` (two xdist workers)
# these tests run alone (conftest.py), as the margin above was measured
pytestmark = pytest.mark.serial


def _grouping_problem(n: int = 200, groups: int = 20) -> evo.Problem:
    rng = np.random.default_rng(3)
    matrix = rng.random((n, n))
    matrix = (matrix + matrix.T) / 2
    np.fill_diagonal(matrix, 0.0)
    size = np.full(groups, n // groups)
    return problem_from_instance(MDGPInstance("random", n, groups, "ss", size, size, matrix))


def _stop_after_first(delay: float) -> tuple[list[float], object]:
    """A progress callback that asks for the stop ``delay`` seconds after the first composition."""
    asked: list[float] = []

    def on_progress(p: Progress) -> None:
        if not asked:
            asked.append(time.perf_counter())

            def later() -> None:
                time.sleep(delay)
                stopping.request("SIGINT")

            threading.Thread(target=later, daemon=True).start()

    return asked, on_progress


@pytest.mark.parametrize("solver", ["cpsat", "search", "auto"])
def test_a_stop_request_ends_every_backend_with_its_best(solver: str) -> None:
    problem = evo.datasets.stevns(seed=0)
    asked, on_progress = _stop_after_first(0.5)
    started = time.perf_counter()
    result = evo.solve(problem, time_limit=60, solver=solver, progress=on_progress)  # type: ignore[arg-type]
    ended = time.perf_counter()
    assert asked, "no composition was reported before the stop"
    assert result.interrupted == "SIGINT"
    assert result.composition is not None
    assert evo.check(problem, result.composition) == []
    assert ended - (asked[0] + 0.5) < GRACE, f"{solver} took {ended - asked[0] - 0.5:.2f} s"
    assert ended - started < 30
    assert result.diagnosis is None
    assert "Stopped early by Ctrl-C" in result.summary()
    assert not stopping.requested()  # the request ends with the run


def test_the_mdgp_engine_stops_too(warm_mdgp_kernels: None) -> None:
    problem = _grouping_problem()
    asked, on_progress = _stop_after_first(0.3)
    result = evo.solve(problem, time_limit=60, solver="mdgp", progress=on_progress)  # type: ignore[arg-type]
    assert result.interrupted == "SIGINT"
    assert result.composition is not None and evo.check(problem, result.composition) == []
    assert time.perf_counter() - (asked[0] + 0.3) < GRACE


def test_a_real_sigint_inside_the_run_is_caught_not_raised() -> None:
    problem = evo.datasets.stevns(seed=0)
    sent: list[float] = []

    def on_progress(p: Progress) -> None:
        if not sent:
            sent.append(time.perf_counter())
            os.kill(os.getpid(), signal.SIGINT)  # delivered to the main thread's handler

    previous = signal.getsignal(signal.SIGINT)
    result = evo.solve(problem, time_limit=60, solver="cpsat", progress=on_progress)
    assert signal.getsignal(signal.SIGINT) is previous  # handlers are put back
    assert result.interrupted == "SIGINT" and result.composition is not None
    assert time.perf_counter() - sent[0] < GRACE


def test_a_second_signal_raises_keyboard_interrupt_at_once() -> None:
    release = threading.Event()

    def stubborn() -> int:
        os.kill(os.getpid(), signal.SIGINT)  # the first: a stop is requested ...
        time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGINT)  # ... the second ends the wait
        release.wait(10)  # work that never looks at the request
        return 1

    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        stopping.run_stoppable(stubborn)
    release.set()
    assert time.perf_counter() - started < 3
    assert not stopping.requested()


def test_nested_runs_share_the_outer_request_and_errors_pass_through() -> None:
    def inner() -> str:
        stopping.request("SIGTERM")
        value, by = stopping.run_stoppable(lambda: "inner")
        assert by == "SIGTERM"
        return value

    assert stopping.run_stoppable(inner) == ("inner", "SIGTERM")
    assert stopping.stopped_by() is None

    def broken() -> None:
        raise ValueError("from the worker")

    with pytest.raises(ValueError, match="from the worker"):
        stopping.run_stoppable(broken)


def test_request_outside_a_run_does_nothing() -> None:
    stopping.request()
    assert not stopping.requested()
    result = evo.solve(evo.datasets.tiny(), time_limit=5)
    assert result.interrupted is None and result.status.value == "OPTIMAL"


def _cli(out: Path, extra: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evocompose.cli",
            "solve",
            *INPUTS,
            "--time-limit",
            "120",
            "--solver",
            "cpsat",
            "--out",
            str(out),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupt_cli(out: Path, sig: int, after: float = 0.5) -> tuple[int, str, str, float]:
    """Run ``evocompose solve``, send ``sig`` ``after`` s after its first composition; (code, out, err, s)."""
    proc = _cli(out, [])
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:  # wait until it has a composition to keep
        lines.append(line)
        if line.startswith("First composition after"):
            break
    time.sleep(after)
    sent = time.perf_counter()
    proc.send_signal(sig)
    rest, err = proc.communicate(timeout=60)
    return proc.returncode, "".join(lines) + rest, err, time.perf_counter() - sent


@pytest.mark.parametrize(
    ("sig", "code", "how"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")]
)
def test_the_cli_writes_the_best_composition_when_interrupted(
    tmp_path: Path, sig: int, code: int, how: str
) -> None:
    out = tmp_path / "forslag.csv"
    returncode, stdout, stderr, seconds = interrupt_cli(out, sig)
    assert returncode == code, stderr
    assert "Traceback" not in stderr
    assert f"Interrupted by {how}" in stdout and f"Stopped early by {how}" in stdout
    problem = evo.datasets.stevns(seed=0)
    written = evo.read_composition(out, problem)
    assert evo.check(problem, written) == []
    assert evo.read_audit(out).fingerprint  # the audit is beside it
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert seconds < 15  # it stopped instead of running to its 120 s


def test_ctrl_c_or_sigterm_outside_the_solve_ends_quietly_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "forslag.csv"

    def interrupted_reading(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_problem", interrupted_reading)
    assert cli.main(["solve", *INPUTS, "--out", str(out)]) == 130
    assert "interrupted; no file was written" in capsys.readouterr().err

    def terminated_reading(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # the CLI's handler turns it into a quiet end
        time.sleep(1)

    previous = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(cli, "load_problem", terminated_reading)
    assert cli.main(["solve", *INPUTS, "--out", str(out)]) == 143
    assert "stopped by SIGTERM" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is previous
    assert not out.exists()
