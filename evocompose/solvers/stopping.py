"""Stopping a solve early: Ctrl-C (SIGINT) and SIGTERM end it within a second and keep the best.

:func:`run_stoppable` runs a backend's work with the signals caught: in the
main thread it installs handlers for SIGINT and SIGTERM and runs the work in
a worker thread, so that the handler runs at once even while the work sits
in compiled code (CP-SAT, numba kernels). The first signal only *requests* a
stop; every backend polls :func:`requested` in its loops, and
:func:`cpsat_watch` stops a running CP-SAT search on request. The backend
then returns its best composition as it would at its time limit. A second
signal stops waiting and raises :class:`KeyboardInterrupt` at once.

Nested runs (a portfolio calling another backend, a backend called from a
worker thread, a notebook kernel's own thread) share the outermost run's
request and install nothing.

Examples
--------
>>> value, stopped_by = run_stoppable(lambda: 6 * 7)
>>> value, stopped_by, requested()
(42, None, False)
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

__all__ = ["cpsat_watch", "request", "requested", "run_stoppable", "stopped_by"]

R = TypeVar("R")

#: Seconds between two looks at the stop request (CP-SAT watcher, main thread).
POLL_SECONDS = 0.05

#: The signals a run catches, by the name a result reports.
SIGNALS: dict[str, int] = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}

_event = threading.Event()
_reason: list[str] = []  # the signal that asked for the stop (first one)
_depth = [0]  # runs in progress in this process (handlers installed by the outermost)
_lock = threading.Lock()


def requested() -> bool:
    """Whether a stop was requested for the run in progress (cheap: poll it in loops)."""
    return _event.is_set()


def stopped_by() -> str | None:
    """The signal name (``"SIGINT"``, ``"SIGTERM"``) that requested the stop, if any."""
    return _reason[0] if _reason else None


def request(reason: str = "SIGINT") -> None:
    """Ask the run in progress to stop as if its time were up (what the signal handler does).

    Useful from another thread (a notebook widget, a server shutting down).
    Without a run in progress it does nothing.
    """
    with _lock:
        if _depth[0] == 0 or _event.is_set():
            return
        _reason.append(reason)
        _event.set()


@contextmanager
def cpsat_watch(solver: Any) -> Iterator[None]:
    """Stop ``solver`` (an ortools ``CpSolver``) when a stop is requested while it runs.

    Inside :func:`run_stoppable` it also turns off CP-SAT's own catching of
    Ctrl-C, which would otherwise end only the current CP-SAT call and hide
    the signal from the rest of the solve. Outside a run it changes nothing.
    """
    if _depth[0] == 0:
        yield
        return
    solver.parameters.catch_sigint_signal = False
    done = threading.Event()

    def watch() -> None:
        while not done.wait(POLL_SECONDS):
            if _event.is_set():
                solver.stop_search()  # repeated: a call before the search starts is lost

    watcher = threading.Thread(target=watch, name="evocompose-stop-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _handler(signum: int, frame: FrameType | None) -> None:
    name = next((n for n, s in SIGNALS.items() if s == signum), "SIGINT")
    if _event.is_set():
        raise KeyboardInterrupt  # the second signal: stop waiting now
    request(name)


def run_stoppable(work: Callable[[], R]) -> tuple[R, str | None]:
    """Run ``work`` so that SIGINT or SIGTERM stop it early; return its value and the signal.

    Parameters
    ----------
    work : callable
        The backend's solve. It must poll :func:`requested` (or run CP-SAT
        under :func:`cpsat_watch`) and return its best result when asked.

    Returns
    -------
    (value, signal name or None)
        ``None`` when no stop was requested (in a nested run: none of the
        outermost run so far).

    Raises
    ------
    KeyboardInterrupt
        On a second signal while the work is still stopping.
    """
    outermost = False
    with _lock:
        if _depth[0] == 0:
            _event.clear()
            _reason.clear()
            outermost = True
        _depth[0] += 1
    try:
        if not outermost or threading.current_thread() is not threading.main_thread():
            value = work()
            return value, stopped_by()
        return _run_in_worker(work)
    finally:
        with _lock:
            _depth[0] -= 1
            if outermost:
                _event.clear()
                _reason.clear()


def _run_in_worker(work: Callable[[], R]) -> tuple[R, str | None]:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the main thread as it is
            box["error"] = exc

    previous = {name: signal.getsignal(num) for name, num in SIGNALS.items()}
    for num in SIGNALS.values():
        signal.signal(num, _handler)
    try:
        worker = threading.Thread(target=target, name="evocompose-solve", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(POLL_SECONDS)
    finally:
        for name, num in SIGNALS.items():
            handler = previous[name]
            signal.signal(num, handler if handler is not None else signal.SIG_DFL)
    if "error" in box:
        raise box["error"]
    return box["value"], stopped_by()
