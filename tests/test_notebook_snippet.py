# ruff: noqa: E501 - the snippets are the code the list copies, long `In` values and all.
"""The Python that the trial component list's "Copy as notebook code" writes, run against a real
embedded store: it rebuilds the whole list (every page of it), in the list's order, the baseline
first, as the server's paged ``table`` lists it.

The snippets are src/__tests__/notebookSnippet.spec.ts's SNIPPET_1..3, copied literally: that
test asserts that ``notebookSnippet`` writes exactly these texts for its list states. Change both
together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smx_lab.listing import table_page
from smx_lab.model import MetricPoint
from smx_lab.stores.local import LocalStore

T0 = 1_700_000_000.0
TRIALS = {"a-1": "sweep-a", "a-2": "sweep-a", "b-1": "sweep-b", "side": "other", "lone": "other"}

# Experiments and a trial narrowed by a typed filter, by accuracy (Max) descending, the optimizer
# column hidden, run-02 the baseline; run-10 is in both parts.
SNIPPET_1 = r"""import pandas as pd
from smx_lab.analytics import ExperimentAnalytics
from smx_lab.query import compile_text

# The list's filter.
search = compile_text("parameters.optimizer = \"adam\"")
# The list's selection, a search per part: an `In` filter names at most 20.
parts = [
    {"Name": "Parents.TrialName", "Operator": "In", "Value": "side"},
    {"Name": "Parents.ExperimentName", "Operator": "In", "Value": "sweep-a,sweep-b"},
]


def components(part):
    analytics = ExperimentAnalytics(
        search_expression={"SubExpressions": [{"Filters": [part]}, search], "Operator": "And"},
        sort_by="Metrics.accuracy.Max",
        sort_order="Descending",
        parameter_names=[
            "lr",
        ],
    )
    return analytics.dataframe()


table = pd.concat([components(part) for part in parts], ignore_index=True)
if not table.empty:
    # A component of two parts is listed once.
    table = table.drop_duplicates("TrialComponentName", ignore_index=True)
    table = table.sort_values(
        "accuracy - Max",
        ascending=False,
        na_position="last",
        kind="stable",
        ignore_index=True,
    )
    # The baseline first, as the list shows it.
    baseline = table["TrialComponentName"] == "run-02"
    table = pd.concat([table[baseline], table[~baseline]], ignore_index=True)
table
"""

# One experiment, newest first: an order the DataFrame has no column for.
SNIPPET_2 = r"""import pandas as pd
from smx_lab.analytics import ExperimentAnalytics

# The list's selection, a search per part: an `In` filter names at most 20.
parts = [
    {"Name": "Parents.ExperimentName", "Operator": "In", "Value": "sweep-a"},
]


def components(part):
    analytics = ExperimentAnalytics(
        search_expression={"Filters": [part]},
        sort_by="CreationTime",
        sort_order="Descending",
    )
    return analytics.dataframe()


table = pd.concat([components(part) for part in parts], ignore_index=True)
table
"""

# 25 named components (two `In` filters) and the unassigned ones (loose-0 is both), narrowed by a
# SearchExpression, by lr ascending (the unassigned have no lr: last).
SNIPPET_3 = r"""import pandas as pd
from smx_lab.analytics import ExperimentAnalytics

# The list's filter.
search = {"Filters": [{"Name": "Metrics.accuracy.Max", "Operator": "GreaterThan", "Value": "0.3"}]}
# The list's selection, a search per part: an `In` filter names at most 20.
parts = [
    {"Name": "TrialComponentName", "Operator": "In", "Value": "run-00,run-01,run-02,run-03,run-04,run-05,run-06,run-07,run-08,run-09,run-10,run-11,run-12,run-13,run-14,run-15,run-16,run-17,run-18,run-19"},
    {"Name": "TrialComponentName", "Operator": "In", "Value": "run-20,run-21,run-22,run-23,loose-0"},
    {"Name": "Parents.TrialName", "Operator": "NotExists"},
]


def components(part):
    analytics = ExperimentAnalytics(
        search_expression={"SubExpressions": [{"Filters": [part]}, search], "Operator": "And"},
        sort_by="Parameters.lr",
        sort_order="Ascending",
    )
    return analytics.dataframe()


table = pd.concat([components(part) for part in parts], ignore_index=True)
if not table.empty:
    # A component of two parts is listed once.
    table = table.drop_duplicates("TrialComponentName", ignore_index=True)
    table = table.sort_values(
        "lr",
        ascending=True,
        na_position="last",
        kind="stable",
        ignore_index=True,
    )
