#!/usr/bin/env bash
# fuzz.sh — `scripts/fuzz.sh SECONDS JOBS NAME…`: run each libFuzzer harness build/fuzz/fuzz_<NAME> for
# SECONDS, JOBS at a time, from its committed seeds (tests/fuzz/corpus/<NAME>/, and the inputs of past
# findings in tests/fuzz/regressions/<NAME>/), and print one line per
# harness: executions, corpus size, findings. The Makefile's `fuzz` (long, FUZZ_SECONDS) and `test-fuzz`
# (a few seconds each, part of `make test`) call it.
#   FUZZ_WORK=keep  grow build/fuzz/corpus/<NAME>/ across runs (make fuzz); otherwise a fresh temporary
#                   corpus and a fixed seed, so a short run replays the same inputs every time (make test)
#   FUZZ_RUNS=n     stop after n inputs if SECONDS have not passed first: with the fixed seed, the same
#                   inputs on a fast machine as on a slow one (a prefix of them)
#   FUZZ_TIMEOUT=s  an input running longer than s seconds of wall time is a hang (default 10); raise it
#                   under `nice` on a busy machine, where a process can wait that long for a core
# A finding (crash, sanitizer report, leak, timeout, out-of-memory, broken REQUIRE) is saved in
# build/fuzz/findings/<NAME>/ with the log in build/fuzz/logs/<NAME>.log; replay one with
# `build/fuzz/fuzz_<NAME> build/fuzz/findings/<NAME>/<file>`. Exit status 1 when any harness found something.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=$1
jobs=$2
shift 2
mkdir -p build/fuzz/logs build/fuzz/findings
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_one() {
  local name=$1 work seed_flag=() runs_flag=()
  [ -n "${FUZZ_RUNS:-}" ] && runs_flag=(-runs="$FUZZ_RUNS")
  if [ "${FUZZ_WORK:-}" = keep ]; then
    work=build/fuzz/corpus/$name
  else
    work=$tmp/$name
    seed_flag=(-seed=1)
  fi
  mkdir -p "$work"
  # past findings (tests/fuzz/regressions/<NAME>/): replayed first in every run, make test's too
  local regressions=()
  [ -d "tests/fuzz/regressions/$name" ] && regressions=("tests/fuzz/regressions/$name")
  rm -rf "build/fuzz/findings/$name"
  mkdir -p "build/fuzz/findings/$name"
  # -max_len: model files of the seeds are ≤ 6 KB; room to grow, small enough to stay fast.
  # -timeout: one input in more than FUZZ_TIMEOUT s (default 10) is a finding (a hang); libFuzzer's clock
  # is wall time, so at low priority on a loaded machine give it more. -rss_limit_mb: more than 2 GB is one too.
  "build/fuzz/fuzz_$name" "${seed_flag[@]}" "${runs_flag[@]}" -max_total_time="$seconds" -max_len=16384 \
    -timeout="${FUZZ_TIMEOUT:-10}" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$name/" \
    "$work" "tests/fuzz/corpus/$name" "${regressions[@]}" >"build/fuzz/logs/$name.log" 2>&1
  echo $? >"$tmp/$name.rc"
}

running=0
for name in "$@"; do
  run_one "$name" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-14s %12s %10s %8s %9s\n' harness executions exec/s corpus findings
for name in "$@"; do
  log=build/fuzz/logs/$name.log
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -o '[0-9]*$')
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | tail -1 | grep -o '[0-9]*$')
  corpus=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
  findings=$(find "build/fuzz/findings/$name" -type f | wc -l)
  rc=$(cat "$tmp/$name.rc")
  printf '%-14s %12s %10s %8s %9s\n' "$name" "${execs:-?}" "${rate:-?}" "${corpus:-?}" "$findings"
  if [ "$rc" != 0 ] || [ "$findings" != 0 ]; then
    status=1
    echo "  $name failed (exit $rc); log: $log"
    grep -m3 -E '^FINDING|^==[0-9]+==ERROR|runtime error|^SUMMARY' "$log" | sed 's/^/    /'
    find "build/fuzz/findings/$name" -type f | sed 's/^/    reproduce: build\/fuzz\/fuzz_'"$name"' /'
  fi
done
exit $status
