"""Incremental state of a composition for local search over a whole :class:`Problem`.

:class:`Compiled` turns a :class:`~evocompose.data.Problem` into flat numpy
arrays once (codes per attribute, skill holders, relevance, eligibility,
quotas, slots, organisations, sparse tie adjacency in CSR form, conflicts,
must-pair components, bridge rules). :class:`SearchState` holds one
composition and the counts from which every objective term and every hard
rule can be read without rescanning the members:

* per network and attribute value the member counts (sector, actor type,
  area, declared attributes) — mismatched pairs are ``C(s,2) - Σ C(c_v,2)``;
* per network and skill the holder counts;
* per (person, network) the number of tie neighbours inside, and of those
  from a different sector (for ``new_cross_sector_ties``);
* per network and slot the number of members available;
* per network and quota the counted members; per network and organisation
  the members; per person the memberships; per (person, network) the
  conflict partners inside;
* per bridge network and other network the number of members reached;
* for a dissimilarity matrix the member sums ``S[i, g] = Σ_{j in g} D[i, j]``.

Memory is ``O(n·G + edges)`` except when ``problem.dissimilarity`` is set
(the matrix itself is ``n²``). Every change is a single toggle
(:meth:`SearchState.toggle`), ``O(#attributes + #skills + #quotas + deg)``,
and returns the exact change of the weighted objective of
:func:`evocompose.objective.evaluate` + :func:`~evocompose.objective.weighted_total`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evocompose.data import Problem
from evocompose.result import Composition

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


class Compiled:
    """Flat, read-only arrays describing a problem for the search.

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
        weights = [problem.network_weights(g) for g in names]

        # categorical attributes: sector first
        attrs = ["sector", "actor_type", "area", *problem.attributes]
        self.attr_names = attrs
        self.cat_codes: list[np.ndarray] = []
        self.cat_card: list[int] = []
        for a in attrs:
            codes, card = _codes([c.attribute(a) for c in people])
            self.cat_codes.append(codes)
            self.cat_card.append(card)
        A = len(attrs)
        self.cat_w = np.zeros((G, A))
        for g, w in enumerate(weights):
            self.cat_w[g, 0] = w.sector
            self.cat_w[g, 1] = w.actor_type
            self.cat_w[g, 2] = w.area
            for k, a in enumerate(problem.attributes):
                self.cat_w[g, 3 + k] = w.attributes * w.attribute_factor(a)
        self.cat_terms: list[list[tuple[int, np.ndarray, float]]] = [
            [(a, self.cat_codes[a], float(self.cat_w[g, a])) for a in range(A) if self.cat_w[g, a]]
            for g in range(G)
        ]
        self.sector = self.cat_codes[0]
        n_sectors = self.cat_card[0]
        sector_names: list[str] = [""] * n_sectors
        for c, code in zip(people, self.sector, strict=True):
            sector_names[int(code)] = c.sector

        # skills
        skills = pool.skills
        sk_index = {s: k for k, s in enumerate(skills)}
        self.K = len(skills)
        self.H = np.zeros((n, max(1, self.K)), dtype=np.int64)
        for i, c in enumerate(people):
            for s in c.skills:
                self.H[i, sk_index[s]] = 1
        self.skill_index = sk_index

        # other weights per network
        self.w_sk = np.array([w.skills for w in weights])
        self.w_nct = np.array([w.new_cross_sector_ties for w in weights])
        self.w_syn = np.array([w.synergy for w in weights])
        self.w_rel = np.array([w.relevance for w in weights])
        self.w_coh = np.array([w.cohesion for w in weights])
        self.coh_t = np.array([w.cohesion_target for w in weights], dtype=np.int64)
        self.w_d = np.array([w.dissimilarity for w in weights])
        self.w_spread = float(problem.weights.spread)
        self.syn = np.zeros((G, n_sectors, n_sectors))
        for g, spec in enumerate(problem.networks):
            for sa in range(n_sectors):
                for sb in range(n_sectors):
                    self.syn[g, sa, sb] = spec.synergy_of(sector_names[sa], sector_names[sb])
        self.has_syn = bool(np.any(self.syn != 0) and np.any(self.w_syn != 0))

        # relevance, eligibility, capacity, pins
        self.R = np.zeros((n, G))
        self.E = np.zeros((n, G), dtype=bool)
        self.include = np.zeros((n, G), dtype=bool)
        cap_ok = np.array([problem.capacity(c.id) >= 1 for c in people], dtype=bool)
        excluded_all = set(problem.excluded)
        for g, spec in enumerate(problem.networks):
            tags = set(spec.tags)
            out = excluded_all | set(spec.exclude)
            for i, c in enumerate(people):
                rel = c.relevance.get(spec.name)
                if rel is None:
                    rel = 1.0 if tags.intersection(c.themes) else 0.0
                self.R[i, g] = rel
                self.E[i, g] = cap_ok[i] and c.id not in out
            if spec.min_relevance is not None:
                self.E[:, g] &= self.R[:, g] >= spec.min_relevance
            for x in spec.include:
                self.include[pool.index(x), g] = True
        self.cap = np.array([problem.capacity(c.id) for c in people], dtype=np.int64)
        self.required = np.zeros(n, dtype=bool)
        for x in problem.required:
            self.required[pool.index(x)] = True
        if problem.assign_all:
            self.required[:] = True
        self.share_ok = np.zeros((G, G), dtype=bool)
        for ga in range(G):
            for gb in range(G):
                if ga != gb:
                    self.share_ok[ga, gb] = problem.may_share(names[ga], names[gb])
        self.no_share = ~self.share_ok
        np.fill_diagonal(self.no_share, False)
        self.eligible_idx = [np.flatnonzero(self.E[:, g]) for g in range(G)]

        # sizes and organisations
        self.min_size = np.array([s.min_size for s in problem.networks], dtype=np.int64)
        self.max_size = np.array([s.max_size for s in problem.networks], dtype=np.int64)
        self.org, self.n_orgs = _codes([c.organisation for c in people])
        self.org_max = np.array(
            [
                s.max_per_organisation if s.max_per_organisation is not None else n + 1
                for s in problem.networks
            ],
            dtype=np.int64,
        )

        # quotas
        field_values: dict[str, np.ndarray] = {}
        self.quotas: list[list[_Quota]] = []
        for spec in problem.networks:
            qs = []
            for q in spec.quotas:
                if q.field not in field_values:
                    field_values[q.field] = np.array([c.attribute(q.field) for c in people])
                mask = np.isin(field_values[q.field], list(q.values))
                bounds = [q.count_bounds(s) for s in range(spec.max_size + 1)]
                qs.append(
                    _Quota(
                        mask,
                        np.array([b[0] for b in bounds], dtype=np.int64),
                        np.array([b[1] for b in bounds], dtype=np.int64),
                    )
                )
            self.quotas.append(qs)
        self.QM = [
            np.stack([q.mask for q in qs], axis=1).astype(np.int64)
            if qs
            else np.zeros((n, 0), dtype=np.int64)
            for qs in self.quotas
        ]
        self.skill_req: list[list[tuple[int, int]]] = [
            [(sk_index[s.skill], s.min) for s in spec.skills] for spec in problem.networks
        ]

        # meetings
        slots = pool.slots
        self.slots = slots
        slot_index = {s: k for k, s in enumerate(slots)}
        self.AV = np.zeros((n, max(1, len(slots))), dtype=np.int64)
        for i, c in enumerate(people):
            for s in c.availability:
                self.AV[i, slot_index[s]] = 1
        self.meet_slots: list[np.ndarray | None] = []
        self.meet_req: list[np.ndarray | None] = []
        for spec in problem.networks:
            rule = spec.meeting
            if rule is None:
                self.meet_slots.append(None)
                self.meet_req.append(None)
                continue
            allowed = [slot_index[s] for s in (rule.slots or slots) if s in slot_index]
            self.meet_slots.append(np.array(allowed, dtype=np.int64))
            self.meet_req.append(
                np.array(
                    [rule.required_available(s) for s in range(spec.max_size + 1)],
                    dtype=np.int64,
                )
            )

        # ties (CSR), conflicts, must-pair components
        index = {cid: i for i, cid in enumerate(self.ids)}
        nbrs: list[list[int]] = [[] for _ in range(n)]
        for a, b in problem.ties.edges:
            if a in index and b in index and a != b:
                nbrs[index[a]].append(index[b])
                nbrs[index[b]].append(index[a])
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        self.indptr[1:] = np.cumsum([len(x) for x in nbrs])
        self.indices = np.array([j for x in nbrs for j in sorted(x)], dtype=np.int64)
        self.nbrs: list[list[int]] = [sorted(x) for x in nbrs]
        self.has_ties = bool(self.indices.size)
        self.nbr_arr: list[np.ndarray] = [
            self.indices[self.indptr[i] : self.indptr[i + 1]] for i in range(n)
        ]
        self.nbr_diff: list[np.ndarray] = [
            a[self.sector[a] != self.sector[i]] for i, a in enumerate(self.nbr_arr)
        ]
        self.conf: list[list[int]] = [[] for _ in range(n)]
        for ca, cb in problem.conflicts:
            self.conf[index[ca]].append(index[cb])
            self.conf[index[cb]].append(index[ca])
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
        self.unit: list[tuple[int, ...]] = [()] * n
        for members in groups.values():
            for i in members:
                self.unit[i] = tuple(members)
        self.conf_arr = [np.array(sorted(x), dtype=np.int64) for x in self.conf]
        self.in_pair = np.array([len(self.unit[i]) > 1 for i in range(n)], dtype=bool)

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
        self.has_d = self.D is not None and bool(np.any(self.w_d != 0))


