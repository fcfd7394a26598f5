--TEST--
Global store values are text: NUL bytes and UTF-8 round-trip; non-UTF-8 bytes throw InvalidArgumentException saying to base64-encode
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
foreach (['nul' => "a\x00b", 'latin1' => "caf\xe9", 'serialized' => serialize(["\xff" => 1.5]), 'utf8' => "caf\u{e9}"] as $key => $value) {
    try {
        frankenphp_ws_global_set($key, $value);
        echo "$key: same bytes back: ", var_export(frankenphp_ws_global_get($key) === $value, true), "\n";
    } catch (Throwable $e) {
        echo "$key: ", get_class($e), ': ', $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
nul: same bytes back: true
latin1: InvalidArgumentException: $value must be UTF-8 text (invalid byte at offset 3); base64_encode() binary data first
serialized: InvalidArgumentException: $value must be UTF-8 text (invalid byte at offset 10); base64_encode() binary data first
utf8: same bytes back: true
