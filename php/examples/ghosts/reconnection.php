<?php
// Use case 1, reconnection: every client is a ghost from the start and gets its resume token.
// If its network drops, nothing is reported and messages for it are kept; when it comes back
// with ws://…/ws?resume=TOKEN it gets them, in order, under the same id. A client that does
// not come back within ghost_ttl seconds is released (ghostConnectionClose, beforeClose, close).
//
//   php -d extension=frankenphp_ws.so php/examples/ghosts/reconnection.php
// Clients send {"room":"lobby","text":"hi"}; everyone in the room gets it.
require __DIR__ . '/common.php';
start_server(['ghost_ttl' => (int) (getenv('GHOST_TTL') ?: 30)]);

while (true) {
    $event = frankenphp_ws_get_event(0.5);
    if ($event === null) {
        continue;
    }
    log_event($event);
    $id = $event['connection'];
    switch ($event['type']) {
        case 'open':
            frankenphp_ws_activateGhost($id);
            frankenphp_ws_subscribe($id, 'lobby');
            frankenphp_ws_send($id, json_encode(['event' => 'welcome', 'id' => $id,
                'resume_token' => frankenphp_ws_getResumeToken($id)]));
            break;
        case 'resume':
            // A new token for the next drop: the old one was spent by this takeover.
            frankenphp_ws_send($id, json_encode(['event' => 'resumed', 'replayed' => (int) $event['payload'],
                'resume_token' => frankenphp_ws_getResumeToken($id)]));
            break;
        case 'message':
            $message = json_decode($event['payload'], true);
            if (is_array($message) && isset($message['text'])) {
                broadcast($message['room'] ?? 'lobby', json_encode(['from' => $id, 'text' => $message['text']]));
            }
            break;
    }
}
