"""The Orthanc-free parts of the adapter: configuration, per-file processing, workers.

The worker pool is exercised with real worker processes (``python -m
plugin.adapter.workerproc``) running the real engine; only Orthanc is absent.
"""

from __future__ import annotations

import io
import os
import signal
import time

import pydicom
import pytest
from dicomgen import make_dataset

from plugin.adapter.config import PLUGIN_KEYS, read_config
from plugin.adapter.pool import WorkerCrashed, WorkerPool, WorkerTimeout
from plugin.adapter.process import redact_bytes
from plugin.core.errors import ConfigError
from plugin.core.header import is_sealed_copy as is_redacted_copy
from plugin.core.settings import RedactionSettings


def _file(text: str | None = "DOE^JANE MRN48213977", modality: str = "OT") -> bytes:
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, 160, 320, text=text)
    ds.Modality = modality
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


# ---- configuration ------------------------------------------------------------------
def test_defaults_and_plugin_keys() -> None:
    config = read_config({})
    assert config.enabled is True and config.delete_original is False
    assert config.worker_count == (os.cpu_count() or 1)
    assert config.in_flight == 2 * config.worker_count
    assert set(PLUGIN_KEYS) >= {"Enabled", "Workers", "Modalities", "DeleteOriginal"}


def test_plugin_and_core_keys_together() -> None:
    config = read_config(
        {"Workers": 3, "Modalities": ["us", "XA"], "Fill": "black", "QueueSize": 4}
    )
    assert config.workers == 3 and config.in_flight == 4
    assert config.modalities == ("US", "XA")
    assert config.settings.fill.value == "black"


