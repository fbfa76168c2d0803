"""redact_dataset end to end on generated DICOMs, with the real OCR engines."""

import dataclasses
import itertools
import json

import cv2
import numpy as np
import pytest
from dicomgen import FAKE_IDENTITY, make_dataset
from PIL import Image, ImageDraw, ImageFont
from pydicom.encaps import encapsulate, generate_frames
from pydicom.uid import (
    ExplicitVRLittleEndian,
    JPEGBaseline8Bit,
    JPEGLSLossless,
    RLELossless,
)

from plugin.core import pixels
from plugin.core.model import Box, Word
from plugin.core.pipeline import (
    Engines,
    _no_doubt,
    _read_before,
    get_engines,
    redact_dataset,
)
from plugin.core.settings import FillMode, RedactionSettings

pytestmark = pytest.mark.ocr

SETTINGS = RedactionSettings(uid_key="unit-test-key")
PHI_BOX = (20, 20, 300, 60)  # region holding the name and birth date lines
ANNOT_BOX = (400, 440, 100, 60)  # region holding "R" and "kVp 120"


def draw(frames: np.ndarray, items, value) -> np.ndarray:
    out = frames.copy()
    font = ImageFont.truetype("DejaVuSans.ttf", 16)
    for f in range(out.shape[0]):
        img = Image.new("L", out.shape[2:0:-1], 0)
        d = ImageDraw.Draw(img)
        for xy, text in items:
            d.text(xy, text, fill=255, font=font)
        mask = np.array(img) > 128
        out[f][mask] = value
    return out


def burned(
    photometric="MONOCHROME2",
    syntax=ExplicitVRLittleEndian,
    bits=8,
    frames=1,
    items=None,
):
    ds = make_dataset(photometric, bits, bits, False, frames, 512, 512, syntax)
    raw = pixels.read_frames(ds) * 0
    if raw.ndim == 4:
        raw[..., :] = 30
    items = items or [
        ((24, 24), "DOE^JANE"),
        ((24, 50), "DOB 14.02.1980"),
        ((420, 450), "R"),
        ((420, 475), "kVp 120"),
    ]
    top = (1 << bits) - 1
    raw = draw(raw, items, top)
    pixels.encode_as(
        ds, raw, syntax
    ) if syntax != ExplicitVRLittleEndian else pixels.write_frames(ds, raw)
    return ds


def region(arr, box):
    x, y, w, h = box
    return (
        arr[..., y : y + h, x : x + w]
        if arr.ndim == 3
        else arr[:, y : y + h, x : x + w]
    )


@pytest.fixture(scope="module")
def engines():
    e = get_engines(SETTINGS)
    e.warm_up()
    return e


@pytest.mark.parametrize("runtime", ["onnxruntime", "openvino"])
def test_either_runtime_paints_the_phi_and_keeps_the_annotations(runtime):
    settings = SETTINGS.replace(ocr_runtime=runtime)
    engines = get_engines(settings)
    assert f"({runtime} " in engines.versions["ocr:rapidocr"]
    ds = burned()
    before = pixels.read_frames(ds)
    result = redact_dataset(ds, settings, engines=engines)
    assert result.report.status == "done", result.report.to_dict()
    after = pixels.read_frames(result.dataset)
    assert not np.array_equal(region(before, PHI_BOX), region(after, PHI_BOX))
    assert np.array_equal(region(before, ANNOT_BOX), region(after, ANNOT_BOX))
    words = engines.ocr.read(pixels.display_frames(result.dataset, after)[0])
    text = " ".join(w.text for w in words).upper()
    assert "DOE" not in text and "JANE" not in text and "1980" not in text


@pytest.mark.parametrize(
    "photometric,syntax,bits",
    [
        ("MONOCHROME2", ExplicitVRLittleEndian, 8),
        ("MONOCHROME1", RLELossless, 16),
        ("RGB", ExplicitVRLittleEndian, 8),
        ("MONOCHROME2", JPEGBaseline8Bit, 8),
    ],
)
def test_phi_painted_annotations_kept_header_clean(engines, photometric, syntax, bits):
    ds = burned(photometric, syntax, bits)
    before = pixels.read_frames(ds)
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.to_dict()
    after = pixels.read_frames(result.dataset)
    # The PHI lines changed; the annotations did not (exactly, for lossless input).
    assert not np.array_equal(region(before, PHI_BOX), region(after, PHI_BOX))
    if syntax != JPEGBaseline8Bit:
        assert np.array_equal(region(before, ANNOT_BOX), region(after, ANNOT_BOX))
    # A fresh reading of the copy finds neither the name nor the birth date.
    words = engines.ocr.read(pixels.display_frames(result.dataset, after)[0])
    text = " ".join(w.text for w in words).upper()
    assert "DOE" not in text and "JANE" not in text and "1980" not in text
    assert "KVP" in text.replace(" ", "")
    # Header: no identity left, profile markers present.
    out = result.dataset
    assert out.PatientIdentityRemoved == "YES"
    blob = str(out).upper()
    for value in ("DOE^JANE", "MRN48213977", "19800214", "SPRINGFIELD GENERAL"):
        assert value not in blob
    codes = [c.CodeValue for c in out.DeidentificationMethodCodeSequence]
    assert "113101" in codes  # Clean Pixel Data: verified
    assert out.BurnedInAnnotation == "NO"
    if syntax in (RLELossless,):
        assert out.file_meta.TransferSyntaxUID == syntax
    if syntax == JPEGBaseline8Bit:
        assert out.LossyImageCompression == "01"


def test_multiframe_text_on_one_frame_is_found_and_painted_on_every_frame(engines):
    ds = burned(frames=3, items=[((24, 24), "DOE^JANE")])
    raw = pixels.read_frames(ds)
    font = ImageFont.truetype("DejaVuSans.ttf", 16)
    img = Image.new("L", (512, 512), 0)
    ImageDraw.Draw(img).text((200, 300), "14.02.1980", fill=255, font=font)
    raw[2][np.array(img) > 128] = 255  # birth date on the last frame only
    pixels.write_frames(ds, raw)
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done"
    dates = [b for b in result.report.boxes if b.top > 250]
    # Burned-in text stays in place through a loop: what one frame shows is painted
    # on all of them, in case the reading missed it elsewhere.
    assert {b.frame for b in dates} == {0, 1, 2}
    after = pixels.read_frames(result.dataset)
    assert after[2, 300:320, 200:300].max() < 128, "the date's strokes are gone"
    assert np.ptp(after[1, 300:320, 200:300]) == 0


def test_faint_text_of_a_noisy_cine_is_read_on_the_temporal_median(engines):
    """A name too faint to read on any frame of a noisy loop is legible on the
    median of its frames, and painted on every frame."""
    frames, rows = 12, 256
    ds = make_dataset(
        "MONOCHROME2", 8, 8, False, frames, rows, rows, ExplicitVRLittleEndian
    )
    noise = np.random.default_rng(0).normal(100, 30, (frames, rows, rows))
    img = Image.new("L", (rows, rows), 0)
    font = ImageFont.truetype("DejaVuSans.ttf", 16)
    ImageDraw.Draw(img).text((30, 100), "DOE^JANE", fill=255, font=font)
    ink = np.array(img) > 128
    noise[:, ink] += 30
    raw = np.clip(noise, 0, 255).astype(np.uint8)
    pixels.write_frames(ds, raw)
    display = pixels.display_frames(ds, raw)
    assert not engines.ocr.read(display[0]), "the name is not legible on one frame"
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.message
    after = pixels.read_frames(result.dataset)
    for f in range(frames):
        assert np.ptp(after[f][ink]) == 0, f"frame {f}: the name's pixels are flat"
    names = {(b.frame, b.entity_type) for b in result.report.boxes}
    assert {(f, "PERSON") for f in range(frames)} <= names


def test_vocabulary_judged_phi_on_a_frame_does_not_veto_the_temporal_line(engines):
    from plugin.core.phi import Finding, HeaderIdentity
    from plugin.core.pipeline import _add_static_findings

    # A date over a cine; the frames read only "2020" of it (a bare number,
    # vocabulary), judged there the start of the header's date: the median's
    # whole "2020-03-20" is still painted on every frame.
    frames = 4
    display = np.full((frames, 128, 256, 3), 90, np.uint8)
    img = Image.new("L", (256, 128), 0)
    font = ImageFont.truetype("DejaVuSans.ttf", 14)
    ImageDraw.Draw(img).text((60, 40), "2020-03-20", fill=255, font=font)
    display[:, np.array(img) > 128] = 230
    identity = HeaderIdentity([("DATE_TIME", "StudyDate", "20200320")])
    start = Word("2020", 58, 39, 38, 18, 1.0, 0, line_start=True, line_end=True)
    words = {f: [start] for f in range(frames)}

    def painted_lines(findings):
        _add_static_findings(findings, words, display, identity, engines)
        return {(f, x.word.right >= 130) for f, fs in findings.items() for x in fs}

    findings = {f: [Finding(start, "DATE_TIME", "header", 0.8)] for f in range(frames)}
    assert {(f, True) for f in range(frames)} <= painted_lines(findings)
    # Where the frames' "2020" is kept as vocabulary, the reading of the frames
    # wins over the median's blur at that place.
    assert painted_lines({}) == set()


