<?php
// Use case 3, a critical operation: while a client's checkout runs, a dropped connection must
// not trigger the close handling (which would cancel the cart). The worker makes the client
// a ghost for the operation and releases it when done: if the client left meanwhile, its
// ghostConnectionClose, beforeClose and close arrive only then.
//
// A client sends "checkout"; the operation takes OPERATION_MS (default 1000) milliseconds and
// the worker keeps serving others meanwhile.
require __DIR__ . '/common.php';
start_server();
$running = []; // connection id => when its operation ends (seconds, hrtime)
$duration = ((int) (getenv('OPERATION_MS') ?: 1000)) / 1000;

while (true) {
    $event = frankenphp_ws_get_event(0.05);
    $now = hrtime(true) / 1e9;
    foreach ($running as $id => $done) {
        if ($now >= $done) {
            unset($running[$id]);
            frankenphp_ws_send($id, 'checkout:done');
            frankenphp_ws_releaseGhost($id);
            echo json_encode(['type' => 'operation_done', 'connection' => $id]), "\n";
        }
    }
    if ($event === null) {
        continue;
    }
    log_event($event);
    if ($event['type'] === 'message' && $event['payload'] === 'checkout') {
        frankenphp_ws_activateGhost($event['connection']);
        $running[$event['connection']] = $now + $duration;
        frankenphp_ws_send($event['connection'], 'checkout:started');
    } elseif ($event['type'] === 'beforeClose' && isset($running[$event['connection']])) {
        echo json_encode(['type' => 'BUG', 'why' => 'close during the critical operation']), "\n";
    }
}
