"""Review routes in a real Orthanc: previews, video export, boxes download, corrections.

These are what the review page and Orthanc Explorer call; they are usable without
the UI too (curl), so they are tested here on their own.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pydicom
import requests
from dicomgen import make_dataset
from PIL import Image
from pydicom.uid import generate_uid
from test_auto_redaction import WAIT_S, download, upload, wait_final

FRAMES = 3


def _multiframe() -> bytes:
    ds = make_dataset(
        "MONOCHROME2",
        8,
        8,
        False,
        FRAMES,
        240,
        320,
        text="DOE^JANE MRN48213977",
        study_uid=generate_uid(prefix=None),
        series_uid=generate_uid(prefix=None),
        sop_uid=generate_uid(prefix=None),
    )
    ds.CineRate = 10
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def _redacted(url: str) -> tuple[str, dict]:
    original = upload(url, _multiframe())
    status = wait_final(url, [original])[original]
    assert status["status"] == "done", status
    return original, status


def _png(
    url: str, instance: str, **params: object
) -> tuple[np.ndarray, requests.Response]:
    r = requests.get(
        f"{url}/redaction/instances/{instance}/preview.png",
        params=params,
        timeout=WAIT_S,
    )
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(r.content))), r


def test_previews_of_original_and_copy_per_frame(orthanc_url: str) -> None:
    original, status = _redacted(orthanc_url)
    assert status["frames"] == FRAMES
    for frame in range(FRAMES):
        before, r = _png(orthanc_url, original, frame=frame, which="original")
        after, _ = _png(orthanc_url, original, frame=frame, which="redacted")
        assert r.headers["X-Frames"] == str(FRAMES)
        assert before.shape[:2] == after.shape[:2] == (240, 320)
        assert (before != after).any(), (
            "the copy's frame differs where text was painted"
        )
    # Asked on the copy, the default view is the copy itself.
    copy_view, _ = _png(orthanc_url, status["redacted"], frame=0)
    assert (
        copy_view == _png(orthanc_url, original, frame=0, which="redacted")[0]
    ).all()
    small, _ = _png(orthanc_url, original, frame=0, max_side=100)
    assert max(small.shape[:2]) == 100
    r = requests.get(
        f"{orthanc_url}/redaction/instances/{original}/preview.png",
        params={"which": "sideways"},
        timeout=30,
    )
    assert r.status_code == 400
    for side in ("1", "-7"):  # a client error, not "cannot render"
        r = requests.get(
            f"{orthanc_url}/redaction/instances/{original}/preview.png",
            params={"max_side": side},
            timeout=30,
        )
        assert r.status_code == 400, side


def test_video_export_of_the_copy_has_every_frame(orthanc_url: str) -> None:
    _, status = _redacted(orthanc_url)
    copy = status["redacted"]
    gif = requests.get(
        f"{orthanc_url}/redaction/instances/{copy}/video.gif", timeout=WAIT_S
    )
    assert gif.status_code == 200 and gif.headers["Content-Type"] == "image/gif"
    assert Image.open(io.BytesIO(gif.content)).n_frames == FRAMES
    mp4 = requests.get(
        f"{orthanc_url}/redaction/instances/{copy}/video.mp4", timeout=WAIT_S
    )
    assert mp4.status_code == 200 and mp4.headers["Content-Type"] == "video/mp4"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "v.mp4"
        path.write_bytes(mp4.content)
        capture = cv2.VideoCapture(str(path))
        count = 0
        while capture.read()[0]:
            count += 1
        capture.release()
    assert count == FRAMES


def test_boxes_download_has_no_patient_text(orthanc_url: str) -> None:
    original, status = _redacted(orthanc_url)
    r = requests.get(f"{orthanc_url}/redaction/instances/{original}/boxes", timeout=30)
    assert r.status_code == 200
    assert "attachment" in r.headers.get("Content-Disposition", "")
    body = r.json()
    assert body["original"] == original and body["redacted"] == status["redacted"]
    assert body["boxes"] == status["boxes"] and body["boxes"]
    for word in ("DOE", "JANE", "48213977"):
        assert word not in r.text.upper()


def test_corrections_are_validated_kept_audited_and_applied(orthanc_url: str) -> None:
    original, status = _redacted(orthanc_url)
    url = f"{orthanc_url}/redaction/instances/{original}/corrections"
    for bad in (
        '{"add": [{"frame": 0}]}',
        "[1, 2]",
        "not json",
        '{"add": [{"frame": 0, "left": 0, "top": 0, "width": 0, "height": 5}]}',
        # A frame the image lacks made every later redaction fail.
        '{"add": [{"frame": 99, "left": 0, "top": 0, "width": 5, "height": 5}]}',
        '{"add": [{"frame": 0, "left": 1e400, "top": 0, "width": 5, "height": 5}]}',
        # Nested 5,000 deep: parsed in Orthanc's HTTP thread, it killed the server.
        "[" * 5000 + "]" * 5000,
    ):
        r = requests.put(url, data=bad, timeout=30)
        assert r.status_code == 400, (bad, r.text)
    # A region the engine left alone: textured anatomy-free background below the text.
    region = {"frame": 1, "left": 200, "top": 150, "width": 60, "height": 40}
    pixels_before = pydicom.dcmread(
        io.BytesIO(download(orthanc_url, status["redacted"]))
    ).pixel_array
    r = requests.put(url, data=json.dumps({"add": [region], "keep": []}), timeout=30)
    assert r.status_code == 200, r.text
    stored = r.json()
    assert stored["add"][0]["left"] == 200 and len(stored["history"]) >= 1
    # The copy's id maps to the same corrections.
    via_copy = requests.get(
        f"{orthanc_url}/redaction/instances/{status['redacted']}/corrections",
        timeout=30,
    ).json()
    assert via_copy["add"] == stored["add"]

    r = requests.post(f"{orthanc_url}/redaction/instances/{original}", timeout=WAIT_S)
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["status"] == "done"
    assert any(b["source"] == "reviewer" and b["frame"] == 1 for b in again["boxes"])
    after = pydicom.dcmread(
        io.BytesIO(download(orthanc_url, again["redacted"]))
    ).pixel_array
    y, x, h, w = region["top"], region["left"], region["height"], region["width"]
    assert np.ptp(after[1, y : y + h, x : x + w]) == 0, "the reviewer's box is painted"
    assert np.ptp(pixels_before[1, y : y + h, x : x + w]) > 0, "textured before"
    report = requests.get(
        f"{orthanc_url}/instances/{again['redacted']}/attachments/RedactionReport/data",
        timeout=30,
    ).json()
    assert report["corrections"]["added_boxes"] == 1


def test_ui_files_are_served_and_nothing_else(orthanc_url: str) -> None:
    for name in ("..%2Forthanc.json", ".hidden.js", "nothere.html", "x.py"):
        r = requests.get(f"{orthanc_url}/redaction/ui/{name}", timeout=30)
        assert r.status_code == 404, name
