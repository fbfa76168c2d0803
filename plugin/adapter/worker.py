"""One thread with a large stack that runs the redaction engine.

Orthanc calls REST callbacks on its HTTP server's (civetweb) worker threads, whose
stacks are too small for onnxruntime: RapidOCR inference segfaults the whole server
there (checked on Orthanc 1.10.1 + onnxruntime 1.2x: SIGSEGV inside
onnxruntime_pybind11_state on a "civetweb-worker" thread; the same call on a Python
thread with a 64 MiB stack succeeds). Running the engine on this thread also means
one redaction at a time in the Orthanc process, so concurrent requests queue instead
of oversubscribing the CPU.
"""

from __future__ import annotations

import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

__all__ = ["STACK_SIZE", "EngineThread"]

T = TypeVar("T")

STACK_SIZE = 64 * 1024 * 1024
"""Bytes of stack for the engine thread (virtual; pages are committed when used)."""

_STOP = object()


class EngineThread:
    """A daemon thread running submitted calls one after another."""

    def __init__(
        self, name: str = "redaction-engine", stack_size: int = STACK_SIZE
    ) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        # threading.stack_size() is process-wide and applies to threads created
        # after the call: set it for this one thread only, then restore it.
        with _STACK_LOCK:
            previous = threading.stack_size(stack_size)
            try:
                self._thread = threading.Thread(
                    target=self._run, name=name, daemon=True
                )
                self._thread.start()
            finally:
                threading.stack_size(previous)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on the engine thread and wait for its result.

        Exceptions raised by ``fn`` are raised here, in the caller's thread.
        """
        if not self._thread.is_alive():
            raise RuntimeError("the redaction engine thread has stopped")
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put((future, fn, args, kwargs))
        return future.result()

    def stop(self, timeout: float | None = None) -> None:
        """Finish the queued calls, then end the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout)


_STACK_LOCK = threading.Lock()
