"""The explicit limits of evocompose's inputs, declared once.

Readers, the data model and the messages read these constants; ``docs/formats.md``
(section *Limits*) documents them for users. Each limit is far above what a
real network plan needs and keeps every backend inside the numbers it can
count exactly:

* CP-SAT counts the objective in 64-bit integers after multiplying every
  coefficient by 1000 (``SCALE`` in ``solvers/cpsat/terms.py``); the local
  search and the MDGP engine count it in 64-bit floats. With every weight and
  value within :data:`MAX_NUMBER` and the largest possible objective within
  :data:`MAX_OBJECTIVE`, no coefficient or sum overflows and every backend
  resolves the objective to better than a thousandth (``1e12 * 2**-52`` is
  about ``2e-4``).
* Ids, cells and messages are cut to lengths a person can read.

Examples
--------
>>> from evocompose.limits import MAX_ID_CHARS, MAX_NUMBER
>>> MAX_ID_CHARS, MAX_NUMBER
(200, 1000000.0)
>>> real_number(1e300, MAX_NUMBER), real_number(10**400, MAX_NUMBER), real_number(-2.5, MAX_NUMBER)
(False, False, True)
>>> whole_number(3.0, MAX_COUNT), whole_number(10**12, MAX_COUNT), whole_number(True, MAX_COUNT)
(True, False, False)
"""

from __future__ import annotations

import math
import numbers

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COUNT",
    "MAX_ID_CHARS",
    "MAX_MESSAGE_CHARS",
    "MAX_NESTING",
    "MAX_NUMBER",
    "MAX_OBJECTIVE",
    "real_number",
    "whole_number",
]

#: Longest candidate id and network name, in characters.
MAX_ID_CHARS = 200
#: Longest cell of a table (and text of the network plan), in characters: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: Deepest nesting of lists and tables in a TOML or JSON file (a plan needs about 6).
MAX_NESTING = 32
#: Largest absolute weight, attribute factor, synergy value, dissimilarity and tie strength.
MAX_NUMBER = 1e6
#: Largest whole number of the plan and the pool: capacities, quota counts, skill minimums,
#: ``min_known``, bridge minimums and ``cohesion_target``. Network sizes are further
#: limited by the pool (a network cannot have more members than there are candidates).
MAX_COUNT = 1_000_000
#: Largest absolute objective a problem may reach (the sum over every term of
#: ``|weight| x`` the term's largest count), so that every backend counts it exactly
#: to a thousandth.
MAX_OBJECTIVE = 1e12
#: Longest error message; longer ones are cut (values in them are cut much earlier).
MAX_MESSAGE_CHARS = 4000


def real_number(value: object, limit: float) -> bool:
    """Whether ``value`` is a finite real number (not a bool) with ``|value| <= limit``.

    Safe for integers of any size (``10**400`` is simply too large).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    if isinstance(value, numbers.Integral):
        return abs(int(value)) <= limit
    try:
        x = float(value)
    except (OverflowError, ValueError):
        return False
    return math.isfinite(x) and abs(x) <= limit


def whole_number(value: object, limit: int) -> bool:
    """Whether ``value`` is a whole number (``3`` or ``3.0``, not a bool) with ``|value| <= limit``."""
    if not real_number(value, limit):
        return False
    return isinstance(value, numbers.Integral) or float(value) == int(float(value))  # type: ignore[arg-type]
