"""Synthetic test set with exact ground truth: ``orthanc-redact synth OUT --n N``.

Every file is a DICOM instance whose header carries a fake identity and whose pixels
carry that identity (in varied formats), other PHI that is not in the header and
harmless clinical annotations. Text is rendered character by character, with Pillow
in TrueType fonts or (``--fonts hershey``) with OpenCV's ``putText`` in its own
fonts, so the ink of every character is known exactly:

``SET/<rel>.dcm``
    The instance (modality, photometric, bit depth, transfer syntax vary).
``SET/<rel>.truth.npz``
    ``labels``: uint16 (frames, rows, cols); 0 = no text, ``k`` = every pixel the
    rasterizer touched (coverage > 0) for character ``k`` of the file.
``SET/truth.json``
    Per file: ``lines`` (id, text, phi, entity_type, kind, frames, region, chars with
    label/char/frames/box) and ``header_identity`` (identity strings in the header).

Sizes, positions and font sizes are fractions of the image size (adaptive rendering),
everything is drawn from ``random.Random(seed)`` so a seed gives the same set.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

__all__ = ["SyntaxValues", "generate_set", "register_cli"]


class SyntaxValues:
    """Transfer syntax UIDs used by the generator."""

    EXPLICIT_LE = "1.2.840.10008.1.2.1"
    IMPLICIT_LE = "1.2.840.10008.1.2"
    RLE = "1.2.840.10008.1.2.5"
    JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
    JPEG_LOSSLESS = "1.2.840.10008.1.2.4.70"
    JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80"
    JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90"


_NATIVE = (SyntaxValues.EXPLICIT_LE, SyntaxValues.IMPLICIT_LE)

# ---------------------------------------------------------------------------
# Fake values (none of these are real people).
_GIVEN = [
    "Jane",
    "John",
    "Maria",
    "Ahmed",
    "Li",
    "Sofia",
    "Lukas",
    "Emma",
    "Noah",
    "Olga",
    "Pierre",
    "Aiko",
    "Carlos",
    "Fatima",
    "Henrik",
    "Ines",
    "Tomasz",
    "Grace",
    "Yusuf",
    "Chloe",
    "Mateo",
    "Anna",
    "Kwame",
    "Elif",
]
_FAMILY = [
    "Doe",
    "Smith",
    "Garcia",
    "Mueller",
    "Nguyen",
    "Rossi",
    "Kowalski",
    "Okafor",
    "Johansson",
    "Dubois",
    "Tanaka",
    "Silva",
    "Novak",
    "Hansen",
    "Petrov",
    "Schneider",
    "Moreau",
    "Fischer",
    "Brennan",
    "Haddad",
    "Lindqvist",
    "Baker",
]
_INSTITUTIONS = [
    "St. Elsewhere Hospital",
    "General Clinic North",
    "Riverside Medical Ctr",
    "Lakeview Imaging",
    "City Hospital West",
    "Mercy Radiology",
    "Uni Klinik Sued",
    "Hillcrest Health",
]
_STREETS = [
    "Elm Street",
    "Oak Avenue",
    "Maple Road",
    "Hauptstrasse",
    "Rue Haute",
    "Station Rd",
    "Birch Lane",
]
_CITIES = ["Springfield", "Rivertown", "Lakeside", "Northbury", "Westfield"]
_DOMAINS = ["example.org", "mail.example.com", "clinic.example.net"]
_MONTHS = [
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

_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
_PREFERRED_FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansCondensed.ttf",
    "DejaVuSans-ExtraLight.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSerif-Italic.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationMono-Regular.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationSans-Bold.ttf",
)

_SOP_CLASS = {
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "MR": "1.2.840.10008.5.1.4.1.1.4",
    "US": "1.2.840.10008.5.1.4.1.1.6.1",
    "US_MF": "1.2.840.10008.5.1.4.1.1.3.1",
    "CR": "1.2.840.10008.5.1.4.1.1.1",
    "DX": "1.2.840.10008.5.1.4.1.1.1.1",
    "XA": "1.2.840.10008.5.1.4.1.1.12.1",
    "SC": "1.2.840.10008.5.1.4.1.1.7",
    "OT": "1.2.840.10008.5.1.4.1.1.7",
}


@dataclasses.dataclass(frozen=True)
class _Profile:
    """One kind of instance the generator produces."""

    modality: str
    photometric: str
    bits_allocated: int
    bits_stored: int
    signed: bool
    syntax: str
    frames: tuple[int, int] = (1, 1)
    size: tuple[int, int] = (256, 512)


# The first four profiles are the ones a tiny set (--n 4) gets: keep them small.
_PROFILES: tuple[_Profile, ...] = (
    _Profile("US", "RGB", 8, 8, False, SyntaxValues.EXPLICIT_LE, size=(256, 384)),
    _Profile(
        "CT", "MONOCHROME2", 16, 12, True, SyntaxValues.IMPLICIT_LE, size=(256, 384)
    ),
    _Profile(
        "XA", "MONOCHROME2", 8, 8, False, SyntaxValues.JPEG_BASELINE, (3, 6), (256, 256)
    ),
    _Profile(
        "CR", "MONOCHROME1", 16, 12, False, SyntaxValues.JPEG_LOSSLESS, size=(256, 384)
    ),
    _Profile(
        "MR",
        "MONOCHROME2",
        16,
        16,
        False,
        SyntaxValues.JPEG_LS_LOSSLESS,
        size=(256, 512),
    ),
    _Profile("SC", "RGB", 8, 8, False, SyntaxValues.RLE, size=(384, 768)),
    _Profile(
        "US", "PALETTE COLOR", 8, 8, False, SyntaxValues.EXPLICIT_LE, size=(384, 640)
    ),
    _Profile(
        "US", "YBR_FULL_422", 8, 8, False, SyntaxValues.JPEG_BASELINE, size=(384, 640)
    ),
    _Profile("US", "YBR_FULL", 8, 8, False, SyntaxValues.RLE, (4, 10), (256, 320)),
    _Profile(
        "DX",
        "MONOCHROME2",
        16,
        14,
        False,
        SyntaxValues.JPEG_2000_LOSSLESS,
        size=(512, 1024),
    ),
    _Profile(
        "OT", "MONOCHROME2", 8, 8, False, SyntaxValues.IMPLICIT_LE, size=(256, 512)
    ),
    _Profile("CT", "MONOCHROME2", 16, 16, True, SyntaxValues.RLE, size=(512, 512)),
    _Profile(
        "XA",
        "MONOCHROME2",
        16,
        10,
        False,
        SyntaxValues.JPEG_2000_LOSSLESS,
        (6, 12),
        (256, 256),
    ),
    _Profile("US", "RGB", 8, 8, False, SyntaxValues.JPEG_BASELINE, (3, 8), (256, 320)),
    _Profile(
        "MR", "MONOCHROME2", 16, 12, True, SyntaxValues.EXPLICIT_LE, size=(256, 384)
    ),
    _Profile(
        "CR",
        "MONOCHROME1",
        8,
        8,
        False,
        SyntaxValues.JPEG_LS_LOSSLESS,
        size=(512, 1024),
    ),
    _Profile(
        "SC", "MONOCHROME2", 8, 8, False, SyntaxValues.JPEG_LOSSLESS, size=(384, 768)
    ),
    _Profile(
        "US",
        "MONOCHROME2",
        8,
        8,
        False,
        SyntaxValues.JPEG_2000_LOSSLESS,
        (4, 8),
        (256, 320),
    ),
    _Profile("OT", "RGB", 8, 8, False, SyntaxValues.JPEG_LS_LOSSLESS, size=(256, 512)),
    _Profile(
        "DX", "MONOCHROME1", 16, 16, False, SyntaxValues.EXPLICIT_LE, size=(384, 768)
    ),
)


# ---------------------------------------------------------------------------
# Identity and text content


@dataclasses.dataclass(frozen=True)
class _Identity:
    given: str
    family: str
    birth: dt.date
    study: dt.datetime
    mrn: str
    accession: str
    institution: str
    referrer_given: str
    referrer_family: str
    sex: str

    @property
    def dicom_name(self) -> str:
        return f"{self.family.upper()}^{self.given.upper()}"

    @property
    def dicom_referrer(self) -> str:
        return f"{self.referrer_family.upper()}^{self.referrer_given.upper()}"

    def header_strings(self) -> list[str]:
        return [
            self.dicom_name,
            self.family.upper(),
            self.mrn,
            self.birth.strftime("%Y%m%d"),
            self.study.strftime("%Y%m%d"),
            self.accession,
            self.institution,
            self.dicom_referrer,
        ]


def _make_identity(rng: random.Random) -> _Identity:
    birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 33000))
    study = dt.datetime(2019, 1, 1, 7, 0) + dt.timedelta(
        days=rng.randrange(0, 2400), minutes=rng.randrange(0, 660)
    )
    return _Identity(
        given=rng.choice(_GIVEN),
        family=rng.choice(_FAMILY),
        birth=birth,
        study=study,
        mrn=str(rng.randrange(10**6, 10**9)),
        accession=f"A{rng.randrange(10**6, 10**8)}",
        institution=rng.choice(_INSTITUTIONS),
        referrer_given=rng.choice(_GIVEN),
        referrer_family=rng.choice(_FAMILY),
        sex=rng.choice("FM"),
    )


def _fmt_name(rng: random.Random, given: str, family: str) -> str:
    forms = [
        f"{family.upper()}^{given.upper()}",
        f"{given} {family}",
        f"{family.upper()}, {given.upper()}",
        f"{given.upper()} {family.upper()}",
        f"{family}, {given}",
        f"{given.lower()} {family.lower()}",
        f"{given[0]}. {family}",
    ]
    return rng.choice(forms)


def _fmt_date(
    rng: random.Random, d: dt.date | dt.datetime, with_time: bool = False
) -> str:
    forms = [
        f"{d:%Y%m%d}",
        f"{d:%d.%m.%Y}",
        f"{d:%m/%d/%Y}",
        f"{d.day:02d}-{_MONTHS[d.month - 1]}-{d.year}",
        f"{d:%Y-%m-%d}",
        f"{_MONTHS[d.month - 1]} {d.day}, {d.year}",
    ]
    text = rng.choice(forms)
    if with_time and isinstance(d, dt.datetime):
        text += f" {d:%H:%M}"
    return text


@dataclasses.dataclass
class _Segment:
    """A run of text with one meaning; becomes one ``line`` of the truth."""

    text: str
    phi: bool
    entity_type: str
    kind: str  # header / other_phi / annotation


@dataclasses.dataclass
class _Row:
    """Segments drawn left to right on one baseline, on some frames."""

    segments: list[_Segment]
    frames: list[int] | None = None  # None = all frames
    per_frame: list[list[_Segment]] | None = None  # text that changes per frame
    scale_bar: bool = False


def _label(text: str) -> _Segment:
    return _Segment(text, False, "NONE", "annotation")


def _identity_rows(rng: random.Random, ident: _Identity) -> list[_Row]:
    rows = []
    name = _Segment(_fmt_name(rng, ident.given, ident.family), True, "PERSON", "header")
    rows.append(_Row([_label("Name:"), name] if rng.random() < 0.4 else [name]))
    dob = _Segment(_fmt_date(rng, ident.birth), True, "DATE_TIME", "header")
    rows.append(_Row([_label(rng.choice(["DOB:", "Born", "DOB"])), dob]))
    pid = _Segment(ident.mrn, True, "ID", "header")
    rows.append(_Row([_label(rng.choice(["ID:", "MRN:", "PID"])), pid]))
    if rng.random() < 0.8:
        study = _Segment(
            _fmt_date(rng, ident.study, rng.random() < 0.5), True, "DATE_TIME", "header"
        )
        rows.append(_Row([study]))
    if rng.random() < 0.6:
        acc = _Segment(ident.accession, True, "ID", "header")
        rows.append(_Row([_label(rng.choice(["Acc:", "Acc#", "ACC"])), acc]))
    if rng.random() < 0.6:
        rows.append(_Row([_Segment(ident.institution, True, "LOCATION", "header")]))
    if rng.random() < 0.5:
        ref = _Segment(
            _fmt_name(rng, ident.referrer_given, ident.referrer_family),
            True,
            "PERSON",
            "header",
        )
        rows.append(_Row([_label(rng.choice(["Ref:", "Dr."])), ref]))
    return rows


def _other_phi_rows(rng: random.Random) -> list[_Row]:
    choices: list[_Row] = []
    other = _Segment(
        f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}", True, "PERSON", "other_phi"
    )
    choices.append(_Row([_label(rng.choice(["Tech:", "Op:", "Sono:"])), other]))
    phone = _Segment(
        rng.choice(
            [
                f"({rng.randrange(200, 999)}) {rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}",
                f"+1 {rng.randrange(200, 999)} {rng.randrange(200, 999)} {rng.randrange(1000, 9999)}",
                f"0{rng.randrange(20, 99)} {rng.randrange(100000, 999999)}",
            ]
        ),
        True,
        "PHONE_NUMBER",
        "other_phi",
    )
    choices.append(_Row([_label("Tel"), phone]))
    mail = _Segment(
        f"{rng.choice(_GIVEN).lower()}.{rng.choice(_FAMILY).lower()}@{rng.choice(_DOMAINS)}",
        True,
        "EMAIL_ADDRESS",
        "other_phi",
    )
    choices.append(_Row([mail]))
    addr = _Segment(
        f"{rng.randrange(1, 200)} {rng.choice(_STREETS)}, {rng.choice(_CITIES)}",
        True,
        "LOCATION",
        "other_phi",
    )
    choices.append(_Row([addr]))
    long_id = _Segment(
        " ".join(str(rng.randrange(1000, 9999)) for _ in range(rng.randrange(3, 5))),
        True,
        "ID",
        "other_phi",
    )
    choices.append(_Row([_label(rng.choice(["Ins#", "Policy", "SSN"])), long_id]))
    rng.shuffle(choices)
    return choices[: rng.randrange(1, 4)]


def _annotation_rows(rng: random.Random, modality: str) -> list[_Row]:
    common = ["L", "R", "HFS", "FFS", "AP", "PA", "LAT"]
    per_modality = {
        "CT": ["kVp 120", "mA 200", "W 400 L 40", "Se 3 Im 12", "5.0 mm", "FOV 24 cm"],
        "MR": ["TR 500 TE 15", "Se 5 Im 8", "3.0 mm", "FOV 22 cm", "W 800 L 400"],
        "US": [
            "Depth 12 cm",
            "Gain 50",
            "MI 0.8",
            "TIs 0.3",
            "C5-1",
            "15 fps",
            "DR 60",
        ],
        "XA": ["kVp 80", "mA 400", "15 fps", "LAO 30", "CAU 20"],
        "CR": ["kVp 70", "mAs 10", "AP", "PA", "LAT", "ERECT"],
        "DX": ["kVp 90", "mAs 4", "AP", "PA", "LAT", "S 200"],
        "SC": ["Page 1", "W 400 L 40", "Report", "Se 1 Im 1"],
        "OT": ["Page 1", "Scan", "Se 2 Im 4"],
    }
    pool = per_modality.get(modality, []) + common
    rng.shuffle(pool)
    return [_Row([_label(t)]) for t in pool[: rng.randrange(2, 5)]]


# ---------------------------------------------------------------------------
# Backgrounds (display values in 0..1)


def _blur(img: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    return np.asarray(cv2.GaussianBlur(img.astype(np.float32), (0, 0), sigma))


def _ellipse(
    canvas: np.ndarray,
    cx: float,
    cy: float,
    ax: float,
    ay: float,
    angle: float,
    value: float,
) -> None:
    import cv2

    cv2.ellipse(
        canvas,
        (int(cx), int(cy)),
        (max(1, int(ax)), max(1, int(ay))),
        angle,
        0,
        360,
        float(value),
        -1,
    )


def _background(
    rng: random.Random, nrng: np.random.Generator, modality: str, rows: int, cols: int
) -> np.ndarray:
    """A grayscale synthetic 'anatomy' frame in 0..1."""
    img = np.zeros((rows, cols), np.float32)
    s = min(rows, cols)
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    if modality == "US":
        # a fan of speckle: black outside the sector, as on real scanners
        apex = (cols / 2, -0.05 * rows)
        ang = np.degrees(np.arctan2(xx - apex[0], yy - apex[1]))
        rad = np.hypot(xx - apex[0], yy - apex[1])
        half = rng.uniform(30, 45)
        inside = (np.abs(ang) < half) & (rad > 0.12 * rows) & (rad < 0.95 * rows)
        tissue = np.full((rows, cols), 0.35, np.float32)
        for _ in range(rng.randrange(2, 5)):
            _ellipse(
                tissue,
                rng.uniform(0.3, 0.7) * cols,
                rng.uniform(0.3, 0.8) * rows,
                rng.uniform(0.05, 0.2) * s,
                rng.uniform(0.03, 0.12) * s,
                rng.uniform(0, 180),
                rng.uniform(0.05, 0.8),
            )
        tissue = _blur(tissue, 0.02 * s)
        speckle = nrng.rayleigh(0.6, (rows, cols)).astype(np.float32)
        img = np.clip(tissue * speckle, 0, 1) * inside
    elif modality in ("CT", "MR"):
        base = 0.03 if modality == "MR" else 0.0
        img[:] = base
        _ellipse(img, cols / 2, rows / 2, 0.42 * cols, 0.38 * rows, 0, 0.45)
        if modality == "CT":
            for side in (-1, 1):
                _ellipse(
                    img,
                    cols / 2 + side * 0.17 * cols,
                    rows / 2,
                    0.12 * cols,
                    0.2 * rows,
                    rng.uniform(-10, 10),
                    0.1,
                )
            _ellipse(img, cols / 2, rows * 0.7, 0.05 * s, 0.05 * s, 0, 0.95)
        for _ in range(rng.randrange(3, 7)):
            _ellipse(
                img,
                rng.uniform(0.3, 0.7) * cols,
                rng.uniform(0.3, 0.7) * rows,
                rng.uniform(0.02, 0.1) * s,
                rng.uniform(0.02, 0.1) * s,
                rng.uniform(0, 180),
                rng.uniform(0.25, 0.8),
            )
        img = _blur(img, 0.006 * s + 0.5) + nrng.normal(0, 0.02, (rows, cols))
    elif modality in ("CR", "DX"):
        img = 0.15 + 0.3 * (yy / rows) + 0.1 * (xx / cols)
        for _ in range(rng.randrange(3, 6)):
            _ellipse(
                img,
                rng.uniform(0.2, 0.8) * cols,
                rng.uniform(0.1, 0.9) * rows,
                rng.uniform(0.03, 0.08) * s,
                rng.uniform(0.2, 0.45) * s,
                rng.uniform(-20, 20),
                rng.uniform(0.6, 0.9),
            )
        img = _blur(img, 0.01 * s) + nrng.normal(0, 0.015, (rows, cols))
    elif modality == "XA":
        img = 0.55 + 0.2 * np.cos(xx / cols * 3) * np.sin(yy / rows * 2)
        import cv2

        for _ in range(rng.randrange(3, 7)):
            pts = np.array(
                [[rng.uniform(0, cols), rng.uniform(0, rows)] for _ in range(4)],
                np.int32,
            )
            cv2.polylines(img, [pts], False, 0.15, max(1, int(0.012 * s)))
        vign = 1 - 0.6 * ((xx / cols - 0.5) ** 2 + (yy / rows - 0.5) ** 2)
        img = _blur(img, 1.0) * vign + nrng.normal(0, 0.02, (rows, cols))
    else:  # SC / OT: gradients and flat shapes, like a screenshot or scanned page
        img = 0.1 + 0.4 * (xx / cols)
        for _ in range(rng.randrange(1, 4)):
            _ellipse(
                img,
                rng.uniform(0, cols),
                rng.uniform(0, rows),
                rng.uniform(0.05, 0.3) * s,
                rng.uniform(0.05, 0.3) * s,
                0,
                rng.uniform(0.2, 0.7),
            )
        img = _blur(img, 2.0) + nrng.normal(0, 0.01, (rows, cols))
    return np.clip(img, 0, 1).astype(np.float32)


# ---------------------------------------------------------------------------
# Fonts and layout


FONT_KINDS = ("truetype", "hershey", "all")


def _font_pool(kind: str) -> list[str]:
    """The fonts a set of ``kind`` draws from (see :data:`FONT_KINDS`)."""
    if kind not in FONT_KINDS:
        raise ValueError(f"unknown font kind {kind!r}")
    pool: list[str] = []
    if kind in ("truetype", "all"):
        pool += _font_files() + ["default"]
    if kind in ("hershey", "all"):
        pool += [
            f"hershey:{face}:{line}:{weight}"
            for face in _HERSHEY_FACES
            for line in ("aa", "8")
            for weight in ("thin", "bold")
        ]
    return pool


def _font_files() -> list[str]:
    found: dict[str, str] = {}
    for d in _FONT_DIRS:
        p = Path(d)
        if p.is_dir():
            for f in sorted(p.rglob("*.ttf")):
                found.setdefault(f.name, str(f))
    return [found[n] for n in _PREFERRED_FONTS if n in found]


_FONT_CACHE: dict[tuple[str, int], Any] = {}


def _font(path: str, size: int) -> Any:
    key = (path, size)
    if key not in _FONT_CACHE:
        if path == "default":
            _FONT_CACHE[key] = ImageFont.load_default(size=size)
        elif path.startswith("hershey:"):
            _FONT_CACHE[key] = _HersheyFont(path, size)
        else:
            _FONT_CACHE[key] = ImageFont.truetype(path, size)
    return _FONT_CACHE[key]


# OpenCV's fonts, as ``cv2.putText`` draws them (the design's notebooks drew their
# synthetic PHI so). Script faces are left out: no scanner writes cursive. OpenCV 4
# draws the Hershey stroke fonts; OpenCV 5 draws its own anti-aliased font for
# these faces, where line type and italic change nothing (of the 28 styles, 7
# differ): a set records the OpenCV it was drawn with.
_HERSHEY_FACES = {
    "simplex": 0,  # cv2.FONT_HERSHEY_SIMPLEX
    "plain": 1,
    "duplex": 2,
    "complex": 3,
    "triplex": 4,
    "complex-small": 5,
    "simplex-italic": 0 | 16,  # cv2.FONT_ITALIC
}


def _opencv_version() -> str:
    import cv2

    return str(cv2.__version__)


class _HersheyFont:
    """A Hershey face of OpenCV with the part of Pillow's font interface the layout
    uses. ``size`` is the em size, as for a TrueType font: capitals are about three
    quarters of it high. Weight ``thin`` draws strokes of size/18 pixels, ``bold`` of
    size/9 (at least one); line ``aa`` asks for anti-aliasing, ``8`` for none
    (OpenCV's default; OpenCV 5 anti-aliases either way)."""

    def __init__(self, name: str, size: int) -> None:
        import cv2

        _, face, line, weight = name.split(":")
        self._cv2 = cv2
        self.face = _HERSHEY_FACES[face]
        self.line = cv2.LINE_AA if line == "aa" else cv2.LINE_8
        self.thickness = max(1, round(size / (18 if weight == "thin" else 9)))
        self.scale = cv2.getFontScaleFromHeight(
            self.face, max(4, round(0.75 * size)), self.thickness
        )

    def getlength(self, text: str) -> float:
        if not text:
            return 0.0
        (w, _), _ = self._cv2.getTextSize(text, self.face, self.scale, self.thickness)
        return float(w)

    def getmetrics(self) -> tuple[int, int]:
        (_, h), base = self._cv2.getTextSize(
            "Hg", self.face, self.scale, self.thickness
        )
        return h + self.thickness, base + self.thickness

    def glyph(self, ch: str) -> tuple[np.ndarray, int, int] | None:
        """The ink of ``ch`` as coverage, and its left and top relative to the pen
        position on the baseline."""
        (w, h), base = self._cv2.getTextSize(ch, self.face, self.scale, self.thickness)
        pad = 2 * self.thickness + h // 2 + 2
        canvas = np.zeros((h + base + 2 * pad, w + 2 * pad), np.uint8)
        origin = (pad, pad + h)
        self._cv2.putText(
            canvas, ch, origin, self.face, self.scale, 255, self.thickness, self.line
        )
        ys, xs = np.nonzero(canvas)
        if not len(ys):
            return None
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        alpha = canvas[y0:y1, x0:x1].astype(np.float32) / 255.0
        return alpha, int(x0) - origin[0], int(y0) - origin[1]


@dataclasses.dataclass
class _Style:
    font_path: str
    size: int
    color: tuple[float, ...]  # display value(s) of the ink
    box: tuple[float, ...] | None  # light box behind dark text (inverted)


@dataclasses.dataclass
class _Glyph:
    char: str
    alpha: np.ndarray  # float32 coverage 0..1
    left: int
    top: int


def _layout_text(text: str, font: Any, x: int, baseline: int) -> list[_Glyph]:
    """Render ``text`` one character at a time (exact per-character ink)."""
    glyphs = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        offset = round(font.getlength(text[:i]))
        if isinstance(font, _HersheyFont):
            drawn = font.glyph(ch)
            if drawn is not None:
                alpha, l, t = drawn
                glyphs.append(_Glyph(ch, alpha, x + offset + l, baseline + t))
            continue
        l, t, r, b = font.getbbox(ch, anchor="ls")
        w, h = max(1, r - l), max(1, b - t)
        canvas = Image.new("L", (w, h), 0)
        ImageDraw.Draw(canvas).text((-l, -t), ch, font=font, fill=255, anchor="ls")
        alpha = np.asarray(canvas, np.float32) / 255.0
        if not alpha.any():
            continue
        glyphs.append(_Glyph(ch, alpha, x + offset + l, baseline + t))
    return glyphs


@dataclasses.dataclass
class _Placed:
    """A row laid out at a position: per-frame glyph lists per segment."""

    region: tuple[int, int, int, int]  # l, t, w, h including the inverted box
    style: _Style
    # frame -> list of (segment, glyphs)
    content: dict[int, list[tuple[_Segment, list[_Glyph]]]]


def _row_width(font: Any, segs: list[_Segment], gap: int) -> int:
    return int(sum(font.getlength(s.text) for s in segs) + gap * (len(segs) - 1))


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return not (
        a[0] + a[2] <= b[0]
        or b[0] + b[2] <= a[0]
        or a[1] + a[3] <= b[1]
        or b[1] + b[3] <= a[1]
    )


def _place_rows(
    rng: random.Random,
    rows_: list[_Row],
    n_frames: int,
    h: int,
    w: int,
    styles: list[_Style],
    taken: list[tuple[int, int, int, int]],
) -> list[_Placed]:
    """Stack rows in corner blocks (or over the image centre) without overlaps."""
    placed: list[_Placed] = []
    margin = max(2, int(0.015 * min(h, w)))
    anchors = ["tl", "tr", "bl", "br", "mid"]
    rng.shuffle(anchors)
    cursor: dict[str, int] = {}
    for i, row in enumerate(rows_):
        style = styles[i % len(styles)]
        for _attempt in range(8):
            font = _font(style.font_path, style.size)
            asc, desc = font.getmetrics()
            line_h = asc + desc
            gap = max(3, int(font.getlength(" ")))
            variants = row.per_frame or [row.segments]
            width = max(_row_width(font, v, gap) for v in variants)
            if row.scale_bar:
                width = int(0.2 * w)
            pad = 2 if style.box is not None else 0
            if width + 2 * margin + 2 * pad > w:
                if style.size <= 9:
                    break
                style = dataclasses.replace(style, size=max(9, int(style.size * 0.8)))
                continue
            anchor = anchors[(i + _attempt) % len(anchors)]
            k = cursor.get(anchor, 0)
            step = line_h + 2 * pad + max(1, line_h // 5)
            if anchor == "mid":
                x = rng.randrange(margin, max(margin + 1, w - width - margin))
                y = rng.randrange(int(0.25 * h), max(int(0.25 * h) + 1, int(0.7 * h)))
            else:
                x = margin + pad if anchor[1] == "l" else w - margin - pad - width
                y = (
                    margin + pad + k * step
                    if anchor[0] == "t"
                    else (h - margin - pad - line_h - k * step)
                )
            region = (x - pad, y - pad, width + 2 * pad, line_h + 2 * pad)
            if region[1] < 0 or region[1] + region[3] > h or region[0] < 0:
                continue
            if any(_overlaps(region, r) for r in taken):
                if anchor != "mid":
                    cursor[anchor] = k + 1
                continue
            if anchor != "mid":
                cursor[anchor] = k + 1
            taken.append(region)
            frames = row.frames if row.frames is not None else list(range(n_frames))
            content: dict[int, list[tuple[_Segment, list[_Glyph]]]] = {}
            for f in frames:
                segs = row.per_frame[f] if row.per_frame else row.segments
                items = []
                xx = x
                for seg in segs:
                    if row.scale_bar:
                        items.append((seg, _scale_bar_glyph(x, y, width, line_h)))
                    else:
                        items.append((seg, _layout_text(seg.text, font, xx, y + asc)))
                    xx += int(font.getlength(seg.text)) + gap
                content[f] = items
            placed.append(_Placed(region, style, content))
            break
    return placed


def _scale_bar_glyph(x: int, y: int, width: int, line_h: int) -> list[_Glyph]:
    """A horizontal bar with end and middle ticks: one pseudo-character of ink."""
    th = max(1, line_h // 8)
    alpha = np.zeros((line_h, width), np.float32)
    mid = line_h // 2
    alpha[mid : mid + th, :] = 1.0
    for tx in (0, width // 2, width - th):
        alpha[mid - line_h // 4 : mid + line_h // 4 + th, tx : tx + th] = 1.0
    return [_Glyph("scale_bar", alpha, x, y)]


# ---------------------------------------------------------------------------
# Pixel conversion and encoding


def _palette(n: int = 256) -> np.ndarray:
    """'hot' ramp: black -> red -> yellow -> white; monotonic in luminance."""
    v = np.linspace(0, 1, n)
    lut = np.stack(
        [np.clip(3 * v, 0, 1), np.clip(3 * v - 1, 0, 1), np.clip(3 * v - 2, 0, 1)],
        axis=-1,
    )
    return np.round(lut * 65535).astype(np.uint16)


def _to_stored(disp: np.ndarray, prof: _Profile) -> np.ndarray:
    """Display values (frames, rows, cols[,3]) in 0..1 -> stored values (colour as RGB)."""
    if prof.photometric in ("RGB", "YBR_FULL", "YBR_FULL_422", "PALETTE COLOR"):
        return np.round(np.clip(disp, 0, 1) * 255).astype(np.uint8)
    v = np.clip(disp, 0, 1)
    if prof.photometric == "MONOCHROME1":
        v = 1.0 - v
    top = (1 << prof.bits_stored) - 1
    stored = np.round(v * top).astype(np.int64)
    if prof.signed:
        stored -= 1 << (prof.bits_stored - 1)
        dtype: Any = np.int8 if prof.bits_allocated == 8 else np.int16
    else:
        dtype = np.uint8 if prof.bits_allocated == 8 else np.uint16
    return stored.astype(dtype)


def _encode(ds: Any, stored: np.ndarray, prof: _Profile) -> str:
    """Put the pixels into ``ds`` in the profile's syntax; returns the syntax used.

    Uses ``plugin.core.pixels.encode_as``; if that cannot write the syntax, pydicom's
    own encoders and, last, native Explicit VR Little Endian (recorded in the truth).
    """
    from pydicom.pixels import convert_color_space, set_pixel_data
    from pydicom.uid import UID, ExplicitVRLittleEndian

    colour = stored.ndim == 4
    ds.PhotometricInterpretation = "RGB" if colour else prof.photometric
    ds.BitsStored = prof.bits_stored
    try:
        from plugin.core.pixels import encode_as

        encode_as(
            ds, stored, prof.syntax, photometric=prof.photometric if colour else None
        )
        return str(ds.file_meta.TransferSyntaxUID)
    except Exception as exc:  # noqa: BLE001 - fall back, the set stays usable
        logger.warning("encode_as(%s) failed (%s); falling back", prof.syntax, exc)
    photometric = prof.photometric
    arr = stored
    if photometric in ("YBR_FULL", "YBR_FULL_422"):
        photometric = "YBR_FULL"
        arr = np.asarray(convert_color_space(stored, "RGB", "YBR_FULL", per_frame=True))
    arr = arr if arr.shape[0] > 1 else arr[0]
    set_pixel_data(ds, arr, photometric, prof.bits_stored, generate_instance_uid=False)
    if prof.syntax in _NATIVE:
        ds.file_meta.TransferSyntaxUID = UID(prof.syntax)
        return prof.syntax
    if prof.syntax in (
        SyntaxValues.RLE,
        SyntaxValues.JPEG_LS_LOSSLESS,
        SyntaxValues.JPEG_2000_LOSSLESS,
    ):
        try:
            ds.compress(UID(prof.syntax), arr, photometric_interpretation=photometric)
            return prof.syntax
        except Exception as exc:  # noqa: BLE001
            logger.debug("pydicom compress(%s) failed: %s", prof.syntax, exc)
            set_pixel_data(
                ds, arr, photometric, prof.bits_stored, generate_instance_uid=False
            )
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    return str(ExplicitVRLittleEndian)


def _window(prof: _Profile) -> tuple[float, float]:
    top = (1 << prof.bits_stored) - 1
    lo = -(1 << (prof.bits_stored - 1)) if prof.signed else 0
    return lo + top / 2, float(top + 1)


def _make_dataset(
    prof: _Profile, ident: _Identity, n_frames: int, rng: random.Random
) -> Any:
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, generate_uid

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    key = prof.modality + ("_MF" if prof.modality == "US" and n_frames > 1 else "")
    if prof.modality in ("SC", "OT") and n_frames > 1:
        key = "SC"
    ds.SOPClassUID = _SOP_CLASS[key]
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.PatientName = ident.dicom_name
    ds.PatientID = ident.mrn
    ds.PatientBirthDate = ident.birth.strftime("%Y%m%d")
    ds.PatientSex = ident.sex
    ds.StudyDate = ident.study.strftime("%Y%m%d")
    ds.SeriesDate = ds.StudyDate
    ds.ContentDate = ds.StudyDate
    ds.StudyTime = ident.study.strftime("%H%M%S")
    ds.AccessionNumber = ident.accession
    ds.InstitutionName = ident.institution
    ds.ReferringPhysicianName = ident.dicom_referrer
    ds.StudyID = str(rng.randrange(1, 9999))
    ds.Modality = prof.modality
    ds.Manufacturer = "SYNTH"
    ds.BurnedInAnnotation = "YES"
    ds.StudyInstanceUID = generate_uid(entropy_srcs=[ident.mrn, ident.accession])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=[ident.mrn, ident.accession, "s"])
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[ident.mrn, str(rng.random())])
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.SeriesNumber = rng.randrange(1, 20)
    ds.InstanceNumber = rng.randrange(1, 200)
    if prof.modality == "OT" or prof.modality == "SC":
        ds.ConversionType = "WSD"
    if n_frames > 1:
        ds.FrameTime = 66.7
    return ds


# ---------------------------------------------------------------------------
# One file


def _styles(
    rng: random.Random, prof: _Profile, h: int, w: int, fonts: list[str], bg_dark: bool
) -> list[_Style]:
    colour = prof.photometric not in ("MONOCHROME1", "MONOCHROME2", "PALETTE COLOR")
    styles = []
    for _ in range(3):
        pct = rng.uniform(0.022, 0.045)
        size = max(9, round(pct * min(h, w)))
        if rng.random() < 0.15:
            size = 9
        path = rng.choice(fonts) if len(fonts) > 1 else fonts[0]
        r = rng.random()
        box: tuple[float, ...] | None = None
        if r < 0.15:  # inverted: dark text on a light box
            level = rng.uniform(0.8, 1.0)
            box = (level, level, level) if colour else (level,)
            ink = rng.uniform(0.0, 0.2)
            col: tuple[float, ...] = (ink, ink, ink) if colour else (ink,)
        elif r < 0.3:  # low contrast
            g = rng.uniform(0.35, 0.5) if bg_dark else rng.uniform(0.75, 0.9)
            col = (g, g, g) if colour else (g,)
        elif colour and rng.random() < 0.6:
            col = rng.choice(
                [(1.0, 1.0, 0.0), (0.0, 1.0, 0.0), (0.3, 1.0, 1.0), (1.0, 0.85, 0.2)]
            )
        elif prof.photometric == "PALETTE COLOR":
            col = (rng.choice([1.0, 0.667, 0.8]),)  # white / yellow / light yellow
        else:
            g = rng.uniform(0.85, 1.0)
            col = (g, g, g) if colour else (g,)
        styles.append(_Style(path, size, col, box))
    return styles


def _make_file(
    rng: random.Random, index: int, fonts: list[str]
) -> tuple[str, Any, np.ndarray, dict[str, Any]]:
    prof = _PROFILES[index % len(_PROFILES)]
    nrng = np.random.default_rng(rng.randrange(2**32))
    n_frames = rng.randrange(prof.frames[0], prof.frames[1] + 1)
    h = rng.randrange(prof.size[0], prof.size[1] + 1, 16)
    w = rng.randrange(prof.size[0], prof.size[1] + 1, 16)
    if prof.modality in ("CT", "MR"):
        w = h
    ident = _make_identity(rng)
    colour = prof.photometric in ("RGB", "YBR_FULL", "YBR_FULL_422")

    # rows: identity, other PHI, annotations, scale bar, per-frame rows
    rows: list[_Row] = _identity_rows(rng, ident)
    rows += _other_phi_rows(rng)
    rows += _annotation_rows(rng, prof.modality)
    if rng.random() < 0.5:
        rows.append(
            _Row([_Segment("scale_bar", False, "NONE", "annotation")], scale_bar=True)
        )
        rows.append(_Row([_label(rng.choice(["5 cm", "1 cm", "10 mm"]))]))
    if n_frames > 1:
        t0 = ident.study
        stamps = []
        for f in range(n_frames):
            t = t0 + dt.timedelta(seconds=f * rng.randrange(1, 4))
            stamps.append(
                [_Segment(f"{t:%Y-%m-%d %H:%M:%S}", True, "DATE_TIME", "header")]
            )
        rows.append(_Row([], per_frame=stamps))
        rows.append(
            _Row(
                [],
                per_frame=[[_label(f"Fr {f + 1}/{n_frames}")] for f in range(n_frames)],
            )
        )
        # a name that shows up only on some frames
        first = rng.randrange(0, n_frames - 1)
        rows.append(
            _Row(
                [
                    _Segment(
                        _fmt_name(rng, ident.given, ident.family),
                        True,
                        "PERSON",
                        "header",
                    )
                ],
                frames=list(range(first, n_frames)),
            )
        )
    rng.shuffle(rows)

    base = _background(rng, nrng, prof.modality, h, w)
    styles = _styles(rng, prof, h, w, fonts, bg_dark=float(base.mean()) < 0.5)
    placed = _place_rows(rng, rows, n_frames, h, w, styles, [])

    frames_disp = []
    for f in range(n_frames):
        jitter = nrng.normal(0, 0.01, base.shape).astype(np.float32)
        shift = np.roll(base, f * 2, axis=1) if n_frames > 1 else base
        img = np.clip(shift + jitter, 0, 1)
        if colour:
            img = np.repeat(img[..., None], 3, axis=-1)
            if prof.modality == "US" and rng.random() < 0.5:  # a doppler blob
                cy, cx, r = int(0.5 * h), int(0.5 * w), int(0.08 * min(h, w))
                blob = np.zeros((h, w), np.float32)
                _ellipse(blob, cx, cy, r, r * 0.6, 20, 1.0)
                img[..., 0] = np.where(blob > 0, 0.8, img[..., 0])
                img[..., 2] = np.where(blob > 0, 0.1, img[..., 2])
        frames_disp.append(img)

    labels = np.zeros((n_frames, h, w), np.uint16)
    lines: list[dict[str, Any]] = []
    next_label = 1
    line_id = 0
    # identical glyphs on several frames share the same label: key by (segment, position)
    for p in placed:
        groups: dict[tuple[int, str, int], dict[str, Any]] = {}
        for f, items in sorted(p.content.items()):
            img = frames_disp[f]
            if p.style.box is not None:
                l, t, bw, bh = p.region
                img[t : t + bh, l : l + bw] = (
                    np.asarray(p.style.box, np.float32) if colour else p.style.box[0]
                )
            col = np.asarray(p.style.color if colour else p.style.color[:1], np.float32)
            for s_idx, (seg, glyphs) in enumerate(items):
                key = (s_idx, seg.text, glyphs[0].left if glyphs else 0)
                entry = groups.get(key)
                if entry is None:
                    entry = {
                        "id": line_id,
                        "text": seg.text,
                        "phi": seg.phi,
                        "entity_type": seg.entity_type,
                        "kind": seg.kind,
                        "frames": [],
                        "region": list(p.region),
                        "chars": [],
                        "_labels": [],
                    }
                    line_id += 1
                    groups[key] = entry
                    for g in glyphs:
                        entry["_labels"].append(next_label)
                        entry["chars"].append(
                            {
                                "label": next_label,
                                "char": g.char,
                                "frames": [],
                                "box": None,
                            }
                        )
                        next_label += 1
                entry["frames"].append(f)
                for g, c in zip(glyphs, entry["chars"]):
                    gh, gw = g.alpha.shape
                    t0, l0 = max(0, g.top), max(0, g.left)
                    t1, l1 = min(h, g.top + gh), min(w, g.left + gw)
                    a = g.alpha[t0 - g.top : t1 - g.top, l0 - g.left : l1 - g.left]
                    if colour:
                        region = img[t0:t1, l0:l1]
                        img[t0:t1, l0:l1] = (
                            region * (1 - a[..., None]) + col * a[..., None]
                        )
                    else:
                        region = img[t0:t1, l0:l1]
                        img[t0:t1, l0:l1] = region * (1 - a) + col[0] * a
                    lab = labels[f, t0:t1, l0:l1]
                    lab[a > 0] = c["label"]
                    c["frames"].append(f)
        for entry in groups.values():
            entry.pop("_labels")
            lines.append(entry)

    # char boxes from the final label map (exact ink extent)
    for line in lines:
        for c in line["chars"]:
            f = c["frames"][0]
            ys, xs = np.nonzero(labels[f] == c["label"])
            if len(ys) == 0:
                c["box"] = [0, 0, 0, 0]
                continue
            c["box"] = [
                int(xs.min()),
                int(ys.min()),
                int(xs.max() - xs.min() + 1),
                int(ys.max() - ys.min() + 1),
            ]
        line["chars"] = [c for c in line["chars"] if c["box"][2] > 0]
    lines = [ln for ln in lines if ln["chars"]]
    lines.sort(key=lambda ln: ln["id"])

    disp = np.stack(frames_disp)
    stored = _to_stored(disp, prof)
    ds = _make_dataset(prof, ident, n_frames, rng)
    if prof.photometric == "PALETTE COLOR":
        lut = _palette()
        for ch, name in enumerate(("Red", "Green", "Blue")):
            setattr(ds, f"{name}PaletteColorLookupTableDescriptor", [256, 0, 16])
            setattr(ds, f"{name}PaletteColorLookupTableData", lut[:, ch].tobytes())
    used = _encode(ds, stored, prof)
    if prof.photometric not in ("RGB", "YBR_FULL", "YBR_FULL_422", "PALETTE COLOR"):
        c, ww = _window(prof)
        ds.WindowCenter, ds.WindowWidth = c, ww
        if prof.modality == "CT":
            ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "HU"
    pi_tag = str(ds.PhotometricInterpretation).replace(" ", "_")
    rel = f"{prof.modality}/{index:03d}_{pi_tag}.dcm"
    meta = {
        "path": rel,
        "modality": prof.modality,
        "photometric": str(ds.PhotometricInterpretation),
        "bits_allocated": int(ds.BitsAllocated),
        "bits_stored": int(ds.BitsStored),
        "signed": bool(ds.PixelRepresentation),
        "transfer_syntax": used,
        "transfer_syntax_wanted": prof.syntax,
        "frames": n_frames,
        "rows": h,
        "cols": w,
        "header_identity": ident.header_strings(),
        "lines": lines,
    }
    return rel, ds, labels, meta


def truth_path(root: Path, rel: str) -> Path:
    """Where the label map of ``rel`` (a ``.dcm`` path relative to the set) lives."""
    p = root / rel
    return p.with_name(
        p.name[: -len(".dcm")] + ".truth.npz"
        if p.name.endswith(".dcm")
        else p.name + ".truth.npz"
    )


def generate_set(
    out: Path, n: int, seed: int, *, fonts: str = "truetype"
) -> dict[str, Any]:
    """Write ``n`` synthetic instances, their label maps and ``truth.json`` to ``out``.

    Parameters
    ----------
    out
        Target folder (created).
    n
        Number of files.
    seed
        Seed of every random choice: the same seed gives the same set.
    fonts
        ``truetype`` (the fonts installed, and Pillow's own), ``hershey``
        (OpenCV's fonts, as ``cv2.putText`` draws them: the Hershey strokes with
        OpenCV 4, its own font with OpenCV 5) or ``all``.

    Returns
    -------
    dict
        The content written to ``truth.json``.
    """
    out.mkdir(parents=True, exist_ok=True)
    pool = _font_pool(fonts)
    files = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        rel, ds, labels, meta = _make_file(rng, i, pool)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        ds.save_as(path, enforce_file_format=True)
        np.savez_compressed(truth_path(out, rel), labels=labels)
        files.append(meta)
        logger.info(
            "wrote %s (%s, %d frames)", rel, meta["transfer_syntax"], meta["frames"]
        )
    truth = {
        "version": 1,
        "seed": seed,
        "n": n,
        "label_rule": "coverage > 0",
        "fonts": fonts,
        **({} if fonts == "truetype" else {"opencv": _opencv_version()}),
        "files": files,
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=1))
    return truth


def _run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"error: {out} is a file, not a folder", file=sys.stderr)
        return 2
    if out.is_dir() and any(out.iterdir()):
        # Files of an earlier set would be scored against this set's truth.
        print(f"note: {out} is not empty; files of the same names are replaced")
    truth = generate_set(out, args.n, args.seed, fonts=args.fonts)
    n_lines = sum(len(f["lines"]) for f in truth["files"])
    n_phi = sum(ln["phi"] for f in truth["files"] for ln in f["lines"])
    fallback = sum(
        f["transfer_syntax"] != f["transfer_syntax_wanted"] for f in truth["files"]
    )
    print(
        f"{len(truth['files'])} files, {n_lines} text lines ({n_phi} PHI) in {args.out}"
    )
    if fallback:
        print(
            f"{fallback} file(s) written in Explicit VR LE: encoder for the wanted "
            "syntax not available"
        )
    return 0


def register_cli(subparsers: Any) -> None:
    """Add the ``synth`` sub-command."""
    p = subparsers.add_parser(
        "synth", help="write a synthetic test set with ground truth"
    )
    p.add_argument("out", help="output folder")
    p.add_argument("--n", type=int, default=60, help="number of files (default 60)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--fonts",
        choices=FONT_KINDS,
        default="truetype",
        help="truetype: installed fonts and Pillow's (default); hershey: OpenCV's "
        "fonts as cv2.putText draws them (Hershey strokes with OpenCV 4, its own "
        "font with OpenCV 5); all: both",
    )
    p.set_defaults(func=_run)
