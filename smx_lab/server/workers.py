"""The heavy routes' work in worker processes, so that it never holds the server's GIL.

A store call of the embedded store is mostly Python (rows → records → JSON), and Python threads
share one interpreter lock: under load, the store's thread pool kept jupyter-server's own event
loop waiting (``api/status`` p99 150 ms and more, ``docs/benchmarks.md``). With
``SmxLabExtension.worker_processes`` > 0 and the embedded store, the heavy routes (``search``,
``metrics``, ``table``, ``chart`` and the trial component listings) run in a pool of worker
processes instead: each worker opens its own store on the same SQLite file (WAL: readers see every
committed write, of the server or of a training script), runs the whole request and encodes the
answer; the server process only copies bytes.

The convention for a heavy route (``handlers.py``; ``table_handlers.py`` does the same):

- its work is a **top-level function** ``answer(store, *args)`` returning what the route answers
  (records, pages, dicts). It is pickled by reference, so no closure, no lambda, no bound method;
  its arguments are plain data (the validated body, the query arguments, a setting);
- the handler validates what it can on its own side (the body against the OpenAPI document, the
  query parameters), then ``await self.reply(await self.run_heavy(answer, *args))``;
- errors stay the same: an :class:`~smx_lab.errors.SmxError` raised in a worker comes back as the
  same exception (class, message, details) and becomes the same status and body in
  :meth:`~smx_lab.server.base.SmxLabHandler.write_error`;
- without workers (other stores, whose work is mostly waiting on the network and whose caches live
  in the server process; or ``worker_processes = 0``) the same function runs on the store's thread
  pool, and is encoded there.

A worker that dies (killed, out of memory) breaks the pool: every request the pool held answers
503 (``store_unavailable``, "try again") and the pool is built anew for the next request. The pool
is shut down, its processes ended, when the server stops.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from tornado.log import app_log

from ..errors import StoreUnavailable
from ..stores.base import Store
from .base import to_json

#: Imported once by the fork server rather than by each worker: the route table, hence every
#: handler module and the top-level functions they send to the workers.
PRELOAD = ("smx_lab.server.app", "smx_lab.stores.local")

# The store of this worker process (None in the server process).
_worker_store: Store | None = None


def _open_worker_store(store_class: type[Store], options: dict[str, Any]) -> None:
    global _worker_store
    # Ctrl-C in a terminal reaches the whole process group: the server stops the pool itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_store = store_class(**options)


def _answer(function: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    if _worker_store is None:
        raise RuntimeError("not a worker process of smx-lab's pool")
    return to_json(function(_worker_store, *args))


def _ready() -> None:
    """Nothing: submitted once per worker so that the pool is up before the first request."""


def _start_method() -> str:
    # Not "fork": forking the server (an event loop and threads) copies locks held by other
    # threads. The fork server is a clean process that imports smx-lab once; each worker is a fork
    # of it. Where there is none (Windows), each worker starts a new interpreter.
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class WorkerPool:
    """``processes`` worker processes, each with its own ``store_class(**options)``."""

    def __init__(self, store_class: type[Store], options: dict[str, Any], processes: int) -> None:
        self.store_class = store_class
        self.options = options
        self.processes = processes
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(_start_method())
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(list(PRELOAD))  # type: ignore[attr-defined]
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=context,
            initializer=_open_worker_store,
            initargs=(self.store_class, self.options),
        )

    def start(self) -> None:
        """Start every worker now (blocking: call it off the event loop), rather than one by one
        as the first requests come."""
        executor = self._executor
        try:
            for done in [executor.submit(_ready) for _ in range(self.processes)]:
                done.result()
        except BrokenProcessPool:
            app_log.warning("smx-lab: the worker processes could not start; retried on demand")
        except RuntimeError:  # shut down meanwhile: the server is stopping
            pass

    async def run(self, function: Callable[..., Any], *args: Any) -> bytes:
        """``function(store, *args)`` in a worker, its answer encoded as JSON."""
        executor = self._executor
        try:
            future: Future[bytes] = executor.submit(_answer, function, args)
            return await asyncio.wrap_future(future)
        except BrokenProcessPool as error:
            self._replace(executor)
            raise StoreUnavailable(
                "a worker process of the server stopped while serving this request; try again"
            ) from error

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        # Called on the event loop only: the first request to see the pool broken replaces it.
        if self._executor is not broken:
            return
        app_log.warning("smx-lab: a worker process stopped; starting the worker pool again")
        self._executor = self._new_executor()
        broken.shutdown(wait=False, cancel_futures=True)
        asyncio.get_running_loop().run_in_executor(None, self.start)

    def shutdown(self) -> None:
        """End the workers (waiting for the requests they hold)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
