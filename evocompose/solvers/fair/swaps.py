"""Cheap lottery columns by local moves from known compositions.

CP-SAT is the exact oracle of a lottery (it proves who cannot be placed and
when the lottery is optimal), but on a pool of a few hundred a solve that
must *find* a composition placing one more person near the best objective
can take seconds. Most such compositions are one or a few member changes
away from a composition already known: this module finds them with the
compiled search core (:mod:`evocompose.solvers.search._core`: a
:class:`~evocompose.solvers.search.state.State` of one composition's counts,
and :func:`~evocompose.solvers.search._core.try_move`, which applies a move
only when every hard rule still holds and returns the exact objective
change; moves toggle whole must-pair units, so partners move together).

* :func:`cover` — for people not yet placed by any column, compositions
  within the floor that place them, one replace (or add) move each.
* :func:`improve` — for the master's prices, compositions worth more than
  the threshold: greedy moves from the best-priced columns, each bringing in
  a person of high price for one of low price while the objective stays
  within the floor.

Everything found is only a *candidate*: the lottery admits a composition
after :func:`evocompose.check` and the reference evaluation
(:meth:`~.engine.LotteryState.admit`). Problems the search backend cannot
state exactly (:meth:`available` is false) get no heuristic columns; CP-SAT
then does all the work.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping

import numpy as np

from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.solvers.search import _core
from evocompose.solvers.search.backend import BACKEND as SEARCH
from evocompose.solvers.search.engine import load_kernels
from evocompose.solvers.search.state import Compiled, State

__all__ = ["Move", "Swapper"]

#: A move: ``(person, network)`` unit toggles, applied in order (a person's
#: must-pair partners are toggled with them).
Move = tuple[tuple[int, int], ...]


class Swapper:
    """Local moves over compositions of one problem (compiled once).

    Parameters
    ----------
    problem : Problem
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.available = not SEARCH.unsupported(problem)
        self.compiled = Compiled(problem) if self.available else None
        if self.available:
            load_kernels()  # once per process (about a second), not per move
        self._mi = np.zeros(4, dtype=np.int64)
        self._mg = np.zeros(4, dtype=np.int64)

    def _state(self, composition: Composition) -> State:
        assert self.compiled is not None
        return self.compiled.state_of(composition)

    def _members(self, S: State, g: int) -> list[int]:
        assert self.compiled is not None
        base = int(self.compiled.ml_off[g])
        return sorted(int(x) for x in S.ml[base : base + int(S.size[g])])

    def _unit(self, i: int) -> list[int]:
        assert self.compiled is not None
        return self.compiled.unit_members(i)

    def _moves_in(self, S: State, i: int) -> list[Move]:
        """Moves that place person ``i``: join a network (if it has room) or replace a member."""
        c = self.compiled
        assert c is not None
        unit = self._unit(i)
        out: list[Move] = []
        for g in range(c.G):
            if any(S.mem[j, g] or not c.allowed[j, g] for j in unit):
                continue
            if int(S.size[g]) + len(unit) <= int(c.max_size[g]):
                out.append(((i, g),))
            for j in self._members(S, g):
                if not any(c.pinned[k, g] for k in self._unit(j)):
                    out.append(((j, g), (i, g)))
        return out

    def _apply(self, S: State, move: Move) -> float | None:
        """Apply ``move`` when every rule still holds: its exact objective change, else None."""
        assert self.compiled is not None
        k = len(move)
        for t, (i, g) in enumerate(move):
            self._mi[t], self._mg[t] = i, g
        ok, d = _core.try_move(self.compiled.P, S.ref, self._mi, self._mg, k)
        return float(d) if ok else None

    def _undo(self, S: State, move: Move) -> None:
        assert self.compiled is not None
        for t, (i, g) in enumerate(move):
            self._mi[t], self._mg[t] = i, g
        _core.undo_move(self.compiled.P, S.ref, self._mi, self._mg, len(move))

    def _composition(self, S: State) -> Composition:
        assert self.compiled is not None
        return self.compiled.composition_of(S)

    def _best_move(
        self,
        S: State,
        people: Iterable[int],
        floor: float,
        gain: Mapping[int, float] | None,
        deadline: float,
        protect: Collection[int] = (),
    ) -> tuple[float, float, Move] | None:
        """The best feasible move placing one of ``people`` and keeping the floor.

        Ranked by the price gain (``gain``: price per person; a person placed
        counts ``+price``, one no longer placed ``-price``), then by the
        objective; without prices by the objective alone. Moves taking a
        person of ``protect`` out of a network are skipped.
        """
        best: tuple[float, float, Move] | None = None
        for i in people:
            if time.perf_counter() > deadline:
                break
            for move in self._moves_in(S, i):
                touched = sorted({p for q, _ in move for p in self._unit(q)})
                if protect and any(
                    p in protect and S.mem[p, g] for q, g in move for p in self._unit(q)
                ):
                    continue
                before = {p for p in touched if S.seats[p] > 0}
                objective = S.objective
                d = self._apply(S, move)
                if d is None:
                    continue
                after = {p for p in touched if S.seats[p] > 0}
                self._undo(S, move)
                if objective + d < floor:
                    continue
                price = 0.0
                if gain is not None:
                    price = sum(gain.get(p, 0.0) for p in after - before) - sum(
                        gain.get(p, 0.0) for p in before - after
                    )
                key = (price, d)
                if best is None or key > (best[0], best[1]):
                    best = (price, d, move)
        return best

    def cover(
        self,
        starts: Iterable[Composition],
        people: Collection[int],
        floor: float,
        deadline: float,
    ) -> list[Composition]:
        """Compositions within ``floor`` that place people of ``people``, one move each.

        For each person not yet placed, the best move (by objective) from the
        first start that places them and keeps every rule and the floor;
        people no move from it can place are tried from the next start.

        Parameters
        ----------
        starts : iterable of Composition
            Compositions that keep every rule and the floor.
        people : collection of int
            Pool indices of the people to place.
        floor : float
            Lowest weighted objective allowed.
        deadline : float
            ``time.perf_counter()`` value to stop at.
        """
        if not self.available:
            return []
        todo = set(people)
        out: list[Composition] = []
        for start in starts:
            if not todo or time.perf_counter() > deadline:
                break
            state = self._state(start)
            for i in sorted(todo):
                if time.perf_counter() > deadline:
                    break
                move = self._best_move(state, [i], floor, None, deadline)
                if move is None:
                    continue
                self._apply(state, move[2])
                comp = self._composition(state)
                self._undo(state, move[2])
                out.append(comp)
                todo.discard(i)
        return out

    def improve(
        self,
        starts: Iterable[Composition],
        prices: Mapping[int, float],
        threshold: float,
        floor: float,
        deadline: float,
        *,
        candidates: int = 12,
        steps: int = 20,
    ) -> list[Composition]:
        """Compositions whose people's prices sum above ``threshold``, by greedy moves.

        From each start, repeatedly apply the move with the largest price
        gain (bringing in one of the ``candidates`` highest-priced people not
        placed) while it is positive and the objective stays within ``floor``.

        Returns
        -------
        list of Composition
            Those whose prices sum above ``threshold``.
        """
        if not self.available:
            return []
        out: list[Composition] = []
        ranked = sorted((i for i, v in prices.items() if v > 0), key=lambda i: -prices[i])
        for start in starts:
            if time.perf_counter() > deadline:
                break
            state = self._state(start)
            for _ in range(steps):
                outside = [i for i in ranked if state.seats[i] == 0][:candidates]
                move = self._best_move(state, outside, floor, prices, deadline)
                if move is None or move[0] <= 1e-12:
                    break
                self._apply(state, move[2])
            value = sum(prices.get(i, 0.0) for i in np.flatnonzero(state.seats > 0).tolist())
            if value > threshold:
                out.append(self._composition(state))
        return out
