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
