"""A generated corpus of bad (and awkward but valid) DICOM inputs.

Every file is built in memory with pydicom and numpy; every identity is invented.
:func:`corpus` returns :class:`BadInput` items, each with the outcome the plugin must
give it:

``failed``
    the plugin must refuse to redact it (status ``failed``, a reason code, no copy);
``skipped``
    nothing to redact (status ``skipped``, a reason code, no copy);
``done``
    valid, if unusual: redacted normally, and the identity must be gone from the
    copy's header (decoded in the copy's character set);
``rejected``
    Orthanc itself refuses the upload with a 4xx (``Bad file format``, ``Inexistent
    tag``: found by uploading to Orthanc 1.10.1) and stores nothing; given to
    :func:`plugin.adapter.process.redact_bytes` directly (as ``POST /redaction/redact``
    does), such bytes must give ``failed``.

``reason`` is the expected reason code when one is certain (``limit``,
``no-pixel-data``, ``unreadable``...), ``None`` when any clear code will do.
``secrets`` are the identity strings of that item (PatientName parts, IDs...);
:data:`IDENTITY_STRINGS` holds those of the whole corpus: no report, message or
status of any item may contain one of them.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from dicomgen import make_dataset
from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_fragmented_frames
from pydicom.sequence import Sequence
from pydicom.tag import Tag
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLosslessSV1,
    JPEGLSLossless,
    RLELossless,
)

from plugin.core.pixels import encode_as

__all__ = [
    "CATEGORIES",
    "IDENTITY_STRINGS",
    "BadInput",
    "corpus",
    "identity_in_copy",
    "identity_in_text",
    "unit_expect",
]

EXPECTS = ("failed", "skipped", "done", "rejected")
CATEGORIES = (
    "truncated",
    "pixel-data",
    "geometry",
    "frames",
    "codec",
    "syntax",
    "bomb",
    "non-image",
    "header",
    "charset",
)

UID_ROOT = "1.2.826.0.1.3680043.8.498.7713"

# Strings make_dataset adds to every image besides the identity we pass it.
_DICOMGEN_STRINGS = ("DOE^JANE PRIVATE", "NESTED-PID-5512", "ACC-NESTED-77")


@dataclass(frozen=True)
class BadInput:
    """One corpus item: a file and what the plugin must make of it."""

    name: str
    data: bytes
    expect: str
    category: str
    reason: str | None = None
    secrets: tuple[str, ...] = ()
    note: str = ""
    codec: str | None = None
    """Python codec of the identity's bytes in the file (non-ASCII names)."""

    def __post_init__(self) -> None:
        assert self.expect in EXPECTS, self.expect
        assert self.category in CATEGORIES, self.category


def case_params(items: list[BadInput], known_bugs: dict[str, str]) -> list[Any]:
    """pytest parameters, one per input by name; a known bug is a strict xfail."""
    import pytest

    return [
        pytest.param(
            item.name,
            id=item.name,
            marks=[pytest.mark.xfail(strict=True, reason=known_bugs[item.name])]
            if item.name in known_bugs
            else [],
        )
        for item in items
    ]


def unit_expect(item: BadInput) -> str:
    """The status :func:`redact_bytes` must answer (``rejected`` -> ``failed``)."""
    return "failed" if item.expect == "rejected" else item.expect


def identity_in_text(text: str) -> list[str]:
    """Identity strings of the corpus found in ``text`` (case-insensitive)."""
    upper = text.upper()
    return [s for s in IDENTITY_STRINGS if s.upper() in upper]


def identity_in_copy(item: BadInput, data: bytes) -> list[str]:
    """Secrets of ``item`` left in a redacted copy ``data``.

    Looked for in the header as pydicom decodes it (the copy's own Specific Character
    Set) and in the raw bytes, encoded as ASCII, Latin-1, UTF-8 and the item's codec.
    """
    copy = dcmread(io.BytesIO(data))
    decoded = str(copy).upper()
    for elem in copy.iterall():
        if elem.VR == "PN" and elem.value:
            decoded += "\n" + str(elem.value).upper()
    found = [s for s in item.secrets if s.upper() in decoded]
    codecs = {"ascii", "latin-1", "utf-8"} | ({item.codec} if item.codec else set())
    for secret in item.secrets:
        for codec in codecs:
            try:
                raw = secret.encode(codec)
            except (UnicodeEncodeError, LookupError):
                continue
            if len(raw) >= 4 and raw in data and secret not in found:
                found.append(secret)
    return found


# ---- identities -----------------------------------------------------------------------
_SURNAMES = (
    "QUORVALE",
    "BRANTISKY",
    "MELLOWHEN",
    "TARKWIDGE",
    "FENNIMORROW",
    "OSSELBRINK",
    "PALTHARION",
    "WYNDCASTER",
    "GRISTLEMEAD",
    "HOLLOVEIN",
    "ZANDERWICK",
    "CROWTHERLY",
    "BLEVINSHAW",
    "MARROWDALE",
    "PENDLEGAST",
    "STROMQUILL",
    "VESPERTINE",
    "ASHGROVEN",
    "DUNMARROW",
    "KEELHAVEN",
)
_GIVEN = (
    "ALBRECHTA",
    "BERTILDON",
    "CORISANDE",
    "DORVALINE",
    "EMBERLYNN",
    "FAUSTINE",
    "GWENDOLAH",
    "HORATIAN",
    "ISOLDINE",
    "JASPERINE",
)


