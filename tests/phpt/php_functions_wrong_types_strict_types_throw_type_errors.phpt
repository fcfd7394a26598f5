--TEST--
Every registered function given wrong types (array, object, null, float, int, bool, strings for numbers) or a wrong argument count throws TypeError / ArgumentCountError, under declare(strict_types=1)
--EXTENSIONS--
frankenphp_ws
--INI--
frankenphp_ws.pusher_app_id=1
frankenphp_ws.pusher_key=key
frankenphp_ws.pusher_secret=secret
--FILE--
<?php
declare(strict_types=1);
// Strict mode: the calls are made by $invoke, in this file, so strict_types applies to them.
require __DIR__ . '/../lib/harness.php';
require __DIR__ . '/hostile_arguments.inc';

ws_start();
[$client, $open] = ws_connect();
$id = $open['connection'];
frankenphp_ws_tagClient($id, 'before');

$invoke = static fn (string $f, array $args) => $f(...$args);
// The mode in force for $invoke's calls, shown on a core function.
echo 'strlen(42) through $invoke: ', hostile_outcome($invoke, 'strlen', [42]), "\n";
[$functions, $line] = hostile_functions();
echo $line, "\n";
foreach (hostile_wrong_types($invoke, $functions, hostile_valid()) as $l) {
    echo $l, "\n";
}

