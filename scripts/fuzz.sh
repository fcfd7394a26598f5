#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time (FUZZ_SECONDS each, default 60) and
# fails if any of them finds a crash, a failed assertion, a timeout or an out-of-memory.
#
#   scripts/fuzz.sh                    # every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh tag_expression
#
# Stable Rust only: cargo-fuzz passes nightly-only flags to rustc (-Zsanitizer=address and the
# sanitizer-coverage passes), which stable accepts with RUSTC_BOOTSTRAP=1. AddressSanitizer
# works that way here: the stable x86_64-linux toolchain ships the ASan runtime, so no
# `--sanitizer none` is needed (FUZZ_SANITIZER=none selects it for a target that lacks one).
# Debug assertions (-a) are on, so integer overflows fail too. The library links ext-php-rs;
# like the test binaries, the fuzz binaries use none of PHP's symbols, so they link without
# libphp (the cdylib, built alongside, leaves them to be resolved when PHP loads it).
#
# Each target's seeds are fuzz/corpus/<target>/ (committed, read only here); what the fuzzer
# adds goes to fuzz/target/corpus/<target>/, kept between runs, and a crashing input to
# fuzz/artifacts/<target>/ (both ignored by git). Reproduce one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)

cargo fuzz build -O -a --sanitizer "$sanitizer"

failed=()
summary=()
for target in "${targets[@]}"; do
  work="fuzz/target/corpus/$target"
  log="fuzz/target/fuzz-$target.log"
  mkdir -p "$work" "fuzz/artifacts/$target"
  echo "fuzz: $target for ${seconds}s (log: $log)"
  status=0
  # -timeout: one input running 10 s counts as a hang (libFuzzer's default is 20 minutes).
  cargo fuzz run -O -a --sanitizer "$sanitizer" "$target" "$work" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    summary+=("$target: FAILED (exit $status) after ${runs:-?} runs")
    grep -E 'panicked at|ERROR: |SUMMARY: |Test unit written to' "$log" | head -n 8 | sed 's/^/  /' || true
  else
    summary+=("$target: ok, ${runs:-?} runs, ${rate:-?} exec/s")
  fi
done

echo "fuzz: summary (${seconds}s per target)"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}: see fuzz/artifacts/ and the logs in fuzz/target/" >&2
  exit 1
fi
