"""Vendor-variety test set for the burned-in PHI redactor.

``python scripts/vendor/gen.py OUT --n 60 --seed S [--jobs 2]`` writes
``OUT/<MODALITY>/<NNN>_<PHOTOMETRIC>.dcm``, a ``<same stem>.truth.npz`` beside each
(``labels``: uint16 frames x rows x cols, value k = every pixel with coverage > 0 of
character k of the file's lines, glyph, outline and shadow; 0 = no text) and one
``OUT/truth.json`` in the format ``plugin/evaluation.py`` reads. The output depends
only on the seed (not on ``--jobs``). ``scripts/vendor/check.py OUT`` re-reads a set
and checks it.

What it draws, one scene per file, whole shuffled rounds of all 17 scenes:

* mammography: 1914-2600 x 2294-3328 px, 12/14/16-bit, MONOCHROME1 or 2, small
  corner text (name, ID, DOB, date, accession, referrer, technique, compression,
  operator initials, a facility address) and a large laterality/view marker;
* dental panoramic (practice name and phone, dentist, R/L markers) and intraoral
  radiographs (a label bar, or text on a translucent box, with tooth number);
* a digitised chest film with a typed flash card and a lead marker carrying the
  radiographer's initials;
* a CT key image (12/16-bit, signed or rescaled) with arrow, calliper, ROI
  statistics and a typed comment naming the radiologist and a prior date;
* angiography and fluoroscopy cines (6-12 frames): frame counter, running clock on
  some, a tag shown on part of the clip, sometimes a name on the first frames;
* PET/NM MIP screenshots: RGB, JPEG or PALETTE COLOR (hot or inverse gray),
  some rotating-MIP cines;
* an OCT report (fundus photo, B-scan, ETDRS grid, thickness map, patient block,
  footer identification strip, print date);
* a DEXA report page (letterhead, letter addressee, spine image, reference chart,
  T/Z-score table, prior-scan date, referrer and reader);
* a 12-lead ECG capture (grid, traces, patient strip, referrer, "Confirmed by",
  order number, technician, institution footer), colour or gray;
* an EHR/RIS window (menus, tabs, banner with allergies, MRN/NHS/SSN, encounter
  table with dates, providers and facilities, latest note, contact panel with
  address, phone, e-mail and next of kin, logged-in user);
* a 3D volume rendering with text in the render corners;
* a scanned paper request form (letterhead, patient address and phone, GP and
  practice, LMP date, referrer, consultant, appointment, safety checklist);
* ultrasound with a vertical parameter strip (cines with a running clock and a
  calliper shown on late frames), obstetric biometry with GA/EDD/LMP on a
  translucent table, echo cines (ECG trace, heart rate that changes per frame,
  a measurement and sometimes a name on part of the clip, colour Doppler),
  endoscopy stills and clips (date and running time stacked or on one line).

Identities are international (particles, apostrophes, hyphens, compound given
names, names that are English words, short names), with national ID, phone,
address, label and date styles (English, German, French, Spanish, Dutch month
names and field labels). Most PHI on the pixels is also in the header, sometimes
in an altered form (initials, "FAMILY G", lower case, ASCII-folded); some is not
(prior dates, other people, addresses, phones, e-mails). Titles, field labels,
ages under 90, device names and technique values are separate non-PHI lines.
Text is rendered with DejaVu, matplotlib's STIX and TeX fonts, Pillow's Aileron
and bitmap fonts and OpenCV's Hershey stroke fonts, anti-aliased or aliased, some
bold, outlined by a box or shadowed; some files get noise over everything, some
are JPEG Baseline.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

import dcmwrite
import numpy as np
import scenes_screen
import scenes_video
import scenes_xray
from scenebase import Ctx

SCENES: dict[str, tuple[Any, dict[str, Any]]] = {
    "mammo": (scenes_xray.mammo, {"min_age": 40, "sex": "F"}),
    "dental_pano": (scenes_xray.dental_pano, {"min_age": 8}),
    "dental_intraoral": (scenes_xray.dental_intraoral, {"min_age": 8}),
    "cr_flashcard": (scenes_xray.cr_flashcard, {}),
    "ct_key_image": (scenes_xray.ct_key_image, {}),
    "xa_cine": (scenes_xray.xa_cine, {"min_age": 35}),
    "nm_pet": (scenes_screen.nm_pet, {}),
    "oct_report": (scenes_screen.oct_report, {"min_age": 30}),
    "dexa_report": (scenes_screen.dexa_report, {"min_age": 45}),
    "ecg": (scenes_screen.ecg, {}),
    "ehr_window": (scenes_screen.ehr_window, {}),
    "vr3d": (scenes_screen.vr3d, {}),
    "request_form": (scenes_screen.request_form, {}),
    "us_strip": (scenes_video.us_strip, {}),
    "us_obstetric": (
        scenes_video.us_obstetric,
        {"min_age": 18, "max_age": 44, "sex": "F"},
    ),
    "echo_cine": (scenes_video.echo_cine, {}),
    "endoscopy": (scenes_video.endoscopy, {}),
}
LABEL_RULE = (
    "value k = every pixel with coverage > 0 of character k (glyph, outline and "
    "shadow), 0 = no text"
)


def plan(seed: int, n: int) -> list[str]:
    """Scene of each file: whole shuffled rounds of all scenes, so every kind
    appears before any repeats."""
    rng = np.random.default_rng([seed, 0x5CE9E])
    names = list(SCENES)
    order: list[str] = []
    while len(order) < n:
        order.extend(names[k] for k in rng.permutation(len(names)))
    return order[:n]


def _post_noise(img: np.ndarray, spec: dcmwrite.Spec, rng: np.random.Generator) -> None:
    """Acquisition/recapture noise over everything, text included (same field for
    a twin drawn without text)."""
    if spec.photometric == "PALETTE COLOR" or rng.random() > 0.3:
        return
    if img.ndim == 4 or spec.bits_stored == 8:
        sigma = rng.uniform(1.5, 4.0)
    else:
        lo, hi = spec.value_range
        sigma = (hi - lo) * rng.uniform(0.002, 0.006)
    img += rng.normal(0.0, sigma, img.shape[1:]).astype(np.float32)


def make_one(job: tuple[int, int, str, str, bool, int]) -> dict[str, Any]:
    seed, idx, scene, out, draw_text, frames = job
    func, kw = SCENES[scene]
    rng = np.random.default_rng([seed, idx, 1])
    ctx = Ctx(rng, **kw)
    ctx.frames = frames
    func(ctx)
    cv, spec = ctx.canvas, ctx.spec
    assert cv is not None and spec is not None
    labels, lines = cv.finish(draw_text=draw_text)
    if cv.overlaps or cv.clipped:
        print(
            f"warning: file {idx} ({scene}): {cv.overlaps} overlapping label pixels "
            f"{sorted(cv.overlap_with)[:4]}, {cv.clipped} clipped chars {sorted(cv.clipped_lines)[:4]}",
            file=sys.stderr,
        )
    _post_noise(cv.img, spec, np.random.default_rng([seed, idx, 2]))
    for k, ln in enumerate(lines):
        ln["id"] = k
    stem = f"{idx:03d}_{spec.photometric.replace(' ', '_')}"
    rel = f"{spec.modality}/{stem}.dcm"
    path = Path(out) / rel
    facts = dcmwrite.write(path, cv.img, spec, ctx.header, [seed, idx])
    np.savez_compressed(path.with_name(stem + ".truth.npz"), labels=labels)
    ordered = [
        {
            k: ln[k]
            for k in (
                "id",
                "text",
                "phi",
                "entity_type",
                "kind",
                "frames",
                "region",
                "chars",
            )
        }
        for ln in lines
    ]
    return dict(
        path=rel,
        scene=scene,
        **facts,
        header_identity=ctx.header_identity(),
        lines=ordered,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="output folder")
    ap.add_argument("--n", type=int, default=60, help="number of files")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument(
        "--only", type=int, nargs="*", help="debug: make these indices only"
    )
    ap.add_argument(
        "--no-text", action="store_true", help="debug: twin set with no text drawn"
    )
    ap.add_argument(
        "--frames",
        type=int,
        default=0,
        help="give every cine this many frames (a set of long loops)",
    )
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scenes = plan(args.seed, args.n)
    idxs = args.only if args.only else range(args.n)
    jobs = [
        (args.seed, i, scenes[i], str(out), not args.no_text, args.frames) for i in idxs
    ]
    t0 = time.time()
    if args.jobs > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            metas = pool.map(make_one, jobs, chunksize=1)
    else:
        metas = [make_one(j) for j in jobs]
    truth = {
        "generator": "scripts/vendor/gen.py",
        "seed": args.seed,
        "frames": args.frames,
        "n": len(metas),
        "label_rule": LABEL_RULE,
        "files": metas,
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=1))
    n_lines = sum(len(m["lines"]) for m in metas)
    n_phi = sum(ln["phi"] for m in metas for ln in m["lines"])
    print(
        f"{len(metas)} files, {n_lines} lines ({n_phi} PHI) in {time.time() - t0:.1f} s -> {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
