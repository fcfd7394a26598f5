<?php
// Helpers for the phpt suite: start a server on free ports, wait for events with a bound,
// connect clients, call the admin API, run PHP snippets in a separate process.
//
// Every wait is bounded (a few seconds): a missing event or message fails loudly (an uncaught
// exception, which no --EXPECT-- section matches) instead of hanging.

declare(strict_types=1);

require_once __DIR__ . '/WsClient.php';

/** The extension's shared object: $FRANKENPHP_WS_SO (set by the Makefile) or the release build. */
function ws_so(): string
{
    $env = getenv('FRANKENPHP_WS_SO');
    if ($env !== false && $env !== '' && is_file($env)) {
        return realpath($env);
    }
    $path = __DIR__ . '/../../target/release/libfrankenphp_ws.so';
    if (!is_file($path)) {
        throw new RuntimeException("no extension at $path (set FRANKENPHP_WS_SO)");
    }
    return realpath($path);
}

function ws_fail(string $message): never
{
    throw new RuntimeException("FAIL: $message");
}

/**
 * Starts the server on free loopback ports (WebSocket and admin); $options override.
 * Returns frankenphp_ws_start()'s answer, also kept for ws_url() / ws_admin().
 */
function ws_start(array $options = []): array
{
    $bound = frankenphp_ws_start($options + [
        'listen' => '127.0.0.1:0',
        'admin_listen' => '127.0.0.1:0',
        // Server logs go to stderr, which phpt compares with the expected output.
        'log_level' => 'off',
    ]);
    $GLOBALS['__ws_bound'] = $bound;
    $GLOBALS['__ws_options'] = $options;
    return $bound;
}

function ws_url(string $path = '/ws'): string
{
    return 'ws://' . $GLOBALS['__ws_bound']['listen'] . $path;
}

function ws_admin(): string
{
    $admin = $GLOBALS['__ws_bound']['admin'] ?? null;
    if ($admin === null) {
        ws_fail('the admin API is not listening');
    }
    return $admin;
}

/** Events read by wait_event() while looking for another type, in order. */
$GLOBALS['__ws_skipped'] = [];

/** The next event, whatever its type; fails if none arrives within $timeout seconds. */
function next_event(float $timeout = 3.0): array
{
    $e = poll_event($timeout);
    if ($e === null) {
        ws_fail("no event within {$timeout}s");
    }
    return $e;
}

/** The next event or null if none within $timeout (never waits longer). */
function poll_event(float $timeout = 0.3): ?array
{
    $deadline = microtime(true) + $timeout;
    do {
        $left = max(0.0, $deadline - microtime(true));
        $e = frankenphp_ws_get_event(min($left, 0.25));
        if ($e !== null) {
            if (!is_array($e)) {
                ws_fail('get_event returned ' . var_export($e, true));
            }
            return $e;
        }
    } while (microtime(true) < $deadline);
    return null;
}

/**
 * The first event of $type (and of $connection, when given) within $timeout seconds; events
 * read meanwhile are kept in $GLOBALS['__ws_skipped']. Fails loudly on timeout, listing them.
 */
function wait_event(string $type, float $timeout = 3.0, ?string $connection = null): array
{
    $deadline = microtime(true) + $timeout;
    $seen = [];
    while (microtime(true) < $deadline) {
        $e = poll_event(max(0.0, $deadline - microtime(true)));
        if ($e === null) {
            break;
        }
        if ($e['type'] === $type && ($connection === null || $e['connection'] === $connection)) {
            return $e;
        }
        $seen[] = $e['type'];
        $GLOBALS['__ws_skipped'][] = $e;
    }
    ws_fail("no '$type' event within {$timeout}s" . ($connection !== null ? " for $connection" : '')
        . ' (saw: ' . (implode(', ', $seen) ?: 'nothing') . ')');
}

/** All events arriving within $timeout seconds (stops early after $max events). */
function drain_events(float $timeout = 0.3, int $max = PHP_INT_MAX): array
{
    $events = [];
    $deadline = microtime(true) + $timeout;
    while (count($events) < $max && ($e = poll_event(max(0.0, $deadline - microtime(true)))) !== null) {
        $events[] = $e;
    }
    return $events;
}

/**
 * Connects a client to $path (default /ws, optional ?query in it) and waits for its 'open'
 * event. Returns [WsClient, open event].
 */
function ws_connect(string $path = '/ws', array $headers = []): array
{
    $client = WsClient::connect(ws_url($path), $headers);
    $open = wait_event('open');
    return [$client, $open];
}

/** A compact one-line description of an event, for --EXPECT-- sections. */
function ev(array $e): string
{
    $s = $e['type'] . ' route=' . var_export($e['route'], true);
    foreach (['channel', 'code', 'binary'] as $k) {
        if (array_key_exists($k, $e)) {
            $s .= " $k=" . var_export($e[$k], true);
        }
    }
    return $s . ' payload=' . var_export($e['payload'], true);
}

/**
 * An HTTP request to the admin API: ['status' => int, 'headers' => array, 'body' => string,
 * 'json' => mixed]. $token adds "Authorization: Bearer $token".
 */
