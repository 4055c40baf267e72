"""``%smx`` and ``%%smx``: the experiment browser's data and charts in a notebook.

``%load_ext smx_lab`` registers them. They read the same store as the server (``$SMX_LAB_STORE``,
``$SMX_LAB_DB``, or ``%smx use``) and build tables and charts with the same code as the REST API
(:mod:`smx_lab.table`, :mod:`smx_lab.charts`). Nothing here imports jupyter_server or tornado, so
loading the magics keeps a kernel light.

An :class:`~smx_lab.errors.SmxError` (bad query, unknown name) prints the REST API's message on
stderr and the magic returns None: a typo in a query is not a traceback.
"""

from __future__ import annotations

import argparse
import html
import json
import shlex
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from IPython.core.magic import Magics, line_cell_magic, magics_class

from .analytics import components_dataframe, search_components
from .errors import NotFound, QueryError, SmxError
from .model import TrialComponent, iso
from .stores.base import SortOrder, Store
from .stores.collect import collect_pages

if TYPE_CHECKING:
    import pandas as pd


VEGA_LITE_MIME = "application/vnd.vegalite.v5+json"
# As many rows as ExperimentAnalytics ever returns; --limit asks for fewer.
MAX_ROWS = 10000

EXPERIMENT_COLUMNS = (
    "ExperimentName",
    "DisplayName",
    "Description",
    "TrialCount",
    "CreationTime",
    "LastModifiedTime",
)
TRIAL_COLUMNS = (
    "TrialName",
    "DisplayName",
    "ExperimentName",
    "TrialComponentCount",
    "CreationTime",
    "LastModifiedTime",
)
METRIC_POINT_COLUMNS = ("component", "metric", "step", "timestamp", "value")


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

    show = commands.add_parser(
        "show", help="one trial component: status, parameters, metrics, artifacts, parents"
    )
    show.add_argument("component", help="trial component name")

    metrics = commands.add_parser(
        "metrics",
        help="raw metric points of a trial component as a DataFrame",
        description="Every logged point (component, metric, step, timestamp, value); "
        "--wide gives one column per metric, indexed by step.",
    )
    metrics.add_argument("component", help="trial component name")
    metrics.add_argument("metric", nargs="*", help="metric names (default: all)")
    metrics.add_argument("--wide", action="store_true", help="one column per metric")

    _add_chart_parser(commands)

    use = commands.add_parser(
        "use",
        help="switch the store this session reads",
        description="Without options, print the store in use.",
    )
    use.add_argument("--db", metavar="PATH", help="an embedded store's SQLite file")
    use.add_argument("--store", choices=("local", "sagemaker"), help="store kind")
    parser.subcommands = dict(commands.choices)
    for subcommand in parser.subcommands.values():
        # Fixed now, with "%" escaped: argparse %-formats a usage string it is given, and
        # parse_intermixed_args would otherwise freeze one with "%smx" read as a format.
        usage = subcommand.format_usage().removeprefix("usage: ").rstrip()
        subcommand.usage = usage.replace("%", "%%")
    return parser


