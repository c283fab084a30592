"""The explicit limits (evocompose.limits): numbers, ids, cells, messages.

Each limit is tested at and just beyond its edge, in the Python API and in
the readers, and the numbers within the limits are shown to work in every
backend: a problem at the limits solves, and the reported objective equals
the reference evaluation.
"""

from __future__ import annotations

import doctest
import importlib
import math
import unicodedata
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose import Candidate, NetworkSpec, Pool, Problem, Weights
from evocompose.constraints import BridgeRule, MaxPer, Quota, SkillRequirement
from evocompose.errors import (
    EvocomposeError,
    NetworkSpecError,
    ProblemError,
    listing,
    shown,
)
from evocompose.limits import (
    MAX_COUNT,
    MAX_ID_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_NUMBER,
    MAX_OBJECTIVE,
    real_number,
    whole_number,
)
from evocompose.objective import evaluate, weighted_total

MODULES = (
    "evocompose.limits",
    "evocompose.errors",
    "evocompose.fields",
    "evocompose.constraints",
    "evocompose.weights",
    "evocompose.data",
    "evocompose.io._table",
    "evocompose.io.tables",
    "evocompose.io.networks",
    "evocompose.io.problem",
    "evocompose.io.compositions",
    "evocompose.io.dissimilarity",
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------- number predicates
@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0, True),
        (-MAX_NUMBER, True),
        (MAX_NUMBER, True),
        (np.float64(MAX_NUMBER), True),
        (np.int64(3), True),
        (MAX_NUMBER * (1 + 1e-12), False),
        (1e300, False),
        (10**400, False),
        (-(10**400), False),
        (2**63, False),
        (float("nan"), False),
        (float("inf"), False),
        (True, False),
        ("1", False),
        (None, False),
    ],
)
def test_real_number(value: Any, ok: bool) -> None:
    assert real_number(value, MAX_NUMBER) is ok


WHOLE = [
    (0, True),
    (3.0, True),
    (MAX_COUNT, True),
    (MAX_COUNT + 1, False),
    (2.5, False),
    (10**12, False),
    (10**5000, False),
    (float("inf"), False),
    (False, False),
]


@pytest.mark.parametrize(("value", "ok"), WHOLE, ids=[shown(v, 30) for v, _ in WHOLE])
def test_whole_number(value: Any, ok: bool) -> None:
    assert whole_number(value, MAX_COUNT) is ok


# ---------------------------------------------------------------- messages
@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=5_000),
        st.binary(max_size=2_000),
        st.integers(min_value=-(10**6000), max_value=10**6000),
        st.floats(),
        st.recursive(
            st.one_of(st.text(max_size=50), st.integers(), st.none()),
            lambda inner: st.lists(inner, max_size=30) | st.dictionaries(st.text(), inner),
            max_leaves=200,
        ),
    )
)
def test_shown_is_short_text_for_any_value(value: object) -> None:
    text = shown(value)
    assert isinstance(text, str) and len(text) <= 160
    assert not text.startswith("b'")  # bytes are decoded, never shown as b'...'
    assert not any(unicodedata.category(ch) == "Cc" for ch in text)


def test_shown_survives_values_whose_repr_fails() -> None:
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert shown(Hostile()).startswith("<Hostile")
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert len(shown(deep)) <= 160


def test_listing_cuts_long_lists_and_long_items() -> None:
    assert listing(["a", "b"]) == "a, b"
    text = listing([f"network{k}" for k in range(1_000)])
    assert text.endswith("… and 988 more") and len(text) < 300
    assert len(listing(["x" * 10_000])) <= 40


def test_every_message_is_cut() -> None:
    err = EvocomposeError("y" * 100_000, value="x" * 1_000_000, column="c" * 10_000)
    assert len(str(err)) <= MAX_MESSAGE_CHARS
    assert "1,000,000 characters" in str(err)
    assert err.value == "x" * 1_000_000  # the attribute keeps the whole value


def test_a_megabyte_id_is_cut_in_the_message(tmp_path: Any) -> None:
    path = tmp_path / "candidates.csv"
    path.write_text(
        "id,name,organisation,sector,actor_type\n" + "p" * 1_000_000 + ",A,O,s,private\n"
    )
    with pytest.raises(evo.CandidateError) as info:
        evo.read_candidates(path)
    assert len(str(info.value)) < 600 and "row 2" in str(info.value)


