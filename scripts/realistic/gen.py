#!/usr/bin/env python3
"""Realistic synthetic DICOM images with burned-in text, and their exact truth.

Usage::

    gen.py OUT --n 60 --seed S [--jobs 2]

This is a test set for the pixel redactor that its authors have not tuned on, built
to look like what departments really send rather than like a tidy synthetic set:

* ultrasound screens (RGB or JPEG YBR_FULL_422, some 4-10 frame cines) with a vendor
  banner, parameter column, depth scale, colour-Doppler scale, calipers and results,
  body marker and sonographer;
* CT and MR natives (12-16 bit, signed and unsigned, text burned at high values) and
  viewer screenshots saved as secondary captures (one to four viewports), with
  four-corner overlays, orientation letters and a ruler;
* XA/RF cines whose clock or frame counter changes every frame;
* projection X-ray (MONOCHROME1) with dark text on the collimation border;
* scanned paper forms and requisitions, a little rotated, JPEG or native;
* CT dose reports and worklist screenshots, with other patients' rows;
* endoscopy, dermatology and fundus photographs with a small identity block.

Text is drawn in many ways: anti-aliased TrueType, hard-edged bitmap-like text
(Pillow fontmode "1", sometimes pixel-doubled), bold, outlined or shadowed, on
semi-opaque boxes, dark on light, coloured, 8 to 40 px. The one rule for difficulty:
every PHI text is readable by a careful person, and every other text is a real-looking
clinical annotation. About 35-40 % of text lines are PHI (field labels, parameters,
scales and frame counters are the rest).

The scenes live beside this file: ``scene_us``, ``scene_xsec`` (CT, MR, viewer
screenshots, DX), ``scene_xa``, ``scene_forms``, ``scene_screens`` (dose report,
worklist) and ``scene_photo``; ``textdraw`` burns text and keeps the truth,
``fakeid`` invents the identities, ``dcmwrite`` writes the DICOM files.

Outputs, per file ``OUT/<MODALITY>/<NNN>_<PHOTOMETRIC>.dcm``:
``<same>.truth.npz`` (``labels``: uint16 (frames, rows, cols), value k = every pixel
the rasteriser touched for character k, 0 = no text) and one entry in
``OUT/truth.json`` describing each text line (PHI or not, entity type, frames,
region, per-character boxes). Field labels ("Name:") and values ("DOE, JANE") are
separate lines. Output depends only on the seed (``random.Random`` and
``numpy.random.default_rng`` per file, derived from it).

``--no-text`` writes the same files with every character left out of the pixels (the
truth is unchanged): the text-free twin used to check that the labels cover all ink.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import dcmwrite
import numpy as np
from common import Scene, Shot
from fakeid import make_case
from scene_forms import form
from scene_photo import photo
from scene_screens import dose_report, worklist
from scene_us import ultrasound
from scene_xa import angio
from scene_xsec import ct, dx, mr, viewer

# Scene -> share of the set.
SCENES: dict[str, tuple[Callable[[Scene], Shot], float]] = {
    "us": (ultrasound, 14),
    "ct": (ct, 6),
    "mr": (mr, 5),
    "viewer": (viewer, 7),
    "xa": (angio, 6),
    "dx": (dx, 3),
    "form": (form, 8),
    "dose": (dose_report, 3),
    "worklist": (worklist, 3),
    "photo": (photo, 5),
}


def plan(n: int, seed: int, only: str | None) -> list[str]:
    """Scene of each file: shares rounded by largest remainder, then shuffled."""
    names = [only] if only else list(SCENES)
    weights = np.array([SCENES[s][1] for s in names], float)
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts))[: n - counts.sum()]:
        counts[i] += 1
    order = [s for s, c in zip(names, counts) for _ in range(c)]
    random.Random(seed).shuffle(order)
    return order


def make_file(
    out: Path, index: int, scene_name: str, seed: int, draw_text: bool
) -> dict[str, Any]:
    """Generate, encode and write one file; return its truth.json entry."""
    rng = random.Random(f"{seed}:{index}")
    nrng = np.random.default_rng([seed, index])
    case = make_case(rng)
    shot = SCENES[scene_name][0](Scene(case, rng, nrng, draw_text))
    ds = dcmwrite.build(shot, case, rng, uid_key=f"{seed}:{index}")
    rel = f"{shot.modality}/{index:03d}_{ds.PhotometricInterpretation}.dcm"
    dcmwrite.save(ds, out / rel)
    np.savez_compressed(
        out / rel.replace(".dcm", ".truth.npz"), labels=shot.canvas.labels
    )
    return {
        "path": rel,
        "scene": scene_name,
        "modality": shot.modality,
        "photometric": str(ds.PhotometricInterpretation),
        "bits_allocated": int(ds.BitsAllocated),
        "bits_stored": int(ds.BitsStored),
        "signed": bool(ds.PixelRepresentation),
        "transfer_syntax": str(ds.file_meta.TransferSyntaxUID),
        "frames": shot.canvas.frames,
        "rows": int(ds.Rows),
        "cols": int(ds.Columns),
        "header_identity": dcmwrite.header_identity(ds, case),
        "skipped_lines": shot.canvas.skipped,
        "lines": shot.canvas.lines,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--n", type=int, default=60)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--only", choices=list(SCENES), help="one scene kind only")
    p.add_argument("--no-text", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    start = time.monotonic()
    args.out.mkdir(parents=True, exist_ok=True)
    order = plan(args.n, args.seed, args.only)
    jobs = [(args.out, i, s, args.seed, not args.no_text) for i, s in enumerate(order)]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            files = list(pool.map(make_file, *zip(*jobs)))
    else:
        files = [make_file(*j) for j in jobs]
    truth = {
        "generator": "scripts/realistic/gen.py",
        "seed": args.seed,
        "n": args.n,
        "label_rule": "value k = every pixel with coverage > 0 of character k "
        "(glyph, outline and shadow), 0 = no text",
        "files": files,
    }
    (args.out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False))
    lines = [ln for f in files for ln in f["lines"]]
    phi = sum(ln["phi"] for ln in lines)
    print(
        f"{len(files)} files, {len(lines)} lines, {phi} PHI "
        f"({phi / max(len(lines), 1):.0%}), "
        f"{sum(f['frames'] > 1 for f in files)} multi-frame, "
        f"{sum(f['skipped_lines'] for f in files)} rows skipped, "
        f"{time.monotonic() - start:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
