--TEST--
The resume token of a released ghost gives an ordinary new connection (open event, new id), nothing of the old state
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'vip');
frankenphp_ws_activateGhost($id);
$token = frankenphp_ws_getResumeToken($id);
$client->close(1000);
$client->expectClose();
usleep(100000);
frankenphp_ws_send($id, 'kept');
frankenphp_ws_releaseGhost($id);
echo json_encode(array_column([next_event(), next_event(), next_event()], 'type')), "\n";

$late = WsClient::connect(ws_url('/ws?resume=' . urlencode($token)));
$e = next_event();
echo $e['type'], ' same id: ', var_export($e['connection'] === $id, true), "\n";
echo 'tags: ', json_encode(frankenphp_ws_getTags($e['connection'])), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($e['connection']), true), "\n";
echo 'nothing replayed: ', var_export($late->isQuiet(), true), "\n";
?>
--EXPECT--
["ghostConnectionClose","beforeClose","close"]
open same id: false
tags: []
isGhost: false
nothing replayed: true
