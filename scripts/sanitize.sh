#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ (scripts/asan_build.sh) and runs the whole ctest suite there,
# including the fuzz regression replays (fuzz_replay_*). Any sanitizer
# report, including a leak, fails the test that triggered it.
# Extra arguments go to ctest (e.g. -R model_file); ASAN_BUILD_DIR overrides
# build-asan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/asan_build.sh
build=${ASAN_BUILD_DIR:-build-asan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 1800 "$@"
