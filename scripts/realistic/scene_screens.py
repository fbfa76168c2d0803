"""Screens saved as secondary captures: CT dose reports and modality-worklist
screenshots (several patients per screen, the study's own patient among them)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from common import Scene, Shot, choose, date_formats
from fakeid import date_as, name_as
from scene_forms import EXAMS
from textdraw import Seg, Style, bold, hdr, line_height, text_width

# -- dose report -------------------------------------------------------------------


def dose_report(scene: Scene) -> Shot:
    r, case = scene.rng, scene.case
    rows, cols = r.choice([(512, 512), (768, 1024), (600, 800), (1024, 1024)])
    dark = r.random() < 0.6
    colour = r.random() < 0.5
    bgv = 0.0 if dark else 0.97
    img = np.full((1, rows, cols, 3) if colour else (1, rows, cols), bgv, np.float32)
    fg = r.choice([0.92, 0.85, 1.0]) if dark else 0.05
    k = cols / 700
    style = Style(
        font=r.choice(["sans", "arial", "mono", "courier", "sans_cond"]),
        size=max(10, int(13 * k)),
        color=fg,
        aa=r.random() < 0.6,
    )
    head = style.but(size=int(style.size * 1.3), font=bold(style.font))
    canvas = scene.canvas(img)
    lh = line_height(style) + 4
    m = int(16 * k)
    dfmt, tfmt = date_formats(r)
    # The header bar is a graphic under text: draw it first.
    if colour:
        canvas.panel(
            0,
            0,
            cols,
            line_height(head) + 2 * m,
            (0.12, 0.2, 0.4) if dark else (0.8, 0.86, 0.95),
        )
    y = m
    canvas.write(
        m, y, r.choice(["Dose Report", "DOSE REPORT", "Radiation Dose Summary"]), head
    )
    y += line_height(head) + m
    name = name_as(case.patient, r.choice(["dicom", "COMMA", "comma"]))
    canvas.row(m, y, ["Patient:", hdr(name, "PERSON")], style)
    canvas.row(cols // 2, y, ["ID:", hdr(case.patient_id, "ID")], style)
    y += lh
    canvas.row(m, y, ["Exam:", hdr(case.accession, "ID")], style)
    canvas.row(
        cols // 2,
        y,
        [
            hdr(date_as(case.study, dfmt), "DATE_TIME"),
            hdr(date_as(case.study, tfmt), "DATE_TIME"),
        ],
        style,
    )
    y += lh
    canvas.row(m, y, ["DOB:", hdr(date_as(case.birth, dfmt), "DATE_TIME")], style)
    canvas.row(
        cols // 2, y, [case.patient.sex, hdr(f"{case.age_years}Y", "AGE")], style
    )
    y += lh
    canvas.row(m, y, [hdr(case.institution, "ORGANIZATION")], style)
    y += lh
    if r.random() < 0.5:
        canvas.row(
            m,
            y,
            ["Ref. Phys:", hdr(name_as(case.referring, "COMMA", fold=True), "PERSON")],
            style,
        )
        y += lh
    y += lh // 2
    heads = ["Series", "Type", "Scan Range (mm)", "CTDIvol", "DLP", "Phantom"]
    xs = [
        m,
        m + int(60 * k),
        m + int(150 * k),
        m + int(340 * k),
        m + int(440 * k),
        m + int(540 * k),
    ]
    line_colour = (0.6,) * 3 if colour else 0.6
    canvas.img[0, y + lh - 2, m : cols - m] = line_colour
    for hx, h in zip(xs, heads):
        canvas.write(hx, y, h, style)
    y += lh + 2
    total = 0.0
    n_series = r.randint(2, 4)
    for i in range(n_series):
        scout = i == 0
        start = r.uniform(-50, 200)
        ctdi = r.uniform(2, 25)
        dlp = 0.0 if scout else ctdi * r.uniform(20, 60)
        total += dlp
        cells = [
            str(i + 1),
            "Scout" if scout else r.choice(["Helical", "Axial", "Helical", "Cine"]),
            f"S{start:.3f}-I{start + r.uniform(100, 500):.3f}",
            "-" if scout else f"{ctdi:.2f}",
            "-" if scout else f"{dlp:.2f}",
            "-" if scout else r.choice(["Body 32", "Head 16", "Body 32"]),
        ]
        for cx, c in zip(xs, cells):
            canvas.write(cx, y, c, style)
        y += lh
    y += lh // 2
    canvas.row(m, y, ["Total Exam DLP:", f"{total:.2f}", "mGy-cm"], style)
    y += lh
    canvas.write(m, y, "1/1", style)
    return Shot(
        modality="SC" if r.random() < 0.7 else "CT",
        canvas=canvas,
        photometric="RGB" if colour else "MONOCHROME2",
        syntax=choose(r, {"explicit": 3, "rle": 1}),
        sop_class="1.2.840.10008.5.1.4.1.1.7",
        attrs={"ImageType": ["DERIVED", "SECONDARY", "SCREEN SAVE"]},
        device=("Tomovia", "TV-128 Pro"),
        study="CT dose",
        series="Dose Report",
    )


def _clip(cell: Seg | str, width: int, style: Style) -> Seg | str:
    """Cut a cell's text at the column edge, as list views do."""
    seg = cell if isinstance(cell, Seg) else Seg(cell)
    text = seg.text
    while len(text) > 1 and text_width(text, style) > width:
        text = text[:-1]
    return seg._replace(text=text.rstrip())


