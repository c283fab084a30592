"""An independent oracle for the hard rules and the objective, for tests only.

Written from ``docs/formats.md``, ``docs/objective.md`` and the rule summaries
of :mod:`evocompose.vocabulary`, and on purpose *without* any helper of the
package that decides or scores: it never calls ``Problem.eligible``,
``Problem.capacity``, ``Problem.relevance``, ``Problem.may_share``,
``Quota.count_bounds``, ``MeetingRule.required_available``,
``Candidate.attribute``, ``evaluate``, ``weighted_total`` or ``check``. It
reads only the plain fields of the problem (candidates, network specs, ties,
weights), so a bug in one of those helpers cannot hide itself by agreeing
with its own test.

Shares and quorums are compared exactly as the decimal the user wrote
(``0.34`` is 34/100): ``count >= min * size`` becomes
``count * den >= num * size`` in integers.

Used by the brute force (``test_cpsat_bruteforce.py``) and by the property
test of the checker (``test_check_oracle.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction

from evocompose import Candidate, NetworkSpec, Problem

Members = Mapping[str, Sequence[str]]

_TEXT_FIELDS = ("sector", "actor_type", "area", "organisation")


def value_of(c: Candidate, field: str) -> str:
    """A candidate's value of a countable field or declared attribute, as text."""
    if field == "external":
        return "true" if c.external else "false"
    if field in _TEXT_FIELDS:
        return str(getattr(c, field))
    return str(c.attributes.get(field, ""))


def capacity_of(p: Problem, cid: str) -> int:
    own = p.pool[cid].capacity
    return p.default_capacity if own is None else own


def relevance_of(p: Problem, cid: str, spec: NetworkSpec) -> float:
    c = p.pool[cid]
    if spec.name in c.relevance:
        return float(c.relevance[spec.name])
    return 1.0 if set(c.themes) & set(spec.tags) else 0.0


