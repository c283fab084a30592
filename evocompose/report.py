"""A report the steering group can read: one workbook and one self-contained HTML page.

:func:`report` writes, in Danish or English from one table of labels
(:data:`TEXT`, :data:`RULE_TEXT`, :data:`YARDSTICK_TEXT`):

* a summary (the problem, the status, the objective, the bound and gap in
  words, how many rules hold);
* one section per network under its title, every member with sector, actor
  type, area, external, skills, the declared attributes, relevance to the
  network and whether they are free in the network's meeting slot;
* the rule check: every rule the problem uses, per network, kept or broken,
  with the numbers;
* with ``compare_with``, the scorecard against those compositions (e.g. the
  steering group's own proposal) with plain-language labels;
* plots: each network's members and ties, and the scorecard bars.

The workbook has frozen headers, column widths and number formats; the HTML
page has its plots inline (SVG) and no external assets. Names and
organisations are left out with ``pseudonymise=True``.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from evocompose.check import Violation, check
from evocompose.compare import Scorecard, compare, with_best_slots
from evocompose.composition import Composition
from evocompose.errors import EvocomposeError
from evocompose.objective import breakdown
from evocompose.result import Result, SolveStatus
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from evocompose.data import Problem

__all__ = ["LANGUAGES", "RULE_TEXT", "TEXT", "YARDSTICK_TEXT", "ReportFiles", "report"]

Language = Literal["da", "en"]
#: Languages a report can be written in.
LANGUAGES: tuple[str, ...] = ("da", "en")

#: Every fixed label of a report, in each language.
TEXT: dict[str, dict[str, str]] = {
    "title": {"da": "Sammensætning af netværk", "en": "Network composition"},
    "summary": {"da": "Oversigt", "en": "Summary"},
    "rules": {"da": "Regler", "en": "Rules"},
    "comparison": {"da": "Sammenligning", "en": "Comparison"},
    "plots": {"da": "Figurer", "en": "Plots"},
    "problem": {"da": "Opgave", "en": "Problem"},
    "candidates": {"da": "Kandidater", "en": "Candidates"},
    "networks": {"da": "Netværk", "en": "Networks"},
    "status": {"da": "Status", "en": "Status"},
    "objective": {"da": "Målværdi", "en": "Objective"},
    "objective_meaning": {
        "da": "vægtet sum af mangfoldighed, relevans og synergi (højere er bedre)",
        "en": "weighted sum of diversity, relevance and synergy (higher is better)",
    },
    "bound": {"da": "Bedst mulige", "en": "Best possible"},
    "gap": {"da": "Afstand til det bedst mulige", "en": "Distance to the best possible"},
    "solver": {"da": "Løser", "en": "Solver"},
    "runtime": {"da": "Tid", "en": "Time"},
    "seconds": {"da": "sekunder", "en": "seconds"},
    "rules_kept": {"da": "Regler overholdt", "en": "Rules kept"},
    "given": {
        "da": "en given sammensætning (ikke beregnet af evocompose)",
        "en": "a given composition (not computed by evocompose)",
    },
    "no_bound": {
        "da": "ingen bevist grænse (lokal søgning beviser intet)",
        "en": "no proven bound (local search proves nothing)",
    },
    "gap_words": {
        "da": "højst {gap} under det bedst mulige ({source})",
        "en": "at most {gap} below the best possible ({source})",
    },
    "all_rules_hold": {"da": "alle {n} regler holder", "en": "all {n} rules hold"},
    "some_rules_broken": {
        "da": "{broken} af {n} regler er brudt",
        "en": "{broken} of {n} rules are broken",
    },
    "members": {"da": "medlemmer", "en": "members"},
    "slot_chosen": {
        "da": "Mødetidspunkt valgt af evocompose (ikke angivet), der hvor flest er fri",
        "en": "Meeting slot chosen by evocompose (none given), where most are free",
    },
    "meets": {"da": "mødes", "en": "meets"},
    "no_slot": {"da": "intet mødetidspunkt valgt", "en": "no meeting slot chosen"},
    "id": {"da": "Id", "en": "Id"},
    "name": {"da": "Navn", "en": "Name"},
    "organisation": {"da": "Organisation", "en": "Organisation"},
    "sector": {"da": "Sektor", "en": "Sector"},
    "actor_type": {"da": "Aktørtype", "en": "Actor type"},
    "area": {"da": "Område", "en": "Area"},
    "external": {"da": "Ekstern", "en": "External"},
    "skills": {"da": "Kompetencer", "en": "Skills"},
    "relevance": {"da": "Relevans", "en": "Relevance"},
    "free": {"da": "Fri på mødetidspunktet", "en": "Free in the meeting slot"},
    "yes": {"da": "ja", "en": "yes"},
    "no": {"da": "nej", "en": "no"},
    "rule": {"da": "Regel", "en": "Rule"},
    "network": {"da": "Netværk", "en": "Network"},
    "holds": {"da": "holder", "en": "holds"},
    "broken": {"da": "brudt", "en": "broken"},
    "detail": {"da": "Detaljer", "en": "Detail"},
    "all_networks": {"da": "alle netværk", "en": "all networks"},
    "yardstick": {"da": "Målestok", "en": "Yardstick"},
    "this_composition": {"da": "evocompose", "en": "evocompose"},
    "plot_network": {
        "da": "{title}: medlemmer og bekendtskaber",
        "en": "{title}: members and ties",
    },
    "plot_scorecard": {"da": "Sammenligning på nøgletal", "en": "Comparison on key yardsticks"},
    "pseudonymised": {
        "da": "Navne og organisationer er udeladt (pseudonymiseret).",
        "en": "Names and organisations are left out (pseudonymised).",
    },
    "status_OPTIMAL": {"da": "bevist optimal", "en": "proven optimal"},
    "status_FEASIBLE": {
        "da": "gyldig, ikke bevist optimal",
        "en": "valid, not proven optimal",
    },
    "status_INFEASIBLE": {
        "da": "umulig: reglerne kan ikke alle overholdes",
        "en": "impossible: the rules cannot all be kept",
    },
    "status_UNKNOWN": {
        "da": "ingen sammensætning fundet i tide",
        "en": "no composition found in time",
    },
    "status_MODEL_INVALID": {"da": "modelfejl", "en": "model error"},
}

#: Each hard rule of the vocabulary in plain words.
RULE_TEXT: dict[str, dict[str, str]] = {
    "size": {"da": "antal medlemmer", "en": "number of members"},
    "eligibility": {"da": "relevans og kapacitet", "en": "relevance and capacity"},
    "excluded": {"da": "udelukkede personer", "en": "excluded people"},
    "include": {"da": "faste medlemmer", "en": "pinned members"},
    "quota": {"da": "kvoter", "en": "quotas"},
    "max_per": {"da": "højst k pr. værdi", "en": "at most k per value"},
    "skill": {"da": "kompetencer", "en": "skills"},
    "meeting": {"da": "fælles mødetidspunkt", "en": "common meeting slot"},
    "conflict": {"da": "konflikter", "en": "conflicts"},
    "must_pair": {"da": "par der følges ad", "en": "must-pairs"},
    "cohesion": {"da": "kender mindst k andre", "en": "knows at least k others"},
    "bridge": {"da": "broer til de andre netværk", "en": "bridges to the other networks"},
    "capacity": {"da": "kapacitet pr. person", "en": "capacity per person"},
    "sharing": {"da": "fælles medlemmer", "en": "shared members"},
    "required": {"da": "skal placeres", "en": "must be placed"},
    "assign_all": {"da": "alle placeres", "en": "everyone placed"},
}

#: Scorecard rows and objective terms in plain words.
YARDSTICK_TEXT: dict[str, dict[str, str]] = {
    "networks": {"da": "netværk", "en": "networks"},
    "people_placed": {"da": "personer placeret", "en": "people placed"},
    "blau_sector_mean": {
        "da": "sektor-mangfoldighed (Blau, 0-1, gennemsnit)",
        "en": "sector diversity (Blau, 0-1, mean)",
    },
    "blau_actor_type_mean": {
        "da": "aktørtype-mangfoldighed (Blau, 0-1, gennemsnit)",
        "en": "actor-type diversity (Blau, 0-1, mean)",
    },
    "mean_pairwise_distance": {
        "da": "gennemsnitlig forskel mellem medlemmer",
        "en": "mean difference between members",
    },
    "new_cross_sector_ties": {
        "da": "nye bekendtskaber på tværs af sektorer",
        "en": "new acquaintances across sectors",
    },
    "ei_index_mean": {
        "da": "bånd ud af egen sektor (E-I-indeks, -1 til 1)",
        "en": "ties outside one's own sector (E-I index, -1 to 1)",
    },
    "isolates": {"da": "medlemmer uden bekendte", "en": "members who know nobody"},
    "relevance_mean": {"da": "relevans (gennemsnit)", "en": "relevance (mean)"},
    "relevance_min": {"da": "relevans (laveste)", "en": "relevance (lowest)"},
    "skill_requirements_met": {
        "da": "kompetencekrav opfyldt",
        "en": "skill requirements met",
    },
    "skill_requirements": {"da": "kompetencekrav", "en": "skill requirements"},
    "violations": {"da": "regelbrud", "en": "rule violations"},
    "objective": {"da": "målværdi", "en": "objective"},
}
_TERM_TEXT: dict[str, dict[str, str]] = {
    "sector": {"da": "par fra forskellige sektorer", "en": "pairs from different sectors"},
    "actor_type": {"da": "par af forskellige aktørtyper", "en": "pairs of different actor types"},
    "area": {"da": "par fra forskellige områder", "en": "pairs from different areas"},
    "attributes": {"da": "forskelle på øvrige egenskaber", "en": "differences on other attributes"},
    "skills": {"da": "forskellige kompetencer", "en": "different skills"},
    "new_cross_sector_ties": {
        "da": "nye bekendtskaber på tværs af sektorer",
        "en": "new acquaintances across sectors",
    },
    "cohesion": {"da": "medlemmer der kender nogen", "en": "members who know someone"},
    "relevance": {"da": "relevans", "en": "relevance"},
    "synergy": {"da": "synergi mellem sektorer", "en": "synergy between sectors"},
    "spread": {"da": "forskellige personer placeret", "en": "distinct people placed"},
    "dissimilarity": {"da": "forskellighed (egen matrix)", "en": "dissimilarity (own matrix)"},
}
for _term in TERM_NAMES:
    YARDSTICK_TEXT[f"objective: {_term}"] = {
        lang: f"{YARDSTICK_TEXT['objective'][lang]}: {_TERM_TEXT[_term][lang]}"
        for lang in LANGUAGES
    }
for _rule in RULE_NAMES:
    YARDSTICK_TEXT[f"violations: {_rule}"] = {
        lang: f"{YARDSTICK_TEXT['violations'][lang]}: {RULE_TEXT[_rule][lang]}"
        for lang in LANGUAGES
    }


def _t(key: str, lang: str, **fmt: object) -> str:
    return TEXT[key][lang].format(**fmt)


def number(value: float, lang: str, digits: int = 1) -> str:
    """A number as the language writes it: ``1.661,4`` in Danish, ``1,661.4`` in English."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") if lang == "da" else text


