"""Coverage yardsticks: skills, relevance to the theme, and meeting availability.

Every function takes ``(problem, composition)`` and returns a tidy
:class:`pandas.DataFrame` with one row per network of the problem (spec
order) and, where meaningful, a row ``"(all)"``. Unknown networks or people in
the composition are ignored (see :func:`evocompose.check.check`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from evocompose.metrics._common import ALL, members_of, placed_people

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem

__all__ = ["availability_table", "relevance_table", "skill_coverage", "skill_requirements"]


def skill_requirements(problem: Problem, composition: Composition) -> pd.DataFrame:
    """Every skill requirement of every network and how many members hold it.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        One row per (network, requirement); columns ``network, skill, min,
        holders, met``.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> spec = evo.NetworkSpec("a", min_size=2, max_size=3,
    ...                        skills=(evo.SkillRequirement("marketing", 2),))
    >>> p = p.replace(networks=(spec, p.networks[1]))
    >>> comp = evo.Composition({"a": ["p1", "p2", "p3"], "b": ["p4", "p5"]})
    >>> skill_requirements(p, comp).values.tolist()
    [['a', 'marketing', 2, 1, False]]
    """
    members = members_of(problem, composition)
    rows = []
    for spec in problem.networks:
        for req in spec.skills:
            holders = sum(1 for c in members[spec.name] if req.skill in c.skills)
            rows.append(
                {
                    "network": spec.name,
                    "skill": req.skill,
                    "min": req.min,
                    "holders": holders,
                    "met": holders >= req.min,
                }
            )
    return pd.DataFrame(rows, columns=["network", "skill", "min", "holders", "met"])


def skill_coverage(problem: Problem, composition: Composition) -> pd.DataFrame:
    """Skill requirements met and breadth of skills per network.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        Columns ``network, size, requirements`` (number of skill
        requirements), ``requirements_met``, ``distinct_skills`` (skills held
        by at least one member) and ``pool_share`` (``distinct_skills`` over
        the number of distinct skills in the pool; ``nan`` when the pool has
        none). The ``"(all)"`` row sums the requirements and counts the skills
        of everybody placed.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p2", "p3"], "b": ["p4", "p5"]})
    >>> skill_coverage(p, comp)[["network", "distinct_skills", "pool_share"]].values.tolist()
    [['a', 2, 1.0], ['b', 1, 0.5], ['(all)', 2, 1.0]]
    """
    members = members_of(problem, composition)
    n_pool = len(problem.pool.skills)
    rows = []
    total_req = total_met = 0
    for spec in problem.networks:
        people = members[spec.name]
        met = sum(
            1 for req in spec.skills if sum(1 for c in people if req.skill in c.skills) >= req.min
        )
        distinct = len({s for c in people for s in c.skills})
        rows.append(
            {
                "network": spec.name,
                "size": len(people),
                "requirements": len(spec.skills),
                "requirements_met": met,
                "distinct_skills": distinct,
                "pool_share": distinct / n_pool if n_pool else math.nan,
            }
        )
        total_req += len(spec.skills)
        total_met += met
    placed = placed_people(members)
    distinct = len({s for c in placed for s in c.skills})
    rows.append(
        {
            "network": ALL,
            "size": len(placed),
            "requirements": total_req,
            "requirements_met": total_met,
            "distinct_skills": distinct,
            "pool_share": distinct / n_pool if n_pool else math.nan,
        }
    )
    return pd.DataFrame(rows)


def relevance_table(problem: Problem, composition: Composition) -> pd.DataFrame:
    """Members' relevance to their network's theme.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        Columns ``network, size, relevance_mean, relevance_min,
        relevance_max`` and ``below_min`` (members under the network's
        ``min_relevance``, 0 without a threshold). The ``"(all)"`` row is over
        every membership (a person in two networks counts twice, each time
        with their relevance to that network). ``nan`` for empty networks.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p2"], "b": ["p4", "p5"]})
    >>> relevance_table(p, comp)["relevance_mean"].tolist()  # tiny has no themes: all 0
    [0.0, 0.0, 0.0]
    """
    members = members_of(problem, composition)
    rows = []
    every: list[float] = []
    below_all = 0
    for spec in problem.networks:
        rel = [problem.relevance(c.id, spec.name) for c in members[spec.name]]
        below = (
            sum(1 for r in rel if r < spec.min_relevance) if spec.min_relevance is not None else 0
        )
        rows.append(_relevance_row(spec.name, rel, below))
        every += rel
        below_all += below
    rows.append(_relevance_row(ALL, every, below_all))
    return pd.DataFrame(rows)


def _relevance_row(name: str, rel: list[float], below: int) -> dict[str, object]:
    return {
        "network": name,
        "size": len(rel),
        "relevance_mean": sum(rel) / len(rel) if rel else math.nan,
        "relevance_min": min(rel) if rel else math.nan,
        "relevance_max": max(rel) if rel else math.nan,
        "below_min": below,
    }


def availability_table(problem: Problem, composition: Composition) -> pd.DataFrame:
    """How many members are free in the chosen meeting slot and in the best slot.

    The *best slot* of a network is the slot in which the most members are
    free, among the network's allowed meeting slots when its meeting rule
    lists some, else among every slot offered in the pool; ties go to the
    earliest slot in week order.

    Parameters
    ----------
    problem : Problem
    composition : Composition

    Returns
    -------
    pandas.DataFrame
        One row per network; columns ``network, size, slot`` (the
        composition's slot, or ``None``), ``free_in_slot``,
        ``share_in_slot``, ``best_slot``, ``free_in_best``,
        ``share_in_best`` and ``required`` (members the meeting rule needs
        free; ``nan`` without a rule). Shares are ``nan`` for empty networks.
        No ``"(all)"`` row: slots are per network.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p2"], "b": ["p4", "p5"]}, {"a": "sun-evening"})
    >>> t = availability_table(p, comp)
    >>> t.loc[0, "slot"], float(t.loc[0, "share_in_slot"])  # nobody is free on Sunday
    ('sun-evening', 0.0)
    >>> t.loc[0, "best_slot"], float(t.loc[0, "share_in_best"])
    ('tue-evening', 1.0)
    """
    members = members_of(problem, composition)
    pool_slots = problem.pool.slots
    rows = []
    for spec in problem.networks:
        people = members[spec.name]
        size = len(people)
        slot = composition.slots.get(spec.name)
        free = sum(1 for c in people if slot is not None and slot in c.availability)
        allowed = [
            s
            for s in pool_slots
            if spec.meeting is None or not spec.meeting.slots or s in spec.meeting.slots
        ]
        best: str | None = None
        best_free = 0
        for s in allowed:
            k = sum(1 for c in people if s in c.availability)
            if k > best_free:
                best, best_free = s, k
        rows.append(
            {
                "network": spec.name,
                "size": size,
                "slot": slot,
                "free_in_slot": free,
                "share_in_slot": free / size if size else math.nan,
                "best_slot": best,
                "free_in_best": best_free,
                "share_in_best": best_free / size if size else math.nan,
                "required": (
                    spec.meeting.required_available(size) if spec.meeting is not None else math.nan
                ),
            }
        )
    return pd.DataFrame(rows)
