"""``smx-lab copy`` on the command line: bad arguments are refused naming the argument and the
rule, credentials in a URI are never printed, the progress line and the summary say what was
done; and copies between two embedded stores (no server needed)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from copy_world import fill_local, points_of, run_cli

from smx_lab.copy import Progress, parse_since
from smx_lab.stores.local import LocalStore


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--from", "bogus", "--to", "local"],
            "--from: must be local[:PATH], sagemaker or mlflow:URI",
        ),
        (["--from", "local", "--to", "sagemaker:x"], "--to: must be local[:PATH], sagemaker or"),
        (["--from", "local", "--to", "mlflow:databricks"], "--to: mlflow:URI: Databricks"),
        (["--from", "local:/no/such.sqlite", "--to", "local:x"], "--from: no embedded store"),
        (["--from", "local:{db}", "--to", "local:{db}"], "--to: is the store copied from"),
        (["--from", "local:{db}", "--to", "local:x", "--since", "soonish"], "--since: must be"),
        (["--from", "local:{db}", "--to", "local:x", "--jobs", "0"], "--jobs: must be between"),
        (
            ["--from", "local:{db}", "--to", "local:{other}", "--experiment", "nope"],
            "--experiment: the source has no experiment 'nope'",
        ),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    db = tmp_path / "source.sqlite"
    LocalStore(db).close()
    filled = [a.format(db=db, other=tmp_path / "other.sqlite") for a in arguments]
    code, out, err = run_cli("copy", *filled)
    assert code == 2
    assert message in err
    assert out == ""


def test_a_password_in_a_tracking_uri_is_never_printed(tmp_path: Path) -> None:
    db = tmp_path / "source.sqlite"
    fill_local(db)
    code, out, err = run_cli(
        "copy",
        "--from",
        f"local:{db}",
        "--to",
        "mlflow:http://someone:s3cret@127.0.0.1:9",
        "--retries",
        "0",
    )
    assert code == 2
    assert "127.0.0.1:9" in err and "unavailable" in err
    assert "s3cret" not in out + err


def test_since_takes_dates_times_and_times_ago() -> None:
    assert parse_since("2026-01-31") == 1769817600.0
    assert parse_since("2026-01-31T12:00:00+01:00") == 1769857200.0
    assert parse_since("1700000000") == 1700000000.0
    assert parse_since("12h", now=100_000.0) == 100_000.0 - 12 * 3600
    assert parse_since("7d", now=1e6) == 1e6 - 7 * 86400


def test_two_embedded_stores_copy_exactly_and_a_second_run_copies_nothing(
    tmp_path: Path,
) -> None:
    world = fill_local(tmp_path / "source.sqlite")
    target = tmp_path / "copy.sqlite"
    code, out, err = run_cli("copy", "--from", f"local:{world.path}", "--to", f"local:{target}")
    assert code == 0, err
    assert "components: 5 copied (5 new, 0 changed or left incomplete), 0 unchanged" in out
    original, copied = LocalStore(world.path), LocalStore(target)
    for name in world.components:
        a, b = (
            original.get_trial_component(name).to_dict(),
            copied.get_trial_component(name).to_dict(),
        )
        for record in (a, b):
            record["Tags"] = [t for t in record.get("Tags", []) if not t["Key"].startswith("smx")]
            record.pop("OutputArtifacts")
        assert b == a, name
        assert points_of(copied, name) == points_of(original, name)

    code, out, _ = run_cli("copy", "--from", f"local:{world.path}", "--to", f"local:{target}")
    assert "components: 0 copied (0 new, 0 changed or left incomplete), 5 unchanged" in out


def test_an_interrupted_copy_into_the_embedded_store_is_written_again(tmp_path: Path) -> None:
    world = fill_local(tmp_path / "source.sqlite")
    target = tmp_path / "copy.sqlite"
    run_cli("copy", "--from", f"local:{world.path}", "--to", f"local:{target}")
    copied = LocalStore(target)
    from smx_lab.model import Status

    name = world.components[1]
    copied.update_trial_component(name, status=Status("InProgress", "smx-lab copy in progress"))

    code, out, _ = run_cli("copy", "--from", f"local:{world.path}", "--to", f"local:{target}")
    assert "components: 1 copied (0 new, 1 changed or left incomplete), 4 unchanged" in out
    assert copied.get_trial_component(name).status == Status("Completed")
    assert points_of(copied, name) == points_of(LocalStore(world.path), name)


def test_a_component_of_the_same_name_that_is_no_copy_is_left_alone(tmp_path: Path) -> None:
    world = fill_local(tmp_path / "source.sqlite")
    target = tmp_path / "copy.sqlite"
    LocalStore(target).create_trial_component(world.components[0], display_name="Mine")

    code, _, err = run_cli("copy", "--from", f"local:{world.path}", "--to", f"local:{target}")
    assert code == 1
    assert f"TrialComponent '{world.components[0]}'" in err and "no copy of" in err
    assert LocalStore(target).get_trial_component(world.components[0]).display_name == "Mine"


def test_on_a_terminal_the_progress_line_is_redrawn_in_place() -> None:
    screen = io.StringIO()
    progress = Progress(screen, tty=True)
    progress.start(components=4, points=2000)
    progress.add_points(1000)
    progress.component_done()
    progress.finish()

    shown = screen.getvalue()
    assert shown.startswith("\r[############............] 1/4 components, 1,000/2,000 points")
    assert "points/s, ETA" in shown and shown.endswith("\n")


def test_off_a_terminal_progress_is_plain_log_lines() -> None:
    log = io.StringIO()
    progress = Progress(log, tty=False)
    progress.start(components=1, points=10)
    progress.add_points(10)
    progress.component_done()
    progress.finish()
    assert log.getvalue().startswith("copy: 1/1 components, 10/10 points, ")
    assert "\r" not in log.getvalue()


def test_experiments_copied_one_at_a_time_keep_every_trial_of_a_shared_component(
    tmp_path: Path,
) -> None:
    world = fill_local(tmp_path / "source.sqlite")
    target = tmp_path / "copy.sqlite"
    for experiment in reversed(world.experiments):  # "other" first, then "digits"
        code, _, err = run_cli(
            "copy",
            "--from",
            f"local:{world.path}",
            "--to",
            f"local:{target}",
            "--experiment",
            experiment,
        )
        assert code == 0, err

    parents = LocalStore(target).get_trial_component("preprocessing").parents
    assert sorted(p.trial_name for p in parents) == ["other-trial", "trial-0", "trial-1"]


def test_a_copy_into_an_mlflow_database_reads_back_with_the_source_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copy_world import table

    from smx_lab.stores.mlflow import MlflowStore

    monkeypatch.chdir(tmp_path)  # MLflow's default artifact root for a database is ./mlruns
    world = fill_local(tmp_path / "source.sqlite")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    code, _, err = run_cli("copy", "--from", f"local:{world.path}", "--to", f"mlflow:{uri}")
    assert code == 0, err

    wanted = table(LocalStore(world.path), world.experiments)
    got = table(MlflowStore(tracking_uri=uri, cache_seconds=0), world.experiments)
    assert sorted(got) == sorted(wanted)
    for name, row in wanted.items():
        artifacts = [c for c in row if c.endswith(" - Value") and "file:" in str(row[c])]
        assert {c: v for c, v in got[name].items() if c not in artifacts} == {
            c: v for c, v in row.items() if c not in artifacts
        }, name
