--TEST--
Every connection-state, global-store, liveness, history and ghost function works from a process that hosts no server, through the admin API
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

$bound = ws_start(['admin_token' => 's3cret']);
[$client, $open] = ws_connect('/ws/chat');
$id = $open['connection'];

$code = <<<'PHP'
    $id = '{ID}';
    $out = [];
    $out['tagClient'] = frankenphp_ws_tagClient($id, 'vip');
    $out['getTags'] = frankenphp_ws_getTags($id);
    $out['getTags all'] = frankenphp_ws_getTags();
    $out['getClientsByTag'] = frankenphp_ws_getClientsByTag('vip') === [$id];
    $out['getTagCount'] = frankenphp_ws_getTagCount('vip');
    $out['getClientsByTagExpression'] = frankenphp_ws_getClientsByTagExpression('v*&!muted') === [$id];
    $out['sendToTag'] = frankenphp_ws_sendToTag('vip', 'by tag');
    $out['sendToTagExpression'] = frankenphp_ws_sendToTagExpression('vip|x', 'by expression', '/ws/chat');
    try {
        frankenphp_ws_getClientsByTagExpression('vip&');
        $out['bad expression'] = 'no exception';
    } catch (InvalidArgumentException $e) {
        $out['bad expression'] = str_contains($e->getMessage(), 'position 4') ? 'InvalidArgumentException at 4' : $e->getMessage();
    }
    $out['untagClient'] = frankenphp_ws_untagClient($id, 'vip');
    $out['clearTagClient'] = frankenphp_ws_clearTagClient($id);
    $out['setStoredInformation'] = frankenphp_ws_setStoredInformation($id, 'name', 'Alice');
    $out['getStoredInformation'] = frankenphp_ws_getStoredInformation($id, 'name');
    $out['getStoredInformation absent'] = frankenphp_ws_getStoredInformation($id, 'absent');
    $out['hasStoredInformation'] = frankenphp_ws_hasStoredInformation($id, 'name');
    $out['listStoredInformationKeys'] = frankenphp_ws_listStoredInformationKeys($id);
    $out['searchStoredInformation'] = frankenphp_ws_searchStoredInformation('name', FRANKENPHP_WS_OP_IPREFIX, 'ali', '/ws/chat') === [$id];
    try {
        frankenphp_ws_searchStoredInformation('name', 'like', 'x');
        $out['bad operator'] = 'no exception';
    } catch (InvalidArgumentException $e) {
        $out['bad operator'] = 'InvalidArgumentException';
    }
    $out['deleteStoredInformation'] = frankenphp_ws_deleteStoredInformation($id, 'name');
    $out['clearStoredInformation'] = frankenphp_ws_clearStoredInformation($id);
    frankenphp_ws_global_set('g', 'value', 60);
    $out['global_get'] = frankenphp_ws_global_get('g');
    $out['global_has'] = frankenphp_ws_global_has('g');
    $out['global_delete'] = frankenphp_ws_global_delete('g');
    $out['global_get absent'] = frankenphp_ws_global_get('g');
    $out['enablePing'] = frankenphp_ws_enablePing($id, 0);
    $out['disablePing'] = frankenphp_ws_disablePing($id);
    $out['getClientPingTime unknown'] = frankenphp_ws_getClientPingTime('unknown');
    $out['enableQueueCounter'] = frankenphp_ws_enableQueueCounter($id, 10, 60);
    $out['send'] = frankenphp_ws_send($id, 'counted');
    $out['getClientMessageCounter'] = frankenphp_ws_getClientMessageCounter($id);
    $out['getClientMessageQueue'] = array_column(frankenphp_ws_getClientMessageQueue($id), 'data');
    $out['clearClientMessageQueue'] = frankenphp_ws_clearClientMessageQueue($id);
    $out['disableQueueCounter'] = frankenphp_ws_disableQueueCounter($id);
    $out['activateGhost'] = frankenphp_ws_activateGhost($id);
    $out['isGhost'] = frankenphp_ws_isGhost($id);
    $out['getResumeToken'] = strlen((string) frankenphp_ws_getResumeToken($id)) >= 16;
    $out['getResumeToken unknown'] = frankenphp_ws_getResumeToken('unknown');
    $out['releaseGhost'] = frankenphp_ws_releaseGhost($id);
    $out['releaseGhost again'] = frankenphp_ws_releaseGhost($id);
    $out['renameConnection'] = frankenphp_ws_renameConnection($id, 'renamed');
    $out['renameConnection unknown'] = frankenphp_ws_renameConnection('unknown', 'other');
    $out['getClients'] = frankenphp_ws_getClients();
    foreach ($out as $k => $v) {
        echo "$k: ", json_encode($v, JSON_UNESCAPED_SLASHES), "\n";
    }
    PHP;
$r = run_php(str_replace('{ID}', $id, $code), [
    'frankenphp_ws.admin_url' => "http://{$bound['admin']}",
    'frankenphp_ws.admin_token' => 's3cret',
]);
echo $r['out'], $r['err'], "exit {$r['status']}\n";
$got = [];
for ($i = 0; $i < 3; $i++) {
    $got[] = $client->expectText();
}
echo 'client: ', implode(', ', $got), "\n";
$client->isQuiet(0.2); // answers a ping still in flight
echo 'client pinged: ', count($client->pings), "\n";
echo 'renamed here too: ', json_encode(frankenphp_ws_getClients()), "\n";
?>
--EXPECT--
tagClient: true
getTags: ["vip"]
getTags all: ["vip"]
getClientsByTag: true
getTagCount: 1
getClientsByTagExpression: true
sendToTag: 1
sendToTagExpression: 1
bad expression: "InvalidArgumentException at 4"
untagClient: true
clearTagClient: true
setStoredInformation: true
getStoredInformation: "Alice"
getStoredInformation absent: ""
hasStoredInformation: true
listStoredInformationKeys: ["name"]
searchStoredInformation: true
bad operator: "InvalidArgumentException"
deleteStoredInformation: true
clearStoredInformation: true
global_get: "value"
global_has: true
global_delete: true
global_get absent: ""
enablePing: true
disablePing: true
getClientPingTime unknown: 0
enableQueueCounter: true
send: true
getClientMessageCounter: 1
getClientMessageQueue: ["counted"]
clearClientMessageQueue: true
disableQueueCounter: true
activateGhost: true
isGhost: true
getResumeToken: true
getResumeToken unknown: null
releaseGhost: true
releaseGhost again: false
renameConnection: true
renameConnection unknown: false
getClients: ["renamed"]
exit 0
client: by tag, by expression, counted
client pinged: 1
renamed here too: ["renamed"]
