--TEST--
{"sender":"server","notification":{...}} reaches the channel's subscribers only from a connection whose handshake carried the admin token
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['admin_token' => 's3cret']);
[$subscriber] = ws_connect();
$subscriber->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$subscriber->expectJson();
wait_event('join');
[$trusted] = ws_connect('/ws', ['Authorization' => 'Bearer s3cret']);
[$untrusted] = ws_connect();
[$wrongToken] = ws_connect('/ws', ['Authorization' => 'Bearer nope']);

$notification = ['channel' => 'news', 'title' => 'Hello ✓', 'n' => 1];
$msg = json_encode(['sender' => 'server', 'notification' => $notification], JSON_UNESCAPED_UNICODE);

$untrusted->send($msg);
$reply = $untrusted->expectJson();
echo "untrusted: {$reply['event']}\n";
$wrongToken->send($msg);
$reply = $wrongToken->expectJson();
echo "wrong token: {$reply['event']}\n";
echo 'subscriber quiet: ', var_export($subscriber->isQuiet(0.3), true), "\n";

$trusted->send($msg);
$got = json_decode($subscriber->expectText(), true);
echo 'subscriber got the notification object: ', var_export($got == $notification, true), "\n";
echo 'trusted got no reply: ', var_export($trusted->isQuiet(0.3), true), "\n";
// Notifications are control messages, not message events.
echo 'message events: ', count(array_filter(drain_events(0.2), fn($e) => $e['type'] === 'message')), "\n";
?>
--EXPECT--
untrusted: error
wrong token: error
subscriber quiet: true
subscriber got the notification object: true
trusted got no reply: true
message events: 0
