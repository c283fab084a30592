"""Diagnose an impossible problem: which rules conflict, with the numbers, and what to relax.

:func:`diagnose` works in three steps:

1. **Counting.** Quick arguments that need no solver, each naming the rules
   it uses and the numbers behind it: a quota needing more people of a kind
   than are eligible, or than are free in any one meeting slot; quotas whose
   minimums need more different people together than the network takes; a
   per-organisation limit leaving too few people; pins that cannot meet;
   more seats to fill than people can take; everyone to place but not enough
   seats; a required person nobody may seat; a cohesion rule that too few
   eligible people can keep (the k-core of their acquaintances).
2. **CP-SAT.** When counting finds nothing, the model with every stated rule
   guarded by an assumption literal
   (:func:`~evocompose.solvers.cpsat.guarded.build_guarded_model`) gives a
   core: assumed rules that cannot hold together. Either way the set is
   shrunk to a minimal one by a deletion filter (drop one rule; if the rest
   is still infeasible, it was not needed), so that dropping any rule of
   the result lets the others hold together.
3. **Relaxations.** For each rule of the conflict, the smallest change of that
   rule alone (lower a quota minimum, raise a maximum size, lower a quorum or
   a minimum relevance, release a pin, ...) that makes the *whole* problem
   feasible, found by bisection over the rule's possible values with a
   feasibility solve each, then verified by composing the relaxed problem
   (the objective it reaches is reported).

``str(diagnosis)`` is a paragraph for the steering group, in English or
Danish.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import networkx as nx

from evocompose.check import check
from evocompose.constraints import BridgeRule, MeetingRule, Quota, SkillRequirement, as_fraction
from evocompose.data import Candidate, Pool
from evocompose.diagnosis import Conflict, Diagnosis, Relaxation, RuleRef
from evocompose.errors import EvocomposeError, SolverError
from evocompose.language import Text, check_language, text
from evocompose.objective import evaluate, weighted_total
from evocompose.result import SolveStatus
from evocompose.solvers.contract import SolveOptions
from evocompose.wording import change_text, quota_what, says, title

if TYPE_CHECKING:
    from types import ModuleType

    from evocompose.composition import Composition
    from evocompose.data import NetworkSpec, Problem
    from evocompose.solvers.cpsat.guarded import GuardedModel


def _guarded() -> ModuleType:
    """The guarded CP-SAT model (:mod:`evocompose.solvers.cpsat.guarded`), loaded when used."""
    from evocompose.solvers.cpsat import guarded  # deferred: ortools loads only when diagnosing

    return guarded


__all__ = ["Finding", "counting_findings", "diagnose", "diagnose_no_composition", "relax"]


# ------------------------------------------------------------------ counting
@dataclass(frozen=True)
class Finding:
    """A counting argument: these rules cannot hold together, because of ``fact``.

    Attributes
    ----------
    refs : tuple of RuleRef
        The rules the argument uses.
    fact : Text
        The numbers behind it, in plain words.
    detail : dict
        The numbers.
    """

    refs: tuple[RuleRef, ...]
    fact: Text
    detail: dict[str, Any] = field(default_factory=dict)


def _stated(problem: Problem) -> Callable[[RuleRef], bool]:
    """Whether a rule reference is stated by the problem (a rule actually in force)."""
    used = set(problem.active_rules())
    return lambda ref: ref.rule in used


class _Supply:
    """Who may sit in each network, with and without the relevance threshold and exclusions."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        pool = problem.pool
        self.able = [c for c in pool if problem.capacity(c.id) >= 1]
        self.eligible: dict[str, list[Candidate]] = {}
        self.no_relevance: dict[str, list[Candidate]] = {}
        self.no_exclusion: dict[str, list[Candidate]] = {}
        excluded = set(problem.excluded)
        for spec in problem.networks:
            out = set(spec.exclude) | excluded
            rel = spec.min_relevance

            def relevant(c: Candidate, spec: NetworkSpec = spec, rel: float | None = rel) -> bool:
                return rel is None or problem.relevance(c.id, spec.name) >= rel

            self.eligible[spec.name] = [c for c in self.able if c.id not in out and relevant(c)]
            self.no_relevance[spec.name] = [c for c in self.able if c.id not in out]
            self.no_exclusion[spec.name] = [c for c in self.able if relevant(c)]

    def causes(
        self, network: str, enough: Callable[[list[Candidate]], bool]
    ) -> list[RuleRef] | None:
        """The relevance and exclusion rules that keep the supply short of a need.

        ``None`` when the eligible people are enough. Otherwise the filters
        a conflict needs: the minimum relevance, the exclusions, both (when
        dropping either one would be enough), or none (when even everyone
        with capacity is short).
        """
        if enough(self.eligible[network]):
            return None
        if not enough(self.able):
            return []
        spec = self.problem.network(network)
        relevance = [RuleRef("eligibility", network)] if spec.min_relevance is not None else []
        ids = {c.id for c in self.eligible[network]}
        exclusions: list[RuleRef] = []
        for c in self.no_exclusion[network]:
            if c.id in ids:
                continue
            if c.id in spec.exclude:
                exclusions.append(RuleRef("excluded", network, c.id))
            if c.id in self.problem.excluded:
                exclusions.append(RuleRef("excluded", None, c.id))
        without_relevance = enough(self.no_relevance[network])
        without_exclusions = enough(self.no_exclusion[network])
        if without_relevance and without_exclusions:
            return relevance + exclusions
        if without_relevance:
            return relevance
        if without_exclusions:
            return exclusions
        return relevance or exclusions


