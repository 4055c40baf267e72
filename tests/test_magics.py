"""``%smx`` in a real IPython shell against a real embedded store in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from smx_lab.charts import validate_chart_request
from smx_lab.errors import NotFound, QueryError, ValidationError
from smx_lab.model import Artifact, MetricPoint, Status
from smx_lab.notebook.frames import EXPERIMENT_COLUMNS, METRIC_POINT_COLUMNS, TRIAL_COLUMNS
from smx_lab.notebook.magics import VEGA_LITE_MIME, SmxMagics
from smx_lab.notebook.summary import ComponentSummary
from smx_lab.query import parse_query
from smx_lab.stores import open_store

XSS_MESSAGE = '<script>alert("message")</script>'
XSS_VALUE = "<b>bold</b> & | pipe"
# test:accuracy per step of each training component.
ACCURACY = {
    "train-2": [0.61, 0.72, 0.80],
    "train-5": [0.70, 0.88, 0.86],
    "train-10": [0.75, 0.83, 0.91],
}
OPTIMIZER = {"train-2": "sgd", "train-5": "sgd", "train-10": "adam"}


def fill(path: Path) -> None:
    """Two experiments, a shared preprocessing step, an unassigned and a hostile component."""
    store: Any = open_store("local", path=str(path))
    try:
        store.create_experiment("mnist-sweep", display_name="MNIST-sweep")
        store.create_trial_component(
            "preprocess", display_name="Preprocessing", status=Status("Completed")
        )
        store.update_trial_component(
            "preprocess",
            parameters={"normalization_mean": 0.1307},
            input_artifacts={"mnist": Artifact("s3://bucket/mnist", "s3/uri")},
        )
        for component, accuracy in ACCURACY.items():
            channels = component.split("-")[1]
            store.create_trial(f"cnn-{channels}", "mnist-sweep")
            store.associate_trial_component("preprocess", f"cnn-{channels}")
            store.create_trial_component(
                component, display_name="Training", status=Status("Completed")
            )
            store.update_trial_component(
                component,
                parameters={"hidden_channels": float(channels), "optimizer": OPTIMIZER[component]},
            )
            now = time.time()
            points = [
                MetricPoint("test:accuracy", value, now + step, step)
                for step, value in enumerate(accuracy, start=1)
            ] + [MetricPoint("train:loss", 1.0 / step, now + step, step) for step in (1, 2, 3)]
            store.log_metrics(component, points)
            store.associate_trial_component(component, f"cnn-{channels}")
        store.create_experiment("churn")
        store.create_trial("xgb-1", "churn")
        store.create_trial_component("xgb-1-train", display_name="Training")
        store.associate_trial_component("xgb-1-train", "xgb-1")
        store.create_trial_component("scratch", status=Status("Failed", "out of memory"))
        store.create_trial_component("xss-probe", status=Status("Failed", XSS_MESSAGE))
        store.update_trial_component("xss-probe", parameters={"note": XSS_VALUE})
    finally:
        store.close()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "experiments.db"
    monkeypatch.setenv("SMX_LAB_DB", str(path))
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)
    fill(path)
    return path


@pytest.fixture
def shell(database: Path) -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    magics = SmxMagics(shell)  # a fresh instance: no store left open by another test
    shell.register_magics(magics)
    yield shell
    if magics._store is not None:
        magics._store.close()


def smx(shell: InteractiveShell, line: str, cell: str | None = None) -> Any:
    if cell is None:
        return shell.run_line_magic("smx", line)
    return shell.run_cell_magic("smx", line, cell)


def error_of(call: Any) -> str:
    """The message the store (and so the REST API) gives for a call that fails."""
    try:
        call()
    except (NotFound, QueryError) as error:
        return error.message
    raise AssertionError("the call was expected to fail")


# experiments, trials


def test_experiments_lists_every_experiment_newest_first(shell: InteractiveShell) -> None:
    frame = smx(shell, "experiments")

    assert list(frame.columns) == list(EXPERIMENT_COLUMNS)
    assert list(frame["ExperimentName"]) == ["churn", "mnist-sweep"]
    assert list(frame["DisplayName"]) == ["churn", "MNIST-sweep"]


def test_experiments_with_a_word_keeps_names_containing_it(shell: InteractiveShell) -> None:
    frame = smx(shell, "experiments mnist")

    assert list(frame["ExperimentName"]) == ["mnist-sweep"]


def test_experiments_with_a_query_searches_experiments(shell: InteractiveShell) -> None:
    frame = smx(shell, "experiments 'DisplayName = \"MNIST-sweep\"'")

    assert list(frame["ExperimentName"]) == ["mnist-sweep"]


def test_experiments_times_are_utc_timestamps(shell: InteractiveShell) -> None:
    frame = smx(shell, "experiments")

    assert str(frame["CreationTime"].dt.tz) == "UTC"
    assert frame["CreationTime"].notna().all()


def test_trials_lists_the_trials_of_an_experiment(shell: InteractiveShell) -> None:
    frame = smx(shell, "trials mnist-sweep --sort CreationTime")

    assert list(frame.columns) == list(TRIAL_COLUMNS)
    assert list(frame["TrialName"]) == ["cnn-2", "cnn-5", "cnn-10"]
    assert set(frame["ExperimentName"]) == {"mnist-sweep"}


def test_trials_of_an_unknown_experiment_prints_the_stores_message(
    shell: InteractiveShell, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smx(shell, "trials no-such-experiment") is None

    captured = capsys.readouterr()
    store = open_store("local", path=str(database))
    try:
        expected = error_of(lambda: store.list_trials("no-such-experiment"))
    finally:
        store.close()
    assert captured.err.strip() == expected
    assert "Traceback" not in captured.err + captured.out


# components, search


def test_components_of_a_trial_in_the_order_they_ran(shell: InteractiveShell) -> None:
    frame = smx(shell, "components cnn-5")

    assert list(frame["TrialComponentName"]) == ["preprocess", "train-5"]
    # The SDK's column order: the union of the rows' columns in order of first appearance.
    statistics = ["Min", "Max", "Avg", "StdDev", "Last", "Count"]
    assert list(frame.columns) == [
        "TrialComponentName",
        "DisplayName",
        "normalization_mean",
        "mnist - MediaType",
        "mnist - Value",
        "Trials",
        "Experiments",
        "hidden_channels",
        "optimizer",
        *(f"test:accuracy - {s}" for s in statistics),
        *(f"train:loss - {s}" for s in statistics),
    ]


def test_line_expands_notebook_variables(shell: InteractiveShell) -> None:
    shell.user_ns["trial"] = "cnn-10"

    shell.run_cell("frame = %smx components $trial", store_history=False)

    assert list(shell.user_ns["frame"]["TrialComponentName"]) == ["preprocess", "train-10"]


def test_components_of_an_experiment_lists_a_shared_step_once(shell: InteractiveShell) -> None:
    frame = smx(shell, "components --experiment mnist-sweep")

    assert sorted(frame["TrialComponentName"]) == ["preprocess", "train-10", "train-2", "train-5"]
    shared = frame.set_index("TrialComponentName").loc["preprocess"]
    assert sorted(shared["Trials"]) == ["cnn-10", "cnn-2", "cnn-5"]


def test_components_unassigned_lists_those_with_no_trial(shell: InteractiveShell) -> None:
    frame = smx(shell, "components --unassigned")

    assert sorted(frame["TrialComponentName"]) == ["scratch", "xss-probe"]


def test_listings_follow_cursors_past_one_page(shell: InteractiveShell, database: Path) -> None:
    store: Any = open_store("local", path=str(database))
    try:
        for number in range(150):
            store.create_trial_component(f"sweep-{number:03d}")
    finally:
        store.close()

    everything = smx(shell, "components --unassigned")
    first = smx(shell, "search 'TrialComponentName contains sweep' --sort Name --limit 120")

    assert len(everything) == 152  # with scratch and xss-probe
    assert list(first["TrialComponentName"]) == [f"sweep-{n:03d}" for n in range(120)]


def test_search_sorts_by_metric_max_descending_and_limits(shell: InteractiveShell) -> None:
    frame = smx(
        shell,
        "search 'DisplayName = Training and parameters.optimizer = \"sgd\"' "
        "--sort metrics.test:accuracy.max --desc --limit 5",
    )

    assert list(frame["TrialComponentName"]) == ["train-5", "train-2"]
    assert list(frame["test:accuracy - Max"]) == [0.88, 0.80]
    assert list(frame["optimizer"]) == ["sgd", "sgd"]


def test_search_limit_cuts_the_ranking(shell: InteractiveShell) -> None:
    frame = smx(
        shell,
        "search 'metrics.test:accuracy exists' --sort metrics.test:accuracy.last --desc --limit 2",
    )

    assert list(frame["TrialComponentName"]) == ["train-10", "train-5"]


def test_search_columns_can_be_narrowed_to_named_metrics_and_parameters(
    shell: InteractiveShell,
) -> None:
    frame = smx(
        shell,
        "search 'DisplayName = Training' --metrics test:accuracy --parameters optimizer",
    )

    assert "optimizer" in frame.columns and "hidden_channels" not in frame.columns
    assert "test:accuracy - Max" in frame.columns
    assert not any(column.startswith("train:loss") for column in frame.columns)


def test_cell_search_takes_a_multi_line_query(shell: InteractiveShell) -> None:
    frame = smx(
        shell,
        "search --sort metrics.test:accuracy.last --desc",
        "metrics.test:accuracy.max > 0.85\n  and DisplayName = Training\n",
    )

    assert list(frame["TrialComponentName"]) == ["train-10", "train-5"]


def test_search_accepts_a_search_expression_as_json(shell: InteractiveShell) -> None:
    expression = {
        "Filters": [{"Name": "Parents.TrialName", "Operator": "Equals", "Value": "cnn-10"}]
    }

    frame = smx(shell, f"search '{json.dumps(expression)}' --sort CreationTime")

    assert list(frame["TrialComponentName"]) == ["preprocess", "train-10"]


def test_bad_query_prints_the_query_error_message_without_traceback(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "metrics.test:accuracy.max >> 0.9"

    assert smx(shell, f"search '{query}'") is None

    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == error_of(lambda: parse_query(query))
    assert "Traceback" not in captured.err + captured.out


def test_bad_query_message_points_at_the_position(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        smx(shell, "search", "DisplayName = Training\nand metrics.test:accuracy.max >> 0.9") is None
    )

    message, quoted, caret = capsys.readouterr().err.splitlines()
    # The cell's lines are one query; the caret is under the second ">".
    assert quoted == "  DisplayName = Training and metrics.test:accuracy.max >> 0.9"
    assert caret.index("^") == quoted.index(">>") + 1
    assert message.startswith(f"at position {quoted.index('>>') - 1}:")


def test_unknown_field_message_suggests_close_matches(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smx(shell, "search 'parameter.optimizer = sgd'") is None

    message, hint, _quoted, _caret = capsys.readouterr().err.splitlines()
    assert message == error_of(lambda: parse_query("parameter.optimizer = sgd"))
    assert hint.startswith("did you mean: Parameters.optimizer")


def test_malformed_json_expression_prints_where_it_broke(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smx(shell, "search '{\"Filters\": [}'") is None

    assert "SearchExpression JSON does not parse" in capsys.readouterr().err


# show


def test_show_summarises_status_parameters_metrics_and_parents(shell: InteractiveShell) -> None:
    summary = smx(shell, "show train-10")

    assert isinstance(summary, ComponentSummary)
    sections = {title: rows for title, _header, rows in summary.sections()}
    assert ["Status", "Completed"] in sections["Trial component"]
    assert ["hidden_channels", "10"] in sections["Parameters"]
    accuracy = next(row for row in sections["Metrics"] if row[0] == "test:accuracy")
    assert accuracy[1:3] == ["0.75", "0.91"] and accuracy[-1] == "3"
    assert sections["Parents"] == [["cnn-10", "mnist-sweep"]]


def test_show_lists_artifacts_with_media_type(shell: InteractiveShell) -> None:
    summary = smx(shell, "show preprocess")

    sections = {title: rows for title, _header, rows in summary.sections()}
    assert sections["Input artifacts"] == [["mnist", "s3/uri", "s3://bucket/mnist"]]
    assert len(sections["Parents"]) == 3


def test_show_html_escapes_every_store_string(shell: InteractiveShell) -> None:
    rendered = smx(shell, "show xss-probe")._repr_html_()

    assert "<script>" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(&quot;message&quot;)&lt;/script&gt;" in rendered
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; | pipe" in rendered


def test_show_markdown_keeps_a_pipe_in_a_value_inside_its_cell(shell: InteractiveShell) -> None:
    rendered = smx(shell, "show xss-probe")._repr_markdown_()

    parameter_row = next(line for line in rendered.splitlines() if line.startswith("| note"))
    assert parameter_row.count(" | ") == 1  # name | value: the escaped pipe does not split it
    assert "\\<b\\>" in parameter_row


def test_show_rounds_float_noise_away(shell: InteractiveShell) -> None:
    sections = {title: rows for title, _header, rows in smx(shell, "show train-10").sections()}

    accuracy = next(row for row in sections["Metrics"] if row[0] == "test:accuracy")
    # the running mean of 0.75, 0.83, 0.91 is 0.8300000000000001 in floating point
    assert accuracy[3] == "0.83"


def test_show_text_form_names_the_status_message(shell: InteractiveShell) -> None:
    assert "out of memory" in repr(smx(shell, "show scratch"))


def test_show_unknown_component_prints_the_stores_message(
    shell: InteractiveShell, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smx(shell, "show nope") is None

    store = open_store("local", path=str(database))
    try:
        expected = error_of(lambda: store.get_trial_component("nope"))
    finally:
        store.close()
    assert capsys.readouterr().err.strip() == expected


# metrics


def test_metrics_gives_every_raw_point(shell: InteractiveShell) -> None:
    frame = smx(shell, "metrics train-5 test:accuracy")

    assert list(frame.columns) == list(METRIC_POINT_COLUMNS)
    assert list(frame["step"]) == [1, 2, 3]
    assert list(frame["value"]) == ACCURACY["train-5"]
    assert set(frame["component"]) == {"train-5"} and set(frame["metric"]) == {"test:accuracy"}
    assert str(frame["timestamp"].dt.tz) == "UTC"


def test_metrics_without_names_gives_all_metrics(shell: InteractiveShell) -> None:
    frame = smx(shell, "metrics train-5")

    assert sorted(set(frame["metric"])) == ["test:accuracy", "train:loss"]
    assert len(frame) == 6


def test_metrics_wide_has_one_column_per_metric_indexed_by_step(shell: InteractiveShell) -> None:
    frame = smx(shell, "metrics train-10 test:accuracy train:loss --wide")

    assert list(frame.columns) == ["test:accuracy", "train:loss"]
    assert frame.index.name == "step"
    assert list(frame.index) == [1, 2, 3]
    assert list(frame["test:accuracy"]) == ACCURACY["train-10"]
    assert frame.loc[2, "train:loss"] == 0.5


def test_metrics_wide_without_steps_is_indexed_by_timestamp(
    shell: InteractiveShell, database: Path
) -> None:
    store: Any = open_store("local", path=str(database))
    try:
        store.create_trial_component("timed")
        store.log_metrics(
            "timed", [MetricPoint("gpu:memory", v, 1_700_000_000 + v, None) for v in (3, 5)]
        )
    finally:
        store.close()

    frame = smx(shell, "metrics timed --wide")

    assert frame.index.name == "timestamp"
    assert list(frame.index) == list(
        pd.to_datetime([1_700_000_003, 1_700_000_005], unit="s", utc=True)
    )
    assert list(frame["gpu:memory"]) == [3.0, 5.0]


def test_metrics_unknown_metric_is_reported_by_name(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smx(shell, "metrics train-5 test:acuracy") is None

    assert capsys.readouterr().err.strip() == NotFound("Metric", "test:acuracy").message


# chart


def test_chart_displays_vega_lite_v5_with_a_text_fallback(shell: InteractiveShell) -> None:
    with capture_output() as captured:
        result = smx(shell, "chart line train-2 train-5 --metrics test:accuracy")

    assert result is None
    (output,) = captured.outputs
    assert set(output.data) == {VEGA_LITE_MIME, "text/plain"}
    spec = output.data[VEGA_LITE_MIME]
    assert "/vega-lite/v5" in spec["$schema"]
    assert "line chart" in output.data["text/plain"]


def test_chart_of_an_experiment_holds_its_components(shell: InteractiveShell) -> None:
    with capture_output() as captured:
        smx(
            shell,
            "chart scatter --experiment mnist-sweep --x parameters.hidden_channels "
            "--y metrics.test:accuracy.max",
        )

    spec = captured.outputs[0].data[VEGA_LITE_MIME]
    assert "train-10" in json.dumps(spec)


def test_chart_from_a_cell_query(shell: InteractiveShell) -> None:
    with capture_output() as captured:
        smx(
            shell,
            "chart bar --y metrics.test:accuracy.max",
            "DisplayName = Training\nand parameters.optimizer = adam",
        )

    text = json.dumps(captured.outputs[0].data[VEGA_LITE_MIME])
    assert "train-10" in text and "train-5" not in text


def test_chart_request_the_panel_would_refuse_prints_the_same_message(
    shell: InteractiveShell, database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = {
        "chart_type": "scatter",
        "experiment": "mnist-sweep",
        "y": "metrics.test:accuracy.max",
    }

    assert (
        smx(shell, "chart scatter --experiment mnist-sweep --y metrics.test:accuracy.max") is None
    )

    with pytest.raises(ValidationError) as raised:
        validate_chart_request(request)
    assert capsys.readouterr().err.strip() == raised.value.message


# use


def test_use_switches_the_session_to_another_database(
    shell: InteractiveShell, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.db"
    store: Any = open_store("local", path=str(other))
    store.create_experiment("elsewhere")
    store.close()

    smx(shell, f"use --db {other}")

    assert str(other) in capsys.readouterr().out
    assert list(smx(shell, "experiments")["ExperimentName"]) == ["elsewhere"]


def test_use_refuses_a_database_path_for_the_sagemaker_store(
    shell: InteractiveShell, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert smx(shell, f"use --store sagemaker --db {tmp_path / 'x.db'}") is None

    assert "--db is for the embedded (local) store" in capsys.readouterr().err
    assert list(smx(shell, "experiments")["ExperimentName"]) == ["churn", "mnist-sweep"]


# a light kernel


def test_magics_import_neither_jupyter_server_nor_tornado(database: Path) -> None:
    script = """
import sys
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_line_magic("load_ext", "smx_lab")
shell.run_line_magic("smx", "experiments")
shell.run_line_magic("smx", "search 'DisplayName = Training'")
shell.run_line_magic("smx", "show train-5")
shell.run_line_magic("smx", "metrics train-5 --wide")
shell.run_line_magic("smx", "chart line train-5 --metrics test:accuracy")
print(sorted(m for m in sys.modules if m.split(".")[0] in ("jupyter_server", "tornado")))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )

    assert result.stdout.strip().splitlines()[-1] == "[]"
