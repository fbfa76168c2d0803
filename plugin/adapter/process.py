"""Redact one DICOM file given as bytes: what a worker process does per instance.

No Orthanc import: this runs in the worker processes (outside Orthanc) and is tested
without a server. The answer is a plain dict that crosses the pipe back to Orthanc:
``status`` is ``done`` (with the redacted file), ``failed``, ``skipped`` (with a
reason) or ``copy`` (the input is already one of our anonymized copies: never
redacted again). Messages carry tags and exception types, never patient text.
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any

import pydicom
from pydicom.dataset import Dataset

from plugin.core.header import TOOL_NAME
from plugin.core.settings import RedactionSettings

logger = logging.getLogger(__name__)

__all__ = ["is_redacted_copy", "read_dicom", "redact_bytes"]


class UnreadableError(Exception):
    """The bytes are not a DICOM file pydicom can read completely."""


def read_dicom(data: bytes) -> Dataset:
    """Parse ``data`` completely (pydicom is lazy: a truncated element fails here)."""
    try:
        ds = pydicom.dcmread(io.BytesIO(data))
        for _ in ds.iterall():
            pass
    except Exception as exc:  # noqa: BLE001 - pydicom raises many types on corrupt input
        raise UnreadableError(type(exc).__name__) from None
    return ds


def is_redacted_copy(ds: Dataset) -> bool:
    """The dataset was written by this plugin (its De-identification Method says so)."""
    method = ds.get("DeidentificationMethod")
    if method is None:
        return False
    values = [method] if isinstance(method, str) else list(method)
    return any(TOOL_NAME in str(v) for v in values)


def _report(status: str, reason: str, message: str | None = None) -> dict[str, Any]:
    return {"status": status, "reason": reason, "message": message, "boxes": []}


def redact_bytes(
    data: bytes,
    settings: RedactionSettings,
    *,
    engines: Any = None,
    filters: Any = None,
    explicit: bool = False,
) -> dict[str, Any]:
    """Redact one file; never raises.

    Parameters
    ----------
    data
        The DICOM file.
    settings
        Core settings (with the effective UID key).
    engines
        Preloaded :class:`~plugin.core.pipeline.Engines` (the worker's).
    filters
        An object with ``accepts(modality, sop_class, burned_in) -> reason | None``
        (the plugin configuration); ``None`` redacts everything.
    explicit
        A user asked for this file: filters do not apply and one of our own copies
        is redacted again instead of being recognised and left alone.

    Returns
    -------
    ``{"status", "report": dict, "data": bytes | None, "seconds": float}``.
    """
    from plugin.core.pipeline import redact_dataset

    started = time.perf_counter()

    def answer(report: dict[str, Any], out: bytes | None = None) -> dict[str, Any]:
        return {
            "status": report["status"],
            "report": report,
            "data": out,
            "seconds": round(time.perf_counter() - started, 4),
        }

    try:
        ds = read_dicom(data)
    except UnreadableError as exc:
        return answer(
            _report("failed", "unreadable", f"not a readable DICOM file ({exc})")
        )
    if not explicit and is_redacted_copy(ds):
        return answer(_report("copy", "already-redacted"))
    if "PixelData" not in ds:
        return answer(
            _report("skipped", "no-pixel-data", "no (7FE0,0010) Pixel Data element")
        )
    if filters is not None and not explicit:
        why = filters.accepts(
            str(ds.get("Modality", "") or ""),
            str(ds.get("SOPClassUID", "") or ""),
            str(ds.get("BurnedInAnnotation", "") or ""),
        )
        if why:
            return answer(_report("skipped", "filtered", why))
    try:
        result = redact_dataset(ds, settings, engines=engines)
    except Exception as exc:
        logger.error("unexpected %s", type(exc).__name__)
        logger.debug("traceback", exc_info=True)
        return answer(_report("failed", "internal", type(exc).__name__))
    report = result.report.to_dict()
    if report["status"] != "done" or result.dataset is None:
        return answer(report)
    try:
        buf = io.BytesIO()
        result.dataset.save_as(buf, enforce_file_format=True)
    except Exception as exc:  # noqa: BLE001 - an unwritable result fails the file
        report.update(status="failed", reason="write", message=type(exc).__name__)
        return answer(report)
    return answer(report, buf.getvalue())
