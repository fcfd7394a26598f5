--TEST--
frankenphp_ws_trigger() refuses event names the Pusher protocol keeps for itself (pusher:…, pusher_internal:…) and sends nothing
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
frankenphp_ws_subscribe($open['connection'], 'room');
wait_event('join');
foreach (['pusher:ping', 'pusher_internal:member_added'] as $name) {
    try {
        frankenphp_ws_trigger('room', $name, '{"user_id":"forged"}');
        echo "$name: sent\n";
    } catch (InvalidArgumentException $e) {
        echo $e->getMessage(), "\n";
    }
}
// Only a name the protocol does not keep reaches the client.
frankenphp_ws_trigger('room', 'pusherish', 'ok');
echo $client->expectText(), "\n";
?>
--EXPECT--
$event: the event name "pusher:ping" starts with pusher: or pusher_internal:, which the Pusher protocol keeps for its own messages; name it otherwise
$event: the event name "pusher_internal:member_added" starts with pusher: or pusher_internal:, which the Pusher protocol keeps for its own messages; name it otherwise
{"event":"pusherish","channel":"room","data":"ok"}