def percent(value: float, lang: str) -> str:
    """A share as a percentage: ``2,3 %`` in Danish, ``2.3%`` in English."""
    return f"{number(100 * value, lang)} %" if lang == "da" else f"{100 * value:.1f}%"


_SOURCES = {
    "cpsat": {"da": "grænsen er bevist af CP-SAT", "en": "the bound is proven by CP-SAT"},
}


def _source(source: str | None, lang: str) -> str:
    key = "cpsat" if source is None or "cpsat" in source else ""
    return _SOURCES[key][lang] if key else str(source)


def yardstick_label(row: str, lang: str) -> str:
    """A scorecard row in plain words (``percentile: x`` becomes a sentence too)."""
    if row.startswith("percentile: "):
        inner = yardstick_label(row[len("percentile: ") :], lang)
        return (
            f"{inner}: bedre end så mange % af tilfældige sammensætninger"
            if lang == "da"
            else f"{inner}: better than this % of random compositions"
        )
    entry = YARDSTICK_TEXT.get(row)
    return entry[lang] if entry else row


@dataclass(frozen=True)
class ReportFiles:
    """The files :func:`report` wrote."""

    workbook: Path
    html: Path


@dataclass(frozen=True)
class _Table:
    title: str
    header: list[str]
    rows: list[list[Any]]
    note: str = ""


