"""Automatic redaction in a real Orthanc: what an administrator would check.

Instances arrive over REST and DICOM (DCMTK ``dcmsend`` with mixed transfer
syntaxes, ``storescu``); each original gets exactly one copy whose header holds no
identity and whose pixels a second OCR reads no PHI from; statuses, links, the
report attachment, jobs, failures and a SIGKILL in the middle of the work.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pydicom
import pytest
import requests
from rapidfuzz import fuzz
from test_plugin_smoke import PATIENT_ID, make_dicom

from plugin.core.header import identity_values
from plugin.core.pixels import display_frames, read_frames
from plugin.synth import generate_set

WAIT_S = 600  # first redactions load models; multi-frame files take a while
FINAL = {"done", "failed", "skipped"}
SECRET_WORDS = ("DOE", "JANE", "48213977", "19800214")


# ---- helpers ------------------------------------------------------------------------
def upload(url: str, data: bytes) -> str:
    r = requests.post(url + "/instances", data=data, timeout=60)
    r.raise_for_status()
    return r.json()["ID"]


def status(url: str, instance: str) -> dict[str, Any]:
    r = requests.get(f"{url}/redaction/instances/{instance}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def wait_final(
    url: str, instances: list[str], deadline_s: float = WAIT_S
) -> dict[str, Any]:
    deadline = time.monotonic() + deadline_s
    result: dict[str, Any] = {}
    while True:
        for i in instances:
            if i not in result:
                s = status(url, i)
                if s["status"] in FINAL:
                    result[i] = s
        if len(result) == len(instances):
            return result
        if time.monotonic() > deadline:
            pending = {
                i: status(url, i)["status"] for i in instances if i not in result
            }
            raise AssertionError(f"not final after {deadline_s} s: {pending}")
        time.sleep(0.5)


def metadata(url: str, instance: str) -> dict[str, str]:
    return requests.get(
        f"{url}/instances/{instance}/metadata?expand", timeout=30
    ).json()


def copies_by_original(url: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for i in requests.get(url + "/instances", timeout=30).json():
        source = metadata(url, i).get("RedactionSource")
        if source:
            found.setdefault(source, []).append(i)
    return found


def originals(url: str) -> list[str]:
    return [
        i
        for i in requests.get(url + "/instances", timeout=30).json()
        if "RedactionSource" not in metadata(url, i)
    ]


def download(url: str, instance: str) -> bytes:
    r = requests.get(f"{url}/instances/{instance}/file", timeout=60)
    r.raise_for_status()
    return r.content


def report_of(url: str, copy: str) -> tuple[str, dict[str, Any]]:
    r = requests.get(
        f"{url}/instances/{copy}/attachments/RedactionReport/data", timeout=30
    )
    assert r.status_code == 200, r.text
    return r.text, json.loads(r.text)


# The patient's pseudonym (header.patient_pseudonym): hex digits of a keyed hash.
_PSEUDONYM = re.compile(r"ANON\^?[0-9A-F]+")


def assert_no_header_identity(copy: pydicom.Dataset, original: pydicom.Dataset) -> None:
    """No identifying value of the original in any element of the copy. A number
    inside a (new, remapped) UID is chance: "6274" of a StudyID may occur among the
    digits of a UID generated at random, or of the patient's pseudonym (a keyed
    hash: "ANON^3F6274A1"), so neither is searched for numbers."""
    elements = [
        (e.keyword or str(e.tag), e.VR, str(e.value).upper())
        for e in copy.iterall()
        if e.VR not in ("OB", "OW", "OF", "OD", "UN", "SQ")
    ]
    for entity, keyword, value in identity_values(original):
        if len(value) < 4 or value.upper() in ("NONE", "YES"):
            continue  # short tokens occur anywhere by chance
        where = [
            name
            for name, vr, text in elements
            if value.upper() in text
            and not (value.isdigit() and (vr == "UI" or _PSEUDONYM.fullmatch(text)))
        ]
        assert not where, f"{entity} from {keyword} in the copy's header at {where}"


_OCR: Any = None


def ocr_words(ds: pydicom.Dataset) -> list[str]:
    global _OCR
    if _OCR is None:
        from plugin.core.ocr import create_engine

        _OCR = create_engine("rapidocr")
    frames = display_frames(ds, read_frames(ds))
    words: list[str] = []
    for frame in frames[:3]:
        words.extend(w.text for w in _OCR.read(frame))
    return words


# ---- tests ----------------------------------------------------------------------------
def test_uploaded_instance_gets_one_clean_copy(orthanc_url: str) -> None:
    data, _ = make_dicom()
    original_id = upload(orthanc_url, data)
    result = wait_final(orthanc_url, [original_id])[original_id]
    assert result["status"] == "done", result
    copy_id = result["redacted"]
    assert copy_id and copy_id != original_id
    assert result["boxes"], "the burned-in name and MRN give boxes"

    # The original is untouched, byte for byte, and links to its copy.
    assert download(orthanc_url, original_id) == data
    assert metadata(orthanc_url, original_id)["RedactionCopy"] == copy_id
    assert metadata(orthanc_url, copy_id)["RedactionSource"] == original_id

    # The copy: anonymized header, pixels without the name or the MRN.
    original = pydicom.dcmread(io.BytesIO(data))
    copy = pydicom.dcmread(io.BytesIO(download(orthanc_url, copy_id)))
    assert_no_header_identity(copy, original)
    assert copy.PatientIdentityRemoved == "YES"
    assert copy.BurnedInAnnotation == "NO"
    assert copy.StudyInstanceUID != original.StudyInstanceUID
    assert copy.SOPInstanceUID != original.SOPInstanceUID
    words = " ".join(ocr_words(copy)).upper()
    for secret in ("DOE", "JANE", PATIENT_ID[3:]):
        assert fuzz.partial_ratio(secret, words) < 80 or secret not in words, words

    # The report attachment: valid JSON, boxes and provenance, no patient text.
    raw, report = report_of(orthanc_url, copy_id)
    assert {"boxes", "policy", "engines", "timings", "verification"} <= set(report)
    assert report["original"] == original_id and report["trigger"] == "auto"
    assert report["verification"].get("passed", True) is not False
    for box in report["boxes"]:
        assert {
            "frame",
            "left",
            "top",
            "width",
            "height",
            "entity_type",
            "source",
        } <= set(box)
    for word in SECRET_WORDS:
        assert word not in raw.upper()

    # Asking about the copy answers for its original; the copy is not redacted again.
    about_copy = status(orthanc_url, copy_id)
    assert about_copy["copy_of"] == original_id and about_copy["status"] == "done"
    time.sleep(3)
    assert "RedactionStatus" not in metadata(orthanc_url, copy_id)
    assert copies_by_original(orthanc_url)[original_id] == [copy_id]


def test_same_original_twice_and_redo_keep_one_copy(orthanc_url: str) -> None:
    data, _ = make_dicom()
    original_id = upload(orthanc_url, data)
    first = wait_final(orthanc_url, [original_id])[original_id]
    assert first["status"] == "done"
    assert upload(orthanc_url, data) == original_id  # AlreadyStored
    # Redo now, synchronously, through the REST route.
    r = requests.post(
        f"{orthanc_url}/redaction/instances/{original_id}", timeout=WAIT_S
    )
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["status"] == "done" and again["redacted"] == first["redacted"]
    time.sleep(2)
    assert copies_by_original(orthanc_url)[original_id] == [first["redacted"]]
    # A copy cannot be redacted as if it were an original.
    r = requests.post(
        f"{orthanc_url}/redaction/instances/{first['redacted']}", timeout=30
    )
    assert r.status_code == 409, r.text


def test_dcmsend_mixed_syntaxes_each_get_one_copy(
    orthanc_server: Any, tmp_path: Path
) -> None:
    if shutil.which("dcmsend") is None:
        pytest.fail("dcmsend missing (apt package dcmtk)")
    url = orthanc_server.url
    folder = tmp_path / "set"
    truth = generate_set(folder, n=6, seed=11)
    syntaxes = {f["transfer_syntax"] for f in truth["files"]}
    assert len(syntaxes) >= 3, syntaxes  # a mixed batch, not one syntax
    files = sorted(p for p in folder.rglob("*.dcm"))
    before = set(requests.get(url + "/instances", timeout=30).json())
    subprocess.run(
        ["dcmsend", "-aec", "ORTHANC", "127.0.0.1", str(orthanc_server.dicom_port)]
        + [str(p) for p in files],
        check=True,
        capture_output=True,
        timeout=300,
    )
    new = [i for i in originals(url) if i not in before]
    assert len(new) == len(files), "every file was stored"
    results = wait_final(url, new)
    assert {r["status"] for r in results.values()} == {"done"}, results
    by_original = copies_by_original(url)
    sources = {pydicom.dcmread(p).SOPInstanceUID: pydicom.dcmread(p) for p in files}
    for original_id, result in results.items():
        assert by_original[original_id] == [result["redacted"]]
        tags = requests.get(
            f"{url}/instances/{original_id}/simplified-tags", timeout=30
        )
        original = sources[tags.json()["SOPInstanceUID"]]
        copy = pydicom.dcmread(io.BytesIO(download(url, result["redacted"])))
        assert_no_header_identity(copy, original)

    # The same study's copies form one anonymized study.
    studies = {
        requests.get(f"{url}/instances/{r['redacted']}/study", timeout=30).json()["ID"]
        for r in results.values()
    }
    original_studies = {
        requests.get(f"{url}/instances/{i}/study", timeout=30).json()["ID"]
        for i in results
    }
    assert len(studies) == len(original_studies)


def test_storescu_plain_batch(orthanc_server: Any, tmp_path: Path) -> None:
    url = orthanc_server.url
    paths = []
    for n in range(2):
        path = tmp_path / f"plain{n}.dcm"
        path.write_bytes(make_dicom()[0])
        paths.append(path)
    before = set(requests.get(url + "/instances", timeout=30).json())
    subprocess.run(
        ["storescu", "-aec", "ORTHANC", "127.0.0.1", str(orthanc_server.dicom_port)]
        + [str(p) for p in paths],
        check=True,
        capture_output=True,
        timeout=120,
    )
    new = [i for i in originals(url) if i not in before]
    assert len(new) == 2
    assert {r["status"] for r in wait_final(url, new).values()} == {"done"}


def test_series_job_reports_progress_to_success(orthanc_url: str) -> None:
    data, _ = make_dicom()
    original_id = upload(orthanc_url, data)
    wait_final(orthanc_url, [original_id])
    series = requests.get(
        f"{orthanc_url}/instances/{original_id}/series", timeout=30
    ).json()
    r = requests.post(f"{orthanc_url}/redaction/series/{series['ID']}", timeout=30)
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["Total"] == 1 and job["Path"] == f"/redaction/jobs/{job['ID']}"
    deadline = time.monotonic() + WAIT_S
    while job["State"] == "Running":
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = requests.get(orthanc_url + job["Path"], timeout=30).json() | {
            "Path": job["Path"]
        }
    assert job["State"] == "Success" and job["Progress"] == 100, job
    assert job["Counts"] == {"done": 1}
    assert any(
        j["ID"] == job["ID"]
        for j in requests.get(orthanc_url + "/redaction/jobs", timeout=30).json()
    )
    assert (
        requests.post(
            f"{orthanc_url}/redaction/series/0000-none", timeout=30
        ).status_code
        == 404
    )


def _broken_pixels() -> bytes:
    ds = pydicom.dcmread(io.BytesIO(make_dicom()[0]))
    ds.PixelData = ds.PixelData[: len(ds.PixelData) // 3]  # far too short for 256x256
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def _no_pixels() -> bytes:
    """A Basic Text SR (no pixels, not an image object): skipped, not failed."""
    ds = pydicom.dcmread(io.BytesIO(make_dicom()[0]))
    del ds.PixelData
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = (
        "1.2.840.10008.5.1.4.1.1.88.11"
    )
    ds.Modality = "SR"
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def test_broken_pixels_fail_closed_and_orthanc_keeps_serving(orthanc_url: str) -> None:
    data = _broken_pixels()
    original_id = upload(orthanc_url, data)
    result = wait_final(orthanc_url, [original_id])[original_id]
    assert result["status"] == "failed" and result["reason"], result
    assert result["redacted"] is None
    assert original_id not in copies_by_original(orthanc_url)
    assert download(orthanc_url, original_id) == data  # the original is kept as it was
    queue = requests.get(orthanc_url + "/redaction/queue", timeout=30).json()
    assert any(f["instance"] == original_id for f in queue["recent_failures"])
    assert queue["failed"] >= 1
    metrics = requests.get(orthanc_url + "/tools/metrics-prometheus", timeout=30).text
    failed = re.search(r"^orthanc_redaction_failed_total (\d+)", metrics, re.MULTILINE)
    assert failed and int(failed.group(1)) >= 1, metrics
    assert requests.get(orthanc_url + "/system", timeout=10).status_code == 200
    for word in SECRET_WORDS:
        assert word not in json.dumps(queue).upper()


def test_no_pixel_data_is_skipped_with_reason(orthanc_url: str) -> None:
    original_id = upload(orthanc_url, _no_pixels())
    result = wait_final(orthanc_url, [original_id])[original_id]
    assert result["status"] == "skipped" and result["reason"] == "no-pixel-data"
    assert original_id not in copies_by_original(orthanc_url)


def test_health_and_metrics(orthanc_url: str) -> None:
    health = requests.get(orthanc_url + "/redaction/health", timeout=30).json()
    assert health["automatic_redaction"] is True
    assert health["workers_alive"] >= 1
    assert "ocr:rapidocr" in health["engines"]
    metrics = requests.get(orthanc_url + "/tools/metrics-prometheus", timeout=30).text
    for name in (
        "orthanc_redaction_done_total",
        "orthanc_redaction_queue_length",
        "orthanc_redaction_seconds_per_instance",
    ):
        assert re.search(rf"^{name} ", metrics, re.MULTILINE), name


def test_filters_from_environment_skip_other_modalities(
    orthanc_factory: Any, tmp_path: Path
) -> None:
    start, stop = orthanc_factory
    from conftest import wait_until_ready

    server = start(
        tmp_path,
        {
            "ORTHANC__PIXEL_REDACTION__MODALITIES": '["US"]',
            "ORTHANC__PIXEL_REDACTION__WORKERS": "1",
        },
    )
    try:
        wait_until_ready(server)
        original_id = upload(server.url, make_dicom()[0])  # Modality OT
        result = wait_final(server.url, [original_id])[original_id]
        assert result["status"] == "skipped" and result["reason"] == "filtered", result
        assert "Modalities" in (result["message"] or "")
        # Asked explicitly, the filter does not apply.
        r = requests.post(
            f"{server.url}/redaction/instances/{original_id}", timeout=WAIT_S
        )
        assert r.json()["status"] == "done", r.text
    finally:
        stop(server)


def _worker_pids() -> set[int]:
    out = subprocess.run(
        ["pgrep", "-f", "plugin.adapter.workerproc"],
        check=False,
        capture_output=True,
        text=True,
    ).stdout
    return {int(x) for x in out.split()}


@pytest.mark.slow
def test_sigkill_with_queued_work_ends_with_one_copy_each(
    orthanc_factory: Any, tmp_path: Path
) -> None:
    start, stop = orthanc_factory
    from conftest import wait_until_ready

    env = {"ORTHANC__PIXEL_REDACTION__WORKERS": "1"}
    workers_before = _worker_pids()
    server = start(tmp_path, env)
    try:
        wait_until_ready(server)
        ids = [upload(server.url, make_dicom()[0]) for _ in range(5)]
        # Kill once the first copy exists: some work done, some running, some queued.
        deadline = time.monotonic() + WAIT_S
        while (
            requests.get(server.url + "/redaction/queue", timeout=30).json()["done"] < 1
        ):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(30)
    finally:
        stop(server)
    # Its workers notice (end of file on their pipe) and exit.
    deadline = time.monotonic() + 60
    while _worker_pids() - workers_before:
        assert time.monotonic() < deadline, "worker processes outlived a killed Orthanc"
        time.sleep(0.5)

    server = start(tmp_path, env)  # same storage and index, new ports
    try:
        wait_until_ready(server)
        results = wait_final(server.url, ids)
        assert {r["status"] for r in results.values()} == {"done"}, results
        by_original = copies_by_original(server.url)
        for i in ids:
            assert len(by_original.get(i, [])) == 1, by_original
        assert len(requests.get(server.url + "/instances", timeout=30).json()) == 10
        for i in ids:
            copy = pydicom.dcmread(
                io.BytesIO(download(server.url, results[i]["redacted"]))
            )
            assert copy.PatientIdentityRemoved == "YES"
    finally:
        stop(server)


def test_delete_original_option_keeps_only_the_copy(
    orthanc_factory: Any, tmp_path: Path
) -> None:
    """DeleteOriginal: once its copy is stored, the original goes; the copy stays
    linked to the (now deleted) original's ID. Off by default (other tests)."""
    start, stop = orthanc_factory
    from conftest import wait_until_ready

    server = start(
        tmp_path,
        {
            "ORTHANC__PIXEL_REDACTION__DELETE_ORIGINAL": "true",
            "ORTHANC__PIXEL_REDACTION__WORKERS": "1",
        },
    )
    try:
        wait_until_ready(server)
        original_id = upload(server.url, make_dicom()[0])
        deadline = time.monotonic() + WAIT_S
        while True:
            stored = requests.get(server.url + "/instances", timeout=30).json()
            if original_id not in stored and stored:
                break
            assert time.monotonic() < deadline, stored
            time.sleep(0.5)
        assert len(stored) == 1
        copy_id = stored[0]
        assert metadata(server.url, copy_id)["RedactionSource"] == original_id
        copy = pydicom.dcmread(io.BytesIO(download(server.url, copy_id)))
        assert copy.PatientIdentityRemoved == "YES"
    finally:
        stop(server)


