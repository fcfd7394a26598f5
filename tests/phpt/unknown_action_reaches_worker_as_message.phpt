--TEST--
A client message whose "action" is not one of the server's own (subscribe, unsubscribe, presence) reaches the worker unchanged as a message event; no error reply
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
foreach (['{"action":"publish","channel":"news","text":"hi"}', '{"action":5}', '{"action":"Subscribe","channel":"x"}'] as $sent) {
    $client->send($sent);
    $event = wait_event('message');
    var_dump($event['payload'] === $sent, $event['binary']);
}
// Nothing came back to the client, and nothing was subscribed.
$client->send('{"action":"subscribe","channel":"news"}');
echo $client->expectJson()['event'], "\n";
var_dump(frankenphp_ws_getSubscriptions($open['connection']));
?>
--EXPECT--
bool(true)
bool(false)
bool(true)
bool(false)
bool(true)
bool(false)
subscribed
array(1) {
  [0]=>
  string(4) "news"
}
