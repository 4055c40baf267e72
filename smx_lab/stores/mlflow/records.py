"""MLflow's records as smx-lab's model: the mapping, in one place (docs/mlflow.md says it in
words).

- An MLflow experiment is an experiment (its name; ``mlflow.note.content`` is its description).
- A run is a trial component named by its run ID, displayed by its run name: parameters (text
  that is a JSON number becomes a number), metric summaries, user tags (``mlflow.*`` tags are
  MLflow's own: they go to the run's ``SourceDetail``), status, times, user.
- A run with nested children (``mlflow.parentRunId``) makes a trial named by the run's ID: its
  components are the run itself and every run below it. A run with no parent and no children
  belongs to the experiment's default run group, ``Default-Run-Group-<experiment>``, as
  SageMaker's ``Run`` places runs.
- Runs written by smx-lab (its tracking API on MLflow, ``smx-lab copy``) carry ``smx-lab.*`` tags
  (:mod:`.tags`): their names, trials (several, or none), exact times, status message, source,
  text parameters and artifacts; a parent run tagged as a trial is a trial, not a component.
"""

from __future__ import annotations

import json
import mimetypes
import re
from typing import Any

from ...model import (
    Artifact,
    Experiment,
    MetricSummary,
    ParameterValue,
    Parent,
    Source,
    Status,
    Trial,
    TrialComponent,
)
from ...vocabulary import (
    MLFLOW_DEFAULT_RUN_GROUP,
    MLFLOW_NOTE_TAG,
    MLFLOW_PARENT_TAG,
    MLFLOW_RUN_SOURCE_TYPE,
    MLFLOW_STATUSES,
    MLFLOW_SYSTEM_TAG_PREFIX,
    MLFLOW_USER_TAG,
    SMX_TAG_PREFIX,
)
from . import tags as smx_tags

_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def default_group(experiment_name: str) -> str:
    """The trial of an experiment's runs that have no parent and no children."""
    return f"{MLFLOW_DEFAULT_RUN_GROUP}{experiment_name}"


def seconds(milliseconds: Any) -> float | None:
    """MLflow's epoch milliseconds (a number, or a string in proto JSON) as seconds."""
    if milliseconds is None or milliseconds == "":
        return None
    return int(milliseconds) / 1000.0


def tags_of(record: dict[str, Any]) -> dict[str, str]:
    """``[{key, value}]`` (a run's ``data.tags``, an experiment's ``tags``) as a dict."""
    holder = record.get("data", record)
    return {t["key"]: t.get("value", "") for t in holder.get("tags") or []}


def user_tags(tags: dict[str, str]) -> dict[str, str]:
    """The user's tags: not MLflow's own (``mlflow.*``), not smx-lab's (``smx-lab.*``)."""
    return {
        k: v
        for k, v in tags.items()
        if not k.startswith(MLFLOW_SYSTEM_TAG_PREFIX) and not k.startswith(SMX_TAG_PREFIX)
    }


def parameter_value(text: str) -> ParameterValue:
    """A parameter's text as a number when it is written as a JSON number, else as text."""
    if _JSON_NUMBER.fullmatch(text):
        value = float(text)
        if value == value and abs(value) != float("inf"):
            return value
    return text


def run_id(run: dict[str, Any]) -> str:
    info = run["info"]
    return str(info.get("run_id") or info.get("run_uuid"))


def parent_id(run: dict[str, Any]) -> str | None:
    return tags_of(run).get(MLFLOW_PARENT_TAG) or None


def component_name(run: dict[str, Any]) -> str:
    """A run's trial component name: the name smx-lab gave it, else its run ID."""
    return smx_tags.component_name(tags_of(run)) or run_id(run)


def parents_of(run: dict[str, Any]) -> list[Parent] | None:
    """The trials a run written by smx-lab says it belongs to; None when it does not say."""
    pairs = smx_tags.memberships(tags_of(run))
    return None if pairs is None else [Parent(trial, experiment) for trial, experiment in pairs]


