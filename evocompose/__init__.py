"""evocompose: compose diverse, synergistic professional networks.

The flow is Data -> Problem -> Solver -> Composition -> Metrics/Report:

>>> import evocompose as evo
>>> problem = evo.datasets.tiny()
>>> problem.network_names
('a', 'b')
"""

from __future__ import annotations

from evocompose import datasets
from evocompose.constraints import BridgeRule, MeetingRule, Quota, SkillRequirement
from evocompose.data import ACTOR_TYPES, Candidate, NetworkSpec, Pool, Problem
from evocompose.errors import (
    CandidateError,
    CompositionError,
    EvocomposeError,
    NetworkSpecError,
    ProblemError,
    SolverError,
    TieError,
)
from evocompose.objective import Weights
from evocompose.result import Composition, Result, SolveStatus

__version__ = "0.1.0"

__all__ = [
    "ACTOR_TYPES",
    "BridgeRule",
    "Candidate",
    "CandidateError",
    "Composition",
    "CompositionError",
    "EvocomposeError",
    "MeetingRule",
    "NetworkSpec",
    "NetworkSpecError",
    "Pool",
    "Problem",
    "ProblemError",
    "Quota",
    "Result",
    "SkillRequirement",
    "SolveStatus",
    "SolverError",
    "TieError",
    "Weights",
    "__version__",
    "datasets",
]
