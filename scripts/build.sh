#!/usr/bin/env bash
# Configures and builds rasid into build/ (Release). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRASID_FUZZ=ON "$@" >/dev/null
cmake --build build
