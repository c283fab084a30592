"""Command-line interface: ``evocompose <command>`` (or ``python -m evocompose.cli``).

Commands
--------
demo
    Compose the bundled Stevns example and write ``composition.xlsx`` and the
    report (``rapport_da`` and ``report_en``, workbook and HTML, against a
    simulated hand-picked proposal).
summary
    Load candidates, ties, networks (and optionally a dissimilarity matrix)
    and print the validated problem.
solve
    Compose from files and write the composition (CSV, XLSX or JSON).
check
    Check a composition (e.g. a hand-picked one) against every rule.
compare
    Score two or more compositions side by side (``LABEL=FILE`` each), in
    plain words, in Danish or English; ``--out`` also writes a workbook.
report
    Write the steering group's report of a composition (workbook and HTML,
    Danish or English), optionally against other compositions.
diagnose
    Say why the networks cannot be composed, and what to relax.
recompose
    Repair a composition after declines, with the fewest changes.
explain
    Why each member is in; ``--why-not ID`` for people who are not.
renew
    Compose the next round after earlier ones (fewer repeat pairs, continuity).
reproduce
    Run the call recorded in a composition's audit again and compare.

``solve``, ``recompose`` and ``renew`` write the audit beside the
composition (an ``audit`` sheet, a JSON block, or ``<name>.audit.json``).

Exit status: 0 success; 1 no composition (or one that breaks rules); 2 bad
input, which ends with an error naming the file, row, column and value (all
the problems of a file at once; ``--max-errors`` lists more or fewer), and
no traceback; 130 after Ctrl-C and 143 after SIGTERM. Ctrl-C (or SIGTERM)
during ``solve``, ``recompose`` or ``renew`` stops the search within about a
second and writes the best composition found until then, saying so; a
second Ctrl-C ends at once. Files are written whole or not at all. On a terminal, long solves show a progress bar
(elapsed time, best objective, bound and gap); ``--quiet`` hides it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from evocompose.check import check
from evocompose.compare import compare
from evocompose.datasets import stevns
from evocompose.diagnose import diagnose
from evocompose.errors import DEFAULT_MAX_ERRORS, EvocomposeError
from evocompose.explain import explain
from evocompose.handpicked import handpick
from evocompose.io import load_problem, read_audit, read_composition, write_composition
from evocompose.io.problem import CSV_DIALECTS, write_table
from evocompose.recompose import recompose
from evocompose.renew import renew
from evocompose.report import number, report, yardstick_label
from evocompose.reproduce import reproduce
from evocompose.result import Progress
from evocompose.solve import solve
from evocompose.solvers.contract import ProgressFn

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import Problem
    from evocompose.result import Result

__all__ = ["main"]


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--candidates", required=True, help="candidate table (.csv or .xlsx)")
    p.add_argument("--sheet", default=None, help="sheet name in the candidate workbook")
    p.add_argument("--ties", default=None, help="acquaintance edge list (.csv)")
    p.add_argument("--networks", required=True, help="network specs (.toml)")
    p.add_argument(
        "--dissimilarity",
        default=None,
        metavar="FILE",
        help="pairwise dissimilarity matrix (.csv or .xlsx; square, or columns a, b, d)",
    )
    p.add_argument(
        "--dissimilarity-sheet", default=None, help="sheet name in the dissimilarity workbook"
    )
    p.add_argument(
        "--max-errors",
        type=int,
        default=DEFAULT_MAX_ERRORS,
        metavar="N",
        help="problems in one input file listed in full (default %(default)s; all are counted)",
    )


def _add_solve_options(p: argparse.ArgumentParser, time_limit: float) -> None:
    p.add_argument(
        "--time-limit", type=float, default=time_limit, help="seconds (default %(default)s)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--solver", default="auto", help="auto, cpsat or search")
    p.add_argument(
        "--quiet", action="store_true", help="no progress bar (shown only on a terminal)"
    )
    p.add_argument(
        "--language",
        default="en",
        choices=("en", "da"),
        help="language of a diagnosis: en (English) or da (Danish)",
    )
    p.add_argument(
        "--deterministic",
        action="store_true",
        help="count the time limit in deterministic units: same seed, same result",
    )


def _add_run_options(p: argparse.ArgumentParser, time_limit: float) -> None:
    p.add_argument(
        "--time-limit", type=float, default=time_limit, help="seconds (default %(default)s)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--deterministic",
        action="store_true",
        help="count the time limit in deterministic units: same seed, same result",
    )
    p.add_argument(
        "--language", default="en", choices=("en", "da"), help="en (English) or da (Danish)"
    )


def _add_output(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--out", required=required, help="output file (.csv, .xlsx or .json), audit beside it"
    )
    p.add_argument(
        "--pseudonymise",
        action="store_true",
        help="leave names and organisations out of the output",
    )
    p.add_argument(
        "--csv-dialect",
        choices=tuple(CSV_DIALECTS),
        default="excel",
        help="a .csv output: excel (commas, decimal points) or excel-da (semicolons and "
        "decimal commas, opens in columns in Danish Excel); default %(default)s",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evocompose",
        description="Compose diverse professional networks from a candidate pool.",
        epilog=(
            "Files: candidates as CSV or XLSX (id, name, organisation, sector, actor_type, "
            "skills, themes, availability, capacity, area, external, relevance:<network>), ties "
            "as CSV (a, b[, strength, kind]), networks as TOML (see docs/formats.md). "
            "Exit status: 0 ok, 1 no composition or broken rules, 2 bad input, 130 stopped by "
            "Ctrl-C and 143 by SIGTERM (a solve stopped so writes the best composition found "
            "until then; files are written whole or not at all)."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="compose the bundled Stevns example")
    demo.add_argument("--out", default="out/stevns", help="output folder (default %(default)s)")
    demo.add_argument("--n", type=int, default=250, help="pool size of the generated example")
    _add_solve_options(demo, 10.0)

    summary = sub.add_parser("summary", help="print the validated problem")
    _add_inputs(summary)

    solve = sub.add_parser("solve", help="compose from files")
    _add_inputs(solve)
    _add_solve_options(solve, 30.0)
    _add_output(solve)

    rep = sub.add_parser(
        "report", help="write the steering group's report (workbook and HTML page)"
    )
    _add_inputs(rep)
    rep.add_argument(
        "--composition", required=True, help="composition (.csv/.xlsx with network, candidate_id)"
    )
    rep.add_argument("--out", required=True, help="report path; writes <out>.xlsx and <out>.html")
    rep.add_argument("--language", choices=("da", "en"), default="da")
    rep.add_argument(
        "--compare-with",
        action="append",
        default=[],
        metavar="LABEL=FILE",
        help="another composition to compare with, e.g. styregruppen=forslag.xlsx (repeatable)",
    )
    rep.add_argument("--pseudonymise", action="store_true", help="leave names out of the report")

    chk = sub.add_parser("check", help="check a composition against every rule")
    _add_inputs(chk)
    chk.add_argument(
        "--composition", required=True, help="composition (.csv/.xlsx with network, candidate_id)"
    )
    chk.add_argument(
        "--show-names",
        action="store_true",
        help="name organisations in the messages (personal data; by default members are named "
        "by id only)",
    )

    cmp_ = sub.add_parser(
        "compare", help="score compositions side by side (e.g. hand-picked against composed)"
    )
    _add_inputs(cmp_)
    cmp_.add_argument(
        "compositions",
        nargs="+",
        metavar="LABEL=FILE",
        help="a composition and its column title, e.g. styregruppen=forslag.xlsx (two or more)",
    )
    cmp_.add_argument("--language", choices=("da", "en"), default="en")
    cmp_.add_argument("--out", default=None, help="also write the scorecard as a workbook (.xlsx)")
    cmp_.add_argument(
        "--null-samples",
        type=int,
        default=200,
        help="random compositions for the percentiles (0 skips them; default %(default)s)",
    )
    cmp_.add_argument(
        "--show-names",
        action="store_true",
        help="name organisations in the rule messages (personal data; ids only by default)",
    )

    diag = sub.add_parser("diagnose", help="why the networks cannot be composed, what to relax")
    _add_inputs(diag)
    _add_run_options(diag, 30.0)

    rec = sub.add_parser("recompose", help="repair a composition after declines")
    _add_inputs(rec)
    rec.add_argument("--previous", required=True, help="the composition invitations went out for")
    for flag, what in (
        ("--declined", "declined: ID (every network) or ID:NETWORK"),
        ("--accepted", "accepted, stays where it is: ID or ID:NETWORK"),
        ("--unavailable", "out of every network: ID"),
    ):
        rec.add_argument(flag, action="append", default=[], metavar="ID[:NETWORK]", help=what)
    _add_run_options(rec, 10.0)
    _add_output(rec)

    exp = sub.add_parser("explain", help="why each member is in, and why others are not")
    _add_inputs(exp)
    exp.add_argument("--composition", required=True, help="the composition to explain")
    exp.add_argument(
        "--why-not", action="append", default=[], metavar="ID", help="a person who is not in"
    )
    exp.add_argument(
        "--time-limit", type=float, default=3.0, help="seconds per --why-not solve (default 3)"
    )
    exp.add_argument(
        "--language", default="en", choices=("en", "da"), help="en (English) or da (Danish)"
    )
    _add_output(exp, required=False)

    ren = sub.add_parser("renew", help="compose the next round after earlier ones")
    _add_inputs(ren)
    ren.add_argument(
        "--history",
        action="append",
        required=True,
        metavar="FILE",
        help="an earlier round's composition; give each, oldest first",
    )
    ren.add_argument("--repeat-weight", type=float, default=2.0, help="cost of a repeat pair")
    ren.add_argument("--decay", type=float, default=0.5, help="factor per round back in time")
    ren.add_argument(
        "--keep",
        default=None,
        help="members continuing per network: a share (0.5) or a count (4)",
    )
    ren.add_argument("--turn-weight", type=float, default=0.0, help="cost per round served")
    _add_run_options(ren, 10.0)
    ren.add_argument("--solver", default="auto", help="auto or cpsat")
    _add_output(ren)

    rep = sub.add_parser("reproduce", help="rerun the call recorded in a composition's audit")
    _add_inputs(rep)
    rep.add_argument("--composition", required=True, help="a composition written with its audit")
    return parser


def _load(args: argparse.Namespace) -> Problem:

    return load_problem(
        args.candidates,
        args.ties,
        args.networks,
        sheet=args.sheet,
        dissimilarity=args.dissimilarity,
        dissimilarity_sheet=args.dissimilarity_sheet,
        max_errors=args.max_errors,
    )


def _read(path: str, problem: Problem, args: argparse.Namespace) -> Composition:
    """A composition file given on the command line, checked against the problem."""
    return read_composition(path, problem, max_errors=args.max_errors)


class _ProgressBar:
    """A live line on the terminal: elapsed time against the limit, best objective, bound, gap.

    Built on rich; shown only when stdout is a terminal (quiet otherwise, so
    that logs and pipes get the result alone). No personal data.
    """

    def __init__(self, time_limit: float) -> None:
        self.progress = RichProgress(
            TextColumn("[bold]composing[/bold]"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[best]}"),
            transient=True,
        )
        self.task = self.progress.add_task("solve", total=time_limit, best="searching ...")
        self.start = time.perf_counter()

    def __enter__(self) -> _ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, p: Progress) -> None:
        best = f"objective {p.objective:,.1f}"
        if p.bound is not None and p.gap is not None:
            best += f"  bound {p.bound:,.1f}  gap {p.gap:.2%}"
        elapsed = time.perf_counter() - self.start
        self.progress.update(self.task, completed=elapsed, best=best)


def _solve(problem: Problem, args: argparse.Namespace) -> Result:
    def run(progress: ProgressFn | bool | None) -> Result:
        return solve(
            problem,
            time_limit=args.time_limit,
            seed=args.seed,
            workers=args.workers,
            solver=args.solver,
            progress=progress,
            deterministic=args.deterministic,
            language=args.language,
        )

    print(
        f"Composing (time limit {args.time_limit:g} s; Ctrl-C stops early and keeps the best "
        "composition found) ...",
        flush=True,
    )
    if args.quiet:
        return run(None)
    if not sys.stdout.isatty():
        return run(_first_only())
    with _ProgressBar(args.time_limit) as bar:
        return run(bar)


def _first_only() -> ProgressFn:
    """One line at the first composition, for logs and pipes (the bar is for terminals)."""
    said: list[bool] = []

    def on_progress(p: Progress) -> None:
        if not said:
            said.append(True)
            print(
                f"First composition after {p.seconds:.2f} s (objective {p.objective:,.1f}); "
                "improving it ...",
                flush=True,
            )

    return on_progress


def _print_composition(problem: Problem, result: Result) -> None:
    comp = result.composition
    if comp is None:
        print(f"No composition: {result.status}")
        why = result.why_no_composition()
        if why is not None:
            print(why)
        return
    for spec in problem.networks:
        members = comp.members.get(spec.name, ())
        slot = comp.slots.get(spec.name)
        print(f"\n{spec.name} — {spec.theme}: {len(members)} members, meets {slot or '(no slot)'}")
        for cid in members:
            c = problem.pool[cid]
            ext = " external" if c.external else ""
            print(
                f"  {cid:<8} {c.sector:<22} {c.actor_type:<10} {c.area:<16}"
                f" relevance {problem.relevance(cid, spec.name):.2f}{ext}"
            )


def _cmd_demo(args: argparse.Namespace) -> int:
    problem = stevns(seed=0, n=args.n)
    print(problem.summary())
    print(f"\nSeed {args.seed}, {args.workers} workers.")
    result = _solve(problem, args)
    _print_composition(problem, result)
    print()
    print(result.summary())
    if result.composition is None:
        return _interrupted_code(result) or 1
    violations = check(problem, result.composition)
    print(f"Independent check: {'passed' if not violations else f'{len(violations)} violation(s)'}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "composition.xlsx"
    write_composition(result.composition, path, problem=problem, audit=result.audit)
    print(f"Wrote {path}")
    hand = handpick(problem, "snowball", seed=0)
    for language, label in (
        ("da", "styregruppens forslag (simuleret)"),
        ("en", "hand-picked (simulated)"),
    ):
        files = report(
            problem,
            result,
            out / f"rapport_{language}" if language == "da" else out / "report_en",
            language=language,
            compare_with={label: hand},
        )
        print(f"Wrote {files.workbook} and {files.html}")
    return 1 if violations else _interrupted_code(result)


def _cmd_summary(args: argparse.Namespace) -> int:
    print(_load(args).summary())
    return 0


def _cmd_solve(args: argparse.Namespace) -> int:
    problem = _load(args)
    result = _solve(problem, args)
    _print_composition(problem, result)
    print()
    print(result.summary())
    if result.composition is None:
        return _interrupted_code(result) or 1
    _write(problem, result, args)
    return _interrupted_code(result)


#: Exit status after a stop by a signal (the shells' convention, 128 + signal number).
EXIT_INTERRUPTED = {"SIGINT": 130, "SIGTERM": 143}


def _interrupted_code(result: Result) -> int:
    """0, or the exit status of a solve stopped early by Ctrl-C or SIGTERM (after saying so)."""
    if result.interrupted is None:
        return 0
    how = "Ctrl-C" if result.interrupted == "SIGINT" else result.interrupted
    if result.composition is None:
        print(f"Interrupted by {how} before any composition was found; nothing written.")
    else:
        print(f"Interrupted by {how}: the file holds the best composition found until then.")
    return EXIT_INTERRUPTED.get(result.interrupted, 130)


def _write(problem: Problem, result: Result, args: argparse.Namespace) -> None:
    assert result.composition is not None
    write_composition(
        result.composition,
        Path(args.out),
        problem=problem,
        pseudonymise=args.pseudonymise,
        audit=result.audit,
        csv_dialect=args.csv_dialect,
    )
    print(f"Wrote {args.out} (with its audit)")


def _who(items: list[str]) -> list[str | tuple[str, str]]:
    out: list[str | tuple[str, str]] = []
    for item in items:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if ":" in part:
                cid, net = part.split(":", 1)
                out.append((cid.strip(), net.strip()))
            else:
                out.append(part)
    return out


def _cmd_diagnose(args: argparse.Namespace) -> int:
    problem = _load(args)
    found = diagnose(
        problem,
        time_limit=args.time_limit,
        seed=args.seed,
        workers=args.workers,
        deterministic=args.deterministic,
        language=args.language,
    )
    print(found.text())
    return 1 if found.feasible is False else 0


def _cmd_recompose(args: argparse.Namespace) -> int:
    problem = _load(args)
    previous = _read(args.previous, problem, args)
    result = recompose(
        problem,
        previous,
        declined=_who(args.declined),
        accepted=_who(args.accepted),
        unavailable=[w for w in _who(args.unavailable) if isinstance(w, str)],
        time_limit=args.time_limit,
        seed=args.seed,
        workers=args.workers,
        deterministic=args.deterministic,
        language=args.language,
    )
    if result.repair is not None:
        print(result.repair.text())
    print()
    print(result.summary() if result.repair is None else f"Status: {result.status}")
    if result.composition is None:
        return _interrupted_code(result) or 1
    _write(problem, result, args)
    return _interrupted_code(result)


def _cmd_explain(args: argparse.Namespace) -> int:
    problem = _load(args)
    comp = _read(args.composition, problem, args)
    found = explain(problem, comp, language=args.language)
    print(found.text())
    for cid in _who(args.why_not):
        if isinstance(cid, tuple):
            cid = cid[0]
        print()
        print(f"Why not {cid}? " + found.why_not(cid, time_limit=args.time_limit).text())
    if args.out:
        frame = found.to_frame(pseudonymise=args.pseudonymise)
        if Path(args.out).suffix.lower() == ".json":
            Path(args.out).write_text(
                frame.to_json(orient="records", force_ascii=False, indent=2), encoding="utf-8"
            )
        else:
            write_table(frame, args.out, csv_dialect=args.csv_dialect)
        print(f"Wrote {args.out}")
    return 0


def _cmd_renew(args: argparse.Namespace) -> int:
    problem = _load(args)
    history = [_read(h, problem, args) for h in args.history]
    keep: float | int | None = None
    if args.keep is not None:
        text = str(args.keep).strip()
        try:
            keep = int(text) if text.isdigit() else float(text)
        except ValueError:
            raise EvocomposeError(
                "--keep takes a share such as 0.5 or a count such as 4",
                column="keep",
                value=args.keep,
            ) from None
    result = renew(
        problem,
        history,
        repeat_weight=args.repeat_weight,
        decay=args.decay,
        keep=keep,
        turn_weight=args.turn_weight,
        time_limit=args.time_limit,
        seed=args.seed,
        workers=args.workers,
        deterministic=args.deterministic,
        solver=args.solver,
        language=args.language,
    )
    _print_composition(problem, result)
    print()
    print(result.summary())
    if result.composition is None:
        return _interrupted_code(result) or 1
    _write(problem, result, args)
    return _interrupted_code(result)


def _cmd_reproduce(args: argparse.Namespace) -> int:
    problem = _load(args)
    audit = read_audit(args.composition)
    found = reproduce(problem, audit)
    print(found.text())
    return 0 if found.same else 1


def _cmd_check(args: argparse.Namespace) -> int:

    problem = _load(args)
    comp = _read(args.composition, problem, args)
    violations = check(problem, comp, show_names=args.show_names)
    if not violations:
        print("All rules hold.")
        return 0
    print(f"{len(violations)} rule violation(s):")
    for v in violations:
        print(f"  [{v.rule}] {v.message}")
    return 1


def _labelled(items: Sequence[str], flag: str) -> list[tuple[str, str]]:
    """``LABEL=FILE`` arguments as pairs, or a clear error naming the bad one."""
    out = []
    for item in items:
        label, sep, file = item.partition("=")
        if not sep or not label or not file:
            raise EvocomposeError(
                f"write {flag} as LABEL=FILE, e.g. styregruppen=forslag.xlsx",
                column=flag,
                value=item,
            )
        out.append((label, file))
    return out


def _figure(value: object, lang: str) -> str:
    """A scorecard value as the language writes it, without trailing zeros."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if v != v:  # NaN: not measured
        return ""
    digits = 0 if v.is_integer() else 3
    text = number(v, lang, digits)
    mark = "," if lang == "da" else "."
    return text.rstrip("0").rstrip(mark) if mark in text else text


