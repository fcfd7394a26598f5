--TEST--
frankenphp_ws_subscribe() grants a protected (private-*) channel from the worker side
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
var_dump(frankenphp_ws_subscribe($open['connection'], 'private-orders'));
echo ev(wait_event('join')), "\n";
var_dump(frankenphp_ws_getSubscriptions($open['connection']));
broadcast('private-orders', 'order #1');
// Skip a possible subscription notice; the broadcast must arrive.
do {
    $text = $client->expectText();
} while (str_contains($text, '"subscribed"'));
echo $text, "\n";
?>
--EXPECT--
bool(true)
join route='/ws' channel='private-orders' payload=NULL
array(1) {
  [0]=>
  string(14) "private-orders"
}
order #1
