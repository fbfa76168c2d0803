"""Fake identities: people, identifiers, places, dates, in several national styles.

Everything is drawn from a ``numpy.random.Generator`` so a file's identity depends
only on the seed. All names, numbers and addresses are invented.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
from render import ascii_fold

# ---------------------------------------------------------------------------
# small helpers


def pick(rng: np.random.Generator, seq):
    """One element of ``seq``."""
    return seq[int(rng.integers(len(seq)))]


def chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, n))


def letters(rng: np.random.Generator, n: int) -> str:
    return "".join(chr(65 + int(d)) for d in rng.integers(0, 26, n))


# ---------------------------------------------------------------------------
# names

_GIVEN_F = {
    "en": [
        "Grace",
        "Rose",
        "Faith",
        "Hope",
        "Joy",
        "April",
        "Summer",
        "Emily",
        "Olivia",
        "Hannah",
        "Chloe",
        "Megan",
        "Siobhan",
        "Aoife",
        "Niamh",
        "Bethany",
        "Kayleigh",
        "Patricia",
        "Dorothy",
        "Jean",
    ],
    "de": [
        "Anneliese",
        "Jutta",
        "Ursula",
        "Katrin",
        "Sabine",
        "Lena",
        "Mia",
        "Hannelore",
        "Gisela",
        "Renate",
    ],
    "fr": [
        "Élodie",
        "Margaux",
        "Chloé",
        "Anaïs",
        "Brigitte",
        "Camille",
        "Océane",
        "Hélène",
        "Zoë",
    ],
    "es": [
        "María José",
        "Lucía",
        "Carmen",
        "Pilar",
        "Ana Belén",
        "Guadalupe",
        "Inés",
        "Rocío",
    ],
    "it": ["Giulia", "Francesca", "Chiara", "Rosalba", "Maria Grazia"],
    "nl": ["Femke", "Sanne", "Marieke", "Anouk", "Lieke", "Geertje"],
    "nordic": ["Ingrid", "Sigrid", "Astrid", "Freja", "Maja", "Linnea"],
    "pl": ["Agnieszka", "Małgorzata", "Katarzyna", "Zofia"],
    "cn": ["Na", "Mei", "Xiu", "Ying", "Li", "Hui", "Jing"],
    "jp": ["Yuki", "Aiko", "Haruka", "Sakura", "Emi"],
    "kr": ["Ji-woo", "Min-ji", "Seo-yeon", "Eun-ji"],
    "vn": ["Thi", "Lan", "Hoa", "Mai", "Anh"],
    "in": ["Priya", "Ananya", "Lakshmi", "Deepika", "Sunita", "Kavya"],
    "ar": ["Fatima", "Aisha", "Layla", "Noor", "Mariam", "Yasmin"],
    "af": ["Adaeze", "Chiamaka", "Ama", "Akosua", "Wanjiru", "Zanele", "Ngozi"],
    "tr": ["Elif", "Ayşe", "Zeynep", "Emine"],
}
_GIVEN_M = {
    "en": [
        "Will",
        "Mark",
        "Frank",
        "Bill",
        "Victor",
        "Jack",
        "Oliver",
        "Thomas",
        "Liam",
        "Connor",
        "Seán",
        "Gareth",
        "Dennis",
        "Harold",
        "Mohammed",
        "Ray",
        "Guy",
        "Wade",
    ],
    "de": [
        "Jürgen",
        "Klaus",
        "Dieter",
        "Matthias",
        "Lukas",
        "Günther",
        "Heinz",
        "Stefan",
    ],
    "fr": ["Jean-Pierre", "François", "Benoît", "Théo", "Hervé", "Loïc", "Mathis"],
    "es": ["José Luis", "Juan Carlos", "Alejandro", "Jesús", "Rodrigo", "Íñigo"],
    "it": ["Giuseppe", "Marco", "Lorenzo", "Salvatore"],
    "nl": ["Jan-Willem", "Bram", "Sander", "Pieter", "Joost"],
    "nordic": ["Lars", "Øystein", "Mikkel", "Anders", "Bjørn"],
    "pl": ["Krzysztof", "Paweł", "Tomasz", "Grzegorz"],
    "cn": ["Wei", "Jun", "Hao", "Lei", "Qiang", "Bo"],
    "jp": ["Hiroshi", "Takeshi", "Kenji", "Ren"],
    "kr": ["Min-jun", "Ji-hoon", "Hyun-woo"],
    "vn": ["Minh", "Duc", "Tuan", "Long"],
    "in": ["Rahul", "Arjun", "Vikram", "Sanjay", "Rohan", "Aditya"],
    "ar": ["Omar", "Youssef", "Karim", "Tariq", "Hamza", "Khalid"],
    "af": ["Chukwuemeka", "Kwame", "Kofi", "Tendai", "Oluwaseun", "Babajide"],
    "tr": ["Mehmet", "Mustafa", "Emre", "Burak"],
}
_FAMILY = {
    "en": [
        "Smith",
        "Brown",
        "Hill",
        "Long",
        "Young",
        "King",
        "Bishop",
        "Walker",
        "Rivers",
        "Field",
        "Shepherd",
        "Wood",
        "Street",
        "Little",
        "Rose",
        "Moon",
        "Price",
        "McAllister",
        "MacLeod",
        "O'Neill",
        "O'Brien",
        "D'Arcy",
        "Smith-Jones",
        "Fitzgerald",
        "Ashworth-Bell",
        "Carpenter",
    ],
    "de": [
        "Müller",
        "Schröder",
        "Weiß",
        "Groß",
        "Becker",
        "Hoffmann",
        "Schäfer",
        "Köhler",
        "Meyer-Lüdenscheidt",
    ],
    "fr": ["Lefèvre", "Dubois", "Moreau", "Girard", "Lemaître", "Bérenger"],
    "es": ["García", "López", "Martínez", "Fernández", "Núñez", "Peña", "Ibáñez"],
    "it": ["Rossi", "Esposito", "Bianchi", "Romano", "Colombo"],
    "nl": ["Jansen", "Bakker", "Visser", "Smit", "Mulder"],
    "nordic": ["Johansson", "Lindqvist", "Nielsen", "Ødegård", "Hansen"],
    "pl": ["Kowalczyk", "Wiśniewski", "Nowak", "Wójcik"],
    "cn": ["Li", "Wang", "Zhang", "Liu", "Chen", "Wu", "Ng", "Ho"],
    "jp": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Ito"],
    "kr": ["Kim", "Lee", "Park", "Choi", "Jung"],
    "vn": ["Nguyen", "Tran", "Le", "Pham", "Vo"],
    "in": ["Patel", "Sharma", "Iyer", "Reddy", "Nair", "Chatterjee"],
    "ar": ["Al-Hassan", "El-Amin", "Haddad", "Al-Farsi", "Nassar"],
    "af": ["Okafor", "Mensah", "Adeyemi", "Mwangi", "Ndlovu", "Osei"],
    "tr": ["Yılmaz", "Kaya", "Demir", "Çelik"],
}
# multi-word family names (particles): kept whole
_FAMILY_MULTI = [
    "van der Berg",
    "de la Cruz",
    "van Dijk",
    "de Vries",
    "von Bülow",
    "dos Santos",
    "Di Marco",
    "ten Brink",
    "da Silva",
    "Le Roux",
    "bin Abdullah",
    "Mac an tSaoir",
    "de los Ríos",
    "St. John",
    "Da Costa",
    "Ó Súilleabháin",
]
# names that are also ordinary English words: a classic trap
_WORD_NAMES = [
    ("Rose", "Hill", "F"),
    ("Will", "Brown", "M"),
    ("Grace", "Long", "F"),
    ("Mark", "Field", "M"),
    ("Joy", "King", "F"),
    ("Hope", "Rivers", "F"),
    ("Frank", "Bishop", "M"),
    ("April", "Young", "F"),
    ("Bill", "Street", "M"),
    ("Faith", "Little", "F"),
    ("Guy", "Wood", "M"),
]
_ORIGINS = list(_FAMILY)


@dataclasses.dataclass
class Person:
    given: str
    family: str
    sex: str
    middle: str = ""
    title: str = ""

    # --- header
    def pn(self, upper: bool = False, fold: bool = False) -> str:
        parts = [self.family, self.given]
        if self.middle:
            parts.append(self.middle)
        s = "^".join(parts)
        if fold:
            s = ascii_fold(s)
        return s.upper() if upper else s

    # --- pixel forms (one string, no title)
    def form(self, style: str) -> str:
        g, f, m = self.given, self.family, self.middle
        ini = g[0] + "."
        return {
            "given_family": f"{g} {f}",
            "given_middle_family": f"{g} {m[:1] + '. ' if m else ''}{f}",
            "FAMILY, Given": f"{f.upper()}, {g}",
            "Family, Given": f"{f}, {g}",
            "FAMILY GIVEN": f"{f.upper()} {g.upper()}",
            "FAMILY G": f"{f.upper()} {g[0].upper()}",
            "G. Family": f"{ini} {f}",
            "FAMILY^GIVEN": f"{f.upper()}^{g.upper()}",
            "lower": f"{f.lower()}, {g.lower()}",
            "initials": (g[0] + f.replace("'", "").split()[-1][0]).upper(),
            "Family": f,
            "FAMILY": f.upper(),
        }[style]

    @property
    def age_sex(self) -> str:
        return self.sex


NAME_STYLES = [
    "given_family",
    "given_middle_family",
    "FAMILY, Given",
    "Family, Given",
    "FAMILY GIVEN",
    "FAMILY G",
    "G. Family",
    "FAMILY^GIVEN",
    "lower",
]


def person(
    rng: np.random.Generator, origin: str | None = None, sex: str = ""
) -> Person:
    sex = sex or pick(rng, ["F", "M"])
    if origin is None and chance(rng, 0.1):
        g, f, s = pick(rng, [w for w in _WORD_NAMES if w[2] == sex])
        return Person(g, f, s)
    origin = origin or pick(rng, _ORIGINS)
    pool = _GIVEN_F if sex == "F" else _GIVEN_M
    given = pick(rng, pool[origin])
    if chance(rng, 0.12):
        family = pick(rng, _FAMILY_MULTI)
    elif chance(rng, 0.08):
        family = (
            f"{pick(rng, _FAMILY[origin])}-{pick(rng, _FAMILY[pick(rng, _ORIGINS)])}"
        )
    else:
        family = pick(rng, _FAMILY[origin])
    middle = ""
    if chance(rng, 0.25):
        middle = pick(rng, pool[pick(rng, _ORIGINS)])
        if middle == given:
            middle = ""
    return Person(given, family, sex, middle)


# ---------------------------------------------------------------------------
# dates and times

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "it": [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
}
_MON_ABBR_DE = [
    "Jan",
    "Feb",
    "Mär",
    "Apr",
    "Mai",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Okt",
    "Nov",
    "Dez",
]
_MON_ABBR_FR = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def fmt_date(d: dt.date, style: str) -> str:
    mon = MONTHS["en"][d.month - 1]
    return {
        "dmy/": f"{d.day:02d}/{d.month:02d}/{d.year}",
        "mdy/": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "m/d/y": f"{d.month}/{d.day}/{d.year}",
        "iso": d.isoformat(),
        "ymd/": f"{d.year}/{d.month:02d}/{d.day:02d}",
        "dmy.": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "dmy.2": f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
        "d.m.y": f"{d.day}.{d.month}.{d.year}",
        "d Mon y": f"{d.day} {mon[:3]} {d.year}",
        "dd-MON-yyyy": f"{d.day:02d}-{mon[:3].upper()}-{d.year}",
        "ddMONyyyy": f"{d.day:02d}{mon[:3].upper()}{d.year}",
        "Mon d, y": f"{mon[:3]} {d.day}, {d.year}",
        "Month d, y": f"{mon} {d.day}, {d.year}",
        "d Month y": f"{d.day} {mon} {d.year}",
        "de long": f"{d.day}. {MONTHS['de'][d.month - 1]} {d.year}",
        "de abbr": f"{d.day:02d}. {_MON_ABBR_DE[d.month - 1]} {d.year}",
        "fr long": f"{d.day} {MONTHS['fr'][d.month - 1]} {d.year}",
        "fr abbr": f"{d.day} {_MON_ABBR_FR[d.month - 1]} {d.year}",
        "es long": f"{d.day} de {MONTHS['es'][d.month - 1]} de {d.year}",
        "nl long": f"{d.day} {MONTHS['nl'][d.month - 1]} {d.year}",
        "it long": f"{d.day} {MONTHS['it'][d.month - 1]} {d.year}",
        "compact": f"{d.year}{d.month:02d}{d.day:02d}",
        "dmy/2": f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
        "mdy/2": f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
        "dmy-": f"{d.day:02d}-{d.month:02d}-{d.year}",
        "weekday": f"{d.strftime('%A')}, {d.day} {mon} {d.year}",
    }[style]


def fmt_time(t: dt.time, style: str) -> str:
    h12 = t.hour % 12 or 12
    ampm = "AM" if t.hour < 12 else "PM"
    return {
        "hms": f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}",
        "hm": f"{t.hour:02d}:{t.minute:02d}",
        "12h": f"{h12}:{t.minute:02d} {ampm}",
        "12hs": f"{h12}:{t.minute:02d}:{t.second:02d} {ampm.lower()}",
        "fr": f"{t.hour:02d}h{t.minute:02d}",
        "dot": f"{t.hour:02d}.{t.minute:02d}",
    }[style]


# ---------------------------------------------------------------------------
# locales: how a country writes dates, phones, IDs, addresses and field labels

_LABELS = {
    "en": {
        "name": "Name:",
        "pid": "ID:",
        "mrn": "MRN:",
        "dob": "DOB:",
        "date": "Date:",
        "time": "Time:",
        "age": "Age:",
        "sex": "Sex:",
        "acc": "Acc#:",
        "ref": "Ref:",
        "referring": "Referring Physician:",
        "operator": "Operator:",
        "tech": "Tech:",
        "exam": "Exam Date:",
        "tel": "Tel:",
        "fax": "Fax:",
        "email": "E-mail:",
        "address": "Address:",
        "physician": "Physician:",
        "patient": "Patient:",
    },
    "de": {
        "name": "Name:",
        "pid": "Pat.-ID:",
        "mrn": "Fall-Nr.:",
        "dob": "Geb.:",
        "date": "Datum:",
        "time": "Zeit:",
        "age": "Alter:",
        "sex": "Geschl.:",
        "acc": "Auftr.-Nr.:",
        "ref": "Zuweiser:",
        "referring": "Überweisender Arzt:",
        "operator": "MTRA:",
        "tech": "MTRA:",
        "exam": "Untersuchung:",
        "tel": "Tel.:",
        "fax": "Fax:",
        "email": "E-Mail:",
        "address": "Anschrift:",
        "physician": "Arzt:",
        "patient": "Patient:",
    },
    "fr": {
        "name": "Nom :",
        "pid": "IPP :",
        "mrn": "N° dossier :",
        "dob": "Né(e) le :",
        "date": "Date :",
        "time": "Heure :",
        "age": "Âge :",
        "sex": "Sexe :",
        "acc": "N° examen :",
        "ref": "Prescripteur :",
        "referring": "Médecin prescripteur :",
        "operator": "Manip. :",
        "tech": "Manip. :",
        "exam": "Date examen :",
        "tel": "Tél. :",
        "fax": "Fax :",
        "email": "Courriel :",
        "address": "Adresse :",
        "physician": "Médecin :",
        "patient": "Patient :",
    },
    "es": {
        "name": "Nombre:",
        "pid": "NHC:",
        "mrn": "NHC:",
        "dob": "F. nac.:",
        "date": "Fecha:",
        "time": "Hora:",
        "age": "Edad:",
        "sex": "Sexo:",
        "acc": "N° estudio:",
        "ref": "Solicitante:",
        "referring": "Médico solicitante:",
        "operator": "Técnico:",
        "tech": "Téc.:",
        "exam": "Fecha estudio:",
        "tel": "Tel.:",
        "fax": "Fax:",
        "email": "Email:",
        "address": "Dirección:",
        "physician": "Médico:",
        "patient": "Paciente:",
    },
    "nl": {
        "name": "Naam:",
        "pid": "Pat.nr:",
        "mrn": "Pat.nr:",
        "dob": "Geb.datum:",
        "date": "Datum:",
        "time": "Tijd:",
        "age": "Leeftijd:",
        "sex": "Geslacht:",
        "acc": "Onderzoeknr:",
        "ref": "Verwijzer:",
        "referring": "Verwijzend arts:",
        "operator": "Laborant:",
        "tech": "Lab.:",
        "exam": "Onderzoek:",
        "tel": "Tel:",
        "fax": "Fax:",
        "email": "E-mail:",
        "address": "Adres:",
        "physician": "Arts:",
        "patient": "Patiënt:",
    },
}


def _uk_phone(rng):
    return pick(
        rng,
        [
            f"020 7946 {digits(rng, 4)}",
            f"+44 20 7946 {digits(rng, 4)}",
            f"0113 496 {digits(rng, 4)}",
            f"(0161) 496 {digits(rng, 4)}",
            f"07700 900{digits(rng, 3)}",
        ],
    )


def _us_phone(rng):
    a, b = f"{int(rng.integers(201, 989))}", f"{int(rng.integers(200, 999))}"
    c = digits(rng, 4)
    return pick(
        rng, [f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}"]
    )


def _ie_phone(rng):
    return pick(
        rng, [f"(091) 52{digits(rng, 4)}", f"+353 1 {digits(rng, 3)} {digits(rng, 4)}"]
    )


def _de_phone(rng):
    return pick(
        rng,
        [
            f"+49 89 {digits(rng, 4)} {digits(rng, 3)}",
            f"030/{digits(rng, 3)} {digits(rng, 2)}-{digits(rng, 2)}",
            f"0221 {digits(rng, 6)}",
        ],
    )


def _fr_phone(rng):
    p = [digits(rng, 2) for _ in range(4)]
    return pick(
        rng, ["01 " + " ".join(p), "+33 (0)4 " + " ".join(p), "04." + ".".join(p)]
    )


def _es_phone(rng):
    return pick(
        rng,
        [
            f"+34 91 {digits(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}",
            f"93 {digits(rng, 3)} {digits(rng, 4)}",
        ],
    )


def _nl_phone(rng):
    return pick(
        rng,
        [
            f"020-{digits(rng, 7)}",
            f"+31 (0)30 {digits(rng, 3)} {digits(rng, 4)}",
            f"06-{digits(rng, 8)}",
        ],
    )


def _au_phone(rng):
    return pick(
        rng,
        [
            f"(02) 9{digits(rng, 3)} {digits(rng, 4)}",
            f"+61 3 9{digits(rng, 3)} {digits(rng, 4)}",
        ],
    )


def nhs_number(rng: np.random.Generator) -> str:
    while True:
        d = [int(x) for x in rng.integers(0, 10, 9)]
        if d[0] == 0:
            continue
        check = 11 - sum(v * (10 - i) for i, v in enumerate(d)) % 11
        if check == 11:
            check = 0
        if check == 10:
            continue
        s = "".join(map(str, d)) + str(check)
        return f"{s[:3]} {s[3:6]} {s[6:]}"


def _check_letter(s: str) -> str:
    return "ABCDEFGHJKLMNPQRSTUVWXYZ"[
        sum((i + 3) * int(c) for i, c in enumerate(s) if c.isdigit()) % 24
    ]


def _uk_address(rng):
    n, st = (
        int(rng.integers(1, 220)),
        pick(
            rng,
            [
                "Kingsway",
                "Harbour Road",
                "Mill Lane",
                "Church Street",
                "Orchard Close",
                "Queen's Drive",
            ],
        ),
    )
    town, pc = pick(
        rng,
        [
            ("Leeds", "LS6 2QT"),
            ("Bristol", "BS8 4HR"),
            ("Norwich", "NR2 3PL"),
            ("Cardiff", "CF10 3AT"),
            ("York", "YO31 7EP"),
        ],
    )
    flat = f"Flat {int(rng.integers(1, 12))}, " if chance(rng, 0.3) else ""
    return [f"{flat}{n} {st}", f"{town} {pc}"]


def _us_address(rng):
    n = int(rng.integers(10, 9800))
    st = pick(
        rng,
        ["W Elm St", "N Maple Ave", "Lakeview Dr", "Pine Ridge Rd", "E 14th St Apt 5C"],
    )
    city = pick(
        rng,
        [
            "Springfield, IL 62704",
            "Dayton, OH 45409",
            "Tucson, AZ 85719",
            "Albany, NY 12208",
            "Boise, ID 83702",
        ],
    )
    return [f"{n} {st}", city]


def _ie_address(rng):
    return [
        f"{int(rng.integers(1, 90))} {pick(rng, ['Newcastle Road', 'Seaview Park', 'Ashgrove Lawn'])}",
        pick(rng, ["Galway H91 X2Y3", "Dublin 6W D6W F2K7", "Cork T12 AB34"]),
    ]


def _de_address(rng):
    st = pick(
        rng,
        ["Hauptstraße", "Lindenallee", "Am Mühlbach", "Goethestr.", "Schillerplatz"],
    )
    return [
        f"{st} {int(rng.integers(1, 140))}",
        pick(rng, ["80331 München", "50667 Köln", "10115 Berlin", "04109 Leipzig"]),
    ]


def _fr_address(rng):
    st = pick(
        rng,
        [
            "rue des Lilas",
            "avenue Jean-Jaurès",
            "bd de la Liberté",
            "impasse des Tilleuls",
        ],
    )
    return [
        f"{int(rng.integers(1, 120))} {st}",
        pick(rng, ["69003 Lyon", "13006 Marseille", "75011 Paris", "33000 Bordeaux"]),
    ]


def _es_address(rng):
    st = pick(
        rng, ["C/ Mayor", "Avda. de la Constitución", "C/ del Pez", "Paseo de Gracia"]
    )
    return [
        f"{st} {int(rng.integers(1, 200))}, {int(rng.integers(1, 8))}º B",
        pick(rng, ["28013 Madrid", "08008 Barcelona", "41004 Sevilla"]),
    ]


def _nl_address(rng):
    st = pick(rng, ["Prinsengracht", "Kerkstraat", "Vondellaan", "Dorpsweg"])
    return [
        f"{st} {int(rng.integers(1, 400))}",
        pick(rng, ["1015 DV Amsterdam", "3511 AB Utrecht", "2514 GL Den Haag"]),
    ]


def _au_address(rng):
    return [
        f"{int(rng.integers(1, 300))} {pick(rng, ['Parramatta Rd', 'Beach St', 'Wattle Ave'])}",
        pick(rng, ["Glebe NSW 2037", "Fitzroy VIC 3065", "Toowong QLD 4066"]),
    ]


def _ids_uk(rng):
    return {
        "pid": pick(
            rng,
            [
                f"RX{digits(rng, 7)}",
                f"{letters(rng, 1)}{digits(rng, 6)}",
                f"K{digits(rng, 7)}",
            ],
        ),
        "nhs": nhs_number(rng),
        "acc": pick(
            rng, [f"RAD{digits(rng, 8)}", f"{letters(rng, 3)}{digits(rng, 7)}"]
        ),
    }


def _ids_us(rng):
    return {
        "pid": pick(
            rng,
            [
                f"{digits(rng, 8)}",
                f"MRN{digits(rng, 7)}",
                f"{digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 3)}",
            ],
        ),
        "ssn": f"{int(rng.integers(900, 999))}-{digits(rng, 2)}-{digits(rng, 4)}",
        "acc": pick(
            rng,
            [
                f"{digits(rng, 10)}",
                f"E{digits(rng, 7)}",
                f"CT-{digits(rng, 2)}-{digits(rng, 6)}",
            ],
        ),
    }


def _ids_de(rng):
    return {
        "pid": pick(
            rng,
            [
                f"{digits(rng, 10)}",
                f"{digits(rng, 3)}.{digits(rng, 3)}.{digits(rng, 3)}",
            ],
        ),
        "kv": f"{letters(rng, 1)}{digits(rng, 9)}",
        "acc": f"{digits(rng, 4)}{letters(rng, 2)}{digits(rng, 4)}",
    }


def _ids_fr(rng):
    s = digits(rng, 8)
    return {
        "pid": pick(rng, [s, f"{s[:2]}.{s[2:5]}.{s[5:]}"]),
        "nir": f"{pick(rng, ['1', '2'])} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 3)} {digits(rng, 3)} {digits(rng, 2)}",
        "acc": f"A{digits(rng, 9)}",
    }


def _ids_generic(rng):
    s = digits(rng, 7)
    return {
        "pid": pick(
            rng,
            [
                f"{s}{_check_letter(s)}",
                f"{letters(rng, 2)}-{s}",
                f"{s[:3]}.{s[3:]}",
                f"P{s}",
            ],
        ),
        "acc": pick(
            rng,
            [
                f"{digits(rng, 9)}",
                f"AN{digits(rng, 8)}",
                f"{digits(rng, 4)}-{digits(rng, 5)}",
            ],
        ),
    }


_INSTITUTIONS = {
    "uk": [
        "St Brigid's University Hospital",
        "Royal Wexcombe Infirmary",
        "Harrowgate & District NHS Trust",
        "Northfield Community Hospital",
        "Queen Adelaide Women's Unit",
    ],
    "ie": [
        "Mercy Bay University Hospital",
        "St. Fionnuala's Hospital",
        "Western Imaging Galway",
    ],
    "us": [
        "Lakeshore Memorial Medical Center",
        "Riverside Imaging Associates",
        "Mount Calder Health System",
        "Valley Women's Imaging, LLC",
        "St. Agatha Regional Hospital",
    ],
    "de": [
        "Klinikum Nordstadt",
        "Radiologie am Lindenplatz",
        "Universitätsklinikum Halberg",
        "MVZ Kardiologie Süd",
    ],
    "fr": [
        "Hôpital des Tilleuls",
        "CHU Saint-Aubert",
        "Centre d'Imagerie du Parc",
        "Clinique Sainte-Odile",
    ],
    "es": [
        "Hospital Universitario San Rafael",
        "Centro Médico Los Almendros",
    ],
    "nl": [
        "Ziekenhuis Rijnoever",
        "Medisch Centrum De Linde",
    ],
    "au": [
        "Harbourside Radiology",
        "St Columba's Private Hospital",
        "Wattle Park Medical Imaging",
    ],
}
_DENTAL = {
    "uk": [
        "Kingsway Dental Practice",
        "Smile Studio Dental Care",
        "Orchard House Dental",
    ],
    "ie": ["Seaview Dental Surgery"],
    "us": ["Bright Family Dentistry", "Lakeview Dental Group, PC"],
    "de": ["Zahnarztpraxis Dr. Hoffmann & Kollegen", "Zahnzentrum Am Markt"],
    "fr": ["Cabinet Dentaire des Lilas"],
    "es": ["Clínica Dental Sonrisas"],
    "nl": ["Tandartspraktijk Westwijk"],
    "au": ["Wattle Park Dental"],
}
_DOMAINS = {
    "uk": "nhs.net",
    "ie": "hse.ie",
    "us": "health.org",
    "de": "klinikum-nord.de",
    "fr": "chu-aubert.fr",
    "es": "sanrafael.es",
    "nl": "rijnoever.nl",
    "au": "harbourside.com.au",
}

LOCALES = {
    "uk": {
        "lang": "en",
        "dates": ["dmy/", "d Mon y", "dd-MON-yyyy", "dmy/2", "d Month y", "iso"],
        "phone": _uk_phone,
        "address": _uk_address,
        "ids": _ids_uk,
    },
    "ie": {
        "lang": "en",
        "dates": ["dmy/", "d Mon y", "dmy-", "dd-MON-yyyy"],
        "phone": _ie_phone,
        "address": _ie_address,
        "ids": _ids_generic,
    },
    "us": {
        "lang": "en",
        "dates": ["mdy/", "m/d/y", "Mon d, y", "Month d, y", "mdy/2", "iso", "weekday"],
        "phone": _us_phone,
        "address": _us_address,
        "ids": _ids_us,
    },
    "de": {
        "lang": "de",
        "dates": ["dmy.", "dmy.2", "d.m.y", "de long", "de abbr", "iso"],
        "phone": _de_phone,
        "address": _de_address,
        "ids": _ids_de,
    },
    "fr": {
        "lang": "fr",
        "dates": ["dmy/", "fr long", "fr abbr", "dmy/2"],
        "phone": _fr_phone,
        "address": _fr_address,
        "ids": _ids_fr,
    },
    "es": {
        "lang": "es",
        "dates": ["dmy/", "es long", "dmy-", "dmy/2"],
        "phone": _es_phone,
        "address": _es_address,
        "ids": _ids_generic,
    },
    "nl": {
        "lang": "nl",
        "dates": ["dmy-", "nl long", "dmy.", "iso"],
        "phone": _nl_phone,
        "address": _nl_address,
        "ids": _ids_generic,
    },
    "au": {
        "lang": "en",
        "dates": ["dmy/", "d Mon y", "ymd/", "dmy/2"],
        "phone": _au_phone,
        "address": _au_address,
        "ids": _ids_generic,
    },
}
_LOCALE_WEIGHTS = {
    "uk": 3,
    "ie": 1,
    "us": 3,
    "de": 2,
    "fr": 2,
    "es": 1,
    "nl": 1,
    "au": 1,
}
_ORIGIN_BY_LOCALE = {
    "uk": "en",
    "ie": "en",
    "us": "en",
    "de": "de",
    "fr": "fr",
    "es": "es",
    "nl": "nl",
    "au": "en",
}


@dataclasses.dataclass
class Identity:
    """Everything a scene may print about one patient and one visit."""

    locale: str
    lang: str
    patient: Person
    dob: dt.date
    study: dt.datetime
    ids: dict[str, str]
    institution: str
    dental: str
    inst_address: list[str]
    inst_phone: str
    inst_fax: str
    inst_email: str
    patient_address: list[str]
    patient_phone: str
    patient_email: str
    referring: Person
    operator: Person
    radiologist: Person
    relative: Person
    relative_phone: str
    prior: dt.date
    date_style: str
    rng: np.random.Generator

    @property
    def age(self) -> int:
        d, b = self.study.date(), self.dob
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

    @property
    def labels(self) -> dict[str, str]:
        return _LABELS.get(self.lang, _LABELS["en"])

    def date(self, d: dt.date | None = None, style: str | None = None) -> str:
        return fmt_date(d or self.study.date(), style or self.date_style)

    def short_date_style(self) -> str:
        """The locale's style if it is compact, else ISO (for narrow table cells)."""
        if len(fmt_date(dt.date(2000, 12, 28), self.date_style)) <= 11:
            return self.date_style
        return "iso"

    def other_date_style(self) -> str:
        return pick(self.rng, LOCALES[self.locale]["dates"])

    def time(self, t: dt.time | None = None, style: str = "hms") -> str:
        return fmt_time(t or self.study.time(), style)

    def age_text(self, style: str | None = None) -> str:
        a = self.age
        style = style or pick(self.rng, ["Y", "y", "yrs", "lang", "plain"])
        if style == "lang":
            return {
                "de": f"{a} J.",
                "fr": f"{a} ans",
                "es": f"{a} años",
                "nl": f"{a} jaar",
            }.get(self.lang, f"{a} years")
        return {"Y": f"{a:03d}Y", "y": f"{a}y", "yrs": f"{a} yrs", "plain": f"{a}"}[
            style
        ]


