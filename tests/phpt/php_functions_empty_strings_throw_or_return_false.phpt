--TEST--
Every string parameter of every registered function given '' (ids, channels, tags, keys, users, routes, data): InvalidArgumentException or the documented false / '' / [] / 0, never a crash
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
// The well-formed arguments name the live connection, so an empty *other* argument meets a
// real target (killConnection and renameConnection only ever get '' as the id).
$valid = hostile_valid(['id' => $id]);
foreach (hostile_strings($invoke, $functions, $valid, ['' => '']) as $l) {
    echo $l, "\n";
}
// trigger()'s $channels as an empty list: no channel named.
echo 'frankenphp_ws_trigger([]): ', hostile_outcome($invoke, 'frankenphp_ws_trigger', [[], 'hostile-event', 'payload']), "\n";

// What those calls left on the connection, and the server still works.
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
    $got[] = $m['type'] . ':' . json_encode($m['data'] ?? null);
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
frankenphp_ws_send($data): true
frankenphp_ws_send($route): InvalidArgumentException
frankenphp_ws_sendBinary($connectionId): InvalidArgumentException
frankenphp_ws_sendBinary($data): true
frankenphp_ws_sendAll($data): 1
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
frankenphp_ws_sendToTag($data): 1
frankenphp_ws_sendToTag($route): InvalidArgumentException
frankenphp_ws_sendToTagExpression($expression): InvalidArgumentException
frankenphp_ws_sendToTagExpression($data): 1
frankenphp_ws_sendToTagExpression($route): InvalidArgumentException
frankenphp_ws_getClientsByTagExpression($expression): InvalidArgumentException
frankenphp_ws_setStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_setStoredInformation($key): true
frankenphp_ws_setStoredInformation($value): true
frankenphp_ws_getStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_getStoredInformation($key): 'value'
frankenphp_ws_deleteStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_deleteStoredInformation($key): true
frankenphp_ws_clearStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_hasStoredInformation($connectionId): InvalidArgumentException
frankenphp_ws_hasStoredInformation($key): false
frankenphp_ws_listStoredInformationKeys($connectionId): InvalidArgumentException
frankenphp_ws_searchStoredInformation($key): []
frankenphp_ws_searchStoredInformation($op): InvalidArgumentException
frankenphp_ws_searchStoredInformation($value): array(1)
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
frankenphp_ws_trigger([]): InvalidArgumentException
connection afterwards: {"alive":true,"tags":["hostile-tag"],"keys":["hostile-key"],"subscriptions":[],"ghost":false,"global hostile-key":""}
client got: text:"" binary:"" text:"" text:"" text:""
events meanwhile: []
