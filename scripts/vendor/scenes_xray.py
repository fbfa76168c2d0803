"""Projection and cross-sectional radiology scenes: mammography, dental panoramic and
intraoral, a digitised chest film with its flash card, a CT key image, and
angiography / fluoroscopy cines.

Grayscale canvases hold stored values in display sense (larger = brighter).
"""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
from dcmwrite import Spec
from render import Canvas, arrow, ellipse_mask, fractal, smooth_noise
from scenebase import CONSOLE, OVERLAY, Ctx


def _up(small: np.ndarray, rows: int, cols: int) -> np.ndarray:
    return cv2.resize(small, (cols, rows), interpolation=cv2.INTER_CUBIC)


def _noise(ctx: Ctx, shape, sigma: float) -> np.ndarray:
    return ctx.rng.normal(0.0, sigma, shape).astype(np.float32)


def _tech_line(ctx: Ctx, pairs: list[tuple[str, str]]) -> list[str]:
    """Technique strings, sometimes 'label value', sometimes 'value unit'."""
    return [f"{a} {b}" if ctx.p(0.6) else f"{b} {a}" for a, b in pairs]


# ---------------------------------------------------------------------------
# mammography


def mammo(ctx: Ctx) -> None:
    i = ctx.id
    rows, cols = ctx.pick(
        [
            (3328, 2560),
            (2294, 1914),
            (3062, 2394),
            (2560, 2048),
            (2850, 2294),
            (3328, 2600),
        ]
    )
    bs = ctx.pick([12, 14, 16])
    top = (1 << bs) - 1
    data_hi = top if bs < 16 else int(top * ctx.uniform(0.55, 0.8))
    lat = ctx.pick("RL")
    view = ctx.pick(["CC", "MLO", "MLO", "CC", "ML", "XCCL", "LM"])
    maker, model = ctx.pick(
        [
            ("HOLOGIC, Inc.", "Selenia Dimensions"),
            ("GE MEDICAL SYSTEMS", "Senographe Pristina"),
            ("Siemens Healthineers", "MAMMOMAT Revelation"),
            ("FUJIFILM Corporation", "AMULET Innovality"),
            ("IMS s.r.l.", "Giotto Class"),
        ]
    )
    h, w = rows // 4, cols // 4
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    chest_right = lat == "R"
    dx = (w - xx) if chest_right else xx
    mlo = view in ("MLO", "ML", "LM")
    cy = h * (0.45 if mlo else 0.5)
    ry, rx = h * ctx.uniform(0.33, 0.43), w * ctx.uniform(0.5, 0.64)
    r = np.sqrt((dx / rx) ** 2 + ((yy - cy) / ry) ** 2)
    breast = r <= 1.0
    if mlo:
        breast |= (dx < w * 0.32 * (1 - yy / (h * 0.55))) & (yy < h * 0.55)
    tissue = fractal(ctx.rng, h, w, w / 7, octaves=5)
    streak = smooth_noise(ctx.rng, h, w, w / 40)
    # fibrous strands running from the chest wall towards the nipple
    strands = np.zeros((h, w), np.float32)
    nip = (w - rx * 0.9 if chest_right else rx * 0.9, cy)
    for _ in range(45):
        sy = cy + ctx.uniform(-1, 1) * ry
        sx = w if chest_right else 0
        end = (
            nip[0] + ctx.uniform(-0.08, 0.08) * w,
            nip[1] + ctx.uniform(-0.1, 0.1) * h,
        )
        ts = np.linspace(0, 1, 12)[:, None]
        bend = np.sin(ts * np.pi) * ctx.uniform(-0.06, 0.06) * h
        pts = np.hstack(
            [sx + (end[0] - sx) * ts, sy + (end[1] - sy) * ts + bend]
        ).astype(np.int32)
        cv2.polylines(strands, [pts], False, ctx.uniform(0.2, 0.7), 1, cv2.LINE_AA)
    strands = cv2.GaussianBlur(strands, (0, 0), 1.5)
    t = np.clip(1 - r, 0, 1) ** 0.3
    glands = np.clip(tissue - 0.45, 0, 1) * 1.6 * (1.1 - r.clip(0, 1))
    dens = 0.3 + 0.2 * t + 0.35 * glands + 0.06 * streak + 0.05 * strands
    dens += 0.03 * ((r > 0.99) & (r <= 1.0))
    img = np.where(breast, dens, 0.015).astype(np.float32)
    if mlo:
        pect = dx < w * 0.27 * (1 - yy / (h * 0.42))
        pect_v = (
            0.55 + 0.12 * fractal(ctx.rng, h, w, w / 10) + 0.08 * (1 - dx / (w * 0.27))
        )
        img = np.where(pect, np.maximum(img, pect_v), img)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    full = _up(img, rows, cols) + _noise(ctx, (rows, cols), 0.008)
    cv = Canvas(rows, cols)
    cv.img[0] = np.clip(full, 0, 1) * data_hi
    ctx.canvas = cv
    photometric = "MONOCHROME1" if ctx.p(0.55) else "MONOCHROME2"
    ctx.spec = Spec(
        "MG",
        "MG",
        photometric,
        bs,
        16,
        window=(data_hi * 0.55, data_hi * 0.9),
        scene="mammo",
    )
    ctx.fill_header(
        study="MAMMOGRAM SCREENING BILATERAL",
        series=f"{lat} {view}",
        manufacturer=maker,
        model=model,
    )
    ctx.put("ImageLaterality", lat)
    ctx.put("ViewPosition", view)
    ctx.put("PresentationIntentType", "FOR PRESENTATION")
    ctx.put("BodyPartExamined", "BREAST")

    size = ctx.randint(12, 20) + (2 if rows > 3000 else 0)
    white = float(top)
    st = ctx.style(OVERLAY, size, white)
    lh = int(st.f.height * 1.25)
    margin = ctx.randint(20, 60)
    right_side = chest_right is False  # text goes on the side away from the chest wall
    x = cols - margin if right_side else margin
    align = "right" if right_side else "left"
    L = i.labels

    def row(y, label, value, entity=None, header=False):
        if align == "left":
            return ctx.pair(cv, x, y, label, value, st, entity=entity, header=header)
        return ctx.pair_right(cv, x, y, label, value, st, entity=entity, header=header)

    y = margin
    if ctx.p(0.6):
        cv.text(
            x,
            y,
            i.institution,
            st,
            phi=True,
            entity="ORGANIZATION",
            header=ctx.h("inst"),
            align=align,
        )
        y += lh
    ctx.person(
        cv, x, y, i.patient, ctx.name_form(), st, header=True, title=False, align=align
    )
    y += lh
    row(
        y,
        L["pid"] if ctx.p(0.7) else None,
        i.ids["pid"] if ctx.h("pid") else i.ids.get("nhs", i.ids["pid"]),
        "ID",
        True,
    )
    y += lh
    dob = row(y, L["dob"], i.date(i.dob, i.other_date_style()), "DATE_TIME", True)
    if align == "left" and ctx.p(0.6):
        age, ent = ctx.age_line()
        cv.text(
            dob.right + size,
            y,
            f"({age})",
            st,
            phi=ent is not None,
            entity=ent,
            header=True,
        )
    y += lh
    cv.text(
        x, y, ctx.dt_text(), st, phi=True, entity="DATE_TIME", header=True, align=align
    )
    y += lh
    if ctx.p(0.7):
        row(y, L["acc"], i.ids["acc"], "ID", True)
        y += lh
    if ctx.p(0.4):
        if align == "left":
            lab = cv.text(x, y, L["ref"], st)
            ctx.person(
                cv,
                lab.right + size // 2,
                y,
                i.referring,
                "FAMILY G",
                st,
                header=ctx.h("ref"),
            )
        else:
            nm = ctx.person(
                cv,
                x,
                y,
                i.referring,
                "FAMILY G",
                st,
                header=ctx.h("ref"),
                align="right",
            )
            cv.text(nm.group_x - size // 2, y, L["ref"], st, align="right")
        y += lh

    # laterality / view marker, large
    mk = ctx.style(
        ["sans-bold", "cond-bold", "hershey-duplex", "sans"],
        ctx.randint(30, 40),
        white,
        aliased=False,
    )
    mark = ctx.pick(
        [
            f"{lat} {view}",
            f"{lat}{view}",
            f"{lat}-{view}",
            f"{'RIGHT' if lat == 'R' else 'LEFT'} {view}",
        ]
    )
    cv.text(x, rows * ctx.uniform(0.38, 0.5), mark, mk, align=align)

    # technique block at the bottom
    force = ctx.randint(60, 160)
    tech = _tech_line(
        ctx,
        [
            ("kVp", str(ctx.randint(25, 34))),
            ("mAs", f"{ctx.uniform(40, 220):.1f}"),
        ],
    )
    tech += [
        ctx.pick(
            [
                f"Comp. Force: {force} N",
                f"Compression {force / 10:.1f} daN",
                f"Force {force}N",
            ]
        ),
        ctx.pick(
            [f"Thickness: {ctx.randint(25, 80)} mm", f"Thk {ctx.randint(25, 80)}mm"]
        ),
        ctx.pick(["W/Rh", "Mo/Mo", "W/Ag", "Mo/Rh", "W/Al"]),
        f"AGD {ctx.uniform(0.8, 2.6):.2f} mGy",
    ]
    if mlo:
        tech.append(f"Angle: {ctx.randint(40, 60)}°")
    tech.append(model)
    y = rows - margin - lh * (len(tech) + 1)
    for s in tech:
        cv.text(x, y, s, st, align=align)
        y += lh
    row(
        y,
        ctx.pick(["Tech:", "Op:", "RT:", None]),
        i.operator.form("initials"),
        "PERSON",
        ctx.h("operator"),
    )
    # facility or a second institution line on the chest-wall side corner, sometimes
    if ctx.p(0.35):
        xo = margin if right_side else cols - margin
        cv.text(
            xo,
            rows - margin - lh,
            i.inst_address[-1],
            st,
            phi=True,
            entity="LOCATION",
            header=ctx.h("inst_addr"),
            align="left" if right_side else "right",
        )


# ---------------------------------------------------------------------------
# dental


def _tooth(
    img: np.ndarray,
    cx: float,
    cy: float,
    tw: float,
    th: float,
    down: bool,
    crown: float,
    root: float,
) -> None:
    """One tooth: crown ellipse at (cx, cy), root tapering away from the occlusal
    plane (down=True: roots go down)."""
    sgn = 1 if down else -1
    ry = th * 0.2
    pts = np.array(
        [
            [cx - tw * 0.42, cy + sgn * ry * 0.6],
            [cx + tw * 0.42, cy + sgn * ry * 0.6],
            [cx + tw * 0.12, cy + sgn * th],
            [cx - tw * 0.12, cy + sgn * th],
        ],
        np.int32,
    )
    cv2.fillPoly(img, [pts], root)
    cv2.ellipse(img, (int(cx), int(cy)), (int(tw * 0.5), int(ry)), 0, 0, 360, crown, -1)
    cv2.line(
        img,
        (int(cx), int(cy + sgn * ry * 0.3)),
        (int(cx), int(cy + sgn * th * 0.9)),
        root * 0.7,
        max(1, int(tw * 0.08)),
    )


def dental_pano(ctx: Ctx) -> None:
    i = ctx.id
    cols = ctx.pick([1600, 2000, 2400, 2776, 2880])
    rows = int(cols * ctx.uniform(0.48, 0.55))
    h, w = rows // 2, cols // 2
    img = (0.18 + 0.12 * fractal(ctx.rng, h, w, w / 6)).astype(np.float32)
    u = (np.arange(w) - w / 2) / (w / 2)
    occl = h * (0.52 - 0.1 * u**2)
    # mandible and maxilla
    for k in range(w):
        yo = int(occl[k])
        img[yo + int(h * 0.12) : yo + int(h * 0.32), k] += 0.22
        img[max(0, yo - int(h * 0.3)) : yo - int(h * 0.04), k] += 0.12
    # rami and spine ghosts
    for sx in (0.1, 0.9):
        cv2.ellipse(
            img,
            (int(w * sx), int(h * 0.45)),
            (int(w * 0.05), int(h * 0.35)),
            0,
            0,
            360,
            0.45,
            -1,
        )
    for sx in (0.02, 0.98):
        cv2.rectangle(
            img,
            (int(w * sx) - int(w * 0.02), 0),
            (int(w * sx) + int(w * 0.02), h),
            0.3,
            -1,
        )
    cv2.ellipse(
        img,
        (w // 2, int(h * 0.18)),
        (int(w * 0.14), int(h * 0.08)),
        0,
        0,
        360,
        0.08,
        -1,
    )
    n = 16
    for jaw, down in (("upper", False), ("lower", True)):
        for t in range(n):
            if ctx.p(0.08):
                continue  # missing tooth
            uu = -0.78 + 1.56 * t / (n - 1)
            cx = w / 2 + uu * w / 2
            molar = abs(uu) > 0.45
            tw = w * (0.055 if molar else 0.04)
            th = h * (0.2 if molar else 0.26)
            cy = h * (0.52 - 0.1 * uu**2) + (h * 0.05 if down else -h * 0.05)
            _tooth(img, cx, cy, tw, th, down, 0.85, 0.62)
            if ctx.p(0.15):
                cv2.rectangle(
                    img,
                    (int(cx - tw * 0.25), int(cy - h * 0.02)),
                    (int(cx + tw * 0.25), int(cy + h * 0.02)),
                    1.15,
                    -1,
                )
    img = cv2.GaussianBlur(img, (0, 0), 2.5)
    full = np.clip(_up(img, rows, cols) + _noise(ctx, (rows, cols), 0.02), 0, 1.2) / 1.2
    bits = ctx.pick([8, 8, 12, 16])
    top = (1 << bits) - 1
    cv = Canvas(rows, cols)
    cv.img[0] = full * top
    ctx.canvas = cv
    photometric = "MONOCHROME1" if ctx.p(0.1) else "MONOCHROME2"
    maker, model = ctx.pick(
        [
            ("PLANMECA", "ProMax 2D S3"),
            ("Sirona", "ORTHOPHOS XG"),
            ("VATECH", "PaX-i"),
            ("Carestream Health", "CS 8100"),
            ("KaVo", "OP 3D Pro"),
        ]
    )
    ctx.spec = Spec(
        "PX",
        "DX",
        photometric,
        bits,
        8 if bits == 8 else 16,
        window=(top / 2, top),
        scene="dental_pano",
    )
    ctx.fill_header(study="Panoramic", manufacturer=maker, model=model, p_reader=0.0)
    if "InstitutionName" in ctx.header:
        ctx.put("InstitutionName", i.dental)
    white = float(top)
    size = ctx.randint(16, 30) if cols > 2000 else ctx.randint(13, 22)
    st = ctx.style(OVERLAY + ["times"], size, white)
    lh = int(st.f.height * 1.2)
    m = ctx.randint(12, 30)
    L = i.labels
    y = m
    cv.text(
        m,
        y,
        i.dental,
        st.with_(bold=1) if ctx.p(0.5) else st,
        phi=True,
        entity="ORGANIZATION",
        header=ctx.h("inst"),
    )
    y += lh
    if ctx.p(0.6):
        ctx.pair(cv, m, y, L["tel"], i.inst_phone, st, entity="PHONE_NUMBER")
        y += lh
    if ctx.p(0.3):
        cv.text(
            m,
            y,
            ", ".join(i.inst_address),
            st,
            phi=True,
            entity="LOCATION",
            header=ctx.h("inst_addr"),
        )
    xr = cols - m
    y = m
    ctx.person(
        cv,
        xr,
        y,
        i.patient,
        ctx.name_form(),
        st,
        header=True,
        title=ctx.p(0.3),
        align="right",
    )
    y += lh
    ctx.pair_right(
        cv,
        xr,
        y,
        L["dob"],
        i.date(i.dob, i.other_date_style()),
        st,
        entity="DATE_TIME",
        header=True,
    )
    y += lh
    ctx.pair_right(
        cv,
        xr,
        y,
        ctx.pick(["Pat. #", "Chart:", L["pid"]]),
        i.ids["pid"],
        st,
        entity="ID",
        header=ctx.h("pid"),
    )
    yb = rows - m - 3 * lh
    cv.text(m, yb, ctx.dt_text(), st, phi=True, entity="DATE_TIME", header=True)
    cv.text(m, yb + lh, model, st)
    cv.text(
        m,
        yb + 2 * lh,
        f"{ctx.randint(60, 90)} kV  {ctx.randint(5, 16)} mA  {ctx.uniform(8, 18):.1f} s",
        st,
    )
    ctx.person(
        cv,
        xr,
        rows - m - lh,
        i.referring,
        ctx.pick(["given_family", "G. Family"]),
        st,
        header=ctx.h("ref"),
        align="right",
    )
    big = ctx.style(
        ["sans-bold", "hershey-duplex", "cond-bold"], ctx.randint(28, 40), white
    )
    cv.text(m, rows * 0.45, "R", big)
    cv.text(cols - m, rows * 0.45, "L", big, align="right")


def _io_tooth(ctx: Ctx, img, cx, top, tw, th, molar: bool, filling: bool) -> None:
    """One tooth in a periapical view, crown at ``top``: enamel cap, dentin, pulp
    chamber and canals, one or two tapering roots with a dark periodontal
    ligament."""
    ch = th * 0.32
    if molar:
        roots = [(cx - tw * 0.22, tw * 0.45, -0.06), (cx + tw * 0.22, tw * 0.45, 0.06)]
    else:
        roots = [(cx, tw * 0.8, 0.0)]
    for rx, rw, lean in roots:
        tip = rx + lean * th
        poly = np.array(
            [
                (rx - rw / 2, top + ch * 0.7),
                (rx + rw / 2, top + ch * 0.7),
                (tip + rw * 0.1, top + th),
                (tip - rw * 0.1, top + th),
            ],
            np.int32,
        )
        cv2.polylines(img, [poly], True, 0.3, 3)
        cv2.fillPoly(img, [poly], 0.72)
        cv2.line(
            img,
            (int(rx), int(top + ch * 0.8)),
            (int(tip), int(top + th * 0.95)),
            0.5,
            max(2, int(tw * 0.05)),
        )
    c = (int(cx), int(top + ch * 0.5))
    cv2.ellipse(img, c, (int(tw / 2), int(ch * 0.55)), 0, 0, 360, 0.95, -1)
    cv2.ellipse(img, c, (int(tw * 0.4), int(ch * 0.42)), 0, 0, 360, 0.8, -1)
    cv2.ellipse(
        img,
        (int(cx), int(top + ch * 0.65)),
        (int(tw * 0.18), int(ch * 0.2)),
        0,
        0,
        360,
        0.5,
        -1,
    )
    if filling:
        fx = int(cx + ctx.uniform(-0.15, 0.15) * tw)
        cv2.ellipse(
            img,
            (fx, int(top + ch * 0.25)),
            (int(tw * 0.22), int(ch * 0.16)),
            0,
            0,
            360,
            1.2,
            -1,
        )


def dental_intraoral(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick(
        [
            (1000, 1300),
            (1300, 1000),
            (1200, 1600),
            (1600, 1200),
            (900, 1200),
            (1280, 960),
        ]
    )
    bar = ctx.p(0.7)
    bar_h = int(rows * ctx.uniform(0.07, 0.1)) if bar else 0
    ih = rows - bar_h
    h2, w2 = ih // 2, cols // 2
    # trabecular bone, then teeth drawn crown-up in local space and flipped
    bone = (
        0.4
        + 0.1 * fractal(ctx.rng, h2, w2, w2 / 10)
        + 0.08 * fractal(ctx.rng, h2, w2, 6, 2)
    )
    img = np.zeros((h2, w2), np.float32)
    nt = ctx.randint(2, 3)
    tw = w2 / nt * 0.62
    for t in range(nt):
        cx = (t + 0.5) * w2 / nt + ctx.uniform(-8, 8)
        _io_tooth(
            ctx,
            img,
            cx,
            h2 * 0.12,
            tw,
            h2 * 0.85,
            molar=ctx.p(0.5),
            filling=ctx.p(0.35),
        )
    crown_side_up = ctx.p(0.5)
    img = np.where(img > 0, img, bone * (np.arange(h2)[:, None] > h2 * 0.4))
    img = np.where(img > 0, img, 0.22)  # soft tissue / air above the bone
    if not crown_side_up:
        img = img[::-1].copy()
    img = cv2.GaussianBlur(img, (0, 0), 1.5)
    full = np.zeros((rows, cols), np.float32)
    full[:ih] = (
        np.clip(_up(img, ih, cols) + _noise(ctx, (ih, cols), 0.02), 0, 1.2) / 1.2
    )
    bits = ctx.pick([8, 12, 16])
    top = (1 << bits) - 1
    cv = Canvas(rows, cols)
    cv.img[0] = full * top
    ctx.canvas = cv
    maker, model = ctx.pick(
        [
            ("Dentsply Sirona", "Schick 33"),
            ("Carestream", "RVG 6200"),
            ("Planmeca", "ProSensor HD"),
            ("Acteon", "SOPIX2"),
        ]
    )
    ctx.spec = Spec(
        "IO",
        "IO",
        "MONOCHROME1" if ctx.p(0.15) else "MONOCHROME2",
        bits,
        8 if bits == 8 else 16,
        window=(top / 2, top),
        scene="dental_intraoral",
    )
    ctx.fill_header(
        study="Intraoral", manufacturer=maker, model=model, p_reader=0.0, p_oper=0.3
    )
    if "InstitutionName" in ctx.header:
        ctx.put("InstitutionName", i.dental)
    size = ctx.randint(12, 18)
    white = float(top)
    st = ctx.style(CONSOLE + ["sans"], size, white)
    lh = int(st.f.height * 1.15)
    m = ctx.randint(8, 16)
    tooth = ctx.pick(
        [
            f"{ctx.randint(1, 4)}{ctx.randint(1, 8)}",
            f"#{ctx.randint(1, 32)}",
            f"Tooth {ctx.randint(1, 4)}{ctx.randint(1, 8)}",
        ]
    )
    if bar:
        y = ih + (bar_h - lh * 2) // 2
        y = max(ih + 2, y)
        nm = ctx.person(
            cv,
            m,
            y,
            i.patient,
            ctx.pick(["FAMILY, Given", "Family, Given", "given_family", "FAMILY G"]),
            st,
            header=True,
            title=False,
        )
        cv.text(nm.right + size * 2, y, tooth, st)
        d = cv.text(
            m,
            y + lh,
            i.date(None, i.other_date_style()),
            st,
            phi=True,
            entity="DATE_TIME",
            header=True,
        )
        cv.text(
            d.right + size * 2,
            y + lh,
            i.dental,
            st,
            phi=True,
            entity="ORGANIZATION",
            header=ctx.h("inst"),
        )
        cv.text(cols - m, y, model, st, align="right")
    else:
        # text straight on the image, on a dark translucent box
        so = st.with_(box=0.0, box_alpha=ctx.uniform(0.55, 0.8), box_pad=3)
        y = (ih - 3 * lh - m) if not crown_side_up else m
        ctx.person(cv, m, y, i.patient, "FAMILY, Given", so, header=True, title=False)
        cv.text(m, y + lh, ctx.dt_text(), so, phi=True, entity="DATE_TIME", header=True)
        cv.text(m, y + 2 * lh, tooth, so)


# ---------------------------------------------------------------------------
# digitised chest film with a flash card


def _chest(ctx: Ctx, h: int, w: int) -> np.ndarray:
    """A PA chest in display sense: shoulders, lungs with markings, mediastinum,
    heart, domes of the diaphragm, ribs and clavicles."""
    img = np.full((h, w), 0.04, np.float32)
    body = np.array(
        [
            (w * 0.42, 0),
            (w * 0.58, 0),
            (w * 0.6, h * 0.08),
            (w * 0.95, h * 0.14),
            (w * 0.97, h * 0.3),
            (w * 0.93, h),
            (w * 0.07, h),
            (w * 0.03, h * 0.3),
            (w * 0.05, h * 0.14),
            (w * 0.4, h * 0.08),
        ],
        np.int32,
    )
    cv2.fillPoly(img, [body], 0.55)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lungs = np.zeros((h, w), np.float32)
    for sx, tilt in ((0.31, 4), (0.69, -4)):
        cv2.ellipse(
            lungs,
            (int(w * sx), int(h * 0.46)),
            (int(w * 0.16), int(h * 0.32)),
            tilt,
            0,
            360,
            1.0,
            -1,
        )
    dome = h * (0.7 - 0.06 * np.cos((xx / w - 0.3) * np.pi * 3.2) ** 2)
    lungs *= (yy < dome).astype(np.float32)
    heart = ellipse_mask(h, w, h * 0.6, w * 0.56, h * 0.14, w * 0.17).astype(np.float32)
    medi = (
        (np.abs(xx - w * 0.5) < w * 0.075) & (yy > h * 0.1) & (yy < h * 0.66)
    ).astype(np.float32)
    shadow = np.maximum(heart, medi)
    markings = fractal(ctx.rng, h, w, w / 12)
    img -= lungs * (1 - shadow) * (0.36 - 0.1 * markings)
    img += shadow * 0.1
    trachea = ((np.abs(xx - w * 0.5) < w * 0.02) & (yy < h * 0.3)).astype(np.float32)
    img -= 0.12 * trachea
    ribs = np.zeros_like(img)
    for k in range(9):
        yk = int(h * (0.16 + 0.055 * k))
        for sx, tilt in ((0.3, 12), (0.7, -12)):
            cv2.ellipse(
                ribs,
                (int(w * sx), yk + int(h * 0.08)),
                (int(w * 0.19), int(h * 0.07)),
                tilt,
                190,
                350,
                0.1,
                max(2, h // 110),
            )
    img += ribs * (lungs > 0)
    for sgn in (-1, 1):
        p0 = (int(w * (0.5 + sgn * 0.04)), int(h * 0.19))
        p1 = (int(w * (0.5 + sgn * 0.3)), int(h * 0.14))
        cv2.line(img, p0, p1, 0.72, max(2, h // 90))
    return img


def cr_flashcard(ctx: Ctx) -> None:
    i = ctx.id
    cols, rows = ctx.pick([(1760, 2140), (2010, 2446), (1800, 2200), (2140, 1760)])
    h, w = rows // 4, cols // 4
    img = _chest(ctx, h, w)
    img = cv2.GaussianBlur(img, (0, 0), 1.5)
    full = np.clip(_up(img, rows, cols) + _noise(ctx, (rows, cols), 0.012), 0, 1)
    bits = ctx.pick([10, 12])
    top = (1 << bits) - 1
    cv = Canvas(rows, cols)
    cv.img[0] = full * top
    ctx.canvas = cv
    ctx.spec = Spec(
        "CR",
        "CR",
        "MONOCHROME1" if ctx.p(0.7) else "MONOCHROME2",
        bits,
        16,
        window=(top * 0.5, top * 0.95),
        scene="cr_flashcard",
    )
    ctx.fill_header(
        study="CHEST PA",
        series="PA",
        manufacturer=ctx.pick(["FUJIFILM Corporation", "Agfa", "KODAK"]),
        model=ctx.pick(["FCR 5000", "CR 30-X", "DirectView CR 975"]),
    )
    # flash card: a bright rectangle in a top corner with typed dark text
    ink = float(top) * 0.08
    size = ctx.randint(22, 30)
    st = ctx.style(
        ["cmtt", "mono", "times", "cmr", "serif", "mono-bold"],
        size,
        ink,
        aliased=ctx.p(0.5),
    )
    lh = int(st.f.height * 1.25)
    L = i.labels
    name = i.patient.form(ctx.pick(["FAMILY, Given", "FAMILY GIVEN", "Family, Given"]))
    dob = (L["dob"], i.date(i.dob, i.other_date_style()))
    pid = (ctx.pick(["Hosp No", "No.", L["pid"]]), i.ids["pid"])
    ref = ctx.p(0.6)
    gap = max(6, int(size * 0.6))
    widths = [
        cv.measure(i.institution.upper(), st)[0],
        cv.measure(name, st)[0],
        sum(cv.measure(t, st)[0] for t in dob) + gap,
        sum(cv.measure(t, st)[0] for t in pid) + gap,
        cv.measure(
            i.date(None)
            + "  "
            + (i.referring.title + " " + i.referring.family if ref else ""),
            st,
        )[0]
        + size,
    ]
    cw, ch = max(widths) + 28, 5 * lh + 20
    left = ctx.p(0.5)
    cx0 = int(cols * 0.03) if left else cols - int(cols * 0.03) - cw
    cy0 = int(rows * 0.025)
    cv.img[0, cy0 : cy0 + ch, cx0 : cx0 + cw] = (
        0.9 + _noise(ctx, (ch, cw), 0.01)
    ) * top
    x, y = cx0 + 14, cy0 + 10
    cv.text(
        x,
        y,
        i.institution.upper(),
        st,
        phi=True,
        entity="ORGANIZATION",
        header=ctx.h("inst"),
    )
    y += lh
    cv.text(x, y, name, st, phi=True, entity="PERSON", header=True)
    y += lh
    ctx.pair(cv, x, y, dob[0], dob[1], st, entity="DATE_TIME", header=True)
    y += lh
    ctx.pair(cv, x, y, pid[0], pid[1], st, entity="ID", header=ctx.h("pid"))
    y += lh
    dd = cv.text(x, y, i.date(None), st, phi=True, entity="DATE_TIME", header=True)
    if ref:
        ctx.person(
            cv, dd.right + size, y, i.referring, "FAMILY", st, header=ctx.h("ref")
        )
    # lead marker with the radiographer's initials
    white = float(top)
    mk = ctx.style(
        ["sans-bold", "hershey-duplex", "cond-bold"],
        ctx.randint(34, 40),
        white,
        aliased=False,
    )
    side = ctx.pick("RL")
    mx = int(cols * 0.06) if side == "R" else int(cols * 0.88)
    my = int(rows * 0.22)
    lm = cv.text(mx, my, side, mk)
    ini = ctx.style(
        ["sans-bold", "cond-bold"], ctx.randint(18, 24), white, aliased=False
    )
    cv.text(
        lm.x,
        lm.bottom + 2,
        i.operator.form("initials"),
        ini,
        phi=True,
        entity="PERSON",
        header=ctx.h("operator"),
    )
    ann = ctx.style(OVERLAY, ctx.randint(22, 30), white)
    cv.text(
        cols - int(cols * 0.04),
        rows - int(rows * 0.06),
        ctx.pick(["PA ERECT", "AP SUPINE", "PORTABLE AP", "PA"]),
        ann,
        align="right",
    )
    cv.text(
        int(cols * 0.04),
        rows - int(rows * 0.06),
        f"S {ctx.randint(100, 600)}  L {ctx.uniform(1.5, 2.5):.1f}",
        ann,
    )


# ---------------------------------------------------------------------------
# CT key image


def _ct_slice(ctx: Ctx, n: int) -> tuple[np.ndarray, tuple[int, int]]:
    hu = np.full((n, n), -1000.0, np.float32)
    c = n / 2
    cv2.ellipse(
        hu, (int(c), int(c * 1.05)), (int(n * 0.43), int(n * 0.31)), 0, 0, 360, -100, -1
    )
    cv2.ellipse(
        hu, (int(c), int(c * 1.05)), (int(n * 0.41), int(n * 0.29)), 0, 0, 360, 40, -1
    )
    for sx in (0.32, 0.68):
        cv2.ellipse(
            hu,
            (int(n * sx), int(c)),
            (int(n * 0.15), int(n * 0.21)),
            0,
            0,
            360,
            -860,
            -1,
        )
    cv2.ellipse(
        hu,
        (int(c * 1.05), int(c * 1.05)),
        (int(n * 0.1), int(n * 0.09)),
        0,
        0,
        360,
        45,
        -1,
    )
    cv2.circle(hu, (int(c * 0.96), int(c * 0.8)), int(n * 0.03), 180, -1)
    cv2.circle(hu, (int(c), int(n * 0.8)), int(n * 0.045), 700, -1)
    cv2.circle(hu, (int(c), int(n * 0.8)), int(n * 0.03), 250, -1)
    cv2.ellipse(
        hu, (int(c), int(n * 0.99)), (int(n * 0.45), int(n * 0.05)), 0, 180, 360, 120, 3
    )
    nod = (int(n * ctx.uniform(0.24, 0.38)), int(n * ctx.uniform(0.38, 0.58)))
    cv2.circle(hu, nod, max(3, n // 90), 30, -1)
    hu = cv2.GaussianBlur(hu, (0, 0), 0.8)
    hu += _noise(ctx, (n, n), 12.0) * (hu > -950)
    return hu, nod


def ct_key_image(ctx: Ctx) -> None:
    i = ctx.id
    n = ctx.pick([512, 512, 768])
    hu, nod = _ct_slice(ctx, n)
    variant = ctx.pick(["u12", "s16", "s12"])
    if variant == "u12":
        spec = Spec("CT", "CT", "MONOCHROME2", 12, 16, rescale=(1.0, -1024.0))
        stored = hu + 1024.0
    elif variant == "s16":
        spec = Spec("CT", "CT", "MONOCHROME2", 16, 16, signed=True, rescale=(1.0, 0.0))
        stored = hu
    else:
        spec = Spec("CT", "CT", "MONOCHROME2", 12, 16, signed=True, rescale=(1.0, -0.0))
        stored = hu
    lung = ctx.p(0.5)
    spec.window = (-600.0, 1500.0) if lung else (40.0, 400.0)
    spec.scene = "ct_key_image"
    lo, hi = spec.value_range
    cv = Canvas(n, n)
    cv.img[0] = stored
    ctx.canvas, ctx.spec = cv, spec
    ctx.fill_header(
        study="CT CHEST WITHOUT CONTRAST",
        series="KEY IMAGES",
        manufacturer=ctx.pick(["SIEMENS", "GE MEDICAL SYSTEMS", "Philips", "TOSHIBA"]),
        model=ctx.pick(["SOMATOM Force", "Revolution CT", "iCT 256", "Aquilion ONE"]),
    )
    ctx.put("ImageType", ["DERIVED", "SECONDARY", "AXIAL"])
    white = float(hi)
    # graphics: arrow, calliper, ROI
    img2 = cv.img[0]
    tip = (nod[0] + 6, nod[1] - 6)
    arrow(img2, (tip[0] + n // 9, tip[1] - n // 9), tip, white, 2)
    r = max(3, n // 90)
    cv2.line(img2, (nod[0] - r, nod[1] + r + 6), (nod[0] + r, nod[1] + r + 6), white, 1)
    cx, cy = int(n * 0.52), int(n * 0.55)
    cv2.ellipse(img2, (cx, cy), (n // 22, n // 30), 0, 0, 360, white, 1, cv2.LINE_AA)
    size = ctx.randint(11, 15) if n == 512 else ctx.randint(14, 20)
    st = ctx.style(OVERLAY, size, white)
    lh = int(st.f.height * 1.15)
    m = 6
    L = i.labels
    cv.text(nod[0] + r + 4, nod[1] + r + 10, f"{ctx.uniform(4, 14):.1f} mm", st)
    roi_y = cy + n // 30 + 4
    for s in (
        f"Mean: {ctx.uniform(20, 60):.1f} HU",
        f"SD: {ctx.uniform(6, 20):.1f}",
        f"Area: {ctx.uniform(0.5, 3):.2f} cm²",
    ):
        cv.text(cx - n // 22, roi_y, s, st)
        roi_y += lh
    # corners
    y = m
    ctx.person(cv, m, y, i.patient, ctx.name_form(), st, header=True, title=False)
    y += lh
    ctx.pair(
        cv,
        m,
        y,
        L["pid"] if ctx.p(0.5) else None,
        i.ids["pid"],
        st,
        entity="ID",
        header=ctx.h("pid"),
    )
    y += lh
    d = cv.text(
        m,
        y,
        i.date(i.dob, i.other_date_style()),
        st,
        phi=True,
        entity="DATE_TIME",
        header=True,
    )
    age, ent = ctx.age_line()
    cv.text(
        d.right + size,
        y,
        f"{age} {i.patient.sex}",
        st,
        phi=ent is not None,
        entity=ent,
        header=True,
    )
    y += lh
    if ctx.p(0.7):
        cv.text(
            m,
            y,
            i.institution,
            st,
            phi=True,
            entity="ORGANIZATION",
            header=ctx.h("inst"),
        )
    xr = n - m
    y = m
    cv.text(xr, y, "KEY IMAGE", st, align="right")
    y += lh
    cv.text(
        xr,
        y,
        ctx.dt_text(),
        st,
        phi=True,
        entity="DATE_TIME",
        header=True,
        align="right",
    )
    y += lh
    cv.text(
        xr, y, f"Se: {ctx.randint(2, 8)}  Im: {ctx.randint(20, 300)}", st, align="right"
    )
    y += lh
    ctx.pair_right(cv, xr, y, "Acc:", i.ids["acc"], st, entity="ID", header=True)
    yb = n - m - 2 * lh
    cv.text(m, yb, f"{ctx.pick([100, 120, 140])} kV  {ctx.randint(80, 400)} mA", st)
    cv.text(m, yb + lh, f"Thk {ctx.pick(['1.0', '1.25', '2.5', '5.0'])} mm", st)
    wc, ww = spec.window
    cv.text(xr, yb + lh, f"W: {ww:.0f}  L: {wc:.0f}", st, align="right")
    # typed comment on a translucent box, mid-bottom
    cst = st.with_(
        box=float(lo if variant != "u12" else 0),
        box_alpha=ctx.uniform(0.45, 0.75),
        box_pad=4,
    )
    yc = n - m - 5 * lh
    xc = int(n * 0.25)
    cv.text(
        xc,
        yc,
        ctx.pick(
            [
                "Enlarging RUL nodule",
                "New LLL nodule, f/u 3 months",
                "Nodule stable",
                "Spiculated nodule - MDT",
            ]
        ),
        cst,
    )
    ctx.pair(
        cv,
        xc,
        yc + lh,
        ctx.pick(["cf. prior", "Compared with", "Prior:"]),
        i.date(i.prior, i.other_date_style()),
        cst,
        entity="DATE_TIME",
    )
    ctx.person(
        cv,
        xc,
        yc + 2 * lh,
        i.radiologist,
        ctx.pick(["given_family", "G. Family", "FAMILY G"]),
        cst,
        header=ctx.h("radiologist"),
    )


# ---------------------------------------------------------------------------
# angiography / fluoroscopy cine


def _walk(ctx: Ctx, start, angle, steps, step):
    pts = [start]
    x, y = start
    for _ in range(steps):
        angle += ctx.uniform(-0.35, 0.35)
        x += step * np.cos(angle)
        y += step * np.sin(angle)
        pts.append((x, y))
    return pts, angle


def xa_cine(ctx: Ctx) -> None:
    i = ctx.id
    rf = ctx.p(0.35)
    n = ctx.pick([512, 768, 1024])
    nf = ctx.cine(6, 12)
    bits = ctx.pick([8, 8, 10, 12])
    top = (1 << bits) - 1
    cv = Canvas(n, n, frames=nf)
    field = ellipse_mask(n, n, n / 2, n / 2, n * 0.47, n * 0.47)
    base = (0.5 + 0.2 * fractal(ctx.rng, n, n, n / 4)).astype(np.float32)
    if rf:
        cv2.rectangle(base, (int(n * 0.46), 0), (int(n * 0.54), n), 0.68, -1)  # spine
        base = cv2.GaussianBlur(base, (0, 0), 6)
    trees = []
    if not rf:
        for _ in range(ctx.randint(2, 3)):
            pts, ang = _walk(
                ctx,
                (n * ctx.uniform(0.3, 0.6), n * ctx.uniform(0.15, 0.3)),
                ctx.uniform(0.6, 2.0),
                40,
                n / 70,
            )
            trees.append((pts, ctx.randint(4, 9) * n // 512 + 2))
            for _ in range(3):
                j = ctx.randint(5, 30)
                br, _ = _walk(ctx, pts[j], ang + ctx.uniform(-1.2, 1.2), 18, n / 80)
                trees.append((br, max(2, trees[-1][1] // 2 + 1)))
    else:
        pts = [
            (n * (0.42 + 0.05 * np.sin(t / 6)), n * (0.05 + 0.9 * t / 40))
            for t in range(41)
        ]
        trees.append((pts, n // 14))
    catheter = None
    if not rf:
        cat, _ = _walk(ctx, (n * 0.5, n * 0.98), -np.pi / 2, 30, n / 60)
        catheter = np.array(cat, np.int32)
    f0 = ctx.randint(1, max(1, nf // 3))
    for f in range(nf):
        fr = base.copy()
        dx, dy = 4 * np.sin(f / nf * 2 * np.pi), 3 * np.cos(f / nf * 2 * np.pi)
        fill = float(np.clip((f - f0 + 1) / 3.0, 0, 1))
        vess = np.zeros((n, n), np.float32)
        for pts, th in trees:
            shown = (
                pts
                if not rf
                else pts[: max(2, int(len(pts) * min(1.0, (f + 1) / nf * 1.3)))]
            )
            arr = np.array([(x + dx, y + dy) for x, y in shown], np.int32)
            cv2.polylines(vess, [arr], False, 1.0, int(th), cv2.LINE_AA)
        vess = cv2.GaussianBlur(vess, (0, 0), 1.2)
        cath = np.zeros((n, n), np.float32)
        if catheter is not None:
            cv2.polylines(
                cath,
                [catheter + np.int32([dx, dy])],
                False,
                1.0,
                max(2, n // 256),
                cv2.LINE_AA,
            )
        fr = fr - 0.38 * fill * vess - 0.3 * cath
        fr += _noise(ctx, (n, n), 0.015)
        fr = np.where(field, fr, 0.0)
        cv.img[f] = np.clip(fr, 0, 1) * top * 0.85
    ctx.canvas = cv
    if rf:
        ctx.spec = Spec(
            "RF",
            "RF",
            "MONOCHROME2",
            bits,
            8 if bits == 8 else 16,
            window=(top * 0.45, top * 0.9),
            frame_time=1000 / ctx.pick([3.75, 7.5, 15]),
            scene="rf_cine",
        )
        ctx.fill_header(
            study="BARIUM SWALLOW",
            manufacturer=ctx.pick(["Siemens", "Philips"]),
            model=ctx.pick(["Luminos dRF Max", "CombiDiagnost R90"]),
        )
    else:
        ctx.spec = Spec(
            "XA",
            "XA",
            "MONOCHROME2",
            bits,
            8 if bits == 8 else 16,
            window=(top * 0.45, top * 0.9),
            frame_time=1000 / ctx.pick([15, 12.5, 30]),
            scene="xa_cine",
        )
        ctx.fill_header(
            study="CORONARY ANGIOGRAPHY",
            manufacturer=ctx.pick(
                ["Philips Medical Systems", "Siemens", "GE Healthcare"]
            ),
            model=ctx.pick(["Azurion 7 M12", "Artis zee", "Innova IGS 520"]),
        )
        ctx.put("PositionerPrimaryAngle", f"{ctx.uniform(-40, 40):.1f}")
    white = float(top)
    size = ctx.randint(12, 16) if n <= 768 else ctx.randint(16, 24)
    st = ctx.style(OVERLAY + CONSOLE, size, white)
    lh = int(st.f.height * 1.15)
    m = 6
    L = i.labels
    y = m
    ctx.person(cv, m, y, i.patient, ctx.name_form(), st, header=True, title=False)
    y += lh
    ctx.pair(cv, m, y, L["pid"], i.ids["pid"], st, entity="ID", header=ctx.h("pid"))
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
    xr = n - m
    y = m
    if ctx.p(0.8):
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
    if ctx.p(0.4):
        for f in range(nf):
            t = i.study + dt.timedelta(milliseconds=int(f * ctx.spec.frame_time))
            cv.text(
                xr,
                y,
                ctx.dt_text(t, time_style="hms"),
                st,
                phi=True,
                entity="DATE_TIME",
                header=True,
                frames=[f],
                align="right",
            )
    else:
        cv.text(
            xr,
            y,
            ctx.dt_text(),
            st,
            phi=True,
            entity="DATE_TIME",
            header=True,
            align="right",
        )
    y += lh
    if rf:
        cv.text(xr, y, f"Table {ctx.randint(-20, 20)} cm", st, align="right")
    else:
        cv.text(
            xr,
            y,
            f"LAO {ctx.randint(0, 45)}  {ctx.pick(['CRA', 'CAU'])} {ctx.randint(0, 35)}",
            st,
            align="right",
        )
    yb = n - m - 3 * lh
    rate = round(1000 / ctx.spec.frame_time, 1)
    cv.text(m, yb, f"{rate:g} {ctx.pick(['f/s', 'fps', 'p/s'])}", st)
    cv.text(m, yb + lh, f"{ctx.randint(65, 95)} kV  {ctx.randint(200, 900)} mA", st)
    for f in range(nf):
        cv.text(m, yb + 2 * lh, f"Fr {f + 1}/{nf}", st, frames=[f])
    cv.text(xr, yb + 2 * lh, f"{ctx.uniform(5, 80):.1f} mGy", st, align="right")
    ctx.pair(cv, m, m + 3 * lh, "Acc:", i.ids["acc"], st, entity="ID", header=True)
    cv.text(xr, yb + lh, f"DAP {ctx.uniform(1, 60):.1f} Gy·cm²", st, align="right")
    cv.text(xr, yb, ctx.pick(["FL", "CINE", "DSA", "ACQ"]), st, align="right")
    # shown on part of the clip only
    tag = ctx.pick(["INJ", "CONTRAST", "REC", "STORE"])
    cv.text(
        n // 2,
        n - m - lh,
        tag,
        st.with_(bold=1),
        frames=list(range(f0, nf)),
        align="center",
    )
    if ctx.p(0.5):
        k = ctx.randint(1, nf - 1)
        ctx.person(
            cv,
            m,
            yb - lh,
            i.radiologist,
            ctx.pick(["FAMILY G", "G. Family", "given_family"]),
            st,
            header=ctx.h("radiologist"),
            frames=list(range(k)),
        )
    if ctx.p(0.5):
        cv.text(m, yb - 2 * lh, f"{ctx.randint(0, 9):02d}:{ctx.randint(0, 59):02d}", st)
