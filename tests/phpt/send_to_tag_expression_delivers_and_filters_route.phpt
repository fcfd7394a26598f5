--TEST--
sendToTagExpression delivers to the connections the expression selects and returns how many; with a route, only those on that route
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
frankenphp_ws_tagClient($openA['connection'], 'fr');
frankenphp_ws_tagClient($openB['connection'], 'vip');
frankenphp_ws_tagClient($openC['connection'], 'fr');

echo 'vip&!fr: ', frankenphp_ws_sendToTagExpression('vip&!fr', 'm1'), "\n";
echo 'B: ', $b->expectText(), "\n";
echo 'vip|fr on /ws/one: ', frankenphp_ws_sendToTagExpression('vip|fr', 'm2', '/ws/one'), "\n";
echo 'A: ', $a->expectText(), ' C: ', $c->expectText(), "\n";
echo '!vip: ', frankenphp_ws_sendToTagExpression('!vip', 'm3'), "\n";
echo 'C: ', $c->expectText(), "\n";
echo 'none: ', frankenphp_ws_sendToTagExpression('vip&de', 'lost'), "\n";
echo 'quiet: ', var_export($a->isQuiet(0.1) && $b->isQuiet(0.1) && $c->isQuiet(0.1), true), "\n";
?>
--EXPECT--
vip&!fr: 1
B: m1
vip|fr on /ws/one: 2
A: m2 C: m2
!vip: 1
C: m3
none: 0
quiet: true
