"""The size a compressed frame says it has, read from its own header, before decoding.

A decoder trusts the codestream, not the DICOM header. A frame whose codestream is
taller than Rows would be decoded, cut to Rows and redacted, while the rows below
stayed in the stored copy unread; one that claims 30000 x 30000 pixels inside a
64 x 64 image is a decompression bomb. :func:`check_frames` compares every frame's
own geometry with the Image Pixel module and fails before any decoder runs.

Only headers are parsed: JPEG SOFn (baseline, extended, lossless), JPEG-LS SOF55,
JPEG 2000 SIZ, and the RLE header (segment count; the decoded length of each
segment is checked too, RLE has no size field).

:func:`side_data` tells what a frame carries beside its image (comments, Exif,
XMP, ICC profiles, thumbnails, JP2 boxes): a copy of such a frame as it is would
carry that along unread, so its frames are written again.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

from pydicom.dataset import Dataset
from pydicom.encaps import generate_frames

from .errors import UnsupportedImageError

__all__ = ["check_frames", "frame_geometry", "side_data"]

_JPEG = {
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.51",
    "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70",
    "1.2.840.10008.1.2.4.80",
    "1.2.840.10008.1.2.4.81",
}
_J2K = {
    "1.2.840.10008.1.2.4.90",
    "1.2.840.10008.1.2.4.91",
    "1.2.840.10008.1.2.4.201",
    "1.2.840.10008.1.2.4.202",
    "1.2.840.10008.1.2.4.203",
}
_RLE = "1.2.840.10008.1.2.5"
# SOF markers carrying frame geometry: C0-CF except DHT (C4), JPG (C8), DAC (CC);
# F7 is JPEG-LS SOF55.
_SOF = {m for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC)} | {0xF7}


def _jpeg_segments(frame: bytes) -> Iterator[tuple[int, int, int]]:
    """(position, marker, length) of each marker segment of a JPEG / JPEG-LS
    codestream after its SOI, through the scans' entropy-coded data, up to EOI
    or the end of the bytes. ``ValueError`` where a marker should be and is not.
    """
    pos, end = 2, len(frame)
    while pos + 2 <= end:
        if frame[pos] != 0xFF:
            raise ValueError("marker expected")
        marker = frame[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:
            return
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if pos + 4 > end:
            raise ValueError("short segment")
        (length,) = struct.unpack(">H", frame[pos + 2 : pos + 4])
        yield pos, marker, length
        pos += 2 + length
        if marker == 0xDA:
            # Entropy-coded data up to the next marker: an FF followed by C0 or
            # more, not a restart (JPEG stuffs FF00, JPEG-LS a byte under 80).
            while True:
                pos = frame.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= end:
                    return
                nxt = frame[pos + 1]
                if nxt >= 0xC0 and not 0xD0 <= nxt <= 0xD7:
                    break
                pos += 1


def _jpeg(frame: bytes) -> tuple[int, int, int]:
    """(rows, columns, components) from a JPEG / JPEG-LS SOF segment, read before
    the first scan."""
    if frame[:2] != b"\xff\xd8":
        raise ValueError("no SOI marker")
    for pos, marker, _length in _jpeg_segments(frame):
        if marker == 0xDA:
            break
        if marker in _SOF:
            if pos + 10 > len(frame):
                raise ValueError("short SOF")
            rows, cols = struct.unpack(">HH", frame[pos + 5 : pos + 9])
            return rows, cols, frame[pos + 9]
    raise ValueError("no SOF marker")


# JPEG markers of the image itself: SOFn, DHT, DAC, DQT, DNL, DRI, DHP, EXP, JPEG-LS
# SOF55 and LSE. Anything else (APPn, COM, JPG extensions) is data beside it.
_JPEG_IMAGE = _SOF | {0xC4, 0xCC, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xF8}
# A JFIF header without a thumbnail is 14 bytes; Adobe's colour transform is 12.
_JFIF_PLAIN = 16
_ADOBE_PLAIN = 14
# JPEG 2000 markers of the image: main header (SIZ, COD, COC, QCD, QCC, RGN, POC,
# TLM, PLM, PPM, CRG, CAP, CPF) and tile-part headers (PLT, PPT); SOT, SOD, EOC.
_J2K_IMAGE = {0x51, 0x52, 0x53, 0x5C, 0x5D, 0x5E, 0x5F, 0x55, 0x57, 0x60, 0x63}
_J2K_IMAGE |= {0x50, 0x59, 0x58, 0x61}
# The comment JPEG 2000 encoders sign their codestreams with.
_ENCODER_COMMENT = re.compile(
    rb"(?:Created by (?:GDCM/)?OpenJPEG version|Creator: JasPer Version|Kakadu-v?)"
    rb" ?[0-9][0-9.]*\x00?"
)


def side_data(tsyntax: str, frame: bytes) -> str | None:
    """What a compressed frame carries beside its image, or None for nothing.

    Application segments (Exif, XMP, ICC profiles, JFIF thumbnails), comments
    other than a JPEG 2000 encoder's signature, a JP2 file's boxes: a copy of
    the frame as it is would carry them along unread, whatever they hold. The
    image's own markers and headers are not side data. ``ValueError`` if the
    codestream cannot be walked.
    """
    if tsyntax in _JPEG:
        return _jpeg_side_data(frame)
    if tsyntax in _J2K:
        return _j2k_side_data(frame)
    return None


def _jpeg_side_data(frame: bytes) -> str | None:
    for pos, marker, length in _jpeg_segments(frame):
        payload = frame[pos + 4 : pos + 2 + length]
        if marker == 0xE0 and payload.startswith(b"JFIF\x00"):
            if length != _JFIF_PLAIN or payload[12:14] != b"\x00\x00":
                return "a JFIF segment with a thumbnail"
        elif marker == 0xEE and payload.startswith(b"Adobe"):
            if length != _ADOBE_PLAIN:
                return "an Adobe segment with more than its colour transform"
        elif marker == 0xDC and length != 4:
            return "a DNL segment of the wrong length"
        elif marker not in _JPEG_IMAGE and marker != 0xDA:
            if marker == 0xFE:
                return "a COM segment"
            if 0xE0 <= marker <= 0xEF:
                return f"an APP{marker - 0xE0} segment"
            return f"marker FF{marker:02X}"
    return None


def _j2k_side_data(frame: bytes) -> str | None:
    if frame[4:8] == b"jP  ":
        return "a JP2 file's boxes around the codestream"
    pos = frame.find(b"\xff\x4f\xff\x51")
    if pos < 0:
        raise ValueError("no SOC/SIZ marker")
    pos += 2
    end = len(frame)
    while pos + 2 <= end:
        if frame[pos] != 0xFF:
            raise ValueError("marker expected")
        marker = frame[pos + 1]
        if marker == 0xD9:
            return None
        if pos + 4 > end:
            raise ValueError("short segment")
        (length,) = struct.unpack(">H", frame[pos + 2 : pos + 4])
        if marker == 0x90:  # SOT: Psot is the tile-part's length from here
            (psot,) = struct.unpack(">I", frame[pos + 6 : pos + 10])
            tile_end = pos + psot if psot else None
            pos += 2 + length
            # The tile-part header, up to SOD; then its data, up to tile_end.
            while pos + 4 <= end and frame[pos + 1] != 0x93:
                if frame[pos] != 0xFF:
                    raise ValueError("marker expected")
                found = _j2k_segment(frame, pos)
                if found:
                    return found
                pos += 2 + struct.unpack(">H", frame[pos + 2 : pos + 4])[0]
            if tile_end is None:
                return None
            pos = tile_end
            continue
        found = _j2k_segment(frame, pos)
        if found:
            return found
        pos += 2 + length
    return None


def _j2k_segment(frame: bytes, pos: int) -> str | None:
    marker = frame[pos + 1]
    if marker in _J2K_IMAGE:
        return None
    if marker == 0x64:
        (length,) = struct.unpack(">H", frame[pos + 2 : pos + 4])
        text = frame[pos + 6 : pos + 2 + length]
        if frame[pos + 5] == 1 and _ENCODER_COMMENT.fullmatch(text):
            return None
        return "a COM segment"
    return f"marker FF{marker:02X}"


def _ends_cleanly(frame: bytes, j2k: bool) -> bool:
    """The image ends with its first EOI/EOC (FFD9), followed by padding only.

    The end is searched from the first start of scan (JPEG SOS, JPEG 2000 SOD):
    scan data cannot hold the FFD9 pair, while header segments may. Encoders pad
    a frame to an even length, or further, with 00 or FF bytes; such padding says
    nothing. Anything else after the end would travel unread into a copy.
    """
    scan = frame.find(b"\xff\x93" if j2k else b"\xff\xda")
    end = frame.find(b"\xff\xd9", max(scan, 0))
    if scan < 0 or end < 0:
        return False
    tail = frame[end + 2 :]
    return not tail.strip(b"\x00\xff")


def _j2k(frame: bytes) -> tuple[int, int, int]:
    """(rows, columns, components) from a JPEG 2000 SIZ segment (raw or in JP2)."""
    pos = frame.find(b"\xff\x4f\xff\x51")
    if pos < 0:
        raise ValueError("no SOC/SIZ marker")
    siz = frame[pos + 4 : pos + 4 + 38]
    if len(siz) < 38:
        raise ValueError("short SIZ")
    _lsiz, _rsiz, xsiz, ysiz, xo, yo, _xt, _yt, _xto, _yto, comps = struct.unpack(
        ">HHIIIIIIIIH", siz
    )
    return ysiz - yo, xsiz - xo, comps


def _rle_segments(frame: bytes) -> list[bytes]:
    if len(frame) < 64:
        raise ValueError("short RLE header")
    header = struct.unpack("<16I", frame[:64])
    count = header[0]
    if not 1 <= count <= 15:
        raise ValueError("bad RLE segment count")
    offsets = list(header[1 : 1 + count]) + [len(frame)]
    if any(not 64 <= offsets[i] <= offsets[i + 1] for i in range(count)):
        raise ValueError("bad RLE offsets")
    return [frame[offsets[i] : offsets[i + 1]] for i in range(count)]


def _packbits_length(segment: bytes, limit: int) -> int:
    """Decoded length of a PackBits segment, stopping once past ``limit``."""
    n = 0
    pos = 0
    end = len(segment)
    while pos < end and n <= limit:
        header = segment[pos]
        pos += 1
        if header < 128:
            n += header + 1
            pos += header + 1
        elif header > 128:
            n += 257 - header
            pos += 1
        # 128: no operation
    return n


def frame_geometry(tsyntax: str, frame: bytes) -> tuple[int, int, int]:
    """(rows, columns, components) a compressed frame declares; ``ValueError`` if
    its header cannot be read. RLE gives (-1, -1, segments)."""
    if tsyntax in _JPEG:
        return _jpeg(frame)
    if tsyntax in _J2K:
        return _j2k(frame)
    if tsyntax == _RLE:
        return -1, -1, len(_rle_segments(frame))
    raise ValueError("not a checked syntax")


def _frames(ds: Dataset, count: int) -> Iterator[bytes]:
    extended = None
    if "ExtendedOffsetTable" in ds and "ExtendedOffsetTableLengths" in ds:
        extended = (ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths)
    return generate_frames(
        ds.PixelData, number_of_frames=count, extended_offsets=extended
    )


def check_frames(
    ds: Dataset, tsyntax: str, rows: int, cols: int, samples: int, frames: int
) -> None:
    """Fail when a compressed frame's own geometry disagrees with the header.

    Raises
    ------
    UnsupportedImageError
        A frame's codestream cannot be parsed, declares another size or number of
        components, the RLE segments decode to another length, or there are fewer
        frames than Number of Frames.
    """
    if tsyntax not in _JPEG and tsyntax not in _J2K and tsyntax != _RLE:
        return
    bits = int(ds.get("BitsAllocated", 8) or 8)
    seen = 0
    try:
        for index, frame in enumerate(_frames(ds, frames)):
            seen += 1
            try:
                f_rows, f_cols, comps = frame_geometry(tsyntax, bytes(frame))
            except (ValueError, struct.error, IndexError) as exc:
                raise UnsupportedImageError(
                    f"frame {index}: the codestream header cannot be read ({exc})"
                ) from None
            if tsyntax == _RLE:
                expected = samples * ((bits + 7) // 8)
                if comps != expected:
                    raise UnsupportedImageError(
                        f"frame {index}: {comps} RLE segments, expected {expected}"
                    )
                for segment in _rle_segments(bytes(frame)):
                    length = _packbits_length(segment, rows * cols + 1)
                    if length not in (rows * cols, rows * cols + 1):
                        raise UnsupportedImageError(
                            f"frame {index}: an RLE segment decodes to {length} "
                            f"bytes, Rows x Columns is {rows * cols}"
                        )
                continue
            if (f_rows, f_cols) != (rows, cols) or comps != samples:
                raise UnsupportedImageError(
                    f"frame {index}: the codestream is {f_rows} x {f_cols} x {comps}, "
                    f"the header says {rows} x {cols} x {samples}"
                )
            if not _ends_cleanly(bytes(frame), tsyntax in _J2K):
                # Bytes after the end of the image would travel unread into a copy.
                raise UnsupportedImageError(
                    f"frame {index}: data after the end of the codestream"
                )
    except UnsupportedImageError:
        raise
    except Exception as exc:  # noqa: BLE001 - fragments pydicom cannot split
        raise UnsupportedImageError(
            f"the encapsulated Pixel Data cannot be split into frames ({type(exc).__name__})"
        ) from None
    if seen != frames:
        # Fewer: frames missing. More: frames nobody would decode or look at, kept
        # unread in a copy whose pixels are left as they were.
        raise UnsupportedImageError(
            f"the encapsulated Pixel Data holds {seen} frames, Number of Frames is {frames}"
        )