def _free(people: Iterable[Candidate], slot: str) -> int:
    return sum(1 for c in people if slot in c.availability)


def _slots(problem: Problem, spec: NetworkSpec) -> tuple[str, ...]:
    assert spec.meeting is not None
    return tuple(spec.meeting.slots) or problem.pool.slots


def _best_slot(problem: Problem, spec: NetworkSpec, people: list[Candidate]) -> tuple[int, str]:
    counts = [(_free(people, s), s) for s in _slots(problem, spec)]
    if not counts:
        return 0, "-"
    best = max(counts, key=lambda kv: kv[0])
    return best


def _quota_group(q: Quota, people: Iterable[Candidate]) -> list[Candidate]:
    values = set(q.values)
    return [c for c in people if c.attribute(q.field) in values]


def counting_findings(problem: Problem) -> list[Finding]:
    """Every counting argument that proves ``problem`` impossible, fewest rules first.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> spec = p.network("a")
    >>> q = evo.Quota("sector", ("agriculture",), min=3)
    >>> bad = p.replace(networks=(dataclasses.replace(spec, quotas=(q,)), p.network("b")))
    >>> [r.label for r in counting_findings(bad)[0].refs]
    ['quota[a][0][min]']
    """
    supply = _Supply(problem)
    found: list[Finding] = []
    for spec in problem.networks:
        found += _network_findings(problem, supply, spec)
    found += _global_findings(problem, supply)
    stated = _stated(problem)
    out = []
    for f in found:
        refs = tuple(dict.fromkeys(r for r in f.refs if stated(r)))
        out.append(dataclasses.replace(f, refs=refs))
    out.sort(key=lambda f: len(f.refs))
    return out


@dataclass(frozen=True)
class _Need:
    """A rule needing a number of members of a kind: a quota minimum or a skill requirement."""

    ref: RuleRef
    counts: Callable[[Candidate], bool]
    lo: Callable[[int], int]
    who: Text
    share: bool


def _needs(spec: NetworkSpec) -> list[_Need]:
    out: list[_Need] = []
    for k, q in enumerate(spec.quotas):
        if q.min is None:
            continue
        values = frozenset(q.values)

        def counts(c: Candidate, q: Quota = q, values: frozenset[str] = values) -> bool:
            return c.attribute(q.field) in values

        def lo(size: int, q: Quota = q) -> int:
            return q.count_bounds(size)[0]

        who = text(f"candidates {quota_what(q, 'en')}", f"kandidater {quota_what(q, 'da')}")
        out.append(_Need(RuleRef("quota", spec.name, k, "min"), counts, lo, who, q.unit == "share"))
    for k, r in enumerate(spec.skills):
        if r.min <= 0:
            continue

        def holds(c: Candidate, r: SkillRequirement = r) -> bool:
            return r.skill in c.skills

        def need(size: int, r: SkillRequirement = r) -> int:
            return r.min

        skill = r.skill.replace("_", " ")
        who = text(f"candidates with the skill {skill}", f"kandidater med kompetencen {skill}")
        out.append(_Need(RuleRef("skill", spec.name, k), holds, need, who, False))
    return out


def _network_findings(problem: Problem, supply: _Supply, spec: NetworkSpec) -> list[Finding]:
    name = spec.name
    t = title(problem, name)
    out: list[Finding] = []
    meeting = spec.meeting
    full = meeting is not None and meeting.quorum >= 1
    share_size = [RuleRef("size", name, None, "min")]
    for item in _needs(spec):
        ref, who, need = item.ref, item.who, item.lo(spec.min_size)
        if need <= 0:
            continue
        extra = share_size if item.share else []

        def group(people: Iterable[Candidate], item: _Need = item) -> list[Candidate]:
            return [c for c in people if item.counts(c)]

        def has_enough(people: list[Candidate], group: Any = group, need: int = need) -> bool:
            return len(group(people)) >= need

        causes = supply.causes(name, has_enough)
        if causes is not None:
            n = len(group(supply.eligible[name]))
            out.append(
                Finding(
                    (ref, *extra, *causes),
                    text(
                        f"{t} can take only {n} eligible {who['en']} ({need} needed)".replace(
                            " 1 eligible candidates", " 1 eligible candidate"
                        ),
                        f"{t} kan kun få {n} mulige {who['da']} ({need} kræves)",
                    ),
                    {"available": n, "needed": need},
                )
            )
            continue
        if full and meeting is not None:
            mref = RuleRef("meeting", name)

            def in_one_slot(people: list[Candidate], group: Any = group, need: int = need) -> bool:
                return _best_slot(problem, spec, group(people))[0] >= need

            causes = supply.causes(name, in_one_slot)
            if causes is not None:
                eligible = group(supply.eligible[name])
                best, slot = _best_slot(problem, spec, eligible)
                out.append(
                    Finding(
                        (ref, mref, *extra, *causes),
                        text(
                            f"{t} needs at least {need} {who['en']} who share one meeting slot; "
                            f"of the {len(eligible)} eligible, no slot has more than {best} "
                            f"free (most: {slot})",
                            f"{t} skal have mindst {need} {who['da']}, der kan mødes på samme "
                            f"tidspunkt; af de {len(eligible)} mulige kan højst {best} på ét "
                            f"tidspunkt (flest: {slot})",
                        ),
                        {"needed": need, "best": best, "slot": slot, "available": len(eligible)},
                    )
                )
    # the size against the eligible people (with one common slot)
    if meeting is not None:
        need_free = meeting.required_available(spec.min_size)

        def enough_free(people: list[Candidate]) -> bool:
            return _best_slot(problem, spec, people)[0] >= need_free

        causes = supply.causes(name, enough_free)
        if causes is not None and need_free > 0:
            best, slot = _best_slot(problem, spec, supply.eligible[name])
            out.append(
                Finding(
                    (RuleRef("size", name, None, "min"), RuleRef("meeting", name), *causes),
                    text(
                        f"{t} needs {need_free} members free in its meeting slot; no slot has more "
                        f"than {best} eligible candidates free (most: {slot})",
                        f"{t} skal have {need_free} medlemmer, der kan på mødetidspunktet; intet "
                        f"tidspunkt har mere end {best} mulige kandidater (flest: {slot})",
                    ),
                    {"needed": need_free, "best": best, "slot": slot},
                )
            )
    # minimums of disjoint groups adding up to more than the network takes
    out += _sum_of_minimums(problem, supply, spec)
    # max_per: too few values to fill the network
    for limit in spec.max_per:

        def spread(people: list[Candidate], limit: Any = limit) -> int:
            counts: dict[str, int] = {}
            for c in people:
                v = c.attribute(limit.field)
                counts[v] = counts.get(v, 0) + 1
            return sum(min(limit.max, k) for k in counts.values())

        causes = supply.causes(name, lambda people: spread(people) >= spec.min_size)
        if causes is not None:
            n = spread(supply.eligible[name])
            values = len({c.attribute(limit.field) for c in supply.eligible[name]})
            out.append(
                Finding(
                    (
                        RuleRef("max_per", name, limit.field),
                        RuleRef("size", name, None, "min"),
                        *causes,
                    ),
                    text(
                        f"the eligible candidates of {t} come from {values} different "
                        f"{limit.field} value(s); at most {limit.max} each allows {n} members, "
                        f"{spec.min_size} needed",
                        f"de mulige kandidater til {t} fordeler sig på {values} forskellige "
                        f"værdier af {limit.field}; højst {limit.max} af hver giver {n} "
                        f"medlemmer, {spec.min_size} kræves",
                    ),
                    {"possible": n, "needed": spec.min_size},
                )
            )
    out += _pin_findings(problem, spec)
    out += _cohesion_findings(problem, supply, spec)
    return out


