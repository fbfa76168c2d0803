"""Keep third-party libraries from writing DICOM values to logs.

pydicom reports invalid values by warning *and* logging them verbatim ("Invalid
value for VR IS: '...'"), and its logger has no handler, so Python's last-resort
handler prints it to stderr, which Orthanc and the CLI show. A value can be patient
data: the front ends (CLI, worker processes, Orthanc adapter) call
:func:`silence_value_messages` once at start. The core itself leaves global logging
and warning state alone.
"""

from __future__ import annotations

import logging
import warnings

__all__ = ["silence_value_messages"]


def silence_value_messages() -> None:
    """Drop pydicom's warnings and log records (they may quote attribute values)."""
    warnings.filterwarnings("ignore", module=r"pydicom(\..*)?$")
    pydicom_logger = logging.getLogger("pydicom")
    pydicom_logger.addHandler(logging.NullHandler())
    pydicom_logger.propagate = False
