"""Browsing a SageMaker account: experiments, trials and full component records in few AWS calls."""

from __future__ import annotations

import logging

import pytest
from sagemaker_fixtures import ACCOUNT, REGION, Aws, big_trial

from smx_lab.errors import NotFound, ValidationError
from smx_lab.model import TrialComponent

pytest_plugins = ["sagemaker_fixtures"]


def names(items: list[TrialComponent]) -> list[str]:
    return sorted(item.trial_component_name for item in items)


def test_info_names_account_region_and_endpoint(seeded: Aws) -> None:
    info = seeded.store().info()

    assert info["kind"] == "sagemaker"
    assert info["account"] == ACCOUNT
    assert info["region"] == REGION
    assert info["endpoint"] == seeded.endpoint
    assert ACCOUNT in info["description"] and REGION in info["description"]


def test_experiments_are_listed_with_display_names_in_one_call(seeded: Aws) -> None:
    store = seeded.store()
    with store.aws.counting("test") as calls:
        page = store.list_experiments(sort_by="Name", sort_order="Ascending")

    assert [(e.experiment_name, e.display_name) for e in page.items] == [
        ("cifar", "cifar"),
        ("mnist", "MNIST"),
    ]
    assert calls == {"ListExperiments": 1}


def test_experiment_has_description_and_tags(seeded: Aws) -> None:
    experiment = seeded.store().get_experiment("mnist")

    assert experiment.description == "digits"
    assert experiment.tags == {"team": "vision"}
    assert experiment.experiment_arn == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:experiment/mnist"


def test_unknown_experiment_is_not_found(seeded: Aws) -> None:
    with pytest.raises(NotFound) as raised:
        seeded.store().get_experiment("nope")

    assert (raised.value.kind, raised.value.name, raised.value.status) == (
        "Experiment",
        "nope",
        404,
    )


def test_trials_of_an_experiment_come_from_list_trials(seeded: Aws) -> None:
    store = seeded.store()
    with store.aws.counting("test") as calls:
        page = store.list_trials("mnist", sort_by="Name", sort_order="Ascending")

    assert [(t.trial_name, t.experiment_name, t.display_name) for t in page.items] == [
        ("cnn-adam", "mnist", "CNN (Adam)"),
        ("cnn-sgd", "mnist", "cnn-sgd"),
    ]
    assert calls == {"ListTrials": 1}


def test_trials_of_an_unknown_experiment_is_not_found(seeded: Aws) -> None:
    with pytest.raises(NotFound) as raised:
        seeded.store().list_trials("nope")

    assert raised.value.kind == "Experiment"


def test_components_of_a_trial_are_full_records_from_one_search(seeded: Aws) -> None:
    store = seeded.store()
    with store.aws.counting("test") as calls:
        page = store.list_trial_components(trial_name="cnn-sgd")

    assert calls == {"Search": 1}
    assert names(page.items) == ["preprocess", "train-sgd"]
    assert page.total == 2
    train = next(c for c in page.items if c.trial_component_name == "train-sgd")
    assert train.parameters == {"optimizer": "sgd", "lr": 0.1, "epochs": 4.0}
    assert train.output_artifacts["model"].value == "s3://bucket/train-sgd/model.tar.gz"
    assert train.status is not None and train.status.primary_status == "Completed"
    assert train.tags == {"team": "vision"}
    accuracy = train.metric("test:accuracy")
    assert accuracy is not None
    assert (accuracy.count, accuracy.min, accuracy.max, accuracy.last) == (4, 0.5, 0.9, 0.85)
    assert accuracy.avg == pytest.approx(0.7375)
    assert [(p.trial_name, p.experiment_name) for p in train.parents] == [("cnn-sgd", "mnist")]


def test_component_shared_by_two_trials_lists_both_parents(seeded: Aws) -> None:
    component = seeded.store().get_trial_component("preprocess")

    assert sorted(p.trial_name for p in component.parents) == ["cnn-adam", "cnn-sgd"]
    assert component.input_artifacts["raw"].media_type == "text/csv"


def test_components_of_an_experiment_include_a_shared_component_once(seeded: Aws) -> None:
    page = seeded.store().list_trial_components(experiment_name="mnist")

    assert names(page.items) == ["preprocess", "train-adam", "train-sgd"]


def test_unassigned_components_are_those_without_a_trial(seeded: Aws) -> None:
    page = seeded.store().list_trial_components(unassigned=True)

    assert names(page.items) == ["scratch"]


