"""Legends that name components stay readable: a chart colored by component shows a legend, long
names keep their start and end around "…", and many entries flow in columns under the chart —
checked in the spec and as the real Vega draws it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from smx_lab.charts import build_summary_chart, build_time_series_chart
from smx_lab.charts.data import summary_rows
from smx_lab.charts.spec import LEGEND_COLUMN_ENTRIES, LEGEND_LABEL_CHARACTERS
from smx_lab.model import MetricSummary, Parent, Series, Status, TrialComponent

ROOT = Path(__file__).resolve().parents[1]
LONG = "digits-mlp-2-layers-adam-learning-rate-0.01-batch-64-epochs-10"


def run(name: str, display_name: str, lr: float, optimizer: str, accuracy: float) -> TrialComponent:
    return TrialComponent(
        name,
        display_name=display_name,
        status=Status("Completed"),
        parameters={"lr": lr, "optimizer": optimizer},
        metrics=[
            MetricSummary("test:accuracy", 2, accuracy / 2, accuracy, accuracy, 0.0, accuracy)
        ],
        parents=[Parent(f"trial-{name}", "mnist")],
    )


def runs(count: int, long_names: bool = False) -> list[TrialComponent]:
    return [
        run(
            f"run-{index}",
            f"{LONG}-{index}" if long_names else f"Training {index}",
            0.1 / (index + 1),
            "sgd" if index % 2 else "adam",
            0.5 + index / (2 * count),
        )
        for index in range(count)
    ]


SCATTER = {
    "chart_type": "scatter",
    "components": ["run-0"],
    "x": "parameters.lr",
    "y": "metrics.test:accuracy.max",
}


def test_a_scatter_without_a_color_column_colors_each_component_with_a_legend() -> None:
    spec = build_summary_chart(summary_rows(runs(3)), SCATTER)
    color = spec["encoding"]["color"]
    assert color["field"] == "label" and color["type"] == "nominal"
    assert color["title"] == "component"
    assert {row["label"] for row in spec["data"]["values"]} == {
        "Training 0",
        "Training 1",
        "Training 2",
    }
    assert "labelExpr" in color["legend"]


def test_a_color_column_naming_things_gets_the_same_readable_legend() -> None:
    spec = build_summary_chart(summary_rows(runs(3)), {**SCATTER, "color": "parameters.optimizer"})
    assert spec["encoding"]["color"]["field"] == "color"
    assert "labelExpr" in spec["encoding"]["color"]["legend"]


def test_a_numeric_color_column_keeps_its_gradient() -> None:
    spec = build_summary_chart(summary_rows(runs(3)), {**SCATTER, "color": "parameters.lr"})
    assert spec["encoding"]["color"]["type"] == "quantitative"
    assert "legend" not in spec["encoding"]["color"]


def test_a_summary_line_splits_into_lines_only_by_a_color_column() -> None:
    spec = build_summary_chart(
        summary_rows(runs(3)), {**SCATTER, "chart_type": "line", "data_type": "summary"}
    )
    assert "color" not in spec["encoding"]


def test_box_points_are_colored_by_component_with_a_legend() -> None:
    spec = build_summary_chart(
        summary_rows(runs(4)),
        {
            "chart_type": "box",
            "components": ["run-0"],
            "x": "parameters.optimizer",
            "y": SCATTER["y"],
        },
    )
    points = spec["layer"][1]["encoding"]
    assert points["color"]["field"] == "label"


def test_many_entries_flow_in_columns_under_the_chart() -> None:
    few = build_summary_chart(summary_rows(runs(LEGEND_COLUMN_ENTRIES)), SCATTER)
    many = build_summary_chart(summary_rows(runs(LEGEND_COLUMN_ENTRIES + 1)), SCATTER)
    assert "orient" not in few["encoding"]["color"]["legend"]
    legend = many["encoding"]["color"]["legend"]
    assert legend["orient"] == "bottom" and legend["columns"] == 2


def test_time_series_lines_have_the_readable_legend() -> None:
    components = runs(2)
    series = [
        Series(c.trial_component_name, "loss", "step", [0.0, 1.0], [1.0, 0.5], 2, False)
        for c in components
    ]
    spec = build_time_series_chart(
        series, components, {"chart_type": "line", "components": ["run-0"]}
    )
    assert "labelExpr" in spec["encoding"]["color"]["legend"]


# --- as Vega draws it ---------------------------------------------------------------------------

LEGEND_SCRIPT = r"""
import * as vl from 'vega-lite';
import * as vega from 'vega';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const spec = JSON.parse(input);
const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
await view.runAsync();
const labels = [];
const walk = (node) => {
  if (node.role === 'legend-label') {
    for (const item of node.items) labels.push(item.text);
  }
  for (const item of node.items || []) {
    for (const child of item.items || []) walk(child);
  }
};
walk(view.scenegraph().root);
process.stdout.write(JSON.stringify(labels));
view.finalize();
"""


def legend_labels(spec: dict[str, Any]) -> list[str]:
    finished = subprocess.run(
        ["node", "--input-type=module", "-e", LEGEND_SCRIPT],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(finished.stdout)  # type: ignore[no-any-return]


needs_vega = pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules" / "vega-lite").is_dir(),
    reason="needs node and the frontend's node_modules (jlpm install)",
)


@needs_vega
def test_vega_draws_long_names_with_their_start_and_end_around_an_ellipsis() -> None:
    labels = legend_labels(build_summary_chart(summary_rows(runs(3, long_names=True)), SCATTER))
    keep = (LEGEND_LABEL_CHARACTERS - 1) // 2
    assert labels == [f"{LONG[:keep]}…{(LONG + f'-{index}')[-keep:]}" for index in range(3)]
    assert all(len(label) == 2 * keep + 1 for label in labels)


@needs_vega
def test_vega_draws_short_names_whole() -> None:
    labels = legend_labels(build_summary_chart(summary_rows(runs(3)), SCATTER))
    assert labels == ["Training 0", "Training 1", "Training 2"]


def test_runs_that_share_a_display_name_are_told_apart_by_their_trials() -> None:
    training = [
        run(f"digits-mlp-{units}-2026-01-01-{units}", "Training", 0.01, "adam", 0.9)
        for units in (16, 64)
    ]
    for component, units in zip(training, (16, 64), strict=True):
        component.parents = [Parent(f"digits-mlp-{units}-hidden-units", "sweep")]
    spec = build_summary_chart(summary_rows(training), SCATTER)
    assert sorted(row["label"] for row in spec["data"]["values"]) == [
        "Training (digits-mlp-16-hidden-units)",
        "Training (digits-mlp-64-hidden-units)",
    ]


def test_runs_of_one_trial_that_share_a_display_name_are_told_apart_by_their_names() -> None:
    twins = [run(name, "Training", 0.01, "adam", 0.9) for name in ("run-x", "run-y")]
    for component in twins:
        component.parents = [Parent("one-trial", "sweep")]
    spec = build_summary_chart(summary_rows(twins), SCATTER)
    assert sorted(row["label"] for row in spec["data"]["values"]) == [
        "Training (run-x)",
        "Training (run-y)",
    ]
