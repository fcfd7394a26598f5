--TEST--
A message larger than send_buffer (up to max_message_size) reaches a client that reads, whatever its size; send_buffer bounds only the backlog waiting behind the frame being written (slow_consumer_closed_1008 covers a client that does not read)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['send_buffer' => 65536, 'max_message_size' => 4 * 1048576, 'message_rate' => 0]);
[$client, $open] = ws_connect();
$id = $open['connection'];
foreach ([65536, 65537, 1048576, 3 * 1048576] as $size) {
    $data = random_bytes(intdiv($size, 2));
    $data = bin2hex($data) . str_repeat('z', $size % 2);
    var_dump(frankenphp_ws_send($id, $data));
    $got = $client->expectText(10);
    echo $size, ': ', var_export($got === $data, true), "\n";
}
?>
--EXPECT--
bool(true)
65536: true
bool(true)
65537: true
bool(true)
1048576: true
bool(true)
3145728: true
