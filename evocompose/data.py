"""The validated, immutable description of a composition problem.

* :class:`Candidate` — one person of the pool.
* :class:`Pool` — the validated table of candidates.
* :class:`NetworkSpec` — one network to compose and its rules.
* :class:`Problem` — pool + network specs + ties + global rules + weights,
  cross-checked once when built; :meth:`Problem.replace` returns a modified,
  re-validated copy.

Each rule dataclass (:mod:`evocompose.constraints`) validates itself; a
:class:`NetworkSpec` validates what relates its own rules to each other; the
:class:`Problem` checks, once, every reference to the pool (sectors, fields,
ids, skills, slots). :data:`RULE_ACTIVATION` says, per rule name of
:mod:`evocompose.vocabulary`, when a problem uses that rule.

Readers in :mod:`evocompose.io` build these from files; everything here can
also be built directly in Python.
"""

from __future__ import annotations

import dataclasses
import numbers
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from evocompose import _html
from evocompose.constraints import BridgeRule, MaxPer, MeetingRule, Quota, SkillRequirement
from evocompose.errors import EvocomposeError, NetworkSpecError, ProblemError
from evocompose.fields import (
    ACTOR_TYPES,
    BUILTIN_FIELDS,
    COUNTABLE_FIELDS,
    DAYS,
    SLOT_RE,
    TIMES,
    slot_key,
)
from evocompose.limits import (
    MAX_COUNT,
    MAX_ID_CHARS,
    MAX_NUMBER,
    MAX_OBJECTIVE,
    real_number,
    whole_number,
)
from evocompose.vocabulary import RULE_NAMES, TERM_NAMES
from evocompose.weights import Weights

__all__ = [
    "ACTOR_TYPES",
    "DAYS",
    "RULE_ACTIVATION",
    "SLOT_RE",
    "TIMES",
    "Candidate",
    "NetworkSpec",
    "Pool",
    "Problem",
]

NAME_RE = re.compile(r"^[A-Za-z0-9_\-]+$")
_CATEGORY_FIELDS = frozenset(("sector", "actor_type", "area", "organisation"))


@dataclass(frozen=True)
class Candidate:
    """One person who could join a network.

    Parameters
    ----------
    id, name, organisation, sector, actor_type : str
        See ``docs/formats.md``. ``actor_type`` is one of :data:`ACTOR_TYPES`.
    skills, themes, availability : tuple of str
        Sorted, unique tags; availability slots look like ``tue-evening``.
    relevance : mapping of str to float
        Explicit relevance per network name, each in [0, 1].
    capacity : int or None
        Networks the person can join; ``None`` uses the problem's default.
    area : str
    external : bool
    attributes : mapping of str to str
        Every other column of the input, as text ("" when empty). Declared
        diversity attributes are read from here.
    """

    id: str
    name: str
    organisation: str
    sector: str
    actor_type: str
    skills: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    relevance: Mapping[str, float] = field(default_factory=dict)
    availability: tuple[str, ...] = ()
    capacity: int | None = None
    area: str = ""
    external: bool = False
    attributes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Normalise as documented: sorted unique tags, slots in week order.
        set_ = object.__setattr__
        set_(self, "skills", tuple(sorted(set(self.skills))))
        set_(self, "themes", tuple(sorted(set(self.themes))))
        set_(self, "availability", tuple(sorted(set(self.availability), key=slot_key)))

    def __hash__(self) -> int:
        return hash(self.id)

    def attribute(self, name: str) -> str:
        """Value of a countable field as text: a built-in category, ``external`` or an attribute.

        Examples
        --------
        >>> c = Candidate("p1", "Ann", "Farm A", "agriculture", "private", external=True)
        >>> c.attribute("sector"), c.attribute("external"), c.attribute("gender")
        ('agriculture', 'true', '')
        """
        if name == "external":
            return "true" if self.external else "false"
        if name in _CATEGORY_FIELDS:
            return str(getattr(self, name))
        return self.attributes.get(name, "")


