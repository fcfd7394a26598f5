--TEST--
frankenphp_ws_send() delivers a text frame to one connection; with a route it only sends when the route matches
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a, $openA] = ws_connect('/ws/chat');
[$b, $openB] = ws_connect('/ws/chat');
$id = $openA['connection'];

var_dump(frankenphp_ws_send($id, 'hello a'));
$m = $a->expectMessage();
echo "{$m['type']} {$m['data']}\n";

var_dump(frankenphp_ws_send($id, 'routed', '/ws/chat'));
echo $a->expectText(), "\n";

var_dump(frankenphp_ws_send($id, 'wrong route', '/ws/other'));
var_dump(frankenphp_ws_send($id, 'prefix is not the route', '/ws'));
var_dump($a->isQuiet(0.3), $b->isQuiet(0.1));

$big = str_repeat('é', 100000);
var_dump(frankenphp_ws_send($openB['connection'], $big));
var_dump($b->expectText() === $big);
// send() emits no event.
var_dump(poll_event(0.2));
?>
--EXPECT--
bool(true)
text hello a
bool(true)
routed
bool(false)
bool(false)
bool(true)
bool(true)
bool(true)
bool(true)
NULL
