"""Shared fixtures: a small valid candidate table, network plan, and a tiny TOML writer.

Also the ``yardstick`` marker: the fast tests of the checker, the objective,
the metrics and the validation, which ``make mutate`` runs against every
mutant (see ``docs/reliability.md``); and the ``serial`` marker: tests that
time themselves against the wall clock run alone when ``make pytest`` runs the
suite in two processes (pytest-xdist), the other process waiting meanwhile.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Test modules whose tests are marked ``yardstick``.
YARDSTICK_MODULES = frozenset(
    {
        "test_check.py",
        "test_check_rules.py",
        "test_check_oracle.py",
        "test_objective_terms.py",
        "test_objective.py",
        "test_metrics.py",
        "test_data_model.py",
        "test_errors_corpus.py",
        "test_io_candidates.py",
        "test_io_ties_networks.py",
        "test_io_dissimilarity.py",
        "test_writers.py",
    }
)


#: Set by ``.ci/run``: the shared MDGPLIB benchmark folder must be there (its
#: tests fail instead of skipping). A developer without ``../shared`` leaves it
#: unset and sees those tests skipped, with the reason (``-rs``).
REQUIRE_SHARED = "EVOCOMPOSE_REQUIRE_SHARED"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "yardstick: a fast test of check, objective, metrics or validation (make mutate runs these)",
    )
    config.addinivalue_line(
        "markers",
        "serial: a wall-clock timing test: runs alone, other xdist workers wait (see _serial_lock)",
    )
    if os.environ.get(REQUIRE_SHARED) == "1":
        from evocompose.datasets.mdgplib import default_benchmark_dir

        bench = default_benchmark_dir()
        if not (bench / "instances").is_dir() or not (bench / "bks.csv").is_file():
            raise pytest.UsageError(
                f"{REQUIRE_SHARED}=1 but the shared MDGPLIB benchmark folder is missing: "
                f"{bench} (expected instances/ and bks.csv). Put shared/ beside the "
                "repository, or set EVOCOMPOSE_MDGPLIB to its benchmarks/mdgp folder."
            )


@pytest.fixture(scope="session")
def warm_mdgp_kernels() -> None:
    """Compile the MDGP engine's numba kernels (one and two threads) before a timed test.

    A cold compile takes several seconds on a loaded 2-core machine, which would
    otherwise be charged to whichever timed assertion runs first.
    """
    import numpy as np

    from evocompose.solvers.search.mdgp import solve_mdgp

    rng = np.random.default_rng(0)
    d = rng.random((8, 8))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0)
    for workers in (1, 2):
        solve_mdgp(d, [4, 4], [4, 4], time_limit=30.0, seed=0, max_iterations=50, workers=workers)


@pytest.fixture(autouse=True)
def _serial_lock(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Under pytest-xdist, a ``serial`` test runs while no other test runs.

    Every test holds a shared lock on a file common to the session's workers,
    a ``serial`` test an exclusive one, so the timings it asserts are taken as
    without xdist (the other worker's solves would otherwise take half the
    cores). A turnstile lock taken before either keeps a waiting ``serial``
    test from being overtaken by the other worker's next tests. Without
    xdist there is one process and nothing to wait for.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    import fcntl  # POSIX only, like the xdist runs of `make pytest`

    folder = tmp_path_factory.getbasetemp().parent  # the session's, shared by its workers
    serial = request.node.get_closest_marker("serial") is not None
    with (
        open(folder / "serial.turnstile", "a") as turnstile,
        open(folder / "serial.lock", "a") as lock,
    ):
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        fcntl.flock(lock, fcntl.LOCK_EX if serial else fcntl.LOCK_SH)
        fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in YARDSTICK_MODULES:
            item.add_marker(pytest.mark.yardstick)


CANDIDATES_CSV = """\
id,name,organisation,sector,actor_type,skills,themes,availability,capacity,external,gender,relevance:a
p1,Ann,Farm A,agriculture,private,marketing,food,tue-evening,1,no,k,0.9
p2,Bo,Cafe B,food_restaurants,private,export,food,tue-evening,1,,m,
p3,Cy,Kommune,public_administration,public,strategy,,tue-evening;thu-morning,2,ja,k,0.4
p4,Di,Uni,education,knowledge,,outdoor,thu-morning,,0,m,
p5,Ed,Club,associations_sport,civil,marketing,outdoor,thu-morning,1,x,k,
p6,Fi,Shop,retail,private,,food;outdoor,tue-evening,,,m,
"""

TIES_CSV = "a,b,strength,kind\np1,p2,2,work\np3,p4,,board\n"

PLAN: dict[str, Any] = {
    "global": {"default_capacity": 1, "attributes": ["gender"]},
    "network": [
        {"name": "a", "theme": "Food", "tags": ["food"], "min_size": 2, "max_size": 3},
        {"name": "b", "theme": "Outdoor", "tags": ["outdoor"], "min_size": 2, "max_size": 3},
    ],
}


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_value(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(doc: dict[str, Any]) -> str:
    """Tiny TOML writer for test plans (tables become inline tables below the top level)."""
    lines: list[str] = []
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            lines += [f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                lines.append(f"[[{key}]]")
                lines += [f"{_toml_value(k)} = {_toml_value(v)}" for k, v in item.items()]
        else:
            lines.insert(0, f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def plan() -> dict[str, Any]:
    """A fresh copy of the valid two-network plan."""
    return copy.deepcopy(PLAN)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Valid candidates.csv, ties.csv and networks.toml in a temporary folder."""
    out = {
        "candidates": tmp_path / "candidates.csv",
        "ties": tmp_path / "ties.csv",
        "networks": tmp_path / "networks.toml",
    }
    out["candidates"].write_text(CANDIDATES_CSV, encoding="utf-8")
    out["ties"].write_text(TIES_CSV, encoding="utf-8")
    out["networks"].write_text(to_toml(PLAN), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def stevns_solved() -> tuple[Any, Any]:
    """The Stevns example and a feasible composition of it (deterministic local search, ~2 s)."""
    import evocompose as evo

    problem = evo.datasets.stevns(seed=0)
    result = evo.solve(problem, time_limit=1.0, seed=0, solver="search", deterministic=True)
    assert result.composition is not None and evo.check(problem, result.composition) == []
    return problem, result.composition