def is_trial_run(run: dict[str, Any]) -> bool:
    """A parent run written by smx-lab to stand for a trial: a trial, never a component."""
    return smx_tags.is_trial(tags_of(run))


def experiment(record: dict[str, Any], trial_count: int | None = None) -> Experiment:
    tags = tags_of(record)
    kept = smx_tags.record(tags) or {}
    return Experiment(
        experiment_name=record["name"],
        display_name=kept.get("DisplayName") or None,
        description=tags.get(MLFLOW_NOTE_TAG) or None,
        creation_time=kept.get("CreationTime") or seconds(record.get("creation_time")),
        last_modified_time=kept.get("LastModifiedTime") or seconds(record.get("last_update_time")),
        created_by=kept.get("CreatedBy") or tags.get(MLFLOW_USER_TAG) or None,
        tags=user_tags(tags),
        trial_count=trial_count,
    )


def last_update(run: dict[str, Any]) -> float | None:
    """The run's latest moment: its end, else its latest metric point, else its start."""
    info = run["info"]
    moments = [seconds(info.get("start_time")), seconds(info.get("end_time"))]
    moments += [seconds(m.get("timestamp")) for m in run.get("data", {}).get("metrics") or []]
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def trial(
    name: str,
    experiment_name: str,
    members: list[dict[str, Any]],
    root: dict[str, Any] | None,
) -> Trial:
    """A trial: a parent run's (``root``) with its descendants, or the default run group. A
    root tagged as a trial by smx-lab keeps the times it was written with."""
    starts = [s for s in (seconds(m["info"].get("start_time")) for m in members) if s is not None]
    updates = [u for u in (last_update(m) for m in members) if u is not None]
    tags = tags_of(root) if root is not None else {}
    kept = smx_tags.record(tags)
    if root is not None and kept is not None:  # a trial smx-lab wrote: its own times
        starts = [t for t in [_kept(kept, "CreationTime", None)] if t is not None]
        updates = [t for t in [_kept(kept, "LastModifiedTime", None)] if t is not None] or updates
    return Trial(
        trial_name=name,
        experiment_name=experiment_name,
        display_name=(root["info"].get("run_name") or name) if root is not None else name,
        creation_time=min(starts) if starts else None,
        last_modified_time=max(updates) if updates else None,
        created_by=_kept(
            kept, "CreatedBy", root["info"].get("user_id") or tags.get(MLFLOW_USER_TAG)
        )
        or None
        if root is not None
        else None,
        tags=user_tags(tags),
        trial_component_count=len(members),
    )


def trial_component(
    run: dict[str, Any],
    experiment_name: str,
    parents: list[Parent],
    summaries: list[MetricSummary],
    artifacts: dict[str, Artifact] | None = None,
) -> TrialComponent:
    """A run as a trial component of ``parents`` (``experiment_name`` is the run's own
    experiment). What smx-lab kept in its tags (:mod:`.tags`) wins over MLflow's fields."""
    info = run["info"]
    data = run.get("data") or {}
    tags = tags_of(run)
    identifier = run_id(run)
    kept = smx_tags.record(tags)
    text = smx_tags.text_parameters(tags)
    inputs, outputs = smx_tags.artifacts(tags)
    recorded = {artifact.value for artifact in outputs.values()}
    outputs.update(
        (name, found) for name, found in (artifacts or {}).items() if found.value not in recorded
    )
    return TrialComponent(
        trial_component_name=smx_tags.component_name(tags) or identifier,
        display_name=info.get("run_name") or tags.get("mlflow.runName") or identifier,
        status=_status(run, tags, kept),
        source=_source(identifier, kept),
        start_time=_kept(kept, "StartTime", seconds(info.get("start_time"))),
        end_time=_kept(kept, "EndTime", seconds(info.get("end_time"))),
        creation_time=_kept(kept, "CreationTime", seconds(info.get("start_time"))),
        created_by=_kept(kept, "CreatedBy", info.get("user_id") or tags.get(MLFLOW_USER_TAG))
        or None,
        last_modified_time=_kept(kept, "LastModifiedTime", last_update(run)),
        parameters={
            p["key"]: _parameter(p["key"], p.get("value", ""), text)
            for p in data.get("params") or []
        },
        input_artifacts={**_datasets(run), **inputs},
        output_artifacts=outputs,
        metrics=summaries,
        tags=user_tags(tags),
        parents=parents,
        source_detail=run_detail(run, experiment_name),
    )


