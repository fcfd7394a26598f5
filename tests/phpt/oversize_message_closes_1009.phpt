--TEST--
A client message over max_message_size closes the connection with 1009 (message_too_big); one at the limit passes
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['max_message_size' => 1024]);
[$client, $open] = ws_connect();
$client->send(str_repeat('a', 1024));
echo strlen(wait_event('message')['payload']), "\n";
$client->sendBinary(str_repeat("\x01", 1024));
echo strlen(wait_event('message')['payload']), "\n";

$client->send(str_repeat('b', 1025));
$close = $client->expectClose();
echo "client: code={$close['code']} reason={$close['reason']} tcp closed=", var_export($close['eof'], true), "\n";
$before = next_event();
$after = next_event();
echo ev($before), "\n", ev($after), "\n";
var_dump(frankenphp_ws_getClientsCount());
?>
--EXPECT--
1024
1024
client: code=1009 reason=message_too_big tcp closed=true
beforeClose route='/ws' code=1009 payload='message_too_big'
close route='/ws' code=1009 payload='message_too_big'
int(0)
