"""Rollup blocks: per axis and level, the summary of the points whose x falls in one aligned
power-of-two block (see :mod:`smx_lab.stores.local.schema`). The writer computes a batch's rows
here and upserts them with :data:`ROLLUP_UPSERT`; :mod:`smx_lab.stores.local.series` reads them.

On the step axis a point's x is its step (iteration number) when it was logged with one, else its
``seq`` (logging index within its metric); on the time axis x is its timestamp in seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .schema import STEP_LEVELS, TIME_LEVELS

#: Per axis: the x of a raw point (alias ``p``), the axis number in ``metric_rollups`` and its
#: levels.
AXES: dict[str, tuple[str, int, tuple[int, ...]]] = {
    "step": ("coalesce(p.step, p.seq)", 0, STEP_LEVELS),
    "time": ("p.timestamp", 1, TIME_LEVELS),
}

ROLLUP_UPSERT = """
INSERT INTO metric_rollups (metric_id, axis, level, block, n, min_y, min_x, max_y, max_x,
    lo_x, lo_y, hi_x, hi_y, lo_seq, hi_seq)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (metric_id, axis, level, block) DO UPDATE SET
    n = n + excluded.n,
    min_x = CASE WHEN excluded.min_y < min_y OR (excluded.min_y = min_y AND excluded.min_x < min_x)
        THEN excluded.min_x ELSE min_x END,
    min_y = min(min_y, excluded.min_y),
    max_x = CASE WHEN excluded.max_y > max_y OR (excluded.max_y = max_y AND excluded.max_x < max_x)
        THEN excluded.max_x ELSE max_x END,
    max_y = max(max_y, excluded.max_y),
    lo_y = CASE WHEN excluded.lo_x < lo_x THEN excluded.lo_y ELSE lo_y END,
    lo_x = min(lo_x, excluded.lo_x),
    hi_y = CASE WHEN excluded.hi_x >= hi_x THEN excluded.hi_y ELSE hi_y END,
    hi_x = max(hi_x, excluded.hi_x),
    lo_seq = min(lo_seq, excluded.lo_seq),
    hi_seq = max(hi_seq, excluded.hi_seq)
"""


def rollup_rows(
    metric_id: int, axis: int, x: np.ndarray, seqs: np.ndarray, values: np.ndarray
) -> Iterator[tuple[Any, ...]]:
    """The rollup rows of one batch on one axis: per level, per aligned x block it touches."""
    levels = AXES["step" if axis == 0 else "time"][2]
    for level in levels:
        yield from _level_rows(metric_id, axis, level, x, seqs, values)


def _level_rows(
    metric_id: int, axis: int, level: int, x: np.ndarray, seqs: np.ndarray, values: np.ndarray
) -> Iterator[tuple[Any, ...]]:
    """The rows of one level: the batch's points grouped by block, each block summarised."""
    # Division by a power of two is exact, so this floor is the one SQL's cast gives.
    blocks_unsorted = np.floor(x / 2.0**level).astype(np.int64)
    order = np.argsort(blocks_unsorted, kind="stable")  # keeps logging order inside a block
    blocks, bx, by, bseq = blocks_unsorted[order], x[order], values[order], seqs[order]
    starts = np.flatnonzero(np.r_[True, blocks[1:] != blocks[:-1]])
    counts = np.diff(np.r_[starts, len(blocks)])
    segment = np.repeat(np.arange(len(starts)), counts)
    # Ties on a value keep the point at the smallest x, as smx_lab.reduce does.
    i_min = _segment_first(by, np.minimum.reduceat(by, starts), segment, tie=bx)
    i_max = _segment_first(by, np.maximum.reduceat(by, starts), segment, tie=bx)
    i_lo = _segment_first(bx, np.minimum.reduceat(bx, starts), segment)
    # The last point is the latest logged of those at the largest x, as in smx_lab.reduce.
    i_hi = _segment_first(bx, np.maximum.reduceat(bx, starts), segment, last=True)
    size = len(starts)
    return zip(
        [metric_id] * size,
        [axis] * size,
        [level] * size,
        blocks[starts].tolist(),
        counts.tolist(),
        by[i_min].tolist(),
        bx[i_min].tolist(),
        by[i_max].tolist(),
        bx[i_max].tolist(),
        bx[i_lo].tolist(),
        by[i_lo].tolist(),
        bx[i_hi].tolist(),
        by[i_hi].tolist(),
        np.minimum.reduceat(bseq, starts).tolist(),
        np.maximum.reduceat(bseq, starts).tolist(),
        strict=True,
    )


def _segment_first(
    values: np.ndarray,
    extreme: np.ndarray,
    segment: np.ndarray,
    tie: np.ndarray | None = None,
    last: bool = False,
) -> np.ndarray:
    """Index of each segment's element equal to the segment's ``extreme``: among ties the one with
    the smallest ``tie`` key, else the first (or ``last``) one."""
    hits = np.flatnonzero(values == extreme[segment])
    if tie is not None:
        hits = hits[np.lexsort((tie[hits], segment[hits]))]  # stable: equal keys keep logging order
    elif last:
        hits = hits[::-1]
    _, first = np.unique(segment[hits], return_index=True)
    result: np.ndarray = hits[first]
    return result
