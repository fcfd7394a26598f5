--TEST--
Admin API messaging endpoints: broadcast/{channel}?binary=, send/{id}?route=, sendBinary/{id}, sendAll?route=&binary= (raw bodies, {"result":...} answers)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function show(array $r): string { return $r['status'] . ' ' . $r['body']; }
function got(WsClient $c): string { $m = $c->expectMessage(); return $m['type'] . ' ' . bin2hex($m['data']); }

ws_start(['admin_token' => 't0k']);
[$a, $oa] = ws_connect('/ws/a');
[$b, $ob] = ws_connect('/ws/b');
$a->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$a->expectJson();
wait_event('join');
$T = 't0k';
$ida = $oa['connection'];

echo show(admin_request('POST', '/frankenphp_ws/broadcast/news', "raw \x00 body ✓", $T)), "\n";
echo got($a), "\n";
echo show(admin_request('POST', '/frankenphp_ws/broadcast/news', "\xff\xfe", $T)), "\n";
echo got($a), "\n";
echo show(admin_request('POST', '/frankenphp_ws/broadcast/news?binary=1', 'bin', $T)), "\n";
echo got($a), "\n";
echo show(admin_request('POST', '/frankenphp_ws/broadcast/news?binary=yes', 'bin', $T)), "\n";
echo show(admin_request('POST', "/frankenphp_ws/send/$ida", 'direct', $T)), "\n";
echo got($a), "\n";
echo show(admin_request('POST', "/frankenphp_ws/send/$ida?route=/ws/a", 'routed', $T)), "\n";
echo got($a), "\n";
echo show(admin_request('POST', "/frankenphp_ws/send/$ida?route=/ws/b", 'misrouted', $T)), "\n";
echo show(admin_request('POST', '/frankenphp_ws/send/unknown-id', 'x', $T)), "\n";
echo show(admin_request('POST', "/frankenphp_ws/sendBinary/$ida", 'bin', $T)), "\n";
echo got($a), "\n";
echo show(admin_request('POST', '/frankenphp_ws/sendAll', 'everyone', $T)), "\n";
echo got($a), ' / ', got($b), "\n";
echo show(admin_request('POST', '/frankenphp_ws/sendAll?route=/ws/b&binary=true', 'only b', $T)), "\n";
echo got($b), "\n";
var_dump($a->isQuiet(0.3), $b->isQuiet(0.1));
?>
--EXPECT--
200 {"result":null}
text 726177200020626f647920e29c93
200 {"result":null}
binary fffe
200 {"result":null}
binary 62696e
400 {"error":"expected 1, true, 0 or false, got \"yes\"","kind":"invalid_argument"}
200 {"result":true}
text 646972656374
200 {"result":true}
text 726f75746564
200 {"result":false}
200 {"result":false}
200 {"result":true}
binary 62696e
200 {"result":2}
text 65766572796f6e65 / text 65766572796f6e65
200 {"result":1}
binary 6f6e6c792062
bool(true)
bool(true)
