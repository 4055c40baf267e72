"""PostgreSQL for teams: an ``mlflow server`` whose backend store is a real PostgreSQL, eight
writer processes logging runs through the real ``mlflow`` client at once, and two real Jupyter
servers reading it through smx-lab's REST API while they write and after.

Every answer given while the writers log must be one the written data allows (a summary is the
summary of the points logged so far, a series a prefix of what is being written); every answer
given after must be exact, and every point written must be on the server.

The MLflow store maps MLflow experiment → experiment; run → trial component (its name
the run id, its display name the run name); a parent run with children → a trial named after the
parent's run id, whose components are the children and the parent; a run with neither → the trial
``Default-Run-Group-<experiment>``. Reader 0 reads with no cache; reader 1 with a short one, and
reads its final answers once that cache has run out.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.forkserver
import statistics
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from jupyter_process import JupyterServerProcess
from mlflow import MlflowClient
from mlflow_world import (
    TEAM_EXPERIMENTS,
    TEAM_METRICS,
    TEAM_STEPS,
    Point,
    WrittenRun,
    write_team_share,
)

if TYPE_CHECKING:
    from postgres_fixtures import PostgresCluster

pytest_plugins = ["mlflow_fixtures", "postgres_fixtures"]

WRITERS = 8
RUNS_PER_WRITER = 4  # a parent, two children, one standalone run
READER_CACHE_SECONDS = (0.0, 3.0)
STATUS = {"RUNNING": "InProgress", "FINISHED": "Completed", "FAILED": "Failed", "KILLED": "Stopped"}
EXACT_STATISTICS = ("Min", "Max", "Last", "Count")
DEFAULT_GROUP = "Default-Run-Group-{}"


@dataclass
class Answer:
    reader: int
    phase: str  # "during": some writer was still logging; "after": all had finished
    route: str  # e.g. "POST table", "GET experiments/team-a/trials"
    status: int
    body: Any


@dataclass
class Team:
    mlflow_url: str
    runs: dict[str, WrittenRun] = field(default_factory=dict)  # by run id
    answers: list[Answer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # readers that did not start

    def named(self, run_name: str) -> WrittenRun:
        return next(run for run in self.runs.values() if run.run_name == run_name)

    def after(self, route: str) -> list[Answer]:
        """Each reader's final answer of ``route``; fails naming what went wrong if one is
        missing."""
        found = [a for a in self.answers if a.phase == "after" and a.route == route]
        assert len(found) == len(READER_CACHE_SECONDS), (route, self.errors)
        for answer in found:
            assert answer.status == 200, (answer.reader, route, answer.body)
        return found


# What the store must answer, from what the writers wrote.


def parent_ids(runs: dict[str, WrittenRun]) -> set[str]:
    return {run.parent_run_id for run in runs.values() if run.parent_run_id}


def trial_of(run: WrittenRun, parents: set[str]) -> str:
    if run.parent_run_id:
        return run.parent_run_id
    if run.run_id in parents:
        return run.run_id
    return DEFAULT_GROUP.format(run.experiment_name)


def expected_trials(runs: dict[str, WrittenRun], experiment: str) -> dict[str, dict[str, Any]]:
    """TrialName → {DisplayName, components}, for one experiment."""
    parents = parent_ids(runs)
    trials: dict[str, dict[str, Any]] = {}
    for run in runs.values():
        if run.experiment_name != experiment:
            continue
        name = trial_of(run, parents)
        display = runs[name].run_name if name in runs else name
        trials.setdefault(name, {"DisplayName": display, "components": set()})
        trials[name]["components"].add(run.run_id)
    return trials


def parameter_value(value: Any) -> Any:
    """A parameter as smx-lab gives it: MLflow keeps ``str(value)``; a JSON number is a number."""
    text = str(value)
    try:
        number = json.loads(text)
    except ValueError:
        return text
    return number if isinstance(number, int | float) and not isinstance(number, bool) else text


def assert_statistics(actual: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    for statistic in EXACT_STATISTICS:
        assert actual[statistic] == expected[statistic], (where, statistic)
    for statistic in ("Avg", "StdDev"):
        assert actual[statistic] == pytest.approx(expected[statistic], rel=1e-9, abs=1e-12), (
            where,
            statistic,
        )


def assert_row(row: dict[str, Any], run: WrittenRun, team: Team) -> None:
    where = f"{run.run_name} ({run.run_id})"
    assert row["DisplayName"] == run.run_name, where
    assert row["Status"] == STATUS[run.status], where
    assert row["Trials"] == [trial_of(run, parent_ids(team.runs))], where
    assert row["Experiments"] == [run.experiment_name], where
    for name in {"writer", "strategy", "lr", "optimizer", "seed"}:
        expected = parameter_value(run.params[name]) if name in run.params else None
        assert row[name] == expected, (where, name)
    for metric in (*TEAM_METRICS, "best:test:accuracy"):
        cells = {stat: row[f"{metric} - {stat}"] for stat in ("Min", "Max", "Avg", "StdDev")}
        cells |= {stat: row[f"{metric} - {stat}"] for stat in ("Last", "Count")}
        if metric in run.metrics:
            assert_statistics(cells, run.summary(metric), f"{where} {metric}")
        else:
            assert set(cells.values()) == {None}, (where, metric)


# During writing: answers the data being written allows.


def prefix_problems(run: WrittenRun, metric: str, cells: dict[str, Any]) -> list[str]:
    """A summary seen while ``run`` was being written must be that of its first Count points."""
    points = sorted(run.metrics[metric])
    count = cells["Count"]
    if count is None:
        return []
    if not 1 <= count <= len(points):
        return [f"{run.run_name} {metric}: Count {count} of {len(points)} written"]
    values = [p.value for p in points[:count]]
    problems = []
    if (cells["Min"], cells["Max"]) != (min(values), max(values)):
        problems.append(f"{run.run_name} {metric}: Min/Max not those of its first {count} points")
    if cells["Avg"] != pytest.approx(statistics.fmean(values), rel=1e-9):
        problems.append(f"{run.run_name} {metric}: Avg not that of its first {count} points")
    if cells["Last"] not in {p.value for p in points}:
        problems.append(f"{run.run_name} {metric}: Last {cells['Last']} was never written")
    return problems


def table_problems(body: dict[str, Any], team: Team) -> list[str]:
    problems = []
    for row in body["rows"]:
        run = team.runs.get(row["TrialComponentName"])
        if run is None:
            problems.append(f"unknown component {row['TrialComponentName']}")
            continue
        if (row["DisplayName"], row["Experiments"]) != (run.run_name, [run.experiment_name]):
            problems.append(f"{run.run_name}: display name or experiment is wrong")
        if row["Status"] not in ("InProgress", STATUS[run.status]):
            problems.append(f"{run.run_name}: status {row['Status']}")
        for name, value in run.params.items():
            if row.get(name) not in (None, parameter_value(value)):
                problems.append(f"{run.run_name}: parameter {name} is {row.get(name)!r}")
        for metric in run.metrics:
            cells = {s: row.get(f"{metric} - {s}") for s in ("Min", "Max", "Avg", "Last", "Count")}
            problems += prefix_problems(run, metric, cells)
    return problems


def series_problems(body: dict[str, Any], team: Team) -> list[str]:
    problems = []
    for series in body["series"]:
        run = team.runs.get(series["component"])
        if run is None or series["metric"] not in run.metrics:
            problems.append(f"unknown series {series['component']} {series['metric']}")
            continue
        points = sorted(run.metrics[series["metric"]])[: series["raw_count"]]
        if (series["x"], series["y"]) != ([p.step for p in points], [p.value for p in points]):
            problems.append(f"{run.run_name} {series['metric']}: points are not those written")
    return problems


def trials_problems(body: dict[str, Any], team: Team, experiment: str) -> list[str]:
    expected = expected_trials(team.runs, experiment)
    return [
        f"{experiment}: trial {trial['TrialName']} ({trial['DisplayName']})"
        for trial in body["items"]
        if expected.get(trial["TrialName"], {}).get("DisplayName") != trial["DisplayName"]
    ]


def answer_problems(answer: Answer, team: Team) -> list[str]:
    if answer.status != 200:
        return [f"reader {answer.reader} {answer.route}: {answer.status} {answer.body}"]
    if answer.route == "GET experiments":
        names = {item["ExperimentName"] for item in answer.body["items"]}
        extra = names - {"Default", *TEAM_EXPERIMENTS}
        return [f"unknown experiments {sorted(extra)}"] if extra else []
    if answer.route == "POST table":
        return table_problems(answer.body, team)
    if answer.route == "POST metrics selection":
        return series_problems(answer.body, team)
    experiment = answer.route.split("/")[1]
    return trials_problems(answer.body, team, experiment)


# The readers and the writers.


class Reader:
    def __init__(self, index: int, server: JupyterServerProcess) -> None:
        self.index = index
        self.server = server

    def call(self, phase: str, method: str, route: str, body: Any = None, name: str = "") -> Answer:
        try:
            answer = requests.request(
                method,
                self.server.url(route),
                headers=self.server.headers,
                json=body,
                timeout=120,
            )
            content = answer.json() if answer.content else None
            status = answer.status_code
        except (requests.RequestException, ValueError) as error:
            status, content = 0, repr(error)
        return Answer(self.index, phase, name or f"{method} {route}", status, content)

    def read_round(self, phase: str) -> list[Answer]:
        selection = {"experiments": list(TEAM_EXPERIMENTS)}
        answers = [self.call(phase, "GET", "experiments?limit=500", name="GET experiments")]
        for experiment in TEAM_EXPERIMENTS:
            route = f"experiments/{urllib.parse.quote(experiment)}/trials"
            answers.append(self.call(phase, "GET", f"{route}?limit=500", name=f"GET {route}"))
        answers.append(self.call(phase, "POST", "table", {"selection": selection}))
        metrics = {"selection": selection, "max_points": 10_000}
        answers.append(self.call(phase, "POST", "metrics", metrics, "POST metrics selection"))
        return answers

    def read_after(self, team: Team) -> list[Answer]:
        answers = self.read_round("after")
        queries = [
            {"component": run.run_id, "metric": metric}
            for run in team.runs.values()
            for metric in run.metrics
        ]
        body = {"queries": queries, "max_points": 10_000}
        answers.append(self.call("after", "POST", "metrics", body, "POST metrics queries"))
        child = team.named("w0-child-0")
        body = {"queries": [{"component": child.run_id, "metric": "train:loss"}]}
        answers.append(self.call("after", "POST", "metrics", body | {"x_axis": "time"}, "time"))
        for experiment in TEAM_EXPERIMENTS:
            for trial in expected_trials(team.runs, experiment):
                route = f"trials/{urllib.parse.quote(trial)}/components?limit=500"
                answers.append(self.call("after", "GET", route, name=f"components {trial}"))
        return answers


def start_readers(work: Path, mlflow_url: str, errors: list[str]) -> list[Reader]:
    """Two Jupyter servers on the MLflow store, started side by side."""
    servers = [
        JupyterServerProcess(
            work / f"jupyter-{index}",
            env={"SMX_LAB_STORE": "mlflow", "MLFLOW_TRACKING_URI": mlflow_url},
            config={"MlflowStore": {"cache_seconds": cache}},
        )
        for index, cache in enumerate(READER_CACHE_SECONDS)
    ]
    failures: dict[int, str] = {}

    def start(index: int) -> None:
        try:
            servers[index].start()
        except RuntimeError as error:
            failures[index] = f"jupyter server {index} did not start: {error}"

    threads = [threading.Thread(target=start, args=(i,)) for i in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors += failures.values()
    return [Reader(i, server) for i, server in enumerate(servers) if i not in failures]


def write_and_read(team: Team, readers: list[Reader]) -> None:
    """The writers in their own processes, the readers in threads reading (about a round a second,
    as panels refreshing) until every writer is done. The writers are forked from a server that
    imported ``mlflow`` once (a fresh interpreter each would spend seconds importing it again),
    and share nothing with this process."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mlflow_world"])
    done = threading.Event()

    def read_while_writing(reader: Reader) -> None:
        while not done.is_set():
            team.answers.extend(reader.read_round("during"))
            done.wait(0.5)

    threads = [threading.Thread(target=read_while_writing, args=(r,)) for r in readers]
    try:
        with context.Pool(WRITERS) as pool:
            arguments = [(team.mlflow_url, writer) for writer in range(WRITERS)]
            shares = pool.starmap_async(write_team_share, arguments)
            for thread in threads:
                thread.start()
            written = shares.get(timeout=240)
    finally:
        done.set()
        for thread in threads:
            if thread.is_alive():
                thread.join()
        # The fork server would otherwise live, idle, until pytest exits.
        getattr(multiprocessing.forkserver._forkserver, "_stop", lambda: None)()
    team.runs = {run.run_id: run for share in written for run in share}


