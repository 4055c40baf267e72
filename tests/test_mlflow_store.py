"""The MLflow store over a real ``mlflow server`` (SQLite backend, local artifact root) holding the
world of :mod:`mlflow_world`, written by the real ``mlflow`` client; every answer is checked
against what was written."""

from __future__ import annotations

import math
import os
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from mlflow import MlflowClient
from mlflow_fixtures import MlflowServer, free_port
from mlflow_world import BASELINES, GIT_COMMIT, SWEEP, SWEEP_PARENT, World

from smx_lab.errors import NotFound, SmxError, StoreUnavailable, ValidationError
from smx_lab.model import SeriesQuery, TrialComponent
from smx_lab.query import compile_text, evaluate
from smx_lab.reduce import reduce_series
from smx_lab.stores.mlflow import MlflowStore
from smx_lab.stores.mlflow.backend import uri_kind
from smx_lab.stores.mlflow.pushdown import push_down

pytest_plugins = ["mlflow_fixtures"]

COMPONENT = "ExperimentTrialComponent"


@pytest.fixture
def store(mlflow_world: World) -> MlflowStore:
    opened = MlflowStore(tracking_uri=mlflow_world.tracking_uri, cache_seconds=60)
    yield opened
    opened.close()


def every_component(store: MlflowStore, **scope: Any) -> list[TrialComponent]:
    return store.list_trial_components(limit=1000, **scope).items


def by_display_name(components: list[TrialComponent]) -> dict[str, TrialComponent]:
    return {c.display_name or "": c for c in components}


# -- mapping -----------------------------------------------------------------------------------


def test_info_names_the_server_its_version_and_the_uri_kind(store: MlflowStore) -> None:
    import mlflow

    info = store.info()

    assert (info["kind"], info["uri_kind"]) == ("mlflow", "http")
    assert info["mlflow_version"] == mlflow.__version__
    assert info["tracking_uri"] in info["description"]


def test_experiments_carry_description_and_user_tags(store: MlflowStore, mlflow_world: World):
    names = [e.experiment_name for e in store.list_experiments(limit=100).items]
    sweep = store.get_experiment(SWEEP)

    assert {SWEEP, BASELINES} <= set(names)
    assert sweep.description == mlflow_world.experiments[SWEEP].description
    assert sweep.tags == mlflow_world.experiments[SWEEP].tags
    assert sweep.trial_count == 1


def test_a_parent_run_with_children_is_a_trial_of_them_and_itself(
    store: MlflowStore, mlflow_world: World
) -> None:
    parent = mlflow_world.run(SWEEP_PARENT)
    trials = store.list_trials(SWEEP).items

    assert [(t.trial_name, t.display_name) for t in trials] == [(parent.run_id, SWEEP_PARENT)]
    assert trials[0].trial_component_count == 5
    members = every_component(store, trial_name=parent.run_id)
    expected = {parent.run_id} | {c.run_id for c in mlflow_world.children(SWEEP_PARENT)}
    assert {c.trial_component_name for c in members} == expected
    for member in members:
        assert [(p.trial_name, p.experiment_name) for p in member.parents] == [
            (parent.run_id, SWEEP)
        ]


def test_runs_without_parent_or_children_make_the_default_run_group(
    store: MlflowStore, mlflow_world: World
) -> None:
    trials = store.list_trials(BASELINES).items

    assert [t.trial_name for t in trials] == [f"Default-Run-Group-{BASELINES}"]
    members = every_component(store, trial_name=trials[0].trial_name)
    assert sorted(c.display_name for c in members) == sorted(
        r.run_name for r in mlflow_world.runs_of(BASELINES)
    )
    assert store.get_trial(trials[0].trial_name).trial_component_count == 3


def test_parameters_tags_statuses_and_users_are_mapped(
    store: MlflowStore, mlflow_world: World
) -> None:
    found = by_display_name(every_component(store))
    statuses = {"FINISHED": "Completed", "FAILED": "Failed", "RUNNING": "InProgress"}

    for name, run in mlflow_world.runs.items():
        component = found[name]
        assert component.trial_component_name == run.run_id
        assert component.status is not None
        assert component.status.primary_status == statuses[run.status]
        for key, value in run.params.items():
            expected = float(value) if isinstance(value, int | float) else value
            assert component.parameters[key] == expected
        assert component.tags == {k: v for k, v in run.tags.items() if not k.startswith("mlflow.")}
        assert component.created_by
        assert component.source is not None
        assert component.source.source_arn == f"runs:/{run.run_id}"


