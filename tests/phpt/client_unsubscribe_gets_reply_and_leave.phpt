--TEST--
A client's {"action":"unsubscribe"} gets {"event":"unsubscribed"}, a leave event, and no more broadcasts
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$client->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$client->expectJson();
wait_event('join');

$client->send('{"action":"unsubscribe","channel":"news"}');
echo $client->expectText(), "\n";
$leave = wait_event('leave');
var_dump(array_keys($leave));
echo ev($leave), ' same connection=', var_export($leave['connection'] === $open['connection'], true),
    ' user=', var_export($leave['user'], true), "\n";
echo json_encode(frankenphp_ws_getSubscriptions($open['connection'])), "\n";
echo json_encode(frankenphp_ws_getChannels()), "\n";
broadcast('news', 'not for you');
frankenphp_ws_send($open['connection'], 'direct');
echo $client->expectText(), "\n";
?>
--EXPECT--
{"event":"unsubscribed","channel":"news"}
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
leave route='/ws' channel='news' payload=NULL same connection=true user=NULL
[]
[]
direct
