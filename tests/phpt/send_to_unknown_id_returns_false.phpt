--TEST--
Unknown or closed connection ids give false / [] from every per-connection function, never an exception
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$gone = $open['connection'];
$client->close(1000);
wait_event('close');

foreach (['never-existed', '0123456789abcdef0123456789abcdef', $gone] as $id) {
    echo json_encode([
        frankenphp_ws_send($id, 'x'),
        frankenphp_ws_send($id, 'x', '/ws'),
        frankenphp_ws_sendBinary($id, 'x'),
        frankenphp_ws_killConnection($id),
        frankenphp_ws_subscribe($id, 'news'),
        frankenphp_ws_unsubscribe($id, 'news'),
        frankenphp_ws_getSubscriptions($id),
    ]), "\n";
}
// Nothing was created for them.
var_dump(frankenphp_ws_getChannels(), poll_event(0.2));
?>
--EXPECT--
[false,false,false,false,false,false,[]]
[false,false,false,false,false,false,[]]
[false,false,false,false,false,false,[]]
array(0) {
}
NULL
