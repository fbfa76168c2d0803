"""The only code that talks to Orthanc: wires the core into the Python plugin.

``plugin/entrypoint.py`` calls :func:`register` with the ``orthanc`` runtime module;
nothing here imports ``orthanc`` itself, so this package imports and type-checks
outside the server.

Now: ``GET /redaction/health`` and ``POST /redaction/redact`` (redact an uploaded
file, store nothing). Automatic redaction of stored instances is not implemented yet.
"""

from __future__ import annotations

import json
import logging
from typing import Any

__all__ = ["register"]

logger = logging.getLogger(__name__)

ROUTES = {
    "/redaction/health": "health",
    "/redaction/redact": "redact",
}


def _load_engine() -> tuple[Any, str | None]:
    """``plugin.core.pipeline.redact_dataset``, or ``None`` and why not."""
    try:
        from plugin.core.pipeline import redact_dataset
    except Exception as exc:
        logger.exception("redaction engine not available")
        return None, f"{type(exc).__name__}: {exc}"
    return redact_dataset, None


def register(orthanc_module: Any) -> Any:
    """Read the ``PixelRedaction`` section and register the REST routes.

    Parameters
    ----------
    orthanc_module
        The ``orthanc`` module of the running server.

    Returns
    -------
    The :class:`~plugin.adapter.routes.Routes` object serving the routes.

    Raises
    ------
    ConfigError
        Unknown or invalid keys in ``PixelRedaction``: Orthanc then refuses to start,
        which is the point (a typo must not silently fall back to defaults).
    """
    from ..privacy import silence_value_messages
    from . import log
    from .config import SECTION, read_config
    from .routes import Routes, guarded
    from .worker import EngineThread

    log.install(orthanc_module)
    silence_value_messages()
    configuration = json.loads(orthanc_module.GetConfiguration())
    config = read_config(configuration.get(SECTION, {}))
    redact, engine_error = _load_engine()
    # The engine cannot run on Orthanc's HTTP threads (stack too small): see worker.py.
    engine = EngineThread()
    routes = Routes(config, redact, engine_error, run=engine.call)
    for uri, name in ROUTES.items():
        orthanc_module.RegisterRestCallback(uri, guarded(uri, getattr(routes, name)))
    logger.warning(
        "pixel redaction plugin ready: engine_ready=%s ocr=%s policy=%s routes=%s",
        redact is not None,
        config.settings.ocr_backend,
        config.settings.policy.value,
        ", ".join(ROUTES),
    )
    return routes
