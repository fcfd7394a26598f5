--TEST--
Frames that break RFC 6455 close the connection: unmasked or unknown-opcode frames with 1002, invalid UTF-8 text with 1007
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$cases = [
    'unmasked frame' => WsClient::encodeFrame(WsClient::TEXT, 'hi', true, false),
    'reserved opcode 3' => WsClient::encodeFrame(3, 'x'),
    'RSV1 without extension' => WsClient::encodeFrame(WsClient::TEXT, 'x', true, true, 4),
    'continuation without start' => WsClient::encodeFrame(WsClient::CONT, 'x'),
    'fragmented ping' => WsClient::encodeFrame(WsClient::PING, 'x', false),
    'invalid UTF-8 text' => WsClient::encodeFrame(WsClient::TEXT, "\xff\xfe"),
];
foreach ($cases as $name => $bytes) {
    [$client, $open] = ws_connect();
    $client->sendRaw($bytes);
    $close = $client->expectClose();
    $e = wait_event('close', 3, $open['connection']);
    echo "$name: client code={$close['code']}, event code={$e['code']} payload={$e['payload']}\n";
}
// None of them produced a message event.
var_dump(in_array('message', array_column($GLOBALS['__ws_skipped'], 'type'), true));
?>
--EXPECT--
unmasked frame: client code=1002, event code=1002 payload=protocol_error
reserved opcode 3: client code=1002, event code=1002 payload=protocol_error
RSV1 without extension: client code=1002, event code=1002 payload=protocol_error
continuation without start: client code=1002, event code=1002 payload=protocol_error
fragmented ping: client code=1002, event code=1002 payload=protocol_error
invalid UTF-8 text: client code=1007, event code=1007 payload=protocol_error
bool(false)
