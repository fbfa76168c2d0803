"""The plugin inside a real Orthanc: health, on-the-fly redaction, errors.

``POST /redaction/redact`` answers a redacted file and stores nothing; automatic
redaction of stored instances is tested in ``test_auto_redaction.py``.
"""

from __future__ import annotations

import base64
import io
import json
import time

import numpy as np
import pydicom
import pytest
import requests
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (
    ExplicitVRLittleEndian,
    SecondaryCaptureImageStorage,
    generate_uid,
)

from plugin import __version__

# Invented identity, also burned into the pixels.
PATIENT_NAME = "DOE^JANE"
PATIENT_ID = "MRN48213977"
TIMEOUT = 300  # the first redaction loads the OCR and NER models


def make_dicom() -> tuple[bytes, np.ndarray]:
    """A 256x256 MONOCHROME2 file with the name and MRN drawn near the top.

    Returns the file and the mask of the text strokes (``True`` = ink).
    """
    rows = cols = 256
    image = Image.new("L", (cols, rows), 0)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=20)
    draw.text((8, 8), "DOE^JANE", fill=255, font=font)
    draw.text((8, 36), PATIENT_ID, fill=255, font=font)
    text_mask = np.asarray(image) > 0
    # A plain "anatomy" blob away from the text so the frame is not only text.
    yy, xx = np.mgrid[0:rows, 0:cols]
    body = ((yy - 170) ** 2 + (xx - 128) ** 2) < 60**2
    pixels = np.where(text_mask, 255, np.where(body, 90, 10)).astype(np.uint8)

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = PATIENT_NAME
    ds.PatientID = PATIENT_ID
    ds.PatientBirthDate = "19800214"
    ds.StudyDate = "20240315"
    ds.Modality = "OT"
    ds.set_pixel_data(pixels, "MONOCHROME2", 8)
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue(), text_mask


def _no_identity(ds: pydicom.Dataset) -> None:
    text = str(ds).upper()
    assert "DOE" not in text
    assert "JANE" not in text
    assert "48213977" not in text


def test_system_answers(orthanc_url: str) -> None:
    assert requests.get(orthanc_url + "/system", timeout=10).json()["Version"]


