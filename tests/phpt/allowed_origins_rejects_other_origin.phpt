--TEST--
With allowed_origins set, a handshake from another Origin gets 403 before the upgrade; listed origins are accepted
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$keep = [];
ws_start(['allowed_origins' => 'https://app.example http://localhost:3000']);
foreach (['https://app.example', 'http://localhost:3000', 'https://evil.example', 'http://app.example', 'https://app.example.evil.test'] as $origin) {
    $r = WsClient::handshake(ws_url('/ws'), ['Origin' => $origin]);
    $keep[] = $r['client'];
    echo "$origin: {$r['status']}", $r['client'] ? ' ' . wait_event('open')['headers']['origin'] : '', "\n";
}
// Refused handshakes are no connections and no events.
var_dump(frankenphp_ws_getClientsCount(), poll_event(0.2));
?>
--EXPECT--
https://app.example: 101 https://app.example
http://localhost:3000: 101 http://localhost:3000
https://evil.example: 403
http://app.example: 403
https://app.example.evil.test: 403
int(2)
NULL
