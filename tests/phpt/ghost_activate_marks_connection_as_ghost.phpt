--TEST--
activateGhost marks a live connection as a ghost (isGhost), leaves it connected, and getResumeToken gives a secret for it
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
[$other, $otherOpen] = ws_connect();

echo 'isGhost before: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
echo 'activateGhost: ', var_export(frankenphp_ws_activateGhost($id), true), "\n";
echo 'isGhost after: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
echo 'other isGhost: ', var_export(frankenphp_ws_isGhost($otherOpen['connection']), true), "\n";
$token = frankenphp_ws_getResumeToken($id);
echo 'token: ', is_string($token) && strlen($token) >= 16 ? 'secret' : var_export($token, true), "\n";
echo 'token differs from id: ', var_export($token !== $id, true), "\n";
echo 'tokens differ per connection: ', var_export($token !== frankenphp_ws_getResumeToken($otherOpen['connection']), true), "\n";
echo 'still connected: ', var_export(frankenphp_ws_send($id, 'hi'), true), ' ', $client->expectText(), "\n";
echo 'events: ', count(drain_events(0.2)), "\n";
?>
--EXPECT--
isGhost before: false
activateGhost: true
isGhost after: true
other isGhost: false
token: secret
token differs from id: true
tokens differ per connection: true
still connected: true hi
events: 0
