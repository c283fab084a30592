"""``auto`` as a portfolio: its plan, never worse than its parts, reproducible, honest bounds."""

from __future__ import annotations

import pytest

import evocompose as evo
from evocompose import Quota
from evocompose.bounds import closed_form_bound
from evocompose.solvers.auto import CPSAT_MODEL, SMALL_MODEL, plan


def _quota_partition() -> evo.Problem:
    """Teams of 10; three need five business-services members, so values cannot spread evenly.

    The closed-form bound ignores quotas, so the search cannot reach it and
    CP-SAT gets its share of the budget.
    """
    p = evo.datasets.partition(120)
    quota = (Quota("sector", ("business_services",), min=5),)
    nets = tuple(
        evo.NetworkSpec(
            s.name, min_size=s.min_size, max_size=s.max_size, quotas=quota if g < 3 else ()
        )
        for g, s in enumerate(p.networks)
    )
    return p.replace(networks=nets)


def test_plan_names_each_path() -> None:
    assert plan(evo.datasets.tiny()).startswith("cpsat")
    assert plan(evo.datasets.stevns(seed=0)).startswith("network by network + cpsat")
    assert plan(evo.datasets.partition(120)).startswith("search + cpsat")
    big = evo.datasets.partition(1000)
    assert int(big.eligibility_table().sum()) > CPSAT_MODEL
    assert plan(big).startswith("search:")
    assert int(evo.datasets.partition(120).eligibility_table().sum()) > SMALL_MODEL


def test_auto_is_exactly_the_search_where_cpsat_cannot_help() -> None:
    """Above CPSAT_MODEL pairs ``auto`` keeps the whole budget for the search."""
    problem = evo.datasets.partition(1000)
    kw = {"time_limit": 1.0, "seed": 4, "workers": 2, "deterministic": True}
    a = evo.solve(problem, solver="auto", **kw)
    s = evo.solve(problem, solver="search", **kw)
    assert a.composition == s.composition and a.objective == s.objective
    assert a.solver == "auto (search)" and "more than CP-SAT builds" in a.stats.details["plan"]
    assert a.bound == s.bound and a.bound_source == s.bound_source


def test_auto_stops_where_the_search_reaches_the_closed_form_bound() -> None:
    problem = evo.datasets.partition(120)
    r = evo.solve(problem, time_limit=20, seed=0, workers=2)
    assert r.composition is not None and evo.check(problem, r.composition) == []
    assert r.gap == 0.0 and r.bound == closed_form_bound(problem).total
    assert r.status is evo.SolveStatus.FEASIBLE  # optimal, but only CP-SAT may say so
    assert r.solver == "auto (search)" and "closed-form bound" in r.stats.details["plan"]
    assert r.runtime < 10


def test_portfolio_is_reproducible_and_keeps_its_best_part() -> None:
    problem = _quota_partition()
    runs = [
        evo.solve(problem, time_limit=1, seed=1, workers=2, deterministic=True) for _ in range(2)
    ]
    a, b = runs
    assert a.composition is not None and evo.check(problem, a.composition) == []
    assert a.composition == b.composition and a.objective == b.objective and a.bound == b.bound
    assert a.stats.path == "search + cpsat"
    search, cpsat = a.stats.phases
    assert search.name == "search" and cpsat.name == "cpsat"
    assert a.objective >= max(search.objective or 0.0, cpsat.objective or 0.0) - 1e-9
    # the tightest proven bound, and where it came from
    closed = closed_form_bound(problem).total
    assert closed is not None and a.bound is not None
    assert a.bound <= closed + 1e-9
    assert a.bound_source in ("cpsat (full model)", closed_form_bound(problem).source)
    if a.stats.proven_bound is not None and a.stats.proven_bound >= a.objective:
        assert a.bound == pytest.approx(min(closed, a.stats.proven_bound))


def test_stevns_keeps_cpsats_bound() -> None:
    """On Stevns CP-SAT's bound is far tighter than the closed form, and auto reports it."""
    problem = evo.datasets.stevns(seed=0, n=120)
    r = evo.solve(problem, time_limit=1, seed=0, workers=2, deterministic=True)
    closed = closed_form_bound(problem).total
    assert r.composition is not None and closed is not None
    assert r.bound is not None and r.bound < closed
    assert r.bound_source in ("cpsat", "cpsat (full model)")


def test_auto_does_not_start_cpsat_without_the_time_to_build_its_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Too little left after the search for CP-SAT: the search's result, and the plan says why."""
    from evocompose.solvers import auto

    problem = _quota_partition()
    monkeypatch.setattr(auto, "CPSAT_MIN_SECONDS", 1e9)
    r = evo.solve(problem, solver="auto", time_limit=1.0, seed=0)
    assert r.composition is not None and evo.check(problem, r.composition) == []
    assert r.solver == "auto (search)" and "too late for CP-SAT" in r.stats.details["plan"]
    assert not any(phase.name == "cpsat" for phase in r.stats.phases)
