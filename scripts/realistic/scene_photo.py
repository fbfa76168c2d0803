"""Clinical photographs with an identity block burned in: endoscopy (ES), skin
photography (XC) and fundus photography (OP)."""

from __future__ import annotations

import cv2
import numpy as np
from common import (
    GREEN,
    WHITE,
    YELLOW,
    Scene,
    Shot,
    choose,
    date_formats,
    smooth_noise,
    text_style,
)
from fakeid import date_as, name_as
from textdraw import Canvas, Seg, Style, hdr, line_height, oth


def _endoscopy(scene: Scene, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Pink-red mucosa: a dark lumen, ring folds, fine vessels and a few specular
    glints, inside the octagonal view of a video endoscope."""
    r, nrng = scene.rng, scene.nrng
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lx, ly = w * r.uniform(0.35, 0.65), h * r.uniform(0.35, 0.65)
    rad = np.hypot(xx - lx, yy - ly) / (min(h, w) / 2)
    warp = 0.15 * smooth_noise(nrng, (h, w), w / 6)
    ridge = 0.5 + 0.5 * np.sin(2 * np.pi * (rad + warp) * r.uniform(2.5, 4.5))
    light = np.clip(rad * 1.1, 0, 1) ** 0.7  # the lumen is dark
    shade = (0.2 + 0.8 * light) * (0.75 + 0.25 * ridge)
    veins = np.exp(-(smooth_noise(nrng, (h, w), 5) ** 2) / 0.02)
    red = shade * 0.93
    green = shade * r.uniform(0.38, 0.5) * (1 - 0.2 * veins)
    blue = shade * r.uniform(0.3, 0.4) * (1 - 0.15 * veins)
    img = np.stack([red, green, blue], -1)
    glints = np.zeros((h, w), np.float32)
    for _ in range(r.randint(4, 12)):
        gx, gy = r.uniform(0.1, 0.9) * w, r.uniform(0.1, 0.9) * h
        cv2.ellipse(
            glints,
            (int(gx), int(gy)),
            (r.randint(3, 12), r.randint(2, 5)),
            r.uniform(0, 180),
            0,
            360,
            1.0,
            -1,
        )
    glints = cv2.GaussianBlur(glints, (0, 0), 1.5)[..., None]
    img = img * (1 - glints) + 0.97 * glints
    cx, cy = w * 0.5, h * 0.5
    corner = min(h, w) * 0.28
    view = (
        (np.abs(xx - cx) < w * 0.5 - 2)
        & (np.abs(yy - cy) < h * 0.5 - 2)
        & (np.abs(xx - cx) + np.abs(yy - cy) < (w + h) * 0.5 - corner)
    )
    return np.clip(img, 0, 1).astype(np.float32), view


def _fundus(scene: Scene, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Orange retina with optic disc, vessels and macula, in a round field."""
    r, nrng = scene.rng, scene.nrng
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    c = size / 2
    rad = np.hypot(xx - c, yy - c) / (size * 0.47)
    base = np.stack([0.85 - 0.3 * rad, 0.38 - 0.15 * rad, 0.12 - 0.05 * rad], -1)
    base += 0.04 * smooth_noise(nrng, (size, size), 6)[..., None]
    dx = r.choice([-1, 1]) * size * 0.18
    disc = np.hypot(xx - c - dx, yy - c) < size * 0.07
    base[disc] = (0.98, 0.88, 0.55)
    mac = np.exp(-(((xx - c + dx * 0.9) ** 2 + (yy - c) ** 2) / (size * 0.06) ** 2))
    base *= (1 - 0.35 * mac)[..., None]
    vessels = np.zeros((size, size), np.float32)
    for k in range(r.randint(6, 9)):
        a0 = r.uniform(0, 2 * np.pi)
        x, y = c + dx, c
        width = r.randint(3, 6)
        for _ in range(40):
            a0 += r.uniform(-0.2, 0.2)
            nx, ny = x + np.cos(a0) * size / 50, y + np.sin(a0) * size / 50
            cv2.line(
                vessels, (int(x), int(y)), (int(nx), int(ny)), 1.0, width, cv2.LINE_AA
            )
            x, y = nx, ny
            if k % 2 and r.random() < 0.05:
                width = max(1, width - 1)
    base *= (1 - 0.45 * vessels)[..., None]
    field = rad < 1
    return np.clip(base, 0, 1).astype(np.float32), field


def _skin(scene: Scene, h: int, w: int) -> np.ndarray:
    """Skin with a pigmented lesion, lit from one side."""
    r, nrng = scene.rng, scene.nrng
    tone = np.array(
        r.choice(
            [
                (0.92, 0.76, 0.66),
                (0.78, 0.58, 0.44),
                (0.55, 0.38, 0.28),
                (0.95, 0.82, 0.74),
            ]
        ),
        np.float32,
    )
    light = np.linspace(1.05, 0.8, w, dtype=np.float32)[None, :, None]
    tex = 1 + 0.04 * smooth_noise(nrng, (h, w), 2)[..., None]
    img = tone * light * tex
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w * r.uniform(0.4, 0.6), h * r.uniform(0.4, 0.6)
    edge = 1 + 0.25 * smooth_noise(nrng, (h, w), w / 30)
    d = np.hypot((xx - cx) / (w * 0.08), (yy - cy) / (h * 0.1)) * edge
    lesion = np.clip(1.3 - d, 0, 1)[..., None]
    img = img * (1 - 0.65 * lesion) + np.array((0.25, 0.13, 0.08)) * 0.65 * lesion
    return np.clip(img, 0, 1).astype(np.float32)


def _endoscopy_screen(scene: Scene) -> Canvas:
    """Video processor screen: the identity block in the black margin on the left."""
    r, case = scene.rng, scene.case
    dfmt, tfmt = date_formats(r)
    rows, cols = r.choice([(576, 720), (768, 1024), (1024, 1280), (1080, 1280)])
    vw = int(cols * 0.66)
    pic, view = _endoscopy(scene, rows, vw)
    img = np.zeros((rows, cols, 3), np.float32)
    x0 = cols - vw
    img[:, x0:][view] = pic[view]
    canvas = scene.canvas(img[None])
    style = text_style(
        r,
        sizes=(int(rows / 40), int(rows / 30)),
        colors=[WHITE],
        fonts=["sans", "arial", "sans_cond", "mono"],
        aa=0.8,
    )
    lh = line_height(style) + 4
    name = name_as(case.patient, r.choice(["dicom", "COMMA", "NATURAL"]), fold=True)
    rows_left: list[list[Seg | str]] = [
        ["ID:", hdr(case.patient_id, "ID")],
        ["Name:", hdr(name, "PERSON")],
        ["Sex:", case.patient.sex, "Age:", hdr(str(case.age_years), "AGE")],
        ["D.O.B.", hdr(date_as(case.birth, dfmt), "DATE_TIME")],
        [],
        [hdr(date_as(case.study, dfmt), "DATE_TIME")],
        [hdr(date_as(case.study, tfmt), "DATE_TIME")],
        [],
        [f"Eh:A{r.randint(1, 8)} Ce:{r.randint(0, 8)}"],
        [f"CVP:{r.randint(1, 3)}"],
        [r.choice(["GIF-HQ190", "CF-H185L", "EG-760R", "GIF-1100"])],
    ]
    y = int(rows * 0.06)
    for row in rows_left:
        if row:
            canvas.row(int(cols * 0.02), y, row, style)
        y += lh
    canvas.row(int(cols * 0.02), rows - 2 * lh, ["Comment:"], style)
    if r.random() < 0.5:
        canvas.row(
            int(cols * 0.02),
            rows - lh,
            [
                r.choice(["Dr", "Endoscopist:"]),
                hdr(case.performing.family.upper(), "PERSON"),
            ],
            style,
        )
    return canvas


def _fundus_photo(scene: Scene) -> Canvas:
    """Fundus camera image: identity and date in the corners, the eye in big type."""
    r, case = scene.rng, scene.case
    dfmt, tfmt = date_formats(r)
    size = r.choice([768, 1024, 1200])
    rows, cols = size, int(size * r.choice([1.0, 1.25, 1.33]))
    pic, field = _fundus(scene, size)
    img = np.zeros((rows, cols, 3), np.float32)
    x0 = (cols - size) // 2
    img[:, x0 : x0 + size][field] = pic[field]
    canvas = scene.canvas(img[None])
    style = text_style(
        r,
        sizes=(int(size / 48), int(size / 34)),
        colors=[WHITE, YELLOW, GREEN],
        fonts=["sans", "arial", "free_sans"],
        aa=0.9,
    )
    lh = line_height(style) + 3
    m = 10
    eye = r.choice(["OD", "OS", "R", "L"])
    name = name_as(case.patient, r.choice(["comma", "NATURAL", "dicom"]))
    canvas.row(m, m, [hdr(name, "PERSON")], style)
    canvas.row(m, m + lh, [hdr(case.patient_id, "ID")], style)
    canvas.row(
        m, m + 2 * lh, ["DOB", hdr(date_as(case.birth, dfmt), "DATE_TIME")], style
    )
    canvas.row(
        cols - m,
        m,
        [
            hdr(date_as(case.study, dfmt), "DATE_TIME"),
            hdr(date_as(case.study, tfmt), "DATE_TIME"),
        ],
        style,
        align="right",
    )
    canvas.row(
        cols - m,
        m + lh,
        [hdr(case.institution, "ORGANIZATION")],
        style,
        align="right",
    )
    big = style.but(size=int(style.size * 2), font="sans_bold")
    canvas.write(m, rows - m - line_height(big), eye, big)
    canvas.row(
        cols - m,
        rows - m - lh,
        [r.choice(["45°", "50°", "30°"]), f"Flash {r.randint(20, 100)}"],
        style,
        align="right",
    )
    return canvas


def _skin_photo(scene: Scene) -> Canvas:
    """Clinical skin photo with a ruler sticker and an identity caption."""
    r, case = scene.rng, scene.case
    dfmt, tfmt = date_formats(r)
    rows, cols = r.choice([(768, 1024), (960, 1280), (1024, 1280), (600, 800)])
    img = _skin(scene, rows, cols)
    # A paper ruler sticker along the bottom edge (graphics before text).
    ry = rows - int(rows * 0.16)
    rl = int(cols * 0.35)
    img[ry : ry + int(rows * 0.05), 20 : 20 + rl] = (0.97, 0.97, 0.94)
    px_cm = rl / 10
    for i in range(11):
        tx = 20 + int(i * px_cm)
        img[ry : ry + (14 if i % 5 == 0 else 8), tx : tx + 1] = 0.1
    canvas = scene.canvas(img[None])
    ruler = Style(font="arial", size=max(10, int(rows / 70)), color=0.1)
    for i in range(0, 11, 2):
        canvas.write(20 + int(i * px_cm) + 2, ry + 14, str(i), ruler)
    canvas.write(20 + rl - 4, ry + 14, "cm", ruler, align="right")
    style = text_style(
        r,
        sizes=(int(rows / 45), int(rows / 32)),
        colors=[WHITE, YELLOW],
        fonts=["sans", "arial", "sans_bold", "free_sans"],
        aa=0.85,
        shadow=0.5,
    )
    if not style.shadow:
        style = style.but(box=(0.0, 0.0, 0.0), box_alpha=0.55, box_pad=3)
    lh = line_height(style) + 8
    name = name_as(case.patient, r.choice(["comma", "natural", "COMMA"]))
    block = [
        [hdr(name, "PERSON"), hdr(case.patient_id, "ID")],
        [
            hdr(date_as(case.study, dfmt), "DATE_TIME"),
            hdr(date_as(case.study, tfmt), "DATE_TIME"),
            r.choice(["L forearm", "R shin", "Upper back", "L cheek", "R shoulder"]),
        ],
        [hdr(case.institution, "ORGANIZATION")],
    ]
    if r.random() < 0.4:
        block.append(["Photo:", oth(name_as(case.staff, "initial"), "PERSON")])
    by = 12
    right = r.random() < 0.5
    for row in block:
        canvas.row(
            cols - 14 if right else 14,
            by,
            row,
            style,
            sep="  ",
            align="right" if right else "left",
        )
        by += lh
    return canvas


# Modality -> (scene, SOP Class, device, study description).
KINDS = {
    "ES": (
        _endoscopy_screen,
        "1.2.840.10008.5.1.4.1.1.77.1.1",
        ("Endovia", "EV-7000 Video Processor"),
        "Gastroscopy",
    ),
    "OP": (
        _fundus_photo,
        "1.2.840.10008.5.1.4.1.1.77.1.5.1",
        ("Retinix", "RX-45 Fundus Camera"),
        "Fundus photography",
    ),
    "XC": (
        _skin_photo,
        "1.2.840.10008.5.1.4.1.1.77.1.4",
        ("DermaCam", "DC-20"),
        "Dermatology photo",
    ),
}


def photo(scene: Scene) -> Shot:
    r = scene.rng
    modality = choose(r, {"ES": 2, "XC": 1.5, "OP": 1.5})
    draw, sop, device, study = KINDS[modality]
    return Shot(
        modality=modality,
        canvas=draw(scene),
        photometric="RGB",
        syntax=choose(r, {"jpeg": 4, "explicit": 1}),
        sop_class=sop,
        attrs={"ImageType": ["ORIGINAL", "PRIMARY"]},
        device=device,
        study=study,
        series=modality,
    )
