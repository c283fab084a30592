"""The compiled search core against the reference: objective, rules, construction, repair, moves.

Problems come from hypothesis (every rule kind, on and off), compositions
from random toggles; the reference is :func:`evocompose.objective.evaluate`
and :func:`evocompose.check.check`, which share no code with the kernels.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_search_backend import random_problem

from evocompose import datasets
from evocompose.check import check
from evocompose.data import Pool, Problem
from evocompose.errors import EvocomposeError
from evocompose.objective import evaluate, weighted_total
from evocompose.solvers.search import _core
from evocompose.solvers.search.engine import Engine
from evocompose.solvers.search.rules import RULE_IDS, RULES
from evocompose.solvers.search.state import Compiled
from evocompose.solvers.search.terms import TERMS
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES
from evocompose.weights import Weights

ALWAYS_ON = ("size", "capacity")


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """A random problem with every rule kind (or none), some switched on or off."""
    seed = draw(st.integers(0, 400))
    rules = draw(st.booleans())
    d = draw(st.booleans())
    try:
        problem = random_problem(seed, n=draw(st.integers(8, 16)), rules=rules, dissimilarity=d)
    except EvocomposeError:  # a pool too small for the rules: the full-size one
        problem = random_problem(seed, rules=rules, dissimilarity=d)
    changes: dict[str, object] = {}
    if draw(st.booleans()):
        changes["excluded"] = ("c7",)
    if draw(st.booleans()):
        nets = list(problem.networks)
        nets[1] = dataclasses.replace(nets[1], min_relevance=0.3)
        changes["networks"] = tuple(nets)
    if draw(st.booleans()):
        w = problem.weights
        changes["weights"] = Weights(
            **{
                **{t: w.term_weight(t) for t in TERM_NAMES},
                "cohesion": draw(st.sampled_from([0.0, 1.5, -1.0])),
                "cohesion_target": draw(st.integers(0, 2)),
                "spread": draw(st.sampled_from([0.0, 1.0, -0.5])),
                "new_cross_sector_ties": draw(st.sampled_from([0.0, 0.5, -1.0])),
            }
        )
    if changes:
        with contextlib.suppress(EvocomposeError):  # else the unchanged problem is as good
            problem = problem.replace(**changes)
    return problem


def _reference(problem: Problem, c: Compiled, S: object) -> tuple[float, set[str]]:
    comp = c.composition_of(S)  # type: ignore[arg-type]
    return weighted_total(problem, evaluate(problem, comp)), {v.rule for v in check(problem, comp)}


def test_rule_and_term_tables_point_at_the_kernels() -> None:
    assert [RULE_IDS[name] for name in RULE_NAMES] == list(range(_core.N_RULES))
    for name in RULE_NAMES:
        assert getattr(_core, "R_" + name.upper()) == RULE_IDS[name]
        assert RULES[name].check is getattr(_core, f"rule_{name}")
    for name in TERM_NAMES:
        kernel = "diversity" if name in ("sector", "actor_type", "area", "attributes") else name
        assert TERMS[name].value is getattr(_core, f"term_{kernel}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), steps=st.lists(st.tuples(st.integers(0, 15), st.integers(0, 2)),
                                           min_size=1, max_size=40))  # fmt: skip
def test_counts_rules_and_objective_match_the_reference(
    problem: Problem, steps: list[tuple[int, int]]
) -> None:
    """After every toggle: the objective, and for every rule whether it is broken, as the reference says.

    The total violation the search reads is the sum of the active rules'
    checks, and switching a rule's flag off removes exactly its share: each
    rule's check is wired into the move evaluation.
    """
    c = Compiled(problem)
    S = c.new_state()
    on = c.on
    for i, g in steps:
        i %= c.n
        g %= c.G
        if not S.mem[i, g] and (S.size[g] >= c.max_size[g] or S.seats[i] >= c.cap[i] + 1):
            continue
        _core.toggle(c.P, S.ref, i, g)
        value, broken = _reference(problem, c, S)
        assert S.objective == pytest.approx(value, abs=1e-7)
        totals = c.rule_totals(S)
        for name in RULE_NAMES:
            if on[RULE_IDS[name]]:  # an inactive rule may break only with another (capacity)
                assert (totals[name] > 0) == (name in broken), (name, totals[name], broken)
            else:
                assert totals[name] == 0
        want = sum(v for name, v in totals.items() if on[RULE_IDS[name]] or name in ALWAYS_ON)
        assert int(_core.violation(c.P, S.ref, False)) == want
    totals = c.rule_totals(S)
    for name, v in totals.items():
        if v and on[RULE_IDS[name]] and name not in ALWAYS_ON:
            on[RULE_IDS[name]] = False  # the kernels read this array
            try:
                assert int(_core.violation(c.P, S.ref, False)) == want - v
            finally:
                on[RULE_IDS[name]] = True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), seed=st.integers(0, 1000))
def test_construction_and_repair_keep_the_rules_they_claim(problem: Problem, seed: int) -> None:
    engine = Engine(Compiled(problem), seed=seed)
    S = engine.construct()
    value, broken = _reference(problem, engine.c, S)
    assert S.objective == pytest.approx(value, abs=1e-7)
    # the construction keeps the rules a greedy step can promise
    kept = {"eligibility", "excluded", "capacity", "sharing", "conflict", "must_pair", "max_per"}
    assert not broken & kept, broken
    left = engine.repair(S, time.perf_counter() + 5.0, max_steps=3000)
    value, broken = _reference(problem, engine.c, S)
    assert S.objective == pytest.approx(value, abs=1e-7)
    assert (left == 0 and engine.feasible(S)) == (not broken), (left, broken)


@pytest.mark.parametrize("seed", range(12))
def test_repair_finds_a_composition_on_random_problems_with_every_rule(seed: int) -> None:
    problem = random_problem(seed)
    engine = Engine(Compiled(problem), seed=seed)
    S = engine.construct()
    assert engine.repair(S, time.perf_counter() + 10.0, max_steps=20_000) == 0
    assert check(problem, engine.c.composition_of(S)) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 400), kind=st.integers(0, _core.N_KINDS - 1), draws=st.integers(1, 30))
def test_estimates_are_exact_for_pairwise_terms(seed: int, kind: int, draws: int) -> None:
    """Without cohesion, spread or must-pairs a move's estimate is its exact change."""
    problem = random_problem(seed, rules=False, dissimilarity=seed % 2 == 0)
    w = problem.weights
    problem = problem.replace(
        weights=Weights(
            **{**{t: w.term_weight(t) for t in TERM_NAMES}, "cohesion": 0.0, "spread": 0.0}
        )
    )
    c = Compiled(problem)
    assert c.exact_estimates
    engine = Engine(c, seed=seed)
    S = engine.construct()
    for _ in range(draws):
        k, est = _core.sample_move(c.P, S.ref, kind, S.mi, S.mg)
        if not k:
            continue
        before = S.objective
        ok, d = _core.try_move(c.P, S.ref, S.mi, S.mg, k)
        if ok:
            assert d == pytest.approx(est, abs=1e-7)
            assert S.objective - before == pytest.approx(est, abs=1e-7)
            value, _broken = _reference(problem, c, S)
            assert S.objective == pytest.approx(value, abs=1e-7)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(), seed=st.integers(0, 1000), workers=st.sampled_from([1, 2]))
