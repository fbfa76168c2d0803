"""The redaction UI in a real browser: Orthanc Explorer's additions, the review page
and the queue page, against a real Orthanc with the plugin.

A multi-frame and a single-frame instance (text burned in) share one series. From
Explorer the series is redacted as a job; the instance page shows the status and
links original and copy; the review page shows both images with the boxes, pages
through the frames, and a box drawn with the mouse ends up painted in the re-issued
copy (checked in the copy's pixels). A file with truncated Pixel Data fails, and
is retried from the queue page. Screenshots go to ``artifacts/screenshots/``.

Tests run in file order and share the uploaded instances (module fixtures).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pydicom
import pytest
import requests
from browser import (
    OUR_SCRIPTS,
    by_id,
    console_errors,
    css,
    drag,
    driver_fixture,
    screenshot,
    visible,
    wait_for,
)
from dicomgen import make_dataset
from pydicom.uid import generate_uid
from test_auto_redaction import WAIT_S, _broken_pixels, download, upload, wait_final
from test_plugin_smoke import make_dicom

FRAMES = 3
ROWS, COLS = 192, 256
# Where the reviewer draws: mid-right of frame 1, away from the burned-in text
# (top left, bottom left). The gradient of the test image makes it non-flat.
REGION = {"frame": 1, "left": 150, "top": 80, "width": 60, "height": 40}
PAGE_S = 120  # a page and its previews (rendered by the workers) on a slow machine


@dataclass
class Uploaded:
    series: str
    study: str
    multi: str
    single: str


def _bytes(ds: pydicom.Dataset) -> bytes:
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    yield from driver_fixture()


@pytest.fixture(scope="module")
def uploaded(orthanc_url: str, driver: Any) -> Uploaded:
    # "2.25." UIDs: short enough for the ".9" suffix make_dataset appends.
    study_uid, series_uid = generate_uid(None), generate_uid(None)
    multi_ds = make_dataset(
        "MONOCHROME2",
        8,
        8,
        False,
        FRAMES,
        ROWS,
        COLS,
        text="DOE^JANE",
        study_uid=study_uid,
        series_uid=series_uid,
        sop_uid=generate_uid(None),
    )
    single_ds = pydicom.dcmread(io.BytesIO(make_dicom()[0]))
    single_ds.StudyInstanceUID = study_uid
    single_ds.SeriesInstanceUID = series_uid
    single_ds.InstanceNumber = 2
    multi = upload(orthanc_url, _bytes(multi_ds))
    single = upload(orthanc_url, _bytes(single_ds))
    # Automatic redaction runs first; the Redact button then redoes it as a job.
    results = wait_final(orthanc_url, [multi, single])
    assert {r["status"] for r in results.values()} == {"done"}, results
    series = requests.get(f"{orthanc_url}/instances/{multi}/series", timeout=30)
    study = requests.get(f"{orthanc_url}/instances/{multi}/study", timeout=30)
    return Uploaded(series.json()["ID"], study.json()["ID"], multi, single)


def _status(url: str, instance: str) -> dict[str, Any]:
    r = requests.get(f"{url}/redaction/instances/{instance}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def _no_script_errors(driver: Any) -> None:
    assert console_errors(driver, OUR_SCRIPTS) == []


def _attr(driver: Any, element_id: str, name: str) -> str | None:
    found = css(driver, f"#{element_id}")
    return found[0].get_attribute(name) if found else None


def _panel_of(driver: Any, page: str, uuid: str, status: str | None = None) -> bool:
    """The redaction panel is the one of ``page`` for ``uuid`` (not the previous
    page's, still in the document for a moment) and has its status (or ``status``)."""
    found = css(driver, f'#{page} #redaction-panel[data-uuid="{uuid}"]')
    if not found:
        return False
    now = _attr(driver, "redaction-status", "data-status")
    return now == status if status else now not in (None, "loading")


def _open_explorer(
    orthanc_url: str, driver: Any, page: str, uuid: str, status: str | None = None
) -> None:
    driver.get(f"{orthanc_url}/app/explorer.html#{page}?uuid={uuid}")
    wait_for(
        driver,
        lambda d: _panel_of(d, page, uuid, status),
        PAGE_S,
        f"redaction panel of {page} {uuid} ({status or 'any status'})",
    )
    # The panel is filled before Explorer's page transition ends: its text is
    # visible (what a user reads, and what Selenium returns) a moment later on a
    # busy machine.
    wait_for(
        driver,
        lambda d: any(e.text.strip() for e in css(d, f"#{page} #redaction-status")),
        PAGE_S,
        f"redaction status of {page} {uuid} shown",
    )


# ---- Orthanc Explorer -----------------------------------------------------------------
def test_explorer_home_links_the_queue(orthanc_url: str, driver: Any) -> None:
    driver.get(f"{orthanc_url}/app/explorer.html")
    link = wait_for(
        driver, lambda d: visible(d, "redaction-home-queue"), PAGE_S, "queue link"
    )
    assert link.get_attribute("href").endswith("/redaction/ui/queue.html")
    screenshot(driver, "explorer-home")
    _no_script_errors(driver)


def _redact_and_wait_for_job(driver: Any) -> str:
    """Click Redact on a series or study page; the job's final state."""
    by_id(driver, "redaction-redact").click()
    return wait_for(
        driver,
        lambda d: (
            _attr(d, "redaction-job-progress", "data-state")
            in ("Success", "Failure", "Error")
            and _attr(d, "redaction-job-progress", "data-state")
        ),
        WAIT_S,
        "job final",
    )


def test_series_redact_button_runs_a_job_to_success(
    orthanc_url: str, driver: Any, uploaded: Uploaded
) -> None:
    # Counts of the series' originals (both redacted automatically already).
    _open_explorer(orthanc_url, driver, "series", uploaded.series, "done")
    assert "2 done" in by_id(driver, "redaction-status").text
    assert visible(driver, "redaction-redact")
    wait_for(
        driver, lambda d: visible(d, "redaction-copy-link"), 30, "redacted series link"
    )
    assert visible(driver, "redaction-queue-link")
    screenshot(driver, "explorer-series", show="#redaction-panel")

    state = _redact_and_wait_for_job(driver)
    progress = by_id(driver, "redaction-job-progress")
    assert state == "Success", progress.text
    assert "100 %" in progress.text and "2 done" in progress.text, progress.text
    job_id = progress.get_attribute("data-job")
    job = requests.get(f"{orthanc_url}/redaction/jobs/{job_id}", timeout=30).json()
    assert job["State"] == "Success" and job["Counts"] == {"done": 2}, job
    assert job["Resource"] == uploaded.series
    wait_for(
        driver,
        lambda d: _attr(d, "redaction-status", "data-status") == "done",
        PAGE_S,
        "counts after the job",
    )
    screenshot(driver, "explorer-series-job", show="#redaction-panel")
    _no_script_errors(driver)


def test_study_redact_button_runs_a_job_to_success(
    orthanc_url: str, driver: Any, uploaded: Uploaded
) -> None:
    _open_explorer(orthanc_url, driver, "study", uploaded.study, "done")
    assert "2 done" in by_id(driver, "redaction-status").text
    assert visible(driver, "redaction-redact")
    wait_for(
        driver, lambda d: visible(d, "redaction-copy-link"), 30, "redacted study link"
    )
    state = _redact_and_wait_for_job(driver)
    assert state == "Success", by_id(driver, "redaction-job-progress").text
    job_id = by_id(driver, "redaction-job-progress").get_attribute("data-job")
    job = requests.get(f"{orthanc_url}/redaction/jobs/{job_id}", timeout=30).json()
    assert job["Level"] == "study" and job["Resource"] == uploaded.study, job
    assert job["Counts"] == {"done": 2}, job
    screenshot(driver, "explorer-study-job", show="#redaction-panel")

    # The redacted study's page: copies only, a link back, no Redact button.
    copy = _status(orthanc_url, uploaded.multi)["redacted"]
    redacted_study = requests.get(
        f"{orthanc_url}/instances/{copy}/study", timeout=30
    ).json()["ID"]
    link = by_id(driver, "redaction-copy-link")
    assert link.get_attribute("href").endswith(f"#study?uuid={redacted_study}")
    link.click()
    wait_for(
        driver,
        lambda d: (
            _panel_of(d, "study", redacted_study, "copy")
            and visible(d, "redaction-original-link")
        ),
        PAGE_S,
        "redacted study page",
    )
    assert "2 redacted copies" in by_id(driver, "redaction-status").text
    assert not visible(driver, "redaction-redact")
    assert (
        by_id(driver, "redaction-original-link")
        .get_attribute("href")
        .endswith(f"#study?uuid={uploaded.study}")
    )
    _no_script_errors(driver)


def test_instance_page_shows_status_and_links_copy_and_original(
    orthanc_url: str, driver: Any, uploaded: Uploaded
) -> None:
    status = _status(orthanc_url, uploaded.multi)
    copy = status["redacted"]
    assert status["status"] == "done" and copy
    _open_explorer(orthanc_url, driver, "instance", uploaded.multi, "done")
    assert "done" in by_id(driver, "redaction-status").text
    link = wait_for(driver, lambda d: visible(d, "redaction-copy-link"), 10, "copy")
    assert link.get_attribute("href").endswith(f"#instance?uuid={copy}")
    review = by_id(driver, "redaction-review")
    assert review.get_attribute("href").endswith(
        f"/redaction/ui/review.html?instance={uploaded.multi}"
    )
    assert (
        by_id(driver, "redaction-queue-link")
        .get_attribute("href")
        .endswith("/redaction/ui/queue.html")
    )
    assert visible(driver, "redaction-redact")
    screenshot(driver, "explorer-instance", show="#redaction-panel")

    # To the copy and back: the copy's page links its original, offers no Redact.
    link.click()
    wait_for(
        driver,
        lambda d: (
            _panel_of(d, "instance", copy) and visible(d, "redaction-original-link")
        ),
        PAGE_S,
        "copy page",
    )
    # Explorer's own content follows: the copy's tags, no identity.
    copy_uid = requests.get(f"{orthanc_url}/instances/{copy}", timeout=30).json()[
        "MainDicomTags"
    ]["SOPInstanceUID"]
    wait_for(
        driver,
        lambda d: (
            copy_uid in by_id(d, "dicom-tree").text
            and "DOE" not in by_id(d, "instance-info").text
        ),
        PAGE_S,
        "Explorer shows the copy",
    )
    back = by_id(driver, "redaction-original-link")
    assert back.get_attribute("href").endswith(f"#instance?uuid={uploaded.multi}")
    assert "copy" in by_id(driver, "redaction-status").text.lower()
    assert not visible(driver, "redaction-redact")
    assert not visible(driver, "redaction-copy-link")
    screenshot(driver, "explorer-copy", show="#redaction-panel")
    back.click()
    wait_for(
        driver,
        lambda d: (
            _panel_of(d, "instance", uploaded.multi, "done")
            and visible(d, "redaction-copy-link")
            and "DOE" in by_id(d, "instance-info").text
        ),
        PAGE_S,
        "back on the original",
    )
    _no_script_errors(driver)


# ---- review page ----------------------------------------------------------------------
def _images_loaded(driver: Any, frame: int) -> bool:
    return bool(
        driver.execute_script(
            """
            const frame = String(arguments[0]);
            return ['review-original', 'review-redacted'].every((id) => {
              const img = document.getElementById(id);
              return img && !img.hidden && img.complete && img.naturalWidth > 0
                && img.dataset.frame === frame && !img.dataset.loading;
            });
            """,
            frame,
        )
    )


def _open_review(orthanc_url: str, driver: Any, instance: str) -> None:
    driver.get(f"{orthanc_url}/redaction/ui/review.html?instance={instance}")
    wait_for(driver, lambda d: _images_loaded(d, 0), PAGE_S, "both previews")
    wait_for(
        driver,
        lambda d: _attr(d, "review-status", "data-status") == "done",
        PAGE_S,
        "status",
    )


def test_review_page_shows_images_boxes_and_frames(
    orthanc_url: str, driver: Any, uploaded: Uploaded
) -> None:
    _open_review(orthanc_url, driver, uploaded.multi)
    status = _status(orthanc_url, uploaded.multi)
    natural = driver.execute_script(
        "const i = document.getElementById('review-original');"
        "return [i.naturalWidth, i.naturalHeight];"
    )
    assert natural == [COLS, ROWS]
    boxes = css(driver, "#review-original-overlay .review-box")
    assert len(boxes) >= 1
    painted = css(driver, "#review-redacted-overlay .review-box")
    assert len(painted) == sum(1 for b in status["boxes"] if b["frame"] == 0)
    entities = {b["entity_type"] for b in status["boxes"]}
    for box in boxes + painted:
        assert box.get_attribute("data-source")
        assert box.get_attribute("data-entity") in entities
    # Labels name entity types only: no text read from the image.
    page = driver.find_element("tag name", "body").text.upper()
    assert "DOE" not in page and "JANE" not in page
    download_link = by_id(driver, "review-boxes-download")
    assert download_link.get_attribute("href").endswith(
        f"/redaction/instances/{uploaded.multi}/boxes"
    )
    r = requests.get(download_link.get_attribute("href"), timeout=30)
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert r.json()["boxes"] == status["boxes"]

    label = by_id(driver, "review-frame-label")
    assert label.text == f"Frame 1 / {FRAMES}"
    assert not by_id(driver, "review-frame-prev").is_enabled()
    screenshot(driver, "review")

    by_id(driver, "review-frame-next").click()
    wait_for(driver, lambda d: _images_loaded(d, 1), PAGE_S, "frame 2")
    assert label.text == f"Frame 2 / {FRAMES}"
    by_id(driver, "review-frame-next").click()
    wait_for(driver, lambda d: _images_loaded(d, 2), PAGE_S, "frame 3")
    assert not by_id(driver, "review-frame-next").is_enabled()
    by_id(driver, "review-frame-prev").click()
    wait_for(driver, lambda d: _images_loaded(d, 1), PAGE_S, "back to frame 2")
    assert label.text == f"Frame 2 / {FRAMES}"
    assert css(driver, "#review-original-overlay .review-box")
    assert "by job:" in by_id(driver, "review-audit").text
    screenshot(driver, "review-frame2")
    _no_script_errors(driver)

    # A single frame: nothing to page through.
    _open_review(orthanc_url, driver, uploaded.single)
    assert by_id(driver, "review-frame-label").text == "Frame 1 / 1"
    assert not by_id(driver, "review-frame-prev").is_enabled()
    assert not by_id(driver, "review-frame-next").is_enabled()
    assert css(driver, "#review-original-overlay .review-box")
    screenshot(driver, "review-single")
    _no_script_errors(driver)


def _region(pixels: np.ndarray) -> np.ndarray:
    f, top, left = REGION["frame"], REGION["top"], REGION["left"]
    return pixels[f, top : top + REGION["height"], left : left + REGION["width"]]


def _overlaps(box: dict[str, Any], region: dict[str, Any]) -> bool:
    return (
        box["frame"] == region["frame"]
        and box["left"] < region["left"] + region["width"]
        and region["left"] < box["left"] + box["width"]
        and box["top"] < region["top"] + region["height"]
        and region["top"] < box["top"] + box["height"]
    )


def test_box_drawn_on_review_is_painted_in_reissued_copy(
    orthanc_url: str, driver: Any, uploaded: Uploaded
) -> None:
    before = _status(orthanc_url, uploaded.multi)
    assert not any(_overlaps(b, REGION) for b in before["boxes"]), "region is free"
    old = pydicom.dcmread(io.BytesIO(download(orthanc_url, before["redacted"])))
    assert np.ptp(_region(old.pixel_array)) > 0, "textured before the correction"

    _open_review(orthanc_url, driver, uploaded.multi)
    by_id(driver, "review-frame-next").click()
    wait_for(driver, lambda d: _images_loaded(d, 1), PAGE_S, "frame 2")

    # An engine box toggles "not PHI" and back (left as it was).
    # (Boxes are drawn anew on every change: elements are looked up again. Boxes of
    # a cine may overlap: the last one drawn lies on top, where a user clicks.)
    engine_css = '#review-original-overlay .review-box[data-kind="engine"]'
    css(driver, engine_css)[-1].click()
    assert "kept" in css(driver, engine_css)[-1].get_attribute("class")
    assert by_id(driver, "review-corrections").get_attribute("data-dirty") == "true"
    css(driver, engine_css)[-1].click()
    assert "kept" not in css(driver, engine_css)[-1].get_attribute("class")
    assert by_id(driver, "review-corrections").get_attribute("data-dirty") == "false"

    overlay = by_id(driver, "review-original-overlay")
    scale_x = overlay.rect["width"] / COLS
    scale_y = overlay.rect["height"] / ROWS
    # A little outside the region, so that rounding to image pixels still covers it.
    start = ((REGION["left"] - 1) * scale_x, (REGION["top"] - 1) * scale_y)
    end = (
        (REGION["left"] + REGION["width"] + 1) * scale_x,
        (REGION["top"] + REGION["height"] + 1) * scale_y,
    )
    drag(driver, overlay, start, end)
    drawn = wait_for(
        driver,
        lambda d: css(
            d, '#review-original-overlay .review-box[data-source="reviewer"]'
        ),
        10,
        "the drawn box",
    )
    assert len(drawn) == 1 and drawn[0].get_attribute("data-entity") == "PERSON"
    assert by_id(driver, "review-corrections").get_attribute("data-dirty") == "true"
    screenshot(driver, "review-drawn")

    by_id(driver, "review-reissue").click()
    assert _attr(driver, "review-status", "data-busy") == "true"
    wait_for(
        driver,
        lambda d: _attr(d, "review-status", "data-busy") == "false",
        WAIT_S,
        "re-issue finished",
    )
    outcome = by_id(driver, "review-status").text, by_id(driver, "review-detail").text
    assert _attr(driver, "review-status", "data-reissues") == "1", outcome
    assert _attr(driver, "review-status", "data-status") == "done", outcome
    wait_for(driver, lambda d: _images_loaded(d, 1), PAGE_S, "new previews")
    wait_for(
        driver,
        lambda d: css(
            d, '#review-redacted-overlay .review-box[data-source="reviewer"]'
        ),
        10,
        "reviewer box on the copy",
    )
    assert by_id(driver, "review-corrections").get_attribute("data-dirty") == "false"
    screenshot(driver, "review-reissued")
    _no_script_errors(driver)

    # Through REST: the corrections are stored, the new copy has the region painted.
    corrections = requests.get(
        f"{orthanc_url}/redaction/instances/{uploaded.multi}/corrections", timeout=30
    ).json()
    assert len(corrections["add"]) == 1 and corrections["keep"] == []
    added = corrections["add"][0]
    assert added["frame"] == REGION["frame"]
    assert added["left"] <= REGION["left"] and added["top"] <= REGION["top"]
    assert added["left"] + added["width"] >= REGION["left"] + REGION["width"]
    assert added["top"] + added["height"] >= REGION["top"] + REGION["height"]
    assert corrections["history"], "an audit entry"
    after = _status(orthanc_url, uploaded.multi)
    assert after["status"] == "done"
    assert any(b["source"] == "reviewer" for b in after["boxes"]), after["boxes"]
    new = pydicom.dcmread(io.BytesIO(download(orthanc_url, after["redacted"])))
    region = _region(new.pixel_array)
    assert np.ptp(region) == 0, "the reviewer's box is painted flat"
    # The other frames keep their pixels there (the box was drawn on frame 2 only).
    assert np.ptp(new.pixel_array[0, 90:110, 160:200]) > 0


# ---- queue page -----------------------------------------------------------------------
def test_queue_page_retries_a_failed_instance(
    orthanc_url: str, driver: Any, uploaded: Uploaded
) -> None:
    broken = upload(orthanc_url, _broken_pixels())
    result = wait_final(orthanc_url, [broken])[broken]
    assert result["status"] == "failed" and result["reason"], result

    # Explorer shows the failure and its reason on the instance page.
    _open_explorer(orthanc_url, driver, "instance", broken, "failed")
    assert result["reason"] in by_id(driver, "redaction-status").text
    assert not visible(driver, "redaction-copy-link")
    screenshot(driver, "explorer-failed", show="#redaction-panel")

    queue_before = requests.get(f"{orthanc_url}/redaction/queue", timeout=30).json()
    driver.get(f"{orthanc_url}/redaction/ui/queue.html")
    row_css = f'#queue-failures tr.queue-failure[data-instance="{broken}"]'
    row = wait_for(driver, lambda d: css(d, row_css), PAGE_S, "failure row")[0]
    assert result["reason"] in row.text
    assert css(driver, f'{row_css} a.queue-review[href$="instance={broken}"]')
    counts = by_id(driver, "queue-counts")
    assert counts.get_attribute("data-loaded") == "true"
    failed_before = int(counts.get_attribute("data-failed"))
    assert failed_before >= queue_before["failed"] >= 1
    time_before = row.get_attribute("data-time")
    screenshot(driver, "queue")

    css(driver, f'.queue-retry[data-instance="{broken}"]')[0].click()

    def retried(d: Any) -> bool:
        if _attr(d, "queue-updated", "data-last-retry") != broken:
            return False
        rows = css(d, row_css)
        failed = int(_attr(d, "queue-counts", "data-failed") or 0)
        return bool(rows) and (
            rows[0].get_attribute("data-time") != time_before or failed > failed_before
        )

    wait_for(driver, retried, WAIT_S, "retry recorded")
    queue_after = requests.get(f"{orthanc_url}/redaction/queue", timeout=30).json()
    assert queue_after["failed"] > queue_before["failed"]
    assert _status(orthanc_url, broken)["status"] == "failed"
    screenshot(driver, "queue-retried")
    _no_script_errors(driver)

    # Its review page: the failure and its reason, no copy to show.
    css(driver, f"{row_css} a.queue-review")[0].click()
    wait_for(
        driver,
        lambda d: _attr(d, "review-status", "data-status") == "failed",
        PAGE_S,
        "review of the failure",
    )
    assert result["reason"] in by_id(driver, "review-detail").text
    wait_for(
        driver,
        lambda d: css(d, "#review-redacted-stage .placeholder"),
        PAGE_S,
        "no copy",
    )
    screenshot(driver, "review-failed")
    _no_script_errors(driver)
