"""Run an audited call again and say whether the same composition came back.

:func:`reproduce` takes a problem and the :class:`~evocompose.audit.Audit` of
a result (``result.audit``, or :func:`evocompose.read_audit` of a written
composition), checks that the problem is the one audited (its fingerprint),
reruns the call with the recorded parameters, and compares the compositions.
Under ``deterministic=True`` the same composition always comes back (on any
machine, with the same software versions); a wall-clock run may differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evocompose.audit import Audit, composition_digest, problem_fingerprint, software_versions
from evocompose.composition import Composition
from evocompose.errors import EvocomposeError
from evocompose.language import check_language
from evocompose.recompose import recompose
from evocompose.renew import renew
from evocompose.solve import solve

if TYPE_CHECKING:
    from evocompose.data import Problem
    from evocompose.result import Result

__all__ = ["Reproduction", "reproduce"]


@dataclass(frozen=True)
class Reproduction:
    """What :func:`reproduce` found.

    Attributes
    ----------
    same : bool
        The rerun returned the composition the audit records.
    same_problem : bool
        The problem given is the one audited (same fingerprint). When it is
        not, nothing is rerun (unless forced).
    audit : Audit
        The audit reproduced.
    result : Result or None
        The rerun's result.
    changed_versions : mapping of str to (str, str)
        Software whose version differs from the audit's (then, now).
    """

    same: bool
    same_problem: bool
    audit: Audit
    result: Result | None = None
    changed_versions: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.same

    def text(self, language: str = "en") -> str:
        """What happened, in plain words."""
        lang = check_language(language)
        a = self.audit
        lines: list[str] = []
        if not self.same_problem:
            lines.append(
                "The problem differs from the one audited (its rules, weights or candidates "
                "changed), so the run was not repeated."
                if lang == "en"
                else "Opgaven er ikke den samme som den reviderede (regler, vægte eller "
                "kandidater er ændret), så kørslen blev ikke gentaget."
            )
        elif self.same:
            lines.append(
                f"The same composition came back ({a.call} with {a.backend}, seed {a.seed})."
                if lang == "en"
                else f"Den samme sammensætning kom igen ({a.call} med {a.backend}, frø {a.seed})."
            )
        else:
            why = (
                ""
                if a.deterministic
                else (
                    " The run was limited by the wall clock, so the machine's load can change "
                    "where it stops; rerun with deterministic=True for reproducible results."
                    if lang == "en"
                    else " Kørslen var begrænset af uret, så maskinens belastning kan ændre, "
                    "hvor den stopper; kør med deterministic=True for gentagelige resultater."
                )
            )
            lines.append(
                (
                    "A different composition came back."
                    if lang == "en"
                    else "En anden sammensætning kom igen."
                )
                + why
            )
        if self.changed_versions:
            changed = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in self.changed_versions.items())
            lines.append(
                f"Software versions changed since: {changed}."
                if lang == "en"
                else f"Softwareversioner er ændret siden: {changed}."
            )
        return " ".join(lines)

    def __str__(self) -> str:
        return self.text()


def _composition(data: object, what: str) -> Composition | None:
    if data is None:
        return None
    if not isinstance(data, Mapping) or not isinstance(data.get("members"), Mapping):
        raise EvocomposeError(
            "the audit's parameters hold a malformed composition", column=f"parameters.{what}"
        )
    return Composition(data["members"], data.get("slots") or {})


def _pairs(items: Any) -> tuple[Any, ...]:
    return tuple(tuple(x) if isinstance(x, list) else x for x in items or ())


def reproduce(problem: Problem, audit: Audit, *, force: bool = False) -> Reproduction:
    """Rerun the call an audit records and compare the composition.

    Parameters
    ----------
    problem : Problem
        The problem the audited result was computed for.
    audit : Audit
        ``result.audit``, or :func:`evocompose.read_audit` of a written file.
    force : bool
        Rerun even when the problem's fingerprint differs from the audit's.

    Returns
    -------
    Reproduction
        ``same`` tells whether the same composition came back; ``bool()`` of
        it too.

    Examples
    --------
    >>> import evocompose as evo
    >>> p = evo.datasets.tiny()
    >>> r = evo.solve(p, time_limit=1, solver="cpsat", deterministic=True)
    >>> reproduce(p, r.audit).same
    True
    """
    now = software_versions()
    changed = {
        k: (v, now.get(k, "not installed"))
        for k, v in audit.versions.items()
        if now.get(k, "not installed") != v
    }
    same_problem = problem_fingerprint(problem) == audit.fingerprint
    if not same_problem and not force:
        return Reproduction(False, False, audit, None, changed)
    p = dict(audit.parameters)
    common: dict[str, Any] = {
        "time_limit": audit.time_limit,
        "seed": audit.seed,
        "workers": audit.workers,
        "deterministic": audit.deterministic,
    }
    result: Result
    if audit.call == "solve":
        result = solve(
            problem, solver=audit.backend, hint=_composition(p.get("hint"), "hint"), **common
        )
    elif audit.call == "recompose":
        previous = _composition(p.get("previous"), "previous")
        if previous is None:
            raise EvocomposeError("the audit lacks the previous composition", column="parameters")
        result = recompose(
            problem,
            previous,
            declined=_pairs(p.get("declined")),
            accepted=_pairs(p.get("accepted")),
            unavailable=tuple(p.get("unavailable") or ()),
            **common,
        )
    elif audit.call == "renew":
        history = tuple(
            c for c in (_composition(h, "history") for h in p.get("history") or ()) if c is not None
        )
        result = renew(
            problem,
            history,
            repeat_weight=float(p.get("repeat_weight", 0.0)),
            decay=float(p.get("decay", 1.0)),
            keep=p.get("keep"),
            turn_weight=float(p.get("turn_weight", 0.0)),
            solver=audit.backend,
            **common,
        )
    else:
        raise EvocomposeError(
            "unknown call in the audit; reproduce knows solve, recompose and renew",
            column="call",
            value=audit.call,
        )
    digest = None if result.composition is None else composition_digest(result.composition)
    return Reproduction(digest == audit.composition, same_problem, audit, result, changed)