table
"""


def populate(store: LocalStore) -> None:
    """30 runs in five trials of three experiments (run-10 in two), every 7th without accuracy,
    and three components in no trial."""
    for experiment in ("sweep-a", "sweep-b", "other"):
        store.create_experiment(experiment)
    for trial, experiment in TRIALS.items():
        store.create_trial(trial, experiment)
    for i in range(30):
        name = f"run-{i:02d}"
        store.create_trial_component(name, start_time=T0 + i)
        optimizer = "adam" if i % 2 == 0 else "sgd"
        store.update_trial_component(
            name, parameters={"lr": 0.001 * (i + 1), "optimizer": optimizer}
        )
        if i % 7 != 6:
            accuracy = (i * 37 % 100) / 100
            store.log_metrics(name, [MetricPoint("accuracy", accuracy, T0 + i, 0)])
        store.associate_trial_component(name, list(TRIALS)[i % 5])
    store.associate_trial_component("run-10", "side")
    for i in range(3):
        name = f"loose-{i}"
        store.create_trial_component(name, start_time=T0 + 100 + i)
        store.log_metrics(name, [MetricPoint("accuracy", 0.9, T0, 0)])


def listed(store: LocalStore, body: dict[str, Any]) -> list[str]:
    """The names the list shows for a ``table`` request: the baseline, then every page's rows."""
    names: list[str] = []
    cursor = None
    while True:
        page = table_page(store, {**body, "limit": 7, "cursor": cursor})
        names += [row["TrialComponentName"] for row in page["rows"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    if page.get("baseline"):
        names.insert(0, page["baseline"]["TrialComponentName"])
    return names


@pytest.fixture
def analytics_store(
    store: LocalStore, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> LocalStore:
    """The populated store, and ExperimentAnalytics reading it (as a notebook's kernel would)."""
    populate(store)
    monkeypatch.setenv("SMX_LAB_DB", str(store_path))
    monkeypatch.delenv("SMX_LAB_STORE", raising=False)
    return store


def run(snippet: str) -> Any:
    """The DataFrame a snippet leaves in ``table``."""
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)  # noqa: S102 - the code under test is the snippet
    return namespace["table"]


@pytest.mark.parametrize(
    ("snippet", "body"),
    [
        pytest.param(
            SNIPPET_1,
            {
                "selection": {
                    "experiments": ["sweep-a", "sweep-b"],
                    "trials": ["side"],
                    "search": {"query": 'parameters.optimizer = "adam"'},
                },
                "sort": {"by": "Metrics.accuracy.Max", "order": "Descending"},
                "baseline": "run-02",
            },
            id="experiments-and-trial-filtered-by-metric-with-baseline",
        ),
        pytest.param(
            SNIPPET_2,
            {
                "selection": {"experiments": ["sweep-a"]},
                "sort": {"by": "CreationTime", "order": "Descending"},
            },
            id="one-experiment-newest-first",
        ),
        pytest.param(
            SNIPPET_3,
            {
                "selection": {
                    "components": [f"run-{i:02d}" for i in range(24)] + ["loose-0"],
                    "unassigned": True,
                    "search": {
                        "search_expression": {
                            "Filters": [
                                {
                                    "Name": "Metrics.accuracy.Max",
                                    "Operator": "GreaterThan",
                                    "Value": "0.3",
                                }
                            ]
                        }
                    },
                },
                "sort": {"by": "Parameters.lr", "order": "Ascending"},
            },
            id="named-and-unassigned-by-parameter",
        ),
    ],
)
def test_copied_code_rebuilds_the_whole_list_in_its_order(
    analytics_store: LocalStore, snippet: str, body: dict[str, Any]
) -> None:
    table = run(snippet)
    expected = listed(analytics_store, body)
    assert len(expected) > 7  # more than one page of the list
    assert list(table["TrialComponentName"]) == expected


def test_copied_code_keeps_only_the_parameters_shown(analytics_store: LocalStore) -> None:
    columns = list(run(SNIPPET_1).columns)
    assert "lr" in columns
    assert "optimizer" not in columns
    assert "accuracy - Max" in columns


def test_copied_code_lists_a_component_of_two_parts_once(analytics_store: LocalStore) -> None:
    names = list(run(SNIPPET_1)["TrialComponentName"])
    assert names.count("run-10") == 1
