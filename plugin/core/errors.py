"""Exception hierarchy of the redaction core.

Messages never carry patient text: they name tags, keywords and values of
technical attributes only (transfer syntax, photometric interpretation, sizes).
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailableError",
    "ConfigError",
    "RedactionError",
    "ResourceLimitError",
    "UnsupportedImageError",
    "VerificationError",
]


class RedactionError(Exception):
    """Base class of every error the core raises on purpose.

    ``code`` is a short machine-readable reason (``unsupported``, ``verification``...)
    that ends up in reports and in the plugin's status.
    """

    code = "error"


class UnsupportedImageError(RedactionError):
    """The pixel data cannot be decoded or re-encoded (syntax, photometric, depth)."""

    code = "unsupported"


class BackendUnavailableError(RedactionError):
    """An OCR or NER backend is missing on this machine."""

    code = "backend"


class ConfigError(RedactionError, ValueError):
    """A setting is unknown or out of range."""

    code = "config"


class VerificationError(RedactionError):
    """PHI was still found in the redacted pixels (fail closed)."""

    code = "verification"


class ResourceLimitError(RedactionError):
    """The input exceeds a configured limit (size, pixel count)."""

    code = "limit"
