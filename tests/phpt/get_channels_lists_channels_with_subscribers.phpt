--TEST--
frankenphp_ws_getChannels() lists exactly the channels with at least one subscriber
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function channels(): string { $c = frankenphp_ws_getChannels(); sort($c); return json_encode($c); }

ws_start();
[$a, $oa] = ws_connect();
[$b, $ob] = ws_connect();
echo channels(), "\n";
frankenphp_ws_subscribe($oa['connection'], 'x');
frankenphp_ws_subscribe($oa['connection'], 'y');
frankenphp_ws_subscribe($ob['connection'], 'y');
echo channels(), "\n";
frankenphp_ws_unsubscribe($oa['connection'], 'x');
echo channels(), "\n";
frankenphp_ws_unsubscribe($oa['connection'], 'y');
echo channels(), "\n";
// The last subscriber leaving by disconnecting removes the channel too.
$b->close(1000);
wait_event('close', 3, $ob['connection']);
echo channels(), "\n";
?>
--EXPECT--
[]
["x","y"]
["y"]
["y"]
[]
