--TEST--
broadcast(), frankenphp_ws_subscribe() and unsubscribe() throw InvalidArgumentException for an empty, too long or badly spelled channel
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
$bad = ['', str_repeat('a', 201), 'has space', 'star*', "caf\u{e9}", "nul\x00byte", "new\nline", 'a#b', 'q?x', 'tab	x'];
foreach ([
    'broadcast' => fn($c) => broadcast($c, 'x'),
    'subscribe' => fn($c) => frankenphp_ws_subscribe($id, $c),
    'unsubscribe' => fn($c) => frankenphp_ws_unsubscribe($id, $c),
    'subscribe unknown id' => fn($c) => frankenphp_ws_subscribe('unknown', $c),
] as $name => $call) {
    $thrown = 0;
    foreach ($bad as $channel) {
        try {
            $call($channel);
            echo "$name(", json_encode($channel), "): no exception\n";
        } catch (InvalidArgumentException $e) {
            $thrown++;
        }
    }
    echo "$name: $thrown/", count($bad), " threw InvalidArgumentException\n";
}
// Nothing was subscribed or sent.
var_dump(frankenphp_ws_getSubscriptions($id), $client->isQuiet(0.2), poll_event(0.1));
?>
--EXPECT--
broadcast: 10/10 threw InvalidArgumentException
subscribe: 10/10 threw InvalidArgumentException
unsubscribe: 10/10 threw InvalidArgumentException
subscribe unknown id: 10/10 threw InvalidArgumentException
array(0) {
}
bool(true)
NULL
