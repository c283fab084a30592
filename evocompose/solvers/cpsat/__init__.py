"""CP-SAT backend: count-based model of the hard rules and objective terms.

* :mod:`.model` — variables and hard rules (one function per rule, named constraints).
* :mod:`.objective` — objective terms as linear forms, integer scaling.
* :mod:`.solve` — run CP-SAT, callbacks, :class:`~evocompose.Result`.
"""

from __future__ import annotations

from .model import CpsatModel, build_model
from .objective import MAX_DISSIMILARITY_N, SCALE, build_terms
from .solve import Progress, solve_cpsat

__all__ = [
    "MAX_DISSIMILARITY_N",
    "SCALE",
    "CpsatModel",
    "Progress",
    "build_model",
    "build_terms",
    "solve_cpsat",
]