@pytest.fixture(scope="module")
def team(
    postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Team]:
    from mlflow_fixtures import MlflowServer

    work = tmp_path_factory.mktemp("team")
    database = postgres_cluster.create_database("team")
    with MlflowServer(work / "mlflow", backend_store_uri=database) as server:
        for experiment in TEAM_EXPERIMENTS:
            MlflowClient(server.url).create_experiment(experiment)
        team = Team(server.url)
        readers = start_readers(work, server.url, team.errors)
        try:
            write_and_read(team, readers)
            finished = time.monotonic()
            for reader in readers:
                # A cached reader is right once what it cached before the last write has expired.
                expired = finished + READER_CACHE_SECONDS[reader.index] + 0.5
                time.sleep(max(0.0, expired - time.monotonic()))
                team.answers.extend(reader.read_after(team))
            yield team
        finally:
            for reader in readers:
                reader.server.stop()


# The tests.


def test_every_point_the_writers_wrote_is_on_the_mlflow_server(team: Team) -> None:
    client = MlflowClient(team.mlflow_url)

    assert len(team.runs) == WRITERS * RUNS_PER_WRITER
    for run in team.runs.values():
        record = client.get_run(run.run_id)
        assert (record.info.run_name, record.info.status) == (run.run_name, run.status)
        assert record.data.params == run.param_text
        assert record.data.tags.get("mlflow.parentRunId") == run.parent_run_id
        for metric, points in run.metrics.items():
            history = client.get_metric_history(run.run_id, metric)
            assert sorted(Point(p.step, p.timestamp, p.value) for p in history) == sorted(points)


