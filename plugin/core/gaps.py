"""Finding the empty space between glyphs, so that a cut between two words does not
go through either of them."""

from __future__ import annotations

import numpy as np

__all__ = [
    "band_deviation",
    "char_weight",
    "ink_columns",
    "ink_runs",
    "nearest_gap",
    "nearest_run",
]

_EDGE_ROW = 0.8
"""A row differing from the background in this share of a band's columns is an edge."""


def ink_columns(
    image: np.ndarray, top: int, bottom: int, lo: int, hi: int
) -> np.ndarray | None:
    """Boolean per column of ``image[top:bottom, lo:hi]``: does it hold any ink?

    The background is the median of the band around the columns asked for (two text
    heights either side), so a gradient elsewhere on the row does not shift it. A
    column holds ink when it differs from that background by more than 12 % of the
    way from the quietest columns (background noise: speckle, film grain) to the
    strongest: faint glyphs and anti-aliased edges count as ink, noise does not.
    None when the band holds no visible text at all.
    """
    found = band_deviation(image, top, bottom, lo, hi)
    if found is None:
        return None
    dev, c0 = found
    lo, hi = max(0, lo), min(image.shape[1], hi)
    # A row that differs from the background almost all along the band is the edge
    # of a label plate (or of the image) inside the detector's loose box, not text:
    # counted, it would make every column ink and hide the space between words.
    loud = dev > max(16.0, 0.5 * float(dev.max()))
    text_rows = loud.mean(axis=1) < _EDGE_ROW
    if text_rows.any():
        dev = dev[text_rows]
    profile = dev.max(axis=0)
    peak = float(profile.max())
    if peak < 16:
        return None
    floor = float(np.percentile(profile, 10))
    threshold = max(6.0, 0.12 * peak, floor + 0.12 * (peak - floor))
    return profile[lo - c0 : hi - c0] > threshold


def band_deviation(
    image: np.ndarray, top: int, bottom: int, lo: int, hi: int
) -> tuple[np.ndarray, int] | None:
    """How far each pixel of the band ``image[top:bottom]`` around columns
    ``lo:hi`` (two band heights either side) lies from the band's median, the
    brightest channel of a colour image counting; and the image column of the
    first one. None for an empty band."""
    top, bottom = max(0, top), min(image.shape[0], bottom)
    lo, hi = max(0, lo), min(image.shape[1], hi)
    if bottom <= top or hi <= lo:
        return None
    reach = 2 * (bottom - top)
    c0, c1 = max(0, lo - reach), min(image.shape[1], hi + reach)
    band = image[top:bottom, c0:c1].astype(np.int16)
    if band.ndim == 3:
        band = band.max(axis=2)
    return np.abs(band - float(np.median(band))), c0


def ink_runs(ink: np.ndarray, lo: int) -> list[tuple[int, int]]:
    """The ink runs of ``ink`` as (start, end) image columns; ``lo`` is ``ink[0]``'s x."""
    runs, start = [], None
    for i, has_ink in enumerate([*ink, False]):
        if has_ink and start is None:
            start = i
        elif not has_ink and start is not None:
            runs.append((lo + start, lo + i))
            start = None
    return runs


def nearest_gap(ink: np.ndarray, lo: int, target: float, *, min_run: int) -> int | None:
    """Centre (image x) of the ink-free run of at least ``min_run`` columns whose
    centre is nearest ``target``; ``lo`` is the image x of ``ink[0]``."""
    run = nearest_run(ink, lo, target, min_run=min_run)
    return None if run is None else round((run[0] + run[1]) / 2)


def nearest_run(
    ink: np.ndarray, lo: int, target: float, *, min_run: int, by_edge: bool = False
) -> tuple[int, int] | None:
    """The ink-free run (start, end) of at least ``min_run`` columns nearest
    ``target``, measured to its centre, or with ``by_edge`` to its nearer end
    (nothing when ``target`` lies in it); the wider run first on a tie. ``lo`` is
    the image x of ``ink[0]``."""

    def distance(run: tuple[int, int]) -> float:
        start, end = run
        if not by_edge:
            return abs((start + end) / 2 - target)
        return (
            0.0
            if start <= target <= end
            else min(abs(start - target), abs(end - target))
        )

    runs = [r for r in ink_runs(~np.asarray(ink, bool), lo) if r[1] - r[0] >= min_run]
    return min(runs, key=lambda r: (distance(r), r[0] - r[1], r[0]), default=None)


def char_weight(c: str) -> float:
    """Rough advance width of a character, relative to a capital letter."""
    if c in ".:,;'|!iIl":
        return 0.4
    if c.isupper() or c in "MW@%#":
        return 1.0
    return 0.8