function admin_request(string $method, string $path, ?string $body = null, ?string $token = null, ?string $admin = null): array
{
    $admin ??= ws_admin();
    $lines = ["$method $path HTTP/1.1", "Host: $admin", 'Connection: close', 'Accept: */*'];
    if ($token !== null) {
        $lines[] = "Authorization: Bearer $token";
    }
    if ($body !== null || $method === 'POST') {
        $lines[] = 'Content-Length: ' . strlen((string) $body);
        $lines[] = 'Content-Type: application/octet-stream';
    }
    $r = WsClient::httpRequest($admin, implode("\r\n", $lines) . "\r\n\r\n" . $body);
    $r['json'] = json_decode($r['body'], true);
    return $r;
}

/**
 * The command line that runs $code (a snippet, `<?php` optional) in a separate PHP process
 * with the extension loaded, no php.ini and the given INI settings; and the script's path.
 */
function php_command(string $code, array $ini): array
{
    if (!str_starts_with(ltrim($code), '<?php')) {
        $code = "<?php\n" . $code;
    }
    $file = tempnam(sys_get_temp_dir(), 'fws') . '.php';
    file_put_contents($file, $code);
    $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . ws_so(), '-d', 'display_errors=stderr'];
    foreach ($ini as $name => $value) {
        $cmd[] = '-d';
        $cmd[] = "$name=$value";
    }
    $cmd[] = $file;
    return [$cmd, $file];
}

/**
 * Runs a PHP snippet in a separate PHP process with the extension loaded (and no php.ini) and
 * the given INI settings. Returns ['out' => stdout, 'err' => stderr, 'status' => exit code];
 * the process is killed after $timeout seconds (status -1 then).
 */
function run_php(string $code, array $ini = [], float $timeout = 10.0): array
{
    [$cmd, $file] = php_command($code, $ini);
    $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    if (!is_resource($proc)) {
        ws_fail('cannot start ' . PHP_BINARY);
    }
    fclose($pipes[0]);
    stream_set_blocking($pipes[1], false);
    stream_set_blocking($pipes[2], false);
    $out = $err = '';
    $deadline = microtime(true) + $timeout;
    $status = -1;
    while (true) {
        $r = [$pipes[1], $pipes[2]];
        $w = $e = null;
        if (@stream_select($r, $w, $e, 0, 50000)) {
            $out .= (string) fread($pipes[1], 1 << 16);
            $err .= (string) fread($pipes[2], 1 << 16);
        }
        $st = proc_get_status($proc);
        if (!$st['running']) {
            $status = $st['exitcode'];
            $out .= (string) stream_get_contents($pipes[1]);
            $err .= (string) stream_get_contents($pipes[2]);
            break;
        }
        if (microtime(true) > $deadline) {
            proc_terminate($proc, 9);
            $err .= "\n[killed after {$timeout}s]";
            break;
        }
    }
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($proc);
    @unlink($file);
    @unlink(substr($file, 0, -4));
    return ['out' => $out, 'err' => $err, 'status' => $status];
}

/**
 * Starts a PHP snippet in a separate process (extension loaded, no php.ini, given INI) and
 * returns it running: ['proc' => resource, 'stdout' => pipe, 'stdin' => pipe, 'file' => path].
 * Read its output with read_line(); end it with end_php().
 */
function spawn_php(string $code, array $ini = []): array
{
    [$cmd, $file] = php_command($code, $ini);
    $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $pipes);
    if (!is_resource($proc)) {
        ws_fail('cannot start ' . PHP_BINARY);
    }
    stream_set_blocking($pipes[1], false);
    return ['proc' => $proc, 'stdin' => $pipes[0], 'stdout' => $pipes[1], 'file' => $file, 'buf' => ''];
}

/** The next line (without "\n") the spawned process prints; fails after $timeout seconds. */
function read_line(array &$child, float $timeout = 5.0): string
{
    $deadline = microtime(true) + $timeout;
    while (($pos = strpos($child['buf'], "\n")) === false) {
        $left = $deadline - microtime(true);
        if ($left <= 0) {
            ws_fail("the child printed no line within {$timeout}s (so far: {$child['buf']})");
        }
        $r = [$child['stdout']];
        $w = $e = null;
        if (@stream_select($r, $w, $e, 0, (int) min(200000, $left * 1e6)) > 0) {
            $chunk = fread($child['stdout'], 1 << 16);
            if ($chunk === '' && feof($child['stdout'])) {
                ws_fail("the child exited without printing a line (so far: {$child['buf']})");
            }
            $child['buf'] .= $chunk;
        }
    }
    $line = substr($child['buf'], 0, $pos);
    $child['buf'] = substr($child['buf'], $pos + 1);
    return $line;
}

/** Waits (at most $timeout s, then kills it) for the spawned process; returns its exit code. */
function end_php(array &$child, float $timeout = 5.0): int
{
    $deadline = microtime(true) + $timeout;
    if (is_resource($child['stdin'])) {
        fclose($child['stdin']);
    }
    while (($st = proc_get_status($child['proc']))['running']) {
        if (microtime(true) > $deadline) {
            proc_terminate($child['proc'], 9);
            proc_close($child['proc']);
            @unlink($child['file']);
            ws_fail("the child did not exit within {$timeout}s");
        }
        usleep(20000);
    }
    fclose($child['stdout']);
    proc_close($child['proc']);
    @unlink($child['file']);
    @unlink(substr($child['file'], 0, -4));
    return $st['exitcode'];
}

/** A loopback TCP port with nobody listening on it (bound, then released). */
function free_port(): int
{
    $s = stream_socket_server('tcp://127.0.0.1:0');
    $name = stream_socket_get_name($s, false);
    fclose($s);
    return (int) substr($name, strrpos($name, ':') + 1);
}