def test_the_writers_wrote_every_step_of_every_run(team: Team) -> None:
    for run in team.runs.values():
        if run.run_id in parent_ids(team.runs):
            assert [p.step for p in run.metrics["best:test:accuracy"]] == [0]
            continue
        for metric in TEAM_METRICS:
            assert [p.step for p in run.metrics[metric]] == list(range(TEAM_STEPS)), run.run_name


def test_both_jupyter_servers_read_the_mlflow_server(team: Team) -> None:
    assert team.errors == []
    assert {a.reader for a in team.answers} == set(range(len(READER_CACHE_SECONDS)))


def test_every_answer_given_while_the_writers_logged_is_one_the_writes_allow(team: Team) -> None:
    during = [a for a in team.answers if a.phase == "during"]

    problems = [problem for answer in during for problem in answer_problems(answer, team)]

    assert during
    assert problems[:20] == []


def test_the_readers_saw_runs_half_written(team: Team) -> None:
    tables = [a for a in team.answers if a.phase == "during" and a.route == "POST table"]
    every_point = WRITERS * (RUNS_PER_WRITER - 1) * len(TEAM_METRICS) * TEAM_STEPS

    def points(answer: Answer) -> int:
        rows = answer.body["rows"] if answer.status == 200 else []
        return sum(row.get(f"{m} - Count") or 0 for row in rows for m in TEAM_METRICS)

    for reader in range(len(READER_CACHE_SECONDS)):
        assert len([a for a in tables if a.reader == reader]) >= 2, team.errors
    assert [a for a in tables if 0 < points(a) < every_point] != []


