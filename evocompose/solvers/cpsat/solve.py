"""Run CP-SAT on a composition problem and package the :class:`~evocompose.Result`.

Weighted mode maximises the scaled weighted objective once. Lexicographic
mode (``weights.mode == "lexicographic"``) maximises the terms of
``weights.order`` one after another (zero-weight terms skipped); after each
stage the stage objective is fixed at the value found (the proven optimum,
or the best value found when the stage hit its time limit: the result is then
only FEASIBLE) and the stage's solution is passed as a hint to the next stage.
Each stage gets the remaining time divided by the number of remaining stages,
so time a stage does not use carries over.
"""

from __future__ import annotations

import time
from importlib.metadata import version
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from evocompose.bounds import closed_form_bound
from evocompose.composition import Composition
from evocompose.errors import SolverError, shown
from evocompose.objective import evaluate, weighted_total
from evocompose.result import PhaseStats, Progress, Result, SolveStats, SolveStatus
from evocompose.solvers.contract import Backend, ProgressFn, SolveOptions, require_support
from evocompose.solvers.stopping import cpsat_watch
from evocompose.solvers.stopping import requested as stop_requested
from evocompose.vocabulary import TERM_NAMES

from .model import BuildOutOfTime, CpsatModel, deterministic_wall
from .rules import RULES, add_change_limit, build_model
from .terms import MAX_DISSIMILARITY_N, SCALE, TERMS, Lin, build_terms, scaled_expr, total_form

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["BACKEND", "CpsatBackend", "solve_cpsat"]

SOLVER_NAME = f"cpsat {version('ortools')}"

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
}


