"""Browsing the embedded store: many-to-many associations, unassigned components, sorting,
pages with opaque cursors, and full records fetched in a fixed number of queries."""

from __future__ import annotations

import base64
import json

import pytest

from smx_lab.errors import NotFound, ValidationError
from smx_lab.model import MetricPoint
from smx_lab.stores.local import LocalStore

T0 = 1_700_000_000.0


@pytest.fixture
def shared(store: LocalStore) -> LocalStore:
    """One experiment, three trials sharing a preprocessing component, one unassigned component."""
    store.create_experiment("mnist")
    store.create_trial_component("preprocessing", display_name="Preprocessing")
    for hidden in (2, 5, 10):
        store.create_trial(f"cnn-{hidden}", "mnist")
        store.create_trial_component(f"training-{hidden}")
        store.update_trial_component(
            f"training-{hidden}", parameters={"hidden": hidden, "optimizer": "sgd"}
        )
        store.log_metrics(
            f"training-{hidden}",
            [
                MetricPoint("test:accuracy", 0.5 + hidden / 100 + e / 100, T0 + e, e)
                for e in range(3)
            ],
        )
        store.associate_trial_component("preprocessing", f"cnn-{hidden}")
        store.associate_trial_component(f"training-{hidden}", f"cnn-{hidden}")
    store.create_trial_component("scratch")
    return store


def test_a_component_shared_by_three_trials_lists_all_three_parents(shared: LocalStore) -> None:
    component = shared.get_trial_component("preprocessing")

    assert sorted(p.trial_name for p in component.parents) == ["cnn-10", "cnn-2", "cnn-5"]
    assert {p.experiment_name for p in component.parents} == {"mnist"}


def test_each_trial_counts_its_own_and_the_shared_component(shared: LocalStore) -> None:
    trials = shared.list_trials("mnist").items

    assert {t.trial_name: t.trial_component_count for t in trials} == {
        "cnn-2": 2,
        "cnn-5": 2,
        "cnn-10": 2,
    }
    assert shared.get_experiment("mnist").trial_count == 3


def test_an_experiment_lists_each_shared_component_once(shared: LocalStore) -> None:
    page = shared.list_trial_components(experiment_name="mnist", limit=50)

    names = [c.trial_component_name for c in page.items]
    assert sorted(names) == ["preprocessing", "training-10", "training-2", "training-5"]
    assert page.total == 4


def test_components_in_no_trial_are_listed_as_unassigned(shared: LocalStore) -> None:
    page = shared.list_trial_components(unassigned=True)

    assert [c.trial_component_name for c in page.items] == ["scratch"]
    assert page.items[0].parents == []


def test_removing_a_component_from_one_trial_keeps_it_in_the_others(shared: LocalStore) -> None:
    shared.disassociate_trial_component("preprocessing", "cnn-5")

    assert sorted(p.trial_name for p in shared.get_trial_component("preprocessing").parents) == [
        "cnn-10",
        "cnn-2",
    ]
    assert [
        c.trial_component_name for c in shared.list_trial_components(trial_name="cnn-5").items
    ] == ["training-5"]


def test_listing_a_trial_returns_full_records(shared: LocalStore) -> None:
    training = next(
        c
        for c in shared.list_trial_components(trial_name="cnn-5").items
        if c.trial_component_name == "training-5"
    )

    assert training.parameters == {"hidden": 5.0, "optimizer": "sgd"}
    summary = training.metric("test:accuracy")
    assert summary is not None and summary.count == 3 and summary.max == pytest.approx(0.57)
    assert [p.trial_name for p in training.parents] == ["cnn-5"]


def test_components_sort_by_a_metric_statistic_descending(shared: LocalStore) -> None:
    page = shared.list_trial_components(
        sort_by="metrics.test:accuracy.max", sort_order="Descending"
    )

    names = [c.trial_component_name for c in page.items]
    # Components without the metric come last, whatever the order.
    assert names[:3] == ["training-10", "training-5", "training-2"]
    assert set(names[3:]) == {"preprocessing", "scratch"}


def test_components_sort_by_a_parameter_ascending(shared: LocalStore) -> None:
    page = shared.list_trial_components(sort_by="Parameters.hidden", sort_order="Ascending")

    assert [c.trial_component_name for c in page.items][:3] == [
        "training-2",
        "training-5",
        "training-10",
    ]


