"""The tracking API against a real embedded store: smexperiments' classes, Run, names, errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from smx_lab import Experiment, Run, Tracker, Trial, TrialComponent, load_run, tracking
from smx_lab.errors import AlreadyExists, NotFound, ValidationError
from smx_lab.stores.local import LocalStore


def test_the_default_store_is_the_file_named_by_smx_lab_db(_isolated_default_store: Path) -> None:
    Experiment.create(experiment_name="where-am-i")

    assert [
        e.experiment_name for e in LocalStore(_isolated_default_store).list_experiments().items
    ] == ["where-am-i"]


def test_a_store_argument_overrides_the_default(
    store: LocalStore, _isolated_default_store: Path
) -> None:
    Experiment.create(experiment_name="explicit", store=store)

    assert store.get_experiment("explicit").experiment_name == "explicit"
    assert LocalStore(_isolated_default_store).list_experiments().items == []


def test_aws_only_arguments_are_accepted_and_ignored(store: LocalStore) -> None:
    experiment = Experiment.create(
        experiment_name="aws-style",
        description="d",
        tags=[{"Key": "team", "Value": "ml"}],
        sagemaker_boto_client=None,
        store=store,
    )
    with Tracker.create(
        display_name="Preprocessing",
        artifact_bucket="bucket",
        artifact_prefix="p",
        boto3_session=None,
        store=store,
    ) as tracker:
        tracker.log_parameter("k", 1)

    assert experiment.tags == {"team": "ml"}
    assert TrialComponent.load(tracker.trial_component_name, store=store).parameters == {"k": 1.0}


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("has space", "experiment_name"),
        ("-leading-hyphen", "experiment_name"),
        ("x" * 121, "experiment_name"),
        ("under_score", "experiment_name"),
    ],
)
def test_an_invalid_experiment_name_names_the_field_and_the_rule(
    store: LocalStore, name: str, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        Experiment.create(experiment_name=name, store=store)

    assert error.value.field == field
    assert "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$" in error.value.rule
    assert store.list_experiments().total == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: t.log_metric("m" * 256, 1.0), "metric_name"),
        (lambda t: t.log_parameter("p" * 321, 1.0), "parameter name"),
        (lambda t: t.log_parameter("p", "v" * 2501), "parameters.p"),
        (
            lambda t: t.log_input(name="data", value="s3://b/k", media_type="not a media type"),
            "input_artifacts.data.MediaType",
        ),
        (lambda t: t.log_output(name="o" * 129, value="s3://b/k"), "output_artifacts.name"),
    ],
)
def test_values_beyond_sagemakers_limits_are_refused_naming_the_field(
    store: LocalStore, call: Any, field: str
) -> None:
    tracker = Tracker.create(display_name="limits", store=store)

    with pytest.raises(ValidationError) as error:
        call(tracker)

    assert error.value.field == field
    tracker.close()


def test_a_display_name_follows_the_name_pattern(store: LocalStore) -> None:
    with pytest.raises(ValidationError) as error:
        Tracker.create(display_name="Pre processing", store=store)

    assert error.value.field == "display_name"
    assert store.list_trial_components().total == 0


def test_a_120_character_name_is_accepted(store: LocalStore) -> None:
    assert Experiment.create(experiment_name="a" * 120, store=store).experiment_name == "a" * 120


def test_a_tag_with_a_forbidden_character_is_refused_and_nothing_is_written(
    store: LocalStore,
) -> None:
    with pytest.raises(ValidationError) as error:
        Experiment.create(experiment_name="tagged", tags={"team": "ml;drop"}, store=store)

    assert error.value.field == "tags.team"
    assert store.list_experiments().total == 0


def test_a_duplicate_experiment_name_already_exists(store: LocalStore) -> None:
    Experiment.create(experiment_name="twice", store=store)

    with pytest.raises(AlreadyExists):
        Experiment.create(experiment_name="twice", store=store)


def test_a_trial_for_an_unknown_experiment_is_not_found_and_not_written(store: LocalStore) -> None:
    with pytest.raises(NotFound) as error:
        Trial.create(trial_name="orphan", experiment_name="missing", store=store)

    assert (error.value.kind, error.value.name) == ("Experiment", "missing")
    with pytest.raises(NotFound):
        store.get_trial("orphan")


def test_a_trial_with_an_unknown_component_writes_nothing(store: LocalStore) -> None:
    Experiment.create(experiment_name="exp", store=store)

    with pytest.raises(NotFound):
        Trial.create(
            trial_name="t",
            experiment_name="exp",
            trial_components=["no-such-component"],
            store=store,
        )

    assert store.list_trials("exp").total == 0


def test_parameters_with_one_wrong_type_write_none_of_them(store: LocalStore) -> None:
    with Tracker.create(display_name="typed", store=store) as tracker:
        with pytest.raises(ValidationError) as error:
            tracker.log_parameters({"lr": 0.1, "layers": [64, 32]})

    assert error.value.field == "parameters.layers"
    assert "string or a number" in error.value.rule
    assert store.get_trial_component(tracker.trial_component_name).parameters == {}


def test_a_metric_value_that_is_not_a_number_is_refused(store: LocalStore) -> None:
    tracker = Tracker.create(display_name="typed", store=store)

    with pytest.raises(ValidationError) as error:
        tracker.log_metric("loss", "0.5")  # type: ignore[arg-type]

    assert error.value.field == "metrics.loss"
    tracker.close()


def test_a_negative_iteration_number_is_refused(store: LocalStore) -> None:
    tracker = Tracker.create(display_name="typed", store=store)

    with pytest.raises(ValidationError) as error:
        tracker.log_metric("loss", 0.5, iteration_number=-1)

    assert error.value.field == "metrics.loss.step"
    tracker.close()


def test_a_tracker_marks_its_component_completed_with_an_end_time(store: LocalStore) -> None:
    with Tracker.create(display_name="ok", store=store) as tracker:
        tracker.log_parameters({"optimizer": "sgd", "lr": 0.1})

    component = TrialComponent.load(tracker.trial_component_name, store=store)
    assert component.status.primary_status == "Completed"
    assert component.start_time is not None and component.end_time is not None
    assert component.end_time >= component.start_time
    assert component.parameters == {"optimizer": "sgd", "lr": 0.1}


def test_an_exception_in_a_tracker_marks_its_component_failed_with_the_message(
    store: LocalStore,
) -> None:
    with (
        pytest.raises(ZeroDivisionError),
        Tracker.create(display_name="boom", store=store) as tracker,
    ):
        tracker.log_metric("loss", 1.0, iteration_number=0)
        _ = 1 / 0

    component = TrialComponent.load(tracker.trial_component_name, store=store)
    assert component.status.primary_status == "Failed"
    assert component.status.message == "ZeroDivisionError: division by zero"
    assert component.metrics[0].count == 1  # the points logged before the failure are kept


def test_metric_points_are_buffered_until_the_tracker_closes(store: LocalStore) -> None:
    tracker = Tracker.create(display_name="buffered", store=store)
    for step in range(100):
        tracker.log_metric("loss", 1.0 / (step + 1), iteration_number=step)

    assert store.get_trial_component(tracker.trial_component_name).metrics == []
    tracker.close()
    assert store.get_trial_component(tracker.trial_component_name).metrics[0].count == 100


def test_a_full_buffer_is_written_as_one_batch(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracking, "METRIC_BATCH_SIZE", 10)
    tracker = Tracker.create(display_name="batches", store=store)
    for step in range(25):
        tracker.log_metric("loss", float(step), iteration_number=step)

    assert store.get_trial_component(tracker.trial_component_name).metrics[0].count == 20
    tracker.close()


def test_points_still_buffered_at_interpreter_exit_are_written(tmp_path: Path) -> None:
    path = tmp_path / "exit.sqlite"
    store_expression = f"LocalStore({str(path)!r})"
    script = textwrap.dedent(
        f"""
        from smx_lab import Tracker
        from smx_lab.stores.local import LocalStore
        tracker = Tracker.create(base_trial_component_name="unclosed", store={store_expression})
        for step in range(50):
            tracker.log_metric("loss", float(step), iteration_number=step)
        print(tracker.trial_component_name)
        """
    )
    name = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout.strip()

    assert LocalStore(path).get_trial_component(name).metrics[0].count == 50


def test_log_artifact_copies_the_file_beside_the_store_and_records_its_uri(
    store: LocalStore, tmp_path: Path
) -> None:
    source = tmp_path / "train.py"
    source.write_text("print('training')\n")

    with Tracker.create(display_name="code", store=store) as tracker:
        tracker.log_artifact(file_path=str(source))
        tracker.log_input(name="dataset", value="s3://bucket/mnist", media_type="s3/uri")
        tracker.log_output(name="model", value="s3://bucket/model.tar.gz")

    component = store.get_trial_component(tracker.trial_component_name)
    artifact = component.output_artifacts["train.py"]
    copied = Path(url2pathname(urlparse(artifact.value).path))
    assert copied.read_text() == "print('training')\n"
    assert copied.is_relative_to(store.artifacts_dir)
    assert artifact.media_type == "text/x-python"
    assert component.input_artifacts["dataset"].to_dict() == {
        "Value": "s3://bucket/mnist",
        "MediaType": "s3/uri",
    }
    assert component.output_artifacts["model"].value == "s3://bucket/model.tar.gz"


def test_one_tracker_component_can_join_many_trials(store: LocalStore) -> None:
    Experiment.create(experiment_name="sweep", store=store)
    with Tracker.create(display_name="Preprocessing", store=store) as tracker:
        tracker.log_parameters({"normalization_mean": 0.1307})
    for hidden in (2, 5):
        Trial.create(
            trial_name=f"hidden-{hidden}", experiment_name="sweep", store=store
        ).add_trial_component(tracker.trial_component)

    parents = TrialComponent.load(tracker.trial_component_name, store=store).parents
    assert sorted(p.trial_name for p in parents) == ["hidden-2", "hidden-5"]


def test_a_trial_lists_and_removes_its_components(store: LocalStore) -> None:
    Experiment.create(experiment_name="exp", store=store)
    trial = Trial.create(trial_name="t", experiment_name="exp", store=store)
    first = TrialComponent.create(trial_component_name="first", store=store)
    trial.add_trial_component(first)
    trial.add_trial_component("first")  # twice is still once
    trial.add_trial_component(TrialComponent.create(trial_component_name="second", store=store))

    trial.remove_trial_component("second")

    assert [c.trial_component_name for c in trial.list_trial_components()] == ["first"]


def test_an_experiment_lists_its_trials_and_the_store_lists_experiments(store: LocalStore) -> None:
    experiment = Experiment.create(experiment_name="exp", store=store)
    for i in range(3):
        experiment.create_trial(trial_name=f"t-{i}")

    assert sorted(t.trial_name for t in experiment.list_trials()) == ["t-0", "t-1", "t-2"]
    assert [e.experiment_name for e in Experiment.list(store=store)] == ["exp"]
    assert Experiment.load("exp", store=store).trial_count == 3


def test_delete_all_needs_force_and_then_removes_trials_and_their_components(
    store: LocalStore,
) -> None:
    experiment = Experiment.create(experiment_name="doomed", store=store)
    trial = experiment.create_trial(trial_name="doomed-trial")
    trial.add_trial_component(
        TrialComponent.create(trial_component_name="doomed-component", store=store)
    )
    TrialComponent.create(trial_component_name="survivor", store=store)

    with pytest.raises(ValidationError) as error:
        experiment.delete_all(action="yes")
    assert error.value.field == "action"
    experiment.delete_all(action="--force")

    assert store.list_experiments().total == 0
    assert [c.trial_component_name for c in store.list_trial_components().items] == ["survivor"]


def test_a_run_goes_into_the_experiments_default_run_group(store: LocalStore) -> None:
    with Run(experiment_name="Churn-Experiment", run_name="Run-1", store=store) as run:
        run.log_parameters({"max_depth": 5, "objective": "binary:logistic"})
        for step in range(3):
            run.log_metric(name="validation:auc", value=0.8 + step / 100, step=step)
        run.log_artifact(
            name="data", value="s3://bucket/churn.csv", media_type="text/csv", is_output=False
        )

    component = store.get_trial_component("churn-experiment-run-1")
    assert [p.to_dict() for p in component.parents] == [
        {"TrialName": "Default-Run-Group-Churn-Experiment", "ExperimentName": "Churn-Experiment"}
    ]
    assert component.display_name == "Run-1"
    assert component.status is not None and component.status.primary_status == "Completed"
    assert component.parameters == {"max_depth": 5.0, "objective": "binary:logistic"}
    assert component.input_artifacts["data"].value == "s3://bucket/churn.csv"
    summary = component.metric("validation:auc")
    assert summary is not None and summary.count == 3 and summary.last == pytest.approx(0.82)


def test_a_second_run_of_an_experiment_joins_the_same_run_group(store: LocalStore) -> None:
    for name in ("a", "b"):
        with Run(experiment_name="exp", run_name=name, store=store) as run:
            run.log_metric("loss", 1.0)

    components = store.list_trial_components(trial_name="Default-Run-Group-exp").items
    assert sorted(c.trial_component_name for c in components) == ["exp-a", "exp-b"]


def test_load_run_continues_logging_to_an_existing_run(store: LocalStore) -> None:
    with Run(experiment_name="exp", run_name="resumable", store=store) as run:
        run.log_metric("loss", 1.0, step=0)
    first_end = store.get_trial_component("exp-resumable").end_time
    assert first_end is not None

    with load_run(run_name="resumable", experiment_name="exp", store=store) as resumed:
        resumed.log_metric("loss", 0.5, step=1)

    assert [p.value for p in store.metric_points("exp-resumable")] == [1.0, 0.5]
    resumed_record = store.get_trial_component("exp-resumable")
    assert resumed_record.start_time is not None and resumed_record.end_time is not None
    assert resumed_record.start_time < first_end  # the resumed run kept its original start


def test_load_run_of_an_unknown_run_is_not_found(store: LocalStore) -> None:
    with pytest.raises(NotFound):
        load_run(run_name="never", experiment_name="exp", store=store)


def test_a_run_log_file_records_the_copied_file(store: LocalStore, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("{}")

    with Run(experiment_name="exp", run_name="files", store=store) as run:
        run.log_file(str(report), name="report")

    artifact = store.get_trial_component("exp-files").output_artifacts["report"]
    assert artifact.media_type == "application/json" and artifact.value.startswith("file://")


def test_saving_a_trial_component_writes_its_edited_fields(store: LocalStore) -> None:
    component = TrialComponent.create(
        trial_component_name="editable", display_name="Draft", store=store
    )
    component.parameters = {"lr": 0.1, "momentum": 0.9}
    component.save()

    component.display_name = "Final"
    del component.parameters["momentum"]
    component.status.primary_status = "Stopped"
    component.status.message = "stopped by hand"
    component.save()

    saved = store.get_trial_component("editable")
    assert saved.display_name == "Final"
    assert saved.parameters == {"lr": 0.1}
    assert saved.status is not None and saved.status.to_dict() == {
        "PrimaryStatus": "Stopped",
        "Message": "stopped by hand",
    }


def test_a_component_in_a_trial_is_deleted_only_when_forced(store: LocalStore) -> None:
    Experiment.create(experiment_name="exp", store=store)
    trial = Trial.create(trial_name="t", experiment_name="exp", store=store)
    component = TrialComponent.create(trial_component_name="attached", store=store)
    trial.add_trial_component(component)

    with pytest.raises(ValidationError) as error:
        component.delete()
    assert error.value.field == "force_disassociate"
    component.delete(force_disassociate=True)

    assert store.list_trial_components(trial_name="t").total == 0


def test_tracker_create_takes_the_display_name_first_as_smexperiments_does(
    store: LocalStore,
) -> None:
    with Tracker.create("Preprocessing", store=store) as tracker:
        pass

    component = store.get_trial_component(tracker.trial_component_name)
    assert component.display_name == "Preprocessing"
    assert tracker.trial_component_name.startswith("TrialComponent-")


def test_log_artifacts_records_every_file_of_a_folder_by_its_stem(
    store: LocalStore, tmp_path: Path
) -> None:
    folder = tmp_path / "outputs"
    folder.mkdir()
    (folder / "model.pkl").write_bytes(b"weights")
    (folder / "metrics.csv").write_text("epoch,loss\n0,1.0\n")

    with Tracker.create(display_name="exports", store=store) as tracker:
        tracker.log_artifacts(folder)
        tracker.log_input_artifact(folder / "metrics.csv", name="training-log")

    component = store.get_trial_component(tracker.trial_component_name)
    assert sorted(component.output_artifacts) == ["metrics", "model"]
    assert component.output_artifacts["metrics"].media_type == "text/csv"
    assert component.input_artifacts["training-log"].value.endswith("/training-log")
