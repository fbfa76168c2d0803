"""Worker processes that run the redaction engine, outside Orthanc's process.

Why processes and not threads: OCR and NER hold the GIL and use hundreds of MB;
in Orthanc's process they would slow every REST call and C-STORE, and a crash in
native code (onnxruntime) would take the PACS down. Here a worker is a plain
``python -m plugin.adapter.workerproc`` child talking over two pipes; it is killed
and replaced when it exceeds the time limit or dies, and it exits by itself when
Orthanc goes away (end of file on its pipe).

Each worker has one *slot* thread in Orthanc's process. A slot takes the next task
from a priority queue and runs it; the task talks to its worker through
:meth:`Slot.call`. Tasks are plain callables, so the service decides what happens
around the worker's part (fetch the file, store the copy) and all of it stays
bounded by the number of slots.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

__all__ = [
    "EngineUnavailable",
    "PoolClosed",
    "WorkerCrashed",
    "WorkerPool",
    "WorkerTimeout",
    "default_python",
]

READY_TIMEOUT_S = 600.0
"""Loading the models in a fresh worker (spaCy, ONNX) on a slow cold machine."""


class WorkerTimeout(Exception):
    """The worker did not answer within the time limit; it was killed."""


class WorkerCrashed(Exception):
    """The worker process died (twice) while working on the task."""


class EngineUnavailable(Exception):
    """The worker could not load the engine (message: why)."""


class PoolClosed(Exception):
    """The pool is shutting down (Orthanc stops): the task was interrupted, not failed."""


def default_python() -> str:
    """The interpreter Orthanc embeds, as a program (``sys.executable`` is Orthanc)."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    for candidate in (
        os.path.join(sys.base_prefix, "bin", version),
        os.path.join(sys.base_prefix, "bin", "python3"),
        "/usr/bin/python3",
    ):
        if os.access(candidate, os.X_OK):
            return candidate
    return "python3"


