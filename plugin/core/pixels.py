"""Decode, display and re-encode DICOM pixel data (Orthanc-free).

Frames travel through the core as one array: ``(frames, rows, cols)`` for one
sample per pixel, ``(frames, rows, cols, 3)`` for colour. Values are *stored*
values (no Modality LUT, no VOI); YCbCr colour is converted to RGB on decoding so
every painting and OCR step works in one colour space.

Write-back policy (``write_frames``)
------------------------------------
The redacted copy keeps the input transfer syntax whenever that syntax is lossless
and an encoder is installed:

===============================================  ==========================================
Input transfer syntax                            Written as
===============================================  ==========================================
Implicit / Explicit VR Little Endian, Deflated   same (native)
Explicit VR Big Endian (retired)                 Explicit VR Little Endian
RLE Lossless                                     RLE Lossless (pydicom / pylibjpeg-rle)
JPEG-LS Lossless                                 JPEG-LS Lossless (pyjpegls)
JPEG 2000 Lossless                               JPEG 2000 Lossless (openjpeg, no MCT)
JPEG Lossless .57 / SV1 .70                      same UID; libjpeg-turbo (imagecodecs
                                                 ``jpeg8_encode``) with predictor 1, which is
                                                 valid for both. Without it: JPEG-LS
                                                 Lossless, else Explicit VR Little Endian
HTJ2K Lossless                                   JPEG 2000 Lossless (no HTJ2K encoder in
                                                 pydicom), else JPEG-LS / Explicit VR LE
JPEG Baseline, JPEG Extended, JPEG-LS Near-      Explicit VR Little Endian with (0028,2110)
Lossless, JPEG 2000, HTJ2K (lossy)               Lossy Image Compression "01" kept/added
===============================================  ==========================================

Lossy input is written uncompressed on purpose: a second lossy generation would
degrade the image again and smear the painted boxes' edges (PS3.3 C.7.6.1.1.5
requires ``LossyImageCompression`` to stay "01" once an image was lossy).

Colour data decoded from YBR_FULL / YBR_FULL_422 / YBR_RCT / YBR_ICT is written as
RGB with Planar Configuration 0, whatever the output syntax. PALETTE COLOR stays
indices and keeps its LUTs.
"""

from __future__ import annotations

import logging
import re
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.pixels import compress, get_decoder, get_encoder
from pydicom.pixels.processing import apply_color_lut, convert_color_space
from pydicom.uid import (
    HTJ2K,
    JPEG2000,
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    HTJ2KLossless,
    HTJ2KLosslessRPCL,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)

from . import codestream
from .codestream import check_frames
from .errors import ResourceLimitError, UnsupportedImageError

__all__ = [
    "LOSSLESS_SYNTAXES",
    "LOSSY_SYNTAXES",
    "NATIVE_SYNTAXES",
    "check_supported",
    "decode",
    "display_frames",
    "encode_as",
    "read_frames",
    "side_data",
    "unused_bits_hold_data",
    "write_frames",
]

logger = logging.getLogger(__name__)

NATIVE_SYNTAXES: frozenset[str] = frozenset(
    {
        ImplicitVRLittleEndian,
        ExplicitVRLittleEndian,
        ExplicitVRBigEndian,
        DeflatedExplicitVRLittleEndian,
    }
)
LOSSLESS_SYNTAXES: frozenset[str] = frozenset(
    {
        RLELossless,
        JPEGLossless,
        JPEGLosslessSV1,
        JPEGLSLossless,
        JPEG2000Lossless,
        HTJ2KLossless,
        HTJ2KLosslessRPCL,
    }
)
# Method values are the defined terms of (0028,2114), PS3.3 C.7.6.1.1.5.1.
LOSSY_SYNTAXES: dict[str, str] = {
    JPEGBaseline8Bit: "ISO_10918_1",
    JPEGExtended12Bit: "ISO_10918_1",
    JPEGLSNearLossless: "ISO_14495_1",
    JPEG2000: "ISO_15444_1",
    HTJ2K: "ISO_15444_15",
}
_J2K_SYNTAXES = frozenset(
    {JPEG2000Lossless, JPEG2000, HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K}
)
_JPEG_LOSSLESS = frozenset({JPEGLossless, JPEGLosslessSV1})

_GRAY = frozenset({"MONOCHROME1", "MONOCHROME2"})
_SUPPORTED_PHOTOMETRIC: dict[str, int] = {
    "MONOCHROME1": 1,
    "MONOCHROME2": 1,
    "PALETTE COLOR": 1,
    "RGB": 3,
    "YBR_FULL": 3,
    "YBR_FULL_422": 3,
    "YBR_RCT": 3,
    "YBR_ICT": 3,
}
# YBR_RCT / YBR_ICT only exist as JPEG 2000 component transforms (PS3.5 8.2.4).
_J2K_ONLY_PHOTOMETRIC = frozenset({"YBR_RCT", "YBR_ICT"})

