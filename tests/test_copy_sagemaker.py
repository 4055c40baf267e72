"""``smx-lab copy`` from SageMaker (a world written by real boto3 SageMaker clients on the moto
server, with the suite's extension) into a real ``mlflow server``: MLflow's own client reads every
run, parameter, metric history and tag back as the source has them, and smx-lab's table over the
copy equals its table over the source, column for column. Also into and out of SageMaker from the
embedded store."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from copy_world import fill_local, points_of, run_cli, table, without_copy_tags
from mlflow import MlflowClient
from mlflow_fixtures import MlflowServerFactory
from mlflow_world import SWEEP, SWEEP_PARENT, World
from sagemaker_fixtures import ACCOUNT, REGION, Aws

from smx_lab.selection import Selection, resolve_columns
from smx_lab.stores.local import LocalStore
from smx_lab.stores.mlflow import MlflowStore
from smx_lab.table import component_table

pytest_plugins = ["mlflow_fixtures", "sagemaker_fixtures"]

EXPERIMENTS = ["cifar", "mnist"]


@pytest.fixture
def boto3_configured(seeded: Aws, monkeypatch: pytest.MonkeyPatch) -> Aws:
    """boto3's own configuration pointed at the moto server: what ``--from sagemaker`` uses."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", seeded.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(variable, raising=False)
    return seeded


def test_sagemaker_copied_into_mlflow_reads_back_as_the_source_has_it(
    boto3_configured: Aws, mlflow_server_factory: MlflowServerFactory
) -> None:
    server = mlflow_server_factory()
    code, out, err = run_cli("copy", "--from", "sagemaker", "--to", f"mlflow:{server.url}")
    assert code == 0, err
    assert "components: 5 copied (5 new" in out

    source = boto3_configured.store()
    client = MlflowClient(server.url)
    every = [e.experiment_id for e in client.search_experiments()]
    runs = {
        r.data.tags["smx-lab.name"]: r
        for r in client.search_runs(every, "tags.`smx-lab.kind` = 'component'")
    }
    names = sorted(table(source, EXPERIMENTS))
    assert sorted(runs) == names
    for name in names:
        component, run = source.get_trial_component(name), runs[name]
        assert run.info.run_name == (component.display_name or name)
        assert run.data.params == {
            key: value if isinstance(value, str) else f"{value:g}"
            for key, value in component.parameters.items()
        }
        assert {k: run.data.tags[k] for k in component.tags} == component.tags
        logged = sorted(
            (key, m.step, m.timestamp, m.value)
            for key in run.data.metrics
            for m in client.get_metric_history(run.info.run_id, key)
        )
        assert logged == sorted(
            (metric, step, timestamp, value)
            for metric, step, timestamp, value in points_of(source, name)
        ), name


def test_the_table_over_the_mlflow_copy_equals_the_table_over_sagemaker(
    boto3_configured: Aws, mlflow_server_factory: MlflowServerFactory
) -> None:
    server = mlflow_server_factory()
    code, _, err = run_cli("copy", "--from", "sagemaker", "--to", f"mlflow:{server.url}")
    assert code == 0, err

    selection = Selection.from_json({"experiments": EXPERIMENTS, "unassigned": True})
    source = component_table(resolve_columns(boto3_configured.store(), selection))
    copied = MlflowStore(tracking_uri=server.url, cache_seconds=0)
    copy = component_table(resolve_columns(copied, selection))
    assert sorted(copy.columns) == sorted(source.columns)
    by_name = {
        name: row for name, row in zip(copy.values[0], zip(*copy.values, strict=True), strict=True)
    }
    for row in zip(*source.values, strict=True):
        got = dict(zip(copy.columns, by_name[row[0]], strict=True))
        for column, value in zip(source.columns, row, strict=True):
            assert same(got[column], value), (row[0], column, got[column], value)
    # ... and the list's own columns (Status, CreationTime, LastModifiedTime) too.
    wanted = table(boto3_configured.store(), EXPERIMENTS)
    for name, row in table(copied, EXPERIMENTS).items():
        assert sorted(row) == sorted(wanted[name])
        for column, value in row.items():
            assert same(value, wanted[name][column]), (name, column, value, wanted[name][column])


