"""A review's cases (session 13): inputs where the rules for devices, status-bar
cells, dotted labels, initials and scale ticks first leaked PHI or painted
annotations. Each asserts the right behaviour."""

import numpy as np
import pytest

from plugin.core.model import Word
from plugin.core.phi import HeaderIdentity, PhiDetector
from plugin.core.settings import RedactionSettings


def line(*texts, line_no=0, score=0.99):
    words, x = [], 0
    for t in texts:
        words.append(Word(t, x, line_no * 20, 8 * len(t), 14, score, line_no))
        x += 8 * len(t) + 6
    return words


@pytest.fixture(scope="module")
def detector():
    return PhiDetector(RedactionSettings())


def painted(detector, words, identity=(), **kw):
    return {
        f.word.text: f
        for f in detector.classify(words, HeaderIdentity(list(identity)), **kw)
    }


# --- Rule 1: a model code after a name ------------------------------------------
@pytest.mark.parametrize(
    "words",
    [
        ("Thomas", "Becker", "RM-204"),  # worklist: another patient and his room
        ("Maria", "Garcia", "Bed-12"),  # ward board / worklist location column
        ("Anna", "Keller", "ICU-4"),
        ("Anna", "Keller", "Ext-4821"),  # staff name and phone extension
    ],
)
def test_a_person_followed_by_a_room_bed_or_extension_code_is_painted(detector, words):
    hits = painted(detector, line(*words))
    assert {words[0], words[1]} <= set(hits)


# --- Rule 7: dotted labels ------------------------------------------------------
def test_an_email_glued_to_its_label_starting_with_a_label_word_is_painted(detector):
    # "Email: pat.okafor@gmail.com" read without the space (Patricia's address).
    for text in ("Email:pat.okafor@gmail.com", "Contact:pat.okafor@gmail.com"):
        hits = painted(detector, line(text))
        assert any("okafor" in t for t in hits), text


@pytest.mark.parametrize("text", ["Ref.Phys.Okafor", "Ref:Phys.Okafor"])
def test_a_physician_glued_to_a_dotted_label_is_painted(detector, text):
    # "Ref.Phys. Okafor" read without its narrow space: split_glued_labels parts
    # "Ref." off, and "Phys.Okafor" is then taken for a label as a whole.
    hits = painted(detector, line(text))
    assert any("Okafor" in t for t in hits)


# --- Rule 2: status-bar cells ---------------------------------------------------
def _row(cells, gap=20, h=16, width=600):
    """One row of a worklist/form: cells (each its own detected line) ``gap`` px
    apart on a dark background, glyph ink under each word, none between."""
    image = np.zeros((60, width, 3), np.uint8)
    words, x = [], 4
    for line_no, cell in enumerate(cells):
        for text in cell:
            w = 8 * len(text)
            words.append(Word(text, x, 20, w, h, 0.99, line_no))
            for k in range(len(text)):
                image[23:33, x + 8 * k + 1 : x + 8 * k + 7] = 220
            x += w + 6
        x += gap
    return words, image


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # Worklist: another patient's surname | first name | birth date columns.
        ([("Whitcombe",), ("Tobias",), ("19.05.1970",)], {"Whitcombe", "Tobias"}),
        ([("19.05.1970",), ("Szczepanski",)], {"Szczepanski"}),
        # A grid's "LAST," | "FIRST" cells (the code's own example).
        ([("Okafor,",), ("Ahmed",)], {"Okafor,", "Ahmed"}),
        # A form: the contact's phone, then the contact's name in the next column.
        ([("Tel:", "905-541-9382"), ("Hiroshi",)], {"Hiroshi"}),
        # An address whose town sits in the next column.
        ([("12", "Elm", "Street,"), ("Northbury",)], {"Northbury"}),
        ([("DOB:", "19.05.1970"), ("Wojcik",)], {"Wojcik"}),
    ],
)
@pytest.mark.parametrize("gap", [12, 40])
def test_names_in_the_cell_beside_a_phi_cell_are_painted(
    detector, cells, expected, gap
):
    words, image = _row(cells, gap=gap)
    hits = painted(detector, words, image=image)
    assert expected <= set(hits)


