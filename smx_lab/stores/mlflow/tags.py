"""smx-lab's tags on MLflow runs and experiments: what a trial component holds that MLflow has no
field for, written by the MLflow writer and ``smx-lab copy``, read by the mapping (:mod:`.records`).

MLflow keeps a run's name, status, start and end in milliseconds, text parameters, metrics and
tags. A trial component also has a name of its own, several trials, a status message, a source,
exact times, parameters typed as numbers or text, and artifacts recorded by value. Those go in
tags under ``smx-lab.`` (:data:`~smx_lab.vocabulary.SMX_TAG_PREFIX`), as JSON where they are
structured. A JSON value longer than MLflow's 8,000 characters a tag is split over ``<key>``,
``<key>.2``, ``<key>.3``, ... and read back joined.

A run with none of these tags reads as before: named by its run ID, its trial told by its family.
"""

from __future__ import annotations

import json
from typing import Any

from ...model import Artifact, ParameterValue, Source, Status, TrialComponent
from ...vocabulary import (
    SMX_ARTIFACTS_TAG,
    SMX_COMPONENT_KIND,
    SMX_KIND_TAG,
    SMX_NAME_TAG,
    SMX_RECORD_TAG,
    SMX_TAG_PREFIX,
    SMX_TEXT_PARAMETERS_TAG,
    SMX_TRIAL_KIND,
    SMX_TRIALS_TAG,
)

#: MLflow's longest tag value (``MAX_TAG_VAL_LENGTH``); experiment tags hold 5,000.
TAG_VALUE_MAX = 8000
EXPERIMENT_TAG_VALUE_MAX = 5000
#: How many ``<key>.<n>`` parts a JSON tag may take when read back (a sanity bound).
MAX_PARTS = 1000

Membership = tuple[str, str]  # (trial name, experiment name)


def is_smx_tag(key: str) -> bool:
    return key.startswith(SMX_TAG_PREFIX)


# -- long JSON values -----------------------------------------------------------------------------


def json_tags(key: str, value: Any, limit: int = TAG_VALUE_MAX) -> dict[str, str]:
    """``value`` as JSON under ``key``, split over ``key``, ``key.2``, ... when it is long."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    parts = [text[start : start + limit] for start in range(0, len(text), limit)] or [""]
    return {key if index == 0 else f"{key}.{index + 1}": part for index, part in enumerate(parts)}


def read_json(tags: dict[str, str], key: str) -> Any:
    """The JSON value of ``key`` (joined from its parts), or None when absent or not JSON."""
    if key not in tags:
        return None
    text = tags[key]
    for index in range(2, MAX_PARTS):
        part = tags.get(f"{key}.{index}")
        if part is None:
            break
        text += part
    try:
        return json.loads(text)
    except ValueError:
        return None


# -- reading --------------------------------------------------------------------------------------


def component_name(tags: dict[str, str]) -> str | None:
    return tags.get(SMX_NAME_TAG) or None


def is_trial(tags: dict[str, str]) -> bool:
    """A parent run that stands for a trial, not a trial component."""
    return tags.get(SMX_KIND_TAG) == SMX_TRIAL_KIND


def memberships(tags: dict[str, str]) -> list[Membership] | None:
    """The trials a run says it belongs to (``[]``: none), or None when it does not say."""
    found = read_json(tags, SMX_TRIALS_TAG)
    if not isinstance(found, list):
        return None
    return [
        (str(pair[0]), str(pair[1]))
        for pair in found
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
    ]


def record(tags: dict[str, str]) -> dict[str, Any] | None:
    found = read_json(tags, SMX_RECORD_TAG)
    return found if isinstance(found, dict) else None


def status_of(found: dict[str, Any]) -> Status | None:
    status = found.get("Status")
    if not isinstance(status, dict) or not status.get("PrimaryStatus"):
        return None
    return Status(str(status["PrimaryStatus"]), status.get("Message") or None)


def source_of(found: dict[str, Any]) -> Source | None:
    source = found.get("Source")
    if not isinstance(source, dict) or not source.get("SourceArn"):
        return None
    return Source(str(source["SourceArn"]), source.get("SourceType") or None)


def text_parameters(tags: dict[str, str]) -> set[str]:
    found = read_json(tags, SMX_TEXT_PARAMETERS_TAG)
    return {str(name) for name in found} if isinstance(found, list) else set()


def artifacts(tags: dict[str, str]) -> tuple[dict[str, Artifact], dict[str, Artifact]]:
    """Input and output artifacts recorded by value."""
    found = read_json(tags, SMX_ARTIFACTS_TAG)
    if not isinstance(found, dict):
        return {}, {}
    out: list[dict[str, Artifact]] = []
    for kind in ("input", "output"):
        entries = found.get(kind) if isinstance(found.get(kind), dict) else {}
        out.append(
            {
                str(name): Artifact(str(entry.get("Value", "")), entry.get("MediaType") or None)
                for name, entry in (entries or {}).items()
                if isinstance(entry, dict)
            }
        )
    return out[0], out[1]


# -- writing --------------------------------------------------------------------------------------


def parameter_text(value: ParameterValue) -> str:
    """A parameter as MLflow keeps it: text; a number in its shortest exact form."""
    if isinstance(value, str):
        return value
    number = float(value)
    return repr(int(number)) if number.is_integer() and abs(number) < 1e16 else repr(number)


def parameter_texts(parameters: dict[str, ParameterValue]) -> tuple[dict[str, str], list[str]]:
    """Parameters as MLflow's text, and the names of those that are text but read as numbers."""
    from .records import parameter_value  # the one rule of what reads as a number

    texts = {name: parameter_text(value) for name, value in parameters.items()}
    text_numbers = sorted(
        name
        for name, value in parameters.items()
        if isinstance(value, str) and not isinstance(parameter_value(value), str)
    )
    return texts, text_numbers


def record_of(component: TrialComponent) -> dict[str, Any]:
    """What :data:`SMX_RECORD_TAG` keeps of a copied component: every field MLflow cannot hold
    exactly, None included (a field kept as None is None, not MLflow's)."""
    return {
        "CreationTime": component.creation_time,
        "LastModifiedTime": component.last_modified_time,
        "StartTime": component.start_time,
        "EndTime": component.end_time,
        "Status": component.status.to_dict() if component.status is not None else None,
        "Source": component.source.to_dict() if component.source is not None else None,
        "CreatedBy": component.created_by,
    }


def artifacts_value(
    inputs: dict[str, Artifact], outputs: dict[str, Artifact]
) -> dict[str, dict[str, dict[str, str]]]:
    return {
        "input": {name: artifact.to_dict() for name, artifact in inputs.items()},
        "output": {name: artifact.to_dict() for name, artifact in outputs.items()},
    }


def identity_tags(name: str, kind: str = SMX_COMPONENT_KIND) -> dict[str, str]:
    return {SMX_NAME_TAG: name, SMX_KIND_TAG: kind}


def trials_tags(trials: list[Membership]) -> dict[str, str]:
    return json_tags(SMX_TRIALS_TAG, [list(pair) for pair in trials])
