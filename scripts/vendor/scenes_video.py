"""Ultrasound and endoscopy, still or cine: a vendor layout with a vertical parameter
strip, obstetric biometry with GA/EDD/LMP, echocardiography cines with an ECG trace,
and endoscopy frames. Text that changes per frame (clock, frame counter, heart
rate) is one line per frame; some lines are shown on part of the clip only.
"""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import people
from dcmwrite import Spec
from render import Canvas, ellipse_mask, fractal
from scenebase import CONSOLE, OVERLAY, UI, Ctx
from scenes_screen import Paint

_TEXT_COLOURS = [
    (255, 255, 255),
    (255, 255, 255),
    (255, 255, 0),
    (0, 255, 255),
    (140, 255, 140),
    (230, 230, 230),
]


def _us_spec(ctx: Ctx, nf: int, scene: str, modality: str = "US") -> Spec:
    sop = ("US-MF" if modality == "US" else "SC-MF-RGB") if nf > 1 else modality
    if ctx.p(0.45):
        return Spec(
            modality,
            sop,
            "YBR_FULL_422",
            8,
            8,
            jpeg=True,
            jpeg_quality=ctx.randint(88, 96),
            frame_time=1000 / ctx.pick([15, 20, 25, 30]),
            scene=scene,
        )
    return Spec(
        modality,
        sop,
        "RGB",
        8,
        8,
        frame_time=1000 / ctx.pick([15, 20, 25, 30]),
        scene=scene,
    )


def _sector_mask(rows, cols, apex, r0, r1, half, linear=False):
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    if linear:
        w = r1 * np.tan(half) * 0.6
        m = (yy >= apex[1] + r0) & (yy <= apex[1] + r1) & (np.abs(xx - apex[0]) <= w)
        depth = (yy - apex[1] - r0) / (r1 - r0)
        return m, np.clip(depth, 0, 1)
    dx, dy = xx - apex[0], yy - apex[1]
    r = np.hypot(dx, dy)
    th = np.arctan2(dx, dy)
    m = (r >= r0) & (r <= r1) & (np.abs(th) <= half)
    return m, np.clip((r - r0) / (r1 - r0), 0, 1)


