"""Metric points and series from the embedded store.

Series reduction gives exactly what :mod:`smx_lab.reduce` gives, in SQL. Buckets are aligned
power-of-two x ranges, like the rollup blocks (:mod:`smx_lab.stores.local.rollups`), so the
reduction reads the blocks of the widest level that fits in a bucket: each block wholly inside the
requested range contributes its stored minimum, maximum, first and last point; the (at most two)
blocks cut by the range's ends are split into their children one level down, and at the finest
level into their raw points. The work grows with the point budget, not with the series length (see
``benchmarks/bench_store.py``).
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...columns import MetricArrays
from ...errors import NotFound
from ...model import MetricPoint, Series, SeriesQuery, XAxis
from ...reduce import bucket_width, check_request
from ...vocabulary import TRIAL_COMPONENT
from ..base import DEFAULT_MAX_POINTS
from .blocks import POINT, read_points
from .connection import Connected
from .rollups import AXES

# The f-string SQL in this module (marked ``noqa: S608``) only splices the x expressions of
# ``rollups.AXES`` and the bucket expressions below; every value is a bound parameter.
_BUCKET = "CAST({x} / :width AS INTEGER)"  # x >= 0, so the cast floors, as reduce.bucket_of does
_ONE_BUCKET = "0"

#: A reduced series: xs, ys, the raw points in range, and whether it was reduced.
_Reduced = tuple[list[float], list[float], int, bool]


class SeriesReads(Connected):
    """``metric_points`` and ``metric_series``."""

    def metric_points(
        self, component: str, metric_names: list[str] | None = None
    ) -> list[MetricPoint]:
        """Raw points, metric by metric (in the order the metrics were first logged), each metric's
        points in logging order."""
        with self._read() as db:
            component_id = self._id(db, TRIAL_COMPONENT, component)
            rows = db.execute(
                "SELECT m.name, p.value, p.timestamp, p.step FROM metrics m "
                "JOIN metric_points p ON p.metric_id = m.id "
                "WHERE m.trial_component_id = ? "
                "AND (? IS NULL OR m.name IN (SELECT value FROM json_each(?))) "
                "ORDER BY m.id, p.seq",
                (component_id, None if metric_names is None else 1, json.dumps(metric_names or [])),
            ).fetchall()
        return [MetricPoint(metric_name=r[0], value=r[1], timestamp=r[2], step=r[3]) for r in rows]

    def metric_arrays(self, component: str, metric_names: list[str] | None = None) -> MetricArrays:
        """:meth:`metric_points` as arrays: each metric's points read from its packed blocks
        (:mod:`.blocks`), not a row and a MetricPoint per point."""
        with self._read() as db:
            component_id = self._id(db, TRIAL_COMPONENT, component)
            metrics = db.execute(
                "SELECT id, name, count FROM metrics WHERE trial_component_id = ? "
                "AND (? IS NULL OR name IN (SELECT value FROM json_each(?))) ORDER BY id",
                (component_id, None if metric_names is None else 1, json.dumps(metric_names or [])),
            ).fetchall()
            parts = [read_points(db, metric_id, count) for metric_id, _, count in metrics]
        points = np.concatenate(parts) if parts else np.empty(0, dtype=POINT)
        return MetricArrays(
            metric_names=[name for _, name, _ in metrics],
            metric=np.repeat(np.arange(len(parts), dtype=np.int32), [len(p) for p in parts]),
            step=points["step"],
            has_step=points["has_step"],
            timestamp=points["timestamp"],
            value=points["value"],
        )

    def metric_series(
        self,
        queries: list[SeriesQuery],
        *,
        x_axis: XAxis = "step",
        max_points: int = DEFAULT_MAX_POINTS,
        x_range: tuple[float, float] | None = None,
    ) -> list[Series]:
        checked_range = check_request(max_points, x_range, x_axis)
        out: list[Series] = []
        with self._read() as db:
            for query in queries:
                component_id = self._id(db, TRIAL_COMPONENT, query.component)
                row = db.execute(
                    "SELECT id, count FROM metrics WHERE trial_component_id = ? AND name = ?",
                    (component_id, query.metric),
                ).fetchone()
                if row is None:
                    raise NotFound("Metric", f"{query.component}/{query.metric}")
                reduction = _SeriesReduction(db, row[0], row[1], x_axis, max_points, checked_range)
                xs, ys, raw_count, reduced = reduction.run()
                out.append(
                    Series(query.component, query.metric, x_axis, xs, ys, raw_count, reduced)
                )
        return out


@dataclass
class _Summary:
    """What the walk over the levels gathers: per bucket the lowest and the highest point (as
    ``(x, y)``), the candidates for the first and the last point (as ``(y, x)``), the raw points
    counted, and where the raw points in range are (for an answer small enough to return raw)."""

    lowest: dict[int, tuple[float, float]] = field(default_factory=dict)
    highest: dict[int, tuple[float, float]] = field(default_factory=dict)
    firsts: list[tuple[float, float]] = field(default_factory=list)
    lasts: list[tuple[float, float]] = field(default_factory=list)
    raw_count: int = 0
    pieces: list[list[float]] = field(default_factory=list)

    def add(self, rows: list[Any], index: int, levels: tuple[int, ...]) -> list[int]:
        """Takes in the rows of one level (:meth:`_SeriesReduction._level`, level ``levels[index]``,
        or raw points for -1); returns the blocks to split one level down."""
        parents: list[int] = []
        lowest, highest, firsts, lasts, pieces = (
            self.lowest,
            self.highest,
            self.firsts,
            self.lasts,
            self.pieces,
        )
        raw_count = 0
        for kind, bucket, value, x, n, lo_seq, hi_seq in rows:
            if kind == 0:
                raw_count += n
                if bucket not in lowest or (value, x) < (lowest[bucket][1], lowest[bucket][0]):
                    lowest[bucket] = (x, value)
            elif kind == 1:
                if bucket not in highest or (-value, x) < (-highest[bucket][1], highest[bucket][0]):
                    highest[bucket] = (x, value)
            elif kind == 2:
                firsts.append((value, x))
            elif kind == 3:
                lasts.append((value, x))
            elif kind == 4:
                parents.append(bucket)
                if index == 0:
                    pieces.append([bucket, 2.0 ** levels[0], lo_seq, hi_seq])
            else:
                pieces.append([bucket, 2.0 ** levels[index], lo_seq, hi_seq])
        self.raw_count += raw_count
        return parents

    def reduced(self, max_points: int) -> _Reduced:
        """The reduced series: the first and last point, and per bucket its extremes."""
        # Sources never share an x (blocks partition it), so comparing x alone picks the ends.
        keep = {min(self.firsts, key=lambda p: p[0]), max(self.lasts, key=lambda p: p[0])}
        if max_points >= 4:
            keep.update(self.lowest.values(), self.highest.values())
        ordered = sorted(keep)
        return [float(p[0]) for p in ordered], [p[1] for p in ordered], self.raw_count, True


class _SeriesReduction:
    """One series reduced in SQL to exactly what :func:`smx_lab.reduce.reduce_series` returns.

    Buckets are aligned powers of two, like the rollup blocks, so a block at a level no wider than
    a bucket lies in one bucket. The reduction starts at the widest such level with the blocks that
    overlap the range; a block that lies wholly inside the range contributes its stored summary,
    the (at most two) blocks cut by the range's ends are replaced by their children one level
    down, and at the finest level by their raw points.
    """

    def __init__(
        self,
        db: sqlite3.Connection,
        metric_id: int,
        count: int,
        axis: str,
        max_points: int,
        x_range: tuple[float, float] | None,
    ) -> None:
        self.db = db
        self.metric_id = metric_id
        self.count = count
        self.x, self.axis, self.levels = AXES[axis]
        self.max_points = max_points
        self.x_range = x_range

    def _raw(
        self, pieces: list[list[float]] | None, lo: float = 0.0, hi: float = 0.0
    ) -> list[tuple[float, float]]:
        """Raw points, all of them or those of the given ``[block, level scale, lo_seq, hi_seq]``
        pieces that lie in ``[lo, hi]``, in x order."""
        x = self.x
        if pieces is None:
            sql = (
                f"SELECT {x}, p.value FROM metric_points p "  # noqa: S608
                f"WHERE p.metric_id = ? ORDER BY {x}, p.seq"
            )
            return self.db.execute(sql, (self.metric_id,)).fetchall()
        sql = (
            f"SELECT {x}, p.value FROM json_each(?) b CROSS JOIN metric_points p "  # noqa: S608
            "ON p.metric_id = ? AND p.seq BETWEEN b.value ->> 2 AND b.value ->> 3 "
            f"WHERE CAST({x} / (b.value ->> 1) AS INTEGER) = b.value ->> 0 AND {x} BETWEEN ? AND ? "
            f"ORDER BY {x}, p.seq"
        )
        return self.db.execute(sql, (json.dumps(pieces), self.metric_id, lo, hi)).fetchall()

    def run(self) -> _Reduced:
        if self.count == 0:
            return [], [], 0, False
        if self.x_range is None and self.count <= self.max_points:
            points = self._raw(None)
            return [float(p[0]) for p in points], [p[1] for p in points], len(points), False
        lo, hi = self._span()
        summary = self._walk(lo, hi, bucket_width(lo, hi, self.max_points))
        if summary.raw_count <= self.max_points:
            points = self._raw(summary.pieces, lo, hi)
            return [float(p[0]) for p in points], [p[1] for p in points], summary.raw_count, False
        return summary.reduced(self.max_points)

    def _span(self) -> tuple[float, float]:
        """The x range to reduce: the one asked for, else the whole series'."""
        if self.x_range is not None:
            return self.x_range
        lo, hi = self.db.execute(
            "SELECT min(lo_x), max(hi_x) FROM metric_rollups "
            "WHERE metric_id = ? AND axis = ? AND level = ?",
            (self.metric_id, self.axis, self.levels[-1]),
        ).fetchone()
        return lo, hi

    def _walk(self, lo: float, hi: float, width: float | None) -> _Summary:
        """From the widest level that fits in a bucket down, each level's usable blocks summarised
        and the blocks cut by the range's ends split, until none is left to split."""
        widest = math.inf if width is None else math.log2(width)
        fitting = [level for level in self.levels if level <= widest]
        start = self.levels.index(fitting[-1]) if fitting else 0
        summary = _Summary()
        parents: list[int] | None = None
        for index in range(start, -2, -1):
            level = self.levels[index] if index >= 0 else None
            rows = self._level(level, index, parents, lo, hi, width)
            parents = summary.add(rows, index, self.levels)
            if not parents:
                break
        return summary

    def _level(
        self,
        level: int | None,
        index: int,
        parents: list[int] | None,
        lo: float,
        hi: float,
        width: float | None,
    ) -> list[Any]:
        """Per bucket, the minimum, maximum, first and last of the usable blocks at ``level``
        (None: raw points), and the blocks to split (kind 4) or to read raw for a small answer
        (5)."""
        bucket = _ONE_BUCKET if width is None else _BUCKET
        params: dict[str, Any] = {
            "metric": self.metric_id,
            "axis": self.axis,
            "lo": lo,
            "hi": hi,
            "width": width,
            "parents": json.dumps(parents or []),
            "budget": self.max_points,
        }
        if level is None:
            candidates = self._raw_candidates(params, bucket)
        else:
            candidates = self._block_candidates(params, bucket, level, index, parents)
        sql = f"WITH c AS MATERIALIZED ({candidates}) {_LEVEL_SUMMARY}"  # noqa: S608
        if level is not None:
            sql += _USABLE_BLOCKS
        return self.db.execute(sql, params).fetchall()

    def _raw_candidates(self, params: dict[str, Any], bucket: str) -> str:
        """Raw points of the finest blocks cut by the range's ends, as candidate rows."""
        x = self.x
        params["scale"] = 2.0 ** self.levels[0]
        params["finest"] = self.levels[0]
        return (
            f"SELECT p.seq AS block, 1 AS n, p.value AS min_y, {x} AS min_x, "  # noqa: S608
            f"p.value AS max_y, {x} AS max_x, "
            f"{x} AS lo_x, p.value AS lo_y, {x} AS hi_x, p.value AS hi_y, "
            "p.seq AS lo_seq, p.seq AS hi_seq, "
            f"1 AS ok, {bucket.format(x=x)} AS b "
            "FROM json_each(:parents) j CROSS JOIN metric_rollups r "
            "ON r.metric_id = :metric AND r.axis = :axis AND r.level = :finest "
            "AND r.block = j.value "
            "CROSS JOIN metric_points p ON p.metric_id = :metric "
            "AND p.seq BETWEEN r.lo_seq AND r.hi_seq "
            f"WHERE CAST({x} / :scale AS INTEGER) = j.value AND {x} BETWEEN :lo AND :hi"
        )

    def _block_candidates(
        self, params: dict[str, Any], bucket: str, level: int, index: int, parents: list[int] | None
    ) -> str:
        """The blocks at ``level`` that overlap the range (the children of ``parents``, when
        given), as candidate rows; ``ok`` when a block lies in the range and in one bucket."""
        params["level"] = level
        params["scale"] = 2.0**level
        if parents is None:
            source = "metric_rollups r"
            within = (
                "AND r.block BETWEEN CAST(:lo / :scale AS INTEGER) "
                "AND CAST(:hi / :scale AS INTEGER)"
            )
        else:
            # CROSS JOIN keeps json_each outside, so each parent is one primary-key range.
            params["fanout"] = 2 ** (self.levels[index + 1] - level)
            source = (
                "json_each(:parents) j CROSS JOIN metric_rollups r "
                "ON r.block BETWEEN j.value * :fanout AND j.value * :fanout + :fanout - 1"
            )
            within = ""
        return (
            "SELECT r.block, r.n, r.min_y, r.min_x, r.max_y, r.max_x, "  # noqa: S608
            "r.lo_x, r.lo_y, r.hi_x, r.hi_y, "
            "r.lo_seq, r.hi_seq, (r.lo_x >= :lo AND r.hi_x <= :hi "
            f"AND {bucket.format(x='r.lo_x')} = {bucket.format(x='r.hi_x')}) AS ok, "
            f"{bucket.format(x='r.lo_x')} AS b FROM {source} "
            f"WHERE r.metric_id = :metric AND r.axis = :axis AND r.level = :level {within} "
            "AND r.lo_x <= :hi AND r.hi_x >= :lo"
        )


