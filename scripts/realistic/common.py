"""What every scene returns, and small helpers the scenes share."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from fakeid import Case, date_as
from textdraw import Canvas, Style

WHITE = (1.0, 1.0, 1.0)
YELLOW = (1.0, 0.95, 0.35)
GREEN = (0.45, 1.0, 0.45)
CYAN = (0.45, 0.92, 1.0)
ORANGE = (1.0, 0.66, 0.22)
LIGHT_GREY = (0.82, 0.82, 0.82)


@dataclass
class Scene:
    """Inputs of one scene: the fake identity, seeded generators, the text switch."""

    case: Case
    rng: random.Random
    nrng: np.random.Generator
    draw_text: bool = True

    def canvas(self, image: np.ndarray, *, keep_masks: bool = False) -> Canvas:
        return Canvas(image, draw_text=self.draw_text, keep_masks=keep_masks)


@dataclass
class Shot:
    """One finished image, before it is encoded."""

    modality: str
    canvas: Canvas
    photometric: str = "MONOCHROME2"
    """As stored; colour is drawn as RGB and may be stored as YBR_FULL_422 (JPEG)."""
    bits_stored: int = 8
    signed: bool = False
    syntax: str = "explicit"
    """explicit, implicit, rle, jpegls, j2k or jpeg (baseline, 8-bit only)."""
    sop_class: str = "1.2.840.10008.5.1.4.1.1.7"
    attrs: dict[str, Any] = field(default_factory=dict)
    """Modality-specific header attributes, by DICOM keyword."""
    device: tuple[str, str] = ("Generic", "Imager")
    """Manufacturer and model name."""
    study: str = ""
    series: str = ""
    body_part: str = ""


def choose(rng: random.Random, weighted: dict[Any, float]) -> Any:
    keys = list(weighted)
    return rng.choices(keys, weights=[weighted[k] for k in keys])[0]


def date_formats(rng: random.Random) -> tuple[str, str]:
    """A device's date and time format, as one vendor setting."""
    return rng.choice(
        [
            ("%m/%d/%Y", "%I:%M:%S %p"),
            ("%d.%m.%Y", "%H:%M:%S"),
            ("%Y-%m-%d", "%H:%M:%S"),
            ("%d-%b-%Y", "%H:%M"),
            ("%d/%m/%Y", "%H:%M"),
            ("%Y/%m/%d", "%H:%M:%S"),
            ("%b %d %Y", "%I:%M %p"),
            ("%d %b %Y", "%H:%M:%S"),
            ("%m-%d-%Y", "%H:%M"),
            ("%Y%m%d", "%H%M%S"),
        ]
    )


def study_date(case: Case, fmt: str) -> str:
    return date_as(case.study, fmt)


def text_style(
    rng: random.Random,
    *,
    sizes: tuple[int, int],
    colors: list[Any],
    fonts: list[str],
    aa: float = 0.7,
    bitmap_scale: float = 0.0,
    outline: float = 0.0,
    shadow: float = 0.0,
) -> Style:
    """A random but coherent style: one device draws all its text alike.

    Hard-edged (non anti-aliased) text stays at sizes where its glyphs are still
    readable (>= 10 px, mono >= 11 px, no hairline FreeMono), as on real devices.
    """
    size = rng.randint(*sizes)
    face = rng.choice(fonts)
    smooth = rng.random() < aa
    scale = 1
    if rng.random() < bitmap_scale:
        # A small bitmap-like face pixel-doubled, as older scanners draw it.
        scale, size, smooth = 2, max(9, size // 2), False
    if not smooth:
        if face == "free_mono":
            face = "courier"
        size = max(
            size, 11 if face in ("mono", "courier", "mono_bold", "courier_bold") else 10
        )
    style = Style(
        font=face, size=size, color=rng.choice(colors), aa=smooth, scale=scale
    )
    r = rng.random()
    if r < outline:
        style = style.but(outline=1)
    elif r < outline + shadow:
        style = style.but(shadow=1)
    return style


def smooth_noise(
    nrng: np.random.Generator, shape: tuple[int, int], sigma: float
) -> np.ndarray:
    """Zero-mean, unit-variance Gaussian random field of correlation length ~sigma
    (textures, bias fields). Wide fields are made small and scaled up: blurring
    full size with a large sigma is slow."""
    f = max(1.0, sigma / 4)
    if f == 1:
        z = nrng.standard_normal(shape).astype(np.float32)
        z = cv2.GaussianBlur(z, (0, 0), sigma)
    else:
        small = (int(shape[0] / f) + 2, int(shape[1] / f) + 2)
        z = nrng.standard_normal(small).astype(np.float32)
        z = cv2.GaussianBlur(z, (0, 0), sigma / f)
        z = cv2.resize(z, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    return z / (z.std() + 1e-6)
