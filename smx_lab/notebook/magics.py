"""``%smx`` and ``%%smx``: the experiment browser's data and charts in a notebook.

``%load_ext smx_lab`` registers them. They read the same store as the server (the store factory's
configuration, or ``%smx use``), turn query text into expressions with the same function
(:func:`smx_lab.query.compile_text`), select components with the same layer
(:mod:`smx_lab.selection`), and build tables and charts with the same code as the REST API.
Nothing here imports jupyter_server or tornado, so loading the magics keeps a kernel light.

An :class:`~smx_lab.errors.SmxError` (bad query, unknown name) prints the REST API's message on
stderr and the magic returns None: a typo in a query is not a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, line_cell_magic, magics_class

from .. import query, selection
from ..errors import NotFound, QueryError, SmxError
from ..selection import Selection
from ..stores.base import SortOrder, Store
from ..stores.collect import collect_pages
from ..vocabulary import EXPERIMENT, TRIAL_COMPONENT
from .arguments import CHART_OPTIONS, HelpShown, UsageError, build_parser, parse_arguments
from .frames import (
    components_dataframe,
    experiments_dataframe,
    metric_points_dataframe,
    trials_dataframe,
)
from .job_summary import job_sections_of
from .summary import ComponentSummary

if TYPE_CHECKING:
    import pandas as pd


VEGA_LITE_MIME = "application/vnd.vegalite.v5+json"
# As many rows as ExperimentAnalytics ever returns; --limit asks for fewer.
MAX_ROWS = 10000


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


@magics_class
class SmxMagics(Magics):
    """``%smx SUBCOMMAND ...`` and ``%%smx SUBCOMMAND ...`` (the cell body is the query)."""

    def __init__(self, shell: Any = None) -> None:
        super().__init__(shell)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The session's store, opened on first use as the store factory configures it."""
        if self._store is None:
            from ..stores.factory import open_store

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
            _print_error(error, _query_text(getattr(arguments, "query", None)))
            return None

    def _experiments(self, arguments: argparse.Namespace) -> pd.DataFrame:
        expression = query.compile_text(_query_text(arguments.query), EXPERIMENT)
        order: dict[str, Any] = {
            "sort_by": arguments.sort or "CreationTime",
            "sort_order": _listing_order(arguments),
        }
        store = self.store
        experiments = collect_pages(
            lambda cursor, limit: (
                store.search(EXPERIMENT, expression, **order, limit=limit, cursor=cursor)
                if expression is not None
                else store.list_experiments(**order, limit=limit, cursor=cursor)
            ),
            _row_limit(arguments.limit),
        )
        return experiments_dataframe(experiments)

    def _trials(self, arguments: argparse.Namespace) -> pd.DataFrame:
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
        return trials_dataframe(trials)

    def _components(self, arguments: argparse.Namespace) -> pd.DataFrame:
        chosen = [bool(arguments.trial), bool(arguments.experiment), arguments.unassigned]
        if sum(chosen) != 1:
            raise UsageError(
                "%smx components: give exactly one of TRIAL, --experiment E or --unassigned"
            )
        scope = Selection(
            trials=(arguments.trial,) if arguments.trial else (),
            experiments=(arguments.experiment,) if arguments.experiment else (),
            unassigned=arguments.unassigned,
        )
        # Oldest first by default: the order in which a pipeline's steps ran.
        return self._components_frame(scope, arguments)

    def _search(self, arguments: argparse.Namespace) -> pd.DataFrame:
        expression = query.compile_text(_query_text(arguments.query), TRIAL_COMPONENT)
        return self._components_frame(Selection(search=expression), arguments)

    def _components_frame(self, chosen: Selection, arguments: argparse.Namespace) -> pd.DataFrame:
        components = selection.resolve_columns(
            self.store,
            chosen,
            sort_by=arguments.sort or "CreationTime",
            sort_order=_sort_order(arguments.desc),
            limit=_row_limit(arguments.limit),
        )
        return components_dataframe(
            components, metric_names=arguments.metrics, parameter_names=arguments.parameters
        )

    def _show(self, arguments: argparse.Namespace) -> ComponentSummary:
        component = self.store.get_trial_component(arguments.component)
        # The job behind it, on a store with jobs (SageMaker): settings, rules, --logs N lines.
        job = job_sections_of(self.store, component, arguments.logs)
        return ComponentSummary(component, extra=job)

    def _metrics(self, arguments: argparse.Namespace) -> pd.DataFrame:
        names: list[str] = list(arguments.metric)
        if names:
            # An unknown metric is a typo to report, not an empty table to puzzle over.
            component = self.store.get_trial_component(arguments.component)
            known = {summary.metric_name for summary in component.metrics}
            for name in names:
                if name not in known:
                    raise NotFound("Metric", name)
        points = self.store.metric_arrays(arguments.component, names or None)
        return metric_points_dataframe(
            arguments.component, points, wide=arguments.wide, metric_names=names
        )

    def _chart(self, arguments: argparse.Namespace) -> None:
        text = _query_text(arguments.query)
        parts = {
            "components": list(arguments.components),
            "experiments": [arguments.experiment] if arguments.experiment else [],
            "trials": [arguments.trial] if arguments.trial else [],
            "search": {"query": text} if text else None,
        }
        given = {key: value for key, value in parts.items() if value}
        if len(given) != 1:
            raise UsageError(
                "%smx chart: give exactly one of COMPONENT ..., --experiment E, --trial T "
                "or --query Q"
            )
        request: dict[str, Any] = {"chart_type": arguments.chart_type, "selection": given}
        for key in CHART_OPTIONS:
            value = getattr(arguments, key)
            if value is not None:
                request[key] = value
        from IPython.display import display

        from ..charts import build_chart

        spec = build_chart(self.store, request)
        display(
            {VEGA_LITE_MIME: spec, "text/plain": _chart_text(arguments.chart_type, spec)}, raw=True
        )

    def _use(self, arguments: argparse.Namespace) -> None:
        from ..stores.factory import open_store

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
        kind = info.get("kind", self.store.kind)
        print(f"smx-lab store: {kind} — {info.get('description', '')}")


def _print_error(error: SmxError, query_text: str) -> None:
    """The same text the REST API answers with; a traceback would bury it."""
    print(error.message, file=sys.stderr)
    suggestions = error.details.get("suggestions")
    if suggestions:
        print(f"did you mean: {', '.join(suggestions)}?", file=sys.stderr)
    if isinstance(error, QueryError) and error.position is not None and query_text:
        print(_point_at(query_text, error.position), file=sys.stderr)


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
