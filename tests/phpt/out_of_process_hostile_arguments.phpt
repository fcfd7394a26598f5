--TEST--
In a process that hosts no server, every registered function given wrong types, empty strings, non-UTF-8 bytes and huge messages fails (or answers) exactly as in the hosting process: typed errors, InvalidArgumentException, false / [] / 0, never a crash
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
        // Huge ids, keys and users: out_of_process_huge_string_arguments.phpt.
        'huge messages' => hostile_strings($invoke, $functions, $valid, $huge, roles: ['data']),
    ];
};
$child = <<<'PHP'
    require '{INC}';
    $invoke = static fn (string $f, array $args) => $f(...$args);
    [$functions, $line] = hostile_functions(HOSTILE_HOSTING);
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
    // The Pusher app of this process's --INI--: the pure Pusher helpers answer the same there.
] + HOSTILE_PUSHER_INI;
$r = run_php($child, $ini, 30.0);
$theirs = json_decode($r['out'], true);
if (!is_array($theirs)) {
    echo "the child failed: status {$r['status']}\n", substr($r['out'], 0, 2000), substr($r['err'], 0, 2000), "\n";
    exit;
}
echo 'child: ', $theirs['functions'], "\n";
echo 'calls reached the hosting process: ', json_encode(frankenphp_ws_global_get('out-of-process-marker') === 'from the child'), "\n";

$invoke = static fn (string $f, array $args) => $f(...$args);
[$functions] = hostile_functions(HOSTILE_HOSTING);
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
    [$functions] = hostile_functions(HOSTILE_HOSTING);
    echo 'strlen(42) through $invoke: ', hostile_outcome($invoke, 'strlen', [42]), "\n";
    echo json_encode(hostile_wrong_types($invoke, $functions, hostile_valid()));
    PHP), $ini, 30.0);
[$mode, $strict['out']] = explode("\n", $strict['out'], 2) + [1 => ''];
echo "== child in strict mode ($mode)\n";
$strictLines = json_decode($strict['out'], true);
echo '== wrong types, strict_types=1 in the child: ',
    $strictLines === $ours['wrong types'] ? 'same as in-process' : 'DIFFERENT: ' . substr($strict['out'] . $strict['err'], 0, 2000), "\n";

// A server that cannot be reached: malformed arguments still throw InvalidArgumentException
// (checked before anything is sent), well-formed ones ServerUnreachableException. The pure
// Pusher helpers (HOSTILE_PURE) need no server: they answer as ever, never unreachable.
$unreachable = run_php(str_replace('{INC}', __DIR__ . '/hostile_arguments.inc', <<<'PHP'
    require '{INC}';
    $invoke = static fn (string $f, array $args) => $f(...$args);
    [$functions] = hostile_functions(HOSTILE_HOSTING);
    $lines = array_merge(
        hostile_strings($invoke, $functions, hostile_valid(), ['' => '']),
        hostile_strings($invoke, $functions, hostile_valid(), hostile_non_utf8()),
    );
    $seen = $pure = [];
    foreach ($lines as $l) {
        if (str_ends_with($l, ': no string parameter')) {
            continue;
        }
        $isPure = in_array(strstr($l, '(', true), HOSTILE_PURE, true);
        $outcomes = preg_match('/^[^:]+\): (.*)$/', $l, $m) ? preg_split('/, /', $m[1]) : [$l];
        foreach ($outcomes as $o) {
            $o = preg_replace('/^.* → /', '', $o);
            if ($isPure) {
                $pure[preg_replace('/^(string\(\d+\)|\'.*\')$/', 'a string', $o)] = true;
                continue;
            }
            if (!in_array($o, ['InvalidArgumentException', 'TypeError', 'FrankenPhpWs\ServerUnreachableException'], true)) {
                echo "unexpected: $l\n";
                break;
            }
            $seen[$o] = true;
        }
    }
    ksort($seen);
    ksort($pure);
    echo 'outcomes: ', implode(', ', array_keys($seen)), "\n";
    echo 'pure Pusher helpers: ', implode(', ', array_keys($pure)), "\n";
    PHP), ['frankenphp_ws.admin_url' => 'http://127.0.0.1:' . free_port()] + $ini, 30.0);
