--TEST--
A client binary message reaches the worker as a message event with binary true, byte for byte
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$all = implode('', array_map('chr', range(0, 255)));
$messages = ["\x00\x01\x02\xff", $all, 'plain ascii sent as binary', random_bytes(70000)];
foreach ($messages as $data) {
    $client->sendBinary($data);
}
foreach ($messages as $data) {
    $e = wait_event('message');
    echo 'binary=', var_export($e['binary'], true), ' exact=', var_export($e['payload'] === $data, true),
        ' len=', strlen($e['payload']), "\n";
}
?>
--EXPECT--
binary=true exact=true len=4
binary=true exact=true len=256
binary=true exact=true len=26
binary=true exact=true len=70000
