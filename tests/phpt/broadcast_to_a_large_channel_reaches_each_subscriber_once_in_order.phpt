--TEST--
broadcast() to a channel of 40 subscribers (its broadcasts go through the channel's feed) reaches each once, in order, with direct sends in their place and nothing after an unsubscribe
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$clients = [];
for ($i = 0; $i < 40; $i++) {
    [$client, $open] = ws_connect('/ws');
    $client->sendJson(['action' => 'subscribe', 'channel' => 'big']);
    $client->expectJson();
    wait_event('join');
    $clients[] = [$client, $open['connection']];
}

// 200 broadcasts: over several of the feed's segments (64 frames each), with a frame too
// large for the feed (sent to each subscriber directly) and a binary one among them, and a
// direct send to client 5 after every 50th.
$expected = [];
for ($i = 0; $i < 200; $i++) {
    $message = $i === 100 ? str_repeat('L', 20000) : "m$i";
    broadcast('big', $message, $i === 150);
    $expected[] = $message;
    if ($i % 50 === 49) {
        frankenphp_ws_send($clients[5][1], "direct after m$i");
    }
}
$all = true;
foreach ($clients as $k => [$client]) {
    $want = $expected;
    if ($k === 5) {
        foreach ([199, 149, 99, 49] as $after) {
            array_splice($want, $after + 1, 0, ["direct after m$after"]);
        }
    }
    $got = [];
    foreach ($want as $_) {
        $m = $client->expectMessage(5.0);
        $got[] = $m['data'];
        if ($m['data'] === 'm150' && $m['type'] !== 'binary') {
            echo "client $k: m150 came as {$m['type']}\n";
        }
    }
    if ($got !== $want) {
        $all = false;
        $at = array_key_first(array_diff_assoc($got, $want));
        echo "client $k differs at $at: ", substr($got[$at], 0, 40), "\n";
    }
}
echo 'every subscriber got every message once, in order: ', var_export($all, true), "\n";

// A client that leaves gets nothing broadcast after its unsubscribe is answered.
[$leaver] = $clients[7];
$leaver->sendJson(['action' => 'unsubscribe', 'channel' => 'big']);
$leaver->expectJson();
wait_event('leave');
broadcast('big', 'after the leave');
echo 'leaver quiet: ', var_export($leaver->isQuiet(0.3), true), "\n";
echo 'client 8: ', $clients[8][0]->expectText(), "\n";
echo 'others quiet: ', var_export($clients[8][0]->isQuiet(0.2), true), "\n";
?>
--EXPECT--
every subscriber got every message once, in order: true
leaver quiet: true
client 8: after the leave
others quiet: true
