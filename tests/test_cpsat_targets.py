"""CP-SAT with floors and goals (TargetModel) against brute force on tiny problems."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from many_helpers import enumerate_feasible, tiny_problems

import evocompose as evo
from evocompose import Candidate, NetworkSpec, Pool, Problem, SolveStatus
from evocompose.errors import SolverError
from evocompose.objective import breakdown
from evocompose.solvers.contract import SolveOptions
from evocompose.solvers.cpsat.targets import TargetModel

OPTS = SolveOptions(time_limit=10, workers=1)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(), st.data())
def test_people_goal_with_a_floor_matches_brute_force(
    problem: Problem, data: st.DataObject
) -> None:
    feasible = enumerate_feasible(problem)
    assume(feasible)
    best = max(v for _, v in feasible)
    floor = best - data.draw(st.sampled_from([0.0, 0.1, 0.3])) * abs(best)
    ids = problem.pool.ids
    weights = {i: data.draw(st.sampled_from([0.0, 0.25, 1.0])) for i in range(len(ids))}
    near = [(c, v) for c, v in feasible if v >= floor - 1e-9]
    exact = max(sum(w for i, w in weights.items() if ids[i] in c.placed()) for c, _ in near)
    tm = TargetModel(problem)
    tm.set_floor("objective", floor)
    out = tm.maximise_people(weights, OPTS)
    assert out.status is SolveStatus.OPTIMAL
    assert out.value == pytest.approx(exact, abs=1e-9)
    assert out.bound is not None and exact - 1e-9 <= out.bound <= exact + 1e-6
    for comp in out.compositions:
        assert evo.check(problem, comp) == []
        assert breakdown(problem, comp)[0] >= floor - 1e-9
    # a person forced in: placed in every composition returned, or proven impossible
    who = data.draw(st.integers(0, len(ids) - 1))
    forced = tm.maximise_people(weights, OPTS, require=who)
    possible = any(ids[who] in c.placed() for c, _ in near)
    if possible:
        assert forced.status is SolveStatus.OPTIMAL
        assert all(ids[who] in c.placed() for c in forced.compositions)
    else:
        assert forced.status is SolveStatus.INFEASIBLE and forced.compositions == ()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(), st.sampled_from([("relevance", "sector"), ("sector", "objective")]))
def test_lexicographic_goals_with_a_floor_match_brute_force(
    problem: Problem, pair: tuple[str, str]
) -> None:
    x, y = pair
    feasible = enumerate_feasible(problem)
    assume(feasible)

    def val(comp: evo.Composition, name: str) -> float:
        total, raw, _ = breakdown(problem, comp)
        return total if name == "objective" else raw[name]

    xs = sorted({val(c, x) for c, _ in feasible})
    level = xs[len(xs) // 2]
    allowed = [c for c, _ in feasible if val(c, x) >= level - 1e-9]
    top_y = max(val(c, y) for c in allowed)
    top_x = max(val(c, x) for c in allowed if val(c, y) >= top_y - 1e-9)
    tm = TargetModel(problem)
    tm.set_floor(x, level, guarantee=False)
    out = tm.maximise([y, x], OPTS)
    assert out.proven
    comp = out.result.composition
    assert comp is not None and evo.check(problem, comp) == []
    assert val(comp, y) == pytest.approx(top_y, abs=1e-6)
    assert val(comp, x) == pytest.approx(top_x, abs=1e-6)
    assert out.result.status is SolveStatus.FEASIBLE  # not a claim about the weighted objective
    assert out.stages[0].bound == pytest.approx(top_y, abs=1e-6)
    # the stages' fixings are undone: solving again gives the same
    again = tm.maximise([y, x], OPTS)
    assert val(again.result.composition, y) == pytest.approx(top_y, abs=1e-6)


def test_floors_guarantee_or_admit_with_rounding() -> None:
    # relevances with 7 decimals: the scaled form has a rounding error
    people = tuple(
        Candidate(f"p{i}", f"P{i}", f"o{i}", "s1", "private", relevance={"a": r})
        for i, r in enumerate([0.3333333, 0.6666667, 0.1428571, 0.9999999])
    )
    p = Problem(Pool(people), (NetworkSpec("a", "A", 2, 2),))
    feasible = enumerate_feasible(p)
    values = sorted(breakdown(p, c)[1]["relevance"] for c, _ in feasible)
    level = values[-2]
    tm = TargetModel(p)
    tm.set_floor("relevance", level, guarantee=True)
    out = tm.maximise_people({}, OPTS)
    assert all(breakdown(p, c)[1]["relevance"] >= level for c in out.compositions)
    tm.set_floor("relevance", level, guarantee=False)
    admitted = tm.maximise(["sector", "area"], OPTS)
    assert admitted.result.composition is not None
    assert tm.floors == {"relevance": level}
    tm.set_floor("relevance", 100.0)
    impossible = tm.maximise(["sector"], OPTS)
    assert impossible.result.status is SolveStatus.INFEASIBLE
    assert tm.maximise_people({0: 1.0}, OPTS).status is SolveStatus.INFEASIBLE
    tm.clear_floor("relevance")
    assert tm.maximise(["sector"], OPTS).result.composition is not None


def test_unknown_values_and_bad_weights_are_refused() -> None:
    tm = TargetModel(evo.datasets.tiny())
    with pytest.raises(SolverError, match="choose one of"):
        tm.set_floor("diversity", 1.0)
    with pytest.raises(SolverError, match="dissimilarity matrix"):
        tm.form("dissimilarity")
    with pytest.raises(SolverError, match="finite"):
        tm.set_floor("sector", float("nan"))
    with pytest.raises(SolverError, match=">= 0"):
        tm.maximise_people({0: -1.0}, OPTS)
    with pytest.raises(SolverError, match="at least one goal"):
        tm.maximise([], OPTS)
