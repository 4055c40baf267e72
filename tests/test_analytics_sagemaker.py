"""ExperimentAnalytics and %smx with ``SMX_LAB_STORE=sagemaker``, against a real HTTP endpoint
(moto's ThreadedMotoServer on 127.0.0.1 with the test-only Experiments extension)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from sagemaker_fixtures import Aws

from smx_lab.analytics import ExperimentAnalytics
from smx_lab.errors import StoreUnavailable
from smx_lab.notebook.magics import SmxMagics

pytest_plugins = ["sagemaker_fixtures"]


@dataclass
class SageMakerSession:
    """What analysis code gets from ``sagemaker.Session()``: the boto3 session it runs on."""

    boto_session: Any


@pytest.fixture
def sagemaker_configured(seeded: Aws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Aws:
    monkeypatch.setenv("SMX_LAB_STORE", "sagemaker")
    # boto3 reads the endpoint from the environment: every client goes to the moto server.
    monkeypatch.setenv("AWS_ENDPOINT_URL", seeded.endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # No credentials anywhere but in the session a test hands over.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return seeded


def test_walkthrough_analysis_reads_the_account_of_the_sagemaker_session(
    sagemaker_configured: Aws,
) -> None:
    sagemaker_session = SageMakerSession(boto_session=sagemaker_configured.session)

    frame = ExperimentAnalytics(
        sagemaker_session=sagemaker_session,
        experiment_name="mnist",
        search_expression={
            "Filters": [{"Name": "DisplayName", "Operator": "Contains", "Value": "Training"}]
        },
        sort_by="metrics.test:accuracy.max",
        sort_order="Descending",
        metric_names=["test:accuracy"],
        parameter_names=["optimizer", "lr"],
    ).dataframe()

    assert list(frame["TrialComponentName"]) == ["train-adam", "train-sgd"]
    assert list(frame["test:accuracy - Max"]) == [0.97, 0.9]
    assert list(frame.columns[:4]) == ["TrialComponentName", "DisplayName", "lr", "optimizer"]
    assert [list(trials) for trials in frame["Trials"]] == [["cnn-adam"], ["cnn-sgd"]]


def test_without_a_session_the_default_credential_chain_is_used(
    sagemaker_configured: Aws,
) -> None:
    analytics = ExperimentAnalytics(experiment_name="mnist")

    with pytest.raises(StoreUnavailable):
        analytics.dataframe()


def test_lineage_filter_lists_a_trials_steps_from_sagemaker(sagemaker_configured: Aws) -> None:
    frame = ExperimentAnalytics(
        sagemaker_session=SageMakerSession(boto_session=sagemaker_configured.session),
        search_expression={
            "Filters": [{"Name": "Parents.TrialName", "Operator": "Equals", "Value": "cnn-sgd"}]
        },
        sort_by="CreationTime",
        sort_order="Ascending",
    ).dataframe()

    assert list(frame["TrialComponentName"]) == ["preprocess", "train-sgd"]
    assert frame.iloc[0]["raw - Value"] == "s3://bucket/raw.csv"


@pytest.fixture
def magics(sagemaker_configured: Aws, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmxMagics]:
    """%smx in a shell whose kernel finds AWS credentials in the environment, as on SageMaker."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    shell = InteractiveShell.instance()
    registered = SmxMagics(shell)
    shell.register_magics(registered)
    yield registered
    registered.store.close()


def test_search_magic_reads_the_configured_sagemaker_store(magics: SmxMagics) -> None:
    frame = magics.shell.run_line_magic(
        "smx", "search 'parameters.optimizer exists' --sort parameters.lr --desc"
    )

    assert magics.store.kind == "sagemaker"
    assert list(frame["TrialComponentName"]) == ["train-sgd", "train-adam"]
    assert list(frame["lr"]) == [0.1, 0.01]


def test_use_switches_a_session_from_the_embedded_store_to_sagemaker(
    magics: SmxMagics, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMX_LAB_STORE", "local")
    monkeypatch.setenv("SMX_LAB_DB", str(tmp_path / "local.db"))

    before = magics.shell.run_line_magic("smx", "experiments")
    magics.shell.run_line_magic("smx", "use --store sagemaker")
    after = magics.shell.run_line_magic("smx", "experiments")

    assert before.empty
    assert sorted(after["ExperimentName"]) == ["cifar", "mnist"]
