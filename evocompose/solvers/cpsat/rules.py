"""The hard rules in the CP-SAT model, one implementation per rule name.

:data:`RULES` maps every rule name of :mod:`evocompose.vocabulary` to how
the model states it: by constraints (``build``, one small function per rule,
every constraint named ``rule[network][detail]`` such as
``quota[food][sector in {agriculture} >= 2][min]`` so that conflicts can be
traced to rules), or by which ``x[i, g]`` variables exist at all
(``allows``: a pair a rule forbids gets no variable). :func:`build_model`
creates the variables and states every rule the problem uses
(:meth:`~evocompose.Problem.active_rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from ortools.sat.python import cp_model

from evocompose.composition import Composition
from evocompose.constraints import as_fraction

from .model import CpsatModel, IntVar

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = [
    "BUILD_ORDER",
    "CUT_MODEL",
    "CUT_MODEL_UNHINTED",
    "RULES",
    "RuleImpl",
    "add_change_limit",
    "build_model",
]

#: Largest number of ``x`` variables for which the objective's LP cuts are on
#: by default when the solve starts from a hint ...
CUT_MODEL = 2_000
#: ... and without one (small models, where proving optimality matters most).
CUT_MODEL_UNHINTED = 200


@dataclass(frozen=True)
class RuleImpl:
    """How the model states one rule.

    Attributes
    ----------
    build : callable, optional
        Adds the rule's constraints to a model whose variables exist.
    allows : callable, optional
        ``allows(problem)``: a ``(candidates, networks)`` boolean table of
        the pairs the rule lets sit together at all (vectorised: models of
        100,000 candidates are built in seconds); pairs it forbids get no
        variable.
    """

    build: Callable[[CpsatModel], None] | None = None
    allows: Callable[[Problem], np.ndarray] | None = None


def add_variables(m: CpsatModel, domains: list[Callable[[Problem], np.ndarray]]) -> None:
    """Create ``x[i, g]`` for the pairs every domain rule allows, sizes and slot variables."""
    problem = m.problem
    ids = problem.pool.ids
    allowed = np.ones((len(ids), len(problem.networks)), dtype=bool)
    for table in domains:
        allowed &= table(problem)
    for g, spec in enumerate(problem.networks):
        m.check_time()
        elig = np.flatnonzero(allowed[:, g]).tolist()
        m.eligible.append(elig)
        for i in elig:
            m.x[i, g] = m.model.new_bool_var(f"x[{ids[i]}][{spec.name}]")
        hi = min(spec.max_size, len(elig))
        lo = min(spec.min_size, hi)  # Problem validation guarantees min_size <= #eligible
        m.size_bounds.append((lo, hi))
        m.size.append(m.model.new_int_var(0, max(hi, 0), f"size[{spec.name}]"))
        if spec.meeting is not None:
            slots = tuple(spec.meeting.slots) or problem.pool.slots
            m.slots.append(slots)
            for t, slot in enumerate(slots):
                m.s[g, t] = m.model.new_bool_var(f"s[{spec.name}][{slot}]")
        else:
            m.slots.append(())
    index = {cid: i for i, cid in enumerate(ids)}
    for k, cid in enumerate(ids):
        if k % 4096 == 0:
            m.check_time()
        m.neighbours.append(sorted(index[nb] for nb in problem.ties.neighbors(cid) if nb in index))


def add_size(m: CpsatModel) -> None:
    """``size[g] = sum_i x[i, g]`` and ``min_size <= size[g] <= max_size``."""
    for g, spec in enumerate(m.problem.networks):
        m.check_time()
        name = spec.name
        m.model.add(m.size[g] == m.members_sum(g, m.eligible[g])).with_name(f"size[{name}][link]")
        m.model.add(m.size[g] >= spec.min_size).with_name(f"size[{name}][min {spec.min_size}]")
        m.model.add(m.size[g] <= spec.max_size).with_name(f"size[{name}][max {spec.max_size}]")


def add_capacity(m: CpsatModel) -> None:
    """Each candidate joins at most ``capacity`` networks."""
    problem = m.problem
    n_net = len(problem.networks)
    for i, cid in enumerate(problem.pool.ids):
        xs = [m.x[i, g] for g in range(n_net) if (i, g) in m.x]
        cap = problem.capacity(cid)
        if len(xs) > cap:
            m.model.add(cp_model.LinearExpr.sum(xs) <= cap).with_name(f"capacity[{cid}][<= {cap}]")


def add_sharing(m: CpsatModel) -> None:
    """Networks not allowed to share members get ``x[i, g] + x[i, h] <= 1``."""
    problem = m.problem
    nets = problem.networks
    ids = problem.pool.ids
    two = problem.capacities() >= 2  # capacity 1 keeps them apart already
    inside = [frozenset(e) for e in m.eligible]
    for g in range(len(nets)):
        for h in range(g + 1, len(nets)):
            if problem.may_share(nets[g].name, nets[h].name):
                continue
            for i in m.eligible[g]:
                if two[i] and i in inside[h]:
                    m.model.add_at_most_one([m.x[i, g], m.x[i, h]]).with_name(
                        f"sharing[{nets[g].name}|{nets[h].name}][{ids[i]}]"
                    )
            m.check_time()


def _placed(m: CpsatModel, who: list[int], label: str) -> None:
    ids = m.problem.pool.ids
    n_net = len(m.problem.networks)
    for i in who:
        xs = [m.x[i, g] for g in range(n_net) if (i, g) in m.x]
        m.model.add_bool_or(xs).with_name(f"{label}[{ids[i]}]")


def add_required(m: CpsatModel) -> None:
    """Required people are placed somewhere."""
    pool = m.problem.pool
    _placed(m, [pool.index(c) for c in m.problem.required], "required")


def add_assign_all(m: CpsatModel) -> None:
    """With ``assign_all``, everyone is placed somewhere."""
    _placed(m, list(range(len(m.problem.pool))), "assign_all")


def add_include(m: CpsatModel) -> None:
    """``include`` pins: ``x[i, g] = 1`` (``exclude`` pins have no variable)."""
    problem = m.problem
    for g, spec in enumerate(problem.networks):
        m.check_time()
        for cid in spec.include:
            i = problem.pool.index(cid)
            v = m.var(i, g)
            if v is None:  # not eligible: impossible pin, make the model infeasible
                m.model.add_bool_or([]).with_name(f"include[{spec.name}][{cid}]")
            else:
                m.model.add(v == 1).with_name(f"include[{spec.name}][{cid}]")


def add_quotas(m: CpsatModel) -> None:
    """Quota bounds, exact: share bounds as ``count * den >= num * size`` in integers."""
    pool = m.problem.pool
    for g, spec in enumerate(m.problem.networks):
        m.check_time()
        for q in spec.quotas:
            values = set(q.values)
            group = [i for i in m.eligible[g] if pool.candidates[i].attribute(q.field) in values]
            count = m.members_sum(g, group)
            label = f"quota[{spec.name}][{q.describe()}]"
            if q.unit == "share":
                if q.min is not None:
                    f = as_fraction(q.min)
                    m.model.add(count * f.denominator >= f.numerator * m.size[g]).with_name(
                        f"{label}[min]"
                    )
                if q.max is not None:
                    f = as_fraction(q.max)
                    m.model.add(count * f.denominator <= f.numerator * m.size[g]).with_name(
                        f"{label}[max]"
                    )
            else:
                if q.min is not None:
                    m.model.add(count >= int(q.min)).with_name(f"{label}[min]")
                if q.max is not None:
                    m.model.add(count <= int(q.max)).with_name(f"{label}[max]")


def add_skills(m: CpsatModel) -> None:
    """Skill coverage: at least ``k`` holders of each required skill."""
    pool = m.problem.pool
    for g, spec in enumerate(m.problem.networks):
        m.check_time()
        for req in spec.skills:
            holders = [i for i in m.eligible[g] if req.skill in pool.candidates[i].skills]
            m.model.add(m.members_sum(g, holders) >= req.min).with_name(
                f"skill[{spec.name}][{req.skill} >= {req.min}]"
            )


def add_max_per(m: CpsatModel) -> None:
    """At most ``k`` members per value of a field (``MaxPer(field, k)``)."""
    pool = m.problem.pool
    for g, spec in enumerate(m.problem.networks):
        m.check_time()
        for limit in spec.max_per:
            by_value: dict[str, list[int]] = {}
            for i in m.eligible[g]:
                by_value.setdefault(pool.candidates[i].attribute(limit.field), []).append(i)
            for value in sorted(by_value):
                if len(by_value[value]) > limit.max:
                    m.model.add(m.members_sum(g, by_value[value]) <= limit.max).with_name(
                        f"max_per[{spec.name}][{limit.field}={value} <= {limit.max}]"
                    )


def add_meeting(m: CpsatModel) -> None:
    """One-hot slot choice and the quorum rule.

    Quorum 1.0 uses one constraint per member, ``x[i, g] <= sum_{t in avail(i)} s[g, t]``
    (cheaper than one ``x + s <= 1`` per missing slot). A quorum ``q = num/den < 1``
    uses, per slot, ``den * available >= num * size`` enforced if the slot is chosen.
    """
    pool = m.problem.pool
    for g, spec in enumerate(m.problem.networks):
        m.check_time()
        rule = spec.meeting
        if rule is None:
            continue
        slots = m.slots[g]
        if not slots:  # nobody offers a slot: only an empty network keeps the rule
            m.model.add(m.size[g] == 0).with_name(f"meeting[{spec.name}][no slot: empty]")
            continue
        svars = [m.s[g, t] for t in range(len(slots))]
        m.model.add_exactly_one(svars).with_name(f"meeting[{spec.name}][one slot]")
        f = as_fraction(rule.quorum)
        if f >= 1:
            for i in m.eligible[g]:
                avail = set(pool.candidates[i].availability)
                ok = [m.s[g, t] for t, slot in enumerate(slots) if slot in avail]
                m.model.add_bool_or([*ok, ~m.x[i, g]]).with_name(
                    f"meeting[{spec.name}][{pool.candidates[i].id} free]"
                )
        else:
            for t, slot in enumerate(slots):
                free = [i for i in m.eligible[g] if slot in pool.candidates[i].availability]
                m.model.add(
                    f.denominator * m.members_sum(g, free) >= f.numerator * m.size[g]
                ).only_enforce_if(m.s[g, t]).with_name(f"meeting[{spec.name}][quorum {slot}]")


def add_conflicts(m: CpsatModel) -> None:
    """Conflict pairs never sit in the same network."""
    problem = m.problem
    for a, b in problem.conflicts:
        i, j = problem.pool.index(a), problem.pool.index(b)
        for g, spec in enumerate(problem.networks):
            m.check_time()
            if (i, g) in m.x and (j, g) in m.x:
                m.model.add_at_most_one([m.x[i, g], m.x[j, g]]).with_name(
                    f"conflict[{spec.name}][{a}|{b}]"
                )


def add_must_pairs(m: CpsatModel) -> None:
    """Must-pairs sit together in every network either joins (a missing variable is 0)."""
    problem = m.problem
    for a, b in problem.must_pairs:
        i, j = problem.pool.index(a), problem.pool.index(b)
        for g, spec in enumerate(problem.networks):
            m.check_time()
            xi, xj = m.var(i, g), m.var(j, g)
            label = f"must_pair[{spec.name}][{a}|{b}]"
            if xi is not None and xj is not None:
                m.model.add(xi == xj).with_name(label)
            elif xi is not None:
                m.model.add(xi == 0).with_name(label)
            elif xj is not None:
                m.model.add(xj == 0).with_name(label)


def add_cohesion(m: CpsatModel) -> None:
    """``min_known = c``: every member knows at least ``c`` other members.

    Linear without pair variables: ``sum_{j in N(i)} x[j, g] >= c * x[i, g]``.
    """
    ids = m.problem.pool.ids
    for g, spec in enumerate(m.problem.networks):
        m.check_time()
        c = spec.min_known
        if c <= 0:
            continue
        for i in m.eligible[g]:
            nbs = [j for j in m.neighbours[i] if (j, g) in m.x]
            m.model.add(m.members_sum(g, nbs) >= c * m.x[i, g]).with_name(
                f"cohesion[{spec.name}][{ids[i]} knows >= {c}]"
            )


def add_bridges(m: CpsatModel) -> None:
    """Bridge rule on ``g``: each other non-empty network ``h`` has ``>= b`` bridged members.

    Member ``i`` of ``h`` is bridged when it also sits in ``g`` (``share``) or
    sits in ``g`` or knows a member of ``g`` (``share_or_tie``):
    ``r[i, h] <= x[i, h]`` and ``r[i, h] <= x[i, g] (+ sum_{j in N(i)} x[j, g])``,
    ``sum_i r[i, h] >= b`` (enforced only when ``h`` is non-empty).
    """
    problem = m.problem
    ids = problem.pool.ids
    nets = problem.networks
    for g, spec in enumerate(nets):
        rule = spec.bridge
        if rule is None or rule.min <= 0:
            continue
        for h, other in enumerate(nets):
            if h == g:
                continue
            label = f"bridge[{spec.name}][{other.name}]"
            rs: list[IntVar] = []
            for i in m.eligible[h]:
                reach: list[IntVar] = []
                if (i, g) in m.x:
                    reach.append(m.x[i, g])
                if rule.mode == "share_or_tie":
                    reach += [m.x[j, g] for j in m.neighbours[i] if (j, g) in m.x]
                if not reach:
                    continue
                r = m.model.new_bool_var(f"r[{spec.name}][{other.name}][{ids[i]}]")
                m.model.add_implication(r, m.x[i, h])
                m.model.add_bool_or([*reach, ~r])
                rs.append(r)
            ct = m.model.add(cp_model.LinearExpr.sum(rs) >= rule.min)
            ne = m.nonempty(h)
            if ne is not None:
                ct.only_enforce_if(ne)
            ct.with_name(label)
            m.check_time()  # one bridge is a variable per member and their ties: seconds on 5,000


#: How the model states each rule of :mod:`evocompose.vocabulary`, by name.
RULES: dict[str, RuleImpl] = {
    "size": RuleImpl(build=add_size),
    "eligibility": RuleImpl(allows=lambda problem: problem.capable_table()),
    "excluded": RuleImpl(allows=lambda problem: problem.not_excluded_table()),
    "include": RuleImpl(build=add_include),
    "quota": RuleImpl(build=add_quotas),
    "max_per": RuleImpl(build=add_max_per),
    "skill": RuleImpl(build=add_skills),
    "meeting": RuleImpl(build=add_meeting),
    "conflict": RuleImpl(build=add_conflicts),
    "must_pair": RuleImpl(build=add_must_pairs),
    "cohesion": RuleImpl(build=add_cohesion),
    "bridge": RuleImpl(build=add_bridges),
    "capacity": RuleImpl(build=add_capacity),
    "sharing": RuleImpl(build=add_sharing),
    "required": RuleImpl(build=add_required),
    "assign_all": RuleImpl(build=add_assign_all),
}

#: The order in which :func:`build_model` states the rules (every name of
#: :data:`RULES` once). Coupling rules first: CP-SAT's first solutions under
#: short budgets depend on it. Measured on Stevns seed 0 (n=250, 5 s, 2
#: workers, seeds 0-2): 1,678.6 / 1,670.5 / 1,656.3 in this order against
#: 1,438.0 / 1,542.0 / 1,330.3 in the vocabulary's report order.
BUILD_ORDER: tuple[str, ...] = (
    "size",
    "capacity",
    "sharing",
    "required",
    "assign_all",
    "eligibility",
    "excluded",
    "include",
    "quota",
    "skill",
    "max_per",
    "meeting",
    "conflict",
    "must_pair",
    "cohesion",
    "bridge",
)


def build_model(
    problem: Problem,
    *,
    cuts: bool | None = None,
    hinted: bool = False,
    deadline: float | None = None,
) -> CpsatModel:
    """Variables and every hard rule of ``problem`` (no objective yet).

    With a ``deadline`` (a ``time.perf_counter`` moment) building raises
    :class:`~evocompose.solvers.cpsat.model.BuildOutOfTime` once it passes
    it (checked after each rule and while pair variables are made), and so
    do the objective terms built on the model afterwards.

    ``cuts`` is stored on the model for the objective terms (see
    :class:`CpsatModel`). ``None`` means on for models of at most
    :data:`CUT_MODEL` candidate-network variables when the solve starts from
    a hint (``hinted``), or :data:`CUT_MODEL_UNHINTED` without one. The cuts
    tighten the bound (Stevns n=250: 10 s bound 1,699 instead of 1,707) but
    slow CP-SAT's own search for first solutions: without a hint its 10 s
    objective on Stevns n=250 fell from ~1,678 to 1,440-1,664; on
    1,000 candidates x 12 networks it found no solution in 30 s with them,
    against one at ~23 s without.

    Examples
    --------
    >>> import evocompose as evo
    >>> m = build_model(evo.datasets.tiny())
    >>> len(m.x)
    12
    """
    m = CpsatModel(problem, cp_model.CpModel(), deadline=deadline)
    used = set(problem.active_rules())
    active = [r for r in BUILD_ORDER if r in used]
    domains = [a for r in active if (a := RULES[r].allows) is not None]
    add_variables(m, domains)
    limit = CUT_MODEL if hinted else CUT_MODEL_UNHINTED
    m.cuts = cuts if cuts is not None else len(m.x) <= limit
    for r in active:
        build = RULES[r].build
        if build is not None:
            build(m)
            m.check_time()
    return m


def add_change_limit(m: CpsatModel, base: Composition, max_changes: int) -> None:
    """At most ``max_changes`` member changes away from ``base``.

    Per network, ``changes >= members added`` and ``changes >= members
    removed``, so replacing one member by another is one change, as are
    adding or removing one. Members of ``base`` who cannot sit in the network
    at all (no variable) count as removed.
    """
    pool = m.problem.pool
    total = []
    for g, spec in enumerate(m.problem.networks):
        m.check_time()
        inside = {pool.index(c) for c in base.members.get(spec.name, ()) if c in pool}
        added = [m.x[i, g] for i in m.eligible[g] if i not in inside]
        kept = [m.x[i, g] for i in m.eligible[g] if i in inside]
        forced_out = sum(1 for i in inside if (i, g) not in m.x)
        bound = max(len(inside), len(m.eligible[g]))
        ch = m.model.new_int_var(0, bound, f"changes[{spec.name}]")
        m.model.add(ch >= sum(added)).with_name(f"changes[{spec.name}][added]")
        m.model.add(ch >= len(inside) - sum(kept)).with_name(f"changes[{spec.name}][removed]")
        if forced_out:
            m.model.add(ch >= forced_out).with_name(f"changes[{spec.name}][forced]")
        total.append(ch)
    m.model.add(sum(total) <= max_changes).with_name("changes[total]")
