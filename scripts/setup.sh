#!/usr/bin/env bash
# Installs what building and testing need on Debian bookworm: PHP 8.2 cli/dev, libclang (for
# bindgen), redis-server, for the browser and JavaScript tests Chromium, Node.js,
# puppeteer-core, terser, ws, pusher-js, pusher and laravel-echo (from package-lock.json, into
# node_modules/), and Python's websockets client. Idempotent and quiet: does nothing when everything is present.
set -euo pipefail

need=()
command -v php >/dev/null 2>&1 || need+=(php8.2-cli)
command -v php-config >/dev/null 2>&1 || need+=(php8.2-dev)
# libclang itself, not libclang-cpp (which other packages bring and bindgen cannot use).
compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null || compgen -G '/usr/lib/*/libclang-[0-9]*.so*' >/dev/null \
  || need+=(libclang-dev)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# The compression test's Python client, for Debian's own python3.
/usr/bin/python3 -c 'import websockets' >/dev/null 2>&1 || need+=(python3-websockets)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
# Every package package.json names (puppeteer-core, terser, ws, pusher-js, pusher, laravel-echo).
missing=$(cd "$root" && node -e '
  const deps = Object.keys(require("./package.json").dependencies);
  const fs = require("fs");
  console.log(deps.filter(d => !fs.existsSync(`node_modules/${d}/package.json`)).join(" "));')
if [ -n "$missing" ]; then
  echo "setup: installing $missing (package.json, for the browser, JS client and Pusher tests)"
  npm ci --prefix "$root" --no-audit --no-fund --loglevel=error >/dev/null
fi