@dataclass(frozen=True)
class Pool:
    """The validated table of all candidates.

    Parameters
    ----------
    candidates : sequence of Candidate
        Ids must be unique and non-empty.
    source : str, optional
        Where the pool came from (a file name), for messages.
    """

    candidates: tuple[Candidate, ...]
    source: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "candidates", tuple(self.candidates))
        index: dict[str, int] = {}
        for i, c in enumerate(self.candidates):
            if not isinstance(c, Candidate):
                raise ProblemError(
                    f"a pool holds Candidate objects, got {type(c).__name__}",
                    file=self.source,
                    row=i + 2,
                )
            if not isinstance(c.id, str) or not c.id:
                raise ProblemError(
                    "empty candidate id; give every candidate a unique id (as text)",
                    file=self.source,
                    row=i + 2,
                    column="id",
                    value=c.id,
                )
            if len(c.id) > MAX_ID_CHARS:
                raise ProblemError(
                    f"the candidate id has {len(c.id):,} characters; ids may have at most "
                    f"{MAX_ID_CHARS}, so use a shorter id (a number or a short code)",
                    file=self.source,
                    row=i + 2,
                    column="id",
                    value=c.id,
                )
            cap = c.capacity
            if cap is not None and not (whole_number(cap, MAX_COUNT) and cap >= 0):
                raise ProblemError(
                    f"capacity must be a whole number from 0 to {MAX_COUNT:,}, or empty for the "
                    "default",
                    file=self.source,
                    row=i + 2,
                    column="capacity",
                    value=cap,
                )
            for net, rel in dict(c.relevance).items():
                if not (real_number(rel, 1.0) and rel >= 0):
                    raise ProblemError(
                        "relevance must be a number from 0 to 1",
                        file=self.source,
                        row=i + 2,
                        column=f"relevance:{net}",
                        value=rel,
                    )
            if c.id in index:
                raise ProblemError(
                    f"duplicate candidate id (also on row {index[c.id] + 2}); ids must be unique",
                    file=self.source,
                    row=i + 2,
                    column="id",
                    value=c.id,
                )
            if c.actor_type not in ACTOR_TYPES:
                raise ProblemError(
                    f"unknown actor type; use one of {', '.join(ACTOR_TYPES)}",
                    file=self.source,
                    row=i + 2,
                    column="actor_type",
                    value=c.actor_type,
                )
            index[c.id] = i
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return len(self.candidates)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self.candidates)

    def __contains__(self, cid: object) -> bool:
        return cid in self._index  # type: ignore[attr-defined]

    def __getitem__(self, cid: str) -> Candidate:
        return self.candidates[self.index(cid)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pool) and self.candidates == other.candidates

    def __hash__(self) -> int:
        return hash(tuple(c.id for c in self.candidates))

    def index(self, cid: str) -> int:
        """0-based position of a candidate id; ``KeyError`` if unknown."""
        return int(self._index[cid])  # type: ignore[attr-defined]

    @property
    def ids(self) -> tuple[str, ...]:
        """Candidate ids in pool order."""
        return tuple(c.id for c in self.candidates)

    @cached_property
    def sectors(self) -> tuple[str, ...]:
        """Sorted distinct sectors."""
        return tuple(sorted({c.sector for c in self.candidates}))

    @cached_property
    def skills(self) -> tuple[str, ...]:
        """Sorted distinct skills."""
        return tuple(sorted({s for c in self.candidates for s in c.skills}))

    @cached_property
    def slots(self) -> tuple[str, ...]:
        """Sorted distinct availability slots, in week order."""
        return tuple(sorted({s for c in self.candidates for s in c.availability}, key=slot_key))

    @cached_property
    def extra_columns(self) -> tuple[str, ...]:
        """Names of the extra (attribute) columns, in first-seen order."""
        seen: dict[str, None] = {}
        for c in self.candidates:
            for k in c.attributes:
                seen.setdefault(k, None)
        return tuple(seen)

    def values(self, name: str) -> tuple[str, ...]:
        """Sorted distinct values of a field or attribute over the pool."""
        return tuple(sorted(set(self.column(name))))

    def column(self, name: str) -> tuple[str, ...]:
        """Every candidate's value of a countable field (:meth:`Candidate.attribute`), in pool order.

        Read once per field and kept (a pool never changes).

        Examples
        --------
        >>> import evocompose as evo
        >>> evo.datasets.tiny().pool.column("sector")[:3]
        ('agriculture', 'food', 'food')
        """
        known = self._columns.get(name)
        if known is None:
            people = self.candidates
            # what Candidate.attribute does, without a method call per candidate
            if name == "external":
                known = tuple("true" if c.external else "false" for c in people)
            elif name in _CATEGORY_FIELDS:
                known = tuple(map(str, map(attrgetter(name), people)))
            else:
                known = tuple(c.attributes.get(name, "") for c in people)
            self._columns[name] = known
        return known

    @cached_property
    def _columns(self) -> dict[str, tuple[str, ...]]:
        return {}

    def codes(self, name: str) -> tuple[np.ndarray, tuple[str, ...]]:
        """:meth:`column` as numbers: a code per candidate (read-only) and the values by code.

        Codes number the values in the order they first occur in the pool;
        kept like the column.

        Examples
        --------
        >>> import evocompose as evo
        >>> codes, values = evo.datasets.tiny().pool.codes("sector")
        >>> codes.tolist(), values
        ([0, 1, 1, 2, 0, 2], ('agriculture', 'food', 'tourism'))
        """
        known = self._codes.get(name)
        if known is None:
            # pandas' hash table numbers the values in first-seen order
            numbers, uniques = pd.factorize(np.array(self.column(name), dtype=object), sort=False)
            codes = numbers.astype(np.int32)
            codes.setflags(write=False)
            known = self._codes[name] = (codes, tuple(str(v) for v in uniques))
        return known

    @cached_property
    def _codes(self) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
        return {}

    def to_frame(self) -> pd.DataFrame:
        """The pool as a DataFrame in the input format (lists joined with ``;``).

        Examples
        --------
        >>> import evocompose as evo
        >>> evo.datasets.tiny().pool.to_frame().columns[:3].tolist()
        ['id', 'name', 'organisation']
        """
        networks = sorted({k for c in self.candidates for k in c.relevance})
        rows: list[dict[str, Any]] = []
        for c in self.candidates:
            row: dict[str, Any] = {
                "id": c.id,
                "name": c.name,
                "organisation": c.organisation,
                "sector": c.sector,
                "actor_type": c.actor_type,
                "skills": ";".join(c.skills),
                "themes": ";".join(c.themes),
                "availability": ";".join(c.availability),
                "capacity": c.capacity,
                "area": c.area,
                "external": c.external,
            }
            for n in networks:
                row[f"relevance:{n}"] = c.relevance.get(n)
            for k in self.extra_columns:
                row[k] = c.attributes.get(k, "")
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame["capacity"] = frame["capacity"].astype("Int64")
        return frame