class _Ids:
    """Unique invented identities and UIDs, one per corpus item."""

    def __init__(self) -> None:
        self.n = 0
        self.all: list[str] = list(_DICOMGEN_STRINGS)

    def next(self, name: str | None = None) -> tuple[dict[str, Any], tuple[str, ...]]:
        self.n += 1
        n = self.n
        if name is None:
            surname = _SURNAMES[n % len(_SURNAMES)]
            given = _GIVEN[(n // len(_SURNAMES) + n) % len(_GIVEN)]
            name = f"{surname}{n:02d}^{given}"
        identity = {
            "PatientName": name,
            "PatientID": f"BADPID{n:04d}X",
            "PatientBirthDate": "19710503",
            "AccessionNumber": f"BADACC{n:04d}",
            "InstitutionName": f"Quillfeather Infirmary {n:02d}",
            "ReferringPhysicianName": f"VANTERPOOL{n:02d}^OSWIN",
            "StudyDate": "20230102",
            "StudyTime": "093000",
            "StudyID": f"BADSTY{n:04d}",
        }
        secrets = tuple(
            s
            for s in [
                *_name_parts(name),
                identity["PatientID"],
                identity["AccessionNumber"],
                identity["InstitutionName"],
                f"VANTERPOOL{n:02d}",
                identity["StudyID"],
            ]
            if _distinctive(s)
        )
        self.all.extend(secrets)
        return identity, secrets

    def uids(self) -> dict[str, str]:
        n = self.n
        return {
            "study_uid": f"{UID_ROOT}.{n}.1",
            "series_uid": f"{UID_ROOT}.{n}.2",
            "sop_uid": f"{UID_ROOT}.{n}.3",
        }


def _distinctive(text: str) -> bool:
    """Long enough not to occur by chance: 4 ASCII characters, or 2 others (CJK
    given names and surnames are often two characters)."""
    return len(text) >= (4 if text.isascii() else 2)


def _name_parts(name: str) -> list[str]:
    parts: list[str] = []
    for group in name.split("="):
        for part in group.split("^"):
            if part.strip():
                parts.append(part.strip())
    return parts


# ---- building blocks -----------------------------------------------------------------
def _save(ds: Dataset, *, enforce: bool = True) -> bytes:
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=enforce)
    return buf.getvalue()


def _image(
    ids: _Ids,
    *,
    name: str | None = None,
    photometric: str = "MONOCHROME2",
    bits: int = 8,
    frames: int = 1,
    rows: int = 64,
    cols: int = 64,
    ts: str = ExplicitVRLittleEndian,
    text: str | None = None,
) -> tuple[Dataset, tuple[str, ...]]:
    identity, secrets = ids.next(name)
    ds = make_dataset(
        photometric,
        bits,
        bits,
        False,
        frames,
        rows,
        cols,
        ts,
        text,
        identity=identity,
        **ids.uids(),
    )
    return ds, secrets


def _raw(ds: Dataset, tag: int, vr: str, value: bytes) -> None:
    """Put ``value`` into ``ds`` as is (no validation: VR violations on purpose)."""
    if len(value) % 2:
        value += b" " if vr not in ("OB", "UN", "UI") else b"\x00"
    ds[tag] = RawDataElement(Tag(tag), vr, len(value), value, 0, False, True)


def _fragments(ds: Dataset) -> list[bytes]:
    frames = ds.get("NumberOfFrames") or 1
    return [
        b"".join(f)
        for f in generate_fragmented_frames(ds.PixelData, number_of_frames=frames)
    ]


def _set_fragments(ds: Dataset, frags: list[bytes], ts: str | None = None) -> None:
    ds.PixelData = encapsulate(frags)
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    if ts is not None:
        ds.file_meta.TransferSyntaxUID = ts


def _swap_syntax(data: bytes, ts: str) -> bytes:
    """``data`` with another Transfer Syntax UID in its file meta, body unchanged."""
    from pydicom.filewriter import write_file_meta_info

    meta_end = 132 + 12 + struct.unpack("<I", data[140:144])[0]
    meta = dcmread(io.BytesIO(data), stop_before_pixels=True).file_meta
    meta.TransferSyntaxUID = ts
    buf = io.BytesIO()
    write_file_meta_info(buf, meta, enforce_standard=True)
    return data[:132] + buf.getvalue() + data[meta_end:]


def _burned(text: str, rows: int, cols: int, top: int) -> np.ndarray:
    """One 8-bit frame, dark, with ``text`` in large white letters at row ``top``."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (cols, rows), 20)
    ImageDraw.Draw(image).text(
        (8, top), text.replace("^", " "), fill=255, font=ImageFont.load_default(size=18)
    )
    return np.asarray(image)[None].copy()


def _garbage(n: int, seed: int) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


def _non_image(
    ids: _Ids, sop_class: str, modality: str
) -> tuple[Dataset, tuple[str, ...]]:
    identity, secrets = ids.next()
    uids = ids.uids()
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = uids["sop_uid"]
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = uids["sop_uid"]
    ds.StudyInstanceUID = uids["study_uid"]
    ds.SeriesInstanceUID = uids["series_uid"]
    ds.Modality = modality
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    for keyword, value in identity.items():
        setattr(ds, keyword, value)
    return ds, secrets


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


# ---- the corpus -----------------------------------------------------------------------
def corpus() -> list[BadInput]:
    """Every bad input, deterministic (same bytes on every call)."""
    ids = _Ids()
    items: list[BadInput] = []

    def add(
        name: str,
        category: str,
        expect: str,
        build: Callable[[], tuple[bytes, tuple[str, ...]]],
        reason: str | None = None,
        note: str = "",
    ) -> None:
        data, secrets = build()
        items.append(BadInput(name, data, expect, category, reason, secrets, note))

    _truncated(add, ids)
    _pixel_data(add, ids)
    _geometry(add, ids)
    _frames(add, ids)
    _codec(add, ids)
    _syntax(add, ids)
    _bombs(add, ids)
    _non_images(add, ids)
    _header(add, ids)
    _charsets(items, ids)

    names = [i.name for i in items]
    assert len(names) == len(set(names)), "corpus names must be unique"
    IDENTITY_STRINGS[:] = sorted(set(ids.all))
    return items


IDENTITY_STRINGS: list[str] = []
"""Identity strings of the whole corpus (filled by :func:`corpus`)."""


Adder = Callable[..., None]


# -- truncated files and things that are not DICOM at all -----------------------------
def _truncated(add: Adder, ids: _Ids) -> None:
    def cut_header() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        return _save(ds)[:400], s

    def cut_native_pixels() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        data = _save(ds)
        return data[: len(data) - len(ds.PixelData) // 2], s

    def cut_jpeg_fragment() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=JPEGBaseline8Bit)
        data = _save(ds)
        return data[: len(data) - len(ds.PixelData) // 2], s

    def cut_j2k_delimiter() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=JPEG2000Lossless)
        return _save(ds)[:-8], s  # the sequence delimiter item is gone

    def preamble_only() -> tuple[bytes, tuple[str, ...]]:
        return b"\x00" * 128 + b"DICM", ()

    def meta_only() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        data = _save(ds)
        meta_end = 132 + 12 + struct.unpack("<I", data[140:144])[0]
        return data[:meta_end], s

    def empty() -> tuple[bytes, tuple[str, ...]]:
        return b"", ()

    def text() -> tuple[bytes, tuple[str, ...]]:
        return b"This is a plain text report, not DICOM.\n" * 20, ()

    def png() -> tuple[bytes, tuple[str, ...]]:
        import cv2

        ok, buf = cv2.imencode(".png", np.zeros((32, 32), np.uint8))
        assert ok
        return buf.tobytes(), ()

    def garbage_after_magic() -> tuple[bytes, tuple[str, ...]]:
        return b"\x00" * 128 + b"DICM" + _garbage(3000, 1), ()

    add("truncated-in-header", "truncated", "rejected", cut_header, "unreadable")
    add("truncated-native-pixel-data", "truncated", "rejected", cut_native_pixels)
    add(
        "truncated-jpeg-fragment",
        "truncated",
        "rejected",
        cut_jpeg_fragment,
        "unreadable",
    )
    add(
        "truncated-j2k-no-delimiter",
        "truncated",
        "rejected",
        cut_j2k_delimiter,
        "unreadable",
    )
    add("preamble-only", "truncated", "rejected", preamble_only, "unreadable")
    add("file-meta-only", "truncated", "rejected", meta_only, "unreadable")
    add("empty-file", "truncated", "rejected", empty, "unreadable")
    add("plain-text", "truncated", "rejected", text, "unreadable")
    add("png-image", "truncated", "rejected", png, "unreadable")
    add(
        "garbage-after-dicm", "truncated", "rejected", garbage_after_magic, "unreadable"
    )


# -- missing, short, long Pixel Data ----------------------------------------------------
def _pixel_data(add: Adder, ids: _Ids) -> None:
    def missing() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        del ds.PixelData
        return _save(ds), s

    def short() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        ds.PixelData = ds.PixelData[: len(ds.PixelData) // 3]
        return _save(ds), s

    def empty() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        ds.PixelData = b""
        return _save(ds), s

    def too_long() -> tuple[bytes, tuple[str, ...]]:
        # A hidden second frame behind a single-frame header.
        ds, s = _image(ids)
        ds.PixelData = ds.PixelData * 2
        return _save(ds), s

    def no_fragments() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=JPEGBaseline8Bit)
        # Basic Offset Table item only, then the sequence delimiter.
        ds.PixelData = (
            b"\xfe\xff\x00\xe0\x00\x00\x00\x00" + b"\xfe\xff\xdd\xe0" + bytes(4)
        )
        return _save(ds), s

    def float_pixels() -> tuple[bytes, tuple[str, ...]]:
        # An image whose pixels are Float Pixel Data (Parametric Map style).
        ds, s = _image(ids)
        del ds.PixelData
        ds.BitsAllocated = 32
        ds.BitsStored = 32
        del ds.HighBit
        del ds.PixelRepresentation
        ds.FloatPixelData = np.ones((64, 64), "<f4").tobytes()
        ds["FloatPixelData"].VR = "OF"
        return _save(ds), s

    # An image SOP class without Pixel Data is what a file cut short looks like:
    # nothing vouches for it, so it fails (non-image objects are skipped).
    add("no-pixel-data", "pixel-data", "failed", missing, "unreadable")
    add("pixel-data-short", "pixel-data", "failed", short, "unsupported")
    add("pixel-data-empty", "pixel-data", "failed", empty, "unsupported")
    add(
        "pixel-data-hidden-extra-frame", "pixel-data", "failed", too_long, "unsupported"
    )
    add("encapsulated-without-fragments", "pixel-data", "rejected", no_fragments)
    add(
        "float-pixel-data",
        "pixel-data",
        "failed",
        float_pixels,
        "unsupported",
        "pixels the plugin cannot redact are a failure, not 'nothing to redact'",
    )


# -- wrong Rows / Columns / bits / samples / photometric ------------------------------
def _geometry(add: Adder, ids: _Ids) -> None:
    def changed(**attrs: Any) -> Callable[[], tuple[bytes, tuple[str, ...]]]:
        def build() -> tuple[bytes, tuple[str, ...]]:
            ds, s = _image(ids)
            for keyword, value in attrs.items():
                if value is None:
                    delattr(ds, keyword)
                else:
                    setattr(ds, keyword, value)
            return _save(ds), s

        return build

    def palette_bad_lut() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, photometric="PALETTE COLOR")
        for colour in ("Red", "Green", "Blue"):
            setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [0, 0, 99])
            setattr(ds, f"{colour}PaletteColorLookupTableData", b"\x01\x02")
        return _save(ds), s

    def bits32_valid() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, bits=32)
        return _save(ds), s

    def rgb_as_mono() -> tuple[bytes, tuple[str, ...]]:
        # Three samples of data, declared one sample: lengths happen to match 3 rows.
        ds, s = _image(ids, photometric="RGB")
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        del ds.PlanarConfiguration
        return _save(ds), s

    add("rows-zero", "geometry", "failed", changed(Rows=0), "unsupported")
    add("columns-missing", "geometry", "failed", changed(Columns=None), "unsupported")
    add("rows-doubled", "geometry", "failed", changed(Rows=128), "unsupported")
    add(
        "bits-allocated-1",
        "geometry",
        "failed",
        changed(BitsAllocated=1, BitsStored=1, HighBit=0),
        "unsupported",
    )
    add(
        "bits-allocated-32-8bit-data",
        "geometry",
        "failed",
        changed(BitsAllocated=32),
        "unsupported",
    )
    add(
        "bits-allocated-64",
        "geometry",
        "failed",
        changed(BitsAllocated=64, BitsStored=64, HighBit=63),
        "unsupported",
    )
    add("bits-allocated-12", "geometry", "failed", changed(BitsAllocated=12))
    add(
        "bits-stored-above-allocated",
        "geometry",
        "failed",
        changed(BitsStored=16, HighBit=15),
        "unsupported",
    )
    add("high-bit-absurd", "geometry", "done", changed(HighBit=40))
    add(
        "samples-3-monochrome",
        "geometry",
        "failed",
        changed(SamplesPerPixel=3),
        "unsupported",
    )
    add("samples-1-rgb-data", "geometry", "failed", rgb_as_mono, "unsupported")
    add(
        "samples-1-rgb-photometric",
        "geometry",
        "failed",
        changed(PhotometricInterpretation="RGB"),
        "unsupported",
    )
    add(
        "photometric-argb-4-samples",
        "geometry",
        "failed",
        changed(PhotometricInterpretation="ARGB", SamplesPerPixel=4),
        "unsupported",
    )
    add(
        "photometric-empty",
        "geometry",
        "failed",
        changed(PhotometricInterpretation=""),
        "unsupported",
    )
    add(
        "photometric-hsv",
        "geometry",
        "failed",
        changed(PhotometricInterpretation="HSV"),
        "unsupported",
    )
    add(
        "pixel-representation-2",
        "geometry",
        "failed",
        changed(PixelRepresentation=2),
        "unsupported",
    )
    add(
        "palette-without-lut",
        "geometry",
        "failed",
        changed(PhotometricInterpretation="PALETTE COLOR"),
        "unsupported",
    )
    add("palette-lut-garbage", "geometry", "failed", palette_bad_lut)
    add("bits-allocated-32-valid", "geometry", "done", bits32_valid)


# -- Number of Frames lying ------------------------------------------------------------
def _frames(add: Adder, ids: _Ids) -> None:
    def native(value: bytes, frames: int = 1) -> Callable[[], tuple[bytes, tuple]]:
        def build() -> tuple[bytes, tuple[str, ...]]:
            ds, s = _image(ids, frames=frames)
            _raw(ds, 0x00280008, "IS", value)
            return _save(ds), s

        return build

    def encapsulated(value: int, frames: int) -> Callable[[], tuple[bytes, tuple]]:
        def build() -> tuple[bytes, tuple[str, ...]]:
            # The identity is burned into every frame: frames nobody decodes would
            # keep it.
            ds, s = _image(ids, frames=frames, ts=JPEGBaseline8Bit, text="HIDDEN")
            ds.NumberOfFrames = value
            return _save(ds), s

        return build

    add(
        "frames-zero",
        "frames",
        "done",
        native(b"0"),
        note="0 is read as one frame (a common writer bug); the data is one frame",
    )
    add("frames-negative", "frames", "failed", native(b"-3"))
    add("frames-text", "frames", "failed", native(b"many"))
    add("frames-decimal", "frames", "failed", native(b"1.5"))
    add("frames-larger-than-data", "frames", "failed", native(b"10", 2), "unsupported")
    add("frames-fewer-than-data", "frames", "failed", native(b"1", 3), "unsupported")
    add("frames-more-than-fragments", "frames", "failed", encapsulated(5, 2))
    add("frames-fewer-than-fragments", "frames", "failed", encapsulated(1, 3))


# -- undecodable compressed fragments, one per codec ----------------------------------
def _codec(add: Adder, ids: _Ids) -> None:
    def garbage(ts: str, seed: int, header: bytes = b"") -> Callable[[], tuple]:
        def build() -> tuple[bytes, tuple[str, ...]]:
            ds, s = _image(ids, ts=ts)
            _set_fragments(ds, [header + _garbage(600, seed)])
            return _save(ds), s

        return build

    def rle_bad_header() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=RLELossless)
        header = struct.pack("<16I", 15, *([64] * 15))  # 15 segments, 1 allowed
        _set_fragments(ds, [header + _garbage(512, 5)])
        return _save(ds), s

    def half_jpeg() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=JPEGBaseline8Bit, text="HALF")
        frag = _fragments(ds)[0]
        _set_fragments(ds, [frag[: len(frag) // 2]])
        return _save(ds), s

    def native_under_jpeg() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        return _swap_syntax(_save(ds), JPEGLSLossless), s

    def j2k_rgb_as_mono() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, photometric="RGB", ts=JPEG2000Lossless)
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        del ds.PlanarConfiguration
        return _save(ds), s

    def jpeg_smaller_than_header() -> tuple[bytes, tuple[str, ...]]:
        # The codestream is 64 x 64, the header claims 128 x 128.
        ds, s = _image(ids, ts=JPEGLosslessSV1)
        ds.Rows = ds.Columns = 128
        return _save(ds), s

    def taller_than_header(ts: str) -> Callable[[], tuple[bytes, tuple[str, ...]]]:
        def build() -> tuple[bytes, tuple[str, ...]]:
            # The codestream holds 128 rows, the patient's name burned into rows
            # 80-100; the header claims 64 rows. Rows nobody decodes must not reach
            # a copy labelled anonymized.
            ds, s = _image(ids, rows=128, cols=256)
            encode_as(ds, _burned(str(ds.PatientName), 128, 256, 80), ts)
            ds.Rows = 64
            return _save(ds), s

        return build

    soi = b"\xff\xd8"
    add("jpeg-baseline-garbage", "codec", "failed", garbage(JPEGBaseline8Bit, 11, soi))
    add("jpeg-lossless-garbage", "codec", "failed", garbage(JPEGLosslessSV1, 12, soi))
    add("jpegls-garbage", "codec", "failed", garbage(JPEGLSLossless, 13, soi))
    add(
        "j2k-garbage",
        "codec",
        "failed",
        garbage(JPEG2000Lossless, 14, b"\xff\x4f\xff\x51"),
    )
    add("rle-garbage", "codec", "failed", garbage(RLELossless, 15))
    add("rle-bad-segment-count", "codec", "failed", rle_bad_header)
    add(
        "jpeg-half-codestream",
        "codec",
        "failed",
        half_jpeg,
        note="no EOI: a cut codestream is refused before decoding (fail closed)",
    )
    add(
        "jpegls-syntax-native-data",
        "codec",
        "rejected",
        native_under_jpeg,
        "unsupported",
    )
    add("j2k-rgb-declared-mono", "codec", "failed", j2k_rgb_as_mono)
    add(
        "jpeg-lossless-smaller-than-header", "codec", "failed", jpeg_smaller_than_header
    )
    for short, ts in (
        ("jpegls", JPEGLSLossless),
        ("rle", RLELossless),
        ("jpeg-lossless", JPEGLosslessSV1),
        ("j2k", JPEG2000Lossless),
    ):
        add(f"{short}-taller-than-header", "codec", "failed", taller_than_header(ts))


# -- transfer syntaxes the plugin does not decode (and two it does) --------------------
def _syntax(add: Adder, ids: _Ids) -> None:
    def video(ts: str, seed: int) -> Callable[[], tuple[bytes, tuple[str, ...]]]:
        def build() -> tuple[bytes, tuple[str, ...]]:
            ds, s = _image(ids, ts=JPEGBaseline8Bit)
            _set_fragments(ds, [b"\x00\x00\x01\xb3" + _garbage(900, seed)])
            return _swap_syntax(_save(ds), ts), s

        return build

    def deflated_valid() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=DeflatedExplicitVRLittleEndian)
        return _save(ds), s

    def deflated_garbage() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=DeflatedExplicitVRLittleEndian)
        data = _save(ds)
        meta_end = 132 + 12 + struct.unpack("<I", data[140:144])[0]
        body = zlib.compress(b"\x08\x00\x05\x00CS" + _garbage(400, 21))[2:-4]
        return data[:meta_end] + body[:200] + _garbage(200, 22), s

    def big_endian() -> tuple[bytes, tuple[str, ...]]:
        from pydicom import dcmwrite

        ds, s = _image(ids, bits=16)
        ds.PixelData = np.frombuffer(ds.PixelData, "<u2").astype(">u2").tobytes()
        ds["PixelData"].VR = "OW"
        ds.file_meta.TransferSyntaxUID = ExplicitVRBigEndian
        buf = io.BytesIO()
        dcmwrite(buf, ds, implicit_vr=False, little_endian=False, force_encoding=True)
        return buf.getvalue(), s

    def implicit() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=ImplicitVRLittleEndian)
        return _save(ds), s

    def private_syntax() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, ts=JPEGBaseline8Bit)
        return _swap_syntax(_save(ds), UID_ROOT + ".99.1"), s

    add("mpeg2-garbage", "syntax", "failed", video("1.2.840.10008.1.2.4.100", 31))
    add("mpeg4-avc-garbage", "syntax", "failed", video("1.2.840.10008.1.2.4.102", 32))
    add("hevc-garbage", "syntax", "failed", video("1.2.840.10008.1.2.4.107", 33))
    add("j2k-part2-garbage", "syntax", "failed", video("1.2.840.10008.1.2.4.92", 34))
    add("jpeg-xl-garbage", "syntax", "failed", video("1.2.840.10008.1.2.4.110", 35))
    add("private-transfer-syntax", "syntax", "failed", private_syntax, "unsupported")
    add("deflated-garbage", "syntax", "rejected", deflated_garbage, "unreadable")
    add("deflated-valid", "syntax", "done", deflated_valid)
    add("big-endian-valid", "syntax", "done", big_endian)
    add("implicit-vr-valid", "syntax", "done", implicit)


# -- decompression bombs and resource limits ------------------------------------------
def _bombs(add: Adder, ids: _Ids) -> None:
    def huge_header(ts: str) -> Callable[[], tuple[bytes, tuple[str, ...]]]:
        def build() -> tuple[bytes, tuple[str, ...]]:
            ds, s = _image(ids, ts=ts)
            ds.Rows = ds.Columns = 65535
            ds.NumberOfFrames = 1000
            return _save(ds), s

        return build

    def codestream(ts: str, marker: bytes, side: int) -> Callable[[], tuple]:
        """A 64 x 64 image whose codestream header claims ``side`` x ``side``."""

        def build() -> tuple[bytes, tuple[str, ...]]:
            ds, s = _image(ids, ts=ts)
            frag = bytearray(_fragments(ds)[0])
            at = frag.find(marker)
            assert at >= 0, marker
            if marker == b"\xff\x51":  # J2K SIZ: Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz
                struct.pack_into(">6I", frag, at + 6, side, side, 0, 0, side, side)
            else:  # JPEG SOFn / JPEG-LS SOF55: P Y X
                struct.pack_into(">HH", frag, at + 5, side, side)
            _set_fragments(ds, [bytes(frag)])
            return _save(ds), s

        return build

    def many_frames() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, rows=8, cols=8)
        ds.NumberOfFrames = 6000  # above MaxFrames, 64 bytes of data
        return _save(ds), s

    def rle_frames() -> tuple[bytes, tuple[str, ...]]:
        # 1000 frames of 4096 x 4096 claimed; one tiny RLE fragment.
        ds, s = _image(ids, ts=RLELossless)
        ds.Rows = ds.Columns = 4096
        ds.NumberOfFrames = 1000
        return _save(ds), s

    add(
        "huge-dims-native",
        "bomb",
        "failed",
        huge_header(ExplicitVRLittleEndian),
        "limit",
    )
    add("huge-dims-jpeg", "bomb", "failed", huge_header(JPEGBaseline8Bit), "limit")
    add("huge-dims-rle", "bomb", "failed", rle_frames, "limit")
    add("frames-above-max", "bomb", "failed", many_frames, "limit")
    add(
        "j2k-codestream-30000",
        "bomb",
        "failed",
        codestream(JPEG2000Lossless, b"\xff\x51", 30000),
    )
    add(
        "jpeg-codestream-30000",
        "bomb",
        "failed",
        codestream(JPEGBaseline8Bit, b"\xff\xc0", 30000),
    )
    add(
        "jpegls-codestream-65535",
        "bomb",
        "failed",
        codestream(JPEGLSLossless, b"\xff\xf7", 65535),
    )


# -- objects without pixels -------------------------------------------------------------
def _non_images(add: Adder, ids: _Ids) -> None:
    def sr() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _non_image(ids, "1.2.840.10008.5.1.4.1.1.88.11", "SR")
        ds.ValueType = "CONTAINER"
        ds.ContinuityOfContent = "SEPARATE"
        ds.CompletionFlag = "COMPLETE"
        ds.VerificationFlag = "UNVERIFIED"
        ds.ConceptNameCodeSequence = Sequence([_code("11528-7", "LN", "Report")])
        text = Dataset()
        text.RelationshipType = "CONTAINS"
        text.ValueType = "TEXT"
        text.ConceptNameCodeSequence = Sequence([_code("121071", "DCM", "Finding")])
        text.TextValue = f"Patient {ds.PatientName} seen, no finding."
        ds.ContentSequence = Sequence([text])
        return _save(ds), s

    def pdf() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _non_image(ids, "1.2.840.10008.5.1.4.1.1.104.1", "DOC")
        ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
        ds.DocumentTitle = "Referral"
        ds.BurnedInAnnotation = "YES"
        body = (
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n"
            b"%%EOF\n"
        )
        ds.EncapsulatedDocument = body + b"\n" * (len(body) % 2)
        return _save(ds), s

    def rtstruct() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _non_image(ids, "1.2.840.10008.5.1.4.1.1.481.3", "RTSTRUCT")
        ds.StructureSetLabel = "BODY"
        roi = Dataset()
        roi.ROINumber = 1
        roi.ReferencedFrameOfReferenceUID = ds.StudyInstanceUID + ".9"
        roi.ROIName = "External"
        roi.ROIGenerationAlgorithm = "MANUAL"
        ds.StructureSetROISequence = Sequence([roi])
        contour = Dataset()
        contour.ContourGeometricType = "CLOSED_PLANAR"
        contour.NumberOfContourPoints = 3
        contour.ContourData = [0, 0, 0, 10, 0, 0, 10, 10, 0]
        item = Dataset()
        item.ReferencedROINumber = 1
        item.ContourSequence = Sequence([contour])
        ds.ROIContourSequence = Sequence([item])
        return _save(ds), s

    def rtplan() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _non_image(ids, "1.2.840.10008.5.1.4.1.1.481.5", "RTPLAN")
        ds.RTPlanLabel = "PLAN1"
        ds.RTPlanGeometry = "PATIENT"
        return _save(ds), s

    def ecg() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _non_image(ids, "1.2.840.10008.5.1.4.1.1.9.1.1", "ECG")
        wave = Dataset()
        wave.WaveformOriginality = "ORIGINAL"
        wave.NumberOfWaveformChannels = 1
        wave.NumberOfWaveformSamples = 16
        wave.SamplingFrequency = 500
        wave.WaveformBitsAllocated = 16
        wave.WaveformSampleInterpretation = "SS"
        wave.WaveformData = np.arange(16, dtype="<i2").tobytes()
        ds.WaveformSequence = Sequence([wave])
        return _save(ds), s

    def kos() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _non_image(ids, "1.2.840.10008.5.1.4.1.1.88.59", "KO")
        ds.ValueType = "CONTAINER"
        ds.ConceptNameCodeSequence = Sequence([_code("113000", "DCM", "Of Interest")])
        ds.ContinuityOfContent = "SEPARATE"
        return _save(ds), s

    add("structured-report", "non-image", "skipped", sr, "no-pixel-data")
    add("encapsulated-pdf", "non-image", "skipped", pdf, "no-pixel-data")
    add("rt-structure-set", "non-image", "skipped", rtstruct, "no-pixel-data")
    add("rt-plan", "non-image", "skipped", rtplan, "no-pixel-data")
    add("ecg-waveform", "non-image", "skipped", ecg, "no-pixel-data")
    add("key-object-selection", "non-image", "skipped", kos, "no-pixel-data")


# -- empty and absurd header values ------------------------------------------------------
def _header(add: Adder, ids: _Ids) -> None:
    def long_name() -> tuple[bytes, tuple[str, ...]]:
        name = "LONGFELLOWE^" + "ZEPHYRINA" * 1140  # about 10 kB
        ds, s = _image(ids, name=name)
        return _save(ds), s

    def absurd_dates() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        for keyword in ("StudyDate", "SeriesDate", "ContentDate", "PatientBirthDate"):
            setattr(ds, keyword, "99999999")
        ds.StudyTime = "999999.999999"
        ds.PatientAge = "999Y"
        ds.PatientWeight = "-1e308"
        return _save(ds), s

    def vr_violations() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        pid = ds.PatientID
        _raw(ds, 0x00100020, "LO", f"{pid}\\\x01\x02\x1b[31m{pid}".encode())
        _raw(ds, 0x00080020, "DA", b"notadate")
        _raw(ds, 0x00100040, "CS", b"not a code string at all")
        _raw(ds, 0x00200011, "IS", b"twelve")
        _raw(ds, 0x00181030, "LO", b"x" * 300)  # LO holds 64 characters
        _raw(
            ds, 0x00080090, "PN", ("A^B^C^D^E^F^" + ds.PatientName.family_name).encode()
        )
        return _save(ds), s

    def empty_values() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        for keyword in (
            "PatientName",
            "PatientID",
            "PatientBirthDate",
            "AccessionNumber",
            "StudyDate",
            "Modality",
            "PatientSex",
        ):
            setattr(ds, keyword, "")
        return _save(ds), s

    def empty_sop_uid() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        ds.SOPInstanceUID = ""
        ds.file_meta.MediaStorageSOPInstanceUID = ""
        return _save(ds, enforce=False), s

    def unknown_charset() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids, name="ÉPINEUSE^ZÉLIE")
        raw = "ÉPINEUSE^ZÉLIE".encode("latin-1")
        _raw(ds, 0x00080005, "CS", b"ISO_IR 999")
        _raw(ds, 0x00100010, "PN", raw)
        return _save(ds), (*s, "PINEUSE")

    def deep_nesting() -> tuple[bytes, tuple[str, ...]]:
        # Orthanc 1.10.1 itself (no plugin loaded) dies with SIGSEGV on a depth of
        # 48 at upload; 32 is absurd enough and leaves Orthanc alive.
        ds, s = _image(ids)
        inner = Dataset()
        inner.PatientID = ds.PatientID
        for _ in range(32):
            outer = Dataset()
            outer.ContentSequence = Sequence([inner])
            inner = outer
        ds.ContentSequence = inner.ContentSequence
        return _save(ds), s

    def big_private() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        block = ds.private_block(0x0013, "BADINPUT VENDOR", create=True)
        block.add_new(0x10, "OB", bytes(2_000_000))
        block.add_new(0x11, "LO", f"{ds.PatientName}")
        return _save(ds), s

    def uid_letters() -> tuple[bytes, tuple[str, ...]]:
        ds, s = _image(ids)
        _raw(ds, 0x00200052, "UI", b"not.a.uid.ABC\x00")
        return _save(ds), s

    add("patient-name-10kb", "header", "done", long_name)
    add("dates-99999999", "header", "done", absurd_dates)
    add("vr-violating-strings", "header", "done", vr_violations)
    add("empty-identity-values", "header", "done", empty_values)
    add("empty-sop-instance-uid", "header", "rejected", empty_sop_uid)
    add("unknown-character-set", "header", "done", unknown_charset)
    add("sequences-nested-32-deep", "header", "done", deep_nesting)
    add("private-element-2mb", "header", "done", big_private)
    add("frame-of-reference-uid-letters", "header", "done", uid_letters)


# -- valid files with non-ASCII names in several character sets -----------------------
_CHARSET_NAMES: tuple[tuple[str, Any, str, str], ...] = (
    # (item name, Specific Character Set, Patient Name, Python codec of the bytes)
    ("latin1-iso-ir-100", "ISO_IR 100", "BRÜCKENWALD^JÖRGINA", "latin-1"),
    ("latin2-iso-ir-101", "ISO_IR 101", "ŘEHOŘOVÁ^ŽOFIE", "iso8859-2"),
    ("utf8-iso-ir-192", "ISO_IR 192", "ŁĘCZYCKA^ZOË=司马^翠微", "utf-8"),
    (
        "japanese-iso-2022-ir-87",
        ["", "ISO 2022 IR 87"],
        "YAMAKAWA^SHIZUE=山川^静江=やまかわ^しずえ",
        "iso2022_jp",
    ),
    ("cyrillic-iso-ir-144", "ISO_IR 144", "ЗАВЬЯЛОВА^ФЕКЛА", "iso8859-5"),
    ("greek-iso-ir-126", "ISO_IR 126", "ΚΑΛΟΓΕΡΟΠΟΥΛΟΥ^ΞΑΝΘΗ", "iso8859-7"),
    ("hebrew-iso-ir-138", "ISO_IR 138", "שרעבי^צביה", "iso8859-8"),
    ("arabic-iso-ir-127", "ISO_IR 127", "الزهراني^ريم", "iso8859-6"),
    (
        "korean-iso-2022-ir-149",
        ["", "ISO 2022 IR 149"],
        "PYEON^HANEUL=片^夏訥=편^하늘",
        "euc_kr",
    ),
    ("chinese-gb18030", "GB18030", "欧阳^翠微", "gb18030"),
)


def _charsets(items: list[BadInput], ids: _Ids) -> None:
    for name, charset, patient, codec in _CHARSET_NAMES:
        ds, secrets = _image(ids, name=patient)
        ds.SpecificCharacterSet = charset
        ds.PatientName = patient
        ds.PatientComments = f"Seen by {patient.split('=')[0]}"
        data = _save(ds)
        back = dcmread(io.BytesIO(data))
        assert str(back.PatientName) == patient, (name, str(back.PatientName))
        items.append(
            BadInput(
                name,
                data,
                "done",
                "charset",
                None,
                secrets,
                f"Specific Character Set {charset!r}",
                codec,
            )
        )

    # UTF-8 bytes declared Latin-1, and high bytes without any character set.
    for name, declared in (
        ("utf8-bytes-declared-latin1", "ISO_IR 100"),
        ("high-bytes-no-charset", None),
    ):
        patient = "MÖRSKÅLL^ÆSTRID"
        ds, secrets = _image(ids, name=patient)
        if declared is None:
            del ds.SpecificCharacterSet
        else:
            ds.SpecificCharacterSet = declared
        _raw(ds, 0x00100010, "PN", patient.encode("utf-8"))
        shown = patient.encode("utf-8").decode("latin-1")
        extra = tuple(p for p in _name_parts(shown) if _distinctive(p))
        items.append(
            BadInput(
                name,
                _save(ds),
                "done",
                "charset",
                None,
                (*secrets, *extra),
                f"UTF-8 bytes, Specific Character Set {declared!r}",
                "utf-8",
            )
        )
        ids.all.extend(extra)
