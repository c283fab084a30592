"""Error classes.

Every error evocompose raises for bad input is an :class:`EvocomposeError`.
Messages name the place (file, row, column), the offending value, and say how
to fix it.
"""

from __future__ import annotations

__all__ = [
    "CandidateError",
    "CompositionError",
    "EvocomposeError",
    "NetworkSpecError",
    "ProblemError",
    "SolverError",
    "TieError",
]


def _location(
    file: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    *,
    has_value: bool = False,
) -> str:
    parts: list[str] = []
    if file is not None:
        parts.append(f"file {file!s}")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    if has_value:
        parts.append(f"value {value!r}")
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
    value : optional
        The offending value, quoted in the message.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = ...,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.value = None if value is ... else value
        where = _location(file, row, column, self.value, has_value=value is not ...)
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


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
