"""Plain words for rules, in English and Danish: shared by diagnoses, explanations and repairs.

A steering group reads network titles (``NetworkSpec.theme``), not keys, and
"at least 12 members from agriculture", not ``quota[food][0][min]``. Every
function here returns a :data:`~evocompose.language.Text` (both languages)
or, with a ``language``, one string.

Examples
--------
>>> import evocompose as evo
>>> from evocompose.diagnosis import RuleRef
>>> p = evo.datasets.stevns(seed=0)
>>> says(p, RuleRef("size", "food", None, "max"))["en"]
'Fødevarer og Jordbrug (food) takes at most 14 members'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evocompose.constraints import Quota
from evocompose.language import Text, number, percent, text

if TYPE_CHECKING:
    from evocompose.check import Violation
    from evocompose.data import Problem
    from evocompose.diagnosis import RuleRef

__all__ = [
    "blocks",
    "change_text",
    "field_name",
    "keeps",
    "members",
    "quota_what",
    "says",
    "title",
]

_FIELD_DA = {
    "sector": "sektor",
    "actor_type": "aktørtype",
    "area": "område",
    "organisation": "organisation",
    "external": "ekstern",
}


def title(problem: Problem, network: str) -> str:
    """A network as a steering group names it: ``Theme (key)``, or the key alone."""
    if network not in problem.network_names:
        return network
    theme = problem.network(network).theme
    return f"{theme} ({network})" if theme and theme != network else network


def field_name(field: str, language: str) -> str:
    """A candidate field's name in ``language`` (``area`` is ``område`` in Danish)."""
    if language == "da":
        return _FIELD_DA.get(field, field)
    return field.replace("_", " ")