def identity(
    rng: np.random.Generator, min_age: int = 18, max_age: int = 96, sex: str = ""
) -> Identity:
    locs = list(_LOCALE_WEIGHTS)
    w = np.array([_LOCALE_WEIGHTS[k] for k in locs], float)
    loc = locs[int(rng.choice(len(locs), p=w / w.sum()))]
    info = LOCALES[loc]
    home = _ORIGIN_BY_LOCALE[loc]
    origin = home if chance(rng, 0.55) else None
    pat = person(rng, origin, sex)
    staff = [person(rng, home if chance(rng, 0.5) else None) for _ in range(4)]
    staff[0].title = pick(rng, ["Dr", "Dr.", "Prof.", "Dr"])
    staff[2].title = (
        pick(rng, ["Dr", "Dr.", "Prof. Dr.", "Dr"])
        if loc == "de"
        else pick(rng, ["Dr", "Dr."])
    )
    pat.title = {
        "F": pick(rng, ["Mrs", "Ms", "Miss", "Mrs."]),
        "M": pick(rng, ["Mr", "Mr."]),
    }[pat.sex]
    year = int(rng.integers(2015, 2026))
    study = dt.datetime(year, 1, 1, 7, 0, 0) + dt.timedelta(
        days=int(rng.integers(0, 365)), seconds=int(rng.integers(0, 12 * 3600))
    )
    # skew towards ages people are actually imaged at; a few nonagenarians
    old = max_age >= 90 and chance(rng, 0.07)
    age = (
        int(rng.integers(90, max_age + 1))
        if old
        else int(rng.integers(min_age, min(max_age, 89) + 1))
    )
    dob = study.date() - dt.timedelta(days=int(age * 365.25 + rng.integers(1, 360)))
    inst = pick(rng, _INSTITUTIONS[loc])
    dental = pick(rng, _DENTAL[loc])
    addr = info["address"](rng)
    ids = info["ids"](rng)
    dom = _DOMAINS[loc]
    p_local = ascii_fold(pat.given.lower()).replace(" ", "").replace("'", "")
    f_local = ascii_fold(pat.family.lower()).replace(" ", "").replace("'", "")
    pmail = pick(
        rng,
        [
            f"{p_local}.{f_local}@mailbox.com",
            f"{p_local[0]}{f_local}{int(rng.integers(10, 99))}@webpost.net",
            f"{f_local}.{p_local}@gmx.de",
        ],
    )
    iref = ascii_fold(staff[0].family.lower()).replace(" ", "").replace("'", "")
    imail = pick(
        rng,
        [
            f"radiology@{dom}",
            f"{iref}@{dom}",
            f"appointments@{dom}",
            f"{ascii_fold(staff[0].given[0].lower())}.{iref}@{dom}",
        ],
    )
    return Identity(
        locale=loc,
        lang=info["lang"],
        patient=pat,
        dob=dob,
        study=study,
        ids=ids,
        institution=inst,
        dental=dental,
        inst_address=addr,
        inst_phone=info["phone"](rng),
        inst_fax=info["phone"](rng),
        inst_email=imail,
        patient_address=info["address"](rng),
        patient_phone=info["phone"](rng),
        patient_email=pmail,
        referring=staff[0],
        operator=staff[1],
        radiologist=staff[2],
        relative=staff[3],
        relative_phone=info["phone"](rng),
        prior=study.date() - dt.timedelta(days=int(rng.integers(60, 2000))),
        date_style=pick(rng, info["dates"]),
        rng=rng,
    )
