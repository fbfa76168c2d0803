#!/usr/bin/env python3
"""Generate a load set: N distinct DICOM instances of mixed modalities and sizes, fast.

    .venv/bin/python scripts/loadgen.py OUT [--n 1000] [--templates 48] [--seed 0]
        [--multiframe-share 0.1] [--max-frames 5] [--force]

1. Templates: ``plugin.synth.generate_set`` renders ``--templates`` synthetic images
   with burned-in text (CT, MR, CR, DX, US, XA, SC, OT; MONOCHROME1/2, RGB, PALETTE
   COLOR, YBR; 8-16 bit; 256-1024 pixels a side). Multi-frame ones with more than
   ``--max-frames`` frames are dropped; the rest are kept.
2. Every template is written **uncompressed** (compressed pixel data decoded; YBR
   becomes RGB): ``storescu`` proposes only uncompressed transfer syntaxes by
   default, so the whole set can be sent with plain ``storescu`` associations.
3. Replication: instances are produced series by series (1-8 instances from one
   template), 1-2 series per study, 1-2 studies per invented patient; every instance
   gets new Study/Series/SOP Instance UIDs and its patient a new identity (name, ID,
   birth date, sex, accession number, dates). A share ``--multiframe-share`` of the
   series are one multi-frame instance each (about 2-3 % of the instances).

Output: ``OUT/instances/NNNNN_<MOD>.dcm``, the uncompressed templates in
``OUT/templates/`` and ``OUT/manifest.json`` (one entry per instance: path, UIDs,
patient ID, modality, size, frames, transfer syntax, bytes). An existing set with
the same parameters is reused unless ``--force``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import io
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pydicom
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, generate_uid

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MANIFEST = "manifest.json"
UNCOMPRESSED = {
    str(ExplicitVRLittleEndian): "Explicit VR Little Endian",
    str(ImplicitVRLittleEndian): "Implicit VR Little Endian",
}
SYNTAX_NOTE = (
    "uncompressed transfer syntaxes only (Explicit/Implicit VR Little Endian): "
    "plain storescu proposes only uncompressed syntaxes"
)

_GIVEN = [
    "Alice", "Bruno", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines",
    "Jonas", "Kaia", "Liam", "Mona", "Nils", "Olga", "Pedro", "Quinn", "Rosa",
    "Sven", "Tara", "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoe",
]  # fmt: skip
_FAMILY = [
    "Abbott", "Berger", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia",
    "Hansen", "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Novak",
    "Olsen", "Petrov", "Quiroga", "Rossi", "Schmidt", "Tanaka", "Usman",
    "Vargas", "Weber", "Xu", "Yilmaz", "Zimmermann",
]  # fmt: skip


def log(message: str) -> None:
    print(f"[loadgen {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- templates ------------------------------------------------------------------------
def _uncompressed_bytes(path: Path) -> tuple[bytes, dict[str, Any]]:
    """The file at ``path`` in an uncompressed syntax, and a description of it."""
    ds = pydicom.dcmread(path)
    if str(ds.file_meta.TransferSyntaxUID) not in UNCOMPRESSED:
        ds.decompress()  # Explicit VR LE; YBR -> RGB
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    info = {
        "modality": str(ds.Modality),
        "photometric": str(ds.PhotometricInterpretation),
        "bits_allocated": int(ds.BitsAllocated),
        "rows": int(ds.Rows),
        "cols": int(ds.Columns),
        "frames": frames,
        "transfer_syntax": str(ds.file_meta.TransferSyntaxUID),
        "sop_class_uid": str(ds.SOPClassUID),
        "bytes": len(buf.getvalue()),
    }
    return buf.getvalue(), info


def make_templates(
    out: Path, count: int, seed: int, max_frames: int
) -> list[dict[str, Any]]:
    """Render ``count`` synthetic files, keep them uncompressed in ``out``."""
    from plugin.synth import generate_set

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="loadgen-synth-") as tmp:
        truth = generate_set(Path(tmp), count, seed)
        templates = []
        for entry in truth["files"]:
            if entry["frames"] > max_frames:
                continue
            data, info = _uncompressed_bytes(Path(tmp) / entry["path"])
            name = Path(entry["path"]).name
            (out / name).write_bytes(data)
            templates.append(
                {
                    "name": name,
                    "source_transfer_syntax": entry["transfer_syntax"],
                    **info,
                }
            )
    return templates


# ---- replication ----------------------------------------------------------------------
def _identity(rng: random.Random) -> dict[str, str]:
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 32000))
    return {
        "PatientName": f"{family.upper()}^{given.upper()}",
        "PatientID": f"LG{rng.randrange(10**9):09d}",
        "PatientBirthDate": birth.strftime("%Y%m%d"),
        "PatientSex": rng.choice("MF"),
    }


def _plan(
    rng: random.Random, n: int, single: list[int], multi: list[int], share: float
) -> list[tuple[int, int, int, int]]:
    """``n`` tuples ``(patient, study, series, template)`` in sending order."""
    plan: list[tuple[int, int, int, int]] = []
    patient = study = series = 0
    while len(plan) < n:
        for _ in range(rng.randint(1, 2)):  # studies of this patient
            for _ in range(rng.randint(1, 2)):  # series of this study
                use_multi = multi and (not single or rng.random() < share)
                template = rng.choice(multi if use_multi else single)
                size = 1 if use_multi else rng.randint(1, 8)
                for _ in range(size):
                    plan.append((patient, study, series, template))
                series += 1
            study += 1
        patient += 1
    return plan[:n]


def replicate(
    out: Path,
    templates: list[dict[str, Any]],
    template_dir: Path,
    n: int,
    seed: int,
    multiframe_share: float,
) -> list[dict[str, Any]]:
    rng = random.Random(f"loadgen:{seed}")
    raw = [(template_dir / t["name"]).read_bytes() for t in templates]
    single = [i for i, t in enumerate(templates) if t["frames"] == 1]
    multi = [i for i, t in enumerate(templates) if t["frames"] > 1]
    (out / "instances").mkdir(parents=True, exist_ok=True)
    patients: dict[int, dict[str, str]] = {}
    studies: dict[int, dict[str, str]] = {}
    series_uids: dict[int, str] = {}
    numbers: collections.Counter[int] = collections.Counter()
    files: list[dict[str, Any]] = []
    for index, (patient, study, series, t) in enumerate(
        _plan(rng, n, single, multi, multiframe_share)
    ):
        ident = patients.setdefault(patient, _identity(rng))
        if study not in studies:
            when = dt.datetime(2015, 1, 1) + dt.timedelta(
                minutes=rng.randrange(0, 10 * 365 * 24 * 60)
            )
            studies[study] = {
                "StudyInstanceUID": generate_uid(),
                "StudyDate": when.strftime("%Y%m%d"),
                "StudyTime": when.strftime("%H%M%S"),
                "AccessionNumber": f"A{rng.randrange(10**8):08d}",
                "StudyID": str(rng.randrange(1, 10**5)),
            }
        st = studies[study]
        series_uid = series_uids.setdefault(series, generate_uid())
        numbers[series] += 1
        ds = pydicom.dcmread(io.BytesIO(raw[t]))
        sop_uid = generate_uid()
        for key, value in ident.items():
            setattr(ds, key, value)
        for key, value in st.items():
            setattr(ds, key, value)
        for key in ("SeriesDate", "ContentDate", "AcquisitionDate"):
            if key in ds:
                setattr(ds, key, st["StudyDate"])
        ds.SeriesInstanceUID = series_uid
        ds.SeriesNumber = series + 1
        ds.InstanceNumber = numbers[series]
        ds.SOPInstanceUID = sop_uid
        ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
        rel = f"instances/{index + 1:05d}_{templates[t]['modality']}.dcm"
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        (out / rel).write_bytes(buf.getvalue())
        files.append(
            {
                "path": rel,
                "sop_instance_uid": sop_uid,
                "series_instance_uid": series_uid,
                "study_instance_uid": st["StudyInstanceUID"],
                "patient_id": ident["PatientID"],
                "template": templates[t]["name"],
                "modality": templates[t]["modality"],
                "photometric": templates[t]["photometric"],
                "rows": templates[t]["rows"],
                "cols": templates[t]["cols"],
                "frames": templates[t]["frames"],
                "transfer_syntax": templates[t]["transfer_syntax"],
                "bytes": len(buf.getvalue()),
            }
        )
    return files


# ---- set ------------------------------------------------------------------------------
def load_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


def generate(
    out: Path,
    n: int = 1000,
    *,
    templates: int = 48,
    seed: int = 0,
    multiframe_share: float = 0.1,
    max_frames: int = 5,
    force: bool = False,
) -> dict[str, Any]:
    """Write (or reuse) the load set in ``out``; returns its manifest."""
    params = {
        "n": n,
        "templates": templates,
        "seed": seed,
        "multiframe_share": multiframe_share,
        "max_frames": max_frames,
    }
    existing = load_manifest(out)
    if (
        existing
        and existing.get("params") == params
        and not force
        and all((out / f["path"]).is_file() for f in existing["files"])
    ):
        log(f"reusing the set in {out} ({len(existing['files'])} files)")
        return existing
    if out.exists():
        shutil.rmtree(out / "instances", ignore_errors=True)
        shutil.rmtree(out / "templates", ignore_errors=True)
        (out / MANIFEST).unlink(missing_ok=True)
    started = time.perf_counter()
    log(f"rendering {templates} templates (plugin.synth.generate_set, seed {seed})")
    kept = make_templates(out / "templates", templates, seed, max_frames)
    t_templates = time.perf_counter() - started
    if not kept:
        raise SystemExit("no template left (raise --max-frames)")
    log(
        f"{len(kept)} templates kept in {t_templates:.1f} s "
        f"({sum(t['frames'] > 1 for t in kept)} multi-frame); writing {n} instances"
    )
    files = replicate(out, kept, out / "templates", n, seed, multiframe_share)
    seconds = time.perf_counter() - started
    manifest = {
        "version": 1,
        "params": params,
        "note": SYNTAX_NOTE,
        "seconds": round(seconds, 1),
        "summary": summarize(files),
        "templates": kept,
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1))
    log(f"{n} instances written in {seconds:.1f} s to {out}")
    return manifest


def ensure(out: Path, n: int, seed: int = 0) -> dict[str, Any]:
    """A set of at least ``n`` instances in ``out`` (an existing larger one is reused:
    its first ``n`` files), else a new one; the manifest's ``files`` are cut to ``n``."""
    existing = load_manifest(out)
    if (
        existing
        and existing.get("params", {}).get("seed") == seed
        and len(existing.get("files", [])) >= n
        and all((out / f["path"]).is_file() for f in existing["files"][:n])
    ):
        log(f"reusing the first {n} of {len(existing['files'])} instances in {out}")
        manifest = existing
    else:
        manifest = generate(out, n, seed=seed)
    return {**manifest, "files": manifest["files"][:n]}


