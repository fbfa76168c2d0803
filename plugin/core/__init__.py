"""The redaction core: pixels, OCR, PHI detection, painting, header anonymization.

Nothing here imports Orthanc; the adapter, the CLI and the web pages sit on top.
"""

from .errors import (
    BackendUnavailableError,
    ConfigError,
    RedactionError,
    ResourceLimitError,
    UnsupportedImageError,
    VerificationError,
)
from .model import Box, RedactionReport, RedactionResult, Word
from .settings import FillMode, Policy, RedactionSettings

__all__ = [
    "BackendUnavailableError",
    "Box",
    "ConfigError",
    "FillMode",
    "Policy",
    "RedactionError",
    "RedactionReport",
    "RedactionResult",
    "RedactionSettings",
    "ResourceLimitError",
    "UnsupportedImageError",
    "VerificationError",
    "Word",
]
