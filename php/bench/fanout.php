<?php
// Worker for the fan-out and latency benchmarks of `make bench`. Clients subscribe to `bench`
// themselves; a client message "burst:N:SIZE" makes this worker call broadcast('bench', …)
// N times as fast as it can, each payload "<seq>:<hrtime ns>:" padded to SIZE bytes (the
// latency figure reads the stamp). "pub:<data>" broadcasts <data> once; "pubto:<channel>:<data>"
// to <channel>. "handoff" stops the server, handing its clients to the other nodes.
$options = json_decode(getenv('FRANKENPHP_WS_OPTIONS') ?: '{}', true) ?: [];
$options['listen'] = getenv('FRANKENPHP_WS_LISTEN') ?: '127.0.0.1:8080';
$options['admin_listen'] = getenv('FRANKENPHP_WS_ADMIN') ?: '';
$bound = frankenphp_ws_start($options);
echo "READY {$bound['listen']}\n";

while (true) {
    $event = frankenphp_ws_get_event(0.5);
    if ($event === null || $event['type'] !== 'message') {
        continue;
    }
    $payload = $event['payload'];
    if (str_starts_with($payload, 'burst:')) {
        [, $n, $size] = explode(':', $payload);
        $n = (int) $n;
        $size = (int) $size;
        for ($i = 0; $i < $n; $i++) {
            broadcast('bench', str_pad($i . ':' . hrtime(true) . ':', $size, 'x'));
        }
    } elseif (str_starts_with($payload, 'pub:')) {
        broadcast('bench', substr($payload, 4));
    } elseif ($payload === 'handoff') {
        frankenphp_ws_stop(['handoff' => true]);
        exit(0);
    } elseif (str_starts_with($payload, 'pubto:')) {
        [, $channel, $data] = explode(':', $payload, 3);
        broadcast($channel, $data);
    }
}
