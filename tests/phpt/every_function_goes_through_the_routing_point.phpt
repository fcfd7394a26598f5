--TEST--
Every PHP function but start/stop/get_event and the pure Pusher helpers is one operation through the server's one routing point: calling each once here, then once from a process that hosts no server, counts each operation once, then twice, in GET /stats "ops" (by the function's short name) and in /metrics
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.pusher_app_id=1
frankenphp_ws.pusher_key=key
frankenphp_ws.pusher_secret=secret
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
// Not operations: start/stop/get_event host the server (HOSTILE_HOSTING), and the Pusher
// helpers (HOSTILE_PURE) are pure functions that compute a string and send nothing, so they
// never reach the routing point (checked below). hostile_call_each() leaves out the same.
[$functions] = hostile_functions([...HOSTILE_HOSTING, ...HOSTILE_PURE]);

$here = hostile_call_each();
echo "here: {$here['called']} functions called, failures: ", json_encode($here['failed']), "\n";
$report($ops(), 1, $functions);

$childIni = ['frankenphp_ws.admin_url' => "http://{$bound['admin']}"] + HOSTILE_PUSHER_INI;
$r = run_php("require '" . __DIR__ . "/hostile_arguments.inc';\necho json_encode(hostile_call_each());",
    $childIni, 20.0);
$there = json_decode($r['out'], true);
echo "child: {$there['called']} functions called, failures: ", json_encode($there['failed']), "\n";
$report($ops(), 2, $functions);

$metrics = admin_request('GET', '/metrics')['body'];
echo 'metrics: ', json_encode(str_contains($metrics, 'frankenphp_ws_ops_total{op="sendToTagExpression"} 2')
    && str_contains($metrics, 'frankenphp_ws_ops_total{op="trigger"} 2')), "\n";

// trigger() with a list of channels: one "trigger" operation per channel.
frankenphp_ws_trigger(['hostile-a', 'hostile-b', 'hostile-c'], 'hostile-event', 'payload');
echo 'trigger with 3 channels: ', $ops()['trigger'] - 2, " more trigger operations\n";

// The Pusher helpers, called with well-formed arguments here and in a process that hosts no
// server (with php.ini's Pusher app): each answers a string, and no operation is counted.
$pure = <<<'PHP'
    $out = [];
    foreach (HOSTILE_PURE as $f) {
        $out[] = "$f: " . hostile_outcome(static fn (string $f, array $args) => $f(...$args), $f,
            hostile_args(new ReflectionFunction($f), -1, null, hostile_valid()));
    }
    return $out;
    PHP;
$before = $ops();
echo 'pure here: ', implode('; ', eval($pure)), "\n";
$r = run_php("require '" . __DIR__ . "/hostile_arguments.inc';\necho json_encode((function () {\n$pure\n})());",
    $childIni, 20.0);
echo 'pure in the child: ', implode('; ', json_decode($r['out'], true) ?? [$r['out'] . $r['err']]), "\n";
$after = $ops();
echo 'operations counted by the pure helpers: ', $after === $before ? 'none' : json_encode(array_diff_assoc($after, $before)), "\n";
?>
--EXPECT--
here: 54 functions called, failures: []
54 operations counted, each 1 time(s): yes
child: 54 functions called, failures: []
54 operations counted, each 2 time(s): yes
metrics: true
trigger with 3 channels: 3 more trigger operations
pure here: frankenphp_ws_pusherAuthorizeChannel: string(127); frankenphp_ws_pusherSignRequest: string(135)
pure in the child: frankenphp_ws_pusherAuthorizeChannel: string(127); frankenphp_ws_pusherSignRequest: string(135)
operations counted by the pure helpers: none
