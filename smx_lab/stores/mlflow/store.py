"""The MLflow store: an MLflow tracking server's experiments and runs, read as smx-lab's
experiments, trials and trial components (``SMX_LAB_STORE=mlflow``).

The tracking URI is MLflow's own setting (``MLFLOW_TRACKING_URI``, or ``c.MlflowStore.
tracking_uri``): a tracking server (``http(s)://``, with MLflow's ``MLFLOW_TRACKING_USERNAME``/
``PASSWORD``/``TOKEN``), a SageMaker MLflow ARN (through the ``sagemaker-mlflow`` plugin), a
database URI or a local folder (:mod:`.backend`). The mapping of MLflow's records is in
:mod:`.records`; exact statistics from full histories in :mod:`.histories`; what MLflow's filter
can check in :mod:`.pushdown`. Sorting and paging are done here, over every match: any statistic
of any metric sorts.
"""

from __future__ import annotations

from typing import Any

from traitlets import Float, Int, Unicode, validate

from ...errors import NotFound, ValidationError
from ...model import (
    Artifact,
    Experiment,
    MetricPoint,
    NotedPage,
    Page,
    Series,
    SeriesQuery,
    Trial,
    TrialComponent,
    XAxis,
)
from ...query import describe_property, evaluate, validate_expression
from ...query.order import sort_records
from ...query.properties import check_resource
from ...reduce import check_request, series_of
from ...vocabulary import (
    EXPERIMENT,
    SMX_ELSEWHERE_TAG,
    SMX_STEPLESS_TAG,
    TRIAL,
    TRIAL_COMPONENT,
)
from ..base import DEFAULT_MAX_POINTS, DEFAULT_PAGE_SIZE, Resource, SortOrder, Store
from ..cursors import decode_offset, encode_offset, fingerprint
from . import records
from . import tags as smx_tags
from .backend import RUNS_PER_BULK, open_backend
from .histories import Histories
from .index import Index, Member, looks_like_run_id, members_of
from .pushdown import safe_push_down

#: A run's artifact tree is listed this deep and this long at most.
ARTIFACT_DEPTH = 4
ARTIFACT_ENTRIES = 500


