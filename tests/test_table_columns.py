"""The columnar tables are the record tables: over random stores, the table the embedded store
reads straight from SQL (and the one any store gets from its records) has exactly the columns,
descriptors, order, values and DataFrame that the record path (``table_reference``, the code the
columnar path replaced) builds from full records — including names that collide across kinds (a
parameter called ``loss - Max`` beside a metric ``loss``, a parameter called ``Trials``)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import table_reference as reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smx_lab import selection
from smx_lab.columns import ComponentColumns
from smx_lab.model import Artifact, MetricPoint, Source, Status, TrialComponent
from smx_lab.selection import Selection
from smx_lab.stores.base import Store
from smx_lab.stores.collect import columns_by_name, components_by_name
from smx_lab.stores.local import LocalStore
from smx_lab.table import RECORD_DESCRIPTORS, component_table
from smx_lab.vocabulary import TRIAL_COMPONENT

T0 = 1_700_000_000.0
# Names that collide with another kind's columns, or sort differently by bytes and by case.
PARAMETER_NAMES = [
    "lr",
    "a",
    "B",
    "é",
    "loss - Max",
    "data - Value",
    "Trials",
    "DisplayName",
    "Status",
    "",
]
METRIC_NAMES = ["loss", "acc", "a", "é"]
ARTIFACT_NAMES = ["data", "model", "a", "loss - Max", "é"]
TRIALS = ["t-1", "t-2", "t-3"]

parameter_values = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64), st.sampled_from(["sgd", "", "é"])
)
artifacts = st.dictionaries(
    st.sampled_from(ARTIFACT_NAMES),
    st.tuples(st.sampled_from(["s3://b/x", "file.csv"]), st.sampled_from([None, "text/csv"])),
    max_size=3,
)
components = st.lists(
    st.fixed_dictionaries(
        {
            "display_name": st.sampled_from([None, "Run", "Other"]),
            "source": st.sampled_from([None, "arn:aws:sagemaker:us-east-1:1:training-job/x"]),
            "status": st.sampled_from(["Completed", "Failed", "InProgress"]),
            "parameters": st.dictionaries(
                st.sampled_from(PARAMETER_NAMES), parameter_values, max_size=4
            ),
            "metrics": st.lists(
                st.tuples(
                    st.sampled_from(METRIC_NAMES),
                    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=3),
                ),
                max_size=3,
                unique_by=lambda metric: metric[0],
            ),
            "inputs": artifacts,
            "outputs": artifacts,
            "trials": st.lists(st.sampled_from(TRIALS), unique=True, max_size=2),
        }
    ),
    max_size=6,
)
name_filters = st.one_of(st.none(), st.just([]), st.lists(st.sampled_from(PARAMETER_NAMES)))
metric_filters = st.one_of(st.none(), st.just([]), st.lists(st.sampled_from(METRIC_NAMES)))
artifact_filters = st.one_of(st.none(), st.lists(st.sampled_from(ARTIFACT_NAMES)))
filters = st.fixed_dictionaries(
    {
        "parameter_names": name_filters,
        "metric_names": metric_filters,
        "input_artifact_names": artifact_filters,
        "output_artifact_names": artifact_filters,
    }
)


@contextmanager
def filled_store(specs: list[dict[str, Any]]) -> Iterator[LocalStore]:
    """A fresh embedded store holding the given components, written through the Writer API."""
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "columns.sqlite")
        try:
            store.create_experiment("exp")
            for trial in TRIALS:
                store.create_trial(trial, "exp")
            for index, spec in enumerate(specs):
                write_component(store, f"c-{index}", spec, T0 + index)
            yield store
        finally:
            store.close()


def write_component(store: LocalStore, name: str, spec: dict[str, Any], start: float) -> None:
    source = Source(spec["source"], "SageMakerTrainingJob") if spec["source"] else None
    store.create_trial_component(name, display_name=spec["display_name"], source=source)
    store.update_trial_component(
        name,
        status=Status(spec["status"]),
        parameters=spec["parameters"],
        input_artifacts={k: Artifact(v, m) for k, (v, m) in spec["inputs"].items()},
        output_artifacts={k: Artifact(v, m) for k, (v, m) in spec["outputs"].items()},
    )
    for metric, values in spec["metrics"]:
        points = [MetricPoint(metric, value, start + i, i) for i, value in enumerate(values)]
        store.log_metrics(name, points)
    for trial in spec["trials"]:
        store.associate_trial_component(name, trial)


def every_component(store: Store) -> list[TrialComponent]:
    return store.search(
        TRIAL_COMPONENT, None, sort_by="Name", sort_order="Ascending", limit=100
    ).items


def columnar_answer(columns: ComponentColumns, names: dict[str, Any]) -> dict[str, Any]:
    table = component_table(columns, **names)
    return {
        "columns": table.columns,
        "descriptors": [*table.descriptors, *RECORD_DESCRIPTORS],
        "rows": table.rows(with_records=True),
    }


def assert_same(actual: Any, expected: Any) -> None:
    """Equal, and of the same types (1 and 1.0 are equal in Python but not in JSON)."""
    assert actual == expected
    assert repr(actual) == repr(expected)


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(specs=components, names=filters)
def test_the_stores_columns_make_the_record_paths_table(
    specs: list[dict[str, Any]], names: dict[str, Any]
) -> None:
    with filled_store(specs) as store:
        records = every_component(store)
        page = store.search_trial_component_columns(
            None, sort_by="Name", sort_order="Ascending", limit=100
        )

        assert_same(columnar_answer(page.columns, names), reference.table_answer(records, **names))


@SETTINGS
@given(specs=components, names=filters)
def test_columns_from_records_make_the_record_paths_table(
    specs: list[dict[str, Any]], names: dict[str, Any]
) -> None:
    with filled_store(specs) as store:
        records = every_component(store)

    from_records = ComponentColumns.from_records(records)

    assert_same(columnar_answer(from_records, names), reference.table_answer(records, **names))


@SETTINGS
@given(specs=components, names=filters)
def test_the_columnar_dataframe_is_the_record_paths_dataframe(
    specs: list[dict[str, Any]], names: dict[str, Any]
) -> None:
    with filled_store(specs) as store:
        records = every_component(store)
        page = store.search_trial_component_columns(
            None, sort_by="Name", sort_order="Ascending", limit=100
        )

    frame = component_table(page.columns, **names).dataframe()

    pd.testing.assert_frame_equal(frame, reference.dataframe(records, **names))


@SETTINGS
@given(specs=components.filter(bool), picks=st.lists(st.integers(0, 5), max_size=8))
def test_named_components_keep_their_order_and_repeats_as_columns(
    specs: list[dict[str, Any]], picks: list[int]
) -> None:
    with filled_store(specs) as store:
        names = [f"c-{pick % len(specs)}" for pick in picks]
        records = components_by_name(store, names)
        columns = columns_by_name(store, names)

    assert_same(columnar_answer(columns, {}), reference.table_answer(records))


@SETTINGS
@given(
    specs=components,
    chosen=st.fixed_dictionaries(
        {
            "components": st.lists(st.sampled_from([f"c-{i}" for i in range(6)]), max_size=3),
            "trials": st.lists(st.sampled_from(TRIALS), unique=True, max_size=2),
            "unassigned": st.booleans(),
            "search": st.sampled_from(
                [None, {"query": "parameters.lr > 0"}, {"query": "metrics.loss.last < 0"}]
            ),
        }
    ),
    limit=st.one_of(st.none(), st.integers(1, 4)),
    order=st.sampled_from([("CreationTime", "Ascending"), ("Metrics.loss.Max", "Descending")]),
)
def test_a_selection_resolves_to_the_same_components_as_columns(
    specs: list[dict[str, Any]],
    chosen: dict[str, Any],
    limit: int | None,
    order: tuple[str, str],
) -> None:
    known = {f"c-{i}" for i in range(len(specs))}
    chosen["components"] = [name for name in chosen["components"] if name in known]
    body = {key: value for key, value in chosen.items() if value} or {"unassigned": True}
    picked = Selection.from_json(body)
    sort = {"sort_by": order[0], "sort_order": order[1], "limit": limit}
    with filled_store(specs) as store:
        records = selection.resolve(store, picked, **sort)
        columns = selection.resolve_columns(store, picked, **sort)

    assert list(columns.names) == [c.trial_component_name for c in records]
    assert_same(columnar_answer(columns, {}), reference.table_answer(records))


def test_no_components_make_an_empty_table_and_an_empty_frame(store: LocalStore) -> None:
    page = store.search_trial_component_columns(None, limit=10)
    table = component_table(page.columns)

    assert (table.columns, table.rows(with_records=True)) == ([], [])
    assert table.dataframe().equals(pd.DataFrame())


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_columnar_search_pages_as_the_record_search_does(store: LocalStore, limit: int) -> None:
    for index in range(5):
        store.create_trial_component(f"c-{index}")
    pages = []
    cursor = None
    while True:
        page = store.search_trial_component_columns(
            None, sort_by="Name", limit=limit, cursor=cursor
        )
        record_page = store.search(
            TRIAL_COMPONENT, None, sort_by="Name", limit=limit, cursor=cursor
        )
        assert list(page.columns.names) == [c.trial_component_name for c in record_page.items]
        assert (page.next_cursor, page.total) == (record_page.next_cursor, record_page.total)
        pages.append(list(page.columns.names))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sum(pages, []) == [f"c-{index}" for index in reversed(range(5))]


class RecordsOnly(Store):
    """A store that answers records only, as the SageMaker store does: it gets the columnar path
    from :class:`Store`'s defaults."""

    def __init__(self, inner: LocalStore) -> None:
        super().__init__()
        self.inner = inner

    def search(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.search(*args, **kwargs)

    def list_trial_components(self, **kwargs: Any) -> Any:
        return self.inner.list_trial_components(**kwargs)

    def get_trial_component(self, name: str) -> TrialComponent:
        return self.inner.get_trial_component(name)

    def get_trial(self, name: str) -> Any:
        return self.inner.get_trial(name)

    def metric_points(self, component: str, metric_names: list[str] | None = None) -> Any:
        return self.inner.metric_points(component, metric_names)


@SETTINGS
@given(specs=components, names=filters)
def test_a_store_of_records_gets_the_same_tables_from_the_defaults(
    specs: list[dict[str, Any]], names: dict[str, Any]
) -> None:
    picked = Selection(trials=("t-1", "t-2"), unassigned=True)
    with filled_store(specs) as store:
        fast = selection.resolve_columns(store, picked)
        default = selection.resolve_columns(RecordsOnly(store), picked)
        by_name = columns_by_name(RecordsOnly(store), [f"c-{i}" for i in range(len(specs))])
        named = columns_by_name(store, [f"c-{i}" for i in range(len(specs))])
        arrays = [RecordsOnly(store).metric_arrays(f"c-{i}") for i in range(len(specs))]
        expected_arrays = [store.metric_arrays(f"c-{i}") for i in range(len(specs))]

    assert_same(columnar_answer(default, names), columnar_answer(fast, names))
    assert_same(columnar_answer(by_name, names), columnar_answer(named, names))
    for got, want in zip(arrays, expected_arrays, strict=True):
        assert got.metric_names == want.metric_names
        assert all(
            (getattr(got, field) == getattr(want, field)).all()
            for field in ("metric", "step", "has_step", "timestamp", "value")
        )
