dnl frankenphp_ws: the phpize route (`phpize && ./configure && make && make install`).
dnl The extension is Rust, so there is no C to compile: configure checks for cargo, and the
dnl build runs `cargo build --release` and places the library where PHP's Makefile installs
dnl modules from (modules/frankenphp_ws.so).

PHP_ARG_ENABLE([frankenphp_ws],
  [whether to enable frankenphp_ws],
  [AS_HELP_STRING([--enable-frankenphp_ws], [Enable the frankenphp_ws WebSocket server])],
  [yes])

if test "$PHP_FRANKENPHP_WS" != "no"; then
  AC_PATH_PROG([CARGO], [cargo], [no], [$PATH:$HOME/.cargo/bin])
  if test "$CARGO" = "no"; then
    AC_MSG_ERROR([cargo is required to build frankenphp_ws (https://rustup.rs)])
  fi
  PHP_SUBST([CARGO])
  FRANKENPHP_WS_SRCDIR="$abs_srcdir"
  PHP_SUBST([FRANKENPHP_WS_SRCDIR])
  dnl No C sources, so no PHP_NEW_EXTENSION: Makefile.frag builds modules/frankenphp_ws.so
  dnl with cargo, and PHP's install-modules installs what is in modules/.
  PHP_ADD_MAKEFILE_FRAGMENT([$abs_srcdir/Makefile.frag])
  dnl phpize writes its own Makefile over ours; keep ours as Makefile.dev and the phpize one
  dnl as the Makefile for this route.
  if test -f "$abs_srcdir/Makefile" && grep -q "frankenphp_ws — developer entry points" "$abs_srcdir/Makefile"; then
    cp "$abs_srcdir/Makefile" "$abs_srcdir/Makefile.dev"
  fi
fi
