<?php
// The chat's auth_endpoint (api.md 5): the worker's server calls it for every WebSocket
// handshake, forwarding the browser's Cookie. The PHP session says who this is: 200 with the
// user id, or 401 and no WebSocket. index.php puts the name in the session.
session_start(['read_and_close' => true]);
header('Content-Type: application/json');
if (!isset($_SESSION['name'])) {
    http_response_code(401);
    echo json_encode(['error' => 'no session: open the chat page first']);
    return;
}
echo json_encode(['user_id' => $_SESSION['name']]);
