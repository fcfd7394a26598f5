--TEST--
frankenphp_ws_start() with options other than the running server's throws RuntimeException and leaves the server running
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start(['ping_interval' => 5]);
[$client, $open] = ws_connect();

foreach ([
    ['listen' => '127.0.0.1:0', 'admin_listen' => '127.0.0.1:0', 'ping_interval' => 6],
    ['listen' => '127.0.0.1:0', 'admin_listen' => '127.0.0.1:0'],
    [],
] as $other) {
    try {
        frankenphp_ws_start($other);
        echo "no exception\n";
    } catch (RuntimeException $e) {
        echo get_class($e), "\n";
    }
}

var_dump(frankenphp_ws_getClientsCount());
var_dump(frankenphp_ws_send($open['connection'], 'alive'));
echo $client->expectText(), "\n";
?>
--EXPECT--
RuntimeException
RuntimeException
RuntimeException
int(1)
bool(true)
alive
