"""Simulated hand-picked compositions: how a steering group picks by hand.

evocompose must always be compared with what people would do without it.
:func:`handpick` simulates four ways a steering group fills its networks by
hand. The simulations follow the simple rules a person keeps in their head —
the size, who has time (capacity), who may sit in two networks, the pins,
people who must not or must sit together, and "one per organisation" — but
they do *not* plan for quotas, skill coverage or the meeting quorum. They are
therefore often infeasible, which is exactly the point of the comparison.

Strategies
----------
``"snowball"``
    The steering group starts from a couple of well-connected, relevant people
    it knows (2 seeds drawn from the 10 most connected relevant people still
    free) and fills the network through their acquaintances: a breadth-first
    search over ``problem.ties``, visiting each layer of acquaintances in
    order of relevance to the network. When the acquaintances run out, the
    group asks the next well-connected person. Networks come out cohesive and
    alike — friends of friends.
``"prominent"``
    The usual suspects: the relevant people with the most ties (highest
    degree), by relevance on equal degree.
``"stereotype"``
    Each theme recruits only its *obvious sectors*. Rule: a sector is obvious
    for a network when its name contains one of the network's ``tags`` (e.g.
    tag ``outdoor`` and sector ``tourism_outdoor``), or when it is one of the
    :data:`STEREOTYPE_TOP_SECTORS` sectors whose eligible members have the
    highest mean relevance to the network. People from obvious sectors are
    taken by decreasing relevance; only when they run out does the group look
    at the next sectors by mean relevance.
``"random"``
    Random relevant people (a lottery among the eligible people with relevance
    above zero).

Common rules of every strategy
------------------------------
* Networks are filled one after another in specification order; pins
  (``NetworkSpec.include``) go in first, then people in ``problem.required``
  who are not pinned anywhere are put into the network they are most relevant
  to.
* The target size is the middle of the size range,
  ``min_size + ceil((max_size - min_size) / 2)`` — people rarely aim for the
  minimum or the maximum.
* A person is added only if eligible (relevance threshold, exclusions), with
  capacity left, allowed to share with every network they already sit in,
  not in conflict with a member, within every ``max_per`` limit of the
  network, and — when the network sets no limit on organisations — not from
  an organisation already present (the "one per organisation" habit). A
  must-pair partner comes along, or the person is skipped.
* If the strategy cannot reach ``min_size``, the group fills up with any
  eligible person by relevance, dropping the relevance and organisation habits.
* The meeting slot is the most common slot among the chosen members (among
  the network's allowed slots, if any; ties by week order).

All choices are deterministic for a given ``seed``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Literal

from evocompose.composition import Composition
from evocompose.data import NetworkSpec, Problem

__all__ = ["STEREOTYPE_TOP_SECTORS", "STRATEGIES", "Strategy", "handpick", "obvious_sectors"]

Strategy = Literal["snowball", "prominent", "stereotype", "random"]
#: The strategies :func:`handpick` simulates.
STRATEGIES: tuple[str, ...] = ("snowball", "prominent", "stereotype", "random")
#: Sectors by mean relevance that the stereotype picker treats as obvious.
STEREOTYPE_TOP_SECTORS = 2
#: Steering-group seeds per network for the snowball picker, and the pool of
#: best-connected people they are drawn from.
SNOWBALL_SEEDS = 2
SNOWBALL_SEED_POOL = 10


def target_size(spec: NetworkSpec) -> int:
    """The size a person aims for: the middle of ``[min_size, max_size]``, rounded up."""
    return spec.min_size + (spec.max_size - spec.min_size + 1) // 2


def obvious_sectors(problem: Problem, network: str) -> tuple[str, ...]:
    """The sectors the stereotype picker recruits from, in order of preference.

    A sector is obvious when its name contains one of the network's tags or
    when it is among the :data:`STEREOTYPE_TOP_SECTORS` sectors whose eligible
    members have the highest mean relevance to the network.

    Examples
    --------
    >>> import evocompose as evo
    >>> obvious_sectors(evo.datasets.tiny(), "a")
    ('agriculture', 'food')
    """
    ranked = _sectors_by_relevance(problem, network)
    tags = [t.lower() for t in problem.network(network).tags]
    by_tag = [s for s in ranked if any(t and t in s.lower() for t in tags)]
    top = ranked[:STEREOTYPE_TOP_SECTORS]
    return tuple(s for s in ranked if s in by_tag or s in top)


def _sectors_by_relevance(problem: Problem, network: str) -> list[str]:
    sums: dict[str, float] = {}
    counts: Counter[str] = Counter()
    for c in problem.pool:
        if problem.eligible(c.id, network):
            sums[c.sector] = sums.get(c.sector, 0.0) + problem.relevance(c.id, network)
            counts[c.sector] += 1
    return sorted(sums, key=lambda s: (-sums[s] / counts[s], s))


class _Picker:
    """Book-keeping shared by all strategies: who sits where, and who may still join."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.members: dict[str, list[str]] = {n: [] for n in problem.network_names}
        self.used: Counter[str] = Counter()
        self.conflicts: dict[str, set[str]] = {}
        for a, b in problem.conflicts:
            self.conflicts.setdefault(a, set()).add(b)
            self.conflicts.setdefault(b, set()).add(a)
        self.any_relevant = {
            n: any(problem.eligible(c, n) and problem.relevance(c, n) > 0 for c in problem.pool.ids)
            for n in problem.network_names
        }
        self.partners: dict[str, set[str]] = {}
        for a, b in problem.must_pairs:
            self.partners.setdefault(a, set()).add(b)
            self.partners.setdefault(b, set()).add(a)

    def _ok(self, cid: str, net: str, *, strict: bool) -> bool:
        p = self.p
        spec = p.network(net)
        inside = self.members[net]
        if cid in inside or not p.eligible(cid, net):
            return False
        if strict and self.any_relevant[net] and p.relevance(cid, net) <= 0:
            return False
        if self.used[cid] >= p.capacity(cid):
            return False
        if any(
            cid in ids and not p.may_share(n, net) for n, ids in self.members.items() if n != net
        ):
            return False
        if self.conflicts.get(cid, set()) & set(inside):
            return False
        limits = {m.field: m.max for m in spec.max_per}
        if strict:
            limits.setdefault("organisation", 1)
        person = p.pool[cid]
        for field, limit in limits.items():
            value = person.attribute(field)
            if field == "organisation" and not value:
                continue
            if sum(1 for m in inside if p.pool[m].attribute(field) == value) >= limit:
                return False
        return True

    def add(self, cid: str, net: str, *, strict: bool = True, limit: int | None = None) -> bool:
        """Add ``cid`` (and any must-pair partner) if the rules allow; return success."""
        if not self._ok(cid, net, strict=strict):
            return False
        group = [cid]
        for partner in sorted(self.partners.get(cid, ())):
            if partner in self.members[net]:
                continue
            clash = partner in self.conflicts.get(cid, set())
            if clash or not self._ok(partner, net, strict=False):
                return False
            group.append(partner)
        cap = self.p.network(net).max_size if limit is None else limit
        if len(self.members[net]) + len(group) > cap:
            return False
        for x in group:
            self.members[net].append(x)
            self.used[x] += 1
        return True

    def fill(self, net: str, order: Iterable[str], target: int, *, strict: bool = True) -> None:
        for cid in order:
            if len(self.members[net]) >= target:
                return
            self.add(cid, net, strict=strict, limit=target)

    def slot(self, net: str) -> str | None:
        spec = self.p.network(net)
        allowed = (
            set(spec.meeting.slots) if spec.meeting is not None and spec.meeting.slots else None
        )
        counts = Counter(
            s
            for m in self.members[net]
            for s in self.p.pool[m].availability
            if allowed is None or s in allowed
        )
        if not counts:
            return None
        order = {s: i for i, s in enumerate(self.p.pool.slots)}
        return min(counts, key=lambda s: (-counts[s], order.get(s, len(order)), s))


