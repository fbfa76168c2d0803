"""Fake identities for the realistic test set: people, IDs, dates, places.

Every value is invented. Names come from many naming cultures, since burned-in text
in real departments is not all "JOHN SMITH"; IDs, dates and phone numbers come in the
many shapes that hospital systems and devices print.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

# Given names (female, male) and family names per naming culture.
CULTURES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "anglo": (
        ["Jane", "Emily", "Margaret", "Olivia", "Hannah", "Chloe", "Abigail", "Ruth"],
        ["John", "Robert", "William", "Thomas", "Oliver", "George", "Henry", "Liam"],
        [
            "Smith",
            "Whitfield",
            "Harper",
            "Bennett",
            "Caldwell",
            "Fairbanks",
            "Price",
            "O'Connell",
            "McAllister",
            "Thornton",
            "Ashworth",
            "Pemberton",
        ],
    ),
    "hispanic": (
        ["María", "Lucía", "Carmen", "Valentina", "Guadalupe", "Sofía", "Rosa"],
        ["José", "Alejandro", "Miguel", "Javier", "Diego", "Andrés", "Luis"],
        [
            "García-López",
            "Hernández",
            "Martínez",
            "Rodríguez",
            "de la Cruz",
            "Villanueva",
            "Castillo",
            "Ramírez",
            "Delgado",
            "Fuentes",
        ],
    ),
    "chinese": (
        ["Mei", "Xiaoling", "Yan", "Jing", "Lihua", "Wei", "Xue"],
        ["Wei", "Jun", "Hao", "Zhiwei", "Jianguo", "Tao", "Yong"],
        ["Zhang", "Wang", "Li", "Chen", "Liu", "Huang", "Zhou", "Xu", "Guo"],
    ),
    "vietnamese": (
        ["Thi Lan", "Ngoc Anh", "Thu", "Huong", "Mai"],
        ["Van Minh", "Duc", "Quang", "Tuan", "Hieu"],
        ["Nguyen", "Tran", "Pham", "Le", "Hoang", "Vu", "Dang"],
    ),
    "south_asian": (
        ["Priya", "Ananya", "Lakshmi", "Farah", "Kavitha", "Sunita", "Aisha"],
        ["Rahul", "Arjun", "Sanjay", "Imran", "Venkatesh", "Rajesh", "Harpreet"],
        [
            "Sharma",
            "Patel",
            "Krishnamurthy",
            "Chaudhry",
            "Iyer",
            "Banerjee",
            "Subramanian",
            "Qureshi",
            "Reddy",
            "Sandhu",
        ],
    ),
    "arabic": (
        ["Fatima", "Layla", "Noor", "Mariam", "Yasmin", "Huda"],
        ["Mohammed", "Omar", "Khalid", "Youssef", "Tariq", "Hassan"],
        ["Al-Rashid", "Haddad", "El-Sayed", "Mansour", "Khoury", "Abdullah", "Nasser"],
    ),
    "west_african": (
        ["Ngozi", "Adaeze", "Folasade", "Abena", "Chiamaka", "Yetunde"],
        ["Chukwuemeka", "Oluwaseun", "Kwame", "Babatunde", "Emeka", "Kofi"],
        ["Okonkwo", "Adeyemi", "Mensah", "Okafor", "Balogun", "Asante", "Eze"],
    ),
    "german": (
        ["Sabine", "Ursula", "Katrin", "Anja", "Heike", "Lena"],
        ["Jürgen", "Klaus", "Matthias", "Stefan", "Dieter", "Lukas"],
        [
            "Müller",
            "Schneider",
            "Weißenborn",
            "Hoffmann",
            "Becker",
            "Schäfer",
            "Krüger",
            "von Stetten",
        ],
    ),
    "french": (
        ["Céline", "Amélie", "Camille", "Sylvie", "Brigitte", "Margaux"],
        ["François", "Olivier", "Thierry", "Étienne", "Mathieu", "Hugo"],
        ["Dubois", "Lefèvre", "Moreau", "Girard", "Rousseau", "Fontaine", "Le Gall"],
    ),
    "slavic": (
        ["Agnieszka", "Olga", "Katarzyna", "Svetlana", "Milena", "Zofia"],
        ["Łukasz", "Dmitri", "Piotr", "Aleksandr", "Tomasz", "Bogdan"],
        [
            "Kowalski",
            "Nowak",
            "Wiśniewski",
            "Ivanova",
            "Petrov",
            "Zieliński",
            "Kuznetsov",
            "Dvořák",
        ],
    ),
    "japanese": (
        ["Yuki", "Haruka", "Aiko", "Sakura", "Emi", "Naoko"],
        ["Hiroshi", "Takeshi", "Kenji", "Daisuke", "Sho", "Ryo"],
        ["Tanaka", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Takahashi"],
    ),
    "korean": (
        ["Ji-woo", "Seo-yeon", "Min-ji", "Hye-jin", "Eun-ji"],
        ["Min-jun", "Seung-hoon", "Dong-hyun", "Jae-won", "Sung-min"],
        ["Kim", "Park", "Choi", "Jung", "Kang", "Yoon", "Lim"],
    ),
    "nordic_dutch": (
        ["Ingrid", "Sanne", "Astrid", "Femke", "Karin", "Linnea"],
        ["Lars", "Sven", "Pieter", "Joost", "Mikael", "Anders"],
        [
            "Lindqvist",
            "van der Berg",
            "de Vries",
            "Johansson",
            "Bakker",
            "Halvorsen",
            "Van Dijk",
        ],
    ),
    "turkish_greek": (
        ["Ayşe", "Elif", "Zeynep", "Eleni", "Dimitra", "Katerina"],
        ["Mehmet", "Emre", "Burak", "Georgios", "Nikolaos", "Konstantinos"],
        [
            "Yılmaz",
            "Demir",
            "Öztürk",
            "Papadopoulos",
            "Konstantinidis",
            "Georgiou",
            "Çelik",
        ],
    ),
    "irish_scots": (
        ["Siobhan", "Aoife", "Niamh", "Fiona", "Morag"],
        ["Seamus", "Padraig", "Callum", "Eoin", "Angus"],
        ["O'Sullivan", "MacLeod", "Fitzgerald", "O'Brien", "McKenzie", "Gallagher"],
    ),
}

STREETS = [
    "Maple Avenue",
    "Harbor View Road",
    "Elm Street",
    "Kingsley Road",
    "Orchard Lane",
    "Birchwood Drive",
    "Station Road",
    "Quarry Hill",
    "Lindenstraße",
    "Rue des Lilas",
    "Calle de la Paz",
    "Willow Crescent",
    "Ashgrove Terrace",
    "Pine Ridge Court",
    "Mill Street",
    "Church Lane",
    "Beacon Street",
    "Via Roma",
    "Oak Park Blvd",
]
CITIES = [
    ("Springfield", "IL", "62704"),
    ("Riverton", "WY", "82501"),
    ("Fairview", "OR", "97024"),
    ("Leeds", "", "LS6 2AB"),
    ("Lyon", "", "69003"),
    ("Berlin", "", "10115"),
    ("Madison", "WI", "53703"),
    ("Brookhaven", "GA", "30319"),
    ("Hamilton", "ON", "L8P 4R5"),
    ("Dunedin", "", "9016"),
    ("Toledo", "OH", "43604"),
    ("Galway", "", "H91 E2K3"),
]
HOSPITAL_FIRST = [
    "St. Mary's",
    "Riverside",
    "Lakeview",
    "Northgate",
    "Mercy",
    "Cedar Valley",
    "Sacred Heart",
    "Highland Park",
    "St. Bartholomew's",
    "Westbrook",
    "Good Samaritan",
    "Harborview",
    "Klinikum Nord",
    "Hôpital Sainte-Anne",
    "Ospedale San Carlo",
    "Pinecrest",
    "Royal Albert",
    "Meadowbrook",
]
HOSPITAL_SECOND = [
    "Regional Medical Center",
    "Community Hospital",
    "University Hospital",
    "General Hospital",
    "Memorial Hospital",
    "Medical Center",
    "Imaging Center",
    "Women's Health Clinic",
    "Children's Hospital",
    "Heart Institute",
]
MAIL_DOMAINS = [
    "mailbox-example.com",
    "inbox.example.net",
    "post.example.org",
    "webmail-example.de",
    "example.co.uk",
]

# strftime patterns that devices, viewers and hospital systems print dates in.
DATE_FORMATS = [
    "%Y%m%d",
    "%d.%m.%Y",
    "%m/%d/%Y",
    "%d-%b-%Y",
    "%Y-%m-%d",
    "%b %d, %Y",
    "%d/%m/%Y",
    "%d %b %Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%d.%m.%y",
    "%m/%d/%y",
    "%d-%b-%y",
    "%B %d, %Y",
    "%d %B %Y",
    "%Y.%m.%d",
]
TIME_FORMATS = ["%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%H.%M.%S", "%H%M%S"]


def ascii_fold(text: str) -> str:
    """Drop accents, as many devices do when they burn worklist names into pixels."""
    table = {"ß": "ss", "Ł": "L", "ł": "l", "ı": "i", "Ø": "O", "ø": "o"}
    text = "".join(table.get(c, c) for c in text)
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c))


@dataclass
class Person:
    family: str
    given: str
    middle: str
    sex: str
    title: str = ""

    def pn(self) -> str:
        """DICOM Person Name (PS3.5 6.2): family^given^middle^prefix."""
        parts = [self.family, self.given, self.middle, self.title]
        while parts and not parts[-1]:
            parts.pop()
        return "^".join(parts)

    def parts(self) -> list[str]:
        return [p for p in (self.family, self.given, self.middle) if p]


@dataclass
class Case:
    """Everything identifying that one file may show, header and pixels."""

    patient: Person
    birth: dt.date
    study: dt.datetime
    patient_id: str
    accession: str
    other_ids: list[str]
    institution: str
    department: str
    institution_street: str
    institution_city: str
    address: str
    city_line: str
    phone: str
    email: str
    referring: Person
    performing: Person
    operator: Person
    # People shown only in the pixels, never in the header (a sonographer, a nurse).
    staff: Person
    hospital_phone: str
    extra_patients: list[tuple[Person, dt.date, str]] = field(default_factory=list)

    @property
    def age_years(self) -> int:
        b, s = self.birth, self.study.date()
        return s.year - b.year - ((s.month, s.day) < (b.month, b.day))

    def age_string(self) -> str:
        """DICOM Age String (AS): nnnY."""
        return f"{self.age_years:03d}Y"


def make_person(rng: random.Random, sex: str | None = None, title: str = "") -> Person:
    culture = rng.choice(list(CULTURES))
    female, male, family = CULTURES[culture]
    sex = sex or rng.choice("FM")
    given = rng.choice(female if sex == "F" else male)
    middle = ""
    if rng.random() < 0.3:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW")
    return Person(rng.choice(family), given, middle, sex, title)


def _digits(rng: random.Random) -> Callable[[int], str]:
    """A function giving n random digits."""
    return lambda n: "".join(str(rng.randrange(10)) for _ in range(n))


def make_id(rng: random.Random) -> str:
    """A patient/medical record number in one of many hospital-system shapes."""
    d = _digits(rng)
    shape = rng.randrange(9)
    if shape == 0:
        return d(8)
    if shape == 1:
        return "00" + d(6)
    if shape == 2:
        return f"A-{rng.randint(2019, 2025)}-{d(5)}"
    if shape == 3:
        return f"{d(4)}-{d(3)}-{d(2)}"
    if shape == 4:
        return rng.choice("HKMPRZ") + d(7)
    if shape == 5:
        return f"{d(3)} {d(3)} {d(4)}"
    if shape == 6:
        return f"{rng.choice(['XZ', 'QA', 'LB', 'MR'])}{d(7)}"
    if shape == 7:
        return d(10)
    return f"{d(2)}.{d(3)}.{d(3)}"


def make_accession(rng: random.Random, study: dt.datetime) -> str:
    d = _digits(rng)
    shape = rng.randrange(5)
    if shape == 0:
        return study.strftime("%Y%m%d") + d(5)
    if shape == 1:
        return f"RAD{study:%y}-{d(6)}"
    if shape == 2:
        return "E" + d(7)
    if shape == 3:
        return f"{rng.choice(['CT', 'US', 'MR', 'XR'])}{d(8)}"
    return d(9)


def make_phone(rng: random.Random) -> str:
    d = _digits(rng)
    shape = rng.randrange(7)
    if shape == 0:
        return f"({d(3)}) 555-{d(4)}"
    if shape == 1:
        return f"555-{d(3)}-{d(4)}"
    if shape == 2:
        return f"+44 20 7946 0{d(3)}"
    if shape == 3:
        return f"0{rng.randint(1, 9)} {d(2)} {d(2)} {d(2)} {d(2)}"
    if shape == 4:
        return f"+49 30 {d(7)}"
    if shape == 5:
        return f"0412 555 {d(3)}"
    return f"{d(3)}.555.{d(4)}"


def make_address(rng: random.Random) -> tuple[str, str]:
    street = rng.choice(STREETS)
    number = rng.randint(1, 2400)
    city, state, postcode = rng.choice(CITIES)
    if street.endswith(("straße", "Roma")):
        first = f"{street} {number}"
    elif rng.random() < 0.2:
        first = f"Apt {rng.randint(1, 40)}, {number} {street}"
    else:
        first = f"{number} {street}"
    second = f"{city}, {state} {postcode}" if state else f"{postcode} {city}"
    return first, second


def make_case(rng: random.Random) -> Case:
    patient = make_person(rng)
    birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 33000))
    study = dt.datetime(2021, 1, 1) + dt.timedelta(
        days=rng.randrange(0, 1700), seconds=rng.randrange(7 * 3600, 20 * 3600)
    )
    if birth >= study.date():
        birth = study.date() - dt.timedelta(days=rng.randrange(200, 9000))
    city_first = rng.choice(HOSPITAL_FIRST)
    institution = f"{city_first} {rng.choice(HOSPITAL_SECOND)}"
    if city_first.startswith(("Klinikum", "Hôpital", "Ospedale")):
        institution = city_first
    street, city = make_address(rng)
    inst_street, inst_city = make_address(rng)
    mail_user = ascii_fold(f"{patient.given[0]}{patient.family}").lower()
    mail_user = "".join(c for c in mail_user if c.isalnum())
    extra = [
        (
            make_person(rng),
            dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(32000)),
            make_id(rng),
        )
        for _ in range(14)
    ]
    return Case(
        patient=patient,
        birth=birth,
        study=study,
        patient_id=make_id(rng),
        accession=make_accession(rng, study),
        other_ids=[make_id(rng)],
        institution=institution,
        department=rng.choice(
            [
                "Radiology",
                "Diagnostic Imaging",
                "Ultrasound",
                "Cardiology",
                "Medical Imaging",
                "Interventional Radiology",
            ]
        ),
        institution_street=inst_street,
        institution_city=inst_city,
        address=street,
        city_line=city,
        phone=make_phone(rng),
        email=f"{mail_user}{rng.randint(1, 99)}@{rng.choice(MAIL_DOMAINS)}",
        referring=make_person(rng, title="Dr"),
        performing=make_person(rng, title="Dr"),
        operator=make_person(rng),
        staff=make_person(rng),
        hospital_phone=make_phone(rng),
        extra_patients=extra,
    )


# -- formatting ---------------------------------------------------------------


def name_as(person: Person, style: str, *, fold: bool = False) -> str:
    """Print a name the way a device or a form would."""
    fam, giv, mid = person.family, person.given, person.middle
    if fold:
        fam, giv = ascii_fold(fam), ascii_fold(giv)
    mid_dot = f" {mid}." if mid else ""
    table = {
        "dicom": "^".join(p for p in (fam, giv, mid) if p).upper(),
        "dicom_mixed": "^".join(p for p in (fam, giv) if p),
        "comma": f"{fam}, {giv}{mid_dot}",
        "COMMA": f"{fam}, {giv}{' ' + mid if mid else ''}".upper(),
        "natural": f"{giv}{mid_dot} {fam}",
        "NATURAL": f"{giv} {fam}".upper(),
        "family_first": f"{fam.upper()} {giv}",
        "initial": f"{giv[0]}. {fam}",
        "dr": f"Dr. {giv[0]}. {fam}",
        "dr_full": f"Dr {giv} {fam}",
        "initials": f"{giv[0]}{mid}{fam[0]}".upper(),
    }
    return table[style]


def date_as(value: dt.date | dt.datetime, fmt: str) -> str:
    return value.strftime(fmt)
