"""evocompose: compose diverse, synergistic professional networks.

The flow is Data -> Problem -> Solver -> Composition -> Metrics/Report:

>>> import evocompose as evo
>>> problem = evo.datasets.tiny()
>>> problem.network_names
('a', 'b')
"""

from __future__ import annotations

from evocompose import datasets, metrics
from evocompose.bounds import ClosedFormBound, closed_form_bound
from evocompose.check import Violation, check, check_report
from evocompose.compare import Scorecard, compare
from evocompose.composition import Composition
from evocompose.constraints import BridgeRule, MaxPer, MeetingRule, Quota, SkillRequirement
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
from evocompose.handpicked import handpick
from evocompose.improve import Change, Improvement, improve
from evocompose.io import (
    NetworkPlan,
    load_problem,
    read_candidates,
    read_composition,
    read_dissimilarity,
    read_networks,
    read_ties,
    write_composition,
    write_problem,
)
from evocompose.result import Progress, Result, SolveStats, SolveStatus
from evocompose.solve import solve
from evocompose.solvers.contract import SolveOptions
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES
from evocompose.weights import Weights

__version__ = "0.1.0"

__all__ = [
    "ACTOR_TYPES",
    "RULE_NAMES",
    "TERM_NAMES",
    "BridgeRule",
    "Candidate",
    "CandidateError",
    "Change",
    "ClosedFormBound",
    "Composition",
    "CompositionError",
    "EvocomposeError",
    "Improvement",
    "MaxPer",
    "MeetingRule",
    "NetworkPlan",
    "NetworkSpec",
    "NetworkSpecError",
    "Pool",
    "Problem",
    "ProblemError",
    "Progress",
    "Quota",
    "Result",
    "Scorecard",
    "SkillRequirement",
    "SolveOptions",
    "SolveStats",
    "SolveStatus",
    "SolverError",
    "TieError",
    "Violation",
    "Weights",
    "__version__",
    "check",
    "check_report",
    "closed_form_bound",
    "compare",
    "datasets",
    "handpick",
    "improve",
    "load_problem",
    "metrics",
    "read_candidates",
    "read_composition",
    "read_dissimilarity",
    "read_networks",
    "read_ties",
    "solve",
    "write_composition",
    "write_problem",
]
