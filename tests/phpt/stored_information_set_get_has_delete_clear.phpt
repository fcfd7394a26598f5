--TEST--
Stored information: set/overwrite, get ('' when absent), has, delete (false if absent), clear, listStoredInformationKeys sorted; values are per connection
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a, $openA] = ws_connect();
[$b, $openB] = ws_connect();
$A = $openA['connection'];
$B = $openB['connection'];

var_dump(frankenphp_ws_setStoredInformation($A, 'zeta', 'z'));
var_dump(frankenphp_ws_setStoredInformation($A, 'alpha', 'first'));
var_dump(frankenphp_ws_setStoredInformation($A, 'alpha', 'second'));
var_dump(frankenphp_ws_setStoredInformation($A, 'empty', ''));
frankenphp_ws_setStoredInformation($B, 'alpha', 'of B');
echo 'get: ', frankenphp_ws_getStoredInformation($A, 'alpha'), ' / ', frankenphp_ws_getStoredInformation($B, 'alpha'), "\n";
echo 'absent: ', var_export(frankenphp_ws_getStoredInformation($A, 'missing'), true), "\n";
echo 'has: ', json_encode([frankenphp_ws_hasStoredInformation($A, 'alpha'), frankenphp_ws_hasStoredInformation($A, 'empty'), frankenphp_ws_hasStoredInformation($A, 'missing')]), "\n";
echo 'keys: ', json_encode(frankenphp_ws_listStoredInformationKeys($A)), "\n";
echo 'delete: ', json_encode([frankenphp_ws_deleteStoredInformation($A, 'zeta'), frankenphp_ws_deleteStoredInformation($A, 'zeta')]), "\n";
echo 'keys: ', json_encode(frankenphp_ws_listStoredInformationKeys($A)), "\n";
echo 'clear: ', json_encode(frankenphp_ws_clearStoredInformation($A)), "\n";
echo 'keys: ', json_encode(frankenphp_ws_listStoredInformationKeys($A)), ' has: ', json_encode(frankenphp_ws_hasStoredInformation($A, 'alpha')), "\n";
echo 'B untouched: ', json_encode(frankenphp_ws_listStoredInformationKeys($B)), ' ', frankenphp_ws_getStoredInformation($B, 'alpha'), "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
get: second / of B
absent: ''
has: [true,true,false]
keys: ["alpha","empty","zeta"]
delete: [true,false]
keys: ["alpha","empty"]
clear: true
keys: [] has: false
B untouched: ["alpha"] of B
