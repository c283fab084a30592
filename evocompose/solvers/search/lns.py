"""CP-SAT as a large-neighbourhood (LNS) operator for the local search.

One step frees a few networks of the current composition and re-optimises
them exactly with CP-SAT (:func:`~evocompose.solvers.cpsat.solve.solve_cpsat`,
called directly, never through the registry), on a copy of the problem in
which

* every other network keeps its current members (``include`` pins), and
* the pool is cut down (``excluded``) to the people placed now plus the most
  relevant eligible candidates of the freed networks.

Both are restrictions, so any composition CP-SAT returns is feasible for the
original problem (it is re-checked anyway). The step is accepted only when it
improves the objective.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from evocompose.check import check
from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.errors import EvocomposeError
from evocompose.objective import evaluate, weighted_total
from evocompose.solvers.contract import SolveOptions
from evocompose.solvers.cpsat.solve import solve_cpsat

from .state import Compiled

__all__ = ["lns_step"]


def _subproblem(
    compiled: Compiled, members: list[list[int]], free: list[int], per_network: int
) -> Problem:
    problem = compiled.problem
    keep = np.zeros(compiled.n, dtype=bool)
    for ms in members:
        keep[ms] = True
    keep |= compiled.req_listed
    rel = problem.relevance_table()
    for g in free:
        idx = np.flatnonzero(compiled.allowed[:, g])
        order = np.argsort(-rel[idx, g], kind="stable")
        keep[idx[order[:per_network]]] = True
    for i in np.flatnonzero(keep):
        keep[compiled.unit_members(int(i))] = True
    freed = set(free)
    networks = []
    for g, spec in enumerate(problem.networks):
        if g in freed:
            networks.append(spec)
        else:
            pins = tuple(sorted({*spec.include, *(compiled.ids[i] for i in members[g])}))
            networks.append(dataclasses.replace(spec, include=pins))
    dropped = {compiled.ids[i] for i in np.flatnonzero(~keep)}
    return problem.replace(
        networks=tuple(networks),
        excluded=tuple(sorted(set(problem.excluded) | dropped)),
    )


def lns_step(
    compiled: Compiled,
    members: list[list[int]],
    rng: np.random.Generator,
    options: SolveOptions,
    *,
    free: int = 2,
    per_network: int = 40,
) -> Composition | None:
    """Re-optimise ``free`` random networks with CP-SAT; return a better composition or ``None``.

    Parameters
    ----------
    compiled : Compiled
        The compiled problem.
    members : list of list of int
        The current (feasible) composition: members per network, pool indices.
    rng : numpy.random.Generator
        Picks the networks to free.
    options : SolveOptions
        For CP-SAT: its time limit (model building included), seed, workers
        and determinism; the hint is the current composition.
    free : int
        Networks freed per step.
    per_network : int
        Most relevant eligible candidates kept per freed network.

    Returns
    -------
    Composition or None
        A feasible composition with a strictly better objective, else ``None``.
    """
    problem = compiled.problem
    if problem.assign_all:
        return None
    k = min(free, compiled.G)
    chosen = sorted(int(g) for g in rng.choice(compiled.G, k, replace=False))
    current = Composition(
        {compiled.names[g]: [compiled.ids[i] for i in ms] for g, ms in enumerate(members)}
    )
    try:
        sub = _subproblem(compiled, members, chosen, per_network)
    except EvocomposeError:  # a pin combination the validation rejects: skip this step
        return None
    result = solve_cpsat(sub, options.replace(hint=current, progress=None))
    comp = result.composition
    if comp is None or check(problem, comp):
        return None
    before = weighted_total(problem, evaluate(problem, current))
    after = weighted_total(problem, evaluate(problem, comp))
    return comp if after > before + 1e-9 else None
