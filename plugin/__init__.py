"""Orthanc plugin and toolkit that removes patient identity burned into DICOM pixels."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
