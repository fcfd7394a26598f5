<?php
// A session-cookie auth endpoint, as an application that authenticates WebSockets by cookie
// has: the browser's cookie `session=NAME` (forwarded by the server) is user NAME; without it,
// 401 and no WebSocket.
$name = $_COOKIE['session'] ?? '';
if (!preg_match('/^[a-z0-9]{1,32}$/', $name)) {
    http_response_code(401);
    echo 'no session';
    return;
}
header('Content-Type: application/json');
echo json_encode(['user_id' => $name]);
