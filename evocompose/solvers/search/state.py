"""Incremental state of a composition for local search over a whole :class:`Problem`.

:class:`Compiled` turns a :class:`~evocompose.data.Problem` into flat numpy
arrays once; :class:`SearchState` holds one composition and the counts from
which every objective term (:mod:`.terms`) and every hard rule
(:mod:`.rules`) can be read without rescanning the members. ``i`` is a
person (pool index, ``0..n-1``), ``g`` and ``h`` networks (spec index,
``0..G-1``).

Arrays of :class:`Compiled` (read-only):

=========================  =============  ============================================
name                       shape          holds
=========================  =============  ============================================
``codes[a]``               (n,)           value code of attribute ``a`` (``attr_names``; sector first)
``cardinality[a]``         int            number of distinct values of attribute ``a``
``sector``                 (n,)           ``codes[0]``
``holds``                  (n, K)         1 where the person holds skill ``k``
``relevance``              (n, G)         relevance to each network
``domains[rule]``          (n, G)         pairs a domain rule (eligibility, excluded) allows
``allowed``                (n, G)         pairs every domain rule allows
``allowed_idx[g]``         (·,)           the people ``allowed`` in network ``g``
``pinned_in``              (n, G)         pinned into the network
``capacity``               (n,)           networks the person can join
``listed_required``        (n,)           in the problem's ``required`` list
``required``               (n,)           must be placed (listed, or everyone with ``assign_all``)
``no_share``               (G, G)         the two networks may not share members
``quota_mask[g]``          (n, Q_g)       counted by each quota of network ``g``
``max_per[g]``             list           per ``MaxPer`` rule: value codes, limit
``free``                   (n, S)         1 where the person is free in slot ``s``
``meeting_slots[g]``       (·,)           slot indices network ``g`` may meet in
``meeting_need[g]``        (max_size+1,)  members who must be free, per network size
``neighbours[i]``          (·,)           tie neighbours, sorted
``neighbours_other[i]``    (·,)           tie neighbours from another sector
``conflict_partners[i]``   (·,)           conflict partners
``must_unit[i]``           tuple          the person's must-pair component (``(i,)`` alone)
``D``                      (n, n)         the dissimilarity matrix (or ``None``)
=========================  =============  ============================================

Arrays of :class:`SearchState` (updated by :meth:`SearchState.toggle`):

=========================  =============  ============================================
name                       shape          holds
=========================  =============  ============================================
``member``                 (n, G) bool    the person sits in the network
``members[g]``             set            the members of network ``g``
``size``                   (G,)           members per network
``seats``                  (n,)           networks the person sits in
``value_count[a]``         (G, card_a)    members per value of attribute ``a``
``skill_count``            (G, K)         holders per skill
``known_inside``           (n, G)         tie neighbours of the person inside the network
``known_other_sector``     (n, G)         ... of them from another sector
``conflicts_inside``       (n, G)         conflict partners of the person inside the network
``free_count``             (G, S)         members free in each slot
``quota_count[g]``         (Q_g,)         members counted by each quota
``per_value[g][r]``        (card,)        members per value of the ``r``-th ``MaxPer`` field
``bridged``                (G, G)         members of ``h`` reached by bridge network ``b``
``dsum``                   (n, G)         ``sum_{j in g} D[i, j]`` (only with a matrix)
``objective``              float          the weighted objective
=========================  =============  ============================================

Memory is ``O(n·G + edges)`` except with a dissimilarity matrix (``n²``).
Every change is a single toggle (:meth:`SearchState.toggle`),
``O(#attributes + #skills + #quotas + deg)``, and returns the exact change
of the weighted objective of :func:`evocompose.objective.evaluate` +
:func:`~evocompose.objective.weighted_total`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.fields import DIVERSITY_FIELDS

from .rules import RULES, SearchRule
from .terms import TERMS, SearchTerm

__all__ = ["Compiled", "SearchState"]


def _codes(values: list[str]) -> tuple[np.ndarray, int]:
    index: dict[str, int] = {}
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        out[i] = index.setdefault(v, len(index))
    return out, max(1, len(index))


@dataclass
class _Quota:
    mask: np.ndarray  # (n,) bool: counted people
    lo: np.ndarray  # (max_size + 1,) lower bound on the count per network size
    hi: np.ndarray  # (max_size + 1,) upper bound


@dataclass
class _MaxPer:
    codes: np.ndarray  # (n,) value code of the field
    limit: int
    cardinality: int


class Compiled:
    """Flat, read-only arrays describing a problem for the search (table in the module docstring).

    Parameters
    ----------
    problem : Problem
        The validated problem.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        pool = problem.pool
        people = pool.candidates
        n = len(people)
        names = problem.network_names
        G = len(names)
        self.n, self.G = n, G
        self.ids = pool.ids
        self.names = names
        self.net_index = {g: k for k, g in enumerate(names)}

        # categorical attributes: sector first
        attrs = [*DIVERSITY_FIELDS, *problem.attributes]
        self.attr_names = attrs
        self.codes: list[np.ndarray] = []
        self.cardinality: list[int] = []
        for a in attrs:
            codes, card = _codes([c.attribute(a) for c in people])
            self.codes.append(codes)
            self.cardinality.append(card)
        self.sector_attr = attrs.index("sector")
        self.sector = self.codes[self.sector_attr]
        self.sector_names: list[str] = [""] * self.cardinality[0]
        for c, code in zip(people, self.sector, strict=True):
            self.sector_names[int(code)] = c.sector

        # skills
        skills = pool.skills
        self.skill_index = {s: k for k, s in enumerate(skills)}
        self.n_skills = len(skills)
        self.holds = np.zeros((n, max(1, self.n_skills)), dtype=np.int64)
        for i, c in enumerate(people):
            for s in c.skills:
                self.holds[i, self.skill_index[s]] = 1

        # relevance, pins, capacity, required, sharing
        self.relevance = np.zeros((n, G))
        self.pinned_in = np.zeros((n, G), dtype=bool)
        for g, spec in enumerate(problem.networks):
            tags = set(spec.tags)
            for i, c in enumerate(people):
                rel = c.relevance.get(spec.name)
                if rel is None:
                    rel = 1.0 if tags.intersection(c.themes) else 0.0
                self.relevance[i, g] = rel
            for x in spec.include:
                self.pinned_in[pool.index(x), g] = True
        self.capacity = np.array([problem.capacity(c.id) for c in people], dtype=np.int64)
        self.listed_required = np.zeros(n, dtype=bool)
        for x in problem.required:
            self.listed_required[pool.index(x)] = True
        self.required = self.listed_required | problem.assign_all
        self.no_share = np.zeros((G, G), dtype=bool)
        for ga in range(G):
            for gb in range(G):
                if ga != gb:
                    self.no_share[ga, gb] = not problem.may_share(names[ga], names[gb])

        # sizes, quotas, max_per, skill requirements
        self.min_size = np.array([s.min_size for s in problem.networks], dtype=np.int64)
        self.max_size = np.array([s.max_size for s in problem.networks], dtype=np.int64)
        field_values: dict[str, np.ndarray] = {}

        def values_of(field: str) -> np.ndarray:
            if field not in field_values:
                field_values[field] = np.array([c.attribute(field) for c in people])
            return field_values[field]

        self.quotas: list[list[_Quota]] = []
        for spec in problem.networks:
            qs = []
            for q in spec.quotas:
                mask = np.isin(values_of(q.field), list(q.values))
                bounds = [q.count_bounds(s) for s in range(spec.max_size + 1)]
                qs.append(
                    _Quota(
                        mask,
                        np.array([b[0] for b in bounds], dtype=np.int64),
                        np.array([b[1] for b in bounds], dtype=np.int64),
                    )
                )
            self.quotas.append(qs)
        self.quota_mask = [
            np.stack([q.mask for q in qs], axis=1).astype(np.int64)
            if qs
            else np.zeros((n, 0), dtype=np.int64)
            for qs in self.quotas
        ]
        self.max_per: list[list[_MaxPer]] = []
        for spec in problem.networks:
            rules = []
            for limit in spec.max_per:
                codes, card = _codes(list(values_of(limit.field)))
                rules.append(_MaxPer(codes, limit.max, card))
            self.max_per.append(rules)
        self.skill_req: list[list[tuple[int, int]]] = [
            [(self.skill_index[s.skill], s.min) for s in spec.skills] for spec in problem.networks
        ]

        # meetings
        slots = pool.slots
        self.slots = slots
        slot_index = {s: k for k, s in enumerate(slots)}
        self.free = np.zeros((n, max(1, len(slots))), dtype=np.int64)
        for i, c in enumerate(people):
            for s in c.availability:
                self.free[i, slot_index[s]] = 1
        self.meeting_slots: list[np.ndarray | None] = []
        self.meeting_need: list[np.ndarray | None] = []
        for spec in problem.networks:
            rule = spec.meeting
            if rule is None:
                self.meeting_slots.append(None)
                self.meeting_need.append(None)
                continue
            allowed = [slot_index[s] for s in (rule.slots or slots) if s in slot_index]
            self.meeting_slots.append(np.array(allowed, dtype=np.int64))
            self.meeting_need.append(
                np.array(
                    [rule.required_available(s) for s in range(spec.max_size + 1)],
                    dtype=np.int64,
                )
            )

        # ties, conflicts, must-pair components
        index = {cid: i for i, cid in enumerate(self.ids)}
        nbrs: list[list[int]] = [[] for _ in range(n)]
        for a, b in problem.ties.edges:
            if a in index and b in index and a != b:
                nbrs[index[a]].append(index[b])
                nbrs[index[b]].append(index[a])
        self.neighbour_list: list[list[int]] = [sorted(x) for x in nbrs]
        self.neighbours: list[np.ndarray] = [
            np.array(x, dtype=np.int64) for x in self.neighbour_list
        ]
        self.has_ties = any(x.size for x in self.neighbours)
        self.neighbours_other: list[np.ndarray] = [
            a[self.sector[a] != self.sector[i]] for i, a in enumerate(self.neighbours)
        ]
        conflicts: list[list[int]] = [[] for _ in range(n)]
        for ca, cb in problem.conflicts:
            conflicts[index[ca]].append(index[cb])
            conflicts[index[cb]].append(index[ca])
        self.has_conflicts = bool(problem.conflicts)
        self.conflict_partners = [np.array(sorted(x), dtype=np.int64) for x in conflicts]
        parent = list(range(n))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for ma, mb in problem.must_pairs:
            ra, rb = find(index[ma]), find(index[mb])
            if ra != rb:
                parent[ra] = rb
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(find(i), []).append(i)
        self.must_unit: list[tuple[int, ...]] = [()] * n
        for members in groups.values():
            for i in members:
                self.must_unit[i] = tuple(members)
        self.in_must_unit = np.array([len(self.must_unit[i]) > 1 for i in range(n)], dtype=bool)

        self.min_known = np.array([s.min_known for s in problem.networks], dtype=np.int64)
        self.bridges: list[tuple[int, int, bool]] = [
            (g, spec.bridge.min, spec.bridge.mode == "share_or_tie")
            for g, spec in enumerate(problem.networks)
            if spec.bridge is not None
        ]
        self.b_idx = np.array([b for b, _m, _t in self.bridges], dtype=np.int64)
        self.b_min = np.array([m for _b, m, _t in self.bridges], dtype=np.int64)
        self.b_tie = np.array([t for _b, _m, t in self.bridges], dtype=bool)
        self.is_bridge = np.zeros(G, dtype=bool)
        self.is_bridge[self.b_idx] = True
        self.D = problem.dissimilarity

        # the rules the problem uses, by scope (see .rules), and their domain
        active = problem.active_rules()
        self.rules: dict[str, SearchRule] = {name: RULES[name] for name in active}
        self.domains: dict[str, np.ndarray] = {
            name: rule.allows(self) for name, rule in self.rules.items() if rule.allows is not None
        }
        self.allowed = np.ones((n, G), dtype=bool)
        for mask in self.domains.values():
            self.allowed &= mask
        self.allowed_idx = [np.flatnonzero(self.allowed[:, g]) for g in range(G)]
        self.network_rules = [r.network_ok for r in self.rules.values() if r.network_ok]
        self.person_rules = [r.person_ok for r in self.rules.values() if r.person_ok]
        self.global_rules = [r.all_ok for r in self.rules.values() if r.all_ok]

        # the objective terms with a non-zero weight (see .terms)
        built = [TERMS[name](self) for name in problem.active_terms()]
        self.terms: list[SearchTerm] = [t for t in built if t is not None]
        self.has_d = self.D is not None and any(t.name == "dissimilarity" for t in self.terms)


