"""The hard rules in the local search, one implementation per rule name.

:data:`RULES` maps every rule name of :mod:`evocompose.vocabulary` to how
the compiled search (:mod:`._core`) keeps it:

* ``compile(compiled)`` fills the rule's arrays of the compiled problem
  (:class:`~evocompose.solvers.search.state.Compiled`): a domain mask, pins,
  quota bounds per size, ... (``None``: the rule needs only shared arrays);
* ``check`` is the compiled function that reads the rule's violation from
  the search state's counts: per network, per person, or for the whole
  composition (``scope``). 0 means the rule holds.

After every move the search calls the checks of the rules the problem uses
(:meth:`~evocompose.Problem.active_rules`, the flags ``P.on``) for what the
move touched (:func:`._core.move_ok`). The construction keeps the rules a
greedy step can keep; the repair keeps the rules marked ``repair="hard"``
and lowers the violation of the others to zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from evocompose.vocabulary import RULE_NAMES

from . import _core
from .rows import offsets

if TYPE_CHECKING:
    from .state import Compiled

__all__ = ["RULES", "RULE_IDS", "SearchRule"]


@dataclass(frozen=True)
class SearchRule:
    """How the search keeps one rule (see the module docstring).

    Attributes
    ----------
    scope : {"network", "person", "global"}
        What the check reads: one network, one person, or everything.
    check : numba dispatcher
        ``check(P, S, g)``, ``check(P, S, i)`` or ``check(P, S)``: the violation.
    compile : callable or None
        Fills the rule's arrays of a :class:`~.state.Compiled`.
    repair : {"hard", "soft"}
        Whether the repair keeps the rule throughout (``hard``) or lowers
        its violation to zero (``soft``).
    """

    scope: Literal["network", "person", "global"]
    check: Any
    compile: Any = None
    repair: Literal["hard", "soft"] = "hard"


def _eligibility(c: Compiled) -> None:
    c.elig &= c.problem.capable_table()


def _excluded(c: Compiled) -> None:
    c.excl |= ~c.problem.not_excluded_table()


def _include(c: Compiled) -> None:
    for g, spec in enumerate(c.problem.networks):
        for x in spec.include:
            c.pinned[c.person(x), g] = True


def _quota(c: Compiled) -> None:
    classes: dict[tuple[str, tuple[str, ...]], int] = {}
    masks: list[np.ndarray] = []
    cls, lo, hi = [], [], []
    ptr = [0]
    sizes = range(c.M + 1)
    for spec in c.problem.networks:
        for q in spec.quotas:
            key = (q.field, tuple(sorted(q.values)))
            if key not in classes:
                codes, values = c.field_codes(q.field)
                counted = np.array([v in set(q.values) for v in values], dtype=bool)
                masks.append(counted[codes] if values else np.zeros(c.n, dtype=bool))
                classes[key] = len(masks) - 1
            cls.append(classes[key])
            bounds = [q.count_bounds(s) for s in sizes]
            lo.append([b[0] for b in bounds])
            hi.append([b[1] for b in bounds])
        ptr.append(len(cls))
    c.q_ptr = np.array(ptr, dtype=np.int64)
    c.q_cls = np.array(cls, dtype=np.int64)
    c.cls_mask = np.stack(masks) if masks else np.zeros((1, c.n), dtype=bool)
    c.q_lo = np.array(lo, dtype=np.int32).reshape(len(cls), c.M + 1)
    c.q_hi = np.array(hi, dtype=np.int32).reshape(len(cls), c.M + 1)


def _max_per(c: Compiled) -> None:
    fields: dict[str, int] = {}
    codes_list: list[np.ndarray] = []
    cards: list[int] = []
    field, limit, off = [], [], []
    ptr = [0]
    total = 0
    for spec in c.problem.networks:
        for m in spec.max_per:
            if m.field not in fields:
                codes, values = c.field_codes(m.field)
                codes_list.append(codes)
                cards.append(max(1, len(values)))
                fields[m.field] = len(codes_list) - 1
            f = fields[m.field]
            field.append(f)
            limit.append(m.max)
            off.append(total)
            total += cards[f]
        ptr.append(len(field))
    c.mp_ptr = np.array(ptr, dtype=np.int64)
    c.mp_field = np.array(field, dtype=np.int64)
    c.mp_limit = np.array(limit, dtype=np.int64)
    c.mp_off = np.array(off, dtype=np.int64)
    c.mp_codes = np.stack(codes_list) if codes_list else np.zeros((1, c.n), dtype=np.int32)
    c.mp_total = max(1, total)


def _skill(c: Compiled) -> None:
    skill, least = [], []
    ptr = [0]
    for spec in c.problem.networks:
        for s in spec.skills:
            skill.append(c.skill_index[s.skill])
            least.append(s.min)
        ptr.append(len(skill))
    c.sr_ptr = np.array(ptr, dtype=np.int64)
    c.sr_skill = np.array(skill, dtype=np.int64)
    c.sr_min = np.array(least, dtype=np.int64)


def _meeting(c: Compiled) -> None:
    slot_index = {s: t for t, s in enumerate(c.slots)}
    free = list(map(attrgetter("availability"), c.problem.pool.candidates))
    held = np.fromiter(map(len, free), dtype=np.int64, count=c.n)
    slots = np.fromiter(
        map(slot_index.__getitem__, chain.from_iterable(free)), np.int64, held.sum()
    )
    c.free[np.repeat(np.arange(c.n), held), slots] = 1
    for g, spec in enumerate(c.problem.networks):
        rule = spec.meeting
        if rule is None:
            continue
        c.m_on[g] = True
        for s in rule.slots or c.slots:
            if s in slot_index:
                c.m_allowed[g, slot_index[s]] = True
        c.m_need[g] = [rule.required_available(s) for s in range(c.M + 1)]


def _conflict(c: Compiled) -> None:
    pairs = [(c.person(a), c.person(b)) for a, b in c.problem.conflicts]
    ends = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([ends[:, 0], ends[:, 1]])
    dst = np.concatenate([ends[:, 1], ends[:, 0]])
    order = np.lexsort((dst, src))  # by person, then partner
    c.cf_ptr = offsets(np.bincount(src, minlength=c.n))
    c.cf_idx = dst[order].astype(np.int32)


def _cohesion(c: Compiled) -> None:
    c.min_known = np.array([s.min_known for s in c.problem.networks], dtype=np.int64)


def _bridge(c: Compiled) -> None:
    for g, spec in enumerate(c.problem.networks):
        if spec.bridge is not None and spec.bridge.min > 0:
            c.br_min[g] = spec.bridge.min
            c.br_tie[g] = spec.bridge.mode == "share_or_tie"


def _sharing(c: Compiled) -> None:
    problem = c.problem
    names = c.names
    for a in range(c.G):
        for b in range(c.G):
            if a != b:
                c.no_share[a, b] = not problem.may_share(names[a], names[b])


def _required(c: Compiled) -> None:
    for x in c.problem.required:
        c.req_listed[c.person(x)] = True


#: How the search keeps each rule of :mod:`evocompose.vocabulary`, by name.
RULES: dict[str, SearchRule] = {
    "size": SearchRule("network", _core.rule_size, None, "soft"),
    "eligibility": SearchRule("person", _core.rule_eligibility, _eligibility),
    "excluded": SearchRule("person", _core.rule_excluded, _excluded),
    "include": SearchRule("person", _core.rule_include, _include),
    "quota": SearchRule("network", _core.rule_quota, _quota, "soft"),
    "max_per": SearchRule("network", _core.rule_max_per, _max_per),
    "skill": SearchRule("network", _core.rule_skill, _skill, "soft"),
    "meeting": SearchRule("network", _core.rule_meeting, _meeting, "soft"),
    "conflict": SearchRule("network", _core.rule_conflict, _conflict),
    "must_pair": SearchRule("person", _core.rule_must_pair),
    "cohesion": SearchRule("network", _core.rule_cohesion, _cohesion, "soft"),
    "bridge": SearchRule("global", _core.rule_bridge, _bridge, "soft"),
    "capacity": SearchRule("person", _core.rule_capacity),
    "sharing": SearchRule("person", _core.rule_sharing, _sharing),
    "required": SearchRule("person", _core.rule_required, _required, "soft"),
    "assign_all": SearchRule("person", _core.rule_assign_all, None, "soft"),
}

#: Position of each rule in the kernels' flags ``P.on`` (the vocabulary's order).
RULE_IDS: dict[str, int] = {name: k for k, name in enumerate(RULE_NAMES)}
