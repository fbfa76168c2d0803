"""orthanc-redact redact: folders, relative paths, report, exit code, atomic output."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pydicom
import pytest
from dicomgen import make_dataset
from pydicom.filebase import DicomFileLike
from pydicom.filewriter import write_dataset
from pydicom.uid import ExplicitVRLittleEndian

from plugin.batch import largest_first, write_atomic
from plugin.cli import main

pytestmark = pytest.mark.ocr


def _write(path: Path, text: str | None = "DOE^JANE", sop: str = "1.2.3.4.5") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ds = make_dataset(
        "MONOCHROME2",
        8,
        8,
        False,
        1,
        256,
        256,
        ExplicitVRLittleEndian,
        text,
        sop_uid=sop,
    )
    ds.save_as(path, enforce_file_format=True)


def _run_console_script(
    src: Path, out: Path, *, jobs: int
) -> subprocess.CompletedProcess:
    """The installed ``orthanc-redact`` entry point, as a user runs it."""
    exe = Path(sys.executable).with_name("orthanc-redact")
    return subprocess.run(
        [
            str(exe),
            "redact",
            str(src),
            "-o",
            str(out),
            "--jobs",
            str(jobs),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_folder_keeps_relative_paths_reports_and_fails_on_bad_input(tmp_path, capsys):
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "report.json"
    _write(src / "a" / "b.dcm", sop="1.2.3.4.1")
    _write(src / "c.dcm", sop="1.2.3.4.2")
    _write(src / "broken.dcm", sop="1.2.3.4.3")
    whole = (src / "broken.dcm").read_bytes()
    (src / "broken.dcm").write_bytes(whole[: len(whole) // 2])  # truncated in PixelData
    (src / "junk.dcm").write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00garbage")
    code = main(
        [
            "redact",
            str(src),
            "--output",
            str(out),
            "--jobs",
            "1",
            "--report",
            str(report),
            "--no-progress",
        ]
    )
    assert code == 1, "a failed file makes the exit code non-zero"
    assert (out / "a" / "b.dcm").is_file() and (out / "c.dcm").is_file()
    assert not (out / "broken.dcm").exists(), "no output for a file that failed"
    assert not (out / "junk.dcm").exists(), "no output for a file without an image"
    assert not list(out.rglob(".partial-*")), "no temporary file left behind"
    data = json.loads(report.read_text())
    assert data["summary"]["done"] == 2 and data["summary"]["failed"] == 1
    assert data["files"]["broken.dcm"]["status"] == "failed"
    assert data["files"]["broken.dcm"]["reason"] in ("unreadable", "unsupported")
    assert data["files"]["junk.dcm"]["status"] == "skipped"
    assert "DOE" not in report.read_text().upper()
    copy = pydicom.dcmread(out / "a" / "b.dcm")
    assert copy.PatientIdentityRemoved == "YES" and "DOE" not in str(copy.PatientName)
    assert "2 done, 1 failed, 1 skipped" in capsys.readouterr().out


def test_file_without_preamble_is_read_and_copied_with_file_meta(tmp_path):
    # Files from before DICOM 3 (or a dumped network stream) have neither the
    # 128-byte preamble nor file meta; a text file named .dcm stays unreadable.
    src, out, report = tmp_path / "in", tmp_path / "out", tmp_path / "report.json"
    _write(src / "full.dcm", sop="1.2.3.4.9")
    ds = pydicom.dcmread(src / "full.dcm")
    with (src / "bare.dcm").open("wb") as fh:
        write_dataset(DicomFileLike(fh), ds)
    (src / "full.dcm").unlink()
    (src / "notes.dcm").write_text("Patient: Doe, Jane. Call back on Monday.\n")
    code = main(
        ["redact", str(src), "-o", str(out), "--jobs", "1", "--report", str(report)]
        + ["--no-progress"]
    )
    assert code == 1
    files = json.loads(report.read_text())["files"]
    assert files["bare.dcm"]["status"] == "done"
    assert files["notes.dcm"] == {
        "status": "failed",
        "reason": "unreadable",
        "message": "InvalidDicomError",
        "boxes": [],
    }
    copy = pydicom.dcmread(out / "bare.dcm")
    assert copy.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert copy.PatientIdentityRemoved == "YES"
    assert copy.pixel_array.shape == (256, 256)
    assert any(box["entity_type"] for box in files["bare.dcm"]["boxes"])


def test_parallel_workers_and_console_script(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src / "x.dcm", sop="1.2.3.4.7")
    _write(src / "y.dcm", text=None, sop="1.2.3.4.8")
    proc = _run_console_script(src, out, jobs=2)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["x.dcm", "y.dcm"]


def test_workers_take_the_largest_files_first(tmp_path):
    # A long cine left for last keeps one worker busy while the others wait.
    paths = {}
    for name, frames, size in (("a", 1, 128), ("b", 6, 128), ("c", 1, 256)):
        paths[name] = tmp_path / f"{name}.dcm"
        ds = make_dataset("MONOCHROME2", 8, 8, False, frames, size, size)
        ds.save_as(paths[name], enforce_file_format=True)
    (tmp_path / "bad.dcm").write_bytes(b"not a DICOM file")
    files = [(p, p.relative_to(tmp_path)) for p in sorted(tmp_path.iterdir())]
    order = [rel.name for _, rel in largest_first(files)]
    assert order == ["b.dcm", "c.dcm", "a.dcm", "bad.dcm"]


def test_atomic_write_leaves_nothing_when_saving_fails(tmp_path):
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, 64, 64)
    del ds.file_meta  # pydicom refuses to write a file without file meta
    target = tmp_path / "out" / "x.dcm"
    with pytest.raises(AttributeError):
        write_atomic(ds, target)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_bad_config_is_a_clear_error(tmp_path, capsys):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"PixelRedaction": {"Nope": 1}}))
    assert (
        main(["redact", str(tmp_path), "-o", str(tmp_path / "o"), "--config", str(cfg)])
        == 2
    )
    assert "Nope" in capsys.readouterr().err


def test_library_warnings_never_print_header_values(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src / "x.dcm", sop="1.2.3.4.9")
    ds = pydicom.dcmread(src / "x.dcm")
    ds.InstanceNumber = "8765432"
    ds.save_as(src / "x.dcm", enforce_file_format=True)
    # An invalid IS value, which pydicom quotes in a warning when it reads it.
    raw = (src / "x.dcm").read_bytes()
    assert raw.count(b"8765432") == 1
    (src / "x.dcm").write_bytes(raw.replace(b"8765432", b"77DOE88"))
    proc = _run_console_script(src, out, jobs=1)
    assert "77DOE88" not in proc.stderr + proc.stdout


def test_bench_compares_both_systems_on_the_files_both_redact(tmp_path, capsys):
    """Presidio fails at once on a cine: the side-by-side figures also give the
    time of each system on the files both redact."""
    src = tmp_path / "in"
    _write(src / "single.dcm")
    cine = make_dataset(
        "MONOCHROME2", 8, 8, False, 3, 128, 128, ExplicitVRLittleEndian, "DOE^JANE"
    )
    cine.save_as(src / "cine.dcm", enforce_file_format=True)
    assert main(["bench", str(src), "--jobs", "1"]) == 0
    rows = {}
    for line in capsys.readouterr().out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            rows[" ".join(parts[:-2])] = parts[-2:]
    assert rows["Failures"] == ["0", "1"]  # ours, presidio
    assert rows["Files both redact"] == ["1", "1"]
    ours, presidio = (float(v) for v in rows["Sum s/file on those"])
    assert ours > 0 and presidio > 0


def test_synth_draws_in_the_fonts_asked_for(tmp_path, capsys):
    """`synth --fonts hershey`: the set records its fonts; an unknown kind is a
    usage error."""
    out = tmp_path / "set"
    assert (
        main(["synth", str(out), "--n", "2", "--seed", "3", "--fonts", "hershey"]) == 0
    )
    truth = json.loads((out / "truth.json").read_text())
    assert truth["fonts"] == "hershey" and len(truth["files"]) == 2
    assert "2 files" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["synth", str(tmp_path / "x"), "--fonts", "comic"])
    assert exc.value.code == 2


def _redact(*argv) -> int:
    return main(["redact", *map(str, argv), "--jobs", "1", "--no-progress"])


def test_inputs_inside_the_output_folder_are_refused(tmp_path, capsys):
    # Redacting a folder into itself would replace each original by its copy.
    folder = tmp_path / "o"
    _write(folder / "x.dcm")
    before = (folder / "x.dcm").read_bytes()
    assert _redact(folder, "-o", folder) == 2
    assert _redact(folder / "x.dcm", "-o", folder) == 2
    assert (folder / "x.dcm").read_bytes() == before
    assert "replace the originals" in capsys.readouterr().err


def test_an_output_folder_inside_the_input_is_not_read_again(tmp_path):
    src = tmp_path / "in"
    _write(src / "a.dcm")
    for _ in range(2):
        assert _redact(src, "-o", src / "out") == 0
    assert (src / "out" / "a.dcm").is_file()
    assert not (src / "out" / "out").exists(), "its own copies were redacted again"


def test_two_sources_for_one_output_path_are_refused(tmp_path, capsys):
    # IN1/a.dcm and IN2/a.dcm would both be written to OUT/a.dcm, one lost.
    _write(tmp_path / "i1" / "a.dcm", sop="1.2.3.4.1")
    _write(tmp_path / "i2" / "a.dcm", sop="1.2.3.4.2")
    assert _redact(tmp_path / "i1", tmp_path / "i2", "-o", tmp_path / "out") == 2
    assert "would both be written" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    # The same file given twice is one file.
    once = tmp_path / "i1" / "a.dcm"
    assert _redact(once, once, "-o", tmp_path / "out") == 0


def test_a_report_path_that_is_an_input_or_a_folder_is_refused(tmp_path, capsys):
    _write(tmp_path / "v.dcm")
    before = (tmp_path / "v.dcm").read_bytes()
    out = tmp_path / "out"
    assert _redact(tmp_path / "v.dcm", "-o", out, "--report", tmp_path / "v.dcm") == 2
    assert (tmp_path / "v.dcm").read_bytes() == before
    (tmp_path / "rdir").mkdir()
    assert _redact(tmp_path / "v.dcm", "-o", out, "--report", tmp_path / "rdir") == 2
    assert not out.exists(), "refused before any work"


def test_a_file_that_fails_on_a_second_run_loses_its_earlier_copy(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _write(src / "b.dcm")
    assert _redact(src, "-o", out) == 0 and (out / "b.dcm").is_file()
    whole = (src / "b.dcm").read_bytes()
    (src / "b.dcm").write_bytes(whole[: len(whole) // 2])  # cut in Pixel Data
    assert _redact(src, "-o", out) == 1
    assert not (out / "b.dcm").exists(), "a failed file has no copy, not an old one"


def test_copies_get_the_usual_file_mode(tmp_path):
    _write(tmp_path / "a.dcm")
    old = os.umask(0o022)
    try:
        assert _redact(tmp_path / "a.dcm", "-o", tmp_path / "out") == 0
    finally:
        os.umask(old)
    assert (tmp_path / "out" / "a.dcm").stat().st_mode & 0o777 == 0o644


def test_sigterm_stops_the_workers_and_leaves_no_temporary_file(tmp_path):
    import signal
    import time

    src = tmp_path / "in"
    for i in range(12):
        _write(src / f"f{i:02d}.dcm", sop=f"1.2.3.4.{i}")
    exe = Path(sys.executable).with_name("orthanc-redact")
    out, report = tmp_path / "out", tmp_path / "r.json"
    proc = subprocess.Popen(
        [exe, "redact", src, "-o", out, "--jobs", "2", "--no-progress"]
        + ["--report", report],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (out.is_dir() and list(out.glob("f*.dcm"))):
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)  # the CLI alone, as a service manager does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert not list(out.rglob(".partial-*")), "a temporary file was left behind"
    for copy in out.glob("*.dcm"):
        pydicom.dcmread(copy)  # each copy written is complete
    data = json.loads(report.read_text())
    assert data["summary"]["interrupted"]
    # What the report lists as done is there (a copy may be written just before
    # its worker's answer reached the CLI: there but not listed).
    listed = {rel for rel, rep in data["files"].items() if rep["status"] == "done"}
    assert listed <= {p.name for p in out.glob("*.dcm")}
    time.sleep(2)
    left = subprocess.run(
        ["pgrep", "-f", f"parent_pid={proc.pid}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert not left.stdout.strip(), "worker processes outlived the run"


def test_no_dicom_found_is_said_and_a_negative_job_count_refused(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("not an image")
    assert _redact(tmp_path / "in", "-o", tmp_path / "out") == 0
    assert "no DICOM files found" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["redact", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-j", "-1"])
    assert info.value.code == 2
