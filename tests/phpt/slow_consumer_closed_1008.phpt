--TEST--
A client that does not read is closed with 1008 (slow_consumer) once more than send_buffer bytes are queued; a reading client is not
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start(['send_buffer' => 65536]);
[$slow, $openSlow] = ws_connect('/ws/slow');
[$fast, $openFast] = ws_connect('/ws/fast');
$chunk = str_repeat('x', 4096);

// Send to both; the fast client reads each message, the slow one never reads. Bounded: 64 MiB
// or 10 s, far beyond what the kernel's socket buffers can absorb.
$sent = 0;
$closed = null;
$fastOk = true;
$deadline = microtime(true) + 10;
while ($sent < 16384 && microtime(true) < $deadline) {
    $okSlow = frankenphp_ws_send($openSlow['connection'], $chunk);
    $fastOk = $fastOk && frankenphp_ws_send($openFast['connection'], $chunk) && $fast->expectText() === $chunk;
    $sent++;
    if (!$okSlow || ($closed = poll_event(0)) !== null) {
        break;
    }
}
echo 'more than send_buffer sent: ', var_export($sent * 4096 > 65536, true), "\n";
var_dump(frankenphp_ws_send($openSlow['connection'], 'x'));

// The slow client, reading at last (within the server's close grace), finds its data then a
// 1008 close.
$close = $slow->expectClose(5);
echo "slow client: code={$close['code']} reason={$close['reason']}\n";

if ($closed === null) {
    $closed = next_event();
}
echo ev($closed), ' slow=', var_export($closed['connection'] === $openSlow['connection'], true), "\n";
echo ev(next_event()), "\n";

// The fast client was never affected.
var_dump($fastOk, frankenphp_ws_getClients() === [$openFast['connection']]);
var_dump(frankenphp_ws_send($openFast['connection'], 'still fine'));
echo $fast->expectText(), "\n";
?>
--EXPECT--
more than send_buffer sent: true
bool(false)
slow client: code=1008 reason=slow_consumer
beforeClose route='/ws/slow' code=1008 payload='slow_consumer' slow=true
close route='/ws/slow' code=1008 payload='slow_consumer'
bool(true)
bool(true)
bool(true)
still fine
