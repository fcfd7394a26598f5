<?php
// The auth_endpoint of the handshake bench: what a small application endpoint does (read a
// credential, answer with the user id), served by `php -S`.
header('Content-Type: application/json');
echo json_encode(['user_id' => 'bench-' . substr(md5($_SERVER['HTTP_X_FORWARDED_FOR'] ?? ''), 0, 8)]);
