"""Synthetic set generator and evaluator: truth consistency and the metric extremes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest

from plugin.core.pixels import encode_as, read_frames
from plugin.evaluation import _header_phi, evaluate_set
from plugin.synth import generate_set, truth_path


@pytest.fixture(scope="module", params=["truetype", "hershey"])
def synth_set(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Path:
    """Four files, their text in TrueType fonts or in OpenCV's stroke fonts."""
    root = tmp_path_factory.mktemp("set")
    generate_set(root, 4, 1, fonts=request.param)
    return root


def _truth(root: Path) -> dict:
    return json.loads((root / "truth.json").read_text())


def test_truth_consistent(synth_set: Path) -> None:
    truth = _truth(synth_set)
    assert len(truth["files"]) == 4
    for meta in truth["files"]:
        ds = pydicom.dcmread(synth_set / meta["path"])
        labels = np.load(truth_path(synth_set, meta["path"]))["labels"]
        assert labels.dtype == np.uint16
        assert labels.shape == (meta["frames"], ds.Rows, ds.Columns)
        assert (
            meta["header_identity"] and str(ds.PatientName) in meta["header_identity"]
        )
        seen = set()
        for line in meta["lines"]:
            assert line["kind"] in ("header", "other_phi", "annotation")
            assert line["phi"] == (line["kind"] != "annotation")
            if line["phi"]:
                assert line["chars"], line["id"]
            for c in line["chars"]:
                assert c["label"] not in seen
                seen.add(c["label"])
                assert set(c["frames"]) <= set(line["frames"])
                l, t, w, h = c["box"]
                for f in c["frames"]:
                    ink = labels[f] == c["label"]
                    assert ink.any()
                    ys, xs = np.nonzero(ink)
                    assert (xs.min(), ys.min()) == (l, t)
                    assert (xs.max() + 1, ys.max() + 1) == (l + w, t + h)
        assert set(np.unique(labels)) - {0} == seen


def test_deterministic(synth_set: Path, tmp_path: Path) -> None:
    truth = _truth(synth_set)
    again = generate_set(tmp_path, 4, 1, fonts=truth["fonts"])
    assert again["files"] == truth["files"]


def test_font_kinds_draw_different_text(tmp_path: Path) -> None:
    """The same seed in OpenCV's fonts: the same lines, other ink."""
    a = generate_set(tmp_path / "a", 2, 5)
    b = generate_set(tmp_path / "b", 2, 5, fonts="hershey")
    assert (a["fonts"], b["fonts"]) == ("truetype", "hershey")
    for fa, fb in zip(a["files"], b["files"]):
        assert [ln["text"] for ln in fa["lines"]] == [ln["text"] for ln in fb["lines"]]
        la = np.load(truth_path(tmp_path / "a", fa["path"]))["labels"]
        lb = np.load(truth_path(tmp_path / "b", fb["path"]))["labels"]
        assert not np.array_equal(la > 0, lb > 0)


def test_untouched_copy_scores_zero(synth_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(synth_set, out)
    m = evaluate_set(synth_set, out).metrics()
    assert m["failures"] == 0
    assert m["phi_line_recall"] == 0.0
    assert m["phi_char_recall"] == 0.0
    assert m["non_phi_kept"] == 1.0
    assert m["collateral_change"] == 0.0
    assert m["header_phi_files"] == 4


def test_black_boxes_score_full_recall(synth_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for meta in _truth(synth_set)["files"]:
        ds = pydicom.dcmread(synth_set / meta["path"])
        frames = read_frames(ds).copy()
        fill = frames.min()
        for line in meta["lines"]:
            for c in line["chars"]:
                l, t, w, h = c["box"]
                for f in c["frames"]:
                    frames[f, max(0, t - 2) : t + h + 2, max(0, l - 2) : l + w + 2] = (
                        fill
                    )
        encode_as(ds, frames, "1.2.840.10008.1.2.1")
        (out / meta["path"]).parent.mkdir(parents=True, exist_ok=True)
        ds.save_as(out / meta["path"], enforce_file_format=True)
    m = evaluate_set(synth_set, out).metrics()
    assert m["phi_line_recall"] == 1.0
    assert m["phi_char_recall"] == 1.0
    assert m["non_phi_kept"] == 0.0


def test_missing_output_is_failure(synth_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(synth_set, out)
    first = _truth(synth_set)["files"][0]["path"]
    (out / first).unlink()
    m = evaluate_set(synth_set, out).metrics()
    assert m["failures"] == 1 and m["delivered"] == 3
    assert m["header_phi_files"] == 3


def test_details_list_every_missed_phi_line(synth_set: Path, tmp_path: Path) -> None:
    from plugin.evaluation import format_details

    out = tmp_path / "out"
    shutil.copytree(synth_set, out)
    result = evaluate_set(synth_set, out)
    rows = format_details(result, synth_set).splitlines()
    assert (
        sum(r.startswith("missed") for r in rows)
        == result.metrics()["phi_lines_delivered"]
    )
    assert not any(r.startswith("damaged") for r in rows)


def test_header_check_matches_whole_words_and_digits_anywhere() -> None:
    ds = pydicom.Dataset()
    ds.DeidentificationMethod = "dicomanonymizer table dicomfields_2026c"
    ds.InstitutionName = ""
    assert not _header_phi(ds, ["Field", "Ann"]), "a surname inside another word"
    ds.InstitutionName = "Field Imaging Centre"
    assert _header_phi(ds, ["Field"])
    ds.InstitutionName = ""
    ds.AcquisitionDateTime = "20250510081800"
    assert _header_phi(ds, ["20250510"]), "a birth date inside a date-time"
    ds.AcquisitionDateTime = ""
    ds.ImageComments = "MRN12345678"
    assert _header_phi(ds, ["12345678"])
