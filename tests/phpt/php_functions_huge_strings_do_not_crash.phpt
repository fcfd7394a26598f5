--TEST--
Every string parameter of every registered function given 1 MiB and 16 MiB strings (ids, channels, tags, keys, values, messages): InvalidArgumentException or false / '' / [] / 0, no crash, in bounded time; huge values and messages on a live connection
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
$invoke = static fn (string $f, array $args) => $f(...$args);
[$functions, $line] = hostile_functions();
echo $line, "\n";

// 1. The sweep, with no client connected and an id naming no connection as the well-formed
// id: a huge value meets the validation and the lookups, and nothing is delivered anywhere.
$huge = ['1 MiB' => str_repeat('a', 1 << 20), '16 MiB' => str_repeat('b', 16 << 20)];
$start = microtime(true);
foreach (hostile_strings($invoke, $functions, hostile_valid(), $huge) as $l) {
    echo $l, "\n";
}
$sweepSeconds = microtime(true) - $start;
// trigger()'s $channels as a huge list: up to 100 names, as Pusher allows.
foreach ([100, 101, 100000] as $n) {
    echo "frankenphp_ws_trigger($n channels): ", hostile_outcome($invoke, 'frankenphp_ws_trigger',
        [array_map(fn ($i) => "hostile-$i", range(1, $n)), 'hostile-event', 'payload']), "\n";
}
frankenphp_ws_global_delete($huge['1 MiB']);
frankenphp_ws_global_delete($huge['16 MiB']);

