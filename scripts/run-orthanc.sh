#!/usr/bin/env bash
# Start Orthanc in the foreground with the redaction plugin (`make run`).
#
# Writes the effective configuration (orthanc.json + ORTHANC__* environment
# overrides, relative paths made absolute against the repository) to
# $REDACTION_RUN_DIR/orthanc.json (default: var/run/), points the embedded Python at
# the repository and the venv's site-packages, then exec's Orthanc so SIGINT/SIGTERM
# reach it directly. Extra arguments go to Orthanc (e.g. --verbose).
#
# Environment: ORTHANC__HTTP_PORT, ORTHANC__DICOM_PORT, ORTHANC__STORAGE_DIRECTORY,
# ORTHANC__INDEX_DIRECTORY and any other ORTHANC__SECTION__KEY (see README).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Orthanc's Python plugin embeds Debian's interpreter: the venv must match its X.Y.
python=/usr/bin/python3
pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
site="$repo/.venv/lib/python$pyver/site-packages"
if [ ! -d "$site" ]; then
  echo "run-orthanc: $site is missing: run 'make venv' first" >&2
  exit 1
fi

orthanc_bin="$(command -v Orthanc || true)"
if [ -z "$orthanc_bin" ] && [ -x /usr/sbin/Orthanc ]; then
  orthanc_bin=/usr/sbin/Orthanc
fi
if [ -z "$orthanc_bin" ]; then
  echo "run-orthanc: the Orthanc binary is missing: run 'make deps' first" >&2
  exit 1
fi

run_dir="${REDACTION_RUN_DIR:-$repo/var/run}"
mkdir -p "$run_dir"
config="$run_dir/orthanc.json"
"$python" "$repo/plugin/adapter/envconfig.py" "$repo/orthanc.json" "$config" --root "$repo"

# The repository first (the `plugin` package; an editable install's .pth file is
# not read from PYTHONPATH), then the venv's packages.
export PYTHONPATH="$repo:$site${PYTHONPATH:+:$PYTHONPATH}"
# Orthanc resolves nothing else relative to the working directory, but keep it stable.
cd "$repo"
echo "run-orthanc: $orthanc_bin $config (Python $pyver, PYTHONPATH=$PYTHONPATH)" >&2
exec "$orthanc_bin" "$@" "$config"
