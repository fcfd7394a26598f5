<?php
// The websocket-shootout protocol (Hashrocket): {"type":"echo","payload":X} is sent back to
// its sender; {"type":"broadcast","payload":X} goes to every client as
// {"type":"broadcast","payload":X}, then the sender gets {"type":"broadcastResult","payload":X}.
$bound = frankenphp_ws_start([
    'listen' => getenv('FRANKENPHP_WS_LISTEN') ?: '127.0.0.1:8080',
    'admin_listen' => getenv('FRANKENPHP_WS_ADMIN') ?: '',
]);
echo "READY {$bound['listen']}\n";

while (true) {
    $event = frankenphp_ws_get_event(0.5);
    if ($event === null || $event['type'] !== 'message') {
        continue;
    }
    $message = json_decode($event['payload']);
    if (!is_object($message) || !isset($message->type)) {
        continue;
    }
    if ($message->type === 'echo') {
        frankenphp_ws_send($event['connection'], $event['payload']);
    } elseif ($message->type === 'broadcast') {
        $payload = json_encode($message->payload ?? null);
        frankenphp_ws_sendAll('{"type":"broadcast","payload":' . $payload . '}');
        frankenphp_ws_send($event['connection'], '{"type":"broadcastResult","payload":' . $payload . '}');
    }
}
