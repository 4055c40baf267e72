"""``smx-lab``: the console script (``smx-lab demo``, ``smx-lab info``, ``smx-lab copy``)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

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
    _copy_parser(commands)
    return parser


def _copy_parser(commands: Any) -> None:
    copy = commands.add_parser(
        "copy",
        help="copy experiments, trials and trial components between stores (docs/copy.md)",
        description="Copy experiments, trials and trial components, with every metric point, "
        "from one store to another. Running it again copies only what is new or changed, and "
        "finishes a copy that was interrupted.",
    )
    stores = "local[:PATH] (the embedded store), sagemaker (boto3's account) or mlflow:URI"
    copy.add_argument("--from", dest="source", required=True, metavar="STORE", help=stores)
    copy.add_argument("--to", dest="target", required=True, metavar="STORE", help=stores)
    copy.add_argument(
        "--experiment",
        action="append",
        metavar="NAME",
        help="copy this experiment (repeat for more); default: every experiment, and the "
        "components that belong to no trial",
    )
    copy.add_argument(
        "--since",
        metavar="TIME",
        help="only components modified since TIME: an ISO 8601 date or time (UTC unless "
        "given), seconds since the epoch, or a time ago (30m, 12h, 7d, 2w)",
    )
    copy.add_argument("--dry-run", action="store_true", help="say what would be copied")
    copy.add_argument(
        "--jobs", type=int, default=4, metavar="N", help="components copied at once (4)"
    )
    copy.add_argument(
        "--retries",
        type=int,
        default=5,
        metavar="N",
        help="retries of a throttled or failed call (5)",
    )
    copy.add_argument(
        "--points-per-call",
        type=int,
        default=1000,
        metavar="N",
        help="metric points an MLflow log-batch call carries (1000, MLflow's most)",
    )


def _copy(arguments: argparse.Namespace) -> int:
    from .copy import CopyError, CopyOptions, Progress, copy_stores, parse_since, parse_store
    from .copy import summary as copy_summary

    options = CopyOptions(
        parse_store(arguments.source, "--from"),
        parse_store(arguments.target, "--to"),
        arguments.experiment,
        parse_since(arguments.since),
        arguments.dry_run,
        arguments.jobs,
        arguments.retries,
        arguments.points_per_call,
    )
    progress = Progress()
    try:
        report = copy_stores(options, progress)
    except KeyboardInterrupt:
        progress.say(
            f"smx-lab copy: interrupted after {progress.line()}; run the same command again to "
            "finish (what is complete is kept, what was in flight is written again)"
        )
        return 130
    except CopyError as error:
        progress.say(f"smx-lab copy: {error.message}")
        progress.say("stopped: no component was left half-copied; run it again once fixed")
        return 1
    for line in copy_summary(report):
        print(line, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "copy":
            return _copy(arguments)
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
