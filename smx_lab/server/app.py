"""The server extension: configuration, store construction, and the route table.

The class body of :class:`SmxLabExtension` is the route table: OpenAPI path templates (relative to
``{base_url}/smx-lab/api/``) paired with their handlers. ``openapi.yaml`` documents exactly these
paths, and a test keeps the two equal.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from jupyter_server.extension.application import ExtensionApp
from traitlets import Int, Type, Unicode, default, validate
from traitlets import TraitError as _TraitError

from ..errors import SmxError, StoreError
from ..stores import factory
from ..stores.base import Store
from ..stores.local import LocalStore
from .base import DEFAULT_MAX_BODY_BYTES, SmxLabHandler
from .handlers import (
    ChartHandler,
    ExperimentHandler,
    ExperimentsHandler,
    ExperimentTrialsHandler,
    InfoHandler,
    MetricsHandler,
    OpenAPIHandler,
    SearchHandler,
    SearchResourcesHandler,
    TrialComponentHandler,
    TrialComponentsHandler,
    TrialComponentsOfTrialHandler,
    TrialHandler,
    UnknownRouteHandler,
)
from .jobs_handlers import (
    DeployModelHandler,
    EndpointHandler,
    JobHandler,
    JobLogsHandler,
    StopJobHandler,
)
from .openapi import prepare_validators
from .table_handlers import TableCsvHandler, TableGroupsHandler, TableHandler
from .workers import WorkerPool

#: Where every route lives, below the server's ``base_url``.
API_PREFIX = "/smx-lab/api/"


def api_pattern(path: str) -> str:
    """An OpenAPI path template → a tornado pattern: ``trials/{name}``
    → ``…/trials/(?P<name>[^/]+)``. Tornado URL-decodes the captured names before the handler
    sees them."""
    return API_PREFIX + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)


def default_worker_processes() -> int:
    """2 worker processes, or 1 with 2 cores or fewer: on 2 cores, 2 workers busy with heavy
    requests leave the server's event loop waiting for a core (docs/benchmarks.md)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 if (cores or 1) > 2 else 1


def _short(value: object) -> str:
    """A configured value named briefly: a class by its dotted name, anything else by repr."""
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, str):  # also the command line's DeferredConfigString
        return repr(str(value)[:200])
    return repr(value)[:200]


