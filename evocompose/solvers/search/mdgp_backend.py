"""The ``mdgp`` backend: the MDGP engine (:mod:`.mdgp`) for pure grouping problems.

A pure Maximally Diverse Grouping Problem places everyone in exactly one
network under size bounds and maximises the dissimilarity inside the
networks. :class:`MdgpBackend` implements exactly that: the rules ``size``,
``capacity`` (at most one network each) and ``assign_all``, and the terms
``dissimilarity`` (one weight for all networks) and ``spread`` (a constant
here). Any other rule or term makes it refuse the problem
(:meth:`~evocompose.solvers.contract.Backend.unsupported`); the ``search``
and ``auto`` backends hand it a problem only when it refuses nothing.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from evocompose.check import check
from evocompose.composition import Composition
from evocompose.result import Progress, Result, SolveStats, SolveStatus
from evocompose.solvers.contract import Backend, SolveOptions, require_support

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["BACKEND", "ITERATIONS_PER_SECOND", "MdgpBackend", "solve_pure_mdgp"]

#: Iterations granted per second of time limit in deterministic mode.
ITERATIONS_PER_SECOND = 1000
#: In deterministic mode the wall clock only stops runaway runs.
DETERMINISTIC_WALL_FACTOR = 20.0


class MdgpBackend(Backend):
    """The compiled MDGP engine: partitions under size bounds, dissimilarity only."""

    name = "mdgp"

    def rules(self) -> frozenset[str]:
        """Sizes, one network per person, everyone placed."""
        return frozenset({"size", "capacity", "assign_all"})

    def terms(self) -> frozenset[str]:
        """The dissimilarity matrix (and the constant spread)."""
        return frozenset({"dissimilarity", "spread"})

    def limits(self, problem: Problem) -> list[str]:
        """What the engine needs beyond the rule names: a partition with one weight."""
        out = []
        if not problem.assign_all:
            out.append("a problem that does not place everyone (the engine needs assign_all)")
        if problem.dissimilarity is None:
            out.append("a problem without a dissimilarity matrix")
        above = int(np.count_nonzero(problem.capacities() != 1))
        if above:
            out.append(f"capacity other than 1 ({above} candidate(s))")
        weights = {problem.network_weights(n).dissimilarity for n in problem.network_names}
        if len(weights) > 1:
            out.append("different dissimilarity weights per network")
        elif weights and next(iter(weights)) <= 0:
            out.append("a dissimilarity weight <= 0 (the engine maximises diversity)")
        return out

    def solve(self, problem: Problem, options: SolveOptions) -> Result:
        """See :func:`solve_pure_mdgp`."""
        return solve_pure_mdgp(problem, options)


#: The MDGP backend.
BACKEND = MdgpBackend()


def solve_pure_mdgp(
    problem: Problem, options: SolveOptions | None = None, *, max_iterations: int | None = None
) -> Result:
    """Solve a pure MDGP problem with the compiled engine.

    Parameters
    ----------
    problem : Problem
        A problem :class:`MdgpBackend` supports (else :class:`~evocompose.SolverError`).
    options : SolveOptions, optional
        With ``deterministic=True`` the budget is
        :data:`ITERATIONS_PER_SECOND` iterations per second of time limit.
    max_iterations : int, optional
        Stop after this many iterations.

    Returns
    -------
    Result
        FEASIBLE (the engine proves nothing).
    """
    from evocompose.solvers.search.mdgp import solve_mdgp  # deferred: loads numba

    opts = options if options is not None else SolveOptions()
    require_support(BACKEND, problem)
    start = time.perf_counter()
    time_limit = opts.time_limit
    if opts.deterministic:
        if max_iterations is None:
            max_iterations = max(1, int(ITERATIONS_PER_SECOND * time_limit))
        time_limit *= DETERMINISTIC_WALL_FACTOR
    assert problem.dissimilarity is not None
    pool = problem.pool
    names = problem.network_names
    w = problem.network_weights(names[0]).dissimilarity
    offset = problem.weights.spread * len(pool)
    lb = [s.min_size for s in problem.networks]
    ub = [s.max_size for s in problem.networks]
    initial = None
    hint = opts.hint
    if hint is not None and not check(problem, hint):
        initial = np.zeros(len(pool), dtype=np.int64)
        for g, name in enumerate(names):
            for cid in hint.members.get(name, ()):
                initial[pool.index(cid)] = g
    history: list[tuple[float, float, float | None]] = []
    fn = opts.on_progress

    def on_improve(seconds: float, value: float) -> None:
        t = time.perf_counter() - start
        history.append((t, w * value + offset, None))
        if fn is not None:
            fn(Progress(t, w * value + offset, None, "mdgp"))

    remaining = max(0.01, time_limit - (time.perf_counter() - start))
    res = solve_mdgp(
        problem.dissimilarity,
        lb,
        ub,
        time_limit=remaining,
        seed=opts.seed,
        initial=initial,
        progress=on_improve,
        max_iterations=max_iterations,
        workers=opts.workers,
    )
    members: dict[str, list[str]] = {name: [] for name in names}
    for i, g in enumerate(res.assignment):
        members[names[int(g)]].append(pool.ids[i])
    comp = Composition(members)
    return Result.scored(
        problem,
        SolveStatus.FEASIBLE,
        comp,
        runtime=time.perf_counter() - start,
        seed=opts.seed,
        workers=opts.workers,
        deterministic=opts.deterministic,
        solver="search (mdgp engine)",
        history=tuple(history),
        stats=SolveStats(
            path="mdgp",
            iterations=res.iterations,
            solver_objective=w * res.value + offset,
            details={"mdgp_value": res.value},
        ),
    )
