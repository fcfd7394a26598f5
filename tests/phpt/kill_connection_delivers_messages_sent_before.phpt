--TEST--
Messages sent to a connection before frankenphp_ws_killConnection() are delivered, in order, before its close frame
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
$client->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$client->expectJson();
wait_event('join');
for ($i = 0; $i < 10; $i++) {
    frankenphp_ws_send($id, "direct $i");
    broadcast('news', "news $i");
}
frankenphp_ws_send($id, 'goodbye');
var_dump(frankenphp_ws_killConnection($id));
$close = $client->expectClose();
$data = array_column($client->skipped, 'data');
echo count($data), ' messages: ', $data[0] ?? '-', ' .. ', end($data) ?: '-', "\n";
echo "then close {$close['code']} {$close['reason']}\n";
?>
--EXPECT--
bool(true)
21 messages: direct 0 .. goodbye
then close 1000 killed
