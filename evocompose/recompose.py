"""Declines and replacements: repair a composition with as few changes as possible.

The steering group invites the people of a composition; some decline, some
turn out to be unavailable, some accept. :func:`recompose` finds, among the
compositions keeping every rule,

1. those keeping every accepted person where they are (with their network's
   meeting slot) — or, when none does, those releasing the fewest accepted
   people, who are named;
2. among them, those changing the fewest memberships beyond the forced ones
   (the declines and the unavailable people): each arrival, each departure
   nobody forced, and each changed meeting slot counts one;
3. among them, the best objective.

Every change is listed with its reason (:class:`~evocompose.process.Repair`
in ``result.repair``): the reasons come from :func:`evocompose.check`, so
each is a rule that really holds because of the change.

:func:`replacements` ranks one-for-one replacements of one member, each
keeping every rule, with the objective change and what each fills. The
approach follows the replacement rounds of sortition-algorithms (replacements
drawn so that the panel keeps its quotas), extended to several networks,
capacity, meeting slots and acquaintance ties.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from evocompose.audit import now
from evocompose.check import Violation, check
from evocompose.composition import Composition
from evocompose.diagnose import diagnose_no_composition
from evocompose.errors import CompositionError, EvocomposeError
from evocompose.language import Text, check_language, number, pick, text
from evocompose.objective import evaluate, weighted_total
from evocompose.process import MembershipChange, Repair
from evocompose.result import Result, SolveStatus
from evocompose.solve import attach_audit, composition_data
from evocompose.solvers.contract import SolveOptions
from evocompose.wording import keeps, title

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["recompose", "replacements"]

Who = str | tuple[str, str]


def _objective(problem: Problem, comp: Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _validate_base(problem: Problem, comp: Composition, what: str) -> None:
    for net, ids in comp.members.items():
        if net not in problem.network_names:
            raise CompositionError(
                f"the {what} names an unknown network; networks: {', '.join(problem.network_names)}",
                column="network",
                value=net,
            )
        for cid in ids:
            if cid not in problem.pool:
                raise CompositionError(
                    f"the {what} names a person who is not in the candidate pool",
                    network=net,
                    column="candidate_id",
                    value=cid,
                )


def _memberships(
    problem: Problem, previous: Composition, items: Iterable[Who], what: str
) -> list[tuple[str, str]]:
    """(person, network) pairs of ``items``: a bare id stands for each of their networks."""
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            nets = previous.networks_of(item)
            if item not in problem.pool:
                raise CompositionError(
                    f"{what} names a person who is not in the candidate pool",
                    column=what,
                    value=item,
                )
            if not nets:
                raise CompositionError(
                    f"{what} names a person who sits in no network of the previous composition; "
                    "give (person, network) pairs or ids of members",
                    column=what,
                    value=item,
                )
            out += [(item, n) for n in nets]
            continue
        try:
            cid, net = item
        except (TypeError, ValueError):
            raise CompositionError(
                f"{what} takes person ids or (person, network) pairs", column=what, value=item
            ) from None
        if net not in problem.network_names:
            raise CompositionError(
                f"{what} names an unknown network; networks: {', '.join(problem.network_names)}",
                column=what,
                value=item,
            )
        if cid not in previous.members.get(net, ()):
            raise CompositionError(
                f"{what} names a person who is not a member of {net!r} in the previous composition",
                network=net,
                column=what,
                value=cid,
            )
        out.append((str(cid), str(net)))
    return list(dict.fromkeys(out))


def _pinned_problem(
    problem: Problem,
    declined: list[tuple[str, str]],
    everywhere: set[str],
) -> Problem:
    """The problem with the declines stated as rules: out of the declined networks, or out of all."""
    out_of: dict[str, set[str]] = {}
    for cid, net in declined:
        out_of.setdefault(net, set()).add(cid)
    specs = []
    for spec in problem.networks:
        gone = out_of.get(spec.name, set()) | everywhere
        specs.append(
            dataclasses.replace(
                spec,
                exclude=tuple(dict.fromkeys((*spec.exclude, *sorted(out_of.get(spec.name, ()))))),
                include=tuple(p for p in spec.include if p not in gone),
            )
        )
    try:
        return problem.replace(
            networks=tuple(specs),
            excluded=tuple(dict.fromkeys((*problem.excluded, *sorted(everywhere)))),
            required=tuple(p for p in problem.required if p not in everywhere),
        )
    except EvocomposeError as exc:
        raise type(exc)(
            "after the declines the problem no longer holds together: "
            + exc.message
            + ". Relax that rule, or find more candidates",
            file=exc.file,
            row=exc.row,
            column=exc.column,
            network=exc.network,
        ) from None


def _without(comp: Composition, network: str, person: str) -> Composition:
    members = {
        n: [c for c in ids if not (n == network and c == person)] for n, ids in comp.members.items()
    }
    return Composition(members, comp.slots)


def _with(comp: Composition, network: str, person: str) -> Composition:
    members = {n: list(ids) for n, ids in comp.members.items()}
    members.setdefault(network, []).append(person)
    return Composition(members, comp.slots)


def _kept_rules(problem: Problem, comp: Composition, network: str, person: str) -> list[Violation]:
    """The rules that break when ``person`` leaves ``network`` (what their membership keeps)."""
    before = set(check(problem, comp))
    return [v for v in check(problem, _without(comp, network, person)) if v not in before]


def _join(texts: Sequence[Text], language: str) -> str:
    return "; ".join(pick(t, language) for t in texts)


def _arrival_reason(
    problem: Problem, final: Composition, network: str, person: str, replaces: str | None
) -> tuple[Text, tuple[str, ...]]:
    kept = _kept_rules(problem, final, network, person)
    gain = _objective(problem, final) - _objective(problem, _without(final, network, person))
    parts = [keeps(problem, v) for v in kept]
    rules = tuple(dict.fromkeys(v.rule for v in kept))
    en_lead = f"replaces {replaces}" if replaces else "joins"
    da_lead = f"erstatter {replaces}" if replaces else "kommer med"
    if parts:
        return (
            text(
                f"{en_lead}: {_join(parts, 'en')}",
                f"{da_lead}: {_join(parts, 'da')}",
            ),
            rules,
        )
    return (
        text(
            f"{en_lead}: the best choice for the objective ({number(gain, 'en')} over no one)",
            f"{da_lead}: det bedste valg for målværdien ({number(gain, 'da')} mere end ingen)",
        ),
        rules,
    )


def _departure_reason(problem: Problem, final: Composition, network: str, person: str) -> Text:
    moved = [n for n in final.networks_of(person) if n != network]
    if moved:
        where = ", ".join(title(problem, n) for n in moved)
        return text(f"moves to {where}", f"flytter til {where}")
    back = _with(final, network, person)
    broken = [v for v in check(problem, back) if v not in set(check(problem, final))]
    if broken:
        return text(
            "leaves to make room: with them, " + "; ".join(v.message for v in broken),
            "går ud for at give plads: med dem ville " + "; ".join(v.message for v in broken),
        )
    loss = _objective(problem, final) - _objective(problem, back)
    return text(
        f"leaves: the composition without them scores {number(loss, 'en')} more",
        f"går ud: sammensætningen uden dem scorer {number(loss, 'da')} mere",
    )


def _shared_counts(problem: Problem, network: str, a: str, b: str) -> int:
    """How many quotas and skills of the network count both ``a`` and ``b`` (for pairing)."""
    spec = problem.network(network)
    pa, pb = problem.pool[a], problem.pool[b]
    same = sum(
        1
        for q in spec.quotas
        if pa.attribute(q.field) in set(q.values) and pb.attribute(q.field) in set(q.values)
    )
    same += sum(1 for s in spec.skills if s.skill in pa.skills and s.skill in pb.skills)
    return same + (pa.sector == pb.sector)


def _repair(
    problem: Problem,
    previous: Composition,
    final: Composition,
    forced: dict[tuple[str, str], Text],
    released: Sequence[tuple[str, str]],
    changes: int,
    proven: bool,
    released_proven: bool,
    language: str,
) -> Repair:
    out: list[MembershipChange] = []
    for (cid, net), why in forced.items():
        out.append(MembershipChange("out", net, cid, True, why))
    for spec in problem.networks:
        net = spec.name
        old = set(previous.members.get(net, ()))
        new = set(final.members.get(net, ()))
        leavers = [c for c in sorted(old - new) if (c, net) in forced]
        voluntary = [c for c in sorted(old - new) if (c, net) not in forced]
        for cid in voluntary:
            why = _departure_reason(problem, final, net, cid)
            if (cid, net) in set(released):
                why = text(
                    "accepted, but released: no repair keeps every accepted person; "
                    + pick(why, "en"),
                    "har sagt ja, men frigives: ingen løsning holder alle, der har sagt ja; "
                    + pick(why, "da"),
                )
            out.append(MembershipChange("out", net, cid, False, why))
        open_places = leavers + voluntary
        for cid in sorted(new - old):
            replaces = None
            if open_places:
                replaces = max(open_places, key=lambda p: (_shared_counts(problem, net, cid, p), p))
                open_places.remove(replaces)
            why, rules = _arrival_reason(problem, final, net, cid, replaces)
            out.append(MembershipChange("in", net, cid, False, why, replaces, rules))
        before, after = previous.slots.get(net), final.slots.get(net)
        if before is not None and after is not None and before != after:
            stay = Composition(final.members, {**final.slots, net: before})
            broken = [v for v in check(problem, stay) if v.rule == "meeting" and v.network == net]
            detail = "; ".join(v.message for v in broken) or "the best choice for the objective"
            out.append(
                MembershipChange(
                    "slot",
                    net,
                    None,
                    False,
                    text(
                        f"meets {after} instead of {before}: at {before} {detail}",
                        f"mødes {after} i stedet for {before}: {detail}",
                    ),
                    before=before,
                    after=after,
                )
            )
    return Repair(
        tuple(out),
        forced=len(forced),
        changed=changes,
        fewest_proven=proven,
        released=tuple(released),
        released_proven=released_proven,
        language=language,
    )


def recompose(
    problem: Problem,
    previous: Composition,
    *,
    declined: Iterable[Who] = (),
    accepted: Iterable[Who] = (),
    unavailable: Iterable[str] = (),
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = False,
    language: str = "en",
) -> Result:
    """Repair ``previous`` after declines, with the fewest changes, keeping every rule.

    Parameters
    ----------
    problem : Problem
    previous : Composition
        The composition the invitations went out for.
    declined : iterable of str or (str, str)
        ``(person, network)``: the person declined that network (they may
        still be moved to another, which counts as a change). A bare id:
        the person declined everything; they are out of every network.
    accepted : iterable of str or (str, str)
        Memberships that stay as they are (a bare id: all of that person's
        networks), each with its network's meeting slot.
    unavailable : iterable of str
        People out of every network (members or not), e.g. they moved away.
    time_limit : float
        Seconds (or deterministic units with ``deterministic``) for the
        CP-SAT stages together.
    seed, workers, deterministic
        As in :func:`evocompose.solve`.
    language : {"en", "da"}
        Language of the reasons.

    Returns
    -------
    Result
        The repaired composition (it passes :func:`evocompose.check`) with
        ``result.repair`` listing every change and its reason. OPTIMAL means
        the best objective *among the repairs with the fewest changes* was
        proven. When no repair keeps every accepted person, the result
        releases the fewest and ``repair.released`` names them. Without any
        repair, the status is INFEASIBLE and ``result.diagnosis`` says why.

    Raises
    ------
    CompositionError
        ``previous``, ``declined`` or ``accepted`` name unknown people or
        networks, a declined or accepted person who is not a member, or a
        person both declining and accepting.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> base = evo.solve(p, time_limit=5).composition
    >>> gone = base.members["a"][0]
    >>> r = recompose(p, base, declined=[(gone, "a")], time_limit=5)
    >>> r.repair.forced, r.repair.changed, gone in r.composition.members["a"]
    (1, 0, False)
    """
    lang = check_language(language)
    started = now()
    _validate_base(problem, previous, "previous composition")
    declined = list(declined)
    accepted = list(accepted)
    unavailable = [str(u) for u in unavailable]
    for cid in unavailable:
        if cid not in problem.pool:
            raise CompositionError(
                "unavailable names a person who is not in the candidate pool",
                column="unavailable",
                value=cid,
            )
    everywhere = set(unavailable) | {d for d in declined if isinstance(d, str)}
    declined_pairs = _memberships(problem, previous, declined, "declined")
    accepted_pairs = _memberships(problem, previous, accepted, "accepted")
    both = set(declined_pairs) & set(accepted_pairs)
    both |= {(c, n) for c, n in accepted_pairs if c in everywhere}
    if both:
        cid, net = sorted(both)[0]
        raise CompositionError(
            "the same person both declined (or is unavailable) and accepted; keep one",
            network=net,
            column="accepted",
            value=cid,
        )
    forced: dict[tuple[str, str], Text] = {}
    for cid, net in declined_pairs:
        forced[(cid, net)] = text("declined", "har meldt fra")
    for cid in sorted(set(unavailable)):
        for net in previous.networks_of(cid):
            forced.setdefault((cid, net), text("unavailable", "er ikke til rådighed"))
    for (cid, net), why in list(forced.items()):
        if cid in problem.network(net).include:
            forced[(cid, net)] = text(
                pick(why, "en") + " (was pinned in; the pin is released)",
                pick(why, "da") + " (var sat fast; det frigives)",
            )
    pinned = _pinned_problem(problem, declined_pairs, everywhere)
    options = SolveOptions(
        time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic
    )
    from evocompose.solvers.cpsat.repair import solve_nearest  # deferred: loads ortools

    near = solve_nearest(pinned, previous, options, kept=accepted_pairs, uncounted=tuple(forced))
    result = near.result
    if result.composition is not None:
        rescored = Result.scored(
            problem,
            result.status,
            result.composition,
            bound=result.bound,
            bound_source=result.bound_source,
            runtime=result.runtime,
            seed=seed,
            workers=options.workers,
            deterministic=deterministic,
            solver=result.solver,
            stats=result.stats,
        )
        repair = _repair(
            problem,
            previous,
            result.composition,
            forced,
            near.released,
            near.changes or 0,
            near.changes_proven,
            near.released_proven,
            lang,
        )
        result = dataclasses.replace(rescored, repair=repair)
    else:
        found = diagnose_no_composition(
            pinned,
            result.status,
            time_limit=max(10.0, time_limit),
            check_time=min(5.0, time_limit),
            seed=seed,
            workers=workers,
            deterministic=deterministic,
            language=lang,
        )
        if found is not None:
            status = SolveStatus.INFEASIBLE if found.feasible is False else result.status
            result = dataclasses.replace(result, status=status, diagnosis=found)
    return attach_audit(
        problem,
        result,
        call="recompose",
        backend="cpsat",
        options=options,
        started=started,
        parameters={
            "previous": composition_data(previous),
            "declined": [list(d) if isinstance(d, tuple) else d for d in declined],
            "accepted": [list(a) if isinstance(a, tuple) else a for a in accepted],
            "unavailable": unavailable,
        },
    )


def replacements(
    problem: Problem,
    composition: Composition,
    network: str,
    person_id: str,
    k: int = 5,
    *,
    language: str = "en",
) -> pd.DataFrame:
    """Ranked one-for-one replacements of one member, each keeping every rule.

    Parameters
    ----------
    problem : Problem
    composition : Composition
    network : str
        The network the person leaves.
    person_id : str
        A member of ``network``.
    k : int
        How many replacements to list (the best first).
    language : {"en", "da"}

    Returns
    -------
    pandas.DataFrame
        One row per replacement, best first: ``candidate_id``, ``gain`` (the
        objective change against ``composition``), ``objective``, ``fills``
        (the quotas, skills and meeting slot the newcomer keeps, in plain
        words) and ``rules`` (their names). Empty when no one-for-one
        replacement keeps every rule (the network's slot stays as it is).

    Raises
    ------
    CompositionError
        Unknown network, or ``person_id`` is not a member of it.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]})
    >>> replacements(p, comp, "a", "p1")["candidate_id"].tolist()
    ['p5', 'p6']
    """
    lang = check_language(language)
    _validate_base(problem, composition, "composition")
    if network not in problem.network_names:
        raise CompositionError(
            f"unknown network; networks: {', '.join(problem.network_names)}",
            column="network",
            value=network,
        )
    if person_id not in composition.members.get(network, ()):
        raise CompositionError(
            "the person to replace is not a member of this network",
            network=network,
            column="candidate_id",
            value=person_id,
        )
    base = _objective(problem, composition)
    without = _without(composition, network, person_id)
    inside = set(composition.members.get(network, ()))
    rows = []
    for c in problem.pool:
        if c.id in inside or not problem.eligible(c.id, network):
            continue
        trial = _with(without, network, c.id)
        if check(problem, trial):
            continue
        kept = _kept_rules(problem, trial, network, c.id)
        fills = [pick(keeps(problem, v), lang) for v in kept if v.rule != "size"]
        value = _objective(problem, trial)
        rows.append(
            {
                "candidate_id": c.id,
                "gain": value - base,
                "objective": value,
                "fills": "; ".join(fills),
                "rules": ", ".join(dict.fromkeys(v.rule for v in kept if v.rule != "size")),
            }
        )
    frame = pd.DataFrame(rows, columns=["candidate_id", "gain", "objective", "fills", "rules"])
    if frame.empty:
        return frame
    frame = frame.sort_values(["gain", "candidate_id"], ascending=[False, True], kind="stable")
    return frame.head(k).reset_index(drop=True)
