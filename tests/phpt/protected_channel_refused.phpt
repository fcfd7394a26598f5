--TEST--
A client's subscribe to private-* or presence-* is not granted: error reply with code forbidden, no join
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
foreach (['private-orders', 'presence-lobby'] as $channel) {
    $client->sendJson(['action' => 'subscribe', 'channel' => $channel]);
    $reply = $client->expectJson(12);
    echo $reply['event'], ' ', $reply['code'], "\n";
}
$client->send('{"sender":"client","subscriptions":["private-x"]}');
$reply = $client->expectJson(12);
echo $reply['event'], ' ', $reply['code'], "\n";

foreach (drain_events(0.3) as $e) {
    if ($e['type'] === 'join') {
        echo "unexpected join {$e['channel']}\n";
    }
}
var_dump(frankenphp_ws_getSubscriptions($open['connection']));
broadcast('private-orders', 'secret');
var_dump($client->isQuiet(0.3));
?>
--EXPECT--
error forbidden
error forbidden
error forbidden
array(0) {
}
bool(true)