def test_a_temporal_line_grown_along_its_ink_stops_at_the_next_line(engines):
    from plugin.core.phi import HeaderIdentity
    from plugin.core.pipeline import _add_static_findings

    # "DR 60" (ultrasound dynamic range) a few pixels after a date, on a band
    # slightly higher: the detector's boxes of the two lines overlap, and the
    # date's box, grown along the ink of the median image, must not take "DR".
    frames, font = 4, ImageFont.truetype("DejaVuSans.ttf", 14)
    display = np.full((frames, 128, 256, 3), 90, np.uint8)
    img = Image.new("L", (256, 128), 0)
    d = ImageDraw.Draw(img)
    d.text((40, 40), "2020-03-20", fill=255, font=font)
    label = 40 + int(d.textlength("2020-03-20", font=font)) + 5
    d.text((label, 33), "DR 60", fill=255, font=font)
    display[:, np.array(img) > 128] = 230
    identity = HeaderIdentity([("DATE_TIME", "StudyDate", "20200320")])
    findings: dict = {}
    _add_static_findings(
        findings, {f: [] for f in range(frames)}, display, identity, engines
    )
    for f in range(frames):
        (date,) = [x.word for x in findings[f]]
        assert date.left <= 40 and date.right < label + 6, (f, date)


def test_a_far_annotation_on_the_band_does_not_stop_a_temporal_growth():
    from plugin.core.pipeline import _within_neighbours

    own = Word("12.05.1970", 100, 10, 64, 14, 1.0, 0)
    grown = dataclasses.replace(own, left=90, width=94)
    far = Word("MI", 600, 10, 20, 14, 1.0, 1)
    label = Word("Name:", 0, 10, 40, 14, 1.0, 2)
    assert _within_neighbours(grown, own, [far, label]) == grown
    after = Word("DR", 170, 8, 24, 14, 1.0, 3)  # next on the band
    assert _within_neighbours(grown, own, [after]).right == 168


def test_two_painted_words_a_few_pixels_apart_meet():
    from plugin.core.pipeline import _closed_seams

    # "henrik." and "tanaka@example" cut on either side of the dot on one frame:
    # the column between the two boxes held the dot.
    left = Box(2, 87, 20, 65, 19, "PERSON", "ner", 0.85)
    right = Box(2, 154, 20, 79, 19, "PERSON", "ner", 0.85)
    below = Box(2, 154, 41, 40, 18, "ID", "header", 1.0)
    out = _closed_seams([left, right, below], [])
    assert out[0].left + out[0].width == right.left
    assert out[1:] == [right, below]
    # A kept word between them ("|" of a table) stays; one above, touching the
    # padded boxes ("HFS" in the corner), does not count.
    bar = Word("|", 152, 22, 2, 15, 1.0, 0)
    assert _closed_seams([left, right], [bar]) == [left, right]
    hfs = Word("HFS", 150, 1, 24, 20, 1.0, 1)
    assert _closed_seams([left, right], [hfs])[0].width == 67
    # Farther apart than the seam: a word's own padding decides.
    far = dataclasses.replace(right, left=160)
    assert _closed_seams([left, far], []) == [left, far]


def test_a_marker_letter_in_a_white_box_is_read_as_the_letter(engines):
    # A dark "L" in a white box, a glyph alone on its line: padded narrowly for
    # the recogniser it read "4" (or "日", painted as doubt); it is read again
    # padded as RapidOCR pads it.
    img = np.full((256, 256, 3), 20, np.uint8)
    cv2.rectangle(img, (100, 100), (121, 130), (255, 255, 255), -1)
    pil = Image.fromarray(img)
    font = ImageFont.truetype("DejaVuSans.ttf", 22)
    ImageDraw.Draw(pil).text((102, 98), "L", fill=(0, 0, 0), font=font)
    words = engines.ocr.read(np.array(pil))
    assert [w.text for w in words] == ["L"]


@pytest.mark.parametrize("size", [14, 16, 20])
def test_a_small_marker_box_is_read_inside_its_frame(engines, size):
    # A side marker as an MR console draws it: a small white box just wider than
    # its dark "L", over noise. With the box, the recogniser reads "■", "口" or
    # "4" (doubt, painted, or a number); inside the box, "L".
    width, height = size * 6 // 7, size + size // 2
    img = np.random.default_rng(0).integers(0, 25, (256, 256, 3)).astype(np.uint8)
    cv2.rectangle(img, (100, 100), (100 + width, 100 + height), (245, 245, 245), -1)
    pil = Image.fromarray(img)
    font = ImageFont.truetype("DejaVuSans.ttf", size)
    top = 100 + (height - size) // 2 - 1
    ImageDraw.Draw(pil).text((101, top), "L", fill=(60, 60, 60), font=font)
    words = engines.ocr.read(np.array(pil))
    assert [w.text for w in words] == ["L"]


def test_nothing_to_redact_keeps_pixel_data_byte_for_byte(engines):
    ds = burned(items=[((420, 450), "R"), ((420, 475), "kVp 120")])
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done"
    assert result.report.boxes == []
    assert result.dataset.PixelData == ds.PixelData


def test_report_carries_no_patient_text(engines):
    ds = burned()
    result = redact_dataset(ds, SETTINGS, engines=engines)
    blob = json.dumps(result.report.to_dict()).upper()
    for value in FAKE_IDENTITY.values():
        for part in value if isinstance(value, list) else [value]:
            for token in str(part).upper().replace("^", " ").split():
                if len(token) >= 4:
                    assert token not in blob
    assert {b["source"] for b in result.report.to_dict()["boxes"]} <= {
        "header",
        "ner",
        "pattern",
        "policy",
    }


class _LyingVerifier:
    """Reads the patient's name where "kVp 120" is written, and each time painted
    regions are read again, over another annotation ("R", then "L"): no painting
    and no repair round covers it, so verification must fail."""

    name, version = "lying", "0"
    places = ((418, 448), (298, 298))

    def __init__(self):
        self.reads = 0

    def read(self, image, *, known=None, regions=None):
        if regions is not None:
            return []  # the blocks of PHI read before painting: nothing new
        return [Word("DOE^JANE", 420, 475, 60, 16, 0.99, 0)]

    def read_region(self, image, region, *, line_base=0, known=None):
        x, y = self.places[min(self.reads, len(self.places) - 1)]
        self.reads += 1
        return [Word("DOE^JANE", x, y, 16, 18, 0.99, line_base)]


def test_fail_closed_when_verification_still_finds_phi(engines):
    lying = Engines.__new__(Engines)
    lying.__dict__.update(engines.__dict__)
    lying.verifier = _LyingVerifier()
    ds = burned(
        items=[
            ((24, 24), "DOE^JANE"),
            ((420, 450), "R"),
            ((420, 475), "kVp 120"),
            ((300, 300), "L"),
        ]
    )
    result = redact_dataset(ds, SETTINGS, engines=lying)
    assert result.dataset is None
    assert result.report.status == "failed"
    assert result.report.reason == "verification"
    assert result.report.verification["passed"] is False
    assert result.report.verification["repaired_boxes"] == 2


class _BlobSeeingVerifier:
    """The real verifier, which also detects the whole frame as one line of text
    and reads a glyph there (seen on the equalised image of a cine frame)."""

    def __init__(self, real):
        self.real, self.name, self.version = real, real.name, real.version

    def read(self, image, *, known=None, regions=None):
        if regions is not None:
            return []  # the blocks of PHI read before painting
        rows, cols = image.shape[:2]
        blob = Word("分", 0, 0, cols - 10, rows - 6, 0.43, 99)
        return [*self.real.read(image, known=known), blob]

    def read_region(self, image, region, *, line_base=0):
        return self.real.read_region(image, region, line_base=line_base)


def test_a_glyph_verification_reads_over_the_whole_frame_paints_nothing(engines):
    seeing = Engines.__new__(Engines)
    seeing.__dict__.update(engines.__dict__)
    seeing.verifier = _BlobSeeingVerifier(engines.verifier)
    ds = burned()
    before = pixels.read_frames(ds)
    result = redact_dataset(ds, SETTINGS, engines=seeing)
    assert result.report.status == "done", result.report.message
    after = pixels.read_frames(result.dataset)
    assert np.array_equal(region(before, ANNOT_BOX), region(after, ANNOT_BOX))
    assert all(b.width * b.height < 0.25 * 512 * 512 for b in result.report.boxes)


class _TickSeeingVerifier(_BlobSeeingVerifier):
    """The real verifier, which also reads a scale bar's end tick as "十" (the first
    reading saw nothing there)."""

    def read(self, image, *, known=None, regions=None):
        if regions is not None:
            return []  # the blocks of PHI read before painting
        tick = Word("十", 298, 288, 12, 22, 0.41, 98)
        return [*self.real.read(image, known=known), tick]


def test_a_scale_bar_tick_only_verification_reads_is_not_painted(engines):
    seeing = Engines.__new__(Engines)
    seeing.__dict__.update(engines.__dict__)
    seeing.verifier = _TickSeeingVerifier(engines.verifier)
    ds = burned()
    raw = pixels.read_frames(ds).copy()
    raw[..., 298:299, 200:304] = 255  # the bar
    raw[..., 290:308, 302:304] = 255  # its end tick
    pixels.write_frames(ds, raw)
    result = redact_dataset(ds, SETTINGS, engines=seeing)
    assert result.report.status == "done", result.report.message
    after = pixels.read_frames(result.dataset)
    bar = (196, 286, 116, 26)
    assert np.array_equal(region(raw, bar), region(after, bar))


