"""Error classes.

Every error evocompose raises for bad input is an :class:`EvocomposeError`.
Messages name the place (file, row, column, network), the offending value,
and say how to fix it. Values are quoted cut to a readable length and as
text, never as raw bytes; whole messages are cut at
:data:`~evocompose.limits.MAX_MESSAGE_CHARS`.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from typing import Any

from evocompose.limits import MAX_MESSAGE_CHARS

__all__ = [
    "CandidateError",
    "CompositionError",
    "EvocomposeError",
    "NetworkSpecError",
    "ProblemError",
    "SolverError",
    "listing",
    "shown",
]

#: Longest quoted value in a message; longer values are cut with an ellipsis.
MAX_SHOWN = 120
#: Most items :func:`listing` names before it says how many more there are.
MAX_LISTED = 12

_UNSET: Any = ...
_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = MAX_SHOWN
_REPR.maxother = MAX_SHOWN
for _attr in ("maxlist", "maxtuple", "maxset", "maxfrozenset", "maxdict", "maxdeque", "maxarray"):
    setattr(_REPR, _attr, 8)


def _text_of(value: object, limit: int) -> str:
    """``repr`` of a value that never fails and never builds a huge string first."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        digits = round(abs(value).bit_length() * 0.30103)
        if digits > 40:
            return f"<a whole number of about {digits:,} digits>"
        return repr(value)
    if isinstance(value, str):
        # cut before repr so that a megabyte value is never copied whole
        return repr(value[: limit * 2]) if len(value) > limit * 2 else repr(value)
    if isinstance(value, float):
        return repr(value)
    try:
        return _REPR.repr(value)
    except Exception:  # a foreign object whose repr fails: name its type only
        return f"<{type(value).__name__}>"


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """A value as a message quotes it: ``repr`` of text, cut to ``limit`` characters.

    Bytes are decoded (invalid bytes replaced) so that a message never shows
    ``b'...'`` escapes of raw file content. Integers too long to print, deep
    or long containers and objects whose ``repr`` fails are described
    instead of printed.

    Examples
    --------
    >>> shown("food")
    "'food'"
    >>> shown("x" * 500, limit=12)
    "'xxxxxxx…' (500 characters)"
    >>> shown(b"caf\\xc3\\xa9")
    "'café'"
    >>> shown(10**5000)
    '<a whole number of about 5,000 digits>'
    """
    if isinstance(value, bytes | bytearray):
        value = bytes(value[: limit * 4]).decode("utf-8", errors="replace") + (
            "…" if len(value) > limit * 4 else ""
        )
    text = _text_of(value, limit)
    if len(text) <= limit:
        return text
    size = f" ({len(value):,} characters)" if isinstance(value, str) else ""
    quote = text[0] if text[0] in "'\"" else ""
    return text[: limit - 4] + "…" + quote + size


def listing(items: Iterable[object], limit: int = MAX_LISTED, *, quote: bool = False) -> str:
    """Items joined with ``, `` for a message, at most ``limit`` of them, each cut.

    Examples
    --------
    >>> listing(["a", "b", "c"])
    'a, b, c'
    >>> listing(range(100), limit=3)
    '0, 1, 2, … and 97 more'
    >>> listing(["a"], quote=True)
    "'a'"
    """
    out: list[str] = []
    extra = 0
    for k, item in enumerate(items):
        if k >= limit:
            extra += 1
        elif quote or not isinstance(item, str):
            out.append(shown(item, 40))
        else:
            out.append(item if len(item) <= 40 else item[:39] + "…")
    return ", ".join(out) + (f", … and {extra:,} more" if extra else "")


def _cut_message(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 40] + f"… (message cut, {len(message):,} characters)"


def _location(
    file: str | None,
    row: int | None,
    column: str | None,
    network: str | None,
    value: object,
    has_value: bool,
) -> str:
    parts: list[str] = []
    if file is not None:
        parts.append(f"file {shown(file, 200)[1:-1] if isinstance(file, str) else file}")
    if row is not None:
        parts.append(f"row {row}")
    if network is not None:
        parts.append(f"network {shown(network)}")
    if column is not None:
        parts.append(f"column {shown(column)}")
    if has_value:
        parts.append(f"value {shown(value)}")
    return ", ".join(parts)


class EvocomposeError(Exception):
    """Base class of every error evocompose raises for bad input or state.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    file, row, column : optional
        Where the problem is. ``row`` is the 1-based row as a spreadsheet
        shows it (the header is row 1, the first data row is row 2).
        ``column`` is a table column or a place in the network plan such as
        ``network[2].quota[1].min``.
    network : str, optional
        The network concerned (its name), when there is one.
    value : optional
        The offending value, quoted in the message (cut to a readable length).

    Examples
    --------
    >>> err = EvocomposeError("must be >= 1", network="food", column="min_size", value=0)
    >>> str(err)
    "network 'food', column 'min_size', value 0: must be >= 1"
    >>> err.network
    'food'

    Attributes
    ----------
    unexpected : bool
        ``True`` when the error stands in for an exception evocompose did not
        foresee (raised at the boundary of a reader or writer, see
        :mod:`evocompose.io`): the input is still refused cleanly, but the
        message is generic, so please report it.
    """

    unexpected: bool = False

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        network: str | None = None,
        value: object = _UNSET,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.network = network
        self.has_value = value is not _UNSET
        self.value = None if value is _UNSET else value
        self.message = message
        where = _location(file, row, column, network, self.value, self.has_value)
        super().__init__(_cut_message(f"{where}: {message}" if where else message))

    def located(self, **place: Any) -> EvocomposeError:
        """A copy of this error (same class) with some of its place replaced.

        Parameters
        ----------
        **place
            Any of ``file``, ``row``, ``column``, ``network``, ``value``.

        Examples
        --------
        >>> err = ProblemError("unknown sector", column="quota.values", value="fish")
        >>> print(err.located(file="networks.toml"))
        file networks.toml, column 'quota.values', value 'fish': unknown sector
        """
        current: dict[str, Any] = {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "network": self.network,
            "value": self.value if self.has_value else _UNSET,
        }
        current.update(place)
        out = type(self)(self.message, **current)
        out.unexpected = self.unexpected
        return out


class CandidateError(EvocomposeError):
    """A candidate table (pool) is malformed."""


class TieError(EvocomposeError):
    """An acquaintance edge list, conflict or must-pair list is malformed."""


class NetworkSpecError(EvocomposeError):
    """A network specification (TOML or object) is malformed or contradicts the pool."""


class ProblemError(EvocomposeError):
    """The parts of a problem do not fit together (cross-checks)."""


class CompositionError(EvocomposeError):
    """A composition names unknown people or networks, or is malformed."""


class SolverError(EvocomposeError):
    """A solver was asked for something it cannot do."""
