"""Self-check of a set written by ``gen.py``: every file decodes, labels agree with
truth.json, characters are visible, and (for a few files) a twin drawn without
text differs only where the labels say text is.

``python scripts/vendor/check.py OUT [--twins 6] [--previews DIR]``
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pydicom
from PIL import Image

MIN_CONTRAST = 0.03


def luminance(ds) -> np.ndarray:
    """Display luminance 0..1 (frames, rows, cols), computed the way the scorer
    describes it: full stored range for grayscale, MONOCHROME1 inverted, palette
    through its LUT, colour through Rec. 601 luma."""
    a = ds.pixel_array
    n = int(ds.get("NumberOfFrames", 1) or 1)
    pi = ds.PhotometricInterpretation
    if pi == "PALETTE COLOR":
        from pydicom.pixels import apply_color_lut

        rgb = apply_color_lut(a, ds).astype(np.float32) / 65535.0
        lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        return lum.reshape(n, *lum.shape[-2:])
    if int(ds.SamplesPerPixel) == 3:
        lum = a.astype(np.float32) / 255.0 @ np.array([0.299, 0.587, 0.114], np.float32)
        return lum.reshape(n, *lum.shape[-2:])
    bits = int(ds.BitsStored)
    lo = -(1 << (bits - 1)) if int(ds.PixelRepresentation) == 1 else 0
    v = (a.astype(np.float32) - lo) / float((1 << bits) - 1)
    if pi == "MONOCHROME1":
        v = 1.0 - v
    return v.reshape(n, *v.shape[-2:])


def display(ds, frame: int = 0) -> np.ndarray:
    """8-bit picture of one frame as a viewer would show it (window applied)."""
    a = ds.pixel_array
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        a = a[frame]
    pi = ds.PhotometricInterpretation
    if pi == "PALETTE COLOR":
        from pydicom.pixels import apply_color_lut

        return (apply_color_lut(a, ds) / 257).astype(np.uint8)
    if a.ndim == 3:
        return a.astype(np.uint8)
    v = a.astype(np.float32) * float(ds.get("RescaleSlope", 1)) + float(
        ds.get("RescaleIntercept", 0)
    )
    if "WindowCenter" in ds:
        c, w = float(ds.WindowCenter), float(ds.WindowWidth)
    else:
        c, w = (v.max() + v.min()) / 2, max(1.0, float(v.max() - v.min()))
    out = np.clip((v - (c - w / 2)) / w, 0, 1)
    if pi == "MONOCHROME1":
        out = 1 - out
    return (out * 255).astype(np.uint8)


def check_file(root: Path, meta: dict, stats: dict) -> list[str]:
    problems = []
    ds = pydicom.dcmread(root / meta["path"])
    lum = luminance(ds)
    labels = np.load((root / meta["path"]).with_suffix("").with_suffix(".truth.npz"))[
        "labels"
    ]
    if labels.shape != lum.shape:
        return [f"shape {labels.shape} != {lum.shape}"]
    _n, h, w = labels.shape
    seen = set()
    for ln in meta["lines"]:
        for c in ln["chars"]:
            seen.add(c["label"])
            l, t, bw, bh = c["box"]
            f0 = c["frames"][0]
            sub = labels[f0, t : t + bh, l : l + bw] == c["label"]
            if not sub.any() or sub[0].sum() == 0 or sub[:, 0].sum() == 0:
                problems.append(
                    f"box of {c['char']!r} (line {ln['id']}) does not hug its label"
                )
            t0, l0, t1, l1 = (
                max(0, t - 1),
                max(0, l - 1),
                min(h, t + bh + 1),
                min(w, l + bw + 1),
            )
            worst = 1.0
            for f in c["frames"]:
                lab = labels[f, t0:t1, l0:l1]
                ink, bg = lab == c["label"], lab == 0
                if not ink.any() or not bg.any():
                    continue
                o = lum[f, t0:t1, l0:l1]
                worst = min(worst, abs(float(o[ink].mean()) - float(o[bg].mean())))
            key = "phi" if ln["phi"] else "annotation"
            stats["chars_" + key] += 1
            if worst < MIN_CONTRAST:
                stats["invisible_" + key] += 1
                stats["invisible_lines"].add((meta["path"], ln["id"], ln["text"]))
    present = set(np.unique(labels).tolist()) - {0}
    if present != seen:
        problems.append(
            f"labels in npz but not in truth: {sorted(present - seen)[:5]}, missing: {sorted(seen - present)[:5]}"
        )
    return problems


def twin_diff(root: Path, meta: dict, twin_root: Path) -> str:
    a = pydicom.dcmread(root / meta["path"]).pixel_array.astype(np.float64)
    b = pydicom.dcmread(twin_root / meta["path"]).pixel_array.astype(np.float64)
    labels = np.load((root / meta["path"]).with_suffix("").with_suffix(".truth.npz"))[
        "labels"
    ]
    diff = np.abs(a - b)
    if diff.size == labels.size * 3:
        diff = diff.reshape(*labels.shape, 3).max(-1)
    diff = diff.reshape(labels.shape)
    near = np.stack(
        [
            cv2.dilate((fr > 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
            for fr in labels
        ]
    )
    jpeg = meta["transfer_syntax"].endswith(".50")
    scale = (
        255.0
        if diff.max() <= 255 and meta["bits_stored"] == 8
        else float((1 << meta["bits_stored"]) - 1)
    )
    out = diff[~near] / scale
    changed = float((out > (0.05 if jpeg else 0)).mean())
    inside = float((diff[labels > 0] > 0).mean()) if (labels > 0).any() else 0.0
    return f"{meta['path']:<28} jpeg={jpeg!s:<5} outside-changed={changed:.5f} max-outside={out.max():.4f} inside-changed={inside:.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument(
        "--twins",
        type=int,
        default=0,
        help="re-make N files without text and diff them",
    )
    ap.add_argument(
        "--previews", help="write a PNG of each file's first (and middle) frame here"
    )
    args = ap.parse_args(argv)
    root = Path(args.out)
    truth = json.loads((root / "truth.json").read_text())
    stats: dict = collections.defaultdict(int)
    stats["invisible_lines"] = set()
    ent = collections.Counter()
    kinds = collections.Counter()
    scenes = collections.Counter()
    photos = collections.Counter()
    mf = 0
    bad = 0
    for meta in truth["files"]:
        probs = check_file(root, meta, stats)
        if probs:
            bad += 1
            print(meta["path"], *probs[:3], sep="\n  ")
        scenes[meta["scene"]] += 1
        photos[
            (
                meta["photometric"],
                meta["bits_stored"],
                meta["signed"],
                meta["transfer_syntax"].endswith(".50"),
            )
        ] += 1
        mf += meta["frames"] > 1
        for ln in meta["lines"]:
            ent[(ln["phi"], ln["entity_type"])] += 1
            kinds[ln["kind"]] += 1
        if args.previews:
            ds = pydicom.dcmread(root / meta["path"])
            p = Path(args.previews)
            p.mkdir(parents=True, exist_ok=True)
            stem = meta["path"].replace("/", "_")[:-4]
            Image.fromarray(display(ds, 0)).save(p / f"{stem}.png")
            if meta["frames"] > 1:
                Image.fromarray(display(ds, meta["frames"] - 1)).save(
                    p / f"{stem}_last.png"
                )
    n_lines = sum(ent.values())
    n_phi = sum(v for (phi, _), v in ent.items() if phi)
    print(f"files {len(truth['files'])}, with problems {bad}, multi-frame {mf}")
    print(f"lines {n_lines}, PHI {n_phi} ({n_phi / max(1, n_lines):.1%})")
    for (phi, e), v in sorted(
        ent.items(), key=lambda kv: (not kv[0][0], str(kv[0][1]))
    ):
        print(f"  {'PHI' if phi else 'non-PHI':8} {e!s:14} {v}")
    print("kinds", dict(kinds))
    print("scenes", dict(sorted(scenes.items())))
    print("pixel formats (photometric, bits, signed, jpeg):")
    for k, v in sorted(photos.items(), key=str):
        print("  ", k, v)
    print(
        f"invisible chars (contrast < {MIN_CONTRAST}): PHI {stats['invisible_phi']}/{stats['chars_phi']}, "
        f"annotation {stats['invisible_annotation']}/{stats['chars_annotation']}"
    )
    for x in sorted(stats["invisible_lines"])[:20]:
        print("   ", x)
    if args.twins:
        sys.path.insert(0, str(Path(__file__).parent))
        import gen

        # one file per scene and pixel format, so every writer path is diffed
        by_kind: dict = {}
        for m in truth["files"]:
            key = (
                m["scene"],
                m["photometric"],
                m["transfer_syntax"],
                m["frames"] > 1,
                m["bits_stored"],
                m["signed"],
            )
            by_kind.setdefault(key, m)
        picks = list(by_kind.values())[: args.twins]
        with tempfile.TemporaryDirectory() as tmp:
            for meta in picks:
                idx = int(Path(meta["path"]).stem.split("_")[0])
                job = (truth["seed"], idx, meta["scene"], tmp, False)
                gen.make_one((*job, truth.get("frames", 0)))
                print("twin", twin_diff(root, meta, Path(tmp)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
