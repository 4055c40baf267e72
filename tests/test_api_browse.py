"""Browsing through the REST API: info, experiments, trials, trial components, pages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import smx_lab

if TYPE_CHECKING:
    from api_fixtures import Api

# The API fixtures come last so that their jp_server_config replaces pytest-jupyter's.
pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]


async def test_info_names_version_store_and_capabilities(api: Api) -> None:
    info = (await api.get("info")).body

    assert info["version"] == smx_lab.__version__
    assert info["store"]["kind"] == "local"
    assert info["store"]["description"]
    assert {"browse", "search", "metrics", "table", "chart"} <= set(info["capabilities"])
    assert info["openapi"].endswith("/smx-lab/api/openapi.json")
    assert info["page_size_cap"] == 500


async def test_openapi_document_is_served(api: Api) -> None:
    spec = (await api.get("openapi.json")).body

    assert spec["openapi"].startswith("3.")
    assert "/experiments/{name}/trials" in spec["paths"]


async def test_experiments_list_answers_a_page_with_total(api: Api) -> None:
    page = (await api.get("experiments")).body

    assert sorted(e["ExperimentName"] for e in page["items"]) == ["cifar", "mnist"]
    assert page["total"] == 2
    assert page["next_cursor"] is None


async def test_experiments_follow_cursor_to_the_next_page(api: Api) -> None:
    first = (await api.get("experiments", params={"limit": 1, "sort": "Name", "order": "asc"})).body
    second = (
        await api.get(
            "experiments",
            params={"limit": 1, "sort": "Name", "order": "asc", "cursor": first["next_cursor"]},
        )
    ).body

    assert [e["ExperimentName"] for e in first["items"]] == ["cifar"]
    assert [e["ExperimentName"] for e in second["items"]] == ["mnist"]
    assert first["total"] == second["total"] == 2
    assert second["next_cursor"] is None


async def test_experiments_sort_by_name_descending_with_sagemaker_order_words(api: Api) -> None:
    page = (await api.get("experiments", params={"sort": "Name", "order": "Descending"})).body

    assert [e["ExperimentName"] for e in page["items"]] == ["mnist", "cifar"]


async def test_experiments_plain_q_filters_by_name_substring(api: Api) -> None:
    page = (await api.get("experiments", params={"q": "mni"})).body

    assert [e["ExperimentName"] for e in page["items"]] == ["mnist"]


async def test_experiments_typed_q_searches(api: Api) -> None:
    page = (await api.get("experiments", params={"q": "tags.team = vision"})).body

    assert [e["ExperimentName"] for e in page["items"]] == ["mnist"]


async def test_experiment_by_name(api: Api) -> None:
    experiment = (await api.get("experiments/{name}", name="mnist")).body

    assert experiment["ExperimentName"] == "mnist"
    assert experiment["DisplayName"] == "MNIST"
    assert experiment["Description"] == "digits"


async def test_trials_of_an_experiment(api: Api) -> None:
    page = (await api.get("experiments/{name}/trials", name="mnist", params={"sort": "Name"})).body

    assert [t["TrialName"] for t in page["items"]] == ["cnn-sgd", "cnn-adam"]
    assert page["total"] == 2
    assert {t["TrialComponentCount"] for t in page["items"]} == {2}


async def test_trials_typed_q_stays_inside_the_experiment(api: Api) -> None:
    page = (
        await api.get(
            "experiments/{name}/trials", name="mnist", params={"q": 'name contains "cnn"'}
        )
    ).body

    assert sorted(t["TrialName"] for t in page["items"]) == ["cnn-adam", "cnn-sgd"]


async def test_trial_by_name(api: Api) -> None:
    trial = (await api.get("trials/{name}", name="cnn-sgd")).body

    assert trial["TrialName"] == "cnn-sgd"
    assert trial["ExperimentName"] == "mnist"


async def test_components_of_a_trial_are_full_records(api: Api) -> None:
    page = (await api.get("trials/{name}/components", name="cnn-sgd", params={"sort": "Name"})).body

    by_name = {c["TrialComponentName"]: c for c in page["items"]}
    assert sorted(by_name) == ["preprocess", "train-sgd"]
    train = by_name["train-sgd"]
    assert train["Parameters"]["optimizer"] == {"StringValue": "sgd"}
    assert train["Parameters"]["lr"] == {"NumberValue": 0.1}
    accuracy = next(m for m in train["Metrics"] if m["MetricName"] == "test:accuracy")
    assert (accuracy["Max"], accuracy["Last"], accuracy["Count"]) == (0.9, 0.85, 4)
    assert train["Parents"] == [{"TrialName": "cnn-sgd", "ExperimentName": "mnist"}]


async def test_components_of_a_trial_sort_by_metric_statistic(api: Api) -> None:
    page = (
        await api.get(
            "trials/{name}/components",
            name="cnn-adam",
            params={"sort": "metrics.test:accuracy.max", "order": "desc"},
        )
    ).body

    # Components without the metric sort last.
    assert [c["TrialComponentName"] for c in page["items"]] == ["train-adam", "preprocess"]


async def test_components_of_a_trial_typed_q(api: Api) -> None:
    page = (
        await api.get(
            "trials/{name}/components",
            name="cnn-sgd",
            params={"q": "metrics.test:accuracy.max > 0.5"},
        )
    ).body

    assert [c["TrialComponentName"] for c in page["items"]] == ["train-sgd"]


async def test_unassigned_components(api: Api) -> None:
    page = (await api.get("components", params={"unassigned": "true"})).body

    assert [c["TrialComponentName"] for c in page["items"]] == ["scratch"]
    assert page["items"][0]["Parents"] == []


async def test_unassigned_components_typed_q(api: Api) -> None:
    page = (
        await api.get(
            "components", params={"unassigned": "true", "q": 'display_name contains "scratch"'}
        )
    ).body

    assert [c["TrialComponentName"] for c in page["items"]] == ["scratch"]


async def test_components_of_an_experiment(api: Api) -> None:
    page = (
        await api.get("components", params={"experiment": "mnist", "sort": "Name", "order": "asc"})
    ).body

    assert [c["TrialComponentName"] for c in page["items"]] == [
        "preprocess",
        "train-adam",
        "train-sgd",
    ]
    assert page["total"] == 3


async def test_component_by_name_has_both_parents(api: Api) -> None:
    component = (await api.get("components/{name}", name="preprocess")).body

    assert component["DisplayName"] == "Preprocessing"
    assert sorted(p["TrialName"] for p in component["Parents"]) == ["cnn-adam", "cnn-sgd"]
    assert component["InputArtifacts"]["raw"] == {
        "Value": "s3://bucket/raw.csv",
        "MediaType": "text/csv",
    }


async def test_unknown_names_are_404_naming_the_thing(api: Api) -> None:
    cases: list[tuple[str, str]] = [
        ("experiments/{name}", "Experiment"),
        ("experiments/{name}/trials", "Experiment"),
        ("trials/{name}", "Trial"),
        ("trials/{name}/components", "Trial"),
        ("components/{name}", "TrialComponent"),
    ]
    for template, kind in cases:
        error: Any = (await api.get(template, name="no-such-thing", expect=404)).body
        assert error["error"] == "not_found"
        assert error["name"] == "no-such-thing"
        assert kind.lower() in error["kind"].lower().replace(" ", "")
        assert "no-such-thing" in error["message"]


async def test_unknown_experiment_is_404_for_typed_trial_query(api: Api) -> None:
    error = (
        await api.get(
            "experiments/{name}/trials", name="nope", params={"q": "name = x"}, expect=404
        )
    ).body

    assert error["name"] == "nope"


async def test_unknown_experiment_filter_of_components_is_404(api: Api) -> None:
    error = (await api.get("components", params={"experiment": "nope"}, expect=404)).body

    assert error["name"] == "nope"


async def test_percent_encoded_names_in_paths_are_decoded(api: Api) -> None:
    # "%73" is "s": the server decodes the path before it looks the name up.
    response = await api.fetch_path("experiments/mni%73t/trials")

    assert response.code == 200
    assert {t["ExperimentName"] for t in json.loads(response.body)["items"]} == {"mnist"}
