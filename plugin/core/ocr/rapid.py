"""RapidOCR backend: PP-OCR detection + recognition as ONNX models shipped in the wheel.

Runs offline on the CPU. Two variants share this module:

* ``rapidocr``: the image as displayed;
* ``rapidocr-verify``: the verification pass. It reads a differently prepared image
  (contrast-limited histogram equalisation, 1.5x upscale up to 1,280 pixels, lower
  detection thresholds) so that it is not blind in the same places as the first
  pass.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import logging
import types
import unicodedata
from typing import Any

import cv2
import numpy as np

from ..errors import BackendUnavailableError
from ..gaps import ink_columns, nearest_run
from ..groups import connected_groups
from ..model import Word
from ..versions import dist_version
from .base import REGION_LINES, KnownLines

logger = logging.getLogger(__name__)

__all__ = ["RapidOcrEngine", "create", "is_available"]

_DET_SIDE = 736
"""RapidOCR's detector scales the short side of an image up to this many pixels."""
_VERIFY_SCALE = 1.5
# ... up to this longer side: a larger image is upscaled less, down to not at all.
# Up to 1,280 pixels the detector takes it whole; beyond, in four tiles or more
# (a 1,024 x 768 frame upscaled to 1,536 x 1,152: four tiles of 1,024, five times
# the pixels of its first reading). 2,048 before: 14 % more time over six test
# sets, the same lines found.
_VERIFY_SIDE = 1280
# The recogniser reads lines 48 pixels high, padded to one of these widths (the
# smallest that holds the line; beyond the last, the next multiple of 384).
_REC_HEIGHT = 48
_REC_WIDTHS = (96, 144, 192, 240, 320, 384, 480, 600, 768, 960, 1200, 1536, 1920)
# A line read as one glyph below this score is read again at RapidOCR's own pad.
_LONE_GLYPH_SURE = 0.5
_RAPIDOCR_PAD = 320
# A glyph alone read as no Latin character ("口", "■" for an "L" in a white
# marker box), or read less sure than this, is read again inside the box: these
# shares of its crop's shorter side cut off each side. The reading is kept when
# it is one Latin letter or digit, at least this sure and surer by this margin.
_BOXED_BELOW = 0.9
_BOXED_INSETS = (0.18, 0.24)
_BOXED_SURE = 0.8
_BOXED_MARGIN = 0.2
# Colour text: a pixel is coloured above this chroma (CIELAB, 8-bit scale); a frame
# where more than this share is coloured is a colour map, read by brightness and on
# its green channel, not for lines of colour.
_CHROMA_MIN = 24
_CHROMA_SPARSE = 0.15
_CHROMA_MIN_PIXELS = 12
_CHROMA_MIN_GLYPHS = 3
# A row of a colour region coloured over this share of its width is a bar; a
# word of touching letters is at least this many times as long as it is high.
_CHROMA_BAR = 0.9
_CHROMA_WORD = 3
# A vertical line is one word of at least this many letters or digits; both
# readings of it are judged when their scores are this close.
_VERTICAL_MIN_CHARS = 3
_VERTICAL_CLOSE = 0.1
# A box ends this many pixels short of the ink of a word kept beside it.
_GAP_MARGIN = 2
# An image the detector would take at more than _TILE_ABOVE pixels (its longer
# side) is detected in tiles of _TILE pixels overlapping by _TILE_OVERLAP.
_TILE_ABOVE = 1280
_TILE = 1024
_TILE_OVERLAP = 256
# Regions are detected together on shelves of at least this width, each in a cell
# this many pixels (at the detector's scale) wider and higher than itself.
_MOSAIC_WIDTH = 1024
_MOSAIC_GAP = 16
# Small text: an image the detector takes at less than _SMALL_SCALE times its size
# has rows of strokes _SMALL_HEIGHT pixels high, standing out by _SMALL_CONTRAST
# grey levels, read again in crops at _SMALL_SCALE; not when over _SMALL_MAX.
_SMALL_SCALE = 2.0
_SMALL_HEIGHT = (5, 16)
_SMALL_CONTRAST = 60
_SMALL_MAX = 16
# Two boxes of neighbouring tiles are one line when they overlap by this share
# of the smaller one's area (a line seen twice, or a piece of it cut at a tile's
# edge).
_TILE_SAME_LINE = 0.5
# ... and when the smaller one's height, or width, is at least this share of the
# larger one's.
_TILE_LIKE_SIZE = 0.5


def is_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def create(name: str, *, threads: int = 0, runtime: str = "auto") -> RapidOcrEngine:
    return RapidOcrEngine(
        verify=name == "rapidocr-verify", threads=threads, runtime=runtime
    )


def _runtime(wanted: str) -> str:
    """The inference runtime to use: ``auto`` is OpenVINO when it is installed."""
    if wanted == "onnxruntime":
        return wanted
    try:
        import openvino  # noqa: F401
    except ImportError:
        if wanted == "openvino":
            raise BackendUnavailableError("OCR runtime 'openvino' is not installed")
        return "onnxruntime"
    return "openvino"