class _BlindReader:
    """A first reading that sees nothing: what is painted, verification found."""

    name, version = "blind", "0"

    def read(self, image, *, known=None, regions=None):
        if regions is not None:
            return []  # the blocks of PHI read before painting
        return []

    def read_region(self, image, region, *, line_base=0):
        return []


class _LateStartingVerifier:
    """The real verifier, whose line boxes start two glyphs late (faint first glyphs)."""

    def __init__(self, real):
        self.real, self.name, self.version = real, real.name, real.version

    def read(self, image, *, known=None, regions=None):
        if regions is not None:
            return []  # the blocks of PHI read before painting
        return [
            dataclasses.replace(w, left=w.left + 20, width=w.width - 20)
            if w.line_start and w.width > 40
            else w
            for w in self.real.read(image, known=known)
        ]

    def read_region(self, image, region, *, line_base=0):
        return self.real.read_region(image, region, line_base=line_base)


def test_a_box_verification_adds_follows_the_ink_to_the_first_glyph(engines):
    late = Engines.__new__(Engines)
    late.__dict__.update(engines.__dict__)
    late.ocr = _BlindReader()
    late.verifier = _LateStartingVerifier(engines.verifier)
    ds = burned(items=[((24, 24), "DOE^JANE")])
    ink = pixels.read_frames(ds)[0] > 128
    result = redact_dataset(ds, SETTINGS.replace(fill=FillMode.BLACK), engines=late)
    assert result.report.status == "done", result.report.message
    after = pixels.read_frames(result.dataset)[0]
    assert result.report.verification["repaired_boxes"] >= 1
    assert not after[ink].any(), "no stroke of the name is left, the D neither"


def test_unsupported_and_missing_pixels(engines):
    ds = burned()
    del ds.PixelData
    assert redact_dataset(ds, SETTINGS, engines=engines).report.status == "skipped"
    ds = burned()
    ds.PixelData = ds.PixelData[:1000]
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert (result.report.status, result.report.reason) == ("failed", "unsupported")
    assert result.dataset is None


@pytest.mark.parametrize(
    "fill", [FillMode.BLACK, FillMode.BACKGROUND, FillMode.INPAINT]
)
def test_fills(engines, fill):
    settings = SETTINGS.replace(fill=fill, verify=False)
    ds = burned()
    result = redact_dataset(ds, settings, engines=engines)
    after = pixels.read_frames(result.dataset)
    phi = region(after, (20, 22, 120, 18))  # the rows of the name
    # The background is 0 and the text 255: the strokes are gone (inpainting may
    # pull a faint smear of a neighbouring line in, never a stroke).
    assert phi.max() < 128 and phi.mean() < 8


def test_uids_deterministic_per_key(engines):
    a = redact_dataset(burned(), SETTINGS, engines=engines).dataset
    b = redact_dataset(burned(), SETTINGS, engines=engines).dataset
    assert a.StudyInstanceUID == b.StudyInstanceUID != burned().StudyInstanceUID
    other = SETTINGS.replace(uid_key="another-key")
    c = redact_dataset(burned(), other, engines=get_engines(other)).dataset
    assert c.StudyInstanceUID != a.StudyInstanceUID


def test_detected_text_is_logged_only_when_asked(engines, caplog):
    caplog.set_level("DEBUG", logger="plugin")
    redact_dataset(burned(), SETTINGS, engines=engines)
    assert "DOE" not in caplog.text.upper()
    redact_dataset(burned(), SETTINGS.replace(log_detected_text=True), engines=engines)
    assert "DOE" in caplog.text.upper()


def test_reviewer_boxes_painted_and_keep_regions_left_alone(engines):
    """Corrections from review: a box the engine missed is painted; a region the
    reviewer declared not PHI is left as it was, also through verification."""
    ds = burned()
    before = pixels.read_frames(ds)
    name_region = Box(0, 10, 10, 200, 34, "KEEP", "reviewer", 1.0)
    added = Box(0, 410, 468, 90, 28, "PERSON", "reviewer", 1.0)  # over "kVp 120"
    result = redact_dataset(
        ds, SETTINGS, engines=engines, extra_boxes=[added], keep_regions=[name_region]
    )
    assert result.report.status == "done", result.report.message
    after = pixels.read_frames(result.dataset)
    # The DOB line is still painted; the name line is untouched.
    assert (region(after, (10, 10, 200, 34)) == region(before, (10, 10, 200, 34))).all()
    assert not (
        region(after, (20, 48, 150, 22)) == region(before, (20, 48, 150, 22))
    ).all()
    # The reviewer's box is painted over text the engine keeps ("kVp 120").
    kvp = (410, 468, 90, 28)
    assert not (region(after, kvp) == region(before, kvp)).all()
    assert np.ptp(region(after, kvp)) == 0
    assert any(b.source == "reviewer" and b.left == 410 for b in result.report.boxes)
    assert not any(
        b.frame == 0 and b.top < 40 and b.left < 200 and b.source != "reviewer"
        for b in result.report.boxes
    )


def test_boxes_of_a_cine_spread_to_frames_that_missed_them():
    from plugin.core.pipeline import _on_every_frame

    name = Box(2, 40, 10, 80, 16, "PERSON", "header", 1.0)
    date = Box(0, 40, 50, 60, 16, "DATE_TIME", "pattern", 0.9)
    nearly = Box(1, 39, 50, 61, 16, "DATE_TIME", "pattern", 0.9)
    doubt = Box(1, 200, 200, 40, 16, "UNREADABLE", "policy", 0.2)
    out = _on_every_frame([name, date, nearly, doubt], 3)
    rects = {(b.frame, b.left, b.top) for b in out}
    # Doubt (a garbage reading of moving speckle) stays on its own frame.
    assert [b.frame for b in out if b.entity_type == "UNREADABLE"] == [1]
    # The name found on frame 2 is painted on every frame.
    assert {(0, 40, 10), (1, 40, 10), (2, 40, 10)} <= rects
    # Frame 1 read the date itself, a pixel wider: frame 0's box adds nothing there.
    assert (1, 40, 50) not in rects and (1, 39, 50) in rects
    assert (0, 39, 50) not in rects


def test_a_phi_box_stops_halfway_to_a_kept_line_below():
    from plugin.core.pipeline import _clear_of_lines

    name = Word("Lakeside", 100, 0, 60, 20, 0.9)  # detector box, loose: ink ~4..15
    label = Word("Name:", 90, 14, 35, 20, 0.9)  # the next line, set close
    far = Word("kVp", 300, 14, 30, 20, 0.9)  # another column: no effect
    top, bottom = _clear_of_lines(name, -3, 23, [label, far])
    assert (top, bottom) == (-3, 17)
    assert _clear_of_lines(name, -3, 23, [far]) == (-3, 23)
    # A name read in part ("KOwA"), its box taken on to the line's end over its
    # unread rest: the kept line below that rest (a frame counter) holds it back.
    assert _clear_of_lines(name, -3, 23, [far], span=(100, 330)) == (-3, 17)


def _noisy_cine(
    frames: int, items_per_frame, seed: int = 0, shape=(160, 320)
) -> np.ndarray:
    """RGB frames of strong noise with text drawn on each: every frame differs
    everywhere, so the changed-region shortcut does not apply."""
    rng = np.random.default_rng(seed)
    rows, cols = shape
    out = np.clip(rng.normal(60, 25, (frames, rows, cols)), 0, 255).astype(np.uint8)
    font = ImageFont.truetype("DejaVuSans.ttf", 16)
    for f in range(frames):
        img = Image.new("L", (cols, rows), 0)
        d = ImageDraw.Draw(img)
        for xy, text in items_per_frame(f):
            d.text(xy, text, fill=255, font=font)
        out[f][np.array(img) > 128] = 240
    return np.repeat(out[..., None], 3, axis=3)


def test_same_content_sees_a_changed_digit_through_the_noise():
    from plugin.core.pipeline import _same_content

    def counter(k):
        return lambda f: [((20, 20), f"Fr {k}/12"), ((20, 80), "kVp 120")]

    a = _noisy_cine(1, counter(3), seed=1)[0]
    b = _noisy_cine(1, counter(3), seed=2)[0]  # same text, other noise
    c = _noisy_cine(1, counter(4), seed=3)[0]  # one digit changed
    line = (16, 16, 100, 40)
    assert _same_content(a, b, line)
    assert not _same_content(a, c, line)
    assert _same_content(a, c, (16, 76, 100, 100)), "the kVp line did not change"


def test_a_cine_reads_its_changing_counter_on_every_frame(engines):
    from plugin.core.pipeline import _read_all_frames

    display = _noisy_cine(
        5, lambda f: [((20, 20), "JANE DOE"), ((200, 20), f"Fr {f + 1}/5")]
    )
    words = _read_all_frames(engines.ocr, display)
    for f in range(5):
        text = " ".join(w.text for w in words[f]).replace(" ", "")
        assert f"{f + 1}/5" in text, (f, text)
        assert "JANEDOE" in text.upper(), (f, text)


