--TEST--
sendToTag delivers to every connection with the tag and returns how many; with a route, only those on that route
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a, $openA] = ws_connect('/ws/one');
[$b, $openB] = ws_connect('/ws/two');
[$c, $openC] = ws_connect('/ws/one');
frankenphp_ws_tagClient($openA['connection'], 'vip');
frankenphp_ws_tagClient($openB['connection'], 'vip');

echo 'all: ', frankenphp_ws_sendToTag('vip', 'hello vip'), "\n";
echo 'A: ', $a->expectText(), ' B: ', $b->expectText(), ' C quiet: ', var_export($c->isQuiet(), true), "\n";
echo 'route: ', frankenphp_ws_sendToTag('vip', 'only two', '/ws/two'), "\n";
echo 'B: ', $b->expectText(), ' A quiet: ', var_export($a->isQuiet(), true), "\n";
echo 'unused tag: ', frankenphp_ws_sendToTag('nobody', 'lost'), "\n";
echo 'route without members: ', frankenphp_ws_sendToTag('vip', 'lost', '/ws/three'), "\n";
echo 'nothing else: ', var_export($a->isQuiet(0.1) && $b->isQuiet(0.1) && $c->isQuiet(0.1), true), "\n";
?>
--EXPECT--
all: 2
A: hello vip B: hello vip C quiet: true
route: 1
B: only two A quiet: true
unused tag: 0
route without members: 0
nothing else: true
