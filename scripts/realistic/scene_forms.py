"""Scanned paper documents saved as secondary captures: requisitions, consent
forms, sonographer worksheets and referral letters, printed on paper and scanned a
little crooked."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
from common import Scene, Shot, choose, smooth_noise
from fakeid import date_as, name_as
from textdraw import Canvas, Seg, Style, bold, hdr, line_height, oth, text_width

HISTORY = [
    "Right upper quadrant pain for 3 weeks, rule out cholelithiasis.",
    "Persistent cough and weight loss. Evaluate for mass.",
    "Follow-up of 8 mm pulmonary nodule seen on prior CT.",
    "Palpable lump left breast, upper outer quadrant.",
    "Elevated liver enzymes. Assess for fatty liver or biliary dilatation.",
    "Chronic low back pain radiating to left leg. Disc herniation?",
    "Post-operative check after right hip replacement.",
    "Headache with visual disturbance. Exclude intracranial lesion.",
    "Shortness of breath, raised D-dimer. Query pulmonary embolism.",
    "Abdominal pain and vomiting, suspected small bowel obstruction.",
    "Painless hematuria. Evaluate kidneys, ureters and bladder.",
    "Pelvic pain with irregular bleeding. Assess endometrium and ovaries.",
    "Staging of known colorectal carcinoma.",
    "Swelling of left calf after long flight. Exclude DVT.",
    "Fall on outstretched hand, tenderness over scaphoid.",
    "Thyroid nodule on palpation, assess size and vascularity.",
]
EXAMS = [
    "CT ABDOMEN/PELVIS WITH CONTRAST",
    "US ABDOMEN COMPLETE",
    "CT CHEST WITHOUT CONTRAST",
    "MRI LUMBAR SPINE",
    "CT PULMONARY ANGIOGRAM",
    "US PELVIS TRANSVAGINAL",
    "MRI BRAIN WITH AND WITHOUT CONTRAST",
    "US DOPPLER LOWER EXTREMITY VENOUS",
    "XR WRIST 3 VIEWS",
    "US THYROID",
    "MAMMOGRAM DIAGNOSTIC BILATERAL",
]
CONSENT = (
    "I understand that the examination may require an injection of contrast medium "
    "into a vein. The benefits, risks and alternatives have been explained to me, "
    "including the small risk of an allergic reaction, discomfort at the injection "
    "site and, rarely, effects on kidney function. I have had the opportunity to ask "
    "questions and all my questions have been answered. I consent to the procedure "
    "and to the use of contrast medium if the radiologist considers it necessary."
)
LETTER = (
    "Thank you for seeing {who}, a {age} year old {sex} who presents with {story} "
    "Past history includes hypertension and type 2 diabetes, well controlled on "
    "metformin. There are no known drug allergies. I would be grateful for your "
    "opinion and for imaging as you see fit. Please send the report to the practice."
)


# -- text flow -----------------------------------------------------------------------


def flow(
    canvas: Canvas,
    x: int,
    y: int,
    width: int,
    segs: list[Seg | str],
    style: Style,
    leading: int,
) -> int:
    """Lay out running text word by word inside ``width``; PHI segments stay whole
    and become their own truth lines. Returns the y below the paragraph."""
    words: list[Seg] = []
    for s in segs:
        s = s if isinstance(s, Seg) else Seg(s)
        if s.entity is None:
            words += [Seg(w) for w in s.text.split()]
        else:
            words.append(s)
    line: list[Seg] = []

    def emit(line: list[Seg], y: int) -> None:
        merged: list[Seg] = []
        for w in line:  # runs of plain words form one annotation line
            if merged and w.entity is None and merged[-1].entity is None:
                merged[-1] = Seg(merged[-1].text + " " + w.text)
            else:
                merged.append(w)
        canvas.row(x, y, merged, style)

    for w in words:
        trial = " ".join(s.text for s in [*line, w])
        if line and text_width(trial, style) > width:
            emit(line, y)
            y += leading
            line = []
        line.append(w)
    if line:
        emit(line, y)
        y += leading
    return y


# -- paper ------------------------------------------------------------------------------


def _paper(scene: Scene, rows: int, cols: int, colour: bool) -> np.ndarray:
    nrng, r = scene.nrng, scene.rng
    tint = np.array(
        r.choice(
            [
                (0.97, 0.96, 0.93),
                (0.95, 0.95, 0.95),
                (0.98, 0.97, 0.9),
                (0.93, 0.95, 0.97),
            ]
        ),
        np.float32,
    )
    shade = 1 + 0.025 * smooth_noise(nrng, (rows, cols), max(rows, cols) / 6)
    grain = 0.012 * nrng.standard_normal((rows, cols)).astype(np.float32)
    page = (shade + grain)[..., None] * tint
    if not colour:
        page = page @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(page, 0, 1).astype(np.float32)


def _ink(canvas: Canvas, mask: np.ndarray, ink: float | tuple[float, ...]) -> None:
    """Print line art on page frame 0 wherever no character is: lines pass behind
    text, so every character's ink stays exactly what its label says."""
    free = mask & (canvas.labels[0] == 0)
    canvas.img[0][free] = canvas.col(ink if isinstance(ink, tuple) else float(ink))