class _Process:
    """One worker child and its two pipe ends."""

    def __init__(self, python: str, env: dict[str, str], init: dict[str, Any]) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.popen = subprocess.Popen(
                [
                    python,
                    "-m",
                    "plugin.adapter.workerproc",
                    str(to_child_r),
                    str(from_child_w),
                ],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                env=env,
                close_fds=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.send_conn = Connection(to_child_w, readable=False)
        self.recv_conn = Connection(from_child_r, writable=False)
        self.send_conn.send(init)
        if not self.recv_conn.poll(READY_TIMEOUT_S):
            self.kill()
            raise EngineUnavailable("worker did not become ready in time")
        try:
            hello = self.recv_conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise EngineUnavailable(
                f"worker exited while loading (code {self.popen.wait()})"
            ) from None
        if not hello.get("ready"):
            self.kill()
            raise EngineUnavailable(str(hello.get("error", "unknown error")))
        self.versions: dict[str, str] = hello.get("versions", {})
        self.pid = int(hello.get("pid", self.popen.pid))

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        try:
            self.popen.kill()
        except OSError:
            pass
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            pass
        for conn in (
            getattr(self, "send_conn", None),
            getattr(self, "recv_conn", None),
        ):
            if conn is not None:
                try:
                    conn.close()
                except OSError:
                    pass

    def stop(self, timeout: float = 5.0) -> None:
        try:
            self.send_conn.send({"op": "stop"})
            self.popen.wait(timeout)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        self.kill()


class Slot:
    """A slot thread's handle on its worker process (restarted when needed)."""

    def __init__(self, pool: WorkerPool, index: int) -> None:
        self.pool = pool
        self.index = index
        self.process: _Process | None = None
        self.busy = False

    def _ensure(self) -> _Process:
        if self.process is None or not self.process.alive():
            if self.process is not None:
                self.process.kill()
                self.pool._count("restarts")
            self.process = None
            self.process = _Process(self.pool.python, self.pool.env, self.pool.init)
            self.pool._worker_ready(self.process)
        return self.process

    def call(self, message: dict[str, Any], timeout: float | None = None) -> Any:
        """Send ``message`` to the worker and return its answer.

        Raises
        ------
        WorkerTimeout
            No answer within ``timeout`` (default: the pool's): the worker is killed
            and replaced by the next call.
        WorkerCrashed
            The worker died on this message twice in a row.
        EngineUnavailable
            A new worker could not load the engine.
        """
        limit = self.pool.timeout if timeout is None else timeout
        for attempt in (1, 2):
            if self.pool.closed:
                raise PoolClosed("the worker pool is closing")
            proc = self._ensure()
            try:
                proc.send_conn.send(message)
                if not proc.recv_conn.poll(limit):
                    logger.warning(
                        "worker %d: no answer within %.0f s: killed", proc.pid, limit
                    )
                    proc.kill()
                    self.process = None
                    self.pool._count("timeouts")
                    raise WorkerTimeout(f"no answer within {limit:.0f} s")
                return proc.recv_conn.recv()
            except (EOFError, OSError) as exc:
                if self.pool.closed:
                    # Killed by close(): an interruption, not this instance's fault.
                    raise PoolClosed("the worker pool is closing") from None
                code = proc.popen.poll()
                logger.warning(
                    "worker %d died (%s, exit %s), attempt %d",
                    proc.pid,
                    type(exc).__name__,
                    code,
                    attempt,
                )
                proc.kill()
                self.process = None
                self.pool._count("crashes")
        raise WorkerCrashed("the worker process died twice on this instance")


_STOP = object()


class WorkerPool:
    """``size`` worker processes behind a priority queue of tasks.

    Parameters
    ----------
    size
        Number of worker processes (and slot threads).
    init
        First message to every worker (settings, filters, threads, niceness).
    timeout
        Seconds a worker may spend on one call before it is killed.
    python
        Interpreter of the workers; default :func:`default_python`.
    """

    def __init__(
        self,
        size: int,
        init: dict[str, Any],
        *,
        timeout: float,
        python: str | None = None,
    ) -> None:
        self.size = max(1, size)
        self.init = init
        self.timeout = timeout
        self.python = python or default_python()
        env = dict(os.environ)
        # Orthanc's embedded interpreter found the plugin and its packages through
        # PYTHONPATH and site: hand the same search path to the children.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        env.setdefault("OMP_NUM_THREADS", str(max(1, int(init.get("threads") or 1))))
        self.env = env
        self._queue: queue.PriorityQueue[tuple[int, int, Any, Any]] = (
            queue.PriorityQueue()
        )
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self.counters: dict[str, int] = {
            "restarts": 0,
            "timeouts": 0,
            "crashes": 0,
        }
        self.versions: dict[str, str] = {}
        self.ready_workers = 0
        self.engine_error: str | None = None
        self.slots = [Slot(self, i) for i in range(self.size)]
        self._threads = [
            threading.Thread(
                target=self._run, args=(slot,), name=f"redaction-slot-{i}", daemon=True
            )
            for i, slot in enumerate(self.slots)
        ]
        self._closed = False

    def start(self) -> None:
        """Start the slot threads; each starts its worker at once (models load now)."""
        for thread in self._threads:
            thread.start()

    def _count(self, name: str) -> None:
        with self._lock:
            self.counters[name] = self.counters.get(name, 0) + 1

    def _worker_ready(self, proc: _Process) -> None:
        with self._lock:
            self.versions = proc.versions
            self.engine_error = None

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    @property
    def running(self) -> int:
        return sum(1 for s in self.slots if s.busy)

    @property
    def alive(self) -> int:
        return sum(1 for s in self.slots if s.process is not None and s.process.alive())

    def submit(
        self, task: Callable[[Slot], Any], priority: int = 5
    ) -> concurrent.futures.Future[Any]:
        """Queue ``task(slot)``; lower ``priority`` runs first. Returns its future."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._queue.put((priority, next(self._seq), task, future))
        return future

    @property
    def closed(self) -> bool:
        return self._closed

    def _run(self, slot: Slot) -> None:
        try:
            slot._ensure()
        except Exception as exc:  # noqa: BLE001 - the slot must live on (EngineUnavailable, OSError)
            with self._lock:
                self.engine_error = str(exc)
            logger.error("worker %d could not start: %s", slot.index, exc)
        while True:
            _prio, _n, task, future = self._queue.get()
            if task is _STOP:
                break
            if not future.set_running_or_notify_cancel():
                continue
            slot.busy = True
            try:
                future.set_result(task(slot))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiter
                future.set_exception(exc)
            finally:
                slot.busy = False
        if slot.process is not None:
            slot.process.stop()
            slot.process = None

    def close(self, timeout: float = 10.0) -> None:
        """Stop taking tasks, let running ones finish (up to ``timeout``), stop workers."""
        if self._closed:
            return
        self._closed = True
        # Drop what has not started: automatic work is picked up again from the
        # change log at the next start; callers waiting get a cancellation.
        pending: list[Any] = []
        while True:
            try:
                pending.append(self._queue.get_nowait())
            except queue.Empty:
                break
        for _prio, _n, _task, future in pending:
            future.cancel()
        for _ in self._threads:
            self._queue.put((-1, next(self._seq), _STOP, None))
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        for slot in self.slots:
            if slot.process is not None:
                slot.process.kill()
