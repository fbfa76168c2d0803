"""Value objects shared by the core: OCR words, PHI boxes, reports."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

__all__ = [
    "Box",
    "RedactionReport",
    "RedactionResult",
    "Source",
    "Status",
    "Word",
    "bounds",
]

Status = Literal["done", "failed", "skipped"]
Source = Literal["header", "ner", "pattern", "policy", "reviewer"]

# Two detected lines whose heights differ by less than this factor are of one size.
_LIKE_HEIGHTS = 1.25


@dataclasses.dataclass(frozen=True)
class Word:
    """One word found by OCR on one frame (pixel coordinates, inclusive-exclusive)."""

    text: str
    left: int
    top: int
    width: int
    height: int
    score: float
    line: int = 0
    """Index of the OCR line the word belongs to (words of one line share it)."""
    clean_left: bool = False
    """The left edge lies in an empty gap to the previous word: no padding needed."""
    clean_right: bool = False
    """The right edge lies in an empty gap to the next word: no padding needed."""
    line_start: bool = True
    """No word of the same line lies to the left (the box may grow that way)."""
    line_end: bool = True
    """No word of the same line lies to the right (the box may grow that way)."""
    reach_left: int | None = None
    """With a clean left edge: where a box may start, one pixel clear of the previous
    word's ink (the whole gap may be painted, never the neighbour)."""
    reach_right: int | None = None
    """With a clean right edge: where a box may end (exclusive), likewise."""
    vertical: bool = False
    """Written top to bottom or bottom to top: the word is its whole line, and
    ``width`` is the height of its text."""

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def text_height(self) -> int:
        """The height of the text: across the line, whichever way it runs."""
        return self.width if self.vertical else self.height

    def intersects(self, rect: tuple[int, int, int, int]) -> bool:
        """This word's box and ``rect`` (left, top, width, height) share pixels."""
        x, y, width, height = rect
        return (
            self.left < x + width
            and x < self.right
            and self.top < y + height
            and y < self.bottom
        )

    def beside(self, other: Word) -> bool:
        """This word and ``other`` share more than half the height of the smaller
        of the two: side by side on one band, not one above the other."""
        shared = min(self.bottom, other.bottom) - max(self.top, other.top)
        return shared > 0.5 * min(self.height, other.height)

    def one_line(self, other: Word, reach: float) -> bool:
        """This word and ``other`` are pieces of one text line: they share 80 % of
        the taller one's height, or of the smaller one's when the two heights
        differ by less than a quarter (the detector's box of a label with a colon
        and descenders is taller than its value's), and lie at most ``reach`` of
        the taller height apart. A counter set a few pixels lower, or a detection
        over a blob of anatomy, is another line."""
        tall = max(self.height, other.height)
        small = min(self.height, other.height)
        base = small if tall <= _LIKE_HEIGHTS * small else tall
        shared = min(self.bottom, other.bottom) - max(self.top, other.top)
        gap = max(self.left, other.left) - min(self.right, other.right)
        return shared >= 0.8 * base and gap <= reach * tall

    def overlaps(self, others: list[Word]) -> bool:
        """True when this word shares at least a third of its area with one of
        ``others``."""
        for o in others:
            ix = max(0, min(self.right, o.right) - max(self.left, o.left))
            iy = max(0, min(self.bottom, o.bottom) - max(self.top, o.top))
            if ix * iy * 3 >= self.width * self.height:
                return True
        return False


def bounds(words: list[Word]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the smallest box holding all ``words``."""
    return (
        min(w.left for w in words),
        min(w.top for w in words),
        max(w.right for w in words),
        max(w.bottom for w in words),
    )


@dataclasses.dataclass(frozen=True)
class Box:
    """A painted region. Carries no text: only where, what kind and why."""

    frame: int
    left: int
    top: int
    width: int
    height: int
    entity_type: str
    source: Source
    score: float

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["score"] = round(float(self.score), 3)
        return d


@dataclasses.dataclass
class RedactionReport:
    """What happened to one file. Safe to log and store: no patient text in it."""

    status: Status
    reason: str | None = None
    message: str | None = None
    """Why it failed, in words (tags and technical values only)."""
    boxes: list[Box] = dataclasses.field(default_factory=list)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    engines: dict[str, str] = dataclasses.field(default_factory=dict)
    verification: dict[str, Any] = dataclasses.field(default_factory=dict)
    policy: str = "phi"
    frames: int = 0
    pixels_changed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "policy": self.policy,
            "frames": self.frames,
            "pixels_changed": self.pixels_changed,
            "boxes": [b.to_dict() for b in self.boxes],
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "engines": dict(self.engines),
            "verification": dict(self.verification),
        }


@dataclasses.dataclass
class RedactionResult:
    """The anonymized dataset (``None`` unless status is ``done``) and its report."""

    dataset: Any
    report: RedactionReport