def test_after_writing_both_team_experiments_are_listed(team: Team) -> None:
    for answer in team.after("GET experiments"):
        names = {item["ExperimentName"] for item in answer.body["items"]}
        assert set(TEAM_EXPERIMENTS) <= names <= {"Default", *TEAM_EXPERIMENTS}
        assert answer.body["next_cursor"] is None


@pytest.mark.parametrize("experiment", TEAM_EXPERIMENTS)
def test_after_writing_the_trials_are_the_sweeps_and_the_default_run_group(
    team: Team, experiment: str
) -> None:
    expected = {
        name: trial["DisplayName"] for name, trial in expected_trials(team.runs, experiment).items()
    }

    for answer in team.after(f"GET experiments/{experiment}/trials"):
        trials = {item["TrialName"]: item for item in answer.body["items"]}
        assert {name: item["DisplayName"] for name, item in trials.items()} == expected
        assert {item["ExperimentName"] for item in trials.values()} == {experiment}
        assert len(expected) == WRITERS // len(TEAM_EXPERIMENTS) + 1


def test_after_writing_each_trial_lists_its_components_with_exact_metrics(team: Team) -> None:
    for experiment in TEAM_EXPERIMENTS:
        for trial, expected in expected_trials(team.runs, experiment).items():
            for answer in team.after(f"components {trial}"):
                items = {item["TrialComponentName"]: item for item in answer.body["items"]}
                assert set(items) == expected["components"], trial
                for name, item in items.items():
                    assert_component(item, team.runs[name], trial)