def _sum_of_minimums(problem: Problem, supply: _Supply, spec: NetworkSpec) -> list[Finding]:
    name = spec.name
    eligible = supply.eligible[name]
    items: list[tuple[RuleRef, frozenset[str], Callable[[int], int]]] = [
        (n.ref, frozenset(c.id for c in eligible if n.counts(c)), n.lo) for n in _needs(spec)
    ]
    if len(items) < 2 or len(items) > 12:
        return []
    sizes = range(spec.min_size, spec.max_size + 1)
    best: tuple[tuple[int, ...], bool] | None = None
    for n in range(2, len(items) + 1):
        for combo in itertools.combinations(range(len(items)), n):
            groups = [items[i][1] for i in combo]
            if any(a & b for a, b in itertools.combinations(groups, 2)):
                continue
            if all(sum(items[i][2](s) for i in combo) > s for s in sizes):
                needs_min = not all(
                    sum(items[i][2](s) for i in combo) > s for s in range(spec.max_size + 1)
                )
                best = (combo, needs_min)
                break
        if best is not None:
            break
    if best is None:
        return []
    combo, needs_min = best
    t = title(problem, name)
    refs = [items[i][0] for i in combo] + [RuleRef("size", name, None, "max")]
    if needs_min:
        refs.append(RuleRef("size", name, None, "min"))
    total = sum(items[i][2](spec.max_size) for i in combo)
    return [
        Finding(
            tuple(refs),
            text(
                f"these groups share nobody among the eligible candidates, so {t} needs at "
                f"least {total} different members for them, but takes at most {spec.max_size}",
                f"grupperne har ingen fælles blandt de mulige kandidater, så {t} skal have "
                f"mindst {total} forskellige medlemmer til dem, men kan højst have {spec.max_size}",
            ),
            {"needed": total, "max_size": spec.max_size},
        )
    ]


