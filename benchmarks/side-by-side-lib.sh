#!/bin/bash
# Shared by model-side-by-side.sh and gemm-side-by-side.sh (sourced, not run): steps whose output is kept in a log
# file, and that stop the script with the log's last lines when they fail, instead of exiting silently.

# run_logged LOG WHAT COMMAND...: runs COMMAND with stdout and stderr into LOG; on failure prints WHAT, the last lines
# of LOG and RUN_HINT (when set), then exits 1.
run_logged() {
  local log=$1 what=$2
  shift 2
  if ! "$@" > "$log" 2>&1; then
    echo "error: $what failed; the last lines of $log:" >&2
    tail -n 8 "$log" >&2
    if [ -n "${RUN_HINT:-}" ]; then echo "$RUN_HINT" >&2; fi
    exit 1
  fi
}

# run_peer LOG WHAT COMMAND...: run_logged for a reference script of shared/bench, naming the packages it needs.
run_peer() {
  RUN_HINT="The references need Debian's interpreter with its packages: apt-get install -y python3-torch python3-numpy libopenblas-dev (see shared/bench/README.md)." \
    run_logged "$@"
}

# build_ours OUT: builds the benchmark project in Release (log in OUT/build.log).
build_ours() {
  run_logged "$1/build.log" "the Release build of benchmarks/Alignment.Benchmarks" \
    dotnet build -c Release benchmarks/Alignment.Benchmarks
}