class _Counting:
    """A real engine, with the images it was asked to read whole counted."""

    def __init__(self, engine):
        self.engine, self.whole = engine, 0

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def read(self, image, *, known=None, regions=None):
        self.whole += regions is None
        return self.engine.read(image, known=known, regions=regions)


def test_a_noisy_cine_is_detected_once_and_its_frames_read_where_text_is(engines):
    from plugin.core.pipeline import _read_all_frames

    def items(f):
        out = [((20, 20), "JANE DOE"), ((200, 20), f"Fr {f + 1}/8")]
        if f >= 5:
            out.append(((20, 120), "SMITH"))  # a name from frame 5 on
        return out

    display = _noisy_cine(8, items, shape=(320, 480))
    engine = _Counting(engines.ocr)
    words = _read_all_frames(engine, display)
    for f in range(8):
        text = " ".join(w.text for w in words[f]).replace(" ", "")
        assert f"{f + 1}/8" in text, (f, text)
        assert "JANEDOE" in text.upper(), (f, text)
        assert ("SMITH" in text.upper()) == (f >= 5), (f, text)
    # Frame 0 is read whole; the others where the loop shows text.
    assert engine.whole == 1


def test_regions_detected_together_keep_their_lines_own_boxes(engines):
    """Detected in one mosaic, each region's line keeps the box it has when the
    region is detected alone: no region of speckle reads as one block of text."""
    crops = [
        _noisy_cine(1, lambda f, item=((x, 30), text): [item], k, (90, width))[0]
        for k, (x, text, width) in enumerate(
            [(20, "JANE DOE", 200), (40, "kVp 120", 160), (10, "Fr 3/12", 300)]
        )
    ]
    for crop, boxes in zip(crops, engines.ocr._detect_mosaic(crops)):
        assert len(boxes) == 1, boxes
        ys = np.asarray(boxes[0])[:, 1]
        # 16-pixel text drawn at row 30 of a 90-pixel crop.
        assert 20 <= ys.min() <= 34 and 44 <= ys.max() <= 56, ys


def test_a_cine_with_text_all_over_its_first_frame_is_read_frame_by_frame(engines):
    from plugin.core.pipeline import _text_regions

    lines = [((10, 8 + 18 * k), f"Line {k} of the report text") for k in range(8)]
    display = _noisy_cine(6, lambda f: lines)
    first = engines.ocr.read(display[0])
    assert _text_regions(engines.ocr, display, first) is None
    few = _noisy_cine(6, lambda f: lines[:2], shape=(320, 480))
    regions = _text_regions(engines.ocr, few, engines.ocr.read(few[0]))
    assert regions is not None
    # Both lines lie inside the regions, which leave most of the frame out.
    for (x, y), _ in lines[:2]:
        assert any(rx <= x and ry <= y + 8 < ry + rh for rx, ry, rw, rh in regions), (
            regions
        )
    assert sum(w * h for _, _, w, h in regions) < 0.25 * 320 * 480


def test_verification_keeps_the_first_words_of_lines_the_painting_left_alone():
    from plugin.core.pipeline import _unchanged_words

    image = np.zeros((60, 200, 3), np.uint8)
    image[20:32, 10:60] = 200  # the line "kVp 120", read by the first pass
    kvp = [Word("kVp", 10, 18, 22, 16, 0.9, 0), Word("120", 34, 18, 28, 16, 0.9, 0)]
    painted = image.copy()
    assert _unchanged_words(painted, image, (9, 17, 62, 35), kvp) == kvp
    # A box that reaches further than the first reading's line: read it again.
    assert _unchanged_words(painted, image, (9, 17, 120, 35), kvp) is None
    # One pixel of the line changed (paint touched it): read it again.
    painted[25, 40] = 0
    assert _unchanged_words(painted, image, (9, 17, 62, 35), kvp) is None
    # Where the first reading had nothing: read it.
    assert _unchanged_words(painted, image, (100, 17, 150, 35), kvp) is None


def test_a_tail_box_stops_short_of_the_next_word_on_its_band():
    from plugin.core.pipeline import _tail_edge

    start = Word("M", 68, 46, 15, 17, 1.0)
    assert _tail_edge(start, 10, [], 1024) == 83 + 150
    te = Word("Te", 180, 44, 15, 16, 1.0)  # same band, further right
    below = Word("kVp", 100, 80, 30, 16, 1.0)  # another band: no effect
    assert _tail_edge(start, 10, [te, below], 1024) == 178
    assert _tail_edge(start, 10, [], 200) == 200


def test_a_head_box_stops_short_of_the_previous_word_on_its_band():
    from plugin.core.pipeline import _head_edge

    time = Word("15:28:00", 183, 173, 56, 15, 1.0)  # 7 pixels a character
    assert _head_edge(time, 11, [], time) == 183 - 77
    label = Word("Time", 120, 172, 30, 15, 1.0)  # same band, further left
    above = Word("Fr", 150, 150, 20, 15, 1.0)  # another band: no effect
    assert _head_edge(time, 11, [label, above], time) == 152
    early = Word("9:05", 10, 0, 28, 15, 1.0)
    assert _head_edge(early, 11, [], early) == 0


def test_a_head_box_counts_characters_at_the_width_read_on_its_line():
    """ "ral Clinic North" read where "General Clinic North" is written: "Gene"
    and a glyph more, at the line's character width (8 pixels), not the narrow
    "ral"'s (6.7), nor that of the box grown along the ink before it."""
    from plugin.core.pipeline import _head_edge

    ral = Word("ral", 382, 54, 20, 20, 1.0, line=4)
    line = [ral, Word("Clinic", 402, 54, 46, 20, 1.0, line=4)]
    line.append(Word("North", 448, 54, 46, 20, 1.0, line=4))
    assert _head_edge(ral, 5, line, ral) == 382 - 40
    grown = dataclasses.replace(ral, left=372, width=30)  # followed the ink 10 px
    assert _head_edge(grown, 5, line, ral) == 372 - 40


def test_words_another_reading_found_join_the_line_they_continue(engines):
    from plugin.core.phi import HeaderIdentity
    from plugin.core.pipeline import _judged_with

    # The first reading kept "Tel 035"; the temporal median read "753581" after it.
    first = [
        Word("Tel", 0, 222, 20, 15, 1.0, 7, line_start=True),
        Word("035", 20, 222, 26, 15, 1.0, 7, line_end=True),
    ]
    image = np.zeros((256, 256, 3), np.uint8)
    identity = HeaderIdentity([])
    number = Word("753581", 48, 222, 70, 15, 1.0, 0)
    found = _judged_with(first, [number], image, identity, engines)
    assert [f.word.text for f in found] == ["035"]
    # Far from the line (another field of the band), or on another band: no join.
    far = dataclasses.replace(number, left=150)
    assert _judged_with(first, [far], image, identity, engines) == []
    below = dataclasses.replace(number, top=240)
    assert _judged_with(first, [below], image, identity, engines) == []
    # A tall detection over anatomy ("0" read on a blob) is no line to join.
    blob = Word("0", 0, 200, 46, 50, 0.4, 7, line_start=True, line_end=True)
    assert _judged_with([blob], [number], image, identity, engines) == []


def test_a_number_verification_reads_beside_painted_phi_is_judged_on_its_line(
    engines,
):
    from plugin.core.phi import HeaderIdentity
    from plugin.core.pipeline import _judged_with

    # "Policy 7278 5344 2261 1022": the first reading stopped at "534" where the
    # number runs over darker anatomy; verification reads "1022" on the painted image.
    first = [
        Word("Policy", 573, 331, 43, 20, 1.0, 6, line_start=True),
        Word("7278", 616, 331, 36, 20, 1.0, 6),
        Word("534", 652, 331, 27, 20, 1.0, 6, line_end=True),
    ]
    image = np.zeros((400, 800, 3), np.uint8)
    identity = HeaderIdentity([])
    number = Word("1022", 723, 329, 45, 24, 1.0, 5, line_start=True, line_end=True)
    found = _judged_with(first, [number], image, identity, engines, of_extra=True)
    assert [(f.word.text, f.entity_type) for f in found] == [("1022", "ID")]
    # Its box reaches back to the PHI before it: "2261" between the two is painted.
    assert (found[0].word.left, found[0].word.right) == (679, 768)
    # Not across a word the first reading kept (a marker between the two).
    marker = Word("R", 688, 331, 10, 20, 1.0, 6)
    long_number = dataclasses.replace(number, text="22611022")
    found = _judged_with(
        [*first, marker], [long_number], image, identity, engines, of_extra=True
    )
    assert [(f.word.left, f.word.right) for f in found] == [(723, 768)]
    # A number beside a line that is no PHI stays an annotation.
    scale = [Word("Depth", 640, 331, 43, 20, 1.0, 6, line_start=True, line_end=True)]
    assert _judged_with(scale, [number], image, identity, engines, of_extra=True) == []


def test_a_box_grown_along_ink_stops_before_the_next_line_on_its_band():
    from plugin.core.pipeline import _within_neighbours

    own = Word("example.net", 100, 20, 80, 18, 0.9, line=1)
    grown = Word("example.net", 100, 20, 130, 18, 0.9, line=1)  # noise passed for ink
    counter = Word("Fr", 210, 26, 14, 12, 1.0, line=2)
    same_line = Word("x", 190, 20, 10, 18, 1.0, line=1)
    out = _within_neighbours(grown, own, [own, counter, same_line])
    assert out.right == 208 and out.clean_right and out.reach_right == 209
    assert _within_neighbours(own, own, [counter]) == own


