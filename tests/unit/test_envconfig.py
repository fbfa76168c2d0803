"""ORTHANC__* environment variables -> Orthanc configuration keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plugin.adapter.envconfig import (
    build_config,
    env_name_to_path,
    load_config,
    main,
    merge_env,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("ORTHANC__HTTP_PORT", ("HttpPort",)),
        ("ORTHANC__DICOM_PORT", ("DicomPort",)),
        ("ORTHANC__DICOM_AET", ("DicomAet",)),
        ("ORTHANC__STORAGE_DIRECTORY", ("StorageDirectory",)),
        ("ORTHANC__INDEX_DIRECTORY", ("IndexDirectory",)),
        ("ORTHANC__PYTHON_SCRIPT", ("PythonScript",)),
        ("ORTHANC__PIXEL_REDACTION__FILL", ("PixelRedaction", "Fill")),
        ("ORTHANC__PIXEL_REDACTION__OCR_BACKEND", ("PixelRedaction", "OcrBackend")),
        ("ORTHANC__PIXEL_REDACTION__OCR_RUNTIME", ("PixelRedaction", "OcrRuntime")),
        ("ORTHANC__PIXEL_REDACTION__UID_KEY", ("PixelRedaction", "UidKey")),
        ("ORTHANC__POSTGRESQL__HOST", ("PostgreSQL", "Host")),
        ("ORTHANC__CASE_SENSITIVE_PN", ("CaseSensitivePN",)),
    ],
)
def test_env_name_to_path(name: str, path: tuple[str, ...]) -> None:
    assert env_name_to_path(name) == path


@pytest.mark.parametrize("name", ["HTTP_PORT", "ORTHANC_HTTP_PORT", "ORTHANC__A____B"])
def test_env_name_to_path_rejects(name: str) -> None:
    with pytest.raises(ValueError):
        env_name_to_path(name)


def test_merge_env_types_and_nesting() -> None:
    config = {"HttpPort": 8042, "Name": "x", "PixelRedaction": {"Fill": "contrast"}}
    env = {
        "ORTHANC__HTTP_PORT": "18042",
        "ORTHANC__NAME": "redactor",
        "ORTHANC__REMOTE_ACCESS_ALLOWED": "true",
        "ORTHANC__PIXEL_REDACTION__FILL": "black",
        "ORTHANC__PIXEL_REDACTION__ENTITIES": '["PERSON", "ID"]',
        "ORTHANC__DICOM_MODALITIES__PACS": '["PACS", "10.0.0.1", 104]',
        "PATH": "/usr/bin",
        "ORTHANC_NOT_OURS": "1",
    }
    merged = merge_env(config, env)
    assert merged == {
        "HttpPort": 18042,
        "Name": "redactor",
        "RemoteAccessAllowed": True,
        "PixelRedaction": {"Fill": "black", "Entities": ["PERSON", "ID"]},
        "DicomModalities": {"Pacs": ["PACS", "10.0.0.1", 104]},
    }
    assert config["PixelRedaction"] == {"Fill": "contrast"}, "input left untouched"


def test_reference_config_builds_with_absolute_paths(tmp_path: Path) -> None:
    env = {
        "ORTHANC__STORAGE_DIRECTORY": str(tmp_path / "db"),
        "ORTHANC__HTTP_PORT": "18042",
    }
    config = build_config(REPO / "orthanc.json", env, root=REPO)
    assert config["StorageDirectory"] == str(tmp_path / "db")
    assert Path(config["IndexDirectory"]).is_absolute()
    assert config["PythonScript"] == str(REPO / "plugin" / "entrypoint.py")
    assert config["HttpPort"] == 18042
    assert config["DicomPort"] == 4242


def test_load_config_accepts_comments(tmp_path: Path) -> None:
    f = tmp_path / "c.json"
    f.write_text(
        '{\n  // a comment\n  "Name": "a // not a comment", /* x */ "HttpPort": 1\n}'
    )
    assert load_config(f) == {"Name": "a // not a comment", "HttpPort": 1}


def test_main_writes_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORTHANC__DICOM_PORT", "14242")
    out = tmp_path / "sub" / "orthanc.json"
    assert main([str(REPO / "orthanc.json"), str(out), "--root", str(REPO)]) == 0
    assert json.loads(out.read_text())["DicomPort"] == 14242