def _pin_findings(problem: Problem, spec: NetworkSpec) -> list[Finding]:
    name = spec.name
    t = title(problem, name)
    pool = problem.pool
    pins = list(spec.include)
    out: list[Finding] = []
    for k, q in enumerate(spec.quotas):
        if q.max is None:
            continue
        counted = [p for p in pins if pool[p].attribute(q.field) in set(q.values)]
        hi = q.count_bounds(spec.max_size)[1]
        if len(counted) > hi:
            refs = [RuleRef("include", name, p) for p in counted[: hi + 1]]
            refs.append(RuleRef("quota", name, k, "max"))
            if q.unit == "share":
                refs.append(RuleRef("size", name, None, "max"))
            out.append(
                Finding(
                    tuple(refs),
                    text(
                        f"{len(counted)} people pinned into {t} are {quota_what(q, 'en')}; "
                        f"it takes at most {hi}",
                        f"{len(counted)} personer sat fast i {t} er {quota_what(q, 'da')}; "
                        f"der er plads til højst {hi}",
                    ),
                    {"pinned": len(counted), "max": hi},
                )
            )
    for limit in spec.max_per:
        by_value: dict[str, list[str]] = {}
        for p in pins:
            by_value.setdefault(pool[p].attribute(limit.field), []).append(p)
        for value, people in sorted(by_value.items()):
            if len(people) > limit.max:
                refs = [RuleRef("include", name, p) for p in people[: limit.max + 1]]
                refs.append(RuleRef("max_per", name, limit.field))
                out.append(
                    Finding(
                        tuple(refs),
                        text(
                            f"{len(people)} people pinned into {t} share {limit.field} "
                            f"{value!r}; it takes at most {limit.max}",
                            f"{len(people)} personer sat fast i {t} har samme {limit.field} "
                            f"{value!r}; der er plads til højst {limit.max}",
                        ),
                    )
                )
    if spec.meeting is not None and spec.meeting.quorum >= 1 and pins:
        allowed = set(_slots(problem, spec))
        for p in pins:
            if not allowed & set(pool[p].availability):
                out.append(
                    Finding(
                        (RuleRef("include", name, p), RuleRef("meeting", name)),
                        text(
                            f"{p}, pinned into {t}, is free in none of its possible meeting slots",
                            f"{p}, der er sat fast i {t}, kan på ingen af netværkets mødetider",
                        ),
                    )
                )
        for a, b in itertools.combinations(pins, 2):
            free_a = allowed & set(pool[a].availability)
            free_b = allowed & set(pool[b].availability)
            if free_a and free_b and not free_a & free_b:
                out.append(
                    Finding(
                        (
                            RuleRef("include", name, a),
                            RuleRef("include", name, b),
                            RuleRef("meeting", name),
                        ),
                        text(
                            f"{a} and {b}, both pinned into {t}, share no free meeting slot",
                            f"{a} og {b}, begge sat fast i {t}, har ingen fælles mødetid",
                        ),
                    )
                )
    return out


def _cohesion_findings(problem: Problem, supply: _Supply, spec: NetworkSpec) -> list[Finding]:
    k = spec.min_known
    if k <= 0:
        return []
    name = spec.name

    def core_size(people: list[Candidate]) -> int:
        graph = problem.ties.subgraph([c.id for c in people])
        return graph.number_of_nodes() and nx.k_core(nx.Graph(graph), k).number_of_nodes()

    causes = supply.causes(name, lambda people: core_size(people) >= spec.min_size)
    if causes is None:
        return []
    n = core_size(supply.eligible[name])
    t = title(problem, name)
    return [
        Finding(
            (RuleRef("cohesion", name), RuleRef("size", name, None, "min"), *causes),
            text(
                f"only {n} eligible candidates of {t} belong to a group in which everyone "
                f"knows at least {k} others; {spec.min_size} needed",
                f"kun {n} mulige kandidater til {t} indgår i en gruppe, hvor alle kender "
                f"mindst {k} andre; {spec.min_size} kræves",
            ),
            {"core": n, "needed": spec.min_size},
        )
    ]


def _global_findings(problem: Problem, supply: _Supply) -> list[Finding]:
    out: list[Finding] = []
    names = problem.network_names
    elig_ids = {n: {c.id for c in supply.eligible[n]} for n in names}
    # seats against people, counting each person's capacity
    demand = sum(problem.network(n).min_size for n in names)
    seats = 0
    possible = 0
    for c in supply.able:
        nets = sum(1 for n in names if c.id in elig_ids[n])
        seats += min(problem.capacity(c.id), nets)
        possible += nets
    if len(names) > 1 and demand > seats and possible >= demand:
        refs = [RuleRef("size", n, None, "min") for n in names]
        refs.append(RuleRef("capacity"))
        out.append(
            Finding(
                tuple(refs),
                text(
                    f"the networks need at least {demand} seats together; the eligible people "
                    f"can take {seats} within their capacity",
                    f"netværkene skal tilsammen have mindst {demand} pladser; de mulige "
                    f"kandidater kan tage {seats} inden for deres kapacitet",
                ),
                {"needed": demand, "seats": seats},
            )
        )
    # groups of networks that may not share members
    apart = nx.Graph()
    apart.add_nodes_from(names)
    apart.add_edges_from(
        (a, b) for i, a in enumerate(names) for b in names[i + 1 :] if not problem.may_share(a, b)
    )
    for clique in nx.find_cliques(apart):
        if len(clique) < 2:
            continue
        clique = sorted(clique, key=names.index)
        need = sum(problem.network(n).min_size for n in clique)
        people = set().union(*(elig_ids[n] for n in clique))
        if need > len(people):
            refs = [RuleRef("size", n, None, "min") for n in clique]
            if any(problem.capacity(p) >= 2 for p in people):
                refs += [
                    RuleRef("sharing", None, (a, b)) for a, b in itertools.combinations(clique, 2)
                ]
            else:
                refs.append(RuleRef("capacity"))
            ts = ", ".join(title(problem, n) for n in clique)
            out.append(
                Finding(
                    tuple(refs),
                    text(
                        f"{ts} may not share members and need {need} people together; only "
                        f"{len(people)} may sit in any of them",
                        f"{ts} må ikke dele medlemmer og skal tilsammen have {need} personer; kun "
                        f"{len(people)} kan komme i et af dem",
                    ),
                    {"needed": need, "people": len(people)},
                )
            )
    if problem.assign_all:
        seats_max = sum(min(problem.network(n).max_size, len(elig_ids[n])) for n in names)
        cap_total = sum(min(problem.capacity(c.id), len(names)) for c in problem.pool)
        n_pool = len(problem.pool)
        if n_pool > sum(problem.network(n).max_size for n in names):
            refs = [RuleRef("assign_all"), *(RuleRef("size", n, None, "max") for n in names)]
            out.append(
                Finding(
                    tuple(refs),
                    text(
                        f"all {n_pool} people must be placed, but the networks take at most "
                        f"{sum(problem.network(n).max_size for n in names)} together",
                        f"alle {n_pool} skal placeres, men netværkene kan tilsammen højst have "
                        f"{sum(problem.network(n).max_size for n in names)}",
                    ),
                    {"people": n_pool, "seats": seats_max, "capacity": cap_total},
                )
            )
        for c in problem.pool:
            if not any(c.id in elig_ids[n] for n in names):
                out.append(_nowhere(problem, c.id, RuleRef("assign_all")))
    for cid in problem.required:
        if not any(cid in elig_ids[n] for n in names):
            out.append(_nowhere(problem, cid, RuleRef("required", None, cid)))
    return out


