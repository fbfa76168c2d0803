"""Screenshots and report pages sent as Secondary Capture: PET/NM MIP, OCT report,
DEXA report, 12-lead ECG, EHR/RIS window, 3D volume rendering, scanned request
form.

Colour canvases hold 0..255 RGB; a gray variant of a page converts each colour to
its luma; PALETTE COLOR canvases hold LUT indices.
"""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import people
from dcmwrite import Spec
from render import Canvas, Style, fractal, smooth_noise
from scenebase import CONSOLE, OVERLAY, PRINT, UI, Ctx


def _luma(rgb) -> float:
    r, g, b = rgb
    return float(0.299 * r + 0.587 * g + 0.114 * b)


class Paint:
    """Colour or gray painter for one canvas (frame-independent pages)."""

    def __init__(self, cv: Canvas) -> None:
        self.cv = cv
        self.rgb = cv.channels == 3

    def c(self, rgb):
        return tuple(float(v) for v in rgb) if self.rgb else _luma(rgb)

    def rect(self, x0, y0, x1, y1, rgb, frames=None) -> None:
        x0, y0 = max(0, int(x0)), max(0, int(y0))
        x1, y1 = min(self.cv.cols, int(x1)), min(self.cv.rows, int(y1))
        for f in frames if frames is not None else range(self.cv.nframes):
            self.cv.img[f, y0:y1, x0:x1] = self.c(rgb)

    def frame_rect(self, x0, y0, x1, y1, rgb, thick=1) -> None:
        for f in range(self.cv.nframes):
            cv2.rectangle(
                self.cv.img[f],
                (int(x0), int(y0)),
                (int(x1), int(y1)),
                self.c(rgb),
                thick,
            )

    def line(self, p0, p1, rgb, thick=1, aa=True) -> None:
        for f in range(self.cv.nframes):
            cv2.line(
                self.cv.img[f],
                (int(p0[0]), int(p0[1])),
                (int(p1[0]), int(p1[1])),
                self.c(rgb),
                thick,
                cv2.LINE_AA if aa else cv2.LINE_8,
            )

    def paste(self, x0, y0, patch: np.ndarray, frames=None) -> None:
        """Paste an RGB (h, w, 3) or gray (h, w) patch in 0..255."""
        h, w = patch.shape[:2]
        if self.rgb and patch.ndim == 2:
            patch = np.repeat(patch[..., None], 3, axis=2)
        if not self.rgb and patch.ndim == 3:
            patch = patch @ np.array([0.299, 0.587, 0.114], np.float32)
        for f in frames if frames is not None else range(self.cv.nframes):
            self.cv.img[f, y0 : y0 + h, x0 : x0 + w] = patch


def _colour_spec(
    ctx: Ctx, modality: str, sop: str, scene: str, p_jpeg: float, p_gray: float = 0.0
) -> tuple[Spec, int]:
    """RGB, JPEG (YBR_FULL_422) or 8-bit gray; returns the spec and channels."""
    r = ctx.rng.random()
    if r < p_gray:
        return Spec(
            modality,
            sop,
            "MONOCHROME2",
            8,
            8,
            jpeg=ctx.p(0.4),
            jpeg_quality=ctx.randint(88, 95),
            scene=scene,
        ), 1
    if r < p_gray + p_jpeg:
        return Spec(
            modality,
            sop,
            "YBR_FULL_422",
            8,
            8,
            jpeg=True,
            jpeg_quality=ctx.randint(88, 96),
            scene=scene,
        ), 3
    return Spec(modality, sop, "RGB", 8, 8, scene=scene), 3


# ---------------------------------------------------------------------------
# PET / NM maximum-intensity projections


def _lut(name: str) -> np.ndarray:
    """(256, 3) floats in 0..1."""
    t = np.linspace(0, 1, 256)
    if name == "hot":
        r = np.clip(t * 3, 0, 1)
        g = np.clip(t * 3 - 1, 0, 1)
        b = np.clip(t * 3 - 2, 0, 1)
    elif name == "rainbow":
        r = np.clip(1.5 - np.abs(4 * t - 3), 0, 1)
        g = np.clip(1.5 - np.abs(4 * t - 2), 0, 1)
        b = np.clip(1.5 - np.abs(4 * t - 1), 0, 1)
        r[-20:] = 1
        g[-20:] = np.linspace(g[-20], 1, 20)
        b[-20:] = np.linspace(b[-20], 1, 20)
        r[:6] = g[:6] = b[:6] = 0
    else:  # inverse gray
        r = g = b = 1 - t
    return np.stack([r, g, b], 1)


def _body_organs(ctx: Ctx) -> list[tuple]:
    """(x, y, z, rx, ry, rz, uptake) in body units (x, z in -1..1, y 0..1)."""
    o = [
        (0, 0.07, 0, 0.13, 0.06, 0.13, 0.75),  # brain
        (0, 0.07, 0, 0.16, 0.075, 0.16, 0.18),  # head
        (0, 0.36, 0, 0.42, 0.24, 0.25, 0.12),  # trunk
        (0, 0.62, 0, 0.36, 0.1, 0.22, 0.12),  # pelvis
        (-0.16, 0.84, 0, 0.1, 0.2, 0.1, 0.1),  # legs
        (0.16, 0.84, 0, 0.1, 0.2, 0.1, 0.1),
        (-0.52, 0.4, 0, 0.06, 0.22, 0.06, 0.09),  # arms
        (0.52, 0.4, 0, 0.06, 0.22, 0.06, 0.09),
        (0.06, 0.3, 0.05, 0.1, 0.06, 0.08, 0.5),  # heart
        (-0.15, 0.4, 0, 0.2, 0.07, 0.16, 0.3),  # liver
        (-0.14, 0.47, -0.1, 0.05, 0.05, 0.04, 0.55),  # kidneys
        (0.14, 0.47, -0.1, 0.05, 0.05, 0.04, 0.55),
        (0, 0.66, 0.08, 0.07, 0.04, 0.06, 1.0),  # bladder
    ]
    for _ in range(ctx.randint(1, 4)):
        o.append(
            (
                ctx.uniform(-0.3, 0.3),
                ctx.uniform(0.2, 0.6),
                ctx.uniform(-0.2, 0.2),
                0.025,
                0.015,
                0.025,
                ctx.uniform(0.7, 1.0),
            )
        )
    return o


def _mip(organs, ph: int, pw: int, angle: float) -> np.ndarray:
    img = np.zeros((ph, pw), np.float32)
    c, s = np.cos(angle), np.sin(angle)
    scale = pw * 0.45
    for x, y, z, rx, ry, rz, v in organs:
        px = pw / 2 + (x * c + z * s) * scale
        prx = max(1.0, np.hypot(rx * c, rz * s) * scale)
        layer = np.zeros_like(img)
        cv2.ellipse(
            layer,
            (int(px), int(y * ph * 0.95 + ph * 0.03)),
            (int(prx), max(1, int(ry * ph * 0.95))),
            0,
            0,
            360,
            v,
            -1,
        )
        img = np.maximum(img, layer)
    return cv2.GaussianBlur(img, (0, 0), max(1.0, pw / 120))


