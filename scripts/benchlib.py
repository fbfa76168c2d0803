"""Shared pieces of ``scripts/load-bench.py`` and ``scripts/crash-test.py``.

Servers are started with the functions the integration tests use
(``tests/integration/conftest.py``: ``run-orthanc.sh`` on free ports, one folder per
server); instances are sent with DCMTK ``storescu`` associations, the way a modality
sends them. Nothing here changes the plugin: it only observes Orthanc from outside
(REST, ``/proc``).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import requests

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
for _p in (REPO, REPO / "tests" / "integration", SCRIPTS):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from conftest import (
    OrthancServer,
    start_orthanc,
    stop_orthanc,
    wait_until_ready,
)

__all__ = [
    "FINAL",
    "OrthancServer",
    "Sampler",
    "Senders",
    "start_orthanc",
    "stop_orthanc",
    "wait_until_ready",
    "work_folder",
]

ORTHANC_AET = "ORTHANC"
FINAL = ("done", "failed", "skipped")
WORKER_MARK = "plugin.adapter.workerproc"
HTTP_TIMEOUT_S = 60.0
MIB = 1024 * 1024
QUEUE_KEYS = (
    "queued",
    "running",
    "in_flight",
    "changes_behind",
    "done",
    "failed",
    "skipped",
    "worker_restarts",
)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def work_folder(given: str | None, prefix: str) -> Path:
    """The run's folder (``given``, else a new temp folder), created; from now on
    SIGTERM stops the run like Ctrl-C does, so ``finally`` clauses stop the servers."""
    signal.signal(signal.SIGTERM, _interrupt)
    workdir = Path(given or tempfile.mkdtemp(prefix=prefix)).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    return workdir


def make_log(prefix: str) -> Callable[[str], None]:
    def log(message: str) -> None:
        print(f"[{prefix} {time.strftime('%H:%M:%S')}] {message}", flush=True)

    return log


# ---- Orthanc over REST ------------------------------------------------------------------
def get_json(
    session: requests.Session, url: str, timeout: float = HTTP_TIMEOUT_S
) -> Any:
    response = session.get(url, timeout=timeout)
    response.raise_for_status()
    return response.json()


def metadata(session: requests.Session, url: str, instance: str) -> dict[str, str]:
    return get_json(session, f"{url}/instances/{instance}/metadata?expand")


def wait_plugin_ready(
    session: requests.Session,
    server: OrthancServer,
    deadline_s: float,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Wait until ``/redaction/health`` reports every worker alive (models loaded)."""
    started = time.monotonic()
    health: dict[str, Any] = {}
    while time.monotonic() - started < deadline_s:
        if server.process.poll() is not None:
            raise RuntimeError(f"Orthanc exited; log: {server.log_path}")
        try:
            health = get_json(session, server.url + "/redaction/health", 10)
        except (requests.RequestException, ValueError):
            health = {}
        workers = int(health.get("workers") or 0)
        if workers and int(health.get("workers_alive") or 0) >= workers:
            return health
        if health.get("engine_error"):
            log(f"warning: plugin reports engine_error: {health['engine_error']}")
        time.sleep(0.5)
    log(f"warning: plugin workers not all alive after {deadline_s:.0f} s: {health}")
    return health


def queue_state(session: requests.Session, url: str) -> dict[str, Any] | None:
    try:
        return get_json(session, url + "/redaction/queue", 10)
    except (requests.RequestException, ValueError):
        return None


def queue_idle(state: dict[str, Any] | None) -> bool:
    """Nothing queued, running, in the plugin's hands or unread in the change log."""
    if not state:
        return False
    return all(int(state.get(k) or 0) == 0 for k in QUEUE_KEYS[:4])


def count_instances(session: requests.Session, url: str) -> int | None:
    try:
        return int(get_json(session, url + "/statistics", 10)["CountInstances"])
    except (requests.RequestException, ValueError, KeyError):
        return None


