--TEST--
Admin API calls with malformed arguments answer 400 with {"error":...}; unknown endpoints are not 200
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
foreach ([
    ['POST', '/frankenphp_ws/broadcast/bad%20channel'],
    ['POST', '/frankenphp_ws/broadcast/' . str_repeat('a', 201)],
    ['POST', "/frankenphp_ws/subscribe/$id?channel=no*pe"],
    ['POST', "/frankenphp_ws/subscribe/$id"],
    ['GET', '/frankenphp_ws/getClients?route=relative'],
] as [$method, $path]) {
    $r = admin_request($method, $path, $method === 'POST' ? 'x' : null);
    echo "$method ", substr(str_replace($id, '{id}', $path), 0, 40), ": {$r['status']} error=", var_export(is_string($r['json']['error'] ?? null), true), "\n";
}
$r = admin_request('GET', '/frankenphp_ws/noSuchFunction');
echo 'unknown endpoint: ', var_export($r['status'] >= 400, true), "\n";
var_dump(frankenphp_ws_getChannels(), $client->isQuiet(0.2));
?>
--EXPECT--
POST /frankenphp_ws/broadcast/bad%20channel: 400 error=true
POST /frankenphp_ws/broadcast/aaaaaaaaaaaaaaa: 400 error=true
POST /frankenphp_ws/subscribe/{id}?channel=no: 400 error=true
POST /frankenphp_ws/subscribe/{id}: 400 error=true
GET /frankenphp_ws/getClients?route=relative: 400 error=true
unknown endpoint: true
array(0) {
}
bool(true)
