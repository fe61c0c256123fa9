#!/usr/bin/env bash
# Configures and builds the sanitizer build, build-asan/ (ASAN_BUILD_DIR
# overrides): clang-14, RelWithDebInfo, AddressSanitizer + UBSan, with
# libFuzzer coverage so the same objects serve the test suite
# (scripts/sanitize.sh) and the fuzz targets (scripts/fuzz.sh): one build
# instead of two. Arguments are ninja targets (default: all). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh fuzz
build=${ASAN_BUILD_DIR:-build-asan}
# A cache made with another compiler cannot be switched in place.
if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^CMAKE_CXX_COMPILER:.*clang++-14" "$build/CMakeCache.txt"; then
  rm -rf "$build"
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRASID_SANITIZE=ON -DRASID_FUZZ=ON -DRASID_TESTS=ON -DRASID_PYTHON=OFF >/dev/null
if [ $# -gt 0 ]; then
  cmake --build "$build" --target "$@"
else
  cmake --build "$build"
fi
