"""Bundled and generated example problems.

* :func:`stevns` — the synthetic "Stevns Evolution" case (see ``docs/stevns.md``).
* :func:`tiny` — a six-person problem for examples and tests.
* :func:`impossible` — deliberately impossible problems, one per cause
  (:mod:`evocompose.datasets.impossible`).
* :mod:`evocompose.datasets.mdgplib` — the MDGPLIB benchmark format.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from evocompose.data import Candidate, NetworkSpec, Pool, Problem
from evocompose.datasets.impossible import ImpossibleCase, impossible

__all__ = ["ImpossibleCase", "impossible", "stevns", "tiny"]


def stevns(seed: int = 0, n: int = 250) -> Problem:
    """The synthetic Stevns example; see :func:`evocompose.datasets.stevns_generator.stevns`."""
    # deferred: keeps ``python -m evocompose.datasets.stevns_generator`` from loading itself twice
    from evocompose.datasets.stevns_generator import stevns as generate  # deferred: as above

    return generate(seed=seed, n=n)


def tiny() -> Problem:
    """A six-person, two-network problem for examples and tests.

    Networks ``a`` and ``b`` each take 2-3 people; ``p1`` and ``p2`` know each
    other.

    Examples
    --------
    >>> import evocompose as evo
    >>> len(evo.datasets.tiny().pool)
    6
    """
    rows: list[dict[str, Any]] = [
        dict(
            id="p1", sector="agriculture", actor_type="private", area="Rødvig", skills=("crafts",)
        ),
        dict(id="p2", sector="food", actor_type="private", area="Rødvig", skills=("marketing",)),
        dict(id="p3", sector="food", actor_type="public", area="Hårlev", skills=()),
        dict(id="p4", sector="tourism", actor_type="civil", area="Strøby", skills=("marketing",)),
        dict(id="p5", sector="agriculture", actor_type="knowledge", area="Hårlev", skills=()),
        dict(id="p6", sector="tourism", actor_type="private", area="Strøby", skills=("crafts",)),
    ]
    pool = Pool(
        tuple(
            Candidate(
                name=f"Person {r['id'][1:]}",
                organisation=f"Org {r['id'][1:]}",
                availability=("tue-evening", "thu-morning"),
                **r,
            )
            for r in rows
        )
    )
    ties = nx.Graph([("p1", "p2"), ("p3", "p5")])
    nets = (
        NetworkSpec("a", theme="Network A", min_size=2, max_size=3),
        NetworkSpec("b", theme="Network B", min_size=2, max_size=3),
    )
    return Problem(pool, nets, ties, name="tiny")
