"""Metric series reduction: the contract, in plain Python.

A long series is drawn from at most ``max_points`` points without losing its shape:

* the x axis is cut into aligned buckets ``[i * W, (i + 1) * W)`` whose width ``W`` is the
  smallest power of two that lets at most ``(max_points - 2) // 2`` buckets cover the x range (the
  requested zoom range, else the series' own extent) (:func:`bucket_width`, :func:`bucket_of`).
  Power-of-two, aligned buckets are what lets the embedded store answer from pre-aggregated
  blocks instead of raw points;
* every bucket keeps its minimum and its maximum point, at their real x, so spikes survive;
* the first point (smallest x) and the last point (largest x) in range are always kept;
* points are returned in x order, without duplicates, and ``raw_count`` says how many raw
  points were in range. A series that already fits the budget is returned whole (``reduced`` False).

The embedded store computes the same answer in SQL (:mod:`smx_lab.stores.local`); the SageMaker
store, whose API hands back raw points, and the tests use this module. Both call
:func:`bucket_width`, so they agree to the last bit on which bucket a point is in (x is never
negative: steps and timestamps are checked when logged). Ties are settled the same way by both:
a bucket's minimum or maximum shared by several points is the one at the smallest x; the first
point is the earliest logged at the smallest x, the last the latest logged at the largest x.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ValidationError
from .model import Series, SeriesQuery, XAxis


@dataclass
class Reduced:
    x: list[float]
    y: list[float]
    raw_count: int
    reduced: bool


def check_request(
    max_points: int, x_range: tuple[float, float] | None, x_axis: str | None = None
) -> tuple[float, float] | None:
    """Validate a series request's x axis (when given), budget and zoom range (shared by every
    store)."""
    if x_axis is not None and x_axis not in ("step", "time"):
        raise ValidationError("x_axis", "must be 'step' or 'time'", value=x_axis)
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 2:
        raise ValidationError("max_points", "must be an integer of at least 2")
    if x_range is None:
        return None
    try:
        lo, hi = (float(v) for v in x_range)
    except (TypeError, ValueError):
        raise ValidationError("x_range", "must be two numbers [min, max]") from None
    if not (lo == lo and hi == hi) or lo > hi or abs(lo) == float("inf") or abs(hi) == float("inf"):
        raise ValidationError("x_range", "must be two finite numbers with min <= max")
    return lo, hi


def bucket_width(lo: float, hi: float, max_points: int) -> float | None:
    """The bucket width over ``[lo, hi]``: a power of two, or None when one bucket holds all.

    ``b`` buckets of width ``W`` aligned at multiples of ``W`` cover ``[lo, hi]`` when
    ``(hi - lo) / W <= b - 1``; each gives at most two points and the first and last points two
    more, so ``2 * b + 2 <= max_points``.
    """
    buckets = (max_points - 2) // 2
    if buckets < 2 or hi <= lo:
        return None
    mantissa, exponent = math.frexp((hi - lo) / (buckets - 1))
    return math.ldexp(1.0, exponent - 1 if mantissa == 0.5 else exponent)


def bucket_of(x: float, width: float | None) -> int:
    """The aligned bucket of ``x`` (SQL casts ``x / width`` to an integer, the same for x >= 0)."""
    return 0 if width is None else math.floor(x / width)


def reduce_series(
    x: Sequence[float],
    y: Sequence[float],
    max_points: int,
    x_range: tuple[float, float] | None = None,
) -> Reduced:
    """Reduce one series given as parallel x and y lists in logging order."""
    x_range = check_request(max_points, x_range)
    indexed = [(xi, i, yi) for i, (xi, yi) in enumerate(zip(x, y, strict=True))]
    if x_range is not None:
        indexed = [p for p in indexed if x_range[0] <= p[0] <= x_range[1]]
    indexed.sort()  # by x, then logging order
    raw_count = len(indexed)
    if raw_count <= max_points:
        return Reduced([p[0] for p in indexed], [p[2] for p in indexed], raw_count, False)
    lo, hi = x_range if x_range is not None else (indexed[0][0], indexed[-1][0])
    width = bucket_width(lo, hi, max_points)
    keep = {(indexed[0][0], indexed[0][2]), (indexed[-1][0], indexed[-1][2])}
    if max_points >= 4:
        lowest: dict[int, tuple[float, float]] = {}
        highest: dict[int, tuple[float, float]] = {}
        for xi, _, yi in indexed:
            b = bucket_of(xi, width)
            if b not in lowest or yi < lowest[b][1]:
                lowest[b] = (xi, yi)
            if b not in highest or yi > highest[b][1]:
                highest[b] = (xi, yi)
        keep.update(lowest.values(), highest.values())
    ordered = sorted(keep)
    return Reduced([p[0] for p in ordered], [p[1] for p in ordered], raw_count, True)


def series_of(
    query: SeriesQuery,
    x_axis: XAxis,
    x: Sequence[float],
    y: Sequence[float],
    max_points: int,
    x_range: tuple[float, float] | None = None,
) -> Series:
    """One query's raw points (parallel x and y, in logging order) as its reduced series."""
    reduced = reduce_series(x, y, max_points, x_range)
    return Series(
        query.component,
        query.metric,
        x_axis,
        reduced.x,
        reduced.y,
        reduced.raw_count,
        reduced.reduced,
    )
