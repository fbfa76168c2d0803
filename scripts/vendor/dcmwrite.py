"""Write a canvas as a DICOM file: pixel module, SOP class, UIDs and header.

Grayscale canvases hold values in display sense (larger = brighter); for
MONOCHROME1 they are inverted on the way out, window included. Colour canvases hold
0..255 RGB; with ``jpeg`` they are written as JPEG Baseline (Pillow, 4:2:2 chroma,
YBR_FULL_422). PALETTE COLOR canvases hold 8-bit indices and carry a 16-bit LUT.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence
from pydicom.uid import (
    ExplicitVRLittleEndian,
    JPEGBaseline8Bit,
    generate_uid,
)

SOP = {
    "CR": "1.2.840.10008.5.1.4.1.1.1",
    "DX": "1.2.840.10008.5.1.4.1.1.1.1",
    "MG": "1.2.840.10008.5.1.4.1.1.1.2",
    "IO": "1.2.840.10008.5.1.4.1.1.1.3",
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "US-MF": "1.2.840.10008.5.1.4.1.1.3.1",
    "US": "1.2.840.10008.5.1.4.1.1.6.1",
    "SC": "1.2.840.10008.5.1.4.1.1.7",
    "SC-MF-BYTE": "1.2.840.10008.5.1.4.1.1.7.2",
    "SC-MF-WORD": "1.2.840.10008.5.1.4.1.1.7.3",
    "SC-MF-RGB": "1.2.840.10008.5.1.4.1.1.7.4",
    "XA": "1.2.840.10008.5.1.4.1.1.12.1",
    "RF": "1.2.840.10008.5.1.4.1.1.12.2",
    "NM": "1.2.840.10008.5.1.4.1.1.20",
    "ES": "1.2.840.10008.5.1.4.1.1.77.1.1",
}
_FRAME_TIME = 0x00181063


@dataclasses.dataclass
class Spec:
    """Pixel and SOP description of one output file."""

    modality: str
    sop: str  # key of SOP
    photometric: str = "MONOCHROME2"
    bits_stored: int = 8
    bits_allocated: int = 8
    signed: bool = False
    jpeg: bool = False
    jpeg_quality: int = 92
    window: tuple[float, float] | None = None  # centre, width, display sense
    rescale: tuple[float, float] | None = None  # slope, intercept
    palette: np.ndarray | None = None  # (256, 3) uint16
    frame_time: float = 40.0
    scene: str = ""

    @property
    def value_range(self) -> tuple[int, int]:
        if self.signed:
            return -(1 << (self.bits_stored - 1)), (1 << (self.bits_stored - 1)) - 1
        return 0, (1 << self.bits_stored) - 1

    @property
    def transfer_syntax(self) -> str:
        return str(JPEGBaseline8Bit if self.jpeg else ExplicitVRLittleEndian)


def _charset(values: list[Any]) -> str | None:
    text = "".join(str(v) for v in values if isinstance(v, str))
    if text.isascii():
        return None
    try:
        text.encode("latin-1")
        return "ISO_IR 100"
    except UnicodeEncodeError:
        return "ISO_IR 192"


def quantise(img: np.ndarray, spec: Spec) -> np.ndarray:
    """Canvas floats -> stored pixel array (frames, rows, cols[, 3])."""
    if spec.photometric in ("RGB", "YBR_FULL_422"):
        return np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if spec.photometric == "PALETTE COLOR":
        return np.clip(np.rint(img), 0, 255).astype(np.uint8)
    lo, hi = spec.value_range
    v = np.clip(np.rint(img), lo, hi)
    if spec.photometric == "MONOCHROME1":
        v = (lo + hi) - v
    if spec.bits_allocated == 8:
        return v.astype(np.uint8)
    return v.astype(np.int16 if spec.signed else np.uint16)


def _jpeg_frames(px: np.ndarray, spec: Spec) -> list[bytes]:
    out = []
    for fr in px:
        buf = io.BytesIO()
        mode = "RGB" if fr.ndim == 3 else "L"
        kw: dict[str, Any] = {"quality": spec.jpeg_quality}
        if mode == "RGB":
            kw["subsampling"] = 1  # 4:2:2, as YBR_FULL_422 says
        Image.fromarray(fr, mode).save(buf, format="JPEG", **kw)
        out.append(buf.getvalue())
    return out


def write(
    path: Path,
    img: np.ndarray,
    spec: Spec,
    header: dict[str, Any],
    uid_seed: list[Any],
) -> dict[str, Any]:
    """Write one file. Returns the pixel facts for truth.json."""
    px = quantise(img, spec)
    frames, rows, cols = px.shape[:3]
    sop_class = SOP[spec.sop]

    def uid(tag: str) -> str:
        return generate_uid(entropy_srcs=[*map(str, uid_seed), tag])

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = uid("sop")
    meta.TransferSyntaxUID = spec.transfer_syntax
    meta.ImplementationClassUID = generate_uid(entropy_srcs=["vendor-gen"])
    meta.ImplementationVersionName = "VENDORGEN_1"

    ds = Dataset()
    ds.file_meta = meta
    cs = _charset(list(header.values()))
    if cs:
        ds.SpecificCharacterSet = cs
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = uid("study")
    ds.SeriesInstanceUID = uid("series")
    ds.FrameOfReferenceUID = uid("for")
    ds.Modality = spec.modality
    for kw, val in header.items():
        if kw == "OtherPatientIDs":
            item = Dataset()
            item.PatientID = val
            item.TypeOfPatientID = "TEXT"
            ds.OtherPatientIDsSequence = Sequence([item])
            continue
        setattr(ds, kw, val)
    if spec.sop.startswith("SC"):
        ds.ConversionType = "WSD"
    ds.SeriesNumber = header.get("SeriesNumber", 1)
    ds.InstanceNumber = header.get("InstanceNumber", 1)

    # --- pixel module
    colour = px.ndim == 4
    ds.SamplesPerPixel = 3 if colour else 1
    ds.PhotometricInterpretation = spec.photometric
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated = (
        8 if (colour or spec.photometric == "PALETTE COLOR") else spec.bits_allocated
    )
    ds.BitsStored = (
        8 if (colour or spec.photometric == "PALETTE COLOR") else spec.bits_stored
    )
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if spec.signed else 0
    if colour:
        ds.PlanarConfiguration = 0
    if frames > 1 or spec.sop in (
        "US-MF",
        "XA",
        "RF",
        "SC-MF-BYTE",
        "SC-MF-WORD",
        "SC-MF-RGB",
        "NM",
    ):
        ds.NumberOfFrames = frames
        if spec.sop == "NM":
            ds.FrameIncrementPointer = [0x00540010, 0x00540020]
            ds.EnergyWindowVector = [1] * frames
            ds.DetectorVector = [1] * frames
            ds.NumberOfEnergyWindows = 1
            ds.NumberOfDetectors = 1
        else:
            ds.FrameIncrementPointer = _FRAME_TIME
            ds.FrameTime = f"{spec.frame_time:.1f}"
            if spec.sop in ("US-MF", "XA", "RF"):
                ds.CineRate = round(1000.0 / spec.frame_time)
    if spec.photometric in ("MONOCHROME1", "MONOCHROME2") and spec.window:
        c, w = spec.window
        if spec.photometric == "MONOCHROME1":
            lo, hi = spec.value_range  # MONOCHROME1 is never drawn with a rescale
            c = lo + hi - c
        ds.WindowCenter = f"{c:.1f}"
        ds.WindowWidth = f"{w:.1f}"
        ds.VOILUTFunction = "LINEAR"
    if spec.rescale:
        ds.RescaleSlope = f"{spec.rescale[0]:g}"
        ds.RescaleIntercept = f"{spec.rescale[1]:g}"
        ds.RescaleType = "HU" if spec.modality == "CT" else "US"
    if spec.photometric == "PALETTE COLOR":
        lut = np.asarray(spec.palette, np.uint16)
        for i, c in enumerate(("Red", "Green", "Blue")):
            setattr(ds, f"{c}PaletteColorLookupTableDescriptor", [256, 0, 16])
            setattr(
                ds, f"{c}PaletteColorLookupTableData", lut[:, i].astype("<u2").tobytes()
            )
    if spec.jpeg:
        ds.PixelData = encapsulate(_jpeg_frames(px, spec))
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
        ds.LossyImageCompression = "01"
        ds.LossyImageCompressionMethod = "ISO_10918_1"
    else:
        ds.PixelData = px.tobytes()
        ds["PixelData"].VR = "OW" if ds.BitsAllocated > 8 else "OB"
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return {
        "modality": spec.modality,
        "photometric": spec.photometric,
        "bits_allocated": int(ds.BitsAllocated),
        "bits_stored": int(ds.BitsStored),
        "signed": bool(spec.signed),
        "transfer_syntax": spec.transfer_syntax,
        "frames": int(frames),
        "rows": int(rows),
        "cols": int(cols),
    }


def read_back(path: Path) -> np.ndarray:
    """Decoded pixels of a written file (for self-checks)."""
    return pydicom.dcmread(path).pixel_array
