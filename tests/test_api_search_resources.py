"""GET search/resources: which resources a search text is a query of, so that the panel can list
the trial components a component query finds at Home or in an experiment."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from api_fixtures import Api

pytest_plugins = ["pytest_jupyter.jupyter_server", "api_fixtures"]

EVERY_RESOURCE = ["Experiment", "ExperimentTrial", "ExperimentTrialComponent"]


async def resources(api: Api, text: str) -> list[str]:
    answer = await api.get("search/resources", params={"q": text})
    return answer.body["resources"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "text",
    [
        "metrics.test:accuracy.max > 0.9",
        'parameters.optimizer = "sgd"',
        "metrics.test:accuracy exists and status = Completed",
        "parents.experiment_name = mnist",
    ],
)
async def test_a_query_about_components_searches_only_trial_components(api: Api, text: str) -> None:
    assert await resources(api, text) == ["ExperimentTrialComponent"]


async def test_plain_words_and_blank_text_search_every_resource(api: Api) -> None:
    assert await resources(api, "mnist") == EVERY_RESOURCE
    assert await resources(api, "") == EVERY_RESOURCE


async def test_a_query_of_experiment_properties_searches_what_has_them(api: Api) -> None:
    assert await resources(api, 'description contains "digits"') == ["Experiment"]
    # every resource has tags: at Home such a query stays one of experiments
    assert await resources(api, "tags.team = vision") == EVERY_RESOURCE


async def test_text_no_resource_takes_searches_nothing(api: Api) -> None:
    assert await resources(api, "metrics.test:accuracy.max >") == []
    assert await resources(api, "no_such_property = 1") == []


async def test_the_answer_agrees_with_the_listings(api: Api) -> None:
    text = "metrics.test:accuracy.max > 0.92"
    assert await resources(api, text) == ["ExperimentTrialComponent"]
    refused = await api.get("experiments", params={"q": text}, expect=400)
    assert refused.body["error"] == "invalid_query"
    found = await api.get("components", params={"experiment": "mnist", "q": text})
    assert [item["TrialComponentName"] for item in found.body["items"]] == ["train-adam"]