class MlflowStore(Store):
    """The :class:`~smx_lab.stores.base.Store` of an MLflow tracking server. Settings are traits
    (``c.MlflowStore.tracking_uri = ...``); every read method takes ``refresh=True`` to bypass the
    cache."""

    kind = "mlflow"

    tracking_uri = Unicode(
        None,
        allow_none=True,
        help="""MLflow tracking URI: http(s)://host:port, a SageMaker MLflow ARN
        (arn:aws:sagemaker:<region>:<account>:mlflow-tracking-server/<name>), a database URI
        (sqlite:///mlflow.db, postgresql+psycopg2://…) or a local folder. None: MLflow's own setting
        (MLFLOW_TRACKING_URI, else MLflow's default).""",
    ).tag(config=True)

    max_concurrency = Int(8, help="Reads of metric histories in flight at once; at least 1.").tag(
        config=True
    )

    cache_seconds = Float(
        10.0,
        help="""How long runs and experiments read from MLflow are reused before asking again,
        in seconds; 0 turns the cache off. Finished runs' metric histories are kept until the
        run changes.""",
    ).tag(config=True)

    max_retries = Int(
        2, help="Retries of a failed call to a tracking server (throttled, unavailable)."
    ).tag(config=True)

    timeout = Float(30.0, help="Seconds to wait for a tracking server's answer.").tag(config=True)

    @validate("max_concurrency")
    def _validate_concurrency(self, proposal: Any) -> int:
        if proposal["value"] < 1:
            raise ValidationError("max_concurrency", "must be at least 1")
        return int(proposal["value"])

    @validate("max_retries")
    def _validate_retries(self, proposal: Any) -> int:
        if proposal["value"] < 0:
            raise ValidationError("max_retries", "must be 0 or more")
        return int(proposal["value"])

    @validate("cache_seconds", "timeout")
    def _validate_seconds(self, proposal: Any) -> float:
        value = float(proposal["value"])
        if not value >= 0 or value == float("inf"):
            raise ValidationError(proposal["trait"].name, "must be a finite number of seconds >= 0")
        return value

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        from ...dependencies import require

        require("the MLflow store", "mlflow")
        import mlflow

        uri = self.tracking_uri or mlflow.get_tracking_uri()
        self.backend = open_backend(str(uri), max_retries=self.max_retries, timeout=self.timeout)
        self.index = Index(self.backend, self.cache_seconds)
        self.histories = Histories(
            self.backend, max_concurrency=self.max_concurrency, cache_seconds=self.cache_seconds
        )

    # -- info -------------------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        import mlflow

        version = self.backend.server_version()
        kinds = {
            "http": "MLflow tracking server",
            "sagemaker": "SageMaker managed MLflow",
            "database": "MLflow database",
            "folder": "MLflow folder",
        }
        shown = f" (MLflow {version})" if version else ""
        return {
            "kind": self.kind,
            "description": f"{kinds[self.backend.uri_kind]} at {self.backend.where}{shown}",
            "tracking_uri": self.backend.where,
            "uri_kind": self.backend.uri_kind,
            "mlflow_version": version,
            "client_version": mlflow.__version__,
            "max_concurrency": self.max_concurrency,
            "cache_seconds": self.cache_seconds,
        }

    def clear_cache(self) -> None:
        self.index.clear()
        self.histories.clear()

    def close(self) -> None:
        self.histories.close()

    # -- experiments ------------------------------------------------------------------------------

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
        found = [records.experiment(e) for e in self.index.experiments(refresh)]
        found = _containing(found, name_contains)
        request = fingerprint(["experiments", name_contains, sort_by, sort_order])
        return _page(sort_records(list(found), sort_by, sort_order), limit, cursor, request)

    def get_experiment(self, name: str, *, refresh: bool = False) -> Experiment:
        record = self.index.experiment(name, refresh)
        return records.experiment(record, len(self.index.trials(record, refresh)))

    # -- trials -----------------------------------------------------------------------------------

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
        experiment = self.index.experiment(experiment_name, refresh)
        found = _containing(self.index.trials(experiment, refresh), name_contains)
        request = fingerprint(["trials", experiment_name, name_contains, sort_by, sort_order])
        return _page(sort_records(list(found), sort_by, sort_order), limit, cursor, request)

    def get_trial(self, name: str, *, refresh: bool = False) -> Trial:
        experiment, members, root = self.index.trial_members(name, refresh)
        return records.trial(name, experiment["name"], [m.run for m in members], root)

    # -- trial components -------------------------------------------------------------------------

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
        if sum([trial_name is not None, experiment_name is not None, bool(unassigned)]) > 1:
            raise ValidationError(
                "trial_name", "give at most one of trial_name, experiment_name and unassigned"
            )
        request = fingerprint(
            [
                "components",
                trial_name,
                experiment_name,
                unassigned,
                name_contains,
                sort_by,
                sort_order,
            ]
        )
        # A run belongs to a trial (its family or the default group) unless smx-lab wrote it as
        # belonging to none.
        scoped: list[Member]
        if unassigned:
            scoped = self.index.unassigned(refresh)
        elif trial_name is not None:
            scoped = self.index.trial_members(trial_name, refresh)[1]
        elif experiment_name is not None:
            scoped = self.index.members(self.index.experiment(experiment_name, refresh), refresh)
        else:
            every = self.index.experiments(refresh)
            scoped = [m for e in every for m in self.index.components(e, refresh)]
        components, runs_by_id = self._components(scoped, None, sort_by, refresh)
        components = _containing(components, name_contains)
        ordered = sort_records(list(components), sort_by, sort_order)
        return self._full_page(ordered, runs_by_id, limit, cursor, request, refresh)

    def get_trial_component(self, name: str, *, refresh: bool = False) -> TrialComponent:
        run = self._run(name, refresh)
        experiment = self.index.experiment_by_id(run["info"]["experiment_id"], refresh)
        identifier = records.run_id(run)
        parents = records.parents_of(run)  # what a run written by smx-lab says, else its family
        if parents is None:
            parents = self.index.family(experiment, refresh).parents_of(identifier)
        summaries = self.histories.summaries([run], refresh)[identifier]
        return records.trial_component(
            run, experiment["name"], parents, summaries, self._artifacts(run)
        )

    def _run(self, name: str, refresh: bool = False) -> dict[str, Any]:
        """The run of the component called ``name`` (its smx-lab name, else its run ID)."""
        return self.index.named(name, refresh)

    def _runs_by_id(self, names: list[str], refresh: bool) -> dict[str, dict[str, Any]]:
        """The runs of the named components: names that are run IDs a hundred a
        ``search_runs`` call (``attributes.run_id IN``), the others one by one; an unknown
        name is a 404."""
        found: dict[str, dict[str, Any]] = {}
        every = self.index.experiment_ids(refresh)
        ids = [n for n in dict.fromkeys(names) if looks_like_run_id(n)]
        for start in range(0, len(ids), RUNS_PER_BULK):
            chunk = ids[start : start + RUNS_PER_BULK]
            listed = ", ".join(f"'{name}'" for name in chunk)
            for run in self.backend.runs(every, f"attributes.run_id IN ({listed})"):
                if records.component_name(run) == records.run_id(run):
                    found[records.run_id(run)] = run
        for name in names:
            if name not in found:
                found[name] = self._run(name, refresh)  # a name, a 404, or a run just made
        return {name: found[name] for name in names}

    def _artifacts(self, run: dict[str, Any]) -> dict[str, Artifact]:
        """The run's artifact files, folders walked :data:`ARTIFACT_DEPTH` deep, at most
        :data:`ARTIFACT_ENTRIES` of them."""
        out: dict[str, Artifact] = {}
        root = run["info"].get("artifact_uri") or ""
        folders: list[tuple[str | None, int]] = [(None, 0)]
        while folders and len(out) < ARTIFACT_ENTRIES:
            folder, depth = folders.pop(0)
            for entry in self.backend.artifacts(records.run_id(run), folder):
                if entry.get("is_dir"):
                    if depth + 1 < ARTIFACT_DEPTH:
                        folders.append((entry["path"], depth + 1))
                elif len(out) < ARTIFACT_ENTRIES:
                    out[entry["path"]] = records.artifact(root, entry["path"])
        return out

    # -- search -----------------------------------------------------------------------------------

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
        expression = validate_expression(search_expression, resource) if search_expression else None
        request = fingerprint(["search", resource, expression, sort_by, sort_order])
        if resource == TRIAL_COMPONENT:
            return self._search_components(
                expression, sort_by, sort_order, limit, cursor, request, refresh
            )
        found: list[Any]
        if resource == EXPERIMENT:
            found = [records.experiment(e) for e in self.index.experiments(refresh)]
        else:
            found = [
                t for e in self.index.experiments(refresh) for t in self.index.trials(e, refresh)
            ]
        assert resource in (EXPERIMENT, TRIAL)
        matched = [r for r in found if evaluate(expression, r)]
        page = _page(sort_records(matched, sort_by, sort_order), limit, cursor, request)
        notes = ["evaluated by smx-lab over MLflow's experiments"] if expression else []
        return NotedPage(page.items, page.next_cursor, page.total, notes)

    def _search_components(
        self,
        expression: dict[str, Any] | None,
        sort_by: str,
        sort_order: str,
        limit: int,
        cursor: str | None,
        request: str,
        refresh: bool,
    ) -> NotedPage[TrialComponent]:
        plan = safe_push_down(expression)
        experiments = self._narrowed(plan.experiment_names, plan.trial_names, refresh)
        scoped: list[Member] = []
        for experiment in experiments:
            cached = None if refresh else self.index.cached_runs(experiment)
            if cached is not None or not plan.filter_string:
                scoped += self.index.components(experiment, refresh)
            else:
                # Only the matches are fetched; which trial each is in is the family's to say.
                runs = self.backend.runs([str(experiment["experiment_id"])], plan.filter_string)
                family = self.index.family(experiment, refresh)
                scoped += members_of(experiment["name"], runs, family)
        components, runs_by_id = self._components(scoped, expression, sort_by, refresh)
        matched = [c for c in components if evaluate(expression, c)]
        ordered = sort_records(matched, sort_by, sort_order)
        page = self._full_page(ordered, runs_by_id, limit, cursor, request, refresh)
        notes = []
        if plan.residual:
            notes.append(
                "MLflow could not check "
                + "; ".join(dict.fromkeys(plan.residual))
                + ": smx-lab checked it after fetching"
            )
        return NotedPage(page.items, page.next_cursor, page.total, notes)

    def _narrowed(
        self, experiment_names: list[str], trial_names: list[str], refresh: bool
    ) -> list[dict[str, Any]]:
        """The experiments a search must read: those named by ``Parents.ExperimentName`` and
        holding the trial named by ``Parents.TrialName``; every experiment when runs of other
        experiments joined their trials."""
        experiments = self.index.experiments(refresh)
        owners = experiments
        if experiment_names:
            owners = [e for e in owners if e["name"] in experiment_names]
        if trial_names:
            try:
                owner, _, _ = self.index.trial_members(trial_names[0], refresh)
            except NotFound:
                return []
            owners = [e for e in owners if e["experiment_id"] == owner["experiment_id"]]
        if any(records.tags_of(o).get(SMX_ELSEWHERE_TAG) == "true" for o in owners):
            return experiments
        return owners

    # -- records ----------------------------------------------------------------------------------

    def _components(
        self,
        scoped: list[Member],
        expression: dict[str, Any] | None,
        sort_by: str,
        refresh: bool,
    ) -> tuple[list[TrialComponent], dict[str, dict[str, Any]]]:
        """Records of the runs, and the runs by ID (for :meth:`_full_page`). Full statistics
        are read only when the filter or the sort needs more than each metric's latest value;
        otherwise records carry Last alone until :meth:`_full_page` completes the page's."""
        full = _needs_statistics(expression, sort_by)
        unique = list({records.run_id(m.run): m for m in scoped}.values())
        runs_by_id = {records.run_id(m.run): m.run for m in unique}
        summaries = self.histories.summaries(list(runs_by_id.values()), refresh) if full else {}
        out = [
            records.trial_component(
                m.run,
                m.experiment_name,
                m.parents,
                summaries[records.run_id(m.run)] if full else _latest_only(m.run),
            )
            for m in unique
        ]
        return out, runs_by_id

    def _full_page(
        self,
        ordered: list[TrialComponent],
        runs_by_id: dict[str, dict[str, Any]],
        limit: int,
        cursor: str | None,
        request: str,
        refresh: bool,
    ) -> Page[TrialComponent]:
        page = _page(ordered, limit, cursor, request)
        runs = [runs_by_id[c.source_detail["RunId"]] for c in page.items]
        summaries = self.histories.summaries(runs, refresh)
        for component in page.items:
            component.metrics = summaries[component.source_detail["RunId"]]
        return page

    # -- metrics ----------------------------------------------------------------------------------

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
        runs = self._runs_by_id(list(dict.fromkeys(q.component for q in queries)), refresh)
        keys = list(dict.fromkeys(q.metric for q in queries))
        histories = self.histories.histories(list(runs.values()), keys, refresh)
        out = []
        for query in queries:
            history = histories.get((records.run_id(runs[query.component]), query.metric))
            if history is None:
                logged = runs[query.component].get("data", {}).get("metrics") or []
                if all(m["key"] != query.metric for m in logged):
                    raise NotFound("Metric", f"{query.component}/{query.metric}")
                out.append(Series(query.component, query.metric, x_axis, [], [], 0, False))
                continue
            x = history.steps if x_axis == "step" else history.times
            out.append(
                series_of(query, x_axis, x.tolist(), history.values.tolist(), max_points, x_range)
            )
        return out

    def metric_points(
        self, component: str, metric_names: list[str] | None = None, *, refresh: bool = False
    ) -> list[MetricPoint]:
        """Every finite point of the run's metrics, by time then step; points of a metric copied
        by smx-lab as logged without steps (``smx-lab.stepless-metrics``) have none."""
        run = self._run(component)
        histories = self.histories.histories([run], metric_names, refresh)
        stepless = set(smx_tags.read_json(records.tags_of(run), SMX_STEPLESS_TAG) or [])
        points = [
            MetricPoint(key, float(v), float(t), None if key in stepless else int(s))
            for (_, key), h in histories.items()
            for s, t, v in zip(h.steps, h.times, h.values, strict=True)
        ]
        points.sort(key=lambda p: (p.timestamp, p.step or 0))
        return points


