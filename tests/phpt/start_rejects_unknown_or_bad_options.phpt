--TEST--
frankenphp_ws_start() rejects an unknown option name or a negative size with InvalidArgumentException
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

foreach ([
    ['listen' => '127.0.0.1:0', 'admin_listen' => '127.0.0.1:0', 'max_mesage_size' => 10],
    ['listen' => '127.0.0.1:0', 'admin_listen' => '127.0.0.1:0', 'max_message_size' => -1],
    ['listen' => '127.0.0.1:0', 'admin_listen' => '127.0.0.1:0', 'send_buffer' => -5],
] as $options) {
    try {
        frankenphp_ws_start($options);
        echo "started\n";
        frankenphp_ws_stop();
    } catch (InvalidArgumentException $e) {
        echo "InvalidArgumentException\n";
    }
}
$bound = ws_start();
echo "valid options start: ", var_export(isset($bound['listen']), true), "\n";
?>
--EXPECT--
InvalidArgumentException
InvalidArgumentException
InvalidArgumentException
valid options start: true