def _nowhere(problem: Problem, cid: str, rule: RuleRef) -> Finding:
    """A person who must be placed but may sit in no network: the rules keeping them out."""
    refs: list[RuleRef] = [rule]
    if problem.capacity(cid) < 1:
        why = text(f"{cid} has capacity 0", f"{cid} har kapacitet 0")
        return Finding(tuple(refs), why)
    for spec in problem.networks:
        if cid in spec.exclude:
            refs.append(RuleRef("excluded", spec.name, cid))
        if (
            spec.min_relevance is not None
            and problem.relevance(cid, spec.name) < spec.min_relevance
        ):
            refs.append(RuleRef("eligibility", spec.name))
    if cid in problem.excluded:
        refs.append(RuleRef("excluded", None, cid))
    return Finding(
        tuple(refs),
        text(
            f"{cid} may sit in none of the networks (relevance or exclusions)",
            f"{cid} kan ikke komme i nogen af netværkene (relevans eller udelukkelser)",
        ),
    )


# ------------------------------------------------------------- the conflict
#: Order in which the deletion filter tries to drop rules: those first that
#: explain least, so that the minimal set keeps the rules a steering group
#: relaxes (sizes, quotas, skills, meeting rules).
_DROP_FIRST = (
    "eligibility",
    "excluded",
    "conflict",
    "must_pair",
    "capacity",
    "sharing",
    "cohesion",
    "bridge",
    "max_per",
    "include",
    "required",
    "assign_all",
    "skill",
    "meeting",
    "quota",
    "size",
)


class _Clock:
    def __init__(self, time_limit: float) -> None:
        self.start = time.perf_counter()
        self.deadline = self.start + time_limit

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def _minimise(
    gm: GuardedModel,
    core: list[RuleRef],
    options: SolveOptions,
    clock: _Clock,
    step: float,
) -> tuple[list[RuleRef], bool]:
    """Deletion filter: drop each rule whose absence keeps the rest infeasible."""
    order = {r: i for i, r in enumerate(_DROP_FIRST)}
    core = sorted(core, key=lambda r: order.get(r.rule, len(order)))
    minimal = True
    i = 0
    while i < len(core):
        budget = min(step, clock.left())
        if budget <= 0.05:
            return core, False
        trial = core[:i] + core[i + 1 :]
        outcome = _guarded().solve_assuming(gm, trial, options.replace(time_limit=budget))
        if outcome.status is SolveStatus.INFEASIBLE:
            keep = set(outcome.core) or set(trial)
            core = [r for r in trial if r in keep]
        elif outcome.status is SolveStatus.FEASIBLE:
            i += 1
        else:
            minimal = False
            i += 1
    return core, minimal


# ------------------------------------------------------------- relaxations
def _replace_spec(problem: Problem, network: str, **changes: Any) -> Problem:
    return problem.replace(
        networks=tuple(
            dataclasses.replace(s, **changes) if s.name == network else s for s in problem.networks
        )
    )


def _fractions_below(value: float, sizes: range) -> list[float]:
    f = as_fraction(value)
    found = {Fraction(k, s) for s in sizes if s > 0 for k in range(0, s + 1)}
    return [float(x) for x in sorted((x for x in found if x < f), reverse=True)]


def _fractions_above(value: float, sizes: range) -> list[float]:
    f = as_fraction(value)
    found = {Fraction(k, s) for s in sizes if s > 0 for k in range(0, s + 1)}
    return [float(x) for x in sorted(x for x in found if x > f)]


