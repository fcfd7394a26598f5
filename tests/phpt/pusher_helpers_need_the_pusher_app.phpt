--TEST--
The Pusher helpers throw RuntimeException naming the settings to make when the Pusher protocol is off
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
foreach ([
    'authorize' => fn() => frankenphp_ws_pusherAuthorizeChannel('1.2', 'private-a'),
    'sign' => fn() => frankenphp_ws_pusherSignRequest('POST', '/apps/1/events', '{}'),
] as $name => $call) {
    try {
        $call();
        echo "$name: no exception\n";
    } catch (RuntimeException $e) {
        echo "$name: ", $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
authorize: the Pusher protocol is off: set frankenphp_ws.pusher_app_id, pusher_key and pusher_secret
sign: the Pusher protocol is off: set frankenphp_ws.pusher_app_id, pusher_key and pusher_secret
