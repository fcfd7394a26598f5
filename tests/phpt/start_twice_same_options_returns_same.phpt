--TEST--
A second frankenphp_ws_start() with the same options returns the same addresses and keeps the server
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$options = ['listen' => '127.0.0.1:0', 'admin_listen' => '127.0.0.1:0', 'ping_interval' => 5, 'log_level' => 'off'];
$first = ws_start($options);
[$client, $open] = ws_connect();

$second = frankenphp_ws_start($options);
var_dump($second === $first);
// Same options in another key order are the same options.
$third = frankenphp_ws_start(array_reverse($options, true));
var_dump($third === $first);

// The running server (and its client) was not restarted.
var_dump(frankenphp_ws_getClients() === [$open['connection']]);
var_dump(frankenphp_ws_send($open['connection'], 'still here'));
echo $client->expectText(), "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
still here