def test_health(orthanc_url: str) -> None:
    # The workers load their models after Orthanc answers: engine_ready turns true
    # within seconds (run alone, this test is the first to ask).
    deadline = time.monotonic() + 120
    while True:
        r = requests.get(orthanc_url + "/redaction/health", timeout=10)
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("application/json")
        body = r.json()
        if body["engine_ready"] or body["engine_error"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert body["version"] == __version__
    assert body["ocr_backend"]
    assert body["engine_ready"] is True, body.get("engine_error")


def _instances(orthanc_url: str) -> list[str]:
    return requests.get(orthanc_url + "/instances", timeout=10).json()


def test_redact_json_returns_redacted_copy_and_stores_nothing(orthanc_url: str) -> None:
    before = _instances(orthanc_url)
    data, text_mask = make_dicom()
    r = requests.post(
        orthanc_url + "/redaction/redact?format=json",
        data=data,
        # Orthanc 1.10 does not pass a POST's query string to plugins: the Accept
        # header selects JSON there.
        headers={"Content-Type": "application/dicom", "Accept": "application/json"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"redacted_instance", "boxes", "report"}
    assert body["report"]["status"] == "done"
    assert body["boxes"], "the burned-in name and MRN must give boxes"
    for box in body["boxes"]:
        assert {
            "frame",
            "left",
            "top",
            "width",
            "height",
            "entity_type",
            "source",
        } <= set(box)
    plain = json.dumps({"boxes": body["boxes"], "report": body["report"]}).upper()
    assert "DOE" not in plain and "48213977" not in plain, "no PHI text in the report"

    out = pydicom.dcmread(io.BytesIO(base64.b64decode(body["redacted_instance"])))
    _no_identity(out)
    original = pydicom.dcmread(io.BytesIO(data)).pixel_array
    redacted = out.pixel_array
    assert redacted.shape == original.shape
    changed = redacted != original
    covered = np.zeros_like(text_mask)
    for box in body["boxes"]:
        top, left = box["top"], box["left"]
        region = redacted[top : top + box["height"], left : left + box["width"]]
        # A painted box is one flat value: no stroke of the text survives in it.
        assert np.ptp(region) == 0, box
        covered[top : top + box["height"], left : left + box["width"]] = True
    assert covered[text_mask].all(), "every ink pixel of the name and MRN is in a box"
    ys, xs = np.nonzero(text_mask)
    assert changed[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].any()
    # Far from the text nothing moves (uncompressed in, uncompressed out).
    assert not changed[120:, :].any()

    assert _instances(orthanc_url) == before


def test_redact_dicom_answer_carries_boxes_header(orthanc_url: str) -> None:
    before = _instances(orthanc_url)
    data, _ = make_dicom()
    r = requests.post(
        orthanc_url + "/redaction/redact",
        data=data,
        headers={"Content-Type": "application/dicom"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"] == "application/dicom"
    boxes = json.loads(r.headers["X-Redaction-Boxes"])
    assert isinstance(boxes, list) and boxes
    _no_identity(pydicom.dcmread(io.BytesIO(r.content)))
    assert _instances(orthanc_url) == before


def _truncated() -> bytes:
    data, _ = make_dicom()
    return data[: len(data) // 2]  # Pixel Data cut in half


def _cut_before_pixels() -> bytes:
    data, _ = make_dicom()
    return data[: data.rfind(b"\xe0\x7f\x10\x00")]


def _nested(depth: int) -> bytes:
    """A DICOM file (Implicit VR) whose sequences nest ``depth`` deep, written
    byte by byte: undefined-length sequences and items, 32 bytes a level."""
    import struct

    def tag(group: int, element: int, length: int) -> bytes:
        return struct.pack("<HHI", group, element, length)

    undefined = 0xFFFFFFFF
    opening = tag(0x0008, 0x1115, undefined) + tag(0xFFFE, 0xE000, undefined)
    closing = tag(0xFFFE, 0xE00D, 0) + tag(0xFFFE, 0xE0DD, 0)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = "1.2.3.4.99"
    meta.TransferSyntaxUID = "1.2.840.10008.1.2"
    head = io.BytesIO()
    pydicom.filewriter.write_file_meta_info(head, meta)
    sop = b"1.2.840.10008.5.1.4.1.1.7\0"
    return (
        b"\0" * 128
        + b"DICM"
        + head.getvalue()
        + tag(0x0008, 0x0016, len(sop))
        + sop
        + opening * depth
        + closing * depth
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty"),
        (b"this is not a DICOM file", "invalid-dicom"),
        (_truncated(), None),  # any code: the core decides (e.g. "unsupported")
        # Cut just before its Pixel Data: an image without pixels, not a report.
        (_cut_before_pixels(), "invalid-dicom"),
        # Parsed in Orthanc's HTTP thread, 200 levels overflowed its small stack
        # and took the server down.
        (_nested(400), "invalid-dicom"),
    ],
    ids=["empty", "not-dicom", "truncated", "cut-before-pixels", "nested-400-deep"],
)
def test_corrupt_body_is_a_json_client_error(
    orthanc_url: str, body: bytes, code: str | None
) -> None:
    r = requests.post(orthanc_url + "/redaction/redact", data=body, timeout=TIMEOUT)
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    err = r.json()
    assert err["error"] and err["code"]
    if code is not None:
        assert err["code"] == code
    assert "DOE" not in r.text and "48213977" not in r.text
    assert requests.get(orthanc_url + "/system", timeout=10).status_code == 200


def test_redact_without_pixels_is_422(orthanc_url: str) -> None:
    # An object that has no pixels (a report); an image without them is a file cut
    # short, a 400 (see test_corrupt_body_is_a_json_client_error).
    basic_text_sr = "1.2.840.10008.5.1.4.1.1.88.11"
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = basic_text_sr
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SOPClassUID = basic_text_sr
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.PatientName = PATIENT_NAME
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    r = requests.post(
        orthanc_url + "/redaction/redact", data=buf.getvalue(), timeout=30
    )
    assert r.status_code == 422
    assert "DOE" not in r.text
    assert r.json()["code"] == "no-pixel-data"


def test_wrong_method(orthanc_url: str) -> None:
    assert (
        requests.get(orthanc_url + "/redaction/redact", timeout=10).status_code == 405
    )
    assert (
        requests.post(orthanc_url + "/redaction/health", timeout=10).status_code == 405
    )


def test_unknown_setting_stops_startup(orthanc_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    start, stop = orthanc_factory
    server = start(tmp_path, {"ORTHANC__PIXEL_REDACTION__NO_SUCH_KEY": "1"})
    try:
        code = server.process.wait(120)
    finally:
        stop(server)
    log = server.log_tail()
    assert code != 0, log
    assert "NoSuchKey" in log, log
