"""Fills a store for the scale tests: many experiments for the panel, many components for the list.

    python seed_scale.py PATH [EXPERIMENTS] [COMPONENTS]

- ``COMPONENTS`` trial components (100,000 by default) in one experiment, ``scale-components``,
  100 per trial, written in one transaction by ``benchmarks/generate.py``'s bulk writer (the rows
  the store's Writer API writes for the same calls, in seconds instead of an hour): 4 parameters,
  2 metrics of two points each and a ``team`` tag per component. It is the newest experiment,
  first in the panel.
- ``EXPERIMENTS`` more experiments (10,000 by default), empty, through the store's Writer API.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import START, ComponentSpec, write_bulk  # noqa: E402

from smx_lab.stores.local import LocalStore  # noqa: E402
from smx_lab.vocabulary import EXPERIMENT as EXPERIMENT_RESOURCE  # noqa: E402

EXPERIMENT = "scale-components"
COMPONENTS_PER_TRIAL = 100
TEAMS = ("vision", "nlp", "speech", "tabular")


def component_specs(count: int, seed: int = 0) -> Iterator[ComponentSpec]:
    """``count`` components of a sweep: the same for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        learning_rate = rng.choice((1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1))
        quality = rng.random()
        start = START + index * 60.0
        end = start + 600.0
        half = start + 300.0
        accuracy = round(0.5 + 0.49 * quality, 6)
        loss = round(2.5 * (1 - quality) + 0.01, 6)
        yield ComponentSpec(
            name=f"scale-tc-{index:06d}",
            trial_name=f"{EXPERIMENT}-trial-{index // COMPONENTS_PER_TRIAL:04d}",
            status="Failed" if rng.random() < 0.03 else "Completed",
            start_time=start,
            end_time=end,
            parameters={
                "learning_rate": learning_rate,
                "batch_size": float(rng.choice((16, 32, 64, 128))),
                "optimizer": rng.choice(("sgd", "adam", "adamw", "rmsprop")),
                "seed": float(index % 5),
            },
            metrics={
                "validation:loss": ((half, loss * 2.0), (end, loss)),
                "validation:accuracy": ((half, accuracy * 0.9), (end, accuracy)),
            },
            tags={"team": TEAMS[index % len(TEAMS)]},
        )


def main(db_path: str, experiments: int, components: int) -> None:
    started = time.perf_counter()
    path = Path(db_path)
    if components:
        write_bulk(path, list(component_specs(components)))
    wrote = time.perf_counter()
    store = LocalStore(path)
    for index in range(experiments):
        store.create_experiment(f"scale-experiment-{index:05d}")
    if components:
        # The newest experiment: first in the panel, whatever the order of writing.
        now = time.time() + 1
        store.restore_times(
            EXPERIMENT_RESOURCE,
            EXPERIMENT,
            creation_time=now,
            last_modified_time=now,
            created_by=None,
        )
    store.close()
    print(
        f"{components} components in {wrote - started:.1f} s and {experiments} experiments "
        f"in {time.perf_counter() - wrote:.1f} s written to {db_path}"
    )


if __name__ == "__main__":
    main(
        sys.argv[1],
        int(sys.argv[2]) if len(sys.argv) > 2 else 10_000,
        int(sys.argv[3]) if len(sys.argv) > 3 else 100_000,
    )
