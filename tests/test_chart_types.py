"""The chart types' description (what the REST ``info`` route states) and the request validation
agree: every field a chart type lists for a data type is accepted, every other chart field is
refused naming the field, and a missing required field is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smx_lab.charts import (
    CHART_REQUEST_SCHEMA,
    CHART_TYPES,
    DATA_TYPES,
    chart_type_descriptions,
    validate_chart_request,
)
from smx_lab.charts.types import CHART_FIELDS, UNIVERSAL_FIELDS
from smx_lab.errors import ValidationError

#: A value every chart that reads the field accepts (x: a parameter — a value and a grouping).
VALID = {
    "x": "parameters.lr",
    "y": "metrics.acc.max",
    "color": "trial",
    "columns": ["parameters.lr", "parameters.depth"],
    "statistic": "max",
    "bins": 5,
    "log_y": True,
    "ignore_outliers": True,
    "metrics": ["acc"],
    "x_axis": "time",
    "max_points": 50,
    "x_range": [0, 10],
    "smoothing": 0.5,
    "band": "minmax",
    "group_by": ["parameters.optimizer"],
    "baseline": "a",
}
#: Fields read only with another: a band spans a group.
NEEDS = {"band": {"group_by": ["parameters.optimizer"]}}
#: Fields that colour the chart, of which a request gives one.
EXCLUSIVE = {"group_by": "color"}

DESCRIPTIONS = {one["chart_type"]: one for one in chart_type_descriptions()}
CASES = [
    (chart_type, data_type)
    for chart_type, description in DESCRIPTIONS.items()
    for data_type in description["data_types"]
]


def base_request(chart_type: str, data_type: str) -> dict[str, Any]:
    """The smallest valid request: the universal fields and the required ones."""
    required = DESCRIPTIONS[chart_type]["required"][data_type]
    return {
        "chart_type": chart_type,
        "data_type": data_type,
        "components": ["a"],
        **{field: VALID[field] for field in required},
    }


def test_the_description_states_every_chart_type_as_json() -> None:
    descriptions = chart_type_descriptions()

    assert json.loads(json.dumps(descriptions)) == descriptions
    assert [one["chart_type"] for one in descriptions] == list(CHART_TYPES)
    assert [one["label"] for one in descriptions] == [
        "Line",
        "Scatter",
        "Bar",
        "Histogram",
        "Box",
        "Parallel coordinates",
        "Parameter importance",
    ]
    for one in descriptions:
        assert set(one) == {"chart_type", "label", "data_types", "fields", "required"}
        assert set(one["data_types"]) <= set(DATA_TYPES)
        assert list(one["fields"]) == one["data_types"] == list(one["required"])


def test_the_line_chart_is_described_exactly() -> None:
    assert DESCRIPTIONS["line"] == {
        "chart_type": "line",
        "label": "Line",
        "data_types": ["time_series", "summary"],
        "fields": {
            "time_series": [
                "metrics",
                "x_axis",
                "max_points",
                "x_range",
                "smoothing",
                "band",
                "log_y",
                "ignore_outliers",
                "group_by",
                "baseline",
            ],
            "summary": ["x", "y", "color", "statistic", "log_y", "ignore_outliers", "baseline"],
        },
        "required": {"time_series": [], "summary": ["x", "y"]},
    }


def test_listed_fields_are_chart_fields_and_the_schema_knows_exactly_those() -> None:
    listed = {
        field
        for one in DESCRIPTIONS.values()
        for fields in one["fields"].values()
        for field in fields
    }
    assert listed == set(CHART_FIELDS)
    assert not listed & set(UNIVERSAL_FIELDS)
    assert set(CHART_REQUEST_SCHEMA["properties"]) == {*UNIVERSAL_FIELDS, *CHART_FIELDS}
    for one in DESCRIPTIONS.values():
        for data_type in one["data_types"]:
            assert set(one["required"][data_type]) <= set(one["fields"][data_type])


@pytest.mark.parametrize("chart_type", CHART_TYPES)
def test_the_first_data_type_is_the_default(chart_type: str) -> None:
    default = DESCRIPTIONS[chart_type]["data_types"][0]
    request = base_request(chart_type, default)
    del request["data_type"]

    assert validate_chart_request(request)["data_type"] == default


@pytest.mark.parametrize("chart_type", CHART_TYPES)
def test_a_data_type_not_listed_is_refused(chart_type: str) -> None:
    for data_type in set(DATA_TYPES) - set(DESCRIPTIONS[chart_type]["data_types"]):
        with pytest.raises(ValidationError) as raised:
            validate_chart_request({**base_request(chart_type, "summary"), "data_type": data_type})
        assert raised.value.field == "data_type"


@pytest.mark.parametrize(("chart_type", "data_type"), CASES)
def test_every_listed_field_is_accepted(chart_type: str, data_type: str) -> None:
    fields = DESCRIPTIONS[chart_type]["fields"][data_type]
    for field in fields:
        request = {**base_request(chart_type, data_type), **NEEDS.get(field, {})}
        request[field] = VALID[field]
        assert field in validate_chart_request(request), field
    # and all of them at once (of the fields that colour a chart, one)
    given = [f for f in fields if not (f in EXCLUSIVE.values() and set(EXCLUSIVE) & set(fields))]
    everything = {**base_request(chart_type, data_type), **{f: VALID[f] for f in given}}
    normalised = validate_chart_request(everything)
    assert set(given) <= set(normalised)


@pytest.mark.parametrize(("chart_type", "data_type"), CASES)
def test_every_unlisted_chart_field_is_refused_naming_it(chart_type: str, data_type: str) -> None:
    listed = DESCRIPTIONS[chart_type]["fields"][data_type]
    unlisted = [field for field in CHART_FIELDS if field not in listed]
    assert unlisted  # no chart reads every field
    for field in unlisted:
        request = {**base_request(chart_type, data_type), field: VALID[field]}
        with pytest.raises(ValidationError) as raised:
            validate_chart_request(request)
        assert raised.value.field == field, (field, raised.value.rule)
        assert raised.value.status == 400


@pytest.mark.parametrize(("chart_type", "data_type"), CASES)
def test_a_missing_required_field_is_refused_naming_it(chart_type: str, data_type: str) -> None:
    for field in DESCRIPTIONS[chart_type]["required"][data_type]:
        request = base_request(chart_type, data_type)
        del request[field]
        with pytest.raises(ValidationError) as raised:
            validate_chart_request(request)
        assert raised.value.field == field
        assert raised.value.status == 400


@pytest.mark.parametrize(
    ("request_body", "field", "rule"),
    [
        ({"chart_type": "scatter", "bins": 3}, "bins", "applies to histogram charts only"),
        ({"chart_type": "bar", "log_y": True}, "log_y", "applies to line and scatter charts only"),
        ({"chart_type": "scatter", "data_type": "time_series", "smoothing": 0.5}, "smoothing",
         "applies to line charts only"),
        ({"chart_type": "bar", "x_axis": "step"}, "x_axis", "not used by summary charts"),
        ({"chart_type": "line", "x": "parameters.lr"}, "x", "not used by time series charts"),
        ({"chart_type": "importance", "color": "trial"}, "color", "not used by importance charts"),
        ({"chart_type": "parallel", "x": "parameters.lr"}, "x",
         "not used by parallel charts (give columns)"),
        ({"chart_type": "histogram", "x": "trial", "y": "metrics.acc.max"}, "y",
         "not used by histogram charts"),
    ],
)  # fmt: skip
def test_a_refusal_says_where_the_field_belongs(
    request_body: dict[str, Any], field: str, rule: str
) -> None:
    defaults = (
        {"y": "metrics.acc.max"} if request_body["chart_type"] in ("bar", "importance") else {}
    )
    with pytest.raises(ValidationError) as raised:
        validate_chart_request({"components": ["a"], **defaults, **request_body})
    assert (raised.value.field, raised.value.rule) == (field, rule)


def test_x_naming_an_axis_is_read_as_x_axis_on_a_time_series() -> None:
    # not a field of its own: "x": "step" is another spelling of x_axis
    normalised = validate_chart_request({"chart_type": "line", "components": ["a"], "x": "time"})

    assert normalised["x_axis"] == "time" and "x" not in normalised


def test_a_histogram_of_one_bin_is_refused() -> None:
    # Vega-Lite needs at least two bins; one would draw an invalid spec.
    with pytest.raises(ValidationError) as error:
        validate_chart_request(
            {"chart_type": "histogram", "x": "parameters.lr", "bins": 1, "components": ["a"]}
        )

    assert error.value.field == "bins"
