"""tests/notebooks/magics.ipynb executed by nbclient in a real ipykernel against a demo store.

The notebook is run once per module; each test reads one cell's outputs and checks them against
what the store itself answers, so the test holds whatever the demo's random training produced.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from smx_lab.errors import NotFound, QueryError
from smx_lab.notebook.frames import EXPERIMENT_COLUMNS, METRIC_POINT_COLUMNS, TRIAL_COLUMNS
from smx_lab.notebook.magics import VEGA_LITE_MIME
from smx_lab.query import parse_query
from smx_lab.stores import open_store
from smx_lab.stores.base import Store

NOTEBOOK = Path(__file__).parent / "notebooks" / "magics.ipynb"
DEMO_EXPERIMENT = "digits-hidden-units-sweep"
DEMO_PARAMETER = "hidden_units"
METRIC = "test:accuracy"


class Executed:
    """The executed notebook and the names its parameters cell was given."""

    def __init__(self, notebook: Any, names: dict[str, str], database: Path) -> None:
        self.notebook = notebook
        self.names = names
        self.database = database

    def cell(self, cell_id: str) -> Any:
        return next(cell for cell in self.notebook.cells if cell.get("id") == cell_id)

    def report(self, cell_id: str) -> Any:
        """The JSON line the cell printed with ``report()``."""
        text = "".join(
            output["text"]
            for output in self.cell(cell_id).outputs
            if output["output_type"] == "stream" and output["name"] == "stdout"
        )
        return json.loads(text.strip().splitlines()[-1])["value"]

    def frame_records(self, cell_id: str) -> list[dict[str, Any]]:
        split = self.report(cell_id)
        return [dict(zip(split["columns"], row, strict=True)) for row in split["data"]]

    def stderr(self, cell_id: str) -> str:
        return "".join(
            output["text"]
            for output in self.cell(cell_id).outputs
            if output["output_type"] == "stream" and output["name"] == "stderr"
        )


def kernelspec_for_this_python(root: Path) -> Path:
    """A python3 kernelspec that starts this interpreter, whatever `python` is on PATH."""
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (smx-lab tests)",
                "language": "python",
            }
        )
    )
    return root


def names_from(store: Store) -> dict[str, str]:
    """The demo sweep's last trial, and the training component (the one with test:accuracy)
    that the notebook is expected to pick from it."""
    trials = store.list_trials(
        DEMO_EXPERIMENT, sort_by="CreationTime", sort_order="Ascending"
    ).items
    trial = trials[-1].trial_name
    components = store.list_trial_components(trial_name=trial).items
    component = next(c for c in components if c.metric(METRIC) is not None)
    return {
        "EXPERIMENT": DEMO_EXPERIMENT,
        "TRIAL": trial,
        "METRIC": METRIC,
        "PARAMETER": DEMO_PARAMETER,
        "COMPONENT": component.trial_component_name,
    }


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Executed:
    root = tmp_path_factory.mktemp("notebook")
    database = root / "demo.db"
    subprocess.run(
        [str(Path(sys.executable).with_name("smx-lab")), "demo", "--db", str(database)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    store = open_store("local", path=str(database))
    try:
        names = names_from(store)
    finally:
        store.close()

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    parameters = next(cell for cell in notebook.cells if cell.get("id") == "parameters")
    # The notebook finds the component itself (from the components cell), as a reader would.
    parameters.source = "\n".join(
        f"{key} = {value!r}" for key, value in names.items() if key != "COMPONENT"
    )

    with pytest.MonkeyPatch.context() as patch:
        # The kernel inherits the environment: the demo store, and a kernelspec for this Python.
        patch.setenv("SMX_LAB_DB", str(database))
        patch.delenv("SMX_LAB_STORE", raising=False)
        patch.setenv("JUPYTER_PATH", str(kernelspec_for_this_python(root / "jupyter")))
        NotebookClient(
            notebook,
            kernel_name="python3",
            timeout=120,
            resources={"metadata": {"path": str(root)}},
        ).execute()
    return Executed(notebook, names, database)


@pytest.fixture
def store(executed: Executed) -> Iterator[Store]:
    opened = open_store("local", path=str(executed.database))
    yield opened
    opened.close()


def test_no_cell_raised(executed: Executed) -> None:
    errors = [
        (cell.get("id"), output.get("ename"))
        for cell in executed.notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output["output_type"] == "error"
    ]
    assert errors == []


def test_loading_the_magics_imports_no_server_modules(executed: Executed) -> None:
    modules = executed.report("modules")

    # ipykernel itself runs on tornado, so the check is on what %load_ext and the magics add.
    assert modules["added"] == []
    assert modules["jupyter_server"] is False


def test_experiments_cell_lists_the_stores_experiments(executed: Executed, store: Store) -> None:
    split = executed.report("experiments")

    assert split["columns"] == list(EXPERIMENT_COLUMNS)
    listed = [row[0] for row in split["data"]]
    assert sorted(listed) == sorted(
        e.experiment_name for e in store.list_experiments(limit=100).items
    )
    assert DEMO_EXPERIMENT in listed


def test_trials_cell_lists_the_sweeps_trials(executed: Executed, store: Store) -> None:
    records = executed.frame_records("trials")

    assert list(records[0]) == list(TRIAL_COLUMNS)
    expected = store.list_trials(DEMO_EXPERIMENT, limit=100).items
    assert [r["TrialName"] for r in records] == [t.trial_name for t in expected]
    assert {r["ExperimentName"] for r in records} == {DEMO_EXPERIMENT}


def test_components_cell_has_the_analytics_columns_and_values(
    executed: Executed, store: Store
) -> None:
    records = executed.frame_records("components")
    component = store.get_trial_component(executed.names["COMPONENT"])
    accuracy = component.metric(METRIC)
    assert accuracy is not None

    row = next(r for r in records if r["TrialComponentName"] == component.trial_component_name)
    columns = list(row)
    assert columns[:2] == ["TrialComponentName", "DisplayName"]
    statistics = [f"{METRIC} - {s}" for s in ("Min", "Max", "Avg", "StdDev", "Last", "Count")]
    first = columns.index(statistics[0])
    assert columns[first : first + 6] == statistics
    assert {"Trials", "Experiments"} <= set(columns)
    assert row[f"{METRIC} - Max"] == pytest.approx(accuracy.max)
    assert row[f"{METRIC} - Last"] == pytest.approx(accuracy.last)
    assert row[f"{METRIC} - Count"] == accuracy.count
    assert row[DEMO_PARAMETER] == component.parameters[DEMO_PARAMETER]
    assert executed.names["TRIAL"] in row["Trials"]


def test_experiment_components_cell_holds_every_component_of_the_experiment(
    executed: Executed, store: Store
) -> None:
    records = executed.frame_records("experiment_components")

    expected = store.list_trial_components(experiment_name=DEMO_EXPERIMENT, limit=1000).items
    assert sorted(r["TrialComponentName"] for r in records) == sorted(
        c.trial_component_name for c in expected
    )


def test_unassigned_cell_lists_components_without_a_trial(executed: Executed) -> None:
    records = executed.frame_records("unassigned")

    assert records, "the demo logs one unassigned component"
    assert all(r["Trials"] == [] for r in records)


def test_cell_search_ranks_by_best_accuracy(executed: Executed, store: Store) -> None:
    records = executed.frame_records("search")

    expected = store.search(
        "ExperimentTrialComponent",
        parse_query(f"metrics.{METRIC} exists and metrics.{METRIC}.max > 0"),
        sort_by=f"metrics.{METRIC}.max",
        sort_order="Descending",
        limit=5,
    ).items
    assert [r["TrialComponentName"] for r in records] == [c.trial_component_name for c in expected]
    maxima = [r[f"{METRIC} - Max"] for r in records]
    assert maxima == sorted(maxima, reverse=True)


def test_analytics_cell_ranks_the_experiment_by_best_accuracy(executed: Executed) -> None:
    records = executed.frame_records("analytics")

    assert {r["TrialComponentName"] for r in records} >= {executed.names["COMPONENT"]}
    ranked = [r[f"{METRIC} - Max"] for r in records if r[f"{METRIC} - Max"] is not None]
    assert ranked == sorted(ranked, reverse=True)


def test_show_cell_renders_html_markdown_and_text(executed: Executed) -> None:
    (output,) = executed.cell("show").outputs

    assert output["output_type"] == "execute_result"
    assert {"text/html", "text/markdown", "text/plain"} <= set(output["data"])
    assert executed.names["COMPONENT"] in output["data"]["text/html"]
    assert "<h4>Metrics</h4>" in output["data"]["text/html"]


def test_points_cell_gives_every_raw_point(executed: Executed, store: Store) -> None:
    records = executed.frame_records("points")

    expected = store.metric_points(executed.names["COMPONENT"], [METRIC])
    assert list(records[0]) == list(METRIC_POINT_COLUMNS)
    assert [r["value"] for r in records] == pytest.approx([p.value for p in expected])
    assert [r["step"] for r in records] == [p.step for p in expected]


def test_wide_cell_has_one_column_per_metric(executed: Executed, store: Store) -> None:
    split = executed.report("wide")

    component = store.get_trial_component(executed.names["COMPONENT"])
    assert sorted(split["columns"]) == sorted(m.metric_name for m in component.metrics)
    accuracy = store.metric_points(executed.names["COMPONENT"], [METRIC])
    column = split["columns"].index(METRIC)
    assert [row[column] for row in split["data"]] == pytest.approx([p.value for p in accuracy])


@pytest.mark.parametrize("cell_id", ["chart_line", "chart_scatter"])
def test_chart_cells_display_vega_lite_v5(executed: Executed, cell_id: str) -> None:
    (output,) = executed.cell(cell_id).outputs

    assert output["output_type"] == "display_data"
    assert set(output["data"]) == {VEGA_LITE_MIME, "text/plain"}
    assert "/vega-lite/v5" in output["data"][VEGA_LITE_MIME]["$schema"]


def test_bad_query_cell_prints_the_query_error_on_stderr(executed: Executed) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query("metrics.test:accuracy.max >> 0.9")

    assert executed.stderr("bad_query").splitlines()[0] == raised.value.message
    assert all(o["output_type"] == "stream" for o in executed.cell("bad_query").outputs)


def test_unknown_name_cell_prints_not_found_on_stderr(executed: Executed, store: Store) -> None:
    with pytest.raises(NotFound) as raised:
        store.list_trials("no-such-experiment")

    assert executed.stderr("unknown_name").strip() == raised.value.message
