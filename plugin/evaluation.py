"""Score a redacted set against the synthetic ground truth: ``orthanc-redact evaluate``.

``SET`` is a folder written by ``orthanc-redact synth``; ``OUT`` holds redacted files
under the same relative paths. Both are decoded and converted to display luminance
in 0..1 the same way (Modality range of Bits Stored for grayscale, MONOCHROME1
inverted, PALETTE COLOR through its LUT, colour through Rec. 601 luma).

Character test, per frame on which the character is drawn: contrast = |mean of the
char's ink pixels - mean of the non-ink pixels of its box padded by 1 px|.

* PHI char *unreadable*: redacted contrast < 25 % of the original on every frame.
* PHI line *redacted*: every char of the line unreadable.
* Annotation char *kept*: redacted contrast >= 80 % of the original and mean
  |redacted - original| over its ink <= max(15 % of the original contrast, 0.02)
  on every frame.
* Chars whose original contrast is below 0.03 (invisible to begin with) are left out
  of every ratio and counted separately.
* Collateral: fraction of pixels outside every text box (char boxes and line regions,
  padded 4 px) whose display value changed by more than 0.03; mean over files.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

__all__ = [
    "EvaluationResult",
    "FileScore",
    "evaluate_set",
    "load_luminance",
    "register_cli",
]

UNREADABLE_RATIO = 0.25
KEPT_RATIO = 0.80
KEPT_DIFF = 0.15
MIN_CONTRAST = 0.03
CHANGE_TOL = 0.03
_STRING_VRS = frozenset(
    {
        "AE",
        "AS",
        "CS",
        "DA",
        "DS",
        "DT",
        "IS",
        "LO",
        "LT",
        "PN",
        "SH",
        "ST",
        "TM",
        "UC",
        "UT",
    }
)


@dataclasses.dataclass
class FileScore:
    """Scores of one file."""

    path: str
    status: str  # ok / missing / unreadable
    error: str | None = None
    phi_lines: int = 0
    phi_lines_redacted: int = 0
    phi_chars: int = 0
    phi_chars_unreadable: int = 0
    annotation_chars: int = 0
    annotation_chars_kept: int = 0
    invisible_chars: int = 0
    collateral: float = 0.0
    header_phi: bool = False
    missed_entities: dict[str, int] = dataclasses.field(default_factory=dict)
    missed_lines: list[int] = dataclasses.field(default_factory=list)
    """Ids (truth.json) of PHI lines left readable."""
    hurt_lines: list[int] = dataclasses.field(default_factory=list)
    """Ids of annotation lines with a character not kept."""


@dataclasses.dataclass
class EvaluationResult:
    """Aggregated scores of one redacted set."""

    name: str
    files: list[FileScore]

    @property
    def delivered(self) -> list[FileScore]:
        return [f for f in self.files if f.status == "ok"]

    def metrics(self) -> dict[str, Any]:
        d = self.delivered
        phi_lines = sum(f.phi_lines for f in d)
        phi_all = sum(f.phi_lines for f in self.files)
        red = sum(f.phi_lines_redacted for f in d)
        chars = sum(f.phi_chars for f in d)
        ann = sum(f.annotation_chars for f in d)
        missed: dict[str, int] = {}
        for f in d:
            for k, v in f.missed_entities.items():
                missed[k] = missed.get(k, 0) + v
        return {
            "files": len(self.files),
            "delivered": len(d),
            "failures": len(self.files) - len(d),
            "missing": sum(f.status == "missing" for f in self.files),
            "unreadable": sum(f.status == "unreadable" for f in self.files),
            "phi_lines_delivered": phi_lines,
            "phi_line_recall": _ratio(red, phi_lines),
            "phi_line_recall_all_files": _ratio(red, phi_all),
            "phi_char_recall": _ratio(sum(f.phi_chars_unreadable for f in d), chars),
            "non_phi_kept": _ratio(sum(f.annotation_chars_kept for f in d), ann),
            "collateral_change": (
                float(np.mean([f.collateral for f in d])) if d else None
            ),
            "header_phi_files": sum(f.header_phi for f in d),
            "invisible_chars": sum(f.invisible_chars for f in d),
            "missed_lines_by_entity": dict(sorted(missed.items())),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "metrics": self.metrics(),
            "files": [dataclasses.asdict(f) for f in self.files],
        }


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


# ---------------------------------------------------------------------------
# Decoding to display luminance


def load_luminance(ds: Any) -> np.ndarray:
    """Display luminance in 0..1, shape (frames, rows, cols)."""
    from .core.pixels import read_frames

    frames = read_frames(ds)
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if frames.ndim == 3 and photometric == "PALETTE COLOR":
        from pydicom.pixels import apply_color_lut

        rgb = apply_color_lut(frames, ds).astype(np.float32)
        bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
        frames_f = rgb / float((1 << bits) - 1)
        return _luma(frames_f)
    if frames.ndim == 4:
        top = float((1 << int(ds.get("BitsStored") or 8)) - 1)
        return _luma(frames.astype(np.float32) / top)
    bits = int(ds.get("BitsStored") or ds.BitsAllocated)
    signed = int(ds.get("PixelRepresentation") or 0) == 1
    lo = -(1 << (bits - 1)) if signed else 0
    v = (frames.astype(np.float32) - lo) / float((1 << bits) - 1)
    if photometric == "MONOCHROME1":
        v = 1.0 - v
    return v


def _luma(rgb: np.ndarray) -> np.ndarray:
    return np.asarray(rgb @ np.array([0.299, 0.587, 0.114], np.float32), np.float32)


# ---------------------------------------------------------------------------
# Scoring


def _identity_pattern(value: str) -> re.Pattern[str]:
    """A header identity value as it would show inside another string.

    A name or word is matched whole, not inside another word (the surname
    "Field" is no leak in "dicomfields"); digits are matched anywhere, since a
    birth date hides inside a date-time and an ID inside a longer number.
    """
    escaped = re.escape(value.upper())
    before = r"(?<![A-Z])" if value[:1].isalpha() else ""
    after = r"(?![A-Z])" if value[-1:].isalpha() else ""
    return re.compile(before + escaped + after)


def _header_phi(ds: Any, identity: list[str]) -> bool:
    wanted = [_identity_pattern(s) for s in identity if len(s) >= 3]
    for elem in ds.iterall():
        if elem.VR not in _STRING_VRS or elem.value is None:
            continue
        values = elem.value if elem.VM > 1 else [elem.value]
        for v in values:
            text = str(v).upper()
            if any(w.search(text) for w in wanted):
                return True
    return False


def _contrast(img: np.ndarray, ink: np.ndarray, bg: np.ndarray) -> float:
    return abs(float(img[ink].mean()) - float(img[bg].mean()))


def score_file(
    meta: dict[str, Any],
    labels: np.ndarray,
    orig: np.ndarray,
    red: np.ndarray,
    red_ds: Any,
) -> FileScore:
    """Score one delivered file (see the module docstring for the rules)."""
    fs = FileScore(path=meta["path"], status="ok")
    n, h, w = labels.shape
    outside = np.ones((n, h, w), bool)
    for line in meta["lines"]:
        for f in line["frames"]:
            l, t, bw, bh = line["region"]
            outside[f, max(0, t - 4) : t + bh + 4, max(0, l - 4) : l + bw + 4] = False
    phi_lines = 0
    for line in meta["lines"]:
        line_ok = True
        counted = 0
        for c in line["chars"]:
            l, t, bw, bh = c["box"]
            t0, l0, t1, l1 = (
                max(0, t - 1),
                max(0, l - 1),
                min(h, t + bh + 1),
                min(w, l + bw + 1),
            )
            unreadable_all, kept_all, visible = True, True, True
            for f in c["frames"]:
                outside[f, max(0, t - 4) : t + bh + 4, max(0, l - 4) : l + bw + 4] = (
                    False
                )
                lab = labels[f, t0:t1, l0:l1]
                ink, bg = lab == c["label"], lab == 0
                if not ink.any() or not bg.any():
                    continue
                o, r = orig[f, t0:t1, l0:l1], red[f, t0:t1, l0:l1]
                c0 = _contrast(o, ink, bg)
                if c0 < MIN_CONTRAST:
                    visible = False
                    break
                c1 = _contrast(r, ink, bg)
                if c1 >= UNREADABLE_RATIO * c0:
                    unreadable_all = False
                diff = float(np.abs(r[ink] - o[ink]).mean())
                if c1 < KEPT_RATIO * c0 or diff > max(KEPT_DIFF * c0, 0.02):
                    kept_all = False
            if not visible:
                fs.invisible_chars += 1
                continue
            counted += 1
            if line["phi"]:
                fs.phi_chars += 1
                fs.phi_chars_unreadable += unreadable_all
                line_ok &= unreadable_all
            else:
                fs.annotation_chars += 1
                fs.annotation_chars_kept += kept_all
                if not kept_all and line["id"] not in fs.hurt_lines:
                    fs.hurt_lines.append(line["id"])
        if line["phi"] and counted:
            phi_lines += 1
            fs.phi_lines_redacted += line_ok
            if not line_ok:
                fs.missed_lines.append(line["id"])
                et = line["entity_type"]
                fs.missed_entities[et] = fs.missed_entities.get(et, 0) + 1
    fs.phi_lines = phi_lines
    changed = np.abs(red - orig) > CHANGE_TOL
    fs.collateral = float(changed[outside].mean()) if outside.any() else 0.0
    fs.header_phi = _header_phi(red_ds, meta["header_identity"])
    return fs


def _failed(
    meta: dict[str, Any],
    labels: np.ndarray,
    orig: np.ndarray,
    orig_ds: Any,
    status: str,
) -> FileScore:
    """A file without usable output: its PHI lines count (as missed) in the
    all-files recall only; nothing else is scored."""
    visible = score_file(meta, labels, orig, orig, orig_ds)
    return FileScore(path=meta["path"], status=status, phi_lines=visible.phi_lines)


def evaluate_set(
    set_dir: Path, out_dir: Path, *, name: str = "ours"
) -> EvaluationResult:
    """Score every file of ``truth.json`` in ``set_dir`` against ``out_dir``.

    Parameters
    ----------
    set_dir
        The synthetic set (``truth.json``, ``*.dcm``, ``*.truth.npz``).
    out_dir
        Redacted files under the same relative paths; a missing file is a failure.
    name
        Label of this result in tables.
    """
    import pydicom

    from .synth import truth_path

    truth = json.loads((set_dir / "truth.json").read_text())
    scores = []
    for meta in truth["files"]:
        rel = meta["path"]
        dst = out_dir / rel
        labels = np.load(truth_path(set_dir, rel))["labels"]
        orig_ds = pydicom.dcmread(set_dir / rel)
        orig = load_luminance(orig_ds)
        if not dst.is_file():
            scores.append(_failed(meta, labels, orig, orig_ds, "missing"))
            continue
        try:
            red_ds = pydicom.dcmread(dst)
            red = load_luminance(red_ds)
            if red.shape != orig.shape:
                raise ValueError(f"shape {red.shape} != {orig.shape}")
        except Exception as exc:  # noqa: BLE001 - any decode problem = unusable output
            fs = _failed(meta, labels, orig, orig_ds, "unreadable")
            fs.error = f"{type(exc).__name__}: {str(exc)[:200]}"
            scores.append(fs)
            continue
        scores.append(score_file(meta, labels, orig, red, red_ds))
    return EvaluationResult(name=name, files=scores)


def format_details(result: EvaluationResult, set_dir: Path) -> str:
    """One row per missed PHI line and per damaged annotation line.

    The text printed is the synthetic ground truth (fake identities), never a real
    patient's: this is for tuning on ``synth`` sets only.
    """
    truth = json.loads((set_dir / "truth.json").read_text())
    lines_by_file = {
        m["path"]: {ln["id"]: ln for ln in m["lines"]} for m in truth["files"]
    }
    rows = []
    for fs in result.files:
        lines = lines_by_file.get(fs.path, {})
        for i in fs.missed_lines:
            ln = lines[i]
            rows.append(f"missed   {fs.path}  {ln['entity_type']:<14} {ln['text']!r}")
        for i in fs.hurt_lines:
            rows.append(f"damaged  {fs.path}  {'annotation':<14} {lines[i]['text']!r}")
    return "\n".join(rows) if rows else "no missed or damaged lines"


# ---------------------------------------------------------------------------
# Table

_ROWS = (
    ("files", "Files in set", "{}"),
    ("delivered", "Delivered (readable output)", "{}"),
    ("failures", "Failures (no/unreadable output)", "{}"),
    ("phi_line_recall", "PHI line recall [delivered files]", "{:.1%}"),
    (
        "phi_line_recall_all_files",
        "PHI line recall [all files; failed = missed]",
        "{:.1%}",
    ),
    ("phi_char_recall", "PHI char recall [delivered files]", "{:.1%}"),
    ("non_phi_kept", "Non-PHI annotation chars kept", "{:.1%}"),
    ("collateral_change", "Collateral change outside text (mean/file)", "{:.2%}"),
    ("header_phi_files", "Files with header PHI left", "{}"),
    ("phi_lines_delivered", "PHI lines scored (delivered)", "{}"),
    ("invisible_chars", "Chars left out (contrast < 0.03)", "{}"),
)


def format_table(results: list[EvaluationResult]) -> str:
    """Metrics side by side, one column per result."""
    metrics = [r.metrics() for r in results]
    width = max(len(r[1]) for r in _ROWS) + 2
    head = "".ljust(width) + "".join(r.name.rjust(12) for r in results)
    lines = [head, "-" * len(head)]
    for key, label, fmt in _ROWS:
        cells = []
        for m in metrics:
            v = m.get(key)
            cells.append(("n/a" if v is None else fmt.format(v)).rjust(12))
        lines.append(label.ljust(width) + "".join(cells))
    ents = sorted({e for m in metrics for e in m["missed_lines_by_entity"]})
    if ents:
        lines.append("Missed PHI lines by entity type:")
        for e in ents:
            lines.append(
                ("  " + e).ljust(width)
                + "".join(
                    str(m["missed_lines_by_entity"].get(e, 0)).rjust(12)
                    for m in metrics
                )
            )
    lines.append(
        "Recall [delivered]: over files with readable output; [all files]: a failed file's "
        "PHI lines count as not redacted.\nA PHI line is redacted only if every char is "
        f"unreadable (contrast < {UNREADABLE_RATIO:.0%} of original) on every frame."
    )
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    set_dir, out_dir = Path(args.set), Path(args.out)
    if not (set_dir / "truth.json").is_file():
        print(
            f"error: {set_dir / 'truth.json'} not found (run `synth` first)",
            file=sys.stderr,
        )
        return 2
    if args.run_ours:
        from .batch import run_batch
        from .core.settings import RedactionSettings

        run_batch(
            [set_dir],
            out_dir,
            RedactionSettings(),
            jobs=args.jobs,
            progress=not args.quiet,
        )
    results = [evaluate_set(set_dir, out_dir, name="ours")]
    tmp: str | None = None
    try:
        if args.baseline == "presidio":
            from .baseline import run_presidio

            tmp = tempfile.mkdtemp(prefix="presidio-eval-")
            truth = json.loads((set_dir / "truth.json").read_text())
            errors = run_presidio(
                set_dir, Path(tmp), [f["path"] for f in truth["files"]], jobs=args.jobs
            )
            res = evaluate_set(set_dir, Path(tmp), name="presidio")
            for fs in res.files:
                if fs.status == "missing" and errors.get(fs.path):
                    fs.error = errors[fs.path]
            results.append(res)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(format_table(results))
    if args.details:
        print(format_details(results[0], set_dir))
    if args.json:
        Path(args.json).write_text(json.dumps([r.to_dict() for r in results], indent=1))
    return 0


def register_cli(subparsers: Any) -> None:
    """Add the ``evaluate`` sub-command."""
    p = subparsers.add_parser(
        "evaluate", help="score a redacted set against synth truth"
    )
    p.add_argument("set", help="folder written by `synth`")
    p.add_argument("out", help="folder with the redacted files (same relative paths)")
    p.add_argument(
        "--baseline",
        choices=["presidio"],
        default=None,
        help="also run and score Presidio's DicomImageRedactorEngine",
    )
    p.add_argument("--json", metavar="FILE", help="write metrics and per-file scores")
    p.add_argument(
        "--details",
        action="store_true",
        help="list our missed PHI lines and damaged annotation lines (synthetic text)",
    )
    p.add_argument(
        "--run-ours",
        action="store_true",
        help="first run `redact SET --output OUT` (default settings)",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="worker processes for --run-ours / --baseline (default: all cores)",
    )
    p.set_defaults(func=_run)
