--TEST--
killConnection on a dormant ghost ends it for good: beforeClose then close with reason killed (no ghostConnectionClose), its state gone
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_setStoredInformation($id, 'name', 'Alice');
frankenphp_ws_activateGhost($id);
$client->closeSocket();
usleep(200000);
echo 'dormant events: ', count(drain_events(0.2)), "\n";

echo 'killConnection: ', var_export(frankenphp_ws_killConnection($id), true), "\n";
$before = next_event();
echo $before['type'], ' ', $before['payload'], ' name=', frankenphp_ws_getStoredInformation($id, 'name'), "\n";
$close = next_event();
echo $close['type'], ' ', $close['payload'], ' name=', var_export(frankenphp_ws_getStoredInformation($id, 'name'), true), "\n";
echo 'same code: ', var_export($before['code'] === $close['code'], true), "\n";
echo 'more events: ', count(drain_events(0.3)), "\n";
echo 'getClients: ', json_encode(frankenphp_ws_getClients()), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
echo 'killConnection again: ', var_export(frankenphp_ws_killConnection($id), true), "\n";
?>
--EXPECT--
dormant events: 0
killConnection: true
beforeClose killed name=Alice
close killed name=''
same code: true
more events: 0
getClients: []
isGhost: false
killConnection again: false
