--TEST--
A client text message reaches the worker as a message event (binary false), byte for byte
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect('/ws/room');
$messages = ['hello', "héllo wörld ✓ 😀", '', '{"not":"a control message"}', str_repeat('0123456789', 20000)];
foreach ($messages as $text) {
    $client->send($text);
}
foreach ($messages as $i => $text) {
    $e = wait_event('message');
    if ($i === 0) {
        var_dump(array_keys($e));
    }
    echo $e['route'], ' binary=', var_export($e['binary'], true),
        ' same connection=', var_export($e['connection'] === $open['connection'], true),
        ' exact=', var_export($e['payload'] === $text, true), ' len=', strlen($e['payload']), "\n";
}
?>
--EXPECT--
array(5) {
  [0]=>
  string(4) "type"
  [1]=>
  string(10) "connection"
  [2]=>
  string(5) "route"
  [3]=>
  string(7) "payload"
  [4]=>
  string(6) "binary"
}
/ws/room binary=false same connection=true exact=true len=5
/ws/room binary=false same connection=true exact=true len=22
/ws/room binary=false same connection=true exact=true len=0
/ws/room binary=false same connection=true exact=true len=27
/ws/room binary=false same connection=true exact=true len=200000
