--TEST--
A client close frame without a status code is reported as code 1005
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$client->close(null);
$client->expectClose();
echo ev(wait_event('beforeClose')), "\n";
echo ev(wait_event('close')), "\n";
?>
--EXPECT--
beforeClose route='/ws' code=1005 payload='client_closed'
close route='/ws' code=1005 payload='client_closed'
