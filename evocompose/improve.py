"""Improve a given composition (say, the steering group's own) with few changes.

:func:`improve` finds the best composition reachable from a given one with at
most ``k`` member changes. A change is replacing one member by another,
adding one member or removing one, in one network. The steering group keeps
ownership of its proposal and sees exactly what each change gains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from evocompose.check import Violation, check
from evocompose.composition import Composition
from evocompose.errors import CompositionError, SolverError
from evocompose.objective import evaluate, weighted_total
from evocompose.result import Result, SolveStatus
from evocompose.solvers.contract import SolveOptions

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["Change", "Improvement", "improve"]


@dataclass(frozen=True)
class Change:
    """One member change in one network.

    Attributes
    ----------
    network : str
    removed, added : str or None
        Who leaves and who joins (``None`` for a pure addition or removal).
    gain : float
        Objective change when only this change is applied to the base
        composition (the changes are not additive when they interact).
    """

    network: str
    removed: str | None
    added: str | None
    gain: float

    def describe(self) -> str:
        """One line such as ``food: s0012 -> s0107 (+12.5)``."""
        if self.removed and self.added:
            what = f"{self.removed} -> {self.added}"
        elif self.added:
            what = f"add {self.added}"
        else:
            what = f"remove {self.removed}"
        return f"{self.network}: {what} ({self.gain:+.2f})"


@dataclass(frozen=True)
class Improvement:
    """What :func:`improve` returns.

    Attributes
    ----------
    base : Composition
        The composition given.
    composition : Composition or None
        The improved composition; it passes every rule. ``None`` when no
        feasible composition lies within ``max_changes`` (or none was found
        in time). With ``max_changes=0`` and a feasible base it is the base.
    changes : tuple of Change
    objective_before, objective_after : float
        Weighted objective of the base and of the improved composition.
    violations_before : tuple of Violation
        Rules the base breaks (all repaired in ``composition``).
    status : SolveStatus
        OPTIMAL when no better composition exists within ``max_changes``.
    result : Result or None
        The solver's result (``None`` when no solve was needed).
    """

    base: Composition
    composition: Composition | None
    changes: tuple[Change, ...]
    objective_before: float
    objective_after: float | None
    violations_before: tuple[Violation, ...]
    status: SolveStatus
    result: Result | None = None

    @property
    def gain(self) -> float | None:
        """Total objective gain (``None`` without an improved composition)."""
        if self.objective_after is None:
            return None
        return self.objective_after - self.objective_before

    def to_frame(self) -> pd.DataFrame:
        """One row per change: ``network, removed, added, gain``."""
        return pd.DataFrame(
            [(c.network, c.removed, c.added, c.gain) for c in self.changes],
            columns=["network", "removed", "added", "gain"],
        )

    def summary(self) -> str:
        """Readable report of the changes and what they gain."""
        lines = [f"Status: {self.status}"]
        lines.append(f"Objective before: {self.objective_before:,.2f}")
        if self.violations_before:
            lines.append(f"Rules broken before: {len(self.violations_before)}")
        if self.objective_after is not None:
            lines.append(f"Objective after:  {self.objective_after:,.2f} ({self.gain:+,.2f})")
        if self.changes:
            lines.append(f"{len(self.changes)} change(s), each gain measured on its own:")
            lines += [f"  {c.describe()}" for c in self.changes]
        elif self.composition is not None:
            lines.append("No change improves the composition within the limit.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _objective(problem: Problem, comp: Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _with(comp: Composition, network: str, out: str | None, into: str | None) -> Composition:
    members = {n: list(ids) for n, ids in comp.members.items()}
    ids = members.setdefault(network, [])
    if out is not None:
        ids.remove(out)
    if into is not None:
        ids.append(into)
    return Composition(members, comp.slots)


def _changes(problem: Problem, base: Composition, new: Composition) -> tuple[Change, ...]:
    before = _objective(problem, base)
    out: list[Change] = []
    for spec in problem.networks:
        old = set(base.members.get(spec.name, ()))
        cur = set(new.members.get(spec.name, ()))
        removed = sorted(old - cur)
        added = sorted(cur - old)
        # Pair each leaver with the newcomer that gains most in their place.
        while removed and added:
            best = max(
                ((r, a) for r in removed for a in added),
                key=lambda ra: (_objective(problem, _with(base, spec.name, ra[0], ra[1])), ra),
            )
            gain = _objective(problem, _with(base, spec.name, *best)) - before
            out.append(Change(spec.name, best[0], best[1], gain))
            removed.remove(best[0])
            added.remove(best[1])
        for r in removed:
            out.append(
                Change(
                    spec.name,
                    r,
                    None,
                    _objective(problem, _with(base, spec.name, r, None)) - before,
                )
            )
        for a in added:
            out.append(
                Change(
                    spec.name,
                    None,
                    a,
                    _objective(problem, _with(base, spec.name, None, a)) - before,
                )
            )
    return tuple(out)


def improve(
    problem: Problem,
    composition: Composition,
    max_changes: int = 3,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
) -> Improvement:
    """The best composition reachable from ``composition`` with at most ``max_changes`` changes.

    Parameters
    ----------
    problem : Problem
    composition : Composition
        The starting point, e.g. a hand-picked proposal (it may break rules;
        the changes then repair them where ``max_changes`` allows).
    max_changes : int
        Member changes allowed in total over all networks (a replacement,
        an addition or a removal each count one). ``0`` returns the input,
        scored.
    time_limit, seed, workers
        Passed to the CP-SAT backend.

    Returns
    -------
    Improvement

    Raises
    ------
    CompositionError
        When ``composition`` names people or networks the problem lacks.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> base = evo.Composition({"a": ["p1", "p2"], "b": ["p3", "p5"]})
    >>> imp = improve(p, base, max_changes=1, time_limit=5)
    >>> len(imp.changes) <= 1 and imp.gain >= 0
    True
    """
    if max_changes < 0:
        raise SolverError("max_changes must be >= 0", value=max_changes)
    for net, ids in composition.members.items():
        if net not in problem.network_names:
            raise CompositionError(
                f"unknown network; networks: {', '.join(problem.network_names)}",
                column="network",
                value=net,
            )
        for cid in ids:
            if cid not in problem.pool:
                raise CompositionError("unknown candidate id", column="candidate_id", value=cid)
    before = _objective(problem, composition)
    violations = tuple(check(problem, composition))
    if max_changes == 0:
        feasible = not violations
        return Improvement(
            composition,
            composition if feasible else None,
            (),
            before,
            before if feasible else None,
            violations,
            SolveStatus.FEASIBLE if feasible else SolveStatus.INFEASIBLE,
        )
    from evocompose.solvers.cpsat.solve import solve_cpsat  # deferred: loads ortools

    result = solve_cpsat(
        problem,
        SolveOptions(time_limit=time_limit, seed=seed, workers=workers, hint=composition),
        base=composition,
        max_changes=max_changes,
    )
    new = result.composition
    if new is None:
        return Improvement(composition, None, (), before, None, violations, result.status, result)
    return Improvement(
        composition,
        new,
        _changes(problem, composition, new),
        before,
        result.objective,
        violations,
        result.status,
        result,
    )
