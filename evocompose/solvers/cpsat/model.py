"""CP-SAT variables and hard rules of a composition problem.

The model has one boolean ``x[i, g]`` per *eligible* (candidate, network)
pair (see :meth:`evocompose.Problem.eligible`); ineligible pairs get no
variable at all. Every hard rule is added by one small function
(``add_<rule>``), and every constraint carries a name of the form
``rule[network][detail]`` (e.g. ``quota[food][sector in {agriculture}]``) so
that conflicts can later be explained.

Diversity is modelled through per-network attribute *counts* (see
``DESIGN.md`` §4): :meth:`CpsatModel.count_encoding` gives the count of
members with a given value together with its convex incremental encoding,
shared by every objective term that needs it.

Determinism: variables and constraints are created in pool order, spec order
and sorted tag order only; no iteration over Python sets of strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from evocompose.constraints import as_fraction
from evocompose.result import Composition

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["CUT_MODEL", "CUT_MODEL_UNHINTED", "CountEncoding", "CpsatModel", "build_model"]

#: Largest number of ``x`` variables for which the objective's LP cuts are on
#: by default when the solve starts from a hint ...
CUT_MODEL = 2_000
#: ... and without one (small models, where proving optimality matters most).
CUT_MODEL_UNHINTED = 200

BoolVar = cp_model.IntVar
IntVar = cp_model.IntVar


@dataclass
class CountEncoding:
    """Count of the members of one network that belong to a group of candidates.

    Attributes
    ----------
    members : list of int
        Candidate indices (pool order) of the group that are eligible.
    z : list of BoolVar
        Incremental encoding ``z[k-1] = [count >= k]`` for ``k = 1..U``, with
        ``z[k-1] >= z[k]`` and ``count = sum(z)``. ``C(count, 2)`` is then the
        linear form ``sum_k (k-1) z[k-1]``, whose LP relaxation is exact for the
        convex function ``C(count, 2)``. Empty when ``U <= 1`` (then
        ``C(count, 2) = 0``).
    upper : int
        ``U``, the largest possible count.
    """

    members: list[int]
    z: list[IntVar]
    upper: int


@dataclass
class CpsatModel:
    """A CP-SAT model of a :class:`~evocompose.Problem` with handles on its variables.

    Attributes
    ----------
    problem : Problem
    model : CpModel
    x : dict of (int, int) to BoolVar
        ``x[i, g]``: candidate ``i`` (pool index) sits in network ``g`` (spec index).
    eligible : list of list of int
        Per network, the pool indices that have a variable.
    size : list of IntVar
        Per network, the number of members.
    slots : list of tuple of str
        Per network, the slots it may meet in (empty when it has no meeting rule).
    s : dict of (int, int) to BoolVar
        ``s[g, t]``: network ``g`` meets in ``slots[g][t]`` (one-hot).
    cuts : bool
        The objective terms add their redundant LP cuts (see
        :mod:`~evocompose.solvers.cpsat.objective`).
    """

    problem: Problem
    model: cp_model.CpModel
    cuts: bool = True
    x: dict[tuple[int, int], IntVar] = field(default_factory=dict)
    eligible: list[list[int]] = field(default_factory=list)
    size: list[IntVar] = field(default_factory=list)
    size_bounds: list[tuple[int, int]] = field(default_factory=list)
    slots: list[tuple[str, ...]] = field(default_factory=list)
    s: dict[tuple[int, int], IntVar] = field(default_factory=dict)
    neighbours: list[list[int]] = field(default_factory=list)
    _counts: dict[tuple[int, str], CountEncoding] = field(default_factory=dict)
    _count_vars: dict[tuple[int, str], IntVar] = field(default_factory=dict)
    _size_onehot: dict[int, list[tuple[int, IntVar]]] = field(default_factory=dict)
    _nonempty: dict[int, IntVar] = field(default_factory=dict)
    _pairs: dict[tuple[int, int, int], IntVar] = field(default_factory=dict)

    # ----------------------------------------------------------- helpers
    def var(self, i: int, g: int) -> IntVar | None:
        """``x[i, g]`` or ``None`` when candidate ``i`` is not eligible for network ``g``."""
        return self.x.get((i, g))

    def members_sum(self, g: int, indices: Sequence[int]) -> cp_model.LinearExpr:
        """Linear expression: how many of ``indices`` sit in network ``g``."""
        return cp_model.LinearExpr.sum([self.x[i, g] for i in indices if (i, g) in self.x])

    def count_encoding(self, g: int, key: str, indices: Sequence[int]) -> CountEncoding:
        """Incremental count encoding of a candidate group in network ``g`` (cached by ``key``).

        Parameters
        ----------
        g : int
            Network index.
        key : str
            Cache key naming the group, e.g. ``"sector=food"``.
        indices : sequence of int
            Pool indices of the group (ineligible ones are ignored).
        """
        cached = self._counts.get((g, key))
        if cached is not None:
            return cached
        members = [i for i in indices if (i, g) in self.x]
        upper = min(self.size_bounds[g][1], len(members))
        name = self.problem.networks[g].name
        z: list[IntVar] = []
        if upper >= 2:
            z = [self.model.new_bool_var(f"z[{name}][{key}][{k}]") for k in range(1, upper + 1)]
            self.model.add(cp_model.LinearExpr.sum(z) == self.members_sum(g, members)).with_name(
                f"count[{name}][{key}]"
            )
            for k in range(upper - 1):
                self.model.add_implication(z[k + 1], z[k])
        enc = CountEncoding(members, z, upper)
        self._counts[(g, key)] = enc
        return enc

    def pair(self, i: int, j: int, g: int) -> IntVar:
        """Boolean ``x[i, g] AND x[j, g]`` (exact in every solution; cached per unordered pair)."""
        i, j = min(i, j), max(i, j)
        key = (i, j, g)
        cached = self._pairs.get(key)
        if cached is not None:
            return cached
        xi, xj = self.x[i, g], self.x[j, g]
        ids = self.problem.pool.candidates
        p = self.model.new_bool_var(f"p[{self.problem.networks[g].name}][{ids[i].id}|{ids[j].id}]")
        self.model.add_bool_or([~xi, ~xj, p])  # p >= xi + xj - 1
        self.model.add_implication(p, xi)
        self.model.add_implication(p, xj)
        self._pairs[key] = p
        return p

    def existing_count_encoding(self, g: int, key: str) -> CountEncoding | None:
        """The count encoding of ``key`` in network ``g`` if some term built it, else ``None``."""
        return self._counts.get((g, key))

    def count_var(self, g: int, key: str, indices: Sequence[int]) -> IntVar:
        """An integer variable equal to the count of a candidate group in network ``g``."""
        cached = self._count_vars.get((g, key))
        if cached is not None:
            return cached
        members = [i for i in indices if (i, g) in self.x]
        upper = min(self.size_bounds[g][1], len(members))
        name = self.problem.networks[g].name
        c = self.model.new_int_var(0, upper, f"c[{name}][{key}]")
        self.model.add(c == self.members_sum(g, members)).with_name(f"countvar[{name}][{key}]")
        self._count_vars[(g, key)] = c
        return c

    def size_onehot(self, g: int) -> list[tuple[int, IntVar]]:
        """One-hot encoding ``[(k, w_k)]`` of the size of network ``g`` (cached).

        ``C(size, 2) = sum_k C(k, 2) w_k``. The size domain is small
        (``min_size..max_size``), and the LP relaxation of the one-hot
        encoding is the convex hull of the points ``(k, C(k, 2))``, as tight
        as any linear encoding can be.
        """
        cached = self._size_onehot.get(g)
        if cached is not None:
            return cached
        lo, hi = self.size_bounds[g]
        name = self.problem.networks[g].name
        ws = [(k, self.model.new_bool_var(f"w[{name}][{k}]")) for k in range(lo, hi + 1)]
        self.model.add_exactly_one([w for _, w in ws]).with_name(f"sizeonehot[{name}]")
        self.model.add(
            self.size[g] == cp_model.LinearExpr.weighted_sum([w for _, w in ws], [k for k, _ in ws])
        ).with_name(f"sizeonehot_link[{name}]")
        self._size_onehot[g] = ws
        return ws

    def nonempty(self, g: int) -> IntVar | None:
        """Boolean ``size[g] >= 1`` (``None`` when the network can never be empty)."""
        if self.size_bounds[g][0] >= 1:
            return None
        cached = self._nonempty.get(g)
        if cached is not None:
            return cached
        name = self.problem.networks[g].name
        b = self.model.new_bool_var(f"nonempty[{name}]")
        self.model.add(self.size[g] >= 1).only_enforce_if(b).with_name(f"nonempty[{name}][on]")
        self.model.add(self.size[g] == 0).only_enforce_if(~b).with_name(f"nonempty[{name}][off]")
        self._nonempty[g] = b
        return b

    def composition(
        self, value: cp_model.CpSolver | cp_model.CpSolverSolutionCallback
    ) -> Composition:
        """Read the composition (members and meeting slots) from a solver or callback."""
        pool = self.problem.pool
        members: dict[str, list[str]] = {}
        slots: dict[str, str | None] = {}
        for g, spec in enumerate(self.problem.networks):
            members[spec.name] = [
                pool.candidates[i].id for i in self.eligible[g] if value.boolean_value(self.x[i, g])
            ]
            if self.slots[g]:
                chosen = [t for t in range(len(self.slots[g])) if value.boolean_value(self.s[g, t])]
                slots[spec.name] = self.slots[g][chosen[0]] if chosen else None
        return Composition(members, slots)

    def add_hint(
        self, composition: Composition, *, complete: bool = True, time_limit: float = 2.0
    ) -> None:
        """Use ``composition`` as a solution hint.

        Parameters
        ----------
        composition : Composition
            Members (and meeting slots, where given) to hint.
        complete : bool
            Also hint every auxiliary variable (counts, encodings, pair and
            indicator variables, free slots), read from a short solve of a
            copy of the model with the members fixed. CP-SAT uses a complete
            feasible hint as its first solution; a hint on the members alone
            is only a branching preference, which it often fails to follow
            back to a solution. When the copy finds no solution in
            ``time_limit`` seconds (e.g. the composition breaks a rule), only
            the members and slots are hinted.
        time_limit : float
            Seconds for the completion solve.
        """
        pool = self.problem.pool
        hinted: list[tuple[IntVar, bool]] = []
        for g, spec in enumerate(self.problem.networks):
            inside = set(composition.members.get(spec.name, ()))
            for i in self.eligible[g]:
                hinted.append((self.x[i, g], pool.candidates[i].id in inside))
            slot = composition.slots.get(spec.name)
            for t, name in enumerate(self.slots[g]):
                if slot is not None:
                    hinted.append((self.s[g, t], name == slot))
        if complete and self._complete_hint(hinted, time_limit):
            return
        for var, value in hinted:
            self.model.add_hint(var, value)

    def _complete_hint(self, hinted: list[tuple[IntVar, bool]], time_limit: float) -> bool:
        """Hint every variable from a solve of a copy with ``hinted`` fixed; success flag."""
        trial = self.model.clone()
        trial.clear_hints()
        for var, value in hinted:
            trial.add(trial.get_int_var_from_proto_index(var.index) == int(value))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
        solver.parameters.num_workers = 1
        code = solver.solve(trial)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self.model.clear_hints()
        for k in range(len(self.model.proto.variables)):
            var = self.model.get_int_var_from_proto_index(k)
            self.model.add_hint(var, solver.value(trial.get_int_var_from_proto_index(k)))
        return True


# ------------------------------------------------------------------ rules
def _name(m: CpsatModel, g: int) -> str:
    return m.problem.networks[g].name


def add_variables(m: CpsatModel) -> None:
    """Create ``x[i, g]`` for eligible pairs, the size variables and slot variables."""
    problem = m.problem
    ids = problem.pool.ids
    for g, spec in enumerate(problem.networks):
        elig = [i for i, cid in enumerate(ids) if problem.eligible(cid, spec.name)]
        m.eligible.append(elig)
        for i in elig:
            m.x[i, g] = m.model.new_bool_var(f"x[{ids[i]}][{spec.name}]")
        hi = min(spec.max_size, len(elig))
        lo = min(spec.min_size, hi)  # Problem validation guarantees min_size <= #eligible
        m.size_bounds.append((lo, hi))
        m.size.append(m.model.new_int_var(0, max(hi, 0), f"size[{spec.name}]"))
        if spec.meeting is not None:
            allowed = tuple(spec.meeting.slots) or problem.pool.slots
            m.slots.append(allowed)
            for t, slot in enumerate(allowed):
                m.s[g, t] = m.model.new_bool_var(f"s[{spec.name}][{slot}]")
        else:
            m.slots.append(())
    index = {cid: i for i, cid in enumerate(ids)}
    for cid in ids:
        m.neighbours.append(sorted(index[nb] for nb in problem.ties.neighbors(cid) if nb in index))


def add_size(m: CpsatModel) -> None:
    """``size[g] = sum_i x[i, g]`` and ``min_size <= size[g] <= max_size``."""
    for g, spec in enumerate(m.problem.networks):
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
    for g in range(len(nets)):
        for h in range(g + 1, len(nets)):
            if problem.may_share(nets[g].name, nets[h].name):
                continue
            for i, cid in enumerate(problem.pool.ids):
                if (i, g) in m.x and (i, h) in m.x and problem.capacity(cid) >= 2:
                    m.model.add_at_most_one([m.x[i, g], m.x[i, h]]).with_name(
                        f"sharing[{nets[g].name}|{nets[h].name}][{cid}]"
                    )


def add_required(m: CpsatModel) -> None:
    """Required people (or everyone with ``assign_all``) are placed somewhere."""
    problem = m.problem
    n_net = len(problem.networks)
    ids = problem.pool.ids
    who = (
        list(range(len(ids)))
        if problem.assign_all
        else [problem.pool.index(c) for c in problem.required]
    )
    label = "assign_all" if problem.assign_all else "required"
    for i in who:
        xs = [m.x[i, g] for g in range(n_net) if (i, g) in m.x]
        m.model.add_bool_or(xs).with_name(f"{label}[{ids[i]}]")


def add_pins(m: CpsatModel) -> None:
    """``include`` pins: ``x[i, g] = 1`` (``exclude`` pins have no variable)."""
    problem = m.problem
    for g, spec in enumerate(problem.networks):
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
        for req in spec.skills:
            holders = [i for i in m.eligible[g] if req.skill in pool.candidates[i].skills]
            m.model.add(m.members_sum(g, holders) >= req.min).with_name(
                f"skill[{spec.name}][{req.skill} >= {req.min}]"
            )


def add_max_per_organisation(m: CpsatModel) -> None:
    """At most ``max_per_organisation`` members per organisation."""
    pool = m.problem.pool
    for g, spec in enumerate(m.problem.networks):
        cap = spec.max_per_organisation
        if cap is None:
            continue
        by_org: dict[str, list[int]] = {}
        for i in m.eligible[g]:
            by_org.setdefault(pool.candidates[i].organisation, []).append(i)
        for org in sorted(by_org):
            if len(by_org[org]) > cap:
                m.model.add(m.members_sum(g, by_org[org]) <= cap).with_name(
                    f"organisation[{spec.name}][{org} <= {cap}]"
                )


def add_meeting(m: CpsatModel) -> None:
    """One-hot slot choice and the quorum rule.

    Quorum 1.0 uses one constraint per member, ``x[i, g] <= sum_{t in avail(i)} s[g, t]``
    (cheaper than one ``x + s <= 1`` per missing slot). A quorum ``q = num/den < 1``
    uses, per slot, ``den * available >= num * size`` enforced if the slot is chosen.
    """
    pool = m.problem.pool
    for g, spec in enumerate(m.problem.networks):
        rule = spec.meeting
        if rule is None:
            continue
        slots = m.slots[g]
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


RULES = (
    add_size,
    add_capacity,
    add_sharing,
    add_required,
    add_pins,
    add_quotas,
    add_skills,
    add_max_per_organisation,
    add_meeting,
    add_conflicts,
    add_must_pairs,
    add_cohesion,
    add_bridges,
)


def build_model(problem: Problem, *, cuts: bool | None = None, hinted: bool = False) -> CpsatModel:
    """Variables and every hard rule of ``problem`` (no objective yet).

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
    m = CpsatModel(problem, cp_model.CpModel())
    add_variables(m)
    limit = CUT_MODEL if hinted else CUT_MODEL_UNHINTED
    m.cuts = cuts if cuts is not None else len(m.x) <= limit
    for rule in RULES:
        rule(m)
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


def comb2(k: int) -> int:
    """``C(k, 2)``."""
    return k * (k - 1) // 2
