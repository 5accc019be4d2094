#!/usr/bin/env bash
# Installs the Debian 12 packages ecomon needs to build and run (only those missing), and with --tests
# those its tests need too. As root.
set -euo pipefail
packages=(cmake g++ make pkg-config git ca-certificates
  libgdal-dev gdal-bin python3-gdal libproj-dev proj-data libtbb-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
  libcli11-dev libgtest-dev libopencv-imgproc-dev
  libsqlite3-dev libxxhash-dev nlohmann-json3-dev  # the workspace catalog (SQLite), content hashes (xxHash), `ecomon status --json`
  libcpp-httplib-dev  # `ecomon serve` (cpp-httplib)
  clang  # the libFuzzer targets of the tests (scripts/fuzz.sh)
  gmt-gshhg-high)  # the demo: the Yellow River and Ulansuhai of GSHHG for the simulated landscape (scripts/extract_hydrography.py)
# With --tests, what only the tests need: R's survey package, the independent reference of the
# reference sample's estimators (tests/unit/test_survey_reference.cpp).
if [ "${1:-}" = "--tests" ]; then packages+=(r-base-core r-cran-survey); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