// Nothing was done by any of those calls, and the server still works.
echo 'afterwards: ', json_encode([
    frankenphp_ws_getClients() === [$id],
    frankenphp_ws_getTags($id),
    frankenphp_ws_getChannels(),
    frankenphp_ws_global_has('hostile-key'),
    frankenphp_ws_send($id, 'still here'),
]), "\n";
echo 'client got: ', $client->expectText(), "\n";
echo 'events meanwhile: ', json_encode(array_column(drain_events(0.2), 'type')), "\n";
?>
--EXPECT--
strlen(42) through $invoke: TypeError
functions: 59 registered (added: none; removed: none)
broadcast($channel): TypeError for array, object, Stringable, null, float, int, bool
broadcast($message): TypeError for array, object, Stringable, null, float, int, bool
broadcast($binary): TypeError for array, object, Stringable, null, float, int, 'abc', '0'
broadcast: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_start($options): TypeError for object, Stringable, float, int, bool, 'abc', '0'
frankenphp_ws_start: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_stop($options): TypeError for object, Stringable, float, int, bool, 'abc', '0'
frankenphp_ws_stop: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_get_event($timeout): TypeError for array, object, Stringable, null, bool, 'abc', '0'
frankenphp_ws_get_event: too few arguments: n/a; too many: ArgumentCountError
broadcastToUser($userId): TypeError for array, object, Stringable, null, float, bool
broadcastToUser($message): TypeError for array, object, Stringable, null, float, int, bool
broadcastToUser($binary): TypeError for array, object, Stringable, null, float, int, 'abc', '0'
broadcastToUser: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_trigger($channels): TypeError for object, Stringable, null, float, int, bool
frankenphp_ws_trigger($channels as a list): InvalidArgumentException for array, object, Stringable, null, float, int, bool
frankenphp_ws_trigger($event): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_trigger($data): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_trigger($exceptConnection): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_trigger: too few arguments: ArgumentCountError; too many: ArgumentCountError
disconnectUser($userId): TypeError for array, object, Stringable, null, float, bool
disconnectUser: too few arguments: ArgumentCountError; too many: ArgumentCountError
getChannelUsers($channel): TypeError for array, object, Stringable, null, float, int, bool
getChannelUsers: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getChannelCount($channel): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getChannelCount: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getUserConnections($userId): TypeError for array, object, Stringable, null, float, bool
frankenphp_ws_getUserConnections: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_setPresence($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_setPresence($status): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_setPresence: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getPresence($userId): TypeError for array, object, Stringable, null, float, bool
frankenphp_ws_getPresence: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_send($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_send($data): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_send($route): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_send: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendBinary($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_sendBinary($data): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_sendBinary: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendAll($data): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_sendAll($route): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_sendAll($binary): TypeError for array, object, Stringable, null, float, int, 'abc', '0'
frankenphp_ws_sendAll: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClients($route): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_getClients: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_getClientsCount($route): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_getClientsCount: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_killConnection($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_killConnection: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_listRoutes: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_subscribe($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_subscribe($channel): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_subscribe: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_denySubscription($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_denySubscription($channel): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_denySubscription($reason): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_denySubscription: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_unsubscribe($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_unsubscribe($channel): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_unsubscribe: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getSubscriptions($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getSubscriptions: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getChannels: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_activateGhost($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_activateGhost: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_releaseGhost($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_releaseGhost: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_isGhost($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_isGhost: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getResumeToken($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getResumeToken: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_renameConnection($currentId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_renameConnection($newId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_renameConnection: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_tagClient($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_tagClient($tag): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_tagClient: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_untagClient($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_untagClient($tag): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_untagClient: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_clearTagClient($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_clearTagClient: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getTags($connectionId): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_getTags: too few arguments: n/a; too many: ArgumentCountError
frankenphp_ws_getClientsByTag($tag): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getClientsByTag: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getTagCount($tag): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getTagCount: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendToTag($tag): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_sendToTag($data): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_sendToTag($route): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_sendToTag($binary): TypeError for array, object, Stringable, null, float, int, 'abc', '0'
frankenphp_ws_sendToTag: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_sendToTagExpression($expression): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_sendToTagExpression($data): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_sendToTagExpression($route): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_sendToTagExpression($binary): TypeError for array, object, Stringable, null, float, int, 'abc', '0'
frankenphp_ws_sendToTagExpression: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientsByTagExpression($expression): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getClientsByTagExpression: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_setStoredInformation($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_setStoredInformation($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_setStoredInformation($value): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_setStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getStoredInformation($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getStoredInformation($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_deleteStoredInformation($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_deleteStoredInformation($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_deleteStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_clearStoredInformation($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_clearStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_hasStoredInformation($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_hasStoredInformation($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_hasStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_listStoredInformationKeys($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_listStoredInformationKeys: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_searchStoredInformation($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_searchStoredInformation($op): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_searchStoredInformation($value): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_searchStoredInformation($route): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_searchStoredInformation: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_set($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_global_set($value): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_global_set($expireSeconds): TypeError for array, object, Stringable, null, float, bool, 'abc', '0'
frankenphp_ws_global_set: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_get($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_global_get: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_has($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_global_has: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_global_delete($key): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_global_delete: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_enablePing($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_enablePing($intervalMs): TypeError for array, object, Stringable, null, float, bool, 'abc', '0'
frankenphp_ws_enablePing: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_disablePing($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_disablePing: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientPingTime($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getClientPingTime: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_enableQueueCounter($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_enableQueueCounter($maxMessages): TypeError for array, object, Stringable, null, float, bool, 'abc', '0'
frankenphp_ws_enableQueueCounter($maxTimeSeconds): TypeError for array, object, Stringable, null, float, bool, 'abc', '0'
frankenphp_ws_enableQueueCounter: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_disableQueueCounter($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_disableQueueCounter: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientMessageCounter($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getClientMessageCounter: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_getClientMessageQueue($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_getClientMessageQueue: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_clearClientMessageQueue($connectionId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_clearClientMessageQueue: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_pusherAuthorizeChannel($socketId): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_pusherAuthorizeChannel($channel): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_pusherAuthorizeChannel($channelData): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_pusherAuthorizeChannel: too few arguments: ArgumentCountError; too many: ArgumentCountError
frankenphp_ws_pusherSignRequest($method): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_pusherSignRequest($path): TypeError for array, object, Stringable, null, float, int, bool
frankenphp_ws_pusherSignRequest($body): TypeError for array, object, Stringable, float, int, bool
frankenphp_ws_pusherSignRequest($params): TypeError for object, Stringable, float, int, bool, 'abc', '0'
frankenphp_ws_pusherSignRequest: too few arguments: ArgumentCountError; too many: ArgumentCountError
afterwards: [true,["before"],[],false,true]
client got: still here
events meanwhile: []
