--TEST--
A control message with an unknown action gets an unknown_action error reply; the connection stays open
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$client->send('{"action":"dance","channel":"news"}');
$reply = $client->expectJson();
ksort($reply);
echo json_encode(array_keys($reply)), ' ', $reply['event'], ' ', $reply['code'], "\n";
var_dump(poll_event(0.3));
$client->send('after');
echo wait_event('message')['payload'], "\n";
?>
--EXPECT--
["code","event","message"] error unknown_action
NULL
after
