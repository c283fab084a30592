"""Batches of solves on executors, sweeps over parameter paths, and their failures."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

import evocompose as evo
from evocompose import batch
from evocompose.batch import SolveFailure, for_workers, run_batch, solve_many
from evocompose.errors import ProblemError, SolverError
from evocompose.lottery import FAIRNESS
from evocompose.metrics import SCORECARD
from evocompose.solvers.fair import FAIRNESS as ENGINE_FAIRNESS
from evocompose.sweep import parameter_paths, set_parameters, sweep
from evocompose.vocabulary import TERM_NAMES

TINY = evo.datasets.tiny()


def _die(x: int) -> int:
    if x == 1:
        os._exit(3)  # a worker process that dies
    return x


def _fail(x: int) -> int:
    if x == 2:
        raise ValueError("two is not allowed")
    return x * 10


def test_solve_many_on_the_default_process_pool_matches_one_by_one() -> None:
    problems = [TINY, TINY.replace(default_capacity=2)]
    out = solve_many(problems, time_limit=5, deterministic=True, progress=False)
    one = [evo.solve(p, time_limit=5, deterministic=True, workers=1) for p in problems]
    assert [r.composition for r in out] == [r.composition for r in one]
    assert all(r.status is evo.SolveStatus.OPTIMAL for r in out)
    # Results carry their figures back from the worker processes
    assert all(isinstance(r, evo.Result) and r.stats.path for r in out)


def test_a_failed_solve_is_reported_in_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.solve

    def flaky(problem: evo.Problem, **options: object) -> evo.Result:
        if problem.name == "broken":
            raise ProblemError("this one is broken", value="broken")
        return real(problem, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "solve", flaky)
    problems = [TINY, TINY.replace(name="broken"), TINY]
    with ThreadPoolExecutor(2) as pool:
        out = solve_many(problems, executor=pool, time_limit=5, progress=False)
        assert isinstance(out[1], SolveFailure)
        assert out[1].status == "ERROR" and out[1].composition is None
        assert out[1].error_type == "ProblemError" and "broken" in out[1].error
        assert "Solve 1 failed (ProblemError)" in out[1].summary()
        assert all(isinstance(out[k], evo.Result) for k in (0, 2))
        with pytest.raises(SolverError, match="1 of 3 solves failed"):
            solve_many(problems, executor=pool, time_limit=5, errors="raise", progress=False)


def test_run_batch_survives_errors_and_dead_workers() -> None:
    with ThreadPoolExecutor(2) as pool:
        out = dict(run_batch(_fail, [(1,), (2,), (3,)], executor=pool, progress=False))
    assert out[0] == 10 and out[2] == 30
    assert isinstance(out[1], SolveFailure) and "two is not allowed" in out[1].error
    with ProcessPoolExecutor(1) as pool:
        died = dict(run_batch(_die, [(0,), (1,)], executor=pool, progress=False))
    assert died[0] == 0 or isinstance(died[0], SolveFailure)
    assert isinstance(died[1], SolveFailure) and "stopped unexpectedly" in died[1].error


def test_skipped_tasks_yield_nothing() -> None:
    with ThreadPoolExecutor(1) as pool:
        out = dict(
            run_batch(
                _fail, [(1,), (3,), (4,)], executor=pool, progress=False, skip=lambda k: k == 1
            )
        )
    assert set(out) == {0, 2}


def test_bad_options_are_refused() -> None:
    with pytest.raises(SolverError, match="unknown solve option"):
        solve_many([TINY], time_limt=5)
    with pytest.raises(SolverError, match="not a Problem"):
        solve_many([TINY, "x"])  # type: ignore[list-item]
    with pytest.raises(SolverError, match="errors"):
        solve_many([TINY], errors="ignore")  # type: ignore[arg-type]


def test_progress_bar_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    with ThreadPoolExecutor(1) as pool:
        solve_many([TINY], executor=pool, time_limit=5, progress=True)
        assert "solve_many" in capsys.readouterr().err
        solve_many([TINY], executor=pool, time_limit=5, progress=None)
        assert capsys.readouterr().err == ""  # not a terminal, not a notebook


def test_workers_receive_no_names() -> None:
    p = evo.datasets.stevns(seed=0, n=60)  # feasible (seed 1 at n=60 is not: None == None)
    q = for_workers(p)
    assert all(c.name == "" for c in q.pool)
    assert set().union(*(c.attributes for c in q.pool)) <= set(p.attributes)
    assert [c.organisation for c in q.pool] == [c.organisation for c in p.pool]
    a = evo.solve(p, time_limit=3, deterministic=True, workers=1)
    b = evo.solve(q, time_limit=3, deterministic=True, workers=1)
    assert a.composition is not None and a.composition == b.composition
    assert FAIRNESS == ENGINE_FAIRNESS


def test_dask_executor_works_unchanged() -> None:
    distributed = pytest.importorskip(
        "distributed", reason="the optional extra evocompose[dask] is not installed"
    )
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pool = client.get_executor()
        problems = [TINY, TINY.replace(default_capacity=2), TINY.replace(name="x")]
        out = solve_many(problems, executor=pool, time_limit=5, deterministic=True)
        frame = sweep(TINY, {"network.a.max_size": [2, 3]}, time_limit=5, executor=pool)
    assert [r.status for r in out] == [evo.SolveStatus.OPTIMAL] * 3
    assert (frame["status"] == "OPTIMAL").all()


# ------------------------------------------------------------------ sweeps
def test_sweep_grid_rows_and_columns() -> None:
    with ThreadPoolExecutor(2) as pool:
        df = sweep(
            TINY,
            {"weights.relevance": [0, 10], "network.a.max_size": [2, 3]},
            time_limit=5,
            executor=pool,
            progress=False,
        )
    assert len(df) == 4
    assert df[["weights.relevance", "network.a.max_size"]].values.tolist() == [
        [0, 2], [0, 3], [10, 2], [10, 3]
    ]  # fmt: skip
    for col in ("status", "objective", "bound", "gap", "runtime", "error", "result"):
        assert col in df.columns
    assert all(f"term:{t}" in df.columns for t in TERM_NAMES)
    assert all(k in df.columns for k in SCORECARD)
    assert (df["status"] == "OPTIMAL").all() and df["error"].isna().all()
    for row in df.itertuples():
        assert evo.check(TINY, row.result.composition) == []
        assert row.result.composition.size("a") <= row._2
    assert df.attrs["vary"] == ("weights.relevance", "network.a.max_size")


def test_sweep_reports_a_bad_point_in_its_row_and_refuses_a_bad_path() -> None:
    with ThreadPoolExecutor(2) as pool:
        df = sweep(
            TINY,
            [{"network.a.min_size": 3, "network.a.max_size": 2}, {}],
            executor=pool,
            time_limit=5,
        )
    assert df.loc[0, "status"] == "ERROR" and "min_size 3 > max_size 2" in df.loc[0, "error"]
    assert df.loc[1, "status"] == "OPTIMAL"
    with pytest.raises(ProblemError, match=r"no network 'food'; choose one of: a, b, \*"):
        sweep(TINY, {"network.food.max_size": [3]})
    with pytest.raises(ProblemError, match="unknown weight"):
        sweep(TINY, {"weights.relevence": [3]})
    with pytest.raises(ProblemError, match="did you mean"):
        sweep(TINY, {"default_capacty": [3]})
    with pytest.raises(SolverError, match="unknown solve option"):
        sweep(TINY, {}, time_limt=3)


def test_set_parameters_every_kind_of_path() -> None:
    p = evo.datasets.stevns()
    paths = parameter_paths(p)
    assert "network.vision.quota.external.max" not in paths  # positions are listed
    q = set_parameters(
        p,
        {
            "weights.relevance": 5.0,
            "weights.attribute_weights.gender": 2.0,
            "network.*.min_relevance": 0.3,
            "network.vision.quota.external.min": 2,
            "network.vision.quota.food_chain.min": 2,
            "network.vision.skill.strategy.min": 3,
            "network.vision.max_per.area": 4,
            "network.food.max_per.organisation": None,
            "network.vision.meeting.quorum": 0.9,
            "network.vision.bridge.min": 2,
            "network.food.weights.synergy": 2.0,
            "network.food.min_size": 12,
            "network.food.max_size": 16,
            "default_capacity": 2,
        },
    )
    vision, food = q.network("vision"), q.network("food")
    assert q.weights.relevance == 5.0 and q.weights.attribute_factor("gender") == 2.0
    assert all(s.min_relevance == 0.3 for s in q.networks)
    ext = next(x for x in vision.quotas if x.field == "external")
    assert ext.min == 2 and ext.max == 2
    assert next(x for x in vision.quotas if x.label == "food_chain").min == 2
    assert next(s for s in vision.skills if s.skill == "strategy").min == 3
    assert {m.field: m.max for m in vision.max_per} == {"organisation": 1, "area": 4}
    assert food.max_per == ()
    assert vision.meeting is not None and vision.meeting.quorum == 0.9
    assert vision.bridge is not None and vision.bridge.min == 2
    assert food.weights["synergy"] == 2.0 and (food.min_size, food.max_size) == (12, 16)
    assert q.default_capacity == 2
    # nothing the caller gave changed
    assert p.weights.relevance == 10.0 and p.network("food").max_size == 14
    with pytest.raises(ProblemError, match="has 2 quotas on 'gender'; name one by position"):
        set_parameters(p, {"network.vision.quota.gender.min": 0.2})
    with pytest.raises(ProblemError, match="invalid problem"):
        set_parameters(p, {"network.food.min_size": 20})
    with pytest.raises(ProblemError, match="has no requirement"):
        set_parameters(p, {"network.food.skill.flying.min": 1})
