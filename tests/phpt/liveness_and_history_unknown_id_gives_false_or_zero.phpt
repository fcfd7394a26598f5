--TEST--
Ping and message-history functions on an unknown connection id give false / 0 / [], never an exception
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$u = 'no-such-connection';
$calls = [
    'enablePing' => fn () => frankenphp_ws_enablePing($u),
    'enablePing 100' => fn () => frankenphp_ws_enablePing($u, 100),
    'disablePing' => fn () => frankenphp_ws_disablePing($u),
    'getClientPingTime' => fn () => frankenphp_ws_getClientPingTime($u),
    'enableQueueCounter' => fn () => frankenphp_ws_enableQueueCounter($u),
    'disableQueueCounter' => fn () => frankenphp_ws_disableQueueCounter($u),
    'getClientMessageCounter' => fn () => frankenphp_ws_getClientMessageCounter($u),
    'getClientMessageQueue' => fn () => frankenphp_ws_getClientMessageQueue($u),
    'clearClientMessageQueue' => fn () => frankenphp_ws_clearClientMessageQueue($u),
];
foreach ($calls as $name => $call) {
    try {
        echo "$name: ", var_export($call(), true), "\n";
    } catch (Throwable $e) {
        echo "$name: ", get_class($e), ': ', $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
enablePing: false
enablePing 100: false
disablePing: false
getClientPingTime: 0
enableQueueCounter: false
disableQueueCounter: false
getClientMessageCounter: 0
getClientMessageQueue: array (
)
clearClientMessageQueue: false