def _relaxation_space(
    problem: Problem, ref: RuleRef
) -> tuple[Any, list[Any], Callable[[Any], Problem]] | None:
    """For one stated rule: its value now, the values to try (smallest change first), and
    how to build the problem with a value. ``None`` when the rule cannot be relaxed."""
    net = ref.network
    spec = problem.network(net) if net is not None else None
    rule = ref.rule
    if rule == "size" and spec is not None:
        if ref.part == "min":
            return (
                spec.min_size,
                list(range(spec.min_size - 1, -1, -1)),
                lambda v: _replace_spec(problem, spec.name, min_size=v),
            )
        return (
            spec.max_size,
            list(range(spec.max_size + 1, len(problem.pool) + 1)),
            lambda v: _replace_spec(problem, spec.name, max_size=v),
        )
    if rule == "quota" and spec is not None and isinstance(ref.item, int):
        k = ref.item
        q = spec.quotas[k]
        sizes = range(max(1, spec.min_size), spec.max_size + 1)

        def with_bound(v: Any, q: Quota = q, k: int = k) -> Problem:
            bounds = {"min": q.min, "max": q.max}
            bounds[ref.part or "min"] = v
            quotas = list(spec.quotas)
            if bounds["min"] is None and bounds["max"] is None:
                del quotas[k]
            else:
                quotas[k] = dataclasses.replace(q, min=bounds["min"], max=bounds["max"])
            return _replace_spec(problem, spec.name, quotas=tuple(quotas))

        if ref.part == "min":
            assert q.min is not None
            if q.unit == "count":
                values: list[Any] = [*list(range(int(q.min) - 1, 0, -1)), None]
            else:
                values = [x for x in _fractions_below(q.min, sizes) if x > 0] + [None]
            return q.min, values, with_bound
        assert q.max is not None
        if q.unit == "count":
            values = [*list(range(int(q.max) + 1, spec.max_size)), None]
        else:
            values = [x for x in _fractions_above(q.max, sizes) if x < 1] + [None]
        return q.max, values, with_bound
    if rule == "skill" and spec is not None and isinstance(ref.item, int):
        k = ref.item
        s = spec.skills[k]

        def with_skill(v: Any, k: int = k, s: SkillRequirement = s) -> Problem:
            skills = list(spec.skills)
            if v is None:
                del skills[k]
            else:
                skills[k] = dataclasses.replace(s, min=v)
            return _replace_spec(problem, spec.name, skills=tuple(skills))

        return s.min, [*list(range(s.min - 1, 0, -1)), None], with_skill
    if rule == "max_per" and spec is not None:
        limit = next(m for m in spec.max_per if m.field == ref.item)

        def with_limit(v: Any) -> Problem:
            rest = tuple(m for m in spec.max_per if m.field != ref.item)
            new = rest if v is None else (*rest, dataclasses.replace(limit, max=v))
            return _replace_spec(problem, spec.name, max_per=new)

        return limit.max, [*list(range(limit.max + 1, spec.max_size)), None], with_limit
    if rule == "meeting" and spec is not None and spec.meeting is not None:
        meeting = spec.meeting
        sizes = range(max(1, spec.min_size), spec.max_size + 1)
        quorums: list[Any] = [x for x in _fractions_below(meeting.quorum, sizes) if x > 0]

        def with_quorum(v: Any, meeting: MeetingRule = meeting) -> Problem:
            if v is None:
                return _replace_spec(problem, spec.name, meeting=None)
            return _replace_spec(problem, spec.name, meeting=dataclasses.replace(meeting, quorum=v))

        return meeting.quorum, [*quorums, None], with_quorum
    if rule == "eligibility" and spec is not None and spec.min_relevance is not None:
        rels = sorted(
            {
                round(problem.relevance(c.id, spec.name), 6)
                for c in problem.pool
                if problem.relevance(c.id, spec.name) < spec.min_relevance
            },
            reverse=True,
        )
        values = [r for r in rels if r > 0] + [None]
        return (
            spec.min_relevance,
            values,
            lambda v: _replace_spec(problem, spec.name, min_relevance=v),
        )
    if rule == "cohesion" and spec is not None:
        return (
            spec.min_known,
            list(range(spec.min_known - 1, -1, -1)),
            lambda v: _replace_spec(problem, spec.name, min_known=v),
        )
    if rule == "bridge" and spec is not None and spec.bridge is not None:
        bridge = spec.bridge

        def with_bridge(v: Any, bridge: BridgeRule = bridge) -> Problem:
            new = None if v == 0 else dataclasses.replace(bridge, min=v)
            return _replace_spec(problem, spec.name, bridge=new)

        return bridge.min, list(range(bridge.min - 1, -1, -1)), with_bridge
    if rule == "include" and spec is not None:
        return (
            ref.item,
            [None],
            lambda v: _replace_spec(
                problem, spec.name, include=tuple(p for p in spec.include if p != ref.item)
            ),
        )
    if rule == "excluded":
        if spec is not None:
            return (
                ref.item,
                [None],
                lambda v: _replace_spec(
                    problem, spec.name, exclude=tuple(p for p in spec.exclude if p != ref.item)
                ),
            )
        return (
            ref.item,
            [None],
            lambda v: problem.replace(excluded=tuple(p for p in problem.excluded if p != ref.item)),
        )
    if rule == "conflict":
        return (
            ref.item,
            [None],
            lambda v: problem.replace(
                conflicts=tuple(p for p in problem.conflicts if tuple(p) != ref.item)
            ),
        )
    if rule == "must_pair":
        return (
            ref.item,
            [None],
            lambda v: problem.replace(
                must_pairs=tuple(p for p in problem.must_pairs if tuple(p) != ref.item)
            ),
        )
    if rule == "sharing" and isinstance(ref.item, tuple):
        return (
            ref.item,
            [None],
            lambda v: problem.replace(share_members=(*problem.share_members, ref.item)),
        )
    if rule == "required":
        return (
            ref.item,
            [None],
            lambda v: problem.replace(required=tuple(p for p in problem.required if p != ref.item)),
        )
    if rule == "assign_all":
        return True, [None], lambda v: problem.replace(assign_all=False)
    if rule == "capacity":
        top = len(problem.networks)
        now = problem.default_capacity

        def with_capacity(v: Any) -> Problem:
            pool = Pool(
                tuple(
                    dataclasses.replace(c, capacity=max(c.capacity, v))
                    if c.capacity is not None and c.capacity >= 1
                    else c
                    for c in problem.pool
                ),
                source=problem.pool.source,
            )
            return problem.replace(pool=pool, default_capacity=max(now, v))

        return now, list(range(now + 1, top + 1)), with_capacity
    return None


