"""The network plan: TOML/JSON reader, :class:`NetworkPlan`, and its dict form."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evocompose.constraints import BridgeRule, MeetingRule, Quota, SkillRequirement
from evocompose.data import NetworkSpec, Problem
from evocompose.errors import EvocomposeError, NetworkSpecError, listing, shown
from evocompose.fields import ACTOR_TYPES, FALSE_WORDS, TRUE_WORDS, parse_flag
from evocompose.io._boundary import boundary
from evocompose.io._table import decode_text
from evocompose.limits import MAX_CELL_CHARS, MAX_COUNT, MAX_NESTING, MAX_NUMBER, real_number
from evocompose.vocabulary import TERM_NAMES
from evocompose.weights import WEIGHT_FIELDS, Weights

__all__ = ["NetworkPlan", "plan_to_dict", "problem_to_dict", "read_networks"]

_TOP_KEYS = ("global", "sector_groups", "weights", "network")
_GLOBAL_KEYS = (
    "name",
    "default_capacity",
    "attributes",
    "share_members",
    "assign_all",
    "required",
    "excluded",
    "conflicts",
    "must_pairs",
)
_NETWORK_KEYS = (
    "name",
    "theme",
    "tags",
    "min_size",
    "max_size",
    "min_relevance",
    "max_per",
    "max_per_organisation",
    "include",
    "exclude",
    "min_known",
    "meeting",
    "quota",
    "skill",
    "synergy",
    "bridge",
    "weights",
)
_MEETING_KEYS = ("quorum", "slots")
_QUOTA_KEYS = ("field", "values", "group", "min", "max", "unit", "label")
_SKILL_KEYS = ("skill", "min")
_BRIDGE_KEYS = ("min", "mode")
_WEIGHT_KEYS = WEIGHT_FIELDS
_LINE_RE = re.compile(r"line (\d+)")


@dataclass(frozen=True)
class NetworkPlan:
    """The networks to compose and the global rules, as read from a TOML file.

    Everything a :class:`~evocompose.Problem` needs besides the pool and the
    ties. Build the problem with :meth:`problem` or
    :func:`evocompose.load_problem`.

    Parameters
    ----------
    networks : tuple of NetworkSpec
    default_capacity, attributes, share_members, assign_all, required,
    excluded, conflicts, must_pairs, sector_groups, weights
        The global settings, as in :class:`~evocompose.Problem`.
    name : str
        Problem name (``[global] name``), optional.
    source : str, optional
        The file the plan came from (not compared).
    """

    networks: tuple[NetworkSpec, ...]
    default_capacity: int = 1
    attributes: tuple[str, ...] = ()
    share_members: tuple[tuple[str, str], ...] = ()
    assign_all: bool = False
    required: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    conflicts: tuple[tuple[str, str], ...] = ()
    must_pairs: tuple[tuple[str, str], ...] = ()
    sector_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    weights: Weights = field(default_factory=Weights)
    name: str = ""
    source: str | None = field(default=None, compare=False)

    __hash__ = None  # type: ignore[assignment]

    def problem_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :class:`~evocompose.Problem` (all but pool and ties)."""
        return {
            "networks": self.networks,
            "default_capacity": self.default_capacity,
            "attributes": self.attributes,
            "share_members": self.share_members,
            "assign_all": self.assign_all,
            "required": self.required,
            "excluded": self.excluded,
            "conflicts": self.conflicts,
            "must_pairs": self.must_pairs,
            "sector_groups": self.sector_groups,
            "weights": self.weights,
            "name": self.name,
        }

    def to_dict(self) -> dict[str, Any]:
        """The TOML-shaped dict (JSON-serialisable); :func:`read_networks` reads it back."""
        return plan_to_dict(self)


