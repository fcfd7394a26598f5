--TEST--
The server pings every ping_interval; a client answering the pings stays connected past pong_timeout
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['ping_interval' => 1, 'pong_timeout' => 2]);
[$client, $open] = ws_connect();
// Read (answering pings) for 3.5 s, longer than pong_timeout.
$m = $client->receive(3.5);
var_dump($m);
echo 'pings received >= 2: ', var_export(count($client->pings) >= 2, true), "\n";
var_dump(poll_event(0.1));
var_dump(frankenphp_ws_send($open['connection'], 'alive'));
echo $client->expectText(), "\n";
?>
--EXPECT--
NULL
pings received >= 2: true
NULL
bool(true)
alive
