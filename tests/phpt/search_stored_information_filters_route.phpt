--TEST--
searchStoredInformation with a route returns only the matching connections on that route
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$a, $openA] = ws_connect('/ws/one');
[$b, $openB] = ws_connect('/ws/two');
[$c, $openC] = ws_connect('/ws/one');
foreach ([$openA, $openB, $openC] as $open) {
    frankenphp_ws_setStoredInformation($open['connection'], 'plan', 'pro');
}
frankenphp_ws_setStoredInformation($openC['connection'], 'plan', 'free');

$one = frankenphp_ws_searchStoredInformation('plan', FRANKENPHP_WS_OP_EQ, 'pro', '/ws/one');
echo 'pro on /ws/one: ', var_export($one === [$openA['connection']], true), "\n";
$two = frankenphp_ws_searchStoredInformation('plan', FRANKENPHP_WS_OP_EQ, 'pro', '/ws/two');
echo 'pro on /ws/two: ', var_export($two === [$openB['connection']], true), "\n";
echo 'pro anywhere: ', count(frankenphp_ws_searchStoredInformation('plan', FRANKENPHP_WS_OP_EQ, 'pro')), "\n";
echo 'other route: ', json_encode(frankenphp_ws_searchStoredInformation('plan', FRANKENPHP_WS_OP_EQ, 'pro', '/ws/three')), "\n";
?>
--EXPECT--
pro on /ws/one: true
pro on /ws/two: true
pro anywhere: 2
other route: []
