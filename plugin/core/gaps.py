"""Finding the empty space between glyphs, so that a cut between two words does not
go through either of them."""

from __future__ import annotations

import numpy as np

__all__ = ["char_weight", "ink_columns", "nearest_gap"]


def ink_columns(
    image: np.ndarray, top: int, bottom: int, lo: int, hi: int
) -> np.ndarray | None:
    """Boolean per column of ``image[top:bottom, lo:hi]``: does it hold any ink?

    Ink is what differs from the band's median (the background) by more than 12 % of
    the strongest difference: faint glyphs and anti-aliased edges count as ink.
    None when the band holds no visible text at all.
    """
    top, bottom = max(0, top), min(image.shape[0], bottom)
    lo, hi = max(0, lo), min(image.shape[1], hi)
    if bottom <= top or hi <= lo:
        return None
    band = image[top:bottom].astype(np.int16)
    if band.ndim == 3:
        band = band.max(axis=2)
    background = float(np.median(band))
    peak = float(np.abs(band - background).max())
    if peak < 16:
        return None
    return (np.abs(band[:, lo:hi] - background) > max(6.0, 0.12 * peak)).any(axis=0)


def nearest_gap(ink: np.ndarray, lo: int, target: float, *, min_run: int) -> int | None:
    """Centre (image x) of the ink-free run of at least ``min_run`` columns whose
    centre is nearest ``target``; ``lo`` is the image x of ``ink[0]``."""
    best: tuple[float, int, int] | None = None  # (distance, -width, centre)
    start = None
    for i, has_ink in enumerate(list(ink) + [True]):
        if not has_ink and start is None:
            start = i
        elif has_ink and start is not None:
            if i - start >= min_run:
                centre = lo + (start + i) / 2
                key = (abs(centre - target), start - i, round(centre))
                best = key if best is None else min(best, key)
            start = None
    return None if best is None else best[2]


def char_weight(c: str) -> float:
    """Rough advance width of a character, relative to a capital letter."""
    if c in ".:,;'|!iIl":
        return 0.4
    if c.isupper() or c in "MW@%#":
        return 1.0
    return 0.8