# ---------------------------------------------------------------- validation
class _Reader:
    """Type-checked access to a parsed TOML document, with TOML paths in errors."""

    def __init__(self, file: str | None) -> None:
        self.file = file

    def error(self, message: str, path: str, value: object = ...) -> NetworkSpecError:
        return NetworkSpecError(message, file=self.file, column=path, value=value)

    def table(self, value: object, path: str, allowed: Sequence[str] | None) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(f"expected a table (section), got {type(value).__name__}", path, value)
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    raise self.error(
                        f"unknown key {shown(key)}; allowed keys here: {', '.join(allowed)} "
                        "(check the spelling)",
                        f"{path}.{shown(key, 60)[1:-1]}" if path else shown(key, 60)[1:-1],
                        key,
                    )
        return value

    def string(self, value: object, path: str, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            raise self.error("expected a non-empty text in quotes", path, value)
        if len(value) > MAX_CELL_CHARS:
            raise self.error(
                f"the text has {len(value):,} characters, more than the {MAX_CELL_CHARS:,} "
                "evocompose reads in one value; shorten it",
                path,
                value,
            )
        return value.strip()

    def strings(self, value: object, path: str) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.error('expected a list of texts, e.g. ["a", "b"]', path, value)
        return tuple(self.string(v, f"{path}[{i + 1}]") for i, v in enumerate(value))

    def integer(self, value: object, path: str, *, lo: int = 0) -> int:
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= MAX_COUNT:
            raise self.error(f"expected a whole number from {lo} to {MAX_COUNT:,}", path, value)
        return value

    def number(self, value: object, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error("expected a number", path, value)
        if not real_number(value, MAX_NUMBER):
            raise self.error(
                f"expected a finite number between {-MAX_NUMBER:g} and {MAX_NUMBER:g}",
                path,
                value,
            )
        return float(value)

    def boolean(self, value: object, path: str) -> bool:
        if isinstance(value, str) and value.strip():
            flag = parse_flag(value)  # "ja", "nej", "sand", "falsk", "yes", ... as in tables
            if flag is not None:
                return flag
        if not isinstance(value, bool):
            raise self.error(
                "expected true or false (or, in quotes, one of "
                f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))})",
                path,
                value,
            )
        return value

    def pairs(self, value: object, path: str) -> tuple[tuple[str, str], ...]:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.error('expected a list of pairs, e.g. [["a", "b"]]', path, value)
        out = []
        for i, p in enumerate(value):
            where = f"{path}[{i + 1}]"
            items = self.strings(p, where)
            if len(items) != 2:
                raise self.error("expected a pair of two texts", where, p)
            out.append((items[0], items[1]))
        return tuple(out)


def _weights(r: _Reader, doc: Mapping[str, Any], path: str) -> Weights:
    t = r.table(doc, path, _WEIGHT_KEYS)
    kw: dict[str, Any] = {}
    for key, v in t.items():
        where = f"{path}.{key}"
        if key == "mode":
            if v not in ("weighted", "lexicographic"):
                raise r.error("mode must be 'weighted' or 'lexicographic'", where, v)
            kw[key] = v
        elif key == "order":
            order = r.strings(v, where)
            for i, term in enumerate(order):
                if term not in TERM_NAMES:
                    raise r.error(
                        f"unknown term; use {', '.join(TERM_NAMES)}", f"{where}[{i + 1}]", term
                    )
            kw[key] = order
        elif key == "cohesion_target":
            kw[key] = r.integer(v, where)
        elif key == "attribute_weights":
            aw = r.table(v, where, None)
            kw[key] = {str(k): r.number(x, f"{where}.{k}") for k, x in aw.items()}
        else:
            kw[key] = r.number(v, where)
    try:
        return Weights(**kw)
    except EvocomposeError as exc:
        column = f"{path}.{exc.column.split('.', 1)[-1]}" if exc.column else path
        raise NetworkSpecError(exc.message, file=r.file, column=column, value=exc.value) from None


