"""Shared by the tests of many solves: tiny random problems and their exact enumeration."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
from hypothesis import assume
from hypothesis import strategies as st

from evocompose import Candidate, Composition, NetworkSpec, Pool, Problem, Weights
from evocompose.check import check
from evocompose.errors import EvocomposeError
from evocompose.objective import evaluate, weighted_total
from evocompose.solvers.fair.engine import floor_of

__all__ = ["enumerate_feasible", "near_best", "tiny_problems"]


def enumerate_feasible(problem: Problem) -> list[tuple[Composition, float]]:
    """Every composition that keeps every rule, with its weighted objective (no meeting rules)."""
    per_net = []
    for spec in problem.networks:
        elig = [c for c in problem.pool.ids if problem.eligible(c, spec.name, ignore_pins=True)]
        subsets = [
            mem
            for k in range(spec.min_size, min(spec.max_size, len(elig)) + 1)
            for mem in itertools.combinations(elig, k)
        ]
        per_net.append(subsets)
    out = []
    for combo in itertools.product(*per_net):
        comp = Composition(dict(zip(problem.network_names, combo, strict=True)))
        if not check(problem, comp):
            out.append((comp, weighted_total(problem, evaluate(problem, comp))))
    return out


def near_best(problem: Problem, tolerance: float) -> tuple[float, list[frozenset[str]]]:
    """The optimum and the placed sets of every composition within the tolerance."""
    feasible = enumerate_feasible(problem)
    assert feasible, "the tiny problem must have a composition"
    best = max(v for _, v in feasible)
    floor = floor_of(best, tolerance) - 1e-9 * max(1.0, abs(best))
    return best, [c.placed() for c, v in feasible if v >= floor]


@st.composite
def tiny_problems(draw: Any) -> Problem:
    n = draw(st.integers(3, 6))
    n_net = draw(st.integers(1, 2))
    people = [
        Candidate(
            id=f"p{i}",
            name=f"P{i}",
            organisation=f"o{i}",
            sector=draw(st.sampled_from(["s1", "s2", "s3"])),
            actor_type=draw(st.sampled_from(["private", "public", "civil"])),
            capacity=draw(st.sampled_from([None, 1, 2])),
            relevance={f"n{g}": draw(st.sampled_from([0.0, 0.5, 1.0])) for g in range(n_net)},
        )
        for i in range(n)
    ]
    nets = []
    for g in range(n_net):
        lo = draw(st.integers(1, 2))
        hi = draw(st.integers(lo, 3))
        nets.append(NetworkSpec(f"n{g}", theme=f"Net {g}", min_size=lo, max_size=hi))
    ids = [c.id for c in people]
    conflicts = draw(st.lists(st.sampled_from(list(itertools.combinations(ids, 2))), max_size=1))
    try:
        return Problem(
            Pool(tuple(people)),
            tuple(nets),
            nx.Graph(
                draw(st.lists(st.sampled_from(list(itertools.combinations(ids, 2))), max_size=2))
            ),
            conflicts=conflicts,
            share_members=[("n0", "n1")] if n_net == 2 and draw(st.booleans()) else [],
            weights=Weights(relevance=draw(st.sampled_from([0.0, 2.0, 10.0])), area=0.0),
            name="tiny",
        )
    except EvocomposeError:
        assume(False)
        raise
