--TEST--
Malformed arguments to the state functions throw InvalidArgumentException: negative ping interval, queue sizes or expiry, empty tag, global key or new id
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
$calls = [
    'enablePing -1' => fn () => frankenphp_ws_enablePing($id, -1),
    'enableQueueCounter maxMessages -1' => fn () => frankenphp_ws_enableQueueCounter($id, -1),
    'enableQueueCounter maxTimeSeconds -1' => fn () => frankenphp_ws_enableQueueCounter($id, 10, -1),
    'global_set expire -1' => fn () => frankenphp_ws_global_set('k', 'v', -1),
    'global_set empty key' => fn () => frankenphp_ws_global_set('', 'v'),
    'tagClient empty tag' => fn () => frankenphp_ws_tagClient($id, ''),
    'getClientsByTag empty tag' => fn () => frankenphp_ws_getClientsByTag(''),
    'renameConnection empty new id' => fn () => frankenphp_ws_renameConnection($id, ''),
];
foreach ($calls as $name => $call) {
    try {
        $r = $call();
        echo "$name: returned ", var_export($r, true), "\n";
    } catch (InvalidArgumentException $e) {
        echo "$name: InvalidArgumentException\n";
    }
}
echo 'nothing changed: ', json_encode([frankenphp_ws_getTags($id), frankenphp_ws_listStoredInformationKeys($id), frankenphp_ws_global_has('k'), frankenphp_ws_getClients() === [$id]]), "\n";
?>
--EXPECT--
enablePing -1: InvalidArgumentException
enableQueueCounter maxMessages -1: InvalidArgumentException
enableQueueCounter maxTimeSeconds -1: InvalidArgumentException
global_set expire -1: InvalidArgumentException
global_set empty key: InvalidArgumentException
tagClient empty tag: InvalidArgumentException
getClientsByTag empty tag: InvalidArgumentException
renameConnection empty new id: InvalidArgumentException
nothing changed: [[],[],false,true]
