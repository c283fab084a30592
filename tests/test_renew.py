"""Renewal rounds: renew() against brute force, the round's record recomputed by hand."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose.check import check
from evocompose.objective import evaluate, weighted_total
from evocompose.renew import renew, renewal_terms


def _objective(problem: evo.Problem, comp: evo.Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _problem(sectors: list[str]) -> evo.Problem:
    pool = evo.Pool(
        tuple(
            evo.Candidate(f"p{i}", f"P{i}", f"O{i}", s, ("private", "public", "civil")[i % 3])
            for i, s in enumerate(sectors)
        )
    )
    nets = (
        evo.NetworkSpec("a", theme="Network A", min_size=2, max_size=3),
        evo.NetworkSpec("b", theme="Network B", min_size=2, max_size=3),
    )
    return evo.Problem(pool, nets)


def _all(problem: evo.Problem) -> list[evo.Composition]:
    ids = problem.pool.ids
    out = []
    for choice in itertools.product(range(3), repeat=len(ids)):
        members: dict[str, list[str]] = {"a": [], "b": []}
        for cid, c in zip(ids, choice, strict=True):
            if c:
                members[("a", "b")[c - 1]].append(cid)
        comp = evo.Composition(members)
        if not check(problem, comp):
            out.append(comp)
    return out


def _pairs(comp: evo.Composition) -> set[tuple[str, str]]:
    return {
        (a, b) for ids in comp.members.values() for a, b in itertools.combinations(sorted(ids), 2)
    }


def _penalty(
    comp: evo.Composition,
    history: list[evo.Composition],
    weight: float,
    decay: float,
    turn: float,
) -> float:
    """The renewal costs, written from the definition (independent of renew.py)."""
    total = 0.0
    rounds = len(history)
    for ids in comp.members.values():
        for a, b in itertools.combinations(sorted(ids), 2):
            for r, old in enumerate(history):
                if (a, b) in _pairs(old):
                    total += weight * decay ** (rounds - r - 1)
        for c in ids:
            total += turn * sum(1 for old in history if c in old.placed())
    return total


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sectors=st.lists(st.sampled_from(["s1", "s2", "s3"]), min_size=7, max_size=7),
    picks=st.lists(st.integers(0, 10_000), min_size=2, max_size=2),
    weight=st.sampled_from([0.5, 2.0, 5.0]),
    decay=st.sampled_from([0.0, 0.5, 1.0]),
    keep=st.sampled_from([None, 0, 1, 2]),
    turn=st.sampled_from([0.0, 0.3]),
)
def test_renew_matches_brute_force(
    sectors: list[str],
    picks: list[int],
    weight: float,
    decay: float,
    keep: int | None,
    turn: float,
) -> None:
    p = _problem(sectors)
    feasible = _all(p)
    history = [feasible[k % len(feasible)] for k in picks]
    last = history[-1]

    def continues(c: evo.Composition) -> bool:
        if keep is None:
            return True
        return all(
            len(set(c.members[n]) & set(last.members[n])) == min(keep, len(last.members[n]))
            for n in ("a", "b")
        )

    allowed = [c for c in feasible if continues(c)]
    best = max(_objective(p, c) - _penalty(c, history, weight, decay, turn) for c in allowed)
    r = renew(
        p,
        history,
        repeat_weight=weight,
        decay=decay,
        keep=keep,
        turn_weight=turn,
        time_limit=10,
        workers=1,
        solver="cpsat",
    )
    assert r.composition is not None and check(p, r.composition) == []
    assert continues(r.composition)
    rec = r.renewal
    assert rec is not None and r.status is evo.SolveStatus.OPTIMAL
    assert rec.renewal_objective == pytest.approx(best, abs=1e-6)
    pen = _penalty(r.composition, history, weight, decay, turn)
    assert rec.repeat_cost + rec.turn_cost == pytest.approx(pen, abs=1e-9)
    assert r.objective == pytest.approx(_objective(p, r.composition))
    assert rec.bound is not None and rec.bound >= rec.renewal_objective - 1e-6


def test_the_record_counts_by_hand() -> None:
    p = _problem(["s1", "s2", "s3", "s1", "s2", "s3", "s1"])
    r1 = evo.Composition({"a": ["p0", "p1", "p2"], "b": ["p3", "p4"]})
    r2 = evo.Composition({"a": ["p0", "p1", "p5"], "b": ["p3", "p6"]})
    terms = renewal_terms(p, [r1, r2], repeat_weight=4.0, decay=0.5, keep=1, turn_weight=1.0)
    assert terms.pair_costs[("p0", "p1")] == 4.0 + 2.0  # last round 4, the one before 4 x 0.5
    assert terms.pair_costs[("p0", "p2")] == 2.0
    assert terms.pair_costs[("p3", "p6")] == 4.0
    assert terms.member_costs["p0"] == 2.0 and terms.member_costs["p2"] == 1.0
    assert terms.keep["a"] == (("p0", "p1", "p5"), 1, 1)
    r = renew(p, [r1, r2], repeat_weight=4.0, decay=0.5, keep=1, turn_weight=1.0, time_limit=10)
    rec = r.renewal
    assert rec is not None and r.composition is not None
    comp = r.composition
    now = _pairs(comp)
    assert rec.repeat_pairs == len(now & (_pairs(r1) | _pairs(r2)))
    assert sum(rec.repeat_by_age.values()) == rec.repeat_pairs
    assert rec.repeat_by_age.get(1, 0) == len(now & _pairs(r2))
    for n in ("a", "b"):
        assert rec.continuity[n] == (
            len(set(comp.members[n]) & set(r2.members[n])),
            len(r2.members[n]),
        )
    assert rec.newcomers == len(comp.placed() - r1.placed() - r2.placed())
    assert rec.round == 3
    assert "Round 3" in str(rec) and "Runde 3" in rec.text("da")
    assert list(rec.to_frame().columns) == ["network", "continuing", "last_size", "keep"]


@pytest.mark.serial  # a composition within 8 s of wall clock: runs alone under xdist (conftest.py)
def test_renewal_on_stevns_keeps_half_and_avoids_repeats(
    stevns_solved: tuple[evo.Problem, evo.Composition],
) -> None:
    p, first = stevns_solved
    r = renew(p, [first], repeat_weight=2.0, decay=0.5, keep=0.5, time_limit=8, seed=0)
    assert r.composition is not None and check(p, r.composition) == []
    rec = r.renewal
    assert rec is not None
    for n, (kept, last) in rec.continuity.items():
        assert kept == min(last, int(0.5 * last + 0.5)), n
    # the kept members sit together again whatever happens; few pairs beyond them repeat
    forced = sum(k * (k - 1) // 2 for k, _ in rec.continuity.values())
    scratch = sum(len(ids) * (len(ids) - 1) // 2 for ids in first.members.values())
    assert forced <= rec.repeat_pairs < scratch
    assert r.audit is not None and r.audit.call == "renew"
    assert r.audit.parameters["keep"] == 0.5


def test_a_keep_the_rules_cannot_allow_is_explained() -> None:
    p = _problem(["s1", "s2", "s3", "s1", "s2", "s3", "s1"]).replace(conflicts=(("p0", "p1"),))
    last = evo.Composition({"a": ["p0", "p2", "p3"], "b": ["p1", "p4", "p5"]})
    # keeping p0, p2, p3 in a and p1, p4, p5 in b is fine; but swapping who is last forces
    # a to keep both p0 and p1, who may not meet
    odd = evo.Composition({"a": ["p0", "p1"], "b": ["p2", "p3"]})
    r = renew(p, [last, odd], keep=2, time_limit=5)
    assert r.composition is None and r.status is evo.SolveStatus.INFEASIBLE
    assert r.diagnosis is not None and "lower keep" in str(r.diagnosis)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"keep": -1}, "keep count"),
        ({"keep": 1.5}, "keep must be a number between 0 and 1"),
        ({"keep": "half"}, "keep takes a share"),
        ({"keep": {"zz": 1}}, "unknown network"),
        ({"decay": 2.0}, "decay must be"),
        ({"repeat_weight": -1.0}, "repeat_weight must be"),
        ({"solver": "search"}, "CP-SAT"),
    ],
)
def test_bad_parameters_are_clear_errors(kwargs: dict[str, object], match: str) -> None:
    p = evo.datasets.tiny()
    first = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]})
    with pytest.raises(evo.SolverError, match=match):
        renew(p, [first], time_limit=1, **kwargs)  # type: ignore[arg-type]


def test_history_must_hold_compositions() -> None:
    with pytest.raises(evo.SolverError, match="earlier compositions"):
        renew(evo.datasets.tiny(), [{"a": ["p1"]}], time_limit=1)  # type: ignore[list-item]
