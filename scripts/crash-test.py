#!/usr/bin/env python3
"""Crash test: SIGKILL Orthanc (or one worker process) in the middle of a load, restart,
and check that every original ends with exactly one intact copy.

    .venv/bin/python scripts/crash-test.py [--n 100] [--points all|NAME,...]
        [--concurrency 4] [--workers W] [--rounds R] [--json FILE] [--set DIR]

For each kill point, on a fresh storage folder:

1. start Orthanc with the plugin (``tests/integration/conftest.py``'s
   ``start_orthanc``), wait until its workers are alive;
2. send the N instances of a ``scripts/loadgen.py`` set with K concurrent
   ``storescu`` associations;
3. at the kill point, SIGKILL Orthanc (its workers must exit by themselves) or one
   worker process (the busiest child of Orthanc running ``plugin.adapter.workerproc``);
4. Orthanc killed: restart it on the same storage and index folders (new ports) and
   resend the files it does not have (a modality retries what failed); a file that
   Orthanc had acknowledged and lost is a failure;
5. wait until every original has a final status and the plugin's queue is idle;
6. verify, from outside (REST and the storage folder):

   - every file of the set is stored once as an original (no ``RedactionSource``);
   - every original is final: ``done`` with exactly one copy (counted by the copies'
     ``RedactionSource``) and ``RedactionCopy`` pointing to it, or ``failed`` /
     ``skipped`` with a reason and no copy;
   - every copy: ``RedactionSource`` names an existing original that points back,
     the ``RedactionReport`` attachment is there and names both, Orthanc's MD5 of
     the stored file matches, the downloaded file parses completely with pydicom and
     its pixels decode, its UIDs are not an original's;
   - no instance that is neither an original of the set nor a linked copy;
   - originals' files still match their MD5; no worker of the killed Orthanc is
     left running; after a worker kill, the pool has replaced it and
     ``/redaction/queue`` counts it (``worker_crashes`` or ``worker_restarts``).

   Storage files referenced by no attachment (written by Orthanc before a transaction
   the kill aborted) are counted and reported, not failed: they are invisible.

Kill points (``--points``, default all):

``orthanc-ingest``      SIGKILL Orthanc when half of the originals are stored
                        (associations still open)
``orthanc-after-ingest`` right after the last association closed
``orthanc-copies-25``   when 25 % of the copies are done (also 50, 75)
``orthanc-twice``       at 40 %, restart, and again as soon as the restarted plugin
                        has stored one more copy
``orthanc-mid-copy``    after 30 %, as soon as Orthanc holds a copy the plugin has
                        not counted as done (stored, links and status not all
                        written yet; polled every few ms)
``worker-copies-30``    SIGKILL the busiest worker at 30 % of the copies (also 60)

One line per kill point (PASS/FAIL and counts), then a summary; exit code 1 if any
point failed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as bl
import loadgen

log = bl.make_log("crash-test")


@dataclass(frozen=True)
class Point:
    name: str
    target: str  # "orthanc" or "worker"
    when: str  # "ingest" (share of originals stored), "after-ingest", "copies"
    fraction: float
    again: bool = False  # kill Orthanc a second time while it recovers
    description: str = ""


POINTS = [
    Point("orthanc-ingest", "orthanc", "ingest", 0.5, description="half stored"),
    Point("orthanc-after-ingest", "orthanc", "after-ingest", 0.0),
    Point("orthanc-copies-25", "orthanc", "copies", 0.25),
    Point("orthanc-copies-50", "orthanc", "copies", 0.50),
    Point("orthanc-copies-75", "orthanc", "copies", 0.75),
    Point("orthanc-twice", "orthanc", "copies", 0.40, again=True),
    Point("orthanc-mid-copy", "orthanc", "mid-copy", 0.30),
    Point("worker-copies-30", "worker", "copies", 0.30),
    Point("worker-copies-60", "worker", "copies", 0.60),
]
BY_NAME = {p.name: p for p in POINTS}


class Failure(Exception):
    """The run could not go on (Orthanc did not restart, deadline passed)."""


# ---- one kill point --------------------------------------------------------------------
class Run:
    def __init__(
        self,
        point: Point,
        workdir: Path,
        set_dir: Path,
        entries: list[dict[str, Any]],
        args: argparse.Namespace,
    ) -> None:
        self.point = point
        self.workdir = workdir
        self.entries = entries
        self.files = {e["sop_instance_uid"]: set_dir / e["path"] for e in entries}
        self.uid_of_path = {str(p): u for u, p in self.files.items()}
        self.args = args
        self.session = requests.Session()
        self.env: dict[str, str] = {}
        if args.workers is not None:
            self.env["ORTHANC__PIXEL_REDACTION__WORKERS"] = str(args.workers)
        self.server: bl.OrthancServer | None = None
        self.starts = 0
        self.senders: list[bl.Senders] = []
        self.prepared: tuple[dict[str, Any], list[int]] = ({}, [])
        self.result: dict[str, Any] = {
            "point": point.name,
            "target": point.target,
            "when": point.when,
            "fraction": point.fraction,
            "workdir": str(workdir),
            "kills": [],
            "problems": [],
            "notes": [],
        }

    # -- server --
    def start(self) -> bl.OrthancServer:
        if self.server is not None and self.server.log_path.exists():
            # start_orthanc truncates orthanc.log: keep the previous one
            self.server.log_path.rename(
                self.workdir / f"orthanc.{self.starts}.killed.log"
            )
        self.starts += 1
        self.workdir.mkdir(parents=True, exist_ok=True)
        server = bl.start_orthanc(self.workdir, self.env)
        self.server = server
        started = time.monotonic()
        try:
            bl.wait_until_ready(server)
            health = bl.wait_plugin_ready(
                self.session, server, self.args.ready_deadline, log
            )
        except RuntimeError as exc:
            raise Failure(f"Orthanc start #{self.starts} failed: {exc}") from exc
        if not health.get("workers_alive"):
            raise Failure(f"start #{self.starts}: no worker alive: {health}")
        seconds = round(time.monotonic() - started, 1)
        self.result.setdefault("start_seconds", []).append(seconds)
        log(
            f"{self.point.name}: Orthanc #{self.starts} ready in {seconds} s "
            f"(pid {server.process.pid}, {health.get('workers_alive')} workers)"
        )
        return server

    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def queue(self) -> dict[str, Any]:
        return bl.queue_state(self.session, self.url()) or {}

    def send(self, uids: list[str], tag: str) -> bl.Senders:
        assert self.server is not None
        files = [self.files[u] for u in uids]
        senders = bl.Senders(
            self.server, files, self.args.concurrency, self.workdir, tag
        ).start()
        self.senders.append(senders)
        return senders

    # -- kill --
    def wait_for(self, point: Point, senders: bl.Senders, t0: float) -> None:
        """Block until the kill point is reached."""
        n = len(self.files)
        deadline = time.monotonic() + self.args.deadline
        if point.when == "ingest":
            while senders.running():
                stored = bl.count_instances(self.session, self.url()) or 0
                if stored >= point.fraction * n:
                    return
                time.sleep(0.05)
            self.result["notes"].append("ingest ended before the kill point")
            return
        senders.wait(self.args.deadline)
        if point.when == "after-ingest":
            return
        if point.when == "mid-copy":
            self.wait_mid_copy(point.fraction * n, deadline)
            return
        while True:
            done = int(self.queue().get("done") or 0)
            if done >= point.fraction * n:
                return
            if self.server is None or self.server.process.poll() is not None:
                raise Failure("Orthanc exited before the kill point")
            if time.monotonic() > deadline:
                raise Failure(f"kill point not reached in {self.args.deadline:.0f} s")
            time.sleep(0.2)

    def wait_mid_copy(self, after: float, deadline: float) -> None:
        """After ``after`` copies, return as soon as the newest entry of Orthanc's
        change log is the ``NewInstance`` of a copy: the copy is stored, its links,
        report and the original's status are being written (best effort: polled as
        fast as Orthanc answers; after 300 s, return anyway with a note)."""
        while int(self.queue().get("done") or 0) < after:
            if self.server is None or self.server.process.poll() is not None:
                raise Failure("Orthanc exited before the kill point")
            if time.monotonic() > deadline:
                raise Failure("kill point not reached")
            time.sleep(0.2)
        originals = set(bl.inventory(self.session, self.url(), self.files).originals)
        assert self.server is not None
        self.check_is_orthanc()
        self.prepared = (
            self.snapshot(time.perf_counter()),
            [p.pid for p in bl.worker_processes(self.server.process.pid)],
        )
        url = self.url() + "/changes?last"
        give_up = time.monotonic() + 300
        polls = 0
        while time.monotonic() < give_up:
            polls += 1
            try:
                changes = self.session.get(url, timeout=10).json().get("Changes", [])
            except (requests.RequestException, ValueError):
                continue
            last = changes[-1] if changes else {}
            if last.get("ChangeType") == "NewInstance" and last["ID"] not in originals:
                self.result["notes"].append(
                    f"caught the NewInstance of copy {last['ID']} as the newest "
                    f"change after {polls} polls"
                )
                return
        self.result["notes"].append("no copy caught as the newest change in 300 s")

    def snapshot(self, t0: float) -> dict[str, Any]:
        q = self.queue()
        return {
            "t": round(time.perf_counter() - t0, 1),
            "stored": bl.count_instances(self.session, self.url()),
            **{k: q.get(k) for k in ("done", "failed", "in_flight", "changes_behind")},
        }

    def kill_orthanc(self, t0: float, label: str, quick: bool = False) -> None:
        """SIGKILL Orthanc; ``quick``: at once, the figures read just before."""
        assert self.server is not None
        if quick:
            snap, workers = self.prepared
            os.kill(self.server.process.pid, signal.SIGKILL)
            self.server.process.wait(30)
            snap["t"] = round(time.perf_counter() - t0, 1)
            snap["figures"] = "read before the fast polling"
        else:
            snap = self.snapshot(t0)
            self.check_is_orthanc()
            workers = bl.sigkill_orthanc(self.server)
        snap.update({"target": "orthanc", "label": label, "workers": workers})
        self.result["kills"].append(snap)
        log(f"{self.point.name}: SIGKILL Orthanc ({label}) {snap}")
        for s in self.senders:
            s.wait(60)
        left = bl.wait_gone(workers, 60)
        if left:
            self.result["problems"].append(
                f"workers {left} still running 60 s after Orthanc was killed"
            )
            for pid in left:  # ours to clean up: children of the Orthanc we started
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def check_is_orthanc(self) -> None:
        assert self.server is not None
        name = psutil.Process(self.server.process.pid).name()
        if name != "Orthanc":
            raise Failure(f"pid {self.server.process.pid} is {name!r}, not Orthanc")

    def kill_worker(self, t0: float) -> None:
        assert self.server is not None
        workers = bl.worker_processes(self.server.process.pid)
        if not workers:
            raise Failure("no worker process to kill")
        victim = bl.busiest(workers)
        snap = self.snapshot(t0)
        q = self.queue()
        os.kill(victim.pid, signal.SIGKILL)
        snap.update(
            {
                "target": "worker",
                "pid": victim.pid,
                "restarts_before": int(q.get("worker_restarts") or 0),
                "crashes_before": q.get("worker_crashes"),
            }
        )
        self.result["kills"].append(snap)
        log(f"{self.point.name}: SIGKILL worker {victim.pid} {snap}")

    # -- recovery --
    def resend_missing(self) -> None:
        """Resend what the restarted Orthanc does not have (up to 3 rounds)."""
        acked = set()
        for s in self.senders:
            acked |= {self.uid_of_path.get(p) for p in s.acknowledged()}
        acked.discard(None)
        present = bl.present_uids(self.session, self.url())
        lost = sorted(acked - present)
        if lost:
            self.result["problems"].append(
                f"{len(lost)} instances acknowledged by Orthanc before the kill are "
                f"missing after the restart (first: {lost[0]})"
            )
        resent = 0
        for attempt in range(3):
            missing = [u for u in self.files if u not in present]
            if not missing:
                break
            log(f"{self.point.name}: resending {len(missing)} missing files")
            senders = self.send(missing, f"resend{self.starts}-{attempt}")
            senders.wait(self.args.deadline)
            resent += len(missing)
            present = bl.present_uids(self.session, self.url())
        self.result["resent"] = self.result.get("resent", 0) + resent

    def wait_final(self, t0: float) -> None:
        """Until every original is final and the queue idle (twice in a row)."""
        deadline = time.monotonic() + self.args.deadline
        inv = bl.inventory(self.session, self.url(), self.files)
        pending = {
            o
            for o, e in inv.originals.items()
            if e["meta"].get("RedactionStatus") not in bl.FINAL
        }
        calm = 0
        last_log = time.monotonic()
        while True:
            assert self.server is not None
            if self.server.process.poll() is not None:
                raise Failure(
                    f"Orthanc exited ({self.server.process.returncode}) while "
                    "finishing the work"
                )
            for o in sorted(pending):
                try:
                    meta = bl.metadata(self.session, self.url(), o)
                except requests.RequestException:
                    continue
                if meta.get("RedactionStatus") in bl.FINAL:
                    pending.discard(o)
            q = self.queue()
            calm = calm + 1 if not pending and bl.queue_idle(q) else 0
            if calm >= 2:
                return
            if time.monotonic() - last_log > 30:
                last_log = time.monotonic()
                log(
                    f"{self.point.name}: {len(pending)} originals not final, queue "
                    f"{ {k: q.get(k) for k in bl.QUEUE_KEYS} }"
                )
            if time.monotonic() > deadline:
                raise Failure(
                    f"{len(pending)} originals not final after "
                    f"{self.args.deadline:.0f} s (queue {q})"
                )
            time.sleep(1.0)

    # -- whole run --
    def run(self) -> dict[str, Any]:
        point = self.point
        uids = list(self.files)
        started = time.monotonic()
        try:
            self.start()
            senders = self.send(uids, "send")
            t0 = senders.t0 or time.perf_counter()
            self.wait_for(point, senders, t0)
            if point.target == "worker":
                self.kill_worker(t0)
            else:
                self.kill_orthanc(t0, "first", quick=point.when == "mid-copy")
                t_restart = time.perf_counter()
                self.start()
                self.at_restart()
                if point.again:
                    self.wait_one_more_copy()
                    self.kill_orthanc(t0, "while recovering")
                    self.start()
                    self.at_restart()
                self.resend_missing()
                self.result["restart_to_ready_s"] = round(
                    time.perf_counter() - t_restart, 1
                )
            for s in self.senders:
                s.wait(self.args.deadline)
            self.wait_final(t0)
            self.result["seconds_until_final"] = round(time.perf_counter() - t0, 1)
            self.verify()
        except Failure as exc:
            self.result["problems"].append(str(exc))
            log(f"{point.name}: {exc}")
        finally:
            for s in self.senders:
                s.stop()
            if self.server is not None:
                self.result["final_exit_code"] = bl.stop_orthanc(self.server)
                self.result["log"] = str(self.server.log_path)
            self.result["seconds"] = round(time.monotonic() - started, 1)
            self.result["pass"] = not self.result["problems"]
            if not self.args.keep_storage and self.result["pass"]:
                shutil.rmtree(self.workdir / "db", ignore_errors=True)
        return self.result

    def at_restart(self) -> None:
        """What the kill left behind, seen at once after the restart."""
        inv = bl.inventory(self.session, self.url(), self.files)
        statuses = collections.Counter(
            e["meta"].get("RedactionStatus", "none") for e in inv.originals.values()
        )
        seen = {
            "start": self.starts,
            "originals": len(inv.originals),
            "copies": len(inv.copies),
            "unlabelled": len(inv.unlabelled),
            "statuses": dict(statuses),
        }
        self.result.setdefault("at_restart", []).append(seen)
        log(f"{self.point.name}: right after restart #{self.starts}: {seen}")

    def wait_one_more_copy(self) -> None:
        deadline = time.monotonic() + self.args.deadline
        while int(self.queue().get("done") or 0) < 1:
            if time.monotonic() > deadline:
                raise Failure("the restarted plugin stored no copy before the deadline")
            time.sleep(0.1)

    # -- verification --
    def verify(self) -> None:
        url = self.url()
        session = self.session
        problems: list[str] = self.result["problems"]
        counts: collections.Counter[str] = collections.Counter()

        def problem(kind: str, detail: str) -> None:
            counts[kind] += 1
            if counts[kind] <= 3:
                problems.append(f"{kind}: {detail}")

        inv = bl.inventory(session, url, self.files)
        missing = [u for u in self.files if u not in inv.uid_to_original]
        for u in missing:
            problem("original missing", u)
        for u in inv.duplicate_original_uids:
            problem("original stored twice", u)
        copies_of = inv.copies_of()
        statuses = collections.Counter()
        for o, entry in inv.originals.items():
            meta = entry["meta"]
            status = meta.get("RedactionStatus", "none")
            statuses[status] += 1
            mine = copies_of.get(o, [])
            if status not in bl.FINAL:
                problem("original not final", f"{o} is {status!r}")
            elif status == "done":
                if len(mine) != 1:
                    problem(
                        "done original without exactly one copy",
                        f"{o} has {len(mine)} copies",
                    )
                if meta.get("RedactionCopy") not in mine:
                    problem(
                        "RedactionCopy does not name the copy",
                        f"{o} -> {meta.get('RedactionCopy')} (copies {mine})",
                    )
            else:
                if not meta.get("RedactionReason"):
                    problem("final without reason", f"{o} is {status}")
                if mine:
                    problem("copy of a not-done original", f"{o} ({status}): {mine}")
            md5 = session.post(
                f"{url}/instances/{o}/attachments/dicom/verify-md5", timeout=60
            )
            if md5.status_code != 200:
                problem("original file corrupt (MD5)", f"{o}: {md5.status_code}")
        for copy, entry in inv.copies.items():
            source = entry["meta"]["RedactionSource"]
            original = inv.originals.get(source)
            if original is None:
                problem("copy of an unknown original", f"{copy} -> {source}")
            elif original["meta"].get("RedactionCopy") != copy:
                problem(
                    "original does not point back",
                    f"{source} -> {original['meta'].get('RedactionCopy')}, not {copy}",
                )
            if entry["uid"] in self.files:
                problem("copy with an original's SOPInstanceUID", copy)
            report = bl.report_attachment(session, url, copy)
            if report is None:
                problem("copy without RedactionReport", copy)
            elif report.get("original") != source or report.get("copy") != copy:
                problem(
                    "RedactionReport names other instances",
                    f"{copy}: {report.get('original')} / {report.get('copy')}",
                )
            md5 = session.post(
                f"{url}/instances/{copy}/attachments/dicom/verify-md5", timeout=60
            )
            if md5.status_code != 200:
                problem("copy file corrupt (MD5)", f"{copy}: {md5.status_code}")
            data = session.get(f"{url}/instances/{copy}/file", timeout=120)
            if data.status_code != 200:
                problem("copy file not downloadable", f"{copy}: {data.status_code}")
                continue
            bad = bl.check_dicom_file(data.content)
            if bad:
                problem("copy file incomplete", f"{copy}: {bad}")
        for other in inv.unlabelled:
            problem("instance neither original nor linked copy", other)
        q = self.queue()
        if self.point.target == "worker":
            kill = self.result["kills"][-1] if self.result["kills"] else {}
            restarts = int(q.get("worker_restarts") or 0) - int(
                kill.get("restarts_before") or 0
            )
            self.result["worker_restarts"] = restarts
            assert self.server is not None
            now = [p.pid for p in bl.worker_processes(self.server.process.pid)]
            self.result["workers_after"] = now
            if kill.get("pid") in now:
                problem("killed worker still listed", str(kill.get("pid")))
            if int(q.get("workers_alive") or 0) < int(q.get("workers") or 0) or len(
                now
            ) < int(q.get("workers") or 0):
                problem(
                    "worker not replaced",
                    f"{q.get('workers_alive')}/{q.get('workers')} alive, pids {now}",
                )
            if "worker_crashes" in q and kill.get("crashes_before") is not None:
                crashes = int(q["worker_crashes"] or 0) - int(kill["crashes_before"])
                self.result["worker_crashes"] = crashes
                if crashes + restarts < 1:
                    problem(
                        "worker kill not counted",
                        f"worker_crashes +{crashes}, worker_restarts +{restarts}",
                    )
            elif restarts < 1:
                self.result["notes"].append(
                    "the worker was replaced but /redaction/queue worker_restarts "
                    f"went up by {restarts} and there is no worker_crashes"
                )
        orphans, absent = self.storage_check(inv)
        if absent:
            problem("attachment file absent from storage", f"{absent} files")
        self.result["counts"] = {
            "expected": len(self.files),
            "originals": len(inv.originals),
            **{k: statuses.get(k, 0) for k in ("done", "failed", "skipped")},
            "not_final": sum(v for k, v in statuses.items() if k not in bl.FINAL),
            "copies": len(inv.copies),
            "unlabelled": len(inv.unlabelled),
            "storage_orphans": orphans,
            "problem_counts": dict(counts),
        }
        self.result["reasons"] = dict(
            collections.Counter(
                f"{e['meta'].get('RedactionStatus')}: {e['meta'].get('RedactionReason')}"
                for e in inv.originals.values()
                if e["meta"].get("RedactionStatus") in ("failed", "skipped")
            )
        )

    def storage_check(self, inv: bl.Inventory) -> tuple[int, int]:
        """Files in the storage folder that no attachment references, and attachments
        whose file is absent."""
        url = self.url()
        referenced: set[str] = set()
        for instance in [*inv.originals, *inv.copies, *inv.unlabelled]:
            try:
                names = bl.get_json(
                    self.session, f"{url}/instances/{instance}/attachments"
                )
            except requests.RequestException:
                continue
            for name in names:
                try:
                    info = bl.get_json(
                        self.session,
                        f"{url}/instances/{instance}/attachments/{name}/info",
                    )
                except requests.RequestException:
                    continue
                if info.get("Uuid"):
                    referenced.add(info["Uuid"])
        stored = {
            p.name: p
            for p in (self.workdir / "db").glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")
            if p.is_file()
        }
        orphans = sorted(set(stored) - referenced)
        self.result["storage_orphan_files"] = [
            {"path": str(stored[u]), "kind": _kind(stored[u])} for u in orphans[:10]
        ]
        return len(orphans), len(referenced - set(stored))


def _kind(path: Path) -> str:
    """What a storage file holds, from its first bytes (no decoding)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(132)
        size = path.stat().st_size
    except OSError:
        return "unreadable"
    if head[128:132] == b"DICM":
        return f"DICOM file, {size} bytes"
    if head[:1] in (b"{", b"["):
        return f"JSON, {size} bytes"
    return f"other, {size} bytes"


