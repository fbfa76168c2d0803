"""Compressed frames are checked against the header before any decoding."""

from __future__ import annotations

import struct

import pytest
from dicomgen import make_dataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.uid import JPEG2000Lossless, JPEGBaseline8Bit, JPEGLSLossless, RLELossless

from plugin.core import codestream, pixels
from plugin.core.errors import UnsupportedImageError


def _compressed(syntax: str, frames: int = 2):
    return make_dataset("MONOCHROME2", 8, 8, False, frames, 64, 96, syntax, text="AB12")


def _frames(ds) -> list[bytes]:
    return list(generate_frames(ds.PixelData, number_of_frames=int(ds.NumberOfFrames)))


def _check(ds) -> None:
    pixels.check_supported(ds, max_pixels=10**8, max_frames=100)


@pytest.mark.parametrize("syntax", [JPEGBaseline8Bit, JPEGLSLossless, RLELossless])
def test_valid_frames_pass(syntax: str) -> None:
    _check(_compressed(syntax))


@pytest.mark.parametrize("syntax", [JPEGBaseline8Bit, JPEGLSLossless])
def test_bytes_after_the_end_of_image_fail(syntax: str) -> None:
    ds = _compressed(syntax)
    frames = _frames(ds)
    frames[1] = frames[1] + b"PATIENT DOE^JANE"
    ds.PixelData = encapsulate(frames)
    with pytest.raises(UnsupportedImageError, match="after the end"):
        _check(ds)


@pytest.mark.parametrize("syntax", [JPEGBaseline8Bit, JPEGLSLossless])
def test_text_that_ends_like_an_image_still_fails(syntax: str) -> None:
    ds = _compressed(syntax)
    frames = _frames(ds)
    frames[0] = frames[0] + b"DOE^JANE" + b"\xff\xd9"
    ds.PixelData = encapsulate(frames)
    with pytest.raises(UnsupportedImageError, match="after the end"):
        _check(ds)


@pytest.mark.parametrize("pad", [b"\xff", b"\x00\x00\x00", b"\xff" * 7])
def test_padding_after_the_end_of_image_passes(pad: bytes) -> None:
    # pydicom's JPGExtended.dcm and examples_jpeg2k.dcm end "FF D9 FF".
    ds = _compressed(JPEGBaseline8Bit)
    frames = _frames(ds)
    ds.PixelData = encapsulate([f + pad for f in frames])
    _check(ds)
    assert pixels.read_frames(ds).shape == (2, 64, 96)


def test_a_comment_segment_is_side_data() -> None:
    ds = _compressed(JPEGBaseline8Bit)
    frames = _frames(ds)
    text = b"DOE^JANE"
    com = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    frames[0] = frames[0][:2] + com + frames[0][2:]
    ds.PixelData = encapsulate(frames)
    _check(ds)  # readable: its copy is written again, without the comment
    assert pixels.side_data(ds) == "frame 0: a COM segment"


@pytest.mark.parametrize("syntax", [JPEGBaseline8Bit, RLELossless])
def test_more_frames_than_number_of_frames_fail(syntax: str) -> None:
    ds = _compressed(syntax, frames=2)
    frames = _frames(ds)
    ds.PixelData = encapsulate(frames + [frames[0]], has_bot=True)
    with pytest.raises(UnsupportedImageError, match="holds 3 frames"):
        _check(ds)


def _with_segment(frame: bytes, marker: int, payload: bytes) -> bytes:
    """``frame`` with a JPEG segment inserted right after its SOI."""
    segment = bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload
    return frame[:2] + segment + frame[2:]


def _side(syntax: str, frame: bytes) -> str | None:
    return codestream.side_data(syntax, frame)


@pytest.mark.parametrize(
    ("marker", "payload"),
    [
        (0xE1, b"Exif\x00\x00MM\x00*\x00\x00\x00\x08DOE^JANE 2024:05:10 08:18"),
        (0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>DOE</x:xmpmeta>"),
        (0xE2, b"ICC_PROFILE\x00\x01\x01desc DOE^JANE"),
        # A JFIF header with a 2 x 1 thumbnail (pixels could draw a name).
        (0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x02\x01" + b"\x00" * 6),
    ],
)
def test_data_beside_the_image_is_found_wherever_it_sits(marker, payload) -> None:
    frame = _frames(_compressed(JPEGBaseline8Bit))[0]
    assert _side(JPEGBaseline8Bit, frame) is None
    assert _side(JPEGBaseline8Bit, _with_segment(frame, marker, payload))
    # After the scan, before the end of image, too.
    end = frame.rfind(b"\xff\xd9")
    segment = bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload
    assert _side(JPEGBaseline8Bit, frame[:end] + segment + frame[end:])


def test_a_jpeg_ls_frame_is_walked_to_its_end() -> None:
    # JPEG-LS stuffs a bit, not a byte: FF then a byte under 80 is scan data.
    frame = _frames(_compressed(JPEGLSLossless))[0]
    assert _side(JPEGLSLossless, frame) is None
    end = frame.rfind(b"\xff\xd9")
    com = b"\xff\xfe\x00\x05DOE"
    assert _side(JPEGLSLossless, frame[:end] + com + frame[end:]) == "a COM segment"


def _j2k_with_comment(text: bytes) -> bytes:
    frame = _frames(_compressed(JPEG2000Lossless))[0]
    siz = frame.find(b"\xff\x51")
    (length,) = struct.unpack(">H", frame[siz + 2 : siz + 4])
    end = siz + 2 + length
    # Drop the encoder's own comment, then put ``text`` in its place.
    com_at = frame.find(b"\xff\x64", end, frame.find(b"\xff\x90"))
    if com_at >= 0:
        (com_len,) = struct.unpack(">H", frame[com_at + 2 : com_at + 4])
        frame = frame[:com_at] + frame[com_at + 2 + com_len :]
    com = b"\xff\x64" + (len(text) + 4).to_bytes(2, "big") + b"\x00\x01" + text
    return frame[:end] + com + frame[end:]


def test_a_jpeg2000_comment_is_side_data_but_an_encoders_signature() -> None:
    assert _side(JPEG2000Lossless, _j2k_with_comment(b"Patient DOE^JANE"))
    for signature in (
        b"Created by OpenJPEG version 2.5.2",
        b"Kakadu-v7.3.3",
        b"Creator: JasPer Version 1.701.0",
    ):
        assert _side(JPEG2000Lossless, _j2k_with_comment(signature)) is None
