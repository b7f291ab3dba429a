#!/usr/bin/env bash
# setup.sh — install what a build or test step needs, only when it is missing (idempotent, quiet
# when everything is there). Usage: scripts/setup.sh emcc|node|chromium|torch|clang-format|fuzz|all-tests|bench
set -euo pipefail
cd "$(dirname "$0")/.."

apt_updated=0
# Wait for another apt/dpkg (a second make, the system's own updates) instead of failing at once.
APT_WAIT=(-o DPkg::Lock::Timeout=600)
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ "$apt_updated" = 0 ]; then
    echo "setup: apt-get update" >&2
    $sudo apt-get "${APT_WAIT[@]}" update -qq >&2
    apt_updated=1
  fi
  echo "setup: apt-get install $*" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${APT_WAIT[@]}" install -y -qq "$@" >/dev/null
}

need_emcc() { command -v emcc >/dev/null 2>&1 || apt_install emscripten; }
need_chromium() { [ -x /usr/bin/chromium ] || apt_install chromium; }
need_torch() {
  /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 || apt_install python3-numpy python3-torch
}
# libFuzzer: clang-14 with its runtime (Debian's libclang-rt-14-dev), for the harnesses of tests/fuzz/.
need_fuzz() {
  command -v clang-14 >/dev/null 2>&1 && compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null ||
    apt_install clang-14 libclang-rt-14-dev
}
# The benchmark's PyTorch column: Debian's torch uses whatever libblas.so.3 is installed, and the reference
# BLAS a fresh machine has makes it about 7x slower (34k against 229k chars/s for an RNN H 128): an
# unfair comparison. OpenBLAS (the pthread build) takes over libblas.so.3 through Debian's alternatives.
need_openblas() {
  dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'ok installed' || apt_install libopenblas0-pthread
}
need_clang_format() { command -v clang-format >/dev/null 2>&1 || apt_install clang-format; }
need_node() {
  # npm ci when node_modules is missing or older than the lock file. A symlinked node_modules (a git
  # worktree sharing another checkout's packages) belongs to that checkout: never reinstall through it.
  [ -L node_modules ] && return 0
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

for what in "$@"; do
  case "$what" in
    emcc) need_emcc ;;
    node) need_node ;;
    chromium) need_chromium ;;
    torch) need_torch ;;
    clang-format) need_clang_format ;;
    fuzz) need_fuzz ;;
    all-tests) need_emcc; need_node; need_chromium; need_torch; need_fuzz ;;
    bench) need_emcc; need_node; need_chromium; need_torch; need_openblas ;;
    *) echo "setup.sh: unknown target '$what' (emcc|node|chromium|torch|clang-format|fuzz|all-tests|bench)" >&2; exit 2 ;;
  esac
done
