"""Many independent solves on any :class:`concurrent.futures.Executor`.

:func:`solve_many` solves a list of problems; :func:`evocompose.sweep`,
:func:`evocompose.pareto` and :func:`evocompose.lottery` send their
independent solves through the same machinery (:func:`run_batch`):

* **Executors.** Any :class:`concurrent.futures.Executor`: a
  ``ProcessPoolExecutor``, a ``ThreadPoolExecutor`` (CP-SAT releases the
  GIL), or a Dask distributed client's ``client.get_executor()`` (install
  ``evocompose[dask]``), which spreads the solves over a cluster. Without
  one, a process pool on this machine is started for the batch and shut
  down after it, with one process per ``workers`` search threads the
  machine has cores for.
* **Failures.** A solve that raises is reported in its place as a
  :class:`SolveFailure` (the error's type and message); the other solves go
  on. A worker process that dies (out of memory, say) fails the solves it
  had. Ctrl-C cancels the solves not yet started and stops the batch.
* **Progress.** A progress bar (rich, as the command line's) counts finished
  solves; by default it is shown only when the output is a terminal or a
  notebook.
* **Personal data.** The problems are pickled to the workers (our own
  objects between our own processes; no user file is ever unpickled). Before
  they go, :func:`for_workers` replaces every candidate's name with an empty
  text and drops table columns no rule or term uses, so a remote cluster
  never receives names; organisations stay, as ``max_per`` rules count them.
  Results come back with candidate ids only.
"""

from __future__ import annotations

import concurrent.futures as cf
import copyreg
import dataclasses
import os
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from evocompose.data import Pool, Problem
from evocompose.errors import SolverError
from evocompose.result import Result
from evocompose.solve import solve

__all__ = [
    "SOLVE_OPTIONS",
    "SolveFailure",
    "executor_slots",
    "for_workers",
    "run_batch",
    "solve_many",
]


