--TEST--
renameConnection keeps the message counter and history of the connection: messages before and after the rename are counted and listed under the new id
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$old = $open['connection'];
frankenphp_ws_enableQueueCounter($old, 10, 60);
frankenphp_ws_send($old, 'one');
echo 'rename: ', var_export(frankenphp_ws_renameConnection($old, 'renamed'), true), "\n";
frankenphp_ws_send('renamed', 'two');
echo $client->expectText(), ' ', $client->expectText(), "\n";
echo 'counter: ', frankenphp_ws_getClientMessageCounter('renamed'), "\n";
echo 'queue: ', json_encode(array_column(frankenphp_ws_getClientMessageQueue('renamed'), 'data')), "\n";
echo 'old counter: ', frankenphp_ws_getClientMessageCounter($old), "\n";
echo 'old queue: ', json_encode(frankenphp_ws_getClientMessageQueue($old)), "\n";
?>
--EXPECT--
rename: true
one two
counter: 2
queue: ["one","two"]
old counter: 0
old queue: []
