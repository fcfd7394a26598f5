--TEST--
clearClientMessageQueue forgets the kept messages but the counter goes on; disableQueueCounter stops counting and forgets them
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function show(string $id): string
{
    return frankenphp_ws_getClientMessageCounter($id) . ' ' . json_encode(array_column(frankenphp_ws_getClientMessageQueue($id), 'data'));
}

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_enableQueueCounter($id);
frankenphp_ws_send($id, 'a');
frankenphp_ws_send($id, 'b');
echo 'sent two: ', show($id), "\n";
echo 'clear: ', var_export(frankenphp_ws_clearClientMessageQueue($id), true), "\n";
echo 'cleared: ', show($id), "\n";
frankenphp_ws_send($id, 'c');
echo 'one more: ', show($id), "\n";
echo 'disable: ', var_export(frankenphp_ws_disableQueueCounter($id), true), "\n";
echo 'disabled: ', show($id), "\n";
frankenphp_ws_send($id, 'd');
echo 'not counted: ', show($id), "\n";
echo 'client got: ', implode(',', array_map(fn () => $client->expectText(), range(1, 4))), "\n";
?>
--EXPECT--
sent two: 2 ["a","b"]
clear: true
cleared: 2 []
one more: 3 ["c"]
disable: true
disabled: 0 []
not counted: 0 []
client got: a,b,c,d
