"""Renewal rounds: compose the next round so that people meet new people, with continuity.

Networks are evaluated and renewed. :func:`renew` composes the next round
of a problem given the earlier rounds (oldest first):

* each pair of people who already sat together (in any network) costs
  ``repeat_weight x decay^(age - 1)`` per earlier round they shared, ``age``
  counting rounds back (1 = the last round), whenever they sit together again
  — the time-decayed repeat penalty of socialroulette;
* ``keep`` members of each network's last round continue in it (a share of
  its last size, a count, or one per network), so that the networks keep
  their memory — while the repeat penalty makes the others new;
* optionally (``turn_weight``), each membership of someone who already
  served costs ``turn_weight`` per round served, so that others get their
  turn — gruepr's "prevented" previous teaming becomes a price rather than
  a ban, and only one factor of the objective.

The composition keeps every rule of the problem. It is composed with CP-SAT
(:mod:`evocompose.solvers.cpsat.renewal`): with ``solver="auto"`` first
network by network, then on the full model from that start, as the
``auto`` backend does. ``result.renewal`` holds the repeat pairs by age,
the continuity per network, the newcomers and the renewal objective (the
objective minus the costs) with CP-SAT's bound on it; ``result.objective``
is the plain objective, comparable with composing from scratch.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evocompose.audit import now
from evocompose.check import check
from evocompose.composition import Composition
from evocompose.diagnose import diagnose_no_composition
from evocompose.diagnosis import Diagnosis
from evocompose.errors import SolverError
from evocompose.language import check_language, text
from evocompose.objective import evaluate, weighted_total
from evocompose.process import Renewal
from evocompose.result import Result, SolveStats, SolveStatus
from evocompose.solve import attach_audit, composition_data
from evocompose.solvers.contract import SolveOptions

if TYPE_CHECKING:
    from evocompose.data import Problem


@dataclass(frozen=True)
class RenewalTerms:
    """What a renewal round adds to a problem (passed to the CP-SAT renewal model).

    Attributes
    ----------
    pair_costs : mapping of (str, str) to float
        Cost of the pair (ids in sorted order) sitting together in a network.
    member_costs : mapping of str to float
        Cost of each membership of the person.
    keep : mapping of str to (tuple of str, int, int)
        Per network: its last-round members still eligible, and how many of
        them continue (at least, at most).
    """

    pair_costs: Mapping[tuple[str, str], float] = field(default_factory=dict)
    member_costs: Mapping[str, float] = field(default_factory=dict)
    keep: Mapping[str, tuple[tuple[str, ...], int, int]] = field(default_factory=dict)


def renewal_penalty(problem: Problem, composition: Composition, extra: RenewalTerms) -> float:
    """The repeat and turn costs of a composition (the reference value)."""
    total = 0.0
    for name in problem.network_names:
        ids = sorted(composition.members.get(name, ()))
        for k, a in enumerate(ids):
            total += extra.member_costs.get(a, 0.0)
            for b in ids[k + 1 :]:
                total += extra.pair_costs.get((a, b), 0.0)
    return total


__all__ = ["Keep", "RenewalTerms", "renew", "renewal_penalty", "renewal_record", "renewal_terms"]

#: ``keep``: a share of each network's last size (a float in [0, 1]), a count
#: (an int), a mapping network -> share or count, or ``None`` (no rule).
Keep = float | int | Mapping[str, float | int] | None

#: Share of the budget for the network-by-network start and polish (``solver="auto"``).
START_SHARE = 0.5
#: At most this many seconds per network for that phase.
PER_NETWORK = 2.5


def _check_number(value: object, name: str, low: float, high: float | None = None) -> float:
    ok = (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
        and float(value) >= low
        and (high is None or float(value) <= high)
    )
    if not ok:
        bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        raise SolverError(f"{name} must be a number {bound}", column=name, value=value)
    return float(value)  # type: ignore[arg-type]


def _keep_count(value: object, last: int, network: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise SolverError(
            "keep takes a share in [0, 1] (a float), a count (an int), or a mapping "
            "network -> share or count",
            network=network,
            column="keep",
            value=value,
        )
    if isinstance(value, numbers.Integral):
        if int(value) < 0:
            raise SolverError(
                "a keep count must be >= 0", network=network, column="keep", value=value
            )
        return min(int(value), last)
    share = _check_number(value, "keep", 0.0, 1.0)
    return min(last, math.floor(share * last + 0.5))


def renewal_terms(
    problem: Problem,
    history: Sequence[Composition],
    *,
    repeat_weight: float,
    decay: float,
    keep: Keep,
    turn_weight: float,
) -> RenewalTerms:
    """The pair costs, membership costs and continuity bounds of the next round.

    People and networks of ``history`` that the problem no longer has are
    ignored (pools change between rounds). A network keeps at most as many
    members as are still eligible for it.
    """
    pool = problem.pool
    rounds = len(history)
    pair_costs: dict[tuple[str, str], float] = {}
    served: dict[str, int] = {}
    for r, comp in enumerate(history):
        age = rounds - r
        weight = repeat_weight * decay ** (age - 1)
        together: set[tuple[str, str]] = set()
        seen: set[str] = set()
        for ids in comp.members.values():
            inside = sorted(c for c in ids if c in pool)
            seen.update(inside)
            for k, a in enumerate(inside):
                for b in inside[k + 1 :]:
                    together.add((a, b))
        for pair in together:
            pair_costs[pair] = pair_costs.get(pair, 0.0) + weight
        for cid in seen:
            served[cid] = served.get(cid, 0) + 1
    member_costs = {c: turn_weight * k for c, k in served.items() if turn_weight}
    keeps: dict[str, tuple[tuple[str, ...], int, int]] = {}
    if keep is not None and history:
        last = history[-1]
        per: Mapping[str, Any] = (
            keep if isinstance(keep, Mapping) else dict.fromkeys(problem.network_names, keep)
        )
        for name, value in per.items():
            if name not in problem.network_names:
                raise SolverError(
                    f"keep names an unknown network; networks: {', '.join(problem.network_names)}",
                    column="keep",
                    value=name,
                )
            before = [c for c in last.members.get(name, ()) if c in pool]
            eligible = tuple(c for c in before if problem.eligible(c, name))
            k = min(_keep_count(value, len(last.members.get(name, ())), name), len(eligible))
            keeps[name] = (eligible, k, k)
    return RenewalTerms(pair_costs, member_costs, keeps)


def renewal_record(
    problem: Problem,
    composition: Composition,
    history: Sequence[Composition],
    terms: RenewalTerms,
    *,
    repeat_weight: float,
    decay: float,
    turn_weight: float,
    bound: float | None = None,
    language: str = "en",
) -> Renewal:
    """How ``composition`` relates to the earlier rounds (a :class:`~evocompose.process.Renewal`)."""
    rounds = len(history)
    last_together: dict[tuple[str, str], int] = {}
    ever: set[str] = set()
    for r, comp in enumerate(history):
        for ids in comp.members.values():
            inside = sorted(ids)
            ever.update(inside)
            for k, a in enumerate(inside):
                for b in inside[k + 1 :]:
                    last_together[(a, b)] = r
    by_age: dict[int, int] = {}
    repeats = 0
    repeat_cost = 0.0
    turn_cost = 0.0
    for name in problem.network_names:
        people = sorted(composition.members.get(name, ()))
        for k, a in enumerate(people):
            turn_cost += terms.member_costs.get(a, 0.0)
            for b in people[k + 1 :]:
                repeat_cost += terms.pair_costs.get((a, b), 0.0)
                shared = last_together.get((a, b))
                if shared is not None:
                    repeats += 1
                    age = rounds - shared
                    by_age[age] = by_age.get(age, 0) + 1
    continuity: dict[str, tuple[int, int]] = {}
    if history:
        last = history[-1]
        for name in problem.network_names:
            before = set(last.members.get(name, ()))
            now_ = set(composition.members.get(name, ()))
            continuity[name] = (len(before & now_), len(before))
    objective = weighted_total(problem, evaluate(problem, composition))
    renewal_objective = objective - repeat_cost - turn_cost
    return Renewal(
        round=rounds + 1,
        repeat_pairs=repeats,
        repeat_by_age=dict(sorted(by_age.items())),
        repeat_cost=repeat_cost,
        continuity=continuity,
        keep={n: lo for n, (_, lo, _) in terms.keep.items()},
        turn_cost=turn_cost,
        newcomers=len(composition.placed() - ever),
        renewal_objective=renewal_objective,
        bound=None if bound is None else max(bound, renewal_objective),
        repeat_weight=repeat_weight,
        decay=decay,
        turn_weight=turn_weight,
        language=language,
    )


def _history(problem: Problem, history: Sequence[Composition]) -> tuple[Composition, ...]:
    out = []
    for k, comp in enumerate(history):
        if not isinstance(comp, Composition):
            raise SolverError(
                "history takes the earlier compositions (evocompose.Composition), oldest first",
                column=f"history[{k}]",
                value=type(comp).__name__,
            )
        out.append(comp)
    return tuple(out)


def renew(
    problem: Problem,
    history: Sequence[Composition],
    *,
    repeat_weight: float = 2.0,
    decay: float = 0.5,
    keep: Keep = None,
    turn_weight: float = 0.0,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = False,
    solver: str = "auto",
    language: str = "en",
) -> Result:
    """Compose the next round after ``history`` (see the module docstring).

    Parameters
    ----------
    problem : Problem
    history : sequence of Composition
        The earlier rounds, oldest first (may be empty: then this is a
        first round, composed as by :func:`evocompose.solve`).
    repeat_weight : float
        Cost of a pair sitting together again, for the last round's pairs
        (a mismatched member pair is worth about 1 to 3 points by default,
        see ``docs/objective.md``).
    decay : float
        Factor per round back in time, in [0, 1]: with 0.5 a pair of two
        rounds ago costs half.
    keep : float, int, mapping or None
        Members of each network's last round who continue in it: a share of
        the last size (``0.5``, rounded), a count (``4``), or per network
        (``{"vision": 0.5, "food": 3}``). ``None``: no rule. A network keeps
        at most the last-round members still eligible for it.
    turn_weight : float
        Cost per membership and earlier round served (0: none).
    time_limit : float
        Seconds (or deterministic units with ``deterministic``).
    seed, workers, deterministic
        As in :func:`evocompose.solve`.
    solver : {"auto", "cpsat"}
        ``auto``: network by network, then the full model; ``cpsat``: the
        full model alone.
    language : {"en", "da"}

    Returns
    -------
    Result
        ``result.renewal`` describes the round; ``result.objective`` is the
        plain objective. OPTIMAL means CP-SAT proved the renewal objective
        optimal. INFEASIBLE with ``result.diagnosis`` when the rules cannot
        hold; when only the continuity cannot, the diagnosis says so.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> first = evo.solve(p, time_limit=5).composition
    >>> second = renew(p, [first], repeat_weight=5.0, keep=1, time_limit=5)
    >>> second.renewal.continuity["a"][0], second.renewal.repeat_pairs < 6
    (1, True)
    """
    lang = check_language(language)
    started = now()
    if solver not in ("auto", "cpsat"):
        raise SolverError(
            "renew composes with CP-SAT; use solver='auto' or 'cpsat'",
            column="solver",
            value=solver,
        )
    rounds = _history(problem, history)
    repeat_weight = _check_number(repeat_weight, "repeat_weight", 0.0)
    decay = _check_number(decay, "decay", 0.0, 1.0)
    turn_weight = _check_number(turn_weight, "turn_weight", 0.0)
    terms = renewal_terms(
        problem,
        rounds,
        repeat_weight=repeat_weight,
        decay=decay,
        keep=keep,
        turn_weight=turn_weight,
    )
    options = SolveOptions(
        time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic
    )
    start = time.perf_counter()
    from evocompose.solvers.cpsat.decompose import (  # deferred: ortools loads only when composing
        improve_by_network,
        solve_sequential,
    )
    from evocompose.solvers.cpsat.guarded import find_feasible  # deferred: as above
    from evocompose.solvers.cpsat.renewal import solve_renewal  # deferred: as above

    def block(p: Problem, o: SolveOptions) -> Result:
        return solve_renewal(p, o, terms)

    def value(p: Problem, c: Composition) -> float:
        return weighted_total(p, evaluate(p, c)) - renewal_penalty(p, c, terms)

    polished: Composition | None = None
    spent = 0.0
    if solver == "auto" and len(problem.networks) > 1:
        phase = min(START_SHARE * time_limit, PER_NETWORK * len(problem.networks))
        first = solve_sequential(
            problem,
            time_limit=0.9 * phase,
            seed=seed,
            workers=workers,
            deterministic=deterministic,
            solve_block=block,
        )
        if first is not None:
            left = 0.1 * phase if deterministic else phase - (time.perf_counter() - start)
            polished = improve_by_network(
                problem,
                first,
                time_limit=max(0.05, left),
                seed=seed,
                workers=1,
                deterministic=deterministic,
                solve_block=block,
                value_of=value,
            )
        spent = phase
    remaining = (
        time_limit - spent
        if deterministic
        else max(0.1, time_limit - (time.perf_counter() - start))
    )
    final = solve_renewal(problem, options.replace(time_limit=remaining, hint=polished), terms)
    chosen, status = final.composition, final.status
    if (
        polished is not None
        and not check(problem, polished)
        and (chosen is None or value(problem, polished) > value(problem, chosen) + 1e-9)
    ):
        chosen, status = polished, SolveStatus.FEASIBLE
    bound = final.stats.details.get("renewal_bound")
    if chosen is None:
        result = Result.scored(
            problem,
            final.status,
            None,
            runtime=time.perf_counter() - start,
            seed=seed,
            workers=options.workers,
            deterministic=deterministic,
            solver=final.solver,
            stats=final.stats,
        )
        base: Diagnosis | None = None
        if final.status is SolveStatus.INFEASIBLE and terms.keep:
            plain = find_feasible(problem, options.replace(time_limit=min(5.0, time_limit)))
            if plain.status is SolveStatus.FEASIBLE:
                kept = ", ".join(f"{n} {lo}" for n, (_, lo, _) in terms.keep.items())
                base = Diagnosis(
                    False,
                    facts=(
                        text(
                            f"the rules can be kept, but not while exactly these many members "
                            f"continue from the last round ({kept}); lower keep",
                            f"reglerne kan overholdes, men ikke mens netop så mange medlemmer "
                            f"fortsætter fra sidste runde ({kept}); sænk keep",
                        ),
                    ),
                    source="cpsat",
                    language=lang,
                )
        if base is None:
            base = diagnose_no_composition(
                problem,
                final.status,
                time_limit=max(10.0, time_limit),
                check_time=min(5.0, time_limit),
                seed=seed,
                workers=workers,
                deterministic=deterministic,
                language=lang,
            )
        if base is not None:
            status = SolveStatus.INFEASIBLE if base.feasible is False else final.status
            result = dataclasses.replace(result, status=status, diagnosis=base)
    else:
        result = Result.scored(
            problem,
            status,
            chosen,
            runtime=time.perf_counter() - start,
            seed=seed,
            workers=options.workers,
            deterministic=deterministic,
            solver=f"renew ({'decomposed + ' if solver == 'auto' else ''}{final.solver})",
            stats=SolveStats(
                path="renewal",
                num_variables=final.stats.num_variables,
                num_constraints=final.stats.num_constraints,
                rounding_error_bound=final.stats.rounding_error_bound,
                details=dict(final.stats.details),
            ),
        )
        record = renewal_record(
            problem,
            chosen,
            rounds,
            terms,
            repeat_weight=repeat_weight,
            decay=decay,
            turn_weight=turn_weight,
            bound=bound,
            language=lang,
        )
        result = dataclasses.replace(result, renewal=record)
    return attach_audit(
        problem,
        result,
        call="renew",
        backend=solver,
        options=options,
        started=started,
        parameters={
            "history": [composition_data(c) for c in rounds],
            "repeat_weight": repeat_weight,
            "decay": decay,
            "keep": dict(keep) if isinstance(keep, Mapping) else keep,
            "turn_weight": turn_weight,
        },
    )
