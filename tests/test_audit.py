"""The audit record: a stable fingerprint, written beside the composition, reproduced."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evocompose as evo
from evocompose.audit import (
    Audit,
    canonical_content,
    composition_digest,
    problem_fingerprint,
    software_versions,
)
from evocompose.io import read_audit, write_composition
from evocompose.reproduce import reproduce


def _shuffled(problem: evo.Problem, seed: int) -> evo.Problem:
    """The same problem with every set-like part given in another order."""
    rng = random.Random(seed)
    edges = list(problem.ties.edges(data=True))
    rng.shuffle(edges)
    ties = nx.Graph()
    ties.add_nodes_from(sorted(problem.ties.nodes, key=lambda _: rng.random()))
    for a, b, d in edges:
        if rng.random() < 0.5:
            a, b = b, a
        ties.add_edge(a, b, **dict(sorted(d.items(), key=lambda _: rng.random())))
    conflicts = [tuple(reversed(p)) if rng.random() < 0.5 else p for p in problem.conflicts]
    rng.shuffle(conflicts)
    specs = []
    for s in problem.networks:
        tags = list(s.tags)
        rng.shuffle(tags)
        synergy = dict(sorted(s.synergy.items(), key=lambda _: rng.random()))
        specs.append(dataclasses.replace(s, tags=tuple(tags), synergy=synergy))
    groups = dict(sorted(problem.sector_groups.items(), key=lambda _: rng.random()))
    return problem.replace(
        ties=ties, conflicts=tuple(conflicts), networks=tuple(specs), sector_groups=groups
    )


@pytest.fixture(scope="module")
def stevns() -> evo.Problem:
    return evo.datasets.stevns(seed=0)


def test_fingerprint_ignores_the_order_of_sets(stevns: evo.Problem) -> None:
    base = problem_fingerprint(stevns)
    for seed in range(3):
        assert problem_fingerprint(_shuffled(stevns, seed)) == base


#: Ids a JSON text must escape or that sort differently by code point than by eye.
AWKWARD_IDS = ["a", "B", "é", "Ø1", 'q"uote', "back\\slash", "10", "9", "ab", "a b", "日本"]


@settings(max_examples=60, deadline=None)
@given(
    edges=st.lists(
        st.tuples(
            st.sampled_from(AWKWARD_IDS),
            st.sampled_from(AWKWARD_IDS),
            st.sampled_from([None, 1.0, 2.5, "x"]),
        ),
        max_size=40,
    )
)
def test_fast_fingerprint_is_the_digest_of_the_canonical_text(
    edges: list[tuple[str, str, object]],
) -> None:
    """The fast path digests exactly ``json.dumps(canonical_content(problem))``."""
    pool = evo.Pool(
        tuple(
            evo.Candidate(id=i, name="n", organisation="o", sector="s", actor_type="civil")
            for i in AWKWARD_IDS
        )
    )
    ties = nx.Graph()
    for a, b, value in edges:
        if a == b:
            continue
        data = (
            {}
            if value is None
            else ({"strength": value} if value != "x" else {"kind": "x", "strength": 1.0})
        )
        ties.add_edge(a, b, **data)
    problem = evo.Problem(pool, (evo.NetworkSpec("a", min_size=0, max_size=3),), ties)
    text = json.dumps(
        canonical_content(problem), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert problem_fingerprint(problem) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_fingerprint_is_the_same_in_another_process(stevns: evo.Problem) -> None:
    code = "import evocompose as evo; print(evo.problem_fingerprint(evo.datasets.stevns(seed=0)))"
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert other == problem_fingerprint(stevns)


def _changes(p: evo.Problem) -> dict[str, evo.Problem]:
    food = p.network("food")
    first = p.pool.candidates[0]
    pool = evo.Pool((dataclasses.replace(first, area=first.area + "x"), *p.pool.candidates[1:]))
    return {
        "a quota": p.replace(
            networks=tuple(
                dataclasses.replace(s, quotas=s.quotas[1:]) if s.name == "food" else s
                for s in p.networks
            )
        ),
        "a size": p.replace(
            networks=tuple(
                dataclasses.replace(s, max_size=food.max_size + 1) if s.name == "food" else s
                for s in p.networks
            )
        ),
        "a weight": p.replace(weights=dataclasses.replace(p.weights, relevance=9.0)),
        "a candidate": p.replace(pool=pool),
        "a tie": p.replace(ties=nx.Graph(list(p.ties.edges)[1:])),
        "a conflict": p.replace(conflicts=p.conflicts[1:]),
        "a global rule": p.replace(default_capacity=2),
    }


def test_fingerprint_changes_with_the_content(stevns: evo.Problem) -> None:
    base = problem_fingerprint(stevns)
    prints = {name: problem_fingerprint(q) for name, q in _changes(stevns).items()}
    assert base not in prints.values()
    assert len(set(prints.values())) == len(prints)


def test_every_solve_result_carries_an_audit() -> None:
    p = evo.datasets.tiny()
    r = evo.solve(p, time_limit=2, seed=4, workers=1, solver="cpsat")
    a = r.audit
    assert a is not None
    assert a.fingerprint == problem_fingerprint(p)
    assert (a.call, a.backend, a.seed, a.workers, a.time_limit) == ("solve", "cpsat", 4, 1, 2.0)
    assert a.deterministic is False and a.solver == r.solver
    assert a.composition == composition_digest(r.composition)
    assert set(a.versions) == set(software_versions())
    assert a.started <= a.ended
    assert "Audit: problem" in r.summary()


@pytest.mark.parametrize("suffix", [".json", ".xlsx", ".csv"])
def test_the_audit_is_written_beside_the_composition(tmp_path: Path, suffix: str) -> None:
    p = evo.datasets.tiny()
    r = evo.solve(p, time_limit=2, solver="cpsat")
    path = write_composition(r.composition, tmp_path / f"c{suffix}", problem=p, audit=r.audit)
    assert read_audit(path) == r.audit
    assert evo.read_composition(path, p) == r.composition
    if suffix == ".csv":
        assert (tmp_path / "c.audit.json").exists()


def test_a_missing_or_broken_audit_is_a_clear_error(tmp_path: Path) -> None:
    p = evo.datasets.tiny()
    comp = evo.Composition({"a": ["p1", "p2"], "b": ["p3", "p4"]})
    path = write_composition(comp, tmp_path / "c.json")
    with pytest.raises(evo.EvocomposeError, match="no audit block"):
        read_audit(path)
    with pytest.raises(evo.EvocomposeError, match="no audit file"):
        read_audit(write_composition(comp, tmp_path / "c.csv"))
    r = evo.solve(p, time_limit=2, solver="cpsat")
    doc = r.audit.to_dict()
    doc["seed"] = "zero"
    (tmp_path / "bad.audit.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(evo.EvocomposeError, match="seed"):
        read_audit(tmp_path / "bad.audit.json")


def test_audit_round_trips_as_json_and_as_a_sheet() -> None:
    r = evo.solve(evo.datasets.tiny(), time_limit=2, solver="cpsat")
    assert Audit.from_json(r.audit.to_json()) == r.audit
    assert Audit.from_frame(r.audit.to_frame()) == r.audit


def _small() -> evo.Problem:
    return evo.datasets.stevns(seed=1, n=80)


@pytest.mark.parametrize(
    ("solver", "problem", "limit"),
    [
        ("cpsat", evo.datasets.tiny, 1.0),
        ("search", _small, 0.5),
        ("auto", evo.datasets.tiny, 1.0),
    ],
)
def test_deterministic_runs_reproduce(solver: str, problem: object, limit: float) -> None:
    p = problem()  # type: ignore[operator]
    r = evo.solve(p, time_limit=limit, seed=5, solver=solver, deterministic=True)
    assert r.composition is not None
    again = reproduce(p, r.audit)
    assert again.same_problem and again.same, str(again)
    assert again.result is not None and again.result.composition == r.composition
    assert "same composition" in str(again)


def test_auto_on_a_decomposed_problem_reproduces() -> None:
    """A pool large enough for auto's network-by-network start (more than 200 pairs)."""
    p = evo.datasets.stevns(seed=0, n=170)
    r = evo.solve(p, time_limit=0.5, seed=2, solver="auto", deterministic=True)
    assert r.composition is not None and r.stats.path == "decomposed + cpsat"
    assert reproduce(p, r.audit).same


