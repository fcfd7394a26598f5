--TEST--
admin_listen empty turns the admin API off: frankenphp_ws_start() returns admin => null
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start(['admin_listen' => '']);
var_dump($bound['admin']);
[$host, $port] = WsClient::splitHostPort($bound['listen']);
var_dump($host, $port > 0);
[$client, $open] = ws_connect();
var_dump(frankenphp_ws_getClientsCount());
?>
--EXPECT--
NULL
string(9) "127.0.0.1"
bool(true)
int(1)
