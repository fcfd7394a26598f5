--TEST--
frankenphp_ws_start() refuses a non-loopback admin_listen without admin_token; with a token it starts
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

try {
    frankenphp_ws_start(['listen' => '127.0.0.1:0', 'admin_listen' => '0.0.0.0:0']);
    echo "started\n";
} catch (RuntimeException $e) {
    echo get_class($e), ' mentions admin_token: ',
        var_export(str_contains($e->getMessage(), 'admin_token'), true), "\n";
}

$bound = frankenphp_ws_start(['listen' => '127.0.0.1:0', 'admin_listen' => '0.0.0.0:0', 'admin_token' => 's3cret']);
[$host, $port] = WsClient::splitHostPort($bound['admin']);
var_dump($host, $port > 0);
$r = admin_request('GET', '/health', null, null, "127.0.0.1:$port");
echo "no token: {$r['status']}\n";
$r = admin_request('GET', '/health', null, 's3cret', "127.0.0.1:$port");
echo "token: {$r['status']}\n";
?>
--EXPECT--
RuntimeException mentions admin_token: true
string(7) "0.0.0.0"
bool(true)
no token: 401
token: 200
