--TEST--
With ghost_ttl=1 a dormant ghost is released after about a second: ghostConnectionClose, beforeClose, close with reason ghost_released
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['ghost_ttl' => 1]);
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'vip');
frankenphp_ws_activateGhost($id);
$client->closeSocket();
$t0 = microtime(true);

$first = wait_event('ghostConnectionClose', 3.5, $id);
$elapsed = microtime(true) - $t0;
echo ev($first), "\n";
echo 'after roughly ghost_ttl: ', var_export($elapsed > 0.7 && $elapsed < 3.0, true), "\n";
echo 'tags readable: ', json_encode(frankenphp_ws_getTags($id)), "\n";
echo ev(next_event()), "\n";
echo ev(next_event()), "\n";
echo 'getClients: ', json_encode(frankenphp_ws_getClients()), "\n";
echo 'tags: ', json_encode(frankenphp_ws_getTags($id)), "\n";
echo 'skipped: ', json_encode(array_column($GLOBALS['__ws_skipped'], 'type')), "\n";
?>
--EXPECT--
ghostConnectionClose route='/ws' payload='ghost_released'
after roughly ghost_ttl: true
tags readable: ["vip"]
beforeClose route='/ws' code=1006 payload='ghost_released'
close route='/ws' code=1006 payload='ghost_released'
getClients: []
tags: []
skipped: []
