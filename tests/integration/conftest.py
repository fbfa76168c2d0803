"""A real Orthanc with the plugin, started once per session.

The server is started through ``scripts/run-orthanc.sh`` (what ``make run`` uses)
with free ports and a temporary storage folder given as ``ORTHANC__*`` variables,
so the tests exercise the same configuration path as a user. No Orthanc binary ->
skip, unless ``REQUIRE_ORTHANC=1`` (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
RUN_SCRIPT = REPO / "scripts" / "run-orthanc.sh"
PYTHON_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancPython.so")
# Loading the plugin imports the whole core (presidio, spaCy, OCR libraries) before
# Orthanc opens its HTTP port: allow for a slow first import on a cold machine.
START_DEADLINE_S = float(os.environ.get("ORTHANC_START_DEADLINE", "240"))
STOP_DEADLINE_S = 30.0


@dataclass
class OrthancServer:
    """A running server: its base URL, process and log file."""

    url: str
    dicom_port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, max_chars: int = 20_000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return text[-max_chars:]


def _require_or_skip(reason: str) -> None:
    if os.environ.get("REQUIRE_ORTHANC") == "1":
        pytest.fail(f"REQUIRE_ORTHANC=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _orthanc_binary() -> str | None:
    found = shutil.which("Orthanc")
    if found:
        return found
    return "/usr/sbin/Orthanc" if os.access("/usr/sbin/Orthanc", os.X_OK) else None


def free_port() -> int:
    """A TCP port free right now on localhost (the kernel's pick)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_orthanc(
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> OrthancServer:
    """Start ``run-orthanc.sh`` in the background with free ports and ``workdir``;
    ``args`` go to Orthanc (e.g. ``("--verbose",)``)."""
    http_port, dicom_port = free_port(), free_port()
    while dicom_port == http_port:
        dicom_port = free_port()
    env = dict(os.environ)
    # Our own values win over whatever ORTHANC__* the caller's shell exports.
    env.update(
        {
            "ORTHANC__HTTP_PORT": str(http_port),
            "ORTHANC__DICOM_PORT": str(dicom_port),
            "ORTHANC__STORAGE_DIRECTORY": str(workdir / "db"),
            "ORTHANC__INDEX_DIRECTORY": str(workdir / "db"),
            "REDACTION_RUN_DIR": str(workdir / "run"),
        }
    )
    env.update(extra_env or {})
    log_path = workdir / "orthanc.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(RUN_SCRIPT), *args],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return OrthancServer(f"http://127.0.0.1:{http_port}", dicom_port, process, log_path)


def wait_until_ready(
    server: OrthancServer, deadline_s: float = START_DEADLINE_S
) -> None:
    """Poll ``GET /system`` until it answers; fail early if the process exits."""
    deadline = time.monotonic() + deadline_s
    delay = 0.05
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"Orthanc exited with {server.process.returncode} before answering:\n"
                + server.log_tail()
            )
        try:
            # 401: the server answers but wants credentials (AuthenticationEnabled).
            code = requests.get(server.url + "/system", timeout=2).status_code
            if code in (200, 401):
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"Orthanc did not answer within {deadline_s:.0f} s:\n"
                + server.log_tail()
            )
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def stop_orthanc(server: OrthancServer) -> int | None:
    """SIGTERM (Orthanc stops cleanly on it), SIGKILL after a deadline."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode


def _check_prerequisites() -> None:
    if _orthanc_binary() is None:
        _require_or_skip("the Orthanc binary is not installed (make deps)")
    if not PYTHON_PLUGIN.exists():
        _require_or_skip(f"{PYTHON_PLUGIN} is missing (apt package orthanc-python)")
    pyver = f"{sys.version_info[0]}.{sys.version_info[1]}"
    site = REPO / ".venv" / "lib" / f"python{pyver}" / "site-packages"
    if not site.is_dir():
        _require_or_skip(f"{site} is missing (make venv)")


@pytest.fixture(scope="session")
def orthanc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OrthancServer]:
    """A running Orthanc with the plugin; yields the server (``.url`` is the base URL)."""
    _check_prerequisites()
    server = start_orthanc(tmp_path_factory.mktemp("orthanc"))
    try:
        wait_until_ready(server)
    except RuntimeError as exc:
        stop_orthanc(server)
        pytest.fail(str(exc), pytrace=False)
    _SERVERS.append(server)
    yield server
    code = stop_orthanc(server)
    _SERVERS.remove(server)
    if code not in (0, -signal.SIGTERM):
        sys.stderr.write(f"\nOrthanc exited with {code}:\n{server.log_tail()}\n")


@pytest.fixture(scope="session")
def orthanc_url(orthanc_server: OrthancServer) -> str:
    return orthanc_server.url


@pytest.fixture(scope="session")
def orthanc_factory():  # type: ignore[no-untyped-def]
    """``(start, stop)`` for tests that need a server of their own (other settings)."""
    _check_prerequisites()
    return start_orthanc, stop_orthanc


_SERVERS: list[OrthancServer] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.failed and _SERVERS:
        # Attach the server log to the failure (shown by pytest, kept in junit XML).
        report.sections.append(("Orthanc log (tail)", _SERVERS[-1].log_tail(8000)))
