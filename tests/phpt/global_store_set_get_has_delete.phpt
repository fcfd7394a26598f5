--TEST--
Global store: global_set / global_get ('' when absent) / global_has / global_delete (false if absent); overwrite replaces the value
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
var_dump(frankenphp_ws_global_get('counter'));
var_dump(frankenphp_ws_global_has('counter'));
var_dump(frankenphp_ws_global_set('counter', '1'));
var_dump(frankenphp_ws_global_get('counter'));
var_dump(frankenphp_ws_global_has('counter'));
frankenphp_ws_global_set('counter', '2');
var_dump(frankenphp_ws_global_get('counter'));
frankenphp_ws_global_set('empty', '');
var_dump(frankenphp_ws_global_has('empty'));
var_dump(frankenphp_ws_global_delete('counter'));
var_dump(frankenphp_ws_global_delete('counter'));
var_dump(frankenphp_ws_global_has('counter'));
var_dump(frankenphp_ws_global_get('counter'));
var_dump(frankenphp_ws_global_delete('never-set'));
?>
--EXPECT--
string(0) ""
bool(false)
NULL
string(1) "1"
bool(true)
string(1) "2"
bool(true)
bool(true)
bool(false)
bool(false)
string(0) ""
bool(false)