def nm_pet(ctx: Ctx) -> None:
    i = ctx.id
    mode = ctx.pick(["rgb", "rgb", "jpeg", "palette", "palette"])
    nf = ctx.randint(8, 12) if ctx.p(0.35) else 1
    cols, rows = ctx.pick([(1024, 768), (1280, 1024), (960, 720), (800, 1000)])
    lut_name = ctx.pick(
        ["hot", "rainbow", "gray_inv"] if mode != "palette" else ["hot", "gray_inv"]
    )
    lut = _lut(lut_name)
    pet = ctx.p(0.6)
    modality = "PT" if pet else "NM"
    if mode == "palette":
        cv = Canvas(rows, cols, frames=nf)
        sop = "NM" if nf > 1 else "SC"
        modality = "NM" if nf > 1 else modality
        spec = Spec(
            modality,
            sop,
            "PALETTE COLOR",
            8,
            8,
            palette=np.rint(lut * 65535),
            scene="nm_pet",
        )
    else:
        cv = Canvas(rows, cols, frames=nf, channels=3)
        sop = "SC-MF-RGB" if nf > 1 else "SC"
        if mode == "jpeg":
            spec = Spec(
                modality,
                sop,
                "YBR_FULL_422",
                8,
                8,
                jpeg=True,
                jpeg_quality=ctx.randint(88, 96),
                scene="nm_pet",
            )
        else:
            spec = Spec(modality, sop, "RGB", 8, 8, scene="nm_pet")
    spec.frame_time = 200.0
    pal = mode == "palette"
    inv = lut_name == "gray_inv"
    # background: LUT index 0 in palette mode, black (or white for inverse) else
    bg_rgb = tuple(lut[0] * 255)
    if not pal:
        bg_rgb = (255.0, 255.0, 255.0) if inv else (0.0, 0.0, 0.0)
        cv.img[...] = bg_rgb
    organs = _body_organs(ctx)
    hb = int(rows * 0.1)
    npan = 2 if nf > 1 else ctx.randint(2, 3)  # a cine rotates its first panel
    pw = int(cols * 0.72 / npan)
    ph = min(rows - hb - 120, int(pw * 2.1))
    pw = min(pw, int(ph / 2.1) + 40)
    x0s = [int(cols * 0.06) + k * (pw + int(cols * 0.03)) for k in range(npan)]
    py = hb + 20
    angles = [0.0, np.pi / 2, np.pi / 4][:npan]
    for f in range(nf):
        for k in range(npan):
            ang = angles[k] + (2 * np.pi * f / nf if nf > 1 and k == 0 else 0.0)
            m = np.clip(_mip(organs, ph, pw, ang), 0, 1)
            idx = np.rint(m * 255).astype(np.int32)
            if pal:
                cv.img[f, py : py + ph, x0s[k] : x0s[k] + pw] = idx
            else:
                cv.img[f, py : py + ph, x0s[k] : x0s[k] + pw] = lut[idx] * 255
    # colour bar
    bx = int(cols * 0.9)
    bar = np.linspace(255, 0, ph // 2).astype(np.int32)
    for f in range(nf):
        if pal:
            cv.img[f, py : py + ph // 2, bx : bx + 16] = bar[:, None]
        else:
            cv.img[f, py : py + ph // 2, bx : bx + 16] = lut[bar][:, None, :] * 255
    ctx.canvas, ctx.spec = cv, spec
    study = (
        "PET/CT WHOLE BODY FDG"
        if pet
        else ctx.pick(["NM BONE SCAN WHOLE BODY", "MIBG SCINTIGRAPHY", "GALLIUM SCAN"])
    )
    ctx.fill_header(
        study=study,
        series="MIP",
        manufacturer=ctx.pick(
            ["Siemens", "GE Healthcare", "Philips", "United Imaging"]
        ),
        model=ctx.pick(["Biograph Vision", "Discovery MI", "Vereos", "uMI 550"]),
    )
    ctx.put("ImageType", ["DERIVED", "SECONDARY", "MIP"])
    if pal:
        fg = 255.0  # index 0 is the background in both LUTs, 255 its opposite
        accent = fg
    else:
        fg = (20.0, 20.0, 20.0) if inv else (255.0, 255.0, 255.0)
        accent = (
            (0.0, 70.0, 160.0)
            if inv
            else ctx.pick(
                [(255.0, 255.0, 0.0), (0.0, 255.0, 255.0), (120.0, 255.0, 120.0)]
            )
        )
    size = ctx.randint(13, 18) if cols <= 1024 else ctx.randint(15, 22)
    st = ctx.style(UI + OVERLAY, size, fg, aliased=True if pal else None)
    sa = st.with_(color=accent)
    lh = int(st.f.height * 1.2)
    L = i.labels
    m = 10
    y = m
    ctx.person(
        cv,
        m,
        y,
        i.patient,
        ctx.name_form(),
        sa.with_(bold=1),
        header=True,
        title=ctx.p(0.3),
    )
    y += lh
    d = ctx.pair(cv, m, y, L["pid"], i.ids["pid"], st, entity="ID", header=ctx.h("pid"))
    ctx.pair(
        cv,
        d.right + 2 * size,
        y,
        L["dob"],
        i.date(i.dob, i.other_date_style()),
        st,
        entity="DATE_TIME",
        header=True,
    )
    y += lh
    age, ent = ctx.age_line()
    ctx.pair(cv, m, y, L["age"], age, st, entity=ent, header=True)
    xr = cols - m
    y = m
    cv.text(
        xr,
        y,
        i.institution,
        st,
        phi=True,
        entity="ORGANIZATION",
        header=ctx.h("inst"),
        align="right",
    )
    y += lh
    cv.text(
        xr, y, i.date(), st, phi=True, entity="DATE_TIME", header=True, align="right"
    )
    y += lh
    tracer = "18F-FDG" if pet else ctx.pick(["99mTc-HDP", "123I-MIBG", "67Ga citrate"])
    cv.text(
        xr,
        y,
        f"{tracer}  {ctx.randint(150, 700)} MBq  {people.fmt_time(i.study.time(), 'hm')}",
        st,
        align="right",
    )
    labels = (
        ["Rotating MIP", "Lateral"] if nf > 1 else ["Anterior", "Lateral", "Oblique"]
    )
    for k in range(npan):
        cv.text(x0s[k] + pw / 2, py + ph + 4, labels[k], st, align="center")
    for val, yy in ((ctx.pick(["5.0", "6.0", "10.0"]), py), ("0", py + ph // 2 - lh)):
        cv.text(bx + 22, yy, val, st)
    cv.text(bx - 10, py + ph // 2 + 6, "SUVbw" if pet else "counts", st)
    lx, ly = x0s[0] + pw * 0.8, py + ph * 0.3
    cv.text(
        lx,
        ly,
        f"SUVmax {ctx.uniform(3, 18):.1f}" if pet else f"{ctx.randint(200, 4000)} cts",
        sa,
    )
    if nf > 1:
        for f in range(nf):
            cv.text(m, rows - m - lh, f"{int(360 * f / nf)}°", st, frames=[f])
    yq = py + ph // 2 + 6 + 3 * lh
    rs = st.with_(size=max(11, size - 2))
    ctx.pair_right(cv, cols - m, yq, "Acc:", i.ids["acc"], rs, entity="ID", header=True)
    if ctx.p(0.6):
        nm = ctx.person(
            cv,
            cols - m,
            yq + lh,
            i.referring,
            "FAMILY G",
            rs,
            header=ctx.h("ref"),
            title=False,
            align="right",
        )
        cv.text(nm.x - rs.size // 2, yq + lh, "Ref:", rs, align="right")
    if ctx.p(0.6):
        lab = cv.text(
            cols * 0.45,
            rows - m - lh,
            ctx.pick(["Reviewed by:", "Reported:", "Read by"]),
            st,
        )
        ctx.person(
            cv,
            lab.right + size // 2,
            rows - m - lh,
            i.radiologist,
            ctx.pick(["given_family", "G. Family"]),
            st,
            header=ctx.h("radiologist"),
        )


# ---------------------------------------------------------------------------
# OCT report


def _fundus(ctx: Ctx, s: int) -> np.ndarray:
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32)
    r = np.hypot(xx - s / 2, yy - s / 2) / (s / 2)
    base = np.stack([200 - 40 * r, 90 - 30 * r, 40 - 10 * r], -1)
    base += (fractal(ctx.rng, s, s, s / 6) * 30 - 15)[..., None]
    disc = (s * ctx.uniform(0.2, 0.3), s * 0.5)
    dmask = np.hypot(xx - disc[0], yy - disc[1]) < s * 0.07
    base[dmask] = (250, 215, 150)
    mac = np.hypot(xx - s * 0.62, yy - s * 0.5) / (s * 0.12)
    base *= (1 - 0.35 * np.exp(-(mac**2)))[..., None]
    vess = np.zeros((s, s), np.float32)
    for k in range(6):
        ang = (k / 6) * 2 * np.pi + ctx.uniform(-0.3, 0.3)
        x, y = disc
        pts = [(x, y)]
        for _ in range(40):
            ang += ctx.uniform(-0.15, 0.15)
            x += s / 60 * np.cos(ang)
            y += s / 60 * np.sin(ang)
            pts.append((x, y))
        cv2.polylines(
            vess, [np.array(pts, np.int32)], False, 1.0, max(2, s // 110), cv2.LINE_AA
        )
    base = base * (1 - 0.45 * vess[..., None])
    base[r > 1] = 0
    return np.clip(base, 0, 255)


def _bscan(ctx: Ctx, h: int, w: int) -> np.ndarray:
    x = np.arange(w, dtype=np.float32)
    surf = (
        h * 0.3
        + h * 0.08 * np.exp(-(((x - w / 2) / (w * 0.08)) ** 2))
        + h * 0.03 * np.sin(x / w * 3)
    )
    yy = np.arange(h, dtype=np.float32)[:, None]
    d = yy - surf[None, :]
    layers = [
        (0, 0.0),
        (6, 0.85),
        (14, 0.45),
        (20, 0.25),
        (26, 0.55),
        (40, 0.2),
        (44, 0.9),
        (48, 0.35),
        (54, 1.0),
        (64, 0.5),
        (120, 0.25),
    ]
    img = np.zeros((h, w), np.float32)
    thick = np.exp(-(((x - w / 2) / (w * 0.08)) ** 2))
    for k in range(len(layers) - 1):
        a, v = layers[k]
        b = layers[k + 1][0]
        scale = h / 250 * (1 - 0.5 * thick * (k < 5))
        img = np.where((d >= a * scale) & (d < b * scale), v, img)
    speck = ctx.rng.rayleigh(0.5, (h, w)).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 1.0) * speck * 1.1
    return np.clip(img * 255, 0, 255)


def oct_report(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(1600, 1000), (1500, 1100), (1920, 1080), (1280, 960)])
    spec, ch = _colour_spec(ctx, "OPT", "SC", "oct_report", p_jpeg=0.35)
    cv = Canvas(rows, cols, channels=ch, fill=0.0)
    pt = Paint(cv)
    pt.rect(0, 0, cols, rows, (248, 248, 246))
    hb = int(rows * 0.06)
    hdr_col = ctx.pick([(20, 60, 120), (40, 40, 48), (0, 110, 110)])
    pt.rect(0, 0, cols, hb, hdr_col)
    ctx.canvas, ctx.spec = cv, spec
    ctx.fill_header(
        study="OCT MACULA",
        manufacturer=ctx.pick(
            ["Carl Zeiss Meditec", "Heidelberg Engineering", "Topcon", "Optovue"]
        ),
        model=ctx.pick(["CIRRUS HD-OCT 5000", "SPECTRALIS", "Maestro2", "Avanti"]),
        p_reader=0.0,
    )
    ctx.put("Laterality", ctx.pick("RL"))
    eye = "OD" if ctx.header["Laterality"] == "R" else "OS"
    size = ctx.randint(13, 17) if cols < 1600 else ctx.randint(15, 20)
    white = pt.c((255, 255, 255))
    dark = pt.c((25, 25, 30))
    blue = pt.c((20, 60, 150))
    st = ctx.style(UI, size, dark, aliased=ctx.p(0.2))
    sw = st.with_(color=white, bold=1)
    lh = int(st.f.height * 1.35)
    L = i.labels
    m = 16
    cv.text(
        m,
        (hb - sw.f.height) // 2,
        ctx.pick(
            [
                "Macular Cube 512x128",
                "Macula Thickness: Macular Cube 200x200",
                "Retina Map",
                "3D Macula Report",
            ]
        ),
        sw,
    )
    cv.text(
        cols - m,
        (hb - sw.f.height) // 2,
        i.institution,
        sw,
        phi=True,
        entity="ORGANIZATION",
        header=ctx.h("inst"),
        align="right",
    )
    addr = ctx.p(0.5)
    if addr:
        cv.text(
            cols - m,
            hb + 4,
            ", ".join(i.inst_address),
            st.with_(size=max(11, size - 3)),
            phi=True,
            entity="LOCATION",
            header=ctx.h("inst_addr"),
            align="right",
        )
    y = hb + 12 + (lh // 2 if ctx.p(0.5) else 0)
    col2 = cols * 0.36
    ctx.pair(
        cv,
        m,
        y,
        L["name"],
        i.patient.form(ctx.pick(["FAMILY, Given", "Family, Given", "given_family"])),
        st,
        entity="PERSON",
        header=True,
    )
    ctx.pair(cv, col2, y, L["exam"], i.date(), st, entity="DATE_TIME", header=True)
    y += lh
    ctx.pair(cv, m, y, L["pid"], i.ids["pid"], st, entity="ID", header=ctx.h("pid"))
    ctx.pair(
        cv,
        col2,
        y,
        L["time"],
        people.fmt_time(i.study.time(), ctx.pick(["hm", "12h", "hms"])),
        st,
    )
    y += lh
    ctx.pair(
        cv,
        m,
        y,
        L["dob"],
        i.date(i.dob, i.other_date_style()),
        st,
        entity="DATE_TIME",
        header=True,
    )
    lab = cv.text(col2, y, ctx.pick(["Technician:", "Operator:"]), st)
    ctx.person(
        cv,
        lab.right + size // 2,
        y,
        i.operator,
        ctx.pick(["given_family", "initials", "Family"]),
        st,
        header=ctx.h("operator"),
        title=False,
    )
    y += lh
    sx = ctx.pair(
        cv,
        m,
        y,
        L["sex"],
        {"F": ctx.pick(["Female", "F"]), "M": ctx.pick(["Male", "M"])}[i.patient.sex],
        st,
    )
    ctx.pair(
        cv, sx.right + 3 * size, y, "Signal Strength:", f"{ctx.randint(5, 10)}/10", st
    )
    lab = cv.text(col2, y, L["physician"], st)
    ctx.person(
        cv,
        lab.right + size // 2,
        y,
        i.referring,
        ctx.pick(["given_family", "FAMILY, Given", "G. Family"]),
        st,
        header=ctx.h("ref"),
    )
    y += lh
    cv.text(
        cols - m,
        hb + 10 + (lh if addr else 0),
        eye,
        ctx.style(["sans-bold", "cond-bold"], min(40, size * 3), blue, aliased=False),
        align="right",
    )
    # panels
    top = y + 10
    s = int(min(rows * 0.42, cols * 0.28))
    pt.paste(m, top, _fundus(ctx, s))
    pt.line((m + s * 0.2, top + s * 0.5), (m + s * 0.85, top + s * 0.5), (0, 220, 0), 2)
    bw, bh = int(cols * 0.42), s
    pt.paste(m + s + 20, top, _bscan(ctx, bh, bw))
    # ETDRS grid
    gx, gy, rr = int(cols * 0.86), int(top + s * 0.5), int(min(s * 0.45, cols * 0.1))
    for f in range(cv.nframes):
        for k, (rad, colr) in enumerate(
            (
                (rr, (120, 200, 120)),
                (int(rr * 0.6), (240, 220, 90)),
                (int(rr * 0.2), (240, 150, 60)),
            )
        ):
            cv2.circle(cv.img[f], (gx, gy), rad, pt.c(colr), -1, cv2.LINE_AA)
            cv2.circle(cv.img[f], (gx, gy), rad, pt.c((60, 60, 60)), 1, cv2.LINE_AA)
    small = st.with_(size=max(11, size - 2))
    cv.text(
        gx, gy - small.f.height / 2, str(ctx.randint(220, 320)), small, align="center"
    )
    ring = [(0, -0.4), (0.4, 0), (0, 0.4), (-0.4, 0)] + (
        [(0, -0.8), (0.8, 0), (0, 0.8), (-0.8, 0)] if ctx.p(0.4) else []
    )
    for dx, dy in ring:
        cv.text(
            gx + dx * rr,
            gy + dy * rr - small.f.height / 2,
            str(ctx.randint(240, 350)),
            small,
            align="center",
        )
    for lab, (dx, dy) in (
        ("S", (0, -1.25)),
        ("I", (0, 1.1)),
        ("N" if eye == "OD" else "T", (-1.2, -0.1)),
        ("T" if eye == "OD" else "N", (1.1, -0.1)),
    ):
        cv.text(gx + dx * rr, gy + dy * rr, lab, small, align="center")
    # table
    ty = top + s + 20
    rows_t = [
        ("Central Subfield Thickness (µm)", str(ctx.randint(220, 320))),
        ("Cube Volume (mm³)", f"{ctx.uniform(8.5, 11.5):.1f}"),
        ("ILM-RPE", ctx.pick(["Normal", "Borderline", "Outside normal limits"])),
    ]
    vx = m + max(cv.measure(lab, st)[0] for lab, _ in rows_t) + 30
    for lab, val in rows_t:
        if ty + lh > rows - 3 * lh:
            break
        cv.text(m, ty, lab, st)
        cv.text(vx, ty, val, st)
        pt.line((m, ty + lh - 4), (vx + cols * 0.12, ty + lh - 4), (200, 200, 200), 1)
        ty += lh
    # ILM-RPE thickness map with its colour scale
    mw = int(min(cols * 0.3, rows - (top + s + 20) - 4 * lh))
    if mw > 80:
        mx0, my0 = int(cols * 0.5), top + s + 20
        th = fractal(ctx.rng, mw, mw, mw / 3)
        yy, xx = np.mgrid[0:mw, 0:mw]
        pit = np.exp(-(((xx - mw / 2) ** 2 + (yy - mw / 2) ** 2) / (mw * 0.12) ** 2))
        tmap = np.clip(0.55 + 0.3 * th - 0.45 * pit, 0, 1)
        jet = _lut("rainbow")
        pt.paste(mx0, my0, jet[np.rint(tmap * 255).astype(int)] * 255)
        bar = jet[np.linspace(255, 0, mw).astype(int)] * 255
        pt.paste(mx0 + mw + 12, my0, np.repeat(bar[:, None, :], 14, axis=1))
        cv.text(mx0 + mw + 32, my0, "500 µm", small)
        cv.text(mx0 + mw + 32, my0 + mw - small.f.height, "0 µm", small)
        cv.text(mx0, my0 + mw + 4, "ILM - RPE Thickness", small)
    # footer
    fy = rows - lh - 8
    pt.line((m, fy - 6), (cols - m, fy - 6), (150, 150, 150), 1)
    lab = cv.text(m, fy, ctx.pick(["Printed:", "Print date:"]), st)
    cv.text(
        lab.right + size // 2,
        fy,
        ctx.dt_text(
            i.study + dt.timedelta(minutes=ctx.randint(5, 600)), i.other_date_style()
        ),
        st,
        phi=True,
        entity="DATE_TIME",
    )
    cv.text(cols / 2, fy, "Page 1 of 1", st, align="center")
    cv.text(
        cols - m,
        fy,
        f"SW Ver: {ctx.randint(6, 11)}.{ctx.randint(0, 9)}.{ctx.randint(0, 9)}.{ctx.randint(1000, 99999)}",
        st,
        align="right",
    )
    ctx.id_strip(cv, m, fy - lh - 10, st)
    if ctx.p(0.5):
        lab = cv.text(cols * 0.55, fy - lh - 6, "Signature:", st)
        ctx.person(
            cv,
            lab.right + size,
            fy - lh - 6,
            i.radiologist,
            "given_family",
            st.with_(font="times-italic", size=size + 2),
            header=ctx.h("radiologist"),
        )


# ---------------------------------------------------------------------------
# DEXA


def dexa_report(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(1100, 1400), (1240, 1754), (1275, 1650), (1400, 1100)])
    spec, ch = _colour_spec(
        ctx,
        ctx.pick(["OT", "BMD", "OT"]),
        "SC",
        "dexa_report",
        p_jpeg=0.25,
        p_gray=0.35,
    )
    cv = Canvas(rows, cols, channels=ch)
    pt = Paint(cv)
    pt.rect(0, 0, cols, rows, (255, 255, 255))
    ctx.canvas, ctx.spec = cv, spec
    maker, model = ctx.pick(
        [
            ("HOLOGIC", "Horizon A"),
            ("GE Healthcare", "Lunar iDXA"),
            ("HOLOGIC", "Discovery W"),
            ("GE Healthcare", "Lunar Prodigy"),
        ]
    )
    ctx.fill_header(
        study="DXA BONE DENSITY", manufacturer=maker, model=model, p_ref=0.5
    )
    size = ctx.randint(13, 17) if cols < 1240 else ctx.randint(15, 20)
    dark = pt.c((10, 10, 10))
    st = ctx.style(PRINT, size, dark, aliased=ctx.p(0.25))
    sb = st.with_(bold=1)
    lh = int(st.f.height * 1.3)
    L = i.labels
    m = int(cols * 0.05)
    y = m
    big = st.with_(size=int(size * 1.5), bold=1)
    cv.text(
        m, y, i.institution, big, phi=True, entity="ORGANIZATION", header=ctx.h("inst")
    )
    y += int(big.f.height * 1.3)
    cv.text(
        m,
        y,
        ", ".join(i.inst_address),
        st,
        phi=True,
        entity="LOCATION",
        header=ctx.h("inst_addr"),
    )
    y += lh
    t = ctx.pair(cv, m, y, L["tel"], i.inst_phone, st, entity="PHONE_NUMBER")
    if ctx.p(0.5):
        ctx.pair(
            cv, t.right + 3 * size, y, L["fax"], i.inst_fax, st, entity="PHONE_NUMBER"
        )
    y += lh
    pt.line((m, y + 4), (cols - m, y + 4), (0, 0, 0), 2)
    y += 14
    cv.text(
        cols / 2,
        y,
        ctx.pick(
            [
                "Bone Densitometry Report",
                "DXA Results Summary",
                "Lumbar Spine Bone Density",
            ]
        ),
        big,
        align="center",
    )
    y += int(big.f.height * 1.5)
    c2 = cols * 0.52
    portrait = rows > cols
    if portrait and ctx.p(0.6):
        # report letter: addressed to the referrer's practice
        cv.text(m, y, ctx.pick(["To:", "Report to:"]), st)
        ctx.person(
            cv, m + 6 * size, y, i.referring, "given_family", st, header=ctx.h("ref")
        )
        practice = people.LOCALES[i.locale]["address"](ctx.rng)
        for k, line in enumerate(practice):
            cv.text(
                m + 6 * size, y + (k + 1) * lh, line, st, phi=True, entity="LOCATION"
            )
        y += (len(practice) + 1) * lh + lh // 2
    rows_l = [
        (
            L["name"],
            i.patient.form(
                ctx.pick(["FAMILY, Given", "Family, Given", "given_middle_family"])
            ),
            "PERSON",
            True,
        ),
        (L["pid"], i.ids["pid"], "ID", ctx.h("pid")),
        (L["dob"], i.date(i.dob, i.other_date_style()), "DATE_TIME", True),
        (L["sex"], i.patient.sex, None, False),
        ("Ethnicity:", ctx.pick(["White", "Asian", "Black", "Hispanic"]), None, False),
    ]
    age, ent = ctx.age_line()
    rows_r = [
        (L["age"], age, ent, True),
        ("Height:", f"{ctx.randint(145, 190)} cm", None, False),
        ("Weight:", f"{ctx.uniform(45, 110):.1f} kg", None, False),
        ("Scan Date:", i.date(), "DATE_TIME", True),
        (
            "Analyzed:",
            ctx.dt_text(i.study + dt.timedelta(minutes=ctx.randint(3, 90))),
            "DATE_TIME",
            True,
        ),
    ]
    yy = y
    for lab, val, ent_, hd in rows_l:
        ctx.pair(cv, m, yy, lab, val, st, entity=ent_, header=hd)
        yy += lh
    yy2 = y
    for lab, val, ent_, hd in rows_r:
        ctx.pair(cv, c2, yy2, lab, val, st, entity=ent_, header=hd)
        yy2 += lh
    y = max(yy, yy2)
    lab = cv.text(m, y, L["referring"], st)
    ctx.person(
        cv,
        lab.right + size // 2,
        y,
        i.referring,
        ctx.pick(["given_family", "FAMILY, Given", "G. Family"]),
        st,
        header=ctx.h("ref"),
    )
    lab = cv.text(c2, y, L["operator"], st)
    ctx.person(
        cv,
        lab.right + size // 2,
        y,
        i.operator,
        ctx.pick(["initials", "given_family"]),
        st,
        header=ctx.h("operator"),
        title=False,
    )
    y += int(lh * 1.6)
    # spine image
    iw, ih = int(cols * 0.38), int(rows * (0.3 if portrait else 0.22))
    spine = (40 + 25 * fractal(ctx.rng, ih, iw, iw / 5)).astype(np.float32)
    for k in range(4):
        vy = int(ih * (0.08 + 0.22 * k))
        cv2.rectangle(
            spine,
            (int(iw * 0.3), vy),
            (int(iw * 0.7), vy + int(ih * 0.17)),
            150 + 20 * k,
            -1,
        )
    spine = cv2.GaussianBlur(spine, (0, 0), 3) + ctx.rng.normal(0, 6, (ih, iw))
    pt.paste(m, y, np.clip(spine, 0, 255))
    ystart = y
    roi = st.with_(color=pt.c((255, 255, 0)), size=max(11, size - 2))
    for k in range(4):
        vy = y + int(ih * (0.08 + 0.22 * k))
        pt.frame_rect(
            m + iw * 0.27, vy - 3, m + iw * 0.73, vy + ih * 0.2, (255, 255, 0), 1
        )
        cv.text(m + iw * 0.76, vy + ih * 0.05, f"L{k + 1}", roi)
    # reference chart
    gx0, gy0, gw, gh = int(cols * 0.5), y, int(cols * 0.42), ih
    bands = [
        ((0.0, 0.35), (200, 235, 200)),
        ((0.35, 0.65), (250, 240, 180)),
        ((0.65, 1.0), (245, 200, 200)),
    ]
    for (a, b), colr in bands:
        pt.rect(gx0, gy0 + gh * a, gx0 + gw, gy0 + gh * b, colr)
    pt.frame_rect(gx0, gy0, gx0 + gw, gy0 + gh, (0, 0, 0), 1)
    ax = st.with_(size=max(11, size - 3))
    for k, a in enumerate(range(20, 101, 20)):
        cv.text(gx0 + gw * k / 4, gy0 + gh + 4, str(a), ax, align="center")
    for k, v in enumerate(("1.4", "1.0", "0.6")):
        cv.text(gx0 - 6, gy0 + gh * k / 2 - ax.f.height / 2, v, ax, align="right")
    cv.text(gx0 + gw / 2, gy0 + gh + 4 + ax.f.height, "Age", ax, align="center")
    px = gx0 + gw * min(1, max(0, (i.age - 20) / 80))
    py_ = gy0 + gh * ctx.uniform(0.3, 0.8)
    pt.line((px - 6, py_ - 6), (px + 6, py_ + 6), (0, 0, 0), 2)
    pt.line((px - 6, py_ + 6), (px + 6, py_ - 6), (0, 0, 0), 2)
    y = ystart + ih + int(lh * 2.2)
    fy = rows - m
    strip = portrait and ctx.p(0.6)
    ft = fy - (3 * lh + 10 if strip else 2 * lh + 16)  # top of the footer zone
    # table
    heads = ["Region", "BMD (g/cm²)", "T-score", "Z-score"]
    cw = (cols - 2 * m) / len(heads)
    pt.rect(m, y - 4, cols - m, y + lh - 2, (225, 225, 225))
    for k, hname in enumerate(heads):
        cv.text(m + k * cw + 4, y, hname, sb)
    y += lh
    t_total = 0.0
    for reg in ("L1-L4", "L2-L4", "Femoral neck", "Total hip"):
        tsc = ctx.uniform(-3.5, 0.8)
        if y + lh > ft:
            break
        t_total += tsc * 5 / 4
        vals = [
            reg,
            f"{ctx.uniform(0.6, 1.2):.3f}",
            f"{tsc:.1f}",
            f"{tsc + ctx.uniform(0, 1.2):.1f}",
        ]
        for k, v in enumerate(vals):
            cv.text(m + k * cw + 4, y, v, sb if reg == "L1-L4" else st)
        pt.line((m, y + lh - 3), (cols - m, y + lh - 3), (190, 190, 190), 1)
        y += lh
    y += lh // 2
    cls = (
        "Osteoporosis"
        if t_total / 5 < -2.5
        else ("Osteopenia" if t_total / 5 < -1 else "Normal")
    )
    summary = [
        ("WHO Classification:", cls, sb),
        ("FRAX 10-yr major osteoporotic fracture:", f"{ctx.uniform(4, 30):.1f}%", st),
    ]
    for lab, val, sty in summary:
        if y + lh <= ft:
            ctx.pair(cv, m, y, lab, val, sty)
            y += lh
    if ctx.p(0.6) and y + lh <= ft:
        lab = cv.text(m, y, ctx.pick(["Compared with scan of", "Previous study:"]), st)
        pr = cv.text(
            lab.right + size // 2,
            y,
            i.date(i.prior, i.other_date_style()),
            st,
            phi=True,
            entity="DATE_TIME",
        )
        cv.text(pr.right + size, y, f"change {ctx.uniform(-6, 3):+.1f}%", st)
        y += lh
    if y + lh <= ft:
        cv.text(
            m,
            y,
            ctx.pick(
                [
                    "Follow-up DXA recommended in 2 years.",
                    "Consider vitamin D and calcium supplementation.",
                ]
            ),
            st,
        )
        y += lh
    if ctx.p(0.7):
        lab = cv.text(m, fy - 2 * lh, ctx.pick(["Reported by:", "Reviewed by:"]), st)
        ctx.person(
            cv,
            lab.right + size // 2,
            fy - 2 * lh,
            i.radiologist,
            ctx.pick(["given_family", "G. Family"]),
            st,
            header=ctx.h("radiologist"),
        )
    pt.line((m, fy - 2 * lh - 12), (cols - m, fy - 2 * lh - 12), (0, 0, 0), 1)
    if strip:
        ctx.id_strip(cv, m, fy - 3 * lh - 6, st)
    cv.text(m, fy - lh, f"{maker} {model}", st)
    cv.text(
        cols / 2,
        fy - lh,
        ctx.pick(["Page 1 of 1", "Page 1 of 2", "1/2"]),
        st,
        align="center",
    )
    cv.text(
        cols - m,
        fy - lh,
        ctx.dt_text(
            i.study + dt.timedelta(hours=ctx.randint(1, 48)), i.other_date_style()
        ),
        st,
        phi=True,
        entity="DATE_TIME",
        align="right",
    )


# ---------------------------------------------------------------------------
# ECG


def _beat(t: np.ndarray, amp: float) -> np.ndarray:
    g = lambda c, w, a: a * np.exp(-(((t - c) / w) ** 2))
    return (
        g(0.1, 0.025, 0.15)
        + g(0.2, 0.01, -0.1 * amp)
        + g(0.225, 0.012, amp)
        + g(0.25, 0.012, -0.3 * amp)
        + g(0.45, 0.045, 0.3)
    )


def ecg(ctx: Ctx) -> None:
    i = ctx.id
    pmm = ctx.pick([4, 5, 6])
    cols, rows = int(280 * pmm), int(216 * pmm)
    spec, ch = _colour_spec(ctx, "ECG", "SC", "ecg", p_jpeg=0.25, p_gray=0.3)
    cv = Canvas(rows, cols, channels=ch)
    pt = Paint(cv)
    pt.rect(0, 0, cols, rows, (255, 255, 255))
    g0 = int(48 * pmm)
    g1 = rows - int(14 * pmm)
    minor, major = (
        ((255, 214, 214), (240, 150, 150))
        if ctx.p(0.75)
        else ((220, 220, 220), (170, 170, 170))
    )
    for k in range((cols - 2 * pmm * 5) // pmm):
        x = 5 * pmm + k * pmm
        pt.line((x, g0), (x, g1), major if k % 5 == 0 else minor, 1, aa=False)
    for k in range((g1 - g0) // pmm + 1):
        yv = g0 + k * pmm
        pt.line(
            (5 * pmm, yv),
            (cols - 5 * pmm, yv),
            major if k % 5 == 0 else minor,
            1,
            aa=False,
        )
    hr = ctx.randint(52, 115)
    rr = 60.0 / hr
    leads = [
        ["I", "aVR", "V1", "V4"],
        ["II", "aVL", "V2", "V5"],
        ["III", "aVF", "V3", "V6"],
    ]
    gh = g1 - g0
    xs0 = 5 * pmm + 8 * pmm
    seg = 62.5 * pmm
    ink = (0, 0, 0) if ctx.p(0.7) else (20, 20, 120)
    lead_st = ctx.style(
        ["sans", "cond", "hershey-simplex", "mono"], ctx.randint(12, 16), pt.c(ink)
    )
    for r in range(4):
        base = g0 + gh * (r + 0.6) / 4.2
        # calibration pulse
        p = [
            (xs0 - 7 * pmm, base),
            (xs0 - 6 * pmm, base),
            (xs0 - 6 * pmm, base - 10 * pmm),
            (xs0 - 1 * pmm, base - 10 * pmm),
            (xs0 - 1 * pmm, base),
            (xs0, base),
        ]
        for f in range(cv.nframes):
            cv2.polylines(
                cv.img[f], [np.array(p, np.int32)], False, pt.c(ink), 1, cv2.LINE_AA
            )
        names = leads[r] if r < 3 else ["II"]
        for k, name in enumerate(names):
            x0 = xs0 + k * seg
            dur = 2.5 if r < 3 else 10.0
            tt = np.linspace(0, dur, int(dur * 25 * pmm))
            amp = {"aVR": -0.8, "V1": 0.5, "III": 0.6}.get(name, 1.0) * ctx.uniform(
                0.7, 1.3
            )
            sig = _beat(
                (tt + k * 2.5 + ctx.uniform(0, 0.1)) % rr, amp
            ) + ctx.rng.normal(0, 0.01, tt.size)
            pts = np.stack([x0 + tt * 25 * pmm, base - sig * 10 * pmm], 1).astype(
                np.int32
            )
            for f in range(cv.nframes):
                cv2.polylines(
                    cv.img[f], [pts], False, pt.c(ink), 1 + (pmm >= 6), cv2.LINE_AA
                )
            cv.text(x0 + 4, base - 14 * pmm, name, lead_st)
    ctx.canvas, ctx.spec = cv, spec
    maker, model = ctx.pick(
        [
            ("GE Healthcare", "MAC 5500 HD"),
            ("Philips", "PageWriter TC70"),
            ("Schiller", "CARDIOVIT AT-102"),
            ("Mortara", "ELI 380"),
        ]
    )
    ctx.fill_header(study="12 LEAD ECG", manufacturer=maker, model=model, p_inst=0.7)
    size = ctx.randint(12, 15) if pmm < 6 else ctx.randint(14, 19)
    st = ctx.style(CONSOLE + UI, size, pt.c(ink))
    sb = st.with_(bold=1)
    lh = int(st.f.height * 1.2)
    L = i.labels
    m = 5 * pmm
    y = m
    nm = ctx.person(
        cv,
        m,
        y,
        i.patient,
        ctx.pick(["FAMILY, Given", "FAMILY GIVEN", "Family, Given"]),
        sb,
        header=True,
        title=False,
    )
    d = ctx.pair(
        cv,
        max(nm.right + 3 * size, cols * 0.28),
        y,
        L["pid"],
        i.ids["pid"],
        st,
        entity="ID",
        header=ctx.h("pid"),
    )
    cv.text(
        max(d.right + 3 * size, cols * 0.55),
        y,
        ctx.dt_text(date_style=i.other_date_style(), time_style="hms"),
        st,
        phi=True,
        entity="DATE_TIME",
        header=True,
    )
    y += lh
    dd = ctx.pair(
        cv,
        m,
        y,
        L["dob"],
        i.date(i.dob, i.other_date_style()),
        st,
        entity="DATE_TIME",
        header=True,
    )
    age, ent = ctx.age_line()
    cv.text(
        dd.right + size, y, f"({age})", st, phi=ent is not None, entity=ent, header=True
    )
    meas = [
        ("Vent. rate", f"{hr} BPM"),
        ("PR interval", f"{ctx.randint(120, 200)} ms"),
        ("QRS duration", f"{ctx.randint(78, 118)} ms"),
        ("QT/QTc", f"{ctx.randint(340, 420)}/{ctx.randint(390, 470)} ms"),
        (
            "P-R-T axes",
            f"{ctx.randint(-10, 80)} {ctx.randint(-30, 90)} {ctx.randint(-10, 80)}",
        ),
    ]
    ym = y + lh
    for a, b in meas:
        ctx.pair(cv, m, ym, a, b, st)
        ym += lh
    interp = ctx.pick(
        [
            ["Sinus rhythm", "Normal ECG"],
            ["Sinus bradycardia", "Otherwise normal ECG"],
            ["Sinus rhythm with 1st degree AV block", "Borderline ECG"],
            ["Atrial fibrillation", "Nonspecific ST abnormality", "Abnormal ECG"],
        ]
    )
    yi = y + lh
    for s in interp:
        cv.text(cols * 0.3, yi, s, sb)
        yi += lh
    yr = y + lh
    xr3 = cols * 0.62
    lab = cv.text(xr3, yr, ctx.pick(["Referred by:", "Req. by:"]), st)
    ctx.person(
        cv,
        lab.right + size // 2,
        yr,
        i.referring,
        ctx.pick(["FAMILY G", "Family, Given", "given_family"]),
        st,
        header=ctx.h("ref"),
    )
    yr += lh
    if ctx.p(0.7):
        lab = cv.text(xr3, yr, "Confirmed by:", st)
        ctx.person(
            cv,
            lab.right + size // 2,
            yr,
            i.radiologist,
            ctx.pick(["FAMILY, Given", "given_family"]),
            st,
            header=ctx.h("radiologist"),
        )
    else:
        cv.text(xr3, yr, "Unconfirmed report", st)
    yr += lh
    ctx.pair(cv, xr3, yr, "Loc:", ctx.pick(["CCU", "ED", "Ward 7B", "OPD"]), st)
    ctx.pair(cv, xr3 + 10 * size, yr, "Room:", str(ctx.randint(1, 40)), st)
    yr += lh
    ctx.pair(
        cv,
        xr3,
        yr,
        ctx.pick(["Order#:", "Acct#:", "Req:"]),
        i.ids["acc"],
        st,
        entity="ID",
        header=True,
    )
    yr += lh
    ctx.pair(
        cv,
        xr3,
        yr,
        "Tech:",
        i.operator.form(ctx.pick(["initials", "Family", "G. Family"])),
        st,
        entity="PERSON",
        header=ctx.h("operator"),
    )
    fy = rows - int(10 * pmm)
    cv.text(
        m,
        fy,
        f"25mm/s  10mm/mV  {ctx.pick(['0.05-150 Hz', '0.15-40 Hz', '0.5-100 Hz'])}  {ctx.pick(['50', '60'])}~",
        st,
    )
    cv.text(cols * 0.5, fy, model, st, align="center")
    cv.text(
        cols - m,
        fy,
        i.institution,
        st,
        phi=True,
        entity="ORGANIZATION",
        header=ctx.h("inst"),
        align="right",
    )
    if ctx.p(0.5):
        cv.text(
            cols - m,
            fy + lh,
            ", ".join(i.inst_address),
            st,
            phi=True,
            entity="LOCATION",
            header=ctx.h("inst_addr"),
            align="right",
        )


# ---------------------------------------------------------------------------
# EHR / RIS window


def _fit(cv: Canvas, text: str, st: Style, width: int) -> str:
    """Truncate with an ellipsis, as a table cell does."""
    if cv.measure(text, st)[0] <= width:
        return text
    while len(text) > 3 and cv.measure(text + "...", st)[0] > width:
        text = text[:-1]
    return text.rstrip() + "..."


_VISITS = [
    "CT Abdomen/Pelvis",
    "XR Chest PA",
    "MRI Knee L",
    "US Abdomen",
    "Outpatient visit",
    "ED attendance",
    "Echo",
    "Bloods FBC/U&E",
    "Mammogram",
    "NM Bone scan",
]
_DEPTS = [
    "Radiology",
    "Cardiology",
    "ED",
    "Orthopaedics",
    "Oncology",
    "General Medicine",
]


def ehr_window(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick(
        [(1280, 800), (1440, 900), (1600, 900), (1366, 768), (1920, 1080)]
    )
    spec, _ = _colour_spec(ctx, "OT", "SC", "ehr_window", p_jpeg=0.4)
    cv = Canvas(rows, cols, channels=3)
    pt = Paint(cv)
    theme = ctx.pick(["blue", "teal", "gray"])
    win = (236, 236, 236)
    pt.rect(0, 0, cols, rows, (250, 250, 250))
    ctx.canvas, ctx.spec = cv, spec
    ctx.fill_header(
        study="SCREEN CAPTURE",
        manufacturer=ctx.pick(["Sectra", "Philips", "Cerner", "Agfa HealthCare"]),
        model=ctx.pick(
            ["RIS 21.2", "IntelliSpace", "Millennium", "Enterprise Imaging"]
        ),
        p_ref=0.5,
    )
    size = ctx.randint(12, 15) if cols < 1600 else ctx.randint(13, 17)
    dark = pt.c((20, 20, 20))
    white = pt.c((255, 255, 255))
    st = ctx.style(UI, size, dark, aliased=ctx.p(0.35))
    sw = st.with_(color=white)
    lh = int(st.f.height * 1.45)
    L = i.labels
    # title bar and menu
    tb = int(st.f.height * 1.8)
    bar_col = {"blue": (0, 84, 147), "teal": (0, 110, 120), "gray": (60, 60, 66)}[theme]
    pt.rect(0, 0, cols, tb, bar_col)
    cv.text(
        10,
        (tb - sw.f.height) // 2,
        ctx.pick(
            [
                "PowerRIS 8.3 - [Patient Chart]",
                "Clinical Workstation",
                "RIS/PACS Client - Worklist",
            ]
        ),
        sw,
    )
    for k, glyph in enumerate(("_", "□", "×")):
        cv.text(cols - 20 - k * 30, (tb - sw.f.height) // 2, glyph, sw, align="right")
    mb = tb + int(st.f.height * 1.5)
    pt.rect(0, tb, cols, mb, win)
    menu = ("File", "Edit", "View", "Patient", "Orders", "Reports", "Tools", "Help")
    if ctx.p(0.5):
        cv.text(10, tb + (mb - tb - st.f.height) // 2, "   ".join(menu), st)
    else:
        x = 10
        for word in menu:
            ln = cv.text(x, tb + (mb - tb - st.f.height) // 2, word, st)
            x = ln.right + 18
    # toolbar icons
    tby = mb + 6
    for k in range(ctx.randint(8, 14)):
        colr = ctx.pick(
            [
                (70, 130, 200),
                (90, 170, 90),
                (220, 150, 40),
                (180, 60, 60),
                (120, 120, 120),
            ]
        )
        pt.rect(10 + k * 34, tby, 10 + k * 34 + 26, tby + 26, colr)
    # banner
    by = tby + 38
    bh = int(lh * 2.6)
    ban = {"blue": (225, 236, 248), "teal": (0, 112, 127), "gray": (70, 72, 80)}[theme]
    bst = st if theme == "blue" else sw
    pt.rect(0, by, cols, by + bh, ban)
    big = bst.with_(size=int(size * 1.45), bold=1)
    nm = ctx.person(
        cv,
        14,
        by + 8,
        i.patient,
        ctx.pick(["FAMILY, Given", "Family, Given", "FAMILY GIVEN"]),
        big,
        header=True,
        title=ctx.p(0.4),
    )
    y2 = by + 8 + int(big.f.height * 1.25)
    d = ctx.pair(
        cv,
        14,
        y2,
        L["dob"],
        i.date(i.dob, i.other_date_style()),
        bst,
        entity="DATE_TIME",
        header=True,
    )
    age, ent = ctx.age_line()
    a = cv.text(
        d.right + 8, y2, f"({age})", bst, phi=ent is not None, entity=ent, header=True
    )
    s_ = ctx.pair(cv, a.right + 24, y2, L["sex"], i.patient.sex, bst)
    mr = ctx.pair(
        cv,
        s_.right + 24,
        y2,
        L["mrn"],
        i.ids["pid"],
        bst,
        entity="ID",
        header=ctx.h("pid"),
    )
    if "nhs" in i.ids:
        ctx.pair(
            cv,
            mr.right + 24,
            y2,
            "NHS No:",
            i.ids["nhs"],
            bst,
            entity="ID",
            header=ctx.h("nhs"),
        )
    elif "ssn" in i.ids and ctx.p(0.5):
        ctx.pair(cv, mr.right + 24, y2, "SSN:", i.ids["ssn"], bst, entity="ID")
    ax = max(
        nm.right + 40, cols * 0.5, max(ln.right for ln in cv.lines if ln.y == y2) + 40
    )
    red = pt.c((200, 20, 20)) if theme == "blue" else pt.c((255, 210, 80))
    ctx.pair(
        cv,
        ax,
        by + 10,
        "Allergies:",
        ctx.pick(
            [
                "Penicillin, Latex",
                "NKDA",
                "Iodinated contrast (urticaria)",
                "Codeine; Sulfa",
            ]
        ),
        bst.with_(color=red, bold=1),
    )
    lab = cv.text(ax, y2, ctx.pick(["Attending:", "Consultant:", "GP:"]), bst)
    ctx.person(
        cv,
        lab.right + 6,
        y2,
        i.referring,
        ctx.pick(["FAMILY, Given", "given_family", "G. Family"]),
        bst,
        header=ctx.h("ref"),
    )
    # tabs
    ty = by + bh + 6
    x = 10
    active = ctx.randint(0, 4)
    for k, tab in enumerate(
        ("Summary", "Orders", "Results", "Imaging", "Documents", "Notes")
    ):
        w_ = int(st.f.advance(tab)) + 24
        pt.rect(
            x, ty, x + w_, ty + lh, (255, 255, 255) if k == active else (215, 215, 220)
        )
        cv.text(
            x + 12,
            ty + (lh - st.f.height) // 2,
            tab,
            st.with_(bold=1) if k == active else st,
        )
        x += w_ + 3
    # left nav
    ny = ty + lh + 10
    nav_w = int(cols * 0.14)
    pt.rect(0, ny - 4, nav_w, rows - 26, (242, 244, 247))
    for item in ("Worklist", "Encounters", "Medications", "Problems", "Scanned Docs"):
        if ny + lh > rows - 40:
            break
        cv.text(12, ny, item, st)
        ny += lh
    # encounter table
    tx = nav_w + 16
    tw = int(cols * 0.56)
    yy = ty + lh + 10
    facility = ctx.p(0.5)
    sites = [
        i.institution,
        people.pick(
            ctx.rng,
            [
                "Northside Clinic",
                "Riverside Surgery",
                "St Jude's Day Unit",
                "Mercy Outpatients",
            ],
        ),
    ]
    heads = [
        "Date",
        "Type",
        "Facility" if facility else "Department",
        "Provider",
        "Status",
    ]
    widths = [0.2, 0.26, 0.18, 0.22, 0.14]
    pt.rect(tx, yy, tx + tw, yy + lh, (205, 210, 220))
    xx = tx
    for hname, wf in zip(heads, widths):
        cv.text(xx + 6, yy + (lh - st.f.height) // 2, hname, st.with_(bold=1))
        xx += int(tw * wf)
    yy += lh
    staff = [
        i.referring,
        i.radiologist,
        i.operator,
        people.person(ctx.rng),
        people.person(ctx.rng),
    ]
    stamp = i.study
    nrow = ctx.randint(6, 12)
    for r in range(nrow):
        if yy + lh > rows * 0.62:
            break
        if r % 2:
            pt.rect(tx, yy, tx + tw, yy + lh, (238, 242, 248))
        who = ctx.pick(staff)
        if r:
            stamp = stamp - dt.timedelta(
                days=ctx.randint(3, 300), minutes=ctx.randint(0, 600)
            )
        cells = [
            (
                ctx.dt_text(stamp, i.short_date_style(), "hm")
                if ctx.p(0.5)
                else i.date(stamp.date(), i.short_date_style()),
                "DATE_TIME",
                r == 0,
            ),
            (ctx.pick(_VISITS), None, False),
            (ctx.pick(sites), "ORGANIZATION", False)
            if facility
            else (ctx.pick(_DEPTS), None, False),
            (
                who.form(ctx.pick(["Family, Given", "FAMILY G", "G. Family"])),
                "PERSON",
                (who is i.referring and ctx.h("ref"))
                or (who is i.radiologist and ctx.h("radiologist"))
                or (who is i.operator and ctx.h("operator")),
            ),
            (
                ctx.pick(["Final", "Prelim", "Scheduled", "Signed", "Cancelled"]),
                None,
                False,
            ),
        ]
        xx = tx
        for (txt, ent_, hd), wf in zip(cells, widths):
            txt = _fit(cv, txt, st, int(tw * wf) - 10)
            cv.text(
                xx + 6,
                yy + (lh - st.f.height) // 2,
                txt,
                st,
                phi=ent_ is not None,
                entity=ent_,
                header=bool(hd),
            )
            xx += int(tw * wf)
        yy += lh
    # latest note
    ny0 = yy + lh
    if ny0 + 5 * lh < rows - 30:
        pt.frame_rect(
            tx, ny0, tx + tw, min(rows - 30, ny0 + 7 * lh), (180, 180, 190), 1
        )
        lab = cv.text(tx + 8, ny0 + 6, "Latest note:", st.with_(bold=1))
        au = people.person(ctx.rng)
        nm2 = cv.text(
            lab.right + 8,
            ny0 + 6,
            au.form(ctx.pick(["given_family", "FAMILY, Given"])),
            st,
            phi=True,
            entity="PERSON",
        )
        cv.text(
            nm2.right + 12,
            ny0 + 6,
            ctx.dt_text(
                i.study - dt.timedelta(days=ctx.randint(1, 20)),
                i.short_date_style(),
                "hm",
            ),
            st,
            phi=True,
            entity="DATE_TIME",
        )
        note = ctx.pick(
            [
                [
                    "Pt reviewed in clinic. Symptoms improving.",
                    "Plan: repeat imaging in 6 weeks.",
                    "Discussed with patient and family.",
                ],
                [
                    "Contrast allergy checked - premedication not required.",
                    "eGFR 72. Proceed with CT as booked.",
                ],
                [
                    "Telephone consultation.",
                    "Results explained; GP letter to follow.",
                    "No further action.",
                ],
            ]
        )
        for k, line in enumerate(note):
            if ny0 + (k + 2) * lh + 6 > rows - 32:
                break
            cv.text(tx + 8, ny0 + 6 + (k + 1) * lh, line, st)
    # contact panel
    cx = tx + tw + 20
    cy = ty + lh + 10
    pt.frame_rect(cx - 8, cy - 6, cols - 10, cy + 9 * lh, (180, 180, 190), 1)
    cv.text(cx, cy, "Contact details", st.with_(bold=1))
    cy += lh
    cv.text(cx, cy, L["address"], st)
    cy += lh
    for line in i.patient_address:
        cv.text(
            cx + 12,
            cy,
            line,
            st,
            phi=True,
            entity="LOCATION",
            header=ctx.h("patient_addr"),
        )
        cy += lh
    ctx.pair(
        cv,
        cx,
        cy,
        L["tel"],
        i.patient_phone,
        st,
        entity="PHONE_NUMBER",
        header=ctx.h("patient_phone"),
    )
    cy += lh
    if ctx.p(0.6):
        ctx.pair(cv, cx, cy, L["email"], i.patient_email, st, entity="EMAIL_ADDRESS")
        cy += lh
    cv.text(cx, cy, "Next of kin:", st)
    cy += lh
    kin = people.Person(
        i.relative.given,
        i.patient.family if ctx.p(0.6) else i.relative.family,
        i.relative.sex,
    )
    k_ = cv.text(cx + 12, cy, kin.form("given_family"), st, phi=True, entity="PERSON")
    cv.text(
        k_.right + 6,
        cy,
        ctx.pick(["(daughter)", "(son)", "(spouse)", "(partner)", "(mother)"]),
        st,
    )
    cy += lh
    cv.text(cx + 12, cy, i.relative_phone, st, phi=True, entity="PHONE_NUMBER")
    # status bar
    sy = rows - 24
    pt.rect(0, sy, cols, rows, (225, 225, 228))
    small = st.with_(size=max(10, size - 2))
    yb = sy + (24 - small.f.height) // 2
    login = (
        i.operator.given[0] + i.operator.family.replace(" ", "").replace("'", "")
    ).lower()
    lab = cv.text(10, yb, "User:", small)
    cv.text(
        lab.right + 4,
        yb,
        people.ascii_fold(login),
        small,
        phi=True,
        entity="PERSON",
        header=ctx.h("operator"),
    )
    cv.text(cols * 0.3, yb, f"Server: RISPROD{ctx.randint(1, 9):02d}", small)
    cv.text(cols * 0.5, yb, "Ready", small)
    if ctx.p(0.5):
        cv.text(
            cols - 10, yb, people.fmt_time(i.study.time(), "hm"), small, align="right"
        )
    else:
        cv.text(
            cols - 10,
            yb,
            ctx.dt_text(time_style="hm"),
            small,
            phi=True,
            entity="DATE_TIME",
            header=True,
            align="right",
        )


# ---------------------------------------------------------------------------
# 3D volume rendering


def _shade_blobs(ctx: Ctx, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Height field and colour of a few shaded ellipsoids and tubes."""
    zbuf = np.zeros((rows, cols), np.float32)
    colr = np.zeros((rows, cols, 3), np.float32)
    light = np.array([-0.4, -0.5, 0.77])
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    bone = np.array([235, 225, 200], np.float32)
    for _ in range(ctx.randint(3, 6)):
        cy, cx = ctx.uniform(0.3, 0.7) * rows, ctx.uniform(0.3, 0.7) * cols
        ry, rx = ctx.uniform(0.08, 0.25) * rows, ctx.uniform(0.08, 0.25) * cols
        d2 = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2
        inside = d2 < 1
        z = np.sqrt(np.clip(1 - d2, 0, 1))
        nx, ny = (xx - cx) / rx, (yy - cy) / ry
        shade = np.clip(-light[0] * nx - light[1] * ny + light[2] * z, 0.1, 1)
        upd = inside & (z * ry > zbuf)
        zbuf[upd] = (z * ry)[upd]
        colr[upd] = bone * shade[upd][:, None]
    tubes = np.zeros((rows, cols), np.uint8)
    for _ in range(ctx.randint(2, 4)):
        x, y = ctx.uniform(0.3, 0.7) * cols, ctx.uniform(0.1, 0.3) * rows
        ang = ctx.uniform(1.2, 1.9)
        pts = [(x, y)]
        for _ in range(30):
            ang += ctx.uniform(-0.2, 0.2)
            x += rows / 45 * np.cos(ang)
            y += rows / 45 * np.sin(ang)
            pts.append((x, y))
        cv2.polylines(tubes, [np.array(pts, np.int32)], False, 255, max(6, rows // 50))
    dist = cv2.distanceTransform(tubes, cv2.DIST_L2, 5)
    r = max(3.0, rows / 100)
    tz = np.sqrt(np.clip(1 - (1 - np.clip(dist / r, 0, 1)) ** 2, 0, 1))
    on = tubes > 0
    colr[on] = np.array([210, 50, 45], np.float32) * (0.25 + 0.75 * tz[on])[:, None]
    zbuf[on] = np.maximum(zbuf[on], 1)
    return zbuf, colr


def vr3d(ctx: Ctx) -> None:
    i = ctx.id
    n = ctx.pick([512, 768, 1024])
    cols = n if ctx.p(0.6) else int(n * 4 / 3)
    spec, _ch = _colour_spec(ctx, "CT", "SC", "vr3d", p_jpeg=0.4)
    cv = Canvas(n, cols, channels=3)
    grad = np.linspace(0, 1, n)[:, None, None]
    top_c = np.array(ctx.pick([(0, 0, 0), (10, 20, 60), (40, 40, 40)]), np.float32)
    bot_c = np.array(ctx.pick([(0, 0, 0), (60, 80, 120), (0, 0, 20)]), np.float32)
    cv.img[0] = top_c * (1 - grad) + bot_c * grad
    zb, col = _shade_blobs(ctx, n, cols)
    cv.img[0][zb > 0] = col[zb > 0]
    ctx.canvas, ctx.spec = cv, spec
    ctx.fill_header(
        study="CTA 3D RECONSTRUCTION",
        series="VRT",
        manufacturer=ctx.pick(["Siemens", "Vital Images", "TeraRecon", "Philips"]),
        model=ctx.pick(
            ["syngo.via", "Vitrea", "Aquarius iNtuition", "IntelliSpace Portal"]
        ),
    )
    ctx.put("ImageType", ["DERIVED", "SECONDARY", "VOLUME"])
    size = ctx.randint(12, 16) if n <= 768 else ctx.randint(15, 22)
    colr = ctx.pick([(255, 255, 255), (255, 255, 0), (200, 230, 255)])
    st = ctx.style(
        OVERLAY,
        size,
        tuple(float(v) for v in colr),
        shadow=(0.0, 0.0, 0.0) if ctx.p(0.4) else None,
    )
    lh = int(st.f.height * 1.2)
    L = i.labels
    m = 8
    y = m
    ctx.person(cv, m, y, i.patient, ctx.name_form(), st, header=True, title=False)
    y += lh
    ctx.pair(cv, m, y, None, i.ids["pid"], st, entity="ID", header=ctx.h("pid"))
    y += lh
    ctx.pair(
        cv,
        m,
        y,
        L["dob"],
        i.date(i.dob, i.other_date_style()),
        st,
        entity="DATE_TIME",
        header=True,
    )
    y = m
    if ctx.p(0.8):
        cv.text(
            cols - m,
            y,
            i.institution,
            st,
            phi=True,
            entity="ORGANIZATION",
            header=ctx.h("inst"),
            align="right",
        )
        y += lh
    cv.text(
        cols - m,
        y,
        ctx.dt_text(),
        st,
        phi=True,
        entity="DATE_TIME",
        header=True,
        align="right",
    )
    y += lh
    cv.text(cols - m, y, ctx.pick(["VRT", "VR", "3D"]), st, align="right")
    yb = n - m - 3 * lh
    cv.text(
        m, yb, f"Preset: {ctx.pick(['Bone', 'Angio', 'CTA Runoff', 'Cardiac'])}", st
    )
    cv.text(m, yb + lh, f"Zoom: {ctx.uniform(0.8, 2.5):.2f}", st)
    cv.text(m, yb + 2 * lh, f"W {ctx.randint(300, 2000)} L {ctx.randint(40, 500)}", st)
    pt = Paint(cv)
    sb = n // 6
    pt.line((cols - m - sb, n - m - lh - 4), (cols - m, n - m - lh - 4), colr, 2)
    cv.text(
        cols - m - sb / 2,
        n - m - lh,
        ctx.pick(["5 cm", "50 mm", "10 cm"]),
        st,
        align="center",
    )
    for lab, (x, y_) in (
        ("A", (cols / 2, m)),
        ("P", (cols / 2, n - m - lh)),
        ("R", (m, n / 2)),
        ("L", (cols - m - size, n / 2)),
    ):
        cv.text(x, y_, lab, st, align="center" if lab in "AP" else "left")
    if ctx.p(0.4):
        lab = cv.text(m, yb - lh, "Ref:", st)
        ctx.person(
            cv, lab.right + 6, yb - lh, i.referring, "FAMILY G", st, header=ctx.h("ref")
        )


# ---------------------------------------------------------------------------
# scanned request form


def request_form(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(1240, 1754), (1000, 1414), (1100, 1556), (1275, 1650)])
    spec = Spec(
        "OT",
        "SC",
        "MONOCHROME2",
        8,
        8,
        jpeg=ctx.p(0.45),
        jpeg_quality=ctx.randint(85, 95),
        scene="request_form",
    )
    cv = Canvas(rows, cols)
    paper = (
        240
        - 12 * smooth_noise(ctx.rng, rows, cols, cols / 3)
        + ctx.rng.normal(0, 2.5, (rows, cols))
    )
    cv.img[0] = paper
    ctx.canvas, ctx.spec = cv, spec
    ctx.fill_header(
        study="SCANNED DOCUMENT",
        series="Request form",
        manufacturer=ctx.pick(["Fujitsu", "Canon", "Kodak"]),
        model=ctx.pick(["fi-7160", "DR-C225", "i2620"]),
        p_ref=0.6,
    )
    ctx.put("ConversionType", "DF")
    ink = ctx.uniform(15, 45)
    size = ctx.randint(15, 20) if cols >= 1200 else ctx.randint(13, 17)
    pst = ctx.style(PRINT, size, ink, aliased=ctx.p(0.4))
    fst = ctx.style(
        ["cmtt", "mono", "cond", "times", "hershey-simplex", "sans"],
        size + ctx.randint(0, 3),
        ctx.uniform(10, 60),
        aliased=ctx.p(0.4),
    )
    lh = int(max(pst.f.height, fst.f.height) * 1.45)
    L = i.labels
    m = int(cols * 0.06)
    img = cv.img[0]

    def hline(y, x0=m, x1=cols - m, t=1):
        cv2.line(img, (int(x0), int(y)), (int(x1), int(y)), ink, t)

    y = m
    big = pst.with_(size=int(size * 1.4), bold=1)
    cv.text(
        m, y, i.institution, big, phi=True, entity="ORGANIZATION", header=ctx.h("inst")
    )
    y += int(big.f.height * 1.3)
    cv.text(
        m,
        y,
        ", ".join(i.inst_address),
        pst,
        phi=True,
        entity="LOCATION",
        header=ctx.h("inst_addr"),
    )
    y += lh
    t = ctx.pair(cv, m, y, L["tel"], i.inst_phone, pst, entity="PHONE_NUMBER")
    t = ctx.pair(
        cv, t.right + 2 * size, y, L["fax"], i.inst_fax, pst, entity="PHONE_NUMBER"
    )
    if ctx.p(0.5):
        ctx.pair(
            cv,
            t.right + 2 * size,
            y,
            L["email"],
            i.inst_email,
            pst,
            entity="EMAIL_ADDRESS",
        )
    y += lh
    hline(y, t=2)
    y += lh // 2
    cv.text(
        cols / 2,
        y,
        ctx.pick(
            [
                "RADIOLOGY REQUEST FORM",
                "IMAGING REQUEST",
                "REQUEST FOR X-RAY / CT / MRI",
            ]
        ),
        big,
        align="center",
    )
    y += int(lh * 1.4)

    def section(title, y):
        cv2.rectangle(img, (m, int(y)), (cols - m, int(y + lh)), ink + 170, -1)
        cv.text(m + 8, y + (lh - pst.f.height) // 2, title, pst.with_(bold=1))
        return y + int(lh * 1.2)

    y = section("PATIENT DETAILS", y)
    c2 = cols * 0.52
    ctx.pair(
        cv,
        m,
        y,
        "Surname:",
        i.patient.family.upper() if ctx.p(0.5) else i.patient.family,
        pst,
        vst=fst,
        entity="PERSON",
        header=True,
    )
    ctx.pair(
        cv,
        c2,
        y,
        "Forename(s):",
        f"{i.patient.given} {i.patient.middle}".strip(),
        pst,
        vst=fst,
        entity="PERSON",
        header=True,
    )
    y += lh
    ctx.pair(
        cv,
        m,
        y,
        L["dob"],
        i.date(i.dob, i.other_date_style()),
        pst,
        vst=fst,
        entity="DATE_TIME",
        header=True,
    )
    ctx.pair(
        cv,
        c2,
        y,
        "Hospital No:",
        i.ids["pid"],
        pst,
        vst=fst,
        entity="ID",
        header=ctx.h("pid"),
    )
    y += lh
    if "nhs" in i.ids:
        ctx.pair(
            cv,
            m,
            y,
            "NHS No:",
            i.ids["nhs"],
            pst,
            vst=fst,
            entity="ID",
            header=ctx.h("nhs"),
        )
        y += lh
    lab = cv.text(m, y, L["address"], pst)
    for line in i.patient_address:
        cv.text(
            lab.right + size,
            y,
            line,
            fst,
            phi=True,
            entity="LOCATION",
            header=ctx.h("patient_addr"),
        )
        y += lh
    ctx.pair(
        cv,
        m,
        y,
        L["tel"],
        i.patient_phone,
        pst,
        vst=fst,
        entity="PHONE_NUMBER",
        header=ctx.h("patient_phone"),
    )
    ctx.pair(
        cv,
        c2,
        y,
        "Ward/Clinic:",
        ctx.pick(["OPD 3", "Ward 12", "ED", "Fracture clinic"]),
        pst,
        vst=fst,
    )
    y += int(lh * 1.3)
    y = section("EXAMINATION REQUESTED", y)
    cv.text(
        m,
        y,
        ctx.pick(
            [
                "CT Abdomen/Pelvis with IV contrast",
                "MRI Lumbar Spine",
                "US Pelvis (transvaginal)",
                "XR Chest PA",
                "CT Head non-contrast",
            ]
        ),
        fst,
    )
    y += int(lh * 1.3)
    y = section("CLINICAL DETAILS", y)
    for line in ctx.pick(
        [
            ["RIF pain 3/7, raised CRP 86.", "? appendicitis / ? ovarian pathology"],
            [
                "Low back pain radiating to L leg.",
                "No red flags. Failed conservative Rx.",
            ],
            ["Cough 6 weeks, ex-smoker.", "Weight loss. ? malignancy"],
        ]
    ):
        cv.text(m, y, line, fst)
        y += lh
    if i.patient.sex == "F" and ctx.p(0.8):
        ctx.pair(
            cv,
            m,
            y,
            "LMP:",
            i.date(
                i.study.date() - dt.timedelta(days=ctx.randint(3, 40)),
                i.other_date_style(),
            ),
            pst,
            vst=fst,
            entity="DATE_TIME",
        )
        ctx.pair(cv, c2, y, "Pregnant:", ctx.pick(["No", "Not known"]), pst, vst=fst)
        y += lh
    ctx.pair(cv, m, y, "eGFR:", str(ctx.randint(35, 110)), pst, vst=fst)
    ctx.pair(cv, c2, y, "Weight:", f"{ctx.randint(45, 120)} kg", pst, vst=fst)
    y += int(lh * 1.3)
    if ctx.p(0.6) and y + 6 * lh < rows * 0.6:
        y = section("GENERAL PRACTITIONER", y)
        gp = people.person(ctx.rng)
        gp.title = ctx.pick(["Dr", "Dr."])
        lab = cv.text(m, y, "GP:", pst)
        ctx.person(cv, lab.right + size, y, gp, "given_family", fst, header=False)
        ctx.pair(
            cv,
            c2,
            y,
            L["tel"],
            people.LOCALES[i.locale]["phone"](ctx.rng),
            pst,
            vst=fst,
            entity="PHONE_NUMBER",
        )
        y += lh
        lab = cv.text(m, y, "Practice:", pst)
        cv.text(
            lab.right + size,
            y,
            ", ".join(people.LOCALES[i.locale]["address"](ctx.rng)),
            fst,
            phi=True,
            entity="LOCATION",
        )
        y += int(lh * 1.3)
    y = section("REFERRER", y)
    lab = cv.text(m, y, "Requesting clinician:", pst)
    ctx.person(
        cv,
        lab.right + size,
        y,
        i.referring,
        ctx.pick(["given_family", "G. Family", "FAMILY G"]),
        fst,
        header=ctx.h("ref"),
    )
    y += lh
    lab = cv.text(m, y, "Consultant:", pst)
    consultant = people.person(ctx.rng)
    ctx.person(
        cv,
        lab.right + size,
        y,
        consultant,
        ctx.pick(["given_family", "Family"]),
        fst,
        header=False,
        title=False,
    )
    ctx.pair(
        cv,
        c2,
        y,
        "Date:",
        i.date(
            i.study.date() - dt.timedelta(days=ctx.randint(1, 30)), i.other_date_style()
        ),
        pst,
        vst=fst,
        entity="DATE_TIME",
    )
    y += lh
    lab = cv.text(m, y + lh * 0.3, "Signature:", pst)
    sx = lab.right + size
    pts = [
        (sx + k * 6, y + lh * 0.6 + 10 * np.sin(k * ctx.uniform(0.6, 1.2)))
        for k in range(30)
    ]
    cv2.polylines(img, [np.array(pts, np.int32)], False, ink, 2, cv2.LINE_AA)
    y += int(lh * 1.8)
    if y + 3 * lh < rows - m:
        y = section("FOR RADIOLOGY USE", y)
        ctx.pair(
            cv,
            m,
            y,
            "Vetted by:",
            i.radiologist.form("initials"),
            pst,
            vst=fst,
            entity="PERSON",
            header=ctx.h("radiologist"),
        )
        ctx.pair(
            cv,
            c2,
            y,
            "Protocol:",
            ctx.pick(["CT AP portal venous", "MR L-spine routine", "Standard"]),
            pst,
            vst=fst,
        )
        y += lh
        appt = i.study + dt.timedelta(days=ctx.randint(0, 1))
        ctx.pair(
            cv,
            m,
            y,
            "Appointment:",
            ctx.dt_text(appt, i.other_date_style(), "hm"),
            pst,
            vst=fst,
            entity="DATE_TIME",
            header=True,
        )
        y += int(lh * 1.5)
    if y + 4 * lh < rows - m - lh and ctx.p(0.4):
        y = section("SAFETY CHECKLIST", y)
        for q in (
            "Pacemaker / ICD?",
            "Metal fragments in eyes?",
            "Previous surgery in last 6 weeks?",
            "Claustrophobia?",
            "Contrast reaction before?",
            "Diabetic on metformin?",
        ):
            if y + lh > rows - m - lh:
                break
            cv.text(m, y, q, pst)
            for k, ans in enumerate(("Yes", "No")):
                bx = int(cols * 0.6 + k * cols * 0.15)
                cv2.rectangle(
                    img, (bx, int(y + 3)), (bx + size, int(y + 3 + size)), ink, 1
                )
                if (k == 1) != ctx.p(0.1):
                    cv2.line(
                        img,
                        (bx + 2, int(y + 5)),
                        (bx + size - 2, int(y + 1 + size)),
                        ink,
                        2,
                    )
                    cv2.line(
                        img,
                        (bx + size - 2, int(y + 5)),
                        (bx + 2, int(y + 1 + size)),
                        ink,
                        2,
                    )
                cv.text(bx + size + 8, y, ans, pst)
            y += lh
    cv.text(
        cols - m,
        rows - m,
        ctx.pick(["Form RAD-01 v3", "RR/2019/4", "Rev. 07/21"]),
        pst.with_(size=max(11, size - 4)),
        align="right",
    )
