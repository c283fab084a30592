"""Diagnosis of impossible problems: the corpus, minimality, relaxations, solve's attachment."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose.check import check
from evocompose.datasets.impossible import ImpossibleCase, impossible
from evocompose.diagnose import counting_findings, diagnose
from evocompose.diagnosis import RuleRef
from evocompose.result import SolveStatus
from evocompose.solvers.contract import SolveOptions
from evocompose.solvers.cpsat.guarded import build_guarded_model, find_feasible, solve_assuming

CASES = impossible()

# proofs (infeasible, minimal, smallest relaxation) within wall-clock budgets: under
# `make pytest` (two xdist workers) these run alone, with both cores (conftest.py)
pytestmark = pytest.mark.serial


def test_the_corpus_has_fifteen_causes() -> None:
    assert len(CASES) >= 15
    assert len({c.name for c in CASES}) == len(CASES)
    stevns = [c for c in CASES if len(c.problem.pool) >= 200]
    assert len(stevns) >= 10  # most are the Stevns example with one rule tightened


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_corpus_problem_is_impossible(case: ImpossibleCase) -> None:
    assert find_feasible(case.problem, SolveOptions(time_limit=20)).status is (
        SolveStatus.INFEASIBLE
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_diagnosis_names_the_broken_rule_and_its_relaxations_are_feasible(
    case: ImpossibleCase,
) -> None:
    d = diagnose(case.problem, time_limit=30, objective_time=0)
    assert d.feasible is False
    assert set(case.rules) <= set(d.rules), (case.name, d.rules)
    assert d.minimal
    good = [r for r in d.relaxations if r.enough]
    assert good, "at least one relaxation makes the problem feasible"
    for r in good:
        assert r.problem is not None and r.composition is not None
        assert check(r.problem, r.composition) == []  # the independent checker
        assert r.ref in {c.ref for c in d.conflict}
    for r in d.relaxations:
        if not r.enough:
            assert r.problem is None
    text = str(d)
    assert text.startswith("The networks cannot be composed")
    assert "Smallest changes" in text
    for c in d.conflict:
        if c.network is not None:
            assert evo.wording.title(case.problem, c.network) in text or "more" in text


def _dropping_each_is_feasible(problem: evo.Problem, refs: tuple[RuleRef, ...]) -> bool:
    gm = build_guarded_model(problem)
    assert solve_assuming(gm, refs, SolveOptions(time_limit=10)).status is SolveStatus.INFEASIBLE
    return all(
        solve_assuming(gm, tuple(r for r in refs if r != drop), SolveOptions(time_limit=10)).status
        is SolveStatus.FEASIBLE
        for drop in refs
    )


@pytest.mark.parametrize("name", ["sum_of_minimums", "pins_meeting", "conflict", "cohesion"])
def test_conflicts_are_minimal(name: str) -> None:
    case = next(c for c in CASES if c.name == name)
    d = diagnose(case.problem, time_limit=20, relaxations=False)
    assert d.relaxations == ()
    assert _dropping_each_is_feasible(case.problem, tuple(c.ref for c in d.conflict))


def test_the_issue_example_reads_as_a_paragraph() -> None:
    """Food needs more farmers free in one slot than there are: the numbers are named."""
    case = next(c for c in CASES if c.name == "quota_one_slot")
    d = diagnose(case.problem, time_limit=20, objective_time=0)
    assert d.source == "counting"
    text = str(d)
    assert "who share one meeting slot" in text and "no slot has more than" in text
    assert "Fødevarer og Jordbrug (food)" in text
    danish = d.text("da")
    assert "kan mødes på samme tidspunkt" in danish and "Mindste ændringer" in danish
    frame = d.to_frame()
    assert set(frame["rule"]) == set(d.rules) and frame["change"].notna().all()


def test_relaxations_are_the_smallest() -> None:
    """One step less than each relaxation is proven infeasible (checked here directly)."""
    case = next(c for c in CASES if c.name == "sum_of_minimums")
    d = diagnose(case.problem, time_limit=30, objective_time=0)
    by = {r.ref.label: r for r in d.relaxations}
    farmers = by["quota[food][0][min]"]
    assert (farmers.before, farmers.after, farmers.smallest) == (12, 11, True)
    size = by["size[food][max]"]
    assert (size.before, size.after) == (14, 15)
    # the diagnosis never proposes a relaxation that does not work: 12 farmers stay impossible
    assert find_feasible(case.problem, SolveOptions(time_limit=10)).status is (
        SolveStatus.INFEASIBLE
    )


def test_a_feasible_problem_is_diagnosed_feasible() -> None:
    d = diagnose(evo.datasets.tiny(), time_limit=5)
    assert d.feasible is True and d.composition is not None and d.conflict == ()
    assert check(evo.datasets.tiny(), d.composition) == []
    assert "can all be kept" in str(d)


def test_solve_attaches_the_diagnosis_to_an_infeasible_result() -> None:
    case = next(c for c in CASES if c.name == "capacity")
    r = evo.solve(case.problem, time_limit=5, solver="cpsat", language="da")
    assert r.status is SolveStatus.INFEASIBLE and r.composition is None
    assert r.diagnosis is not None and {"capacity", "size"} <= set(r.diagnosis.rules)
    assert "Netværkene kan ikke sammensættes" in r.summary()
    quiet = evo.solve(case.problem, time_limit=5, solver="cpsat", diagnose=False)
    assert quiet.diagnosis is None


def test_auto_running_out_of_time_on_an_impossible_problem_still_explains() -> None:
    """auto may end UNKNOWN on an impossible problem; counting proves it and solve says why."""
    case = next(c for c in CASES if c.name == "sum_of_minimums")
    assert counting_findings(case.problem)
    r = evo.solve(case.problem, time_limit=3, diagnose=8)
    assert r.status is SolveStatus.INFEASIBLE
    assert r.diagnosis is not None and "size" in r.diagnosis.rules


def _random_problem(
    sizes: list[tuple[int, int]],
    quota: int,
    conflicts: list[tuple[int, int]],
    capacity: int,
    slot_mask: list[bool],
) -> evo.Problem:
    pool = evo.Pool(
        tuple(
            evo.Candidate(
                f"p{i}",
                f"P{i}",
                f"O{i}",
                ("a", "b")[i % 2],
                ("private", "public")[i % 3 == 0],
                availability=("tue-evening",) if slot_mask[i] else ("thu-morning",),
            )
            for i in range(7)
        )
    )
    nets = tuple(
        evo.NetworkSpec(
            f"n{k}",
            min_size=lo,
            max_size=hi,
            quotas=(evo.Quota("sector", ("a",), min=min(quota, hi)),) if k == 0 else (),
            meeting=evo.MeetingRule(1.0) if k == 1 else None,
        )
        for k, (lo, hi) in enumerate(sizes)
    )
    pairs = tuple((f"p{a}", f"p{b}") for a, b in conflicts if a != b)
    pairs = tuple(dict.fromkeys(tuple(sorted(p)) for p in pairs))
    return evo.Problem(pool, nets, conflicts=pairs, default_capacity=capacity)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(
        st.tuples(st.integers(1, 3), st.integers(0, 2)).map(lambda t: (t[0], t[0] + t[1])),
        min_size=2,
        max_size=2,
    ),
    quota=st.integers(0, 3),
    conflicts=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=4),
    capacity=st.integers(1, 2),
    slot_mask=st.lists(st.booleans(), min_size=7, max_size=7),
)
def test_guarded_model_with_every_rule_agrees_with_the_plain_model(
    sizes: list[tuple[int, int]],
    quota: int,
    conflicts: list[tuple[int, int]],
    capacity: int,
    slot_mask: list[bool],
) -> None:
    try:
        p = _random_problem(sizes, quota, conflicts, capacity, slot_mask)
    except evo.EvocomposeError:
        return
    plain = find_feasible(p, SolveOptions(time_limit=10)).status
    gm = build_guarded_model(p)
    guarded = solve_assuming(gm, gm.refs, SolveOptions(time_limit=10))
    assert guarded.status is plain
    if guarded.status is SolveStatus.FEASIBLE:
        assert guarded.composition is not None and check(p, guarded.composition) == []
    else:
        d = diagnose(p, time_limit=10, objective_time=0)
        assert d.feasible is False and d.minimal
        assert _dropping_each_is_feasible(p, tuple(c.ref for c in d.conflict))


@pytest.mark.parametrize("name", evo.RULE_NAMES)
def test_every_rule_of_the_vocabulary_is_guarded(name: str) -> None:
    """A problem using the rule gets a literal for it: every constraint name maps to a rule."""
    from test_vocabulary import USING

    p = USING[name]()
    gm = build_guarded_model(p)
    assert name in {r.rule for r in gm.refs}, name


def test_count_findings_are_proofs() -> None:
    """Every counting argument's rules are infeasible together (CP-SAT agrees)."""
    for case in CASES:
        gm = build_guarded_model(case.problem)
        for finding in counting_findings(case.problem)[:1]:
            refs = tuple(r for r in finding.refs if r in gm.literal)
            outcome = solve_assuming(gm, refs, SolveOptions(time_limit=10))
            assert outcome.status is SolveStatus.INFEASIBLE, (case.name, finding.fact["en"])


def test_pairs_of_rules_are_named_per_network() -> None:
    case = next(c for c in CASES if c.name == "capacity")
    d = diagnose(case.problem, time_limit=10, relaxations=False)
    nets = sorted(c.network for c in d.conflict if c.rule == "size")
    assert nets == ["a", "b"]
    labels = sorted(c.ref.label for c in d.conflict)
    assert labels == ["capacity", "size[a][min]", "size[b][min]"]
    assert list(itertools.chain(d.facts))  # the seats argument is quoted
    assert dataclasses.replace(d, language="da").text().startswith("Netværkene")
