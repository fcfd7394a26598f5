--TEST--
A client connecting with an unknown ?resume= token gets an ordinary new connection: an open event with a fresh id, not a resume
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$ghost, $ghostOpen] = ws_connect();
frankenphp_ws_activateGhost($ghostOpen['connection']);
$ghost->close(1000);
$ghost->expectClose();
usleep(100000);

$client = WsClient::connect(ws_url('/ws?resume=00000000000000000000000000000000'));
$e = next_event();
echo ev($e), "\n";
echo 'query: ', json_encode($e['query']), "\n";
echo 'new id: ', var_export($e['connection'] !== $ghostOpen['connection'], true), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($e['connection']), true), "\n";
echo 'send: ', var_export(frankenphp_ws_send($e['connection'], 'hi'), true), ' ', $client->expectText(), "\n";
echo 'clients: ', frankenphp_ws_getClientsCount(), "\n";
?>
--EXPECT--
open route='/ws' payload=NULL
query: {"resume":"00000000000000000000000000000000"}
new id: true
isGhost: false
send: true hi
clients: 2