def _mappingproxy(data: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(data)


def _reduce_mappingproxy(proxy: types.MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return (_mappingproxy, (dict(proxy),))


# A Result's figures (SolveStats.details) are a read-only mappingproxy, which
# pickle refuses; results travel back from worker processes, so teach pickle
# to rebuild it from a plain dict (registered wherever this module is loaded:
# here and in every worker, which loads it to run the batch's tasks).
copyreg.pickle(types.MappingProxyType, _reduce_mappingproxy)

#: Keyword arguments of :func:`evocompose.solve` that :func:`solve_many` passes on.
SOLVE_OPTIONS: tuple[str, ...] = (
    "time_limit",
    "seed",
    "workers",
    "solver",
    "hint",
    "log",
    "deterministic",
)


@dataclass(frozen=True)
class SolveFailure:
    """A solve of a batch that raised an error instead of returning a result.

    It stands in the failed solve's place, with the attributes of a
    :class:`~evocompose.Result` that say "no composition" (``status`` is
    ``"ERROR"``), so a batch can be read in one loop.

    Attributes
    ----------
    index : int
        Position in the batch.
    error : str
        The error's message.
    error_type : str
        The error's class name, e.g. ``"ProblemError"``.
    runtime : float
        Seconds until it failed (0 when the worker died).
    """

    index: int
    error: str
    error_type: str
    runtime: float = 0.0
    status: str = "ERROR"
    composition: None = None
    objective: None = None
    bound: None = None
    gap: None = None

    @property
    def is_optimal(self) -> bool:
        """Always false."""
        return False

    def summary(self) -> str:
        """One line: which solve failed and why."""
        return f"Solve {self.index} failed ({self.error_type}): {self.error}"

    def __str__(self) -> str:
        return self.summary()


def for_workers(problem: Problem) -> Problem:
    """A copy of ``problem`` fit to send to other processes or machines.

    Every candidate's ``name`` becomes empty and table columns that no rule,
    term or declared attribute uses are dropped; everything a solver reads
    is unchanged, so the copy solves exactly like the original.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> q = for_workers(p)
    >>> q.pool.candidates[0].name, q.pool.ids == p.pool.ids
    ('', True)
    """
    keep = set(problem.attributes)
    people = tuple(
        dataclasses.replace(
            c, name="", attributes={k: v for k, v in c.attributes.items() if k in keep}
        )
        for c in problem.pool.candidates
    )
    return problem.replace(pool=Pool(people, source=problem.pool.source))


def executor_slots(executor: cf.Executor | None) -> int:
    """How many tasks an executor runs at once (1 when it does not say).

    Knows process and thread pools and Dask's ``ClientExecutor``; the
    default executor of :func:`run_batch` has one slot per core.
    """
    if executor is None:
        return max(1, os.cpu_count() or 1)
    slots = getattr(executor, "_max_workers", None)
    if isinstance(slots, int) and slots > 0:
        return slots
    client = getattr(executor, "_client", None)
    if client is not None:
        try:
            return max(1, int(sum(client.nthreads().values())))
        except Exception:  # a client that cannot say: plan for one slot
            return 1
    return 1


class _Bar:
    """A progress bar over a batch (rich), on stderr; no personal data."""

    def __init__(self, total: int, desc: str) -> None:
        # deferred: rich loads only when a bar is shown
        from rich.console import Console  # deferred: as above
        from rich.progress import (  # deferred: as above
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn(f"[bold]{desc}[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
        )
        self.task = self.progress.add_task(desc, total=total)
        self.progress.start()

    def update(self, n: int) -> None:
        self.progress.advance(self.task, n)

    def close(self) -> None:
        self.progress.stop()


def _progress_bar(total: int, desc: str, progress: bool | None) -> _Bar | None:
    """A bar on stderr, or ``None`` when progress is off.

    ``None`` shows it when stderr is a terminal or the code runs in a
    Jupyter kernel (whose output is not a terminal but is watched).
    """
    show = progress
    if show is None:
        stream = sys.stderr
        tty = bool(getattr(stream, "isatty", lambda: False)())
        show = tty or "ipykernel" in sys.modules
    if not show:
        return None
    return _Bar(total, desc)


def _call(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any, float]:
    """Run ``fn(*args)`` in a worker; an error comes back as data, never raised."""
    start = time.perf_counter()
    try:
        return "ok", fn(*args), time.perf_counter() - start
    except Exception as exc:  # reported in the batch, never kills it
        return "error", (type(exc).__name__, str(exc)), time.perf_counter() - start


def run_batch(
    fn: Callable[..., Any],
    tasks: Sequence[tuple[Any, ...]],
    *,
    executor: cf.Executor | None = None,
    progress: bool | None = None,
    desc: str = "solves",
    workers_per_task: int = 1,
    skip: Callable[[int], bool] | None = None,
) -> Iterator[tuple[int, Any]]:
    """Run ``fn(*task)`` for every task; yield ``(index, value or SolveFailure)`` as each ends.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled by reference).
    tasks : sequence of tuple
        The arguments of each call.
    executor : Executor, optional
        Where to run; default a process pool on this machine (``os.cpu_count()
        // workers_per_task`` processes), shut down afterwards. A single
        task without an executor runs in this process.
    progress : bool, optional
        Show a progress bar (``None``: only on a terminal or in a notebook).
    desc : str
        The bar's label.
    workers_per_task : int
        Threads each task uses (sizes the default pool).
    skip : callable, optional
        ``skip(index)`` is asked before a task starts and when tasks end;
        tasks it says to skip are cancelled if not yet started and yield
        nothing.

    Yields
    ------
    (int, object)
        The task's index and ``fn``'s return value, or a
        :class:`SolveFailure` when it raised (or its worker died).
    """
    n = len(tasks)
    if n == 0:
        return
    bar = _progress_bar(n, desc, progress)
    own = executor is None and n > 1
    try:
        if executor is None and n == 1:
            if skip is None or not skip(0):
                yield 0, _unpack(0, _call(fn, tasks[0]))
            if bar is not None:
                bar.update(1)
            return
        pool: cf.Executor
        if executor is None:
            procs = max(1, min(n, (os.cpu_count() or 1) // max(1, workers_per_task)))
            pool = cf.ProcessPoolExecutor(max_workers=procs)
        else:
            pool = executor
        futures: dict[cf.Future[Any], int] = {}
        interrupted = False
        try:
            for k, task in enumerate(tasks):
                if skip is not None and skip(k):
                    if bar is not None:
                        bar.update(1)
                    continue
                futures[pool.submit(_call, fn, task)] = k
            pending = set(futures)
            while pending:
                done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for fut in sorted(done, key=lambda f: futures[f]):
                    k = futures[fut]
                    if bar is not None:
                        bar.update(1)
                    if fut.cancelled():
                        continue
                    exc = fut.exception()
                    if exc is not None:
                        yield k, _died(k, exc)
                    else:
                        yield k, _unpack(k, fut.result())
                if skip is not None:
                    for fut in list(pending):
                        if skip(futures[fut]) and fut.cancel():
                            pending.discard(fut)
                            if bar is not None:
                                bar.update(1)
        except BaseException:
            interrupted = True
            for fut in futures:
                fut.cancel()
            raise
        finally:
            if own:
                pool.shutdown(wait=not interrupted, cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()


def _unpack(index: int, outcome: tuple[str, Any, float]) -> Any:
    kind, value, seconds = outcome
    if kind == "ok":
        return value
    name, message = value
    return SolveFailure(index, message, name, seconds)


def _died(index: int, exc: BaseException) -> SolveFailure:
    if isinstance(exc, cf.process.BrokenProcessPool):
        message = (
            "the worker process stopped unexpectedly (out of memory, or killed); "
            "try fewer processes or a smaller problem"
        )
    else:
        message = str(exc) or type(exc).__name__
    return SolveFailure(index, message, type(exc).__name__)


def _solve_one(problem: Problem, options: dict[str, Any]) -> Result:
    """Worker: one :func:`evocompose.solve` call."""
    return solve(problem, **options)


def solve_many(
    problems: Iterable[Problem],
    *,
    executor: cf.Executor | None = None,
    progress: bool | None = None,
    errors: Literal["report", "raise"] = "report",
    **solve_options: Any,
) -> list[Result | SolveFailure]:
    """Solve many problems at once, each with :func:`evocompose.solve`.

    Parameters
    ----------
    problems : iterable of Problem
    executor : concurrent.futures.Executor, optional
        Where the solves run: any executor, e.g. ``ProcessPoolExecutor(4)``,
        ``ThreadPoolExecutor(1)`` (one after another, in this process), or a
        Dask cluster's ``client.get_executor()``. Default: a process pool on
        this machine with one process per ``workers`` threads the cores allow.
    progress : bool, optional
        A progress bar over the batch (default: on a terminal or in a notebook).
    errors : {"report", "raise"}
        ``"report"``: a solve that fails is a :class:`SolveFailure` in its
        place and the others go on. ``"raise"``: after the batch, raise a
        :class:`~evocompose.SolverError` naming every failed solve.
    **solve_options
        Passed to every :func:`evocompose.solve` call: ``time_limit``,
        ``seed``, ``workers`` (default 1 here: the batch runs solves side by
        side instead), ``solver``, ``hint``, ``log``, ``deterministic``.

    Returns
    -------
    list of Result or SolveFailure
        In the order of ``problems``.

    Raises
    ------
    SolverError
        An unknown solve option, or (with ``errors="raise"``) failed solves.

    Examples
    --------
    >>> import evocompose as evo
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> p = evo.datasets.tiny()
    >>> with ThreadPoolExecutor(2) as pool:
    ...     out = solve_many([p, p.replace(default_capacity=2)], executor=pool, time_limit=5)
    >>> [r.status.value for r in out]
    ['OPTIMAL', 'OPTIMAL']
    """
    items = list(problems)
    unknown = sorted(set(solve_options) - set(SOLVE_OPTIONS))
    if unknown:
        raise SolverError(
            f"unknown solve option; solve_many passes on {', '.join(SOLVE_OPTIONS)} "
            "(the progress bar is progress=True/False)",
            value=unknown[0],
        )
    if errors not in ("report", "raise"):
        raise SolverError("errors must be 'report' or 'raise'", column="errors", value=errors)
    for k, p in enumerate(items):
        if not isinstance(p, Problem):
            raise SolverError(f"item {k} of problems is not a Problem", value=type(p).__name__)
    options = {"workers": 1, **solve_options}
    threads = int(options["workers"]) if isinstance(options["workers"], int) else 1
    tasks = [(for_workers(p), options) for p in items]
    out: list[Result | SolveFailure | None] = [None] * len(items)
    for k, value in run_batch(
        _solve_one,
        tasks,
        executor=executor,
        progress=progress,
        desc="solve_many",
        workers_per_task=threads,
    ):
        out[k] = value
    results: list[Result | SolveFailure] = [
        r if r is not None else SolveFailure(k, "the solve was cancelled", "CancelledError")
        for k, r in enumerate(out)
    ]
    failed = [r for r in results if isinstance(r, SolveFailure)]
    if failed and errors == "raise":
        raise SolverError(
            f"{len(failed)} of {len(results)} solves failed: "
            + "; ".join(f"#{f.index} {f.error_type}: {f.error}" for f in failed[:5]),
            value=failed[0].error,
        )
    return results
