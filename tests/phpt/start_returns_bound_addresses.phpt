--TEST--
frankenphp_ws_start() with port 0 binds free ports and returns the bound addresses
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = frankenphp_ws_start(['listen' => '127.0.0.1:0', 'admin_listen' => '127.0.0.1:0']);
var_dump(array_keys($bound));
foreach ($bound as $name => $addr) {
    [$host, $port] = WsClient::splitHostPort($addr);
    echo "$name: host=$host port>0=", var_export($port > 0, true), "\n";
}
var_dump($bound['listen'] !== $bound['admin']);

// Both really listen: a WebSocket handshake and an admin health check succeed.
$GLOBALS['__ws_bound'] = $bound;
$client = WsClient::connect(ws_url('/ws'));
echo ev(wait_event('open')), "\n";
$health = admin_request('GET', '/health');
echo "health: {$health['status']}\n";
?>
--EXPECT--
array(2) {
  [0]=>
  string(6) "listen"
  [1]=>
  string(5) "admin"
}
listen: host=127.0.0.1 port>0=true
admin: host=127.0.0.1 port>0=true
bool(true)
open route='/ws' payload=NULL
health: 200
