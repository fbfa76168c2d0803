"""Painting boxes: fill values inside, nothing changed outside."""

import numpy as np
import pytest

from plugin.core.mask import PaintBox, paint
from plugin.core.settings import FillMode

BOX = PaintBox(0, 10, 12, 20, 8)


def frames_with_text(dtype=np.uint16, colour=False):
    shape = (2, 64, 64, 3) if colour else (2, 64, 64)
    f = np.full(shape, 100, dtype=dtype)
    f[0, 14:18, 12:28] = 900 if dtype != np.uint8 else 250
    return f


def inside(a, box=BOX):
    return a[box.frame, box.top : box.top + box.height, box.left : box.left + box.width]


@pytest.mark.parametrize("fill", list(FillMode))
def test_text_is_gone_and_nothing_else_changes(fill):
    f = frames_with_text()
    out = paint(f, [BOX], fill=fill, photometric="MONOCHROME2")
    region = inside(out)
    # Uniform up to inpainting noise: the text (contrast 800) is gone.
    assert int(region.max()) - int(region.min()) <= 4, "no stroke may survive"
    outside = np.ones(f.shape, bool)
    outside[0, 12:20, 10:30] = False
    assert np.array_equal(out[outside], f[outside])
    assert np.array_equal(out[1], f[1]), "other frames untouched"


def test_fill_values():
    f = frames_with_text()
    assert (
        inside(
            paint(f, [BOX], fill=FillMode.BACKGROUND, photometric="MONOCHROME2")
        ).max()
        == 100
    )
    assert (
        inside(paint(f, [BOX], fill=FillMode.BLACK, photometric="MONOCHROME2")).max()
        == 100
    )
    assert (
        inside(paint(f, [BOX], fill=FillMode.BLACK, photometric="MONOCHROME1")).min()
        == 900
    )
    assert (
        inside(paint(f, [BOX], fill=FillMode.CONTRAST, photometric="MONOCHROME2")).min()
        == 900
    )


def test_colour_and_palette():
    f = frames_with_text(np.uint8, colour=True)
    out = paint(f, [BOX], fill=FillMode.BACKGROUND, photometric="RGB")
    assert (inside(out) == 100).all()
    idx = np.zeros((1, 32, 32), np.uint8)
    idx[0, 5:10, 5:10] = 3
    palette = np.array([[0, 0, 0], [10, 10, 10], [255, 255, 255], [250, 250, 0]])
    out = paint(
        idx,
        [PaintBox(0, 4, 4, 8, 8)],
        fill=FillMode.BLACK,
        photometric="PALETTE COLOR",
        palette=palette,
    )
    assert (out[0, 4:12, 4:12] == 0).all()


def test_boxes_are_clipped_to_the_image():
    f = frames_with_text()
    out = paint(
        f,
        [PaintBox(0, -5, -5, 10, 10), PaintBox(1, 60, 60, 50, 50)],
        fill=FillMode.BLACK,
        photometric="MONOCHROME2",
    )
    assert out.shape == f.shape


def test_background_fill_takes_the_plate_the_text_is_written_on():
    """A box reaching a pixel past a bright label plate into darker anatomy is
    filled with the plate's colour: a darker fill would leave the plate's edge
    tracing the painted word."""
    f = np.full((1, 64, 64), 110, dtype=np.uint8)  # anatomy
    f[0, 20:36, 8:56] = 245  # the plate
    f[0, 24:32, 12:40] = 30  # dark text on it
    box = PaintBox(0, 10, 19, 40, 18)  # one row above the plate
    out = paint(f, [box], fill=FillMode.BACKGROUND, photometric="MONOCHROME2")
    assert (inside(out, box) == 245).all()