def _add_chart_parser(commands: Any) -> None:
    # The chart vocabulary is charts.py's, so the magic and the panel accept the same requests.
    from .charts import CHART_TYPES, DATA_TYPES, X_AXES

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
_CHART_OPTIONS = (
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


def _row_limit(asked: int | None) -> int:
    return min(asked or MAX_ROWS, MAX_ROWS)


def _query_text(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return " ".join(value).strip()
    return (value or "").strip()


def _sort_order(descending: bool) -> SortOrder:
    return "Descending" if descending else "Ascending"


def _listing_order(arguments: argparse.Namespace) -> SortOrder:
    # Newest first unless a sort field is named, as the Experiments panel lists them.
    return _sort_order(arguments.desc) if arguments.sort else "Descending"


def _timestamps(values: Iterable[float | None]) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(pd.Series(list(values), dtype="float64"), unit="s", utc=True)


def _search_expression(text: str, resource: str) -> dict[str, Any] | None:
    """Typed query, or a SearchExpression as JSON, → a validated SearchExpression."""
    from .query import parse_query, validate_expression

    if not text.startswith("{"):
        return parse_query(text, resource)
    try:
        expression = json.loads(text)
    except json.JSONDecodeError as error:
        raise QueryError(
            f"SearchExpression JSON does not parse: {error.msg}", position=error.pos
        ) from None
    if not isinstance(expression, dict):
        raise QueryError("a SearchExpression is a JSON object", position=0)
    return validate_expression(expression, resource)


@dataclass
class ComponentSummary:
    """What ``%smx show`` answers: one trial component, rendered as HTML, Markdown or text.

    Every string from the store is escaped: a display name or a parameter value is data, never
    markup."""

    component: TrialComponent

    def sections(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """(title, header, rows) for each part of the summary, in reading order."""
        component = self.component
        status = component.status
        overview = [
            ["Name", component.trial_component_name],
            ["Display name", component.display_name or component.trial_component_name],
            ["Status", status.primary_status if status else ""],
        ]
        if status and status.message:
            overview.append(["Message", status.message])
        if component.source:
            overview.append(["Source", component.source.source_arn])
        for label, moment in (
            ("Start time", component.start_time),
            ("End time", component.end_time),
            ("Created", component.creation_time),
            ("Last modified", component.last_modified_time),
        ):
            if moment is not None:
                overview.append([label, iso(moment) or ""])
        parts: list[tuple[str, list[str], list[list[str]]]] = [
            ("Trial component", ["Property", "Value"], overview),
            (
                "Parameters",
                ["Name", "Value"],
                [[name, _format_value(value)] for name, value in component.parameters.items()],
            ),
            (
                "Metrics",
                ["Name", "Min", "Max", "Avg", "StdDev", "Last", "Count"],
                [
                    [m.metric_name]
                    + [
                        _format_value(m.statistic(s))
                        for s in ("Min", "Max", "Avg", "StdDev", "Last")
                    ]
                    + [str(m.count)]
                    for m in component.metrics
                ],
            ),
        ]
        for title, artifacts in (
            ("Input artifacts", component.input_artifacts),
            ("Output artifacts", component.output_artifacts),
        ):
            parts.append(
                (
                    title,
                    ["Name", "MediaType", "Value"],
                    [[name, a.media_type or "", a.value] for name, a in artifacts.items()],
                )
            )
        parts.append(
            (
                "Parents",
                ["Trial", "Experiment"],
                [[p.trial_name, p.experiment_name] for p in component.parents],
            )
        )
        return parts

    def _repr_html_(self) -> str:
        out = ['<div class="smx-lab-component">']
        for title, header, rows in self.sections():
            out.append(f"<h4>{html.escape(title)}</h4>")
            if not rows:
                out.append("<p><em>none</em></p>")
                continue
            out.append("<table><thead><tr>")
            out.extend(f"<th>{html.escape(cell)}</th>" for cell in header)
            out.append("</tr></thead><tbody>")
            for row in rows:
                out.append(
                    "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                )
            out.append("</tbody></table>")
        out.append("</div>")
        return "".join(out)

    def _repr_markdown_(self) -> str:
        out: list[str] = []
        for title, header, rows in self.sections():
            out.append(f"#### {_markdown_escape(title)}\n")
            if not rows:
                out.append("_none_\n")
                continue
            out.append("| " + " | ".join(_markdown_escape(c) for c in header) + " |")
            out.append("|" + "---|" * len(header))
            out.extend("| " + " | ".join(_markdown_escape(c) for c in row) + " |" for row in rows)
            out.append("")
        return "\n".join(out)

    def __repr__(self) -> str:
        out: list[str] = []
        for title, _header, rows in self.sections():
            out.append(f"{title}:")
            if not rows:
                out.append("  (none)")
            out.extend("  " + "  ".join(row) for row in rows)
        return "\n".join(out)


def _format_value(value: str | float) -> str:
    # Ten significant digits: 64.0 reads "64" and a float sum's 0.8300000000000001 reads "0.83".
    return value if isinstance(value, str) else f"{value:.10g}"


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()<>#+-.!|~"})


def _markdown_escape(text: str) -> str:
    # Newlines would end a table row; a backslash in front of each special keeps text literal.
    return " ".join(text.split("\n")).translate(_MARKDOWN_SPECIAL)


@magics_class
class SmxMagics(Magics):
    """``%smx SUBCOMMAND ...`` and ``%%smx SUBCOMMAND ...`` (the cell body is the query)."""

    def __init__(self, shell: Any = None) -> None:
        super().__init__(shell)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The session's store, opened on first use from ``$SMX_LAB_STORE``/``$SMX_LAB_DB``."""
        if self._store is None:
            from .stores import open_store

            self._store = open_store()
        return self._store

    # IPython expands $name and {name} on the line (a SearchExpression's braces survive: an
    # expansion that fails leaves the line as typed); a %%smx cell body is never expanded.
    @line_cell_magic
    def smx(self, line: str, cell: str | None = None) -> Any:
        """Experiments from the configured store. ``%smx --help`` lists the subcommands."""
        try:
            arguments = parse_arguments(line, cell)
        except HelpShown:
            return None
        except UsageError as error:
            print(error, file=sys.stderr)
            return None
        handler = getattr(self, f"_{arguments.command}")
        try:
            return handler(arguments)
        except UsageError as error:
            print(error, file=sys.stderr)
            return None
        except SmxError as error:
            # The same text the REST API answers with; a traceback would bury it.
            print(error.message, file=sys.stderr)
            suggestions = error.details.get("suggestions")
            if suggestions:
                print(f"did you mean: {', '.join(suggestions)}?", file=sys.stderr)
            query = _query_text(getattr(arguments, "query", None))
            if isinstance(error, QueryError) and error.position is not None and query:
                print(_point_at(query, error.position), file=sys.stderr)
            return None

    def _experiments(self, arguments: argparse.Namespace) -> pd.DataFrame:
        import pandas as pd

        from .query import is_plain_text

        text = _query_text(arguments.query)
        sort_by = arguments.sort or "CreationTime"
        order = _listing_order(arguments)
        if text and not is_plain_text(text):
            expression = _search_expression(text, "Experiment")
            experiments = collect_pages(
                lambda cursor, limit: self.store.search(
                    "Experiment",
                    expression,
                    sort_by=sort_by,
                    sort_order=order,
                    limit=limit,
                    cursor=cursor,
                ),
                _row_limit(arguments.limit),
            )
        else:
            experiments = collect_pages(
                lambda cursor, limit: self.store.list_experiments(
                    name_contains=text or None,
                    sort_by=sort_by,
                    sort_order=order,
                    limit=limit,
                    cursor=cursor,
                ),
                _row_limit(arguments.limit),
            )
        frame = pd.DataFrame(
            {
                "ExperimentName": [e.experiment_name for e in experiments],
                "DisplayName": [e.display_name or e.experiment_name for e in experiments],
                "Description": [e.description for e in experiments],
                "TrialCount": pd.array([e.trial_count for e in experiments], dtype="Int64"),
                "CreationTime": _timestamps(e.creation_time for e in experiments),
                "LastModifiedTime": _timestamps(e.last_modified_time for e in experiments),
            },
            columns=list(EXPERIMENT_COLUMNS),
        )
        return frame

    def _trials(self, arguments: argparse.Namespace) -> pd.DataFrame:
        import pandas as pd

        order = _listing_order(arguments)
        trials = collect_pages(
            lambda cursor, limit: self.store.list_trials(
                arguments.experiment,
                sort_by=arguments.sort or "CreationTime",
                sort_order=order,
                limit=limit,
                cursor=cursor,
            ),
            _row_limit(arguments.limit),
        )
        return pd.DataFrame(
            {
                "TrialName": [t.trial_name for t in trials],
                "DisplayName": [t.display_name or t.trial_name for t in trials],
                "ExperimentName": [t.experiment_name for t in trials],
                "TrialComponentCount": pd.array(
                    [t.trial_component_count for t in trials], dtype="Int64"
                ),
                "CreationTime": _timestamps(t.creation_time for t in trials),
                "LastModifiedTime": _timestamps(t.last_modified_time for t in trials),
            },
            columns=list(TRIAL_COLUMNS),
        )

    def _components(self, arguments: argparse.Namespace) -> pd.DataFrame:
        chosen = [bool(arguments.trial), bool(arguments.experiment), arguments.unassigned]
        if sum(chosen) != 1:
            raise UsageError(
                "%smx components: give exactly one of TRIAL, --experiment E or --unassigned"
            )
        # Oldest first by default: the order in which a pipeline's steps ran.
        order = _sort_order(arguments.desc)
        components = collect_pages(
            lambda cursor, limit: self.store.list_trial_components(
                trial_name=arguments.trial,
                experiment_name=arguments.experiment,
                unassigned=arguments.unassigned,
                sort_by=arguments.sort or "CreationTime",
                sort_order=order,
                limit=limit,
                cursor=cursor,
            ),
            _row_limit(arguments.limit),
        )
        return components_dataframe(
            components, metric_names=arguments.metrics, parameter_names=arguments.parameters
        )

    def _search(self, arguments: argparse.Namespace) -> pd.DataFrame:
        text = _query_text(arguments.query)
        expression = _search_expression(text, "ExperimentTrialComponent") if text else None
        components = search_components(
            self.store,
            expression,
            sort_by=arguments.sort or "CreationTime",
            sort_order=_sort_order(arguments.desc),
            limit=_row_limit(arguments.limit),
        )
        return components_dataframe(
            components, metric_names=arguments.metrics, parameter_names=arguments.parameters
        )

    def _show(self, arguments: argparse.Namespace) -> ComponentSummary:
        return ComponentSummary(self.store.get_trial_component(arguments.component))

    def _metrics(self, arguments: argparse.Namespace) -> pd.DataFrame:
        import pandas as pd

        names: list[str] = list(arguments.metric)
        if names:
            # An unknown metric is a typo to report, not an empty table to puzzle over.
            component = self.store.get_trial_component(arguments.component)
            known = {summary.metric_name for summary in component.metrics}
            for name in names:
                if name not in known:
                    raise NotFound("Metric", name)
        points = self.store.metric_points(arguments.component, names or None)
        frame = pd.DataFrame(
            {
                "component": [arguments.component] * len(points),
                "metric": [p.metric_name for p in points],
                "step": pd.array([p.step for p in points], dtype="Int64"),
                "timestamp": _timestamps(p.timestamp for p in points),
                "value": pd.array([p.value for p in points], dtype="float64"),
            },
            columns=list(METRIC_POINT_COLUMNS),
        )
        if not arguments.wide:
            return frame
        index = "step" if frame["step"].notna().all() else "timestamp"
        order = names or list(dict.fromkeys(frame["metric"]))
        wide = frame.pivot_table(index=index, columns="metric", values="value", aggfunc="last")
        wide = wide.reindex(columns=order)
        wide.columns.name = None
        return wide

    def _chart(self, arguments: argparse.Namespace) -> None:
        query = _query_text(arguments.query)
        selectors = {
            "components": list(arguments.components),
            "experiment": arguments.experiment,
            "trial": arguments.trial,
            "search": {"query": query} if query else None,
        }
        given = {key: value for key, value in selectors.items() if value}
        if len(given) != 1:
            raise UsageError(
                "%smx chart: give exactly one of COMPONENT ..., --experiment E, --trial T "
                "or --query Q"
            )
        request: dict[str, Any] = {"chart_type": arguments.chart_type, **given}
        for key in _CHART_OPTIONS:
            value = getattr(arguments, key)
            if value is not None:
                request[key] = value
        from IPython.display import display

        from .charts import build_chart

        spec = build_chart(self.store, request)
        display(
            {VEGA_LITE_MIME: spec, "text/plain": _chart_text(arguments.chart_type, spec)}, raw=True
        )

    def _use(self, arguments: argparse.Namespace) -> None:
        from .stores import open_store

        if arguments.db or arguments.store:
            kind = arguments.store or "local"
            if arguments.db and kind != "local":
                raise UsageError("%smx use: --db is for the embedded (local) store")
            options = {"path": arguments.db} if arguments.db else {}
            replacement = open_store(kind, **options)
            if self._store is not None:
                self._store.close()
            self._store = replacement
        info = self.store.info()
        print(f"smx-lab store: {info.get('kind', self.store.kind)} — {info.get('description', '')}")


def _point_at(text: str, position: int) -> str:
    """The query with a caret under the character a QueryError's position names."""
    return f"  {text}\n  {' ' * min(position, len(text))}^"


def _chart_text(chart_type: str, spec: dict[str, Any]) -> str:
    """What a front end without Vega-Lite shows instead of the chart."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    described = f": {title}" if isinstance(title, str) and title else ""
    return f"<smx-lab {chart_type} chart{described} (Vega-Lite v5; open in JupyterLab to see it)>"


def register(ipython: Any) -> None:
    """Registers ``%smx``/``%%smx`` in an IPython shell (called by ``%load_ext smx_lab``)."""
    ipython.register_magics(SmxMagics)


__all__ = ["ComponentSummary", "SmxMagics", "build_parser", "parse_arguments", "register"]
