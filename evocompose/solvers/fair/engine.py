"""Column generation for selection lotteries: GLOP masters, CP-SAT pricing.

The state of a lottery under construction is a :class:`LotteryState`: the
compositions found so far (*columns*, each checked with
:func:`evocompose.check` and scored with :mod:`evocompose.objective`), and
what is known about each person — *suitable* (placed in some column),
*unsuitable* (proven: no composition within the floor places them) or
*undecided*. :func:`run` improves the lottery over the suitable people:

1. solve the master LP over the columns (:mod:`.master`);
2. price: CP-SAT maximises the people's prices over every composition that
   keeps every rule and scores at least the floor
   (:meth:`~evocompose.solvers.cpsat.targets.TargetModel.maximise_people`);
   every composition it finds on the way is admitted as a column;
3. stop when CP-SAT proves that no composition improves the master (the
   lottery is then optimal over *all* such compositions), or when time runs
   out (the proven upper bound is reported).

``fairness="leximin"`` repeats maximin, fixing after each proven level the
people whose dual price is positive (their probability cannot exceed the
level in any optimal lottery) and maximising the lowest probability of the
others. ``"nash"`` maximises ``sum log p_i`` (Frank–Wolfe column
generation with the gradient ``1/p_i`` as prices).

A column that scores *above* the reference (the best objective known when
the floor was set) stops :func:`run` early: the caller then raises the
reference and the floor (see :meth:`LotteryState.raise_reference`) and runs
again, so that every column stays within the tolerance of the best
objective known at the end.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from evocompose.check import check
from evocompose.composition import Composition
from evocompose.objective import evaluate, weighted_total
from evocompose.result import SolveStatus
from evocompose.solvers.contract import SolveOptions

from . import master
from .swaps import Swapper

if TYPE_CHECKING:
    from evocompose.data import Problem
    from evocompose.solvers.cpsat.targets import TargetModel

__all__ = ["FAIRNESS", "Column", "FairOutcome", "LotteryState", "run"]

#: The fairness criteria :func:`run` implements.
FAIRNESS: tuple[str, ...] = ("maximin", "leximin", "nash")
Fairness = Literal["maximin", "leximin", "nash"]

#: A column improves the master when its price exceeds the threshold by this
#: (relative to ``max(1, threshold)``) ...
IMPROVE_EPS = 1e-7
#: ... and the master is proven optimal when the pricing bound is within this.
PROOF_EPS = 1e-6
#: The same for Nash welfare, whose master is optimal to a relative 1e-7 only
#: (:func:`.master.nash`): proven means ``sum log p`` is within ``1e-5 * n``
#: of the optimum over every composition.
NASH_EPS = 1e-5
#: A leximin dual price above this fixes its person at the level.
FIX_EPS = 1e-7


@dataclass(frozen=True)
class Column:
    """One composition of the lottery.

    Attributes
    ----------
    composition : Composition
    people : frozenset of int
        Pool indices of everyone it places.
    objective : float
        Its weighted objective (reference evaluation).
    """

    composition: Composition
    people: frozenset[int]
    objective: float


@dataclass
class LotteryState:
    """Columns and what is known about each person (mutable, while the lottery is built).

    Attributes
    ----------
    problem : Problem
    reference : float
        The best objective known; compositions must score at least ``floor``.
    floor : float
    tolerance : float
        ``floor = reference - tolerance * |reference|``.
    columns : list of Column
    suitable : set of int
        People placed in some column.
    undecided : set of int
        People eligible somewhere, neither placed in a column nor proven unsuitable.
    unsuitable : dict of int to str
        People proven to fit no composition within the floor, with the reason.
    rejected : int
        Compositions refused by the checker or the floor (never expected:
        the model states every rule and the floor).
    better : Column or None
        A column scoring above ``reference`` that has not yet been taken
        into account (see :meth:`raise_reference`).
    """

    problem: Problem
    reference: float
    tolerance: float
    floor: float = 0.0
    columns: list[Column] = field(default_factory=list)
    suitable: set[int] = field(default_factory=set)
    undecided: set[int] = field(default_factory=set)
    unsuitable: dict[int, str] = field(default_factory=dict)
    rejected: int = 0
    better: Column | None = None
    _keys: dict[Composition, Column] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.floor = floor_of(self.reference, self.tolerance)

    def admit(self, composition: Composition) -> Column | None:
        """Add a composition as a column if it keeps every rule and meets the floor.

        Returns the new column (``None`` when it is known already or refused).
        """
        if composition in self._keys:
            return None
        problem = self.problem
        if check(problem, composition):
            self.rejected += 1
            return None
        value = weighted_total(problem, evaluate(problem, composition))
        if value < self.floor - 1e-9 * max(1.0, abs(self.floor)):
            self.rejected += 1
            return None
        pool = problem.pool
        people = frozenset(pool.index(c) for c in composition.placed())
        column = Column(composition, people, value)
        self.columns.append(column)
        self._keys[composition] = column
        fresh = people - self.suitable
        self.suitable |= fresh
        self.undecided -= fresh
        for i in fresh:
            self.unsuitable.pop(i, None)
        if value > self.reference + 1e-9 * max(1.0, abs(self.reference)) and (
            self.better is None or value > self.better.objective
        ):
            self.better = column
        return column

    def raise_reference(self) -> list[Column]:
        """Take :attr:`better` as the new reference: raise the floor, drop the columns below it.

        People placed only by dropped columns become undecided again.
        Returns the dropped columns.
        """
        if self.better is None:
            return []
        self.reference = self.better.objective
        self.better = None
        self.floor = floor_of(self.reference, self.tolerance)
        slack = 1e-9 * max(1.0, abs(self.floor))
        kept = [c for c in self.columns if c.objective >= self.floor - slack]
        dropped = [c for c in self.columns if c.objective < self.floor - slack]
        self.columns = kept
        self._keys = {c.composition: c for c in kept}
        placed = set().union(*(c.people for c in kept)) if kept else set()
        lost = self.suitable - placed
        self.suitable = placed
        self.undecided |= lost
        return dropped

    def column_sets(self) -> list[frozenset[int]]:
        """The people of each column, in column order."""
        return [c.people for c in self.columns]


def floor_of(reference: float, tolerance: float) -> float:
    """``reference - tolerance * |reference|``: the lowest objective a lottery composition may have.

    Examples
    --------
    >>> floor_of(200.0, 0.05), floor_of(-200.0, 0.05)
    (190.0, -210.0)
    """
    return reference - tolerance * abs(reference)


@dataclass
class FairOutcome:
    """What :func:`run` returns.

    Attributes
    ----------
    weights : tuple of float
        Probability of each column of the state (same order), summing to 1.
    value : float
        The lowest probability of the suitable people (maximin, leximin) or
        ``sum log p`` (nash).
    upper : float or None
        A proven upper bound on the best ``value`` any lottery over *all*
        compositions within the floor can reach (for leximin: on its first
        level, the lowest probability). ``None`` when no pricing solve gave
        a bound.
    proven : bool
        ``value`` is the optimum (for leximin: every level was proven).
    levels : list of (float, int)
        Leximin: each proven level and how many people it fixed.
    iterations : int
        Master solves.
    pricing : int
        Pricing solves.
    raised : int
        How often a composition above the reference raised the reference and the floor.
    heuristic : int
        Pricing rounds settled by local moves (without CP-SAT).
    stopped : {"done", "time", "stalled"}
        Why :func:`run` returned: everything proven, out of time, or the
        pricing proved its optimum without a new column yet above the
        threshold by more than rounding (numerical stall; ``upper`` says
        how far from proven).
    """

    weights: tuple[float, ...]
    value: float
    upper: float | None = None
    proven: bool = False
    levels: list[tuple[float, int]] = field(default_factory=list)
    iterations: int = 0
    pricing: int = 0
    raised: int = 0
    heuristic: int = 0
    stopped: str = "done"


@dataclass
class _Pricing:
    """The pricing oracle with its time step."""

    model: TargetModel
    options: SolveOptions
    deadline: float
    step: float
    swapper: Swapper | None = None
    solves: int = 0
    heuristic: int = 0

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def price(
        self, state: LotteryState, prices: Mapping[int, float], threshold: float, eps: float
    ) -> tuple[list[Column], SolveStatus, float | None, float | None]:
        """One pricing round: new columns, status, best price found, proven bound.

        Local moves from the best-priced columns come first; CP-SAT runs
        only when they find no column above ``threshold + eps`` (its
        status is then the round's; after a successful heuristic round the
        status is ``UNKNOWN`` and there is no bound).
        """

        def worth(c: Column) -> float:
            return sum(prices.get(i, 0.0) for i in c.people)

        ranked = sorted(state.columns, key=worth, reverse=True)
        if self.swapper is not None and self.swapper.available and ranked:
            limit = time.perf_counter() + max(0.05, min(1.0, self.step / 2, self.left()))
            found = self.swapper.improve(
                [c.composition for c in ranked[:3]], prices, threshold + eps, state.floor, limit
            )
            fresh = [c for c in (state.admit(comp) for comp in found) if c is not None]
            good = [c for c in fresh if worth(c) > threshold + eps]
            if good:
                self.heuristic += 1
                return fresh, SolveStatus.UNKNOWN, max(worth(c) for c in good), None
        hint = ranked[0] if ranked else None
        budget = max(0.05, min(self.step, self.left()))
        out = self.model.maximise_people(
            prices,
            self.options.replace(
                time_limit=budget, hint=hint.composition if hint is not None else None
            ),
        )
        self.solves += 1
        fresh = [c for c in (state.admit(comp) for comp in out.compositions) if c is not None]
        return fresh, out.status, out.value, out.bound


def _solve_master(
    state: LotteryState,
    fairness: str,
    fixed: Mapping[int, float],
) -> master.MasterSolution:
    cols = state.column_sets()
    free = state.suitable - set(fixed)
    if fairness == "nash":
        return master.nash(cols, free)
    return master.maximin(cols, free, fixed)


def _generate(
    state: LotteryState,
    pricing: _Pricing,
    fairness: str,
    fixed: dict[int, float],
    out: FairOutcome,
    track_upper: bool,
) -> tuple[master.MasterSolution, str]:
    """Column generation for one master (maximin with ``fixed``, or nash).

    Returns the last master solution and why it stopped: ``"proven"`` (no
    composition improves it), ``"time"``, ``"stalled"``, ``"better"`` (a
    column above the reference) or ``"new people"`` (a column placed an
    undecided person).
    """
    people = set(state.suitable)
    while True:
        sol = _solve_master(state, fairness, fixed)
        out.iterations += 1
        if pricing.left() <= 0:
            return sol, "time"
        threshold = sol.threshold
        proof_eps = NASH_EPS if fairness == "nash" else PROOF_EPS
        improve_eps = NASH_EPS if fairness == "nash" else IMPROVE_EPS
        fresh, status, best, bound = pricing.price(
            state, sol.prices, threshold, improve_eps * max(1.0, abs(threshold))
        )
        out.pricing += 1
        if state.better is not None:
            return sol, "better"
        if state.suitable - people:
            return sol, "new people"
        if bound is not None:
            gap = max(0.0, bound - threshold)
            if track_upper:
                cand = sol.value + gap
                out.upper = cand if out.upper is None else min(out.upper, cand)
            if bound <= threshold + proof_eps * max(1.0, abs(threshold)):
                if track_upper:
                    out.upper = sol.value + (gap if fairness == "nash" else 0.0)
                return sol, "proven"
        if fresh:
            continue
        if status is SolveStatus.OPTIMAL:
            # proven optimum, yet no new column: the master's own rounding
            improving = best is not None and best > threshold + improve_eps * max(1.0, threshold)
            return sol, "stalled" if improving else "proven"
        if pricing.left() <= 0.05:
            return sol, "time"
        pricing.step = min(pricing.step * 2, max(0.05, pricing.left()))


def _criterion(
    state: LotteryState, pricing: _Pricing, fairness: str, out: FairOutcome
) -> tuple[master.MasterSolution, str]:
    """One attempt at the whole criterion (every leximin level), from the current columns."""
    out.levels = []
    out.upper = None
    if fairness != "leximin":
        return _generate(state, pricing, fairness, {}, out, track_upper=True)
    fixed: dict[int, float] = {}
    while True:
        sol, why = _generate(state, pricing, "maximin", fixed, out, track_upper=not fixed)
        if why != "proven":
            return sol, why
        free = state.suitable - set(fixed)
        tight = sorted(i for i in free if sol.prices.get(i, 0.0) > FIX_EPS)
        if not tight:  # pragma: no cover - the free prices sum to 1
            tight = sorted(i for i in free if sol.probabilities[i] <= sol.value + 1e-9)
        for i in tight:
            fixed[i] = sol.value
        out.levels.append((sol.value, len(tight)))
        if len(fixed) >= len(state.suitable):
            return sol, "proven"


def run(
    state: LotteryState,
    model: TargetModel,
    fairness: Fairness,
    options: SolveOptions,
    deadline: float,
    *,
    step: float = 2.0,
    swapper: Swapper | None = None,
) -> FairOutcome:
    """Improve the lottery over the state's suitable people until proven or out of time.

    A column above the reference raises the reference and the model's floor
    (:meth:`LotteryState.raise_reference`) and the criterion starts again
    from the remaining columns; so does a column placing an undecided
    person, who then counts as suitable.

    Parameters
    ----------
    state : LotteryState
        Must hold at least one column; the model's floor on ``"objective"``
        must be ``state.floor`` (set with ``guarantee=True``).
    model : TargetModel
    fairness : {"maximin", "leximin", "nash"}
    options : SolveOptions
        Seed and workers of the pricing solves.
    deadline : float
        ``time.perf_counter()`` value to stop at.
    step : float
        Seconds of the first pricing solve; doubled whenever a solve finds
        neither a new column nor a proof.
    swapper : Swapper, optional
        Local moves tried before each CP-SAT pricing solve (see :mod:`.swaps`).

    Returns
    -------
    FairOutcome
        Its weights are aligned with ``state.columns`` as they are on return.
    """
    if fairness not in FAIRNESS:
        raise ValueError(fairness)
    if not state.columns:
        raise ValueError("the lottery state holds no composition")
    pricing = _Pricing(model, options, deadline, step, swapper)
    out = FairOutcome(weights=(), value=0.0)
    while True:
        sol, why = _criterion(state, pricing, fairness, out)
        if why == "better":
            state.raise_reference()
            model.set_floor("objective", state.floor, guarantee=True)
            out.raised += 1
        if why in ("better", "new people"):
            if pricing.left() > 0:
                continue
            sol = _solve_master(state, "maximin" if fairness == "leximin" else fairness, {})
            out.iterations += 1
            out.levels = []
            out.upper = None
            why = "time"
        break
    weights = tuple(sol.weights) + (0.0,) * (len(state.columns) - len(sol.weights))
    out.weights = weights
    out.proven = why == "proven"
    out.stopped = "done" if why == "proven" else why
    out.value = sol.value if fairness == "nash" else _lowest(state, weights)
    out.heuristic = pricing.heuristic
    return out


def _lowest(state: LotteryState, weights: tuple[float, ...]) -> float:
    probs = master.probabilities(state.column_sets(), weights, state.suitable)
    return min(probs.values(), default=0.0)
