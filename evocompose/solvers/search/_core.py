"""Numba-compiled core of the composer's local search (imported lazily by ``core.py``).

Every function here works on two named tuples of flat arrays built by
:mod:`.state`: ``P`` describes the problem (read-only; table in
:mod:`.state`), ``S`` one composition and every count the objective and the
rules are read from. ``i``, ``j`` are people (pool index), ``g``, ``h``
networks (spec index).

* **Terms** (one function per term name of :mod:`evocompose.vocabulary`,
  listed in :mod:`.terms`): ``term_*`` give the weighted value between a
  person and the other members of a network, from the counts; their sum is
  :func:`contrib`. ``cohesion`` and ``spread`` are not pairwise and change
  through :func:`nonseparable`. :func:`toggle` applies one person joining or
  leaving one network, updates every count in ``O(#attributes + #skills +
  #quotas + degree)`` and returns the exact change of the weighted objective.
* **Rules** (one function per rule name, listed in :mod:`.rules`): ``rule_*``
  give the violation of the rule in one network, for one person, or for the
  whole composition, read from the counts (0 when it holds).
  :func:`move_ok` checks, after a move, every active rule the move touched.
* **Moves** are up to four toggles of *units* (a person and their must-pair
  partners, who always move together): one-move, swap, replace (in/out of
  the pool), add and remove. :func:`estimate` scores a move from the counts
  without applying it (exact for the pairwise terms); :func:`try_move`
  applies it, checks every rule and undoes it when one breaks.
* :func:`construct` builds a first composition greedily, keeping the rules a
  greedy step can keep; :func:`repair` removes the remaining violations by
  min-conflicts steps; :func:`anneal` is the search.

The kernels release the GIL (``nogil=True``): several searches run at once in
threads, each on its own ``S``. numba's random generator is per thread and
seeded by every call, so a run is reproducible whichever thread runs it.
"""

# numba's nopython mode supports only the legacy ``np.random`` functions.
# ruff: noqa: NPY002

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, types
from numba.experimental import structref
from numba.extending import intrinsic
from numba.np.arrayobj import make_array, populate_array

# Rule ids: positions in ``P.on`` (the order of evocompose.vocabulary.RULE_NAMES;
# tests/test_search_core.py checks the two agree).
R_SIZE = 0
R_ELIGIBILITY = 1
R_EXCLUDED = 2
R_INCLUDE = 3
R_QUOTA = 4
R_MAX_PER = 5
R_SKILL = 6
R_MEETING = 7
R_CONFLICT = 8
R_MUST_PAIR = 9
R_COHESION = 10
R_BRIDGE = 11
R_CAPACITY = 12
R_SHARING = 13
R_REQUIRED = 14
R_ASSIGN_ALL = 15
N_RULES = 16

# Move kinds (``kind`` of :func:`sample_move`).
K_MOVE = 0
K_SWAP = 1
K_REPLACE = 2
K_ADD = 3
K_REMOVE = 4
N_KINDS = 5

_NEG = -1.0e300


def _kernel(fn: Any) -> Any:
    """Compile ``fn`` with numba: cached on disk, the GIL released."""
    return njit(cache=True, nogil=True)(fn)


def _inline(fn: Any) -> Any:
    """A kernel numba inlines into its callers.

    A call of a compiled function increments and decrements the reference
    counts of ``P`` and ``S`` (atomic operations, ~20 ns each); the small
    functions of the inner loops are therefore inlined, and only the larger
    steps (:func:`toggle`, :func:`sample_move`, ...) are real calls.
    """
    return njit(cache=True, nogil=True, inline="always")(fn)


# ---------------------------------------------------------------- data types
# ``P`` and ``S`` are numba structure references: passed by pointer, so a call
# costs nothing whatever the number of arrays, and their compiled code is
# small (named tuples of 60 arrays took minutes to compile). The field types
# below are what the constructors accept; :mod:`.state` builds the arrays.


@intrinsic  # type: ignore[misc]
def _borrow(typingctx: Any, arr: Any) -> Any:
    """A view of ``arr`` without a reference count (its memory stays owned by Python).

    Kernels read ``P`` and ``S`` fields thousands of times per move; a
    counted array would cost two atomic operations per read. The arrays
    behind a view are kept alive by :class:`~.state.Compiled` and
    :class:`~.state.State`, which own them for as long as ``P`` and ``S``
    are used.
    """

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        src = make_array(sig.args[0])(context, builder, value=args[0])
        out = make_array(sig.return_type)(context, builder)
        populate_array(
            out,
            data=src.data,
            shape=src.shape,
            strides=src.strides,
            itemsize=src.itemsize,
            meminfo=None,
        )
        return out._getvalue()

    return arr(arr), codegen


@structref.register
class ProblemType(types.StructRef):  # type: ignore[misc]
    """numba type of the compiled problem ``P``."""

    def preprocess_fields(self, fields: Any) -> Any:
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


@structref.register
class StateType(types.StructRef):  # type: ignore[misc]
    """numba type of a search state ``S``."""

    def preprocess_fields(self, fields: Any) -> Any:
        return tuple((name, types.unliteral(typ)) for name, typ in fields)


class ProblemRef(structref.StructRefProxy):  # type: ignore[misc]
    """Python handle on a compiled problem (pass it to the kernels; read the arrays in Python)."""


class StateRef(structref.StructRefProxy):  # type: ignore[misc]
    """Python handle on a search state."""


structref.define_boxing(ProblemType, ProblemRef)
structref.define_boxing(StateType, StateRef)

PROBLEM_FIELDS: tuple[tuple[str, Any], ...] = (
    ("n", types.int64),
    ("G", types.int64),
    ("codes", types.int32[:, ::1]),
    ("voff", types.int64[::1]),
    ("sk_ptr", types.int64[::1]),
    ("sk_idx", types.int32[::1]),
    ("nb_ptr", types.int64[::1]),
    ("nb_idx", types.int32[::1]),
    ("has_ties", types.boolean),
    ("unit_ptr", types.int64[::1]),
    ("unit_idx", types.int32[::1]),
    ("unit_of", types.int32[::1]),
    ("cap", types.int32[::1]),
    ("allowed", types.boolean[:, ::1]),
    ("elig", types.boolean[:, ::1]),
    ("excl", types.boolean[:, ::1]),
    ("al_ptr", types.int64[::1]),
    ("al_idx", types.int32[::1]),
    ("pinned", types.boolean[:, ::1]),
    ("pin_ptr", types.int64[::1]),
    ("pin_net", types.int32[::1]),
    ("req_listed", types.boolean[::1]),
    ("assign_all", types.boolean),
    ("no_share", types.boolean[:, ::1]),
    ("min_size", types.int64[::1]),
    ("max_size", types.int64[::1]),
    ("ml_off", types.int64[::1]),
    ("on", types.boolean[::1]),
    ("q_ptr", types.int64[::1]),
    ("q_cls", types.int64[::1]),
    ("cls_mask", types.boolean[:, ::1]),
    ("q_lo", types.int32[:, ::1]),
    ("q_hi", types.int32[:, ::1]),
    ("mp_ptr", types.int64[::1]),
    ("mp_field", types.int64[::1]),
    ("mp_limit", types.int64[::1]),
    ("mp_off", types.int64[::1]),
    ("mp_codes", types.int32[:, ::1]),
    ("sr_ptr", types.int64[::1]),
    ("sr_skill", types.int64[::1]),
    ("sr_min", types.int64[::1]),
    ("free", types.int8[:, ::1]),
    ("m_on", types.boolean[::1]),
    ("m_allowed", types.boolean[:, ::1]),
    ("m_need", types.int32[:, ::1]),
    ("cf_ptr", types.int64[::1]),
    ("cf_idx", types.int32[::1]),
    ("min_known", types.int64[::1]),
    ("br_min", types.int64[::1]),
    ("br_tie", types.boolean[::1]),
    ("has_bridge", types.boolean),
    ("wdiv", types.float64[:, ::1]),
    ("wskill", types.float64[::1]),
    ("wncst", types.float64[::1]),
    ("wcoh", types.float64[::1]),
    ("coh_t", types.int64[::1]),
    ("wrel", types.float64[::1]),
    ("rel", types.float64[:, ::1]),
    ("has_syn", types.boolean),
    ("syn", types.float64[:, :, ::1]),
    ("wspread", types.float64),
    ("has_D", types.boolean),
    ("D", types.float64[:, ::1]),
    ("wD", types.float64[::1]),
)
STATE_FIELDS: tuple[tuple[str, Any], ...] = (
    ("mem", types.boolean[:, ::1]),
    ("pseat", types.int32[:, ::1]),
    ("seats", types.int32[::1]),
    ("size", types.int64[::1]),
    ("ml", types.int32[::1]),
    ("vc", types.int32[:, ::1]),
    ("sc", types.int32[:, ::1]),
    ("scs", types.int64[::1]),
    ("kin", types.int32[:, ::1]),
    ("cohs", types.int64[::1]),
    ("cfi", types.int64[::1]),
    ("fc", types.int32[:, ::1]),
    ("qc", types.int32[::1]),
    ("mpc", types.int32[::1]),
    ("mpx", types.int64[::1]),
    ("bc", types.int32[:, ::1]),
    ("obj", types.float64[::1]),
    ("mi", types.int64[::1]),
    ("mg", types.int64[::1]),
    ("bmi", types.int64[::1]),
    ("bmg", types.int64[::1]),
    ("best3", types.float64[::1]),
    ("nets", types.int64[::1]),
    ("floats", types.float64[::1]),
)
PROBLEM_TYPE = ProblemType(PROBLEM_FIELDS)
STATE_TYPE = StateType(STATE_FIELDS)


