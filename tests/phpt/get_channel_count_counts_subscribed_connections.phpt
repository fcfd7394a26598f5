--TEST--
frankenphp_ws_getChannelCount() counts the connections subscribed to a channel, as they subscribe, unsubscribe and leave
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a, $oa] = ws_connect();
[$b, $ob] = ws_connect();
var_dump(frankenphp_ws_getChannelCount('y'));
frankenphp_ws_subscribe($oa['connection'], 'y');
frankenphp_ws_subscribe($ob['connection'], 'y');
// Subscribing twice counts once.
frankenphp_ws_subscribe($ob['connection'], 'y');
var_dump(frankenphp_ws_getChannelCount('y'));
frankenphp_ws_unsubscribe($oa['connection'], 'y');
var_dump(frankenphp_ws_getChannelCount('y'));
$b->close(1000);
wait_event('close', 3, $ob['connection']);
var_dump(frankenphp_ws_getChannelCount('y'));
try {
    frankenphp_ws_getChannelCount('');
} catch (InvalidArgumentException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECTF--
int(0)
int(2)
int(1)
int(0)
InvalidArgumentException: %s
