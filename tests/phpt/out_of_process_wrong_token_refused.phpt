--TEST--
An out-of-process call with a missing or wrong admin_token is refused with an exception and has no effect
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start(['admin_token' => 's3cret']);
[$client, $open] = ws_connect();
$client->sendJson(['action' => 'subscribe', 'channel' => 'news']);
$client->expectJson();
wait_event('join');

$code = <<<'PHP'
    try {
        broadcast('news', 'should not arrive');
        echo "no exception\n";
    } catch (RuntimeException $e) {
        echo "refused\n";
    }
    PHP;
foreach (['', 'wrong'] as $token) {
    $r = run_php($code, ['frankenphp_ws.admin_url' => "http://{$bound['admin']}", 'frankenphp_ws.admin_token' => $token]);
    echo $r['out'], $r['err'];
}
var_dump($client->isQuiet(0.3));
?>
--EXPECT--
refused
refused
bool(true)