def _mask(canvas: Canvas) -> np.ndarray:
    return np.zeros((canvas.h, canvas.w), np.uint8)


def _box(canvas: Canvas, x: int, y: int, w: int, h: int, ink: float) -> None:
    m = _mask(canvas)
    cv2.rectangle(m, (x, y), (x + w, y + h), 1, 1)
    _ink(canvas, m > 0, ink)


def _hline(canvas: Canvas, x: int, y: int, w: int, ink: float) -> None:
    m = np.zeros((canvas.h, canvas.w), bool)
    m[y, x : x + w] = True
    _ink(canvas, m, ink)


def _vline(canvas: Canvas, x: int, y: int, h: int, ink: float) -> None:
    m = np.zeros((canvas.h, canvas.w), bool)
    m[y : y + h, x] = True
    _ink(canvas, m, ink)


def _barcode(
    scene: Scene, canvas: Canvas, x: int, y: int, w: int, h: int, ink: float
) -> None:
    r = scene.rng
    m = np.zeros((canvas.h, canvas.w), bool)
    pos = x
    while pos < x + w:
        bar = r.choice([1, 1, 2, 3])
        m[y : y + h, pos : pos + bar] = True
        pos += bar + r.choice([1, 2, 2, 3])
    _ink(canvas, m, ink)


def _signature(
    scene: Scene,
    canvas: Canvas,
    x: int,
    y: int,
    w: int,
    h: int,
    colour: tuple[float, float, float],
) -> None:
    """A scribbled signature: loops along a baseline (graphics, not text)."""
    r = scene.rng
    t = np.linspace(0, 1, 220)
    loops = r.uniform(3, 7)
    xs = x + t * w + (h * 0.35) * np.sin(2 * np.pi * loops * t + r.random())
    ys = y + h / 2 + (h * 0.4) * np.sin(2 * np.pi * loops * t * 1.9) * (1 - 0.6 * t)
    pts = np.stack([xs, ys], 1).astype(np.int32)
    m = _mask(canvas)
    cv2.polylines(m, [pts], False, 1, 2, cv2.LINE_AA)
    _ink(canvas, m > 0, colour)


def _checkbox(
    canvas: Canvas, x: int, y: int, size: int, ink: float, ticked: bool
) -> None:
    m = _mask(canvas)
    cv2.rectangle(m, (x, y), (x + size, y + size), 1, 1)
    if ticked:
        cv2.line(m, (x + 2, y + 2), (x + size - 2, y + size - 2), 1, 2)
        cv2.line(m, (x + size - 2, y + 2), (x + 2, y + size - 2), 1, 2)
    _ink(canvas, m > 0, ink)


