"""Selection lotteries: LP masters on GLOP and column generation with CP-SAT pricing.

* :mod:`.master` — the master LPs (maximin with fixed levels, Nash welfare).
* :mod:`.engine` — the lottery's state (columns, suitable, unsuitable and
  undecided people) and the column generation loop, with CP-SAT
  (:class:`~evocompose.solvers.cpsat.targets.TargetModel`) as the pricing
  oracle.

The user-facing :func:`evocompose.lottery` (layer 6) finds the best
composition, decides who is suitable, runs :func:`.engine.run` and packages
the :class:`~evocompose.lottery.Lottery`.
"""

from __future__ import annotations

from .engine import FAIRNESS, Column, FairOutcome, LotteryState, floor_of, run
from .master import MasterSolution, maximin, nash, probabilities

__all__ = [
    "FAIRNESS",
    "Column",
    "FairOutcome",
    "LotteryState",
    "MasterSolution",
    "floor_of",
    "maximin",
    "nash",
    "probabilities",
    "run",
]
