"""Small helpers shared by the metrics modules (not by the solvers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evocompose.fields import COUNTABLE_FIELDS

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Candidate, Problem

#: Label of the row that summarises all networks.
ALL = "(all)"

#: Built-in candidate fields usable as categorical attributes (the countable ones).
BUILTIN_FIELDS = COUNTABLE_FIELDS


def members_of(problem: Problem, composition: Composition) -> dict[str, list[Candidate]]:
    """Members per network of the problem (spec order), known ids only.

    Networks the problem does not have and ids not in the pool are ignored
    here; :func:`evocompose.check.check` reports them.
    """
    pool = problem.pool
    return {
        name: [pool[cid] for cid in composition.members.get(name, ()) if cid in pool]
        for name in problem.network_names
    }


def placed_people(members: dict[str, list[Candidate]]) -> list[Candidate]:
    """Everybody placed, each person once, in order of first appearance."""
    seen: dict[str, Candidate] = {}
    for people in members.values():
        for c in people:
            seen.setdefault(c.id, c)
    return list(seen.values())


def check_field(problem: Problem, field: str) -> None:
    """Raise ``ValueError`` unless ``field`` is a built-in field or a column of the pool."""
    if field not in BUILTIN_FIELDS and field not in problem.pool.extra_columns:
        raise ValueError(
            f"unknown field {field!r}; use one of {', '.join(BUILTIN_FIELDS)} "
            f"or a candidate column ({', '.join(problem.pool.extra_columns) or 'none'})"
        )
