"""The trade-off front of :func:`evocompose.pareto`, in plain words."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

from evocompose.vocabulary import TERM_NAMES, term

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["axis_label", "plot_front"]


def axis_label(name: str) -> str:
    """A plain-language axis label for a term name or ``"objective"``.

    Examples
    --------
    >>> axis_label("sector")
    'Sector diversity: member pairs from different sectors'
    >>> axis_label("objective")
    'Objective: the weighted sum of every term'
    """
    if name == "objective":
        return "Objective: the weighted sum of every term"
    if name not in TERM_NAMES:
        return name
    titles = {
        "sector": "Sector diversity",
        "actor_type": "Actor-type diversity",
        "area": "Area diversity",
        "attributes": "Attribute diversity",
        "skills": "Skill diversity",
        "new_cross_sector_ties": "New cross-sector ties",
        "cohesion": "Cohesion",
        "relevance": "Relevance",
        "synergy": "Synergy",
        "spread": "People placed",
        "dissimilarity": "Dissimilarity",
    }
    return f"{titles.get(name, name)}: {term(name).summary}"


def plot_front(
    front: pd.DataFrame,
    ax: Axes | None = None,
    *,
    x: str | None = None,
    y: str | None = None,
    bounds: bool = True,
) -> Axes:
    """Draw a trade-off front from :func:`evocompose.pareto`.

    Points on the front are joined by a step line (between two points,
    the lower one's ``y`` is reachable up to the next point's ``x``).
    Filled markers are proven to lie on the front; hollow ones are the best
    found in the time limit; grey crosses are beaten on both values by
    another point. With ``bounds``, a thin line above a point that is not
    proven reaches CP-SAT's upper bound on ``y`` at its level: how much more
    could at most be had there.

    Parameters
    ----------
    front : pandas.DataFrame
        The table :func:`evocompose.pareto` returns.
    ax : matplotlib Axes, optional
    x, y : str, optional
        The two values (default: ``front.attrs["x"]`` and ``["y"]``).
    bounds : bool
        Draw the upper bounds of points that are not proven.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    KeyError
        When the table has no column for ``x`` or ``y`` (say which with
        ``x=`` and ``y=``).
    """
    xs_name = x or front.attrs.get("x")
    ys_name = y or front.attrs.get("y")
    if not xs_name or not ys_name or xs_name not in front or ys_name not in front:
        raise KeyError(
            "the table has no front columns; pass the table pareto() returned, or say x= and y="
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 5))
    data = front[
        np.isfinite(front[xs_name].astype(float)) & np.isfinite(front[ys_name].astype(float))
    ]
    xv = data[xs_name].astype(float).to_numpy()
    yv = data[ys_name].astype(float).to_numpy()
    on = (
        data["on_front"].astype(bool).to_numpy() if "on_front" in data else np.ones(len(data), bool)
    )
    proven = (
        (data["status"] == "OPTIMAL").to_numpy() if "status" in data else np.zeros(len(data), bool)
    )
    if on.any():
        order = np.argsort(xv[on])
        ax.step(xv[on][order], yv[on][order], where="post", color="tab:blue", alpha=0.5, lw=1)
    kinds = [
        (on & proven, "tab:blue", "tab:blue", "o", "on the front (proven)"),
        (on & ~proven, "white", "tab:blue", "o", "best found in the time (not proven)"),
        (~on, "grey", "grey", "x", "beaten on both by another point"),
    ]
    for mask, face, edge, marker, label in kinds:
        if mask.any():
            ax.scatter(
                xv[mask],
                yv[mask],
                s=45,
                marker=marker,
                facecolors=face if marker != "x" else None,
                edgecolors=edge if marker != "x" else None,
                c=edge if marker == "x" else None,
                label=label,
                zorder=3,
            )
    if bounds and "y_bound" in data:
        yb = data["y_bound"].astype(float).to_numpy()
        show = ~proven & np.isfinite(yb) & (yb > yv + 1e-9)
        if show.any():
            ax.vlines(xv[show], yv[show], yb[show], colors="tab:blue", linestyles=":", lw=1)
            ax.plot([], [], ":", color="tab:blue", lw=1, label="at most reachable (bound)")
    ax.set_xlabel(axis_label(xs_name), fontsize=9)
    ax.set_ylabel(axis_label(ys_name), fontsize=9)
    name = front.attrs.get("problem")
    title = f"Trade-off: {axis_label(ys_name).split(':')[0].lower()} against {axis_label(xs_name).split(':')[0].lower()}"
    ax.set_title(title + (f" — {name}" if name else ""), fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    if len(xv) and math.isfinite(float(np.ptp(xv))) and np.ptp(xv) == 0:
        ax.margins(x=0.2)
    return ax
