#!/usr/bin/env bash
# run-ordered.sh — `scripts/run-ordered.sh JOBS 'command' …`: run the commands (each through bash) up to
# JOBS at a time, and print each one's output (stdout and stderr) in the order given, as soon as it and
# every command before it have finished: parallel runs that read like a serial log. The first failure,
# in that order, is printed, the commands still running are stopped, and its exit status is returned.
# The Makefile runs the native test suites through it.
set -uo pipefail
set -m # each command in its own process group, so stopping one stops everything it started

jobs=$1
shift
cmds=("$@")
n=${#cmds[@]}
dir=$(mktemp -d)
declare -a pids

stop_all() {
  local i
  for ((i = 0; i < started; i++)); do
    [ -f "$dir/$i.rc" ] || kill -- -"${pids[i]}" 2>/dev/null
  done
  rm -rf "$dir"
}
trap 'stop_all; exit 130' INT TERM

started=0
finished=0
shown=0
while ((shown < n)); do
  while ((started < n && started - finished < jobs)); do
    (bash -c "${cmds[$started]}" >"$dir/$started.log" 2>&1; echo $? >"$dir/$started.tmp" && mv "$dir/$started.tmp" "$dir/$started.rc") &
    pids[started]=$!
    disown # no job-control notices: completion is read from the .rc files
    started=$((started + 1))
  done
  if [ -f "$dir/$shown.rc" ]; then
    cat "$dir/$shown.log"
    rc=$(<"$dir/$shown.rc")
    if [ "$rc" != 0 ]; then
      stop_all
      exit "$rc"
    fi
    shown=$((shown + 1))
    continue
  fi
  sleep 0.05
  finished=$(find "$dir" -name '*.rc' | wc -l)
done
rm -rf "$dir"
