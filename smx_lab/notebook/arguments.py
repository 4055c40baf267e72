"""The grammar of ``%smx``: one subcommand per thing a notebook asks the store for, parsed without
ever exiting the kernel."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any, NoReturn

from ..charts import CHART_TYPES, DATA_TYPES, X_AXES
from ..vocabulary import STORE_KINDS


class UsageError(Exception):
    """Arguments the parser rejects, or a combination it cannot express (exactly one of several
    selectors); the message says which and how."""


class HelpShown(Exception):
    """``--help`` printed its text; nothing else is to be done."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so a typo never kills the kernel's cell."""

    #: subcommand name → its parser (set on the top-level parser by build_parser)
    subcommands: dict[str, argparse.ArgumentParser]

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage().rstrip()}\n{self.prog}: error: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            print(message, file=sys.stderr, end="")
        raise HelpShown


def build_parser() -> _Parser:
    """The grammar of ``%smx``: one subcommand per thing a notebook asks the store for."""
    parser = _Parser(
        prog="%smx",
        description="Browse, search and chart SageMaker-style experiments from a notebook. "
        "In a %%smx cell, the cell body is the query.",
    )
    commands = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")

    _add_listing_parsers(commands)
    _add_component_parsers(commands)
    _add_chart_parser(commands)

    use = commands.add_parser(
        "use",
        help="switch the store this session reads",
        description="Without options, print the store in use.",
    )
    use.add_argument("--db", metavar="PATH", help="an embedded store's SQLite file")
    use.add_argument("--store", choices=STORE_KINDS, help="store kind")
    parser.subcommands = dict(commands.choices)
    for subcommand in parser.subcommands.values():
        # Fixed now, with "%" escaped: argparse %-formats a usage string it is given, and
        # parse_intermixed_args would otherwise freeze one with "%smx" read as a format.
        usage = subcommand.format_usage().removeprefix("usage: ").rstrip()
        subcommand.usage = usage.replace("%", "%%")
    return parser


def _add_listing_parsers(commands: Any) -> None:
    """``experiments``, ``trials``, ``components`` and ``search``: lists as DataFrames."""
    experiments = commands.add_parser(
        "experiments",
        help="experiments as a DataFrame",
        description="Experiments, newest first. A bare word keeps those whose name contains it; "
        "anything else is a query (e.g. 'name contains \"mnist\"').",
    )
    experiments.add_argument("query", nargs="*", help="name fragment or query")
    _add_listing_options(experiments)
    experiments.set_defaults(cell_field="query")

    trials = commands.add_parser("trials", help="the trials of an experiment as a DataFrame")
    trials.add_argument("experiment", help="experiment name")
    _add_listing_options(trials)

    components = commands.add_parser(
        "components",
        help="trial components as an ExperimentAnalytics DataFrame",
        description="The trial components of a trial, of an experiment, or with no trial.",
    )
    components.add_argument("trial", nargs="?", help="trial name")
    selector = components.add_mutually_exclusive_group()
    selector.add_argument("--experiment", help="every component of this experiment")
    selector.add_argument("--unassigned", action="store_true", help="components with no trial")
    _add_listing_options(components)
    _add_column_options(components)

    search = commands.add_parser(
        "search",
        help="search trial components; an ExperimentAnalytics DataFrame",
        description="Trial components matching a query, e.g. "
        "'metrics.test:accuracy.max > 0.9 and parameters.optimizer = \"sgd\"', "
        "or a SearchExpression as JSON.",
    )
    search.add_argument("query", nargs="*", help="query (quote it) or SearchExpression JSON")
    _add_listing_options(search)
    _add_column_options(search)
    search.set_defaults(cell_field="query")


def _add_component_parsers(commands: Any) -> None:
    """``show`` and ``metrics``: one trial component."""
    show = commands.add_parser(
        "show",
        help="one trial component: status, parameters, metrics, artifacts, parents",
        description="On the SageMaker store, a component created by a training, processing or "
        "transform job also shows the job: settings, timeline, inputs, outputs, Debugger rules.",
    )
    show.add_argument("component", help="trial component name")
    show.add_argument(
        "--logs", type=_positive_int, metavar="N", help="also the job's newest N log lines"
    )

    metrics = commands.add_parser(
        "metrics",
        help="raw metric points of a trial component as a DataFrame",
        description="Every logged point (component, metric, step, timestamp, value); "
        "--wide gives one column per metric, indexed by step.",
    )
    metrics.add_argument("component", help="trial component name")
    metrics.add_argument("metric", nargs="*", help="metric names (default: all)")
    metrics.add_argument("--wide", action="store_true", help="one column per metric")