def test_a_box_reaches_further_at_the_ends_of_a_line_than_between_words():
    from plugin.core.phi import Finding
    from plugin.core.pipeline import _boxes_from_findings

    # "Born 1963-08-17": the date ends the line, its left edge is a clean cut.
    date = Word(
        "1963-08-17",
        50,
        10,
        80,
        16,
        0.9,
        clean_left=True,
        reach_left=48,
        line_start=False,
        line_end=True,
    )
    inner = dataclasses.replace(date, line_end=False)
    (end_box,) = _boxes_from_findings(
        {0: [Finding(date, "DATE_TIME", "header", 1.0)]}, 2, (1, 100, 300)
    )
    (inner_box,) = _boxes_from_findings(
        {0: [Finding(inner, "DATE_TIME", "header", 1.0)]}, 2, (1, 100, 300)
    )
    # Past the line's end: a quarter of the text height more than between words.
    assert end_box.left + end_box.width == inner_box.left + inner_box.width + 16 // 4
    # The clean cut towards the label is unchanged.
    assert end_box.left == inner_box.left == 48


def test_coloured_text_as_bright_as_its_speckle_is_read_on_its_colour(engines):
    """A green name on grey ultrasound speckle of the same brightness: the detector
    sees nothing in brightness, the colour shows it."""
    rows = 256
    ds = make_dataset("RGB", 8, 8, False, 1, rows, rows, ExplicitVRLittleEndian)
    grey = np.random.default_rng(1).normal(88, 45, (rows, rows))
    raw = np.repeat(np.clip(grey, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    img = Image.new("L", (rows, rows), 0)
    font = ImageFont.truetype("DejaVuSans.ttf", 12)
    ImageDraw.Draw(img).text((120, 180), "jane doe", fill=255, font=font)
    ink = np.array(img) > 128
    raw[ink] = (0, 150, 0)  # luminance about 88, like the speckle
    pixels.write_frames(ds, raw[None])
    display = pixels.display_frames(ds, raw[None])[0]
    luminance = np.repeat(display.mean(axis=2, keepdims=True), 3, axis=2)
    assert not engines.ocr.read(luminance.astype(np.uint8)), "brightness shows nothing"
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.message
    names = [b for b in result.report.boxes if b.entity_type == "PERSON"]
    assert names, "the name is found"
    after = pixels.read_frames(result.dataset).reshape(raw.shape)
    green = (after[..., 1].astype(int) - after[..., 0]) > 60
    assert not green[ink].any(), "no green stroke is left"


def test_the_unread_gap_between_two_pieces_of_a_name_is_painted():
    from plugin.core.phi import Finding
    from plugin.core.pipeline import _boxes_from_findings

    # "Okafor, Ahmed" read as two lines, "0kafo" and "ed": "Ahm" was too faint.
    first = Word("0kafo", 68, 70, 78, 29, 1.0, line=0)
    rest = Word("ed", 221, 70, 24, 29, 1.0, line=1)
    findings = {
        0: [
            Finding(first, "PERSON", "pattern", 0.9),
            Finding(rest, "PHI_CONTEXT", "policy", 1.0),
        ]
    }
    boxes = _boxes_from_findings(findings, 2, (1, 200, 300), words={0: [first, rest]})
    covered = np.zeros(300, bool)
    for b in boxes:
        covered[b.left : b.left + b.width] = True
    assert covered[68:245].all(), "from the first glyph to the last, nothing is left"
    # A word read between them that is kept (an annotation) stops the bridge.
    marker = Word("R", 180, 72, 10, 25, 1.0, line=2)
    boxes = _boxes_from_findings(
        findings, 2, (1, 200, 300), words={0: [first, rest, marker]}
    )
    assert not any(b.left < 190 and 180 < b.left + b.width for b in boxes)


def test_lines_are_recognised_padded_to_their_own_width_class(engines):
    from plugin.core.ocr.rapid import _rec_width

    assert _rec_width(1.0) == 96 and _rec_width(3.5) == 192
    assert _rec_width(20.0) == 960 and _rec_width(41.0) == 2304
    image = np.zeros((300, 500, 3), np.uint8)
    img = Image.new("L", (500, 300), 0)
    font = ImageFont.truetype("DejaVuSans.ttf", 16)
    ImageDraw.Draw(img).text(
        (30, 40), "Referring physician Dr. Novak", fill=255, font=font
    )
    ImageDraw.Draw(img).text((420, 240), "R", fill=255, font=font)
    image[np.array(img) > 128] = 255
    rec = engines.ocr._engine.text_rec
    session, widths = rec.session, []

    def recording(batch):
        widths.append(batch.shape[3])
        return session(batch)

    rec.session = recording
    try:
        words = engines.ocr.read(image)
    finally:
        rec.session = session
    texts = [w.text for w in words]
    assert "R" in texts and "Novak" in texts, texts
    # The lone "R" is not padded to RapidOCR's 320 pixels; the setting is restored.
    assert min(widths) == 96 and len(widths) == 2
    assert rec.rec_image_shape == [3, 48, 320]


def test_the_verifier_runs_the_readers_models_with_thresholds_of_its_own(engines):
    """One compiled copy of each model per process (memory, start-up time), while
    verification keeps its lower box threshold."""
    det, vdet = engines.ocr._engine.text_det, engines.verifier._engine.text_det
    assert vdet.session is det.session
    assert (
        engines.verifier._engine.text_rec.session
        is engines.ocr._engine.text_rec.session
    )
    assert (det.postprocess_op.box_thresh, vdet.postprocess_op.box_thresh) == (0.5, 0.4)
    image = np.zeros((120, 400, 3), np.uint8)
    img = Image.new("L", (400, 120), 0)
    font = ImageFont.truetype("DejaVuSans.ttf", 16)
    ImageDraw.Draw(img).text((20, 40), "Operator Dr. Novak", fill=255, font=font)
    image[np.array(img) > 128] = 255
    assert "Novak" in [w.text for w in engines.verifier.read(image)]
    assert "Novak" in [w.text for w in engines.ocr.read(image)]


def test_colour_lines_are_text_not_rulers_or_colour_maps():
    from plugin.core.ocr.rapid import (
        _CHROMA_MIN,
        _CHROMA_SPARSE,
        _chroma,
        _colour_lines,
    )

    image = np.full((200, 300, 3), 90, np.uint8)
    image[150:152, 20:120] = (0, 200, 0)  # a green ruler: a bar with ticks on it
    for x in range(20, 121, 10):
        image[144:150, x : x + 2] = (0, 200, 0)
    img = Image.new("L", (300, 200), 0)
    font = ImageFont.truetype("DejaVuSans.ttf", 14)
    ImageDraw.Draw(img).text((150, 40), "jane doe", fill=255, font=font)
    image[np.array(img) > 128] = (0, 200, 0)
    chroma = _chroma(image)
    regions = _colour_lines(chroma > _CHROMA_MIN, [])
    assert len(regions) == 1
    left, top, width, height = regions[0]
    assert left <= 150 and top <= 42 and left + width >= 210 and top + height >= 52
    assert chroma[45, 5] == 0, "grey is black on the colour image"
    # Words read already cover their colour; a colour map is read by brightness
    # (and its green channel), not as lines of colour; a grey image has no colour.
    words = [Word("jane doe", 148, 38, 66, 20, 1.0)]
    assert _colour_lines(chroma > _CHROMA_MIN, words) == []
    # Bold letters touching one another are one piece of colour, still a line;
    # a bar of colour and a blob of colour flow are not.
    bold = Image.new("L", (300, 200), 0)
    ImageDraw.Draw(bold).text((40, 90), "Brennan,", fill=255, font=font)
    glued = cv2.dilate((np.array(bold) > 128).astype(np.uint8), np.ones((1, 3)))
    assert cv2.connectedComponents(glued)[0] - 1 < 3
    assert len(_colour_lines(glued > 0, [])) == 1
    bar = np.zeros((200, 300), bool)
    bar[90:104, 40:110] = True
    blob = np.zeros((200, 300), np.uint8)
    cv2.ellipse(blob, (150, 100), (26, 16), 20, 0, 360, 1, -1)
    assert _colour_lines(bar, []) == [] and _colour_lines(blob > 0, []) == []
    rainbow = np.random.default_rng(0).integers(0, 255, (200, 300, 3), np.uint8)
    assert (_chroma(rainbow) > _CHROMA_MIN).mean() > _CHROMA_SPARSE
    assert _chroma(np.repeat(image[..., :1], 3, axis=2)) is None


def test_yellow_text_on_a_hot_iron_colour_map_is_read(engines):
    """Yellow on a red-to-yellow map of noise: brightness alone does not separate
    them, the green channel does."""
    rng = np.random.default_rng(2)
    v = rng.normal(100, 35, (200, 300)).astype(np.float32)
    image = np.stack(
        [
            np.clip(3 * v, 0, 255),
            np.clip(3 * v - 255, 0, 255),
            np.clip(3 * v - 510, 0, 255),
        ],
        axis=-1,
    ).astype(np.uint8)
    img = Image.new("L", (300, 200), 0)
    font = ImageFont.truetype("DejaVuSans.ttf", 12)
    ImageDraw.Draw(img).text((40, 90), "OKAFOR, ANNA", fill=255, font=font)
    ink = np.array(img) > 128
    image[ink] = (255, 255, 0)
    words = [w for w in engines.ocr.read(image) if 80 <= w.top <= 100]
    covered = np.zeros(300, bool)
    for w in words:
        covered[w.left : w.right] = True
    columns = np.nonzero(ink.any(axis=0))[0]
    assert covered[columns].mean() > 0.9, "the name's columns are all in words"


def test_vertical_text_is_read_either_way_up_and_painted_whole(engines):
    """A name written bottom to top and an institution written top to bottom down
    the image's sides are painted over their whole length; a vertical view label
    and the "L" just below the name are kept."""
    rows = 512
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, rows, rows, ExplicitVRLittleEndian)
    raw = np.full((rows, rows), 30, np.uint8)
    font = ImageFont.truetype("DejaVuSans.ttf", 14)
    masks = {}
    for key, text, xy, turn in (
        ("name", "JANE DOE", (470, 150), 90),  # bottom to top
        ("place", "Springfield General Hospital", (20, 120), -90),  # top to bottom
        ("view", "AP VIEW", (440, 300), 90),
        ("side", "L", (474, 244), 0),
    ):
        tile = Image.new("L", (font.getbbox(text)[2] + 4, 20), 0)
        ImageDraw.Draw(tile).text((2, 2), text, fill=255, font=font)
        tile = np.array(tile.rotate(turn, expand=True)) > 128
        mask = np.zeros((rows, rows), bool)
        mask[xy[1] : xy[1] + tile.shape[0], xy[0] : xy[0] + tile.shape[1]] = tile
        raw[mask] = 230
        masks[key] = mask
    pixels.write_frames(ds, raw[None])
    words = engines.ocr.read(pixels.display_frames(ds, raw[None])[0])
    vertical = {w.text.strip(): w for w in words if w.vertical}
    assert "JANE DOE" in vertical and "AP VIEW" in vertical, [w.text for w in words]
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.message
    after = pixels.read_frames(result.dataset).reshape(raw.shape)
    for key in ("name", "place"):
        assert (after[masks[key]] != 230).all(), f"every stroke of the {key} painted"
    for key in ("view", "side"):
        assert (after[masks[key]] == 230).all(), f"the {key} label kept"


def test_a_vertical_word_paints_no_bridge_to_a_word_across_the_image():
    from plugin.core.phi import Finding
    from plugin.core.pipeline import _boxes_from_findings

    tall = Word("JANE DOE", 470, 100, 20, 100, 0.99, line=0, vertical=True)
    name = Word("Doe", 200, 150, 40, 16, 0.99, line=1)
    boxes = _boxes_from_findings(
        {
            0: [
                Finding(tall, "PERSON", "header", 1.0),
                Finding(name, "PERSON", "header", 1.0),
            ]
        },
        2,
        (1, 512, 512),
    )
    assert len(boxes) == 2
    (box,) = [b for b in boxes if b.left > 400]
    # Padded along its length as a line's ends are, across as a line's height is.
    assert box.top < 100 and box.top + box.height > 200
    assert 465 <= box.left < 470 and 490 < box.left + box.width <= 495
    # Unread characters of the value grow it along the line, at both ends.
    (tailed,) = _boxes_from_findings(
        {0: [Finding(tall, "PERSON", "header", 1.0, tail_chars=5)]}, 2, (1, 512, 512)
    )
    assert tailed.top < box.top - 50 and tailed.top + tailed.height > 260


def test_a_label_read_glued_to_its_value_is_no_gap_to_bridge():
    """Vendor seed 9, OPT/026: "1975-01-11  ID:99037393" on one band, the ID read
    glued to its label and split off. The gap between the date and the ID value
    holds the label "ID:", read: no bridge is painted over it. With nothing read
    in the gap (glyphs too faint for the detector), the bridge stays."""
    from plugin.core.phi import Finding
    from plugin.core.pipeline import _boxes_from_findings

    date = Word("1975-01-11", 194, 891, 109, 19, 0.99, line=0)
    glued = Word("ID:99037393", 328, 890, 132, 22, 0.99, line=1)
    value = dataclasses.replace(glued, text="99037393", left=362, width=98)
    findings = {
        0: [
            Finding(date, "DATE_TIME", "header", 1.0),
            Finding(value, "ID", "header", 1.0),
        ]
    }
    boxes = _boxes_from_findings(findings, 2, (1, 1000, 1000), words={0: [date, glued]})
    assert len(boxes) == 2
    assert all(b.left >= 355 or b.left + b.width <= 320 for b in boxes)
    bridged = _boxes_from_findings(findings, 2, (1, 1000, 1000), words={0: [date]})
    assert len(bridged) == 3


def test_a_lone_letter_is_no_tick():
    """A letter left at a box's edge ("J" of a name) stays doubt; "十" is a tick."""
    from plugin.core.pipeline import _lone_glyph

    assert _lone_glyph(Word("十", 0, 0, 12, 22, 0.4))
    assert not _lone_glyph(Word("J", 0, 0, 7, 12, 0.4))
    assert not _lone_glyph(Word("十", 0, 0, 30, 22, 0.4))  # wider than high


def test_a_place_the_first_reading_read_in_pieces_is_no_doubt_for_verification():
    # "44 Y M" read as three words first, as one by the verifier: read before.
    firsts = [Word("44", 100, 10, 15, 14, 1.0), Word("Y", 117, 10, 11, 14, 1.0)]
    firsts.append(Word("M", 130, 10, 12, 14, 1.0))
    assert _read_before(Word("44YM", 98, 8, 46, 18, 0.4), firsts)
    # Text beside them that the first reading did not see is doubt.
    assert not _read_before(Word("Okafor", 150, 8, 50, 18, 0.4), firsts)


def test_words_the_first_reading_half_saw_are_still_doubt():
    # "Fr" and "12" read first under a verifier word "Fr12Okafor": "Okafor" was
    # never read, however the first words' areas add up.
    firsts = [Word("Fr", 0, 0, 25, 14, 1.0), Word("12", 0, 0, 25, 14, 1.0)]
    assert not _read_before(Word("Fr12Okafor", 0, 0, 90, 14, 0.4), firsts)


class _FixedVerifier:
    """A verifier that reads ``words`` on the whole image, nothing in a region."""

    name, version = "fixed", "0"

    def __init__(self, words):
        self.words = words

    def read(self, image, *, known=None, regions=None):
        if regions is not None:
            return []  # the blocks of PHI read before painting
        return list(self.words)

    def read_region(self, image, region, *, line_base=0):
        return []


@pytest.mark.parametrize("with_doubt", [True, False])
def test_a_number_beside_a_word_only_verification_could_not_read_is_doubt(
    engines, with_doubt
):
    # "196 Oak Avenue," that the first reading never detected; verification reads
    # "196" and "Oal": the house number goes with the word it could not read.
    line = [Word("196", 160, 24, 29, 21, 1.0, 97)]
    if with_doubt:
        line.append(Word("Oal", 190, 24, 23, 21, 1.0, 97))
    blind = Engines.__new__(Engines)
    blind.__dict__.update(engines.__dict__)
    blind.ocr = _BlindReader()
    blind.verifier = _FixedVerifier(line)
    result = redact_dataset(burned(), SETTINGS, engines=blind)
    assert result.report.status == "done", result.report.message
    painted = {(b.left < 175 < b.left + b.width) for b in result.report.boxes}
    # A number alone on such a line is an annotation (a depth mark), kept.
    assert (True in painted) is with_doubt


def test_a_measurement_beside_a_misread_word_only_verification_read_is_kept(engines):
    # A caliper's result only verification read, "Dist" misread "Dlst": the
    # measurement is no house number.
    blind = Engines.__new__(Engines)
    blind.__dict__.update(engines.__dict__)
    blind.ocr = _BlindReader()
    blind.verifier = _FixedVerifier(
        [
            Word("Dlst", 160, 300, 30, 21, 1.0, 97),
            Word("2.31", 196, 300, 32, 21, 1.0, 97),
            Word("cm", 232, 300, 20, 21, 1.0, 97),
        ]
    )
    result = redact_dataset(burned(), SETTINGS, engines=blind)
    assert result.report.status == "done", result.report.message
    assert not [b for b in result.report.boxes if b.left < 212 < b.left + b.width]


def test_a_box_stops_in_the_gap_before_an_overlapping_line():
    # "20020428" and "Age: 21" read as two lines whose loose boxes overlap: the
    # date's box ends in the ink gap between the two, not over the "A" of "Age:".
    from plugin.core.phi import Finding
    from plugin.core.pipeline import _boxes_from_findings

    image = np.zeros((1, 40, 160, 3), np.uint8)
    for left, right in ((4, 56), (71, 98), (104, 118)):  # date, "Age:", "21"
        for x in range(left, right - 1, 4):
            image[0, 12:24, x : x + 2] = 220  # a glyph's stems
    date = Word("20020428", 2, 9, 68, 17, 1.0, 0, line_start=True, line_end=True)
    age = Word("Age:", 66, 8, 34, 19, 1.0, 1, line_start=True)
    value = Word("21", 100, 8, 20, 19, 1.0, 1, line_end=True)
    findings = {0: [Finding(date, "DATE_TIME", "header", 1.0)]}
    (box,) = _boxes_from_findings(
        findings, 4, image.shape, display=image, words={0: [date, age, value]}
    )
    assert box.left + box.width <= 71  # "Age:" untouched
    assert box.left + box.width >= 56  # the date whole


def test_a_box_is_not_cut_before_a_blob_of_anatomy():
    # "NGUYE" of NGUYEN^LI read, "N^LI" not, over a speckle blob detected as "福":
    # the name's box goes on over its unread tail, the blob is no line of text.
    from plugin.core.phi import Finding
    from plugin.core.pipeline import _boxes_from_findings

    image = np.zeros((1, 220, 260, 3), np.uint8)
    for x in range(72, 132, 4):
        image[0, 146:155, x : x + 2] = 220  # NGUYEN^LI
    image[0, 150:190, 100:156] = 120  # the blob under its end
    name = Word("NGUYE", 72, 143, 33, 13, 1.0, 0, line_start=True, line_end=True)
    blob = Word("福", 100, 144, 57, 49, 0.66, 1)
    findings = {0: [Finding(name, "PERSON", "header", 0.9, tail_chars=4)]}
    (box,) = _boxes_from_findings(
        findings, 4, image.shape, display=image, words={0: [name, blob]}
    )
    assert box.left + box.width >= 130  # over "N^LI" too


def test_the_unread_start_of_a_name_after_its_label_is_painted():
    # "Name: kwame haddad" in a thin font, "kwame" read as "ne": the box of "ne"
    # grows along the ink over the unread "kwa" up to the label's box, though a
    # gap wider than the label's space lies inside the name.
    from plugin.core.phi import Finding
    from plugin.core.pipeline import _boxes_from_findings

    image = np.zeros((1, 80, 900, 3), np.uint8)
    for left, right in ((572, 676), (683, 705), (716, 750), (756, 800)):
        for x in range(left, right - 1, 4):
            image[0, 20:50, x : x + 2] = 220
    label = Word("Name:", 570, 16, 108, 40, 1.0, 0, line_start=True)
    ne = Word("ne", 754, 16, 48, 39, 0.62, 1, line_start=True)
    findings = {0: [Finding(ne, "PHI_CONTEXT", "policy", 0.62)]}
    (box,) = _boxes_from_findings(
        findings, 4, image.shape, display=image, words={0: [label, ne]}
    )
    assert box.left <= 683  # "kwa" painted
    assert box.left >= 676  # "Name:" kept


def test_small_text_on_a_large_radiograph_is_found(engines):
    # 13-pixel text in the corner of a 2,400 x 3,000 radiograph: the detector,
    # given the whole image, saw none of it (the copy passed as anonymized with
    # every line still there). Detected in tiles, every PHI line is painted and
    # the exposure line kept.
    rows, cols, size = 3000, 2400, 13
    ds = make_dataset("MONOCHROME2", 16, 12, False, 1, rows, cols)
    rng = np.random.default_rng(0)
    raw = rng.normal(800, 60, (1, rows, cols)).clip(0, 4095).astype(np.uint16)
    font = ImageFont.truetype("DejaVuSans.ttf", size)
    lines = ["DOE^JANE^Q", "ID MRN48213977", "DOB 14.02.1980", "kVp 28 mAs 120"]
    img = Image.new("L", (cols, rows), 0)
    d = ImageDraw.Draw(img)
    spans = []
    for k, text in enumerate(lines):
        x, y = cols - 20 * size, 60 + 2 * size * k
        d.text((x, y), text, fill=255, font=font)
        spans.append((x, y, x + int(d.textlength(text, font=font)), y + size))
    raw[0][np.array(img) > 128] = 4095
    pixels.write_frames(ds, raw)
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.message

    def painted(span):
        x0, y0, x1, y1 = span
        return [
            b
            for b in result.report.boxes
            if b.left < x1 and b.left + b.width > x0 and b.top < y1
            if b.top + b.height > y0
        ]

    name, pid, dob, exposure = spans
    for span in (name, pid, dob):
        assert painted(span), span
    # The ID's and the birth date's values are painted to their ends.
    for span in (pid, dob):
        assert max(b.left + b.width for b in painted(span)) >= span[2]
    assert not painted(exposure)


def test_a_scanned_letters_sloping_lines_are_read_line_by_line(engines):
    # A letter scanned a degree askew, large enough to be detected in tiles.
    # The two tiles' boxes of a line were joined into the rectangle square to
    # the image around it, which took in the lines above and below: the
    # recogniser read garbage, and whole sentences were painted as doubt.
    rows, cols = 1500, 1100
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, rows, cols)
    ds.PatientName = "Halvorsen^Ingrid"
    font = ImageFont.truetype("DejaVuSerif.ttf", 18)
    lines = [
        (
            "Past history includes hypertension and type 2 diabetes, well controlled on"
            " metformin, no allergy."
        ),
        (
            "Thank you for seeing Mrs Halvorsen, who presents with shortness of breath"
            " and pain in the chest."
        ),
        (
            "I would be grateful for your opinion and for imaging as you see fit. Please"
            " send the report."
        ),
    ]
    img = Image.new("L", (cols, rows), 245)
    d = ImageDraw.Draw(img)
    for k, text in enumerate(lines):
        d.text((70, 440 + 28 * k), text, fill=20, font=font)
    img = img.rotate(1.0, resample=Image.BICUBIC, fillcolor=245)
    pixels.write_frames(ds, np.asarray(img)[None])
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.message
    boxes = [b for b in result.report.boxes if 400 < b.top + b.height // 2 < 560]
    # The name is painted, on its line only (the slope lifts a line's right end
    # 16 pixels): the sentences around it are read and kept.
    assert {b.entity_type for b in boxes} == {"PERSON"}, boxes
    assert all(b.height < 40 and 440 < b.top + b.height // 2 < 500 for b in boxes)


def test_tiles_cover_an_image_with_overlap():
    from plugin.core.ocr.rapid import _TILE, _TILE_OVERLAP, _tiles

    assert _tiles((900, 1000)) == [(0, 0)]
    corners = _tiles((1500, 3000))
    xs, ys = sorted({x for x, _ in corners}), sorted({y for _, y in corners})
    assert xs[0] == ys[0] == 0
    assert xs[-1] + _TILE == 3000 and ys[-1] + _TILE == 1500
    assert all(b - a <= _TILE - _TILE_OVERLAP for a, b in itertools.pairwise(xs))
    assert len(corners) == len(xs) * len(ys)


def test_a_line_cut_by_a_tile_edge_is_one_box():
    from plugin.core.ocr.rapid import _merged_tiles

    def quad(x0, y0, x1, y1):
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)

    found = [
        (quad(700, 100, 1024, 120), 0),  # "Springfield Gen" where tile 0 ends
        (quad(768, 101, 1100, 121), 1),  # "Springfield General Hospital"
        (quad(900, 300, 950, 320), 0),  # "R", seen by both tiles
        (quad(901, 300, 950, 319), 1),
        (quad(600, 100, 680, 120), 0),  # "Name:" on the same band, apart
        (quad(200, 100, 260, 120), 0),  # another word of tile 0 ...
        (quad(262, 100, 300, 120), 0),  # ... touching its neighbour: not joined
        # A panoramic film: tile 2 reads "Mr. ROMANO SALVATORE" whole; tile 1 ends
        # on its first letters, and tiles 1 and 3 take the anatomy for one
        # tile-sized "line", overlapping the cut piece. The name stays apart.
        (quad(1759, 9, 1995, 37), 2),
        (quad(1756, 6, 1791, 39), 1),
        (quad(768, 0, 1791, 983), 1),
        (quad(768, 21, 1791, 981), 3),
    ]
    boxes = [tuple(b.min(axis=0)) + tuple(b.max(axis=0)) for b in _merged_tiles(found)]
    assert boxes == [
        (768, 0, 1791, 983),
        (1756, 6, 1995, 39),
        (200, 100, 260, 120),
        (262, 100, 300, 120),
        (600, 100, 680, 120),
        (700, 100, 1100, 121),
        (900, 300, 950, 320),
    ]


def _film_with_small_corner_text(text: str) -> np.ndarray:
    """A 1,200 x 1,600 film: anatomy-like grey, and 8-pixel-high text on a dark
    plate in its lower left corner (vendor seed 9's intraoral film)."""
    rng = np.random.default_rng(5)
    image = np.clip(rng.normal(60, 6, (1200, 1600)), 0, 255).astype(np.uint8)
    cv2.ellipse(image, (800, 500), (420, 260), 0, 0, 360, 170, -1)
    image[1140:1162, 4:110] = 35
    img = Image.fromarray(image)
    ImageDraw.Draw(img).text(
        (8, 1144), text, fill=225, font=ImageFont.truetype("DejaVuSans.ttf", 10)
    )
    return cv2.cvtColor(np.array(img), cv2.COLOR_GRAY2RGB)


def test_small_corner_text_of_a_large_film_is_read(engines):
    image = _film_with_small_corner_text("VAN DIJK, Faith")
    ink = np.nonzero((image[1140:1162, :200, 0] > 150).any(axis=0))[0]
    words = [w for w in engines.ocr.read(image) if w.top > 1100 and w.left < 200]
    assert words, "8-pixel text on a 1,600-pixel film"
    left = min(w.left for w in words)
    right = max(w.left + w.width for w in words)
    assert left <= ink[0] and right >= ink[-1], "the whole line, not a piece of it"
    assert len({(w.left, w.text) for w in words}) == len(words) <= 3, "read once"


@pytest.mark.parametrize("shape", [(512, 512, 3), (300, 700, 3), (1024, 768, 3)])
def test_the_detector_input_is_rapidocrs_normalisation(shape):
    # OpenCV makes the detector's input tensor; it must hold RapidOCR's values:
    # (pixel / 255 - mean) / std per channel, channels first, resized as RapidOCR
    # resizes.
    from plugin.core.ocr import rapid

    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    make = rapid._det_input_class()(736, "min", mean, std)
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    resized = make.resize(image)
    expected = ((resized / 255.0 - mean) / std).transpose(2, 0, 1)[None]
    got = make(image)
    assert got.dtype == np.float32 and got.shape == expected.shape
    assert min(got.shape[2:]) >= 736
    assert np.abs(got - expected).max() < 1e-5


def test_anatomy_verification_alone_detects_is_judged_by_the_first_readings_text():
    # A noisy 256-pixel angiogram (synth seed 241, XA/002): verification, on the
    # equalised frame, detected one region of anatomy, read "本", and nothing else.
    # Painted as doubt, it covered 60 % of the frame and the annotations in it.
    blob = Word("本", 78, 15, 156, 121, 0.44, 0)
    firsts = [
        Word(t, x, y, 8 * len(t), 13, 0.95, k)
        for k, (t, x, y) in enumerate(
            [("kVp", 3, 223), ("80", 30, 223), ("PA", 243, 213), ("LAO", 221, 59)]
        )
    ]
    assert _no_doubt(blob, [blob], firsts, plain_line=False)
    # With no text to compare it with, it stays doubt (fail closed) ...
    assert not _no_doubt(blob, [blob], [], plain_line=False)
    # ... and so does a line of text of the frame's height only verification read.
    unread = Word("Xq7#", 40, 100, 40, 13, 0.4, 9)
    assert not _no_doubt(unread, [unread], firsts, plain_line=False)
    # A label read with a letter as a digit ("DOB" read "Do8") is a label.
    label = Word("Do8", 173, 1, 24, 13, 0.6, 9)
    assert _no_doubt(label, [label], firsts, plain_line=False)


def _twelve_bits(syntax=ExplicitVRLittleEndian):
    """A 12-bit image in 16-bit words: noise in its stored bits and, embedded in
    bit 12 as retired overlays were (group 6000 without Overlay Data), a name."""
    ds = make_dataset("MONOCHROME2", 16, 12, False, 1, 256, 256)
    rng = np.random.default_rng(7)
    low = rng.integers(1800, 2200, size=(1, 256, 256)).astype(np.uint16)
    hidden = draw(np.zeros_like(low), [((20, 20), "DOE^JANE")], 1)
    ds.PixelData = (low | (hidden << 12)).astype("<u2").tobytes()
    ds.add_new(0x60000010, "US", 256)
    ds.add_new(0x60000011, "US", 256)
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 12)
    ds.BitsStored, ds.HighBit = 12, 11
    return ds, low


