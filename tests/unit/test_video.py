"""orthanc-redact video: MP4 and GIF of a multi-frame file, frames counted back."""

import cv2
import pytest
from dicomgen import make_dataset
from PIL import Image, ImageSequence
from pydicom.uid import ExplicitVRLittleEndian

from plugin.cli import main
from plugin.video import DEFAULT_FPS, frame_rate


@pytest.fixture
def cine(tmp_path):
    ds = make_dataset(
        "MONOCHROME2", 8, 8, False, 5, 64, 96, ExplicitVRLittleEndian, "DOE"
    )
    ds.FrameTime = 40  # ms -> 25 frames/s
    path = tmp_path / "cine.dcm"
    ds.save_as(path, enforce_file_format=True)
    return path


def test_mp4_has_every_frame_at_the_dicom_rate(cine, tmp_path):
    out = tmp_path / "v" / "cine.mp4"
    assert main(["video", str(cine), "-o", str(out)]) == 0
    cap = cv2.VideoCapture(str(out))
    frames = 0
    while cap.read()[0]:
        frames += 1
    assert frames == 5
    assert cap.get(cv2.CAP_PROP_FPS) == pytest.approx(25, abs=0.5)
    assert int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)) == 96
    cap.release()


def test_gif_has_every_frame(cine, tmp_path):
    out = tmp_path / "cine.gif"
    assert main(["video", str(cine), "-o", str(out)]) == 0
    with Image.open(out) as gif:
        assert sum(1 for _ in ImageSequence.Iterator(gif)) == 5
        assert gif.info["duration"] == 40


def test_frame_rate_sources():
    ds = make_dataset("MONOCHROME2", 8, 8, False, 2, 8, 8)
    assert frame_rate(ds) == DEFAULT_FPS
    ds.CineRate = 30
    assert frame_rate(ds) == 30


def test_unsupported_type_is_a_clear_error(cine, tmp_path, capsys):
    assert main(["video", str(cine), "-o", str(tmp_path / "x.avi")]) == 2
    assert "mp4" in capsys.readouterr().err
    assert not list(tmp_path.glob(".partial-*"))
