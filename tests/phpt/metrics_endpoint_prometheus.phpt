--TEST--
GET /metrics gives Prometheus text: HELP/TYPE lines and a connections gauge that follows the traffic
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function metrics(): array
{
    $r = admin_request('GET', '/metrics');
    $values = [];
    $bad = 0;
    foreach (explode("\n", trim($r['body'])) as $line) {
        if ($line === '' || $line[0] === '#') {
            continue;
        }
        if (!preg_match('/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.eE+]+|NaN|[+-]Inf)$/', $line, $m)) {
            $bad++;
            continue;
        }
        $values[$m[1] . ($m[2] ?? '')] = $m[3];
    }
    return [$r, $values, $bad];
}

ws_start();
[$r, $values, $bad] = metrics();
echo "status {$r['status']} text/plain=", var_export(str_starts_with($r['headers']['content-type'] ?? '', 'text/plain'), true), "\n";
echo 'HELP and TYPE lines: ', var_export(str_contains($r['body'], '# HELP ') && str_contains($r['body'], '# TYPE '), true), "\n";
echo "malformed lines: $bad\n";
$gauge = array_key_first(array_filter($values, fn($k) => preg_match('/^frankenphp_ws_connections$/', $k), ARRAY_FILTER_USE_KEY));
echo "gauge: $gauge = {$values[$gauge]}\n";
[$a] = ws_connect();
[$b] = ws_connect();
[, $values] = metrics();
echo "gauge: $gauge = {$values[$gauge]}\n";
?>
--EXPECT--
status 200 text/plain=true
HELP and TYPE lines: true
malformed lines: 0
gauge: frankenphp_ws_connections = 0
gauge: frankenphp_ws_connections = 2