def _by_relevance(problem: Problem, net: str) -> Callable[[str], tuple[float, str]]:
    return lambda c: (-problem.relevance(c, net), c)


def _keyed(ids: Iterable[str], rng: random.Random) -> dict[str, float]:
    """A random tie-break key per id (drawn in sorted-id order, so deterministic)."""
    return {cid: rng.random() for cid in sorted(ids)}


def _snowball(problem: Problem, picker: _Picker, net: str, rng: random.Random) -> Iterator[str]:
    ties = problem.ties
    tie = _keyed(problem.pool.ids, rng)

    def rel(cid: str) -> float:
        return problem.relevance(cid, net)

    def free(cid: str) -> bool:
        return picker._ok(cid, net, strict=True)

    visited: set[str] = set()
    while True:
        candidates = sorted(
            (c for c in problem.pool.ids if c not in visited and free(c)),
            key=lambda c: (-ties.degree(c), -rel(c), tie[c]),
        )
        if not candidates:
            return
        shortlist = candidates[:SNOWBALL_SEED_POOL]
        seeds = rng.sample(shortlist, min(SNOWBALL_SEEDS, len(shortlist)))
        layer = sorted(seeds, key=lambda c: (-rel(c), tie[c]))
        visited.update(layer)
        while layer:
            yield from layer
            nxt: set[str] = set()
            for cid in layer:
                nxt.update(nb for nb in ties.neighbors(cid) if nb not in visited)
            visited.update(nxt)
            layer = sorted(nxt, key=lambda c: (-rel(c), tie[c]))