def same(got: object, wanted: object) -> bool:
    """Equal; a mean or a standard deviation equal to the last bits: SageMaker keeps them as
    running sums as points arrive, the MLflow store computes them from every point at once."""
    if isinstance(got, float) and isinstance(wanted, float):
        return math.isclose(got, wanted, rel_tol=1e-12, abs_tol=1e-15)
    return got == wanted


def test_the_embedded_store_copied_into_sagemaker_and_back(
    boto3_configured: Aws, tmp_path: Path
) -> None:
    world = fill_local(tmp_path / "source.sqlite", "sm-", steps=12)
    # Local files go to SageMaker's default bucket, as the SageMaker SDK puts them.
    boto3_configured.client("s3").create_bucket(Bucket=f"sagemaker-{REGION}-{ACCOUNT}")
    code, out, err = run_cli("copy", "--from", f"local:{world.path}", "--to", "sagemaker")
    assert code == 0, err
    back = tmp_path / "back.sqlite"
    code, _, err = run_cli(
        "copy",
        "--from",
        "sagemaker",
        "--to",
        f"local:{back}",
        *sum((["--experiment", e] for e in world.experiments), []),
    )
    assert code == 0, err

    original, returned = LocalStore(world.path), LocalStore(back)
    for name in world.components[:-1]:  # the one in no trial is not in these experiments
        a, b = original.get_trial_component(name), returned.get_trial_component(name)
        assert (b.display_name, b.parameters, without_copy_tags(b.tags)) == (
            a.display_name,
            a.parameters,
            a.tags,
        )
        assert (b.status, b.start_time, b.end_time) == (a.status, a.start_time, a.end_time)
        assert sorted(p.trial_name for p in b.parents) == sorted(p.trial_name for p in a.parents)
        # SageMaker answers each step's point to the second; a point logged without a step is
        # numbered by its place among its metric's points.
        assert [(m, s, v) for m, s, _, v in points_of(returned, name)] == numbered(
            points_of(original, name)
        )


def numbered(points: list[tuple[str, int | None, float, float]]) -> list[tuple[str, int, float]]:
    seen: dict[str, int] = {}
    out = []
    for metric, step, _, value in points:
        seen[metric] = seen.get(metric, -1) + 1
        out.append((metric, step if step is not None else seen[metric], value))
    return sorted(out)


def test_an_mlflow_experiment_copied_into_sagemaker(
    boto3_configured: Aws, mlflow_world: World
) -> None:
    code, _, err = run_cli(
        "copy",
        "--from",
        f"mlflow:{mlflow_world.tracking_uri}",
        "--to",
        "sagemaker",
        "--experiment",
        SWEEP,
    )
    assert code == 0, err

    store = boto3_configured.store()
    parent = mlflow_world.run(SWEEP_PARENT)
    members = store.list_trial_components(trial_name=parent.run_id).items
    assert sorted(c.trial_component_name for c in members) == sorted(
        run.run_id for run in mlflow_world.runs_of(SWEEP)
    )
    child = mlflow_world.children(SWEEP_PARENT)[0]
    copied = store.get_trial_component(child.run_id)
    # SageMaker's name rules take no dot: the display name is made to fit, the original kept.
    assert copied.display_name == child.run_name.replace(".", "-")
    assert copied.tags["smx-lab.display-name"] == child.run_name
    assert copied.parameters == {
        key: value if isinstance(value, str) else float(value)
        for key, value in child.params.items()
    }
    points = sorted((p.metric_name, p.step, p.value) for p in store.metric_points(child.run_id))
    assert points == sorted(
        (metric, point.step, point.value)
        for metric, written in child.metrics.items()
        for point in written
    )
