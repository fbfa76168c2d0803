"""Ultrasound screens: speckle in a convex, phased or linear field of view, with the
annotations a scanner burns in around it (banner, parameters, depth scale, colour
Doppler scale, calipers and results, body marker, cine counter)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import cv2
import numpy as np
from common import (
    CYAN,
    GREEN,
    LIGHT_GREY,
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
from fakeid import date_as, name_as
from textdraw import Canvas, Seg, Style, hdr, line_height, oth, text_width

# geometry -> (probe names, presets, body-marker texts, depth range cm)
PROBES = {
    "convex": (
        ["C5-1", "C1-6", "C2-9", "5C2", "C1-5-D", "C6-2", "AC2541"],
        ["Abdomen", "Abd Gen", "Renal", "OB 2/3", "Gyn", "Aorta", "Liver", "Abd Pen"],
        [
            "LIVER LONG",
            "GB",
            "RT KIDNEY SAG",
            "LT KIDNEY TRV",
            "CBD",
            "PANCREAS",
            "SPLEEN",
            "AORTA PROX",
            "BLADDER",
            "RUQ",
            "PELVIS TRV",
            "UTERUS SAG",
        ],
        (10, 24),
    ),
    "linear": (
        ["L12-5", "L18-4", "9L-D", "ML6-15", "L4-12t", "14L5", "LA523"],
        ["Thyroid", "Carotid", "Breast", "MSK", "Testis", "Vasc Art", "Sm Parts"],
        [
            "RT LOBE TRV",
            "LT LOBE SAG",
            "ISTHMUS",
            "RT CCA PROX",
            "LT ICA",
            "RT BREAST 10:00 4CMFN",
            "LT BREAST 2:00 RAD",
            "RT SHOULDER",
            "LT TESTIS",
            "RT CFV",
            "LT POP V",
        ],
        (3, 7),
    ),
    "phased": (
        ["S5-1", "M5Sc", "P4-2", "S4-2", "X5-1"],
        ["Adult Echo", "Cardiac", "TCD", "Abd Pen"],
        ["PLAX", "A4C", "SUBCOSTAL", "PSAX", "A2C"],
        (12, 20),
    ),
    "endocavity": (
        ["EC9-4", "IC5-9", "E8C", "RIC5-9"],
        ["Gyn", "OB 1", "Prostate"],
        ["UTERUS SAG", "RT OVARY", "LT OVARY", "ENDOMETRIUM", "CX"],
        (6, 12),
    ),
}

MEASURES = {
    "convex": [
        "D1 {a} cm",
        "D2 {b} cm",
        "Vol {v} ml",
        "L {c} cm",
        "Dist {a} cm",
        "Area {r} cm²",
        "Circ {c} cm",
    ],
    "linear": [
        "D1 {a} cm",
        "D2 {b} cm",
        "D3 {d} cm",
        "Vol {v} ml",
        "PSV {p} cm/s",
        "EDV {e} cm/s",
        "RI {ri}",
        "IMT {i} mm",
    ],
    "phased": [
        "LVIDd {c} cm",
        "IVSd {b} cm",
        "LVPWd {b} cm",
        "EF {ef} %",
        "HR {hr} bpm",
        "E {p} cm/s",
        "A {e} cm/s",
    ],
    "endocavity": [
        "D1 {a} cm",
        "D2 {b} cm",
        "D3 {d} cm",
        "Vol {v} ml",
        "ET {i} mm",
        "CRL {b} cm",
    ],
}


def _measure_lines(scene: Scene, geom: str) -> list[str]:
    r = scene.rng
    vals = {
        "a": f"{r.uniform(0.4, 6):.2f}",
        "b": f"{r.uniform(0.3, 4):.2f}",
        "c": f"{r.uniform(3, 12):.1f}",
        "d": f"{r.uniform(0.3, 3):.2f}",
        "v": f"{r.uniform(0.5, 90):.1f}",
        "r": f"{r.uniform(0.5, 20):.2f}",
        "p": f"{r.uniform(40, 140):.1f}",
        "e": f"{r.uniform(8, 40):.1f}",
        "ri": f"{r.uniform(0.5, 0.85):.2f}",
        "i": f"{r.uniform(0.4, 12):.1f}",
        "ef": str(r.randint(35, 70)),
        "hr": str(r.randint(55, 110)),
    }
    n = r.randint(1, 4)
    picks = r.sample(MEASURES[geom], n)
    return [p.format(**vals) for p in picks]


def _field_of_view(
    scene: Scene, geom: str, x0: int, y0: int, x1: int, y1: int
) -> dict[str, float]:
    """Apex, radii and half-angle of the image sector inside the given box."""
    depth = y1 - y0
    cx = (x0 + x1) / 2
    half_w = (x1 - x0) / 2
    r = scene.rng
    if geom == "linear":
        width = min(half_w * 2, depth * r.uniform(0.75, 1.1))
        return {"kind": 0, "cx": cx, "ay": y0, "r0": 0, "r1": depth, "half": width / 2}
    if geom == "phased":
        r0, half = 0.0, math.radians(r.uniform(38, 45))
    elif geom == "endocavity":
        r0, half = depth * 0.08, math.radians(r.uniform(60, 72))
    else:
        r0, half = depth * r.uniform(0.25, 0.45), math.radians(r.uniform(28, 38))
    # Shrink the angle until the fan fits the box's width.
    while (r0 + depth) * math.sin(half) > half_w and half > 0.3:
        half -= 0.02
    return {
        "kind": 1,
        "cx": cx,
        "ay": y0 - r0,
        "r0": r0,
        "r1": r0 + depth,
        "half": half,
    }


def _polar_maps(
    fov: dict[str, float], h: int, w: int, nr: int, nt: int
) -> tuple[np.ndarray, np.ndarray]:
    """cv2.remap maps from screen pixels into the (depth, lateral) beam grid."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    if fov["kind"] == 0:
        row = (ys - fov["ay"]) / (fov["r1"]) * nr
        col = (xs - (fov["cx"] - fov["half"])) / (2 * fov["half"]) * nt
    else:
        dx, dy = xs - fov["cx"], ys - fov["ay"]
        rad = np.hypot(dx, dy)
        ang = np.arctan2(dx, dy)
        row = (rad - fov["r0"]) / (fov["r1"] - fov["r0"]) * nr
        col = (ang + fov["half"]) / (2 * fov["half"]) * nt
    outside = (row < 0) | (row > nr - 1) | (col < 0) | (col > nt - 1)
    row[outside] = -10
    col[outside] = -10
    return col.astype(np.float32), row.astype(np.float32)


