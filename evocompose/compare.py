"""Side-by-side scorecards: hand-picked versus optimised compositions.

:func:`compare` puts several compositions of the same problem next to each
other on the same yardsticks:

* every headline yardstick of :func:`evocompose.metrics.scorecard`;
* the weighted objective (:func:`evocompose.objective.weighted_total`) and
  the weighted contribution of each of its terms (``objective: <term>``);
* the number of broken hard rules (:func:`evocompose.check.check`), in total
  and per rule (``violations: <rule>``);
* for the objective and the key yardsticks, the composition's percentile
  among random compositions (``percentile: <yardstick>``), see
  :func:`null_compositions`.

The percentile answers "how much better than chance is this?". It is the
mid-rank percentile ``100 * (#below + #equal / 2) / N`` over the ``N`` null
samples, so it lies in [0, 100] and is 50 for a composition that is as good
as a typical random one.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evocompose import metrics
from evocompose.check import Violation, check
from evocompose.composition import Composition
from evocompose.objective import TERMS, evaluate, weighted_total
from evocompose.result import Result

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = [
    "KEY_YARDSTICKS",
    "Scorecard",
    "compare",
    "null_compositions",
    "with_best_slots",
    "yardsticks",
]

#: Scorecard yardsticks that also get a percentile against the null model
#: (those present in :func:`evocompose.metrics.scorecard`'s output).
KEY_YARDSTICKS: tuple[str, ...] = (
    "blau_sector_mean",
    "blau_actor_type_mean",
    "mean_pairwise_distance",
    "new_cross_sector_ties",
    "ei_index_mean",
    "relevance_mean",
)
#: Words in a yardstick's name that mean lower is better (for highlighting).
LOWER_IS_BETTER_WORDS: tuple[str, ...] = ("violation", "isolates")


def _composition(label: str, comp: Composition | Result) -> Composition:
    if isinstance(comp, Result):
        if comp.composition is None:
            raise ValueError(f"{label!r}: the result has no composition (status {comp.status})")
        return comp.composition
    if not isinstance(comp, Composition):
        raise TypeError(f"{label!r}: expected a Composition or Result, got {type(comp).__name__}")
    return comp


def objective_rows(problem: Problem, comp: Composition) -> dict[str, float]:
    """``objective`` and ``objective: <term>`` (weighted contribution of each term)."""
    values = evaluate(problem, comp)
    out = {"objective": weighted_total(problem, values)}
    contrib = dict.fromkeys(TERMS, 0.0)
    for spec in problem.networks:
        w = problem.network_weights(spec.name)
        for term, v in values.get(spec.name, {}).items():
            if term != "spread":
                contrib[term] += w.term_weight(term) * v
    contrib["spread"] = problem.weights.spread * values.get("*", {}).get("spread", 0.0)
    for term in TERMS:
        if contrib[term] or problem.weights.term_weight(term):
            out[f"objective: {term}"] = contrib[term]
    return out


def yardsticks(problem: Problem, comp: Composition) -> dict[str, float]:
    """Headline yardsticks (:func:`evocompose.metrics.scorecard`) plus the objective rows."""
    card = metrics.scorecard(problem, comp)
    out = {str(k): _as_float(v) for k, v in card.items()}
    out.update(objective_rows(problem, comp))
    return out


def _as_float(v: object) -> float:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _mode_slot(problem: Problem, network: str, members: Sequence[str]) -> str | None:
    spec = problem.network(network)
    allowed = set(spec.meeting.slots) if spec.meeting is not None and spec.meeting.slots else None
    counts = Counter(
        s for m in members for s in problem.pool[m].availability if allowed is None or s in allowed
    )
    if not counts:
        return None
    order = {s: i for i, s in enumerate(problem.pool.slots)}
    return min(counts, key=lambda s: (-counts[s], order.get(s, len(order)), s))


def with_best_slots(problem: Problem, comp: Composition) -> tuple[Composition, tuple[str, ...]]:
    """``comp`` with a meeting slot for every network that has a meeting rule but none given.

    A hand-picked proposal usually names members only. Judging it without a
    slot would break every meeting rule, so each such network gets the
    allowed slot in which most of its members are free (ties: week order),
    the slot a steering group would pick.

    Returns
    -------
    (Composition, tuple of str)
        The composition (``comp`` itself when nothing was missing) and the
        networks whose slot was chosen here.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> spec = evo.NetworkSpec("a", min_size=2, max_size=3, meeting=evo.MeetingRule(1.0))
    >>> q = p.replace(networks=(spec, p.networks[1]))
    >>> comp, filled = with_best_slots(q, evo.Composition({"a": ["p1", "p2"], "b": ["p3", "p4"]}))
    >>> comp.slots["a"], filled
    ('tue-evening', ('a',))
    """
    filled = []
    slots = dict(comp.slots)
    for spec in problem.networks:
        members = [m for m in comp.members.get(spec.name, ()) if m in problem.pool]
        if spec.meeting is None or not members or slots.get(spec.name) is not None:
            continue
        best = _mode_slot(problem, spec.name, members)
        if best is not None:
            slots[spec.name] = best
            filled.append(spec.name)
    if not filled:
        return comp, ()
    return Composition(comp.members, slots), tuple(filled)


def null_compositions(problem: Problem, n: int = 200, *, seed: int = 0) -> list[Composition]:
    """Random compositions that satisfy the size rules: the null model.

    For each sample the networks are visited in a random order; each gets a
    size drawn uniformly from ``[min_size, max_size]``, its pinned members,
    and then members drawn uniformly from the people who are eligible
    (:meth:`Problem.eligible`), have capacity left and may share with every
    network they already sit in. The meeting slot is the most common slot
    among the members. Quotas, skills, conflicts, must-pairs and organisation
    limits are deliberately ignored: the null model is "anyone eligible, any
    admissible size". When fewer people are available than the drawn size the
    network takes all of them (it can then fall below ``min_size``).

    Parameters
    ----------
    problem : Problem
    n : int
        Number of samples.
    seed : int
        The same seed gives the same samples.

    Returns
    -------
    list of Composition

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> samples = null_compositions(p, 5, seed=1)
    >>> all(2 <= c.size(net) <= 3 for c in samples for net in p.network_names)
    True
    """
    rng = np.random.default_rng(seed)
    ids = problem.pool.ids
    eligible = {net: [c for c in ids if problem.eligible(c, net)] for net in problem.network_names}
    out: list[Composition] = []
    for _ in range(n):
        used: Counter[str] = Counter()
        where: dict[str, list[str]] = {}
        members: dict[str, list[str]] = {net: [] for net in problem.network_names}
        for spec in problem.networks:
            for cid in spec.include:
                members[spec.name].append(cid)
                used[cid] += 1
                where.setdefault(cid, []).append(spec.name)
        for k in rng.permutation(len(problem.networks)):
            spec = problem.networks[int(k)]
            net = spec.name
            size = int(rng.integers(spec.min_size, spec.max_size + 1))
            need = size - len(members[net])
            if need <= 0:
                continue
            inside = set(members[net])
            free = [
                c
                for c in eligible[net]
                if c not in inside
                and used[c] < problem.capacity(c)
                and all(problem.may_share(o, net) for o in where.get(c, ()))
            ]
            if len(free) > need:
                pick = rng.choice(len(free), size=need, replace=False)
                chosen = [free[int(i)] for i in sorted(pick)]
            else:
                chosen = free
            for c in chosen:
                members[net].append(c)
                used[c] += 1
                where.setdefault(c, []).append(net)
        slots = {net: _mode_slot(problem, net, m) for net, m in members.items()}
        out.append(Composition(members, slots))
    return out


def _percentile(value: float, null: np.ndarray) -> float:
    null = null[np.isfinite(null)]
    if not math.isfinite(value) or null.size == 0:
        return math.nan
    below = float(np.sum(null < value))
    equal = float(np.sum(null == value))
    return 100.0 * (below + equal / 2.0) / null.size


def lower_is_better(row: str) -> bool:
    """Whether a smaller value of this scorecard row is better (violations, isolates)."""
    name = row.lower()
    return any(w in name for w in LOWER_IS_BETTER_WORDS) and not name.startswith("percentile")


@dataclass(frozen=True, eq=False)
class Scorecard:
    """Compositions side by side on the same yardsticks.

    Attributes
    ----------
    frame : pandas.DataFrame
        Rows are yardsticks, columns are the composition labels.
    violations : dict of str to list of Violation
        The broken rules of each composition.
    null : pandas.DataFrame
        The null-model samples (one row per sample) of the yardsticks that
        got a percentile.
    key_rows : tuple of str
        The headline rows (used by :func:`evocompose.plotting.plot_scorecard`).
    filled_slots : dict of str to tuple of str
        Per composition label, the networks whose meeting slot the
        composition did not give and :func:`with_best_slots` chose (so that
        a proposal naming members only is not judged as breaking every
        meeting rule).
    """

    frame: pd.DataFrame
    violations: Mapping[str, list[Violation]] = field(default_factory=dict)
    null: pd.DataFrame = field(default_factory=pd.DataFrame)
    key_rows: tuple[str, ...] = ()
    filled_slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        """The composition labels, in column order."""
        return tuple(str(c) for c in self.frame.columns)

    def higher_is_better(self, row: str) -> bool:
        """Whether a larger value of ``row`` is better (violations and the like: no)."""
        return not lower_is_better(row)

    def best(self) -> pd.Series:
        """Label of the best composition per row (``None`` when all are equal or missing)."""
        out: dict[str, str | None] = {}
        for row, values in self.frame.iterrows():
            v = values.astype(float)
            if v.isna().all() or v.nunique(dropna=True) <= 1:
                out[str(row)] = None
                continue
            out[str(row)] = str(v.idxmax() if self.higher_is_better(str(row)) else v.idxmin())
        return pd.Series(out, dtype=object)

    def ratios(self, baseline_label: str) -> pd.DataFrame:
        """Every column divided by the ``baseline_label`` column, row by row.

        Percentile rows are left out; a ratio is NaN where the baseline is 0.

        Examples
        --------
        >>> sc = Scorecard(pd.DataFrame({"hand": [2.0, 0.0], "evo": [3.0, 1.0]}, index=["x", "y"]))
        >>> sc.ratios("hand")["evo"].tolist()
        [1.5, nan]
        """
        if baseline_label not in self.frame.columns:
            raise KeyError(
                f"no composition labelled {baseline_label!r}; labels: {list(self.labels)}"
            )
        rows = [r for r in self.frame.index if not str(r).startswith("percentile")]
        data = self.frame.loc[rows].astype(float)
        base = data[baseline_label].replace(0.0, np.nan)
        return data.div(base, axis=0)

    def __str__(self) -> str:
        frame = self.frame.copy()
        text = frame.to_string(float_format=lambda v: f"{v:,.3f}".rstrip("0").rstrip("."))
        lines = [text]
        for label, nets in self.filled_slots.items():
            lines.append(
                f"{label}: no meeting slot given for {', '.join(nets)}; "
                "judged at the slot most of its members are free"
            )
        for label, vs in self.violations.items():
            if vs:
                lines.append(f"{label}: {len(vs)} rule violation(s)")
                lines += [f"  [{v.rule}] {v.message}" for v in vs[:10]]
                if len(vs) > 10:
                    lines.append(f"  ... and {len(vs) - 10} more")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Scorecard(labels={list(self.labels)}, rows={len(self.frame)})"

    def _repr_html_(self) -> str:
        best = self.best()
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.frame.columns)
        body = []
        for row, values in self.frame.iterrows():
            cells = []
            for label, v in values.items():
                fv = _as_float(v)
                text = "" if math.isnan(fv) else f"{fv:,.3f}".rstrip("0").rstrip(".")
                style = (
                    ' style="font-weight:bold;background:#d8f0d8"'
                    if best.get(str(row)) == str(label)
                    else ""
                )
                cells.append(f"<td{style}>{text}</td>")
            body.append(f"<tr><th>{html.escape(str(row))}</th>{''.join(cells)}</tr>")
        parts = [
            '<table class="evocompose-scorecard">',
            f"<thead><tr><th>yardstick</th>{head}</tr></thead>",
            f"<tbody>{''.join(body)}</tbody></table>",
        ]
        for label, vs in self.violations.items():
            title = f"{html.escape(label)}: {len(vs)} rule violation(s)"
            if not vs:
                parts.append(f"<p>{title}</p>")
                continue
            items = "".join(
                f"<li><code>{html.escape(v.rule)}</code> {html.escape(v.message)}</li>" for v in vs
            )
            parts.append(f"<details><summary>{title}</summary><ul>{items}</ul></details>")
        return "\n".join(parts)

    def violation_frame(self) -> pd.DataFrame:
        """One row per violation: ``label, rule, network, people, message``."""
        rows = [
            {
                "label": label,
                "rule": v.rule,
                "network": v.network,
                "people": ";".join(v.people),
                "message": v.message,
            }
            for label, vs in self.violations.items()
            for v in vs
        ]
        return pd.DataFrame(rows, columns=["label", "rule", "network", "people", "message"])

    def to_excel(self, path: str | Path) -> Path:
        """Write sheets ``scorecard``, ``violations`` and ``null_model`` to an XLSX file.

        Text is stored as text: a label or message starting with ``=`` never
        becomes a formula.
        """
        path = Path(path)
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            self.frame.to_excel(writer, sheet_name="scorecard", index_label="yardstick")
            self.violation_frame().to_excel(writer, sheet_name="violations", index=False)
            self.null.to_excel(writer, sheet_name="null_model", index_label="sample")
            for sheet in writer.book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":  # text that openpyxl took for a formula
                            cell.data_type = "s"
        return path


def compare(
    problem: Problem,
    compositions: Mapping[str, Composition | Result],
    *,
    null_samples: int = 200,
    seed: int = 0,
    null_rows: Sequence[str] | None = None,
    show_names: bool = False,
) -> Scorecard:
    """Score several compositions of ``problem`` side by side.

    Parameters
    ----------
    problem : Problem
    compositions : mapping of str to Composition or Result
        Label (column name) to composition; a :class:`Result` contributes its
        composition.
    null_samples : int
        Number of random compositions (:func:`null_compositions`) the
        percentiles are measured against; 0 skips the percentiles.
    seed : int
        Seed of the null model.
    null_rows : sequence of str, optional
        Yardsticks that get a percentile; default ``objective`` plus those of
        :data:`KEY_YARDSTICKS` that the scorecard reports.
    show_names : bool
        Quote organisations in the violation messages (see
        :func:`evocompose.check`); by default they name members by id only.

    Returns
    -------
    Scorecard

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> sc = compare(p, {"x": evo.Composition({"a": ["p1", "p2"], "b": ["p3", "p4"]})},
    ...              null_samples=20)
    >>> sc.frame.loc["violations", "x"]
    np.float64(0.0)
    """
    if not compositions:
        raise ValueError("give at least one composition to compare")
    comps: dict[str, Composition] = {}
    filled: dict[str, tuple[str, ...]] = {}
    for k, v in compositions.items():
        comps[str(k)], chosen = with_best_slots(problem, _composition(str(k), v))
        if chosen:
            filled[str(k)] = chosen
    columns: dict[str, dict[str, float]] = {}
    violations: dict[str, list[Violation]] = {}
    for label, comp in comps.items():
        col = yardsticks(problem, comp)
        vs = check(problem, comp, show_names=show_names)
        violations[label] = vs
        col["violations"] = float(len(vs))
        columns[label] = col
    rules = sorted({v.rule for vs in violations.values() for v in vs})
    for label, vs in violations.items():
        counts = Counter(v.rule for v in vs)
        for rule in rules:
            columns[label][f"violations: {rule}"] = float(counts.get(rule, 0))
    frame = pd.DataFrame(columns)
    order = list(dict.fromkeys(k for col in columns.values() for k in col))
    frame = frame.reindex(order)
    if null_rows is None:
        null_rows = ["objective", *[r for r in KEY_YARDSTICKS if r in frame.index]]
    null_rows = [r for r in null_rows if r in frame.index]
    null = pd.DataFrame(columns=null_rows, dtype=float)
    if null_samples > 0 and null_rows:
        need_metrics = any(not r.startswith("objective") for r in null_rows)
        samples = []
        for c in null_compositions(problem, null_samples, seed=seed):
            vals = yardsticks(problem, c) if need_metrics else objective_rows(problem, c)
            samples.append({r: vals.get(r, math.nan) for r in null_rows})
        null = pd.DataFrame(samples, columns=null_rows, dtype=float)
        pct = {
            f"percentile: {r}": {
                label: _percentile(_as_float(frame.loc[r, label]), null[r].to_numpy())
                for label in comps
            }
            for r in null_rows
        }
        frame = pd.concat([frame, pd.DataFrame(pct).T])
    key = tuple(r for r in ("objective", *KEY_YARDSTICKS, "violations") if r in frame.index)
    return Scorecard(
        frame=frame.astype(float),
        violations=violations,
        null=null,
        key_rows=key,
        filled_slots=filled,
    )
