"""One vocabulary: every rule and term name has an implementation everywhere, and a
backend refuses, by name, a rule or term it does not implement."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import networkx as nx
import numpy as np
import pytest

import evocompose as evo
from evocompose import (
    BridgeRule,
    Candidate,
    MeetingRule,
    NetworkSpec,
    Pool,
    Problem,
    Quota,
    SkillRequirement,
    SolverError,
)
from evocompose.check import CHECKERS
from evocompose.data import RULE_ACTIVATION
from evocompose.objective import TERM_VALUES, evaluate, weighted_total
from evocompose.result import Result
from evocompose.solvers import Backend, SolveOptions, backend_names, get_backend, register
from evocompose.solvers import unregister as _unregister
from evocompose.solvers.cpsat import RULES as CPSAT_RULES
from evocompose.solvers.cpsat import TERMS as CPSAT_TERMS
from evocompose.solvers.search._core import toggle
from evocompose.solvers.search.rules import RULES as SEARCH_RULES
from evocompose.solvers.search.state import Compiled
from evocompose.solvers.search.terms import TERMS as SEARCH_TERMS
from evocompose.vocabulary import RULE_NAMES, RULES, TERM_NAMES, TERMS, rule, term
from evocompose.weights import WEIGHT_FIELDS, Weights

IMPLEMENTATIONS: dict[str, dict[str, object]] = {
    "problem activation (data.RULE_ACTIVATION)": RULE_ACTIVATION,  # type: ignore[dict-item]
    "checker (check.CHECKERS)": CHECKERS,  # type: ignore[dict-item]
    "CP-SAT (solvers.cpsat.rules.RULES)": CPSAT_RULES,  # type: ignore[dict-item]
    "search (solvers.search.rules.RULES)": SEARCH_RULES,  # type: ignore[dict-item]
}
TERM_IMPLEMENTATIONS: dict[str, dict[str, object]] = {
    "reference (objective.TERM_VALUES)": TERM_VALUES,  # type: ignore[dict-item]
    "CP-SAT (solvers.cpsat.terms.TERMS)": CPSAT_TERMS,  # type: ignore[dict-item]
    "search (solvers.search.terms.TERMS)": SEARCH_TERMS,  # type: ignore[dict-item]
}


def test_names_are_declared_once() -> None:
    assert len(set(RULE_NAMES)) == len(RULES)
    assert len(set(TERM_NAMES)) == len(TERMS)
    assert rule("quota").name == "quota" and term("relevance").scope == "network"
    assert all(t in WEIGHT_FIELDS for t in TERM_NAMES)  # every term has a weight
    assert evo.RULE_NAMES == RULE_NAMES and evo.TERM_NAMES == TERM_NAMES


@pytest.mark.parametrize("where", sorted(IMPLEMENTATIONS))
def test_every_rule_has_one_implementation_in_each_place(where: str) -> None:
    table = IMPLEMENTATIONS[where]
    assert sorted(table) == sorted(RULE_NAMES), f"{where} does not match the vocabulary"


def test_cpsat_states_every_rule_in_its_build_order() -> None:
    from evocompose.solvers.cpsat.rules import BUILD_ORDER

    assert sorted(BUILD_ORDER) == sorted(RULE_NAMES)


@pytest.mark.parametrize("where", sorted(TERM_IMPLEMENTATIONS))
def test_every_term_has_one_implementation_in_each_place(where: str) -> None:
    table = TERM_IMPLEMENTATIONS[where]
    assert sorted(table) == sorted(TERM_NAMES), f"{where} does not match the vocabulary"


# ------------------------------------------------------------------ problems by rule
def _pool(capacity: int | None = None) -> Pool:
    sectors = ["agriculture", "food", "tourism", "agriculture", "food", "tourism", "crafts", "food"]
    return Pool(
        tuple(
            Candidate(
                id=f"p{i}",
                name=f"P {i}",
                organisation=f"org{i % 5}",
                sector=sectors[i],
                actor_type=evo.ACTOR_TYPES[i % 4],
                skills=("marketing",) if i % 2 else (),
                availability=("tue-evening",),
                relevance={"a": 0.2 + 0.1 * i, "b": 0.5},
                area="north" if i < 4 else "south",
                capacity=capacity,
            )
            for i in range(8)
        )
    )


def _problem(a: NetworkSpec | None = None, **kw: object) -> Problem:
    nets = (
        a or NetworkSpec("a", min_size=2, max_size=4),
        NetworkSpec("b", min_size=2, max_size=4, bridge=None),
    )
    pool = kw.pop("pool", None) or _pool()
    ties = nx.Graph([("p0", "p1"), ("p2", "p3"), ("p4", "p5")])
    return Problem(pool, nets, ties, **kw)  # type: ignore[arg-type]


A = {"name": "a", "min_size": 2, "max_size": 4}
USING: dict[str, Callable[[], Problem]] = {
    "size": lambda: _problem(),
    "eligibility": lambda: _problem(NetworkSpec(**A, min_relevance=0.5)),  # type: ignore[arg-type]
    "excluded": lambda: _problem(excluded=("p7",)),
    "include": lambda: _problem(NetworkSpec(**A, include=("p1",))),  # type: ignore[arg-type]
    "quota": lambda: _problem(
        NetworkSpec(**A, quotas=(Quota("sector", ("food",), min=1),))  # type: ignore[arg-type]
    ),
    "max_per": lambda: _problem(NetworkSpec(**A, max_per={"area": 2})),  # type: ignore[arg-type]
    "skill": lambda: _problem(
        NetworkSpec(**A, skills=(SkillRequirement("marketing"),))  # type: ignore[arg-type]
    ),
    "meeting": lambda: _problem(NetworkSpec(**A, meeting=MeetingRule(1.0))),  # type: ignore[arg-type]
    "conflict": lambda: _problem(conflicts=(("p0", "p1"),)),
    "must_pair": lambda: _problem(must_pairs=(("p0", "p1"),)),
    "cohesion": lambda: _problem(NetworkSpec(**A, min_known=1)),  # type: ignore[arg-type]
    "bridge": lambda: _problem(NetworkSpec(**A, bridge=BridgeRule(1))),  # type: ignore[arg-type]
    "capacity": lambda: _problem(),
    "sharing": lambda: _problem(pool=_pool(capacity=2)),
    "required": lambda: _problem(required=("p3",)),
    "assign_all": lambda: _problem(assign_all=True),
}


def test_every_rule_has_a_problem_that_uses_it() -> None:
    assert sorted(USING) == sorted(RULE_NAMES)


@pytest.mark.parametrize("name", RULE_NAMES)
def test_active_rules_names_the_rule(name: str) -> None:
    p = USING[name]()
    assert name in p.active_rules()
    if rule(name).scope == "network" and name not in ("conflict", "must_pair", "excluded"):
        assert p.rule_networks(name) in (("a",), ("a", "b"))


def test_a_plain_problem_uses_only_sizes_and_capacity() -> None:
    assert _problem().active_rules() == ("size", "capacity")


class _Without(Backend):
    """A copy of a backend that does not implement one rule."""

    def __init__(self, inner: Backend, missing: str) -> None:
        self.inner, self.missing = inner, missing
        self.name = f"{inner.name} without {missing}"

    def rules(self) -> frozenset[str]:
        return self.inner.rules() - {self.missing}

    def terms(self) -> frozenset[str]:
        return self.inner.terms()

    def solve(self, problem: Problem, options: SolveOptions) -> Result:  # pragma: no cover
        raise AssertionError("a refused problem must never be solved")


@pytest.mark.parametrize("backend", ["cpsat", "search", "auto"])
@pytest.mark.parametrize("name", RULE_NAMES)
def test_each_backend_refuses_a_rule_it_does_not_implement(backend: str, name: str) -> None:
    real = get_backend(backend)
    assert name in real.rules()  # every built-in composer backend implements every rule
    crippled = _Without(real, name)
    with pytest.raises(SolverError, match=f"rule '{name}'"):
        crippled.run(USING[name](), SolveOptions(time_limit=1))


def test_the_module_functions_refuse_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """``solve_cpsat`` and ``solve_search`` check their own backend, not only ``solve``."""
    from evocompose.solvers.cpsat import solve as cpsat_solve
    from evocompose.solvers.search import backend as search_backend

    p = USING["quota"]()
    for module, fn in ((cpsat_solve, "solve_cpsat"), (search_backend, "solve_search")):
        monkeypatch.setattr(module, "BACKEND", _Without(module.BACKEND, "quota"))
        with pytest.raises(SolverError, match="rule 'quota'"):
            getattr(module, fn)(p, SolveOptions(time_limit=1))


def test_mdgp_refuses_every_rule_but_its_own() -> None:
    mdgp = get_backend("mdgp")
    assert mdgp.rules() == {"size", "capacity", "assign_all"}
    for name in RULE_NAMES:
        if name in mdgp.rules():
            continue
        with pytest.raises(SolverError, match=f"rule '{name}'"):
            evo.solve(USING[name](), solver="mdgp", time_limit=1)


def test_mdgp_refuses_stevns_naming_its_rules_and_terms() -> None:
    with pytest.raises(SolverError) as info:
        evo.solve(evo.datasets.stevns(seed=0, n=120), solver="mdgp", time_limit=1)
    text = str(info.value)
    for needle in ("rule 'quota'", "rule 'meeting'", "objective term 'relevance'", "assign_all"):
        assert needle in text


def test_mdgp_takes_a_pure_partition_and_search_hands_it_over() -> None:
    rng = np.random.default_rng(0)
    d = rng.random((8, 8))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0)
    zero = {t: 0.0 for t in TERM_NAMES if t not in ("dissimilarity",)}
    p = _problem(
        NetworkSpec("a", min_size=4, max_size=4),
        assign_all=True,
        dissimilarity=d,
        weights=Weights(**zero),  # type: ignore[arg-type]
    ).replace(
        networks=(
            NetworkSpec("a", min_size=4, max_size=4),
            NetworkSpec("b", min_size=4, max_size=4),
        )
    )
    assert get_backend("mdgp").unsupported(p) == []
    r = evo.solve(p, solver="search", time_limit=1, deterministic=True)
    assert (
        r.stats.path == "mdgp" and r.composition is not None and evo.check(p, r.composition) == []
    )
    # one more rule, and the search keeps it instead of handing it over
    q = p.replace(conflicts=(("p0", "p1"),))
    assert "rule 'conflict' (network a, b)" in get_backend("mdgp").unsupported(q)
    r = evo.solve(q, solver="search", time_limit=1, deterministic=True)
    assert r.stats.path == "search" and r.composition is not None
    assert evo.check(q, r.composition) == []


# ------------------------------------------------------------------ registry
class _Echo(Backend):
    """A toy backend: implements sizes and capacity, returns the empty composition."""

    name = "echo"

    def rules(self) -> frozenset[str]:
        return frozenset({"size", "capacity"})

    def terms(self) -> frozenset[str]:
        return frozenset(TERM_NAMES)

    def solve(self, problem: Problem, options: SolveOptions) -> Result:
        comp = evo.Composition({n: () for n in problem.network_names})
        return Result.scored(problem, evo.SolveStatus.FEASIBLE, comp, solver=self.name)


@pytest.fixture
def unregister() -> object:
    added: list[str] = []
    yield added
    for name in added:
        _unregister(name)


def test_register_needs_a_backend_and_a_free_name(unregister: list[str]) -> None:
    with pytest.raises(SolverError, match=r"instance of evocompose\.solvers\.Backend"):
        register("fn", lambda problem, **kw: None)  # type: ignore[arg-type]
    with pytest.raises(SolverError, match="replace=True"):
        register("cpsat", _Echo())
    register("echo", _Echo())
    unregister.append("echo")
    assert "echo" in backend_names()
    r = evo.solve(_problem(NetworkSpec("a", min_size=0, max_size=2)), solver="echo")
    assert r.solver == "echo"
    with pytest.raises(SolverError, match="rule 'quota'"):
        evo.solve(USING["quota"](), solver="echo")
    with pytest.raises(SolverError, match="unknown solver"):
        evo.solve(_problem(), solver="nope")


def test_replacing_cpsat_changes_only_what_solve_runs(unregister: list[str]) -> None:
    """auto and search call CP-SAT directly, never through the registry."""

    class Broken(_Echo):
        name = "broken"

        def rules(self) -> frozenset[str]:
            return frozenset(RULE_NAMES)

        def solve(self, problem: Problem, options: SolveOptions) -> Result:
            raise AssertionError("the registry was used")

    register("cpsat", Broken(), replace=True)
    unregister.append("cpsat")
    p = evo.datasets.tiny()
    with pytest.raises(AssertionError, match="registry"):
        evo.solve(p, solver="cpsat")
    assert evo.solve(p, solver="auto", time_limit=2).status is evo.SolveStatus.OPTIMAL


# ------------------------------------------------------------------ search terms, one by one
@pytest.mark.parametrize("name", TERM_NAMES)
def test_each_search_term_alone_matches_the_reference(name: str) -> None:
    rng = np.random.default_rng(1)
    d = rng.random((8, 8))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0)
    weights = Weights(**{t: (1.5 if t == name else 0.0) for t in TERM_NAMES})  # type: ignore[arg-type]
    pool = Pool(
        tuple(
            dataclasses.replace(c, attributes={"gender": "k" if i % 3 else "m"})
            for i, c in enumerate(_pool(capacity=2))
        )
    )
    spec = NetworkSpec("a", min_size=0, max_size=8, synergy={("agriculture", "food"): 2.0})
    p = _problem(spec, pool=pool, attributes=("gender",), dissimilarity=d, weights=weights)
    p = p.replace(networks=(spec, NetworkSpec("b", min_size=0, max_size=8)))
    assert p.active_terms() == (name,)
    c = Compiled(p)
    assert c.term_names() == (name,)
    state = c.new_state()
    for i, g in [(0, 0), (1, 0), (2, 0), (3, 1), (0, 1), (4, 0), (1, 0), (5, 0), (0, 0)]:
        d = toggle(c.P, state.ref, i, g)
        want = weighted_total(p, evaluate(p, c.composition_of(state)))
        assert state.objective == pytest.approx(want, abs=1e-9), (name, i, g, d)
