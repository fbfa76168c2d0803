"""Common English words, to tell a name from ordinary words that NER calls one.

spaCy's small model labels many title-cased annotation lines PERSON ("Portal
Venous", "Ultrasound Worksheet", "Tilt:"). A hand-written vocabulary cannot list
every such word; the system's spelling dictionary (Debian ``wamerican``, installed
by ``scripts/install-system-deps.sh``) can. It writes proper nouns capitalised
("Hannah", "Brown") and other words in lower case, so a word found only in lower
case is no name that the dictionary knows.

Without the dictionary nothing is a common word: NER's names are painted, as
before (fail closed).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from pathlib import Path

from rapidfuzz.distance import Levenshtein

logger = logging.getLogger(__name__)

__all__ = [
    "MEDICAL_WORDS",
    "WORD_LISTS",
    "common_start",
    "common_word",
    "compound_word",
    "cut_word",
    "device_word",
    "lexicon_available",
    "medical_start",
    "medical_word",
    "near_medical_word",
    "ordinary_word",
    "restored",
    "restored_word",
    "run_together",
    "word_list",
]

WORD_LISTS = (
    Path("/usr/share/dict/american-english"),
    Path("/usr/share/dict/words"),
)
"""Where the dictionary is looked for, first found wins."""

_MIN_LETTERS = 4
"""Shorter words are left to the curated vocabulary: many are surnames too ("Lam")."""
_CUT_MIN_LETTERS = 5
"""A shorter start of a word ("Ang", "Pelv") is too often a name's as well."""
_RESTORED_MAX = 3
"""A word with more "l"s is not tried with each read back as "i"."""

DEVICE_NAMES = frozenset(
    {
        # Makers of imaging equipment and software.
        "SIEMENS", "HEALTHINEERS", "PHILIPS", "CANON", "TOSHIBA", "HITACHI",
        "ALOKA", "FUJIFILM", "SAMSUNG", "MEDISON", "MINDRAY", "ESAOTE",
        "SONOSITE", "HOLOGIC", "CARESTREAM", "AGFA", "KONICA", "MINOLTA",
        "SHIMADZU", "NEUSOFT", "ZONARE", "BK", "GE", "GEHC",
        # Their product lines, as they stand on a screen ("Canon Aplio i800").
        "ACUSON", "LOGIQ", "VOLUSON", "VERSANA", "SEQUOIA", "EPIQ", "AFFINITI",
        "LUMIFY", "APLIO", "XARIO", "VIAMO", "ARIETTA", "RESONA", "MYLAB",
        "ALLURA", "XPER", "AZURION", "ARTIS", "SOMATOM", "MAGNETOM", "INGENIA",
        "ACHIEVA", "SIGNA", "HDXT", "AQUILION", "SELENIA", "INNOVA", "BRIVO",
        "SENOGRAPHE", "BIOGRAPH", "MAMMOMAT", "YSIO", "LUMINOS", "MULTIX",
        "SYNGO", "CENTRICITY", "IMPAX", "INTELLISPACE", "ISITE", "VUEPACS",
    }
)  # fmt: skip
"""Device and software names seen burned into images: no one's name. Only names
that are no common surname or given name ("Philips" is both a maker and a
surname: a name needs a given name beside it, which this is not)."""


