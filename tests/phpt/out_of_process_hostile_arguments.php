<?php
require __DIR__ . '/../lib/harness.php';
require __DIR__ . '/hostile_arguments.inc';

$bound = ws_start();
$huge = ['1 MiB' => str_repeat('a', 1 << 20), '16 MiB' => str_repeat('b', 16 << 20)];

// The sweeps, run here (in-process) and in the child (through the admin API), with an id that
// names no connection: nothing is delivered, so both runs meet the same state. A route with a
// NUL byte is not a path: InvalidArgumentException, here, there and with no server reachable
// (the message naming it must not turn it into a plain Error).
$sweeps = static function (Closure $invoke, array $functions, array $huge): array {
    $valid = hostile_valid();
    return [
        'wrong types' => hostile_wrong_types($invoke, $functions, $valid),
        'empty strings' => hostile_strings($invoke, $functions, $valid, ['' => '']),
        'non-UTF-8' => hostile_strings($invoke, $functions, $valid, hostile_non_utf8()),
        // Messages travel in the request body (ids and keys in the URL: see
        // out_of_process_huge_string_arguments.phpt).
        'huge messages' => hostile_strings($invoke, $functions, $valid, $huge, roles: ['data']),
    ];
};
$child = <<<'PHP'
    require '{INC}';
    $invoke = static fn (string $f, array $args) => $f(...$args);
    [$functions, $line] = hostile_functions();
    $huge = ['1 MiB' => str_repeat('a', 1 << 20), '16 MiB' => str_repeat('b', 16 << 20)];
    $sweeps = {SWEEPS};
    $out = ['functions' => $line] + $sweeps($invoke, $functions, $huge);
    // Read by the hosting process: proof that these calls went there.
    frankenphp_ws_global_set('out-of-process-marker', 'from the child');
    echo json_encode($out);
    PHP;
// The closure's source, so both processes run the very same sweeps.
$rf = new ReflectionFunction($sweeps);
$source = implode('', array_slice(file(__FILE__), $rf->getStartLine() - 1, $rf->getEndLine() - $rf->getStartLine() + 1));
$source = rtrim(substr($source, strpos($source, 'static function')), ";\n");
$child = str_replace(['{INC}', '{SWEEPS}'], [__DIR__ . '/hostile_arguments.inc', $source], $child);
$ini = [
    'frankenphp_ws.admin_url' => "http://{$bound['admin']}",
    // Were a call to start a server in the child by mistake, it would bind nothing that matters.
    'frankenphp_ws.listen' => '127.0.0.1:0',
    'frankenphp_ws.admin_listen' => '',
];
$r = run_php($child, $ini, 30.0);
$theirs = json_decode($r['out'], true);
if (!is_array($theirs)) {
    echo "the child failed: status {$r['status']}\n", substr($r['out'], 0, 2000), substr($r['err'], 0, 2000), "\n";
    exit;
}
echo 'child: ', $theirs['functions'], "\n";
echo 'calls reached the hosting process: ', json_encode(frankenphp_ws_global_get('out-of-process-marker') === 'from the child'), "\n";

$invoke = static fn (string $f, array $args) => $f(...$args);
[$functions] = hostile_functions();
$ours = $sweeps($invoke, $functions, $huge);
foreach ($ours as $sweep => $lines) {
    echo "== $sweep\n";
    foreach ($theirs[$sweep] as $i => $l) {
        // A line that differs from the hosting process's shows that one too.
        echo $l, $l === ($lines[$i] ?? null) ? '' : '   <- in-process: ' . ($lines[$i] ?? '(missing)'), "\n";
    }
    if (count($lines) !== count($theirs[$sweep])) {
        echo 'line counts differ: in-process ', count($lines), ', child ', count($theirs[$sweep]), "\n";
    }
}

// strict_types=1 in the child: still typed errors, as in-process.
$strict = run_php("<?php declare(strict_types=1);\n" . str_replace('{INC}', __DIR__ . '/hostile_arguments.inc', <<<'PHP'
    require '{INC}';
    $invoke = static fn (string $f, array $args) => $f(...$args);
    [$functions] = hostile_functions();
    echo 'strlen(42) through $invoke: ', hostile_outcome($invoke, 'strlen', [42]), "\n";
    echo json_encode(hostile_wrong_types($invoke, $functions, hostile_valid()));
    PHP), $ini, 30.0);
[$mode, $strict['out']] = explode("\n", $strict['out'], 2) + [1 => ''];
echo "== child in strict mode ($mode)\n";
$strictLines = json_decode($strict['out'], true);
echo '== wrong types, strict_types=1 in the child: ',
    $strictLines === $ours['wrong types'] ? 'same as in-process' : 'DIFFERENT: ' . substr($strict['out'] . $strict['err'], 0, 2000), "\n";

// A server that cannot be reached: malformed arguments still throw InvalidArgumentException
// (checked before anything is sent), well-formed ones ServerUnreachableException.
$unreachable = run_php(str_replace('{INC}', __DIR__ . '/hostile_arguments.inc', <<<'PHP'
    require '{INC}';
    $invoke = static fn (string $f, array $args) => $f(...$args);
    [$functions] = hostile_functions();
    $lines = array_merge(
        hostile_strings($invoke, $functions, hostile_valid(), ['' => '']),
        hostile_strings($invoke, $functions, hostile_valid(), hostile_non_utf8()),
    );
    $seen = [];
    foreach ($lines as $l) {
        if (str_ends_with($l, ': no string parameter')) {
            continue;
        }
        $outcomes = preg_match('/^[^:]+\): (.*)$/', $l, $m) ? preg_split('/, /', $m[1]) : [$l];
        foreach ($outcomes as $o) {
            $o = preg_replace('/^.* → /', '', $o);
            if (!in_array($o, ['InvalidArgumentException', 'TypeError', 'FrankenPhpWs\ServerUnreachableException'], true)) {
                echo "unexpected: $l\n";
                break;
            }
            $seen[$o] = true;
        }
    }
    ksort($seen);
    echo 'outcomes: ', implode(', ', array_keys($seen)), "\n";
    PHP), ['frankenphp_ws.admin_url' => 'http://127.0.0.1:' . free_port()] + $ini, 30.0);
echo "== unreachable server, empty strings and non-UTF-8:\n", $unreachable['out'], $unreachable['err'];
?>
