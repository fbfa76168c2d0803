import subprocess
import sys

import pytest

from plugin.core.errors import ConfigError
from plugin.core.settings import FillMode, Policy, RedactionSettings


def test_from_mapping_pascal_case():
    s = RedactionSettings.from_mapping(
        {
            "Fill": "inpaint",
            "Policy": "all-text",
            "OcrBackend": "tesseract",
            "Padding": 5,
            "OcrRuntime": "onnxruntime",
        }
    )
    assert s.fill is FillMode.INPAINT and s.policy is Policy.ALL_TEXT
    assert s.ocr_backend == "tesseract" and s.padding == 5
    assert s.ocr_runtime == "onnxruntime"


@pytest.mark.parametrize(
    "mapping",
    [
        {"Nope": 1},
        {"Fill": "pink"},
        {"Padding": -1},
        {"ScoreThreshold": 2},
        {"OcrRuntime": "cuda"},
    ],
)
def test_bad_settings_are_errors(mapping):
    with pytest.raises(ConfigError):
        RedactionSettings.from_mapping(mapping)


def test_core_and_cli_never_import_orthanc():
    code = "import sys, plugin.core.pipeline, plugin.cli, plugin.batch; print('orthanc' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
