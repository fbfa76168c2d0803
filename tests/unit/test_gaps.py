import numpy as np

from plugin.core.gaps import char_weight, ink_columns, ink_runs, nearest_gap


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


def test_gaps_between_glyphs_survive_background_grain():
    """Speckle between the glyphs is quieter than the glyphs: the gaps still show."""
    rng = np.random.default_rng(0)
    img = rng.integers(0, 70, (12, 60)).astype(np.uint8)
    for x0 in (5, 15, 25):
        img[2:10, x0 : x0 + 6] = 250
    ink = ink_columns(img, 0, 12, 0, 60)
    assert ink_runs(ink, 0) == [(5, 11), (15, 21), (25, 31)]


def test_character_boxes_are_joined_into_words_along_the_line_text():
    from plugin.core.ocr.rapid import _regroup

    def box(x):
        return [[x, 0], [x + 5, 0], [x + 5, 10], [x, 10]]

    chars = [(c, 0.9, box(6 * i)) for i, c in enumerate("DOB：1963")]
    words = _regroup("DOB: 1963", chars)
    assert [w[0] for w in words] == ["DOB:", "1963"]
    assert words[1][2][0][0] == 24 and words[1][2][1][0] == 47
    # Word boxes already: left alone.
    assert (
        _regroup("DOB 1963", [("DOB", 0.9, box(0)), ("1963", 0.9, box(30))])[1][0]
        == "1963"
    )


def test_the_edge_of_a_label_plate_in_the_band_is_not_ink():
    """Dark words on a white plate whose dark surround shows in the band's top row:
    the space between the words is still found."""
    img = np.full((14, 60), 250, np.uint8)
    img[0, :] = 0  # the image beyond the plate's top edge, darker than the text
    img[3:11, 5:20] = 60  # "Acc#"
    img[3:11, 28:45] = 60  # "A674..."
    ink = ink_columns(img, 0, 14, 0, 60)
    assert ink_runs(ink, 0) == [(5, 20), (28, 45)]


def test_a_word_boundary_keeps_two_columns_from_the_ink_beside_it():
    """Between "ACC" and "A45801242" the gap is four columns: each word's box may
    reach into it, but stops two columns short of the other word's ink (its
    faintest anti-aliased column is below the ink threshold)."""
    from plugin.core.ocr.rapid import _gap_cut

    image = np.full((30, 80, 3), 20, np.uint8)
    image[8:22, 10:30] = 230  # the left word's ink, to column 29
    image[8:22, 34:60] = 230  # the right word's, from column 34
    line_box = [[8, 6], [62, 6], [62, 24], [8, 24]]
    x, clean, (after, before) = _gap_cut(image, line_box, 29, 34, 1.0)
    assert clean and 30 <= x <= 33
    assert after == min(32, x) and before == max(32, x)
