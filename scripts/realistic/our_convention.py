#!/usr/bin/env python3
"""Score a realistic set by the redactor's convention: a copy of ``truth.json`` in
which a title before a name ("Dr", "Mrs", "Prof.") is an annotation of its own, not
part of the PHI line, and an age under 90 ("54Y", "Age 36") is no PHI (HIPAA's
Safe Harbor removes ages of 90 and over only). The images are linked, not copied.

usage: our_convention.py SET OUT
"""

import os
import re
import sys

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "heldout")
)
from split_labels import main, region

TITLE = re.compile(r"^((?:Dr|Mr|Mrs|Ms|Prof|Sr|Sister)\.?)\s")
AGE = re.compile(r"(\d{1,3})")


def convert(meta):
    out, next_id = [], max((ln["id"] for ln in meta["lines"]), default=-1) + 1
    for ln in meta["lines"]:
        if ln["phi"] and ln["entity_type"] == "AGE":
            m = AGE.search(ln["text"])
            if m and int(m.group(1)) < 90:
                ln = dict(ln, phi=False, entity_type=None, kind="annotation")
        m = TITLE.match(ln["text"]) if ln["phi"] else None
        if m is None or not ln["text"][m.end() :].strip():
            out.append(ln)
            continue
        size = len(m.group(1))
        title, rest = ln["chars"][:size], ln["chars"][size:]
        out.append(
            dict(
                ln,
                text=m.group(1),
                chars=title,
                region=region(title),
                phi=False,
                entity_type=None,
                kind="annotation",
            )
        )
        out.append(
            dict(
                ln,
                id=next_id,
                text=ln["text"][m.end() :],
                chars=rest,
                region=region(rest),
            )
        )
        next_id += 1
    meta["lines"] = out


if __name__ == "__main__":
    main(*sys.argv[1:3], convert=convert)
