--TEST--
The path option moves the upgrade prefix: /realtime and under upgrade, /ws no longer does
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$keep = [];
ws_start(['path' => '/realtime']);
foreach (['/realtime', '/realtime/room/1', '/ws', '/realtimex'] as $path) {
    $r = WsClient::handshake(ws_url($path));
    $keep[] = $r['client'];
    echo "$path: {$r['status']}", $r['client'] ? ' route=' . wait_event('open')['route'] : '', "\n";
}
echo json_encode(frankenphp_ws_listRoutes() === ['/realtime', '/realtime/room/1'] || frankenphp_ws_listRoutes() === ['/realtime/room/1', '/realtime']), "\n";
?>
--EXPECT--
/realtime: 101 route=/realtime
/realtime/room/1: 101 route=/realtime/room/1
/ws: 404
/realtimex: 404
true
