"""The OpenAPI document (``openapi.yaml``): the one definition of every route's parameters, bodies
and answers. The handlers validate their input here; the document is also served and, through
``python -m smx_lab.server.openapi``, the source of the frontend's generated types.
"""

from __future__ import annotations

import copy
import functools
import json
import sys
from importlib.resources import files
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .. import bounds
from ..bounds import excerpt
from ..charts import CHART_REQUEST_SCHEMA
from ..errors import ValidationError
from ..selection import SELECTION_SCHEMA

# Query parameters any route accepts, because jupyter-server and its clients may add them.
_SERVER_QUERY_PARAMETERS = frozenset({"token", "_xsrf", "no_track_activity"})
_SPEC_URI = "urn:smx-lab:openapi"


@functools.cache
def _spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(
        files("smx_lab.server").joinpath("openapi.yaml").read_text("utf-8")
    )
    # The chart request's schema is defined once, in the charts package; the document embeds it.
    chart_schema = copy.deepcopy(CHART_REQUEST_SCHEMA)
    chart_schema.pop("$schema", None)
    # Its own ``#/...`` references must resolve inside it, not against the whole document.
    chart_schema.setdefault("$id", "urn:smx-lab:chart-request")
    spec["components"]["schemas"]["ChartRequest"] = chart_schema
    # So is a selection's, in the selection layer.
    spec["components"]["schemas"]["Selection"] = copy.deepcopy(SELECTION_SCHEMA)
    # A chart type as info describes it is the request's chart_type (every chart type, by name).
    spec["components"]["schemas"]["ChartType"] = {
        **copy.deepcopy(CHART_REQUEST_SCHEMA["properties"]["chart_type"]),
        "description": "A chart type of the chart route.",
    }
    return spec


def api_spec() -> dict[str, Any]:
    """The OpenAPI document as served (a copy: callers may change it)."""
    return copy.deepcopy(_spec())


@functools.cache
def _registry() -> Registry[Any]:
    resource = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    return Registry().with_resource(_SPEC_URI, resource)


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def spec_validator(*pointer: str) -> jsonschema.protocols.Validator:
    """A validator for the schema at a place in the document, e.g.
    ``spec_validator("components", "schemas", "Trial")``; its ``$ref``s resolve in the document."""
    return _validator(_pointer(*pointer))


@functools.cache
def _validator(pointer: str) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(
        {"$ref": f"{_SPEC_URI}#/{pointer}"}, registry=_registry()
    )


def prepare_validators() -> None:
    """Load the document and compile every request validator ahead of the first request (the
    first compilation takes a noticeable fraction of a second)."""
    for path, item in _spec()["paths"].items():
        for method, operation_ in item.items():
            if "requestBody" in operation_:
                spec_validator(
                    "paths", path, method, "requestBody", "content", "application/json", "schema"
                )


def operation(path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = _spec()["paths"]["/" + path][method.lower()]
    return operation


def _parameters(path: str, method: str) -> dict[str, dict[str, Any]]:
    """The documented query parameters of an operation, by name (``$ref``s followed)."""
    out = {}
    for parameter in operation(path, method).get("parameters", []):
        if "$ref" in parameter:
            parameter = _spec()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            out[parameter["name"]] = parameter
    return out


def validate_query(path: str, method: str, raw: dict[str, list[str]]) -> dict[str, Any]:
    """Query parameters → typed values, each checked against its documented schema. Unknown or
    repeated parameters are errors, so a misspelt ``limt=5`` is not silently ignored."""
    documented = _parameters(path, method)
    out: dict[str, Any] = {}
    for name, values in raw.items():
        if name in _SERVER_QUERY_PARAMETERS or _is_cache_buster(name, values):
            continue
        parameter = documented.get(name)
        if parameter is None:
            known = ", ".join(sorted(documented)) or "none"
            raise ValidationError(name, f"is not a parameter of this route (known: {known})")
        if len(values) != 1:
            raise ValidationError(name, "must be given once")
        schema = parameter["schema"]
        value = _coerce(name, values[0], schema.get("type"))
        error = best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
        if error is not None:
            raise ValidationError(name, schema_message(error), value=values[0])
        out[name] = value
    return out


def _is_cache_buster(name: str, values: list[str]) -> bool:
    # JupyterLab's ServerConnection appends ``?<milliseconds>`` to requests made with
    # ``cache: 'no-store'``: a bare number with no value, never a parameter of ours.
    return name.isdigit() and values == [""]


def _coerce(name: str, text: str, kind: Any) -> Any:
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValidationError(name, "must be an integer", value=text) from None
    if kind == "boolean":
        if text.lower() in ("true", "1"):
            return True
        if text.lower() in ("false", "0"):
            return False
        raise ValidationError(name, "must be true or false", value=text)
    return text


def parse_body(path: str, method: str, raw: bytes | None) -> dict[str, Any]:
    """A request body: JSON within :mod:`smx_lab.bounds`' structural limits (checked before
    anything recursive reads it), validated against the operation's documented schema."""
    try:
        body = bounds.loads(raw or b"null", "body")
    except ValueError as error:  # not JSON: undecodable, malformed, NaN, a 5000-digit integer
        if isinstance(error, ValidationError):  # a structural limit, named
            raise
        raise ValidationError("body", f"must be a JSON document ({excerpt(str(error))})") from None
    return validate_body(path, method, body)


def validate_body(path: str, method: str, body: Any) -> dict[str, Any]:
    """A JSON body checked against the operation's documented request schema."""
    pointer = (
        "paths",
        "/" + path,
        method.lower(),
        "requestBody",
        "content",
        "application/json",
        "schema",
    )
    error = best_match(spec_validator(*pointer).iter_errors(body), key=_relevance)
    if error is not None:
        raise _body_error(error)
    if not isinstance(body, dict):  # the schemas say so; this keeps the type checker honest
        raise ValidationError("body", "must be a JSON object")
    return body


def _relevance(error: jsonschema.ValidationError) -> Any:
    # Prefer errors about the body's own fields over "not valid under any of" summaries.
    return (-len(error.path), error.validator in ("oneOf", "anyOf"))


def _body_error(error: jsonschema.ValidationError) -> ValidationError:
    field = _field_name(error.absolute_path) or "body"
    rule = None
    if error.validator in ("oneOf", "anyOf", "not") and isinstance(error.schema, dict):
        rule = error.schema.get("x-rule")  # the schema's own words for a combination rule
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        if missing:
            field = _join_field(field if error.absolute_path else "", missing[0])
            return ValidationError(field, "is required")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - known)
        if unknown:
            field = _join_field(field if error.absolute_path else "", unknown[0])
            allowed = ", ".join(sorted(known))
            return ValidationError(field, f"is not a known field (allowed: {allowed})")
    return ValidationError(field, rule or schema_message(error))


def schema_message(error: jsonschema.ValidationError) -> str:
    """A schema error's message with the instance it quotes (``[...] is too long``: the whole
    value, however big) shortened to an excerpt. (What else it quotes comes from the schema.)"""
    message: str = error.message
    if len(message) <= bounds.EXCERPT:
        return message
    quoted = repr(error.instance)
    return message.replace(quoted, excerpt(quoted)) if len(quoted) > bounds.EXCERPT else message


def _field_name(path: Any) -> str:
    out = ""
    for part in path:
        out = f"{out}[{part}]" if isinstance(part, int) else _join_field(out, str(part))
    return out


def _join_field(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def main() -> None:
    """Prints the document as served (JSON), for the frontend's type generator."""
    json.dump(api_spec(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
