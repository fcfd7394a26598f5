--TEST--
frankenphp_ws_stop() takes only 'handoff', a bool: anything else throws InvalidArgumentException and leaves the server running; with driver=memory a handoff stop is an ordinary stop
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.listen=127.0.0.1:0
frankenphp_ws.admin_listen=
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start();
[$client, $open] = ws_connect();
foreach ([['drain' => true], ['handoff' => 'yes'], ['handoff' => 1]] as $options) {
    try {
        frankenphp_ws_stop($options);
        echo "no exception\n";
    } catch (InvalidArgumentException $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
$still = @stream_socket_client('tcp://' . $bound['listen'], $errno, $errstr, 1);
echo 'still serving: ', var_export($still !== false, true), "\n";

// One node, no Redis: nobody to hand clients to, so they are closed as in any stop.
frankenphp_ws_stop(['handoff' => true]);
$close = $client->receive(2.0);
echo 'client closed with: ', $close['type'], ' ', $close['code'] ?? '-', ' ', $close['reason'] ?? '-', "\n";
$old = @stream_socket_client('tcp://' . $bound['listen'], $errno, $errstr, 1);
echo 'stopped: ', var_export($old === false, true), "\n";
?>
--EXPECT--
InvalidArgumentException: unknown option 'drain'; frankenphp_ws_stop() takes 'handoff'
InvalidArgumentException: option 'handoff' must be a bool
InvalidArgumentException: option 'handoff' must be a bool
still serving: true
client closed with: close 1001 server_shutdown
stopped: true
