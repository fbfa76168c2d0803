"""Settings of the redaction core: one frozen dataclass, validated once."""

from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Mapping
from typing import Any

from .errors import ConfigError

__all__ = [
    "DEFAULT_ENTITIES",
    "OCR_RUNTIMES",
    "FillMode",
    "Policy",
    "RedactionSettings",
]


class FillMode(str, enum.Enum):
    """How a PHI box is painted."""

    CONTRAST = "contrast"
    """The colour of the box's surroundings pushed away from the text colour (Presidio's default)."""
    BACKGROUND = "background"
    """The most common colour around the box (the image background)."""
    BLACK = "black"
    """The lowest displayable value (white on MONOCHROME1 stored values inverted)."""
    INPAINT = "inpaint"
    """OpenCV Telea inpainting of the text strokes from their surroundings."""


class Policy(str, enum.Enum):
    """What is painted."""

    PHI = "phi"
    """Text that is PHI (header values, NER, patterns) or cannot be read with confidence."""
    ALL_TEXT = "all-text"
    """Every text except allow-listed clinical annotations."""


DEFAULT_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "DATE_TIME",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "LOCATION",
    "US_SSN",
    "MEDICAL_LICENSE",
    "ID",
    "URL",
)


OCR_RUNTIMES: tuple[str, ...] = ("auto", "openvino", "onnxruntime")
"""How RapidOCR's models run: ``auto`` is OpenVINO when installed (in the CPU's
native precision, bfloat16 where it has it), else ONNX Runtime (float32)."""


@dataclasses.dataclass(frozen=True)
class RedactionSettings:
    """Every option of the core. Keys of ``from_mapping`` are the PascalCase names."""

    policy: Policy = Policy.PHI
    fill: FillMode = FillMode.BACKGROUND
    padding: int = 3
    ocr_backend: str = "rapidocr"
    ocr_runtime: str = "auto"
    verify: bool = True
    verify_backend: str = "rapidocr-verify"
    score_threshold: float = 0.35
    fuzzy_threshold: int = 85
    entities: tuple[str, ...] = DEFAULT_ENTITIES
    allow_list: tuple[str, ...] = ()
    anonymize_header: bool = True
    uid_key: str = ""
    uid_root: str = "2.25."
    log_detected_text: bool = False
    max_pixels: int = 400_000_000
    max_frames: int = 5000

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "policy", Policy(self.policy))
            object.__setattr__(self, "fill", FillMode(self.fill))
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        if self.ocr_runtime not in OCR_RUNTIMES:
            raise ConfigError(
                f"OcrRuntime must be one of {', '.join(OCR_RUNTIMES)},"
                f" got {self.ocr_runtime!r}"
            )
        if not 0 <= self.padding <= 64:
            raise ConfigError(f"Padding must be within 0..64, got {self.padding}")
        if not 0.0 <= self.score_threshold <= 1.0:
            raise ConfigError("ScoreThreshold must be within 0..1")
        if not 50 <= self.fuzzy_threshold <= 100:
            raise ConfigError("FuzzyThreshold must be within 50..100")
        if self.max_pixels <= 0 or self.max_frames <= 0:
            raise ConfigError("MaxPixels and MaxFrames must be positive")
        object.__setattr__(self, "entities", tuple(self.entities))
        object.__setattr__(self, "allow_list", tuple(self.allow_list))

    @property
    def effective_uid_key(self) -> bytes:
        """The UID remapping key: the setting, else ``REDACTION_UID_KEY`` from the environment.

        Never logged or printed. Without any key the remapping is still deterministic
        but only as secret as this source code: a warning-worthy setup, not an error.
        """
        key = self.uid_key or os.environ.get("REDACTION_UID_KEY", "")
        return key.encode("utf-8")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> RedactionSettings:
        """Build settings from the ``PixelRedaction`` section (PascalCase keys).

        Unknown keys raise :class:`ConfigError`.
        """
        by_key = {_pascal(f.name): f.name for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in mapping.items():
            if key not in by_key:
                raise ConfigError(
                    f"Unknown setting {key!r}; known: {', '.join(sorted(by_key))}"
                )
            kwargs[by_key[key]] = value
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ConfigError(str(exc)) from None

    def replace(self, **changes: Any) -> RedactionSettings:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


def _pascal(name: str) -> str:
    special = {
        "ocr_backend": "OcrBackend",
        "ocr_runtime": "OcrRuntime",
        "uid_key": "UidKey",
        "uid_root": "UidRoot",
    }
    return special.get(name) or "".join(p.capitalize() for p in name.split("_"))
