--TEST--
A client that does not answer pings is closed after pong_timeout with 1001, reason timeout
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['ping_interval' => 1, 'pong_timeout' => 2]);
[$client, $open] = ws_connect();
$client->autoPong = false;
$t = microtime(true);
$close = $client->expectClose(5);
$took = microtime(true) - $t;
echo "client: code={$close['code']} reason={$close['reason']}\n";
echo 'pinged first: ', var_export(count($client->pings) >= 1, true), "\n";
echo 'after about pong_timeout: ', var_export($took > 1.5 && $took < 4.0, true), "\n";
echo ev(wait_event('beforeClose')), "\n";
echo ev(wait_event('close')), "\n";
?>
--EXPECT--
client: code=1001 reason=timeout
pinged first: true
after about pong_timeout: true
beforeClose route='/ws' code=1001 payload='timeout'
close route='/ws' code=1001 payload='timeout'
