--TEST--
With a small event_queue_size and a worker that does not poll, client reading pauses and no event is dropped
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['event_queue_size' => 16, 'message_rate' => 0]);
[$a, $openA] = ws_connect();
[$b, $openB] = ws_connect();
for ($i = 0; $i < 200; $i++) {
    $a->send("a$i");
    $b->sendBinary("b$i");
}
usleep(300000); // the worker is busy; the queue fills up
$a->close(1000);

$got = ['a' => [], 'b' => []];
$closed = false;
$deadline = microtime(true) + 8;
while (microtime(true) < $deadline && !(count($got['b']) === 200 && $closed)) {
    $e = next_event();
    if ($e['type'] === 'message') {
        $got[$e['payload'][0]][] = $e['payload'];
    } elseif ($e['type'] === 'close' && $e['connection'] === $openA['connection']) {
        $closed = true;
        echo 'a closed after its messages: ', var_export(count($got['a']) === 200, true), " code={$e['code']}\n";
    }
}
var_dump($got['a'] === array_map(fn($i) => "a$i", range(0, 199)));
var_dump($got['b'] === array_map(fn($i) => "b$i", range(0, 199)));
// Reading resumed: the connection still works.
$b->send('after');
echo wait_event('message')['payload'], "\n";
?>
--EXPECT--
a closed after its messages: true code=1000
bool(true)
bool(true)
after
