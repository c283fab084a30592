"""CP-SAT with floors on named values and goals other than the weighted objective.

The workflows that explore *many* compositions — trade-off fronts
(:func:`evocompose.pareto`) and fair selection lotteries
(:func:`evocompose.lottery`) — need more of the CP-SAT model than
:func:`~evocompose.solvers.cpsat.solve.solve_cpsat` offers:

* a **floor** "value ≥ level" on a named value: a term of
  :mod:`evocompose.vocabulary` (its raw value summed over networks, as
  :attr:`evocompose.Result.terms` reports it) or ``"objective"`` (the
  weighted objective);
* **goals**: maximise named values one after another (the ε-constraint
  method of a front maximises ``y`` with ``x ≥ level``, then ``x`` with ``y``
  kept);
* **people goals**: maximise ``sum_i w_i [i is placed]`` for weights per
  person (the pricing problem of a lottery's column generation), collecting
  every composition found on the way, optionally with one person forced in.

:class:`TargetModel` builds the model once (every rule of the problem, as
:func:`~evocompose.solvers.cpsat.rules.build_model` states them) and is then
solved many times with different floors and goals.

Each named value ``v`` gets one integer variable ``value[v] = round(S * form)``
(``S`` = :data:`FLOOR_SCALE`) equal to the scaled linear form of the value
(:mod:`.terms`); a floor or a stage's fixing is a change of that variable's
lower bound, so nothing is rebuilt. The rounding error of the scaled form is
bounded (:func:`~evocompose.solvers.cpsat.terms.scaled_expr`); a floor can
either *guarantee* the true value (every composition the model allows has
``value >= level``) or *admit* every composition whose true value is at least
``level``. Both are exact when weights and relevances are multiples of
``1/S``, as they are in every bundled example.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from evocompose.composition import Composition
from evocompose.errors import SolverError
from evocompose.result import PhaseStats, Result, SolveStats, SolveStatus
from evocompose.solvers.contract import SolveOptions, require_support
from evocompose.vocabulary import TERM_NAMES

from .model import CpsatModel, IntVar
from .rules import build_model
from .solve import _STATUS, BACKEND, SOLVER_NAME, _parameters
from .terms import TERMS, Lin, build_terms, scaled_expr, spread_count, total_form

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = [
    "FLOOR_SCALE",
    "OBJECTIVE",
    "PEOPLE_SCALE",
    "TARGET_NAMES",
    "PeopleSolve",
    "Stage",
    "TargetModel",
    "TargetSolve",
]

#: The name of the weighted objective among the target names.
OBJECTIVE = "objective"
#: Every value a floor or a goal can name: each term, and the weighted objective.
TARGET_NAMES: tuple[str, ...] = (*TERM_NAMES, OBJECTIVE)
#: Named values are scaled by this and rounded to integers (finer than the
#: objective's :data:`~evocompose.solvers.cpsat.terms.SCALE`, so that floors
#: on relevance sums with 3-6 decimals stay exact).
FLOOR_SCALE = 10**6
#: The largest weight of a people goal becomes this integer coefficient.
PEOPLE_SCALE = 10**9


@dataclass(frozen=True)
class Stage:
    """One goal of :meth:`TargetModel.maximise`.

    Attributes
    ----------
    name : str
        The value maximised.
    status : SolveStatus
        ``OPTIMAL`` when CP-SAT proved that no composition meeting the floors
        (and the earlier stages) has a higher value.
    value, bound : float or None
        The value reached and CP-SAT's proven upper bound on it.
    seconds : float
    """

    name: str
    status: SolveStatus
    value: float | None
    bound: float | None
    seconds: float


@dataclass(frozen=True)
class TargetSolve:
    """What :meth:`TargetModel.maximise` returns.

    Attributes
    ----------
    result : Result
        The composition, scored with the reference evaluation. Its status is
        ``FEASIBLE`` whenever a composition was found (``OPTIMAL`` only when
        the goal was the weighted objective alone, without floors, and
        proven); ``INFEASIBLE`` means that no composition meets the floors.
        It carries no bound: the stages' bounds are bounds on their goals.
    stages : tuple of Stage
    """

    result: Result
    stages: tuple[Stage, ...]

    @property
    def proven(self) -> bool:
        """Whether every stage was solved to proven optimality."""
        return bool(self.stages) and all(s.status is SolveStatus.OPTIMAL for s in self.stages)


@dataclass(frozen=True)
class PeopleSolve:
    """What :meth:`TargetModel.maximise_people` returns.

    Attributes
    ----------
    status : SolveStatus
        ``OPTIMAL``: ``bound`` is the exact maximum; ``INFEASIBLE``: no
        composition meets the floors (with the forced person, if any).
    compositions : tuple of Composition
        Every distinct composition CP-SAT found, in the order found (the
        last is the best).
    value : float or None
        The largest ``sum_i w_i [i placed]`` among ``compositions`` (exact,
        computed from the compositions).
    bound : float or None
        A proven upper bound on ``sum_i w_i [i placed]`` over every
        composition the model allows (CP-SAT's bound, widened by the
        rounding of the weights).
    seconds : float
    """

    status: SolveStatus
    compositions: tuple[Composition, ...]
    value: float | None
    bound: float | None
    seconds: float


class _Collector(cp_model.CpSolverSolutionCallback):
    """Reads every solution CP-SAT reports as a composition (up to ``limit``), with the
    full assignment of the model's variables (a complete hint for later solves)."""

    def __init__(self, m: CpsatModel, limit: int) -> None:
        super().__init__()
        self.m = m
        self.limit = limit
        self.found: list[Composition] = []
        self.vectors: dict[Composition, list[int]] = {}

    def on_solution_callback(self) -> None:
        comp = self.m.composition(self)
        if comp in self.vectors:
            return
        self.vectors[comp] = list(self.response_proto.solution)
        self.found.append(comp)
        if len(self.found) > self.limit:  # keep the latest (best) ones
            old = self.found.pop(0)
            self.vectors.pop(old, None)


