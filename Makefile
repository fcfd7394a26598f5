# frankenphp_ws — developer entry points. `make run` and `make test` work on a fresh Debian
# machine: they install what is missing first (scripts/setup.sh, idempotent).

CARGO     ?= cargo
PHP       ?= php
SO        := target/release/libfrankenphp_ws.so
EXT_DIR    = $(shell php-config --extension-dir)
SCAN_DIR   = $(shell $(PHP) -r 'echo PHP_CONFIG_FILE_SCAN_DIR;')

.PHONY: all setup build install test test-rust test-phpt test-zts soak-restart run bench fuzz conformance stubs clean

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

# Thread-safe PHP (ZTS), as FrankenPHP runs it. The first run builds PHP 8.2 thread-safe from
# Debian's source into ZTS_PREFIX (scripts/php-zts.sh, several minutes); later runs reuse it.
# Then, with that PHP first on PATH: the extension built against it (in its own target dir),
# the phpt suite, the Rust integration tests, and the thread host tests (tests/zts_threads.rs:
# one worker script in 4 PHP threads at once, then the same under valgrind).
ZTS_PREFIX ?= $(HOME)/.cache/frankenphp_ws/php-zts
ZTS_TARGET  = $(CURDIR)/target/zts
ZTS_SO      = $(ZTS_TARGET)/release/libfrankenphp_ws.so
ZTS_ENV     = PATH="$(ZTS_PREFIX)/bin:$$PATH" PHP="$(ZTS_PREFIX)/bin/php" \
              PHP_CONFIG="$(ZTS_PREFIX)/bin/php-config" CARGO_TARGET_DIR="$(ZTS_TARGET)" \
              FRANKENPHP_WS_SO="$(ZTS_SO)"
test-zts: setup
	FRANKENPHP_WS_ZTS_DIR="$(ZTS_PREFIX)" scripts/php-zts.sh
	$(ZTS_ENV) $(CARGO) build --release --lib
	$(ZTS_ENV) scripts/run-phpt.sh $(ZTS_SO) tests/phpt
	$(ZTS_ENV) $(CARGO) test --release --workspace
	$(ZTS_ENV) $(CARGO) test --release --test zts_threads -- --ignored --test-threads=1

# A rolling restart under load (tests/handoff.rs, ignored by `make test`): 1,000 clients, and
# 100 of the JavaScript client behind a small load balancer, on three nodes, each node stopped
# with handoff and started again in turn, while broadcasts and direct sends flow; every client
# must get every message once, in order. Prints the counts.
soak-restart: build
	FRANKENPHP_WS_SO=$(CURDIR)/$(SO) $(CARGO) test --release --test handoff -- --ignored --nocapture

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

# RFC 6455 and RFC 7692 conformance (Autobahn|Testsuite, cases 1 to 13) against an echo
# worker, through PHP. A development check, not part of `make test`: AUTOBAHN names the
# directory of the suite's runner (its setup.sh and run.sh URL OUTDIR). Only the compression
# cases: AUTOBAHN_CASES='["12.*","13.*"]'.
AUTOBAHN ?=
conformance: build
	@[ -n "$(AUTOBAHN)" ] || { echo "conformance: set AUTOBAHN=<directory of the Autobahn|Testsuite runner>"; exit 2; }
	scripts/conformance.sh $(AUTOBAHN)

# IDE stubs from the debug build (cargo-php reads the module's own description). cargo-php
# loads the module outside PHP, so PHP's symbols come from the embed library, preloaded.
# Idempotent: cargo-php and libphp8.2-embed are installed only when missing (apt lists are
# refreshed first: a fresh machine may have none; sudo when not root, as scripts/setup.sh).
# cargo-php only reads modules built with the same minor of ext-php-rs-introspection (0.2 in
# Cargo.lock), so a cargo-php of another ABI is replaced by the pinned version.
# The stub is written under target/ and moved into place only once it is complete and passes
# `php -l`: a failed run leaves the committed stub intact.
# Post-processing, one edit: a user id parameter is typed `mixed` in the module (its Rust type,
# UserId, converts from any zval) but the functions accept only int|string (anything else is a
# TypeError). The native `mixed` stays, since it is what Reflection reports and what
# tests/phpt/stubs_match_registered_functions.phpt checks; the docblock says `int|string`,
# which IDEs and static analysers use as the narrower type.
LIBPHP            = /usr/lib/libphp8.2.so
CARGO_PHP_VERSION = 0.2.2
CARGO_PHP_ABI     = 0.2
STUB              = stubs/frankenphp_ws.stub.php
STUB_TMP          = target/frankenphp_ws.stub.php
SUDO              = $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
stubs: setup
	@$(CARGO) php --version 2>/dev/null | grep -q 'introspection ABI $(CARGO_PHP_ABI)\.' \
	  || $(CARGO) install cargo-php --version $(CARGO_PHP_VERSION) --locked --quiet
	@[ -f $(LIBPHP) ] || { echo "stubs: installing libphp8.2-embed"; \
	  $(SUDO) apt-get update -qq >/dev/null && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libphp8.2-embed >/dev/null; }
	$(CARGO) build --lib
	LD_PRELOAD=$(LIBPHP) $(CARGO) php stubs --stdout target/debug/libfrankenphp_ws.so > $(STUB_TMP)
	sed -i 's/^\( *\* @param \)mixed \$$userId$$/\1int|string $$userId/' $(STUB_TMP)
	$(PHP) -l $(STUB_TMP) >/dev/null
	mv $(STUB_TMP) $(STUB)
	@echo "stubs: $(STUB) regenerated"

clean:
	$(CARGO) clean
