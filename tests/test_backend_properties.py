"""Every backend on random tiny problems with every rule kind, against brute force.

The same generator and oracle as ``test_cpsat_bruteforce.py`` (every rule
kind, declared attributes, relevance, ties, sometimes a dissimilarity
matrix). For each backend:

* a composition it returns passes :func:`evocompose.check.check` and the
  oracle's rules, and its objective is the reference one;
* it returns a composition whenever one exists (the problems are tiny);
* INFEASIBLE only when brute force finds no composition;
* OPTIMAL only with a gap of exactly 0 and the brute-force optimum; a bound
  is never below the optimum.

``make test`` runs a small sample; ``EVOCOMPOSE_PROPERTY_EXAMPLES=N`` runs N
problems per backend (``make properties``, ``benchmarks/properties/run.py``, runs
200 each and writes the figures to ``docs/reliability.md``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from test_cpsat_bruteforce import brute_force, network_broken_anywhere, problems

from evocompose import Problem, SolveStatus
from evocompose.check import check
from evocompose.objective import evaluate, weighted_total
from evocompose.solve import solve

EXAMPLES = int(os.environ.get("EVOCOMPOSE_PROPERTY_EXAMPLES", "25"))
#: Wall-clock budget per solve: ample for problems of at most 7 people.
BUDGET = {"search": 0.5, "auto": 2.0, "cpsat": 5.0}


def _holds(problem: Problem, backend: str) -> None:
    best = brute_force(problem)
    event("infeasible" if best is None else "feasible")
    r = solve(problem, time_limit=BUDGET[backend], workers=1, solver=backend, diagnose=False)
    if best is None:
        assert r.composition is None, "a composition of a problem brute force finds impossible"
        assert r.status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN)
        event(f"{backend}: {r.status.value}")
        return
    assert r.status is not SolveStatus.INFEASIBLE, "INFEASIBLE, but brute force found one"
    assert r.composition is not None, f"{backend} found nothing where brute force found one"
    assert check(problem, r.composition) == []
    assert not network_broken_anywhere(problem, r.composition)
    assert r.objective is not None
    assert r.objective == pytest.approx(
        weighted_total(problem, evaluate(problem, r.composition)), abs=1e-9
    )
    assert r.objective <= best + 1e-6
    if r.bound is not None:
        assert r.bound >= best - 1e-6, "a proven bound below the optimum"
    if r.status is SolveStatus.OPTIMAL:
        assert r.gap == 0.0
        assert r.objective == pytest.approx(best, abs=1e-6)
    event(f"{backend}: {r.status.value}")


_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@_SETTINGS
@given(problems())
def test_search_keeps_every_promise(problem: Problem) -> None:
    _holds(problem, "search")


@_SETTINGS
@given(problems())
def test_auto_keeps_every_promise(problem: Problem) -> None:
    _holds(problem, "auto")


@_SETTINGS
@given(problems())
def test_cpsat_keeps_every_promise(problem: Problem) -> None:
    _holds(problem, "cpsat")