def _set_domain(var: IntVar, lo: int, hi: int) -> None:
    """Make ``var``'s domain the interval ``[lo, hi]`` (in place, in the model's proto)."""
    dom = var.proto.domain
    dom.clear()
    dom.extend([int(lo), int(hi)])


def _domain_bounds(lin: Lin, scale: int) -> tuple[int, int]:
    """Smallest and largest value of ``round(scale * lin)`` over the variables' domains."""
    lo = hi = round(lin.constant * scale)
    for var, coef in lin.terms.values():
        c = round(coef * scale)
        dom = list(var.proto.domain)
        a, b = (dom[0], dom[-1]) if dom else (0, 1)
        lo += min(c * a, c * b)
        hi += max(c * a, c * b)
    return lo, hi


class TargetModel:
    """The CP-SAT model of a problem, solved repeatedly with floors and goals.

    Parameters
    ----------
    problem : Problem
    cuts : bool, optional
        The objective's redundant LP cuts (see
        :func:`~evocompose.solvers.cpsat.rules.build_model`); ``None``
        decides by model size as a hinted solve does.

    Raises
    ------
    SolverError
        When the problem uses a rule or term CP-SAT does not implement.

    Examples
    --------
    >>> import evocompose as evo
    >>> from evocompose.solvers.contract import SolveOptions
    >>> tm = TargetModel(evo.datasets.tiny())
    >>> tm.set_floor("relevance", 0)
    >>> out = tm.maximise(["sector", "relevance"], SolveOptions(time_limit=5))
    >>> out.proven, out.stages[0].value
    (True, 6.0)
    """

    def __init__(self, problem: Problem, *, cuts: bool | None = None) -> None:
        require_support(BACKEND, problem)
        self.problem = problem
        self.m = build_model(problem, cuts=cuts, hinted=True)
        self._forms: dict[str, Lin] = {}
        self._values: dict[str, tuple[IntVar, int, int, float]] = {}
        self._exprs: dict[str, cp_model.LinearExpr] = {}
        self._floors: dict[str, float] = {}
        self._selected: dict[int, IntVar | None] = {}
        self._impossible: set[str] = set()
        self._full: dict[Composition, list[int]] = {}

    # ------------------------------------------------------------- values
    def form(self, name: str) -> Lin:
        """The float linear form of a named value (a term's raw sum, or the objective).

        Raises
        ------
        SolverError
            For an unknown name (the message lists the choices), or
            ``dissimilarity`` without a matrix.
        """
        cached = self._forms.get(name)
        if cached is not None:
            return cached
        m, problem = self.m, self.problem
        if name == OBJECTIVE:
            lin = total_form(build_terms(m))
        elif name == "spread":
            lin = spread_count(m)
        elif name in TERMS:
            if name == "dissimilarity" and problem.dissimilarity is None:
                raise SolverError(
                    "the problem has no dissimilarity matrix, so 'dissimilarity' has no value; "
                    "give one (load_problem(..., dissimilarity=...)) or choose another term",
                    value=name,
                )
            form = TERMS[name]
            assert form is not None
            lin = Lin()
            for g, spec in enumerate(problem.networks):
                lin.add_lin(form(m, g, problem.network_weights(spec.name)))
        else:
            raise SolverError(f"unknown value; choose one of {', '.join(TARGET_NAMES)}", value=name)
        self._forms[name] = lin
        return lin

    def _value(self, name: str) -> tuple[IntVar, int, int, float]:
        """``(var, lo, hi, err)``: ``var = round(FLOOR_SCALE * form(name))``, its range and error."""
        cached = self._values.get(name)
        if cached is not None:
            return cached
        lin = self.form(name)
        expr, err = scaled_expr(lin, FLOOR_SCALE)
        lo, hi = _domain_bounds(lin, FLOOR_SCALE)
        var = self.m.model.new_int_var(lo, hi, f"value[{name}]")
        self.m.model.add(var == expr).with_name(f"value[{name}]")
        self._exprs[name] = expr
        out = (var, lo, hi, err)
        self._values[name] = out
        return out

    def _set_lower(self, name: str, lower: int) -> None:
        var, lo, hi, _ = self._value(name)
        if lower > hi:
            self._impossible.add(name)
            lower = hi
        else:
            self._impossible.discard(name)
        _set_domain(var, max(lo, lower), hi)

    @property
    def floors(self) -> dict[str, float]:
        """The floors set so far, ``{name: level}``."""
        return dict(self._floors)

    def set_floor(self, name: str, level: float, *, guarantee: bool = True) -> None:
        """Allow only compositions whose value ``name`` is at least ``level``.

        Setting a floor again replaces the previous one (it may be lower).

        Parameters
        ----------
        name : str
            A term name or ``"objective"``.
        level : float
        guarantee : bool
            ``True``: every composition the model then allows has a true
            value of at least ``level`` (it may also exclude compositions
            within the rounding error just above it). ``False``: every
            composition whose true value is at least ``level`` stays allowed
            (some just below it, within the rounding error, may be too). The
            two coincide when the rounding error is zero.
        """
        if not math.isfinite(level):
            raise SolverError("a floor must be a finite number", value=level)
        _, _, _, err = self._value(name)
        scaled = level * FLOOR_SCALE
        slack = 1e-9 * max(1.0, abs(scaled))
        if guarantee:
            lower = math.ceil(scaled + err * FLOOR_SCALE - slack)
        else:
            lower = math.ceil(scaled - err * FLOOR_SCALE - slack)
        self._set_lower(name, lower)
        self._floors[name] = float(level)

    def clear_floor(self, name: str) -> None:
        """Remove the floor on ``name`` (if any)."""
        if name in self._values:
            var, lo, hi, _ = self._values[name]
            _set_domain(var, lo, hi)
            self._impossible.discard(name)
        self._floors.pop(name, None)

    def selected(self, i: int) -> IntVar | None:
        """Boolean ``candidate i is placed somewhere`` (``None`` if eligible nowhere)."""
        if i in self._selected:
            return self._selected[i]
        m = self.m
        xs = [m.x[i, g] for g in range(len(self.problem.networks)) if (i, g) in m.x]
        s: IntVar | None
        if not xs:
            s = None
        elif len(xs) == 1:
            s = xs[0]
        else:
            s = m.model.new_bool_var(f"placed[{self.problem.pool.candidates[i].id}]")
            m.model.add_bool_or(xs).only_enforce_if(s)
            for x in xs:
                m.model.add_implication(x, s)
        self._selected[i] = s
        return s

    # -------------------------------------------------------------- solves
    def _solver(self, time_limit: float, options: SolveOptions) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        _parameters(
            solver,
            time_limit,
            options.seed,
            options.workers,
            options.log,
            len(self.m.model.proto.variables),
            options.deterministic,
        )
        return solver

    def remember(self, composition: Composition, values: Sequence[int]) -> None:
        """Keep the full assignment of a composition's solution, to hint it later."""
        if len(self._full) > 2_000:
            self._full.pop(next(iter(self._full)))
        self._full[composition] = list(values)

    def complete(self, composition: Composition, time_limit: float = 5.0) -> bool:
        """Find (and keep) the full assignment of a composition; ``False`` if it breaks a rule
        or a floor, or none was found in ``time_limit`` seconds.

        Every variable is then hinted when the composition starts a solve:
        CP-SAT takes a complete feasible hint as its first solution at once,
        whereas a hint on the members alone is only a branching preference
        it often fails to follow back to a solution on larger models.
        """
        if composition in self._full:
            return True
        m = self.m
        trial = m.model.clone()
        trial.clear_hints()
        trial.clear_objective()
        pool = self.problem.pool
        for g, spec in enumerate(self.problem.networks):
            inside = set(composition.members.get(spec.name, ()))
            for i in m.eligible[g]:
                var = trial.get_bool_var_from_proto_index(m.x[i, g].index)
                trial.add(var == int(pool.candidates[i].id in inside))
            if any(c not in pool or (pool.index(c), g) not in m.x for c in inside):
                return False
            slot = composition.slots.get(spec.name)
            for t, name in enumerate(m.slots[g]):
                if slot is not None:
                    var = trial.get_bool_var_from_proto_index(m.s[g, t].index)
                    trial.add(var == int(name == slot))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit)
        solver.parameters.num_workers = 1
        code = solver.solve(trial)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self.remember(composition, solver.response_proto.solution)
        return True

    def _hint(self, hint: Composition | None, time_limit: float) -> None:
        model = self.m.model
        model.clear_hints()
        if hint is None:
            return
        if hint in self._full or self.complete(hint, max(0.5, time_limit)):
            for k, value in enumerate(self._full[hint]):
                model.add_hint(model.get_int_var_from_proto_index(k), value)
        else:
            self.m.add_hint(hint, complete=False)

    def maximise(
        self,
        goals: Sequence[str],
        options: SolveOptions,
        *,
        first_share: float = 0.7,
    ) -> TargetSolve:
        """Maximise the named values one after another, within the floors.

        After each stage its value is kept (the stage's variable may not drop
        below the value found) and the stage's composition is the next
        stage's hint. The floors set before stay; the stages' own fixings are
        undone before returning, so the model can be solved again.

        Parameters
        ----------
        goals : sequence of str
            Term names or ``"objective"``, most important first.
        options : SolveOptions
            ``time_limit`` covers every stage; ``hint`` starts the first.
        first_share : float
            Share of the time for the first stage when there are several
            (the others split the rest; time a stage does not use carries
            over, except with ``deterministic=True``).

        Returns
        -------
        TargetSolve
        """
        if not goals:
            raise SolverError("give at least one goal", value=goals)
        start = time.perf_counter()
        names = list(goals)
        for name in names:
            self._value(name)
        saved = {n: list(self._values[n][0].proto.domain) for n in names}
        stages: list[Stage] = []
        comp: Composition | None = options.hint
        status = SolveStatus.UNKNOWN
        try:
            if self._impossible:
                status = SolveStatus.INFEASIBLE
                comp = None
            else:
                comp, status = self._stages(names, options, first_share, start, stages)
        finally:
            for n, dom in saved.items():
                _set_domain(self._values[n][0], dom[0], dom[-1])
        runtime = time.perf_counter() - start
        result_status = status
        if comp is not None:
            plain = names == [OBJECTIVE] and not self._floors
            result_status = (
                SolveStatus.OPTIMAL
                if plain and all(s.status is SolveStatus.OPTIMAL for s in stages)
                else SolveStatus.FEASIBLE
            )
        result = Result.scored(
            self.problem,
            result_status,
            comp,
            runtime=runtime,
            seed=options.seed,
            workers=options.workers,
            deterministic=options.deterministic,
            solver=SOLVER_NAME,
            stats=SolveStats(
                path="cpsat-targets",
                num_variables=len(self.m.model.proto.variables),
                num_constraints=len(self.m.model.proto.constraints),
                phases=tuple(
                    PhaseStats(s.name, str(s.status), s.value, s.bound, s.seconds) for s in stages
                ),
                details={"floors": dict(self._floors), "goals": tuple(names)},
            ),
        )
        return TargetSolve(result, tuple(stages))

    def _stages(
        self,
        names: list[str],
        options: SolveOptions,
        first_share: float,
        start: float,
        stages: list[Stage],
    ) -> tuple[Composition | None, SolveStatus]:
        model = self.m.model
        comp: Composition | None = None
        hint = options.hint
        status = SolveStatus.UNKNOWN
        total = options.time_limit
        for k, name in enumerate(names):
            left = len(names) - k
            if len(names) == 1:
                share = 1.0
            elif k == 0:
                share = first_share
            else:
                share = 1.0 / left
            if options.deterministic:
                if len(names) == 1:
                    budget = total
                elif k == 0:
                    budget = total * first_share
                else:
                    budget = total * (1 - first_share) / (len(names) - 1)
            else:
                budget = max(0.05, (total - (time.perf_counter() - start)) * share)
            var = self._values[name][0]
            model.clear_objective()
            # the form itself (not its variable) keeps CP-SAT's objective structure
            model.maximize(self._exprs[name])
            self._hint(comp if comp is not None else hint, budget / 2)
            solver = self._solver(budget, options)
            t0 = time.perf_counter()
            code = solver.solve(model)
            st = _STATUS.get(code, SolveStatus.UNKNOWN)
            seconds = time.perf_counter() - t0
            if not st.has_solution:
                stages.append(Stage(name, st, None, None, seconds))
                if comp is None:
                    status = st
                break
            comp = self.m.composition(solver)
            self.remember(comp, solver.response_proto.solution)
            value = round(solver.objective_value)
            bound = math.floor(solver.best_objective_bound + 1e-6)
            stages.append(
                Stage(name, st, value / FLOOR_SCALE, max(value, bound) / FLOOR_SCALE, seconds)
            )
            status = st
            dom = list(var.proto.domain)
            _set_domain(var, max(dom[0], value), dom[-1])
        model.clear_objective()
        return comp, status

    def maximise_people(
        self,
        weights: Mapping[int, float],
        options: SolveOptions,
        *,
        require: int | None = None,
        limit: int = 100,
    ) -> PeopleSolve:
        """Maximise ``sum_i w_i [candidate i is placed]`` within the floors.

        Parameters
        ----------
        weights : mapping of int to float
            Pool index to a weight ``>= 0``; people not named weigh 0.
        options : SolveOptions
            ``hint`` starts the search from a composition.
        require : int, optional
            Pool index of a person who must be placed (checked on a copy of
            the model; the model itself is unchanged).
        limit : int
            Keep at most this many compositions (the latest, best ones).

        Returns
        -------
        PeopleSolve
        """
        start = time.perf_counter()
        if any(w < 0 or not math.isfinite(w) for w in weights.values()):
            raise SolverError("people weights must be finite numbers >= 0", value=dict(weights))
        if self._impossible:
            return PeopleSolve(SolveStatus.INFEASIBLE, (), None, None, 0.0)
        m = self.m
        positive = {i: w for i, w in weights.items() if w > 0 and self.selected(i) is not None}
        wmax = max(positive.values(), default=0.0)
        coefs: list[tuple[IntVar, int]] = []
        for i in sorted(positive):
            c = round(positive[i] / wmax * PEOPLE_SCALE)
            s = self.selected(i)
            if c and s is not None:
                coefs.append((s, c))
        must = self.selected(require) if require is not None else None
        if require is not None and must is None:
            return PeopleSolve(SolveStatus.INFEASIBLE, (), None, 0.0, 0.0)
        model = m.model
        model.clear_objective()
        if coefs:
            model.maximize(cp_model.LinearExpr.weighted_sum(*zip(*coefs, strict=True)))
        self._hint(options.hint, options.time_limit / 2)
        target = model
        if must is not None:
            target = model.clone()
            target.add(target.get_bool_var_from_proto_index(must.index) == 1)
        budget = max(0.05, options.time_limit - (time.perf_counter() - start))
        solver = self._solver(budget, options)
        collector = _Collector(m, limit)
        code = solver.solve(target, collector)
        model.clear_objective()
        status = _STATUS.get(code, SolveStatus.UNKNOWN)
        found = list(collector.found)
        for comp, vec in collector.vectors.items():
            self.remember(comp, vec)
        if status.has_solution:
            last = m.composition(solver)
            self.remember(last, solver.response_proto.solution)
            if last in found:
                found.remove(last)
            found.append(last)
        value = max((self.people_value(c, weights) for c in found), default=None)
        bound: float | None = None
        if status is SolveStatus.INFEASIBLE:
            bound = None
        elif not coefs:
            bound = 0.0 if status.has_solution else None
        elif status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            # (with UNKNOWN, CP-SAT reports 0 as its bound: no bound at all)
            seats = sum(spec.max_size for spec in self.problem.networks)
            slack = 0.5 * min(len(coefs), seats)
            bound = (solver.best_objective_bound + slack) / PEOPLE_SCALE * wmax
            if value is not None:
                bound = max(bound, value)
        return PeopleSolve(status, tuple(found), value, bound, time.perf_counter() - start)

    def people_value(self, composition: Composition, weights: Mapping[int, float]) -> float:
        """``sum_i w_i [i placed]`` of a composition (exact)."""
        pool = self.problem.pool
        placed = {pool.index(c) for c in composition.placed() if c in pool}
        return float(sum(w for i, w in weights.items() if i in placed))
