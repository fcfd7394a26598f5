--TEST--
releaseGhost on a ghost whose client is still connected makes it a normal connection: no event, still open, and a later drop reports beforeClose/close normally
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_activateGhost($id);

echo 'releaseGhost: ', var_export(frankenphp_ws_releaseGhost($id), true), "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
echo 'events: ', json_encode(array_column(drain_events(0.3), 'type')), "\n";
echo 'send: ', var_export(frankenphp_ws_send($id, 'still here'), true), ' ', $client->expectText(), "\n";
$client->send('hello');
$m = wait_event('message');
echo 'message from client: ', $m['payload'], ' same id: ', var_export($m['connection'] === $id, true), "\n";

$client->close(4000);
foreach (drain_events(0.5) as $e) {
    echo ev($e), "\n";
}
echo 'getClients: ', json_encode(frankenphp_ws_getClients()), "\n";
?>
--EXPECT--
releaseGhost: true
isGhost: false
events: []
send: true still here
message from client: hello same id: true
beforeClose route='/ws' code=4000 payload='client_closed'
close route='/ws' code=4000 payload='client_closed'
getClients: []
