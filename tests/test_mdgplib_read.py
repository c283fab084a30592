"""datasets.mdgplib.read: an MDGPLIB file as a Problem, malformed files as located EvocomposeErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

import evocompose as evo
from evocompose.datasets import mdgplib


def test_read_gives_a_pure_grouping_problem(tmp_path: Path) -> None:
    path = tmp_path / "toy_n004_ss_01.txt"
    path.write_text("4 2 ss 2 2 2 2 \n0 1 1\n0 2 2\n0 3 3\n1 2 4\n1 3 5\n2 3 6\n", encoding="ascii")
    p = mdgplib.read(path)
    assert p.pool.ids == ("0", "1", "2", "3") and p.network_names == ("g0", "g1")
    assert p.assign_all and p.dissimilarity is not None
    # {0,3} + {1,2} = 3 + 4 is the best split; evaluate it through the objective.
    comp = evo.Composition({"g0": ["0", "3"], "g1": ["1", "2"]})
    from evocompose.objective import evaluate, weighted_total

    assert weighted_total(p, evaluate(p, comp)) == pytest.approx(7.0)
    assert evo.check(p, comp) == []


def test_malformed_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("4 2 ss 2 2 2 2 \n0 1 1\n0 2 x\n", encoding="ascii")
    with pytest.raises(evo.EvocomposeError) as info:
        mdgplib.read(path)
    assert isinstance(info.value, ValueError)
    assert "bad.txt" in str(info.value)
    assert info.value.row is not None