# Over the candidate rows ``c`` of one level: per bucket the lowest and the highest point (ties go
# to the smaller x), the first and the last point, and the blocks to split (kind 4).
_LEVEL_SUMMARY = (
    "SELECT * FROM (SELECT 0, b, min_y, min_x, total, 0, 0 FROM (SELECT *, "
    "row_number() OVER (PARTITION BY b ORDER BY min_y, min_x) AS r, "
    "sum(n) OVER (PARTITION BY b) AS total "
    "FROM c WHERE ok) WHERE r = 1) "
    "UNION ALL SELECT * FROM (SELECT 1, b, max_y, max_x, 0, 0, 0 "
    "FROM (SELECT *, row_number() OVER (PARTITION BY b ORDER BY max_y DESC, max_x) AS r "
    "FROM c WHERE ok) WHERE r = 1) "
    # Blocks partition x, so only raw points can tie on x: the earliest logged is first,
    # the latest logged is last (hi_seq is a raw point's own seq).
    "UNION ALL SELECT * FROM (SELECT 2, 0, lo_x, lo_y, 0, 0, 0 FROM c WHERE ok "
    "ORDER BY lo_x, lo_seq LIMIT 1) "
    "UNION ALL SELECT * FROM (SELECT 3, 0, hi_x, hi_y, 0, 0, 0 FROM c WHERE ok "
    "ORDER BY hi_x DESC, hi_seq DESC LIMIT 1) "
    "UNION ALL SELECT 4, block, 0, 0, 0, lo_seq, hi_seq FROM c WHERE NOT ok "
)
# Usable blocks (kind 5), listed only while the answer may still be small enough to return raw;
# raw points are always usable, so the raw level has none.
_USABLE_BLOCKS = (
    "UNION ALL SELECT 5, block, 0, 0, 0, lo_seq, hi_seq FROM c "
    "WHERE ok AND (SELECT sum(n) FROM c WHERE ok) <= :budget"
)
