"""Every item of the bad-input corpus through ``redact_bytes``, as a worker runs it.

Each file is redacted in a child process (spawned once, replaced after a crash or a
hang), so an input that aborts a decoder or exhausts memory costs the child, not
pytest: the test then fails with what happened. Per item: no crash, an answer within
:data:`TIME_BOUND_S`, peak memory growth below :data:`MEMORY_BOUND_MB`, the expected
status with a clear reason code, no data unless ``done``, no identity text in the
report, and for ``done`` a copy whose header holds no identity.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pydicom
import pytest
from badinputs import (
    case_params,
    corpus,
    identity_in_copy,
    identity_in_text,
    unit_expect,
)
from dicomgen import make_dataset

TIME_BOUND_S = 60.0  # per file, engines already loaded (the slowest bad input: ~1 s)
HARD_TIMEOUT_S = 300.0  # the child is killed after this
MEMORY_BOUND_MB = 1500  # growth of the child's peak RSS while redacting one file
UNCLEAR_REASONS = {"internal", "failed", "error", ""}

CORPUS = corpus()
BY_NAME = {item.name: item for item in CORPUS}

# Inputs the plugin mishandles today: (name -> symptom). Strict: fixed -> XPASS fails.
KNOWN_BUGS: dict[str, str] = {}


# ---- a child process running redact_bytes -------------------------------------------
def _serve(conn: Any) -> None:  # pragma: no cover - runs in the child
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    from plugin.adapter.process import redact_bytes
    from plugin.core.pipeline import get_engines
    from plugin.core.settings import RedactionSettings

    get_engines(RedactionSettings(uid_key="k")).warm_up()
    conn.send({"ready": True})
    while True:
        try:
            data, settings_kwargs = conn.recv()
        except EOFError:
            return
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        answer = redact_bytes(data, RedactionSettings(uid_key="k", **settings_kwargs))
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        conn.send(
            {
                "answer": answer,
                "seconds": seconds,
                "peak_growth_mb": (after - before) / 1024,
            }
        )


@dataclass
class Outcome:
    kind: str  # answer | crashed | hung
    answer: dict[str, Any] | None = None
    seconds: float = 0.0
    peak_growth_mb: float = 0.0
    exitcode: int | None = None


class Runner:
    """One spawned child at a time; a new one after a crash, a hang or a memory spike."""

    def __init__(self) -> None:
        self.ctx = multiprocessing.get_context("spawn")
        self.proc: Any = None
        self.conn: Any = None

    def _start(self) -> None:
        parent, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_serve, args=(child,), daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        if not parent.poll(HARD_TIMEOUT_S):
            self.close()
            raise RuntimeError("the redaction child did not load its engines")
        assert parent.recv() == {"ready": True}

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join(30)
            self.conn.close()
        self.proc = self.conn = None

    def run(self, data: bytes, **settings: Any) -> Outcome:
        if self.proc is None or not self.proc.is_alive():
            self.close()
            self._start()
        started = time.monotonic()
        self.conn.send((data, settings))
        if not self.conn.poll(HARD_TIMEOUT_S):
            self.close()
            return Outcome("hung", seconds=time.monotonic() - started)
        try:
            message = self.conn.recv()
        except EOFError:
            self.proc.join(30)
            code = self.proc.exitcode
            self.close()
            return Outcome("crashed", seconds=time.monotonic() - started, exitcode=code)
        outcome = Outcome("answer", message["answer"], message["seconds"])
        outcome.peak_growth_mb = message["peak_growth_mb"]
        if outcome.peak_growth_mb > MEMORY_BOUND_MB:
            self.close()  # a fresh child: the next file's growth is measured again
        return outcome


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    r = Runner()
    yield r
    r.close()


# ---- checks -----------------------------------------------------------------------------
def test_corpus_spans_every_category() -> None:
    from badinputs import CATEGORIES

    assert len(CORPUS) >= 40
    counts = {c: sum(i.category == c for i in CORPUS) for c in CATEGORIES}
    assert all(counts.values()), counts
    assert {i.expect for i in CORPUS} == {"failed", "skipped", "done", "rejected"}
    # Deterministic: the same bytes on every call.
    assert [i.data for i in corpus()] == [i.data for i in CORPUS]


@pytest.mark.ocr
@pytest.mark.parametrize("name", case_params(CORPUS, KNOWN_BUGS))
def test_bad_input(name: str, runner: Runner) -> None:
    item = BY_NAME[name]
    outcome = runner.run(item.data)
    assert outcome.kind != "crashed", (
        f"redact_bytes killed its process (exit code {outcome.exitcode})"
    )
    assert outcome.kind != "hung", f"no answer within {HARD_TIMEOUT_S} s"
    assert outcome.answer is not None
    answer, report = outcome.answer, outcome.answer["report"]
    assert outcome.seconds < TIME_BOUND_S, f"took {outcome.seconds:.1f} s"
    assert outcome.peak_growth_mb < MEMORY_BOUND_MB, (
        f"peak memory grew by {outcome.peak_growth_mb:.0f} MB"
    )
    expected = unit_expect(item)
    summary = f"{answer['status']} / {report.get('reason')} / {report.get('message')}"
    assert answer["status"] == expected, summary
    text = json.dumps(report, ensure_ascii=False, default=str)
    assert not identity_in_text(text), (
        f"identity in the report: {identity_in_text(text)}"
    )
    if expected == "done":
        assert answer["data"], summary
        copy = pydicom.dcmread(io.BytesIO(answer["data"]))
        assert copy.PatientIdentityRemoved == "YES"
        assert not identity_in_copy(item, answer["data"])
        return
    reason = report.get("reason")
    assert isinstance(reason, str) and reason not in UNCLEAR_REASONS, summary
    if item.reason:
        assert reason == item.reason, summary
    assert report.get("message"), summary
    assert answer["data"] is None


# ---- configurable limits -------------------------------------------------------------
def _valid(frames: int, side: int) -> bytes:
    ds = make_dataset(
        "MONOCHROME2",
        8,
        8,
        False,
        frames,
        side,
        side,
        identity={"PatientName": "LIMITSON^WILHELMINA", "PatientID": "LIMIT0001"},
    )
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


@pytest.mark.ocr
def test_limits_are_configurable(runner: Runner) -> None:
    data = _valid(3, 256)
    fine = runner.run(data)
    assert fine.answer is not None and fine.answer["status"] == "done", fine
    for settings, key in (
        ({"max_pixels": 100_000}, "MaxPixels"),
        ({"max_frames": 2}, "MaxFrames"),
    ):
        out = runner.run(data, **settings)
        assert out.answer is not None, out
        report = out.answer["report"]
        assert out.answer["status"] == "failed", report
        assert report["reason"] == "limit" and key in report["message"], report
        assert out.answer["data"] is None
        assert out.seconds < 5, "a limit is checked before decoding"
    # Exactly at the limit is allowed.
    at_limit = runner.run(data, max_pixels=3 * 256 * 256, max_frames=3)
    assert at_limit.answer is not None and at_limit.answer["status"] == "done"


def test_limits_come_from_the_configuration_keys() -> None:
    from plugin.core.settings import RedactionSettings

    s = RedactionSettings.from_mapping({"MaxPixels": 1234, "MaxFrames": 7})
    assert (s.max_pixels, s.max_frames) == (1234, 7)
