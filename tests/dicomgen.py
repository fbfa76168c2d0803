"""Generate small DICOM datasets with burned-in fake PHI for tests.

Every value here is invented. ``make_dataset`` draws ``text`` into each frame
with Pillow, stores the frames through :func:`plugin.core.pixels.encode_as` in
the requested transfer syntax, writes the dataset to memory and reads it back,
so tests see Pixel Data exactly as a file would carry it.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit, JPEGExtended12Bit

from plugin.core.pixels import encode_as

FAKE_IDENTITY: dict[str, Any] = {
    "PatientName": "DOE^JANE^Q",
    "PatientID": "MRN48213977",
    "IssuerOfPatientID": "SPRINGFIELD-GH",
    "OtherPatientIDs": ["OPID7781", "OPID7782"],
    "PatientBirthDate": "19800214",
    "PatientAddress": "42 Evergreen Terrace Springfield",
    "PatientTelephoneNumbers": "555-0142",
    "AccessionNumber": "ACC5531907",
    "StudyDate": "20240315",
    "SeriesDate": "20240315",
    "AcquisitionDate": "20240315",
    "ContentDate": "20240315",
    "StudyTime": "101530",
    "SeriesTime": "101612",
    "AcquisitionTime": "101645",
    "ContentTime": "101702",
    "InstitutionName": "Springfield General Hospital",
    "InstitutionAddress": "1 Hospital Road Springfield",
    "ReferringPhysicianName": "HIBBERT^JULIUS",
    "PerformingPhysicianName": "RIVIERA^NICK",
    "OperatorsName": "SMITHERS^WAYLON",
    "NameOfPhysiciansReadingStudy": "MONROE^MARVIN",
    "StudyID": "STY90210",
    "StationName": "CTSTATION07",
    "DeviceSerialNumber": "SN4455661",
    "MedicalRecordLocator": "SHELF-B-12",
}

_PALETTE = np.linspace(0, 255, 256).astype(np.uint16)


def _value_range(bits_stored: int, signed: bool) -> tuple[int, int]:
    if signed:
        return -(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1
    return 0, (1 << bits_stored) - 1


def _text_mask(rows: int, cols: int, text: str | None, frame: int) -> np.ndarray:
    image = Image.new("L", (cols, rows), 0)
    if text:
        draw = ImageDraw.Draw(image)
        draw.text((4 + frame, 4), text, fill=255)
        draw.text((4, rows - 14), f"ID {frame}", fill=255)
    return np.asarray(image) > 0


def make_frames(
    photometric: str,
    bits_stored: int,
    signed: bool,
    frames: int,
    rows: int,
    cols: int,
    text: str | None = None,
    dtype: Any = None,
) -> np.ndarray:
    """Frames as ``read_frames`` returns them: colour as RGB, palette as indices."""
    low, high = _value_range(bits_stored, signed)
    yy, xx = np.mgrid[0:rows, 0:cols]
    out = []
    for index in range(frames):
        mask = _text_mask(rows, cols, text, index)
        # A smooth gradient over the lower half of the range: text stands out.
        ramp = (xx + yy + 7 * index) / float(rows + cols + 7 * frames)
        gray = low + ramp * (high - low) * 0.5
        if photometric in ("RGB", "YBR_FULL", "YBR_FULL_422"):
            rgb = np.stack([gray, gray[::-1], np.full_like(gray, (low + high) / 3)], -1)
            rgb[mask] = high
            out.append(rgb)
        elif photometric == "MONOCHROME1":
            # Displayed inverted: the lowest stored value shows as white text.
            gray = gray + (high - low) * 0.4
            gray[mask] = low
            out.append(gray)
        else:
            gray[mask] = high
            out.append(gray)
    arr = np.rint(np.stack(out))
    return arr.astype(dtype)


def _dtype(bits_allocated: int, signed: bool) -> Any:
    return np.dtype(f"{'i' if signed else 'u'}{bits_allocated // 8}")


def make_dataset(
    photometric: str,
    bits_allocated: int,
    bits_stored: int,
    signed: bool,
    frames: int,
    rows: int,
    cols: int,
    transfer_syntax: str = ExplicitVRLittleEndian,
    text: str | None = None,
    *,
    study_uid: str = "1.2.826.0.1.3680043.8.498.1001",
    series_uid: str = "1.2.826.0.1.3680043.8.498.1002",
    sop_uid: str = "1.2.826.0.1.3680043.8.498.1003",
    identity: dict[str, Any] | None = None,
) -> Dataset:
    """Build a dataset with fake identity in header and ``text`` burned into pixels.

    Parameters
    ----------
    photometric, bits_allocated, bits_stored, signed, frames, rows, cols
        Image Pixel module of the result (colour is encoded from RGB; JPEG
        Baseline colour ends up as YBR_FULL_422, as scanners write it).
    transfer_syntax
        Transfer syntax UID of the stored Pixel Data.
    text
        Fake PHI drawn at the top left of every frame (e.g. ``"DOE^JANE"``).
    study_uid, series_uid, sop_uid, identity
        Header values to use instead of the defaults.

    Returns
    -------
    pydicom.dataset.Dataset
        The dataset as read back from an in-memory file.
    """
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.file_meta.TransferSyntaxUID = transfer_syntax
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.FrameOfReferenceUID = study_uid + ".9"
    ds.Modality = "OT"
    ds.ConversionType = "WSD"
    ds.PatientSex = "F"
    ds.PatientAge = "044Y"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.BurnedInAnnotation = "YES"
    for keyword, value in (identity or FAKE_IDENTITY).items():
        setattr(ds, keyword, value)

    # Nested identity and references: the profile must reach into sequences.
    other = Dataset()
    other.PatientID = "NESTED-PID-5512"
    other.IssuerOfPatientID = "NESTED-ISSUER"
    ds.OtherPatientIDsSequence = Sequence([other])
    ref = Dataset()
    ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ref.ReferencedSOPInstanceUID = "1.2.826.0.1.3680043.8.498.1999"
    ds.ReferencedImageSequence = Sequence([ref])
    request = Dataset()
    request.AccessionNumber = "ACC-NESTED-77"
    request.RequestedProcedureID = "RPID-3321"
    ds.RequestAttributesSequence = Sequence([request])

    # Private block holding PHI, an icon and an overlay: all must disappear.
    block = ds.private_block(0x0011, "FAKE VENDOR", create=True)
    block.add_new(0x01, "LO", "DOE^JANE PRIVATE")
    icon = Dataset()
    icon.Rows, icon.Columns = 8, 8
    icon.SamplesPerPixel = 1
    icon.PhotometricInterpretation = "MONOCHROME2"
    icon.BitsAllocated = icon.BitsStored = 8
    icon.HighBit = 7
    icon.PixelRepresentation = 0
    icon.PixelData = bytes(64)
    ds.IconImageSequence = Sequence([icon])
    ds.add_new(0x60000010, "US", 8)
    ds.add_new(0x60000011, "US", 8)
    ds.add_new(0x60000022, "LO", "overlay with DOE")
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60003000, "OW", bytes(8))

    ds.PhotometricInterpretation = photometric
    ds.BitsStored = bits_stored
    if photometric == "PALETTE COLOR":
        for colour in ("Red", "Green", "Blue"):
            setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 16])
            lut = _PALETTE * 257 if colour != "Blue" else (255 - _PALETTE) * 257
            setattr(
                ds, f"{colour}PaletteColorLookupTableData", lut.astype("<u2").tobytes()
            )
        # The text index (255) must look white: blue ramps down, so pin it.
        blue = (255 - _PALETTE) * 257
        blue[255] = 65535
        ds.BluePaletteColorLookupTableData = blue.astype("<u2").tobytes()

    arr = make_frames(
        photometric,
        bits_stored,
        signed,
        frames,
        rows,
        cols,
        text,
        _dtype(bits_allocated, signed),
    )
    if frames > 1:
        ds.NumberOfFrames = frames
    stored = photometric if photometric in ("YBR_FULL", "YBR_FULL_422") else None
    if (
        transfer_syntax in (JPEGBaseline8Bit, JPEGExtended12Bit)
        and photometric == "RGB"
    ):
        stored = "YBR_FULL_422"
    encode_as(ds, arr, transfer_syntax, photometric=stored)

    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return dcmread(io.BytesIO(buffer.getvalue()))
