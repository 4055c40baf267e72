"""Metric series of the SageMaker store: ``sagemaker-metrics`` ``BatchGetMetrics``, with the
training job's CloudWatch metrics as the fallback for job components that logged nothing to
SageMaker Experiments, reduced with :mod:`smx_lab.reduce` like the embedded store's series.

A raw series is a pair of lists ``(xs, ys)``; a call that failed leaves its series out and names
each of them in a list of ``missing`` entries (``component``, ``metric``, ``reason``), so that the
store can answer "partial" with what was lost.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from ...errors import NotFound, SmxError, StoreUnavailable
from ...model import MetricPoint, Series, SeriesQuery, TrialComponent, XAxis
from ...query import parse_time
from ...reduce import series_of
from . import records
from .aws import AwsClients, log

METRIC_QUERIES_PER_CALL = 100  # BatchGetMetrics' limit
CLOUDWATCH_QUERIES_PER_CALL = 500  # GetMetricData's limit
TRAINING_JOB_NAMESPACE = "/aws/sagemaker/TrainingJobs"
CLOUDWATCH_PERIOD = 60  # seconds; SageMaker publishes training metrics at one-minute resolution
#: BatchGetMetrics' MetricStat of a series: the mean when a step was logged twice.
SERIES_STATISTIC = "Avg"
#: BatchGetMetrics' MetricStat of :func:`metric_points`: each step's last value.
POINT_STATISTIC = "Last"

RawSeries = tuple[list[float], list[float]]
Missing = list[dict[str, str]]


def raw_series(
    aws: AwsClients,
    queries: list[SeriesQuery],
    components: dict[str, TrialComponent],
    x_axis: XAxis,
    x_range: tuple[float, float] | None,
    refresh: bool,
) -> list[RawSeries]:
    """Each query's raw series: from BatchGetMetrics, else (a training job's component with no
    Experiments data) from CloudWatch. Raises StoreUnavailable (``partial``) when a call failed."""
    raw, missing = experiment_metrics(aws, queries, components, x_axis, x_range, refresh)
    fallback = [
        (i, q)
        for i, q in enumerate(queries)
        if not raw[i][0] and records.training_job_name(components[q.component])
    ]
    if fallback:
        found, lost = training_job_metrics(
            aws, [q for _, q in fallback], components, x_axis, refresh
        )
        for (i, _), series in zip(fallback, found, strict=True):
            raw[i] = series
        missing += lost
    if missing:
        raise StoreUnavailable(
            "AWS did not return every requested series: "
            + ", ".join(f"{m['metric']} of {m['component']}" for m in missing)
            + ". Retry to load them.",
            reason="partial",
            missing=missing,
            received=len(queries) - len(missing),
        )
    return raw


def reduced_series(
    queries: list[SeriesQuery],
    raw: list[RawSeries],
    components: dict[str, TrialComponent],
    x_axis: XAxis,
    max_points: int,
    x_range: tuple[float, float] | None,
) -> list[Series]:
    """The raw series reduced to at most ``max_points`` points each; a metric the component does
    not have is a 404, as in the embedded store."""
    out = []
    for query, (xs, ys) in zip(queries, raw, strict=True):
        if not xs and components[query.component].metric(query.metric) is None:
            raise NotFound("Metric", f"{query.component}/{query.metric}")
        out.append(series_of(query, x_axis, xs, ys, max_points, x_range))
    return out


def metric_points(
    aws: AwsClients,
    component: str,
    record: TrialComponent,
    metric_names: list[str] | None,
    refresh: bool,
) -> list[MetricPoint]:
    """Each step's point (its last value and time) of the metrics of ``component`` (whose record
    is ``record``): all of them, or those named; in logging order."""
    names = metric_names if metric_names is not None else [m.metric_name for m in record.metrics]
    queries = [SeriesQuery(component, name) for name in names]
    lookup = {component: record}
    by_step, missing = experiment_metrics(
        aws, queries, lookup, "step", None, refresh, statistic=POINT_STATISTIC
    )
    by_time, lost = experiment_metrics(
        aws, queries, lookup, "time", None, refresh, statistic=POINT_STATISTIC
    )
    if missing or lost:
        raise StoreUnavailable(
            f"AWS did not return every metric of {component}; retry",
            reason="partial",
            missing=missing + lost,
        )
    points: list[MetricPoint] = []
    for name, (steps, values), (times, _) in zip(names, by_step, by_time, strict=True):
        if len(times) != len(steps):
            times = [0.0] * len(steps)  # SageMaker answered per period, not per step
        for step, value, moment in zip(steps, values, times, strict=True):
            points.append(MetricPoint(name, value, moment, int(step)))
    points.sort(key=lambda p: (p.timestamp, p.step or 0))
    return points


# --- BatchGetMetrics -------------------------------------------------------------------------


def experiment_metrics(
    aws: AwsClients,
    queries: list[SeriesQuery],
    components: dict[str, TrialComponent],
    x_axis: XAxis,
    x_range: tuple[float, float] | None,
    refresh: bool,
    statistic: str = SERIES_STATISTIC,
) -> tuple[list[RawSeries], Missing]:
    """Raw series from BatchGetMetrics, 100 queries a call: one value per step (the
    ``statistic`` of the points logged at that step); times in seconds since the epoch."""
    out: list[RawSeries] = [([], []) for _ in queries]
    missing: Missing = []
    for start in range(0, len(queries), METRIC_QUERIES_PER_CALL):
        chunk = queries[start : start + METRIC_QUERIES_PER_CALL]
        metric_queries = [
            _metric_query(query, components[query.component], statistic, x_axis, x_range)
            for query in chunk
        ]
        try:
            answer = aws.call(
                "sagemaker-metrics",
                "batch_get_metrics",
                cached=True,
                refresh=refresh,
                MetricQueries=metric_queries,
            )
        except StoreUnavailable as error:
            log.warning("BatchGetMetrics failed for %d series: %s", len(chunk), error.message)
            missing += _lost(chunk, error.message)
            continue
        for offset, result in enumerate(answer.get("MetricQueryResults") or []):
            query = chunk[offset]
            status = result.get("Status")
            if status in ("InternalError",):
                missing += _lost([query], result.get("Message", status))
                continue
            xs = [float(x) for x in result.get("XAxisValues") or []]
            ys = [float(y) for y in result.get("MetricValues") or []]
            out[start + offset] = (xs, ys)
    return out, missing


def _metric_query(
    query: SeriesQuery,
    component: TrialComponent,
    statistic: str,
    x_axis: XAxis,
    x_range: tuple[float, float] | None,
) -> dict[str, Any]:
    """One of BatchGetMetrics' ``MetricQueries``."""
    metric_query: dict[str, Any] = {
        "MetricName": query.metric,
        "ResourceArn": component.trial_component_arn,
        "MetricStat": statistic,
        "Period": "IterationNumber",
        "XAxisType": "IterationNumber" if x_axis == "step" else "Timestamp",
    }
    if x_axis == "time" and x_range is not None:
        metric_query["Start"] = int(x_range[0])
        metric_query["End"] = int(x_range[1]) + 1
    return metric_query