# ---------------------------------------------------------------- the data model
def person(cid: str, **kw: Any) -> Candidate:
    return Candidate(cid, f"N{cid}", f"O{cid}", kw.pop("sector", "s"), "private", **kw)


def pool(n: int = 4) -> Pool:
    return Pool(tuple(person(f"p{i}", sector=f"s{i % 2}") for i in range(n)))


def test_ids_up_to_the_limit() -> None:
    Pool((person("x" * MAX_ID_CHARS),))
    with pytest.raises(ProblemError, match="at most 200"):
        Pool((person("x" * (MAX_ID_CHARS + 1)),))
    with pytest.raises(NetworkSpecError, match="at most 200"):
        NetworkSpec("n" * (MAX_ID_CHARS + 1))


@pytest.mark.parametrize(
    ("build", "column"),
    [
        (lambda: Pool((person("a", capacity=MAX_COUNT + 1),)), "capacity"),
        (lambda: Pool((person("a", capacity=10**400),)), "capacity"),
        (lambda: Pool((person("a", relevance={"x": 1.5}),)), "relevance:x"),
        (lambda: Pool((person("a", relevance={"x": float("nan")}),)), "relevance:x"),
        (lambda: NetworkSpec("x", min_size=1, max_size=10**12), "max_size"),
        (lambda: NetworkSpec("x", min_known=10**30), "min_known"),
        (lambda: NetworkSpec("x", min_relevance=10**400), "min_relevance"),
        (lambda: NetworkSpec("x", synergy={("a", "b"): 1e300}), "synergy.a|b"),
        (lambda: NetworkSpec("x", synergy={("a", "b"): 10**400}), "synergy.a|b"),
        (lambda: Quota("sector", ("a",), max=10**30), "quota"),
        (lambda: Quota("sector", ("a",), max=10**400), "quota"),
        (lambda: Quota("sector", ("a",), max=10**400, unit="share"), "quota"),
        (lambda: MaxPer("area", 10**30), "max_per.area"),
        (lambda: SkillRequirement("x", 10**30), "skill"),
        (lambda: BridgeRule(10**30), "bridge"),
        (lambda: Weights(sector=10**400), "weights.sector"),
        (lambda: Weights(sector=2**63), "weights.sector"),
        (lambda: Weights(sector=1e300), "weights.sector"),
        (lambda: Weights(attribute_weights={"g": 1e7}), "weights.attribute_weights.g"),
        (lambda: Weights(cohesion_target=10**30), "weights.cohesion_target"),
        (lambda: Problem(pool(), (NetworkSpec("x", 2, 3),), default_capacity=10**30), None),
    ],
)
def test_numbers_beyond_the_limits_are_refused(build: Any, column: str | None) -> None:
    with pytest.raises(EvocomposeError) as info:
        build()
    if column is not None:
        assert info.value.column == column, str(info.value)
    assert len(str(info.value)) < 500


def test_sizes_no_larger_than_the_pool() -> None:
    Problem(pool(4), (NetworkSpec("x", min_size=1, max_size=4),))
    with pytest.raises(ProblemError) as info:
        Problem(pool(4), (NetworkSpec("x", min_size=1, max_size=5),))
    err = info.value
    assert err.network == "x" and err.column == "max_size" and "at most 4" in str(err)


def test_dissimilarity_within_the_limit() -> None:
    d = np.full((4, 4), MAX_NUMBER)
    np.fill_diagonal(d, 0)
    Problem(pool(4), (NetworkSpec("x", min_size=1, max_size=2),), dissimilarity=d)
    d[0, 1] = d[1, 0] = 1e308
    with pytest.raises(ProblemError, match="beyond") as info:
        Problem(pool(4), (NetworkSpec("x", min_size=1, max_size=2),), dissimilarity=d)
    assert "'p0' and 'p1'" in str(info.value)
    with pytest.raises(ProblemError, match="numeric"):
        Problem(
            pool(2),
            (NetworkSpec("x", min_size=1, max_size=2),),
            dissimilarity=[[0, 10**400], [10**400, 0]],
        )


def test_objective_magnitude_is_bounded() -> None:
    d = np.full((4, 4), MAX_NUMBER)
    np.fill_diagonal(d, 0)
    spec = NetworkSpec("x", min_size=1, max_size=4)
    with pytest.raises(ProblemError) as info:
        Problem(pool(4), (spec,), dissimilarity=d, weights=Weights(dissimilarity=MAX_NUMBER))
    err = info.value
    assert err.column == "weights.dissimilarity" and "1e+12" in str(err)
    # the same problem with the weight divided down is accepted
    Problem(pool(4), (spec,), dissimilarity=d, weights=Weights(dissimilarity=100))


