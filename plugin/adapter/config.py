"""The ``PixelRedaction`` section of Orthanc's configuration -> plugin settings."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from plugin.core.errors import ConfigError
from plugin.core.settings import RedactionSettings

__all__ = ["PLUGIN_KEYS", "SECTION", "PluginConfig", "read_config"]

SECTION = "PixelRedaction"

PLUGIN_KEYS = ("Enabled",)
"""Keys of the section that belong to the plugin, not to :class:`RedactionSettings`."""


@dataclasses.dataclass(frozen=True)
class PluginConfig:
    """Plugin-level options plus the core's settings."""

    enabled: bool
    """Automatic redaction of stored instances (not implemented yet: read, reported)."""
    settings: RedactionSettings


def read_config(section: Any) -> PluginConfig:
    """Validate the section; unknown keys and bad values raise :class:`ConfigError`.

    Parameters
    ----------
    section
        The value of ``"PixelRedaction"`` in Orthanc's configuration (``{}`` if absent).

    Raises
    ------
    ConfigError
        The section is not an object, ``Enabled`` is not a boolean, or
        :meth:`RedactionSettings.from_mapping` rejects the remaining keys.
    """
    if not isinstance(section, Mapping):
        raise ConfigError(f"{SECTION} must be a JSON object")
    core = dict(section)
    enabled = core.pop("Enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{SECTION}.Enabled must be true or false")
    return PluginConfig(enabled=enabled, settings=RedactionSettings.from_mapping(core))
