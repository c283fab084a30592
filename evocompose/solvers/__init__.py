"""Solver backends and the registry :func:`evocompose.solve` picks from.

A backend is a callable ``backend(problem, *, time_limit, seed, workers,
progress, hint, log) -> Result``. Register one with :func:`register`::

    from evocompose.solvers import register
    register("search", solve_search)

Only modules under ``evocompose.solvers`` import ortools; backends are
imported lazily so that importing evocompose does not load them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evocompose.data import Problem
    from evocompose.result import Result

__all__ = ["BACKENDS", "Backend", "register"]

Backend = Callable[..., "Result"]


def _cpsat(problem: Problem, **kwargs: Any) -> Result:
    from evocompose.solvers.cpsat import solve_cpsat

    return solve_cpsat(problem, **kwargs)


def _search(problem: Problem, **kwargs: Any) -> Result:
    from evocompose.solvers.search.backend import solve_search

    kwargs.pop("log", None)
    return solve_search(problem, **kwargs)


def _auto(problem: Problem, **kwargs: Any) -> Result:
    from evocompose.solvers.auto import solve_auto

    return solve_auto(problem, **kwargs)


#: Backend name -> callable.
BACKENDS: dict[str, Backend] = {"auto": _auto, "cpsat": _cpsat, "search": _search}


def register(name: str, backend: Backend) -> None:
    """Register (or replace) a backend under ``name``."""
    BACKENDS[name] = backend
