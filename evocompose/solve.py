"""The public entry point :func:`solve`: pick a backend and run it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from evocompose.errors import SolverError

if TYPE_CHECKING:
    from evocompose.data import Problem
    from evocompose.result import Composition, Result

__all__ = ["solve"]


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    progress: Callable[[Any], None] | bool | None = None,
    solver: str = "auto",
    hint: Composition | None = None,
    log: bool = False,
    deterministic: bool = False,
) -> Result:
    """Compose the networks of ``problem``.

    Parameters
    ----------
    problem : Problem
    time_limit : float
        Wall-clock seconds (model building included); the best composition
        found so far is returned when it runs out.
    seed : int
        Random seed of the backend.
    workers : int
        Search threads. The same problem, seed and number of workers give the
        same composition when the search ends by proving optimality, or
        always with ``deterministic=True``; a search cut by a wall-clock time
        limit depends on timing.
    progress : callable or bool, optional
        Called with a :class:`~evocompose.solvers.cpsat.Progress`
        ``(seconds, objective, bound)`` at each improving solution; ``True``
        prints one line per improvement (no personal data).
    solver : {"auto", "cpsat", "search"}
        Backend. ``"cpsat"``: the exact CP-SAT model (proves bounds and
        optimality). ``"search"``: local search for large pools and pairwise
        dissimilarity (fast, proves nothing). ``"auto"``: a fast start (each
        network solved alone with CP-SAT, for weighted problems of at most
        2,000 candidate-network pairs; local search otherwise), then CP-SAT
        on the full model from that start; small models go to CP-SAT alone,
        pure grouping problems and large dissimilarity matrices to search
        alone (see :mod:`evocompose.solvers.auto`).
    hint : Composition, optional
        A starting composition (solution hint).
    log : bool
        Print the backend's own search log.
    deterministic : bool
        Make the result reproducible under a time limit: ``time_limit`` is
        then counted in the backends' deterministic units (CP-SAT's
        deterministic time with interleaved workers; local-search
        iterations) instead of seconds, and the same problem, seed and
        number of workers give the same composition on any machine load.
        Wall time is usually longer than ``time_limit`` in this mode.

    Returns
    -------
    Result
        ``objective`` is recomputed from the composition with
        :func:`evocompose.objective.evaluate`; ``status`` is OPTIMAL only when
        the backend proved it.

    Raises
    ------
    SolverError
        Unknown or unavailable backend, or a model the backend cannot handle.

    Examples
    --------
    >>> import evocompose as evo
    >>> from evocompose.solve import solve
    >>> r = solve(evo.datasets.tiny(), time_limit=5)
    >>> r.status.value, r.composition.size("a") + r.composition.size("b")
    ('OPTIMAL', 6)
    """
    from evocompose.solvers import BACKENDS

    backend = BACKENDS.get(solver)
    if backend is None:
        raise SolverError(f"unknown solver; use one of {', '.join(sorted(BACKENDS))}", value=solver)
    if time_limit <= 0:
        raise SolverError("time_limit must be > 0 seconds", value=time_limit)
    if workers < 1:
        raise SolverError("workers must be >= 1", value=workers)
    return backend(
        problem,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        progress=progress,
        hint=hint,
        log=log,
        deterministic=deterministic,
    )
