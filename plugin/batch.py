"""``orthanc-redact redact``: redact files and folders in parallel worker processes.

Output files are written atomically (temporary file in the target folder, fsync,
rename): an interrupted run never leaves a half-written DICOM behind. A file whose
redaction fails (or fails verification) gets no output at all.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError

from .core.errors import ConfigError
from .core.settings import OCR_RUNTIMES, FillMode, Policy, RedactionSettings

logger = logging.getLogger(__name__)

__all__ = [
    "iter_inputs",
    "largest_first",
    "redact_file",
    "register_cli",
    "run_batch",
    "write_atomic",
]


def register_cli(sub: Any) -> None:
    p = sub.add_parser("redact", help="redact DICOM files and folders")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="DIR")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="worker processes (default: all cores)",
    )
    p.add_argument("--policy", choices=[x.value for x in Policy], default=None)
    p.add_argument("--fill", choices=[x.value for x in FillMode], default=None)
    p.add_argument("--padding", type=int, default=None)
    p.add_argument("--ocr", dest="ocr_backend", default=None, help="OCR backend")
    p.add_argument(
        "--ocr-runtime",
        choices=list(OCR_RUNTIMES),
        default=None,
        help="how RapidOCR's models run (default auto: OpenVINO when installed)",
    )
    p.add_argument(
        "--no-verify", action="store_true", help="skip the verification pass"
    )
    p.add_argument(
        "--keep-header",
        action="store_true",
        help="do not anonymize the header (pixels only)",
    )
    p.add_argument("--config", type=Path, help="JSON file with PixelRedaction keys")
    p.add_argument("--report", type=Path, help="write the JSON report here")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_main)


def settings_from_args(args: argparse.Namespace) -> RedactionSettings:
    """Settings from ``--config`` (PixelRedaction keys) overridden by flags."""
    base: dict[str, Any] = {}
    if getattr(args, "config", None):
        data = json.loads(Path(args.config).read_text())
        base = data.get("PixelRedaction", data)
    settings = RedactionSettings.from_mapping(base)
    changes: dict[str, Any] = {}
    for name in ("policy", "fill", "padding", "ocr_backend", "ocr_runtime"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    if getattr(args, "no_verify", False):
        changes["verify"] = False
    if getattr(args, "keep_header", False):
        changes["anonymize_header"] = False
    return settings.replace(**changes) if changes else settings


def iter_inputs(inputs: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(source file, path relative to the output folder) for files and folders."""
    for item in inputs:
        if item.is_dir():
            for path in sorted(item.rglob("*")):
                if path.is_file() and _looks_like_dicom(path):
                    yield path, path.relative_to(item)
        elif item.is_file():
            yield item, Path(item.name)
        else:
            raise FileNotFoundError(f"No such file or folder: {item}")


def largest_first(files: list[tuple[Path, Path]]) -> list[tuple[Path, Path]]:
    """``files`` ordered by decreasing pixel count (frames x rows x columns).

    The workers take files in this order: a long cine started last would keep one
    worker busy while the others wait (longest jobs first shortens the batch). A
    header that cannot be read counts as no pixels: that file fails fast anyway.
    """

    def pixels(path: Path) -> int:
        try:
            ds = pydicom.dcmread(
                path,
                stop_before_pixels=True,
                specific_tags=["NumberOfFrames", "Rows", "Columns"],
            )
            return int(ds.get("NumberOfFrames") or 1) * int(ds.Rows) * int(ds.Columns)
        except Exception:  # noqa: BLE001 - only an ordering hint
            return 0

    return sorted(files, key=lambda f: -pixels(f[0]))


def _looks_like_dicom(path: Path) -> bool:
    if path.suffix.lower() in (".dcm", ".dicom"):
        return True
    try:
        with path.open("rb") as fh:
            fh.seek(128)
            return fh.read(4) == b"DICM"
    except OSError:
        return False


