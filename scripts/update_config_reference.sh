#!/usr/bin/env bash
# Regenerates the generated tables of config/README.md from the code (ecomon config-reference and
# ecomon report-columns); a test fails when they drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/pipeline/ecomon
/usr/bin/python3 - "$bin" <<'PY'
import subprocess, sys, re
binary = sys.argv[1]
path = "config/README.md"
text = open(path, encoding="utf-8").read()
def replace(text, start_marker, end_marker, new):
    a = text.index(start_marker)
    b = text.index(end_marker, a)
    return text[:a] + new.rstrip("\n") + text[b:]
keys = subprocess.run([binary, "config-reference"], capture_output=True, text=True, check=True).stdout
cols = subprocess.run([binary, "report-columns"], capture_output=True, text=True, check=True).stdout
text = replace(text, "| key | type |", "\n\nNotes on the methods", keys)
text = replace(text, "### county_report.csv", "\n\nA bad scene", cols)
open(path, "w", encoding="utf-8").write(text)
PY
