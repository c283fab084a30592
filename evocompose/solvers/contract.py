"""The contract between :func:`evocompose.solve` and every solver backend.

* :class:`SolveOptions` — what every backend is handed: time limit, seed,
  workers, determinism, a progress callback, the log switch and a hint.
* :class:`Backend` — a backend: its name, the rule and term names it
  implements (keys of its own rule and term tables, see
  :mod:`evocompose.vocabulary`), any further limits, and ``solve``.
* :func:`require_support` — refuse, with a :class:`~evocompose.SolverError`
  naming the rule or term, a problem a backend cannot honour. A backend
  never ignores a rule.

Backends return a :class:`~evocompose.result.Result` built once with
:meth:`~evocompose.result.Result.scored`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from evocompose.errors import SolverError
from evocompose.result import Progress, Result
from evocompose.solvers.stopping import run_stoppable

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem

__all__ = ["Backend", "ProgressFn", "SolveOptions", "progress_callback", "require_support"]

#: A progress callback: called with each improving composition's figures.
ProgressFn = Callable[[Progress], None]


def _print_progress(p: Progress) -> None:
    print(p.describe(), flush=True)


def progress_callback(progress: ProgressFn | bool | None) -> ProgressFn | None:
    """The callback for a ``progress=`` argument: ``True`` prints one line per improvement.

    Examples
    --------
    >>> progress_callback(None) is None, progress_callback(False) is None
    (True, True)
    >>> progress_callback(True)(Progress(1.5, 10.0, 12.0, "cpsat"))
    [cpsat]    1.50 s  objective 10.000  bound 12.000  gap 16.67%
    """
    if progress is True:
        return _print_progress
    if progress is None or progress is False:
        return None
    if not callable(progress):
        raise SolverError("progress must be a function, True or False", value=progress)
    return progress


@dataclass(frozen=True)
class SolveOptions:
    """What every backend is handed.

    Parameters
    ----------
    time_limit : float
        Wall-clock seconds (model building included), or deterministic
        units with ``deterministic=True``.
    seed : int
        Random seed.
    workers : int
        Search threads.
    deterministic : bool
        Count ``time_limit`` in the backends' deterministic units (CP-SAT's
        deterministic time, local-search iterations), so that the same
        problem, seed and workers give the same composition on any load.
    progress : callable, bool or None
        Called with a :class:`~evocompose.result.Progress` at each improving
        composition; ``True`` prints one line each (no personal data).
    log : bool
        Print the backend's own search log.
    hint : Composition, optional
        A starting composition.

    Raises
    ------
    SolverError
        A time limit that is not a positive finite number, fewer than one
        worker, or a seed that is not a whole number.

    Examples
    --------
    >>> SolveOptions(time_limit=5, seed=1).replace(workers=1).workers
    1
    >>> SolveOptions(time_limit=0)
    Traceback (most recent call last):
    ...
    evocompose.errors.SolverError: column 'time_limit', value 0: time_limit must be a number of seconds > 0
    """

    time_limit: float = 10.0
    seed: int = 0
    workers: int = 2
    deterministic: bool = False
    progress: ProgressFn | bool | None = None
    log: bool = False
    hint: Composition | None = None

    def __post_init__(self) -> None:
        t = self.time_limit
        if (
            isinstance(t, bool)
            or not isinstance(t, numbers.Real)
            or not math.isfinite(float(t))
            or t <= 0
        ):
            raise SolverError(
                "time_limit must be a number of seconds > 0", column="time_limit", value=t
            )
        w = self.workers
        if isinstance(w, bool) or not isinstance(w, numbers.Integral) or w < 1:
            raise SolverError("workers must be a whole number >= 1", column="workers", value=w)
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral):
            raise SolverError("seed must be a whole number", column="seed", value=self.seed)
        object.__setattr__(self, "workers", int(w))
        object.__setattr__(self, "seed", int(self.seed))
        object.__setattr__(self, "progress", progress_callback(self.progress))

    @property
    def on_progress(self) -> ProgressFn | None:
        """The progress callback (``None`` when nobody listens)."""
        return self.progress  # type: ignore[return-value]

    def replace(self, **changes: Any) -> SolveOptions:
        """A copy with some options changed (e.g. a phase's own time limit)."""
        return dataclasses.replace(self, **changes)


class Backend(ABC):
    """A solver backend.

    Subclasses set :attr:`name` and return the names they implement from
    :meth:`rules` and :meth:`terms` (the keys of their rule and term
    tables); :meth:`limits` adds what the names alone do not say (a size
    limit, a parameter the backend needs). :meth:`run` refuses an
    unsupported problem before solving.
    """

    name: str = ""

    @abstractmethod
    def rules(self) -> frozenset[str]:
        """Names of the hard rules this backend implements."""

    @abstractmethod
    def terms(self) -> frozenset[str]:
        """Names of the objective terms this backend implements."""

    def limits(self, problem: Problem) -> list[str]:
        """Further reasons this backend cannot take ``problem`` (default none)."""
        return []

    def unsupported(self, problem: Problem) -> list[str]:
        """Everything about ``problem`` this backend cannot honour, in plain words.

        Empty when the backend can solve the problem exactly as stated.
        """
        reasons: list[str] = []
        rules = self.rules()
        for name in problem.active_rules():
            if name not in rules:
                where = problem.rule_networks(name)
                on = f" (network {', '.join(where)})" if where else ""
                reasons.append(f"rule {name!r}{on}")
        terms = self.terms()
        reasons += [f"objective term {t!r}" for t in problem.active_terms() if t not in terms]
        return reasons + self.limits(problem)

    @abstractmethod
    def solve(self, problem: Problem, options: SolveOptions) -> Result:
        """Solve a problem this backend supports (see :meth:`run`)."""

    def run(self, problem: Problem, options: SolveOptions) -> Result:
        """Refuse an unsupported problem (:func:`require_support`), then :meth:`solve`.

        The solve runs under :func:`~evocompose.solvers.stopping.run_stoppable`:
        Ctrl-C (SIGINT) or SIGTERM ends it within about a second with the
        best composition found, and ``result.interrupted`` names the signal.
        """
        require_support(self, problem)
        result, signal_name = run_stoppable(lambda: self.solve(problem, options))
        if signal_name is not None:
            result = dataclasses.replace(result, interrupted=signal_name)
        return result


def require_support(backend: Backend, problem: Problem) -> None:
    """Raise :class:`~evocompose.SolverError` unless ``backend`` can honour all of ``problem``.

    The message names each rule or term the backend does not implement and
    says which backend to use instead.
    """
    reasons = backend.unsupported(problem)
    if reasons:
        raise SolverError(
            f"the {backend.name!r} backend cannot honour "
            + "; ".join(reasons)
            + ". It never ignores a rule: use solver='auto' or 'cpsat', or drop the rule",
            value=backend.name,
        )