def _lost(queries: list[SeriesQuery], reason: str) -> Missing:
    return [{"component": q.component, "metric": q.metric, "reason": reason} for q in queries]


# --- CloudWatch, for training jobs -----------------------------------------------------------


def training_job_metrics(
    aws: AwsClients,
    queries: list[SeriesQuery],
    components: dict[str, TrialComponent],
    x_axis: XAxis,
    refresh: bool,
) -> tuple[list[RawSeries], Missing]:
    """Series from the training job's CloudWatch metrics (``/aws/sagemaker/TrainingJobs``,
    dimension ``Host=<job>/algo-1``), one minute per point. CloudWatch has no step, so on
    the step axis x is the point's position (0, 1, 2, ...)."""
    out: list[RawSeries] = [([], []) for _ in queries]
    missing: Missing = []
    start_time, end_time = _job_window([components[q.component] for q in queries])
    for start in range(0, len(queries), CLOUDWATCH_QUERIES_PER_CALL):
        chunk = queries[start : start + CLOUDWATCH_QUERIES_PER_CALL]
        metric_queries = [
            _cloudwatch_query(index, query, components[query.component])
            for index, query in enumerate(chunk)
        ]
        try:
            answer = aws.call(
                "cloudwatch",
                "get_metric_data",
                cached=True,
                refresh=refresh,
                MetricDataQueries=metric_queries,
                StartTime=start_time,
                EndTime=end_time,
                ScanBy="TimestampAscending",
            )
        except SmxError as error:
            log.warning(
                "CloudWatch GetMetricData failed for %d series: %s", len(chunk), error.message
            )
            missing += _lost(chunk, error.message)
            continue
        for result in answer.get("MetricDataResults") or []:
            offset = int(str(result["Id"])[1:])
            out[start + offset] = _cloudwatch_series(result, x_axis)
    return out, missing


def _cloudwatch_query(index: int, query: SeriesQuery, component: TrialComponent) -> dict[str, Any]:
    """One of GetMetricData's ``MetricDataQueries``: the job's metric, averaged per minute."""
    host = f"{records.training_job_name(component)}/algo-1"
    return {
        "Id": f"q{index}",
        "MetricStat": {
            "Metric": {
                "Namespace": TRAINING_JOB_NAMESPACE,
                "MetricName": query.metric,
                "Dimensions": [{"Name": "Host", "Value": host}],
            },
            "Period": CLOUDWATCH_PERIOD,
            "Stat": "Average",
        },
        "ReturnData": True,
    }


def _cloudwatch_series(result: dict[str, Any], x_axis: XAxis) -> RawSeries:
    """One of GetMetricData's ``MetricDataResults`` as a raw series, in time order."""
    pairs = sorted(
        zip(
            (records.seconds(t) or 0.0 for t in result.get("Timestamps") or []),
            result.get("Values") or [],
            strict=True,
        )
    )
    ys = [float(v) for _, v in pairs]
    xs = [t for t, _ in pairs] if x_axis == "time" else [float(i) for i in range(len(pairs))]
    return xs, ys


def _job_window(components: list[TrialComponent]) -> tuple[datetime, datetime]:
    """The time span covering the jobs' runs, an hour either side (metrics arrive late)."""
    starts: list[float] = []
    ends: list[float] = []
    now = time.time()
    for component in components:
        job = component.source_detail.get("TrainingJob") or {}
        start = (
            _job_time(job.get("TrainingStartTime"))
            or component.start_time
            or component.creation_time
            or now - 86400
        )
        end = _job_time(job.get("TrainingEndTime")) or component.end_time or now
        starts.append(start)
        ends.append(max(end, start))
    low = min(starts) - 3600
    high = max(ends) + 3600
    return datetime.fromtimestamp(low, tz=timezone.utc), datetime.fromtimestamp(
        high, tz=timezone.utc
    )


def _job_time(text: Any) -> float | None:
    return parse_time(str(text)) if text else None
