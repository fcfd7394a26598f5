--TEST--
frankenphp_ws_start() refuses a non-loopback listen address without auth_endpoint, saying what to set
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

foreach (['0.0.0.0:0', '[::]:0'] as $listen) {
    try {
        frankenphp_ws_start(['listen' => $listen, 'admin_listen' => '127.0.0.1:0']);
        echo "$listen: started\n";
    } catch (RuntimeException $e) {
        echo "$listen: ", get_class($e), ' mentions auth_endpoint: ',
            var_export(str_contains($e->getMessage(), 'auth_endpoint'), true), "\n";
    }
}
// Loopback is fine, and the refused attempts left nothing running in the way.
$bound = ws_start();
[$client, $open] = ws_connect();
echo ev($open), "\n";
?>
--EXPECT--
0.0.0.0:0: RuntimeException mentions auth_endpoint: true
[::]:0: RuntimeException mentions auth_endpoint: true
open route='/ws' payload=NULL
