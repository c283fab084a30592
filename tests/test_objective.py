"""The reference objective: hand-computed term values on tiny compositions."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pytest

import evocompose as evo
from evocompose.objective import TERMS, breakdown, evaluate, weighted_total
from evocompose.weights import Weights


def _problem(**changes: object) -> evo.Problem:
    people = [
        evo.Candidate("a", "A", "O1", "farm", "private", skills=("x",), area="v1"),
        evo.Candidate("b", "B", "O2", "chef", "private", skills=("x", "y"), area="v1"),
        evo.Candidate("c", "C", "O3", "chef", "public", skills=(), area="v2"),
        evo.Candidate("d", "D", "O4", "farm", "civil", skills=("y",), area="v2"),
    ]
    spec = evo.NetworkSpec(
        "food", min_size=1, max_size=4, synergy={("farm", "chef"): 2.0}, tags=("food",)
    )
    p = evo.Problem(evo.Pool(tuple(people)), (spec,), nx.Graph([("a", "b"), ("c", "d")]))
    return p.replace(**changes) if changes else p


def test_terms_by_hand() -> None:
    p = _problem()
    values = evaluate(p, evo.Composition({"food": ["a", "b", "c"]}))["food"]
    # sectors farm, chef, chef: 3 pairs, 1 same -> 2 mismatched
    assert values["sector"] == 2
    # actor types private, private, public -> 2
    assert values["actor_type"] == 2
    # areas v1, v1, v2 -> 2
    assert values["area"] == 2
    # skill x held by a, b (2 of 3): 2*1; y held by b: 1*2 -> 4
    assert values["skills"] == 4
    # cross-sector pairs a-b (tied), a-c (new) -> 1 new
    assert values["new_cross_sector_ties"] == 1
    # a and b know each other inside; c knows nobody inside -> 2
    assert values["cohesion"] == 2
    # synergy farm x chef = 2 for a-b and a-c -> 4
    assert values["synergy"] == 4
    assert evaluate(p, evo.Composition({"food": ["a", "b", "c"]}))["*"]["spread"] == 3


def test_weighted_total_uses_per_network_overrides() -> None:
    p = _problem()
    comp = evo.Composition({"food": ["a", "c"]})
    base = weighted_total(p, evaluate(p, comp))
    spec = dataclasses.replace(p.networks[0], weights={"sector": 11.0})
    q = p.replace(networks=(spec,))
    assert weighted_total(q, evaluate(q, comp)) == pytest.approx(base + 10.0)


def test_breakdown_adds_up() -> None:
    p = evo.datasets.stevns(seed=0, n=150)
    comp = evo.handpick(p, "random", seed=1)
    total, raw, weighted = breakdown(p, comp)
    assert set(raw) == set(TERMS)
    assert sum(weighted.values()) == pytest.approx(total)


def test_dissimilarity_term() -> None:
    d = np.array([[0, 1, 2, 3], [1, 0, 4, 5], [2, 4, 0, 6], [3, 5, 6, 0]], dtype=float)
    p = _problem(dissimilarity=d, weights=Weights(dissimilarity=2.0))
    values = evaluate(p, evo.Composition({"food": ["a", "c", "d"]}))["food"]
    assert values["dissimilarity"] == 2 + 3 + 6
