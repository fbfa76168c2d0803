import numpy as np

from plugin.core.gaps import char_weight, ink_columns, nearest_gap


def test_nearest_gap_picks_the_space_nearest_the_estimate():
    img = np.zeros((10, 40), np.uint8)
    img[2:8, 2:10] = 255  # a word
    img[2:8, 13:20] = 255  # gap 10..12 (3 columns)
    img[2:8, 22:30] = 255  # gap 20..21 (2 columns)
    ink = ink_columns(img, 0, 10, 0, 40)
    assert (
        nearest_gap(ink, 0, 11.0, min_run=1) == 12
        or nearest_gap(ink, 0, 11.0, min_run=1) == 11
    )
    assert nearest_gap(ink, 0, 21.0, min_run=1) == 21
    assert nearest_gap(ink, 0, 21.0, min_run=3) in (11, 12)


def test_blank_band_has_no_ink_profile():
    assert ink_columns(np.zeros((10, 10), np.uint8), 0, 10, 0, 10) is None


def test_char_weights():
    assert char_weight(":") < char_weight("8") < char_weight("M")