def relax(
    problem: Problem,
    ref: RuleRef,
    *,
    time_limit: float = 10.0,
    objective_time: float = 3.0,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = False,
) -> Relaxation | None:
    """The smallest change to one rule that makes the whole problem feasible, verified.

    Bisection over the rule's possible values (smallest change first), each
    tried with a feasibility solve; the first feasible value is then
    composed for ``objective_time`` to report the objective it reaches
    (``0``: the objective of the composition that proved it feasible).

    Returns
    -------
    Relaxation or None
        ``None`` when the rule has no relaxation (e.g. ``eligibility`` of
        people with capacity 0); ``enough=False`` when even the largest
        change leaves the problem infeasible (or undecided).
    """
    space = _relaxation_space(problem, ref)
    if space is None:
        return None
    before, values, build = space
    if not values:
        return None
    clock = _Clock(time_limit)
    options = SolveOptions(
        time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic
    )
    guarded = _guarded()
    tried: dict[int, SolveStatus] = {}
    found_by: dict[int, Composition | None] = {}
    problems: dict[int, Problem] = {}

    def test(i: int) -> SolveStatus:
        if i not in tried:
            budget = max(0.05, clock.left() / 2 if i != len(values) - 1 else clock.left())
            try:
                problems[i] = build(values[i])
            except EvocomposeError:
                tried[i] = SolveStatus.MODEL_INVALID
                return tried[i]
            outcome = guarded.find_feasible(
                problems[i], options.replace(time_limit=max(0.05, budget))
            )
            tried[i], found_by[i] = outcome.status, outcome.composition
        return tried[i]

    lo, hi = 0, len(values) - 1
    if test(hi) is not SolveStatus.FEASIBLE:
        last = values[hi]
        return Relaxation(
            ref,
            change_text(problem, ref, before, last),
            before,
            last,
            enough=False,
            smallest=False,
            status=str(tried[hi]),
        )
    while lo < hi:
        mid = (lo + hi) // 2
        if test(mid) is SolveStatus.FEASIBLE:
            hi = mid
        else:
            lo = mid + 1
    found = lo
    smallest = found == 0 or tried.get(found - 1, SolveStatus.UNKNOWN) in (
        SolveStatus.INFEASIBLE,
        SolveStatus.MODEL_INVALID,
    )
    relaxed = problems[found]
    comp = found_by.get(found)
    status, objective = "FEASIBLE", None
    if comp is not None and check(relaxed, comp):
        raise SolverError(  # pragma: no cover - a modelling error, never expected
            "a relaxation's composition breaks a rule of the relaxed problem", value=ref.label
        )
    if comp is not None:
        objective = weighted_total(relaxed, evaluate(relaxed, comp))
    if objective_time > 0:
        from evocompose.solvers.cpsat.solve import solve_cpsat  # deferred: ortools, as above

        result = solve_cpsat(
            relaxed,
            options.replace(time_limit=objective_time, hint=comp),
        )
        if (
            result.composition is not None
            and result.objective is not None
            and (objective is None or result.objective > objective)
            and not check(relaxed, result.composition)
        ):
            comp = result.composition
            status, objective = str(result.status), result.objective
    after = values[found]
    return Relaxation(
        ref,
        change_text(problem, ref, before, after),
        before,
        after,
        enough=True,
        smallest=smallest,
        status=status,
        objective=objective,
        problem=relaxed,
        composition=comp,
    )


# ------------------------------------------------------------------ diagnose
def _detail(problem: Problem, ref: RuleRef, supply: _Supply) -> dict[str, Any]:
    """The numbers of one conflicting rule: its bound and who is eligible for it."""
    net = ref.network
    if net is None or net not in problem.network_names:
        return {}
    spec = problem.network(net)
    eligible = supply.eligible[net]
    out: dict[str, Any] = {"eligible": len(eligible)}
    if ref.rule == "size":
        out["bound"] = spec.min_size if ref.part == "min" else spec.max_size
    elif ref.rule == "quota" and isinstance(ref.item, int):
        q = spec.quotas[ref.item]
        out["bound"] = q.min if ref.part == "min" else q.max
        out["unit"] = q.unit
        out["available"] = len(_quota_group(q, eligible))
    elif ref.rule == "skill" and isinstance(ref.item, int):
        s = spec.skills[ref.item]
        out["bound"] = s.min
        out["available"] = sum(1 for c in eligible if s.skill in c.skills)
    elif ref.rule == "meeting" and spec.meeting is not None:
        best, slot = _best_slot(problem, spec, eligible)
        out.update(quorum=spec.meeting.quorum, best_slot=slot, free_in_best_slot=best)
    return out


