<?php
// Shared by the ghost examples: start the server (addresses from FRANKENPHP_WS_LISTEN and
// FRANKENPHP_WS_ADMIN, or the INI settings), then log every event as one JSON line.
function start_server(array $extra = []): void
{
    $options = $extra;
    if (($listen = getenv('FRANKENPHP_WS_LISTEN')) !== false) {
        $options['listen'] = $listen;
    }
    if (($admin = getenv('FRANKENPHP_WS_ADMIN')) !== false) {
        $options['admin_listen'] = $admin;
    }
    $bound = frankenphp_ws_start($options);
    echo "READY {$bound['listen']} {$bound['admin']}\n";
}

function log_event(array $event, array $extra = []): void
{
    unset($event['headers']);
    echo json_encode($event + $extra), "\n";
}
