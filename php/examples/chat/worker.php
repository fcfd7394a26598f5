<?php
// The chat example's worker loop: hosts ws://127.0.0.1:8080/ws (or FRANKENPHP_WS_LISTEN) and
// the admin API that send.php reaches from the `php -S` process. Clients subscribe to a room
// themselves ({"action":"subscribe","channel":"lobby"}) and send
// {"type":"chat","room":"lobby","text":"hello"}; the worker checks it and broadcasts it to the
// room under the sender's user id (from auth.php: never what the client claims). One log line
// per event.
$options = [];
if (($listen = getenv('FRANKENPHP_WS_LISTEN')) !== false) {
    $options['listen'] = $listen;
}
if (($admin = getenv('FRANKENPHP_WS_ADMIN')) !== false) {
    $options['admin_listen'] = $admin;
}
// Every handshake is vouched for by the app's auth.php (the session cookie says who it is).
if (($auth = getenv('FRANKENPHP_WS_AUTH_ENDPOINT')) !== false) {
    $options['auth_endpoint'] = $auth;
}
// The page (http://127.0.0.1:8000) and the socket (:8080) are different origins, since the
// port is part of an origin: list exactly the app's own pages, and other sites' pages, which
// the browser would send the session cookie from too, get 403.
if (($origins = getenv('FRANKENPHP_WS_ALLOWED_ORIGINS')) !== false) {
    $options['allowed_origins'] = $origins;
}
// Every connection outlives a network drop for 30 s: the page's client (frankenphp_ws.js)
// comes back with the token the server gave it and gets what was said meanwhile.
$options['resume_tokens'] = 'auto';
$options['ghost_ttl'] = 30;
$bound = frankenphp_ws_start($options);
echo "chat worker: WebSocket on ws://{$bound['listen']}/ws, admin API on " . ($bound['admin'] ?? 'off') . "\n";

$running = true;
$users = []; // connection id => user id, from the open event
if (function_exists('pcntl_signal')) {
    pcntl_async_signals(true);
    $stop = function () use (&$running) { $running = false; };
    pcntl_signal(SIGINT, $stop);
    pcntl_signal(SIGTERM, $stop);
}

/** The first $max characters of a UTF-8 string (PCRE: no mbstring needed). */
function clip(string $text, int $max): string
{
    return preg_match('/^.{0,' . $max . '}/us', $text, $m) ? $m[0] : '';
}

function reply(string $id, array $message): void
{
    frankenphp_ws_send($id, json_encode($message));
}

while ($running) {
    $event = frankenphp_ws_get_event(0.5);
    if ($event === null) {
        continue;
    }
    $id = $event['connection'];
    echo date('H:i:s'), " {$event['type']} {$id}", isset($event['channel']) ? " {$event['channel']}" : '', "\n";
    switch ($event['type']) {
        case 'open':
            $users[$id] = $event['user'] ?? 'anonymous';
            reply($id, ['event' => 'welcome', 'id' => $id, 'user' => $event['user'] ?? 'anonymous',
                'online' => frankenphp_ws_getClientsCount()]);
            break;
        case 'message':
            $message = json_decode((string) $event['payload'], true);
            $room = $message['room'] ?? '';
            $text = trim((string) ($message['text'] ?? ''));
            if (!is_array($message) || ($message['type'] ?? '') !== 'chat' || $text === '' || !preg_match('/^[A-Za-z0-9_-]{1,64}$/', $room)) {
                reply($id, ['event' => 'error', 'message' => 'send {"type":"chat","room":"lobby","text":"…"}']);
                break;
            }
            broadcast($room, json_encode([
                'event' => 'chat',
                'room' => $room,
                'name' => $users[$id] ?? 'anonymous',
                'text' => clip($text, 2000),
                'time' => date('c'),
            ]));
            break;
        case 'close':
            unset($users[$id]);
            break;
        case 'join':
        case 'leave':
            broadcast($event['channel'], json_encode(['event' => $event['type'], 'room' => $event['channel'],
                'online' => count(frankenphp_ws_getClients())]));
            break;
    }
}
frankenphp_ws_stop();
echo "chat worker: stopped\n";
