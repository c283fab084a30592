"""Drives the compiled search core (:mod:`._core`): construction, repair, threaded search.

:class:`Engine` holds a :class:`~.state.Compiled` problem and runs

* :meth:`Engine.construct` — the greedy first composition
  (:func:`._core.construct`), in milliseconds;
* :meth:`Engine.repair` — compiled min-conflicts steps (:func:`._core.repair`)
  until every rule holds, in chunks so that a deadline is kept;
* :meth:`Engine.search` — annealing cycles (:func:`._core.anneal`) in
  ``workers`` threads at once (the kernels release the GIL). The threads run
  in rounds of one chunk each (a few tens of milliseconds, or a fixed number
  of iterations under an iteration budget); after each round the driver
  takes the best composition of all threads (in thread order) and reports
  it. A thread whose cycle ended restarts from that best composition,
  perturbed (:func:`._core.kick`), with the temperature back at its start.
  Under an iteration budget every chunk has a fixed size and its own seed,
  so the run is reproducible for a seed and a number of workers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evocompose.constraints import MeetingRule
from evocompose.data import Candidate, NetworkSpec, Pool, Problem
from evocompose.fields import ACTOR_TYPES
from evocompose.solvers.stopping import requested as stop_requested

from . import _core
from .rows import offsets
from .state import Compiled, State

__all__ = ["Engine", "SearchOutcome", "load_kernels"]

#: Seconds a chunk of the search aims at under a wall-clock budget.
CHUNK_SECONDS = 0.03
#: Iterations of a chunk under an iteration budget (and the first chunk of a timed run).
CHUNK_ITERATIONS = 20_000
#: Candidates the greedy construction scores per seat it fills, on pools where more
#: are allowed (more when a count rule needs someone none of them has). Measured on
#: 5,000 candidates x 40 networks and on 100,000 candidates (docs/reliability.md):
#: the construction takes a fraction of the time and the first composition's
#: objective changes by well under the search's first second of improvement.
CONSTRUCT_SAMPLE = 512
#: Repair steps per kernel call (the deadline and stop requests are checked between calls).
REPAIR_CHUNK = 200
#: Chunks of repair steps without a new lowest violation after which a repair past its
#: deadline counts as stalled.
REPAIR_PATIENCE = 3


def _warm_up_problem() -> Problem:
    """Four people, two networks, one meeting rule: enough to call every kernel once."""
    people = tuple(
        Candidate(
            f"p{i}",
            f"P{i}",
            f"o{i}",
            "ab"[i % 2],
            ACTOR_TYPES[i % 4],
            availability=("tue-evening",),
        )
        for i in range(4)
    )
    nets = (
        NetworkSpec("a", min_size=1, max_size=2, meeting=MeetingRule()),
        NetworkSpec("b", min_size=1, max_size=2),
    )
    return Problem(Pool(people), nets)


_LOCK = threading.Lock()
_LOADED: list[float] = []


def load_kernels() -> float:
    """Load the compiled kernels into this process; the seconds it took (0 once loaded).

    numba loads each kernel from its on-disk cache the first time it is
    called in a process (about a second for all of them; the very first
    time after installation it compiles them, which takes a few minutes:
    ``python -m evocompose.solvers.search.engine`` does that at install, and
    ``make`` runs it). The backends count the load in the solve's time limit
    and report it in ``stats.details["kernel_load_seconds"]``.
    """
    with _LOCK:
        if _LOADED:
            return 0.0
        t = time.perf_counter()
        c = Compiled(_warm_up_problem())
        engine = Engine(c, seed=0, workers=1)
        S = engine.construct()
        # every kernel a solve may call, so that `make` compiles them all at install (a
        # kernel first met in a user's solve compiled there: 60-90 s past its time limit)
        engine.repair(c.new_state(), time.perf_counter() + 1.0, max_steps=2)  # empty: repairs
        engine.search(S, deadline=time.perf_counter() + 1.0, max_iterations=100)
        Engine(c, seed=0, workers=2).search(
            S, deadline=time.perf_counter() + 1.0, max_iterations=100
        )
        c.rule_totals(S)
        c.state_of(c.composition_of(S))  # the meeting slot, and loading a composition
        _core.toggle(c.P, S.ref, 0, 0)
        _LOADED.append(time.perf_counter() - t)
        return _LOADED[0]


@dataclass
class _Thread:
    """One search thread's composition, best composition and counters."""

    S: State
    best_ml: np.ndarray
    best_size: np.ndarray
    best: np.ndarray  # [value]
    ist: np.ndarray  # [iteration, phase in cycle, accepted]
    tabu: np.ndarray


