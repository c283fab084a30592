"""CP-SAT backend: count-based model of the hard rules and objective terms.

* :mod:`.model` — :class:`CpsatModel`: variables, count encodings, hints.
* :mod:`.rules` — one implementation per rule name, named constraints.
* :mod:`.terms` — one implementation per term name, integer scaling.
* :mod:`.solve` — run CP-SAT, callbacks, :class:`~evocompose.result.Result`;
  :data:`BACKEND` for the registry.
* :mod:`.decompose` — network-by-network start and polish used by ``auto``.
"""

from __future__ import annotations

from .model import CpsatModel
from .rules import RULES, build_model
from .solve import BACKEND, CpsatBackend, solve_cpsat
from .terms import MAX_DISSIMILARITY_N, SCALE, TERMS, build_terms

__all__ = [
    "BACKEND",
    "MAX_DISSIMILARITY_N",
    "RULES",
    "SCALE",
    "TERMS",
    "CpsatBackend",
    "CpsatModel",
    "build_model",
    "build_terms",
    "solve_cpsat",
]
