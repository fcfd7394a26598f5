--TEST--
Messages sent to a dormant ghost (send, sendBinary, a broadcast to its channel, sendToTag, sendToTagExpression, sendAll) count as delivered, are kept, and are replayed in order on resume before anything newer; resume payload = number replayed
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'vip');
frankenphp_ws_subscribe($id, 'news');
wait_event('join');
frankenphp_ws_activateGhost($id);
$token = frankenphp_ws_getResumeToken($id);
$client->close(1000);
$client->expectClose();
usleep(100000);

echo 'send: ', var_export(frankenphp_ws_send($id, 'm1'), true), "\n";
broadcast('news', 'm2');
echo 'sendToTag: ', frankenphp_ws_sendToTag('vip', 'm3'), "\n";
echo 'sendBinary: ', var_export(frankenphp_ws_sendBinary($id, "\x00\x01"), true), "\n";
echo 'sendToTagExpression: ', frankenphp_ws_sendToTagExpression('vip&!nobody', 'm5'), "\n";
echo 'sendAll: ', frankenphp_ws_sendAll('m6'), "\n";
echo 'while dormant: ', json_encode(array_column(drain_events(0.2), 'type')), "\n";

$back = WsClient::connect(ws_url('/ws?resume=' . urlencode($token)));
$resume = next_event();
echo ev($resume), ' same id: ', var_export($resume['connection'] === $id, true), "\n";
frankenphp_ws_send($id, 'live');
for ($i = 0; $i < 7; $i++) {
    $m = $back->expectMessage();
    echo $m['type'], ':', $m['type'] === 'text' ? $m['data'] : bin2hex($m['data']), "\n";
}
echo 'then quiet: ', var_export($back->isQuiet(), true), "\n";
?>
--EXPECT--
send: true
sendToTag: 1
sendBinary: true
sendToTagExpression: 1
sendAll: 1
while dormant: []
resume route='/ws' payload='6' same id: true
text:m1
text:m2
text:m3
binary:0001
text:m5
text:m6
text:live
then quiet: true
