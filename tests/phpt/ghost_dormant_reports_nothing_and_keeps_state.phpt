--TEST--
A ghost whose client disconnects reports no beforeClose/close, stays listed by getClients and keeps its tags, stored information and subscriptions
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

$client->close(1000);
$close = $client->expectClose();
echo "client closed: {$close['code']}\n";
echo 'events: ', json_encode(array_column(drain_events(0.5), 'type')), "\n";
echo 'getClients: ', var_export(frankenphp_ws_getClients() === [$id], true), "\n";
echo 'getClients route: ', var_export(frankenphp_ws_getClients('/ws/room') === [$id], true), "\n";
echo 'getClientsCount: ', frankenphp_ws_getClientsCount(), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
echo 'tags: ', json_encode(frankenphp_ws_getTags($id)), "\n";
echo 'by tag: ', var_export(frankenphp_ws_getClientsByTag('vip') === [$id], true), "\n";
echo 'name: ', frankenphp_ws_getStoredInformation($id, 'name'), "\n";
echo 'subscriptions: ', json_encode(frankenphp_ws_getSubscriptions($id)), "\n";
echo 'channels: ', json_encode(frankenphp_ws_getChannels()), "\n";
?>
--EXPECT--
client closed: 1000
events: []
getClients: true
getClients route: true
getClientsCount: 1
isGhost: true
tags: ["vip"]
by tag: true
name: Alice
subscriptions: ["news"]
channels: ["news"]
