"""X-ray angiography and fluoroscopy cines (XA/RF): contrast filling a vessel tree
frame by frame, with identity static and a frame counter or clock changing."""

from __future__ import annotations

import datetime as dt
import math

import cv2
import numpy as np
from common import Scene, Shot, choose, date_formats, smooth_noise, text_style
from fakeid import date_as, name_as
from textdraw import Seg, hdr, line_height, oth


def _vessel_tree(
    scene: Scene, size: int, width: float, branching: int
) -> tuple[np.ndarray, np.ndarray]:
    """Vessel opacity (0..1) and each vessel pixel's order along the tree (0..1),
    so the bolus can fill it progressively."""
    r = scene.rng
    opacity = np.zeros((size, size), np.float32)
    order = np.ones((size, size), np.float32)
    stack = [
        (
            size * r.uniform(0.35, 0.6),
            size * r.uniform(0.15, 0.3),
            r.uniform(0.6, 2.4),
            width,
            0.0,
            0,
        )
    ]
    while stack:
        x, y, ang, width, t, depth = stack.pop()
        steps = r.randint(12, 30)
        for _ in range(steps):
            ang += r.uniform(-0.25, 0.25)
            nx, ny = x + math.cos(ang) * size / 60, y + math.sin(ang) * size / 60
            w = max(1, round(width))
            cv2.line(opacity, (int(x), int(y)), (int(nx), int(ny)), 1.0, w, cv2.LINE_AA)
            cv2.line(order, (int(x), int(y)), (int(nx), int(ny)), t, w + 2)
            x, y, t = nx, ny, min(1.0, t + 0.02)
            width *= 0.985
            if depth < branching and r.random() < 0.12:
                stack.append(
                    (
                        x,
                        y,
                        ang + r.choice([-1, 1]) * r.uniform(0.4, 1.0),
                        width * 0.7,
                        t,
                        depth + 1,
                    )
                )
            if not (0 < x < size and 0 < y < size):
                break
    return cv2.GaussianBlur(opacity, (0, 0), 0.8), order


