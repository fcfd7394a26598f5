--TEST--
The admin API's ghost endpoints: POST activateGhost/{id}, GET isGhost/{id}, POST releaseGhost/{id}, answers in JSON, token required
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['admin_token' => 't0k']);
[$client, $open] = ws_connect();
$id = $open['connection'];

foreach ([
    ['GET', "isGhost/$id"],
    ['POST', "activateGhost/$id"],
    ['GET', "isGhost/$id"],
    ['POST', "releaseGhost/$id"],
    ['POST', "releaseGhost/$id"],
    ['GET', 'isGhost/unknown'],
    ['POST', 'activateGhost/unknown'],
] as [$method, $path]) {
    $r = admin_request($method, "/frankenphp_ws/$path", null, 't0k');
    echo $method, ' ', str_replace($id, 'ID', $path), ': ', $r['status'], ' ', json_encode($r['json']), "\n";
}
$r = admin_request('POST', "/frankenphp_ws/activateGhost/$id");
echo 'without token: ', $r['status'], "\n";
echo 'isGhost: ', var_export(frankenphp_ws_isGhost($id), true), "\n";
?>
--EXPECT--
GET isGhost/ID: 200 {"result":false}
POST activateGhost/ID: 200 {"result":true}
GET isGhost/ID: 200 {"result":true}
POST releaseGhost/ID: 200 {"result":true}
POST releaseGhost/ID: 200 {"result":false}
GET isGhost/unknown: 200 {"result":false}
POST activateGhost/unknown: 200 {"result":false}
without token: 401
isGhost: false