@pytest.mark.parametrize(
    "section",
    [
        {"Workers": "2"},
        {"Workers": True},
        {"Workers": -1},
        {"Modalities": "US"},
        {"Modalities": [1]},
        {"DeleteOriginal": "yes"},
        {"TimeoutSeconds": 0},
        {"WorkerNice": 40},
        {"NoSuchKey": 1},
    ],
)
def test_bad_values_stop_startup(section: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        read_config(section)


def test_filters() -> None:
    config = read_config(
        {
            "Modalities": ["US"],
            "SopClasses": ["1.2.840.10008.5.1.4.1.1.6.1"],
            "RequireBurnedInAnnotation": True,
        }
    )
    assert config.accepts("US", "1.2.840.10008.5.1.4.1.1.6.1", "YES") is None
    assert "Modalities" in (
        config.accepts("CT", "1.2.840.10008.5.1.4.1.1.6.1", "YES") or ""
    )
    assert "SopClasses" in (config.accepts("US", "1.2.3", "YES") or "")
    assert "BurnedInAnnotation" in (
        config.accepts("US", "1.2.840.10008.5.1.4.1.1.6.1", "") or ""
    )


# ---- one file -------------------------------------------------------------------------
SETTINGS = RedactionSettings(uid_key="unit-test-key")


@pytest.mark.ocr
def test_redact_bytes_done_then_copy_recognised() -> None:
    answer = redact_bytes(_file(), SETTINGS)
    assert answer["status"] == "done", answer["report"]
    assert answer["report"]["boxes"]
    copy = pydicom.dcmread(io.BytesIO(answer["data"]))
    assert is_redacted_copy(copy, SETTINGS.effective_uid_key)
    again = redact_bytes(answer["data"], SETTINGS)
    assert again["status"] == "copy" and again["data"] is None
    # Explicitly asked, a copy is redacted again (a user wants it).
    assert redact_bytes(answer["data"], SETTINGS, explicit=True)["status"] == "done"


def test_redact_bytes_unreadable_and_no_pixels() -> None:
    bad = redact_bytes(b"not a dicom file at all", SETTINGS)
    assert bad["status"] == "failed" and bad["report"]["reason"] == "unreadable"
    ds = pydicom.dcmread(io.BytesIO(_file()))
    del ds.PixelData
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    # An image object without pixels: cut short, fails closed.
    cut = redact_bytes(buf.getvalue(), SETTINGS)
    assert cut["status"] == "failed" and cut["report"]["reason"] == "unreadable"
    # A report (no image): nothing to redact.
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = (
        "1.2.840.10008.5.1.4.1.1.88.11"
    )
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    skipped = redact_bytes(buf.getvalue(), SETTINGS)
    assert skipped["status"] == "skipped"
    assert skipped["report"]["reason"] == "no-pixel-data"


def test_redact_bytes_filtered_unless_explicit() -> None:
    config = read_config({"Modalities": ["US"]})
    answer = redact_bytes(_file(modality="CT"), SETTINGS, filters=config)
    assert answer["status"] == "skipped" and answer["report"]["reason"] == "filtered"
    assert "DOE" not in str(answer["report"])


def test_original_is_not_a_copy() -> None:
    key = SETTINGS.effective_uid_key
    assert not is_redacted_copy(pydicom.dcmread(io.BytesIO(_file())), key)


@pytest.mark.ocr
def test_a_header_that_only_names_the_plugin_is_no_copy() -> None:
    # Forged (or written under another key): redacted like any original, not
    # waved through as one of our copies.
    ds = pydicom.dcmread(io.BytesIO(_file()))
    ds.DeidentificationMethod = ["Orthanc PixelRedaction plugin", "PS3.15"]
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    assert not is_redacted_copy(ds, SETTINGS.effective_uid_key)
    answer = redact_bytes(buf.getvalue(), SETTINGS)
    assert answer["status"] == "done" and answer["report"]["boxes"]
    other = RedactionSettings(uid_key="another-site")
    copy = pydicom.dcmread(io.BytesIO(answer["data"]))
    assert not is_redacted_copy(copy, other.effective_uid_key)


# ---- worker processes -----------------------------------------------------------------
@pytest.fixture(scope="module")
def pool() -> WorkerPool:
    init = {"settings": SETTINGS, "filters": None, "threads": 1, "nice": 0}
    p = WorkerPool(1, init, timeout=300)
    p.start()
    yield p
    p.close()


def _call(pool: WorkerPool, message: dict[str, object], timeout: float | None = None):  # type: ignore[no-untyped-def]
    return pool.submit(lambda slot: slot.call(message, timeout), 0).result(600)


@pytest.mark.ocr
@pytest.mark.slow
def test_worker_redacts_and_survives_a_killed_worker(pool: WorkerPool) -> None:
    answer = _call(pool, {"op": "redact", "data": _file()})
    assert answer["status"] == "done"
    pid = _call(pool, {"op": "ping"})["pong"]
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    # The next call finds the worker dead, starts a new one and gets its answer.
    assert _call(pool, {"op": "ping"})["pong"] != pid
    assert pool.counters["restarts"] + pool.counters["crashes"] >= 1


@pytest.mark.slow
def test_worker_timeout_kills_and_replaces(pool: WorkerPool) -> None:
    pid = _call(pool, {"op": "ping"})["pong"]
    big = _file()
    with pytest.raises(WorkerTimeout):
        # No redaction finishes in 1 ms: the worker is killed.
        _call(pool, {"op": "redact", "data": big}, timeout=0.001)
    assert pool.counters["timeouts"] >= 1
    assert _call(pool, {"op": "ping"})["pong"] != pid


@pytest.mark.slow
def test_worker_dying_on_a_message_twice_is_a_crash(
    pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every worker started from now on dies right after it is handed a redaction.
    # (A thread killing the worker as soon as it shows up raced with the pool:
    # a kill that landed before the message was sent is a restart, not an
    # attempt, and the third worker answered.)
    import plugin.adapter.pool as pool_module

    killed: list[int] = []

    class Dying(pool_module._Process):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            send = self.send_conn.send

            def send_and_die(message: object) -> None:
                send(message)
                if isinstance(message, dict) and message.get("op") == "redact":
                    killed.append(self.pid)
                    os.kill(self.pid, signal.SIGKILL)

            self.send_conn.send = send_and_die  # type: ignore[method-assign]

    monkeypatch.setattr(pool_module, "_Process", Dying)

    def task(slot):  # type: ignore[no-untyped-def]
        if slot.process is not None:
            slot.process.kill()  # the worker of earlier tests: the next is a Dying one
        return slot.call({"op": "redact", "data": _file()})

    with pytest.raises(WorkerCrashed):
        pool.submit(task, 0).result(600)
    assert len(set(killed)) == 2  # two workers, one attempt each
    assert _call(pool, {"op": "ping"})["pong"]


# ---- Orthanc Explorer 2 buttons -------------------------------------------------------
def test_oe2_buttons_call_routes_that_exist() -> None:
    """The shipped OE2 snippet: every button's URL is a route of the plugin."""
    import json
    import re
    from pathlib import Path

    from plugin.adapter import ROUTES
    from plugin.adapter.routes import STATIC_DIR

    repo = Path(__file__).resolve().parents[2]
    snippet = json.loads((repo / "docker" / "orthanc-explorer-2.json").read_text())
    buttons = snippet["OrthancExplorer2"]["UiOptions"]["CustomButtons"]
    assert set(buttons) == {"study", "series", "instance"}
    fake = "0a1b2c3d-4e5f6a7b-8c9d0e1f-2a3b4c5d-6e7f8a9b"
    ids = set()
    for level, items in buttons.items():
        assert items, level
        for button in items:
            ids.add(button["Id"])
            url = button["Url"]
            assert url.startswith("../../"), url  # OE2 lives under /ui/app/
            path = "/" + url[len("../../") :].replace("{UUID}", fake).split("?")[0]
            assert any(re.fullmatch(route, path) for route in ROUTES), path
            if path.startswith("/redaction/ui/"):
                assert (STATIC_DIR / path.rsplit("/", 1)[1]).is_file(), path
            assert button["HttpMethod"] in ("GET", "POST")
    assert len(ids) == sum(len(v) for v in buttons.values()), "unique Ids"


# ---- route guard ---------------------------------------------------------------------
class _Answer:
    """Collects what a route sends (the three calls ``send_json`` makes)."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.body = ""

    def SetHttpHeader(self, name: str, value: str) -> None:
        pass

    def SendHttpStatus(self, status: int, body: str, size: int) -> None:
        self.status, self.body = status, body

    def AnswerBuffer(self, body: bytes, mime: str) -> None:
        self.status, self.body = 200, body.decode()


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        ("closed", 503, "stopping"),
        ("timeout", 504, "timeout"),
        ("other", 500, "internal"),
    ],
)
def test_guard_maps_waiting_errors(error: str, status: int, code: str) -> None:
    import concurrent.futures
    import json as _json

    from plugin.adapter.pool import PoolClosed
    from plugin.adapter.routes import guard

    raised = {
        "closed": PoolClosed("closing"),
        "timeout": concurrent.futures.TimeoutError(),
        "other": KeyError("DOE^JANE"),
    }[error]
    answer = _Answer()
    with guard(answer, "/redaction/x"):
        raise raised
    assert answer.status == status
    body = _json.loads(answer.body)
    assert body["code"] == code
    assert "DOE" not in answer.body  # a foreign message never reaches the answer