def _refuse_invalid(model: cp_model.CpModel, code: object) -> None:
    """Raise a plain-words :class:`SolverError` when CP-SAT found the model invalid.

    With every number within the documented limits (``evocompose.limits``)
    this does not happen; it is the net for what the limits do not foresee
    (e.g. a very wide size range multiplying a large weight), instead of a
    MODEL_INVALID status that looks like a result.
    """
    if code != cp_model.MODEL_INVALID:
        return
    reason = model.validate() or "no reason given"
    raise SolverError(
        f"CP-SAT refused the model ({shown(reason, 160)[1:-1]}); this happens when weights, "
        "values and network sizes together exceed the 64-bit integers CP-SAT counts in: lower "
        "the largest weights or narrow the size ranges, or use solver='search'",
        value="cpsat",
    )


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Records ``(seconds, objective, bound)`` at each improving solution."""

    def __init__(self, start: float, scale: float, progress: ProgressFn | None) -> None:
        super().__init__()
        self.start = start
        self.scale = scale
        self.progress = progress
        self.history: list[tuple[float, float, float | None]] = []

    def on_solution_callback(self) -> None:
        seconds = time.perf_counter() - self.start
        obj = self.objective_value / self.scale
        bound = self.best_objective_bound / self.scale
        self.history.append((seconds, obj, bound))
        if self.progress is not None:
            self.progress(Progress(seconds, obj, bound, "cpsat"))


#: Above this many model variables, presolve skips probing (see :func:`_parameters`).
LARGE_MODEL = 10_000


def _parameters(
    solver: cp_model.CpSolver,
    time_limit: float,
    seed: int,
    workers: int,
    log: bool,
    num_variables: int = 0,
    deterministic: bool = False,
) -> None:
    """Set the CP-SAT parameters of one solve.

    Parameters
    ----------
    solver : CpSolver
    time_limit : float
        Seconds for this solve.
    seed : int
        Random seed (with a fixed number of workers, runs are reproducible).
    workers : int
        Number of search workers.
    log : bool
        Print CP-SAT's search log.
    num_variables : int
        Size of the model; above :data:`LARGE_MODEL` presolve probing is
        switched off (``cp_model_probing_level = 0``).
    deterministic : bool
        Reproducible under a time limit: the workers interleave in a fixed
        order (``interleave_search``) and ``time_limit`` is CP-SAT's
        *deterministic* time, not seconds; the wall clock only stops runaway
        runs (:func:`~evocompose.solvers.cpsat.model.deterministic_wall`: 20 times the
        limit plus a minute).

    Notes
    -----
    ``linearization_level = 2`` and the full-LP worker ``max_lp`` give the
    bound: the default portfolio's LP worker (``default_lp``) does not
    linearise clauses, which leaves the diversity/spread bounds loose, and
    with few workers ``max_lp`` is otherwise not scheduled. With two workers
    CP-SAT runs only *one* full subsolver, the first listed (its log says
    ``1 full problem subsolver: [max_lp]``); the second thread interleaves
    the first-solution and LNS workers, so ``quick_restart`` is listed but
    never runs, and the earlier comparison of second subsolvers on Stevns
    seeds 0-2 (``benchmarks/composer/tune.py``: 5.9 % mean gap at 10 s for
    ``max_lp + quick_restart``, 6.3 % for ``max_lp + core``, 7.3 % for
    ``max_lp + quick_restart_no_lp``) measured noise between identical
    settings. ``lb_tree_search`` as the full subsolver gave a ~3 points
    tighter 10 s bound on Stevns but almost no solutions of its own, so
    ``max_lp`` stays.

    Probing dominates presolve on large models: on 1,000 candidates × 12
    networks (~30,000 variables) it took ~15 of ~21 s of presolve, so that
    CP-SAT returned nothing in a 30 s budget; without probing presolve takes
    ~6 s and the search (e.g. from a hint) gets time.
    """
    p = solver.parameters
    if deterministic:
        p.interleave_search = True
        p.max_deterministic_time = max(0.01, float(time_limit))
        p.max_time_in_seconds = deterministic_wall(time_limit)
    else:
        p.max_time_in_seconds = max(0.01, float(time_limit))
    p.num_workers = int(workers)
    p.random_seed = int(seed)
    p.log_search_progress = bool(log)
    p.linearization_level = 2
    if workers <= 1:
        p.subsolvers.append("max_lp")
    elif workers == 2:
        p.subsolvers.extend(["max_lp", "quick_restart"])
    else:
        p.extra_subsolvers.append("max_lp")
    if num_variables > LARGE_MODEL:
        p.cp_model_probing_level = 0


def _configured(m: CpsatModel, budget: float, opts: SolveOptions) -> cp_model.CpSolver:
    """A CP-SAT solver set up for one solve of ``m`` in ``budget`` (see :func:`_parameters`)."""
    solver = cp_model.CpSolver()
    size = len(m.model.proto.variables)
    _parameters(solver, budget, opts.seed, opts.workers, opts.log, size, opts.deterministic)
    return solver


def _stats(
    m: CpsatModel,
    solver: cp_model.CpSolver,
    build: float,
    err: float,
    *,
    proven_bound: float | None = None,
    solver_objective: float | None = None,
    objective_mismatch: float | None = None,
    phases: tuple[PhaseStats, ...] = (),
) -> SolveStats:
    proto = m.model.proto
    return SolveStats(
        path="cpsat",
        build_seconds=build,
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
        branches=solver.num_branches,
        conflicts=solver.num_conflicts,
        proven_bound=proven_bound,
        solver_objective=solver_objective,
        rounding_error_bound=err,
        objective_mismatch=objective_mismatch,
        phases=phases,
        details={"num_x": len(m.x), "scale": SCALE, "cuts": m.cuts},
    )


def solve_cpsat(
    problem: Problem,
    options: SolveOptions | None = None,
    *,
    base: Composition | None = None,
    max_changes: int | None = None,
    cuts: bool | None = None,
) -> Result:
    """Solve ``problem`` with CP-SAT (see :func:`evocompose.solve`).

    Parameters
    ----------
    problem : Problem
    options : SolveOptions, optional
        Time limit, seed, workers, determinism, progress, log and hint. With
        ``deterministic=True`` the time limit is CP-SAT's deterministic time
        and the workers interleave in a fixed order, so the same problem,
        seed and number of workers give the same composition (see
        :func:`_parameters`).
    base, max_changes : optional
        Restrict the search to compositions at most ``max_changes`` member
        changes away from ``base`` (see
        :func:`~evocompose.solvers.cpsat.rules.add_change_limit`); used by
        :func:`evocompose.improve`.
    cuts : bool, optional
        Switch the redundant LP cuts of the synergy and cohesion terms on or
        off; ``None`` decides by model size and whether a hint is given (see
        :func:`~evocompose.solvers.cpsat.rules.build_model`).

    Raises
    ------
    SolverError
        When the problem uses a rule or term this backend does not implement
        (see :mod:`evocompose.solvers.contract`).
    """
    opts = options if options is not None else SolveOptions()
    require_support(BACKEND, problem)
    start = time.perf_counter()
    # building may use most of a wall-clock budget, never more (deterministic: no deadline)
    deadline = None if opts.deterministic else start + BUILD_SHARE * opts.time_limit
    try:
        m = build_model(problem, cuts=cuts, hinted=opts.hint is not None, deadline=deadline)
        if base is not None and max_changes is not None:
            add_change_limit(m, base, max_changes)
        order = tuple(t for t in problem.weights.order if t in TERM_NAMES)
        forms = build_terms(m)
        m.check_time()
    except BuildOutOfTime as out:
        return _unbuilt(problem, opts, start, out)
    if opts.hint is not None:
        m.add_hint(opts.hint, deterministic=opts.deterministic)
    build = time.perf_counter() - start
    if problem.weights.mode == "lexicographic" and any(t in forms for t in order):
        return _solve_lexicographic(problem, m, forms, order, start, build, opts)

    expr, err = scaled_expr(total_form(forms))
    m.model.maximize(expr)
    budget = opts.time_limit if opts.deterministic else opts.time_limit - build
    solver = _configured(m, budget, opts)
    rec = _Recorder(start, SCALE, opts.on_progress)
    with cpsat_watch(solver):
        code = solver.solve(m.model, rec)
    _refuse_invalid(m.model, code)
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    runtime = time.perf_counter() - start
    comp = m.composition(solver) if status.has_solution else None
    proven = None
    if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.UNKNOWN):
        # valid on the problem even without a composition (the result then has no bound)
        proven = solver.best_objective_bound / SCALE
    solver_objective = solver.objective_value / SCALE if comp is not None else None
    mismatch = None
    if comp is not None and solver_objective is not None:
        diff = weighted_total(problem, evaluate(problem, comp)) - solver_objective
        if abs(diff) > err + 1e-6 * max(1.0, abs(solver_objective)):
            mismatch = diff
    bound, source = _tightest(problem, proven if comp is not None else None, "cpsat")
    return Result.scored(
        problem,
        status,
        comp,
        bound=bound,
        bound_source=source,
        runtime=runtime,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver=SOLVER_NAME,
        history=tuple(rec.history),
        stats=_stats(
            m,
            solver,
            build,
            err,
            proven_bound=proven,
            solver_objective=solver_objective,
            objective_mismatch=mismatch,
        ),
    )


#: Share of a wall-clock budget the model may take to build before the solve gives up on it.
BUILD_SHARE = 0.8


def _unbuilt(problem: Problem, opts: SolveOptions, start: float, out: BuildOutOfTime) -> Result:
    """The answer when the model could not be built in time: no composition, and why."""
    why = (
        "stopped on request while building the model"
        if stop_requested()
        else f"the model did not fit in {BUILD_SHARE:.0%} of the {opts.time_limit:g} s budget "
        f"({out}); give more time, or use solver='search', which takes any size"
    )
    return Result.scored(
        problem,
        SolveStatus.UNKNOWN,
        None,
        runtime=time.perf_counter() - start,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver=SOLVER_NAME,
        stats=SolveStats(
            path="cpsat (model not built)",
            build_seconds=time.perf_counter() - start,
            details={"not_built": why},
        ),
    )


def _tightest(problem: Problem, bound: float | None, source: str) -> tuple[float | None, str]:
    """CP-SAT's bound or the closed-form one (:func:`evocompose.bounds.closed_form_bound`), the lower."""
    if bound is None:
        return None, source
    closed = closed_form_bound(problem)
    if closed.total is not None and closed.total < bound:
        return closed.total, closed.source
    return bound, source