def _cmd_compare(args: argparse.Namespace) -> int:
    problem = _load(args)
    pairs = _labelled(args.compositions, "compositions")
    if len(pairs) < 2:
        raise EvocomposeError(
            "compare needs two or more compositions, e.g. styregruppen=forslag.xlsx "
            "evocompose=composition.xlsx",
            column="compositions",
            value=args.compositions,
        )
    if args.null_samples < 0:
        raise EvocomposeError(
            "--null-samples must be 0 or more", column="--null-samples", value=args.null_samples
        )
    comps = {label: _read(file, problem, args) for label, file in pairs}
    card = compare(problem, comps, null_samples=args.null_samples, show_names=args.show_names)
    lang = args.language
    frame = card.frame.rename(index=lambda r: yardstick_label(str(r), lang))
    text = frame.map(lambda v: _figure(v, lang)).to_string()
    print(text)
    for label, nets in card.filled_slots.items():
        print(
            f"{label}: no meeting slot given for {', '.join(nets)}; judged at the slot most of "
            "its members are free"
            if lang == "en"
            else f"{label}: intet mødetidspunkt angivet for {', '.join(nets)}; vurderet ved det "
            "tidspunkt, hvor flest af medlemmerne kan"
        )
    for label, found in card.violations.items():
        if found:
            print(
                f"{label}: {len(found)} " + ("regelbrud:" if lang == "da" else "rule violation(s):")
            )
            for v in found[:10]:
                print(f"  [{v.rule}] {v.message}")
            if len(found) > 10:
                print(f"  ... {len(found) - 10} more")
    best = card.best()
    wins = {label: int((best == label).sum()) for label in card.labels}
    print()
    rows = len(card.frame)
    line = (
        "{label}: bedst på {n} af {rows} mål"
        if args.language == "da"
        else ("{label}: best on {n} of {rows} yardsticks")
    )
    print("; ".join(line.format(label=label, n=n, rows=rows) for label, n in wins.items()))
    if args.out:
        path = card.to_excel(args.out)
        print(f"Wrote {path}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    problem = _load(args)
    comp = _read(args.composition, problem, args)
    others = {
        label: _read(file, problem, args)
        for label, file in _labelled(args.compare_with, "--compare-with")
    }
    files = report(
        problem,
        comp,
        args.out,
        language=args.language,
        compare_with=others or None,
        pseudonymise=args.pseudonymise,
    )
    print(f"Wrote {files.workbook} and {files.html}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    commands = {
        "demo": _cmd_demo,
        "summary": _cmd_summary,
        "solve": _cmd_solve,
        "check": _cmd_check,
        "report": _cmd_report,
        "compare": _cmd_compare,
        "diagnose": _cmd_diagnose,
        "recompose": _cmd_recompose,
        "explain": _cmd_explain,
        "renew": _cmd_renew,
        "reproduce": _cmd_reproduce,
    }
    previous = _terminate_as_interrupt()
    try:
        return commands[args.command](args)
    except EvocomposeError as exc:
        print(f"evocompose: error: {exc}", file=sys.stderr)
        return 2
    except _Terminated:
        print("evocompose: stopped by SIGTERM; no file was written or changed", file=sys.stderr)
        return EXIT_INTERRUPTED["SIGTERM"]
    except KeyboardInterrupt:
        print("evocompose: interrupted; no file was written or changed", file=sys.stderr)
        return EXIT_INTERRUPTED["SIGINT"]
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(Exception):
    """SIGTERM outside a solve (while reading or writing): end as quietly as Ctrl-C does."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _terminate_as_interrupt() -> signal.Handlers | Callable[..., object] | int | None:
    """Make SIGTERM end the command with a message instead of silently (main thread only).

    During a solve the solver's own handler takes over (it keeps the best
    composition); outside it the command stops, and files are written
    atomically, so nothing half-written is left.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _raise_terminated)
    return previous if previous is not None else signal.SIG_DFL


if __name__ == "__main__":
    sys.exit(main())