@njit(cache=True)  # type: ignore[misc]
def new_problem(  # type: ignore[no-untyped-def]
    n,
    G,
    codes,
    voff,
    sk_ptr,
    sk_idx,
    nb_ptr,
    nb_idx,
    has_ties,
    unit_ptr,
    unit_idx,
    unit_of,
    cap,
    allowed,
    elig,
    excl,
    al_ptr,
    al_idx,
    pinned,
    pin_ptr,
    pin_net,
    req_listed,
    assign_all,
    no_share,
    min_size,
    max_size,
    ml_off,
    on,
    q_ptr,
    q_cls,
    cls_mask,
    q_lo,
    q_hi,
    mp_ptr,
    mp_field,
    mp_limit,
    mp_off,
    mp_codes,
    sr_ptr,
    sr_skill,
    sr_min,
    free,
    m_on,
    m_allowed,
    m_need,
    cf_ptr,
    cf_idx,
    min_known,
    br_min,
    br_tie,
    has_bridge,
    wdiv,
    wskill,
    wncst,
    wcoh,
    coh_t,
    wrel,
    rel,
    has_syn,
    syn,
    wspread,
    has_D,
    D,
    wD,
):  # type: ignore[no-untyped-def]
    """A compiled problem from its arrays (field order of :data:`PROBLEM_FIELDS`)."""
    X = structref.new(PROBLEM_TYPE)  # type: ignore[call-arg, var-annotated]
    X.n = n
    X.G = G
    X.codes = _borrow(codes)
    X.voff = _borrow(voff)
    X.sk_ptr = _borrow(sk_ptr)
    X.sk_idx = _borrow(sk_idx)
    X.nb_ptr = _borrow(nb_ptr)
    X.nb_idx = _borrow(nb_idx)
    X.has_ties = has_ties
    X.unit_ptr = _borrow(unit_ptr)
    X.unit_idx = _borrow(unit_idx)
    X.unit_of = _borrow(unit_of)
    X.cap = _borrow(cap)
    X.allowed = _borrow(allowed)
    X.elig = _borrow(elig)
    X.excl = _borrow(excl)
    X.al_ptr = _borrow(al_ptr)
    X.al_idx = _borrow(al_idx)
    X.pinned = _borrow(pinned)
    X.pin_ptr = _borrow(pin_ptr)
    X.pin_net = _borrow(pin_net)
    X.req_listed = _borrow(req_listed)
    X.assign_all = assign_all
    X.no_share = _borrow(no_share)
    X.min_size = _borrow(min_size)
    X.max_size = _borrow(max_size)
    X.ml_off = _borrow(ml_off)
    X.on = _borrow(on)
    X.q_ptr = _borrow(q_ptr)
    X.q_cls = _borrow(q_cls)
    X.cls_mask = _borrow(cls_mask)
    X.q_lo = _borrow(q_lo)
    X.q_hi = _borrow(q_hi)
    X.mp_ptr = _borrow(mp_ptr)
    X.mp_field = _borrow(mp_field)
    X.mp_limit = _borrow(mp_limit)
    X.mp_off = _borrow(mp_off)
    X.mp_codes = _borrow(mp_codes)
    X.sr_ptr = _borrow(sr_ptr)
    X.sr_skill = _borrow(sr_skill)
    X.sr_min = _borrow(sr_min)
    X.free = _borrow(free)
    X.m_on = _borrow(m_on)
    X.m_allowed = _borrow(m_allowed)
    X.m_need = _borrow(m_need)
    X.cf_ptr = _borrow(cf_ptr)
    X.cf_idx = _borrow(cf_idx)
    X.min_known = _borrow(min_known)
    X.br_min = _borrow(br_min)
    X.br_tie = _borrow(br_tie)
    X.has_bridge = has_bridge
    X.wdiv = _borrow(wdiv)
    X.wskill = _borrow(wskill)
    X.wncst = _borrow(wncst)
    X.wcoh = _borrow(wcoh)
    X.coh_t = _borrow(coh_t)
    X.wrel = _borrow(wrel)
    X.rel = _borrow(rel)
    X.has_syn = has_syn
    X.syn = _borrow(syn)
    X.wspread = wspread
    X.has_D = has_D
    X.D = _borrow(D)
    X.wD = _borrow(wD)
    return X


@njit(cache=True)  # type: ignore[misc]
def new_state(  # type: ignore[no-untyped-def]
    mem,
    pseat,
    seats,
    size,
    ml,
    vc,
    sc,
    scs,
    kin,
    cohs,
    cfi,
    fc,
    qc,
    mpc,
    mpx,
    bc,
    obj,
    mi,
    mg,
    bmi,
    bmg,
    best3,
    nets,
    floats,
):  # type: ignore[no-untyped-def]
    """A search state from its arrays (field order of :data:`STATE_FIELDS`)."""
    X = structref.new(STATE_TYPE)  # type: ignore[call-arg, var-annotated]
    X.mem = _borrow(mem)
    X.pseat = _borrow(pseat)
    X.seats = _borrow(seats)
    X.size = _borrow(size)
    X.ml = _borrow(ml)
    X.vc = _borrow(vc)
    X.sc = _borrow(sc)
    X.scs = _borrow(scs)
    X.kin = _borrow(kin)
    X.cohs = _borrow(cohs)
    X.cfi = _borrow(cfi)
    X.fc = _borrow(fc)
    X.qc = _borrow(qc)
    X.mpc = _borrow(mpc)
    X.mpx = _borrow(mpx)
    X.bc = _borrow(bc)
    X.obj = _borrow(obj)
    X.mi = _borrow(mi)
    X.mg = _borrow(mg)
    X.bmi = _borrow(bmi)
    X.bmg = _borrow(bmg)
    X.best3 = _borrow(best3)
    X.nets = _borrow(nets)
    X.floats = _borrow(floats)
    return X


# ===================================================================== terms
@_inline
def term_diversity(P, S, i, g):  # type: ignore[no-untyped-def]
    """``sector``, ``actor_type``, ``area``, ``attributes``: mismatched pairs, per attribute.

    ``w * (s - c_v)`` per attribute: the members of ``g`` (other than ``i``)
    whose value differs from ``i``'s; the same formula holds whether ``i``
    is a member (both counts then include ``i``) or not.
    """
    s = S.size[g]
    v = 0.0
    for a in range(P.codes.shape[0]):
        w = P.wdiv[g, a]
        if w != 0.0:
            v += w * (s - S.vc[g, P.voff[a] + P.codes[a, i]])
    return v


@_inline
def term_skills(P, S, i, g):  # type: ignore[no-untyped-def]
    """``skills``: pairs where exactly one holds a skill, ``sum_k c_k + sum_{k of i} (s - 2 c_k)``."""
    w = P.wskill[g]
    if w == 0.0:
        return 0.0
    s = S.size[g]
    t = S.scs[g]
    for p in range(P.sk_ptr[i], P.sk_ptr[i + 1]):
        t += s - 2 * S.sc[g, P.sk_idx[p]]
    return w * t