def test_reproduce_refuses_another_problem() -> None:
    p = evo.datasets.tiny()
    r = evo.solve(p, time_limit=1, solver="cpsat", deterministic=True)
    other = p.replace(default_capacity=2)
    found = reproduce(other, r.audit)
    assert not found.same_problem and not found.same and found.result is None
    assert "differs" in str(found)
    forced = reproduce(other, r.audit, force=True)
    assert forced.result is not None


def test_reproduce_names_changed_versions() -> None:
    p = evo.datasets.tiny()
    r = evo.solve(p, time_limit=1, solver="cpsat", deterministic=True)
    old = dataclasses.replace(r.audit, versions={**r.audit.versions, "ortools": "0.0"})
    found = reproduce(p, old)
    assert found.changed_versions["ortools"][0] == "0.0"
    assert "ortools 0.0 ->" in str(found)


def test_solve_leaves_the_fingerprint_until_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint (seconds on 100,000 people) never counts against solve's time limit."""
    import evocompose.audit as audit_module

    calls: list[int] = []
    real = audit_module.problem_fingerprint

    def counted(problem: evo.Problem) -> str:
        calls.append(1)
        return real(problem)

    monkeypatch.setattr(audit_module, "problem_fingerprint", counted)
    p = evo.datasets.tiny()
    r = evo.solve(p, time_limit=2, workers=1, solver="cpsat")
    assert r.audit is not None and calls == []
    assert r.audit.fingerprint == real(p) and calls == [1]
    assert r.audit.fingerprint == real(p) and calls == [1]  # made once
    assert Audit.from_json(r.audit.to_json()) == r.audit
    # a problem object whose fingerprint is known gets it at once
    again = evo.solve(p, time_limit=2, workers=1, solver="cpsat")
    assert again.audit is not None and "_pending" not in vars(again.audit)


def test_fingerprints_are_kept_per_problem_object() -> None:
    p = evo.datasets.tiny()
    first = problem_fingerprint(p)
    assert problem_fingerprint(p) == first
    q = p.replace(default_capacity=2)  # another object, another fingerprint
    assert problem_fingerprint(q) != first
    assert problem_fingerprint(p.replace()) == first  # equal content, same digest


def test_software_versions_are_read_once_and_handed_out_as_copies() -> None:
    from importlib.metadata import version

    first = software_versions()
    assert first["numpy"] == version("numpy") and first["ortools"] == version("ortools")
    first["numpy"] = "changed by a caller"
    assert software_versions()["numpy"] == version("numpy")  # the cached record is untouched
