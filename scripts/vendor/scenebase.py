"""What every scene shares: the per-file context, header filling, text layout helpers
and font picking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import people
from dcmwrite import Spec
from people import chance, pick
from render import Canvas, Line, Style

# font families by the kind of screen that draws them
CONSOLE = [
    "mono",
    "mono-bold",
    "cond",
    "hershey-simplex",
    "hershey-plain",
    "hershey-duplex",
    "bitmap",
    "cmtt",
    "sans",
]
UI = ["sans", "cond", "aileron", "cmss", "sans-bold", "cond-bold"]
PRINT = ["serif", "times", "sans", "cmr", "serif-cond", "aileron", "cond"]
OVERLAY = [
    "sans",
    "cond",
    "mono",
    "hershey-simplex",
    "hershey-duplex",
    "aileron",
    "sans-bold",
    "cond-bold",
    "hershey-complex-small",
]

# what is PHI in the header (and hence which strings must be gone after redaction)
_PHI_KEYWORDS = {
    "PatientName",
    "PatientID",
    "OtherPatientIDs",
    "PatientBirthDate",
    "AccessionNumber",
    "InstitutionName",
    "InstitutionAddress",
    "ReferringPhysicianName",
    "PerformingPhysicianName",
    "OperatorsName",
    "NameOfPhysiciansReadingStudy",
    "PatientAddress",
    "PatientTelephoneNumbers",
    "RequestingPhysician",
}


class Ctx:
    """One file being made: random source, identity, header, canvas and spec."""

    def __init__(
        self,
        rng: np.random.Generator,
        min_age: int = 18,
        max_age: int = 96,
        sex: str = "",
    ) -> None:
        self.rng = rng
        self.id = people.identity(rng, min_age=min_age, max_age=max_age, sex=sex)
        self.header: dict[str, Any] = {}
        self.in_header: set[str] = set()
        self.canvas: Canvas | None = None
        self.spec: Spec | None = None
        # gen.py --frames: every cine has this many frames (0: drawn per file).
        self.frames = 0

    # ------------------------------------------------------------------ random
    def p(self, prob: float) -> bool:
        return chance(self.rng, prob)

    def pick(self, seq):
        return pick(self.rng, seq)

    def uniform(self, a: float, b: float) -> float:
        return float(self.rng.uniform(a, b))

    def randint(self, a: int, b: int) -> int:
        """Integer in [a, b]."""
        return int(self.rng.integers(a, b + 1))

    def cine(self, a: int, b: int) -> int:
        """A cine's frame count: in [a, b], or gen.py's ``--frames`` (drawn all
        the same, so that the rest of the file does not change)."""
        n = self.randint(a, b)
        return self.frames or n

    # ------------------------------------------------------------------ header
    def put(self, kw: str, value: Any) -> None:
        self.header[kw] = value

    def fill_header(
        self,
        *,
        study: str,
        series: str = "",
        manufacturer: str = "",
        model: str = "",
        p_inst: float = 0.85,
        p_ref: float = 0.7,
        p_oper: float = 0.6,
        p_reader: float = 0.3,
    ) -> None:
        """The usual patient/study/equipment header, each PHI field present with
        some probability; ``in_header`` says which ones made it."""
        i = self.id
        pat = i.patient
        upper = self.p(0.6)
        fold = self.p(0.4)
        self.put("PatientName", pat.pn(upper=upper, fold=fold))
        self.in_header.add("name")
        pid = i.ids["pid"]
        if i.locale == "uk" and self.p(0.3):
            pid = i.ids["nhs"].replace(" ", "")
            self.in_header.add("nhs")
        else:
            self.in_header.add("pid")
            if "nhs" in i.ids and self.p(0.5):
                self.put("OtherPatientIDs", i.ids["nhs"].replace(" ", ""))
                self.in_header.add("nhs")
        self.put("PatientID", pid)
        self.put("IssuerOfPatientID", {"uk": "NHS", "us": "MRN"}.get(i.locale, "HIS"))
        self.put("PatientBirthDate", i.dob.strftime("%Y%m%d"))
        self.in_header.add("dob")
        self.put("PatientSex", pat.sex)
        self.put("PatientAge", f"{min(i.age, 999):03d}Y")
        for pre in ("Study", "Series", "Content", "Acquisition"):
            self.put(f"{pre}Date", i.study.strftime("%Y%m%d"))
            self.put(f"{pre}Time", i.study.strftime("%H%M%S"))
        self.put("AccessionNumber", i.ids["acc"])
        self.in_header.add("acc")
        self.put("StudyID", str(self.randint(1, 9999)))
        self.put("StudyDescription", study)
        if series:
            self.put("SeriesDescription", series)
        if manufacturer:
            self.put("Manufacturer", manufacturer)
        if model:
            self.put("ManufacturerModelName", model)
        if self.p(p_inst):
            self.put("InstitutionName", i.institution)
            self.in_header.add("inst")
            if self.p(0.35):
                self.put("InstitutionAddress", ", ".join(i.inst_address))
                self.in_header.add("inst_addr")
        if self.p(p_ref):
            self.put("ReferringPhysicianName", i.referring.pn(upper=self.p(0.5)))
            self.in_header.add("ref")
        else:
            self.put("ReferringPhysicianName", "")
        if self.p(p_oper):
            self.put("OperatorsName", i.operator.pn(upper=self.p(0.5)))
            self.in_header.add("operator")
        if self.p(p_reader):
            self.put("NameOfPhysiciansReadingStudy", i.radiologist.pn())
            self.in_header.add("radiologist")
        if self.p(0.15):
            self.put("PatientAddress", ", ".join(i.patient_address))
            self.in_header.add("patient_addr")
        if self.p(0.1):
            phone = (
                i.patient_phone
                if len(i.patient_phone) <= 16
                else i.patient_phone.replace(" ", "")
            )
            self.put("PatientTelephoneNumbers", phone[:16])
            self.in_header.add("patient_phone")

    def h(self, key: str) -> bool:
        """Is this identity item in the header (so its pixel copy is 'header')?"""
        return key in self.in_header

    def header_identity(self) -> list[str]:
        """PHI strings written into the header, minus any that would also match a
        non-PHI header value (so that a clean header is never flagged)."""
        found: list[str] = []
        for kw, val in self.header.items():
            if kw not in _PHI_KEYWORDS or not val:
                continue
            s = str(val)
            found.append(s)
            if kw.endswith("Name") and kw != "InstitutionName":
                for part in s.split("^"):
                    if len(part) >= 3:
                        found.append(part)
        other = " ".join(
            str(v).upper() for k, v in self.header.items() if k not in _PHI_KEYWORDS
        )
        out = []
        for s in found:
            if len(s) >= 3 and s.upper() not in other and s not in out:
                out.append(s)
        return out

    # ------------------------------------------------------------------ styles
    def font(self, family: list[str]) -> str:
        return self.pick(family)

    def style(self, family: list[str], size: int, color: Any, **kw) -> Style:
        name = self.font(family)
        if name == "bitmap":
            size = 11
        aliased = kw.pop("aliased", None)
        if aliased is None:
            aliased = self.p(0.3)
        return Style(font=name, size=size, color=color, aliased=aliased, **kw)

    # ------------------------------------------------------------------ layout
    def pair(
        self,
        cv: Canvas,
        x: float,
        y: float,
        label: str | None,
        value: str,
        st: Style,
        *,
        entity: str | None = None,
        header: bool = False,
        vst: Style | None = None,
        frames: list[int] | None = None,
        gap: int | None = None,
    ) -> Line:
        """``label`` (not PHI) then ``value`` (PHI when ``entity`` is given). A
        non-PHI value in the label's style is one line with its label."""
        if label and entity is None and vst is None:
            return cv.text(x, y, f"{label}  {value}", st, frames=frames)
        if label:
            lab = cv.text(x, y, label, st, frames=frames)
            x = lab.right + (gap if gap is not None else max(6, int(st.size * 0.6)))
        return cv.text(
            x,
            y,
            value,
            vst or st,
            phi=entity is not None,
            entity=entity,
            header=header,
            frames=frames,
        )

    def pair_right(
        self,
        cv: Canvas,
        xr: float,
        y: float,
        label: str | None,
        value: str,
        st: Style,
        *,
        entity: str | None = None,
        header: bool = False,
        frames: list[int] | None = None,
    ) -> Line:
        """Right-aligned pair: value ends at ``xr``, label to its left."""
        v = cv.text(
            xr,
            y,
            value,
            st,
            phi=entity is not None,
            entity=entity,
            header=header,
            frames=frames,
            align="right",
        )
        if label:
            cv.text(
                v.x - max(4, st.size // 2), y, label, st, frames=frames, align="right"
            )
        return v

    def person(
        self,
        cv: Canvas,
        x: float,
        y: float,
        who: people.Person,
        form: str,
        st: Style,
        *,
        header: bool,
        title: bool = True,
        frames: list[int] | None = None,
        align: str = "left",
    ) -> Line:
        """A name, its title (if any) drawn as a separate non-PHI line before it."""
        name = who.form(form)
        if align == "right":
            ln = cv.text(
                x,
                y,
                name,
                st,
                phi=True,
                entity="PERSON",
                header=header,
                frames=frames,
                align="right",
            )
            if title and who.title:
                t = cv.text(
                    ln.x - max(4, st.size // 3),
                    y,
                    who.title,
                    st,
                    frames=frames,
                    align="right",
                )
                ln.group_x = t.x
            return ln
        if title and who.title:
            t = cv.text(x, y, who.title, st, frames=frames)
            x = t.right + max(4, st.size // 3)
        return cv.text(
            x, y, name, st, phi=True, entity="PERSON", header=header, frames=frames
        )

    def id_strip(
        self,
        cv: Canvas,
        x: float,
        y: float,
        st: Style,
        *,
        frames: list[int] | None = None,
    ) -> Line:
        """Page-footer identification: name, DOB and ID on one row (as separate
        lines), as printed at the foot of report pages."""
        i = self.id
        ln = self.person(
            cv,
            x,
            y,
            i.patient,
            self.pick(["FAMILY, Given", "Family, Given", "FAMILY G"]),
            st,
            header=True,
            title=False,
            frames=frames,
        )
        gap = max(12, st.size * 2)
        ln = self.pair(
            cv,
            ln.right + gap,
            y,
            i.labels["dob"],
            i.date(i.dob, i.short_date_style()),
            st,
            entity="DATE_TIME",
            header=True,
            frames=frames,
        )
        return self.pair(
            cv,
            ln.right + gap,
            y,
            i.labels["pid"],
            i.ids["pid"],
            st,
            entity="ID",
            header=self.h("pid"),
            frames=frames,
        )

    def name_form(self) -> str:
        return self.pick(people.NAME_STYLES)

    def dt_text(
        self,
        when: dt.datetime | None = None,
        date_style: str | None = None,
        time_style: str | None = None,
    ) -> str:
        when = when or self.id.study
        d = people.fmt_date(when.date(), date_style or self.id.date_style)
        t = people.fmt_time(
            when.time(), time_style or self.pick(["hms", "hm", "hms", "12h"])
        )
        return f"{d} {t}"

    def age_line(self) -> tuple[str, str | None]:
        """Age text and its entity (ages of 90 and over are PHI)."""
        txt = self.id.age_text()
        return txt, ("AGE" if self.id.age >= 90 else None)
