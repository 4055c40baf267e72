"""The Jupyter server calls the store from a thread pool: one store, many threads at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from smx_lab.model import MetricPoint, SeriesQuery
from smx_lab.stores.local import LocalStore

T0 = 1_700_000_000.0


def test_threads_read_consistent_pages_while_another_thread_writes(store: LocalStore) -> None:
    store.create_experiment("busy")
    store.create_trial_component("live")

    def write(batch: int) -> None:
        store.log_metrics(
            "live",
            [
                MetricPoint("loss", float(batch * 100 + i), T0 + i, batch * 100 + i)
                for i in range(100)
            ],
        )
        store.create_trial(f"trial-{batch}", "busy")

    def read(_: int) -> tuple[int, int]:
        page = store.list_trials("busy", limit=500)
        summary = store.get_trial_component("live").metric("loss")
        series = (
            store.metric_series([SeriesQuery("live", "loss")], max_points=50) if summary else []
        )
        assert not series or series[0].raw_count >= summary.count  # type: ignore[union-attr]
        return page.total or 0, len(page.items)

    with ThreadPoolExecutor(max_workers=6) as pool:
        writes = [pool.submit(write, batch) for batch in range(40)]
        reads = [pool.submit(read, i) for i in range(120)]
        for future in writes:
            future.result()
        pages = [future.result() for future in reads]

    # Each page's total and items come from one snapshot.
    assert all(total == items for total, items in pages)
    summary = store.get_trial_component("live").metric("loss")
    assert summary is not None and summary.count == 4_000
    assert store.list_trials("busy").total == 40
