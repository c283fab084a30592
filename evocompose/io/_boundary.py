"""The one boundary for foreign exceptions: every public reader and writer passes through it.

Readers and writers refuse bad input with specific messages (file, place,
value, fix). :func:`boundary` is the net behind them: an exception that is
not an :class:`~evocompose.EvocomposeError` — a damaged file that reached a
library in a way nobody foresaw, a full disk, memory running out — leaves
the public function as the caller's error class with the file name, what
happened in plain words and what to try. Such errors carry
``unexpected = True`` (the fuzz corpus counts them: ``make fuzz`` expects
none) and never chain the foreign exception, whose text may quote raw file
content.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from evocompose.errors import EvocomposeError, shown
from evocompose.limits import MAX_NESTING

__all__ = ["boundary", "label_of"]

P = ParamSpec("P")
R = TypeVar("R")


def label_of(source: object) -> str | None:
    """The file name a message names for a source (``None`` for objects and text)."""
    if isinstance(source, Path):
        return source.name
    if isinstance(source, str) and "\n" not in source and not source.lstrip().startswith("{"):
        return Path(source).name if len(source) < 4096 else None
    return None


def _translate(
    exc: BaseException, error: type[EvocomposeError], file: str | None, writing: bool
) -> EvocomposeError:
    if isinstance(exc, MemoryError):
        err = error(
            "not enough memory to "
            + ("write the file" if writing else "read the file; is it far larger than expected?"),
            file=file,
        )
    elif isinstance(exc, RecursionError):
        err = error(
            f"the data is nested too deeply to read (evocompose reads at most {MAX_NESTING} "
            "levels of lists and tables); check the brackets",
            file=file,
        )
    elif isinstance(exc, OSError) and writing:
        reason = exc.strerror or type(exc).__name__
        err = error(
            f"cannot write the file ({reason}); check that the folder exists, that you may "
            "write there, and that the file is not open in Excel",
            file=file,
        )
    elif isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        err = error(f"cannot read the file ({reason}); check the path", file=file)
    else:
        what = "writing" if writing else "reading"
        err = error(
            f"unexpected {type(exc).__name__} while {what} ({shown(str(exc), 80)}); "
            + (
                "check the folder and the data, and report this message if it persists"
                if writing
                else "the file may be damaged: open it in Excel or a text editor, save it "
                "again (as .xlsx, CSV UTF-8 or UTF-8 text) and read it again; report this "
                "message if it persists"
            ),
            file=file,
        )
        err.unexpected = True
    return err


def boundary(
    error: type[EvocomposeError], *, writing: bool = False, source: int | str | None = 0
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a public reader or writer: only :class:`EvocomposeError` leaves it.

    Parameters
    ----------
    error : type of EvocomposeError
        The class raised in place of a foreign exception.
    writing : bool
        A writer (messages speak of writing, ``OSError`` means the file
        cannot be written).
    source : int, str or None
        The positional index or keyword of the argument naming the file
        (``None``: no file).
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except EvocomposeError:
                raise
            except Exception as exc:  # the boundary: translate anything foreign
                if source is None:
                    given = None
                elif isinstance(source, str):
                    given = kwargs.get(source)
                else:
                    given = (
                        args[source]
                        if len(args) > source
                        else kwargs.get("path", kwargs.get("source"))
                    )
                raise _translate(exc, error, label_of(given), writing) from None

        return wrapper

    return decorate
