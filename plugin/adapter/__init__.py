"""The only code that talks to Orthanc: wires the core into the Python plugin.

``plugin/entrypoint.py`` calls :func:`register` with the ``orthanc`` runtime module;
nothing here imports ``orthanc`` itself, so this package imports and type-checks
outside the server.

At registration: configuration checked (a bad ``PixelRedaction`` section stops
Orthanc), REST routes and the change callback registered. Once Orthanc has started
(its database is open): the UID key resolved, the worker processes started and the
change log followed (:mod:`plugin.adapter.service`). At stop: workers stopped.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

__all__ = ["register"]

logger = logging.getLogger(__name__)

ID = "([0-9a-f-]+)"
ROUTES = {
    "/redaction/health": "health",
    "/redaction/queue": "queue",
    "/redaction/redact": "redact",
    f"/redaction/instances/{ID}": "instance",
    f"/redaction/series/{ID}": "series",
    f"/redaction/studies/{ID}": "studies",
    f"/redaction/instances/{ID}/preview.png": "preview",
    f"/redaction/instances/{ID}/video.(mp4|gif)": "video",
    f"/redaction/instances/{ID}/boxes": "boxes",
    f"/redaction/instances/{ID}/corrections": "corrections",
    f"/redaction/instances/{ID}/audit": "audit",
    "/redaction/ui/([A-Za-z0-9_.-]+)": "ui_file",
    "/redaction/jobs": "jobs",
    "/redaction/jobs/([0-9a-f-]+)": "job",
}


class _Lifecycle:
    """Starts the service when Orthanc has started, stops it when Orthanc stops."""

    def __init__(self, orthanc: Any, config: Any, routes: Any) -> None:
        self.orthanc = orthanc
        self.config = config
        self.routes = routes
        self.service: Any = None
        self._lock = threading.Lock()

    def on_change(self, change_type: Any, level: Any, resource: Any) -> None:
        # Runs inside Orthanc's change processing: no REST calls here.
        types = self.orthanc.ChangeType
        if change_type == types.NEW_INSTANCE:
            if self.service is not None:
                self.service.wake()
        elif change_type == types.ORTHANC_STARTED:
            threading.Thread(
                target=self.start, name="redaction-start", daemon=True
            ).start()
        elif change_type == types.ORTHANC_STOPPED:
            self.stop()

    def start(self) -> None:
        from .pool import WorkerPool
        from .service import OrthancApi, RedactionService, resolve_uid_key

        with self._lock:
            try:
                api = OrthancApi(self.orthanc)
                key = resolve_uid_key(self.config, api, dict(os.environ))
                settings = self.config.settings.replace(uid_key=key)
                workers = self.config.worker_count
                pool = WorkerPool(
                    workers,
                    {
                        "settings": settings,
                        "filters": self.config,
                        "threads": 1 if workers > 1 else 0,
                        "nice": self.config.worker_nice,
                    },
                    timeout=self.config.timeout_seconds,
                    python=self.config.worker_python or None,
                )
                pool.start()
                service = RedactionService(api, self.config, pool)
                service.start()
            except Exception as exc:
                logger.error("redaction service did not start: %s", type(exc).__name__)
                logger.debug("traceback", exc_info=True)
                self.routes.starting_error = f"start failed: {type(exc).__name__}"
                self.routes.started.set()
                return
            self.service = service
            self.routes.service = service
            self.routes.started.set()
            logger.warning(
                "pixel redaction running: workers=%d automatic=%s policy=%s",
                workers,
                self.config.enabled,
                settings.policy.value,
            )

    def stop(self) -> None:
        with self._lock:
            if self.service is not None:
                self.routes.service = None
                self.routes.starting_error = "Orthanc is stopping"
                self.service.stop()
                self.service = None


def register(orthanc_module: Any) -> Any:
    """Read the ``PixelRedaction`` section, register the routes and the change callback.

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

    log.install(orthanc_module)
    silence_value_messages()
    configuration = json.loads(orthanc_module.GetConfiguration())
    config = read_config(configuration.get(SECTION, {}))
    routes = Routes(config)
    for uri, name in ROUTES.items():
        orthanc_module.RegisterRestCallback(uri, guarded(uri, getattr(routes, name)))
    if config.explorer_extension:
        from .routes import STATIC_DIR

        script = STATIC_DIR / "explorer.js"
        if script.is_file():
            orthanc_module.ExtendOrthancExplorer(script.read_text(encoding="utf-8"))
    lifecycle = _Lifecycle(orthanc_module, config, routes)
    orthanc_module.RegisterOnChangeCallback(lifecycle.on_change)
    logger.warning(
        "pixel redaction plugin registered: automatic=%s workers=%d ocr=%s policy=%s",
        config.enabled,
        config.worker_count,
        config.settings.ocr_backend,
        config.settings.policy.value,
    )
    return routes
