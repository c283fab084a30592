"""Bundled and generated example problems.

* :func:`stevns` — the synthetic "Stevns Evolution" case (see ``docs/stevns.md``).
* :func:`tiny` — a six-person problem for examples and tests.
* :func:`partition` — a pure partition into teams (cohorts, workshop tables).
* :func:`impossible` — deliberately impossible problems, one per cause
  (:mod:`evocompose.datasets.impossible`).
* :mod:`evocompose.datasets.mdgplib` — the MDGPLIB benchmark format.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from evocompose.data import Candidate, NetworkSpec, Pool, Problem
from evocompose.datasets.impossible import ImpossibleCase, impossible
from evocompose.errors import ProblemError
from evocompose.vocabulary import TERM_NAMES
from evocompose.weights import Weights

__all__ = ["ImpossibleCase", "impossible", "partition", "stevns", "tiny"]

#: Sector mix of :func:`partition`: ten sectors, skewed as in a small municipality.
PARTITION_SECTORS: dict[str, float] = {
    "business_services": 0.30,
    "construction": 0.18,
    "retail": 0.12,
    "manufacturing": 0.10,
    "agriculture": 0.08,
    "tourism": 0.07,
    "food_restaurants": 0.06,
    "transport": 0.04,
    "education": 0.03,
    "culture": 0.02,
}
#: Actor-type mix of :func:`partition`.
PARTITION_ACTORS: dict[str, float] = {
    "private": 0.55,
    "public": 0.20,
    "knowledge": 0.10,
    "civil": 0.15,
}
#: Areas of :func:`partition` (equally likely).
PARTITION_AREAS: tuple[str, ...] = (
    "Store Heddinge",
    "Hårlev",
    "Rødvig",
    "Strøby",
    "Klippinge",
    "Lille Heddinge",
)


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


def partition(n: int = 600, team_size: int = 10, seed: int = 0) -> Problem:
    """A pure partition: ``n`` people into teams of exactly ``team_size``, as diverse as possible.

    The pool has a skewed sector mix over ten sectors
    (:data:`PARTITION_SECTORS`), four actor types (:data:`PARTITION_ACTORS`)
    and six areas; everyone is placed in exactly one team; the objective is
    diversity on sector, actor type and area (weight 1 each, every other
    weight 0). This is the shape of cohorts, workshop tables and class
    groups, and the instance family of ``benchmarks/partition``. No real
    person's data: names are ``Person <k>``.

    Parameters
    ----------
    n : int
        People; a multiple of ``team_size``.
    team_size : int
    seed : int

    Raises
    ------
    ProblemError
        When ``n`` is not a positive multiple of ``team_size``.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.partition(120)
    >>> len(p.pool), len(p.networks), p.assign_all
    (120, 12, True)
    """
    if team_size < 1 or n < team_size or n % team_size:
        raise ProblemError(
            f"n must be a positive multiple of team_size {team_size}", column="n", value=n
        )
    rng = np.random.default_rng(seed)
    sectors = rng.choice(list(PARTITION_SECTORS), size=n, p=list(PARTITION_SECTORS.values()))
    actors = rng.choice(list(PARTITION_ACTORS), size=n, p=list(PARTITION_ACTORS.values()))
    areas = rng.choice(PARTITION_AREAS, size=n)
    people = tuple(
        Candidate(
            id=f"p{i + 1:05d}",
            name=f"Person {i + 1}",
            organisation=f"Organisation {i + 1}",
            sector=str(sectors[i]),
            actor_type=str(actors[i]),
            area=str(areas[i]),
        )
        for i in range(n)
    )
    teams = n // team_size
    width = len(str(teams))
    nets = tuple(
        NetworkSpec(
            f"team{g + 1:0{width}d}", theme=f"Team {g + 1}", min_size=team_size, max_size=team_size
        )
        for g in range(teams)
    )
    weights = {t: 0.0 for t in TERM_NAMES}
    weights.update(sector=1.0, actor_type=1.0, area=1.0)
    return Problem(
        Pool(people),
        nets,
        assign_all=True,
        weights=Weights(**weights),  # type: ignore[arg-type]
        name=f"partition n={n} teams of {team_size} (seed {seed})",
    )