def write_atomic(ds: pydicom.Dataset, target: Path) -> None:
    """Write ``ds`` to ``target`` so that ``target`` is either complete or absent."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".partial-", suffix=".dcm", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            ds.save_as(fh, enforce_file_format=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# ---- worker side ---------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(settings: RedactionSettings, threads: int) -> None:
    from .core.pipeline import get_engines
    from .privacy import silence_value_messages

    silence_value_messages()
    engines = get_engines(settings, threads)
    engines.warm_up()
    _WORKER["engines"] = engines
    _WORKER["settings"] = settings


def _read(src: Path) -> pydicom.Dataset:
    """Read a DICOM file, also one without the 128-byte preamble and file meta.

    Such files (written before DICOM 3, or a network stream dumped to disk) are
    read as a bare dataset, and only accepted when they name their SOP class, so
    that a stray text file named ``.dcm`` is still unreadable.
    """
    try:
        return pydicom.dcmread(src)
    except InvalidDicomError:
        ds = pydicom.dcmread(src, force=True)
        if "SOPClassUID" not in ds:
            raise
        return ds


def redact_file(
    src: Path, dst: Path, settings: RedactionSettings, engines: Any = None
) -> dict[str, Any]:
    """Redact one file into ``dst``; returns the report as a dict (never raises)."""
    from .core.pipeline import redact_dataset

    try:
        ds = _read(src)
    except (InvalidDicomError, OSError, ValueError, EOFError) as exc:
        return {
            "status": "failed",
            "reason": "unreadable",
            "message": type(exc).__name__,
            "boxes": [],
        }
    except Exception as exc:  # noqa: BLE001 - pydicom raises many types on corrupt input
        return {
            "status": "failed",
            "reason": "unreadable",
            "message": type(exc).__name__,
            "boxes": [],
        }
    try:
        result = redact_dataset(ds, settings, engines=engines)
    except Exception as exc:
        # The type only: a library's message may quote file content.
        logger.error("unexpected %s", type(exc).__name__)
        logger.debug("traceback", exc_info=True)
        return {
            "status": "failed",
            "reason": "internal",
            "message": type(exc).__name__,
            "boxes": [],
        }
    report = result.report.to_dict()
    if result.dataset is not None:
        try:
            write_atomic(result.dataset, dst)
        except Exception as exc:  # noqa: BLE001 - any write error fails the file
            report.update(status="failed", reason="write", message=type(exc).__name__)
    return report


def _work(job: tuple[str, str, str]) -> tuple[str, dict[str, Any]]:
    src, dst, rel = job
    return rel, redact_file(
        Path(src), Path(dst), _WORKER["settings"], _WORKER["engines"]
    )


def run_batch(
    inputs: list[Path],
    output: Path,
    settings: RedactionSettings,
    *,
    jobs: int = 0,
    progress: bool = True,
) -> dict[str, Any]:
    """Redact every input into ``output``; returns the batch report."""
    files = largest_first(list(iter_inputs(inputs)))
    jobs = jobs or os.cpu_count() or 1
    jobs = max(1, min(jobs, len(files) or 1))
    threads = 1 if jobs > 1 else 0
    work = [(str(src), str(output / rel), str(rel)) for src, rel in files]
    results: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        tqdm = None
    bar = (
        tqdm(total=len(work), unit="file", disable=not progress, file=sys.stderr)
        if tqdm
        else None
    )
    if jobs == 1:
        _init_worker(settings, threads)
        for job in work:
            rel, rep = _work(job)
            results[rel] = rep
            if bar:
                bar.update()
    else:
        ctx = mp.get_context("spawn")
        with ctx.Pool(
            jobs, initializer=_init_worker, initargs=(settings, threads)
        ) as pool:
            for rel, rep in pool.imap_unordered(_work, work):
                results[rel] = rep
                if bar:
                    bar.update()
    if bar:
        bar.close()
    counts = Counter(r["status"] for r in results.values())
    return {
        "summary": {
            "files": len(work),
            "done": counts.get("done", 0),
            "failed": counts.get("failed", 0),
            "skipped": counts.get("skipped", 0),
            "boxes": sum(len(r.get("boxes", [])) for r in results.values()),
            "seconds": round(time.perf_counter() - started, 3),
            "jobs": jobs,
            "policy": settings.policy.value,
            "fill": settings.fill.value,
        },
        "files": {rel: results[rel] for rel in sorted(results)},
    }


def _main(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(args)
    except (ConfigError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = run_batch(
            args.inputs,
            args.output,
            settings,
            jobs=args.jobs,
            progress=not args.no_progress and not args.quiet,
        )
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    s = report["summary"]
    reasons = Counter(
        r.get("reason") for r in report["files"].values() if r["status"] == "failed"
    )
    print(
        f"{s['files']} files: {s['done']} done, {s['failed']} failed, {s['skipped']} skipped;"
        f" {s['boxes']} boxes painted; {s['seconds']:.1f} s with {s['jobs']} workers"
    )
    for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  failed ({reason}): {n}")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2))
    return 1 if s["failed"] else 0
