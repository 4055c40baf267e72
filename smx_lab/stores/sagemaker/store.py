"""The SageMaker store: a SageMaker account's experiments, read through boto3.

Browsing costs a handful of calls whatever the size of a trial: experiments come from
``ListExperiments``, trials from ``ListTrials(ExperimentName=…)``, and the components of a trial,
of an experiment, or with no trial, as full records (parameters, metric summaries, artifacts,
parents, source and job details) from ``Search`` a page of 100 at a time — never one describe per
component. Searches are pushed down to SageMaker as far as it can express them and finished here
with :func:`smx_lab.query.evaluate` (see :mod:`.search` and :mod:`.browse`); the page's ``notes``
say what was evaluated after fetching. Metric series come from ``sagemaker-metrics``
``BatchGetMetrics``, with the training job's CloudWatch metrics as the fallback for job components
that logged nothing to SageMaker Experiments (:mod:`.metrics`), and are reduced with
:mod:`smx_lab.reduce` like the embedded store's.

AWS plumbing (configuration, retries, the bound on concurrent calls, caching, the debug log of
AWS calls per request, error mapping) lives in :mod:`.aws`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from traitlets import Enum, Float, Int, Unicode, validate

from ...errors import ValidationError
from ...model import (
    Experiment,
    MetricPoint,
    Page,
    Series,
    SeriesQuery,
    Trial,
    TrialComponent,
    XAxis,
)
from ...query import OWN_NAME, canonical_property
from ...query.properties import check_resource
from ...reduce import check_request
from ...vocabulary import EXPERIMENT, TRIAL, TRIAL_COMPONENT
from ..base import DEFAULT_MAX_POINTS, DEFAULT_PAGE_SIZE, Resource, SortOrder, Store
from . import metrics, records
from .aws import (
    RETRY_MODES,
    AwsClients,
    check_at_least_one,
    check_cache_seconds,
    check_retry_mode,
)
from .browse import SEARCH_PAGE, Browser, NotedPage, checked_order
from .jobs import SageMakerJobs

NAMES_PER_SEARCH = 20  # Filters per SearchExpression


class _RetryModeEnum(Enum[str]):
    """botocore's retry modes. A bad value is a :class:`~smx_lab.errors.ValidationError` naming
    ``retry_mode``, as a bad value of every other setting of the store is."""

    def validate(self, obj: Any, value: Any) -> str:
        return check_retry_mode(value)


class SageMakerStore(Store):
    """The :class:`~smx_lab.stores.base.Store` of a SageMaker account (``SMX_LAB_STORE=sagemaker``).

    Its settings are traits, read once when the store is built: ``c.SageMakerStore.region = ...``
    in a Jupyter config file, ``--SageMakerStore.region=...`` on the command line, or keyword
    arguments (``SageMakerStore(region=..., cache_seconds=0)``). A bad value raises
    :class:`~smx_lab.errors.ValidationError` naming the setting. Besides the settings it takes a
    ready ``session`` (``boto3.Session``) or ready ``clients`` (an :class:`~.aws.AwsClients`,
    shared with a :class:`~.writer.SageMakerWriter`; the settings are then those clients').
    Every read method takes ``refresh=True`` to bypass the cache."""

    kind = "sagemaker"

    region = Unicode(
        None,
        allow_none=True,
        help="""AWS region of the account. None: boto3's chain (AWS_REGION,
        AWS_DEFAULT_REGION, the profile's region), else us-east-1.""",
    ).tag(config=True)

    profile = Unicode(
        None,
        allow_none=True,
        help="""Named AWS profile (from ~/.aws/config) whose credentials and region to use.
        None: boto3's chain (AWS_PROFILE, environment variables, config files, SSO, an
        instance or container role).""",
    ).tag(config=True)

    endpoint_url = Unicode(
        None,
        allow_none=True,
        help="""One endpoint for every AWS service the store calls (a local test server).
        None: boto3 resolves each service's endpoint itself, AWS_ENDPOINT_URL and
        AWS_ENDPOINT_URL_SAGEMAKER included.""",
    ).tag(config=True)

    retry_mode = _RetryModeEnum(
        RETRY_MODES,
        default_value="standard",
        help="""botocore's retry mode: 'standard', 'adaptive' (with client-side rate limiting)
        or 'legacy'.""",
    ).tag(config=True)

    max_attempts = Int(
        5,
        help="""Attempts per AWS call, the first included (botocore's total_max_attempts);
        at least 1.""",
    ).tag(config=True)

    max_concurrency = Int(
        8,
        help="""AWS calls in flight at once, whatever the number of concurrent requests;
        at least 1.""",
    ).tag(config=True)

    cache_seconds = Float(
        10.0,
        help="""How long an answer from AWS is reused before asking again, in seconds;
        0 turns the cache off.""",
    ).tag(config=True)

    @validate("max_attempts", "max_concurrency")
    def _validate_count(self, proposal: Any) -> int:
        return check_at_least_one(proposal["trait"].name, proposal["value"])

    @validate("cache_seconds")
    def _validate_cache_seconds(self, proposal: Any) -> float:
        return check_cache_seconds(proposal["value"])

    def __init__(
        self, *, session: Any = None, clients: AwsClients | None = None, **settings: Any
    ) -> None:
        """``settings``: the traits above, and Configurable's ``config``, ``parent`` and
        ``log``."""
        super().__init__(**settings)
        self.aws = clients or AwsClients(
            session=session,
            profile=self.profile,
            region=self.region,
            endpoint_url=self.endpoint_url,
            retry_mode=self.retry_mode,
            max_attempts=self.max_attempts,
            max_concurrency=self.max_concurrency,
            cache_seconds=self.cache_seconds,
        )
        self.cache_seconds = self.aws.cache.seconds
        self._browser = Browser(self.aws)
        self.jobs = SageMakerJobs(self)

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
        self._browser.components.clear()

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
            native = _native_list_sort(sort_by, EXPERIMENT)
            if name_contains is None and native:
                return self._browser.list(
                    "list_experiments",
                    "ExperimentSummaries",
                    records.experiment,
                    {"SortBy": native, "SortOrder": checked_order(sort_order)},
                    limit,
                    cursor,
                    refresh,
                )
            return self._browser.search(
                EXPERIMENT,
                _name_contains("ExperimentName", name_contains),
                sort_by,
                sort_order,
                limit,
                cursor,
                refresh,
            )

    def get_experiment(self, name: str, *, refresh: bool = False) -> Experiment:
        with self.aws.counting("get_experiment"):
            found = self._browser.find_by_name(EXPERIMENT, name, refresh)
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
            native = _native_list_sort(sort_by, TRIAL)
            page: Page[Trial]
            if name_contains is None and native:
                page = self._browser.list(
                    "list_trials",
                    "TrialSummaries",
                    lambda summary: records.trial(summary, experiment_name),
                    {
                        "ExperimentName": experiment_name,
                        "SortBy": native,
                        "SortOrder": checked_order(sort_order),
                    },
                    limit,
                    cursor,
                    refresh,
                )
            else:
                expression = _and(
                    {"Filters": [_equals("ExperimentName", experiment_name)]},
                    _name_contains("TrialName", name_contains),
                )
                page = self._browser.search(
                    TRIAL, expression, sort_by, sort_order, limit, cursor, refresh
                )
            if not page.items and cursor is None:
                self.get_experiment(experiment_name, refresh=refresh)  # unknown experiment → 404
            return page

    def get_trial(self, name: str, *, refresh: bool = False) -> Trial:
        with self.aws.counting("get_trial"):
            found = self._browser.find_by_name(TRIAL, name, refresh)
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
        scope = _component_scope(trial_name, experiment_name, unassigned)
        contains = _name_contains("TrialComponentName", name_contains)
        expression = _and({"Filters": [scope]}, contains) if scope else contains
        with self.aws.counting("list_trial_components"):
            page = self._browser.search(
                TRIAL_COMPONENT, expression, sort_by, sort_order, limit, cursor, refresh
            )
            if not page.items and cursor is None:
                # An empty page for an unknown trial or experiment is a 404, as in the embedded
                # store.
                if trial_name is not None:
                    self.get_trial(trial_name, refresh=refresh)
                elif experiment_name is not None:
                    self.get_experiment(experiment_name, refresh=refresh)
            return page

    def get_trial_component(self, name: str, *, refresh: bool = False) -> TrialComponent:
        with self.aws.counting("get_trial_component"):
            return records.trial_component(self._browser.component_record(name, refresh))

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
        check_resource(resource)
        with self.aws.counting(f"search {resource}"):
            return self._browser.search(
                resource, search_expression, sort_by, sort_order, limit, cursor, refresh
            )

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
        x_range = check_request(max_points, x_range, x_axis)
        with self.aws.counting("metric_series"):
            components = self._components_by_name([q.component for q in queries], refresh)
            raw = metrics.raw_series(self.aws, queries, components, x_axis, x_range, refresh)
        return metrics.reduced_series(queries, raw, components, x_axis, max_points, x_range)

    def metric_points(
        self, component: str, metric_names: list[str] | None = None, *, refresh: bool = False
    ) -> list[MetricPoint]:
        """Each step's point (its last value and time) of every metric, in logging order.
        BatchGetMetrics answers per step, so points logged twice at one step come back once."""
        with self.aws.counting("metric_points"):
            record = self.get_trial_component(component, refresh=refresh)
            return metrics.metric_points(self.aws, component, record, metric_names, refresh)

    def _components_by_name(self, names: Iterable[str], refresh: bool) -> dict[str, TrialComponent]:
        """Full records of the named components: from the cache, else by Search, 20 names a call."""
        wanted = list(dict.fromkeys(names))
        cache = self._browser.components
        found: dict[str, TrialComponent] = {}
        unknown = []
        for name in wanted:
            cached = None if refresh else cache.get(name)
            if cached is not None:
                found[name] = records.trial_component(cached)
            else:
                unknown.append(name)
        for start in range(0, len(unknown), NAMES_PER_SEARCH):
            chunk = unknown[start : start + NAMES_PER_SEARCH]
            answer = self.aws.call(
                "sagemaker",
                "search",
                Resource=TRIAL_COMPONENT,
                SearchExpression={
                    "Filters": [_equals("TrialComponentName", n) for n in chunk],
                    "Operator": "Or",
                },
                MaxResults=SEARCH_PAGE,
            )
            for result in answer.get("Results") or []:
                raw = result.get("TrialComponent")
                if raw and raw["TrialComponentName"] in chunk:
                    cache.put(raw["TrialComponentName"], raw)
                    found[raw["TrialComponentName"]] = records.trial_component(raw)
        for name in wanted:
            if name not in found:
                found[name] = self.get_trial_component(name, refresh=refresh)  # describe, or 404
        return found


# --- helpers ---------------------------------------------------------------------------------


def _native_list_sort(sort_by: str, resource: str) -> str | None:
    """The List* call's SortBy (Name or CreationTime) for a sort field, else None (use Search)."""
    canonical = canonical_property(sort_by, resource)
    if canonical == OWN_NAME[resource]:
        return "Name"
    if canonical == "CreationTime":
        return "CreationTime"
    return None


def _equals(name: str, value: str) -> dict[str, Any]:
    return {"Name": name, "Operator": "Equals", "Value": value}


def _component_scope(
    trial_name: str | None, experiment_name: str | None, unassigned: bool
) -> dict[str, Any] | None:
    """The filter that selects the components of a trial, of an experiment, or with no trial
    (at most one of the three), or None for every component."""
    selectors = [trial_name is not None, experiment_name is not None, bool(unassigned)]
    if sum(selectors) > 1:
        raise ValidationError(
            "trial_name", "give at most one of trial_name, experiment_name and unassigned"
        )
    if trial_name is not None:
        return _equals("Parents.TrialName", trial_name)
    if experiment_name is not None:
        return _equals("Parents.ExperimentName", experiment_name)
    if unassigned:
        return {"Name": "Parents.TrialName", "Operator": "NotExists"}
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
