"""Explanations: every reason re-checked, every cost reproduced by a solve or brute force."""

from __future__ import annotations

import itertools

import pytest

import evocompose as evo
from evocompose.check import check
from evocompose.explain import Explanation, explain
from evocompose.objective import evaluate, weighted_total


def _objective(problem: evo.Problem, comp: evo.Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _without(comp: evo.Composition, net: str, cid: str) -> evo.Composition:
    return evo.Composition(
        {n: [c for c in ids if not (n == net and c == cid)] for n, ids in comp.members.items()},
        comp.slots,
    )


def _with(comp: evo.Composition, net: str, cid: str) -> evo.Composition:
    members = {n: list(ids) for n, ids in comp.members.items()}
    members.setdefault(net, []).append(cid)
    return evo.Composition(members, comp.slots)


@pytest.fixture(scope="module")
def stevns(
    stevns_solved: tuple[evo.Problem, evo.Composition],
) -> tuple[evo.Problem, evo.Composition, Explanation]:
    p, comp = stevns_solved
    return p, comp, explain(p, comp)


def test_every_member_has_a_reason(
    stevns: tuple[evo.Problem, evo.Composition, Explanation],
) -> None:
    _, comp, e = stevns
    assert len(e.members) == sum(len(ids) for ids in comp.members.values())
    for m in e.members:
        assert m.rules and m.reasons >= 1
        assert m.text()  # a sentence per member
    assert "Fødevarer og Jordbrug (food):" in str(e)


def test_each_rule_reason_is_true(stevns: tuple[evo.Problem, evo.Composition, Explanation]) -> None:
    p, comp, e = stevns
    base = set(check(p, comp))
    for m in e.members:
        person = p.pool[m.person]
        broken = [v for v in check(p, _without(comp, m.network, m.person)) if v not in base]
        # a rule of this network, a global one, or a bridge of another network
        # that this member's network needs (taking them out breaks it there)
        broken_rules = {
            v.rule
            for v in broken
            if v.network in (m.network, None) or v.detail.get("other") == m.network
        }
        for r in m.rules:
            if r.critical:
                assert r.rule in broken_rules, (m.person, r.rule, broken_rules)
            elif r.rule == "quota":
                assert person.attribute(r.detail["field"]) in r.detail["values"]
                assert r.detail["count"] >= r.detail["min"]
            elif r.rule == "skill":
                assert r.detail["skill"] in person.skills
            elif r.rule == "meeting":
                assert (
                    r.detail["slot"] == comp.slots[m.network]
                    and r.detail["slot"] in person.availability
                )
        # critical quota, skill, meeting or size reasons are exactly the rules that break
        named = {r.rule for r in m.rules if r.critical}
        assert named == broken_rules


def test_each_contribution_and_replacement_cost_is_the_objective_difference(
    stevns: tuple[evo.Problem, evo.Composition, Explanation],
) -> None:
    p, comp, e = stevns
    base = _objective(p, comp)
    for m in e.members[:12]:
        without = _objective(p, _without(comp, m.network, m.person))
        assert m.contribution == pytest.approx(base - without, abs=1e-6)
        if m.best_replacement is not None:
            swapped = _with(_without(comp, m.network, m.person), m.network, m.best_replacement)
            assert check(p, swapped) == []
            assert m.replacement_loss == pytest.approx(base - _objective(p, swapped), abs=1e-6)


def test_twenty_non_members_have_a_reason(
    stevns: tuple[evo.Problem, evo.Composition, Explanation],
) -> None:
    p, comp, e = stevns
    outside = [c.id for c in p.pool if c.id not in comp.placed()]
    answers = [e.why_not(c, time_limit=0) for c in outside[:40]]
    with_reason = [a for a in answers if a.has_reason]
    assert len(with_reason) >= 20
    for a in with_reason:
        assert a.text()


def test_each_why_not_rule_is_true(
    stevns: tuple[evo.Problem, evo.Composition, Explanation],
) -> None:
    p, comp, e = stevns
    outside = [c.id for c in p.pool if c.id not in comp.placed()][:30]
    base = set(check(p, comp))
    for cid in outside:
        a = e.why_not(cid, time_limit=0)
        for net, rules in a.rules.items():
            if not rules:
                continue
            added = [v for v in check(p, _with(comp, net, cid)) if v not in base]
            found = {
                v.rule for v in added if cid in v.people or v.rule in ("eligibility", "excluded")
            }
            assert set(rules) <= found, (cid, net, rules, found)


def test_why_not_costs_match_a_re_solve(
    stevns: tuple[evo.Problem, evo.Composition, Explanation],
) -> None:
    p, comp, e = stevns
    base = _objective(p, comp)
    asked = 0
    for c in p.pool:
        if c.id in comp.placed():
            continue
        a = e.why_not(c.id, time_limit=0.3, deterministic=True)
        if a.cost is None:
            continue
        assert a.composition is not None and a.placed_in is not None
        assert check(p, a.composition) == []
        assert c.id in a.composition.members[a.placed_in]
        assert a.cost == pytest.approx(base - _objective(p, a.composition), abs=1e-6)
        again = Explanation(p, comp, e.members).why_not(c.id, time_limit=0.3, deterministic=True)
        assert again.cost == pytest.approx(a.cost, abs=1e-6)
        asked += 1
        break
    assert asked == 1


def _tiny() -> evo.Problem:
    pool = evo.Pool(
        tuple(
            evo.Candidate(
                f"p{i}",
                f"P{i}",
                f"O{i}",
                ("s1", "s2", "s3")[i % 3],
                ("private", "public", "civil", "knowledge")[i % 4],
                skills=("x",) if i % 2 else (),
                availability=("tue-evening",) if i != 5 else ("mon-morning",),
                relevance={"a": 0.2 if i == 6 else 0.8, "b": 0.8},
            )
            for i in range(7)
        )
    )
    nets = (
        evo.NetworkSpec(
            "a",
            theme="Network A",
            min_size=2,
            max_size=3,
            min_relevance=0.5,
            meeting=evo.MeetingRule(1.0),
            skills=(evo.SkillRequirement("x", 1),),
        ),
        evo.NetworkSpec("b", theme="Network B", min_size=2, max_size=2),
    )
    return evo.Problem(pool, nets, conflicts=(("p0", "p3"),))


def _feasible(problem: evo.Problem) -> list[evo.Composition]:
    ids = problem.pool.ids
    out = []
    for choice in itertools.product(range(3), repeat=len(ids)):
        members: dict[str, list[str]] = {"a": [], "b": []}
        for cid, c in zip(ids, choice, strict=True):
            if c:
                members[("a", "b")[c - 1]].append(cid)
        comp = evo.Composition(members, {"a": "tue-evening"} if members["a"] else {})
        if not check(problem, comp):
            out.append(comp)
    return out


def test_costs_match_brute_force_on_a_tiny_problem() -> None:
    p = _tiny()
    feasible = _feasible(p)
    comp = min(feasible, key=lambda c: (_objective(p, c), sorted(c.members.items())))
    base = _objective(p, comp)
    e = explain(p, comp)
    for cid in p.pool.ids:
        if cid in comp.placed():
            m = next(m for m in e.members if m.person == cid)
            net = m.network
            swaps = [
                c
                for c in feasible
                if c.members["b" if net == "a" else "a"] == comp.members["b" if net == "a" else "a"]
                and set(c.members[net]) - set(comp.members[net])
                and len(set(comp.members[net]) - set(c.members[net])) == 1
                and cid not in c.members[net]
                and len(c.members[net]) == len(comp.members[net])
            ]
            if swaps:
                best = max(_objective(p, c) for c in swaps)
                assert m.replacement_loss == pytest.approx(base - best, abs=1e-6)
            else:
                assert m.best_replacement is None
            continue
        a = e.why_not(cid, time_limit=5)
        including = [c for c in feasible if cid in c.placed()]
        if a.cost is not None:
            assert a.cost == pytest.approx(
                base - max(_objective(p, c) for c in including), abs=1e-6
            )
        else:
            assert all(a.blocked[n] for n in a.blocked)


def test_why_not_names_the_rules_that_keep_someone_out() -> None:
    p = _tiny()
    comp = evo.Composition({"a": ["p0", "p1"], "b": ["p2", "p4"]}, {"a": "tue-evening"})
    e = explain(p, comp)
    assert e.why_not("p5").rules["a"] == ("meeting",)  # not free at tue-evening
    assert e.why_not("p6").rules["a"] == ("eligibility",)  # relevance 0.2 < 0.5
    assert "conflict" in e.why_not("p3").rules["a"]  # in conflict with p0
    text = e.why_not("p6").text()
    assert "below the minimum 0.50" in text
    assert "under mindstekravet" in e.why_not("p6").text("da")


def test_frames_and_html_keep_names_out_when_asked(
    stevns: tuple[evo.Problem, evo.Composition, Explanation],
) -> None:
    p, _, e = stevns
    frame = e.to_frame()
    assert "name" in frame.columns and len(frame) == len(e.members)
    quiet = e.to_frame(pseudonymise=True)
    assert "name" not in quiet.columns
    html = e._repr_html_()
    assert "<table" in html and p.pool[e.members[0].person].name not in html
    assert p.pool[e.members[0].person].name not in str(e)
