--TEST--
frankenphp_ws_get_event() starts the server from the INI settings; frankenphp_ws_start() without options then returns its addresses
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.listen=127.0.0.1:0
frankenphp_ws.admin_listen=127.0.0.1:0
frankenphp_ws.path=/live
frankenphp_ws.max_message_size=100
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

var_dump(frankenphp_ws_get_event(0));
$bound = frankenphp_ws_start();
$GLOBALS['__ws_bound'] = $bound;
var_dump(str_starts_with($bound['listen'], '127.0.0.1:'), str_starts_with($bound['admin'], '127.0.0.1:'));

// path from the INI: /live upgrades, /ws does not.
$r = WsClient::handshake(ws_url('/ws'));
echo "/ws: {$r['status']}\n";
[$client, $open] = ws_connect('/live/room');
echo ev($open), "\n";
// max_message_size from the INI.
$client->send(str_repeat('a', 100));
echo strlen(wait_event('message')['payload']), "\n";
$client->send(str_repeat('a', 101));
$close = $client->expectClose();
echo "client got {$close['code']}\n";
echo ev(wait_event('close')), "\n";
?>
--EXPECT--
NULL
bool(true)
bool(true)
/ws: 404
open route='/live/room' payload=NULL
100
client got 1009
close route='/live/room' code=1009 payload='message_too_big'
