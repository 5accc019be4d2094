#!/usr/bin/env bash
# Installs the Debian 12 packages ecomon needs to build and run (only those missing), and with --tests
# those its tests need too. As root.
set -euo pipefail
packages=(cmake g++ make pkg-config git ca-certificates
  libgdal-dev libzstd-dev libdeflate-dev gdal-bin python3-gdal libproj-dev proj-data libtbb-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
  libcli11-dev libgtest-dev libopencv-imgproc-dev
  libsqlite3-dev libxxhash-dev nlohmann-json3-dev  # the workspace catalog (SQLite), content hashes (xxHash), `ecomon status --json`
  libcpp-httplib-dev libjs-leaflet  # `ecomon serve` (cpp-httplib; its page's map: Leaflet)
  libxlsxwriter-dev  # ecomon_report.xlsx (libxlsxwriter)
  libssl-dev  # SHA-256 checksums of the STAC catalog's files (OpenSSL libcrypto)
  clang  # the libFuzzer targets of the tests (scripts/fuzz.sh)
  gmt-gshhg-high)  # the demo: the Yellow River and Ulansuhai of GSHHG for the simulated landscape (scripts/extract_hydrography.py)
# With --tests, what only the tests need: R's survey package, the independent reference of the
# reference sample's estimators (tests/unit/test_survey_reference.cpp).
# Debian's Chromium and CJK fonts, driven by puppeteer-core from npm (pinned with its checksums in
# tests/browser/package-lock.json; it downloads no browser), render report.html in a real browser
# (tests/integration/test_report_html.cpp); python3-jsonschema validates the STAC catalog against the
# official schemas vendored in tests/schemas (no network). Node.js and npm from Debian unless the machine has them.
if [ "${1:-}" = "--tests" ]; then
  packages+=(r-base-core r-cran-survey chromium fonts-noto-cjk python3-jsonschema
    slurmctld slurmd slurm-client munge)  # the scale-out test: a one-node Slurm cluster (tests/slurm/cluster.sh)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi
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
if [ "${1:-}" = "--tests" ]; then
  browser_tests="$(dirname "$0")/../tests/browser"
  if ! cmp -s "$browser_tests/package-lock.json" "$browser_tests/node_modules/.ecomon-installed-lock" 2>/dev/null; then
    echo "installing puppeteer-core in tests/browser (npm ci: the locked versions and checksums)"
    (cd "$browser_tests" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null &&
      cp package-lock.json node_modules/.ecomon-installed-lock)
  fi
fi
