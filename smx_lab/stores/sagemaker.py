"""The SageMaker store: a SageMaker account's experiments, read through boto3.

Browsing costs a handful of calls whatever the size of a trial: experiments come from
``ListExperiments``, trials from ``ListTrials(ExperimentName=…)``, and the components of a trial,
of an experiment, or with no trial, as full records (parameters, metric summaries, artifacts,
parents, source and job details) from ``Search`` a page of 100 at a time — never one describe per
component. Searches are pushed down to SageMaker as far as it can express them and finished here
with :func:`smx_lab.query.evaluate` (see :mod:`.sagemaker_search`); the page's ``notes`` say what
was evaluated after fetching. Metric series come from ``sagemaker-metrics`` ``BatchGetMetrics``,
with the training job's CloudWatch metrics as the fallback for job components that logged nothing
to SageMaker Experiments, and are reduced with :mod:`smx_lab.reduce` like the embedded store's.

AWS plumbing (configuration, retries, the bound on concurrent calls, caching, the debug log of
AWS calls per request, error mapping) lives in :mod:`.sagemaker_aws`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

from ..errors import NotFound, SmxError, StoreUnavailable, ValidationError
from ..model import (
    Experiment,
    MetricPoint,
    Page,
    Series,
    SeriesQuery,
    Trial,
    TrialComponent,
    XAxis,
)
from ..query import OWN_NAME, canonical_property, evaluate, parse_time, validate_expression
from ..reduce import check_request, reduce_series
from . import sagemaker_records as records
from .base import DEFAULT_MAX_POINTS, DEFAULT_PAGE_SIZE, Resource, SortOrder
from .sagemaker_aws import AwsClients, TtlCache, log
from .sagemaker_search import (
    Position,
    PushDown,
    decode_cursor,
    encode_cursor,
    fingerprint,
    push_down,
    sort_property,
)

T = TypeVar("T")

SEARCH_PAGE = 100  # Search's MaxResults limit
LIST_PAGE = 100  # ListExperiments/ListTrials MaxResults limit
METRIC_QUERIES_PER_CALL = 100  # BatchGetMetrics' limit
CLOUDWATCH_QUERIES_PER_CALL = 500  # GetMetricData's limit
NAMES_PER_SEARCH = 20  # Filters per SearchExpression
# A search whose filter SageMaker could only partly apply stops scanning after this many pages
# once it has something to show; the cursor continues from there.
MAX_SCAN_CALLS = 20
TRAINING_JOB_NAMESPACE = "/aws/sagemaker/TrainingJobs"
CLOUDWATCH_PERIOD = 60  # seconds; SageMaker publishes training metrics at one-minute resolution
SORT_ORDERS = ("Ascending", "Descending")
RESULT_KEYS = {
    "Experiment": "Experiment",
    "ExperimentTrial": "Trial",
    "ExperimentTrialComponent": "TrialComponent",
}


@dataclass
class NotedPage(Page[T]):
    """A page with ``notes``: what the store could not ask SageMaker and did itself instead."""

    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if self.notes:
            out["notes"] = list(self.notes)
        return out


class SageMakerStore:
    """The :class:`~smx_lab.stores.base.Store` of a SageMaker account (``SMX_LAB_STORE=sagemaker``).

    Options: ``region``, ``profile`` (else boto3's chain: ``AWS_PROFILE``, environment, config
    files, instance role), ``endpoint_url`` (every service at one endpoint; else
    ``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_SAGEMAKER`` as boto3 reads them), ``retry_mode``
    (``standard`` or ``adaptive``), ``max_attempts``, ``max_concurrency`` (AWS calls in flight),
    ``cache_seconds`` (how long answers are reused; every read method takes ``refresh=True`` to
    bypass it), a ready ``session`` (``boto3.Session``), or ready ``clients`` (shared with a
    :class:`~.sagemaker_writer.SageMakerWriter`)."""

    kind = "sagemaker"

    def __init__(
        self,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        retry_mode: str = "standard",
        max_attempts: int = 5,
        max_concurrency: int = 8,
        cache_seconds: float = 10.0,
        session: Any = None,
        clients: AwsClients | None = None,
        path: str | None = None,  # the embedded store's option; meaningless here, so ignored
    ) -> None:
        self.aws = clients or AwsClients(
            session=session,
            profile=profile,
            region=region,
            endpoint_url=endpoint_url,
            retry_mode=retry_mode,
            max_attempts=max_attempts,
            max_concurrency=max_concurrency,
            cache_seconds=cache_seconds,
        )
        self.cache_seconds = self.aws.cache.seconds
        # Components seen in any answer, by name: a table or a chart right after a listing needs
        # no further call.
        self._components = TtlCache(self.cache_seconds, max_entries=20_000)

    # -- info ---------------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        with self.aws.counting("info"):
            account = self.aws.account()
            endpoint = self.aws.endpoint()
        where = f"account {account}" if account else "an AWS account (not identified)"
        return {
            "kind": self.kind,
            "description": f"SageMaker in {where}, region {self.aws.region}",
            "account": account,
            "region": self.aws.region,
            "endpoint": endpoint,
            "profile": self.aws.profile,
            "retry_mode": self.aws.retry_mode,
            "max_concurrency": self.aws.max_concurrency,
            "cache_seconds": self.cache_seconds,
        }

    def clear_cache(self) -> None:
        self.aws.cache.clear()
        self._components.clear()

    def close(self) -> None:
        self.clear_cache()

    # -- experiments --------------------------------------------------------------------------

    def list_experiments(
        self,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        refresh: bool = False,
    ) -> Page[Experiment]:
        with self.aws.counting("list_experiments"):
            native = _native_list_sort(sort_by, "Experiment")
            if name_contains is None and native:
                return self._list(
                    "list_experiments",
                    "ExperimentSummaries",
                    records.experiment,
                    {"SortBy": native, "SortOrder": _order(sort_order)},
                    limit,
                    cursor,
                    refresh,
                )
            return self._search(
                "Experiment",
                _name_contains("ExperimentName", name_contains),
                sort_by,
                sort_order,
                limit,
                cursor,
                refresh,
            )

    def get_experiment(self, name: str, *, refresh: bool = False) -> Experiment:
        with self.aws.counting("get_experiment"):
            found = self._find_by_name("Experiment", name, refresh)
            if found is not None:
                return records.experiment(found)
            # Search's index lags writes by a little; DescribeExperiment does not.
            described = self.aws.call(
                "sagemaker",
                "describe_experiment",
                ExperimentName=name,
                not_found=("Experiment", name),
            )
            return records.experiment(described)

    # -- trials -------------------------------------------------------------------------------

    def list_trials(
        self,
        experiment_name: str,
        *,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        refresh: bool = False,
    ) -> Page[Trial]:
        with self.aws.counting("list_trials"):
            native = _native_list_sort(sort_by, "ExperimentTrial")
            page: Page[Trial]
            if name_contains is None and native:
                page = self._list(
                    "list_trials",
                    "TrialSummaries",
                    lambda summary: records.trial(summary, experiment_name),
                    {
                        "ExperimentName": experiment_name,
                        "SortBy": native,
                        "SortOrder": _order(sort_order),
                    },
                    limit,
                    cursor,
                    refresh,
                )
            else:
                expression = _and(
                    {
                        "Filters": [
                            {
                                "Name": "ExperimentName",
                                "Operator": "Equals",
                                "Value": experiment_name,
                            }
                        ]
                    },
                    _name_contains("TrialName", name_contains),
                )
                page = self._search(
                    "ExperimentTrial", expression, sort_by, sort_order, limit, cursor, refresh
                )
            if not page.items and cursor is None:
                self.get_experiment(experiment_name, refresh=refresh)  # unknown experiment → 404
            return page

    def get_trial(self, name: str, *, refresh: bool = False) -> Trial:
        with self.aws.counting("get_trial"):
            found = self._find_by_name("ExperimentTrial", name, refresh)
            if found is not None:
                return records.trial(found)
            described = self.aws.call(
                "sagemaker", "describe_trial", TrialName=name, not_found=("Trial", name)
            )
            return records.trial(described)

    # -- trial components ---------------------------------------------------------------------

    def list_trial_components(
        self,
        *,
        trial_name: str | None = None,
        experiment_name: str | None = None,
        unassigned: bool = False,
        name_contains: str | None = None,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        refresh: bool = False,
    ) -> Page[TrialComponent]:
        selectors = [trial_name is not None, experiment_name is not None, bool(unassigned)]
        if sum(selectors) > 1:
            raise ValidationError(
                "trial_name", "give at most one of trial_name, experiment_name and unassigned"
            )
        scope: dict[str, Any] | None = None
        if trial_name is not None:
            scope = {"Name": "Parents.TrialName", "Operator": "Equals", "Value": trial_name}
        elif experiment_name is not None:
            scope = {
                "Name": "Parents.ExperimentName",
                "Operator": "Equals",
                "Value": experiment_name,
            }
        elif unassigned:
            scope = {"Name": "Parents.TrialName", "Operator": "NotExists"}
        contains = _name_contains("TrialComponentName", name_contains)
        expression = _and({"Filters": [scope]}, contains) if scope else contains
        with self.aws.counting("list_trial_components"):
            page = self._search(
                "ExperimentTrialComponent", expression, sort_by, sort_order, limit, cursor, refresh
            )
            if not page.items and cursor is None:
                # An empty page for an unknown trial or experiment is a 404, as in the embedded store.
                if trial_name is not None:
                    self.get_trial(trial_name, refresh=refresh)
                elif experiment_name is not None:
                    self.get_experiment(experiment_name, refresh=refresh)
            return page

    def get_trial_component(self, name: str, *, refresh: bool = False) -> TrialComponent:
        with self.aws.counting("get_trial_component"):
            if not refresh:
                cached = self._components.get(name)
                if cached is not None:
                    return records.trial_component(cached)
            found = self._find_by_name("ExperimentTrialComponent", name, refresh)
            if found is None and name != name.lower():
                # The tracking API writes components lower-cased, as SageMaker's SDK does.
                found = self._find_by_name("ExperimentTrialComponent", name.lower(), refresh)
            if found is None:
                found = self.aws.call(
                    "sagemaker",
                    "describe_trial_component",
                    TrialComponentName=name,
                    not_found=("TrialComponent", name),
                )
            self._components.put(name, found)
            return records.trial_component(found)

    # -- search -------------------------------------------------------------------------------

    def search(
        self,
        resource: Resource,
        search_expression: dict[str, Any] | None = None,
        *,
        sort_by: str = "CreationTime",
        sort_order: SortOrder = "Descending",
        limit: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        refresh: bool = False,
    ) -> NotedPage[Any]:
        if resource not in RESULT_KEYS:
            raise ValidationError(
                "resource", f"must be one of {', '.join(RESULT_KEYS)}", value=resource
            )
        with self.aws.counting(f"search {resource}"):
            return self._search(
                resource, search_expression, sort_by, sort_order, limit, cursor, refresh
            )

    def _search(
        self,
        resource: str,
        expression: dict[str, Any] | None,
        sort_by: str,
        sort_order: str,
        limit: int,
        cursor: str | None,
        refresh: bool,
    ) -> NotedPage[Any]:
        _check_limit(limit)
        expression = validate_expression(expression, resource) if expression else None
        plan: PushDown = push_down(expression, resource)
        request = fingerprint("search", resource, expression, sort_by, sort_order)
        position = decode_cursor(cursor, request)
        params: dict[str, Any] = {
            "Resource": resource,
            "SortBy": sort_property(sort_by, resource),
            "SortOrder": _order(sort_order),
        }
        if plan.expression:
            params["SearchExpression"] = plan.expression
        convert = _CONVERTERS[resource]
        key = RESULT_KEYS[resource]
        items: list[Any] = []
        token, skip = position.token, position.skip
        total: int | None = None
        calls = 0
        while True:
            # Ask for just what is missing when every record SageMaker returns will be kept.
            size = SEARCH_PAGE if (not plan.exact or skip) else min(SEARCH_PAGE, limit - len(items))
            call = dict(params, MaxResults=size)
            if token:
                call["NextToken"] = token
            try:
                answer = self.aws.call(
                    "sagemaker",
                    "search",
                    cached=True,
                    refresh=refresh,
                    invalid_is_query=True,
                    **call,
                )
            except StoreUnavailable as error:
                if calls:
                    # Some pages arrived: say how far the request got and that the rest is missing.
                    error.message = (
                        f"{error.message} (after {calls} of the Search calls this page needed: "
                        f"{len(items)} records received, the rest missing)"
                    )
                    error.args = (error.message,)
                    error.details.update(partial=True, received=len(items), calls_done=calls)
                raise
            calls += 1
            hits = answer.get("TotalHits") or {}
            if plan.exact and hits.get("Relation") == "EqualTo":
                total = int(hits["Value"])
            results = [result[key] for result in answer.get("Results") or [] if key in result]
            next_token = answer.get("NextToken")
            for index in range(skip, len(results)):
                raw = results[index]
                if resource == "ExperimentTrialComponent":
                    self._components.put(raw["TrialComponentName"], raw)
                record = convert(raw)
                if expression is not None and not evaluate(expression, record):
                    continue
                items.append(record)
                if len(items) == limit:
                    if index + 1 < len(results):
                        following: Position | None = Position(token, index + 1)
                    else:
                        following = Position(next_token) if next_token else None
                    return self._page(items, request, following, total, plan)
            skip = 0
            token = next_token
            if not token:
                return self._page(items, request, None, total, plan)
            if items and calls >= MAX_SCAN_CALLS:
                return self._page(items, request, Position(token), total, plan)

    def _page(
        self,
        items: list[Any],
        request: str,
        following: Position | None,
        total: int | None,
        plan: PushDown,
    ) -> NotedPage[Any]:
        notes = [
            f"evaluated after fetching from SageMaker: {residual}" for residual in plan.residual
        ]
        next_cursor = encode_cursor(request, following) if following else None
        return NotedPage(items, next_cursor, total, notes)

    def _find_by_name(self, resource: str, name: str, refresh: bool) -> dict[str, Any] | None:
        """The full record of one named resource from Search, or None when Search has none."""
        if not isinstance(name, str) or not name:
            raise ValidationError("name", "must be a non-empty string")
        answer = self.aws.call(
            "sagemaker",
            "search",
            cached=True,
            refresh=refresh,
            Resource=resource,
            SearchExpression={
                "Filters": [{"Name": OWN_NAME[resource], "Operator": "Equals", "Value": name}]
            },
            MaxResults=1,
        )
        key = RESULT_KEYS[resource]
        for result in answer.get("Results") or []:
            if key in result:
                found: dict[str, Any] = result[key]
                return found
        return None

    def _list(
        self,
        operation: str,
        result_key: str,
        convert: Callable[[dict[str, Any]], T],
        params: dict[str, Any],
        limit: int,
        cursor: str | None,
        refresh: bool,
    ) -> Page[T]:
        """A List* call followed page after page until ``limit`` records."""
        _check_limit(limit)
        request = fingerprint(operation, params)
        token = decode_cursor(cursor, request).token
        items: list[T] = []
        while True:
            call = dict(params, MaxResults=min(LIST_PAGE, limit - len(items)))
            if token:
                call["NextToken"] = token
            not_found = (
                ("Experiment", params["ExperimentName"]) if "ExperimentName" in params else None
            )
            answer = self.aws.call(
                "sagemaker", operation, cached=True, refresh=refresh, not_found=not_found, **call
            )
            items.extend(convert(summary) for summary in answer.get(result_key) or [])
            token = answer.get("NextToken")
            if not token or len(items) >= limit:
                following = encode_cursor(request, Position(token)) if token else None
                return Page(items, following)

    # -- metrics ------------------------------------------------------------------------------

    def metric_series(
        self,
        queries: list[SeriesQuery],
        *,
        x_axis: XAxis = "step",
        max_points: int = DEFAULT_MAX_POINTS,
        x_range: tuple[float, float] | None = None,
        refresh: bool = False,
    ) -> list[Series]:
        x_range = check_request(max_points, x_range)
        if x_axis not in ("step", "time"):
            raise ValidationError("x_axis", "must be 'step' or 'time'", value=x_axis)
        with self.aws.counting("metric_series"):
            components = self._components_by_name([q.component for q in queries], refresh)
            raw, missing = self._experiment_metrics(queries, components, x_axis, x_range, refresh)
            fallback = [
                (i, q)
                for i, q in enumerate(queries)
                if not raw[i][0] and records.training_job_name(components[q.component])
            ]
            if fallback:
                found, lost = self._training_job_metrics(
                    [q for _, q in fallback], components, x_axis, refresh
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
        out = []
        for query, (xs, ys) in zip(queries, raw, strict=True):
            if not xs and components[query.component].metric(query.metric) is None:
                raise NotFound(
                    "Metric", f"{query.component}/{query.metric}"
                )  # as the embedded store
            reduced = reduce_series(xs, ys, max_points, x_range)
            out.append(
                Series(
                    query.component,
                    query.metric,
                    x_axis,
                    reduced.x,
                    reduced.y,
                    reduced.raw_count,
                    reduced.reduced,
                )
            )
        return out

    def metric_points(
        self, component: str, metric_names: list[str] | None = None, *, refresh: bool = False
    ) -> list[MetricPoint]:
        """Each step's point (its last value and time) of every metric, in logging order.
        BatchGetMetrics answers per step, so points logged twice at one step come back once."""
        with self.aws.counting("metric_points"):
            record = self.get_trial_component(component, refresh=refresh)
            names = (
                metric_names
                if metric_names is not None
                else [m.metric_name for m in record.metrics]
            )
            queries = [SeriesQuery(component, name) for name in names]
            lookup = {component: record}
            by_step, missing = self._experiment_metrics(
                queries, lookup, "step", None, refresh, statistic="Last"
            )
            by_time, lost = self._experiment_metrics(
                queries, lookup, "time", None, refresh, statistic="Last"
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

    def _components_by_name(self, names: Iterable[str], refresh: bool) -> dict[str, TrialComponent]:
        """Full records of the named components: from the cache, else by Search, 20 names a call."""
        wanted = list(dict.fromkeys(names))
        found: dict[str, TrialComponent] = {}
        unknown = []
        for name in wanted:
            cached = None if refresh else self._components.get(name)
            if cached is not None:
                found[name] = records.trial_component(cached)
            else:
                unknown.append(name)
        for start in range(0, len(unknown), NAMES_PER_SEARCH):
            chunk = unknown[start : start + NAMES_PER_SEARCH]
            answer = self.aws.call(
                "sagemaker",
                "search",
                Resource="ExperimentTrialComponent",
                SearchExpression={
                    "Filters": [
                        {"Name": "TrialComponentName", "Operator": "Equals", "Value": n}
                        for n in chunk
                    ],
                    "Operator": "Or",
                },
                MaxResults=SEARCH_PAGE,
            )
            for result in answer.get("Results") or []:
                raw = result.get("TrialComponent")
                if raw and raw["TrialComponentName"] in chunk:
                    self._components.put(raw["TrialComponentName"], raw)
                    found[raw["TrialComponentName"]] = records.trial_component(raw)
        for name in wanted:
            if name not in found:
                found[name] = self.get_trial_component(name, refresh=refresh)  # describe, or 404
        return found

    def _experiment_metrics(
        self,
        queries: list[SeriesQuery],
        components: dict[str, TrialComponent],
        x_axis: XAxis,
        x_range: tuple[float, float] | None,
        refresh: bool,
        statistic: str = "Avg",
    ) -> tuple[list[tuple[list[float], list[float]]], list[dict[str, str]]]:
        """Raw series from BatchGetMetrics, 100 queries a call: one value per step (the
        ``statistic`` of the points logged at that step); times in seconds since the epoch."""
        out: list[tuple[list[float], list[float]]] = [([], []) for _ in queries]
        missing: list[dict[str, str]] = []
        for start in range(0, len(queries), METRIC_QUERIES_PER_CALL):
            chunk = queries[start : start + METRIC_QUERIES_PER_CALL]
            metric_queries = []
            for query in chunk:
                metric_query: dict[str, Any] = {
                    "MetricName": query.metric,
                    "ResourceArn": components[query.component].trial_component_arn,
                    "MetricStat": statistic,
                    "Period": "IterationNumber",
                    "XAxisType": "IterationNumber" if x_axis == "step" else "Timestamp",
                }
                if x_axis == "time" and x_range is not None:
                    metric_query["Start"] = int(x_range[0])
                    metric_query["End"] = int(x_range[1]) + 1
                metric_queries.append(metric_query)
            try:
                answer = self.aws.call(
                    "sagemaker-metrics",
                    "batch_get_metrics",
                    cached=True,
                    refresh=refresh,
                    MetricQueries=metric_queries,
                )
            except StoreUnavailable as error:
                log.warning("BatchGetMetrics failed for %d series: %s", len(chunk), error.message)
                missing += [
                    {"component": q.component, "metric": q.metric, "reason": error.message}
                    for q in chunk
                ]
                continue
            for offset, result in enumerate(answer.get("MetricQueryResults") or []):
                query = chunk[offset]
                status = result.get("Status")
                if status in ("InternalError",):
                    missing.append(
                        {
                            "component": query.component,
                            "metric": query.metric,
                            "reason": result.get("Message", status),
                        }
                    )
                    continue
                xs = [float(x) for x in result.get("XAxisValues") or []]
                ys = [float(y) for y in result.get("MetricValues") or []]
                out[start + offset] = (xs, ys)
        return out, missing

    def _training_job_metrics(
        self,
        queries: list[SeriesQuery],
        components: dict[str, TrialComponent],
        x_axis: XAxis,
        refresh: bool,
    ) -> tuple[list[tuple[list[float], list[float]]], list[dict[str, str]]]:
        """Series from the training job's CloudWatch metrics (``/aws/sagemaker/TrainingJobs``,
        dimension ``Host=<job>/algo-1``), one minute per point. CloudWatch has no step, so on
        the step axis x is the point's position (0, 1, 2, ...)."""
        out: list[tuple[list[float], list[float]]] = [([], []) for _ in queries]
        missing: list[dict[str, str]] = []
        start_time, end_time = _job_window([components[q.component] for q in queries])
        for start in range(0, len(queries), CLOUDWATCH_QUERIES_PER_CALL):
            chunk = queries[start : start + CLOUDWATCH_QUERIES_PER_CALL]
            metric_queries = [
                {
                    "Id": f"q{index}",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": TRAINING_JOB_NAMESPACE,
                            "MetricName": query.metric,
                            "Dimensions": [
                                {
                                    "Name": "Host",
                                    "Value": f"{records.training_job_name(components[query.component])}/algo-1",
                                }
                            ],
                        },
                        "Period": CLOUDWATCH_PERIOD,
                        "Stat": "Average",
                    },
                    "ReturnData": True,
                }
                for index, query in enumerate(chunk)
            ]
            try:
                answer = self.aws.call(
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
                missing += [
                    {"component": q.component, "metric": q.metric, "reason": error.message}
                    for q in chunk
                ]
                continue
            for result in answer.get("MetricDataResults") or []:
                offset = int(str(result["Id"])[1:])
                pairs = sorted(
                    zip(
                        (records.seconds(t) or 0.0 for t in result.get("Timestamps") or []),
                        result.get("Values") or [],
                        strict=True,
                    )
                )
                ys = [float(v) for _, v in pairs]
                xs = (
                    [t for t, _ in pairs]
                    if x_axis == "time"
                    else [float(i) for i in range(len(pairs))]
                )
                out[start + offset] = (xs, ys)
        return out, missing


# --- helpers ---------------------------------------------------------------------------------


_CONVERTERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "Experiment": records.experiment,
    "ExperimentTrial": records.trial,
    "ExperimentTrialComponent": records.trial_component,
}


def _check_limit(limit: int) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError("limit", "must be a positive integer", value=limit)


def _order(sort_order: str) -> str:
    if sort_order not in SORT_ORDERS:
        raise ValidationError("sort_order", "must be 'Ascending' or 'Descending'", value=sort_order)
    return sort_order


def _native_list_sort(sort_by: str, resource: str) -> str | None:
    """The List* call's SortBy (Name or CreationTime) for a sort field, else None (use Search)."""
    canonical = canonical_property(sort_by, resource)
    if canonical == OWN_NAME[resource]:
        return "Name"
    if canonical == "CreationTime":
        return "CreationTime"
    return None


def _name_contains(name_property: str, text: str | None) -> dict[str, Any] | None:
    """The filter of the name box: the name or the display name contains the text."""
    if text is None or not text.strip():
        return None
    return {
        "Filters": [
            {"Name": name_property, "Operator": "Contains", "Value": text.strip()},
            {"Name": "DisplayName", "Operator": "Contains", "Value": text.strip()},
        ],
        "Operator": "Or",
    }


def _and(first: dict[str, Any], second: dict[str, Any] | None) -> dict[str, Any]:
    if second is None:
        return first
    return {**first, "SubExpressions": [second], "Operator": "And"}


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
