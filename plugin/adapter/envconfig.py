"""Orthanc configuration from a reference JSON file plus ``ORTHANC__*`` variables.

The same rules as the orthancteam/orthanc Docker images (``configurator.py`` in
orthanc-server/orthanc-builder): ``ORTHANC__SECTION__KEY`` splits on double
underscores, each part is camel-cased word by word (``DICOM_AET`` -> ``DicomAet``,
``PIXEL_REDACTION`` -> ``PixelRedaction``), and the value is parsed as JSON when it
parses (numbers, booleans, lists, objects) and kept as a string otherwise.

Used by ``scripts/run-orthanc.sh`` (``make run``) and by the integration fixture, so
both start Orthanc from the same ``orthanc.json``. Imports the standard library only:
it runs before anything else is set up.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "PREFIX",
    "build_config",
    "env_name_to_path",
    "load_config",
    "main",
    "merge_env",
    "resolve_paths",
]

PREFIX = "ORTHANC__"

# Keys whose spelling the word-by-word rule cannot produce. Same aliases as the
# orthancteam images' env-var-non-standards.json (the ones that matter outside
# their bundled plugins).
_ALIASES: dict[str, tuple[str, ...]] = {
    "ORTHANC__CASE_SENSITIVE_PN": ("CaseSensitivePN",),
    "ORTHANC__HTTPS_CA_CERTIFICATES": ("HttpsCACertificates",),
    "ORTHANC__STORE_MD5_FOR_ATTACHMENTS": ("StoreMD5ForAttachments",),
    "ORTHANC__POSTGRESQL": ("PostgreSQL",),
    "ORTHANC__MYSQL": ("MySQL",),
}

# Top-level keys holding file system paths that Orthanc resolves against its own
# working directory; made absolute so the server can be started from anywhere.
_PATH_KEYS = ("StorageDirectory", "IndexDirectory", "PythonScript")


def _camel(token: str) -> str:
    return "".join(word[:1].upper() + word[1:].lower() for word in token.split("_"))


def env_name_to_path(name: str) -> tuple[str, ...]:
    """The JSON key path an ``ORTHANC__*`` variable sets.

    Parameters
    ----------
    name
        Variable name, e.g. ``ORTHANC__PIXEL_REDACTION__FILL``.

    Returns
    -------
    The keys from the top of the configuration, e.g. ``("PixelRedaction", "Fill")``.

    Raises
    ------
    ValueError
        When ``name`` does not start with ``ORTHANC__`` or has an empty part.
    """
    if not name.startswith(PREFIX):
        raise ValueError(f"not an Orthanc configuration variable: {name!r}")
    for alias, path in _ALIASES.items():
        if name == alias or name.startswith(alias + "__"):
            rest = name[len(alias) :]
            parts = rest[2:].split("__") if rest else []
            if any(not p for p in parts):
                raise ValueError(f"empty key in {name!r}")
            return path + tuple(_camel(p) for p in parts)
    parts = name[len(PREFIX) :].split("__")
    if any(not p for p in parts):
        raise ValueError(f"empty key in {name!r}")
    return tuple(_camel(p) for p in parts)


def _parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def merge_env(config: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``config`` with every ``ORTHANC__*`` variable of ``environ`` applied.

    Variables are applied in sorted order so the result does not depend on the
    order of the environment. A variable naming a key below a non-object value
    replaces that value with an object.
    """
    merged: dict[str, Any] = copy.deepcopy(dict(config))
    for name in sorted(environ):
        if not name.startswith(PREFIX):
            continue
        path = env_name_to_path(name)
        node = merged
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        node[path[-1]] = _parse_value(environ[name])
    return merged


_COMMENTS = re.compile(r'//.*?$|/\*.*?\*/|"(?:\\.|[^\\"])*"', re.DOTALL | re.MULTILINE)


def load_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read an Orthanc JSON configuration file (``//`` and ``/* */`` comments allowed,
    as Orthanc itself accepts them)."""
    text = Path(path).read_text(encoding="utf-8")
    stripped = _COMMENTS.sub(
        lambda m: m.group(0) if m.group(0)[0] == '"' else " ", text
    )
    data = json.loads(stripped)
    if not isinstance(data, dict):
        # a content error of the file, like a JSON syntax error: ValueError too
        raise ValueError(f"{path}: the configuration must be a JSON object")  # noqa: TRY004
    return data


def resolve_paths(
    config: Mapping[str, Any], root: str | os.PathLike[str]
) -> dict[str, Any]:
    """A copy of ``config`` with relative storage, index, script and plugin paths made
    absolute against ``root``."""
    base = Path(root).resolve()
    out = copy.deepcopy(dict(config))
    for key in _PATH_KEYS:
        value = out.get(key)
        if isinstance(value, str) and value and not os.path.isabs(value):
            out[key] = str(base / value)
    plugins = out.get("Plugins")
    if isinstance(plugins, list):
        out["Plugins"] = [
            str(base / p) if isinstance(p, str) and not os.path.isabs(p) else p
            for p in plugins
        ]
    return out


def build_config(
    template: str | os.PathLike[str],
    environ: Mapping[str, str],
    *,
    root: str | os.PathLike[str],
) -> dict[str, Any]:
    """``template`` + environment overrides, with paths made absolute against ``root``."""
    return resolve_paths(merge_env(load_config(template), environ), root)


def main(argv: list[str] | None = None) -> int:
    """Write the effective configuration: ``python -m plugin.adapter.envconfig``."""
    parser = argparse.ArgumentParser(
        prog="python -m plugin.adapter.envconfig",
        description="Write an Orthanc configuration from a reference file and "
        "ORTHANC__* environment variables.",
    )
    parser.add_argument("template", help="reference configuration (orthanc.json)")
    parser.add_argument("output", help="file to write")
    parser.add_argument(
        "--root",
        default=None,
        help="folder relative paths are resolved against (default: the template's)",
    )
    args = parser.parse_args(argv)
    root = args.root or os.path.dirname(os.path.abspath(args.template))
    try:
        config = build_config(args.template, os.environ, root=root)
    except (OSError, ValueError) as exc:
        print(f"envconfig: {exc}", file=sys.stderr)
        return 2
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
