"""The local-search backend: feasible results, determinism, hints, progress, LNS.

The compiled core itself (counts, rules, terms, moves) is tested against the
reference in ``tests/test_search_core.py``.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from evocompose.check import check
from evocompose.constraints import BridgeRule, MeetingRule, Quota, SkillRequirement
from evocompose.data import Candidate, NetworkSpec, Pool, Problem
from evocompose.objective import evaluate, weighted_total
from evocompose.result import Result
from evocompose.solvers.contract import SolveOptions
from evocompose.solvers.search.backend import solve_search
from evocompose.solvers.search.state import Compiled
from evocompose.weights import Weights

SECTORS = ("agri", "food", "tour", "craft")
SLOTS = ("mon-evening", "tue-evening", "wed-morning")
SKILLS = ("a", "b", "c", "d")


def random_problem(
    seed: int, n: int = 16, rules: bool = True, dissimilarity: bool = True
) -> Problem:
    """A small random problem with every kind of rule (when ``rules``)."""
    rng = np.random.default_rng(seed)
    people = []
    for i in range(n):
        people.append(
            Candidate(
                id=f"c{i}",
                name=f"C {i}",
                organisation=f"org{rng.integers(n // 2)}",
                sector=SECTORS[i] if i < len(SECTORS) else str(rng.choice(SECTORS)),
                actor_type=str(rng.choice(("private", "public", "knowledge", "civil"))),
                skills=tuple(
                    sorted(
                        {str(s) for s in rng.choice(SKILLS, rng.integers(0, 3))}
                        | ({"a"} if i == 0 else set())
                    )
                ),
                themes=("x",),
                relevance={"n0": float(rng.integers(0, 10)) / 10},
                availability=tuple(sorted({str(s) for s in rng.choice(SLOTS, 2)})),
                capacity=int(rng.integers(1, 3)),
                area=str(rng.choice(("north", "south", ""))),
                external=bool(rng.random() < 0.2),
                attributes={"gender": "k" if i == 1 else str(rng.choice(("k", "m")))},
            )
        )
    ties = nx.gnp_random_graph(n, 0.3, seed=seed)
    ties = nx.relabel_nodes(ties, {i: f"c{i}" for i in range(n)})
    d = rng.random((n, n))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0)
    if rules:
        nets = (
            NetworkSpec(
                "n0",
                tags=("x",),
                min_size=3,
                max_size=5,
                quotas=(Quota("gender", ("k",), min=0.2, unit="share"),),
                skills=(SkillRequirement("a", 1),),
                meeting=MeetingRule(0.6),
                max_per={"organisation": 2, "area": 3},
                synergy={("agri", "food"): 1.0, ("tour", "tour"): 0.5},
                bridge=BridgeRule(1, "share_or_tie"),
                include=("c0",),
                weights={"relevance": 3.0},
            ),
            NetworkSpec("n1", tags=("x",), min_size=3, max_size=5, min_known=1),
            NetworkSpec(
                "n2",
                tags=("x",),
                min_size=2,
                max_size=4,
                quotas=(Quota("sector", ("agri", "food"), min=1),),
                exclude=("c1",),
            ),
        )
    else:
        nets = tuple(NetworkSpec(f"n{g}", tags=("x",), min_size=0, max_size=6) for g in range(3))
    return Problem(
        Pool(tuple(people)),
        nets,
        ties,
        conflicts=(("c2", "c3"),) if rules else (),
        must_pairs=(("c4", "c5"),) if rules else (),
        share_members=(("n0", "n1"), ("n0", "n2")),
        attributes=("gender",),
        required=("c6",) if rules else (),
        weights=Weights(cohesion=1.5, skills=0.3, synergy=2.0),
        dissimilarity=d if dissimilarity else None,
    )


def search(problem: Problem, max_iterations: int | None = None, **options: object) -> Result:
    """The search backend with ``SolveOptions(**options)``."""
    return solve_search(problem, SolveOptions(**options), max_iterations=max_iterations)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(8))
def test_outputs_pass_check(seed: int) -> None:
    problem = random_problem(seed)
    r = search(problem, time_limit=5.0, seed=seed, max_iterations=3000)
    assert r.composition is not None, r.status
    assert r.status.value == "FEASIBLE" and r.solver == "search"
    assert check(problem, r.composition) == []
    assert r.objective == pytest.approx(weighted_total(problem, evaluate(problem, r.composition)))
    assert "check_failed" not in r.stats.details
    # the closed-form bound comes with it, and says so
    assert r.bound is not None and r.bound >= r.objective - 1e-9
    assert r.bound_source is not None and r.bound_source.startswith("closed form")
    assert r.stats.start in ("construction", "construction + repair")


def test_deterministic_with_iteration_cap() -> None:
    problem = random_problem(1)
    a = search(problem, time_limit=20.0, seed=7, max_iterations=5000, workers=2)
    b = search(problem, time_limit=20.0, seed=7, max_iterations=5000, workers=2)
    assert a.composition is not None
    assert a.composition == b.composition and a.objective == b.objective
    assert a.stats.iterations == b.stats.iterations == 5000


def test_deterministic_mode_is_reproducible() -> None:
    problem = random_problem(4)
    a = search(problem, time_limit=0.05, seed=3, workers=2, deterministic=True)
    b = search(problem, time_limit=0.05, seed=3, workers=2, deterministic=True)
    assert a.composition is not None and a.composition == b.composition
    assert a.deterministic and a.stats.iterations == b.stats.iterations


@pytest.mark.serial  # CP-SAT must find the hint within 10 s of wall clock (conftest.py)
def test_search_keeps_a_good_hint_and_improves_on_it() -> None:
    from evocompose.datasets import stevns
    from evocompose.solve import solve

    problem = stevns(seed=1, n=150)
    first = solve(problem, solver="cpsat", time_limit=10.0, seed=0, workers=2)
    assert first.composition is not None
    r = search(problem, time_limit=20.0, seed=0, hint=first.composition, max_iterations=20_000)
    assert r.composition is not None and check(problem, r.composition) == []
    assert r.stats.start == "hint"
    assert r.objective is not None and first.objective is not None
    assert r.objective >= first.objective - 1e-9


def test_no_quadratic_memory_without_dissimilarity() -> None:
    problem = random_problem(2, n=60, rules=False, dissimilarity=False)
    compiled = Compiled(problem)
    state = compiled.new_state()
    n = compiled.n
    for obj in (compiled, state):
        for value in vars(obj).values():
            if isinstance(value, np.ndarray):
                assert value.size < n * n, value.shape


def test_assign_all_with_rules_stays_feasible() -> None:
    problem = random_problem(3, n=12, rules=False, dissimilarity=True).replace(
        assign_all=True, conflicts=(("c0", "c1"),), default_capacity=1, share_members=()
    )
    r = search(problem, time_limit=10.0, seed=0, max_iterations=2000)
    assert r.composition is not None
    assert check(problem, r.composition) == []
    assert r.stats.path == "search"


def test_progress_reports_improvements() -> None:
    seen: list[tuple[float, float, float | None]] = []
    problem = random_problem(4)
    r = search(
        problem,
        time_limit=10.0,
        seed=0,
        max_iterations=3000,
        progress=lambda p: seen.append((p.seconds, p.objective, p.bound)),
    )
    assert r.composition is not None and seen
    assert seen[-1][1] == pytest.approx(r.objective)
    assert all(b[1] > a[1] for a, b in itertools.pairwise(seen))
    assert all(s[2] == pytest.approx(r.bound) for s in seen)  # the closed-form bound throughout


def test_search_stops_at_the_closed_form_bound() -> None:
    """A partition whose values spread evenly: the bound is reached and the search stops."""
    from evocompose.datasets import partition

    problem = partition(120)
    r = search(problem, time_limit=30.0, seed=0)
    assert r.composition is not None and check(problem, r.composition) == []
    assert r.gap == 0.0 and r.status.value == "FEASIBLE"  # never OPTIMAL without CP-SAT
    assert r.runtime < 30.0


def test_lns_step_returns_only_better_feasible_compositions() -> None:
    from evocompose.solvers.search.lns import lns_step

    problem = random_problem(5)
    start = search(problem, time_limit=5.0, seed=0, max_iterations=1)
    assert start.composition is not None
    compiled = Compiled(problem)
    members = [
        [problem.pool.index(c) for c in start.composition.members[n]] for n in compiled.names
    ]
    comp = lns_step(compiled, members, np.random.default_rng(0), SolveOptions(time_limit=3.0))
    if comp is not None:
        assert check(problem, comp) == []
        assert weighted_total(problem, evaluate(problem, comp)) > (start.objective or 0.0)
