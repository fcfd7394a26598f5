<?php
// PHP-side costs for `make bench`: broadcast() to a channel nobody subscribed to, and how
// fast the worker loop drains events that are already queued. Prints figures, then DONE.
$listen = getenv('FRANKENPHP_WS_LISTEN') ?: '127.0.0.1:8080';
frankenphp_ws_start(['listen' => $listen, 'admin_listen' => '']);

$n = 1_000_000;
$message = str_repeat('x', 64);
for ($i = 0; $i < 10_000; $i++) {
    broadcast('nobody-listens', $message);
}
$t = hrtime(true);
for ($i = 0; $i < $n; $i++) {
    broadcast('nobody-listens', $message);
}
$ns = (hrtime(true) - $t) / $n;
printf("php: broadcast() to an empty channel: %.0f ns per call (%d calls, 64 B)\n", $ns, $n);

// The bench client connects 20 clients and floods messages while we do not read: the queue
// fills to event_queue_size (65536) and the readers pause. Then drain what is queued.
$deadline = microtime(true) + 30;
while (microtime(true) < $deadline && frankenphp_ws_getClientsCount() < 20) {
    usleep(100_000);
}
usleep(3_000_000);
$drained = 0;
$t = hrtime(true);
while ($drained < 65_536 && frankenphp_ws_get_event(0.0) !== null) {
    $drained++;
}
$seconds = (hrtime(true) - $t) / 1e9;
printf("php: get_event() drain: %d queued events in %.3f s = %.2f M events/s\n", $drained, $seconds, $drained / $seconds / 1e6);
echo "DONE\n";
frankenphp_ws_stop();
