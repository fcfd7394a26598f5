--TEST--
The open event carries connection, route, payload null, lowercase headers, the decoded query, remote_addr, user null and protocol null (no subprotocol served)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['allowed_origins' => 'http://example.test']);
$client = WsClient::connect(ws_url('/ws/chat?room=lobby%201&tag=a%2Bb&empty='), [
    'X-Custom-Header' => 'Some Value',
    'Cookie' => 'session=abc',
    'Origin' => 'http://example.test',
]);
$open = wait_event('open');
var_dump(array_keys($open));
var_dump($open['type'], $open['route'], $open['payload'], $open['user'], $open['protocol']);
var_dump(is_string($open['connection']) && $open['connection'] !== '');
var_dump($open['query']);
var_dump($open['headers']['x-custom-header'], $open['headers']['cookie'], $open['headers']['origin']);
var_dump(isset($open['headers']['host']));
var_dump(count(array_filter(array_keys($open['headers']), fn($k) => $k !== strtolower($k))));

// remote_addr is the client's own address.
$r = new ReflectionProperty(WsClient::class, 'sock');
$local = stream_socket_get_name($r->getValue($client), false);
var_dump($open['remote_addr'] === $local);
?>
--EXPECT--
array(9) {
  [0]=>
  string(4) "type"
  [1]=>
  string(10) "connection"
  [2]=>
  string(5) "route"
  [3]=>
  string(7) "payload"
  [4]=>
  string(7) "headers"
  [5]=>
  string(5) "query"
  [6]=>
  string(11) "remote_addr"
  [7]=>
  string(4) "user"
  [8]=>
  string(8) "protocol"
}
string(4) "open"
string(8) "/ws/chat"
NULL
NULL
NULL
bool(true)
array(3) {
  ["room"]=>
  string(7) "lobby 1"
  ["tag"]=>
  string(3) "a+b"
  ["empty"]=>
  string(0) ""
}
string(10) "Some Value"
string(11) "session=abc"
string(19) "http://example.test"
bool(true)
int(0)
bool(true)
