"""Draw one network's members as a graph: who already knows whom, and which pairs are new."""

from __future__ import annotations

import math
from itertools import combinations
from typing import TYPE_CHECKING, Literal

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from evocompose.composition import Composition
from evocompose.result import Result

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from evocompose.data import Problem

__all__ = ["plot_network"]


_WORDS = {
    "en": {"tie": "existing tie", "new": "new pair", "members": "members"},
    "da": {"tie": "kender hinanden", "new": "nyt bekendtskab", "members": "medlemmer"},
}


def sector_colours(sectors: list[str]) -> dict[str, tuple[float, float, float, float]]:
    """A stable colour per sector (``tab20`` in sorted-sector order)."""
    cmap = mpl.colormaps["tab20"]
    return {s: cmap(i % 20) for i, s in enumerate(sorted(sectors))}


def plot_network(
    problem: Problem,
    comp: Composition | Result,
    network: str,
    ax: Axes | None = None,
    *,
    labels: bool | Literal["names"] = False,
    language: str = "en",
) -> Axes:
    """Draw the members of ``network`` on a circle, coloured by sector.

    Existing ties between members are solid dark lines; member pairs who do
    not know each other yet (the new acquaintances the network creates) are
    dashed light lines.

    Parameters
    ----------
    problem : Problem
    comp : Composition or Result
    network : str
        Name of the network to draw.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    labels : bool or "names"
        ``True`` writes candidate ids next to the nodes, ``"names"`` their
        names (off by default: names are personal data, shown only when
        asked).
    language : {"en", "da"}
        Language of the legend and title.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> ax = plot_network(p, evo.Composition({"a": ["p1", "p2", "p3"]}), "a")
    >>> sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_sizes"))
    3
    """
    composition = _composition(comp)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6))
    members = list(composition.members.get(network, ()))
    n = len(members)
    pos = {
        m: (
            math.cos(math.pi / 2 - 2 * math.pi * i / max(n, 1)),
            math.sin(math.pi / 2 - 2 * math.pi * i / max(n, 1)),
        )
        for i, m in enumerate(sorted(members, key=lambda m: (problem.pool[m].sector, m)))
    }
    old: list[list[tuple[float, float]]] = []
    new: list[list[tuple[float, float]]] = []
    for a, b in combinations(members, 2):
        (old if problem.ties.has_edge(a, b) else new).append([pos[a], pos[b]])
    if new:
        ax.add_collection(
            LineCollection(new, colors="0.7", linestyles="dashed", linewidths=0.8, zorder=1)
        )
    if old:
        ax.add_collection(LineCollection(old, colors="0.15", linewidths=2.0, zorder=2))
    sectors = sorted({problem.pool[m].sector for m in members})
    colours = sector_colours(list(problem.pool.sectors))
    for s in sectors:
        xs = [pos[m] for m in members if problem.pool[m].sector == s]
        ax.scatter(
            [x for x, _ in xs],
            [y for _, y in xs],
            s=260,
            color=colours[s],
            edgecolors="black",
            linewidths=0.8,
            zorder=3,
            label=s,
        )
    if labels:
        for m, (x, y) in pos.items():
            text = problem.pool[m].name if labels == "names" else m
            ax.annotate(
                text, (x, y), xytext=(0, 12), textcoords="offset points", ha="center", fontsize=8
            )
    handles, names = ax.get_legend_handles_labels()
    handles += [
        Line2D([], [], color="0.15", linewidth=2.0),
        Line2D([], [], color="0.7", linestyle="dashed", linewidth=0.8),
    ]
    words = _WORDS.get(language, _WORDS["en"])
    names += [f"{words['tie']} ({len(old)})", f"{words['new']} ({len(new)})"]
    ax.legend(
        handles, names, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False
    )
    theme = problem.network(network).theme if network in problem.network_names else network
    ax.set_title(f"{theme or network}: {n} {words['members']}")
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _composition(comp: Composition | Result) -> Composition:
    if isinstance(comp, Result):
        if comp.composition is None:
            raise ValueError(f"the result has no composition (status {comp.status})")
        return comp.composition
    return comp