def angio(scene: Scene) -> Shot:
    r, case, nrng = scene.rng, scene.case, scene.nrng
    size = choose(r, {512: 5, 1024: 2, 768: 1})
    n = r.randint(6, 12)
    rf = r.random() < 0.3
    fps = r.choice([7.5, 15, 15, 30])
    circular = r.random() < 0.5

    # Background: soft tissue, spine, lung edge; circular intensifier or shutters.
    base = 0.5 + 0.05 * smooth_noise(nrng, (size, size), size / 8)
    cv2.rectangle(base, (int(size * 0.44), 0), (int(size * 0.56), size), 0.42, -1)
    base = cv2.GaussianBlur(base, (0, 0), size / 60)
    yy, xx = np.mgrid[0:size, 0:size]
    base *= 1.1 - 0.25 * np.hypot(xx - size / 2, yy - size / 2) / size  # vignette
    if circular:
        field = (xx - size / 2) ** 2 + (yy - size / 2) ** 2 < (size * 0.47) ** 2
    else:
        m = int(size * r.uniform(0.03, 0.08))
        field = (xx > m) & (xx < size - m) & (yy > m // 2) & (yy < size - m // 2)
    field = cv2.GaussianBlur(field.astype(np.float32), (0, 0), size / 200)
    # Coronary arteries, or for fluoroscopy a few thick barium-filled bowel loops.
    if rf:
        opacity, order = _vessel_tree(scene, size, size / 22, 1)
    else:
        opacity, order = _vessel_tree(scene, size, size / 70, 4)
    frames = []
    for f in range(n):
        arrival = (f + 1) / (n * 0.6)  # the bolus front moves down the tree
        fill = np.clip((arrival - order) * 4, 0, 1) * (0.9 if f < n - 1 else 0.7)
        dy = round(size / 150 * math.sin(2 * math.pi * f / 6))  # heartbeat
        vessels = np.roll(opacity * fill, dy, axis=0)
        img = base * (1 - 0.55 * vessels)
        img += nrng.normal(0, 0.02, img.shape).astype(np.float32)
        frames.append(np.clip(img * field, 0, 1))
    canvas = scene.canvas(np.stack(frames).astype(np.float32))

    # Text: white hard-edged or smooth, sometimes on black boxes.
    k = size / 512
    style = text_style(
        r,
        sizes=(int(11 * k), int(15 * k)),
        colors=[1.0, 0.95, 0.88],
        fonts=["sans", "arial", "mono", "courier", "sans_cond"],
        aa=0.5,
        bitmap_scale=0.15 if size >= 768 else 0.0,
        shadow=0.25,
    )
    if r.random() < 0.3 and not style.shadow:
        style = style.but(box=0.0, box_alpha=r.choice([0.6, 1.0]), box_pad=1)
    dfmt = date_formats(r)[0]
    lh = line_height(style) + 3
    m = int(8 * k)
    name = name_as(
        case.patient, r.choice(["dicom", "COMMA", "comma", "NATURAL"]), fold=True
    )
    left = [
        [hdr(name, "PERSON")],
        [r.choice(["ID:", "ID", "Pat ID:"]), hdr(case.patient_id, "ID")],
        r.choice(
            [
                ["DOB:", hdr(date_as(case.birth, dfmt), "DATE_TIME")],
                [hdr(date_as(case.birth, dfmt), "DATE_TIME"), case.patient.sex],
            ]
        ),
    ]
    right = [
        [hdr(case.institution, "ORGANIZATION")],
        [hdr(date_as(case.study, dfmt), "DATE_TIME")],
    ]
    if r.random() < 0.4:
        right.append(["Ref:", hdr(name_as(case.referring, "dr", fold=True), "PERSON")])
    for i, row in enumerate(left):
        canvas.row(m, m + i * lh, row, style)
    for i, row in enumerate(right):
        canvas.row(size - m, m + i * lh, row, style, align="right")

    lao = r.randint(0, 60)
    cra = r.randint(0, 40)
    angle = (f"{r.choice(['LAO', 'RAO'])} {lao}", f"{r.choice(['CRA', 'CAU'])} {cra}")
    if rf:
        bottom_left = [
            [
                r.choice(["FLUORO", "Spot", "DSA"]),
                f"{r.randint(60, 110)} kV",
                f"{r.uniform(0.5, 4):.1f} mA",
            ],
            [f"FOV {r.choice([22, 31, 42, 48])} cm"],
            [f"{fps:g} f/s"],
        ]
    else:
        bottom_left = [
            [*angle],
            [f"kV {r.randint(65, 110)}", f"mA {r.randint(200, 900)}"],
            [
                r.choice(["FD", "FL", "Zoom"])
                + f" {r.choice([15, 20, 22, 25, 31])}"
                + r.choice([" cm", ""])
            ],
            [f"{fps:g} fps"],
        ]
    top = size - m - len(bottom_left) * lh
    for i, row in enumerate(bottom_left):
        canvas.row(m, top + i * lh, row, style)

    # Per-frame lines: a frame counter, and a clock or elapsed timer.
    counter_fmt = r.choice(["Frame {}/{}", "F {}/{}", "{}/{}", "Img {} of {}"])
    by = size - m - lh
    canvas.write_frames(
        size - m,
        by,
        [Seg(counter_fmt.format(f + 1, n)) for f in range(n)],
        style,
        align="right",
    )
    clock = r.random()
    start = case.study
    if clock < 0.45:
        stamps = []
        for f in range(n):
            t = start + dt.timedelta(seconds=f / fps)
            stamps.append(oth(f"{t:%H:%M:%S}.{t.microsecond // 100000}", "DATE_TIME"))
        canvas.write_frames(size - m, by - lh, stamps, style, align="right")
    elif clock < 0.8:
        canvas.write_frames(
            size - m,
            by - lh,
            [Seg(f"T {f / fps:05.2f} s") for f in range(n)],
            style,
            align="right",
        )
    else:
        canvas.write(
            size - m,
            by - lh,
            f"DAP {r.uniform(0.5, 80):.1f} Gycm²",
            style,
            align="right",
        )

    bits = choose(r, {8: 3, 10: 1, 12: 1})
    syntax = choose(
        r, {"explicit": 2, "jpegls": 1, "rle": 1, "jpeg": 2 if bits == 8 else 0}
    )
    return Shot(
        modality="RF" if rf else "XA",
        canvas=canvas,
        bits_stored=bits,
        syntax=syntax,
        sop_class=(
            "1.2.840.10008.5.1.4.1.1.12.2" if rf else "1.2.840.10008.5.1.4.1.1.12.1"
        ),
        attrs={
            "ImageType": ["ORIGINAL", "PRIMARY", "SINGLE PLANE"],
            "FrameTime": f"{1000 / fps:.2f}",
            "CineRate": int(fps),
            "FrameIncrementPointer": 0x00181063,
            "PositionerPrimaryAngle": lao,
            "PositionerSecondaryAngle": cra,
            "KVP": r.randint(65, 110),
            "RadiationSetting": "GR",
        },
        device=("Angiotek", "AT Allura 20"),
        study="Coronary angiography" if not rf else "Fluoroscopy",
        series=r.choice(["LCA", "RCA", "Run 3", "Fluoro"]),
        body_part="HEART" if not rf else "ABDOMEN",
    )