class RapidOcrEngine:
    """Word-level OCR with RapidOCR 3.x."""

    def __init__(
        self, *, verify: bool = False, threads: int = 0, runtime: str = "auto"
    ) -> None:
        from rapidocr import EngineType, RapidOCR

        runtime = _runtime(runtime)
        params: dict[str, Any] = {
            "Global.log_level": "error",
            # Keep every detected line, however unsure the reading: doubt is painted.
            "Global.text_score": 0.0,
            "Global.max_side_len": 8192,
        }
        if runtime == "openvino":
            # Same ONNX models. OpenVINO runs them in the CPU's native precision
            # (bfloat16 where the CPU has it: twice as fast as float32).
            for stage in ("Det", "Cls", "Rec"):
                params[f"{stage}.engine_type"] = EngineType.OPENVINO
            params["EngineConfig.openvino.inference_num_threads"] = threads or -1
            # Pinned threads of several worker processes share one core.
            params["EngineConfig.openvino.enable_cpu_pinning"] = False
        else:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads or -1
            params["EngineConfig.onnxruntime.inter_op_num_threads"] = (
                1 if threads else -1
            )
            # The arena keeps buffers between runs of varying shapes: a fifth faster.
            params["EngineConfig.onnxruntime.enable_cpu_mem_arena"] = True
        params.update(
            {
                # Burned-in annotations are small: a lower box threshold keeps faint
                # ones.
                "Det.box_thresh": 0.4 if verify else 0.5,
                "Det.thresh": 0.15,
                "Det.unclip_ratio": 1.8,
            }
        )
        self._engine = RapidOCR(params=params)
        _load_models(self._engine, (runtime, threads))
        self._verify = verify
        self.name = "rapidocr-verify" if verify else "rapidocr"
        self.runtime = runtime
        self.version = f"{dist_version('rapidocr')} ({_runtime_version(self)})"

    def _base_scale(self, shape: tuple[int, int]) -> float:
        """The scale an image of ``shape`` (rows, cols) is read at: 1; for
        verification :data:`_VERIFY_SCALE`, or less where that would make the
        image longer than :data:`_VERIFY_SIDE` (never below 1)."""
        if not self._verify:
            return 1.0
        return min(_VERIFY_SCALE, max(1.0, _VERIFY_SIDE / max(shape)))

    def _detector_scale(self, shape: tuple[int, int]) -> float:
        """The scale the detector takes a whole image of ``shape`` at: the base
        scale, or more where the short side is under 736 pixels."""
        return max(self._base_scale(shape), _DET_SIDE / min(shape))

    def _equalised(self, image: np.ndarray) -> np.ndarray:
        """``image`` as this variant reads it: as it is; for verification, with
        contrast-limited histogram equalisation."""
        if not self._verify:
            return image
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        clahe = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(8, 8))
        return cv2.cvtColor(clahe.apply(gray), cv2.COLOR_GRAY2RGB)

    def _prepare(self, image: np.ndarray, scale: float) -> np.ndarray:
        return _scaled(self._equalised(image), scale)

    def read(
        self,
        image: np.ndarray,
        *,
        known: KnownLines | None = None,
        regions: list[tuple[int, int, int, int]] | None = None,
    ) -> list[Word]:
        words = self._read_in(image, known, regions)
        chroma = _chroma(image)
        if chroma is None:
            return words
        coloured = chroma > _CHROMA_MIN
        if coloured.mean() > _CHROMA_SPARSE:
            # A colour map. Text in a colour of the map itself (yellow on a hot-iron
            # palette) has its brightness: green, the channel such maps vary in
            # least where red dominates, sets it apart.
            green = cv2.cvtColor(
                np.ascontiguousarray(image[..., 1]), cv2.COLOR_GRAY2RGB
            )
            return _merged(words, self._read_in(green, None, regions))
        # Coloured text on grey speckle (a green name on an ultrasound) can have the
        # brightness of its background: the detector sees nothing. Where colour
        # outside the words read forms lines, those are read on the colour alone.
        regions = _colour_lines(coloured, words)
        if regions:
            grey = np.clip(chroma * 3, 0, 255).astype(np.uint8)
            on_colour = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
            for region in regions:
                words = _merged(words, self.read_region(on_colour, region))
        return words

    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """The text lines of ``image`` as (left, top, width, height), unread."""
        scale = self._base_scale(image.shape[:2])
        out = []
        for box in self._detect(self._prepare(image, scale)):
            (x0, x1), (y0, y1) = _x_extent(box, scale), _y_extent(box, scale)
            out.append((x0, y0, x1 - x0, y1 - y0))
        return out

    def _read_in(
        self,
        image: np.ndarray,
        known: KnownLines | None,
        regions: list[tuple[int, int, int, int]] | None,
    ) -> list[Word]:
        """The words of ``image``, or of its ``regions`` only (each region's lines
        numbered apart)."""
        # Equalised as a whole, then scaled; regions cropped from it and scaled as
        # the detector scales the whole image.
        equalised = self._equalised(image)
        if regions is None:
            scale = self._base_scale(image.shape[:2])
            words = self._read(_scaled(equalised, scale), scale, (0, 0), known)
            return words + self._small_lines(image, equalised, words, known)
        scale = self._detector_scale(image.shape[:2])
        regions = [r for r in regions if r[2] > 0 and r[3] > 0]
        return self._read_crops(equalised, regions, scale, known)

    def _read_crops(
        self,
        equalised: np.ndarray,
        regions: list[tuple[int, int, int, int]],
        scale: float,
        known: KnownLines | None,
    ) -> list[Word]:
        """The words of ``regions`` of the prepared image, each cropped and scaled
        by ``scale``, detected together in one mosaic; each region's lines are
        numbered apart (:data:`REGION_LINES`)."""
        crops = [
            cv2.resize(
                equalised[top : top + height, left : left + width],
                None,
                fx=scale,
                fy=scale,
                interpolation=cv2.INTER_CUBIC,
            )
            for left, top, width, height in regions
        ]
        words: list[Word] = []
        for k, boxes in enumerate(self._detect_mosaic(crops)):
            read = self._read(crops[k], scale, regions[k][:2], known, boxes=boxes)
            words += [
                dataclasses.replace(w, line=w.line + (k + 1) * REGION_LINES)
                for w in read
            ]
        return words

    def _small_lines(
        self,
        image: np.ndarray,
        equalised: np.ndarray,
        words: list[Word],
        known: KnownLines | None,
    ) -> list[Word]:
        """Lines too small for the detector at the scale it takes ``image``
        (``equalised``, as this variant reads it), read in crops
        :data:`_SMALL_SCALE` times larger.

        The detector upscales an image only until its short side is 736 pixels:
        a 1,200 x 1,600 intraoral film or a 2,850-pixel mammogram is read as it is,
        and its 8- to 11-pixel corner text fades into the background there
        (vendor seed 9). Candidates are rows of small strokes brighter or darker
        than their surroundings (:func:`_small_text`) that no word read covers;
        an image with more than :data:`_SMALL_MAX` of them (speckle, film grain)
        is left as it was.
        """
        if self._detector_scale(image.shape[:2]) >= _SMALL_SCALE:
            return []
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        found = [
            c for c in _small_text(gray) if not any(w.intersects(c) for w in words)
        ]
        if not found or len(found) > _SMALL_MAX:
            return []
        rows, cols = image.shape[:2]
        around = []
        for x, y, w, h in found:
            left, top = max(0, x - 2 * h), max(0, y - h)
            right, bottom = min(cols, x + w + 2 * h), min(rows, y + 2 * h)
            around.append((left, top, right - left, bottom - top))
        # A line found both bright (its strokes) and dark (its plate) is one.
        regions = [
            functools.reduce(_union, [around[k] for k in group])
            for group in connected_groups(around, _boxes_touch)
        ]
        return self._read_crops(equalised, regions, _SMALL_SCALE, known)

    def _detect_mosaic(self, crops: list[np.ndarray]) -> list[list[Any]]:
        """The detector's line boxes (quadrilaterals) in each of ``crops``.

        The crops are detected in one run, side by side on shelves of a mosaic:
        a run of the detector has a cost of its own, more than a small crop's
        pixels. Each crop fills its cell with its own edge pixels repeated; on a
        plain margin, the detector takes a crop of speckle for one block of text.
        """
        if not crops:
            return []
        width = max(_MOSAIC_WIDTH, max(c.shape[1] for c in crops) + _MOSAIC_GAP)
        shelves: list[list[int]] = [[]]
        used = 0
        for k, c in enumerate(crops):
            if shelves[-1] and used + c.shape[1] + _MOSAIC_GAP > width:
                shelves.append([])
                used = 0
            shelves[-1].append(k)
            used += c.shape[1] + _MOSAIC_GAP
        strips = []
        places: dict[int, tuple[int, int]] = {}
        y = 0
        for shelf in shelves:
            height = max(crops[k].shape[0] for k in shelf) + _MOSAIC_GAP
            cells = []
            x = 0
            for k in shelf:
                c = crops[k]
                cell = width - x if k == shelf[-1] else c.shape[1] + _MOSAIC_GAP
                cells.append(
                    cv2.copyMakeBorder(
                        c,
                        0,
                        height - c.shape[0],
                        0,
                        cell - c.shape[1],
                        cv2.BORDER_REPLICATE,
                    )
                )
                places[k] = (x, y)
                x += cell
            strips.append(np.concatenate(cells, axis=1))
            y += height
        det = self._engine.text_det
        saved = det.limit_type, det.limit_side_len
        det.limit_type, det.limit_side_len = "max", 1 << 16  # scaled already
        try:
            found = self._detect(np.ascontiguousarray(np.concatenate(strips)))
        finally:
            det.limit_type, det.limit_side_len = saved
        out: list[list[Any]] = [[] for _ in crops]
        for box in found:
            q = np.asarray(box, np.float32).reshape(-1, 2)
            cx, cy = q.mean(axis=0)
            for k, (x, y) in places.items():
                h, w = crops[k].shape[:2]
                if x <= cx < x + w and y <= cy < y + h:
                    local = q - np.float32((x, y))
                    local[:, 0] = local[:, 0].clip(0, w)
                    local[:, 1] = local[:, 1].clip(0, h)
                    out[k].append(local.astype(np.float32))
                    break
        return out

    def read_region(
        self,
        image: np.ndarray,
        region: tuple[int, int, int, int],
        *,
        line_base: int = 0,
    ) -> list[Word]:
        """Words inside ``region`` (left, top, width, height) of ``image``.

        The crop is scaled as the detector would scale the whole image, so small text
        is read at the same resolution as in :meth:`read`, at a fraction of the cost.
        """
        left, top, width, height = region
        crop = image[top : top + height, left : left + width]
        if crop.size == 0:
            return []
        scale = self._detector_scale(image.shape[:2])
        det = self._engine.text_det
        saved = det.limit_type, det.limit_side_len
        # Crops are small: no "upscale the short side to 736" here, the scale above
        # already matches the full-image reading.
        det.limit_type, det.limit_side_len = "max", 4096
        try:
            words = self._read(self._prepare(crop, scale), scale, (left, top))
        finally:
            det.limit_type, det.limit_side_len = saved
        return [dataclasses.replace(w, line=w.line + line_base) for w in words]

    def _read(
        self,
        prepared: np.ndarray,
        scale: float,
        offset: tuple[int, int],
        known: KnownLines | None = None,
        *,
        boxes: list[Any] | None = None,
    ) -> list[Word]:
        # Detection (unless the ``boxes`` are given), then recognition of the
        # lines the caller does not know yet.
        # Name every stage: RapidOCR keeps the flags of the previous call otherwise.
        # No angle classifier: burned-in annotations are written upright.
        if boxes is None:
            boxes = self._detect(prepared)
        reused: list[tuple[int, Word]] = []
        todo = []
        for k, box in enumerate(boxes):
            (x0, x1), (y0, y1) = _x_extent(box, scale), _y_extent(box, scale)
            words = None
            if known is not None:
                words = known(x0 + offset[0], y0 + offset[1], x1 - x0, y1 - y0)
            if words is None:
                todo.append(box)
            else:
                reused.extend((k, w) for w in words)
        out = self._words(prepared, scale, offset, self._recognise(prepared, todo))
        # Reused lines keep their words, renumbered after the lines read here (the
        # numbers they had belong to other readings).
        numbers: dict[tuple[int, int], int] = {}
        first = max((w.line for w in out), default=-1) + 1
        for k, w in reused:
            line = numbers.setdefault((k, w.line), first + len(numbers))
            out.append(dataclasses.replace(w, line=line))
        return out

    def _detect(self, prepared: np.ndarray) -> list[Any]:
        """The line boxes (quadrilaterals, ``prepared``'s pixels) the detector finds.

        An image that the detector would take at more than :data:`_TILE_ABOVE`
        pixels is detected in overlapping tiles of :data:`_TILE` pixels, at the
        scale the detector would give the whole image. Its response to the same
        text fades as the image grows around it: 12-pixel text in the corner of
        a 4,096-pixel mammogram was not detected at all, in a 1,024-pixel tile
        of it every line was.
        """
        det = self._engine.text_det
        rows, cols = prepared.shape[:2]
        if det.limit_type == "min":
            scale = max(1.0, det.limit_side_len / min(rows, cols))
        else:
            scale = min(1.0, det.limit_side_len / max(rows, cols))
        if max(rows, cols) * scale <= _TILE_ABOVE:
            return self._detect_whole(prepared)
        image = prepared
        if scale != 1.0:
            image = cv2.resize(prepared, None, fx=scale, fy=scale)
        found: list[tuple[np.ndarray, int]] = []
        for k, (x0, y0) in enumerate(_tiles(image.shape[:2])):
            tile = np.ascontiguousarray(image[y0 : y0 + _TILE, x0 : x0 + _TILE])
            for box in self._detect_whole(tile):
                placed = (np.asarray(box, np.float64) + (x0, y0)) / scale
                found.append((placed.astype(np.float32), k))
        return _merged_tiles(found)

    def _detect_whole(self, image: np.ndarray) -> list[Any]:
        det = self._engine(
            image,
            use_det=True,
            use_cls=False,
            use_rec=False,
            return_word_box=True,  # kept for recognize_txt below
        )
        return [] if det is None or det.boxes is None else list(det.boxes)

    def _recognise(self, prepared: np.ndarray, boxes: list[Any]) -> list[Any]:
        """(box, text, score, word results) of the detected lines ``boxes``: the
        recognition half of a RapidOCR call, on the lines left to read.

        RapidOCR pads every line to at least 320 pixels (at 48 high), and a batch to
        its widest line. Half our lines are shorter than 170 pixels, and the
        recogniser's time grows with the width. So lines are recognised in groups
        of like width (:data:`_REC_WIDTHS`), each padded to its group's width only.
        A few fixed widths also spare the runtime preparing a new input shape for
        nearly every batch.
        """
        if not boxes:
            return []
        from rapidocr.utils.process_img import get_rotate_crop_image

        crops = [get_rotate_crop_image(prepared, copy.deepcopy(b)) for b in boxes]
        # A vertical line comes back turned a quarter anticlockwise: upright when
        # it was written top to bottom, upside down when bottom to top. It is read
        # turned both ways, and the surer reading kept.
        vertical = [k for k, b in enumerate(boxes) if _is_vertical(b)]
        crops += [np.rot90(crops[k], 2) for k in vertical]
        every = list(boxes) + [boxes[k] for k in vertical]
        groups: dict[int, list[int]] = {}
        for k, crop in enumerate(crops):
            width = _rec_width(crop.shape[1] / max(1, crop.shape[0]))
            groups.setdefault(width, []).append(k)
        out: list[Any] = [None] * len(crops)
        for width, members in groups.items():
            part = self._recognise_at(
                [crops[k] for k in members], [every[k] for k in members], width
            )
            for k, line in zip(members, part):
                out[k] = line
        # A glyph alone, read unsure in a narrow pad ("日" for an "L" in a white
        # marker box), is read again padded as RapidOCR pads it.
        for k in range(len(crops)):
            if len(out[k][1].strip()) <= 1 and out[k][2] < _LONE_GLYPH_SURE:
                again = self._recognise_at([crops[k]], [every[k]], _RAPIDOCR_PAD)[0]
                if again[2] > out[k][2]:
                    out[k] = again
            glyph = out[k][1].strip()
            if len(glyph) == 1 and (not glyph.isascii() or out[k][2] < _BOXED_BELOW):
                out[k] = self._read_boxed(crops[k], every[k], out[k])
        extra = []
        for n, k in enumerate(vertical):
            best, other = sorted((out[k], out[len(boxes) + n]), key=lambda x: -x[2])
            if len(_letters(best[1])) < _VERTICAL_MIN_CHARS:
                continue  # a tall glyph ("1", "l") or two: read as RapidOCR does
            # Character boxes along a turned crop do not map back to the image: the
            # line is one word, its box the detector's.
            out[k] = (boxes[k], best[1], best[2], ())
            if other[2] >= best[2] - _VERTICAL_CLOSE and _letters(other[1]):
                # Digits read upside down are digits still (6 and 9, 0, 1, 8): when
                # the two readings are about as sure, both are judged.
                extra.append((boxes[k], other[1], other[2], ()))
        return out[: len(boxes)] + extra

    def _read_boxed(self, crop: np.ndarray, box: Any, read: Any) -> Any:
        """The glyph inside a frame (a side marker's "L" in a white box, read "口",
        "■" or "4" with its frame): the crop with each of :data:`_BOXED_INSETS`
        cut off each side, read as one Latin letter or digit at least
        :data:`_BOXED_SURE` sure and :data:`_BOXED_MARGIN` surer than ``read``
        (the line as read); ``read`` otherwise. A lone glyph is no PHI: what may
        change is only whether it is painted as doubt."""
        best = read
        for inset in _BOXED_INSETS:
            cut = max(1, round(min(crop.shape[:2]) * inset))
            inner = np.ascontiguousarray(crop[cut:-cut, cut:-cut])
            if min(inner.shape[:2]) < 4:
                break
            width = _rec_width(inner.shape[1] / inner.shape[0])
            line = self._recognise_at([inner], [box], width)[0]
            text = line[1].strip()
            if (
                len(text) == 1
                and text.isascii()
                and text.isalnum()
                and line[2] >= max(_BOXED_SURE, read[2] + _BOXED_MARGIN, best[2])
            ):
                best = (box, text, line[2], ())
        return best

    def _recognise_at(
        self, crops: list[np.ndarray], boxes: list[Any], width: int
    ) -> list[Any]:
        """Lines recognised in batches padded to ``width`` pixels (at 48 high)."""
        from rapidocr.main import RapidOCRError

        rec = self._engine.text_rec
        saved = rec.rec_image_shape
        # RapidOCR pads a batch to the larger of this width and its widest line.
        rec.rec_image_shape = [saved[0], _REC_HEIGHT, width]
        try:
            read = self._engine.recognize_txt(crops)
        except RapidOCRError:  # nothing recognised at all
            return [(b, "", 0.0, ()) for b in boxes]
        finally:
            rec.rec_image_shape = saved
        read = self._engine.cal_rec_boxes(crops, np.asarray(boxes), read, False)
        word_results = _aligned(read.word_results, len(boxes))
        # Unlike RapidOCR, a line read as nothing is kept: text was detected there
        # that nobody could read, which the PHI policy paints (detection is the
        # safety net).
        return [
            (b, t, s, tuple(w for w in ws if w[2] is not None))
            for b, t, s, ws in zip(boxes, read.txts, read.scores, word_results)
        ]

    def _words(
        self,
        prepared: np.ndarray,
        scale: float,
        offset: tuple[int, int],
        lines: list[Any],
    ) -> list[Word]:
        words: list[Word] = []
        dx, dy = offset
        for line_no, (line_box, line_text, line_score, line_results) in enumerate(
            lines
        ):
            line_text = unicodedata.normalize("NFKC", str(line_text))
            line_words = _regroup(line_text, line_results)
            top, bottom = _y_extent(line_box, scale)
            line_left, line_right = _x_extent(line_box, scale)
            if not line_words:
                words.append(
                    Word(
                        line_text,
                        line_left + dx,
                        top + dy,
                        line_right - line_left,
                        bottom - top,
                        float(line_score),
                        line_no,
                        vertical=_is_vertical(line_box)
                        and len(_letters(line_text)) >= _VERTICAL_MIN_CHARS,
                    )
                )
                continue
            extents = [_x_extent(box, scale) for _, _, box in line_words]
            # Between two words, cut in the middle of the widest empty run of pixel
            # columns (the space): the recogniser's character positions are estimates,
            # the gap in the ink is not. Without a clean gap, cut halfway between the
            # estimates and let the caller pad.
            cuts = [
                _gap_cut(prepared, line_box, extents[k - 1][1], extents[k][0], scale)
                for k in range(1, len(line_words))
            ]
            for k, (text, score, _) in enumerate(line_words):
                left, right = extents[k]
                clean_left = clean_right = False
                reach_left = reach_right = None
                if k == 0:
                    left = line_left
                else:
                    left, clean_left, (reach_left, _) = cuts[k - 1]
                if k == len(line_words) - 1:
                    right = max(right, line_right)
                else:
                    right, clean_right, (_, reach_right) = cuts[k]
                # Height is the line's, where the word lies along it: the detector
                # covers ascenders and descenders.
                w_top, w_bottom = _y_extent_along(line_box, scale, left, right)
                words.append(
                    Word(
                        str(text),
                        left + dx,
                        w_top + dy,
                        max(1, right - left),
                        w_bottom - w_top,
                        float(score),
                        line_no,
                        clean_left,
                        clean_right,
                        line_start=k == 0,
                        line_end=k == len(line_words) - 1,
                        reach_left=None if reach_left is None else reach_left + dx,
                        reach_right=None if reach_right is None else reach_right + dx,
                    )
                )
        return words