_TAG_NAMES: dict[str, str] = {
    "TransferSyntaxUID": "(0002,0010) 'Transfer Syntax UID'",
    "SamplesPerPixel": "(0028,0002) 'Samples per Pixel'",
    "PhotometricInterpretation": "(0028,0004) 'Photometric Interpretation'",
    "PlanarConfiguration": "(0028,0006) 'Planar Configuration'",
    "NumberOfFrames": "(0028,0008) 'Number of Frames'",
    "Rows": "(0028,0010) 'Rows'",
    "Columns": "(0028,0011) 'Columns'",
    "BitsAllocated": "(0028,0100) 'Bits Allocated'",
    "BitsStored": "(0028,0101) 'Bits Stored'",
    "PixelRepresentation": "(0028,0103) 'Pixel Representation'",
    "PixelData": "(7FE0,0010) 'Pixel Data'",
    "FloatPixelData": "(7FE0,0008) 'Float Pixel Data'",
    "DoubleFloatPixelData": "(7FE0,0009) 'Double Float Pixel Data'",
    "RedPaletteColorLookupTableDescriptor": (
        "(0028,1101) 'Red Palette Color Lookup Table Descriptor'"
    ),
}


def _unsupported(keyword: str, value: object, why: str = "is not supported") -> str:
    return f"{_TAG_NAMES.get(keyword, keyword)} = {_shown(value)} {why}"


