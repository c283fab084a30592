"""Yardsticks of a composition: diversity, ties, coverage, and a one-line scorecard.

Pure functions over ``(problem, composition)`` returning tidy pandas objects,
in the style of networkx's algorithms. They share no code with
:mod:`evocompose.solvers`, so they can judge any composition, optimised or
hand-picked, on the same terms.

* :mod:`~evocompose.metrics.diversity` — Blau, Shannon, evenness,
  Rao–Stirling, pairwise distance.
* :mod:`~evocompose.metrics.ties` — existing and new ties, E-I index,
  bridges between networks, the pool's integration.
* :mod:`~evocompose.metrics.coverage` — skills, relevance, availability.
* :func:`scorecard` — the headline numbers, one Series per composition.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from evocompose.check import check
from evocompose.metrics._common import ALL
from evocompose.metrics.coverage import (
    availability_table,
    relevance_table,
    skill_coverage,
    skill_requirements,
)
from evocompose.metrics.diversity import (
    blau,
    composition_counts,
    diversity_table,
    evenness,
    mean_pairwise_distance,
    pairwise_diversity,
    person_distance,
    rao_stirling,
    sector_distance,
    shannon,
)
from evocompose.metrics.ties import (
    bridges_table,
    ei_index,
    joined_graph,
    pool_integration,
    sector_tie_matrix,
    tie_table,
)

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem

__all__ = [
    "ALL",
    "SCORECARD",
    "availability_table",
    "blau",
    "bridges_table",
    "composition_counts",
    "diversity_table",
    "ei_index",
    "evenness",
    "joined_graph",
    "mean_pairwise_distance",
    "pairwise_diversity",
    "person_distance",
    "pool_integration",
    "rao_stirling",
    "relevance_table",
    "scorecard",
    "sector_distance",
    "sector_tie_matrix",
    "shannon",
    "skill_coverage",
    "skill_requirements",
    "tie_table",
]

#: The entries of :func:`scorecard`, in order.
SCORECARD: tuple[str, ...] = (
    "networks",
    "people_placed",
    "blau_sector_mean",
    "blau_actor_type_mean",
    "mean_pairwise_distance",
    "new_cross_sector_ties",
    "ei_index_mean",
    "isolates",
    "relevance_mean",
    "relevance_min",
    "skill_requirements_met",
    "skill_requirements",
    "violations",
)


def _mean(values: pd.Series) -> float:
    v = values.dropna()
    return float(v.mean()) if len(v) else math.nan


def scorecard(problem: Problem, composition: Composition, name: str | None = None) -> pd.Series:
    """The headline yardsticks of a composition, to put side by side with others.

    Parameters
    ----------
    problem : Problem
    composition : Composition
    name : str, optional
        Name of the returned Series (e.g. ``"optimised"``, ``"hand-picked"``).

    Returns
    -------
    pandas.Series
        Indexed by :data:`SCORECARD`:

        ``networks`` non-empty networks; ``people_placed`` distinct people
        placed; ``blau_sector_mean``, ``blau_actor_type_mean`` mean Blau
        index over non-empty networks; ``mean_pairwise_distance`` mean
        :func:`person_distance` over every within-network member pair;
        ``new_cross_sector_ties`` cross-sector pairs acquainted after the
        composition but not before (each pair once, see
        :func:`pool_integration`); ``ei_index_mean`` mean E-I index over
        networks where it is defined; ``isolates`` members who know no other
        member, summed; ``relevance_mean``, ``relevance_min`` over every
        membership; ``skill_requirements_met`` of ``skill_requirements``;
        ``violations`` number of broken hard rules
        (:func:`evocompose.check.check`).

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p3", "p4"], "b": ["p2", "p5", "p6"]})
    >>> s = scorecard(p, comp, name="example")
    >>> s[["new_cross_sector_ties", "violations", "isolates"]].tolist()  # nobody knows anyone inside
    [6.0, 0.0, 6.0]
    >>> round(float(s["blau_sector_mean"]), 4)  # three sectors, one member each
    0.6667
    """
    div = diversity_table(problem, composition, fields=("sector", "actor_type"))
    div = div[(div["network"] != ALL) & (div["size"] > 0)]
    pairs: dict[Any, Any] = (
        pairwise_diversity(problem, composition).set_index("network").to_dict("index")
    )
    ties = tie_table(problem, composition)
    per_net = ties[ties["network"] != ALL]
    integ: dict[Any, Any] = pool_integration(problem, composition).to_dict("index")
    rel: dict[Any, Any] = (
        relevance_table(problem, composition).set_index("network").to_dict("index")
    )
    skills: dict[Any, Any] = (
        skill_coverage(problem, composition).set_index("network").to_dict("index")
    )
    values = {
        "networks": float((per_net["size"] > 0).sum()),
        "people_placed": float(pairs[ALL]["size"]),
        "blau_sector_mean": _mean(div.loc[div["field"] == "sector", "blau"]),
        "blau_actor_type_mean": _mean(div.loc[div["field"] == "actor_type", "blau"]),
        "mean_pairwise_distance": float(pairs[ALL]["mean_distance"]),
        "new_cross_sector_ties": float(
            integ["after"]["cross_sector_pairs"] - integ["before"]["cross_sector_pairs"]
        ),
        "ei_index_mean": _mean(per_net["ei_index"]),
        "isolates": float(per_net["isolates"].sum()),
        "relevance_mean": float(rel[ALL]["relevance_mean"]),
        "relevance_min": float(rel[ALL]["relevance_min"]),
        "skill_requirements_met": float(skills[ALL]["requirements_met"]),
        "skill_requirements": float(skills[ALL]["requirements"]),
        "violations": float(len(check(problem, composition))),
    }
    return pd.Series([values[k] for k in SCORECARD], index=list(SCORECARD), name=name, dtype=float)
