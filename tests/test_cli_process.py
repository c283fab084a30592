"""The process commands: diagnose, recompose, explain, renew and reproduce, from the files of solve."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import evocompose as evo
from evocompose.cli import main
from evocompose.io import read_audit

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "stevns"


def _inputs(networks: Path | None = None) -> list[str]:
    return [
        "--candidates",
        str(EXAMPLE / "candidates.xlsx"),
        "--ties",
        str(EXAMPLE / "ties.csv"),
        "--networks",
        str(networks or EXAMPLE / "networks.toml"),
    ]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "round1.xlsx"
    args = ["solve", *_inputs(), "--time-limit", "0.5", "--solver", "search", "--quiet"]
    assert main([*args, "--deterministic", "--out", str(out)]) == 0
    return out


def test_solve_writes_the_audit_and_reproduce_repeats_it(
    solved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit = read_audit(solved)
    assert audit.call == "solve" and audit.backend == "search" and audit.deterministic
    capsys.readouterr()
    assert main(["reproduce", *_inputs(), "--composition", str(solved)]) == 0
    assert "The same composition came back" in capsys.readouterr().out


def test_diagnose_explains_an_impossible_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (EXAMPLE / "networks.toml").read_text(encoding="utf-8")
    old = 'values = ["agriculture"]\nmin = 2'
    assert old in text
    bad = tmp_path / "networks.toml"
    bad.write_text(text.replace(old, 'values = ["agriculture"]\nmin = 12', 1), encoding="utf-8")
    args = ["diagnose", *_inputs(bad), "--time-limit", "15", "--language", "da"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "Netværkene kan ikke sammensættes" in out and "Fødevarer og Jordbrug" in out
    assert main(["diagnose", *_inputs(), "--time-limit", "10"]) == 0
    assert "can all be kept" in capsys.readouterr().out


def test_recompose_repairs_declines_and_writes_the_audit(
    solved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = evo.datasets.stevns(seed=0)
    previous = evo.read_composition(solved, problem)
    gone = previous.members["food"][0]
    keep = previous.members["food"][1]
    out = tmp_path / "round1b.json"
    args = [
        "recompose",
        *_inputs(),
        "--previous",
        str(solved),
        "--declined",
        f"{gone}:food",
        "--accepted",
        keep,
        "--time-limit",
        "8",
        "--out",
        str(out),
        "--pseudonymise",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "declined" in printed and "Wrote" in printed
    new = evo.read_composition(out, problem)
    assert gone not in new.members["food"] and keep in new.members["food"]
    assert evo.check(problem, new) == []
    assert read_audit(out).call == "recompose"
    assert "name" not in out.read_text(encoding="utf-8").split('"audit"')[0]


def test_explain_prints_reasons_and_why_not(
    solved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = evo.datasets.stevns(seed=0)
    comp = evo.read_composition(solved, problem)
    outside = next(c.id for c in problem.pool if c.id not in comp.placed())
    out = tmp_path / "why.csv"
    args = ["explain", *_inputs(), "--composition", str(solved), "--why-not", outside]
    assert main([*args, "--time-limit", "0", "--out", str(out), "--pseudonymise"]) == 0
    printed = capsys.readouterr().out
    assert "counts toward" in printed and f"Why not {outside}?" in printed
    frame = pd.read_csv(out, dtype=str)
    assert "name" not in frame.columns and len(frame) == sum(len(m) for m in comp.members.values())


@pytest.mark.serial  # a composition within 6 s of wall clock: runs alone under xdist (conftest.py)
def test_renew_composes_the_next_round(
    solved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "round2.csv"
    args = ["renew", *_inputs(), "--history", str(solved), "--keep", "0.5", "--time-limit", "6"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Round 2:" in printed and "continuing members" in printed
    assert read_audit(out).call == "renew"
    problem = evo.datasets.stevns(seed=0)
    assert evo.check(problem, evo.read_composition(out, problem)) == []


def test_bad_keep_is_one_line_and_exit_2(solved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["renew", *_inputs(), "--history", str(solved), "--keep", "half", "--out", "x.csv"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("evocompose: error:") and "--keep" in err and "Traceback" not in err