def _summary(
    problem: Problem,
    comp: Composition,
    result: Result | None,
    violations: list[Violation],
    rules_total: int,
    lang: str,
) -> _Table:
    objective, _raw, _weighted = breakdown(problem, comp)
    rows: list[list[Any]] = [
        [_t("problem", lang), problem.name or "—"],
        [_t("candidates", lang), len(problem.pool)],
        [_t("networks", lang), ", ".join(s.theme or s.name for s in problem.networks)],
    ]
    if result is None:
        rows.append([_t("status", lang), _t("given", lang)])
    else:
        rows.append([_t("status", lang), _t(f"status_{result.status.value}", lang)])
    rows.append(
        [_t("objective", lang), f"{number(objective, lang)} — {_t('objective_meaning', lang)}"]
    )
    if result is not None:
        if result.bound is not None and result.gap is not None:
            source = _source(result.bound_source, lang)
            words = _t("gap_words", lang, gap=percent(result.gap, lang), source=source)
            rows.append([_t("bound", lang), number(result.bound, lang)])
            rows.append([_t("gap", lang), words])
        else:
            rows.append([_t("gap", lang), _t("no_bound", lang)])
        rows.append([_t("solver", lang), f"{result.solver}, seed {result.seed}"])
        rows.append([_t("runtime", lang), f"{number(result.runtime, lang)} {_t('seconds', lang)}"])
    broken = len({(v.rule, v.network) for v in violations})
    kept = (
        _t("all_rules_hold", lang, n=rules_total)
        if not violations
        else _t("some_rules_broken", lang, broken=broken, n=rules_total)
    )
    rows.append([_t("rules_kept", lang), kept])
    return _Table(_t("summary", lang), ["", ""], rows)


