--TEST--
A connection's subscriptions are readable while beforeClose is handled and gone once close is fetched
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
foreach (['news', 'sport'] as $channel) {
    $client->sendJson(['action' => 'subscribe', 'channel' => $channel]);
    $client->expectJson();
    wait_event('join');
}
[$other] = ws_connect();
$other->sendJson(['action' => 'subscribe', 'channel' => 'sport']);
$other->expectJson();
wait_event('join');

$client->close(1000);
$before = wait_event('beforeClose', 3, $id);
$subs = frankenphp_ws_getSubscriptions($id);
sort($subs);
echo 'during beforeClose: ', json_encode($subs), "\n";

$close = wait_event('close', 3, $id);
echo 'after close: ', json_encode(frankenphp_ws_getSubscriptions($id)), "\n";
$channels = frankenphp_ws_getChannels();
echo 'channels: ', json_encode($channels), "\n";
echo 'clients left: ', frankenphp_ws_getClientsCount(), "\n";
?>
--EXPECT--
during beforeClose: ["news","sport"]
after close: []
channels: ["sport"]
clients left: 1
