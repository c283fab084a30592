"""The objective terms in the local search, one implementation per term name.

:data:`TERMS` maps every term name of :mod:`evocompose.vocabulary` to

* ``compile(compiled)``: writes the term's weights (per network, per
  attribute) into the compiled problem
  (:class:`~evocompose.solvers.search.state.Compiled`);
* ``value``: the compiled function of :mod:`._core` that evaluates the term
  from the search state's counts. A *pairwise* term gives the weighted value
  between a person and the other members of a network (the objective changes
  by ``+value`` when the person joins and ``-value`` when they leave); the
  others (``cohesion``, ``spread``) give the change directly.

:func:`._core.toggle` sums them: its change is exactly that of
:func:`evocompose.objective.evaluate` + :func:`~evocompose.objective.weighted_total`
(``tests/test_search_core.py`` checks every term against it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _core

if TYPE_CHECKING:
    from .state import Compiled

__all__ = ["TERMS", "SearchTerm"]


@dataclass(frozen=True)
class SearchTerm:
    """How the search evaluates one term (see the module docstring).

    Attributes
    ----------
    value : numba dispatcher
        ``value(P, S, i, g)`` (pairwise) or ``value(P, S, i, g, add)``.
    compile : callable
        Writes the term's weights into a :class:`~.state.Compiled`.
    pairwise : bool
        Whether the term is a sum over member pairs (or members).
    """

    value: Any
    compile: Callable[[Compiled], None]
    pairwise: bool = True


def _weights(c: Compiled, get: Callable[..., float]) -> np.ndarray:
    problem = c.problem
    return np.array([float(get(problem.network_weights(n))) for n in c.names])


def _one_attribute(name: str) -> Callable[[Compiled], None]:
    def compile_term(c: Compiled) -> None:
        c.wdiv[:, c.attr_names.index(name)] = _weights(c, lambda w: w.term_weight(name))

    return compile_term


def _attributes(c: Compiled) -> None:
    problem = c.problem
    for a in problem.attributes:
        c.wdiv[:, c.attr_names.index(a)] = _weights(
            c, lambda w, a=a: w.attributes * w.attribute_factor(a)
        )


def _skills(c: Compiled) -> None:
    c.wskill = _weights(c, lambda w: w.skills)


def _new_cross_sector_ties(c: Compiled) -> None:
    c.wncst = _weights(c, lambda w: w.new_cross_sector_ties)


def _cohesion(c: Compiled) -> None:
    c.wcoh = _weights(c, lambda w: w.cohesion)
    c.coh_t = np.array(
        [c.problem.network_weights(n).cohesion_target for n in c.names], dtype=np.int64
    )


def _relevance(c: Compiled) -> None:
    c.wrel = _weights(c, lambda w: w.relevance)
    c.rel = np.array(c.problem.relevance_table(), dtype=float)  # writable: one kernel signature


def _synergy(c: Compiled) -> None:
    # sector codes of the compiled problem (first-seen order) -> sector names
    names = [""] * c.n_sectors
    for p, code in zip(c.problem.pool.candidates, c.codes[0], strict=True):
        names[int(code)] = p.sector
    w = _weights(c, lambda wt: wt.synergy)
    table = np.zeros((c.G, c.n_sectors, c.n_sectors))
    for g, spec in enumerate(c.problem.networks):
        if not spec.synergy or not w[g]:
            continue
        for sa, a in enumerate(names):
            for sb, b in enumerate(names):
                table[g, sa, sb] = w[g] * spec.synergy_of(a, b)
    if np.any(table != 0):
        c.syn = table
        c.has_syn = True


def _spread(c: Compiled) -> None:
    c.wspread = float(c.problem.weights.spread)


def _dissimilarity(c: Compiled) -> None:
    D = c.problem.dissimilarity
    if D is None:
        return
    c.D = np.array(D, dtype=float)  # writable: one kernel signature
    c.has_D = True
    c.wD = _weights(c, lambda w: w.dissimilarity)


#: One implementation per term name of :mod:`evocompose.vocabulary`.
TERMS: dict[str, SearchTerm] = {
    "sector": SearchTerm(_core.term_diversity, _one_attribute("sector")),
    "actor_type": SearchTerm(_core.term_diversity, _one_attribute("actor_type")),
    "area": SearchTerm(_core.term_diversity, _one_attribute("area")),
    "attributes": SearchTerm(_core.term_diversity, _attributes),
    "skills": SearchTerm(_core.term_skills, _skills),
    "new_cross_sector_ties": SearchTerm(_core.term_new_cross_sector_ties, _new_cross_sector_ties),
    "cohesion": SearchTerm(_core.term_cohesion, _cohesion, pairwise=False),
    "relevance": SearchTerm(_core.term_relevance, _relevance),
    "synergy": SearchTerm(_core.term_synergy, _synergy),
    "spread": SearchTerm(_core.term_spread, _spread, pairwise=False),
    "dissimilarity": SearchTerm(_core.term_dissimilarity, _dissimilarity),
}
