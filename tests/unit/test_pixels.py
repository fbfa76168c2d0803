"""Round trips of plugin.core.pixels over photometrics, bit depths and syntaxes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from dicomgen import make_dataset, make_frames
from pydicom import dcmread
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_dataset
from pydicom.uid import (
    JPEG2000,
    UID,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)

from plugin.core import pixels
from plugin.core.errors import ResourceLimitError, UnsupportedImageError

LIMITS = {"max_pixels": 10_000_000, "max_frames": 100}
ROWS, COLS = 40, 96

LOSSLESS = [
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    RLELossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEG2000Lossless,
]
# (bits_allocated, bits_stored, signed)
GRAY_DEPTHS = [
    (8, 8, False),
    (16, 12, False),
    (16, 12, True),
    (16, 16, False),
    (16, 16, True),
]


def _cases() -> list[tuple[str, int, int, bool, str]]:
    cases = []
    for photometric in ("MONOCHROME1", "MONOCHROME2"):
        for depth in GRAY_DEPTHS:
            for syntax in LOSSLESS:
                cases.append((photometric, *depth, syntax))
        cases.append((photometric, 8, 8, False, JPEGBaseline8Bit))
    for syntax in LOSSLESS:
        cases.append(("RGB", 8, 8, False, syntax))
        cases.append(("PALETTE COLOR", 8, 8, False, syntax))
    for syntax in (
        ExplicitVRLittleEndian,
        RLELossless,
        JPEGLSLossless,
        JPEG2000Lossless,
    ):
        cases.append(("RGB", 16, 16, False, syntax))
        cases.append(("PALETTE COLOR", 16, 16, False, syntax))
    for syntax in (
        ExplicitVRLittleEndian,
        ImplicitVRLittleEndian,
        RLELossless,
        JPEGLSLossless,
        JPEG2000Lossless,
        JPEGBaseline8Bit,
    ):
        cases.append(("YBR_FULL", 8, 8, False, syntax))
    for syntax in (ExplicitVRLittleEndian, ImplicitVRLittleEndian, JPEGBaseline8Bit):
        cases.append(("YBR_FULL_422", 8, 8, False, syntax))
    cases.append(("RGB", 8, 8, False, JPEGBaseline8Bit))
    return cases


def _case_id(case: tuple[str, int, int, bool, str]) -> str:
    photometric, allocated, stored, signed, syntax = case
    sign = "s" if signed else "u"
    return f"{photometric.replace(' ', '_')}-{allocated}/{stored}{sign}-{UID(syntax).keyword}"


def _reread(ds: Dataset) -> Dataset:
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return dcmread(io.BytesIO(buffer.getvalue()))


def _paint_value(frames: np.ndarray) -> int:
    return int(frames.min())


@pytest.mark.parametrize("nframes", [1, 3])
@pytest.mark.parametrize("case", _cases(), ids=_case_id)
def test_read_paint_write_round_trip(
    case: tuple[str, int, int, bool, str], nframes: int
) -> None:
    photometric, allocated, stored, signed, syntax = case
    ds = make_dataset(
        photometric,
        allocated,
        stored,
        signed,
        nframes,
        ROWS,
        COLS,
        syntax,
        text="DOE^JANE",
    )
    pixels.check_supported(ds, **LIMITS)
    frames = pixels.read_frames(ds)
    colour = photometric in ("RGB", "YBR_FULL", "YBR_FULL_422")
    assert frames.shape == (nframes, ROWS, COLS, 3) if colour else (nframes, ROWS, COLS)
    lossy = syntax == JPEGBaseline8Bit
    if not lossy and photometric not in ("YBR_FULL", "YBR_FULL_422"):
        expected = make_frames(
            photometric, stored, signed, nframes, ROWS, COLS, "DOE^JANE", frames.dtype
        )
        np.testing.assert_array_equal(frames, expected)

    painted = frames.copy()
    painted[:, 2:14, 3:60] = _paint_value(frames)
    pixels.write_frames(ds, painted)
    out = _reread(ds)

    if lossy:
        assert out.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        assert out.LossyImageCompression == "01"
        assert out.LossyImageCompressionMethod == "ISO_10918_1"
        assert "LossyImageCompressionRatio" in out
    else:
        assert out.file_meta.TransferSyntaxUID == syntax
        assert "LossyImageCompression" not in out
    if colour:
        assert out.PhotometricInterpretation == "RGB"
        assert out.PlanarConfiguration == 0
    else:
        assert out.PhotometricInterpretation == photometric
    assert (out.Rows, out.Columns, out.BitsStored) == (ROWS, COLS, stored)
    pixels.check_supported(out, **LIMITS)
    # Written uncompressed or losslessly: what comes back is exactly what was painted.
    np.testing.assert_array_equal(pixels.read_frames(out), painted)


@pytest.mark.parametrize("syntax", [JPEGLSNearLossless, JPEG2000])
def test_lossy_input_written_uncompressed_with_lossy_flag(syntax: str) -> None:
    ds = make_dataset(
        "MONOCHROME2", 16, 12, False, 2, ROWS, COLS, syntax, text="DOE^JANE"
    )
    # Older writers often omit these: they must be added from the syntax.
    for keyword in (
        "LossyImageCompression",
        "LossyImageCompressionMethod",
        "LossyImageCompressionRatio",
    ):
        delattr(ds, keyword)
    frames = pixels.read_frames(ds)
    painted = frames.copy()
    painted[:, :10, :10] = 0
    pixels.write_frames(ds, painted)
    out = _reread(ds)
    assert out.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert out.LossyImageCompression == "01"
    assert out.LossyImageCompressionMethod == pixels.LOSSY_SYNTAXES[syntax]
    assert float(out.LossyImageCompressionRatio) > 1.0
    np.testing.assert_array_equal(pixels.read_frames(out), painted)


def test_lossy_history_is_kept() -> None:
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, ROWS, COLS, JPEGBaseline8Bit)
    ds.LossyImageCompressionRatio = ["4.5", "12.0"]
    ds.LossyImageCompressionMethod = ["ISO_10918_1", "ISO_10918_1"]
    pixels.write_frames(ds, pixels.read_frames(ds))
    assert list(ds.LossyImageCompressionRatio) == [4.5, 12.0]
    assert list(ds.LossyImageCompressionMethod) == ["ISO_10918_1", "ISO_10918_1"]


def test_jpeg_lossless_process14_keeps_its_syntax() -> None:
    ds = make_dataset(
        "MONOCHROME2", 16, 12, False, 1, ROWS, COLS, JPEGLossless, text="X"
    )
    frames = pixels.read_frames(ds)
    pixels.write_frames(ds, frames)
    out = _reread(ds)
    assert out.file_meta.TransferSyntaxUID == JPEGLossless
    np.testing.assert_array_equal(pixels.read_frames(out), frames)


def test_big_endian_written_as_explicit_little_endian() -> None:
    ds = dcmread(get_testdata_file("MR_small_bigendian.dcm"))
    assert ds.file_meta.TransferSyntaxUID == ExplicitVRBigEndian
    pixels.check_supported(ds, **LIMITS)
    frames = pixels.read_frames(ds)
    frames[:, :5, :5] = 0
    pixels.write_frames(ds, frames)
    out = _reread(ds)
    assert out.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    np.testing.assert_array_equal(pixels.read_frames(out), frames)
    assert out.PatientName == ds.PatientName


def test_ybr_full_read_as_rgb() -> None:
    ds = make_dataset("YBR_FULL", 8, 8, False, 1, ROWS, COLS, ExplicitVRLittleEndian)
    expected = make_frames("YBR_FULL", 8, False, 1, ROWS, COLS, None, np.uint8)
    frames = pixels.read_frames(ds)
    # YCbCr <-> RGB in 8 bits rounds: within a couple of levels.
    assert np.abs(frames.astype(int) - expected).max() <= 3


@pytest.mark.parametrize(
    ("photometric", "allocated", "stored", "signed"),
    [
        ("MONOCHROME1", 16, 12, False),
        ("MONOCHROME2", 16, 16, True),
        ("MONOCHROME1", 8, 8, False),
        ("MONOCHROME2", 8, 8, False),
    ],
)
def test_display_shows_text_bright_on_dark(
    photometric: str, allocated: int, stored: int, signed: bool
) -> None:
    ds = make_dataset(
        photometric, allocated, stored, signed, 2, ROWS, COLS, text="DOE^JANE"
    )
    frames = pixels.read_frames(ds)
    shown = pixels.display_frames(ds, frames)
    assert shown.dtype == np.uint8
    assert shown.shape == (2, ROWS, COLS, 3)
    text = frames == (frames.min() if photometric == "MONOCHROME1" else frames.max())
    assert shown[..., 0][text].min() >= 250
    assert shown[..., 0][~text].mean() < 160


def test_display_monochrome1_is_inverted_monochrome2() -> None:
    ds = make_dataset("MONOCHROME1", 16, 12, False, 1, ROWS, COLS, text="DOE")
    frames = pixels.read_frames(ds)
    shown1 = pixels.display_frames(ds, frames)
    ds.PhotometricInterpretation = "MONOCHROME2"
    shown2 = pixels.display_frames(ds, frames)
    np.testing.assert_array_equal(shown1.astype(int), 255 - shown2.astype(int))


def test_display_palette_through_lut_and_colour_unchanged() -> None:
    ds = make_dataset("PALETTE COLOR", 16, 16, False, 1, ROWS, COLS, text="DOE^JANE")
    frames = pixels.read_frames(ds)
    assert frames.ndim == 3  # indices, not RGB
    shown = pixels.display_frames(ds, frames)
    assert shown.shape == (1, ROWS, COLS, 3) and shown.dtype == np.uint8
    assert (shown[frames == 255] == 255).all()
    rgb = make_dataset("RGB", 8, 8, False, 1, ROWS, COLS)
    rgb_frames = pixels.read_frames(rgb)
    np.testing.assert_array_equal(pixels.display_frames(rgb, rgb_frames), rgb_frames)


def test_display_keeps_max_value_text_above_narrow_window() -> None:
    ds = make_dataset("MONOCHROME2", 16, 12, False, 1, ROWS, COLS, text="DOE^JANE")
    ds.WindowCenter, ds.WindowWidth = 100, 50  # would clip the text to white AND bg
    frames = pixels.read_frames(ds)
    shown = pixels.display_frames(ds, frames)[..., 0]
    assert shown[frames == frames.max()].min() == 255
    assert shown[frames < frames.max()].max() < 200


# --- check_supported ---------------------------------------------------------


def _plain() -> Dataset:
    return make_dataset("MONOCHROME2", 16, 12, False, 2, ROWS, COLS)


def test_short_pixel_data_rejected() -> None:
    ds = _plain()
    ds.PixelData = ds.PixelData[:-100]
    with pytest.raises(UnsupportedImageError, match=r"\(7FE0,0010\) 'Pixel Data'"):
        pixels.check_supported(ds, **LIMITS)


def test_excess_pixel_data_rejected() -> None:
    ds = _plain()
    ds.PixelData = ds.PixelData + b"\x00\x00" + b"DOE^JANE"
    with pytest.raises(UnsupportedImageError):
        pixels.check_supported(ds, **LIMITS)


def test_zero_padded_pixel_data_is_read() -> None:
    # pydicom's MR_small_padded.dcm: 128 zero bytes after the last frame.
    ds = _plain()
    frames = pixels.read_frames(ds)
    ds.PixelData = ds.PixelData + bytes(128)
    pixels.check_supported(ds, **LIMITS)
    np.testing.assert_array_equal(pixels.read_frames(ds), frames)


def test_absurd_sizes_hit_limits() -> None:
    ds = _plain()
    ds.Rows, ds.Columns = 60000, 60000
    with pytest.raises(ResourceLimitError):
        pixels.check_supported(ds, **LIMITS)
    ds = _plain()
    ds.NumberOfFrames = 5000
    with pytest.raises(ResourceLimitError):
        pixels.check_supported(ds, **LIMITS)


def test_float_pixel_data_rejected() -> None:
    ds = _plain()
    del ds.PixelData
    ds.FloatPixelData = np.zeros(4, "<f4").tobytes()
    with pytest.raises(UnsupportedImageError, match="Float Pixel Data"):
        pixels.check_supported(ds, **LIMITS)


def test_missing_pixel_data_rejected() -> None:
    ds = _plain()
    del ds.PixelData
    with pytest.raises(UnsupportedImageError, match="missing"):
        pixels.check_supported(ds, **LIMITS)


def test_unsupported_photometric_message_names_tag() -> None:
    ds = make_dataset("RGB", 8, 8, False, 1, ROWS, COLS)
    ds.PhotometricInterpretation = "YBR_ICT"
    with pytest.raises(UnsupportedImageError) as info:
        pixels.check_supported(ds, **LIMITS)
    assert str(info.value) == (
        "(0028,0004) 'Photometric Interpretation' = 'YBR_ICT' is not supported"
    )


@pytest.mark.parametrize("where", ["PhotometricInterpretation", "TransferSyntaxUID"])
def test_a_value_that_is_no_defined_term_is_not_repeated(where) -> None:
    # A hostile file may put the patient's name anywhere: the message names the
    # attribute, never echoes its text.
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, ROWS, COLS)
    setattr(ds.file_meta if where == "TransferSyntaxUID" else ds, where, "DOE JANE")
    with pytest.raises(UnsupportedImageError) as info:
        pixels.check_supported(ds, **LIMITS)
    assert "DOE" not in str(info.value)
    assert "not shown" in str(info.value)


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("BitsAllocated", 1),
        ("BitsStored", 17),
        ("SamplesPerPixel", 3),
        ("PixelRepresentation", 2),
    ],
)
def test_bad_image_pixel_module_rejected(keyword: str, value: int) -> None:
    ds = _plain()
    setattr(ds, keyword, value)
    with pytest.raises(UnsupportedImageError):
        pixels.check_supported(ds, **LIMITS)


def test_unknown_transfer_syntax_rejected() -> None:
    ds = _plain()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"  # MPEG2
    with pytest.raises(UnsupportedImageError, match=r"\(0002,0010\)"):
        pixels.check_supported(ds, **LIMITS)


@pytest.mark.parametrize(
    ("syntax", "implicit", "little"),
    [
        (ImplicitVRLittleEndian, True, True),
        (ExplicitVRLittleEndian, False, True),
        (ExplicitVRBigEndian, False, False),
    ],
)
def test_missing_transfer_syntax_is_the_encoding_read(syntax, implicit, little) -> None:
    # pydicom's meta_missing_tsyntax.dcm, and files without any file meta.
    ds = make_dataset("MONOCHROME2", 8, 8, False, 2, ROWS, COLS)
    frames = pixels.read_frames(ds)
    buffer = DicomBytesIO()
    buffer.is_implicit_VR, buffer.is_little_endian = implicit, little
    write_dataset(buffer, ds)
    bare = dcmread(io.BytesIO(buffer.getvalue()), force=True)
    assert "TransferSyntaxUID" not in getattr(bare, "file_meta", {})
    pixels.check_supported(bare, **LIMITS)
    assert bare.file_meta.TransferSyntaxUID == syntax
    np.testing.assert_array_equal(pixels.read_frames(bare), frames)


def test_missing_transfer_syntax_with_encapsulated_pixels_rejected() -> None:
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, ROWS, COLS, RLELossless)
    del ds.file_meta.TransferSyntaxUID
    with pytest.raises(UnsupportedImageError, match="is missing"):
        pixels.check_supported(ds, **LIMITS)


def test_read_frames_reports_decode_errors() -> None:
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, ROWS, COLS, JPEGBaseline8Bit)
    from pydicom.encaps import encapsulate

    ds.PixelData = encapsulate([b"\xff\xd8\xff\xdb" + bytes(60)])
    with pytest.raises(UnsupportedImageError, match="Decoding"):
        pixels.read_frames(ds)


def test_encode_as_rejects_out_of_range_values() -> None:
    ds = _plain()
    frames = pixels.read_frames(ds)
    frames[0, 0, 0] = 5000  # > 12 bits
    with pytest.raises(ValueError, match="Bits Stored"):
        pixels.encode_as(ds, frames, ExplicitVRLittleEndian)


def test_jpeg_lossless_falls_back_to_jpeg_ls_without_encoder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ds = make_dataset(
        "MONOCHROME2", 16, 12, False, 1, ROWS, COLS, JPEGLosslessSV1, text="X"
    )
    frames = pixels.read_frames(ds)

    def no_encoder(*args: object) -> bytes:
        raise UnsupportedImageError("no encoder")

    monkeypatch.setattr(pixels, "_jpeg_lossless", no_encoder)
    pixels.write_frames(ds, frames)
    out = _reread(ds)
    assert out.file_meta.TransferSyntaxUID == JPEGLSLossless
    np.testing.assert_array_equal(pixels.read_frames(out), frames)


def test_signed_values_whose_unused_bits_repeat_the_sign_are_clean() -> None:
    ds = make_dataset("MONOCHROME2", 16, 16, True, 1, 8, 8)
    ds.BitsStored, ds.HighBit = 12, 11
    values = np.array([-2048, -1, 0, 2047] * 16, dtype="<i2")
    ds.PixelData = values.tobytes()  # sign-extended, as writers store them
    assert not pixels.unused_bits_hold_data(ds)
    dirty = values.view("<u2") & 0x0FFF | 0x5000  # a bit above the sign set
    ds.PixelData = dirty.astype("<u2").tobytes()
    assert pixels.unused_bits_hold_data(ds)
    assert np.array_equal(pixels.read_frames(ds).ravel(), values)
