"""Writing to MLflow: the :class:`~smx_lab.stores.base.Writer` of the tracking API
(``SMX_LAB_STORE=mlflow``), so ``smx_lab.Run``, ``Tracker``, ``Experiment`` and ``Trial`` log into
an MLflow tracking server with only the configuration changed.

How smexperiments' calls become MLflow's (docs/mlflow.md, *Writing*):

- an experiment is an MLflow experiment (description → ``mlflow.note.content``);
- a trial is a parent run tagged as a trial (``smx-lab.kind = trial``, ``smx-lab.name``), except
  an experiment's default run group (``Default-Run-Group-<experiment>``), which is MLflow's
  runs without a parent, as the MLflow store reads them;
- a trial component is a run named by its display name and tagged with its own name
  (``smx-lab.name``) and its trials (``smx-lab.trials``). MLflow cannot move a run between
  experiments, so the run is created when it is first used: a component first associated with a
  trial goes to that trial's experiment (under its parent run); one used before that (a
  ``Tracker``) goes to MLflow's ``Default`` experiment and joins its trials by tag;
- parameters are logged as MLflow's text; metric points go in ``log-batch`` calls (1,000 a call);
  status messages, a start time given later, and artifacts recorded by value are kept in
  ``smx-lab.*`` tags (:mod:`.tags`).

MLflow keeps a parameter once logged: changing or removing one is refused with a message naming it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from ... import names
from ...errors import AlreadyExists, NotFound, ValidationError
from ...model import (
    Artifact,
    Experiment,
    MetricPoint,
    Page,
    ParameterValue,
    Source,
    Status,
    Trial,
    TrialComponent,
)
from ...vocabulary import (
    MLFLOW_DEFAULT_EXPERIMENT,
    MLFLOW_NOTE_TAG,
    MLFLOW_PARENT_TAG,
    MLFLOW_STATUS_OF,
    SMX_ARTIFACTS_TAG,
    SMX_ELSEWHERE_TAG,
    SMX_RECORD_TAG,
    SMX_TEXT_PARAMETERS_TAG,
    SMX_TRIAL_KIND,
    SMX_TRIALS_TAG,
    SortOrder,
)
from ..base import DEFAULT_PAGE_SIZE
from . import records
from . import tags as smx_tags
from .store import MlflowStore
from .writes import WriteCalls


class MlflowWriter:
    """Writes experiments, trials, components and metrics to MLflow, and reads them back through
    an uncached :class:`MlflowStore` on the same server (``store``, or one made from
    ``settings``: ``tracking_uri=...``)."""

    def __init__(self, store: MlflowStore | None = None, **settings: Any) -> None:
        settings.setdefault("cache_seconds", 0)
        self.store = store if store is not None else MlflowStore(**settings)
        self.calls = WriteCalls(self.store.backend)
        self._pending: dict[str, dict[str, Any]] = {}
        self._run_ids: dict[str, str] = {}
        self._steps: dict[tuple[str, str], int] = {}
        self._lock = threading.RLock()

    @property
    def tracking_uri(self) -> str:
        return self.store.backend.uri

    # -- reads (what the tracking API's load and list need) ---------------------------------------

    def list_experiments(self, **arguments: Any) -> Page[Experiment]:
        return self.store.list_experiments(**arguments)

    def get_experiment(self, name: str) -> Experiment:
        return self.store.get_experiment(name)

    def list_trials(self, experiment_name: str, **arguments: Any) -> Page[Trial]:
        return self.store.list_trials(experiment_name, **arguments)

    def get_trial(self, name: str) -> Trial:
        return self.store.get_trial(name)

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
    ) -> Page[TrialComponent]:
        return self.store.list_trial_components(
            trial_name=trial_name,
            experiment_name=experiment_name,
            unassigned=unassigned,
            name_contains=name_contains,
            sort_by=sort_by,
            sort_order=sort_order,
            limit=limit,
            cursor=cursor,
        )

    def get_trial_component(self, name: str) -> TrialComponent:
        self._run_id(name)
        return self.store.get_trial_component(name)

    # -- experiments and trials -------------------------------------------------------------------

    def create_experiment(
        self,
        name: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Experiment:
        names.entity_name("experiment_name", name)
        names.optional_entity_name("display_name", display_name)
        names.text("description", description, names.DESCRIPTION_MAX)
        written = dict(names.tags(tags))
        if description:
            written[MLFLOW_NOTE_TAG] = description
        if display_name:
            written.update(
                smx_tags.json_tags(
                    SMX_RECORD_TAG,
                    {"DisplayName": display_name},
                    smx_tags.EXPERIMENT_TAG_VALUE_MAX,
                )
            )
        try:
            self.calls.create_experiment(name, written)
        except AlreadyExists:
            raise AlreadyExists("Experiment", name) from None
        return self.store.get_experiment(name, refresh=True)

    def delete_experiment(self, name: str) -> None:
        record = self.store.index.experiment(name, refresh=True)
        self.calls.delete_experiment(str(record["experiment_id"]))

    def create_trial(
        self,
        name: str,
        experiment_name: str,
        *,
        display_name: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Trial:
        names.entity_name("trial_name", name)
        names.entity_name("experiment_name", experiment_name)
        names.optional_entity_name("display_name", display_name)
        checked_tags = names.tags(tags)
        experiment = self.store.index.experiment(experiment_name, refresh=True)
        if name == records.default_group(experiment_name):
            # MLflow's runs without a parent: nothing to write until a run joins it.
            return Trial(name, experiment_name, display_name=display_name)
        try:
            self.store.index.trial_members(name, refresh=True)
        except NotFound:
            pass
        else:
            raise AlreadyExists("Trial", name)
        now = time.time()
        run = self.calls.create_run(
            str(experiment["experiment_id"]),
            run_name=display_name or name,
            start_time=now,
            tags={
                **checked_tags,
                **smx_tags.identity_tags(name, SMX_TRIAL_KIND),
                **smx_tags.json_tags(SMX_RECORD_TAG, {"CreationTime": now}),
            },
        )
        self.calls.update_run(
            records.run_id(run), status=MLFLOW_STATUS_OF["Completed"], end_time=now
        )
        return self.store.get_trial(name, refresh=True)

    def delete_trial(self, name: str) -> None:
        _, _, root = self.store.index.trial_members(name, refresh=True)
        if root is not None:
            self.calls.delete_run(records.run_id(root))

    # -- trial components ---------------------------------------------------------------------

    def create_trial_component(
        self,
        name: str,
        *,
        display_name: str | None = None,
        status: Status | None = None,
        source: Source | None = None,
        start_time: float | None = None,
        tags: dict[str, str] | None = None,
    ) -> TrialComponent:
        """Checked and remembered; the run is created when the component is first used."""
        names.entity_name("trial_component_name", name)
        names.optional_entity_name("display_name", display_name)
        checked_tags = names.tags(tags)
        with self._lock:
            if name in self._pending or self._exists(name):
                raise AlreadyExists("TrialComponent", name)
            self._pending[name] = {
                "display_name": display_name,
                "status": status or Status(),
                "source": source,
                "start_time": start_time,
                "tags": checked_tags,
            }
        return TrialComponent(
            trial_component_name=name,
            display_name=display_name,
            status=status or Status(),
            source=source,
            start_time=start_time,
            tags=checked_tags,
        )

    def _exists(self, name: str) -> bool:
        try:
            self.store.index.named(name, refresh=True)
        except NotFound:
            return False
        return True

    def _run_id(self, name: str) -> str:
        """The run of a component, created now (in MLflow's Default experiment) if pending."""
        with self._lock:
            if name in self._pending:
                experiment = self._default_experiment()
                return self._materialize(name, experiment, None, [])
            if name not in self._run_ids:
                self._run_ids[name] = records.run_id(self.store.index.named(name, refresh=True))
            return self._run_ids[name]

    def _default_experiment(self) -> str:
        try:
            found = self.store.index.experiment(MLFLOW_DEFAULT_EXPERIMENT, refresh=True)
        except NotFound:
            return self.calls.create_experiment(MLFLOW_DEFAULT_EXPERIMENT, {})
        return str(found["experiment_id"])

    def _materialize(
        self,
        name: str,
        experiment_id: str,
        parent_run_id: str | None,
        trials: list[smx_tags.Membership],
    ) -> str:
        pending = self._pending.pop(name)
        status: Status = pending["status"]
        kept: dict[str, Any] = {"Status": status.to_dict()}
        if pending["source"] is not None:
            kept["Source"] = pending["source"].to_dict()
        tags = {
            **pending["tags"],
            **smx_tags.identity_tags(name),
            **smx_tags.trials_tags(trials),
            **smx_tags.json_tags(SMX_RECORD_TAG, kept),
        }
        if parent_run_id:
            tags[MLFLOW_PARENT_TAG] = parent_run_id
        run = self.calls.create_run(
            experiment_id,
            run_name=pending["display_name"] or name,
            start_time=pending["start_time"] if pending["start_time"] is not None else time.time(),
            tags=tags,
        )
        identifier = records.run_id(run)
        if MLFLOW_STATUS_OF[status.primary_status] != MLFLOW_STATUS_OF["InProgress"]:
            self.calls.update_run(identifier, status=MLFLOW_STATUS_OF[status.primary_status])
        self._run_ids[name] = identifier
        return identifier

    def update_trial_component(
        self,
        name: str,
        *,
        display_name: str | None = None,
        status: Status | None = None,
        start_time: float | None = None,
        end_time: float | None = None,
        parameters: dict[str, ParameterValue] | None = None,
        parameters_to_remove: list[str] | None = None,
        input_artifacts: dict[str, Artifact] | None = None,
        output_artifacts: dict[str, Artifact] | None = None,
    ) -> None:
        names.optional_entity_name("display_name", display_name)
        if parameters_to_remove:
            raise ValidationError(
                "parameters_to_remove", "MLflow keeps a run's parameters: none can be removed"
            )
        checked = names.parameters(parameters or {})
        for kind, given in (("input", input_artifacts), ("output", output_artifacts)):
            for key, artifact in (given or {}).items():
                names.artifact(kind, key, artifact.value, artifact.media_type)
        run_id = self._run_id(name)
        run = self.store.backend.run(run_id)
        tags = records.tags_of(run)
        values: dict[str, Any] = {}
        params, texts = self._parameters(run, checked) if checked else ({}, [])
        if texts:
            values[SMX_TEXT_PARAMETERS_TAG] = sorted(smx_tags.text_parameters(tags) | set(texts))
        if status is not None or start_time is not None:
            kept = smx_tags.record(tags) or {}
            if status is not None:
                kept["Status"] = status.to_dict()
            if start_time is not None:
                kept["StartTime"] = start_time
            values[SMX_RECORD_TAG] = kept
        if input_artifacts or output_artifacts:
            inputs, outputs = smx_tags.artifacts(tags)
            inputs.update(input_artifacts or {})
            outputs.update(output_artifacts or {})
            values[SMX_ARTIFACTS_TAG] = smx_tags.artifacts_value(inputs, outputs)
        self._write_tags(run_id, tags, values, params)
        if status is not None or end_time is not None or display_name is not None:
            self.calls.update_run(
                run_id,
                status=MLFLOW_STATUS_OF[status.primary_status] if status else None,
                end_time=end_time,
                run_name=display_name,
            )

    def _parameters(
        self, run: dict[str, Any], checked: dict[str, ParameterValue]
    ) -> tuple[dict[str, str], list[str]]:
        texts, text_numbers = smx_tags.parameter_texts(checked)
        logged = {p["key"]: p.get("value") for p in run.get("data", {}).get("params") or []}
        for key, text in texts.items():
            if key in logged and logged[key] != text:
                raise ValidationError(
                    f"parameters.{key}",
                    f"MLflow keeps a parameter once logged: it is already {logged[key]!r}",
                )
        return {k: v for k, v in texts.items() if logged.get(k) != v}, text_numbers

    def _write_tags(
        self, run_id: str, tags: dict[str, str], values: dict[str, Any], params: dict[str, str]
    ) -> None:
        """JSON values (by key) and parameters in one ``log-batch``; then the parts a longer old
        value of a key left behind are deleted."""
        written: dict[str, str] = {}
        for key, value in values.items():
            written.update(smx_tags.json_tags(key, value))
        if written or params:
            self.calls.log_batch(run_id, params=params, tags=written)
        for key in values:
            for old in tags:
                if old.startswith(f"{key}.") and old[len(key) + 1 :].isdigit():
                    if old not in written:
                        self.calls.delete_tag(run_id, old)

    def delete_trial_component(self, name: str) -> None:
        with self._lock:
            if self._pending.pop(name, None) is not None:
                return
        self.calls.delete_run(self._run_id(name))
        self._run_ids.pop(name, None)

    def associate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        experiment, root = self._trial(trial_name)
        pair = (trial_name, experiment["name"])
        with self._lock:
            if trial_component_name in self._pending:
                parent = records.run_id(root) if root is not None else None
                self._materialize(
                    trial_component_name, str(experiment["experiment_id"]), parent, [pair]
                )
                return
        self._set_trials(trial_component_name, lambda pairs: pairs + [pair], experiment)

    def disassociate_trial_component(self, trial_component_name: str, trial_name: str) -> None:
        experiment, _ = self._trial(trial_name)
        pair = (trial_name, experiment["name"])
        self._set_trials(trial_component_name, lambda pairs: [p for p in pairs if p != pair], None)

    def _trial(self, trial_name: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The trial's experiment and the run standing for it (None: a default run group)."""
        names.entity_name("trial_name", trial_name)
        try:
            experiment, _, root = self.store.index.trial_members(trial_name, refresh=True)
        except NotFound:
            experiment = self._default_group_experiment(trial_name)
            root = None
        return experiment, root

    def _default_group_experiment(self, trial_name: str) -> dict[str, Any]:
        for experiment in self.store.index.experiments(refresh=True):
            if records.default_group(experiment["name"]) == trial_name:
                return experiment
        raise NotFound("Trial", trial_name)

    def _set_trials(self, name: str, change: Any, joined: dict[str, Any] | None) -> None:
        run_id = self._run_id(name)
        run = self.store.backend.run(run_id)
        tags = records.tags_of(run)
        before = smx_tags.memberships(tags)
        if before is None:
            before = [(p.trial_name, p.experiment_name) for p in self._family_parents(run)]
        after = list(dict.fromkeys(change(list(before))))
        own = str(run["info"]["experiment_id"])
        if joined is not None and str(joined["experiment_id"]) != own:
            # Readers of the trial's experiment look for members elsewhere only when it says so.
            self.calls.set_experiment_tag(str(joined["experiment_id"]), SMX_ELSEWHERE_TAG, "true")
            self.calls.set_tag(run_id, SMX_ELSEWHERE_TAG, "true")
        self._write_tags(run_id, tags, {SMX_TRIALS_TAG: [list(p) for p in after]}, {})

    def _family_parents(self, run: dict[str, Any]) -> list[Any]:
        experiment = self.store.index.experiment_by_id(run["info"]["experiment_id"], refresh=True)
        return self.store.index.family(experiment, refresh=True).parents_of(records.run_id(run))

    # -- artifacts and metrics ----------------------------------------------------------------

    def upload_artifact(self, trial_component_name: str, file_path: str, name: str) -> str:
        """Upload a local file into the run's artifacts and return its URI: at the top of the
        run's artifacts when the artifact is named after the file, else in a folder named after
        the artifact."""
        source = Path(file_path)
        if not source.is_file():
            raise ValidationError("file_path", "must name an existing file", value=str(file_path))
        folder = None if Path(name).name == source.name else Path(name).name
        run_id = self._run_id(trial_component_name)
        root = self.store.backend.run(run_id)["info"]["artifact_uri"]
        self.calls.upload(root, str(source), folder)
        path = f"{folder}/{source.name}" if folder else source.name
        return records.artifact(root, path).value

    def log_metrics(self, trial_component_name: str, points: list[MetricPoint]) -> None:
        columns: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
        for point in points:
            values, times, steps = columns.setdefault(point.metric_name, ([], [], []))
            values.append(point.value)
            times.append(point.timestamp)
            steps.append(point.step)
        self.log_metric_columns(trial_component_name, columns)

    def log_metric_columns(
        self,
        trial_component_name: str,
        columns: dict[str, tuple[list[Any], list[Any], list[Any]]],
    ) -> None:
        """Points per metric as parallel lists (values, timestamps in seconds, steps); a point
        without a step gets the next step of its metric among those this writer logged."""
        run_id = self._run_id(trial_component_name)
        metrics: list[dict[str, Any]] = []
        for name, (values, times, steps) in columns.items():
            names.metric_name(name)
            counter = (trial_component_name, name)
            for value, moment, step in zip(values, times, steps, strict=True):
                number = names.metric_value(name, value)
                if step is None:
                    step = self._steps.get(counter, 0)
                self._steps[counter] = max(self._steps.get(counter, 0), int(step) + 1)
                metrics.append(
                    {
                        "key": name,
                        "value": number,
                        "timestamp": int(round(moment * 1000)),
                        "step": int(step),
                    }
                )
        if metrics:
            self.calls.log_batch(run_id, metrics=metrics)