def _solve_lexicographic(
    problem: Problem,
    m: CpsatModel,
    forms: dict[str, Lin],
    order: tuple[str, ...],
    start: float,
    build: float,
    opts: SolveOptions,
) -> Result:
    stages = [t for t in order if t in forms]
    history: list[tuple[float, float, float | None]] = []
    phases: list[PhaseStats] = []
    comp: Composition | None = None
    all_optimal = True
    status = SolveStatus.UNKNOWN
    solver = cp_model.CpSolver()
    err_total = 0.0
    for k, term in enumerate(stages):
        if opts.deterministic:
            budget = opts.time_limit / len(stages)
        else:
            remaining = opts.time_limit - (time.perf_counter() - start)
            budget = max(0.05, remaining / (len(stages) - k))
        expr, err = scaled_expr(forms[term])
        err_total += err
        m.model.clear_objective()
        m.model.maximize(expr)
        if comp is not None:
            m.model.clear_hints()
            m.add_hint(comp, deterministic=opts.deterministic)
        solver = _configured(m, budget, opts)
        rec = _Recorder(start, SCALE, opts.on_progress)
        with cpsat_watch(solver):
            code = solver.solve(m.model, rec)
        _refuse_invalid(m.model, code)
        st = _STATUS.get(code, SolveStatus.UNKNOWN)
        history += rec.history
        if not st.has_solution:
            if comp is None:
                status = st
            break
        comp = m.composition(solver)
        value = round(solver.objective_value)
        phases.append(
            PhaseStats(
                term,
                str(st),
                value / SCALE,
                solver.best_objective_bound / SCALE,
                solver.wall_time,
            )
        )
        all_optimal = all_optimal and st is SolveStatus.OPTIMAL
        m.model.add(expr >= value).with_name(f"lexicographic[{term}]")
        status = (
            SolveStatus.OPTIMAL if all_optimal and k == len(stages) - 1 else SolveStatus.FEASIBLE
        )
    runtime = time.perf_counter() - start
    if comp is not None and len(phases) < len(stages):
        status = SolveStatus.FEASIBLE
    return Result.scored(
        problem,
        status,
        comp,
        runtime=runtime,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver=SOLVER_NAME,
        history=tuple(history),
        stats=_stats(m, solver, build, err_total, phases=tuple(phases)),
    )


class CpsatBackend(Backend):
    """The exact CP-SAT model: every rule and term; the dissimilarity term up to
    :data:`~evocompose.solvers.cpsat.terms.MAX_DISSIMILARITY_N` candidates."""

    name = "cpsat"

    def rules(self) -> frozenset[str]:
        """The rules of :data:`~evocompose.solvers.cpsat.rules.RULES`."""
        return frozenset(RULES)

    def terms(self) -> frozenset[str]:
        """The terms of :data:`~evocompose.solvers.cpsat.terms.TERMS`."""
        return frozenset(TERMS)

    def limits(self, problem: Problem) -> list[str]:
        """The pairwise dissimilarity term beyond the pair model's size."""
        if "dissimilarity" in problem.active_terms() and len(problem.pool) > MAX_DISSIMILARITY_N:
            return [
                f"objective term 'dissimilarity' with {len(problem.pool)} candidates (its pair "
                f"model takes at most {MAX_DISSIMILARITY_N}; solver='search' takes any size)"
            ]
        return []

    def solve(self, problem: Problem, options: SolveOptions) -> Result:
        """See :func:`solve_cpsat`."""
        return solve_cpsat(problem, options)


#: The CP-SAT backend.
BACKEND = CpsatBackend()