MEDICAL_WORDS = frozenset(
    {
        "abdominopelvic", "ablation", "abscess", "acetabular", "adnexal", "adrenal",
        "amniotic", "anal", "aneurysm", "angiogram", "angiographic", "angiography",
        "angioplasty", "aortic", "appendicitis", "appendix", "arterial",
        "arteriogram", "arteriography", "arthrogram", "arthrography", "arthroscopy",
        "ascites", "aspiration", "atelectasis", "atrial", "bilateral", "biliary",
        "biometry", "biopsy", "biparietal", "bladder", "bowel", "bronchial",
        "bronchoscopy", "calcaneal", "cardiac", "cardiomegaly", "carotid",
        "cephalometric", "cerebellar", "cervical", "cervicothoracic", "chemotherapy",
        "cholangiogram", "cholangiography", "cholangiopancreatography", "cholecyst",
        "cholecystitis", "choledocholithiasis", "cholelithiasis", "claustrophobic",
        "clavicular", "coccygeal", "colitis", "colonic", "colonoscopy",
        "consolidation", "contralateral", "contrast", "coronary", "creatinine",
        "cruciate", "cystogram", "cystography", "cystoscopy", "cystourethrogram",
        "densitometry", "diagnostic", "diffusion", "diverticulitis", "doppler",
        "drainage", "duplex", "dyspnea", "dyspnoea", "dysuria", "echocardiogram",
        "echocardiography", "effusion", "elastography", "embolisation", "embolism",
        "embolization", "endometrial", "endoscopy", "epidural", "esophagram",
        "extracranial", "extremities", "extremity", "femoral", "femur", "fetal",
        "fibroadenoma", "fibular", "fistulogram", "fluoroscopic", "fluoroscopy",
        "foetal", "gadolinium", "gallbladder", "gastroscopy", "gestational",
        "glenohumeral", "haematoma", "haematuria", "haemorrhage", "hematoma",
        "hematuria", "hemorrhage", "hepatic", "hepatobiliary", "hepatomegaly",
        "hernia", "hiatal", "hilar", "humeral", "humerus", "hydronephrosis",
        "hysterosalpingogram", "hysterosalpingography", "ileus", "iliac", "infarct",
        "infraspinatus", "inguinal", "interventional", "intracranial", "intravenous",
        "iodinated", "ipsilateral", "ischaemia", "ischemia", "laparoscopy",
        "laryngeal", "larynx", "lesion", "lipoma", "lumbar", "lumbosacral",
        "lymphadenopathy", "lymphangiogram", "lymphoscintigraphy", "mammogram",
        "mammographic", "mammography", "mandible", "mandibular", "mastoid",
        "maxilla", "maxillary", "maxillofacial", "mediastinal", "meniscal",
        "metacarpal", "metastases", "metastasis", "metatarsal", "metformin",
        "mitral", "myelogram", "myelography", "myocardial", "nasopharynx",
        "neonatal", "neoplasm", "noncontrast", "nuchal", "obstetric",
        "occipitofrontal", "occlusion", "oncologic", "oncology", "oropharynx",
        "ovarian", "paediatric", "pancreatic", "paraspinal", "parathyroid",
        "pediatric", "pelvic", "perfusion", "perianal", "pericardial",
        "perioperative", "peritoneal", "periventricular", "phalangeal", "pituitary",
        "placenta", "placental", "pleural", "pneumothorax", "popliteal",
        "postoperative", "preoperative", "prostatic", "protocol", "pseudoaneurysm",
        "pulmonary", "pyelogram", "radiograph", "radiographic", "radiography",
        "radiologist", "radiology", "radiotherapy", "rectal", "renal",
        "retroperitoneal", "sacral", "sacroiliac", "scaphoid", "scintigraphy",
        "scrotal", "sellar", "sialogram", "sinonasal", "sinus", "sonogram",
        "sonographer", "sonographic", "sonography", "spectroscopy", "splenic",
        "splenomegaly", "stenosis", "sternal", "subarachnoid", "subdural",
        "subscapularis", "supraspinatus", "talar", "testicular", "thoracic",
        "thoracolumbar", "thrombosis", "thyroid", "tibial", "tomographic",
        "tomography", "tomosynthesis", "tracheal", "transabdominal", "transcranial",
        "transesophageal", "transrectal", "transthoracic", "transvaginal",
        "tricuspid", "ulnar", "ultrasonography", "ultrasound", "unenhanced",
        "unilateral", "ureter", "ureteral", "ureteric", "urethra", "urethral",
        "urinary", "urogram", "urography", "uterine", "valvular", "venogram",
        "venography", "venous", "ventricular", "vertebral",
        # Eyes, teeth and hearts (OCT, dental and ECG reports).
        "macula", "macular", "fovea", "foveal", "retina", "retinal", "choroid",
        "choroidal", "subfield", "peripapillary", "glaucoma", "periapical",
        "panoramic", "cephalometry", "occlusal", "bitewing", "molar", "premolar",
        "incisor", "bradycardia", "tachycardia", "arrhythmia", "fibrillation",
        "spiculated", "nodule", "supine", "prone", "cardiology", "thickness",
        # Departments, on worklists and encounter lists ("General Medicine").
        "medicine", "surgery", "orthopaedics", "orthopedics", "neurology",
        "urology", "nephrology", "dermatology", "gastroenterology",
        "haematology", "hematology", "rheumatology", "endocrinology",
        "pulmonology", "ophthalmology", "otolaryngology", "psychiatry",
        "paediatrics", "pediatrics", "obstetrics", "gynaecology", "gynecology",
        "outpatient", "inpatient",
        # Surnames too, but rare beside their weight on a request ("Mri Brain").
        "brain", "jaw", "sacrum",
    }
)  # fmt: skip
"""Words of radiology requests, worklists and reports: anatomy, findings and
procedures ("Ct Pulmonary Angiogram", "Us Pelvis Transvaginal", "Doppler"), many
of them in no spelling dictionary. Common words, and never a name on an image
(words that are names too, "Crown", "Portal", are left out)."""


