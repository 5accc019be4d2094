#!/usr/bin/env bash
# Fetches the independent reference data the tests compare against, from Debian packages (without
# installing R): terra's ex/elev.tif and ex/lux.shp, whose coverage-weighted zonal means terra's own
# tests publish. Writes test_data/terra/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=test_data/terra
[ -f "$dest/elev.tif" ] && [ -f "$dest/lux.shp" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download r-cran-terra >/dev/null 2>&1 || { apt-get update -qq && apt-get download r-cran-terra >/dev/null; })
dpkg -x "$work"/r-cran-terra_*.deb "$work/x"
mkdir -p "$dest"
cp "$work"/x/usr/lib/R/site-library/terra/ex/elev.tif "$work"/x/usr/lib/R/site-library/terra/ex/lux.* "$dest/"
echo "test data: $dest"
