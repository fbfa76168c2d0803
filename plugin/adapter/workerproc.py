"""Entry point of a worker process: ``python -m plugin.adapter.workerproc RFD WFD``.

Started by :class:`~plugin.adapter.pool.WorkerPool` with two pipe file descriptors
(requests in, answers out; stdout stays free for whatever libraries print). No
Orthanc import: the worker only sees bytes and settings.

Protocol (pickled messages of :class:`multiprocessing.connection.Connection`):

1. in: ``{"settings", "filters", "threads", "nice"}``; out: ``{"ready": True,
   "versions", "pid"}`` once the engines are loaded, or ``{"ready": False, "error"}``.
2. in: ``{"op": "redact", "data": bytes, "explicit"?: bool, "settings"?:
   RedactionSettings, "corrections"?: {"add", "keep"}}``; out: the
   dict of :func:`plugin.adapter.process.redact_bytes`.
3. in: ``{"op": "preview", "data", "frame", "max_side"}``: ``{"png", "frames", "width",
   "height"}``; ``{"op": "video", "data", "format"}``: ``{"video": bytes}``; both
   ``{"error": type}`` on failure.
4. in: ``{"op": "stop"}`` or end of file (Orthanc stopped or died): the process exits.
"""

from __future__ import annotations

import logging
import os
import sys
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["main"]


def _serve(conn_in: Connection, conn_out: Connection) -> int:
    from plugin.core.pipeline import get_engines
    from plugin.privacy import silence_value_messages

    from .process import preview_png, redact_bytes, video_bytes

    init: dict[str, Any] = conn_in.recv()
    if init.get("nice"):
        os.nice(int(init["nice"]))
    silence_value_messages()
    settings = init["settings"]
    threads = int(init.get("threads", 0))
    try:
        engines = get_engines(settings, threads)
        engines.warm_up()
        versions = dict(engines.versions)
    except Exception as exc:  # noqa: BLE001 - reported to the plugin, which stays up
        conn_out.send({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    conn_out.send({"ready": True, "versions": versions, "pid": os.getpid()})
    while True:
        try:
            msg = conn_in.recv()
        except (EOFError, OSError):
            return 0
        op = msg.get("op")
        if op == "stop":
            return 0
        if op == "redact":
            job_settings = msg.get("settings") or settings
            job_engines = (
                engines
                if job_settings == settings
                else get_engines(job_settings, threads)
            )
            answer = redact_bytes(
                msg["data"],
                job_settings,
                engines=job_engines,
                filters=init.get("filters"),
                explicit=bool(msg.get("explicit")),
                corrections=msg.get("corrections"),
            )
        elif op == "preview":
            answer = _guarded(
                preview_png,
                msg["data"],
                int(msg.get("frame", 0)),
                int(msg.get("max_side", 0)),
            )
        elif op == "video":
            answer = _guarded(
                lambda d, f: {"video": video_bytes(d, f)}, msg["data"], msg["format"]
            )
        elif op == "ping":
            answer = {"pong": os.getpid()}
        else:
            answer = {
                "status": "failed",
                "report": {"status": "failed", "reason": "protocol"},
            }
        try:
            conn_out.send(answer)
        except (BrokenPipeError, OSError):
            return 0


def _guarded(fn: Any, *args: Any) -> dict[str, Any]:
    """``fn(*args)``, or ``{"error": type}`` (no message: it may quote file content)."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - answered to the plugin
        return {"error": type(exc).__name__}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    rfd, wfd = int(args[0]), int(args[1])
    logging.basicConfig(
        level=logging.WARNING,
        format="redaction-worker[%(process)d] %(levelname)s [%(name)s] %(message)s",
        stream=sys.stderr,
    )
    # Presidio announces every recognizer it skips at WARNING: noise, not news.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    conn_in = Connection(rfd, writable=False)
    conn_out = Connection(wfd, readable=False)
    try:
        return _serve(conn_in, conn_out)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        return 0


if __name__ == "__main__":
    sys.exit(main())
