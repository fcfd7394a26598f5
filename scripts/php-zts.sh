#!/usr/bin/env bash
# Builds a minimal thread-safe (ZTS) PHP 8.2 with the embed SAPI, once, into a cache outside the
# repository, for `make test-zts`. Later runs find it and do nothing. Prints the install prefix
# on its last line.
#
#   FRANKENPHP_WS_ZTS_DIR   where PHP is installed (default ~/.cache/frankenphp_ws/php-zts)
#   --check                 only tell whether it is there (exit 0) or not (exit 1); build nothing
#
# The source is Debian's (`apt-get source php8.2`, with a deb-src line added for bookworm), so
# the PHP under test is the one Debian ships, with Debian's patches, configured thread-safe. The
# newest source the mirror serves is used (the security pool may list a version whose files it
# does not serve, so every listed version is tried, newest first).
set -euo pipefail

prefix="${FRANKENPHP_WS_ZTS_DIR:-$HOME/.cache/frankenphp_ws/php-zts}"

# Debian's patches install the embed library as lib/php/libphp.so (upstream: lib/libphp.so).
built() {
    [ -x "$prefix/bin/php" ] \
        && { [ -f "$prefix/lib/php/libphp.so" ] || [ -f "$prefix/lib/libphp.so" ]; } \
        && [ "$("$prefix/bin/php" -n -r 'echo PHP_ZTS;' 2>/dev/null)" = 1 ]
}

if [ "${1:-}" = "--check" ]; then
    built
    exit
fi
if built; then
    echo "php-zts: $("$prefix/bin/php" -n -v | head -1)"
    echo "$prefix"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 \
        || { echo "php-zts: run as root, or install sudo: apt-get is needed" >&2; exit 1; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# What the build needs: dpkg-source to unpack, autoconf for Debian's patched build files, a C
# toolchain, and OpenSSL's headers (the TLS tests need ext/openssl).
need=()
for pair in dpkg-source:dpkg-dev autoconf:autoconf gcc:build-essential make:build-essential \
            pkg-config:pkg-config; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)   # the thread host's valgrind run

# Left in place afterwards (it only adds source listings), so later runs find it.
sources=/etc/apt/sources.list.d/frankenphp-ws-deb-src.sources
if [ ! -f "$sources" ]; then
    echo "php-zts: adding a deb-src line for bookworm ($sources)"
    $SUDO tee "$sources" >/dev/null <<'EOF'
# Added by frankenphp_ws scripts/php-zts.sh: PHP's source, to build a thread-safe PHP for tests.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
$SUDO apt-get update -qq >/dev/null
if [ ${#need[@]} -gt 0 ]; then
    echo "php-zts: installing ${need[*]}"
    $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/php-zts.XXXXXX")"
trap 'rm -rf "$work" "$work.fetch.log"' EXIT
cd "$work"
fetched=""
for version in $(apt-cache showsrc php8.2 | awk '/^Version:/ {print $2}' | sort -rV | uniq); do
    if apt-get source -qq "php8.2=$version" >"$work.fetch.log" 2>&1; then
        fetched="$version"
        break
    fi
    echo "php-zts: php8.2 $version: $(grep -m1 '^E:' "$work.fetch.log" || tail -1 "$work.fetch.log")" >&2
    rm -rf "$work"/* 2>/dev/null || true
done
[ -n "$fetched" ] || { echo "php-zts: apt-get source php8.2 fetched no version" >&2; exit 1; }
cd "$work"/php8.2-*/
echo "php-zts: building PHP $fetched thread-safe into $prefix (once; a few minutes)"

# Debian's patches touch build files, so the configure script is made again, as Debian does.
./buildconf --force >/dev/null 2>&1
# Thread-safe with the embed SAPI, and without Zend signals but with max execution timers, as
# FrankenPHP builds PHP. What the test suites use beyond PHP's core: openssl (TLS tests), pcntl
# and posix (signals, process control), ctype, tokenizer (the stub check), session (the example
# app).
./configure --prefix="$prefix" --enable-zts --enable-embed=shared --enable-cli \
    --disable-zend-signals --enable-zend-max-execution-timers \
    --disable-cgi --disable-phpdbg --disable-all \
    --with-openssl --enable-pcntl --enable-posix --enable-ctype --enable-tokenizer \
    --enable-session --with-zlib --without-pear >"$work/configure.log" 2>&1 \
    || { tail -30 "$work/configure.log" >&2; exit 1; }
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }
rm -rf "$prefix"
make install >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; exit 1; }
built || { echo "php-zts: the installed PHP is not thread-safe" >&2; exit 1; }
echo "php-zts: $("$prefix/bin/php" -n -v | head -1)"
echo "$prefix"
