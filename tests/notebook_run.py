"""Execute ``examples/stevns_notebook.py`` once, for the test and the documentation site.

``python tests/notebook_run.py OUT.ipynb`` (the Makefile's ``out/notebook`` rule,
a prerequisite of ``make docs``) converts the jupytext notebook, runs every
cell with nbclient on the ``python3`` kernel of this interpreter and writes
the executed notebook, stamped with a fingerprint of what it ran: the
notebook's source, the package's sources and the example files. The site
shows that copy (``docs/stevns_notebook.ipynb`` links to it; mkdocs-jupyter
does not execute it again). ``tests/test_notebook.py`` checks the copy when
its fingerprint is the current one, and otherwise executes the notebook
itself, so that ``make test`` runs the notebook once instead of twice.

A kernel that cannot start or a cell that raises fails both (nbclient raises
``CellExecutionError``): there is no fallback that could let a broken
notebook pass.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "stevns_notebook.py"
#: Where ``make docs`` writes the executed notebook (``out/`` is not versioned).
EXECUTED = ROOT / "out" / "notebook" / "stevns_notebook.ipynb"
#: The notebook metadata key holding the fingerprint of the run.
KEY = "evocompose_run"


def fingerprint() -> str:
    """SHA-256 of everything the notebook's outputs depend on in this repository."""
    paths = [NOTEBOOK]
    for folder in (ROOT / "evocompose", ROOT / "examples" / "stevns"):
        paths += sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _kernel() -> str:
    """The ``python3`` kernel, installed into this interpreter's prefix when missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix)
    return "python3"


def execute() -> Any:
    """The notebook with every cell executed (raises on the first failing cell)."""
    import jupytext
    from nbclient import NotebookClient

    stamp = fingerprint()
    nb = jupytext.read(NOTEBOOK)
    client = NotebookClient(
        nb, kernel_name=_kernel(), timeout=120, resources={"metadata": {"path": str(ROOT)}}
    )
    backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"  # the kernel inherits it: no display needed
    try:
        client.execute()  # raises CellExecutionError, or the kernel's own error
    finally:  # the test's process (and the other tests in it) keep their own
        if backend is None:
            del os.environ["MPLBACKEND"]
        else:
            os.environ["MPLBACKEND"] = backend
    nb.metadata[KEY] = {"fingerprint": stamp}
    return nb


def executed_copy() -> Any | None:
    """The copy ``make docs`` wrote, when it ran exactly the current sources; else None."""
    import nbformat

    if not EXECUTED.is_file():
        return None
    nb = nbformat.read(EXECUTED, as_version=4)
    if nb.metadata.get(KEY, {}).get("fingerprint") != fingerprint():
        return None
    return nb


def main(argv: list[str]) -> int:
    import nbformat

    out = Path(argv[1]) if len(argv) > 1 else EXECUTED
    nb = execute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    nbformat.write(nb, tmp)
    tmp.replace(out)  # never a half-written copy
    print(f"executed {NOTEBOOK.relative_to(ROOT)} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