# --- Rule 3: scale tick ---------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "phi"),
    [
        (("Okafor,", "Ahmed", "19-", "05-1970"), "19-"),  # DOB read in two pieces
        (("Jane", "Doe", "555-", "0199"), "555-"),  # a phone number in two pieces
        (("12-", "14", "Elm", "Street"), "12-"),  # house number range
    ],
)
def test_a_number_and_hyphen_on_a_phi_line_is_painted(detector, words, phi):
    identity = [("PERSON", "PatientName", "DOE^JANE")]
    assert phi in painted(detector, line(*words), identity)


# --- Rule 6: initial on the line ------------------------------------------------
@pytest.mark.parametrize(
    ("words", "value", "tail"),
    [
        (("Sex:", "F", "Name:", "Ng,"), "NG^FATIMA", len(" FATIMA")),
        (("Sex:", "M", "Name:", "Li,"), "LI^MING", len(" MING")),
        (("Sex:", "M", "Name:", "Kim"), "KIM^MICHAEL", len(" MICHAEL")),
    ],
)
def test_the_sex_letter_is_no_initial_of_the_unread_first_name(
    detector, words, value, tail
):
    # The detector's line ends after the surname; the first name lies unread
    # after it. "F"/"M" is the sex, not an initial showing the first name.
    hits = painted(detector, line(*words), [("PERSON", "PatientName", value)])
    last = words[-1]
    assert hits[last].tail_chars >= tail


# --- Rule 5: credential name ----------------------------------------------------
@pytest.mark.parametrize("words", [("RT", "Node", "A."), ("RT", "Axilla", "B.")])
def test_laterality_and_a_lettered_node_is_no_person(detector, words):
    # (The English model takes "Node"/"Axilla" alone for a name before and after
    # the change; the credential pattern newly paints the finding's letter too.)
    hits = painted(detector, line(*words))
    assert words[2] not in hits
    assert all(h.source != "pattern" for h in hits.values())


# --- Rule 8: one_line with like heights -----------------------------------------
@pytest.mark.parametrize("preset", ["SmPart", "Preset", "CHI"])
def test_a_smaller_preset_beside_the_name_banner_is_kept(detector, preset):
    identity = [("PERSON", "PatientName", "OKAFOR^AHMED")]
    name = [
        Word("Okafor,", 10, 100, 56, 20, 0.99, 0),
        Word("Ahmed", 72, 100, 40, 20, 0.99, 0),
    ]
    small = [Word(preset, 135, 103, 8 * len(preset), 14, 0.99, 1)]
    hits = painted(detector, name + small, identity)
    assert preset not in hits


# --- Rule 9: pipeline verification doubt ----------------------------------------
class _BlindReader:
    name, version = "blind", "0"

    def read(self, image, *, known=None):
        return []

    def read_region(self, image, region, *, line_base=0):
        return []


class _FixedVerifier:
    name, version = "fixed", "0"

    def __init__(self, words):
        self.words = words

    def read(self, image, *, known=None):
        return list(self.words)

    def read_region(self, image, region, *, line_base=0):
        return []


def test_a_measurement_beside_a_misread_word_is_not_painted():
    from dicomgen import make_dataset
    from pydicom.uid import ExplicitVRLittleEndian

    from plugin.core import pixels
    from plugin.core.pipeline import Engines, get_engines, redact_dataset

    settings = RedactionSettings(uid_key="unit-test-key")
    ds = make_dataset("MONOCHROME2", 8, 8, False, 1, 512, 512, ExplicitVRLittleEndian)
    raw = pixels.read_frames(ds) * 0
    pixels.write_frames(ds, raw)
    engines = get_engines(settings)
    blind = Engines.__new__(Engines)
    blind.__dict__.update(engines.__dict__)
    blind.ocr = _BlindReader()
    # A caliper's result only verification read: "Dist" misread "Dlst".
    blind.verifier = _FixedVerifier(
        [
            Word("Dlst", 160, 300, 30, 21, 1.0, 97),
            Word("2.31", 196, 300, 32, 21, 1.0, 97),
            Word("cm", 232, 300, 20, 21, 1.0, 97),
        ]
    )
    result = redact_dataset(ds, settings, engines=blind)
    assert result.report.status == "done", result.report.message
    over_number = [b for b in result.report.boxes if b.left < 212 < b.left + b.width]
    assert not over_number, "the measurement 2.31 is no PHI"
