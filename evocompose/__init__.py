"""evocompose: compose diverse, synergistic professional networks.

The flow is Data -> Problem -> Solver -> Composition -> Metrics/Report:

>>> import evocompose as evo
>>> problem = evo.datasets.tiny()
>>> problem.network_names
('a', 'b')
"""

from __future__ import annotations

from evocompose import datasets, metrics
from evocompose.audit import Audit, problem_fingerprint
from evocompose.batch import SolveFailure, solve_many
from evocompose.bounds import ClosedFormBound, closed_form_bound
from evocompose.check import Violation, check, check_report
from evocompose.compare import Scorecard, compare
from evocompose.composition import Composition
from evocompose.constraints import BridgeRule, MaxPer, MeetingRule, Quota, SkillRequirement
from evocompose.data import ACTOR_TYPES, Candidate, NetworkSpec, Pool, Problem
from evocompose.diagnose import diagnose
from evocompose.diagnosis import Conflict, Diagnosis, Relaxation, RuleRef
from evocompose.errors import (
    CandidateError,
    CompositionError,
    EvocomposeError,
    NetworkSpecError,
    ProblemError,
    SolverError,
    TieError,
)
from evocompose.explain import Explanation, MemberReason, RuleReason, WhyNot, explain
from evocompose.handpicked import handpick
from evocompose.improve import Change, Improvement, improve
from evocompose.io import (
    NetworkPlan,
    load_problem,
    read_audit,
    read_candidates,
    read_composition,
    read_dissimilarity,
    read_networks,
    read_ties,
    write_composition,
    write_problem,
)
from evocompose.lottery import Lottery, lottery
from evocompose.pareto import pareto
from evocompose.process import MembershipChange, Renewal, Repair
from evocompose.recompose import recompose, replacements
from evocompose.renew import renew
from evocompose.report import ReportFiles, report
from evocompose.reproduce import Reproduction, reproduce
from evocompose.result import Progress, Result, SolveStats, SolveStatus
from evocompose.solve import solve
from evocompose.solvers.contract import SolveOptions
from evocompose.sweep import parameter_paths, set_parameters, sweep
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES
from evocompose.weights import Weights

__version__ = "0.1.0"

__all__ = [
    "ACTOR_TYPES",
    "RULE_NAMES",
    "TERM_NAMES",
    "Audit",
    "BridgeRule",
    "Candidate",
    "CandidateError",
    "Change",
    "ClosedFormBound",
    "Composition",
    "CompositionError",
    "Conflict",
    "Diagnosis",
    "EvocomposeError",
    "Explanation",
    "Improvement",
    "Lottery",
    "MaxPer",
    "MeetingRule",
    "MemberReason",
    "MembershipChange",
    "NetworkPlan",
    "NetworkSpec",
    "NetworkSpecError",
    "Pool",
    "Problem",
    "ProblemError",
    "Progress",
    "Quota",
    "Relaxation",
    "Renewal",
    "Repair",
    "ReportFiles",
    "Reproduction",
    "Result",
    "RuleReason",
    "RuleRef",
    "Scorecard",
    "SkillRequirement",
    "SolveFailure",
    "SolveOptions",
    "SolveStats",
    "SolveStatus",
    "SolverError",
    "TieError",
    "Violation",
    "Weights",
    "WhyNot",
    "__version__",
    "check",
    "check_report",
    "closed_form_bound",
    "compare",
    "datasets",
    "diagnose",
    "explain",
    "handpick",
    "improve",
    "load_problem",
    "lottery",
    "metrics",
    "parameter_paths",
    "pareto",
    "problem_fingerprint",
    "read_audit",
    "read_candidates",
    "read_composition",
    "read_dissimilarity",
    "read_networks",
    "read_ties",
    "recompose",
    "renew",
    "replacements",
    "report",
    "reproduce",
    "set_parameters",
    "solve",
    "solve_many",
    "sweep",
    "write_composition",
    "write_problem",
]
