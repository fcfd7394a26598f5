--TEST--
When a connection closes, the worker gets beforeClose, then a leave for each channel it held (client's own and the worker's grants), then close
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
$client->send('{"action":"subscribe","channel":"news"}');
$client->expectJson();
frankenphp_ws_subscribe($id, 'sport');
echo ev(wait_event('join')), "\n", ev(wait_event('join')), "\n";
$client->close();
do {
    $e = poll_event(3.0) ?? exit("no event\n");
    echo $e['type'], isset($e['channel']) ? " {$e['channel']}" : '', isset($e['code']) ? " {$e['code']}" : '', "\n";
} while ($e['type'] !== 'close');
// The leaves are reported once: nothing follows close.
var_dump(poll_event(0.3));
?>
--EXPECTF--
join %s
join %s
beforeClose %d
leave news
leave sport
close %d
NULL