def _values(values: tuple[str, ...], language: str) -> str:
    joiner = " or " if language == "en" else " eller "
    items = [v.replace("_", " ") for v in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + joiner + items[-1]


def quota_what(q: Quota, language: str) -> str:
    """Who a quota counts, e.g. ``from agriculture``, ``of type public or knowledge``."""
    values = q.label.replace("_", " ") if q.label else _values(q.values, language)
    en = language == "en"
    if q.field == "sector":
        return f"from {values}" if en else f"fra {values}"
    if q.field == "actor_type":
        return f"of type {values}" if en else f"af typen {values}"
    if q.field == "external":
        external = "true" in q.values
        if en:
            return "who are external experts" if external else "who are local"
        return "der er eksterne eksperter" if external else "der er lokale"
    if q.field in ("area", "organisation"):
        return f"from {values}" if en else f"fra {values}"
    name = field_name(q.field, language)
    return f"with {name} {values}" if en else f"med {name} {values}"


def members(n: float, language: str) -> str:
    """``1 member``, ``3 members`` (``1 medlem``, ``3 medlemmer``)."""
    value = number(n, language)
    if language == "da":
        return f"{value} medlem" if n == 1 else f"{value} medlemmer"
    return f"{value} member" if n == 1 else f"{value} members"


def _bound(q: Quota, value: float | None, language: str) -> str:
    if value is None:
        return "-"
    if q.unit == "share":
        return percent(float(value), language)
    return number(float(value), language)


def says(problem: Problem, ref: RuleRef) -> Text:
    """What a stated rule demands, with its numbers, in both languages."""
    net = ref.network
    t = title(problem, net) if net is not None else ""
    rule = ref.rule
    if rule == "size" and net is not None:
        spec = problem.network(net)
        if ref.part == "min":
            return text(
                f"{t} needs at least {spec.min_size} members",
                f"{t} skal have mindst {spec.min_size} medlemmer",
            )
        return text(
            f"{t} takes at most {spec.max_size} members",
            f"{t} kan have højst {spec.max_size} medlemmer",
        )
    if rule == "quota" and net is not None and isinstance(ref.item, int):
        q = problem.network(net).quotas[ref.item]
        out: dict[str, str] = {}
        for lang in ("en", "da"):
            bound = q.min if ref.part == "min" else q.max
            b = _bound(q, bound, lang)
            what = quota_what(q, lang)
            if lang == "en":
                word = "at least" if ref.part == "min" else "at most"
                if q.unit == "share":
                    out[lang] = f"{t} needs {word} {b} of its members {what}"
                else:
                    out[lang] = f"{t} needs {word} {members(bound or 0, lang)} {what}"
            else:
                word = "mindst" if ref.part == "min" else "højst"
                if q.unit == "share":
                    out[lang] = f"{t} skal have {word} {b} af medlemmerne {what}"
                else:
                    out[lang] = f"{t} skal have {word} {members(bound or 0, lang)} {what}"
        return out
    if rule == "skill" and net is not None and isinstance(ref.item, int):
        s = problem.network(net).skills[ref.item]
        skill = s.skill.replace("_", " ")
        return text(
            f"{t} needs at least {s.min} member(s) with the skill {skill}",
            f"{t} skal have mindst {s.min} medlem(mer) med kompetencen {skill}",
        )
    if rule == "max_per" and net is not None:
        k = next(m.max for m in problem.network(net).max_per if m.field == ref.item)
        return text(
            f"{t} takes at most {k} member(s) per {field_name(str(ref.item), 'en')}",
            f"{t} kan have højst {k} medlem(mer) pr. {field_name(str(ref.item), 'da')}",
        )
    if rule == "meeting" and net is not None:
        meeting = problem.network(net).meeting
        assert meeting is not None
        among_en = f" (of {', '.join(meeting.slots)})" if meeting.slots else ""
        among_da = f" (blandt {', '.join(meeting.slots)})" if meeting.slots else ""
        if meeting.quorum >= 1:
            return text(
                f"{t} meets in one slot{among_en} in which all its members are free",
                f"{t} mødes på ét tidspunkt{among_da}, hvor alle medlemmerne kan",
            )
        return text(
            f"{t} meets in one slot{among_en} in which at least "
            f"{percent(meeting.quorum, 'en')} of its members are free",
            f"{t} mødes på ét tidspunkt{among_da}, hvor mindst "
            f"{percent(meeting.quorum, 'da')} af medlemmerne kan",
        )
    if rule == "eligibility" and net is not None:
        spec = problem.network(net)
        if spec.min_relevance is None:
            return text(
                f"{t} admits nobody whose capacity is 0",
                f"{t} optager ingen med kapacitet 0",
            )
        return text(
            f"{t} admits only candidates with relevance at least "
            f"{number(spec.min_relevance, 'en')}",
            f"{t} optager kun kandidater med relevans mindst {number(spec.min_relevance, 'da')}",
        )
    if rule == "excluded":
        who = str(ref.item)
        if net is not None:
            return text(f"{who} is kept out of {t}", f"{who} holdes ude af {t}")
        return text(f"{who} is excluded from every network", f"{who} er udelukket fra alle netværk")
    if rule == "include" and net is not None:
        return text(f"{ref.item} is pinned into {t}", f"{ref.item} er sat fast i {t}")
    if rule == "conflict" and isinstance(ref.item, tuple):
        a, b = ref.item
        return text(f"{a} and {b} must not sit together", f"{a} og {b} må ikke sidde sammen")
    if rule == "must_pair" and isinstance(ref.item, tuple):
        a, b = ref.item
        return text(
            f"{a} and {b} sit together or not at all",
            f"{a} og {b} skal sidde sammen eller slet ikke",
        )
    if rule == "cohesion" and net is not None:
        k = problem.network(net).min_known
        return text(
            f"every member of {t} already knows at least {k} other member(s)",
            f"hvert medlem af {t} kender i forvejen mindst {k} andre medlem(mer)",
        )
    if rule == "bridge" and net is not None:
        bridge = problem.network(net).bridge
        assert bridge is not None
        other = title(problem, str(ref.item))
        if bridge.mode == "share":
            return text(
                f"{t} shares at least {bridge.min} member(s) with {other}",
                f"{t} deler mindst {bridge.min} medlem(mer) med {other}",
            )
        return text(
            f"{t} shares with, or knows, at least {bridge.min} member(s) of {other}",
            f"{t} deler eller kender mindst {bridge.min} medlem(mer) af {other}",
        )
    if rule == "capacity":
        c = problem.default_capacity
        return text(
            f"each person sits in no more networks than their capacity (default {c})",
            f"hver person sidder i højst så mange netværk som sin kapacitet (standard {c})",
        )
    if rule == "sharing" and isinstance(ref.item, tuple):
        a, b = (title(problem, n) for n in ref.item)
        return text(f"{a} and {b} may not share members", f"{a} og {b} må ikke dele medlemmer")
    if rule == "required":
        return text(
            f"{ref.item} must be placed in a network", f"{ref.item} skal placeres i et netværk"
        )
    if rule == "assign_all":
        n = len(problem.pool)
        return text(
            f"everyone in the pool ({n}) must be placed",
            f"alle i puljen ({n}) skal placeres",
        )
    return text(ref.label, ref.label)


def change_text(problem: Problem, ref: RuleRef, before: object, after: object) -> Text:
    """A relaxation in plain words: what changes from ``before`` to ``after`` (``None``: dropped)."""
    net = ref.network
    t = title(problem, net) if net is not None else ""
    rule = ref.rule

    def num(v: object, lang: str) -> str:
        return number(float(v), lang) if isinstance(v, int | float) else str(v)

    if rule == "size":
        if ref.part == "min":
            return text(
                f"lower the minimum size of {t} from {before} to {after}",
                f"sænk mindstestørrelsen for {t} fra {before} til {after}",
            )
        return text(
            f"raise the maximum size of {t} from {before} to {after}",
            f"hæv den største størrelse for {t} fra {before} til {after}",
        )
    if rule == "quota" and net is not None and isinstance(ref.item, int):
        q = problem.network(net).quotas[ref.item]
        out: dict[str, str] = {}
        for lang in ("en", "da"):
            what = quota_what(q, lang)
            a = _bound(q, before, lang)  # type: ignore[arg-type]
            if after is None:
                out[lang] = (
                    f"drop the {'minimum' if ref.part == 'min' else 'maximum'} of members {what} in {t}"
                    if lang == "en"
                    else f"fjern {'minimummet' if ref.part == 'min' else 'maksimummet'} for medlemmer {what} i {t}"
                )
                continue
            b = _bound(q, after, lang)  # type: ignore[arg-type]
            if lang == "en":
                verb = "lower" if ref.part == "min" else "raise"
                kind = "minimum" if ref.part == "min" else "maximum"
                out[lang] = f"{verb} the {kind} of members {what} in {t} from {a} to {b}"
            else:
                verb = "sænk" if ref.part == "min" else "hæv"
                kind = "minimummet" if ref.part == "min" else "maksimummet"
                out[lang] = f"{verb} {kind} for medlemmer {what} i {t} fra {a} til {b}"
        return out
    if rule == "skill" and net is not None and isinstance(ref.item, int):
        skill = problem.network(net).skills[ref.item].skill.replace("_", " ")
        if after is None or after == 0:
            return text(
                f"drop the requirement of the skill {skill} in {t}",
                f"fjern kravet om kompetencen {skill} i {t}",
            )
        return text(
            f"lower the number of members with the skill {skill} in {t} from {before} to {after}",
            f"sænk antallet af medlemmer med kompetencen {skill} i {t} fra {before} til {after}",
        )
    if rule == "max_per":
        en, da = field_name(str(ref.item), "en"), field_name(str(ref.item), "da")
        return text(
            f"allow {after} instead of {before} member(s) per {en} in {t}",
            f"tillad {after} i stedet for {before} medlem(mer) pr. {da} i {t}",
        )
    if rule == "meeting":
        if after is None:
            return text(f"drop the meeting rule of {t}", f"fjern mødereglen for {t}")
        return text(
            f"lower the meeting quorum of {t} from {percent(float(before), 'en')} "  # type: ignore[arg-type]
            f"to {percent(float(after), 'en')}",  # type: ignore[arg-type]
            f"sænk mødekravet for {t} fra {percent(float(before), 'da')} "  # type: ignore[arg-type]
            f"til {percent(float(after), 'da')}",  # type: ignore[arg-type]
        )
    if rule == "eligibility":
        if after is None:
            return text(
                f"drop the minimum relevance of {t} (now {num(before, 'en')})",
                f"fjern mindstekravet til relevans for {t} (nu {num(before, 'da')})",
            )
        return text(
            f"lower the minimum relevance of {t} from {num(before, 'en')} to {num(after, 'en')}",
            f"sænk mindstekravet til relevans for {t} fra {num(before, 'da')} til {num(after, 'da')}",
        )
    if rule == "excluded":
        if net is not None:
            return text(f"let {ref.item} into {t}", f"lad {ref.item} komme med i {t}")
        return text(f"lift the exclusion of {ref.item}", f"ophæv udelukkelsen af {ref.item}")
    if rule == "include":
        return text(f"release the pin of {ref.item} in {t}", f"frigiv {ref.item} fra {t}")
    if rule == "conflict" and isinstance(ref.item, tuple):
        a, b = ref.item
        return text(f"let {a} and {b} sit together", f"lad {a} og {b} sidde sammen")
    if rule == "must_pair" and isinstance(ref.item, tuple):
        a, b = ref.item
        return text(f"let {a} and {b} sit apart", f"lad {a} og {b} sidde hver for sig")
    if rule == "cohesion":
        return text(
            f"lower the number of members each member of {t} must know from {before} to {after}",
            f"sænk antallet af medlemmer, hvert medlem af {t} skal kende, fra {before} til {after}",
        )
    if rule == "bridge":
        return text(
            f"lower the bridge of {t} to {title(problem, str(ref.item))} from {before} to {after}",
            f"sænk broen fra {t} til {title(problem, str(ref.item))} fra {before} til {after}",
        )
    if rule == "capacity":
        return text(
            f"let everyone sit in up to {after} networks (capacity now {before})",
            f"lad alle sidde i op til {after} netværk (kapacitet nu {before})",
        )
    if rule == "sharing" and isinstance(ref.item, tuple):
        a, b = (title(problem, n) for n in ref.item)
        return text(f"let {a} and {b} share members", f"lad {a} og {b} dele medlemmer")
    if rule == "required":
        return text(f"no longer require {ref.item}", f"kræv ikke længere {ref.item}")
    if rule == "assign_all":
        return text(
            "no longer require everyone to be placed", "kræv ikke længere, at alle placeres"
        )
    return text(f"relax {ref.label}", f"løsn {ref.label}")


def _quota_of(problem: Problem, network: str, detail: Mapping[str, Any]) -> Quota | None:
    spec = problem.network(network)
    for q in spec.quotas:
        if q.field == detail.get("field") and tuple(q.values) == tuple(detail.get("values", ())):
            return q
    return None


def keeps(problem: Problem, violation: Violation) -> Text:
    """The rule a person keeps, from the violation that appears without them.

    ``violation`` is what :func:`evocompose.check` reports once the person
    is taken out; the text says what their presence holds up ("counts
    toward at least 2 members from agriculture").
    """
    v = violation
    d = v.detail
    net = v.network
    t = title(problem, net) if net is not None else ""
    if v.rule == "size":
        return text(
            f"keeps {t} at its minimum size of {d.get('min_size')}",
            f"holder {t} på mindstestørrelsen {d.get('min_size')}",
        )
    if v.rule == "quota" and net is not None:
        q = _quota_of(problem, net, d)
        lo = d.get("min", 0)
        if q is not None:
            return text(
                f"needed for at least {members(lo, 'en')} {quota_what(q, 'en')} in {t}",
                f"nødvendig for mindst {members(lo, 'da')} {quota_what(q, 'da')} i {t}",
            )
    if v.rule == "skill":
        skill = str(d.get("skill", "")).replace("_", " ")
        return text(
            f"needed for the skill {skill} in {t} (at least {d.get('min')})",
            f"nødvendig for kompetencen {skill} i {t} (mindst {d.get('min')})",
        )
    if v.rule == "meeting":
        return text(
            f"free at {d.get('slot')}, when {t} meets: needed for its quorum "
            f"({d.get('required')} of {d.get('size')} free)",
            f"kan {d.get('slot')}, når {t} mødes: nødvendig for mødekravet "
            f"({d.get('required')} af {d.get('size')})",
        )
    if v.rule == "bridge":
        other = title(problem, str(d.get("other")))
        return text(
            f"bridges {t} and {other} (at least {d.get('min')} needed)",
            f"bygger bro mellem {t} og {other} (mindst {d.get('min')} kræves)",
        )
    if v.rule == "cohesion":
        return text(
            f"lets the members of {t} know at least {d.get('min_known')} others inside",
            f"sørger for, at medlemmerne af {t} kender mindst {d.get('min_known')} andre",
        )
    if v.rule == "must_pair":
        return text(
            f"must-pair partner of {d.get('present')} in {t}",
            f"skal sidde sammen med {d.get('present')} i {t}",
        )
    if v.rule == "include":
        return text(f"pinned into {t}", f"sat fast i {t}")
    if v.rule == "required":
        return text("required to be placed", "skal placeres")
    if v.rule == "assign_all":
        return text("everyone must be placed", "alle skal placeres")
    return text(v.message, v.message)


def blocks(problem: Problem, violation: Violation, person: str) -> Text:
    """Why ``person`` cannot join, from the violation their arrival causes."""
    v = violation
    d = v.detail
    net = v.network
    t = title(problem, net) if net is not None else ""
    if v.rule == "eligibility":
        if d.get("capacity") == 0:
            return text(f"{person} has capacity 0", f"{person} har kapacitet 0")
        rel, lo = d.get("relevance", 0.0), d.get("min_relevance", 0.0)
        return text(
            f"relevance to {t} is {number(rel, 'en')}, below the minimum {number(lo, 'en')}",
            f"relevansen for {t} er {number(rel, 'da')}, under mindstekravet {number(lo, 'da')}",
        )
    if v.rule == "excluded":
        if d.get("scope") == "network":
            return text(f"kept out of {t}", f"holdes ude af {t}")
        return text("excluded from every network", "udelukket fra alle netværk")
    if v.rule == "capacity":
        nets = [n for n in d.get("networks", ()) if n != net]
        where = ", ".join(title(problem, n) for n in nets)
        cap = d.get("capacity")
        return text(
            f"already sits in {where}; capacity {cap}",
            f"sidder allerede i {where}; kapacitet {cap}",
        )
    if v.rule == "sharing":
        a, b = d.get("networks", ("", ""))
        return text(
            f"sits in {title(problem, a)}, which may not share members with {title(problem, b)}",
            f"sidder i {title(problem, a)}, der ikke må dele medlemmer med {title(problem, b)}",
        )
    if v.rule == "conflict":
        other = next((p for p in v.people if p != person), "")
        return text(
            f"must not sit with {other}, a member of {t}",
            f"må ikke sidde sammen med {other}, der er medlem af {t}",
        )
    if v.rule == "max_per":
        field = str(d.get("field"))
        k = d.get("max")
        if field == "organisation":
            return text(
                f"{t} already has {k} member(s) from the same organisation (at most {k})",
                f"{t} har allerede {k} medlem(mer) fra samme organisation (højst {k})",
            )
        return text(
            f"{t} already has {k} member(s) with {field_name(field, 'en')} {d.get('value')} "
            f"(at most {k})",
            f"{t} har allerede {k} medlem(mer) med {field_name(field, 'da')} {d.get('value')} "
            f"(højst {k})",
        )
    if v.rule == "meeting":
        slot = d.get("slot")
        if d.get("quorum", 1) >= 1:
            return text(
                f"not free at {slot}, when {t} meets (all members must be free)",
                f"kan ikke {slot}, når {t} mødes (alle medlemmer skal kunne)",
            )
        return text(
            f"not free at {slot}, when {t} meets, and its quorum allows no more absences",
            f"kan ikke {slot}, når {t} mødes, og mødekravet tillader ikke flere fraværende",
        )
    if v.rule == "quota" and net is not None:
        q = _quota_of(problem, net, d)
        hi = float(d.get("max") or 0)
        if q is not None:
            return text(
                f"{t} may have at most {members(hi, 'en')} {quota_what(q, 'en')}",
                f"{t} må højst have {members(hi, 'da')} {quota_what(q, 'da')}",
            )
    if v.rule == "must_pair":
        partner = d.get("missing") if d.get("present") == person else d.get("present")
        return text(
            f"their must-pair partner {partner} is not in {t}",
            f"personen, der skal sidde sammen med dem ({partner}), er ikke i {t}",
        )
    if v.rule == "cohesion":
        return text(
            f"knows only {d.get('known')} member(s) of {t} (each must know {d.get('min_known')})",
            f"kender kun {d.get('known')} medlem(mer) af {t} (hver skal kende {d.get('min_known')})",
        )
    if v.rule == "size":
        return text(
            f"{t} is full ({d.get('max_size')} members)", f"{t} er fuld ({d.get('max_size')})"
        )
    return text(v.message, v.message)
