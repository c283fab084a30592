"""The LP masters of a selection lottery, on OR-Tools' GLOP (an open LP solver).

A lottery is a probability ``λ_P`` per composition ``P`` (a *column*); the
selection probability of person ``i`` is ``p_i = sum_{P ∋ i} λ_P``. Each
master solves the lottery over the columns known so far and returns
*prices*: a column ``P`` not yet known improves the master exactly when
``sum_{i ∈ P} price_i > threshold``, which is what the pricing problem
(CP-SAT, :meth:`~evocompose.solvers.cpsat.targets.TargetModel.maximise_people`)
searches for.

* :func:`maximin` — maximise ``z`` subject to ``p_i >= z`` for the *free*
  people and ``p_i >= f_i`` for the *fixed* ones (leximin is iterated
  maximin). Prices are the LP duals ``y_i >= 0`` of the rows ``p_i >= ...``
  and the threshold the dual ``μ`` of ``sum λ = 1``. By weak duality, for
  any bound ``M >= max_P sum_{i ∈ P} y_i`` over *all* compositions, the
  optimum over all compositions is at most ``value + (M - μ)``.
* :func:`nash` — maximise ``sum_i log p_i`` (Nash welfare). The concave
  objective is an outer approximation by tangent lines
  ``t_i <= log a + (p_i - a) / a``, refined at the current ``p`` until it is
  exact to 1e-9, so the master stays an LP. Prices are the gradient
  ``1 / p_i`` and the threshold ``n = sum_i p_i / p_i`` (the Frank–Wolfe
  gap ``max_P sum_{i ∈ P} 1/p_i - n`` bounds how far ``sum log p`` is from
  its optimum over all compositions).

Flanigan et al., "Fair algorithms for selecting citizens' assemblies",
Nature 596 (2021), use the same masters for a single panel; here a column
is a whole composition of several networks, and a person is selected when
placed in any of them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from evocompose.errors import SolverError

__all__ = ["MasterSolution", "maximin", "nash", "probabilities"]

#: Refine the tangents until ``t_i - log p_i`` is at most this ...
_NASH_EXACT = 1e-6
#: ... or for this many rounds (the fixed-point polish does the rest).
_NASH_ROUNDS = 12
#: The polish stops when no column's gradient ``sum_{i in P} 1/p_i / n``
#: exceeds 1 by more than this (the Nash optimum over the columns, to that
#: relative accuracy), or after ``_POLISH_STEPS`` steps; on small lotteries,
#: where a step costs microseconds, after as many as ``_POLISH_WORK`` cells
#: (people x columns) allow, up to ``_POLISH_STEPS_SMALL``. The fixed point
#: slows down where many lotteries are optimal: 6 people, 10 columns, still
#: 1.2e-5 off after 5,000 steps, which left a column priced as improving
#: that was already there, and the lottery unproven.
_POLISH_EXACT = 1e-7
_POLISH_STEPS = 5_000
_POLISH_STEPS_SMALL = 50_000
_POLISH_WORK = 200_000_000


@dataclass(frozen=True)
class MasterSolution:
    """One solve of a master LP.

    Attributes
    ----------
    value : float
        ``min`` probability of the free people (maximin) or ``sum log p``
        (nash), computed from ``weights``.
    weights : tuple of float
        ``λ_P`` per column (non-negative, summing to 1).
    prices : dict of int to float
        The pricing weight per person (``>= 0``).
    threshold : float
        A column improves the master iff its people's prices sum above this.
    probabilities : dict of int to float
        ``p_i`` per person of the master.
    """

    value: float
    weights: tuple[float, ...]
    prices: dict[int, float]
    threshold: float
    probabilities: dict[int, float] = field(default_factory=dict)


def probabilities(
    columns: Sequence[Collection[int]], weights: Sequence[float], people: Collection[int]
) -> dict[int, float]:
    """``p_i = sum_{P ∋ i} λ_P`` for each person of ``people``.

    Examples
    --------
    >>> probabilities([{0, 1}, {1, 2}], [0.25, 0.75], [0, 1, 2])
    {0: 0.25, 1: 1.0, 2: 0.75}
    """
    out = dict.fromkeys(people, 0.0)
    for col, w in zip(columns, weights, strict=True):
        if w:
            for i in col:
                if i in out:
                    out[i] += w
    return out


def _clean(raw: Sequence[float]) -> tuple[float, ...]:
    """LP weights made a probability vector: tiny and negative values dropped, sum 1."""
    w = [x if x > 1e-12 else 0.0 for x in raw]
    total = sum(w)
    if total <= 0:
        raise SolverError("the lottery's LP returned no distribution (all weights are zero)")
    return tuple(x / total for x in w)


def _glop() -> pywraplp.Solver:
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every ortools wheel
        raise SolverError("OR-Tools' GLOP LP solver is not available")
    return solver


def maximin(
    columns: Sequence[Collection[int]],
    free: Collection[int],
    fixed: Mapping[int, float] | None = None,
) -> MasterSolution:
    """The lottery over ``columns`` maximising the lowest probability of the free people.

    Parameters
    ----------
    columns : sequence of sets of int
        The people (pool indices) each composition places.
    free : collection of int
        People whose lowest probability is maximised; each must appear in
        some column.
    fixed : mapping of int to float, optional
        People who keep at least the given probability (earlier leximin
        levels).

    Returns
    -------
    MasterSolution

    Raises
    ------
    SolverError
        When a free person appears in no column, or the LP fails.

    Examples
    --------
    >>> sol = maximin([{0, 1}, {1, 2}, {0, 2}], free=[0, 1, 2])
    >>> round(sol.value, 6), round(sol.threshold, 6)
    (0.666667, 0.666667)
    """
    fixed = dict(fixed or {})
    if not free:
        raise SolverError("a maximin lottery needs at least one person whose chance is free")
    people = sorted(set(free) | set(fixed))
    covered = set().union(*map(set, columns)) if columns else set()
    missing = [i for i in free if i not in covered]
    if missing:
        raise SolverError("a person of the lottery appears in no composition", value=missing[0])
    solver = _glop()
    inf = solver.infinity()
    lam = [solver.NumVar(0.0, inf, f"l{k}") for k in range(len(columns))]
    z = solver.NumVar(0.0, 1.0, "z")
    conv = solver.Add(solver.Sum(lam) == 1.0)
    rows: dict[int, pywraplp.Constraint] = {}
    members: dict[int, list[pywraplp.Variable]] = {i: [] for i in people}
    for k, col in enumerate(columns):
        for i in col:
            if i in members:
                members[i].append(lam[k])
    free_set = set(free)
    for i in people:
        p_i = solver.Sum(members[i]) if members[i] else 0.0
        if i in free_set:
            rows[i] = solver.Add(p_i - z >= 0.0)
        else:
            rows[i] = solver.Add(p_i >= max(0.0, fixed[i] - 1e-9))
    solver.Maximize(z)
    code = solver.Solve()
    if code != pywraplp.Solver.OPTIMAL:
        raise SolverError(
            "the lottery's LP (GLOP) found no optimal distribution; the fixed probabilities "
            "of earlier leximin levels may be numerically out of reach",
            value=code,
        )
    weights = _clean([v.solution_value() for v in lam])
    probs = probabilities(columns, weights, people)
    prices = {i: max(0.0, -rows[i].dual_value()) for i in people}
    value = min((probs[i] for i in free_set), default=1.0)
    return MasterSolution(value, weights, prices, conv.dual_value(), probs)


def nash(columns: Sequence[Collection[int]], people: Collection[int]) -> MasterSolution:
    """The lottery over ``columns`` maximising ``sum_i log p_i`` (Nash welfare).

    An LP on GLOP over tangent lines of ``log`` (refined at the LP's ``p``
    until they are exact to 1e-6) gives a near-optimal distribution; a few
    thousand steps of the multiplicative fixed point
    ``λ_P <- λ_P * sum_{i ∈ P} (1 / p_i) / n`` (the EM iteration for
    mixture weights, which increases ``sum log p`` at every step) then make
    it optimal to a relative 1e-7 (no column's ``sum_{i in P} 1/p_i`` exceeds
    ``n`` by more), so that the optimality condition
    ``sum_{i ∈ P} 1/p_i <= n`` can be read from it. At the optimum every
    ``p_i >= 1 / n`` (a column placing ``i`` has ``1/p_i <= n``), so tangents
    below ``1 / (2n)`` are never needed.

    Parameters
    ----------
    columns : sequence of sets of int
    people : collection of int
        Each must appear in some column (else every lottery has ``p_i = 0``).

    Returns
    -------
    MasterSolution
        ``value`` is ``sum log p_i``; prices are ``1 / p_i``, the threshold
        is the number of people.

    Examples
    --------
    >>> sol = nash([{0}, {1}, {0, 1}], people=[0, 1])
    >>> [round(w, 6) for w in sol.weights]
    [0.0, 0.0, 1.0]
    """
    people = sorted(set(people))
    n = len(people)
    if n == 0:
        raise SolverError("a Nash lottery needs at least one person")
    covered = set().union(*map(set, columns)) if columns else set()
    missing = [i for i in people if i not in covered]
    if missing:
        raise SolverError("a person of the lottery appears in no composition", value=missing[0])
    smallest = 1.0 / (2 * n)
    grid = sorted({2.0**-k for k in range(64) if 2.0**-k >= smallest} | {smallest})
    solver = _glop()
    inf = solver.infinity()
    lam = [solver.NumVar(0.0, inf, f"l{k}") for k in range(len(columns))]
    conv = solver.Constraint(1.0, 1.0)
    for v in lam:
        conv.SetCoefficient(v, 1.0)
    members: dict[int, list[int]] = {i: [] for i in people}
    for k, col in enumerate(columns):
        for i in col:
            if i in members:
                members[i].append(k)
    ts = {i: solver.NumVar(-inf, 0.0, f"t{i}") for i in people}

    def tangent(i: int, a: float) -> None:
        # t_i - p_i / a <= log(a) - 1
        row = solver.Constraint(-inf, math.log(a) - 1.0)
        row.SetCoefficient(ts[i], 1.0)
        for k in members[i]:
            row.SetCoefficient(lam[k], -1.0 / a)

    for i in people:
        for a in grid:
            tangent(i, a)
    objective = solver.Objective()
    for t in ts.values():
        objective.SetCoefficient(t, 1.0)
    objective.SetMaximization()
    weights: tuple[float, ...] = ()
    for _ in range(_NASH_ROUNDS):
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            raise SolverError("the lottery's LP (GLOP) found no optimal Nash distribution")
        weights = _clean([v.solution_value() for v in lam])
        probs = probabilities(columns, weights, people)
        loose = [
            i
            for i in people
            if probs[i] <= 0 or ts[i].solution_value() - math.log(probs[i]) > _NASH_EXACT
        ]
        for i in loose:
            tangent(i, min(1.0, max(probs[i], smallest)))
        if not loose:
            break
    weights = _polish(columns, people, weights)
    probs = probabilities(columns, weights, people)
    value = sum(math.log(probs[i]) for i in people)
    prices = {i: 1.0 / probs[i] for i in people}
    return MasterSolution(value, weights, prices, float(n), probs)


def _polish(
    columns: Sequence[Collection[int]], people: Sequence[int], start: Sequence[float]
) -> tuple[float, ...]:
    """Multiplicative fixed-point steps towards the Nash optimum over ``columns``."""
    index = {i: r for r, i in enumerate(people)}
    a = np.zeros((len(people), len(columns)))
    for k, col in enumerate(columns):
        for i in col:
            r = index.get(i)
            if r is not None:
                a[r, k] = 1.0
    m = len(columns)
    lam = 0.99 * np.asarray(start, dtype=float) + 0.01 / m
    n = float(len(people))
    steps = max(_POLISH_STEPS, min(_POLISH_STEPS_SMALL, _POLISH_WORK // max(1, a.size)))
    for _ in range(steps):
        p = a @ lam
        grad = (a.T @ (1.0 / p)) / n
        lam = lam * grad
        lam /= lam.sum()
        if float(np.max(grad)) < 1 + _POLISH_EXACT:
            break
    lam[lam < 1e-9] = 0.0  # columns the fixed point is still phasing out
    return _clean(lam.tolist())
