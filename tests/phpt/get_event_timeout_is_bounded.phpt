--TEST--
frankenphp_ws_get_event($timeout) returns null after about $timeout seconds when idle, at once for 0, and early when an event comes
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$t = microtime(true);
var_dump(frankenphp_ws_get_event());
echo 'default (0) immediate: ', var_export(microtime(true) - $t < 0.1, true), "\n";

$t = microtime(true);
var_dump(frankenphp_ws_get_event(0.0));
echo '0 immediate: ', var_export(microtime(true) - $t < 0.1, true), "\n";

$t = microtime(true);
var_dump(frankenphp_ws_get_event(0.4));
$took = microtime(true) - $t;
echo '0.4 s waited 0.35..1.0 s: ', var_export($took >= 0.35 && $took < 1.0, true), "\n";

// An event arriving during a long wait ends it early.
$child = spawn_php(<<<'PHP'
    $listen = trim(fgets(STDIN));
    usleep(300000);
    $s = stream_socket_client("tcp://$listen", $errno, $errstr, 2);
    fwrite($s, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    fgets(STDIN); // hold the connection until the parent is done
    PHP);
fwrite($child['stdin'], $GLOBALS['__ws_bound']['listen'] . "\n");
$t = microtime(true);
$e = frankenphp_ws_get_event(5.0);
$took = microtime(true) - $t;
echo 'got ', $e['type'] ?? 'null', ' early: ', var_export($took > 0.2 && $took < 2.0, true), "\n";
end_php($child);
?>
--EXPECT--
NULL
default (0) immediate: true
NULL
0 immediate: true
NULL
0.4 s waited 0.35..1.0 s: true
got open early: true
