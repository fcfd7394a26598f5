--TEST--
A dormant ghost renamed keeps its ghost mark and kept messages; messages sent to the new id are kept too; its resume token resumes it under the new id, and releasing it reports the new id
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$old = $open['connection'];
frankenphp_ws_activateGhost($old);
$token = frankenphp_ws_getResumeToken($old);
$client->close(1000);
$client->expectClose();
usleep(100000);
frankenphp_ws_send($old, 'before rename');

echo 'rename: ', var_export(frankenphp_ws_renameConnection($old, 'user-7'), true), "\n";
echo 'isGhost new: ', var_export(frankenphp_ws_isGhost('user-7'), true), ' old: ', var_export(frankenphp_ws_isGhost($old), true), "\n";
echo 'getClients: ', json_encode(frankenphp_ws_getClients()), "\n";
echo 'send: ', var_export(frankenphp_ws_send('user-7', 'after rename'), true), "\n";

$back = WsClient::connect(ws_url('/ws?resume=' . urlencode($token)));
$e = next_event();
echo ev($e), " id={$e['connection']}\n";
echo $back->expectText(), ' / ', $back->expectText(), "\n";

$back->close(1000);
$back->expectClose();
usleep(100000);
frankenphp_ws_releaseGhost('user-7');
foreach (drain_events(0.5) as $e) {
    echo "{$e['type']} id={$e['connection']}\n";
}
?>
--EXPECT--
rename: true
isGhost new: true old: false
getClients: ["user-7"]
send: true
resume route='/ws' payload='2' id=user-7
before rename / after rename
ghostConnectionClose id=user-7
beforeClose id=user-7
close id=user-7
