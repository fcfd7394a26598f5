--TEST--
Tag, stored-information and rename functions on an unknown connection id give false / '' / [] / 0, never an exception
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

ws_start();
[$client, $open] = ws_connect();
$u = 'no-such-connection';

$calls = [
    'tagClient' => fn () => frankenphp_ws_tagClient($u, 'vip'),
    'untagClient' => fn () => frankenphp_ws_untagClient($u, 'vip'),
    'clearTagClient' => fn () => frankenphp_ws_clearTagClient($u),
    'getTags' => fn () => frankenphp_ws_getTags($u),
    'setStoredInformation' => fn () => frankenphp_ws_setStoredInformation($u, 'k', 'v'),
    'getStoredInformation' => fn () => frankenphp_ws_getStoredInformation($u, 'k'),
    'hasStoredInformation' => fn () => frankenphp_ws_hasStoredInformation($u, 'k'),
    'deleteStoredInformation' => fn () => frankenphp_ws_deleteStoredInformation($u, 'k'),
    'clearStoredInformation' => fn () => frankenphp_ws_clearStoredInformation($u),
    'listStoredInformationKeys' => fn () => frankenphp_ws_listStoredInformationKeys($u),
    'renameConnection' => fn () => frankenphp_ws_renameConnection($u, 'fresh'),
];
foreach ($calls as $name => $call) {
    try {
        echo "$name: ", var_export($call(), true), "\n";
    } catch (Throwable $e) {
        echo "$name: ", get_class($e), ': ', $e->getMessage(), "\n";
    }
}
echo 'nothing was created: ', json_encode([frankenphp_ws_getTags(), frankenphp_ws_getClientsCount(), frankenphp_ws_getStoredInformation($u, 'k')]), "\n";
?>
--EXPECT--
tagClient: false
untagClient: false
clearTagClient: false
getTags: array (
)
setStoredInformation: false
getStoredInformation: ''
hasStoredInformation: false
deleteStoredInformation: false
clearStoredInformation: false
listStoredInformationKeys: array (
)
renameConnection: false
nothing was created: [[],1,""]
