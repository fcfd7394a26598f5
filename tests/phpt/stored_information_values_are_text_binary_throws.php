<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
foreach (['nul' => "a\x00b", 'latin1' => "caf\xe9", 'random' => "\xff\xfe\x00\x80", 'utf8' => "caf\u{e9}"] as $key => $value) {
    try {
        $ok = frankenphp_ws_setStoredInformation($id, $key, $value);
        echo "$key: set ", var_export($ok, true), ', same bytes back: ',
            var_export(frankenphp_ws_getStoredInformation($id, $key) === $value, true), "\n";
    } catch (Throwable $e) {
        echo "$key: ", get_class($e), ': ', $e->getMessage(), "\n";
    }
}
?>
