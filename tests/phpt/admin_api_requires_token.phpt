--TEST--
With admin_token set, every admin API request needs "Authorization: Bearer <token>" (401 otherwise)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['admin_token' => 's3cret']);
[$client, $open] = ws_connect();
$client->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$client->expectJson();
wait_event('join');

$requests = [
    ['GET', '/health'], ['GET', '/stats'], ['GET', '/metrics'],
    ['GET', '/frankenphp_ws/getClients'], ['GET', '/frankenphp_ws/getChannels'],
    ['POST', '/frankenphp_ws/broadcast/news'],
];
foreach ($requests as [$method, $path]) {
    $none = admin_request($method, $path, $method === 'POST' ? 'unauthorized' : null);
    $wrong = admin_request($method, $path, $method === 'POST' ? 'unauthorized' : null, 's3cret-not');
    $right = admin_request($method, $path, $method === 'POST' ? 'authorized' : null, 's3cret');
    echo "$method $path: none={$none['status']} wrong={$wrong['status']} right={$right['status']}",
        ' error json=', var_export(isset($none['json']['error']), true), "\n";
}
// Only the authorized broadcast went out.
echo $client->expectText(), "\n";
var_dump($client->isQuiet(0.3));
?>
--EXPECT--
GET /health: none=401 wrong=401 right=200 error json=true
GET /stats: none=401 wrong=401 right=200 error json=true
GET /metrics: none=401 wrong=401 right=200 error json=true
GET /frankenphp_ws/getClients: none=401 wrong=401 right=200 error json=true
GET /frankenphp_ws/getChannels: none=401 wrong=401 right=200 error json=true
POST /frankenphp_ws/broadcast/news: none=401 wrong=401 right=200 error json=true
authorized
bool(true)
