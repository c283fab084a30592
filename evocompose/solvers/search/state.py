"""A problem compiled into flat arrays for the compiled search core (:mod:`._core`).

:class:`Compiled` turns a :class:`~evocompose.data.Problem` into the named
tuple ``P`` the kernels read (built once, vectorised: ``O(n·G)`` numpy work
and ``O(n + ties + rules)`` Python), and :meth:`Compiled.new_state` makes the
named tuple ``S`` of one composition's counts. ``i`` is a person (pool
index, ``0..n-1``), ``g`` a network (spec index, ``0..G-1``). Each rule's
arrays are filled by its ``compile`` step in :mod:`.rules`, each term's
weights by its ``compile`` step in :mod:`.terms`; the rest is shared.

Arrays of ``P`` (read-only):

=====================  ==============  =================================================
name                   shape           holds
=====================  ==============  =================================================
``codes``              (A, n) int32    value code per diversity attribute (sector first)
``voff``               (A+1,)          offset of attribute ``a``'s values in ``S.vc``
``sk_ptr``/``sk_idx``  CSR             the skills each person holds (sorted)
``nb_ptr``/``nb_idx``  CSR             tie neighbours (sorted); ``has_ties``
``unit_*``             CSR, (n,)       must-pair units (a person and partners); ``unit_of``
``cap``                (n,)            networks each person can join
``allowed``            (n, G) bool     pairs every domain rule allows (``elig`` and not ``excl``)
``al_ptr``/``al_idx``  CSR             allowed people of each network (empty when all are)
``pinned``             (n, G) bool     pins; ``pin_ptr``/``pin_net`` per person
``min_size``/``max_size``  (G,)        size bounds; ``ml_off`` the member-list slices
``on``                 (16,) bool      the rules the problem uses (ids in :mod:`._core`)
``q_*``, ``cls_mask``  ...             quotas: network slices, counted people, bounds per size
``mp_*``               ...             ``max_per``: fields, limits, count offsets
``sr_*``               ...             skill requirements per network
``free``, ``m_*``      ...             meeting slots per person, allowed slots, quorum per size
``cf_ptr``/``cf_idx``  CSR             conflict partners
``min_known``          (G,)            cohesion rule
``br_min``/``br_tie``  (G,)            bridge rules
``no_share``           (G, G) bool     the two networks may not share members
``req_listed``         (n,) bool       on the required list; ``assign_all``
``wdiv``               (G, A)          weight of each attribute's diversity per network
``wskill`` ...         (G,)            weights of skills, new cross-sector ties, cohesion,
                                       relevance, dissimilarity; ``coh_t`` the target
``rel``                (n, G)          relevance (``(1, 1)`` when its weight is zero)
``syn``                (G, S, S)       synergy tables times their weight
``D``                  (n, n)          dissimilarity (``(1, 1)`` when unused)
=====================  ==============  =================================================

Arrays of ``S`` (one composition, updated by :func:`._core.toggle`): ``mem``
(n, G) membership, ``pseat`` (n, max capacity) the networks of each person,
``seats``, ``size``, ``ml`` member lists, ``vc`` (G, values) attribute value
counts, ``sc``/``scs`` skill counts, ``kin`` (n, G) tie neighbours inside
(only with ties), ``cohs`` cohesion shortfall, ``cfi`` conflicts inside,
``fc`` (G, slots) members free per slot, ``qc`` quota counts, ``mpc``/``mpx``
``max_per`` counts and excess, ``bc`` (G, G) bridge counts, ``obj`` the
weighted objective.

Memory is ``O(n·G)`` bytes (booleans; the relevance table is 8 bytes per pair
and only built when the term is weighted), plus ``O(n²)`` with a
dissimilarity matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain, repeat
from operator import attrgetter
from typing import Any

import numpy as np

from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.fields import DIVERSITY_FIELDS
from evocompose.gc_pause import gc_paused
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES

from . import _core
from .rows import csr, offsets
from .rules import RULE_IDS, RULES
from .terms import TERMS

__all__ = ["Compiled", "State", "csr"]

_I32 = np.int32
_I64 = np.int64


def _tie_rows(
    adj: Mapping[str, Mapping[str, Any]], index: dict[str, int], n: int
) -> tuple[Any, Any]:
    """Sorted neighbour rows ``(ptr, idx)`` of the pool's people from a graph's adjacency.

    One pass of C-level iteration over the adjacency (no Python loop per
    tie) and one sort of ``row * n + column`` keys: millions of ties take a
    fraction of a second. Nodes outside the pool and self-loops are left out.
    """
    heads = list(adj)
    rows_of = map(adj.__getitem__, heads)
    degree = np.fromiter(map(len, rows_of), dtype=_I64, count=len(heads))
    rows = np.repeat(np.fromiter(map(index.get, heads, repeat(-1)), _I64, len(heads)), degree)
    flat = chain.from_iterable(map(adj.__getitem__, heads))
    cols = np.fromiter(map(index.get, flat, repeat(-1)), dtype=_I64, count=int(degree.sum()))
    keep = (rows >= 0) & (cols >= 0) & (rows != cols)
    width = max(n, 1)
    key = np.sort(rows[keep] * width + cols[keep])
    ptr = offsets(np.bincount(key // width, minlength=n))
    return ptr, (key % width).astype(_I32)


def _must_pair_units(
    pairs: Iterable[tuple[str, str]], index: Mapping[str, int], n: int
) -> tuple[Any, Any, Any]:
    """``(unit_of, ptr, idx)``: everyone's must-pair unit, numbered by its first member.

    People joined by chains of must-pairs form one unit, everyone else a
    unit alone; ``idx[ptr[u]:ptr[u + 1]]`` lists unit ``u``'s members in
    pool order. A union-find over the paired people only, the rest in
    numpy (linear time on 100,000 people).
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(index[a]), find(index[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)  # a root is its unit's first member
    first = np.arange(n, dtype=_I64)
    for i in parent:
        first[i] = find(i)
    _, inverse = np.unique(first, return_inverse=True)
    unit_of = inverse.astype(_I32).reshape(n)
    ptr = offsets(np.bincount(unit_of, minlength=int(unit_of.max(initial=-1)) + 1))
    return unit_of, ptr, np.argsort(unit_of, kind="stable").astype(_I32)


#: Random moves sampled to set an annealing temperature.
SAMPLES = 400

_DTYPES = {
    "int32": np.int32,
    "int64": np.int64,
    "bool": np.bool_,
    "float64": np.float64,
    "int8": np.int8,
}


def _conform(name: str, value: Any, typ: Any) -> Any:
    """``value`` as the kernels' field type ``typ`` (an array of that dtype and rank, C order)."""
    ndim = getattr(typ, "ndim", None)
    if ndim is None:  # a scalar
        kind = str(typ)
        return bool(value) if kind == "bool" else float(value) if kind == "float64" else int(value)
    dtype = _DTYPES[str(typ.dtype)]
    arr: np.ndarray = np.ascontiguousarray(value, dtype=dtype)
    if arr.ndim != ndim:
        raise ValueError(f"compiled field {name!r} must have {ndim} dimension(s), not {arr.ndim}")
    if not arr.flags.writeable:
        arr = arr.copy()
    return arr


class State:
    """One composition's counts (arrays in the module docstring) and the kernels' handle on them.

    The arrays are shared with :attr:`ref`, which the kernels take as ``S``:
    a kernel's change is seen here at once.
    """

    def __init__(self, **arrays: np.ndarray) -> None:
        for name, _typ in _core.STATE_FIELDS:
            setattr(self, name, arrays[name])
        self.ref = _core.new_state(*(arrays[name] for name, _typ in _core.STATE_FIELDS))

    mem: np.ndarray
    pseat: np.ndarray
    seats: np.ndarray
    size: np.ndarray
    ml: np.ndarray
    obj: np.ndarray
    floats: np.ndarray

    @property
    def objective(self) -> float:
        """The weighted objective of the composition."""
        return float(self.obj[0])


class Compiled:
    """A problem compiled for the search core (arrays in the module docstring).

    Parameters
    ----------
    problem : Problem

    Attributes
    ----------
    P : KernelProblem
        The arrays the kernels read.
    problem, ids, names : the problem, candidate ids and network names
    attr_names : list of str
        The diversity attributes in code order (sector first).
    slots : tuple of str
        Meeting slots in code order.
    """

    def __init__(self, problem: Problem) -> None:
        with gc_paused():  # millions of small objects on large problems (see gc_pause)
            self._build(problem)

    def _build(self, problem: Problem) -> None:
        self.problem = problem
        pool = problem.pool
        people = pool.candidates
        n = len(people)
        names = problem.network_names
        G = len(names)
        self.n, self.G = n, G
        self.ids = pool.ids
        self.names = names
        self.index = {cid: i for i, cid in enumerate(self.ids)}
        self.max_size = np.array([s.max_size for s in problem.networks], dtype=_I64)
        self.min_size = np.array([s.min_size for s in problem.networks], dtype=_I64)
        self.M = int(min(self.max_size.max(initial=0), n))

        # diversity attributes (sector first) and their value codes
        self.attr_names = [*DIVERSITY_FIELDS, *problem.attributes]
        codes, cards = [], []
        for a in self.attr_names:
            c, values = pool.codes(a)
            codes.append(c)
            cards.append(max(1, len(values)))
        self.codes = np.stack(codes) if codes else np.zeros((1, n), dtype=_I32)
        self.voff = offsets(cards)
        self.n_sectors = cards[0]

        # skills
        skills = pool.skills
        self.skill_index = {s: k for k, s in enumerate(skills)}
        self.n_skills = max(1, len(skills))
        # a candidate's skills are sorted, and so are the pool's: their indices come in order
        held = list(map(attrgetter("skills"), people))
        self.sk_ptr = offsets(np.fromiter(map(len, held), dtype=_I64, count=n))
        tags = chain.from_iterable(held)
        self.sk_idx = np.fromiter(map(self.skill_index.__getitem__, tags), _I32, self.sk_ptr[-1])

        # ties: the graph's raw adjacency (each tie from both ends; networkx's read-only
        # views cost a Python call per item, which millions of ties feel)
        self.nb_ptr, self.nb_idx = _tie_rows(problem.ties._adj, self.index, n)
        self.has_ties = bool(self.nb_idx.size)

        # must-pair units (every person is in one; singletons alone)
        self.unit_of, self.unit_ptr, self.unit_idx = _must_pair_units(
            problem.must_pairs, self.index, n
        )

        # capacity, domains, pins, sharing, required: defaults, filled by the rules
        self.cap = problem.capacities().astype(_I32)
        self.elig = np.ones((n, G), dtype=bool)
        self.excl = np.zeros((n, G), dtype=bool)
        self.pinned = np.zeros((n, G), dtype=bool)
        self.no_share = np.zeros((G, G), dtype=bool)
        self.req_listed = np.zeros(n, dtype=bool)
        self.assign_all = bool(problem.assign_all)
        # quotas
        self.q_ptr = np.zeros(G + 1, dtype=_I64)
        self.q_cls = np.zeros(0, dtype=_I64)
        self.cls_mask = np.zeros((1, n), dtype=bool)
        self.q_lo = np.zeros((0, self.M + 1), dtype=_I32)
        self.q_hi = np.zeros((0, self.M + 1), dtype=_I32)
        # max_per
        self.mp_ptr = np.zeros(G + 1, dtype=_I64)
        self.mp_field = np.zeros(0, dtype=_I64)
        self.mp_limit = np.zeros(0, dtype=_I64)
        self.mp_off = np.zeros(0, dtype=_I64)
        self.mp_codes = np.zeros((1, n), dtype=_I32)
        self.mp_total = 1
        # skill requirements
        self.sr_ptr = np.zeros(G + 1, dtype=_I64)
        self.sr_skill = np.zeros(0, dtype=_I64)
        self.sr_min = np.zeros(0, dtype=_I64)
        # meetings
        self.slots: tuple[str, ...] = pool.slots
        T = max(1, len(self.slots))
        self.free = np.zeros((n, T), dtype=np.int8)
        self.m_on = np.zeros(G, dtype=bool)
        self.m_allowed = np.zeros((G, T), dtype=bool)
        self.m_need = np.zeros((G, self.M + 1), dtype=_I32)
        # conflicts, cohesion, bridges
        self.cf_ptr = np.zeros(n + 1, dtype=_I64)
        self.cf_idx = np.zeros(0, dtype=_I32)
        self.min_known = np.zeros(G, dtype=_I64)
        self.br_min = np.zeros(G, dtype=_I64)
        self.br_tie = np.zeros(G, dtype=bool)

        self.on = np.zeros(len(RULE_NAMES), dtype=bool)
        self.on[RULE_IDS["capacity"]] = True
        for name in problem.active_rules():
            self.on[RULE_IDS[name]] = True
            compile_rule = RULES[name].compile
            if compile_rule is not None:
                compile_rule(self)

        # objective weights: zero unless a term's compile step sets them
        A = self.codes.shape[0]
        self.wdiv = np.zeros((G, A))
        self.wskill = np.zeros(G)
        self.wncst = np.zeros(G)
        self.wcoh = np.zeros(G)
        self.coh_t = np.zeros(G, dtype=_I64)
        self.wrel = np.zeros(G)
        self.rel = np.zeros((1, 1))
        self.syn = np.zeros((1, 1, 1))
        self.has_syn = False
        self.wspread = 0.0
        self.D = np.zeros((1, 1))
        self.has_D = False
        self.wD = np.zeros(G)
        self.terms = problem.active_terms()
        for name in self.terms:
            TERMS[name].compile(self)

        # derived: allowed pairs, allowed lists, member-list slices
        self.allowed = self.elig & ~self.excl
        counts = self.allowed.sum(axis=0)
        lists = [
            np.flatnonzero(self.allowed[:, g]).astype(_I32).tolist() if counts[g] < n else []
            for g in range(G)
        ]
        self.al_ptr, self.al_idx = csr(lists)
        rows, cols = (
            np.nonzero(self.pinned)  # row-major: each person's networks in order
            if self.pinned.any()
            else (np.zeros(0, dtype=_I64), np.zeros(0, dtype=_I64))
        )
        self.pin_ptr = offsets(np.bincount(rows, minlength=n))
        self.pin_net = cols.astype(_I32)
        cap_g = np.minimum(self.max_size, n)
        self.ml_off = offsets(cap_g)
        # a move adds at most one seat before capacity is checked: room for one more
        self.capmax = int(max(1, min(G, int(self.cap.max(initial=1)) + 1)))
        #: whether the estimate of a move is exact (no term outside pairs, singleton units)
        self.exact_estimates = (
            "cohesion" not in self.terms
            and "spread" not in self.terms
            and int(self.unit_ptr.size) - 1 == n
        )
        self.has_bridge = bool(self.br_min.any())
        self.wspread = float(self.wspread)
        self.P = _core.new_problem(
            *(_conform(name, getattr(self, name), typ) for name, typ in _core.PROBLEM_FIELDS)
        )

    # ------------------------------------------------------------ helpers for the rules
    def field_codes(self, field: str) -> tuple[np.ndarray, list[str]]:
        """Value codes of a countable field (first-seen order) and the values by code."""
        codes, values = self.problem.pool.codes(field)
        return codes, list(values)

    def unit_members(self, i: int) -> list[int]:
        """Person ``i`` and their must-pair partners (pool indices)."""
        u = int(self.unit_of[i])
        return [int(x) for x in self.unit_idx[self.unit_ptr[u] : self.unit_ptr[u + 1]]]

    def person(self, cid: str) -> int:
        """Pool index of a candidate id."""
        return self.index[cid]

    # ------------------------------------------------------------ states
    def new_state(self) -> State:
        """An empty composition's :class:`State`."""
        n, G = self.n, self.G
        return State(
            mem=np.zeros((n, G), dtype=bool),
            pseat=np.full((n, self.capmax), -1, dtype=_I32),
            seats=np.zeros(n, dtype=_I32),
            size=np.zeros(G, dtype=_I64),
            ml=np.zeros(int(self.ml_off[-1]) + 1, dtype=_I32),
            vc=np.zeros((G, int(self.voff[-1])), dtype=_I32),
            sc=np.zeros((G, self.n_skills), dtype=_I32),
            scs=np.zeros(G, dtype=_I64),
            kin=np.zeros((n, G) if self.has_ties else (1, 1), dtype=_I32),
            cohs=np.zeros(G, dtype=_I64),
            cfi=np.zeros(G, dtype=_I64),
            fc=np.zeros((G, self.free.shape[1]), dtype=_I32),
            qc=np.zeros(self.q_cls.size, dtype=_I32),
            mpc=np.zeros(self.mp_total, dtype=_I32),
            mpx=np.zeros(self.mp_field.size, dtype=_I64),
            bc=np.zeros((G, G) if self.has_bridge else (1, 1), dtype=_I32),
            obj=np.zeros(1),
            mi=np.zeros(4, dtype=_I64),
            mg=np.zeros(4, dtype=_I64),
            bmi=np.zeros(4, dtype=_I64),
            bmg=np.zeros(4, dtype=_I64),
            best3=np.zeros(3),
            nets=np.zeros(max(1, G), dtype=_I64),
            floats=np.zeros(SAMPLES),
        )

    def members_of(self, comp: Composition) -> tuple[np.ndarray, np.ndarray]:
        """Member lists (layout of ``S.ml``) and sizes of a composition."""
        ml = np.zeros(int(self.ml_off[-1]) + 1, dtype=_I32)
        size = np.zeros(self.G, dtype=_I64)
        for g, name in enumerate(self.names):
            idx = [self.index[c] for c in comp.members.get(name, ())]
            base = int(self.ml_off[g])
            cap = int(self.ml_off[g + 1]) - base
            if len(idx) > cap:
                raise ValueError(f"network {name!r} has more members than it can hold")
            ml[base : base + len(idx)] = idx
            size[g] = len(idx)
        return ml, size

    def state_of(self, comp: Composition) -> State:
        """The :class:`State` of a composition (objective included)."""
        S = self.new_state()
        ml, size = self.members_of(comp)
        _core.load(self.P, S.ref, ml, size)
        return S

    def lists(self, ml: np.ndarray, size: np.ndarray) -> list[list[int]]:
        """Members per network (pool indices, sorted) from member lists."""
        return [
            sorted(int(x) for x in ml[int(self.ml_off[g]) : int(self.ml_off[g]) + int(size[g])])
            for g in range(self.G)
        ]

    def composition(self, ml: np.ndarray, size: np.ndarray) -> Composition:
        """The composition of member lists, each network meeting in its best allowed slot."""
        S = self.new_state()
        _core.load(self.P, S.ref, ml, size)
        return self.composition_of(S)

    def composition_of(self, S: State) -> Composition:
        """The composition held by a state, each network meeting in its best allowed slot."""
        members: dict[str, list[str]] = {}
        slots: dict[str, str] = {}
        for g, name in enumerate(self.names):
            base = int(self.ml_off[g])
            idx = sorted(int(x) for x in S.ml[base : base + int(S.size[g])])
            members[name] = [self.ids[i] for i in idx]
            if self.m_on[g] and idx:
                t = int(_core.best_slot(self.P, S.ref, g))
                if t >= 0:
                    slots[name] = self.slots[t]
        return Composition(members, slots)

    def rule_totals(self, S: State) -> dict[str, int]:
        """Violation of every rule in a state, by rule name (for tests and diagnostics)."""
        totals = np.zeros(_core.N_RULES, dtype=np.int64)
        _core.rule_totals(self.P, S.ref, totals)
        return {name: int(totals[RULE_IDS[name]]) for name in RULE_NAMES}

    def term_names(self) -> tuple[str, ...]:
        """The objective terms the compiled problem weighs (the problem's active terms)."""
        return tuple(t for t in TERM_NAMES if t in self.terms)
