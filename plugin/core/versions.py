"""Installed versions of the libraries a report names."""

from __future__ import annotations

from importlib import metadata

__all__ = ["dist_version"]


def dist_version(dist: str) -> str:
    """Version of an installed distribution, or ``"missing"``."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"
