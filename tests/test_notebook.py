"""Every cell of ``examples/stevns_notebook.py`` (jupytext percent format) runs.

The notebook is converted with jupytext and run with nbclient on the
``python3`` kernel of this interpreter (installed into the venv with
ipykernel when missing; both are development dependencies); see
``tests/notebook_run.py``. ``make test`` builds the documentation site first,
which executes the notebook once and stamps the executed copy with a
fingerprint of the notebook, the package and the example files: when that
fingerprint is the current one the test checks the copy instead of running
the notebook a second time; otherwise (pytest on its own, or any source
changed since) it executes the notebook itself. A kernel that cannot start, a
cell that raises or a missing output fails the test: there is no fallback
that could let a broken notebook pass.
"""

from __future__ import annotations

from notebook_run import execute, executed_copy


def test_notebook_runs() -> None:
    nb = executed_copy() or execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 8
    assert all(c.execution_count is not None for c in code), "a cell was not executed"
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    outputs = "".join(o.get("text", "") for c in code for o in c.get("outputs", []))
    assert "Status:" in outputs and "violation" in outputs