_LOADED: dict[tuple[str, int], tuple[Any, Any]] = {}
"""The detector and recogniser loaded first in this process, per (runtime, threads)."""


def _load_models(engine: Any, key: tuple[str, int]) -> None:
    """Give ``engine`` (a RapidOCR) its detector and recogniser now, not on first
    use (``read_region`` adjusts the detector directly).

    Both variants run the same two models; only the detector's thresholds differ.
    The second engine of a process shares the first one's compiled models, with
    thresholds of its own: the runtime compiles them once, and holds them once.
    """
    loaded = _LOADED.get(key)
    if loaded is None:
        det, rec = engine._load_det_model(), engine._load_rec_model()
        _LOADED[key] = det, rec
    else:
        det, rec = (copy.copy(model) for model in loaded)
        det.postprocess_op = copy.copy(det.postprocess_op)
        for name in ("thresh", "box_thresh", "unclip_ratio"):
            setattr(det.postprocess_op, name, engine.cfg.Det[name])
        engine.text_det, engine.text_rec = det, rec
    det.get_preprocess = types.MethodType(_det_input, det)


def _det_input(det: Any) -> Any:
    """The detector's input preparation (its ``get_preprocess``), in float32."""
    return _det_input_class()(det.limit_side_len, det.limit_type, det.mean, det.std)


