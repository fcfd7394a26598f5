--TEST--
Every PHP function but start/stop/get_event is one operation through the server's one routing point: calling each once here, then once from a process that hosts no server, counts each operation once, then twice, in GET /stats "ops" (by the function's short name) and in /metrics
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';
require __DIR__ . '/hostile_arguments.inc';

$bound = ws_start();
[$client, $open] = ws_connect();

$ops = function () {
    $stats = json_decode(admin_request('GET', '/stats')['body'], true);
    return $stats['ops'] ?? [];
};
$report = function (array $ops, int $times, array $functions) {
    $wrong = [];
    foreach ($functions as $f) {
        $name = preg_replace('/^frankenphp_ws_/', '', $f);
        if (($ops[$name] ?? 0) !== $times) {
            $wrong[] = "$name=" . ($ops[$name] ?? 0);
        }
    }
    echo count($ops), " operations counted, each $times time(s): ", $wrong ? 'no: ' . implode(', ', $wrong) : 'yes', "\n";
};
[$functions] = hostile_functions(HOSTILE_HOSTING);

$here = hostile_call_each();
echo "here: {$here['called']} functions called, failures: ", json_encode($here['failed']), "\n";
$report($ops(), 1, $functions);

$r = run_php("require '" . __DIR__ . "/hostile_arguments.inc';\necho json_encode(hostile_call_each());",
    ['frankenphp_ws.admin_url' => "http://{$bound['admin']}"], 20.0);
$there = json_decode($r['out'], true);
echo "child: {$there['called']} functions called, failures: ", json_encode($there['failed']), "\n";
$report($ops(), 2, $functions);

$metrics = admin_request('GET', '/metrics')['body'];
echo 'metrics: ', json_encode(str_contains($metrics, 'frankenphp_ws_ops_total{op="sendToTagExpression"} 2')), "\n";
?>
--EXPECT--
here: 52 functions called, failures: []
52 operations counted, each 1 time(s): yes
child: 52 functions called, failures: []
52 operations counted, each 2 time(s): yes
metrics: true
