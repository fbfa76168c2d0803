"""REST routes under ``/redaction/`` and the guard every route runs in.

Facts about Orthanc's Python plugin 4.0 (Orthanc 1.10.1) this relies on, checked
against the real server:

- ``callback(output, uri, **request)``: ``request["method"]`` is ``"GET"``,
  ``"POST"``...; ``request["body"]`` is ``bytes`` for POST/PUT; ``request["headers"]``
  has lower-case names; ``request["get"]`` (query arguments) exists for GET only:
  Orthanc does not hand the query string of a POST to plugins.
- ``output.SendHttpStatus(status, body: str, size: int)`` takes three arguments
  (later plugin versions accept ``(status, bytes)``; both are tried).
- An exception escaping a callback becomes Orthanc's generic HTTP 500 "Error
  encountered within the plugin engine": hence :func:`guard`.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import io
import json
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from plugin import __version__
from plugin.core.errors import (
    BackendUnavailableError,
    ConfigError,
    RedactionError,
    ResourceLimitError,
)

from .config import PluginConfig
from .pool import PoolClosed, WorkerTimeout

logger = logging.getLogger(__name__)

__all__ = ["HttpError", "Routes", "guard", "guarded", "send_json"]

Handler = Callable[[Any, str, dict[str, Any]], None]


class HttpError(Exception):
    """A client error with a status, a machine-readable code and a PHI-free message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def _status_for(exc: RedactionError) -> int:
    if isinstance(exc, BackendUnavailableError):
        return 503
    if isinstance(exc, ResourceLimitError):
        return 413
    if isinstance(exc, ConfigError):
        return 500
    return 422


def send_json(output: Any, payload: Any, status: int = 200) -> None:
    """Answer ``payload`` as JSON with ``status``."""
    body = json.dumps(payload, ensure_ascii=True)
    if status == 200:
        output.AnswerBuffer(body.encode("ascii"), "application/json")
        return
    output.SetHttpHeader("Content-Type", "application/json")
    try:
        output.SendHttpStatus(status, body, len(body))
    except TypeError:
        output.SendHttpStatus(status, body.encode("ascii"))


@contextlib.contextmanager
def guard(output: Any, route: str) -> Iterator[None]:
    """Turn every exception of a route into a JSON error; nothing escapes into Orthanc.

    ``RedactionError`` -> 4xx/5xx with its ``code`` (core messages carry no patient
    text by contract); :class:`HttpError` -> its status; anything else -> 500 with the
    exception type only, since foreign messages may quote file content.
    """
    try:
        yield
    except HttpError as exc:
        logger.info("%s: %d %s", route, exc.status, exc.code)
        _answer_error(output, exc.status, exc.code, str(exc))
    except (PoolClosed, concurrent.futures.CancelledError) as exc:
        logger.info("%s: 503 stopping (%s)", route, type(exc).__name__)
        _answer_error(output, 503, "stopping", "Orthanc is stopping: try again later")
    except (concurrent.futures.TimeoutError, WorkerTimeout) as exc:
        logger.warning("%s: 504 (%s)", route, type(exc).__name__)
        _answer_error(output, 504, "timeout", "the redaction took too long")
    except RedactionError as exc:
        logger.warning("%s: %s (%s)", route, exc.code, type(exc).__name__)
        _answer_error(output, _status_for(exc), exc.code, str(exc))
    except Exception as exc:
        # The type only: a library's message (and so a traceback) may quote file
        # content. The traceback goes to DEBUG for whoever debugs on test data.
        logger.error("%s: unexpected %s", route, type(exc).__name__)
        logger.debug("traceback", exc_info=True)
        _answer_error(output, 500, "internal", f"internal error ({type(exc).__name__})")


def _answer_error(output: Any, status: int, code: str, message: str) -> None:
    try:
        send_json(output, {"error": message, "code": code}, status)
    except Exception:
        logger.exception("could not send the error answer")


def guarded(route: str, handler: Handler) -> Callable[..., None]:
    """Wrap ``handler(output, uri, request)`` as an Orthanc REST callback."""

    def callback(output: Any, uri: str, **request: Any) -> None:
        with guard(output, route):
            handler(output, uri, request)

    callback.__name__ = f"route_{route.strip('/').replace('/', '_')}"
    return callback


def _wants_json(request: dict[str, Any]) -> bool:
    # Orthanc 1.10 drops the query string of POST requests before plugins see it;
    # "?format=json" therefore works only where Orthanc passes it, the Accept
    # header works everywhere.
    args = request.get("get") or {}
    if str(args.get("format", "")).lower() == "json":
        return True
    headers = request.get("headers") or {}
    accept = str(headers.get("accept", ""))
    return "application/json" in accept and "application/dicom" not in accept


