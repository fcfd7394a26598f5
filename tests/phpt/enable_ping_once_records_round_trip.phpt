--TEST--
enablePing with no interval sends one ping now; once the client answers, getClientPingTime gives the round trip in nanoseconds (0 before)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
echo 'before: ', frankenphp_ws_getClientPingTime($id), "\n";
$t0 = hrtime(true);
echo 'enablePing: ', var_export(frankenphp_ws_enablePing($id), true), "\n";
$frame = $client->readFrame(2.0);
echo 'client got: ', $frame['opcode'] === WsClient::PING ? 'ping' : json_encode($frame), "\n";
$client->pong($frame['payload']);
$deadline = microtime(true) + 2.0;
while (($rtt = frankenphp_ws_getClientPingTime($id)) === 0 && microtime(true) < $deadline) {
    usleep(20000);
}
$elapsed = hrtime(true) - $t0;
echo 'round trip recorded: ', var_export($rtt > 0, true), "\n";
echo 'in nanoseconds (not more than the time elapsed): ', var_export($rtt <= $elapsed && $rtt > 1000, true), "\n";
echo 'only one ping: ', var_export($client->isQuiet(0.5) && count($client->pings) === 0, true), "\n";
?>
--EXPECT--
before: 0
enablePing: true
client got: ping
round trip recorded: true
in nanoseconds (not more than the time elapsed): true
only one ping: true
