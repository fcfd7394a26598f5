--TEST--
A fragmented client message (with a ping between fragments) reaches the worker as one message event
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$client->sendFrame(WsClient::TEXT, 'Hel', false);
$client->sendFrame(WsClient::CONT, 'lo, ', false);
$client->sendFrame(WsClient::PING, 'between');
$client->sendFrame(WsClient::CONT, 'world', true);
$client->sendFrame(WsClient::BINARY, "\x00\x01", false);
$client->sendFrame(WsClient::CONT, "\x02\x03", true);

$e = wait_event('message');
var_dump($e['payload'], $e['binary']);
$e = wait_event('message');
var_dump(bin2hex($e['payload']), $e['binary']);
// The interleaved ping was answered.
$client->receive(0.5);
var_dump($client->pongs);
?>
--EXPECT--
string(12) "Hello, world"
bool(false)
string(8) "00010203"
bool(true)
array(1) {
  [0]=>
  string(7) "between"
}
