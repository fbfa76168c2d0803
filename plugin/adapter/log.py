"""Python logging -> Orthanc's log, on the ``"plugin"`` logger only."""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["OrthancLogHandler", "install"]


class OrthancLogHandler(logging.Handler):
    """Forward records to ``orthanc.LogError`` / ``LogWarning`` / ``LogInfo``.

    Orthanc prints ``LogInfo`` only when started with ``--verbose``; DEBUG records go
    there too (Orthanc's plugin SDK has no lower level).
    """

    def __init__(self, orthanc_module: Any, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self._orthanc = orthanc_module

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            if record.levelno >= logging.ERROR:
                self._orthanc.LogError(message)
            elif record.levelno >= logging.WARNING:
                self._orthanc.LogWarning(message)
            else:
                self._orthanc.LogInfo(message)
        except Exception:  # noqa: BLE001 - logging must never raise into the caller
            self.handleError(record)


def install(orthanc_module: Any, level: int = logging.INFO) -> OrthancLogHandler:
    """Hang an :class:`OrthancLogHandler` on the ``"plugin"`` logger (idempotent).

    The root logger is left alone: other libraries' logging stays theirs.
    """
    logger = logging.getLogger("plugin")
    for old in [h for h in logger.handlers if isinstance(h, OrthancLogHandler)]:
        logger.removeHandler(old)
    handler = OrthancLogHandler(orthanc_module)
    handler.setFormatter(logging.Formatter("[%(name)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
