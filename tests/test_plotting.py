"""Tests of the plots: each returns its axes, draws what it should and accepts ``ax``."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.image import AxesImage

import evocompose as evo
from evocompose.compare import compare
from evocompose.plotting import plot_network, plot_scorecard, plot_tie_matrix

COMP = evo.Composition({"a": ["p1", "p2", "p5"], "b": ["p3", "p4", "p6"]})


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    plt.close("all")


def test_plot_network_nodes_and_edges() -> None:
    p = evo.datasets.tiny()
    ax = plot_network(p, COMP, "a")
    assert isinstance(ax, Axes)
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in nodes) == 3
    assert len(nodes) == 2  # agriculture (p1, p5) and food (p2)
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    # p1-p2 is an existing tie; p1-p5 and p2-p5 are new pairs
    assert sorted(len(c.get_segments()) for c in lines) == [1, 2]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "existing tie (1)" in legend and "new pair (2)" in legend


def test_plot_network_accepts_ax_and_result() -> None:
    p = evo.datasets.tiny()
    _, ax = plt.subplots()
    out = plot_network(p, evo.Result(evo.SolveStatus.FEASIBLE, COMP), "b", ax=ax, labels=True)
    assert out is ax


def test_plot_scorecard_bars() -> None:
    p = evo.datasets.tiny()
    other = evo.Composition({"a": ["p1", "p2"], "b": ["p3", "p5"]})
    card = compare(p, {"x": COMP, "y": other}, null_samples=0)
    rows = ["objective", "violations", "objective: sector"]
    _, ax = plt.subplots()
    out = plot_scorecard(card, rows=rows, ax=ax)
    assert out is ax
    assert len(ax.patches) == len(rows) * 2
    assert max(b.get_height() for b in ax.patches) == pytest.approx(1.0)
    default = plot_scorecard(card)
    assert isinstance(default, Axes)
    assert len(default.patches) == 2 * len(card.key_rows)
    with pytest.raises(KeyError):
        plot_scorecard(card, rows=["no such row"])


def test_plot_tie_matrix() -> None:
    p = evo.datasets.tiny()
    _, ax = plt.subplots()
    out = plot_tie_matrix(p, COMP, ax=ax)
    assert out is ax
    images = [i for i in ax.get_images() if isinstance(i, AxesImage)]
    assert len(images) == 1
    n = len(p.pool.sectors)
    assert images[0].get_array().shape == (n, n)
    before, after = plot_tie_matrix(p, COMP)
    assert isinstance(before, Axes) and isinstance(after, Axes)
    assert before.figure is after.figure


def test_tie_matrices_side_by_side_share_one_colour_scale() -> None:
    import matplotlib.pyplot as plt

    from evocompose.plotting import difference_scale, plot_tie_matrix

    p = evo.datasets.stevns(seed=0, n=120)
    comps = [evo.handpick(p, "snowball"), evo.handpick(p, "random", seed=1)]
    top = difference_scale(p, comps)
    fig, axes = plt.subplots(1, 2)
    for ax, comp in zip(axes, comps, strict=True):
        plot_tie_matrix(p, comp, ax=ax, vmax=top)
    limits = {ax.images[0].get_clim() for ax in axes}
    assert limits == {(-top, top)}
    plt.close(fig)
    before, after = plot_tie_matrix(p, comps[0], kind="before_after")
    assert before.images[0].get_clim() == after.images[0].get_clim()
    plt.close("all")


def test_plot_network_shows_names_only_when_asked() -> None:
    import matplotlib.pyplot as plt

    p = evo.datasets.tiny()
    texts = {}
    for labels in (False, True, "names"):
        ax = plot_network(p, COMP, "b", labels=labels)  # type: ignore[arg-type]
        texts[labels] = {t.get_text() for t in ax.texts}
        plt.close(ax.figure)
    members = set(COMP.members["b"])
    assert texts[False] == set()
    assert texts[True] == members
    assert texts["names"] == {p.pool[m].name for m in members}
