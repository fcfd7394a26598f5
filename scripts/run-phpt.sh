#!/usr/bin/env bash
# Runs the phpt suite against the built extension and fails if any test fails *or is skipped*:
# a wrong extension path turns every --EXTENSIONS-- test into a SKIP that run-tests.php
# reports with exit status 0.
set -uo pipefail
so="${1:?usage: run-phpt.sh path/to/libfrankenphp_ws.so [tests-dir]}"
dir="${2:-tests/phpt}"
so="$(cd "$(dirname "$so")" && pwd)/$(basename "$so")"
[ -f "$so" ] || { echo "run-phpt: no extension at $so" >&2; exit 1; }
# Debian keeps run-tests.php beside the extensions; a PHP built from source (make test-zts)
# somewhere under its prefix's lib/.
runner="$(php-config --extension-dir)/build/run-tests.php"
[ -f "$runner" ] || runner="$(find "$(php-config --prefix)/lib" -path '*/build/run-tests.php' -print -quit)"
[ -f "$runner" ] || { echo "run-phpt: $runner is missing (php8.2-dev installs it)" >&2; exit 1; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export FRANKENPHP_WS_SO="$so"
NO_INTERACTION=1 TEST_PHP_EXECUTABLE="$(command -v php)" php "$runner" -q --show-diff -j2 \
  -d "extension=$so" "$dir" 2>&1 | tee "$log"
count() { grep -E "^Tests $1 *:" "$log" | head -1 | sed -E 's/^[^:]*: *([0-9]+).*/\1/'; }
passed=$(count passed); failed=$(count failed); skipped=$(count skipped)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
echo "phpt: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ] || [ "$skipped" -ne 0 ]; then
  [ "$skipped" -ne 0 ] && echo "phpt: skipped tests count as failures (is the extension path right?)" >&2
  exit 1
fi
