"""The CP-SAT model of a renewal round: the objective minus repeat and turn costs, with continuity.

:func:`solve_renewal` maximises the problem's weighted objective minus

* for each pair of people who sat together before, its cost
  (``RenewalTerms.pair_costs``) whenever they sit together in a network
  again (one pair boolean ``x_i AND x_j`` per network, only for those pairs);
* for each person, a cost per membership (``RenewalTerms.member_costs``:
  the rounds they already served),

keeping, per network, between ``lo`` and ``hi`` of its last-round members
(``RenewalTerms.keep``; constraints named ``continuity[network][...]``).
The :class:`~evocompose.result.Result` is scored on the problem (its
objective is the plain objective, comparable with any other composition);
the renewal objective and CP-SAT's bound on it are in
``result.stats.details`` (``renewal_objective``, ``renewal_bound``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from ortools.sat.python import cp_model

from evocompose.result import Result, SolveStats
from evocompose.solvers.contract import SolveOptions, require_support

from .model import CpsatModel
from .rules import build_model
from .solve import _STATUS, BACKEND, SCALE, SOLVER_NAME, _parameters
from .terms import Lin, build_terms, scaled_expr, total_form

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["RenewalTerms", "add_renewal", "solve_renewal"]


class RenewalTerms(Protocol):
    """What a renewal round adds to a problem (see :class:`evocompose.renew.RenewalTerms`).

    ``pair_costs`` maps sorted id pairs to the cost of sitting together in a
    network; ``member_costs`` maps ids to a cost per membership; ``keep``
    maps a network to its last-round members and how many of them continue
    (at least, at most).
    """

    @property
    def pair_costs(self) -> Mapping[tuple[str, str], float]: ...

    @property
    def member_costs(self) -> Mapping[str, float]: ...

    @property
    def keep(self) -> Mapping[str, tuple[tuple[str, ...], int, int]]: ...


def add_renewal(m: CpsatModel, extra: RenewalTerms) -> Lin:
    """Continuity constraints, and the penalty form (to subtract from the objective)."""
    problem = m.problem
    pool = problem.pool
    index = {n: g for g, n in enumerate(problem.network_names)}
    penalty = Lin()
    for name, (last, lo, hi) in extra.keep.items():
        g = index.get(name)
        if g is None:
            continue
        xs = [m.x[pool.index(c), g] for c in last if c in pool and (pool.index(c), g) in m.x]
        total = cp_model.LinearExpr.sum(xs)
        m.model.add(total >= lo).with_name(f"continuity[{name}][>= {lo}]")
        m.model.add(total <= hi).with_name(f"continuity[{name}][<= {hi}]")
    for (a, b), cost in sorted(extra.pair_costs.items()):
        if cost == 0 or a not in pool or b not in pool:
            continue
        i, j = pool.index(a), pool.index(b)
        for g in range(len(problem.networks)):
            if (i, g) in m.x and (j, g) in m.x:
                penalty.add(m.pair(i, j, g), cost)
    for cid, cost in sorted(extra.member_costs.items()):
        if cost == 0 or cid not in pool:
            continue
        i = pool.index(cid)
        for g in range(len(problem.networks)):
            if (i, g) in m.x:
                penalty.add(m.x[i, g], cost)
    return penalty


def solve_renewal(problem: Problem, options: SolveOptions, extra: RenewalTerms) -> Result:
    """Maximise the objective minus the renewal costs, keeping continuity (module docstring).

    Networks of ``extra`` that the problem lacks are ignored, so that the
    same terms serve a problem restricted to some networks (a block of
    :mod:`~evocompose.solvers.cpsat.decompose`).
    """
    require_support(BACKEND, problem)
    start = time.perf_counter()
    m = build_model(problem, hinted=options.hint is not None)
    penalty = add_renewal(m, extra)
    form = total_form(build_terms(m))
    form.add_lin(penalty, -1.0)
    expr, err = scaled_expr(form)
    m.model.maximize(expr)
    if options.hint is not None:
        m.add_hint(options.hint, deterministic=options.deterministic)
    build = time.perf_counter() - start
    solver = cp_model.CpSolver()
    budget = options.time_limit if options.deterministic else options.time_limit - build
    _parameters(
        solver,
        max(0.05, budget),
        options.seed,
        options.workers,
        options.log,
        len(m.model.proto.variables),
        options.deterministic,
    )
    code = solver.solve(m.model)
    status = _STATUS.get(code, _STATUS[cp_model.UNKNOWN])
    comp = m.composition(solver) if status.has_solution else None
    details: dict[str, float | None] = {
        "renewal_objective": solver.objective_value / SCALE if comp is not None else None,
        "renewal_bound": solver.best_objective_bound / SCALE if comp is not None else None,
    }
    return Result.scored(
        problem,
        status,
        comp,
        runtime=time.perf_counter() - start,
        seed=options.seed,
        workers=options.workers,
        deterministic=options.deterministic,
        solver=SOLVER_NAME,
        stats=SolveStats(
            path="cpsat renewal",
            build_seconds=build,
            num_variables=len(m.model.proto.variables),
            num_constraints=len(m.model.proto.constraints),
            rounding_error_bound=err,
            details=details,
        ),
    )
