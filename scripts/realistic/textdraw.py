"""Burn text into frames and keep exact per-character ground truth.

Each character is rasterised on its own (Pillow, anti-aliased or not) into its own
alpha mask, so the truth label of character k is exactly every pixel its rasteriser
touched (coverage > 0), outline and shadow included. A canvas holds float frames in
display units 0..1, grey (F, H, W) or colour (F, H, W, 3); scenes convert them to
stored values at the end, which keeps compositing linear for every bit depth.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_EXTRA = Path(__file__).resolve().parents[1] / "heldout/fonts/usr/share/fonts/truetype"

# Font key -> file. Liberation and FreeFont come with the repository's held-out
# fonts; if they are absent the key falls back to the DejaVu face of the same kind.
_FONT_FILES = {
    "sans": _DEJAVU / "DejaVuSans.ttf",
    "sans_bold": _DEJAVU / "DejaVuSans-Bold.ttf",
    "sans_cond": _DEJAVU / "DejaVuSansCondensed.ttf",
    "sans_cond_bold": _DEJAVU / "DejaVuSansCondensed-Bold.ttf",
    "mono": _DEJAVU / "DejaVuSansMono.ttf",
    "mono_bold": _DEJAVU / "DejaVuSansMono-Bold.ttf",
    "serif": _DEJAVU / "DejaVuSerif.ttf",
    "serif_bold": _DEJAVU / "DejaVuSerif-Bold.ttf",
    "arial": _EXTRA / "liberation2/LiberationSans-Regular.ttf",
    "arial_bold": _EXTRA / "liberation2/LiberationSans-Bold.ttf",
    "courier": _EXTRA / "liberation2/LiberationMono-Regular.ttf",
    "courier_bold": _EXTRA / "liberation2/LiberationMono-Bold.ttf",
    "times": _EXTRA / "liberation2/LiberationSerif-Regular.ttf",
    "times_bold": _EXTRA / "liberation2/LiberationSerif-Bold.ttf",
    "free_sans": _EXTRA / "freefont/FreeSans.ttf",
    "free_sans_bold": _EXTRA / "freefont/FreeSansBold.ttf",
    "free_mono": _EXTRA / "freefont/FreeMono.ttf",
    "free_mono_bold": _EXTRA / "freefont/FreeMonoBold.ttf",
    "free_serif": _EXTRA / "freefont/FreeSerif.ttf",
}


def bold(key: str) -> str:
    """The bold face of a font key (itself if it is bold or has none)."""
    if key.endswith("_bold"):
        return key
    table = {"free_serif": "times_bold", "sans_cond": "sans_cond_bold"}
    return table.get(key, key + "_bold" if key + "_bold" in _FONT_FILES else key)


def _fallback(key: str) -> Path:
    if "mono" in key or "courier" in key:
        return _FONT_FILES["mono_bold" if "bold" in key else "mono"]
    if "serif" in key or "times" in key:
        return _FONT_FILES["serif_bold" if "bold" in key else "serif"]
    return _FONT_FILES["sans_bold" if "bold" in key else "sans"]


@cache
def font(key: str, size: int) -> ImageFont.FreeTypeFont:
    path = _FONT_FILES[key]
    return ImageFont.truetype(str(path if path.is_file() else _fallback(key)), size)


Color = float | tuple[float, float, float]


@dataclass(frozen=True)
class Style:
    """How one line of text is burned in."""

    font: str = "sans"
    size: int = 14
    color: Color = 1.0
    aa: bool = True
    """False: Pillow fontmode "1", the hard-edged text many devices burn."""
    scale: int = 1
    """Nearest-neighbour upscale of each glyph: chunky bitmap-font look."""
    outline: int = 0
    shadow: int = 0
    edge: Color = 0.0
    """Colour of the outline or the drop shadow."""
    box: Color | None = None
    """Colour of a (semi-)opaque box behind the line; None for no box."""
    box_alpha: float = 0.7
    box_pad: int = 2

    def but(self, **changes: Any) -> Style:
        return dataclasses.replace(self, **changes)


class Seg(NamedTuple):
    """One truth line inside a printed row: a field label or a value."""

    text: str
    entity: str | None = None
    kind: str = "annotation"


def hdr(text: str, entity: str) -> Seg:
    """PHI that is also in the DICOM header."""
    return Seg(text, entity, "header")


def oth(text: str, entity: str) -> Seg:
    """PHI that is only in the pixels (a sonographer's name, a phone number)."""
    return Seg(text, entity, "other")


def ascent(style: Style) -> int:
    return font(style.font, style.size).getmetrics()[0] * style.scale


def line_height(style: Style) -> int:
    a, d = font(style.font, style.size).getmetrics()
    return (a + d) * style.scale


def text_width(text: str, style: Style) -> int:
    return round(font(style.font, style.size).getlength(text)) * style.scale


@lru_cache(maxsize=50000)
def _glyph(
    ch: str, key: str, size: int, aa: bool, outline: int, shadow: int, scale: int
) -> tuple[np.ndarray, np.ndarray, int, int] | None:
    """Fill and edge alpha of one character, and the offset of their top-left
    corner from the pen position (x at the origin, y on the baseline)."""
    f = font(key, size)
    left, top, right, bottom = f.getbbox(ch, anchor="ls")
    pad = outline + shadow + 2
    w, h = right - left + 2 * pad, bottom - top + 2 * pad
    ox, oy = pad - left, pad - top

    def render(stroke: int) -> np.ndarray:
        im = Image.new("L", (max(w, 1), max(h, 1)), 0)
        d = ImageDraw.Draw(im)
        d.fontmode = "L" if aa else "1"
        d.text(
            (ox, oy),
            ch,
            font=f,
            fill=255,
            anchor="ls",
            stroke_width=stroke,
            stroke_fill=255,
        )
        return np.asarray(im, np.float32) / 255.0

    fill = render(0)
    if outline:
        edge = render(outline)
    elif shadow:
        edge = np.zeros_like(fill)
        edge[shadow:, shadow:] = fill[:-shadow, :-shadow]
    else:
        edge = np.zeros_like(fill)
    ink = np.maximum(fill, edge) > 0
    if not ink.any():
        return None
    ys, xs = np.nonzero(ink)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    fill, edge = fill[y0:y1, x0:x1], edge[y0:y1, x0:x1]
    if scale > 1:
        fill = fill.repeat(scale, 0).repeat(scale, 1)
        edge = edge.repeat(scale, 0).repeat(scale, 1)
    return fill, edge, (x0 - ox) * scale, (y0 - oy) * scale


@dataclass
class _Char:
    label: int
    char: str
    x: int
    y: int
    fill: np.ndarray
    edge: np.ndarray


class Canvas:
    """Frames in display units plus the per-character truth of every text drawn.

    Parameters
    ----------
    image
        float32, (F, H, W) or (F, H, W, 3), values 0..1.
    draw_text
        False draws nothing but records the same truth: the text-free twin of a file,
        used to check that labels cover every pixel the text changed.
    keep_masks
        Keep each character's alpha so that ``rotate`` can move the truth with the page.
    """

    def __init__(
        self, image: np.ndarray, *, draw_text: bool = True, keep_masks: bool = False
    ) -> None:
        self.img = image.astype(np.float32)
        self.frames, self.h, self.w = image.shape[:3]
        self.colour = image.ndim == 4
        self.labels = np.zeros((self.frames, self.h, self.w), np.uint16)
        self.lines: list[dict[str, Any]] = []
        self.skipped = 0
        self.draw_text = draw_text
        self.keep_masks = keep_masks
        self._masks: dict[int, tuple[int, int, np.ndarray]] = {}
        self._next_label = 1

    # -- colours and plain graphics ------------------------------------------

    def col(self, c: Color) -> np.ndarray:
        """A colour as this canvas stores it (grey canvases take Rec. 601 luma)."""
        if isinstance(c, tuple):
            if self.colour:
                return np.array(c, np.float32)
            return np.float32(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])
        return np.array((c, c, c), np.float32) if self.colour else np.float32(c)

    def panel(
        self,
        x: int,
        y: int,
        w: int,
        h: int,
        c: Color,
        alpha: float = 1.0,
        frames: list[int] | None = None,
    ) -> bool:
        """A (semi-)opaque rectangle; skipped (False) where it would cover text
        already drawn, which would change that text's ink after the fact."""
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, self.w), min(y + h, self.h)
        frames = list(range(self.frames)) if frames is None else frames
        if x1 <= x0 or y1 <= y0:
            return False
        if any(self.labels[f, y0:y1, x0:x1].any() for f in frames):
            return False
        for f in frames:
            region = self.img[f, y0:y1, x0:x1]
            region[...] = region * (1 - alpha) + self.col(c) * alpha
        return True

    # -- text ----------------------------------------------------------------

    def _layout(self, x: int, y: int, text: str, style: Style) -> list[_Char]:
        """Characters of ``text`` with the top of the line at y, starting at x."""
        f = font(style.font, style.size)
        base = y + ascent(style)
        chars = []
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            g = _glyph(
                ch,
                style.font,
                style.size,
                style.aa,
                style.outline,
                style.shadow,
                style.scale,
            )
            if g is None:
                continue
            fill, edge, dx, dy = g
            pen = x + round(f.getlength(text[:i])) * style.scale
            chars.append(_Char(0, ch, pen + dx, base + dy, fill, edge))
        return chars

    def _fits(
        self,
        chars: list[_Char],
        frames: list[int],
        extra: tuple[int, int, int, int] | None,
    ) -> bool:
        rects = [(c.x, c.y, c.fill.shape[1], c.fill.shape[0]) for c in chars]
        if extra:
            rects.append(extra)
        for x, y, w, h in rects:
            if x < 0 or y < 0 or x + w > self.w or y + h > self.h:
                return False
            for f in frames:
                if self.labels[
                    f, max(y - 1, 0) : y + h + 1, max(x - 1, 0) : x + w + 1
                ].any():
                    return False
        return True

    def _burn(self, chars: list[_Char], style: Style, frames: list[int]) -> None:
        x0 = min(c.x for c in chars)
        y0 = min(c.y for c in chars)
        x1 = max(c.x + c.fill.shape[1] for c in chars)
        y1 = max(c.y + c.fill.shape[0] for c in chars)
        fill = np.zeros((y1 - y0, x1 - x0), np.float32)
        edge = np.zeros_like(fill)
        prio = np.zeros_like(fill)
        lab = np.zeros(fill.shape, np.uint16)
        for c in chars:
            h, w = c.fill.shape
            sl = np.s_[c.y - y0 : c.y - y0 + h, c.x - x0 : c.x - x0 + w]
            fill[sl] = np.maximum(fill[sl], c.fill)
            edge[sl] = np.maximum(edge[sl], c.edge)
            # A pixel two characters touch belongs to the one that inks it more,
            # its own glyph before a neighbour's outline.
            p = 2 * c.fill + c.edge
            win = p > prio[sl]
            prio[sl] = np.where(win, p, prio[sl])
            lab[sl] = np.where(win, c.label, lab[sl])
        a_fill = fill[..., None] if self.colour else fill
        a_edge = edge[..., None] if self.colour else edge
        for f in frames:
            if self.draw_text:
                region = self.img[f, y0:y1, x0:x1]
                if style.outline or style.shadow:
                    region[...] = region * (1 - a_edge) + self.col(style.edge) * a_edge
                region[...] = region * (1 - a_fill) + self.col(style.color) * a_fill
            region_lab = self.labels[f, y0:y1, x0:x1]
            region_lab[lab > 0] = lab[lab > 0]
        if self.keep_masks:
            for c in chars:
                self._masks[c.label] = (c.y, c.x, np.maximum(c.fill, c.edge))

    def write(
        self,
        x: int,
        y: int,
        seg: Seg | str,
        style: Style,
        *,
        frames: list[int] | None = None,
        align: str = "left",
    ) -> bool:
        """Burn one truth line with its layout box's top at y; x is its left edge,
        right edge or centre by ``align``. Returns False (drawing nothing) when the
        line would leave the image or touch text already drawn."""
        return self.row(x, y, [seg], style, frames=frames, align=align)

    def row(
        self,
        x: int,
        y: int,
        segs: list[Seg | str],
        style: Style,
        *,
        frames: list[int] | None = None,
        align: str = "left",
        sep: str = " ",
    ) -> bool:
        """Burn segments printed as one text row (joined by ``sep``); each segment
        is its own truth line. A style box covers the whole row."""
        segs = [s if isinstance(s, Seg) else Seg(s) for s in segs if s]
        frames = list(range(self.frames)) if frames is None else list(frames)
        full = sep.join(s.text for s in segs)
        width = text_width(full, style)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width // 2
        laid, pos = [], 0
        for s in segs:
            start = x + text_width(full[:pos], style)
            laid.append((s, self._layout(start, y, s.text, style)))
            pos += len(s.text) + len(sep)
        all_chars = [c for _, cs in laid for c in cs]
        if not all_chars:
            return False
        box = None
        if style.box is not None:
            p = style.box_pad
            box = (x - p, y - p, width + 2 * p, line_height(style) + 2 * p)
        if not self._fits(all_chars, frames, box):
            self.skipped += 1
            return False
        if box:
            self.panel(*box, c=style.box, alpha=style.box_alpha, frames=frames)
        for seg, chars in laid:
            if not chars:
                continue
            for c in chars:
                c.label = self._next_label
                self._next_label += 1
            self._burn(chars, style, frames)
            self._record(seg, chars, frames)
        return True

    def write_frames(
        self, x: int, y: int, texts: list[Seg], style: Style, *, align: str = "left"
    ) -> None:
        """A line whose text changes per frame (clock, frame counter): one truth
        line per distinct text, drawn on the frames that show it."""
        groups: dict[Seg, list[int]] = {}
        for f, seg in enumerate(texts):
            groups.setdefault(seg, []).append(f)
        for seg, frames in groups.items():
            self.write(x, y, seg, style, frames=frames, align=align)

    def _record(self, seg: Seg, chars: list[_Char], frames: list[int]) -> None:
        boxes = []
        for c in chars:
            ys, xs = np.nonzero(np.maximum(c.fill, c.edge) > 0)
            boxes.append(
                [
                    int(c.x + xs.min()),
                    int(c.y + ys.min()),
                    int(xs.max() - xs.min() + 1),
                    int(ys.max() - ys.min() + 1),
                ]
            )
        self.lines.append(
            {
                "id": len(self.lines),
                "text": seg.text,
                "phi": seg.entity is not None,
                "entity_type": seg.entity,
                "kind": seg.kind if seg.entity is not None else "annotation",
                "frames": frames,
                "region": _union(boxes),
                "chars": [
                    {"label": c.label, "char": c.char, "frames": frames, "box": b}
                    for c, b in zip(chars, boxes)
                ],
            }
        )

    # -- whole-page geometry -------------------------------------------------

    def rotate(self, degrees: float, dx: float, dy: float, border: Color) -> None:
        """Rotate and shift the whole page (a crooked scan). The image and each
        character's alpha go through the same bilinear warp, so a label is still
        every pixel the character's ink reaches."""
        if not self.keep_masks:
            raise ValueError("rotate needs keep_masks=True")
        m = cv2.getRotationMatrix2D((self.w / 2, self.h / 2), degrees, 1.0)
        m[:, 2] += (dx, dy)
        bval = self.col(border)
        bval = tuple(float(v) for v in np.atleast_1d(bval))
        for f in range(self.frames):
            self.img[f] = cv2.warpAffine(
                self.img[f],
                m,
                (self.w, self.h),
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=bval,
            )
        labels = np.zeros_like(self.labels)
        prio = np.zeros(labels.shape[1:], np.float32)
        new_box: dict[int, list[int]] = {}
        for k, (y, x, mask) in self._masks.items():
            h, w = mask.shape
            corners = (
                np.array(
                    [[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]],
                    np.float64,
                )
                @ m.T
            )
            u0, v0 = np.floor(corners.min(0)).astype(int) - 2
            u1, v1 = np.ceil(corners.max(0)).astype(int) + 2
            local = m.copy()
            local[:, 2] = m[:, :2] @ (x, y) + m[:, 2] - (u0, v0)
            warped = cv2.warpAffine(
                mask,
                local,
                (int(u1 - u0), int(v1 - v0)),
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=0,
            )
            # Clip to the page.
            cu0, cv0 = max(u0, 0), max(v0, 0)
            cu1, cv1 = min(u1, self.w), min(v1, self.h)
            if cu1 <= cu0 or cv1 <= cv0:
                continue
            warped = warped[cv0 - v0 : cv1 - v0, cu0 - u0 : cu1 - u0]
            sl = np.s_[cv0:cv1, cu0:cu1]
            win = warped > prio[sl]
            prio[sl] = np.where(win, warped, prio[sl])
            labels[0][sl] = np.where(win, k, labels[0][sl])
            ys, xs = np.nonzero(warped > 0)
            if len(ys):
                new_box[k] = [
                    int(cu0 + xs.min()),
                    int(cv0 + ys.min()),
                    int(xs.max() - xs.min() + 1),
                    int(ys.max() - ys.min() + 1),
                ]
        labels[1:] = labels[0]
        self.labels = labels
        for line in self.lines:
            line["chars"] = [c for c in line["chars"] if c["label"] in new_box]
            for c in line["chars"]:
                c["box"] = new_box[c["label"]]
            line["region"] = _union([c["box"] for c in line["chars"]])
        self.lines = [ln for ln in self.lines if ln["chars"]]


def _union(boxes: list[list[int]]) -> list[int]:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return [x0, y0, x1 - x0, y1 - y0]