@_inline
def term_new_cross_sector_ties(P, S, i, g):  # type: ignore[no-untyped-def]
    """``new_cross_sector_ties``: members from another sector whom ``i`` does not know yet."""
    w = P.wncst[g]
    if w == 0.0:
        return 0.0
    sec = P.codes[0, i]
    t = S.size[g] - S.vc[g, sec]
    for p in range(P.nb_ptr[i], P.nb_ptr[i + 1]):
        j = P.nb_idx[p]
        if S.mem[j, g] and P.codes[0, j] != sec:
            t -= 1
    return w * t


@_inline
def term_relevance(P, S, i, g):  # type: ignore[no-untyped-def]
    """``relevance``: the person's relevance to the network."""
    w = P.wrel[g]
    if w == 0.0:
        return 0.0
    return w * P.rel[i, g]


@_inline
def term_synergy(P, S, i, g):  # type: ignore[no-untyped-def]
    """``synergy``: the sector x sector table (weight folded in) against the sector counts."""
    if not P.has_syn:
        return 0.0
    sec = P.codes[0, i]
    row = P.syn[g, sec]
    t = 0.0
    for u in range(row.size):
        t += row[u] * S.vc[g, u]
    if S.mem[i, g]:
        t -= row[sec]
    return t


@_inline
def term_dissimilarity(P, S, i, g):  # type: ignore[no-untyped-def]
    """``dissimilarity``: the user's matrix summed over the other members."""
    w = P.wD[g]
    if not P.has_D or w == 0.0:
        return 0.0
    t = 0.0
    base = P.ml_off[g]
    for p in range(base, base + S.size[g]):
        j = S.ml[p]
        if j != i:
            t += P.D[i, j]
    return w * t


@_inline
def term_cohesion(P, S, i, g, add):  # type: ignore[no-untyped-def]
    """``cohesion``: change of the members knowing >= target others when ``i`` joins or leaves."""
    w = P.wcoh[g]
    if w == 0.0:
        return 0.0
    t = P.coh_t[g]
    ki = S.kin[i, g] if P.has_ties else 0
    cnt = 1 if ki >= t else 0
    if t >= 1 and P.has_ties:
        hit = t - 1 if add else t
        for p in range(P.nb_ptr[i], P.nb_ptr[i + 1]):
            j = P.nb_idx[p]
            if S.mem[j, g] and S.kin[j, g] == hit:
                cnt += 1
    return w * cnt if add else -w * cnt


@_inline
def term_spread(P, S, i, g, add):  # type: ignore[no-untyped-def]
    """``spread``: a person placed for the first time, or no longer placed."""
    w = P.wspread
    if w == 0.0:
        return 0.0
    if add and S.seats[i] == 0:
        return w
    if not add and S.seats[i] == 1:
        return -w
    return 0.0


@_inline
def contrib(P, S, i, g):  # type: ignore[no-untyped-def]
    """Weighted value of the pairwise terms between ``i`` and the other members of ``g``."""
    return (
        term_diversity(P, S, i, g)
        + term_skills(P, S, i, g)
        + term_new_cross_sector_ties(P, S, i, g)
        + term_relevance(P, S, i, g)
        + term_synergy(P, S, i, g)
        + term_dissimilarity(P, S, i, g)
    )


@_kernel
def nonseparable(P, S, i, g, add):  # type: ignore[no-untyped-def]
    """Change of the terms that are not pairwise (cohesion, spread)."""
    return term_cohesion(P, S, i, g, add) + term_spread(P, S, i, g, add)


@_inline
def _tied(P, i, j):  # type: ignore[no-untyped-def]
    lo = P.nb_ptr[i]
    hi = P.nb_ptr[i + 1]
    while lo < hi:
        mid = (lo + hi) // 2
        x = P.nb_idx[mid]
        if x == j:
            return True
        if x < j:
            lo = mid + 1
        else:
            hi = mid
    return False


@_inline
def pair_value(P, i, j, g):  # type: ignore[no-untyped-def]
    """Weighted value of the pair ``(i, j)`` inside ``g`` (pairwise terms only)."""
    v = 0.0
    for a in range(P.codes.shape[0]):
        w = P.wdiv[g, a]
        if w != 0.0 and P.codes[a, i] != P.codes[a, j]:
            v += w
    w = P.wskill[g]
    if w != 0.0:
        # size of the symmetric difference of two sorted skill lists
        p = P.sk_ptr[i]
        pe = P.sk_ptr[i + 1]
        q = P.sk_ptr[j]
        qe = P.sk_ptr[j + 1]
        common = 0
        while p < pe and q < qe:
            a = P.sk_idx[p]
            b = P.sk_idx[q]
            if a == b:
                common += 1
                p += 1
                q += 1
            elif a < b:
                p += 1
            else:
                q += 1
        v += w * ((pe - P.sk_ptr[i]) + (qe - P.sk_ptr[j]) - 2 * common)
    w = P.wncst[g]
    if w != 0.0 and P.codes[0, i] != P.codes[0, j] and not _tied(P, i, j):
        v += w
    if P.has_syn:
        v += P.syn[g, P.codes[0, i], P.codes[0, j]]
    w = P.wD[g]
    if P.has_D and w != 0.0:
        v += w * P.D[i, j]
    return v


# ===================================================================== update
@_inline
def _bridge_reach_flip(P, S, p, b, sgn):  # type: ignore[no-untyped-def]
    """Person ``p`` starts (+1) or stops (-1) being reached by bridge network ``b``."""
    for k in range(S.pseat.shape[1]):
        h = S.pseat[p, k]
        if h >= 0 and h != b:
            S.bc[b, h] += sgn


@_kernel
def toggle(P, S, i, g):  # type: ignore[no-untyped-def]
    """Add ``i`` to ``g`` (or remove it if a member), update every count.

    Returns the exact change of the weighted objective. No rule is checked.
    """
    add = not S.mem[i, g]
    c = contrib(P, S, i, g)
    d = (c if add else -c) + nonseparable(P, S, i, g, add)
    sgn = 1 if add else -1
    if P.has_bridge:
        # i counts as a member of g for every other bridge network reaching i
        for b in range(P.G):
            reached = S.mem[i, b] or (P.br_tie[b] and P.has_ties and S.kin[i, b] > 0)
            if b != g and P.br_min[b] > 0 and reached:
                S.bc[b, g] += sgn
    # membership, member list, seats
    S.mem[i, g] = add
    base = P.ml_off[g]
    if add:
        S.ml[base + S.size[g]] = i
        S.size[g] += 1
        for k in range(S.pseat.shape[1]):
            if S.pseat[i, k] < 0:
                S.pseat[i, k] = g
                break
    else:
        last = base + S.size[g] - 1
        for p in range(base, last + 1):
            if S.ml[p] == i:
                S.ml[p] = S.ml[last]
                break
        S.size[g] -= 1
        for k in range(S.pseat.shape[1]):
            if S.pseat[i, k] == g:
                S.pseat[i, k] = -1
                break
    S.seats[i] += sgn
    # attribute value counts
    for a in range(P.codes.shape[0]):
        S.vc[g, P.voff[a] + P.codes[a, i]] += sgn
    # skills
    ns = P.sk_ptr[i + 1] - P.sk_ptr[i]
    if ns:
        for p in range(P.sk_ptr[i], P.sk_ptr[i + 1]):
            S.sc[g, P.sk_idx[p]] += sgn
        S.scs[g] += sgn * ns
    # ties: known-inside counts, cohesion shortfall, bridge reach through ties
    mk = P.min_known[g]
    if P.has_ties:
        tie_bridge = P.br_min[g] > 0 and P.br_tie[g]
        for p in range(P.nb_ptr[i], P.nb_ptr[i + 1]):
            j = P.nb_idx[p]
            kj = S.kin[j, g]
            if S.mem[j, g]:
                if mk > 0:
                    if add and kj < mk:
                        S.cohs[g] -= 1
                    elif not add and kj <= mk:
                        S.cohs[g] += 1
            elif tie_bridge and ((add and kj == 0) or (not add and kj == 1)):
                _bridge_reach_flip(P, S, j, g, sgn)
            S.kin[j, g] = kj + sgn
        if mk > 0:
            short = mk - S.kin[i, g]
            if short > 0:
                S.cohs[g] += sgn * short
    elif mk > 0:
        S.cohs[g] += sgn * mk
    if P.br_min[g] > 0 and not (P.br_tie[g] and P.has_ties and S.kin[i, g] > 0):
        _bridge_reach_flip(P, S, i, g, sgn)
    # conflicts inside
    for p in range(P.cf_ptr[i], P.cf_ptr[i + 1]):
        if S.mem[P.cf_idx[p], g]:
            S.cfi[g] += sgn
    # meeting slots
    if P.m_on[g]:
        for t in range(P.free.shape[1]):
            if P.free[i, t]:
                S.fc[g, t] += sgn
    # quotas
    for q in range(P.q_ptr[g], P.q_ptr[g + 1]):
        if P.cls_mask[P.q_cls[q], i]:
            S.qc[q] += sgn
    # max_per: counts per value and the excess over the limit
    for r in range(P.mp_ptr[g], P.mp_ptr[g + 1]):
        k = P.mp_off[r] + P.mp_codes[P.mp_field[r], i]
        before = S.mpc[k]
        if add:
            if before >= P.mp_limit[r]:
                S.mpx[r] += 1
        elif before > P.mp_limit[r]:
            S.mpx[r] -= 1
        S.mpc[k] = before + sgn
    S.obj[0] += d
    return d


