--TEST--
A dormant ghost keeps at most ghost_buffer messages, dropping the oldest first; resume replays the newest ones in order and reports how many
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['ghost_buffer' => 3]);
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_subscribe($id, 'news');
wait_event('join');
frankenphp_ws_activateGhost($id);
$token = frankenphp_ws_getResumeToken($id);
$client->closeSocket();
usleep(200000);

frankenphp_ws_send($id, 'm1');
broadcast('news', 'm2');
frankenphp_ws_send($id, 'm3');
broadcast('news', 'm4');
frankenphp_ws_send($id, 'm5');

$back = WsClient::connect(ws_url('/ws?resume=' . urlencode($token)));
echo ev(next_event()), "\n";
echo $back->expectText(), ' ', $back->expectText(), ' ', $back->expectText(), "\n";
echo 'then quiet: ', var_export($back->isQuiet(), true), "\n";
?>
--EXPECT--
resume route='/ws' payload='3'
m3 m4 m5
then quiet: true
