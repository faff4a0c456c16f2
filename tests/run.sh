#!/usr/bin/env bash
# The test command README.md gives: the CPU suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pytest -q tests