def _network_table(
    problem: Problem, comp: Composition, network: str, lang: str, pseudonymise: bool
) -> _Table:
    spec = problem.network(network)
    members = comp.members.get(network, ())
    slot = comp.slots.get(network)
    header = [_t("id", lang)]
    if not pseudonymise:
        header += [_t("name", lang), _t("organisation", lang)]
    header += [_t(k, lang) for k in ("sector", "actor_type", "area", "external", "skills")]
    header += list(problem.attributes)
    header.append(_t("relevance", lang))
    if spec.meeting is not None:
        header.append(_t("free", lang))
    rows: list[list[Any]] = []
    for cid in members:
        c = problem.pool[cid]
        row: list[Any] = [cid]
        if not pseudonymise:
            row += [c.name, c.organisation]
        row += [c.sector, c.actor_type, c.area, _t("yes" if c.external else "no", lang)]
        row.append("; ".join(c.skills))
        row += [c.attributes.get(a, "") for a in problem.attributes]
        row.append(round(problem.relevance(cid, network), 2))
        if spec.meeting is not None:
            free = slot is not None and slot in c.availability
            row.append(_t("yes" if free else "no", lang))
        rows.append(row)
    when = f"{_t('meets', lang)} {slot}" if slot else _t("no_slot", lang)
    note = f"{len(members)} {_t('members', lang)}" + (
        f", {when}" if spec.meeting is not None else ""
    )
    return _Table(spec.theme or spec.name, header, rows, note)


def _rule_table(problem: Problem, violations: list[Violation], lang: str) -> _Table:
    rows: list[list[Any]] = []
    titles = {s.name: s.theme or s.name for s in problem.networks}
    for name in problem.active_rules():
        where = problem.rule_networks(name) or (None,)
        for net in where:
            found = [v for v in violations if v.rule == name and v.network == net]
            status = _t("broken" if found else "holds", lang)
            place = titles[net] if net is not None else _t("all_networks", lang)
            detail = "; ".join(v.message for v in found)
            rows.append([RULE_TEXT[name][lang], place, status, detail])
    header = [_t("rule", lang), _t("network", lang), _t("status", lang), _t("detail", lang)]
    return _Table(_t("rules", lang), header, rows)


def _comparison_table(card: Scorecard, lang: str) -> _Table:
    frame = card.frame
    header = [_t("yardstick", lang), *[str(c) for c in frame.columns]]
    rows: list[list[Any]] = []
    for row, values in frame.iterrows():
        cells: list[Any] = [yardstick_label(str(row), lang)]
        cells += [None if v != v else round(float(v), 3) for v in values.tolist()]
        rows.append(cells)
    return _Table(_t("comparison", lang), header, rows)


