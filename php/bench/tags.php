<?php
// Worker for the tag benchmark of `make bench`: of all clients that connect, the first 1,000
// get the tag `t1000` and the channel `ch1000`; for the expression `(a | b) & !c`, the first
// 500 get `a`, the next 500 `b`, the next 500 `a` and `c` (excluded by `!c`). So a channel
// broadcast, a tag send and the expression each reach the same 1,000 clients.
// Commands (client messages): "count" (answers the tag count), "chan:N", "tag:N", "expr:N".
$listen = getenv('FRANKENPHP_WS_LISTEN') ?: '127.0.0.1:8080';
frankenphp_ws_start(['listen' => $listen, 'admin_listen' => '']);
$seen = 0;
$payload = str_repeat('x', 64);
while (true) {
    $event = frankenphp_ws_get_event(0.5);
    if ($event === null) {
        continue;
    }
    $id = $event['connection'];
    if ($event['type'] === 'open') {
        $k = $seen++;
        if ($k < 1000) {
            frankenphp_ws_tagClient($id, 't1000');
            frankenphp_ws_subscribe($id, 'ch1000');
            frankenphp_ws_tagClient($id, $k < 500 ? 'a' : 'b');
        } elseif ($k < 1500) {
            frankenphp_ws_tagClient($id, 'a');
            frankenphp_ws_tagClient($id, 'c');
        }
        continue;
    }
    if ($event['type'] !== 'message') {
        continue;
    }
    [$command, $n] = explode(':', $event['payload'] . ':0');
    $n = (int) $n;
    match ($command) {
        'count' => frankenphp_ws_send($id, (string) frankenphp_ws_getTagCount('t1000') . ':' . frankenphp_ws_getClientsCount()),
        'chan' => (function () use ($n, $payload) { for ($i = 0; $i < $n; $i++) broadcast('ch1000', $payload); })(),
        'tag' => (function () use ($n, $payload) { for ($i = 0; $i < $n; $i++) frankenphp_ws_sendToTag('t1000', $payload); })(),
        'expr' => (function () use ($n, $payload) { for ($i = 0; $i < $n; $i++) frankenphp_ws_sendToTagExpression('(a | b) & !c', $payload); })(),
        default => null,
    };
}
