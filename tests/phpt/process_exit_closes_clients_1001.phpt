--TEST--
When the PHP process that hosts the server exits, its clients are closed with 1001
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$child = spawn_php(<<<'PHP'
    $bound = frankenphp_ws_start(['listen' => '127.0.0.1:0', 'admin_listen' => '']);
    echo $bound['listen'], "\n";
    $deadline = microtime(true) + 5;
    while (microtime(true) < $deadline) {
        $e = frankenphp_ws_get_event(0.2);
        if ($e !== null && $e['type'] === 'open') {
            echo "open\n";
            break;
        }
    }
    // returns without calling frankenphp_ws_stop()
    PHP);
$listen = read_line($child);
$client = WsClient::connect("ws://$listen/ws");
echo read_line($child), "\n";
$close = $client->expectClose(5);
echo "code={$close['code']} reason={$close['reason']}\n";
echo 'exit: ', end_php($child), "\n";
?>
--EXPECT--
open
code=1001 reason=server_shutdown
exit: 0
