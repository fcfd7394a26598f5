--TEST--
killConnection on a ghost whose client is connected closes it with 1000 killed and reports beforeClose/close (the ghost mark does not keep it)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_activateGhost($id);

echo 'killConnection: ', var_export(frankenphp_ws_killConnection($id), true), "\n";
$close = $client->expectClose();
echo "client: {$close['code']} {$close['reason']}\n";
foreach (drain_events(0.5) as $e) {
    echo ev($e), "\n";
}
echo 'getClients: ', json_encode(frankenphp_ws_getClients()), "\n";
?>
--EXPECT--
killConnection: true
client: 1000 killed
beforeClose route='/ws' code=1000 payload='killed'
close route='/ws' code=1000 payload='killed'
getClients: []
