"""Cheap lottery columns by local moves from known compositions.

CP-SAT is the exact oracle of a lottery (it proves who cannot be placed and
when the lottery is optimal), but on a pool of a few hundred a solve that
must *find* a composition placing one more person near the best objective
can take seconds. Most such compositions are one or a few member changes
away from a composition already known: this module finds them with the
local search's incremental state
(:class:`~evocompose.solvers.search.state.SearchState`: exact objective
change and every hard rule checked per move, must-pairs kept together).

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

from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.solvers.search.backend import BACKEND as SEARCH
from evocompose.solvers.search.moves import Move, expand, try_move, undo
from evocompose.solvers.search.state import Compiled, SearchState

__all__ = ["Swapper"]


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

    def _state(self, composition: Composition) -> SearchState:
        assert self.compiled is not None
        pool = self.problem.pool
        members = [
            [pool.index(c) for c in composition.members.get(name, ())]
            for name in self.problem.network_names
        ]
        return SearchState(self.compiled, members)

    def _moves_in(self, state: SearchState, i: int) -> list[Move]:
        """Moves that place person ``i``: join a network (if it has room) or replace a member."""
        compiled = state.compiled
        out: list[Move] = []
        for g in range(compiled.G):
            if state.member[i, g] or not compiled.allowed[i, g]:
                continue
            if state.size[g] < compiled.max_size[g]:
                out.append(expand(compiled, [(i, g)]))
            for j in sorted(state.members[g]):
                if not compiled.pinned_in[j, g]:
                    out.append(expand(compiled, [(j, g), (i, g)]))
        return out

    def _best_move(
        self,
        state: SearchState,
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
            for move in self._moves_in(state, i):
                if protect and any(p in protect and state.member[p, g] for p, g in move):
                    continue
                before = {p for p, _ in move if state.seats[p] > 0}
                d = try_move(state, move)
                if d is None:
                    continue
                after = {p for p, _ in move if state.seats[p] > 0}
                undo(state, move)
                if state.objective + d < floor:
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
                try_move(state, move[2])
                comp = state.composition()
                undo(state, move[2])
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
                try_move(state, move[2])
            value = sum(prices.get(i, 0.0) for i in range(state.compiled.n) if state.seats[i] > 0)
            if value > threshold:
                out.append(state.composition())
        return out
