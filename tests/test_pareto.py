"""Trade-off fronts against the front of every composition of tiny problems, and the plot."""

from __future__ import annotations

import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from many_helpers import enumerate_feasible, tiny_problems

import evocompose as evo
from evocompose.errors import SolverError
from evocompose.objective import breakdown
from evocompose.pareto import pareto
from evocompose.plotting import plot_front
from evocompose.plotting.front import axis_label

SERIAL = ThreadPoolExecutor(1)
PAIRS = [("relevance", "sector"), ("cohesion", "skills"), ("objective", "actor_type")]


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    plt.close("all")


def values(problem: evo.Problem, x: str, y: str) -> list[tuple[float, float]]:
    out = []
    for comp, total in enumerate_feasible(problem):
        _, raw, _ = breakdown(problem, comp)
        out.append((total if x == "objective" else raw[x], total if y == "objective" else raw[y]))
    return out


def best_y(points: list[tuple[float, float]], level: float) -> float:
    return max(b for a, b in points if a >= level - 1e-9)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(), st.sampled_from(PAIRS))
def test_front_points_are_the_exact_front(problem: evo.Problem, pair: tuple[str, str]) -> None:
    x, y = pair
    points = values(problem, x, y)
    assume(points)
    front = pareto(problem, x, y, points=4, time_limit=10, executor=SERIAL, progress=False)
    assert front.attrs["x"] == x and front.attrs["y"] == y
    assert (front["status"] == "OPTIMAL").all()
    top_x = max(a for a, _ in points)
    # the two ends
    first, last = front.iloc[0], front.iloc[-1]
    assert first["kind"] == f"most {y}" and last["kind"] == f"most {x}"
    assert first[y] == pytest.approx(max(b for _, b in points))
    assert last[x] == pytest.approx(top_x)
    assert last[y] == pytest.approx(best_y(points, top_x))
    for row in front.itertuples():
        comp = row.result.composition
        assert evo.check(problem, comp) == []
        # the most y at the point's own x: nothing beats it on both
        assert getattr(row, y) == pytest.approx(best_y(points, getattr(row, x)), abs=1e-6)
        if not math.isnan(row.level):
            assert getattr(row, x) >= row.level - 1e-6
            assert getattr(row, y) == pytest.approx(best_y(points, row.level), abs=1e-6)
        assert row.y_bound == pytest.approx(getattr(row, y), abs=1e-6)
    # on_front: no other point of the table is at least as good on both and better on one
    for row in front.itertuples():
        a, b = getattr(row, x), getattr(row, y)
        beaten = any(
            (c >= a - 1e-9 and d >= b - 1e-9 and (c > a + 1e-9 or d > b + 1e-9))
            for c, d in zip(front[x], front[y], strict=True)
        )
        assert row.on_front == (not beaten)


def test_front_on_tiny_with_a_trade_off() -> None:
    p = evo.datasets.tiny()
    front = pareto(p, x="cohesion", y="skills", points=3, time_limit=10, executor=SERIAL)
    assert front[["cohesion", "skills"]].values.tolist() == [[2, 8], [4, 6], [4, 6]]
    assert front["on_front"].all()
    assert list(front.columns[:9]) == [
        "point", "kind", "level", "cohesion", "skills", "y_bound", "status", "on_front", "objective"
    ]  # fmt: skip
    ax = plot_front(front)
    assert ax.get_xlabel().startswith("Cohesion: members who already know")
    assert ax.get_ylabel().startswith("Skill diversity")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "on the front (proven)" in legend
    _fig, other = plt.subplots()
    assert plot_front(front, ax=other) is other


def test_unproven_points_show_their_bound() -> None:
    front = pareto(
        evo.datasets.tiny(), x="cohesion", y="skills", points=3, time_limit=10, executor=SERIAL
    )
    front.loc[1, "status"] = "FEASIBLE"
    front.loc[1, "y_bound"] = front.loc[1, "skills"] + 2
    ax = plot_front(front)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "best found in the time (not proven)" in legend
    assert "at most reachable (bound)" in legend
    with pytest.raises(KeyError):
        plot_front(front.drop(columns=["skills"]))


def test_bad_axes_are_refused() -> None:
    p = evo.datasets.tiny()
    with pytest.raises(SolverError, match="choose one of"):
        pareto(p, x="relevance", y="diversity")
    with pytest.raises(SolverError, match="must differ"):
        pareto(p, x="sector", y="sector")
    with pytest.raises(SolverError, match="points"):
        pareto(p, points=1)
    with pytest.raises(SolverError, match="dissimilarity"):
        pareto(p, x="dissimilarity", y="sector")


def test_axis_labels_are_plain_words() -> None:
    assert axis_label("relevance") == "Relevance: the members' relevance to the network's theme"
    assert axis_label("spread").startswith("People placed")
    assert axis_label("unknown") == "unknown"


def test_a_front_on_stevns_keeps_every_rule() -> None:
    p = evo.datasets.stevns()
    start = evo.solve(p, time_limit=3, solver="search")
    front = pareto(p, points=3, time_limit=4, start=start, progress=False)
    # three rows, or the two ends alone when they have the same relevance
    # (a busy machine may leave the "most relevance" end no better than the other)
    assert 2 <= len(front) <= 3
    for row in front.itertuples():
        if row.result is not None and row.result.composition is not None:
            assert evo.check(p, row.result.composition) == []
    ok = front.dropna(subset=["relevance", "sector"])
    assert len(ok) >= 1 and ok["on_front"].any()
