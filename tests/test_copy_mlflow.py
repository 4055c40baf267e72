"""``smx-lab copy`` between the embedded store and a real ``mlflow server``: the copy reads back
with the source's table, a round trip gives the original back, running again copies only what
changed, and a copy that cannot go on stops naming the component without leaving half of it."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from copy_world import (
    LocalWorld,
    fill_local,
    points_of,
    run_cli,
    table,
    without_copy_tags,
)
from mlflow import MlflowClient
from mlflow_fixtures import MlflowServer, MlflowServerFactory

from smx_lab.model import MetricPoint, SeriesQuery
from smx_lab.stores.local import LocalStore
from smx_lab.stores.mlflow import MlflowStore

pytest_plugins = ["mlflow_fixtures"]

_prefixes = (f"w{n}-" for n in itertools.count())


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """A server of this module's own: its copies must not show up in other modules' searches."""
    with MlflowServer(tmp_path_factory.mktemp("mlflow-copies")) as server:
        yield server


@pytest.fixture
def world(tmp_path: Path) -> LocalWorld:
    """A new world with names of its own, so that tests can share one MLflow server."""
    return fill_local(tmp_path / "source.sqlite", next(_prefixes))


def copy(world: LocalWorld, target: str, *more: str) -> str:
    code, out, err = run_cli("copy", "--from", f"local:{world.path}", "--to", target, *more)
    assert code == 0, err
    return out


def copies_of(client: MlflowClient, name: str) -> list[object]:
    """Every active run that says it is the component (or trial) called ``name``."""
    every = [e.experiment_id for e in client.search_experiments()]
    return list(client.search_runs(every, f"tags.`smx-lab.name` = '{name}'"))


def test_the_copy_reads_back_with_the_table_of_its_source(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    copy(world, f"mlflow:{mlflow_server.url}")

    source = LocalStore(world.path)
    copied = MlflowStore(tracking_uri=mlflow_server.url, cache_seconds=0)
    wanted = table(source, world.experiments)
    got = table(copied, world.experiments)
    got = {name: row for name, row in got.items() if name.startswith(world.prefix)}
    assert sorted(got) == sorted(wanted)
    for name, row in wanted.items():
        assert sorted(got[name]) == sorted(row), name  # the same columns
        for column, value in row.items():
            if isinstance(value, str) and value.startswith("file://"):
                # A local file is uploaded into the run's artifacts: the same file, elsewhere.
                copied_file = Path(got[name][column].removeprefix("file://"))
                assert copied_file.read_bytes() == Path(value[len("file://") :]).read_bytes()
            else:
                assert got[name][column] == value, (name, column)


def test_mlflow_sees_trials_as_parent_runs_and_a_shared_component_once(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    copy(world, f"mlflow:{mlflow_server.url}")

    client = MlflowClient(mlflow_server.url)
    p = world.prefix
    (trial,) = copies_of(client, f"{p}trial-0")
    (training,) = copies_of(client, f"{p}training-0")
    assert training.data.tags["mlflow.parentRunId"] == trial.info.run_id  # type: ignore[attr-defined]
    assert trial.data.tags["smx-lab.kind"] == "trial"  # type: ignore[attr-defined]
    (shared,) = copies_of(client, f"{p}preprocessing")
    tags = shared.data.tags  # type: ignore[attr-defined]
    assert tags["smx-lab.complete"] == "true"
    assert tags["smx-lab.trials"] == (
        f'[["{p}trial-0","{p}digits"],["{p}trial-1","{p}digits"],["{p}other-trial","{p}other"]]'
    )
    history = client.get_metric_history(training.info.run_id, "train:loss")  # type: ignore[attr-defined]
    assert [m.step for m in history] == list(range(50))
    assert shared.data.params == {"mean": "0.1307", "version": "2", "kind": "scale"}  # type: ignore[attr-defined]


def test_a_round_trip_through_mlflow_gives_the_original_back(
    world: LocalWorld, mlflow_server_factory: MlflowServerFactory, tmp_path: Path
) -> None:
    server = mlflow_server_factory()
    copy(world, f"mlflow:{server.url}")
    back = tmp_path / "back.sqlite"
    code, _, err = run_cli("copy", "--from", f"mlflow:{server.url}", "--to", f"local:{back}")
    assert code == 0, err

    original, returned = LocalStore(world.path), LocalStore(back)
    # MLflow always has its Default experiment: here it holds the component in no trial.
    assert [e.experiment_name for e in returned.list_experiments(sort_by="Name").items] == sorted(
        ["Default", *world.experiments], reverse=True
    )
    for name in world.experiments:
        a, b = original.get_experiment(name), returned.get_experiment(name)
        assert (a.description, a.creation_time, a.tags) == (
            b.description,
            b.creation_time,
            without_copy_tags(b.tags),
        )
        trials = lambda s, e=name: [  # noqa: E731
            (t.trial_name, t.creation_time, without_copy_tags(t.tags))
            for t in s.list_trials(e, sort_by="Name").items
        ]
        assert trials(original) == trials(returned)
    for name in world.components:
        a, b = original.get_trial_component(name), returned.get_trial_component(name)
        a_record, b_record = a.to_dict(), b.to_dict()
        for record in (a_record, b_record):
            record["Tags"] = [t for t in record.get("Tags", []) if not t["Key"].startswith("smx")]
            record.pop("OutputArtifacts", None)  # files: their contents are compared below
        assert b_record == a_record, name
        assert points_of(returned, name) == points_of(original, name), name
        for key, artifact in a.output_artifacts.items():
            there = Path(b.output_artifacts[key].value.removeprefix("file://"))
            assert there.read_text() == Path(artifact.value.removeprefix("file://")).read_text()


def test_running_again_copies_only_what_changed(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    target = f"mlflow:{mlflow_server.url}"
    copy(world, target)
    again = copy(world, target)
    assert (
        f"0 copied (0 new, 0 changed or left incomplete), {len(world.components)} unchanged"
        in again
    )

    name = f"{world.prefix}training-1"
    source = LocalStore(world.path)
    source.log_metrics(name, [MetricPoint("train:loss", 0.001, time.time(), 50)])
    changed = copy(world, target)
    assert "1 copied (0 new, 1 changed or left incomplete)" in changed

    client = MlflowClient(mlflow_server.url)
    (run,) = copies_of(client, name)  # the old copy is gone
    history = client.get_metric_history(run.info.run_id, "train:loss")  # type: ignore[attr-defined]
    assert len(history) == 51


def test_a_component_joining_a_trial_is_moved_not_copied_again(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    target = f"mlflow:{mlflow_server.url}"
    copy(world, target)
    LocalStore(world.path).associate_trial_component(
        f"{world.prefix}training-0", f"{world.prefix}other-trial"
    )
    out = copy(world, target)
    assert "1 copies moved between trials" in out

    copied = MlflowStore(tracking_uri=mlflow_server.url, cache_seconds=0)
    parents = copied.get_trial_component(f"{world.prefix}training-0").parents
    assert [p.trial_name for p in parents] == [
        f"{world.prefix}trial-0",
        f"{world.prefix}other-trial",
    ]
    members = copied.list_trial_components(trial_name=f"{world.prefix}other-trial").items
    assert sorted(c.trial_component_name for c in members) == [
        f"{world.prefix}preprocessing",
        f"{world.prefix}training-0",
    ]


def test_a_dry_run_says_what_it_would_copy_and_writes_nothing(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    out = copy(world, f"mlflow:{mlflow_server.url}", "--dry-run")

    assert out.startswith("dry run: nothing written")
    assert f"experiments: 2 to create: {world.prefix}digits, {world.prefix}other" in out
    assert f"components: {len(world.components)} to copy ({len(world.components)} new" in out
    assert f"points: about {world.points:,} to copy" in out
    assert copies_of(MlflowClient(mlflow_server.url), f"{world.prefix}training-0") == []


def test_since_copies_only_components_changed_since(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    cut = time.time()
    time.sleep(0.01)
    LocalStore(world.path).log_metrics(
        f"{world.prefix}loner", [MetricPoint("x", 2.5, time.time(), 1)]
    )
    out = copy(world, f"mlflow:{mlflow_server.url}", "--since", str(cut))

    assert "components: 1 copied (1 new, 0 changed or left incomplete), 0 unchanged" in out
    assert len(copies_of(MlflowClient(mlflow_server.url), f"{world.prefix}loner")) == 1


def test_an_incomplete_copy_is_written_again_and_a_doubled_one_removed(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    target = f"mlflow:{mlflow_server.url}"
    copy(world, target)
    client = MlflowClient(mlflow_server.url)
    (run,) = copies_of(client, f"{world.prefix}training-0")
    client.delete_tag(run.info.run_id, "smx-lab.complete")  # type: ignore[attr-defined]
    (loner,) = copies_of(client, f"{world.prefix}loner")
    doubled = client.create_run(
        loner.info.experiment_id,  # type: ignore[attr-defined]
        tags={k: v for k, v in loner.data.tags.items() if k.startswith("smx-lab.")},  # type: ignore[attr-defined]
    )

    out = copy(world, target)
    assert "1 copied (0 new, 1 changed or left incomplete)" in out
    (again,) = copies_of(client, f"{world.prefix}training-0")
    assert again.info.run_id != run.info.run_id  # type: ignore[attr-defined]
    assert again.data.tags["smx-lab.complete"] == "true"  # type: ignore[attr-defined]
    assert [r.info.run_id for r in copies_of(client, f"{world.prefix}loner")] in (  # type: ignore[attr-defined]
        [loner.info.run_id],  # type: ignore[attr-defined]
        [doubled.info.run_id],
    )


def test_a_name_mlflow_refuses_stops_the_copy_naming_it_and_leaves_no_half_run(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    bad = f"{world.prefix}training-1"
    LocalStore(world.path).log_metrics(bad, [MetricPoint("loss(val)", 0.5, time.time(), 0)])

    code, _, err = run_cli(
        "copy", "--from", f"local:{world.path}", "--to", f"mlflow:{mlflow_server.url}"
    )
    assert code == 1
    assert f"TrialComponent '{bad}'" in err and "metric 'loss(val)'" in err
    client = MlflowClient(mlflow_server.url)
    assert copies_of(client, bad) == []
    for name in world.components:
        for run in copies_of(client, name):
            assert run.data.tags.get("smx-lab.complete") == "true", name  # type: ignore[attr-defined]


def test_the_mlflow_store_finds_copies_by_their_names(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    copy(world, f"mlflow:{mlflow_server.url}")
    store = MlflowStore(tracking_uri=mlflow_server.url, cache_seconds=0)
    p = world.prefix

    trial = store.get_trial(f"{p}trial-1")
    assert (trial.experiment_name, trial.trial_component_count) == (f"{p}digits", 3)
    found = store.search(
        "ExperimentTrialComponent",
        {"Filters": [{"Name": "TrialComponentName", "Operator": "Equals", "Value": f"{p}failed"}]},
    ).items
    assert [c.trial_component_name for c in found] == [f"{p}failed"]
    assert found[0].status is not None and found[0].status.to_dict() == {
        "PrimaryStatus": "Failed",
        "Message": "ValueError: the loss went to NaN",
    }
    in_trial = store.search(
        "ExperimentTrialComponent",
        {
            "Filters": [
                {"Name": "Parents.TrialName", "Operator": "Equals", "Value": f"{p}other-trial"}
            ]
        },
    ).items
    assert [c.trial_component_name for c in in_trial] == [f"{p}preprocessing"]
    names = [f"{p}training-1", f"{p}preprocessing"]
    rows = table_of_components(store, names)
    assert [row["TrialComponentName"] for row in rows] == names
    series = store.metric_series([SeriesQuery(f"{p}training-0", "train:loss")], max_points=10)
    assert series[0].raw_count == 50
    unassigned = store.list_trial_components(unassigned=True).items
    assert f"{p}loner" in [c.trial_component_name for c in unassigned]
    loner = store.get_trial_component(f"{p}loner")
    assert loner.parents == []


def table_of_components(store: MlflowStore, names: list[str]) -> list[dict[str, object]]:
    from smx_lab.selection import Selection, resolve_columns
    from smx_lab.table import component_table

    selection = Selection.from_json({"components": names})
    return component_table(resolve_columns(store, selection)).rows()


def test_experiments_copied_one_at_a_time_share_one_run(
    world: LocalWorld, mlflow_server: MlflowServer
) -> None:
    for experiment in reversed(world.experiments):  # "other" first, then "digits"
        copy(world, f"mlflow:{mlflow_server.url}", "--experiment", experiment)

    p = world.prefix
    assert len(copies_of(MlflowClient(mlflow_server.url), f"{p}preprocessing")) == 1
    copied = MlflowStore(tracking_uri=mlflow_server.url, cache_seconds=0)
    parents = copied.get_trial_component(f"{p}preprocessing").parents
    assert sorted(x.trial_name for x in parents) == [
        f"{p}other-trial",
        f"{p}trial-0",
        f"{p}trial-1",
    ]
    in_digits = copied.list_trial_components(experiment_name=f"{p}digits").items
    assert f"{p}preprocessing" in [c.trial_component_name for c in in_digits]
    assert copied.get_trial(f"{p}trial-0").trial_component_count == 2
