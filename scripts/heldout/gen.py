#!/usr/bin/env python3
"""Independent generator of synthetic DICOM images with burned-in text and
exact per-character ground truth ("alien" test set).

usage: gen.py OUT --n 60 --seed S

Every character is rendered on its own into an alpha mask; the image is the
composite of exactly these masks, and a pixel is "ink" of a character where
its (possibly affinely warped) alpha is >= 0.5.
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import sys

import numpy as np
import cv2
from PIL import Image, ImageDraw, ImageFont
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

cv2.setNumThreads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
FD = "/usr/share/fonts/truetype/dejavu/"
FL = os.path.join(HERE, "fonts/usr/share/fonts/truetype/liberation2/")
FF = os.path.join(HERE, "fonts/usr/share/fonts/truetype/freefont/")

FONTS = {
    "sans": [
        FD + "DejaVuSans.ttf",
        FL + "LiberationSans-Regular.ttf",
        FF + "FreeSans.ttf",
        FD + "DejaVuSansCondensed.ttf",
    ],
    "bold": [
        FD + "DejaVuSans-Bold.ttf",
        FL + "LiberationSans-Bold.ttf",
        FF + "FreeSansBold.ttf",
        FD + "DejaVuSansCondensed-Bold.ttf",
    ],
    "serif": [
        FL + "LiberationSerif-Regular.ttf",
        FF + "FreeSerif.ttf",
        FD + "DejaVuSerif.ttf",
    ],
    "serifbold": [
        FL + "LiberationSerif-Bold.ttf",
        FF + "FreeSerifBold.ttf",
        FD + "DejaVuSerif-Bold.ttf",
    ],
    "mono": [
        FL + "LiberationMono-Regular.ttf",
        FD + "DejaVuSansMono.ttf",
        FF + "FreeMonoBold.ttf",
    ],
    "monobold": [FL + "LiberationMono-Bold.ttf", FD + "DejaVuSansMono-Bold.ttf"],
}

# ----------------------------------------------------------------------------
# glyph rendering

_fc = {}


def get_font(path, size):
    k = (path, size)
    if k not in _fc:
        _fc[k] = ImageFont.truetype(path, size)
    return _fc[k]


_gc = {}


def glyph(path, size, ch, aa):
    """alpha patch of one character drawn with its anchor (left, baseline) at
    (0,0); returns (alpha float32, dx, dy) with dx,dy the patch's top-left
    offset from the anchor, or None if nothing is drawn."""
    k = (path, size, ch, aa)
    if k in _gc:
        return _gc[k]
    font = get_font(path, size)
    l, t, r, b = font.getbbox(ch, anchor="ls")
    pad = 3
    w = max(1, r - l) + 2 * pad
    h = max(1, b - t) + 2 * pad
    im = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(im)
    d.fontmode = "L" if aa else "1"
    d.text((pad - l, pad - t), ch, font=font, fill=255, anchor="ls")
    a = np.asarray(im, dtype=np.float32) / 255.0
    ys, xs = np.nonzero(a > 0)
    if len(ys) == 0:
        res = None
    else:
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        res = (
            np.ascontiguousarray(a[y0:y1, x0:x1]),
            int(l - pad + x0),
            int(t - pad + y0),
        )
    _gc[k] = res
    return res


NAMED = {
    "white": (1.0, 1.0, 1.0),
    "grey": (0.72, 0.72, 0.72),
    "lightgrey": (0.85, 0.85, 0.85),
    "faint": (0.36, 0.36, 0.36),
    "yellow": (1.0, 0.95, 0.25),
    "green": (0.35, 1.0, 0.35),
    "cyan": (0.35, 0.95, 1.0),
    "orange": (1.0, 0.66, 0.15),
    "black": (0.0, 0.0, 0.0),
    "red": (0.82, 0.12, 0.12),
    "blue": (0.12, 0.22, 0.62),
    "ink": (0.07, 0.07, 0.1),
    "darkgrey": (0.3, 0.3, 0.3),
    "dark": (0.0, 0.0, 0.0),
}


def lum(c):
    c = np.asarray(c, dtype=np.float32)
    if c.ndim and c.shape[-1] == 3:
        return 0.299 * c[..., 0] + 0.587 * c[..., 1] + 0.114 * c[..., 2]
    return c


class L:
    """one burned-in text line (a contiguous run of text)."""

    def __init__(
        self,
        text,
        phi=False,
        ent="NONE",
        kind="annotation",
        font=None,
        size=None,
        color=None,
        box=None,
        shadow=False,
        aa=None,
        frames=None,
        faint=False,
    ):
        self.text = text
        self.phi = phi
        self.ent = ent if phi or ent in ("AGE",) else ent
        self.kind = kind
        self.font = font
        self.size = size
        self.color = color
        self.box = box
        self.shadow = shadow
        self.aa = aa
        self.frames = frames
        self.faint = faint


def P(text, ent, kind, **kw):
    return L(text, phi=True, ent=ent, kind=kind, **kw)


def N(text, kind="annotation", **kw):
    return L(text, phi=False, ent="NONE", kind=kind, **kw)


class Canvas:
    def __init__(
        self,
        data,
        rgb,
        R,
        white=1.0,
        dark=0.0,
        family="sans",
        size=13,
        color="white",
        aa=True,
    ):
        self.d = data.astype(np.float32)
        self.rgb = rgb
        self.R = R
        self.F, self.H, self.W = self.d.shape[:3]
        self.white = white
        self.dark = dark
        self.font = R.choice(FONTS[family])
        self.family = family
        self.size = size
        self.color = color
        self.aa = aa
        self.min_text = None
        self.box_prob = 0.0
        self.dropped = []
        self.shadow_prob = 0.0
        self.occ = []
        self.lines = []
        self.recs = []
        self.nlab = 0

    # -- colours ------------------------------------------------------------
    def col(self, c):
        if isinstance(c, str):
            c = NAMED[c]
        if self.rgb:
            v = np.array(c, dtype=np.float32)
            return v
        v = float(lum(c))
        if v > 0.95 or (self.min_text is not None and v > 0.2):
            v = self.white
        elif v < 0.02:
            v = self.dark
        return np.float32(v)

    def disp(self, f, y0, y1, x0, x1):
        reg = np.clip(self.d[f, y0:y1, x0:x1], 0, 1)
        return lum(reg) if self.rgb else reg

    # -- layout -------------------------------------------------------------
    def prep(self, ln):
        path = ln.font or self.font
        size = ln.size or self.size
        frames = list(ln.frames) if ln.frames is not None else list(range(self.F))
        texts = {f: (ln.text(f) if callable(ln.text) else ln.text) for f in frames}
        aa = self.aa if ln.aa is None else ln.aa
        if aa:
            for t in set(texts.values()):
                for c in t:
                    if c.isalnum():
                        g = glyph(path, size, c, True)
                        if g is None or g[0].max() < 0.5:
                            aa = False
        font = get_font(path, size)
        lay = {}
        for track in range(0, 4):
            ok = True
            lay = {}
            for t in set(texts.values()):
                items = []
                for i, c in enumerate(t):
                    dx = int(round(font.getlength(t[:i]))) + track * i
                    g = glyph(path, size, c, aa) if c != " " else None
                    items.append((c, dx, g))
                lay[t] = items
                # ink overlap test inside the line
                gs = [(dx + g[1], g[2], g[0]) for c, dx, g in items if g is not None]
                if len(gs) > 1:
                    x0 = min(a for a, _, _ in gs)
                    y0 = min(b for _, b, _ in gs)
                    x1 = max(a + p.shape[1] for a, _, p in gs)
                    y1 = max(b + p.shape[0] for _, b, p in gs)
                    cnt = np.zeros((y1 - y0, x1 - x0), np.int16)
                    for a, b, p in gs:
                        cnt[
                            b - y0 : b - y0 + p.shape[0], a - x0 : a - x0 + p.shape[1]
                        ] += p >= 0.5
                    if cnt.max() > 1:
                        ok = False
            if ok:
                break
        width = 0
        for t, items in lay.items():
            for c, dx, g in items:
                if g is not None:
                    width = max(width, dx + g[1] + g[0].shape[1])
                else:
                    width = max(width, dx + int(round(font.getlength(c))))
        return dict(
            path=path,
            size=size,
            frames=frames,
            texts=texts,
            aa=aa,
            lay=lay,
            width=width,
            font=font,
        )

    def metrics(self, ln):
        font = get_font(ln.font or self.font, ln.size or self.size)
        a, d = font.getmetrics()
        return a, d

    def width(self, ln):
        return self.prep(ln)["width"]

    def put(self, ln, x, base, align="left"):
        ok = self._put(ln, x, base, align)
        if not ok:
            self.dropped.append(ln.text if isinstance(ln.text, str) else ln.text(0))
        return ok

    def _put(self, ln, x, base, align="left"):
        pr = self.prep(ln)
        w = pr["width"]
        if align == "right":
            x0 = x - w
        elif align == "center":
            x0 = x - w // 2
        else:
            x0 = x
        x0 = int(round(x0))
        base = int(round(base))
        fx0 = fy0 = 10**9
        fx1 = fy1 = -(10**9)
        for t, items in pr["lay"].items():
            for c, dx, g in items:
                if g is None:
                    continue
                px, py = x0 + dx + g[1], base + g[2]
                fx0, fy0 = min(fx0, px), min(fy0, py)
                fx1, fy1 = max(fx1, px + g[0].shape[1]), max(fy1, py + g[0].shape[0])
        if fx1 < 0:
            return False
        pad = 0
        box = ln.box
        shadow = ln.shadow
        if box:
            pad = 3
        if shadow:
            fx1 += 1
            fy1 += 1
        rect = (fx0 - pad, fy0 - pad, fx1 + pad, fy1 + pad)
        if rect[0] < 1 or rect[1] < 1 or rect[2] > self.W - 1 or rect[3] > self.H - 1:
            return False
        for o in self.occ:
            if not (
                rect[2] + 1 <= o[0]
                or o[2] + 1 <= rect[0]
                or rect[3] + 1 <= o[1]
                or o[3] + 1 <= rect[1]
            ):
                return False
        frames = pr["frames"]
        f0 = frames[0]
        color = ln.color or self.color
        need = 0.14 if (ln.faint or color == "faint") else 0.3
        # background statistics under the footprint (ink area)
        bg = self.disp(f0, fy0, fy1, fx0, fx1)
        bgm = float(bg.mean())
        cv = self.col(color)
        cl = float(np.clip(lum(cv), 0, 1))

        def bad(cl, bgm, bg):
            if abs(cl - bgm) < need:
                return True
            if cl > bgm and cl - float(np.percentile(bg, 95)) < 0.08:
                return True
            if cl < bgm and float(np.percentile(bg, 5)) - cl < 0.08:
                return True
            return False

        if bad(cl, bgm, bg):
            if not box and cl > 0.5:
                r2 = (fx0 - 3, fy0 - 3, fx1 + 3, fy1 + 3)
                ok = not (
                    r2[0] < 1 or r2[1] < 1 or r2[2] > self.W - 1 or r2[3] > self.H - 1
                )
                for o in self.occ:
                    if not (
                        r2[2] + 1 <= o[0]
                        or o[2] + 1 <= r2[0]
                        or r2[3] + 1 <= o[1]
                        or o[3] + 1 <= r2[1]
                    ):
                        ok = False
                if ok:
                    box = ("dark", 0.7)
                    bg = bg * 0.3
                    bgm = float(bg.mean())
                    rect = r2
            if bad(cl, bgm, bg):
                color = "white" if bgm < 0.5 else "black"
                cv = self.col(color)
        self.occ.append(rect)
        if box:
            bc, op = box
            bcv = self.col(bc) if isinstance(bc, str) else self.col(bc)
            for f in frames:
                reg = self.d[f, rect[1] : rect[3], rect[0] : rect[2]]
                reg *= 1 - op
                reg += op * bcv
        # shadow
        if shadow:
            sc = self.col("black")
            for f in frames:
                for c, dx, g in pr["lay"][pr["texts"][f]]:
                    if g is not None:
                        self._blend(f, g[0], x0 + dx + g[1] + 1, base + g[2] + 1, sc)
        keymap = {}
        chars = []
        for f in frames:
            t = pr["texts"][f]
            for c, dx, g in pr["lay"][t]:
                if g is None or c == " ":
                    continue
                px, py = x0 + dx + g[1], base + g[2]
                self._blend(f, g[0], px, py, cv)
                key = (c, px, py)
                if key not in keymap:
                    self.nlab += 1
                    keymap[key] = [self.nlab, c, []]
                    chars.append(keymap[key])
                keymap[key][2].append(f)
                self.recs.append((f, keymap[key][0], g[0], px, py))
        first_text = pr["texts"][f0]
        self.lines.append(
            dict(
                text=first_text,
                phi=bool(ln.phi),
                entity_type=ln.ent,
                kind=ln.kind,
                chars=chars,
            )
        )
        return True

    def _blend(self, f, a, px, py, col):
        h, w = a.shape
        x0, y0 = max(px, 0), max(py, 0)
        x1, y1 = min(px + w, self.W), min(py + h, self.H)
        if x1 <= x0 or y1 <= y0:
            return
        aa = a[y0 - py : y1 - py, x0 - px : x1 - px]
        reg = self.d[f, y0:y1, x0:x1]
        if self.rgb:
            reg *= 1 - aa[..., None]
            reg += aa[..., None] * col
        else:
            # composite in display space: background below the display floor is
            # lifted to it under the glyph (as a renderer drawing on the shown image)
            m = aa > 0
            reg[m] = np.maximum(reg[m], 0.0) * (1 - aa[m]) + aa[m] * col

    # -- stacked blocks -----------------------------------------------------
    def block(self, rows, corner, mx, my, gap=2, seg_gap=None):
        """rows: list of rows; a row is a list of L segments.
        corner: tl, tr, bl, br, tc, bc."""
        if not rows:
            return
        top = corner[0] == "t"
        seq = rows if top else list(reversed(rows))
        y = my if top else self.H - my
        for row in seq:
            if not row:
                continue
            for s in row:
                if s.box is None and self.box_prob and self.R.random() < self.box_prob:
                    s.box = ("dark", self.R.choice([0.5, 0.6, 0.75]))
                elif (
                    not s.shadow
                    and self.shadow_prob
                    and self.R.random() < self.shadow_prob
                ):
                    s.shadow = True
            mets = [self.metrics(s) for s in row]
            asc = max(m[0] for m in mets)
            desc = max(m[1] for m in mets)
            if any(s.box for s in row):
                asc += 3
                desc += 3
            if any(s.shadow for s in row):
                desc += 1
            base = y + asc if top else y - desc
            widths = [self.width(s) for s in row]
            sg = (
                seg_gap
                if seg_gap is not None
                else int(
                    get_font(
                        row[0].font or self.font, row[0].size or self.size
                    ).getlength("  ")
                )
                + 2
            )
            bx = 0
            if any(s.box for s in row):
                sg += 6
                bx = 4
            total = sum(widths) + sg * (len(row) - 1)
            if corner[1] == "l":
                x = mx + bx
            elif corner[1] == "r":
                x = self.W - mx - bx - total
            else:
                x = self.W // 2 - total // 2
            for s, w in zip(row, widths):
                self.put(s, x, base)
                x += w + sg
            y = y + asc + desc + gap if top else y - asc - desc - gap

    # -- finish -------------------------------------------------------------
    def finalize(self, M=None, border=1.0):
        F, H, W = self.F, self.H, self.W
        if M is not None:
            for f in range(F):
                bv = (border, border, border) if self.rgb else border
                self.d[f] = cv2.warpAffine(
                    self.d[f],
                    M,
                    (W, H),
                    flags=cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_CONSTANT,
                    borderValue=bv,
                )
        labels = np.zeros((F, H, W), np.uint16)
        best = np.zeros((F, H, W), np.float32)
        first = {}
        wcache = {}
        for f, lab, a, px, py in self.recs:
            if M is not None:
                k = (lab,)
                if k in wcache:
                    a, px, py = wcache[k]
                else:
                    a, px, py = warp_patch(a, px, py, M)
                    wcache[k] = (a, px, py)
            h, w = a.shape
            x0, y0 = max(px, 0), max(py, 0)
            x1, y1 = min(px + w, W), min(py + h, H)
            if x1 <= x0 or y1 <= y0:
                continue
            aa = a[y0 - py : y1 - py, x0 - px : x1 - px]
            lr = labels[f, y0:y1, x0:x1]
            br = best[f, y0:y1, x0:x1]
            sel = (aa >= 0.5) & (aa > br)
            lr[sel] = lab
            br[sel] = aa[sel]
            if lab not in first:
                first[lab] = (f, (x0, y0, x1, y1))
        out = []
        lid = 0
        for ln in self.lines:
            chars = []
            for lab, c, frames in ln["chars"]:
                if lab not in first:
                    continue
                f, (x0, y0, x1, y1) = first[lab]
                m = labels[f, y0:y1, x0:x1] == lab
                if not m.any():
                    continue
                ys, xs = np.nonzero(m)
                box = [
                    int(x0 + xs.min()),
                    int(y0 + ys.min()),
                    int(xs.max() - xs.min() + 1),
                    int(ys.max() - ys.min() + 1),
                ]
                chars.append(
                    dict(label=int(lab), char=c, frames=sorted(set(frames)), box=box)
                )
            if not chars:
                continue
            lx0 = min(c["box"][0] for c in chars)
            ly0 = min(c["box"][1] for c in chars)
            lx1 = max(c["box"][0] + c["box"][2] for c in chars)
            ly1 = max(c["box"][1] + c["box"][3] for c in chars)
            fr = sorted(set(x for c in chars for x in c["frames"]))
            out.append(
                dict(
                    id=lid,
                    text=ln["text"],
                    phi=ln["phi"],
                    entity_type=ln["entity_type"],
                    kind=ln["kind"],
                    frames=fr,
                    region=[lx0, ly0, lx1 - lx0, ly1 - ly0],
                    chars=chars,
                )
            )
            lid += 1
        # contrast diagnostics (display space)
        worst = []
        for ln in out:
            for c in ln["chars"]:
                f = c["frames"][0]
                x, y, w, h = c["box"]
                x0, y0, x1, y1 = (
                    max(x - 1, 0),
                    max(y - 1, 0),
                    min(x + w + 1, W),
                    min(y + h + 1, H),
                )
                dsp = self.disp(f, y0, y1, x0, x1)
                lb = labels[f, y0:y1, x0:x1]
                ink = lb == c["label"]
                oth = lb == 0
                if ink.any() and oth.any():
                    worst.append(abs(float(dsp[ink].mean()) - float(dsp[oth].mean())))
        self.min_contrast = min(worst) if worst else None
        self.low_contrast = sum(1 for v in worst if v < 0.08)
        return labels, out


def warp_patch(a, px, py, M):
    h, w = a.shape
    pts = np.array([[px, py], [px + w, py], [px, py + h], [px + w, py + h]], np.float64)
    q = pts @ M[:, :2].T + M[:, 2]
    ox = int(math.floor(q[:, 0].min())) - 1
    oy = int(math.floor(q[:, 1].min())) - 1
    ow = int(math.ceil(q[:, 0].max())) + 2 - ox
    oh = int(math.ceil(q[:, 1].max())) + 2 - oy
    Ml = M.copy().astype(np.float64)
    Ml[:, 2] = (
        M[:, :2] @ np.array([px, py], np.float64)
        + M[:, 2]
        - np.array([ox, oy], np.float64)
    )
    wa = cv2.warpAffine(
        a,
        Ml,
        (ow, oh),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return wa, ox, oy


# ----------------------------------------------------------------------------
# fake people

SURN = [
    "Doe",
    "Miller",
    "Garcia",
    "Nguyen",
    "Okafor",
    "O'Brien",
    "Kowalski",
    "Schmidt",
    "Tanaka",
    "Patel",
    "Johansson",
    "Rossi",
    "Dubois",
    "Hernandez",
    "Kim",
    "Novak",
    "Fischer",
    "Andersen",
    "Mbeki",
    "Haddad",
    "Larsen",
    "Silva",
    "Costa",
    "Wojcik",
    "Brennan",
    "Whitfield",
    "Abernathy",
    "McAllister",
    "Garcia-Lopez",
    "Van der Berg",
    "Lindqvist",
    "Papadopoulos",
    "Ivanova",
    "Chen",
    "Singh",
    "Reyes",
    "Walsh",
    "Thornton",
    "Blackwood",
    "Quinlan",
    "Yilmaz",
    "Nakamura",
    "Kaczmarek",
    "Hale",
    "Esposito",
    "Moreau",
    "Lindgren",
    "Castillo",
    "Harrington",
    "Zhou",
    "Adeyemi",
    "Ferreira",
    "Baptiste",
    "Sorensen",
    "Whitaker",
    "Delacroix",
    "Kraus",
    "Petrov",
    "Mancini",
    "Ostrowski",
    "Fitzgerald",
    "Shapiro",
    "Grant",
    "Duarte",
    "Lam",
]
FN_F = [
    "Jane",
    "Maria",
    "Aisha",
    "Elena",
    "Sofia",
    "Grace",
    "Hannah",
    "Mei",
    "Olga",
    "Priya",
    "Fatima",
    "Chloe",
    "Ingrid",
    "Lucia",
    "Nora",
    "Ruth",
    "Yuki",
    "Zainab",
    "Beatrice",
    "Catherine",
    "Dolores",
    "Eleanor",
    "Francesca",
    "Gwendolyn",
    "Ivy",
    "Jennifer",
    "Kathleen",
    "Linnea",
    "Margaret",
    "Naomi",
    "Rosalind",
    "Tamar",
]
FN_M = [
    "John",
    "Ahmed",
    "Carlos",
    "Dmitri",
    "Erik",
    "Felix",
    "George",
    "Hiroshi",
    "Ibrahim",
    "Jakub",
    "Kwame",
    "Liam",
    "Marco",
    "Nikolai",
    "Oscar",
    "Pierre",
    "Rafael",
    "Samuel",
    "Thomas",
    "Victor",
    "William",
    "Yusuf",
    "Bartholomew",
    "Cornelius",
    "Desmond",
    "Emmanuel",
    "Frederick",
    "Gustavo",
    "Horatio",
    "Leopold",
]
MIDDLE = ["Anne", "Marie", "Lee", "James", "Rose", "Paul", "Ray", "Lynn", "Joseph"]
INST = [
    "Northfield Medical Center",
    "St. Agnes Hospital",
    "Lakeside Imaging",
    "Riverside Regional Hospital",
    "Mercy General",
    "Westbrook Clinic",
    "Valley Health Radiology",
    "Harbor View Medical",
    "Pinecrest Community Hospital",
    "University Hospital Eastgate",
    "Saint Luke Diagnostic Center",
    "Bayview Children's",
    "Clinique des Tilleuls",
    "Meadowlands Imaging Group",
    "Greenfield Memorial",
]
STREETS = [
    "Elm St",
    "Maple Ave",
    "Oak Lane",
    "Harbor Rd",
    "Birch Court",
    "Pine Street",
    "Cedar Blvd",
    "Willow Way",
    "Lakeview Dr",
    "Main Street",
    "Hillcrest Ave",
]
CITIES = [
    ("Springfield", "IL", "62704"),
    ("Fairview", "OR", "97024"),
    ("Riverton", "WY", "82501"),
    ("Georgetown", "TX", "78626"),
    ("Salem", "MA", "01970"),
    ("Madison", "WI", "53703"),
    ("Clinton", "NY", "13323"),
    ("Franklin", "TN", "37064"),
    ("Ashland", "KY", "41101"),
]
MON = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]
MONTH = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
VENDORS = [
    "ACME Ultra 9",
    "Nordwave SX-70",
    "Helix Imaging H5",
    "Orion Medical 3000",
    "Sonora Vista",
    "Meridian CT 128",
    "Quanta MR 1.5",
    "Lumis DR-500",
    "Vertex Angio X",
    "Polaris Vision",
    "ACME Scope 4",
    "Kestrel Diagnostics",
]


class Pt:
    pass


def make_pt(R):
    p = Pt()
    p.sex = R.choice("FM")
    p.last = R.choice(SURN)
    p.first = R.choice(FN_F if p.sex == "F" else FN_M)
    p.middle = R.choice(MIDDLE) if R.random() < 0.15 else None
    upper = R.random() < 0.8
    parts = [p.last, p.first] + ([p.middle] if p.middle else [])
    p.dcm_parts = [x.upper() if upper else x for x in parts]
    p.dcm_name = "^".join(p.dcm_parts)
    y = R.randint(2016, 2025)
    p.study = dt.datetime(
        y,
        R.randint(1, 12),
        R.randint(1, 28),
        R.randint(7, 19),
        R.randint(0, 59),
        R.randint(0, 59),
    )
    age = R.choice(
        [R.randint(1, 17), R.randint(18, 89), R.randint(18, 89), R.randint(30, 80)]
    )
    dob = dt.date(p.study.year - age, R.randint(1, 12), R.randint(1, 28))
    p.dob = dob
    p.age = (
        p.study.year - dob.year - ((p.study.month, p.study.day) < (dob.month, dob.day))
    )
    r = R.random()
    if r < 0.5:
        p.pid = str(R.randint(10**7, 10**8 - 1))
    elif r < 0.7:
        p.pid = "%010d" % R.randint(10**5, 10**9)
    elif r < 0.85:
        p.pid = (
            R.choice("ABHKMX") + R.choice("ABCDKQZ") + str(R.randint(10**6, 10**7 - 1))
        )
    else:
        p.pid = (
            str(R.randint(100, 999))
            + "-"
            + str(R.randint(10, 99))
            + "-"
            + str(R.randint(1000, 9999))
        )
    r = R.random()
    if r < 0.5:
        p.acc = "A" + str(R.randint(10**6, 10**7 - 1))
    elif r < 0.8:
        p.acc = p.study.strftime("%Y%m%d") + str(R.randint(100, 999))
    else:
        p.acc = "RX" + str(R.randint(10**5, 10**6 - 1))
    p.inst = R.choice(INST)
    p.ref_last = R.choice(SURN)
    p.ref_first = R.choice(FN_F + FN_M)
    p.ref_dcm = f"{p.ref_last.upper()}^{p.ref_first.upper()}"
    p.sono = (R.choice(FN_F + FN_M), R.choice(SURN))
    p.tech = "".join(R.choice("ABCDEFGHJKLMNPRSTW") for _ in range(R.choice([2, 2, 3])))
    p.reader = R.choice(SURN)
    p.contact = (R.choice(FN_F + FN_M), R.choice(SURN))
    p.phone = phone(R)
    p.phone2 = phone(R)
    num = R.randint(2, 9800)
    city = R.choice(CITIES)
    p.street = f"{num} {R.choice(STREETS)}"
    p.city = f"{city[0]}, {city[1]} {city[2]}"
    p.email = (
        R.choice(
            [
                f"{p.first[0].lower()}{p.last.lower()}",
                f"{p.first.lower()}.{p.last.lower()}",
                f"{p.first.lower()}{R.randint(1, 99)}",
            ]
        )
        .replace("'", "")
        .replace(" ", "")
        + "@"
        + R.choice(["example.org", "mailbox.test", "example.com", "post.example.net"])
    )
    p.ssn = f"{R.randint(100, 899):03d}-{R.randint(10, 99)}-{R.randint(1000, 9999)}"
    p.uid_root = "2.25."
    return p


def phone(R):
    a, b, c = R.randint(201, 989), R.randint(200, 999), R.randint(0, 9999)
    return R.choice(
        [
            f"({a}) {b}-{c:04d}",
            f"{a}-{b}-{c:04d}",
            f"+1 {a} {b} {c:04d}",
            f"{a}.{b}.{c:04d}",
        ]
    )


def uid(R):
    return "2.25." + str(R.getrandbits(122) + 1)


def name_text(p, R, style=None):
    La, Fi, Mi = p.last, p.first, p.middle
    st = [
        lambda: f"{La.upper()}, {Fi.upper()}",
        lambda: f"{Fi} {La}",
        lambda: p.dcm_name,
        lambda: f"{Fi[0]}. {La}",
        lambda: f"{La} {Fi}",
        lambda: f"{La.upper()} {Fi.upper()}",
        lambda: f"{La}, {Fi}" + (f" {Mi[0]}." if Mi else ""),
    ]
    s = st[style if style is not None else R.randrange(len(st))]()
    lab = R.choice(
        ["Name: ", "Pt: ", "Patient: ", "PATIENT NAME: ", "", "", "", "Patient Name: "]
    )
    return lab + s


def fdate(d, st):
    if st == "iso":
        return d.strftime("%Y-%m-%d")
    if st == "dot":
        return d.strftime("%d.%m.%Y")
    if st == "us":
        return d.strftime("%m/%d/%Y")
    if st == "dmon":
        return f"{d.day:02d}-{MON[d.month - 1]}-{d.year}"
    if st == "DMON":
        return f"{d.day:02d}-{MON[d.month - 1].upper()}-{d.year}"
    if st == "compact":
        return d.strftime("%Y%m%d")
    if st == "long":
        return f"{d.day} {MONTH[d.month - 1]} {d.year}"
    if st == "short":
        return f"{d.day} {MON[d.month - 1]} {d.year}"
    if st == "us2":
        return d.strftime("%m/%d/%y")
    if st == "slash":
        return d.strftime("%Y/%m/%d")
    raise ValueError(st)


def dob_text(p, R):
    d = p.dob
    return R.choice(
        [
            f"DOB: {fdate(d, 'iso')}",
            f"Born {fdate(d, 'dot')}",
            fdate(d, "us"),
            fdate(d, "dmon"),
            fdate(d, "compact"),
            f"DOB {fdate(d, 'us')}",
            f"D.O.B. {fdate(d, 'dmon')}",
            f"Birth date: {fdate(d, 'short')}",
            f"DOB: {fdate(d, 'dot')}",
        ]
    )


def h12(t):
    h = t.hour % 12 or 12
    return f"{h}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def study_texts(p, R):
    """list of (text) lines for study date/time (1 or 2 lines)."""
    s = p.study
    hms = s.strftime("%H:%M:%S")
    c = R.randrange(8)
    if c == 0:
        return [f"{fdate(s, 'iso')} {hms}"]
    if c == 1:
        return [fdate(s, "long"), hms]
    if c == 2:
        return [f"{fdate(s, 'us2')} {h12(s)}"]
    if c == 3:
        return [f"{fdate(s, 'DMON')} {s.strftime('%H:%M')}"]
    if c == 4:
        return [f"{fdate(s, 'dot')} {hms}"]
    if c == 5:
        return [f"Study Date: {fdate(s, 'iso')}", f"Time: {hms}"]
    if c == 6:
        return [fdate(s, "slash"), s.strftime("%H:%M")]
    return [fdate(s, "short"), h12(s)]


def id_text(p, R):
    return R.choice(
        [
            f"ID: {p.pid}",
            f"MRN {p.pid}",
            f"PID: {p.pid}",
            f"Patient ID: {p.pid}",
            f"#{p.pid}",
            p.pid,
            f"MRN: {p.pid}",
        ]
    )


def acc_text(p, R):
    return R.choice(
        [
            f"Acc# {p.acc}",
            f"Accession: {p.acc}",
            f"ACC {p.acc}",
            f"Acc: {p.acc}",
            f"Acc.No {p.acc}",
        ]
    )


def ref_text(p, R):
    return R.choice(
        [
            f"Ref: Dr. {p.ref_last}",
            f"Dr. {p.ref_first[0]}. {p.ref_last}",
            f"Ref. Phys: {p.ref_last.upper()}, {p.ref_first.upper()}",
            f"Referring: Dr. {p.ref_first} {p.ref_last}",
            f"Ref Dr {p.ref_last.upper()}",
        ]
    )


def age_lines(p, R):
    out = []
    r = R.random()
    if r < 0.4:
        out.append(L(f"{p.age} Y", ent="AGE", kind="demographic"))
    elif r < 0.6:
        out.append(L(f"Age: {p.age}", ent="AGE", kind="demographic"))
    elif r < 0.75:
        out.append(L(f"{p.age:03d}Y", ent="AGE", kind="demographic"))
    elif r < 0.85:
        out.append(L(f"{p.age}y", ent="AGE", kind="demographic"))
    if R.random() < 0.75:
        out.append(
            L(R.choice([p.sex, p.sex, "Sex: " + p.sex]), ent="NONE", kind="demographic")
        )
    return out


def other_person(p, R, which=None):
    fi, la = p.sono
    w = which or R.choice(["sono", "tech", "read", "op"])
    if w == "sono":
        return P(
            R.choice(
                [
                    f"Sonographer: {fi[0]}. {la}",
                    f"Sono: {fi} {la}",
                    f"RDMS {fi[0]}{la[0]}",
                ]
            ),
            "PERSON",
            "other_person",
        )
    if w == "tech":
        return P(
            R.choice(
                [
                    f"Tech: {p.tech}",
                    f"Tech: {fi[0]}. {la}",
                    f"Op: {p.tech}",
                    f"RT {fi} {la[0]}.",
                ]
            ),
            "PERSON",
            "other_person",
        )
    if w == "read":
        return P(
            R.choice(
                [
                    f"Read by Dr. {p.reader}",
                    f"Radiologist: Dr. {p.reader}",
                    f"Reviewed: {p.reader.upper()}",
                ]
            ),
            "PERSON",
            "other_person",
        )
    return P(
        R.choice([f"Operator: {fi.lower()}{la[0].lower()}", f"User {la.upper()}"]),
        "PERSON",
        "other_person",
    )


def pick_family(R):
    return R.choices(["sans", "mono", "serif", "bold"], weights=[45, 25, 15, 15])[0]


def pick_size(R):
    return R.choices(
        [9, 10, 11, 12, 13, 14, 15, 16, 17], weights=[2, 4, 14, 18, 18, 16, 12, 6, 3]
    )[0]


# ----------------------------------------------------------------------------
# background helpers


def smooth(rs, H, W, scale, octaves=2):
    out = np.zeros((H, W), np.float32)
    amp = 1.0
    for o in range(octaves):
        s = max(2, int(scale / (2**o)))
        g = rs.standard_normal((H // s + 3, W // s + 3)).astype(np.float32)
        up = cv2.resize(
            g, ((W // s + 3) * s, (H // s + 3) * s), interpolation=cv2.INTER_CUBIC
        )
        out += amp * up[:H, :W]
        amp *= 0.5
    return out / max(1e-6, out.std())


def ellipse_mask(H, W, cx, cy, a, b, ang=0.0):
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    c, s = math.cos(ang), math.sin(ang)
    u = (xx - cx) * c + (yy - cy) * s
    v = -(xx - cx) * s + (yy - cy) * c
    return (u / a) ** 2 + (v / b) ** 2 <= 1.0


def ct_phantom(rs, R, H, W, region, pad_hu):
    hu = np.full((H, W), -1000.0, np.float32)
    cx, cy = W / 2 + R.uniform(-10, 10), H / 2 + R.uniform(-10, 25)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    if region == "head":
        a, b = R.uniform(0.30, 0.36) * W, R.uniform(0.36, 0.43) * H
        hu[ellipse_mask(H, W, cx, cy, a, b)] = 60
        hu[ellipse_mask(H, W, cx, cy, a - 3, b - 3)] = 1100
        hu[ellipse_mask(H, W, cx, cy, a - 12, b - 12)] = 8
        brain = ellipse_mask(H, W, cx, cy, a - 15, b - 15)
        hu[brain] = 36 + 4 * smooth(rs, H, W, 40)[brain]
        wm = ellipse_mask(H, W, cx, cy, a * 0.62, b * 0.66)
        hu[wm & brain] = 28
        for sx in (-1, 1):
            hu[
                ellipse_mask(
                    H,
                    W,
                    cx + sx * a * 0.13,
                    cy - b * 0.08,
                    a * 0.06,
                    b * 0.22,
                    sx * 0.25,
                )
            ] = 6
        hu[ellipse_mask(H, W, cx, cy + b * 0.55, a * 0.25, b * 0.12)] = 40
    else:
        a = R.uniform(0.36, 0.47) * W
        b = R.uniform(0.26, 0.36) * H
        body = ellipse_mask(H, W, cx, cy, a, b)
        hu[body] = -95
        inner = ellipse_mask(H, W, cx, cy, a - R.uniform(8, 22), b - R.uniform(8, 20))
        hu[inner] = 45
        if region == "chest":
            lungs = np.zeros((H, W), bool)
            for sx in (-1, 1):
                lung = ellipse_mask(
                    H, W, cx + sx * a * 0.45, cy - b * 0.05, a * 0.36, b * 0.72
                )
                hu[lung & inner] = -860
                lungs |= lung & inner
            heart = ellipse_mask(
                H, W, cx + a * 0.1, cy - b * 0.05, a * 0.28, b * 0.42, 0.4
            )
            hu[heart] = 40
            ves = smooth(rs, H, W, 6, 1) > 2.2
            m = lungs & ves
            hu[m] = -80
            hu[ellipse_mask(H, W, cx - a * 0.05, cy - b * 0.35, a * 0.07, b * 0.1)] = (
                180
            )
            # ribs
            for k in range(14):
                t = R.uniform(0, 2 * math.pi)
                rx, ry = cx + (a - 14) * math.cos(t), cy + (b - 12) * math.sin(t)
                hu[ellipse_mask(H, W, rx, ry, 5, 4)] = 700
        else:
            liv = ellipse_mask(
                H, W, cx - a * 0.42, cy - b * 0.12, a * 0.45, b * 0.62, 0.3
            )
            hu[liv & inner] = 62
            spl = ellipse_mask(
                H, W, cx + a * 0.55, cy - b * 0.2, a * 0.2, b * 0.35, -0.5
            )
            hu[spl & inner] = 52
            for sx in (-1, 1):
                k = ellipse_mask(
                    H, W, cx + sx * a * 0.3, cy + b * 0.35, a * 0.1, b * 0.2, sx * 0.5
                )
                hu[k] = 150 if R.random() < 0.5 else 32
            for k in range(R.randint(6, 14)):
                bx, by = cx + R.uniform(-0.5, 0.5) * a, cy + R.uniform(-0.3, 0.5) * b
                m = ellipse_mask(
                    H, W, bx, by, R.uniform(6, 18), R.uniform(5, 14), R.uniform(0, 3)
                )
                hu[m & inner] = R.choice([-800, 10, 25, 200])
            hu[ellipse_mask(H, W, cx + a * 0.05, cy + b * 0.3, 10, 10)] = R.choice(
                [45, 280]
            )
        # spine
        hu[ellipse_mask(H, W, cx, cy + b * 0.68, a * 0.11, b * 0.16)] = 900
        hu[ellipse_mask(H, W, cx, cy + b * 0.68, a * 0.085, b * 0.12)] = 250
        hu[ellipse_mask(H, W, cx, cy + b * 0.92, a * 0.03, b * 0.1)] = 700
        # table
        ty = int(cy + b + R.uniform(8, 20))
        if ty < H - 10:
            tm = (np.abs(yy - ty - 0.002 * (xx - cx) ** 2) < 3) & (
                np.abs(xx - cx) < a * 1.1
            )
            hu[tm] = 150
    hu = cv2.GaussianBlur(hu, (0, 0), 0.9)
    hu += rs.normal(
        0, R.uniform(3, 7) if region == "head" else R.uniform(8, 22), hu.shape
    ).astype(np.float32)
    fov = (xx - W / 2) ** 2 + (yy - H / 2) ** 2 > (min(H, W) / 2 - 1) ** 2
    hu[fov] = pad_hu
    return hu


def mr_phantom(rs, R, H, W, region):
    v = np.zeros((H, W), np.float32)
    cx, cy = W / 2 + R.uniform(-8, 8), H / 2 + R.uniform(-8, 8)
    if region == "brain":
        a, b = R.uniform(0.30, 0.37) * W, R.uniform(0.38, 0.44) * H
        v[ellipse_mask(H, W, cx, cy, a, b)] = 900
        v[ellipse_mask(H, W, cx, cy, a - 6, b - 6)] = 120
        v[ellipse_mask(H, W, cx, cy, a - 10, b - 10)] = 250
        br = ellipse_mask(H, W, cx, cy, a - 14, b - 14)
        n = smooth(rs, H, W, 14, 3)
        v[br] = 560
        wm = br & (ellipse_mask(H, W, cx, cy, a * 0.7, b * 0.75)) & (n > -0.6)
        v[wm] = 720
        for sx in (-1, 1):
            v[
                ellipse_mask(
                    H,
                    W,
                    cx + sx * a * 0.12,
                    cy - b * 0.05,
                    a * 0.07,
                    b * 0.25,
                    sx * 0.3,
                )
            ] = 200
    else:
        a, b = R.uniform(0.38, 0.46) * W, R.uniform(0.27, 0.34) * H
        v[ellipse_mask(H, W, cx, cy, a, b)] = 1000
        inner = ellipse_mask(H, W, cx, cy, a - 14, b - 12)
        v[inner] = 420
        v[
            ellipse_mask(H, W, cx - a * 0.4, cy - b * 0.1, a * 0.45, b * 0.6, 0.3)
            & inner
        ] = 520
        for sx in (-1, 1):
            v[
                ellipse_mask(H, W, cx + sx * a * 0.3, cy + b * 0.35, a * 0.1, b * 0.2)
            ] = 650
        v[ellipse_mask(H, W, cx, cy + b * 0.65, a * 0.1, b * 0.15)] = 300
    bias = 1 + 0.15 * smooth(rs, H, W, 120, 1)
    v = cv2.GaussianBlur(v, (0, 0), 1.0) * bias
    n1 = rs.normal(0, 18, v.shape)
    n2 = rs.normal(0, 18, v.shape)
    v = np.sqrt((v + n1) ** 2 + n2**2).astype(np.float32)
    return v


def vessel_tree(rs, R, H, W, cx, cy, rad):
    segs = []
    stack = []
    for k in range(R.randint(2, 3)):
        ang = R.uniform(0, 2 * math.pi)
        x, y = cx + rad * 0.8 * math.cos(ang), cy + rad * 0.8 * math.sin(ang)
        stack.append((x, y, ang + math.pi + R.uniform(-0.5, 0.5), R.uniform(5, 8), 0))
    while stack and len(segs) < 140:
        x, y, ang, th, dep = stack.pop()
        pts = [(x, y)]
        n = R.randint(8, 18)
        for i in range(n):
            ang += R.uniform(-0.35, 0.35)
            x += 9 * math.cos(ang)
            y += 9 * math.sin(ang)
            pts.append((x, y))
            if R.random() < 0.12 and dep < 4 and th > 1.6:
                stack.append(
                    (
                        x,
                        y,
                        ang + R.choice([-1, 1]) * R.uniform(0.4, 1.0),
                        th * 0.7,
                        dep + 1,
                    )
                )
        segs.append((pts, th))
        if th > 1.6 and dep < 4:
            stack.append((x, y, ang + R.uniform(-0.6, 0.6), th * 0.75, dep + 1))
    return segs


def capsule(img, p0, p1, r, val):
    cv2.line(
        img,
        (int(p0[0]), int(p0[1])),
        (int(p1[0]), int(p1[1])),
        float(val),
        int(r * 2),
        cv2.LINE_AA,
    )


# ----------------------------------------------------------------------------
# modality builders.  Each returns (canvas, info) with info holding pixel
# format details and extra DICOM attributes.


def color_for(
    R,
    rgb,
    choices_rgb=("white", "white", "yellow", "green", "cyan", "grey"),
    choices_gray=("white", "white", "white", "grey", "lightgrey"),
):
    return R.choice(choices_rgb if rgb else choices_gray)


def maybe_faint(R, ln, p=0.12):
    if R.random() < p:
        ln.color = "faint"
        ln.faint = True
    return ln


def patient_block(
    p,
    R,
    cv,
    name_frames=None,
    with_ref=True,
    with_acc=False,
    with_inst=True,
    big_name=False,
):
    rows = []
    nl = P(name_text(p, R), "PERSON", "header_name", frames=name_frames)
    if big_name or R.random() < 0.25:
        nl.font = R.choice(FONTS["bold"])
        nl.size = min(22, cv.size + R.randint(1, 5))
    rows.append([nl])
    idl = P(id_text(p, R), "ID", "header_id")
    dl = P(dob_text(p, R), "DATE_TIME", "header_dob")
    demo = age_lines(p, R)
    c = R.random()
    if c < 0.4:
        rows.append([idl])
        rows.append([dl] + demo)
    elif c < 0.7:
        rows.append([idl, dl])
        if demo:
            rows.append(demo)
    else:
        rows.append([dl] + demo)
        rows.append([idl])
    if with_acc:
        rows.append([maybe_faint(R, P(acc_text(p, R), "ID", "header_accession"))])
    if with_ref and R.random() < 0.6:
        rows.append([maybe_faint(R, P(ref_text(p, R), "PERSON", "header_referring"))])
    if with_inst and R.random() < 0.8:
        rows.insert(
            0 if R.random() < 0.5 else len(rows),
            [maybe_faint(R, P(p.inst, "ORGANIZATION", "header_institution"))],
        )
    return rows


def study_block(p, R, with_acc=True):
    rows = [[P(t, "DATE_TIME", "header_study_date")] for t in study_texts(p, R)]
    if with_acc and R.random() < 0.7:
        rows.append([P(acc_text(p, R), "ID", "header_accession")])
    return rows


def corners_shuffle(R, blocks):
    corners = ["tl", "tr", "bl", "br"]
    if R.random() < 0.6:
        order = corners
    else:
        order = corners[:]
        R.shuffle(order)
    return list(zip(order, blocks))


def build_ct(R, rs, p, info):
    H = W = 512
    signed = info["signed"]
    region = R.choice(["abd", "abd", "chest", "head", "abd"])
    wc, ww = {
        "abd": R.choice([(40, 400), (50, 350), (60, 360)]),
        "chest": R.choice([(-600, 1500), (40, 400), (-500, 1400)]),
        "head": R.choice([(40, 80), (35, 90), (40, 120)]),
    }[region]
    pad = -2000 if signed else -1024
    hu = ct_phantom(rs, R, H, W, region, pad)
    lo = wc - ww / 2
    d = (hu - lo) / ww
    if not signed:
        white_hu = R.choice([1500, 2000, 3071])
    elif info["bits_stored"] == 12:
        white_hu = R.choice([900, 1000, 1023])
    else:
        white_hu = R.choice([3500, 4000, 6000])
    white = (white_hu - lo) / ww
    dark = (-1000 - lo) / ww
    fam = pick_family(R)
    cv = Canvas(
        d[None],
        False,
        R,
        white=white,
        dark=dark,
        family=fam,
        size=pick_size(R),
        color=R.choice(["white", "white", "grey"]),
        aa=R.random() < 0.85,
    )
    if signed and info["bits_stored"] == 16:
        # 16 stored bits: keep every line at full strength so it is well above
        # the noise relative to the 65536-value range
        cv.min_text = white
    pb = patient_block(p, R, cv)
    sb = [
        [N(R.choice(["Meridian CT 128", "ACME CT Prime", "Helix CT 64"]), "vendor")]
    ] + study_block(p, R)
    kv = R.choice([80, 100, 120, 140])
    acq = [
        [N(f"kV {kv}", "settings"), N(f"mA {R.randint(80, 450)}", "settings")]
        if R.random() < 0.5
        else [N(f"{kv} kVp", "settings")],
        [N(f"mAs {R.randint(40, 400)}", "settings")],
        [N(f"{R.choice(['0.625', '1.25', '2.5', '3.0', '5.0'])} mm", "settings")],
        [N(f"FOV {R.choice([32, 36, 40, 45, 50])} cm", "settings")],
        [N(R.choice(["HFS", "FFS", "HFP"]), "settings")],
        [N(f"Tilt: {R.choice(['0.0', '-12.0', '5.0'])}", "settings")],
    ]
    R.shuffle(acq)
    acq = acq[: R.randint(3, 6)]
    nim = R.randint(40, 400)
    disp = [
        [N(f"W: {ww} L: {wc}" if R.random() < 0.6 else f"WW {ww} WL {wc}", "window")],
        [N(f"Se: {R.randint(1, 9)}", "series")],
        [N(f"Im: {R.randint(1, nim)}/{nim}", "series")],
    ]
    extra = [
        N(
            R.choice(
                [
                    "CONTRAST",
                    "ARTERIAL PHASE",
                    "PORTAL VENOUS",
                    "NON CONTRAST",
                    "DELAYED",
                ]
            ),
            "protocol",
        ),
        N(f"ZOOM {R.choice(['1.0', '1.2', '1.5', '2.0'])}", "settings"),
        N(R.choice(["ABDOMEN", "CHEST", "HEAD", "AXIAL", "STD"]), "protocol"),
    ]
    for e in extra:
        if R.random() < 0.5:
            disp.append([e])
    if R.random() < 0.3:
        disp.append([other_person(p, R, "tech")])
    disp += extra_phi(p, R, cv)
    cv.box_prob = R.choice([0, 0, 0.3, 0.8])
    cv.shadow_prob = R.choice([0, 0, 0.5])
    blocks = [pb, sb, acq, disp]
    mx, my = R.randint(3, 14), R.randint(3, 12)
    for corner, rows in corners_shuffle(R, blocks):
        cv.block(rows, corner, mx, my)
    orient(cv, R, ["A", "P", "R", "L"])
    cv.box_prob = 0
    measurement(cv, R, "HU")
    info.update(kind="ct", wc=wc, ww=ww, region=region)
    return cv


def measurement(cv, R, unit="HU", p=0.5):
    """a measurement annotation drawn over the anatomy (non-PHI)."""
    if R.random() > p:
        return
    for _ in range(8):
        x = R.randint(cv.W // 4, cv.W // 2)
        y = R.randint(cv.H // 3, 2 * cv.H // 3)
        if unit == "HU" and R.random() < 0.5:
            t = f"Mean: {R.randint(-20, 90)} HU  SD: {R.randint(5, 30)}"
        elif unit == "SI" and R.random() < 0.5:
            t = f"ROI {R.randint(1, 4)}: {R.randint(200, 900)}"
        else:
            t = f"{R.choice(['Dist', 'D1', 'L'])}: {R.uniform(4, 90):.1f} mm"
        ln = N(
            t,
            "measurement",
            color=R.choice(["white", "yellow", "green"]) if cv.rgb else "white",
            size=R.choice([11, 12, 13]),
        )
        if cv.put(ln, x, y):
            x1, y1 = x + R.randint(-60, 60), y + 8 + R.randint(10, 60)
            col = cv.col(ln.color) if cv.rgb else cv.white
            for f in range(cv.F):
                cv2.line(
                    cv.d[f],
                    (x + 4, y + 4),
                    (x1, y1),
                    col if not cv.rgb else tuple(float(v) for v in col),
                    1,
                )
            cv.occ.append((min(x, x1) - 2, y + 3, max(x + 4, x1) + 2, y1 + 2))
            return


def extra_phi(p, R, cv):
    out = []
    if R.random() < 0.3:
        out.append([other_person(p, R, "read")])
    if R.random() < 0.25:
        pd = p.study - dt.timedelta(days=R.randint(30, 900))
        out.append(
            [
                P(
                    f"{R.choice(['Prior:', 'Comp:', 'Prev'])} {fdate(pd, R.choice(['iso', 'us', 'dot']))}",
                    "DATE_TIME",
                    "other_date",
                )
            ]
        )
    return out


def orient(cv, R, letters, p=0.8):
    if R.random() > p:
        return
    sz = R.choice([12, 14, 16, 18])
    fnt = R.choice(FONTS["bold"] + FONTS["sans"])
    t, b, l, r = letters
    a, dsc = get_font(fnt, sz).getmetrics()
    cv.put(N(t, "orientation", font=fnt, size=sz), cv.W // 2, 6 + a, "center")
    cv.put(N(b, "orientation", font=fnt, size=sz), cv.W // 2, cv.H - 6 - dsc, "center")
    cv.put(N(l, "orientation", font=fnt, size=sz), 6, cv.H // 2 + a // 2)
    cv.put(
        N(r, "orientation", font=fnt, size=sz), cv.W - 6, cv.H // 2 + a // 2, "right"
    )


def build_mr(R, rs, p, info):
    H = W = 512
    region = R.choice(["brain", "brain", "body"])
    v = mr_phantom(rs, R, H, W, region)
    if info["bits_allocated"] == 8:
        wc, ww = 500, 1000
    else:
        ww = R.choice([1000, 1200, 1400, 1600])
        wc = ww // 2 + R.choice([0, 50, -50])
    lo = wc - ww / 2
    d = (v - lo) / ww
    white = (4095 - lo) / ww if info["bits_allocated"] == 16 else 1.0
    white = min(white, R.choice([white, 1.2, 1.5]))
    cv = Canvas(
        d[None],
        False,
        R,
        white=white,
        dark=(0 - lo) / ww,
        family=pick_family(R),
        size=pick_size(R),
        color=R.choice(["white", "white", "grey", "lightgrey"]),
        aa=R.random() < 0.85,
    )
    pb = patient_block(p, R, cv)
    sb = [
        [N(R.choice(["Quanta MR 1.5", "ACME MR 3T", "Orion Medical 3000"]), "vendor")]
    ] + study_block(p, R)
    seq = R.choice(
        ["T1 SE", "T2 TSE", "FLAIR", "DWI b1000", "T1 MPRAGE", "PD FS", "T2* GRE"]
    )
    acq = [
        [N(f"{seq} {R.choice(['AX', 'COR', 'SAG'])}", "protocol")],
        [
            N(f"TR {R.randint(400, 9000)}", "settings"),
            N(f"TE {R.randint(8, 120)}", "settings"),
        ],
        [N(f"SL {R.choice(['3.0', '4.0', '5.0'])} mm", "settings")],
        [N(f"FOV {R.choice([22, 24, 26, 30, 36])} cm", "settings")],
        [N(R.choice(["1.5T", "3.0T"]), "settings")],
        [N(f"ET {R.randint(1, 24)}", "settings")],
    ]
    R.shuffle(acq)
    acq = acq[: R.randint(3, 6)]
    nim = R.randint(12, 60)
    disp = [
        [N(f"W: {ww} L: {wc}", "window")],
        [N(f"Se: {R.randint(1, 12)}", "series")],
        [N(f"Im: {R.randint(1, nim)}/{nim}", "series")],
    ]
    if R.random() < 0.5:
        disp.append([N(f"ZOOM {R.choice(['1.0', '1.3', '1.5'])}", "settings")])
    if R.random() < 0.4:
        disp.append([N(R.choice(["CONTRAST", "POST GAD", "PRE"]), "protocol")])
    disp += extra_phi(p, R, cv)
    cv.box_prob = R.choice([0, 0, 0.3, 0.8])
    cv.shadow_prob = R.choice([0, 0, 0.5])
    mx, my = R.randint(3, 14), R.randint(3, 12)
    for corner, rows in corners_shuffle(R, [pb, sb, acq, disp]):
        cv.block(rows, corner, mx, my)
    measurement(cv, R, "SI")
    orient(
        cv,
        R,
        R.choice([["A", "P", "R", "L"], ["H", "F", "R", "L"], ["H", "F", "A", "P"]]),
    )
    info.update(kind="mr", wc=wc, ww=ww, region=region)
    return cv


def us_frames(rs, R, H, W, F, band_h):
    linear = R.random() < 0.25
    ax = W // 2 + R.randint(-40, 40)
    ay = band_h + R.randint(18, 32)
    depth = H - ay - R.randint(20, 40)
    half = math.radians(R.uniform(30, 40))
    r0 = R.uniform(8, 30)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    rr = np.hypot(xx - ax, yy - ay)
    th = np.arctan2(xx - ax, yy - ay)
    if linear:
        wl = R.randint(int(W * 0.45), int(W * 0.6))
        mask = (np.abs(xx - ax) <= wl / 2) & (yy >= ay) & (yy <= ay + depth)
        dn = np.clip((yy - ay) / depth, 0, 1)
    else:
        mask = (rr >= r0) & (rr <= depth) & (np.abs(th) <= half)
        dn = np.clip(rr / depth, 0, 1)
    big = 40
    tissue = 0.65 + 0.25 * smooth(rs, H + big, W, 30, 3)
    tissue = np.clip(tissue, 0.08, 2)
    # structures
    for k in range(R.randint(1, 3)):
        cx, cy = ax + R.uniform(-0.3, 0.3) * W * 0.5, ay + R.uniform(0.3, 0.8) * depth
        m = ellipse_mask(
            H + big, W, cx, cy, R.uniform(15, 50), R.uniform(10, 35), R.uniform(0, 3)
        )
        tissue[m] = 0.04
    for k in range(R.randint(1, 2)):
        cy = int(ay + R.uniform(0.4, 0.9) * depth)
        cv2.ellipse(
            tissue,
            (int(ax + R.uniform(-60, 60)), cy),
            (int(R.uniform(150, 300)), int(R.uniform(30, 80))),
            0,
            200,
            340,
            2.2,
            R.randint(2, 4),
        )
    att = np.exp(-dn * R.uniform(0.4, 1.0))
    out = []
    re = im = None
    shift = 0
    for f in range(F):
        nr = rs.standard_normal((H, W)).astype(np.float32)
        ni = rs.standard_normal((H, W)).astype(np.float32)
        if re is None:
            re, im = nr, ni
        else:
            rho = 0.6
            re = rho * re + math.sqrt(1 - rho**2) * nr
            im = rho * im + math.sqrt(1 - rho**2) * ni
        br = cv2.GaussianBlur(re, (0, 0), sigmaX=1.4, sigmaY=0.7)
        bi = cv2.GaussianBlur(im, (0, 0), sigmaX=1.4, sigmaY=0.7)
        env = np.sqrt(br * br + bi * bi)
        env /= env.mean() + 1e-6
        shift = int(round(4 * math.sin(2 * math.pi * f / max(F, 2))))
        t = tissue[big // 2 + shift : big // 2 + shift + H]
        img = env * t * att
        img = np.log1p(6 * img) / np.log1p(6 * 3.0)
        img = np.clip(img * R.uniform(0.85, 1.05), 0, 1) * mask
        out.append(img.astype(np.float32))
    return np.stack(out), dict(
        linear=linear, ax=ax, ay=ay, depth=depth, half=half, mask=mask
    )


def build_us(R, rs, p, info, popup=False):
    rgb = info["photometric"] == "RGB"
    H, W, F = info["rows"], info["cols"], info["frames"]
    size = pick_size(R)
    fam = pick_family(R)
    fnt = R.choice(FONTS[fam])
    a, dsc = get_font(fnt, size).getmetrics()
    band_h = 2 * (a + dsc) + R.randint(8, 16)
    g, geo = us_frames(rs, R, H, W, F, band_h)
    if rgb:
        data = np.repeat(g[..., None], 3, axis=3)
        tint = np.array(
            R.choice([(1, 1, 1), (1.0, 0.97, 0.9), (0.95, 0.97, 1.0)]), np.float32
        )
        data *= tint
    else:
        data = g
    cv = Canvas(
        data,
        rgb,
        R,
        family=fam,
        size=size,
        color=color_for(R, rgb),
        aa=R.random() < 0.8,
    )
    cv.font = fnt
    bandc = R.choice(
        [(0.1, 0.12, 0.2), (0.15, 0.15, 0.15), (0.0, 0.0, 0.0), (0.05, 0.1, 0.15)]
    )
    for f in range(F):
        if rgb:
            cv.d[f, :band_h] = bandc
            cv.d[f, band_h - 2 : band_h] = (0.35, 0.4, 0.5)
        else:
            cv.d[f, :band_h] = lum(bandc)
            cv.d[f, band_h - 2 : band_h] = 0.4
    # colour doppler box
    mode = R.choice(["2D", "2D", "CFM", "PW", "THI", "B"])
    ax, ay, depth = geo["ax"], geo["ay"], geo["depth"]
    if rgb and mode in ("CFM", "PW"):
        bx0, by0 = int(ax + R.uniform(-80, 0)), int(ay + depth * R.uniform(0.2, 0.4))
        bw, bh = R.randint(80, 140), R.randint(60, 110)
        for f in range(F):
            n = smooth(rs, bh, bw, 10, 2)
            reg = cv.d[f, by0 : by0 + bh, bx0 : bx0 + bw]
            m = geo["mask"][by0 : by0 + bh, bx0 : bx0 + bw]
            red = (n > 0.9) & m
            blue = (n < -0.9) & m
            reg[red] = np.stack(
                [
                    0.6 + 0.3 * np.clip(n[red] - 0.9, 0, 1),
                    0.12 + 0 * n[red],
                    0.05 + 0 * n[red],
                ],
                -1,
            )
            reg[blue] = np.stack(
                [
                    0.05 + 0 * n[blue],
                    0.3 + 0 * n[blue],
                    0.6 + 0.3 * np.clip(-n[blue] - 0.9, 0, 1),
                ],
                -1,
            )
            cv2.rectangle(cv.d[f], (bx0, by0), (bx0 + bw, by0 + bh), (0.7, 0.7, 0.7), 1)
    # gray bar + depth ticks
    dcm = R.choice([4, 6, 8, 10, 12, 14, 16, 18, 20])
    tick_x = int(
        min(
            W - 40,
            ax
            + (depth * math.sin(geo["half"]) if not geo["linear"] else W * 0.3)
            + R.randint(14, 30),
        )
    )
    bar = R.choice([(6, band_h + 8), (W - 16, band_h + 8)])
    for f in range(F):
        for k in range(0, dcm + 1):
            y = int(ay + depth * k / dcm)
            ln = 6 if k % 5 == 0 else 3
            col = (0.75, 0.75, 0.75) if rgb else 0.75
            cv2.line(cv.d[f], (tick_x, y), (tick_x + ln, y), col, 1)
        gx, gy = bar
        for k in range(64):
            v = k / 63
            cv.d[f, gy + 2 * k : gy + 2 * k + 2, gx : gx + 8] = (
                v if not rgb else (v, v, v)
            )
    # header band
    popf = list(range(3, F)) if popup else None
    nl = P(name_text(p, R), "PERSON", "header_name", frames=popf)
    idl = P(id_text(p, R), "ID", "header_id")
    dl = P(dob_text(p, R), "DATE_TIME", "header_dob")
    demo = age_lines(p, R)
    mx = R.randint(4, 10)
    top_y = R.randint(3, 6)
    cv.block([[nl, idl], [dl] + demo], "tl", mx, top_y)
    st = study_texts(p, R)
    right_rows = [[maybe_faint(R, P(p.inst, "ORGANIZATION", "header_institution"))]]
    if F > 1 and R.random() < 0.6:
        t0 = p.study
        step = R.choice([1, 1, 2])
        right_rows.append(
            [
                P(
                    fdate(t0, R.choice(["iso", "us", "dot"])),
                    "DATE_TIME",
                    "header_study_date",
                ),
                P(
                    lambda f, t0=t0, step=step: (
                        t0 + dt.timedelta(seconds=f // step)
                    ).strftime("%H:%M:%S"),
                    "DATE_TIME",
                    "clock",
                    font=R.choice(FONTS["mono"]),
                ),
            ]
        )
    else:
        right_rows.append([P(" ".join(st), "DATE_TIME", "header_study_date")])
    cv.block(right_rows, "tr", mx, top_y)
    # below band: probe, preset, safety indices
    probe = (
        "L12-5" if geo["linear"] else R.choice(["C5-1", "C5-2", "C9-2", "P4-2", "C6-1"])
    )
    preset = R.choice(
        ["ABD", "Abdomen", "OB", "Renal", "Thyroid", "Vasc", "Liver", "Pelvis"]
    )
    y1 = band_h + 4
    cv.block([[N(probe, "probe"), N(preset, "preset")]], "tl", mx, y1)
    cv.block(
        [
            [
                N(f"MI {R.choice(['0.8', '1.0', '1.1', '1.3'])}", "settings"),
                N(f"TIS {R.choice(['0.2', '0.4', '0.6'])}", "settings"),
            ]
        ],
        "tr",
        mx + 4,
        y1,
    )
    # settings panel
    sc_ = color_for(
        R,
        rgb,
        ("white", "green", "cyan", "grey", "yellow", "faint"),
        ("white", "grey", "faint", "lightgrey"),
    )
    sett = [
        [N(mode, "mode")],
        [N(f"Gain {R.randint(30, 80)}%", "settings")],
        [N(f"DR {R.choice([55, 60, 66, 72])}", "settings")],
        [N(f"FR {R.randint(12, 45)} Hz", "settings")],
        [N(f"Depth {dcm} cm", "settings")],
    ]
    if mode == "CFM":
        sett.append([N(f"PRF {R.choice(['1.5', '2.0', '3.5'])} kHz", "settings")])
    if R.random() < 0.4:
        sett.append([N(R.choice(["Res", "Pen", "Gen", "Harm"]), "settings")])
    for r_ in sett:
        r_[0].color = sc_
    cv.block(
        sett,
        "tl",
        mx + (18 if bar[0] < 20 else 0),
        y1 + 26 + R.randint(0, 30),
        gap=R.randint(2, 6),
    )
    # view label over anatomy
    view = R.choice(
        [
            "LIVER SAG",
            "TRV",
            "SAG",
            "RT KIDNEY",
            "LT KIDNEY",
            "GB",
            "THYROID RT",
            "LIVER",
            "AORTA",
            "CBD",
        ]
    )
    vx = int(ax + R.uniform(-0.35, -0.1) * W * 0.5)
    vy = int(ay + depth * R.uniform(0.7, 0.85))
    cv.put(
        N(view, "view", color=R.choice(["white", "yellow"] if rgb else ["white"])),
        vx,
        vy,
    )
    # bottom rows
    bl = []
    if R.random() < 0.75:
        bl.append([other_person(p, R, "sono")])
    if R.random() < 0.5:
        bl.append([maybe_faint(R, P(ref_text(p, R), "PERSON", "header_referring"))])
    if R.random() < 0.3:
        bl.append(
            [P(R.choice(["Tel ", "Ext: ", "Ph "]) + p.phone2, "PHONE_NUMBER", "phone")]
        )
    if R.random() < 0.25 and preset == "OB":
        bl.append(
            [
                P(
                    f"LMP {fdate(p.study - dt.timedelta(days=R.randint(40, 250)), 'us')}",
                    "DATE_TIME",
                    "other_date",
                )
            ]
        )
    cv.block(bl, "bl", mx, R.randint(4, 10))
    br = [[N(R.choice(VENDORS[:5] + ["ACME Ultra 9"]), "vendor")]]
    if R.random() < 0.6:
        br.insert(0, [P(acc_text(p, R), "ID", "header_accession")])
    if F > 1:
        ft = R.choice([0.033, 0.04, 0.05, 0.1])
        cnt = R.choice(["Fr", "fr", ""])
        br.append(
            [
                N(
                    lambda f, F=F, cnt=cnt: (
                        f"{cnt} {f + 1}/{F}" if cnt else f"{f + 1}/{F}"
                    ),
                    "frame_counter",
                    font=R.choice(FONTS["mono"]),
                ),
                N(
                    lambda f, ft=ft: "%02d:%05.2f" % (int(f * ft) // 60, (f * ft) % 60),
                    "elapsed",
                    font=R.choice(FONTS["mono"]),
                ),
            ]
        )
        info["frame_time"] = ft * 1000
    elif R.random() < 0.5:
        br.append([N("1/1", "frame_counter")])
    cv.block(br, "br", mx, R.randint(4, 10))
    # depth scale numbers
    fsz = R.choice([10, 11, 12])
    for k in range(0, dcm + 1, 5 if dcm > 6 else 2):
        y = ay + depth * k / dcm
        ln = N(str(k), "scale", size=fsz, color="grey" if R.random() < 0.5 else None)
        a2, _ = cv.metrics(ln)
        cv.put(ln, tick_x - 3, y + a2 // 2 - 1, "right")
    info.update(kind="us")
    return cv


def build_xa(R, rs, p, info, popup=False):
    H, W, F = info["rows"], info["cols"], info["frames"]
    cx, cy, rad = (
        W / 2 + R.uniform(-6, 6),
        H / 2 + R.uniform(-6, 6),
        min(H, W) * R.uniform(0.44, 0.49),
    )
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    disc = ((xx - cx) ** 2 + (yy - cy) ** 2) <= rad**2
    vign = 1 - 0.35 * (((xx - cx) ** 2 + (yy - cy) ** 2) / rad**2)
    base = (0.55 + 0.06 * smooth(rs, H, W, 80, 2)) * vign
    segs = vessel_tree(rs, R, H, W, cx, cy, rad)
    frames = []
    for f in range(F):
        vm = np.zeros((H, W), np.float32)
        dx = 3 * math.sin(2 * math.pi * f / F)
        dy = 2 * math.cos(2 * math.pi * f / F)
        for pts, th in segs:
            q = np.array([[x + dx, y + dy] for x, y in pts], np.int32)
            cv2.polylines(vm, [q], False, 1.0, max(1, int(round(th))), cv2.LINE_AA)
        vm = cv2.GaussianBlur(vm, (0, 0), 1.0)
        fill = min(1.0, 0.25 + 0.9 * f / max(1, F - 1)) if F > 1 else 0.9
        img = base * (1 - 0.6 * fill * np.clip(vm, 0, 1))
        img = img + rs.normal(0, 0.035, (H, W)).astype(np.float32)
        img = np.where(disc, img, 0.0).astype(np.float32)
        frames.append(img)
    cv = Canvas(
        np.stack(frames),
        False,
        R,
        family=pick_family(R),
        size=pick_size(R),
        color=R.choice(["white", "white", "lightgrey"]),
        aa=R.random() < 0.8,
    )
    popf = list(range(3, F)) if popup else None
    pb = [
        [P(name_text(p, R), "PERSON", "header_name", frames=popf)],
        [P(id_text(p, R), "ID", "header_id")],
        [P(dob_text(p, R), "DATE_TIME", "header_dob")] + age_lines(p, R)[:1],
    ]
    if R.random() < 0.5:
        pb.append([maybe_faint(R, P(ref_text(p, R), "PERSON", "header_referring"))])
    sb = [
        [maybe_faint(R, P(p.inst, "ORGANIZATION", "header_institution"))],
        [
            P(
                fdate(p.study, R.choice(["iso", "us", "dot", "DMON"])),
                "DATE_TIME",
                "header_study_date",
            )
        ],
    ]
    ft = R.choice([1 / 15, 1 / 7.5, 1 / 30, 0.2])
    if F > 1 and R.random() < 0.7:
        t0 = p.study
        step = R.choice([1, 2])
        sb.append(
            [
                P(
                    lambda f, t0=t0, step=step: (
                        t0 + dt.timedelta(seconds=f // step)
                    ).strftime("%H:%M:%S"),
                    "DATE_TIME",
                    "clock",
                    font=R.choice(FONTS["mono"]),
                )
            ]
        )
    else:
        sb.append([P(p.study.strftime("%H:%M:%S"), "DATE_TIME", "header_study_date")])
    lao = R.choice(["LAO", "RAO"])
    cra = R.choice(["CRA", "CAU"])
    acq = [
        [
            N(
                f"{lao} {R.randint(0, 45)}\u00b0 {cra} {R.randint(0, 35)}\u00b0",
                "geometry",
            )
        ],
        [
            N(f"kV {R.randint(65, 100)}", "settings"),
            N(f"mA {R.randint(300, 900)}", "settings"),
        ],
        [N(f"{round(1 / ft):d} fps", "settings")],
        [
            N(
                R.choice(
                    [
                        f"ZOOM {R.choice(['1.0', '1.5', '2.0'])}",
                        f"FOV {R.choice([17, 20, 22, 25])} cm",
                    ]
                ),
                "settings",
            )
        ],
    ]
    if R.random() < 0.4:
        acq.append([N(R.choice(["LCA", "RCA", "LAD", "DSA", "FLUORO"]), "view")])
    br = [[N(R.choice(["Vertex Angio X", "ACME Cath 2", "Polaris Vision"]), "vendor")]]
    if F > 1:
        br.append(
            [
                N(
                    lambda f, F=F: f"Fr {f + 1}/{F}",
                    "frame_counter",
                    font=R.choice(FONTS["mono"]),
                )
            ]
        )
        br.append(
            [
                N(
                    lambda f, ft=ft: "%02d:%05.2f" % (int(f * ft) // 60, (f * ft) % 60),
                    "elapsed",
                    font=R.choice(FONTS["mono"]),
                )
            ]
        )
    if R.random() < 0.4:
        br.append([other_person(p, R, "op")])
    info["frame_time"] = ft * 1000
    cv.box_prob = R.choice([0, 0, 0.5])
    mx, my = R.randint(4, 14), R.randint(4, 12)
    for corner, rows in corners_shuffle(R, [pb, sb, acq, br]):
        cv.block(rows, corner, mx, my)
    info.update(kind="xa")
    return cv


def build_dx(R, rs, p, info):
    H, W = info["rows"], info["cols"]
    part = R.choice(["chest", "chest", "hand", "knee"])
    d = np.full((H, W), 0.03, np.float32)
    cx, cy = W / 2, H / 2
    if part == "chest":
        body = ellipse_mask(H, W, cx, cy + H * 0.1, W * 0.46, H * 0.62)
        d[body] = 0.42
        for sx in (-1, 1):
            lung = ellipse_mask(
                H, W, cx + sx * W * 0.2, cy - H * 0.02, W * 0.15, H * 0.32, sx * 0.08
            )
            d[lung] = 0.16
        d[ellipse_mask(H, W, cx + W * 0.05, cy + H * 0.12, W * 0.14, H * 0.14)] = 0.5
        d[(np.abs(np.mgrid[0:H, 0:W][1] - cx) < W * 0.035) & body] = 0.68
        for k in range(10):
            yk = int(cy - H * 0.3 + k * H * 0.06)
            for sx in (-1, 1):
                cv2.ellipse(
                    d,
                    (int(cx + sx * W * 0.05), yk),
                    (int(W * 0.3), int(H * 0.08)),
                    0,
                    10 if sx > 0 else 100,
                    80 if sx > 0 else 170,
                    0.6,
                    max(3, W // 140),
                )
        for sx in (-1, 1):
            cv2.line(
                d,
                (int(cx + sx * W * 0.04), int(cy - H * 0.33)),
                (int(cx + sx * W * 0.3), int(cy - H * 0.38)),
                0.75,
                max(6, W // 90),
            )
    elif part == "hand":
        soft = np.zeros((H, W), np.float32)
        cv2.ellipse(
            soft,
            (int(cx), int(cy + H * 0.25)),
            (int(W * 0.22), int(H * 0.25)),
            0,
            0,
            360,
            1,
            -1,
        )
        bones = np.zeros((H, W), np.float32)
        for k in range(5):
            ang = math.radians(-40 + k * 20)
            bx, by = cx + (k - 2) * W * 0.06, cy + H * 0.12
            L1 = H * (0.22 if k else 0.15)
            ex, ey = bx + L1 * math.sin(ang) * 0.5, by - L1
            cv2.line(soft, (int(bx), int(by)), (int(ex), int(ey)), 1, int(W * 0.06))
            capsule(bones, (bx, by + H * 0.12), (bx, by), W * 0.016, 1.0)
            capsule(bones, (bx, by - 6), (ex, ey + 6), W * 0.012, 1.0)
        d = 0.03 + 0.3 * soft + 0.45 * bones
    else:
        soft = np.zeros((H, W), np.float32)
        cv2.rectangle(soft, (int(cx - W * 0.2), 0), (int(cx + W * 0.2), H), 1, -1)
        bones = np.zeros((H, W), np.float32)
        capsule(bones, (cx, 0), (cx, cy - 20), W * 0.09, 1.0)
        capsule(bones, (cx, cy + 20), (cx, H), W * 0.08, 1.0)
        capsule(bones, (cx + W * 0.11, cy + 30), (cx + W * 0.11, H), W * 0.025, 1.0)
        d = 0.03 + 0.3 * soft + 0.45 * bones
    d = cv2.GaussianBlur(d, (0, 0), 2.0)
    d += 0.05 * smooth(rs, H, W, 6, 2) * (d > 0.1)
    d += rs.normal(0, 0.012, d.shape).astype(np.float32)
    if R.random() < 0.5:
        m = R.randint(20, 70)
        coll = np.ones((H, W), bool)
        coll[m : H - m, m : W - m] = False
        d[coll] = R.uniform(0.75, 0.9)
    cv = Canvas(
        d[None],
        False,
        R,
        family=pick_family(R),
        size=pick_size(R) + R.choice([0, 1, 2]),
        color=R.choice(["white", "white", "lightgrey"]),
        aa=R.random() < 0.85,
    )
    pb = patient_block(p, R, cv)
    sb = [
        [N(R.choice(["Lumis DR-500", "ACME DR 9", "Kestrel Diagnostics"]), "vendor")]
    ] + study_block(p, R)
    view = {
        "chest": ["PA", "AP", "LAT", "AP SUPINE"],
        "hand": ["PA", "OBL", "LAT"],
        "knee": ["AP", "LAT", "SKYLINE"],
    }[part]
    acq = [
        [N(R.choice(view), "view", size=min(22, cv.size + 3))],
        [
            N(f"kVp {R.randint(50, 125)}", "settings"),
            N(f"mAs {R.choice(['1.6', '2.5', '3.2', '4.0', '8.0'])}", "settings"),
        ],
        [N(f"SID {R.choice([100, 110, 180])} cm", "settings")],
    ]
    if R.random() < 0.5:
        acq.append([other_person(p, R, "tech")])
    disp = [
        [N(f"EI {R.randint(200, 2000)}", "settings")],
        [N(R.choice(["PORTABLE", "UPRIGHT", "STANDING", "BEDSIDE"]), "protocol")],
    ]
    if R.random() < 0.4:
        disp.append([N("DAP 2.1 dGy\u00b7cm\u00b2", "settings")])
    disp += extra_phi(p, R, cv)
    cv.box_prob = R.choice([0, 0, 0.4])
    cv.shadow_prob = R.choice([0, 0.5])
    mx, my = R.randint(4, 20), R.randint(4, 16)
    for corner, rows in corners_shuffle(R, [pb, sb, acq, disp]):
        cv.block(rows, corner, mx, my)
    cv.box_prob = cv.shadow_prob = 0
    measurement(cv, R, "mm", 0.3)
    # big side marker
    side = R.choice(["R", "L"])
    fnt = R.choice(FONTS["bold"])
    sz = R.choice([20, 22])
    mk = N(
        side,
        "orientation",
        font=fnt,
        size=sz,
        box=("dark", 0.8) if R.random() < 0.4 else None,
    )
    for _ in range(6):
        if cv.put(
            mk,
            R.randint(40, W // 3) if side == "R" else R.randint(2 * W // 3, W - 60),
            R.randint(H // 5, H // 2),
        ):
            break
    info.update(kind="dx", part=part)
    return cv


def mini_view(rs, R, h, w):
    kind = R.choice(["ct", "us", "mr"])
    if kind == "ct":
        hu = ct_phantom(rs, R, 256, 256, R.choice(["abd", "chest", "head"]), -1024)
        g = np.clip((hu + 160) / 400, 0, 1)
    elif kind == "mr":
        g = np.clip(mr_phantom(rs, R, 256, 256, "brain") / 1000, 0, 1)
    else:
        g, _ = us_frames(rs, R, 256, 256, 1, 0)
        g = g[0]
    s = min(h, w)
    return cv2.resize(g.astype(np.float32), (s, s), interpolation=cv2.INTER_LINEAR)


def build_screenshot(R, rs, p, info):
    H, W = info["rows"], info["cols"]
    dark = R.random() < 0.6
    bg = 0.12 if dark else 0.9
    d = np.full((1, H, W, 3), bg, np.float32)
    txt = "lightgrey" if dark else "black"
    cv = Canvas(
        d,
        True,
        R,
        family=R.choice(["sans", "sans", "mono"]),
        size=R.choice([11, 12, 12, 13]),
        color=txt,
        aa=True,
    )
    D = cv.d[0]
    th = R.randint(22, 28)
    D[:th] = (0.16, 0.26, 0.45) if R.random() < 0.6 else (0.22, 0.22, 0.24)
    app = R.choice(["PACS Viewer 4.2", "RadView Pro", "ImageDesk", "ACME Workstation"])
    a, dsc = cv.metrics(N("x"))
    cv.block(
        [
            [
                N(app + " -", "ui", color="white"),
                P(
                    name_text(p, R, R.choice([0, 2, 1])),
                    "PERSON",
                    "header_name",
                    color="white",
                ),
                P(f"({p.pid})", "ID", "header_id", color="white"),
            ]
        ],
        "tl",
        8,
        (th - a - dsc) // 2,
    )
    # toolbar
    tb0, tb1 = th, th + 30
    D[tb0:tb1] = (0.2, 0.2, 0.22) if dark else (0.82, 0.82, 0.84)
    x = 8
    for lab in R.sample(
        ["Open", "Export", "Print", "MPR", "Measure", "Settings", "Compare", "Report"],
        6,
    ):
        ln = N(lab, "ui")
        w = cv.width(ln) + 16
        cv2.rectangle(
            D,
            (x, tb0 + 4),
            (x + w, tb1 - 4),
            (0.3, 0.3, 0.33) if dark else (0.95, 0.95, 0.95),
            -1,
        )
        cv.put(ln, x + 8, tb1 - 10)
        x += w + 6
    # study list
    lw = R.randint(360, 400)
    y = tb1 + 8
    D[tb1 : H - 22, :lw] = (0.15, 0.15, 0.17) if dark else (0.97, 0.97, 0.97)
    cols = [
        ("Patient Name", 8),
        ("ID", int(lw * 0.43)),
        ("DOB", int(lw * 0.63)),
        ("Mod", int(lw * 0.87)),
    ]
    rh = a + dsc + R.randint(5, 9)
    for name, cx in cols:
        cv.put(N(name, "ui", font=R.choice(FONTS["bold"])), cx, y + a)
    y += rh + 2
    cv2.line(D, (0, y - 3), (lw, y - 3), (0.5, 0.5, 0.5), 1)
    nrows = R.randint(6, 10)
    cur = R.randrange(nrows)
    for i in range(nrows):
        if i == cur:
            D[y - 1 : y + rh - 1, :lw] = (0.2, 0.35, 0.6) if dark else (0.75, 0.85, 1.0)
            nm = (
                f"{p.last.upper()}, {p.first.upper()}"
                if R.random() < 0.6
                else p.dcm_name
            )
            row = [
                (P(nm, "PERSON", "header_name"), cols[0][1]),
                (P(p.pid, "ID", "header_id"), cols[1][1]),
                (
                    P(
                        fdate(p.dob, R.choice(["iso", "us", "dot"])),
                        "DATE_TIME",
                        "header_dob",
                    ),
                    cols[2][1],
                ),
                (N(R.choice(["CT", "MR", "US", "DX"]), "ui"), cols[3][1]),
            ]
        else:
            ol, of = R.choice(SURN), R.choice(FN_F + FN_M)
            od = dt.date(R.randint(1935, 2015), R.randint(1, 12), R.randint(1, 28))
            row = [
                (
                    P(f"{ol.upper()}, {of.upper()}", "PERSON", "other_patient"),
                    cols[0][1],
                ),
                (
                    P(str(R.randint(10**7, 10**8 - 1)), "ID", "other_patient"),
                    cols[1][1],
                ),
                (
                    P(
                        fdate(od, R.choice(["iso", "us", "dot"])),
                        "DATE_TIME",
                        "other_patient",
                    ),
                    cols[2][1],
                ),
                (N(R.choice(["CT", "MR", "US", "DX", "XA"]), "ui"), cols[3][1]),
            ]
        for j, (ln, cx) in enumerate(row):
            # truncate to column width
            nxt = cols[j + 1][1] if j + 1 < len(cols) else lw
            t = ln.text
            while cv.width(ln) > nxt - cx - 6 and len(t) > 3:
                t = t[:-1]
                ln.text = t
            cv.put(ln, cx, y + a)
        y += rh
    # viewport
    vx0, vy0, vx1, vy1 = lw + 10, tb1 + 10, W - 10, H - 32
    D[vy0:vy1, vx0:vx1] = 0
    mv = mini_view(rs, R, vy1 - vy0 - 40, vx1 - vx0 - 40)
    s = mv.shape[0]
    ox, oy = vx0 + (vx1 - vx0 - s) // 2, vy0 + (vy1 - vy0 - s) // 2
    D[oy : oy + s, ox : ox + s] = mv[..., None]
    sub_rows = [
        [P(name_text(p, R), "PERSON", "header_name", color="yellow", size=11)],
        [
            P(
                fdate(p.study, "iso") + " " + p.study.strftime("%H:%M"),
                "DATE_TIME",
                "header_study_date",
                size=11,
                color="yellow",
            )
        ],
    ]
    for r_ in sub_rows:
        pass
    y0 = vy0 + 4
    for r_ in sub_rows:
        ln = r_[0]
        a2, d2 = cv.metrics(ln)
        cv.put(ln, vx0 + 4, y0 + a2)
        y0 += a2 + d2 + 2
    ln = N(
        f"W: {R.choice([400, 350, 1500])} L: {R.choice([40, 50, -600])}",
        "window",
        size=11,
        color="yellow",
    )
    cv.put(ln, vx1 - 4, vy1 - 6, "right")
    # status bar
    D[H - 22 :] = (0.18, 0.18, 0.2) if dark else (0.8, 0.8, 0.82)
    st = [
        P(
            f"User: {p.sono[0][0].lower()}{p.sono[1].lower().replace(' ', '').replace(chr(39), '')}",
            "PERSON",
            "other_person",
        ),
        N(f"Workstation RAD-WS-{R.randint(1, 20):02d}", "ui"),
        N("Ready", "ui"),
    ]
    x = 8
    for ln in st:
        if cv.put(ln, x, H - 7):
            x += cv.width(ln) + 24
    cv.put(P(p.study.strftime("%H:%M"), "DATE_TIME", "clock"), W - 8, H - 7, "right")
    info.update(kind="sc_screen")
    return cv


def build_form(R, rs, p, info):
    H, W = info["rows"], info["cols"]
    rgb = info["photometric"] == "RGB"
    paper = R.uniform(0.9, 0.97)
    d = np.full((H, W), paper, np.float32) - 0.02 * np.abs(smooth(rs, H, W, 150, 1))
    if rgb:
        d = np.stack([d, d * 0.99, d * 0.96], -1)
    cv = Canvas(
        d[None],
        rgb,
        R,
        family=R.choice(["serif", "serif", "sans", "mono"]),
        size=R.choice([11, 12, 12, 13, 14]),
        color="ink",
        aa=True,
    )
    D = cv.d[0]
    m = R.randint(26, 40)
    lc = (0.25, 0.25, 0.25) if rgb else 0.25
    # header
    hf = R.choice(FONTS["serifbold"] + FONTS["bold"])
    y = m + 18
    cv.put(
        P(
            p.inst,
            "ORGANIZATION",
            "header_institution",
            font=hf,
            size=R.choice([16, 18, 20]),
        ),
        m,
        y,
    )
    y += 20
    inst_addr = f"{R.randint(10, 990)} {R.choice(STREETS)}, {R.choice(CITIES)[0]}"
    cv.put(P(inst_addr, "LOCATION", "institution_address", size=11), m, y)
    cv.put(
        P(f"Tel {phone(R)}", "PHONE_NUMBER", "institution_phone", size=11),
        W - m,
        y,
        "right",
    )
    y += 12
    cv2.line(D, (m, y), (W - m, y), lc, 2)
    y += 30
    title = R.choice(
        [
            "RADIOLOGY REQUISITION",
            "IMAGING CONSENT FORM",
            "ULTRASOUND WORKSHEET",
            "CT CONTRAST QUESTIONNAIRE",
            "MRI SAFETY SCREENING",
        ]
    )
    cv.put(
        N(
            title,
            "form_title",
            font=R.choice(FONTS["bold"] + FONTS["serifbold"]),
            size=R.choice([16, 17, 18]),
        ),
        W // 2,
        y,
        "center",
    )
    y += 12
    cv.put(
        N(
            f"Form RAD-{R.randint(100, 999)} rev {R.randint(1, 9)}",
            "form_label",
            size=10,
        ),
        W - m,
        y + 4,
        "right",
    )
    y += 26
    valc = R.choice(["ink", "blue"]) if rgb else "ink"
    vf = R.choice(FONTS["mono"] + FONTS["sans"])
    lab_x = m
    val_x = m + R.randint(125, 150)
    fields = [
        (
            "Patient Name:",
            P(
                name_text(p, R, R.choice([0, 1, 6])).split(": ")[-1],
                "PERSON",
                "header_name",
            ),
        ),
        (
            "Date of Birth:",
            P(
                fdate(p.dob, R.choice(["us", "iso", "dot", "short"])),
                "DATE_TIME",
                "header_dob",
            ),
        ),
        ("MRN:", P(p.pid, "ID", "header_id")),
        ("Accession:", P(p.acc, "ID", "header_accession")),
        ("Address:", P(p.street, "LOCATION", "address")),
        ("", P(p.city, "LOCATION", "address")),
        ("Phone:", P(p.phone, "PHONE_NUMBER", "phone")),
        ("Email:", P(p.email, "EMAIL_ADDRESS", "email")),
        ("SSN:", P(p.ssn, "ID", "ssn")),
        (
            "Referring Physician:",
            P(f"Dr. {p.ref_first[0]}. {p.ref_last}", "PERSON", "header_referring"),
        ),
        (
            "Emergency Contact:",
            P(f"{p.contact[0]} {p.contact[1]}", "PERSON", "other_person"),
        ),
        ("Contact Phone:", P(p.phone2, "PHONE_NUMBER", "phone")),
        (
            "Exam Requested:",
            N(
                R.choice(
                    [
                        "CT ABDOMEN PELVIS W CONTRAST",
                        "US ABDOMEN COMPLETE",
                        "MRI BRAIN WO",
                        "XR CHEST 2 VIEWS",
                        "US PELVIS TRANSVAGINAL",
                    ]
                ),
                "form_value",
            ),
        ),
        (
            "Clinical History:",
            N(
                R.choice(
                    [
                        "RUQ pain, r/o cholecystitis",
                        "Headache x 3 weeks",
                        "Cough, fever",
                        "Follow-up nodule",
                        "Abnormal LFTs",
                    ]
                ),
                "form_value",
            ),
        ),
        (
            "Date of Exam:",
            P(
                fdate(p.study, R.choice(["us", "iso", "long"])),
                "DATE_TIME",
                "header_study_date",
            ),
        ),
    ]
    # keep a random subset, keep order
    keep = [
        f
        for f in fields
        if f[0] in ("Patient Name:", "Date of Birth:", "MRN:") or R.random() < 0.7
    ]
    labf = [
        (lab, R.choice(FONTS["bold"] + [cv.font]) if R.random() < 0.3 else None)
        for lab, _ in keep
    ]
    val_x = (
        lab_x
        + max(cv.width(N(lab, font=fnt)) for lab, fnt in labf if lab)
        + R.randint(12, 30)
    )
    rh = R.randint(22, 28)
    for (lab, val), (_, lfnt) in zip(keep, labf):
        if y > H - 150:
            break
        if lab:
            cv.put(N(lab, "form_label", font=lfnt), lab_x, y)
        val.font = vf
        val.color = valc
        val.size = R.choice([12, 13, 14])
        cv.put(val, val_x + R.randint(0, 8), y - 1)
        cv2.line(
            D,
            (val_x - 4, y + 4),
            (W - m, y + 4),
            (0.55, 0.55, 0.55) if rgb else 0.55,
            1,
        )
        y += rh
    # demographics row
    y += 6
    cv.put(N("Sex:", "form_label"), lab_x, y)
    cv.put(L(p.sex, ent="NONE", kind="demographic", font=vf, color=valc), lab_x + 45, y)
    cv.put(N("Age:", "form_label"), lab_x + 110, y)
    cv.put(
        L(str(p.age), ent="AGE", kind="demographic", font=vf, color=valc),
        lab_x + 155,
        y,
    )
    y += rh + 4
    # checkboxes
    opts = R.sample(
        [
            "Pregnant",
            "Allergies",
            "Diabetes",
            "Renal failure",
            "Pacemaker",
            "Claustrophobia",
        ],
        4,
    )
    x = lab_x
    for o in opts:
        cv2.rectangle(D, (x, y - 10), (x + 10, y), lc, 1)
        if R.random() < 0.4:
            cv2.line(D, (x + 2, y - 5), (x + 5, y - 1), lc, 2)
            cv2.line(D, (x + 5, y - 1), (x + 10, y - 11), lc, 2)
        ln = N(o, "form_label")
        cv.put(ln, x + 16, y)
        x += cv.width(ln) + 40
    y += rh + 10
    # signature + date
    if y < H - 90:
        cv.put(N("Signature:", "form_label"), lab_x, y)
        cv2.line(D, (lab_x + 80, y + 3), (lab_x + 260, y + 3), lc, 1)
        # a scribble
        pts = np.array(
            [
                [lab_x + 90 + 8 * k, y - 4 + int(6 * math.sin(k * 1.7 + R.random()))]
                for k in range(18)
            ],
            np.int32,
        )
        cv2.polylines(
            D, [pts], False, (0.1, 0.15, 0.45) if rgb else 0.2, 1, cv2.LINE_AA
        )
        cv.put(N("Date:", "form_label"), lab_x + 290, y)
        cv.put(
            P(
                fdate(p.study - dt.timedelta(days=R.randint(0, 20)), "us"),
                "DATE_TIME",
                "other_date",
                font=vf,
                color=valc,
            ),
            lab_x + 335,
            y,
        )
        y += rh + 6
    if y < H - 170 and R.random() < 0.8:
        y += 10
        y0 = y
        cv.put(
            N(
                "FOR RADIOLOGY USE ONLY",
                "form_title",
                font=R.choice(FONTS["bold"]),
                size=12,
            ),
            lab_x + 8,
            y + 8,
        )
        y += 30
        items = [
            other_person(p, R, "tech"),
            N(
                f"Contrast: {R.choice(['Omnipaque 350', 'Iohexol 300', 'Gadavist', 'None'])} {R.choice([50, 75, 100])} mL",
                "form_value",
            ),
            N(
                f"Creatinine {R.choice(['0.7', '0.9', '1.1', '1.4'])} mg/dL   eGFR {R.choice(['>60', '54', '78'])}",
                "form_value",
            ),
            N(
                f"Protocol: {R.choice(['ABD/PEL ROUTINE', 'BRAIN WO', 'CHEST PE', 'RENAL STONE'])}",
                "form_value",
            ),
        ]
        for it in items:
            if y > H - 80:
                break
            it.font = it.font or vf
            cv.put(it, lab_x + 14, y)
            y += rh - 4
        cv2.rectangle(D, (lab_x, y0 - 6), (W - m, y - 8), lc, 1)
    if rgb and R.random() < 0.7:
        cv.put(
            P(
                f"RECEIVED {fdate(p.study, 'DMON')}",
                "DATE_TIME",
                "stamp",
                font=R.choice(FONTS["bold"]),
                size=R.choice([15, 17, 19]),
                color="red",
            ),
            W - m - 10,
            H - 70,
            "right",
        )
    cv.put(N("Page 1 of 1", "form_label", size=10), W // 2, H - m + 6, "center")
    if R.random() < 0.6:
        cv.put(
            P(
                f"Scanned {fdate(p.study, 'iso')} {p.study.strftime('%H:%M')}",
                "DATE_TIME",
                "other_date",
                size=9,
                color="darkgrey",
            ),
            m,
            H - m + 6,
        )
    info.update(kind="sc_form")
    return cv


def finish_form(cv, R, rs, rgb):
    ang = R.choice([0.0, R.uniform(-1, 1), R.uniform(-1, 1), R.uniform(0.2, 1.0)])
    M = None
    if abs(ang) > 1e-3:
        M = cv2.getRotationMatrix2D((cv.W / 2, cv.H / 2), ang, 1.0)
    labels, lines = cv.finalize(M, border=0.93)
    n = rs.normal(0, 0.012, cv.d.shape[:3]).astype(np.float32)
    if rgb:
        cv.d += n[..., None]
    else:
        cv.d += n
    # dust specks
    for k in range(R.randint(5, 30)):
        y, x = R.randrange(cv.H), R.randrange(cv.W)
        cv2.circle(cv.d[0], (x, y), 1, (0.4, 0.4, 0.4) if rgb else 0.4, -1)
    return labels, lines, ang


# ----------------------------------------------------------------------------
# DICOM output

SOP = {
    "US": "1.2.840.10008.5.1.4.1.1.6.1",
    "USMF": "1.2.840.10008.5.1.4.1.1.3.1",
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "MR": "1.2.840.10008.5.1.4.1.1.4",
    "SC": "1.2.840.10008.5.1.4.1.1.7",
    "XA": "1.2.840.10008.5.1.4.1.1.12.1",
    "DX": "1.2.840.10008.5.1.4.1.1.1.1",
    "CR": "1.2.840.10008.5.1.4.1.1.1",
}


def to_stored(cv, info):
    d = cv.d
    ph = info["photometric"]
    if ph == "RGB":
        return np.clip(np.rint(d * 255), 0, 255).astype(np.uint8)
    kind = info["kind"]
    if info["bits_allocated"] == 8:
        v = np.clip(np.rint(d * 255), 0, 255)
        if ph == "MONOCHROME1":
            v = 255 - v
        return v.astype(np.uint8)
    if kind == "ct":
        lo = info["wc"] - info["ww"] / 2
        hu = lo + d * info["ww"]
        st = np.rint(hu - info["intercept"])
        if info["signed"]:
            half = 1 << (info["bits_stored"] - 1)
            return np.clip(st, -half, half - 1).astype(np.int16)
        return np.clip(st, 0, 4095).astype(np.uint16)
    if kind == "mr":
        lo = info["wc"] - info["ww"] / 2
        return np.clip(np.rint(lo + d * info["ww"]), 0, 4095).astype(np.uint16)
    v = np.clip(np.rint(d * 4095), 0, 4095)
    if ph == "MONOCHROME1":
        v = 4095 - v
    return v.astype(np.uint16)


def write_dicom(path, info, p, R, px):
    mod = info["modality"]
    sop_key = info["sop"]
    sop_uid = uid(R)
    fm = FileMetaDataset()
    fm.MediaStorageSOPClassUID = SOP[sop_key]
    fm.MediaStorageSOPInstanceUID = sop_uid
    fm.TransferSyntaxUID = ExplicitVRLittleEndian
    fm.ImplementationClassUID = "2.25.305828488182831875890203105390285383139"
    fm.ImplementationVersionName = "ALIEN_GEN_1"
    ds = Dataset()
    ds.file_meta = fm
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = (
        ["DERIVED", "SECONDARY"] if sop_key == "SC" else ["ORIGINAL", "PRIMARY"]
    )
    ds.SOPClassUID = SOP[sop_key]
    ds.SOPInstanceUID = sop_uid
    s = p.study
    ds.StudyDate = s.strftime("%Y%m%d")
    ds.StudyTime = s.strftime("%H%M%S")
    ds.SeriesDate = ds.StudyDate
    ds.ContentDate = ds.StudyDate
    ds.SeriesTime = ds.StudyTime
    ds.ContentTime = ds.StudyTime
    ds.AccessionNumber = p.acc
    ds.Modality = mod
    if sop_key == "SC":
        ds.ConversionType = "DF" if info["kind"] == "sc_form" else "WSD"
    ds.Manufacturer = "ACME Synthetic"
    ds.InstitutionName = p.inst
    ds.ReferringPhysicianName = p.ref_dcm
    ds.StudyDescription = info.get("desc", mod + " EXAM")
    ds.ManufacturerModelName = "Alien Gen"
    ds.PatientName = p.dcm_name
    ds.PatientID = p.pid
    ds.PatientBirthDate = p.dob.strftime("%Y%m%d")
    ds.PatientSex = p.sex
    ds.PatientAge = "%03dY" % p.age
    ds.BurnedInAnnotation = "YES"
    ds.StudyInstanceUID = uid(R)
    ds.SeriesInstanceUID = uid(R)
    ds.StudyID = str(R.randint(1, 99999))
    ds.SeriesNumber = R.randint(1, 20)
    ds.InstanceNumber = R.randint(1, 300)
    ds.SamplesPerPixel = 3 if info["photometric"] == "RGB" else 1
    ds.PhotometricInterpretation = info["photometric"]
    if info["photometric"] == "RGB":
        ds.PlanarConfiguration = 0
    if info["frames"] > 1:
        ds.NumberOfFrames = info["frames"]
        ds.FrameTime = "%.2f" % info.get("frame_time", 40.0)
        ds.FrameIncrementPointer = pydicom.tag.Tag(0x0018, 0x1063)
    ds.Rows = info["rows"]
    ds.Columns = info["cols"]
    ds.BitsAllocated = info["bits_allocated"]
    ds.BitsStored = info["bits_stored"]
    ds.HighBit = info["bits_stored"] - 1
    ds.PixelRepresentation = 1 if info["signed"] else 0
    if info["kind"] == "ct":
        ds.RescaleIntercept = str(info["intercept"])
        ds.RescaleSlope = "1"
        ds.RescaleType = "HU"
        ds.WindowCenter = str(info["wc"])
        ds.WindowWidth = str(info["ww"])
        ds.KVP = "120"
        ds.SliceThickness = "5"
        ds.PatientPosition = "HFS"
    elif info["kind"] == "mr":
        ds.WindowCenter = str(info["wc"])
        ds.WindowWidth = str(info["ww"])
        ds.MagneticFieldStrength = "1.5"
        ds.ScanningSequence = "SE"
        ds.SequenceVariant = "NONE"
    elif info["kind"] == "dx":
        ds.PresentationLUTShape = (
            "INVERSE" if info["photometric"] == "MONOCHROME1" else "IDENTITY"
        )
        mx = (1 << info["bits_stored"]) - 1
        ds.WindowCenter = str((mx + 1) // 2)
        ds.WindowWidth = str(mx + 1)
        ds.ImagerPixelSpacing = [0.2, 0.2]
        ds.PixelSpacing = [0.2, 0.2]
        ds.PatientOrientation = ["L", "F"] if mod != "CR" else ""
        ds.BodyPartExamined = {"chest": "CHEST", "hand": "HAND", "knee": "KNEE"}[
            info["part"]
        ]
        ds.ViewPosition = "PA"
        ds.KVP = "110"
    elif info["kind"] == "xa":
        ds.PositionerPrimaryAngle = "30"
        ds.PositionerSecondaryAngle = "15"
        ds.KVP = "78"
    if mod == "US":
        ds.PatientOrientation = ""
    if mod in ("XA",) and info["frames"] == 1:
        pass
    arr = np.ascontiguousarray(px)
    if info["frames"] == 1:
        arr = arr[0]
    ds.PixelData = arr.tobytes()
    ds["PixelData"].VR = "OW" if info["bits_allocated"] == 16 else "OB"
    ds.save_as(path, enforce_file_format=True)
    return (
        [p.dcm_name]
        + list(p.dcm_parts)
        + [p.pid, ds.PatientBirthDate, ds.StudyDate, p.acc, p.inst, p.ref_dcm]
    )


# ----------------------------------------------------------------------------

BASE_PLAN = (
    ["US"] * 10
    + ["USC"] * 6
    + ["CT"] * 10
    + ["MR"] * 8
    + ["DX"] * 4
    + ["CR"] * 2
    + ["XA"] * 6
    + ["SCS"] * 4
    + ["SCF"] * 4
    + ["CT", "MR", "US", "CR", "SCF", "XA1"]
)


def file_info(kind, R, idx, counters):
    c = counters.setdefault(kind, 0)
    counters[kind] += 1
    info = dict(frames=1, signed=False, intercept=0)
    if kind in ("US", "USC"):
        info.update(modality="US", sop="US" if kind == "US" else "USMF")
        info["rows"], info["cols"] = R.choice([(480, 640), (480, 640), (600, 800)])
        mono = (kind == "US" and c % 4 == 1) or (kind == "USC" and c == 2)
        info.update(
            photometric="MONOCHROME2" if mono else "RGB",
            bits_allocated=8,
            bits_stored=8,
        )
        if kind == "USC":
            info["frames"] = R.randint(6, 10)
            info["rows"], info["cols"] = 480, 640
    elif kind == "CT":
        info.update(
            modality="CT",
            sop="CT",
            rows=512,
            cols=512,
            photometric="MONOCHROME2",
            bits_allocated=16,
            intercept=-1024,
        )
        if c % 4 == 1:
            info.update(signed=True, bits_stored=16 if c == 1 else 12)
        else:
            info.update(bits_stored=12)
    elif kind == "MR":
        info.update(
            modality="MR", sop="MR", rows=512, cols=512, photometric="MONOCHROME2"
        )
        if c % 4 == 3:
            info.update(bits_allocated=8, bits_stored=8)
        else:
            info.update(bits_allocated=16, bits_stored=12)
    elif kind in ("DX", "CR"):
        info.update(modality=kind, sop=kind)
        info["rows"], info["cols"] = R.choice(
            [(1024, 1024), (1024, 832), (960, 768), (880, 720)]
        )
        info.update(
            photometric="MONOCHROME1" if c % 2 == 0 else "MONOCHROME2",
            bits_allocated=16,
            bits_stored=12,
        )
        if kind == "CR" and c == 2:
            info.update(bits_allocated=8, bits_stored=8, photometric="MONOCHROME2")
    elif kind in ("XA", "XA1"):
        info.update(
            modality="XA",
            sop="XA",
            rows=512,
            cols=512,
            photometric="MONOCHROME2",
            bits_allocated=8,
            bits_stored=8,
        )
        info["frames"] = R.randint(6, 10) if kind == "XA" else 1
    elif kind == "SCS":
        info.update(
            modality="OT",
            sop="SC",
            rows=600,
            cols=800,
            photometric="RGB",
            bits_allocated=8,
            bits_stored=8,
        )
    elif kind == "SCF":
        info.update(
            modality="OT",
            sop="SC",
            rows=800,
            cols=600,
            bits_allocated=8,
            bits_stored=8,
            photometric="RGB" if c % 2 == 0 else "MONOCHROME2",
        )
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    R0 = random.Random(args.seed * 7919 + 17)
    plan = []
    while len(plan) < args.n:
        b = BASE_PLAN[:]
        R0.shuffle(b)
        plan += b
    plan = plan[: args.n]
    cines = [i for i, k in enumerate(plan) if k in ("USC", "XA")]
    popup_idx = R0.choice(cines) if cines else -1
    counters = {}
    files = []
    tot_lines = tot_phi = 0
    for idx, kind in enumerate(plan):
        R = random.Random(args.seed * 1000003 + idx * 7907)
        rs = np.random.default_rng([args.seed, idx])
        info = file_info(kind, R, idx, counters)
        p = make_pt(R)
        popup = idx == popup_idx
        if kind in ("US", "USC"):
            cv = build_us(R, rs, p, info, popup=popup)
        elif kind == "CT":
            cv = build_ct(R, rs, p, info)
        elif kind == "MR":
            cv = build_mr(R, rs, p, info)
        elif kind in ("DX", "CR"):
            cv = build_dx(R, rs, p, info)
        elif kind in ("XA", "XA1"):
            cv = build_xa(R, rs, p, info, popup=popup)
        elif kind == "SCS":
            cv = build_screenshot(R, rs, p, info)
        else:
            cv = build_form(R, rs, p, info)
        if info.get("kind") == "sc_form":
            labels, lines, ang = finish_form(cv, R, rs, info["photometric"] == "RGB")
            info["tilt"] = ang
        else:
            labels, lines = cv.finalize()
        px = to_stored(cv, info)
        folder = {"OT": "SC"}.get(info["modality"], info["modality"])
        suffix = info["photometric"] + (
            "_16s"
            if info["signed"]
            else ("_16" if info["bits_allocated"] == 16 else "")
        )
        if info["frames"] > 1:
            suffix += "_cine"
        rel = f"{folder}/{idx:03d}_{suffix}.dcm"
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        ident = write_dicom(os.path.join(out, rel), info, p, R, px)
        np.savez_compressed(os.path.join(out, rel[:-4] + ".truth.npz"), labels=labels)
        ts = "1.2.840.10008.1.2.1"
        files.append(
            dict(
                path=rel,
                modality=info["modality"],
                photometric=info["photometric"],
                bits_allocated=info["bits_allocated"],
                bits_stored=info["bits_stored"],
                signed=bool(info["signed"]),
                transfer_syntax=ts,
                transfer_syntax_wanted=ts,
                frames=info["frames"],
                rows=info["rows"],
                cols=info["cols"],
                header_identity=ident,
                lines=lines,
            )
        )
        nphi = sum(1 for l in lines if l["phi"])
        tot_lines += len(lines)
        tot_phi += nphi
        print(
            f"{rel}: {len(lines)} lines ({nphi} phi) min_contrast={cv.min_contrast:.3f} "
            f"low={cv.low_contrast} dropped={cv.dropped}" + (" POPUP" if popup else ""),
            file=sys.stderr,
        )
    truth = dict(
        version=1,
        seed=args.seed,
        n=len(files),
        label_rule="alien",
        fonts="alien",
        files=files,
    )
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f)
    print(
        f"{len(files)} files, {tot_lines} lines, {tot_phi} phi, {tot_lines - tot_phi} non-phi",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
