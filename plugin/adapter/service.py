"""Automatic redaction of stored instances: change log -> workers -> copy stored back.

Flow for one original (``process``):

1. its status becomes ``pending`` (metadata on the original);
2. a worker process redacts its file (:mod:`plugin.adapter.process`);
3. ``done``: the copy is stored in Orthanc, gets the report attachment and a link to
   its original, then the original gets ``done`` and the link to its copy, in this
   order, so a crash in between only repeats work. ``failed``: no copy (fail-closed;
   an older copy of that original is deleted); ``skipped``: no copy, with a reason.

Durability: the dispatcher follows Orthanc's change log (``GET /changes``) from a
cursor kept in a global property. The cursor only moves past an instance once its
work is final, so after a crash or kill everything not final is picked up again.
Copies carry keyed UIDs, deterministic per original: storing the same copy again is
Orthanc's ``AlreadyStored``, never a second copy. Work asked for explicitly (REST,
jobs) is recorded in another global property until it is final.

Nothing here runs OCR: this is Orthanc's process, and it stays responsive.
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime as dt
import json
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from plugin import __version__

from .config import PluginConfig
from .pool import (
    EngineUnavailable,
    PoolClosed,
    Slot,
    WorkerCrashed,
    WorkerPool,
    WorkerTimeout,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ATTACHMENT_REPORT",
    "FINAL",
    "META",
    "OrthancApi",
    "RedactionService",
]

# User metadata (1024..65535) and attachment numbers; orthanc.json gives them names.
META = {
    "status": 4470,  # RedactionStatus: pending | done | failed | skipped
    "reason": 4471,  # RedactionReason: a code (timeout, unreadable, filtered, ...)
    "copy": 4472,  # RedactionCopy: Orthanc ID of the redacted copy (on the original)
    "source": 4473,  # RedactionSource: Orthanc ID of the original (on the copy)
    "message": 4474,  # RedactionMessage: the reason in words (no patient text)
}
META_NAMES = {
    "status": "RedactionStatus",
    "reason": "RedactionReason",
    "copy": "RedactionCopy",
    "source": "RedactionSource",
    "message": "RedactionMessage",
}
ATTACHMENT_REPORT = 4470  # RedactionReport, application/json, on the copy
ATTACHMENT_CORRECTIONS = 4471  # RedactionCorrections, application/json, on the original
ATTACHMENT_AUDIT = 4472  # RedactionAudit, application/json, on the original
AUDIT_EVENTS = 200  # newest events kept per original

# Global properties (>= 1024, plugin range).
PROP_CURSOR = 5471
PROP_UID_KEY = 5472
PROP_REQUESTED = 5473
PROP_JOBS = 5474
# Jobs kept across a restart (each with its list of instances).
_JOBS_KEPT = 20

FINAL = ("done", "failed", "skipped")
PRIORITY_NOW, PRIORITY_JOB, PRIORITY_AUTO = 0, 1, 2


class OrthancApi:
    """The few calls the service makes, over the ``orthanc`` module's internal REST."""

    def __init__(self, orthanc: Any) -> None:
        self.o = orthanc

    def get_json(self, uri: str) -> Any:
        return json.loads(self.o.RestApiGet(uri))

    def try_get_json(self, uri: str) -> Any | None:
        try:
            return self.get_json(uri)
        except Exception:  # noqa: BLE001 - Orthanc raises OrthancException on 404
            return None

    def metadata(self, instance: str) -> dict[str, str] | None:
        """Our metadata of ``instance`` by short name, or ``None`` if it is gone."""
        raw = self.try_get_json(f"/instances/{instance}/metadata?expand")
        if raw is None:
            return None
        found: dict[str, str] = {}
        for short, index in META.items():
            for key in (str(index), META_NAMES[short]):
                if key in raw:
                    found[short] = raw[key]
        found["_origin"] = raw.get("Origin", "")
        return found

    def set_metadata(self, instance: str, short: str, value: str) -> None:
        self.o.RestApiPut(f"/instances/{instance}/metadata/{META[short]}", value)

    def delete_metadata(self, instance: str, short: str) -> None:
        try:
            self.o.RestApiDelete(f"/instances/{instance}/metadata/{META[short]}")
        except Exception:  # noqa: BLE001 - absent already
            logger.debug("metadata %s of %s already absent", short, instance)

    def dicom(self, instance: str) -> bytes:
        return bytes(self.o.GetDicomForInstance(instance))

    def store(self, data: bytes) -> tuple[str, str]:
        """Store a DICOM file: ``(orthanc id, "Success" | "AlreadyStored")``."""
        answer = json.loads(self.o.RestApiPost("/instances", data))
        return answer["ID"], answer.get("Status", "Success")

    def put_json(self, instance: str, index: int, value: Any) -> None:
        body = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
        self.o.RestApiPut(f"/instances/{instance}/attachments/{index}", body)

    def get_json_attachment(self, instance: str, index: int) -> Any | None:
        try:
            raw = self.o.RestApiGet(f"/instances/{instance}/attachments/{index}/data")
        except Exception:  # noqa: BLE001 - no attachment
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def put_report(self, instance: str, report: dict[str, Any]) -> None:
        self.put_json(instance, ATTACHMENT_REPORT, report)

    def report(self, instance: str) -> dict[str, Any] | None:
        return self.get_json_attachment(instance, ATTACHMENT_REPORT)

    def delete_instance(self, instance: str) -> bool:
        try:
            self.o.RestApiDelete(f"/instances/{instance}")
            return True
        except Exception:  # noqa: BLE001 - already gone
            return False

    def get_property(self, index: int, default: str = "") -> str:
        value = self.o.GetGlobalProperty(index, default)
        return default if value is None else str(value)

    def set_property(self, index: int, value: str) -> None:
        self.o.SetGlobalProperty(index, value)

    def set_metric(self, name: str, value: float) -> None:
        try:
            self.o.SetMetricsValue(name, float(value), self.o.MetricsType.DEFAULT)
        except Exception:  # noqa: BLE001 - metrics are best effort
            logger.debug("metric %s not set", name)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_uid_key(
    config: PluginConfig, api: OrthancApi, environ: dict[str, str]
) -> str:
    """The UID key: configuration, else ``REDACTION_UID_KEY``, else one generated once
    and kept in a global property, so copies keep their UIDs across restarts."""
    if config.settings.uid_key:
        return config.settings.uid_key
    if environ.get("REDACTION_UID_KEY"):
        return environ["REDACTION_UID_KEY"]
    key = api.get_property(PROP_UID_KEY, "")
    if not key:
        key = secrets.token_hex(32)
        api.set_property(PROP_UID_KEY, key)
        logger.warning(
            "no UidKey configured: generated one and kept it in Orthanc's database"
            " (set PixelRedaction.UidKey or REDACTION_UID_KEY to control it)"
        )
    return key


