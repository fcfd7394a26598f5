--TEST--
A route argument that is not a path throws InvalidArgumentException (send, sendAll, getClients, getClientsCount)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
foreach (['relative', 'ws/chat', ''] as $route) {
    foreach ([
        'send' => fn() => frankenphp_ws_send($id, 'x', $route),
        'sendAll' => fn() => frankenphp_ws_sendAll('x', $route),
        'getClients' => fn() => frankenphp_ws_getClients($route),
        'getClientsCount' => fn() => frankenphp_ws_getClientsCount($route),
    ] as $name => $call) {
        try {
            $call();
            echo "$name(", json_encode($route), "): no exception\n";
        } catch (InvalidArgumentException $e) {
            echo "$name(", json_encode($route), "): InvalidArgumentException\n";
        }
    }
}
// null means "every route".
var_dump(frankenphp_ws_getClientsCount(null), frankenphp_ws_sendAll('all', null), $client->expectText());
var_dump($client->isQuiet(0.2));
?>
--EXPECT--
send("relative"): InvalidArgumentException
sendAll("relative"): InvalidArgumentException
getClients("relative"): InvalidArgumentException
getClientsCount("relative"): InvalidArgumentException
send("ws\/chat"): InvalidArgumentException
sendAll("ws\/chat"): InvalidArgumentException
getClients("ws\/chat"): InvalidArgumentException
getClientsCount("ws\/chat"): InvalidArgumentException
send(""): InvalidArgumentException
sendAll(""): InvalidArgumentException
getClients(""): InvalidArgumentException
getClientsCount(""): InvalidArgumentException
int(1)
int(1)
string(3) "all"
bool(true)
