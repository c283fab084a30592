"""Parameter sweeps: solve a problem at many settings and put the results side by side.

A *parameter path* names one setting of a :class:`~evocompose.Problem`:

==========================================  =====================================================
path                                        what it sets
==========================================  =====================================================
``weights.<w>``                             a weight (``weights.relevance``), or ``mode``,
                                            ``order``, ``cohesion_target``
``weights.attribute_weights.<attribute>``   the factor of one declared attribute
``network.<name>.<field>``                  ``min_size``, ``max_size``, ``min_relevance``,
                                            ``min_known``, ``theme``, ``tags``, ``include``,
                                            ``exclude`` of one network (``*``: every network)
``network.<name>.weights.<w>``              the network's own weight (``None`` removes it)
``network.<name>.quota.<which>.<field>``    ``min``, ``max``, ``unit`` or ``values`` of a
                                            quota: ``<which>`` is its position (0, 1, ...),
                                            its field when the network has one quota on it
                                            (``external``), or its label (a sector group)
``network.<name>.skill.<skill>.min``        a skill requirement
``network.<name>.max_per.<field>``          a ``max_per`` limit (``None`` removes it)
``network.<name>.meeting.<field>``          ``quorum`` or ``slots`` of the meeting rule
``network.<name>.bridge.<field>``           ``min`` or ``mode`` of the bridge rule
``<field>``                                 a global setting: ``default_capacity``,
                                            ``assign_all``, ``required``, ``excluded``,
                                            ``conflicts``, ``must_pairs``, ``share_members``,
                                            ``attributes``, ``name``
==========================================  =====================================================

:func:`set_parameters` applies paths to a problem (all at once, then
validates, so ``min_size`` and ``max_size`` can move together);
:func:`parameter_paths` lists every path a problem has; :func:`sweep`
solves every point of a grid through :func:`evocompose.batch.run_batch`.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import difflib
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evocompose.batch import SOLVE_OPTIONS, SolveFailure, for_workers, run_batch
from evocompose.data import NetworkSpec, Problem
from evocompose.errors import EvocomposeError, ProblemError, SolverError
from evocompose.metrics import SCORECARD, scorecard
from evocompose.result import Result
from evocompose.solve import solve
from evocompose.vocabulary import TERM_NAMES
from evocompose.weights import WEIGHT_FIELDS

__all__ = ["parameter_paths", "set_parameters", "sweep"]

#: Global settings a path may name directly.
PROBLEM_FIELDS: tuple[str, ...] = (
    "default_capacity",
    "assign_all",
    "required",
    "excluded",
    "conflicts",
    "must_pairs",
    "share_members",
    "attributes",
    "name",
)
#: Plain fields of a network a path may name.
NETWORK_FIELDS: tuple[str, ...] = (
    "theme",
    "min_size",
    "max_size",
    "tags",
    "min_relevance",
    "min_known",
    "include",
    "exclude",
)
_RULE_PARTS = ("weights", "quota", "skill", "max_per", "meeting", "bridge")
_QUOTA_FIELDS = ("min", "max", "unit", "values")
_MEETING_FIELDS = ("quorum", "slots")
_BRIDGE_FIELDS = ("min", "mode")


def _fail(path: str, why: str, choices: Iterable[str] = ()) -> ProblemError:
    options = list(choices)
    text = f"parameter path {path!r}: {why}"
    if options:
        text += f"; choose one of: {', '.join(options)}"
    return ProblemError(text, column=path, value=path)


@dataclass(frozen=True)
class _Target:
    """A resolved path: what it changes, per network where it applies."""

    path: str
    kind: str  # problem, weights, attribute_weight, network, network_weight, quota, skill, ...
    setting: str = ""
    keys: Mapping[str, Any] = field(default_factory=dict)  # network -> quota index / skill / ...


def _networks(problem: Problem, name: str, path: str) -> tuple[str, ...]:
    if name == "*":
        return problem.network_names
    if name not in problem.network_names:
        raise _fail(path, f"no network {name!r}", [*problem.network_names, "*"])
    return (name,)


def _quota_index(spec: NetworkSpec, which: str, path: str) -> int:
    quotas = spec.quotas
    labels = [f"{k} ({q.describe()})" for k, q in enumerate(quotas)]
    if not quotas:
        raise _fail(path, f"network {spec.name!r} has no quota")
    if which.isdigit():
        k = int(which)
        if k < len(quotas):
            return k
        raise _fail(path, f"network {spec.name!r} has {len(quotas)} quota(s)", labels)
    by_label = [k for k, q in enumerate(quotas) if q.label == which]
    if len(by_label) == 1:
        return by_label[0]
    by_field = [k for k, q in enumerate(quotas) if q.field == which]
    if len(by_field) == 1:
        return by_field[0]
    why = (
        f"network {spec.name!r} has {len(by_field)} quotas on {which!r}; name one by position"
        if by_field
        else f"network {spec.name!r} has no quota {which!r}"
    )
    raise _fail(path, why, labels)


def _resolve(problem: Problem, path: str) -> _Target:
    """Check a path against ``problem`` and say what it changes."""
    if not isinstance(path, str) or not path:
        raise _fail(str(path), "a path is a text such as 'weights.relevance'")
    parts = path.split(".")
    head = parts[0]
    if head == "weights":
        if len(parts) == 2 and parts[1] in WEIGHT_FIELDS and parts[1] != "attribute_weights":
            return _Target(path, "weights", parts[1])
        if len(parts) == 3 and parts[1] == "attribute_weights":
            if parts[2] not in problem.attributes:
                raise _fail(path, "not a declared attribute", problem.attributes)
            return _Target(path, "attribute_weight", parts[2])
        fields = [f for f in WEIGHT_FIELDS if f != "attribute_weights"]
        raise _fail(
            path,
            "unknown weight",
            [f"weights.{f}" for f in fields] + ["weights.attribute_weights.<attribute>"],
        )
    if head == "network":
        if len(parts) < 3:
            raise _fail(path, "say which network and what: network.<name>.<field>")
        nets = _networks(problem, parts[1], path)
        what, rest = parts[2], parts[3:]
        if what in NETWORK_FIELDS and not rest:
            return _Target(path, "network", what, dict.fromkeys(nets, None))
        if what == "weights" and len(rest) == 1:
            if rest[0] not in WEIGHT_FIELDS or rest[0] == "attribute_weights":
                raise _fail(path, "unknown weight", [f for f in WEIGHT_FIELDS])
            return _Target(path, "network_weight", rest[0], dict.fromkeys(nets, None))
        if what in ("quota", "quotas") and len(rest) == 2:
            if rest[1] not in _QUOTA_FIELDS:
                raise _fail(path, "unknown quota field", _QUOTA_FIELDS)
            keys = {n: _quota_index(problem.network(n), rest[0], path) for n in nets}
            return _Target(path, "quota", rest[1], keys)
        if what in ("skill", "skills") and len(rest) == 2:
            if rest[1] != "min":
                raise _fail(path, "a skill requirement has one setting", ["min"])
            for n in nets:
                have = [s.skill for s in problem.network(n).skills]
                if rest[0] not in have:
                    raise _fail(path, f"network {n!r} has no requirement on {rest[0]!r}", have)
            return _Target(path, "skill", "min", dict.fromkeys(nets, rest[0]))
        if what == "max_per" and len(rest) == 1:
            return _Target(path, "max_per", rest[0], dict.fromkeys(nets, rest[0]))
        if what in ("meeting", "bridge") and len(rest) == 1:
            allowed = _MEETING_FIELDS if what == "meeting" else _BRIDGE_FIELDS
            if rest[0] not in allowed:
                raise _fail(path, f"unknown {what} field", allowed)
            for n in nets:
                if getattr(problem.network(n), what) is None:
                    raise _fail(path, f"network {n!r} has no {what} rule to change")
            return _Target(path, what, rest[0], dict.fromkeys(nets, None))
        raise _fail(
            path,
            f"unknown network setting {'.'.join(parts[2:])!r}",
            [
                *NETWORK_FIELDS,
                "weights.<w>",
                "quota.<which>.<min|max|unit|values>",
                "skill.<skill>.min",
                "max_per.<field>",
                "meeting.<quorum|slots>",
                "bridge.<min|mode>",
            ],
        )
    if head in PROBLEM_FIELDS and len(parts) == 1:
        return _Target(path, "problem", head)
    close = difflib.get_close_matches(path, parameter_paths(problem), n=5)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise _fail(
        path,
        "unknown setting" + hint,
        ["weights.<w>", "network.<name>.<field>", *PROBLEM_FIELDS],
    )


def parameter_paths(problem: Problem) -> list[str]:
    """Every parameter path ``problem`` has (see the table of :mod:`evocompose.sweep`).

    Examples
    --------
    >>> import evocompose as evo
    >>> paths = parameter_paths(evo.datasets.tiny())
    >>> "weights.relevance" in paths, "network.a.max_size" in paths
    (True, True)
    """
    out = [f"weights.{f}" for f in WEIGHT_FIELDS if f != "attribute_weights"]
    out += [f"weights.attribute_weights.{a}" for a in problem.attributes]
    for spec in problem.networks:
        base = f"network.{spec.name}"
        out += [f"{base}.{f}" for f in NETWORK_FIELDS]
        out += [f"{base}.weights.{f}" for f in WEIGHT_FIELDS if f != "attribute_weights"]
        for k, _q in enumerate(spec.quotas):
            out += [f"{base}.quota.{k}.{f}" for f in _QUOTA_FIELDS]
        out += [f"{base}.skill.{s.skill}.min" for s in spec.skills]
        out += [f"{base}.max_per.{mp.field}" for mp in spec.max_per]
        if spec.meeting is not None:
            out += [f"{base}.meeting.{f}" for f in _MEETING_FIELDS]
        if spec.bridge is not None:
            out += [f"{base}.bridge.{f}" for f in _BRIDGE_FIELDS]
    out += list(PROBLEM_FIELDS)
    return out


def _materialise(problem: Problem, changes: Sequence[tuple[_Target, Any]]) -> Problem:
    """Apply every change at once and validate the result once."""
    top: dict[str, Any] = {}
    weights: dict[str, Any] = {}
    attr_w: dict[str, Any] = {}
    nets: dict[str, dict[str, Any]] = {}

    def net(name: str) -> dict[str, Any]:
        return nets.setdefault(
            name,
            {
                "fields": {},
                "weights": {},
                "quota": {},
                "skill": {},
                "max_per": {},
                "meeting": {},
                "bridge": {},
            },
        )

    for target, value in changes:
        if target.kind == "problem":
            top[target.setting] = value
        elif target.kind == "weights":
            weights[target.setting] = value
        elif target.kind == "attribute_weight":
            attr_w[target.setting] = value
        else:
            for name, key in target.keys.items():
                ch = net(name)
                if target.kind == "network":
                    ch["fields"][target.setting] = value
                elif target.kind == "network_weight":
                    ch["weights"][target.setting] = value
                elif target.kind in ("quota", "skill"):
                    ch[target.kind].setdefault(key, {})[target.setting] = value
                elif target.kind == "max_per":
                    ch["max_per"][target.setting] = value
                else:  # meeting, bridge
                    ch[target.kind][target.setting] = value
    if weights or attr_w:
        if attr_w:
            weights["attribute_weights"] = {**problem.weights.attribute_weights, **attr_w}
        top["weights"] = dataclasses.replace(problem.weights, **weights)
    if nets:
        top["networks"] = tuple(
            _apply_network(spec, nets[spec.name]) if spec.name in nets else spec
            for spec in problem.networks
        )
    return problem.replace(**top)


def _apply_network(spec: NetworkSpec, ch: dict[str, Any]) -> NetworkSpec:
    fields: dict[str, Any] = dict(ch["fields"])
    if ch["weights"]:
        merged = {**spec.weights, **ch["weights"]}
        fields["weights"] = {k: v for k, v in merged.items() if v is not None}
    if ch["quota"]:
        fields["quotas"] = tuple(
            dataclasses.replace(q, **ch["quota"][k]) if k in ch["quota"] else q
            for k, q in enumerate(spec.quotas)
        )
    if ch["skill"]:
        fields["skills"] = tuple(
            dataclasses.replace(s, **ch["skill"][s.skill]) if s.skill in ch["skill"] else s
            for s in spec.skills
        )
    if ch["max_per"]:
        limits = {mp.field: mp.max for mp in spec.max_per}
        limits.update(ch["max_per"])
        fields["max_per"] = {f: k for f, k in limits.items() if k is not None}
    for part in ("meeting", "bridge"):
        if ch[part]:
            fields[part] = dataclasses.replace(getattr(spec, part), **ch[part])
    return dataclasses.replace(spec, **fields)


def set_parameters(problem: Problem, parameters: Mapping[str, Any]) -> Problem:
    """A copy of ``problem`` with the settings named by parameter paths changed.

    Every change is applied first and the result validated once, so related
    settings (``min_size`` and ``max_size``) can move together. Nothing the
    caller gave is modified.

    Parameters
    ----------
    problem : Problem
    parameters : mapping of str to object
        Parameter path (see :mod:`evocompose.sweep`) to its new value.

    Returns
    -------
    Problem

    Raises
    ------
    ProblemError
        An unknown path (the message names it and lists the valid choices
        at the place it went wrong), or a value the problem refuses (the
        message names the path and the value).

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> q = set_parameters(p, {"weights.relevance": 5, "network.*.max_size": 4})
    >>> q.weights.relevance, [s.max_size for s in q.networks], p.weights.relevance
    (5, [4, 4], 10.0)
    >>> set_parameters(p, {"network.c.max_size": 4})
    Traceback (most recent call last):
    ...
    evocompose.errors.ProblemError: column 'network.c.max_size', value 'network.c.max_size': parameter path 'network.c.max_size': no network 'c'; choose one of: a, b, *
    """
    targets = [(_resolve(problem, path), value) for path, value in parameters.items()]
    return _apply(problem, targets)


def _apply(problem: Problem, targets: Sequence[tuple[_Target, Any]]) -> Problem:
    try:
        return _materialise(problem, targets)
    except EvocomposeError as exc:
        where = ", ".join(f"{t.path}={v!r}" for t, v in targets)
        raise ProblemError(
            f"the settings {where} give an invalid problem: {exc}", value=exc.value
        ) from None
    except (TypeError, ValueError) as exc:
        where = ", ".join(f"{t.path}={v!r}" for t, v in targets)
        raise ProblemError(
            f"the settings {where} cannot be applied ({exc}); check each value's type",
            value=where,
        ) from None


def _values(path: str, values: object) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        return [values]
    out = list(values)
    if not out:
        raise _fail(path, "give at least one value")
    return out


def _points(problem: Problem, vary: object) -> tuple[list[str], list[dict[str, Any]]]:
    """The paths and the points (one ``{path: value}`` each) of a ``vary`` argument."""
    if isinstance(vary, Mapping):
        paths = list(vary)
        for path in paths:
            _resolve(problem, path)
        grid = [_values(path, vary[path]) for path in paths]
        return paths, [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*grid)]
    if isinstance(vary, Sequence) and not isinstance(vary, (str, bytes)):
        points = []
        paths = []
        for k, point in enumerate(vary):
            if not isinstance(point, Mapping):
                raise ProblemError(
                    f"point {k} of vary is not a mapping of parameter paths to values",
                    value=point,
                )
            for path in point:
                _resolve(problem, path)
                if path not in paths:
                    paths.append(path)
            points.append(dict(point))
        return paths, points
    raise ProblemError(
        "vary is a mapping {path: [values]} (every combination is solved) or a list of "
        "{path: value} points",
        value=type(vary).__name__,
    )


def _sweep_point(
    problem: Problem, options: dict[str, Any], yardsticks: bool
) -> tuple[Result, dict[str, float]]:
    """Worker: solve one point and measure its yardsticks."""
    result = solve(problem, **options)
    card: dict[str, float] = {}
    if yardsticks and result.composition is not None:
        card = {str(k): float(v) for k, v in scorecard(problem, result.composition).items()}
    return result, card


def result_row(result: Result | None, card: Mapping[str, float] | None = None) -> dict[str, Any]:
    """The columns a sweep or a front shows for one result (``None``: a failed point)."""
    row: dict[str, Any] = {
        "status": str(result.status) if result is not None else "ERROR",
        "objective": result.objective if result is not None else math.nan,
        "bound": result.bound if result is not None else math.nan,
        "gap": result.gap if result is not None else math.nan,
        "runtime": result.runtime if result is not None else math.nan,
    }
    for t in TERM_NAMES:
        value = result.terms.get(t) if result is not None else None
        row[f"term:{t}"] = math.nan if value is None else value
    for k in SCORECARD:
        row[k] = (card or {}).get(k, math.nan)
    return row


def sweep(
    problem: Problem,
    vary: Mapping[str, Iterable[Any]] | Sequence[Mapping[str, Any]],
    *,
    time_limit: float = 10.0,
    executor: cf.Executor | None = None,
    progress: bool | None = None,
    yardsticks: bool = True,
    **solve_options: Any,
) -> pd.DataFrame:
    """Solve ``problem`` at every point of a parameter grid; one row per point.

    Parameters
    ----------
    problem : Problem
    vary : mapping or list of mappings
        ``{path: [values]}``: every combination of the values is a point
        (``{"weights.relevance": [5, 10], "network.food.max_size": [12, 14]}``
        is four points). A list of ``{path: value}`` mappings gives the
        points one by one. Paths are described in :mod:`evocompose.sweep`
        and listed by :func:`parameter_paths`.
    time_limit : float
        Seconds per point.
    executor : concurrent.futures.Executor, optional
        Where the points are solved (default: a process pool on this
        machine; see :func:`evocompose.solve_many`).
    progress : bool, optional
        A progress bar over the points (default: on a terminal or in a notebook).
    yardsticks : bool
        Measure each point's composition with :func:`evocompose.metrics.scorecard`.
    **solve_options
        Passed to :func:`evocompose.solve` at every point (``seed``,
        ``workers`` — default 1, ``solver``, ``deterministic``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per point, in grid order: one column per path with the
        point's value; ``status`` (the solve's, or ``ERROR`` when the point
        could not be built or solved), ``objective``, ``bound``, ``gap``,
        ``runtime``; ``term:<name>`` for each term's raw value; the
        yardsticks of :data:`evocompose.metrics.SCORECARD`; ``error`` (the
        message of a failed point, else ``None``); ``result`` (the
        :class:`~evocompose.Result`, ``None`` for a failed point). A failed
        point never stops the others.

    Raises
    ------
    ProblemError
        An unknown parameter path (before anything is solved).
    SolverError
        An unknown solve option.

    Examples
    --------
    >>> import evocompose as evo
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> p = evo.datasets.tiny()
    >>> with ThreadPoolExecutor(2) as pool:
    ...     df = sweep(p, {"network.a.max_size": [2, 3, 1]}, time_limit=5, executor=pool)
    >>> df[["network.a.max_size", "status"]].values.tolist()
    [[2, 'OPTIMAL'], [3, 'OPTIMAL'], [1, 'ERROR']]
    """
    unknown = sorted(set(solve_options) - set(SOLVE_OPTIONS))
    if unknown:
        raise SolverError(
            f"unknown solve option; sweep passes on {', '.join(SOLVE_OPTIONS)}",
            value=unknown[0],
        )
    paths, points = _points(problem, vary)
    targets = {path: _resolve(problem, path) for path in paths}
    base = for_workers(problem)
    options = {"workers": 1, **solve_options, "time_limit": time_limit}
    built: list[Problem | str] = []
    for point in points:
        try:
            built.append(_apply(base, [(targets[p], v) for p, v in point.items()]))
        except EvocomposeError as exc:
            built.append(f"{type(exc).__name__}: {exc}")
    tasks = [(b, options, yardsticks) for b in built if isinstance(b, Problem)]
    index = [k for k, b in enumerate(built) if isinstance(b, Problem)]
    solved: dict[int, Any] = {}
    threads = options.get("workers", 1)
    for j, value in run_batch(
        _sweep_point,
        tasks,
        executor=executor,
        progress=progress,
        desc="sweep",
        workers_per_task=threads if isinstance(threads, int) else 1,
    ):
        solved[index[j]] = value
    rows = []
    for k, point in enumerate(points):
        row: dict[str, Any] = {p: point.get(p) for p in paths}
        b = built[k]
        value = solved.get(k)
        if isinstance(b, str):
            row.update(result_row(None))
            row["error"], row["result"] = b, None
        elif isinstance(value, SolveFailure) or value is None:
            row.update(result_row(None))
            row["error"] = (
                f"{value.error_type}: {value.error}" if value is not None else "not solved"
            )
            row["result"] = None
        else:
            result, card = value
            row.update(result_row(result, card))
            row["error"], row["result"] = None, result
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["vary"] = tuple(paths)
    return frame
