"""The audit record of a result: what was solved, how, with which software, and when.

Every :class:`~evocompose.Result` that :func:`evocompose.solve` and the
process workflows (:func:`evocompose.recompose`, :func:`evocompose.renew`)
return carries an :class:`Audit`. It is written beside the composition (an
``audit`` sheet in a workbook, an ``"audit"`` block in JSON, a
``<name>.audit.json`` file beside a CSV) and lets anyone rerun the same call
with :func:`evocompose.reproduce`.

The problem is identified by :func:`problem_fingerprint`, a SHA-256 digest of
its canonical content: the pool (in its order), the network specs (in their
order), ties, conflicts, must-pairs, global rules, weights and the
dissimilarity matrix. Sets are sorted and mappings are keyed, so the same
problem read twice, in any process, gets the same fingerprint, and any change
to a rule, a weight or a candidate gives another. The digest holds no
personal data in readable form.

Examples
--------
>>> import evocompose as evo
>>> p = evo.datasets.tiny()
>>> problem_fingerprint(p) == problem_fingerprint(evo.datasets.tiny())
True
>>> problem_fingerprint(p) == problem_fingerprint(p.replace(default_capacity=2))
False
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evocompose.errors import EvocomposeError
from evocompose.gc_pause import gc_paused

if TYPE_CHECKING:
    from evocompose.composition import Composition
    from evocompose.data import NetworkSpec, Problem

__all__ = [
    "Audit",
    "composition_digest",
    "now",
    "problem_fingerprint",
    "software_versions",
]

#: The format tag of an audit written as JSON.
AUDIT_FORMAT = "evocompose.audit"


def now() -> str:
    """The current time in UTC as ISO 8601 text (seconds and microseconds)."""
    return datetime.now(UTC).isoformat()


def software_versions() -> dict[str, str]:
    """Versions of evocompose, OR-Tools, numpy, numba and Python that a result depends on.

    Examples
    --------
    >>> sorted(software_versions())
    ['evocompose', 'numba', 'numpy', 'ortools', 'python']
    """
    return dict(_installed_versions())


@cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    # read once per process: every solve's audit asks, and the package metadata lookups
    # took ~11 ms a solve (17 % of a tiny one); installing a package mid-run is not a case
    out: list[tuple[str, str]] = []
    for package in ("evocompose", "ortools", "numpy", "numba"):
        try:
            out.append((package, version(package)))
        except PackageNotFoundError:
            out.append((package, "not installed"))
    out.append(("python", platform.python_version()))
    return tuple(out)


def _float(x: float) -> float:
    return float(x)


def _spec(spec: NetworkSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "theme": spec.theme,
        "min_size": int(spec.min_size),
        "max_size": int(spec.max_size),
        "tags": sorted(spec.tags),
        "min_relevance": None if spec.min_relevance is None else _float(spec.min_relevance),
        "quotas": [
            {
                "field": q.field,
                "values": sorted(q.values),
                "min": None if q.min is None else _float(q.min),
                "max": None if q.max is None else _float(q.max),
                "unit": q.unit,
                "label": q.label,
            }
            for q in spec.quotas
        ],
        "skills": [[s.skill, s.min] for s in spec.skills],
        "meeting": None
        if spec.meeting is None
        else {"quorum": _float(spec.meeting.quorum), "slots": sorted(spec.meeting.slots)},
        "max_per": sorted([m.field, m.max] for m in spec.max_per),
        "include": sorted(spec.include),
        "exclude": sorted(spec.exclude),
        "min_known": int(spec.min_known),
        "synergy": sorted([a, b, _float(v)] for (a, b), v in spec.synergy.items()),
        "bridge": None
        if spec.bridge is None
        else {"min": spec.bridge.min, "mode": spec.bridge.mode},
        "weights": sorted([k, _float(v)] for k, v in spec.weights.items()),
    }


def canonical_content(problem: Problem, *, ties: bool = True) -> dict[str, Any]:
    """The problem as plain, ordered data: what :func:`problem_fingerprint` digests.

    Candidates and networks keep their order (solvers number them in it);
    everything that is a set (tags, pins, ties, conflicts, must-pairs,
    shared networks, required and excluded people) is sorted, and mappings
    are turned into sorted lists, so that dict and set order never matter.
    ``ties=False`` leaves the ties out (an empty list).
    """
    pool = [
        {
            "id": c.id,
            "name": c.name,
            "organisation": c.organisation,
            "sector": c.sector,
            "actor_type": c.actor_type,
            "skills": sorted(c.skills),
            "themes": sorted(c.themes),
            "relevance": sorted([k, _float(v)] for k, v in c.relevance.items()),
            "availability": sorted(c.availability),
            "capacity": c.capacity,
            "area": c.area,
            "external": bool(c.external),
            "attributes": sorted([k, str(v)] for k, v in c.attributes.items()),
        }
        for c in problem.pool
    ]
    tie_rows: list[Any] = []
    for a, b, data in problem.ties.edges(data=True) if ties else ():
        lo, hi = (a, b) if a <= b else (b, a)
        # the same lists as sorting every edge's data, without a sort per edge (millions)
        if not data:
            attrs: list[list[str]] = []
        elif len(data) == 1:
            ((k, v),) = data.items()
            attrs = [[str(k), repr(v)]]
        else:
            attrs = sorted([str(k), repr(v)] for k, v in data.items())
        tie_rows.append([lo, hi, attrs])
    w = problem.weights
    weights = {
        name: (
            sorted([k, _float(v)] for k, v in w.attribute_weights.items())
            if name == "attribute_weights"
            else list(getattr(w, name))
            if name == "order"
            else getattr(w, name)
        )
        for name in sorted(w.__dataclass_fields__)
    }
    dissimilarity = None
    if problem.dissimilarity is not None:
        array = np.ascontiguousarray(problem.dissimilarity, dtype="<f8")
        dissimilarity = hashlib.sha256(array.tobytes()).hexdigest()
    return {
        "pool": pool,
        "networks": [_spec(s) for s in problem.networks],
        "ties": sorted(tie_rows),
        "conflicts": sorted(sorted(p) for p in problem.conflicts),
        "must_pairs": sorted(sorted(p) for p in problem.must_pairs),
        "share_members": sorted(sorted(p) for p in problem.share_members),
        "default_capacity": int(problem.default_capacity),
        "attributes": list(problem.attributes),
        "sector_groups": sorted([k, sorted(v)] for k, v in problem.sector_groups.items()),
        "required": sorted(problem.required),
        "excluded": sorted(problem.excluded),
        "assign_all": bool(problem.assign_all),
        "weights": weights,
        "dissimilarity": dissimilarity,
        "name": problem.name,
    }


def _digest(doc: object) -> str:
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def problem_fingerprint(problem: Problem) -> str:
    """SHA-256 (hex) of the problem's canonical content (see :func:`canonical_content`).

    The digest of exactly the text ``json.dumps`` makes of
    :func:`canonical_content`, computed faster: the ties (millions of them
    in large problems) are put in order by number instead of as lists, and
    written as text directly; the garbage collector rests meanwhile (it
    would scan the whole graph again and again while the lists are made).
    A problem is immutable (its ties graph is frozen), so the digest is
    kept with it: the second call on the same problem object is free.
    """
    return str(problem.derived(_KEY, lambda: _fingerprint(problem)))


def _fingerprint(problem: Problem) -> str:
    with gc_paused():
        doc = canonical_content(problem, ties=False)
        marker = "\x00ties\x00"  # no id or value contains NUL: readers refuse control characters
        doc["ties"] = marker
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        head, tail = text.split(json.dumps(marker), 1)
        digest = hashlib.sha256(head.encode("utf-8"))
        for chunk in _ties_text(problem):
            digest.update(chunk.encode("utf-8"))
        digest.update(tail.encode("utf-8"))
        return digest.hexdigest()


def _known_fingerprint(problem: Problem) -> str | None:
    """The fingerprint of this problem object, if already computed."""
    known = problem.derived_if_known(_KEY)
    return None if known is None else str(known)


#: Where a problem keeps its fingerprint (:meth:`~evocompose.Problem.derived`).
_KEY = "audit.fingerprint"


def _attrs_text(data: Mapping[Any, Any], memo: dict[Any, str]) -> str:
    """The JSON text of a tie's sorted ``[str(name), repr(value)]`` pairs.

    Memoised on exactly what the text is made of (few ties differ in it).
    """
    sig = (tuple(map(str, data)), tuple(map(repr, data.values())))
    text = memo.get(sig)
    if text is None:
        pairs = sorted([name, value] for name, value in zip(*sig, strict=True))
        text = json.dumps(pairs, separators=(",", ":"), ensure_ascii=False)
        memo[sig] = text
    return text


def _ties_text(problem: Problem) -> Iterator[str]:
    """The JSON text of ``canonical_content(problem)["ties"]``, in pieces.

    Each tie is ``[lo, hi, data]`` with ``lo <= hi``; the list is sorted,
    and as every pair occurs once the order is that of ``(lo, hi)``: the
    ranks of the ids in sorted order, compared as one number. The graph's
    adjacency is read directly (each tie seen from its lower end), and the
    text of the tie data is made once per distinct data.
    """
    graph = problem.ties
    nodes = sorted(str(v) for v in graph.nodes)
    rank = {v: k for k, v in enumerate(nodes)}
    rank_of = {v: rank[str(v)] for v in graph.nodes}
    quoted = [json.dumps(v, ensure_ascii=False) for v in nodes]
    n = max(1, len(nodes))
    keys: list[int] = []
    extra: dict[int, str] = {}
    memo: dict[Any, str] = {}
    # the raw adjacency dicts: networkx's read-only views cost a Python call per item
    for a, nbrs in graph._adj.items():
        ra = rank_of[a]
        base = ra * n
        for b, data in nbrs.items():
            rb = rank_of[b]
            if rb < ra:
                continue
            key = base + rb
            keys.append(key)
            if data:
                extra[key] = _attrs_text(data, memo)
    order = np.array(keys, dtype=np.int64)
    order.sort()
    yield "["
    step = 262144
    for at in range(0, len(order), step):
        chunk = order[at : at + step]
        los, his = (chunk // n).tolist(), (chunk % n).tolist()
        if extra:
            get = extra.get
            part = [
                f"[{quoted[lo]},{quoted[hi]},{get(key, '[]')}]"
                for lo, hi, key in zip(los, his, chunk.tolist(), strict=True)
            ]
        else:
            part = [f"[{quoted[lo]},{quoted[hi]},[]]" for lo, hi in zip(los, his, strict=True)]
        yield ("," if at else "") + ",".join(part)
    yield "]"


def composition_digest(composition: Composition) -> str:
    """SHA-256 (hex) of a composition: members per network and meeting slots, sorted.

    Examples
    --------
    >>> from evocompose import Composition
    >>> a = Composition({"x": ["p2", "p1"]}, {"x": "tue-evening"})
    >>> composition_digest(a) == composition_digest(Composition({"x": ["p1", "p2"]}, {"x": "tue-evening"}))
    True
    """
    return _digest(
        {
            "members": sorted([n, sorted(ids)] for n, ids in composition.members.items()),
            "slots": sorted([n, s] for n, s in composition.slots.items() if s is not None),
        }
    )


@dataclass(frozen=True)
class Audit:
    """What a result came from, so that it can be traced and run again.

    Attributes
    ----------
    fingerprint : str
        :func:`problem_fingerprint` of the problem solved.
    call : str
        The function that produced the result: ``"solve"``, ``"recompose"``
        or ``"renew"``.
    backend : str
        The backend asked for (``"auto"``, ``"cpsat"``, ``"search"``, ...).
    solver : str
        What ran, with its version (``Result.solver``).
    time_limit : float
        Seconds, or deterministic units with ``deterministic``.
    seed, workers : int
    deterministic : bool
    parameters : mapping
        The call's other arguments as plain data (ids, network names,
        numbers; for a workflow its inputs, e.g. the earlier compositions).
    versions : mapping of str to str
        evocompose, OR-Tools, numpy, numba and Python versions.
    started, ended : str
        ISO 8601 times (UTC).
    status : str
        The result's status.
    composition : str or None
        :func:`composition_digest` of the composition returned (``None``
        without one).
    objective : float or None
        The result's objective.

    Examples
    --------
    >>> a = Audit("f" * 64, "solve", "cpsat", "cpsat 9", 5.0, 0, 1, True)
    >>> Audit.from_json(a.to_json()) == a
    True
    """

    fingerprint: str
    call: str
    backend: str
    solver: str
    time_limit: float
    seed: int
    workers: int
    deterministic: bool
    parameters: Mapping[str, Any] = field(default_factory=dict)
    versions: Mapping[str, str] = field(default_factory=software_versions)
    started: str = ""
    ended: str = ""
    status: str = ""
    composition: str | None = None
    objective: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "versions", MappingProxyType(dict(self.versions)))

    def __hash__(self) -> int:
        return hash((self.fingerprint, self.call, self.seed, self.composition))

    @classmethod
    def of(cls, problem: Problem, **fields: Any) -> Audit:
        """An audit of ``problem`` whose fingerprint is made when first read.

        :func:`problem_fingerprint` takes seconds on 100,000 candidates;
        made here it would not count against the time limit of the call
        that produced the result, but it would overrun it. So it is made
        when something reads it (writing the audit, showing the result,
        comparing audits), once per problem object; until then the audit
        holds on to the problem. ``fields`` are the other attributes.

        Examples
        --------
        >>> import evocompose as evo
        >>> p = evo.datasets.tiny()
        >>> a = Audit.of(p, call="solve", backend="cpsat", solver="cpsat 9", time_limit=5.0,
        ...              seed=0, workers=1, deterministic=True)
        >>> a.fingerprint == problem_fingerprint(p)
        True
        """
        known = _known_fingerprint(problem)
        audit = cls(fingerprint=known or "", **fields)
        if known is None:
            object.__setattr__(audit, "_pending", problem)
        return audit

    def __getattribute__(self, name: str) -> Any:
        if name == "fingerprint":
            own = object.__getattribute__(self, "__dict__")
            pending = own.get("_pending")
            if pending is not None:
                own["fingerprint"] = problem_fingerprint(pending)
                own.pop("_pending", None)
        return object.__getattribute__(self, name)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        return {
            "format": AUDIT_FORMAT,
            "version": 1,
            "fingerprint": self.fingerprint,
            "call": self.call,
            "backend": self.backend,
            "solver": self.solver,
            "time_limit": self.time_limit,
            "seed": self.seed,
            "workers": self.workers,
            "deterministic": self.deterministic,
            "parameters": _plain(self.parameters),
            "versions": dict(self.versions),
            "started": self.started,
            "ended": self.ended,
            "status": self.status,
            "composition": self.composition,
            "objective": self.objective,
        }

    def to_json(self) -> str:
        """The audit as JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, source: str | None = None) -> Audit:
        """Build from :meth:`to_dict`'s data.

        Raises
        ------
        EvocomposeError
            A missing or malformed field (the message names it and the source).
        """
        if not isinstance(doc, Mapping):
            raise EvocomposeError("an audit must be a JSON object", file=source)

        def get(key: str, kind: type | tuple[type, ...], optional: bool = False) -> Any:
            if key not in doc:
                if optional:
                    return None
                raise EvocomposeError(
                    "the audit record lacks this field; write it with evocompose "
                    "(write_composition(..., audit=result.audit))",
                    file=source,
                    column=key,
                )
            value = doc[key]
            if value is None and optional:
                return None
            numeric = kind is int or (isinstance(kind, tuple) and int in kind)
            if not isinstance(value, kind) or (numeric and isinstance(value, bool)):
                raise EvocomposeError(
                    f"malformed audit field (expected {getattr(kind, '__name__', kind)})",
                    file=source,
                    column=key,
                    value=value,
                )
            return value

        if doc.get("format", AUDIT_FORMAT) != AUDIT_FORMAT:
            raise EvocomposeError(
                f"not an evocompose audit record (format should be {AUDIT_FORMAT!r})",
                file=source,
                column="format",
                value=doc.get("format"),
            )
        return cls(
            fingerprint=get("fingerprint", str),
            call=get("call", str),
            backend=get("backend", str),
            solver=get("solver", str),
            time_limit=float(get("time_limit", (int, float))),
            seed=int(get("seed", int)),
            workers=int(get("workers", int)),
            deterministic=bool(get("deterministic", bool)),
            parameters=dict(get("parameters", dict, optional=True) or {}),
            versions={str(k): str(v) for k, v in (get("versions", dict, True) or {}).items()},
            started=get("started", str, optional=True) or "",
            ended=get("ended", str, optional=True) or "",
            status=get("status", str, optional=True) or "",
            composition=get("composition", str, optional=True),
            objective=get("objective", (int, float), optional=True),
        )

    @classmethod
    def from_json(cls, text: str, *, source: str | None = None) -> Audit:
        """Build from JSON text (see :meth:`to_json`)."""
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EvocomposeError(
                f"invalid JSON in the audit record: {exc.msg}", file=source, row=exc.lineno
            ) from None
        return cls.from_dict(doc, source=source)

    def to_frame(self) -> pd.DataFrame:
        """Two columns ``field, value``: one row per field (the ``audit`` sheet).

        ``parameters`` and ``versions`` are JSON text in one cell each.
        """
        rows = []
        for key, value in self.to_dict().items():
            if isinstance(value, dict | list):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            rows.append({"field": key, "value": "" if value is None else str(value)})
        return pd.DataFrame(rows, columns=["field", "value"])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: str | None = None) -> Audit:
        """Read the ``audit`` sheet written by :meth:`to_frame`."""
        if not {"field", "value"} <= set(frame.columns):
            raise EvocomposeError(
                "an audit sheet has the columns field and value", file=source, row=1
            )
        cells = {
            str(k): ("" if v is None or (isinstance(v, float) and v != v) else str(v))
            for k, v in zip(frame["field"], frame["value"], strict=True)
        }
        doc: dict[str, Any] = {}
        for key, text in cells.items():
            doc[key] = _parse_cell(key, text, source)
        return cls.from_dict(doc, source=source)

    def summary(self) -> str:
        """A few readable lines."""
        mode = "deterministic" if self.deterministic else "wall-clock"
        lines = [
            f"Audit: {self.call} with {self.backend} ({self.solver}), time limit "
            f"{self.time_limit:g} ({mode}), seed {self.seed}, {self.workers} worker(s)",
            f"  problem fingerprint {self.fingerprint[:16]}…, composition "
            f"{(self.composition or 'none')[:16]}{'…' if self.composition else ''}",
            f"  started {self.started}, ended {self.ended}",
            "  " + ", ".join(f"{k} {v}" for k, v in self.versions.items()),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


_NUMBERS = {"time_limit", "objective"}
_INTEGERS = {"seed", "workers", "version"}


def _parse_cell(key: str, text: str, source: str | None) -> Any:
    if key in ("parameters", "versions"):
        if not text:
            return {}
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise EvocomposeError(
                "the audit cell must hold JSON", file=source, column=key, value=text
            ) from None
    if key == "deterministic":
        if text.lower() not in ("true", "false"):
            raise EvocomposeError("write True or False", file=source, column=key, value=text)
        return text.lower() == "true"
    if text == "":
        return None
    try:
        if key in _INTEGERS:
            return int(float(text))
        if key in _NUMBERS:
            return float(text)
    except ValueError:
        raise EvocomposeError(
            "the audit cell must hold a number", file=source, column=key, value=text
        ) from None
    return text


def _plain(value: Any) -> Any:
    """Mappings and sequences as JSON-ready dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