# Photometric interpretations the standard defines (PS3.3 C.7.6.3.1.2), retired
# ones too: named in a message as they are.
_DEFINED_PHOTOMETRIC = frozenset(
    {"MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "HSV", "ARGB", "CMYK"}
    | {"YBR_FULL", "YBR_FULL_422", "YBR_PARTIAL_422", "YBR_PARTIAL_420"}
    | {"YBR_ICT", "YBR_RCT", "XYB"}
)


def _shown(value: object) -> str:
    """``value`` as a message may show it: numbers, UIDs and defined terms as they
    are; any other text (a hostile file may put the patient's name anywhere) by
    its length only."""
    if isinstance(value, int) or (
        isinstance(value, tuple) and all(isinstance(v, int) for v in value)
    ):
        return repr(value)
    text = str(value)
    if re.fullmatch(r"[0-9.]{1,64}", text) or text in _DEFINED_PHOTOMETRIC:
        return repr(text)
    return f"(a value of {len(text)} characters, not shown)"


def _transfer_syntax(ds: Dataset) -> UID:
    """The dataset's transfer syntax; a missing one is inferred when it can be.

    Files without file meta (written before DICOM 3, or dumped from a network
    stream) were still read in one of the three native encodings; with native
    Pixel Data, that encoding is the transfer syntax. It is recorded in the
    dataset's file meta so the copy states it.
    """
    meta = getattr(ds, "file_meta", None)
    tsyntax = meta.get("TransferSyntaxUID") if meta is not None else None
    if tsyntax:
        return UID(str(tsyntax))
    implicit, little = ds.original_encoding
    native = "PixelData" in ds and not ds["PixelData"].is_undefined_length
    if implicit is None or not native:
        raise UnsupportedImageError(f"{_TAG_NAMES['TransferSyntaxUID']} is missing")
    if implicit:
        inferred = ImplicitVRLittleEndian
    else:
        inferred = ExplicitVRLittleEndian if little else ExplicitVRBigEndian
    if meta is None:
        ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = inferred
    return inferred


def _int_attr(ds: Dataset, keyword: str, default: int | None = None) -> int:
    value = ds.get(keyword, default)
    if value is None or value == "":
        if default is not None:
            return default
        raise UnsupportedImageError(f"{_TAG_NAMES.get(keyword, keyword)} is missing")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UnsupportedImageError(
            _unsupported(keyword, value, "is invalid")
        ) from None


def _nr_frames(ds: Dataset) -> int:
    # PS3.3 C.7.6.6: absent Number of Frames means a single frame; pydicom does
    # the same, and 0 is a common (invalid) writer bug we treat likewise.
    frames = _int_attr(ds, "NumberOfFrames", 1)
    return frames if frames > 0 else 1


def check_supported(ds: Dataset, *, max_pixels: int, max_frames: int) -> None:
    """Fail fast when the pixel data cannot be redacted; never decodes.

    Parameters
    ----------
    ds
        The dataset to check (file meta needed for the transfer syntax).
    max_pixels
        Upper bound of ``rows * columns * frames * samples``.
    max_frames
        Upper bound of Number of Frames.

    Raises
    ------
    UnsupportedImageError
        No Pixel Data, float pixel data, unsupported transfer syntax, photometric
        interpretation or bit depth, or native Pixel Data whose length does not
        match the Image Pixel module.
    ResourceLimitError
        The image is larger than ``max_pixels`` or has more than ``max_frames``.
    """
    for keyword in ("FloatPixelData", "DoubleFloatPixelData"):
        if keyword in ds:
            raise UnsupportedImageError(f"{_TAG_NAMES[keyword]} is not supported")
    if "PixelData" not in ds:
        raise UnsupportedImageError(f"{_TAG_NAMES['PixelData']} is missing")

    tsyntax = _transfer_syntax(ds)
    known = NATIVE_SYNTAXES | LOSSLESS_SYNTAXES | LOSSY_SYNTAXES.keys()
    if tsyntax not in known:
        raise UnsupportedImageError(_unsupported("TransferSyntaxUID", str(tsyntax)))
    try:
        decoder = get_decoder(tsyntax)
    except NotImplementedError:
        decoder = None
    if decoder is None or not decoder.is_available:
        raise UnsupportedImageError(
            _unsupported("TransferSyntaxUID", str(tsyntax), "has no decoder installed")
        )

    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if not photometric:
        raise UnsupportedImageError(
            f"{_TAG_NAMES['PhotometricInterpretation']} is missing"
        )
    if photometric not in _SUPPORTED_PHOTOMETRIC or (
        photometric in _J2K_ONLY_PHOTOMETRIC and tsyntax not in _J2K_SYNTAXES
    ):
        raise UnsupportedImageError(
            _unsupported("PhotometricInterpretation", photometric)
        )

    samples = _int_attr(ds, "SamplesPerPixel")
    if samples != _SUPPORTED_PHOTOMETRIC[photometric]:
        raise UnsupportedImageError(
            _unsupported("SamplesPerPixel", samples, f"does not match {photometric}")
        )
    rows = _int_attr(ds, "Rows")
    cols = _int_attr(ds, "Columns")
    if rows <= 0 or cols <= 0:
        raise UnsupportedImageError(_unsupported("Rows", (rows, cols), "is empty"))
    bits_allocated = _int_attr(ds, "BitsAllocated")
    allowed_bits = (8, 16, 32) if samples == 1 else (8, 16)
    if bits_allocated not in allowed_bits:
        raise UnsupportedImageError(_unsupported("BitsAllocated", bits_allocated))
    bits_stored = _int_attr(ds, "BitsStored", bits_allocated)
    if not 1 <= bits_stored <= bits_allocated:
        raise UnsupportedImageError(
            _unsupported(
                "BitsStored", bits_stored, f"> Bits Allocated {bits_allocated}"
            )
        )
    representation = _int_attr(ds, "PixelRepresentation", 0)
    if representation not in (0, 1):
        raise UnsupportedImageError(_unsupported("PixelRepresentation", representation))
    if samples == 3 and _int_attr(ds, "PlanarConfiguration", 0) not in (0, 1):
        raise UnsupportedImageError(
            _unsupported("PlanarConfiguration", ds.PlanarConfiguration)
        )
    if photometric == "PALETTE COLOR" and (
        "RedPaletteColorLookupTableDescriptor" not in ds
    ):
        raise UnsupportedImageError(
            f"{_TAG_NAMES['RedPaletteColorLookupTableDescriptor']} is missing"
        )

    frames = _nr_frames(ds)
    if frames > max_frames:
        raise ResourceLimitError(
            f"{_TAG_NAMES['NumberOfFrames']} = {frames} exceeds MaxFrames {max_frames}"
        )
    total = rows * cols * frames * samples
    if total > max_pixels:
        raise ResourceLimitError(
            f"{rows} x {cols} x {frames} frames x {samples} samples = {total} "
            f"pixels exceeds MaxPixels {max_pixels}"
        )

    data = ds["PixelData"].value
    if data is None:
        raise UnsupportedImageError(f"{_TAG_NAMES['PixelData']} is empty")
    if tsyntax in NATIVE_SYNTAXES:
        per_frame = rows * cols * samples
        if photometric == "YBR_FULL_422":
            # PS3.3 C.7.6.3.1.2: two luminance samples share one CbCr pair.
            per_frame = rows * cols * 2
        expected = (per_frame * frames * bits_allocated + 7) // 8
        # One trailing pad byte is legal (PS3.5 7.1.1), and some writers pad
        # further with zeros; any other excess may hide pixels we would never
        # look at, so it fails closed.
        excess = bytes(data[expected + 1 :])
        if len(data) < expected or excess.strip(b"\x00"):
            raise UnsupportedImageError(
                f"{_TAG_NAMES['PixelData']} has {len(data)} bytes, expected {expected} "
                f"for {rows} x {cols} x {frames} frames x {samples} samples at "
                f"{bits_allocated} bits"
            )
    elif bytes(data[:4]) != b"\xfe\xff\x00\xe0":
        raise UnsupportedImageError(
            _unsupported(
                "TransferSyntaxUID", str(tsyntax), "but Pixel Data is not encapsulated"
            )
        )
    else:
        # Decoders trust the codestream, not the header: a frame taller than Rows
        # would keep unread rows in the copy, one claiming 30000 x 30000 pixels is a
        # decompression bomb. Both fail here, before any decoding.
        check_frames(ds, str(tsyntax), rows, cols, samples, frames)


def read_frames(ds: Dataset) -> np.ndarray:
    """Decode every frame to stored values.

    Parameters
    ----------
    ds
        A dataset that passed :func:`check_supported`.

    Returns
    -------
    numpy.ndarray
        ``(frames, rows, cols)`` or ``(frames, rows, cols, 3)``; YCbCr colour is
        returned as RGB, PALETTE COLOR as indices. The dtype is pydicom's.

    Raises
    ------
    UnsupportedImageError
        The pixel data cannot be decoded.
    """
    arr = _decoded(ds)
    return _within_bits_stored(arr, _int_attr(ds, "BitsStored", 8 * arr.itemsize))


def _decoded(ds: Dataset) -> np.ndarray:
    """Every frame as the decoder gives it (see :func:`read_frames`), in its shape."""
    tsyntax = _transfer_syntax(ds)
    try:
        arr, _meta = get_decoder(tsyntax).as_array(ds, as_rgb=True)
    except (NotImplementedError, RuntimeError, ValueError, TypeError, KeyError) as exc:
        # pydicom's messages describe lengths and markers, never element values
        # of the patient, so they are safe to pass on.
        raise UnsupportedImageError(
            f"Decoding {tsyntax.name} pixel data failed: {type(exc).__name__}: "
            f"{str(exc)[:300]}"
        ) from exc
    except Exception as exc:
        # Anything else a decoder raises (StopIteration on missing fragments, ...):
        # the type only, the message is not ours to vouch for.
        raise UnsupportedImageError(
            f"Decoding {tsyntax.name} pixel data failed: {type(exc).__name__}"
        ) from exc
    samples = _int_attr(ds, "SamplesPerPixel", 1)
    rows, cols = _int_attr(ds, "Rows"), _int_attr(ds, "Columns")
    shape: tuple[int, ...] = (_nr_frames(ds), rows, cols)
    if samples > 1:
        shape += (samples,)
    try:
        arr = arr.reshape(shape)
    except ValueError as exc:
        raise UnsupportedImageError(
            f"Decoded pixel data has shape {arr.shape}, expected {shape}"
        ) from exc
    return arr


def side_data(ds: Dataset) -> str | None:
    """What the compressed frames of ``ds`` carry beside the image (comments,
    Exif, ICC profiles, thumbnails, JP2 boxes; see :func:`codestream.side_data`),
    or None. The copy of such frames is written again, never copied as they are.
    """
    tsyntax = _transfer_syntax(ds)
    if tsyntax in NATIVE_SYNTAXES:
        return None
    frames = generate_frames(ds.PixelData, number_of_frames=_nr_frames(ds))
    for index, frame in enumerate(frames):
        try:
            found = codestream.side_data(str(tsyntax), bytes(frame))
        except (ValueError, struct.error, IndexError):
            found = "a codestream that cannot be walked"
        if found:
            return f"frame {index}: {found}"
    return None


def decode(ds: Dataset) -> tuple[np.ndarray, bool]:
    """:func:`read_frames`, and whether the bits above Bits Stored hold anything
    (see :func:`unused_bits_hold_data`), from one decoding."""
    arr = _decoded(ds)
    bits_stored = _int_attr(ds, "BitsStored", 8 * arr.itemsize)
    return _within_bits_stored(arr, bits_stored), _stray_bits(ds, arr)


def _within_bits_stored(arr: np.ndarray, bits_stored: int) -> np.ndarray:
    """``arr`` with the bits above Bits Stored dropped (signed values extended
    from their own sign bit), as viewers show them. pydicom does so for native
    data; a JPEG-LS or JPEG 2000 codestream may carry more bits than the header
    says (a 16-bit codestream for 12 stored bits), and those would otherwise make
    the image one of noise to the reader while the text sits in the low bits."""
    if arr.dtype.kind not in "iu" or bits_stored >= 8 * arr.itemsize:
        return arr
    mask = (1 << bits_stored) - 1
    if arr.size == 0:
        return arr
    if arr.dtype.kind == "u" and int(arr.max()) <= mask:
        return arr
    half = 1 << (bits_stored - 1)
    if arr.dtype.kind == "i" and -half <= int(arr.min()) and int(arr.max()) < half:
        return arr
    low = arr.astype(np.int64) & mask
    if arr.dtype.kind == "i":
        low = np.where(low >> (bits_stored - 1), low - (1 << bits_stored), low)
    return low.astype(arr.dtype)


def unused_bits_hold_data(ds: Dataset) -> bool:
    """Whether the bits above Bits Stored hold anything but zeros (or, for signed
    values, the sign): retired overlays were embedded there (PS3.3 C.9.2, Overlay
    Bit Position), and a copy of Pixel Data as it is would carry them along unread.
    """
    return decode(ds)[1]


def _stray_bits(ds: Dataset, decoded: np.ndarray) -> bool:
    """See :func:`unused_bits_hold_data`. Native data is read as stored (pydicom's
    decoder drops the unused bits); compressed frames as their decoder gave them
    (``decoded``). Only single-sample images with fewer bits stored than
    allocated can have any."""
    bits_allocated = _int_attr(ds, "BitsAllocated", 8)
    bits_stored = _int_attr(ds, "BitsStored", bits_allocated)
    if bits_stored >= bits_allocated or _int_attr(ds, "SamplesPerPixel", 1) != 1:
        return False
    tsyntax = _transfer_syntax(ds)
    if tsyntax in NATIVE_SYNTAXES:
        if bits_allocated not in (16, 32):
            return False
        order = ">" if tsyntax == ExplicitVRBigEndian else "<"
        count = _nr_frames(ds) * _int_attr(ds, "Rows") * _int_attr(ds, "Columns")
        raw = np.frombuffer(
            ds.PixelData, dtype=f"{order}u{bits_allocated // 8}", count=count
        )
    else:
        # As unsigned bits of its width, whatever dtype the decoder chose (no
        # wider copy: a long cine is large).
        raw = decoded.view(decoded.dtype.newbyteorder("=").str.replace("i", "u"))
        if raw.dtype.itemsize * 8 != bits_allocated:
            raw = raw.astype(f"u{bits_allocated // 8}")
    high = raw >> bits_stored
    if _int_attr(ds, "PixelRepresentation", 0) != 1:
        return bool(high.any())
    # Signed: every unused bit repeats the sign bit (all zeros or all ones).
    sign = (raw >> (bits_stored - 1)) & 1
    ones = (1 << (bits_allocated - bits_stored)) - 1
    return bool(np.any(high != sign * ones))


def display_frames(ds: Dataset, frames: np.ndarray) -> np.ndarray:
    """Render frames as a viewer would show them, for OCR.

    Parameters
    ----------
    ds
        The dataset the frames come from (photometric, palette LUTs).
    frames
        Output of :func:`read_frames` (possibly painted).

    Returns
    -------
    numpy.ndarray
        ``uint8`` RGB, shape ``(frames, rows, cols, 3)``.

    Notes
    -----
    Grayscale deeper than 8 bits is stretched over each frame's full min..max
    instead of a VOI window: burned-in text is usually drawn at the maximum
    value, which a narrow clinical window would clip into the background.
    MONOCHROME1 is inverted so that text shown white-on-dark stays so.
    """
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if frames.ndim == 3 and photometric == "PALETTE COLOR":
        rgb = apply_color_lut(frames, ds)
        if rgb.dtype.itemsize > 1:
            # Palette entries are 16-bit when the descriptor says so (PS3.3 C.7.6.3.1.5).
            rgb = (rgb >> 8).astype(np.uint8)
        return np.ascontiguousarray(rgb.astype(np.uint8, copy=False))
    if frames.ndim == 4:
        if frames.dtype == np.uint8:
            return np.ascontiguousarray(frames)
        return np.stack([_stretch(f) for f in frames])
    if frames.dtype == np.uint8:
        gray = frames.copy()
    else:
        gray = np.stack([_stretch(f) for f in frames]) if len(frames) else frames
        gray = gray.astype(np.uint8, copy=False)
    if photometric == "MONOCHROME1":
        gray = 255 - gray
    return np.repeat(gray[..., np.newaxis], 3, axis=-1)


def _stretch(frame: np.ndarray) -> np.ndarray:
    values = frame.astype(np.float64)
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return np.zeros(frame.shape, dtype=np.uint8)
    scaled = (values - low) * (255.0 / (high - low))
    return np.rint(scaled).astype(np.uint8)


def write_frames(ds: Dataset, frames: np.ndarray) -> None:
    """Store redacted frames back into ``ds`` (see the module docstring for syntaxes).

    Parameters
    ----------
    ds
        The dataset the frames were read from; modified in place (Pixel Data,
        Image Pixel module, Transfer Syntax UID, lossy compression attributes).
    frames
        Same layout and dtype as returned by :func:`read_frames`.

    Raises
    ------
    UnsupportedImageError
        No way to encode the frames was found (should not happen: Explicit VR
        Little Endian is always possible).
    """
    tsyntax = _transfer_syntax(ds)
    if tsyntax in LOSSY_SYNTAXES:
        _keep_lossy_history(ds, tsyntax)
        encode_as(ds, frames, ExplicitVRLittleEndian)
        return
    if tsyntax in NATIVE_SYNTAXES:
        target = ExplicitVRLittleEndian if tsyntax == ExplicitVRBigEndian else tsyntax
        encode_as(ds, frames, target)
        if tsyntax == ExplicitVRBigEndian:
            _forget_big_endian(ds)
        return

    candidates = [tsyntax]
    if tsyntax in (HTJ2KLossless, HTJ2KLosslessRPCL):
        candidates = [JPEG2000Lossless]
    candidates += [JPEGLSLossless, ExplicitVRLittleEndian]
    for candidate in candidates:
        try:
            encode_as(ds, frames, candidate)
        except UnsupportedImageError as exc:
            logger.info(
                "Cannot write %s (%s), trying the next syntax", candidate.name, exc
            )
            continue
        if candidate != tsyntax:
            logger.info("Re-encoded %s pixel data as %s", tsyntax.name, candidate.name)
        return
    raise UnsupportedImageError(f"No encoder could write {tsyntax.name} pixel data")


def _forget_big_endian(ds: Dataset) -> None:
    # Explicit VR Big Endian is retired (PS3.5 A.3); pydicom refuses to save a
    # dataset read as big endian in a little endian syntax while raw (still
    # big endian) elements remain. Decoding them all makes the values
    # byte-order free, so the dataset can be declared little endian.
    for _elem in ds.iterall():
        pass
    ds.set_original_encoding(False, True, ds.original_character_set)


def _keep_lossy_history(ds: Dataset, tsyntax: UID) -> None:
    # PS3.3 C.7.6.1.1.5: once lossy, always flagged; ratio and method keep the
    # history of every lossy step, so existing values stay untouched.
    ds.LossyImageCompression = "01"
    if "LossyImageCompressionMethod" not in ds:
        ds.LossyImageCompressionMethod = LOSSY_SYNTAXES[tsyntax]
    if "LossyImageCompressionRatio" not in ds:
        ratio = _uncompressed_size(ds) / max(1, len(ds.PixelData))
        ds.LossyImageCompressionRatio = f"{ratio:.2f}"[:16]


def _uncompressed_size(ds: Dataset) -> int:
    return (
        _int_attr(ds, "Rows")
        * _int_attr(ds, "Columns")
        * _int_attr(ds, "SamplesPerPixel", 1)
        * _nr_frames(ds)
        * (_int_attr(ds, "BitsAllocated") // 8)
    )


def encode_as(
    ds: Dataset,
    frames: np.ndarray,
    transfer_syntax_uid: str,
    *,
    photometric: str | None = None,
) -> None:
    """Set Pixel Data of ``ds`` from ``frames`` encoded in one transfer syntax.

    Parameters
    ----------
    ds
        Dataset to modify in place; its Photometric Interpretation, Bits Stored and
        PALETTE COLOR LUTs describe ``frames``. The Image Pixel module, Transfer
        Syntax UID and (for lossy targets) Lossy Image Compression are updated.
    frames
        ``(frames, rows, cols)`` or ``(frames, rows, cols, 3)``; colour is RGB.
    transfer_syntax_uid
        Target syntax: native (Big Endian is written as Explicit VR Little
        Endian), RLE, JPEG Baseline/Extended, JPEG Lossless (.57/.70), JPEG-LS
        (lossless or near-lossless), JPEG 2000 (lossless or lossy).
    photometric
        Stored colour space for 3-sample data: ``"RGB"`` (default, except JPEG
        Baseline/Extended), ``"YBR_FULL"`` or ``"YBR_FULL_422"`` (default for JPEG
        Baseline/Extended, as scanners write it). Used by the test-set generator.

    Raises
    ------
    UnsupportedImageError
        No encoder for this syntax and data is installed.
    ValueError
        ``frames`` has the wrong shape or values outside Bits Stored.
    """
    tsyntax = UID(str(transfer_syntax_uid))
    if tsyntax == ExplicitVRBigEndian:
        tsyntax = ExplicitVRLittleEndian
    if frames.ndim not in (3, 4) or (frames.ndim == 4 and frames.shape[-1] != 3):
        raise ValueError(
            f"frames must be (F, R, C) or (F, R, C, 3), got {frames.shape}"
        )
    if frames.dtype.kind not in "ui" or frames.dtype.itemsize not in (1, 2, 4):
        raise ValueError(f"frames must be 8/16/32-bit integers, got {frames.dtype}")

    colour = frames.ndim == 4
    lossy_jpeg = tsyntax in (JPEGBaseline8Bit, JPEGExtended12Bit)
    if colour:
        stored_pi = photometric or ("YBR_FULL_422" if lossy_jpeg else "RGB")
        if stored_pi not in ("RGB", "YBR_FULL", "YBR_FULL_422"):
            raise ValueError(f"Cannot store colour frames as {stored_pi!r}")
    else:
        stored_pi = str(ds.PhotometricInterpretation)
        if stored_pi not in ("MONOCHROME1", "MONOCHROME2", "PALETTE COLOR"):
            raise ValueError(f"Single-sample frames with photometric {stored_pi!r}")

    bits_allocated = frames.dtype.itemsize * 8
    bits_stored = int(ds.get("BitsStored") or bits_allocated)
    bits_stored = min(bits_stored, bits_allocated)
    signed = frames.dtype.kind == "i"
    _check_range(frames, bits_stored, signed)

    nframes, rows, cols = frames.shape[:3]
    ds.Rows, ds.Columns = rows, cols
    ds.SamplesPerPixel = 3 if colour else 1
    ds.PhotometricInterpretation = stored_pi
    if colour:
        ds.PlanarConfiguration = 0
    elif "PlanarConfiguration" in ds:
        del ds.PlanarConfiguration
    if nframes > 1 or "NumberOfFrames" in ds:
        ds.NumberOfFrames = nframes
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    for keyword in ("ExtendedOffsetTable", "ExtendedOffsetTableLengths"):
        if keyword in ds:
            delattr(ds, keyword)

    if tsyntax in NATIVE_SYNTAXES:
        data = _native_bytes(frames, stored_pi)
        _set_pixel_bytes(ds, data, tsyntax, vr="OB" if bits_allocated == 8 else "OW")
    elif lossy_jpeg:
        _set_encapsulated(
            ds, [_jpeg_lossy(f, stored_pi, bits_stored) for f in frames], tsyntax
        )
    elif tsyntax in _JPEG_LOSSLESS:
        if stored_pi not in ("RGB", "MONOCHROME1", "MONOCHROME2", "PALETTE COLOR"):
            raise UnsupportedImageError(
                f"{stored_pi} cannot be written as {tsyntax.name}"
            )
        encoded = [_jpeg_lossless(f, bits_stored, signed, tsyntax) for f in frames]
        _set_encapsulated(ds, encoded, tsyntax)
    elif tsyntax in (
        RLELossless,
        JPEGLSLossless,
        JPEGLSNearLossless,
        JPEG2000Lossless,
        JPEG2000,
    ):
        _compress_with_pydicom(ds, frames, tsyntax, stored_pi)
    else:
        raise UnsupportedImageError(
            _unsupported("TransferSyntaxUID", str(tsyntax), "cannot be written")
        )

    if tsyntax in LOSSY_SYNTAXES:
        ds.LossyImageCompression = "01"
        ratio = frames.nbytes / max(1, len(ds.PixelData))
        ds.LossyImageCompressionMethod = LOSSY_SYNTAXES[tsyntax]
        ds.LossyImageCompressionRatio = f"{ratio:.2f}"[:16]
    _set_transfer_syntax(ds, tsyntax)


def _check_range(frames: np.ndarray, bits_stored: int, signed: bool) -> None:
    if frames.size == 0:
        return
    low, high = (
        (-(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1)
        if signed
        else (
            0,
            (1 << bits_stored) - 1,
        )
    )
    if int(frames.min()) < low or int(frames.max()) > high:
        raise ValueError(
            f"frame values exceed Bits Stored {bits_stored} range {low}..{high}"
        )


def _to_ybr(frames: np.ndarray, stored_pi: str) -> np.ndarray:
    if stored_pi == "RGB":
        return frames
    return convert_color_space(frames, "RGB", "YBR_FULL", per_frame=True)


def _native_bytes(frames: np.ndarray, stored_pi: str) -> bytes:
    arr = _to_ybr(frames, stored_pi) if frames.ndim == 4 else frames
    if stored_pi == "YBR_FULL_422":
        if arr.shape[2] % 2:
            raise ValueError("YBR_FULL_422 needs an even number of columns")
        # PS3.3 C.7.6.3.1.2: Y1 Y2 Cb Cr per horizontal pixel pair, chroma averaged.
        y = arr[..., 0]
        cb = (arr[..., 0::2, 1].astype(np.uint16) + arr[..., 1::2, 1] + 1) // 2
        cr = (arr[..., 0::2, 2].astype(np.uint16) + arr[..., 1::2, 2] + 1) // 2
        packed = np.stack([y[..., 0::2], y[..., 1::2], cb, cr], axis=-1)
        arr = packed.astype(frames.dtype)
    data = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    return data + b"\x00" if len(data) % 2 else data


def _set_pixel_bytes(ds: Dataset, data: bytes, tsyntax: UID, *, vr: str) -> None:
    ds.PixelData = data
    elem = ds["PixelData"]
    elem.VR = vr
    elem.is_undefined_length = False
    _clear_pixel_cache(ds)


def _set_encapsulated(ds: Dataset, encoded: Sequence[bytes], tsyntax: UID) -> None:
    ds.PixelData = encapsulate(list(encoded))
    elem = ds["PixelData"]
    # PS3.5 A.4: encapsulated Pixel Data is OB with undefined length.
    elem.VR = "OB"
    elem.is_undefined_length = True
    _clear_pixel_cache(ds)


def _clear_pixel_cache(ds: Dataset) -> None:
    # pydicom caches pixel_array keyed on a few attributes; new bytes must not
    # be shadowed by a stale decoded array.
    ds._pixel_array = None
    ds._pixel_id = {}


def _set_transfer_syntax(ds: Dataset, tsyntax: UID) -> None:
    if not hasattr(ds, "file_meta") or ds.file_meta is None:
        ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = tsyntax


def _compress_with_pydicom(
    ds: Dataset, frames: np.ndarray, tsyntax: UID, stored_pi: str
) -> None:
    try:
        encoder = get_encoder(tsyntax)
    except NotImplementedError:
        encoder = None
    if encoder is None or not encoder.is_available:
        raise UnsupportedImageError(
            _unsupported("TransferSyntaxUID", str(tsyntax), "has no encoder installed")
        )
    arr = _to_ybr(frames, stored_pi) if frames.ndim == 4 else frames
    if stored_pi == "YBR_FULL_422":
        raise UnsupportedImageError(f"YBR_FULL_422 cannot be written as {tsyntax.name}")
    # pydicom wants (rows, cols[, 3]) when there is a single frame.
    source = arr[0] if len(arr) == 1 else arr
    kwargs: dict[str, Any] = {}
    if tsyntax == JPEGLSNearLossless:
        kwargs["jls_error"] = 2
    elif tsyntax == JPEG2000:
        kwargs["j2k_cr"] = [10]
    had_frames = "NumberOfFrames" in ds
    if not had_frames:
        ds.NumberOfFrames = 1
    try:
        compress(
            ds,
            tsyntax,
            np.ascontiguousarray(source),
            generate_instance_uid=False,
            **kwargs,
        )
    except (RuntimeError, ValueError, NotImplementedError) as exc:
        raise UnsupportedImageError(
            f"Encoding {tsyntax.name} failed: {type(exc).__name__}: {str(exc)[:300]}"
        ) from exc
    finally:
        if not had_frames and "NumberOfFrames" in ds:
            del ds.NumberOfFrames


def _jpeg_lossy(frame: np.ndarray, stored_pi: str, bits_stored: int) -> bytes:
    if frame.dtype != np.uint8 and bits_stored > 8:
        raise UnsupportedImageError(
            _unsupported("BitsStored", bits_stored, "cannot be written as JPEG here")
        )
    frame = frame.astype(np.uint8, copy=False)
    colour = frame.ndim == 3
    try:
        import imagecodecs

        if colour:
            ybr = stored_pi != "RGB"
            return bytes(
                imagecodecs.jpeg8_encode(
                    frame,
                    level=90,
                    colorspace="RGB",
                    outcolorspace="YCBCR" if ybr else "RGB",
                    # PS3.5 8.2.1: YBR_FULL_422 is 2x1 chroma subsampling.
                    subsampling="422" if stored_pi == "YBR_FULL_422" else "444",
                )
            )
        return bytes(imagecodecs.jpeg8_encode(frame, level=90))
    except ImportError:
        pass
    import io

    from PIL import Image

    if colour and stored_pi == "RGB":
        raise UnsupportedImageError("RGB JPEG needs imagecodecs")
    out = io.BytesIO()
    image = Image.fromarray(frame, "RGB" if colour else "L")
    image.save(
        out,
        format="JPEG",
        quality=90,
        subsampling=1 if stored_pi == "YBR_FULL_422" else 0,
    )
    return out.getvalue()


def _jpeg_lossless(
    frame: np.ndarray, bits_stored: int, signed: bool, tsyntax: UID
) -> bytes:
    # JPEG lossless codes the two's complement bit pattern of signed data as an
    # unsigned sample of Bits Stored precision (PS3.5 8.2.1); decoders sign-extend.
    if signed:
        frame = (frame.astype(np.int64) & ((1 << bits_stored) - 1)).astype(
            np.uint16 if bits_stored > 8 else np.uint8
        )
    elif frame.dtype.itemsize > 2:
        frame = frame.astype(np.uint16)
    precision = max(bits_stored, 2)
    if frame.dtype == np.uint8 and precision > 8:
        frame = frame.astype(np.uint16)
    try:
        import imagecodecs
    except ImportError:
        raise UnsupportedImageError(
            "JPEG Lossless encoding needs imagecodecs"
        ) from None
    try:
        if hasattr(imagecodecs, "jpeg8_encode"):
            kwargs: dict[str, Any] = {}
            if frame.ndim == 3:
                # No colour transform: the stream holds RGB (component ids R, G, B).
                kwargs = {"colorspace": "RGB", "outcolorspace": "RGB"}
            return bytes(
                imagecodecs.jpeg8_encode(
                    frame, lossless=True, predictor=1, bitspersample=precision, **kwargs
                )
            )
    except Exception as exc:  # noqa: BLE001 - imagecodecs raises its own error types
        logger.debug("jpeg8_encode lossless failed: %s", type(exc).__name__)
    # imagecodecs' ljpeg encoder always uses predictor 6: valid for Process 14
    # (.57) only, never for Selection Value 1 (.70), and grayscale only.
    if (
        tsyntax == JPEGLossless
        and frame.ndim == 2
        and hasattr(imagecodecs, "ljpeg_encode")
    ):
        try:
            return bytes(imagecodecs.ljpeg_encode(frame, bitspersample=precision))
        except Exception as exc:  # noqa: BLE001
            logger.debug("ljpeg_encode failed: %s", type(exc).__name__)
    raise UnsupportedImageError(
        _unsupported("TransferSyntaxUID", str(tsyntax), "has no encoder installed")
    )