@functools.cache
def _load() -> tuple[str, frozenset[str], frozenset[str]]:
    """(path, words written in lower case, words written capitalised lower-cased)."""
    for path in WORD_LISTS:
        try:
            entries = path.read_text(encoding="utf-8", errors="replace").split()
        except OSError:
            continue
        lower = frozenset(e for e in entries if e.islower())
        proper = frozenset(e.lower() for e in entries if e[:1].isupper())
        return str(path), lower, proper
    logger.warning(
        "no English word list (%s): NER names are not checked against common words",
        WORD_LISTS[0],
    )
    return "none", frozenset(), frozenset()


def lexicon_available() -> bool:
    return bool(_load()[1])


def word_list() -> str:
    """The dictionary in use, for the engines' versions ("none" without one)."""
    return _load()[0]


def common_word(token: str, *, min_letters: int = _MIN_LETTERS) -> bool:
    """Whether ``token`` (letters only) is an ordinary English word of at least
    ``min_letters`` letters that the dictionary never writes as a name:
    "portal", "kidney", "worksheet"; not "Grant", "Rose" or "Hannah" (names
    too), not "Sorensen"."""
    low = token.lower()
    if len(low) < min_letters or not low.isalpha():
        return False
    if low in MEDICAL_WORDS:
        return True
    _, lower, proper = _load()
    return low in lower and low not in proper


@functools.cache
def _sorted_common() -> tuple[str, ...]:
    _, lower, proper = _load()
    return tuple(sorted((lower - proper) | MEDICAL_WORDS))


def restored(token: str) -> str | None:
    """The common word (:func:`common_word`) ``token`` (letters only, five or
    more), a word the dictionary holds in no form, is once an "i" read as "l" is
    restored (small text: "Cardlology", "Outpatlent vlslt", "MedlcIne"), trying
    each "l" of a word with at most :data:`_RESTORED_MAX` of them; ``None`` if
    none. Not a name the dictionary knows: "Allen" is no "alien", "Walter" no
    "waiter"."""
    at = [k for k, c in enumerate(token) if c == "l"]
    if not at or len(at) > _RESTORED_MAX or len(token) < 5 or not token.isalpha():
        return None
    _, lower, proper = _load()
    if token.lower() in lower or token.lower() in proper:
        return None
    for mask in range(1, 1 << len(at)):
        chars = list(token)
        for n, k in enumerate(at):
            if mask >> n & 1:
                chars[k] = "i"
        word = "".join(chars)
        if common_word(word):
            return word
    return None


def restored_word(token: str) -> bool:
    """Whether ``token`` is a common word once its "l"s read for "i" are
    restored (:func:`restored`)."""
    return restored(token) is not None


def run_together(token: str) -> bool:
    """Whether ``token`` (letters only) is two words the dictionary holds in
    lower case run together ("INPROGRESS", "NONCONTRAST"), each of two letters
    or more."""
    low = token.lower()
    if not low.isalpha():
        return False
    lower = _load()[1]
    return any(
        (low[:k] in lower or low[:k] in MEDICAL_WORDS)
        and (low[k:] in lower or low[k:] in MEDICAL_WORDS)
        for k in range(2, len(low) - 1)
    )


