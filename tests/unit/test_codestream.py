"""Compressed frames are checked against the header before any decoding."""

from __future__ import annotations

import struct

import pytest
from dicomgen import make_dataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.uid import JPEG2000Lossless, JPEGBaseline8Bit, JPEGLSLossless, RLELossless

from plugin.core import pixels
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


def test_a_comment_segment_fails() -> None:
    ds = _compressed(JPEGBaseline8Bit)
    frames = _frames(ds)
    text = b"DOE^JANE"
    com = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    frames[0] = frames[0][:2] + com + frames[0][2:]
    ds.PixelData = encapsulate(frames)
    with pytest.raises(UnsupportedImageError, match="COM"):
        _check(ds)


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


@pytest.mark.parametrize(
    "payload",
    [
        b"Exif\x00\x00MM\x00*\x00\x00\x00\x08DOE^JANE 2024:05:10 08:18",
        b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>DOE JANE</x:xmpmeta>",
    ],
)
def test_an_application_segment_with_text_fails(payload: bytes) -> None:
    ds = _compressed(JPEGBaseline8Bit)
    frames = _frames(ds)
    frames[1] = _with_segment(frames[1], 0xE1, payload)
    ds.PixelData = encapsulate(frames)
    with pytest.raises(UnsupportedImageError, match="APP1 segment with text"):
        _check(ds)


@pytest.mark.parametrize(
    ("marker", "payload"),
    [
        (0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01"),  # Adobe's colour transform
        (0xE8, b"SPIFF\x00\x02\x00\x00\x03\x00\x00\x00d"),  # a JPEG-LS header
        (0xE2, b"ICC_PROFILE\x00\x01\x01sRGB IEC61966-2.1"),  # a colour profile
    ],
)
def test_binary_application_segments_pass(marker: int, payload: bytes) -> None:
    ds = _compressed(JPEGBaseline8Bit)
    frames = _frames(ds)
    frames[0] = _with_segment(frames[0], marker, payload)
    ds.PixelData = encapsulate(frames)
    _check(ds)


def _j2k_with_comment(text: bytes) -> object:
    ds = _compressed(JPEG2000Lossless, frames=2)
    frame = _frames(ds)[0]
    siz = frame.find(b"\xff\x51")
    (length,) = struct.unpack(">H", frame[siz + 2 : siz + 4])
    end = siz + 2 + length
    # Drop the encoder's own comment, then put ``text`` in its place.
    com_at = frame.find(b"\xff\x64", end, frame.find(b"\xff\x90"))
    if com_at >= 0:
        (com_len,) = struct.unpack(">H", frame[com_at + 2 : com_at + 4])
        frame = frame[:com_at] + frame[com_at + 2 + com_len :]
    com = b"\xff\x64" + (len(text) + 4).to_bytes(2, "big") + b"\x00\x01" + text
    ds.PixelData = encapsulate([frame[:end] + com + frame[end:], _frames(ds)[1]])
    return ds


def test_a_jpeg2000_comment_with_text_fails() -> None:
    with pytest.raises(UnsupportedImageError, match="COM"):
        _check(_j2k_with_comment(b"Patient DOE^JANE"))


@pytest.mark.parametrize(
    "signature",
    [
        b"Created by OpenJPEG version 2.5.2",
        b"Kakadu-v7.3.3",
        b"Creator: JasPer Version 1.701.0",
    ],
)
def test_a_jpeg2000_encoders_signature_passes(signature: bytes) -> None:
    _check(_j2k_with_comment(signature))