def _decimal(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def _at_least(count: int, share: float, size: int) -> bool:
    """``count >= share * size`` exactly, with ``share`` read as the decimal written."""
    f = _decimal(share)
    return count * f.denominator >= f.numerator * size


def _at_most(count: int, share: float, size: int) -> bool:
    f = _decimal(share)
    return count * f.denominator <= f.numerator * size


def _may_share(p: Problem, a: str, b: str) -> bool:
    return any({a, b} == {x, y} for x, y in p.share_members)


def quota_ok(p: Problem, spec: NetworkSpec, members: Sequence[str]) -> bool:
    size = len(members)
    for q in spec.quotas:
        count = sum(1 for m in members if value_of(p.pool[m], q.field) in q.values)
        if q.unit == "count":
            if q.min is not None and count < q.min:
                return False
            if q.max is not None and count > q.max:
                return False
        else:
            if q.min is not None and not _at_least(count, q.min, size):
                return False
            if q.max is not None and not _at_most(count, q.max, size):
                return False
    return True


def meeting_ok(p: Problem, spec: NetworkSpec, members: Sequence[str], slot: str | None) -> bool:
    """The meeting rule with ``slot`` as the chosen slot (waived for an empty network)."""
    rule = spec.meeting
    if rule is None or not members:
        return True
    if slot is None or (rule.slots and slot not in rule.slots):
        return False
    free = sum(1 for m in members if slot in p.pool[m].availability)
    return _at_least(free, rule.quorum, len(members))


def slot_choices(p: Problem, spec: NetworkSpec) -> list[str | None]:
    """Every slot a network could name: its allowed slots, or any slot somebody offers.

    ``[None]`` when there is none (only an empty network keeps its meeting rule then).
    """
    if spec.meeting is None:
        return [None]
    if spec.meeting.slots:
        return list(spec.meeting.slots)
    return sorted({s for c in p.pool for s in c.availability}) or [None]


def network_broken(
    p: Problem, spec: NetworkSpec, members: Sequence[str], slot: str | None
) -> set[str]:
    """The rules of one network that ``members`` (meeting in ``slot``) breaks on their own."""
    pool = p.pool
    inside = set(members)
    size = len(members)
    out: set[str] = set()
    if not spec.min_size <= size <= spec.max_size:
        out.add("size")
    for m in members:
        if capacity_of(p, m) == 0:
            out.add("eligibility")
        if spec.min_relevance is not None and relevance_of(p, m, spec) < spec.min_relevance:
            out.add("eligibility")
        if m in spec.exclude or m in p.excluded:
            out.add("excluded")
    if any(x not in inside for x in spec.include):
        out.add("include")
    if not quota_ok(p, spec, members):
        out.add("quota")
    for limit in spec.max_per:
        values = [value_of(pool[m], limit.field) for m in members]
        if any(values.count(v) > limit.max for v in values):
            out.add("max_per")
    for need in spec.skills:
        if sum(1 for m in members if need.skill in pool[m].skills) < need.min:
            out.add("skill")
    if not meeting_ok(p, spec, members, slot):
        out.add("meeting")
    if any(a in inside and b in inside for a, b in p.conflicts):
        out.add("conflict")
    if any((a in inside) != (b in inside) for a, b in p.must_pairs):
        out.add("must_pair")
    if spec.min_known > 0:
        for m in members:
            known = sum(1 for x in members if x != m and p.ties.has_edge(m, x))
            if known < spec.min_known:
                out.add("cohesion")
    return out


def global_broken(p: Problem, members: Members) -> set[tuple[str, str | None]]:
    """The rules across networks: bridge (per network), capacity, sharing, required, assign_all."""
    names = [s.name for s in p.networks]
    comp = {n: list(members.get(n, ())) for n in names}
    out: set[tuple[str, str | None]] = set()
    for spec in p.networks:
        rule = spec.bridge
        if rule is None:
            continue
        mine = set(comp[spec.name])
        for other in names:
            if other == spec.name or not comp[other]:
                continue
            reached = 0
            for x in comp[other]:
                if x in mine or (
                    rule.mode == "share_or_tie" and any(p.ties.has_edge(x, m) for m in mine)
                ):
                    reached += 1
            if reached < rule.min:
                out.add(("bridge", spec.name))
    placed: dict[str, list[str]] = {}
    for n in names:
        for m in comp[n]:
            placed.setdefault(m, []).append(n)
    for cid, nets in placed.items():
        cap = capacity_of(p, cid)
        if cap > 0 and len(nets) > cap:
            out.add(("capacity", None))
        if any(not _may_share(p, a, b) for a, b in itertools.combinations(nets, 2)):
            out.add(("sharing", None))
    if any(r not in placed for r in p.required):
        out.add(("required", None))
    if p.assign_all and any(c.id not in placed for c in p.pool):
        out.add(("assign_all", None))
    return out


def broken(
    p: Problem, members: Members, slots: Mapping[str, str] | None = None
) -> set[tuple[str, str | None]]:
    """Every ``(rule, network)`` a composition of known people breaks (network ``None``: global)."""
    slots = slots or {}
    out = {
        (r, spec.name)
        for spec in p.networks
        for r in network_broken(p, spec, list(members.get(spec.name, ())), slots.get(spec.name))
    }
    return out | global_broken(p, members)


# ------------------------------------------------------------------ the objective
def _weight(p: Problem, spec: NetworkSpec, term: str) -> float:
    if term in spec.weights:
        return float(spec.weights[term])
    return float(getattr(p.weights, term))


def network_score(p: Problem, spec: NetworkSpec, members: Sequence[str]) -> float:
    """The weighted objective of one network, pair by pair and member by member."""
    pool, w = p.pool, p.weights
    total = 0.0
    for a, b in itertools.combinations(members, 2):
        x, y = pool[a], pool[b]
        total += _weight(p, spec, "sector") * (x.sector != y.sector)
        total += _weight(p, spec, "actor_type") * (x.actor_type != y.actor_type)
        total += _weight(p, spec, "area") * (x.area != y.area)
        attrs = sum(
            float(w.attribute_weights.get(k, 1.0))
            * (x.attributes.get(k, "") != y.attributes.get(k, ""))
            for k in p.attributes
        )
        total += _weight(p, spec, "attributes") * attrs
        total += _weight(p, spec, "skills") * len(set(x.skills) ^ set(y.skills))
        new_tie = x.sector != y.sector and not p.ties.has_edge(a, b)
        total += _weight(p, spec, "new_cross_sector_ties") * new_tie
        table = spec.synergy
        syn = table.get((x.sector, y.sector), table.get((y.sector, x.sector), 0.0))
        total += _weight(p, spec, "synergy") * syn
        if p.dissimilarity is not None:
            i, j = p.pool.ids.index(a), p.pool.ids.index(b)
            total += _weight(p, spec, "dissimilarity") * float(p.dissimilarity[i][j])
    for m in members:
        total += _weight(p, spec, "relevance") * relevance_of(p, m, spec)
        known = sum(1 for x in members if x != m and p.ties.has_edge(m, x))
        total += _weight(p, spec, "cohesion") * (known >= w.cohesion_target)
    return total


def score(p: Problem, members: Members) -> float:
    """The weighted objective (mode ``weighted``) of a composition."""
    total = sum(network_score(p, s, list(members.get(s.name, ()))) for s in p.networks)
    placed = {m for s in p.networks for m in members.get(s.name, ())}
    return total + float(p.weights.spread) * len(placed)
