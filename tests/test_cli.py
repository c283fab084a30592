"""The command line: summary, solve, check and the one-line error contract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import evocompose as evo
from evocompose.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "stevns"
INPUTS = [
    "--candidates",
    str(EXAMPLE / "candidates.xlsx"),
    "--ties",
    str(EXAMPLE / "ties.csv"),
    "--networks",
    str(EXAMPLE / "networks.toml"),
]


def test_summary_prints_the_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", *INPUTS]) == 0
    out = capsys.readouterr().out
    assert "250 candidates" in out and "Fødevarer og Jordbrug" in out


def test_solve_writes_a_feasible_composition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "composition.csv"
    args = ["solve", *INPUTS, "--time-limit", "6", "--quiet", "--out", str(out), "--pseudonymise"]
    assert main(args) == 0
    frame = pd.read_csv(out, dtype=str)
    assert {"network", "candidate_id"} <= set(frame.columns)
    assert "name" not in frame.columns  # pseudonymised export
    problem = evo.datasets.stevns(seed=0)
    assert evo.check(problem, evo.read_composition(out, problem)) == []
    assert "Gap" in capsys.readouterr().out


def test_check_lists_violations_of_a_hand_picked_proposal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = evo.datasets.stevns(seed=0)
    proposal = evo.handpick(problem, "snowball", seed=0)
    path = evo.write_composition(proposal, tmp_path / "hand.xlsx")
    assert main(["check", *INPUTS, "--composition", str(path)]) == 1
    out = capsys.readouterr().out
    assert "rule violation(s)" in out and "[" in out


def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.read_excel(EXAMPLE / "candidates.xlsx", dtype=str)
    frame.loc[4, "actor_type"] = "pirate"  # spreadsheet row 6
    bad = tmp_path / "cands.csv"
    frame.to_csv(bad, index=False)
    code = main(["summary", "--candidates", str(bad), "--networks", str(EXAMPLE / "networks.toml")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("evocompose: error:") and err.count("\n") == 1
    for part in ("cands.csv", "row 6", "actor_type", "pirate"):
        assert part in err
    assert "Traceback" not in err


def test_report_writes_workbook_and_page_against_a_proposal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = evo.datasets.stevns(seed=0)
    ours = evo.write_composition(evo.handpick(problem, "random", seed=1), tmp_path / "ours.xlsx")
    theirs = evo.write_composition(evo.handpick(problem, "snowball"), tmp_path / "forslag.csv")
    args = ["report", *INPUTS, "--composition", str(ours), "--out", str(tmp_path / "rapport")]
    args += ["--compare-with", f"styregruppen={theirs}", "--pseudonymise"]
    assert main(args) == 0
    assert "rapport.xlsx" in capsys.readouterr().out
    page = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "Sammenligning" in page and "styregruppen" in page and "Fødevarer og Jordbrug" in page
    assert main([*args[:-3], "--compare-with", "no-equals-sign"]) == 2
    assert "LABEL=FILE" in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evocompose.cli import _ProgressBar
    from evocompose.result import Progress

    bar = _ProgressBar(5.0)
    bar(Progress(1.0, 1234.5, 1300.0, "cpsat"))
    fields = bar.progress.tasks[0].fields
    assert fields["best"] == "objective 1,234.5  bound 1,300.0  gap 5.04%"
    out = tmp_path / "c.csv"
    args = ["solve", *INPUTS, "--time-limit", "3", "--out", str(out), "--solver", "search"]
    main(args)  # stdout is captured here, not a terminal: no bar
    assert "composing" not in capsys.readouterr().out
