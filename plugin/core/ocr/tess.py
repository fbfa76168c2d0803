"""Tesseract backend (pytesseract over the Debian ``tesseract-ocr`` binary).

Sparse-text page segmentation (``--psm 11``): burned-in annotations are scattered
words, not paragraphs. Images are upscaled 2x because Tesseract reads glyphs under
~20 px poorly.
"""

from __future__ import annotations

import dataclasses
import shutil

import cv2
import numpy as np

from ..model import Word, bounds
from .base import REGION_LINES, KnownLines

__all__ = ["TesseractEngine", "create", "is_available"]

_SCALE = 2.0


def is_available() -> bool:
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return shutil.which("tesseract") is not None


def create(name: str, *, threads: int = 0, runtime: str = "auto") -> TesseractEngine:
    return TesseractEngine()


class TesseractEngine:
    name = "tesseract"

    def __init__(self) -> None:
        import pytesseract

        self._tess = pytesseract
        self.version = str(pytesseract.get_tesseract_version())

    def read(
        self,
        image: np.ndarray,
        *,
        known: KnownLines | None = None,
        regions: list[tuple[int, int, int, int]] | None = None,
    ) -> list[Word]:
        # Tesseract finds and reads lines in one step: ``known`` cannot save work.
        if regions is not None:
            words: list[Word] = []
            for k, region in enumerate(regions):
                words += self.read_region(
                    image, region, line_base=(k + 1) * REGION_LINES
                )
            return words
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        big = cv2.resize(
            gray, None, fx=_SCALE, fy=_SCALE, interpolation=cv2.INTER_CUBIC
        )
        data = self._tess.image_to_data(
            big, config="--psm 11", output_type=self._tess.Output.DICT
        )
        words = []
        for i, text in enumerate(data["text"]):
            text = (text or "").strip()
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            line = data["block_num"][i] * 1000 + data["line_num"][i]
            words.append(
                Word(
                    text,
                    int(data["left"][i] / _SCALE),
                    int(data["top"][i] / _SCALE),
                    int(np.ceil(data["width"][i] / _SCALE)),
                    int(np.ceil(data["height"][i] / _SCALE)),
                    conf / 100.0,
                    line,
                )
            )
        return words

    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """The text lines of ``image`` as (left, top, width, height): read, as
        Tesseract cannot find lines without reading them."""
        lines: dict[int, list[Word]] = {}
        for w in self.read(image):
            lines.setdefault(w.line, []).append(w)
        out = []
        for ws in lines.values():
            left, top, right, bottom = bounds(ws)
            out.append((left, top, right - left, bottom - top))
        return out

    def read_region(
        self,
        image: np.ndarray,
        region: tuple[int, int, int, int],
        *,
        line_base: int = 0,
    ) -> list[Word]:
        """Words inside ``region`` (left, top, width, height) of ``image``."""
        left, top, width, height = region
        crop = image[top : top + height, left : left + width]
        if crop.size == 0:
            return []
        return [
            dataclasses.replace(
                w, left=w.left + left, top=w.top + top, line=w.line + line_base
            )
            for w in self.read(np.ascontiguousarray(crop))
        ]