def form(scene: Scene) -> Shot:
    """A scanned paper document: requisition, consent, worksheet or letter."""
    r, case = scene.rng, scene.case
    rows, cols = r.choice(
        [
            (1100, 850),
            (1400, 1000),
            (1600, 1200),
            (1500, 1100),
            (1200, 900),
            (1200, 1600),
        ]
    )
    colour = r.random() < 0.45
    kind = choose(r, {"requisition": 3, "consent": 1.5, "worksheet": 1.5, "letter": 2})
    img = _paper(scene, rows, cols, colour)[None]
    s = cols / 850 if cols <= rows else rows / 1100
    ink = r.uniform(0.05, 0.22)
    # A few forms printed or filled in a faint grey: still readable, less contrast.
    if r.random() < 0.15:
        ink = r.uniform(0.55, 0.62)
    face = r.choice(["arial", "sans", "times", "free_sans", "free_serif", "serif"])
    value_face = r.choice([face, "courier", "mono", bold(face)])
    value_ink = (0.1, 0.15, 0.45) if colour and r.random() < 0.3 else ink
    if r.random() < 0.12:
        value_ink = r.uniform(0.8, 0.84)  # faded printer: ~25 grey levels on paper
    label = Style(font=face, size=int(13 * s), color=ink, aa=r.random() < 0.85)
    value = Style(font=value_face, size=int(14 * s), color=value_ink, aa=label.aa)
    title = Style(font=bold(face), size=int(r.uniform(20, 28) * s), color=ink)
    small = label.but(size=max(10, int(10 * s)))
    margin = int(60 * s)
    width = cols - 2 * margin
    dfmt = r.choice(
        ["%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%b-%Y", "%B %d, %Y"]
    )

    canvas = scene.canvas(img, keep_masks=True)
    y = margin
    canvas.row(margin, y, [hdr(case.institution, "ORGANIZATION")], title)
    y += line_height(title) + 4
    canvas.row(margin, y, [hdr(case.institution_street, "LOCATION")], small)
    y += line_height(small) + 2
    canvas.row(
        margin,
        y,
        [
            hdr(case.institution_city, "LOCATION"),
            "Tel:",
            oth(case.hospital_phone, "PHONE_NUMBER"),
        ],
        small,
        sep="   ",
    )
    y += line_height(small) + int(18 * s)
    _hline(canvas, margin, y, width, ink)
    y += int(14 * s)
    # Patient label sticker (addressograph) in the top right corner.
    if kind != "letter" and r.random() < 0.6:
        lw, lh = int(270 * s), int(96 * s)
        lx, ly = cols - margin - lw, margin - int(10 * s)
        canvas.panel(lx, ly, lw, lh, (1.0, 1.0, 0.97))
        _box(canvas, lx, ly, lw, lh, 0.6)
        stick = Style(
            font=r.choice(["courier", "mono", "arial"]),
            size=int(12 * s),
            color=0.08,
            aa=r.random() < 0.5,
        )
        sl = line_height(stick) + 1
        canvas.row(
            lx + 6,
            ly + 4,
            [hdr(name_as(case.patient, "COMMA", fold=True), "PERSON")],
            stick,
        )
        canvas.row(
            lx + 6,
            ly + 4 + sl,
            ["MRN", hdr(case.patient_id, "ID"), case.patient.sex],
            stick,
        )
        canvas.row(
            lx + 6,
            ly + 4 + 2 * sl,
            ["DOB", hdr(date_as(case.birth, "%m/%d/%Y"), "DATE_TIME")],
            stick,
        )
        _barcode(
            scene,
            canvas,
            lx + 6,
            ly + 4 + 3 * sl + 2,
            lw - 12,
            max(10, ly + lh - (ly + 4 + 3 * sl + 2) - 4),
            0.05,
        )

    if kind == "letter":
        y = _letter(scene, canvas, y, margin, width, label, value, dfmt, s)
    else:
        doc_title = {
            "requisition": r.choice(
                [
                    "RADIOLOGY REQUISITION",
                    "IMAGING REQUEST FORM",
                    "Diagnostic Imaging Order",
                ]
            ),
            "consent": r.choice(
                [
                    "CONSENT FOR CONTRAST-ENHANCED IMAGING",
                    "Patient Consent - Contrast Media",
                ]
            ),
            "worksheet": r.choice(
                ["ULTRASOUND TECHNOLOGIST WORKSHEET", "Sonographer Worksheet"]
            ),
        }[kind]
        canvas.row(margin, y, [doc_title], title.but(size=int(title.size * 0.8)))
        y += line_height(title) + int(14 * s)
        y = _patient_fields(scene, canvas, y, margin, width, label, value, dfmt, s)
        y += int(16 * s)
        if kind == "requisition":
            y = _requisition(scene, canvas, y, margin, width, label, value, dfmt, s)
        elif kind == "consent":
            y = _consent(scene, canvas, y, margin, width, label, value, dfmt, s)
        else:
            y = _worksheet(scene, canvas, y, margin, width, label, value, dfmt, s)
    footer = r.choice(
        [
            (
                f"Form RAD-{r.randint(100, 999)} Rev. {r.randint(1, 12):02d}/"
                f"{r.randint(2012, 2022)}"
            ),
            "Page 1 of 1",
            f"{case.department} - original to chart",
        ]
    )
    canvas.write(margin, rows - margin // 2 - line_height(small), footer, small)

    # The scan: crooked page, scanner noise on top.
    canvas.rotate(
        r.uniform(-2, 2),
        r.uniform(-8, 8),
        r.uniform(-8, 8),
        border=r.choice([0.15, 1.0, 0.9]),
    )
    canvas.img += scene.nrng.normal(0, 0.008, canvas.img.shape).astype(np.float32)
    np.clip(canvas.img, 0, 1, out=canvas.img)
    syntax = choose(r, {"jpeg": 3, "explicit": 2, "rle": 1})
    photometric = "RGB" if colour else "MONOCHROME2"
    if colour and syntax == "jpeg":
        photometric = "YBR_FULL_422"
    return Shot(
        modality="SC",
        canvas=canvas,
        photometric=photometric,
        syntax=syntax,
        attrs={"ImageType": ["DERIVED", "SECONDARY"], "ConversionType": "DF"},
        device=("DocuScan", "DS-620"),
        study="Scanned document",
        series=kind.title(),
    )


def _field(
    canvas: Canvas,
    x: int,
    y: int,
    name: str,
    seg: Seg | str | None,
    label: Style,
    value: Style,
    underline: int = 0,
) -> None:
    """A printed field label with its filled-in value to the right."""
    canvas.write(x, y + (line_height(value) - line_height(label)), name, label)
    vx = x + text_width(name, label) + max(8, label.size // 2)
    if underline:
        _hline(
            canvas,
            vx,
            y + line_height(value) + 1,
            underline,
            float(np.mean(canvas.col(label.color))),
        )
    if seg:
        canvas.write(vx + 4, y, seg, value)


def _patient_fields(
    scene: Scene,
    canvas: Canvas,
    y: int,
    x: int,
    width: int,
    label: Style,
    value: Style,
    dfmt: str,
    s: float,
) -> int:
    r, case = scene.rng, scene.case
    ink = float(np.mean(canvas.col(label.color)))
    lead = line_height(value) + int(12 * s)
    top = y
    y += int(10 * s)
    half = x + width // 2
    name = name_as(case.patient, r.choice(["comma", "natural", "COMMA", "NATURAL"]))
    u = r.choice([0, int(200 * s)])
    _field(
        canvas,
        x + 10,
        y,
        r.choice(["Patient Name:", "Name:", "Patient:"]),
        hdr(name, "PERSON"),
        label,
        value,
        u,
    )
    _field(
        canvas,
        half,
        y,
        r.choice(["DOB:", "Date of Birth:", "D.O.B."]),
        hdr(date_as(case.birth, dfmt), "DATE_TIME"),
        label,
        value,
        u // 2,
    )
    y += lead
    _field(
        canvas,
        x + 10,
        y,
        r.choice(["MRN:", "Hospital No:", "Patient ID:", "Chart #:"]),
        hdr(case.patient_id, "ID"),
        label,
        value,
        u,
    )
    _field(canvas, half, y, "Sex:", case.patient.sex, label, value, u // 3)
    y += lead
    _field(
        canvas, x + 10, y, "Address:", oth(case.address, "LOCATION"), label, value, u
    )
    y += lead
    canvas.write(
        x + 10 + text_width("Address:", label) + max(8, label.size // 2) + 4,
        y,
        oth(scene.case.city_line, "LOCATION"),
        value,
    )
    y += lead
    _field(
        canvas,
        x + 10,
        y,
        r.choice(["Phone:", "Tel:", "Home phone:"]),
        oth(case.phone, "PHONE_NUMBER"),
        label,
        value,
        u,
    )
    if r.random() < 0.6:
        _field(
            canvas, half, y, "Email:", oth(case.email, "EMAIL_ADDRESS"), label, value, 0
        )
    y += lead
    if r.random() < 0.5:
        _field(
            canvas,
            x + 10,
            y,
            r.choice(["Insurance No:", "Policy #:", "NHS No:"]),
            oth(case.other_ids[0], "ID"),
            label,
            value,
            u,
        )
        _field(
            canvas,
            half,
            y,
            "Ward:",
            r.choice(["4 West", "ED", "Outpatient", "ICU Bed 7", "Day Unit"]),
            label,
            value,
            0,
        )
        y += lead
    _box(canvas, x, top, width, y - top, ink)
    return y


def _requisition(
    scene: Scene,
    canvas: Canvas,
    y: int,
    x: int,
    width: int,
    label: Style,
    value: Style,
    dfmt: str,
    s: float,
) -> int:
    r, case = scene.rng, scene.case
    ink = float(np.mean(canvas.col(label.color)))
    lead = line_height(value) + int(12 * s)
    _field(canvas, x, y, "Exam requested:", r.choice(EXAMS), label, value)
    y += lead
    # Priority checkboxes.
    canvas.write(x, y, "Priority:", label)
    bx = x + text_width("Priority:", label) + 16
    chosen = r.randrange(3)
    for i, word in enumerate(["Routine", "Urgent", "STAT"]):
        _checkbox(canvas, bx, y + 2, label.size, ink, i == chosen)
        canvas.write(bx + label.size + 6, y, word, label)
        bx += label.size + 16 + text_width(word, label) + 20
    y += lead
    canvas.write(x, y, "Clinical history:", label)
    y += lead
    y = flow(
        canvas,
        x + 20,
        y,
        width - 40,
        [
            r.choice(HISTORY),
            r.choice(
                [
                    "",
                    "Previous imaging available on PACS.",
                    "Please compare with prior study.",
                    "Patient is diabetic on metformin.",
                ]
            ),
        ],
        value,
        lead - int(4 * s),
    )
    y += int(6 * s)
    for question in r.sample(
        [
            "Pregnant?",
            "Contrast allergy?",
            "Pacemaker?",
            "Claustrophobic?",
            "Diabetic?",
        ],
        3,
    ):
        canvas.write(x, y, question, label)
        bx = x + int(200 * s)
        yes = r.random() < 0.2
        for word, tick in (("Yes", yes), ("No", not yes)):
            _checkbox(canvas, bx, y + 2, label.size, ink, tick)
            canvas.write(bx + label.size + 6, y, word, label)
            bx += int(90 * s)
        y += lead
    _field(
        canvas, x, y, "Creatinine:", f"{r.uniform(0.6, 1.4):.1f} mg/dL", label, value
    )
    _field(
        canvas, x + width // 2, y, "Weight:", f"{r.randint(48, 120)} kg", label, value
    )
    y += lead + int(10 * s)
    _hline(canvas, x, y, width, ink)
    y += int(14 * s)
    ref = name_as(case.referring, r.choice(["dr", "dr_full", "comma"]))
    _field(
        canvas,
        x,
        y,
        r.choice(["Referring Physician:", "Requested by:", "Ordering provider:"]),
        hdr(ref, "PERSON"),
        label,
        value,
    )
    y += lead
    _field(
        canvas,
        x,
        y,
        r.choice(["Pager/Phone:", "Contact:"]),
        oth(case.hospital_phone, "PHONE_NUMBER"),
        label,
        value,
    )
    y += lead + int(8 * s)
    sig_y = y + int(30 * s)
    _signature(
        scene,
        canvas,
        x + int(110 * s),
        y - int(4 * s),
        int(180 * s),
        int(36 * s),
        (0.1, 0.12, 0.4),
    )
    _hline(canvas, x + int(100 * s), sig_y, int(220 * s), ink)
    canvas.write(x, sig_y - line_height(label), "Signature:", label)
    canvas.write(
        x + int(100 * s),
        sig_y + 4,
        hdr(name_as(case.referring, "dr_full"), "PERSON"),
        label,
    )
    req_date = case.study - dt.timedelta(days=r.randint(0, 20))
    _field(
        canvas,
        x + int(360 * s),
        sig_y - line_height(value),
        "Date:",
        oth(date_as(req_date, dfmt), "DATE_TIME"),
        label,
        value,
    )
    return sig_y + 2 * lead


def _consent(
    scene: Scene,
    canvas: Canvas,
    y: int,
    x: int,
    width: int,
    label: Style,
    value: Style,
    dfmt: str,
    s: float,
) -> int:
    case = scene.case
    ink = float(np.mean(canvas.col(label.color)))
    lead = line_height(label) + int(8 * s)
    y = flow(canvas, x, y, width, [CONSENT], label, lead)
    y += int(20 * s)
    for role, person, who in (
        ("Patient signature", case.patient, "header"),
        ("Witness", case.staff, "other"),
    ):
        _signature(
            scene,
            canvas,
            x + int(30 * s),
            y,
            int(200 * s),
            int(34 * s),
            (0.1, 0.1, 0.35),
        )
        y += int(40 * s)
        _hline(canvas, x, y, int(300 * s), ink)
        _hline(canvas, x + int(380 * s), y, int(180 * s), ink)
        y += 4
        canvas.write(x, y, role, label)
        canvas.write(x + int(380 * s), y, "Date", label)
        y += line_height(label) + 2
        canvas.write(x, y, Seg(name_as(person, "natural"), "PERSON", who), value)
        canvas.write(
            x + int(380 * s), y, hdr(date_as(case.study, dfmt), "DATE_TIME"), value
        )
        y += line_height(value) + int(26 * s)
    return y


def _worksheet(
    scene: Scene,
    canvas: Canvas,
    y: int,
    x: int,
    width: int,
    label: Style,
    value: Style,
    dfmt: str,
    s: float,
) -> int:
    r, case = scene.rng, scene.case
    ink = float(np.mean(canvas.col(label.color)))
    lead = line_height(value) + int(12 * s)
    heads = ["Organ", "Length", "Width", "Height", "Notes"]
    cols_x = [x, x + int(170 * s), x + int(280 * s), x + int(390 * s), x + int(500 * s)]
    organs = r.sample(
        [
            "Liver",
            "Spleen",
            "Right kidney",
            "Left kidney",
            "Gallbladder",
            "CBD",
            "Pancreas",
            "Aorta",
            "Bladder",
        ],
        r.randint(4, 7),
    )
    n = len(organs) + 1
    for i in range(n + 1):
        _hline(canvas, x, y + i * lead, width, ink)
    for cx in [*cols_x, x + width]:
        _vline(canvas, cx, y, n * lead, ink)
    for hx, h in zip(cols_x, heads):
        canvas.write(hx + 6, y + 4, h, label)
    notes = [
        "normal",
        "WNL",
        "no stones",
        "echogenic",
        "not seen",
        "",
        "2 mm wall",
        "no hydro",
        "0.4 cm",
    ]
    for i, organ in enumerate(organs):
        ry = y + (i + 1) * lead + 4
        canvas.write(cols_x[0] + 6, ry, organ, label)
        for j in (1, 2, 3):
            if r.random() < 0.8:
                canvas.write(cols_x[j] + 6, ry, f"{r.uniform(0.3, 16):.1f} cm", value)
        note = r.choice(notes)
        if note:
            canvas.write(cols_x[4] + 6, ry, note, value)
    y += n * lead + int(20 * s)
    canvas.write(x, y, "Findings / comments:", label)
    y += lead
    y = flow(
        canvas,
        x + 10,
        y,
        width - 20,
        [r.choice(HISTORY), "Images sent to PACS for review."],
        value,
        lead - int(4 * s),
    )
    y += int(10 * s)
    _field(
        canvas,
        x,
        y,
        r.choice(["Sonographer:", "Performed by:", "Tech:"]),
        oth(name_as(case.staff, r.choice(["natural", "initial"])), "PERSON"),
        label,
        value,
    )
    _field(
        canvas,
        x + width // 2,
        y,
        "Date:",
        hdr(date_as(case.study, dfmt), "DATE_TIME"),
        label,
        value,
    )
    return y + lead


def _letter(
    scene: Scene,
    canvas: Canvas,
    y: int,
    x: int,
    width: int,
    label: Style,
    value: Style,
    dfmt: str,
    s: float,
) -> int:
    r, case = scene.rng, scene.case
    body = label.but(size=int(14 * s))
    lead = line_height(body) + int(6 * s)
    canvas.write(
        x,
        y,
        oth(
            date_as(
                case.study - dt.timedelta(days=r.randint(2, 30)),
                r.choice(["%d %B %Y", "%B %d, %Y", dfmt]),
            ),
            "DATE_TIME",
        ),
        body,
    )
    y += 2 * lead
    canvas.write(x, y, hdr(name_as(case.performing, "dr_full"), "PERSON"), body)
    y += lead
    canvas.write(x, y, f"Department of {case.department}", body)
    y += 2 * lead
    re_line = [
        r.choice(["Re:", "RE:", "Patient:"]),
        hdr(name_as(case.patient, r.choice(["natural", "comma"])), "PERSON"),
        "DOB",
        hdr(date_as(case.birth, dfmt), "DATE_TIME"),
        r.choice(["MRN", "Hosp. no."]),
        hdr(case.patient_id, "ID"),
    ]
    canvas.row(x, y, re_line, body.but(font=bold(body.font)))
    y += lead
    canvas.row(
        x,
        y,
        [oth(case.address, "LOCATION"), oth(case.city_line, "LOCATION")],
        body,
        sep=", ",
    )
    y += 2 * lead
    dear = name_as(case.performing, "dr").replace("Dr. ", "Dr ")
    canvas.row(x, y, ["Dear", hdr(dear, "PERSON")], body)
    canvas.write(x + text_width(f"Dear {dear}", body), y, ",", body)
    y += int(1.6 * lead)
    title = "Mrs" if case.patient.sex == "F" else "Mr"
    segs = LETTER.split("{who}")
    first = segs[0]
    rest = segs[1].format(
        age=case.age_years,
        sex="woman" if case.patient.sex == "F" else "man",
        story=r.choice(HISTORY).lower(),
    )
    y = flow(
        canvas,
        x,
        y,
        width,
        [first, hdr(f"{title} {case.patient.family}", "PERSON"), rest],
        body,
        lead,
    )
    y += lead
    canvas.write(x, y, "Yours sincerely,", body)
    _signature(scene, canvas, x, y + lead, int(200 * s), int(40 * s), (0.05, 0.05, 0.3))
    y += lead + int(50 * s)
    canvas.write(x, y, hdr(name_as(case.referring, "dr_full"), "PERSON"), body)
    y += lead
    canvas.row(
        x,
        y,
        [
            "Tel:",
            oth(
                case.phone if r.random() < 0.2 else case.hospital_phone, "PHONE_NUMBER"
            ),
        ],
        body,
    )
    return y + lead