@dataclass
class SearchOutcome:
    """What :meth:`Engine.search` found.

    Attributes
    ----------
    ml, size : numpy.ndarray
        The best composition's member lists and sizes.
    value : float
        Its weighted objective.
    iterations : int
        Search iterations over all threads.
    accepted : int
        Moves applied.
    cycles : int
        Annealing cycles started (restarts from the best included).
    rounds : int
        Rounds of chunks.
    """

    ml: np.ndarray
    size: np.ndarray
    value: float
    iterations: int = 0
    accepted: int = 0
    cycles: int = 0
    rounds: int = 0
    details: dict[str, Any] = field(default_factory=dict)


class Engine:
    """The compiled search core for one compiled problem.

    Parameters
    ----------
    compiled : Compiled
    seed : int
    workers : int
        Search threads.
    """

    def __init__(self, compiled: Compiled, seed: int = 0, workers: int = 1) -> None:
        self.c = compiled
        self.P = compiled.P
        self.rng = np.random.default_rng(seed)
        self.workers = max(1, int(workers))
        self.probs = self._move_probabilities()

    # ------------------------------------------------------------ set-up
    def _move_probabilities(self) -> np.ndarray:
        """How often each move kind is drawn (``_core.K_*`` order), by what the problem allows."""
        c = self.c
        probs = np.zeros(_core.N_KINDS)
        sizes_vary = bool(np.any(c.min_size < c.max_size))
        everyone_once = c.assign_all and bool(np.all(c.cap <= 1))
        if c.G > 1:
            probs[_core.K_SWAP] = 0.2
            probs[_core.K_MOVE] = 0.1 if sizes_vary or not everyone_once else 0.0
        if not everyone_once:
            probs[_core.K_REPLACE] = 0.45
            probs[_core.K_ADD] = 0.125
            probs[_core.K_REMOVE] = 0.125 if sizes_vary or not c.assign_all else 0.0
        if everyone_once and c.G > 1:
            probs[_core.K_SWAP] = 0.8 if sizes_vary else 1.0
            probs[_core.K_MOVE] = 0.2 if sizes_vary else 0.0
        total = probs.sum()
        return probs / total if total > 0 else probs

    def _seed(self) -> int:
        return int(self.rng.integers(2**31))

    def new_state(self) -> State:
        """An empty composition."""
        return self.c.new_state()

    # ------------------------------------------------------------ start
    def construct(self) -> State:
        """The first composition: dealt out for plain partitions, else greedy.

        A plain partition (everyone placed exactly once, anyone may join any
        network, no rule but the sizes) is dealt out round robin
        (:meth:`_deal`): linear time, a few milliseconds at 10,000 people,
        where the greedy pass scores every network for every person. Every
        other problem gets the greedy construction (:func:`._core.construct`).
        """
        c = self.c
        S = c.new_state()
        keys = [c.codes[a] for a in range(c.codes.shape[0] - 1, -1, -1)]
        everyone_once = c.assign_all and bool(np.all(c.cap <= 1))
        if everyone_once and self._deal(S, np.lexsort(keys).astype(np.int64)):
            return S
        # the most constrained first (fewest networks allowed), then by their
        # values, so that each value is dealt out over the networks in a row
        allowed = c.allowed.sum(axis=1)
        order = np.lexsort((*keys, allowed)).astype(np.int64)
        _core.construct(self.P, S.ref, order, not everyone_once, CONSTRUCT_SAMPLE)
        return S

    def _deal(self, S: State, order: np.ndarray) -> bool:
        """Deal ``order`` out over the networks round robin, when that keeps every rule.

        Only for plain partitions: no rule but ``size``, ``capacity`` and
        ``assign_all``, everyone allowed everywhere, no pins or must-pairs,
        and the sizes able to hold everyone. Each network's size is its
        minimum plus an even share of the rest (within its maximum); people
        in ``order`` (sorted by their values) go to the networks in turn, so
        each value is spread as evenly as a round robin allows. Returns
        whether it dealt (``S`` is then that composition).
        """
        c = self.c
        n, G = c.n, c.G
        if G == 0 or not set(c.problem.active_rules()) <= {"size", "capacity", "assign_all"}:
            return False
        if not bool(c.allowed.all()) or bool(c.pinned.any()) or int(c.unit_ptr.size) - 1 != n:
            return False
        lo = c.min_size.astype(np.int64)
        hi = np.minimum(c.max_size, n).astype(np.int64)
        if int(lo.sum()) > n or int(hi.sum()) < n:
            return False
        target = lo.copy()
        left = n - int(lo.sum())
        while left > 0:  # one more seat per network with room, in turn
            room = np.flatnonzero(target < hi)
            take = room[:left]
            target[take] += 1
            left -= int(take.size)
        # seats round by round: round r holds every network with more than r seats
        rounds = np.arange(int(target.max(initial=0)))
        nets = np.broadcast_to(np.arange(G), (rounds.size, G))
        seats = nets[rounds[:, None] < target[None, :]]
        # the k-th person dealt to network g sits at ml_off[g] + k
        by_net = np.argsort(seats, kind="stable")
        first = offsets(target)
        rank = np.empty(n, dtype=np.int64)
        rank[by_net] = np.arange(n) - first[seats[by_net]]
        ml = np.zeros_like(S.ml)
        ml[c.ml_off[seats] + rank] = order
        size = target.astype(S.size.dtype)
        _core.load(self.P, S.ref, ml, size)
        return True

    def violation(self, S: State) -> int:
        """Total violation of the rules the repair may break (0: feasible)."""
        return int(_core.violation(self.P, S.ref, True))

    def feasible(self, S: State) -> bool:
        """Whether every active rule holds."""
        return int(_core.violation(self.P, S.ref, False)) == 0

    def repair(
        self,
        S: State,
        deadline: float,
        max_steps: int | None = None,
        *,
        while_improving: float | None = None,
    ) -> int:
        """Repair ``S`` in place until every rule holds or time is up; the violation left.

        The first chunk of steps runs even after the deadline: it takes
        milliseconds, and a construction that came late (a huge pool) is
        often only a few steps from a composition. With ``while_improving``
        (a later clock time) the repair goes on past ``deadline`` up to that
        time as long as it still reaches a new lowest violation within
        :data:`REPAIR_PATIENCE` chunks: a repair on its way to a composition
        is not cut off for a start that would cost more.
        """
        tabu = np.zeros(self.c.n, dtype=np.int64)
        ist = np.zeros(1, dtype=np.int64)
        sample = 12
        chunk = REPAIR_CHUNK
        left = lowest = self.violation(S)
        stale = 0  # chunks since the violation was last at its lowest
        while left > 0:
            now = time.perf_counter()
            late = now >= deadline and ist[0] > 0
            stalled = stale >= REPAIR_PATIENCE
            if late and (while_improving is None or stalled or now >= while_improving):
                break
            if stop_requested():
                break
            if max_steps is not None and ist[0] >= max_steps:
                break
            steps = chunk if max_steps is None else min(chunk, max_steps - int(ist[0]))
            left = int(_core.repair(self.P, S.ref, steps, sample, tabu, ist, self._seed()))
            stale = 0 if left < lowest else stale + 1
            lowest = min(lowest, left)
        self.repair_steps = int(ist[0])
        return left

    # ------------------------------------------------------------ search
    def _thread(self, S: State, value: float) -> _Thread:
        ml = S.ml.copy()
        size = S.size.copy()
        return _Thread(
            S=S,
            best_ml=ml,
            best_size=size,
            best=np.array([value]),
            ist=np.zeros(3, dtype=np.int64),
            tabu=np.zeros(self.c.n, dtype=np.int64),
        )

    def temperature(self, S: State) -> float:
        """Starting temperature: the median worsening of sampled moves (1 without any)."""
        m = int(_core.worsening_sample(self.P, S.ref, self.probs, self._seed()))
        return float(np.median(S.floats[:m])) if m else 1.0

    def search(
        self,
        S: State,
        *,
        deadline: float,
        max_iterations: int | None = None,
        target: float | None = None,
        patience: float | None = None,
        on_best: Callable[[float, np.ndarray, np.ndarray], None] | None = None,
        between: Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, np.ndarray] | None]
        | None = None,
        cycle: int | None = None,
        tenure: int = 0,
        cooling: float = 1e-3,
    ) -> SearchOutcome:
        """Annealing cycles from the feasible composition ``S`` in ``workers`` threads.

        Returns ``S`` itself when the deadline has passed already (and no
        iteration budget is set).

        Parameters
        ----------
        S : State
            A composition that keeps every rule (it becomes the first thread's).
        deadline : float
            ``time.perf_counter()`` value to stop at.
        max_iterations : int, optional
            Iteration budget over all threads; the run is then reproducible.
        target : float, optional
            Stop as soon as the best value reaches it (a proven bound).
        patience : float, optional
            Stop when the best value has not improved during this share of
            the search so far (iterations under an iteration budget, else
            seconds; at least 0.3 s or the iterations of one chunk).
        on_best : callable, optional
            ``on_best(value, ml, size)`` at each better composition (driver thread).
        between : callable, optional
            ``between(ml, size, value)`` after rounds in which a cycle ended
            without a better composition: may return a better composition
            (member lists, sizes), e.g. from a CP-SAT step.
        cycle : int, optional
            Iterations of an annealing cycle (default by problem size).
        tenure : int
            People moved stay put for about this many iterations (0: no tabu).
        cooling : float
            Final temperature of a cycle as a share of the starting one.
        """
        c = self.c
        P = self.P
        start_value = float(S.obj[0])
        if max_iterations is None and time.perf_counter() >= deadline:
            # no time left: setting threads up (a second of copying on 100,000 people) would
            # only overrun the limit
            return SearchOutcome(S.ml.copy(), S.size.copy(), start_value)
        moving = int(c.ml_off[-1]) if not c.assign_all else c.n
        cycle = cycle or int(min(2_000_000, max(20_000, 60 * moving)))
        strength = max(3, min(50, moving // 200))
        t0 = self.temperature(S)
        t1 = t0 * cooling
        threads = [self._thread(S, start_value)]
        for _ in range(self.workers - 1):
            S2 = c.new_state()
            _core.load(P, S2.ref, S.ml, S.size)
            _core.kick(P, S2.ref, self.probs, strength, self._seed())
            threads.append(self._thread(S2, start_value))
            threads[-1].best_ml[:] = S.ml
            threads[-1].best_size[:] = S.size
        best_ml = S.ml.copy()
        best_size = S.size.copy()
        best = start_value
        iterations = accepted = cycles = rounds = 0
        cycles = len(threads)
        stale = 0
        timed = max_iterations is None
        t_start = time.perf_counter()
        last_gain_t, last_gain_it = t_start, 0
        chunk = CHUNK_ITERATIONS
        pool = ThreadPoolExecutor(max_workers=len(threads)) if len(threads) > 1 else None
        exact = c.exact_estimates

        def run(th: _Thread, n_iter: int, seed: int) -> int:
            return int(
                _core.anneal(
                    P, th.S.ref, self.probs, th.best_ml, th.best_size, th.best, th.ist,
                    th.ist[0] + n_iter, cycle, t0, t1, tenure, th.tabu, exact, seed,
                )
            )  # fmt: skip

        try:
            while True:
                if time.perf_counter() >= deadline or stop_requested():
                    break
                if max_iterations is not None and iterations >= max_iterations:
                    break
                if target is not None and best >= target - 1e-9:
                    break
                if patience is not None:
                    if timed:
                        now = time.perf_counter()
                        idle = now - last_gain_t
                        if idle >= max(0.3, patience * (now - t_start)):
                            break
                    else:
                        idle_it = iterations - last_gain_it
                        if idle_it >= max(CHUNK_ITERATIONS, patience * iterations):
                            break
                sizes = []
                for k in range(len(threads)):
                    n_iter = chunk
                    if max_iterations is not None:
                        left = max_iterations - iterations
                        share = left // len(threads) + (1 if k < left % len(threads) else 0)
                        n_iter = min(chunk, share)
                    sizes.append(max(0, n_iter))
                seeds = [self._seed() for _ in threads]
                t_round = time.perf_counter()
                if pool is None:
                    done = [run(threads[0], sizes[0], seeds[0])]
                else:
                    futures = [
                        pool.submit(run, th, n, sd)
                        for th, n, sd in zip(threads, sizes, seeds, strict=True)
                    ]
                    done = [f.result() for f in futures]
                elapsed = time.perf_counter() - t_round
                rounds += 1
                iterations += sum(done)
                if timed and sum(done) > 0:
                    rate = max(done) / max(elapsed, 1e-6)
                    chunk = int(min(max(1_000, rate * CHUNK_SECONDS), 5_000_000))
                improved = False
                for th in threads:  # in thread order: reproducible
                    if th.best[0] > best + 1e-9:
                        best = float(th.best[0])
                        best_ml[:] = th.best_ml
                        best_size[:] = th.best_size
                        improved = True
                if improved:
                    last_gain_t, last_gain_it = time.perf_counter(), iterations
                    if on_best is not None:
                        on_best(best, best_ml, best_size)
                ended = [th for th in threads if th.ist[1] >= cycle]
                if ended:
                    stale = 0 if improved else stale + 1
                    if between is not None and not improved:
                        found = between(best_ml, best_size, best)
                        if found is not None:
                            ml, size = found
                            St = c.new_state()
                            _core.load(P, St.ref, ml, size)
                            if float(St.obj[0]) > best + 1e-9:
                                best = float(St.obj[0])
                                best_ml[:] = ml
                                best_size[:] = size
                                if on_best is not None:
                                    on_best(best, best_ml, best_size)
                    for th in ended:
                        accepted += int(th.ist[2])
                        _core.load(P, th.S.ref, best_ml, best_size)
                        th.best_ml[:] = best_ml
                        th.best_size[:] = best_size
                        th.best[0] = best
                        _core.kick(P, th.S.ref, self.probs, strength, self._seed())
                        th.ist[1] = 0
                        th.ist[2] = 0
                        cycles += 1
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
        accepted += sum(int(th.ist[2]) for th in threads)
        return SearchOutcome(
            ml=best_ml,
            size=best_size,
            value=best,
            iterations=iterations,
            accepted=accepted,
            cycles=cycles,
            rounds=rounds,
            details={"cycle": cycle, "t0": t0, "t1": t1, "kick": strength},
        )


def _warm_mdgp() -> float:
    """Compile (first time) or load the MDGP engine's kernels, one and two threads; seconds."""
    from evocompose.solvers.search.mdgp import solve_mdgp  # deferred: only at install

    t = time.perf_counter()
    rng = np.random.default_rng(0)
    d = rng.random((8, 8))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0.0)
    for workers in (1, 2):
        solve_mdgp(d, [4, 4], [4, 4], time_limit=30.0, seed=0, max_iterations=50, workers=workers)
    return time.perf_counter() - t


if __name__ == "__main__":  # compile (first time) or load every kernel: `make` runs it at install
    seconds = load_kernels() + _warm_mdgp()
    print(f"evocompose: search kernels ready ({seconds:.1f} s)")
