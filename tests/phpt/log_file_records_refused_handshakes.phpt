--TEST--
log_file receives one warn line per refused handshake with the client and the reason; log_level=error leaves it out
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$log = tempnam(sys_get_temp_dir(), 'fpws-log');
ws_start(['log_level' => 'warn', 'log_file' => $log]);
$r = WsClient::handshake(ws_url('/ws'), ['Origin' => 'https://evil.example']);
echo "status: {$r['status']}\n";
$r = WsClient::handshake(ws_url('/ws'), []);
echo "no Origin: {$r['status']}\n";
frankenphp_ws_stop();
$lines = array_values(array_filter(file($log, FILE_IGNORE_NEW_LINES), fn($l) => str_contains($l, 'refused')));
echo count($lines), "\n", preg_replace('/^\S+\s+/', '', $lines[0]), "\n";

// A level above warn writes nothing for it (a fresh process: the destination is read once).
$quiet = tempnam(sys_get_temp_dir(), 'fpws-log');
$r = run_php(sprintf(<<<'PHP'
    require %s;
    ws_start(['log_level' => 'error', 'log_file' => %s]);
    echo WsClient::handshake(ws_url('/ws'), ['Origin' => 'https://evil.example'])['status'];
    PHP, var_export(__DIR__ . '/../lib/harness.php', true), var_export($quiet, true)));
echo $r['out'], ' ', filesize($quiet), "\n";
@unlink($log);
@unlink($quiet);
?>
--EXPECTF--
status: 403
no Origin: 101
1
WARN WebSocket handshake refused (403): Origin 'https://evil.example' is neither this server's own (http://127.0.0.1:%d) nor in allowed_origins client=127.0.0.1:%d path=/ws suppressed=0
403 0
