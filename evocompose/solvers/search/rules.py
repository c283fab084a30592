"""The hard rules in the local search, one implementation per rule name.

:data:`RULES` maps every rule name of :mod:`evocompose.vocabulary` to how
the search keeps it, read from a
:class:`~evocompose.solvers.search.state.SearchState`'s counts:

* ``allows(compiled)`` — a domain: the ``(n, G)`` mask of (person, network)
  pairs the rule permits at all; the search never proposes the others;
* ``network_ok(state, g, people)`` — the rule holds in network ``g`` after
  ``people`` joined or left it;
* ``person_ok(state, i)`` — the rule holds for person ``i`` across networks;
* ``all_ok(state)`` — the rule holds for the whole composition.

:meth:`SearchState.local_ok` calls, after each move, the checks of the rules
the problem uses (:meth:`~evocompose.Problem.active_rules`) for what the
move touched; :meth:`SearchState.feasible` calls all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .state import Compiled, SearchState

__all__ = ["RULES", "SearchRule"]


@dataclass(frozen=True)
class SearchRule:
    """How the search keeps one rule (see the module docstring)."""

    allows: Callable[[Compiled], np.ndarray] | None = None
    network_ok: Callable[[SearchState, int, set[int]], bool] | None = None
    person_ok: Callable[[SearchState, int], bool] | None = None
    all_ok: Callable[[SearchState], bool] | None = None


# ------------------------------------------------------------------ domains
def _eligibility_domain(c: Compiled) -> np.ndarray:
    mask = np.repeat((c.capacity >= 1)[:, None], c.G, axis=1)
    for g, spec in enumerate(c.problem.networks):
        if spec.min_relevance is not None:
            mask[:, g] &= c.relevance[:, g] >= spec.min_relevance
    return mask


def _exclusion_domain(c: Compiled) -> np.ndarray:
    mask = np.ones((c.n, c.G), dtype=bool)
    index = {cid: i for i, cid in enumerate(c.ids)}
    everywhere = [index[x] for x in c.problem.excluded]
    mask[everywhere, :] = False
    for g, spec in enumerate(c.problem.networks):
        mask[[index[x] for x in spec.exclude], g] = False
    return mask


def _within_domain(rule: str) -> Callable[[SearchState, int], bool]:
    """Person check: every network the person sits in is in the rule's domain."""

    def ok(st: SearchState, i: int) -> bool:
        return bool(st.compiled.domains[rule][i, st.member[i]].all())

    return ok


# ------------------------------------------------------------------ per network
def _size_ok(st: SearchState, g: int, people: set[int]) -> bool:
    c = st.compiled
    return bool(c.min_size[g] <= st.size[g] <= c.max_size[g])


def _quota_ok(st: SearchState, g: int, people: set[int]) -> bool:
    s = min(int(st.size[g]), int(st.compiled.max_size[g]))
    counts = st.quota_count[g]
    for k, q in enumerate(st.compiled.quotas[g]):
        if counts[k] < q.lo[s] or counts[k] > q.hi[s]:
            return False
    return True


def _max_per_ok(st: SearchState, g: int, people: set[int]) -> bool:
    return st.max_per_ok(g, people)


def _skill_ok(st: SearchState, g: int, people: set[int]) -> bool:
    return all(st.skill_count[g, k] >= m for k, m in st.compiled.skill_req[g])


def _meeting_ok(st: SearchState, g: int, people: set[int]) -> bool:
    return st.meeting_ok(g)


def _cohesion_ok(st: SearchState, g: int, people: set[int]) -> bool:
    c = st.compiled
    need = int(c.min_known[g])
    if need <= 0:
        return True
    inside = st.member[:, g]
    known = st.known_inside[:, g]
    for p in people:
        if inside[p] and known[p] < need:
            return False
        for j in c.neighbour_list[p]:
            if inside[j] and known[j] < need:
                return False
    return True


# ------------------------------------------------------------------ per person
def _include_ok(st: SearchState, i: int) -> bool:
    return not np.any(st.compiled.pinned_in[i] & ~st.member[i])


def _conflict_ok(st: SearchState, i: int) -> bool:
    return not np.any(st.conflicts_inside[i, st.member[i]])


def _must_pair_ok(st: SearchState, i: int) -> bool:
    unit = st.compiled.must_unit[i]
    if len(unit) <= 1:
        return True
    row = st.member[i]
    return all(np.array_equal(st.member[j], row) for j in unit)


def _capacity_ok(st: SearchState, i: int) -> bool:
    return bool(st.seats[i] <= st.compiled.capacity[i])


def _sharing_ok(st: SearchState, i: int) -> bool:
    if st.seats[i] <= 1:
        return True
    nets = np.flatnonzero(st.member[i])
    return not np.any(st.compiled.no_share[np.ix_(nets, nets)])


def _required_ok(st: SearchState, i: int) -> bool:
    return bool(st.seats[i] > 0 or not st.compiled.listed_required[i])


def _assign_all_ok(st: SearchState, i: int) -> bool:
    return bool(st.seats[i] > 0)


# ------------------------------------------------------------------ whole
def _bridge_ok(st: SearchState) -> bool:
    return st.bridge_shortfall() == 0


#: How the search keeps each rule of :mod:`evocompose.vocabulary`, by name.
RULES: dict[str, SearchRule] = {
    "size": SearchRule(network_ok=_size_ok),
    "eligibility": SearchRule(allows=_eligibility_domain, person_ok=_within_domain("eligibility")),
    "excluded": SearchRule(allows=_exclusion_domain, person_ok=_within_domain("excluded")),
    "include": SearchRule(person_ok=_include_ok),
    "quota": SearchRule(network_ok=_quota_ok),
    "max_per": SearchRule(network_ok=_max_per_ok),
    "skill": SearchRule(network_ok=_skill_ok),
    "meeting": SearchRule(network_ok=_meeting_ok),
    "conflict": SearchRule(person_ok=_conflict_ok),
    "must_pair": SearchRule(person_ok=_must_pair_ok),
    "cohesion": SearchRule(network_ok=_cohesion_ok),
    "bridge": SearchRule(all_ok=_bridge_ok),
    "capacity": SearchRule(person_ok=_capacity_ok),
    "sharing": SearchRule(person_ok=_sharing_ok),
    "required": SearchRule(person_ok=_required_ok),
    "assign_all": SearchRule(person_ok=_assign_all_ok),
}
