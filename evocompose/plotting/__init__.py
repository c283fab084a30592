"""Plots of compositions and scorecards. Every function takes ``ax=None`` and returns its axes.

* :func:`plot_network` — one network's members, existing ties and new pairs.
* :func:`plot_scorecard` — grouped bars comparing compositions.
* :func:`plot_tie_matrix` — sector x sector ties before and after
  (:func:`difference_scale`: one colour scale for heatmaps side by side).
* :func:`plot_front` — a trade-off front from :func:`evocompose.pareto`.
"""

from __future__ import annotations

from evocompose.plotting.front import plot_front
from evocompose.plotting.network_graph import plot_network
from evocompose.plotting.scorecard_bars import plot_scorecard
from evocompose.plotting.tie_matrix import difference_scale, plot_tie_matrix

__all__ = ["difference_scale", "plot_front", "plot_network", "plot_scorecard", "plot_tie_matrix"]