def test_bits_above_bits_stored_are_cleared_in_the_copy(engines):
    ds, low = _twelve_bits()
    assert pixels.unused_bits_hold_data(ds)
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.to_dict()
    out = result.dataset
    raw = np.frombuffer(out.PixelData, "<u2")
    # The overlay's bit is gone from the copy, the image's own bits are as they were.
    assert not (raw >> 12).any()
    assert np.array_equal(raw.reshape(low.shape), low)
    assert result.report.pixels_changed
    assert not [e for e in out if 0x6000 <= e.tag.group <= 0x601E]


def test_clean_unused_bits_leave_pixel_data_as_it_was(engines):
    ds, low = _twelve_bits()
    ds.PixelData = low.astype("<u2").tobytes()
    assert not pixels.unused_bits_hold_data(ds)
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done" and not result.report.boxes
    assert result.dataset.PixelData == ds.PixelData


def test_a_codestream_with_more_bits_than_stored_is_read_in_its_stored_bits(engines):
    # A JPEG-LS frame of 16 bits for 12 stored: noise in the top bits, the name in
    # the stored ones. Read as stored (as DCMTK shows it), the name is painted.
    ds = burned(bits=16)
    frames = pixels.read_frames(ds)
    rng = np.random.default_rng(3)
    noisy = frames | (rng.integers(0, 16, size=frames.shape).astype(np.uint16) << 12)
    encoded = make_dataset("MONOCHROME2", 16, 16, False, 1, 512, 512)
    pixels.encode_as(encoded, noisy, JPEGLSLossless)
    ds.file_meta.TransferSyntaxUID = JPEGLSLossless
    ds.PixelData = encoded.PixelData
    ds.BitsStored, ds.HighBit = 12, 11
    assert np.array_equal(pixels.read_frames(ds), frames & 0x0FFF)
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.to_dict()
    after = pixels.read_frames(result.dataset)
    assert not np.array_equal(region(frames & 0x0FFF, PHI_BOX), region(after, PHI_BOX))
    words = engines.ocr.read(pixels.display_frames(result.dataset, after)[0])
    assert "DOE" not in " ".join(w.text for w in words).upper()


