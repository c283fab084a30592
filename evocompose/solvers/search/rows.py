"""Compressed sparse rows: many integer lists of different lengths as two flat arrays.

The compiled kernels read lists (a person's ties, skills, pins; a network's
seats) as ``(ptr, idx)``: row ``i`` is ``idx[ptr[i]:ptr[i + 1]]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["csr", "offsets"]


def offsets(lengths: Any) -> np.ndarray:
    """Where each row starts in a flat array of rows with these ``lengths``, and where the last ends.

    Examples
    --------
    >>> offsets([2, 0, 3]).tolist()
    [0, 2, 2, 5]
    """
    ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(lengths)
    return ptr


def csr(lists: list[list[int]], dtype: Any = np.int32) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, idx)`` of a list of integer lists.

    Examples
    --------
    >>> ptr, idx = csr([[4, 1], [], [7]])
    >>> ptr.tolist(), idx.tolist()
    ([0, 2, 2, 3], [4, 1, 7])
    """
    ptr = offsets([len(x) for x in lists])
    idx = np.fromiter((v for x in lists for v in x), dtype=dtype, count=int(ptr[-1]))
    return ptr, idx
