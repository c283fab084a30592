"""Sector x sector tie matrix before and after a composition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evocompose.metrics import sector_tie_matrix
from evocompose.plotting.network_graph import _composition

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from evocompose.composition import Composition
    from evocompose.data import Problem
    from evocompose.result import Result

__all__ = ["plot_tie_matrix"]


def _heatmap(ax: Axes, frame: pd.DataFrame, title: str, *, diverging: bool = False) -> None:
    values = frame.to_numpy(dtype=float)
    if diverging:
        vmax = float(np.nanmax(np.abs(values))) if values.size else 1.0
        image = ax.imshow(values, cmap="RdBu_r", vmin=-vmax or -1, vmax=vmax or 1)
    else:
        image = ax.imshow(values, cmap="Blues", vmin=0)
    ax.set_xticks(range(len(frame.columns)))
    ax.set_xticklabels([str(c) for c in frame.columns], rotation=90, fontsize=7)
    ax.set_yticks(range(len(frame.index)))
    ax.set_yticklabels([str(r) for r in frame.index], fontsize=7)
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, shrink=0.7)


def plot_tie_matrix(
    problem: Problem,
    comp: Composition | Result,
    ax: Axes | None = None,
    *,
    kind: Literal["auto", "difference", "before_after"] = "auto",
) -> Axes | tuple[Axes, Axes]:
    """Heatmaps of ties between sectors before and after the composition.

    "Before" is :func:`evocompose.metrics.sector_tie_matrix` over the existing
    ties; "after" adds the co-member pairs of ``comp``. The difference shows
    where the composition creates new acquaintances between sectors.

    Parameters
    ----------
    problem : Problem
    comp : Composition or Result
    ax : matplotlib Axes, optional
        When given, the difference (after - before) is drawn on it.
    kind : {"auto", "difference", "before_after"}
        ``auto`` draws the difference when ``ax`` is given and two heatmaps
        (before | after) on a new figure otherwise.

    Returns
    -------
    matplotlib Axes or tuple of two Axes
        The axes of the difference, or ``(before, after)``.
    """
    composition = _composition(comp)
    before = sector_tie_matrix(problem)
    after = sector_tie_matrix(problem, composition)
    labels = sorted(set(before.index) | set(after.index) | set(before.columns) | set(after.columns))
    before = before.reindex(index=labels, columns=labels, fill_value=0).astype(float)
    after = after.reindex(index=labels, columns=labels, fill_value=0).astype(float)
    if kind == "auto":
        kind = "difference" if ax is not None else "before_after"
    if kind == "difference":
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 6))
        _heatmap(ax, after - before, "New ties between sectors (after - before)", diverging=True)
        return ax
    if ax is not None:
        raise ValueError("kind='before_after' draws two panels; leave ax=None")
    fig, (ax_before, ax_after) = plt.subplots(1, 2, figsize=(13, 6))
    _heatmap(ax_before, before, "Ties between sectors: before")
    _heatmap(ax_after, after, "Ties between sectors: after")
    fig.tight_layout()
    return ax_before, ax_after