class SearchState:
    """One composition and its counts, updated incrementally.

    Parameters
    ----------
    cp : Compiled
        The compiled problem.
    members : sequence of iterables of int, optional
        Initial members per network (pool indices); empty by default.

    Notes
    -----
    ``obj`` always equals ``weighted_total(problem, evaluate(problem, comp))``
    for the composition :meth:`composition` returns (up to float rounding).
    """

    def __init__(self, cp: Compiled, members: list[list[int]] | None = None) -> None:
        self.cp = cp
        n, G = cp.n, cp.G
        self.X = np.zeros((n, G), dtype=bool)
        self.members: list[set[int]] = [set() for _ in range(G)]
        self.size = np.zeros(G, dtype=np.int64)
        self.cat = [np.zeros((G, card), dtype=np.int64) for card in cp.cat_card]
        self.skc = np.zeros((G, cp.H.shape[1]), dtype=np.int64)
        self.kin = np.zeros((n, G), dtype=np.int64)  # tie neighbours inside
        self.kdiff = np.zeros((n, G), dtype=np.int64)  # ... of another sector
        self.cf = np.zeros((n, G), dtype=np.int64)  # conflict partners inside
        self.av = np.zeros((G, cp.AV.shape[1]), dtype=np.int64)
        self.qc = [np.zeros(len(q), dtype=np.int64) for q in cp.quotas]
        self.orgc = np.zeros((G, cp.n_orgs), dtype=np.int64)
        self.msum = np.zeros(n, dtype=np.int64)
        self.S = np.zeros((n, G)) if cp.has_d else None
        self.bc = np.zeros((G, G), dtype=np.int64)  # bridged members of h by bridge network b
        self.obj = 0.0
        if members is not None:
            for g, ms in enumerate(members):
                for i in ms:
                    self.toggle(int(i), g)

    # ------------------------------------------------------------ objective
    def contrib(self, i: int, g: int) -> float:
        """Weighted pairwise value between ``i`` and the other members of ``g``, plus relevance.

        Parameters
        ----------
        i, g : int
            Person and network index.

        Returns
        -------
        float
            Everything except the cohesion and spread terms.
        """
        cp = self.cp
        s = int(self.size[g])
        inside = bool(self.X[i, g])
        v = 0.0
        for a, codes, w in cp.cat_terms[g]:
            v += w * (s - int(self.cat[a][g, codes[i]]))
        if cp.w_sk[g]:
            c = self.skc[g]
            h = cp.H[i]
            v += cp.w_sk[g] * float(c.sum() + h @ (s - 2 * c))
        sec = cp.sector[i]
        if cp.w_nct[g]:
            v += cp.w_nct[g] * ((s - int(self.cat[0][g, sec])) - int(self.kdiff[i, g]))
        if cp.has_syn and cp.w_syn[g]:
            row = cp.syn[g, sec]
            syn = float(row @ self.cat[0][g])
            if inside:
                syn -= row[sec]
            v += cp.w_syn[g] * syn
        if self.S is not None and cp.D is not None:
            sd = float(self.S[i, g])
            if inside:
                sd -= float(cp.D[i, i])
            v += cp.w_d[g] * sd
        v += cp.w_rel[g] * cp.R[i, g]
        return v

    def _cohesion_delta(self, i: int, g: int, add: bool) -> int:
        cp = self.cp
        t = int(cp.coh_t[g])
        kin = self.kin[:, g]
        own = 1 if kin[i] >= t else 0
        d = 0
        nb = cp.nbr_arr[i]
        if t >= 1 and nb.size:
            hit = t - 1 if add else t
            d = int(np.count_nonzero(self.X[nb, g] & (kin[nb] == hit)))
        return own + d if add else -(own + d)

    def delta(self, i: int, g: int) -> float:
        """Exact change of the weighted objective if ``i`` joins (or leaves, if a member) ``g``.

        Parameters
        ----------
        i, g : int

        Returns
        -------
        float
        """
        cp = self.cp
        add = not self.X[i, g]
        d = self.contrib(i, g)
        if not add:
            d = -d
        if cp.w_coh[g]:
            d += cp.w_coh[g] * self._cohesion_delta(i, g, add)
        if cp.w_spread:
            if add and self.msum[i] == 0:
                d += cp.w_spread
            elif not add and self.msum[i] == 1:
                d -= cp.w_spread
        return d

    # --------------------------------------------------------------- update
    def _reach(self, j: int, b: int, tie_mode: bool) -> bool:
        return bool(self.X[j, b]) or (tie_mode and self.kin[j, b] > 0)

    def toggle(self, i: int, g: int) -> float:
        """Add ``i`` to ``g`` (or remove it if a member) and update every count.

        Parameters
        ----------
        i, g : int

        Returns
        -------
        float
            The exact change of the weighted objective.
        """
        cp = self.cp
        d = self.delta(i, g)
        add = not self.X[i, g]
        sgn = 1 if add else -1
        # bridges of other networks reaching i
        if cp.bridges:
            bi = cp.b_idx
            reach = self.X[i, bi] | (cp.b_tie & (self.kin[i, bi] > 0))
            reach &= bi != g
            self.bc[bi[reach], g] += sgn
        g_bridge = [(b, tm) for b, _m, tm in cp.bridges if b == g] if cp.is_bridge[g] else []
        affected = np.zeros(0, dtype=np.int64)
        before = np.zeros(0, dtype=bool)
        if g_bridge:
            tie_mode = g_bridge[0][1]
            affected = np.concatenate([[i], cp.nbr_arr[i]]) if tie_mode else np.array([i])
            before = self.X[affected, g] | (tie_mode & (self.kin[affected, g] > 0))
        if add:
            self.members[g].add(i)
        else:
            self.members[g].discard(i)
        self.X[i, g] = add
        self.size[g] += sgn
        for a in range(len(cp.cat_codes)):
            self.cat[a][g, cp.cat_codes[a][i]] += sgn
        if cp.K:
            self.skc[g] += sgn * cp.H[i]
        if self.S is not None and cp.D is not None:
            self.S[:, g] += sgn * cp.D[i]
        nb = cp.nbr_arr[i]
        if nb.size:
            self.kin[nb, g] += sgn
            self.kdiff[cp.nbr_diff[i], g] += sgn
        if cp.conf[i]:
            self.cf[cp.conf_arr[i], g] += sgn
        self.av[g] += sgn * cp.AV[i]
        if len(self.qc[g]):
            self.qc[g] += sgn * cp.QM[g][i]
        self.orgc[g, cp.org[i]] += sgn
        self.msum[i] += sgn
        if g_bridge:
            tie_mode = g_bridge[0][1]
            now = self.X[affected, g] | (tie_mode & (self.kin[affected, g] > 0))
            flip = np.flatnonzero(now != before)
            if flip.size:
                step = now[flip].astype(np.int64) * 2 - 1
                rows = self.X[affected[flip]].astype(np.int64)
                rows[:, g] = 0
                self.bc[g] += step @ rows
        self.obj += d
        return d

    # ------------------------------------------------------------ feasibility
    def network_ok(self, g: int) -> bool:
        """Whether the count rules of network ``g`` hold (size, quotas, skills, meeting, bridge).

        Parameters
        ----------
        g : int

        Returns
        -------
        bool
        """
        cp = self.cp
        s = int(self.size[g])
        if s < cp.min_size[g] or s > cp.max_size[g]:
            return False
        for k, q in enumerate(cp.quotas[g]):
            c = self.qc[g][k]
            if c < q.lo[s] or c > q.hi[s]:
                return False
        for k, m in cp.skill_req[g]:
            if self.skc[g, k] < m:
                return False
        return self.meeting_ok(g)

    def meeting_ok(self, g: int) -> bool:
        """Whether some allowed slot has enough members available (empty networks pass).

        Parameters
        ----------
        g : int

        Returns
        -------
        bool
        """
        allowed = self.cp.meet_slots[g]
        req = self.cp.meet_req[g]
        s = int(self.size[g])
        if allowed is None or req is None or s == 0:
            return True
        if allowed.size == 0:
            return False
        return bool(self.av[g, allowed].max() >= req[s])

    def best_slot(self, g: int) -> str | None:
        """The allowed slot with most members available (``None`` without a meeting rule)."""
        allowed = self.cp.meet_slots[g]
        if allowed is None or allowed.size == 0 or self.size[g] == 0:
            return None
        k = int(allowed[int(np.argmax(self.av[g, allowed]))])
        return self.cp.slots[k]

    def bridge_shortfall(self) -> int:
        """Bridged members missing over every bridge rule (0 when all hold)."""
        cp = self.cp
        if not cp.bridges:
            return 0
        short = np.maximum(0, cp.b_min[:, None] - self.bc[cp.b_idx]) * (self.size > 0)
        short[np.arange(cp.b_idx.size), cp.b_idx] = 0
        return int(short.sum())

    def bridges_ok(self) -> bool:
        """Whether every bridge rule holds."""
        return self.bridge_shortfall() == 0

    def person_ok(self, i: int) -> bool:
        """Capacity, sharing, eligibility, pins, conflicts, must-pairs and required for ``i``."""
        cp = self.cp
        row = self.X[i]
        k = int(self.msum[i])
        if k > cp.cap[i]:
            return False
        if k == 0 and cp.required[i]:
            return False
        if np.any(cp.include[i] & ~row):
            return False
        if k:
            nets = np.flatnonzero(row)
            if not cp.E[i, nets].all():
                return False
            if np.any(self.cf[i, nets]):
                return False
            if k > 1 and np.any(cp.no_share[np.ix_(nets, nets)]):
                return False
            unit = cp.unit[i]
            if len(unit) > 1:
                for j in unit:
                    if not np.array_equal(self.X[j], row):
                        # partners must sit in exactly the same networks
                        return False
        return True

    def cohesion_ok(self, g: int, people: set[int]) -> bool:
        """Hard ``min_known`` of ``g`` for ``people`` and their tie neighbours."""
        cp = self.cp
        mk = int(cp.min_known[g])
        if mk <= 0:
            return True
        Xg = self.X[:, g]
        kin = self.kin[:, g]
        for p in people:
            if Xg[p] and kin[p] < mk:
                return False
            for j in cp.nbrs[p]:
                if Xg[j] and kin[j] < mk:
                    return False
        return True

    def org_ok(self, g: int, people: set[int]) -> bool:
        """Organisation limit of ``g`` for the organisations of ``people``."""
        cp = self.cp
        lim = cp.org_max[g]
        return all(self.orgc[g, cp.org[p]] <= lim for p in people)

    def local_ok(self, changes: list[tuple[int, int]]) -> bool:
        """Whether every hard rule touched by the (already applied) ``changes`` holds.

        Parameters
        ----------
        changes : list of (int, int)
            ``(person, network)`` toggles that were applied.

        Returns
        -------
        bool
        """
        nets: dict[int, set[int]] = {}
        for i, g in changes:
            nets.setdefault(g, set()).add(i)
        for g, people in nets.items():
            if not self.network_ok(g):
                return False
            if not self.org_ok(g, people):
                return False
            if not self.cohesion_ok(g, people):
                return False
        if not all(self.person_ok(i) for i in {i for i, _ in changes}):
            return False
        return not self.cp.bridges or self.bridges_ok()

    def feasible(self) -> bool:
        """Full feasibility check from the counts (every network and person)."""
        cp = self.cp
        for g in range(cp.G):
            if not self.network_ok(g):
                return False
            if cp.org_max[g] <= cp.n and np.any(self.orgc[g] > cp.org_max[g]):
                return False
            if not self.cohesion_ok(g, set(self.members[g])):
                return False
        return all(self.person_ok(i) for i in range(cp.n)) and self.bridges_ok()

    # ---------------------------------------------------------------- output
    def assignment(self) -> list[list[int]]:
        """Members per network as sorted lists of pool indices."""
        return [sorted(m) for m in self.members]

    def composition(self) -> Composition:
        """The current composition, with the best meeting slot per network."""
        cp = self.cp
        members = {cp.names[g]: [cp.ids[i] for i in sorted(self.members[g])] for g in range(cp.G)}
        slots = {
            cp.names[g]: self.best_slot(g) for g in range(cp.G) if cp.meet_slots[g] is not None
        }
        return Composition(members, {k: v for k, v in slots.items() if v is not None})
