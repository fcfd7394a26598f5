<?php
// The echo worker `make conformance` runs Autobahn|Testsuite against: every message a client
// sends comes back to it, through this PHP worker loop, as the same kind of frame. Autobahn
// sends messages of up to 16 MiB as fast as it can, so both limits are lifted.
$listen = getenv('FRANKENPHP_WS_LISTEN') ?: '127.0.0.1:9001';
$bound = frankenphp_ws_start([
    'listen' => $listen,
    'admin_listen' => '',
    'max_message_size' => 64 * 1024 * 1024,
    'message_rate' => 0,
]);
echo "READY {$bound['listen']}\n";

while (true) {
    $event = frankenphp_ws_get_event(1.0);
    if ($event === null || $event['type'] !== 'message') {
        continue;
    }
    if ($event['binary']) {
        frankenphp_ws_sendBinary($event['connection'], $event['payload']);
    } else {
        frankenphp_ws_send($event['connection'], $event['payload']);
    }
}
