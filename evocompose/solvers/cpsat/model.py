"""The CP-SAT model of a composition problem: :class:`CpsatModel`, its variables and encodings.

The model has one boolean ``x[i, g]`` per (candidate, network) pair that the
rules' domains allow (see :mod:`.rules`); other pairs get no variable at
all. The hard rules are added by :mod:`.rules`, the objective terms by
:mod:`.terms`.

Diversity is modelled through per-network attribute *counts*
(``docs/objective.md``, "Why counts and not pairs"):
:meth:`CpsatModel.count_encoding` gives the count of members with a given
value together with its convex incremental encoding, shared by every
objective term that needs it.

Determinism: variables and constraints are created in pool order, spec order
and sorted tag order only; no iteration over Python sets of strings.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from evocompose.composition import Composition
from evocompose.solvers.stopping import cpsat_watch
from evocompose.solvers.stopping import requested as stop_requested

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["CountEncoding", "CpsatModel", "comb2", "deterministic_wall"]

#: In deterministic mode the wall clock only stops runaway runs: at this many
#: times the limit ...
DETERMINISTIC_WALL_FACTOR = 20.0
#: ... plus this many seconds. Without the floor a small deterministic limit
#: was cut by the wall clock on a loaded machine (0.25 units of CP-SAT
#: deterministic time took over 5 s on a busy 2-core machine), and the
#: "deterministic" result then depended on the load.
DETERMINISTIC_WALL_FLOOR = 60.0


def deterministic_wall(time_limit: float) -> float:
    """The wall-clock safety cap of a deterministic solve with ``time_limit`` units."""
    return DETERMINISTIC_WALL_FACTOR * max(0.01, float(time_limit)) + DETERMINISTIC_WALL_FLOOR


BoolVar = cp_model.IntVar
IntVar = cp_model.IntVar


@dataclass
class CountEncoding:
    """Count of the members of one network that belong to a group of candidates.

    Attributes
    ----------
    members : list of int
        Candidate indices (pool order) of the group that are eligible.
    z : list of BoolVar
        Incremental encoding ``z[k-1] = [count >= k]`` for ``k = 1..U``, with
        ``z[k-1] >= z[k]`` and ``count = sum(z)``. ``C(count, 2)`` is then the
        linear form ``sum_k (k-1) z[k-1]``, whose LP relaxation is exact for the
        convex function ``C(count, 2)``. Empty when ``U <= 1`` (then
        ``C(count, 2) = 0``).
    upper : int
        ``U``, the largest possible count.
    """

    members: list[int]
    z: list[IntVar]
    upper: int


#: Pair variables created between two looks at the clock while building.
CHECK_EVERY = 4096


class BuildOutOfTime(Exception):
    """The model was not finished within its deadline (or a stop was requested).

    Internal: :func:`~evocompose.solvers.cpsat.solve.solve_cpsat` turns it
    into an UNKNOWN result that says how far building got.
    """

    def __init__(self, variables: int, pairs: int) -> None:
        super().__init__(f"{variables:,} member variables and {pairs:,} pair variables built")
        self.variables = variables
        self.pairs = pairs


@dataclass
class CpsatModel:
    """A CP-SAT model of a :class:`~evocompose.Problem` with handles on its variables.

    Attributes
    ----------
    problem : Problem
    model : CpModel
    x : dict of (int, int) to BoolVar
        ``x[i, g]``: candidate ``i`` (pool index) sits in network ``g`` (spec index).
    eligible : list of list of int
        Per network, the pool indices that have a variable.
    size : list of IntVar
        Per network, the number of members.
    slots : list of tuple of str
        Per network, the slots it may meet in (empty when it has no meeting rule).
    s : dict of (int, int) to BoolVar
        ``s[g, t]``: network ``g`` meets in ``slots[g][t]`` (one-hot).
    cuts : bool
        The objective terms add their redundant LP cuts (see
        :mod:`~evocompose.solvers.cpsat.objective`).
    """

    problem: Problem
    model: cp_model.CpModel
    cuts: bool = True
    x: dict[tuple[int, int], IntVar] = field(default_factory=dict)
    eligible: list[list[int]] = field(default_factory=list)
    size: list[IntVar] = field(default_factory=list)
    size_bounds: list[tuple[int, int]] = field(default_factory=list)
    slots: list[tuple[str, ...]] = field(default_factory=list)
    s: dict[tuple[int, int], IntVar] = field(default_factory=dict)
    neighbours: list[list[int]] = field(default_factory=list)
    _counts: dict[tuple[int, str], CountEncoding] = field(default_factory=dict)
    _count_vars: dict[tuple[int, str], IntVar] = field(default_factory=dict)
    _size_onehot: dict[int, list[tuple[int, IntVar]]] = field(default_factory=dict)
    _nonempty: dict[int, IntVar] = field(default_factory=dict)
    _pairs: dict[tuple[int, int, int], IntVar] = field(default_factory=dict)
    #: Wall-clock moment (``time.perf_counter``) by which building must be done (``None``: none).
    deadline: float | None = None

    # ----------------------------------------------------------- helpers
    def check_time(self) -> None:
        """Raise :class:`BuildOutOfTime` when the deadline has passed or a stop was requested.

        Only a model built with a deadline is ever abandoned.

        Called while the model grows (every :data:`CHECK_EVERY` pair
        variables, per network in every rule, before every sum over
        members and count encoding), so that a model too large for
        the budget (millions of ties) is abandoned instead of overrunning it.
        """
        if self.deadline is not None and (stop_requested() or time.perf_counter() > self.deadline):
            raise BuildOutOfTime(len(self.x), len(self._pairs))

    def var(self, i: int, g: int) -> IntVar | None:
        """``x[i, g]`` or ``None`` when candidate ``i`` is not eligible for network ``g``."""
        return self.x.get((i, g))

    def members_sum(self, g: int, indices: Sequence[int]) -> cp_model.LinearExpr:
        """Linear expression: how many of ``indices`` sit in network ``g``.

        Checks the clock first (:meth:`check_time`): on 100,000 candidates
        one sum takes tens of milliseconds, and rules and terms make hundreds.
        """
        self.check_time()
        return cp_model.LinearExpr.sum([self.x[i, g] for i in indices if (i, g) in self.x])

    def count_encoding(self, g: int, key: str, indices: Sequence[int]) -> CountEncoding:
        """Incremental count encoding of a candidate group in network ``g`` (cached by ``key``).

        Parameters
        ----------
        g : int
            Network index.
        key : str
            Cache key naming the group, e.g. ``"sector=food"``.
        indices : sequence of int
            Pool indices of the group (ineligible ones are ignored).
        """
        cached = self._counts.get((g, key))
        if cached is not None:
            return cached
        self.check_time()
        members = [i for i in indices if (i, g) in self.x]
        upper = min(self.size_bounds[g][1], len(members))
        name = self.problem.networks[g].name
        z: list[IntVar] = []
        if upper >= 2:
            z = [self.model.new_bool_var(f"z[{name}][{key}][{k}]") for k in range(1, upper + 1)]
            self.model.add(cp_model.LinearExpr.sum(z) == self.members_sum(g, members)).with_name(
                f"count[{name}][{key}]"
            )
            for k in range(upper - 1):
                self.model.add_implication(z[k + 1], z[k])
        enc = CountEncoding(members, z, upper)
        self._counts[(g, key)] = enc
        return enc

    def pair(self, i: int, j: int, g: int) -> IntVar:
        """Boolean ``x[i, g] AND x[j, g]`` (exact in every solution; cached per unordered pair)."""
        i, j = min(i, j), max(i, j)
        key = (i, j, g)
        cached = self._pairs.get(key)
        if cached is not None:
            return cached
        xi, xj = self.x[i, g], self.x[j, g]
        ids = self.problem.pool.candidates
        p = self.model.new_bool_var(f"p[{self.problem.networks[g].name}][{ids[i].id}|{ids[j].id}]")
        self.model.add_bool_or([~xi, ~xj, p])  # p >= xi + xj - 1
        self.model.add_implication(p, xi)
        self.model.add_implication(p, xj)
        self._pairs[key] = p
        if len(self._pairs) % CHECK_EVERY == 0:
            self.check_time()
        return p

    def existing_count_encoding(self, g: int, key: str) -> CountEncoding | None:
        """The count encoding of ``key`` in network ``g`` if some term built it, else ``None``."""
        return self._counts.get((g, key))

    def count_var(self, g: int, key: str, indices: Sequence[int]) -> IntVar:
        """An integer variable equal to the count of a candidate group in network ``g``."""
        cached = self._count_vars.get((g, key))
        if cached is not None:
            return cached
        members = [i for i in indices if (i, g) in self.x]
        upper = min(self.size_bounds[g][1], len(members))
        name = self.problem.networks[g].name
        c = self.model.new_int_var(0, upper, f"c[{name}][{key}]")
        self.model.add(c == self.members_sum(g, members)).with_name(f"countvar[{name}][{key}]")
        self._count_vars[(g, key)] = c
        return c

    def size_onehot(self, g: int) -> list[tuple[int, IntVar]]:
        """One-hot encoding ``[(k, w_k)]`` of the size of network ``g`` (cached).

        ``C(size, 2) = sum_k C(k, 2) w_k``. The size domain is small
        (``min_size..max_size``), and the LP relaxation of the one-hot
        encoding is the convex hull of the points ``(k, C(k, 2))``, as tight
        as any linear encoding can be.
        """
        cached = self._size_onehot.get(g)
        if cached is not None:
            return cached
        lo, hi = self.size_bounds[g]
        name = self.problem.networks[g].name
        ws = [(k, self.model.new_bool_var(f"w[{name}][{k}]")) for k in range(lo, hi + 1)]
        self.model.add_exactly_one([w for _, w in ws]).with_name(f"sizeonehot[{name}]")
        self.model.add(
            self.size[g] == cp_model.LinearExpr.weighted_sum([w for _, w in ws], [k for k, _ in ws])
        ).with_name(f"sizeonehot_link[{name}]")
        self._size_onehot[g] = ws
        return ws

    def nonempty(self, g: int) -> IntVar | None:
        """Boolean ``size[g] >= 1`` (``None`` when the network can never be empty)."""
        if self.size_bounds[g][0] >= 1:
            return None
        cached = self._nonempty.get(g)
        if cached is not None:
            return cached
        name = self.problem.networks[g].name
        b = self.model.new_bool_var(f"nonempty[{name}]")
        self.model.add(self.size[g] >= 1).only_enforce_if(b).with_name(f"nonempty[{name}][on]")
        self.model.add(self.size[g] == 0).only_enforce_if(~b).with_name(f"nonempty[{name}][off]")
        self._nonempty[g] = b
        return b

    def composition(
        self, value: cp_model.CpSolver | cp_model.CpSolverSolutionCallback
    ) -> Composition:
        """Read the composition (members and meeting slots) from a solver or callback."""
        pool = self.problem.pool
        members: dict[str, list[str]] = {}
        slots: dict[str, str | None] = {}
        for g, spec in enumerate(self.problem.networks):
            members[spec.name] = [
                pool.candidates[i].id for i in self.eligible[g] if value.boolean_value(self.x[i, g])
            ]
            if self.slots[g]:
                chosen = [t for t in range(len(self.slots[g])) if value.boolean_value(self.s[g, t])]
                slots[spec.name] = self.slots[g][chosen[0]] if chosen else None
        return Composition(members, slots)

    def add_hint(
        self,
        composition: Composition,
        *,
        complete: bool = True,
        time_limit: float = 2.0,
        deterministic: bool = False,
    ) -> None:
        """Use ``composition`` as a solution hint.

        Parameters
        ----------
        composition : Composition
            Members (and meeting slots, where given) to hint.
        complete : bool
            Also hint every auxiliary variable (counts, encodings, pair and
            indicator variables, free slots), read from a short solve of a
            copy of the model with the members fixed. CP-SAT uses a complete
            feasible hint as its first solution; a hint on the members alone
            is only a branching preference, which it often fails to follow
            back to a solution. When the copy finds no solution in
            ``time_limit`` seconds (e.g. the composition breaks a rule), only
            the members and slots are hinted.
        time_limit : float
            Seconds for the completion solve.
        deterministic : bool
            Count ``time_limit`` in CP-SAT's deterministic time, so that
            whether the completion succeeds (and hence the whole solve) does
            not depend on the machine's load.
        """
        pool = self.problem.pool
        hinted: list[tuple[IntVar, bool]] = []
        for g, spec in enumerate(self.problem.networks):
            inside = set(composition.members.get(spec.name, ()))
            for i in self.eligible[g]:
                hinted.append((self.x[i, g], pool.candidates[i].id in inside))
            slot = composition.slots.get(spec.name)
            for t, name in enumerate(self.slots[g]):
                if slot is not None:
                    hinted.append((self.s[g, t], name == slot))
        if complete and self._complete_hint(hinted, time_limit, deterministic):
            return
        for var, value in hinted:
            self.model.add_hint(var, value)

    def _complete_hint(
        self, hinted: list[tuple[IntVar, bool]], time_limit: float, deterministic: bool = False
    ) -> bool:
        """Hint every variable from a solve of a copy with ``hinted`` fixed; success flag."""
        trial = self.model.clone()
        trial.clear_hints()
        for var, value in hinted:
            trial.add(trial.get_int_var_from_proto_index(var.index) == int(value))
        solver = cp_model.CpSolver()
        if deterministic:
            # a wall-clock limit here made "deterministic" solves from a hint
            # depend on the load (the completion failing or not)
            solver.parameters.max_deterministic_time = max(0.01, time_limit)
            solver.parameters.max_time_in_seconds = deterministic_wall(time_limit)
        else:
            solver.parameters.max_time_in_seconds = max(0.01, time_limit)
        solver.parameters.num_workers = 1
        with cpsat_watch(solver):
            code = solver.solve(trial)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self.model.clear_hints()
        for k in range(len(self.model.proto.variables)):
            var = self.model.get_int_var_from_proto_index(k)
            self.model.add_hint(var, solver.value(trial.get_int_var_from_proto_index(k)))
        return True


def comb2(k: int) -> int:
    """``C(k, 2)``."""
    return k * (k - 1) // 2