def ordinary_word(token: str) -> bool:
    """Whether the dictionary holds ``token`` (three letters or more) in lower
    case, as an ordinary word, whether or not it is a name too ("man", "will";
    not "Sorensen")."""
    low = token.lower()
    return (
        len(low) >= 3 and low.isalpha() and (low in _load()[1] or low in MEDICAL_WORDS)
    )


def cut_word(token: str) -> bool:
    """Whether ``token`` (letters only, :data:`_CUT_MIN_LETTERS` or more) is the
    start of a longer common word and no word or name itself: a table cell's text
    cut short at the cell's edge ("Witho", "Bilater", "COMPLET")."""
    low = token.lower()
    _, lower, proper = _load()
    if low in MEDICAL_WORDS or low in lower or low in proper:
        return False
    return common_start(low, min_letters=_CUT_MIN_LETTERS)


def common_start(token: str, *, min_letters: int = 3) -> bool:
    """Whether ``token`` (letters only, ``min_letters`` or more) starts a common
    word, or is one: a cell's text cut short with its ellipsis ("Medi..." of
    "General Medicine")."""
    low = token.lower()
    if len(low) < min_letters or not low.isalpha():
        return False
    return _starts_one_of(_sorted_common(), low)


def _starts_one_of(words: tuple[str, ...], low: str) -> bool:
    """Whether one of ``words`` (sorted) starts with ``low``."""
    k = bisect.bisect_left(words, low)
    return k < len(words) and words[k].startswith(low)


def compound_word(token: str) -> bool:
    """Whether ``token`` is common words run together in capitalised parts, as
    software and devices are named ("ImageDesk", "PowerScribe", "ClearCanvas"):
    two parts at least, each an ordinary word of three letters or more. Given
    names run together are names ("JoAnn", "MaryBeth": the dictionary writes
    them capitalised)."""
    parts = re.findall(r"[A-Z][a-z]+", token)
    if len(parts) < 2 or "".join(parts) != token:
        return False
    _, lower, proper = _load()
    return all(
        len(p) >= 3 and p.lower() in lower and p.lower() not in proper for p in parts
    )


def medical_word(token: str) -> bool:
    """Whether ``token`` is radiology vocabulary (:data:`MEDICAL_WORDS`)."""
    return token.lower() in MEDICAL_WORDS


@functools.cache
def _sorted_medical() -> tuple[str, ...]:
    return tuple(sorted(MEDICAL_WORDS))


def medical_start(token: str) -> bool:
    """Whether ``token`` (letters only, three or more) starts radiology's
    vocabulary (:data:`MEDICAL_WORDS`) and is no word or name the dictionary
    holds: "Bil" of "Mammogram Diagnostic Bil" (bilateral) cut at its cell's
    edge."""
    low = token.lower()
    if len(low) < 3 or not low.isalpha():
        return False
    _, lower, proper = _load()
    if low in lower or low in proper or low in MEDICAL_WORDS:
        return False
    return _starts_one_of(_sorted_medical(), low)


_NEAR_MIN_LETTERS = 8
"""A shorter word one letter from radiology's may be a name ("Renal", "Lumbar")."""


def near_medical_word(token: str) -> bool:
    """Whether ``token`` (letters only, :data:`_NEAR_MIN_LETTERS` or more) is
    radiology vocabulary (:data:`MEDICAL_WORDS`) with one letter misread
    ("Transraginal"): no name is so long and so close to one."""
    low = token.lower()
    if len(low) < _NEAR_MIN_LETTERS or not low.isalpha():
        return False
    return any(
        Levenshtein.distance(low, m, score_cutoff=1) <= 1
        for m in MEDICAL_WORDS
        if abs(len(m) - len(low)) <= 1
    )


def device_word(token: str, devices: frozenset[str] = frozenset()) -> bool:
    """Whether ``token`` names a maker or product line of imaging equipment
    (:data:`DEVICE_NAMES`, or ``devices``: the upper-cased words of the header's
    Manufacturer and ManufacturerModelName)."""
    up = token.upper()
    return up in DEVICE_NAMES or up in devices
