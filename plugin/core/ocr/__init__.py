"""OCR backends behind one small interface."""

from .base import BACKENDS, OcrEngine, available_backends, create_engine

__all__ = ["BACKENDS", "OcrEngine", "available_backends", "create_engine"]
