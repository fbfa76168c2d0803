# Orthanc with the pixel redaction plugin, on the official orthancteam image.
#
# orthancteam/orthanc:25.4.0 is the last tag on Debian 12 (bookworm-20250317-slim):
# Orthanc 1.12.7, and its Python plugin embeds Debian's Python 3.11, the same
# interpreter as `make run` on Debian 12. Later tags are Ubuntu-based (Python 3.12+):
# changing the tag means checking that the wheels below exist for its Python.
FROM orthancteam/orthanc:25.4.0

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Tesseract is one of the OCR backends (pytesseract runs the binary); wamerican's word
# list tells common words from names (plugin/core/lexicon.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng wamerican \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/orthanc-pixel-redaction
COPY pyproject.toml README.md ./
COPY plugin ./plugin

# Into the image's own Python (the one the plugin embeds). Debian marks it
# externally managed (PEP 668), hence --break-system-packages. opencv-python comes
# in through presidio-image-redactor; keep only the headless build (same cv2 module).
RUN python3 -m pip install --no-cache-dir --break-system-packages . \
    && python3 -m pip uninstall -y --break-system-packages opencv-python opencv-python-headless \
    && python3 -m pip install --no-cache-dir --break-system-packages --no-deps "opencv-python-headless>=4.8" \
    && python3 -c "import cv2, plugin.adapter; print('cv2', cv2.__version__)"

# The same reference configuration as `make run`; the image merges /etc/orthanc/*.json
# and then applies ORTHANC__* environment variables.
COPY orthanc.json /etc/orthanc/orthanc.json
# Orthanc Explorer 2 (bundled in the image): Redact / Review / Queue buttons on
# study, series and instance pages (OE2 cannot load plugin JavaScript).
COPY docker/orthanc-explorer-2.json /etc/orthanc/orthanc-explorer-2.json

ENV PYTHON_PLUGIN_ENABLED=true \
    ORTHANC__PYTHON_SCRIPT=/opt/orthanc-pixel-redaction/plugin/entrypoint.py \
    ORTHANC__STORAGE_DIRECTORY=/var/lib/orthanc/db \
    ORTHANC__INDEX_DIRECTORY=/var/lib/orthanc/db \
    ORTHANC__PLUGINS='["/usr/share/orthanc/plugins"]' \
    PYTHONUNBUFFERED=1

EXPOSE 8042 4242
