--TEST--
{"sender":"client","subscriptions":[...]} sets the connection's subscriptions to exactly that list
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];

function replies(WsClient $client, int $n): array
{
    $r = [];
    for ($i = 0; $i < $n; $i++) {
        $m = $client->expectJson();
        $r[] = $m['event'] . ':' . $m['channel'];
    }
    sort($r);
    return $r;
}
function events(int $n): array
{
    $r = [];
    for ($i = 0; $i < $n; $i++) {
        $e = next_event();
        $r[] = $e['type'] . ':' . $e['channel'];
    }
    sort($r);
    return $r;
}
function subs(string $id): array
{
    $s = frankenphp_ws_getSubscriptions($id);
    sort($s);
    return $s;
}

$client->send('{"sender":"client","subscriptions":["a","b"]}');
echo json_encode(replies($client, 2)), ' ', json_encode(events(2)), ' ', json_encode(subs($id)), "\n";

$client->send('{"sender":"client","subscriptions":["b","c"]}');
echo json_encode(replies($client, 2)), ' ', json_encode(events(2)), ' ', json_encode(subs($id)), "\n";

$client->send('{"sender":"client","subscriptions":[]}');
echo json_encode(replies($client, 2)), ' ', json_encode(events(2)), ' ', json_encode(subs($id)), "\n";

// Nothing else was sent or emitted.
var_dump($client->isQuiet(0.3), poll_event(0.2));
?>
--EXPECT--
["subscribed:a","subscribed:b"] ["join:a","join:b"] ["a","b"]
["subscribed:c","unsubscribed:a"] ["join:c","leave:a"] ["b","c"]
["unsubscribed:b","unsubscribed:c"] ["leave:b","leave:c"] []
bool(true)
NULL
