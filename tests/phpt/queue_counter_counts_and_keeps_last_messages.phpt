--TEST--
enableQueueCounter counts every message sent to the connection from then on (send, sendBinary, broadcast, sendAll, sendToTag) and keeps the last maxMessages, oldest first, as id/time/data
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_subscribe($id, 'news');
wait_event('join');
frankenphp_ws_tagClient($id, 'vip');
echo 'before enabling: ', frankenphp_ws_getClientMessageCounter($id), ' ', json_encode(frankenphp_ws_getClientMessageQueue($id)), "\n";
frankenphp_ws_send($id, 'not counted');
echo 'enable: ', var_export(frankenphp_ws_enableQueueCounter($id, 3, 60), true), "\n";
frankenphp_ws_send($id, 'one');
frankenphp_ws_sendBinary($id, 'two');
broadcast('news', 'three');
frankenphp_ws_sendAll('four');
frankenphp_ws_sendToTag('vip', 'five');
for ($i = 0; $i < 6; $i++) {
    $client->expectMessage();
}
echo 'counter: ', frankenphp_ws_getClientMessageCounter($id), "\n";
$queue = frankenphp_ws_getClientMessageQueue($id);
echo 'data: ', json_encode(array_column($queue, 'data')), "\n";
echo 'keys: ', json_encode(array_map('array_keys', $queue)), "\n";
$ids = array_column($queue, 'id');
echo 'ids increasing by one, last = counter: ', var_export(
    $ids === range($ids[0], $ids[0] + 2) && end($ids) === frankenphp_ws_getClientMessageCounter($id), true), "\n";
$now = time();
echo 'time is Unix seconds: ', var_export(array_filter(array_column($queue, 'time'), fn ($t) => abs($t - $now) > 2) === [], true), "\n";
?>
--EXPECT--
before enabling: 0 []
enable: true
counter: 5
data: ["three","four","five"]
keys: [["id","time","data"],["id","time","data"],["id","time","data"]]
ids increasing by one, last = counter: true
time is Unix seconds: true