@pytest.mark.parametrize("marker", [0xFE, 0xE1])
def test_a_name_beside_a_jpeg_image_never_reaches_the_copy(engines, marker):
    # Nothing to paint in the picture; the name sits in a comment or an Exif
    # segment of the codestream. The copy's frames are written again without it.
    ds = burned(syntax=JPEGBaseline8Bit, items=[((400, 440), "kVp 120")])
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    text = b"Exif\x00\x00DOE^JANE" if marker == 0xE1 else b"DOE^JANE"
    segment = bytes([0xFF, marker]) + (len(text) + 2).to_bytes(2, "big") + text
    ds.PixelData = encapsulate([frame[:2] + segment + frame[2:]])
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done", result.report.to_dict()
    assert b"DOE^JANE" not in result.dataset.PixelData
    assert result.report.pixels_changed


def test_phi_a_reviewer_keeps_voids_the_clean_pixels_claim(engines):
    # A keep region over the name: the reviewer's decision stands (nothing painted
    # there), but the copy no longer claims its pixels are clean.
    ds = burned()
    whole = Box(0, 0, 0, 512, 512, entity_type="KEEP", source="reviewer", score=1.0)
    kept = redact_dataset(ds, SETTINGS, engines=engines, keep_regions=[whole])
    assert kept.report.status == "done", kept.report.to_dict()
    assert kept.report.verification["phi_in_kept_regions"] >= 1
    codes = [i.CodeValue for i in kept.dataset.DeidentificationMethodCodeSequence]
    assert "113101" not in codes and kept.dataset.BurnedInAnnotation == "YES"
    plain = redact_dataset(burned(), SETTINGS, engines=engines)
    codes = [i.CodeValue for i in plain.dataset.DeidentificationMethodCodeSequence]
    assert "113101" in codes and plain.dataset.BurnedInAnnotation == "NO"


