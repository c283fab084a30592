"""Reader for MDGPLIB instance files and best-known values.

The file format is described in ``shared/benchmarks/mdgp/FORMAT.md``: a header line
``n m type lb0 ub0 lb1 ub1 ...`` followed by one ``i j d`` line per unordered pair
``i < j`` in lexicographic order.

* :func:`read` — an instance file as a :class:`~evocompose.Problem` (pure MDGP).
* :func:`parse_mdgplib` — the raw instance (sizes and distance matrix).
* :func:`problem_from_instance` — a parsed instance in evocompose's terms:
  candidates ``"0"`` … ``"n-1"`` (the 0-based element index), named and
  organised ``"element <i>"``, sector ``"-"``, actor type ``"private"``;
  networks ``"g0"`` … ``"g<m-1>"`` with the instance's size bounds, in file
  order; ``assign_all=True``, ``default_capacity=1`` (every element sits in
  exactly one group), ``dissimilarity=D``; weights zero for every term
  except ``dissimilarity = 1``. The objective of a composition then equals
  the MDGP value of the assignment.

Malformed files raise :class:`MDGPFormatError`, an
:class:`~evocompose.EvocomposeError` (and a ``ValueError``) naming the file and
line.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evocompose.data import Candidate, NetworkSpec, Pool, Problem
from evocompose.errors import EvocomposeError
from evocompose.vocabulary import TERM_NAMES
from evocompose.weights import Weights

__all__ = [
    "MDGPFormatError",
    "MDGPInstance",
    "default_benchmark_dir",
    "load_bks",
    "mdgp_weights",
    "parse_mdgplib",
    "problem_from_instance",
    "read",
]


class MDGPFormatError(EvocomposeError, ValueError):
    """An MDGPLIB file does not follow the format (file and line in the message)."""


ENV_VAR = "EVOCOMPOSE_MDGPLIB"


@dataclass(frozen=True)
class MDGPInstance:
    """One Maximally Diverse Grouping Problem instance.

    Attributes
    ----------
    name : str
        Instance name (file name without ``.txt``).
    n : int
        Number of elements.
    m : int
        Number of groups.
    kind : str
        ``'ss'`` (same size) or ``'ds'`` (different size).
    lb, ub : numpy.ndarray
        Integer arrays of length ``m`` with the inclusive group size bounds.
    D : numpy.ndarray
        Symmetric ``n x n`` float64 distance matrix with zero diagonal.
    """

    name: str
    n: int
    m: int
    kind: str
    lb: np.ndarray
    ub: np.ndarray
    D: np.ndarray


def _fail(path: Path, line: int, msg: str) -> MDGPFormatError:
    return MDGPFormatError(f"{path}:{line}: {msg}", file=str(path), row=line)


def _parse_int(tok: str, path: Path, line: int, what: str) -> int:
    try:
        return int(tok)
    except ValueError:
        raise _fail(path, line, f"{what} must be an integer, got {tok!r}") from None


def parse_mdgplib(path: str | os.PathLike[str]) -> MDGPInstance:
    """Parse one MDGPLIB instance file.

    Parameters
    ----------
    path : str or os.PathLike
        Path to a ``<Set>_n<NNN>_<ss|ds>_<KK>.txt`` file.

    Returns
    -------
    MDGPInstance
        The parsed instance.

    Raises
    ------
    ValueError
        If the content is malformed; the message names the file and the line number.
    FileNotFoundError
        If the file does not exist.
    """
    p = Path(path)
    with p.open("r", encoding="ascii", errors="strict") as fh:
        try:
            text = fh.read()
        except UnicodeDecodeError as exc:
            raise MDGPFormatError(
                f"{p}: file is not ASCII text ({exc}); MDGPLIB files are plain ASCII",
                file=str(p),
            ) from None
    lines = text.splitlines()
    if not lines:
        raise _fail(p, 1, "empty file, expected header 'n m type lb0 ub0 ...'")
    head = lines[0].split()
    if len(head) < 3:
        raise _fail(p, 1, "header must be 'n m type lb0 ub0 ...'")
    n = _parse_int(head[0], p, 1, "n")
    m = _parse_int(head[1], p, 1, "m")
    kind = head[2]
    if n < 1:
        raise _fail(p, 1, f"n must be positive, got {n}")
    if m < 1:
        raise _fail(p, 1, f"m must be positive, got {m}")
    if kind not in ("ss", "ds"):
        raise _fail(p, 1, f"type must be 'ss' or 'ds', got {kind!r}")
    if len(head) != 3 + 2 * m:
        raise _fail(p, 1, f"header has {len(head) - 3} bound values, expected 2*m = {2 * m}")
    bounds = [_parse_int(t, p, 1, "group bound") for t in head[3:]]
    lb = np.asarray(bounds[0::2], dtype=np.int64)
    ub = np.asarray(bounds[1::2], dtype=np.int64)
    if np.any(lb < 0) or np.any(lb > ub):
        raise _fail(p, 1, "each group needs 0 <= lb <= ub")
    if not int(lb.sum()) <= n <= int(ub.sum()):
        raise _fail(p, 1, f"infeasible bounds: sum(lb)={lb.sum()}, n={n}, sum(ub)={ub.sum()}")
    if kind == "ss" and (np.any(lb != ub) or n % m != 0 or np.any(lb != n // m)):
        raise _fail(p, 1, "type 'ss' requires lb = ub = n/m for every group")

    npairs = n * (n - 1) // 2
    body = lines[1:]
    # Allow (but do not require) trailing blank lines.
    while body and not body[-1].strip():
        body.pop()
    if len(body) != npairs:
        where = npairs + 2 if len(body) > npairs else len(body) + 2
        raise _fail(p, where, f"expected {npairs} pair lines for n={n}, found {len(body)}")
    D = np.zeros((n, n), dtype=np.float64)
    iu, ju = np.triu_indices(n, k=1)
    vals = np.empty(npairs, dtype=np.float64)
    for k, raw in enumerate(body):
        lineno = k + 2
        tok = raw.split()
        if len(tok) != 3:
            raise _fail(p, lineno, f"expected 'i j d', got {raw!r}")
        i = _parse_int(tok[0], p, lineno, "i")
        j = _parse_int(tok[1], p, lineno, "j")
        if i != iu[k] or j != ju[k]:
            raise _fail(
                p,
                lineno,
                f"pair ({i}, {j}) out of order, expected ({iu[k]}, {ju[k]}) "
                "(pairs must be listed once, i < j, lexicographically)",
            )
        try:
            d = float(tok[2])
        except ValueError:
            raise _fail(p, lineno, f"distance must be a number, got {tok[2]!r}") from None
        if not math.isfinite(d) or d < 0:
            raise _fail(p, lineno, f"distance must be finite and non-negative, got {tok[2]!r}")
        vals[k] = d
    D[iu, ju] = vals
    D[ju, iu] = vals
    return MDGPInstance(name=p.stem, n=n, m=m, kind=kind, lb=lb, ub=ub, D=D)


def mdgp_weights() -> Weights:
    """Weights with every term 0 except ``dissimilarity = 1``.

    Returns
    -------
    Weights
    """
    zero = {t: 0.0 for t in TERM_NAMES if t != "dissimilarity"}
    return Weights(dissimilarity=1.0, **zero)  # type: ignore[arg-type]


def problem_from_instance(inst: MDGPInstance) -> Problem:
    """Build the :class:`~evocompose.data.Problem` of an MDGP instance.

    Parameters
    ----------
    inst : MDGPInstance
        A parsed instance (see :func:`parse_mdgplib`).

    Returns
    -------
    Problem
        The pure grouping problem described in the module docstring.

    Examples
    --------
    >>> import numpy as np
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
    """Read an MDGPLIB instance file as a pure grouping :class:`~evocompose.Problem`.

    Candidate ids are the 0-based element indices (``"0"`` ... ``"n-1"``),
    networks ``g0`` ... ``g<m-1>`` are the groups in file order with the
    file's size bounds, everyone must be placed once and the objective is the
    sum of distances inside groups (see
    :func:`problem_from_instance`).

    Raises
    ------
    MDGPFormatError
        When the file is malformed (the message names the file and line).
    """
    return problem_from_instance(parse_mdgplib(path))


