"""Dockerfile, docker-compose.yml and .ci/run: static checks (Docker does not run here).

A small, honest lint: it catches an unpinned base image, apt installs without
``--no-install-recommends`` or list cleanup, and drift between the compose file, the
Dockerfile and the ``orthanc.json`` that ``make run`` uses. hadolint and the
compose-spec schema run in ``test_docker_files.py``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from plugin.adapter.config import SECTION, read_config
from plugin.adapter.envconfig import load_config, merge_env

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "docker-compose.yml"


def _instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` with continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            word, _, rest = full.partition(" ")
            out.append((word.upper(), rest.strip()))
    assert not pending, "Dockerfile ends inside a continued line"
    return out


def _env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in _instructions():
        if word == "ENV":
            for m in re.finditer(r"(\w+)=('[^']*'|\"[^\"]*\"|\S+)", rest):
                env[m.group(1)] = m.group(2).strip("'\"")
    return env


@pytest.fixture(scope="module")
def compose() -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def test_base_image_pinned() -> None:
    froms = [rest for word, rest in _instructions() if word == "FROM"]
    assert froms, "no FROM"
    for image in froms:
        name = image.split()[0]
        assert "@sha256:" in name or re.search(r":[\w.-]+$", name), f"unpinned: {name}"
        assert not name.endswith(":latest"), f"floating tag: {name}"
    assert froms[0].startswith("orthancteam/orthanc:")


def test_apt_get_installs_are_lean_and_cleaned() -> None:
    runs = [rest for word, rest in _instructions() if word == "RUN"]
    apt_runs = [r for r in runs if "apt-get install" in r]
    for run in apt_runs:
        for cmd in re.split(r"&&|;", run):
            if "apt-get install" in cmd:
                assert "--no-install-recommends" in cmd, cmd
                assert re.search(r"\s-y\b|--yes|--assume-yes", cmd), cmd
        assert "apt-get update" in run, "update and install belong in one layer"
        assert "rm -rf /var/lib/apt/lists" in run, "apt lists must be removed"
    for run in runs:
        for cmd in re.split(r"&&|;", run):
            if re.search(r"pip install", cmd):
                assert "--no-cache-dir" in cmd, cmd


def test_python_script_points_at_the_copied_entrypoint() -> None:
    env = _env()
    assert env.get("PYTHON_PLUGIN_ENABLED") == "true"
    script = env["ORTHANC__PYTHON_SCRIPT"]
    workdir = [rest for word, rest in _instructions() if word == "WORKDIR"][-1]
    assert script == f"{workdir}/plugin/entrypoint.py"
    assert (REPO / "plugin" / "entrypoint.py").is_file()
    copies = [rest for word, rest in _instructions() if word == "COPY"]
    assert "plugin ./plugin" in copies
    assert "orthanc.json /etc/orthanc/orthanc.json" in copies


def test_compose_uses_the_dockerfile_and_the_same_orthanc_json(compose: dict) -> None:  # type: ignore[type-arg]
    service = compose["services"]["orthanc"]
    build = service["build"]
    assert (REPO / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
    assert "./orthanc.json:/etc/orthanc/orthanc.json:ro" in service["volumes"]
    reference = load_config(REPO / "orthanc.json")
    published = {p.rsplit(":", 1)[-1] for p in service["ports"]}
    assert {str(reference["HttpPort"]), str(reference["DicomPort"])} <= published
    for port in service["ports"]:
        assert port.startswith("127.0.0.1:"), f"{port} would be reachable off-host"


def test_compose_and_image_environment_give_valid_settings(compose: dict) -> None:  # type: ignore[type-arg]
    """Every ORTHANC__PIXEL_REDACTION__* in compose/Dockerfile names a real setting."""
    reference = load_config(REPO / "orthanc.json")
    for name, service in compose["services"].items():
        env = {
            **_env(),
            **{k: str(v) for k, v in (service.get("environment") or {}).items()},
        }
        if not any(k.startswith("ORTHANC__") for k in env):
            continue
        merged = merge_env(reference, env)
        read_config(merged.get(SECTION, {}))  # raises ConfigError on unknown keys
        assert merged["PythonScript"].endswith("plugin/entrypoint.py"), name


def test_reference_config_section_is_valid() -> None:
    config = read_config(load_config(REPO / "orthanc.json")[SECTION])
    assert config.enabled is True


def test_ci_runs_the_readme_test_command() -> None:
    ci = REPO / ".ci" / "run"
    assert os.access(ci, os.X_OK)
    text = ci.read_text()
    assert "set -euo pipefail" in text
    assert re.search(r"^\s*(exec\s+)?make test\b", text, re.MULTILINE)
    assert "make test" in (REPO / "README.md").read_text()
