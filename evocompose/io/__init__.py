"""Readers and writers: CSV / Excel / TOML / JSON.

Input formats are described in ``docs/formats.md``. Every reader raises a
subclass of :class:`~evocompose.EvocomposeError` whose message names the
file, the spreadsheet row (header = row 1) or TOML path, the column and the
offending value, and says how to fix it; no pandas or openpyxl traceback
reaches the user. Names of people are never logged.

Readers
    :func:`read_candidates`, :func:`read_ties`, :func:`read_networks`,
    :func:`read_dissimilarity`, :func:`load_problem`, :func:`read_composition`.
Writers
    :func:`write_problem`, :func:`problem_to_dict`, :func:`write_composition`,
    :func:`composition_to_json`. ``pseudonymise=True`` is the GDPR option for
    sharing files: names (and organisations) are left out or replaced.
"""

from __future__ import annotations

from evocompose.io.compositions import (
    audit_path,
    composition_to_json,
    read_audit,
    read_composition,
    write_composition,
)
from evocompose.io.dissimilarity import read_dissimilarity
from evocompose.io.networks import NetworkPlan, plan_to_dict, problem_to_dict, read_networks
from evocompose.io.problem import load_problem, write_problem, write_table
from evocompose.io.tables import read_candidates, read_ties

__all__ = [
    "NetworkPlan",
    "audit_path",
    "composition_to_json",
    "load_problem",
    "plan_to_dict",
    "problem_to_dict",
    "read_audit",
    "read_candidates",
    "read_composition",
    "read_dissimilarity",
    "read_networks",
    "read_ties",
    "write_composition",
    "write_problem",
    "write_table",
]
