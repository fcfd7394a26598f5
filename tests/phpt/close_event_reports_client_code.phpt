--TEST--
A client close frame gives beforeClose then close with the client's code and reason client_closed; the close is echoed
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect('/ws/x');
$client->close(4001, 'going');
$echo = $client->expectClose();
echo "echoed code={$echo['code']} tcp closed=", var_export($echo['eof'], true), "\n";

$before = next_event();
$close = next_event();
foreach ([$before, $close] as $e) {
    echo ev($e), ' same connection=', var_export($e['connection'] === $open['connection'], true), "\n";
}
var_dump(array_keys($close));
var_dump(frankenphp_ws_getClientsCount());
?>
--EXPECT--
echoed code=4001 tcp closed=true
beforeClose route='/ws/x' code=4001 payload='client_closed' same connection=true
close route='/ws/x' code=4001 payload='client_closed' same connection=true
array(5) {
  [0]=>
  string(4) "type"
  [1]=>
  string(10) "connection"
  [2]=>
  string(5) "route"
  [3]=>
  string(7) "payload"
  [4]=>
  string(4) "code"
}
int(0)
