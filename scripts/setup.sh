#!/usr/bin/env bash
# Installs what building and testing need on Debian bookworm: PHP 8.2 cli/dev, libclang (for
# bindgen) and redis-server. Idempotent and quiet: does nothing when everything is present.
set -euo pipefail

need=()
command -v php >/dev/null 2>&1 || need+=(php8.2-cli)
command -v php-config >/dev/null 2>&1 || need+=(php8.2-dev)
# libclang itself, not libclang-cpp (which other packages bring and bindgen cannot use).
compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null || compgen -G '/usr/lib/*/libclang-[0-9]*.so*' >/dev/null \
  || need+=(libclang-dev)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
