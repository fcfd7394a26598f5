--TEST--
Without admin_token, the loopback admin API answers without an Authorization header
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
foreach (['/health', '/stats', '/frankenphp_ws/getClientsCount'] as $path) {
    $r = admin_request('GET', $path);
    echo "$path: {$r['status']}\n";
}
?>
--EXPECT--
/health: 200
/stats: 200
/frankenphp_ws/getClientsCount: 200