def load_bks(path: str | os.PathLike[str]) -> dict[str, float]:
    """Read best-known values from a ``bks.csv`` file.

    Parameters
    ----------
    path : str or os.PathLike
        Path to ``bks.csv`` (columns ``instance,n,groups,min_size,max_size,bks,source``),
        or to the benchmark directory containing it.

    Returns
    -------
    dict of str to float
        Best-known objective value per instance name.

    Raises
    ------
    ValueError
        If a required column is missing or a value is not a number.
    """
    p = Path(path)
    if p.is_dir():
        p = p / "bks.csv"
    out: dict[str, float] = {}
    with p.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"instance", "bks"} <= set(reader.fieldnames):
            raise _fail(p, 1, "header must contain 'instance' and 'bks' columns")
        for lineno, row in enumerate(reader, start=2):
            try:
                out[row["instance"]] = float(row["bks"])
            except (TypeError, ValueError):
                raise _fail(p, lineno, f"bks must be a number, got {row.get('bks')!r}") from None
    return out


def default_benchmark_dir() -> Path:
    """Locate the shared MDGPLIB benchmark directory.

    The environment variable ``EVOCOMPOSE_MDGPLIB`` wins if set. Otherwise the
    directory ``shared/benchmarks/mdgp`` beside the repository root (the folder
    that contains ``pyproject.toml``) is used; the current working directory's
    parents are tried as a fallback.

    Returns
    -------
    pathlib.Path
        The benchmark directory (it may not exist; callers should check).
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    candidates: list[Path] = []
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            candidates.append(parent.parent / "shared" / "benchmarks" / "mdgp")
            break
    for parent in [Path.cwd(), *Path.cwd().parents]:
        candidates.append(parent / "shared" / "benchmarks" / "mdgp")
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[0]
