"""Text rasterising with exact per-character ink labels.

A :class:`Canvas` holds the image (frames x rows x cols, optionally x 3) as floats in
the units the scene chooses (stored values for grayscale, 0..255 for colour, palette
indices for PALETTE COLOR). Scenes paint their graphics directly into ``canvas.img``
and queue text with :meth:`Canvas.text`; :meth:`Canvas.finish` rasterises the text
last, one character at a time, so that label ``k`` is exactly the set of pixels that
character ``k``'s glyph, outline or shadow touched (coverage > 0).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import unicodedata
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

_DEJAVU = "/usr/share/fonts/truetype/dejavu"


def _mpl_dir() -> str:
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


# name -> (file, charset restriction or None)
_TTF = {
    "sans": (f"{_DEJAVU}/DejaVuSans.ttf", None),
    "sans-bold": (f"{_DEJAVU}/DejaVuSans-Bold.ttf", None),
    "sans-oblique": (f"{_DEJAVU}/DejaVuSans-Oblique.ttf", None),
    "cond": (f"{_DEJAVU}/DejaVuSansCondensed.ttf", None),
    "cond-bold": (f"{_DEJAVU}/DejaVuSansCondensed-Bold.ttf", None),
    "mono": (f"{_DEJAVU}/DejaVuSansMono.ttf", None),
    "mono-bold": (f"{_DEJAVU}/DejaVuSansMono-Bold.ttf", None),
    "serif": (f"{_DEJAVU}/DejaVuSerif.ttf", None),
    "serif-bold": (f"{_DEJAVU}/DejaVuSerif-Bold.ttf", None),
    "serif-cond": (f"{_DEJAVU}/DejaVuSerifCondensed.ttf", None),
    "times": ("mpl:STIXGeneral.ttf", None),
    "times-bold": ("mpl:STIXGeneralBol.ttf", None),
    "times-italic": ("mpl:STIXGeneralItalic.ttf", None),
    # TeX fonts: OT1 encoding, so no < > _ { } | and no accents
    "cmss": ("mpl:cmss10.ttf", "ascii-tex"),
    "cmtt": ("mpl:cmtt10.ttf", "ascii"),
    "cmr": ("mpl:cmr10.ttf", "ascii-tex"),
    "aileron": ("pil:default", None),
}
HERSHEY = {
    "hershey-simplex": cv2.FONT_HERSHEY_SIMPLEX,
    "hershey-plain": cv2.FONT_HERSHEY_PLAIN,
    "hershey-duplex": cv2.FONT_HERSHEY_DUPLEX,
    "hershey-complex-small": cv2.FONT_HERSHEY_COMPLEX_SMALL,
    "hershey-triplex": cv2.FONT_HERSHEY_TRIPLEX,
}
ALL_FONTS = [*_TTF, *HERSHEY, "bitmap"]
_FALLBACK = {"cmtt": "mono", "cmss": "sans", "cmr": "serif", "aileron": "sans"}
_BOLD = {
    "sans": "sans-bold",
    "cond": "cond-bold",
    "mono": "mono-bold",
    "serif": "serif-bold",
    "times": "times-bold",
    "cmr": "times-bold",
}


def ascii_fold(text: str) -> str:
    """Transliterate to ASCII the way many modalities do (Müller -> Mueller for
    German umlauts, accents dropped otherwise)."""
    table = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
    table.update({"ß": "ss", "ø": "o", "Ø": "O", "å": "a", "Å": "A", "ł": "l"})
    table.update(
        {"ı": "i", "µ": "u", "²": "2", "³": "3", "°": " deg", "±": "+/-", "·": "."}
    )
    text = "".join(table.get(c, c) for c in text)
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


@functools.cache
def _cmap(name: str) -> frozenset[int]:
    """Code points that a TrueType font really has glyphs for."""
    import io

    from fontTools.ttLib import TTFont

    path = _TTF[name][0]
    if path == "pil:default":
        data = io.BytesIO(ImageFont.load_default(size=12).font_bytes)
        return frozenset(TTFont(data).getBestCmap())
    if path.startswith("mpl:"):
        path = os.path.join(_mpl_dir(), path[4:])
    return frozenset(TTFont(path).getBestCmap())


def supports(name: str, text: str) -> bool:
    """Whether font ``name`` can draw every character of ``text``."""
    if name not in _TTF:  # Hershey and Pillow's bitmap font: ASCII only
        return text.isascii()
    rule = _TTF[name][1]
    if rule is not None:  # TeX fonts: OT1 glyphs behind ASCII code points
        if not text.isascii():
            return False
        return rule == "ascii" or not any(c in '<>_{}|\\"' for c in text)
    cmap = _cmap(name)
    return all(c.isspace() or ord(c) in cmap for c in text)


class Font:
    """One font at one pixel size, in one of three technologies."""

    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size
        self.kind = (
            "hershey" if name in HERSHEY else "bitmap" if name == "bitmap" else "ft"
        )
        if self.kind == "ft":
            path = _TTF[name][0]
            if path == "pil:default":
                self.pil: Any = ImageFont.load_default(size=size)
            else:
                if path.startswith("mpl:"):
                    path = os.path.join(_mpl_dir(), path[4:])
                self.pil = ImageFont.truetype(path, size)
            asc, desc = self.pil.getmetrics()
            self.ascent, self.height = asc, asc + desc
        elif self.kind == "bitmap":
            self.pil = ImageFont.load_default_imagefont()
            self.ascent, self.height = 9, 11
        else:
            self.face = HERSHEY[name]
            # cv2 scale so that a capital is about 0.72 * size tall
            (_, h), _ = cv2.getTextSize("H", self.face, 1.0, 1)
            self.scale = 0.72 * size / max(h, 1)
            (_, hh), base = cv2.getTextSize("Hg", self.face, self.scale, 1)
            self.ascent, self.height = hh + 1, hh + base + 2

    def advance(self, text: str, thick: int = 1, aliased: bool = False) -> float:
        if not text:
            return 0.0
        if self.kind == "hershey":
            return float(cv2.getTextSize(text, self.face, self.scale, thick)[0][0])
        if self.kind == "ft":
            return float(self.pil.getlength(text, mode="1" if aliased else "L"))
        return float(self.pil.getlength(text))

    def glyph(
        self, ch: str, aliased: bool, stroke: int, thick: int
    ) -> tuple[np.ndarray, int, int]:
        """Coverage (0..1) of one character and its offset from the pen position
        (pen = left of the advance box, top of the line)."""
        return _glyph(self.name, self.size, ch, aliased, stroke, thick)


@functools.lru_cache(maxsize=64)
def get_font(name: str, size: int) -> Font:
    return Font(name, size)


@functools.lru_cache(maxsize=8192)
def _glyph(name: str, size: int, ch: str, aliased: bool, stroke: int, thick: int):
    font = get_font(name, size)
    if font.kind == "hershey":
        (w, h), base = cv2.getTextSize(ch, font.face, font.scale, thick)
        pad = thick + 3
        m = np.zeros((h + base + 2 * pad, w + 2 * pad), np.uint8)
        line = cv2.LINE_8 if aliased else cv2.LINE_AA
        cv2.putText(m, ch, (pad, pad + h), font.face, font.scale, 255, thick, line)
        # the pen's top is ``ascent`` above the baseline
        return m.astype(np.float32) / 255.0, -pad, font.ascent - h - pad
    pil = font.pil
    if font.kind == "bitmap":
        l, t, r, b = pil.getbbox(ch)
        img = Image.new("L", (r - l + 4, b - t + 4), 0)
        ImageDraw.Draw(img).text((2 - l, 2 - t), ch, font=pil, fill=255)
        return np.asarray(img, np.float32) / 255.0, l - 2, t - 2
    l, t, r, b = pil.getbbox(ch, anchor="la", stroke_width=stroke)
    img = Image.new("L", (r - l + 4, b - t + 4), 0)
    draw = ImageDraw.Draw(img)
    if aliased:
        draw.fontmode = "1"
    draw.text(
        (2 - l, 2 - t),
        ch,
        font=pil,
        fill=255,
        anchor="la",
        stroke_width=stroke,
        stroke_fill=255,
    )
    return np.asarray(img, np.float32) / 255.0, l - 2, t - 2


@dataclasses.dataclass
class Style:
    """How a line of text looks."""

    font: str = "sans"
    size: int = 14
    color: Any = 255.0
    aliased: bool = False
    bold: int = 0  # fake bold: extra pixels smeared to the right
    thick: int = 1  # Hershey stroke thickness
    outline: Any = None  # colour of a 1 px outline (glyph dilated)
    shadow: Any = None  # colour of a drop shadow offset by (1, 1)
    box: Any = None  # colour of a box behind the line
    box_alpha: float = 0.6
    box_pad: int = 3
    opacity: float = 1.0

    def with_(self, **kw) -> Style:
        return dataclasses.replace(self, **kw)

    @property
    def f(self) -> Font:
        """The font used (the real bold face when bold asks for one)."""
        return get_font(
            _BOLD.get(self.font, self.font) if self.bold else self.font, self.size
        )


@dataclasses.dataclass
class Line:
    text: str
    x: int
    y: int
    style: Style
    phi: bool
    entity: str | None
    kind: str
    frames: list[int]
    chars: list[dict]  # {char, x (pen), mask, ox, oy}
    right: int = 0
    bottom: int = 0
    group_x: int = 0  # left of the whole group (title + name) for right-aligned names

    @property
    def width(self) -> int:
        return self.right - self.x


def sub_outside(
    ink: np.ndarray, y0: int, x0: int, ya: int, xa: int, y1: int, x1: int
) -> int:
    """Ink pixels of a mask placed at (y0, x0) that fall outside [ya:y1, xa:x1]."""
    inside = ink[ya - y0 : y1 - y0, xa - x0 : x1 - x0]
    return int(np.count_nonzero(ink)) - int(np.count_nonzero(inside))


def _dilate(m: np.ndarray, r: int) -> np.ndarray:
    k = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    return cv2.dilate(m, k)


class Canvas:
    """Image frames plus queued text with per-character labels."""

    def __init__(
        self, rows: int, cols: int, frames: int = 1, channels: int = 1, fill: Any = 0.0
    ) -> None:
        shape = (frames, rows, cols) + ((3,) if channels == 3 else ())
        self.img = np.empty(shape, np.float32)
        self.img[...] = fill
        self.rows, self.cols, self.nframes, self.channels = rows, cols, frames, channels
        self.lines: list[Line] = []
        self.overlaps = 0  # pixels where a character overwrote another line's label
        self.clipped = 0  # characters with ink outside the image
        self.overlap_with: set[tuple[str, str]] = set()
        self.clipped_lines: set[str] = set()

    # ------------------------------------------------------------------ layout
    @staticmethod
    def resolve(text: str, style: Style) -> tuple[str, Style]:
        """What is really drawn: unsupported characters folded to ASCII on stroke
        and bitmap fonts (as old consoles do) or another font; fake bold becomes
        the real bold face where there is one, and is dropped below 14 px."""
        if not supports(style.font, text):
            folded = ascii_fold(text)
            if supports(style.font, folded) and (
                style.font in HERSHEY or style.font == "bitmap"
            ):
                text = folded
            else:
                # another font, no taller than the one asked for (so line spacing
                # computed from the asked-for font still holds)
                height = style.f.height
                fb = style.with_(font=_FALLBACK.get(style.font, "sans"))
                while fb.size > 8 and fb.f.height > height:
                    fb = fb.with_(size=fb.size - 1)
                style = fb
        if style.bold:
            if style.font in _BOLD:
                style = style.with_(font=_BOLD[style.font], bold=0)
            elif style.size < 14 or style.font == "bitmap":
                style = style.with_(bold=0)
        return text, style

    def measure(self, text: str, style: Style) -> tuple[int, int]:
        text, style = self.resolve(text, style)
        f = style.f
        return round(f.advance(text, style.thick, style.aliased)) + style.bold, f.height

    def text(
        self,
        x: float,
        y: float,
        text: str,
        style: Style,
        *,
        phi: bool = False,
        entity: str | None = None,
        header: bool = False,
        frames: list[int] | None = None,
        align: str = "left",
    ) -> Line:
        """Queue one line; ``x, y`` is its top-left (``align`` right/center moves
        the anchor). Returns the line with its right/bottom for further layout."""
        text, style = self.resolve(text, style)
        font = style.f
        width, height = self.measure(text, style)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        x, y = round(x), round(y)
        chars = []
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            pen = x + round(font.advance(text[:i], style.thick, style.aliased))
            mask, ox, oy = font.glyph(ch, style.aliased, 0, style.thick)
            chars.append({"char": ch, "pen": pen, "mask": mask, "ox": ox, "oy": oy})
        kind = ("header" if header else "other") if phi else "annotation"
        line = Line(
            text=text,
            x=x,
            y=y,
            style=style,
            phi=phi,
            entity=entity if phi else None,
            kind=kind,
            frames=list(range(self.nframes)) if frames is None else sorted(frames),
            chars=chars,
            right=x + width,
            bottom=y + height,
            group_x=x,
        )
        self.lines.append(line)
        return line

    # ------------------------------------------------------------------ raster
    def _blend(
        self, frames: list[int], y0: int, x0: int, alpha: np.ndarray, color: Any
    ) -> None:
        h, w = alpha.shape
        y1, x1 = min(self.rows, y0 + h), min(self.cols, x0 + w)
        ya, xa = max(0, y0), max(0, x0)
        if y1 <= ya or x1 <= xa:
            return
        a = alpha[ya - y0 : y1 - y0, xa - x0 : x1 - x0]
        col = np.asarray(color, np.float32)
        for f in frames:
            region = self.img[f, ya:y1, xa:x1]
            if self.channels == 3:
                region += (col - region) * a[..., None]
            else:
                region += (col - region) * a

    def finish(self, draw_text: bool = True) -> tuple[np.ndarray, list[dict]]:
        """Rasterise the queued text. Returns (labels, truth lines). Without
        ``draw_text`` only the glyphs are left out (boxes behind lines stay), which
        makes a twin that differs from the real image exactly on the labels."""
        labels = np.zeros((self.nframes, self.rows, self.cols), np.uint16)
        # boxes first, so that no box ever covers a character; a box is background
        # (unlabelled) and is drawn even when the glyphs are not
        for ln in self.lines:
            st = ln.style
            if st.box is None:
                continue
            p = st.box_pad
            h, w = ln.bottom - ln.y + 2 * p, ln.right - ln.x + 2 * p
            alpha = np.full((h, w), st.box_alpha, np.float32)
            self._blend(ln.frames, ln.y - p, ln.x - p, alpha, st.box)
        out_lines = []
        k = 0
        rects = []
        owner: dict[int, str] = {}
        for line_id, ln in enumerate(self.lines):
            st = ln.style
            first_of_line = k + 1
            for c in ln.chars:
                k += 1
                owner[k] = ln.text
                fill = c["mask"]
                if st.bold:
                    fill = fill.copy()
                    for b in range(1, st.bold + 1):
                        fill[:, b:] = np.maximum(fill[:, b:], c["mask"][:, :-b])
                # pad the mask so that outline and shadow fit
                pad = 2
                fill = np.pad(fill, pad)
                x0 = c["pen"] + c["ox"] - pad
                y0 = ln.y + c["oy"] - pad
                union = fill.copy()
                layers = []
                if st.shadow is not None:
                    sh = np.zeros_like(fill)
                    sh[1:, 1:] = fill[:-1, :-1]
                    layers.append((sh, st.shadow))
                    union = np.maximum(union, sh)
                if st.outline is not None:
                    ol = _dilate(fill, 1)
                    layers.append((ol, st.outline))
                    union = np.maximum(union, ol)
                layers.append((fill, st.color))
                if draw_text:
                    for m, col in layers:
                        self._blend(ln.frames, y0, x0, m * st.opacity, col)
                ink = union > 0
                h, w = ink.shape
                y1, x1 = min(self.rows, y0 + h), min(self.cols, x0 + w)
                ya, xa = max(0, y0), max(0, x0)
                if y1 <= ya or x1 <= xa:
                    self.clipped += 1
                    self.clipped_lines.add(ln.text)
                    continue
                if sub_outside(ink, y0, x0, ya, xa, y1, x1):
                    self.clipped += 1
                    self.clipped_lines.add(ln.text)
                sub = ink[ya - y0 : y1 - y0, xa - x0 : x1 - x0]
                for f in ln.frames:
                    dst = labels[f, ya:y1, xa:x1]
                    hit = sub & (dst > 0) & (dst < first_of_line)
                    if hit.any():
                        self.overlaps += int(np.count_nonzero(hit))
                        self.overlap_with.add((owner[int(dst[hit][0])], ln.text))
                    dst[sub] = k
                rects.append((line_id, c["char"], k, ya, xa, y1, x1))
        # boxes from the final labels (a later character may overwrite a pixel)
        per_line: dict[int, list[dict]] = {}
        for line_id, ch, k, ya, xa, y1, x1 in rects:
            ln = self.lines[line_id]
            sub = labels[ln.frames[0], ya:y1, xa:x1] == k
            if not sub.any():
                continue
            ys, xs = np.nonzero(sub)
            box = [
                int(xa + xs.min()),
                int(ya + ys.min()),
                int(xs.max() - xs.min() + 1),
                int(ys.max() - ys.min() + 1),
            ]
            per_line.setdefault(line_id, []).append(
                {"label": k, "char": ch, "frames": list(ln.frames), "box": box}
            )
        for line_id, ln in enumerate(self.lines):
            chars = per_line.get(line_id, [])
            if not chars:
                continue
            l = min(c["box"][0] for c in chars)
            t = min(c["box"][1] for c in chars)
            r = max(c["box"][0] + c["box"][2] for c in chars)
            b = max(c["box"][1] + c["box"][3] for c in chars)
            out_lines.append(
                {
                    "text": ln.text,
                    "phi": ln.phi,
                    "entity_type": ln.entity,
                    "kind": ln.kind,
                    "frames": list(ln.frames),
                    "region": [l, t, r - l, b - t],
                    "chars": chars,
                }
            )
        return labels, out_lines


# ---------------------------------------------------------------------------
# graphics helpers used by scenes (all draw straight into canvas.img)


def smooth_noise(
    rng: np.random.Generator, rows: int, cols: int, cell: float
) -> np.ndarray:
    """Smooth random field in 0..1 (bicubic upscaling of a coarse grid)."""
    gh, gw = max(2, int(rows / cell) + 2), max(2, int(cols / cell) + 2)
    g = rng.random((gh, gw)).astype(np.float32)
    up = cv2.resize(g, (cols, rows), interpolation=cv2.INTER_CUBIC)
    return np.clip(up, 0, 1)


def fractal(
    rng: np.random.Generator, rows: int, cols: int, base: float, octaves: int = 4
) -> np.ndarray:
    acc = np.zeros((rows, cols), np.float32)
    amp, tot = 1.0, 0.0
    for o in range(octaves):
        acc += amp * smooth_noise(rng, rows, cols, max(2.0, base / 2**o))
        tot += amp
        amp *= 0.55
    return acc / tot


def ellipse_mask(
    rows: int, cols: int, cy: float, cx: float, ry: float, rx: float
) -> np.ndarray:
    yy, xx = np.ogrid[:rows, :cols]
    return ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1.0


def arrow(img2d: np.ndarray, p0, p1, value, thick: int = 2) -> None:
    cv2.arrowedLine(
        img2d,
        tuple(map(int, p0)),
        tuple(map(int, p1)),
        value,
        thick,
        cv2.LINE_AA,
        tipLength=0.25,
    )
