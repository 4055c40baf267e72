"""Property tests of the server-paged list's core (smx_lab.listing, smx_lab.groups) on random
worlds: every page walk, sort, group and baseline equals the plain-Python computation of
tests/list_world.py, on the embedded store's SQL paths and on its records path."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from list_world import RecordsOnlyStore, build, expected_groups, sorted_names

from smx_lab.groups import table_groups
from smx_lab.listing import table_page
from smx_lab.stores.local import LocalStore

SORTS = st.sampled_from(
    [
        "CreationTime",
        "DisplayName",
        "Metrics.test:accuracy.Max",
        "Metrics.extra.Avg",
        "Metrics.train:loss.Count",
        "Parameters.lr",
        "Parameters.optimizer",
        "Parameters.mixed",
    ]
)
GROUPS = st.lists(
    st.sampled_from(
        [
            "Parameters.optimizer",
            "Parameters.lr",
            "Parameters.seed",
            "Tags.team",
            "Parameters.mixed",
        ]
    ),
    min_size=1,
    max_size=3,
    unique=True,
)
SELECTIONS = st.sampled_from(
    [
        ({"experiments": ["exp-0", "exp-2"]}, {"experiments": ("exp-0", "exp-2")}),
        (
            {"trials": ["exp-1-trial-1"], "unassigned": True},
            {"trials": ("exp-1-trial-1",), "unassigned": True},
        ),
        (
            {"components": ["shared", "loose-1", "c-2-0-00"], "experiments": ["exp-1"]},
            {"names": ("shared", "loose-1", "c-2-0-00"), "experiments": ("exp-1",)},
        ),
    ]
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    per_trial=st.integers(1, 5),
    sort_by=SORTS,
    order=st.sampled_from(["Ascending", "Descending"]),
    limit=st.integers(1, 9),
    chosen=SELECTIONS,
    group_by=GROUPS,
    baseline_index=st.integers(0, 50),
)
def test_pages_groups_and_baseline_match_plain_python(
    seed: int,
    per_trial: int,
    sort_by: str,
    order: str,
    limit: int,
    chosen: tuple[dict[str, Any], dict[str, Any]],
    group_by: list[str],
    baseline_index: int,
) -> None:
    selection, selected = chosen
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "world.sqlite"
        writer = LocalStore(path)
        try:
            world = build(writer, seed=seed, per_trial=per_trial)
        finally:
            writer.close()
        members = world.selected(**selected)
        baseline = members[baseline_index % len(members)].name
        for store_class in (LocalStore, RecordsOnlyStore):
            store = store_class(path)
            try:
                names: list[str] = []
                body: dict[str, Any] = {
                    "selection": selection,
                    "sort": {"by": sort_by, "order": order},
                    "limit": limit,
                    "baseline": baseline,
                }
                while True:
                    page = table_page(store, body)
                    assert page["total"] == len(members) - 1
                    assert page["baseline"]["TrialComponentName"] == baseline
                    names += [row["TrialComponentName"] for row in page["rows"]]
                    if not page["next_cursor"]:
                        break
                    body["cursor"] = page["next_cursor"]
                expected = [n for n in sorted_names(members, sort_by, order) if n != baseline]
                assert names == expected, store_class.__name__

                answer = table_groups(
                    store, {"selection": selection, "group_by": group_by, "limit": 1000}
                )
                want = expected_groups(members, group_by)
                got = {tuple(g["key"]): g for g in answer["groups"]}
                assert set(got) == set(want)
                for key, group in want.items():
                    assert got[key]["count"] == group["count"]
                    for column, stats in group["metrics"].items():
                        held = got[key]["metrics"][column]
                        assert math.isclose(held["mean"], stats["mean"], abs_tol=1e-9)
                        assert held["count"] == stats["count"]
                        if stats["std"] is None:
                            assert held["std"] is None
                        else:
                            assert math.isclose(held["std"], stats["std"], abs_tol=1e-9)
            finally:
                store.close()
