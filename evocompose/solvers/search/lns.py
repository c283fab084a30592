"""CP-SAT as a large-neighbourhood (LNS) operator for the local search.

One step frees a few networks of the current composition and re-optimises
them exactly with CP-SAT (through the public :func:`evocompose.solve`), on a
copy of the problem in which

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
from evocompose.data import Problem
from evocompose.objective import evaluate, weighted_total
from evocompose.result import Composition
from evocompose.solvers.search.state import Compiled, SearchState

__all__ = ["lns_step"]


def _subproblem(cp: Compiled, state: SearchState, free: list[int], per_network: int) -> Problem:
    problem = cp.problem
    keep = state.msum > 0
    keep |= cp.required
    for g in free:
        idx = cp.eligible_idx[g]
        order = np.argsort(-cp.R[idx, g], kind="stable")
        keep[idx[order[:per_network]]] = True
    for i in np.flatnonzero(keep):
        for j in cp.unit[int(i)]:
            keep[j] = True
    freed = set(free)
    networks = []
    for g, spec in enumerate(problem.networks):
        if g in freed:
            networks.append(spec)
        else:
            pins = tuple(sorted({*spec.include, *(cp.ids[i] for i in state.members[g])}))
            networks.append(dataclasses.replace(spec, include=pins))
    dropped = {cp.ids[i] for i in np.flatnonzero(~keep)}
    return problem.replace(
        networks=tuple(networks),
        excluded=tuple(sorted(set(problem.excluded) | dropped)),
    )


def lns_step(
    state: SearchState,
    rng: np.random.Generator,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int = 1,
    free: int = 2,
    per_network: int = 40,
) -> Composition | None:
    """Re-optimise ``free`` random networks with CP-SAT; return a better composition or ``None``.

    Parameters
    ----------
    state : SearchState
        The current (feasible) composition; not modified.
    rng : numpy.random.Generator
        Picks the networks to free.
    time_limit : float
        CP-SAT seconds (model building included).
    seed, workers : int
        Passed to CP-SAT.
    free : int
        Networks freed per step.
    per_network : int
        Most relevant eligible candidates kept per freed network.

    Returns
    -------
    Composition or None
        A feasible composition with a strictly better objective, else ``None``.
    """
    from evocompose.solve import solve

    cp = state.cp
    problem = cp.problem
    if problem.assign_all:
        return None
    k = min(free, cp.G)
    chosen = sorted(int(g) for g in rng.choice(cp.G, k, replace=False))
    current = state.composition()
    try:
        sub = _subproblem(cp, state, chosen, per_network)
    except Exception:  # a pin combination the validation rejects: skip this step
        return None
    result = solve(
        sub, solver="cpsat", time_limit=time_limit, seed=seed, workers=workers, hint=current
    )
    comp = result.composition
    if comp is None or check(problem, comp):
        return None
    before = weighted_total(problem, evaluate(problem, current))
    after = weighted_total(problem, evaluate(problem, comp))
    return comp if after > before + 1e-9 else None
