"""Notebook displays (``_repr_html_``) of Problem, Result and Composition."""

from __future__ import annotations

import evocompose as evo


def test_problem_result_and_composition_render_as_html() -> None:
    p = evo.datasets.tiny()
    page = p._repr_html_()
    for needle in ("Problem tiny", "<table>", "Network A", "agriculture", "private", "size 2-3"):
        assert needle in page
    r = evo.solve(p, time_limit=5)
    assert r.composition is not None
    shown = r._repr_html_()
    assert "Result: OPTIMAL" in shown and "best bound" in shown and "relevance" not in shown
    assert all(cid in shown for cid in r.composition.placed())
    for c in p.pool:  # ids only: names are personal data
        assert c.name not in shown and c.name not in r.composition._repr_html_()


def test_html_escapes_what_users_typed() -> None:
    p = evo.datasets.tiny()
    spec = evo.NetworkSpec("a", theme="<script>x</script>", min_size=2, max_size=3)
    q = p.replace(networks=(spec, p.networks[1]))
    assert "<script>" not in q._repr_html_() and "&lt;script&gt;" in q._repr_html_()
