"""Tests of the simulated hand-picking strategies."""

from __future__ import annotations

import importlib.util
from itertools import combinations
from pathlib import Path

import pytest

import evocompose as evo
from evocompose.handpicked import STRATEGIES, handpick, obvious_sectors, target_size


@pytest.fixture(scope="module")
def stevns() -> evo.Problem:
    from evocompose.datasets.stevns_generator import stevns

    return stevns(seed=0, n=250)


def _cross_sector_share(problem: evo.Problem, comp: evo.Composition) -> float:
    """Share of member pairs from different sectors, over all networks."""
    diff = total = 0
    for ids in comp.members.values():
        for a, b in combinations(ids, 2):
            total += 1
            diff += problem.pool[a].sector != problem.pool[b].sector
    return diff / total


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_deterministic_and_seed_dependent(stevns: evo.Problem, strategy: str) -> None:
    a = handpick(stevns, strategy, seed=3)
    assert a == handpick(stevns, strategy, seed=3)
    if strategy in ("random", "snowball"):
        assert a != handpick(stevns, strategy, seed=4)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_respects_sizes_capacity_sharing_pins(stevns: evo.Problem, strategy: str) -> None:
    comp = handpick(stevns, strategy, seed=1)
    for spec in stevns.networks:
        members = comp.members[spec.name]
        assert spec.min_size <= len(members) <= spec.max_size
        assert set(spec.include) <= set(members)
        assert all(stevns.eligible(m, spec.name) for m in members)
        slot = comp.slots[spec.name]
        assert slot is not None
        assert slot in {s for m in members for s in stevns.pool[m].availability}
    for cid in comp.placed():
        nets = comp.networks_of(cid)
        assert len(nets) <= stevns.capacity(cid)
        assert all(stevns.may_share(a, b) for a, b in combinations(nets, 2))
    rules = {v.rule for v in evo.check(stevns, comp)}
    assert not rules & {"size", "capacity", "sharing", "eligibility", "include", "conflict"}


def test_pins_and_required_on_tiny() -> None:
    p = evo.datasets.tiny()
    spec_a = p.network("a")
    p2 = p.replace(
        networks=(
            evo.NetworkSpec("a", min_size=2, max_size=3, include=("p6",)),
            p.network("b"),
        ),
        required=("p5",),
    )
    for strategy in STRATEGIES:
        comp = handpick(p2, strategy)
        assert "p6" in comp.members["a"]
        assert "p5" in comp.placed()
        assert all(2 <= comp.size(n) <= 3 for n in comp.networks)
    assert target_size(spec_a) == 3


def test_unknown_strategy() -> None:
    with pytest.raises(ValueError, match="unknown strategy"):
        handpick(evo.datasets.tiny(), "lottery")


def test_stereotype_stays_in_obvious_sectors(stevns: evo.Problem) -> None:
    comp = handpick(stevns, "stereotype")
    for net in stevns.network_names:
        obvious = set(obvious_sectors(stevns, net))
        inside = [stevns.pool[m].sector in obvious for m in comp.members[net]]
        assert sum(inside) >= len(inside) - 1  # pins/required may add an outsider


def test_snowball_is_less_diverse_than_random(stevns: evo.Problem) -> None:
    seeds = range(4)
    snow = [_cross_sector_share(stevns, handpick(stevns, "snowball", seed=s)) for s in seeds]
    rand = [_cross_sector_share(stevns, handpick(stevns, "random", seed=s)) for s in seeds]
    assert sum(snow) / len(snow) < sum(rand) / len(rand)


def test_snowball_members_know_each_other_more_than_random(stevns: evo.Problem) -> None:
    def known(comp: evo.Composition) -> int:
        return sum(
            stevns.ties.has_edge(a, b)
            for ids in comp.members.values()
            for a, b in combinations(ids, 2)
        )

    assert known(handpick(stevns, "snowball")) > known(handpick(stevns, "random"))


def test_benchmark_replaces_only_its_section(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "handpicked_run", Path(__file__).resolve().parents[1] / "benchmarks/handpicked/run.py"
    )
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    path = tmp_path / "RESULTS.md"
    path.write_text("# Results\n\n## Other\nkeep me\n", encoding="utf-8")
    run.write_section(f"{run.SECTION}\n\nfirst\n", path)
    run.write_section(f"{run.SECTION}\n\nsecond\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.count(run.SECTION) == 1 and "second" in text and "first" not in text
    assert "## Other\nkeep me" in text
