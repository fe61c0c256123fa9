#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh browser
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 300
