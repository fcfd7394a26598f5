--TEST--
frankenphp_ws_sendBinary() delivers a binary frame, even for valid UTF-8 data
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
foreach (['plain text', "\x00\x01\xfe\xff", ''] as $data) {
    var_dump(frankenphp_ws_sendBinary($open['connection'], $data));
    $m = $client->expectMessage();
    echo $m['type'], ' ', bin2hex($m['data']), "\n";
}
var_dump(frankenphp_ws_sendBinary('0123456789abcdef0123456789abcdef', 'x'));
?>
--EXPECT--
bool(true)
binary 706c61696e2074657874
bool(true)
binary 0001feff
bool(true)
binary 
bool(false)