def _add_chart_parser(commands: Any) -> None:
    # The chart vocabulary is the charts package's, so the magic and the panel accept the same
    # requests.
    chart = commands.add_parser(
        "chart",
        help="a chart, as the Experiments panel draws it",
        description="A Vega-Lite v5 chart of trial components: those named, those of a trial or "
        "an experiment, or those a query finds. Time series (line, scatter) plot --metrics by "
        "step; summary charts plot --x/--y columns such as parameters.lr or "
        "metrics.test:accuracy.max.",
    )
    chart.add_argument(
        "chart_type", choices=CHART_TYPES, metavar="TYPE", help=" | ".join(CHART_TYPES)
    )
    chart.add_argument("components", nargs="*", metavar="COMPONENT", help="trial component names")
    chart.add_argument("--experiment", help="chart the components of this experiment")
    chart.add_argument("--trial", help="chart the components of this trial")
    chart.add_argument("--query", help="chart the components this query finds")
    chart.add_argument("--x", help="x column, e.g. parameters.lr (or step for a time series)")
    chart.add_argument("--y", help="y column, e.g. metrics.test:accuracy.max")
    chart.add_argument("--color", help="column that colours the marks")
    chart.add_argument("--columns", nargs="+", metavar="COLUMN", help="parallel/importance axes")
    chart.add_argument("--metrics", nargs="+", metavar="METRIC", help="time series to plot")
    chart.add_argument("--data-type", choices=DATA_TYPES, help="time series or summary")
    chart.add_argument("--x-axis", choices=X_AXES, help="x axis of a time series")
    chart.add_argument("--statistic", help="statistic of bare metric columns (default Last)")
    chart.add_argument("--bins", type=_positive_int, metavar="N", help="histogram bins")
    chart.add_argument("--smoothing", type=float, help="line smoothing weight, 0 to 0.99")
    chart.add_argument("--log-y", action="store_true", default=None, help="logarithmic y axis")
    chart.add_argument("--title", help="chart title")
    chart.set_defaults(cell_field="query")


#: Chart options passed to charts.build_chart under the same names.
CHART_OPTIONS = (
    "x",
    "y",
    "color",
    "columns",
    "metrics",
    "data_type",
    "x_axis",
    "statistic",
    "bins",
    "smoothing",
    "log_y",
    "title",
)


def _add_listing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sort", metavar="FIELD", help="e.g. CreationTime, metrics.test:accuracy.max"
    )
    parser.add_argument("--desc", action="store_true", help="sort in descending order")
    parser.add_argument("--limit", type=_positive_int, metavar="N", help="at most N rows")


def _add_column_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--metrics", nargs="+", metavar="METRIC", help="only these metrics' columns"
    )
    parser.add_argument("--parameters", nargs="+", metavar="NAME", help="only these parameters")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_arguments(line: str, cell: str | None = None) -> argparse.Namespace:
    """The magic's line (and cell body) as a Namespace; raises UsageError or HelpShown."""
    try:
        tokens = shlex.split(line)
    except ValueError as error:  # an unclosed quote
        raise UsageError(f"%smx: error: {error}") from None
    parser = build_parser()
    if not tokens:
        parser.print_help()
        raise HelpShown
    subcommand = parser.subcommands.get(tokens[0])
    if subcommand is None:
        arguments = parser.parse_args(tokens)  # prints help, or says which subcommands exist
    else:
        # Intermixed, so names may follow options: %smx chart bar --y metrics.loss.min tc-1 tc-2
        arguments = subcommand.parse_intermixed_args(tokens[1:])
        arguments.command = tokens[0]
    body = (cell or "").strip()
    if body:
        field = getattr(arguments, "cell_field", None)
        if field is None:
            raise UsageError(f"%%smx {arguments.command}: error: takes no cell body")
        if getattr(arguments, field):
            raise UsageError(
                f"%%smx {arguments.command}: error: give the query on the line or in the cell "
                "body, not both"
            )
        # A multi-line query is one query: line breaks are only layout (spaces inside a quoted
        # value are kept).
        lines = (line.strip() for line in body.splitlines())
        setattr(arguments, field, " ".join(line for line in lines if line))
    return arguments
