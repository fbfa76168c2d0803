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
import contextlib
import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from plugin import __version__
from plugin.core.errors import (
    BackendUnavailableError,
    ConfigError,
    RedactionError,
    ResourceLimitError,
)

from .config import PluginConfig

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


class Routes:
    """The handlers, bound to one configuration and one redaction function."""

    def __init__(
        self,
        config: PluginConfig,
        redact: Callable[..., Any] | None,
        engine_error: str | None = None,
        *,
        run: Callable[..., Any] | None = None,
    ) -> None:
        """
        Parameters
        ----------
        config
            Plugin configuration.
        redact
            ``redact_dataset(ds, settings) -> RedactionResult``, or ``None`` when the
            engine could not be loaded (``engine_error`` says why).
        run
            ``run(fn, *args)`` executes the heavy part (decode, OCR, encode); the
            plugin passes :meth:`EngineThread.call`. Default: call directly.
        """
        self.config = config
        self._redact = redact
        self._engine_error = engine_error
        self._run = run or (lambda fn, *args: fn(*args))

    # GET /redaction/health
    def health(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "GET":
            output.SendMethodNotAllowed("GET")
            return
        settings = self.config.settings
        send_json(
            output,
            {
                "plugin": "orthanc-pixel-redaction",
                "version": __version__,
                "engine_ready": self._redact is not None,
                "engine_error": self._engine_error,
                "ocr_backend": settings.ocr_backend,
                "verify_backend": settings.verify_backend if settings.verify else None,
                "policy": settings.policy.value,
                "fill": settings.fill.value,
                "enabled": self.config.enabled,
                # Redaction of stored instances (OnStoredInstance / change log) is
                # the next step; only /redaction/redact exists now.
                "automatic_redaction": False,
            },
        )

    # POST /redaction/redact
    def redact(self, output: Any, uri: str, request: dict[str, Any]) -> None:
        if request.get("method") != "POST":
            output.SendMethodNotAllowed("POST")
            return
        if self._redact is None:
            raise HttpError(
                503, "engine", f"redaction engine unavailable: {self._engine_error}"
            )
        body = request.get("body") or b""
        if not body:
            raise HttpError(400, "empty", "the request body must be a DICOM file")
        report, data = self._run(self._process, bytes(body))
        if data is None:
            reason = report.reason or report.status
            send_json(
                output,
                {
                    "error": f"redaction {report.status}: {reason}",
                    "code": reason,
                    "report": report.to_dict(),
                },
                422,
            )
            return
        boxes = [b.to_dict() for b in report.boxes]
        if _wants_json(request):
            send_json(
                output,
                {
                    "redacted_instance": base64.b64encode(data).decode("ascii"),
                    "boxes": boxes,
                    "report": report.to_dict(),
                },
            )
            return
        output.SetHttpHeader(
            "X-Redaction-Boxes", json.dumps(boxes, separators=(",", ":"))
        )
        output.SetHttpHeader("X-Redaction-Status", report.status)
        output.AnswerBuffer(data, "application/dicom")

    def _process(self, body: bytes) -> tuple[Any, bytes | None]:
        """Decode, redact, encode (runs on the engine thread): ``(report, file)``;
        the file is ``None`` unless the report's status is ``done``."""
        assert self._redact is not None
        ds = _read_dicom(body)
        started = time.perf_counter()
        result = self._redact(ds, self.config.settings)
        report = result.report
        logger.info(
            "redact: status=%s boxes=%d in %.2fs",
            report.status,
            len(report.boxes),
            time.perf_counter() - started,
        )
        if report.status != "done" or result.dataset is None:
            return report, None
        return report, _write_dicom(result.dataset)


def _read_dicom(body: bytes) -> Any:
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        ds = pydicom.dcmread(io.BytesIO(body))
        # dcmread is lazy: touch the whole dataset so truncated or garbled
        # elements fail here as a client error, not later as a 500.
        for _ in ds.iterall():
            pass
    except (InvalidDicomError, EOFError, ValueError, KeyError, OSError) as exc:
        raise HttpError(
            400, "invalid-dicom", f"not a readable DICOM file ({type(exc).__name__})"
        ) from None
    if "PixelData" not in ds:
        raise HttpError(
            422, "no-pixel-data", "the DICOM file has no (7FE0,0010) Pixel Data"
        )
    return ds


def _write_dicom(ds: Any) -> bytes:
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()