@_kernel
def utoggle(P, S, i, g):  # type: ignore[no-untyped-def]
    """Toggle the whole unit of ``i`` (``i`` and its must-pair partners) in ``g``."""
    u = P.unit_of[i]
    d = 0.0
    for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
        d += toggle(P, S, P.unit_idx[p], g)
    return d


@_inline
def unit_size(P, i):  # type: ignore[no-untyped-def]
    u = P.unit_of[i]
    return P.unit_ptr[u + 1] - P.unit_ptr[u]


@_kernel
def reset(S):  # type: ignore[no-untyped-def]
    """Empty composition (every count zero)."""
    S.mem[:] = False
    S.pseat[:] = -1
    S.seats[:] = 0
    S.size[:] = 0
    S.vc[:] = 0
    S.sc[:] = 0
    S.scs[:] = 0
    S.kin[:] = 0
    S.cohs[:] = 0
    S.cfi[:] = 0
    S.fc[:] = 0
    S.qc[:] = 0
    S.mpc[:] = 0
    S.mpx[:] = 0
    S.bc[:] = 0
    S.obj[0] = 0.0


@_kernel
def load(P, S, ml, size):  # type: ignore[no-untyped-def]
    """Set the composition to the member lists ``ml`` (layout of ``S.ml``) with ``size``."""
    reset(S)
    for g in range(P.G):
        base = P.ml_off[g]
        for p in range(base, base + size[g]):
            toggle(P, S, ml[p], g)


@_kernel
def copy_members(P, S, ml, size):  # type: ignore[no-untyped-def]
    """Copy the current member lists into ``ml`` and ``size``."""
    for g in range(P.G):
        base = P.ml_off[g]
        for p in range(base, base + S.size[g]):
            ml[p] = S.ml[p]
        size[g] = S.size[g]


# ===================================================================== rules
@_inline
def rule_size(P, S, g):  # type: ignore[no-untyped-def]
    """``size``: members missing below ``min_size`` or beyond ``max_size``."""
    s = S.size[g]
    return max(0, P.min_size[g] - s) + max(0, s - P.max_size[g])


@_inline
def rule_quota(P, S, g):  # type: ignore[no-untyped-def]
    """``quota``: counted members missing or in excess, at the network's size."""
    s = min(S.size[g], P.q_lo.shape[1] - 1)
    v = 0
    for q in range(P.q_ptr[g], P.q_ptr[g + 1]):
        c = S.qc[q]
        v += max(0, P.q_lo[q, s] - c) + max(0, c - P.q_hi[q, s])
    return v


@_inline
def rule_max_per(P, S, g):  # type: ignore[no-untyped-def]
    """``max_per``: members beyond the limit, over the values of each limited field."""
    v = 0
    for r in range(P.mp_ptr[g], P.mp_ptr[g + 1]):
        v += S.mpx[r]
    return v


@_inline
def rule_skill(P, S, g):  # type: ignore[no-untyped-def]
    """``skill``: holders missing per required skill."""
    v = 0
    for r in range(P.sr_ptr[g], P.sr_ptr[g + 1]):
        v += max(0, P.sr_min[r] - S.sc[g, P.sr_skill[r]])
    return v


@_inline
def best_slot(P, S, g):  # type: ignore[no-untyped-def]
    """The allowed slot with most members free (first on ties; -1 without one)."""
    best = -1
    most = -1
    for t in range(P.m_allowed.shape[1]):
        if P.m_allowed[g, t] and S.fc[g, t] > most:
            most = S.fc[g, t]
            best = t
    return best


@_inline
def rule_meeting(P, S, g):  # type: ignore[no-untyped-def]
    """``meeting``: members missing for the quorum in the best allowed slot (empty networks pass)."""
    s = S.size[g]
    if not P.m_on[g] or s == 0:
        return 0
    t = best_slot(P, S, g)
    free = S.fc[g, t] if t >= 0 else 0
    return max(0, P.m_need[g, min(s, P.m_need.shape[1] - 1)] - free)


@_inline
def rule_conflict(P, S, g):  # type: ignore[no-untyped-def]
    """``conflict``: conflict pairs sitting together (each counted from both sides)."""
    return S.cfi[g]


@_inline
def rule_cohesion(P, S, g):  # type: ignore[no-untyped-def]
    """``cohesion``: acquaintances missing inside, over the members (``min_known``)."""
    return S.cohs[g]


@_inline
def rule_bridge(P, S):  # type: ignore[no-untyped-def]
    """``bridge``: members of other (non-empty) networks missing from each bridge's reach."""
    if not P.has_bridge:
        return 0
    v = 0
    for b in range(P.G):
        m = P.br_min[b]
        if m <= 0:
            continue
        for h in range(P.G):
            if h != b and S.size[h] > 0 and S.bc[b, h] < m:
                v += m - S.bc[b, h]
    return v


@_inline
def rule_eligibility(P, S, i):  # type: ignore[no-untyped-def]
    """``eligibility``: networks the person sits in without the relevance (or capacity) for it."""
    v = 0
    for k in range(S.pseat.shape[1]):
        g = S.pseat[i, k]
        if g >= 0 and not P.elig[i, g]:
            v += 1
    return v


@_inline
def rule_excluded(P, S, i):  # type: ignore[no-untyped-def]
    """``excluded``: networks the person sits in although pinned out (or excluded everywhere)."""
    v = 0
    for k in range(S.pseat.shape[1]):
        g = S.pseat[i, k]
        if g >= 0 and P.excl[i, g]:
            v += 1
    return v


@_inline
def rule_include(P, S, i):  # type: ignore[no-untyped-def]
    """``include``: networks the person is pinned into but does not sit in."""
    v = 0
    for p in range(P.pin_ptr[i], P.pin_ptr[i + 1]):
        if not S.mem[i, P.pin_net[p]]:
            v += 1
    return v


@_inline
def rule_must_pair(P, S, i):  # type: ignore[no-untyped-def]
    """``must_pair``: networks where the person and a must-pair partner do not sit together."""
    u = P.unit_of[i]
    v = 0
    for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
        j = P.unit_idx[p]
        if j == i:
            continue
        for k in range(S.pseat.shape[1]):
            g = S.pseat[i, k]
            if g >= 0 and not S.mem[j, g]:
                v += 1
    return v


@_inline
def rule_capacity(P, S, i):  # type: ignore[no-untyped-def]
    """``capacity``: seats beyond the person's capacity."""
    return max(0, S.seats[i] - P.cap[i])


@_inline
def rule_sharing(P, S, i):  # type: ignore[no-untyped-def]
    """``sharing``: pairs of the person's networks that may not share members."""
    v = 0
    m = S.pseat.shape[1]
    for a in range(m):
        g = S.pseat[i, a]
        if g < 0:
            continue
        for b in range(a + 1, m):
            h = S.pseat[i, b]
            if h >= 0 and P.no_share[g, h]:
                v += 1
    return v


