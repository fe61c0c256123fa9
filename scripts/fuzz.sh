#!/usr/bin/env bash
# Short fuzz run: builds the libFuzzer targets in the sanitizer build
# (scripts/asan_build.sh, build-asan/) and fuzzes each for N seconds
# (default 30), starting from its seed corpus and crash regressions. New inputs go to build-asan/fuzz-run/<target>/, not
# to the source tree. Exits non-zero when any target crashes, leaks, hangs
# or violates an invariant; the failing input is kept in
# build-asan/fuzz-run/<target>/artifacts/ (add it to fuzz/regressions/).
# Usage: scripts/fuzz.sh [seconds] [target...]; ASAN_BUILD_DIR overrides build-asan.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_json_reader fuzz_normalizer_features fuzz_model_loader)
build=${ASAN_BUILD_DIR:-build-asan}
bash scripts/asan_build.sh "${targets[@]}"

export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0 failed=0
for t in "${targets[@]}"; do
  work=$build/fuzz-run/$t
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  max_len=4096
  [ "$t" = fuzz_model_loader ] && max_len=65536
  if "$build"/fuzz/"$t" -max_total_time="$secs" -max_len=$max_len -timeout=30 -rss_limit_mb=2048 \
      -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
      "$work/corpus" "fuzz/corpus/$t" "fuzz/regressions/$t" >"$work/log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
    echo "fuzz $t: ok, ${execs:-?} executions in ${secs}s (${rate:-?}/s)"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FAILED; log $work/log, input in $work/artifacts/:" >&2
    grep -E "ERROR|runtime error|invariant violated|SUMMARY|Test unit written" "$work/log" | head -20 >&2 || tail -40 "$work/log" >&2
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
