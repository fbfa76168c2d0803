"""Painting boxes into frames of stored pixel values.

Works on the stored sample values (what goes back into PixelData), so no precision
is lost to the 8-bit display conversion used for OCR. Fill colours are estimated
per frame: the background fill from the boxes' own pixels (what the text is written
on), the contrast fill from a ring of pixels around them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import cv2
import numpy as np

from .groups import connected_groups
from .settings import FillMode

__all__ = ["PaintBox", "paint"]

_RING = 3


@dataclasses.dataclass(frozen=True)
class PaintBox:
    """A rectangle to paint on one frame (already padded and clipped)."""

    frame: int
    left: int
    top: int
    width: int
    height: int


def paint(
    frames: np.ndarray,
    boxes: Sequence[PaintBox],
    *,
    fill: FillMode,
    photometric: str,
    palette: np.ndarray | None = None,
) -> np.ndarray:
    """Return a copy of ``frames`` with every box painted.

    Parameters
    ----------
    frames
        (frames, rows, cols) or (frames, rows, cols, 3) stored values.
    boxes
        Boxes in pixel coordinates; clipped to the image here.
    fill
        How to choose the colour (see :class:`FillMode`).
    photometric
        PhotometricInterpretation of ``frames`` (MONOCHROME1 inverts "black").
    palette
        (n, 3) RGB lookup table for PALETTE COLOR indices: fills then pick an index.
    """
    out = frames.copy()
    rows, cols = frames.shape[1], frames.shape[2]
    by_frame: dict[int, list[tuple[int, int, int, int]]] = {}
    for box in boxes:
        x0, y0 = max(0, box.left), max(0, box.top)
        x1, y1 = min(cols, box.left + box.width), min(rows, box.top + box.height)
        if x1 > x0 and y1 > y0:
            by_frame.setdefault(box.frame, []).append((x0, y0, x1, y1))
    for index, rects in by_frame.items():
        if fill is FillMode.INPAINT and palette is None:
            # All boxes of a frame at once: text in a neighbouring box must not be
            # smeared into this one.
            mask = np.zeros((rows, cols), np.uint8)
            for x0, y0, x1, y1 in rects:
                mask[y0:y1, x0:x1] = 255
            out[index] = _inpaint(out[index], mask)
            continue
        original = frames[index]
        # The frame's value range, once per frame (not per box): contrast and black
        # fills are taken from it.
        value_range = (original.min(axis=(0, 1)), original.max(axis=(0, 1)))
        for group in _touching_groups(rects):
            # One colour per group of touching boxes, taken from the original frame:
            # neighbouring boxes must not differ (an edge between two fills can
            # trace a glyph), nor take colour from each other's paint.
            value = _fill_value(
                original, group, fill, photometric, palette, value_range
            )
            for x0, y0, x1, y1 in group:
                out[index][y0:y1, x0:x1] = value
    return out


def _touching_groups(
    rects: list[tuple[int, int, int, int]],
) -> list[list[tuple[int, int, int, int]]]:
    """Partition rectangles into groups that overlap or touch."""

    def touch(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
        return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]

    return [[rects[i] for i in g] for g in connected_groups(rects, touch)]


def _ring(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    rows, cols = frame.shape[:2]
    ya, yb = max(0, y0 - _RING), min(rows, y1 + _RING)
    xa, xb = max(0, x0 - _RING), min(cols, x1 + _RING)
    region = frame[ya:yb, xa:xb]
    mask = np.ones(region.shape[:2], dtype=bool)
    mask[y0 - ya : y1 - ya, x0 - xa : x1 - xa] = False
    ring = region[mask]
    if ring.size == 0:  # the box covers the whole image
        ring = frame.reshape(-1, *frame.shape[2:])
    return ring


def _mode(values: np.ndarray) -> np.ndarray:
    """Most common value (per pixel vector for colour)."""
    if values.ndim == 1:
        uniq, counts = np.unique(values, return_counts=True)
        return uniq[np.argmax(counts)]
    uniq, counts = np.unique(values, axis=0, return_counts=True)
    return uniq[np.argmax(counts)]


def _fill_value(
    frame: np.ndarray,
    group: list[tuple[int, int, int, int]],
    fill: FillMode,
    photometric: str,
    palette: np.ndarray | None,
    value_range: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    if fill is FillMode.BACKGROUND:
        # What the text is written on: the most of the boxes' own pixels (a padded
        # word box is mostly background). Around the boxes may lie something else:
        # a box reaching a pixel past a label plate would take the anatomy's colour
        # and leave the plate's edge as a visible outline of the word.
        inside = np.concatenate(
            [frame[b:d, a:c].reshape(-1, *frame.shape[2:]) for a, b, c, d in group]
        )
        if palette is not None:
            return np.asarray(int(_mode(inside)))
        return np.median(inside, axis=0).astype(frame.dtype)
    x0, y0 = min(r[0] for r in group), min(r[1] for r in group)
    x1, y1 = max(r[2] for r in group), max(r[3] for r in group)
    ring = _ring(frame, x0, y0, x1, y1)
    if palette is not None:
        return _palette_fill(ring, fill, palette)
    lo, hi = value_range
    if fill is FillMode.BLACK:
        return hi if photometric == "MONOCHROME1" else lo
    background = np.median(ring, axis=0).astype(frame.dtype)
    # CONTRAST, as Presidio does: the background pushed to the other end of the range.
    contrast = lo.astype(np.int64) + hi.astype(np.int64) - background.astype(np.int64)
    return np.clip(contrast, lo, hi).astype(frame.dtype)


def _palette_fill(ring: np.ndarray, fill: FillMode, palette: np.ndarray) -> np.ndarray:
    idx = np.clip(ring.astype(np.int64), 0, len(palette) - 1)
    background = int(_mode(idx))
    lum = palette.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    if fill is FillMode.BLACK:
        return np.asarray(int(np.argmin(lum)))
    if fill is FillMode.CONTRAST:
        return np.asarray(int(np.argmax(np.abs(lum - lum[background]))))
    return np.asarray(background)


def _inpaint(frame: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Telea inpainting of the masked pixels; the others stay exactly as they were."""
    if frame.ndim == 3:
        # 8-bit 3-channel is what cv2.inpaint accepts for colour.
        src = np.clip(frame, 0, 255).astype(np.uint8)
        done = cv2.inpaint(src, mask, 5, cv2.INPAINT_TELEA).astype(frame.dtype)
    else:
        done_f = cv2.inpaint(frame.astype(np.float32), mask, 5, cv2.INPAINT_TELEA)
        if frame.dtype.kind in "iu":
            info = np.iinfo(frame.dtype)
            done_f = np.clip(np.rint(done_f), info.min, info.max)
        done = done_f.astype(frame.dtype)
    out = frame.copy()
    out[mask > 0] = done[mask > 0]
    return out
