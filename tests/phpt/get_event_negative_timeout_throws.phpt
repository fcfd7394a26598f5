--TEST--
frankenphp_ws_get_event() with a negative or non-finite timeout throws InvalidArgumentException
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
foreach ([-1.0, -0.001, NAN, -INF] as $timeout) {
    $t = microtime(true);
    try {
        frankenphp_ws_get_event($timeout);
        echo "$timeout: no exception\n";
    } catch (InvalidArgumentException $e) {
        echo "$timeout: InvalidArgumentException, immediate=", var_export(microtime(true) - $t < 0.5, true), "\n";
    }
}
?>
--EXPECT--
-1: InvalidArgumentException, immediate=true
-0.001: InvalidArgumentException, immediate=true
NAN: InvalidArgumentException, immediate=true
-INF: InvalidArgumentException, immediate=true
