"""Security and privacy in a real Orthanc: authentication, limits, the audit trail,
no PHI and no UID key in anything the plugin writes, time limits on workers."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path
from typing import Any

import pydicom
import pytest
import requests
from conftest import wait_until_ready
from test_auto_redaction import FINAL, WAIT_S, _no_pixels
from test_plugin_smoke import make_dicom

USER, PASSWORD = "alice", "correct-horse-battery"
UID_KEY = "uidkey-7c1e55d0a9f34b26b1c0"
IDENTITY = ("DOE", "JANE", "MRN48213977", "48213977", "19800214")


class Client:
    """requests with the server's base URL and credentials."""

    def __init__(self, url: str, auth: tuple[str, str] | None) -> None:
        self.url, self.auth = url, auth

    def get(self, path: str, **kw: Any) -> requests.Response:
        return requests.get(self.url + path, auth=self.auth, timeout=60, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return requests.post(self.url + path, auth=self.auth, timeout=WAIT_S, **kw)

    def wait_final(self, instance: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_S
        while True:
            body = self.get(f"/redaction/instances/{instance}").json()
            if body["status"] in FINAL:
                return body
            assert time.monotonic() < deadline, body
            time.sleep(0.5)


@pytest.fixture(scope="module")
def secured(orthanc_factory: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Orthanc with authentication, a UID key, verbose logging and a 1 MB upload limit."""
    start, stop = orthanc_factory
    workdir = tmp_path_factory.mktemp("secured")
    server = start(
        workdir,
        {
            "ORTHANC__AUTHENTICATION_ENABLED": "true",
            "ORTHANC__REGISTERED_USERS": json.dumps({USER: PASSWORD}),
            "ORTHANC__PIXEL_REDACTION__MAX_UPLOAD_MEGABYTES": "1",
            "ORTHANC__PIXEL_REDACTION__WORKERS": "1",
            "REDACTION_UID_KEY": UID_KEY,
        },
        args=("--verbose",),
    )
    try:
        wait_until_ready(server)
        yield server
    finally:
        stop(server)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/redaction/health"),
        ("GET", "/redaction/queue"),
        ("GET", "/redaction/jobs"),
        ("POST", "/redaction/redact"),
        ("GET", "/redaction/ui/review.html"),
        ("GET", "/redaction/instances/0000/audit"),
    ],
)
def test_no_anonymous_access(secured: Any, method: str, path: str) -> None:
    r = requests.request(method, secured.url + path, data=b"x", timeout=30)
    assert r.status_code == 401, (path, r.status_code)
    r = requests.request(
        method, secured.url + path, data=b"x", auth=(USER, "wrong"), timeout=30
    )
    assert r.status_code == 401


def test_upload_limit_and_nothing_stored(secured: Any) -> None:
    client = Client(secured.url, (USER, PASSWORD))
    before = client.get("/instances").json()
    r = client.post("/redaction/redact", data=b"\0" * (2 * 1024 * 1024))
    assert r.status_code == 413 and r.json()["code"] == "too-large"
    ok = client.post(
        "/redaction/redact",
        data=make_dicom()[0],
        headers={"Accept": "application/json"},
    )
    assert ok.status_code == 200, ok.text
    assert client.get("/instances").json() == before


def test_audit_names_who_and_what(secured: Any) -> None:
    client = Client(secured.url, (USER, PASSWORD))
    original = client.post("/instances", data=make_dicom()[0]).json()["ID"]
    assert client.wait_final(original)["status"] == "done"
    r = client.post(f"/redaction/instances/{original}")
    assert r.status_code == 200 and r.json()["status"] == "done"
    audit = client.get(f"/redaction/instances/{original}/audit").json()
    triggers = [e["trigger"] for e in audit["events"]]
    assert triggers[0] == "auto" and triggers[-1] == f"rest:{USER}", triggers
    last = audit["events"][-1]
    assert last["status"] == "done" and last["copy"] == audit["redacted"]
    assert last["verification"] is True and last["boxes"] >= 1
    assert last["policy"] == "phi" and "ocr:rapidocr" in last["engines"]
    # The copy's id leads to the same trail.
    assert client.get(f"/redaction/instances/{audit['redacted']}/audit").json() == audit


def _everything_written(client: Client, log: Path) -> str:
    """The Orthanc log plus every attachment, status and answer the plugin produced."""
    parts = [log.read_text(errors="replace")]
    for instance in client.get("/instances").json():
        parts.append(
            json.dumps(client.get(f"/instances/{instance}/metadata?expand").json())
        )
        for name in client.get(f"/instances/{instance}/attachments").json():
            if name.startswith("Redaction"):
                parts.append(
                    client.get(f"/instances/{instance}/attachments/{name}/data").text
                )
        for route in ("", "/audit", "/boxes", "/corrections"):
            parts.append(client.get(f"/redaction/instances/{instance}{route}").text)
    for route in ("/redaction/queue", "/redaction/jobs", "/redaction/health"):
        parts.append(client.get(route).text)
    parts.append(client.get("/tools/metrics-prometheus").text)
    return "\n".join(parts)


def test_no_phi_and_no_uid_key_in_anything_written(secured: Any) -> None:
    client = Client(secured.url, (USER, PASSWORD))
    # Work of every kind: automatic, explicit, a job, a failure, a skip.
    originals = [
        client.post("/instances", data=make_dicom()[0]).json()["ID"] for _ in range(2)
    ]
    broken = pydicom.dcmread(io.BytesIO(make_dicom()[0]))
    broken.PixelData = broken.PixelData[:1000]
    buf = io.BytesIO()
    broken.save_as(buf, enforce_file_format=True)
    originals.append(client.post("/instances", data=buf.getvalue()).json()["ID"])
    statuses = [client.wait_final(i)["status"] for i in originals]
    assert statuses == ["done", "done", "failed"], statuses
    series = client.get(f"/instances/{originals[0]}/series").json()["ID"]
    job = client.post(f"/redaction/series/{series}").json()
    deadline = time.monotonic() + WAIT_S
    while client.get(job["Path"]).json()["State"] == "Running":
        assert time.monotonic() < deadline
        time.sleep(0.5)
    client.post("/redaction/redact", data=make_dicom()[0])
    client.post(f"/redaction/instances/{originals[0]}/corrections", data="{}")

    text = _everything_written(client, secured.log_path)
    assert "redact" in text.lower()  # the log and answers are really there
    # The log is verbose, so INFO lines of the plugin are included.
    assert re.search(r"\[plugin\.adapter\.\w+\]", text)
    for value in IDENTITY:
        hits = [m.start() for m in re.finditer(re.escape(value), text)]
        assert not hits, (
            f"{value!r} found in plugin output: …{text[hits[0] - 80 : hits[0] + 40]}…"
        )
    assert UID_KEY not in text


def test_time_limit_kills_the_worker_and_the_rest_goes_on(
    orthanc_factory: Any, tmp_path: Path
) -> None:
    start, stop = orthanc_factory
    server = start(
        tmp_path,
        {
            "ORTHANC__PIXEL_REDACTION__TIMEOUT_SECONDS": "0.2",
            "ORTHANC__PIXEL_REDACTION__WORKERS": "1",
        },
    )
    try:
        wait_until_ready(server)
        client = Client(server.url, None)
        slow = client.post("/instances", data=make_dicom()[0]).json()["ID"]
        result = client.wait_final(slow)
        assert result["status"] == "failed" and result["reason"] == "timeout", result
        queue = client.get("/redaction/queue").json()
        assert queue["worker_timeouts"] >= 1
        # A file that needs no OCR still goes through with the replaced worker.
        quick = client.post("/instances", data=_no_pixels()).json()["ID"]
        assert client.wait_final(quick)["status"] == "skipped"
        assert client.get("/redaction/health").json()["workers_alive"] == 1
        assert client.get("/system").status_code == 200
    finally:
        stop(server)