def assert_component(item: dict[str, Any], run: WrittenRun, trial: str) -> None:
    assert item["DisplayName"] == run.run_name
    assert item["Status"]["PrimaryStatus"] == STATUS[run.status]
    assert {"TrialName": trial, "ExperimentName": run.experiment_name} in item["Parents"]
    parameters = {
        name: {"NumberValue" if isinstance(value, int | float) else "StringValue": value}
        for name, value in ((n, parameter_value(v)) for n, v in run.params.items())
    }
    assert item["Parameters"] == parameters
    summaries = {summary["MetricName"]: summary for summary in item["Metrics"]}
    assert set(summaries) == set(run.metrics)
    for metric, summary in summaries.items():
        assert_statistics(summary, run.summary(metric), f"{run.run_name} {metric}")


def test_after_writing_the_table_has_every_run_with_exact_statistics(team: Team) -> None:
    for answer in team.after("POST table"):
        table = answer.body
        rows = {row["TrialComponentName"]: row for row in table["rows"]}
        assert set(rows) == set(team.runs)
        assert (table["total"], table["truncated"]) == (len(team.runs), False)
        parameters = {d["name"] for d in table["descriptors"] if d["kind"] == "parameter"}
        assert parameters == {"writer", "strategy", "lr", "optimizer", "seed"}
        for name, run in team.runs.items():
            assert_row(rows[name], run, team)


def test_after_writing_the_metrics_route_gives_every_point_by_step(team: Team) -> None:
    for answer in team.after("POST metrics queries"):
        series = answer.body["series"]
        assert len(series) == sum(len(run.metrics) for run in team.runs.values())
        for one in series:
            points = sorted(team.runs[one["component"]].metrics[one["metric"]])
            assert one["x"] == [p.step for p in points]
            assert one["y"] == [p.value for p in points]
            assert (one["raw_count"], one["reduced"]) == (len(points), False)


def test_after_writing_a_selection_gives_every_series(team: Team) -> None:
    for answer in team.after("POST metrics selection"):
        pairs = {(s["component"], s["metric"]) for s in answer.body["series"]}
        assert pairs == {(run.run_id, m) for run in team.runs.values() for m in run.metrics}
        assert series_problems(answer.body, team) == []
        assert all(s["raw_count"] == len(s["x"]) for s in answer.body["series"])


def test_after_writing_the_metrics_route_gives_every_point_by_time(team: Team) -> None:
    child = team.named("w0-child-0")

    for answer in team.after("time"):
        (series,) = answer.body["series"]
        points = sorted(child.metrics["train:loss"], key=lambda p: p.timestamp)
        assert series["x"] == pytest.approx([p.timestamp / 1000 for p in points], abs=1e-3)
        assert series["y"] == [p.value for p in points]
