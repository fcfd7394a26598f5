# frankenphp_ws — developer entry points. `make run` and `make test` work on a fresh Debian
# machine: they install what is missing first (scripts/setup.sh, idempotent).

CARGO     ?= cargo
PHP       ?= php
SO        := target/release/libfrankenphp_ws.so
EXT_DIR    = $(shell php-config --extension-dir)
SCAN_DIR   = $(shell $(PHP) -r 'echo PHP_CONFIG_FILE_SCAN_DIR;')

.PHONY: all setup build install test test-rust test-phpt run bench fuzz stubs clean

all: build

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --release --lib

install: build
	install -d "$(EXT_DIR)"
	install -m 0755 $(SO) "$(EXT_DIR)/frankenphp_ws.so"
	@if [ -n "$(SCAN_DIR)" ]; then \
	  echo "extension=frankenphp_ws.so" > "$(SCAN_DIR)/20-frankenphp_ws.ini"; \
	  echo "enabled in $(SCAN_DIR)/20-frankenphp_ws.ini"; \
	fi
	@$(PHP) -m | grep -qx frankenphp_ws && echo "frankenphp_ws installed: php -m lists it"

# Every suite: Rust unit and integration tests (a real PHP worker, real WebSocket clients),
# then the phpt suite, which fails if any test is skipped.
test: build test-rust test-phpt

test-rust: build
	FRANKENPHP_WS_SO=$(CURDIR)/$(SO) $(CARGO) test --release --workspace

test-phpt: build
	scripts/run-phpt.sh $(SO) tests/phpt

# The example chat app: a worker loop on ws://127.0.0.1:8080/ws and its pages on
# http://127.0.0.1:8000 (php -S). Ctrl-C stops both.
run: build
	FRANKENPHP_WS_SO=$(CURDIR)/$(SO) php/examples/chat/run.sh

# Load figures on loopback (printed, not asserted). See README "Performance".
bench: build
	$(CARGO) build --release -p frankenphp_ws_bench
	FRANKENPHP_WS_SO=$(CURDIR)/$(SO) target/release/ws-bench all

# Bounded fuzzing of the client's control messages and of tag expressions (FUZZ_SECONDS each,
# default 60); fails on a crash. Not part of `make test`.
fuzz: setup
	scripts/fuzz.sh

# IDE stubs from the debug build (cargo-php reads the module's own description). cargo-php
# loads the module outside PHP, so PHP's symbols come from the embed library, preloaded.
LIBPHP = /usr/lib/libphp8.2.so
stubs: setup
	@command -v cargo-php >/dev/null 2>&1 || $(CARGO) install cargo-php --locked --quiet
	@[ -f $(LIBPHP) ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libphp8.2-embed >/dev/null
	$(CARGO) build --lib
	LD_PRELOAD=$(LIBPHP) $(CARGO) php stubs --stdout target/debug/libfrankenphp_ws.so > stubs/frankenphp_ws.stub.php
	$(PHP) -l stubs/frankenphp_ws.stub.php

clean:
	$(CARGO) clean
