"""POST chart: a chart request → a Vega-Lite v5 spec with its data inlined, built by the charts
package."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


def points_by_component(spec: dict[str, Any]) -> dict[str, list[float]]:
    """The inlined y values of a line chart, per component (series rows join a lookup table)."""
    lookup = next(t for t in spec["transform"] if "lookup" in t)
    component_of = {row["key"]: row["component"] for row in lookup["from"]["data"]["values"]}
    out: dict[str, list[float]] = {}
    for row in spec["data"]["values"]:
        out.setdefault(component_of[row["key"]], []).append(row["value"])
    return out


async def test_line_chart_of_a_metric_over_steps(api: Api) -> None:
    request = {
        "chart_type": "line",
        "data_type": "time_series",
        "components": ["train-sgd", "train-adam"],
        "metrics": ["test:accuracy"],
    }

    spec = (await api.post("chart", request)).body

    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert spec["usermeta"]["smx_lab"]["chart_type"] == "line"
    assert {s["component"] for s in spec["usermeta"]["smx_lab"]["series"]} == {
        "train-sgd",
        "train-adam",
    }
    assert points_by_component(spec) == {
        "train-sgd": [0.5, 0.7, 0.9, 0.85],
        "train-adam": [0.6, 0.8, 0.95, 0.97],
    }


async def test_scatter_of_a_parameter_against_a_metric_statistic_for_an_experiment(
    api: Api,
) -> None:
    request = {
        "chart_type": "scatter",
        "data_type": "summary",
        "experiment": "mnist",
        "x": "parameters.lr",
        "y": "metrics.test:accuracy.max",
    }

    spec = (await api.post("chart", request)).body

    assert spec["usermeta"]["smx_lab"]["components"] == 3
    assert spec["mark"] == "point" or spec["mark"].get("type") == "point"


async def test_unknown_chart_type_is_400_naming_the_field(api: Api) -> None:
    error = (
        await api.post("chart", {"chart_type": "pie", "components": ["train-sgd"]}, expect=400)
    ).body

    assert error["field"] == "chart_type"


async def test_chart_request_with_unknown_field_is_400(api: Api) -> None:
    request = {"chart_type": "line", "components": ["train-sgd"], "colour": "trial"}

    error = (await api.post("chart", request, expect=400)).body

    assert error["field"] == "colour"


async def test_chart_of_unknown_component_is_404(api: Api) -> None:
    request = {"chart_type": "line", "data_type": "time_series", "components": ["ghost"]}

    error = (await api.post("chart", request, expect=404)).body

    assert error["name"] == "ghost"
