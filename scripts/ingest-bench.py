#!/usr/bin/env python3
"""Ingest benchmark: the same DICOM files C-STOREd into Orthanc without and with the
redaction plugin, figures side by side.

    .venv/bin/python scripts/ingest-bench.py /tmp/set60 [--concurrency K]
        [--download OUT] [--json FILE] [--deadline S] [--workers N]
    .venv/bin/python scripts/ingest-bench.py --generate 8

Two real Orthanc servers are started one after the other, each in its own folder on
free ports, with the function the integration tests use
(``tests/integration/conftest.py``):

- run A, *plugin off*: ``ORTHANC__PLUGINS=[]`` (no plugin loaded at all);
- run B, *plugin on*: the reference configuration (automatic redaction, one worker
  per core unless ``--workers``).

Each run sends every file with DCMTK ``dcmsend`` (``--concurrency K``: K parallel
``dcmsend`` processes over K chunks) and measures the ingest wall time, from the first
send until every ``dcmsend`` has exited, then checks that every file was stored.
Run B then follows ``/redaction/queue`` and ``/redaction/instances/{id}`` until every
original has a final status (``done``, ``failed``, ``skipped``) or ``--deadline``
passes, and reports throughput, per-instance seconds (from each copy's
``RedactionReport`` attachment), queue length, peak memory of Orthanc and of its
worker processes, and whether every original has exactly one copy.

``--download OUT`` saves each copy under the relative path of its original, so
``orthanc-redact evaluate INPUT OUT`` scores the plugin's output exactly like the
output of ``orthanc-redact redact INPUT -o OUT``.

This is a benchmark, not a test: it prints figures and exits 0 unless something
prevented the measurement (a server that did not start, files not stored).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pydicom
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from benchlib import (
    QUEUE_KEYS,
    get_json,
    metadata,
    percentile,
    rnd,
    wait_plugin_ready,
    work_folder,
)
from conftest import (
    OrthancServer,
    start_orthanc,
    stop_orthanc,
    wait_until_ready,
)

ORTHANC_AET = "ORTHANC"
FINAL = ("done", "failed", "skipped")
WORKER_MARK = "plugin.adapter.workerproc"
SAMPLE_INTERVAL_S = 1.0
HTTP_TIMEOUT_S = 60.0


def log(message: str) -> None:
    print(f"[ingest-bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- input ------------------------------------------------------------------------
def generate_set(out: Path, n: int, seed: int) -> None:
    """``orthanc-redact synth OUT --n N --seed S`` (the venv's console script)."""
    tool = REPO / ".venv" / "bin" / "orthanc-redact"
    command = [str(tool) if tool.exists() else "orthanc-redact"]
    command += ["synth", str(out), "--n", str(n), "--seed", str(seed)]
    log("generating: " + " ".join(command))
    subprocess.run(command, check=True)


def scan_input(folder: Path) -> tuple[list[Path], dict[str, str]]:
    """The DICOM files under ``folder`` (sorted) and SOPInstanceUID -> relative path.

    Files that pydicom does not read as DICOM (``truth.json``, ``*.npz``) are left out.
    """
    files: list[Path] = []
    uid_to_rel: dict[str, str] = {}
    duplicates = 0
    skipped = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            uid = str(ds.SOPInstanceUID)
        except Exception:  # noqa: BLE001 - not DICOM, or no SOPInstanceUID
            skipped += 1
            continue
        files.append(path)
        if uid in uid_to_rel:
            duplicates += 1
        uid_to_rel.setdefault(uid, path.relative_to(folder).as_posix())
    if duplicates:
        log(f"warning: {duplicates} files repeat an SOPInstanceUID of another file")
    if skipped:
        log(f"{skipped} files are not DICOM (ignored; dcmsend skips them too)")
    return files, uid_to_rel


# ---- process figures ----------------------------------------------------------------
def _hwm_bytes(proc: psutil.Process) -> int:
    """Peak resident set size of a process so far (Linux VmHWM), else current RSS."""
    try:
        with open(f"/proc/{proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return int(proc.memory_info().rss)


class Sampler(threading.Thread):
    """Every second: memory of Orthanc and its workers, and (plugin on) the queue."""

    def __init__(self, server: OrthancServer, queue: bool) -> None:
        super().__init__(name="ingest-bench-sampler", daemon=True)
        self.server = server
        self.queue = queue
        self.stop_event = threading.Event()
        self.t0: float | None = None
        self.session = requests.Session()
        self.orthanc_hwm = 0
        self.orthanc_rss_max = 0
        self.worker_hwm: dict[int, int] = {}
        self.workers_rss_sum_max = 0
        self.queue_samples: list[dict[str, Any]] = []
        self.queue_errors = 0
        try:
            self.proc: psutil.Process | None = psutil.Process(server.process.pid)
        except psutil.Error:
            self.proc = None

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(SAMPLE_INTERVAL_S)
        self.sample()

    def sample(self) -> None:
        proc = self.proc
        if proc is not None:
            try:
                self.orthanc_hwm = max(self.orthanc_hwm, _hwm_bytes(proc))
                self.orthanc_rss_max = max(
                    self.orthanc_rss_max, int(proc.memory_info().rss)
                )
                total = 0
                for child in proc.children(recursive=True):
                    try:
                        if WORKER_MARK not in " ".join(child.cmdline()):
                            continue
                        total += int(child.memory_info().rss)
                        self.worker_hwm[child.pid] = max(
                            self.worker_hwm.get(child.pid, 0), _hwm_bytes(child)
                        )
                    except psutil.Error:
                        continue
                self.workers_rss_sum_max = max(self.workers_rss_sum_max, total)
            except psutil.Error:
                pass
        if self.queue and self.t0 is not None:
            try:
                state = self.session.get(
                    self.server.url + "/redaction/queue", timeout=HTTP_TIMEOUT_S
                ).json()
            except (requests.RequestException, ValueError):
                self.queue_errors += 1
                return
            self.queue_samples.append(
                {
                    "t": round(time.perf_counter() - self.t0, 2),
                    **{
                        k: state.get(k, 0) for k in QUEUE_KEYS if k != "worker_restarts"
                    },
                }
            )

    def stop(self) -> None:
        self.stop_event.set()
        if self.is_alive():
            self.join(10)

    def memory(self) -> dict[str, Any]:
        mib = 1024 * 1024
        return {
            "orthanc_pid": self.server.process.pid,
            "orthanc_peak_rss_mib": round(self.orthanc_hwm / mib, 1),
            "orthanc_sampled_rss_max_mib": round(self.orthanc_rss_max / mib, 1),
            "worker_pids_seen": sorted(self.worker_hwm),
            "worker_peak_rss_mib": round(
                max(self.worker_hwm.values(), default=0) / mib, 1
            ),
            "workers_sampled_rss_sum_max_mib": round(self.workers_rss_sum_max / mib, 1),
        }


# ---- sending ------------------------------------------------------------------------
def send_all(
    server: OrthancServer,
    folder: Path,
    files: list[Path],
    concurrency: int,
    logdir: Path,
    procs: list[subprocess.Popen[bytes]],
) -> dict[str, Any]:
    """Send with ``dcmsend``; returns wall seconds from the first send to the last exit.

    One process scans ``folder`` itself; K > 1 processes get K contiguous chunks of
    the file list. ``procs`` is filled as processes start (for cleanup on Ctrl-C).
    """
    base = ["dcmsend", "-aec", ORTHANC_AET, "--no-halt", "localhost"]
    base.append(str(server.dicom_port))
    if concurrency <= 1:
        commands = [base + ["--scan-directories", "--recurse", str(folder)]]
    else:
        size = -(-len(files) // concurrency)
        chunks = [files[i : i + size] for i in range(0, len(files), size)]
        commands = [base + [str(f) for f in chunk] for chunk in chunks]
    logs = [logdir / f"dcmsend-{i}.log" for i in range(len(commands))]
    with contextlib.ExitStack() as stack:
        handles = [stack.enter_context(open(p, "wb")) for p in logs]
        t0 = time.perf_counter()
        for command, handle in zip(commands, handles, strict=True):
            procs.append(
                subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            )
        codes = [p.wait() for p in procs]
        seconds = time.perf_counter() - t0
    for code, path in zip(codes, logs, strict=True):
        if code != 0:
            tail = path.read_text(errors="replace")[-2000:]
            log(f"warning: dcmsend exited with {code} ({path}):\n{tail}")
    return {
        "t0": t0,
        "seconds": seconds,
        "processes": len(commands),
        "exit_codes": codes,
        "dcmsend_logs": [str(p) for p in logs],
    }


# ---- Orthanc queries ----------------------------------------------------------------
def find_originals(
    session: requests.Session, server: OrthancServer, uid_to_rel: dict[str, str]
) -> dict[str, str]:
    """Orthanc ID -> SOPInstanceUID of the stored originals.

    An original is an instance whose SOPInstanceUID is one of the input files' and
    whose metadata lacks ``RedactionSource`` (copies have remapped UIDs and that
    metadata; the UID test also covers a copy caught between its storage and its
    metadata).
    """
    originals: dict[str, str] = {}
    for item in get_json(session, server.url + "/instances?expand"):
        uid = item.get("MainDicomTags", {}).get("SOPInstanceUID")
        if uid not in uid_to_rel:
            continue
        if "RedactionSource" in metadata(session, server.url, item["ID"]):
            continue
        originals[item["ID"]] = uid
    return originals


def follow_redaction(
    session: requests.Session,
    server: OrthancServer,
    originals: dict[str, str],
    t0: float,
    deadline_s: float,
    sampler: Sampler,
) -> dict[str, dict[str, Any]]:
    """Poll each original's status until all are final or ``deadline_s`` has passed.

    Returns Orthanc ID -> last ``/redaction/instances/{id}`` answer, with ``t`` (seconds
    since the first send when the final status was first seen).
    """
    statuses: dict[str, dict[str, Any]] = {i: {"status": "pending"} for i in originals}
    pending = set(originals)
    last_finished = -1
    last_full_poll = 0.0
    last_report = time.monotonic()
    while pending:
        now = time.monotonic()
        if time.perf_counter() - t0 > deadline_s:
            log(f"deadline of {deadline_s:.0f} s passed, {len(pending)} still pending")
            break
        if server.process.poll() is not None:
            log(f"Orthanc exited ({server.process.returncode}); log: {server.log_path}")
            break
        # Poll every pending instance when the service's counters moved (or every
        # 10 s anyway), so a large set does not cost one request per instance a second.
        finished = -1
        if sampler.queue_samples:
            s = sampler.queue_samples[-1]
            finished = s["done"] + s["failed"] + s["skipped"]
        if finished != last_finished or now - last_full_poll > 10 or finished < 0:
            last_finished = finished
            last_full_poll = now
            for instance in sorted(pending):
                try:
                    answer = get_json(
                        session, f"{server.url}/redaction/instances/{instance}"
                    )
                except requests.HTTPError as exc:
                    code = exc.response.status_code if exc.response is not None else 0
                    answer = {"status": "missing" if code == 404 else "error"}
                except (requests.RequestException, ValueError):
                    continue
                if answer.get("status") in FINAL or answer.get("status") == "missing":
                    answer["t"] = time.perf_counter() - t0
                    pending.discard(instance)
                statuses[instance] = answer
        if now - last_report > 15:
            last_report = now
            counts = collections.Counter(a.get("status") for a in statuses.values())
            log(f"redaction progress after {time.perf_counter() - t0:.0f} s: {counts}")
        time.sleep(SAMPLE_INTERVAL_S)
    return statuses


def copies_by_source(
    session: requests.Session, server: OrthancServer, originals: dict[str, str]
) -> tuple[dict[str, list[str]], list[str]]:
    """RedactionSource -> copies, and the instances that are neither (unlabelled)."""
    by_source: dict[str, list[str]] = collections.defaultdict(list)
    unlabelled: list[str] = []
    for instance in get_json(session, server.url + "/instances"):
        if instance in originals:
            continue
        source = metadata(session, server.url, instance).get("RedactionSource")
        if source:
            by_source[source].append(instance)
        else:
            unlabelled.append(instance)
    return dict(by_source), unlabelled


def copy_seconds(
    session: requests.Session, server: OrthancServer, copies: list[str]
) -> dict[str, float]:
    out: dict[str, float] = {}
    for copy in copies:
        url = f"{server.url}/instances/{copy}/attachments/RedactionReport/data"
        try:
            seconds = get_json(session, url).get("seconds")
        except (requests.RequestException, ValueError):
            continue
        if isinstance(seconds, (int, float)):
            out[copy] = float(seconds)
    return out


def download_copies(
    session: requests.Session,
    server: OrthancServer,
    originals: dict[str, str],
    statuses: dict[str, dict[str, Any]],
    uid_to_rel: dict[str, str],
    out: Path,
) -> int:
    written = 0
    for original, uid in sorted(originals.items(), key=lambda kv: uid_to_rel[kv[1]]):
        copy = statuses.get(original, {}).get("redacted")
        if statuses.get(original, {}).get("status") != "done" or not copy:
            continue
        response = session.get(
            f"{server.url}/instances/{copy}/file", timeout=HTTP_TIMEOUT_S
        )
        response.raise_for_status()
        target = out / uid_to_rel[uid]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(response.content)
        written += 1
    return written


# ---- one run ------------------------------------------------------------------------
def run_one(
    name: str,
    workdir: Path,
    extra_env: dict[str, str],
    args: argparse.Namespace,
    folder: Path,
    files: list[Path],
    uid_to_rel: dict[str, str],
    result: dict[str, Any],
) -> None:
    """One server from start to stop; figures go into ``result`` as they come."""
    plugin = name == "on"
    workdir.mkdir(parents=True, exist_ok=True)
    result.update({"name": name, "workdir": str(workdir)})
    procs: list[subprocess.Popen[bytes]] = []
    sampler: Sampler | None = None
    server = start_orthanc(workdir, extra_env)
    result["log"] = str(server.log_path)
    log(f"run {name}: Orthanc pid {server.process.pid}, log {server.log_path}")
    session = requests.Session()
    try:
        started = time.monotonic()
        wait_until_ready(server)
        result["http_ready_seconds"] = round(time.monotonic() - started, 2)
        if plugin:
            health = wait_plugin_ready(session, server, args.ready_deadline, log)
            result["plugin_ready_seconds"] = round(time.monotonic() - started, 2)
            result["health"] = health
            log(
                f"run {name}: plugin ready after {result['plugin_ready_seconds']} s "
                f"({health.get('workers_alive')}/{health.get('workers')} workers)"
            )
        else:
            # Orthanc lists its built-in explorer.js among /plugins.
            plugins = [
                p
                for p in get_json(session, server.url + "/plugins")
                if p != "explorer.js"
            ]
            result["plugins_loaded"] = plugins
            if plugins:
                log(f"warning: run {name} has plugins loaded: {plugins}")
        sampler = Sampler(server, queue=plugin)
        sampler.start()
        log(f"run {name}: sending {len(files)} files ({args.concurrency} dcmsend)")
        t0 = time.perf_counter()
        sampler.t0 = t0
        sent = send_all(server, folder, files, args.concurrency, workdir, procs)
        t0 = sent.pop("t0")
        sampler.t0 = t0
        ingest = sent["seconds"]
        result["ingest"] = {
            **sent,
            "seconds": round(ingest, 3),
            "instances_per_second": round(len(files) / ingest, 3) if ingest else None,
        }
        originals = find_originals(session, server, uid_to_rel)
        result["stored_originals"] = len(originals)
        result["expected_originals"] = len(uid_to_rel)
        log(
            f"run {name}: ingest {ingest:.2f} s, stored {len(originals)}"
            f"/{len(uid_to_rel)} originals"
        )
        if plugin:
            statuses = follow_redaction(
                session, server, originals, t0, args.deadline, sampler
            )
            result["redaction"] = summarize_redaction(
                session, server, originals, statuses, sampler, t0
            )
            if args.download:
                out = Path(args.download)
                n = download_copies(
                    session, server, originals, statuses, uid_to_rel, out
                )
                result["redaction"]["downloaded"] = n
                result["redaction"]["download_folder"] = str(out.resolve())
                log(f"run {name}: saved {n} copies under {out}")
        else:
            # Nothing runs after the C-STOREs: let the sampler take one more reading.
            time.sleep(SAMPLE_INTERVAL_S)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if sampler is not None:
            sampler.stop()
            result["memory"] = sampler.memory()
            result["queue_errors"] = sampler.queue_errors
        code = stop_orthanc(server)
        result["orthanc_exit_code"] = code
        log(f"run {name}: Orthanc stopped ({code})")
        if not args.keep_storage:
            shutil.rmtree(workdir / "db", ignore_errors=True)


def summarize_redaction(
    session: requests.Session,
    server: OrthancServer,
    originals: dict[str, str],
    statuses: dict[str, dict[str, Any]],
    sampler: Sampler,
    t0: float,
) -> dict[str, Any]:
    counts = collections.Counter(a.get("status") for a in statuses.values())
    final = [a for a in statuses.values() if a.get("status") in FINAL]
    all_final = len(final) == len(originals)
    finish = max((a["t"] for a in final), default=None)
    done = [a for a in statuses.values() if a.get("status") == "done"]
    reasons = collections.Counter(
        f"{a.get('status')}: {a.get('reason') or '?'}"
        for a in statuses.values()
        if a.get("status") in ("failed", "skipped")
    )
    queue = None
    try:
        queue = get_json(session, server.url + "/redaction/queue")
    except (requests.RequestException, ValueError):
        pass
    by_source, unlabelled = copies_by_source(session, server, originals)
    duplicates = {s: c for s, c in by_source.items() if len(c) > 1}
    orphans = sorted(s for s in by_source if s not in originals)
    done_ids = {i for i, a in statuses.items() if a.get("status") == "done"}
    without_copy = sorted(i for i in done_ids if i not in by_source)
    not_done_with_copy = sorted(
        i for i in by_source if i in originals and i not in done_ids
    )
    mismatched = sorted(
        i
        for i in done_ids
        if i in by_source and statuses[i].get("redacted") not in by_source[i]
    )
    seconds = list(
        copy_seconds(session, server, [a["redacted"] for a in done]).values()
    )
    samples = sampler.queue_samples

    def peak(key: str) -> int:
        return max((int(s.get(key) or 0) for s in samples), default=0)

    return {
        "all_final": all_final,
        "pending": counts.get("pending", 0) + counts.get("running", 0),
        "counts": dict(counts),
        "done": counts.get("done", 0),
        "failed": counts.get("failed", 0),
        "skipped": counts.get("skipped", 0),
        "reasons": dict(reasons),
        "recent_failures": (queue or {}).get("recent_failures", []),
        "seconds_until_all_final": round(finish, 2) if all_final and finish else None,
        "seconds_until_last_final_seen": round(finish, 2) if finish else None,
        "copies_per_second": (
            round(len(done) / finish, 4) if finish and all_final else None
        ),
        "per_instance_seconds": {
            "n": len(seconds),
            "p50": rnd(percentile(seconds, 50)),
            "p95": rnd(percentile(seconds, 95)),
            "mean": rnd(statistics.fmean(seconds)) if seconds else None,
            "max": rnd(max(seconds, default=None)),
            "sum": rnd(sum(seconds)),
        },
        "queue_max": {
            "queue_length": max(
                (int(s["queued"]) + int(s["running"]) for s in samples), default=0
            ),
            "queued": peak("queued"),
            "running": peak("running"),
            "in_flight": peak("in_flight"),
            "changes_behind": peak("changes_behind"),
        },
        "queue_samples": samples,
        "final_queue": queue,
        "copies": sum(len(c) for c in by_source.values()),
        "exactly_one_copy_per_done_original": not (
            duplicates or without_copy or mismatched
        ),
        "duplicate_copies": duplicates,
        "done_without_copy": without_copy,
        "copy_not_matching_status": mismatched,
        "copies_of_not_done_originals": not_done_with_copy,
        "copies_of_unknown_sources": orphans,
        "unlabelled_instances": unlabelled,
    }


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def _ratio(on: float | None, off: float | None) -> str:
    if not on or not off:
        return "-"
    return f"{100 * on / off:.1f}%"


def print_report(figures: dict[str, Any]) -> None:
    off, on = figures["runs"].get("off", {}), figures["runs"].get("on", {})
    io, ii = off.get("ingest", {}), on.get("ingest", {})
    mo, mi = off.get("memory", {}), on.get("memory", {})
    rows = [
        ("ingest seconds", io.get("seconds"), ii.get("seconds"), True),
        (
            "instances/s",
            io.get("instances_per_second"),
            ii.get("instances_per_second"),
            True,
        ),
        (
            "stored originals",
            f"{off.get('stored_originals', '-')}/{off.get('expected_originals', '-')}",
            f"{on.get('stored_originals', '-')}/{on.get('expected_originals', '-')}",
            False,
        ),
        (
            "Orthanc peak RSS MiB",
            mo.get("orthanc_peak_rss_mib"),
            mi.get("orthanc_peak_rss_mib"),
            True,
        ),
    ]
    print()
    print(
        f"Ingest of {figures['files']} files from {figures['input']} "
        f"({figures['concurrency']} dcmsend process(es), {figures['cores']} cores)"
    )
    print(f"{'':24}{'plugin off':>12}{'plugin on':>12}{'on/off':>10}")
    for label, a, b, ratio in rows:
        pct = _ratio(b, a) if ratio else ""
        print(f"{label:24}{_fmt(a):>12}{_fmt(b):>12}{pct:>10}")
    for name, run in (("plugin off", off), ("plugin on", on)):
        if run:
            print(f"{name} Orthanc log: {run.get('log')}")
    red = on.get("redaction")
    if not red:
        return
    pis = red["per_instance_seconds"]
    qm = red["queue_max"]
    print()
    print(
        "Plugin on, redaction (times from the first send; statuses polled every 1 s):"
    )
    print(
        f"  plugin ready before sending   {on.get('plugin_ready_seconds')} s after start"
    )
    if red["all_final"]:
        print(f"  every copy final after        {red['seconds_until_all_final']:.1f} s")
        print(
            f"  copies/s                      {_fmt(red['copies_per_second'], '.3f')}"
        )
    else:
        print(
            f"  NOT all final: {red['pending']} still pending at the deadline "
            f"(last final seen at {_fmt(red['seconds_until_last_final_seen'], '.1f')} s)"
        )
    print(
        f"  done / failed / skipped       {red['done']} / {red['failed']} / "
        f"{red['skipped']}"
    )
    for reason, n in sorted(red["reasons"].items()):
        print(f"    {reason}: {n}")
    print(
        f"  per-instance seconds          p50 {_fmt(pis['p50'])}  p95 {_fmt(pis['p95'])}"
        f"  mean {_fmt(pis['mean'])}  max {_fmt(pis['max'])}  (n={pis['n']})"
    )
    print(
        f"  queue max (1 s samples)       queued+running {qm['queue_length']}, "
        f"queued {qm['queued']}, running {qm['running']}, in_flight "
        f"{qm['in_flight']}, changes_behind {qm['changes_behind']}"
    )
    print(
        "    (the service hands at most in_flight instances to the pool; the rest of "
        "the backlog waits as changes_behind, Orthanc changes not yet read)"
    )
    print(
        f"  peak RSS                      Orthanc {_fmt(mi.get('orthanc_peak_rss_mib'), '.0f')}"
        f" MiB, one worker {_fmt(mi.get('worker_peak_rss_mib'), '.0f')} MiB, workers "
        f"together {_fmt(mi.get('workers_sampled_rss_sum_max_mib'), '.0f')} MiB "
        f"(sampled; {len(mi.get('worker_pids_seen', []))} worker pids seen)"
    )
    one = "yes" if red["exactly_one_copy_per_done_original"] else "NO"
    print(
        f"  exactly one copy per done     {one} ({red['copies']} copies; duplicates "
        f"{len(red['duplicate_copies'])}, done without copy "
        f"{len(red['done_without_copy'])}, mismatched {len(red['copy_not_matching_status'])}"
        f", copies of not-done {len(red['copies_of_not_done_originals'])}, unlabelled "
        f"{len(red['unlabelled_instances'])})"
    )
    if "downloaded" in red:
        print(
            f"  downloaded                    {red['downloaded']} copies to "
            f"{red['download_folder']}"
        )
        print(
            f"  score them:  .venv/bin/orthanc-redact evaluate {figures['input']} "
            f"{red['download_folder']}"
        )


# ---- main ---------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="C-STORE ingest with the redaction plugin off vs on, side by side.",
    )
    p.add_argument(
        "input", nargs="?", help="folder of DICOM files (searched recursively)"
    )
    p.add_argument(
        "--generate",
        type=int,
        metavar="N",
        help="synthesise N files (orthanc-redact synth) instead of giving a folder",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for --generate (0)")
    p.add_argument(
        "--concurrency",
        type=int,
        default=1,
        metavar="K",
        help="K parallel dcmsend processes over K chunks of the files (1)",
    )
    p.add_argument(
        "--deadline",
        type=float,
        default=3600.0,
        help="seconds from the first send to wait for every final status (3600)",
    )
    p.add_argument(
        "--ready-deadline",
        type=float,
        default=900.0,
        help="seconds to wait for the plugin's workers before sending (900)",
    )
    p.add_argument(
        "--workers",
        type=int,
        help="PixelRedaction.Workers for the plugin-on run (default: the config's)",
    )
    p.add_argument(
        "--download",
        metavar="OUT",
        help="save each copy as OUT/<relative path of its original>",
    )
    p.add_argument("--json", metavar="FILE", help="write every figure as JSON")
    p.add_argument(
        "--workdir",
        help="folder for the servers' folders and logs (default: a new temp folder, kept)",
    )
    p.add_argument(
        "--keep-storage",
        action="store_true",
        help="keep each server's storage after its run (default: removed, logs kept)",
    )
    args = p.parse_args(argv)
    if (args.input is None) == (args.generate is None):
        p.error("give either an input folder or --generate N")
    if args.concurrency < 1:
        p.error("--concurrency must be >= 1")
    if shutil.which("dcmsend") is None:
        p.error("dcmsend (DCMTK) is not installed")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = work_folder(args.workdir, "ingest-bench-")
    log(f"work folder (logs): {workdir}")
    if args.generate is not None:
        folder = workdir / f"set{args.generate}"
        generate_set(folder, args.generate, args.seed)
    else:
        folder = Path(args.input).resolve()
        if not folder.is_dir():
            print(f"error: {folder} is not a folder", file=sys.stderr)
            return 2
    files, uid_to_rel = scan_input(folder)
    if not files:
        print(f"error: no DICOM file under {folder}", file=sys.stderr)
        return 2
    log(f"{len(files)} DICOM files under {folder}")
    if args.download:
        Path(args.download).mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {
        "input": str(folder),
        "files": len(files),
        "unique_sop_instance_uids": len(uid_to_rel),
        "concurrency": args.concurrency,
        "cores": os.cpu_count(),
        "workdir": str(workdir),
        "runs": {},
    }
    env_on: dict[str, str] = {}
    if args.workers is not None:
        env_on["ORTHANC__PIXEL_REDACTION__WORKERS"] = str(args.workers)
    plan = [("off", {"ORTHANC__PLUGINS": "[]"}), ("on", env_on)]
    status = 0
    try:
        for name, env in plan:
            run: dict[str, Any] = {}
            figures["runs"][name] = run
            run_one(
                name,
                workdir / f"plugin-{name}",
                env,
                args,
                folder,
                files,
                uid_to_rel,
                run,
            )
            if run["stored_originals"] != run["expected_originals"]:
                log(f"error: run {name} stored {run['stored_originals']} originals")
                status = 1
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        status = 130
    finally:
        if args.json:
            Path(args.json).write_text(json.dumps(figures, indent=1, default=str))
            log(f"figures written to {args.json}")
    if figures["runs"]:
        print_report(figures)
    return status


if __name__ == "__main__":
    sys.exit(main())
