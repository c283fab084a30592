"""Write a file whole or not at all: an interrupted or failed write leaves the old file as it was."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path"]


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; it replaces ``path`` only when the block succeeds.

    The temporary file is in the same folder (so the final rename is atomic
    on the same file system) and is removed when the block fails or is
    interrupted. A reader never sees half a file, and Ctrl-C during a write
    never destroys the previous version.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = Path(d) / "out.txt"
    ...     with atomic_path(target) as tmp:
    ...         _ = tmp.write_text("done")
    ...     try:
    ...         with atomic_path(target) as tmp:
    ...             _ = tmp.write_text("half")
    ...             raise KeyboardInterrupt
    ...     except KeyboardInterrupt:
    ...         pass
    ...     target.read_text(), sorted(p.name for p in Path(d).iterdir())
    ('done', ['out.txt'])
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
