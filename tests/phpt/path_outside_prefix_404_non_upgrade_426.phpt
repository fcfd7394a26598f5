--TEST--
Paths at or under the prefix (default /ws) upgrade and become the route; other paths get 404; a plain GET on the prefix gets 426
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$keep = [];
$bound = ws_start();
foreach (['/ws', '/ws/', '/ws/chat', '/ws/a/b/c', '/ws/chat?x=1', '/wsx', '/', '/w', '/other/ws', '/WS'] as $path) {
    $r = WsClient::handshake(ws_url($path));
    $keep[] = $r['client'];
    $line = "$path: {$r['status']}";
    if ($r['client'] !== null) {
        $line .= ' route=' . wait_event('open')['route'];
    }
    echo $line, "\n";
}
foreach (['/ws', '/ws/chat'] as $path) {
    $r = WsClient::httpRequest($bound['listen'], "GET $path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    echo "plain GET $path: {$r['status']}\n";
}
$r = WsClient::httpRequest($bound['listen'], "GET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
echo "plain GET /nope: {$r['status']}\n";
// None of the refused requests produced an event.
var_dump(poll_event(0.2));
?>
--EXPECT--
/ws: 101 route=/ws
/ws/: 101 route=/ws/
/ws/chat: 101 route=/ws/chat
/ws/a/b/c: 101 route=/ws/a/b/c
/ws/chat?x=1: 101 route=/ws/chat
/wsx: 404
/: 404
/w: 404
/other/ws: 404
/WS: 404
plain GET /ws: 426
plain GET /ws/chat: 426
plain GET /nope: 404
NULL
