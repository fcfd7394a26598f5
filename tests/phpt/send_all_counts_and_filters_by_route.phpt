--TEST--
frankenphp_ws_sendAll() sends to every connection (or only those of a route) and returns how many
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a] = ws_connect('/ws/chat');
[$b] = ws_connect('/ws/chat');
[$c] = ws_connect('/ws/feed');

var_dump(frankenphp_ws_sendAll('to everyone'));
foreach ([$a, $b, $c] as $client) {
    echo $client->expectText(), "\n";
}
var_dump(frankenphp_ws_sendAll('to chat', '/ws/chat'));
echo $a->expectText(), ' / ', $b->expectText(), "\n";
var_dump($c->isQuiet(0.3));
var_dump(frankenphp_ws_sendAll('to nobody', '/ws/none'));
var_dump(frankenphp_ws_sendAll("bin\xff", '/ws/feed'));
$m = $c->expectMessage();
echo $m['type'], ' ', bin2hex($m['data']), "\n";
var_dump($a->isQuiet(0.2), $b->isQuiet(0.1));
?>
--EXPECT--
int(3)
to everyone
to everyone
to everyone
int(2)
to chat / to chat
bool(true)
int(0)
int(1)
binary 62696eff
bool(true)
bool(true)
