"""The answer: :class:`Composition` (who sits where) and :class:`Result` (how good, how sure)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from evocompose.errors import CompositionError

if TYPE_CHECKING:
    from evocompose.check import Violation
    from evocompose.data import Problem

__all__ = ["Composition", "Result", "SolveStatus"]


class SolveStatus(enum.Enum):
    """Outcome of a solve. Only ``OPTIMAL`` means the solver proved optimality."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    MODEL_INVALID = "MODEL_INVALID"

    def __str__(self) -> str:
        return self.value

    @property
    def has_solution(self) -> bool:
        """Whether a composition comes with this status."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class Composition:
    """Which candidates sit in which network, and the slot each network meets in.

    Parameters
    ----------
    members : mapping of str to iterable of str
        Network name to member ids; stored sorted.
    slots : mapping of str to str or None
        Network name to its meeting slot (``None`` when not chosen).

    Examples
    --------
    >>> c = Composition({"food": ["s2", "s1"]}, {"food": "tue-evening"})
    >>> c.members["food"]
    ('s1', 's2')
    >>> c.to_frame().columns.tolist()
    ['network', 'candidate_id', 'slot']
    """

    members: Mapping[str, tuple[str, ...]]
    slots: Mapping[str, str | None] = field(default_factory=dict)

    def __init__(
        self,
        members: Mapping[str, Iterable[str]],
        slots: Mapping[str, str | None] | None = None,
    ) -> None:
        m: dict[str, tuple[str, ...]] = {}
        for net, ids in members.items():
            ids_t = tuple(str(i) for i in ids)
            if len(set(ids_t)) != len(ids_t):
                dup = next(i for i in ids_t if ids_t.count(i) > 1)
                raise CompositionError(
                    f"network {net!r} lists the same person twice; list each member once",
                    column="candidate_id",
                    value=dup,
                )
            m[str(net)] = tuple(sorted(ids_t))
        s = {str(k): (None if v is None else str(v)) for k, v in (slots or {}).items()}
        object.__setattr__(self, "members", m)
        object.__setattr__(self, "slots", s)

    def __hash__(self) -> int:
        return hash(
            (tuple(sorted(self.members.items())), tuple(sorted(self.slots.items(), key=str)))
        )

    @property
    def networks(self) -> tuple[str, ...]:
        """Network names present in the composition."""
        return tuple(self.members)

    def networks_of(self, cid: str) -> tuple[str, ...]:
        """The networks a candidate sits in."""
        return tuple(n for n, ids in self.members.items() if cid in ids)

    def size(self, network: str) -> int:
        """Number of members of a network."""
        return len(self.members.get(network, ()))

    def placed(self) -> frozenset[str]:
        """Everybody placed in at least one network."""
        return frozenset(i for ids in self.members.values() for i in ids)

    def to_frame(
        self, problem: Problem | None = None, *, pseudonymise: bool = False
    ) -> pd.DataFrame:
        """One row per membership: ``network, candidate_id, slot``.

        Parameters
        ----------
        problem : Problem, optional
            When given, adds ``name, organisation, sector, actor_type, area,
            external`` and the member's relevance to the network.
        pseudonymise : bool
            Drop ``name`` and ``organisation`` (personal data) from the output.
        """
        rows: list[dict[str, Any]] = []
        for net, ids in self.members.items():
            for cid in ids:
                row: dict[str, Any] = {
                    "network": net,
                    "candidate_id": cid,
                    "slot": self.slots.get(net),
                }
                if problem is not None:
                    c = problem.pool[cid]
                    if not pseudonymise:
                        row["name"] = c.name
                        row["organisation"] = c.organisation
                    row.update(
                        sector=c.sector,
                        actor_type=c.actor_type,
                        area=c.area,
                        external=c.external,
                        relevance=problem.relevance(cid, net)
                        if net in problem.network_names
                        else None,
                    )
                rows.append(row)
        cols = ["network", "candidate_id", "slot"]
        return pd.DataFrame(rows, columns=cols if not rows else None)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, source: str | None = None) -> Composition:
        """Build from a table with columns ``network, candidate_id`` (and optionally ``slot``).

        See :func:`evocompose.read_composition` for the validating reader.
        """
        members: dict[str, list[str]] = {}
        slots: dict[str, str | None] = {}
        for net, cid, slot in zip(
            frame["network"].astype(str),
            frame["candidate_id"].astype(str),
            frame["slot"] if "slot" in frame.columns else [None] * len(frame),
            strict=True,
        ):
            members.setdefault(net, []).append(cid)
            if (
                slot is not None
                and not (isinstance(slot, float) and slot != slot)
                and str(slot) != ""
            ):
                slots[net] = str(slot)
        return cls(members, slots)

    def is_feasible(self, problem: Problem) -> bool:
        """Whether the composition passes every hard rule of ``problem`` (see :func:`evocompose.check`)."""
        from evocompose.check import check

        return not check(problem, self)

    def violations(self, problem: Problem) -> list[Violation]:
        """The list of broken rules (empty when feasible)."""
        from evocompose.check import check

        return check(problem, self)


@dataclass(frozen=True)
class Result:
    """What a solve returns.

    Attributes
    ----------
    status : SolveStatus
    composition : Composition or None
        The best composition found (``None`` when none was found).
    objective : float or None
        Weighted objective of ``composition`` (see :mod:`evocompose.objective`).
    bound : float or None
        Best proven upper bound on the objective (``None`` when the solver
        proves none, e.g. local search).
    gap : float or None
        Relative gap ``(bound - objective) / max(1, |bound|)``.
    runtime : float
        Wall-clock seconds.
    seed, workers : int
    solver : str
        Backend name and version, e.g. ``"cpsat 9.15.6755"``.
    terms : dict
        Objective broken down by term (raw values, summed over networks).
    weighted_terms : dict
        Each term times its weight.
    history : list of (float, float, float or None)
        ``(seconds, objective, bound)`` each time a better composition was found.
    stats : dict
        Backend-specific figures (model size, branches, ...).
    """

    status: SolveStatus
    composition: Composition | None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    runtime: float = 0.0
    seed: int = 0
    workers: int = 1
    solver: str = ""
    terms: Mapping[str, float] = field(default_factory=dict)
    weighted_terms: Mapping[str, float] = field(default_factory=dict)
    history: tuple[tuple[float, float, float | None], ...] = ()
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.status, self.composition, self.objective))

    @classmethod
    def scored(
        cls,
        problem: Problem,
        status: SolveStatus,
        composition: Composition | None,
        *,
        bound: float | None = None,
        runtime: float = 0.0,
        seed: int = 0,
        workers: int = 1,
        solver: str = "",
        history: tuple[tuple[float, float, float | None], ...] = (),
        stats: Mapping[str, Any] | None = None,
    ) -> Result:
        """A result whose objective and terms are recomputed from ``composition``.

        Every backend builds its :class:`Result` here, so the reported
        objective is always the reference one
        (:func:`evocompose.objective.breakdown`), never a solver's own
        arithmetic. A ``bound`` below the objective (float rounding) is
        raised to it; the gap is ``(bound - objective) / max(1, |bound|)``.
        """
        from evocompose.objective import breakdown

        objective: float | None = None
        gap: float | None = None
        raw: dict[str, float] = {}
        weighted: dict[str, float] = {}
        if composition is None:
            bound = None  # a bound is reported only beside a composition
        else:
            objective, raw, weighted = breakdown(problem, composition)
            if bound is not None:
                bound = max(bound, objective)
                gap = (bound - objective) / max(1.0, abs(bound))
        return cls(
            status,
            composition,
            objective=objective,
            bound=bound,
            gap=gap,
            runtime=runtime,
            seed=seed,
            workers=workers,
            solver=solver,
            terms=raw,
            weighted_terms=weighted,
            history=history,
            stats=stats if stats is not None else {},
        )

    @property
    def is_optimal(self) -> bool:
        """True only when the solver proved optimality."""
        return self.status is SolveStatus.OPTIMAL

    def summary(self) -> str:
        """Readable report: status, objective, bound, gap and terms."""
        lines = [
            f"Status: {self.status}  ({self.solver}, seed {self.seed}, {self.workers} worker(s))"
        ]
        if self.objective is not None:
            lines.append(f"Objective: {self.objective:,.2f}")
        if self.bound is not None:
            lines.append(f"Best bound: {self.bound:,.2f}")
        if self.gap is not None:
            lines.append(f"Gap: {self.gap:.2%}")
        lines.append(f"Runtime: {self.runtime:.2f} s")
        if self.terms:
            lines.append("Terms (raw value × weight = contribution):")
            for t, v in self.terms.items():
                wv = self.weighted_terms.get(t, 0.0)
                if v or wv:
                    lines.append(f"  {t:<24} {v:>12,.2f} {wv:>12,.2f}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
