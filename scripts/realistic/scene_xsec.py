"""CT and MR slices (native, 12-16 bit, overlay burned at high values), viewer
screenshots of them saved as secondary captures, and projection X-ray (DX/CR,
MONOCHROME1) with the identity printed on the collimation border."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from common import (
    CYAN,
    GREEN,
    ORANGE,
    WHITE,
    YELLOW,
    Scene,
    Shot,
    choose,
    date_formats,
    smooth_noise,
    text_style,
)
from fakeid import Case, date_as, name_as
from textdraw import Canvas, Seg, Style, hdr, line_height, oth

# -- phantoms ---------------------------------------------------------------


def _ellipse(
    img: np.ndarray,
    cx: float,
    cy: float,
    ax: float,
    ay: float,
    value: float,
    angle: float = 0.0,
) -> None:
    """Filled ellipse in coordinates relative to the image size."""
    h, w = img.shape
    cv2.ellipse(
        img,
        (int(cx * w), int(cy * h)),
        (max(1, int(ax * w)), max(1, int(ay * h))),
        angle,
        0,
        360,
        float(value),
        -1,
        cv2.LINE_AA,
    )


def ct_slice(scene: Scene, size: int, region: str) -> np.ndarray:
    """Hounsfield units of an axial slice: air, body, organs, bone, table."""
    r, nrng = scene.rng, scene.nrng
    hu = np.full((size, size), -1000.0, np.float32)
    bw, bh = r.uniform(0.36, 0.44), r.uniform(0.26, 0.33)
    if region == "head":
        bw, bh = r.uniform(0.3, 0.36), r.uniform(0.36, 0.42)
        _ellipse(hu, 0.5, 0.5, bw, bh, 1100)  # skull
        _ellipse(hu, 0.5, 0.5, bw - 0.025, bh - 0.025, 35)
        _ellipse(hu, 0.5, 0.5, bw * 0.55, bh * 0.6, 28)  # white matter
        _ellipse(hu, 0.46, 0.47, 0.03, 0.09, 6, -10)  # ventricles
        _ellipse(hu, 0.54, 0.47, 0.03, 0.09, 6, 10)
    else:
        _ellipse(hu, 0.5, 0.52, bw, bh, -100)  # subcutaneous fat
        _ellipse(hu, 0.5, 0.52, bw - 0.03, bh - 0.03, 45)
        _ellipse(hu, 0.5, 0.74, 0.045, 0.04, 700)  # vertebral body
        _ellipse(hu, 0.5, 0.80, 0.015, 0.015, 20)  # canal
        if region == "chest":
            _ellipse(hu, 0.33, 0.5, 0.13, 0.19, -860, 8)  # lungs
            _ellipse(hu, 0.67, 0.5, 0.13, 0.19, -860, -8)
            _ellipse(hu, 0.55, 0.5, 0.1, 0.09, 45)  # heart
            _ellipse(hu, 0.47, 0.62, 0.025, 0.025, 180)  # aorta
            for _ in range(60):  # pulmonary vessels
                side = r.choice([0.33, 0.67])
                _ellipse(
                    hu,
                    side + r.uniform(-0.1, 0.1),
                    0.5 + r.uniform(-0.15, 0.15),
                    0.004,
                    0.004,
                    30,
                )
            for a in np.linspace(0.4, 2.75, 9):  # ribs
                for s in (-1, 1):
                    _ellipse(
                        hu,
                        0.5 + s * (bw - 0.05) * math.cos(a) * 1.0,
                        0.52 + (bh - 0.05) * math.sin(a) * (1 if a > 1.5 else -1),
                        0.012,
                        0.008,
                        650,
                    )
        else:
            _ellipse(hu, 0.37, 0.47, 0.14, 0.13, 62)  # liver
            _ellipse(hu, 0.67, 0.45, 0.06, 0.07, 50)  # spleen
            _ellipse(hu, 0.4, 0.66, 0.04, 0.05, 160)  # kidneys
            _ellipse(hu, 0.6, 0.66, 0.04, 0.05, 160)
            _ellipse(hu, 0.52, 0.62, 0.018, 0.018, 170)  # aorta
            for _ in range(r.randint(3, 8)):  # bowel gas
                _ellipse(
                    hu,
                    r.uniform(0.42, 0.62),
                    r.uniform(0.36, 0.5),
                    r.uniform(0.01, 0.03),
                    r.uniform(0.008, 0.02),
                    -900,
                )
        # Table under the patient.
        cv2.ellipse(
            hu,
            (size // 2, int(size * 1.45)),
            (int(size * 0.45), int(size * 0.6)),
            0,
            240,
            300,
            150.0,
            max(2, size // 80),
        )
    hu += 8 * smooth_noise(nrng, hu.shape, 6)
    hu += nrng.normal(0, r.uniform(6, 18), hu.shape).astype(np.float32)
    hu = cv2.GaussianBlur(hu, (0, 0), 0.7)
    # Outside the reconstruction circle a scanner writes its padding value.
    yy, xx = np.mgrid[0:size, 0:size]
    fov = (xx - size / 2) ** 2 + (yy - size / 2) ** 2 > (size * 0.49) ** 2
    hu[fov] = -1024 if r.random() < 0.5 else -2000
    return hu


def mr_slice(scene: Scene, rows: int, cols: int) -> np.ndarray:
    """Arbitrary MR signal (0..~1500) of an axial head: fat, skull, CSF, brain."""
    r, nrng = scene.rng, scene.nrng
    img = np.zeros((rows, cols), np.float32)
    t2 = r.random() < 0.5
    bw, bh = r.uniform(0.32, 0.38), r.uniform(0.38, 0.44)
    _ellipse(img, 0.5, 0.5, bw, bh, 900)  # scalp fat
    _ellipse(img, 0.5, 0.5, bw - 0.02, bh - 0.02, 60)  # skull (no signal)
    _ellipse(img, 0.5, 0.5, bw - 0.035, bh - 0.035, 1200 if t2 else 300)  # CSF
    _ellipse(img, 0.5, 0.5, bw - 0.05, bh - 0.05, 700 if t2 else 620)  # grey
    _ellipse(img, 0.5, 0.5, bw * 0.6, bh * 0.65, 520 if t2 else 760)  # white
    _ellipse(img, 0.46, 0.47, 0.03, 0.1, 1300 if t2 else 250, -12)
    _ellipse(img, 0.54, 0.47, 0.03, 0.1, 1300 if t2 else 250, 12)
    _ellipse(img, 0.5, 0.15, 0.08, 0.05, 400)  # eyes / face edge
    img *= 1 + 0.25 * smooth_noise(nrng, img.shape, rows / 5)  # coil bias field
    img = cv2.GaussianBlur(img, (0, 0), 1.0)
    sigma = r.uniform(10, 30)
    noisy = np.hypot(
        img + nrng.normal(0, sigma, img.shape), nrng.normal(0, sigma, img.shape)
    )  # Rician magnitude
    return noisy.astype(np.float32)


def window(values: np.ndarray, centre: float, width: float) -> np.ndarray:
    return np.clip((values - (centre - width / 2)) / width, 0, 1).astype(np.float32)


# -- overlays -----------------------------------------------------------------


def _age(case: Case, rng: random.Random) -> str:
    return rng.choice(
        [
            f"{case.age_years}Y",
            case.age_string(),
            f"{case.age_years} Y",
            f"{case.age_years} yrs",
            f"{case.age_years}y",
        ]
    )


def _corner_texts(
    scene: Scene, fmt: random.Random, mod: str, series: int, image: int, total: int
) -> dict[str, list[list[Seg | str]]]:
    """The four corner blocks of a CT/MR display. ``fmt`` makes the layout and
    format choices, so that every viewport of one viewer shares its template;
    ``scene.rng`` draws the values."""
    r, case = scene.rng, scene.case
    dfmt, tfmt = date_formats(fmt)
    name = name_as(
        case.patient,
        fmt.choice(["dicom", "COMMA", "comma", "NATURAL", "family_first"]),
        fold=fmt.random() < 0.5,
    )
    dob = hdr(
        date_as(case.birth, fmt.choice([dfmt, "%d-%b-%Y", "%Y%m%d"])), "DATE_TIME"
    )
    sex_age = [
        fmt.choice([case.patient.sex, f"Sex: {case.patient.sex}"]),
        hdr(_age(case, fmt), "AGE"),
    ]
    tl: list[list[Seg | str]] = []
    if fmt.random() < 0.75:
        tl.append([hdr(case.institution, "ORGANIZATION")])
    tl.append(
        [hdr(name, "PERSON")]
        if fmt.random() < 0.6
        else [fmt.choice(["Name:", "Pat:"]), hdr(name, "PERSON")]
    )
    tl.append([fmt.choice(["ID:", "MRN:", "PID:", ""]), hdr(case.patient_id, "ID")])
    tl.append(
        fmt.choice(
            [[fmt.choice(["DOB:", "Born", "D.O.B."]), dob, *sex_age], sex_age, [dob]]
        )
    )
    if fmt.random() < 0.65:
        tl.append(
            [fmt.choice(["Acc:", "Acc#", "Accession:"]), hdr(case.accession, "ID")]
        )
    tr: list[list[Seg | str]] = []
    tr.append([hdr(date_as(case.study, dfmt), "DATE_TIME")])
    if fmt.random() < 0.7:
        tr.append([hdr(date_as(case.study, tfmt), "DATE_TIME")])
    tr.append(fmt.choice([[f"Se: {series}"], [f"Series {series}"], [f"S{series}"]]))
    tr.append(
        fmt.choice(
            [[f"Im: {image}/{total}"], [f"Img {image}"], [f"I{image}", f"of {total}"]]
        )
    )
    if mod == "CT":
        tr.append(
            [
                fmt.choice(["Ax", "AXIAL", "Axial"])
                + " "
                + r.choice(["1.25mm", "5.0 mm", "2.5mm", "0.625mm", "3 mm"])
            ]
        )
        bl = [
            [
                f"kV {r.choice([80, 100, 120, 140])}",
                fmt.choice(
                    [
                        f"mA {r.randint(80, 450)}",
                        f"mAs {r.randint(40, 350)}",
                        f"eff. mAs {r.randint(40, 350)}",
                    ]
                ),
            ],
            [
                fmt.choice(["Thk", "ST", "Sl"])
                + f" {r.choice(['1.25', '2.5', '5.0'])} mm"
            ],
            [f"Tilt {r.choice(['0.0', '0.0', '-12.0'])}"],
            [f"DFOV {r.uniform(25, 48):.1f}cm"],
            [r.choice(["STND", "SOFT", "LUNG", "BONE", "B30f", "Br40"])],
        ]
        w, lv = r.choice([(400, 40), (1500, -600), (80, 40), (350, 50), (2000, 500)])
    else:
        bl = [
            [f"TR {r.randint(400, 9000)}", f"TE {r.randint(8, 120)}"],
            [
                r.choice(
                    [
                        "Ax T2 FSE",
                        "T1 SE",
                        "FLAIR",
                        "T2 TSE tra",
                        "DWI b1000",
                        "AX T1 POST",
                    ]
                )
            ],
            [f"ET {r.randint(1, 30)}", f"FA {r.choice([90, 150, 160, 20])}"],
            [f"SL {r.choice(['3.0', '4.0', '5.0'])}mm", f"{r.choice(['1.5T', '3T'])}"],
            [f"FOV {r.choice(['22x22', '24x24', '230*230', '25 cm'])}"],
        ]
        w, lv = r.randint(600, 1600), r.randint(300, 800)
    fmt.shuffle(bl)
    bl = bl[: fmt.randint(1, 3)]
    br: list[list[Seg | str]] = [
        fmt.choice([[f"W {w} L {lv}"], [f"WW: {w}", f"WL: {lv}"], [f"W:{w} C:{lv}"]]),
        [f"Zoom {r.uniform(0.8, 2.5):.2f}"]
        if fmt.random() < 0.6
        else [f"{r.randint(80, 250)}%"],
    ]
    if fmt.random() < 0.6:
        br.append([r.choice(["HFS", "FFS", "HFP"])])
    if fmt.random() < 0.3:
        br.append([hdr(name_as(case.operator, "initials"), "PERSON")])
    if fmt.random() < 0.45:
        br.append(
            [
                fmt.choice(["Ref:", "Ref. Phys:"]),
                hdr(
                    name_as(case.referring, fmt.choice(["dr", "COMMA"]), fold=True),
                    "PERSON",
                ),
            ]
        )
    return {"tl": tl, "tr": tr, "bl": bl, "br": br}


def draw_corners(
    canvas: Canvas,
    blocks: dict[str, list[list[Seg | str]]],
    style: Style,
    x0: int,
    y0: int,
    x1: int,
    y1: int,
    margin: int,
) -> None:
    """Four corner blocks inside the rectangle (x0, y0)-(x1, y1)."""
    lh = line_height(style) + max(1, style.size // 6)
    for corner, rows in blocks.items():
        rows = [row for row in rows if row]
        top = y0 + margin if corner[0] == "t" else y1 - margin - len(rows) * lh
        right = corner[1] == "r"
        for i, row in enumerate(rows):
            canvas.row(
                x1 - margin if right else x0 + margin,
                top + i * lh,
                row,
                style,
                align="right" if right else "left",
            )


def draw_orientation(
    canvas: Canvas, style: Style, x0: int, y0: int, x1: int, y1: int, letters: str
) -> None:
    """Orientation letters at the edge midpoints: top, bottom, left, right."""
    t, b, left, right = letters
    lh = line_height(style)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    canvas.write(cx, y0 + 4, t, style, align="center")
    canvas.write(cx, y1 - lh - 4, b, style, align="center")
    canvas.write(x0 + 4, cy - lh // 2, left, style)
    canvas.write(x1 - 4, cy - lh // 2, right, style, align="right")


def ruler_marks(
    img: np.ndarray, x: int, y: int, length: int, value: float, vertical: bool
) -> None:
    """A scale bar with a tick per tenth (graphics only; its label is text)."""
    if vertical:
        img[y : y + length, x] = value
        for i in range(11):
            ty = y + round(i * (length - 1) / 10)
            img[ty, x - (5 if i % 5 == 0 else 3) : x] = value
    else:
        img[y, x : x + length] = value
        for i in range(11):
            tx = x + round(i * (length - 1) / 10)
            img[y - (5 if i % 5 == 0 else 3) : y, tx] = value


# -- native CT / MR -------------------------------------------------------------


def _native(scene: Scene, mod: str) -> Shot:
    r = scene.rng
    if mod == "CT":
        size = choose(r, {512: 6, 768: 1, 1024: 1, 384: 1})
        rows = cols = size
        region = r.choice(["chest", "abdomen", "head"])
        values = ct_slice(scene, size, region)
        kind = choose(r, {"u12": 3, "s16": 2, "s12": 1, "u16": 1})
        intercept = -1024 if kind[0] == "u" else 0
        bits = int(kind[1:])
        signed = kind[0] == "s"
        stored = values - intercept
    else:
        rows, cols = r.choice(
            [
                (256, 256),
                (320, 320),
                (384, 384),
                (448, 448),
                (512, 512),
                (320, 256),
                (512, 448),
            ]
        )
        region = "head"
        values = mr_slice(scene, rows, cols)
        kind = choose(r, {"u12": 3, "u16": 2})
        bits, signed, intercept = int(kind[1:]), False, 0
        stored = values
    lo = -(1 << (bits - 1)) if signed else 0
    top = (1 << bits) - 1
    disp = np.clip((stored - lo) / top, 0, 1)[None].astype(np.float32)
    canvas = scene.canvas(disp)

    # Overlay text at (or near) the top of the stored range: white on any window.
    level = r.choice([1.0, 1.0, 1.0, 0.92])
    k = cols / 512
    style = text_style(
        r,
        sizes=(max(9, int(11 * k)), max(10, int(15 * k))),
        colors=[level],
        fonts=[
            "sans",
            "arial",
            "mono",
            "courier",
            "sans_cond",
            "free_sans",
            "free_mono",
        ],
        aa=0.55,
        bitmap_scale=0.1 if cols >= 512 else 0.0,
        outline=0.15,
    )
    if style.outline:
        style = style.but(edge=0.0)
    total = r.randint(40, 400)
    image = r.randint(1, total)
    series = r.randint(1, 12)
    ruler_len = int(rows * r.uniform(0.15, 0.25))
    rx = cols - max(26, int(34 * k))
    ruler_marks(canvas.img[0], rx, rows // 2 - ruler_len // 2, ruler_len, level, True)
    blocks = _corner_texts(scene, random.Random(r.random()), mod, series, image, total)
    draw_corners(canvas, blocks, style, 0, 0, cols, rows, max(4, int(6 * k)))
    draw_orientation(
        canvas,
        style,
        0,
        0,
        cols,
        rows,
        r.choice(["APRL", "APRL", "SIRL"]) if mod == "MR" else "APRL",
    )
    canvas.write(
        rx + 4,
        rows // 2 + ruler_len // 2 + 6,
        r.choice(["5 cm", "50 mm", "10cm", "5cm"]),
        style,
        align="right",
    )

    attrs: dict = {
        "ImageType": ["ORIGINAL", "PRIMARY", "AXIAL"],
        "PixelSpacing": [f"{r.uniform(0.4, 0.98):.4f}"] * 2,
        "SliceThickness": r.choice(["1.25", "2.5", "5", "3", "4"]),
        "ImagePositionPatient": [-200, -200, -r.randint(0, 600)],
        "ImageOrientationPatient": [1, 0, 0, 0, 1, 0],
        "FrameOfReferenceUID": "1.2.826.0.1.3680043.8.498.1",
        "PatientPosition": "HFS",
    }
    if mod == "CT":
        attrs.update(
            {
                "RescaleIntercept": intercept,
                "RescaleSlope": 1,
                "RescaleType": "HU",
                "KVP": r.choice([100, 120, 140]),
                "WindowCenter": 40,
                "WindowWidth": 400,
                "ConvolutionKernel": "STANDARD",
            }
        )
        sop, device = "1.2.840.10008.5.1.4.1.1.2", ("Tomovia", "TV-128 Pro")
    else:
        attrs.update(
            {
                "RepetitionTime": r.randint(400, 9000),
                "EchoTime": r.randint(8, 120),
                "MagneticFieldStrength": r.choice([1.5, 3]),
                "WindowCenter": 600,
                "WindowWidth": 1200,
                "ScanningSequence": "SE",
                "SequenceVariant": "SK",
                "ScanOptions": "",
                "MRAcquisitionType": "2D",
            }
        )
        sop, device = "1.2.840.10008.5.1.4.1.1.4", ("Magnetix", "Aurora 3T")
    return Shot(
        modality=mod,
        canvas=canvas,
        bits_stored=bits,
        signed=signed,
        syntax=choose(
            r, {"explicit": 4, "implicit": 1, "jpegls": 1, "j2k": 1, "rle": 1}
        ),
        sop_class=sop,
        attrs=attrs,
        device=device,
        study=f"{mod} {region.title()}",
        series=r.choice(["Axial", "AX 5mm", "T2 AX", "Routine"]),
        body_part=region.upper(),
    )


def ct(scene: Scene) -> Shot:
    return _native(scene, "CT")


def mr(scene: Scene) -> Shot:
    return _native(scene, "MR")


# -- viewer screenshots ------------------------------------------------------------


def viewer(scene: Scene) -> Shot:
    """A PACS viewer screen grab (1, 2 or 4 viewports) saved as SC."""
    r, case = scene.rng, scene.case
    rows, cols = r.choice(
        [(768, 1024), (1024, 1024), (1024, 1280), (800, 800), (900, 1200), (1024, 1280)]
    )
    colour = r.random() < 0.6
    mod = r.choice(["CT", "CT", "MR"])
    grid = choose(r, {(1, 1): 3, (1, 2): 2, (2, 2): 3})
    bg = np.zeros((rows, cols), np.float32)
    title_h = 0
    if r.random() < 0.5:
        title_h = r.randint(22, 30)
    tool_h = r.choice([0, 0, 36])
    top = title_h + tool_h
    cell_h = (rows - top) // grid[0]
    cell_w = cols // grid[1]
    img = np.repeat(bg[None, ..., None], 3, -1) if colour else bg[None].copy()
    if colour:
        img = img.astype(np.float32)

    # Viewport images first (graphics), text after.
    ports = []
    for gy in range(grid[0]):
        for gx in range(grid[1]):
            x0, y0 = gx * cell_w, top + gy * cell_h
            side = min(cell_w, cell_h) - 4
            if mod == "CT":
                hu = ct_slice(scene, 384, r.choice(["chest", "abdomen", "head"]))
                c, w = r.choice([(40, 400), (-600, 1500), (40, 80), (300, 1500)])
                pic = window(hu, c, w)
            else:
                sig = mr_slice(scene, 320, 320)
                pic = window(sig, r.uniform(500, 700), r.uniform(900, 1500))
            pic = cv2.resize(pic, (side, side), interpolation=cv2.INTER_LINEAR)
            px, py = x0 + (cell_w - side) // 2, y0 + (cell_h - side) // 2
            if colour:
                img[0, py : py + side, px : px + side] = pic[..., None]
            else:
                img[0, py : py + side, px : px + side] = pic
            ports.append((x0, y0, x0 + cell_w, y0 + cell_h))
    active = r.randrange(len(ports))
    for i, (x0, y0, x1, y1) in enumerate(ports):
        edge = (1.0, 0.85, 0.2) if i == active and colour else (0.35, 0.35, 0.4)
        cv2.rectangle(
            img[0],
            (x0, y0),
            (x1 - 1, y1 - 1),
            edge if colour else float(np.mean(edge)),
            1,
        )
    if title_h:
        img[0, :title_h] = (0.16, 0.2, 0.32) if colour else 0.2
    if tool_h:
        img[0, title_h:top] = (0.22, 0.22, 0.24) if colour else 0.24
        for i in range(r.randint(6, 12)):
            bx = 8 + i * 40
            img[0, title_h + 6 : top - 6, bx : bx + 30] = (
                (0.4, 0.42, 0.46) if colour else 0.42
            )
    canvas = scene.canvas(img)

    base = text_style(
        r,
        sizes=(11, 15) if grid != (1, 1) else (12, 18),
        colors=[WHITE, YELLOW, GREEN, ORANGE, CYAN] if colour else [1.0, 0.9, 0.8],
        fonts=["sans", "arial", "free_sans", "mono", "sans_cond", "courier"],
        aa=0.8,
        outline=0.1,
        shadow=0.15,
    )
    if title_h:
        name = name_as(case.patient, r.choice(["COMMA", "comma", "dicom"]))
        ts = Style(
            font="sans", size=title_h - 10, color=(0.92, 0.92, 0.95) if colour else 0.92
        )
        canvas.row(
            8,
            4,
            [
                r.choice(["PACS Viewer -", "Study:", "Imaging Viewer |"]),
                hdr(name, "PERSON"),
                f"({mod})",
                hdr(case.patient_id, "ID"),
            ],
            ts,
        )
    if tool_h:
        labels = ["Layout", "W/L", "Zoom", "Pan", "Measure", "Annot", "3D", "Cine"]
        ts = Style(font="sans", size=10, color=(0.85, 0.85, 0.85) if colour else 0.85)
        for i, lab in enumerate(labels[: r.randint(3, 8)]):
            canvas.write(cols - 8 - (len(labels) - i) * 56, title_h + 11, lab, ts)
    series = r.randint(1, 8)
    total = r.randint(60, 300)
    template = r.random()
    for i, (x0, y0, x1, y1) in enumerate(ports):
        style = base
        blocks = _corner_texts(
            scene, random.Random(template), mod, series + i, r.randint(1, total), total
        )
        if grid == (2, 2) and r.random() < 0.5:
            blocks["bl"] = blocks["bl"][:2]
            blocks["br"] = blocks["br"][:2]
        draw_corners(canvas, blocks, style, x0, y0, x1, y1, 6)
        if r.random() < 0.7:
            draw_orientation(
                canvas, style, x0, y0, x1, y1, r.choice(["APRL", "SIRL", "SIAP"])
            )
    photometric = "RGB" if colour else "MONOCHROME2"
    syntax = choose(r, {"jpeg": 2, "explicit": 2, "rle": 1})
    return Shot(
        modality="SC",
        canvas=canvas,
        photometric="YBR_FULL_422" if colour and syntax == "jpeg" else photometric,
        syntax=syntax,
        sop_class="1.2.840.10008.5.1.4.1.1.7",
        device=("ViewPoint Systems", "VP Workstation"),
        study=f"{mod} review",
        series="Screen capture",
    )


# -- projection X-ray -------------------------------------------------------------


def dx(scene: Scene) -> Shot:
    """Chest radiograph, MONOCHROME1, text dark on the bright collimation border."""
    r, case, nrng = scene.rng, scene.case, scene.nrng
    rows, cols = r.choice([(1280, 1024), (1024, 1024), (1200, 1000), (1024, 840)])
    # Display luminance: lungs dark, mediastinum and bone bright.
    d = np.full((rows, cols), 0.18, np.float32)
    _ellipse(d, 0.5, 0.55, 0.44, 0.48, 0.45)  # soft tissue of the trunk
    _ellipse(d, 0.34, 0.5, 0.15, 0.3, 0.16)  # lungs
    _ellipse(d, 0.66, 0.5, 0.15, 0.3, 0.16)
    _ellipse(d, 0.55, 0.6, 0.12, 0.15, 0.62, -20)  # heart
    _ellipse(d, 0.5, 0.45, 0.035, 0.4, 0.72)  # spine
    for i in range(9):  # ribs
        y = 0.27 + i * 0.055
        for s in (-1, 1):
            cv2.ellipse(
                d,
                (int(cols * (0.5 + s * 0.17)), int(rows * y)),
                (int(cols * 0.16), int(rows * 0.05)),
                0,
                180 if s < 0 else 270,
                360 if s < 0 else 450,
                0.55,
                3,
                cv2.LINE_AA,
            )
    _ellipse(d, 0.5, 0.84, 0.42, 0.08, 0.6)  # diaphragm / abdomen
    d = cv2.GaussianBlur(d, (0, 0), 6) + 0.03 * smooth_noise(nrng, d.shape, 2)
    d += nrng.normal(0, 0.012, d.shape).astype(np.float32)
    # Collimation: unexposed border is bright on display.
    mt, mb = r.randint(60, 110), r.randint(60, 110)
    ml, mr_ = r.randint(50, 100), r.randint(50, 100)
    border = r.uniform(0.82, 0.95)
    d[:mt], d[rows - mb :], d[:, :ml], d[:, cols - mr_ :] = (
        border,
        border,
        border,
        border,
    )
    d = np.clip(d, 0, 1)
    canvas = scene.canvas(d[None].astype(np.float32))

    dark = r.uniform(0.05, 0.35)
    style = text_style(
        r,
        sizes=(14, 22),
        colors=[dark],
        fonts=["sans", "arial", "sans_bold", "courier", "free_sans"],
        aa=0.75,
    )
    dfmt, tfmt = date_formats(r)
    name = name_as(case.patient, r.choice(["COMMA", "dicom", "comma", "NATURAL"]))
    lh = line_height(style) + 2
    canvas.row(ml, 8, [hdr(case.institution, "ORGANIZATION")], style)
    canvas.row(
        ml, 8 + lh, [hdr(name, "PERSON"), hdr(case.patient_id, "ID")], style, sep="   "
    )
    canvas.row(
        cols - mr_,
        8,
        [
            hdr(date_as(case.study, dfmt), "DATE_TIME"),
            hdr(date_as(case.study, tfmt), "DATE_TIME"),
        ],
        style,
        align="right",
    )
    canvas.row(
        cols - mr_,
        8 + lh,
        ["DOB", hdr(date_as(case.birth, dfmt), "DATE_TIME")],
        style,
        align="right",
    )
    view = r.choice(["PA ERECT", "AP SUPINE", "AP PORTABLE", "AP SITTING", "LAT"])
    yb = rows - mb + max(4, (mb - 2 * lh) // 2)
    canvas.row(ml, yb, [view], style)
    canvas.row(
        ml,
        yb + lh,
        [
            f"kVp {r.randint(70, 125)}",
            f"mAs {r.uniform(1, 8):.1f}",
            f"EI {r.randint(150, 900)}",
        ],
        style,
    )
    canvas.row(
        cols - mr_,
        yb,
        [r.choice(["Tech:", "RT:"]), oth(name_as(case.staff, "initials"), "PERSON")],
        style,
        align="right",
    )
    canvas.row(
        cols - mr_,
        yb + lh,
        [r.choice(["Grid", "No Grid", "180 cm SID"])],
        style,
        align="right",
    )
    # Lead side marker: bright letter on the image.
    marker = Style(font="sans_bold", size=r.randint(28, 40), color=0.97)
    side = r.choice(["R", "L"])
    mx = ml + 20 if side == "R" else cols - mr_ - 60
    canvas.write(mx, mt + 30, side, marker)
    if r.random() < 0.5:
        canvas.write(
            cols // 2,
            mt + 12,
            r.choice(["PORTABLE", "ERECT", "INSP"]),
            Style(font="sans_bold", size=18, color=0.95),
            align="center",
        )

    return Shot(
        modality="DX",
        canvas=canvas,
        photometric="MONOCHROME1",
        bits_stored=r.choice([12, 14]),
        syntax=choose(r, {"explicit": 3, "j2k": 1, "jpegls": 1}),
        sop_class="1.2.840.10008.5.1.4.1.1.1.1",
        attrs={
            "ImageType": ["ORIGINAL", "PRIMARY"],
            "ViewPosition": view.split()[0],
            "PresentationIntentType": "FOR PRESENTATION",
            "KVP": 110,
            "WindowCenter": 2048,
            "WindowWidth": 4096,
        },
        device=("Radiant Imaging", "DR-Flex 2"),
        study="XR Chest",
        series=view,
        body_part="CHEST",
    )
