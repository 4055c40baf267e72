"""Metric points packed in blocks: every point of a metric read as a few BLOBs, not a row each.

Each batch the writer appends to a metric (:mod:`.writes`) is also written as one block of
``metric_point_blocks``: the batch's steps (int64, 0 where a point has none), whether each point
has a step (a byte each), its timestamps and values (float64), all little-endian, beside the rows
of ``metric_points`` that the series reductions read. A block of fewer than :data:`MERGE_BELOW`
points takes the next batch's points too, so that a writer of small batches does not leave a block
per point. Blocks and rows are written in one transaction and never change afterwards.

Reading (:func:`read_points`) takes the blocks that run without a gap up to the metric's last
point and reads only the points before them (written before blocks existed) as rows.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import numpy as np

#: A block holding fewer points than this takes the next batch's points too.
MERGE_BELOW = 256
#: One point as :func:`read_points` gives it: a record array of these fields.
POINT = np.dtype([("step", "<i8"), ("has_step", "?"), ("timestamp", "<f8"), ("value", "<f8")])
_FIELDS = ("step", "has_step", "timestamp", "value")


def append_block(
    db: sqlite3.Connection,
    metric_id: int,
    first_seq: int,
    steps: list[int | None],
    times: np.ndarray,
    values: np.ndarray,
) -> None:
    """Writes one batch's points (seq ``first_seq`` on) as a block, or onto the metric's last
    block when that one is small and ends where the batch starts."""
    count = len(values)
    batch = np.empty(count, dtype=POINT)
    batch["step"] = np.fromiter((step or 0 for step in steps), np.int64, count)
    batch["has_step"] = np.fromiter((step is not None for step in steps), np.bool_, count)
    batch["timestamp"], batch["value"] = times, values
    last = db.execute(
        "SELECT first_seq, count, steps, has_steps, timestamps, point_values "
        "FROM metric_point_blocks WHERE metric_id = ? ORDER BY first_seq DESC LIMIT 1",
        (metric_id,),
    ).fetchone()
    if last is not None and last[1] < MERGE_BELOW and last[0] + last[1] == first_seq:
        first_seq, batch = last[0], np.concatenate([_unpacked(last), batch])
    db.execute(
        "INSERT OR REPLACE INTO metric_point_blocks (metric_id, first_seq, count, steps, "
        "has_steps, timestamps, point_values) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (metric_id, first_seq, len(batch), *(batch[name].tobytes() for name in _FIELDS)),
    )


def read_points(db: sqlite3.Connection, metric_id: int, count: int) -> np.ndarray:
    """Every point of a metric, in logging order, as a record array of :data:`POINT`."""
    blocks = db.execute(
        "SELECT first_seq, count, steps, has_steps, timestamps, point_values "
        "FROM metric_point_blocks WHERE metric_id = ? ORDER BY first_seq",
        (metric_id,),
    ).fetchall()
    # The blocks that run without a gap up to the last point; the points before them are rows.
    covered: list[Any] = []
    end = count
    for block in reversed(blocks):
        if block[0] + block[1] != end:
            break
        covered.append(block)
        end = block[0]
    parts = [_rows(db, metric_id, end)] if end > 0 else []
    parts += [_unpacked(block) for block in reversed(covered)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=POINT)


def _unpacked(block: Any) -> np.ndarray:
    """A block's row (first_seq, count, then the packed fields) as a record array."""
    count = block[1]
    points = np.empty(count, dtype=POINT)
    for name, packed in zip(_FIELDS, block[2:], strict=True):
        points[name] = np.frombuffer(packed, dtype=POINT[name], count=count)
    return points


def _rows(db: sqlite3.Connection, metric_id: int, before: int) -> np.ndarray:
    """The points with seq below ``before``, read row by row (points written without blocks)."""
    cursor = db.execute(
        "SELECT coalesce(step, 0), step IS NOT NULL, timestamp, value FROM metric_points "
        "WHERE metric_id = ? AND seq < ? ORDER BY seq",
        (metric_id, before),
    )
    return np.fromiter(cursor, dtype=POINT, count=before)