def diagnose(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    workers: int = 2,
    relaxations: bool = True,
    objective_time: float | None = None,
    deterministic: bool = False,
    language: str = "en",
) -> Diagnosis:
    """Why ``problem`` has no composition, and the smallest changes that give it one.

    Parameters
    ----------
    problem : Problem
    time_limit : float
        Seconds for the whole diagnosis (CP-SAT deterministic units with
        ``deterministic``). About a third goes to finding and shrinking the
        conflict, the rest to the relaxations.
    seed, workers : int
        Passed to CP-SAT.
    relaxations : bool
        Look for a relaxation per conflicting rule (each verified by solving).
    objective_time : float, optional
        Seconds to compose each relaxed problem (default: a share of the
        time left, at most 5; ``0``: report the objective of the composition
        that proved the relaxation feasible).
    deterministic : bool
        Count every budget in CP-SAT deterministic time.
    language : {"en", "da"}
        Language of ``str(diagnosis)``.

    Returns
    -------
    Diagnosis
        ``feasible=False`` with a conflict (minimal when ``minimal``) and its
        relaxations; ``feasible=True`` when a composition exists after all;
        ``feasible=None`` when undecided in the time given.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> a = dataclasses.replace(p.network("a"), quotas=(evo.Quota("sector", ("food",), min=3),))
    >>> d = diagnose(p.replace(networks=(a, p.network("b"))), time_limit=10)
    >>> d.rules, d.relaxations[0].after
    (('quota',), 2)
    >>> print(d)  # doctest: +ELLIPSIS
    The networks cannot be composed: one rule cannot be kept. Network A (a) needs at least 3 members from food. Network A (a) can take only 2 eligible candidates from food (3 needed). Smallest changes ... (1) lower the minimum of members from food in Network A (a) from 3 to 2 (verified: objective ...).
    """
    lang = check_language(language)
    clock = _Clock(time_limit)
    options = SolveOptions(
        time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic
    )
    supply = _Supply(problem)
    guarded = _guarded()
    gm = guarded.build_guarded_model(problem)
    core: list[RuleRef] | None = None
    facts: list[Text] = []
    source = ""
    search = max(0.5, time_limit / 3)
    step = max(0.25, search / 4)
    findings = counting_findings(problem)
    for finding in findings:
        refs = [r for r in finding.refs if r in gm.literal]
        if not refs:
            continue
        outcome = guarded.solve_assuming(
            gm, refs, options.replace(time_limit=min(step, clock.left()))
        )
        if outcome.status is SolveStatus.FEASIBLE:
            continue  # pragma: no cover - a counting argument is a proof; never expected
        core = list(outcome.core) if outcome.status is SolveStatus.INFEASIBLE else refs
        source = "counting"
        break
    if core is None:
        outcome = guarded.solve_assuming(
            gm, gm.refs, options.replace(time_limit=max(0.1, min(search, clock.left())))
        )
        if outcome.status is SolveStatus.FEASIBLE:
            return Diagnosis(
                True,
                seconds=clock.elapsed(),
                source="cpsat",
                language=lang,
                composition=outcome.composition,
            )
        if outcome.status is not SolveStatus.INFEASIBLE:
            return Diagnosis(None, seconds=clock.elapsed(), source="cpsat", language=lang)
        core = list(outcome.core)
        source = "cpsat"
    core, minimal = _minimise(gm, core, options, clock, step)
    chosen = set(core)
    for finding in findings:
        if finding.refs and set(finding.refs) <= chosen:
            facts.append(finding.fact)
            if source == "cpsat":
                source = "cpsat + counting"
            break
    conflict = tuple(Conflict(r, says(problem, r), _detail(problem, r, supply)) for r in core)
    relaxed: list[Relaxation] = []
    if relaxations:
        for k, ref in enumerate(core):
            left = clock.left()
            if left <= 0.1:
                break
            share = left / (len(core) - k)
            obj = objective_time if objective_time is not None else min(5.0, share / 3)
            r = relax(
                problem,
                ref,
                time_limit=max(0.1, share - obj),
                objective_time=obj,
                seed=seed,
                workers=workers,
                deterministic=deterministic,
            )
            if r is not None:
                relaxed.append(r)
    return Diagnosis(
        False,
        conflict,
        tuple(facts),
        tuple(relaxed),
        minimal=minimal,
        source=source,
        seconds=clock.elapsed(),
        language=lang,
    )


#: Shortest feasibility check worth starting after UNKNOWN (seconds): less builds a model
#: only to abandon it.
MIN_CHECK_TIME = 0.5


def diagnose_no_composition(
    problem: Problem,
    status: SolveStatus,
    *,
    time_limit: float,
    check_time: float,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = False,
    language: str = "en",
) -> Diagnosis | None:
    """The diagnosis :func:`evocompose.solve` attaches to a result without a composition.

    After INFEASIBLE, a full :func:`diagnose`. After UNKNOWN (the backend ran
    out of time), a full diagnosis only when the problem is proven
    impossible, by a counting argument or by a feasibility solve of at most
    ``check_time`` (none below :data:`MIN_CHECK_TIME`); when that solve
    finds a composition instead, a diagnosis saying so (``feasible=True``,
    with the composition). ``None`` when nothing was decided, or after
    MODEL_INVALID.
    """
    kwargs: dict[str, Any] = {
        "seed": seed,
        "workers": workers,
        "deterministic": deterministic,
        "language": language,
    }
    if status is SolveStatus.INFEASIBLE:
        return diagnose(problem, time_limit=time_limit, **kwargs)
    if status is not SolveStatus.UNKNOWN:
        return None
    started = time.perf_counter()
    if not counting_findings(problem):
        if not deterministic:  # the counting came out of the same time
            check_time -= time.perf_counter() - started
        if check_time < MIN_CHECK_TIME:
            return None
        quick = _guarded().find_feasible(
            problem,
            SolveOptions(
                time_limit=max(0.1, check_time),
                seed=seed,
                workers=workers,
                deterministic=deterministic,
            ),
        )
        if quick.status is SolveStatus.FEASIBLE and quick.composition is not None:
            return Diagnosis(
                True,
                source="cpsat",
                seconds=quick.seconds,
                language=check_language(language),
                composition=quick.composition,
            )
        if quick.status is not SolveStatus.INFEASIBLE:
            return None
    return diagnose(problem, time_limit=time_limit, **kwargs)