def random_problem(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(3, 7))
    sectors = ("a", "b", "c")
    cands = tuple(
        Candidate(
            f"p{i}",
            f"P{i}",
            f"o{i % 3}",
            sectors[i] if i < len(sectors) else draw(st.sampled_from(sectors)),
            draw(st.sampled_from(("private", "public", "civil"))),
            skills=tuple(draw(st.sets(st.sampled_from(("x", "y")), max_size=2))),
            relevance={"g": draw(st.floats(0, 1))},
            area=draw(st.sampled_from(("n", "s"))),
        )
        for i in range(n)
    )
    weights = {
        t: draw(st.floats(-MAX_NUMBER, MAX_NUMBER, allow_nan=False))
        for t in ("sector", "actor_type", "relevance", "synergy", "skills", "dissimilarity")
    }
    d = np.array(draw(st.lists(st.floats(0, MAX_NUMBER), min_size=n * n, max_size=n * n)))
    d = d.reshape(n, n)
    d = np.triu(d, 1) + np.triu(d, 1).T
    spec = NetworkSpec(
        "g",
        min_size=1,
        max_size=draw(st.integers(1, n)),
        synergy={("a", "b"): draw(st.floats(-MAX_NUMBER, MAX_NUMBER))},
    )
    # extreme weights times extreme values can exceed MAX_OBJECTIVE: scale the weights
    # down by tens until the problem accepts them (the refusal itself is tested above)
    for k in range(30):
        scaled = Weights(**{t: w / 10**k for t, w in weights.items()})
        try:
            return Problem(
                Pool(cands), (spec,), ties=nx.Graph([("p0", "p1")]), weights=scaled, dissimilarity=d
            )
        except ProblemError as exc:
            assert "could reach" in str(exc), str(exc)
    raise AssertionError("no scale of the weights was accepted")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_objective_magnitude_bounds_every_composition(data: st.DataObject) -> None:
    problem = random_problem(data.draw)
    bound, _ = problem.objective_magnitude()
    ids = list(problem.pool.ids)
    members = data.draw(
        st.lists(st.sampled_from(ids), unique=True, max_size=problem.networks[0].max_size)
    )
    value = weighted_total(problem, evaluate(problem, evo.Composition({"g": members})))
    assert abs(value) <= bound * (1 + 1e-9)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_numbers_at_the_limits_solve_in_every_backend(data: st.DataObject) -> None:
    problem = random_problem(data.draw)
    assert problem.objective_magnitude()[0] <= MAX_OBJECTIVE
    for backend in ("cpsat", "search", "auto"):
        # deterministic units: no machine load can leave a backend without a composition
        result = evo.solve(
            problem, time_limit=1, seed=0, workers=1, solver=backend, deterministic=True
        )
        assert result.composition is not None, backend
        assert evo.check(problem, result.composition) == []
        reference = weighted_total(problem, evaluate(problem, result.composition))
        assert math.isclose(result.objective, reference, rel_tol=1e-9, abs_tol=1e-3), backend


def test_cpsat_model_invalid_is_a_plain_solver_error() -> None:
    from ortools.sat.python import cp_model

    from evocompose.solvers.cpsat.solve import _refuse_invalid

    model = cp_model.CpModel()
    x = model.new_int_var(0, 2**40, "x")
    y = model.new_int_var(0, 2**40, "y")
    model.maximize(2**40 * x + 2**40 * y)  # the objective can overflow 64-bit integers
    code = cp_model.CpSolver().solve(model)
    assert code == cp_model.MODEL_INVALID
    with pytest.raises(evo.SolverError, match="64-bit integers") as info:
        _refuse_invalid(model, code)
    assert "overflow" in str(info.value).lower()
    _refuse_invalid(model, cp_model.OPTIMAL)  # any other status passes


def test_sizes_given_by_position_are_caught() -> None:
    # NetworkSpec("b", 4, 4) once meant theme=4, min_size=4 and the default max_size 10
    with pytest.raises(NetworkSpecError, match="min_size=") as info:
        NetworkSpec("b", 4, 4)  # type: ignore[arg-type]
    assert info.value.column == "theme"
