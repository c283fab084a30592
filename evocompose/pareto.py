"""Trade-off fronts between two objective terms, by the ε-constraint method.

"How much relevance does more sector diversity cost?" :func:`pareto`
answers with a table of compositions, each the most diverse (``y``) that
keeps at least a given relevance (``x``):

1. a start: the problem's best weighted composition (:func:`evocompose.solve`,
   or the ``start`` given), which hints every later solve;
2. the two ends of the front: the composition with the most ``y`` (then,
   among those, the most ``x``) and the one with the most ``x`` (then the
   most ``y``);
3. between them, ``points - 2`` evenly spaced levels ``a``: maximise ``y``
   subject to ``x >= a`` and every rule, then ``x`` with ``y`` kept (so no
   point is beaten on both by another composition with the same ``y``).

Each solve is CP-SAT on the full rule set
(:class:`~evocompose.solvers.cpsat.targets.TargetModel`); the points are
independent and go through :func:`evocompose.batch.run_batch` (any
executor). A point is ``OPTIMAL`` only when CP-SAT proved both stages:
then no composition has more ``y`` at that level, and the point lies on the
true front. Otherwise ``y_bound`` says how much ``y`` could at most be
reached at that level.

``x`` and ``y`` are term names (:data:`evocompose.vocabulary.TERM_NAMES`,
raw values summed over networks as :attr:`evocompose.Result.terms` reports
them) or ``"objective"`` (the weighted objective).
"""

from __future__ import annotations

import concurrent.futures as cf
import math
from typing import Any

import numpy as np
import pandas as pd

from evocompose.batch import SolveFailure, for_workers, run_batch
from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.errors import SolverError
from evocompose.metrics import scorecard
from evocompose.result import Result
from evocompose.solve import solve
from evocompose.solvers import get_backend
from evocompose.solvers.contract import SolveOptions
from evocompose.sweep import result_row
from evocompose.vocabulary import TERM_NAMES

__all__ = ["TARGET_NAMES", "pareto", "value_of"]

#: The weighted objective among the values a front can trade.
OBJECTIVE = "objective"
#: Every value a front can trade: each term and the weighted objective.
TARGET_NAMES: tuple[str, ...] = (*TERM_NAMES, OBJECTIVE)


def value_of(result: Result, name: str) -> float:
    """A result's value of a term (raw, summed over networks) or of ``"objective"``."""
    if name == OBJECTIVE:
        return float(result.objective) if result.objective is not None else math.nan
    return float(result.terms.get(name, math.nan))


def _front_point(
    problem: Problem,
    goals: tuple[str, str],
    floor: tuple[str, float] | None,
    options: SolveOptions,
) -> tuple[Result, list[tuple[str, str, float | None, float | None]], dict[str, float]]:
    """Worker: one ε-constraint solve; the result, its stages and yardsticks."""
    from evocompose.solvers.cpsat.targets import TargetModel  # deferred: loads ortools

    tm = TargetModel(problem)
    if floor is not None:
        tm.set_floor(floor[0], floor[1], guarantee=False)
    out = tm.maximise(list(goals), options)
    stages = [(s.name, str(s.status), s.value, s.bound) for s in out.stages]
    card: dict[str, float] = {}
    if out.result.composition is not None:
        card = {str(k): float(v) for k, v in scorecard(problem, out.result.composition).items()}
    return out.result, stages, card


def _check_names(problem: Problem, x: str, y: str, points: int) -> None:
    for axis, name in (("x", x), ("y", y)):
        if name not in TARGET_NAMES:
            raise SolverError(
                f"{axis} must be a term or 'objective'; choose one of {', '.join(TARGET_NAMES)}",
                column=axis,
                value=name,
            )
        if name == "dissimilarity" and problem.dissimilarity is None:
            raise SolverError(
                "the problem has no dissimilarity matrix, so 'dissimilarity' cannot be an axis",
                column=axis,
                value=name,
            )
    if x == y:
        raise SolverError("x and y must differ: a front trades one value against another", value=x)
    if isinstance(points, bool) or not isinstance(points, int) or points < 2:
        raise SolverError("points must be a whole number >= 2", column="points", value=points)
    reasons = get_backend("cpsat").unsupported(problem)
    if reasons:
        raise SolverError(
            "a front is computed with CP-SAT, which cannot honour " + "; ".join(reasons),
            value="cpsat",
        )