def _quota(r: _Reader, doc: object, path: str, groups: Mapping[str, tuple[str, ...]]) -> Quota:
    t = r.table(doc, path, _QUOTA_KEYS)
    if "group" in t:
        group = r.string(t["group"], f"{path}.group")
        if "values" in t:
            raise r.error(
                "give either 'values' or 'group', not both", f"{path}.values", t["values"]
            )
        fld = r.string(t.get("field", "sector"), f"{path}.field")
        if fld != "sector":
            raise r.error(
                "a 'group' quota counts sectors; use field = \"sector\"", f"{path}.field", fld
            )
        if group not in groups:
            raise r.error(
                f"unknown sector group; [sector_groups] defines: {listing(groups) or 'none'}",
                f"{path}.group",
                group,
            )
        values = groups[group]
        label = r.string(t.get("label", group), f"{path}.label")
    else:
        if "field" not in t:
            raise r.error(
                "a quota needs 'field' (sector, actor_type, area, external or an attribute)",
                f"{path}.field",
            )
        fld = r.string(t["field"], f"{path}.field")
        if "values" not in t:
            raise r.error("a quota needs 'values' (a list) or 'group'", f"{path}.values")
        values = r.strings(t["values"], f"{path}.values")
        if not values:
            raise r.error("a quota needs at least one value", f"{path}.values", [])
        label = r.string(t.get("label", ""), f"{path}.label", empty=True)
    if fld == "actor_type":
        for i, v in enumerate(values):
            if v not in ACTOR_TYPES:
                raise r.error(
                    f"unknown actor type; use {', '.join(ACTOR_TYPES)}",
                    f"{path}.values[{i + 1}]",
                    v,
                )
    if fld == "external":
        flags = [parse_flag(v) for v in values]
        for i, (v, flag) in enumerate(zip(values, flags, strict=True)):
            if flag is None:
                raise r.error(
                    "an external quota counts external members (true, yes, ja, sand, 1, x) or "
                    "local ones (false, no, nej, falsk, 0)",
                    f"{path}.values[{i + 1}]",
                    v,
                )
        values = tuple("true" if flag else "false" for flag in flags)
    unit = t.get("unit", "count")
    if unit not in ("count", "share"):
        raise r.error("unit must be 'count' or 'share'", f"{path}.unit", unit)
    bounds: dict[str, float | int | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        if key not in t:
            continue
        where = f"{path}.{key}"
        if unit == "share":
            x = r.number(t[key], where)
            if not 0.0 <= x <= 1.0:
                raise r.error(
                    'a share must be in [0, 1] (use unit = "count" for head counts)', where, t[key]
                )
            bounds[key] = x
        else:
            bounds[key] = r.integer(t[key], where)
    lo, hi = bounds["min"], bounds["max"]
    if lo is None and hi is None:
        raise r.error("a quota needs 'min', 'max' or both", f"{path}.min")
    if lo is not None and hi is not None and lo > hi:
        raise r.error(
            f"min {lo:g} is greater than max {hi:g}; swap or correct them", f"{path}.min", lo
        )
    return Quota(field=fld, values=tuple(values), min=lo, max=hi, unit=unit, label=label)


def _network(
    r: _Reader, doc: object, path: str, groups: Mapping[str, tuple[str, ...]]
) -> NetworkSpec:
    t = r.table(doc, path, _NETWORK_KEYS)
    if "name" not in t:
        raise r.error("every [[network]] needs a name", f"{path}.name")
    kw: dict[str, Any] = {"name": r.string(t["name"], f"{path}.name")}
    try:
        for key, v in t.items():
            where = f"{path}.{key}"
            if key == "name":
                continue
            if key == "theme":
                kw[key] = r.string(v, where, empty=True)
            elif key == "tags":
                kw[key] = tuple(x.lower() for x in r.strings(v, where))
            elif key in ("include", "exclude"):
                kw[key] = r.strings(v, where)
            elif key in ("min_size", "max_size", "min_known"):
                kw[key] = r.integer(v, where)
            elif key == "max_per":
                limits = r.table(v, where, None)
                for fld, k in limits.items():
                    if fld == "organisation" and "max_per_organisation" in t:
                        raise r.error(
                            "max_per_organisation is the older spelling of max_per.organisation; "
                            "give one of them",
                            f"{where}.organisation",
                            k,
                        )
                    kw.setdefault("max_per", {})[str(fld)] = r.integer(k, f"{where}.{fld}", lo=1)
            elif key == "max_per_organisation":  # the older spelling of max_per.organisation
                kw.setdefault("max_per", {})["organisation"] = r.integer(v, where, lo=1)
            elif key == "min_relevance":
                x = r.number(v, where)
                if not 0.0 <= x <= 1.0:
                    raise r.error("min_relevance must be in [0, 1]", where, v)
                kw[key] = x
            elif key == "meeting":
                m = r.table(v, where, _MEETING_KEYS)
                quorum = r.number(m.get("quorum", 1.0), f"{where}.quorum")
                if not 0.0 < quorum <= 1.0:
                    raise r.error("quorum must be in (0, 1]", f"{where}.quorum", m.get("quorum"))
                slots = tuple(s.lower() for s in r.strings(m.get("slots", []), f"{where}.slots"))
                kw[key] = MeetingRule(quorum=quorum, slots=slots)
            elif key == "quota":
                items = v if isinstance(v, list) else [v]
                kw["quotas"] = tuple(
                    _quota(r, q, f"{where}[{i + 1}]", groups) for i, q in enumerate(items)
                )
            elif key == "skill":
                items = v if isinstance(v, list) else [v]
                reqs = []
                for i, s in enumerate(items):
                    sw = f"{where}[{i + 1}]"
                    st = r.table(s, sw, _SKILL_KEYS)
                    if "skill" not in st:
                        raise r.error("a skill requirement needs 'skill'", f"{sw}.skill")
                    reqs.append(
                        SkillRequirement(
                            skill=r.string(st["skill"], f"{sw}.skill").lower(),
                            min=r.integer(st.get("min", 1), f"{sw}.min"),
                        )
                    )
                kw["skills"] = tuple(reqs)
            elif key == "synergy":
                syn = r.table(v, where, None)
                table: dict[tuple[str, str], float] = {}
                for k, x in syn.items():
                    parts = [p.strip() for p in str(k).split("|")]
                    if len(parts) != 2 or not all(parts):
                        raise r.error(
                            'a synergy key is two sectors joined by "|", e.g. "agriculture|food"',
                            f'{where}."{shown(str(k), 60)[1:-1]}"',
                            k,
                        )
                    table[(parts[0], parts[1])] = r.number(
                        x, f'{where}."{shown(str(k), 60)[1:-1]}"'
                    )
                kw[key] = table
            elif key == "bridge":
                b = r.table(v, where, _BRIDGE_KEYS)
                mode = b.get("mode", "share_or_tie")
                if mode not in ("share", "share_or_tie"):
                    raise r.error("mode must be 'share' or 'share_or_tie'", f"{where}.mode", mode)
                kw[key] = BridgeRule(min=r.integer(b.get("min", 1), f"{where}.min"), mode=mode)
            elif key == "weights":
                w = r.table(v, where, TERM_NAMES)
                kw[key] = {k: r.number(x, f"{where}.{k}") for k, x in w.items()}
    except NetworkSpecError as exc:  # a rule that refused its own values
        if (exc.column or "").startswith(path):  # the reader's own error, already placed
            raise
        raise exc.located(
            file=r.file, column=f"{path}.{exc.column}" if exc.column else path
        ) from None
    try:
        return NetworkSpec(**kw)
    except NetworkSpecError as exc:
        column = f"{path}.{exc.column}" if exc.column else path
        raise exc.located(file=r.file, column=column) from None


def _plan(doc: Mapping[str, Any], file: str | None) -> NetworkPlan:
    r = _Reader(file)
    top = r.table(doc, "", _TOP_KEYS)
    g = r.table(top.get("global", {}), "global", _GLOBAL_KEYS)
    groups: dict[str, tuple[str, ...]] = {}
    for k, v in r.table(top.get("sector_groups", {}), "sector_groups", None).items():
        groups[str(k)] = r.strings(v, f"sector_groups.{shown(str(k), 60)[1:-1]}")
    weights = _weights(r, top.get("weights", {}), "weights")
    nets_doc = top.get("network", [])
    if isinstance(nets_doc, Mapping):
        nets_doc = [nets_doc]
    if not isinstance(nets_doc, list) or not nets_doc:
        raise r.error("the plan needs at least one [[network]] section", "network", nets_doc)
    networks = tuple(_network(r, n, f"network[{i + 1}]", groups) for i, n in enumerate(nets_doc))
    names = [n.name for n in networks]
    for i, n in enumerate(names):
        if n in names[:i]:
            raise r.error("network names must be unique", f"network[{i + 1}].name", n)
    kw: dict[str, Any] = {}
    for key, v in g.items():
        where = f"global.{key}"
        if key == "name":
            kw[key] = r.string(v, where, empty=True)
        elif key == "default_capacity":
            kw[key] = r.integer(v, where)
        elif key == "assign_all":
            kw[key] = r.boolean(v, where)
        elif key in ("attributes", "required", "excluded"):
            kw[key] = r.strings(v, where)
        elif key in ("conflicts", "must_pairs"):
            kw[key] = r.pairs(v, where)
        elif key == "share_members":
            shared: list[tuple[str, str]] = []
            for i, (a, b) in enumerate(r.pairs(v, where)):
                for j, x in enumerate((a, b)):
                    if x not in names and not (j == 1 and x == "*"):
                        raise r.error(
                            f"unknown network; networks: {listing(names)} ('*' as the second "
                            "element means all others)",
                            f"{where}[{i + 1}]",
                            x,
                        )
                if a == b:
                    raise r.error(
                        "a network always shares with itself; remove the pair",
                        f"{where}[{i + 1}]",
                        a,
                    )
                others = [n for n in names if n != a] if b == "*" else [b]
                for o in others:
                    pair = (a, o) if a <= o else (o, a)
                    if pair not in shared:
                        shared.append(pair)
            kw[key] = tuple(shared)
    for key in ("attributes",):
        for i, a in enumerate(kw.get(key, ())):
            if a.lower() != a:
                raise r.error(
                    "attribute names are lowercase column names", f"global.{key}[{i + 1}]", a
                )
    conflicts = {frozenset(p): i for i, p in enumerate(kw.get("conflicts", ()))}
    for i, p in enumerate(kw.get("must_pairs", ())):
        if frozenset(p) in conflicts:
            raise r.error(
                f"the same pair is a conflict (global.conflicts[{conflicts[frozenset(p)] + 1}]) "
                "and a must-pair; keep one",
                f"global.must_pairs[{i + 1}]",
                list(p),
            )
    for label in ("conflicts", "must_pairs"):
        for i, (a, b) in enumerate(kw.get(label, ())):
            if a == b:
                raise r.error(
                    "a pair must name two different people", f"global.{label}[{i + 1}]", a
                )
    required = kw.get("required", ())
    for i, x in enumerate(kw.get("excluded", ())):
        if x in required:
            raise r.error(
                "the same person is required and excluded; keep one", f"global.excluded[{i + 1}]", x
            )
    return NetworkPlan(networks=networks, sector_groups=groups, weights=weights, source=file, **kw)


def _depth_error(doc: object, file: str | None) -> NetworkSpecError | None:
    """An error when ``doc`` nests lists and tables deeper than :data:`MAX_NESTING`."""
    stack: list[tuple[object, int, str]] = [(doc, 0, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_NESTING:
            return NetworkSpecError(
                f"lists and tables are nested more than {MAX_NESTING} levels deep; a network "
                "plan needs about 6, so check the brackets",
                file=file,
                column=path or None,
            )
        if isinstance(value, Mapping):
            stack.extend(
                (v, depth + 1, f"{path}.{shown(str(k), 30)[1:-1]}".lstrip("."))
                for k, v in value.items()
            )
        elif isinstance(value, list | tuple):
            stack.extend((v, depth + 1, f"{path}[{i + 1}]") for i, v in enumerate(value))
    return None


def _checked(doc: object, file: str | None) -> Mapping[str, Any]:
    """A parsed document, refused when nested too deeply (before anything walks it)."""
    err = _depth_error(doc, file)
    if err is not None:
        raise err
    return doc  # type: ignore[return-value]


def _too_deep(file: str | None, what: str) -> NetworkSpecError:
    return NetworkSpecError(
        f"the {what} nests lists or tables too deeply to read (a plan needs about 6 levels, "
        f"evocompose reads at most {MAX_NESTING}); check the brackets",
        file=file,
    )


@boundary(NetworkSpecError)
def read_networks(source: str | Path | Mapping[str, Any] | NetworkPlan) -> NetworkPlan:
    """Read the network plan: TOML (or JSON) file, TOML text, or an already-parsed dict.

    Parameters
    ----------
    source : str, Path, Mapping or NetworkPlan
        A ``.toml`` file (or ``.json`` with the same shape, as written by
        :func:`write_problem`), TOML text (a ``str`` containing a newline),
        or a dict of the TOML shape (see ``docs/formats.md``). A plan is
        returned unchanged.

    Returns
    -------
    NetworkPlan

    Raises
    ------
    NetworkSpecError
        Bad syntax (with the line), unknown keys (typo protection: the message
        lists the allowed keys), wrong types, or rules that contradict each
        other; the message names the file, the TOML path such as
        ``network[2].quota[1].min`` (1-based) and the value.

    Examples
    --------
    >>> plan = read_networks({"network": [{"name": "food", "min_size": 2, "max_size": 4}],
    ...                       "global": {"share_members": [["food", "*"]]}})
    >>> plan.networks[0].max_size
    4
    """
    if isinstance(source, NetworkPlan):
        return source
    if isinstance(source, Mapping):
        return _plan(_checked(source, None), None)
    if isinstance(source, str) and "\n" in source:
        return _plan(_checked(_loads_toml(source, None), None), None)
    if not isinstance(source, str | Path):
        raise NetworkSpecError(
            f"expected a TOML file path, TOML text or a dict, got {type(source).__name__}",
            value=type(source).__name__,
        )
    path = Path(source)
    file = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NetworkSpecError("file not found; check the path", file=str(path)) from None
    except OSError as exc:
        raise NetworkSpecError(f"cannot read the file ({exc.strerror})", file=str(path)) from None
    text = decode_text(data, file, NetworkSpecError, "UTF-8 text")
    if path.suffix.lower() == ".json":
        doc = loads_json(text, file, NetworkSpecError, "network plan")
    else:
        doc = _loads_toml(text, file)
    return _plan(_checked(doc, file), file)


def loads_json(text: str, file: str | None, error: type[EvocomposeError], what: str) -> Any:
    """Parse JSON text, refusing bad syntax, deep nesting and overlong numbers with ``error``."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON: {exc.msg}", file=file, row=exc.lineno) from None
    except RecursionError:
        raise error(_too_deep(file, what).message, file=file) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise error(
            f"invalid JSON ({shown(str(exc), 80)[1:-1]}); numbers must be ordinary numbers",
            file=file,
        ) from None
    err = _depth_error(doc, file)
    if err is not None:
        raise error(err.message, file=file, column=err.column) from None
    return doc


def _loads_toml(text: str, file: str | None) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise _too_deep(file, "TOML file") from None
    except ValueError as exc:
        if isinstance(exc, tomllib.TOMLDecodeError):
            raise _toml_syntax(exc, text, file) from None
        # int() refuses a number of more than 4,300 digits
        raise NetworkSpecError(
            "a number in the file has thousands of digits; write ordinary numbers "
            f"(whole numbers up to {MAX_COUNT:,}, weights up to {MAX_NUMBER:g})",
            file=file,
        ) from None


def _toml_syntax(exc: tomllib.TOMLDecodeError, text: str, file: str | None) -> NetworkSpecError:
    msg = str(exc)
    m = _LINE_RE.search(msg)
    line = int(m.group(1)) if m else None
    lines = text.splitlines()
    bad = lines[line - 1].strip() if line and line <= len(lines) else ...
    return NetworkSpecError(
        f"invalid TOML ({shown(msg, 100)[1:-1]}); fix the syntax on that line (texts need "
        "quotes, keys need '=')",
        file=file,
        row=line,
        value=bad,
    )


# ---------------------------------------------------------------- dict form
def _spec_to_dict(spec: NetworkSpec) -> dict[str, Any]:
    d: dict[str, Any] = {
        "name": spec.name,
        "theme": spec.theme,
        "tags": list(spec.tags),
        "min_size": int(spec.min_size),
        "max_size": int(spec.max_size),
    }
    if spec.min_relevance is not None:
        d["min_relevance"] = float(spec.min_relevance)
    if spec.max_per:
        d["max_per"] = {m.field: int(m.max) for m in spec.max_per}
    if spec.include:
        d["include"] = list(spec.include)
    if spec.exclude:
        d["exclude"] = list(spec.exclude)
    if spec.min_known:
        d["min_known"] = int(spec.min_known)
    if spec.meeting is not None:
        d["meeting"] = {"quorum": float(spec.meeting.quorum), "slots": list(spec.meeting.slots)}
    if spec.quotas:
        qs = []
        for q in spec.quotas:
            qd: dict[str, Any] = {"field": q.field, "values": list(q.values), "unit": q.unit}
            for key in ("min", "max"):
                v = getattr(q, key)
                if v is not None:
                    qd[key] = float(v) if q.unit == "share" else int(v)
            if q.label:
                qd["label"] = q.label
            qs.append(qd)
        d["quota"] = qs
    if spec.skills:
        d["skill"] = [{"skill": s.skill, "min": int(s.min)} for s in spec.skills]
    if spec.synergy:
        d["synergy"] = {f"{a}|{b}": float(v) for (a, b), v in spec.synergy.items()}
    if spec.bridge is not None:
        d["bridge"] = {"min": int(spec.bridge.min), "mode": spec.bridge.mode}
    if spec.weights:
        d["weights"] = {k: float(v) for k, v in spec.weights.items()}
    return d


def _weights_to_dict(w: Weights) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Weights):
        v = getattr(w, f.name)
        if f.name == "attribute_weights":
            out[f.name] = {str(k): float(x) for k, x in v.items()}
        elif f.name == "order":
            out[f.name] = list(v)
        elif f.name == "mode":
            out[f.name] = v
        elif f.name == "cohesion_target":
            out[f.name] = int(v)
        else:
            out[f.name] = float(v)
    return out


def _to_dict(src: NetworkPlan | Problem) -> dict[str, Any]:
    return {
        "global": {
            "name": src.name,
            "default_capacity": int(src.default_capacity),
            "attributes": list(src.attributes),
            "share_members": [list(p) for p in src.share_members],
            "assign_all": bool(src.assign_all),
            "required": list(src.required),
            "excluded": list(src.excluded),
            "conflicts": [list(p) for p in src.conflicts],
            "must_pairs": [list(p) for p in src.must_pairs],
        },
        "sector_groups": {k: list(v) for k, v in src.sector_groups.items()},
        "weights": _weights_to_dict(src.weights),
        "network": [_spec_to_dict(s) for s in src.networks],
    }


def plan_to_dict(plan: NetworkPlan) -> dict[str, Any]:
    """A plan as a TOML-shaped, JSON-serialisable dict (inverse of :func:`read_networks`)."""
    return _to_dict(plan)


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The network plan of a problem as a TOML-shaped, JSON-serialisable dict.

    Everything but the pool, the ties and the dissimilarity matrix;
    :func:`read_networks` reads it back.

    Examples
    --------
    >>> import evocompose as evo
    >>> d = problem_to_dict(evo.datasets.tiny())
    >>> [n["name"] for n in d["network"]]
    ['a', 'b']
    >>> read_networks(d).networks == evo.datasets.tiny().networks
    True
    """
    return _to_dict(problem)
