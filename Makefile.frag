# Included by the phpize-generated Makefile: the module is built by cargo.
FRANKENPHP_WS_MODULE = $(FRANKENPHP_WS_SRCDIR)/modules/frankenphp_ws.so

all: $(FRANKENPHP_WS_MODULE)
install-modules: $(FRANKENPHP_WS_MODULE)

$(FRANKENPHP_WS_MODULE): cargo-build
	@mkdir -p $(FRANKENPHP_WS_SRCDIR)/modules
	cp $(FRANKENPHP_WS_SRCDIR)/target/release/libfrankenphp_ws.so $@

.PHONY: cargo-build
cargo-build:
	cd $(FRANKENPHP_WS_SRCDIR) && $(CARGO) build --release --lib
