--TEST--
A client that drops the TCP connection without a close frame is reported as code 1006
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$client->closeSocket();
echo ev(wait_event('beforeClose')), "\n";
echo ev(wait_event('close')), "\n";
var_dump(frankenphp_ws_getClients());
?>
--EXPECT--
beforeClose route='/ws' code=1006 payload='client_closed'
close route='/ws' code=1006 payload='client_closed'
array(0) {
}