# -- worklist screenshot -------------------------------------------------------------


def worklist(scene: Scene) -> Shot:
    r, case = scene.rng, scene.case
    rows, cols = r.choice([(768, 1024), (800, 1280), (600, 800), (1024, 1280)])
    img = np.zeros((1, rows, cols, 3), np.float32)
    img[0] = (0.93, 0.93, 0.94)
    canvas = scene.canvas(img)
    style = Style(
        font=r.choice(["sans", "arial", "free_sans", "sans_cond"]),
        size=r.randint(11, 14),
        color=(0.05, 0.05, 0.08),
        aa=r.random() < 0.6,
    )
    lh = line_height(style) + 8
    title_h = lh + 6
    canvas.panel(0, 0, cols, title_h, (0.16, 0.3, 0.55))
    canvas.write(
        10,
        6,
        r.choice(["Modality Worklist", "Worklist - Today", "Scheduled Procedures"])
        + f" - {case.department}",
        style.but(color=(1.0, 1.0, 1.0)),
    )
    canvas.panel(0, title_h, cols, lh + 8, (0.85, 0.86, 0.88))
    for i, b in enumerate(["Refresh", "Search", "Start Exam", "Complete", "Settings"]):
        canvas.write(10 + i * 100, title_h + 6, b, style)
    heads = [
        "Patient Name",
        "Patient ID",
        "Birth Date",
        "Sex",
        "Accession",
        "Sched. Date",
        "Time",
        "Procedure",
        "Status",
    ]
    widths = [190, 110, 95, 40, 120, 95, 60, 230, 100]
    scale = (cols - 20) / sum(widths)
    xs = [10 + int(sum(widths[:i]) * scale) for i in range(len(widths))]
    y = title_h + lh + 16
    canvas.panel(0, y - 3, cols, lh, (0.78, 0.8, 0.84))
    for x, h in zip(xs, heads):
        canvas.write(x, y, h, style.but(font=bold(style.font)))
    y += lh
    dfmt = r.choice(["%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%b-%Y"])
    n_rows = min(len(case.extra_patients) + 1, (rows - y - 40) // lh)
    mine = r.randrange(n_rows)
    others = iter(case.extra_patients)
    t = case.study.replace(hour=7, minute=30)
    for i in range(n_rows):
        selected = i == mine
        if selected:
            person, birth, pid, acc, kind = (
                case.patient,
                case.birth,
                case.patient_id,
                case.accession,
                "header",
            )
        else:
            person, birth, pid = next(others)
            acc, kind = f"{r.randint(10**7, 10**8 - 1)}", "other"
        t += dt.timedelta(minutes=r.choice([15, 20, 30, 45]))
        when = case.study if selected else t
        bg = (
            (0.2, 0.4, 0.75)
            if selected
            else ((1.0, 1.0, 1.0) if i % 2 else (0.95, 0.96, 0.98))
        )
        canvas.panel(0, y - 3, cols, lh, bg)
        st = style.but(color=(1.0, 1.0, 1.0)) if selected else style
        cells = [
            Seg(
                name_as(person, r.choice(["dicom", "COMMA"]), fold=True), "PERSON", kind
            ),
            Seg(pid, "ID", kind),
            Seg(date_as(birth, dfmt), "DATE_TIME", kind),
            person.sex,
            Seg(acc, "ID", kind),
            Seg(date_as(when, dfmt), "DATE_TIME", kind),
            Seg(f"{when:%H:%M}", "DATE_TIME", kind),
            r.choice(EXAMS).title()[:28],
            "IN PROGRESS"
            if selected
            else r.choice(["SCHEDULED", "SCHEDULED", "COMPLETED", "ARRIVED"]),
        ]
        for x, nxt, c in zip(xs, [*xs[1:], cols - 4], cells):
            canvas.write(x, y, _clip(c, nxt - x - 6, st), st)
        y += lh
    canvas.write(10, rows - lh, f"{n_rows} procedures", style)
    return Shot(
        modality="SC",
        canvas=canvas,
        photometric="RGB",
        syntax=choose(r, {"explicit": 2, "rle": 1, "jpeg": 1}),
        sop_class="1.2.840.10008.5.1.4.1.1.7",
        attrs={"ImageType": ["DERIVED", "SECONDARY", "SCREEN SAVE"]},
        device=("RIS Console", "Worklist Client"),
        study="Screen capture",
        series="Worklist",
    )