@functools.cache
def _det_input_class() -> type:
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class DetInput(DetPreProcess):  # type: ignore[misc]
        """RapidOCR's, made by OpenCV in one pass (subtract, scale, channels
        first): RapidOCR normalises in float64 with numpy, a tenth of a
        detection's time; this takes 2 ms instead of 7 for a 736-pixel square."""

        def __call__(self, img: np.ndarray) -> np.ndarray | None:
            resized = self.resize(img)
            if resized is None:
                return None
            params = cv2.dnn.Image2BlobParams()
            params.scalefactor = (*(self.scale / self.std).tolist(), 0.0)
            params.mean = (*(self.mean / self.scale).tolist(), 0.0)
            params.ddepth = cv2.CV_32F
            params.size = (resized.shape[1], resized.shape[0])
            return cv2.dnn.blobFromImageWithParams(resized, params)

    return DetInput


def _runtime_version(engine: RapidOcrEngine) -> str:
    """The runtime, its version and, for OpenVINO, the precision it chose."""
    if engine.runtime != "openvino":
        return f"onnxruntime {dist_version('onnxruntime')}"
    try:
        request = engine._engine.text_det.session.session
        precision = request.get_compiled_model().get_property(
            "INFERENCE_PRECISION_HINT"
        )
        return f"openvino {dist_version('openvino')}, {precision.get_type_name()}"
    except Exception:  # noqa: BLE001 - a version string, never worth a failure
        return f"openvino {dist_version('openvino')}"


