#!/usr/bin/env bash
# run.sh — run one fuzz harness for a while: tests/fuzz/run.sh HARNESS FUZZ_BUILD_DIR
#
# HARNESS is models, migration or ini; FUZZ_BUILD_DIR is where build.sh
# built them.  The run lasts RETORT_FUZZ_SECONDS seconds (default 60) and
# starts from the harness's seed corpus, copied to a scratch folder,
# FUZZ_BUILD_DIR/runs/HARNESS/corpus (made afresh each time: the tree is
# never written).  Any crash, leak, undefined behaviour, timeout or
# out-of-memory fails the run; libFuzzer leaves the input that did it in
# FUZZ_BUILD_DIR/runs/HARNESS/artifacts/ (crash-*, leak-*, timeout-*, oom-*),
# and the whole log is FUZZ_BUILD_DIR/runs/HARNESS/fuzz.log.
# Exits 77 (ctest's skip) when the harness was not built.
set -uo pipefail
h=${1:?usage: run.sh HARNESS FUZZ_BUILD_DIR}
dir=${2:?usage: run.sh HARNESS FUZZ_BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
bin=$dir/tests/fuzz/fuzz_$h
seeds=$dir/tests/fuzz/seeds/$h
seconds=${RETORT_FUZZ_SECONDS:-60}

if [ ! -e "$dir/fuzz-built" ] || [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
  echo "SKIPPED: the harnesses are not built in $dir (no clang with libFuzzer? see fuzz.build)"
  exit 77
fi
case $seconds in ''|*[!0-9]*) echo "RETORT_FUZZ_SECONDS must be a number of seconds, not '$seconds'"; exit 2 ;; esac

run=$dir/runs/$h
rm -rf "$run"
mkdir -p "$run/corpus" "$run/artifacts"
cp "$seeds"/* "$run/corpus/"

# libFuzzer's own exit code for a finding is 77, ctest's skip: every
# failure is mapped to 1 below.  -timeout is per input; the outer timeout
# only guards against a harness that never returns to libFuzzer.
echo "fuzz_$h: $seconds s from $(ls "$run/corpus" | wc -l) seeds"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
timeout --kill-after=30 $((seconds + 120)) \
  "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
         -dict="$here/$h.dict" -artifact_prefix="$run/artifacts/" "$run/corpus" >"$run/fuzz.log" 2>&1
status=$?

grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$run/fuzz.log"
findings=$(ls "$run/artifacts" | wc -l)
if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ] ||
   grep -qE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "$run/fuzz.log"; then
  echo "FAILED: fuzz_$h (exit status $status); the end of $run/fuzz.log:"
  grep -vE '^#[0-9]+[[:space:]]' "$run/fuzz.log" | tail -n 60
  for f in "$run"/artifacts/*; do
    [ -e "$f" ] && echo "reproduce: $bin $f"
  done
  exit 1
fi
echo "fuzz_$h: no finding in $seconds s"
