--TEST--
A client's {"action":"subscribe"} gets {"event":"subscribed"}, a join event, and the connection then receives broadcasts
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect('/ws/app');
$client->send('{"action":"subscribe","channel":"news"}');
echo $client->expectText(), "\n";
$join = wait_event('join');
var_dump(array_keys($join));
echo ev($join), ' same connection=', var_export($join['connection'] === $open['connection'], true),
    ' user=', var_export($join['user'], true), "\n";
echo json_encode(frankenphp_ws_getSubscriptions($open['connection'])), "\n";
echo json_encode(frankenphp_ws_getChannels()), "\n";
broadcast('news', 'breaking');
echo $client->expectText(), "\n";
// The control message itself is not a message event.
var_dump(poll_event(0.3));
?>
--EXPECT--
{"event":"subscribed","channel":"news"}
array(6) {
  [0]=>
  string(4) "type"
  [1]=>
  string(10) "connection"
  [2]=>
  string(5) "route"
  [3]=>
  string(7) "payload"
  [4]=>
  string(7) "channel"
  [5]=>
  string(4) "user"
}
join route='/ws/app' channel='news' payload=NULL same connection=true user=NULL
["news"]
["news"]
breaking
NULL
