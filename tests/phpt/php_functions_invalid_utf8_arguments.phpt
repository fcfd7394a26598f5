--TEST--
Every string parameter of every registered function given bytes that are not UTF-8 (and a NUL byte): a typed exception where text is required, bytes taken as they are for data, never a crash
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

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'hostile-tag');

$invoke = static fn (string $f, array $args) => $f(...$args);
[$functions, $line] = hostile_functions();
echo $line, "\n";
// The well-formed arguments name the live connection, so a hostile *other* argument meets a
// real target. Each line lists the outcome per value when they differ: '\xff' (a lone invalid
// byte), 'truncated' (a cut multi-byte sequence), 'surrogate' (an encoded UTF-16 surrogate),
// 'overlong' (an overlong '/'), 'NUL' (valid UTF-8 with a zero byte).
// Text parameters (&str in Rust) refuse non-UTF-8 with a TypeError before anything runs; data
// parameters take bytes. A route with a NUL byte is not a path: InvalidArgumentException (the
// message naming it must not turn it into a plain Error).
$valid = hostile_valid(['id' => $id]);
// A rename that went through is undone, so every call meets the live connection.
$renamedBack = [];
$undoRename = static function () use ($id, &$renamedBack): void {
    foreach (frankenphp_ws_getClients() as $other) {
        if ($other !== $id) {
            $renamedBack[] = bin2hex($other);
            frankenphp_ws_renameConnection($other, $id);
        }
    }
};
foreach (hostile_strings($invoke, $functions, $valid, hostile_non_utf8(), [], $undoRename) as $l) {
    echo $l, "\n";
}

// What those calls left on the connection, and the server still works.
echo 'renamed back from (hex): ', json_encode($renamedBack), "\n";
echo 'connection afterwards: ', json_encode([
    'alive' => frankenphp_ws_getClients() === [$id],
    'tags' => frankenphp_ws_getTags($id),
    'keys' => frankenphp_ws_listStoredInformationKeys($id),
    'subscriptions' => frankenphp_ws_getSubscriptions($id),
    'ghost' => frankenphp_ws_isGhost($id),
    'global hostile-key' => frankenphp_ws_global_get('hostile-key'),
]), "\n";
$got = [];
while (($m = $client->receive(0.3)) !== null && $m['type'] !== 'eof') {
    $got[] = $m['type'] . ':' . bin2hex($m['data'] ?? '');
}
echo 'client got: ', implode(' ', $got), "\n";
echo 'events meanwhile: ', json_encode(array_column(drain_events(0.2), 'type')), "\n";
?>
--EXPECT--
functions: 59 registered (added: none; removed: none)
broadcast($channel): InvalidArgumentException
broadcast($message): null
frankenphp_ws_start: no string parameter
frankenphp_ws_stop: no string parameter
frankenphp_ws_get_event: no string parameter
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
frankenphp_ws_send($data): true
frankenphp_ws_send($route): InvalidArgumentException
frankenphp_ws_sendBinary($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_sendBinary($data): true
frankenphp_ws_sendAll($data): 1
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
frankenphp_ws_renameConnection($newId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → true
frankenphp_ws_tagClient($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_tagClient($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → true
frankenphp_ws_untagClient($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_untagClient($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → true
frankenphp_ws_clearTagClient($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_getTags($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_getClientsByTag($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_getTagCount($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_sendToTag($tag): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_sendToTag($data): 1
frankenphp_ws_sendToTag($route): InvalidArgumentException
frankenphp_ws_sendToTagExpression($expression): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 0
frankenphp_ws_sendToTagExpression($data): 1
frankenphp_ws_sendToTagExpression($route): InvalidArgumentException
frankenphp_ws_getClientsByTagExpression($expression): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_setStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_setStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → true
frankenphp_ws_setStoredInformation($value): true
frankenphp_ws_getStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → ''
frankenphp_ws_getStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → 'value'
frankenphp_ws_deleteStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_deleteStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → true
frankenphp_ws_clearStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_hasStoredInformation($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_hasStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → false
frankenphp_ws_listStoredInformationKeys($connectionId): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_searchStoredInformation($key): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → []
frankenphp_ws_searchStoredInformation($op): InvalidArgumentException
frankenphp_ws_searchStoredInformation($value): \xff → InvalidArgumentException, truncated → InvalidArgumentException, surrogate → InvalidArgumentException, overlong → InvalidArgumentException, NUL → array(1)
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
renamed back from (hex): ["610062"]
connection afterwards: {"alive":true,"tags":["hostile-tag"],"keys":["hostile-key"],"subscriptions":[],"ghost":false,"global hostile-key":"a\u0000b"}
client got: binary:61ff62 binary:6162c3 binary:61eda080 binary:c0af text:610062 binary:61ff62 binary:6162c3 binary:61eda080 binary:c0af binary:610062 binary:61ff62 binary:6162c3 binary:61eda080 binary:c0af text:610062 binary:61ff62 binary:6162c3 binary:61eda080 binary:c0af text:610062 binary:61ff62 binary:6162c3 binary:61eda080 binary:c0af text:610062
events meanwhile: []
