"""Explanations: why each member is in, and why a given person is not.

:func:`explain` gives, per member of a composition,

* the rules they help keep: the quotas and required skills they count
  toward, the meeting slot they are free in, a bridge they make, a pin, a
  must-pair partner — each marked *critical* when taking them out alone
  breaks the rule (checked with :func:`evocompose.check`);
* their contribution to each objective term (the composition's value minus
  its value without them);
* the objective lost if they were replaced by the best one-for-one
  alternative that keeps every rule, and who that is.

:meth:`Explanation.why_not` answers for a person who is not in a network:
the rules their arrival would break, network by network (not free at the
chosen slot, relevance below the minimum, capacity used, a conflict, the
organisation cap, ...), or, when no rule keeps them out, what the best
composition that includes them costs (a short CP-SAT solve with them
required, started from the best one-for-one swap).

Every rule reason comes from :func:`evocompose.check` or from the rule's own
definition, so each can be re-checked; every cost is an objective difference
that a re-solve reproduces. Texts use ids, never names (``to_frame`` adds
names unless ``pseudonymise``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from evocompose.check import Violation, check
from evocompose.composition import Composition
from evocompose.errors import CompositionError
from evocompose.language import Text, check_language, number, pick, text
from evocompose.objective import TERMS, breakdown, evaluate, weighted_total
from evocompose.solvers.contract import SolveOptions
from evocompose.wording import blocks, keeps, members, quota_what, title

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["Explanation", "MemberReason", "RuleReason", "WhyNot", "explain"]


@dataclass(frozen=True)
class RuleReason:
    """A rule a member helps keep.

    Attributes
    ----------
    rule : str
        A rule name of :mod:`evocompose.vocabulary`.
    network : str
    says : Text
        In plain words, with the numbers.
    critical : bool
        Taking the member out alone breaks the rule (re-checked with
        :func:`evocompose.check`).
    detail : mapping
        The numbers (``count``, ``min``, ``slot``, ...).
    """

    rule: str
    network: str
    says: Text
    critical: bool = False
    detail: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "says", MappingProxyType(dict(self.says)))
        object.__setattr__(self, "detail", MappingProxyType(dict(self.detail)))

    def __hash__(self) -> int:
        return hash((self.rule, self.network, self.critical))


@dataclass(frozen=True)
class MemberReason:
    """Why one member is in one network.

    Attributes
    ----------
    person, network : str
    rules : tuple of RuleReason
        The rules they help keep.
    terms : mapping of str to float
        Their weighted contribution to each objective term (the
        composition's value minus its value without them).
    contribution : float
        The sum of ``terms``.
    best_replacement : str or None
        The best one-for-one replacement keeping every rule (``None``: none
        keeps every rule).
    replacement_loss : float or None
        The objective lost if ``best_replacement`` took their place.
    """

    person: str
    network: str
    rules: tuple[RuleReason, ...]
    terms: Mapping[str, float]
    contribution: float
    best_replacement: str | None
    replacement_loss: float | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", MappingProxyType(dict(self.terms)))

    def __hash__(self) -> int:
        return hash((self.person, self.network))

    @property
    def reasons(self) -> int:
        """How many reasons are given (rules, terms with a contribution, the replacement)."""
        terms = sum(1 for v in self.terms.values() if abs(v) > 1e-9)
        return len(self.rules) + terms + (self.replacement_loss is not None)

    def text(self, language: str = "en") -> str:
        """One paragraph."""
        lang = check_language(language)
        critical = [pick(r.says, lang) for r in self.rules if r.critical]
        other = [pick(r.says, lang) for r in self.rules if not r.critical]
        parts: list[str] = []
        if critical:
            lead = "needed: " if lang == "en" else "nødvendig: "
            parts.append(lead + "; ".join(critical))
        if other:
            lead = "counts toward: " if lang == "en" else "tæller med: "
            parts.append(lead + "; ".join(other))
        top = sorted(
            ((t, v) for t, v in self.terms.items() if abs(v) > 1e-9), key=lambda kv: -abs(kv[1])
        )[:3]
        if top:
            terms = ", ".join(f"{t} {number(v, lang)}" for t, v in top)
            lead = "adds to the objective " if lang == "en" else "bidrager til målværdien "
            parts.append(f"{lead}{number(self.contribution, lang)} ({terms})")
        if self.best_replacement is None:
            parts.append(
                "no one-for-one replacement keeps every rule"
                if lang == "en"
                else "ingen kan erstatte personen én for én uden at bryde en regel"
            )
        else:
            loss = number(self.replacement_loss or 0.0, lang)
            parts.append(
                f"the best replacement, {self.best_replacement}, would cost {loss}"
                if lang == "en"
                else f"den bedste afløser, {self.best_replacement}, ville koste {loss}"
            )
        return f"{self.person}: " + "; ".join(parts)


@dataclass(frozen=True)
class WhyNot:
    """Why a person is not in (more) networks.

    Attributes
    ----------
    person : str
    member_of : tuple of str
        The networks they already sit in.
    blocked : mapping of str to tuple of Text
        Per network they are not in: the rules their arrival would break
        (empty tuple: no rule keeps them out of that network; it is full,
        or a swap is possible).
    rules : mapping of str to tuple of str
        The same, as rule names.
    cost : float or None
        When some network has no rule keeping them out: the objective of the
        composition minus that of the best composition found that includes
        them (negative when that one is even better).
    placed_in : str or None
        Where that composition seats them.
    composition : Composition or None
        That composition.
    status : str
        The status of the solve behind ``cost`` (``"SWAP"`` when the best
        one-for-one swap was not beaten or no solve ran).
    """

    person: str
    member_of: tuple[str, ...]
    blocked: Mapping[str, tuple[Text, ...]]
    rules: Mapping[str, tuple[str, ...]]
    cost: float | None = None
    placed_in: str | None = None
    composition: Composition | None = field(default=None, compare=False, repr=False)
    status: str = ""
    language: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocked", MappingProxyType(dict(self.blocked)))
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))

    def __hash__(self) -> int:
        return hash((self.person, self.cost))

    @property
    def has_reason(self) -> bool:
        """A rule keeps them out of every network, or a cost was found."""
        return self.cost is not None or (
            bool(self.blocked) and all(self.blocked[n] for n in self.blocked)
        )

    def text(self, language: str | None = None) -> str:
        """The answer in plain words."""
        lang = check_language(language or self.language)
        lines: list[str] = []
        if self.member_of:
            where = ", ".join(self.member_of)
            lines.append(
                f"{self.person} already sits in {where}."
                if lang == "en"
                else f"{self.person} sidder allerede i {where}."
            )
        for net, reasons in self.blocked.items():
            if reasons:
                lines.append(f"{net}: " + "; ".join(pick(r, lang) for r in reasons) + ".")
        if self.cost is not None:
            where = self.placed_in or "?"
            if self.cost >= 0:
                lines.append(
                    f"No rule keeps {self.person} out of {where}; the best composition found "
                    f"with them there scores {number(self.cost, lang)} less."
                    if lang == "en"
                    else f"Ingen regel holder {self.person} ude af {where}; den bedste "
                    f"sammensætning fundet med personen scorer {number(self.cost, lang)} mindre."
                )
            else:
                lines.append(
                    f"No rule keeps {self.person} out of {where}; a composition with them there "
                    f"even scores {number(-self.cost, lang)} more than the one given."
                    if lang == "en"
                    else f"Ingen regel holder {self.person} ude af {where}; en sammensætning med "
                    f"personen scorer endda {number(-self.cost, lang)} mere end den givne."
                )
        elif not self.has_reason:
            lines.append(
                "No rule keeps them out, and no composition with them was found in the time given."
                if lang == "en"
                else "Ingen regel holder personen ude, men ingen sammensætning med personen blev "
                "fundet i den givne tid."
            )
        return " ".join(lines)

    def __str__(self) -> str:
        return self.text()


def _objective(problem: Problem, comp: Composition) -> float:
    return weighted_total(problem, evaluate(problem, comp))


def _without(comp: Composition, network: str, person: str) -> Composition:
    return Composition(
        {
            n: [c for c in ids if not (n == network and c == person)]
            for n, ids in comp.members.items()
        },
        comp.slots,
    )


def _with(comp: Composition, network: str, person: str) -> Composition:
    members_ = {n: list(ids) for n, ids in comp.members.items()}
    members_.setdefault(network, []).append(person)
    return Composition(members_, comp.slots)


def _new(before: list[Violation], after: list[Violation]) -> list[Violation]:
    seen = set(before)
    return [v for v in after if v not in seen]


def _counts_toward(
    problem: Problem, comp: Composition, network: str, person: str, critical: set[tuple[str, Any]]
) -> list[RuleReason]:
    """The quotas, skills, slot and size a member counts toward (true by definition)."""
    spec = problem.network(network)
    c = problem.pool[person]
    inside = [problem.pool[m] for m in comp.members.get(network, ())]
    size = len(inside)
    out: list[RuleReason] = []
    for q in spec.quotas:
        values = set(q.values)
        if c.attribute(q.field) not in values:
            continue
        count = sum(1 for m in inside if m.attribute(q.field) in values)
        lo, hi = q.count_bounds(size)
        if q.min is None:
            continue
        key = ("quota", (q.field, tuple(q.values)))
        out.append(
            RuleReason(
                "quota",
                network,
                text(
                    f"one of {count} members {quota_what(q, 'en')} in {title(problem, network)} "
                    f"(at least {lo})",
                    f"en af {count} {quota_what(q, 'da')} i {title(problem, network)} "
                    f"(mindst {lo})",
                ),
                key in critical,
                {"field": q.field, "values": q.values, "count": count, "min": lo, "max": hi},
            )
        )
    for s in spec.skills:
        if s.skill not in c.skills:
            continue
        count = sum(1 for m in inside if s.skill in m.skills)
        skill = s.skill.replace("_", " ")
        out.append(
            RuleReason(
                "skill",
                network,
                text(
                    f"one of {count} holders of the skill {skill} (at least {s.min})",
                    f"en af {count} med kompetencen {skill} (mindst {s.min})",
                ),
                ("skill", s.skill) in critical,
                {"skill": s.skill, "count": count, "min": s.min},
            )
        )
    slot = comp.slots.get(network)
    if spec.meeting is not None and slot is not None and slot in c.availability:
        free = sum(1 for m in inside if slot in m.availability)
        need = spec.meeting.required_available(size)
        out.append(
            RuleReason(
                "meeting",
                network,
                text(
                    f"free at {slot}, when {title(problem, network)} meets ({free} of {size} "
                    f"free, {need} needed)",
                    f"kan {slot}, når {title(problem, network)} mødes ({free} af {size} kan, "
                    f"{need} kræves)",
                ),
                ("meeting", None) in critical,
                {"slot": slot, "available": free, "required": need, "size": size},
            )
        )
    out.append(
        RuleReason(
            "size",
            network,
            text(
                f"one of {members(size, 'en')} of {title(problem, network)} "
                f"(at least {spec.min_size})",
                f"ét af {members(size, 'da')} i {title(problem, network)} (mindst {spec.min_size})",
            ),
            ("size", None) in critical,
            {"size": size, "min_size": spec.min_size},
        )
    )
    return out


def _critical_key(v: Violation) -> tuple[str, Any]:
    if v.rule == "quota":
        return ("quota", (v.detail.get("field"), tuple(v.detail.get("values", ()))))
    if v.rule == "skill":
        return ("skill", v.detail.get("skill"))
    if v.rule in ("meeting", "size"):
        return (v.rule, None)
    return (v.rule, v.network)


def _best_swap(
    problem: Problem, comp: Composition, network: str, person: str
) -> tuple[str | None, float | None, Composition | None]:
    """The best one-for-one replacement of ``person`` in ``network`` keeping every rule."""
    base = _objective(problem, comp)
    without = _without(comp, network, person)
    inside = set(comp.members.get(network, ()))
    best: tuple[float, str, Composition] | None = None
    for c in problem.pool:
        if c.id in inside or not problem.eligible(c.id, network):
            continue
        if len(comp.networks_of(c.id)) >= problem.capacity(c.id):
            continue
        trial = _with(without, network, c.id)
        if check(problem, trial):
            continue
        value = _objective(problem, trial)
        if best is None or value > best[0] + 1e-9:
            best = (value, c.id, trial)
    if best is None:
        return None, None, None
    return best[1], base - best[0], best[2]


def _member_reason(
    problem: Problem,
    comp: Composition,
    base_violations: list[Violation],
    network: str,
    person: str,
    replacement: bool,
) -> MemberReason:
    without = _without(comp, network, person)
    broken = _new(base_violations, check(problem, without))
    critical = {_critical_key(v) for v in broken}
    rules = _counts_toward(problem, comp, network, person, critical)
    covered = {"quota", "skill", "meeting", "size"}
    for v in broken:
        if v.rule not in covered:
            rules.append(RuleReason(v.rule, network, keeps(problem, v), True, dict(v.detail)))
    _, _, weighted_all = breakdown(problem, comp)
    _, _, weighted_without = breakdown(problem, without)
    terms = {t: weighted_all[t] - weighted_without[t] for t in TERMS}
    best, loss = (None, None)
    if replacement:
        best, loss, _ = _best_swap(problem, comp, network, person)
    return MemberReason(
        person,
        network,
        tuple(rules),
        terms,
        sum(terms.values()),
        best,
        loss,
    )


class Explanation:
    """Why each member is in, and (on demand) why others are not.

    Build with :func:`explain`. ``members`` holds one
    :class:`MemberReason` per membership; :meth:`why_not` answers for any
    person.
    """

    def __init__(
        self,
        problem: Problem,
        composition: Composition,
        members_: tuple[MemberReason, ...],
        language: str = "en",
    ) -> None:
        self.problem = problem
        self.composition = composition
        self.members = members_
        self.language = check_language(language)
        self._why: dict[tuple[str, float, int, int, bool], WhyNot] = {}

    def __repr__(self) -> str:
        return f"Explanation({len(self.members)} memberships, {len(self._why)} asked about)"

    def member(self, person: str, network: str | None = None) -> MemberReason:
        """The reason of one membership (``network`` needed when the person sits in several)."""
        found = [m for m in self.members if m.person == person and network in (None, m.network)]
        if not found:
            raise CompositionError(
                "this person is not a member (of that network); ask why_not instead",
                network=network,
                column="candidate_id",
                value=person,
            )
        return found[0]

    def why_not(
        self,
        person_id: str,
        *,
        time_limit: float = 3.0,
        seed: int = 0,
        workers: int = 2,
        deterministic: bool = False,
    ) -> WhyNot:
        """Why ``person_id`` is not in (more) networks.

        Per network they are not in, the rules their arrival would break
        (re-checked with :func:`evocompose.check`). When some network has no
        rule keeping them out, the cost of the best composition found that
        includes them: CP-SAT with them required, for ``time_limit``
        (``0``: only the best one-for-one swap), started from that swap.
        Answers are cached per person and parameters.
        """
        key = (person_id, float(time_limit), seed, workers, deterministic)
        if key in self._why:
            return self._why[key]
        problem, comp = self.problem, self.composition
        if person_id not in problem.pool:
            raise CompositionError(
                "this person is not in the candidate pool", column="candidate_id", value=person_id
            )
        base_violations = check(problem, comp)
        base_value = _objective(problem, comp)
        blocked: dict[str, tuple[Text, ...]] = {}
        rules: dict[str, tuple[str, ...]] = {}
        member_of = comp.networks_of(person_id)
        open_nets: list[str] = []
        best: tuple[float, str, Composition] | None = None
        for net in problem.network_names:
            if net in member_of:
                continue
            added = _with(comp, net, person_id)
            broken = _new(base_violations, check(problem, added))
            new = [v for v in broken if v.rule != "size"]
            mine = [
                v for v in new if person_id in v.people or v.rule in ("eligibility", "excluded")
            ]
            if mine:
                blocked[net] = tuple(blocks(problem, v, person_id) for v in mine)
                rules[net] = tuple(dict.fromkeys(v.rule for v in mine))
                continue
            blocked[net] = ()
            rules[net] = ()
            open_nets.append(net)
            if not broken:  # a full network only takes them in a swap
                value = _objective(problem, added)
                if best is None or value > best[0]:
                    best = (value, net, added)
            for m in comp.members.get(net, ()):
                trial = _without(added, net, m)
                if not _new(base_violations, check(problem, trial)):
                    value = _objective(problem, trial)
                    if best is None or value > best[0]:
                        best = (value, net, trial)
        cost: float | None = None
        placed: str | None = None
        found: Composition | None = None
        status = ""
        if best is not None:
            cost, placed, found, status = base_value - best[0], best[1], best[2], "SWAP"
        if open_nets and time_limit > 0:
            from evocompose.solvers.cpsat.solve import solve_cpsat  # deferred: loads ortools

            required = problem.replace(
                required=tuple(dict.fromkeys((*problem.required, person_id)))
            )
            result = solve_cpsat(
                required,
                SolveOptions(
                    time_limit=time_limit,
                    seed=seed,
                    workers=workers,
                    deterministic=deterministic,
                    hint=found,
                ),
            )
            if (
                result.composition is not None
                and result.objective is not None
                and (cost is None or base_value - result.objective < cost - 1e-9)
                and not check(problem, result.composition)
            ):
                cost = base_value - result.objective
                found = result.composition
                placed = next(iter(found.networks_of(person_id)), None)
                status = str(result.status)
            elif cost is None:
                status = str(result.status)
        answer = WhyNot(
            person_id,
            member_of,
            blocked,
            rules,
            cost,
            placed,
            found,
            status,
            self.language,
        )
        self._why[key] = answer
        return answer

    def text(self, language: str | None = None) -> str:
        """Every member's reasons, network by network."""
        lang = check_language(language or self.language)
        lines: list[str] = []
        for net in self.problem.network_names:
            reasons = [m for m in self.members if m.network == net]
            if not reasons:
                continue
            lines.append(f"{title(self.problem, net)}:")
            lines += [f"  {m.text(lang)}" for m in reasons]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def to_frame(self, *, pseudonymise: bool = False, language: str | None = None) -> pd.DataFrame:
        """One row per membership.

        Columns ``network, candidate_id`` (``name`` unless ``pseudonymise``),
        ``needed`` (critical rules), ``counts_toward``, ``contribution``, one
        column per objective term (``term:<name>``), ``best_replacement`` and
        ``replacement_loss``.
        """
        lang = check_language(language or self.language)
        rows = []
        for m in self.members:
            row: dict[str, Any] = {"network": m.network, "candidate_id": m.person}
            if not pseudonymise:
                row["name"] = self.problem.pool[m.person].name
            row["needed"] = "; ".join(pick(r.says, lang) for r in m.rules if r.critical)
            row["counts_toward"] = "; ".join(pick(r.says, lang) for r in m.rules if not r.critical)
            row["contribution"] = m.contribution
            for t, v in m.terms.items():
                row[f"term:{t}"] = v
            row["best_replacement"] = m.best_replacement
            row["replacement_loss"] = m.replacement_loss
            rows.append(row)
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        frame = self.to_frame(pseudonymise=True)
        keep = [
            "network",
            "candidate_id",
            "needed",
            "counts_toward",
            "contribution",
            "best_replacement",
            "replacement_loss",
        ]
        parts = []
        for net in self.problem.network_names:
            sub = frame[frame["network"] == net][keep[1:]] if len(frame) else frame
            if len(sub):
                parts.append(f"<h4>{escape(title(self.problem, net))}</h4>")
                parts.append(
                    sub.to_html(index=False, na_rep="", float_format=lambda x: f"{x:,.2f}")
                )
        return "".join(parts)


def explain(
    problem: Problem,
    composition: Composition,
    *,
    replacements: bool = True,
    language: str = "en",
) -> Explanation:
    """Why each member of ``composition`` is in (see the module docstring).

    Parameters
    ----------
    problem : Problem
    composition : Composition
        Any composition of the problem (optimised or hand-picked; rules it
        already breaks are not blamed on its members).
    replacements : bool
        Look for each member's best one-for-one replacement (one
        :func:`evocompose.check` per eligible candidate and member: a few
        seconds on a pool of 250).
    language : {"en", "da"}

    Returns
    -------
    Explanation

    Raises
    ------
    CompositionError
        The composition names unknown people or networks.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]})
    >>> e = explain(p, comp)
    >>> e.member("p1").best_replacement, round(e.member("p1").replacement_loss, 2)
    ('p5', -0.9)
    >>> e.why_not("p5", time_limit=0).rules
    mappingproxy({'a': (), 'b': ()})
    """
    lang = check_language(language)
    for net, ids in composition.members.items():
        if net not in problem.network_names:
            raise CompositionError(
                f"unknown network; networks: {', '.join(problem.network_names)}",
                column="network",
                value=net,
            )
        for cid in ids:
            if cid not in problem.pool:
                raise CompositionError(
                    "this person is not in the candidate pool",
                    network=net,
                    column="candidate_id",
                    value=cid,
                )
    base_violations = check(problem, composition)
    reasons = tuple(
        _member_reason(problem, composition, base_violations, net, cid, replacements)
        for net in problem.network_names
        for cid in composition.members.get(net, ())
    )
    return Explanation(problem, composition, reasons, lang)
