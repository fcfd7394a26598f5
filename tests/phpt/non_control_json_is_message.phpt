--TEST--
Text that is not a control message (plain text, JSON without action, an array) reaches the worker as a message event, with no reply
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$texts = ['subscribe', '{"channel":"news","text":"hi"}', '[1,2,3]', '{"room":"lobby"}', 'null'];
foreach ($texts as $t) {
    $client->send($t);
    echo wait_event('message')['payload'], "\n";
}
var_dump($client->isQuiet(0.3));
var_dump(frankenphp_ws_getSubscriptions($open['connection']));
?>
--EXPECT--
subscribe
{"channel":"news","text":"hi"}
[1,2,3]
{"room":"lobby"}
null
bool(true)
array(0) {
}