def test_name_contains_matches_names_and_display_names_ignoring_case(shared: LocalStore) -> None:
    assert [
        c.trial_component_name for c in shared.list_trial_components(name_contains="PREPRO").items
    ] == ["preprocessing"]
    assert sorted(
        t.trial_name for t in shared.list_trials("mnist", name_contains="cnn-1").items
    ) == ["cnn-10"]


def test_pages_follow_the_cursor_to_the_end_with_the_total_on_each(store: LocalStore) -> None:
    store.create_experiment("many")
    for i in range(23):
        store.create_trial(f"trial-{i:02d}", "many")

    seen: list[str] = []
    cursor = None
    totals = set()
    while True:
        page = store.list_trials(
            "many", sort_by="Name", sort_order="Ascending", limit=10, cursor=cursor
        )
        seen += [t.trial_name for t in page.items]
        totals.add(page.total)
        cursor = page.next_cursor
        if cursor is None:
            break

    assert seen == [f"trial-{i:02d}" for i in range(23)]
    assert totals == {23}


def test_a_cursor_of_another_listing_is_refused(shared: LocalStore) -> None:
    cursor = shared.list_trials("mnist", limit=1).next_cursor

    with pytest.raises(ValidationError) as error:
        shared.list_trial_components(limit=1, cursor=cursor)

    assert error.value.field == "cursor"


def test_a_tampered_cursor_is_refused(shared: LocalStore) -> None:
    cursor = shared.list_trials("mnist", limit=1).next_cursor
    assert cursor is not None
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload["o"] = 2
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()

    for bad in (forged, "not-a-cursor", cursor[:-3]):
        with pytest.raises(ValidationError) as error:
            shared.list_trials("mnist", limit=1, cursor=bad)
        assert error.value.field == "cursor"


def test_an_unknown_sort_field_names_the_allowed_ones(shared: LocalStore) -> None:
    with pytest.raises(ValidationError) as error:
        shared.list_experiments(sort_by="Colour")

    assert error.value.field == "sort_by"
    assert "CreationTime" in error.value.rule


def test_listing_trials_of_an_unknown_experiment_is_not_found(shared: LocalStore) -> None:
    with pytest.raises(NotFound) as error:
        shared.list_trials("no-such-experiment")

    assert (error.value.kind, error.value.name) == ("Experiment", "no-such-experiment")


def test_a_page_of_components_takes_the_same_number_of_queries_whatever_its_size(
    store: LocalStore,
) -> None:
    store.create_experiment("wide")
    store.create_trial("all", "wide")
    for i in range(40):
        store.create_trial_component(f"c-{i}")
        store.update_trial_component(f"c-{i}", parameters={"a": i, "b": "x"})
        store.log_metrics(
            f"c-{i}", [MetricPoint("m", float(i), T0, 0), MetricPoint("n", 1.0, T0, 0)]
        )
        store.associate_trial_component(f"c-{i}", "all")
    statements: list[str] = []
    connection = store._connection()
    connection.set_trace_callback(statements.append)

    def queries_for(limit: int) -> int:
        statements.clear()
        page = store.list_trial_components(trial_name="all", limit=limit)
        assert len(page.items) == limit and all(
            c.parameters and c.metrics and c.parents for c in page.items
        )
        return sum(1 for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH")))

    try:
        assert queries_for(2) == queries_for(40)
    finally:
        connection.set_trace_callback(None)


def test_search_without_an_expression_pages_through_a_resource_sorted_by_a_metric(
    shared: LocalStore,
) -> None:
    page = shared.search(
        "ExperimentTrialComponent", None, sort_by="Metrics.test:accuracy.Last", limit=2
    )

    assert [c.trial_component_name for c in page.items] == ["training-10", "training-5"]
    assert page.total == 5 and page.next_cursor is not None


def test_search_with_an_expression_sorts_the_matches_by_a_metric(shared: LocalStore) -> None:
    expression = {
        "Filters": [{"Name": "Parameters.optimizer", "Operator": "Equals", "Value": "sgd"}]
    }

    page = shared.search(
        "ExperimentTrialComponent",
        expression,
        sort_by="Metrics.test:accuracy.Max",
        sort_order="Ascending",
    )

    assert [c.trial_component_name for c in page.items] == [
        "training-2",
        "training-5",
        "training-10",
    ]
    assert page.total == 3


def test_search_sorts_trials_by_name(shared: LocalStore) -> None:
    page = shared.search("ExperimentTrial", None, sort_by="Name", sort_order="Ascending")

    assert [t.trial_name for t in page.items] == ["cnn-10", "cnn-2", "cnn-5"]
