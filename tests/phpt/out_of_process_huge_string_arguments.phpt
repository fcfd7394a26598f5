--TEST--
In a process that hosts no server, 1 MiB and 16 MiB ids, channels, tags, keys, values and users get exactly the hosting process's answer: the whole operation travels in the request body, so no argument is too long for the admin API, and there is never an HTTP error or ServerUnreachableException
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

// Run here and in the child, with an id that names no connection. Every string parameter but
// the message bodies (out_of_process_hostile_arguments.phpt) gets 1 MiB; a few, one of each
// kind of argument (an id, a key, a value, a user), get 16 MiB.
$sweeps = static function (Closure $invoke, array $functions): array {
    $mib = str_repeat('a', 1 << 20);
    $mib16 = str_repeat('b', 16 << 20);
    $notData = ['id', 'new_id', 'channel', 'event', 'tag', 'expression', 'key', 'value', 'route', 'user', 'status', 'reason', 'op',
        'socket_id', 'pusher_channel', 'channel_data', 'method', 'path', 'UNKNOWN'];
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
    [$functions, $line] = hostile_functions(HOSTILE_HOSTING);
    $start = microtime(true);
    $out = ['functions' => $line] + ({SWEEPS})($invoke, $functions);
    $out['seconds'] = microtime(true) - $start;
    echo json_encode($out);
    PHP);
