"""Turn a finished scene into a DICOM Part-10 file with a device-like header."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pydicom
from common import Shot
from fakeid import Case
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixels import set_pixel_data
from pydicom.uid import (
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLSLossless,
    RLELossless,
    generate_uid,
)

_SYNTAX = {
    "explicit": ExplicitVRLittleEndian,
    "implicit": ImplicitVRLittleEndian,
    "rle": RLELossless,
    "jpegls": JPEGLSLossless,
    "j2k": JPEG2000Lossless,
    "jpeg": JPEGBaseline8Bit,
}


def stored_values(shot: Shot) -> np.ndarray:
    """Display units 0..1 -> stored pixel values over the full Bits Stored range
    (inverted for MONOCHROME1), the same linear map the scorer reads back."""
    img = shot.canvas.img
    top = (1 << shot.bits_stored) - 1
    lo = -(1 << (shot.bits_stored - 1)) if shot.signed else 0
    if shot.photometric == "MONOCHROME1":
        img = 1.0 - img
    v = np.rint(np.clip(img, 0, 1) * top) + lo
    if shot.bits_stored <= 8:
        return v.astype(np.uint8)
    return v.astype(np.int16 if shot.signed else np.uint16)


def _jpeg_frames(pixels: np.ndarray, quality: int) -> list[bytes]:
    """JPEG baseline per frame with Pillow (pydicom has no baseline encoder);
    colour is coded as YCbCr 4:2:2, hence Photometric YBR_FULL_422 (PS3.5 8.2.1)."""
    out = []
    for frame in pixels:
        buf = io.BytesIO()
        if frame.ndim == 3:
            Image.fromarray(frame, "RGB").save(
                buf, "JPEG", quality=quality, subsampling=1
            )
        else:
            Image.fromarray(frame, "L").save(buf, "JPEG", quality=quality)
        out.append(buf.getvalue())
    return out


def build(shot: Shot, case: Case, rng: random.Random, uid_key: str) -> Dataset:
    """Header as a device would fill it, then the pixels in the wanted syntax."""

    def uid(part: str) -> str:
        # Deterministic per seed and file: the UID is a hash of these strings.
        return generate_uid(entropy_srcs=[uid_key, part])

    study = case.study
    acq = study.replace(minute=min(59, study.minute + rng.randint(0, 20)))
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    non_ascii = any(
        ord(c) > 127
        for c in case.patient.pn()
        + case.referring.pn()
        + case.institution
        + case.performing.pn()
        + case.operator.pn()
        + case.institution_street
        + case.institution_city
    )
    ds.SpecificCharacterSet = "ISO_IR 192" if non_ascii else "ISO_IR 100"
    ds.ImageType = shot.attrs.pop(
        "ImageType",
        ["DERIVED", "SECONDARY"]
        if shot.modality in ("SC", "OT")
        else ["ORIGINAL", "PRIMARY"],
    )
    ds.SOPClassUID = shot.sop_class
    ds.SOPInstanceUID = uid("sop")
    ds.StudyDate = study.strftime("%Y%m%d")
    ds.SeriesDate = ds.StudyDate
    ds.AcquisitionDate = acq.strftime("%Y%m%d")
    ds.ContentDate = acq.strftime("%Y%m%d")
    ds.StudyTime = study.strftime("%H%M%S")
    ds.SeriesTime = study.strftime("%H%M%S")
    ds.AcquisitionTime = acq.strftime("%H%M%S")
    ds.ContentTime = acq.strftime("%H%M%S")
    ds.AccessionNumber = case.accession
    ds.Modality = shot.modality
    if shot.modality in ("SC", "OT"):
        ds.ConversionType = "WSD"
    ds.Manufacturer = shot.device[0]
    ds.InstitutionName = case.institution
    ds.InstitutionAddress = f"{case.institution_street}, {case.institution_city}"
    ds.ReferringPhysicianName = case.referring.pn()
    ds.StationName = rng.choice(
        [
            "US-ROOM3",
            "CT01",
            "MRI_2",
            "ANGIO1",
            "SCAN-PC",
            "ENDO-2",
            "WS-READ4",
            "DX-PORT1",
        ]
    )
    ds.StudyDescription = shot.study
    ds.SeriesDescription = shot.series
    ds.InstitutionalDepartmentName = case.department
    ds.PerformingPhysicianName = case.performing.pn()
    ds.OperatorsName = case.operator.pn()
    ds.ManufacturerModelName = shot.device[1]
    ds.PatientName = case.patient.pn()
    ds.PatientID = case.patient_id
    ds.IssuerOfPatientID = "HIS"
    ds.PatientBirthDate = case.birth.strftime("%Y%m%d")
    ds.PatientSex = case.patient.sex
    ds.PatientAge = case.age_string()
    if shot.body_part:
        ds.BodyPartExamined = shot.body_part
    ds.DeviceSerialNumber = str(rng.randint(10000, 999999))
    ds.SoftwareVersions = (
        f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{rng.randint(0, 40)}"
    )
    ds.StudyInstanceUID = uid("study")
    ds.SeriesInstanceUID = uid("series")
    ds.StudyID = str(rng.randint(1, 99999))
    ds.SeriesNumber = rng.randint(1, 12)
    ds.InstanceNumber = rng.randint(1, 200)
    ds.PatientOrientation = ""
    ds.BurnedInAnnotation = "YES"
    for keyword, value in shot.attrs.items():
        setattr(ds, keyword, value)

    pixels = stored_values(shot)
    if shot.canvas.frames == 1:
        pixels = pixels[0]
    photometric = "RGB" if shot.photometric == "YBR_FULL_422" else shot.photometric
    # Both would otherwise replace the SOP Instance UID with a random one.
    set_pixel_data(
        ds, pixels, photometric, shot.bits_stored, generate_instance_uid=False
    )
    syntax = _SYNTAX[shot.syntax]
    if shot.syntax == "jpeg":
        quality = rng.randint(85, 95)
        frames = pixels if shot.canvas.frames > 1 else pixels[None]
        ds.PixelData = encapsulate(_jpeg_frames(frames, quality))
        ds["PixelData"].VR = "OB"
        if ds.SamplesPerPixel == 3:
            ds.PhotometricInterpretation = "YBR_FULL_422"
        ds.LossyImageCompression = "01"
        ds.LossyImageCompressionMethod = "ISO_10918_1"
        ds.file_meta.TransferSyntaxUID = syntax
    elif syntax.is_compressed:
        ds.compress(syntax, generate_instance_uid=False)
    else:
        ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return ds


def save(ds: Dataset, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    implicit = ds.file_meta.TransferSyntaxUID == ImplicitVRLittleEndian
    ds.save_as(path, enforce_file_format=True, implicit_vr=implicit, little_endian=True)
    pydicom.dcmread(path, stop_before_pixels=True)  # fail early on a broken file


def header_identity(ds: Dataset, case: Case) -> list[str]:
    """The identity strings as stored in the header, for the scorer's header check."""
    values = [
        str(ds.PatientName),
        *case.patient.parts(),
        ds.PatientID,
        ds.PatientBirthDate,
        ds.StudyDate,
        ds.AccessionNumber,
        ds.InstitutionName,
        ds.InstitutionAddress,
        str(ds.ReferringPhysicianName),
        case.referring.family,
        str(ds.PerformingPhysicianName),
        case.performing.family,
        str(ds.OperatorsName),
        case.operator.family,
    ]
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return seen
