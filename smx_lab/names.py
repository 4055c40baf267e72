"""SageMaker's rules for names and values, checked before anything is written.

The limits are the ones in botocore's ``sagemaker`` and ``sagemaker-metrics`` service models:
``ExperimentEntityName`` (experiment, trial and trial component names, and their display names),
``TrialComponentKey320`` (parameter names), ``TrialComponentKey128`` (artifact names),
``StringParameterValue``, ``TrialComponentArtifactValue``, ``MediaType``, ``TagKey``/``TagValue``,
``ExperimentDescription``, ``TrialComponentStatusMessage`` and ``MetricName``. A violation raises
:class:`~smx_lab.errors.ValidationError` naming the field and the rule.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from numbers import Real
from typing import Any

from .errors import ValidationError
from .model import ParameterValue

ENTITY_NAME_MAX = 120
ENTITY_NAME_PATTERN = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}")
ENTITY_NAME_RULE = (
    "must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$ (1 to 120 letters, digits and hyphens)"
)
DESCRIPTION_MAX = 3072
PARAMETER_NAME_MAX = 320
STRING_PARAMETER_MAX = 2500
ARTIFACT_NAME_MAX = 128
ARTIFACT_VALUE_MAX = 2048
MEDIA_TYPE_MAX = 64
MEDIA_TYPE_PATTERN = re.compile(r"[-\w]+/[-\w+]+")
METRIC_NAME_MAX = 255
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAGS_MAX = 50
PARAMETERS_MAX = 300
STATUS_MESSAGE_MAX = 1024
_TAG_PUNCTUATION = set("_.:/=+-@")


def entity_name(field: str, value: Any) -> str:
    """An experiment, trial or trial component name (also used for display names, as SageMaker
    does)."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    if not value or len(value) > ENTITY_NAME_MAX or not ENTITY_NAME_PATTERN.fullmatch(value):
        raise ValidationError(field, ENTITY_NAME_RULE, value=value)
    return value


def optional_entity_name(field: str, value: Any) -> str | None:
    return None if value is None else entity_name(field, value)


def text(field: str, value: Any, maximum: int) -> str | None:
    """Free text with a length limit (descriptions, status messages)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    if len(value) > maximum:
        raise ValidationError(field, f"must be at most {maximum} characters")
    return value


def parameter_name(value: Any) -> str:
    if not isinstance(value, str) or len(value) > PARAMETER_NAME_MAX:
        raise ValidationError(
            "parameter name", f"must be a string of at most {PARAMETER_NAME_MAX} characters"
        )
    return value


def parameter_value(name: str, value: Any) -> ParameterValue:
    """A string (up to 2500 characters) or a finite number; numbers are stored as floats."""
    field = f"parameters.{name}"
    if isinstance(value, str):
        if len(value) > STRING_PARAMETER_MAX:
            raise ValidationError(
                field, f"a string value must be at most {STRING_PARAMETER_MAX} characters"
            )
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValidationError(field, "must be a string or a number", type=type(value).__name__)
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(field, "a number value must be finite")
    return number


def parameters(values: Any) -> dict[str, ParameterValue]:
    if not isinstance(values, Mapping):
        raise ValidationError("parameters", "must be a mapping of name to value")
    if len(values) > PARAMETERS_MAX:
        raise ValidationError("parameters", f"at most {PARAMETERS_MAX} per call")
    return {parameter_name(k): parameter_value(k, v) for k, v in values.items()}


def metric_name(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > METRIC_NAME_MAX:
        raise ValidationError(
            "metric_name", f"must be a non-empty string of at most {METRIC_NAME_MAX} characters"
        )
    return value


def metric_value(name: str, value: Any) -> float:
    """A metric value must be a real number (NaN and infinities are filtered later, with a
    warning)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValidationError(
            f"metrics.{name}", "value must be a number", type=type(value).__name__
        )
    return float(value)


def artifact(kind: str, name: Any, value: Any, media_type: Any) -> tuple[str, str, str | None]:
    field = f"{kind}_artifacts"
    if not isinstance(name, str) or len(name) > ARTIFACT_NAME_MAX:
        raise ValidationError(
            f"{field}.name", f"must be a string of at most {ARTIFACT_NAME_MAX} characters"
        )
    if not isinstance(value, str) or len(value) > ARTIFACT_VALUE_MAX:
        raise ValidationError(
            f"{field}.{name}.Value", f"must be a string of at most {ARTIFACT_VALUE_MAX} characters"
        )
    if media_type is not None and (
        not isinstance(media_type, str)
        or len(media_type) > MEDIA_TYPE_MAX
        or not MEDIA_TYPE_PATTERN.fullmatch(media_type)
    ):
        raise ValidationError(
            f"{field}.{name}.MediaType",
            f"must match [-\\w]+/[-\\w+]+ and be at most {MEDIA_TYPE_MAX} characters",
        )
    return name, value, media_type


def _tag_text(field: str, value: Any, minimum: int, maximum: int) -> str:
    if not isinstance(value, str) or not minimum <= len(value) <= maximum:
        raise ValidationError(field, f"must be a string of {minimum} to {maximum} characters")
    for char in value:
        # SageMaker's pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
        if unicodedata.category(char)[0] not in "LZN" and char not in _TAG_PUNCTUATION:
            raise ValidationError(
                field, "may contain only letters, digits, spaces and _.:/=+-@", value=value
            )
    return value


def tags(values: Any) -> dict[str, str]:
    """Tags as a mapping, or as SageMaker's list of ``{"Key": ..., "Value": ...}``."""
    if values is None:
        return {}
    if isinstance(values, Mapping):
        pairs = list(values.items())
    elif isinstance(values, list):
        try:
            pairs = [(item["Key"], item.get("Value", "")) for item in values]
        except (TypeError, KeyError):
            raise ValidationError(
                "tags", "must be a mapping or a list of {'Key': ..., 'Value': ...}"
            ) from None
    else:
        raise ValidationError("tags", "must be a mapping or a list of {'Key': ..., 'Value': ...}")
    if len(pairs) > TAGS_MAX:
        raise ValidationError("tags", f"at most {TAGS_MAX} tags")
    return {
        _tag_text("tags.Key", key, 1, TAG_KEY_MAX): _tag_text(
            f"tags.{key}", value, 0, TAG_VALUE_MAX
        )
        for key, value in pairs
    }
