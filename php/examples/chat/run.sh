#!/usr/bin/env bash
# Starts the chat example: the worker loop (WebSocket on :8080, admin API on :2019) and the
# pages with `php -S` on :8000 (HTTP_PORT). Ctrl-C stops both. Other addresses:
# FRANKENPHP_WS_LISTEN, FRANKENPHP_WS_ADMIN, and FRANKENPHP_WS_PUBLIC_URL for the page's
# WebSocket URL.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
so="${FRANKENPHP_WS_SO:-$here/../../../target/release/libfrankenphp_ws.so}"
so="$(cd "$(dirname "$so")" && pwd)/$(basename "$so")"
[ -f "$so" ] || { echo "run.sh: no extension at $so (run make build)" >&2; exit 1; }
port="${HTTP_PORT:-8000}"

admin="${FRANKENPHP_WS_ADMIN:-127.0.0.1:2019}"

# The worker asks the pages' auth.php about every handshake (the session cookie), and accepts
# WebSockets only from the chat's own pages: a page elsewhere gets 403 even with the cookie.
FRANKENPHP_WS_AUTH_ENDPOINT="http://127.0.0.1:$port/auth.php" \
FRANKENPHP_WS_ALLOWED_ORIGINS="${FRANKENPHP_WS_ALLOWED_ORIGINS:-http://127.0.0.1:$port http://localhost:$port}" \
  php -d "extension=$so" "$here/worker.php" &
worker=$!
# send.php calls broadcast() from this process: it goes through the worker's admin API.
php -d "extension=$so" -d "frankenphp_ws.admin_url=http://$admin" -S "127.0.0.1:$port" -t "$here/public" >/dev/null 2>&1 &
pages=$!
stop() {
  trap - INT TERM EXIT
  kill -TERM "$worker" "$pages" 2>/dev/null || true
  wait "$worker" "$pages" 2>/dev/null || true
}
trap stop INT TERM EXIT
echo "chat: open http://127.0.0.1:$port/ (WebSocket ws://127.0.0.1:8080/ws). Ctrl-C stops."
wait -n "$worker" "$pages" || true
