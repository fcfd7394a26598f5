--TEST--
A subscribe with a missing, empty, too long or badly spelled channel gets an invalid_channel error reply and the connection stays open
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
foreach ([
    '{"action":"subscribe"}',
    '{"action":"subscribe","channel":""}',
    '{"action":"subscribe","channel":"has space"}',
    '{"action":"subscribe","channel":"caf\u00e9"}',
    '{"action":"subscribe","channel":"a*b"}',
    '{"action":"subscribe","channel":42}',
    json_encode(['action' => 'subscribe', 'channel' => str_repeat('x', 201)]),
    '{"action":"unsubscribe","channel":"bad#name"}',
] as $msg) {
    $client->send($msg);
    $reply = $client->expectJson();
    echo $reply['event'], ' ', $reply['code'], ' has message=',
        var_export(is_string($reply['message']) && $reply['message'] !== '', true), "\n";
}
// No join, no message event, no subscription; the connection still works both ways.
var_dump(poll_event(0.3));
var_dump(frankenphp_ws_getSubscriptions($open['connection']));
$client->send('still open');
echo wait_event('message')['payload'], "\n";
$client->send('{"action":"subscribe","channel":"ok"}');
echo $client->expectText(), "\n";
?>
--EXPECT--
error invalid_channel has message=true
error invalid_channel has message=true
error invalid_channel has message=true
error invalid_channel has message=true
error invalid_channel has message=true
error invalid_channel has message=true
error invalid_channel has message=true
error invalid_channel has message=true
NULL
array(0) {
}
still open
{"event":"subscribed","channel":"ok"}
