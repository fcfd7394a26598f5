--TEST--
getClients(), getClientsCount() and listRoutes() report open connections, overall and per route
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function sorted(array $a): array { sort($a); return $a; }

ws_start();
var_dump(frankenphp_ws_getClients(), frankenphp_ws_getClientsCount(), frankenphp_ws_listRoutes());

[$a, $oa] = ws_connect('/ws');
[$b, $ob] = ws_connect('/ws/chat');
[$c, $oc] = ws_connect('/ws/chat?room=1');
[$d, $od] = ws_connect('/ws/chat/sub');

echo json_encode(sorted(frankenphp_ws_listRoutes())), "\n";
var_dump(frankenphp_ws_getClientsCount());
var_dump(sorted(frankenphp_ws_getClients()) === sorted([$oa['connection'], $ob['connection'], $oc['connection'], $od['connection']]));
var_dump(sorted(frankenphp_ws_getClients('/ws/chat')) === sorted([$ob['connection'], $oc['connection']]));
var_dump(frankenphp_ws_getClientsCount('/ws/chat'), frankenphp_ws_getClientsCount('/ws'), frankenphp_ws_getClientsCount('/ws/chat/sub'));
var_dump(frankenphp_ws_getClients('/ws/none'), frankenphp_ws_getClientsCount('/ws/none'));

// Closing connections updates everything.
$b->close(1000);
wait_event('close', 3, $ob['connection']);
$d->close(1000);
wait_event('close', 3, $od['connection']);
echo json_encode(sorted(frankenphp_ws_listRoutes())), "\n";
var_dump(frankenphp_ws_getClients('/ws/chat') === [$oc['connection']], frankenphp_ws_getClientsCount());
?>
--EXPECT--
array(0) {
}
int(0)
array(0) {
}
["\/ws","\/ws\/chat","\/ws\/chat\/sub"]
int(4)
bool(true)
bool(true)
int(2)
int(1)
int(1)
array(0) {
}
int(0)
["\/ws","\/ws\/chat"]
bool(true)
int(2)
