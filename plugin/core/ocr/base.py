"""The OCR contract and a lazy registry of backends.

A backend module exposes ``is_available() -> bool`` and ``create(threads) -> OcrEngine``.
Modules are named by dotted path so optional libraries load only when chosen.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol

import numpy as np

from ..errors import BackendUnavailableError, ConfigError
from ..model import Word

__all__ = [
    "BACKENDS",
    "REGION_LINES",
    "KnownLines",
    "OcrEngine",
    "available_backends",
    "create_engine",
]

REGION_LINES = 100_000
"""Lines read in one region of an image are numbered from a multiple of this, so
that the lines of different regions stay apart."""

KnownLines = Callable[[int, int, int, int], "list[Word] | None"]
"""Given a detected text line (left, top, width, height), the words already read
there by the caller, or ``None`` to have the line recognised."""


class OcrEngine(Protocol):
    """Reads words from one uint8 RGB image (rows, cols, 3)."""

    name: str
    version: str

    def read(
        self,
        image: np.ndarray,
        *,
        known: KnownLines | None = None,
        regions: list[tuple[int, int, int, int]] | None = None,
    ) -> list[Word]:
        """All words with their boxes; ``Word.line`` groups words of one text line.

        With ``known``, a line whose words the caller already has (the same text
        on another frame, or pixels a previous reading saw unchanged) is detected
        but not recognised again. A backend that cannot separate the two reads
        every line. With ``regions`` (left, top, width, height), text is looked
        for inside those only.
        """
        ...

    def detect(self, image: np.ndarray) -> list[tuple[int, int, int, int]]:
        """The text lines of ``image`` as (left, top, width, height)."""
        ...

    def read_region(
        self,
        image: np.ndarray,
        region: tuple[int, int, int, int],
        *,
        line_base: int = 0,
    ) -> list[Word]:
        """Words inside ``region`` (left, top, width, height), in image coordinates;
        ``line_base`` is added to their line numbers (keeps lines of regions apart)."""
        ...


BACKENDS: dict[str, str] = {
    "rapidocr": "plugin.core.ocr.rapid",
    "rapidocr-verify": "plugin.core.ocr.rapid",
    "tesseract": "plugin.core.ocr.tess",
}


def available_backends() -> list[str]:
    """Names of the backends whose libraries are installed here."""
    names = []
    for name, module in BACKENDS.items():
        try:
            if importlib.import_module(module).is_available():
                names.append(name)
        except ImportError:
            continue
    return names


def create_engine(name: str, *, threads: int = 0, runtime: str = "auto") -> OcrEngine:
    """Instantiate backend ``name`` (see :data:`BACKENDS`); ``runtime`` is how a
    backend running neural models runs them (see ``RedactionSettings.ocr_runtime``)."""
    if name not in BACKENDS:
        raise ConfigError(f"Unknown OCR backend {name!r}; known: {', '.join(BACKENDS)}")
    try:
        module = importlib.import_module(BACKENDS[name])
    except ImportError as exc:
        raise BackendUnavailableError(f"OCR backend {name!r}: {exc}") from None
    if not module.is_available():
        raise BackendUnavailableError(f"OCR backend {name!r} is not installed")
    engine: OcrEngine = module.create(name, threads=threads, runtime=runtime)
    return engine
