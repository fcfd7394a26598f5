--TEST--
A fragmented client message whose fragments together exceed max_message_size closes the connection with 1009
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['max_message_size' => 1024]);
[$client, $open] = ws_connect();
// 3 x 400 bytes: every frame is small, the message is 1200 bytes.
$client->sendFrame(WsClient::TEXT, str_repeat('a', 400), false);
$client->sendFrame(WsClient::CONT, str_repeat('a', 400), false);
$client->sendFrame(WsClient::CONT, str_repeat('a', 400), true);
$close = $client->expectClose();
echo "client: code={$close['code']}\n";
echo ev(wait_event('close')), "\n";
var_dump($GLOBALS['__ws_skipped'] === [] || !in_array('message', array_column($GLOBALS['__ws_skipped'], 'type'), true));
?>
--EXPECT--
client: code=1009
close route='/ws' code=1009 payload='message_too_big'
bool(true)
