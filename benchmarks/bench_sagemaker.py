"""The SageMaker store against a real HTTP endpoint: moto's server on 127.0.0.1 with the tests'
Experiments extension (``tests/moto_sagemaker_ext.py``), seeded through boto3.

    python benchmarks/bench_sagemaker.py                 # 1,000 components, 5 repeats
    python benchmarks/bench_sagemaker.py --components 2000 --repeat 3

1. Listing the components of a trial of 1,000 components (every page, full records): the AWS
   calls it takes (target: at most 12) and its wall time.
2. The comparison table of an experiment of 1,000 components (parameters and metric statistics
   of every component, as a DataFrame): ``smx_lab.analytics.ExperimentAnalytics(...).dataframe()``
   on the SageMaker store, cache off, vs
   ``sagemaker.analytics.ExperimentAnalytics(...).dataframe()`` of the SageMaker Python SDK, both
   against the same endpoint in the same run. Ratio = the SDK's median time / ours (> 1: smx-lab is
   faster). Both frames are checked to hold the same rows.

The SageMaker SDK is a bench-only extra. Installing it into the project's environment would
downgrade packaging, attrs, protobuf, importlib_metadata and rich, so it is installed apart and
found through ``SMX_BENCH_SAGEMAKER_SDK`` (a ``pip install --target`` folder)::

    pip install --no-deps --target /tmp/smx-bench-sagemaker sagemaker==2.257.7 \\
        sagemaker-core==1.0.78 google-pasta smdebug-rulesconfig pathos schema tblib dill \\
        multiprocess pox ppft
    SMX_BENCH_SAGEMAKER_SDK=/tmp/smx-bench-sagemaker python benchmarks/bench_sagemaker.py

Without it, the SDK figures are left out and the notes say so.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import Counter
from typing import Any

from harness import ROOT, Figure, median, time_calls, write_result

sys.path.insert(0, str(ROOT / "tests"))

import boto3  # noqa: E402
import moto_sagemaker_ext  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from smx_lab.analytics import ExperimentAnalytics  # noqa: E402
from smx_lab.stores.sagemaker import SageMakerStore  # noqa: E402

REGION = "us-east-1"
EXPERIMENT = "bench"
TRIAL = "bench-trial"
CALL_TARGET = 12
METRICS = ("train:loss", "test:accuracy")
PARAMETERS = ["lr", "optimizer", "epochs"]


def start_endpoint() -> tuple[ThreadedMotoServer, str]:
    moto_sagemaker_ext.apply()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def session() -> boto3.Session:
    return boto3.Session(
        aws_access_key_id="bench", aws_secret_access_key="bench", region_name=REGION
    )


def seed(endpoint: str, components: int) -> float:
    """One experiment, one trial holding every component; each component with three parameters
    and two metrics of ten points. Returns the seconds it took."""
    started = time.perf_counter()
    sm = session().client("sagemaker", endpoint_url=endpoint)
    metrics = session().client("sagemaker-metrics", endpoint_url=endpoint)
    sm.create_experiment(ExperimentName=EXPERIMENT)
    sm.create_trial(TrialName=TRIAL, ExperimentName=EXPERIMENT)
    now = time.time()
    for index in range(components):
        name = f"component-{index:05d}"
        sm.create_trial_component(
            TrialComponentName=name,
            Status={"PrimaryStatus": "Completed"},
            Parameters={
                "lr": {"NumberValue": 10 ** -(1 + index % 4)},
                "optimizer": {"StringValue": ("sgd", "adam")[index % 2]},
                "epochs": {"NumberValue": 5 + index % 10},
            },
        )
        sm.associate_trial_component(TrialComponentName=name, TrialName=TRIAL)
        metrics.batch_put_metrics(
            TrialComponentName=name,
            MetricData=[
                {
                    "MetricName": METRICS[step % 2],
                    "Timestamp": now + step,
                    "Step": step // 2,
                    "Value": 1.0 / (step + 1),
                }
                for step in range(10)
            ],
        )
    return time.perf_counter() - started


def count_calls(client: Any) -> Counter[str]:
    counts: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        counts[model.name] += 1

    client.meta.events.register("before-call", count)
    return counts


def list_trial(store: SageMakerStore) -> int:
    """Every component of the trial, following cursors as the panel does (pages of 100)."""
    seen = 0
    cursor = None
    while True:
        page = store.list_trial_components(
            trial_name=TRIAL, sort_by="Name", sort_order="Ascending", limit=100, cursor=cursor
        )
        seen += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return seen


def sdk_analytics() -> Any | None:
    folder = os.environ.get("SMX_BENCH_SAGEMAKER_SDK")
    if folder:
        sys.path.append(folder)  # after the project's own packages, which stay in charge
    os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
    try:
        import sagemaker
        import sagemaker.analytics
    except ImportError:
        return None
    return sagemaker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    server, endpoint = start_endpoint()
    notes: list[str] = []
    figures: list[Figure] = []
    try:
        seconds = seed(endpoint, args.components)
        notes.append(
            f"seeded {args.components} components through boto3 in {seconds:.1f} s "
            "(not timed below)"
        )
        store = SageMakerStore(
            session=session(), endpoint_url=endpoint, region=REGION, cache_seconds=0
        )

        with store.aws.counting("bench") as calls:
            listed = list_trial(store)
        assert listed == args.components, listed
        figures.append(
            Figure(
                f"AWS calls to list a trial of {args.components} components",
                float(sum(calls.values())),
                "calls",
                stat="count",
                target=CALL_TARGET,
                extra=dict(calls),
            )
        )
        timings = time_calls(lambda: list_trial(store), repeat=args.repeat)
        figures.append(
            Figure(f"list a trial of {args.components} components", median(timings), "ms")
        )

        def ours() -> Any:
            return ExperimentAnalytics(
                experiment_name=EXPERIMENT, store=store, parameter_names=PARAMETERS
            ).dataframe()

        with store.aws.counting("bench") as table_calls:
            our_frame = ours()
        our_ms = median(time_calls(ours, repeat=args.repeat))
        figures.append(
            Figure(
                f"table of {args.components} components: smx-lab ExperimentAnalytics",
                our_ms,
                "ms",
                extra={"aws_calls": sum(table_calls.values())},
            )
        )

        sagemaker = sdk_analytics()
        if sagemaker is None:
            notes.append(
                "the SageMaker SDK is not importable: its figures are left out (see the docstring)"
            )
        else:
            boto = session()
            client = boto.client("sagemaker", endpoint_url=endpoint)
            sdk_calls = count_calls(client)
            sdk_session = sagemaker.Session(boto_session=boto, sagemaker_client=client)

            def theirs() -> Any:
                return sagemaker.analytics.ExperimentAnalytics(
                    experiment_name=EXPERIMENT,
                    sagemaker_session=sdk_session,
                    parameter_names=PARAMETERS,
                ).dataframe()

            their_frame = theirs()
            calls_per_table = sum(sdk_calls.values())
            assert sorted(their_frame["TrialComponentName"]) == sorted(
                our_frame["TrialComponentName"]
            )
            assert set(their_frame.columns) == set(our_frame.columns), (
                their_frame.columns,
                our_frame.columns,
            )
            their_ms = median(time_calls(theirs, repeat=args.repeat))
            figures.append(
                Figure(
                    f"table of {args.components} components: SageMaker SDK ExperimentAnalytics",
                    their_ms,
                    "ms",
                    extra={"aws_calls": calls_per_table, "sdk": sagemaker.__version__},
                )
            )
            figures.append(
                Figure(
                    "table ratio (SDK time / smx-lab time)",
                    their_ms / our_ms,
                    "x",
                    stat="ratio of medians",
                    target=1.0,
                    goal=">=",
                )
            )
            notes.append(
                "the SDK searches without MaxResults (SageMaker's default page: 10), "
                f"{calls_per_table} Search calls a table; "
                f"smx-lab asks for pages of 100, {sum(table_calls.values())} calls"
            )
    finally:
        server.stop()
    write_result("sagemaker", "SageMaker store against a moto endpoint", figures, notes=notes)


if __name__ == "__main__":
    main()