@_inline
def rule_required(P, S, i):  # type: ignore[no-untyped-def]
    """``required``: a person on the required list who sits nowhere."""
    return 1 if P.req_listed[i] and S.seats[i] == 0 else 0


@_inline
def rule_assign_all(P, S, i):  # type: ignore[no-untyped-def]
    """``assign_all``: a person who sits nowhere although everyone must be placed."""
    return 1 if P.assign_all and S.seats[i] == 0 else 0


@_kernel
def network_violation(P, S, g, soft_only):  # type: ignore[no-untyped-def]
    """Violation of the active per-network rules in ``g``.

    With ``soft_only`` only the rules the repair lets break (everything but
    ``max_size``, ``max_per`` and ``conflict``, which it keeps hard).
    """
    on = P.on
    v = 0
    if soft_only:
        v += max(0, P.min_size[g] - S.size[g])
    else:
        v += rule_size(P, S, g)
        if on[R_MAX_PER]:
            v += rule_max_per(P, S, g)
        if on[R_CONFLICT]:
            v += rule_conflict(P, S, g)
    if on[R_QUOTA]:
        v += rule_quota(P, S, g)
    if on[R_SKILL]:
        v += rule_skill(P, S, g)
    if on[R_MEETING]:
        v += rule_meeting(P, S, g)
    if on[R_COHESION]:
        v += rule_cohesion(P, S, g)
    return v


@_kernel
def person_violation(P, S, i, soft_only):  # type: ignore[no-untyped-def]
    """Violation of the active per-person rules for ``i`` (soft: only being unplaced)."""
    on = P.on
    v = 0
    if not soft_only:
        if on[R_ELIGIBILITY]:
            v += rule_eligibility(P, S, i)
        if on[R_EXCLUDED]:
            v += rule_excluded(P, S, i)
        if on[R_INCLUDE]:
            v += rule_include(P, S, i)
        if on[R_MUST_PAIR]:
            v += rule_must_pair(P, S, i)
        v += rule_capacity(P, S, i)  # capacity is always active
        if on[R_SHARING]:
            v += rule_sharing(P, S, i)
    if on[R_REQUIRED]:
        v += rule_required(P, S, i)
    if on[R_ASSIGN_ALL]:
        v += rule_assign_all(P, S, i)
    return v


@_kernel
def rule_totals(P, S, out):  # type: ignore[no-untyped-def]
    """Violation of every rule (active or not) over the whole composition, into ``out`` by rule id."""
    out[:] = 0
    for g in range(P.G):
        out[R_SIZE] += rule_size(P, S, g)
        out[R_QUOTA] += rule_quota(P, S, g)
        out[R_MAX_PER] += rule_max_per(P, S, g)
        out[R_SKILL] += rule_skill(P, S, g)
        out[R_MEETING] += rule_meeting(P, S, g)
        out[R_CONFLICT] += rule_conflict(P, S, g)
        out[R_COHESION] += rule_cohesion(P, S, g)
    for i in range(P.n):
        out[R_ELIGIBILITY] += rule_eligibility(P, S, i)
        out[R_EXCLUDED] += rule_excluded(P, S, i)
        out[R_INCLUDE] += rule_include(P, S, i)
        out[R_MUST_PAIR] += rule_must_pair(P, S, i)
        out[R_CAPACITY] += rule_capacity(P, S, i)
        out[R_SHARING] += rule_sharing(P, S, i)
        out[R_REQUIRED] += rule_required(P, S, i)
        out[R_ASSIGN_ALL] += rule_assign_all(P, S, i)
    out[R_BRIDGE] = rule_bridge(P, S)


@_kernel
def violation(P, S, soft_only):  # type: ignore[no-untyped-def]
    """Total violation of the active rules (0: every rule holds)."""
    v = 0
    for g in range(P.G):
        v += network_violation(P, S, g, soft_only)
    for i in range(P.n):
        v += person_violation(P, S, i, soft_only)
    if P.on[R_BRIDGE]:
        v += rule_bridge(P, S)
    return v


# ===================================================================== moves
@_inline
def can_enter(P, S, i, g):  # type: ignore[no-untyped-def]
    """The unit of ``i`` may join ``g`` as far as the pair rules go (domain, seat free)."""
    u = P.unit_of[i]
    for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
        j = P.unit_idx[p]
        if S.mem[j, g] or not P.allowed[j, g]:
            return False
    return True


@_inline
def can_leave(P, S, i, g):  # type: ignore[no-untyped-def]
    """The unit of ``i`` sits in ``g`` and nobody of it is pinned there."""
    u = P.unit_of[i]
    for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
        j = P.unit_idx[p]
        if not S.mem[j, g] or P.pinned[j, g]:
            return False
    return True


