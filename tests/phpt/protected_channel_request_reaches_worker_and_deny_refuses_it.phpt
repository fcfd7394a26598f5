--TEST--
A client's subscribe to private-* or presence-* (either form) reaches the worker as a subscribe event and grants nothing until answered; denySubscription refuses it with the reason
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
$client->sendJson(['action' => 'subscribe', 'channel' => 'private-orders']);
$client->send('{"sender":"client","subscriptions":["presence-lobby"]}');
foreach (['private-orders', 'presence-lobby'] as $channel) {
    $e = wait_event('subscribe');
    echo $e['type'], ' ', $e['channel'], ' user=', var_export($e['user'], true), ' same connection=', var_export($e['connection'] === $id, true), "\n";
}
var_dump($client->isQuiet(0.3), frankenphp_ws_getSubscriptions($id));
broadcast('private-orders', 'secret');
var_dump($client->isQuiet(0.3));

var_dump(frankenphp_ws_denySubscription($id, 'private-orders', 'not your orders'));
echo json_encode($client->expectJson()), "\n";
var_dump(frankenphp_ws_denySubscription($id, 'presence-lobby'));
echo json_encode($client->expectJson()), "\n";
var_dump(frankenphp_ws_denySubscription($id, 'presence-lobby'), frankenphp_ws_denySubscription('nope', 'private-x'));
foreach (drain_events(0.3) as $e) {
    echo "unexpected {$e['type']}\n";
}
?>
--EXPECT--
subscribe private-orders user=NULL same connection=true
subscribe presence-lobby user=NULL same connection=true
bool(true)
array(0) {
}
bool(true)
bool(true)
{"event":"error","code":"subscription_denied","channel":"private-orders","message":"not your orders"}
bool(true)
{"event":"error","code":"subscription_denied","channel":"presence-lobby","message":"the application refused this channel"}
bool(false)
bool(false)
