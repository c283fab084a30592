"""Network by network: a fast, good start for the full CP-SAT model.

Networks interact only through a few coupling rules (capacity, which networks
may share members, required people, bridges, and the global ``spread``
term). One network alone is a small problem that CP-SAT solves well in a
second or less, whereas on the full model its search spreads over all
networks at once and its first solutions vary a lot from run to run. So:

* :func:`solve_sequential` places the networks one after another, each
  solved alone without the people the networks before it used up, which
  gives a feasible composition close to the per-network optima;
* :func:`improve_by_network` then re-optimises one network, or two together,
  at a time with the others fixed (block coordinate ascent), which repairs
  the choices the order forced.

:func:`evocompose.solvers.auto.solve_auto` hands the result to CP-SAT on the
full model as a solution hint.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from evocompose.check import check
from evocompose.composition import Composition
from evocompose.errors import EvocomposeError
from evocompose.objective import evaluate, weighted_total
from evocompose.result import Result, SolveStatus
from evocompose.solvers.contract import SolveOptions

from .solve import solve_cpsat

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["BlockSolve", "Value", "block_subproblem", "improve_by_network", "solve_sequential"]

#: Solves one block (a problem restricted to some networks): CP-SAT by default;
#: :func:`evocompose.renew` passes one that adds its renewal costs.
BlockSolve = Callable[["Problem", SolveOptions], Result]
#: The value a composition is judged by (the weighted objective by default).
Value = Callable[["Problem", Composition], float]


def _cpsat_block(problem: Problem, options: SolveOptions) -> Result:
    return solve_cpsat(problem, options, cuts=False)


def _objective(problem: Problem, composition: Composition) -> float:
    return weighted_total(problem, evaluate(problem, composition))


def block_subproblem(
    problem: Problem, networks: tuple[str, ...], members: dict[str, tuple[str, ...]]
) -> Problem:
    """The problem restricted to ``networks``, the other networks fixed at ``members``.

    Parameters
    ----------
    problem : Problem
    networks : tuple of str
        Names of the networks to keep (free).
    members : dict of str to tuple of str
        Current members of the other networks (entries of ``networks`` are
        ignored).

    Returns
    -------
    Problem
        Only ``networks``, without the candidates the other networks use up:
        a candidate whose capacity is reached is excluded altogether; one
        sitting in a network that may not share members with some of
        ``networks`` is excluded from those (``exclude`` of each network),
        and stays open to the others, e.g. a Vision member who also sits in
        Food may stay in Vision when Vision and Outdoor are re-optimised
        together. A candidate open to none of ``networks``, or who could
        join more of them at once (networks that may share members) than
        they have places left, is excluded from all of them (the block
        cannot count their capacity; this only restricts). Rules among
        ``networks`` themselves (capacity, sharing, a bridge between them)
        are kept; ``required`` and ``assign_all`` are dropped, and bridges
        to the other networks are not seen: check the combined composition.

    Raises
    ------
    EvocomposeError
        When the restricted problem does not validate (e.g. a pin on a
        candidate who is used up).
    """
    keep = set(networks)
    used: dict[str, list[str]] = {}
    for name, ids in members.items():
        if name in keep:
            continue
        for cid in ids:
            used.setdefault(cid, []).append(name)
    gone: set[str] = set()
    closed: dict[str, set[str]] = {g: set() for g in networks}
    for cid, nets in used.items():
        left = problem.capacity(cid) - len(nets)
        shut = [g for g in networks if any(not problem.may_share(n, g) for n in nets)]
        open_to = [g for g in networks if g not in shut]
        if left <= 0 or not open_to or _most_at_once(problem, open_to) > left:
            gone.add(cid)
        else:
            for g in shut:
                closed[g].add(cid)
    specs = tuple(
        dataclasses.replace(s, exclude=tuple(sorted(set(s.exclude) | closed[s.name])))
        if closed[s.name]
        else s
        for s in problem.networks
        if s.name in keep
    )
    return problem.replace(
        networks=specs,
        share_members=tuple(p for p in problem.share_members if set(p) <= keep),
        required=(),
        assign_all=False,
        excluded=tuple(sorted(set(problem.excluded) | gone)),
    )


def _most_at_once(problem: Problem, names: list[str]) -> int:
    """How many of ``names`` one candidate can join at once: the largest set that may all share members."""
    if len(names) > 12:  # blocks are one to three networks; beyond, count them all
        return len(names)
    for k in range(len(names), 1, -1):
        for group in itertools.combinations(names, k):
            if all(problem.may_share(a, b) for a, b in itertools.combinations(group, 2)):
                return k
    return 1


def solve_sequential(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = False,
    solve_block: BlockSolve | None = None,
) -> Composition | None:
    """A start built one network at a time, each solved alone with CP-SAT.

    Networks without a bridge rule come first (in their order), then those
    with one. Each step solves one network's subproblem (small and fast)
    without the people the networks already placed have used up (capacity
    reached, or sitting in a network it may not share members with), so
    capacity and sharing hold by construction; the rules that only the full
    problem sees (bridges, ``required``, ``assign_all``) are checked at the
    end with :func:`evocompose.check.check`; when one breaks, the networks
    with a bridge rule (or the last network) are solved once more on the
    full problem with every other network pinned (``include`` its members,
    size fixed), which enforces them.

    Parameters
    ----------
    problem : Problem
    time_limit : float
        Total budget, split evenly over the steps (time a step does not use
        goes to the next ones; each step gets at least a quarter of its even
        share, and a step that found nothing gets a second try, so the
        budget may be exceeded a little).
    seed : int
        Passed to CP-SAT (a second try uses ``seed + 1``).
    workers : int
        Workers of a second try (after a first one without any solution).
        A first try runs one worker: on one
        network its LP-guided dive was the most reliable (measured on Stevns
        seeds 0-2, loaded 2-core machine: the sequential start reached
        1,681 / 1,696 / 1,680 with one worker against 1,680 / 1,692 / 1,679
        with two, whose first solutions more often came from a poor
        feasibility-jump solution under short budgets).
    deterministic : bool
        Count the budget in CP-SAT deterministic time (reproducible).
    solve_block : callable, optional
        ``(problem, options) -> Result`` solving one step (default: CP-SAT
        without cuts).

    Returns
    -------
    Composition or None
        A feasible composition, or ``None`` when a step found nothing or
        the result breaks a coupling rule.
    """
    run = solve_block or _cpsat_block
    start = time.perf_counter()
    specs = list(problem.networks)
    order = [s for s in specs if s.bridge is None] + [s for s in specs if s.bridge is not None]
    members: dict[str, tuple[str, ...]] = {}
    slots: dict[str, str | None] = {}
    spent = 0.0
    for k, spec in enumerate(order):
        used = spent if deterministic else time.perf_counter() - start
        # a step that overran its budget does not starve the last ones
        floor = 0.25 * time_limit / len(order)
        budget = max(floor, (time_limit - used) / (len(order) - k))
        try:
            step = block_subproblem(problem, (spec.name,), members)
        except EvocomposeError:
            return None
        r = run(
            step,
            SolveOptions(time_limit=budget, seed=seed, workers=1, deterministic=deterministic),
        )
        spent += budget
        if r.composition is None and r.status is not SolveStatus.INFEASIBLE:
            # one worker has no feasibility-jump first solution: a second
            # try with ``workers`` (over the budget; later phases adapt)
            spent += budget
            r = run(
                step,
                SolveOptions(
                    time_limit=budget, seed=seed + 1, workers=workers, deterministic=deterministic
                ),
            )
        if r.composition is None:
            return None
        members[spec.name] = tuple(r.composition.members.get(spec.name, ()))
        if spec.name in r.composition.slots:
            slots[spec.name] = r.composition.slots[spec.name]
    comp = Composition({s.name: members[s.name] for s in specs}, slots)
    if not check(problem, comp):
        return comp
    # a rule the one-network steps do not see broke (typically a bridge):
    # solve the networks with a bridge rule (or, without any, the last one)
    # on the full problem, the others pinned
    free = {s.name for s in specs if s.bridge is not None} or {order[-1].name}
    try:
        pinned = problem.replace(
            networks=tuple(
                s
                if s.name in free
                else dataclasses.replace(
                    s,
                    include=tuple(sorted(set(s.include) | set(members[s.name]))),
                    min_size=len(members[s.name]),
                    max_size=len(members[s.name]),
                )
                for s in specs
            )
        )
    except EvocomposeError:
        return None
    r = run(
        pinned,
        SolveOptions(
            time_limit=time_limit / len(order),
            seed=seed,
            workers=workers,
            deterministic=deterministic,
        ),
    )
    if r.composition is None or check(problem, r.composition):
        return None
    return r.composition


def improve_by_network(
    problem: Problem,
    composition: Composition,
    *,
    time_limit: float,
    seed: int = 0,
    workers: int = 2,
    step_limit: float = 1.0,
    deterministic: bool = False,
    solve_block: BlockSolve | None = None,
    value_of: Value | None = None,
) -> Composition:
    """Re-optimise one network at a time, the others fixed (block coordinate ascent).

    Each step solves one network's subproblem without the people the other
    networks use up (see :func:`solve_sequential`), with its current members
    as hint, and keeps the result when the whole composition passes
    :func:`evocompose.check.check` and its objective improves. Rounds over
    the networks until a round improves nothing or the time is up.

    Parameters
    ----------
    problem : Problem
    composition : Composition
        A feasible composition.
    time_limit : float
        Total budget.
    seed, workers : int
        Passed to CP-SAT.
    step_limit : float
        Budget of one step.
    deterministic : bool
        Count budgets in CP-SAT deterministic time (reproducible).
    solve_block : callable, optional
        ``(problem, options) -> Result`` solving one block (default: CP-SAT).
    value_of : callable, optional
        ``(problem, composition) -> float``: what a step must improve
        (default: the weighted objective).

    Returns
    -------
    Composition
        The best composition found (``composition`` when nothing improved).
    """
    run = solve_block or solve_cpsat
    judge = value_of or _objective
    start = time.perf_counter()
    spent = 0.0
    best = composition
    value = judge(problem, best)
    names = problem.network_names
    singles: list[tuple[str, ...]] = [(n,) for n in names]
    pairs: list[tuple[str, ...]] = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    blocks = singles + pairs
    stale = 0
    k = 0
    while stale < len(blocks):
        left = time_limit - (spent if deterministic else time.perf_counter() - start)
        budget = min(step_limit, left)
        if budget <= 0.05:
            break
        block = blocks[k % len(blocks)]
        k += 1
        stale += 1
        members = {n: tuple(best.members.get(n, ())) for n in names}
        try:
            step = block_subproblem(problem, block, members)
        except EvocomposeError:
            continue
        hint = Composition({n: members[n] for n in block}, {n: best.slots.get(n) for n in block})
        r = run(
            step,
            SolveOptions(
                time_limit=budget,
                seed=seed,
                workers=workers,
                hint=hint,
                deterministic=deterministic,
            ),
        )
        spent += budget
        if r.composition is None:
            continue
        slots = dict(best.slots)
        for name in block:
            members[name] = tuple(r.composition.members.get(name, ()))
            if name in r.composition.slots:
                slots[name] = r.composition.slots[name]
        cand = Composition(members, slots)
        new = judge(problem, cand)
        if new > value + 1e-9 and not check(problem, cand):
            best, value, stale = cand, new, 0
    return best
