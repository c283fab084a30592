"""How a solve went: :class:`Result` (how good, how sure), :class:`SolveStatus`,
:class:`Progress` (one improvement, as it happens) and :class:`SolveStats`
(typed figures every backend fills in where they apply).

A :class:`Result` is built once, by :meth:`Result.scored`, and never changed
afterwards: its objective and terms are recomputed from the composition with
the reference evaluation (:mod:`evocompose.objective`), never taken from a
solver's own arithmetic.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from evocompose import _html
from evocompose.objective import breakdown

if TYPE_CHECKING:
    from evocompose.audit import Audit
    from evocompose.composition import Composition
    from evocompose.data import Problem
    from evocompose.diagnosis import Diagnosis
    from evocompose.process import Renewal, Repair

__all__ = ["PhaseStats", "Progress", "Result", "SolveStats", "SolveStatus"]


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
class Progress:
    """One improving composition, reported while a solve runs.

    Attributes
    ----------
    seconds : float
        Wall-clock seconds since the solve started.
    objective : float
        Weighted objective of the new best composition.
    bound : float or None
        Best proven upper bound at that moment (``None`` when none is known).
    source : str
        Which backend or phase found it (``"cpsat"``, ``"search"``, ...).
    """

    seconds: float
    objective: float
    bound: float | None
    source: str = ""

    @property
    def gap(self) -> float | None:
        """Relative gap ``(bound - objective) / max(1, |bound|)`` (``None`` without a bound)."""
        if self.bound is None:
            return None
        return (self.bound - self.objective) / max(1.0, abs(self.bound))

    def describe(self) -> str:
        """One line with the figures (no personal data), as ``progress=True`` prints it."""
        line = f"[{self.source or 'solve'}] {self.seconds:7.2f} s  objective {self.objective:,.3f}"
        if self.bound is not None:
            line += f"  bound {self.bound:,.3f}  gap {self.gap:.2%}"
        return line


@dataclass(frozen=True)
class PhaseStats:
    """One phase or stage of a solve (a lexicographic stage, a phase of ``auto``).

    Attributes
    ----------
    name : str
        E.g. ``"relevance"`` (a lexicographic stage) or ``"start"``.
    status : str
        The phase's own outcome.
    objective : float or None
        The phase's value (the stage's term, or the weighted objective).
    bound : float or None
    seconds : float
    """

    name: str
    status: str = ""
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class SolveStats:
    """Figures of one solve, each ``None`` where it does not apply.

    Attributes
    ----------
    path : str or None
        Which way the backend went (``"cpsat"``, ``"search"``, ``"mdgp"``,
        ``"decomposed"``, ...).
    start : str or None
        Where the first composition came from (``"hint"``, ``"repair"``, ...).
    build_seconds : float or None
        Model building or compilation.
    first_solution_seconds : float or None
    iterations : int or None
        Local-search iterations.
    branches, conflicts : int or None
        CP-SAT search figures.
    num_variables, num_constraints : int or None
        CP-SAT model size.
    proven_bound : float or None
        A bound CP-SAT proved on the whole problem, kept even when the solve
        returned no composition of its own (then ``Result.bound`` is
        ``None``, as a bound is reported only beside a composition).
    solver_objective : float or None
        The backend's own value of its composition (for cross-checking the
        reference evaluation).
    rounding_error_bound : float or None
        How far the solver's integer-scaled objective may differ from the exact one.
    objective_mismatch : float or None
        Reference objective minus solver objective, set only when it exceeds
        the rounding bound (a modelling error; never expected).
    phases : tuple of PhaseStats
        Stages and phases in order.
    details : mapping
        Backend-specific figures, for people reading them; no other module
        reads them. Read-only.
    """

    path: str | None = None
    start: str | None = None
    build_seconds: float | None = None
    first_solution_seconds: float | None = None
    iterations: int | None = None
    branches: int | None = None
    conflicts: int | None = None
    num_variables: int | None = None
    num_constraints: int | None = None
    proven_bound: float | None = None
    solver_objective: float | None = None
    rounding_error_bound: float | None = None
    objective_mismatch: float | None = None
    phases: tuple[PhaseStats, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "phases", tuple(self.phases))
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def __hash__(self) -> int:
        return hash((self.path, self.start, self.iterations, self.proven_bound))


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
        Best proven upper bound on the objective (``None`` when no bound is
        known, e.g. local search alone). With ``OPTIMAL`` it equals the
        objective.
    gap : float or None
        Relative gap ``(bound - objective) / max(1, |bound|)``.
    bound_proven : bool
        Whether ``bound`` is proven (always, when there is one: evocompose
        reports no estimated bounds).
    bound_source : str or None
        Where the bound came from, e.g. ``"cpsat"``.
    runtime : float
        Wall-clock seconds.
    seed, workers : int
    deterministic : bool
        Whether the budget was counted in deterministic units.
    solver : str
        Backend name and version, e.g. ``"cpsat 9.15.6755"``.
    terms : dict
        Objective broken down by term (raw values, summed over networks).
    weighted_terms : dict
        Each term times its weight.
    history : tuple of (float, float, float or None)
        ``(seconds, objective, bound)`` each time a better composition was found.
    stats : SolveStats
        Figures of the solve (model size, iterations, phases, ...).
    audit : Audit or None
        What the result came from (problem fingerprint, parameters, seed,
        versions, times); set by :func:`evocompose.solve` and the process
        workflows, ``None`` only on the results of a backend's module
        function called directly. See :mod:`evocompose.audit`.
    diagnosis : Diagnosis or None
        Why there is no composition, and what to change (set by
        :func:`evocompose.solve` on INFEASIBLE results; see
        :func:`evocompose.diagnose`).
    repair : Repair or None
        The changes :func:`evocompose.recompose` made, with their reasons.
    renewal : Renewal or None
        How a :func:`evocompose.renew` round relates to the earlier ones.
    interrupted : str or None
        ``"SIGINT"`` (Ctrl-C, or a notebook's interrupt button) or
        ``"SIGTERM"`` when the solve was stopped early by that signal: the
        composition is then the best found until then, as at a time limit.
        ``None`` when it ran to its end.
    """

    status: SolveStatus
    composition: Composition | None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    bound_proven: bool = False
    bound_source: str | None = None
    runtime: float = 0.0
    seed: int = 0
    workers: int = 1
    deterministic: bool = False
    solver: str = ""
    terms: Mapping[str, float] = field(default_factory=dict)
    weighted_terms: Mapping[str, float] = field(default_factory=dict)
    history: tuple[tuple[float, float, float | None], ...] = ()
    stats: SolveStats = field(default_factory=SolveStats)
    audit: Audit | None = None
    diagnosis: Diagnosis | None = None
    repair: Repair | None = None
    renewal: Renewal | None = None
    interrupted: str | None = None

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
        bound_source: str | None = None,
        runtime: float = 0.0,
        seed: int = 0,
        workers: int = 1,
        deterministic: bool = False,
        solver: str = "",
        history: tuple[tuple[float, float, float | None], ...] = (),
        stats: SolveStats | None = None,
    ) -> Result:
        """A result whose objective and terms are recomputed from ``composition``.

        Every backend builds its :class:`Result` here, so the reported
        objective is always the reference one
        (:func:`evocompose.objective.breakdown`), never a solver's own
        arithmetic. A ``bound`` below the objective (float rounding) is
        raised to it, and with ``OPTIMAL`` a bound is the objective, so that
        an optimal result always shows a gap of 0 (in lexicographic mode
        there is no bound on the weighted sum); the gap is
        ``(bound - objective) / max(1, |bound|)``. Without a composition no
        bound is reported (it stays in ``stats.proven_bound``).
        """
        objective: float | None = None
        gap: float | None = None
        raw: dict[str, float] = {}
        weighted: dict[str, float] = {}
        if composition is None:
            bound = None
        else:
            objective, raw, weighted = breakdown(problem, composition)
            if status is SolveStatus.OPTIMAL and bound is not None:
                bound = objective  # proven equal; any difference is float rounding
            if bound is not None:
                bound = max(bound, objective)
                gap = (bound - objective) / max(1.0, abs(bound))
        return cls(
            status,
            composition,
            objective=objective,
            bound=bound,
            gap=gap,
            bound_proven=bound is not None,
            bound_source=bound_source if bound is not None else None,
            runtime=runtime,
            seed=seed,
            workers=workers,
            deterministic=deterministic,
            solver=solver,
            terms=raw,
            weighted_terms=weighted,
            history=history,
            stats=stats if stats is not None else SolveStats(),
        )

    @property
    def is_optimal(self) -> bool:
        """True only when the solver proved optimality."""
        return self.status is SolveStatus.OPTIMAL

    def why_no_composition(self) -> str | None:
        """Plain words on a result without a composition that has no diagnosis (else ``None``).

        Out of time (UNKNOWN) says what to try; a model too large to build
        within the limit says so. An INFEASIBLE result explains itself
        through its :attr:`diagnosis`, an interrupted one in :meth:`summary`.
        """
        if self.composition is not None or self.diagnosis is not None:
            return None
        if self.interrupted is not None or self.status is not SolveStatus.UNKNOWN:
            return None
        details = self.stats.details
        text = (
            f"No composition was found within the time limit ({self.runtime:.1f} s), and "
            "none of the rules was proven impossible to keep. Give it more time "
            "(time_limit, --time-limit), try solver='search' on large pools, or run "
            "evocompose diagnose (evo.diagnose) to look for rules that cannot all be met."
        )
        if details.get("not_built"):
            text += f" CP-SAT: {details['not_built']}"
        return text

    def summary(self) -> str:
        """Readable report: status, objective, bound, gap and terms."""
        lines = [
            f"Status: {self.status}  ({self.solver}, seed {self.seed}, {self.workers} worker(s))"
        ]
        if self.objective is not None:
            lines.append(f"Objective: {self.objective:,.2f}")
        if self.bound is not None:
            source = f" ({self.bound_source})" if self.bound_source else ""
            lines.append(f"Best bound: {self.bound:,.2f}{source}")
        if self.gap is not None:
            lines.append(f"Gap: {self.gap:.2%}")
        lines.append(f"Runtime: {self.runtime:.2f} s")
        if self.interrupted is not None:
            how = "Ctrl-C" if self.interrupted == "SIGINT" else self.interrupted
            lines.append(
                f"Stopped early by {how}: "
                + (
                    "this is the best composition found until then."
                    if self.composition is not None
                    else "no composition had been found yet."
                )
            )
        missing = self.why_no_composition()
        if missing is not None:
            lines.append(missing)
        if self.terms:
            lines.append("Terms (raw value × weight = contribution):")
            for t, v in self.terms.items():
                wv = self.weighted_terms.get(t, 0.0)
                if v or wv:
                    lines.append(f"  {t:<24} {v:>12,.2f} {wv:>12,.2f}")
        if self.diagnosis is not None:
            lines.append("Diagnosis: " + self.diagnosis.text())
        if self.repair is not None:
            lines.append(self.repair.text())
        if self.renewal is not None:
            lines.append(self.renewal.text())
        if self.audit is not None:
            a = self.audit
            lines.append(
                f"Audit: problem {a.fingerprint[:12]}, {a.call} with {a.backend}, "
                f"{'deterministic' if a.deterministic else 'wall-clock'} limit {a.time_limit:g}, "
                f"started {a.started}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Notebook display: status, objective, bound and gap, terms, and the members."""
        facts = [["status", str(self.status)], ["solver", self.solver]]
        if self.objective is not None:
            facts.append(["objective", f"{self.objective:,.2f}"])
        if self.bound is not None:
            facts.append(["best bound", f"{self.bound:,.2f} ({self.bound_source or 'proven'})"])
        if self.gap is not None:
            facts.append(["gap", f"{self.gap:.2%}"])
        facts.append(["runtime", f"{self.runtime:.2f} s"])
        parts = [_html.heading(f"Result: {self.status}"), _html.table(["", ""], facts)]
        terms = [
            [t, v, self.weighted_terms.get(t, 0.0)]
            for t, v in self.terms.items()
            if v or self.weighted_terms.get(t)
        ]
        if terms:
            parts.append(_html.table(["term", "raw value", "contribution"], terms))
        if self.composition is not None:
            parts.append(self.composition._repr_html_())
        return "".join(parts)

    def __str__(self) -> str:
        return self.summary()