STARTUP_WAIT_S = 60.0


class Routes:
    """The handlers, over the service (``None`` until Orthanc has started)."""

    def __init__(self, config: PluginConfig) -> None:
        self.config = config
        self.service: Any = None
        """:class:`~plugin.adapter.service.RedactionService`, set once Orthanc runs."""
        self.starting_error: str | None = None
        self.started = threading.Event()
        """Set when the service is up (or failed to start): routes wait for it."""

    def _service(self) -> Any:
        # Orthanc answers HTTP a moment before it reports ORTHANC_STARTED to plugins:
        # a request in that window waits rather than failing.
        if self.service is None:
            self.started.wait(STARTUP_WAIT_S)
        if self.service is None:
            reason = self.starting_error or "the plugin is starting"
            raise HttpError(503, "starting", reason)
        return self.service

    # GET /redaction/health
    def health(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        settings = self.config.settings
        service = self.service
        pool = service.pool if service is not None else None
        queue = service.queue_state() if service is not None else {}
        send_json(
            output,
            {
                "plugin": "orthanc-pixel-redaction",
                "version": __version__,
                "engine_ready": bool(pool is not None and pool.alive > 0),
                "engine_error": (pool.engine_error if pool else self.starting_error),
                "engines": dict(pool.versions) if pool else {},
                "ocr_backend": settings.ocr_backend,
                "verify_backend": settings.verify_backend if settings.verify else None,
                "policy": settings.policy.value,
                "fill": settings.fill.value,
                "automatic_redaction": self.config.enabled,
                "workers": self.config.worker_count,
                "workers_alive": pool.alive if pool else 0,
                "queue_length": (queue.get("queued", 0) + queue.get("running", 0)),
                "changes_behind": queue.get("changes_behind", 0),
            },
        )

    # GET /redaction/queue
    def queue(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        send_json(output, self._service().queue_state())

    # GET|POST /redaction/instances/{id}
    def instance(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        method = request.get("method")
        if method not in ("GET", "POST"):
            output.SendMethodNotAllowed("GET,POST")
            return
        service, instance, described = self._described(request, uri)
        if method == "GET":
            send_json(output, described)
            return
        if described.get("copy_of"):
            raise HttpError(
                409,
                "is-a-copy",
                "this instance is a redacted copy; redact its original",
            )
        user = request_user(request)
        trigger = f"rest:{user}" if user else "rest"
        future = service.submit(instance, force=True, trigger=trigger, priority=0)
        result = future.result(timeout=self.config.timeout_seconds * 2 + 120)
        described = service.describe(instance) or result
        if described.get("status") == "pending" and result.get("status") != "pending":
            # Another request's run of the same original started after ours
            # ended: this request answers with the outcome of its own run.
            described = {**described, **result}
        send_json(output, described)

    def _described(
        self, request: dict[str, Any], uri: str
    ) -> tuple[Any, str, dict[str, Any]]:
        """(service, instance id, its status) or 404 when Orthanc does not know it."""
        service = self._service()
        instance = _group(request, uri)
        described = service.describe(instance)
        if described is None:
            raise HttpError(404, "unknown-instance", "no such instance")
        return service, instance, described

    def _target(self, request: dict[str, Any], uri: str) -> tuple[Any, str]:
        """(service, instance to show) for ``?which=original|redacted``; the default
        is the copy when the id is a copy, else the original."""
        service, instance, described = self._described(request, uri)
        which = _arg(
            request, "which", "redacted" if described.get("copy_of") else "original"
        )
        if which == "original":
            return service, str(described.get("copy_of") or instance)
        if which == "redacted":
            if described.get("copy_of"):
                return service, instance
            if not described.get("redacted"):
                raise HttpError(404, "no-copy", "this instance has no redacted copy")
            return service, str(described["redacted"])
        raise HttpError(400, "bad-argument", "which must be original or redacted")

    # GET /redaction/instances/{id}/preview.png?frame=N&which=original|redacted
    def preview(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        service, target = self._target(request, uri)
        try:
            frame = int(_arg(request, "frame", "0"))
            max_side = int(_arg(request, "max_side", "0"))
        except ValueError:
            raise HttpError(
                400, "bad-argument", "frame and max_side are integers"
            ) from None
        if max_side != 0 and not 16 <= max_side <= 8192:
            raise HttpError(
                400, "bad-argument", "max_side is 0 (full size) or 16 to 8192"
            )
        answer = service.render(
            {
                "op": "preview",
                "data": service.api.dicom(target),
                "frame": frame,
                "max_side": max_side,
            }
        )
        if "png" not in answer:
            raise HttpError(422, "no-preview", f"cannot render ({answer.get('error')})")
        output.SetHttpHeader("X-Frames", str(answer["frames"]))
        output.SetHttpHeader("Cache-Control", "no-store")
        output.AnswerBuffer(answer["png"], "image/png")

    # GET /redaction/instances/{id}/video.mp4|gif
    def video(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        fmt = str((request.get("groups") or ("", "mp4"))[1])
        service, target = self._target(request, uri)
        answer = service.render(
            {"op": "video", "data": service.api.dicom(target), "format": fmt}
        )
        if "video" not in answer:
            raise HttpError(422, "no-video", f"cannot export ({answer.get('error')})")
        output.SetHttpHeader(
            "Content-Disposition", f'attachment; filename="{target}.{fmt}"'
        )
        output.AnswerBuffer(
            answer["video"], "video/mp4" if fmt == "mp4" else "image/gif"
        )

    # GET /redaction/instances/{id}/boxes
    def boxes(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        service, _, described = self._described(request, uri)
        copy = described.get("redacted")
        report = (service.api.report(copy) if copy else None) or {}
        body = {
            "original": described.get("copy_of") or described["id"],
            "redacted": copy,
            "status": described.get("status"),
            "policy": report.get("policy"),
            "frames": report.get("frames"),
            "boxes": report.get("boxes", []),
            "verification": report.get("verification", {}),
        }
        output.SetHttpHeader(
            "Content-Disposition",
            f'attachment; filename="{body["original"]}-boxes.json"',
        )
        send_json(output, body)

    # GET|PUT /redaction/instances/{id}/corrections
    def corrections(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        method = request.get("method")
        if method not in ("GET", "PUT", "POST"):
            output.SendMethodNotAllowed("GET,PUT")
            return
        service, instance, described = self._described(request, uri)
        original = str(described.get("copy_of") or instance)
        if method == "GET":
            send_json(output, service.corrections(original))
            return
        try:
            raw = bytes(request.get("body") or b"{}")
            body = _parsed(lambda: json.loads(raw))
            if not isinstance(body, dict):
                raise TypeError("not an object")
            stored = service.set_corrections(
                original,
                list(body.get("add", [])),
                list(body.get("keep", [])),
                request_user(request),
            )
        except (ValueError, TypeError, KeyError, RecursionError, OverflowError) as exc:
            raise HttpError(
                400,
                "bad-corrections",
                f"corrections must be boxes ({type(exc).__name__})",
            ) from None
        send_json(output, stored)

    # GET /redaction/instances/{id}/audit
    def audit(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        service, _, described = self._described(request, uri)
        original = str(described.get("copy_of") or described["id"])
        send_json(
            output,
            {
                "original": original,
                "redacted": described.get("redacted"),
                "status": described.get("status"),
                "events": service.audit(original),
                "corrections": service.corrections(original)["history"],
            },
        )

    # GET /redaction/ui/{file}
    def ui_file(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        name = _group(request, uri)
        path = STATIC_DIR / name
        if (
            "/" in name
            or name.startswith(".")
            or path.suffix not in _STATIC_TYPES
            or not path.is_file()
        ):
            raise HttpError(404, "not-found", "no such file")
        output.AnswerBuffer(path.read_bytes(), _STATIC_TYPES[path.suffix])

    # POST /redaction/series/{id}, /redaction/studies/{id}
    def series(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        self._job("series", output, uri, request)

    def studies(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        self._job("study", output, uri, request)

    def _job(self, level: str, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "POST":
            output.SendMethodNotAllowed("POST")
            return
        job = self._service().start_job(level, _group(request, uri))
        if job is None:
            raise HttpError(404, f"unknown-{level}", f"no such {level}")
        body = job.to_dict()
        body["Path"] = f"/redaction/jobs/{job.id}"
        send_json(output, body)

    # GET /redaction/jobs, /redaction/jobs/{id}
    def jobs(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        jobs = list(self._service().jobs.values())  # a snapshot: jobs start meanwhile
        send_json(output, [j.to_dict() for j in jobs])

    def job(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        job = self._service().jobs.get(_group(request, uri))
        if job is None:
            raise HttpError(404, "unknown-job", "no such job")
        send_json(output, job.to_dict())

    # POST /redaction/redact
    def redact(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "POST":
            output.SendMethodNotAllowed("POST")
            return
        service = self._service()
        body = request.get("body") or b""
        if not body:
            raise HttpError(400, "empty", "the request body must be a DICOM file")
        limit = self.config.max_upload_megabytes * 1024 * 1024
        if len(body) > limit:
            raise HttpError(
                413,
                "too-large",
                f"the body exceeds MaxUploadMegabytes ({self.config.max_upload_megabytes})",
            )
        data = bytes(body)
        del body
        _read_dicom(data)  # a clear 400/422 before any worker time is spent
        future = service.pool.submit(
            lambda slot: slot.call({"op": "redact", "data": data, "explicit": True}),
            0,
        )
        answer = future.result(timeout=self.config.timeout_seconds * 2 + 120)
        report = answer.get("report") or {}
        if answer.get("status") != "done" or not answer.get("data"):
            reason = report.get("reason") or answer.get("status")
            send_json(
                output,
                {
                    "error": f"redaction {answer.get('status')}: {reason}",
                    "code": reason,
                    "report": report,
                },
                422,
            )
            return
        out = answer["data"]
        boxes = report.get("boxes", [])
        logger.info(
            "redact: status=done boxes=%d in %.2fs",
            len(boxes),
            answer.get("seconds", 0),
        )
        if _wants_json(request):
            send_json(
                output,
                {
                    "redacted_instance": base64.b64encode(out).decode("ascii"),
                    "boxes": boxes,
                    "report": report,
                },
            )
            return
        output.SetHttpHeader(
            "X-Redaction-Boxes", json.dumps(boxes, separators=(",", ":"))
        )
        output.SetHttpHeader("X-Redaction-Status", "done")
        output.AnswerBuffer(out, "application/dicom")


STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}


def request_user(request: dict[str, Any]) -> str:
    """The HTTP Basic user name of a request ("" when anonymous)."""
    headers = request.get("headers") or {}
    auth = str(headers.get("authorization", ""))
    if not auth.lower().startswith("basic "):
        return ""
    try:
        decoded = base64.b64decode(auth[6:].strip()).decode("utf-8", "replace")
    except ValueError:
        return ""
    return decoded.split(":", 1)[0][:64]


def _arg(request: dict[str, Any], name: str, default: str = "") -> str:
    return str((request.get("get") or {}).get(name, default))


def _group(request: dict[str, Any], uri: str) -> str:
    groups = request.get("groups") or ()
    value = groups[0] if groups else uri.rstrip("/").rsplit("/", 1)[-1]
    return str(value)


_PARSE_STACK = 64 * 1024 * 1024
"""Stack of the thread a request body is parsed in (see :func:`_parsed`)."""
_STACK_LOCK = threading.Lock()


def _parsed(parse: Callable[[], Any]) -> Any:
    """``parse()`` run in a thread of its own with a large stack.

    Orthanc's HTTP threads have small C stacks: a body nested a few hundred levels
    deep (sequences in sequences, JSON arrays in arrays) overflows one before
    Python's recursion limit is reached, and the whole server dies. On a large
    stack the limit comes first: RecursionError, a client error.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = parse()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    with _STACK_LOCK:
        previous = threading.stack_size(_PARSE_STACK)
        try:
            worker = threading.Thread(target=run, name="redaction-parse")
            worker.start()
        finally:
            threading.stack_size(previous)
    worker.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _read_dicom(body: bytes) -> Any:
    import pydicom
    from pydicom.errors import InvalidDicomError

    def parse() -> Any:
        ds = pydicom.dcmread(io.BytesIO(body))
        # dcmread is lazy: touch the whole dataset so truncated or garbled
        # elements fail here as a client error, not later as a 500.
        for _ in ds.iterall():
            pass
        return ds

    try:
        ds = _parsed(parse)
    except RecursionError:
        raise HttpError(
            400, "invalid-dicom", "not a readable DICOM file (nested too deeply)"
        ) from None
    except (InvalidDicomError, EOFError, ValueError, KeyError, OSError) as exc:
        raise HttpError(
            400, "invalid-dicom", f"not a readable DICOM file ({type(exc).__name__})"
        ) from None
    if "PixelData" not in ds:
        from .process import is_image_object

        if is_image_object(ds):
            # pydicom stops quietly at the end of the bytes: an image without its
            # pixels is a file cut short, not an object that has none.
            raise HttpError(
                400,
                "invalid-dicom",
                "not a readable DICOM file (an image without Pixel Data: truncated?)",
            )
        raise HttpError(
            422, "no-pixel-data", "the DICOM file has no (7FE0,0010) Pixel Data"
        )
    return ds
