"""The CP-SAT model with every stated rule guarded by an assumption literal.

:func:`build_guarded_model` builds the variables of every (candidate,
network) pair (capacity 0 aside), states every rule of the problem with the
same builders as :func:`~evocompose.solvers.cpsat.rules.build_model`, and then
guards each constraint with the enforcement literal of the rule it belongs
to: one literal per :class:`~evocompose.diagnosis.RuleRef` (the second quota
minimum of *food*, the pin of one person, one conflict pair, the meeting rule
of *food*, ...). The constraint names ``rule[network][detail]`` say which
rule a constraint belongs to. The domain rules (``eligibility``,
``excluded``), which :func:`build_model` states by leaving variables out,
become constraints ``x[i, g] = 0`` here, so that they can be guarded too.

:func:`solve_assuming` solves with some rules assumed (the others dropped)
and, when that is infeasible, returns the rules of CP-SAT's core
(``sufficient_assumptions_for_infeasibility``). :func:`find_feasible` looks
for any composition of a problem, without objective.

Used by :func:`evocompose.diagnose`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from evocompose.composition import Composition
from evocompose.diagnosis import RuleRef
from evocompose.errors import SolverError
from evocompose.result import SolveStatus
from evocompose.solvers.contract import SolveOptions
from evocompose.solvers.stopping import cpsat_watch

from .model import BuildOutOfTime, CpsatModel, IntVar, deterministic_wall
from .rules import BUILD_ORDER, RULES, build_model

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["GuardedModel", "Outcome", "build_guarded_model", "find_feasible", "solve_assuming"]

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.FEASIBLE,  # no objective: any solution is "optimal"
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
}


@dataclass
class GuardedModel:
    """A CP-SAT model whose rules can be switched on and off by assumptions.

    Attributes
    ----------
    cp : CpsatModel
        The model (every candidate with capacity >= 1 has a variable in every
        network).
    literal : dict of RuleRef to BoolVar
        The enforcement literal of each stated rule.
    """

    cp: CpsatModel
    literal: dict[RuleRef, IntVar] = field(default_factory=dict)

    @property
    def refs(self) -> tuple[RuleRef, ...]:
        """Every stated rule, in the order the model states them."""
        return tuple(self.literal)


@dataclass(frozen=True)
class Outcome:
    """What a solve with assumptions found.

    Attributes
    ----------
    status : SolveStatus
        FEASIBLE, INFEASIBLE or UNKNOWN (out of time).
    core : tuple of RuleRef
        With INFEASIBLE, assumed rules that are infeasible together (a
        subset of those assumed; not necessarily minimal).
    composition : Composition or None
        With FEASIBLE, a composition keeping the assumed rules.
    seconds : float
    """

    status: SolveStatus
    core: tuple[RuleRef, ...] = ()
    composition: Composition | None = None
    seconds: float = 0.0


def _variables(m: CpsatModel) -> None:
    """``x[i, g]`` for every candidate with capacity >= 1; sizes without hidden bounds."""
    problem = m.problem
    ids = problem.pool.ids
    people = [i for i, cid in enumerate(ids) if problem.capacity(cid) >= 1]
    for g, spec in enumerate(problem.networks):
        m.eligible.append(list(people))
        for i in people:
            m.x[i, g] = m.model.new_bool_var(f"x[{ids[i]}][{spec.name}]")
        m.size_bounds.append((0, len(people)))  # lo 0: every network gets its nonempty flag
        m.size.append(m.model.new_int_var(0, len(people), f"size[{spec.name}]"))
        if spec.meeting is not None:
            allowed = tuple(spec.meeting.slots) or problem.pool.slots
            m.slots.append(allowed)
            for t, slot in enumerate(allowed):
                m.s[g, t] = m.model.new_bool_var(f"s[{spec.name}][{slot}]")
        else:
            m.slots.append(())
    index = {cid: i for i, cid in enumerate(ids)}
    for cid in ids:
        m.neighbours.append(sorted(index[nb] for nb in problem.ties.neighbors(cid) if nb in index))


class _Names:
    """Which stated rule a constraint name belongs to (``rule[network][detail]``)."""

    def __init__(self, problem: Problem) -> None:
        exact: dict[str, RuleRef] = {}
        prefixes: list[tuple[str, RuleRef | None]] = [("nonempty[", None)]
        names = problem.network_names
        for spec in problem.networks:
            n = spec.name
            exact[f"size[{n}][min {spec.min_size}]"] = RuleRef("size", n, None, "min")
            exact[f"size[{n}][max {spec.max_size}]"] = RuleRef("size", n, None, "max")
            prefixes.append((f"size[{n}][link]", None))
            for k, q in enumerate(spec.quotas):
                label = f"quota[{n}][{q.describe()}]"
                exact.setdefault(label + "[min]", RuleRef("quota", n, k, "min"))
                exact.setdefault(label + "[max]", RuleRef("quota", n, k, "max"))
            for k, s in enumerate(spec.skills):
                exact.setdefault(f"skill[{n}][{s.skill} >= {s.min}]", RuleRef("skill", n, k))
            for cid in spec.include:
                exact[f"include[{n}][{cid}]"] = RuleRef("include", n, cid)
            for a, b in problem.conflicts:
                exact[f"conflict[{n}][{a}|{b}]"] = RuleRef("conflict", None, (a, b))
            for a, b in problem.must_pairs:
                exact[f"must_pair[{n}][{a}|{b}]"] = RuleRef("must_pair", None, (a, b))
            for other in names:
                if other != n:
                    exact[f"bridge[{n}][{other}]"] = RuleRef("bridge", n, other)
            prefixes.append((f"meeting[{n}][", RuleRef("meeting", n)))
            prefixes.append((f"cohesion[{n}][", RuleRef("cohesion", n)))
            for limit in spec.max_per:
                prefixes.append(
                    (f"max_per[{n}][{limit.field}=", RuleRef("max_per", n, limit.field))
                )
        for cid in problem.required:
            exact[f"required[{cid}]"] = RuleRef("required", None, cid)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                prefixes.append((f"sharing[{a}|{b}][", RuleRef("sharing", None, (a, b))))
        prefixes += [("capacity[", RuleRef("capacity")), ("assign_all[", RuleRef("assign_all"))]
        prefixes.sort(key=lambda p: -len(p[0]))
        self.exact = exact
        self.prefixes = prefixes

    def ref(self, name: str) -> RuleRef | None:
        """The rule of a constraint name; ``None`` for a definition (a count, a flag)."""
        found = self.exact.get(name)
        if found is not None:
            return found
        for prefix, ref in self.prefixes:
            if name.startswith(prefix):
                return ref
        raise SolverError(
            "a CP-SAT constraint name belongs to no stated rule; name constraints "
            "rule[network][detail] (see solvers/cpsat/rules.py)",
            value=name,
        )


def build_guarded_model(problem: Problem) -> GuardedModel:
    """Every stated rule of ``problem``, each guarded by its own literal (module docstring).

    Examples
    --------
    >>> import evocompose as evo
    >>> gm = build_guarded_model(evo.datasets.tiny())
    >>> [r.label for r in gm.refs]
    ['size[a][min]', 'size[a][max]', 'size[b][min]', 'size[b][max]', 'capacity']
    """
    m = CpsatModel(problem, cp_model.CpModel(), cuts=False)
    _variables(m)
    used = set(problem.active_rules())
    groups: dict[RuleRef, list[int]] = {}
    proto = m.model.proto

    def own(ref: RuleRef, ct: cp_model.Constraint) -> None:
        groups.setdefault(ref, []).append(ct.index)

    eligible = problem.capable_table()
    everywhere = frozenset(problem.excluded)
    for g, spec in enumerate(problem.networks):
        here = frozenset(spec.exclude)
        for i in m.eligible[g]:
            c = problem.pool.candidates[i]
            if "eligibility" in used and not eligible[i, g]:
                own(RuleRef("eligibility", spec.name), m.model.add(m.x[i, g] == 0))
            if "excluded" in used:
                if c.id in here:
                    own(RuleRef("excluded", spec.name, c.id), m.model.add(m.x[i, g] == 0))
                if c.id in everywhere:
                    own(RuleRef("excluded", None, c.id), m.model.add(m.x[i, g] == 0))
    names = _Names(problem)
    for rule in BUILD_ORDER:
        build = RULES[rule].build
        if rule not in used or build is None:
            continue
        first = len(proto.constraints)
        build(m)
        for k in range(first, len(proto.constraints)):
            name = proto.constraints[k].name
            if not name:
                continue  # a definition (bridge reach, pair flags)
            ref = names.ref(name)
            if ref is not None:
                groups.setdefault(ref, []).append(k)
    gm = GuardedModel(m)
    for ref, indices in groups.items():
        lit = m.model.new_bool_var(f"assume[{ref.label}]")
        gm.literal[ref] = lit
        for k in indices:
            proto.constraints[k].enforcement_literal.append(lit.index)
    return gm


def _solver(time_limit: float, seed: int, workers: int, deterministic: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    if deterministic:
        p.max_deterministic_time = max(0.01, float(time_limit))
        p.max_time_in_seconds = deterministic_wall(time_limit)
        p.interleave_search = True
    else:
        p.max_time_in_seconds = max(0.01, float(time_limit))
    p.num_workers = int(workers)
    p.random_seed = int(seed)
    # the LP of every constraint proves count conflicts (quotas, shares,
    # quorums) in a fraction of a second where the default level searched in
    # vain for the whole budget (a Stevns conflict of 8 rules: 0.3 s against
    # more than 15 s)
    p.linearization_level = 2
    return solver


def solve_assuming(
    gm: GuardedModel,
    assumed: Iterable[RuleRef],
    options: SolveOptions,
) -> Outcome:
    """Solve with the rules in ``assumed`` enforced and every other stated rule dropped.

    Parameters
    ----------
    gm : GuardedModel
    assumed : iterable of RuleRef
    options : SolveOptions
        Time limit (seconds, or deterministic units), seed, workers.

    Returns
    -------
    Outcome
        With INFEASIBLE, ``core`` is CP-SAT's sufficient subset of ``assumed``.
    """
    start = time.perf_counter()
    chosen = [r for r in dict.fromkeys(assumed) if r in gm.literal]
    model = gm.cp.model
    model.clear_assumptions()
    model.add_assumptions([gm.literal[r] for r in chosen])
    solver = _solver(options.time_limit, options.seed, options.workers, options.deterministic)
    with cpsat_watch(solver):
        code = solver.solve(model)
    model.clear_assumptions()
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    seconds = time.perf_counter() - start
    if status is SolveStatus.INFEASIBLE:
        by_index = {gm.literal[r].index: r for r in chosen}
        core = tuple(
            by_index[k] for k in solver.sufficient_assumptions_for_infeasibility() if k in by_index
        )
        return Outcome(status, core or tuple(chosen), None, seconds)
    if status is SolveStatus.FEASIBLE:
        return Outcome(status, (), gm.cp.composition(solver), seconds)
    return Outcome(status, (), None, seconds)


def find_feasible(problem: Problem, options: SolveOptions) -> Outcome:
    """Any composition of ``problem`` (no objective), or a proof that none exists.

    Builds the ordinary model (:func:`~evocompose.solvers.cpsat.rules.build_model`)
    without objective terms; CP-SAT then stops at the first composition. A
    model that cannot be built within 80 % of the time limit gives UNKNOWN.
    """
    start = time.perf_counter()
    deadline = None if options.deterministic else start + 0.8 * options.time_limit
    try:
        m = build_model(problem, cuts=False, deadline=deadline)
    except BuildOutOfTime:  # too large to even build in the time given: no answer
        return Outcome(SolveStatus.UNKNOWN, (), None, time.perf_counter() - start)
    solver = _solver(options.time_limit, options.seed, options.workers, options.deterministic)
    with cpsat_watch(solver):
        code = solver.solve(m.model)
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    comp = m.composition(solver) if status is SolveStatus.FEASIBLE else None
    return Outcome(status, (), comp, time.perf_counter() - start)


def refs_of(gm: GuardedModel, rules: Sequence[str]) -> tuple[RuleRef, ...]:
    """The stated rules of ``gm`` whose rule name is in ``rules``."""
    return tuple(r for r in gm.refs if r.rule in rules)
