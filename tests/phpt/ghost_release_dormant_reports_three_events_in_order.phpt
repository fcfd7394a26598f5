--TEST--
releaseGhost on a dormant ghost reports ghostConnectionClose, beforeClose, close (reason ghost_released, the code its socket ended with) and removes it
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect('/ws/room');
$id = $open['connection'];
frankenphp_ws_activateGhost($id);
$client->close(1000);
$client->expectClose();
echo 'while dormant: ', json_encode(array_column(drain_events(0.3), 'type')), "\n";

echo 'releaseGhost: ', var_export(frankenphp_ws_releaseGhost($id), true), "\n";
echo 'releaseGhost again: ', var_export(frankenphp_ws_releaseGhost($id), true), "\n";
foreach (drain_events(0.5) as $e) {
    echo ev($e), ' same id: ', var_export($e['connection'] === $id, true), "\n";
}
echo 'getClients: ', json_encode(frankenphp_ws_getClients()), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
?>
--EXPECT--
while dormant: []
releaseGhost: true
releaseGhost again: false
ghostConnectionClose route='/ws/room' payload='ghost_released' same id: true
beforeClose route='/ws/room' code=1000 payload='ghost_released' same id: true
close route='/ws/room' code=1000 payload='ghost_released' same id: true
getClients: []
isGhost: false