def _merged(words: list[Word], found: list[Word]) -> list[Word]:
    """``words`` and those of a second reading ``found`` that they do not already
    cover, numbered as lines after theirs."""
    base = max((w.line for w in words), default=-1) + 1
    out = list(words)
    for w in found:
        if not w.overlaps(out):
            out.append(dataclasses.replace(w, line=w.line + base))
    return out


def _chroma(image: np.ndarray) -> np.ndarray | None:
    """Per pixel, the distance of its colour from grey (CIELAB a*b*, 8-bit scale);
    None for a grey image."""
    if image.ndim != 3 or (
        np.array_equal(image[..., 0], image[..., 1])
        and np.array_equal(image[..., 1], image[..., 2])
    ):
        return None
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)
    a = lab[..., 1].astype(np.float32) - 128
    b = lab[..., 2].astype(np.float32) - 128
    return np.sqrt(a * a + b * b)


def _colour_lines(
    coloured: np.ndarray, words: list[Word]
) -> list[tuple[int, int, int, int]]:
    """The regions (left, top, width, height) where the ``coloured`` pixels outside
    ``words`` form text-sized lines."""
    mask = coloured.astype(np.uint8)
    rows, cols = mask.shape
    for w in words:
        mask[max(0, w.top - 3) : w.bottom + 3, max(0, w.left - 3) : w.right + 3] = 0
    if not mask.any():
        return []
    # Letters of one line join; lines stay apart.
    reach = max(3, min(rows, cols) // 64)
    joined = cv2.dilate(mask, np.ones((3, 2 * reach + 1), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    regions = []
    for x, y, w, h, _ in stats[1:n].tolist():
        if not 6 <= h <= rows // 6 or w < h:
            continue  # specks, colour bars, colour-flow boxes: not a line of text
        inside = mask[y : y + h, x : x + w]
        if int(inside.sum()) < _CHROMA_MIN_PIXELS:
            continue
        # Letters are apart before the joining, or touch along a word's length
        # without a bar under them (bold text, "Brennan," in one piece). A
        # ruler's ticks hang on its bar; a patch of colour flow is not that long.
        if cv2.connectedComponents(inside)[0] - 1 < _CHROMA_MIN_GLYPHS and (
            w < _CHROMA_WORD * h or inside.mean(axis=1).max() >= _CHROMA_BAR
        ):
            continue
        pad = max(4, h // 2)
        left, top = max(0, x - pad), max(0, y - pad)
        regions.append(
            (left, top, min(cols, x + w + pad) - left, min(rows, y + h + pad) - top)
        )
    return regions


def _rec_width(ratio: float) -> int:
    """The padded width (at :data:`_REC_HEIGHT`) for a line of width/height ``ratio``."""
    width = ratio * _REC_HEIGHT
    for w in _REC_WIDTHS:
        if width <= w:
            return w
    return -(-int(np.ceil(width)) // 384) * 384


def _aligned(word_results: Any, n: int) -> list[Any]:
    """One entry per line (empty where RapidOCR gave none)."""
    out = list(word_results or ())[:n]
    return out + [()] * (n - len(out))


def _regroup(line_text: str, line_words: Any) -> list[tuple[str, float, Any]]:
    """Word boxes of a line, rebuilt from character boxes when RapidOCR gave those.

    A line it takes for Chinese (one full-width colon is enough) comes back one box
    per character: "D", "O", "B", ":", "1", ... Those are joined again along the
    spaces of the line's text, so "19630516" is matched as one word. Texts are
    NFKC-normalised (full-width "：" becomes ":").
    """
    words = [
        (unicodedata.normalize("NFKC", str(t)), float(sc), box)
        for t, sc, box in line_words
    ]
    tokens = line_text.split()
    if (
        len(words) < 2
        or any(len(t) != 1 for t, _, _ in words)
        or sum(len(t) for t in tokens) != len(words)
        or len(tokens) == len(words)
    ):
        return words
    out, k = [], 0
    for token in tokens:
        chars = words[k : k + len(token)]
        k += len(token)
        points = np.concatenate([np.asarray(b, dtype=float) for _, _, b in chars])
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        box = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        out.append((token, min(sc for _, sc, _ in chars), box))
    return out


def _gap_cut(
    prepared: np.ndarray, line_box: Any, a: int, b: int, scale: float
) -> tuple[int, bool, tuple[int | None, int | None]]:
    """Where to cut between words ending at ``a`` and starting at ``b`` (image x).

    Returns (x, clean, (after, before)): ``clean`` when x is the middle of an ink-free
    run of columns at least two pixels wide (the space between the words); then
    ``after`` is two pixels past the left word's ink and ``before`` two pixels short
    of the right word's (exclusive), the furthest a box of either word may reach,
    or x where the gap is narrower. Two, not one: a glyph's faintest anti-aliased
    column is below the ink threshold, and the box would touch it.
    """
    lo = int((min(a, b) - 3) * scale)
    hi = int(np.ceil((max(a, b) + 3) * scale))
    # The line's rows there (a sloping line's band takes in the lines around it).
    top, bottom = _y_extent_along(line_box, 1.0, lo, hi)
    ink = ink_columns(prepared, top, bottom, lo, hi)
    middle = (a + b) // 2
    if ink is None:
        return middle, False, (None, None)
    run = nearest_run(
        ink, max(0, lo), (a + b) / 2 * scale, min_run=max(2, int(2 * scale))
    )
    if run is None:
        return middle, False, (None, None)
    start, end = run
    gap = round((start + end) / 2)
    after = int(np.ceil(start / scale)) + _GAP_MARGIN
    before = int(np.floor(end / scale)) - _GAP_MARGIN
    x = round(gap / scale)
    return x, True, (min(after, x), max(before, x))


def _small_text(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Rows of small strokes (left, top, width, height): what stands out by
    :data:`_SMALL_CONTRAST` from a 15-pixel opening (bright text) or closing
    (dark text), joined along the row, :data:`_SMALL_HEIGHT` pixels high and
    at least 2.5 times as long, a quarter of it ink."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    join = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 1))
    low, high = _SMALL_HEIGHT
    out = []
    for op in (cv2.MORPH_TOPHAT, cv2.MORPH_BLACKHAT):
        mask = (cv2.morphologyEx(gray, op, kernel) > _SMALL_CONTRAST).astype(np.uint8)
        stats = cv2.connectedComponentsWithStats(cv2.dilate(mask, join), 8)[2]
        for x, y, w, h, area in stats[1:]:
            if low <= h <= high and w >= 2.5 * h and area >= 0.25 * w * h:
                out.append((int(x), int(y), int(w), int(h)))
    return out


def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)


def _union(
    a: tuple[int, int, int, int], b: tuple[int, int, int, int]
) -> tuple[int, int, int, int]:
    left, top = min(a[0], b[0]), min(a[1], b[1])
    right = max(a[0] + a[2], b[0] + b[2])
    bottom = max(a[1] + a[3], b[1] + b[3])
    return left, top, right - left, bottom - top


def _boxes_touch(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return (
        a[0] < b[0] + b[2]
        and b[0] < a[0] + a[2]
        and a[1] < b[1] + b[3]
        and b[1] < a[1] + a[3]
    )


def _tiles(shape: tuple[int, int]) -> list[tuple[int, int]]:
    """Top-left corners (x, y) of :data:`_TILE`-pixel tiles covering an image of
    ``shape`` (rows, cols), overlapping by :data:`_TILE_OVERLAP` at least; the
    last of a row or column is flush with the image's edge."""

    def starts(n: int) -> list[int]:
        if n <= _TILE:
            return [0]
        return [*range(0, n - _TILE, _TILE - _TILE_OVERLAP), n - _TILE]

    return [(x, y) for y in starts(shape[0]) for x in starts(shape[1])]


def _merged_tiles(found: list[tuple[np.ndarray, int]]) -> list[np.ndarray]:
    """The boxes of all tiles (box, tile number) as the boxes of one image.

    A line seen by two tiles comes back twice, or cut in two where a tile ends:
    boxes of different tiles that overlap by :data:`_TILE_SAME_LINE` of the
    smaller one are joined into the smallest rectangle around them, turned as
    they are. A scanned letter's lines slope: the rectangles square to the image
    around two of its lines overlap, the lines do not, and the rectangle square
    to the image around a sloping line takes in the lines above and below. Boxes
    of one tile stay apart, as the detector gave them, and so do boxes of unlike
    size, neither height nor width :data:`_TILE_LIKE_SIZE` of the other's (a line
    and a detection over anatomy). Sorted top to bottom, then left to right, as
    the detector sorts."""
    quads = [np.asarray(b, np.float32).reshape(-1, 2) for b, _ in found]
    areas = [max(float(cv2.contourArea(q)), 1.0) for q in quads]
    extents = [q.max(axis=0) - q.min(axis=0) for q in quads]

    def joined(i: int, j: int) -> bool:
        if found[i][1] == found[j][1]:
            return False
        # Pieces of one line share its height (or a vertical line's width); a
        # detection over a tile's anatomy does not: joined through the piece of
        # a name cut at its edge, it swallowed the name.
        low, high = (
            np.minimum(extents[i], extents[j]),
            np.maximum(extents[i], extents[j]),
        )
        if not (low >= _TILE_LIKE_SIZE * high).any():
            return False
        common, _ = cv2.intersectConvexConvex(quads[i], quads[j])
        return float(common) >= _TILE_SAME_LINE * min(areas[i], areas[j])

    out = []
    for members in connected_groups(range(len(found)), joined):
        if len(members) == 1:
            out.append(found[members[0]][0])
            continue
        points = np.concatenate([found[i][0] for i in members]).astype(np.float32)
        out.append(_upright_quad(cv2.boxPoints(cv2.minAreaRect(points))))
    return sorted(
        out, key=lambda b: (round(float(b[:, 1].min())), float(b[:, 0].min()))
    )


def _upright_quad(points: np.ndarray) -> np.ndarray:
    """The four corners of a rectangle in the detector's order: top left, top
    right, bottom right, bottom left (for a line near horizontal)."""
    points = np.round(points, 3)  # boxPoints' float noise ("699.9999")
    by_x = points[np.argsort(points[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], np.float32)


def _letters(text: str) -> str:
    return "".join(c for c in str(text) if c.isalnum())


def _is_vertical(box: Any) -> bool:
    """Whether RapidOCR turns this line's crop a quarter before reading it (as
    ``get_rotate_crop_image`` does: at least 1.5 times as high as wide)."""
    pts = np.asarray(box, dtype=float)
    width = max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3]))
    height = max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2]))
    return int(height) >= 1.5 * max(1, int(width))


def _x_extent(box: Any, scale: float) -> tuple[int, int]:
    xs = np.asarray(box, dtype=float)[:, 0] / scale
    return int(np.floor(xs.min())), int(np.ceil(xs.max()))


def _y_extent(box: Any, scale: float) -> tuple[int, int]:
    ys = np.asarray(box, dtype=float)[:, 1] / scale
    return int(np.floor(ys.min())), int(np.ceil(ys.max()))


def _y_extent_along(box: Any, scale: float, left: int, right: int) -> tuple[int, int]:
    """The rows a sloping line's box (a quadrilateral: top left, top right, bottom
    right, bottom left) covers between columns ``left`` and ``right``: a word at
    one end of a scanned letter's line, not the whole line's band, which takes
    in the lines above and below. A level box gives its own rows."""
    q = np.asarray(box, dtype=float) / scale
    top, bottom = _y_extent(box, scale)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = q
    if x1 - x0 < 1 or x2 - x3 < 1:
        return top, bottom

    def at(xa: float, ya: float, xb: float, yb: float, x: float) -> float:
        return ya + (yb - ya) * (min(max(x, xa), xb) - xa) / (xb - xa)

    upper = min(at(x0, y0, x1, y1, left), at(x0, y0, x1, y1, right))
    lower = max(at(x3, y3, x2, y2, left), at(x3, y3, x2, y2, right))
    return (
        max(top, int(np.floor(upper))),
        min(bottom, max(int(np.ceil(lower)), int(np.floor(upper)) + 1)),
    )
