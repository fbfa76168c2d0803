"""``orthanc-redact video``: a multi-frame DICOM as MP4 or animated GIF.

For reviewing cine loops (original or redacted) outside a DICOM viewer. Frames are
shown as a viewer would (see :func:`plugin.core.pixels.display_frames`); the frame
rate comes from Cine Rate (0018,0040) or Frame Time (0018,1063), else 10 frames/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pydicom
from PIL import Image

from .core import pixels
from .core.errors import RedactionError

__all__ = ["export_video", "frame_rate", "register_cli"]

DEFAULT_FPS = 10.0


def frame_rate(ds: pydicom.Dataset) -> float:
    """Frames per second from Cine Rate or Frame Time, else :data:`DEFAULT_FPS`."""
    try:
        rate = float(ds.get("CineRate") or 0)
        if rate > 0:
            return rate
        frame_time = float(ds.get("FrameTime") or 0)  # milliseconds
        if frame_time > 0:
            return 1000.0 / frame_time
    except (TypeError, ValueError):
        pass
    return DEFAULT_FPS


def export_video(ds: pydicom.Dataset, target: Path, *, fps: float | None = None) -> int:
    """Write the frames of ``ds`` to ``target`` (``.mp4`` or ``.gif``); returns the
    number of frames written. The file appears only once complete."""
    frames = pixels.display_frames(ds, pixels.read_frames(ds))
    rate = fps or frame_rate(ds)
    suffix = target.suffix.lower()
    if suffix not in (".mp4", ".gif"):
        raise ValueError(f"unsupported video type {suffix!r}: use .mp4 or .gif")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".partial-", suffix=suffix, dir=target.parent)
    os.close(fd)
    try:
        if suffix == ".gif":
            images = [Image.fromarray(f) for f in frames]
            images[0].save(
                tmp,
                save_all=True,
                append_images=images[1:],
                duration=max(20, round(1000 / rate)),
                loop=0,
            )
        else:
            _write_mp4(frames, tmp, rate)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(frames)


def _write_mp4(frames: np.ndarray, path: str, rate: float) -> None:
    rows, cols = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), rate, (cols, rows))
    if not writer.isOpened():
        raise RuntimeError("this OpenCV build cannot write MP4 (mp4v)")
    try:
        for frame in frames:
            writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()


def register_cli(sub: Any) -> None:
    p = sub.add_parser("video", help="export a multi-frame DICOM as MP4 or GIF")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "-o", "--output", required=True, type=Path, help="out.mp4 or out.gif"
    )
    p.add_argument(
        "--fps", type=float, default=None, help="override the DICOM frame rate"
    )
    p.set_defaults(func=_main)


def _main(args: argparse.Namespace) -> int:
    try:
        ds = pydicom.dcmread(args.file)
        n = export_video(ds, args.output, fps=args.fps)
    except (RedactionError, ValueError, OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{n} frames -> {args.output}")
    return 0