@dataclass
class Inventory:
    """Every instance in Orthanc, by role.

    An *original* has the SOPInstanceUID of a file of the set and no
    ``RedactionSource``; a *copy* has ``RedactionSource``; anything else is
    *unlabelled* (a copy caught before its link, or a stranger).
    """

    originals: dict[str, dict[str, Any]] = field(default_factory=dict)
    copies: dict[str, dict[str, Any]] = field(default_factory=dict)
    unlabelled: dict[str, dict[str, Any]] = field(default_factory=dict)
    uid_to_original: dict[str, str] = field(default_factory=dict)
    duplicate_original_uids: list[str] = field(default_factory=list)

    def copies_of(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for copy, entry in self.copies.items():
            found.setdefault(entry["meta"]["RedactionSource"], []).append(copy)
        return found


def inventory(
    session: requests.Session, url: str, manifest_uids: Iterable[str]
) -> Inventory:
    uids = set(manifest_uids)
    inv = Inventory()
    for item in get_json(session, url + "/instances?expand", 300):
        instance = item["ID"]
        uid = item.get("MainDicomTags", {}).get("SOPInstanceUID")
        try:
            meta = metadata(session, url, instance)
        except requests.HTTPError:
            continue  # deleted meanwhile
        entry = {"uid": uid, "meta": meta}
        if "RedactionSource" in meta:
            inv.copies[instance] = entry
        elif uid in uids:
            if uid in inv.uid_to_original:
                inv.duplicate_original_uids.append(uid)
            inv.originals[instance] = entry
            inv.uid_to_original[uid] = instance
        else:
            inv.unlabelled[instance] = entry
    return inv


def present_uids(session: requests.Session, url: str) -> set[str]:
    return {
        item.get("MainDicomTags", {}).get("SOPInstanceUID")
        for item in get_json(session, url + "/instances?expand", 300)
    }


def report_attachment(
    session: requests.Session, url: str, copy: str
) -> dict[str, Any] | None:
    try:
        answer = session.get(
            f"{url}/instances/{copy}/attachments/RedactionReport/data",
            timeout=HTTP_TIMEOUT_S,
        )
    except requests.RequestException:
        return None
    if answer.status_code != 200:
        return None
    try:
        value = answer.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def parse_orthanc_time(value: str | None) -> float | None:
    """Orthanc's ``ReceptionDate`` (``YYYYMMDDTHHMMSS``, UTC) as a POSIX time."""
    if not value:
        return None
    import datetime as dt

    try:
        when = dt.datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    return when.replace(tzinfo=dt.UTC).timestamp()


# ---- processes -----------------------------------------------------------------------
def hwm_bytes(pid: int) -> int | None:
    """Peak resident set size of a process so far (Linux ``VmHWM``)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def worker_processes(orthanc_pid: int) -> list[psutil.Process]:
    """Worker processes of that Orthanc (children whose command line names them)."""
    try:
        children = psutil.Process(orthanc_pid).children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for child in children:
        try:
            if WORKER_MARK in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def busiest(processes: list[psutil.Process], window_s: float = 0.5) -> psutil.Process:
    """The process that used the most CPU over ``window_s``."""
    before: dict[int, float] = {}
    for p in processes:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            before[p.pid] = t.user + t.system
    time.sleep(window_s)
    best, best_used = processes[0], -1.0
    for p in processes:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        used = t.user + t.system - before.get(p.pid, t.user + t.system)
        if used > best_used:
            best, best_used = p, used
    return best


def sigkill_orthanc(server: OrthancServer) -> list[int]:
    """SIGKILL Orthanc (``run-orthanc.sh`` exec's it: same pid); its workers' pids."""
    workers = [p.pid for p in worker_processes(server.process.pid)]
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(30)
    return workers


def wait_gone(pids: Iterable[int], deadline_s: float) -> list[int]:
    """Wait until none of ``pids`` is alive (zombies count as gone); the survivors."""
    deadline = time.monotonic() + deadline_s
    left = list(pids)
    while True:
        alive = []
        for pid in left:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.Error:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        left = alive
        time.sleep(0.5)


# ---- sending ---------------------------------------------------------------------------
_SENDING = re.compile(r"Sending file: (.+?)\s*$")
_RESPONSE = re.compile(r"Received Store Response(?: \((\w+))?")


class Senders:
    """K concurrent ``storescu`` associations over K contiguous chunks of the files.

    ``storescu -v -nh -aec ORTHANC 127.0.0.1 PORT files...``; each process's output
    goes to its own log, from which :meth:`acknowledged` reads the files Orthanc
    answered with a successful C-STORE response.
    """

    def __init__(
        self,
        server: OrthancServer,
        files: list[Path],
        concurrency: int,
        logdir: Path,
        tag: str = "storescu",
    ) -> None:
        self.server = server
        self.files = list(files)
        self.concurrency = max(1, concurrency)
        self.logdir = logdir
        self.tag = tag
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []
        self.t0: float | None = None
        self.t1: float | None = None
        self.codes: list[int | None] = []

    def start(self) -> Senders:
        self.logdir.mkdir(parents=True, exist_ok=True)
        size = -(-len(self.files) // self.concurrency) if self.files else 1
        chunks = [self.files[i : i + size] for i in range(0, len(self.files), size)]
        base = ["storescu", "-v", "-nh", "-aec", ORTHANC_AET, "127.0.0.1"]
        base.append(str(self.server.dicom_port))
        self.t0 = time.perf_counter()
        for i, chunk in enumerate(chunks):
            path = self.logdir / f"{self.tag}-{i}.log"
            self.logs.append(path)
            with open(path, "wb") as handle:
                self.procs.append(
                    subprocess.Popen(
                        base + [str(f) for f in chunk],
                        stdin=subprocess.DEVNULL,
                        stdout=handle,
                        stderr=subprocess.STDOUT,
                    )
                )
        return self

    def running(self) -> bool:
        return any(p.poll() is None for p in self.procs)

    def wait(self, timeout: float | None = None) -> list[int | None]:
        deadline = None if timeout is None else time.monotonic() + timeout
        for p in self.procs:
            left = None if deadline is None else max(0.1, deadline - time.monotonic())
            try:
                p.wait(left)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.t1 = time.perf_counter()
        self.codes = [p.returncode for p in self.procs]
        return self.codes

    @property
    def seconds(self) -> float | None:
        if self.t0 is None or self.t1 is None:
            return None
        return self.t1 - self.t0

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def acknowledged(self) -> set[str]:
        """Files for which Orthanc answered ``Success`` (from the ``-v`` logs)."""
        done: set[str] = set()
        for path in self.logs:
            current = None
            try:
                text = path.read_text(errors="replace")
            except OSError:
                continue
            for line in text.splitlines():
                m = _SENDING.search(line)
                if m:
                    current = m.group(1)
                    continue
                m = _RESPONSE.search(line)
                if m and current is not None:
                    if m.group(1) == "Success":
                        done.add(current)
                    current = None
        return done

    def error_tail(self, max_chars: int = 600) -> str:
        tails = []
        for code, path in zip(self.codes, self.logs, strict=False):
            if code:
                text = path.read_text(errors="replace")
                lines = [ln for ln in text.splitlines() if ln.startswith(("E:", "F:"))]
                tails.append(f"{path.name} exit {code}: " + " | ".join(lines[-3:]))
        return "\n".join(tails)[-max_chars:]


# ---- sampling ----------------------------------------------------------------------------
class Sampler(threading.Thread):
    """Every ``interval`` s: RSS of Orthanc and its workers, instance count, and (plugin
    on) ``/redaction/queue``. ``samples`` holds one dict per reading, ``t`` in seconds
    since ``t0`` (set it when sending starts; readings before have negative ``t``)."""

    def __init__(
        self, server: OrthancServer, queue: bool, interval: float = 1.0
    ) -> None:
        super().__init__(name="bench-sampler", daemon=True)
        self.server = server
        self.queue = queue
        self.interval = interval
        self.stop_event = threading.Event()
        self.t0 = time.perf_counter()
        self.session = requests.Session()
        self.samples: list[dict[str, Any]] = []
        self.errors = 0
        self.orthanc_hwm = 0
        self.worker_hwm: dict[int, int] = {}
        self.lock = threading.Lock()

    def run(self) -> None:
        while not self.stop_event.is_set():
            started = time.perf_counter()
            self.sample()
            self.stop_event.wait(
                max(0.05, self.interval - (time.perf_counter() - started))
            )
        self.sample()

    def sample(self) -> None:
        pid = self.server.process.pid
        row: dict[str, Any] = {"t": round(time.perf_counter() - self.t0, 2)}
        try:
            proc = psutil.Process(pid)
            row["orthanc_rss_mib"] = round(proc.memory_info().rss / MIB, 1)
            self.orthanc_hwm = max(self.orthanc_hwm, hwm_bytes(pid) or 0)
        except psutil.Error:
            row["orthanc_rss_mib"] = None
        total, n = 0, 0
        for w in worker_processes(pid):
            try:
                total += int(w.memory_info().rss)
                n += 1
                self.worker_hwm[w.pid] = max(
                    self.worker_hwm.get(w.pid, 0), hwm_bytes(w.pid) or 0
                )
            except psutil.Error:
                continue
        row["workers_rss_mib"] = round(total / MIB, 1)
        row["workers"] = n
        row["instances"] = count_instances(self.session, self.server.url)
        if self.queue:
            state = queue_state(self.session, self.server.url)
            if state is None:
                self.errors += 1
            else:
                for key in QUEUE_KEYS:
                    row[key] = int(state.get(key) or 0)
                # The change log's true tail: Orthanc's newest change minus the
                # cursor the plugin has saved (its own changes_behind is computed
                # from its last page of /changes, at most 200 entries).
                cursor = state.get("cursor")
                try:
                    last = get_json(self.session, self.server.url + "/changes?last", 10)
                    row["changes_last"] = int(last.get("Last") or 0)
                    if isinstance(cursor, int) and cursor >= 0:
                        row["log_behind"] = max(0, row["changes_last"] - cursor)
                except (requests.RequestException, ValueError):
                    pass
                finished = row["done"] + row["failed"] + row["skipped"]
                if row["instances"] is not None:
                    # originals stored (instances minus copies) not final yet
                    row["not_final"] = max(0, row["instances"] - row["done"] - finished)
        with self.lock:
            self.samples.append(row)

    def last(self) -> dict[str, Any]:
        with self.lock:
            return dict(self.samples[-1]) if self.samples else {}

    def stop(self) -> None:
        self.stop_event.set()
        if self.is_alive():
            self.join(15)

    def memory(self) -> dict[str, Any]:
        rows = [s for s in self.samples if s.get("orthanc_rss_mib") is not None]
        return {
            "orthanc_pid": self.server.process.pid,
            "orthanc_peak_rss_mib": round(self.orthanc_hwm / MIB, 1),
            "orthanc_sampled_rss_max_mib": max(
                (s["orthanc_rss_mib"] for s in rows), default=None
            ),
            "worker_pids_seen": sorted(self.worker_hwm),
            "worker_peak_rss_mib": round(
                max(self.worker_hwm.values(), default=0) / MIB, 1
            ),
            "workers_sampled_rss_sum_max_mib": max(
                (s["workers_rss_mib"] for s in rows), default=None
            ),
        }


# ---- statistics and files -----------------------------------------------------------------
def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def rnd(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def check_dicom_file(data: bytes) -> str | None:
    """``None`` if ``data`` parses completely and its pixels decode, else the problem."""
    import pydicom

    try:
        ds = pydicom.dcmread(io.BytesIO(data))
        ds.PixelData  # noqa: B018 - read every element up to the end
        pixels = ds.pixel_array
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    expected_first = frames if frames > 1 else int(ds.Rows)
    if pixels.shape[0] != expected_first:
        return f"pixel array shape {pixels.shape} for {frames} frame(s)"
    return None


def repo_state() -> dict[str, Any]:
    """The commit the servers run and whether ``plugin/`` differs from it (the
    plugin is loaded from the working tree at every start)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", "-C", str(REPO), *args],
                check=False,
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "plugin_modified": bool(git("status", "--porcelain", "--", "plugin")),
    }


def dump_json(path: str | Path, value: Any) -> None:
    Path(path).write_text(json.dumps(value, indent=1, default=str))