def _speckle(ctx: Ctx, rows, cols) -> np.ndarray:
    s = ctx.rng.rayleigh(0.55, (rows // 2, cols // 2)).astype(np.float32)
    s = cv2.GaussianBlur(s, (0, 0), sigmaX=1.2, sigmaY=0.6)
    return cv2.resize(s, (cols, rows), interpolation=cv2.INTER_LINEAR)


def _us_frames(
    ctx: Ctx, rows, cols, nf, apex, r0, r1, half, linear, extra=None
) -> list[np.ndarray]:
    mask, depth = _sector_mask(rows, cols, apex, r0, r1, half, linear)
    struct = 0.35 + 0.45 * fractal(ctx.rng, rows, cols, cols / 6)
    for _ in range(ctx.randint(1, 3)):
        cyst = ellipse_mask(
            rows,
            cols,
            apex[1] + r0 + (r1 - r0) * ctx.uniform(0.3, 0.8),
            apex[0] + ctx.uniform(-0.2, 0.2) * r1,
            ctx.uniform(0.03, 0.08) * rows,
            ctx.uniform(0.04, 0.1) * cols,
        )
        struct[cyst] *= 0.15
    for _ in range(ctx.randint(1, 3)):
        yline = apex[1] + r0 + (r1 - r0) * ctx.uniform(0.1, 0.9)
        cv2.ellipse(
            struct,
            (int(apex[0]), int(apex[1])),
            (int(yline - apex[1]), int(yline - apex[1])),
            90,
            -40,
            40,
            1.0,
            2,
        )
    speck0 = _speckle(ctx, rows, cols)
    out = []
    for f in range(nf):
        sp = 0.7 * speck0 + 0.3 * _speckle(ctx, rows, cols) if f else speck0
        s = struct.copy()
        if extra is not None:
            extra(s, f)
        img = s * sp * (1.0 - 0.45 * depth)
        out.append(np.where(mask, np.clip(img, 0, 1.4) / 1.4, 0.0).astype(np.float32))
    return out


def _to_rgb(gray: np.ndarray, tint) -> np.ndarray:
    return gray[..., None] * np.array(tint, np.float32)[None, None, :] * 255.0


def _banner(ctx: Ctx, cv: Canvas, st, bh: int, *, per_frame_clock: bool) -> None:
    """Top banner: institution, patient, ID, date-time (a running clock if asked)."""
    i = ctx.id
    m = 8
    cols = cv.cols
    gap = 2 * st.size
    ctx.pair(
        cv, m, 4, None, i.institution, st, entity="ORGANIZATION", header=ctx.h("inst")
    )
    y2 = 4 + bh // 2
    ln = ctx.person(cv, m, y2, i.patient, ctx.name_form(), st, header=True, title=False)
    ln = ctx.pair(
        cv,
        ln.right + gap,
        y2,
        ctx.pick(["ID:", i.labels["pid"]]),
        i.ids["pid"],
        st,
        entity="ID",
        header=ctx.h("pid"),
    )
    if ctx.p(0.5):
        ctx.pair(
            cv,
            ln.right + gap,
            y2,
            i.labels["dob"],
            i.date(i.dob, i.short_date_style()),
            st,
            entity="DATE_TIME",
            header=True,
        )
    elif ctx.p(0.5):
        ctx.pair(
            cv, ln.right + gap, y2, "Acc:", i.ids["acc"], st, entity="ID", header=True
        )
    if per_frame_clock:
        for f in range(cv.nframes):
            t = i.study + dt.timedelta(seconds=f)
            cv.text(
                cols - m,
                4,
                ctx.dt_text(t, time_style="hms") if f == 0 else _same_style_dt(ctx, t),
                st,
                phi=True,
                entity="DATE_TIME",
                header=True,
                frames=[f],
                align="right",
            )
    else:
        cv.text(
            cols - m,
            4,
            ctx.dt_text(),
            st,
            phi=True,
            entity="DATE_TIME",
            header=True,
            align="right",
        )


def _same_style_dt(ctx: Ctx, t: dt.datetime) -> str:
    return f"{people.fmt_date(t.date(), ctx.id.date_style)} {people.fmt_time(t.time(), 'hms')}"


# ---------------------------------------------------------------------------


def us_strip(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(1024, 768), (800, 600), (1280, 960), (960, 720)])
    nf = ctx.cine(4, 10) if ctx.p(0.5) else 1
    spec = _us_spec(ctx, nf, "us_strip")
    cv = Canvas(rows, cols, frames=nf, channels=3)
    bh = int(rows * 0.09)
    strip_w = int(cols * 0.14)
    linear = ctx.p(0.3)
    apex = (strip_w + (cols - strip_w) * 0.47, bh + 10)
    r1 = rows - bh - 50
    frames = _us_frames(
        ctx,
        rows,
        cols,
        nf,
        apex,
        0 if linear else rows * 0.05,
        r1,
        np.radians(ctx.uniform(30, 38)),
        linear,
    )
    tint = ctx.pick([(1, 1, 1), (1, 1, 1), (1.0, 0.95, 0.85), (0.9, 0.95, 1.0)])
    for f in range(nf):
        cv.img[f] = _to_rgb(frames[f], tint)
    pt = Paint(cv)
    pt.rect(0, 0, cols, bh, (28, 28, 34))
    pt.line((strip_w - 4, bh + 4), (strip_w - 4, rows - 8), (90, 90, 90), 1)
    # gray bar
    gb = np.linspace(255, 0, int(rows * 0.25))[:, None, None] * np.ones((1, 10, 3))
    for f in range(nf):
        cv.img[f, rows - int(rows * 0.25) - 40 : rows - 40, 12:22] = gb
    ctx.canvas, ctx.spec = cv, spec
    maker, model = ctx.pick(
        [
            ("GE Healthcare", "LOGIQ E10"),
            ("Mindray", "Resona 7"),
            ("Samsung Medison", "RS85"),
            ("Esaote", "MyLab X8"),
            ("Canon Medical", "Aplio i800"),
            ("FUJIFILM SonoSite", "SonoSite PX"),
        ]
    )
    preset = ctx.pick(
        [
            "Abdomen",
            "Renal",
            "Thyroid",
            "Carotid",
            "Liver",
            "MSK Shoulder",
            "Testis",
            "Breast",
        ]
    )
    ctx.fill_header(
        study=f"US {preset.upper()}", manufacturer=maker, model=model, p_reader=0.0
    )
    size = ctx.randint(12, 15) if cols <= 1024 else ctx.randint(14, 18)
    colr = tuple(float(v) for v in ctx.pick(_TEXT_COLOURS))
    st = ctx.style(OVERLAY + CONSOLE, size, colr)
    sw = st.with_(color=(255.0, 255.0, 255.0))
    lh = int(st.f.height * 1.25)
    _banner(ctx, cv, sw, bh, per_frame_clock=nf > 1 and ctx.p(0.7))
    probe = ctx.pick(["C5-1", "L12-3", "C1-6-D", "9L-D", "SC6-1", "L18-5"])
    params = [
        probe,
        preset,
        f"MI {ctx.uniform(0.4, 1.4):.1f}",
        f"TIs {ctx.uniform(0.1, 1.2):.1f}",
        ctx.pick(["B", "2D", "B-Mode"]),
        f"Frq {ctx.uniform(2, 14):.1f}",
        f"Gn {ctx.randint(30, 80)}",
        f"D {ctx.uniform(3, 22):.1f}",
        f"DR {ctx.randint(50, 90)}",
        f"FR {ctx.randint(12, 60)}",
        ctx.pick(["E/A 3/2", "Map 4", "SRI 2", "CHI", "AO 100%", "P 90%"]),
        ctx.pick(["FA 3", "Persist 2", "THI", "SCI"]),
    ]
    y = bh + 12
    for s in params[: ctx.randint(7, len(params))]:
        cv.text(10, y, s, st)
        y += lh
    # depth scale on the right
    dmax = ctx.pick([5, 10, 15, 20])
    for k in range(0, dmax + 1, 5 if dmax > 5 else 1):
        yy = bh + 10 + (r1) * k / dmax
        pt.line((cols - 40, yy), (cols - 30, yy), (200, 200, 200), 1)
        if k % 5 == 0:
            cv.text(cols - 44, yy - size / 2, str(k), st, align="right")
    yb = rows - lh - 6
    lab = cv.text(strip_w + 6, yb, ctx.pick(["Sonographer:", "Op:", "Sono:"]), sw)
    so = ctx.person(
        cv,
        lab.right + 6,
        yb,
        i.operator,
        ctx.pick(["initials", "given_family", "G. Family"]),
        sw,
        header=ctx.h("operator"),
        title=False,
    )
    if ctx.p(0.5):
        lab = cv.text(so.right + 3 * size, yb, ctx.pick(["Ref:", "Req. by:"]), sw)
        ctx.person(
            cv,
            lab.right + 6,
            yb,
            i.referring,
            ctx.pick(["FAMILY G", "G. Family"]),
            sw,
            header=ctx.h("ref"),
        )
    if nf > 1:
        for f in range(nf):
            cv.text(cols - 8, yb, f"{f + 1}/{nf}", sw, frames=[f], align="right")
        if ctx.p(0.5):
            k = ctx.randint(1, nf - 1)
            cx, cy = int(apex[0]), int(bh + r1 * 0.5)
            for f in range(k, nf):
                cv2.drawMarker(
                    cv.img[f], (cx - 40, cy), (255, 255, 0), cv2.MARKER_CROSS, 12, 1
                )
                cv2.drawMarker(
                    cv.img[f], (cx + 40, cy), (255, 255, 0), cv2.MARKER_CROSS, 12, 1
                )
            cv.text(
                strip_w + 8,
                rows - 2 * lh - 10,
                f"D1 {ctx.uniform(0.5, 6):.2f} cm",
                st,
                frames=list(range(k, nf)),
            )
    else:
        cv.text(cols - 8, yb, people.fmt_time(i.study.time(), "hms"), sw, align="right")


def us_obstetric(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(1024, 768), (1280, 960), (960, 720), (1136, 852)])
    nf = ctx.cine(4, 6) if ctx.p(0.3) else 1
    spec = _us_spec(ctx, nf, "us_obstetric")
    cv = Canvas(rows, cols, frames=nf, channels=3)
    bh = int(rows * 0.085)
    apex = (cols * 0.4, bh + 8)
    r1 = rows - bh - 40
    hc = (int(cols * 0.4), int(bh + r1 * 0.55))
    ax = (int(r1 * 0.2), int(r1 * 0.16))

    def head(s, f):
        cv2.ellipse(s, hc, ax, 15, 0, 360, 0.12, -1)
        cv2.ellipse(s, hc, ax, 15, 0, 360, 1.3, max(3, rows // 150))
        cv2.line(
            s,
            (hc[0] - int(ax[0] * 0.8), hc[1] - int(ax[0] * 0.2)),
            (hc[0] + int(ax[0] * 0.8), hc[1] + int(ax[0] * 0.2)),
            0.8,
            2,
        )

    frames = _us_frames(
        ctx, rows, cols, nf, apex, rows * 0.04, r1, np.radians(35), False, head
    )
    for f in range(nf):
        cv.img[f] = _to_rgb(frames[f], (1.0, 0.97, 0.9))
    pt = Paint(cv)
    pt.rect(0, 0, cols, bh, (20, 20, 24))
    # callipers (dotted) on the head
    th = np.radians(15)
    for sgn in (-1, 1):
        p = (hc[0] + sgn * ax[0] * np.cos(th), hc[1] + sgn * ax[0] * np.sin(th))
        for f in range(nf):
            cv2.drawMarker(
                cv.img[f],
                (int(p[0]), int(p[1])),
                (255, 255, 0),
                cv2.MARKER_CROSS,
                14,
                2,
            )
    for t in np.linspace(-1, 1, 25):
        p = (hc[0] + t * ax[0] * np.cos(th), hc[1] + t * ax[0] * np.sin(th))
        for f in range(nf):
            cv2.circle(cv.img[f], (int(p[0]), int(p[1])), 1, (255, 255, 0), -1)
    ctx.canvas, ctx.spec = cv, spec
    maker, model = ctx.pick(
        [
            ("GE Healthcare", "Voluson E10"),
            ("Samsung Medison", "HERA W10"),
            ("Philips", "EPIQ Elite"),
            ("Canon Medical", "Aplio a550"),
        ]
    )
    ctx.fill_header(
        study="US OB 2ND TRIMESTER",
        manufacturer=maker,
        model=model,
        p_reader=0.0,
        p_ref=0.4,
    )
    size = ctx.randint(12, 15) if cols <= 1024 else ctx.randint(14, 18)
    colr = tuple(float(v) for v in ctx.pick(_TEXT_COLOURS))
    sw = ctx.style(OVERLAY + UI, size, (255.0, 255.0, 255.0))
    st = sw.with_(color=colr)
    lh = int(st.f.height * 1.3)
    _banner(ctx, cv, sw, bh, per_frame_clock=False)
    cv.text(
        10, bh + 8, f"{ctx.pick(['RAB6-D', 'C1-5-D', 'eM6C', 'CA1-7A'])}  OB 2/3", sw
    )
    # biometry table on a translucent box
    lmp = i.study.date() - dt.timedelta(days=ctx.randint(140, 200))
    ga_days = (i.study.date() - lmp).days
    edd = lmp + dt.timedelta(days=280)
    box = st.with_(box=(0.0, 0.0, 0.0), box_alpha=ctx.uniform(0.45, 0.7), box_pad=3)
    bx = int(cols * 0.7)
    y = bh + 14
    cv.text(
        bx, y, ctx.pick(["OB Report", "Biometry", "Fetal Biometry"]), box.with_(bold=1)
    )
    y += lh
    ds = i.other_date_style() if ctx.p(0.5) else i.date_style
    ctx.pair(cv, bx, y, "LMP", people.fmt_date(lmp, ds), box, entity="DATE_TIME")
    y += lh
    ctx.pair(cv, bx, y, "GA(LMP)", f"{ga_days // 7}w{ga_days % 7}d", box)
    y += lh
    ctx.pair(cv, bx, y, "EDD(LMP)", people.fmt_date(edd, ds), box, entity="DATE_TIME")
    y += int(lh * 1.3)
    colx = [bx, bx + int(size * 4.5), bx + int(size * 11)]
    bpd = ctx.uniform(45, 65)
    one_line = ctx.p(0.5)
    for name, lo, hi, unit in (
        ("BPD", bpd, bpd, "mm"),
        ("HC", 170, 240, "mm"),
        ("AC", 150, 220, "mm"),
        ("FL", 30, 48, "mm"),
    ):
        g = ga_days + ctx.randint(-6, 6)
        cells = [name, f"{ctx.uniform(lo, hi):.1f} {unit}", f"{g // 7}w{g % 7}d"]
        if one_line:
            cv.text(colx[0], y, "  ".join(cells), box)
        else:
            for cx_, cell in zip(colx, cells):
                cv.text(cx_, y, cell, box)
        y += lh
    ctx.pair(cv, bx, y, "EFW", f"{ctx.randint(300, 900)} g", box)
    y += lh
    ctx.pair(
        cv,
        bx,
        y,
        "EDD(AUA)",
        people.fmt_date(edd + dt.timedelta(days=ctx.randint(-5, 5)), ds),
        box,
        entity="DATE_TIME",
    )
    y += lh
    ctx.pair(cv, bx, y, "FHR", f"{ctx.randint(130, 165)} bpm", box)
    yb = rows - lh - 8
    ctx.pair(cv, 10, yb, None, f"G{ctx.randint(1, 4)} P{ctx.randint(0, 3)}", sw)
    age, ent = ctx.age_line()
    ctx.pair(cv, 10, yb - lh, i.labels["age"], age, sw, entity=ent, header=True)
    lab = cv.text(cols * 0.3, yb, ctx.pick(["Midwife:", "Ref:", "Referrer:"]), sw)
    if ctx.p(0.5):
        who, hd = people.person(ctx.rng, sex="F"), False
    else:
        who, hd = i.referring, ctx.h("ref")
    ctx.person(
        cv,
        lab.right + 6,
        yb,
        who,
        ctx.pick(["given_family", "FAMILY G", "G. Family"]),
        sw,
        header=hd,
    )
    cv.text(hc[0], hc[1] + ax[1] + 20, f"BPD {bpd:.1f}mm", st, align="center")
    if nf > 1:
        for f in range(nf):
            cv.text(cols - 10, yb, f"{f + 1}/{nf}", sw, frames=[f], align="right")


# ---------------------------------------------------------------------------


def echo_cine(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(800, 600), (1016, 708), (1024, 768), (640, 480)])
    nf = ctx.cine(6, 12)
    spec = _us_spec(ctx, nf, "echo_cine")
    cv = Canvas(rows, cols, frames=nf, channels=3)
    bh = int(rows * 0.08)
    ecg_h = int(rows * 0.12)
    apex = (cols * 0.5, bh + 6)
    r1 = rows - bh - ecg_h - 20
    cham = [  # (dx, dy) in r1 units, (rx, ry)
        ((0.08, 0.42), (0.1, 0.2)),
        ((-0.14, 0.45), (0.08, 0.17)),
        ((0.08, 0.78), (0.09, 0.09)),
        ((-0.13, 0.78), (0.08, 0.08)),
    ]

    def heart(s, f):
        ph = np.sin(2 * np.pi * f / nf)
        for k, ((dx, dy), (rx, ry)) in enumerate(cham):
            sc = 1 - (0.15 * ph if k < 2 else -0.1 * ph)
            c = (int(apex[0] + dx * r1), int(apex[1] + dy * r1))
            cv2.ellipse(
                s, c, (int(rx * r1 * sc) + 6, int(ry * r1 * sc) + 6), 0, 0, 360, 0.9, -1
            )
        for k, ((dx, dy), (rx, ry)) in enumerate(cham):
            sc = 1 - (0.15 * ph if k < 2 else -0.1 * ph)
            c = (int(apex[0] + dx * r1), int(apex[1] + dy * r1))
            cv2.ellipse(
                s, c, (int(rx * r1 * sc), int(ry * r1 * sc)), 0, 0, 360, 0.05, -1
            )

    frames = _us_frames(ctx, rows, cols, nf, apex, 4, r1, np.radians(40), False, heart)
    for f in range(nf):
        cv.img[f] = _to_rgb(frames[f], (1, 1, 1))
    doppler = ctx.p(0.4)
    if doppler:
        bx0, by0 = int(apex[0] - r1 * 0.25), int(apex[1] + r1 * 0.3)
        bw, bhh = int(r1 * 0.35), int(r1 * 0.35)
        for f in range(nf):
            fl = fractal(ctx.rng, bhh, bw, bw / 3) - 0.5
            colour = np.zeros((bhh, bw, 3), np.float32)
            colour[..., 0] = np.clip(fl, 0, None) * 2 * 255
            colour[..., 2] = np.clip(-fl, 0, None) * 2 * 255
            colour[..., 1] = np.abs(fl) * 80
            sel = np.abs(fl)[..., None] > 0.12
            reg = cv.img[f, by0 : by0 + bhh, bx0 : bx0 + bw]
            cv.img[f, by0 : by0 + bhh, bx0 : bx0 + bw] = np.where(sel, colour, reg)
            cv2.rectangle(
                cv.img[f], (bx0, by0), (bx0 + bw, by0 + bhh), (200, 200, 200), 1
            )
        cbar = np.concatenate(
            [
                np.linspace([255, 255, 0], [255, 0, 0], 40),
                np.linspace([0, 0, 255], [0, 255, 255], 40),
            ]
        )
        for f in range(nf):
            cv.img[f, bh + 40 : bh + 120, cols - 30 : cols - 20] = cbar[:, None, :]
    # ECG trace with a moving cursor
    ey = rows - ecg_h // 2 - 6
    xs = np.arange(40, cols - 40)
    tt = (xs - 40) / (cols - 80) * 2.0
    rr = 60 / ctx.randint(55, 100)
    sig = (
        np.exp(-((((tt % rr) - 0.2) / 0.012) ** 2))
        - 0.25 * np.exp(-((((tt % rr) - 0.23) / 0.012) ** 2))
        + 0.25 * np.exp(-((((tt % rr) - 0.45) / 0.04) ** 2))
    )
    pts = np.stack([xs, ey - sig * ecg_h * 0.35], 1).astype(np.int32)
    for f in range(nf):
        cv2.polylines(cv.img[f], [pts], False, (0, 230, 0), 1, cv2.LINE_AA)
        cx = int(40 + (cols - 80) * f / max(1, nf - 1))
        cv2.line(
            cv.img[f], (cx, ey - ecg_h // 2), (cx, ey + ecg_h // 3), (255, 255, 255), 1
        )
    pt = Paint(cv)
    pt.rect(0, 0, cols, bh, (16, 16, 20))
    ctx.canvas, ctx.spec = cv, spec
    maker, model = ctx.pick(
        [
            ("Philips", "EPIQ CVx"),
            ("GE Vingmed Ultrasound", "Vivid E95"),
            ("Siemens", "ACUSON SC2000"),
            ("Canon Medical", "Aplio i900"),
        ]
    )
    ctx.fill_header(
        study="ECHO TTE COMPLETE", manufacturer=maker, model=model, p_reader=0.0
    )
    size = ctx.randint(11, 14) if cols <= 800 else ctx.randint(13, 17)
    colr = tuple(float(v) for v in ctx.pick(_TEXT_COLOURS))
    sw = ctx.style(OVERLAY + UI, size, (255.0, 255.0, 255.0))
    st = sw.with_(color=colr)
    lh = int(st.f.height * 1.25)
    _banner(ctx, cv, sw, bh, per_frame_clock=ctx.p(0.75))
    y = bh + 8
    for s in (
        f"{ctx.pick(['S5-1', 'X5-1', 'M5Sc-D', '4V1c'])}  Adult Echo",
        f"TIS {ctx.uniform(0.2, 1.2):.1f}  MI {ctx.uniform(0.6, 1.5):.1f}",
        f"{ctx.randint(40, 80)} Hz  {ctx.randint(14, 20)} cm",
        f"2D {ctx.randint(40, 70)}%",
    ):
        cv.text(8, y, s, st)
        y += lh
    if doppler:
        cv.text(cols - 34, bh + 22, "+64.2", st, align="right")
        cv.text(cols - 34, bh + 116, "-64.2", st, align="right")
        cv.text(8, y + lh, "CF", st)
    hr0 = round(60 / rr)
    counter = ctx.p(0.5)
    for f in range(nf):
        cv.text(
            cols - 8,
            rows - ecg_h - lh,
            f"HR {hr0 + ctx.randint(-2, 2)} bpm",
            st,
            frames=[f],
            align="right",
        )
        if counter:
            cv.text(8, rows - ecg_h - lh, f"F {f + 1}/{nf}", st, frames=[f])
    k = ctx.randint(1, nf - 2)
    cv.text(
        cols * 0.62,
        bh + r1 * 0.3,
        f"LVIDd {ctx.uniform(3.8, 6.0):.1f} cm",
        st,
        frames=list(range(k, nf)),
    )
    if ctx.p(0.6):
        k2 = ctx.randint(0, nf - 2)
        frames_named = list(range(k2, min(nf, k2 + ctx.randint(2, 5))))
        lab = cv.text(
            cols * 0.6,
            bh + r1 * 0.3 + 2 * lh,
            ctx.pick(["Reviewed:", "Cardiologist:", "Read:"]),
            st,
            frames=frames_named,
        )
        ctx.person(
            cv,
            lab.right + 6,
            bh + r1 * 0.3 + 2 * lh,
            i.radiologist,
            ctx.pick(["G. Family", "given_family", "FAMILY G"]),
            st,
            header=ctx.h("radiologist"),
            frames=frames_named,
        )


# ---------------------------------------------------------------------------


def endoscopy(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(720, 576), (1280, 1024), (1280, 720), (768, 576)])
    nf = ctx.cine(4, 8) if ctx.p(0.45) else 1
    spec = _us_spec(ctx, nf, "endoscopy", modality="ES")
    cv = Canvas(rows, cols, frames=nf, channels=3)
    x0 = int(cols * ctx.uniform(0.28, 0.34))
    w = cols - x0 - 10
    h = rows - 20
    octo = ctx.p(0.6)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if octo:
        cut = min(w, h) * 0.18
        mask = (
            (xx + yy > cut)
            & ((w - xx) + yy > cut)
            & (xx + (h - yy) > cut)
            & ((w - xx) + (h - yy) > cut)
        )
    else:
        mask = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2 <= 1
    pad = max(40, 2 * nf)  # the view drifts 2 pixels a frame (--frames)
    big = fractal(ctx.rng, h + pad, w + pad, w / 4)
    lumen = (ctx.uniform(0.3, 0.7) * w, ctx.uniform(0.3, 0.7) * h)
    highlights = [
        (ctx.uniform(0.1, 0.9) * w, ctx.uniform(0.1, 0.9) * h, ctx.randint(3, 12))
        for _ in range(ctx.randint(4, 12))
    ]
    for f in range(nf):
        ox, oy = 2 * f, f
        tex = big[oy : oy + h, ox : ox + w]
        dl = np.hypot(xx - lumen[0] - 3 * f, yy - lumen[1]) / (0.5 * min(w, h))
        shade = np.clip(dl, 0.08, 1.0) ** 0.7
        folds = 0.85 + 0.15 * np.sin(dl * 18 + tex * 3)
        img = (
            np.stack([200 + 50 * tex, 80 + 50 * tex, 70 + 40 * tex], -1)
            * (shade * folds)[..., None]
        )
        hl = np.zeros((h, w), np.float32)
        for hx, hy, hr in highlights:
            cv2.ellipse(
                hl,
                (int(hx + 2 * f), int(hy)),
                (hr, max(2, hr // 2)),
                30,
                0,
                360,
                1.0,
                -1,
            )
        hl = cv2.GaussianBlur(hl, (0, 0), 2.0)[..., None]
        img = img * (1 - hl) + 255 * hl
        img[~mask] = 0
        cv.img[f, 10 : 10 + h, x0 : x0 + w] = np.clip(img, 0, 255)
    ctx.canvas, ctx.spec = cv, spec
    maker, model = ctx.pick(
        [
            ("OLYMPUS", "EVIS X1 CV-1500"),
            ("OLYMPUS", "CV-190"),
            ("PENTAX Medical", "EPK-i7010"),
            ("FUJIFILM", "ELUXEO 7000"),
        ]
    )
    ctx.fill_header(
        study=ctx.pick(["COLONOSCOPY", "GASTROSCOPY", "BRONCHOSCOPY"]),
        manufacturer=maker,
        model=model,
        p_reader=0.0,
        p_oper=0.4,
    )
    size = ctx.randint(14, 18) if cols <= 768 else ctx.randint(17, 24)
    colr = tuple(float(v) for v in ctx.pick(_TEXT_COLOURS))
    st = ctx.style(CONSOLE + ["sans", "cond"], size, colr, aliased=ctx.p(0.6))
    lh = int(st.f.height * 1.3)
    L = i.labels
    m = 12
    y = m
    ctx.pair(cv, m, y, "ID:", i.ids["pid"], st, entity="ID", header=ctx.h("pid"))
    y += lh
    ctx.person(
        cv,
        m,
        y,
        i.patient,
        ctx.pick(["FAMILY GIVEN", "FAMILY, Given", "Family, Given", "FAMILY G"]),
        st,
        header=True,
        title=False,
    )
    y += lh
    age, ent = ctx.age_line()
    s_ = cv.text(m, y, i.patient.sex, st)
    ctx.pair(cv, s_.right + size, y, None, age, st, entity=ent, header=True)
    y += lh
    ctx.pair(
        cv,
        m,
        y,
        ctx.pick(["D.O.B.", "DOB", L["dob"]]),
        i.date(i.dob, i.short_date_style()),
        st,
        entity="DATE_TIME",
        header=True,
    )
    y += int(lh * 1.5)
    if ctx.p(0.5):
        # date and running time on one line: the whole line is PHI
        for f in range(nf):
            t = i.study + dt.timedelta(seconds=3 * f)
            cv.text(
                m,
                y,
                ctx.dt_text(t, i.short_date_style(), "hms"),
                st,
                phi=True,
                entity="DATE_TIME",
                header=True,
                frames=[f],
            )
        y += int(lh * 1.5)
    else:
        # stacked: the time alone on its own line is not PHI
        cv.text(
            m,
            y,
            i.date(None, i.short_date_style()),
            st,
            phi=True,
            entity="DATE_TIME",
            header=True,
        )
        y += lh
        for f in range(nf):
            t = (i.study + dt.timedelta(seconds=3 * f)).time()
            cv.text(m, y, people.fmt_time(t, "hms"), st, frames=[f])
        y += int(lh * 1.5)
    for s in (
        f"Eh:{ctx.pick(['A', 'B'])}{ctx.randint(1, 8)} Ce:{ctx.randint(1, 8)}",
        f"CVP:{ctx.randint(1, 20)}",
        ctx.pick(["NBI", "WLI", "BLI", "i-scan 1"]),
    ):
        cv.text(m, y, s, st)
        y += lh
    y += lh // 2
    cv.text(m, y, ctx.pick(["Comment:", "Cmt:"]), st)
    y += lh
    cv.text(
        m, y, ctx.pick(["Polyp 6mm asc.", "Hiatus hernia", "Biopsy x2", "Normal"]), st
    )
    y += int(lh * 1.5)
    if y + lh < rows - 2 * lh:
        who, hd = (
            (i.referring, ctx.h("ref"))
            if ctx.p(0.4)
            else (i.radiologist, ctx.h("radiologist"))
        )
        ctx.person(
            cv,
            m,
            y,
            who,
            ctx.pick(["FAMILY G", "G. Family", "given_family"]),
            st,
            header=hd,
        )
    if nf > 1:
        k = ctx.randint(1, nf - 1)
        cv.text(
            x0 + 20,
            rows - m - lh,
            ctx.pick(["FREEZE", "REC", "CAPTURE"]),
            st.with_(bold=1),
            frames=list(range(k, nf)),
        )
        for f in range(nf):
            cv.text(m, rows - m - lh, f"Img {f + 1}", st, frames=[f])
