"""The answer's shape: :class:`Composition`, who sits in which network and when it meets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from evocompose import _html
from evocompose.errors import CompositionError

if TYPE_CHECKING:
    from evocompose.data import Problem

__all__ = ["Composition"]


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

    def _repr_html_(self) -> str:
        """Notebook display: per network its size, meeting slot and member ids (no names)."""
        rows = [
            [net, len(ids), self.slots.get(net) or "", ", ".join(ids)]
            for net, ids in self.members.items()
        ]
        return _html.table(["network", "members", "slot", "ids"], rows)

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
