"""Command line ``orthanc-redact``: a thin argparse layer over :mod:`plugin.core`.

Each sub-command lives in its own module which exposes ``register_cli(subparsers)``;
that function adds its parser and sets ``func`` (called with the parsed namespace,
returns the exit code).
"""

from __future__ import annotations

import argparse
import logging
import sys

from . import __version__
from .privacy import silence_value_messages

__all__ = ["build_parser", "main"]

_SUBCOMMAND_MODULES = (
    "plugin.batch",  # redact
    "plugin.synth",  # synth
    "plugin.evaluation",  # evaluate
    "plugin.bench",  # bench
    "plugin.video",  # video
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orthanc-redact",
        description="Remove patient identity burned into DICOM pixels.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("-q", "--quiet", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    import importlib

    for name in _SUBCOMMAND_MODULES:
        importlib.import_module(name).register_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    silence_value_messages()
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING
    if args.quiet:
        level = logging.ERROR
    elif args.verbose == 1:
        level = logging.INFO
    elif args.verbose >= 2:
        level = logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("plugin").addHandler(handler)
    logging.getLogger("plugin").setLevel(level)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
