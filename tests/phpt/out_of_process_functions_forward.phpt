--TEST--
Every messaging and connection function works from a process that hosts no server, through the admin API
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
    $out['getClients'] = frankenphp_ws_getClients() === [$id];
    $out['getClients route'] = frankenphp_ws_getClients('/ws/chat') === [$id];
    $out['getClientsCount'] = frankenphp_ws_getClientsCount();
    $out['getClientsCount other'] = frankenphp_ws_getClientsCount('/ws/other');
    $out['listRoutes'] = frankenphp_ws_listRoutes();
    $out['subscribe'] = frankenphp_ws_subscribe($id, 'news');
    $out['getSubscriptions'] = frankenphp_ws_getSubscriptions($id);
    $out['getChannels'] = frankenphp_ws_getChannels();
    $out['send'] = frankenphp_ws_send($id, 'one');
    $out['send route'] = frankenphp_ws_send($id, 'two', '/ws/chat');
    $out['send wrong route'] = frankenphp_ws_send($id, 'never', '/ws/other');
    $out['send unknown'] = frankenphp_ws_send('unknown', 'never');
    $out['sendBinary'] = frankenphp_ws_sendBinary($id, "\x01\x02");
    $out['sendAll'] = frankenphp_ws_sendAll('three');
    $out['sendAll route'] = frankenphp_ws_sendAll('never', '/ws/other');
    $out['unsubscribe'] = frankenphp_ws_unsubscribe($id, 'news');
    $out['unsubscribe again'] = frankenphp_ws_unsubscribe($id, 'news');
    $out['killConnection'] = frankenphp_ws_killConnection($id);
    $out['killConnection unknown'] = frankenphp_ws_killConnection('unknown');
    foreach ($out as $k => $v) {
        echo "$k: ", json_encode($v, JSON_UNESCAPED_SLASHES), "\n";
    }
    PHP;
$r = run_php(str_replace('{ID}', $id, $code), [
    'frankenphp_ws.admin_url' => "http://{$bound['admin']}",
    'frankenphp_ws.admin_token' => 's3cret',
]);
echo $r['out'], $r['err'], "exit {$r['status']}\n";

foreach (['join', 'leave', 'beforeClose'] as $type) {
    echo ev(wait_event($type)), "\n";
}
echo $client->expectText(), ' ', $client->expectText(), ' ';
$m = $client->expectMessage();
echo $m['type'], ':', bin2hex($m['data']), ' ', $client->expectText(), "\n";
$close = $client->expectClose();
echo "client: {$close['code']} {$close['reason']}\n";
?>
--EXPECT--
getClients: true
getClients route: true
getClientsCount: 1
getClientsCount other: 0
listRoutes: ["/ws/chat"]
subscribe: true
getSubscriptions: ["news"]
getChannels: ["news"]
send: true
send route: true
send wrong route: false
send unknown: false
sendBinary: true
sendAll: 1
sendAll route: 0
unsubscribe: true
unsubscribe again: false
killConnection: true
killConnection unknown: false
exit 0
join route='/ws/chat' channel='news' payload=NULL
leave route='/ws/chat' channel='news' payload=NULL
beforeClose route='/ws/chat' code=1000 payload='killed'
one two binary:0102 three
client: 1000 killed
