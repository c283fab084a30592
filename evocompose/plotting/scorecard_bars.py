"""Grouped bars comparing compositions on the rows of a :class:`~evocompose.compare.Scorecard`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

from evocompose.compare import lower_is_better

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from evocompose.compare import Scorecard

__all__ = ["plot_scorecard"]

_WORDS = {
    "en": {
        "lower": "lower is better",
        "ylabel": "share of the largest value (per yardstick)",
        "title": "Scorecard",
    },
    "da": {
        "lower": "lavere er bedre",
        "ylabel": "andel af den største værdi (pr. målestok)",
        "title": "Sammenligning",
    },
}


def plot_scorecard(
    scorecard: Scorecard,
    rows: Sequence[str] | None = None,
    ax: Axes | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    language: str = "en",
) -> Axes:
    """Grouped bars: one group per yardstick, one bar per composition.

    Each yardstick is normalised by its largest absolute value across the
    compositions, so the best composition on a higher-is-better yardstick
    reaches 1 and yardsticks of different scales fit one axis. Yardsticks
    where lower is better (rule violations, isolates) are marked so in
    their label.

    Parameters
    ----------
    scorecard : Scorecard
    rows : sequence of str, optional
        Yardsticks to draw (default: :attr:`Scorecard.key_rows`).
    ax : matplotlib Axes, optional
    labels : mapping of str to str, optional
        Plain-language names of the yardsticks (default: the row names).
    language : {"en", "da"}
        Language of the axis text.

    Returns
    -------
    matplotlib Axes
    """
    frame = scorecard.frame
    chosen = list(rows) if rows is not None else list(scorecard.key_rows)
    missing = [r for r in chosen if r not in frame.index]
    if missing:
        raise KeyError(f"no such scorecard rows: {missing}; rows are {list(frame.index)}")
    data = frame.loc[chosen].apply(lambda col: col.astype(float))
    values = data.to_numpy(dtype=float)
    scale = np.nanmax(np.abs(values), axis=1, keepdims=True)
    scale[~np.isfinite(scale) | (scale == 0)] = 1.0
    norm = np.nan_to_num(values / scale)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(chosen) + 2), 4))
    k = max(len(data.columns), 1)
    width = 0.8 / k
    x = np.arange(len(chosen))
    for j, label in enumerate(data.columns):
        ax.bar(x - 0.4 + width * (j + 0.5), norm[:, j], width, label=str(label))
    ax.set_xticks(x)
    words = _WORDS.get(language, _WORDS["en"])
    names = [(labels or {}).get(r, r) for r in chosen]
    ticks = [
        f"{name} ({words['lower']})" if lower_is_better(r) else name
        for r, name in zip(chosen, names, strict=True)
    ]
    ax.set_xticklabels(ticks, rotation=30, ha="right", fontsize=8)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel(words["ylabel"])
    ax.set_title(words["title"])
    ax.legend(fontsize=8, frameon=False)
    return ax