# ---- report ----------------------------------------------------------------------------
def line(result: dict[str, Any]) -> str:
    c = result.get("counts", {})
    kills = "; ".join(
        f"{k['target']} at {k['t']} s ({'before: ' if k.get('figures') else ''}stored "
        f"{k.get('stored')}, done {k.get('done')})"
        for k in result["kills"]
    )
    head = "PASS" if result["pass"] else "FAIL"
    text = (
        f"{head} {result['point']:<21} kill: {kills or '-'} | originals "
        f"{c.get('originals', '-')}/{c.get('expected', '-')}, done {c.get('done', '-')}, "
        f"failed {c.get('failed', '-')}, skipped {c.get('skipped', '-')}, not final "
        f"{c.get('not_final', '-')}, copies {c.get('copies', '-')}, unlabelled "
        f"{c.get('unlabelled', '-')}, resent {result.get('resent', 0)}, storage "
        f"orphans {c.get('storage_orphans', '-')}"
    )
    if result.get("worker_restarts") is not None:
        text += f", worker restarts {result['worker_restarts']}"
    if result.get("worker_crashes") is not None:
        text += f", worker crashes {result['worker_crashes']}"
    for seen in result.get("at_restart", []):
        st = seen["statuses"]
        text += (
            f" | at restart #{seen['start']}: copies {seen['copies']}, unlabelled "
            f"{seen['unlabelled']}, not final "
            f"{sum(v for k, v in st.items() if k not in bl.FINAL)}"
        )
    text += f" | final after {result.get('seconds_until_final', '-')} s"
    for p in result["problems"]:
        text += f"\n     problem: {p}"
    for note in result.get("notes", []):
        text += f"\n     note: {note}"
    for orphan in result.get("storage_orphan_files", []):
        text += f"\n     storage file referenced by no attachment: {orphan['kind']}"
    for reason, n in sorted(result.get("reasons", {}).items()):
        text += f"\n     {reason}: {n}"
    return text


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="SIGKILL Orthanc or a worker mid-load, restart, verify the copies."
    )
    p.add_argument("--n", type=int, default=100, help="instances per kill point (100)")
    p.add_argument(
        "--points",
        default="all",
        help="comma-separated kill points or 'all': " + ", ".join(BY_NAME),
    )
    p.add_argument("--rounds", type=int, default=1, help="repeat every point (1)")
    p.add_argument("--concurrency", type=int, default=4, help="storescu associations")
    p.add_argument("--workers", type=int, help="PixelRedaction.Workers")
    p.add_argument("--set", help="load set folder (scripts/loadgen.py)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", metavar="FILE", help="write the results as JSON")
    p.add_argument(
        "--deadline",
        type=float,
        default=1800.0,
        help="seconds allowed per phase (kill point, final statuses) (1800)",
    )
    p.add_argument("--ready-deadline", type=float, default=600.0)
    p.add_argument("--workdir", help="folder for servers and logs (default: new temp)")
    p.add_argument(
        "--keep-storage",
        action="store_true",
        help="keep storage of passing points too (failing ones are always kept)",
    )
    args = p.parse_args(argv)
    names = list(BY_NAME) if args.points == "all" else args.points.split(",")
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        p.error(f"unknown kill point(s): {unknown}")
    args.point_list = [BY_NAME[n] for n in names]
    if shutil.which("storescu") is None:
        p.error("storescu (DCMTK) is not installed")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = bl.work_folder(args.workdir, "crash-test-")
    state = bl.repo_state()
    log(f"work folder: {workdir}; repository {state}")
    set_dir = Path(args.set).resolve() if args.set else workdir / "set"
    manifest = loadgen.ensure(set_dir, args.n, seed=args.seed)
    results: list[dict[str, Any]] = []
    status = 0
    try:
        for round_ in range(args.rounds):
            for point in args.point_list:
                tag = point.name if args.rounds == 1 else f"{point.name}-r{round_ + 1}"
                log(f"=== {tag} ===")
                run = Run(point, workdir / tag, set_dir, manifest["files"], args)
                result = run.run()
                result["round"] = round_ + 1
                results.append(result)
                print(line(result), flush=True)
                if not result["pass"]:
                    status = 1
    except KeyboardInterrupt:
        log("interrupted")
        status = 130
    finally:
        if args.json:
            bl.dump_json(
                args.json,
                {
                    "n": args.n,
                    "set": str(set_dir),
                    "workdir": str(workdir),
                    "results": results,
                },
            )
    print()
    print(
        f"Crash test, {args.n} instances per point, {args.concurrency} storescu "
        f"associations, set {set_dir} ({loadgen.SYNTAX_NOTE.split(':')[0]}), "
        f"commit {state['commit']}"
        + (" with plugin/ modified" if state["plugin_modified"] else "")
        + ":"
    )
    for result in results:
        print(line(result).split("\n")[0])
    passed = sum(r["pass"] for r in results)
    print(f"{passed}/{len(results)} kill points passed; work folder {workdir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
