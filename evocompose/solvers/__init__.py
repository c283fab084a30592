"""Solver backends, the contract they keep, and the registry :func:`evocompose.solve` picks from.

* :mod:`.contract` — :class:`~.contract.SolveOptions` and the
  :class:`~.contract.Backend` base class: the rule and term names a backend
  implements, and its refusal of anything else.
* :mod:`.cpsat` — the exact CP-SAT model (``"cpsat"``).
* :mod:`.search` — local search (``"search"``) and the MDGP engine (``"mdgp"``).
* :mod:`.auto` — a fast start, then CP-SAT (``"auto"``).

Only modules under ``evocompose.solvers`` import ortools. The built-in
backends are imported when first asked for, so that ``import evocompose``
loads neither ortools nor numba. Backends call each other directly, never
through this registry: registering a backend under a new name, or replacing
one with ``replace=True``, changes what :func:`evocompose.solve` runs for
that name and nothing else.

Examples
--------
>>> from evocompose.solvers import backend_names, get_backend
>>> backend_names()
('auto', 'cpsat', 'mdgp', 'search')
>>> get_backend("mdgp").rules() == frozenset({"size", "capacity", "assign_all"})
True
"""

from __future__ import annotations

import importlib

from evocompose.errors import SolverError
from evocompose.solvers.contract import Backend, SolveOptions

__all__ = ["Backend", "SolveOptions", "backend_names", "get_backend", "register"]

#: Built-in backends: name -> the module whose ``BACKEND`` it is.
_BUILT_IN: dict[str, str] = {
    "auto": "evocompose.solvers.auto",
    "cpsat": "evocompose.solvers.cpsat.solve",
    "mdgp": "evocompose.solvers.search.mdgp_backend",
    "search": "evocompose.solvers.search.backend",
}
_REGISTERED: dict[str, Backend] = {}


def backend_names() -> tuple[str, ...]:
    """Names :func:`get_backend` (and ``solve(solver=...)``) accepts, sorted."""
    return tuple(sorted({*_BUILT_IN, *_REGISTERED}))


def get_backend(name: str) -> Backend:
    """The backend registered under ``name``.

    Raises
    ------
    SolverError
        For an unknown name (the message lists the known ones).
    """
    if name in _REGISTERED:
        return _REGISTERED[name]
    path = _BUILT_IN.get(name) if isinstance(name, str) else None
    if path is None:
        raise SolverError(
            f"unknown solver; use one of {', '.join(backend_names())}", column="solver", value=name
        )
    backend = importlib.import_module(path).BACKEND
    if not isinstance(backend, Backend):  # pragma: no cover - a packaging error
        raise SolverError(f"{path}.BACKEND is not a Backend", value=name)
    return backend


def register(name: str, backend: Backend, *, replace: bool = False) -> None:
    """Register a backend under ``name``.

    Parameters
    ----------
    name : str
    backend : Backend
        An instance of a :class:`~.contract.Backend` subclass: it declares
        the rules and terms it implements and refuses the others.
    replace : bool
        Allow replacing a backend already known under ``name`` (built in or
        registered). Without it, a name that is taken is an error.

    Raises
    ------
    SolverError
        ``backend`` is not a Backend, or ``name`` is taken and ``replace`` is false.
    """
    if not isinstance(backend, Backend):
        raise SolverError(
            "a backend must be an instance of evocompose.solvers.Backend (it declares the "
            "rules and terms it implements)",
            value=type(backend).__name__,
        )
    if not replace and (name in _BUILT_IN or name in _REGISTERED):
        raise SolverError(
            "a backend of this name exists; pass replace=True to replace it", value=name
        )
    _REGISTERED[name] = backend


def unregister(name: str) -> None:
    """Remove a backend added with :func:`register` (a replaced built-in comes back)."""
    _REGISTERED.pop(name, None)
