#!/usr/bin/env bash
# RFC 6455 conformance: Autobahn|Testsuite's fuzzing client against an echo worker
# (php/conformance/echo.php) running the built extension, every message going through PHP.
#
#   usage: scripts/conformance.sh AUTOBAHN_DIR [OUTDIR]
#
# AUTOBAHN_DIR holds a runner with `setup.sh` (installs it, idempotent) and `run.sh URL OUTDIR`
# (runs the cases, prints `autobahn: N OK, … N FAILED`, exits non-zero on a failure).
# Cases and exclusions pass through its environment (AUTOBAHN_CASES, AUTOBAHN_EXCLUDE); by
# default every case, 1 to 13, compression (12.*, 13.*) included.
set -euo pipefail
export AUTOBAHN_EXCLUDE="${AUTOBAHN_EXCLUDE:-[]}"
AUTOBAHN="${1:?usage: $0 AUTOBAHN_DIR [OUTDIR]}"
OUT="${2:-target/conformance}"
SO="${FRANKENPHP_WS_SO:-target/release/libfrankenphp_ws.so}"
[ -x "$AUTOBAHN/run.sh" ] || { echo "conformance: no run.sh in $AUTOBAHN" >&2; exit 2; }
"$AUTOBAHN/setup.sh" >/dev/null

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$OUT"
FRANKENPHP_WS_LISTEN="127.0.0.1:$PORT" php -n -d "extension=$PWD/$SO" -d memory_limit=-1 \
    php/conformance/echo.php > "$OUT/worker.log" 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q READY "$OUT/worker.log" && break
    kill -0 $WORKER 2>/dev/null || { cat "$OUT/worker.log" >&2; exit 2; }
    sleep 0.1
done
grep -q READY "$OUT/worker.log" || { echo "conformance: the echo worker did not start" >&2; exit 2; }
"$AUTOBAHN/run.sh" "ws://127.0.0.1:$PORT/ws" "$OUT"
