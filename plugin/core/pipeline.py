"""redact_dataset: the whole job for one DICOM dataset.

check -> decode -> read text (OCR) -> decide PHI -> paint -> verify with a second,
differently prepared reading -> re-encode -> anonymize the header.
Fails closed: any error, or PHI still found by the verification, yields no dataset.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import logging
import time
from collections.abc import Iterator
from functools import cached_property, lru_cache

import cv2
import numpy as np
from pydicom.dataset import Dataset

from . import header, pixels
from .errors import RedactionError, UnsupportedImageError, VerificationError
from .gaps import ink_columns, ink_runs, nearest_run
from .groups import connected_groups
from .mask import PaintBox, paint
from .model import Box, RedactionReport, RedactionResult, Word, bounds
from .ocr import OcrEngine, create_engine
from .ocr.base import REGION_LINES, KnownLines
from .phi import (
    Finding,
    HeaderIdentity,
    PhiDetector,
    is_annotation,
    is_blob,
    is_scale_tick,
    label_entity,
    misread_label_glyph,
    plain_line,
    without_traces,
)
from .settings import RedactionSettings
from .versions import dist_version

logger = logging.getLogger(__name__)

__all__ = ["Engines", "get_engines", "redact_dataset"]

# Two frames whose 8-bit display values differ nowhere by more than this carry the
# same text (lossy compression noise aside): the first reading is reused.
_SAME_FRAME = 2
# A frame whose changed regions cover more than this share of it is read whole.
_WHOLE_FRAME = 0.6
# Verification paints what it finds and reads the image again, at most this many
# times. A repair's box has edges of its own: on speckle, a strip along one was
# read "SEURN" and taken for a name, so a second repair is allowed before failing.
_REPAIR_ROUNDS = 2
# Two lines of text side by side: neither box more than this many times as high.
_LIKE_TEXT = 1.5
# Two detector boxes closer than this many pixels touch.
_BOX_TOUCH = 2
# Two PHI words side by side on a band at most this many text heights apart: the
# gap between them is painted too (faint glyphs the detector missed).
_BRIDGE = 3.0
# Two painted boxes side by side on one band at most this many pixels apart (and
# a quarter of their height) meet: see :func:`_closed_seams`.
_SEAM = 3
# A cine of at least this many frames is also read as one temporal median image.
_TEMPORAL_MIN_FRAMES = 3
# At most this many frames, evenly spaced, make that median.
_TEMPORAL_SAMPLE = 32
# A cine of at least this many frames is detected once, not frame by frame: see
# :func:`_text_regions` (three detections of the loop cost more than a few frames).
_CINE_REGIONS_MIN_FRAMES = 5
# ... unless the regions to read on each frame would cover more than this share of
# it (the saving would not pay for the three detections).
_CINE_REGIONS_MAX = 0.25
# A "line" higher than this share of the frame is the anatomy read as one line (a
# whole endoscopy disc, an angiogram): no region is read for it.
_CINE_LINE_MAX = 0.25
# PHI comes in blocks (a name over a birth date over an ID). Around the PHI words
# of a frame, grouped where they lie at most this many text heights apart, and
# this many text heights beyond: see :func:`_read_beside_phi`.
_BLOCK_GAP = 2
_BLOCK_MARGIN = 1
# ... unless those regions together cover more than this share of the frame.
_BLOCK_MAX = 0.4


class Engines:
    """OCR, verification OCR and PHI detector, created once per process."""

    def __init__(self, settings: RedactionSettings, threads: int = 0) -> None:
        self.settings = settings
        runtime = settings.ocr_runtime
        self.ocr: OcrEngine = create_engine(
            settings.ocr_backend, threads=threads, runtime=runtime
        )
        self.verifier: OcrEngine | None = (
            create_engine(settings.verify_backend, threads=threads, runtime=runtime)
            if settings.verify
            else None
        )
        self.detector = PhiDetector(settings)

    def warm_up(self) -> None:
        """Load the NER model now rather than on the first file."""
        _ = self.detector.analyzer

    @cached_property
    def versions(self) -> dict[str, str]:
        v = {
            "plugin": dist_version("orthanc-pixel-redaction"),
            "pydicom": dist_version("pydicom"),
            f"ocr:{self.ocr.name}": self.ocr.version,
        }
        if self.verifier is not None:
            v[f"verify:{self.verifier.name}"] = self.verifier.version
        v.update(self.detector.versions)
        return v


@lru_cache(maxsize=4)
def get_engines(settings: RedactionSettings, threads: int = 0) -> Engines:
    """The process-wide engines for these settings (cached: models load once)."""
    return Engines(settings, threads)


def redact_dataset(
    ds: Dataset,
    settings: RedactionSettings,
    *,
    engines: Engines | None = None,
    extra_boxes: list[Box] | None = None,
    keep_regions: list[Box] | None = None,
) -> RedactionResult:
    """Redact burned-in PHI from ``ds`` and anonymize the header of the copy.

    Parameters
    ----------
    ds
        The original; never modified.
    settings
        Options; see :class:`RedactionSettings`.
    engines
        Pre-built engines (default: :func:`get_engines`).
    extra_boxes
        Boxes a reviewer added; painted in addition to what is found.
    keep_regions
        Regions a reviewer declared not PHI (a box removed in review): a found box
        lying mostly inside one is not painted, in the first pass and in
        verification. Reviewer boxes (``extra_boxes``) are always painted.

    Returns
    -------
    RedactionResult
        ``dataset`` is the anonymized copy, or ``None`` when the status is not ``done``.
    """
    report = RedactionReport(status="failed", policy=settings.policy.value)
    timings = report.timings
    started = time.perf_counter()
    try:
        if not any(
            k in ds for k in ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
        ):
            report.status, report.reason = "skipped", "no pixel data"
            return RedactionResult(None, report)
        engines = engines or get_engines(settings)
        report.engines = engines.versions
        with _timer(timings, "decode"):
            pixels.check_supported(
                ds, max_pixels=settings.max_pixels, max_frames=settings.max_frames
            )
            try:
                frames, stray_bits = pixels.decode(ds)
                display = pixels.display_frames(ds, frames)
            except RedactionError:
                raise
            except Exception as exc:  # noqa: BLE001 - see below
                # A malformed lookup table or pixel module the checks let through:
                # a clear reason, never "internal".
                raise UnsupportedImageError(
                    f"the pixel data cannot be rendered ({type(exc).__name__})"
                ) from None
        report.frames = int(frames.shape[0])
        values = header.identity_values(ds)
        identity = HeaderIdentity(
            values, header.device_words(ds, values), str(ds.get("Modality", "") or "")
        )
        with _timer(timings, "ocr"):
            words = _read_all_frames(engines.ocr, display)
        with _timer(timings, "phi"):
            findings = {
                f: engines.detector.classify(ws, identity, image=display[f])
                for f, ws in words.items()
            }
        if display.shape[0] == 1 and engines.verifier is not None:
            with _timer(timings, "blocks"):
                _read_beside_phi(words, findings, display, identity, engines)
        if display.shape[0] >= _TEMPORAL_MIN_FRAMES:
            with _timer(timings, "temporal"):
                _add_static_findings(findings, words, display, identity, engines)
        if settings.log_detected_text and logger.isEnabledFor(logging.DEBUG):
            # Opt-in only (LogDetectedText): this is the one place patient text may
            # reach a log, for debugging a deployment on test data.
            for f, fs in findings.items():
                for x in fs:
                    logger.debug(
                        "frame %d %s/%s %r", f, x.entity_type, x.source, x.word.text
                    )
        boxes = _boxes_from_findings(
            findings, settings.padding, display.shape, display=display, words=words
        )
        if display.shape[0] > 1:
            boxes = _on_every_frame(boxes, display.shape[0])
        keep = list(keep_regions or [])
        boxes = [b for b in boxes if not _kept(b, keep)]
        # A reviewer's box outside the image (a frame it lacks) paints nothing.
        boxes.extend(
            b
            for b in extra_boxes or []
            if 0 <= b.frame < display.shape[0]
            and b.left < display.shape[2]
            and b.top < display.shape[1]
        )
        painted = frames
        if boxes:
            with _timer(timings, "paint"):
                painted = _paint(ds, frames, boxes, settings)
        verified = False
        if engines.verifier is not None:
            with _timer(timings, "verify"):
                painted, boxes = _verify(
                    ds,
                    frames,
                    painted,
                    boxes,
                    identity,
                    engines,
                    settings,
                    report,
                    first_words=words,
                    first_display=display,
                    keep=keep,
                )
            verified = True
        out = copy.deepcopy(ds)
        if not settings.anonymize_header:
            # Icon and overlays go in "pixels only" mode too: they are pictures
            # (the header's anonymization removes them otherwise, and logs it).
            header.remove_pixel_side_channels(out)
        if boxes or stray_bits or pixels.side_data(ds):
            # Bits above Bits Stored that hold data (an embedded overlay), or a
            # codestream carrying more than its image (a comment, Exif, a
            # thumbnail): the frames are written again, even with nothing painted.
            with _timer(timings, "encode"):
                pixels.write_frames(out, painted)
            report.pixels_changed = True
        # Verified, and no PHI left where a reviewer asked to keep the pixels.
        clean = verified and not report.verification.get("phi_in_kept_regions")
        if settings.anonymize_header:
            with _timer(timings, "header"):
                header.anonymize_header(
                    out,
                    key=settings.effective_uid_key,
                    uid_root=settings.uid_root,
                    pixels_clean=clean,
                    burned_in_annotation_removed=clean,
                )
        report.boxes = boxes
        report.status = "done"
        return RedactionResult(out, report)
    except RedactionError as exc:
        # Core messages name tags and technical values only, never patient text.
        report.status, report.reason, report.message = "failed", exc.code, str(exc)
        logger.info("redaction failed: %s", exc.code)
        return RedactionResult(None, report)
    finally:
        timings["total"] = time.perf_counter() - started


@contextlib.contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    """Add the time spent in the block to ``timings[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def _read_all_frames(
    engine: OcrEngine,
    display: np.ndarray,
    *,
    before: tuple[np.ndarray, dict[int, list[Word]]] | None = None,
) -> dict[int, list[Word]]:
    """Words of every frame, recognising each text line only where it changed.

    Frame 0 is read whole. A later frame equal to frame 0 has its words. Otherwise,
    where only small regions changed (a time stamp, text that appears), those are
    read again, widened to whole lines. A frame that changed widely (noise, moving
    anatomy) is read inside the regions where the loop shows text
    (:func:`_text_regions`), or whole where those are large; a line found where
    an earlier frame had one, with the same text under the noise
    (:func:`_same_content`), keeps that frame's words instead of being recognised
    again: static text is recognised once.

    ``before`` (the display and words of an earlier reading, in verification): a
    line lying where that reading saw the same words on pixels that have not
    changed since keeps those words too. What the painting changed, and every line
    the earlier reading did not have, is recognised.
    """
    memory = _LineMemory(display, before)
    out: dict[int, list[Word]] = {}
    regions: list[tuple[int, int, int, int]] | None = None
    looked = display.shape[0] < _CINE_REGIONS_MIN_FRAMES
    for f in range(display.shape[0]):
        if f > 0:
            words = _read_changes(engine, display[f], display[0], out[0])
            if words is not None:
                out[f] = words
                continue
            if not looked:
                regions, looked = _text_regions(engine, display, out[0]), True
        if regions is None:
            out[f] = engine.read(display[f], known=memory.known(f))
        else:
            out[f] = engine.read(display[f], known=memory.known(f), regions=regions)
        memory.add(f, out[f])
    return out


def _text_regions(
    engine: OcrEngine, display: np.ndarray, first: list[Word]
) -> list[tuple[int, int, int, int]] | None:
    """Where a cine's frames may show text: regions (left, top, width, height)
    around the lines of frame 0 (``first``) and those the detector finds on three
    images of the whole loop, or None when they would cover most of a frame.

    Text that stays shows in the per-pixel median of the frames, as the noise and
    the anatomy moving under it average out; text that changes or shows on some
    frames only (a clock, a name from frame 5 on), bright in the per-pixel maximum
    and dark in the minimum. On the cines of six of our test sets, the first frame
    and these three covered all but 2 of the 11,321 lines (on their frames) that
    detecting each frame covered, and 565 it did not. Frames after the first are
    then read inside these regions only: the loop is detected once, not per frame.
    """
    n, rows, cols = display.shape[:3]

    def around(found: list[tuple[int, int, int, int]]) -> list[list[int]] | None:
        # Each line with a margin of its height all round, joined where they then
        # overlap (the pieces of a line, a block of lines). With less above and
        # below, the detector stretched a line's box to the edges of its region;
        # and a region holding a strip of another line would find a piece of it.
        boxes = [
            [
                max(0, x - max(6, h)),
                max(0, y - max(4, h)),
                min(cols, x + w + max(6, h)),
                min(rows, y + h + max(4, h)),
            ]
            for x, y, w, h in found
            if h <= rows * _CINE_LINE_MAX  # else anatomy read as one line
        ]
        merged = _merged_boxes(boxes)
        area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in merged)
        return None if area > _CINE_REGIONS_MAX * rows * cols else merged

    found = [(w.left, w.top, w.width, w.height) for w in first]
    if around(found) is None:
        return None  # text all over the first frame already: read frames whole
    sample = np.unique(
        np.linspace(0, n - 1, min(n, _TEMPORAL_SAMPLE)).round().astype(int)
    )
    median = np.median(display[sample], axis=0).astype(np.uint8)
    for image in (median, display.max(axis=0), display.min(axis=0)):
        found += engine.detect(np.ascontiguousarray(image))
        merged = around(found)
        if merged is None:
            return None  # no need to detect the others
    return [(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in merged]


def _read_beside_phi(
    words: dict[int, list[Word]],
    findings: dict[int, list[Finding]],
    display: np.ndarray,
    identity: HeaderIdentity,
    engines: Engines,
) -> None:
    """Read the blocks of PHI of each frame again with the verification engine,
    and judge the frame again with the lines only that reading found.

    A faint line between PHI lines ("Dr.Schneider, Kwame" in grey under a date, a
    phone number under a birth date) can escape the first reading's detector. The
    verification engine's detector finds it with the lines around it, which the
    painting then removes: on the painted image it saw nothing there any more. So
    the regions around each block of PHI words (:data:`_BLOCK_GAP`,
    :data:`_BLOCK_MARGIN`) are read now, on the image as it is.
    """
    assert engines.verifier is not None
    rows, cols = display.shape[1:3]
    for f, fs in findings.items():
        phi = [x.word for x in fs]
        regions = []
        for group in connected_groups(phi, _in_one_block):
            members = [phi[k] for k in group]
            margin = _BLOCK_MARGIN * min(w.height for w in members)
            left, top, right, bottom = bounds(members)
            left, top = max(0, left - margin), max(0, top - margin)
            right, bottom = min(cols, right + margin), min(rows, bottom + margin)
            regions.append((left, top, right - left, bottom - top))
        if not regions:
            continue
        if sum(w * h for _, _, w, h in regions) > _BLOCK_MAX * rows * cols:
            continue  # a page of PHI: the readings of the whole frame cover it
        seen = words[f]

        def known(
            left: int, top: int, width: int, height: int, seen: list[Word] = seen
        ) -> list[Word] | None:
            # A line read before from end to end keeps its words: only lines the
            # first reading lacked, or saw in part, are recognised.
            line = Word("", left, top, width, height, 1.0)
            there = [o for o in seen if _same_place(line, o)]
            if not there:
                return None
            slack = height / 2
            start, _, end, _ = bounds(there)
            whole = start <= left + slack and end >= left + width - slack
            return there if whole else None

        found = engines.verifier.read(display[f], regions=regions, known=known)
        new = [w for w in found if not any(_same_place(w, o) for o in seen)]
        if not new:
            continue
        first = max((w.line for w in seen), default=-1) + 1
        lines = {
            line: first + k for k, line in enumerate(sorted({w.line for w in new}))
        }
        words[f] = seen + [dataclasses.replace(w, line=lines[w.line]) for w in new]
        findings[f] = engines.detector.classify(words[f], identity, image=display[f])


def _in_one_block(a: Word, b: Word) -> bool:
    """Whether PHI words ``a`` and ``b`` lie at most :data:`_BLOCK_GAP` text
    heights apart, each way."""
    reach = _BLOCK_GAP * max(a.height, b.height)
    return (
        a.left < b.right + reach
        and b.left < a.right + reach
        and a.top < b.bottom + reach
        and b.top < a.bottom + reach
    )


def _same_place(a: Word, b: Word) -> bool:
    """Whether words ``a`` and ``b`` overlap by half the height of the lower one
    and share columns: one place read twice, not lines above each other."""
    rows = min(a.bottom, b.bottom) - max(a.top, b.top)
    cols = min(a.right, b.right) - max(a.left, b.left)
    return cols > 0 and rows > min(a.height, b.height) / 2


def _merged_boxes(boxes: list[list[int]]) -> list[list[int]]:
    """``boxes`` (left, top, right, bottom) with those that overlap joined, until
    none do."""
    boxes = [list(b) for b in boxes]
    while True:
        merged: list[list[int]] = []
        for b in sorted(boxes):
            for m in merged:
                if b[0] < m[2] and m[0] < b[2] and b[1] < m[3] and m[1] < b[3]:
                    m[:] = [
                        min(m[0], b[0]),
                        min(m[1], b[1]),
                        max(m[2], b[2]),
                        max(m[3], b[3]),
                    ]
                    break
            else:
                merged.append(b)
        if len(merged) == len(boxes):
            return merged
        boxes = merged


def _read_again(
    engine: OcrEngine,
    display: np.ndarray,
    previous: np.ndarray,
    previous_words: dict[int, list[Word]],
) -> dict[int, list[Word]]:
    """Words of every frame of ``display``, read before as ``previous`` with
    ``previous_words`` by the same engine: only what changed since is read again
    (the repair round of verification reads the boxes it just painted)."""
    out: dict[int, list[Word]] = {}
    for f in range(display.shape[0]):
        words = _read_changes(engine, display[f], previous[f], previous_words[f])
        out[f] = engine.read(display[f]) if words is None else words
    return out


def _read_changes(
    engine: OcrEngine, image: np.ndarray, reference: np.ndarray, words: list[Word]
) -> list[Word] | None:
    """The words of ``image``, given the ``words`` read on ``reference``.

    Where the two images differ only in small regions (a time stamp, text that
    appears, a painted box), those are read again, widened to whole lines, and the
    reference's words elsewhere are kept. None when the changes cover most of the
    image: it is to be read whole.
    """
    changed = (
        np.abs(image.astype(np.int16) - reference.astype(np.int16)).max(axis=2)
        > _SAME_FRAME
    )
    if not changed.any():
        return words
    regions = _changed_regions(changed, words)
    if sum(w * h for _, _, w, h in regions) > _WHOLE_FRAME * changed.size:
        return None
    out = [w for w in words if not any(w.intersects(r) for r in regions)]
    # Line numbers of their own: the words kept may come from such regions too.
    base = max((w.line for w in out), default=0) // REGION_LINES + 1
    for k, region in enumerate(regions):
        out.extend(
            engine.read_region(image, region, line_base=(base + k) * REGION_LINES)
        )
    return out


def _key(w: Word) -> tuple[str, int, int, int, int]:
    return (w.text, w.left, w.top, w.width, w.height)


class _LineMemory:
    """The text lines recognised so far in one reading, with their frame, and the
    words of an earlier reading (verification) to keep where nothing changed."""

    def __init__(
        self,
        display: np.ndarray,
        before: tuple[np.ndarray, dict[int, list[Word]]] | None,
    ) -> None:
        self.display = display
        self.before = before
        # (frame, (left, top, right, bottom), words)
        self.lines: list[tuple[int, tuple[int, int, int, int], list[Word]]] = []
        self._reused: set[tuple[str, int, int, int, int]] = set()

    def known(self, frame: int) -> KnownLines | None:
        """The ``known`` callback for reading ``frame`` (None: nothing to reuse)."""
        if self.before is None and not self.lines:
            return None
        return functools.partial(self._known, frame)

    def _known(
        self, frame: int, left: int, top: int, width: int, height: int
    ) -> list[Word] | None:
        box = (left, top, left + width, top + height)
        words = None
        if self.before is not None:
            image, earlier = self.before[0][frame], self.before[1][frame]
            words = _unchanged_words(self.display[frame], image, box, earlier)
        if words is None:
            words = self._lookup(frame, box)
        if words is not None:
            self._reused.update(_key(w) for w in words)
        return words

    def add(self, frame: int, words: list[Word]) -> None:
        """Remember the lines of ``frame`` that were recognised on it."""
        by_line: dict[int, list[Word]] = {}
        for w in words:
            if _key(w) not in self._reused:
                by_line.setdefault(w.line, []).append(w)
        for ws in by_line.values():
            self.lines.append((frame, bounds(ws), ws))
        self._reused.clear()

    def _lookup(self, frame: int, box: tuple[int, int, int, int]) -> list[Word] | None:
        """The words of the latest line recognised at ``box``, if this frame shows
        the same text there."""
        for other, line_box, words in reversed(self.lines):
            if other != frame and _same_box(box, line_box):
                area = _grow(_hull(box, line_box), 2, self.display.shape)
                if _same_content(self.display[frame], self.display[other], area):
                    return words
                return None
        return None


def _unchanged_words(
    image: np.ndarray,
    earlier: np.ndarray,
    box: tuple[int, int, int, int],
    words: list[Word],
) -> list[Word] | None:
    """The earlier reading's words of the line at ``box``, if that line lies where
    they do and not one pixel around it changed since."""
    region = (box[0], box[1], box[2] - box[0], box[3] - box[1])
    inside = [w for w in words if w.intersects(region)]
    if not inside:
        return None
    line_box = bounds(inside)
    if not _same_box(box, line_box):
        return None
    x0, y0, x1, y1 = _grow(_hull(box, line_box), 2, image.shape)
    if not np.array_equal(image[y0:y1, x0:x1], earlier[y0:y1, x0:x1]):
        return None
    return inside


def _hull(
    a: tuple[int, int, int, int], b: tuple[int, int, int, int]
) -> tuple[int, int, int, int]:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _grow(
    box: tuple[int, int, int, int], by: int, shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    rows, cols = shape[-3], shape[-2]
    return (
        max(0, box[0] - by),
        max(0, box[1] - by),
        min(cols, box[2] + by),
        min(rows, box[3] + by),
    )


def _same_box(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Two line boxes of the same text line: each edge within a third of the line
    height (three pixels at least) of the other's."""
    slack = max(3, min(a[3] - a[1], b[3] - b[1]) // 3)
    return all(abs(p - q) <= slack for p, q in zip(a, b))


def _same_content(
    image: np.ndarray, other: np.ndarray, area: tuple[int, int, int, int]
) -> bool:
    """Whether two frames show the same text in ``area`` (left, top, right, bottom),
    their noise aside.

    The difference of the two, lightly smoothed, is compared with what the noise
    alone makes of it (its median absolute deviation) and with the text's contrast:
    a changed glyph differs by a good part of the contrast over a stroke's area,
    noise by a few deviations at scattered pixels. A one-pixel stroke of a small
    counter may fade in the smoothing: its old reading is kept then, harmless, as
    the boxes of one place are painted on every frame anyway.
    """
    x0, y0, x1, y1 = area
    if x1 <= x0 or y1 <= y0:
        return True
    a = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
    b = cv2.cvtColor(other[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
    lo, hi = np.percentile(cv2.GaussianBlur(b, (0, 0), 1.0), [2, 98])
    contrast = float(hi - lo)
    diff = cv2.GaussianBlur(a - b, (0, 0), 1.0)
    noise = _mad(diff)
    # Noise that drowns the text (anatomy moving under it) cannot hide a change of
    # more than 60 % of the text's contrast.
    threshold = max(8.0, 0.35 * contrast, min(4.0 * noise, 0.6 * contrast))
    height = y1 - y0
    # One changed digit of small faint text differs at a dozen pixels or so.
    return int((np.abs(diff) > threshold).sum()) < max(3, int(0.01 * height * height))


def _mad(values: np.ndarray) -> float:
    """The standard deviation of Gaussian noise, estimated robustly."""
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def temporal_image(display: np.ndarray) -> np.ndarray:
    """The per-pixel median of a cine's frames, local contrast normalised (RGB uint8).

    Text that stays in place through the loop keeps its value in the median while
    noise and moving anatomy average out, so overlays too faint to read on any one
    frame become legible (the signal-to-noise ratio grows with the square root of
    the frame count). The normalisation (each pixel against the mean and spread of
    its neighbourhood) then lifts low-contrast text to full contrast.
    """
    n = display.shape[0]
    idx = np.unique(np.linspace(0, n - 1, min(n, _TEMPORAL_SAMPLE)).round().astype(int))
    gray = np.stack([cv2.cvtColor(display[i], cv2.COLOR_RGB2GRAY) for i in idx])
    median = np.median(gray, axis=0).astype(np.float32)
    sigma = max(6.0, min(median.shape) / 32)
    high = median - cv2.GaussianBlur(median, (0, 0), sigma)
    spread = np.sqrt(cv2.GaussianBlur(high * high, (0, 0), sigma)) + 2.0
    norm = np.clip(128 + 50 * high / spread, 0, 255).astype(np.uint8)
    return cv2.cvtColor(norm, cv2.COLOR_GRAY2RGB)


def _add_static_findings(
    findings: dict[int, list[Finding]],
    words: dict[int, list[Word]],
    display: np.ndarray,
    identity: HeaderIdentity,
    engines: Engines,
) -> None:
    """Paint on every frame the PHI that the temporal median image shows.

    Only positive evidence counts there (header, patterns, NER): the median of text
    that changes from frame to frame is a blur, so a word read on a frame itself
    as annotation vocabulary (a frame counter) wins over the blur at that place.
    """
    image = temporal_image(display)
    read = engines.ocr.read(image)
    static = engines.detector.classify(
        read,
        identity,
        use_policy=False,
        image=image,
    )
    allow = engines.settings.allow_list
    # Vocabulary judged PHI on its frame is no annotation ("2020" read alone,
    # the start of a header date).
    phi = {f: [x.word for x in fs] for f, fs in findings.items()}
    annotations = [
        w
        for f, ws in words.items()
        for w in ws
        if is_annotation(w.text, allow) and not w.overlaps(phi.get(f, []))
    ]
    # Only words known to stay stop the growth (annotations, field labels): an
    # unsure reading beside the line ("tae" of a faint "Jan 23, 2021") may be PHI.
    static_words = [x.word for x in static]
    others = [
        w
        for w in read
        if (is_annotation(w.text, allow) or label_entity(w.text) is not None)
        and not w.overlaps(static_words)
    ]
    static = [
        # The temporal image shows the faint text at full contrast: follow its ink
        # there (a changing last digit is a smear in the median, still ink), up to
        # the words of other lines beside it ("DR 60" after a birth date).
        dataclasses.replace(
            f,
            word=_apart_from_overlapping(
                image,
                _within_neighbours(_extend_along_ink(image, f.word), f.word, others),
                f.word,
                others,
            ),
        )
        for f in static
        if not f.word.overlaps(annotations)
    ]
    if not static:
        return
    for f in range(display.shape[0]):
        own = findings.setdefault(f, [])
        painted = [x.word for x in own]
        context = _judged_with(
            words.get(f, []), [x.word for x in static], display[f], identity, engines
        )
        own.extend(x for x in context if not x.word.overlaps(painted))
        own.extend(static)


def _changed_regions(
    changed: np.ndarray, words: list[Word]
) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, width, height) around changed pixels, grown to whole lines.

    A changed region is widened by a margin (a changing digit's neighbours belong to
    the same line) and to every reference word it touches, until stable.
    """
    rows, cols = changed.shape
    mask = cv2.dilate(changed.astype(np.uint8), np.ones((9, 25), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes = [
        [
            int(stats[i, 0]),
            int(stats[i, 1]),
            int(stats[i, 0] + stats[i, 2]),
            int(stats[i, 1] + stats[i, 3]),
        ]
        for i in range(1, n)
    ]
    grew = True
    while grew:
        grew = False
        for b in boxes:
            for w in words:
                if (
                    w.left < b[2]
                    and b[0] < w.right
                    and w.top < b[3]
                    and b[1] < w.bottom
                ):
                    nb = [
                        min(b[0], w.left - 8),
                        min(b[1], w.top - 4),
                        max(b[2], w.right + 8),
                        max(b[3], w.bottom + 4),
                    ]
                    if nb != b:
                        b[:] = nb
                        grew = True
        # Merge overlapping boxes so no text is read twice.
        merged: list[list[int]] = []
        for b in sorted(boxes):
            for m in merged:
                if b[0] <= m[2] and m[0] <= b[2] and b[1] <= m[3] and m[1] <= b[3]:
                    m[:] = [
                        min(m[0], b[0]),
                        min(m[1], b[1]),
                        max(m[2], b[2]),
                        max(m[3], b[3]),
                    ]
                    grew = True
                    break
            else:
                merged.append(list(b))
        boxes = merged if len(merged) < len(boxes) else boxes
    out = []
    for x0, y0, x1, y1 in boxes:
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(cols, x1), min(rows, y1)
        if x1 > x0 and y1 > y0:
            out.append((x0, y0, x1 - x0, y1 - y0))
    return out


def _boxes_from_findings(
    findings: dict[int, list[Finding]],
    padding: int,
    shape: tuple[int, ...],
    *,
    display: np.ndarray | None = None,
    words: dict[int, list[Word]] | None = None,
) -> list[Box]:
    rows, cols = shape[1], shape[2]
    boxes = []
    for frame, fs in findings.items():
        phi_words = [f.word for f in fs]
        frame_words = (words or {}).get(frame, [])
        kept = [w for w in frame_words if not w.overlaps(phi_words)]
        kept += _unpainted_parts(frame_words, phi_words, kept)
        start = len(boxes)
        for f in fs:
            w = f.word
            if w.vertical:
                boxes.append(_vertical_box(frame, f, padding, kept, (rows, cols)))
                continue
            if display is not None:
                w = _within_neighbours(
                    _extend_along_ink(display[frame], w), f.word, frame_words
                )
                w = _apart_from_overlapping(display[frame], w, f.word, kept)
            # Pad more for taller text: a stroke's anti-aliased edge is ~height/8 wide.
            # Sideways the word box already reaches halfway to its neighbours, so the
            # padding there is small: a label next to the value must survive.
            # The detector's line box is already loose (unclip ratio 1.8): little vertical
            # padding, or the box bites into the line above or below.
            pad_y = max(1, padding // 3) + w.height // 10
            pad_x = max(1, padding // 2) + w.height // 12
            # An edge cut in the empty gap to the neighbouring word covers the gap up
            # to a pixel short of the neighbour's ink (the glyph's faint edge is
            # painted, the neighbour, often a label like "MRN:", survives).
            # At the ends of a line the detector's box may stop inside the first or
            # last glyph (faint text): a quarter of the text height more there.
            end_x = w.height // 4
            left = max(
                0,
                _edge(
                    w.left,
                    w.clean_left,
                    w.reach_left,
                    -pad_x - (end_x if w.line_start else 0),
                ),
            )
            right = min(
                cols,
                _edge(
                    w.right,
                    w.clean_right,
                    w.reach_right,
                    pad_x + (end_x if w.line_end else 0),
                ),
            )
            # Unread characters go on from where the ink was followed to: doubt
            # is painted (a date's header value ends where its time begins,
            # "20201225 14:33" read "2020").
            if f.tail_chars:
                right = max(right, _tail_edge(w, f.tail_chars, frame_words, cols))
            if f.head_chars and words is not None:
                left = min(left, _head_edge(w, f.head_chars, frame_words, f.word))
            top, bottom = _clear_of_lines(
                w, w.top - pad_y, w.bottom + pad_y, kept, span=(left, right)
            )
            top, bottom = max(0, top), min(rows, bottom)
            boxes.append(_box(frame, f, left, top, right, bottom))
        boxes.extend(_bridges(frame, fs, kept, rows))
        boxes[start:] = _closed_seams(boxes[start:], kept)
    return boxes


def _unpainted_parts(read: list[Word], phi: list[Word], kept: list[Word]) -> list[Word]:
    """The parts of words as read (``read``, not ``kept``) that no ``phi`` word on
    their band covers, a quarter of their height wide at least, as words without
    text: the label of a value read glued to it ("ID:" of "ID:P6669778"), which
    the boxes of the lines above and below and a bridge between two values on its
    band must spare as they spare every word kept. (The value's own box stops at
    the cut made when the two were split.)"""
    out = []
    kept_ids = {id(k) for k in kept}
    for w in read:
        if id(w) in kept_ids or w.vertical:
            continue
        free = np.ones(w.width, bool)
        for p in phi:
            if p.beside(w) and p.left < w.right and w.left < p.right:
                free[max(0, p.left - w.left) : max(0, p.right - w.left)] = False
        for start, end in ink_runs(free, w.left):
            if end - start >= max(2, w.height // 4):
                out.append(
                    dataclasses.replace(
                        w, text="", left=start, width=end - start, score=0.0
                    )
                )
    return out


def _closed_seams(boxes: list[Box], kept: list[Word]) -> list[Box]:
    """``boxes`` (of one frame), each widened to the next box on its band when
    the two lie at most :data:`_SEAM` pixels (and a quarter of their height) apart
    and no kept word lies between them.

    Each word's box stops a pixel short of its neighbour's ink, whether that
    neighbour is painted or not: between two painted words, the cut in the space
    may leave a column of a glyph between the boxes (the "." of
    "henrik.tanaka@example.org", cut on one frame of a cine at either side of it).
    """
    out = list(boxes)
    for i, a in enumerate(out):
        a_right = a.left + a.width
        nearest = None
        for b in boxes:
            gap = b.left - a_right
            overlap = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
            if (
                0 < gap <= min(_SEAM, min(a.height, b.height) // 4)
                and overlap >= 0.6 * min(a.height, b.height)
                and (nearest is None or b.left < nearest.left)
            ):
                nearest = b
        if nearest is None:
            continue
        # The middle half of the band the two share: a kept word above or below
        # may touch the padded boxes.
        top = max(a.top, nearest.top)
        band = min(a.top + a.height, nearest.top + nearest.height) - top
        gap_region = (a_right, top + band // 4, nearest.left - a_right, band // 2)
        if any(k.intersects(gap_region) for k in kept):
            continue
        out[i] = dataclasses.replace(a, width=nearest.left - a.left)
    return out


def _vertical_box(
    frame: int, f: Finding, padding: int, kept: list[Word], shape: tuple[int, int]
) -> Box:
    """The box of a vertical line (one word): the detector's box padded as a
    horizontal word's is, turned a quarter, with the line's ends padded as line
    ends are. The padding stops halfway to a word kept beside it (the detector's
    boxes are loose, the ink lies within)."""
    w, size = f.word, f.word.text_height
    across = max(1, padding // 3) + size // 10
    along = max(1, padding // 2) + size // 12 + size // 4
    # Unread characters of a value ("Riverside M" of "Riverside Medical Ctr"), at
    # about 0.6 text heights each: at both ends, which way the line runs being
    # unknown here.
    along += int(0.6 * size * (f.tail_chars + f.head_chars))
    left, right = w.left - across, w.right + across
    top, bottom = w.top - along, w.bottom + along
    for o in kept:
        if o.right > w.left and o.left < w.right:  # above or below
            if o.top >= w.bottom:
                bottom = min(bottom, max(w.bottom, (w.bottom + o.top + 1) // 2))
            elif o.bottom <= w.top:
                top = max(top, min(w.top, (o.bottom + w.top) // 2))
        elif o.bottom > w.top and o.top < w.bottom:  # left or right
            if o.left >= w.right:
                right = min(right, max(w.right, (w.right + o.left + 1) // 2))
            elif o.right <= w.left:
                left = max(left, min(w.left, (o.right + w.left) // 2))
    rows, cols = shape
    return _box(
        frame, f, max(0, left), max(0, top), min(cols, right), min(rows, bottom)
    )


def _box(frame: int, f: Finding, left: int, top: int, right: int, bottom: int) -> Box:
    """The painted box of finding ``f`` (edges inclusive-exclusive)."""
    return Box(
        frame,
        left,
        top,
        right - left,
        bottom - top,
        f.entity_type,
        f.source,
        float(f.score),
    )


def _bridges(frame: int, fs: list[Finding], kept: list[Word], rows: int) -> list[Box]:
    """Boxes over the gap between two PHI words side by side on one band, less than
    ``_BRIDGE`` text heights apart, where nothing was read that is kept.

    Glyphs too faint for the detector in the middle of a name ("Okafor, Ahmed" read
    as two lines, "0kafo" and "ed", with nothing of "Ahm") lie between two painted
    words of different lines; the ink growth does not reach them, measured against
    the words' own contrast.
    """
    out = []
    for f in fs:
        a = f.word
        if a.vertical:
            continue
        # Words of one line meet at the cut between them already.
        right = [
            g
            for g in fs
            if g.word.left >= a.right
            and g.word.line != a.line
            and not g.word.vertical
            and a.beside(g.word)
        ]
        if not right:
            continue
        b = min(right, key=lambda g: g.word.left).word
        gap = b.left - a.right
        if gap <= 0 or gap > _BRIDGE * max(a.height, b.height):
            continue
        top, bottom = min(a.top, b.top), max(a.bottom, b.bottom)
        region = (a.right, top, gap, bottom - top)
        if any(k.intersects(region) for k in kept):
            continue
        between = Word("", *region, 0.0)
        top, bottom = _clear_of_lines(between, top, bottom, kept)
        top, bottom = max(0, top), min(rows, bottom)
        out.append(
            Box(
                frame, a.right, top, gap, bottom - top, f.entity_type, "policy", f.score
            )
        )
    return out


def _within_neighbours(w: Word, own: Word, others: list[Word]) -> Word:
    """``w`` (``own`` grown along ink) kept a pixel clear of the words of other
    lines read on its band, left and right of ``own``: noise between two lines
    can pass for ink, and the next one (a frame counter) is not part of this.
    A word whose box overlaps ``own``'s is :func:`_apart_from_overlapping`'s."""
    out = w
    for o in others:
        if o.line == own.line or not own.beside(o):
            continue  # the cut between words of one line is made already
        if o.left >= own.right and out.right >= o.left - 1:
            right = max(own.right, o.left - 2)
            out = dataclasses.replace(
                out, width=right - out.left, clean_right=True, reach_right=o.left - 1
            )
        elif o.right <= own.left and out.left <= o.right:
            left = min(own.left, o.right + 1)
            out = dataclasses.replace(
                out,
                left=left,
                width=out.right - left,
                clean_left=True,
                reach_left=o.right + 1,
            )
    return out


def _apart_from_overlapping(
    image: np.ndarray, w: Word, own: Word, kept: list[Word]
) -> Word:
    """``w`` (``own`` grown) cut in the ink gap before a word kept on another line
    of text of about its height (at most :data:`_LIKE_TEXT` times) whose detector
    box overlaps ``own``'s ("20020428" | "Age: 21", the two boxes loose by a few
    pixels): the gap between the two texts is sought in the ink, from half a text
    height inside ``own``'s box to a quarter inside the other's. Without a gap
    there, ``w`` is left as it is. A neighbour whose box lies apart bounds the
    growth where its box begins (:func:`_within_neighbours`): the unread start of
    a name between the two ("kwa" of "kwame" read "ne") is painted."""
    out = w
    for o in kept:
        if o.line == own.line or not own.beside(o):
            continue
        h = min(own.height, o.height)
        if max(own.height, o.height) > _LIKE_TEXT * h:
            continue  # a detection over a blob of anatomy, not a line of text
        if own.left < o.left <= own.right + _BOX_TOUCH and o.right > own.right:
            lo, hi = min(own.right, o.left) - h // 2, max(own.right, o.left) + h // 4
            cut = _ink_gap(image, own, lo, hi, near=o.left)
            if cut is not None and cut[0] < out.right:
                start, end = cut
                out = dataclasses.replace(
                    out,
                    width=max(1, (start + end) // 2 - out.left),
                    clean_right=True,
                    reach_right=end - 1,
                )
        elif own.right > o.right >= own.left - _BOX_TOUCH and o.left < own.left:
            lo, hi = min(own.left, o.right) - h // 4, max(own.left, o.right) + h // 2
            cut = _ink_gap(image, own, lo, hi, near=o.right)
            if cut is not None and cut[1] > out.left:
                start, end = cut
                left = (start + end) // 2
                out = dataclasses.replace(
                    out,
                    left=left,
                    width=max(1, out.right - left),
                    clean_left=True,
                    reach_left=start + 1,
                )
    return out


def _ink_gap(
    image: np.ndarray, w: Word, lo: int, hi: int, *, near: int
) -> tuple[int, int] | None:
    """The ink-free run of columns (start, end) on ``w``'s band between image
    columns ``lo`` and ``hi``, at least a fifth of the text height wide, that
    lies nearest column ``near`` (the other line's box edge): the space between
    the two texts, not one inside ``w``'s own ("kwa me" of a name read "ne")."""
    lo, hi = max(0, lo), min(image.shape[1], hi)
    if hi - lo < 2:
        return None
    ink = ink_columns(image, w.top, w.bottom, lo, hi)
    if ink is None:
        return None
    return nearest_run(ink, lo, near, min_run=max(2, w.height // 5), by_edge=True)


def _tail_edge(w: Word, chars: int, others: list[Word], cols: int) -> int:
    """Right edge of a box grown over ``chars`` unread characters after ``w`` (at
    ``w``'s own character width), stopping two pixels short of the next word read
    on the same band."""
    width = w.width / max(1, len(w.text))
    edge = min(cols, int(np.ceil(w.right + chars * width)))
    for o in others:
        if o.left >= w.right and w.beside(o):
            edge = min(edge, o.left - 2)
    return edge


def _head_edge(w: Word, chars: int, others: list[Word], read: Word) -> int:
    """Left edge of a box grown over ``chars`` unread characters before ``w``
    (``read`` as read, before its box followed the ink), at the character width
    of ``read`` or of its line if wider ("ral" of "General" is narrow), stopping
    two pixels short of the previous word read on the same band."""
    line = [o for o in others if o.line == read.line and o.text.strip()] or [read]
    width = max(
        read.width / max(1, len(read.text)),
        sum(o.width for o in line) / max(1, sum(len(o.text) for o in line)),
    )
    edge = max(0, int(w.left - chars * width))
    for o in others:
        if o.right <= w.left and w.beside(o):
            edge = max(edge, o.right + 2)
    return edge


def _clear_of_lines(
    w: Word,
    top: int,
    bottom: int,
    kept: list[Word],
    *,
    span: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """Top and bottom of ``w``'s box, held back from the text lines above and below
    that are not painted (a label, an annotation).

    Detector boxes are loose: with lines set close, a padded box reaches into the
    next line. It stops halfway between the two lines' centres, which lies between
    their inks as long as the lines do not overlap. ``span``: the box's left and
    right when it reaches beyond the word (its unread tail: "KOwA" of a name read
    in part, painted to the line's end over a frame counter below).
    """
    centre = (w.top + w.bottom) / 2
    left, right = span if span is not None else (w.left, w.right)
    for o in kept:
        if o.right <= left or o.left >= right:
            continue
        other = (o.top + o.bottom) / 2
        if abs(other - centre) < 0.5 * min(w.height, o.height):
            continue  # the same line
        middle = (centre + other) / 2
        if other > centre:
            bottom = min(bottom, int(np.ceil(middle)))
        else:
            top = max(top, int(middle))
    return top, bottom


def _edge(x: int, clean: bool, reach: int | None, pad: int) -> int:
    """A box edge at word edge ``x``: padded by ``pad`` (signed) unless the edge was
    cut cleanly in a gap, then grown to ``reach`` (or one pixel) at most."""
    if not clean:
        return x + pad
    if reach is None:
        return x + (1 if pad > 0 else -1)
    return min(x + pad, reach) if pad > 0 else max(x + pad, reach)


def _on_every_frame(boxes: list[Box], frames: int) -> list[Box]:
    """The boxes of a cine, each frame also getting those of other frames at places
    its own reading left unpainted.

    Burned-in text stays in place through a loop, while the reading of it varies
    with the anatomy moving underneath: a name found on frame 7 is painted on frame
    0 too, where the reading may have missed it. A box within two pixels of one the
    frame has already is left out: it would only bite into a neighbouring label.
    """
    by_frame: dict[int, list[Box]] = {f: [] for f in range(frames)}
    unique: dict[tuple[int, int, int, int], Box] = {}
    for b in boxes:
        by_frame.setdefault(b.frame, []).append(b)
        if b.entity_type == "UNREADABLE":
            # Doubt stays on its frame: a garbage reading of moving speckle differs
            # from frame to frame and would cover the loop's annotations.
            continue
        key = (b.left, b.top, b.width, b.height)
        if key not in unique or b.score > unique[key].score:
            unique[key] = b
    out: list[Box] = []
    for f, own in by_frame.items():
        out.extend(own)
        added: list[Box] = []
        for b in unique.values():
            if b.frame != f and not _covered(b, own + added):
                added.append(dataclasses.replace(b, frame=f))
        out.extend(added)
    return out


def _covered(b: Box, others: list[Box], slack: int = 2) -> bool:
    """``b`` lies within one of ``others`` grown by ``slack`` pixels (frames aside):
    a box that differs by a pixel or two is the same reading of the same text."""
    return any(
        b.left >= o.left - slack
        and b.top >= o.top - slack
        and b.left + b.width <= o.left + o.width + slack
        and b.top + b.height <= o.top + o.height + slack
        for o in others
    )


def _extend_along_ink(image: np.ndarray, w: Word) -> Word:
    """Stretch a word's box sideways while its ink goes on without a word space.

    The detector sometimes ends a line box before its last glyphs (faint digits over
    anatomy): a PHI box must cover the whole word, so it follows the ink up to the
    next space (an empty run of columns at least 40 % of the text height wide), at
    most 1.5 text heights further. Ink is measured against the word's own contrast
    (half of it), so background texture does not count. Only the outer ends of a
    line grow: between two words the cut is already made.
    """
    rows, cols = image.shape[:2]
    top, bottom = max(0, w.top), min(rows, w.bottom)
    x0, x1 = max(0, w.left), min(cols, w.right)
    if bottom <= top or x1 <= x0:
        return w
    gray = image[top:bottom].astype(np.int16)
    if gray.ndim == 3:
        gray = gray.max(axis=2)
    own = gray[:, x0:x1]
    background = float(np.median(own))
    contrast = float(np.abs(own - background).max())
    if contrast < 24:
        return w
    ink = (np.abs(gray - background) > 0.5 * contrast).any(axis=0)
    reach, space = int(1.5 * w.height), max(2, int(0.4 * w.height))

    def follow(columns: range) -> int:
        run, last = 0, None
        for x in columns:
            run = 0 if ink[x] else run + 1
            if run >= space:
                break
            if ink[x]:
                last = x
        return -1 if last is None else last

    left, right = x0, x1
    if w.line_end and not w.clean_right and x1 < cols:
        last = follow(range(x1, min(cols, x1 + reach)))
        right = max(right, last + 1)
    if w.line_start and not w.clean_left and x0 > 0:
        last = follow(range(x0 - 1, max(-1, x0 - 1 - reach), -1))
        if last >= 0:
            left = min(left, last)
    if (left, right) == (w.left, w.right):
        return w
    return dataclasses.replace(w, left=left, width=right - left)


def _paint(
    ds: Dataset, frames: np.ndarray, boxes: list[Box], settings: RedactionSettings
) -> np.ndarray:
    photometric = str(ds.PhotometricInterpretation)
    if photometric.startswith("YBR"):
        photometric = "RGB"  # read_frames converts YBR to RGB
    palette = _palette_rgb(ds) if photometric == "PALETTE COLOR" else None
    return paint(
        frames,
        [PaintBox(b.frame, b.left, b.top, b.width, b.height) for b in boxes],
        fill=settings.fill,
        photometric=photometric,
        palette=palette,
    )


def _verify(
    ds: Dataset,
    frames: np.ndarray,
    painted: np.ndarray,
    boxes: list[Box],
    identity: HeaderIdentity,
    engines: Engines,
    settings: RedactionSettings,
    report: RedactionReport,
    *,
    first_words: dict[int, list[Word]],
    first_display: np.ndarray,
    keep: list[Box] | None = None,
) -> tuple[np.ndarray, list[Box]]:
    """Read the painted image again with the verification engine; fail if PHI remains.

    The first round also paints text that only the second reading saw (faint text,
    text over anatomy): what the first pass could not even detect is in doubt, and
    doubt is painted unless it reads as annotation vocabulary. PHI found by the
    second reading is painted too (a repair round) and the image read again, up to
    :data:`_REPAIR_ROUNDS` times; PHI still there after that fails the file with
    reason ``verification``.
    """
    assert engines.verifier is not None
    repaired = 0
    in_kept = 0
    previous: np.ndarray | None = None
    words: dict[int, list[Word]] = {}
    for round_no in range(_REPAIR_ROUNDS + 1):
        display = pixels.display_frames(ds, painted)
        if previous is None:
            words = _read_all_frames(
                engines.verifier, display, before=(first_display, first_words)
            )
        else:
            # Only the boxes just painted changed: the rest was read already.
            words = _read_again(engines.verifier, display, previous, words)
        previous = display
        leftovers = {
            f: engines.detector.classify(
                ws, identity, use_policy=False, image=display[f]
            )
            for f, ws in words.items()
        }
        if round_no == 0:
            for f, ws in words.items():
                known = {id(x.word) for x in leftovers[f]}
                firsts = first_words.get(f, [])
                numbers = []
                by_line: dict[int, list[str]] = {}
                for w in ws:
                    by_line.setdefault(w.line, []).append(w.text)
                plain = {
                    k: plain_line(t, settings.allow_list) for k, t in by_line.items()
                }
                text = {id(w) for w in without_traces(ws, display[f])}
                for w in ws:
                    if id(w) in known or _read_before(w, firsts) or id(w) not in text:
                        continue
                    if is_annotation(w.text, settings.allow_list):
                        if any(c.isdigit() for c in w.text):
                            numbers.append(w)
                        continue
                    if _no_doubt(
                        w,
                        ws,
                        firsts,
                        plain_line=plain[w.line],
                        frame_rows=display.shape[1],
                    ):
                        continue
                    leftovers[f].append(Finding(w, "UNREADABLE", "policy", w.score))
                # A number on a line only this reading saw, beside a word it could
                # not read ("196" of "196 Oal"): doubt, as that word.
                doubt = {x.word.line for x in leftovers[f] if x.source == "policy"}
                beside = [w for w in numbers if w.line in doubt and _whole(w.text)]
                leftovers[f].extend(
                    Finding(w, "UNREADABLE", "policy", w.score) for w in beside
                )
                numbers = [w for w in numbers if w not in beside]
                if numbers:
                    # "1022" beside the painted "7278 534" of "Policy 7278 5344 2261
                    # 1022": a number the first reading did not see is judged on
                    # the line it continues.
                    leftovers[f].extend(
                        _judged_with(
                            firsts,
                            numbers,
                            first_display[f],
                            identity,
                            engines,
                            of_extra=True,
                        )
                    )
        # Along the ink to the ends of its words, as in the first reading, and no
        # further than the words read beside them.
        new = _boxes_from_findings(
            leftovers, settings.padding, display.shape, display=display, words=words
        )
        # A hit inside an already painted box is the fill read as text: ignore it.
        # One in a reviewer's keep region stays, counted: the copy then makes no
        # claim of clean pixels.
        new = [b for b in new if not _inside_any(b, boxes)]
        in_kept = max(in_kept, sum(_kept(b, keep or []) for b in new))
        new = [b for b in new if not _kept(b, keep or [])]
        if round_no == 0 and new:
            context = _first_words_in_context(
                leftovers, new, first_words, first_display, identity, engines
            )
            context = _boxes_from_findings(
                context, settings.padding, display.shape, words=first_words
            )
            for b in context:
                # Checked against the boxes added so far too: one place, one box.
                if not _inside_any(b, boxes + new) and not _kept(b, keep or []):
                    new.append(b)
        if not new:
            report.verification = {
                "engine": engines.verifier.name,
                "passed": True,
                "repaired_boxes": repaired,
            }
            if in_kept:
                report.verification["phi_in_kept_regions"] = in_kept
            return painted, boxes
        if round_no == _REPAIR_ROUNDS:
            break
        repaired += len(new)
        boxes = boxes + new
        painted = _paint(ds, frames, boxes, settings)
    report.verification = {
        "engine": engines.verifier.name,
        "passed": False,
        "repaired_boxes": repaired,
        "remaining": len(new),
        "remaining_types": sorted({b.entity_type for b in new}),
    }
    raise VerificationError("PHI still readable after painting")


def _first_words_in_context(
    leftovers: dict[int, list[Finding]],
    new: list[Box],
    first_words: dict[int, list[Word]],
    first_display: np.ndarray,
    identity: HeaderIdentity,
    engines: Engines,
) -> dict[int, list[Finding]]:
    """Words of the first reading that are PHI beside what verification found.

    Verification may read the faint part of a line whose other part the first
    reading kept ("1, 2019 15:48" after "Sep"): see :func:`_judged_with`.
    """
    out: dict[int, list[Finding]] = {}
    for frame in {b.frame for b in new}:
        boxes = [(b.left, b.top, b.width, b.height) for b in new if b.frame == frame]
        extra = [
            f.word
            for f in leftovers.get(frame, [])
            if any(f.word.intersects(r) for r in boxes)
        ]
        out[frame] = _judged_with(
            first_words.get(frame, []), extra, first_display[frame], identity, engines
        )
    return out


def _judged_with(
    words: list[Word],
    extra: list[Word],
    image: np.ndarray,
    identity: HeaderIdentity,
    engines: Engines,
    *,
    of_extra: bool = False,
) -> list[Finding]:
    """Findings among ``words`` once the ``extra`` words of another reading join
    the lines of ``words`` they continue (with ``of_extra``: the findings among the
    ``extra`` words, see :func:`_reaching`).

    Another reading (verification, the temporal median) may see the faint part of
    a line whose other part this one read and kept: "753581" after "Tel 035", the
    rest of a date after "Sep". An extra word on the band of a line, at most
    ``_BRIDGE`` text heights from it (or from an extra word already joined), joins
    that line, and the line's own rules decide (a phone number's area code, a
    date's month, the rest of a PHI line).
    """
    joined = list(words)
    own: set[int] = set()
    for v in sorted(extra, key=lambda v: v.left):
        if v.overlaps(words):
            continue
        host = next((o for o in joined if o.one_line(v, _BRIDGE)), None)
        if host is not None:
            w = dataclasses.replace(v, line=host.line, line_start=False, line_end=False)
            own.add(id(w))
            joined.append(w)
    if not own:
        return []
    joined.sort(key=lambda w: w.left)
    found = engines.detector.classify(joined, identity, image=image)
    if of_extra:
        phi = {id(f.word) for f in found}
        kept = [w for w in joined if id(w) not in phi]
        return [_reaching(f, found, own, kept) for f in found if id(f.word) in own]
    return [f for f in found if id(f.word) not in own and f.word.overlaps(words)]


def _reaching(
    f: Finding, found: list[Finding], own: set[int], kept: list[Word]
) -> Finding:
    """``f`` (a word another reading added to a line) widened to the PHI words of
    that line beside it: words of two readings do not meet at a cut between them,
    and the faint glyphs between them ("2261" between "534" and "1022" of "Policy
    7278 5344 2261 1022") are painted with it. Not across a ``kept`` word."""
    v = f.word
    reach = _BRIDGE * v.height
    beside = [
        g.word
        for g in found
        if id(g.word) not in own
        and g.word.line == v.line
        and v.beside(g.word)
        and not any(
            k.beside(v)
            and min(g.word.right, v.right) <= k.left < max(g.word.left, v.left)
            for k in kept
        )
    ]
    left = max(
        (w.right for w in beside if 0 <= v.left - w.right <= reach), default=None
    )
    right = min(
        (w.left for w in beside if 0 <= w.left - v.right <= reach), default=None
    )
    x0 = v.left if left is None else left
    x1 = v.right if right is None else right
    if (x0, x1) == (v.left, v.right):
        return f
    return dataclasses.replace(f, word=dataclasses.replace(v, left=x0, width=x1 - x0))


def _kept(b: Box, regions: list[Box]) -> bool:
    """``b`` lies at least half inside a reviewer's keep region of its frame
    (a region with ``frame == -1`` applies to every frame)."""
    for r in regions:
        if r.frame not in (b.frame, -1):
            continue
        w = min(b.left + b.width, r.left + r.width) - max(b.left, r.left)
        h = min(b.top + b.height, r.top + r.height) - max(b.top, r.top)
        if w > 0 and h > 0 and 2 * w * h >= b.width * b.height:
            return True
    return False


def _read_before(w: Word, firsts: list[Word]) -> bool:
    """The first reading read text where the verifier read ``w``: one of its
    words shares a third of ``w``, or its words on ``w``'s band cover all of it
    but less than a text height ("44 Y M" read as three words first, as one by
    the verifier)."""
    if w.overlaps(firsts):
        return True
    spans = sorted(
        (max(w.left, o.left), min(w.right, o.right))
        for o in firsts
        if min(w.bottom, o.bottom) - max(w.top, o.top) >= w.height / 2
        and min(w.right, o.right) > max(w.left, o.left)
    )
    covered, reach = 0, w.left
    for left, right in spans:
        covered += max(0, right - max(left, reach))
        reach = max(reach, right)
    return w.width - covered < w.height


def _whole(text: str) -> bool:
    """A whole number, as a house number is ("2.31" is a measurement)."""
    return text.strip().isdigit()


def _no_doubt(
    w: Word,
    words: list[Word],
    firsts: list[Word],
    *,
    plain_line: bool,
    frame_rows: int = 0,
) -> bool:
    """``w``, a word only verification read on a frame where it read ``words``
    and the first reading ``firsts``, is no text in doubt: a label, or one read
    with a letter as a digit ("Do8"); a glyph read
    from a detection over anatomy (on the equalised image, once a whole frame
    read as "分"); a scale bar's tick read "十" or "工"; a depth mark "10-"; a word
    of a line of plain words (``plain_line``: "Allergies", "Renal failure").

    Whether a detection is anatomy is judged against the frame's text height in
    both readings: on a noisy frame, verification may detect nothing but one
    region of anatomy (a 256-pixel angiogram read as one "本" 121 pixels high,
    where the first reading's lines are 12 to 14)."""
    return (
        label_entity(w.text) is not None
        or misread_label_glyph(w.text)
        or is_blob(w, [*words, *firsts], frame_rows)
        or _lone_glyph(w)
        or is_scale_tick(w)
        or plain_line
    )


def _lone_glyph(w: Word) -> bool:
    """One character, no Latin letter or digit, in a box no wider than high: a
    tick, a marker. Text the first reading missed and that says something (a
    name, a number) is read as more, and a letter left at a box's edge is painted."""
    text = w.text.strip()
    return (
        len(text) == 1
        and not (text.isascii() and text.isalnum())
        and w.width <= w.height
    )


def _inside_any(b: Box, boxes: list[Box]) -> bool:
    for o in boxes:
        if o.frame != b.frame:
            continue
        ix = max(0, min(b.left + b.width, o.left + o.width) - max(b.left, o.left))
        iy = max(0, min(b.top + b.height, o.top + o.height) - max(b.top, o.top))
        if ix * iy >= 0.6 * b.width * b.height:
            return True
    return False


def _palette_rgb(ds: Dataset) -> np.ndarray:
    """The (n, 3) RGB colours of a PALETTE COLOR dataset's indices."""
    from pydicom.pixels import apply_color_lut

    n = int(ds.RedPaletteColorLookupTableDescriptor[0]) or 65536
    first = int(ds.RedPaletteColorLookupTableDescriptor[1])
    idx = np.arange(first, first + n, dtype=np.uint16 if n > 256 else np.uint8)
    lut = apply_color_lut(idx, ds).reshape(-1, 3)
    # Fill values are indices into the stored data, which start at ``first``.
    full = np.zeros((first + n, 3), dtype=lut.dtype)
    full[first:] = lut
    return full
