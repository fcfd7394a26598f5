<?php
// Use case 2, maintenance: before a planned restart of a backend, every client is made a
// ghost, so the disconnections maintenance causes report nothing. After it, the ghosts whose
// client did not come back (with its resume token) are released; the others become normal.
//
// Admin clients (the handshake carries ?role=admin in this example) send "maintenance:start"
// and "maintenance:end".
require __DIR__ . '/common.php';
start_server();

while (true) {
    $event = frankenphp_ws_get_event(0.5);
    if ($event === null) {
        continue;
    }
    log_event($event);
    $id = $event['connection'];
    if ($event['type'] === 'open') {
        frankenphp_ws_send($id, json_encode(['resume_token' => frankenphp_ws_getResumeToken($id)]));
        continue;
    }
    if ($event['type'] !== 'message') {
        continue;
    }
    if ($event['payload'] === 'maintenance:start') {
        $clients = frankenphp_ws_getClients();
        foreach ($clients as $client) {
            if ($client !== $id) {
                frankenphp_ws_activateGhost($client);
            }
        }
        frankenphp_ws_send($id, json_encode(['ghosts' => count($clients) - 1]));
    } elseif ($event['payload'] === 'maintenance:end') {
        $released = 0;
        foreach (frankenphp_ws_getClients() as $client) {
            if (frankenphp_ws_isGhost($client)) {
                // Dormant ghosts end here (their three events follow); live ones become normal.
                frankenphp_ws_releaseGhost($client);
                $released++;
            }
        }
        frankenphp_ws_send($id, json_encode(['released' => $released]));
    }
}