def test_a_text_free_image_is_left_as_it_was(engines):
    # A gradient with a round blob of "anatomy": verification's equalised reading
    # saw an "o" over the whole frame and painted it all as unreadable text.
    rng = np.random.default_rng(21)
    img = np.linspace(30, 90, 128)[:, None] + np.linspace(0, 20, 256)[None, :]
    img = img + rng.normal(0, 2, (128, 256))
    cv2.circle(img, (128, 85), 25, 140, -1)
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, 128, 256)
    ds.PixelData = np.clip(img, 0, 255).astype(np.uint8).tobytes()
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done" and not result.report.boxes
    assert result.dataset.PixelData == ds.PixelData


def test_pixels_only_mode_still_removes_overlays_and_the_icon(engines):
    ds, _ = _twelve_bits()
    ds.IconImageSequence = [make_dataset("MONOCHROME2", 8, 8, False, 1, 16, 16)]
    result = redact_dataset(
        ds, SETTINGS.replace(anonymize_header=False), engines=engines
    )
    assert result.report.status == "done", result.report.to_dict()
    out = result.dataset
    assert "IconImageSequence" not in out
    assert not [e for e in out if 0x6000 <= e.tag.group <= 0x601E]
    assert out.PatientName == ds.PatientName  # the header otherwise kept


def test_a_faint_name_between_painted_phi_lines_is_painted(engines):
    # Synth seed 1901, file 15: a grey "Dr.Schneider, Kwame" under a date and
    # over an address, both painted. The first reading does not detect the name;
    # verification's detector found it only beside those lines, which the
    # painting had removed by the time verification read the image.
    import random

    from plugin import synth

    _, ds, labels, meta = synth._make_file(
        random.Random("1901:15"), 15, synth._font_pool("truetype")
    )
    name = next(ln for ln in meta["lines"] if ln["text"] == "Schneider, Kwame")
    result = redact_dataset(ds, SETTINGS, engines=engines)
    assert result.report.status == "done"
    covered = np.zeros(labels.shape[1:], bool)
    for b in result.report.boxes:
        covered[b.top : b.top + b.height, b.left : b.left + b.width] = True
    for ch in name["chars"]:
        assert covered[labels[0] == ch["label"]].all(), ch["char"]