def test_statistics_are_exact_over_every_point(store: MlflowStore, mlflow_world: World) -> None:
    found = by_display_name(every_component(store))

    for name, run in mlflow_world.runs.items():
        summaries = {m.metric_name: m for m in found[name].metrics}
        assert set(summaries) == set(run.metrics)
        for metric in run.metrics:
            expected = run.summary(metric)
            got = summaries[metric]
            assert (got.count, got.min, got.max, got.last) == (
                expected["Count"],
                expected["Min"],
                expected["Max"],
                expected["Last"],
            )
            assert math.isclose(got.avg, expected["Avg"], rel_tol=1e-12)
            assert math.isclose(got.std_dev, expected["StdDev"], rel_tol=1e-9, abs_tol=1e-12)


def test_the_component_view_lists_artifacts_datasets_and_run_info(
    store: MlflowStore, mlflow_world: World
) -> None:
    run = mlflow_world.run("baseline-logreg")
    component = store.get_trial_component(run.run_id)

    assert sorted(component.output_artifacts) == run.artifacts
    for path, artifact in component.output_artifacts.items():
        assert Path(artifact.value).is_file(), path
    assert component.output_artifacts["notes.txt"].media_type == "text/plain"
    assert list(component.input_artifacts) == ["digits-sample"]
    detail = component.source_detail
    assert (detail["RunId"], detail["ExperimentName"]) == (run.run_id, BASELINES)
    assert detail["Tags"]["source.git.commit"] == GIT_COMMIT


def test_unknown_names_are_404s(store: MlflowStore) -> None:
    with pytest.raises(NotFound) as experiment:
        store.get_experiment("no-such-experiment")
    with pytest.raises(NotFound) as trial:
        store.get_trial("0123456789abcdef0123456789abcdef")
    with pytest.raises(NotFound) as component:
        store.get_trial_component("0123456789abcdef0123456789abcdef")
    with pytest.raises(NotFound):
        store.list_trials("no-such-experiment")

    assert (experiment.value.kind, trial.value.kind, component.value.kind) == (
        "Experiment",
        "Trial",
        "TrialComponent",
    )


# -- search, sort, pages -----------------------------------------------------------------------


def expected_names(store: MlflowStore, query: str) -> set[str]:
    """The query evaluated in plain Python over every component (records read one by one)."""
    expression = compile_text(query, COMPONENT)
    every = [store.get_trial_component(c.trial_component_name) for c in every_component(store)]
    return {c.display_name or "" for c in every if evaluate(expression, c)}


@pytest.mark.parametrize(
    "query",
    [
        'parameters.optimizer = "sgd" and metrics.test:accuracy.last > 0.5',
        "tags.team = 'vision'",
        "metrics.train:loss.max > 2",
        "status = 'Failed' or parameters.solver = 'saga'",
        "parameters.lr >= 0.01 or metrics.val:loss.min < 0.4",
        "displayname contains 'BASELINE' and parameters.C != 1000",
    ],
)
def test_search_answers_what_plain_python_answers(store: MlflowStore, query: str) -> None:
    page = store.search(COMPONENT, compile_text(query, COMPONENT), limit=1000)

    assert {c.display_name for c in page.items} == expected_names(store, query)
    assert page.total == len(page.items)


def test_what_mlflow_cannot_filter_is_said_in_the_notes(store: MlflowStore) -> None:
    pushed = store.search(COMPONENT, compile_text("parameters.optimizer = 'adam'", COMPONENT))
    with_or = store.search(
        COMPONENT, compile_text("parameters.optimizer = 'adam' or tags.team = 'vision'", COMPONENT)
    )

    assert pushed.notes == []
    assert len(with_or.notes) == 1 and "'or'" in with_or.notes[0]


def test_an_and_chain_compiles_to_one_mlflow_filter() -> None:
    expression = compile_text(
        'parameters.optimizer = "sgd" and metrics.test:accuracy.last > 0.5 and tags.team = "x" '
        "and displayname contains 'lr' and status = 'Failed'",
        COMPONENT,
    )
    plan = push_down(expression)

    assert plan.filter_string == (
        "params.`optimizer` = 'sgd' and metrics.`test:accuracy` > 0.5 and tags.`team` = 'x' "
        "and attributes.run_name ILIKE '%lr%' and attributes.status = 'FAILED'"
    )
    assert plan.residual == []
    with_max = push_down(compile_text("metrics.test:accuracy.max > 0.5", COMPONENT))
    assert (with_max.filter_string, len(with_max.residual)) == ("", 1)


