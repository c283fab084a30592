"""The public entry point :func:`solve`: pick a backend and run it."""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any

from evocompose.audit import Audit, composition_digest, now
from evocompose.check import check
from evocompose.diagnose import diagnose_no_composition
from evocompose.result import Result, SolveStatus
from evocompose.solvers import get_backend
from evocompose.solvers.contract import ProgressFn, SolveOptions

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem

__all__ = ["attach_audit", "composition_data", "solve"]

#: Smallest diagnosis budget (seconds) when ``solve(diagnose=True)``.
DIAGNOSIS_TIME = 10.0
#: After UNKNOWN with no time left, the counting arguments still run on problems of at
#: most this many candidate-network pairs (milliseconds there; seconds on 100,000 people) ...
COUNTING_PAIRS = 50_000
#: ... and on larger ones when what is left of the limit covers this many seconds per pair
#: (measured: 6 s for 400,000 pairs).
COUNTING_SECONDS_PER_PAIR = 2e-5


def composition_data(composition: Composition | None) -> dict[str, Any] | None:
    """A composition as plain data for an audit (``{"members": ..., "slots": ...}``)."""
    if composition is None:
        return None
    return {
        "members": {n: list(ids) for n, ids in composition.members.items()},
        "slots": {n: s for n, s in composition.slots.items() if s is not None},
    }


def attach_audit(
    problem: Problem,
    result: Result,
    *,
    call: str,
    backend: str,
    options: SolveOptions,
    started: str,
    parameters: dict[str, Any] | None = None,
) -> Result:
    """A copy of ``result`` carrying its :class:`~evocompose.audit.Audit` (results are never changed).

    The audit's fingerprint of the problem is made when first read (see
    :meth:`~evocompose.audit.Audit.of`), so that it never overruns a time limit.
    """
    audit = Audit.of(
        problem,
        call=call,
        backend=backend,
        solver=result.solver,
        time_limit=float(options.time_limit),
        seed=options.seed,
        workers=options.workers,
        deterministic=options.deterministic,
        parameters=parameters or {},
        started=started,
        ended=now(),
        status=str(result.status),
        composition=None if result.composition is None else composition_digest(result.composition),
        objective=result.objective,
    )
    return dataclasses.replace(result, audit=audit)


def _found_by_check(
    problem: Problem, result: Result, composition: Composition, seconds: float
) -> Result:
    """The backend found nothing in time, but the feasibility check did: return that."""
    proven = result.stats.proven_bound
    return Result.scored(
        problem,
        SolveStatus.FEASIBLE,
        composition,
        bound=proven,
        bound_source=result.bound_source or ("cpsat" if proven is not None else None),
        runtime=result.runtime + seconds,
        seed=result.seed,
        workers=result.workers,
        deterministic=result.deterministic,
        solver=f"{result.solver} + feasibility check (cpsat)",
        history=result.history,
        stats=dataclasses.replace(
            result.stats,
            path=f"{result.stats.path or result.solver} + feasibility check",
            solver_objective=None,
        ),
    )


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
    diagnose: bool | float = True,
    language: str = "en",
) -> Result:
    """Compose the networks of ``problem``.

    Parameters
    ----------
    problem : Problem
    time_limit : float
        Wall-clock seconds (model building included; the audit's
        fingerprint of the problem is made when first read, see
        :meth:`~evocompose.audit.Audit.of`); the best composition
        found so far is returned when it runs out, or earlier on Ctrl-C
        (SIGINT, a notebook's interrupt button) or SIGTERM: every backend
        then stops within about a second, ``result.interrupted`` names the
        signal and no diagnosis is run. A second Ctrl-C raises
        :class:`KeyboardInterrupt` at once. One exception: when no
        composition is known yet and the search's repair is still closing
        in on one, it may go on for 5 % of the limit plus half a second more
        (measured: 5,000 candidates x 40 networks at 1 s), rather than
        return nothing.
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
    diagnose : bool or float
        When the backend returns no composition, find out why and attach it
        as ``result.diagnosis`` (:func:`evocompose.diagnose`): always after
        INFEASIBLE; after UNKNOWN (out of time) when a counting argument or
        a short feasibility check proves the problem impossible, which
        makes the status INFEASIBLE. The check gets what is left of
        ``time_limit`` (at most 5 s; none when the backend used it all), so
        the time limit holds; the counting arguments run when the time left
        covers them (:data:`COUNTING_SECONDS_PER_PAIR`) or the problem has at
        most :data:`COUNTING_PAIRS` candidate-network pairs (with ``deterministic=True`` the check gets
        ``min(5, time_limit)`` units, as the result must not depend on the
        clock). When the check finds a composition instead, it is returned
        (FEASIBLE, ``stats.path`` ending in ``"feasibility check"``).
        ``True`` gives the diagnosis of an INFEASIBLE result
        ``max(10, time_limit)`` seconds, a number that many; ``False`` skips
        all of it.
    language : {"en", "da"}
        Language of the diagnosis.

    Returns
    -------
    Result
        ``objective`` is recomputed from the composition with
        :func:`evocompose.objective.evaluate`; ``status`` is OPTIMAL only when
        the backend proved it. ``result.audit`` records the problem's
        fingerprint, the parameters, versions and times
        (:func:`evocompose.reproduce` reruns it).

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
    >>> r.audit.call, r.audit.backend
    ('solve', 'auto')
    """
    clock = time.perf_counter()
    started = now()
    options = SolveOptions(
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        progress=progress,
        log=log,
        hint=hint,
    )
    backend = get_backend(solver)  # the first call imports it (numba: half a second)
    spent = time.perf_counter() - clock
    run_options = options  # the audit keeps the time limit asked for
    if not deterministic and spent > 0.01:  # the limit counts from the call
        run_options = options.replace(time_limit=max(0.01, float(time_limit) - spent))
    result = backend.run(problem, run_options)
    if result.composition is None and diagnose and result.interrupted is None:
        budget = max(DIAGNOSIS_TIME, time_limit) if diagnose is True else float(diagnose)
        left = float(time_limit) - (time.perf_counter() - clock)
        check_time = min(DIAGNOSIS_TIME / 2, float(time_limit) if deterministic else left)
        pairs = len(problem.pool) * len(problem.networks)
        late = not deterministic and left < pairs * COUNTING_SECONDS_PER_PAIR
        if result.status is SolveStatus.UNKNOWN and late and pairs > COUNTING_PAIRS:
            found = None  # not even the counting arguments fit in the time limit
        else:
            found = diagnose_no_composition(
                problem,
                result.status,
                time_limit=budget,
                check_time=check_time,
                seed=seed,
                workers=workers,
                deterministic=deterministic,
                language=language,
            )
        if found is not None and found.feasible is True and found.composition is not None:
            if not check(problem, found.composition):
                result = _found_by_check(problem, result, found.composition, found.seconds)
        elif found is not None:
            status = SolveStatus.INFEASIBLE if found.feasible is False else result.status
            result = dataclasses.replace(result, status=status, diagnosis=found)
    return attach_audit(
        problem,
        result,
        call="solve",
        backend=solver,
        options=options,
        started=started,
        parameters={"hint": composition_data(hint)},
    )
