"""Declines: recompose() against brute force on tiny problems, reasons re-checked, replacements."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose.check import check
from evocompose.objective import evaluate, weighted_total
from evocompose.recompose import recompose, replacements


def _objective(problem: evo.Problem, comp: evo.Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _problem(sectors: list[str], edges: list[tuple[int, int]]) -> evo.Problem:
    pool = evo.Pool(
        tuple(
            evo.Candidate(
                f"p{i}",
                f"P{i}",
                f"O{i}",
                s,
                ("private", "public", "civil")[i % 3],
                skills=("x",) if i % 2 else (),
            )
            for i, s in enumerate(sectors)
        )
    )
    ties = nx.Graph([(f"p{a}", f"p{b}") for a, b in edges if a != b])
    nets = (
        evo.NetworkSpec("a", theme="Network A", min_size=2, max_size=3),
        evo.NetworkSpec(
            "b",
            theme="Network B",
            min_size=2,
            max_size=3,
            quotas=(evo.Quota("sector", ("s1",), min=1),) if "s1" in sectors else (),
        ),
    )
    return evo.Problem(pool, nets, ties)


def _all(problem: evo.Problem) -> list[evo.Composition]:
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


def _changes(
    base: evo.Composition, new: evo.Composition, forced: set[tuple[str, str]], nets: tuple[str, ...]
) -> int:
    total = 0
    for n in nets:
        old, cur = set(base.members.get(n, ())), set(new.members.get(n, ()))
        total += len(cur - old) + sum(1 for c in old - cur if (c, n) not in forced)
    return total


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sectors=st.lists(st.sampled_from(["s1", "s2", "s3"]), min_size=7, max_size=7),
    edges=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=5),
    base_index=st.integers(0, 10_000),
    n_declines=st.integers(1, 2),
    n_accepted=st.integers(0, 2),
    seed=st.integers(0, 1000),
)
def test_fewest_changes_then_best_objective_match_brute_force(
    sectors: list[str],
    edges: list[tuple[int, int]],
    base_index: int,
    n_declines: int,
    n_accepted: int,
    seed: int,
) -> None:
    p = _problem(sectors, edges)
    feasible = _all(p)
    if not feasible:
        return
    base = feasible[base_index % len(feasible)]
    rng = random.Random(seed)
    memberships = sorted((c, n) for n, ids in base.members.items() for c in ids)
    declined = rng.sample(memberships, n_declines)
    rest = [m for m in memberships if m not in declined]
    accepted = rng.sample(rest, min(n_accepted, len(rest)))
    forced = set(declined)
    allowed = [
        c
        for c in feasible
        if not any(cid in c.members.get(n, ()) for cid, n in declined)
        and all(cid in c.members.get(n, ()) for cid, n in accepted)
    ]
    r = recompose(p, base, declined=declined, accepted=accepted, time_limit=10, workers=1)
    if not allowed:
        # no repair keeps every accepted person: the fewest are released
        without = [
            c for c in feasible if not any(cid in c.members.get(n, ()) for cid, n in declined)
        ]
        if not without:
            assert r.composition is None and r.status is evo.SolveStatus.INFEASIBLE
            return
        fewest = min(sum(cid not in c.members.get(n, ()) for cid, n in accepted) for c in without)
        assert r.repair is not None and len(r.repair.released) == fewest >= 1
        return
    fewest = min(_changes(base, c, forced, p.network_names) for c in allowed)
    best = max(
        _objective(p, c) for c in allowed if _changes(base, c, forced, p.network_names) == fewest
    )
    assert r.composition is not None and r.repair is not None
    assert check(p, r.composition) == []
    assert r.repair.released == ()
    assert r.repair.changed == fewest == _changes(base, r.composition, forced, p.network_names)
    assert r.repair.fewest_proven and r.status is evo.SolveStatus.OPTIMAL
    assert r.objective == pytest.approx(best, abs=1e-6)
    for cid, n in accepted:
        assert cid in r.composition.members[n]
    assert r.repair.forced == len(declined)
    ins = [c for c in r.repair.changes if c.kind == "in"]
    outs = [c for c in r.repair.changes if c.kind == "out" and not c.forced]
    assert len(ins) + len(outs) == r.repair.changed


def _reasons_hold(p: evo.Problem, r: evo.Result) -> None:
    """Each rule an arrival is said to keep breaks when that arrival is taken out."""
    assert r.composition is not None and r.repair is not None
    final = r.composition
    for change in r.repair.changes:
        if change.kind != "in" or not change.rules:
            continue
        out = evo.Composition(
            {
                n: [c for c in ids if not (n == change.network and c == change.person)]
                for n, ids in final.members.items()
            },
            final.slots,
        )
        broken = {v.rule for v in check(p, out)}
        assert set(change.rules) <= broken, (change, broken)


@pytest.fixture(scope="module")
def stevns(
    stevns_solved: tuple[evo.Problem, evo.Composition],
) -> tuple[evo.Problem, evo.Composition]:
    return stevns_solved


def test_declines_on_stevns_change_little_and_keep_every_rule(
    stevns: tuple[evo.Problem, evo.Composition],
) -> None:
    p, base = stevns
    declined = [(base.members["food"][0], "food"), (base.members["industry"][2], "industry")]
    accepted = [(c, "food") for c in base.members["food"][1:4]]
    r = recompose(p, base, declined=declined, accepted=accepted, time_limit=10, seed=0)
    assert r.composition is not None and check(p, r.composition) == []
    assert r.repair is not None and r.repair.forced == 2
    assert r.repair.changed <= 4
    for cid, n in declined:
        assert cid not in r.composition.members[n]
    for cid, n in accepted:
        assert cid in r.composition.members[n]
    assert r.composition.slots["food"] == base.slots["food"]  # accepted keep their slot
    assert r.audit is not None and r.audit.call == "recompose"
    _reasons_hold(p, r)
    text = r.repair.text()
    assert "declined" in text and "change(s)" in text
    assert "afbud" in r.repair.text("da")
    frame = r.repair.to_frame()
    assert list(frame.columns) == [
        "kind",
        "network",
        "person",
        "forced",
        "replaces",
        "rules",
        "reason",
    ]


def test_an_unavailable_person_is_out_everywhere(
    stevns: tuple[evo.Problem, evo.Composition],
) -> None:
    p, base = stevns
    gone = base.members["vision"][0]
    r = recompose(p, base, unavailable=[gone], time_limit=10)
    assert r.composition is not None and gone not in r.composition.placed()
    assert all(c.forced for c in r.repair.changes if c.person == gone)  # type: ignore[union-attr]


def _release_problem() -> evo.Problem:
    pool = evo.Pool(
        (
            evo.Candidate("p1", "P1", "O1", "farm", "private"),
            evo.Candidate("p2", "P2", "O2", "food", "private"),
            evo.Candidate("p3", "P3", "O3", "food", "public"),
            evo.Candidate("p4", "P4", "O4", "tourism", "civil"),
            evo.Candidate("p5", "P5", "O5", "farm", "knowledge"),
        )
    )
    nets = (
        evo.NetworkSpec(
            "a",
            theme="Network A",
            min_size=2,
            max_size=2,
            quotas=(evo.Quota("sector", ("farm",), min=1),),
        ),
    )
    return evo.Problem(pool, nets, conflicts=(("p2", "p5"),))


def test_when_no_repair_keeps_the_accepted_the_fewest_are_named() -> None:
    p = _release_problem()
    base = evo.Composition({"a": ["p1", "p2"]})
    r = recompose(p, base, declined=[("p1", "a")], accepted=["p2"], time_limit=5)
    assert r.composition is not None and check(p, r.composition) == []
    assert r.repair is not None and r.repair.released == (("p2", "a"),)
    assert r.repair.released_proven
    assert "No repair keeps every accepted person in place" in r.repair.text()
    assert "p5" in r.composition.members["a"]


def test_without_any_repair_the_result_is_diagnosed() -> None:
    p = _release_problem()
    base = evo.Composition({"a": ["p1", "p2"]})
    r = recompose(p, base, declined=["p1"], unavailable=["p5"], time_limit=5)
    assert r.composition is None and r.status is evo.SolveStatus.INFEASIBLE
    assert r.diagnosis is not None and "quota" in r.diagnosis.rules


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"declined": [("p3", "a")]}, "not a member"),
        ({"declined": [("p1", "z")]}, "unknown network"),
        ({"declined": ["p9"]}, "not in the candidate pool"),
        ({"declined": ["p4"]}, "sits in no network"),
        ({"declined": ["p1"], "accepted": ["p1"]}, "both declined"),
        ({"unavailable": ["p9"]}, "not in the candidate pool"),
    ],
)
def test_bad_declines_are_clear_errors(kwargs: dict[str, object], match: str) -> None:
    p = _release_problem()
    base = evo.Composition({"a": ["p1", "p2"]})
    with pytest.raises(evo.CompositionError, match=match):
        recompose(p, base, time_limit=1, **kwargs)  # type: ignore[arg-type]


def test_replacements_match_brute_force() -> None:
    p = _problem(["s1", "s2", "s3", "s1", "s2", "s3", "s2"], [(0, 1), (2, 3)])
    comp = evo.Composition({"a": ["p0", "p1"], "b": ["p2", "p3"]})
    frame = replacements(p, comp, "b", "p3", k=10)
    base = _objective(p, comp)
    expected = []
    for c in p.pool.ids:
        if c in comp.members["b"]:
            continue
        members = {"a": list(comp.members["a"]), "b": ["p2", c]}
        trial = evo.Composition(members)
        if not check(p, trial):
            expected.append((c, _objective(p, trial) - base))
    expected.sort(key=lambda kv: (-kv[1], kv[0]))
    assert list(frame["candidate_id"]) == [c for c, _ in expected]
    assert list(frame["gain"]) == pytest.approx([g for _, g in expected])
    # p3 is the only s1 member of b: every replacement that works is from s1 and fills the quota
    assert all("quota" in r for r in frame["rules"])
    assert all("s1" in f for f in frame["fills"])


def test_replacements_refuse_a_non_member() -> None:
    p = evo.datasets.tiny()
    comp = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]})
    with pytest.raises(evo.CompositionError, match="not a member"):
        replacements(p, comp, "a", "p2")
