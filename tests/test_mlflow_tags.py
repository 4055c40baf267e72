"""smx-lab's tags on MLflow runs, without a server: long JSON values split over several tags and
read back whole, parameters kept as MLflow's text with their types, and ``log-batch`` calls
within MLflow's limits."""

from __future__ import annotations

from smx_lab.stores.mlflow import tags as smx_tags
from smx_lab.stores.mlflow.writes import batches


def test_a_long_json_value_is_split_over_tags_and_read_back_whole() -> None:
    trials = [[f"trial-{i:04d}-" + "x" * 100, "experiment"] for i in range(200)]
    written = smx_tags.json_tags("smx-lab.trials", trials)

    assert len(written) > 1 and all(len(v) <= smx_tags.TAG_VALUE_MAX for v in written.values())
    assert list(written)[:3] == ["smx-lab.trials", "smx-lab.trials.2", "smx-lab.trials.3"]
    assert smx_tags.memberships(written) == [tuple(pair) for pair in trials]


def test_a_run_without_smx_lab_tags_says_nothing() -> None:
    assert smx_tags.memberships({}) is None
    assert smx_tags.memberships({"smx-lab.trials": "not json"}) is None
    assert smx_tags.record({"smx-lab.record": "[1, 2]"}) is None
    assert smx_tags.memberships({"smx-lab.trials": "[]"}) == []


def test_parameters_become_mlflow_text_and_text_that_reads_as_a_number_is_listed() -> None:
    texts, text_numbers = smx_tags.parameter_texts(
        {"lr": 0.001, "epochs": 10.0, "version": "2", "optimizer": "adam", "big": 1e20}
    )
    assert texts == {
        "lr": "0.001",
        "epochs": "10",
        "version": "2",
        "optimizer": "adam",
        "big": "1e+20",
    }
    assert text_numbers == ["version"]


def test_log_batch_calls_keep_within_mlflow_limits() -> None:
    metrics = [{"key": "m", "value": float(i), "timestamp": i, "step": i} for i in range(2500)]
    params = {f"p{i}": str(i) for i in range(250)}
    tags = {f"t{i}": str(i) for i in range(150)}

    calls = list(batches(metrics, params, tags))

    assert all(len(m) <= 1000 and len(p) <= 100 and len(t) <= 100 for m, p, t in calls)
    assert all(len(m) + len(p) + len(t) <= 1000 for m, p, t in calls)
    assert [x for m, _, _ in calls for x in m] == metrics
    assert {k: v for _, p, _ in calls for k, v in p.items()} == params
    assert {k: v for _, _, t in calls for k, v in t.items()} == tags