class SearchState:
    """One composition and its counts, updated incrementally (table in the module docstring).

    Parameters
    ----------
    compiled : Compiled
        The compiled problem.
    members : sequence of iterables of int, optional
        Initial members per network (pool indices); empty by default.

    Notes
    -----
    ``objective`` always equals ``weighted_total(problem, evaluate(problem, comp))``
    for the composition :meth:`composition` returns (up to float rounding).
    """

    def __init__(self, compiled: Compiled, members: list[list[int]] | None = None) -> None:
        self.compiled = compiled
        n, G = compiled.n, compiled.G
        self.member = np.zeros((n, G), dtype=bool)
        self.members: list[set[int]] = [set() for _ in range(G)]
        self.size = np.zeros(G, dtype=np.int64)
        self.value_count = [np.zeros((G, card), dtype=np.int64) for card in compiled.cardinality]
        self.skill_count = np.zeros((G, compiled.holds.shape[1]), dtype=np.int64)
        self.known_inside = np.zeros((n, G), dtype=np.int64)
        self.known_other_sector = np.zeros((n, G), dtype=np.int64)
        self.conflicts_inside = np.zeros((n, G), dtype=np.int64)
        self.free_count = np.zeros((G, compiled.free.shape[1]), dtype=np.int64)
        self.quota_count = [np.zeros(len(q), dtype=np.int64) for q in compiled.quotas]
        self.per_value = [
            [np.zeros(r.cardinality, dtype=np.int64) for r in rules] for rules in compiled.max_per
        ]
        self.seats = np.zeros(n, dtype=np.int64)
        self.dsum = np.zeros((n, G)) if compiled.has_d else None
        self.bridged = np.zeros((G, G), dtype=np.int64)
        self.objective = 0.0
        if members is not None:
            for g, ms in enumerate(members):
                for i in ms:
                    self.toggle(int(i), g)

    # ------------------------------------------------------------ objective
    def contrib(self, i: int, g: int) -> float:
        """Weighted pairwise value between ``i`` and the other members of ``g``, plus relevance.

        Everything of :meth:`delta` except the terms that are not pairwise
        (cohesion, spread), whichever way ``i`` moves.
        """
        return sum(t.contrib(self, i, g) for t in self.compiled.terms if t.separable)

    def delta(self, i: int, g: int) -> float:
        """Exact change of the weighted objective if ``i`` joins (or leaves, if a member) ``g``."""
        add = not self.member[i, g]
        d = 0.0
        for t in self.compiled.terms:
            if t.separable:
                c = t.contrib(self, i, g)
                d += c if add else -c
            else:
                d += t.delta(self, i, g, add)
        return d

    # --------------------------------------------------------------- update
    def toggle(self, i: int, g: int) -> float:
        """Add ``i`` to ``g`` (or remove it if a member) and update every count.

        Returns
        -------
        float
            The exact change of the weighted objective.
        """
        compiled = self.compiled
        d = self.delta(i, g)
        add = not self.member[i, g]
        sgn = 1 if add else -1
        # bridges of other networks reaching i
        if compiled.bridges:
            bi = compiled.b_idx
            reach = self.member[i, bi] | (compiled.b_tie & (self.known_inside[i, bi] > 0))
            reach &= bi != g
            self.bridged[bi[reach], g] += sgn
        g_bridge = (
            [(b, tm) for b, _m, tm in compiled.bridges if b == g] if compiled.is_bridge[g] else []
        )
        affected = np.zeros(0, dtype=np.int64)
        before = np.zeros(0, dtype=bool)
        if g_bridge:
            tie_mode = g_bridge[0][1]
            affected = np.concatenate([[i], compiled.neighbours[i]]) if tie_mode else np.array([i])
            before = self.member[affected, g] | (tie_mode & (self.known_inside[affected, g] > 0))
        if add:
            self.members[g].add(i)
        else:
            self.members[g].discard(i)
        self.member[i, g] = add
        self.size[g] += sgn
        for a in range(len(compiled.codes)):
            self.value_count[a][g, compiled.codes[a][i]] += sgn
        if compiled.n_skills:
            self.skill_count[g] += sgn * compiled.holds[i]
        if self.dsum is not None and compiled.D is not None:
            self.dsum[:, g] += sgn * compiled.D[i]
        nb = compiled.neighbours[i]
        if nb.size:
            self.known_inside[nb, g] += sgn
            self.known_other_sector[compiled.neighbours_other[i], g] += sgn
        partners = compiled.conflict_partners[i]
        if partners.size:
            self.conflicts_inside[partners, g] += sgn
        self.free_count[g] += sgn * compiled.free[i]
        if len(self.quota_count[g]):
            self.quota_count[g] += sgn * compiled.quota_mask[g][i]
        for r, rule in enumerate(compiled.max_per[g]):
            self.per_value[g][r][rule.codes[i]] += sgn
        self.seats[i] += sgn
        if g_bridge:
            tie_mode = g_bridge[0][1]
            now = self.member[affected, g] | (tie_mode & (self.known_inside[affected, g] > 0))
            flip = np.flatnonzero(now != before)
            if flip.size:
                step = now[flip].astype(np.int64) * 2 - 1
                rows = self.member[affected[flip]].astype(np.int64)
                rows[:, g] = 0
                self.bridged[g] += step @ rows
        self.objective += d
        return d

    # ------------------------------------------------------------ feasibility
    def meeting_ok(self, g: int) -> bool:
        """Whether some allowed slot has enough members available (empty networks pass)."""
        allowed = self.compiled.meeting_slots[g]
        need = self.compiled.meeting_need[g]
        s = int(self.size[g])
        if allowed is None or need is None or s == 0:
            return True
        if allowed.size == 0:
            return False
        return bool(self.free_count[g, allowed].max() >= need[min(s, need.size - 1)])

    def best_slot(self, g: int) -> str | None:
        """The allowed slot with most members available (``None`` without a meeting rule)."""
        allowed = self.compiled.meeting_slots[g]
        if allowed is None or allowed.size == 0 or self.size[g] == 0:
            return None
        k = int(allowed[int(np.argmax(self.free_count[g, allowed]))])
        return self.compiled.slots[k]

    def bridge_shortfall(self) -> int:
        """Bridged members missing over every bridge rule (0 when all hold)."""
        compiled = self.compiled
        if not compiled.bridges:
            return 0
        short = np.maximum(0, compiled.b_min[:, None] - self.bridged[compiled.b_idx]) * (
            self.size > 0
        )
        short[np.arange(compiled.b_idx.size), compiled.b_idx] = 0
        return int(short.sum())

    def max_per_ok(self, g: int, people: set[int]) -> bool:
        """The ``max_per`` limits of ``g`` for the values of ``people``."""
        per_value = self.per_value[g]
        for r, rule in enumerate(self.compiled.max_per[g]):
            counts = per_value[r]
            if any(counts[rule.codes[p]] > rule.limit for p in people):
                return False
        return True

    def local_ok(self, changes: list[tuple[int, int]]) -> bool:
        """Whether every hard rule touched by the (already applied) ``changes`` holds.

        Each active rule is checked through its implementation in
        :data:`~evocompose.solvers.search.rules.RULES`: per network for the
        networks changed, per person for the people moved, and once for
        rules about the whole composition.
        """
        compiled = self.compiled
        nets: dict[int, set[int]] = {}
        for i, g in changes:
            nets.setdefault(g, set()).add(i)
        for g, people in nets.items():
            for network_ok in compiled.network_rules:
                if not network_ok(self, g, people):
                    return False
        for i in {i for i, _ in changes}:
            for person_ok in compiled.person_rules:
                if not person_ok(self, i):
                    return False
        return all(all_ok(self) for all_ok in compiled.global_rules)

    def feasible(self) -> bool:
        """Full feasibility check of every active rule (every network and person)."""
        compiled = self.compiled
        for g in range(compiled.G):
            people = set(self.members[g])
            for network_ok in compiled.network_rules:
                if not network_ok(self, g, people):
                    return False
        for i in range(compiled.n):
            for person_ok in compiled.person_rules:
                if not person_ok(self, i):
                    return False
        return all(all_ok(self) for all_ok in compiled.global_rules)

    # ---------------------------------------------------------------- output
    def assignment(self) -> list[list[int]]:
        """Members per network as sorted lists of pool indices."""
        return [sorted(m) for m in self.members]

    def composition(self) -> Composition:
        """The current composition, with the best meeting slot per network."""
        compiled = self.compiled
        members = {
            compiled.names[g]: [compiled.ids[i] for i in sorted(self.members[g])]
            for g in range(compiled.G)
        }
        slots = {
            compiled.names[g]: self.best_slot(g)
            for g in range(compiled.G)
            if compiled.meeting_slots[g] is not None
        }
        return Composition(members, {k: v for k, v in slots.items() if v is not None})
