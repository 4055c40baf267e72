"""Every chart type rendered by the real Vega-Lite and Vega the panel uses (the project's
node_modules), headless: the spec compiles without warnings and draws the marks it should.

A spec can be valid against the JSON schema and still fail in Vega (a field Vega-Lite cannot find,
an aggregate it will not combine, a selection on the wrong mark); this is where that shows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from smx_lab.charts import build_summary_chart, build_time_series_chart
from smx_lab.charts.data import summary_rows
from smx_lab.model import MetricSummary, Parent, Series, Status, TrialComponent

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules" / "vega-lite").is_dir(),
    reason="needs node and the frontend's node_modules (jlpm install)",
)

# Compiles each spec with vega-lite, runs it in a headless vega View, renders SVG, and reports the
# warnings and, per drawn mark, its type and how many items it drew.
RENDER_SCRIPT = r"""
import * as vl from 'vega-lite';
import * as vega from 'vega';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = {};
for (const [name, spec] of Object.entries(JSON.parse(input))) {
  const warnings = [];
  const logger = {
    level() { return this; }, info() { return this; }, debug() { return this; },
    warn(...args) { warnings.push(args.join(' ')); return this; },
    error(...args) { warnings.push('error: ' + args.join(' ')); return this; },
  };
  try {
    const compiled = vl.compile(spec, { logger });
    const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logger });
    await view.runAsync();
    const svg = await view.toSVG();
    const marks = [];
    const walk = (node) => {
      if (node.marktype && node.marktype !== 'group' && node.role === 'mark') {
        marks.push({ name: node.name || '', type: node.marktype, items: node.items.length,
                     defined: node.items.filter((item) => item.defined !== false).length });
      }
      for (const item of node.items || []) {
        for (const child of item.items || []) walk(child);
      }
    };
    walk(view.scenegraph().root);
    results[name] = { warnings, marks, svg: svg.length };
    view.finalize();
  } catch (error) {
    results[name] = { warnings: [...warnings, 'exception: ' + error.message], marks: [], svg: 0 };
  }
}
process.stdout.write(JSON.stringify(results));
"""


# Drag-to-pan listens on the browser window, which headless node does not have.
HEADLESS_ONLY_WARNINGS = {"Can not resolve event source: window"}


def render(specs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    finished = subprocess.run(
        ["node", "--input-type=module", "-e", RENDER_SCRIPT],
        input=json.dumps(specs),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(finished.stdout)  # type: ignore[no-any-return]


def summary(name: str, values: list[float]) -> MetricSummary:
    return MetricSummary(
        name, len(values), min(values), max(values), sum(values) / len(values), 0.0, values[-1]
    )


def make_components() -> list[TrialComponent]:
    settings = [
        ("run-a", "trial-1", 0.1, "sgd", 0.81),
        ("run-b", "trial-2", 0.01, "adam", 0.93),
        ("run-c", "trial-3", 0.001, "adam", 0.72),
        ("run-d", "trial-4", 0.05, "sgd", 0.88),
        ("run-e", "trial-5", 0.2, "rmsprop", 0.5),
        ("run-f", "trial-5", 0.02, "rmsprop", 0.66),
    ]
    return [
        TrialComponent(
            name,
            display_name=f"Training {name}",
            status=Status("Completed"),
            parameters={"lr": lr, "optimizer": optimizer, "batch": 32.0 + index},
            metrics=[
                summary("test:accuracy", [accuracy / 2, accuracy]),
                summary("loss", [1 - accuracy]),
            ],
            parents=[Parent(trial, "mnist")],
        )
        for index, (name, trial, lr, optimizer, accuracy) in enumerate(settings)
    ]


SUMMARY_REQUESTS: dict[str, dict[str, Any]] = {
    "scatter": {
        "chart_type": "scatter",
        "x": "parameters.lr",
        "y": "metrics.test:accuracy.max",
        "color": "trial",
    },
    "scatter_log_outliers": {
        "chart_type": "scatter",
        "x": "parameters.lr",
        "y": "metrics.test:accuracy.max",
        "log_y": True,
        "ignore_outliers": True,
        "color": "parameters.batch",
    },
    "summary_line": {
        "chart_type": "line",
        "data_type": "summary",
        "x": "parameters.lr",
        "y": "metrics.test:accuracy.max",
        "color": "parameters.optimizer",
    },
    "bar": {"chart_type": "bar", "y": "metrics.test:accuracy.max", "color": "trial"},
    "bar_grouped": {
        "chart_type": "bar",
        "x": "parameters.optimizer",
        "y": "metrics.test:accuracy.max",
        "color": "experiment",
    },
    "histogram": {"chart_type": "histogram", "x": "metrics.test:accuracy.max", "bins": 4},
    "histogram_text": {"chart_type": "histogram", "x": "parameters.optimizer", "color": "trial"},
    "box": {"chart_type": "box", "x": "parameters.optimizer", "y": "metrics.test:accuracy.max"},
    "parallel": {"chart_type": "parallel", "statistic": "Max", "color": "parameters.optimizer"},
    "importance": {"chart_type": "importance", "y": "metrics.test:accuracy.max"},
}


def time_series_specs(components: list[TrialComponent]) -> dict[str, dict[str, Any]]:
    steps = list(range(50))
    series = [
        Series(
            c.trial_component_name,
            metric,
            "step",
            [float(s) for s in steps],
            [1.0 / (s + 1 + index) + (0.5 if metric == "loss" else 0.0) for s in steps],
            50,
            False,
        )
        for index, c in enumerate(components[:3])
        for metric in ("loss", "test:accuracy")
    ]
    timed = [
        Series(one.component, one.metric, "time", [1.7e9 + 10 * x for x in one.x], one.y, 50, False)
        for one in series
    ]
    base = {"chart_type": "line", "components": ["run-a"]}
    return {
        "line": build_time_series_chart(series, components, base),
        "line_smoothed": build_time_series_chart(
            series, components, {**base, "smoothing": 0.8, "log_y": True, "ignore_outliers": True}
        ),
        "line_time": build_time_series_chart(timed, components, {**base, "x_axis": "time"}),
        "line_relative": build_time_series_chart(
            timed, components, {**base, "x_axis": "relative_time"}
        ),
        "scatter_time_series": build_time_series_chart(
            series, components, {**base, "chart_type": "scatter", "data_type": "time_series"}
        ),
    }


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, Any]]:
    components = make_components()
    rows = summary_rows(components)
    specs = {
        name: build_summary_chart(rows, {**request, "components": ["run-a"]})
        for name, request in SUMMARY_REQUESTS.items()
    }
    specs.update(time_series_specs(components))
    return render(specs)


def drawn(result: dict[str, Any], mark_type: str) -> list[int]:
    return [mark["items"] for mark in result["marks"] if mark["type"] == mark_type]


@pytest.mark.parametrize(
    "name",
    [
        *SUMMARY_REQUESTS,
        "line",
        "line_smoothed",
        "line_time",
        "line_relative",
        "scatter_time_series",
    ],
)
def test_every_chart_renders_in_vega_without_warnings(
    rendered: dict[str, dict[str, Any]], name: str
) -> None:
    result = rendered[name]
    assert [w for w in result["warnings"] if w not in HEADLESS_ONLY_WARNINGS] == []
    assert result["svg"] > 0 and result["marks"]


def test_scatter_renders_one_point_per_component(rendered: dict[str, dict[str, Any]]) -> None:
    assert drawn(rendered["scatter"], "symbol") == [6]


def test_line_renders_one_line_per_component_and_metric(
    rendered: dict[str, dict[str, Any]],
) -> None:
    # a line mark draws one path per series; 3 components × 2 metrics
    assert len(drawn(rendered["line"], "line")) == 6


def test_smoothed_line_renders_the_raw_and_the_smoothed_line_of_each_series(
    rendered: dict[str, dict[str, Any]],
) -> None:
    assert len(drawn(rendered["line_smoothed"], "line")) == 12


def test_bar_renders_a_bar_per_component_or_per_group(rendered: dict[str, dict[str, Any]]) -> None:
    assert drawn(rendered["bar"], "rect") == [6]
    assert drawn(rendered["bar_grouped"], "rect") == [3]  # sgd, adam, rmsprop × one experiment


def test_box_renders_a_box_per_group_and_a_point_per_component(
    rendered: dict[str, dict[str, Any]],
) -> None:
    assert 6 in drawn(rendered["box"], "symbol")
    assert 3 in drawn(rendered["box"], "rect")


def test_parallel_coordinates_render_a_line_per_component(
    rendered: dict[str, dict[str, Any]],
) -> None:
    assert len(drawn(rendered["parallel"], "line")) == 6


def test_importance_renders_a_bar_per_numeric_parameter(
    rendered: dict[str, dict[str, Any]],
) -> None:
    assert drawn(rendered["importance"], "rect") == [2]  # lr and batch; optimizer is text
