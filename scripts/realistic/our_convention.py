#!/usr/bin/env python3
"""Score a realistic set by the redactor's convention: a copy of ``truth.json`` in
which a title before a name ("Dr", "Mrs", "Prof.") is an annotation of its own, not
part of the PHI line, and an age under 90 ("54Y", "Age 36") is no PHI (HIPAA's
Safe Harbor removes ages of 90 and over only). The images are linked, not copied.

usage: our_convention.py SET OUT
"""

import json
import os
import re
import sys

TITLE = re.compile(r"^((?:Dr|Mr|Mrs|Ms|Prof|Sr|Sister)\.?)\s")
AGE = re.compile(r"(\d{1,3})")


def region(chars):
    x0 = min(c["box"][0] for c in chars)
    y0 = min(c["box"][1] for c in chars)
    x1 = max(c["box"][0] + c["box"][2] for c in chars)
    y1 = max(c["box"][1] + c["box"][3] for c in chars)
    return [x0, y0, x1 - x0, y1 - y0]


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


def main(src, dst):
    with open(os.path.join(src, "truth.json")) as f:
        truth = json.load(f)
    for meta in truth["files"]:
        convert(meta)
    os.makedirs(dst, exist_ok=True)
    with open(os.path.join(dst, "truth.json"), "w") as f:
        json.dump(truth, f)
    for name in os.listdir(src):
        path = os.path.join(os.path.abspath(src), name)
        link = os.path.join(dst, name)
        if os.path.isdir(path) and not os.path.exists(link):
            os.symlink(path, link)


if __name__ == "__main__":
    main(*sys.argv[1:3])
