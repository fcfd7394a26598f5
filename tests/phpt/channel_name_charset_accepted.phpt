--TEST--
Channel names of 1 to 200 bytes from A-Z a-z 0-9 _ - = @ , . ; : / are accepted by clients and by broadcast()
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$channels = ['x', 'AZaz09_-=@,.;:/', 'user:42/room@eu,1;x=y', str_repeat('L', 200)];
foreach ($channels as $channel) {
    $client->sendJson(['action' => 'subscribe', 'channel' => $channel]);
    $reply = $client->expectJson();
    echo $reply['event'], ' ', strlen($reply['channel']), ' ', var_export($reply['channel'] === $channel, true), "\n";
    wait_event('join');
}
foreach ($channels as $channel) {
    broadcast($channel, "to $channel");
    echo var_export($client->expectText() === "to $channel", true), "\n";
}
$got = frankenphp_ws_getChannels();
sort($got);
$want = $channels;
sort($want);
var_dump($got === $want);
?>
--EXPECT--
subscribed 1 true
subscribed 15 true
subscribed 21 true
subscribed 200 true
true
true
true
true
bool(true)
