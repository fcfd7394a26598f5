<?php
// The worker the Rust integration tests drive: starts the server with the JSON options in
// WS_OPTIONS on free ports, prints "READY <listen> <admin>", then one JSON line per event.
// Commands arrive as client messages: "broadcast:<channel>:<data>", "echo:<data>",
// "kill:<id>", "sleep:<ms>" (the worker stops draining events), "eval:<php expression>"
// (answers the sender with its JSON value), "stop", "stop:handoff" (then exits).
$options = json_decode(getenv('WS_OPTIONS') ?: '{}', true) + [
    'listen' => '127.0.0.1:0',
    'admin_listen' => '127.0.0.1:0',
];
$bound = frankenphp_ws_start($options);
echo "READY {$bound['listen']} {$bound['admin']}\n";

while (true) {
    $event = frankenphp_ws_get_event(0.2);
    if ($event === null) {
        continue;
    }
    $line = $event;
    unset($line['headers']);
    if (($event['binary'] ?? false) || !preg_match('//u', (string) $event['payload'])) {
        $line['payload'] = base64_encode((string) $event['payload']);
        $line['base64'] = true;
    }
    echo json_encode($line), "\n";
    if ($event['type'] === 'beforeClose') {
        // The state is still readable while beforeClose is handled.
        echo json_encode(['type' => 'state', 'connection' => $event['connection'],
            'subscriptions' => frankenphp_ws_getSubscriptions($event['connection'])]), "\n";
    }
    if ($event['type'] !== 'message' || $event['binary']) {
        continue;
    }
    $payload = $event['payload'];
    if (str_starts_with($payload, 'broadcast:')) {
        [, $channel, $data] = explode(':', $payload, 3);
        broadcast($channel, $data);
    } elseif (str_starts_with($payload, 'echo:')) {
        frankenphp_ws_send($event['connection'], substr($payload, 5));
    } elseif (str_starts_with($payload, 'kill:')) {
        frankenphp_ws_killConnection(substr($payload, 5));
    } elseif (str_starts_with($payload, 'sleep:')) {
        usleep(1000 * (int) substr($payload, 6));
    } elseif (str_starts_with($payload, 'eval:')) {
        // Test-only: run PHP in the worker and answer the sender with the JSON result.
        frankenphp_ws_send($event['connection'], json_encode(eval('return ' . substr($payload, 5) . ';')));
    } elseif ($payload === 'stop' || $payload === 'stop:handoff') {
        frankenphp_ws_stop(['handoff' => $payload === 'stop:handoff']);
        echo json_encode(['type' => 'stopped']), "\n";
        exit(0);
    }
}
