--TEST--
Admin API endpoints getClients, getClientsCount, listRoutes, subscribe, unsubscribe, getSubscriptions, getChannels, killConnection
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

function call(string $method, string $path): string
{
    $r = admin_request($method, $path, $method === 'POST' ? '' : null);
    $result = $r['json']['result'] ?? null;
    if (is_array($result)) {
        sort($result);
    }
    return $r['status'] . ' ' . json_encode($result, JSON_UNESCAPED_SLASHES);
}

ws_start();
[$a, $oa] = ws_connect('/ws/a');
[$b, $ob] = ws_connect('/ws/b');
$ida = $oa['connection'];
$want = [$oa['connection'], $ob['connection']];
sort($want);

echo 'getClients all: ', call('GET', '/frankenphp_ws/getClients') === '200 ' . json_encode($want) ? 'ok' : call('GET', '/frankenphp_ws/getClients'), "\n";
echo 'getClients /ws/a: ', call('GET', '/frankenphp_ws/getClients?route=/ws/a') === '200 ' . json_encode([$ida]) ? 'ok' : 'wrong', "\n";
echo 'getClientsCount: ', call('GET', '/frankenphp_ws/getClientsCount'), "\n";
echo 'getClientsCount /ws/b: ', call('GET', '/frankenphp_ws/getClientsCount?route=/ws/b'), "\n";
echo 'listRoutes: ', call('GET', '/frankenphp_ws/listRoutes'), "\n";
echo 'subscribe: ', call('POST', "/frankenphp_ws/subscribe/$ida?channel=news"), "\n";
echo ev(wait_event('join')), "\n";
echo 'getSubscriptions: ', call('GET', "/frankenphp_ws/getSubscriptions/$ida"), "\n";
echo 'getChannels: ', call('GET', '/frankenphp_ws/getChannels'), "\n";
echo 'unsubscribe: ', call('POST', "/frankenphp_ws/unsubscribe/$ida?channel=news"), "\n";
echo ev(wait_event('leave')), "\n";
echo 'unsubscribe again: ', call('POST', "/frankenphp_ws/unsubscribe/$ida?channel=news"), "\n";
echo 'getChannels: ', call('GET', '/frankenphp_ws/getChannels'), "\n";
echo 'killConnection: ', call('POST', "/frankenphp_ws/killConnection/$ida"), "\n";
$close = $a->expectClose();
echo "client a: {$close['code']} {$close['reason']}\n";
echo ev(wait_event('close')), "\n";
echo 'killConnection again: ', call('POST', "/frankenphp_ws/killConnection/$ida"), "\n";
echo 'getSubscriptions unknown: ', call('GET', '/frankenphp_ws/getSubscriptions/unknown'), "\n";
echo 'getClientsCount: ', call('GET', '/frankenphp_ws/getClientsCount'), "\n";
?>
--EXPECT--
getClients all: ok
getClients /ws/a: ok
getClientsCount: 200 2
getClientsCount /ws/b: 200 1
listRoutes: 200 ["/ws/a","/ws/b"]
subscribe: 200 true
join route='/ws/a' channel='news' payload=NULL
getSubscriptions: 200 ["news"]
getChannels: 200 ["news"]
unsubscribe: 200 true
leave route='/ws/a' channel='news' payload=NULL
unsubscribe again: 200 false
getChannels: 200 []
killConnection: 200 true
client a: 1000 killed
close route='/ws/a' code=1000 payload='killed'
killConnection again: 200 false
getSubscriptions unknown: 200 []
getClientsCount: 200 1
