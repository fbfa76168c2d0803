"""Mark the field labels of a held-out set's PHI lines as annotations.

The held-out generator (``gen.py`` beside this file) counts a line such as
"Patient ID: 56906029" as one PHI line, its label included; our own ``synth``
counts the label ("Patient ID:") as an annotation and the value as PHI. This
writes a copy of the set's ``truth.json`` with each leading label (and a title
after it, "Ref: Dr.") split off as a line of its own, not PHI, so that both
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
    r"|(?:(?:Acc\.No|Dr|RT|Ref|Read by|Tel|Ph|MRN|ACC|Acc|DOB|Born|User|RDMS|Tech|Sono)\.?))\s"
)


def region(chars):
    x0 = min(c["box"][0] for c in chars)
    y0 = min(c["box"][1] for c in chars)
    x1 = max(c["box"][0] + c["box"][2] for c in chars)
    y1 = max(c["box"][1] + c["box"][3] for c in chars)
    return [x0, y0, x1 - x0, y1 - y0]


def split_file(meta):
    out, next_id = [], max((ln["id"] for ln in meta["lines"]), default=-1) + 1
    for ln in meta["lines"]:
        m = LABEL.match(ln["text"]) if ln["phi"] else None
        if not m:
            out.append(ln)
            continue
        end, label = m.end(), m.group(1)
        while (more := LABEL.match(ln["text"][end:])) is not None:
            label, end = f"{label} {more.group(1)}", end + more.end()
        k = len(label.replace(" ", ""))
        head, rest = ln["chars"][:k], ln["chars"][k:]
        if not rest:
            out.append(ln)
            continue
        out.append(
            dict(
                ln,
                id=next_id,
                text=label,
                phi=False,
                entity_type="NONE",
                kind="label",
                chars=head,
                region=region(head),
            )
        )
        next_id += 1
        out.append(dict(ln, text=ln["text"][end:], chars=rest, region=region(rest)))
    meta["lines"] = out


def main(src, dst):
    truth = json.load(open(os.path.join(src, "truth.json")))
    for meta in truth["files"]:
        split_file(meta)
    os.makedirs(dst, exist_ok=True)
    json.dump(truth, open(os.path.join(dst, "truth.json"), "w"))
    for name in os.listdir(src):
        path = os.path.join(os.path.abspath(src), name)
        link = os.path.join(dst, name)
        if os.path.isdir(path) and not os.path.exists(link):
            os.symlink(path, link)


if __name__ == "__main__":
    main(*sys.argv[1:3])