class Job:
    """A series or study queued as a whole, with progress. Its identity and list of
    instances are kept in a global property: after a restart the job is rebuilt,
    its finished instances counted from their status, the rest as they finish."""

    def __init__(
        self,
        level: str,
        resource: str,
        instances: list[str],
        *,
        job_id: str | None = None,
        created: str | None = None,
    ) -> None:
        self.id = job_id or str(uuid.uuid4())
        self.level = level
        self.resource = resource
        self.instances = list(instances)
        self.counts: collections.Counter[str] = collections.Counter()
        self.failures: list[dict[str, str]] = []
        self.created = created or _now()
        self.completed: str | None = None
        self._lock = threading.Lock()
        # Restored after a restart: instances whose status is read when the job
        # is first asked about, not at start-up (see RedactionService._restore_jobs).
        self._unsettled: list[str] = []
        self._status_of: Callable[[str], dict[str, Any] | None] | None = None

    @property
    def total(self) -> int:
        return len(self.instances)

    def settle_later(
        self, instances: list[str], status_of: Callable[[str], dict[str, Any] | None]
    ) -> None:
        self._unsettled, self._status_of = list(instances), status_of

    def _settle(self) -> None:
        with self._lock:
            pending, self._unsettled = self._unsettled, []
        for instance in pending:
            described = (self._status_of and self._status_of(instance)) or {}
            if described.get("status") not in FINAL:
                described = {"status": "failed", "reason": "not-finished"}
            self.record(instance, described)

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "resource": self.resource,
            "instances": self.instances,
            "created": self.created,
        }

    def record(self, instance: str, status: dict[str, Any]) -> None:
        with self._lock:
            state = str(status.get("status", "failed"))
            self.counts[state] += 1
            if state == "failed" and len(self.failures) < 100:
                self.failures.append(
                    {"instance": instance, "reason": str(status.get("reason") or "")}
                )
            if sum(self.counts.values()) >= self.total:
                self.completed = _now()

    def to_dict(self) -> dict[str, Any]:
        self._settle()
        with self._lock:
            finished = sum(self.counts.values())
            state = "Running"
            if finished >= self.total:
                state = "Failure" if self.counts.get("failed") else "Success"
            return {
                "ID": self.id,
                "Level": self.level,
                "Resource": self.resource,
                "State": state,
                "Progress": 100
                if not self.total
                else round(100 * finished / self.total),
                "Total": self.total,
                "Counts": dict(self.counts),
                "Failures": list(self.failures),
                "CreationTime": self.created,
                "CompletionTime": self.completed,
            }


