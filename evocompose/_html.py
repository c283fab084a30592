"""Tiny HTML pieces for the notebook displays (``_repr_html_``) of the core classes.

Only escaping and table layout; no styling beyond what Jupyter gives tables.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["heading", "paragraph", "table"]


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f'<td style="text-align:right">{value:,.2f}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td style="text-align:right">{value:,}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """An HTML table with escaped cells (numbers right-aligned).

    Examples
    --------
    >>> table(["a"], [["<b>"]])
    '<table><tr><th>a</th></tr><tr><td>&lt;b&gt;</td></tr></table>'
    """
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def heading(text: str, level: int = 4) -> str:
    """An escaped heading."""
    return f"<h{level}>{html.escape(text)}</h{level}>"


def paragraph(text: str) -> str:
    """An escaped paragraph."""
    return f"<p>{html.escape(text)}</p>"
