--TEST--
frankenphp_ws_killConnection() closes the connection with 1000, reason killed, and emits beforeClose / close
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect('/ws/k');
[$other] = ws_connect();
$id = $open['connection'];
var_dump(frankenphp_ws_killConnection($id));
$close = $client->expectClose();
echo "client: code={$close['code']} reason={$close['reason']} tcp closed=", var_export($close['eof'], true), "\n";
$e = wait_event('beforeClose');
echo ev($e), ' ', var_export($e['connection'] === $id, true), "\n";
$e = wait_event('close');
echo ev($e), ' ', var_export($e['connection'] === $id, true), "\n";
var_dump(frankenphp_ws_killConnection($id), frankenphp_ws_getClientsCount());
var_dump($other->isQuiet(0.2));
?>
--EXPECT--
bool(true)
client: code=1000 reason=killed tcp closed=true
beforeClose route='/ws/k' code=1000 payload='killed' true
close route='/ws/k' code=1000 payload='killed' true
bool(false)
int(1)
bool(true)
