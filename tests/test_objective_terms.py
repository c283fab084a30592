"""Every term of the reference objective by hand, including what the brute force once missed.

Declared attributes with ``attribute_weights``, ``cohesion_target`` above 1,
relevance from theme tags, per-network weight overrides and the global
``spread`` each change the value in a way written out here.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import evocompose as evo
from evocompose.objective import TERMS, breakdown, evaluate, weighted_total
from evocompose.weights import Weights


def _problem(w: Weights | None = None, **spec_kw: object) -> evo.Problem:
    people = [
        evo.Candidate("a", "A", "O1", "farm", "private", skills=("x",), area="v1",
                      attributes={"gender": "k", "age": "old"}, relevance={"food": 0.5}),
        evo.Candidate("b", "B", "O2", "chef", "private", skills=("x", "y"), area="v1",
                      attributes={"gender": "m", "age": "old"}, themes=("food",)),
        evo.Candidate("c", "C", "O3", "chef", "public", area="v2",
                      attributes={"gender": "k", "age": "young"}),
        evo.Candidate("d", "D", "O4", "farm", "civil", skills=("y",), area="v2",
                      attributes={"gender": "", "age": "young"}, themes=("sea",)),
    ]  # fmt: skip
    spec = evo.NetworkSpec("food", min_size=0, max_size=4, tags=("food",), **spec_kw)  # type: ignore[arg-type]
    other = evo.NetworkSpec("sea", min_size=0, max_size=4, tags=("sea",))
    ties = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")])
    return evo.Problem(
        evo.Pool(tuple(people)),
        (spec, other),
        ties,
        attributes=("gender", "age"),
        default_capacity=2,
        share_members=[("food", "sea")],
        weights=w or Weights(),
    )


ALL = evo.Composition({"food": ["a", "b", "c", "d"]})


def test_attributes_term_weighs_each_declared_attribute() -> None:
    # gender k, m, k, "": pairs differing = 6 - 1 (a-c) = 5; age old, old, young, young: 6 - 2 = 4
    plain = evaluate(_problem(), ALL)["food"]["attributes"]
    assert plain == 5 + 4
    w = Weights(attribute_weights={"gender": 2.0, "age": 0.5})
    assert evaluate(_problem(w), ALL)["food"]["attributes"] == 2.0 * 5 + 0.5 * 4
    # an attribute weighted 0 drops out; the term's own weight multiplies the sum
    w0 = Weights(attributes=3.0, attribute_weights={"gender": 0.0})
    p0 = _problem(w0)
    assert evaluate(p0, ALL)["food"]["attributes"] == 4
    _, raw, weighted = breakdown(p0, ALL)
    assert raw["attributes"] == 4 and weighted["attributes"] == 12


def test_every_term_by_hand() -> None:
    d = np.arange(16, dtype=float).reshape(4, 4)
    d = d + d.T
    np.fill_diagonal(d, 0)
    p = _problem().replace(dissimilarity=d)
    v = evaluate(p, evo.Composition({"food": ["a", "b", "d"], "sea": ["d"]}))
    food = v["food"]
    assert food["sector"] == 2  # farm, chef, farm
    assert food["actor_type"] == 2  # private, private, civil
    assert food["area"] == 2  # v1, v1, v2
    # skills: x held by a, b (2 of 3) -> 2 * 1; y held by b, d -> 2 * 1
    assert food["skills"] == 4
    # cross-sector pairs a-b (tied), b-d (new) -> 1
    assert food["new_cross_sector_ties"] == 1
    # a knows b, b knows a, d knows nobody inside (c is outside) -> 2
    assert food["cohesion"] == 2
    # relevance: a 0.5 (explicit), b 1 (theme tag), d 0 (other tag)
    assert food["relevance"] == 1.5
    assert food["synergy"] == 0
    # d[0,1] + d[0,3] + d[1,3] = (1 + 4) + (3 + 12) + (7 + 13)
    assert food["dissimilarity"] == 5 + 15 + 20
    assert v["sea"]["relevance"] == 1.0 and v["sea"]["sector"] == 0
    assert v["*"] == {"spread": 3.0}  # a, b and d, d counted once
    assert set(food) == set(TERMS)


def test_cohesion_target_above_one() -> None:
    comp = evo.Composition({"food": ["a", "b", "c", "d"]})
    # inside ties: a: b, c; b: a, c; c: a, b, d; d: c
    assert evaluate(_problem(Weights(cohesion_target=1)), comp)["food"]["cohesion"] == 4
    assert evaluate(_problem(Weights(cohesion_target=2)), comp)["food"]["cohesion"] == 3
    assert evaluate(_problem(Weights(cohesion_target=3)), comp)["food"]["cohesion"] == 1
    assert evaluate(_problem(Weights(cohesion_target=0)), comp)["food"]["cohesion"] == 4
    assert evaluate(_problem(Weights(cohesion_target=0)), ALL)["sea"]["cohesion"] == 0


def test_synergy_counts_each_pair_in_either_order() -> None:
    p = _problem(synergy={("chef", "farm"): 2.0, ("farm", "farm"): -1.0})
    # farm-chef pairs: a-b, a-c, b-d, c-d = 4 x 2; farm-farm a-d = -1; chef-chef 0
    assert evaluate(p, ALL)["food"]["synergy"] == 8 - 1


def test_weighted_total_and_breakdown_with_overrides() -> None:
    w = Weights(sector=2.0, relevance=3.0, spread=-1.0, skills=0.0, actor_type=0.0, area=0.0,
                attributes=0.0, new_cross_sector_ties=0.0, cohesion=0.0, synergy=0.0)  # fmt: skip
    p = _problem(w, weights={"sector": 5.0})
    comp = evo.Composition({"food": ["a", "c"], "sea": ["c", "d"]})
    values = evaluate(p, comp)
    # food: sector 1 x 5 (override) + relevance (0.5 + 0) x 3; sea: sector 1 x 2 + relevance
    # (0 + 1) x 3; spread 3 people x -1
    expected = 5 + 1.5 + 2 + 3 - 3
    assert weighted_total(p, values) == pytest.approx(expected)
    total, raw, weighted = breakdown(p, comp)
    assert total == pytest.approx(expected)
    assert raw["sector"] == 2 and weighted["sector"] == 7
    assert raw["relevance"] == 1.5 and weighted["relevance"] == 4.5
    assert raw["spread"] == 3 and weighted["spread"] == -3
    assert sum(weighted.values()) == pytest.approx(total)


def test_missing_and_empty_networks_score_zero() -> None:
    v = evaluate(_problem(), evo.Composition({"food": []}))
    assert all(x == 0 for x in v["food"].values()) and all(x == 0 for x in v["sea"].values())
    assert v["*"] == {"spread": 0.0}


def test_new_cross_sector_ties_are_the_untied_pairs_of_different_sectors() -> None:
    p = _problem()
    # b (chef) and d (farm): different sectors, not tied -> 1; a and d: same sector -> 0
    assert evaluate(p, evo.Composition({"food": ["b", "d"]}))["food"]["new_cross_sector_ties"] == 1
    assert evaluate(p, evo.Composition({"food": ["a", "d"]}))["food"]["new_cross_sector_ties"] == 0
    # a and b: different sectors but already tied -> 0
    assert evaluate(p, evo.Composition({"food": ["a", "b"]}))["food"]["new_cross_sector_ties"] == 0


def test_weighted_total_of_partial_values() -> None:
    """Values for some networks only (a caller's own table): the rest count as zero."""
    w = Weights(sector=2.0, spread=5.0)
    p = _problem(w)
    assert weighted_total(p, {"food": {"sector": 3.0}}) == 6.0
    assert weighted_total(p, {"*": {"spread": 2.0}}) == 10.0
    assert weighted_total(p, {"*": {}}) == 0.0
    assert weighted_total(p, {}) == 0.0


def test_weighted_total_ignores_a_per_network_spread() -> None:
    """``spread`` is not per network: an entry under a network is skipped, the terms after it are not."""
    p = _problem(Weights(sector=2.0, spread=5.0))
    # only the global spread counts: sector 3 x 2 + spread 2 x 5 (the 4 under "food" is ignored)
    values = {"food": {"spread": 4.0, "sector": 3.0}, "*": {"spread": 2.0}}
    assert weighted_total(p, values) == 6.0 + 10.0


def test_weights_lookups_and_hash() -> None:
    w = Weights(sector=2.0, attribute_weights={"gender": 3.0})
    assert w.term_weight("sector") == 2.0
    with pytest.raises(KeyError) as e:
        w.term_weight("shoe_size")
    assert e.value.args == ("shoe_size",)
    # a declared attribute without its own weight counts once
    assert (w.attribute_factor("gender"), w.attribute_factor("age")) == (3.0, 1.0)
    # hashable despite the dict; attribute weights do not enter the hash, the other weights do
    assert hash(w) == hash(Weights(sector=2.0)) == hash(Weights(sector=2.0))
    assert hash(Weights(sector=2.0)) != hash(Weights(sector=3.0))
    assert {w: "x"}[w] == "x"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        (
            {"sector": float("nan")},
            "column 'weights.sector', value nan: a weight must be a finite number between "
            "-1e+06 and 1e+06",
        ),
        (
            {"attribute_weights": {"g": 2e6}},
            "column 'weights.attribute_weights.g', value 2000000.0: a weight must be a finite "
            "number between -1e+06 and 1e+06",
        ),
        (
            {"mode": "x"},
            "column 'weights.mode', value 'x': mode must be 'weighted' or 'lexicographic'",
        ),
        (
            {"order": ("sector", "shoe")},
            "column 'weights.order', value 'shoe': unknown term in the order; use sector, "
            "actor_type, area, attributes, skills, new_cross_sector_ties, cohesion, relevance, "
            "synergy, spread, dissimilarity",
        ),
        (
            {"cohesion_target": 1.5},
            "column 'weights.cohesion_target', value 1.5: cohesion_target must be a whole number "
            "from 0 to 1,000,000",
        ),
    ],
)
def test_weights_errors_in_full(kw: dict[str, object], message: str) -> None:
    with pytest.raises(evo.ProblemError) as e:
        Weights(**kw)  # type: ignore[arg-type]
    assert str(e.value) == message


def test_weights_keep_their_own_copies() -> None:
    given = {"gender": 2.0}
    w = Weights(attribute_weights=given, order=["sector", "area"])  # type: ignore[arg-type]
    given["gender"] = 5.0  # the caller's dict changes later: the weights do not
    assert w.attribute_weights == {"gender": 2.0} and w.attribute_factor("gender") == 2.0
    assert w.order == ("sector", "area") and type(w.order) is tuple
