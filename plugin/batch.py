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
import multiprocessing.pool
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pydicom
from pydicom.errors import InvalidDicomError

from .core.errors import ConfigError
from .core.settings import OCR_RUNTIMES, FillMode, Policy, RedactionSettings

logger = logging.getLogger(__name__)

__all__ = [
    "Interrupted",
    "UsageError",
    "iter_inputs",
    "largest_first",
    "plan",
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
        type=_jobs,
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


def _jobs(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all cores) or more")
    return value


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


class UsageError(ValueError):
    """The command line asks for something that would lose or overwrite data."""


def iter_inputs(
    inputs: list[Path], output: Path | None = None
) -> Iterator[tuple[Path, Path]]:
    """(source file, path relative to the output folder) for files and folders.

    A folder is walked recursively, ``output`` (when it lies inside) left out: a
    second run must not read its own copies. A subfolder that cannot be listed,
    or a file that cannot be opened to tell whether it is DICOM, is yielded all
    the same, to fail with a reason rather than vanish from the count.
    """
    out = output.resolve() if output is not None else None
    for item in inputs:
        if item.is_dir():
            unreadable: list[OSError] = []
            for root, dirs, names in os.walk(item, onerror=unreadable.append):
                here = Path(root)
                dirs[:] = sorted(d for d in dirs if (here / d).resolve() != out)
                for name in sorted(names):
                    path = here / name
                    if path.is_file() and _looks_like_dicom(path):
                        yield path, path.relative_to(item)
            for exc in unreadable:
                if exc.filename:
                    path = Path(exc.filename)
                    yield path, path.relative_to(item)
        elif item.is_file():
            yield item, Path(item.name)
        else:
            raise FileNotFoundError(f"No such file or folder: {item}")


def plan(
    inputs: list[Path], output: Path, report: Path | None = None
) -> list[tuple[Path, Path]]:
    """The (source, relative output path) pairs of a run, checked before any work.

    Raises
    ------
    UsageError
        An input lies in ``output`` (its copy would replace it), two sources map
        to one output path (one copy would silently replace the other), or the
        report would overwrite an input or cannot be written where asked.
    FileNotFoundError
        An input does not exist.
    """
    out = output.resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--output {output} is a file, not a folder")
    for item in inputs:
        real = item.resolve()
        if real == out or out in real.parents:
            raise UsageError(
                f"{item} lies in --output {output}: its copies would replace the "
                "originals; choose another output folder"
            )
    files: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    by_target: dict[Path, Path] = {}
    for src, rel in iter_inputs(inputs, output):
        real = src.resolve()
        if real in seen:
            continue  # the same file given twice (or through a link)
        seen.add(real)
        other = by_target.get(rel)
        if other is not None:
            raise UsageError(
                f"{other} and {src} would both be written to {output / rel}; "
                "redact them in separate runs or into separate folders"
            )
        by_target[rel] = src
        files.append((src, rel))
    if report is not None:
        target = report.resolve()
        if target in seen:
            raise UsageError(f"--report {report} is one of the inputs")
        if target.is_dir():
            raise UsageError(f"--report {report} is a folder")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--report {report}: {exc.strerror}") from None
    return files


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
    """By its extension or its DICM marker; a file that cannot be opened counts
    (it then fails as unreadable, in the count, rather than vanishing)."""
    if path.suffix.lower() in (".dcm", ".dicom"):
        return True
    try:
        with path.open("rb") as fh:
            fh.seek(128)
            return fh.read(4) == b"DICM"
    except OSError:
        return True


def _file_mode() -> int:
    """The mode a new file gets under this process's umask (mkstemp's is 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_WRITING = False
"""A copy is being written in this process (see :func:`_exit_on_signal`)."""
_PARTIAL = ".partial-"
"""The prefix of a copy being written; what an interrupted run leaves is swept."""


def write_atomic(ds: pydicom.Dataset, target: Path) -> None:
    """Write ``ds`` to ``target`` so that ``target`` is either complete or absent."""
    global _WRITING
    _WRITING = True
    try:
        _replace_atomically(
            target,
            lambda fh: ds.save_as(fh, enforce_file_format=True),
            _PARTIAL,
            ".dcm",
        )
    finally:
        _WRITING = False


def _replace_atomically(
    target: Path, write: Callable[[BinaryIO], None], prefix: str, suffix: str
) -> None:
    """``write`` into a temporary file beside ``target`` (the umask's mode),
    fsync, rename over ``target``; on any failure the temporary file goes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    try:
        os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "wb") as fh:
            write(fh)
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


def _exit_on_signal(signum: int, _frame: Any) -> None:
    """SIGTERM in a worker: in the middle of writing a copy, unwind (the temporary
    file is removed on the way out); anywhere else, exit at once."""
    if _WRITING:
        raise SystemExit(128 + signum)
    os._exit(128 + signum)


def _init_worker(settings: RedactionSettings, threads: int) -> None:
    from .core.pipeline import get_engines
    from .privacy import silence_value_messages

    # Ctrl-C reaches the whole process group: the parent alone decides, and
    # stops the workers with SIGTERM, which unwinds a write (its temporary file
    # removed) instead of killing the process in the middle of it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_signal)

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
    except Exception as exc:  # noqa: BLE001 - pydicom raises many types on corrupt input
        _no_stale_copy(dst)
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
        _no_stale_copy(dst)
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
    if report["status"] != "done":
        _no_stale_copy(dst)
    return report


def _no_stale_copy(dst: Path) -> None:
    """A file that fails (or is skipped) has no copy: not one from an earlier run."""
    try:
        dst.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("an earlier copy could not be removed (%s)", type(exc).__name__)


def _work(job: tuple[str, str, str]) -> tuple[str, dict[str, Any]]:
    src, dst, rel = job
    return rel, redact_file(
        Path(src), Path(dst), _WORKER["settings"], _WORKER["engines"]
    )


class Interrupted(Exception):
    """The run was stopped (Ctrl-C, SIGTERM); ``report`` holds the files finished."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__("interrupted")
        self.report = report


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def run_batch(
    inputs: list[Path],
    output: Path,
    settings: RedactionSettings,
    *,
    jobs: int = 0,
    progress: bool = True,
    report_path: Path | None = None,
) -> dict[str, Any]:
    """Redact every input into ``output``; returns the batch report.

    Raises
    ------
    UsageError, FileNotFoundError
        See :func:`plan`; nothing was done.
    Interrupted
        SIGINT or SIGTERM: the workers were stopped, no temporary file is left,
        the copies finished before stay (each complete).
    """
    files = largest_first(plan(inputs, output, report_path))
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
    if not work:
        if bar:
            bar.close()
        return _batch_report(results, 0, started, 0, settings)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        if jobs == 1:
            _init_worker(settings, threads)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, _interrupt)
            for job in work:
                rel, rep = _work(job)
                results[rel] = rep
                if bar:
                    bar.update()
        else:
            ctx = mp.get_context("spawn")
            pool = ctx.Pool(
                jobs, initializer=_init_worker, initargs=(settings, threads)
            )
            try:
                for rel, rep in pool.imap_unordered(_work, work):
                    results[rel] = rep
                    if bar:
                        bar.update()
            except KeyboardInterrupt:
                _stop(pool)
                raise
            pool.close()
            pool.join()
    except KeyboardInterrupt:
        # The workers are gone (each unwound its write, or was killed after a
        # grace period): what a killed one left half-written is swept.
        _sweep_partials(output)
        if bar:
            bar.close()
        raise Interrupted(_batch_report(results, len(work), started, jobs, settings))
    finally:
        signal.signal(signal.SIGTERM, previous)
    if bar:
        bar.close()
    return _batch_report(results, len(work), started, jobs, settings)


_GRACE_S = 5.0
"""How long a worker has to unwind its write after SIGTERM before it is killed."""


def _stop(pool: Any) -> None:
    """Stop ``pool``'s workers: SIGTERM (each unwinds), then SIGKILL after a grace.

    Not ``Pool.terminate()``: it joins the pool's result thread, which waits for
    ever on a message a worker stopped half-way through writing to its pipe.
    """
    # First the thread that replaces exited workers: it would start new ones.
    handler = getattr(pool, "_worker_handler", None)
    if handler is not None:
        handler._state = mp.pool.TERMINATE
        handler.join(2.0)
    workers = list(getattr(pool, "_pool", []))
    for proc in workers:
        if proc.exitcode is None:
            proc.terminate()
    deadline = time.monotonic() + _GRACE_S
    for proc in workers:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.exitcode is None:
            proc.kill()
            proc.join(1.0)
    # Nor at exit: multiprocessing's own finalizer would terminate the pool so.
    finalizer = getattr(pool, "_terminate", None)
    if finalizer is not None:
        finalizer.cancel()


def _sweep_partials(output: Path) -> None:
    """Remove the temporary files an interrupted run left in ``output``."""
    if not output.is_dir():
        return
    for path in output.rglob(f"{_PARTIAL}*.dcm"):
        try:
            path.unlink()
        except OSError:
            pass


def _batch_report(
    results: dict[str, dict[str, Any]],
    total: int,
    started: float,
    jobs: int,
    settings: RedactionSettings,
) -> dict[str, Any]:
    counts = Counter(r["status"] for r in results.values())
    return {
        "summary": {
            "files": total,
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


def _write_report(path: Path, report: dict[str, Any]) -> bool:
    """Write the JSON report atomically; False (with a message) if it cannot be."""
    try:
        text = json.dumps(report, indent=2).encode()
        _replace_atomically(path, lambda fh: fh.write(text), ".report-", ".json")
        return True
    except OSError as exc:
        print(f"error: the report cannot be written: {exc.strerror}", file=sys.stderr)
        return False


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
            report_path=args.report,
        )
    except (FileNotFoundError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Interrupted as stop:
        s = stop.report["summary"]
        done = s["done"] + s["failed"] + s["skipped"]
        print(
            f"interrupted: {done} of {s['files']} files finished; the copies written "
            "are complete, the rest were not written",
            file=sys.stderr,
        )
        if args.report:
            stop.report["summary"]["interrupted"] = True
            _write_report(args.report, stop.report)
        return 130
    s = report["summary"]
    if not s["files"]:
        print("note: no DICOM files found in the inputs", file=sys.stderr)
    reasons = Counter(
        r.get("reason") for r in report["files"].values() if r["status"] == "failed"
    )
    print(
        f"{s['files']} files: {s['done']} done, {s['failed']} failed, {s['skipped']} skipped;"
        f" {s['boxes']} boxes painted; {s['seconds']:.1f} s with {s['jobs']} workers"
    )
    for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print(f"  failed ({reason}): {n}")
    if args.report and not _write_report(args.report, report):
        return 1
    return 1 if s["failed"] else 0
