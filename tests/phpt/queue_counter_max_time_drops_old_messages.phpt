--TEST--
enableQueueCounter's maxTimeSeconds: kept messages older than that are no longer listed (the counter still counts them)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_enableQueueCounter($id, 10, 1);
frankenphp_ws_send($id, 'old');
echo 'at once: ', json_encode(array_column(frankenphp_ws_getClientMessageQueue($id), 'data')), "\n";
usleep(2100000);
frankenphp_ws_send($id, 'new');
echo 'after 2 s: ', json_encode(array_column(frankenphp_ws_getClientMessageQueue($id), 'data')), "\n";
echo 'counter: ', frankenphp_ws_getClientMessageCounter($id), "\n";
?>
--EXPECT--
at once: ["old"]
after 2 s: ["new"]
counter: 2
