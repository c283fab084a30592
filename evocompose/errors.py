"""Error classes.

Every error evocompose raises for bad input is an :class:`EvocomposeError`.
Messages name the place (file, row, column, network), the offending value,
and say how to fix it. Values are quoted cut to a readable length and as
text, never as raw bytes.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CandidateError",
    "CompositionError",
    "EvocomposeError",
    "NetworkSpecError",
    "ProblemError",
    "SolverError",
    "TieError",
    "shown",
]

#: Longest quoted value in a message; longer values are cut with an ellipsis.
MAX_SHOWN = 120

_UNSET: Any = ...


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """A value as a message quotes it: ``repr`` of text, cut to ``limit`` characters.

    Bytes are decoded (invalid bytes replaced) so that a message never shows
    ``b'...'`` escapes of raw file content.

    Examples
    --------
    >>> shown("food")
    "'food'"
    >>> shown("x" * 500, limit=12)
    "'xxxxxxx…' (500 characters)"
    """
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return text[: limit - 4] + "…" + text[0] + size


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
        parts.append(f"file {file!s}")
    if row is not None:
        parts.append(f"row {row}")
    if network is not None:
        parts.append(f"network {network!r}")
    if column is not None:
        parts.append(f"column {column!r}")
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
    """

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
        super().__init__(f"{where}: {message}" if where else message)

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
        return type(self)(self.message, **current)


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
