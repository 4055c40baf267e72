"""Fills a store with many experiments, for the panel's scale test (10,000 by default)."""

from __future__ import annotations

import sys

from smx_lab.stores.local import LocalStore


def main(db_path: str, count: int) -> None:
    store = LocalStore(db_path)
    for index in range(count):
        store.create_experiment(f"scale-experiment-{index:05d}")
    print(f"created {count} experiments in {db_path}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
