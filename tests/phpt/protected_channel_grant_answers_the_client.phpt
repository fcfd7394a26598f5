--TEST--
frankenphp_ws_subscribe() on a pending protected request grants it: the client gets subscribed, the worker join, and broadcasts arrive
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
$client->sendJson(['action' => 'subscribe', 'channel' => 'presence-room']);
echo ev(wait_event('subscribe')), "\n";
var_dump(frankenphp_ws_subscribe($id, 'presence-room'));
echo json_encode($client->expectJson()), "\n";
echo ev(wait_event('join')), "\n";
broadcast('presence-room', 'hello members');
echo $client->expectText(), "\n";
// Asking again for a granted channel is answered at once, without the worker.
$client->sendJson(['action' => 'subscribe', 'channel' => 'presence-room']);
echo json_encode($client->expectJson()), "\n";
var_dump(drain_events(0.3));
?>
--EXPECT--
subscribe route='/ws' channel='presence-room' payload=NULL
bool(true)
{"event":"subscribed","channel":"presence-room"}
join route='/ws' channel='presence-room' payload=NULL
hello members
{"event":"subscribed","channel":"presence-room"}
array(0) {
}
