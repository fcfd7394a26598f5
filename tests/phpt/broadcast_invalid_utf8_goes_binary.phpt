--TEST--
broadcast() and frankenphp_ws_send() of bytes that are not valid UTF-8 go out as a binary frame, byte-exact
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$client->sendJson(['action' => 'subscribe', 'channel' => 'raw']);
$client->expectJson();
wait_event('join');

$bytes = "\xff\xfe\x00abc\xc3\x28";
broadcast('raw', $bytes);
$m = $client->expectMessage();
echo $m['type'], ' ', bin2hex($m['data']), "\n";

var_dump(frankenphp_ws_send($open['connection'], "\x80"));
$m = $client->expectMessage();
echo $m['type'], ' ', bin2hex($m['data']), "\n";

// Valid UTF-8 (including NUL bytes) stays text.
broadcast('raw', "ok\x00✓");
$m = $client->expectMessage();
echo $m['type'], ' ', bin2hex($m['data']), "\n";
?>
--EXPECT--
binary fffe00616263c328
bool(true)
binary 80
text 6f6b00e29c93