def pareto(
    problem: Problem,
    x: str = "relevance",
    y: str = "sector",
    points: int = 10,
    *,
    time_limit: float = 10.0,
    executor: cf.Executor | None = None,
    progress: bool | None = None,
    seed: int = 0,
    workers: int = 1,
    deterministic: bool = False,
    start: Result | Composition | None = None,
) -> pd.DataFrame:
    """The trade-off front between two values: the most ``y`` for each level of ``x``.

    Parameters
    ----------
    problem : Problem
    x, y : str
        Term names (raw values summed over networks) or ``"objective"``.
        ``y`` is maximised at each level ``x >= a``.
    points : int
        Rows of the front: its two ends and ``points - 2`` levels between
        (just the two ends when they have the same ``x``: then there is no
        trade-off to show).
    time_limit : float
        Seconds per point (and for the start, when not given).
    executor : concurrent.futures.Executor, optional
        Where the points are solved (default: a process pool on this machine).
    progress : bool, optional
        A progress bar over the points (default: on a terminal or in a notebook).
    seed, workers, deterministic
        CP-SAT's seed, threads per point, and deterministic time (see
        :func:`evocompose.solve`).
    start : Result or Composition, optional
        A good composition to start from (default: ``solve(problem)`` for
        ``time_limit`` seconds).

    Returns
    -------
    pandas.DataFrame
        One row per point, by increasing ``level``: ``point``, ``kind``
        (``"most <y>"``, ``"level"``, ``"most <x>"``), ``level`` (the
        floor ``x >= level``; ``NaN`` at the ends), the columns ``x`` and
        ``y`` (named by the values), ``y_bound`` (CP-SAT's proven upper
        bound on ``y`` at that level), ``status`` (``OPTIMAL`` when the
        point is proven to lie on the front, ``FEASIBLE`` when it is the
        best found in time, else the solve's status or ``ERROR``),
        ``on_front`` (no other row is at least as good on both and better
        on one), then ``objective``, ``term:<name>``, the yardsticks, ``error``
        and ``result`` as in :func:`evocompose.sweep`. ``frame.attrs``
        holds ``x``, ``y`` and the problem's name (read by
        :func:`evocompose.plotting.plot_front`).

    Raises
    ------
    SolverError
        Unknown or equal ``x`` and ``y``, fewer than 2 points, or a problem
        CP-SAT cannot honour.

    Examples
    --------
    >>> import evocompose as evo
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     front = pareto(evo.datasets.tiny(), x="cohesion", y="skills", points=3,
    ...                    time_limit=5, executor=pool)
    >>> front[["kind", "level", "cohesion", "skills", "status"]].values.tolist()
    [['most skills', nan, 2.0, 8.0, 'OPTIMAL'], ['level', 3.0, 4.0, 6.0, 'OPTIMAL'], ['most cohesion', nan, 4.0, 6.0, 'OPTIMAL']]
    """
    _check_names(problem, x, y, points)
    options = SolveOptions(
        time_limit=time_limit, seed=seed, workers=workers, deterministic=deterministic
    )
    base = for_workers(problem)
    hint: Composition | None
    if isinstance(start, Result):
        hint = start.composition
    elif isinstance(start, Composition):
        hint = start
    else:
        hint = solve(
            base,
            time_limit=time_limit,
            seed=seed,
            workers=max(workers, 2),
            deterministic=deterministic,
        ).composition
    opts = options.replace(hint=hint)
    ends = [((y, x), None, opts), ((x, y), None, opts)]
    found: dict[int, Any] = {}
    for k, value in run_batch(
        _front_point,
        [(base, goals, floor, o) for goals, floor, o in ends],
        executor=executor,
        progress=progress,
        desc="front ends",
        workers_per_task=workers,
    ):
        found[k] = value
    rows: list[dict[str, Any]] = [_row(0, f"most {y}", math.nan, x, y, found.get(0))]
    last = _row(points - 1, f"most {x}", math.nan, x, y, found.get(1))
    lo, hi = rows[0][x], last[x]
    levels: list[float] = []
    if points > 2 and math.isfinite(lo) and math.isfinite(hi) and hi > lo + 1e-9:
        levels = [float(v) for v in np.linspace(lo, hi, points)[1:-1]]
    top = found.get(1)
    top_comp = top[0].composition if isinstance(top, tuple) else None
    mid_opts = opts.replace(hint=top_comp if top_comp is not None else hint)
    middle: dict[int, Any] = {}
    for k, value in run_batch(
        _front_point,
        [(base, (y, x), (x, level), mid_opts) for level in levels],
        executor=executor,
        progress=progress,
        desc="front",
        workers_per_task=workers,
    ):
        middle[k] = value
    for k, level in enumerate(levels):
        rows.append(_row(k + 1, "level", level, x, y, middle.get(k)))
    last["point"] = len(levels) + 1
    rows.append(last)
    frame = pd.DataFrame(rows)
    frame.insert(
        list(frame.columns).index("status") + 1, "on_front", _non_dominated(frame[x], frame[y])
    )
    frame.attrs.update({"x": x, "y": y, "problem": problem.name})
    return frame


def _row(point: int, kind: str, level: float, x: str, y: str, value: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"point": point, "kind": kind, "level": level}
    if isinstance(value, tuple):
        result, stages, card = value
        base = result_row(result, card)
        proven = bool(stages) and all(st == "OPTIMAL" for _, st, _, _ in stages)
        y_bound = next((b for name, _, _, b in stages if name == y), None)
        row[x] = value_of(result, x) if result.composition is not None else math.nan
        row[y] = value_of(result, y) if result.composition is not None else math.nan
        row["y_bound"] = y_bound if y_bound is not None else math.nan
        status = ("OPTIMAL" if proven else "FEASIBLE") if result.composition else base["status"]
        row["status"] = status
        rest = {k: v for k, v in base.items() if k != "status"}
        rest.pop("bound", None)
        rest.pop("gap", None)
        row.update(rest)
        row["error"] = None
        row["result"] = result
    else:
        base = result_row(None)
        row[x] = row[y] = row["y_bound"] = math.nan
        row["status"] = "ERROR"
        rest = {k: v for k, v in base.items() if k not in ("status", "bound", "gap")}
        row.update(rest)
        row["error"] = (
            f"{value.error_type}: {value.error}"
            if isinstance(value, SolveFailure)
            else "not solved"
        )
        row["result"] = None
    return row


def _non_dominated(xs: pd.Series, ys: pd.Series) -> list[bool]:
    pts = list(zip(xs.astype(float), ys.astype(float), strict=True))
    out = []
    for a, b in pts:
        if not (math.isfinite(a) and math.isfinite(b)):
            out.append(False)
            continue
        tol_a, tol_b = 1e-9 * max(1.0, abs(a)), 1e-9 * max(1.0, abs(b))
        dominated = any(
            math.isfinite(c)
            and math.isfinite(d)
            and c >= a - tol_a
            and d >= b - tol_b
            and (c > a + tol_a or d > b + tol_b)
            for c, d in pts
        )
        out.append(not dominated)
    return out