// The Pusher app of this process's --INI--: the pure Pusher helpers answer the same there.
$r = run_php($child, [
    'frankenphp_ws.admin_url' => "http://{$bound['admin']}",
    'frankenphp_ws.listen' => '127.0.0.1:0',
    'frankenphp_ws.admin_listen' => '',
] + HOSTILE_PUSHER_INI, 30.0);
$theirs = json_decode($r['out'], true);
if (!is_array($theirs)) {
    echo "the child failed: status {$r['status']}\n", substr($r['out'], 0, 2000), substr($r['err'], 0, 2000), "\n";
    exit;
}
echo 'child: ', $theirs['functions'], "\n";
$ours = $sweeps(static fn (string $f, array $args) => $f(...$args), hostile_functions(HOSTILE_HOSTING)[0]);
foreach ($ours as $sweep => $lines) {
    echo "== $sweep\n";
    foreach ($theirs[$sweep] as $i => $l) {
        // Expected: the hosting process's answer. A line that differs shows both.
        echo $l === ($lines[$i] ?? null) ? $l : "$l   <- in-process: " . ($lines[$i] ?? '(missing)'), "\n";
    }
}
echo 'child in bounded time: ', json_encode($theirs['seconds'] < 5.0), "\n";
?>
--EXPECT--
child: functions: 56 registered (added: none; removed: none)
== 1 MiB
broadcast($channel): InvalidArgumentException
broadcastToUser($userId): null
frankenphp_ws_trigger($channels): InvalidArgumentException
frankenphp_ws_trigger($channels as a list): InvalidArgumentException
frankenphp_ws_trigger($event): InvalidArgumentException
frankenphp_ws_trigger($exceptConnection): null
disconnectUser($userId): 0
getChannelUsers($channel): InvalidArgumentException
frankenphp_ws_getChannelCount($channel): InvalidArgumentException
frankenphp_ws_getUserConnections($userId): []
frankenphp_ws_setPresence($connectionId): false
frankenphp_ws_setPresence($status): InvalidArgumentException
frankenphp_ws_getPresence($userId): 'offline'
frankenphp_ws_send($connectionId): false
frankenphp_ws_send($route): InvalidArgumentException
frankenphp_ws_sendBinary($connectionId): false
frankenphp_ws_sendAll($route): InvalidArgumentException
frankenphp_ws_getClients($route): InvalidArgumentException
frankenphp_ws_getClientsCount($route): InvalidArgumentException
frankenphp_ws_killConnection($connectionId): false
frankenphp_ws_subscribe($connectionId): false
frankenphp_ws_subscribe($channel): InvalidArgumentException
frankenphp_ws_denySubscription($connectionId): false
frankenphp_ws_denySubscription($channel): InvalidArgumentException
frankenphp_ws_denySubscription($reason): false
frankenphp_ws_unsubscribe($connectionId): false
frankenphp_ws_unsubscribe($channel): InvalidArgumentException
frankenphp_ws_getSubscriptions($connectionId): []
frankenphp_ws_activateGhost($connectionId): false
frankenphp_ws_releaseGhost($connectionId): false
frankenphp_ws_isGhost($connectionId): false
frankenphp_ws_getResumeToken($connectionId): null
frankenphp_ws_renameConnection($currentId): false
frankenphp_ws_renameConnection($newId): false
frankenphp_ws_tagClient($connectionId): false
frankenphp_ws_tagClient($tag): InvalidArgumentException
frankenphp_ws_untagClient($connectionId): false
frankenphp_ws_untagClient($tag): InvalidArgumentException
frankenphp_ws_clearTagClient($connectionId): false
frankenphp_ws_getTags($connectionId): []
frankenphp_ws_getClientsByTag($tag): InvalidArgumentException
frankenphp_ws_getTagCount($tag): InvalidArgumentException
frankenphp_ws_sendToTag($tag): InvalidArgumentException
frankenphp_ws_sendToTag($route): InvalidArgumentException
frankenphp_ws_sendToTagExpression($expression): InvalidArgumentException
frankenphp_ws_sendToTagExpression($route): InvalidArgumentException
frankenphp_ws_getClientsByTagExpression($expression): InvalidArgumentException
frankenphp_ws_setStoredInformation($connectionId): false
frankenphp_ws_setStoredInformation($key): false
frankenphp_ws_setStoredInformation($value): false
frankenphp_ws_getStoredInformation($connectionId): ''
frankenphp_ws_getStoredInformation($key): ''
frankenphp_ws_deleteStoredInformation($connectionId): false
frankenphp_ws_deleteStoredInformation($key): false
frankenphp_ws_clearStoredInformation($connectionId): false
frankenphp_ws_hasStoredInformation($connectionId): false
frankenphp_ws_hasStoredInformation($key): false
frankenphp_ws_listStoredInformationKeys($connectionId): []
frankenphp_ws_searchStoredInformation($key): []
frankenphp_ws_searchStoredInformation($op): InvalidArgumentException
frankenphp_ws_searchStoredInformation($value): []
frankenphp_ws_searchStoredInformation($route): InvalidArgumentException
frankenphp_ws_global_set($key): null
frankenphp_ws_global_set($value): null
frankenphp_ws_global_get($key): 'value'
frankenphp_ws_global_has($key): true
frankenphp_ws_global_delete($key): true
frankenphp_ws_enablePing($connectionId): false
frankenphp_ws_disablePing($connectionId): false
frankenphp_ws_getClientPingTime($connectionId): 0
frankenphp_ws_enableQueueCounter($connectionId): false
frankenphp_ws_disableQueueCounter($connectionId): false
frankenphp_ws_getClientMessageCounter($connectionId): 0
frankenphp_ws_getClientMessageQueue($connectionId): []
frankenphp_ws_clearClientMessageQueue($connectionId): false
frankenphp_ws_pusherAuthorizeChannel($socketId): InvalidArgumentException
frankenphp_ws_pusherAuthorizeChannel($channel): InvalidArgumentException
frankenphp_ws_pusherAuthorizeChannel($channelData): InvalidArgumentException
frankenphp_ws_pusherSignRequest($method): InvalidArgumentException
frankenphp_ws_pusherSignRequest($path): InvalidArgumentException
== 16 MiB
frankenphp_ws_getUserConnections($userId): []
frankenphp_ws_send($connectionId): false
frankenphp_ws_setStoredInformation($connectionId): false
frankenphp_ws_setStoredInformation($key): false
frankenphp_ws_setStoredInformation($value): false
frankenphp_ws_global_set($key): null
frankenphp_ws_global_set($value): null
child in bounded time: true
