"""The built-in columns of the candidate table, declared once.

Readers (which columns are required, which are built in and which are
extra), the data model (which names a declared attribute may not take,
what :meth:`Candidate.attribute` reads), the checker and the solvers (which
fields a quota or a ``max_per`` rule may count) all read this table instead
of keeping their own lists.

Examples
--------
>>> from evocompose.fields import COUNTABLE_FIELDS, REQUIRED_COLUMNS
>>> REQUIRED_COLUMNS
('id', 'name', 'organisation', 'sector', 'actor_type')
>>> "organisation" in COUNTABLE_FIELDS
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ACTOR_TYPES",
    "BUILTIN_FIELDS",
    "COUNTABLE_FIELDS",
    "DAYS",
    "DIVERSITY_FIELDS",
    "FALSE_WORDS",
    "FIELDS",
    "KNOWN_COLUMNS",
    "PERSONAL_FIELDS",
    "RELEVANCE_PREFIX",
    "REQUIRED_COLUMNS",
    "SLOT_RE",
    "TIMES",
    "TRUE_WORDS",
    "Field",
    "parse_flag",
    "slot_key",
]

#: The four actor types.
ACTOR_TYPES: tuple[str, ...] = ("private", "public", "knowledge", "civil")

#: Prefix of the per-network relevance columns (``relevance:food``).
RELEVANCE_PREFIX = "relevance:"

#: Days of a meeting slot ``<day>-<time>`` (the ``availability`` column).
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Times of day of a meeting slot.
TIMES: tuple[str, ...] = ("morning", "afternoon", "evening")
#: A well-formed slot such as ``tue-evening``.
SLOT_RE = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)-(morning|afternoon|evening)$")
_SLOT_ORDER = {f"{d}-{t}": i for i, (d, t) in enumerate((d, t) for d in DAYS for t in TIMES)}


#: Words read as yes (any case): English, Danish (``ja``; ``sand`` is what Danish Excel
#: writes for TRUE), ``1`` and ``x``.
TRUE_WORDS: frozenset[str] = frozenset({"true", "yes", "ja", "sand", "1", "x"})
#: Words read as no (any case); ``falsk`` is what Danish Excel writes for FALSE. An empty
#: cell of the ``external`` column also reads as no.
FALSE_WORDS: frozenset[str] = frozenset({"false", "no", "nej", "falsk", "0"})


def parse_flag(text: str) -> bool | None:
    """A yes/no word as a bool; ``None`` when it is not one of :data:`TRUE_WORDS` or :data:`FALSE_WORDS`.

    Examples
    --------
    >>> parse_flag("Ja"), parse_flag("FALSK"), parse_flag("SAND"), parse_flag("maybe")
    (True, False, True, None)
    """
    t = text.strip().lower()
    if t in TRUE_WORDS:
        return True
    if t in FALSE_WORDS:
        return False
    return None


def slot_key(slot: str) -> tuple[int, str]:
    """Sort key putting slots in week order (unknown slots last, by name).

    Examples
    --------
    >>> sorted(["tue-evening", "mon-morning"], key=slot_key)
    ['mon-morning', 'tue-evening']
    """
    return (_SLOT_ORDER.get(slot, len(_SLOT_ORDER)), slot)


@dataclass(frozen=True)
class Field:
    """One built-in column of the candidate table.

    Attributes
    ----------
    name : str
        Column name (lowercase) and :class:`~evocompose.Candidate` attribute.
    kind : {"id", "text", "category", "tags", "number", "flag"}
        ``category`` values are single labels; ``tags`` are ``;``-separated lists.
    required : bool
        The reader refuses a table without this column.
    countable : bool
        Quotas and ``max_per`` rules may count this field's values.
    diversity : bool
        An objective term of its own counts mismatched pairs on it.
    personal : bool
        Personal data (GDPR): left out of pseudonymised exports and never logged.
    """

    name: str
    kind: Literal["id", "text", "category", "tags", "number", "flag"]
    required: bool = False
    countable: bool = False
    diversity: bool = False
    personal: bool = False


#: Every built-in column, in the order of the input format.
FIELDS: tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("name", "text", required=True, personal=True),
    Field("organisation", "category", required=True, countable=True, personal=True),
    Field("sector", "category", required=True, countable=True, diversity=True),
    Field("actor_type", "category", required=True, countable=True, diversity=True),
    Field("skills", "tags"),
    Field("themes", "tags"),
    Field("availability", "tags"),
    Field("capacity", "number"),
    Field("area", "category", countable=True, diversity=True),
    Field("external", "flag", countable=True),
)

#: Names of every built-in column.
BUILTIN_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS)
#: Columns a candidate table must have.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
#: Built-in columns the reader knows (relevance columns and extra columns aside).
KNOWN_COLUMNS: tuple[str, ...] = BUILTIN_FIELDS
#: Built-in fields a quota or ``max_per`` rule may count (besides declared attributes).
COUNTABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.countable)
#: Built-in fields with a diversity term of their own (each a term name too).
DIVERSITY_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.diversity)
#: Built-in fields that are personal data.
PERSONAL_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.personal)
