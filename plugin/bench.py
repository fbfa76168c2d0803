"""Throughput benchmark, ours vs. Presidio: ``orthanc-redact bench SET [--jobs N]``.

Both systems process the same files, in the same order (largest first, as
``redact`` takes them), with the same number of ``spawn`` worker processes. Each worker first builds its engines and runs one warm-up image; that
is reported as *init* and kept out of the per-file times. A per-file time covers
reading the file, redacting it and writing the result to a temporary folder.

* wall: from creating the pool to the last result (includes worker start and init);
* files/s: files / (wall - slowest worker init);
* peak RSS: sum over workers of each worker's maximum resident set size;
* with both systems, the files both redact (Presidio fails at once on others, such
  as multi-frame and palette images) and the sum of the per-file times on those.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

__all__ = ["BenchResult", "register_cli", "run_bench"]

_STATE: dict[str, Any] = {}


@dataclasses.dataclass
class BenchResult:
    """Timings of one system over one set."""

    name: str
    files: int
    failures: int
    jobs: int
    wall_seconds: float
    init_seconds: float  # slowest worker
    per_file: list[float]
    peak_rss_mb: float
    redacted: dict[str, float] = dataclasses.field(default_factory=dict)
    """Per-file time of each file redacted (relative path), failures left out."""

    @property
    def files_per_second(self) -> float:
        busy = max(1e-9, self.wall_seconds - self.init_seconds)
        return self.files / busy

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.per_file, q)) if self.per_file else float("nan")


def _warmup_dataset() -> Any:
    """A tiny grayscale instance with one word, to load OCR/NER models."""
    from PIL import Image, ImageDraw
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.pixels import set_pixel_data
    from pydicom.uid import generate_uid

    img = Image.new("L", (128, 64), 0)
    ImageDraw.Draw(img).text((8, 20), "WARM UP", fill=255)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.PatientName = "WARM^UP"
    ds.PatientID = "0"
    ds.Modality = "OT"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    set_pixel_data(ds, np.asarray(img, np.uint8), "MONOCHROME2", 8)
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    return ds


def _init_worker(system: str, threads: int, out_root: str) -> None:
    started = time.perf_counter()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("presidio-image-redactor").setLevel(logging.ERROR)
    if system == "ours":
        from .core.pipeline import get_engines, redact_dataset
        from .core.settings import RedactionSettings

        settings = RedactionSettings()
        engines = get_engines(settings, threads)
        _STATE.update(settings=settings, engines=engines)
        redact_dataset(_warmup_dataset(), settings, engines=engines)
    else:
        from .baseline import get_presidio_engine

        engine = get_presidio_engine()
        engine.redact_and_return_bbox(
            _warmup_dataset(), fill="contrast", use_metadata=True
        )
    _STATE["system"] = system
    _STATE["out_root"] = out_root
    _STATE["init"] = time.perf_counter() - started


def _work(job: tuple[str, str]) -> tuple[str, float, bool, int, float, int]:
    src, rel = job
    dst = Path(_STATE["out_root"]) / rel
    started = time.perf_counter()
    ok = False
    try:
        if _STATE["system"] == "ours":
            from .batch import redact_file

            report = redact_file(Path(src), dst, _STATE["settings"], _STATE["engines"])
            ok = report.get("status") == "done"
        else:
            from .baseline import redact_with_presidio

            redact_with_presidio(src, dst)
            ok = True
    except Exception as exc:  # noqa: BLE001 - a failure is a data point
        logger.debug("%s failed on %s: %s", _STATE["system"], rel, type(exc).__name__)
    seconds = time.perf_counter() - started
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return rel, seconds, ok, os.getpid(), float(_STATE["init"]), int(rss_kb)


def run_bench(files: list[tuple[Path, str]], system: str, *, jobs: int) -> BenchResult:
    """Process ``files`` ((path, relative path) pairs) with ``system`` in ``jobs`` workers."""
    jobs = max(1, min(jobs, len(files) or 1))
    threads = 1 if jobs > 1 else 0
    out_root = tempfile.mkdtemp(prefix=f"bench-{system}-")
    per_file: list[float] = []
    redacted: dict[str, float] = {}
    failures = 0
    rss: dict[int, int] = {}
    init: dict[int, float] = {}
    started = time.perf_counter()
    try:
        ctx = mp.get_context("spawn")
        with ctx.Pool(
            jobs, initializer=_init_worker, initargs=(system, threads, out_root)
        ) as pool:
            work = [(str(p), rel) for p, rel in files]
            for rel, seconds, ok, pid, init_s, rss_kb in pool.imap_unordered(
                _work, work
            ):
                per_file.append(seconds)
                failures += not ok
                if ok:
                    redacted[rel] = seconds
                rss[pid] = max(rss.get(pid, 0), rss_kb)
                init[pid] = init_s
        wall = time.perf_counter() - started
    finally:
        shutil.rmtree(out_root, ignore_errors=True)
    return BenchResult(
        name=system,
        files=len(files),
        failures=failures,
        jobs=jobs,
        wall_seconds=wall,
        init_seconds=max(init.values(), default=0.0),
        per_file=per_file,
        peak_rss_mb=sum(rss.values()) / 1024.0,
        redacted=redacted,
    )


def format_table(results: list[BenchResult]) -> str:
    rows = [
        ("Files", lambda r: f"{r.files}"),
        ("Worker processes", lambda r: f"{r.jobs}"),
        ("Failures", lambda r: f"{r.failures}"),
        ("Init s (slowest worker)", lambda r: f"{r.init_seconds:.1f}"),
        ("Wall s (incl. init)", lambda r: f"{r.wall_seconds:.1f}"),
        ("Files/s (excl. init)", lambda r: f"{r.files_per_second:.2f}"),
        ("p50 s/file", lambda r: f"{r.percentile(50):.2f}"),
        ("p95 s/file", lambda r: f"{r.percentile(95):.2f}"),
        ("Peak RSS MB (sum workers)", lambda r: f"{r.peak_rss_mb:.0f}"),
    ]
    if len(results) > 1:
        both = set.intersection(*(set(r.redacted) for r in results))
        rows += [
            ("Files both redact", lambda r: f"{len(both)}"),
            (
                "Sum s/file on those",
                lambda r: f"{sum(r.redacted[k] for k in both):.1f}",
            ),
        ]
    width = max(len(r[0]) for r in rows) + 2
    head = "".ljust(width) + "".join(r.name.rjust(12) for r in results)
    lines = [head, "-" * len(head)]
    for label, fn in rows:
        lines.append(label.ljust(width) + "".join(fn(r).rjust(12) for r in results))
    lines.append(
        "Failures: ours = no output (fail closed) or error; presidio = exception."
    )
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from .batch import iter_inputs, largest_first

    try:
        found = list(iter_inputs([Path(args.set)]))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.limit:
        found = found[: args.limit]
    # Both systems take the files in the order `redact` does: largest first.
    files = [(p, str(rel)) for p, rel in largest_first(found)]
    if not files:
        print("no DICOM files found")
        return 2
    jobs = args.jobs or os.cpu_count() or 1
    systems = ["ours", "presidio"] if args.only is None else [args.only]
    results = [run_bench(files, s, jobs=jobs) for s in systems]
    print(format_table(results))
    return 0


def register_cli(subparsers: Any) -> None:
    """Add the ``bench`` sub-command."""
    p = subparsers.add_parser("bench", help="time ours vs. Presidio on the same files")
    p.add_argument("set", help="folder of DICOM files (e.g. written by `synth`)")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="worker processes for each system (default: all cores)",
    )
    p.add_argument("--only", choices=["ours", "presidio"], default=None)
    p.add_argument("--limit", type=int, default=0, help="only the first N files")
    p.set_defaults(func=_run)