@_kernel
def apply_move(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """Apply the ``k`` unit toggles ``(mi[t], mg[t])``; the objective change."""
    d = 0.0
    for t in range(k):
        d += utoggle(P, S, mi[t], mg[t])
    return d


@_kernel
def undo_move(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    for t in range(k - 1, -1, -1):
        utoggle(P, S, mi[t], mg[t])


@_kernel
def move_ok(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """Whether every active rule the (applied) move touched holds."""
    for t in range(k):
        g = mg[t]
        if network_violation(P, S, g, False) != 0:
            return False
        u = P.unit_of[mi[t]]
        for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
            if person_violation(P, S, P.unit_idx[p], False) != 0:
                return False
    return not (P.on[R_BRIDGE] and rule_bridge(P, S) != 0)


@_kernel
def sizes_fit(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """The move keeps every network within its member-list capacity (checked before applying)."""
    for t in range(k):
        g = mg[t]
        change = 0
        for r in range(k):
            if mg[r] == g:
                us = unit_size(P, mi[r])
                change += -us if S.mem[mi[r], g] else us
        if S.size[g] + change > P.max_size[g] or S.size[g] + change < 0:
            return False
    return True


@_kernel
def try_move(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """Apply the move if it keeps every rule; returns ``(applied, exact objective change)``."""
    if not sizes_fit(P, S, mi, mg, k):
        return False, 0.0
    d = apply_move(P, S, mi, mg, k)
    if move_ok(P, S, mi, mg, k):
        return True, d
    undo_move(P, S, mi, mg, k)
    return False, 0.0


@_inline
def _random_member(P, S, g):  # type: ignore[no-untyped-def]
    s = S.size[g]
    if s == 0:
        return -1
    return S.ml[P.ml_off[g] + np.random.randint(s)]


@_inline
def _random_allowed(P, g):  # type: ignore[no-untyped-def]
    """A random person allowed in ``g`` (uniform over the allowed list or, when dense, the pool)."""
    lo = P.al_ptr[g]
    hi = P.al_ptr[g + 1]
    if hi > lo:
        return P.al_idx[lo + np.random.randint(hi - lo)]
    for _ in range(8):
        j = np.random.randint(P.n)
        if P.allowed[j, g]:
            return j
    return -1


@_kernel
def _random_seat(P, S):  # type: ignore[no-untyped-def]
    """A random ``(person, network)`` seat: a random network weighted by size, then a member."""
    total = P.ml_off[P.G]
    for _ in range(16):
        p = np.random.randint(total)
        # find the network whose slice holds p
        lo = 0
        hi = P.G
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if P.ml_off[mid] <= p:
                lo = mid
            else:
                hi = mid
        g = lo
        if p < P.ml_off[g] + S.size[g]:
            return S.ml[p], g
    g = np.random.randint(P.G)
    return _random_member(P, S, g), g


@_inline
def draw_move(P, S, kind, mi, mg):  # type: ignore[no-untyped-def]
    """Draw a random move of ``kind`` into ``mi``, ``mg``; the number of toggles (0: none found).

    The toggles pass the pair rules (domain, pins, seat free); everything
    else is checked when the move is tried.
    """
    G = P.G
    if kind == K_ADD:
        g = np.random.randint(G)
        if S.size[g] >= P.max_size[g]:
            return 0
        j = _random_allowed(P, g)
        if j < 0 or not can_enter(P, S, j, g) or S.seats[j] >= P.cap[j]:
            return 0
        mi[0] = j
        mg[0] = g
        return 1
    i, g = _random_seat(P, S)
    if i < 0 or not can_leave(P, S, i, g):
        return 0
    mi[0] = i
    mg[0] = g
    if kind == K_REMOVE:
        return 1
    if kind == K_REPLACE:
        j = _random_allowed(P, g)
        if j < 0 or not can_enter(P, S, j, g) or S.seats[j] >= P.cap[j]:
            return 0
        mi[1] = j
        mg[1] = g
        return 2
    if G < 2:
        return 0
    h = np.random.randint(G - 1)
    h += h >= g
    if not can_enter(P, S, i, h):
        return 0
    if kind == K_MOVE:
        mi[1] = i
        mg[1] = h
        return 2
    # swap with a member of h
    j = _random_member(P, S, h)
    if j < 0 or not can_leave(P, S, j, h) or not can_enter(P, S, j, g):
        return 0
    mi[1] = j
    mg[1] = h
    mi[2] = j
    mg[2] = g
    mi[3] = i
    mg[3] = h
    return 4


@_inline
def estimate(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """Change of the pairwise terms if the ``k`` toggles were applied (nothing is applied).

    Each toggle adds (or, leaving, subtracts) its :func:`contrib` in the
    current composition; two toggles in one network then count their own
    pair wrongly once, which the pair value corrects (``+`` for two joins or
    two leaves, ``-`` for one of each). Exact for singleton units; cohesion,
    spread and must-pair partners are left to the exact evaluation.
    """
    est = 0.0
    for t in range(k):
        i = mi[t]
        g = mg[t]
        c = contrib(P, S, i, g)
        leave_t = S.mem[i, g]
        est += -c if leave_t else c
        for r in range(t):
            if mg[r] == g and mi[r] != i:
                same = S.mem[mi[r], g] == leave_t
                pv = pair_value(P, mi[r], i, g)
                est += pv if same else -pv
    return est


@_kernel
def sample_move(P, S, kind, mi, mg):  # type: ignore[no-untyped-def]
    """:func:`draw_move` and its :func:`estimate`: ``(toggles, estimate)``."""
    k = draw_move(P, S, kind, mi, mg)
    if k == 0:
        return 0, 0.0
    return k, estimate(P, S, mi, mg, k)


@_inline
def _pick_kind(probs):  # type: ignore[no-untyped-def]
    r = np.random.random()
    acc = 0.0
    for k in range(probs.size):
        acc += probs[k]
        if r < acc:
            return k
    return probs.size - 1


@_kernel
def worsening_sample(P, S, probs, seed):  # type: ignore[no-untyped-def]
    """Sizes of the worsening estimates of random moves, into ``S.floats``; their number."""
    np.random.seed(seed)
    m = 0
    for _ in range(S.floats.size):
        k, est = sample_move(P, S, _pick_kind(probs), S.mi, S.mg)
        if k and est < -1e-12:
            S.floats[m] = -est
            m += 1
    return m


@_kernel
def anneal(  # type: ignore[no-untyped-def]
    P, S, probs, best_ml, best_size, best, ist, it_end, cycle, t0, t1, tenure, tabu, exact, seed
):
    """Simulated annealing with a short tabu tenure, resumable (one call = a chunk).

    Each iteration draws a move (kind by ``probs``) and estimates it from
    the counts; a move whose people moved less than ``tenure`` iterations
    ago is skipped unless it would beat the best value (aspiration). The
    move is then accepted by the annealing rule at temperature ``t0 *
    (t1/t0)^(phase/cycle)`` (the phase counts iterations within the cycle),
    applied, and kept only if every rule holds.

    Parameters
    ----------
    best_ml, best_size, best : numpy.ndarray
        The best composition of this search (member lists, sizes, ``[value]``),
        updated in place.
    ist : numpy.ndarray
        ``[iteration, phase in cycle, accepted moves]`` (updated in place).
    it_end : int
        Stop when the iteration counter reaches this value.
    tabu : numpy.ndarray
        ``(n,)``: the iteration until which each person stays put.
    exact : bool
        Whether estimates are exact (then the best composition is copied
        only before a worsening move).

    Returns
    -------
    int
        Iterations done in this call.
    """
    np.random.seed(seed)
    mi = S.mi
    mg = S.mg
    it = ist[0]
    phase = ist[1]
    accepted = ist[2]
    start = it
    ratio = t1 / t0 if t0 > 0 else 0.0
    unsaved = False  # the current composition is the best but not copied yet
    while it < it_end:
        it += 1
        phase += 1
        if phase > cycle:
            phase = cycle
        k = draw_move(P, S, _pick_kind(probs), mi, mg)
        if k == 0:
            continue
        est = estimate(P, S, mi, mg, k)
        cur = S.obj[0]
        if tenure > 0:
            blocked = False
            for t in range(k):
                if tabu[mi[t]] > it:
                    blocked = True
            if blocked and cur + est <= best[0] + 1e-9:
                continue
        if est < -1e-12:
            if t0 <= 0.0:
                continue
            temp = t0 * ratio ** (phase / cycle)
            if temp <= 0.0 or np.random.random() >= np.exp(est / temp):
                continue
        if unsaved and (est < -1e-12 or not exact):
            # the move may lose the best composition: copy it first
            copy_members(P, S, best_ml, best_size)
            unsaved = False
        ok, _ = try_move(P, S, mi, mg, k)
        if not ok:
            continue
        accepted += 1
        if tenure > 0:
            for t in range(k):
                tabu[mi[t]] = it + tenure + np.random.randint(tenure + 1)
        if S.obj[0] > best[0] + 1e-9:
            best[0] = S.obj[0]
            unsaved = True
    if unsaved:
        copy_members(P, S, best_ml, best_size)
    ist[0] = it
    ist[1] = phase
    ist[2] = accepted
    return it - start


@_kernel
def kick(P, S, probs, strength, seed):  # type: ignore[no-untyped-def]
    """Perturb the composition with ``strength`` random moves that keep every rule."""
    np.random.seed(seed)
    mi = S.mi
    mg = S.mg
    done = 0
    for _ in range(strength * 20):
        if done >= strength:
            break
        k, _ = sample_move(P, S, _pick_kind(probs), mi, mg)
        if k == 0:
            continue
        ok, _ = try_move(P, S, mi, mg, k)
        if ok:
            done += 1
    return done


# ===================================================================== construction
@_kernel
def can_join(P, S, i, g):  # type: ignore[no-untyped-def]
    """Whether the unit of ``i`` may join ``g`` keeping the rules a greedy step can keep.

    Domain, pins-out, capacity, sharing, conflicts, ``max_per`` limits,
    ``max_size`` and the largest count any quota allows.
    """
    u = P.unit_of[i]
    us = P.unit_ptr[u + 1] - P.unit_ptr[u]
    if S.size[g] + us > P.max_size[g]:
        return False
    for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
        j = P.unit_idx[p]
        if S.mem[j, g] or not P.allowed[j, g] or S.seats[j] >= P.cap[j]:
            return False
        for k in range(S.pseat.shape[1]):
            h = S.pseat[j, k]
            if h >= 0 and P.no_share[g, h]:
                return False
        for q in range(P.cf_ptr[j], P.cf_ptr[j + 1]):
            if S.mem[P.cf_idx[q], g]:
                return False
        for r in range(P.mp_ptr[g], P.mp_ptr[g + 1]):
            f = P.mp_field[r]
            value = P.mp_codes[f, j]
            same = 0  # the unit's members with this value all join at once
            for pp in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
                if P.mp_codes[f, P.unit_idx[pp]] == value:
                    same += 1
            if S.mpc[P.mp_off[r] + value] + same > P.mp_limit[r]:
                return False
    top = P.q_hi.shape[1] - 1
    for q in range(P.q_ptr[g], P.q_ptr[g + 1]):
        counted = 0
        for pp in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
            if P.cls_mask[P.q_cls[q], P.unit_idx[pp]]:
                counted += 1
        if counted and S.qc[q] + counted > P.q_hi[q, min(P.max_size[g], top)]:
            return False
    return True


@_kernel
def _join_value(P, S, i, g):  # type: ignore[no-untyped-def]
    """Exact gain of the unit of ``i`` joining ``g`` (applied and undone)."""
    d = utoggle(P, S, i, g)
    utoggle(P, S, i, g)
    return d


@_kernel
def join_score(P, S, i, g):  # type: ignore[no-untyped-def]
    """Gain of ``i`` joining ``g`` minus what a newcomer who differed from everyone would add.

    For diversity this is minus the weighted number of members sharing a
    value with ``i``: networks that lack ``i``'s values score best, whatever
    their size, so a greedy pass spreads every value over the networks.
    """
    ideal = 0.0
    for a in range(P.codes.shape[0]):
        if P.wdiv[g, a] > 0:
            ideal += P.wdiv[g, a]
    if P.wncst[g] > 0:
        ideal += P.wncst[g]
    if unit_size(P, i) == 1:
        gain = contrib(P, S, i, g) + nonseparable(P, S, i, g, True)
    else:
        gain = _join_value(P, S, i, g)
    return gain - ideal * S.size[g]


@_kernel
def need_score(P, S, i, g):  # type: ignore[no-untyped-def]
    """How much ``i`` would help the count rules of ``g`` that are short (negative: hurt)."""
    s1 = min(S.size[g] + 1, P.max_size[g])
    top = P.q_lo.shape[1] - 1
    v = 0.0
    for q in range(P.q_ptr[g], P.q_ptr[g + 1]):
        if P.cls_mask[P.q_cls[q], i]:
            c = S.qc[q]
            if c < P.q_lo[q, min(s1, top)]:
                v += 1.0
            elif c >= P.q_hi[q, min(s1, top)]:
                v -= 1.0
    for r in range(P.sr_ptr[g], P.sr_ptr[g + 1]):
        k = P.sr_skill[r]
        if S.sc[g, k] < P.sr_min[r]:
            for p in range(P.sk_ptr[i], P.sk_ptr[i + 1]):
                if P.sk_idx[p] == k:
                    v += 1.0
    if P.m_on[g]:
        t = best_slot(P, S, g)
        if t >= 0 and P.free[i, t]:
            v += 1.0
        elif t >= 0 and S.size[g] > 0:
            v -= 0.5
    mk = P.min_known[g]
    if mk > 0 and P.has_ties:
        v += min(S.kin[i, g], mk) / mk
    return v


@_kernel
def _needs(P, S, g):  # type: ignore[no-untyped-def]
    """Whether ``g`` is below its minimum size or short on a quota, skill or quorum."""
    if S.size[g] < P.min_size[g]:
        return True
    return network_violation(P, S, g, True) > 0


@_kernel
def _best_for(P, S, g, need_weight, positive_only, sample):  # type: ignore[no-untyped-def]
    """The unit (by a representative) best to join ``g``, or -1.

    With ``sample > 0`` and more allowed candidates than that, only a sample
    is scored in full: ``sample`` candidates able to join, from a
    pseudo-random place of ``g``'s allowed list (it moves with the
    network's size). When ``g`` is short on a count rule (quota, skill,
    quorum, acquaintances), the rest of the list is still scanned for
    candidates who would help it more than the sample's best
    (:func:`need_score` only, which is cheap), and those are scored too. A
    huge pool thus costs each seat a sample, and whoever a rule needs is
    still found.
    """
    best = -1
    best_v = _NEG
    best_need = _NEG
    lo = P.al_ptr[g]
    hi = P.al_ptr[g + 1]
    dense = hi == lo
    count = P.n if dense else hi - lo
    short = need_weight > 0 and network_violation(P, S, g, True) > max(0, P.min_size[g] - S.size[g])
    offset = 0
    if sample > 0 and count > sample:
        offset = (g * 40503 + S.size[g] * 2654435761 + 12345) % count
    scored = 0
    for r in range(count):
        sampled = sample <= 0 or scored < sample
        if not sampled and not short:
            break
        t = offset + r
        if t >= count:
            t -= count
        j = t if dense else P.al_idx[lo + t]
        if P.unit_idx[P.unit_ptr[P.unit_of[j]]] != j:
            continue  # units are scored by their first member
        if not can_join(P, S, j, g):
            continue
        need = need_score(P, S, j, g)
        if not sampled and need <= best_need:
            continue  # past the sample: only who helps the count rules more
        scored += 1
        v = need_weight * need
        if positive_only:
            gain = (
                _join_value(P, S, j, g)
                if unit_size(P, j) > 1
                else (contrib(P, S, j, g) + nonseparable(P, S, j, g, True))
            )
            if gain <= 1e-9:
                continue
            v += gain
        else:
            v += join_score(P, S, j, g)
        if v > best_v:
            best_v = v
            best = j
            best_need = need
    return best


@_kernel
def construct(P, S, order, grow, sample):  # type: ignore[no-untyped-def]
    """Greedy first composition, from an empty ``S``.

    1. Pins: everyone pinned joins their networks (with their partners).
    2. Everyone who must be placed (``required``, or everyone with
       ``assign_all``), in ``order``, joins the network where they score
       best (:func:`join_score`, ties to the smaller network) among those
       :func:`can_join` allows.
    3. Networks below their minimum size, or short on a quota, skill or
       quorum, take in turn the candidate that helps most
       (:func:`need_score`, then :func:`join_score`).
    4. With ``grow``, networks take in turn the candidate with the largest
       positive gain, up to their maximum size.

    Steps 3 and 4 score ``sample`` candidates per seat on large pools
    (:func:`_best_for`; 0: everyone allowed).

    Rules a greedy step cannot promise (minimum sizes, quotas, skills,
    quorums, cohesion, bridges, everyone placed) are left to :func:`repair`.
    """
    for i in range(P.n):
        for p in range(P.pin_ptr[i], P.pin_ptr[i + 1]):
            g = P.pin_net[p]
            if not S.mem[i, g] and S.size[g] + unit_size(P, i) <= P.max_size[g]:
                utoggle(P, S, i, g)
    G = P.G
    for t in range(order.size):
        i = order[t]
        if S.seats[i] > 0 or P.unit_idx[P.unit_ptr[P.unit_of[i]]] != i:
            continue
        if not (P.req_listed[i] or P.assign_all):
            continue
        best = -1
        best_v = _NEG
        start = t % G
        for r in range(G):
            g = (start + r) % G
            if not can_join(P, S, i, g):
                continue
            v = join_score(P, S, i, g) + 1e3 * need_score(P, S, i, g)
            if v > best_v + 1e-9 or (abs(v - best_v) <= 1e-9 and S.size[g] < S.size[best]):
                best_v = v
                best = g
        if best >= 0:
            utoggle(P, S, i, best)
    # fill to the minimums and the count rules, round robin
    progress = True
    while progress:
        progress = False
        for g in range(G):
            if not _needs(P, S, g) or S.size[g] >= P.max_size[g]:
                continue
            j = _best_for(P, S, g, 1e3, False, sample)
            if j >= 0:
                utoggle(P, S, j, g)
                progress = True
    if grow:
        progress = True
        while progress:
            progress = False
            for g in range(G):
                if S.size[g] >= P.max_size[g]:
                    continue
                j = _best_for(P, S, g, 0.0, True, sample)
                if j >= 0:
                    utoggle(P, S, j, g)
                    progress = True


# ===================================================================== repair
@_kernel
def _hard_ok(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """The rules the repair never breaks: per network max size, max_per, conflicts; per person all."""
    for t in range(k):
        g = mg[t]
        if S.size[g] > P.max_size[g]:
            return False
        if P.on[R_MAX_PER] and rule_max_per(P, S, g) != 0:
            return False
        if P.on[R_CONFLICT] and rule_conflict(P, S, g) != 0:
            return False
        u = P.unit_of[mi[t]]
        for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
            j = P.unit_idx[p]
            on = P.on
            if rule_capacity(P, S, j) or rule_eligibility(P, S, j) or rule_excluded(P, S, j):
                return False
            if on[R_INCLUDE] and rule_include(P, S, j):
                return False
            if on[R_SHARING] and rule_sharing(P, S, j):
                return False
    return True


@_kernel
def _soft_local(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """Soft violation of the networks and people the move touches, plus bridges."""
    v = 0
    for t in range(k):
        g = mg[t]
        dup = False
        for r in range(t):
            if mg[r] == g:
                dup = True
        if not dup:
            v += network_violation(P, S, g, True)
        u = P.unit_of[mi[t]]
        for p in range(P.unit_ptr[u], P.unit_ptr[u + 1]):
            j = P.unit_idx[p]
            seen = False
            for r in range(t):
                if P.unit_of[mi[r]] == u:
                    seen = True
            if not seen:
                v += person_violation(P, S, j, True)
    if P.on[R_BRIDGE]:
        v += rule_bridge(P, S)
    return v


@_kernel
def _repair_eval(P, S, mi, mg, k):  # type: ignore[no-untyped-def]
    """``(ok, violation change, objective change)`` of a repair move (applied and undone)."""
    for t in range(k):
        i = mi[t]
        g = mg[t]
        if S.mem[i, g]:
            if not can_leave(P, S, i, g):
                return False, 0, 0.0
        elif not can_enter(P, S, i, g):
            return False, 0, 0.0
    if not sizes_fit(P, S, mi, mg, k):
        return False, 0, 0.0
    before = _soft_local(P, S, mi, mg, k)
    d = apply_move(P, S, mi, mg, k)
    ok = _hard_ok(P, S, mi, mg, k)
    after = _soft_local(P, S, mi, mg, k) if ok else 0
    undo_move(P, S, mi, mg, k)
    return ok, after - before, d


@_kernel
def _consider(P, S, mi, mg, k, tabu, step, best_mi, best_mg, best):  # type: ignore[no-untyped-def]
    """Evaluate a repair move; keep it in ``best_*`` when better (``best`` = [dv, dobj, k])."""
    for t in range(k):
        if tabu[mi[t]] > step and not S.mem[mi[t], mg[t]]:
            return
    ok, dv, d = _repair_eval(P, S, mi, mg, k)
    if not ok:
        return
    if best[2] == 0 or dv < best[0] or (dv == best[0] and d > best[1] + 1e-12):
        best[0] = dv
        best[1] = d
        best[2] = k
        for t in range(k):
            best_mi[t] = mi[t]
            best_mg[t] = mg[t]


@_kernel
def repair(P, S, steps, sample, tabu, ist, seed):  # type: ignore[no-untyped-def]
    """Min-conflicts repair: lower the soft violation to zero (resumable; a call = a chunk).

    Each step picks a broken item (a person who must be placed, a network
    short on a count rule, a short bridge), evaluates a sample of add,
    replace, move, swap and remove moves exactly (rules kept hard stay
    kept) and applies the one that lowers the violation most (ties: better
    objective); a worsening step is taken half of the time, and people
    moved stay put for a few steps (tabu).

    Returns
    -------
    int
        The violation left (0: every rule holds).
    """
    np.random.seed(seed)
    mi = S.mi
    mg = S.mg
    bmi = S.bmi
    bmg = S.bmg
    best = S.best3
    G = P.G
    step = ist[0]
    end = step + steps
    total = violation(P, S, True)
    bad_nets = S.nets
    while total > 0 and step < end:
        step += 1
        nb = 0
        for g in range(G):
            if network_violation(P, S, g, True) > 0:
                bad_nets[nb] = g
                nb += 1
        # an unplaced person who must be placed (sampled)
        unplaced = -1
        if P.on[R_REQUIRED] or P.on[R_ASSIGN_ALL]:
            for _ in range(64):
                i = np.random.randint(P.n)
                if person_violation(P, S, i, True) > 0:
                    unplaced = i
                    break
        short_b = -1
        short_h = -1
        if P.on[R_BRIDGE] and rule_bridge(P, S) > 0:
            for b in range(G):
                if P.br_min[b] <= 0:
                    continue
                for h in range(G):
                    if h != b and S.size[h] > 0 and S.bc[b, h] < P.br_min[b]:
                        short_b = b
                        short_h = h
        kinds = 0
        if unplaced >= 0:
            kinds += 1
        if nb > 0:
            kinds += 1
        if short_b >= 0:
            kinds += 1
        if kinds == 0:
            # the violation sits with people the sample missed: scan them all
            for i in range(P.n):
                if person_violation(P, S, i, True) > 0:
                    unplaced = i
                    break
            if unplaced < 0:
                break
            kinds = 1
        pick = np.random.randint(kinds)
        best[2] = 0
        if unplaced >= 0 and pick == 0:
            p = P.unit_idx[P.unit_ptr[P.unit_of[unplaced]]]
            for g in range(G):
                if not P.allowed[p, g]:
                    continue
                mi[0] = p
                mg[0] = g
                _consider(P, S, mi, mg, 1, tabu, step, bmi, bmg, best)
                for _ in range(3):
                    o = _random_member(P, S, g)
                    if o < 0:
                        break
                    mi[0] = o
                    mg[0] = g
                    mi[1] = p
                    mg[1] = g
                    _consider(P, S, mi, mg, 2, tabu, step, bmi, bmg, best)
                    # the one pushed out may go elsewhere at once
                    h = np.random.randint(G)
                    if h != g:
                        mi[2] = o
                        mg[2] = h
                        _consider(P, S, mi, mg, 3, tabu, step, bmi, bmg, best)
        else:
            if unplaced >= 0:
                pick -= 1
            if nb > 0 and pick == 0:
                g = bad_nets[np.random.randint(nb)]
                partner = -1
            else:
                if np.random.random() < 0.5:
                    g = short_b
                    partner = short_h
                else:
                    g = short_h
                    partner = short_b
            full = S.size[g] >= P.max_size[g]
            for c in range(sample):
                # candidates: the most needed (by need score) half the time, else random
                j = -1
                if partner >= 0 and c % 2 == 0 and S.size[partner] > 0:
                    j = _random_member(P, S, partner)
                    if c % 4 == 0 and P.has_ties and j >= 0:
                        lo = P.nb_ptr[j]
                        hi = P.nb_ptr[j + 1]
                        if hi > lo:
                            j = P.nb_idx[lo + np.random.randint(hi - lo)]
                else:
                    bj = -1
                    bv = _NEG
                    for _ in range(4):
                        x = _random_allowed(P, g)
                        if x >= 0:
                            v = need_score(P, S, x, g)
                            if v > bv:
                                bv = v
                                bj = x
                    j = bj
                if j < 0:
                    continue
                j = P.unit_idx[P.unit_ptr[P.unit_of[j]]]
                if S.mem[j, g] or not P.allowed[j, g]:
                    continue
                if not full:
                    mi[0] = j
                    mg[0] = g
                    _consider(P, S, mi, mg, 1, tabu, step, bmi, bmg, best)
                o = _random_member(P, S, g)
                if o >= 0 and o != j:
                    mi[0] = o
                    mg[0] = g
                    mi[1] = j
                    mg[1] = g
                    _consider(P, S, mi, mg, 2, tabu, step, bmi, bmg, best)
                # j leaves one of its networks for g (a move), or swaps with o
                for kk in range(S.pseat.shape[1]):
                    h = S.pseat[j, kk]
                    if h < 0 or h == g:
                        continue
                    mi[0] = j
                    mg[0] = h
                    mi[1] = j
                    mg[1] = g
                    _consider(P, S, mi, mg, 2, tabu, step, bmi, bmg, best)
                    if o >= 0 and o != j and not S.mem[o, h]:
                        mi[0] = o
                        mg[0] = g
                        mi[1] = j
                        mg[1] = h
                        mi[2] = j
                        mg[2] = g
                        mi[3] = o
                        mg[3] = h
                        _consider(P, S, mi, mg, 4, tabu, step, bmi, bmg, best)
                    break
            # members out (when too many, or to make room for a better fit)
            s = S.size[g]
            base = P.ml_off[g]
            for r in range(min(s, sample)):
                o = S.ml[base + (r if s <= sample else np.random.randint(s))]
                mi[0] = o
                mg[0] = g
                _consider(P, S, mi, mg, 1, tabu, step, bmi, bmg, best)
        k = int(best[2])
        if k == 0:
            continue
        if best[0] > 0 and np.random.random() < 0.5:
            continue
        for t in range(k):
            bmi_t = bmi[t]
            tabu[bmi_t] = step + 3 + np.random.randint(8)
        apply_move(P, S, bmi, bmg, k)
        total += int(best[0])
    ist[0] = step
    return violation(P, S, True)