echo "== unreachable server, empty strings and non-UTF-8:\n", $unreachable['out'], $unreachable['err'];
?>
--EXPECT--
child: functions: 56 registered (added: none; removed: none)
calls reached the hosting process: true
== wrong types
broadcast($channel): TypeError for array, object; null for Stringable, float, int, bool; InvalidArgumentException for null
broadcast($message): TypeError for array, object; null for Stringable, float, int, bool; null after a deprecation for null
broadcast($binary): TypeError for array, object, Stringable, null; null for float, int, 'abc', '0'
broadcast: too few arguments: ArgumentCountError; too many: ArgumentCountError
broadcastToUser($userId): TypeError for array, object; null for Stringable, bool; null after a deprecation for null, float
broadcastToUser($message): TypeError for array, object; null for Stringable, float, int, bool; null after a deprecation for null
broadcastToUser($binary): TypeError for array, object, Stringable, null; null for float, int, 'abc', '0'
broadcastToUser: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_trigger($channels): TypeError for object; null for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_trigger($channels as a list): InvalidArgumentException for array, object, Stringable, null, float, int, bool
frankenphp_ws_trigger($event): TypeError for array, object; null for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_trigger($data): TypeError for array, object; null for Stringable, float, int, bool; null after a deprecation for null
frankenphp_ws_trigger($exceptConnection): TypeError for array, object; null for Stringable, float, int, bool
frankenphp_ws_trigger: too few arguments: ArgumentCountError; too many: ArgumentCountError
disconnectUser($userId): TypeError for array, object; 0 for Stringable, bool; 0 after a deprecation for null, float
disconnectUser: too few arguments: ArgumentCountError; too many: ArgumentCountError
getChannelUsers($channel): TypeError for array, object; [] for Stringable, float, int, bool; InvalidArgumentException for null
getChannelUsers: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getChannelCount($channel): TypeError for array, object; 0 for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getChannelCount: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getUserConnections($userId): TypeError for array, object; [] for Stringable, bool; [] after a deprecation for null, float
frankenphp_ws_getUserConnections: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_setPresence($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_setPresence($status): TypeError for array, object; InvalidArgumentException for Stringable, null, float, int, bool
frankenphp_ws_setPresence: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getPresence($userId): TypeError for array, object; 'offline' for Stringable, bool; 'offline' after a deprecation for null, float
frankenphp_ws_getPresence: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_send($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_send($data): TypeError for array, object; false for Stringable, float, int, bool; false after a deprecation for null
frankenphp_ws_send($route): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_send: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendBinary($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_sendBinary($data): TypeError for array, object; false for Stringable, float, int, bool; false after a deprecation for null
frankenphp_ws_sendBinary: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendAll($data): TypeError for array, object; 0 for Stringable, float, int, bool; 0 after a deprecation for null
frankenphp_ws_sendAll($route): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_sendAll($binary): TypeError for array, object, Stringable, null; 0 for float, int, 'abc', '0'
frankenphp_ws_sendAll: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClients($route): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_getClients: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_getClientsCount($route): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_getClientsCount: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_killConnection($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_killConnection: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_listRoutes: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_subscribe($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_subscribe($channel): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_subscribe: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_denySubscription($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_denySubscription($channel): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_denySubscription($reason): TypeError for array, object, null; false for Stringable, float, int, bool
frankenphp_ws_denySubscription: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_unsubscribe($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_unsubscribe($channel): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_unsubscribe: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getSubscriptions($connectionId): TypeError for array, object; [] for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getSubscriptions: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getChannels: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_activateGhost($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_activateGhost: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_releaseGhost($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_releaseGhost: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_isGhost($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_isGhost: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getResumeToken($connectionId): TypeError for array, object; null for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getResumeToken: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_renameConnection($currentId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_renameConnection($newId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_renameConnection: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_tagClient($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_tagClient($tag): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_tagClient: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_untagClient($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_untagClient($tag): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_untagClient: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_clearTagClient($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_clearTagClient: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getTags($connectionId): TypeError for array, object; [] for Stringable, float, int, bool
frankenphp_ws_getTags: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_getClientsByTag($tag): TypeError for array, object; [] for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getClientsByTag: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getTagCount($tag): TypeError for array, object; 0 for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getTagCount: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendToTag($tag): TypeError for array, object; 0 for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_sendToTag($data): TypeError for array, object; 0 for Stringable, float, int, bool; 0 after a deprecation for null
frankenphp_ws_sendToTag($route): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_sendToTag($binary): TypeError for array, object, Stringable, null; 0 for float, int, 'abc', '0'
frankenphp_ws_sendToTag: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendToTagExpression($expression): TypeError for array, object; 0 for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_sendToTagExpression($data): TypeError for array, object; 0 for Stringable, float, int, bool; 0 after a deprecation for null
frankenphp_ws_sendToTagExpression($route): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_sendToTagExpression($binary): TypeError for array, object, Stringable, null; 0 for float, int, 'abc', '0'
frankenphp_ws_sendToTagExpression: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientsByTagExpression($expression): TypeError for array, object; [] for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getClientsByTagExpression: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_setStoredInformation($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_setStoredInformation($key): TypeError for array, object; false for Stringable, float, int, bool; false after a deprecation for null
frankenphp_ws_setStoredInformation($value): TypeError for array, object; false for Stringable, float, int, bool; false after a deprecation for null
frankenphp_ws_setStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getStoredInformation($connectionId): TypeError for array, object; '' for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getStoredInformation($key): TypeError for array, object; '' for Stringable, float, int, bool; '' after a deprecation for null
frankenphp_ws_getStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_deleteStoredInformation($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_deleteStoredInformation($key): TypeError for array, object; false for Stringable, float, int, bool; false after a deprecation for null
frankenphp_ws_deleteStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_clearStoredInformation($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_clearStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_hasStoredInformation($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_hasStoredInformation($key): TypeError for array, object; false for Stringable, float, int, bool; false after a deprecation for null
frankenphp_ws_hasStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_listStoredInformationKeys($connectionId): TypeError for array, object; [] for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_listStoredInformationKeys: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_searchStoredInformation($key): TypeError for array, object; [] for Stringable, float, int, bool; [] after a deprecation for null
frankenphp_ws_searchStoredInformation($op): TypeError for array, object; InvalidArgumentException for Stringable, null, float, int, bool
frankenphp_ws_searchStoredInformation($value): TypeError for array, object; [] for Stringable, float, int, bool; [] after a deprecation for null
frankenphp_ws_searchStoredInformation($route): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_searchStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_set($key): TypeError for array, object; null for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_global_set($value): TypeError for array, object; null for Stringable, float, int, bool; null after a deprecation for null
frankenphp_ws_global_set($expireSeconds): TypeError for array, object, Stringable, null, 'abc'; null after a deprecation for float; null for bool, '0'
frankenphp_ws_global_set: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_get($key): TypeError for array, object; 'value' for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_global_get: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_has($key): TypeError for array, object; true for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_global_has: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_delete($key): TypeError for array, object; true for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_global_delete: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_enablePing($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_enablePing($intervalMs): TypeError for array, object, Stringable, null, 'abc'; false after a deprecation for float; false for bool, '0'
frankenphp_ws_enablePing: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_disablePing($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_disablePing: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientPingTime($connectionId): TypeError for array, object; 0 for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getClientPingTime: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_enableQueueCounter($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_enableQueueCounter($maxMessages): TypeError for array, object, Stringable, null, 'abc'; false after a deprecation for float; false for bool, '0'
frankenphp_ws_enableQueueCounter($maxTimeSeconds): TypeError for array, object, Stringable, null, 'abc'; false after a deprecation for float; false for bool, '0'
frankenphp_ws_enableQueueCounter: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_disableQueueCounter($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_disableQueueCounter: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientMessageCounter($connectionId): TypeError for array, object; 0 for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getClientMessageCounter: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientMessageQueue($connectionId): TypeError for array, object; [] for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_getClientMessageQueue: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_clearClientMessageQueue($connectionId): TypeError for array, object; false for Stringable, float, int, bool; InvalidArgumentException for null
frankenphp_ws_clearClientMessageQueue: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_pusherAuthorizeChannel($socketId): TypeError for array, object; InvalidArgumentException for Stringable, null, int, bool; string(127) for float
frankenphp_ws_pusherAuthorizeChannel($channel): TypeError for array, object; InvalidArgumentException for Stringable, null, float, int, bool
frankenphp_ws_pusherAuthorizeChannel($channelData): TypeError for array, object; InvalidArgumentException for Stringable, float, int, bool
frankenphp_ws_pusherAuthorizeChannel: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_pusherSignRequest($method): TypeError for array, object; InvalidArgumentException for Stringable, null, float, int, bool
frankenphp_ws_pusherSignRequest($path): TypeError for array, object; InvalidArgumentException for Stringable, null, float, int, bool
frankenphp_ws_pusherSignRequest($body): TypeError for array, object; string(177) for Stringable, float, int, bool
frankenphp_ws_pusherSignRequest($params): TypeError for object, Stringable, float, int, bool, 'abc', '0'
frankenphp_ws_pusherSignRequest: too few arguments: ArgumentCountError; too many: ArgumentCountError
== empty strings
broadcast($channel): InvalidArgumentException
broadcast($message): null
broadcastToUser($userId): InvalidArgumentException
broadcastToUser($message): null
frankenphp_ws_trigger($channels): InvalidArgumentException
frankenphp_ws_trigger($channels as a list): InvalidArgumentException
frankenphp_ws_trigger($event): InvalidArgumentException
frankenphp_ws_trigger($data): null
frankenphp_ws_trigger($exceptConnection): InvalidArgumentException
disconnectUser($userId): InvalidArgumentException
getChannelUsers($channel): InvalidArgumentException
frankenphp_ws_getChannelCount($channel): InvalidArgumentException
frankenphp_ws_getUserConnections($userId): InvalidArgumentException
frankenphp_ws_setPresence($connectionId): InvalidArgumentException
frankenphp_ws_setPresence($status): InvalidArgumentException
frankenphp_ws_getPresence($userId): InvalidArgumentException
frankenphp_ws_send($connectionId): InvalidArgumentException
frankenphp_ws_send($data): false
frankenphp_ws_send($route): InvalidArgumentException
frankenphp_ws_sendBinary($connectionId): InvalidArgumentException
frankenphp_ws_sendBinary($data): false
frankenphp_ws_sendAll($data): 0
frankenphp_ws_sendAll($route): InvalidArgumentException
frankenphp_ws_getClients($route): InvalidArgumentException
frankenphp_ws_getClientsCount($route): InvalidArgumentException
frankenphp_ws_killConnection($connectionId): InvalidArgumentException
frankenphp_ws_listRoutes: no string parameter
frankenphp_ws_subscribe($connectionId): InvalidArgumentException
frankenphp_ws_subscribe($channel): InvalidArgumentException
frankenphp_ws_denySubscription($connectionId): InvalidArgumentException
frankenphp_ws_denySubscription($channel): InvalidArgumentException
frankenphp_ws_denySubscription($reason): false
frankenphp_ws_unsubscribe($connectionId): InvalidArgumentException
frankenphp_ws_unsubscribe($channel): InvalidArgumentException
frankenphp_ws_getSubscriptions($connectionId): InvalidArgumentException
frankenphp_ws_getChannels: no string parameter
frankenphp_ws_activateGhost($connectionId): InvalidArgumentException
frankenphp_ws_releaseGhost($connectionId): InvalidArgumentException
frankenphp_ws_isGhost($connectionId): InvalidArgumentException
frankenphp_ws_getResumeToken($connectionId): InvalidArgumentException
frankenphp_ws_renameConnection($currentId): InvalidArgumentException
frankenphp_ws_renameConnection($newId): InvalidArgumentException
frankenphp_ws_tagClient($connectionId): InvalidArgumentException
frankenphp_ws_tagClient($tag): InvalidArgumentException
frankenphp_ws_untagClient($connectionId): InvalidArgumentException
frankenphp_ws_untagClient($tag): InvalidArgumentException
frankenphp_ws_clearTagClient($connectionId): InvalidArgumentException
frankenphp_ws_getTags($connectionId): InvalidArgumentException
frankenphp_ws_getClientsByTag($tag): InvalidArgumentException
frankenphp_ws_getTagCount($tag): InvalidArgumentException
frankenphp_ws_sendToTag($tag): InvalidArgumentException
frankenphp_ws_sendToTag($data): 0
frankenphp_ws_sendToTag($route): InvalidArgumentException
frankenphp_ws_sendToTagExpression($expression): InvalidArgumentException
frankenphp_ws_sendToTagExpression($data): 0
frankenphp_ws_sendToTagExpression($route): InvalidArgumentException
frankenphp_ws_getClientsByTagExpression($expression): InvalidArgumentException
frankenphp_ws_setStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_setStoredInformation($key): false
frankenphp_ws_setStoredInformation($value): false
frankenphp_ws_getStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_getStoredInformation($key): ''
frankenphp_ws_deleteStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_deleteStoredInformation($key): false
frankenphp_ws_clearStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_hasStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_hasStoredInformation($key): false
frankenphp_ws_listStoredInformationKeys($connectionId): InvalidArgumentException
frankenphp_ws_searchStoredInformation($key): []
frankenphp_ws_searchStoredInformation($op): InvalidArgumentException
frankenphp_ws_searchStoredInformation($value): []
frankenphp_ws_searchStoredInformation($route): InvalidArgumentException
frankenphp_ws_global_set($key): InvalidArgumentException
frankenphp_ws_global_set($value): null
frankenphp_ws_global_get($key): InvalidArgumentException
frankenphp_ws_global_has($key): InvalidArgumentException
frankenphp_ws_global_delete($key): InvalidArgumentException
frankenphp_ws_enablePing($connectionId): InvalidArgumentException
frankenphp_ws_disablePing($connectionId): InvalidArgumentException
frankenphp_ws_getClientPingTime($connectionId): InvalidArgumentException
frankenphp_ws_enableQueueCounter($connectionId): InvalidArgumentException
frankenphp_ws_disableQueueCounter($connectionId): InvalidArgumentException
frankenphp_ws_getClientMessageCounter($connectionId): InvalidArgumentException
frankenphp_ws_getClientMessageQueue($connectionId): InvalidArgumentException
frankenphp_ws_clearClientMessageQueue($connectionId): InvalidArgumentException
frankenphp_ws_pusherAuthorizeChannel($socketId): InvalidArgumentException
frankenphp_ws_pusherAuthorizeChannel($channel): InvalidArgumentException
frankenphp_ws_pusherAuthorizeChannel($channelData): InvalidArgumentException
frankenphp_ws_pusherSignRequest($method): InvalidArgumentException
frankenphp_ws_pusherSignRequest($path): InvalidArgumentException
frankenphp_ws_pusherSignRequest($body): string(135)
== non-UTF-8
broadcast($channel): InvalidArgumentException
broadcast($message): null
broadcastToUser($userId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → null
broadcastToUser($message): null
frankenphp_ws_trigger($channels): InvalidArgumentException
frankenphp_ws_trigger($channels as a list): InvalidArgumentException
frankenphp_ws_trigger($event): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → null
frankenphp_ws_trigger($data): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → null
frankenphp_ws_trigger($exceptConnection): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → null
disconnectUser($userId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
getChannelUsers($channel): InvalidArgumentException
frankenphp_ws_getChannelCount($channel): InvalidArgumentException
frankenphp_ws_getUserConnections($userId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_setPresence($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_setPresence($status): InvalidArgumentException
frankenphp_ws_getPresence($userId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 'offline'
frankenphp_ws_send($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_send($data): false
frankenphp_ws_send($route): InvalidArgumentException
frankenphp_ws_sendBinary($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_sendBinary($data): false
frankenphp_ws_sendAll($data): 0
frankenphp_ws_sendAll($route): InvalidArgumentException
frankenphp_ws_getClients($route): InvalidArgumentException
frankenphp_ws_getClientsCount($route): InvalidArgumentException
frankenphp_ws_killConnection($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_listRoutes: no string parameter
frankenphp_ws_subscribe($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_subscribe($channel): InvalidArgumentException
frankenphp_ws_denySubscription($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_denySubscription($channel): InvalidArgumentException
frankenphp_ws_denySubscription($reason): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_unsubscribe($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_unsubscribe($channel): InvalidArgumentException
frankenphp_ws_getSubscriptions($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_getChannels: no string parameter
frankenphp_ws_activateGhost($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_releaseGhost($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_isGhost($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_getResumeToken($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → null
frankenphp_ws_renameConnection($currentId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_renameConnection($newId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_tagClient($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_tagClient($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_untagClient($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_untagClient($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_clearTagClient($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_getTags($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_getClientsByTag($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_getTagCount($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_sendToTag($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_sendToTag($data): 0
frankenphp_ws_sendToTag($route): InvalidArgumentException
frankenphp_ws_sendToTagExpression($expression): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_sendToTagExpression($data): 0
frankenphp_ws_sendToTagExpression($route): InvalidArgumentException
frankenphp_ws_getClientsByTagExpression($expression): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_setStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_setStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_setStoredInformation($value): false
frankenphp_ws_getStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → ''
frankenphp_ws_getStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → ''
frankenphp_ws_deleteStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_deleteStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_clearStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_hasStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_hasStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_listStoredInformationKeys($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_searchStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_searchStoredInformation($op): InvalidArgumentException
frankenphp_ws_searchStoredInformation($value): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_searchStoredInformation($route): InvalidArgumentException
frankenphp_ws_global_set($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → null
frankenphp_ws_global_set($value): null
frankenphp_ws_global_get($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 'value'
frankenphp_ws_global_has($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → true
frankenphp_ws_global_delete($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → true
frankenphp_ws_enablePing($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_disablePing($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_getClientPingTime($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_enableQueueCounter($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_disableQueueCounter($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_getClientMessageCounter($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_getClientMessageQueue($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_clearClientMessageQueue($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_pusherAuthorizeChannel($socketId): InvalidArgumentException
frankenphp_ws_pusherAuthorizeChannel($channel): InvalidArgumentException
frankenphp_ws_pusherAuthorizeChannel($channelData): InvalidArgumentException
frankenphp_ws_pusherSignRequest($method): InvalidArgumentException
frankenphp_ws_pusherSignRequest($path): InvalidArgumentException
frankenphp_ws_pusherSignRequest($body): string(177)
== huge messages
broadcast($message): null
broadcastToUser($message): null
frankenphp_ws_trigger($data): null
frankenphp_ws_send($data): false
frankenphp_ws_sendBinary($data): false
frankenphp_ws_sendAll($data): 0
frankenphp_ws_sendToTag($data): 0
frankenphp_ws_sendToTagExpression($data): 0
frankenphp_ws_pusherSignRequest($body): string(177)
== child in strict mode (strlen(42) through $invoke: TypeError)
== wrong types, strict_types=1 in the child: DIFFERENT: ["broadcast($channel): TypeError for array, object, Stringable, null, float, int, bool","broadcast($message): TypeError for array, object, Stringable, null, float, int, bool","broadcast($binary): TypeError for array, object, Stringable, null, float, int, 'abc', '0'","broadcast: too few arguments: ArgumentCountError; too many: ArgumentCountError","broadcastToUser($userId): TypeError for array, object, Stringable, null, float, bool","broadcastToUser($message): TypeError for array, object, Stringable, null, float, int, bool","broadcastToUser($binary): TypeError for array, object, Stringable, null, float, int, 'abc', '0'","broadcastToUser: too few arguments: ArgumentCountError; too many: ArgumentCountError","frankenphp_ws_trigger($channels): TypeError for object, Stringable, null, float, int, bool","frankenphp_ws_trigger($channels as a list): InvalidArgumentException for array, object, Stringable, null, float, int, bool","frankenphp_ws_trigger($event): TypeError for array, object, Stringable, null, float, int, bool","frankenphp_ws_trigger($data): TypeError for array, object, Stringable, null, float, int, bool","frankenphp_ws_trigger($exceptConnection): TypeError for array, object, Stringable, float, int, bool","frankenphp_ws_trigger: too few arguments: ArgumentCountError; too many: ArgumentCountError","disconnectUser($userId): TypeError for array, object, Stringable, null, float, bool","disconnectUser: too few arguments: ArgumentCountError; too many: ArgumentCountError","getChannelUsers($channel): TypeError for array, object, Stringable, null, float, int, bool","getChannelUsers: too few arguments: ArgumentCountError; too many: ArgumentCountError","frankenphp_ws_getChannelCount($channel): TypeError for array, object, Stringable, null, float, int, bool","frankenphp_ws_getChannelCount: too few arguments: ArgumentCountError; too many: ArgumentCountError","frankenphp_ws_getUserConnections($userId): TypeError for array, object, Stringable, null, float, bool","frankenphp_ws_ge
== unreachable server, empty strings and non-UTF-8:
outcomes: FrankenPhpWs\ServerUnreachableException, InvalidArgumentException
pure Pusher helpers: InvalidArgumentException, a string
