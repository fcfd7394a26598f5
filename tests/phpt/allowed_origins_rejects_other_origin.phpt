--TEST--
A handshake from a page of another origin gets 403 before the upgrade; listed origins, the server's own origin and clients without Origin are accepted
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$keep = [];
ws_start(['allowed_origins' => 'https://app.example http://localhost:3000']);
$own = 'http://' . parse_url(ws_url('/ws'), PHP_URL_HOST) . ':' . parse_url(ws_url('/ws'), PHP_URL_PORT);
foreach (['https://app.example', 'http://localhost:3000', 'https://evil.example', 'http://app.example', 'https://app.example.evil.test', $own, null] as $origin) {
    $r = WsClient::handshake(ws_url('/ws'), $origin === null ? [] : ['Origin' => $origin]);
    $origin = $origin === $own ? 'own origin' : ($origin ?? 'no Origin');
    $keep[] = $r['client'];
    echo "$origin: {$r['status']}", $r['client'] ? ' ' . (wait_event('open')['headers']['origin'] ?? '-') : '', "\n";
}
// Refused handshakes are no connections and no events.
var_dump(frankenphp_ws_getClientsCount(), poll_event(0.2));
?>
--EXPECTF--
https://app.example: 101 https://app.example
http://localhost:3000: 101 http://localhost:3000
https://evil.example: 403
http://app.example: 403
https://app.example.evil.test: 403
own origin: 101 %s
no Origin: 101 -
int(4)
NULL
