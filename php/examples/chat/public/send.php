<?php
// Runs in the `php -S` process, which hosts no WebSocket server: broadcast() reaches the
// worker's server through its admin API (frankenphp_ws.admin_url).
header('Content-Type: application/json');

/** The first $max characters of a UTF-8 string (PCRE: no mbstring needed). */
function clip(string $text, int $max): string
{
    return preg_match('/^.{0,' . $max . '}/us', $text, $m) ? $m[0] : '';
}
$room = (string) ($_POST['room'] ?? 'lobby');
$text = trim((string) ($_POST['text'] ?? ''));
if ($text === '' || !preg_match('/^[A-Za-z0-9_-]{1,64}$/', $room)) {
    http_response_code(400);
    echo json_encode(['ok' => false, 'error' => 'POST room (letters, digits, _ -) and a non-empty text']);
    return;
}
try {
    broadcast($room, json_encode(['event' => 'chat', 'room' => $room, 'name' => 'send.php',
        'text' => clip($text, 2000), 'time' => date('c')]));
    echo json_encode(['ok' => true]);
} catch (FrankenPhpWs\ServerUnreachableException $e) {
    http_response_code(502);
    echo json_encode(['ok' => false, 'error' => $e->getMessage()]);
}
