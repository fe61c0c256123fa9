#!/usr/bin/env bash
# The whole test suite: installs what is missing, then
#  1. a short libFuzzer run of every fuzz target (10 s each),
#  2. the suite under AddressSanitizer + UBSan, in the same clang build
#     (build-asan/, scripts/asan_build.sh) as the fuzz targets,
#  3. the suite on the normal Release build (build/), last so that its ctest
#     summary is the final line.
# RASID_QUICK=1 runs only step 3.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh browser fuzz
if [ "${RASID_QUICK:-0}" != 1 ]; then
  bash scripts/fuzz.sh 10
  bash scripts/sanitize.sh
fi
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 300