class SmxLabExtension(ExtensionApp):
    """smx-lab's REST API, served by jupyter-server under ``{base_url}/smx-lab/api/``."""

    name = "smx_lab"

    # The route table: (OpenAPI path template, handler), one line per route; openapi.yaml documents
    # each, and a test keeps the two equal.
    routes: ClassVar[list[tuple[str, type[SmxLabHandler]]]] = [
        ("info", InfoHandler),
        ("openapi.json", OpenAPIHandler),
        ("experiments", ExperimentsHandler),
        ("experiments/{name}", ExperimentHandler),
        ("experiments/{name}/trials", ExperimentTrialsHandler),
        ("trials/{name}", TrialHandler),
        ("trials/{name}/components", TrialComponentsOfTrialHandler),
        ("components", TrialComponentsHandler),
        ("components/{name}", TrialComponentHandler),
        ("search", SearchHandler),
        ("search/resources", SearchResourcesHandler),
        ("metrics", MetricsHandler),
        ("table", TableHandler),
        ("table/groups", TableGroupsHandler),
        ("table/csv", TableCsvHandler),
        ("chart", ChartHandler),
        # The SageMaker job behind a component (stores with jobs only: docs/jobs.md).
        ("components/{name}/job", JobHandler),
        ("components/{name}/job/logs", JobLogsHandler),
        ("jobs/stop", StopJobHandler),
        ("jobs/deploy", DeployModelHandler),
        ("endpoints/{name}", EndpointHandler),
    ]

    handlers = [
        *[(api_pattern(path), handler, {"path": path}) for path, handler in routes],
        # Last: anything else under the prefix is a JSON 404 rather than the server's HTML page.
        (API_PREFIX + "(?P<rest>.*)", UnknownRouteHandler, {"path": ""}),
    ]

    store = Unicode(
        "",
        help="Which store holds the experiments: 'local' (an embedded SQLite file, see "
        "LocalStore.path), 'sagemaker' (a SageMaker account through boto3, see the "
        "SageMakerStore settings) or 'mlflow' (an MLflow tracking server, see the MlflowStore "
        "settings). Default: $SMX_LAB_STORE, else 'local'.",
    ).tag(config=True)

    store_class = Type(
        default_value=None,
        klass=Store,
        allow_none=True,
        help="The store class to build, a subclass of smx_lab.stores.base.Store; it is built "
        "with this application as its parent, so its own settings (c.<StoreClass>.<trait>) "
        "apply. Default (None): LocalStore, SageMakerStore or MlflowStore, chosen from `store`.",
    ).tag(config=True)

    db_path = Unicode(
        "",
        help="The embedded store's SQLite file: a shorthand for LocalStore.path. Default: "
        "LocalStore.path, whose default is $SMX_LAB_DB, else "
        "<jupyter_data_dir>/smx_lab/experiments.sqlite.",
    ).tag(config=True)

    page_size_cap = Int(
        500,
        help="The largest `limit` a list or search request may ask for; larger ones get 400.",
    ).tag(config=True)

    store_threads = Int(
        4,
        help="Threads that run store calls, off the server's event loop.",
    ).tag(config=True)

    worker_processes = Int(
        help="Worker processes that run the heavy routes (search, metrics, table, chart, the "
        "trial component listings) with the embedded store, each opening the same SQLite file, "
        "so that their Python work never holds the server's event loop; 0 runs them on the "
        "store's threads instead. Other stores (SageMaker, MLflow), whose calls mostly wait on "
        "the network, always use the threads. Default: 2, or 1 on a machine with 2 cores or "
        "fewer, which keeps a core for the server itself.",
    ).tag(config=True)

    @default("worker_processes")
    def _default_worker_processes(self) -> int:
        return default_worker_processes()

    max_body_bytes = Int(
        DEFAULT_MAX_BODY_BYTES,
        help="The largest request body (bytes) a POST route reads; a larger one gets 413, as "
        "soon as its Content-Length says so. The default, 16 MiB, holds the largest request the "
        "routes document (a selection of 100,000 names: 12.4 MB).",
    ).tag(config=True)

    @validate("page_size_cap", "store_threads", "max_body_bytes")
    def _validate_positive(self, proposal: Any) -> int:
        if proposal["value"] < 1:
            raise _TraitError(f"SmxLabExtension.{proposal['trait'].name} must be at least 1")
        return int(proposal["value"])

    @validate("worker_processes")
    def _validate_not_negative(self, proposal: Any) -> int:
        if proposal["value"] < 0:
            raise _TraitError("SmxLabExtension.worker_processes must be 0 (off) or more")
        return int(proposal["value"])

    def resolved_store_class(self) -> type[Store]:
        """The configured ``store_class``, else the class that ``store`` names. Resolved when the
        store is built, not when the extension loads: a bad value must become a 503 with its
        reason, not an extension that is missing or, worse, serving another store."""
        configured = self._configured("store_class")
        if configured is not None and self.store_class is None:
            # The trait refused it while the configuration loaded (jupyter-server logs that and
            # goes on with the default): say so on every route instead of serving another store.
            raise StoreError(
                "SmxLabExtension.store_class must be a subclass of smx_lab.stores.base.Store; "
                f"{_short(configured)} is not one",
                field="store_class",
            )
        return self.store_class or factory.store_class(self.store or None)

    def _configured(self, name: str) -> Any:
        """A setting as the configuration gave it, whether or not its trait took it (the server's
        configuration too: jupyter-server links the extension before handing it over)."""
        for config in (self.config, getattr(self.serverapp, "config", None)):
            section = config.get(type(self).__name__, {}) if config is not None else {}
            if name in section:
                return section[name]
        return None

    def build_store(self) -> tuple[Store | None, SmxError | None]:
        """The configured store, or the error that prevented building it (the server still starts
        and every route answers 503 with the message)."""
        try:
            store_class = self.resolved_store_class()
            options = (
                {"path": self.db_path}
                if self.db_path and "path" in store_class.class_trait_names()
                else {}
            )
            return factory.open_store(store_class=store_class, parent=self, **options), None
        except SmxError as error:
            self.log.error("smx-lab: the experiment store could not be opened: %s", error.message)
            return None, error
        except Exception as error:  # a broken file or a missing dependency must not stop Jupyter
            self.log.exception("smx-lab: the experiment store could not be opened")
            return None, StoreError(f"the experiment store could not be opened: {error}")

    def build_workers(self, store: Store | None) -> WorkerPool | None:
        """The worker pool of the heavy routes: for the embedded store only, each worker opening
        the same file (other stores' work is mostly waiting, and their caches live here)."""
        if self.worker_processes == 0 or not isinstance(store, LocalStore):
            return None
        options = {"path": str(store.database_path.resolve())}
        return WorkerPool(type(store), options, self.worker_processes)

    def initialize_settings(self) -> None:
        store, failure = self.build_store()
        self.executor = ThreadPoolExecutor(
            max_workers=self.store_threads, thread_name_prefix="smx-lab-store"
        )
        self.workers = self.build_workers(store)
        self.settings.update(
            {
                "smx_lab_store": store,
                "smx_lab_store_error": failure,
                "smx_lab_executor": self.executor,
                "smx_lab_workers": self.workers,
                "smx_lab_page_size_cap": self.page_size_cap,
                "smx_lab_max_body_bytes": self.max_body_bytes,
            }
        )
        # Off the event loop, so the server is up at once and the first request is not slow.
        self.executor.submit(prepare_validators)
        if self.workers is not None:
            self.executor.submit(self.workers.start)
        if store is not None:
            workers = f", {self.worker_processes} worker processes" if self.workers else ""
            self.log.info("smx-lab: serving the %s store%s", store.kind, workers)

    async def stop_extension(self) -> None:
        workers = getattr(self, "workers", None)
        if workers is not None:
            workers.shutdown()
        executor = getattr(self, "executor", None)  # None when loading stopped before settings
        if executor is not None:
            executor.shutdown(wait=True)
        store = self.settings.get("smx_lab_store")
        if store is not None:
            store.close()
