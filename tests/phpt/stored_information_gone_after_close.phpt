--TEST--
A connection's stored information is readable during beforeClose and gone after close; searchStoredInformation no longer finds it
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_setStoredInformation($id, 'name', 'Alice');
$client->close(1000);
wait_event('beforeClose', 3, $id);
echo 'beforeClose: ', frankenphp_ws_getStoredInformation($id, 'name'), ' ', json_encode(frankenphp_ws_listStoredInformationKeys($id)), "\n";
wait_event('close', 3, $id);
echo 'close: ', var_export(frankenphp_ws_getStoredInformation($id, 'name'), true), ' ', json_encode(frankenphp_ws_listStoredInformationKeys($id)),
    ' ', var_export(frankenphp_ws_hasStoredInformation($id, 'name'), true), "\n";
echo 'search: ', json_encode(frankenphp_ws_searchStoredInformation('name', FRANKENPHP_WS_OP_EQ, 'Alice')), "\n";
echo 'set after close: ', var_export(frankenphp_ws_setStoredInformation($id, 'name', 'Bob'), true), "\n";
?>
--EXPECT--
beforeClose: Alice ["name"]
close: '' [] false
search: []
set after close: false
