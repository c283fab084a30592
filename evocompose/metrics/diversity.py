"""Diversity indices of networks: Blau, Shannon, evenness, Rao–Stirling, pairwise distance.

Index functions take *counts* (how many members have each value of an
attribute) and return a number; frame functions take ``(problem,
composition)`` and return tidy :class:`pandas.DataFrame` objects with one row
per network of the problem (in spec order) and, where meaningful, a row
``"(all)"``.

Conventions
-----------
* Empty counts (no members) give ``nan`` for every index.
* ``evenness`` is Pielou's ``H / ln k`` with ``k`` the number of categories
  present; it is ``nan`` when ``k <= 1`` (``0 / 0``: one category is neither
  even nor uneven, and 1.0 would make a one-sector network look balanced).
* An empty value (``""``, e.g. an unknown area) counts as a value of its own,
  as in :mod:`evocompose.objective`.
* Unknown networks or people in the composition are ignored (see
  :func:`evocompose.check.check`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evocompose.fields import DIVERSITY_FIELDS
from evocompose.metrics._common import ALL, check_field, members_of, placed_people

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Candidate, Problem

__all__ = [
    "blau",
    "composition_counts",
    "diversity_table",
    "evenness",
    "mean_pairwise_distance",
    "pairwise_diversity",
    "person_distance",
    "rao_stirling",
    "sector_distance",
    "shannon",
]

Counts = Mapping[str, float] | Sequence[float] | pd.Series | np.ndarray


def _proportions(counts: Counts) -> np.ndarray:
    """Proportions of the positive counts (empty array when the total is 0)."""
    values = counts.values() if isinstance(counts, Mapping) else counts
    arr = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    if arr.size and (np.any(arr < 0) or not np.all(np.isfinite(arr))):
        raise ValueError("counts must be finite numbers >= 0")
    arr = arr[arr > 0]
    total = arr.sum()
    return arr / total if total > 0 else arr


def blau(counts: Counts) -> float:
    """Blau's index (Gini–Simpson): ``1 - sum_i p_i**2``.

    The probability that two members drawn at random *with replacement* have
    different values. 0 when everybody shares one value; at most
    ``1 - 1/k`` with ``k`` values.

    Parameters
    ----------
    counts : mapping, sequence or array of numbers
        Members per value (zeros allowed).

    Returns
    -------
    float
        ``nan`` when all counts are zero.

    Examples
    --------
    >>> blau({"agriculture": 2, "food": 1, "tourism": 1})  # 1 - (.25 + .0625 + .0625)
    0.625
    >>> blau([3])
    0.0
    """
    p = _proportions(counts)
    if p.size == 0:
        return math.nan
    return float(1.0 - np.sum(p * p))


def shannon(counts: Counts) -> float:
    """Shannon entropy with the natural log: ``-sum_i p_i ln p_i``.

    Parameters
    ----------
    counts : mapping, sequence or array of numbers

    Returns
    -------
    float
        ``nan`` when all counts are zero; 0 with one value.

    Examples
    --------
    >>> round(shannon([1, 1]), 6)  # ln 2
    0.693147
    """
    p = _proportions(counts)
    if p.size == 0:
        return math.nan
    return float(-np.sum(p * np.log(p)) + 0.0)


def evenness(counts: Counts, categories: int | None = None) -> float:
    """Pielou's evenness ``H / ln k``.

    Parameters
    ----------
    counts : mapping, sequence or array of numbers
    categories : int, optional
        ``k``. Default: the number of values present (positive counts). Pass
        the number of values in the pool to measure evenness against every
        possible value instead.

    Returns
    -------
    float
        In [0, 1]; ``nan`` when ``k <= 1`` (undefined ``0 / 0``) or the
        counts are all zero.

    Examples
    --------
    >>> evenness([2, 2])
    1.0
    >>> round(evenness([2, 2], categories=4), 6)  # ln 2 / ln 4
    0.5
    >>> evenness([5])
    nan
    """
    p = _proportions(counts)
    k = p.size if categories is None else categories
    if p.size == 0 or k <= 1:
        return math.nan
    return shannon(counts) / math.log(k)


def sector_distance(sectors: Iterable[str]) -> pd.DataFrame:
    """The default distance between sectors: 0 on the diagonal, 1 elsewhere.

    Parameters
    ----------
    sectors : iterable of str

    Returns
    -------
    pandas.DataFrame
        Square, indexed and labelled by the sectors.

    Examples
    --------
    >>> sector_distance(["food", "tourism"]).loc["food", "tourism"]
    np.float64(1.0)
    """
    labels = list(dict.fromkeys(sectors))
    d = 1.0 - np.eye(len(labels))
    return pd.DataFrame(d, index=labels, columns=labels)


def rao_stirling(
    counts: Mapping[str, float] | pd.Series, distance: pd.DataFrame | None = None
) -> float:
    """Rao–Stirling diversity ``sum_{i != j} d_ij p_i p_j`` (Stirling 2007).

    The sum runs over *ordered* pairs of distinct values, so with the default
    distance (1 between different values) it equals :func:`blau`.

    Parameters
    ----------
    counts : mapping or Series of value to count
    distance : pandas.DataFrame, optional
        Square distance between values, labelled by value on both axes (e.g.
        a sector x sector matrix with entries in [0, 1]). Default: 1 between
        different values.

    Returns
    -------
    float
        ``nan`` when all counts are zero.

    Raises
    ------
    ValueError
        When a value with a positive count is missing from ``distance``.

    Examples
    --------
    >>> d = pd.DataFrame([[0, .2, 1], [.2, 0, 1], [1, 1, 0]],
    ...                  index=["agriculture", "food", "tourism"],
    ...                  columns=["agriculture", "food", "tourism"])
    >>> counts = {"agriculture": 1, "food": 1, "tourism": 2}
    >>> rao_stirling(counts, d)  # 2 * (.2*.25*.25 + 1*.25*.5 + 1*.25*.5)
    0.525
    >>> rao_stirling(counts) == blau(counts)
    True
    """
    items = [(str(k), float(v)) for k, v in dict(counts).items() if float(v) > 0]
    if any(v < 0 for v in dict(counts).values()):
        raise ValueError("counts must be >= 0")
    total = sum(v for _, v in items)
    if total <= 0:
        return math.nan
    labels = [k for k, _ in items]
    p = np.array([v / total for _, v in items])
    if distance is None:
        d = 1.0 - np.eye(len(labels))
    else:
        missing = [k for k in labels if k not in distance.index or k not in distance.columns]
        if missing:
            raise ValueError(
                f"the distance matrix has no row/column for {missing[0]!r}; label it by value"
            )
        d = distance.loc[labels, labels].to_numpy(dtype=float).copy()
        np.fill_diagonal(d, 0.0)
    return float(p @ d @ p)


# ----------------------------------------------------------------- frames
def composition_counts(problem: Problem, composition: Composition, field: str) -> pd.DataFrame:
    """Members per network and value of a field.

    Parameters
    ----------
    problem : Problem
    composition : Composition
    field : str
        ``sector``, ``actor_type``, ``area``, ``external``, ``organisation``
        or a candidate column (declared attribute).

    Returns
    -------
    pandas.DataFrame
        Index: the networks (spec order) and ``"(all)"`` (everybody placed,
        each person once); columns: every value of the field in the pool
        (sorted); integer counts.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p3", "p4"], "b": ["p2", "p5", "p6"]})
    >>> composition_counts(p, comp, "sector").loc["a"].to_dict()
    {'agriculture': 1, 'food': 1, 'tourism': 1}
    """
    check_field(problem, field)
    members = members_of(problem, composition)
    values = list(problem.pool.values(field))
    rows = {name: Counter(c.attribute(field) for c in people) for name, people in members.items()}
    rows[ALL] = Counter(c.attribute(field) for c in placed_people(members))
    frame = pd.DataFrame(
        [[row.get(v, 0) for v in values] for row in rows.values()],
        index=pd.Index(list(rows), name="network"),
        columns=pd.Index(values, name=field),
        dtype="int64",
    )
    return frame


def diversity_table(
    problem: Problem, composition: Composition, fields: Sequence[str] | None = None
) -> pd.DataFrame:
    """Blau, Shannon and evenness per network and field.

    Parameters
    ----------
    problem : Problem
    composition : Composition
    fields : sequence of str, optional
        Default: ``sector``, ``actor_type``, ``area`` and the problem's
        declared attributes.

    Returns
    -------
    pandas.DataFrame
        One row per (network, field), networks in spec order then
        ``"(all)"`` (everybody placed, each person once); columns
        ``network, field, size, categories, blau, shannon, evenness``
        (``categories`` = number of values present).

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p2", "p5"], "b": ["p3", "p4", "p6"]})
    >>> t = diversity_table(p, comp, fields=["sector"])
    >>> t[["network", "categories", "blau"]].round(4).values.tolist()  # a: 2 agri + 1 food
    [['a', 2, 0.4444], ['b', 2, 0.4444], ['(all)', 3, 0.6667]]
    """
    if fields is None:
        fields = (*DIVERSITY_FIELDS, *problem.attributes)
    for f in fields:
        check_field(problem, f)
    members = members_of(problem, composition)
    groups: dict[str, list[Candidate]] = dict(members)
    groups[ALL] = placed_people(members)
    rows = []
    for name, people in groups.items():
        for f in fields:
            counts = Counter(c.attribute(f) for c in people)
            rows.append(
                {
                    "network": name,
                    "field": f,
                    "size": len(people),
                    "categories": len(counts),
                    "blau": blau(counts),
                    "shannon": shannon(counts),
                    "evenness": evenness(counts),
                }
            )
    columns = ["network", "field", "size", "categories", "blau", "shannon", "evenness"]
    return pd.DataFrame(rows, columns=columns)


def _distance_fields(problem: Problem) -> tuple[str, ...]:
    return (*DIVERSITY_FIELDS, *problem.attributes)


def _jaccard_distance(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    union = sa | sb
    return 0.0 if not union else 1.0 - len(sa & sb) / len(union)


def person_distance(problem: Problem, a: str, b: str) -> float:
    """Distance between two candidates.

    The number of mismatched attributes among ``sector``, ``actor_type``,
    ``area`` and the problem's declared attributes (each 0 or 1), plus the
    Jaccard distance of their skill sets ``1 - |A & B| / |A | B|`` (0 when
    neither holds a skill). Ranges from 0 to ``4 + len(problem.attributes)``.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> person_distance(p, "p1", "p6")  # sector and area differ, same actor type and skills
    2.0
    """
    pool = problem.pool
    ca, cb = pool[a], pool[b]
    d = sum(1.0 for f in _distance_fields(problem) if ca.attribute(f) != cb.attribute(f))
    return d + _jaccard_distance(ca.skills, cb.skills)


def mean_pairwise_distance(problem: Problem, members: Iterable[str]) -> float:
    """Mean :func:`person_distance` over all pairs of ``members``.

    Parameters
    ----------
    problem : Problem
    members : iterable of str
        Candidate ids.

    Returns
    -------
    float
        ``nan`` with fewer than two members.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> # p1-p2: sector, skills 1 -> 2; p1-p4: 3 + 1 = 4; p2-p4: 3 + 0 = 3
    >>> mean_pairwise_distance(p, ["p1", "p2", "p4"])
    3.0
    """
    ids = list(members)
    if len(ids) < 2:
        return math.nan
    total = sum(person_distance(problem, a, b) for a, b in combinations(ids, 2))
    return total / (len(ids) * (len(ids) - 1) / 2)


def pairwise_diversity(problem: Problem, composition: Composition) -> pd.DataFrame:
    """Pairwise diversity per network: mean distance and mismatch shares.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        One row per network (spec order) and ``"(all)"`` (pooled over every
        within-network member pair of the composition). Columns ``network,
        size, pairs, mean_distance`` (see :func:`person_distance`), then
        ``mismatch_<field>`` (share of pairs that differ on that field, for
        sector, actor type, area and each declared attribute),
        ``skill_jaccard`` (mean Jaccard distance of skills), and
        ``mean_dissimilarity`` when the problem has a dissimilarity matrix.
        Means are ``nan`` for networks with fewer than two members.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p2", "p4"], "b": ["p3", "p5"]})
    >>> t = pairwise_diversity(p, comp).set_index("network")
    >>> float(t.loc["a", "mean_distance"]), float(t.loc["b", "mean_distance"])
    (3.0, 2.0)
    >>> float(t.loc["(all)", "mean_distance"]), int(t.loc["(all)", "pairs"])  # (9 + 2) / 4
    (2.75, 4)
    """
    fields = _distance_fields(problem)
    members = members_of(problem, composition)
    dis = problem.dissimilarity
    pool = problem.pool
    rows = []
    totals: dict[str, float] = {}
    total_pairs = 0
    total_size = 0

    def row(name: str, size: int, pairs: int, sums: Mapping[str, float]) -> dict[str, object]:
        r: dict[str, object] = {"network": name, "size": size, "pairs": pairs}
        r["mean_distance"] = sums.get("distance", 0.0) / pairs if pairs else math.nan
        for f in fields:
            r[f"mismatch_{f}"] = sums.get(f, 0.0) / pairs if pairs else math.nan
        r["skill_jaccard"] = sums.get("skills", 0.0) / pairs if pairs else math.nan
        if dis is not None:
            r["mean_dissimilarity"] = sums.get("dissimilarity", 0.0) / pairs if pairs else math.nan
        return r

    for name, people in members.items():
        sums: defaultdict[str, float] = defaultdict(float)
        pairs = 0
        for a, b in combinations(people, 2):
            pairs += 1
            dist = 0.0
            for f in fields:
                if a.attribute(f) != b.attribute(f):
                    sums[f] += 1
                    dist += 1.0
            j = _jaccard_distance(a.skills, b.skills)
            sums["skills"] += j
            sums["distance"] += dist + j
            if dis is not None:
                sums["dissimilarity"] += float(dis[pool.index(a.id), pool.index(b.id)])
        rows.append(row(name, len(people), pairs, sums))
        for k, v in sums.items():
            totals[k] = totals.get(k, 0.0) + v
        total_pairs += pairs
        total_size += len(people)
    rows.append(row(ALL, len(placed_people(members)), total_pairs, totals))
    return pd.DataFrame(rows)
