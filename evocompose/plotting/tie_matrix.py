"""Sector x sector tie matrix before and after a composition."""

from __future__ import annotations

from collections.abc import Sequence
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

__all__ = ["difference_scale", "plot_tie_matrix"]


def _heatmap(
    ax: Axes,
    frame: pd.DataFrame,
    title: str,
    *,
    diverging: bool = False,
    vmax: float | None = None,
) -> None:
    values = frame.to_numpy(dtype=float)
    top = vmax if vmax is not None else (float(np.nanmax(np.abs(values))) if values.size else 1.0)
    top = top or 1.0
    if diverging:
        image = ax.imshow(values, cmap="RdBu_r", vmin=-top, vmax=top)
    else:
        image = ax.imshow(values, cmap="Blues", vmin=0, vmax=top)
    ax.set_xticks(range(len(frame.columns)))
    ax.set_xticklabels([str(c) for c in frame.columns], rotation=90, fontsize=7)
    ax.set_yticks(range(len(frame.index)))
    ax.set_yticklabels([str(r) for r in frame.index], fontsize=7)
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, shrink=0.7)


def difference_scale(problem: Problem, comps: Sequence[Composition | Result]) -> float:
    """The largest new-tie count between two sectors over ``comps``: a shared ``vmax``."""
    before = sector_tie_matrix(problem)
    top = 0.0
    for comp in comps:
        after = sector_tie_matrix(problem, _composition(comp))
        base = before.reindex(index=after.index, columns=after.columns, fill_value=0)
        top = max(top, float(np.nanmax(np.abs((after - base).to_numpy(dtype=float)))))
    return top or 1.0


def plot_tie_matrix(
    problem: Problem,
    comp: Composition | Result,
    ax: Axes | None = None,
    *,
    kind: Literal["auto", "difference", "before_after"] = "auto",
    vmax: float | None = None,
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
        (before | after) on a new figure otherwise. Before and after share
        one colour scale.
    vmax : float, optional
        The top of the colour scale (the difference uses ``±vmax``). Give the
        same value to heatmaps drawn side by side, e.g.
        :func:`difference_scale` of the compositions compared, so that equal
        colours mean equal numbers.

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
        _heatmap(
            ax,
            after - before,
            "New ties between sectors (after - before)",
            diverging=True,
            vmax=vmax,
        )
        return ax
    if ax is not None:
        raise ValueError("kind='before_after' draws two panels; leave ax=None")
    fig, (ax_before, ax_after) = plt.subplots(1, 2, figsize=(13, 6))
    top = vmax if vmax is not None else float(max(before.to_numpy().max(), after.to_numpy().max()))
    _heatmap(ax_before, before, "Ties between sectors: before", vmax=top)
    _heatmap(ax_after, after, "Ties between sectors: after", vmax=top)
    fig.tight_layout()
    return ax_before, ax_after