class RedactionService:
    """Dispatcher, bookkeeping and REST-facing operations of the plugin."""

    def __init__(self, api: OrthancApi, config: PluginConfig, pool: WorkerPool) -> None:
        self.api = api
        self.config = config
        self.pool = pool
        self.counts: collections.Counter[str] = collections.Counter()
        self.seconds_total = 0.0
        self.recent_failures: collections.deque[dict[str, Any]] = collections.deque(
            maxlen=50
        )
        self.jobs: collections.OrderedDict[str, Job] = collections.OrderedDict()
        self._inflight: dict[int, str] = {}
        self._cond = threading.Condition()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._cursor_read = 0
        self._cursor_saved = -1
        self._changes_last = 0
        self._requested: dict[str, str] = {}
        self._req_lock = threading.Lock()
        self._dispatcher: threading.Thread | None = None
        self._instance_locks = [threading.Lock() for _ in range(64)]
        self._counts_lock = threading.Lock()

    # ---- lifecycle --------------------------------------------------------------
    def start(self) -> None:
        """Resume explicit work left over, then follow the change log (if enabled)."""
        try:
            self._requested = json.loads(self.api.get_property(PROP_REQUESTED, "{}"))
        except ValueError:
            self._requested = {}
        self._restore_jobs()
        for instance, trigger in list(self._requested.items()):
            job = (
                self.jobs.get(trigger[len("job:") :])
                if trigger.startswith("job:")
                else None
            )
            self.submit(
                instance,
                force=True,
                trigger=f"{trigger}+resumed",
                on_done=None
                if job is None
                else (lambda status, i=instance, j=job: j.record(i, status)),
            )
        if self.config.enabled:
            self._cursor_read = int(self.api.get_property(PROP_CURSOR, "0") or 0)
            self._dispatcher = threading.Thread(
                target=self._dispatch_loop, name="redaction-dispatcher", daemon=True
            )
            self._dispatcher.start()
        self._publish_metrics()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        with self._cond:
            self._cond.notify_all()
        if self._dispatcher is not None:
            self._dispatcher.join(10)
        self.pool.close()
        self._save_cursor()

    def wake(self) -> None:
        """A new instance arrived (called from Orthanc's change callback: no REST here)."""
        self._wake.set()

    # ---- dispatcher ---------------------------------------------------------------
    def _dispatch_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                idle = self._dispatch_batch()
            except Exception as exc:
                logger.error("dispatcher: %s", type(exc).__name__)
                logger.debug("traceback", exc_info=True)
                idle = True
            self._save_cursor()
            self._publish_metrics()
            if idle:
                self._wake.wait(2.0)
                self._wake.clear()

    def _dispatch_batch(self) -> bool:
        """Hand new instances to the pool until it is full; True when nothing is left."""
        with self._cond:
            while (
                len(self._inflight) >= self.config.in_flight
                and not self._stopping.is_set()
            ):
                self._cond.wait(1.0)
        if self._stopping.is_set():
            return True
        answer = self.api.get_json(f"/changes?since={self._cursor_read}&limit=200")
        # "Last" of a page is the page's last entry: the log's end comes from ?last.
        last = answer.get("Last", 0)
        if not answer.get("Done", True):
            last = (self.api.try_get_json("/changes?last") or {}).get("Last", last)
        self._changes_last = int(last or 0)
        for change in answer.get("Changes", []):
            with self._cond:
                if len(self._inflight) >= self.config.in_flight:
                    return False
            seq = int(change["Seq"])
            if change.get("ChangeType") == "NewInstance":
                self._dispatch(change["ID"], seq)
            self._cursor_read = seq
        return bool(answer.get("Done", True))

    def _dispatch(self, instance: str, seq: int) -> None:
        meta = self.api.metadata(instance)
        if meta is None or "source" in meta or meta.get("status") in FINAL:
            return  # deleted meanwhile, one of our copies, or already final
        with self._cond:
            self._inflight[seq] = instance
        future = self.submit(instance, force=False, trigger="auto")
        future.add_done_callback(lambda f, s=seq: self._auto_done(s, f))

    def _auto_done(
        self, seq: int, future: concurrent.futures.Future[dict[str, Any]]
    ) -> None:
        # Work cancelled or interrupted at shutdown, or left waiting for an engine,
        # stays in flight: the saved cursor stays before it and the next start
        # picks it up again.
        if future.cancelled():
            return
        try:
            status = (future.result() or {}).get("status")
        except Exception:  # noqa: BLE001 - process() answers; this is belt and braces
            status = None
        if status == "pending":
            return
        with self._cond:
            self._inflight.pop(seq, None)
            self._cond.notify_all()
        self._save_cursor()

    def _save_cursor(self) -> None:
        with self._cond:
            cursor = min(self._inflight) - 1 if self._inflight else self._cursor_read
        if cursor != self._cursor_saved:
            try:
                self.api.set_property(PROP_CURSOR, str(cursor))
                self._cursor_saved = cursor
            except Exception as exc:  # noqa: BLE001 - retried at the next save
                logger.warning("could not save the cursor: %s", type(exc).__name__)

    # ---- work ---------------------------------------------------------------------
    def submit(
        self,
        instance: str,
        *,
        force: bool,
        trigger: str,
        priority: int | None = None,
        on_done: Callable[[dict[str, Any]], None] | None = None,
    ) -> concurrent.futures.Future[dict[str, Any]]:
        """Queue one original; the future's result is its status dict."""
        if force:
            self._remember(instance, trigger)
            # Visible at once; automatic work shows pending when dispatched.
        if priority is None:
            priority = PRIORITY_JOB if force else PRIORITY_AUTO
        future = self.pool.submit(
            lambda slot: self.process(slot, instance, force=force, trigger=trigger),
            priority,
        )
        if on_done is not None:

            def relay(f: concurrent.futures.Future[dict[str, Any]]) -> None:
                try:
                    on_done(f.result())
                except Exception as exc:  # noqa: BLE001
                    on_done({"status": "failed", "reason": type(exc).__name__})

            future.add_done_callback(relay)
        return future

    def _remember(self, instance: str, trigger: str) -> None:
        with self._req_lock:
            self._requested[instance] = trigger.split("+")[0]
            self._save_requested()

    def _forget(self, instance: str) -> None:
        with self._req_lock:
            if self._requested.pop(instance, None) is not None:
                self._save_requested()

    def _save_requested(self) -> None:
        try:
            self.api.set_property(PROP_REQUESTED, json.dumps(self._requested))
        except Exception as exc:  # noqa: BLE001
            logger.warning("could not save requested work: %s", type(exc).__name__)

    def process(
        self, slot: Slot, instance: str, *, force: bool, trigger: str
    ) -> dict[str, Any]:
        """Redact one original with ``slot``'s worker and record the outcome."""
        started = time.perf_counter()
        try:
            # One run per original at a time: a REST click while the same
            # original waits in the automatic queue must not store twice.
            with self._instance_locks[hash(instance) % len(self._instance_locks)]:
                return self._process(slot, instance, force=force, trigger=trigger)
        except PoolClosed:
            return {"id": instance, "status": "pending", "reason": "interrupted"}
        except Exception as exc:
            logger.error("instance %s: unexpected %s", instance, type(exc).__name__)
            logger.debug("traceback", exc_info=True)
            return self._finish_failed(
                instance, {}, "internal", type(exc).__name__, force
            )
        finally:
            with self._counts_lock:
                self.seconds_total += time.perf_counter() - started
            if force and not self.pool.closed:
                self._forget(instance)
            self._publish_metrics()

    def _process(
        self, slot: Slot, instance: str, *, force: bool, trigger: str
    ) -> dict[str, Any]:
        meta = self.api.metadata(instance)
        if meta is None:
            return {"id": instance, "status": "missing", "reason": "deleted"}
        if "source" in meta:
            return self.describe(instance)
        if not force and meta.get("status") in FINAL:
            return self.describe(instance)
        self.api.set_metadata(instance, "status", "pending")
        corrections = self.corrections(instance)
        data = self.api.dicom(instance)
        if len(data) > self.config.max_file_megabytes * 1024 * 1024:
            return self._finish_failed(
                instance,
                meta,
                "limit",
                f"the file exceeds MaxFileMegabytes ({self.config.max_file_megabytes})",
                True,
                trigger=trigger,
            )
        try:
            answer = slot.call(
                {
                    "op": "redact",
                    "data": data,
                    "explicit": force,
                    "corrections": {
                        "add": corrections["add"],
                        "keep": corrections["keep"],
                    },
                }
            )
        except WorkerTimeout:
            return self._finish_failed(
                instance,
                meta,
                "timeout",
                "the worker exceeded TimeoutSeconds",
                True,
                trigger=trigger,
            )
        except WorkerCrashed:
            return self._finish_failed(
                instance,
                meta,
                "worker-crashed",
                "the worker process died twice",
                True,
                trigger=trigger,
            )
        except EngineUnavailable:
            # Not this instance's fault: it stays pending (and in flight) until an
            # engine is back, at the latest at the next start. Its copy stays.
            self.api.set_metadata(instance, "reason", "engine-unavailable")
            logger.error("instance %s waits: the engine is unavailable", instance)
            return {"id": instance, "status": "pending", "reason": "engine-unavailable"}
        finally:
            del data
        status = answer.get("status")
        report = answer.get("report") or {}
        if status == "copy":
            # Written by this plugin: leave it alone. A copy this Orthanc stored
            # has its original ("source"); one that came from elsewhere (a peer,
            # a re-upload) has not, and is marked skipped, never left pending.
            self._count("copies_seen")
            if "source" in (self.api.metadata(instance) or {}):
                for short in ("status", "reason", "message"):
                    self.api.delete_metadata(instance, short)
                return {"id": instance, "status": "copy", "reason": "already-redacted"}
            self._set_outcome(
                instance,
                "skipped",
                "already-redacted",
                "its header says this plugin redacted it already",
            )
            self._audit(
                instance,
                {"status": "skipped", "trigger": trigger, "reason": "already-redacted"},
            )
            return self.describe(instance)
        if status == "done" and answer.get("data"):
            return self._finish_done(instance, meta, answer, trigger, force)
        if status == "skipped":
            self._count("skipped")
            self._set_outcome(
                instance, "skipped", report.get("reason"), report.get("message")
            )
            self._audit(
                instance,
                {
                    "status": "skipped",
                    "trigger": trigger,
                    "reason": report.get("reason"),
                },
            )
            return self.describe(instance)
        return self._finish_failed(
            instance,
            meta,
            str(report.get("reason") or "failed"),
            report.get("message"),
            True,
            trigger=trigger,
            report=report,
        )

    def _finish_done(
        self,
        instance: str,
        meta: dict[str, str],
        answer: dict[str, Any],
        trigger: str,
        force: bool,
    ) -> dict[str, Any]:
        copy_id, state = self.api.store(answer["data"])
        if copy_id == instance:
            # The "copy" has the original's identity (header not anonymized): it
            # is the original itself. Never link or delete it as a copy.
            return self._finish_failed(
                instance,
                meta,
                "not-anonymized",
                "the copy has the original's UIDs and patient: nothing stored",
                True,
                trigger=trigger,
            )
        if state == "AlreadyStored" and force:
            # Same keyed UIDs, possibly different pixels (new settings or
            # corrections): replace the stored copy.
            self.api.delete_instance(copy_id)
            copy_id, state = self.api.store(answer["data"])
        old = meta.get("copy")
        if old and old != copy_id:
            self.api.delete_instance(old)
        report = dict(answer.get("report") or {})
        report.pop("status", None)
        attachment = {
            "original": instance,
            "copy": copy_id,
            "status": "done",
            "trigger": trigger,
            "created": _now(),
            "plugin_version": __version__,
            "seconds": answer.get("seconds"),
            **report,
        }
        corrections = self.corrections(instance)
        attachment["corrections"] = {
            "added_boxes": len(corrections["add"]),
            "keep_regions": len(corrections["keep"]),
            "revisions": len(corrections["history"]),
        }
        self.api.set_metadata(copy_id, "source", instance)
        self.api.put_report(copy_id, attachment)
        self.api.set_metadata(instance, "copy", copy_id)
        self._set_outcome(instance, "done", None, None)
        self._audit(
            instance,
            {
                "status": "done",
                "trigger": trigger,
                "copy": copy_id,
                "policy": attachment.get("policy"),
                "boxes": len(attachment.get("boxes", [])),
                "verification": attachment.get("verification", {}).get("passed"),
                "engines": attachment.get("engines", {}),
                "corrections": attachment["corrections"],
            },
        )
        self._count("done")
        if self.config.delete_original:
            self.api.delete_instance(instance)
        return {
            "id": instance,
            "status": "done",
            "reason": None,
            "redacted": copy_id,
            "boxes": attachment.get("boxes", []),
            "verification": attachment.get("verification", {}),
        }

    def _finish_failed(
        self,
        instance: str,
        meta: dict[str, str],
        reason: str,
        message: str | None,
        drop_copy: bool,
        *,
        trigger: str = "",
        report: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        # Fail-closed: an older copy of this original does not stand for it any more.
        old = meta.get("copy")
        if drop_copy and old:
            self.api.delete_instance(old)
            self.api.delete_metadata(instance, "copy")
        try:
            self._set_outcome(instance, "failed", reason, message)
        except Exception:  # noqa: BLE001 - the original may be gone
            logger.debug("status of %s not recorded", instance)
        verification = (report or {}).get("verification") or {}
        self._audit(
            instance,
            {
                "status": "failed",
                "trigger": trigger,
                "reason": reason,
                "verification": verification.get("passed"),
                "copy_removed": bool(drop_copy and old),
            },
        )
        self._count("failed")
        with self._counts_lock:
            self.recent_failures.appendleft(
                {
                    "instance": instance,
                    "reason": reason,
                    "message": message,
                    "time": _now(),
                }
            )
        logger.warning("instance %s failed: %s", instance, reason)
        return {
            "id": instance,
            "status": "failed",
            "reason": reason,
            "message": message,
            "redacted": None,
            "boxes": [],
        }

    def _count(self, name: str) -> None:
        with self._counts_lock:
            self.counts[name] += 1

    def _audit(self, instance: str, event: dict[str, Any]) -> None:
        """Append an event to the original's audit trail (no patient text in it)."""
        try:
            trail = self.api.get_json_attachment(instance, ATTACHMENT_AUDIT) or []
            if not isinstance(trail, list):
                trail = []
            trail = trail[-(AUDIT_EVENTS - 1) :] + [
                {"time": _now(), "plugin_version": __version__, **event}
            ]
            self.api.put_json(instance, ATTACHMENT_AUDIT, trail)
        except Exception as exc:  # noqa: BLE001 - the original may be gone
            logger.debug("audit of %s not written: %s", instance, type(exc).__name__)

    def audit(self, instance: str) -> list[dict[str, Any]]:
        """The audit trail of an original, oldest first."""
        trail = self.api.get_json_attachment(instance, ATTACHMENT_AUDIT) or []
        return trail if isinstance(trail, list) else []

    def _set_outcome(
        self, instance: str, status: str, reason: str | None, message: str | None
    ) -> None:
        for short, value in (("reason", reason), ("message", message)):
            if value:
                self.api.set_metadata(instance, short, str(value))
            else:
                self.api.delete_metadata(instance, short)
        self.api.set_metadata(instance, "status", status)  # last: final marker

    # ---- queries --------------------------------------------------------------------
    def describe(self, instance: str) -> dict[str, Any] | None:
        """Status of an original, or of a copy's original; ``None`` if unknown."""
        meta = self.api.metadata(instance)
        if meta is None:
            return None
        if "source" in meta:
            original = meta["source"]
            described = self.describe_original(original, self.api.metadata(original))
            described["copy_of"] = original
            described["id"] = instance
            if described.get("redacted") is None:
                described["redacted"] = instance
            if not described.get("boxes"):
                described["boxes"] = (self.api.report(instance) or {}).get("boxes", [])
            return described
        return self.describe_original(instance, meta)

    def describe_original(
        self, instance: str, meta: dict[str, str] | None
    ) -> dict[str, Any]:
        if meta is None:
            return {"id": instance, "status": "missing", "reason": "deleted"}
        status = meta.get("status")
        if status is None:
            status = "pending" if self.config.enabled else "none"
        out: dict[str, Any] = {
            "id": instance,
            "status": status,
            "reason": meta.get("reason"),
            "message": meta.get("message"),
            "redacted": meta.get("copy"),
            "boxes": [],
        }
        if meta.get("copy"):
            report = self.api.report(meta["copy"]) or {}
            out["boxes"] = report.get("boxes", [])
            out["verification"] = report.get("verification", {})
            out["policy"] = report.get("policy")
            out["frames"] = report.get("frames")
            out["trigger"] = report.get("trigger")
            out["created"] = report.get("created")
        return out

    def queue_state(self) -> dict[str, Any]:
        with self._cond:
            inflight = len(self._inflight)
        behind = max(0, self._changes_last - self._cursor_read)
        return {
            "queued": self.pool.queued,
            "running": self.pool.running,
            "in_flight": inflight,
            "changes_behind": behind,
            "done": self.counts.get("done", 0),
            "failed": self.counts.get("failed", 0),
            "skipped": self.counts.get("skipped", 0),
            "copies_seen": self.counts.get("copies_seen", 0),
            "workers": self.pool.size,
            "workers_alive": self.pool.alive,
            "worker_restarts": self.pool.counters.get("restarts", 0),
            "worker_timeouts": self.pool.counters.get("timeouts", 0),
            "worker_crashes": self.pool.counters.get("crashes", 0),
            "recent_failures": self._recent_failures(),
            "cursor": self._cursor_saved,
            "automatic": self.config.enabled,
        }

    def _recent_failures(self) -> list[dict[str, Any]]:
        with self._counts_lock:
            return list(self.recent_failures)

    def _publish_metrics(self) -> None:
        finished = sum(self.counts.get(k, 0) for k in FINAL)
        values = {
            "orthanc_redaction_done_total": self.counts.get("done", 0),
            "orthanc_redaction_failed_total": self.counts.get("failed", 0),
            "orthanc_redaction_skipped_total": self.counts.get("skipped", 0),
            "orthanc_redaction_queue_length": self.pool.queued + self.pool.running,
            "orthanc_redaction_running": self.pool.running,
            "orthanc_redaction_seconds_per_instance": (
                self.seconds_total / finished if finished else 0.0
            ),
            "orthanc_redaction_worker_restarts_total": self.pool.counters.get(
                "restarts", 0
            ),
        }
        for name, value in values.items():
            self.api.set_metric(name, value)

    # ---- review ---------------------------------------------------------------------
    def corrections(self, instance: str) -> dict[str, Any]:
        """A reviewer's boxes for an original: ``{"add", "keep", "history"}``."""
        stored = self.api.get_json_attachment(instance, ATTACHMENT_CORRECTIONS) or {}
        return {
            "add": list(stored.get("add", [])),
            "keep": list(stored.get("keep", [])),
            "history": list(stored.get("history", [])),
        }

    def set_corrections(
        self, instance: str, add: list[Any], keep: list[Any], user: str
    ) -> dict[str, Any]:
        """Replace the corrections of an original, keeping an audit entry.

        Raises ``ValueError`` for malformed boxes. Applied at the next redaction of
        the original (automatic or asked for): they survive later runs.
        """
        from .process import boxes_from_json

        clean = {}
        for name, items in (("add", add), ("keep", keep)):
            boxes = boxes_from_json(items, "PERSON" if name == "add" else "KEEP")
            clean[name] = [
                {
                    "frame": b.frame,
                    "left": b.left,
                    "top": b.top,
                    "width": b.width,
                    "height": b.height,
                    **({"entity_type": b.entity_type} if name == "add" else {}),
                }
                for b in boxes
            ]
        frames, rows, cols = self._geometry(instance)
        for name in ("add", "keep"):
            for b in clean[name]:
                if b["frame"] >= frames or b["left"] >= cols or b["top"] >= rows:
                    raise ValueError(
                        f"a box lies outside the image ({frames} frames of "
                        f"{cols} x {rows} pixels)"
                    )
        current = self.corrections(instance)
        history = current["history"][-199:] + [
            {
                "time": _now(),
                "user": user,
                "added_boxes": len(clean["add"]),
                "keep_regions": len(clean["keep"]),
            }
        ]
        stored = {"add": clean["add"], "keep": clean["keep"], "history": history}
        self.api.put_json(instance, ATTACHMENT_CORRECTIONS, stored)
        logger.warning(
            "corrections of %s set by %s: %d boxes added, %d regions kept",
            instance,
            user or "anonymous",
            len(clean["add"]),
            len(clean["keep"]),
        )
        return stored

    def _geometry(self, instance: str) -> tuple[int, int, int]:
        """(frames, rows, columns) of a stored instance, from Orthanc's tags."""
        tags = self.api.get_json(f"/instances/{instance}/simplified-tags")
        try:
            frames = int(tags.get("NumberOfFrames") or 1)
            return max(1, frames), int(tags["Rows"]), int(tags["Columns"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("the instance has no image to correct") from None

    def render(self, message: dict[str, Any]) -> dict[str, Any]:
        """Preview or video of a file, rendered by a worker (priority of a user)."""
        return self.pool.submit(lambda slot: slot.call(message), PRIORITY_NOW).result(
            self.config.timeout_seconds * 2 + 120
        )

    # ---- jobs -------------------------------------------------------------------------
    def _save_jobs(self) -> None:
        records = [j.to_record() for j in list(self.jobs.values())[-_JOBS_KEPT:]]
        try:
            self.api.set_property(PROP_JOBS, json.dumps(records))
        except Exception as exc:  # noqa: BLE001
            logger.warning("could not save jobs: %s", type(exc).__name__)

    def _restore_jobs(self) -> None:
        """Rebuild the jobs of before a restart: an instance no longer requested
        counts with its status when the job is first asked about (no REST call
        per instance at start-up); one still requested, when it finishes."""
        try:
            records = json.loads(self.api.get_property(PROP_JOBS, "[]"))
        except ValueError:
            return
        for record in records if isinstance(records, list) else []:
            try:
                job = Job(
                    str(record["level"]),
                    str(record["resource"]),
                    [str(i) for i in record["instances"]],
                    job_id=str(record["id"]),
                    created=str(record.get("created") or ""),
                )
            except (KeyError, TypeError):
                continue
            self.jobs[job.id] = job
            resumed = f"job:{job.id}"
            job.settle_later(
                [i for i in job.instances if self._requested.get(i) != resumed],
                self.describe,
            )

    def start_job(self, level: str, resource: str) -> Job | None:
        """Queue every original of a series or study; ``None`` if it does not exist."""
        plural = {"series": "series", "study": "studies"}[level]
        listing = self.api.try_get_json(f"/{plural}/{resource}/instances")
        if listing is None:
            return None
        originals = []
        for item in listing:
            meta = self.api.metadata(item["ID"])
            if meta is not None and "source" not in meta:
                originals.append(item["ID"])
        job = Job(level, resource, originals)
        self.jobs[job.id] = job
        while len(self.jobs) > 200:
            self.jobs.popitem(last=False)
        self._save_jobs()
        for instance in originals:
            self.submit(
                instance,
                force=True,
                trigger=f"job:{job.id}",
                priority=PRIORITY_JOB,
                on_done=lambda status, i=instance: job.record(i, status),
            )
        return job