def test_a_copy_from_elsewhere_is_skipped_not_left_pending(orthanc_url: str) -> None:
    # A copy this plugin wrote, received again without its Orthanc metadata (from a
    # peer, or deleted and stored again): never redacted twice, never "pending"
    # for ever. Its header's keyed seal tells it apart from an original.
    data, _ = make_dicom()
    original_id = upload(orthanc_url, data)
    first = wait_final(orthanc_url, [original_id])[original_id]
    assert first["status"] == "done"
    copy_bytes = download(orthanc_url, first["redacted"])
    r = requests.delete(f"{orthanc_url}/instances/{first['redacted']}", timeout=30)
    assert r.status_code == 200, r.text
    again = upload(orthanc_url, copy_bytes)
    result = wait_final(orthanc_url, [again])[again]
    assert result["status"] == "skipped" and result["reason"] == "already-redacted"
    assert again not in copies_by_original(orthanc_url)


def test_a_job_survives_a_restart_and_reaches_its_end(
    orthanc_factory: Any, tmp_path: Path
) -> None:
    start, stop = orthanc_factory
    from conftest import wait_until_ready

    env = {"ORTHANC__PIXEL_REDACTION__WORKERS": "1"}
    server = start(tmp_path, env)
    try:
        wait_until_ready(server)
        data, _ = make_dicom()
        first = upload(server.url, data)
        series = requests.get(
            f"{server.url}/instances/{first}/series", timeout=30
        ).json()["ID"]
        for k in range(3):  # three more instances of the same series
            ds = pydicom.dcmread(io.BytesIO(data))
            ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = (
                f"1.2.826.0.1.3680043.8.498.7710{k}"
            )
            buf = io.BytesIO()
            ds.save_as(buf, enforce_file_format=True)
            upload(server.url, buf.getvalue())
        job = requests.post(f"{server.url}/redaction/series/{series}", timeout=30)
        assert job.status_code == 200, job.text
        job_id = job.json()["ID"]
        server.process.send_signal(signal.SIGKILL)  # the job barely started
        server.process.wait(30)
    finally:
        stop(server)
    server = start(tmp_path, env)
    try:
        wait_until_ready(server)
        deadline = time.monotonic() + WAIT_S
        while True:
            r = requests.get(f"{server.url}/redaction/jobs/{job_id}", timeout=30)
            assert r.status_code == 200, "the job was forgotten at the restart"
            state = r.json()
            if state["State"] != "Running":
                break
            assert time.monotonic() < deadline, state
            time.sleep(0.5)
        assert state["State"] == "Success" and state["Total"] == 4, state
        assert state["Counts"] == {"done": 4}, state
    finally:
        stop(server)


def test_parallel_explicit_runs_of_one_original_each_answer_their_outcome(
    orthanc_url: str,
) -> None:
    import concurrent.futures

    original_id = upload(orthanc_url, make_dicom()[0])
    wait_final(orthanc_url, [original_id])

    def run(_: int) -> dict[str, Any]:
        r = requests.post(
            f"{orthanc_url}/redaction/instances/{original_id}", timeout=WAIT_S
        )
        assert r.status_code == 200, r.text
        return r.json()

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(run, range(4)))
    # Each waited for its own run: none answers "pending" because the next
    # request's run of the same original had begun.
    assert [a["status"] for a in answers] == ["done"] * 4, answers
    assert len({a["redacted"] for a in answers}) == 1
    assert copies_by_original(orthanc_url)[original_id] == [answers[0]["redacted"]]
