"""The nearest composition to a given one: CP-SAT stages for :func:`evocompose.recompose`.

:func:`solve_nearest` finds, among the compositions keeping every rule of a
problem, lexicographically

0. those releasing the fewest *kept* memberships (accepted invitations; each
   kept membership also keeps its network's meeting slot) — only when not
   all of them can stay;
1. then those changing the fewest memberships away from ``base`` (an arrival
   or a departure counts one, a changed meeting slot counts one;
   departures listed in ``uncounted``, the forced ones, count nothing);
2. then the best weighted objective.

Each stage fixes the previous stage's value (the proven optimum, or the best
value found when the stage ran out of time) and hints the next with its
composition.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from evocompose.composition import Composition
from evocompose.result import PhaseStats, Result, SolveStats, SolveStatus
from evocompose.solvers.contract import SolveOptions, require_support

from .model import CpsatModel
from .rules import build_model
from .solve import _STATUS, BACKEND, SCALE, SOLVER_NAME, _parameters
from .terms import build_terms, scaled_expr, total_form

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["Nearest", "solve_nearest"]


@dataclass(frozen=True)
class Nearest:
    """What :func:`solve_nearest` found.

    Attributes
    ----------
    result : Result
        The composition (scored on the problem), with the last stage's status:
        OPTIMAL means proven best among the compositions with the fewest
        changes; the bound is on that set.
    changes : int or None
        Memberships changed beyond the uncounted ones, plus slot changes.
    changes_proven : bool
        No composition keeping every rule changes fewer.
    released : tuple of (str, str)
        Kept memberships that had to be released.
    released_proven : bool
        No composition releases fewer.
    """

    result: Result
    changes: int | None
    changes_proven: bool
    released: tuple[tuple[str, str], ...] = ()
    released_proven: bool = True


def _stage(
    m: CpsatModel,
    expr: cp_model.LinearExprT,
    maximise: bool,
    options: SolveOptions,
    budget: float,
) -> tuple[SolveStatus, cp_model.CpSolver]:
    m.model.clear_objective()
    if maximise:
        m.model.maximize(expr)
    else:
        m.model.minimize(expr)
    solver = cp_model.CpSolver()
    _parameters(
        solver,
        budget,
        options.seed,
        options.workers,
        options.log,
        len(m.model.proto.variables),
        options.deterministic,
    )
    code = solver.solve(m.model)
    return _STATUS.get(code, SolveStatus.UNKNOWN), solver


def solve_nearest(
    problem: Problem,
    base: Composition,
    options: SolveOptions,
    *,
    kept: Iterable[tuple[str, str]] = (),
    uncounted: Iterable[tuple[str, str]] = (),
) -> Nearest:
    """The best composition nearest to ``base`` (see the module docstring).

    Parameters
    ----------
    problem : Problem
        Every rule holds in the answer (declines are stated here already,
        e.g. as exclusions).
    base : Composition
        The composition to stay close to.
    options : SolveOptions
        ``time_limit`` for all stages together: stages 0 and 1 get up to a
        third each, stage 2 the rest.
    kept : iterable of (str, str)
        (person, network) memberships to keep (accepted invitations); their
        networks keep ``base``'s meeting slot.
    uncounted : iterable of (str, str)
        Memberships of ``base`` whose end is not counted as a change (forced).
    """
    require_support(BACKEND, problem)
    start = time.perf_counter()
    pool = problem.pool
    m = build_model(problem, cuts=False, hinted=True)
    names = problem.network_names
    index = {n: g for g, n in enumerate(names)}
    skip = set(uncounted)
    terms: list[cp_model.LinearExprT] = []
    constant = 0
    for g, name in enumerate(names):
        inside = {c for c in base.members.get(name, ()) if c in pool}
        for i in m.eligible[g]:
            cid = pool.candidates[i].id
            if cid in inside:
                if (cid, name) not in skip:
                    terms.append(1 - m.x[i, g])
            else:
                terms.append(m.x[i, g])
        constant += sum(
            1 for c in inside if (c, name) not in skip and (pool.index(c), g) not in m.x
        )
        slot = base.slots.get(name)
        if m.slots[g] and slot in m.slots[g]:
            terms.append(1 - m.s[g, m.slots[g].index(slot)])
    changes = cp_model.LinearExpr.sum(terms) + constant
    # kept memberships, with their network's slot
    released_terms: list[cp_model.LinearExprT] = []
    hard: list[tuple[str, str]] = []
    for cid, name in dict.fromkeys(kept):
        g = index[name]
        var = m.var(pool.index(cid), g)
        if var is None:
            hard.append((cid, name))  # cannot sit there at all: released whatever happens
            continue
        slot = base.slots.get(name)
        if m.slots[g] and slot in m.slots[g]:
            m.model.add_implication(var, m.s[g, m.slots[g].index(slot)])
        released_terms.append(1 - var)
    released_expr = cp_model.LinearExpr.sum(released_terms)
    phases: list[PhaseStats] = []
    third = options.time_limit / 3
    hint = Composition(
        {n: [c for c in base.members.get(n, ()) if (c, n) not in skip] for n in names},
        base.slots,
    )
    m.add_hint(hint, complete=False)

    def budget(share: float) -> float:
        if options.deterministic:
            return share
        return max(0.05, min(share, options.time_limit - (time.perf_counter() - start)))

    released = 0
    released_proven = True
    released_list: tuple[tuple[str, str], ...] = tuple(hard)
    if released_terms:
        # stage 0: try to keep everyone; only if that is impossible, release the fewest
        status, solver = _stage(m, released_expr, False, options, budget(third))
        phases.append(PhaseStats("released", str(status), None, None, solver.wall_time))
        if not status.has_solution:
            return _nothing(problem, status, options, start, phases)
        released = round(solver.objective_value)
        released_proven = status is SolveStatus.OPTIMAL
        m.model.add(released_expr <= released).with_name("repair[released]")
        m.model.clear_hints()
        m.add_hint(m.composition(solver), complete=False)
        released_list += tuple(
            (cid, name)
            for cid, name in dict.fromkeys(kept)
            if (cid, name) not in hard
            and not solver.boolean_value(m.x[pool.index(cid), index[name]])
        )
    # stage 1: fewest changes
    status, solver = _stage(m, changes, False, options, budget(third))
    phases.append(PhaseStats("changes", str(status), None, None, solver.wall_time))
    if not status.has_solution:
        return _nothing(problem, status, options, start, phases)
    fewest = round(solver.objective_value)
    changes_proven = status is SolveStatus.OPTIMAL
    m.model.add(changes <= fewest).with_name("repair[changes]")
    first = m.composition(solver)
    # stage 2: the best objective among them
    forms = build_terms(m)
    expr, err = scaled_expr(total_form(forms))
    m.model.clear_hints()
    m.add_hint(first, complete=False)
    status, solver = _stage(m, expr, True, options, budget(options.time_limit))
    phases.append(
        PhaseStats(
            "objective",
            str(status),
            solver.objective_value / SCALE if status.has_solution else None,
            solver.best_objective_bound / SCALE if status.has_solution else None,
            solver.wall_time,
        )
    )
    comp = m.composition(solver) if status.has_solution else first
    final = status if status.has_solution else SolveStatus.FEASIBLE
    bound = solver.best_objective_bound / SCALE if status.has_solution else None
    result = Result.scored(
        problem,
        final,
        comp,
        bound=bound,
        bound_source="cpsat (among the repairs with the fewest changes)",
        runtime=time.perf_counter() - start,
        seed=options.seed,
        workers=options.workers,
        deterministic=options.deterministic,
        solver=SOLVER_NAME,
        stats=SolveStats(
            path="cpsat repair",
            num_variables=len(m.model.proto.variables),
            num_constraints=len(m.model.proto.constraints),
            rounding_error_bound=err,
            phases=tuple(phases),
            details={"changes": fewest, "released": released},
        ),
    )
    return Nearest(result, fewest, changes_proven, released_list, released_proven)


def _nothing(
    problem: Problem,
    status: SolveStatus,
    options: SolveOptions,
    start: float,
    phases: list[PhaseStats],
) -> Nearest:
    result = Result.scored(
        problem,
        status,
        None,
        runtime=time.perf_counter() - start,
        seed=options.seed,
        workers=options.workers,
        deterministic=options.deterministic,
        solver=SOLVER_NAME,
        stats=SolveStats(path="cpsat repair", phases=tuple(phases)),
    )
    return Nearest(result, None, False, (), False)
