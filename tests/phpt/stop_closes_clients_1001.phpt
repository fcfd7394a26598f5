--TEST--
frankenphp_ws_stop() flushes queued messages, closes every client with 1001 (server_shutdown), stops listening, within a bounded time
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start();
[$a, $openA] = ws_connect('/ws');
[$b] = ws_connect('/ws/other');
$b->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$b->expectJson();
wait_event('join');

// Queued right before stop(): must be delivered (flushed) before the close frame.
for ($i = 0; $i < 20; $i++) {
    frankenphp_ws_send($openA['connection'], "direct $i");
    broadcast('news', "news $i");
}

$t = microtime(true);
frankenphp_ws_stop();
$took = microtime(true) - $t;
echo 'stop bounded: ', var_export($took < 5.0, true), "\n";

foreach ([$a, $b] as $client) {
    $close = $client->expectClose(3);
    $data = array_column($client->skipped, 'data');
    echo 'before close: ', count($data), ' ', $data[0] ?? '-', '..', end($data) ?: '-',
        " code={$close['code']} reason={$close['reason']} tcp closed=", var_export($close['eof'], true), "\n";
}

// Nothing listens any more.
$s = @stream_socket_client('tcp://' . $bound['listen'], $errno, $errstr, 1);
echo 'ws listener gone: ', var_export($s === false, true), "\n";
$s = @stream_socket_client('tcp://' . $bound['admin'], $errno, $errstr, 1);
echo 'admin listener gone: ', var_export($s === false, true), "\n";
?>
--EXPECT--
stop bounded: true
before close: 20 direct 0..direct 19 code=1001 reason=server_shutdown tcp closed=true
before close: 20 news 0..news 19 code=1001 reason=server_shutdown tcp closed=true
ws listener gone: true
admin listener gone: true
