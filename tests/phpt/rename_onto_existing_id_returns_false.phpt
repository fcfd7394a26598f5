--TEST--
renameConnection onto an id that exists (another connection, or the same one) returns false and moves nothing; an unknown current id returns false
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a, $openA] = ws_connect();
[$b, $openB] = ws_connect();
$idA = $openA['connection'];
$idB = $openB['connection'];
frankenphp_ws_tagClient($idA, 'from-a');
frankenphp_ws_setStoredInformation($idA, 'k', 'a');
frankenphp_ws_setStoredInformation($idB, 'k', 'b');
frankenphp_ws_subscribe($idA, 'news');
wait_event('join');

var_dump(frankenphp_ws_renameConnection($idA, $idB));
var_dump(frankenphp_ws_renameConnection($idA, $idA));
var_dump(frankenphp_ws_renameConnection('no-such-connection', 'fresh'));
echo 'A tags: ', json_encode(frankenphp_ws_getTags($idA)), ' info: ', frankenphp_ws_getStoredInformation($idA, 'k'),
    ' subs: ', json_encode(frankenphp_ws_getSubscriptions($idA)), "\n";
echo 'B tags: ', json_encode(frankenphp_ws_getTags($idB)), ' info: ', frankenphp_ws_getStoredInformation($idB, 'k'),
    ' subs: ', json_encode(frankenphp_ws_getSubscriptions($idB)), "\n";
echo 'fresh exists: ', var_export(in_array('fresh', frankenphp_ws_getClients(), true), true), "\n";
echo 'clients: ', frankenphp_ws_getClientsCount(), "\n";
frankenphp_ws_send($idA, 'to A');
frankenphp_ws_send($idB, 'to B');
echo $a->expectText(), ' / ', $b->expectText(), "\n";
?>
--EXPECT--
bool(false)
bool(false)
bool(false)
A tags: ["from-a"] info: a subs: ["news"]
B tags: [] info: b subs: []
fresh exists: false
clients: 2
to A / to B