def _prominent(problem: Problem, net: str, rng: random.Random) -> list[str]:
    tie = _keyed(problem.pool.ids, rng)
    return sorted(
        problem.pool.ids,
        key=lambda c: (-problem.ties.degree(c), -problem.relevance(c, net), tie[c]),
    )


def _stereotype(problem: Problem, net: str, rng: random.Random) -> list[str]:
    tie = _keyed(problem.pool.ids, rng)
    ranked = _sectors_by_relevance(problem, net)
    obvious = obvious_sectors(problem, net)
    rank = {s: i for i, s in enumerate(ranked)}
    pool = problem.pool

    def key(c: str) -> tuple[int, int, float, float]:
        sector = pool[c].sector
        return (
            0 if sector in obvious else 1,
            rank.get(sector, len(rank)),
            -problem.relevance(c, net),
            tie[c],
        )

    ordered = sorted(pool.ids, key=key)
    # Within the obvious sectors people are taken by relevance, not sector by sector.
    head = [c for c in ordered if pool[c].sector in obvious]
    head.sort(key=lambda c: (-problem.relevance(c, net), tie[c]))
    return head + [c for c in ordered if pool[c].sector not in obvious]


def _random(problem: Problem, net: str, rng: random.Random) -> list[str]:
    ids = list(problem.pool.ids)
    rng.shuffle(ids)
    return ids


def handpick(problem: Problem, strategy: Strategy | str, *, seed: int = 0) -> Composition:
    """Simulate a steering group composing the networks by hand.

    Parameters
    ----------
    problem : Problem
    strategy : {"snowball", "prominent", "stereotype", "random"}
        How the group picks; see the module documentation.
    seed : int
        Seed of every random choice; the same seed gives the same composition.

    Returns
    -------
    Composition
        Sizes, capacity, sharing rules, pins, conflicts and must-pairs are
        respected where possible; quotas, skills and quorum are not planned
        for, so the result may break them.

    Raises
    ------
    ValueError
        For an unknown strategy.

    Examples
    --------
    >>> import evocompose as evo
    >>> comp = handpick(evo.datasets.tiny(), "prominent", seed=1)
    >>> [comp.size(n) for n in comp.networks]
    [3, 3]
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; use one of {', '.join(STRATEGIES)}")
    rng = random.Random(f"handpick:{strategy}:{seed}")
    picker = _Picker(problem)
    # Pins, then required people nobody pinned, into the network they fit best.
    for spec in problem.networks:
        for cid in spec.include:
            picker.members[spec.name].append(cid)
            picker.used[cid] += 1
    pinned = {cid for spec in problem.networks for cid in spec.include}
    for cid in problem.required:
        if cid in pinned:
            continue
        for net in sorted(problem.network_names, key=lambda n: -problem.relevance(cid, n)):
            if picker.add(cid, net, strict=False):
                break
    orders: dict[str, Callable[[str], Iterable[str]]] = {
        "snowball": lambda net: _snowball(problem, picker, net, rng),
        "prominent": lambda net: _prominent(problem, net, rng),
        "stereotype": lambda net: _stereotype(problem, net, rng),
        "random": lambda net: _random(problem, net, rng),
    }
    for spec in problem.networks:
        target = max(target_size(spec), len(picker.members[spec.name]))
        picker.fill(spec.name, orders[strategy](spec.name), target)
        if len(picker.members[spec.name]) < spec.min_size:
            fallback = sorted(problem.pool.ids, key=_by_relevance(problem, spec.name))
            picker.fill(spec.name, fallback, spec.min_size, strict=False)
    slots = {net: picker.slot(net) for net in problem.network_names}
    return Composition(picker.members, slots)
