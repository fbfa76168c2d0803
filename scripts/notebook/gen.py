#!/usr/bin/env python3
"""Test set in the manner of Presidio's DICOM redaction notebooks: real images from
pydicom's test data with text burned in by ``cv2.putText``, and exact ground truth.

usage: gen.py OUT --n 40 --seed 1 [--list-sources]

Sources: the DICOM files that ``pydicom.data.get_testdata_files`` finds offline (the
files bundled with pydicom, plus those of the ``pydicom-data`` package when it is
installed: US1_*, OBXXXX1A*, emri_small*, RG*, MR2_*, ...). pydicom's download of
missing files is switched off, so the set only depends on what is installed; the
files used and skipped (no Pixel Data, Bits Allocated other than 8/16, smaller than
32 px, pixel data the installed handlers cannot decode) are listed in truth.json
and by ``--list-sources``. Files are taken in a fixed order (one of each kind
first, variants later) and cycled.

Each output file: the source's decoded pixels, multi-frame cut to at most 10
frames, images whose short side is under 192 px scaled up by an integer factor
(nearest for palette indices, bilinear otherwise) so that text fits, then text
drawn with ``cv2.putText`` (OpenCV's fonts; faces, scales, thickness, anti-aliased
or not vary) in corners and along the edges, as the notebooks add the patient's
name, ID, birth date, study date, institution, plus harmless annotations ("L",
"kVp 120", "W:400 L:40", "Se:3 Im:12", "10 cm", "Fr 3/10"). Text is white (top of
the stored range) mostly, sometimes the image's own maximum, grey, dark or a vendor
colour, sometimes on a filled dark rectangle, a few lines deliberately faint. Rows
avoid the text the source image already carries where they can (many of the
ultrasound files have their own), else go over it on a dark rectangle. The
fresh fake identity is also written into the header (PatientName, PatientID,
PatientBirthDate, StudyDate, InstitutionName, ReferringPhysicianName,
AccessionNumber); phone numbers, e-mail addresses and other people's names are
burned in without being in the header. Multi-frame images carry the same text on
every frame (and a frame counter that changes per frame).

Pixel data is written native, Explicit VR Little Endian. Photometric
interpretation is kept, except YBR_* (decoded to RGB, the header updated).
PALETTE COLOR stays PALETTE COLOR: the text is drawn as palette *indices* (the
brightest entry of the LUT for white text, the darkest for boxes, the nearest
entry for grey/colour), without anti-aliasing since blending indices is
meaningless. Big-endian sources are converted (OW/OF/OL/OD values byte-swapped).

Ground truth, the format ``orthanc-redact evaluate`` reads (same as ``synth``):
every character is drawn on its own at its advance in the line (advances from
``cv2.getTextSize`` of the line's prefix, plus tracking where glyphs would touch),
so its ink is known exactly: ``OUT/<rel>.truth.npz`` holds ``labels`` (uint16,
frames x rows x cols; ``k`` where character ``k`` has coverage > 0), and
``OUT/truth.json`` lists per file the ``lines`` (id, text, phi, entity_type, kind
= header / other_phi / annotation / label, frames, region, chars with label, char,
frames, box) and ``header_identity``. A field label ("DOB:", "ID:") is its own
non-PHI line of kind ``label``, its value the PHI line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import random
import re
import sys
import warnings

import cv2
import numpy as np
import pydicom
import pydicom.data.download as _pd_download
from pydicom.data import get_testdata_files
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

cv2.setNumThreads(1)
# offline: never try to download pydicom's external test files
_pd_download._SIMULATE_NETWORK_OUTAGE = True

MAX_FRAMES = 10
MIN_SIDE = 32
UPSCALE_BELOW = 192
UPSCALE_TO = 256

# one of each kind first, then variants of the same images; the rest of the usable
# files follow in name order
PREFERRED = [
    "CT_small.dcm",
    "US1_UNCR.dcm",
    "MR_small.dcm",
    "OBXXXX1A.dcm",
    "SC_rgb.dcm",
    "emri_small.dcm",
    "examples_ybr_color.dcm",
    "693_UNCR.dcm",
    "RG3_UNCR.dcm",
    "JPEG2000.dcm",
    "OT-PAL-8-face.dcm",
    "SC_rgb_jpeg_dcmtk.dcm",
    "MR_small_RLE.dcm",
    "OBXXXX1A_2frame.dcm",
    "examples_palette.dcm",
    "JPGLosslessP14SV1_1s_1f_8b.dcm",
    "MR2_J2KR.dcm",
    "SC_rgb_rle_16bit.dcm",
    "examples_rgb_color.dcm",
    "image_dfl.dcm",
    "eCT_Supplemental.dcm",
    "emri_small_jpeg_ls_lossless.dcm",
    "SC_rgb_2frame.dcm",
    "RG1_UNCR.dcm",
    "JPGExtended.dcm",
    "MR-SIEMENS-DICOM-WithOverlays.dcm",
    "US1_J2KR.dcm",
    "gdcm-US-ALOKA-16.dcm",
    "color3d_jpeg_baseline.dcm",
    "mlut_18.dcm",
    "vlut_04.dcm",
    "explicit_VR-UN.dcm",
    "color-pl.dcm",
    "SC_ybr_full_422_uncompressed.dcm",
    "examples_overlay.dcm",
    "MR_small_jp2klossless.dcm",
    "SC_jpeg_no_color_transform.dcm",
    "emri_small_RLE.dcm",
    "OBXXXX1A_expb_2frame.dcm",
    "693_J2KI.dcm",
    "MR_small_bigendian.dcm",
    "SC_rgb_16bit_2frame.dcm",
    "bad_sequence.dcm",
    "JPEG-LL.dcm",
    "ExplVR_BigEnd.dcm",
    "GDCMJ2K_TextGBR.dcm",
]

FACES = [
    (cv2.FONT_HERSHEY_SIMPLEX, 30),
    (cv2.FONT_HERSHEY_DUPLEX, 14),
    (cv2.FONT_HERSHEY_PLAIN, 12),
    (cv2.FONT_HERSHEY_COMPLEX, 12),
    (cv2.FONT_HERSHEY_TRIPLEX, 10),
    (cv2.FONT_HERSHEY_COMPLEX_SMALL, 10),
    (cv2.FONT_HERSHEY_SIMPLEX | cv2.FONT_ITALIC, 5),
    (cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 2),
]

# ---------------------------------------------------------------------------
# fake identities (made-up names, no real persons)

GIVEN_F = [
    "Anna",
    "Maria",
    "Laura",
    "Emily",
    "Sofia",
    "Clara",
    "Julia",
    "Grace",
    "Olivia",
    "Nora",
    "Hannah",
    "Eva",
    "Lucy",
    "Ruth",
    "Irene",
    "Paula",
    "Helen",
    "Rosa",
    "Alice",
    "Vera",
]
GIVEN_M = [
    "John",
    "Peter",
    "Michael",
    "David",
    "Thomas",
    "Daniel",
    "Lukas",
    "Mark",
    "Paul",
    "Samuel",
    "Henry",
    "Oscar",
    "Victor",
    "Simon",
    "Adam",
    "Felix",
    "Martin",
    "Carl",
    "Hugo",
    "Leon",
]
FAMILY = [
    "Miller",
    "Johnson",
    "Walker",
    "Becker",
    "Novak",
    "Fischer",
    "Hartmann",
    "Lindqvist",
    "Moreau",
    "Rossi",
    "Kowalski",
    "Jensen",
    "Brennan",
    "Okafor",
    "Tanaka",
    "Silva",
    "Dubois",
    "Schneider",
    "Keller",
    "Garcia",
    "Petersen",
    "Wagner",
    "Russo",
    "Nguyen",
    "Larsen",
    "Horvath",
    "Fernandez",
    "Olsen",
    "Baker",
    "Murphy",
    "Schmidt",
    "Weber",
    "Richter",
    "Bauer",
    "Castillo",
    "Andersson",
    "Costa",
    "Fontaine",
    "Greene",
    "Holloway",
]
INSTITUTIONS = [
    "Riverside General Hospital",
    "Mercy Medical Center",
    "Lakeview Clinic",
    "Northgate Imaging",
    "St. Luke Hospital",
    "University Hospital Westfield",
    "Cedar Valley Medical",
    "Harbor View Radiology",
    "Eastbrook Health",
    "Maple Grove Hospital",
    "Clinique Saint-Andre",
    "Hillcrest Imaging Ctr",
]
DOMAINS = ["mail.com", "hospital.org", "clinic.net", "example.org", "med-center.com"]


class Identity:
    def __init__(self, R: random.Random):
        self.sex = R.choice("FM")
        self.given = R.choice(GIVEN_F if self.sex == "F" else GIVEN_M)
        self.family = R.choice(FAMILY)
        self.middle = R.choice("ABCDEFGHJKLMNPRSTW") if R.random() < 0.25 else ""
        self.birth = dt.date(1930, 1, 1) + dt.timedelta(days=R.randrange(0, 29000))
        self.study = dt.datetime(2015, 1, 1, 7, 0) + dt.timedelta(
            days=R.randrange(0, 3900),
            minutes=R.randrange(0, 720),
            seconds=R.randrange(60),
        )
        self.mrn = R.choice(
            [
                str(R.randrange(10**6, 10**8)),
                f"{R.randrange(100, 999)}-{R.randrange(10**4, 10**5)}",
                f"PT{R.randrange(10**5, 10**7)}",
            ]
        )
        self.acc = R.choice(
            [
                f"A{R.randrange(10**6, 10**8)}",
                f"{R.randrange(10**7, 10**9)}",
                f"RAD{R.randrange(10**5, 10**6)}",
            ]
        )
        self.inst = R.choice(INSTITUTIONS)
        self.ref_given = R.choice(GIVEN_F + GIVEN_M)
        self.ref_family = R.choice([f for f in FAMILY if f != self.family])

    @property
    def dcm_name(self) -> str:
        return f"{self.family.upper()}^{self.given.upper()}" + (
            f"^{self.middle}" if self.middle else ""
        )

    @property
    def dcm_ref(self) -> str:
        return f"{self.ref_family}^{self.ref_given}"

    def header_strings(self) -> list[str]:
        return [
            self.dcm_name,
            self.family.upper(),
            self.mrn,
            self.birth.strftime("%Y%m%d"),
            self.study.strftime("%Y%m%d"),
            self.acc,
            self.inst,
            self.dcm_ref,
        ]


def name_text(R, given, family, middle=""):
    g, f = given, family
    forms = [
        f"{f.upper()}^{g.upper()}" + (f"^{middle}" if middle else ""),
        f"{g} {f}",
        f"{f.upper()}, {g.upper()}",
        f"{f}, {g}",
        f"{g[0]}. {f}",
        f"{g.upper()} {f.upper()}",
        f"{f} {g}",
        f"{g} {middle}. {f}" if middle else f"{f.upper()} {g}",
    ]
    return R.choice(forms)


def date_text(R, d, with_time=False):
    forms = [
        "%Y%m%d",
        "%m/%d/%Y",
        "%d-%b-%Y",
        "%Y-%m-%d",
        "%d.%m.%Y",
        "%b %d, %Y",
        "%d/%m/%Y",
    ]
    fmt = R.choice(forms)
    if with_time:
        fmt += R.choice([" %H:%M", " %H:%M:%S", "  %H:%M", " %I:%M %p"])
    s = d.strftime(fmt)
    if "%b" in fmt and R.random() < 0.4:
        s = s.upper()
    return s


def phone_text(R):
    return R.choice(
        [
            f"({R.randrange(200, 999)}) {R.randrange(200, 999)}-{R.randrange(1000, 9999)}",
            f"+1 {R.randrange(200, 999)} {R.randrange(200, 999)} {R.randrange(1000, 9999)}",
            f"{R.randrange(200, 999)}-{R.randrange(200, 999)}-{R.randrange(1000, 9999)}",
            f"+49 {R.randrange(30, 99)} {R.randrange(100000, 9999999)}",
        ]
    )


# segments: (text, phi, entity_type, kind)
def lab(t):
    return (t, False, "NONE", "label")


def ann(t):
    return (t, False, "NONE", "annotation")


def phi(t, ent, kind="header"):
    return (t, True, ent, kind)


def identity_rows(R, p: Identity):
    """Patient block and study block, as a notebook writes them."""
    pat = []
    name = phi(name_text(R, p.given, p.family, p.middle), "PERSON")
    pat.append(
        [lab(R.choice(["Name:", "Patient:", "Pt:"])), name]
        if R.random() < 0.45
        else [name]
    )
    pid = phi(p.mrn, "ID")
    pat.append(
        [lab(R.choice(["ID:", "MRN:", "PID:", "Patient ID:"])), pid]
        if R.random() < 0.8
        else [pid]
    )
    if R.random() < 0.85:
        dob = phi(date_text(R, p.birth), "DATE_TIME")
        pat.append([lab(R.choice(["DOB:", "Birth:", "D.O.B.", "Born"])), dob])
    study = []
    if R.random() < 0.7:
        study.append([phi(p.inst, "LOCATION")])
    if R.random() < 0.85:
        sd = phi(date_text(R, p.study, R.random() < 0.5), "DATE_TIME")
        study.append(
            [lab(R.choice(["Study:", "Date:", "Exam:"])), sd]
            if R.random() < 0.4
            else [sd]
        )
    if R.random() < 0.5:
        acc = phi(p.acc, "ID")
        study.append([lab(R.choice(["Acc:", "Acc#", "ACC"])), acc])
    if R.random() < 0.45:
        ref = phi(name_text(R, p.ref_given, p.ref_family), "PERSON")
        study.append([lab(R.choice(["Ref:", "Ref. Dr.", "Dr."])), ref])
    return pat, study


def other_phi_rows(R):
    out = []
    if R.random() < 0.35:
        out.append(
            [
                lab(R.choice(["Tel", "Ph:", "Tel:"])),
                phi(phone_text(R), "PHONE_NUMBER", "other_phi"),
            ]
        )
    if R.random() < 0.25:
        mail = f"{R.choice(GIVEN_F + GIVEN_M).lower()}.{R.choice(FAMILY).lower()}@{R.choice(DOMAINS)}"
        out.append([phi(mail, "EMAIL_ADDRESS", "other_phi")])
    if R.random() < 0.35:
        other = f"{R.choice(GIVEN_F + GIVEN_M)} {R.choice(FAMILY)}"
        out.append(
            [
                lab(R.choice(["Tech:", "Op:", "Read by", "Sono:"])),
                phi(other, "PERSON", "other_phi"),
            ]
        )
    return out


def annotation_texts(R, modality):
    common = [
        f"kVp {R.choice([80, 100, 110, 120, 140])}",
        f"mA {R.randrange(50, 400, 10)}",
        f"W:{R.choice([80, 350, 400, 1500, 2000])} L:{R.choice([40, 50, -600, 300])}",
        f"Se:{R.randrange(1, 12)} Im:{R.randrange(1, 250)}",
        f"{R.choice([0.625, 1.0, 1.25, 2.5, 3.0, 5.0])}mm",
        f"FOV {R.randrange(18, 50)}cm",
    ]
    per = {
        "CT": ["HFS", "Tilt 0.0", f"{R.choice(['B30f', 'STND', 'BONE'])}"],
        "MR": [
            f"TR {R.randrange(300, 5000)} TE {R.randrange(8, 120)}",
            R.choice(["T1 SE", "T2 TSE", "FLAIR"]),
            "1.5T",
        ],
        "US": [
            f"Depth {R.randrange(4, 20)}cm",
            f"Gain {R.randrange(20, 80)}",
            f"MI {R.randrange(2, 14) / 10:.1f}",
            f"TIs {R.randrange(1, 9) / 10:.1f}",
            R.choice(["C5-1", "L12-5", "P4-2"]),
            f"{R.randrange(10, 60)} fps",
        ],
        "CR": [
            f"mAs {R.randrange(2, 40)}",
            R.choice(["ERECT", "SUPINE"]),
            R.choice(["AP", "PA", "LAT"]),
        ],
        "DX": [f"mAs {R.randrange(2, 40)}", R.choice(["AP", "PA", "LAT"])],
        "NM": [
            R.choice(["LEHR", "LEAP", "MEGP"]),
            R.choice(["ANT", "POST"]),
            f"{R.randrange(100, 900)}k cts",
        ],
    }
    pool = common + per.get(modality, ["Page 1", R.choice(["Scan", "Report"])])
    R.shuffle(pool)
    return pool[: R.randrange(2, 6)]


# ---------------------------------------------------------------------------
# sources


def _usable(path):
    """(dataset, None) if the file can be used, else (None, reason)."""
    try:
        ds = pydicom.dcmread(path, force=True)
    except Exception as exc:  # noqa: BLE001
        return None, f"not readable ({type(exc).__name__})"
    if "PixelData" not in ds:
        return None, "no Pixel Data"
    if "TransferSyntaxUID" not in ds.get("file_meta", {}) and ds.original_encoding:
        implicit, little = ds.original_encoding
        if little:
            ds.file_meta = ds.get("file_meta") or FileMetaDataset()
            ds.file_meta.TransferSyntaxUID = (
                "1.2.840.10008.1.2" if implicit else "1.2.840.10008.1.2.1"
            )
    ba = ds.get("BitsAllocated")
    if ba not in (8, 16):
        return None, f"Bits Allocated {ba} (only 8/16 burned)"
    rows, cols = int(ds.get("Rows") or 0), int(ds.get("Columns") or 0)
    if min(rows, cols) < MIN_SIDE:
        return None, f"too small to burn text in ({rows}x{cols})"
    pi = str(ds.get("PhotometricInterpretation", ""))
    if pi not in (
        "MONOCHROME1",
        "MONOCHROME2",
        "RGB",
        "PALETTE COLOR",
    ) and not pi.startswith("YBR"):
        return None, f"photometric {pi!r}"
    try:
        from pydicom.pixels import pixel_array

        pixel_array(ds, index=0)
    except Exception as exc:  # noqa: BLE001
        return (
            None,
            f"cannot decode with installed handlers ({type(exc).__name__}: {str(exc).splitlines()[0][:70]})",
        )
    return ds, None


def list_sources():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = get_testdata_files("**/*")
    by_name = {}
    for f in sorted(files):
        if os.path.isfile(f):
            by_name.setdefault(os.path.basename(f), f)
    used, skipped = [], {}
    logging.disable(logging.WARNING)
    try:
        for name, f in sorted(by_name.items()):
            if name.endswith(
                (".json", ".txt", ".dump", ".icc", ".gz")
            ) or name.startswith(("README", "DICOMDIR")):
                continue
            ds, why = _usable(f)
            if ds is None:
                skipped[name] = why
            else:
                used.append(name)
    finally:
        logging.disable(logging.NOTSET)
    order = [n for n in PREFERRED if n in used] + sorted(
        n for n in used if n not in PREFERRED
    )
    return order, skipped, by_name


# ---------------------------------------------------------------------------
# image model: stored values <-> display luminance (as `evaluate` computes it)


class Img:
    def __init__(self, ds, arr, kind):
        self.kind = kind  # gray / rgb / palette
        self.arr = arr  # (F, H, W) or (F, H, W, 3), native stored values
        self.F, self.H, self.W = arr.shape[:3]
        self.bits = int(ds.get("BitsStored") or ds.BitsAllocated)
        self.signed = int(ds.get("PixelRepresentation") or 0) == 1 and kind == "gray"
        self.mono1 = str(ds.get("PhotometricInterpretation")) == "MONOCHROME1"
        self.top = float((1 << self.bits) - 1)
        self.lo = -(1 << (self.bits - 1)) if self.signed else 0
        self.hi = self.lo + (1 << self.bits) - 1
        if kind == "palette":
            from pydicom.pixels import apply_color_lut

            desc = ds.RedPaletteColorLookupTableDescriptor
            n = int(desc[0]) or 65536
            first = int(desc[1])
            idx = np.arange(
                first,
                first + n,
                dtype=np.uint16 if ds.BitsAllocated == 16 else np.uint8,
            )
            if ds.BitsAllocated == 8:
                idx = idx[idx <= 255]
            rgb = apply_color_lut(idx, ds).astype(np.float32)
            rgb /= float((1 << int(desc[2])) - 1)
            self.lut_idx = idx.astype(np.int64)
            self.lut_rgb = rgb
            self.lut_lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
            # indices below `first` show entry 0, above the range the last entry
            lum = self.lut_lum
            self.full_lut = np.zeros(
                65536 if ds.BitsAllocated == 16 else 256, np.float32
            )
            self.full_lut[:first] = lum[0]
            self.full_lut[first : first + len(lum)] = lum
            self.full_lut[first + len(lum) :] = lum[-1]

    def display(self, region):
        """Display luminance 0..1 of a stored-value block."""
        if self.kind == "palette":
            return self.full_lut[region.astype(np.int64)]
        if self.kind == "rgb":
            return (region.astype(np.float32) / self.top) @ np.array(
                [0.299, 0.587, 0.114], np.float32
            )
        v = (region.astype(np.float32) - self.lo) / self.top
        return 1.0 - v if self.mono1 else v

    def stored_for(self, d, rgb=None):
        """Stored value (scalar, RGB triple or palette index) showing display `d`."""
        if self.kind == "palette":
            if rgb is not None:
                k = int(
                    np.argmin(
                        ((self.lut_rgb - np.asarray(rgb, np.float32)) ** 2).sum(1)
                    )
                )
            else:
                k = int(np.argmin(np.abs(self.lut_lum - d)))
            return float(self.lut_idx[k])
        if self.kind == "rgb":
            c = np.asarray(rgb if rgb is not None else (d, d, d), np.float32)
            return np.round(c * self.top)
        d = 1.0 - d if self.mono1 else d
        return float(round(self.lo + d * self.top))

    def display_of(self, s):
        if self.kind == "palette":
            return float(self.full_lut[int(s)])
        if self.kind == "rgb":
            return float(
                (np.asarray(s, np.float32) / self.top)
                @ np.array([0.299, 0.587, 0.114], np.float32)
            )
        v = (s - self.lo) / self.top
        return float(1.0 - v if self.mono1 else v)

    def brightest(self):
        if self.kind == "palette":
            return float(self.lut_idx[int(np.argmax(self.lut_lum))])
        return self.stored_for(1.0)

    def darkest(self):
        if self.kind == "palette":
            return float(self.lut_idx[int(np.argmin(self.lut_lum))])
        return self.stored_for(0.0)

    def image_max(self):
        """The brightest value the image itself holds (as notebooks use img.max())."""
        if self.kind == "palette":
            return self.brightest()
        if self.kind == "rgb":
            return np.asarray(
                [float(self.arr[..., c].max()) for c in range(3)], np.float32
            )
        return float(self.arr.min() if self.mono1 else self.arr.max())


def load_source(path):
    ds = pydicom.dcmread(path, force=True)
    ds, _ = (
        _usable(path)
        if "TransferSyntaxUID" not in ds.get("file_meta", {})
        else (ds, None)
    )
    arr = ds.pixel_array  # YBR -> RGB, palette stays indices
    nf = int(ds.get("NumberOfFrames") or 1)
    spp = int(ds.get("SamplesPerPixel") or 1)
    if nf == 1:
        arr = arr[None]
    pi = str(ds.PhotometricInterpretation)
    kind = "palette" if pi == "PALETTE COLOR" else ("rgb" if spp == 3 else "gray")
    arr = np.ascontiguousarray(arr[:MAX_FRAMES]).astype(arr.dtype.newbyteorder("="))
    return ds, arr, kind


def upscale(arr, kind):
    h, w = arr.shape[1:3]
    if min(h, w) >= UPSCALE_BELOW:
        return arr, 1
    k = math.ceil(UPSCALE_TO / min(h, w))
    interp = cv2.INTER_NEAREST if kind == "palette" else cv2.INTER_LINEAR
    out = [cv2.resize(f, (w * k, h * k), interpolation=interp) for f in arr]
    return np.ascontiguousarray(np.stack(out).astype(arr.dtype)), k


# ---------------------------------------------------------------------------
# text rendering, one character at a time

_glyphs = {}


def glyph(ch, face, scale, thick, aa):
    """(alpha float32, dx, dy): ink of `ch` drawn with origin (baseline-left) at 0,0."""
    key = (ch, face, scale, thick, aa)
    if key in _glyphs:
        return _glyphs[key]
    (tw, th), base = cv2.getTextSize(ch, face, scale, thick)
    pad = int(th + thick + 6)
    cw, chh = tw + 2 * pad, th + base + 2 * pad
    can = np.zeros((chh, cw), np.uint8)
    ox, oy = pad, pad + th
    cv2.putText(
        can, ch, (ox, oy), face, scale, 255, thick, cv2.LINE_AA if aa else cv2.LINE_8
    )
    a = can.astype(np.float32) / 255.0
    if not aa:
        a = (a >= 0.5).astype(np.float32)
    ys, xs = np.nonzero(a > 0)
    if len(ys) == 0:
        res = None
    else:
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        res = (np.ascontiguousarray(a[y0:y1, x0:x1]), int(x0 - ox), int(y0 - oy))
    _glyphs[key] = res
    return res


def cap_height(face, thick=1):
    g = glyph("H", face, 1.0, thick, True)
    return g[0].shape[0]


class Style:
    def __init__(self, face, scale, thick, aa):
        self.face, self.scale, self.thick, self.aa = face, scale, thick, aa


def layout(text, st: Style):
    """[(char, x_off, glyph)] for a line; x_off from cv2.getTextSize of the prefix,
    plus 1 px tracking per char while glyph inks would touch."""
    for track in range(4):
        items = []
        for i, c in enumerate(text):
            x = cv2.getTextSize(text[:i], st.face, st.scale, st.thick)[0][0] if i else 0
            x += track * i
            g = (
                glyph(c, st.face, st.scale, st.thick, st.aa)
                if not c.isspace()
                else None
            )
            items.append((c, x, g))
        gs = [(x + g[1], g[2], g[0]) for c, x, g in items if g is not None]
        if not gs:
            return items
        x0 = min(a for a, _, _ in gs)
        y0 = min(b for _, b, _ in gs)
        x1 = max(a + p.shape[1] for a, _, p in gs)
        y1 = max(b + p.shape[0] for _, b, p in gs)
        cnt = np.zeros((y1 - y0 + 2, x1 - x0 + 2), np.int16)
        for a, b, p in gs:
            # a 1-px dilated footprint: glyphs of one line never share or touch a pixel
            m = (p > 0).astype(np.uint8)
            m = cv2.dilate(np.pad(m, 1), np.ones((2, 2), np.uint8))
            cnt[b - y0 : b - y0 + m.shape[0], a - x0 : a - x0 + m.shape[1]] += m[
                : cnt.shape[0] - (b - y0), : cnt.shape[1] - (a - x0)
            ]
        if cnt.max() <= 1:
            return items
    return items


def extent(items):
    gs = [(x + g[1], g[2], g[0]) for c, x, g in items if g is not None]
    x0 = min(a for a, _, _ in gs)
    y0 = min(b for _, b, _ in gs)
    x1 = max(a + p.shape[1] for a, _, p in gs)
    y1 = max(b + p.shape[0] for _, b, p in gs)
    return x0, y0, x1, y1


# ---------------------------------------------------------------------------
# one file


class Canvas:
    def __init__(self, img: Img, R):
        self.img, self.R = img, R
        self.F, self.H, self.W = img.F, img.H, img.W
        self.work = img.arr.astype(np.float32)
        self.labels = np.zeros((self.F, self.H, self.W), np.uint16)
        self.occ = []
        self.lines = []
        self.nlab = 0
        self.dropped = []
        self.cursor = {}
        # text the source image already carries (bright thin strokes on a dark
        # ground, as on ultrasound screens): new text is not laid over it
        d = np.clip(img.display(self.work[0]) * 255, 0, 255).astype(np.uint8)
        ground = cv2.medianBlur(d, 15)
        thin = cv2.morphologyEx(d, cv2.MORPH_TOPHAT, np.ones((7, 7), np.uint8))
        self.busy = ((thin > 90) & (ground < 90)).astype(np.float32)
        self.strict = True
        self.busy_sum = cv2.integral(self.busy)

    def free(self, r):
        x0, y0, x1, y1 = r
        if x0 < 1 or y0 < 1 or x1 > self.W - 1 or y1 > self.H - 1:
            return False
        ii = self.busy_sum
        busy = ii[y1, x1] - ii[y0, x1] - ii[y1, x0] + ii[y0, x0]
        if self.strict and busy > 0.01 * (x1 - x0) * (y1 - y0):
            return False
        return all(
            x1 + 2 <= o[0] or o[2] + 2 <= x0 or y1 + 2 <= o[1] or o[3] + 2 <= y0
            for o in self.occ
        )

    def bg_display(self, r, frames):
        x0, y0, x1, y1 = r
        return self.img.display(self.work[:, y0:y1, x0:x1])

    def row_geometry(self, row, st, per_frame=None):
        """Layouts of the row's text(s): {text: items}, the segments' char spans."""
        texts = per_frame or {None: row}
        lay = {}
        for key, segs in texts.items():
            text = " ".join(s[0] for s in segs)
            lay[key] = (text, layout(text, st))
        return lay

    def place_row(self, row, st, x_anchor, y, anchor, top, colour, box, per_frame=None):
        """Draw one row; returns its height used (0 if dropped)."""
        lay = self.row_geometry(row, st, per_frame)
        ex = [extent(items) for _, items in lay.values()]
        ex0 = min(e[0] for e in ex)
        ey0 = min(e[1] for e in ex)
        ex1 = max(e[2] for e in ex)
        ey1 = max(e[3] for e in ex)
        asc = cap_height(st.face, st.thick) * st.scale
        pad = max(2, round(0.25 * asc)) if box else 0
        if anchor == "l":
            ox = x_anchor + pad - ex0
        elif anchor == "r":
            ox = x_anchor - pad - ex1
        else:
            ox = x_anchor - (ex0 + ex1) // 2
        base = y + pad - ey0 if top else y - pad - ey1
        rect = (
            int(ox + ex0 - pad),
            int(base + ey0 - pad),
            int(ox + ex1 + pad),
            int(base + ey1 + pad),
        )
        if not self.free(rect):
            return None
        frames = list(range(self.F))
        self.occ.append(rect)
        img = self.img
        # colour choice, checked against the background it lands on
        bgd = self.bg_display(rect, frames)
        bgm = float(bgd.mean())
        mode, val = colour
        faint = mode == "faint"
        if box:
            fill = (
                img.darkest()
                if img.kind != "gray"
                else img.stored_for(self.R.uniform(0.0, 0.08))
            )
            for f in frames:
                self.work[f, rect[1] : rect[3], rect[0] : rect[2]] = fill
            bgm = img.display_of(fill)
        if faint:
            if box or img.kind == "palette":
                faint = False
                val = img.brightest()
            else:
                # faint, yet above (below) 95 % of the background it lands on
                delta = self.R.uniform(0.07, 0.11)
                p95, p05 = float(np.percentile(bgd, 95)), float(np.percentile(bgd, 5))
                d = p95 + delta if p95 + delta <= 1.0 else p05 - delta
                if d < 0.0:
                    faint = False
                    val = img.brightest() if bgm < 0.5 else img.darkest()
                else:
                    val = img.stored_for(d)
        if not faint:
            cl = img.display_of(val)
            p95 = float(np.percentile(bgd, 95)) if not box else bgm
            p05 = float(np.percentile(bgd, 5)) if not box else bgm
            weak = (
                abs(cl - bgm) < 0.3
                or (cl > bgm and cl - p95 < 0.1)
                or (cl < bgm and p05 - cl < 0.1)
            )
            if weak:
                val = img.brightest() if bgm < 0.5 else img.darkest()
                cl = img.display_of(val)
                weak = (
                    abs(cl - bgm) < 0.3
                    or (cl > bgm and cl - p95 < 0.1)
                    or (cl < bgm and p05 - cl < 0.1)
                )
                if weak and not box:  # busy background: put a dark rectangle under it
                    fill = img.darkest()
                    for f in frames:
                        self.work[f, rect[1] : rect[3], rect[0] : rect[2]] = fill
                    val = img.brightest()
        val = np.asarray(val, np.float32)
        # draw and label, char by char; identical glyphs on several frames share a label
        keys = {}
        seg_lines = {}
        for f in frames:
            key = f if per_frame else None
            _text, items = lay[key]
            segs = per_frame[f] if per_frame else row
            # char index -> segment index
            owner = []
            for si, s in enumerate(segs):
                owner += [si] * len(s[0])
                if si < len(segs) - 1:
                    owner.append(-1)
            for ci, (c, x, g) in enumerate(items):
                if g is None:
                    continue
                si = owner[ci]
                seg = segs[si]
                px, py = int(ox + x + g[1]), int(base + g[2])
                a = g[0]
                gh, gw = a.shape
                reg = self.work[f, py : py + gh, px : px + gw]
                if img.kind == "palette":
                    reg[a > 0] = val
                elif img.kind == "rgb":
                    reg *= 1 - a[..., None]
                    reg += a[..., None] * val
                else:
                    reg *= 1 - a
                    reg += a * val
                ck = (si, c, px, py)
                if ck not in keys:
                    self.nlab += 1
                    keys[ck] = self.nlab
                labv = keys[ck]
                self.labels[f, py : py + gh, px : px + gw][a > 0] = labv
                lk = (si, seg[0]) if not per_frame else (si, "per-frame")
                line = seg_lines.get(lk)
                if line is None:
                    line = seg_lines[lk] = {
                        "text": seg[0],
                        "phi": seg[1],
                        "entity_type": seg[2],
                        "kind": seg[3],
                        "chars": {},
                        "faint": faint,
                    }
                ch = line["chars"].setdefault(
                    labv, {"label": labv, "char": c, "frames": []}
                )
                if f not in ch["frames"]:
                    ch["frames"].append(f)
        self.lines.extend(seg_lines.values())
        return rect[3] - rect[1]

    def block(self, rows, corner, st, colour, box, margin, gap):
        """Rows stacked from a corner / edge; corner in tl tr bl br tc bc lm rm."""
        top = corner[0] == "t"
        if corner in ("lm", "rm"):
            anchor = "l" if corner == "lm" else "r"
            x = margin if anchor == "l" else self.W - margin
            y = self.H // 2 - 8
            top = True
        else:
            anchor = {"l": "l", "r": "r", "c": "c"}[corner[1]]
            x = (
                margin
                if anchor == "l"
                else (self.W - margin if anchor == "r" else self.W // 2)
            )
            y = margin if top else self.H - margin
        y = self.cursor.get(corner, y)  # continue below (above) what is there
        seq = rows if top else list(reversed(rows))
        placed = 0
        for item in seq:
            row, per_frame = item if isinstance(item, tuple) else (item, None)
            used = None
            s = st
            step = max(2, int(cap_height(st.face, st.thick) * st.scale * 0.6))
            # where the row does not fit, slide it along the stack a little, then
            # make it smaller; last, put it over text the image already has
            for strict in (True, False):
                self.strict = strict
                s = st
                for _ in range(3):
                    for shift in range(6 if strict else 1):
                        yy = y + shift * step if top else y - shift * step
                        # over existing text: on a filled rectangle, as vendor overlays
                        used = self.place_row(
                            row,
                            s,
                            x,
                            yy,
                            anchor,
                            top,
                            colour,
                            box or not strict,
                            per_frame,
                        )
                        if used:
                            y = yy
                            break
                    if used:
                        break
                    s = Style(s.face, s.scale * 0.82, max(1, s.thick - 1), s.aa)
                if used:
                    break
            self.strict = True
            if not used:
                self.dropped.append(
                    " ".join(t[0] for t in (per_frame[0] if per_frame else row))
                )
                continue
            placed += 1
            y = y + used + gap if top else y - used - gap
        self.cursor[corner] = y
        return placed

    def scale_bar(self, st, colour_val, margin):
        """A scale bar graphic (not text) with its "10 cm" label under it, bottom right."""
        label = [ann(self.R.choice(["10 cm", "5 cm", "1 cm", "10cm"]))]
        blen = int(self.W * self.R.uniform(0.08, 0.14))
        x1 = self.W - margin - int(self.W * 0.25)
        y = self.H - margin
        used = self.place_row(
            label, st, x1, y, "r", False, ("white", colour_val), False
        )
        if not used:
            return
        ybar = y - used - 4
        r = (x1 - blen, ybar - 4, x1 + 1, ybar + 2)
        if self.free(r):
            self.occ.append(r)
            v = self.img.brightest()
            for f in range(self.F):
                self.work[f, ybar, x1 - blen : x1] = v
                self.work[f, ybar - 3 : ybar + 1, x1 - blen] = v
                self.work[f, ybar - 3 : ybar + 1, x1 - 1] = v

    def finish(self):
        """Truth lines with exact char boxes from the label map, and stored pixels."""
        out = []
        for ln in self.lines:
            chars = []
            for labv, c in sorted(ln["chars"].items()):
                f = c["frames"][0]
                ys, xs = np.nonzero(self.labels[f] == labv)
                if len(ys) == 0:
                    continue
                chars.append(
                    {
                        "label": int(labv),
                        "char": c["char"],
                        "frames": sorted(c["frames"]),
                        "box": [
                            int(xs.min()),
                            int(ys.min()),
                            int(xs.max() - xs.min() + 1),
                            int(ys.max() - ys.min() + 1),
                        ],
                    }
                )
            if not chars:
                continue
            x0 = min(c["box"][0] for c in chars)
            y0 = min(c["box"][1] for c in chars)
            x1 = max(c["box"][0] + c["box"][2] for c in chars)
            y1 = max(c["box"][1] + c["box"][3] for c in chars)
            out.append(
                {
                    "id": len(out),
                    "text": ln["text"],
                    "phi": bool(ln["phi"]),
                    "entity_type": ln["entity_type"],
                    "kind": ln["kind"],
                    "frames": sorted({f for c in chars for f in c["frames"]}),
                    "region": [x0, y0, x1 - x0, y1 - y0],
                    "chars": chars,
                }
            )
        img = self.img
        st = np.rint(self.work)
        if img.kind == "palette":
            st = np.clip(st, 0, 65535 if img.arr.dtype.itemsize == 2 else 255)
        elif img.kind == "rgb":
            st = np.clip(st, 0, img.top)
        else:
            st = np.clip(st, img.lo, img.hi)
        return out, st.astype(img.arr.dtype)


def contrasts(lines, labels, disp):
    """Per char, first frame: |mean ink - mean background in its box + 1 px| (as evaluate)."""
    H, W = labels.shape[1:]
    res = []
    for ln in lines:
        for c in ln["chars"]:
            f = c["frames"][0]
            x, y, w, h = c["box"]
            y0, y1, x0, x1 = (
                max(0, y - 1),
                min(H, y + h + 1),
                max(0, x - 1),
                min(W, x + w + 1),
            )
            lb = labels[f, y0:y1, x0:x1]
            d = disp[f, y0:y1, x0:x1]
            ink, bg = lb == c["label"], lb == 0
            if ink.any() and bg.any():
                res.append((abs(float(d[ink].mean()) - float(d[bg].mean())), ln["id"]))
    return res


def pick_style(R, H0, palette=False):
    face = R.choices([f for f, _ in FACES], weights=[w for _, w in FACES])[0]
    target = R.uniform(max(7.0, 0.022 * H0), max(10.0, 0.042 * H0))
    target = min(target, R.uniform(26, 40))
    thick = 1
    if target > 16 and R.random() < 0.5:
        thick = 2
    if target > 28 and R.random() < 0.3:
        thick = 3
    scale = target / cap_height(face, 1)
    aa = R.random() < 0.7 and not palette  # palette indices are not blended
    return Style(face, round(scale, 3), thick, aa)


def pick_colour(R, img: Img):
    u = R.random()
    if u < 0.55:
        return ("white", img.brightest())
    if u < 0.70:
        return ("imgmax", img.image_max())
    if u < 0.82:
        g = R.uniform(0.6, 0.8)
        return ("grey", img.stored_for(g))
    if u < 0.88:
        return ("dark", img.stored_for(R.uniform(0.0, 0.1)))
    if img.kind in ("rgb", "palette"):
        rgb = R.choice(
            [(1.0, 1.0, 0.3), (0.4, 1.0, 0.4), (0.4, 0.95, 1.0), (1.0, 0.7, 0.2)]
        )
        return (
            "colour",
            img.stored_for(float(np.dot(rgb, [0.299, 0.587, 0.114])), rgb=rgb),
        )
    return ("white", img.brightest())


def make_file(R, idx, src_name, src_path, out_dir):
    ds, arr, kind = load_source(src_path)
    src_ts = str(ds.file_meta.TransferSyntaxUID.name)
    src_pi = str(ds.PhotometricInterpretation)
    src_frames = int(ds.get("NumberOfFrames") or 1)
    arr, k = upscale(arr, kind)
    ds = to_little_endian(ds)  # pydicom reads big-endian palette LUTs wrongly
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    img = Img(ds, arr, kind)
    cv = Canvas(img, R)
    p = Identity(R)
    modality = str(ds.get("Modality") or "OT")
    H0 = min(img.H, img.W)
    margin = max(2, round(R.uniform(0.01, 0.03) * H0))
    base_style = pick_style(R, H0, kind == "palette")
    base_colour = pick_colour(R, img)

    def vary(st, col):
        s, c = st, col
        if R.random() < 0.3:
            s = pick_style(R, H0, kind == "palette")
        if R.random() < 0.25:
            c = pick_colour(R, img)
        if R.random() < 0.05:
            c = ("faint", None)
        return s, c

    pat, study = identity_rows(R, p)
    others = other_phi_rows(R)
    anns = [[ann(t)] for t in annotation_texts(R, modality)]
    corners = ["tl", "tr", "bl", "br"]
    R.shuffle(corners)
    if R.random() < 0.6:  # the notebooks' favourite: patient top left
        corners.remove("tl")
        corners.insert(0, "tl")
    blocks = [(pat, corners[0]), (study, corners[1])]
    n_ann = len(anns)
    split = R.randrange(0, n_ann + 1)
    blocks.append((anns[:split] + (others if R.random() < 0.5 else []), corners[2]))
    rest = anns[split:]
    if others and not any(o in b[0] for b in blocks for o in others):
        rest = rest + others
    blocks.append((rest, corners[3]))
    gap = max(1, round(0.35 * cap_height(base_style.face) * base_style.scale))
    boxed_all = R.random() < 0.2
    for rows, corner in blocks:
        if not rows:
            continue
        st, col = vary(base_style, base_colour)
        box = boxed_all or R.random() < 0.12
        if col[0] == "dark" and box:
            col = ("white", img.brightest())
        cv.block(rows, corner, st, col, box, margin, gap)
    # orientation letters on the edges
    if R.random() < 0.7:
        st = Style(
            base_style.face,
            base_style.scale * R.uniform(1.0, 1.4),
            base_style.thick,
            base_style.aa,
        )
        pairs = R.choice([("L", "R"), ("R", "L"), ("A", "P")])
        cv.block([[ann(pairs[0])]], "lm", st, base_colour, False, margin, gap)
        cv.block([[ann(pairs[1])]], "rm", st, base_colour, False, margin, gap)
        if R.random() < 0.4:
            tb = R.choice([("A", "P"), ("H", "F"), ("S", "I")])
            cv.block([[ann(tb[0])]], "tc", st, base_colour, False, margin, gap)
            cv.block([[ann(tb[1])]], "bc", st, base_colour, False, margin, gap)
    if R.random() < 0.35:
        cv.scale_bar(base_style, img.brightest(), margin)
    if img.F > 1 and R.random() < 0.75:
        nf = img.F
        per = {f: [ann(f"Fr {f + 1}/{nf}")] for f in range(nf)}
        wheres = ["bc", "tc", "br", "bl", "tr", "tl"]
        R.shuffle(wheres)
        for where in wheres:
            if cv.block(
                [([ann("x")], per)], where, base_style, base_colour, False, margin, gap
            ):
                break
        cv.dropped = [d for d in cv.dropped if not d.startswith("Fr ")] + (
            [] if any(ln["text"].startswith("Fr ") for ln in cv.lines) else ["Fr 1/.."]
        )
    lines, stored = cv.finish()

    # ---- header
    pi = "RGB" if kind == "rgb" else src_pi
    sop_class = ds.get("SOPClassUID") or "1.2.840.10008.5.1.4.1.1.7"
    sop_uid = "2.25." + str(R.getrandbits(120))
    fm = FileMetaDataset()
    fm.MediaStorageSOPClassUID = sop_class
    fm.MediaStorageSOPInstanceUID = sop_uid
    fm.TransferSyntaxUID = ExplicitVRLittleEndian
    fm.ImplementationClassUID = "2.25.8761490233051286436601874620941356213"
    fm.ImplementationVersionName = "NOTEBOOK_GEN"
    ds.file_meta = fm
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = "2.25." + str(R.getrandbits(120))
    ds.SeriesInstanceUID = "2.25." + str(R.getrandbits(120))
    ds.Modality = modality
    ds.PatientName = p.dcm_name
    ds.PatientID = p.mrn
    ds.PatientBirthDate = p.birth.strftime("%Y%m%d")
    ds.PatientSex = p.sex
    ds.StudyDate = p.study.strftime("%Y%m%d")
    ds.StudyTime = p.study.strftime("%H%M%S")
    for kw in ("SeriesDate", "AcquisitionDate", "ContentDate"):
        if kw in ds:
            setattr(ds, kw, ds.StudyDate)
    ds.InstitutionName = p.inst
    ds.ReferringPhysicianName = p.dcm_ref
    ds.AccessionNumber = p.acc
    ds.BurnedInAnnotation = "YES"
    ds.PhotometricInterpretation = pi
    ds.SamplesPerPixel = 3 if kind == "rgb" else 1
    if kind == "rgb":
        ds.PlanarConfiguration = 0
    elif "PlanarConfiguration" in ds:
        del ds.PlanarConfiguration
    ds.Rows, ds.Columns = img.H, img.W
    for kw in (
        "IconImageSequence",
        "SmallestImagePixelValue",
        "LargestImagePixelValue",
        "ExtendedOffsetTable",
        "ExtendedOffsetTableLengths",
        "DataSetTrailingPadding",
        "PixelDataProviderURL",
    ):
        if kw in ds:
            del ds[kw]
    if k > 1:
        for kw in ("PixelSpacing", "ImagerPixelSpacing", "NominalScannedPixelSpacing"):
            if kw in ds and ds[kw].value:
                setattr(ds, kw, [f"{float(v) / k:.6g}" for v in ds[kw].value])
        for kw in ("SequenceOfUltrasoundRegions",):
            if kw in ds:
                del ds[kw]
        overlays = [e.tag for e in ds if 0x6000 <= e.tag.group <= 0x601E]
        for tag in overlays:
            if tag.group % 2 == 0:
                del ds[tag]
    if src_frames > 1 or "NumberOfFrames" in ds:
        ds.NumberOfFrames = img.F
        if "PerFrameFunctionalGroupsSequence" in ds:
            ds.PerFrameFunctionalGroupsSequence = ds.PerFrameFunctionalGroupsSequence[
                : img.F
            ]
        if "FrameTimeVector" in ds:
            ds.FrameTimeVector = list(ds.FrameTimeVector)[: img.F]
    px = stored if img.F > 1 else stored[0]
    le = px.astype(px.dtype.newbyteorder("<"))
    ds.PixelData = le.tobytes()
    ds["PixelData"].VR = "OW" if px.dtype.itemsize == 2 else "OB"
    ds["PixelData"].is_undefined_length = False

    folder = re.sub(r"[^A-Za-z0-9]", "", modality) or "OT"
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", os.path.splitext(src_name)[0])
    rel = f"{folder}/{idx:03d}_{stem}.dcm"
    path = os.path.join(out_dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pydicom.dcmwrite(path, ds, enforce_file_format=True)
    np.savez_compressed(path[: -len(".dcm")] + ".truth.npz", labels=cv.labels)

    disp = img.display(stored)
    cons = contrasts(lines, cv.labels, disp)
    faint_ids = {i for i, ln in enumerate(cv.lines) if ln.get("faint")}
    meta = {
        "path": rel,
        "modality": modality,
        "photometric": pi,
        "bits_allocated": int(ds.BitsAllocated),
        "bits_stored": int(ds.get("BitsStored") or ds.BitsAllocated),
        "signed": bool(int(ds.get("PixelRepresentation") or 0)),
        "transfer_syntax": str(ExplicitVRLittleEndian),
        "transfer_syntax_wanted": str(ExplicitVRLittleEndian),
        "frames": img.F,
        "rows": img.H,
        "cols": img.W,
        "source": src_name,
        "source_transfer_syntax": src_ts,
        "source_photometric": src_pi,
        "source_frames": src_frames,
        "upscale": k,
        "header_identity": p.header_strings(),
        "lines": lines,
    }
    diag = {
        "min_contrast": min((c for c, _ in cons), default=None),
        "low": sum(1 for c, _ in cons if c < 0.08),
        "invisible": sum(1 for c, _ in cons if c < 0.03),
        "dropped": cv.dropped,
        "faint": len(faint_ids),
    }
    return meta, diag


def to_little_endian(ds):
    """A plain Dataset with the source's elements; values of big-endian sources
    converted (OW/OF/OL/OD/OV byte-swapped, UN dropped)."""
    big = ds.original_encoding is not None and ds.original_encoding[1] is False
    sizes = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}

    def convert(src):
        new = Dataset()
        for elem in src:
            if elem.tag == 0x7FE00010:
                continue
            if elem.VR == "SQ":
                from pydicom.sequence import Sequence

                elem.value = Sequence([convert(it) for it in elem.value])
            elif (
                big and elem.VR in sizes and isinstance(elem.value, (bytes, bytearray))
            ):
                n = sizes[elem.VR]
                v = bytes(elem.value)
                v = v[: len(v) - len(v) % n]
                elem.value = np.frombuffer(v, f">u{n}").astype(f"<u{n}").tobytes()
            elif big and elem.VR == "UN":
                continue
            new.add(elem)
        return new

    return convert(ds)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--list-sources",
        action="store_true",
        help="print the source files used and skipped",
    )
    args = ap.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        order, skipped, paths = list_sources()
    if args.list_sources or not args.out:
        print("used, in this order:")
        for n in order:
            print("  ", n)
        print("skipped:")
        for n, why in sorted(skipped.items()):
            print(f"   {n}: {why}")
        return 0
    if not order:
        print("no usable pydicom test image found", file=sys.stderr)
        return 1
    if "US1_UNCR.dcm" not in order:
        print(
            "note: pydicom-data is not installed; only pydicom's bundled files are used",
            file=sys.stderr,
        )
    os.makedirs(args.out, exist_ok=True)
    files = []
    logging.disable(logging.WARNING)
    for i in range(args.n):
        name = order[i % len(order)]
        R = random.Random(f"notebook:{args.seed}:{i}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            meta, diag = make_file(R, i, name, paths[name], args.out)
        files.append(meta)
        nphi = sum(ln["phi"] for ln in meta["lines"])
        print(
            f"{meta['path']}: {meta['photometric']} {meta['frames']}f {meta['rows']}x{meta['cols']} "
            f"x{meta['upscale']} lines={len(meta['lines'])} phi={nphi} min_contrast={diag['min_contrast']:.3f} "
            f"low={diag['low']} invisible={diag['invisible']} faint_lines={diag['faint']} dropped={diag['dropped']}",
            file=sys.stderr,
        )
    truth = {
        "version": 1,
        "seed": args.seed,
        "n": len(files),
        "label_rule": "coverage > 0",
        "fonts": "opencv-putText",
        "opencv": cv2.__version__,
        "generator": "scripts/notebook/gen.py",
        "sources_used": order,
        "sources_skipped": skipped,
        "files": files,
    }
    with open(os.path.join(args.out, "truth.json"), "w") as fh:
        json.dump(truth, fh, indent=1)
    n_lines = sum(len(f["lines"]) for f in files)
    n_phi = sum(ln["phi"] for f in files for ln in f["lines"])
    print(
        f"{len(files)} files, {n_lines} text lines ({n_phi} PHI) in {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
