"""``%smx show`` of a job's component: on the SageMaker store (the moto server seeded with
:mod:`sagemaker_jobs_world`) the job's settings, timeline, inputs, outputs and rules follow the
component's own sections, and ``--logs N`` adds its newest log lines; on the embedded store,
``--logs`` says the store has no jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from sagemaker_fixtures import REGION, Aws
from sagemaker_jobs_world import FAILURE, ISSUE, PROFILER_REPORT, component, seed_jobs

from smx_lab.notebook.magics import SmxMagics

pytest_plugins = ["sagemaker_fixtures"]


def open_shell() -> tuple[InteractiveShell, SmxMagics]:
    shell = InteractiveShell.instance()
    magics = SmxMagics(shell)
    shell.register_magics(magics)
    return shell, magics


@pytest.fixture
def shell(aws: Aws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InteractiveShell]:
    seed_jobs(aws.session, aws.endpoint)
    monkeypatch.setenv("SMX_LAB_STORE", "sagemaker")
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws.endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    shell, magics = open_shell()
    yield shell
    if magics._store is not None:
        magics._store.close()


def sections(shell: InteractiveShell, line: str) -> dict[str, Any]:
    summary = shell.run_line_magic("smx", line)
    return {title: rows for title, _header, rows in summary.sections()}


def test_show_a_training_job_with_rules(shell: InteractiveShell) -> None:
    shown = sections(shell, f"show {component('train-rules')}")

    job = dict(shown["Job"])
    assert (job["Type"], job["Name"], job["Status"]) == ("Training job", "train-rules", "Completed")
    assert (job["Instance type"], job["Instance count"], job["Volume (GB)"]) == (
        "ml.m5.xlarge",
        "2",
        "30",
    )
    assert job["Billable seconds"] == "650"
    assert job["Stopping condition"] == "MaxRuntimeInSeconds = 86400"
    assert [row[0] for row in shown["Timeline"]][-1] == "Completed"
    assert ["train", "s3://smx-lab-jobs/data/train", "text/csv"] in shown["Job inputs"]
    assert shown["Debugger rules"][1] == ["Overfit", "Debugger", "IssuesFound", ISSUE, ""]
    assert shown["Debugger rules"][2][-1] == PROFILER_REPORT
    assert "Parameters" in shown  # the component's own sections come first


def test_show_a_training_job_without_rules_says_none(shell: InteractiveShell) -> None:
    summary = shell.run_line_magic("smx", f"show {component('train-plain')}")

    assert dict((t, r) for t, _h, r in summary.sections())["Debugger rules"] == []
    assert "Debugger rules:\n  (none)" in repr(summary)


def test_show_a_failed_job_gives_the_reason(shell: InteractiveShell) -> None:
    job = dict(sections(shell, f"show {component('train-failed')}")["Job"])

    assert (job["Status"], job["Failure reason"]) == ("Failed", FAILURE)


def test_show_a_processing_job_has_no_rules_section(shell: InteractiveShell) -> None:
    shown = sections(shell, f"show {component('prep-data', 'processing-job')}")

    assert dict(shown["Job"])["Type"] == "Processing job"
    assert "Debugger rules" not in shown


def test_show_a_component_no_job_created_has_no_job_sections(shell: InteractiveShell) -> None:
    shown = sections(shell, "show notebook-run")

    assert "Job" not in shown and "Trial component" in shown


def test_show_with_logs_adds_the_newest_lines_newest_last(shell: InteractiveShell) -> None:
    summary = shell.run_line_magic("smx", f"show {component('train-rules')} --logs 3")

    logs = dict((t, r) for t, _h, r in summary.sections())
    rows = logs["Logs of train-rules/algo-1-1700000000"]
    assert [row[1][:5] for row in rows] == ["[247]", "[248]", "[249]"]


def test_show_logs_of_a_component_no_job_created_says_so(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("smx", "show notebook-run --logs 5") is None

    assert "was not created by a SageMaker training, processing or transform job" in (
        capsys.readouterr().err
    )


def test_show_logs_on_the_embedded_store_says_it_has_no_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from smx_lab.stores import open_store

    path = tmp_path / "experiments.db"
    monkeypatch.setenv("SMX_LAB_DB", str(path))
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)
    store: Any = open_store("local", path=str(path))
    store.create_trial_component("tc")
    store.close()
    shell, magics = open_shell()
    try:
        assert "Job" not in {t for t, _h, _r in shell.run_line_magic("smx", "show tc").sections()}
        assert shell.run_line_magic("smx", "show tc --logs 5") is None
    finally:
        if magics._store is not None:
            magics._store.close()

    assert "the local store has no SageMaker jobs" in capsys.readouterr().err