@pytest.mark.parametrize("order", ["Ascending", "Descending"])
@pytest.mark.parametrize(
    "sort_by", ["Metrics.test:accuracy.Max", "Metrics.train:loss.StdDev", "Parameters.lr", "Name"]
)
def test_sorting_by_any_statistic_or_parameter(
    store: MlflowStore, sort_by: str, order: str
) -> None:
    page = store.list_trial_components(experiment_name=SWEEP, sort_by=sort_by, sort_order=order)
    prefix, _, rest = sort_by.partition(".")

    def key(c: TrialComponent) -> Any:
        if prefix == "Metrics":
            metric, _, statistic = rest.rpartition(".")
            found = c.metric(metric)
            return None if found is None else found.statistic(statistic)
        if prefix == "Parameters":
            return c.parameters.get(rest)
        return c.trial_component_name

    keys = [key(c) for c in page.items]
    present = [k for k in keys if k is not None]
    assert keys == present + [None] * (len(keys) - len(present))  # missing values last
    assert present == sorted(present, reverse=order == "Descending")


def test_pages_cover_every_match_once(store: MlflowStore) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        page = store.list_trial_components(limit=2, cursor=cursor, sort_by="Name")
        seen += [c.trial_component_name for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break

    assert sorted(seen) == sorted(set(seen))
    assert len(seen) == page.total
    with pytest.raises(ValidationError) as error:
        store.list_trials(SWEEP, cursor=page.next_cursor or "bm90IGEgY3Vyc29y")
    assert error.value.field == "cursor"


# -- series ------------------------------------------------------------------------------------


@pytest.mark.parametrize("x_axis", ["step", "time"])
def test_series_are_every_point_reduced_by_smx_labs_contract(
    store: MlflowStore, mlflow_world: World, x_axis: str
) -> None:
    run = mlflow_world.run("lr-0.1-sgd")
    points = run.metrics["train:loss"]
    x = [p.step if x_axis == "step" else p.timestamp / 1000 for p in points]
    expected = reduce_series(x, [p.value for p in points], 8)

    (series,) = store.metric_series(
        [SeriesQuery(run.run_id, "train:loss")],
        x_axis=x_axis,
        max_points=8,  # type: ignore[arg-type]
    )

    assert (series.x, series.y, series.raw_count, series.reduced) == (
        expected.x,
        expected.y,
        20,
        True,
    )
    zoomed = store.metric_series([SeriesQuery(run.run_id, "train:loss")], x_range=(5, 9))[0]
    assert zoomed.x == [5, 6, 7, 8, 9]


def test_metric_points_are_every_point_written(store: MlflowStore, mlflow_world: World) -> None:
    run = mlflow_world.run("baseline-logreg")
    points = store.metric_points(run.run_id)

    got = sorted((p.metric_name, p.step, round(p.timestamp * 1000), p.value) for p in points)
    written = sorted(
        (metric, p.step, p.timestamp, p.value) for metric, ps in run.metrics.items() for p in ps
    )
    assert got == written


# -- caching and live runs ---------------------------------------------------------------------


def test_a_second_view_costs_no_call(store: MlflowStore) -> None:
    every_component(store, experiment_name=SWEEP)
    before = store.backend.calls
    every_component(store, experiment_name=SWEEP)

    assert store.backend.calls == before


def test_finished_runs_histories_are_not_read_again(mlflow_world: World) -> None:
    store = MlflowStore(tracking_uri=mlflow_world.tracking_uri, cache_seconds=0)
    every_component(store, experiment_name=SWEEP)
    before = store.backend.calls
    every_component(store, experiment_name=SWEEP)

    # Runs and families are asked again (no cache); no metric history is.
    assert store.backend.calls - before == 2
    store.close()


def test_a_running_run_shows_new_points(mlflow_server: MlflowServer, mlflow_world: World) -> None:
    client = MlflowClient(mlflow_server.url)
    experiment_id = client.create_experiment(f"live-{time.time_ns()}")
    run = client.create_run(experiment_id, run_name="still-training")
    for step in range(3):
        client.log_metric(run.info.run_id, "loss", 1.0 / (step + 1), step=step)
    store = MlflowStore(tracking_uri=mlflow_server.url, cache_seconds=0)

    first = store.get_trial_component(run.info.run_id).metric("loss")
    for step in range(3, 7):
        client.log_metric(run.info.run_id, "loss", 5.0 + step, step=step)
    second = store.get_trial_component(run.info.run_id).metric("loss")

    assert first is not None and second is not None
    assert (first.count, first.max) == (3, 1.0)
    assert (second.count, second.max, second.last) == (7, 11.0, 11.0)
    assert second.avg == statistics.fmean([1.0, 0.5, 1 / 3, 8.0, 9.0, 10.0, 11.0])
    store.close()


def test_the_same_world_through_the_database_uri(
    mlflow_server: MlflowServer, mlflow_world: World, store: MlflowStore
) -> None:
    direct = MlflowStore(tracking_uri=mlflow_server.backend_store_uri)

    over_http = {c.trial_component_name: c.to_dict() for c in every_component(store)}
    in_process = {c.trial_component_name: c.to_dict() for c in every_component(direct)}

    assert direct.info()["uri_kind"] == "database"
    assert set(in_process) >= {r.run_id for r in mlflow_world.runs.values()}
    for run in mlflow_world.runs.values():
        assert in_process[run.run_id] == over_http[run.run_id]
    direct.close()


# -- errors ------------------------------------------------------------------------------------


def test_an_unreachable_server_is_a_503_naming_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    store = MlflowStore(tracking_uri=url, max_retries=0, timeout=5)

    with pytest.raises(StoreUnavailable) as error:
        store.list_experiments()

    assert error.value.status == 503
    assert url in error.value.message
    store.close()


@pytest.mark.parametrize(
    ("uri", "kind"),
    [
        ("http://mlflow.example:5000", "http"),
        ("https://mlflow.example", "http"),
        ("arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/team", "sagemaker"),
        ("arn:aws:sagemaker:eu-west-1:123456789012:mlflow-app/app-abc", "sagemaker"),
        ("sqlite:////tmp/mlflow.db", "database"),
        ("postgresql://user@db/mlflow", "database"),
        ("./mlruns", "folder"),
        ("file:///tmp/mlruns", "folder"),
    ],
)
def test_uri_kinds(uri: str, kind: str) -> None:
    assert uri_kind(uri) == kind


@pytest.mark.parametrize(
    "uri", ["ftp://x/y", "databricks", "arn:aws:s3:::bucket", "arn:aws:sagemaker:r:1:endpoint/x"]
)
def test_a_uri_of_an_unknown_kind_is_refused_naming_the_setting(uri: str) -> None:
    with pytest.raises(ValidationError) as error:
        MlflowStore(tracking_uri=uri)

    assert error.value.field == "tracking_uri"
    assert error.value.status == 400


def test_credentials_in_the_uri_are_not_shown(mlflow_server: MlflowServer) -> None:
    with_password = mlflow_server.url.replace("http://", "http://alice:s3cret@")
    store = MlflowStore(tracking_uri=with_password)

    assert "s3cret" not in str(store.info())
    store.close()


def test_settings_are_checked() -> None:
    for bad in ({"max_concurrency": 0}, {"max_retries": -1}, {"cache_seconds": -1.0}):
        with pytest.raises(SmxError) as error:
            MlflowStore(tracking_uri="http://127.0.0.1:1", **bad)
        assert next(iter(bad)) in error.value.message


def test_mlflow_tracking_uri_from_the_environment(
    mlflow_server: MlflowServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server.url)
    store = MlflowStore()

    assert store.info()["tracking_uri"] == mlflow_server.url
    assert os.environ["MLFLOW_TRACKING_URI"] == mlflow_server.url
    store.close()


def test_a_dataset_input_is_named_and_points_at_its_digest(
    store: MlflowStore, mlflow_world: World
) -> None:
    run = mlflow_world.run("baseline-logreg")
    (logged,) = run.inputs

    dataset = store.get_trial_component(run.run_id).input_artifacts[logged["name"]]

    assert dataset.value == f"mlflow-dataset:/{logged['digest']}"
    assert dataset.media_type == "code"


def test_a_metric_the_run_never_logged_is_a_404(store: MlflowStore, mlflow_world: World) -> None:
    run = mlflow_world.run("baseline-broken")

    with pytest.raises(NotFound) as error:
        store.metric_series([SeriesQuery(run.run_id, "test:accuracy")])

    assert error.value.kind == "Metric"
