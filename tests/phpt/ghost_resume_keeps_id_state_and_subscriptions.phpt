--TEST--
A client connecting with ?resume=TOKEN takes a dormant ghost back: resume event (payload 0 when nothing was kept), same id, route, tags, stored information and subscriptions
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect('/ws/room');
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'vip');
frankenphp_ws_setStoredInformation($id, 'name', 'Alice');
frankenphp_ws_subscribe($id, 'news');
wait_event('join');
frankenphp_ws_activateGhost($id);
$token = frankenphp_ws_getResumeToken($id);
$client->close(1000);
$client->expectClose();
usleep(100000);

$back = WsClient::connect(ws_url('/ws/room?resume=' . urlencode($token)));
$resume = next_event();
echo ev($resume), "\n";
echo 'same id: ', var_export($resume['connection'] === $id, true), "\n";
echo 'getClients: ', var_export(frankenphp_ws_getClients() === [$id], true), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
echo 'tags: ', json_encode(frankenphp_ws_getTags($id)), "\n";
echo 'name: ', frankenphp_ws_getStoredInformation($id, 'name'), "\n";
echo 'subscriptions: ', json_encode(frankenphp_ws_getSubscriptions($id)), "\n";
broadcast('news', 'on the channel');
echo 'broadcast: ', $back->expectText(), "\n";
echo 'sendToTag: ', frankenphp_ws_sendToTag('vip', 'by tag'), ' ', $back->expectText(), "\n";
$back->send('from the resumed client');
$m = wait_event('message');
echo 'message: ', $m['payload'], ' same id: ', var_export($m['connection'] === $id, true), "\n";
echo 'more events: ', json_encode(array_column(drain_events(0.2), 'type')), "\n";
?>
--EXPECT--
resume route='/ws/room' payload='0'
same id: true
getClients: true
isGhost: true
tags: ["vip"]
name: Alice
subscriptions: ["news"]
broadcast: on the channel
sendToTag: 1 by tag
message: from the resumed client same id: true
more events: []