def _parameter(key: str, value: str, text: set[str]) -> ParameterValue:
    return value if key in text else parameter_value(value)


def _kept(kept: dict[str, Any] | None, key: str, otherwise: Any) -> Any:
    """A field smx-lab kept for the run (present, even when None), else MLflow's own."""
    return kept[key] if kept is not None and key in kept else otherwise


def _status(
    run: dict[str, Any], tags: dict[str, str], kept: dict[str, Any] | None
) -> Status | None:
    if kept is not None and "Status" in kept:  # what the copied component had, even none
        return smx_tags.status_of(kept)
    mlflow_status = str(run["info"].get("status"))
    message = tags.get(MLFLOW_NOTE_TAG) or None if mlflow_status == "FAILED" else None
    return Status(MLFLOW_STATUSES.get(mlflow_status, "InProgress"), message)


def _source(identifier: str, kept: dict[str, Any] | None) -> Source | None:
    """The source smx-lab kept (none: the component had none), else the run itself."""
    if kept is not None:
        return smx_tags.source_of(kept)
    return Source(f"runs:/{identifier}", MLFLOW_RUN_SOURCE_TYPE)


def run_detail(run: dict[str, Any], experiment_name: str) -> dict[str, Any]:
    """What the component view's Run info tab shows: the run's own record and MLflow's tags."""
    info = run["info"]
    system = {
        k[len(MLFLOW_SYSTEM_TAG_PREFIX) :]: v
        for k, v in tags_of(run).items()
        if k.startswith(MLFLOW_SYSTEM_TAG_PREFIX) and k != "mlflow.log-model.history"
    }
    detail = {
        "RunId": run_id(run),
        "RunName": info.get("run_name"),
        "ExperimentId": info.get("experiment_id"),
        "ExperimentName": experiment_name,
        "Status": info.get("status"),
        "User": info.get("user_id") or None,
        "ArtifactUri": info.get("artifact_uri"),
        "LifecycleStage": info.get("lifecycle_stage"),
        "Tags": system or None,
    }
    return {k: v for k, v in detail.items() if v not in (None, "")}


def _datasets(run: dict[str, Any]) -> dict[str, Artifact]:
    """The run's dataset inputs (``mlflow.log_input``) as input artifacts, by name: the value is
    where the data came from when the dataset's source says (a URI, a URL or a path), else the
    dataset's digest; the media type is the source's type (``code``, ``http``, ``s3``, …)."""
    out: dict[str, Artifact] = {}
    for entry in (run.get("inputs") or {}).get("dataset_inputs") or []:
        dataset = entry.get("dataset") or {}
        name = str(dataset.get("name") or dataset.get("digest") or "dataset")
        try:
            source = json.loads(dataset.get("source") or "{}")
        except ValueError:
            source = {}
        where = next(
            (
                str(source[k])
                for k in ("uri", "url", "path")
                if isinstance(source, dict) and source.get(k)
            ),
            None,
        )
        out[name] = Artifact(
            where or f"mlflow-dataset:/{dataset.get('digest') or name}", dataset.get("source_type")
        )
    return out


def artifact(root_uri: str, path: str) -> Artifact:
    """One artifact file: its full URI as value, a media type guessed from its name."""
    media_type, _ = mimetypes.guess_type(path)
    return Artifact(f"{root_uri.rstrip('/')}/{path}", media_type)
