"""The ``PixelRedaction`` section of Orthanc's configuration -> plugin settings.

Plugin-level keys (what is redacted automatically, by how many workers, what happens
to originals) are read here; every other key goes to
:meth:`RedactionSettings.from_mapping`, which rejects unknown ones. A typo therefore
stops Orthanc at start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any

from plugin.core.errors import ConfigError
from plugin.core.settings import RedactionSettings

__all__ = ["PLUGIN_KEYS", "SECTION", "PluginConfig", "read_config"]

SECTION = "PixelRedaction"


@dataclasses.dataclass(frozen=True)
class PluginConfig:
    """Plugin-level options plus the core's settings."""

    settings: RedactionSettings
    enabled: bool = True
    """Redact every stored instance automatically (the change log is followed)."""
    workers: int = 0
    """Worker processes; 0 means one per core."""
    modalities: tuple[str, ...] = ()
    """Redact only these modalities automatically (empty: all)."""
    sop_classes: tuple[str, ...] = ()
    """Redact only these SOP Class UIDs automatically (empty: all)."""
    require_burned_in_annotation: bool = False
    """Redact automatically only instances whose Burned In Annotation is ``YES``."""
    delete_original: bool = False
    """Delete the original once its copy is stored (off: originals are kept)."""
    timeout_seconds: float = 900.0
    """A worker busy longer than this on one instance is killed: ``failed`` / ``timeout``."""
    queue_size: int = 0
    """Instances handed to workers at once (0: twice the workers). The backlog stays
    in Orthanc's change log, so memory does not grow with it."""
    worker_nice: int = 10
    """Niceness added to worker processes, so Orthanc's ingest keeps priority."""
    max_upload_megabytes: int = 512
    """Largest body ``POST /redaction/redact`` accepts."""
    max_file_megabytes: int = 2048
    """Larger stored instances are not redacted: ``failed`` / ``limit``."""
    worker_python: str = ""
    """Interpreter of the worker processes (empty: the one Orthanc embeds)."""
    explorer_extension: bool = True
    """Add the Redact / status / review controls to Orthanc Explorer."""

    @property
    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def in_flight(self) -> int:
        return self.queue_size or 2 * self.worker_count

    def accepts(self, modality: str, sop_class: str, burned_in: str) -> str | None:
        """``None`` when the filters let an instance through, else the reason it is skipped."""
        if self.modalities and modality.upper() not in self.modalities:
            return f"filtered: modality {modality or '(none)'} not in Modalities"
        if self.sop_classes and sop_class not in self.sop_classes:
            return "filtered: SOP class not in SopClasses"
        if self.require_burned_in_annotation and burned_in.upper() != "YES":
            return "filtered: BurnedInAnnotation is not YES"
        return None


# PascalCase key -> (field, type check, converter)
_PLUGIN_FIELDS: dict[str, tuple[str, type | tuple[type, ...]]] = {
    "Enabled": ("enabled", bool),
    "Workers": ("workers", int),
    "Modalities": ("modalities", list),
    "SopClasses": ("sop_classes", list),
    "RequireBurnedInAnnotation": ("require_burned_in_annotation", bool),
    "DeleteOriginal": ("delete_original", bool),
    "TimeoutSeconds": ("timeout_seconds", (int, float)),
    "QueueSize": ("queue_size", int),
    "WorkerNice": ("worker_nice", int),
    "MaxUploadMegabytes": ("max_upload_megabytes", int),
    "MaxFileMegabytes": ("max_file_megabytes", int),
    "WorkerPython": ("worker_python", str),
    "ExplorerExtension": ("explorer_extension", bool),
}

PLUGIN_KEYS = tuple(_PLUGIN_FIELDS)
"""Keys of the section that belong to the plugin, not to :class:`RedactionSettings`."""


def read_config(section: Any) -> PluginConfig:
    """Validate the section; unknown keys and bad values raise :class:`ConfigError`.

    Parameters
    ----------
    section
        The value of ``"PixelRedaction"`` in Orthanc's configuration (``{}`` if absent).

    Raises
    ------
    ConfigError
        The section is not an object, a plugin key has the wrong type or range, or
        :meth:`RedactionSettings.from_mapping` rejects the remaining keys.
    """
    if not isinstance(section, Mapping):
        raise ConfigError(f"{SECTION} must be a JSON object")
    core = dict(section)
    values: dict[str, Any] = {}
    for key, (name, kind) in _PLUGIN_FIELDS.items():
        if key not in core:
            continue
        value = core.pop(key)
        # bool is an int in Python: refuse true/false where a number is expected.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{SECTION}.{key} has the wrong type")
        if kind is list:
            if not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{SECTION}.{key} must be a list of strings")
            value = tuple(v.strip() for v in value)
            if name == "modalities":
                value = tuple(v.upper() for v in value)
        values[name] = value
    if values.get("workers", 0) < 0 or values.get("queue_size", 0) < 0:
        raise ConfigError(f"{SECTION}.Workers and QueueSize must be >= 0")
    if values.get("timeout_seconds", 1) <= 0:
        raise ConfigError(f"{SECTION}.TimeoutSeconds must be positive")
    if (
        values.get("max_upload_megabytes", 1) <= 0
        or values.get("max_file_megabytes", 1) <= 0
    ):
        raise ConfigError(
            f"{SECTION}.MaxUploadMegabytes and MaxFileMegabytes must be positive"
        )
    if not 0 <= values.get("worker_nice", 0) <= 19:
        raise ConfigError(f"{SECTION}.WorkerNice must be within 0..19")
    try:
        settings = RedactionSettings.from_mapping(core)
    except ConfigError as exc:
        known = ", ".join(sorted(PLUGIN_KEYS))
        raise ConfigError(f"{exc} (plugin keys: {known})") from None
    if not settings.anonymize_header:
        # In Orthanc the copy must be a new instance with a new identity; with the
        # original's UIDs it would be the original itself.
        raise ConfigError(f"{SECTION}.AnonymizeHeader must be true in the plugin")
    return PluginConfig(settings=settings, **values)
