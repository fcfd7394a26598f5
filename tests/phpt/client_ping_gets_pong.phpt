--TEST--
The server answers a client ping with a pong carrying the same payload; pings are not message events
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$client->ping('are you there?');
$frame = $client->readFrame(3);
var_dump($frame['opcode'] === WsClient::PONG, $frame['payload']);
var_dump(poll_event(0.3));
?>
--EXPECT--
bool(true)
string(14) "are you there?"
NULL
