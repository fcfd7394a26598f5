--TEST--
Events of one connection arrive in order: open, its messages in sending order, beforeClose, close
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['message_rate' => 0]); // 300 messages at once
$client = WsClient::connect(ws_url());
for ($i = 0; $i < 300; $i++) {
    $i % 3 === 0 ? $client->sendBinary("m$i") : $client->send("m$i");
}
$client->close(1000);
$client->expectClose();

$types = [];
$payloads = [];
$deadline = microtime(true) + 5;
while (microtime(true) < $deadline) {
    $e = next_event();
    $types[] = $e['type'];
    if ($e['type'] === 'message') {
        $payloads[] = $e['payload'];
    }
    if ($e['type'] === 'close') {
        break;
    }
}
$expected = array_map(fn($i) => "m$i", range(0, 299));
echo $types[0], ' ', count($payloads), ' messages in order=', var_export($payloads === $expected, true), ' ',
    implode(' ', array_slice($types, -2)), ' total=', count($types), "\n";
?>
--EXPECT--
open 300 messages in order=true beforeClose close total=303
