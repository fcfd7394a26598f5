--TEST--
A global value set with an expiry is gone after it ('' / has false / delete false); 0 keeps it; setting the key again without expiry keeps it
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
frankenphp_ws_global_set('short', 'a', 1);
frankenphp_ws_global_set('forever', 'b', 0);
frankenphp_ws_global_set('renewed', 'c', 1);
frankenphp_ws_global_set('renewed', 'd');
frankenphp_ws_global_set('long', 'e', 60);
echo 'before: ', json_encode([frankenphp_ws_global_get('short'), frankenphp_ws_global_has('short')]), "\n";
usleep(1300000);
echo 'short: ', json_encode([frankenphp_ws_global_get('short'), frankenphp_ws_global_has('short'), frankenphp_ws_global_delete('short')]), "\n";
echo 'forever: ', json_encode([frankenphp_ws_global_get('forever'), frankenphp_ws_global_has('forever')]), "\n";
echo 'renewed: ', json_encode([frankenphp_ws_global_get('renewed'), frankenphp_ws_global_has('renewed')]), "\n";
echo 'long: ', json_encode([frankenphp_ws_global_get('long'), frankenphp_ws_global_has('long')]), "\n";
frankenphp_ws_global_set('short', 'again');
echo 'set again: ', frankenphp_ws_global_get('short'), "\n";
?>
--EXPECT--
before: ["a",true]
short: ["",false,false]
forever: ["b",true]
renewed: ["d",true]
long: ["e",true]
set again: again
