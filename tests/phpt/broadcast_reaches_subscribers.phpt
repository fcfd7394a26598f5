--TEST--
broadcast() delivers the message, byte for byte, to every subscriber of the channel and to no one else
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a] = ws_connect('/ws/one');
[$b] = ws_connect('/ws/two');
[$c] = ws_connect('/ws/one');
foreach ([[$a, 'news'], [$b, 'news'], [$c, 'sport']] as [$client, $channel]) {
    $client->sendJson(['action' => 'subscribe', 'channel' => $channel]);
    $client->expectJson();
    wait_event('join');
}

$message = '{"title":"Hello","body":"héllo ✓"}';
var_dump(broadcast('news', $message));
foreach (['a' => $a, 'b' => $b] as $name => $client) {
    $m = $client->expectMessage();
    echo "$name: {$m['type']} exact=", var_export($m['data'] === $message, true), "\n";
}
echo 'c (sport) quiet: ', var_export($c->isQuiet(0.3), true), "\n";

// A channel nobody listens to: no error, nobody gets anything.
broadcast('empty-channel', 'void');
broadcast('sport', 'goal');
echo 'c: ', $c->expectText(), "\n";
echo 'a quiet: ', var_export($a->isQuiet(0.2), true), ', b quiet: ', var_export($b->isQuiet(0.2), true), "\n";
// broadcast() emits no event.
var_dump(poll_event(0.2));
?>
--EXPECT--
NULL
a: text exact=true
b: text exact=true
c (sport) quiet: true
c: goal
a quiet: true, b quiet: true
NULL
