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

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Dict, Int, Type, Unicode, default, validate
from traitlets import TraitError as _TraitError

from .errors import SmxError, StoreError
from .handlers import (
    ChartHandler,
    ExperimentHandler,
    ExperimentsHandler,
    ExperimentTrialsHandler,
    InfoHandler,
    MetricsHandler,
    OpenAPIHandler,
    SearchHandler,
    SmxLabHandler,
    TableHandler,
    TrialComponentHandler,
    TrialComponentsHandler,
    TrialComponentsOfTrialHandler,
    TrialHandler,
    UnknownRouteHandler,
    prepare_validators,
)

#: Where every route lives, below the server's ``base_url``.
API_PREFIX = "/smx-lab/api/"
STORE_KINDS = ("local", "sagemaker")


def api_pattern(path: str) -> str:
    """An OpenAPI path template → a tornado pattern: ``trials/{name}`` → ``…/trials/(?P<name>[^/]+)``.
    Tornado URL-decodes the captured names before the handler sees them."""
    return API_PREFIX + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)


def _store_kind(value: Any) -> str:
    kind = str(value).lower()
    if kind not in STORE_KINDS:
        # Raised while building the store, so the server starts and routes answer 503 with it.
        raise StoreError(
            f"the store must be 'local' or 'sagemaker' (SmxLabExtension.store or "
            f"$SMX_LAB_STORE), not {value!r}"
        )
    return kind


class SmxLabExtension(ExtensionApp):
    """smx-lab's REST API, served by jupyter-server under ``{base_url}/smx-lab/api/``."""

    name = "smx_lab"

    # The route table: (OpenAPI path template, handler). One line per route of DESIGN.md's table.
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
        ("metrics", MetricsHandler),
        ("table", TableHandler),
        ("chart", ChartHandler),
    ]

    handlers = [
        *[(api_pattern(path), handler, {"path": path}) for path, handler in routes],
        # Last: anything else under the prefix is a JSON 404 rather than the server's HTML page.
        (API_PREFIX + "(?P<rest>.*)", UnknownRouteHandler, {"path": ""}),
    ]

    store = Unicode(
        help="Which store holds the experiments: 'local' (an embedded SQLite file, see db_path) or "
        "'sagemaker' (a SageMaker account through boto3). Default: $SMX_LAB_STORE, else 'local'.",
    ).tag(config=True)

    store_class = Type(
        default_value=None,
        klass=object,
        allow_none=True,
        help="The store class to build, swappable for another implementation of "
        "smx_lab.stores.base.Store. Default (None): LocalStore or SageMakerStore, chosen from "
        "`store`. It is called with store_options plus path=db_path (local) or cache_seconds "
        "(sagemaker).",
    ).tag(config=True)

    db_path = Unicode(
        help="The embedded store's SQLite file. Default: $SMX_LAB_DB, else "
        "<jupyter_data_dir>/smx_lab/experiments.sqlite.",
    ).tag(config=True)

    page_size_cap = Int(
        500,
        help="The largest `limit` a list or search request may ask for; larger ones get 400.",
    ).tag(config=True)

    cache_seconds = Int(
        10,
        help="How long the SageMaker store reuses an answer from AWS before asking again.",
    ).tag(config=True)

    store_threads = Int(
        4,
        help="Threads that run store calls, off the server's event loop.",
    ).tag(config=True)

    store_options = Dict(
        help="Extra keyword arguments for the store class (e.g. endpoint_url for SageMaker).",
    ).tag(config=True)

    @default("store")
    def _default_store(self) -> str:
        return (os.environ.get("SMX_LAB_STORE") or "local").lower()

    @validate("store")
    def _validate_store(self, proposal: Any) -> str:
        # Checked in build_store(): a wrong value must not stop the extension from loading.
        return str(proposal["value"]).lower()

    def resolved_store_class(self) -> type:
        """The configured ``store_class``, else the class that ``store`` names. Resolved when the
        store is built, not when the extension loads: jupyter-server reads every trait while loading,
        and a bad value must become a 503 with its reason, not an extension that is missing."""
        if self.store_class is not None:
            return self.store_class
        if _store_kind(self.store) == "sagemaker":
            from .stores.sagemaker import (  # type: ignore[import-not-found,unused-ignore]
                SageMakerStore,
            )

            return SageMakerStore  # type: ignore[no-any-return,unused-ignore]
        from .stores.local import LocalStore

        return LocalStore

    @default("db_path")
    def _default_db_path(self) -> str:
        return os.environ.get("SMX_LAB_DB") or os.path.join(
            jupyter_data_dir(), "smx_lab", "experiments.sqlite"
        )

    @validate("page_size_cap", "store_threads")
    def _validate_positive(self, proposal: Any) -> int:
        if proposal["value"] < 1:
            raise _TraitError(f"SmxLabExtension.{proposal['trait'].name} must be at least 1")
        return int(proposal["value"])

    def store_arguments(self) -> dict[str, Any]:
        if _store_kind(self.store) == "sagemaker":
            return {"cache_seconds": self.cache_seconds, **self.store_options}
        return {"path": self.db_path, **self.store_options}

    def build_store(self) -> tuple[Any, SmxError | None]:
        """The configured store, or the error that prevented building it (the server still starts
        and every route answers 503 with the message)."""
        try:
            return self.resolved_store_class()(**self.store_arguments()), None
        except SmxError as error:
            self.log.error("smx-lab: the experiment store could not be opened: %s", error.message)
            return None, error
        except Exception as error:  # a broken file or a missing dependency must not stop Jupyter
            self.log.exception("smx-lab: the experiment store could not be opened")
            return None, StoreError(f"the experiment store could not be opened: {error}")

    def initialize_settings(self) -> None:
        store, failure = self.build_store()
        self.executor = ThreadPoolExecutor(
            max_workers=self.store_threads, thread_name_prefix="smx-lab-store"
        )
        self.settings.update(
            {
                "smx_lab_store": store,
                "smx_lab_store_error": failure,
                "smx_lab_executor": self.executor,
                "smx_lab_page_size_cap": self.page_size_cap,
            }
        )
        # Off the event loop, so the server is up at once and the first request is not slow.
        self.executor.submit(prepare_validators)
        if store is not None:
            self.log.info("smx-lab: serving the %s store", getattr(store, "kind", "configured"))

    async def stop_extension(self) -> None:
        executor = getattr(self, "executor", None)  # None when loading stopped before settings
        if executor is not None:
            executor.shutdown(wait=True)
        store = self.settings.get("smx_lab_store")
        if store is not None:
            store.close()