def summarize(files: list[dict[str, Any]]) -> dict[str, Any]:
    sizes = sorted(f["bytes"] for f in files)
    return {
        "files": len(files),
        "patients": len({f["patient_id"] for f in files}),
        "studies": len({f["study_instance_uid"] for f in files}),
        "series": len({f["series_instance_uid"] for f in files}),
        "modalities": dict(collections.Counter(f["modality"] for f in files)),
        "photometric": dict(collections.Counter(f["photometric"] for f in files)),
        "multi_frame": sum(f["frames"] > 1 for f in files),
        "transfer_syntaxes": {
            UNCOMPRESSED.get(k, k): v
            for k, v in collections.Counter(f["transfer_syntax"] for f in files).items()
        },
        "megabytes": round(sum(sizes) / 1e6, 1),
        "bytes_min": sizes[0] if sizes else 0,
        "bytes_median": sizes[len(sizes) // 2] if sizes else 0,
        "bytes_max": sizes[-1] if sizes else 0,
    }


def print_summary(manifest: dict[str, Any], out: Path) -> None:
    s = manifest["summary"]
    print(
        f"{s['files']} instances in {out}/instances ({s['megabytes']} MB; "
        f"{s['patients']} patients, {s['studies']} studies, {s['series']} series)"
    )
    print("  modalities:  " + ", ".join(f"{k} {v}" for k, v in s["modalities"].items()))
    print(
        "  photometric: " + ", ".join(f"{k} {v}" for k, v in s["photometric"].items())
    )
    print(
        f"  multi-frame: {s['multi_frame']}; bytes per file min {s['bytes_min']}, "
        f"median {s['bytes_median']}, max {s['bytes_max']}"
    )
    print(
        "  transfer syntaxes: "
        + ", ".join(f"{k} {v}" for k, v in s["transfer_syntaxes"].items())
    )
    print(f"  note: {manifest['note']}")
    print(f"  manifest: {out / MANIFEST}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="output folder")
    p.add_argument("--n", type=int, default=1000, help="instances (1000)")
    p.add_argument(
        "--templates", type=int, default=48, help="synthetic templates rendered (48)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--multiframe-share",
        type=float,
        default=0.1,
        help="share of series made from a multi-frame template (0.1; such a series"
        " has one instance, so about 2-3 %% of the instances)",
    )
    p.add_argument(
        "--max-frames",
        type=int,
        default=5,
        help="drop multi-frame templates with more frames (5)",
    )
    p.add_argument("--force", action="store_true", help="regenerate even if present")
    args = p.parse_args(argv)
    if args.n < 1 or args.templates < 1:
        p.error("--n and --templates must be >= 1")
    out = Path(args.out).resolve()
    manifest = generate(
        out,
        args.n,
        templates=args.templates,
        seed=args.seed,
        multiframe_share=args.multiframe_share,
        max_frames=args.max_frames,
        force=args.force,
    )
    print_summary(manifest, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
