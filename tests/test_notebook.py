"""Execute every cell of ``examples/stevns_notebook.py`` (jupytext percent format).

The notebook is converted with jupytext and run with nbclient on the
``python3`` kernel of this interpreter (installed into the venv with
ipykernel when missing; both are development dependencies). A kernel that
cannot start, a cell that raises or a missing output fails the test: there is
no fallback that could let a broken notebook pass.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "stevns_notebook.py"


def _kernel() -> str:
    """The ``python3`` kernel, installed into this interpreter's prefix when missing."""
    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix)
    return "python3"


def test_notebook_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    nb = jupytext.read(NOTEBOOK)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 8
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = NotebookClient(
        nb, kernel_name=_kernel(), timeout=120, resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()  # raises CellExecutionError, or the kernel's own error: the test fails
    outputs = "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "Status:" in outputs and "violation" in outputs
