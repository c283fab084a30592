"""The public entry point :func:`solve`: pick a backend and run it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evocompose.solvers import get_backend
from evocompose.solvers.contract import ProgressFn, SolveOptions

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem
    from evocompose.result import Result

__all__ = ["solve"]


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    progress: ProgressFn | bool | None = None,
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
        Called with a :class:`~evocompose.result.Progress`
        ``(seconds, objective, bound, source)`` at each improving
        composition; ``True`` prints one line per improvement (no personal
        data).
    solver : {"auto", "cpsat", "search", "mdgp"} or a registered name
        Backend. ``"cpsat"``: the exact CP-SAT model (proves bounds and
        optimality). ``"search"``: local search for large pools and pairwise
        dissimilarity (fast, proves nothing). ``"mdgp"``: the compiled
        engine for pure grouping problems (everyone placed once, sizes and a
        dissimilarity matrix only). ``"auto"``: a fast start (each network
        solved alone with CP-SAT, for weighted problems of at most 2,000
        candidate-network pairs; local search otherwise), then CP-SAT on the
        full model from that start; small models go to CP-SAT alone, pure
        grouping problems and large dissimilarity matrices to search alone
        (see :mod:`evocompose.solvers.auto`).
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
        Unknown backend, bad options, or a problem that uses a rule or term
        the backend does not implement (the message names it; no backend
        ever ignores a rule).

    Examples
    --------
    >>> import evocompose as evo
    >>> r = solve(evo.datasets.tiny(), time_limit=5)
    >>> r.status.value, r.composition.size("a") + r.composition.size("b")
    ('OPTIMAL', 6)
    """
    options = SolveOptions(
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        progress=progress,
        log=log,
        hint=hint,
    )
    return get_backend(solver).run(problem, options)
