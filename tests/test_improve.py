"""improve(): brute force over every composition within k changes on tiny problems."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose.check import check
from evocompose.improve import improve
from evocompose.objective import evaluate, weighted_total


def _objective(problem: evo.Problem, comp: evo.Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _distance(problem: evo.Problem, base: evo.Composition, comp: evo.Composition) -> int:
    total = 0
    for net in problem.network_names:
        old, new = set(base.members.get(net, ())), set(comp.members.get(net, ()))
        total += max(len(new - old), len(old - new))
    return total


def _all_compositions(problem: evo.Problem) -> list[evo.Composition]:
    ids = problem.pool.ids
    nets = problem.network_names
    out = []
    for choice in itertools.product(range(len(nets) + 1), repeat=len(ids)):
        members: dict[str, list[str]] = {n: [] for n in nets}
        for cid, c in zip(ids, choice, strict=True):
            if c:
                members[nets[c - 1]].append(cid)
        comp = evo.Composition(members)
        if not check(problem, comp):
            out.append(comp)
    return out


def _problem(sectors: list[str], actors: list[str], edges: list[tuple[int, int]]) -> evo.Problem:
    pool = evo.Pool(
        tuple(
            evo.Candidate(f"p{i}", f"P{i}", f"O{i}", s, a, skills=("x",) if i % 2 else ())
            for i, (s, a) in enumerate(zip(sectors, actors, strict=True))
        )
    )
    ties = nx.Graph([(f"p{a}", f"p{b}") for a, b in edges if a != b])
    nets = (
        evo.NetworkSpec("a", min_size=2, max_size=3),
        evo.NetworkSpec("b", min_size=2, max_size=3),
    )
    return evo.Problem(pool, nets, ties)


def test_zero_changes_returns_input_scored() -> None:
    p = evo.datasets.tiny()
    base = evo.Composition({"a": ["p1", "p2"], "b": ["p3", "p5"]})
    imp = improve(p, base, max_changes=0)
    assert imp.composition == base
    assert imp.changes == ()
    assert imp.objective_after == pytest.approx(_objective(p, base))
    assert imp.result is None


def test_zero_changes_on_infeasible_input_reports_violations() -> None:
    p = evo.datasets.tiny()
    base = evo.Composition({"a": ["p1"], "b": ["p3", "p5"]})
    imp = improve(p, base, max_changes=0)
    assert imp.composition is None
    assert [v.rule for v in imp.violations_before] == ["size"]


def test_repairs_an_infeasible_proposal() -> None:
    p = evo.datasets.tiny()
    base = evo.Composition({"a": ["p1"], "b": ["p3", "p5"]})
    imp = improve(p, base, max_changes=1, time_limit=5)
    assert imp.composition is not None
    assert check(p, imp.composition) == []
    assert len(imp.changes) == 1 and imp.changes[0].network == "a"


def test_unknown_person_is_an_error() -> None:
    with pytest.raises(evo.CompositionError, match="p99"):
        improve(evo.datasets.tiny(), evo.Composition({"a": ["p1", "p99"]}), 1)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sectors=st.lists(st.sampled_from(["s1", "s2", "s3"]), min_size=6, max_size=6),
    actors=st.lists(st.sampled_from(["private", "public", "civil"]), min_size=6, max_size=6),
    edges=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=5),
    k=st.integers(1, 2),
    base_index=st.integers(0, 10_000),
)
def test_matches_brute_force(
    sectors: list[str], actors: list[str], edges: list[tuple[int, int]], k: int, base_index: int
) -> None:
    p = _problem(sectors, actors, edges)
    feasible = _all_compositions(p)
    base = feasible[base_index % len(feasible)]
    best = max(_objective(p, c) for c in feasible if _distance(p, base, c) <= k)
    imp = improve(p, base, max_changes=k, time_limit=10, workers=1)
    assert imp.status is evo.SolveStatus.OPTIMAL
    assert imp.composition is not None
    assert check(p, imp.composition) == []
    assert _distance(p, base, imp.composition) <= k
    assert imp.objective_after == pytest.approx(best, abs=1e-6)
    assert len(imp.changes) == _distance(p, base, imp.composition)