def test_the_search_keeps_every_rule_and_the_exact_objective(
    problem: Problem, seed: int, workers: int
) -> None:
    engine = Engine(Compiled(problem), seed=seed, workers=workers)
    S = engine.construct()
    if engine.repair(S, time.perf_counter() + 5.0, max_steps=5000) != 0 or not engine.feasible(S):
        return  # no start: the backend then asks CP-SAT (tested in test_search_backend)
    start_value = S.objective
    out = engine.search(S, deadline=time.perf_counter() + 30.0, max_iterations=3000)
    comp = engine.c.composition(out.ml, out.size)
    assert check(problem, comp) == []
    assert out.value == pytest.approx(weighted_total(problem, evaluate(problem, comp)), abs=1e-7)
    assert out.value >= start_value - 1e-9
    # the thread's own state never drifted from its counts
    value, broken = _reference(problem, engine.c, S)
    assert not broken and S.objective == pytest.approx(value, abs=1e-6)


def test_each_rule_kind_is_honoured_where_it_binds() -> None:
    """A greedy-looking move that breaks a rule is refused by the kernels."""
    problem = random_problem(0)
    c = Compiled(problem)
    engine = Engine(c, seed=0)
    S = engine.construct()
    assert engine.repair(S, time.perf_counter() + 10.0) == 0
    refused = applied = 0
    rng = np.random.default_rng(0)
    for _ in range(3000):
        i, g = int(rng.integers(c.n)), int(rng.integers(c.G))
        S.mi[0], S.mg[0] = i, g
        ok, _d = _core.try_move(c.P, S.ref, S.mi, S.mg, 1)
        if ok:
            applied += 1
            assert check(problem, c.composition_of(S)) == []
        else:
            refused += 1
            assert check(problem, c.composition_of(S)) == []  # a refused move is undone
    assert refused and applied


