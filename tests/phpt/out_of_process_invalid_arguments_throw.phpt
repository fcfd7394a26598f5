--TEST--
In a process that hosts no server, malformed arguments still throw InvalidArgumentException (not a server error)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start();
$r = run_php(<<<'PHP'
    foreach ([
        fn() => broadcast('', 'x'),
        fn() => broadcast('bad channel', 'x'),
        fn() => frankenphp_ws_send('', 'x'),
        fn() => frankenphp_ws_subscribe('abc', str_repeat('a', 201)),
        fn() => frankenphp_ws_getClients('not-a-path'),
    ] as $i => $call) {
        try {
            $call();
            echo "$i: no exception\n";
        } catch (Throwable $e) {
            echo "$i: ", get_class($e), "\n";
        }
    }
    PHP, ['frankenphp_ws.admin_url' => "http://{$bound['admin']}"]);
echo $r['out'], $r['err'];
?>
--EXPECT--
0: InvalidArgumentException
1: InvalidArgumentException
2: InvalidArgumentException
3: InvalidArgumentException
4: InvalidArgumentException
