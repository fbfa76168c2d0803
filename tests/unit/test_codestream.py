"""Compressed frames are checked against the header before any decoding."""

from __future__ import annotations

import pytest
from dicomgen import make_dataset
from pydicom.encaps import encapsulate, generate_frames
from pydicom.uid import JPEGBaseline8Bit, JPEGLSLossless, RLELossless

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
