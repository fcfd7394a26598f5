--TEST--
Repeating the same tag expression reflects every change in between: a tag added or removed, a connection closed, a new connection tagged
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function sel(string $expr): string
{
    $n = array_map(fn ($id) => $GLOBALS['ids'][$id] ?? "?$id", frankenphp_ws_getClientsByTagExpression($expr));
    sort($n);
    return implode(',', $n) ?: '-';
}

ws_start();
$ids = [];
[$a, $open] = ws_connect();
$A = $open['connection'];
$ids[$A] = 'A';
[$b, $open] = ws_connect();
$B = $open['connection'];
$ids[$B] = 'B';

frankenphp_ws_tagClient($A, 'vip');
echo 'start: ', sel('vip&!muted'), ' / sent ', frankenphp_ws_sendToTagExpression('vip&!muted', 'x'), "\n";
frankenphp_ws_tagClient($B, 'vip');
echo 'B tagged: ', sel('vip&!muted'), ' / sent ', frankenphp_ws_sendToTagExpression('vip&!muted', 'x'), "\n";
frankenphp_ws_tagClient($A, 'muted');
echo 'A muted: ', sel('vip&!muted'), ' / sent ', frankenphp_ws_sendToTagExpression('vip&!muted', 'x'), "\n";
frankenphp_ws_clearTagClient($A);
frankenphp_ws_tagClient($A, 'vip');
echo 'A cleared and retagged: ', sel('vip&!muted'), "\n";
$b->close(1000);
wait_event('close');
echo 'B closed: ', sel('vip&!muted'), ' / sent ', frankenphp_ws_sendToTagExpression('vip&!muted', 'x'), "\n";
[$c, $open] = ws_connect();
$ids[$open['connection']] = 'C';
echo 'C connected: ', sel('!muted'), "\n";
frankenphp_ws_renameConnection($A, 'renamed');
$ids['renamed'] = 'A2';
echo 'A renamed: ', sel('vip'), "\n";
?>
--EXPECT--
start: A / sent 1
B tagged: A,B / sent 2
A muted: B / sent 1
A cleared and retagged: A,B
B closed: A / sent 1
C connected: A,C
A renamed: A2
