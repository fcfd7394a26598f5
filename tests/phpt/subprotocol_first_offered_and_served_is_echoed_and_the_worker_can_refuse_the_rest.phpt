--TEST--
Sec-WebSocket-Protocol: the first subprotocol the client offers that `subprotocols` lists is echoed and reported in open as protocol; a client offering none of them gets no header and protocol null, and the worker can refuse it with killConnection (1000 killed)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['subprotocols' => 'json chat.v2']);

// Offered in the client's order of preference: xml is not served, chat.v2 is.
$served = WsClient::connect(ws_url('/ws?who=served'), ['Sec-WebSocket-Protocol' => 'xml, chat.v2, json']);
var_dump($served->status, $served->headers['sec-websocket-protocol'] ?? null);
$open = wait_event('open');
var_dump($open['query']['who'], $open['protocol']);

// Nothing served offered: the handshake goes on without the header, and the worker, which
// serves only its own subprotocols, refuses the client.
$other = WsClient::connect(ws_url('/ws?who=other'), ['Sec-WebSocket-Protocol' => 'xml']);
var_dump($other->status, array_key_exists('sec-websocket-protocol', $other->headers));
$open = wait_event('open');
var_dump($open['query']['who'], $open['protocol']);
// What a worker that serves only its subprotocols does with each open event.
if ($open['protocol'] === null) {
    var_dump(frankenphp_ws_killConnection($open['connection']));
}
$close = $other->expectClose();
var_dump($close['code'], $close['reason']);
$closed = wait_event('close', 3.0, $open['connection']);
var_dump($closed['code']);

// None asked for: none given.
$plain = WsClient::connect(ws_url('/ws?who=plain'));
var_dump(array_key_exists('sec-websocket-protocol', $plain->headers));
$open = wait_event('open');
var_dump($open['query']['who'], $open['protocol']);

// The served client is untouched by the refusal.
$served->sendJson(['action' => 'subscribe', 'channel' => 'room']);
var_dump($served->expectJson()['event'] ?? null);
?>
--EXPECT--
int(101)
string(7) "chat.v2"
string(6) "served"
string(7) "chat.v2"
int(101)
bool(false)
string(5) "other"
NULL
bool(true)
int(1000)
string(6) "killed"
int(1000)
bool(false)
string(5) "plain"
NULL
string(10) "subscribed"