// 2. Huge values and messages on a live connection.
[$client, $open] = ws_connect();
$id = $open['connection'];
$mib = $huge['1 MiB'];
$r = [];
$r['send 1 MiB'] = frankenphp_ws_send($id, $mib);
$m = $client->receive(5.0);
$r['client got'] = $m['type'] . ' ' . strlen($m['data']) . ' bytes, intact: ' . json_encode($m['data'] === $mib);
$r['setStoredInformation 16 MiB value'] = frankenphp_ws_setStoredInformation($id, 'big', $huge['16 MiB']);
$r['getStoredInformation is it'] = frankenphp_ws_getStoredInformation($id, 'big') === $huge['16 MiB'];
$r['setStoredInformation 1 MiB key'] = frankenphp_ws_setStoredInformation($id, $mib, 'v');
$r['hasStoredInformation 1 MiB key'] = frankenphp_ws_hasStoredInformation($id, $mib);
$r['searchStoredInformation 1 MiB value'] = frankenphp_ws_searchStoredInformation('big', 'prefix', substr($huge['16 MiB'], 0, 1 << 20)) === [$id];
$r['clearStoredInformation'] = frankenphp_ws_clearStoredInformation($id);
$r['global_set 16 MiB value'] = frankenphp_ws_global_set('big', $huge['16 MiB']);
$r['global_get is it'] = frankenphp_ws_global_get('big') === $huge['16 MiB'];
$r['global_delete'] = frankenphp_ws_global_delete('big');
foreach (['tagClient' => 'frankenphp_ws_tagClient', 'subscribe' => 'frankenphp_ws_subscribe', 'setPresence' => 'frankenphp_ws_setPresence'] as $name => $f) {
    $r["$name 1 MiB"] = hostile_outcome($invoke, $f, [$id, $mib]);
}
$r['renameConnection to a 1 MiB id'] = frankenphp_ws_renameConnection($id, $mib);
$r['renamed back'] = frankenphp_ws_renameConnection($mib, $id);
$r['enableQueueCounter'] = frankenphp_ws_enableQueueCounter($id, 2);
$r['sendAll 1 MiB'] = frankenphp_ws_sendAll($mib);
$m = $client->receive(5.0);
$r['client got again'] = $m['type'] . ' ' . strlen($m['data']) . ' bytes';
$queue = frankenphp_ws_getClientMessageQueue($id);
$r['queue'] = count($queue) . ' entry of ' . strlen($queue[0]['data'] ?? '') . ' bytes';
// 16 MiB is over send_buffer (4 MiB), but alone in the backlog: a client that reads gets it all.
$r['send 16 MiB'] = frankenphp_ws_send($id, $huge['16 MiB']);
$m = $client->receive(5.0);
$r['client then'] = $m === null ? 'nothing' : ($m['type'] === 'close' ? "close {$m['code']} {$m['reason']}" : $m['type'] . ' ' . strlen($m['data']) . ' bytes');
foreach ($r as $k => $v) {
    echo "$k: ", is_string($v) ? $v : json_encode($v), "\n";
}
$events = array_map(fn ($e) => $e['type'] . (isset($e['code']) ? " {$e['code']} {$e['payload']}" : ''), drain_events(0.5));
echo 'events: ', json_encode($events), "\n";
echo 'sweep in bounded time: ', json_encode($sweepSeconds < 5.0), "\n";
?>
--EXPECT--
functions: 59 registered (added: none; removed: none)
broadcast($channel): InvalidArgumentException
broadcast($message): null
frankenphp_ws_start: no string parameter
frankenphp_ws_stop: no string parameter
frankenphp_ws_get_event: no string parameter
broadcastToUser($userId): null
broadcastToUser($message): null
frankenphp_ws_trigger($channels): InvalidArgumentException
frankenphp_ws_trigger($channels as a list): InvalidArgumentException
frankenphp_ws_trigger($event): InvalidArgumentException
frankenphp_ws_trigger($data): null
frankenphp_ws_trigger($exceptConnection): null
disconnectUser($userId): 0
getChannelUsers($channel): InvalidArgumentException
frankenphp_ws_getChannelCount($channel): InvalidArgumentException
frankenphp_ws_getUserConnections($userId): []
frankenphp_ws_setPresence($connectionId): false
frankenphp_ws_setPresence($status): InvalidArgumentException
frankenphp_ws_getPresence($userId): 'offline'
frankenphp_ws_send($connectionId): false
frankenphp_ws_send($data): false
frankenphp_ws_send($route): InvalidArgumentException
frankenphp_ws_sendBinary($connectionId): false
frankenphp_ws_sendBinary($data): false
frankenphp_ws_sendAll($data): 0
frankenphp_ws_sendAll($route): InvalidArgumentException
frankenphp_ws_getClients($route): InvalidArgumentException
frankenphp_ws_getClientsCount($route): InvalidArgumentException
frankenphp_ws_killConnection($connectionId): false
frankenphp_ws_listRoutes: no string parameter
frankenphp_ws_subscribe($connectionId): false
frankenphp_ws_subscribe($channel): InvalidArgumentException
frankenphp_ws_denySubscription($connectionId): false
frankenphp_ws_denySubscription($channel): InvalidArgumentException
frankenphp_ws_denySubscription($reason): false
frankenphp_ws_unsubscribe($connectionId): false
frankenphp_ws_unsubscribe($channel): InvalidArgumentException
frankenphp_ws_getSubscriptions($connectionId): []
frankenphp_ws_getChannels: no string parameter
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
frankenphp_ws_sendToTag($data): 0
frankenphp_ws_sendToTag($route): InvalidArgumentException
frankenphp_ws_sendToTagExpression($expression): InvalidArgumentException
frankenphp_ws_sendToTagExpression($data): 0
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
frankenphp_ws_pusherSignRequest($body): string(177)
frankenphp_ws_trigger(100 channels): null
frankenphp_ws_trigger(101 channels): InvalidArgumentException
frankenphp_ws_trigger(100000 channels): InvalidArgumentException
send 1 MiB: true
client got: text 1048576 bytes, intact: true
setStoredInformation 16 MiB value: true
getStoredInformation is it: true
setStoredInformation 1 MiB key: true
hasStoredInformation 1 MiB key: true
searchStoredInformation 1 MiB value: true
clearStoredInformation: true
global_set 16 MiB value: null
global_get is it: true
global_delete: true
tagClient 1 MiB: InvalidArgumentException
subscribe 1 MiB: InvalidArgumentException
setPresence 1 MiB: InvalidArgumentException
renameConnection to a 1 MiB id: true
renamed back: true
enableQueueCounter: true
sendAll 1 MiB: 1
client got again: text 1048576 bytes
queue: 1 entry of 1048576 bytes
send 16 MiB: true
client then: text 16777216 bytes
events: []
sweep in bounded time: true
