"""Mark the field labels of a held-out set's PHI lines as annotations.

The held-out generator (``gen.py`` beside this file) counts a line such as
"Patient ID: 56906029" as one PHI line, its label included; our own ``synth``
counts the label ("Patient ID:") as an annotation and the value as PHI. This
writes a copy of the set's ``truth.json`` with each leading label (and a title
after it, "Ref: Dr.") and each label inside the value ("Time:" of "2025-10-23
Time: 07:06:01") split off as a line of its own, not PHI, so that both
conventions can be scored with ``orthanc-redact evaluate``. The images are
linked, not copied.

usage: split_labels.py SET OUT
"""

import json
import os
import re
import sys

LABEL = re.compile(
    r"^((?:[A-Za-z][A-Za-z .#]*?[:#])"
    r"|(?:(?:D\.O\.B|Acc\.No|Dr|RT|Ref|Read by|Tel|Ph|MRN|ACC|Acc|DOB|Born|User|RDMS|Tech|Sono)\.?))\s"
)


def region(chars):
    x0 = min(c["box"][0] for c in chars)
    y0 = min(c["box"][1] for c in chars)
    x1 = max(c["box"][0] + c["box"][2] for c in chars)
    y1 = max(c["box"][1] + c["box"][3] for c in chars)
    return [x0, y0, x1 - x0, y1 - y0]


# A label inside a PHI line, between two parts of its value ("2025-10-23 Time:
# 07:06:01").
INNER = re.compile(r"(?<=\s)[A-Z][a-z]+:(?=\s)")


def pieces(text):
    """(text, is_label) pieces of a PHI line: leading labels, the value, and the
    labels inside it."""
    out, end = [], 0
    if (m := LABEL.match(text)) is not None:
        end, label = m.end(), m.group(1)
        while (more := LABEL.match(text[end:])) is not None:
            label, end = f"{label} {more.group(1)}", end + more.end()
        out.append((label, True))
    start = end
    for m in INNER.finditer(text, end):
        out.append((text[start : m.start()].strip(), False))
        out.append((m.group(0), True))
        start = m.end()
    out.append((text[start:].strip(), False))
    return [(t, is_label) for t, is_label in out if t]


def split_file(meta):
    out, next_id = [], max((ln["id"] for ln in meta["lines"]), default=-1) + 1
    for ln in meta["lines"]:
        parts = pieces(ln["text"]) if ln["phi"] else []
        if len(parts) < 2 or not any(not is_label for _, is_label in parts):
            out.append(ln)
            continue
        k = 0
        for n, (text, is_label) in enumerate(parts):
            size = len(text.replace(" ", ""))
            chars, k = ln["chars"][k : k + size], k + size
            line = dict(ln, text=text, chars=chars, region=region(chars))
            if is_label:
                line.update(phi=False, entity_type="NONE", kind="label")
            if n:
                line["id"], next_id = next_id, next_id + 1
            out.append(line)
    meta["lines"] = out


def main(src, dst, convert=None):
    """Write ``dst``: the set ``src`` with each file's truth passed through
    ``convert`` (default :func:`split_file`), its images linked."""
    truth = json.load(open(os.path.join(src, "truth.json")))
    for meta in truth["files"]:
        (convert or split_file)(meta)
    os.makedirs(dst, exist_ok=True)
    json.dump(truth, open(os.path.join(dst, "truth.json"), "w"))
    for name in os.listdir(src):
        path = os.path.join(os.path.abspath(src), name)
        link = os.path.join(dst, name)
        if os.path.isdir(path) and not os.path.exists(link):
            os.symlink(path, link)


if __name__ == "__main__":
    main(*sys.argv[1:3])
