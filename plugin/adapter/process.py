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

from plugin.core.header import is_sealed_copy
from plugin.core.model import Box
from plugin.core.settings import RedactionSettings

logger = logging.getLogger(__name__)

__all__ = [
    "boxes_from_json",
    "is_image_object",
    "preview_png",
    "read_dicom",
    "redact_bytes",
    "video_bytes",
]


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


_PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")


def is_image_object(ds: Dataset) -> bool:
    """An image storage SOP class, or no SOP Class UID at all (not a whole object)."""
    sop_class = ds.get("SOPClassUID")
    if sop_class is None:
        return True
    return "Image Storage" in pydicom.uid.UID(str(sop_class)).name


def _report(status: str, reason: str, message: str | None = None) -> dict[str, Any]:
    return {"status": status, "reason": reason, "message": message, "boxes": []}


def redact_bytes(
    data: bytes,
    settings: RedactionSettings,
    *,
    engines: Any = None,
    filters: Any = None,
    explicit: bool = False,
    corrections: dict[str, Any] | None = None,
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
    corrections
        A reviewer's ``{"add": [box...], "keep": [box...]}``: boxes painted in
        addition, regions left alone (see :func:`redact_dataset`).

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
    if not explicit and is_sealed_copy(ds, settings.effective_uid_key):
        return answer(_report("copy", "already-redacted"))
    if not any(k in ds for k in _PIXEL_KEYWORDS):
        if is_image_object(ds):
            # An image object without pixels is a file cut short (pydicom stops
            # quietly at the end of the bytes): nothing vouches for it.
            return answer(
                _report(
                    "failed",
                    "unreadable",
                    "an image object without Pixel Data (truncated file?)",
                )
            )
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
        corrections = corrections or {}
        result = redact_dataset(
            ds,
            settings,
            engines=engines,
            extra_boxes=boxes_from_json(corrections.get("add"), "PERSON"),
            keep_regions=boxes_from_json(corrections.get("keep"), "KEEP"),
        )
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


def boxes_from_json(items: Any, entity_type: str) -> list[Box]:
    """Reviewer boxes ``{frame, left, top, width, height}`` -> :class:`Box` (invalid
    items raise ``ValueError``)."""
    boxes = []
    for item in items or []:
        values = [int(item[k]) for k in ("frame", "left", "top", "width", "height")]
        if values[3] <= 0 or values[4] <= 0 or values[1] < 0 or values[2] < 0:
            raise ValueError("a box needs left, top >= 0 and width, height > 0")
        boxes.append(
            Box(
                *values,
                entity_type=str(item.get("entity_type") or entity_type)[:32],
                source="reviewer",
                score=1.0,
            )
        )
    return boxes


def preview_png(data: bytes, frame: int = 0, max_side: int = 0) -> dict[str, Any]:
    """Frame ``frame`` of a DICOM file as an 8-bit PNG, as a viewer would show it.

    Returns ``{"png": bytes, "frames", "width", "height"}``; ``max_side`` > 0 scales
    the image down so its longer side fits (coordinates of boxes then scale too).
    """
    import cv2
    import numpy as np

    from plugin.core import pixels

    ds = read_dicom(data)
    if "PixelData" not in ds:
        raise ValueError("no pixel data")
    pixels.check_supported(ds, max_pixels=400_000_000, max_frames=5000)
    frames = pixels.read_frames(ds)
    count = int(frames.shape[0])
    index = min(max(0, frame), count - 1)
    shown = pixels.display_frames(ds, frames[index : index + 1])[0]
    image = np.ascontiguousarray(shown)
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    height, width = image.shape[:2]
    if max_side and max(height, width) > max_side:
        scale = max_side / max(height, width)
        image = cv2.resize(
            image, (round(width * scale), round(height * scale)), cv2.INTER_AREA
        )
    ok, png = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("PNG encoding failed")
    return {"png": png.tobytes(), "frames": count, "width": width, "height": height}


def video_bytes(data: bytes, fmt: str) -> bytes:
    """All frames of a DICOM file as an MP4 or animated GIF (``fmt``: mp4 | gif)."""
    import os
    import tempfile
    from pathlib import Path

    from plugin.video import export_video

    if fmt not in ("mp4", "gif"):
        raise ValueError("format must be mp4 or gif")
    ds = read_dicom(data)
    with tempfile.TemporaryDirectory(prefix="redaction-video-") as tmp:
        target = Path(tmp) / f"export.{fmt}"
        export_video(ds, target)
        out = target.read_bytes()
        os.unlink(target)
    return out
