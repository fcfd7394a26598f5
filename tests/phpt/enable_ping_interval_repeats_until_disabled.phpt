--TEST--
enablePing with an interval pings the client repeatedly; disablePing stops those pings (the connection stays open)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
echo 'enablePing: ', var_export(frankenphp_ws_enablePing($id, 150), true), "\n";
$client->receive(1.0); // answers the pings meanwhile
$n = count($client->pings);
echo 'pings in 1 s at 150 ms: ', var_export($n >= 4 && $n <= 8, true), "\n";
echo 'round trip recorded: ', var_export(frankenphp_ws_getClientPingTime($id) > 0, true), "\n";
echo 'disablePing: ', var_export(frankenphp_ws_disablePing($id), true), "\n";
$client->receive(0.2); // a ping already in flight
$client->pings = [];
$client->receive(0.6);
echo 'pings after disable: ', count($client->pings), "\n";
echo 'still open: ', var_export(frankenphp_ws_send($id, 'ok'), true), ' ', $client->expectText(), "\n";
?>
--EXPECT--
enablePing: true
pings in 1 s at 150 ms: true
round trip recorded: true
disablePing: true
pings after disable: 0
still open: true ok