def test_components_of_an_unknown_trial_is_not_found(seeded: Aws) -> None:
    with pytest.raises(NotFound) as raised:
        seeded.store().list_trial_components(trial_name="nope")

    assert raised.value.kind == "Trial"


def test_training_job_component_carries_source_and_job_details(seeded: Aws) -> None:
    page = seeded.store().list_trial_components(trial_name="resnet")

    (job,) = page.items
    assert job.trial_component_name == "resnet-job-aws-training-job"
    assert job.source is not None
    assert job.source.source_arn.endswith(":training-job/resnet-job")
    assert job.source.source_type == "SageMakerTrainingJob"
    assert job.source_detail["TrainingJob"]["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert job.source_detail["TrainingJob"]["ResourceConfig"]["InstanceCount"] == 2
    assert job.parameters == {"epochs": "10"}


def test_name_filter_matches_name_or_display_name(seeded: Aws) -> None:
    store = seeded.store()

    assert names(store.list_trial_components(name_contains="TRAINING").items) == [
        "resnet-job-aws-training-job",  # by name
        "train-adam",  # by display name, whatever the case
        "train-sgd",
    ]
    assert names(store.list_trial_components(name_contains="scr").items) == ["scratch"]


def test_pages_of_a_large_trial_follow_cursors_100_components_a_call(aws: Aws) -> None:
    big_trial(aws, 250)
    store = aws.store()

    seen: list[str] = []
    cursor = None
    with store.aws.counting("test") as calls:
        while True:
            page = store.list_trial_components(
                trial_name="big-trial",
                sort_by="Name",
                sort_order="Ascending",
                limit=100,
                cursor=cursor,
            )
            seen += [c.trial_component_name for c in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break

    assert seen == [f"c{index:03d}" for index in range(250)]
    assert calls == {"Search": 3}
    assert page.total == 250


def test_a_page_smaller_than_searchs_page_continues_where_it_stopped(seeded: Aws) -> None:
    store = seeded.store()
    first = store.list_trial_components(
        experiment_name="mnist", sort_by="Name", sort_order="Ascending", limit=2
    )
    second = store.list_trial_components(
        experiment_name="mnist",
        sort_by="Name",
        sort_order="Ascending",
        limit=2,
        cursor=first.next_cursor,
    )

    assert [c.trial_component_name for c in first.items] == ["preprocess", "train-adam"]
    assert [c.trial_component_name for c in second.items] == ["train-sgd"]
    assert second.next_cursor is None


def test_cursor_of_another_listing_is_refused(seeded: Aws) -> None:
    store = seeded.store()
    page = store.list_trial_components(experiment_name="mnist", limit=1)

    with pytest.raises(ValidationError) as raised:
        store.list_trial_components(trial_name="cnn-sgd", limit=1, cursor=page.next_cursor)

    assert raised.value.field == "cursor"


def test_repeated_listing_is_answered_from_the_cache(seeded: Aws) -> None:
    store = seeded.store(cache_seconds=60)
    store.list_trial_components(trial_name="cnn-sgd")

    with store.aws.counting("test") as calls:
        again = store.list_trial_components(trial_name="cnn-sgd")
        listed = store.get_trial_component("train-sgd")

    assert names(again.items) == ["preprocess", "train-sgd"]
    assert listed.parameters["optimizer"] == "sgd"
    assert sum(calls.values()) == 0


def test_refresh_bypasses_the_cache_and_sees_new_data(seeded: Aws) -> None:
    store = seeded.store(cache_seconds=60)
    store.list_trial_components(trial_name="cnn-sgd")
    seeded.sagemaker.create_trial_component(TrialComponentName="eval-sgd")
    seeded.sagemaker.associate_trial_component(TrialComponentName="eval-sgd", TrialName="cnn-sgd")

    cached = store.list_trial_components(trial_name="cnn-sgd")
    refreshed = store.list_trial_components(trial_name="cnn-sgd", refresh=True)

    assert names(cached.items) == ["preprocess", "train-sgd"]
    assert names(refreshed.items) == ["eval-sgd", "preprocess", "train-sgd"]


def test_debug_log_counts_the_aws_calls_of_each_request(
    seeded: Aws, caplog: pytest.LogCaptureFixture
) -> None:
    store = seeded.store()
    with caplog.at_level(logging.DEBUG, logger="smx_lab.stores.sagemaker"):
        store.list_trials("mnist")

    assert "list_trials: 1 AWS call(s) ListTrials×1" in caplog.text


def test_store_implements_the_store_protocol(aws: Aws) -> None:
    from smx_lab.stores.base import Store

    assert isinstance(aws.store(), Store)
