--TEST--
After frankenphp_ws_stop(), frankenphp_ws_get_event() starts no server from php.ini (another PHP thread's loop must not undo a stop): it waits its timeout and returns null, until frankenphp_ws_start() starts one again
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.listen=127.0.0.1:0
frankenphp_ws.admin_listen=
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start();
frankenphp_ws_stop();

$t = microtime(true);
$event = frankenphp_ws_get_event(0.3);
$took = microtime(true) - $t;
echo 'event: ', var_export($event, true), "\n";
echo 'waited its timeout: ', var_export($took >= 0.25 && $took < 2.0, true), "\n";
$old = @stream_socket_client('tcp://' . $bound['listen'], $errno, $errstr, 1);
echo 'old address refuses: ', var_export($old === false, true), "\n";

// A start starts again, with options other than php.ini's: it would throw had get_event()
// started a server from php.ini. get_event() serves the new one.
$again = ws_start();
[$client, $open] = ws_connect();
echo 'serving again: ', $open['type'], "\n";
frankenphp_ws_stop();
?>
--EXPECT--
event: NULL
waited its timeout: true
old address refuses: true
serving again: open
