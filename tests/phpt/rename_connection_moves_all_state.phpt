--TEST--
renameConnection moves everything to the new id: tags, stored information, subscriptions, the ghost mark, the route; sends, client messages and close events use the new id; the old id is unknown
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect('/ws/room');
$old = $open['connection'];
frankenphp_ws_tagClient($old, 'vip');
frankenphp_ws_setStoredInformation($old, 'name', 'Alice');
frankenphp_ws_subscribe($old, 'news');
wait_event('join');
frankenphp_ws_activateGhost($old);

echo 'rename: ', var_export(frankenphp_ws_renameConnection($old, 'user-42'), true), "\n";
echo 'events: ', json_encode(array_column(drain_events(0.2), 'type')), "\n";
echo "-- new id\n";
echo 'getClients: ', json_encode(frankenphp_ws_getClients('/ws/room')), "\n";
echo 'tags: ', json_encode(frankenphp_ws_getTags('user-42')), "\n";
echo 'by tag: ', json_encode(frankenphp_ws_getClientsByTag('vip')), "\n";
echo 'by expression: ', json_encode(frankenphp_ws_getClientsByTagExpression('vip')), "\n";
echo 'name: ', frankenphp_ws_getStoredInformation('user-42', 'name'), "\n";
echo 'search: ', json_encode(frankenphp_ws_searchStoredInformation('name', FRANKENPHP_WS_OP_EQ, 'Alice')), "\n";
echo 'subscriptions: ', json_encode(frankenphp_ws_getSubscriptions('user-42')), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost('user-42'), true), "\n";
echo "-- old id\n";
echo 'tags: ', json_encode(frankenphp_ws_getTags($old)), "\n";
echo 'name: ', var_export(frankenphp_ws_getStoredInformation($old, 'name'), true), "\n";
echo 'subscriptions: ', json_encode(frankenphp_ws_getSubscriptions($old)), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($old), true), "\n";
echo 'send: ', var_export(frankenphp_ws_send($old, 'lost'), true), "\n";
echo "-- traffic\n";
echo 'send: ', var_export(frankenphp_ws_send('user-42', 'direct'), true), ' ', $client->expectText(), "\n";
broadcast('news', 'channel');
echo 'broadcast: ', $client->expectText(), "\n";
echo 'sendToTag: ', frankenphp_ws_sendToTag('vip', 'tagged'), ' ', $client->expectText(), "\n";
$client->send('hello');
$m = wait_event('message');
echo "message from {$m['connection']}: {$m['payload']}\n";
frankenphp_ws_releaseGhost('user-42');
$client->close(1000);
$before = wait_event('beforeClose');
echo "beforeClose of {$before['connection']}\n";
?>
--EXPECT--
rename: true
events: []
-- new id
getClients: ["user-42"]
tags: ["vip"]
by tag: ["user-42"]
by expression: ["user-42"]
name: Alice
search: ["user-42"]
subscriptions: ["news"]
isGhost: true
-- old id
tags: []
name: ''
subscriptions: []
isGhost: false
send: false
-- traffic
send: true direct
broadcast: channel
sendToTag: 1 tagged
message from user-42: hello
beforeClose of user-42