def _figures(
    problem: Problem, comp: Composition, card: Scorecard | None, lang: str
) -> list[tuple[str, Figure]]:
    import matplotlib  # deferred: matplotlib loads only when a report is drawn

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt  # deferred: as above

    from evocompose.plotting import plot_network, plot_scorecard  # deferred: as above

    out: list[tuple[str, Figure]] = []
    for spec in problem.networks:
        fig, ax = plt.subplots(figsize=(5, 5))
        plot_network(problem, comp, spec.name, ax=ax, language=lang)
        title = _t("plot_network", lang, title=spec.theme or spec.name)
        ax.set_title(title)
        out.append((title, fig))
    if card is not None:
        fig, ax = plt.subplots(figsize=(8, 4))
        labels = {str(r): yardstick_label(str(r), lang) for r in card.frame.index}
        plot_scorecard(card, ax=ax, labels=labels, language=lang)
        ax.set_title(_t("plot_scorecard", lang))
        out.append((_t("plot_scorecard", lang), fig))
    return out


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "network"
    name, k = base, 2
    while name.lower() in used:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(name.lower())
    return name


def _write_workbook(
    path: Path, tables: Sequence[_Table], figures: Sequence[tuple[str, Any]], plots_title: str
) -> None:
    from openpyxl import Workbook  # deferred: openpyxl loads only when a workbook is written
    from openpyxl.drawing.image import Image  # deferred: as above
    from openpyxl.styles import Alignment, Font  # deferred: as above
    from openpyxl.utils import get_column_letter  # deferred: as above

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(_sheet_title(table.title, used))
        first = 1
        if table.note:
            ws.cell(row=1, column=1, value=table.note).font = Font(italic=True)
            first = 2
        if any(table.header):
            for j, h in enumerate(table.header, start=1):
                cell = ws.cell(row=first, column=j, value=h)
                cell.font = Font(bold=True)
            first += 1
        ws.freeze_panes = ws.cell(row=first, column=1)
        for i, row in enumerate(table.rows, start=first):
            for j, value in enumerate(row, start=1):
                cell = ws.cell(row=i, column=j, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: a name starting with = is no formula
                if isinstance(value, float):
                    cell.number_format = "0.00"
                cell.alignment = Alignment(wrap_text=isinstance(value, str) and len(value) > 60)
        for j in range(1, max(len(table.header), max((len(r) for r in table.rows), default=0)) + 1):
            cells = [table.header[j - 1] if j <= len(table.header) else ""]
            cells += [r[j - 1] for r in table.rows if j <= len(r)]
            width = max((len(str(c)) for c in cells if c is not None), default=8)
            ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, width + 2))
    if figures:
        ws = wb.create_sheet(_sheet_title(plots_title, used))
        at = 1
        for title, fig in figures:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
            buf.seek(0)
            ws.cell(row=at, column=1, value=title).font = Font(bold=True)
            img = Image(buf)
            ws.add_image(img, f"A{at + 1}")
            at += int(img.height / 20) + 3
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right}.note{font-style:italic;color:#555}
.broken{color:#a40000;font-weight:600}.holds{color:#1b6b1b}figure{display:inline-block;margin:.5rem}
"""


def _html_table(table: _Table, lang: str) -> str:
    parts = [f"<h2>{html.escape(table.title)}</h2>"]
    if table.note:
        parts.append(f'<p class="note">{html.escape(table.note)}</p>')
    parts.append("<table>")
    if any(table.header):
        parts.append(
            "<tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in table.header) + "</tr>"
        )
    broken, holds = _t("broken", lang), _t("holds", lang)
    for row in table.rows:
        cells = []
        for v in row:
            text = "—" if v is None else (number(v, lang, 2) if isinstance(v, float) else str(v))
            cls = (
                ' class="num"'
                if isinstance(v, int | float)
                else ' class="broken"'
                if v == broken
                else ' class="holds"'
                if v == holds
                else ""
            )
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def _write_html(
    path: Path,
    title: str,
    tables: Sequence[_Table],
    figures: Sequence[tuple[str, Any]],
    lang: str,
    note: str,
) -> None:
    body = [f"<h1>{html.escape(title)}</h1>"]
    if note:
        body.append(f'<p class="note">{html.escape(note)}</p>')
    body += [_html_table(t, lang) for t in tables]
    if figures:
        body.append(f"<h2>{html.escape(_t('plots', lang))}</h2>")
        for caption, fig in figures:
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight")
            svg = buf.getvalue()
            svg = svg[svg.index("<svg") :]
            body.append(f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>")
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)


def report(
    problem: Problem,
    result_or_composition: Result | Composition,
    path: str | Path,
    *,
    language: str = "da",
    compare_with: Mapping[str, Composition | Result] | None = None,
    pseudonymise: bool = False,
    plots: bool = True,
    null_samples: int = 200,
) -> ReportFiles:
    """Write the steering group's report: ``<path>.xlsx`` and ``<path>.html``.

    Parameters
    ----------
    problem : Problem
    result_or_composition : Result or Composition
        A solver's result (status, bound and gap are reported) or any
        composition, e.g. a hand-picked one.
    path : str or Path
        Where to write; a suffix is replaced by ``.xlsx`` and ``.html``.
    language : {"da", "en"}
        Danish (default) or English labels.
    compare_with : mapping of str to Composition or Result, optional
        Compositions to put side by side with this one (their labels are the
        column names of the comparison), e.g. ``{"styregruppen": hand}``.
    pseudonymise : bool
        Leave names and organisations out.
    plots : bool
        Draw the plots (matplotlib).
    null_samples : int
        Random compositions for the comparison's percentiles.

    Returns
    -------
    ReportFiles
        The paths written (each written whole, or not at all).

    Raises
    ------
    EvocomposeError
        An unknown language, or a result without a composition.

    Examples
    --------
    >>> import tempfile, evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> comp = evo.Composition({"a": ["p1", "p3"], "b": ["p2", "p4"]})
    >>> out = report(p, comp, tempfile.mkdtemp() + "/tiny", language="en", plots=False)
    >>> out.html.suffix, "Network A" in out.html.read_text(encoding="utf-8")
    ('.html', True)
    """
    if language not in LANGUAGES:
        raise EvocomposeError(
            f"unknown language; use one of {', '.join(LANGUAGES)}",
            column="language",
            value=language,
        )
    result = result_or_composition if isinstance(result_or_composition, Result) else None
    comp = result.composition if result is not None else result_or_composition
    filled: tuple[str, ...] = ()
    if isinstance(comp, Composition):
        comp, filled = with_best_slots(problem, comp)
    if not isinstance(comp, Composition):
        status = result.status if result is not None else SolveStatus.UNKNOWN
        raise EvocomposeError(
            f"there is no composition to report (status {status}); solve again with a longer "
            "time limit or relax the rules",
            value=str(status),
        )
    violations = check(problem, comp)
    rules_total = sum(len(problem.rule_networks(r)) or 1 for r in problem.active_rules())
    tables = [_summary(problem, comp, result, violations, rules_total, language)]
    if filled:
        titles = ", ".join(problem.network(n).theme or n for n in filled)
        tables[0].rows.append([_t("slot_chosen", language), titles])
    tables += [
        _network_table(problem, comp, name, language, pseudonymise)
        for name in problem.network_names
    ]
    tables.append(_rule_table(problem, violations, language))
    card = None
    if compare_with:
        label = _t("this_composition", language)
        card = compare(problem, {label: comp, **dict(compare_with)}, null_samples=null_samples)
        tables.append(_comparison_table(card, language))
    figures = _figures(problem, comp, card, language) if plots else []
    base = Path(path)
    base = base.with_suffix("") if base.suffix in (".xlsx", ".html", ".htm") else base
    files = ReportFiles(base.with_name(base.name + ".xlsx"), base.with_name(base.name + ".html"))
    title = _t("title", language) + (f": {problem.name}" if problem.name else "")
    note = _t("pseudonymised", language) if pseudonymise else ""
    try:
        _write_workbook(files.workbook, tables, figures, _t("plots", language))
        _write_html(files.html, title, tables, figures, language, note)
    except OSError as exc:
        raise EvocomposeError(
            f"cannot write the report ({exc.strerror}); choose a folder you can write to",
            file=str(exc.filename or base),
        ) from None
    finally:
        if figures:
            import matplotlib.pyplot as plt  # deferred: matplotlib loads only when a report is drawn

            for _, fig in figures:
                plt.close(fig)
    return files
