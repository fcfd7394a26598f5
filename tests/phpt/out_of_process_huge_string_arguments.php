<?php
require __DIR__ . '/../lib/harness.php';
require __DIR__ . '/hostile_arguments.inc';

$bound = ws_start();

// Run here and in the child, with an id that names no connection. Every string parameter but
// the message bodies (out_of_process_hostile_arguments.phpt) gets 1 MiB; a few, one of each
// kind of argument the admin API carries (path target, query argument), get 16 MiB.
$sweeps = static function (Closure $invoke, array $functions): array {
    $mib = str_repeat('a', 1 << 20);
    $mib16 = str_repeat('b', 16 << 20);
    $notData = ['id', 'new_id', 'channel', 'tag', 'expression', 'key', 'value', 'route', 'user', 'status', 'reason', 'op', 'UNKNOWN'];
    $some = ['frankenphp_ws_send', 'frankenphp_ws_getUserConnections', 'frankenphp_ws_setStoredInformation', 'frankenphp_ws_global_set'];
    return [
        '1 MiB' => hostile_strings($invoke, $functions, hostile_valid(), ['1 MiB' => $mib], roles: $notData),
        '16 MiB' => hostile_strings($invoke, array_values(array_intersect($functions, $some)), hostile_valid(),
            ['16 MiB' => $mib16], roles: ['id', 'key', 'value', 'user']),
    ];
};
$rf = new ReflectionFunction($sweeps);
$source = implode('', array_slice(file(__FILE__), $rf->getStartLine() - 1, $rf->getEndLine() - $rf->getStartLine() + 1));
$source = rtrim(substr($source, strpos($source, 'static function')), ";\n");
$child = str_replace(['{INC}', '{SWEEPS}'], [__DIR__ . '/hostile_arguments.inc', $source], <<<'PHP'
    require '{INC}';
    $invoke = static fn (string $f, array $args) => $f(...$args);
    [$functions, $line] = hostile_functions();
    $start = microtime(true);
    $out = ['functions' => $line] + ({SWEEPS})($invoke, $functions);
    $out['seconds'] = microtime(true) - $start;
    echo json_encode($out);
    PHP);
$r = run_php($child, [
    'frankenphp_ws.admin_url' => "http://{$bound['admin']}",
    'frankenphp_ws.listen' => '127.0.0.1:0',
    'frankenphp_ws.admin_listen' => '',
], 30.0);
$theirs = json_decode($r['out'], true);
if (!is_array($theirs)) {
    echo "the child failed: status {$r['status']}\n", substr($r['out'], 0, 2000), substr($r['err'], 0, 2000), "\n";
    exit;
}
echo 'child: ', $theirs['functions'], "\n";
$ours = $sweeps(static fn (string $f, array $args) => $f(...$args), hostile_functions()[0]);
foreach ($ours as $sweep => $lines) {
    echo "== $sweep\n";
    foreach ($theirs[$sweep] as $i => $l) {
        // Expected: the hosting process's answer. A line that differs shows both.
        echo $l === ($lines[$i] ?? null) ? $l : "$l   <- in-process: " . ($lines[$i] ?? '(missing)'), "\n";
    }
}
echo 'child in bounded time: ', json_encode($theirs['seconds'] < 5.0), "\n";
?>
