--TEST--
ghost_ttl applies only while a ghost is dormant: a connected ghost outlives it, and a ghost resumed before it expires is not released
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['ghost_ttl' => 1]);
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_activateGhost($id);
$token = frankenphp_ws_getResumeToken($id);

// Connected for longer than ghost_ttl: nothing happens.
echo 'connected past ttl: ', json_encode(array_column(drain_events(1.3), 'type')), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($id), true), "\n";

// Dormant for less than ghost_ttl, then resumed, then connected past ghost_ttl again.
$client->close(1000);
$client->expectClose();
usleep(300000);
$back = WsClient::connect(ws_url('/ws?resume=' . $token));
$resume = next_event();
echo $resume['type'], ' same id: ', var_export($resume['connection'] === $id, true), "\n";
echo 'resumed past ttl: ', json_encode(array_column(drain_events(1.3), 'type')), "\n";
echo 'send: ', var_export(frankenphp_ws_send($id, 'alive'), true), ' ', $back->expectText(), "\n";
?>
--EXPECT--
connected past ttl: []
isGhost: true
resume same id: true
resumed past ttl: []
send: true alive