@dataclass(frozen=True)
class NetworkSpec:
    """One network to compose and its rules.

    Parameters
    ----------
    name : str
        Key (letters, digits, ``_``, ``-``), used in relevance columns and outputs.
    theme : str
        Display title.
    min_size, max_size : int
    tags : tuple of str
        Theme tags matched against candidates' ``themes``.
    min_relevance : float, optional
        Members need relevance of at least this.
    quotas : tuple of Quota
    skills : tuple of SkillRequirement
    meeting : MeetingRule, optional
    max_per : tuple of MaxPer, or mapping of field to int
        At most ``k`` members sharing a value of a field, e.g.
        ``{"organisation": 1, "area": 3}``; stored as a tuple of
        :class:`~evocompose.constraints.MaxPer`.
    include, exclude : tuple of str
        Pinned into / kept out of this network.
    min_known : int
        Cohesion rule: each member already knows at least this many others
        inside (0 = no rule).
    synergy : mapping of (str, str) to float
        Sector x sector complementarity per member pair; symmetric.
    bridge : BridgeRule, optional
    weights : mapping of str to float
        Per-network overrides of the problem's objective weights.

    Raises
    ------
    NetworkSpecError
        A malformed field or contradicting rules; ``network`` names the network.

    Examples
    --------
    >>> spec = NetworkSpec("food", min_size=4, max_size=8, max_per={"organisation": 1})
    >>> spec.max_per
    (MaxPer(field='organisation', max=1),)
    >>> NetworkSpec("food", min_size=5, max_size=4)
    Traceback (most recent call last):
    ...
    evocompose.errors.NetworkSpecError: network 'food', column 'min_size', value 5: min_size 5 > max_size 4; swap or correct them
    """

    name: str
    theme: str = ""
    min_size: int = 1
    max_size: int = 10
    tags: tuple[str, ...] = ()
    min_relevance: float | None = None
    quotas: tuple[Quota, ...] = ()
    skills: tuple[SkillRequirement, ...] = ()
    meeting: MeetingRule | None = None
    max_per: tuple[MaxPer, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_known: int = 0
    synergy: Mapping[tuple[str, str], float] = field(default_factory=dict)
    bridge: BridgeRule | None = None
    weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("tags", "quotas", "skills", "include", "exclude"):
            set_(self, name, tuple(getattr(self, name)))
        try:
            set_(self, "max_per", _max_per(self.max_per))
        except EvocomposeError as exc:
            raise exc.located(network=self._label()) from None
        sym: dict[tuple[str, str], float] = {}
        for (a, b), v in dict(self.synergy).items():
            key = (a, b) if a <= b else (b, a)
            if not real_number(v, MAX_NUMBER):
                raise NetworkSpecError(
                    f"a synergy value must be a finite number between {-MAX_NUMBER:g} and "
                    f"{MAX_NUMBER:g}",
                    network=self._label(),
                    column=f"synergy.{a}|{b}",
                    value=v,
                )
            sym[key] = float(v)
        set_(self, "synergy", sym)
        set_(self, "weights", dict(self.weights))
        self._validate()

    def __hash__(self) -> int:
        return hash((self.name, self.min_size, self.max_size))

    def _label(self) -> str | None:
        return self.name if isinstance(self.name, str) and self.name else None

    def _err(
        self, message: str, column: str | None = None, value: object = ...
    ) -> NetworkSpecError:
        return NetworkSpecError(message, network=self._label(), column=column, value=value)

    def _validate(self) -> None:
        if not isinstance(self.name, str) or not NAME_RE.match(self.name):
            raise self._err(
                "a network name must be non-empty letters, digits, '_' or '-'", "name", self.name
            )
        if not isinstance(self.theme, str):
            raise self._err(
                "the theme (the network's title) must be text; NetworkSpec's second argument is "
                "the theme, so give sizes by name: NetworkSpec(name, min_size=..., max_size=...)",
                "theme",
                self.theme,
            )
        if len(self.name) > MAX_ID_CHARS:
            raise self._err(
                f"a network name may have at most {MAX_ID_CHARS} characters; use a short key "
                "and put the long title in 'theme'",
                "name",
                self.name,
            )
        for attr in ("min_size", "max_size"):
            v = getattr(self, attr)
            if (
                isinstance(v, bool)
                or not isinstance(v, int | np.integer)
                or not 0 <= v <= MAX_COUNT
            ):
                raise self._err(
                    f"must be a whole number from 0 to {MAX_COUNT:,} (and at most the number "
                    "of candidates)",
                    attr,
                    v,
                )
        if self.min_size > self.max_size:
            raise self._err(
                f"min_size {self.min_size} > max_size {self.max_size}; swap or correct them",
                "min_size",
                self.min_size,
            )
        if self.min_relevance is not None and not (
            real_number(self.min_relevance, 1.0) and self.min_relevance >= 0
        ):
            raise self._err("min_relevance must be in [0, 1]", "min_relevance", self.min_relevance)
        if not (
            isinstance(self.min_known, numbers.Integral)
            and whole_number(self.min_known, MAX_COUNT)
            and self.min_known >= 0
        ):
            raise self._err(
                f"min_known must be a whole number from 0 to {MAX_COUNT:,}",
                "min_known",
                self.min_known,
            )
        kinds: tuple[tuple[str, type], ...] = (
            ("quotas", Quota),
            ("skills", SkillRequirement),
            ("max_per", MaxPer),
        )
        for attr, kind in kinds:
            for item in getattr(self, attr):
                if not isinstance(item, kind):
                    raise self._err(f"expected {kind.__name__} objects", attr, item)
        singles: tuple[tuple[str, type], ...] = (("meeting", MeetingRule), ("bridge", BridgeRule))
        for attr, kind in singles:
            item = getattr(self, attr)
            if item is not None and not isinstance(item, kind):
                raise self._err(f"expected a {kind.__name__}", attr, item)
        for q in self.quotas:
            if q.unit == "count" and q.min is not None and q.min > self.max_size:
                raise self._err(
                    f"quota '{q.describe()}' needs more members than max_size {self.max_size}",
                    "quota",
                    q.min,
                )
        for s in self.skills:
            if s.min > self.max_size:
                raise self._err(
                    f"skill requirement '{s.describe()}' must be between 0 and max_size",
                    "skill",
                    s.min,
                )
        fields_ = [m.field for m in self.max_per]
        dup = [f for f, k in Counter(fields_).items() if k > 1]
        if dup:
            raise self._err("max_per names a field twice; keep one limit", "max_per", dup[0])
        both = set(self.include) & set(self.exclude)
        if both:
            raise self._err(
                "the same people are pinned into and out of the network; keep one pin",
                "include",
                sorted(both),
            )
        if len(self.include) > self.max_size:
            raise self._err(
                f"{len(self.include)} people pinned in but max_size is {self.max_size}",
                "include",
                len(self.include),
            )
        for key in self.weights:
            if key not in TERM_NAMES:
                raise self._err(
                    f"unknown objective weight; use one of {', '.join(TERM_NAMES)}",
                    "weights",
                    key,
                )

    @property
    def max_per_organisation(self) -> int | None:
        """The ``max_per`` limit on organisations (``None`` without one)."""
        return next((m.max for m in self.max_per if m.field == "organisation"), None)

    def synergy_of(self, sector_a: str, sector_b: str) -> float:
        """Complementarity of a member pair from these two sectors."""
        key = (sector_a, sector_b) if sector_a <= sector_b else (sector_b, sector_a)
        return float(self.synergy.get(key, 0.0))

    def describe(self) -> list[str]:
        """Readable lines describing the rules of this network."""
        lines = [f"size {self.min_size}-{self.max_size}"]
        if self.tags:
            lines.append(f"theme tags: {', '.join(self.tags)}")
        if self.min_relevance is not None:
            lines.append(f"relevance >= {self.min_relevance:g}")
        lines += [m.describe() for m in self.max_per]
        lines += [f"quota: {q.describe()}" for q in self.quotas]
        lines += [f"skill: {s.describe()}" for s in self.skills]
        if self.meeting is not None:
            lines.append(f"meeting: {self.meeting.describe()}")
        if self.min_known:
            lines.append(f"cohesion: each member knows >= {self.min_known} others inside")
        if self.bridge is not None:
            lines.append(f"bridge: {self.bridge.describe()}")
        if self.include:
            lines.append(f"pinned in: {len(self.include)}")
        if self.exclude:
            lines.append(f"pinned out: {len(self.exclude)}")
        if self.synergy:
            lines.append(
                "synergy: "
                + ", ".join(f"{a}×{b}={v:g}" for (a, b), v in sorted(self.synergy.items()))
            )
        return lines


def _max_per(given: object) -> tuple[MaxPer, ...]:
    """``max_per`` as a tuple of :class:`MaxPer` (from a mapping, or items already built)."""
    if isinstance(given, Mapping):
        return tuple(MaxPer(str(k), v) for k, v in given.items())
    if isinstance(given, MaxPer):
        return (given,)
    return tuple(given)  # type: ignore[call-overload, arg-type, no-any-return]


def _pairs(pairs: Iterable[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    out = []
    for p in pairs:
        a, b = p
        out.append((str(a), str(b)))
    return tuple(out)


#: Ties graphs a :class:`Problem` made (string ids, every candidate a node, frozen): a
#: problem given one of them, e.g. by :meth:`Problem.replace`, shares it instead of copying
#: millions of ties again.
_OWN_GRAPHS: weakref.WeakSet[nx.Graph] = weakref.WeakSet()


@dataclass(frozen=True, eq=False)
class Problem:
    """Pool + network specs + ties + global rules + objective weights, validated once.

    Parameters
    ----------
    pool : Pool
    networks : sequence of NetworkSpec
        Names must be unique.
    ties : networkx.Graph, optional
        Existing acquaintances over candidate ids (edge attributes
        ``strength`` and ``kind`` optional). Copied and frozen.
    conflicts : sequence of (str, str)
        Pairs never placed in the same network.
    must_pairs : sequence of (str, str)
        Pairs placed together in every network either of them joins.
    share_members : sequence of (str, str)
        Network pairs that may share members (others may not).
    default_capacity : int
        Capacity of candidates whose capacity is empty.
    attributes : sequence of str
        Extra columns used as diversity attributes and in quotas.
    sector_groups : mapping of str to sequence of str
        Named groups of sectors (quotas refer to them by name in TOML).
    required, excluded : sequence of str
        People who must be placed somewhere / nowhere.
    assign_all : bool
        Every candidate must be placed (pure grouping problems, e.g. MDGP).
    weights : Weights
    dissimilarity : array (n, n) or DataFrame, optional
        Symmetric dissimilarity, an extra pairwise diversity term: an array
        in pool order, or a DataFrame whose index and columns are candidate
        ids (aligned to the pool; the caller's frame is not modified). Stored
        as a read-only array in pool order.
    name : str

    Raises
    ------
    ProblemError
        When the parts do not fit together; the message says where and how
        to fix it.
    """

    pool: Pool
    networks: tuple[NetworkSpec, ...]
    ties: nx.Graph = field(default_factory=nx.Graph)
    conflicts: tuple[tuple[str, str], ...] = ()
    must_pairs: tuple[tuple[str, str], ...] = ()
    share_members: tuple[tuple[str, str], ...] = ()
    default_capacity: int = 1
    attributes: tuple[str, ...] = ()
    sector_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    assign_all: bool = False
    weights: Weights = field(default_factory=Weights)
    dissimilarity: np.ndarray | None = None
    name: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "networks", tuple(self.networks))
        set_(self, "conflicts", _pairs(self.conflicts))
        set_(self, "must_pairs", _pairs(self.must_pairs))
        set_(
            self,
            "share_members",
            tuple(sorted({tuple(sorted(p)) for p in _pairs(self.share_members)})),
        )  # type: ignore[misc]
        set_(self, "attributes", tuple(self.attributes))
        set_(self, "required", tuple(self.required))
        set_(self, "excluded", tuple(self.excluded))
        set_(self, "sector_groups", {k: tuple(v) for k, v in dict(self.sector_groups).items()})
        given = self.ties
        if given in _OWN_GRAPHS and all(i in given for i in self.pool.ids):
            graph = given  # made and frozen by a problem, and would be made again the same
        else:
            graph = nx.Graph()
            graph.add_nodes_from(self.pool.ids)
            for a, b, data in given.edges(data=True):
                graph.add_edge(str(a), str(b), **data)
            for n in given.nodes:
                if str(n) not in self.pool:
                    graph.add_node(str(n))
            nx.freeze(graph)
            _OWN_GRAPHS.add(graph)
        set_(self, "ties", graph)
        if self.dissimilarity is not None:
            d = self._dissimilarity_array(self.dissimilarity)
            d.setflags(write=False)
            set_(self, "dissimilarity", d)
        self._validate()

    def _dissimilarity_array(self, given: object) -> np.ndarray:
        """The dissimilarity as a float array in pool order (a DataFrame is aligned by id)."""
        if isinstance(given, pd.DataFrame):
            ids = list(self.pool.ids)
            rows = [str(i) for i in given.index]
            cols = [str(c) for c in given.columns]
            for label, have in (("row", rows), ("column", cols)):
                missing = [i for i in ids if i not in set(have)]
                if missing:
                    raise ProblemError(
                        f"the dissimilarity table has no {label} for a candidate; index rows "
                        "and columns by candidate id",
                        column="dissimilarity",
                        value=missing[0],
                    )
                extra = [i for i in have if i not in self.pool]
                if extra:
                    raise ProblemError(
                        f"the dissimilarity table has a {label} for an unknown candidate id",
                        column="dissimilarity",
                        value=extra[0],
                    )
            frame = given.copy()
            frame.index = rows
            frame.columns = cols
            try:
                return frame.loc[ids, ids].to_numpy(dtype=float, copy=True)
            except (TypeError, ValueError, OverflowError):
                raise ProblemError(
                    "the dissimilarity table must hold numbers only", column="dissimilarity"
                ) from None
        try:
            return np.array(given, dtype=float, copy=True)
        except (TypeError, ValueError, OverflowError):
            raise ProblemError(
                "the dissimilarity must be a numeric n x n array or a DataFrame indexed by id",
                column="dissimilarity",
            ) from None

    # ------------------------------------------------------------------ checks
    def _validate(self) -> None:
        pool = self.pool
        names = [n.name for n in self.networks]
        if not names:
            raise ProblemError("a problem needs at least one network")
        for spec in self.networks:
            if not isinstance(spec, NetworkSpec):
                raise ProblemError("networks must be NetworkSpec objects", value=spec)
        dup = [n for n, k in Counter(names).items() if k > 1]
        if dup:
            raise ProblemError("network names must be unique", column="name", value=dup[0])
        known = set(names)
        if not isinstance(self.weights, Weights):
            raise ProblemError("weights must be a Weights object", column="weights")
        cap = self.default_capacity
        if not (isinstance(cap, numbers.Integral) and whole_number(cap, MAX_COUNT) and cap >= 0):
            raise ProblemError(
                f"default_capacity must be a whole number from 0 to {MAX_COUNT:,}",
                column="default_capacity",
                value=self.default_capacity,
            )
        for a in self.attributes:
            if a in BUILTIN_FIELDS:
                raise ProblemError(
                    f"{a!r} is a built-in field; declare only extra columns as attributes",
                    column="attributes",
                    value=a,
                )
            if a not in pool.extra_columns:
                raise ProblemError(
                    f"declared attribute is not a column of the candidate table (columns: {', '.join(pool.extra_columns) or 'none'})",
                    file=pool.source,
                    column="attributes",
                    value=a,
                )
        for g, sectors in self.sector_groups.items():
            for s in sectors:
                if s not in pool.sectors:
                    raise ProblemError(
                        f"sector group {g!r} names a sector nobody in the pool has; pool sectors: {', '.join(pool.sectors)}",
                        column="sector_groups",
                        value=s,
                    )
        for node in self.ties.nodes:
            if node not in pool:
                raise ProblemError(
                    "a tie names a person who is not in the candidate table",
                    column="ties",
                    value=node,
                )
        for a, b in self.ties.edges:
            if a == b:
                raise ProblemError("a person cannot be tied to themself", column="ties", value=a)
        for label, pairs in (("conflicts", self.conflicts), ("must_pairs", self.must_pairs)):
            for a, b in pairs:
                for x in (a, b):
                    if x not in pool:
                        raise ProblemError(
                            f"{label} names an unknown candidate id", column=label, value=x
                        )
                if a == b:
                    raise ProblemError(
                        f"{label} pairs a person with themself", column=label, value=a
                    )
        clash = {frozenset(p) for p in self.conflicts} & {frozenset(p) for p in self.must_pairs}
        if clash:
            raise ProblemError(
                "the same pair is both a conflict and a must-pair; keep one",
                column="conflicts",
                value=sorted(next(iter(clash))),
            )
        for a, b in self.share_members:
            for x in (a, b):
                if x not in known:
                    raise ProblemError(
                        f"share_members names an unknown network; networks: {', '.join(names)}",
                        column="share_members",
                        value=x,
                    )
        for label, ids in (("required", self.required), ("excluded", self.excluded)):
            for x in ids:
                if x not in pool:
                    raise ProblemError(
                        f"{label} names an unknown candidate id", column=label, value=x
                    )
        both = set(self.required) & self._excluded
        if both:
            raise ProblemError(
                "the same people are required and excluded; keep one",
                column="required",
                value=sorted(both),
            )
        if self.dissimilarity is not None:
            d = self.dissimilarity
            n = len(pool)
            if d.shape != (n, n):
                raise ProblemError(
                    f"dissimilarity matrix must be {n} x {n} (pool order)",
                    column="dissimilarity",
                    value=d.shape,
                )
            if not np.all(np.isfinite(d)):
                raise ProblemError(
                    "dissimilarity matrix has NaN or infinite entries", column="dissimilarity"
                )
            if n and float(np.abs(d).max()) > MAX_NUMBER:
                i, j = np.unravel_index(int(np.abs(d).argmax()), d.shape)
                raise ProblemError(
                    f"the dissimilarity of {pool.ids[i]!r} and {pool.ids[j]!r} is beyond "
                    f"±{MAX_NUMBER:g}, the largest dissimilarity evocompose takes; divide the "
                    "whole matrix by a constant (only the ratios matter to the optimum)",
                    column="dissimilarity",
                    value=float(d[i, j]),
                )
            if not np.allclose(d, d.T):
                raise ProblemError("dissimilarity matrix must be symmetric", column="dissimilarity")
        for spec in self.networks:
            try:
                self._validate_network(spec)
            except EvocomposeError as exc:
                raise exc.located(network=spec.name) from None
        self._validate_pins()
        self._validate_magnitude()

    def objective_magnitude(self) -> tuple[float, str]:
        """The largest absolute objective any composition could reach, and its largest term.

        The sum, over the networks and terms, of ``|weight| x`` the term's largest
        count at the network's largest size ``s``: ``C(s, 2)`` mismatched pairs per
        attribute (times each declared attribute's factor), per skill, per new
        tie, times the largest synergy or dissimilarity value; ``s`` for cohesion
        and relevance; the pool size for spread. A problem must stay within
        :data:`~evocompose.limits.MAX_OBJECTIVE`.

        Examples
        --------
        >>> import evocompose as evo
        >>> value, term = evo.datasets.tiny().objective_magnitude()
        >>> round(value), term
        (91, 'relevance')
        """
        n = len(self.pool)
        per_term: dict[str, float] = {"spread": abs(self.weights.spread) * n}
        skills = len(self.pool.skills)
        dmax = (
            float(np.abs(self.dissimilarity).max()) if self.dissimilarity is not None and n else 0.0
        )
        factors = sum(abs(self.weights.attribute_factor(a)) for a in self.attributes)
        for spec in self.networks:
            w = self.network_weights(spec.name)
            s = min(int(spec.max_size), n)
            pairs = s * (s - 1) / 2
            smax = max((abs(v) for v in spec.synergy.values()), default=0.0)
            counts = {
                "sector": pairs,
                "actor_type": pairs,
                "area": pairs,
                "attributes": pairs * factors,
                "skills": pairs * skills,
                "new_cross_sector_ties": pairs,
                "cohesion": float(s),
                "relevance": float(s),
                "synergy": pairs * smax,
                "dissimilarity": pairs * dmax,
            }
            for term, count in counts.items():
                per_term[term] = per_term.get(term, 0.0) + abs(w.term_weight(term)) * count
        largest = max(per_term, key=lambda t: per_term[t])
        return float(sum(per_term.values())), largest

    def _validate_magnitude(self) -> None:
        n = len(self.pool)
        for spec in self.networks:
            if spec.max_size > n:
                raise ProblemError(
                    f"max_size {spec.max_size:,} is more than the {n:,} candidates of the "
                    "pool; a network cannot have more members than there are candidates, so "
                    f"lower max_size to at most {n:,}",
                    network=spec.name,
                    column="max_size",
                    value=spec.max_size,
                )
        total, term = self.objective_magnitude()
        if total > MAX_OBJECTIVE:
            raise ProblemError(
                f"the objective could reach {total:.3g}, more than the {MAX_OBJECTIVE:g} every "
                f"solver counts exactly to a thousandth; the term {term!r} contributes the "
                "most: lower its weight or its values (dividing every weight by the same "
                "number keeps the same optimum), or the network sizes",
                column=f"weights.{term}",
                value=total,
            )

    def _countable(self, fld: str, column: str) -> None:
        """A quota or ``max_per`` field must be a countable built-in field or declared attribute."""
        if fld not in COUNTABLE_FIELDS and fld not in self.attributes:
            raise ProblemError(
                f"the field must be one of {', '.join(COUNTABLE_FIELDS)} or a declared attribute "
                f"(declared: {', '.join(self.attributes) or 'none'})",
                column=column,
                value=fld,
            )

    def _validate_network(self, spec: NetworkSpec) -> None:
        """Cross-references of one network's rules to the pool (errors get ``network=``)."""
        pool = self.pool
        for q in spec.quotas:
            self._countable(q.field, "quota.field")
            if q.field == "actor_type":
                bad = [v for v in q.values if v not in ACTOR_TYPES]
                if bad:
                    raise ProblemError(
                        f"quota names an unknown actor type; use {', '.join(ACTOR_TYPES)}",
                        column="quota.values",
                        value=bad[0],
                    )
            elif q.field == "sector":
                bad = [v for v in q.values if v not in pool.sectors]
                if bad:
                    raise ProblemError(
                        f"quota names a sector nobody in the pool has; pool sectors: {', '.join(pool.sectors)}",
                        column="quota.values",
                        value=bad[0],
                    )
            elif q.field == "external":
                bad = [v for v in q.values if v not in ("true", "false")]
                if bad:
                    raise ProblemError(
                        "an external quota counts 'true' or 'false'",
                        column="quota.values",
                        value=bad[0],
                    )
            else:
                present = set(pool.values(q.field))
                bad = [v for v in q.values if v not in present]
                if bad:
                    raise ProblemError(
                        f"quota on {q.field!r} names a value nobody in the pool has; values: {', '.join(sorted(present))}",
                        column="quota.values",
                        value=bad[0],
                    )
        for m in spec.max_per:
            self._countable(m.field, f"max_per.{m.field}")
        for s in spec.skills:
            holders = sum(1 for c in pool if s.skill in c.skills)
            if holders < s.min:
                raise ProblemError(
                    f"requires {s.min} holder(s) of skill {s.skill!r} but the pool has {holders}",
                    column="skill",
                    value=s.skill,
                )
        if spec.meeting is not None:
            unknown = [t for t in spec.meeting.slots if t not in pool.slots]
            if unknown and len(unknown) == len(spec.meeting.slots):
                raise ProblemError(
                    "none of the allowed meeting slots is offered by any candidate",
                    column="meeting.slots",
                    value=unknown[0],
                )
        for a, b in spec.synergy:
            for sector in (a, b):
                if sector not in pool.sectors:
                    raise ProblemError(
                        f"synergy names a sector nobody in the pool has; pool sectors: {', '.join(pool.sectors)}",
                        column="synergy",
                        value=sector,
                    )
        for label, ids in (("include", spec.include), ("exclude", spec.exclude)):
            for x in ids:
                if x not in pool:
                    raise ProblemError(
                        f"{label} names an unknown candidate id", column=label, value=x
                    )
        self.network_weights(spec.name)  # the overrides make valid weights
        eligible = int(self._eligible_counts[self._network_index[spec.name]])
        if eligible < spec.min_size:
            raise ProblemError(
                f"needs at least {spec.min_size} members but only {eligible} candidates are "
                "eligible (relevance, pins, exclusions); lower min_size or min_relevance",
                column="min_size",
                value=spec.min_size,
            )

    def _validate_pins(self) -> None:
        pinned: dict[str, list[str]] = {}
        for spec in self.networks:
            for x in spec.include:
                pinned.setdefault(x, []).append(spec.name)
                if x in self._excluded:
                    raise ProblemError(
                        "pins in a person who is excluded everywhere",
                        network=spec.name,
                        column="include",
                        value=x,
                    )
                if not self.eligible(x, spec.name, ignore_pins=True):
                    raise ProblemError(
                        f"pins in a person whose relevance "
                        f"{self.relevance(x, spec.name):g} is below min_relevance {spec.min_relevance}",
                        network=spec.name,
                        column="include",
                        value=x,
                    )
        for x, nets in pinned.items():
            if len(nets) > self.capacity(x):
                raise ProblemError(
                    f"pinned into {len(nets)} networks ({', '.join(nets)}) but capacity is {self.capacity(x)}",
                    column="include",
                    value=x,
                )
            for i, a in enumerate(nets):
                for b in nets[i + 1 :]:
                    if not self.may_share(a, b):
                        raise ProblemError(
                            f"pinned into {a!r} and {b!r}, which may not share members; "
                            "add the pair to share_members or drop a pin",
                            column="include",
                            value=x,
                        )
        for spec in self.networks:
            inc = set(spec.include)
            for a, b in self.conflicts:
                if a in inc and b in inc:
                    raise ProblemError(
                        "pins in both people of a conflict",
                        network=spec.name,
                        column="include",
                        value=(a, b),
                    )
            for a, b in self.must_pairs:
                for x, y in ((a, b), (b, a)):
                    if x in inc and (y in spec.exclude or y in self._excluded):
                        raise ProblemError(
                            f"pins in {x!r} but their must-pair partner is excluded",
                            network=spec.name,
                            column="include",
                            value=(x, y),
                        )

    # ------------------------------------------------------------- accessors
    @cached_property
    def _excluded(self) -> frozenset[str]:
        return frozenset(self.excluded)

    @cached_property
    def _network_index(self) -> dict[str, int]:
        return {spec.name: g for g, spec in enumerate(self.networks)}

    @cached_property
    def _specs(self) -> dict[str, NetworkSpec]:
        return {spec.name: spec for spec in self.networks}

    @cached_property
    def _pinned_out(self) -> dict[str, frozenset[str]]:
        return {spec.name: frozenset(spec.exclude) for spec in self.networks}

    def network(self, name: str) -> NetworkSpec:
        """The network spec with this name; ``KeyError`` for an unknown name."""
        return self._specs[name]

    @property
    def network_names(self) -> tuple[str, ...]:
        """Network names in spec order."""
        return tuple(n.name for n in self.networks)

    @cached_property
    def _capacities(self) -> np.ndarray:
        caps = np.array(
            [self.default_capacity if c.capacity is None else c.capacity for c in self.pool],
            dtype=np.int64,
        )
        caps.setflags(write=False)
        return caps

    def capacities(self) -> np.ndarray:
        """Capacity of every candidate, in pool order (read-only array).

        Examples
        --------
        >>> import evocompose as evo
        >>> evo.datasets.tiny().capacities().tolist()
        [1, 1, 1, 1, 1, 1]
        """
        return self._capacities

    @cached_property
    def _relevance_table(self) -> np.ndarray:
        people = self.pool.candidates
        names = self.network_names
        index = {name: g for g, name in enumerate(names)}
        tags = sorted({t for spec in self.networks for t in spec.tags})
        table = np.zeros((len(people), len(names)))
        if tags:
            tag_index = {t: k for k, t in enumerate(tags)}
            held = np.zeros((len(people), len(tags)), dtype=np.int32)
            for i, c in enumerate(people):
                for t in c.themes:
                    k = tag_index.get(t)
                    if k is not None:
                        held[i, k] = 1
            wanted = np.zeros((len(tags), len(names)), dtype=np.int32)
            for g, spec in enumerate(self.networks):
                for t in spec.tags:
                    wanted[tag_index[t], g] = 1
            table = (held @ wanted > 0).astype(float)
        for i, c in enumerate(people):
            for name, value in c.relevance.items():
                col = index.get(name)
                if col is not None:
                    table[i, col] = float(value)
        table.setflags(write=False)
        return table

    def relevance_table(self) -> np.ndarray:
        """Relevance of every candidate to every network, ``(candidates, networks)`` (read-only).

        The same values as :meth:`relevance`, computed once for all pairs.

        Examples
        --------
        >>> import evocompose as evo
        >>> evo.datasets.tiny().relevance_table().shape
        (6, 2)
        """
        return self._relevance_table

    @cached_property
    def _eligibility_table(self) -> np.ndarray:
        ok = self.capable_table() & self.not_excluded_table()
        ok.setflags(write=False)
        return ok

    def capable_table(self) -> np.ndarray:
        """Capacity and minimum relevance alone (rule ``eligibility``), ``(candidates, networks)``.

        A new array: the domain of the ``eligibility`` rule, which the
        solvers state apart from exclusions.

        Examples
        --------
        >>> import evocompose as evo
        >>> int(evo.datasets.tiny().capable_table().sum())
        12
        """
        ok = np.repeat((self.capacities() >= 1)[:, None], len(self.networks), axis=1)
        rel = self.relevance_table()
        for g, spec in enumerate(self.networks):
            if spec.min_relevance is not None:
                ok[:, g] &= rel[:, g] >= spec.min_relevance
        return ok

    def not_excluded_table(self) -> np.ndarray:
        """Exclusions alone (rule ``excluded``: global and per network), ``(candidates, networks)``.

        A new array; :meth:`eligibility_table` is this and :meth:`capable_table`.

        Examples
        --------
        >>> import evocompose as evo
        >>> p = evo.datasets.tiny()
        >>> bool(p.replace(excluded=("p1",)).not_excluded_table()[0].any())
        False
        """
        pool = self.pool
        ok = np.ones((len(pool), len(self.networks)), dtype=bool)
        for x in self.excluded:
            ok[pool.index(x), :] = False
        for g, spec in enumerate(self.networks):
            for x in spec.exclude:
                ok[pool.index(x), g] = False
        return ok

    @cached_property
    def _eligible_counts(self) -> np.ndarray:
        return self.eligibility_table().sum(axis=0)

    def derived(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value derived from this problem, computed once per problem object and kept with it.

        For the layers above the data (the audit's fingerprint, the
        closed-form bound): a problem never changes, so what is derived
        from it never needs computing twice (seconds on 100,000 candidates).

        Examples
        --------
        >>> import evocompose as evo
        >>> p = evo.datasets.tiny()
        >>> p.derived("size", lambda: len(p.pool)), p.derived("size", lambda: -1)
        (6, 6)
        """
        memo = self._derived
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def derived_if_known(self, key: str) -> Any | None:
        """The value :meth:`derived` keeps under ``key``, or ``None`` before it is computed."""
        return self._derived.get(key)

    @cached_property
    def _derived(self) -> dict[str, Any]:
        return {}

    def eligibility_table(self) -> np.ndarray:
        """:meth:`eligible` for every candidate and network, ``(candidates, networks)`` (read-only).

        Examples
        --------
        >>> import evocompose as evo
        >>> int(evo.datasets.tiny().eligibility_table().sum())
        12
        """
        return self._eligibility_table

    def capacity(self, cid: str) -> int:
        """How many networks a candidate can join."""
        c = self.pool[cid].capacity
        return self.default_capacity if c is None else c

    def may_share(self, a: str, b: str) -> bool:
        """Whether networks ``a`` and ``b`` may have members in common."""
        key = (a, b) if a <= b else (b, a)
        return key in self.share_members

    def relevance(self, cid: str, network: str) -> float:
        """Relevance of a candidate to a network (see ``docs/formats.md``)."""
        c = self.pool[cid]
        if network in c.relevance:
            return float(c.relevance[network])
        spec = self.network(network)
        return 1.0 if set(c.themes) & set(spec.tags) else 0.0

    def eligible(self, cid: str, network: str, *, ignore_pins: bool = False) -> bool:
        """Whether a candidate may sit in a network at all (relevance, exclusions, capacity).

        Constant time per call (the exclusions are kept as sets).
        """
        spec = self.network(network)
        if not ignore_pins and (cid in self._pinned_out[network] or cid in self._excluded):
            return False
        if self.capacity(cid) < 1:
            return False
        return not (
            spec.min_relevance is not None and self.relevance(cid, network) < spec.min_relevance
        )

    def network_weights(self, network: str) -> Weights:
        """Objective weights for one network (global weights with its overrides)."""
        spec = self.network(network)
        return self.weights.merged(spec.weights) if spec.weights else self.weights

    def active_rules(self) -> tuple[str, ...]:
        """The hard rules this problem uses, by name, in the vocabulary's order.

        A rule is active when some network or global setting states it (see
        :data:`RULE_ACTIVATION`); ``size`` and ``capacity`` always are.

        Examples
        --------
        >>> import evocompose as evo
        >>> evo.datasets.tiny().active_rules()
        ('size', 'capacity')
        """
        return tuple(name for name in RULE_NAMES if RULE_ACTIVATION[name](self))

    def active_terms(self) -> tuple[str, ...]:
        """The objective terms with a non-zero weight somewhere, in the vocabulary's order.

        ``dissimilarity`` counts only with a matrix, ``attributes`` only with
        declared attributes.

        Examples
        --------
        >>> import evocompose as evo
        >>> "relevance" in evo.datasets.tiny().active_terms()
        True
        """
        weights = [self.network_weights(n) for n in self.network_names]
        out = []
        for t in TERM_NAMES:
            if t == "spread":
                on = bool(self.weights.spread)
            elif (t == "dissimilarity" and self.dissimilarity is None) or (
                t == "attributes" and not self.attributes
            ):
                on = False
            else:
                on = any(w.term_weight(t) for w in weights)
            if on:
                out.append(t)
        return tuple(out)

    def rule_networks(self, rule: str) -> tuple[str, ...]:
        """The networks that state a per-network rule (``()`` for a global rule or none).

        Examples
        --------
        >>> import evocompose as evo
        >>> evo.datasets.tiny().rule_networks("size")
        ('a', 'b')
        """
        stated = _NETWORK_RULES.get(rule)
        if stated is None:
            return ()
        return tuple(s.name for s in self.networks if stated(self, s))

    # ------------------------------------------------------------- behaviour
    def replace(self, **changes: Any) -> Problem:
        """A modified, re-validated copy.

        Examples
        --------
        >>> import evocompose as evo
        >>> p = evo.datasets.tiny()
        >>> p.replace(default_capacity=2).default_capacity
        2
        """
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if f.name == "ties":
                if set(a.nodes) != set(b.nodes):
                    return False
                ea = {frozenset((u, v)): dict(d) for u, v, d in a.edges(data=True)}
                eb = {frozenset((u, v)): dict(d) for u, v, d in b.edges(data=True)}
                if ea != eb:
                    return False
            elif f.name == "dissimilarity":
                if (a is None) != (b is None) or (a is not None and not np.array_equal(a, b)):
                    return False
            elif a != b:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"Problem(name={self.name!r}, candidates={len(self.pool)}, "
            f"ties={self.ties.number_of_edges()}, networks={list(self.network_names)})"
        )

    def _repr_html_(self) -> str:
        """Notebook display: the pool by sector and actor type, the networks and their rules."""
        pool = self.pool
        n = max(1, len(pool))
        parts = [
            _html.heading(
                f"Problem {self.name or '(unnamed)'}: {len(pool)} candidates, "
                f"{self.ties.number_of_edges()} ties, {len(self.networks)} networks"
            )
        ]
        sectors = Counter(c.sector for c in pool)
        by_sector = sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))
        parts.append(
            _html.table(
                ["sector", "candidates", "share"], [[s, k, f"{k / n:.1%}"] for s, k in by_sector]
            )
        )
        actors = Counter(c.actor_type for c in pool)
        parts.append(
            _html.table(
                ["actor type", "candidates", "share"],
                [[a, actors[a], f"{actors[a] / n:.1%}"] for a in ACTOR_TYPES if actors.get(a)],
            )
        )
        rows = []
        for spec in self.networks:
            eligible = sum(1 for c in pool if self.eligible(c.id, spec.name))
            rows.append([spec.name, spec.theme, eligible, "; ".join(spec.describe())])
        parts.append(_html.table(["network", "title", "eligible", "rules"], rows))
        parts.append(_html.paragraph("Rules in use: " + ", ".join(self.active_rules())))
        return "".join(parts)

    def summary(self) -> str:
        """A readable summary: the pool by sector and actor type, the networks and their rules."""
        pool = self.pool
        lines = [
            f"Problem {self.name or '(unnamed)'}: {len(pool)} candidates, "
            f"{self.ties.number_of_edges()} ties, {len(self.networks)} networks"
        ]
        lines.append("Pool by sector:")
        sectors = Counter(c.sector for c in pool)
        for s, k in sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {s:<24} {k:>5}  {k / len(pool):>5.1%}")
        lines.append("Pool by actor type:")
        actors = Counter(c.actor_type for c in pool)
        for a in ACTOR_TYPES:
            if actors.get(a):
                lines.append(f"  {a:<24} {actors[a]:>5}  {actors[a] / len(pool):>5.1%}")
        ext = sum(1 for c in pool if c.external)
        if ext:
            lines.append(f"External experts: {ext}")
        if self.attributes:
            lines.append(f"Diversity attributes: {', '.join(self.attributes)}")
        lines.append("Networks:")
        for g, spec in enumerate(self.networks):
            eligible = int(self._eligible_counts[g])
            title = f" — {spec.theme}" if spec.theme and spec.theme != spec.name else ""
            lines.append(f"  {spec.name}{title} ({eligible} eligible)")
            lines += [f"    {line}" for line in spec.describe()]
        rules = []
        if self.share_members:
            rules.append(
                "may share members: " + ", ".join(f"{a}~{b}" for a, b in self.share_members)
            )
        if self.conflicts:
            rules.append(f"{len(self.conflicts)} conflict pair(s)")
        if self.must_pairs:
            rules.append(f"{len(self.must_pairs)} must-pair(s)")
        if self.required:
            rules.append(f"{len(self.required)} required")
        if self.excluded:
            rules.append(f"{len(self.excluded)} excluded")
        if self.assign_all:
            rules.append("everyone must be placed")
        if self.dissimilarity is not None:
            rules.append("pairwise dissimilarity matrix")
        if rules:
            lines.append("Global rules: " + "; ".join(rules))
        w = self.weights
        lines.append(f"Objective: {w.mode}")
        return "\n".join(lines)


def _any_capacity_zero(p: Problem) -> bool:
    return bool((p.capacities() < 1).any())


#: When a network states a per-network rule (``size`` is stated by every network).
_NETWORK_RULES: dict[str, Callable[[Problem, NetworkSpec], bool]] = {
    "size": lambda p, s: True,
    "eligibility": lambda p, s: s.min_relevance is not None or _any_capacity_zero(p),
    "excluded": lambda p, s: bool(s.exclude or p.excluded),
    "include": lambda p, s: bool(s.include),
    "quota": lambda p, s: bool(s.quotas),
    "max_per": lambda p, s: bool(s.max_per),
    "skill": lambda p, s: bool(s.skills),
    "meeting": lambda p, s: s.meeting is not None,
    "conflict": lambda p, s: bool(p.conflicts),
    "must_pair": lambda p, s: bool(p.must_pairs),
    "cohesion": lambda p, s: s.min_known > 0,
    "bridge": lambda p, s: s.bridge is not None and s.bridge.min > 0,
}


def _sharing_active(p: Problem) -> bool:
    if len(p.networks) < 2 or bool((p.capacities() <= 1).all()):
        return False
    names = p.network_names
    return any(not p.may_share(a, b) for i, a in enumerate(names) for b in names[i + 1 :])


def _stated_anywhere(stated: Callable[[Problem, NetworkSpec], bool]) -> Callable[[Problem], bool]:
    return lambda p: any(stated(p, s) for s in p.networks)


#: Per rule name of :mod:`evocompose.vocabulary`, whether a problem uses the rule.
RULE_ACTIVATION: dict[str, Callable[[Problem], bool]] = {
    **{name: _stated_anywhere(stated) for name, stated in _NETWORK_RULES.items()},
    "capacity": lambda p: True,
    "sharing": _sharing_active,
    "required": lambda p: bool(p.required),
    "assign_all": lambda p: p.assign_all,
}
