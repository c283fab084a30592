"""Tie yardsticks (networkx): acquaintances inside, across and beyond networks.

The existing acquaintance graph is ``problem.ties`` (unweighted here: the
``strength`` and ``kind`` of a tie are not used). A composition *joins* two
people when they sit in the same network.

Krackhardt's E-I index
----------------------
For a network with member set ``M``::

    I = number of ties with both ends in M          (each tie counted once)
    E = number of ties with exactly one end in M    (to anyone outside M)
    E-I = (E - I) / (E + I)                          (nan when E + I = 0)

It runs from -1 (members' ties all stay inside: a closed clique) to +1
(members' ties all lead outside: the network is made of people who did not
know each other but bring outside contacts). Krackhardt, D. and Stern, R. N.
(1988), "Informal networks and organizational crises: an experimental
simulation", *Social Psychology Quarterly* 51(2), 123-140.

Unknown networks or people in the composition are ignored (see
:func:`evocompose.check.check`).
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from evocompose.metrics._common import ALL, members_of

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem

__all__ = [
    "bridges_table",
    "ei_index",
    "joined_graph",
    "pool_integration",
    "sector_tie_matrix",
    "tie_table",
]


def ei_index(graph: nx.Graph, members: set[str] | frozenset[str]) -> float:
    """Krackhardt's E-I index of a group of nodes (see the module docstring).

    Parameters
    ----------
    graph : networkx.Graph
    members : set of nodes

    Returns
    -------
    float
        ``(E - I) / (E + I)``; ``nan`` when the members have no ties at all.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> ei_index(g, {"a", "b"})  # I = 1 (a-b), E = 1 (b-c): (1 - 1) / 2
    0.0
    >>> ei_index(g, {"a", "c"})  # I = 0, E = 3 (a-b, c-b, c-d)
    1.0
    """
    internal, external = _internal_external(graph, members)
    return _ei(external, internal)


def _internal_external(graph: nx.Graph, members: set[str] | frozenset[str]) -> tuple[int, int]:
    twice_internal = external = 0
    for m in members:
        if m not in graph:
            continue
        for nb in graph.neighbors(m):
            if nb in members:
                twice_internal += 1
            else:
                external += 1
    return twice_internal // 2, external


def _ei(external: int, internal: int) -> float:
    total = external + internal
    return (external - internal) / total if total else math.nan


def tie_table(problem: Problem, composition: Composition) -> pd.DataFrame:
    """Existing and new acquaintances inside each network.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        One row per network (spec order) and ``"(all)"`` (sums over
        networks; ratios recomputed from the sums). Columns:

        ``size``; ``possible_pairs`` ``C(size, 2)``; ``tie_pairs`` member
        pairs already acquainted (= ``I``); ``density`` ``tie_pairs /
        possible_pairs`` (``nan`` below two members); ``new_pairs`` pairs not
        yet acquainted; ``new_cross_sector`` of those, pairs from different
        sectors; ``external_ties`` ``E``; ``ei_index`` ``(E - I) / (E + I)``;
        ``isolates`` members who know no other member.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()  # ties p1-p2 and p3-p5
    >>> comp = evo.Composition({"a": ["p1", "p2", "p4"], "b": ["p3", "p5", "p6"]})
    >>> t = tie_table(p, comp).set_index("network")
    >>> t.loc["a", ["tie_pairs", "new_pairs", "new_cross_sector", "isolates"]].tolist()
    [1, 2, 2, 1]
    >>> float(t.loc["a", "ei_index"])  # E = 0, I = 1
    -1.0
    """
    ties = problem.ties
    members = members_of(problem, composition)
    rows = []
    tot: Counter[str] = Counter()
    for name, people in members.items():
        ids = {c.id for c in people}
        size = len(people)
        possible = size * (size - 1) // 2
        twice_internal = external = isolates = 0
        cross_ties = 0
        sector_of = {c.id: c.sector for c in people}
        for c in people:
            inside = 0
            for nb in ties.neighbors(c.id):
                if nb in ids:
                    inside += 1
                    if sector_of[nb] != c.sector:
                        cross_ties += 1
                else:
                    external += 1
            twice_internal += inside
            if inside == 0:
                isolates += 1
        internal = twice_internal // 2
        cross_ties //= 2
        by_sector = Counter(sector_of.values())
        cross_pairs = possible - sum(k * (k - 1) // 2 for k in by_sector.values())
        counts = {
            "size": size,
            "possible_pairs": possible,
            "tie_pairs": internal,
            "new_pairs": possible - internal,
            "new_cross_sector": cross_pairs - cross_ties,
            "external_ties": external,
            "isolates": isolates,
        }
        tot.update(counts)
        rows.append(_tie_row(name, counts))
    rows.append(_tie_row(ALL, dict(tot)))
    columns = [
        "network",
        "size",
        "possible_pairs",
        "tie_pairs",
        "density",
        "new_pairs",
        "new_cross_sector",
        "external_ties",
        "ei_index",
        "isolates",
    ]
    return pd.DataFrame(rows, columns=columns)


def _tie_row(name: str, counts: dict[str, int]) -> dict[str, object]:
    row: dict[str, object] = {"network": name}
    for k in (
        "size",
        "possible_pairs",
        "tie_pairs",
        "new_pairs",
        "new_cross_sector",
        "external_ties",
        "isolates",
    ):
        row[k] = int(counts.get(k, 0))
    possible = counts.get("possible_pairs", 0)
    row["density"] = counts.get("tie_pairs", 0) / possible if possible else math.nan
    row["ei_index"] = _ei(counts.get("external_ties", 0), counts.get("tie_pairs", 0))
    return row


def bridges_table(problem: Problem, composition: Composition) -> pd.DataFrame:
    """Links between each pair of networks.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair of networks (spec order); columns
        ``network_a, network_b, shared`` (people in both) and
        ``ties_across`` (existing ties with one end in each network, each tie
        counted once).

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()  # ties p1-p2 and p3-p5
    >>> comp = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p5", "p6"]})
    >>> bridges_table(p, comp).values.tolist()
    [['a', 'b', 0, 2]]
    """
    ties = problem.ties
    members = members_of(problem, composition)
    sets = {name: {c.id for c in people} for name, people in members.items()}
    rows = []
    for a, b in combinations(problem.network_names, 2):
        sa, sb = sets[a], sets[b]
        across = {frozenset((u, v)) for u in sa for v in ties.neighbors(u) if v in sb and v != u}
        rows.append(
            {"network_a": a, "network_b": b, "shared": len(sa & sb), "ties_across": len(across)}
        )
    return pd.DataFrame(rows, columns=["network_a", "network_b", "shared", "ties_across"])


def joined_graph(problem: Problem, composition: Composition | None = None) -> nx.Graph:
    """The acquaintance graph after the composition: existing ties plus co-member pairs.

    Parameters
    ----------
    problem : Problem
    composition : Composition, optional
        Without it, a mutable copy of ``problem.ties``.

    Returns
    -------
    networkx.Graph
        Every pool member is a node; edges carry no attributes.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> joined_graph(p, evo.Composition({"a": ["p1", "p3", "p4"]})).number_of_edges()  # 2 + 3
    5
    """
    graph = nx.Graph()
    graph.add_nodes_from(problem.pool.ids)
    graph.add_edges_from(problem.ties.edges)
    if composition is not None:
        for people in members_of(problem, composition).values():
            graph.add_edges_from(combinations([c.id for c in people], 2))
    return graph


def sector_tie_matrix(problem: Problem, composition: Composition | None = None) -> pd.DataFrame:
    """Acquainted pairs by sector x sector, before or after a composition.

    Parameters
    ----------
    problem : Problem
    composition : Composition, optional
        Without it, the existing ties; with it, the existing ties joined with
        every co-member pair (:func:`joined_graph`).

    Returns
    -------
    pandas.DataFrame
        Square, labelled by the pool's sectors; entry ``(s, t)`` is the number
        of acquainted pairs with one person in ``s`` and the other in ``t``.
        Symmetric: a cross-sector pair appears in both ``(s, t)`` and
        ``(t, s)``; the diagonal counts within-sector pairs once. The upper
        triangle including the diagonal sums to the number of pairs.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()  # p1 (agriculture) - p2 (food), p3 (food) - p5 (agriculture)
    >>> int(sector_tie_matrix(p).loc["agriculture", "food"])
    2
    >>> comp = evo.Composition({"a": ["p2", "p3"]})
    >>> int(sector_tie_matrix(p, comp).loc["food", "food"])
    1
    """
    graph = joined_graph(problem, composition)
    sectors = list(problem.pool.sectors)
    sector = {c.id: c.sector for c in problem.pool}
    counts: Counter[tuple[str, str]] = Counter()
    for u, v in graph.edges:
        s, t = sector[u], sector[v]
        counts[(s, t)] += 1
        if s != t:
            counts[(t, s)] += 1
    frame = pd.DataFrame(
        [[counts[(s, t)] for t in sectors] for s in sectors],
        index=pd.Index(sectors, name="sector"),
        columns=pd.Index(sectors, name="sector"),
        dtype="int64",
    )
    return frame


def pool_integration(problem: Problem, composition: Composition) -> pd.DataFrame:
    """The pool view: how the composition knits sectors together.

    Compares the existing acquaintance graph (``before``) with the graph in
    which every pair of co-members is also acquainted (``after``, see
    :func:`joined_graph`).

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        Index ``before, after``; columns ``acquainted_pairs``,
        ``cross_sector_pairs`` (pairs from different sectors),
        ``sector_pairs_linked`` (unordered pairs of distinct sectors with at
        least one acquainted pair between them), ``sector_pairs`` (all such
        pairs of sectors in the pool), ``components`` (connected components
        of the pool, counting people with no tie) and ``largest_component``
        (share of the pool in the largest one).

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p3", "p4"], "b": ["p2", "p5", "p6"]})
    >>> t = pool_integration(p, comp)
    >>> t["cross_sector_pairs"].tolist()  # each network has 3 sectors: +3 pairs each
    [2, 8]
    >>> t["components"].tolist()
    [4, 1]
    """
    sector = {c.id: c.sector for c in problem.pool}
    n_sectors = len(problem.pool.sectors)
    rows = {}
    for label, comp in (("before", None), ("after", composition)):
        graph = joined_graph(problem, comp)
        cross = [(u, v) for u, v in graph.edges if sector[u] != sector[v]]
        linked = {frozenset((sector[u], sector[v])) for u, v in cross}
        components = list(nx.connected_components(graph))
        largest = max((len(c) for c in components), default=0)
        rows[label] = {
            "acquainted_pairs": graph.number_of_edges(),
            "cross_sector_pairs": len(cross),
            "sector_pairs_linked": len(linked),
            "sector_pairs": n_sectors * (n_sectors - 1) // 2,
            "components": len(components),
            "largest_component": largest / len(problem.pool) if len(problem.pool) else math.nan,
        }
    return pd.DataFrame.from_dict(rows, orient="index")