def _tissue(scene: Scene, nr: int, nt: int) -> np.ndarray:
    """Echogenicity in beam coordinates: layers, an organ, a cyst, a bright focus."""
    nrng, r = scene.nrng, scene.rng
    u = np.linspace(0, 1, nr, dtype=np.float32)[:, None]
    v = np.linspace(0, 1, nt, dtype=np.float32)[None, :]
    t = 0.55 + 0.12 * smooth_noise(nrng, (nr, nt), 18)
    t += 0.6 * np.exp(-(((u - 0.015) / 0.01) ** 2))  # skin
    fat = r.uniform(0.05, 0.15)
    t *= np.where(u < fat, 0.6, 1.0)
    t += 0.5 * np.exp(-(((u - fat - 0.01 * np.sin(9 * v)) / 0.006) ** 2))  # fascia
    for _ in range(r.randint(1, 2)):
        cu, cv = r.uniform(0.35, 0.7), r.uniform(0.3, 0.7)
        ru, rv = r.uniform(0.12, 0.3), r.uniform(0.15, 0.35)
        d = ((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2
        t = np.where(d < 1, t * r.uniform(0.7, 1.3), t)
        t += 0.7 * np.exp(-(((np.sqrt(d) - 1) / 0.02) ** 2))  # capsule
    if r.random() < 0.7:  # an anechoic cyst or vessel, enhancement behind it
        cu, cv = r.uniform(0.3, 0.7), r.uniform(0.25, 0.75)
        ru, rv = r.uniform(0.04, 0.12), r.uniform(0.05, 0.15)
        d = ((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2
        behind = (u > cu) & (np.abs(v - cv) < rv * 0.8)
        t = np.where(behind, t * 1.35, t)
        t = np.where(d < 1, 0.03, t)
    if r.random() < 0.3:  # a bright focus with an acoustic shadow
        cu, cv = r.uniform(0.3, 0.6), r.uniform(0.3, 0.7)
        d = ((u - cu) / 0.02) ** 2 + ((v - cv) / 0.03) ** 2
        t = np.where((u > cu) & (np.abs(v - cv) < 0.025), t * 0.25, t)
        t = np.where(d < 1, 3.0, t)
    t *= np.exp(-r.uniform(0.2, 0.9) * u)  # attenuation left after TGC
    return np.clip(t, 0, None).astype(np.float32)


def _speckle_frames(scene: Scene, nr: int, nt: int, n_frames: int) -> list[np.ndarray]:
    """Log-compressed speckle in beam coordinates; cines move and decorrelate."""
    nrng = scene.nrng
    tissue = _tissue(scene, nr + 24, nt)
    lat = scene.rng.uniform(1.2, 2.4)

    def field() -> np.ndarray:
        z = nrng.standard_normal((nr + 24, nt, 2)).astype(np.float32)
        return cv2.GaussianBlur(z, (0, 0), sigmaX=lat, sigmaY=0.8)

    base = field()
    out = []
    for f in range(n_frames):
        shift = round(4 * math.sin(2 * math.pi * f / max(n_frames, 2))) + 12
        z = 0.85 * base + 0.53 * field() if f else base
        env = np.hypot(z[..., 0], z[..., 1])[shift : shift + nr]
        b = env / (env.mean() + 1e-6) * tissue[shift : shift + nr]
        img = np.log1p(6 * b) / np.log1p(6 * 3.2)
        out.append(np.clip(img, 0, 1))
    return out


def _doppler(
    scene: Scene, nr: int, nt: int, n_frames: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Colour-flow box (beam coords) and signed velocity per frame (-1..1, 0 = none)."""
    r, nrng = scene.rng, scene.nrng
    r0, r1 = sorted(r.sample(range(int(nr * 0.15), int(nr * 0.85)), 2))
    r1 = max(r1, r0 + nr // 5)
    c0 = int(nt * r.uniform(0.15, 0.4))
    c1 = min(nt - 1, c0 + int(nt * r.uniform(0.3, 0.5)))
    roi = np.zeros((nr, nt), bool)
    roi[r0:r1, c0:c1] = True
    u = np.arange(nr, dtype=np.float32)[:, None]
    v = np.arange(nt, dtype=np.float32)[None, :]
    centre = (r0 + r1) / 2 + (r1 - r0) * 0.2 * np.sin(v / nt * 6)
    half = (r1 - r0) * r.uniform(0.12, 0.25)
    across = 1 - ((u - centre) / half) ** 2
    sign = 1.0 if r.random() < 0.5 else -1.0
    vels = []
    for f in range(n_frames):
        pulse = 0.55 + 0.45 * math.cos(2 * math.pi * f / max(n_frames, 2))
        noise = 0.15 * smooth_noise(nrng, (nr, nt), 2)
        vel = np.where((across > 0) & roi, sign * (across * pulse + noise), 0)
        vels.append(np.clip(vel, -1, 1).astype(np.float32))
    return roi, vels


def _flow_colour(vel: np.ndarray) -> np.ndarray:
    a = np.abs(vel)[..., None]
    red = np.stack(
        [0.45 + 0.55 * a[..., 0], 0.1 + 0.8 * a[..., 0] ** 2, 0.05 * a[..., 0]], -1
    )
    blue = np.stack(
        [0.05 * a[..., 0], 0.25 + 0.65 * a[..., 0] ** 2, 0.5 + 0.5 * a[..., 0]], -1
    )
    return np.where(vel[..., None] > 0, red, blue).astype(np.float32)


@dataclass
class _Screen:
    """One scanner screen: what it shows, where, and in which text styles."""

    rows: int
    cols: int
    k: float
    geom: str
    probe: str
    preset: str
    markers: list[str]
    depth_cm: float
    n_frames: int
    rate: int
    colour_flow: bool
    layout: int
    two_rows: bool
    main: Style
    small: Style
    params: Style
    ticks: Style
    meas: Style
    banner_h: int = 0
    below: int = 0
    box: tuple[int, int, int, int] = (0, 0, 0, 0)
    fov: dict[str, float] = field(default_factory=dict)
    scale_x: int = 0
    ramp_x: int = 0
    bar_y: int = 0
    bar_half: int = 0
    calipers: list[tuple[int, int]] = field(default_factory=list)

    @property
    def fov_left(self) -> int:
        f = self.fov
        half = f["half"] if f["kind"] == 0 else f["r1"] * math.sin(f["half"])
        return int(f["cx"] - half)

    @property
    def fov_right(self) -> int:
        return 2 * int(self.fov["cx"]) - self.fov_left


def _plan(scene: Scene) -> _Screen:
    """Screen size, probe, mode, text styles and the layout around the image."""
    r = scene.rng
    rows, cols = r.choice(
        [(480, 640), (600, 800), (576, 720), (720, 960), (768, 1024), (600, 800)]
    )
    geom = choose(r, {"convex": 4, "linear": 3, "phased": 1.5, "endocavity": 1})
    probes, presets, markers, depth_range = PROBES[geom]
    k = cols / 800  # text sizes scale loosely with the screen
    # One device draws all its text alike.
    main = text_style(
        r,
        sizes=(int(12 * k), int(17 * k)),
        colors=[WHITE, LIGHT_GREY, CYAN, YELLOW],
        fonts=["sans", "arial", "sans_cond", "free_sans", "mono", "courier"],
        aa=0.65,
        bitmap_scale=0.12,
        outline=0.1,
    )
    small = (
        main if main.scale > 1 else main.but(size=max(9, main.size - r.randint(1, 4)))
    )
    param_colour = r.choice([main.color, GREEN, WHITE, CYAN, LIGHT_GREY])
    cine = r.random() < 0.45
    sc = _Screen(
        rows=rows,
        cols=cols,
        k=k,
        geom=geom,
        probe=r.choice(probes),
        preset=r.choice(presets),
        markers=markers,
        depth_cm=r.uniform(*depth_range),
        n_frames=r.randint(4, 10) if cine else 1,
        rate=r.randint(15, 40),
        colour_flow=r.random() < 0.35,
        layout=r.randrange(3),
        two_rows=r.random() < 0.55,
        main=main,
        small=small,
        params=small.but(color=param_colour),
        ticks=small.but(size=max(8, small.size - 2), color=param_colour),
        meas=small.but(color=r.choice([YELLOW, WHITE, GREEN, ORANGE])),
    )
    sc.banner_h = int((line_height(main) + 2) * (2 if sc.two_rows else 1) + 10 * k + 4)
    sc.below = sc.banner_h + 2  # first free row under the banner
    if not sc.two_rows and sc.layout in (0, 1):
        sc.below += line_height(small) + 4  # the ID goes under the banner
    left_w = int(max(text_width("Frq 12.0 MHz", sc.params), 80 * k) + 16)
    sc.box = (left_w + 10, sc.below + 10, cols - int(70 * k), rows - int(56 * k))
    sc.fov = _field_of_view(scene, geom, *sc.box)
    return sc


def _image(scene: Scene, sc: _Screen) -> np.ndarray:
    """Speckle, colour flow, then every graphic (scales, calipers, body marker):
    all of them before any text, which must not be painted over."""
    r = scene.rng
    _, y0, _, y1 = sc.box
    k, fov = sc.k, sc.fov
    nr = y1 - y0
    nt = max(160, int(2 * fov["half"] * (fov["r1"] if fov["kind"] else 1)) // 2)
    mx, my = _polar_maps(fov, sc.rows, sc.cols, nr, nt)
    frames = []
    for polar in _speckle_frames(scene, nr, nt, sc.n_frames):
        grey = cv2.remap(polar, mx, my, cv2.INTER_LINEAR, borderValue=0)
        frames.append(np.repeat(grey[..., None], 3, -1))
    img = np.stack(frames).astype(np.float32)
    if sc.colour_flow:
        roi, vels = _doppler(scene, nr, nt, sc.n_frames)
        roi_f = roi.astype(np.float32)
        roi_xy = cv2.remap(roi_f, mx, my, cv2.INTER_NEAREST, borderValue=0) > 0.5
        ring = cv2.morphologyEx(
            roi_xy.astype(np.uint8), cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)
        )
        for f, vel in enumerate(vels):
            v = cv2.remap(vel, mx, my, cv2.INTER_NEAREST, borderValue=0)
            flow = (np.abs(v) > 0.12) & roi_xy
            img[f][flow] = _flow_colour(v)[flow]
            img[f][ring > 0] = 0.75

    banner_bg = r.choice([None, 0.18, 0.25, (0.1, 0.14, 0.3)])
    if sc.main.outline:
        # Outlined text goes on black: a dark outline on a grey banner averages
        # out with the fill, and the scorer's mean contrast would drop the chars.
        banner_bg = None
    if banner_bg is not None:
        img[:, : sc.banner_h] = (
            banner_bg if isinstance(banner_bg, tuple) else ((banner_bg,) * 3)
        )
    sc.scale_x = min(sc.fov_right + int(10 * k), sc.cols - int(48 * k))
    step = 2 if sc.depth_cm <= 8 else 5
    px_cm = (y1 - y0) / sc.depth_cm
    fy = int(y0 + r.uniform(0.3, 0.7) * (y1 - y0))
    sx = sc.scale_x
    focus = np.array([[sx - 8, fy - 4], [sx - 2, fy], [sx - 8, fy + 4]], np.int32)
    sc.ramp_x, gh = sc.cols - int(22 * k), int(100 * k)
    ramp = np.linspace(1, 0, gh, dtype=np.float32)[:, None, None]
    sc.bar_y, sc.bar_half = y0 + gh + int(34 * k), int(45 * k)
    vel = np.linspace(1, -1, 2 * sc.bar_half, dtype=np.float32)[:, None]
    bar = _flow_colour(np.repeat(vel, 8, 1))
    bar[np.abs(vel[:, 0]) < 0.05] = 0
    for _ in range(r.choice([0, 1, 1, 2])):
        # Inside the fan's central part, where the image is.
        cx, half = int(fov["cx"]), (sc.fov_right - sc.fov_left) // 4
        ax, ay = r.randint(cx - half, cx + half), r.randint(y0 + 60, y1 - 120)
        sc.calipers += [(ax, ay), (ax + r.randint(-60, 60), ay + r.randint(20, 70))]
    bx, by = sc.cols - int(90 * k), sc.rows - int(54 * k)
    for frame in img:
        for cm in range(int(sc.depth_cm) + 1):
            frame[int(y0 + cm * px_cm), sx : sx + (6 if cm % step == 0 else 3)] = 0.8
        cv2.fillPoly(frame, [focus], (0.9, 0.9, 0.9))
        frame[y0 : y0 + gh, sc.ramp_x : sc.ramp_x + 8] = ramp
        if sc.colour_flow:
            frame[sc.bar_y : sc.bar_y + 2 * sc.bar_half, sc.ramp_x : sc.ramp_x + 8] = (
                bar
            )
        for px, py in sc.calipers:
            cv2.line(frame, (px - 4, py), (px + 4, py), YELLOW, 1)
            cv2.line(frame, (px, py - 4), (px, py + 4), YELLOW, 1)
        # Body marker pictogram: a body outline and the probe position.
        axes = (int(20 * k), int(13 * k))
        cv2.ellipse(frame, (bx, by), axes, 0, 0, 360, (0.7, 0.7, 0.7), 1)
        p0, p1 = (bx - int(8 * k), by - int(8 * k)), (bx + int(8 * k), by - int(2 * k))
        cv2.line(frame, p0, p1, (1, 1, 0.3), 2)
    return img


def _banner(scene: Scene, sc: _Screen, canvas: Canvas) -> None:
    """Institution, patient, ID, date and time across the top, vendor-style."""
    r, case = scene.rng, scene.case
    main, small, pad = sc.main, sc.small, int(6 * sc.k) + 2
    cols = sc.cols
    dfmt, tfmt = date_formats(r)
    style = r.choice(["dicom", "COMMA", "NATURAL", "comma", "family_first"])
    name = hdr(name_as(case.patient, style, fold=r.random() < 0.6), "PERSON")
    ty, ty2 = pad, pad + line_height(main) + 2
    when = [
        hdr(date_as(case.study, dfmt), "DATE_TIME"),
        hdr(date_as(case.study, tfmt), "DATE_TIME"),
    ]
    pid = [
        r.choice(["ID:", "MRN:", "PID", "ID", "Pat ID:"]),
        hdr(case.patient_id, "ID"),
    ]
    dob = ["DOB:", hdr(date_as(case.birth, dfmt), "DATE_TIME")]
    inst = hdr(case.institution, "ORGANIZATION")
    under = sc.banner_h + 2
    if sc.layout == 0:
        canvas.row(pad, ty, [inst], main)
        canvas.row(cols - pad, ty, when, main, align="right")
        if sc.two_rows:
            canvas.row(pad, ty2, [name, *pid], main, sep="  ")
            canvas.row(cols - pad, ty2, [sc.probe, sc.preset], main, align="right")
        else:
            # The name mid-banner, clear of the institution.
            nx = max(
                cols // 2 - text_width(name.text, main) // 2,
                pad + text_width(case.institution, main) + int(30 * sc.k),
            )
            canvas.row(nx, ty, [name], main)
            canvas.row(pad, under, pid, small)
    elif sc.layout == 1:
        canvas.row(pad, ty, ["Name:", name], main)
        canvas.row(cols - pad, ty, [inst], main, align="right")
        if sc.two_rows:
            canvas.row(pad, ty2, [*pid, *dob], main)
            canvas.row(cols - pad, ty2, when, main, align="right")
        else:
            canvas.row(pad, under, pid, small)
            canvas.row(cols - pad, under, when, small, align="right")
    else:
        canvas.row(pad, ty, [name, pid[1], *when], main, sep="   ")
        if sc.two_rows:
            canvas.row(pad, ty2, [inst], small)
            canvas.row(
                cols - pad, ty2, [f"{sc.probe} {sc.preset}"], small, align="right"
            )


def _side_column(scene: Scene, sc: _Screen, canvas: Canvas) -> None:
    """Acquisition parameters down the left side, then any extra identity."""
    r, case = scene.rng, scene.case
    freq = r.choice(["Frq {:.1f} MHz", "H{:.1f}MHz", "F {:.1f}", "{:.1f}MHz"])
    lines = [
        f"MI {r.uniform(0.2, 1.5):.1f}",
        r.choice(["TIs", "TIb", "TIc"]) + f" {r.uniform(0.0, 1.2):.1f}",
        r.choice(["2D", "B", "B-Mode"]),
        freq.format(r.uniform(2, 12)),
        r.choice(["Gn", "G", "Gain"]) + f" {r.randint(30, 80)}",
        f"DR {r.randint(48, 90)}",
        f"FR {sc.rate}Hz" if r.random() < 0.6 else f"{sc.rate} fps",
        f"D {sc.depth_cm:.1f} cm",
        r.choice(["P 100%", "AO 100%", "Pwr 0 dB", "THI", "Harm", "SRI 3", "CHI"]),
    ]
    # Devices differ in how much they list: MI/TI and a random few others.
    rest = lines[2:]
    lines = lines[:2] + sorted(r.sample(rest, r.randint(2, len(rest))), key=rest.index)
    if sc.layout != 2 or not sc.two_rows:
        lines[:0] = [sc.probe, sc.preset]
    if sc.colour_flow:
        lines += [
            "CF",
            f"Gn {r.randint(20, 60)}",
            f"PRF {r.uniform(0.8, 6):.1f}kHz",
            r.choice(["WF Low", "WF Med", f"WF {r.randint(40, 300)}Hz"]),
        ]
    rows: list[list[Seg | str]] = [[line] for line in lines]
    rows.append([])
    # Some scanners add DOB or age, the accession and the referring physician.
    dfmt = r.choice(["%d-%b-%Y", "%m/%d/%Y", "%d.%m.%Y"])
    if r.random() < 0.45 and not (sc.layout == 1 and sc.two_rows):
        rows.append(["DOB", hdr(date_as(case.birth, dfmt), "DATE_TIME")])
    if r.random() < 0.35:
        rows.append([r.choice(["Age", "Age:"]), hdr(f"{case.age_years}y", "AGE")])
    if r.random() < 0.4:
        rows.append([r.choice(["Acc#", "Acc:"]), hdr(case.accession, "ID")])
    if r.random() < 0.35:
        ref = name_as(case.referring, r.choice(["dr", "COMMA"]), fold=True)
        rows.append(["Ref:", hdr(ref, "PERSON")])
    lh = line_height(sc.params) + 2
    y = sc.below + 6
    for row in rows:
        if y + lh > sc.rows * 0.78:
            break
        canvas.row(6, y, row, sc.params)
        y += lh


def _scales(scene: Scene, sc: _Screen, canvas: Canvas) -> None:
    """Depth numbers beside the tick marks; the colour-flow velocity scale."""
    y0, y1 = sc.box[1], sc.box[3]
    px_cm = (y1 - y0) / sc.depth_cm
    step = 2 if sc.depth_cm <= 8 else 5
    ticks, lh = sc.ticks, line_height(sc.ticks)
    for cm in range(0, int(sc.depth_cm) + 1, step):
        ty = int(y0 + cm * px_cm) - lh // 2
        canvas.write(sc.scale_x + 9, max(ty, y0 - 4), str(cm), ticks)
    if sc.colour_flow:
        v = f"{scene.rng.uniform(10, 90):.1f}"
        x, top, bottom = sc.ramp_x + 8, sc.bar_y, sc.bar_y + 2 * sc.bar_half
        canvas.write(x, top - lh - 2, f"+{v}", ticks, align="right")
        canvas.write(x, bottom + 2, f"-{v}", ticks, align="right")
        canvas.write(x, bottom + lh + 4, "cm/s", ticks, align="right")


def _results(scene: Scene, sc: _Screen, canvas: Canvas) -> None:
    """Measurement results, bottom left or inside the image, maybe on a box."""
    r = scene.rng
    if not (sc.calipers or r.random() < 0.3):
        return
    results = _measure_lines(scene, sc.geom)
    lh = line_height(sc.meas) + 3
    if r.random() < 0.5:
        x, y = 8, sc.rows - 8 - lh * len(results)
    else:
        x, y = sc.fov_left + 4, sc.box[3] - lh * len(results) - 4
    if r.random() < 0.5:
        width = max(text_width(t, sc.meas) for t in results)
        canvas.panel(x - 4, y - 4, width + 8, lh * len(results) + 6, 0.08, alpha=0.75)
    for i, text in enumerate(results):
        canvas.write(x, y + i * lh, text, sc.meas)


def _footer(scene: Scene, sc: _Screen, canvas: Canvas) -> None:
    """Body marker label, sonographer, and for cines the frame counter and clock."""
    r, case = scene.rng, scene.case
    small, k = sc.small, sc.k
    bottom = sc.rows - line_height(small) - 4
    canvas.write(sc.cols - 8, bottom, r.choice(sc.markers), small, align="right")
    if r.random() < 0.6:
        who = r.random()
        if who < 0.4:
            seg = oth(name_as(case.staff, "initials"), "PERSON")
        elif who < 0.7:
            style = r.choice(["initial", "natural"])
            seg = oth(name_as(case.staff, style, fold=True), "PERSON")
        else:
            seg = hdr(name_as(case.operator, "initials"), "PERSON")
        label = r.choice(["Sono:", "Sonographer:", "Op:", "Tech:", "RDMS:"])
        canvas.row(int(sc.fov["cx"]) - int(60 * k), bottom, [label, seg], small)
    if sc.n_frames > 1:
        counter = small.but(color=sc.main.color)
        x, y = int(sc.fov["cx"]) + int(90 * k), sc.rows - 2 * line_height(small) - 10
        n = sc.n_frames
        canvas.write_frames(x, y, [Seg(f"{f + 1}/{n}") for f in range(n)], counter)
        if r.random() < 0.4:
            clock = []
            for f in range(n):
                t = case.study + dt.timedelta(seconds=f / sc.rate)
                text = f"{t:%H:%M:%S}.{t.microsecond // 10000:02d}"
                clock.append(oth(text, "DATE_TIME"))
            canvas.write_frames(
                x + text_width("10/10", counter) + 14, y, clock, counter
            )


def ultrasound(scene: Scene) -> Shot:
    r = scene.rng
    sc = _plan(scene)
    canvas = scene.canvas(_image(scene, sc))
    _banner(scene, sc, canvas)
    _side_column(scene, sc, canvas)
    _scales(scene, sc, canvas)
    _results(scene, sc, canvas)
    _footer(scene, sc, canvas)

    cine = sc.n_frames > 1
    photometric = "YBR_FULL_422" if r.random() < 0.55 else "RGB"
    syntax = "jpeg" if photometric == "YBR_FULL_422" else r.choice(["explicit", "rle"])
    kind = "ABDOMEN" if sc.geom == "convex" else "SMALL PARTS"
    attrs: dict = {
        "TransducerData": [sc.probe],
        "ImageType": ["ORIGINAL", "PRIMARY", kind],
    }
    if cine:
        attrs.update(
            FrameTime=f"{1000 / sc.rate:.2f}",
            CineRate=sc.rate,
            FrameIncrementPointer=0x00181063,  # (0018,1063) Frame Time
        )
    return Shot(
        modality="US",
        canvas=canvas,
        photometric=photometric,
        syntax=syntax,
        # US Multi-frame Image Storage vs US Image Storage (PS3.4 B.5).
        sop_class="1.2.840.10008.5.1.4.1.1.3.1"
        if cine
        else "1.2.840.10008.5.1.4.1.1.6.1",
        attrs=attrs,
        device=r.choice(
            [
                ("Sonara Medical", "SX-900"),
                ("Echoline", "Vivora E7"),
                ("Acuvia Systems", "Acuvia 5"),
                ("MedEcho", "ME-3000"),
            ]
        ),
        study=f"US {sc.preset}",
        series=r.choice(["", sc.preset, "Cine" if cine else "Static"]),
        body_part={
            "convex": "ABDOMEN",
            "linear": "NECK",
            "phased": "HEART",
            "endocavity": "PELVIS",
        }[sc.geom],
    )
