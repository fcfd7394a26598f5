<?php
// The auth endpoint the integration tests run under `php -S`. What it answers depends on the
// query of the WebSocket request it is asked about (X-Original-URI):
//   ?user=NAME      200 {"user_id": NAME}
//   ?plain=NAME     200 with NAME as plain text
//   ?status=N       N with a short body
//   ?sleep=MS       sleeps first (for timeouts)
//   ?echo=1         200, the user id is the JSON of what was forwarded
parse_str(parse_url($_SERVER['HTTP_X_ORIGINAL_URI'] ?? '', PHP_URL_QUERY) ?? '', $q);
if (isset($q['sleep'])) {
    usleep(1000 * (int) $q['sleep']);
}
if (isset($q['status'])) {
    http_response_code((int) $q['status']);
    echo "endpoint said {$q['status']}";
    return;
}
if (isset($q['echo'])) {
    header('Content-Type: application/json');
    echo json_encode(['user_id' => json_encode([
        'cookie' => $_SERVER['HTTP_COOKIE'] ?? null,
        'authorization' => $_SERVER['HTTP_AUTHORIZATION'] ?? null,
        'origin' => $_SERVER['HTTP_ORIGIN'] ?? null,
        'forwarded_for' => $_SERVER['HTTP_X_FORWARDED_FOR'] ?? null,
        'uri' => $_SERVER['HTTP_X_ORIGINAL_URI'] ?? null,
    ])]);
    return;
}
if (isset($q['plain'])) {
    echo "  {$q['plain']}\n";
    return;
}
if (isset($q['user'])) {
    header('Content-Type: application/json');
    echo json_encode(['user_id' => $q['user']]);
    return;
}
http_response_code(401);
echo 'who are you?';
