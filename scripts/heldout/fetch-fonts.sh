#!/usr/bin/env bash
# Fonts for the held-out generator (gen.py): Debian's Liberation and FreeFont
# packages, unpacked next to it (scripts/heldout/fonts/), not installed, so that
# our own synth keeps drawing with the fonts the machine has.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download fonts-liberation2 fonts-freefont-ttf)
for deb in "$tmp"/*.deb; do dpkg -x "$deb" fonts; done
ls fonts/usr/share/fonts/truetype
