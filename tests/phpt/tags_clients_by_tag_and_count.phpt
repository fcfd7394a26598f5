--TEST--
getClientsByTag lists the connections with a tag and getTagCount counts them; a closed connection leaves both
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
$ids = [];
$clients = [];
foreach (['A', 'B', 'C'] as $name) {
    [$clients[$name], $open] = ws_connect();
    $ids[$open['connection']] = $name;
}
$byName = array_flip($ids);
function names(array $list): string
{
    $n = array_map(fn ($id) => $GLOBALS['ids'][$id] ?? "?$id", $list);
    sort($n);
    return json_encode($n);
}

frankenphp_ws_tagClient($byName['A'], 'vip');
frankenphp_ws_tagClient($byName['B'], 'vip');
frankenphp_ws_tagClient($byName['C'], 'free');
echo 'vip: ', names(frankenphp_ws_getClientsByTag('vip')), ' count ', frankenphp_ws_getTagCount('vip'), "\n";
echo 'free: ', names(frankenphp_ws_getClientsByTag('free')), ' count ', frankenphp_ws_getTagCount('free'), "\n";
echo 'unused: ', names(frankenphp_ws_getClientsByTag('unused')), ' count ', frankenphp_ws_getTagCount('unused'), "\n";
echo 'case matters: ', names(frankenphp_ws_getClientsByTag('VIP')), "\n";
$clients['B']->closeSocket();
wait_event('close');
echo 'after B closed: ', names(frankenphp_ws_getClientsByTag('vip')), ' count ', frankenphp_ws_getTagCount('vip'), "\n";
?>
--EXPECT--
vip: ["A","B"] count 2
free: ["C"] count 1
unused: [] count 0
case matters: []
after B closed: ["A"] count 1
