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
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from evocompose.objective import TERMS
from evocompose.result import Composition, Result, SolveStatus

from .model import CpsatModel, add_change_limit, build_model
from .objective import SCALE, Lin, build_terms, scaled_expr, total_form

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["Progress", "solve_cpsat"]

SOLVER_NAME = f"cpsat {version('ortools')}"

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
}


@dataclass(frozen=True)
class Progress:
    """One improving solution: wall seconds since the start, objective and best bound."""

    seconds: float
    objective: float
    bound: float | None


ProgressFn = Callable[[Progress], None]


def _print_progress(p: Progress) -> None:
    bound = "" if p.bound is None else f"  bound {p.bound:,.3f}"
    gap = ""
    if p.bound is not None:
        gap = f"  gap {(p.bound - p.objective) / max(1.0, abs(p.bound)):.2%}"
    print(f"[cpsat] {p.seconds:7.2f} s  objective {p.objective:,.3f}{bound}{gap}", flush=True)


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Records ``(seconds, objective, bound)`` at each improving solution."""

    def __init__(
        self, start: float, scale: float, progress: ProgressFn | None, stage: str = ""
    ) -> None:
        super().__init__()
        self.start = start
        self.scale = scale
        self.progress = progress
        self.stage = stage
        self.history: list[tuple[float, float, float | None]] = []

    def on_solution_callback(self) -> None:
        seconds = time.perf_counter() - self.start
        obj = self.objective_value / self.scale
        bound = self.best_objective_bound / self.scale
        self.history.append((seconds, obj, bound))
        if self.progress is not None:
            self.progress(Progress(seconds, obj, bound))


#: In deterministic mode the wall clock only stops runaway runs at this many times the limit.
DETERMINISTIC_WALL_FACTOR = 20.0
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
        runs (:data:`DETERMINISTIC_WALL_FACTOR` times the limit).

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
        p.max_time_in_seconds = DETERMINISTIC_WALL_FACTOR * max(0.01, float(time_limit))
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


def _progress_fn(progress: ProgressFn | bool | None) -> ProgressFn | None:
    if progress is True:
        return _print_progress
    if progress is None or progress is False:
        return None
    return progress


def _stats(m: CpsatModel, solver: cp_model.CpSolver, build: float, err: float) -> dict[str, Any]:
    proto = m.model.proto
    return {
        "num_variables": len(proto.variables),
        "num_constraints": len(proto.constraints),
        "num_x": len(m.x),
        "branches": solver.num_branches,
        "conflicts": solver.num_conflicts,
        "build_seconds": build,
        "scale": SCALE,
        "rounding_error_bound": err,
    }


def solve_cpsat(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    progress: ProgressFn | bool | None = None,
    hint: Composition | None = None,
    log: bool = False,
    base: Composition | None = None,
    max_changes: int | None = None,
    deterministic: bool = False,
    cuts: bool | None = None,
) -> Result:
    """Solve ``problem`` with CP-SAT (see :func:`evocompose.solve`).

    With ``deterministic=True`` the time limit is CP-SAT's deterministic
    time and the workers interleave in a fixed order, so the same problem,
    seed and number of workers give the same composition (see
    :func:`_parameters`).

    ``base`` and ``max_changes`` restrict the search to compositions at most
    ``max_changes`` member changes away from ``base`` (see
    :func:`~evocompose.solvers.cpsat.model.add_change_limit`); used by
    :func:`evocompose.improve`.

    ``cuts`` switches the redundant LP cuts of the synergy and cohesion
    terms on or off; ``None`` decides by model size and whether a ``hint``
    is given (see :func:`~evocompose.solvers.cpsat.model.build_model`).
    """
    start = time.perf_counter()
    m = build_model(problem, cuts=cuts, hinted=hint is not None)
    if base is not None and max_changes is not None:
        add_change_limit(m, base, max_changes)
    order = tuple(t for t in problem.weights.order if t in TERMS)
    forms = build_terms(m)
    if hint is not None:
        m.add_hint(hint)
    build = time.perf_counter() - start
    fn = _progress_fn(progress)
    if problem.weights.mode == "lexicographic" and any(t in forms for t in order):
        return _solve_lexicographic(
            problem,
            m,
            forms,
            order,
            start,
            build,
            time_limit,
            seed,
            workers,
            fn,
            log,
            deterministic,
        )

    expr, err = scaled_expr(total_form(forms))
    m.model.maximize(expr)
    solver = cp_model.CpSolver()
    budget = time_limit if deterministic else time_limit - build
    _parameters(solver, budget, seed, workers, log, len(m.model.proto.variables), deterministic)
    rec = _Recorder(start, SCALE, fn)
    code = solver.solve(m.model, rec)
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    stats = _stats(m, solver, build, err)
    runtime = time.perf_counter() - start
    comp = m.composition(solver) if status.has_solution else None
    if status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.UNKNOWN):
        # valid on the problem even without a composition (the result then has no bound)
        stats["best_bound"] = solver.best_objective_bound / SCALE
    if comp is not None:
        stats["solver_objective"] = solver.objective_value / SCALE
    result = Result.scored(
        problem,
        status,
        comp,
        bound=solver.best_objective_bound / SCALE if comp is not None else None,
        runtime=runtime,
        seed=seed,
        workers=workers,
        solver=SOLVER_NAME,
        history=tuple(rec.history),
        stats=stats,
    )
    if result.objective is not None:
        diff = result.objective - stats["solver_objective"]
        if abs(diff) > err + 1e-6 * max(1.0, abs(result.objective)):
            stats["objective_mismatch"] = diff  # the same dict the result holds
    return result


def _solve_lexicographic(
    problem: Problem,
    m: CpsatModel,
    forms: dict[str, Lin],
    order: tuple[str, ...],
    start: float,
    build: float,
    time_limit: float,
    seed: int,
    workers: int,
    fn: ProgressFn | None,
    log: bool,
    deterministic: bool = False,
) -> Result:
    stages = [t for t in order if t in forms]
    history: list[tuple[float, float, float | None]] = []
    stage_info: list[dict[str, Any]] = []
    comp: Composition | None = None
    all_optimal = True
    status = SolveStatus.UNKNOWN
    solver = cp_model.CpSolver()
    err_total = 0.0
    for k, term in enumerate(stages):
        if deterministic:
            budget = time_limit / len(stages)
        else:
            remaining = time_limit - (time.perf_counter() - start)
            budget = max(0.05, remaining / (len(stages) - k))
        expr, err = scaled_expr(forms[term])
        err_total += err
        m.model.clear_objective()
        m.model.maximize(expr)
        if comp is not None:
            m.model.clear_hints()
            m.add_hint(comp)
        solver = cp_model.CpSolver()
        _parameters(solver, budget, seed, workers, log, len(m.model.proto.variables), deterministic)
        rec = _Recorder(start, SCALE, fn, stage=term)
        code = solver.solve(m.model, rec)
        st = _STATUS.get(code, SolveStatus.UNKNOWN)
        history += rec.history
        if not st.has_solution:
            if comp is None:
                status = st
            break
        comp = m.composition(solver)
        value = round(solver.objective_value)
        stage_info.append(
            {
                "term": term,
                "status": str(st),
                "value": value / SCALE,
                "bound": solver.best_objective_bound / SCALE,
                "seconds": solver.wall_time,
            }
        )
        all_optimal = all_optimal and st is SolveStatus.OPTIMAL
        m.model.add(expr >= value).with_name(f"lexicographic[{term}]")
        status = (
            SolveStatus.OPTIMAL if all_optimal and k == len(stages) - 1 else SolveStatus.FEASIBLE
        )
    stats = _stats(m, solver, build, err_total)
    stats["stages"] = stage_info
    runtime = time.perf_counter() - start
    if comp is not None and len(stage_info) < len(stages):
        status = SolveStatus.FEASIBLE
    return Result.scored(
        problem,
        status,
        comp,
        runtime=runtime,
        seed=seed,
        workers=workers,
        solver=SOLVER_NAME,
        history=tuple(history),
        stats=stats,
    )