# --- helpers -----------------------------------------------------------------------------------


def _latest_only(run: dict[str, Any]) -> list[Any]:
    """Metric summaries that hold only what the run record says: each metric's latest value."""
    from ...model import MetricSummary

    nan = float("nan")
    return [
        MetricSummary(
            m["key"],
            1,
            nan,
            nan,
            nan,
            nan,
            float(m.get("value", nan)),
            records.seconds(m.get("timestamp")),
        )
        for m in run.get("data", {}).get("metrics") or []
    ]


def _needs_statistics(expression: dict[str, Any] | None, sort_by: str) -> bool:
    """Whether a filter or a sort reads a metric statistic other than Last."""
    names = [sort_by] if isinstance(sort_by, str) else []
    stack = [expression] if expression else []
    while stack:
        node = stack.pop()
        names += [f["Name"] for f in node.get("Filters") or []]
        for nested in node.get("NestedFilters") or []:
            names += [f["Name"] for f in nested.get("Filters") or []]
        stack += node.get("SubExpressions") or []
    for name in names:
        try:
            prop = describe_property(name, TRIAL_COMPONENT)
        except Exception:  # noqa: BLE001 - a bad sort field is refused later, by sort_records
            continue
        if prop.prefix == "Metrics" and prop.field not in (None, "Last"):
            return True
    return False


def _containing(found: list[Any], text: str | None) -> list[Any]:
    """Records whose name or display name contains ``text`` (ignoring case)."""
    if text is None or not str(text).strip():
        return found
    needle = str(text).strip().lower()
    own = {
        Experiment: "experiment_name",
        Trial: "trial_name",
        TrialComponent: "trial_component_name",
    }
    return [
        r
        for r in found
        if needle in str(getattr(r, own[type(r)])).lower()
        or needle in str(r.display_name or "").lower()
    ]


def _page(items: list[Any], limit: int, cursor: str | None, request: str) -> Page[Any]:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError("limit", "must be a positive integer", value=limit)
    offset = decode_offset(cursor, request)
    chunk = items[offset : offset + limit]
    end = offset + len(chunk)
    next_cursor = encode_offset(end, request) if end < len(items) else None
    return Page(chunk, next_cursor, len(items))
