"""MDGPLIB instances as :class:`~evocompose.data.Problem` objects.

A Maximally Diverse Grouping Problem (MDGP) instance is a pure grouping
problem: every element must be placed in exactly one group, group sizes lie
within bounds, and the objective is the sum of pairwise dissimilarities inside
the groups. :func:`problem_from_instance` writes it in evocompose's terms:

* candidates ``"0"`` … ``"n-1"`` (the 0-based element index), named and
  organised ``"element <i>"``, sector ``"-"``, actor type ``"private"``;
* networks ``"g0"`` … ``"g<m-1>"`` with ``min_size``/``max_size`` equal to the
  instance's bounds, in file order;
* ``assign_all=True``, ``default_capacity=1`` (so every element sits in
  exactly one group), ``dissimilarity=D``;
* weights zero for every term except ``dissimilarity = 1``.

The objective of a composition then equals the MDGP value of the assignment.
"""

from __future__ import annotations

import os

from evocompose.data import Candidate, NetworkSpec, Pool, Problem
from evocompose.datasets.mdgplib import MDGPInstance, parse_mdgplib
from evocompose.objective import TERMS, Weights

__all__ = ["mdgp_weights", "problem_from_instance", "read"]


def mdgp_weights() -> Weights:
    """Weights with every term 0 except ``dissimilarity = 1``.

    Returns
    -------
    Weights
    """
    zero = {t: 0.0 for t in TERMS if t != "dissimilarity"}
    return Weights(dissimilarity=1.0, **zero)  # type: ignore[arg-type]


def problem_from_instance(inst: MDGPInstance) -> Problem:
    """Build the :class:`~evocompose.data.Problem` of an MDGP instance.

    Parameters
    ----------
    inst : MDGPInstance
        A parsed instance (see :func:`evocompose.datasets.mdgplib.parse_mdgplib`).

    Returns
    -------
    Problem
        The pure grouping problem described in the module docstring.

    Examples
    --------
    >>> import numpy as np
    >>> from evocompose.datasets.mdgplib import MDGPInstance
    >>> D = np.array([[0.0, 1.0, 2.0, 3.0], [1.0, 0.0, 4.0, 5.0],
    ...               [2.0, 4.0, 0.0, 6.0], [3.0, 5.0, 6.0, 0.0]])
    >>> inst = MDGPInstance("toy", 4, 2, "ss", np.array([2, 2]), np.array([2, 2]), D)
    >>> p = problem_from_instance(inst)
    >>> p.network_names, p.pool.ids
    (('g0', 'g1'), ('0', '1', '2', '3'))
    """
    candidates = tuple(
        Candidate(
            id=str(i),
            name=f"element {i}",
            organisation=f"element {i}",
            sector="-",
            actor_type="private",
        )
        for i in range(inst.n)
    )
    networks = tuple(
        NetworkSpec(f"g{g}", theme=f"group {g}", min_size=int(lo), max_size=int(hi))
        for g, (lo, hi) in enumerate(zip(inst.lb, inst.ub, strict=True))
    )
    return Problem(
        Pool(candidates, source=inst.name),
        networks,
        assign_all=True,
        default_capacity=1,
        weights=mdgp_weights(),
        dissimilarity=inst.D,
        name=inst.name,
    )


def read(path: str | os.PathLike[str]) -> Problem:
    """Read an MDGPLIB instance file as a :class:`~evocompose.data.Problem`.

    Parameters
    ----------
    path : str or os.PathLike
        An MDGPLIB ``.txt`` file (format in ``shared/benchmarks/mdgp/FORMAT.md``).

    Returns
    -------
    Problem
    """
    return problem_from_instance(parse_mdgplib(path))
