--TEST--
frankenphp_ws_subscribe() / unsubscribe() change a connection's channels, emit join / leave, and report whether anything changed
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];

var_dump(frankenphp_ws_subscribe($id, 'news'));
echo ev(wait_event('join')), "\n";
var_dump(frankenphp_ws_subscribe($id, 'sport'));
echo ev(wait_event('join')), "\n";
$subs = frankenphp_ws_getSubscriptions($id);
sort($subs);
echo json_encode($subs), "\n";

broadcast('news', 'n1');
broadcast('sport', 's1');
$got = [];
while (count($got) < 2) {
    $text = $client->expectText();
    if (!str_contains($text, '"subscribed"')) { // tolerate a subscription notice
        $got[] = $text;
    }
}
echo implode(',', $got), "\n";

var_dump(frankenphp_ws_unsubscribe($id, 'news'));
echo ev(wait_event('leave')), "\n";
var_dump(frankenphp_ws_unsubscribe($id, 'news'));
var_dump(frankenphp_ws_unsubscribe($id, 'never'));
echo json_encode(frankenphp_ws_getSubscriptions($id)), "\n";
broadcast('news', 'n2');
broadcast('sport', 's2');
do {
    $text = $client->expectText();
} while (str_contains($text, '"unsubscribed"'));
echo $text, "\n";
// No leave for the refused unsubscribes.
var_dump(poll_event(0.2));
?>
--EXPECT--
bool(true)
join route='/ws' channel='news' payload=NULL
bool(true)
join route='/ws' channel='sport' payload=NULL
["news","sport"]
n1,s1
bool(true)
leave route='/ws' channel='news' payload=NULL
bool(false)
bool(false)
["sport"]
s2
NULL
