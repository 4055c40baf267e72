"""``smx-lab``: the console script (``smx-lab demo``, ``smx-lab info``)."""

from __future__ import annotations

import argparse
import json
import sys
import time

from .dependencies import require
from .errors import MissingDependency, SmxError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smx-lab", description="Browse and compare ML experiments in JupyterLab."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="train small models on scikit-learn's bundled datasets and log them "
        '(needs scikit-learn: pip install "smx_lab[demo]")',
    )
    demo.add_argument("--reset", action="store_true", help="empty the store first")
    demo.add_argument(
        "--db",
        help="SQLite file of the embedded store (default: $SMX_LAB_DB or the Jupyter data dir)",
    )
    info = commands.add_parser("info", help="where the embedded store is and what it holds")
    info.add_argument("--db", help="SQLite file of the embedded store")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "demo":
            # Before the store is opened: without scikit-learn nothing is created or emptied.
            require("smx-lab demo", "sklearn")
        from .stores.local import LocalStore

        store = LocalStore(arguments.db)
        if arguments.command == "info":
            print(json.dumps({**store.info(), **store.counts()}, indent=2))
            return 0
        from . import demo

        if arguments.reset:
            store.clear()
            print(f"emptied {store.database_path}")
        existing = demo.demo_store_names(store)
        if existing:
            print(
                f"the demo data is already in {store.database_path} ({', '.join(existing)}); "
                "use --reset",
                file=sys.stderr,
            )
            return 1
        started = time.perf_counter()
        demo.run(store, say=lambda line: print(line, flush=True))
        counts = store.counts()
        print(
            f"done in {time.perf_counter() - started:.1f} s: {counts['experiments']} experiments, "
            f"{counts['trials']} trials, {counts['trial_components']} trial components "
            f"in {store.database_path}"
        )
        return 0
    except MissingDependency as error:  # one line that says what to install, no traceback
        print(error.message, file=sys.stderr)
        return 2
    except SmxError as error:
        print(f"smx-lab: {error.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
