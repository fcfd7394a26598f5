--TEST--
Every function taking a connection id throws InvalidArgumentException for an empty id
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
foreach ([
    'send' => fn() => frankenphp_ws_send('', 'x'),
    'sendBinary' => fn() => frankenphp_ws_sendBinary('', 'x'),
    'killConnection' => fn() => frankenphp_ws_killConnection(''),
    'subscribe' => fn() => frankenphp_ws_subscribe('', 'news'),
    'unsubscribe' => fn() => frankenphp_ws_unsubscribe('', 'news'),
    'getSubscriptions' => fn() => frankenphp_ws_getSubscriptions(''),
] as $name => $call) {
    try {
        $call();
        echo "$name: no exception\n";
    } catch (InvalidArgumentException $e) {
        echo "$name: InvalidArgumentException, says what to fix: ", var_export($e->getMessage() !== '', true), "\n";
    }
}
?>
--EXPECT--
send: InvalidArgumentException, says what to fix: true
sendBinary: InvalidArgumentException, says what to fix: true
killConnection: InvalidArgumentException, says what to fix: true
subscribe: InvalidArgumentException, says what to fix: true
unsubscribe: InvalidArgumentException, says what to fix: true
getSubscriptions: InvalidArgumentException, says what to fix: true