@pytest.mark.parametrize(
    ("n", "sizes"), [(120, (10, 10)), (10_000, (10, 10)), (103, (8, 12)), (97, (7, 13))]
)
def test_plain_partitions_are_dealt_out_feasibly(n: int, sizes: tuple[int, int]) -> None:
    """Everyone once, sizes only: the round robin keeps every rule, at any size."""
    from evocompose.datasets import partition

    base = partition(10_000 if n == 10_000 else 120, seed=1)
    people = base.pool.candidates[:n]
    teams = max(1, n // ((sizes[0] + sizes[1]) // 2))
    nets = tuple(
        dataclasses.replace(base.networks[g], min_size=sizes[0], max_size=sizes[1])
        for g in range(teams)
    )
    problem = base.replace(pool=type(base.pool)(people), networks=nets, ties=nx.Graph())
    engine = Engine(Compiled(problem), seed=0)
    t = time.perf_counter()
    S = engine.construct()
    seconds = time.perf_counter() - t
    assert engine.feasible(S)
    comp = engine.c.composition_of(S)
    assert check(problem, comp) == []
    assert S.objective == pytest.approx(weighted_total(problem, evaluate(problem, comp)))
    assert seconds < 2.0  # linear: about 0.02 s at n = 10,000 (the greedy pass took 2 s)
    # each team's sectors are spread: no team has two more of a sector than another
    counts = np.zeros((len(nets), 10), dtype=int)
    sectors = sorted({c.sector for c in people})
    for g, name in enumerate(problem.network_names):
        for cid in comp.members[name]:
            counts[g, sectors.index(problem.pool[cid].sector)] += 1
    if sizes[0] == sizes[1]:
        assert int((counts.max(axis=0) - counts.min(axis=0)).max()) <= 1


def test_construction_on_a_large_pool_samples_yet_finds_whoever_a_rule_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """16 candidates scored per seat; the only holder of a required skill joins as in a full scan.

    The holder is allowed in that network only (so no other network takes
    them first); wherever the full scan seats them, the sampled one does.
    """
    from evocompose import SkillRequirement
    from evocompose.solvers.search import engine as engine_module

    base = datasets.stevns(seed=1, n=1000)
    allowed = Compiled(base).allowed
    spec = base.networks[1]
    only_here = np.flatnonzero(allowed[:, 1] & (allowed.sum(axis=1) == 1))
    needs = dataclasses.replace(spec, skills=(*spec.skills, SkillRequirement("rare", 1)))
    seated = 0
    for k in only_here[-3:]:
        people = list(base.pool.candidates)
        people[k] = dataclasses.replace(people[k], skills=(*people[k].skills, "rare"))
        problem = base.replace(
            pool=Pool(tuple(people), source=base.pool.source),
            networks=(base.networks[0], needs, *base.networks[2:]),
        )
        c = Compiled(problem)
        found = {}
        for sample in (0, 16):
            monkeypatch.setattr(engine_module, "CONSTRUCT_SAMPLE", sample)
            S = Engine(c, seed=0).construct()
            found[sample] = people[k].id in c.composition_of(S).members[spec.name]
        assert found[16] or not found[0], k
        seated += found[0]
    assert seated  # the case arises
    # and the samples really are samples: another first composition than a full scan
    c = Compiled(base)
    monkeypatch.setattr(engine_module, "CONSTRUCT_SAMPLE", 16)
    sampled = c.composition_of(Engine(c, seed=0).construct())
    monkeypatch.setattr(engine_module, "CONSTRUCT_SAMPLE", 0)
    assert c.composition_of(Engine(c, seed=0).construct()) != sampled


def test_a_repair_past_its_deadline_goes_on_while_it_closes_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks of one step: past the deadline only the first runs, unless it keeps improving."""
    from evocompose.solvers.search import engine as engine_module

    monkeypatch.setattr(engine_module, "REPAIR_CHUNK", 1)
    c = Compiled(datasets.stevns(seed=0))
    engine = Engine(c, seed=0)
    start = engine.construct()
    assert engine.violation(start) > 1
    S = c.state_of(c.composition_of(start))
    assert engine.repair(S, deadline=0.0) > 0 and engine.repair_steps == 1
    S = c.state_of(c.composition_of(start))
    monkeypatch.setattr(engine_module, "REPAIR_PATIENCE", 10**6)  # never counts as stalled
    assert engine.repair(S, deadline=0.0, while_improving=time.perf_counter() + 30.0) == 0
    assert engine.feasible(S) and engine.repair_steps > 1
    # a repair that stops lowering the violation stops (the patience), even with time left
    monkeypatch.setattr(engine_module, "REPAIR_PATIENCE", 0)
    S = c.state_of(c.composition_of(start))
    engine.repair(S, deadline=0.0, while_improving=time.perf_counter() + 30.0)
    assert engine.repair_steps == 1


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 30),
    edges=st.lists(st.tuples(st.integers(0, 34), st.integers(0, 34)), max_size=80),
    pairs=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=12),
)
def test_tie_rows_and_must_pair_units_match_a_plain_reading(
    n: int, edges: list[tuple[int, int]], pairs: list[tuple[int, int]]
) -> None:
    """Ties (nodes outside the pool and self-loops dropped) and units, against per-person loops."""
    from evocompose.solvers.search.state import _must_pair_units, _tie_rows

    ids = [f"p{i}" for i in range(n)]
    index = {cid: i for i, cid in enumerate(ids)}
    graph = nx.Graph()
    graph.add_edges_from((f"p{a}", f"p{b}") for a, b in edges)  # p30..p34: not in the pool
    ptr, idx = _tie_rows(graph._adj, index, n)
    for i, cid in enumerate(ids):
        want = sorted(index[b] for b in graph.adj.get(cid, {}) if b in index and b != cid)
        assert idx[ptr[i] : ptr[i + 1]].tolist() == want
    # units: people joined by chains of must-pairs, numbered by their first member
    links = [(a, b) for a, b in pairs if a < n and b < n and a != b]
    groups = {i: {i} for i in range(n)}
    for a, b in links:
        merged = groups[a] | groups[b]
        for x in merged:
            groups[x] = merged
    units = sorted({min(g): sorted(g) for g in groups.values()}.values())
    unit_of, uptr, uidx = _must_pair_units([(ids[a], ids[b]) for a, b in links], index, n)
    assert uidx.tolist() == [i for u in units for i in u]
    assert uptr.tolist() == [0, *np.cumsum([len(u) for u in units]).tolist()]
    assert [units[u][0] for u in unit_of] == [min(groups[i]) for i in range(n)]
