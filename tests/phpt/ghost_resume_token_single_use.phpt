--TEST--
A resume token is spent by a takeover: reusing it gives an ordinary new connection, while the new token getResumeToken gives afterwards resumes the ghost again
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function go_dormant(WsClient $c): void
{
    $c->close(1000);
    $c->expectClose();
    usleep(100000);
}

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_activateGhost($id);
$token = frankenphp_ws_getResumeToken($id);
go_dormant($client);

$first = WsClient::connect(ws_url('/ws?resume=' . urlencode($token)));
$e = next_event();
echo 'first use: ', $e['type'], ' same id: ', var_export($e['connection'] === $id, true), "\n";
$token2 = frankenphp_ws_getResumeToken($id);
echo 'new token: ', var_export(is_string($token2) && $token2 !== $token, true), "\n";
go_dormant($first);

$again = WsClient::connect(ws_url('/ws?resume=' . urlencode($token)));
$e = next_event();
echo 'reused token: ', $e['type'], ' same id: ', var_export($e['connection'] === $id, true), "\n";
$newcomer = $e['connection'];

$second = WsClient::connect(ws_url('/ws?resume=' . urlencode($token2)));
$e = next_event();
echo 'new token: ', $e['type'], ' same id: ', var_export($e['connection'] === $id, true), "\n";
$clients = frankenphp_ws_getClients();
sort($clients);
$expected = [$id, $newcomer];
sort($expected);
echo 'getClients: ', var_export($clients === $expected, true), "\n";
?>
--EXPECT--
first use: resume same id: true
new token: true
reused token: open same id: false
new token: resume same id: true
getClients: true
