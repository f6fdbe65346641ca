"""One Oxigraph bulk load fed with batches of quads while they are still being made.

Oxigraph's bulk loader releases the interpreter lock while it sorts and writes, so a builder that hands
it batches through :class:`BulkFeed` maps the next rows while the store writes the last ones: the
build then takes about as long as the slower of the two, not their sum. Each batch is a bulk load of
its own: one load fed the whole graph would hold about a million quads in memory before it writes,
and at most ``depth`` batches wait in the queue, so memory stays bounded by the batch size.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from types import TracebackType

from pyoxigraph import Quad, Store


class BulkFeed:
    """A bulk load into ``store`` running in a second thread; :meth:`put` hands it a batch.

    Use as a context manager: leaving the block waits for the load to finish and raises its error, if
    any; leaving it by an exception stops the load and lets that exception through."""

    def __init__(self, store: Store, depth: int = 2) -> None:
        self._store = store
        self._queue: queue.Queue[list[Quad] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._load, name="icgp-bulk-load", daemon=True)

    def __enter__(self) -> BulkFeed:
        self._thread.start()
        return self

    def put(self, quads: list[Quad]) -> None:
        """Queue one batch (the feed keeps it: do not change it afterwards); raise the load's error."""
        while True:
            if self._error is not None:
                raise self._error
            try:
                self._queue.put(quads, timeout=0.5)
                return
            except queue.Full:
                continue

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if error is not None:
            self._stopped.set()
        self._finish()
        self._thread.join()
        if error is None and self._error is not None:
            raise self._error

    def _finish(self) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(None, timeout=0.5)
                return
            except queue.Full:
                if self._stopped.is_set():
                    # The load is being abandoned: make room for the end mark.
                    with contextlib.suppress(queue.Empty):
                        self._queue.get_nowait()

    def _load(self) -> None:
        try:
            while not self._stopped.is_set():
                batch = self._queue.get()
                if batch is None:
                    return
                self._store.bulk_extend(batch)
        except BaseException as exc:  # handed to the builder's thread by put() and __exit__
            self._error = exc
            # Keep taking batches so that a builder blocked on a full queue sees the error.
            while self._queue.get() is not None:
                pass
