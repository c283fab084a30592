"""Fair selection lotteries over near-best compositions.

Where many people are nearly equally suitable, picking the single best
composition leaves most of them with no chance at all, for differences the
objective barely sees. A *selection lottery* (Flanigan et al., "Fair
algorithms for selecting citizens' assemblies", Nature 596, 2021) instead
draws one composition from a probability distribution over compositions
that

* keep every rule, and
* score within ``tolerance`` of the best objective known,

chosen so that the people who appear in any such composition get chances
as equal as possible: the lowest selection probability is as high as it
can be (``"maximin"``); then the second lowest, and so on (``"leximin"``);
or the product of the probabilities is as high as it can be (``"nash"``).
Here a composition has several networks with overlapping membership; a
person is *selected* when placed in any network.

:func:`lottery` proceeds in three phases, all on open solvers:

1. **The best composition**: :func:`evocompose.solve` (or the ``best``
   given). Its objective, recomputed with :mod:`evocompose.objective`, is
   the reference; compositions must score at least ``reference - tolerance
   * |reference|``. A composition found later that scores higher becomes
   the reference, and compositions then below the new floor are dropped.
2. **Who is suitable**: CP-SAT places as many not-yet-placed people as
   possible in compositions within the floor, then checks the rest one by
   one (in parallel, through the executor): a person is *suitable* once a
   composition places them, *not suitable* when CP-SAT proves that none
   can, and *undecided* when neither was settled within the time.
3. **The lottery**: column generation (:mod:`evocompose.solvers.fair`): an
   LP over the compositions found (OR-Tools' GLOP) gives prices per person,
   and CP-SAT searches for a composition worth more than the LP pays for it;
   until CP-SAT proves there is none (the lottery is then optimal over
   *every* composition within the floor) or time runs out (the report then
   gives the proven upper bound).

Every composition of the result passes :func:`evocompose.check` and is
scored with the reference evaluation. :meth:`Lottery.draw` picks one with a
seed announced in advance, reproducibly on any machine.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from evocompose.batch import SolveFailure, executor_slots, for_workers, run_batch
from evocompose.check import check
from evocompose.composition import Composition
from evocompose.data import Problem
from evocompose.errors import SolverError
from evocompose.objective import evaluate, weighted_total
from evocompose.result import Result, SolveStatus
from evocompose.solve import solve
from evocompose.solvers import get_backend
from evocompose.solvers.contract import SolveOptions

if TYPE_CHECKING:
    from evocompose.solvers.cpsat.targets import TargetModel
    from evocompose.solvers.fair import FairOutcome, LotteryState
    from evocompose.solvers.fair.swaps import Swapper

__all__ = ["FAIRNESS", "Lottery", "lottery", "selection_figures"]

Language = Literal["en", "da"]

#: The fairness criteria (see :mod:`evocompose.solvers.fair`).
FAIRNESS: tuple[str, ...] = ("maximin", "leximin", "nash")
#: The weighted objective, as a floor of the CP-SAT model is named.
OBJECTIVE = "objective"

#: Reasons a person has no chance, in plain words.
_REASONS = {
    "ineligible": {
        "en": "eligible for no network (relevance, exclusions or capacity)",
        "da": "kan ikke indgå i noget netværk (relevans, udelukkelse eller kapacitet)",
    },
    "proven": {
        "en": "no composition within the tolerance can include them (proven)",
        "da": "ingen sammensætning inden for tolerancen kan have dem med (bevist)",
    },
}


def selection_figures(probabilities: Sequence[float]) -> dict[str, float]:
    """Minimum, mean, Gini coefficient and count of non-zero selection probabilities.

    Parameters
    ----------
    probabilities : sequence of float
        One selection probability per person of the group considered.

    Returns
    -------
    dict
        ``people``, ``minimum``, ``mean``, ``gini`` (0 = everybody the same
        chance, towards 1 = a few take all), ``nonzero`` (people with any
        chance at all).

    Examples
    --------
    >>> selection_figures([1.0, 1.0, 0.0, 0.0])
    {'people': 4.0, 'minimum': 0.0, 'mean': 0.5, 'gini': 0.5, 'nonzero': 2.0}
    >>> selection_figures([0.5, 0.5, 0.5, 0.5])["gini"]
    0.0
    """
    p = sorted(float(x) for x in probabilities)
    n = len(p)
    total = sum(p)
    if n == 0:
        return {"people": 0.0, "minimum": math.nan, "mean": math.nan, "gini": math.nan,
                "nonzero": 0.0}  # fmt: skip
    gini = (
        0.0 if total <= 0 else sum((2 * (k + 1) - n - 1) * v for k, v in enumerate(p)) / (n * total)
    )
    return {
        "people": float(n),
        "minimum": p[0],
        "mean": total / n,
        "gini": max(0.0, gini),
        "nonzero": float(sum(1 for v in p if v > 1e-12)),
    }


def _canonical(comp: Composition) -> str:
    """A text naming a composition exactly: networks, slots and members, sorted."""
    parts = []
    for net in sorted(comp.members):
        slot = comp.slots.get(net) or ""
        parts.append(f"{net}@{slot}:{','.join(comp.members[net])}")
    return ";".join(parts)


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


@dataclass(frozen=True)
class Lottery:
    """A probability distribution over compositions that keep every rule and score near the best.

    Built by :func:`lottery`; holds candidate ids only (no names).

    Attributes
    ----------
    compositions : tuple of Composition
        The compositions that can be drawn, in a fixed order.
    weights : tuple of float
        The probability of drawing each (summing to 1).
    objectives : tuple of float
        Each composition's weighted objective (reference evaluation).
    best : Composition
        The best composition known (the reference).
    best_objective : float
        Its objective.
    bound : float or None
        A proven upper bound on the optimum (CP-SAT's), when known.
    optimal : bool
        Whether ``best`` is proven optimal.
    tolerance : float
    floor : float
        ``best_objective - tolerance * |best_objective|``: every composition
        scores at least this.
    fairness : {"maximin", "leximin", "nash"}
    ids : tuple of str
        Every candidate of the pool, in pool order.
    suitable : frozenset of str
        People placed by some composition within the floor.
    unsuitable : mapping of str to str
        People proven to fit no such composition, with the reason.
    undecided : frozenset of str
        People neither placed nor proven unsuitable within the time.
    minimum : float
        The lowest selection probability among the suitable people.
    upper : float or None
        A proven upper bound on the lowest probability any lottery over all
        compositions within the floor can give the suitable people.
    proven : bool
        Whether the fairness criterion is proven optimal (for leximin: every
        level).
    levels : tuple of (float, int)
        Leximin: the proven levels and how many people each fixed.
    nash_welfare : float or None
        ``sum log p`` over the suitable people (``"nash"``).
    networks : tuple of (str, str, int, int)
        Each network's name, title, ``min_size`` and ``max_size``.
    problem_name : str
    runtime : float
        Seconds.
    stats : mapping
        Figures of the run (phase times, solves, columns, ...).
    """

    compositions: tuple[Composition, ...]
    weights: tuple[float, ...]
    objectives: tuple[float, ...]
    best: Composition
    best_objective: float
    bound: float | None
    optimal: bool
    tolerance: float
    floor: float
    fairness: str
    ids: tuple[str, ...]
    suitable: frozenset[str]
    unsuitable: Mapping[str, str]
    undecided: frozenset[str]
    minimum: float
    upper: float | None
    proven: bool
    levels: tuple[tuple[float, int], ...] = ()
    nash_welfare: float | None = None
    networks: tuple[tuple[str, str, int, int], ...] = ()
    problem_name: str = ""
    runtime: float = 0.0
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unsuitable", MappingProxyType(dict(self.unsuitable)))
        object.__setattr__(self, "stats", MappingProxyType(dict(self.stats)))

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    # ---------------------------------------------------------- probabilities
    @property
    def probabilities(self) -> pd.DataFrame:
        """Selection probabilities: one row per candidate of the pool.

        Columns: ``any network`` (the chance to be selected at all), then one
        per network (the chance to sit in it). They are the weighted
        membership frequencies over :attr:`compositions`.
        """
        names = [n for n, _, _, _ in self.networks]
        index = {cid: k for k, cid in enumerate(self.ids)}
        data = [[0.0] * (1 + len(names)) for _ in self.ids]
        col = {n: 1 + k for k, n in enumerate(names)}
        for comp, w in zip(self.compositions, self.weights, strict=True):
            for cid in comp.placed():
                data[index[cid]][0] += w
            for net, members in comp.members.items():
                for cid in members:
                    data[index[cid]][col[net]] += w
        frame = pd.DataFrame(data, index=pd.Index(self.ids, name="candidate_id"))
        frame.columns = ["any network", *names]
        return frame

    @property
    def people(self) -> pd.DataFrame:
        """One row per candidate: ``status`` (``suitable``, ``not suitable``,
        ``undecided``), ``reason``, ``probability`` and ``in_best`` (placed
        by the single best composition)."""
        probs = self.probabilities["any network"]
        best = self.best.placed()
        rows = []
        for cid in self.ids:
            if cid in self.suitable:
                status, reason = "suitable", ""
            elif cid in self.undecided:
                status = "undecided"
                reason = "not placed by any composition found, and not proven impossible in time"
            else:
                status, reason = "not suitable", self.unsuitable.get(cid, "")
            rows.append((cid, status, reason, float(probs[cid]), cid in best))
        return pd.DataFrame(
            rows, columns=["candidate_id", "status", "reason", "probability", "in_best"]
        ).set_index("candidate_id")

    def expected_sizes(self) -> pd.DataFrame:
        """Per network: its bounds and the expected number of members under the lottery."""
        rows = []
        for name, theme, lo, hi in self.networks:
            expected = sum(
                w * c.size(name) for c, w in zip(self.compositions, self.weights, strict=True)
            )
            rows.append((name, theme, lo, hi, expected))
        return pd.DataFrame(rows, columns=["network", "theme", "min_size", "max_size", "expected"])

    def figures(self) -> dict[str, dict[str, float]]:
        """:func:`selection_figures` over the suitable people, for the lottery and for
        the single best composition alone."""
        probs = self.probabilities["any network"]
        group = [cid for cid in self.ids if cid in self.suitable]
        best = self.best.placed()
        return {
            "lottery": selection_figures([float(probs[c]) for c in group]),
            "best composition": selection_figures([1.0 if c in best else 0.0 for c in group]),
        }

    # ------------------------------------------------------------- the draw
    def to_frame(self) -> pd.DataFrame:
        """The distribution to publish: one row per (composition, network, member).

        Columns ``composition`` (its number), ``probability``, ``objective``,
        ``network``, ``slot``, ``candidate_id``. Ids only, no names.
        """
        rows = []
        for k, (comp, w, obj) in enumerate(
            zip(self.compositions, self.weights, self.objectives, strict=True)
        ):
            for net in sorted(comp.members):
                for cid in comp.members[net]:
                    rows.append((k, w, obj, net, comp.slots.get(net), cid))
        return pd.DataFrame(
            rows,
            columns=["composition", "probability", "objective", "network", "slot", "candidate_id"],
        )

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the distribution (each composition's probability and members).

        Publish it with the distribution before the draw: anyone can then
        check that the draw used exactly this distribution.
        """
        text = "\n".join(
            f"{w!r}\t{_canonical(c)}" for c, w in zip(self.compositions, self.weights, strict=True)
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def uniform(self, seed: int | str) -> float:
        """The number in ``[0, 1)`` the draw with ``seed`` uses.

        ``int(sha256("evocompose-lottery/1|<fingerprint>|<seed>"), 16) / 2**256``:
        reproducible anywhere with any SHA-256 tool.
        """
        text = f"evocompose-lottery/1|{self.fingerprint}|{seed}"
        return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) / 2**256

    def draw(self, seed: int | str) -> Composition:
        """Draw one composition, reproducibly, with a seed announced in advance.

        The compositions are laid on ``[0, 1)`` in the order of
        :attr:`compositions`, each taking its probability; the draw is the
        one containing :meth:`uniform` ``(seed)``. The same lottery and seed
        give the same composition on any machine and any version of Python
        or numpy.

        Parameters
        ----------
        seed : int or str
            E.g. the numbers of a public lottery draw, announced in advance.

        Returns
        -------
        Composition
        """
        if isinstance(seed, bool) or not isinstance(seed, (int, str)):
            raise SolverError("a draw's seed is a whole number or a text", value=seed)
        u = self.uniform(seed)
        total = 0.0
        for comp, w in zip(self.compositions, self.weights, strict=True):
            total += w
            if u < total:
                return comp
        return self.compositions[-1]

    # -------------------------------------------------------------- reports
    def summary(self, language: Language = "en") -> str:
        """The lottery and its guarantee in plain words (``language`` ``"en"`` or ``"da"``)."""
        if language not in ("en", "da"):
            raise SolverError("language must be 'en' or 'da'", value=language)
        return _summary_da(self) if language == "da" else _summary_en(self)

    def __str__(self) -> str:
        return self.summary()


def _objective_note_en(lot: Lottery) -> str:
    tol = _percent(lot.tolerance)
    head = (
        f"Every composition keeps every rule and scores at least {lot.floor:,.1f}, within {tol} "
        f"of the best objective known ({lot.best_objective:,.1f}"
    )
    if lot.optimal:
        return head + ", proven optimal)."
    if lot.bound is not None and lot.bound > 0:
        worst = 1 - lot.floor / lot.bound
        return head + (
            f"; not proven optimal: no composition can score more than {lot.bound:,.1f}, so "
            f"each is within {_percent(worst)} of the true optimum at worst)."
        )
    return head + "; not proven optimal, and how far it is from the optimum is not known)."


def _summary_en(lot: Lottery) -> str:
    n = len(lot.suitable)
    name = f" of {lot.problem_name}" if lot.problem_name else ""
    lines = [
        f"Fair selection lottery ({lot.fairness}){name}: {len(lot.compositions)} "
        f"composition(s) to draw from.",
        _objective_note_en(lot),
    ]
    if lot.fairness == "maximin":
        g = (
            f"Guarantee: each of the {n} people found in at least one such composition is "
            f"selected with probability at least {_percent(lot.minimum)}"
        )
    elif lot.fairness == "leximin":
        g = (
            f"Guarantee: each of the {n} people found in at least one such composition is "
            f"selected with probability at least {_percent(lot.minimum)}; after the lowest "
            "chances, the next lowest are raised as far as possible, and so on"
        )
    else:
        g = (
            f"The lottery maximises the product of the {n} suitable people's selection "
            f"probabilities (Nash welfare); the lowest is {_percent(lot.minimum)}"
        )
    if lot.proven:
        g += " — the best any such lottery can do for them (proven)."
    elif lot.upper is not None:
        g += (
            f". Not proven best in the time: no lottery over such compositions can give "
            f"every one of them more than {_percent(min(1.0, lot.upper))}."
        )
    else:
        g += ". Not proven best in the time."
    lines.append(g)
    left_out = n - len(lot.best.placed() & lot.suitable)
    lines.append(
        f"The single best composition alone would leave {left_out} of these {n} people with "
        "no chance at all."
    )
    if lot.undecided:
        lines.append(
            f"Undecided: {len(lot.undecided)} more people were not placed by any composition "
            "found within the tolerance, and not proven impossible in the time; they have no "
            "chance in this lottery (give more time to settle them)."
        )
    proven = sum(1 for r in lot.unsuitable.values() if r == _REASONS["proven"]["en"])
    ineligible = len(lot.unsuitable) - proven
    if proven or ineligible:
        lines.append(
            f"No chance: {proven} people fit no composition within the tolerance (proven), "
            f"{ineligible} are eligible for no network."
        )
    sizes = ", ".join(
        f"{theme or name} {exp:.1f} ({lo}-{hi})"
        for name, theme, lo, hi, exp in lot.expected_sizes().itertuples(index=False)
    )
    lines.append(f"Expected members per network (bounds): {sizes}.")
    lines.append(
        "Draw: lottery.draw(seed) picks one composition; announce the seed before the draw and "
        f"publish the distribution (to_frame) with its fingerprint {lot.fingerprint[:16]}…"
    )
    return "\n".join(lines)


def _objective_note_da(lot: Lottery) -> str:
    tol = _percent(lot.tolerance)
    head = (
        f"Hver sammensætning overholder alle regler og scorer mindst {lot.floor:,.1f}, inden for "
        f"{tol} af den bedste kendte målværdi ({lot.best_objective:,.1f}"
    )
    if lot.optimal:
        return head + ", bevist optimal)."
    if lot.bound is not None and lot.bound > 0:
        worst = 1 - lot.floor / lot.bound
        return head + (
            f"; ikke bevist optimal: ingen sammensætning kan score over {lot.bound:,.1f}, så "
            f"hver er højst {_percent(worst)} fra det sande optimum)."
        )
    return head + "; ikke bevist optimal, og afstanden til optimum er ukendt)."


def _summary_da(lot: Lottery) -> str:
    n = len(lot.suitable)
    name = f" for {lot.problem_name}" if lot.problem_name else ""
    crit = {"maximin": "maximin", "leximin": "leximin", "nash": "Nash"}[lot.fairness]
    lines = [
        f"Retfærdigt udvælgelseslotteri ({crit}){name}: der trækkes blandt "
        f"{len(lot.compositions)} sammensætning(er).",
        _objective_note_da(lot),
    ]
    if lot.fairness == "nash":
        g = (
            f"Lotteriet maksimerer produktet af de {n} egnede personers sandsynligheder for at "
            f"blive udvalgt (Nash); den laveste er {_percent(lot.minimum)}"
        )
    else:
        g = (
            f"Garanti: hver af de {n} personer, der er fundet i mindst én sådan sammensætning, "
            f"udvælges med mindst {_percent(lot.minimum)} sandsynlighed"
        )
        if lot.fairness == "leximin":
            g += "; derefter hæves de næstlaveste chancer så meget som muligt, og så videre"
    if lot.proven:
        g += " — det bedste noget sådant lotteri kan give dem (bevist)."
    elif lot.upper is not None:
        g += (
            f". Ikke bevist bedst i tiden: intet lotteri over sådanne sammensætninger kan give "
            f"dem alle mere end {_percent(min(1.0, lot.upper))}."
        )
    else:
        g += ". Ikke bevist bedst i tiden."
    lines.append(g)
    left_out = n - len(lot.best.placed() & lot.suitable)
    lines.append(
        f"Den bedste sammensætning alene ville give {left_out} af disse {n} personer ingen "
        "chance overhovedet."
    )
    if lot.undecided:
        lines.append(
            f"Uafklaret: {len(lot.undecided)} personer mere indgik ikke i nogen fundet "
            "sammensætning inden for tolerancen og blev ikke bevist udelukket i tiden; de har "
            "ingen chance i dette lotteri (giv mere tid for at afklare dem)."
        )
    proven = sum(1 for r in lot.unsuitable.values() if r == _REASONS["proven"]["en"])
    ineligible = len(lot.unsuitable) - proven
    if proven or ineligible:
        lines.append(
            f"Ingen chance: {proven} personer passer ikke i nogen sammensætning inden for "
            f"tolerancen (bevist), {ineligible} kan ikke indgå i noget netværk."
        )
    sizes = ", ".join(
        f"{theme or name} {exp:.1f} ({lo}-{hi})"
        for name, theme, lo, hi, exp in lot.expected_sizes().itertuples(index=False)
    )
    lines.append(f"Forventet antal medlemmer pr. netværk (grænser): {sizes}.")
    lines.append(
        "Lodtrækning: lottery.draw(seed) trækker én sammensætning; offentliggør frøet (seed) "
        "før lodtrækningen og fordelingen (to_frame) med dens fingeraftryk "
        f"{lot.fingerprint[:16]}…"
    )
    return "\n".join(lines)


# ------------------------------------------------------------------ workers
def _check_people(
    problem: Problem,
    floor: float,
    people: tuple[int, ...],
    seconds: float,
    seed: int,
) -> list[tuple[int, str, tuple[Composition, ...]]]:
    """Worker: for each person, a composition within the floor that places them, or a proof
    that none exists (status ``INFEASIBLE``)."""
    from evocompose.solvers.cpsat.targets import TargetModel  # deferred: loads ortools

    tm = TargetModel(problem)
    tm.set_floor(OBJECTIVE, floor, guarantee=True)
    pool = problem.pool
    covered: set[int] = set()
    out: list[tuple[int, str, tuple[Composition, ...]]] = []
    for i in people:
        if i in covered:
            out.append((i, "covered", ()))
            continue
        others = {j: 1.0 for j in people if j not in covered and j != i}
        ps = tm.maximise_people(
            others, SolveOptions(time_limit=seconds, seed=seed, workers=1), require=i, limit=3
        )
        for comp in ps.compositions:
            covered |= {pool.index(c) for c in comp.placed()}
        out.append((i, str(ps.status), ps.compositions))
    return out


# ------------------------------------------------------------------ phases
@dataclass
class _Run:
    problem: Problem
    state: LotteryState
    model: TargetModel
    options: SolveOptions
    executor: cf.Executor | None
    progress: bool | None
    deadline: float
    swapper: Swapper
    stats: dict[str, Any] = field(default_factory=dict)

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def sync(self) -> None:
        """Take a composition above the reference into account (raise the floor)."""
        if self.state.better is not None:
            self.state.raise_reference()
            self.model.set_floor(OBJECTIVE, self.state.floor, guarantee=True)
            self.stats["raised"] = self.stats.get("raised", 0) + 1

    def best_column_hint(self) -> Composition:
        return max(self.state.columns, key=lambda c: c.objective).composition

    def cover(self, until: float) -> None:
        """Place undecided people in compositions within the floor; prove the rest out."""
        state, model = self.state, self.model
        if self.swapper.available and state.undecided:
            t0 = time.perf_counter()
            starts = [c.composition for c in sorted(state.columns, key=lambda c: -c.objective)]
            found = self.swapper.cover(
                starts[:5], state.undecided, state.floor, t0 + 0.3 * (until - t0)
            )
            for comp in found:
                state.admit(comp)
            self.sync()
            self.stats["swap_columns"] = self.stats.get("swap_columns", 0) + len(found)
        greedy = 0
        while state.undecided and time.perf_counter() < until:
            left = until - time.perf_counter()
            ps = model.maximise_people(
                dict.fromkeys(sorted(state.undecided), 1.0),
                self.options.replace(
                    time_limit=max(0.2, min(5.0, left / 2)), hint=self.best_column_hint()
                ),
            )
            greedy += 1
            before = len(state.undecided)
            for comp in ps.compositions:
                state.admit(comp)
            self.sync()
            if ps.bound is not None and ps.bound < 0.5:
                for i in sorted(state.undecided):
                    state.unsuitable[i] = _REASONS["proven"]["en"]
                state.undecided.clear()
                break
            if len(state.undecided) == before:
                break
        self.stats["cover_solves"] = self.stats.get("cover_solves", 0) + greedy
        self._check_each(until)

    def _check_each(self, until: float) -> None:
        state = self.state
        todo = sorted(state.undecided)
        left = until - time.perf_counter()
        if not todo or left <= 0.5:
            return
        slots = executor_slots(self.executor)
        if self.executor is None:
            slots = max(1, slots)  # the default pool: one single-threaded check per core
        per = max(0.3, min(10.0, left * slots / len(todo)))
        fit = max(1, int(left * slots / per))
        todo = todo[:fit]
        chunks = max(1, min(len(todo), slots * 2))
        groups = [tuple(todo[k::chunks]) for k in range(chunks)]
        base = for_workers(self.problem)
        tasks = [(base, state.floor, g, per, self.options.seed) for g in groups if g]
        checked = 0

        def settled(k: int) -> bool:
            return all(i not in state.undecided for i in tasks[k][2])

        for _, value in run_batch(
            _check_people,
            tasks,
            executor=self.executor,
            progress=self.progress,
            desc="lottery: who is suitable",
            skip=settled,
        ):
            if isinstance(value, SolveFailure):
                self.stats.setdefault("check_errors", []).append(value.summary())
                continue
            for i, status, comps in value:
                checked += 1
                for comp in comps:
                    state.admit(comp)
                if status == str(SolveStatus.INFEASIBLE) and i in state.undecided:
                    state.undecided.discard(i)
                    state.unsuitable[i] = _REASONS["proven"]["en"]
            self.sync()
        self.stats["checks"] = self.stats.get("checks", 0) + checked


def lottery(
    problem: Problem,
    *,
    tolerance: float = 0.02,
    fairness: Literal["maximin", "leximin", "nash"] = "maximin",
    time_limit: float = 60.0,
    executor: cf.Executor | None = None,
    best: Result | Composition | None = None,
    seed: int = 0,
    workers: int = 2,
    progress: bool | None = None,
    solver: str = "auto",
) -> Lottery:
    """A fair selection lottery over compositions within ``tolerance`` of the best.

    Parameters
    ----------
    problem : Problem
    tolerance : float
        Share of the best objective a composition may fall short of it
        (``0.02``: at least 98 % of the best when it is positive).
    fairness : {"maximin", "leximin", "nash"}
        ``"maximin"`` maximises the lowest selection probability among the
        suitable people; ``"leximin"`` then the second lowest, and so on
        (iterated maximin); ``"nash"`` maximises the product of the
        probabilities.
    time_limit : float
        Seconds for the whole lottery (a quarter goes to the best
        composition when ``best`` is not given; should that find none, a
        third of the rest goes to local search). Small problems finish early
        with every step proven.
    executor : concurrent.futures.Executor, optional
        Where the independent checks of who is suitable run (default: a
        process pool on this machine; see :func:`evocompose.solve_many`).
        The column generation itself is sequential and runs here.
    best : Result or Composition, optional
        The best composition known, e.g. from an earlier, longer
        :func:`evocompose.solve`; it must keep every rule. Its objective is
        recomputed. Without it, :func:`evocompose.solve` runs first.
    seed, workers : int
        CP-SAT's seed and search threads in this process.
    progress : bool, optional
        A progress bar over the parallel checks (default: on a terminal or
        in a notebook).
    solver : str
        The backend of the first solve (default ``"auto"``).

    Returns
    -------
    Lottery

    Raises
    ------
    SolverError
        A tolerance outside ``[0, 1)``, an unknown fairness, a problem CP-SAT
        cannot honour, a ``best`` that breaks a rule, or no composition found.

    Examples
    --------
    Six people, two networks of two: four seats. The best composition
    leaves two people out; the lottery gives all six a two-in-three chance.

    >>> import evocompose as evo
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> p = evo.set_parameters(evo.datasets.tiny(), {"network.*.max_size": 2})
    >>> with ThreadPoolExecutor(1) as pool:
    ...     lot = lottery(p, tolerance=0.1, time_limit=20, executor=pool)
    >>> lot.proven, round(lot.minimum, 4), len(lot.suitable)
    (True, 0.6667, 6)
    >>> all(evo.check(p, c) == [] for c in lot.compositions)
    True
    """
    start = time.perf_counter()
    tol = tolerance
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < 1:
        raise SolverError(
            "tolerance must be a share in [0, 1), e.g. 0.02 for 2 %",
            column="tolerance",
            value=tolerance,
        )
    if fairness not in FAIRNESS:
        raise SolverError(
            f"unknown fairness; choose one of {', '.join(FAIRNESS)}",
            column="fairness",
            value=fairness,
        )
    options = SolveOptions(time_limit=time_limit, seed=seed, workers=workers)
    reasons = get_backend("cpsat").unsupported(problem)
    if reasons:
        raise SolverError(
            "a lottery is built with CP-SAT, which cannot honour " + "; ".join(reasons),
            value="cpsat",
        )
    deadline = start + time_limit
    stats: dict[str, Any] = {}
    # 1. the best composition
    bound: float | None = None
    optimal = False
    if best is None:
        first = solve(
            problem, time_limit=max(0.5, time_limit / 4), seed=seed, workers=workers, solver=solver
        )
        if first.composition is None and first.status is not SolveStatus.INFEASIBLE:
            # a slow or busy machine: local search finds a first composition fastest
            more = (deadline - time.perf_counter()) / 3
            if more > 0.5 and not get_backend("search").unsupported(problem):
                first = solve(problem, time_limit=more, seed=seed, workers=workers, solver="search")
        if first.composition is None:
            why = (
                "the problem has no composition that keeps every rule"
                if first.status is SolveStatus.INFEASIBLE
                else f"no composition was found in {time.perf_counter() - start:.1f} s"
            )
            raise SolverError(
                f"a lottery needs a composition to start from: {why}; give more time or "
                "pass best=...",
                value=str(first.status),
            )
        best_comp, bound, optimal = first.composition, first.bound, first.is_optimal
    elif isinstance(best, Result):
        if best.composition is None:
            raise SolverError("best has no composition", value=str(best.status))
        best_comp, bound, optimal = best.composition, best.bound, best.is_optimal
    elif isinstance(best, Composition):
        best_comp = best
    else:
        raise SolverError("best must be a Result or a Composition", value=type(best).__name__)
    broken = check(problem, best_comp)
    if broken:
        raise SolverError(
            f"best breaks {len(broken)} rule(s) (first: {broken[0]}); a lottery draws only "
            "from compositions that keep every rule",
            value=broken[0].rule,
        )
    stats["best_seconds"] = time.perf_counter() - start
    # deferred: ortools and the search state load only when a lottery is drawn up
    from evocompose.solvers.cpsat.targets import TargetModel  # deferred: as above
    from evocompose.solvers.fair import LotteryState, run  # deferred: as above
    from evocompose.solvers.fair.swaps import Swapper  # deferred: as above

    reference = weighted_total(problem, evaluate(problem, best_comp))
    state = LotteryState(problem, reference, float(tol))
    model = TargetModel(problem)
    model.set_floor(OBJECTIVE, state.floor, guarantee=True)
    state.admit(best_comp)
    for i, _cid in enumerate(problem.pool.ids):
        if model.selected(i) is None:
            state.unsuitable[i] = _REASONS["ineligible"]["en"]
        elif i not in state.suitable:
            state.undecided.add(i)
    swapper = Swapper(problem)
    job = _Run(problem, state, model, options, executor, progress, deadline, swapper, stats)
    outcome = None
    for _ in range(3):
        # 2. who is suitable (about 40 % of the time left), 3. the lottery
        t0 = time.perf_counter()
        job.cover(t0 + 0.4 * max(0.0, job.left()))
        stats["cover_seconds"] = stats.get("cover_seconds", 0.0) + time.perf_counter() - t0
        t1 = time.perf_counter()
        step = max(0.5, min(5.0, job.left() / 10))
        outcome = run(state, model, fairness, options, deadline, step=step, swapper=swapper)
        stats["lottery_seconds"] = stats.get("lottery_seconds", 0.0) + time.perf_counter() - t1
        stats["raised"] = stats.get("raised", 0) + outcome.raised
        if not (outcome.raised and state.undecided and job.left() > 1.0):
            break
    assert outcome is not None
    return _package(problem, state, outcome, fairness, bound, optimal, best_comp, start, stats)


def _package(
    problem: Problem,
    state: LotteryState,
    outcome: FairOutcome,
    fairness: str,
    bound: float | None,
    optimal: bool,
    first_best: Composition,
    start: float,
    stats: dict[str, Any],
) -> Lottery:
    """Check every composition once more and build the :class:`Lottery`."""
    chosen = [(c, w) for c, w in zip(state.columns, outcome.weights, strict=True) if w > 0]
    total = sum(w for _, w in chosen)
    chosen.sort(key=lambda cw: _canonical(cw[0].composition))
    for col, _ in chosen:
        broken = check(problem, col.composition)
        value = weighted_total(problem, evaluate(problem, col.composition))
        if broken or value < state.floor - 1e-9 * max(1.0, abs(state.floor)):
            raise SolverError(  # pragma: no cover - the state admits checked columns only
                "internal error: a lottery composition failed the final check", value=value
            )
    ids = problem.pool.ids
    best_col = max(state.columns, key=lambda c: c.objective)
    proven_best = optimal and best_col.composition == first_best
    weights = tuple(w / total for _, w in chosen)
    probs = dict.fromkeys(state.suitable, 0.0)
    for col, w in zip((c for c, _ in chosen), weights, strict=True):
        for i in col.people:
            if i in probs:
                probs[i] += w
    minimum = min(probs.values(), default=0.0)
    nash_welfare = None
    if fairness == "nash":
        nash_welfare = sum(math.log(v) if v > 0 else -math.inf for v in probs.values())
    return Lottery(
        compositions=tuple(c.composition for c, _ in chosen),
        weights=weights,
        objectives=tuple(c.objective for c, _ in chosen),
        best=best_col.composition,
        best_objective=state.reference,
        bound=bound,
        optimal=proven_best,
        tolerance=state.tolerance,
        floor=state.floor,
        fairness=fairness,
        ids=ids,
        suitable=frozenset(ids[i] for i in state.suitable),
        unsuitable={ids[i]: r for i, r in state.unsuitable.items()},
        undecided=frozenset(ids[i] for i in state.undecided),
        minimum=minimum,
        upper=outcome.upper if fairness != "nash" else None,
        proven=outcome.proven,
        levels=tuple(outcome.levels),
        nash_welfare=nash_welfare,
        networks=tuple((s.name, s.theme, s.min_size, s.max_size) for s in problem.networks),
        problem_name=problem.name,
        runtime=time.perf_counter() - start,
        stats={
            **stats,
            "columns": len(state.columns),
            "iterations": outcome.iterations,
            "pricing": outcome.pricing,
            "rejected": state.rejected,
            "stopped": outcome.stopped,
            "heuristic_pricing": outcome.heuristic,
        },
    )
